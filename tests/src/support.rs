//! Spec fixtures shared by the wire and contract tests: the files in `specs/`
//! loaded as JSON values, and the examples they declare.
//!
//! Only what needs no dev-dependency lives here (the library crate depends on
//! `serde_json`/`serde_norway` only). The helpers that need the generated
//! clients or wiremock are in `tests/tests/common/mod.rs`.
//!
//! Every function panics with a message naming the file or the JSON pointer
//! when the spec does not have what the test expects: a broken fixture is a
//! test failure, not a skipped check.

use std::path::PathBuf;

use serde_json::Value;

use crate::prism::repo_root;

/// `specs/<file>` in the repository.
pub fn spec_path(file: &str) -> PathBuf {
    repo_root().join("specs").join(file)
}

/// `specs/<file>` (YAML or JSON) parsed into a JSON value.
pub fn load_spec(file: &str) -> Value {
    let path = spec_path(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `components.examples.<name>.value`.
pub fn component_example(spec: &Value, name: &str) -> Value {
    let v = &spec["components"]["examples"][name]["value"];
    assert!(!v.is_null(), "spec has no example {name:?}");
    v.clone()
}

/// The `value` of example `name` of the `application/json` request body of
/// the operation at JSON pointer `operation` (e.g.
/// `/paths/~1contacts~1{contact_id}/put`).
pub fn json_request_example(spec: &Value, operation: &str, name: &str) -> Value {
    media_example(
        spec,
        &format!("{operation}/requestBody/content/application~1json"),
        name,
    )
}

/// The `value` of example `name` of the `application/json` response with
/// `status` of the operation at JSON pointer `operation`.
pub fn json_response_example(spec: &Value, operation: &str, status: u16, name: &str) -> Value {
    media_example(
        spec,
        &format!("{operation}/responses/{status}/content/application~1json"),
        name,
    )
}

/// The `value` of example `name` under the media type object at JSON pointer
/// `media`, following a local `$ref` to `components.examples`.
pub fn media_example(spec: &Value, media: &str, name: &str) -> Value {
    let media_type = spec
        .pointer(media)
        .unwrap_or_else(|| panic!("no {media} in spec"));
    let example = resolve_local_ref(spec, &media_type["examples"][name]);
    example
        .get("value")
        .cloned()
        .unwrap_or_else(|| panic!("example {name} has no value"))
}

/// Follows a local `$ref` (`#/...`) once, if `v` is one; otherwise `v`.
pub fn resolve_local_ref<'a>(spec: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => spec
            .pointer(r.strip_prefix('#').expect("local $ref"))
            .unwrap_or_else(|| panic!("dangling $ref {r}")),
        None => v,
    }
}
