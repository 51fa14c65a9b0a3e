//! Synthetic specs of 1k to 20k operations, written to `target/bench/specs/`:
//! time and memory against the number of operations.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use serde_json::{json, Map, Value};

use super::spec::{floor_runs, phase_runs, Floor};
use super::BenchArgs;

const SCALING_OPS: &[usize] = &[1_000, 5_000, 20_000];
const QUICK_SCALING_OPS: &[usize] = &[1_000, 5_000];

/// A spec with `ops` operations: CRUD over `ops / 4` resources, each with a
/// component schema (scalars, a format, an enum, an array, a nested object
/// and a `$ref` to the previous resource).
fn synthetic_spec(ops: usize) -> Value {
    let resources = ops.div_ceil(4);
    let mut paths = Map::new();
    let mut schemas = Map::new();
    for i in 0..resources {
        let r = format!("res{i}");
        let schema = format!("Res{i}");
        let tag = format!("group{}", i % 20);
        let sref = json!({ "$ref": format!("#/components/schemas/{schema}") });
        let body =
            json!({ "required": true, "content": { "application/json": { "schema": sref } } });
        let ok = |code: &str, desc: &str| json!({ code: { "description": desc, "content": { "application/json": { "schema": sref } } } });
        paths.insert(
            format!("/{r}"),
            json!({
                "post": {
                    "operationId": format!("create_{r}"),
                    "tags": [tag],
                    "parameters": [{ "name": "dry_run", "in": "query", "schema": { "type": "boolean" } }],
                    "requestBody": body,
                    "responses": ok("201", "created"),
                }
            }),
        );
        let mut get_responses = ok("200", "the resource");
        get_responses["404"] = json!({ "description": "not found" });
        paths.insert(
            format!("/{r}/{{id}}"),
            json!({
                "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }],
                "get": {
                    "operationId": format!("get_{r}"),
                    "tags": [tag],
                    "parameters": [{ "name": "expand", "in": "query", "schema": { "type": "array", "items": { "type": "string" } } }],
                    "responses": get_responses,
                },
                "put": {
                    "operationId": format!("update_{r}"),
                    "tags": [tag],
                    "requestBody": body,
                    "responses": ok("200", "updated"),
                },
                "delete": {
                    "operationId": format!("delete_{r}"),
                    "tags": [tag],
                    "responses": { "204": { "description": "deleted" } },
                },
            }),
        );
        let parent = if i == 0 {
            json!({ "type": "string" })
        } else {
            json!({ "$ref": format!("#/components/schemas/Res{}", i - 1) })
        };
        schemas.insert(
            schema,
            json!({
                "type": "object",
                "description": format!("Resource number {i}."),
                "required": ["id", "name", "status"],
                "properties": {
                    "id": { "type": "string", "format": "uuid" },
                    "name": { "type": "string", "maxLength": 200 },
                    "count": { "type": "integer", "format": "int64", "nullable": true },
                    "ratio": { "type": "number" },
                    "status": { "type": "string", "enum": ["active", "inactive", "archived"] },
                    "labels": { "type": "array", "items": { "type": "string" } },
                    "meta": {
                        "type": "object",
                        "properties": {
                            "created_at": { "type": "string", "format": "date-time" },
                            "owner": { "type": "string" },
                            "flags": { "type": "array", "items": { "type": "integer" } },
                        },
                    },
                    "parent": parent,
                },
            }),
        );
    }
    json!({
        "openapi": "3.0.3",
        "info": { "title": format!("Synthetic {ops}"), "version": "1.0.0" },
        "servers": [{ "url": "https://api.example.com/v1" }],
        "paths": paths,
        "components": { "schemas": schemas },
    })
}

pub(super) struct ScalePoint {
    pub(super) ops: usize,
    pub(super) bytes: u64,
    pub(super) phases: BTreeMap<String, f64>,
    pub(super) floor: Floor,
    pub(super) error: Option<String>,
}

pub(super) fn scaling(
    args: &BenchArgs,
    exe: &Path,
    bench_dir: &Path,
) -> Result<Vec<ScalePoint>, String> {
    let specs_dir = bench_dir.join("specs");
    fs::create_dir_all(&specs_dir)
        .map_err(|e| format!("cannot create {}: {e}", specs_dir.display()))?;
    let sizes = if args.quick {
        QUICK_SCALING_OPS
    } else {
        SCALING_OPS
    };
    let mut points = Vec::new();
    for &ops in sizes {
        let path = specs_dir.join(format!("synthetic-{ops}.json"));
        let text = serde_json::to_string_pretty(&synthetic_spec(ops)).map_err(|e| e.to_string())?;
        fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        eprintln!("bench: synthetic {ops} operations ({} runs)", args.runs);
        let out = bench_dir
            .join("out/ours")
            .join(format!("bench-synthetic-{ops}"));
        let (phases, error) = match phase_runs(
            exe,
            &path,
            &out,
            &format!("bench-synthetic-{ops}"),
            args.runs,
        ) {
            Ok((p, _)) => (p, None),
            Err(e) => (BTreeMap::new(), Some(e)),
        };
        let floor = floor_runs(exe, &path, args.runs);
        points.push(ScalePoint {
            ops,
            bytes: fs::metadata(&path).map(|m| m.len()).unwrap_or(0),
            phases,
            floor,
            error,
        });
    }
    Ok(points)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_counts() {
        let v = synthetic_spec(1000);
        let ops: usize = v["paths"]
            .as_object()
            .unwrap()
            .values()
            .map(|p| {
                p.as_object()
                    .unwrap()
                    .keys()
                    .filter(|k| *k != "parameters")
                    .count()
            })
            .sum();
        assert_eq!(ops, 1000);
        assert_eq!(v["components"]["schemas"].as_object().unwrap().len(), 250);
    }
}
