//! Size guards: documents built to hit the paths that used to recurse on
//! input depth or go quadratic. Each test checks what comes out; none
//! asserts a time. `guard_timings` (ignored) measures them:
//!
//! ```text
//! cargo test --release -p clientgen --test size_guards -- --ignored --nocapture
//! ```
//!
//! Every guard runs on a thread with a 2 MiB stack (the default for
//! spawned threads), so a recursion that grows with the input fails here
//! rather than only on bigger inputs.

use std::time::{Duration, Instant};

use clientgen::emit::{self, ApiModule, CrateOptions, FeatureMode};
use clientgen::ir::{TypeKind, TypeRef};
use serde_json::{json, Map, Value};

const STACK: usize = 2 * 1024 * 1024;

fn doc(schemas: Map<String, Value>, paths: Value) -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "guard", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas}
    })
}

fn one_get(schema_ref: &str) -> Value {
    json!({"/x": {"get": {"operationId": "getX", "responses": {"200": {
        "description": "ok",
        "content": {"application/json": {"schema": {"$ref": schema_ref}}}
    }}}}})
}

/// `S0 → S1 → … → S3999`, each only a `$ref` to the next; the last is an object.
fn ref_chain(n: usize) -> String {
    let mut schemas = Map::new();
    for i in 0..n - 1 {
        schemas.insert(
            format!("S{i}"),
            json!({"$ref": format!("#/components/schemas/S{}", i + 1)}),
        );
    }
    schemas.insert(
        format!("S{}", n - 1),
        json!({"type": "object", "properties": {"end": {"type": "string"}}}),
    );
    doc(schemas, one_get("#/components/schemas/S0")).to_string()
}

/// `S0.next: S1`, … through properties; every other link wraps the
/// reference in `allOf` with a description, as AWS specs do.
fn property_chain(n: usize) -> String {
    let mut schemas = Map::new();
    for i in 0..n {
        let target = format!("#/components/schemas/S{}", (i + 1) % n);
        let next = if i % 2 == 0 {
            json!({"$ref": target})
        } else {
            json!({"allOf": [{"$ref": target}], "description": format!("link {i}")})
        };
        schemas.insert(
            format!("S{i}"),
            json!({"type": "object", "properties": {"id": {"type": "integer"}, "next": next}}),
        );
    }
    doc(schemas, one_get("#/components/schemas/S0")).to_string()
}

fn big_enum(n: usize) -> String {
    let values: Vec<Value> = (0..n)
        .map(|i| Value::String(format!("value_{i}")))
        .collect();
    let mut schemas = Map::new();
    schemas.insert("Big".into(), json!({"type": "string", "enum": values}));
    doc(schemas, one_get("#/components/schemas/Big")).to_string()
}

/// 10,000 distinct values made only of punctuation: every one falls back to
/// the same variant name, so each is numbered after the others.
fn colliding_enum(n: usize) -> String {
    let values: Vec<Value> = (0..n)
        .map(|mut i| {
            let mut v = String::from("-");
            while i > 0 {
                v.push(['!', '?', '.', '*'][i % 4]);
                i /= 4;
            }
            Value::String(v)
        })
        .collect();
    let mut schemas = Map::new();
    schemas.insert("Marks".into(), json!({"type": "string", "enum": values}));
    doc(schemas, one_get("#/components/schemas/Marks")).to_string()
}

fn deep_json(depth: usize) -> String {
    format!(
        "{{\"openapi\": \"3.0.3\", \"info\": {{\"title\": \"t\", \"version\": \"1\"}}, \"paths\": {{}}, \"x-deep\": {}1{}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    )
}

/// Block sequences nested on one line: `- - - … 1`.
fn deep_yaml_block(depth: usize) -> String {
    format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\nx-deep:\n{}1\n",
        "- ".repeat(depth)
    )
}

fn deep_yaml_flow(depth: usize) -> String {
    format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\nx-deep: {}1{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    )
}

/// A ~2 MB JSON spec, pretty-printed, with one key repeated near the end.
fn duplicate_key_spec() -> (String, usize) {
    let mut schemas = Map::new();
    for i in 0..6000 {
        schemas.insert(
            format!("Schema{i}"),
            json!({"type": "object", "description": "a schema that takes some room in the document",
                   "properties": {"id": {"type": "string"}, "count": {"type": "integer"}}}),
        );
    }
    let text = serde_json::to_string_pretty(&doc(schemas, one_get("#/components/schemas/Schema0")))
        .unwrap();
    // Repeat `count` inside the last schema's properties.
    let anchor = "\"Schema5999\": {";
    let at = text.find(anchor).expect("last schema") + anchor.len();
    let props = text[at..].find("\"count\"").expect("count") + at;
    let mut dup = String::with_capacity(text.len() + 64);
    dup.push_str(&text[..props]);
    dup.push_str("\"count\": {\"type\": \"integer\"},\n            ");
    dup.push_str(&text[props..]);
    let line = dup[..props].matches('\n').count() + 1;
    (dup, line)
}

/// Runs `f` on a thread with a small stack and returns its result and time.
fn guarded<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> (T, Duration) {
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || {
            let start = Instant::now();
            let out = f();
            (out, start.elapsed())
        })
        .expect("spawn")
        .join()
        .expect("the guard thread must not panic or overflow")
}

/// Load, lower and emit; returns the lowered API (or the load error).
fn generate(name: &str, text: &str) -> Result<clientgen::Lowered, Box<clientgen::Diagnostic>> {
    let loaded = clientgen::load::load_str(name, text).map_err(Box::new)?;
    let lowered = clientgen::lower_loaded(loaded, name);
    let opts = CrateOptions {
        name: "guard".into(),
        version: "0.1.0".into(),
        description: "guard".into(),
        command: "size_guards".into(),
        features: FeatureMode::PerTag,
        standalone: true,
    };
    let modules = [ApiModule {
        module: "api".into(),
        spec_path: name.into(),
        api: &lowered.api,
    }];
    let files = emit::emit_crate(&modules, &opts).expect("emit");
    assert!(files.iter().any(|f| f.path.ends_with("types.rs")));
    Ok(lowered)
}

fn check_ref_chain() -> Duration {
    let text = ref_chain(4000);
    let (lowered, took) = guarded(move || generate("ref-chain.json", &text).expect("loads"));
    let types = &lowered.api.types;
    assert_eq!(types.len(), 4000);
    let s0 = types
        .iter()
        .find(|t| t.key == "#/components/schemas/S0")
        .expect("S0");
    assert!(
        matches!(&s0.kind, TypeKind::Alias { target: TypeRef::Named(k), .. } if k == "#/components/schemas/S1")
    );
    took
}

fn check_property_chain() -> Duration {
    let text = property_chain(5000);
    let (lowered, took) = guarded(move || generate("property-chain.json", &text).expect("loads"));
    let types = &lowered.api.types;
    assert_eq!(types.len(), 5000);
    let s1 = types
        .iter()
        .find(|t| t.key == "#/components/schemas/S1")
        .expect("S1");
    let TypeKind::Struct(s) = &s1.kind else {
        panic!("S1 is a struct")
    };
    // The allOf-wrapped reference is the referenced type itself.
    assert_eq!(
        s.fields[1].ty,
        TypeRef::Named("#/components/schemas/S2".into())
    );
    // The chain closes into a cycle: the field that closes it is boxed.
    assert!(types
        .iter()
        .any(|t| matches!(&t.kind, TypeKind::Struct(s) if s.fields.iter().any(|f| f.boxed))));
    took
}

fn check_big_enum() -> Duration {
    let text = big_enum(100_000);
    let (lowered, took) = guarded(move || generate("big-enum.json", &text).expect("loads"));
    let TypeKind::Enum(e) = &lowered.api.types[0].kind else {
        panic!("an enum")
    };
    assert_eq!(e.variants.len(), 100_000);
    assert_eq!(e.variants[99_999].value, json!("value_99999"));
    took
}

fn check_colliding_names() -> Duration {
    let text = colliding_enum(10_000);
    let (lowered, took) = guarded(move || generate("colliding-enum.json", &text).expect("loads"));
    let TypeKind::Enum(e) = &lowered.api.types[0].kind else {
        panic!("an enum")
    };
    assert_eq!(e.variants.len(), 10_000);
    let names: std::collections::HashSet<&str> =
        e.variants.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names.len(), 10_000, "every variant has its own name");
    took
}

fn check_deep(name: &'static str, text: String) -> Duration {
    let (result, took) = guarded(move || {
        clientgen::load::load_str(name, &text)
            .map(|_| ())
            .map_err(Box::new)
    });
    let err = result.expect_err("too deep to load");
    assert!(err.message.contains("nests more than"), "{name}: {err}");
    assert!(err.line.is_some(), "{name}: {err}");
    took
}

fn check_duplicate_key() -> Duration {
    let (text, line) = duplicate_key_spec();
    assert!(text.len() > 1_500_000);
    let (result, took) = guarded(move || {
        clientgen::load::load_str("dup.json", &text)
            .map(|_| ())
            .map_err(Box::new)
    });
    let err = result.expect_err("duplicate key");
    assert_eq!(
        err.pointer,
        "#/components/schemas/Schema5999/properties/count"
    );
    assert_eq!(err.line, Some(line + 1), "{err}");
    took
}

#[test]
fn ref_chain_of_4000() {
    check_ref_chain();
}

#[test]
fn property_chain_of_5000() {
    check_property_chain();
}

#[test]
fn enum_of_100k_values() {
    check_big_enum();
}

#[test]
fn names_of_10k_colliding_values() {
    check_colliding_names();
}

#[test]
fn nesting_100k_deep() {
    check_deep("deep.json", deep_json(100_000));
    check_deep("deep-flow.yaml", deep_yaml_flow(100_000));
    check_deep("deep-block.yaml", deep_yaml_block(100_000));
}

#[test]
fn duplicate_key_in_a_big_spec() {
    check_duplicate_key();
}

/// Prints the time of each guard's own work (build the text outside it).
#[test]
#[ignore = "a measurement: run with --release -- --ignored --nocapture"]
fn guard_timings() {
    let rows = [
        ("$ref chain, 4,000 links", check_ref_chain()),
        (
            "5,000 schemas chained through properties",
            check_property_chain(),
        ),
        ("enum of 100,000 values", check_big_enum()),
        ("10,000 enum values with one name", check_colliding_names()),
        (
            "JSON nested 100,000 deep",
            check_deep("deep.json", deep_json(100_000)),
        ),
        (
            "YAML (flow) nested 100,000 deep",
            check_deep("deep-flow.yaml", deep_yaml_flow(100_000)),
        ),
        (
            "YAML (block) nested 100,000 deep",
            check_deep("deep-block.yaml", deep_yaml_block(100_000)),
        ),
        ("duplicate key in a 2 MB JSON spec", check_duplicate_key()),
    ];
    for (what, took) in rows {
        println!("{:>9.1} ms  {what}", took.as_secs_f64() * 1e3);
    }
}
