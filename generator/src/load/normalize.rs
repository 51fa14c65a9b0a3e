//! The OpenAPI 3.1 → 3.0 rewrite.
//!
//! The rewrite only touches schema objects and a few document-level fields;
//! the walker never hands it example/default/enum/const *values*, so a
//! literal `$ref` inside an example is left alone.

use serde_json::{json, Map, Value};

use super::kind::{Elem, Kind};
use super::walk::Issue;

// ------------------------------------------------------------- 3.1 → 3.0

const STRING_KEYS: &[&str] = &["minLength", "maxLength", "pattern"];
const NUMBER_KEYS: &[&str] = &[
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
];
const ARRAY_KEYS: &[&str] = &[
    "items",
    "minItems",
    "maxItems",
    "uniqueItems",
    "prefixItems",
    "contains",
];
const OBJECT_KEYS: &[&str] = &[
    "properties",
    "required",
    "additionalProperties",
    "minProperties",
    "maxProperties",
    "patternProperties",
    "propertyNames",
];
const NUMERIC_FORMATS: &[&str] = &["int32", "int64", "float", "double"];

/// Rewrites one OpenAPI 3.1 schema object (whose nested schemas are already
/// rewritten) into something the OpenAPI 3.0 model accepts.
pub(crate) fn schema_31_to_30(m: &mut Map<String, Value>) {
    // Annotations with no meaning for a client.
    for k in ["$schema", "$id", "$anchor", "$comment", "$dynamicAnchor"] {
        m.remove(k);
    }

    // `examples: [a, b]` → `example: a`.
    if let Some(Value::Array(_)) = m.get("examples") {
        if let Some(Value::Array(mut ex)) = m.remove("examples") {
            if !m.contains_key("example") && !ex.is_empty() {
                m.insert("example".into(), ex.swap_remove(0));
            }
        }
    }

    // `const: v` → `enum: [v]` (and a type, when the value implies one).
    if let Some(c) = m.remove("const") {
        if c.is_null() {
            m.insert("nullable".into(), Value::Bool(true));
        }
        let implied = match &c {
            Value::String(_) => Some("string"),
            Value::Bool(_) => Some("boolean"),
            Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
            Value::Number(_) => Some("number"),
            _ => None,
        };
        let plain = !["type", "$ref", "allOf", "oneOf", "anyOf", "not"]
            .iter()
            .any(|k| m.contains_key(*k));
        if let (Some(t), true) = (implied, plain) {
            m.insert("type".into(), Value::String(t.into()));
        }
        m.insert("enum".into(), Value::Array(vec![c]));
    }

    // Numeric exclusive bounds → 3.0 boolean modifiers.
    for (ex, base) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        let Some(Value::Number(n)) = m.get(ex).cloned() else {
            continue;
        };
        let stricter = match m.get(base).and_then(Value::as_f64) {
            None => true,
            Some(b) => {
                let x = n.as_f64().unwrap_or(b);
                if ex == "exclusiveMinimum" {
                    x >= b
                } else {
                    x <= b
                }
            }
        };
        if stricter {
            m.insert(base.into(), Value::Number(n));
            m.insert(ex.into(), Value::Bool(true));
        } else {
            m.remove(ex);
        }
    }

    // contentEncoding / contentMediaType on strings → format.
    if !m.contains_key("format") {
        let encoding = m
            .get("contentEncoding")
            .and_then(Value::as_str)
            .map(str::to_ascii_lowercase);
        let media = m
            .get("contentMediaType")
            .and_then(Value::as_str)
            .map(str::to_ascii_lowercase);
        let format = match (encoding.as_deref(), media.as_deref()) {
            (Some("base64" | "base64url"), _) => Some("byte"),
            (Some("binary" | "8bit"), _) => Some("binary"),
            (None, Some(mt))
                if !mt.starts_with("text/") && !mt.contains("json") && !mt.contains("xml") =>
            {
                Some("binary")
            }
            _ => None,
        };
        if let Some(f) = format {
            m.insert("format".into(), Value::String(f.into()));
            if !m.contains_key("type") && !m.contains_key("$ref") {
                m.insert("type".into(), Value::String("string".into()));
            }
        }
    }

    // Tuples: prefixItems (+ items / items: false) → one `items` schema.
    if let Some(Value::Array(prefix)) = m.remove("prefixItems") {
        let closed = matches!(m.get("items"), Some(Value::Bool(false)));
        let mut variants = prefix;
        match m.remove("items") {
            Some(Value::Object(rest)) => variants.push(Value::Object(rest)),
            Some(Value::Bool(true)) => variants.push(json!({})),
            _ => {}
        }
        if closed && !m.contains_key("maxItems") {
            m.insert("maxItems".into(), json!(variants.len()));
        }
        let items = if variants.len() == 1 {
            variants.pop().unwrap_or_default()
        } else {
            json!({ "anyOf": variants })
        };
        m.insert("items".into(), items);
    }
    match m.get("items") {
        Some(Value::Bool(true)) => {
            m.insert("items".into(), json!({}));
        }
        Some(Value::Bool(false)) => {
            m.remove("items");
            m.insert("maxItems".into(), json!(0));
        }
        _ => {}
    }

    // `type: "null"` / `type: [..]`.
    match m.get("type") {
        Some(Value::String(t)) if t == "null" => {
            m.remove("type");
            m.insert("nullable".into(), Value::Bool(true));
        }
        Some(Value::Array(_)) => {
            // Just matched as an array; the fallback only keeps this panic-free.
            let list = match m.remove("type") {
                Some(Value::Array(list)) => list,
                _ => Vec::new(),
            };
            let mut types: Vec<String> = Vec::new();
            for t in list {
                if let Value::String(t) = t {
                    if t == "null" {
                        m.insert("nullable".into(), Value::Bool(true));
                    } else if !types.contains(&t) {
                        types.push(t);
                    }
                }
            }
            match types.len() {
                0 => {}
                1 => {
                    m.insert("type".into(), Value::String(types.remove(0)));
                }
                _ => split_types(m, types),
            }
        }
        _ => {}
    }

    // Null branches of anyOf/oneOf → `nullable: true` on the parent.
    for key in ["oneOf", "anyOf"] {
        let Some(Value::Array(items)) = m.get_mut(key) else {
            continue;
        };
        let before = items.len();
        items.retain(|s| !is_null_only(s));
        if items.len() == before {
            continue;
        }
        m.insert("nullable".into(), Value::Bool(true));
        let Some(Value::Array(items)) = m.get_mut(key) else {
            continue;
        };
        match items.len() {
            0 => {
                m.remove(key);
            }
            1 => {
                // `oneOf: [X, null]` → the 3.0 idiom `nullable: true, allOf: [X]`.
                let only = items.pop().unwrap_or_default();
                m.remove(key);
                push_all_of(m, only, false);
            }
            _ => {}
        }
    }

    // `$ref` with sibling keywords → `allOf: [{$ref}]` plus the siblings
    // (openapiv3, like OpenAPI 3.0, would ignore the siblings).
    if m.contains_key("$ref") && m.keys().any(|k| k != "$ref" && !k.starts_with("x-")) {
        if let Some(r) = m.remove("$ref") {
            push_all_of(m, json!({ "$ref": r }), true);
        }
    }
}

fn push_all_of(m: &mut Map<String, Value>, schema: Value, front: bool) {
    match m.get_mut("allOf") {
        Some(Value::Array(all)) => {
            if front {
                all.insert(0, schema);
            } else {
                all.push(schema);
            }
        }
        _ => {
            m.insert("allOf".into(), Value::Array(vec![schema]));
        }
    }
}

/// `{type: "null"}` after rewriting: `{nullable: true}` with at most a
/// title/description, or `enum: [null]`.
fn is_null_only(s: &Value) -> bool {
    let Value::Object(o) = s else { return false };
    let nullable = o.get("nullable") == Some(&Value::Bool(true));
    let only_null_enum =
        matches!(o.get("enum"), Some(Value::Array(e)) if e.iter().all(Value::is_null));
    (nullable || only_null_enum)
        && !o.contains_key("type")
        && o.keys()
            .all(|k| matches!(k.as_str(), "nullable" | "title" | "description" | "enum"))
}

/// `type: [A, B]` → `anyOf: [{type: A, ..A's keywords}, {type: B, ..}]`.
fn split_types(m: &mut Map<String, Value>, types: Vec<String>) {
    let enumeration = m.remove("enum").and_then(|e| match e {
        Value::Array(values) => Some(values),
        _ => None,
    });
    let format = m.get("format").and_then(Value::as_str).map(String::from);
    let has_integer = types.iter().any(|t| t == "integer");
    let mut branches = Vec::new();
    let mut moved: Vec<&str> = Vec::new();
    for t in &types {
        let mut b = Map::new();
        b.insert("type".into(), Value::String(t.clone()));
        let keys: &[&str] = match t.as_str() {
            "string" => STRING_KEYS,
            "number" | "integer" => NUMBER_KEYS,
            "array" => ARRAY_KEYS,
            "object" => OBJECT_KEYS,
            _ => &[],
        };
        for k in keys {
            if let Some(v) = m.get(*k) {
                b.insert((*k).into(), v.clone());
                moved.push(k);
            }
        }
        if let Some(f) = &format {
            let numeric = NUMERIC_FORMATS.contains(&f.as_str());
            let fits = match t.as_str() {
                "string" => !numeric,
                "number" | "integer" => numeric,
                _ => false,
            };
            if fits {
                b.insert("format".into(), Value::String(f.clone()));
            }
        }
        if let Some(values) = &enumeration {
            let mine: Vec<Value> = values
                .iter()
                .filter(|v| match (t.as_str(), v) {
                    ("string", Value::String(_)) => true,
                    ("boolean", Value::Bool(_)) => true,
                    ("integer", Value::Number(n)) => n.is_i64() || n.is_u64(),
                    ("number", Value::Number(n)) => !has_integer || !(n.is_i64() || n.is_u64()),
                    _ => false,
                })
                .cloned()
                .collect();
            if mine.is_empty() {
                continue; // this type has no allowed value
            }
            b.insert("enum".into(), Value::Array(mine));
        }
        branches.push(Value::Object(b));
    }
    for k in moved {
        m.remove(k);
    }
    if format.is_some() {
        m.remove("format");
    }
    if let Some(values) = enumeration {
        if values.iter().any(Value::is_null) {
            m.insert("nullable".into(), Value::Bool(true));
        }
    }
    let any_of = Value::Array(branches);
    if m.contains_key("anyOf") || m.contains_key("oneOf") {
        push_all_of(m, json!({ "anyOf": any_of }), false);
    } else {
        m.insert("anyOf".into(), any_of);
    }
}

// ------------------------------------------------------- document level

/// Document-level 3.1 → 3.0 changes, made before the walk. Returns warnings.
pub(crate) fn document_31_to_30(root: &mut Map<String, Value>) -> Vec<Issue> {
    let mut issues = Vec::new();

    if let Some(webhooks) = root.remove("webhooks") {
        let n = webhooks.as_object().map_or(0, Map::len);
        if n > 0 {
            let names: Vec<String> = webhooks
                .as_object()
                .map(|w| w.keys().map(|k| format!("`{k}`")).collect())
                .unwrap_or_default();
            issues.push(
                Issue::warning(
                    "#/webhooks".into(),
                    format!("webhooks are not supported and were ignored: {}", names.join(", ")),
                )
                .help("webhooks are requests the API sends to you; a generated client only calls the operations under `paths`"),
            );
        }
    }
    if !root.contains_key("paths") {
        root.insert("paths".into(), Value::Object(Map::new()));
    }

    if let Some(Value::Object(info)) = root.get_mut("info") {
        if let Some(Value::Object(license)) = info.get_mut("license") {
            license.remove("identifier");
        }
    }

    // components.pathItems: inline the path items that `paths` refers to,
    // then drop the section (the 3.0 model has no place for it).
    let path_items = match root.get_mut("components") {
        Some(Value::Object(c)) => c.remove("pathItems"),
        _ => None,
    };
    if let Some(Value::Object(items)) = path_items {
        let names: Vec<String> = items.keys().cloned().collect();
        let mut used = vec![false; items.len()];
        for (key, value) in root.iter_mut() {
            if let Some(kind) = Kind::Root.child(key) {
                inline_path_items(value, kind, &items, &names, &mut used, 0);
            }
        }
        let unused: Vec<String> = names
            .iter()
            .zip(&used)
            .filter(|(_, u)| !**u)
            .map(|(k, _)| format!("`{k}`"))
            .collect();
        if !unused.is_empty() {
            issues.push(
                Issue::warning(
                    "#/components/pathItems".into(),
                    format!(
                        "`components.pathItems` is not supported; entries that nothing references were ignored: {}",
                        unused.join(", ")
                    ),
                )
                .help("path items referenced from `paths` or callbacks are inlined where they are used"),
            );
        }
    }
    issues
}

/// Replaces references to `#/components/pathItems/<name>` by copies of the
/// path item, wherever a path item is expected (paths, operations'
/// callbacks, components.callbacks).
fn inline_path_items(
    v: &mut Value,
    kind: Kind,
    items: &Map<String, Value>,
    names: &[String],
    used: &mut [bool],
    depth: usize,
) {
    let descend = matches!(
        kind,
        Kind::Paths
            | Kind::PathItem
            | Kind::Operation
            | Kind::Components
            | Kind::Callback
            | Kind::Map(Elem::Callback)
            | Kind::Map(Elem::PathItem)
    );
    if !descend || depth > 32 {
        return;
    }
    if kind == Kind::PathItem {
        let target = v
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|t| t.strip_prefix("#/components/pathItems/"));
        if let Some(name) = target.map(crate::diagnostic::pointer_unescape) {
            if let Some(idx) = names.iter().position(|n| *n == name) {
                used[idx] = true;
                let mut inlined = items[&name].clone();
                // 3.1 lets a reference override summary/description.
                if let (Value::Object(dst), Value::Object(src)) = (&mut inlined, &*v) {
                    for k in ["summary", "description"] {
                        if let Some(x) = src.get(k) {
                            dst.insert(k.into(), x.clone());
                        }
                    }
                }
                *v = inlined;
            }
        }
    }
    if let Value::Object(m) = v {
        for (key, child) in m.iter_mut() {
            if let Some(child_kind) = kind.child(key) {
                inline_path_items(child, child_kind, items, names, used, depth + 1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(v: Value) -> Value {
        let mut v = v;
        let mut w = super::super::walk::Walker::new(true);
        w.walk_root(&mut v);
        assert!(w.issues.is_empty(), "{:?}", w.issues);
        v
    }

    fn schema(s: Value) -> Value {
        let v = norm(json!({"components": {"schemas": {"S": s}}}));
        v["components"]["schemas"]["S"].clone()
    }

    #[test]
    fn nullable_type_arrays() {
        assert_eq!(
            schema(json!({"type": ["string", "null"]})),
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(
            schema(json!({"type": ["null", "integer"], "format": "int64"})),
            json!({"type": "integer", "format": "int64", "nullable": true})
        );
        assert_eq!(schema(json!({"type": ["null"]})), json!({"nullable": true}));
        assert_eq!(schema(json!({"type": "null"})), json!({"nullable": true}));
        assert_eq!(
            schema(json!({"type": ["object"]})),
            json!({"type": "object"})
        );
    }

    #[test]
    fn multi_type_arrays_become_any_of() {
        assert_eq!(
            schema(
                json!({"type": ["string", "integer", "null"], "minLength": 1, "minimum": 0, "description": "d"})
            ),
            json!({"description": "d", "nullable": true, "anyOf": [
                {"type": "string", "minLength": 1},
                {"type": "integer", "minimum": 0}
            ]})
        );
        assert_eq!(
            schema(json!({"type": ["string", "boolean"], "enum": ["a", true, null]})),
            json!({"nullable": true, "anyOf": [
                {"type": "string", "enum": ["a"]},
                {"type": "boolean", "enum": [true]}
            ]})
        );
        assert_eq!(
            schema(json!({"type": ["string", "number"], "format": "double"})),
            json!({"anyOf": [{"type": "string"}, {"type": "number", "format": "double"}]})
        );
    }

    #[test]
    fn const_examples_bounds_content() {
        assert_eq!(
            schema(json!({"const": "x"})),
            json!({"type": "string", "enum": ["x"]})
        );
        assert_eq!(
            schema(json!({"type": "integer", "const": 3})),
            json!({"type": "integer", "enum": [3]})
        );
        assert_eq!(
            schema(json!({"allOf": [{}], "const": 3})),
            json!({"allOf": [{}], "enum": [3]})
        );
        assert_eq!(
            schema(json!({"type": "string", "examples": ["a", "b"]})),
            json!({"type": "string", "example": "a"})
        );
        assert_eq!(
            schema(
                json!({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 10, "maximum": 20})
            ),
            json!({"type": "number", "exclusiveMinimum": true, "exclusiveMaximum": true, "maximum": 10, "minimum": 0})
        );
        assert_eq!(
            schema(json!({"type": "integer", "minimum": 5, "exclusiveMinimum": 1})),
            json!({"type": "integer", "minimum": 5})
        );
        assert_eq!(
            schema(json!({"type": "string", "contentEncoding": "base64"})),
            json!({"type": "string", "contentEncoding": "base64", "format": "byte"})
        );
        assert_eq!(
            schema(json!({"type": "string", "contentMediaType": "image/png"})),
            json!({"type": "string", "contentMediaType": "image/png", "format": "binary"})
        );
        assert_eq!(
            schema(json!({"type": "string", "contentMediaType": "application/json"})),
            json!({"type": "string", "contentMediaType": "application/json"})
        );
    }

    #[test]
    fn refs_with_siblings_and_null_branches() {
        assert_eq!(
            schema(json!({"$ref": "#/components/schemas/A", "description": "d"})),
            json!({"description": "d", "allOf": [{"$ref": "#/components/schemas/A"}]})
        );
        assert_eq!(
            schema(json!({"$ref": "#/components/schemas/A"})),
            json!({"$ref": "#/components/schemas/A"})
        );
        assert_eq!(
            schema(json!({"$ref": "#/components/schemas/A", "x-go-name": "A"})),
            json!({"$ref": "#/components/schemas/A", "x-go-name": "A"})
        );
        assert_eq!(
            schema(json!({"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/A"}]})),
            json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/A"}]})
        );
        assert_eq!(
            schema(json!({"anyOf": [{"$ref": "#/a"}, {"$ref": "#/b"}, {"type": "null"}]})),
            json!({"anyOf": [{"$ref": "#/a"}, {"$ref": "#/b"}], "nullable": true})
        );
        // Nested, post-order: the property is rewritten before its parent.
        assert_eq!(
            schema(
                json!({"type": "object", "properties": {"a": {"type": ["string", "null"]}, "b": true}})
            ),
            json!({"type": "object", "properties": {"a": {"type": "string", "nullable": true}, "b": {}}})
        );
    }

    #[test]
    fn tuples_and_boolean_items() {
        assert_eq!(
            schema(
                json!({"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}], "items": false})
            ),
            json!({"type": "array", "maxItems": 2, "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}})
        );
        assert_eq!(
            schema(json!({"type": "object", "additionalProperties": false})),
            json!({"type": "object", "additionalProperties": false})
        );
    }

    #[test]
    fn literal_values_are_untouched() {
        let v = norm(json!({"components": {"schemas": {"S": {
            "type": ["object", "null"],
            "example": {"$ref": "#/nowhere", "type": ["string", "null"], "const": 1},
            "default": {"type": ["a", "null"]},
            "enum": [{"const": 2}, null],
            "examples": [{"$ref": "#/x"}]
        }}}}));
        assert_eq!(
            v["components"]["schemas"]["S"],
            json!({
                "type": "object",
                "nullable": true,
                "example": {"$ref": "#/nowhere", "type": ["string", "null"], "const": 1},
                "default": {"type": ["a", "null"]},
                "enum": [{"const": 2}, null]
            })
        );
    }

    #[test]
    fn document_level() {
        let mut root = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1", "license": {"name": "MIT", "identifier": "MIT"}},
            "webhooks": {"newPet": {"post": {}}},
            "components": {"pathItems": {"P": {"get": {"responses": {}}}, "Unused": {}}}
        });
        let issues = document_31_to_30(root.as_object_mut().unwrap());
        assert_eq!(root["paths"], json!({}));
        assert!(root.get("webhooks").is_none());
        assert_eq!(root["info"]["license"], json!({"name": "MIT"}));
        assert_eq!(issues.len(), 2);
        assert!(issues[0].message.contains("`newPet`"));
        assert!(issues[1].message.contains("`P`, `Unused`"));

        let mut root = json!({
            "paths": {"/a": {"$ref": "#/components/pathItems/P", "summary": "s"},
                      "/b": {"post": {"callbacks": {"cb": {"{$url}": {"$ref": "#/components/pathItems/Q"}}}}}},
            "components": {"pathItems": {"P": {"get": {"responses": {}}}, "Q": {"post": {}}}}
        });
        let issues = document_31_to_30(root.as_object_mut().unwrap());
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(
            root["paths"]["/b"]["post"]["callbacks"]["cb"]["{$url}"],
            json!({"post": {}})
        );
        assert_eq!(
            root["paths"]["/a"],
            json!({"get": {"responses": {}}, "summary": "s"})
        );
        assert_eq!(root["components"], json!({}));
    }

    #[test]
    fn schema_checks_warn_and_repair() {
        let mut v = json!({"components": {"schemas": {
            "A": {"type": 5},
            "B": {"type": ["string", "integer"]},
            "C": {"type": "object", "required": "name"},
            "D": {"type": "strin"},
            "E": {"type": "number", "exclusiveMinimum": 3},
            "F": {"type": "string", "nullable": "yes"}
        }}});
        let mut w = super::super::walk::Walker::new(false);
        w.walk_root(&mut v);
        let got: Vec<_> = w
            .issues
            .iter()
            .map(|i| (i.severity.clone(), i.pointer.as_str()))
            .collect();
        use crate::diagnostic::Severity::Warning;
        assert_eq!(
            got,
            vec![
                (Warning, "#/components/schemas/A/type"),
                (Warning, "#/components/schemas/B/type"),
                (Warning, "#/components/schemas/C/required"),
                (Warning, "#/components/schemas/D/type"),
                (Warning, "#/components/schemas/E/exclusiveMinimum"),
                (Warning, "#/components/schemas/F/nullable"),
            ]
        );
        assert_eq!(
            v["components"]["schemas"],
            json!({"A": {}, "B": {"anyOf": [{"type": "string"}, {"type": "integer"}]}, "C": {"type": "object"},
                   "D": {}, "E": {"type": "number", "minimum": 3, "exclusiveMinimum": true}, "F": {"type": "string"}})
        );
    }
}
