//! Schema keywords whose values the openapiv3 model needs in a particular
//! shape (or silently accepts while meaning nothing, like an unknown
//! `type`).
//!
//! A bad keyword is a defect of one schema, never of the document: it is
//! repaired where the intent is clear (`type: null` in 3.0 is `nullable`,
//! `type: int` is `integer`, a numeric 3.0 `exclusiveMinimum` is the 3.1
//! form) and dropped otherwise, with a warning naming its pointer. Entries
//! of lists are replaced by `{}` rather than removed, so later pointers
//! stay those of the text.

use serde_json::{json, Map, Value};

use super::walk::{describe, Issue};
use crate::diagnostic::pointer_escape;

pub(crate) const TYPES_30: [&str; 6] =
    ["string", "number", "integer", "boolean", "array", "object"];

fn join(pointer: &str, key: &str) -> String {
    format!("{pointer}/{}", pointer_escape(key))
}

fn types_list() -> String {
    TYPES_30.map(|t| format!("`{t}`")).join(", ")
}

/// What to do with one keyword.
enum Fix {
    Keep,
    /// Drop the keyword; the message says what was wrong.
    Drop(Issue),
    /// Replace its value.
    Set(Value, Issue),
    /// Replace the keyword by others (and drop it).
    Rewrite(Vec<(&'static str, Value)>, Issue),
}

fn dropped(pointer: &str, key: &str, message: String) -> Issue {
    Issue::warning(
        join(pointer, key),
        format!("{message}; the keyword is ignored"),
    )
}

fn expected(pointer: &str, key: &str, what: &str, v: &Value) -> Fix {
    Fix::Drop(dropped(
        pointer,
        key,
        format!("`{key}` must be {what}, found {}", describe(v)),
    ))
}

/// Repairs the keywords of one schema object in place; returns the
/// warnings. Nested schemas are repaired when the walker reaches them.
pub(crate) fn repair_schema(m: &mut Map<String, Value>, v31: bool, pointer: &str) -> Vec<Issue> {
    let mut out = Vec::new();
    let keys: Vec<String> = m.keys().cloned().collect();
    for key in keys {
        let Some(v) = m.get_mut(&key) else { continue };
        let fix = match key.as_str() {
            "type" => type_fix(v, v31, pointer),
            "properties" | "patternProperties" => match v {
                Value::Object(props) => {
                    for (name, p) in props.iter_mut() {
                        if !(p.is_object() || (v31 && p.is_boolean())) {
                            out.push(Issue::warning(
                                join(&join(pointer, &key), name),
                                format!("the schema of property `{name}` must be an object, found {}; the property is untyped", describe(p)),
                            ));
                            *p = json!({});
                        }
                    }
                    Fix::Keep
                }
                _ => expected(pointer, &key, "an object mapping property names to schemas", v),
            },
            "required" => match v {
                Value::Array(items) => {
                    if let Some((i, item)) = items.iter().enumerate().find(|(_, x)| !x.is_string()) {
                        out.push(Issue::warning(
                            join(&join(pointer, &key), &i.to_string()),
                            format!("`required` must list property names (strings), found {}; the entries that are not strings are ignored", describe(item)),
                        ));
                        items.retain(Value::is_string);
                    }
                    Fix::Keep
                }
                Value::Bool(_) => Fix::Drop(
                    dropped(pointer, &key, format!("`required` in a schema must be an array of property names, found {}", describe(v)))
                        .help("`required: true` marks a required *parameter*; to make a property required, list its name in the `required` array of the object schema that contains it"),
                ),
                _ => expected(pointer, &key, "an array of property names", v),
            },
            "items" => match v {
                Value::Object(_) => Fix::Keep,
                Value::Bool(_) if v31 => Fix::Keep,
                Value::Array(entries) => {
                    // Draft-4 tuple form: the 3.1 rewrite's reading of `prefixItems`.
                    let variants: Vec<Value> = entries.iter().filter(|e| e.is_object()).cloned().collect();
                    let issue = Issue::warning(
                        join(pointer, &key),
                        "`items` must be a single schema, found an array (tuple form); the items are typed as any of the listed schemas",
                    )
                    .help(if v31 {
                        "use `prefixItems: [..]` for tuples in OpenAPI 3.1"
                    } else {
                        "OpenAPI 3.0 has no tuple schemas; use one schema (e.g. with `oneOf`) for all items"
                    });
                    Fix::Set(json!({ "anyOf": variants }), issue)
                }
                _ => expected(pointer, &key, "a schema object", v),
            },
            "not" | "contains" | "propertyNames" | "if" | "then" | "else"
                if !(v.is_object() || (v31 && v.is_boolean())) =>
            {
                expected(pointer, &key, "a schema object", v)
            }
            "additionalProperties" if !(v.is_object() || v.is_boolean()) => {
                expected(pointer, &key, "`true`, `false` or a schema object", v)
            }
            "allOf" | "oneOf" | "anyOf" | "prefixItems" => match v {
                Value::Array(items) => {
                    for (i, item) in items.iter_mut().enumerate() {
                        if !(item.is_object() || (v31 && item.is_boolean())) {
                            out.push(Issue::warning(
                                join(&join(pointer, &key), &i.to_string()),
                                format!("each entry of `{key}` must be a schema object, found {}; the entry is untyped", describe(item)),
                            ));
                            *item = json!({});
                        }
                    }
                    Fix::Keep
                }
                _ => expected(pointer, &key, "an array of schemas", v),
            },
            "enum" if !v.is_array() => expected(pointer, &key, "an array of allowed values", v),
            "nullable" | "readOnly" | "writeOnly" | "deprecated" | "uniqueItems" if !v.is_boolean() => {
                expected(pointer, &key, "`true` or `false`", v)
            }
            "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties" | "maxProperties"
                if v.as_u64().is_none_or(|n| usize::try_from(n).is_err()) =>
            {
                expected(pointer, &key, "a non-negative integer", v)
            }
            "minimum" | "maximum" | "multipleOf" if !v.is_number() => expected(pointer, &key, "a number", v),
            "exclusiveMinimum" | "exclusiveMaximum" => exclusive_fix(v, v31, &key, pointer),
            "format" | "pattern" | "title" | "description" if !v.is_string() => {
                expected(pointer, &key, "a string", v)
            }
            "discriminator" => discriminator_fix(v, pointer, &mut out),
            _ => Fix::Keep,
        };
        match fix {
            Fix::Keep => {}
            Fix::Drop(issue) => {
                m.remove(&key);
                out.push(issue);
            }
            Fix::Set(value, issue) => {
                m.insert(key, value);
                out.push(issue);
            }
            Fix::Rewrite(pairs, issue) => {
                m.remove(&key);
                for (k, value) in pairs {
                    m.insert(k.to_string(), value);
                }
                out.push(issue);
            }
        }
    }
    out
}

/// The 3.0 boolean `exclusiveMinimum` (3.1: a number).
fn exclusive_fix(v: &Value, v31: bool, key: &str, pointer: &str) -> Fix {
    if v31 {
        return if v.is_number() || v.is_boolean() {
            Fix::Keep
        } else {
            expected(pointer, key, "a number", v)
        };
    }
    if v.is_boolean() {
        return Fix::Keep;
    }
    let base = if key == "exclusiveMinimum" {
        "minimum"
    } else {
        "maximum"
    };
    if v.is_number() {
        let issue = Issue::warning(
            join(pointer, key),
            format!("in OpenAPI 3.0 `{key}` is a boolean that modifies `{base}`, found {}; read as `{base}: {v}` with `{key}: true`", describe(v)),
        )
        .help(format!(
            "write `{base}: {v}` and `{key}: true`; the numeric form is OpenAPI 3.1 (JSON Schema 2020-12) syntax"
        ));
        let base_key = if key == "exclusiveMinimum" {
            "minimum"
        } else {
            "maximum"
        };
        return Fix::Rewrite(
            vec![
                (base_key, v.clone()),
                (
                    if key == "exclusiveMinimum" {
                        "exclusiveMinimum"
                    } else {
                        "exclusiveMaximum"
                    },
                    Value::Bool(true),
                ),
            ],
            issue,
        );
    }
    expected(pointer, key, "`true` or `false`", v)
}

fn discriminator_fix(v: &mut Value, pointer: &str, out: &mut Vec<Issue>) -> Fix {
    let here = join(pointer, "discriminator");
    let Value::Object(d) = v else {
        return expected(
            pointer,
            "discriminator",
            "an object with a `propertyName`",
            v,
        );
    };
    match d.get("propertyName") {
        Some(Value::String(_)) => {}
        Some(other) => {
            let message = format!("`propertyName` must be a string, found {}; the discriminator is ignored", describe(other));
            return Fix::Drop(Issue::warning(join(&here, "propertyName"), message));
        }
        None => {
            return Fix::Drop(Issue::warning(
                here,
                "the discriminator has no `propertyName` (required: the name of the property that tells the variants apart); the discriminator is ignored",
            ))
        }
    }
    match d.get_mut("mapping") {
        None => {}
        Some(Value::Object(entries)) => {
            let bad: Vec<String> = entries
                .iter()
                .filter(|(_, e)| !e.is_string())
                .map(|(k, _)| k.clone())
                .collect();
            for k in bad {
                if let Some(e) = entries.remove(&k) {
                    out.push(Issue::warning(
                        join(&join(&here, "mapping"), &k),
                        format!("discriminator mapping values must be schema names or `$ref` strings, found {}; the entry is ignored", describe(&e)),
                    ));
                }
            }
        }
        Some(other) => {
            out.push(Issue::warning(
                join(&here, "mapping"),
                format!("`mapping` must be an object from discriminator values to schemas, found {}; it is ignored", describe(other)),
            ));
            d.remove("mapping");
        }
    }
    Fix::Keep
}

/// `type`: 3.1 syntax in a 3.0 document is read as 3.1 would; familiar
/// misspellings are read as meant; anything else is dropped (untyped).
fn type_fix(v: &mut Value, v31: bool, pointer: &str) -> Fix {
    let here = join(pointer, "type");
    let valid = |t: &str| TYPES_30.contains(&t) || (v31 && t == "null");
    match v {
        Value::String(t) if valid(t) => Fix::Keep,
        Value::String(t) if t == "null" => Fix::Rewrite(
            vec![("nullable", Value::Bool(true))],
            Issue::warning(here, "`type: null` is OpenAPI 3.1 syntax; OpenAPI 3.0 has no null type, so it is read as `nullable: true`")
                .help("in OpenAPI 3.0 write `nullable: true` on the schema that may be null, or declare `openapi: 3.1.0`"),
        ),
        Value::String(t) => {
            let (meant, format) = match t.as_str() {
                "file" => (Some("string"), Some("binary")),
                "int" | "long" => (Some("integer"), None),
                "float" | "double" => (Some("number"), None),
                "bool" => (Some("boolean"), None),
                "date" | "date-time" | "uuid" | "binary" | "byte" => (Some("string"), Some(t.as_str())),
                "datetime" => (Some("string"), Some("date-time")),
                _ => (None, None),
            };
            let help = match t.as_str() {
                "file" => format!("`type: file` is Swagger 2.0; in OpenAPI 3 a file is `type: string, format: binary`. Valid types: {}", types_list()),
                "int" | "long" => format!("use `type: integer` (with `format: int32`/`int64`). Valid types: {}", types_list()),
                "float" | "double" => format!("use `type: number` (with `format: {t}`). Valid types: {}", types_list()),
                "bool" => format!("use `type: boolean`. Valid types: {}", types_list()),
                "date" | "date-time" | "datetime" | "uuid" | "binary" | "byte" => {
                    format!("use `type: string, format: {t}`. Valid types: {}", types_list())
                }
                _ => format!("valid types are {}{}", types_list(), if v31 { " and `null`" } else { "" }),
            };
            match meant {
                Some(m) => {
                    let mut pairs = vec![("type", Value::String(m.into()))];
                    if let Some(f) = format {
                        pairs.push(("format", Value::String(f.into())));
                    }
                    let shown: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}: {}", v.as_str().unwrap_or_default())).collect();
                    Fix::Rewrite(pairs, Issue::warning(here, format!("unknown schema type `{t}`; read as `{}`", shown.join(", "))).help(help))
                }
                None => Fix::Drop(Issue::warning(here, format!("unknown schema type `{t}`; the schema is untyped")).help(help)),
            }
        }
        Value::Array(items) if v31 => {
            let before = items.len();
            let bad: Vec<String> = items.iter().filter(|i| !i.as_str().is_some_and(valid)).map(describe).collect();
            items.retain(|i| i.as_str().is_some_and(valid));
            if items.is_empty() {
                let what = if before == 0 { "an empty array".to_string() } else { format!("only unknown types ({})", bad.join(", ")) };
                return Fix::Drop(
                    Issue::warning(here, format!("`type` lists {what}; the schema is untyped"))
                        .help(format!("valid types are {} and `null`", types_list())),
                );
            }
            if bad.is_empty() {
                return Fix::Keep;
            }
            // Already filtered; the warning says what went.
            let kept = items.clone();
            Fix::Set(
                Value::Array(kept),
                Issue::warning(here, format!("unknown schema type {}; ignored", bad.join(", ")))
                    .help(format!("valid types are {} and `null`", types_list())),
            )
        }
        Value::Array(items) => {
            // 3.1 syntax in a 3.0 document: read as 3.1 reads it.
            let mut types: Vec<Value> = Vec::new();
            let mut nullable = false;
            for item in items.iter() {
                match item.as_str() {
                    Some("null") => nullable = true,
                    Some(t) if TYPES_30.contains(&t) && !types.contains(item) => types.push(item.clone()),
                    _ => {}
                }
            }
            let issue = Issue::warning(
                here,
                "in OpenAPI 3.0 `type` must be a single string, found an array of types; read as OpenAPI 3.1 reads it",
            )
            .help("type arrays are OpenAPI 3.1 syntax; in 3.0 write `nullable: true` for `[T, \"null\"]`, and `anyOf: [{type: A}, {type: B}]` for several types — or declare `openapi: 3.1.0`");
            let mut pairs = Vec::new();
            if nullable {
                pairs.push(("nullable", Value::Bool(true)));
            }
            match types.len() {
                0 => {}
                1 => pairs.push(("type", types.remove(0))),
                _ => pairs.push((
                    "anyOf",
                    Value::Array(types.into_iter().map(|t| json!({ "type": t })).collect()),
                )),
            }
            Fix::Rewrite(pairs, issue)
        }
        other => Fix::Drop(
            Issue::warning(here, format!("`type` must be a string, found {}; the schema is untyped", describe(other)))
                .help(format!("valid types are {}", types_list())),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repair(v: Value, v31: bool) -> (Value, Vec<String>) {
        let Value::Object(mut m) = v else { panic!() };
        let issues = repair_schema(&mut m, v31, "#/s");
        (
            Value::Object(m),
            issues
                .into_iter()
                .map(|i| format!("{}: {}", i.pointer, i.message))
                .collect(),
        )
    }

    #[test]
    fn repairs_and_drops() {
        let (v, w) = repair(json!({"type": "null", "description": "d"}), false);
        assert_eq!(v, json!({"description": "d", "nullable": true}));
        assert_eq!(w.len(), 1);
        let (v, _) = repair(json!({"type": "file"}), false);
        assert_eq!(v, json!({"type": "string", "format": "binary"}));
        let (v, w) = repair(
            json!({"type": "string", "pattern": 0, "format": 5, "description": []}),
            false,
        );
        assert_eq!(v, json!({"type": "string"}));
        assert_eq!(
            w[0],
            "#/s/pattern: `pattern` must be a string, found the number 0; the keyword is ignored"
        );
        let (v, _) = repair(json!({"type": ["string", "null"]}), false);
        assert_eq!(v, json!({"nullable": true, "type": "string"}));
        let (v, _) = repair(json!({"type": "number", "exclusiveMinimum": 3}), false);
        assert_eq!(
            v,
            json!({"type": "number", "minimum": 3, "exclusiveMinimum": true})
        );
        let (v, w) = repair(
            json!({"required": [1, "a"], "allOf": [5, {}], "properties": {"p": "x"}}),
            false,
        );
        assert_eq!(
            v,
            json!({"required": ["a"], "allOf": [{}, {}], "properties": {"p": {}}})
        );
        assert_eq!(w.len(), 3);
        let (v, _) = repair(
            json!({"type": {"type": "string"}, "items": [{"type": "string"}, 3]}),
            false,
        );
        assert_eq!(v, json!({"items": {"anyOf": [{"type": "string"}]}}));
        let (v, _) = repair(
            json!({"discriminator": {"propertyName": "k", "mapping": {"a": 1, "b": "B"}}}),
            false,
        );
        assert_eq!(
            v,
            json!({"discriminator": {"propertyName": "k", "mapping": {"b": "B"}}})
        );
        let (v, _) = repair(json!({"type": ["string", 5, "nope"]}), true);
        assert_eq!(v, json!({"type": ["string"]}));
    }
}
