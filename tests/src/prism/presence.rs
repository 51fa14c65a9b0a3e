//! Which optional properties random instances actually had: the evidence
//! that a dynamic-mode test exercised omission (and `null`s), not only the
//! complete objects Prism generates by default.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

/// How often each optional property was present and absent, over instances
/// recorded against one schema.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Presence {
    /// Keyed by property path (`tags.type`, `companies.data[].url`):
    /// (times present, times absent), counted in every object instance of
    /// the declaring schema.
    pub optional: BTreeMap<String, (u32, u32)>,
    /// `null`s seen (for nullable properties and items).
    pub nulls: u32,
    /// Instances recorded.
    pub instances: u32,
}

/// How deep [`Presence::record`] follows the schema (cycles through `$ref`).
const MAX_DEPTH: usize = 64;

impl Presence {
    /// Records one instance of `schema` (resolving `$ref`s within `doc`).
    pub fn record(&mut self, doc: &Value, schema: &Value, instance: &Value) {
        self.instances += 1;
        self.walk(doc, schema, instance, String::new(), 0);
    }

    fn walk(&mut self, doc: &Value, schema: &Value, instance: &Value, path: String, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let Some(schema) = resolve(doc, schema) else {
            return;
        };
        match instance {
            Value::Null => self.nulls += 1,
            Value::Object(object) => {
                let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
                    return;
                };
                let required: Vec<&str> = schema
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                for (name, property) in properties {
                    let child = if path.is_empty() {
                        name.clone()
                    } else {
                        format!("{path}.{name}")
                    };
                    if !required.contains(&name.as_str()) {
                        let entry = self.optional.entry(child.clone()).or_default();
                        if object.contains_key(name) {
                            entry.0 += 1;
                        } else {
                            entry.1 += 1;
                        }
                    }
                    if let Some(value) = object.get(name) {
                        self.walk(doc, property, value, child, depth + 1);
                    }
                }
            }
            Value::Array(items) => {
                if let Some(item_schema) = schema.get("items") {
                    for item in items {
                        self.walk(doc, item_schema, item, format!("{path}[]"), depth + 1);
                    }
                }
            }
            _ => {}
        }
    }

    /// Optional properties never omitted, or never present.
    pub fn one_sided(&self) -> Vec<String> {
        self.optional
            .iter()
            .filter(|(_, (present, absent))| *present == 0 || *absent == 0)
            .map(|(name, (present, absent))| format!("{name} (present {present}, absent {absent})"))
            .collect()
    }

    /// Total omissions of optional properties.
    pub fn omitted(&self) -> u32 {
        self.optional.values().map(|(_, absent)| absent).sum()
    }
}

impl fmt::Display for Presence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} instances, {} optional properties omitted in total, {} nulls",
            self.instances,
            self.omitted(),
            self.nulls
        )?;
        for (name, (present, absent)) in &self.optional {
            writeln!(f, "  {name}: present {present}, absent {absent}")?;
        }
        Ok(())
    }
}

/// `schema` with `$ref`s (to `#/...` pointers of `doc`) followed.
fn resolve<'a>(doc: &'a Value, mut schema: &'a Value) -> Option<&'a Value> {
    for _ in 0..MAX_DEPTH {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => schema = doc.pointer(reference.strip_prefix('#')?)?,
            None => return Some(schema),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn counts_optional_properties_at_every_depth() {
        let doc = json!({"components": {"schemas": {
            "Item": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}, "note": {"type": "string"}}}
        }}});
        let schema = json!({
            "type": "object",
            "required": ["a"],
            "properties": {
                "a": {"type": "string", "nullable": true},
                "b": {"type": "string"},
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}
            }
        });
        let mut p = Presence::default();
        p.record(
            &doc,
            &schema,
            &json!({"a": null, "items": [{"id": "1"}, {"id": "2", "note": "n"}]}),
        );
        p.record(&doc, &schema, &json!({"a": "x", "b": "y"}));
        assert_eq!(p.instances, 2);
        assert_eq!(p.nulls, 1);
        assert_eq!(p.optional["b"], (1, 1));
        assert_eq!(p.optional["items"], (1, 1));
        assert_eq!(p.optional["items[].note"], (1, 1));
        assert!(!p.optional.contains_key("a"));
        assert!(p.one_sided().is_empty());
        assert_eq!(p.omitted(), 3);
        p.record(&doc, &schema, &json!({"a": "x", "b": "y", "items": []}));
        assert_eq!(p.optional["b"], (2, 1));
    }
}
