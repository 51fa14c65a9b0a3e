//! The schema positions of an API the decode fuzzer covers, and running
//! `instances.mjs` (json-schema-faker) over them.
//!
//! Shared by the fuzz test (`tests/tests/fuzz_specs.rs`) and `cargo xtask
//! corpus --fuzz` (`xtask/src/corpus/fuzz.rs`), which include this file.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use clientgen::ir::{Api, ResponseBody, StatusMatch, TypeKind, TypeRef};
use serde_json::{json, Value};

/// One place a schema is used, and the type it decodes into.
#[derive(Clone)]
pub struct Position {
    /// Unique within the API: the JSON pointer of the schema (or of the
    /// response, for a response body).
    pub id: String,
    /// Where the schema is: a schema object, or (`response`) a response
    /// object whose JSON media type holds it.
    pub pointer: String,
    pub response: bool,
    pub ty: TypeRef,
}

fn escape(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// Every named schema (except untyped aliases), then every JSON request
/// and response body whose type is not already covered.
pub fn positions(api: &Api) -> Vec<Position> {
    let mut out = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for def in &api.types {
        if matches!(
            def.kind,
            TypeKind::Alias {
                target: TypeRef::Any | TypeRef::Object,
                ..
            }
        ) {
            continue;
        }
        let ty = TypeRef::Named(def.key.clone());
        seen.insert(format!("{ty:?}"));
        // In the IR a schema's `nullable` lives where it is used (the field
        // is `Option`/`Maybe`), not in the named type: a `null` instance of
        // a nullable schema decodes as `Option<T>`. The faker only makes
        // `null`s where the schema allows them.
        out.push(Position {
            id: def.key.clone(),
            pointer: def.key.clone(),
            response: false,
            ty: ty.nullable(),
        });
    }
    let untyped = |t: &TypeRef| matches!(t.non_null(), TypeRef::Any | TypeRef::Object);
    for op in &api.operations {
        if let Some((body, ty)) = op.body.as_ref().and_then(|b| Some((b, b.ty.clone()?))) {
            let pointer = format!(
                "{}/requestBody/content/{}/schema",
                op.pointer,
                escape(&body.content_type)
            );
            if !untyped(&ty) && seen.insert(format!("{ty:?}")) {
                out.push(Position {
                    id: pointer.clone(),
                    pointer,
                    response: false,
                    ty,
                });
            }
        }
        for r in &op.responses {
            let ResponseBody::Json(ty) = &r.body else {
                continue;
            };
            let key = match r.status {
                StatusMatch::Code(c) => c.to_string(),
                StatusMatch::Range(n) => format!("{n}XX"),
                StatusMatch::Default => "default".into(),
            };
            let pointer = format!("{}/responses/{key}", op.pointer);
            if !untyped(ty) && seen.insert(format!("{ty:?}")) {
                out.push(Position {
                    id: pointer.clone(),
                    pointer,
                    response: true,
                    ty: ty.clone(),
                });
            }
        }
    }
    out
}

/// Generates `count` instances for each position (seeded by `seed`) into
/// `out` as JSON lines, running `node instances.mjs` from `fuzz_dir`
/// (`tests/fuzz`; the faker is installed by `npm ci --prefix tests/prism`).
pub fn generate(
    fuzz_dir: &Path,
    document: &Value,
    positions: &[Position],
    seed: u32,
    count: usize,
    out: &Path,
) -> Result<(), String> {
    // Installed beside Prism, under an alias (see `instances.mjs`).
    let prism = fuzz_dir.join("../prism");
    if !prism.join("node_modules/json-schema-faker-0.6").exists() {
        return Err(format!(
            "json-schema-faker is not installed: run `npm ci --prefix {}`",
            prism.display()
        ));
    }
    let request = json!({
        "document": document,
        "seed": seed,
        "count": count,
        "positions": positions.iter().map(|p| json!({"id": p.id, "pointer": p.pointer, "response": p.response})).collect::<Vec<_>>(),
    });
    let request_file = out.with_extension("request.json");
    let text = serde_json::to_vec(&request).map_err(|e| e.to_string())?;
    std::fs::write(&request_file, text)
        .map_err(|e| format!("cannot write {}: {e}", request_file.display()))?;
    let result = Command::new("node")
        .arg(fuzz_dir.join("instances.mjs"))
        .arg(&request_file)
        .arg(out)
        .output();
    let _ = std::fs::remove_file(&request_file);
    match result {
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) => Err(format!(
            "instances.mjs failed: {}",
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Err(e) => Err(format!("cannot run node (Node.js >= 18 is needed): {e}")),
    }
}
