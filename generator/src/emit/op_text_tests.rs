//! Tests of [`super`]: every operation written as text is what the token
//! path prints.

use super::*;

/// Every operation's text and the generic path's, with and without
/// its feature gate; how many of each item were written as text.
pub(crate) fn compare(api: &crate::ir::Api) -> [usize; 6] {
    let table = Types::new(&api.types);
    let mut written = [0; 6];
    for op in &api.operations {
        let params = &api.client_params;
        // The operation's own gate (its tags' features), as `mod.rs`
        // passes it.
        let cfg = super::super::cfg_for(true)(op);
        let line = super::super::types::cfg_line(&op.features);
        let own = cfg.as_ref().map(|c| (c, line.trim_end()));
        assert!(own.is_some() || op.features.is_empty(), "{}", op.name);
        for gate in [None, own] {
            let text = operation_text(&table, op, params, gate).expect("formats");
            let tokens = super::super::operation::operation(&table, op, params, gate.map(|g| g.0));
            let printed = super::super::format_tokens(tokens, "op").expect("parses");
            if text != printed {
                let (e, g): (Vec<_>, Vec<_>) = (printed.lines().collect(), text.lines().collect());
                let i = e.iter().zip(&g).take_while(|(a, b)| a == b).count();
                let from = i.saturating_sub(4);
                panic!(
                    "{}: expected\n{}\ngot\n{}",
                    op.name,
                    e[from..(i + 4).min(e.len())].join("\n"),
                    g[from..(i + 4).min(g.len())].join("\n")
                );
            }
        }
        let m = members_text(&table, op, params);
        written[0] += usize::from(m.as_ref().and_then(|m| client_impl(op, m)).is_some());
        written[1] += usize::from(m.as_ref().and_then(|m| builder_struct(op, m)).is_some());
        written[2] += usize::from(m.as_ref().is_some_and(|m| m.setters.is_some()));
        written[3] += usize::from(send_text(&table, op).is_some());
        written[4] +=
            usize::from(super::super::request_text::request_spec_text(&table, op).is_some());
        written[5] += usize::from(
            into_future_text(&table, op).is_some() && error_enum_text(&table, op).is_some(),
        );
    }
    written
}

/// Operations whose names, parameter names and types sweep widths
/// across the margin, with parameters in every location (required or
/// not, strings or not), every kind of body (required or not), one to
/// three success responses and error responses of every kind, paged
/// lists, security alternatives, docs of every kind, and a header every
/// operation declares (a client parameter).
fn sweep_spec() -> serde_json::Value {
    use serde_json::{json, Map, Value};
    let mut paths = Map::new();
    let mut schemas = Map::new();
    let docs = [
        "plain",
        "two\n\nparagraphs  ",
        "héllo ✓",
        "*star* `code`",
        "",
    ];
    let bodies = [
        json!({"application/json": {"schema": {"$ref": "#/components/schemas/Body"}}}),
        json!({"text/plain": {"schema": {"type": "string"}}}),
        json!({"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}),
        json!({"multipart/form-data": {"schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}, "note": {"type": "string"}}}}}),
        json!({"application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/Body"}}}),
        json!({"application/merge-patch+json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Body"}}}}),
        json!({"multipart/form-data": {"schema": {"type": "object"}}}),
    ];
    for len in 1..=90usize {
        let t = format!("T{}", "X".repeat(len));
        schemas.insert(
            t.clone(),
            json!({"type": "object", "properties": {"a": {"type": "string"}}}),
        );
        let tref = json!({"$ref": format!("#/components/schemas/{t}")});
        let page = json!({"type": "object", "properties": {
            "items": {"type": "array", "items": tref.clone()},
            "next_page": {"type": "string", "nullable": true}}, "required": ["items"]});
        let name = "q".repeat(len);
        let mut params = vec![
            json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}),
            json!({"name": format!("{name}s"), "in": "query", "schema": {"type": "string"}, "description": docs[len % 5]}),
            json!({"name": format!("{name}i"), "in": "query", "required": len % 2 == 0, "schema": {"type": "integer", "default": 3}}),
            json!({"name": format!("{name}r"), "in": "query", "schema": tref.clone(), "style": "deepObject", "explode": true}),
            json!({"name": format!("X-{name}"), "in": "header", "schema": {"type": "array", "items": {"type": "string"}}}),
            json!({"name": "X-Version", "in": "header", "schema": {"type": "string", "default": "2"}}),
            json!({"name": format!("c{name}"), "in": "cookie", "required": len % 3 == 0, "schema": {"type": "boolean"}}),
        ];
        if len % 4 == 0 {
            // Every other one spans segments (`path_segments`).
            params.push(json!({"name": format!("p{name}"), "in": "path", "required": true, "schema": {"type": "integer"}, "x-multi-segment": len % 8 == 0}));
        }
        let paged = len % 6 == 0;
        if paged {
            params.push(json!({"name": "page_token", "in": "query", "schema": {"type": "string"}}));
        }
        let ok = |status: &str| -> Value {
            match len % 5 {
                _ if paged => {
                    json!({"description": "page", "content": {"application/json": {"schema": page.clone()}}})
                }
                0 => json!({"description": "none"}),
                1 => {
                    json!({"description": docs[len % 5], "content": {"text/plain": {"schema": {"type": "string"}}}})
                }
                2 => {
                    json!({"description": "bytes", "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}})
                }
                _ => {
                    json!({"description": status, "content": {"application/json": {"schema": {"type": "array", "items": tref.clone()}}}})
                }
            }
        };
        let mut responses = Map::new();
        responses.insert("200".into(), ok("ok"));
        if len % 3 == 1 && !paged {
            responses.insert("201".into(), json!({"description": "created", "content": {"application/json": {"schema": tref.clone()}}}));
        }
        if len % 7 == 2 {
            responses.insert("2XX".into(), json!({"description": "accepted"}));
        }
        responses.insert("404".into(), json!({"description": docs[(len + 1) % 5], "content": {"application/json": {"schema": tref.clone()}}}));
        responses.insert("4XX".into(), json!({"description": "client", "content": {"text/plain": {"schema": {"type": "string"}}}}));
        if len % 2 == 0 {
            responses.insert("default".into(), json!({"description": "other", "content": {"application/json": {"schema": tref.clone()}}}));
        } else {
            responses.insert("503".into(), json!({"description": "busy"}));
        }
        let security = [
            json!([]),
            json!([{"key": []}]),
            json!([{"key": [], "bearer": []}, {}]),
        ][len % 3]
            .clone();
        // No tag, one, two, or enough long ones for a gate past the margin.
        let tags = match len % 4 {
            0 => json!([]),
            1 => json!([format!("tag{len}")]),
            2 => json!(["alpha", format!("beta{len}")]),
            _ => json!([
                format!("{}a", "g".repeat(len % 30)),
                format!("{}b", "g".repeat(len % 30)),
                "third"
            ]),
        };
        let mut op = json!({
            "operationId": format!("o{}", "x".repeat(len)),
            "summary": docs[len % 5],
            "description": docs[(len + 2) % 5],
            "deprecated": len % 5 == 3,
            "parameters": params,
            "responses": responses,
            "security": security,
            "tags": tags,
        });
        if !paged {
            op["requestBody"] = json!({"required": len % 2 == 1, "description": docs[len % 5], "content": bodies[len % bodies.len()].clone()});
        }
        let pid = if len % 4 == 0 {
            format!("/{{p{name}}}")
        } else {
            String::new()
        };
        let path = format!("/{}/{{id}}{pid}", "p".repeat(len));
        let method = ["get", "post", "put", "patch", "delete"][len % 5];
        let method = if paged { "get" } else { method };
        let mut item = Map::new();
        item.insert(method.into(), op);
        paths.insert(path, Value::Object(item));
    }
    schemas.insert(
        "Body".into(),
        json!({"type": "object", "properties": {"b": {"type": "integer"}}, "required": ["b"]}),
    );
    json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "servers": [{"url": "https://example.com"}],
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": {
            "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
            "bearer": {"type": "http", "scheme": "bearer"}}},
    })
}

#[test]
fn swept_operations_print_as_the_generic_path() {
    let text = sweep_spec().to_string();
    let loaded = crate::load::load_str("sweep.json", &text).expect("loads");
    let api = crate::lower_loaded(loaded, "sweep.json").api;
    assert_eq!(api.operations.len(), 90);
    assert!(
        api.operations
            .iter()
            .filter(|o| o.pagination.is_some())
            .count()
            > 10
    );
    assert!(!api.client_params.is_empty());
    let gates: Vec<usize> = api.operations.iter().map(|o| o.features.len()).collect();
    assert!(gates.contains(&2) && gates.contains(&3), "{gates:?}");
    let written = compare(&api);
    // Both paths are taken: the widest names fall back.
    assert!(
        written.iter().all(|&w| (20..90).contains(&w)),
        "written {written:?}"
    );
}

fn corpus(spec: &str) -> crate::ir::Api {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus/specs");
    let text = std::fs::read_to_string(root.join(spec)).expect("reads");
    let loaded = crate::load::load_str(spec, &text).expect("loads");
    crate::lower_loaded(loaded, spec).api
}

#[test]
fn corpus_operations_print_as_the_generic_path() {
    // The share of every item written as text, at least (box has
    // names as long as 80 columns, some of whose lines break further).
    for (spec, percent) in [
        ("v3.0/progenitor-nexus.json", 99),
        ("v3.0/box-openapi.json", 80),
    ] {
        let api = corpus(spec);
        let written = compare(&api);
        let ops = api.operations.len();
        // Paged lists' `stream()` and `pages()`.
        let table = Types::new(&api.types);
        let paged = api.operations.iter().filter(|o| o.pagination.is_some());
        let pages: Vec<bool> = paged
            .map(|op| {
                let check = matches!(check_fn_text(&table, op), Some(Some(_)));
                super::super::page_text::page_methods_text(&table, op, check).is_some()
            })
            .collect();
        let pages_written = pages.iter().filter(|&&p| p).count();
        assert!(
            pages.len() > 10 && pages_written * 100 >= pages.len() * percent,
            "{spec}: {pages:?}"
        );
        assert!(
            written.iter().all(|&w| w * 100 >= ops * percent),
            "{spec}: {ops} operations, written {written:?}"
        );
    }
}
