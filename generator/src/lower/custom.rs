//! Applying [`Options`](super::Options): type replacement during lowering,
//! then one pass after it that prunes unreachable types, adds derives and
//! attributes, and applies field and variant name overrides.

use std::collections::{BTreeMap, BTreeSet};

use super::naming::Namespace;
use super::reserved::{self, Scope};
use super::Lowerer;
use crate::diagnostic::pointer_join;
use crate::ir::{Additional, Method, Operation, ResponseBody, TypeDef, TypeKey, TypeKind, TypeRef};

/// Derives the emitter always writes, by item kind; configured derives
/// naming one of these are dropped rather than duplicated.
const STRUCT_DERIVES: &[&str] = &["Clone", "Debug", "PartialEq", "Serialize", "Deserialize"];
/// What `runtime::Extra` implements: a struct deriving only these keeps its
/// undeclared properties in one.
const EXTRA_DERIVES: &[&str] = &[
    "Clone",
    "Debug",
    "Default",
    "PartialEq",
    "Eq",
    "Hash",
    "Serialize",
    "Deserialize",
];
const ENUM_DERIVES: &[&str] = &[
    "Clone",
    "Debug",
    "PartialEq",
    "Eq",
    "Hash",
    "PartialOrd",
    "Ord",
];

impl Lowerer<'_> {
    /// The configured Rust type for the schema at `pointer`, if any.
    pub(super) fn replaced(&self, pointer: &str) -> Option<TypeRef> {
        self.options
            .replace
            .get(pointer)
            .cloned()
            .map(TypeRef::External)
    }

    /// The configured Rust type for a scalar schema's `format`, if any.
    pub(super) fn format_replacement(
        &self,
        typ: Option<&str>,
        format: Option<&str>,
    ) -> Option<TypeRef> {
        if !matches!(typ, Some("string" | "integer" | "number")) {
            return None;
        }
        self.options
            .formats
            .get(format?)
            .cloned()
            .map(TypeRef::External)
    }

    /// The configured method name for an operation (by operationId, or by
    /// `METHOD /path`). Configured names are claimed before generated ones;
    /// one naming a method every client has (`new`, `builder`, ...) is
    /// refused with a warning.
    pub(super) fn renamed_operation(
        &mut self,
        method: Method,
        path: &str,
        operation_id: Option<&str>,
        taken: &Namespace,
    ) -> Option<String> {
        let renames = &self.options.rename.operations;
        if renames.is_empty() {
            return None;
        }
        let name = operation_id
            .and_then(|id| renames.get(id))
            .or_else(|| renames.get(&format!("{} {path}", method.as_str())))?;
        if taken.is_reserved(name) {
            let message = format!("rename.operations: `{name}` is a method every client has; keeping the generated name");
            self.warn(
                &format!("#/paths/{}", crate::diagnostic::pointer_escape(path)),
                message,
            );
            return None;
        }
        Some(name.clone())
    }

    /// The pass after lowering: prune, derives, field and variant names,
    /// and warnings for configuration that matched nothing.
    pub(super) fn apply_options(&mut self, operations: &[Operation]) {
        let options = self.options;
        if options.select.is_active() {
            self.warn_unmatched_patterns();
            if !options.select.keep_unreachable_types {
                let keep = reachable(&self.types, operations);
                self.types.retain(|k, _| keep.contains(k));
                // Warnings about component schemas nothing kept reaches are
                // noise: nothing is generated from them.
                self.warnings.retain(|w| match component_of(&w.pointer) {
                    Some(component) => keep.contains(component),
                    None => true,
                });
            }
        }
        self.warn_unmatched_keys(operations);
        let floats = holds_float(&self.types);
        let mut skipped: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut warnings = Vec::new();
        for def in self.types.values_mut() {
            if let Some(name) = options.rename.types.get(&def.key) {
                def.name = name.clone();
            }
            for d in add_extras(def, options, floats.contains(&def.key)) {
                skipped.entry(d).or_default().push(def.name.clone());
            }
            warnings.extend(rename_members(def, options));
        }
        for (derive, types) in skipped {
            let shown: Vec<String> = types.iter().take(8).map(|t| format!("`{t}`")).collect();
            let more = if types.len() > 8 {
                format!(" and {} more", types.len() - 8)
            } else {
                String::new()
            };
            let message = if derive.starts_with("#[") {
                format!(
                    "attribute `{derive}` left off {} type(s): generated types implement serde by hand (lenient decoding, unknown fields kept), so a serde attribute would have no effect; rename fields with [rename.fields]: {}{more}",
                    types.len(),
                    shown.join(", ")
                )
            } else {
                let why = match derive.rsplit("::").next() {
                    Some("Eq" | "Hash") => {
                        "hold floating-point numbers (f32/f64 implement neither Eq nor Hash)"
                    }
                    _ => "hold JSON values or maps, which have no order",
                };
                format!(
                    "derive `{derive}` left off {} type(s) that {why}: {}{more}",
                    types.len(),
                    shown.join(", ")
                )
            };
            warnings.push(("#".to_string(), message));
        }
        for (pointer, message) in warnings {
            self.warn(&pointer, message);
        }
    }

    /// Configured type names that lowering had to change (a reserved name
    /// such as `String`, or one claimed twice).
    pub(super) fn check_type_renames(&mut self, types: &[TypeDef]) {
        for t in types {
            if let Some(wanted) = self.options.rename.types.get(&t.key) {
                if &t.name != wanted {
                    let message = format!(
                        "rename.types: `{wanted}` is reserved or taken; the type is named `{}`",
                        t.name
                    );
                    self.warn(&t.key, message);
                }
            }
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
                "operations" | "exclude-operations" => id
                    .as_deref()
                    .is_some_and(|id| super::options::glob(pattern, id)),
                _ => super::options::path_matches(pattern, *m, path),
            });
            if !hit {
                let candidates: Vec<&str> = match list {
                    "tags" | "exclude-tags" => ops
                        .iter()
                        .flat_map(|o| o.2.iter().map(String::as_str))
                        .collect(),
                    "operations" | "exclude-operations" => {
                        ops.iter().filter_map(|o| o.3.as_deref()).collect()
                    }
                    _ => ops.iter().map(|o| o.1.as_str()).collect(),
                };
                let hint = nearest(pattern, &candidates)
                    .map(|c| format!("; did you mean `{c}`?"))
                    .unwrap_or_default();
                unmatched.push(format!(
                    "selection: `{pattern}` in `{list}` matches no operation{hint}"
                ));
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
        for (what, keys) in [
            ("rename.types", o.rename.types.keys().collect::<Vec<_>>()),
            ("per-type settings", o.per_type.keys().collect()),
        ] {
            for key in keys {
                if !self.types.contains_key(key) {
                    messages.push((
                        key.clone(),
                        format!(
                            "{what}: `{key}` is not a generated type{}",
                            hint(key, &type_keys)
                        ),
                    ));
                }
            }
        }
        for key in o.rename.variants.keys() {
            if !self.types.contains_key(key) {
                messages.push((
                    key.clone(),
                    format!(
                        "rename.variants: `{key}` is not a generated enum or union{}",
                        hint(key, &type_keys)
                    ),
                ));
            }
        }
        let ids: Vec<String> = operations
            .iter()
            .flat_map(|op| {
                op.operation_id.clone().into_iter().chain([format!(
                    "{} {}",
                    op.method.as_str(),
                    op.path_template
                )])
            })
            .collect();
        let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        for key in o.rename.operations.keys() {
            if !ids.contains(key) {
                messages.push((
                    "#/paths".into(),
                    format!(
                        "rename.operations: no operation `{key}`{}",
                        hint(key, &id_refs)
                    ),
                ));
            }
        }
        for key in o.pagination.keys() {
            if !ids.contains(key) {
                messages.push((
                    "#/paths".into(),
                    format!("pagination: no operation `{key}`{}", hint(key, &id_refs)),
                ));
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
                messages.push((
                    key.clone(),
                    format!(
                        "rename.fields: `{key}` is not a property of a generated struct{}",
                        hint(key, &field_refs)
                    ),
                ));
            }
        }
        for (pointer, message) in messages {
            self.warn(&pointer, message);
        }
    }
}

/// `#/components/schemas/X/properties/y` → `#/components/schemas/X`.
fn component_of(pointer: &str) -> Option<&str> {
    let rest = pointer.strip_prefix("#/components/schemas/")?;
    let end = rest
        .find('/')
        .map_or(pointer.len(), |i| "#/components/schemas/".len() + i);
    Some(&pointer[..end])
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
    nearest(key, candidates)
        .map(|c| format!("; did you mean `{c}`?"))
        .unwrap_or_default()
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
            TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                stack.push(inner)
            }
            TypeRef::Primitive(_) | TypeRef::Any | TypeRef::Object | TypeRef::External(_) => {}
        }
    }
    seen
}

/// Keys of types that hold an `f32`/`f64` by value or in a collection,
/// directly or through other types: propagated backwards along references
/// (linear in the number of references).
fn holds_float(types: &BTreeMap<TypeKey, TypeDef>) -> BTreeSet<TypeKey> {
    let mut users: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut queue: Vec<&str> = Vec::new();
    for (key, def) in types {
        let mut refs: Vec<&TypeRef> = Vec::new();
        match &def.kind {
            TypeKind::Struct(s) => {
                refs.extend(s.fields.iter().map(|f| &f.ty));
                if let Additional::Typed(t) = &s.additional {
                    refs.push(t);
                }
            }
            TypeKind::Union(u) => refs.extend(u.variants.iter().map(|v| &v.ty)),
            TypeKind::Alias { target, .. } => refs.push(target),
            TypeKind::Enum(_) => {}
        }
        let mut direct = false;
        while let Some(t) = refs.pop() {
            match t {
                TypeRef::Primitive(crate::ir::Primitive::F32 | crate::ir::Primitive::F64) => {
                    direct = true
                }
                TypeRef::Named(k) => users.entry(k.as_str()).or_default().push(key.as_str()),
                TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                    refs.push(inner)
                }
                _ => {}
            }
        }
        if direct {
            queue.push(key.as_str());
        }
    }
    let mut out: BTreeSet<TypeKey> = BTreeSet::new();
    while let Some(k) = queue.pop() {
        if out.insert(k.to_string()) {
            queue.extend(users.get(k).into_iter().flatten().copied());
        }
    }
    out
}

/// Global, then per-type derives and attributes; derives the emitter already
/// writes for this kind of item are left out, and type aliases (which cannot
/// carry derives) get none. Returns the derives left off because the type
/// cannot implement them (`Eq`/`Hash` with floats inside; `PartialOrd`/`Ord`
/// on types holding JSON maps or values) and the `#[serde(...)]` attributes
/// left off.
fn add_extras(def: &mut TypeDef, options: &super::Options, has_float: bool) -> Vec<String> {
    let builtin: &[&str] = match &def.kind {
        TypeKind::Struct(_) | TypeKind::Union(_) => STRUCT_DERIVES,
        TypeKind::Alias { newtype: true, .. } => STRUCT_DERIVES,
        TypeKind::Enum(_) => ENUM_DERIVES,
        TypeKind::Alias { newtype: false, .. } => return Vec::new(),
    };
    let per_type = options.per_type.get(&def.key);
    let derives = options
        .derives
        .iter()
        .chain(per_type.iter().flat_map(|p| p.derives.iter()));
    let mut skipped = Vec::new();
    for d in derives {
        let last = d.rsplit("::").next().unwrap_or(d).trim();
        let impossible = match last {
            "Eq" | "Hash" => has_float,
            "PartialOrd" | "Ord" => !matches!(def.kind, TypeKind::Enum(_)),
            _ => false,
        };
        if impossible {
            if !skipped.contains(d) {
                skipped.push(d.clone());
            }
        } else if !builtin.contains(&last) && !def.derives.contains(d) {
            def.derives.push(d.clone());
        }
    }
    // `runtime::Extra` implements these; for any other derive the struct's
    // undeclared properties stay a `serde_json::Map`, which implements
    // more (schemars' `JsonSchema` among them).
    if let TypeKind::Struct(st) = &mut def.kind {
        st.extra_map = def.derives.iter().any(|d| {
            let last = d.rsplit("::").next().unwrap_or(d).trim();
            !EXTRA_DERIVES.contains(&last)
        });
    }
    // Every generated type implements serde by hand, so a `#[serde(...)]`
    // would not compile (no derive declares the helper) or, under another
    // derive that does, would change nothing on the wire: left off.
    let attributes = options
        .attributes
        .iter()
        .chain(per_type.iter().flat_map(|p| p.attributes.iter()));
    for a in attributes {
        if a.trim_start().starts_with("#[serde") {
            if !skipped.contains(a) {
                skipped.push(a.clone());
            }
        } else if !def.attributes.contains(a) {
            def.attributes.push(a.clone());
        }
    }
    skipped
}

/// Field and variant name overrides; names they displace are made unique
/// again in declaration order, so the result is deterministic. Two
/// overrides asking for one name: the first keeps it, the other is made
/// unique, with a warning.
fn rename_members(def: &mut TypeDef, options: &super::Options) -> Vec<(String, String)> {
    let mut warnings = Vec::new();
    let key = def.key.clone();
    match &mut def.kind {
        TypeKind::Struct(s) => {
            let base = pointer_join(&key, "properties");
            let wanted: Vec<Option<String>> = s
                .fields
                .iter()
                .map(|f| {
                    options
                        .rename
                        .fields
                        .get(&pointer_join(&base, &f.name))
                        .cloned()
                })
                .collect();
            let names: Vec<&mut String> = s.fields.iter_mut().map(|f| &mut f.rust_name).collect();
            assign(names, &wanted, reserved::STRUCT_FIELDS, &key, &mut warnings);
        }
        TypeKind::Enum(e) => {
            let Some(map) = options.rename.variants.get(&key) else {
                return warnings;
            };
            let wanted: Vec<Option<String>> = e
                .variants
                .iter()
                .map(|v| {
                    let text = match &v.value {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    map.get(&text).or_else(|| map.get(&v.name)).cloned()
                })
                .collect();
            let known: Vec<String> = e
                .variants
                .iter()
                .flat_map(|v| {
                    [
                        v.name.clone(),
                        v.value
                            .as_str()
                            .map_or_else(|| v.value.to_string(), str::to_string),
                    ]
                })
                .collect();
            unknown_variant_keys(
                map,
                &known,
                &e.variants
                    .iter()
                    .map(|v| v.name.clone())
                    .collect::<Vec<_>>(),
                &key,
                &mut warnings,
            );
            let names: Vec<&mut String> = e.variants.iter_mut().map(|v| &mut v.name).collect();
            assign(names, &wanted, reserved::ENUM_VARIANTS, &key, &mut warnings);
        }
        TypeKind::Union(u) => {
            let Some(map) = options.rename.variants.get(&key) else {
                return warnings;
            };
            let wanted: Vec<Option<String>> = u
                .variants
                .iter()
                .map(|v| map.get(&v.name).cloned())
                .collect();
            let current: Vec<String> = u.variants.iter().map(|v| v.name.clone()).collect();
            unknown_variant_keys(map, &current, &current, &key, &mut warnings);
            let names: Vec<&mut String> = u.variants.iter_mut().map(|v| &mut v.name).collect();
            assign(
                names,
                &wanted,
                reserved::UNION_VARIANTS,
                &key,
                &mut warnings,
            );
        }
        TypeKind::Alias { .. } => {}
    }
    warnings
}

fn unknown_variant_keys(
    map: &BTreeMap<String, String>,
    known: &[String],
    variants: &[String],
    key: &str,
    warnings: &mut Vec<(String, String)>,
) {
    for k in map.keys() {
        if !known.contains(k) {
            let list = variants
                .iter()
                .map(|v| format!("`{v}`"))
                .collect::<Vec<_>>()
                .join(", ");
            warnings.push((key.to_string(), format!("rename.variants: `{k}` is not a variant (or enum value) here; the variants are {list}")));
        }
    }
}

/// Gives each member its wanted name (or keeps its own), all unique.
fn assign(
    names: Vec<&mut String>,
    wanted: &[Option<String>],
    scope: Scope,
    key: &str,
    warnings: &mut Vec<(String, String)>,
) {
    if wanted.iter().all(Option::is_none) {
        return;
    }
    let mut taken = Namespace::new(scope);
    // Overrides claim their names first.
    let mut granted = vec![false; names.len()];
    for (i, w) in wanted.iter().enumerate() {
        if let Some(w) = w {
            granted[i] = !taken.contains(w);
            if granted[i] {
                taken.claim(w.clone());
            } else {
                warnings.push((key.to_string(), format!("rename: `{w}` is asked for twice in this type (or is reserved); the later one is made unique")));
            }
        }
    }
    for ((name, w), granted) in names.into_iter().zip(wanted).zip(granted) {
        *name = match (w, granted) {
            (Some(w), true) => w.clone(),
            (Some(w), false) => taken.claim(w.clone()),
            (None, _) => taken.claim(name.clone()),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::super::options::{Options, Selection, TypeExtras};
    use crate::ir::{Api, ExternalType, TypeKind, TypeRef};

    fn lower(yaml: &str, options: &Options) -> Api {
        let loaded = crate::load::load_str("t.yaml", yaml).unwrap_or_else(|e| panic!("{e}"));
        super::super::lower_with(&loaded.spec, &loaded.openapi_version, options)
    }

    fn names(api: &Api) -> Vec<&str> {
        api.types.iter().map(|t| t.name.as_str()).collect()
    }

    const SPEC: &str = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /u:
    get:
      operationId: getU
      tags: [u]
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/U'}}}}
  /q:
    get:
      operationId: getQ
      tags: [q]
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Q'}}}}
components:
  schemas:
    U: {oneOf: [{$ref: '#/components/schemas/X'}, {$ref: '#/components/schemas/Y'}]}
    X: {type: object, properties: {zs: {type: array, items: {$ref: '#/components/schemas/Z'}}, type: {type: string}, kind: {type: string}}}
    Y: {type: object, additionalProperties: {$ref: '#/components/schemas/W'}, properties: {n: {type: string}}}
    Z: {type: object, properties: {amount: {type: number}}}
    W: {type: object, properties: {price: {type: string, format: decimal}}}
    Q: {type: object, properties: {q: {type: string}}}
"#;

    #[test]
    fn pruning_follows_unions_arrays_and_maps() {
        let mut o = Options {
            select: Selection {
                tags: vec!["u".into()],
                ..Selection::default()
            },
            ..Options::default()
        };
        let api = lower(SPEC, &o);
        assert_eq!(api.operations.len(), 1);
        assert_eq!(names(&api), ["U", "W", "X", "Y", "Z"]);
        o.select.keep_unreachable_types = true;
        assert!(names(&lower(SPEC, &o)).contains(&"Q"));
    }

    #[test]
    fn pruned_schemas_leave_no_warnings() {
        let spec = SPEC.replace(
            "Q: {type: object, properties: {q: {type: string}}}",
            "Q: {type: object, properties: {q: {not: {type: string}}}}",
        );
        assert!(lower(&spec, &Options::default())
            .warnings
            .iter()
            .any(|w| w.pointer.starts_with("#/components/schemas/Q/")));
        let o = Options {
            select: Selection {
                tags: vec!["u".into()],
                ..Selection::default()
            },
            ..Options::default()
        };
        let api = lower(&spec, &o);
        assert!(api.warnings.is_empty(), "{:?}", api.warnings);
        assert_eq!(
            super::component_of("#/components/schemas/Q/properties/q"),
            Some("#/components/schemas/Q")
        );
        assert_eq!(
            super::component_of("#/components/schemas/Q"),
            Some("#/components/schemas/Q")
        );
        assert_eq!(super::component_of("#/paths"), None);
    }

    #[test]
    fn impossible_derives_are_left_off_with_a_warning() {
        let o = Options {
            derives: vec!["Hash".into(), "Eq".into(), "PartialOrd".into()],
            ..Options::default()
        };
        let api = lower(SPEC, &o);
        let derives = |n: &str| {
            api.types
                .iter()
                .find(|t| t.name == n)
                .unwrap()
                .derives
                .clone()
        };
        // Z holds an f64; X holds Zs, U holds X: none can be Hash or Eq.
        for holder in ["Z", "X", "U"] {
            assert!(
                derives(holder).is_empty(),
                "{holder}: {:?}",
                derives(holder)
            );
        }
        assert_eq!(derives("Q"), ["Hash", "Eq"]);
        let w: Vec<&str> = api.warnings.iter().map(|w| w.message.as_str()).collect();
        assert!(w.contains(&"derive `Hash` left off 3 type(s) that hold floating-point numbers (f32/f64 implement neither Eq nor Hash): `U`, `X`, `Z`"), "{w:#?}");
        assert!(
            w.iter()
                .any(|m| m.starts_with("derive `PartialOrd` left off 6 type(s)")),
            "{w:#?}"
        );
    }

    #[test]
    fn replacements_by_pointer_and_format() {
        let mut o = Options::default();
        o.replace.insert(
            "#/components/schemas/Z".into(),
            ExternalType {
                path: "my::Z".into(),
            },
        );
        o.replace.insert(
            "#/components/schemas/Y/properties/n".into(),
            ExternalType { path: "u32".into() },
        );
        o.formats.insert(
            "decimal".into(),
            ExternalType {
                path: "rust_decimal::Decimal".into(),
            },
        );
        o.per_type.insert(
            "#/components/schemas/Q".into(),
            TypeExtras {
                derives: vec!["Hash".into()],
                attributes: vec![],
            },
        );
        let api = lower(SPEC, &o);
        assert!(!names(&api).contains(&"Z"));
        let field = |ty: &str, f: &str| {
            let TypeKind::Struct(s) = &api.types.iter().find(|t| t.name == ty).unwrap().kind else {
                panic!()
            };
            s.fields.iter().find(|x| x.name == f).unwrap().ty.clone()
        };
        assert_eq!(
            field("X", "zs"),
            TypeRef::Array(Box::new(TypeRef::External(ExternalType {
                path: "my::Z".into()
            })))
        );
        assert_eq!(
            field("Y", "n"),
            TypeRef::External(ExternalType { path: "u32".into() })
        );
        assert_eq!(
            field("W", "price"),
            TypeRef::External(ExternalType {
                path: "rust_decimal::Decimal".into()
            })
        );
        assert_eq!(
            api.types.iter().find(|t| t.name == "Q").unwrap().derives,
            ["Hash"]
        );
    }

    #[test]
    fn naming_overrides_win_and_displaced_names_stay_unique() {
        let mut o = Options::default();
        o.rename.operations.insert("getQ".into(), "get_u".into());
        o.rename.operations.insert("getU".into(), "new".into());
        o.rename
            .types
            .insert("#/components/schemas/Q".into(), "X".into());
        o.rename
            .types
            .insert("#/components/schemas/W".into(), "String".into());
        o.rename.fields.insert(
            "#/components/schemas/X/properties/type".into(),
            "kind".into(),
        );
        o.rename.variants.insert(
            "#/components/schemas/U".into(),
            [
                ("X".to_string(), "Ex".to_string()),
                ("Variant9".to_string(), "No".to_string()),
            ]
            .into_iter()
            .collect(),
        );
        let api = lower(SPEC, &o);
        let ops: Vec<&str> = api.operations.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(
            ops,
            ["get_u2", "get_u"],
            "getQ claims get_u; getU cannot be `new`"
        );
        let x_named: Vec<&str> = api
            .types
            .iter()
            .filter(|t| t.name.starts_with('X'))
            .map(|t| t.key.as_str())
            .collect();
        assert_eq!(
            x_named,
            ["#/components/schemas/Q", "#/components/schemas/X"]
        );
        let x = api
            .types
            .iter()
            .find(|t| t.key == "#/components/schemas/X")
            .unwrap();
        assert_eq!(x.name, "X2");
        let TypeKind::Struct(s) = &x.kind else {
            panic!()
        };
        let rust: Vec<(&str, &str)> = s
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.rust_name.as_str()))
            .collect();
        assert_eq!(rust, [("zs", "zs"), ("type", "kind"), ("kind", "kind2")]);
        let TypeKind::Union(u) = &api.types.iter().find(|t| t.name == "U").unwrap().kind else {
            panic!()
        };
        assert_eq!(u.variants[0].name, "Ex");
        let w: Vec<&str> = api.warnings.iter().map(|w| w.message.as_str()).collect();
        assert!(w.contains(&"rename.operations: `new` is a method every client has; keeping the generated name"), "{w:#?}");
        assert!(
            w.contains(&"rename.types: `String` is reserved or taken; the type is named `String2`"),
            "{w:#?}"
        );
        assert!(w.contains(&"rename.variants: `Variant9` is not a variant (or enum value) here; the variants are `X`, `Y`"), "{w:#?}");
    }

    #[test]
    fn keys_naming_nothing_warn_with_the_nearest() {
        let mut o = Options::default();
        o.rename
            .types
            .insert("#/components/schemas/Qq".into(), "Quux".into());
        o.rename.fields.insert(
            "#/components/schemas/X/properties/typ".into(),
            "kind".into(),
        );
        let api = lower(SPEC, &o);
        let w: Vec<&str> = api.warnings.iter().map(|w| w.message.as_str()).collect();
        assert!(w.contains(&"rename.types: `#/components/schemas/Qq` is not a generated type; did you mean `#/components/schemas/Q`?"), "{w:#?}");
        assert!(
            w.iter()
                .any(|m| m.contains("did you mean `#/components/schemas/X/properties/type`?")),
            "{w:#?}"
        );
    }
}
