//! Applying [`Options`](super::Options): type replacement during lowering,
//! then one pass after it that prunes unreachable types, adds derives and
//! attributes, and applies field and variant name overrides.

use std::collections::{BTreeMap, BTreeSet};

use super::naming::unique;
use super::Lowerer;
use crate::diagnostic::pointer_join;
use crate::ir::{Additional, Method, Operation, ResponseBody, TypeDef, TypeKey, TypeKind, TypeRef};

/// Derives the emitter always writes, by item kind; configured derives
/// naming one of these are dropped rather than duplicated.
const STRUCT_DERIVES: &[&str] = &["Clone", "Debug", "PartialEq", "Serialize", "Deserialize"];
const ENUM_DERIVES: &[&str] = &["Clone", "Debug", "PartialEq", "Eq", "Hash", "PartialOrd", "Ord"];

impl Lowerer<'_> {
    /// The configured Rust type for the schema at `pointer`, if any.
    pub(super) fn replaced(&self, pointer: &str) -> Option<TypeRef> {
        self.options.replace.get(pointer).cloned().map(TypeRef::External)
    }

    /// The configured Rust type for a scalar schema's `format`, if any.
    pub(super) fn format_replacement(&self, typ: Option<&str>, format: Option<&str>) -> Option<TypeRef> {
        if !matches!(typ, Some("string" | "integer" | "number")) {
            return None;
        }
        self.options.formats.get(format?).cloned().map(TypeRef::External)
    }

    /// The configured method name for an operation (by operationId, or by
    /// `METHOD /path`).
    pub(super) fn renamed_operation(&self, method: Method, path: &str, operation_id: Option<&str>) -> Option<String> {
        let renames = &self.options.rename.operations;
        if renames.is_empty() {
            return None;
        }
        operation_id
            .and_then(|id| renames.get(id))
            .or_else(|| renames.get(&format!("{} {path}", method.as_str())))
            .cloned()
    }

    /// The pass after lowering: prune, derives, field and variant names,
    /// and warnings for configuration that matched nothing.
    pub(super) fn apply_options(&mut self, operations: &mut [Operation]) {
        let options = self.options;
        if options.select.is_active() {
            self.warn_unmatched_patterns();
            if !options.select.keep_unreachable_types {
                let keep = reachable(&self.types, operations);
                self.types.retain(|k, _| keep.contains(k));
            }
        }
        self.warn_unmatched_keys(operations);
        for def in self.types.values_mut() {
            if let Some(name) = options.rename.types.get(&def.key) {
                def.name = name.clone();
            }
            add_extras(def, options);
            rename_members(def, options);
        }
    }

    fn warn_unmatched_patterns(&mut self) {
        let mut ops: Vec<(Method, String, Vec<String>, Option<String>)> = Vec::new();
        for (path, item) in self.spec.paths.paths.iter() {
            let Some(item) = item.as_item() else { continue };
            for (m, op) in super::operation::methods(item) {
                ops.push((m, path.clone(), op.tags.clone(), op.operation_id.clone()));
            }
        }
        let mut unmatched = Vec::new();
        for (list, pattern) in self.options.select.patterns() {
            let hit = ops.iter().any(|(m, path, tags, id)| match list {
                "tags" | "exclude-tags" => tags.iter().any(|t| super::options::glob(pattern, t)),
                "operations" | "exclude-operations" => id.as_deref().is_some_and(|id| super::options::glob(pattern, id)),
                _ => super::options::path_matches(pattern, *m, path),
            });
            if !hit {
                let candidates: Vec<&str> = match list {
                    "tags" | "exclude-tags" => ops.iter().flat_map(|o| o.2.iter().map(String::as_str)).collect(),
                    "operations" | "exclude-operations" => ops.iter().filter_map(|o| o.3.as_deref()).collect(),
                    _ => ops.iter().map(|o| o.1.as_str()).collect(),
                };
                let hint = nearest(pattern, &candidates).map(|c| format!("; did you mean `{c}`?")).unwrap_or_default();
                unmatched.push(format!("selection: `{pattern}` in `{list}` matches no operation{hint}"));
            }
        }
        for message in unmatched {
            self.warn("#/paths", message);
        }
    }

    /// Renames, replacements and per-type settings whose key names nothing
    /// lowered: most likely a typo in the configuration.
    fn warn_unmatched_keys(&mut self, operations: &[Operation]) {
        let o = self.options;
        let mut messages = Vec::new();
        let type_keys: Vec<&str> = self.types.keys().map(String::as_str).collect();
        for (what, keys) in [("rename.types", o.rename.types.keys().collect::<Vec<_>>()), ("per-type settings", o.per_type.keys().collect())] {
            for key in keys {
                if !self.types.contains_key(key) {
                    messages.push((key.clone(), format!("{what}: `{key}` is not a generated type{}", hint(key, &type_keys))));
                }
            }
        }
        for key in o.rename.variants.keys() {
            if !self.types.contains_key(key) {
                messages.push((key.clone(), format!("rename.variants: `{key}` is not a generated enum or union{}", hint(key, &type_keys))));
            }
        }
        let ids: Vec<String> = operations
            .iter()
            .flat_map(|op| op.operation_id.clone().into_iter().chain([format!("{} {}", op.method.as_str(), op.path_template)]))
            .collect();
        let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        for key in o.rename.operations.keys() {
            if !ids.contains(key) {
                messages.push(("#/paths".into(), format!("rename.operations: no operation `{key}`{}", hint(key, &id_refs))));
            }
        }
        let mut fields: Vec<String> = Vec::new();
        for def in self.types.values() {
            if let TypeKind::Struct(s) = &def.kind {
                for f in &s.fields {
                    fields.push(pointer_join(&pointer_join(&def.key, "properties"), &f.name));
                }
            }
        }
        let field_refs: Vec<&str> = fields.iter().map(String::as_str).collect();
        for key in o.rename.fields.keys() {
            if !fields.contains(key) {
                messages.push((key.clone(), format!("rename.fields: `{key}` is not a property of a generated struct{}", hint(key, &field_refs))));
            }
        }
        for (pointer, message) in messages {
            self.warn(&pointer, message);
        }
    }
}

fn nearest<'a>(key: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(key, c), *c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

fn hint(key: &str, candidates: &[&str]) -> String {
    nearest(key, candidates).map(|c| format!("; did you mean `{c}`?")).unwrap_or_default()
}

/// Keys of every type the operations reach, through fields, additional
/// properties, union variants and alias targets. Iterative: no recursion on
/// input depth.
fn reachable(types: &BTreeMap<TypeKey, TypeDef>, operations: &[Operation]) -> BTreeSet<TypeKey> {
    let mut stack: Vec<&TypeRef> = Vec::new();
    for op in operations {
        stack.extend(op.params.iter().map(|p| &p.ty));
        stack.extend(op.body.iter().filter_map(|b| b.ty.as_ref()));
        for r in &op.responses {
            if let ResponseBody::Json(t) = &r.body {
                stack.push(t);
            }
        }
    }
    let mut seen = BTreeSet::new();
    while let Some(t) = stack.pop() {
        match t {
            TypeRef::Named(key) => {
                if !seen.insert(key.clone()) {
                    continue;
                }
                let Some(def) = types.get(key) else { continue };
                match &def.kind {
                    TypeKind::Struct(s) => {
                        stack.extend(s.fields.iter().map(|f| &f.ty));
                        if let Additional::Typed(t) = &s.additional {
                            stack.push(t);
                        }
                    }
                    TypeKind::Union(u) => stack.extend(u.variants.iter().map(|v| &v.ty)),
                    TypeKind::Alias { target, .. } => stack.push(target),
                    TypeKind::Enum(_) => {}
                }
            }
            TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => stack.push(inner),
            TypeRef::Primitive(_) | TypeRef::Any | TypeRef::Object | TypeRef::External(_) => {}
        }
    }
    seen
}

/// Global, then per-type derives and attributes; derives the emitter already
/// writes for this kind of item are left out, and type aliases (which cannot
/// carry derives) get none.
fn add_extras(def: &mut TypeDef, options: &super::Options) {
    let builtin: &[&str] = match &def.kind {
        TypeKind::Struct(_) | TypeKind::Union(_) => STRUCT_DERIVES,
        TypeKind::Alias { newtype: true, .. } => STRUCT_DERIVES,
        TypeKind::Enum(_) => ENUM_DERIVES,
        TypeKind::Alias { newtype: false, .. } => return,
    };
    let per_type = options.per_type.get(&def.key);
    let derives = options.derives.iter().chain(per_type.iter().flat_map(|p| p.derives.iter()));
    for d in derives {
        let last = d.rsplit("::").next().unwrap_or(d).trim();
        if !builtin.contains(&last) && !def.derives.contains(d) {
            def.derives.push(d.clone());
        }
    }
    // Enums implement serde by hand, so a global `#[serde(...)]` (meant for
    // structs) would not compile on them; a per-type one is the user's call.
    let is_enum = matches!(def.kind, TypeKind::Enum(_));
    let global = options.attributes.iter().filter(|a| !(is_enum && a.trim_start().starts_with("#[serde")));
    let attributes = global.chain(per_type.iter().flat_map(|p| p.attributes.iter()));
    for a in attributes {
        if !def.attributes.contains(a) {
            def.attributes.push(a.clone());
        }
    }
}

/// Field and variant name overrides; names they displace are made unique
/// again in declaration order, so the result is deterministic.
fn rename_members(def: &mut TypeDef, options: &super::Options) {
    match &mut def.kind {
        TypeKind::Struct(s) => {
            let base = pointer_join(&def.key, "properties");
            let wanted: Vec<Option<&String>> =
                s.fields.iter().map(|f| options.rename.fields.get(&pointer_join(&base, &f.name))).collect();
            if wanted.iter().all(Option::is_none) {
                return;
            }
            let mut taken: BTreeSet<String> = wanted.iter().flatten().map(|n| n.to_string()).collect();
            taken.insert("extra".into());
            for (f, new) in s.fields.iter_mut().zip(&wanted) {
                f.rust_name = match new {
                    Some(n) => n.to_string(),
                    None => unique(f.rust_name.clone(), &mut taken),
                };
            }
        }
        TypeKind::Enum(e) => {
            let Some(map) = options.rename.variants.get(&def.key) else { return };
            let wanted: Vec<Option<&String>> = e
                .variants
                .iter()
                .map(|v| {
                    let text = match &v.value {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    map.get(&text).or_else(|| map.get(&v.name))
                })
                .collect();
            let mut taken: BTreeSet<String> = wanted.iter().flatten().map(|n| n.to_string()).collect();
            taken.insert("Unknown".into());
            for (v, new) in e.variants.iter_mut().zip(&wanted) {
                v.name = match new {
                    Some(n) => n.to_string(),
                    None => unique(v.name.clone(), &mut taken),
                };
            }
        }
        TypeKind::Union(u) => {
            let Some(map) = options.rename.variants.get(&def.key) else { return };
            let wanted: Vec<Option<&String>> = u.variants.iter().map(|v| map.get(&v.name)).collect();
            let mut taken: BTreeSet<String> = wanted.iter().flatten().map(|n| n.to_string()).collect();
            if u.discriminator.is_some() {
                taken.insert("Unknown".into());
            }
            for (v, new) in u.variants.iter_mut().zip(&wanted) {
                v.name = match new {
                    Some(n) => n.to_string(),
                    None => unique(v.name.clone(), &mut taken),
                };
            }
        }
        TypeKind::Alias { .. } => {}
    }
}
