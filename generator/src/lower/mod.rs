//! Lowering: an OpenAPI document (as loaded by `crate::load`) → [`ir::Api`].
//!
//! Lowering never fails on a construct it cannot express: it degrades that
//! one place (to an untyped JSON value, raw bytes, ...) and records a
//! [`ir::Warning`] naming the JSON pointer. It fails only when the document
//! is unusable as a whole.

mod any_aliases;
mod api;
mod client_params;
mod custom;
mod cycles;
mod duplicates;
mod enums;
mod events;
mod forms;
mod gates;
mod naming;
mod operation;
pub mod options;
mod pagination;
mod refs;
pub mod reserved;
mod schema;
mod sizes;
#[cfg(test)]
mod test_types;
mod unions;
mod view;

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::OpenAPI;

use crate::ir::{self, TypeDef, TypeKey};
pub use naming::{
    ident_text, is_keyword, package_name, pascal, snake, Namespace, MAX_PACKAGE_NAME,
};
pub use options::Options;

/// State shared by the lowering passes.
pub(crate) struct Lowerer<'a> {
    spec: &'a OpenAPI,
    options: &'a Options,
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
    lower_with(spec, openapi_version, &Options::default())
}

/// Lowers a loaded document as configured (selection, type replacement,
/// derives, naming overrides).
pub fn lower_with(spec: &OpenAPI, openapi_version: &str, options: &Options) -> ir::Api {
    let mut cx = Lowerer {
        spec,
        options,
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
    let client_params = client_params::client_params(&operations, &cx.types, &security_schemes);
    let server_variables = api::server_variables(spec, &security_schemes, &client_params);
    unions::implicit_discriminators(&mut cx.types);
    unions::constant_tags(&mut cx.types);
    unions::tag_defaults(&mut cx.types);
    unions::order_untagged(&mut cx.types);
    cx.apply_options(&operations);
    any_aliases::nullable_optional_fields(&mut cx.types);
    cycles::mark_boxes(&mut cx.types);
    sizes::box_large_variants(&mut cx.types);
    let mut types = cx.finish_names();
    unions::plan(&mut types);
    let named = options.rename.types.keys().map(String::as_str).collect();
    duplicates::merge(&mut types, &named);
    gates::assign(&mut types, &operations, &client_params);
    cx.check_type_renames(&types);

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

    let runtime = ir::RuntimeParts::of(&operations, &security_schemes, &types, &client_params);
    ir::Api {
        title: spec.info.title.clone(),
        package_name: naming::package_name(&spec.info.title),
        version: spec.info.version.clone(),
        description: with_skipped_note(spec.info.description.clone(), &cx.skipped),
        openapi_version: openapi_version.to_string(),
        servers,
        security_schemes,
        operations,
        client_params,
        server_variables,
        types,
        tags,
        dependencies: options.dependencies.clone(),
        warnings,
        runtime,
    }
}

/// The API description, followed by the operations that could not be
/// generated.
fn with_skipped_note(description: Option<String>, skipped: &[String]) -> Option<String> {
    if skipped.is_empty() {
        return description;
    }
    let mut text = description
        .map(|d| format!("{}\n\n", d.trim_end()))
        .unwrap_or_default();
    text.push_str("Operations not generated, because their description could not be used:\n");
    for s in skipped {
        text.push_str(&format!("\n- {s}"));
    }
    Some(text)
}

impl Lowerer<'_> {
    fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.warnings.push(ir::Warning {
            pointer: pointer.to_string(),
            message: message.into(),
        });
    }

    /// Gives every type its final, unique name. Component schemas claim names
    /// first, then inline types, each group in pointer order, so a type's name
    /// depends on where it sits in the document, never on visiting order.
    fn finish_names(&mut self) -> Vec<TypeDef> {
        let mut keys: Vec<&TypeKey> = self.types.keys().collect();
        // Configured names claim first, then component schemas, then inline.
        keys.sort_by_key(|k| {
            (
                !self.options.rename.types.contains_key(*k),
                !k.starts_with("#/components/schemas/"),
                k.as_str(),
            )
        });
        let mut taken = Namespace::new(reserved::TYPES);
        let mut renames = BTreeMap::new();
        for key in keys {
            let candidate = self.types[key].name.clone();
            renames.insert(key.clone(), taken.claim(candidate));
        }
        let mut out: Vec<TypeDef> = std::mem::take(&mut self.types)
            .into_values()
            .map(|mut t| {
                t.name = renames[&t.key].clone();
                t
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        // After every schema's name: a schema keeps its name, the struct of
        // required fields takes the next free one.
        for t in &mut out {
            if let ir::TypeKind::Struct(s) = &mut t.kind {
                let required = s
                    .fields
                    .iter()
                    .filter(|f| f.required && !f.ty.is_nullable())
                    .count();
                if required > 1 {
                    s.required_name = Some(taken.claim(format!("{}Required", t.name)));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::RuntimeParts;

    /// The runtime parts of a spec with `paths`.
    fn parts(paths: &str, schemas: &str) -> RuntimeParts {
        let yaml = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n{paths}components:\n  schemas:\n    Unused: {{type: string}}\n{schemas}"
        );
        let loaded = crate::load::load_str("t.yaml", &yaml).unwrap_or_else(|e| panic!("{e}"));
        super::lower(&loaded.spec, &loaded.openapi_version).runtime
    }

    const OP: &str = "  /a:\n    post:\n      operationId: a\n";

    #[test]
    fn runtime_parts_follow_what_the_api_uses() {
        let plain = parts("  {}\n", "    S:\n      type: object\n      properties:\n        o: {type: string}\n        r: {type: string, format: date-time, nullable: true}\n      required: [r]\n");
        // A nullable required field, or an optional one that is not
        // nullable, is an `Option`, not a `Maybe`.
        assert!(!plain.maybe && !plain.union && !plain.multipart);
        assert!(!parts("  {}\n", "").datetime);
        let maybe = parts("  {}\n", "    S:\n      type: object\n      properties:\n        n: {type: string, nullable: true}\n");
        assert!(maybe.maybe);
        let untyped = parts(
            "  {}\n",
            "    S:\n      type: object\n      properties:\n        n: {}\n",
        );
        assert!(untyped.maybe, "an optional untyped field may be null");
        // A date in a named type, nested in an array.
        assert!(plain.datetime);
        let dates = parts(
            "  {}\n",
            "    D:\n      type: array\n      items: {type: string, format: date}\n",
        );
        assert!(dates.datetime);
        // A date only in a parameter, or only in a response body.
        let param = parts(&format!("{OP}      parameters:\n        - {{name: since, in: query, schema: {{type: string, format: date-time}}}}\n      responses: {{'204': {{description: ok}}}}\n"), "");
        assert!(param.datetime && !param.maybe);
        let response = parts(&format!("{OP}      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{type: array, items: {{type: string, format: date}}}}\n"), "");
        assert!(response.datetime);
        let union = parts(
            "  {}\n",
            "    U:\n      oneOf: [{type: string}, {type: integer}]\n",
        );
        assert!(union.union && !union.datetime);
        let multipart = parts(&format!("{OP}      requestBody:\n        content:\n          multipart/form-data:\n            schema:\n              type: object\n              properties:\n                file: {{type: string, format: binary}}\n      responses: {{'204': {{description: ok}}}}\n"), "");
        assert!(multipart.multipart && !multipart.union);
    }
}
