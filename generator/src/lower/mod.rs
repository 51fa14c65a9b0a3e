//! Lowering: an OpenAPI document (as loaded by `crate::load`) → [`ir::Api`].
//!
//! Lowering never fails on a construct it cannot express: it degrades that
//! one place (to an untyped JSON value, raw bytes, ...) and records a
//! [`ir::Warning`] naming the JSON pointer. It fails only when the document
//! is unusable as a whole.

mod api;
mod cycles;
mod naming;
mod operation;
mod refs;
mod schema;
mod unions;
mod view;

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::OpenAPI;

use crate::ir::{self, TypeDef, TypeKey};
pub use naming::{ident_text, pascal, snake};

/// State shared by the lowering passes.
pub(crate) struct Lowerer<'a> {
    spec: &'a OpenAPI,
    /// Named types by key; names are candidates until [`Lowerer::finish_names`].
    types: BTreeMap<TypeKey, TypeDef>,
    /// Keys of types currently being lowered (cycle guard).
    in_progress: BTreeSet<TypeKey>,
    /// Keys in `in_progress` that something referred to by name.
    referenced_in_progress: BTreeSet<TypeKey>,
    /// How many schemas `place` is inside of.
    nesting: usize,
    /// Schemas nested too deeply to lower on the spot: lowered last.
    deferred: Vec<(TypeKey, openapiv3::Schema, String)>,
    deferred_keys: BTreeSet<TypeKey>,
    /// Operations loading could not use (`METHOD /path`: why).
    skipped: Vec<String>,
    warnings: Vec<ir::Warning>,
    /// The whole document as JSON, built only if a `$ref` points somewhere
    /// other than directly at a component.
    json: Option<serde_json::Value>,
}

/// Lowers a loaded document.
pub fn lower(spec: &OpenAPI, openapi_version: &str) -> ir::Api {
    let mut cx = Lowerer {
        spec,
        types: BTreeMap::new(),
        in_progress: BTreeSet::new(),
        referenced_in_progress: BTreeSet::new(),
        nesting: 0,
        deferred: Vec::new(),
        deferred_keys: BTreeSet::new(),
        skipped: Vec::new(),
        warnings: Vec::new(),
        json: None,
    };
    cx.lower_components();
    let operations = cx.lower_operations();
    cx.lower_deferred();
    let servers = api::servers(spec);
    let security_schemes = cx.security_schemes(&operations);
    unions::implicit_discriminators(&mut cx.types);
    unions::tag_defaults(&mut cx.types);
    unions::order_untagged(&mut cx.types);
    cycles::mark_boxes(&mut cx.types);
    let types = cx.finish_names();

    let mut tags: Vec<String> = Vec::new();
    let mut seen_tags = std::collections::HashSet::new();
    for op in &operations {
        for t in &op.tags {
            if seen_tags.insert(t.as_str()) {
                tags.push(t.clone());
            }
        }
    }
    let mut warnings = cx.warnings;
    warnings.sort_by(|a, b| a.pointer.cmp(&b.pointer).then(a.message.cmp(&b.message)));
    warnings.dedup();

    ir::Api {
        title: spec.info.title.clone(),
        version: spec.info.version.clone(),
        description: with_skipped_note(spec.info.description.clone(), &cx.skipped),
        openapi_version: openapi_version.to_string(),
        servers,
        security_schemes,
        operations,
        types,
        tags,
        warnings,
    }
}

/// The API description, followed by the operations that could not be
/// generated.
fn with_skipped_note(description: Option<String>, skipped: &[String]) -> Option<String> {
    if skipped.is_empty() {
        return description;
    }
    let mut text = description.map(|d| format!("{}\n\n", d.trim_end())).unwrap_or_default();
    text.push_str("Operations not generated, because their description could not be used:\n");
    for s in skipped {
        text.push_str(&format!("\n- {s}"));
    }
    Some(text)
}

impl Lowerer<'_> {
    fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.warnings.push(ir::Warning { pointer: pointer.to_string(), message: message.into() });
    }

    /// Gives every type its final, unique name. Component schemas claim names
    /// first, then inline types, each group in pointer order, so a type's name
    /// depends on where it sits in the document, never on visiting order.
    fn finish_names(&mut self) -> Vec<TypeDef> {
        let mut keys: Vec<&TypeKey> = self.types.keys().collect();
        keys.sort_by_key(|k| (!k.starts_with("#/components/schemas/"), k.as_str()));
        let mut taken: BTreeSet<String> = RESERVED_TYPE_NAMES.iter().map(|s| s.to_string()).collect();
        let mut renames = BTreeMap::new();
        for key in keys {
            let candidate = self.types[key].name.clone();
            renames.insert(key.clone(), naming::unique(candidate, &mut taken));
        }
        let mut out: Vec<TypeDef> = std::mem::take(&mut self.types)
            .into_values()
            .map(|mut t| {
                t.name = renames[&t.key].clone();
                t
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }
}

/// Names that schema types must not shadow.
const RESERVED_TYPE_NAMES: &[&str] = &[
    // Prelude names the generated `types` module uses unqualified.
    "Box", "Clone", "Copy", "Debug", "Default", "Eq", "Err", "From", "Hash", "Into", "None", "Ok",
    "Option", "Ord", "PartialEq", "PartialOrd", "Result", "Send", "Sized", "Some", "String", "Sync",
    "ToString", "Vec",
];
