//! The last step: `serde_json::Value` → `openapiv3::OpenAPI`, and, when that
//! fails, an explanation that points at the exact place.
//!
//! openapiv3 wraps most objects in `ReferenceOr<T>`, an untagged enum, which
//! hides where inside the object deserialization failed. When it fails, the
//! object at the reported path is deserialized again as its concrete type
//! (known from the document structure), repeatedly, to get the full path.

use std::panic::{catch_unwind, AssertUnwindSafe};

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::kind::Kind;
use crate::diagnostic::pointer_from_segments;

#[derive(Debug)]
pub(crate) struct TypedError {
    pub segments: Vec<String>,
    pub message: String,
}

fn convert_path(path: &serde_path_to_error::Path) -> Vec<String> {
    use serde_path_to_error::Segment;
    let mut out = Vec::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => out.push(index.to_string()),
            Segment::Map { key } => out.push(key.clone()),
            Segment::Enum { .. } => {}
            Segment::Unknown => break,
        }
    }
    out
}

fn panic_error() -> TypedError {
    TypedError {
        segments: Vec::new(),
        message: "internal error: the OpenAPI model failed on this document".into(),
    }
}

/// Deserializes the whole document.
///
/// From `&Value` rather than by value: openapiv3's `ReferenceOr` is an
/// untagged enum that buffers every object it wraps (and again at every
/// nesting level); from a borrowed tree that buffer borrows its strings
/// instead of copying them, which is about a third faster for big
/// documents — and no copy of the tree is made either way.
pub(crate) fn to_openapi(value: &Value) -> Result<openapiv3::OpenAPI, TypedError> {
    if let Some(spec) = split_deserialize(value) {
        return Ok(spec);
    }
    let result = catch_unwind(AssertUnwindSafe(|| {
        serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(value)
    }))
    .map_err(|_| panic_error())?;
    result.map_err(|e| TypedError {
        segments: convert_path(e.path()),
        message: e.inner().to_string(),
    })
}

/// Big documents: deserialize `components` on a second thread while this
/// one does the rest, then assemble the `OpenAPI` value by its (public)
/// fields, with the same defaults its derived `Deserialize` uses. Any
/// failure returns `None` and the caller takes the one-piece path, which
/// produces the error with its location.
fn split_deserialize(value: &Value) -> Option<openapiv3::OpenAPI> {
    use openapiv3 as o;
    use serde::Deserialize;

    const MIN_COMPONENTS: usize = 64;
    let root = value.as_object()?;
    let components = root.get("components");
    let big = components
        .and_then(|c| c.get("schemas"))
        .and_then(Value::as_object)
        .map_or(0, |m| m.len());
    if big < MIN_COMPONENTS {
        return None;
    }
    fn field<T: DeserializeOwned>(
        root: &serde_json::Map<String, Value>,
        key: &str,
    ) -> Option<Option<T>> {
        match root.get(key) {
            None => Some(None),
            Some(v) => T::deserialize(v).ok().map(Some),
        }
    }
    let (rest, components) = std::thread::scope(|scope| {
        let handle = scope.spawn(|| {
            catch_unwind(AssertUnwindSafe(|| {
                components.map(o::Components::deserialize).transpose().ok()
            }))
            .ok()
            .flatten()
        });
        let rest = catch_unwind(AssertUnwindSafe(|| {
            Some((
                field::<String>(root, "openapi")??,
                field::<o::Info>(root, "info")??,
                field::<Vec<o::Server>>(root, "servers")?.unwrap_or_default(),
                field::<o::Paths>(root, "paths")??,
                field::<Option<Vec<o::SecurityRequirement>>>(root, "security")?.flatten(),
                field::<Vec<o::Tag>>(root, "tags")?.unwrap_or_default(),
                field::<o::ExternalDocumentation>(root, "externalDocs")?,
            ))
        }))
        .ok()
        .flatten();
        (rest, handle.join().ok().flatten())
    });
    let (openapi, info, servers, paths, security, tags, external_docs) = rest?;
    let extensions = root
        .iter()
        .filter(|(k, _)| k.starts_with("x-"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Some(o::OpenAPI {
        openapi,
        info,
        servers,
        paths,
        components: components?,
        security,
        tags,
        external_docs,
        extensions,
    })
}

fn try_as<T: DeserializeOwned>(v: &Value) -> Option<TypedError> {
    let result = catch_unwind(AssertUnwindSafe(|| {
        serde_path_to_error::deserialize::<_, T>(v)
    }));
    match result {
        Ok(Ok(_)) => None,
        Ok(Err(e)) => Some(TypedError {
            segments: convert_path(e.path()),
            message: e.inner().to_string(),
        }),
        Err(_) => Some(panic_error()),
    }
}

pub(crate) fn try_kind(kind: Kind, v: &Value) -> Option<TypedError> {
    use openapiv3 as o;
    match kind {
        Kind::Root => try_as::<o::OpenAPI>(v),
        Kind::Components => try_as::<o::Components>(v),
        Kind::Paths => try_as::<o::Paths>(v),
        Kind::PathItem => try_as::<o::PathItem>(v),
        Kind::Operation => try_as::<o::Operation>(v),
        Kind::Responses => try_as::<o::Responses>(v),
        Kind::Callback => try_as::<o::Callback>(v),
        Kind::Parameter => try_as::<o::Parameter>(v),
        Kind::Header => try_as::<o::Header>(v),
        Kind::RequestBody => try_as::<o::RequestBody>(v),
        Kind::Response => try_as::<o::Response>(v),
        Kind::MediaType => try_as::<o::MediaType>(v),
        Kind::Encoding => try_as::<o::Encoding>(v),
        Kind::Example => try_as::<o::Example>(v),
        Kind::Link => try_as::<o::Link>(v),
        Kind::SecurityScheme => try_as::<o::SecurityScheme>(v),
        Kind::Schema => try_as::<o::Schema>(v),
        Kind::Map(_) | Kind::List(_) => None,
    }
}

/// The first entry of a container that fails as its kind.
fn first_failing_child(kind: Kind, v: &Value) -> Option<(Option<String>, TypedError)> {
    let check = |key: String, child: &Value| -> Option<(Option<String>, TypedError)> {
        let relevant = match kind {
            Kind::Paths => key.starts_with('/'),
            Kind::Responses => key == "default" || super::walk::is_status_key(&key),
            _ => true,
        };
        if !relevant {
            return None;
        }
        let child_kind = kind.child(&key)?;
        if child_kind.is_referenceable() && child.get("$ref").is_some() {
            return None;
        }
        try_kind(child_kind, child).map(|e| (Some(key), e))
    };
    match v {
        Value::Object(m) => m.iter().find_map(|(k, c)| check(k.clone(), c)),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .find_map(|(i, c)| check(i.to_string(), c)),
        _ => None,
    }
}

fn lookup<'a>(root: &'a Value, segments: &[String]) -> Option<&'a Value> {
    segments.iter().try_fold(root, |v, s| match v {
        Value::Object(m) => m.get(s),
        Value::Array(a) => a.get(s.parse::<usize>().ok()?),
        _ => None,
    })
}

/// Turns a failure of [`to_openapi`] into (pointer, message, help), using
/// `root`, the same value that failed.
pub(crate) fn explain(root: &Value, err: TypedError) -> (String, String, Option<String>) {
    let mut segments = err.segments;
    let mut message = err.message;
    for _ in 0..64 {
        let Some(kind) = Kind::at(&segments) else {
            break;
        };
        let Some(v) = lookup(root, &segments) else {
            break;
        };
        if kind.is_referenceable() && v.get("$ref").is_some() {
            break;
        }
        let sub = match kind {
            // Containers that openapiv3 flattens (losing the path), and
            // plain maps/lists: find the entry that fails.
            Kind::Paths | Kind::Responses | Kind::Map(_) | Kind::List(_) => {
                first_failing_child(kind, v)
            }
            _ if v.is_object() => try_kind(kind, v).map(|e| (None, e)),
            _ => None,
        };
        let Some((child, sub)) = sub else { break };
        message = sub.message;
        match child {
            Some(key) => segments.push(key),
            None if sub.segments.is_empty() => break,
            None => {}
        }
        segments.extend(sub.segments);
    }
    // serde_path_to_error names the tag of Parameter (`in`) itself.
    if segments.last().map(String::as_str) == Some("in")
        && Kind::at(&segments[..segments.len() - 1]) == Some(Kind::Parameter)
    {
        segments.pop();
    }
    let kind = Kind::at(&segments);
    let value = lookup(root, &segments);
    let mut help = None;

    // Parameters are tagged by `in`.
    if kind == Some(Kind::Parameter) || kind == Some(Kind::Header) {
        if let Some(Value::Object(p)) = value {
            if message.starts_with("unknown variant") && kind == Some(Kind::Parameter) {
                let location = match p.get("in") {
                    Some(Value::String(s)) => format!("`in: {s}`"),
                    Some(other) => super::walk::describe(other),
                    None => String::new(),
                };
                message = format!(
                    "unknown parameter location {location}; expected one of `query`, `header`, `path`, `cookie`"
                );
                if p.get("in").and_then(Value::as_str) == Some("body") {
                    help = Some("`in: body` is Swagger 2.0; in OpenAPI 3 the request body is the operation's `requestBody`".into());
                } else if p.get("in").and_then(Value::as_str) == Some("formData") {
                    help = Some("`in: formData` is Swagger 2.0; in OpenAPI 3 form fields are properties of a `requestBody` with `application/x-www-form-urlencoded` or `multipart/form-data` content".into());
                }
                segments.push("in".into());
            } else if message == "missing field `in`" {
                message =
                    "the parameter has no `in` (required: `query`, `header`, `path` or `cookie`)"
                        .into();
            } else if message.contains("ParameterSchemaOrContent") {
                message = format!(
                    "{} needs exactly one of `schema` or `content`",
                    kind.unwrap_or(Kind::Parameter).describe()
                );
            }
        }
    }
    if segments.is_empty() && message == "missing field `info`" {
        help = Some("`info` is required, with at least `title` and `version`".into());
    }
    let mut message = polish(&message);
    // "expected an array, found an object" → "`parameters` must be an array, ..."
    if let (Some(rest), Some(last)) = (message.strip_prefix("expected "), segments.last()) {
        if last.parse::<usize>().is_err() {
            message = format!("`{last}` must be {rest}");
        }
    }
    (pointer_from_segments(&segments), message, help)
}

/// Makes serde's wording read like the rest of the diagnostics.
pub(crate) fn polish(message: &str) -> String {
    if let Some(field) = message.strip_prefix("missing field ") {
        return format!("missing required field {field}");
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            return format!(
                "expected {}, found {}",
                expected_name(expected),
                found_name(found)
            );
        }
    }
    message.to_string()
}

fn expected_name(e: &str) -> String {
    if let Some(name) = e.strip_prefix("struct ") {
        let name = match name {
            "OpenAPI" => "an OpenAPI document object",
            "PathItem" => "a path item object",
            "Operation" => "an operation object",
            "Responses" => "a responses object",
            "Response" => "a response object",
            "RequestBody" => "a request body object",
            "MediaType" => "a media type object",
            "Info" => "an info object",
            "Components" => "a components object",
            "Paths" => "a paths object (mapping `/path` to path items)",
            "Server" => "a server object",
            "Tag" => "a tag object",
            other => {
                return format!(
                    "a{} {other} object",
                    if other.starts_with(['A', 'E', 'I', 'O', 'U']) {
                        "n"
                    } else {
                        ""
                    }
                )
            }
        };
        return name.to_string();
    }
    match e {
        "a sequence" => "an array".into(),
        "a map" => "an object".into(),
        "a string" => "a string".into(),
        other => other.to_string(),
    }
}

fn found_name(f: &str) -> String {
    if let Some(s) = f.strip_prefix("string ") {
        return format!("the string {s}");
    }
    for (prefix, what) in [
        ("integer ", "the number "),
        ("floating point ", "the number "),
        ("boolean ", "the boolean "),
    ] {
        if let Some(v) = f.strip_prefix(prefix) {
            return format!("{what}{}", v.trim_matches('`'));
        }
    }
    match f {
        "sequence" => "an array".into(),
        "map" => "an object".into(),
        "unit value" | "null" => "null".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    fn fail(v: Value) -> (String, String, Option<String>) {
        let err = to_openapi(&v).expect_err("should fail");
        explain(&v, err)
    }

    fn doc(paths: Value) -> Value {
        json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths})
    }

    #[test]
    fn drills_through_reference_or() {
        let (p, m, _) = fail(doc(json!({"/a": {"get": {"responses": {"200": {
            "description": "ok",
            "content": {"application/json": {"schema": {"type": "object"}, "encoding": 5}}
        }}}}})));
        assert_eq!(
            p,
            "#/paths/~1a/get/responses/200/content/application~1json/encoding"
        );
        assert_eq!(m, "`encoding` must be an object, found the number 5");

        let (p, m, _) = fail(doc(json!({"/a": {"get": {"responses": {"200": {}}}}})));
        assert_eq!(p, "#/paths/~1a/get/responses/200");
        assert_eq!(m, "missing required field `description`");

        let (p, m, _) = fail(doc(json!({"/a": {"get": "nope"}})));
        assert_eq!(p, "#/paths/~1a/get");
        assert_eq!(
            m,
            "`get` must be an operation object, found the string \"nope\""
        );
    }

    #[test]
    fn split_deserialization_matches_one_piece() {
        let mut schemas = serde_json::Map::new();
        for i in 0..80 {
            schemas.insert(
                format!("S{i}"),
                json!({"type": "object", "properties": {"a": {"$ref": "#/components/schemas/S0"}}}),
            );
        }
        let v = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "servers": [{"url": "https://x"}],
            "paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}}}, "x-p": 1},
            "components": {"schemas": schemas, "x-c": true},
            "security": [{"k": []}],
            "tags": [{"name": "t"}],
            "externalDocs": {"url": "https://docs"},
            "x-root": {"a": 1},
            "ignored": 5
        });
        let split = split_deserialize(&v).expect("split path taken");
        let whole = openapiv3::OpenAPI::deserialize(&v).unwrap();
        assert_eq!(split, whole);
        // A broken part makes the split path give up (the caller then
        // reports the error from the one-piece path).
        let mut broken = v.clone();
        broken["info"] = json!("nope");
        assert!(split_deserialize(&broken).is_none());
        let mut broken = v;
        broken["components"]["schemas"]["S3"] = json!({"type": 5});
        assert!(split_deserialize(&broken).is_none());
    }

    #[test]
    fn parameter_messages() {
        let (p, m, h) = fail(doc(json!({"/a": {"get": {"responses": {}, "parameters": [
            {"name": "b", "in": "body", "schema": {}}
        ]}}})));
        assert_eq!(p, "#/paths/~1a/get/parameters/0/in");
        assert_eq!(m, "unknown parameter location `in: body`; expected one of `query`, `header`, `path`, `cookie`");
        assert!(h.unwrap().contains("requestBody"));
        let (p, m, _) = fail(doc(
            json!({"/a": {"parameters": [{"name": "b", "schema": {}}]}}),
        ));
        assert_eq!(p, "#/paths/~1a/parameters/0");
        assert_eq!(
            m,
            "the parameter has no `in` (required: `query`, `header`, `path` or `cookie`)"
        );
    }
}
