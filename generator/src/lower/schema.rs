//! Schemas → types.
//!
//! Every schema position goes through [`Lowerer::type_of`]. Schemas that need
//! a Rust item of their own (objects, enums, unions) become a [`TypeDef`]
//! keyed by their JSON pointer, so lowering the same inline schema twice
//! yields the same type, and the name depends only on the schema's place.

use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema};
use serde_json::Value;

use super::naming::{pascal, snake, Namespace};
use super::refs::{component_name, schema_key};
use super::reserved;
use super::view::{view, View};
use super::Lowerer;
use crate::diagnostic::pointer_join;
use crate::ir::{
    Additional, EnumRepr, EnumType, EnumVariant, Field, Primitive, StructType, TypeDef, TypeKind,
    TypeRef, UnionType, UnionVariant,
};

/// What a schema turns into before it is placed: either a type usable
/// directly, or a kind that needs a named item.
enum Shape {
    Inline(TypeRef),
    Named(TypeKind),
}

impl<'a> Lowerer<'a> {
    pub(super) fn lower_components(&mut self) {
        let Some(components) = &self.spec.components else {
            return;
        };
        for name in components.schemas.keys() {
            self.component(name);
        }
    }

    /// The type of a component schema, lowering it on first use.
    fn component(&mut self, name: &str) -> TypeRef {
        let key = schema_key(name);
        let schema = self
            .spec
            .components
            .as_ref()
            .and_then(|c| c.schemas.get(name));
        let Some(schema) = schema else {
            return TypeRef::Any;
        };
        let nullable = matches!(schema, ReferenceOr::Item(s) if s.schema_data.nullable);
        if let Some(t) = self.replaced(&key) {
            return if nullable { t.nullable() } else { t };
        }
        if !self.types.contains_key(&key) && !self.in_progress.contains(&key) {
            self.in_progress.insert(key.clone());
            let hint = pascal(name);
            let (kind, data) = match schema {
                ReferenceOr::Item(s) => {
                    let kind = match self.shape(s, &key, &hint) {
                        Shape::Named(kind) => kind,
                        Shape::Inline(t) => TypeKind::Alias {
                            target: t,
                            newtype: false,
                        },
                    };
                    (kind, Some(s))
                }
                ReferenceOr::Reference { reference } => {
                    let target = self.schema_ref(reference, &key);
                    (
                        TypeKind::Alias {
                            target,
                            newtype: false,
                        },
                        None,
                    )
                }
            };
            self.insert_type(key.clone(), hint, data, kind);
            self.in_progress.remove(&key);
        }
        let t = TypeRef::Named(key);
        if nullable {
            t.nullable()
        } else {
            t
        }
    }

    fn insert_type(&mut self, key: String, name: String, data: Option<&Schema>, kind: TypeKind) {
        let data = data.map(|s| &s.schema_data);
        let examples = data.and_then(|d| d.example.clone()).into_iter().collect();
        self.types.insert(
            key.clone(),
            TypeDef {
                key,
                name,
                title: data.and_then(|d| d.title.clone()),
                description: data.and_then(|d| d.description.clone()),
                deprecated: data.is_some_and(|d| d.deprecated),
                kind,
                examples,
                derives: Vec::new(),
                attributes: Vec::new(),
            },
        );
    }

    /// The type of a `$ref` used at `pointer`.
    pub(super) fn schema_ref(&mut self, reference: &str, pointer: &str) -> TypeRef {
        if let Some(name) = component_name(reference, "schemas") {
            if self
                .spec
                .components
                .as_ref()
                .is_some_and(|c| c.schemas.contains_key(&name))
            {
                return self.component(&name);
            }
        }
        match self.resolve_schema_ref(reference) {
            Some((key, schema)) => {
                if let Some(t) = self.replaced(&key) {
                    return t;
                }
                if self.types.contains_key(&key) || self.in_progress.contains(&key) {
                    return TypeRef::Named(key);
                }
                let hint = hint_from_pointer(&key);
                self.in_progress.insert(key.clone());
                let t = self.place(&schema, &key, &hint);
                self.in_progress.remove(&key);
                t
            }
            None => {
                self.warn(
                    pointer,
                    format!("cannot resolve `$ref: {reference}`; using an untyped JSON value"),
                );
                TypeRef::Any
            }
        }
    }

    /// The type of the schema at `pointer`; inline items are named `hint`.
    pub(super) fn type_of(
        &mut self,
        schema: &ReferenceOr<Schema>,
        pointer: &str,
        hint: &str,
    ) -> TypeRef {
        match schema {
            ReferenceOr::Reference { reference } => self.schema_ref(reference, pointer),
            ReferenceOr::Item(s) => self.place(s, pointer, hint),
        }
    }

    pub(super) fn type_of_boxed(
        &mut self,
        schema: &ReferenceOr<Box<Schema>>,
        pointer: &str,
        hint: &str,
    ) -> TypeRef {
        match schema {
            ReferenceOr::Reference { reference } => self.schema_ref(reference, pointer),
            ReferenceOr::Item(s) => self.place(s, pointer, hint),
        }
    }

    /// Lowers an inline schema, creating a named type when it needs one.
    fn place(&mut self, s: &Schema, pointer: &str, hint: &str) -> TypeRef {
        let t = if let Some(t) = self.replaced(pointer) {
            t
        } else if self.types.contains_key(pointer) {
            TypeRef::Named(pointer.to_string())
        } else {
            match self.shape(s, pointer, hint) {
                Shape::Inline(t) => t,
                Shape::Named(kind) => {
                    self.insert_type(pointer.to_string(), pascal(hint), Some(s), kind);
                    TypeRef::Named(pointer.to_string())
                }
            }
        };
        if s.schema_data.nullable {
            t.nullable()
        } else {
            t
        }
    }

    fn shape(&mut self, s: &Schema, pointer: &str, hint: &str) -> Shape {
        let v = view(s);
        if v.not {
            self.warn(
                pointer,
                "`not` schemas cannot be expressed as a Rust type; using an untyped JSON value",
            );
            return Shape::Inline(TypeRef::Any);
        }
        if !v.all_of.is_empty() {
            return self.all_of(&v, pointer, hint);
        }
        let (members, which) = if !v.one_of.is_empty() {
            (v.one_of, "oneOf")
        } else {
            (v.any_of, "anyOf")
        };
        let constraint_only = !members.is_empty() && members.iter().all(is_required_only);
        if !members.is_empty() && !constraint_only {
            if v.properties.is_some_and(|p| !p.is_empty()) {
                self.warn(pointer, format!("`{which}` next to `properties` is not modelled; the declared properties are typed and the rest is kept as raw JSON"));
            } else {
                return self.union(s, members, &pointer_join(pointer, which), hint);
            }
        }
        // An enum of objects or arrays only constrains values of the schema's
        // type; it does not make a Rust enum.
        let structured_enum = v
            .enumeration
            .iter()
            .filter(|e| !e.is_null())
            .all(|e| e.is_object() || e.is_array());
        if !v.enumeration.is_empty() && !structured_enum {
            return self.enumeration(&v, pointer);
        }
        if let Some(t) = self.format_replacement(v.typ, v.format.as_deref()) {
            return Shape::Inline(t);
        }
        match v.typ {
            Some("string") => Shape::Inline(TypeRef::Primitive(match v.format.as_deref() {
                Some("date-time") => Primitive::DateTime,
                Some("date") => Primitive::Date,
                Some("uuid") => Primitive::Uuid,
                _ => Primitive::String,
            })),
            Some("integer") => Shape::Inline(TypeRef::Primitive(match v.format.as_deref() {
                Some("int32") => Primitive::I32,
                Some("uint64" | "uint32" | "uint") => Primitive::U64,
                // Non-negative with a bound beyond i64: only u64 holds it.
                _ if v.minimum.is_some_and(|m| m >= 0.0)
                    && v.maximum.is_some_and(|m| m > i64::MAX as f64) =>
                {
                    Primitive::U64
                }
                _ => Primitive::I64,
            })),
            Some("number") => Shape::Inline(TypeRef::Primitive(Primitive::F64)),
            Some("boolean") => Shape::Inline(TypeRef::Primitive(Primitive::Bool)),
            Some("array") => {
                let item = match v.items {
                    Some(items) => self.type_of_boxed(
                        items,
                        &pointer_join(pointer, "items"),
                        &format!("{hint}Item"),
                    ),
                    None => TypeRef::Any,
                };
                Shape::Inline(TypeRef::Array(Box::new(item)))
            }
            Some("object") | None
                if v.properties.is_some()
                    || v.additional.is_some()
                    || v.typ.is_some()
                    || constraint_only =>
            {
                self.object(
                    &v,
                    pointer,
                    hint,
                    if constraint_only { members } else { &[] },
                )
            }
            None | Some("null") => Shape::Inline(TypeRef::Any),
            Some(other) => {
                self.warn(
                    pointer,
                    format!("unknown schema type `{other}`; using an untyped JSON value"),
                );
                Shape::Inline(TypeRef::Any)
            }
        }
    }

    fn object(
        &mut self,
        v: &View<'_>,
        pointer: &str,
        hint: &str,
        constraints: &[ReferenceOr<Schema>],
    ) -> Shape {
        let props = v.properties.filter(|p| !p.is_empty());
        let additional = self.additional(v.additional, pointer, hint);
        if props.is_none() && constraints.is_empty() {
            return match additional {
                Additional::Typed(t) => Shape::Inline(TypeRef::Map(Box::new(t))),
                Additional::Keep => Shape::Inline(TypeRef::Object),
                Additional::Deny => Shape::Named(TypeKind::Struct(StructType {
                    fields: Vec::new(),
                    additional: Additional::Deny,
                    required_any_of: Vec::new(),
                    required_name: None,
                })),
            };
        }
        let mut fields = IndexMap::new();
        if let Some(props) = props {
            self.collect_fields(props, v.required, pointer, hint, &mut fields);
        }
        let required_any_of = constraints
            .iter()
            .filter_map(|c| match c {
                ReferenceOr::Item(c) => Some(view(c).required.to_vec()),
                ReferenceOr::Reference { .. } => None,
            })
            .filter(|set| !set.is_empty())
            .collect();
        Shape::Named(TypeKind::Struct(StructType {
            fields: finish_fields(fields),
            additional,
            required_any_of,
            required_name: None,
        }))
    }

    fn additional(
        &mut self,
        a: Option<&AdditionalProperties>,
        pointer: &str,
        hint: &str,
    ) -> Additional {
        match a {
            None | Some(AdditionalProperties::Any(true)) => Additional::Keep,
            Some(AdditionalProperties::Any(false)) => Additional::Deny,
            Some(AdditionalProperties::Schema(schema)) => {
                match self.type_of(
                    schema,
                    &pointer_join(pointer, "additionalProperties"),
                    &format!("{hint}Value"),
                ) {
                    TypeRef::Any => Additional::Keep,
                    t => Additional::Typed(t),
                }
            }
        }
    }

    fn collect_fields(
        &mut self,
        props: &IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        pointer: &str,
        hint: &str,
        out: &mut IndexMap<String, Field>,
    ) {
        let base = pointer_join(pointer, "properties");
        for (name, prop) in props {
            let prop_pointer = pointer_join(&base, name);
            let ty = self.type_of_boxed(prop, &prop_pointer, &format!("{hint}{}", pascal(name)));
            let data = match prop {
                ReferenceOr::Item(s) => Some(s.schema_data.clone()),
                ReferenceOr::Reference { .. } => None,
            };
            let (read_only, write_only) = data
                .as_ref()
                .map_or((false, false), |d| (d.read_only, d.write_only));
            let description = data
                .as_ref()
                .and_then(|d| d.description.clone().or_else(|| d.title.clone()));
            out.insert(
                name.clone(),
                Field {
                    name: name.clone(),
                    rust_name: String::new(),
                    ty,
                    // A read-only property is absent from requests and a
                    // write-only one from responses, so neither can be
                    // required of a type used in both directions.
                    required: required.contains(name) && !read_only && !write_only,
                    description,
                    deprecated: data.as_ref().is_some_and(|d| d.deprecated),
                    read_only,
                    write_only,
                    default: data.as_ref().and_then(|d| d.default.clone()),
                    boxed: false,
                },
            );
        }
    }

    /// `allOf`: properties of every member (following references and nested
    /// `allOf`s) merged into one struct.
    fn all_of(&mut self, v: &View<'_>, pointer: &str, hint: &str) -> Shape {
        let has_props = v.properties.is_some_and(|p| !p.is_empty());
        // `allOf: [X]` wrapping a single schema (often to attach a
        // description or `nullable` to a `$ref`) is just X.
        if v.all_of.len() == 1 && !has_props && v.one_of.is_empty() && v.any_of.is_empty() {
            return Shape::Inline(self.type_of(
                &v.all_of[0],
                &pointer_join(pointer, "allOf/0"),
                hint,
            ));
        }
        let mut fields = IndexMap::new();
        let mut required: Vec<String> = v.required.to_vec();
        let mut additional = Additional::Keep;
        let mut seen = Vec::new();
        let mut others = Vec::new();
        for (i, member) in v.all_of.iter().enumerate() {
            let member_pointer = pointer_join(&pointer_join(pointer, "allOf"), &i.to_string());
            self.merge_member(
                member,
                &member_pointer,
                hint,
                &mut fields,
                &mut required,
                &mut additional,
                &mut seen,
                &mut others,
            );
        }
        if let Some(props) = v.properties.filter(|p| !p.is_empty()) {
            self.collect_fields(props, v.required, pointer, hint, &mut fields);
        }
        if fields.is_empty() {
            if let Some(t) = others.into_iter().next() {
                return Shape::Inline(t);
            }
        } else if !others.is_empty() {
            self.warn(
                pointer,
                "`allOf` mixes objects with non-object schemas; only the object members are typed",
            );
        }
        if let Additional::Deny = additional {
            // Closing a merged object would reject the other members' properties.
            additional = Additional::Keep;
        }
        for f in fields.values_mut() {
            if required.contains(&f.name) && !f.read_only && !f.write_only {
                f.required = true;
            }
        }
        let (members, _) = if !v.one_of.is_empty() {
            (v.one_of, "oneOf")
        } else {
            (v.any_of, "anyOf")
        };
        let required_any_of = members
            .iter()
            .filter_map(|c| match c {
                ReferenceOr::Item(c) if is_required_only(&ReferenceOr::Item(c.clone())) => {
                    Some(view(c).required.to_vec())
                }
                _ => None,
            })
            .collect();
        Shape::Named(TypeKind::Struct(StructType {
            fields: finish_fields(fields),
            additional,
            required_any_of,
            required_name: None,
        }))
    }

    #[allow(clippy::too_many_arguments)]
    fn merge_member(
        &mut self,
        member: &ReferenceOr<Schema>,
        pointer: &str,
        hint: &str,
        fields: &mut IndexMap<String, Field>,
        required: &mut Vec<String>,
        additional: &mut Additional,
        seen: &mut Vec<String>,
        others: &mut Vec<TypeRef>,
    ) {
        let (schema, member_pointer, member_hint) = match member {
            ReferenceOr::Reference { reference } => {
                if seen.contains(reference) {
                    return;
                }
                seen.push(reference.clone());
                match self.resolve_schema_ref(reference) {
                    Some((key, schema)) => {
                        let h = hint_from_pointer(&key);
                        (schema, key, h)
                    }
                    None => {
                        self.warn(pointer, format!("cannot resolve `$ref: {reference}`"));
                        return;
                    }
                }
            }
            ReferenceOr::Item(s) => (s.clone(), pointer.to_string(), hint.to_string()),
        };
        let v = view(&schema);
        let objectish = v.properties.is_some()
            || !v.all_of.is_empty()
            || v.typ == Some("object")
            || v.additional.is_some();
        if !objectish {
            if v.typ.is_some()
                || !v.one_of.is_empty()
                || !v.any_of.is_empty()
                || !v.enumeration.is_empty()
            {
                let t = self.type_of(member, pointer, hint);
                others.push(t);
            }
            // Otherwise a keyword-only member (`required`, `description`).
            required.extend(v.required.iter().cloned());
            return;
        }
        required.extend(v.required.iter().cloned());
        for (i, sub) in v.all_of.iter().enumerate() {
            let sub_pointer = pointer_join(&pointer_join(&member_pointer, "allOf"), &i.to_string());
            self.merge_member(
                sub,
                &sub_pointer,
                &member_hint,
                fields,
                required,
                additional,
                seen,
                others,
            );
        }
        if let Some(props) = v.properties {
            self.collect_fields(props, v.required, &member_pointer, &member_hint, fields);
        }
        if let Some(AdditionalProperties::Schema(_)) = v.additional {
            *additional = self.additional(v.additional, &member_pointer, &member_hint);
        }
    }

    fn union(
        &mut self,
        s: &Schema,
        members: &[ReferenceOr<Schema>],
        pointer: &str,
        hint: &str,
    ) -> Shape {
        let mut variants: Vec<UnionVariant> = Vec::new();
        let mut nullable = false;
        let mut taken = Namespace::new(reserved::UNION_VARIANTS);
        for (i, m) in members.iter().enumerate() {
            if let ReferenceOr::Item(ms) = m {
                let mv = view(ms);
                let only_null_enum =
                    !mv.enumeration.is_empty() && mv.enumeration.iter().all(Value::is_null);
                if mv.typ == Some("null")
                    || only_null_enum
                    || (mv.typ.is_none()
                        && ms.schema_data.nullable
                        && mv.properties.is_none()
                        && mv.all_of.is_empty()
                        && mv.one_of.is_empty()
                        && mv.any_of.is_empty())
                {
                    nullable = true;
                    continue;
                }
            }
            let member_pointer = pointer_join(pointer, &i.to_string());
            let base_name = match m {
                ReferenceOr::Reference { reference } => hint_from_pointer(reference),
                ReferenceOr::Item(ms) => ms
                    .schema_data
                    .title
                    .as_deref()
                    .map(pascal)
                    .unwrap_or_default(),
            };
            let member_hint = if base_name.is_empty() {
                format!("{hint}Variant{i}")
            } else {
                format!("{hint}{base_name}")
            };
            let ty = self.type_of(m, &member_pointer, &member_hint);
            let name = if base_name.is_empty() {
                variant_name_for(&ty, i)
            } else {
                base_name
            };
            let name = taken.claim(name);
            variants.push(UnionVariant {
                name,
                ty,
                tags: Vec::new(),
                boxed: false,
            });
        }
        if variants.is_empty() {
            return Shape::Inline(TypeRef::Any);
        }
        if variants.len() == 1 {
            let only = variants.remove(0).ty;
            return Shape::Inline(if nullable { only.nullable() } else { only });
        }
        let discriminator = s.schema_data.discriminator.as_ref().and_then(|d| {
            let mut ok = true;
            for (i, variant) in variants.iter_mut().enumerate() {
                let key = match &variant.ty {
                    TypeRef::Named(k) => k.clone(),
                    _ => {
                        ok = false;
                        continue;
                    }
                };
                let mut tags: Vec<String> = d
                    .mapping
                    .iter()
                    .filter(|(_, target)| {
                        component_name(target, "schemas")
                            .map(|n| schema_key(&n))
                            .as_deref()
                            == Some(key.as_str())
                            || target.as_str() == key
                    })
                    .map(|(value, _)| value.clone())
                    .collect();
                if tags.is_empty() {
                    if let ReferenceOr::Reference { reference } = &members[i.min(members.len() - 1)]
                    {
                        if let Some(name) = component_name(reference, "schemas") {
                            tags.push(name);
                        }
                    }
                }
                if tags.is_empty() {
                    ok = false;
                }
                variant.tags = tags;
            }
            ok.then(|| d.property_name.clone())
        });
        if discriminator.is_none() {
            for v in &mut variants {
                v.tags.clear();
            }
        }
        // serde tries untagged variants in order: the most specific first.
        if discriminator.is_none() {
            variants.sort_by_key(|v| untagged_rank(&v.ty));
        }
        let kind = TypeKind::Union(UnionType {
            variants,
            discriminator,
        });
        if nullable {
            // Name the union, then make its uses nullable.
            let key = pointer.to_string();
            self.insert_type(key.clone(), pascal(hint), Some(s), kind);
            return Shape::Inline(TypeRef::Named(key).nullable());
        }
        Shape::Named(kind)
    }

    fn enumeration(&mut self, v: &View<'_>, pointer: &str) -> Shape {
        let nullable = v.enumeration.iter().any(Value::is_null);
        let values: Vec<&Value> = v.enumeration.iter().filter(|e| !e.is_null()).collect();
        let repr = if values.iter().all(|e| e.is_string()) {
            EnumRepr::String
        } else if values.iter().all(|e| e.is_i64() || e.is_u64()) {
            EnumRepr::Integer
        } else if values.iter().all(|e| e.is_number()) {
            EnumRepr::Number
        } else if values.iter().all(|e| e.is_boolean()) {
            return Shape::Inline(TypeRef::Primitive(Primitive::Bool));
        } else {
            self.warn(
                pointer,
                "`enum` mixes value types; using an untyped JSON value",
            );
            return Shape::Inline(TypeRef::Any);
        };
        if values.is_empty() {
            return Shape::Inline(TypeRef::Any);
        }
        if repr == EnumRepr::Number {
            return Shape::Inline(TypeRef::Primitive(Primitive::F64));
        }
        let mut taken = Namespace::new(reserved::ENUM_VARIANTS);
        let mut variants = Vec::new();
        let mut seen_values = Vec::new();
        for value in values {
            if seen_values.contains(&value) {
                continue;
            }
            seen_values.push(value);
            let base = match value {
                Value::String(s) => pascal(s),
                Value::Number(n) => {
                    let text = n.to_string();
                    match text.strip_prefix('-') {
                        Some(abs) => format!("Minus{abs}"),
                        None => format!("V{text}"),
                    }
                }
                _ => "Value".to_string(),
            };
            variants.push(EnumVariant {
                name: taken.claim(base),
                value: value.clone(),
                description: None,
            });
        }
        Shape::Named(TypeKind::Enum(EnumType {
            repr,
            variants,
            nullable,
        }))
    }
}

/// A `oneOf`/`anyOf` member that only lists required properties: a
/// constraint on the parent object, not a type.
fn is_required_only(member: &ReferenceOr<Schema>) -> bool {
    match member {
        ReferenceOr::Reference { .. } => false,
        ReferenceOr::Item(s) => {
            let v = view(s);
            !v.required.is_empty()
                && v.typ.is_none()
                && v.properties.is_none_or(|p| p.is_empty())
                && v.all_of.is_empty()
                && v.one_of.is_empty()
                && v.any_of.is_empty()
                && v.items.is_none()
        }
    }
}

/// Assigns unique snake_case field names in declaration order.
fn finish_fields(fields: IndexMap<String, Field>) -> Vec<Field> {
    let mut taken = Namespace::new(reserved::STRUCT_FIELDS);
    fields
        .into_values()
        .map(|mut f| {
            f.rust_name = taken.claim(snake(&f.name));
            f
        })
        .collect()
}

/// A readable name for an inline schema from its pointer
/// (`#/components/schemas/Pet` → `Pet`).
pub(super) fn hint_from_pointer(pointer: &str) -> String {
    if let Some(name) = component_name(pointer, "schemas") {
        return pascal(&name);
    }
    let segments: Vec<String> = pointer
        .trim_start_matches('#')
        .split('/')
        .filter(|s| !s.is_empty())
        .map(super::refs::unescape)
        .filter(|s| {
            !matches!(
                s.as_str(),
                "components"
                    | "schemas"
                    | "properties"
                    | "items"
                    | "content"
                    | "schema"
                    | "allOf"
                    | "oneOf"
                    | "anyOf"
            )
        })
        .collect();
    pascal(&segments.join(" "))
}

fn variant_name_for(ty: &TypeRef, index: usize) -> String {
    match ty {
        TypeRef::Primitive(p) => match p {
            Primitive::String | Primitive::Binary => "String",
            Primitive::Bool => "Bool",
            Primitive::I32 | Primitive::I64 | Primitive::U64 => "Integer",
            Primitive::F32 | Primitive::F64 => "Number",
            Primitive::Uuid => "Uuid",
            Primitive::DateTime => "DateTime",
            Primitive::Date => "Date",
        }
        .to_string(),
        TypeRef::Array(_) => "Array".to_string(),
        TypeRef::Map(_) | TypeRef::Object => "Object".to_string(),
        TypeRef::Nullable(inner) => variant_name_for(inner, index),
        TypeRef::Any => "Any".to_string(),
        TypeRef::External(e) => super::naming::pascal(e.short_name()),
        TypeRef::Named(_) => format!("Variant{index}"),
    }
}

/// Order in which untagged variants are tried: structured, then specific
/// scalars, with catch-alls last.
pub(super) fn untagged_rank(ty: &TypeRef) -> u8 {
    match ty.non_null() {
        TypeRef::Named(_) => 0,
        TypeRef::Array(_) => 1,
        TypeRef::Primitive(Primitive::Bool) => 2,
        TypeRef::Primitive(Primitive::I32 | Primitive::I64 | Primitive::U64) => 3,
        TypeRef::Primitive(Primitive::F32 | Primitive::F64) => 4,
        TypeRef::Primitive(Primitive::Uuid | Primitive::DateTime | Primitive::Date) => 5,
        TypeRef::Primitive(_) => 6,
        TypeRef::Map(_) => 7,
        TypeRef::Object => 8,
        // Unknown to us: after the types we know, before catch-alls.
        TypeRef::External(_) => 6,
        TypeRef::Nullable(_) | TypeRef::Any => 9,
    }
}
