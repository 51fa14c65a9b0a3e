//! Resolving `$ref`s to components.

use std::borrow::Cow;
use std::collections::HashSet;

use openapiv3::{ReferenceOr, Schema};

use super::Lowerer;
use crate::diagnostic::{pointer_escape, pointer_unescape};

/// Unescapes one JSON pointer segment (RFC 6901, plus the percent-encoding
/// that appears when pointers are written as URI fragments).
pub fn unescape(segment: &str) -> String {
    pointer_unescape(&percent_encoding::percent_decode_str(segment).decode_utf8_lossy())
}

/// `#/components/<section>/<name>` → `name`, for direct component refs.
pub fn component_name(reference: &str, section: &str) -> Option<String> {
    let rest = reference.strip_prefix("#/components/")?;
    let rest = rest.strip_prefix(section)?.strip_prefix('/')?;
    (!rest.contains('/')).then(|| unescape(rest))
}

/// The canonical key of a component schema.
pub fn schema_key(name: &str) -> String {
    format!("#/components/schemas/{}", pointer_escape(name))
}

impl<'a> Lowerer<'a> {
    /// Looks up a schema by any internal reference, following chains of
    /// references (iteratively; a loop ends the chain). Returns the final
    /// reference's canonical pointer too. Component schemas are borrowed;
    /// schemas elsewhere in the document are deserialized from its JSON form.
    pub(super) fn resolve_schema_ref(&mut self, reference: &str) -> Option<(String, Cow<'a, Schema>)> {
        let spec: &'a openapiv3::OpenAPI = self.spec;
        let mut reference = reference.to_string();
        let mut seen = HashSet::new();
        while seen.insert(reference.clone()) {
            if let Some(name) = component_name(&reference, "schemas") {
                let target = spec.components.as_ref()?.schemas.get(&name)?;
                match target {
                    ReferenceOr::Item(s) => return Some((schema_key(&name), Cow::Borrowed(s))),
                    ReferenceOr::Reference { reference: next } => reference = next.clone(),
                }
                continue;
            }
            let value = self.pointer_value(&reference)?;
            if let Some(next) = value.get("$ref").and_then(|r| r.as_str()) {
                reference = next.to_string();
                continue;
            }
            let schema: Schema = serde_json::from_value(value).ok()?;
            return Some((reference, Cow::Owned(schema)));
        }
        None
    }

    /// The JSON value at an internal reference, for references that do not
    /// point directly at a component.
    pub(super) fn pointer_value(&mut self, reference: &str) -> Option<serde_json::Value> {
        let pointer = reference.strip_prefix('#')?;
        if self.json.is_none() {
            self.json = serde_json::to_value(self.spec).ok();
        }
        let raw: Vec<String> = pointer.split('/').skip(1).map(unescape).collect();
        let mut cur = self.json.as_ref()?;
        for seg in &raw {
            cur = match cur {
                serde_json::Value::Object(m) => m.get(seg)?,
                serde_json::Value::Array(a) => a.get(seg.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(cur.clone())
    }
}
