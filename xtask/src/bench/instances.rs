//! Schema-driven instances for the decode benchmark, from the decode
//! fuzzer's generator (`tests/fuzz/instances.mjs`: json-schema-faker, pinned
//! in `tests/prism`), then shaped like real responses.

use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::{json, Value};

use super::suite::DecodeCase;

/// The property every item of a decode document gets, declared by no
/// schema: ours must keep it.
pub(super) const UNDECLARED: &str = "bench_undeclared_field";

/// Strings longer than this are cut: the faker draws lengths up to
/// `maxLength` (5000 in Stripe's spec), and documents of random kilobyte
/// strings measure string scanning, not decoding. Above 36, so UUIDs and
/// date-times stay whole (cut, they are no longer valid for any generator).
const MAX_STRING: usize = 64;

/// `pool` instances of the case's item schema and one of its response (the
/// envelope, when the list is a field of it).
pub(super) struct Pool {
    pub(super) items: Vec<Value>,
    pub(super) envelope: Option<Value>,
}

/// Runs the generator in `fuzz_dir` (installing its pinned packages with
/// `npm ci --prefix tests/prism` first if needed).
pub(super) fn pool(
    fuzz_dir: &Path,
    spec: &Value,
    case: &DecodeCase,
    count: usize,
    work: &Path,
) -> Result<Pool, String> {
    let script = fuzz_dir.join("instances.mjs");
    if !script.is_file() {
        return Err(format!(
            "{} is missing (the decode fuzzer's instance generator)",
            script.display()
        ));
    }
    // `instances.mjs` loads the faker and ajv from `../prism/node_modules`
    // (pinned there beside Prism); `tests/fuzz` has no package of its own.
    let prism = fuzz_dir.join("../prism");
    if !prism.join("node_modules/json-schema-faker-0.6").is_dir() {
        eprintln!("bench: npm ci --prefix {}", prism.display());
        let ok = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--prefix"])
            .arg(&prism)
            .status()
            .map_err(|e| format!("cannot run npm: {e}"))?
            .success();
        if !ok {
            return Err(format!("npm ci --prefix {} failed", prism.display()));
        }
    }
    let response = format!(
        "#/paths/{}/{}/responses/200",
        pointer_escape(case.path),
        case.method
    );
    let mut positions = vec![json!({ "id": "item", "pointer": case.item, "response": false })];
    if case.list_field.is_some() {
        positions.push(json!({ "id": "envelope", "pointer": response, "response": true }));
    }
    let request = json!({ "document": spec, "seed": 13, "count": count, "positions": positions });
    fs::create_dir_all(work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let req_path = work.join("instances-request.json");
    let out_path = work.join("instances.jsonl");
    fs::write(&req_path, request.to_string())
        .map_err(|e| format!("cannot write {}: {e}", req_path.display()))?;
    let out = Command::new("node")
        .arg(&script)
        .arg(&req_path)
        .arg(&out_path)
        .output()
        .map_err(|e| format!("cannot run node: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "instances.mjs failed: {}",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .next()
                .unwrap_or("")
        ));
    }
    let text = fs::read_to_string(&out_path)
        .map_err(|e| format!("cannot read {}: {e}", out_path.display()))?;
    let mut pool = Pool {
        items: Vec::new(),
        envelope: None,
    };
    for line in text.lines() {
        let v: Value = serde_json::from_str(line)
            .map_err(|e| format!("instances.mjs wrote a bad line: {e}"))?;
        if let Some(e) = v["error"].as_str() {
            return Err(format!(
                "instances.mjs: {} at {}: {e}",
                v["position"], case.item
            ));
        }
        let mut value = v["value"].clone();
        shorten_strings(&mut value);
        match v["position"].as_str() {
            Some("item") => pool.items.push(value),
            Some("envelope") if pool.envelope.is_none() => pool.envelope = Some(value),
            _ => {}
        }
    }
    Ok(pool)
}

/// The decode document: the first `case.items` accepted items, each with
/// [`UNDECLARED`] added, in the envelope's list field or as the list.
pub(super) fn document(
    case: &DecodeCase,
    pool: &Pool,
    accepted: &[usize],
) -> Result<Value, String> {
    let items: Vec<Value> = accepted
        .iter()
        .take(case.items)
        .map(|&i| with_undeclared(&pool.items[i], i))
        .collect();
    if items.len() < case.items {
        return Err(format!(
            "only {} of {} instances decode with every generator",
            accepted.len(),
            pool.items.len()
        ));
    }
    match case.list_field {
        None => Ok(Value::Array(items)),
        Some(field) => {
            let mut env = pool
                .envelope
                .clone()
                .ok_or("no instance of the response envelope")?;
            let obj = env
                .as_object_mut()
                .ok_or("the response envelope is not an object")?;
            obj.insert(field.to_string(), Value::Array(items));
            Ok(env)
        }
    }
}

/// An item as sent to the filter and in the document: with one property no
/// schema declares.
pub(super) fn with_undeclared(item: &Value, i: usize) -> Value {
    let mut item = item.clone();
    if let Some(obj) = item.as_object_mut() {
        obj.insert(
            UNDECLARED.to_string(),
            json!({ "index": i, "note": "not in the schema" }),
        );
    }
    item
}

fn shorten_strings(v: &mut Value) {
    match v {
        Value::String(s) if s.chars().count() > MAX_STRING => {
            *s = s.chars().take(MAX_STRING).collect()
        }
        Value::Array(xs) => xs.iter_mut().for_each(shorten_strings),
        Value::Object(m) => m.values_mut().for_each(shorten_strings),
        _ => {}
    }
}

fn pointer_escape(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}
