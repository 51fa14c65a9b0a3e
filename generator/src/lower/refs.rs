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

/// Where a chain of schema references ends.
pub(super) enum SchemaTarget<'a> {
    /// A component schema (its key, the schema).
    Component(String, &'a Schema),
    /// Anywhere else: the last reference, which is also the type's key.
    Pointer(String),
}

impl<'a> Lowerer<'a> {
    /// Follows a chain of references (iteratively; a loop ends it) to the
    /// schema it ends in, without copying that schema.
    pub(super) fn schema_target(&mut self, reference: &str) -> Option<SchemaTarget<'a>> {
        let spec: &'a openapiv3::OpenAPI = self.spec;
        let mut reference = reference.to_string();
        let mut seen = HashSet::new();
        while seen.insert(reference.clone()) {
            if let Some(name) = component_name(&reference, "schemas") {
                let target = spec.components.as_ref()?.schemas.get(&name)?;
                match target {
                    ReferenceOr::Item(s) => {
                        return Some(SchemaTarget::Component(schema_key(&name), s))
                    }
                    ReferenceOr::Reference { reference: next } => reference = next.clone(),
                }
                continue;
            }
            match self.pointer_lookup(&reference)?.get("$ref") {
                Some(serde_json::Value::String(next)) => reference = next.clone(),
                Some(_) => return None,
                None => return Some(SchemaTarget::Pointer(reference)),
            }
        }
        None
    }

    /// Looks up a schema by any internal reference, following chains of
    /// references. Returns the final reference's canonical pointer too.
    /// Component schemas are borrowed; schemas elsewhere in the document
    /// are deserialized from its JSON form.
    pub(super) fn resolve_schema_ref(
        &mut self,
        reference: &str,
    ) -> Option<(String, Cow<'a, Schema>)> {
        match self.schema_target(reference)? {
            SchemaTarget::Component(key, s) => Some((key, Cow::Borrowed(s))),
            SchemaTarget::Pointer(key) => {
                let schema: Schema = serde_json::from_value(self.pointer_value(&key)?).ok()?;
                Some((key, Cow::Owned(schema)))
            }
        }
    }

    /// The JSON value at an internal reference, for references that do not
    /// point directly at a component.
    pub(super) fn pointer_value(&mut self, reference: &str) -> Option<serde_json::Value> {
        self.pointer_lookup(reference).cloned()
    }

    /// Whether the schema at `reference` says `nullable: true`.
    pub(super) fn pointer_nullable(&mut self, reference: &str) -> bool {
        self.pointer_lookup(reference)
            .is_some_and(|v| v.get("nullable") == Some(&serde_json::Value::Bool(true)))
    }

    fn pointer_lookup(&mut self, reference: &str) -> Option<&serde_json::Value> {
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
        Some(cur)
    }
}
