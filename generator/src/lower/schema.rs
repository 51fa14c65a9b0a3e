//! Schemas → types.
//!
//! Every schema position goes through [`Lowerer::type_of`]. Schemas that need
//! a Rust item of their own (objects, enums, unions) become a [`TypeDef`]
//! keyed by their JSON pointer, so lowering the same inline schema twice
//! yields the same type, and the name depends only on the schema's place.

use std::borrow::Cow;
use std::collections::HashSet;

use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema};
use serde_json::Value;

use super::enums::{documented_enum, value_name};
use super::naming::{pascal, snake, Namespace};
use super::refs::{component_name, schema_key, SchemaTarget};
use super::reserved;
use super::view::{view, View};
use super::Lowerer;
use crate::diagnostic::pointer_join;
use crate::ir::{
    Additional, EnumRepr, EnumType, EnumVariant, Field, Primitive, StructType, TypeDef, TypeKind,
    TypeRef, UnionType, UnionVariant,
};

/// Inline schemas nested deeper than this (counting the schemas reached
/// through `allOf` members and non-component references) are lowered from a
/// queue instead of recursively.
pub(super) const MAX_NESTING: usize = 24;

/// How many schemas one `allOf` merges at most, counting those its
/// members reach through their own `allOf`s.
pub(super) const MAX_MERGED: usize = 64;

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
            self.lower_component(name);
        }
    }

    /// Lowers one component schema (once). References to components never
    /// lower them on the spot (every component is lowered here, from the
    /// top), so chains of components cost no stack.
    fn lower_component(&mut self, name: &str) {
        let key = schema_key(name);
        let schema = self
            .spec
            .components
            .as_ref()
            .and_then(|c| c.schemas.get(name));
        let Some(schema) = schema else { return };
        if self.types.contains_key(&key) || self.replaced(&key).is_some() {
            return;
        }
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
        self.referenced_in_progress.remove(&key);
    }

    /// The type of a reference to component `name`: always its named type
    /// (or the Rust type configured in its place).
    fn component_ref(&self, name: &str) -> Option<TypeRef> {
        let schema = self.spec.components.as_ref()?.schemas.get(name)?;
        let key = schema_key(name);
        let t = self.replaced(&key).unwrap_or(TypeRef::Named(key));
        Some(match schema {
            ReferenceOr::Item(s) if s.schema_data.nullable => t.nullable(),
            _ => t,
        })
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
                gate: Vec::new(),
                same_as: None,
            },
        );
    }

    /// The type of a `$ref` used at `pointer`.
    pub(super) fn schema_ref(&mut self, reference: &str, pointer: &str) -> TypeRef {
        if let Some(t) =
            component_name(reference, "schemas").and_then(|name| self.component_ref(&name))
        {
            return t;
        }
        match self.schema_target(reference) {
            Some(SchemaTarget::Component(key, _)) => {
                let name = component_name(&key, "schemas").unwrap_or_default();
                self.component_ref(&name).unwrap_or(TypeRef::Named(key))
            }
            Some(SchemaTarget::Pointer(key))
                if self.types.contains_key(&key) || self.in_progress.contains(&key) =>
            {
                // Lowered (or being lowered): no need to read it again.
                self.place_known(&key)
            }
            Some(SchemaTarget::Pointer(key)) => match self.resolve_schema_ref(&key) {
                Some((key, schema)) => {
                    let hint = hint_from_pointer(&key);
                    self.place(&schema, &key, &hint)
                }
                None => TypeRef::Any,
            },
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
    ///
    /// A schema met again while it is being lowered (a cycle through
    /// `allOf` members or non-component references) is referred to by name;
    /// one nested deeper than [`MAX_NESTING`] is queued and lowered later
    /// from the top ([`Lowerer::lower_deferred`]), so the stack stays small
    /// whatever the document's shape.
    fn place(&mut self, s: &Schema, pointer: &str, hint: &str) -> TypeRef {
        let t = if let Some(t) = self.replaced(pointer) {
            t
        } else if self.types.contains_key(pointer) {
            TypeRef::Named(pointer.to_string())
        } else if self.in_progress.contains(pointer) {
            self.referenced_in_progress.insert(pointer.to_string());
            TypeRef::Named(pointer.to_string())
        } else if self.nesting >= MAX_NESTING {
            if self.deferred_keys.insert(pointer.to_string()) {
                self.deferred
                    .push((pointer.to_string(), s.clone(), hint.to_string()));
            }
            TypeRef::Named(pointer.to_string())
        } else {
            self.nesting += 1;
            self.in_progress.insert(pointer.to_string());
            let shape = self.shape(s, pointer, hint);
            self.in_progress.remove(pointer);
            self.nesting -= 1;
            let referenced = self.referenced_in_progress.remove(pointer);
            match shape {
                Shape::Inline(t) if !referenced => t,
                // Something inside referred to this schema by name: give it one.
                Shape::Inline(t) => {
                    self.insert_type(
                        pointer.to_string(),
                        pascal(hint),
                        Some(s),
                        TypeKind::Alias {
                            target: t,
                            newtype: false,
                        },
                    );
                    TypeRef::Named(pointer.to_string())
                }
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

    /// The type of a schema already lowered or being lowered at `key`
    /// (`place` without the schema; its nullability is in the type).
    fn place_known(&mut self, key: &str) -> TypeRef {
        if !self.types.contains_key(key) {
            self.referenced_in_progress.insert(key.to_string());
        }
        let t = TypeRef::Named(key.to_string());
        if self.pointer_nullable(key) {
            t.nullable()
        } else {
            t
        }
    }

    /// Lowers the schemas [`place`](Self::place) queued, each from the top
    /// of the stack (queueing more if they nest deeper still).
    pub(super) fn lower_deferred(&mut self) {
        while let Some((pointer, schema, hint)) = self.deferred.pop() {
            if self.types.contains_key(&pointer) {
                continue;
            }
            self.in_progress.insert(pointer.clone());
            let kind = match self.shape(&schema, &pointer, &hint) {
                Shape::Named(kind) => kind,
                Shape::Inline(t) => TypeKind::Alias {
                    target: t,
                    newtype: false,
                },
            };
            self.in_progress.remove(&pointer);
            self.referenced_in_progress.remove(&pointer);
            self.insert_type(pointer, pascal(&hint), Some(&schema), kind);
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
                    extra_map: false,
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
            extra_map: false,
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
        let required: HashSet<&str> = required.iter().map(String::as_str).collect();
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
                    required: required.contains(name.as_str()) && !read_only && !write_only,
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
    fn all_of<'s>(&mut self, v: &View<'s>, pointer: &str, hint: &str) -> Shape
    where
        'a: 's,
    {
        let has_props = v.properties.is_some_and(|p| !p.is_empty());
        // `allOf: [X]`, or X next to members that only annotate it (a
        // description, `nullable`), is just X: the usual way to attach a
        // description to a `$ref`.
        if !has_props && v.one_of.is_empty() && v.any_of.is_empty() {
            // Members that all only annotate (`allOf: [{}, {description}]`)
            // constrain nothing: any JSON value, not an empty struct.
            if v.typ.is_none()
                && v.items.is_none()
                && v.additional.is_none()
                && v.enumeration.is_empty()
                && v.all_of.iter().all(is_annotation_only)
            {
                return Shape::Inline(TypeRef::Any);
            }
            if let Some(i) = only_typed_member(v.all_of) {
                let member_pointer = pointer_join(&pointer_join(pointer, "allOf"), &i.to_string());
                let t = self.type_of(&v.all_of[i], &member_pointer, hint);
                let nullable = v
                    .all_of
                    .iter()
                    .any(|m| matches!(m, ReferenceOr::Item(s) if s.schema_data.nullable));
                return Shape::Inline(if nullable { t.nullable() } else { t });
            }
        }
        let mut merged = Merged {
            fields: IndexMap::new(),
            required: v.required.to_vec(),
            additional: Additional::Keep,
            others: Vec::new(),
        };
        // Members are merged depth first, in order (a member's own `allOf`
        // before its properties), from an explicit stack: inheritance chains
        // of any length cost no recursion.
        let mut stack: Vec<MergeStep<'s>> = Vec::new();
        for (i, member) in v.all_of.iter().enumerate().rev() {
            let member_pointer = pointer_join(&pointer_join(pointer, "allOf"), &i.to_string());
            stack.push(MergeStep::Member(
                Cow::Borrowed(member),
                member_pointer,
                hint.to_string(),
            ));
        }
        let mut seen: HashSet<String> = HashSet::new();
        let mut members = 0;
        while let Some(step) = stack.pop() {
            match step {
                MergeStep::Member(member, member_pointer, member_hint) => {
                    members += 1;
                    if members > MAX_MERGED {
                        // Each type of an inheritance chain holds the whole
                        // chain above it: n² fields for a chain of n.
                        self.warn(pointer, format!("`allOf` reaches more than {MAX_MERGED} schemas; the properties of the rest are not typed (they are kept in `extra`)"));
                        break;
                    }
                    self.merge_member(
                        member,
                        member_pointer,
                        member_hint,
                        &mut seen,
                        &mut merged,
                        &mut stack,
                    );
                }
                MergeStep::Fields(schema, member_pointer, member_hint) => {
                    let mv = view(&schema);
                    if let Some(props) = mv.properties {
                        self.collect_fields(
                            props,
                            mv.required,
                            &member_pointer,
                            &member_hint,
                            &mut merged.fields,
                        );
                    }
                    if let Some(AdditionalProperties::Schema(_)) = mv.additional {
                        merged.additional =
                            self.additional(mv.additional, &member_pointer, &member_hint);
                    }
                }
            }
        }
        let Merged {
            mut fields,
            required,
            mut additional,
            others,
        } = merged;
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
        let required: HashSet<&str> = required.iter().map(String::as_str).collect();
        for f in fields.values_mut() {
            if required.contains(f.name.as_str()) && !f.read_only && !f.write_only {
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
            extra_map: false,
        }))
    }

    /// One `allOf` member: its `required`, and for an object, its own
    /// `allOf` members and then its properties, pushed on `stack`.
    fn merge_member<'s>(
        &mut self,
        member: Cow<'s, ReferenceOr<Schema>>,
        pointer: String,
        hint: String,
        seen: &mut HashSet<String>,
        merged: &mut Merged,
        stack: &mut Vec<MergeStep<'s>>,
    ) where
        'a: 's,
    {
        let reference = match &*member {
            ReferenceOr::Reference { reference } => Some(reference.clone()),
            ReferenceOr::Item(_) => None,
        };
        let (schema, member_pointer, member_hint): (Cow<'s, Schema>, String, String) =
            match (reference.clone(), member) {
                (Some(reference), _) => {
                    if !seen.insert(reference.clone()) {
                        return;
                    }
                    match self.resolve_schema_ref(&reference) {
                        Some((key, schema)) => {
                            let h = hint_from_pointer(&key);
                            (schema, key, h)
                        }
                        None => {
                            self.warn(&pointer, format!("cannot resolve `$ref: {reference}`"));
                            return;
                        }
                    }
                }
                (None, Cow::Borrowed(ReferenceOr::Item(s))) => {
                    (Cow::Borrowed(s), pointer.clone(), hint.clone())
                }
                (None, Cow::Owned(ReferenceOr::Item(s))) => {
                    (Cow::Owned(s), pointer.clone(), hint.clone())
                }
                (None, _) => return,
            };
        let v = view(&schema);
        let objectish = v.properties.is_some()
            || !v.all_of.is_empty()
            || v.typ == Some("object")
            || v.additional.is_some();
        merged.required.extend(v.required.iter().cloned());
        if !objectish {
            if v.typ.is_some()
                || !v.one_of.is_empty()
                || !v.any_of.is_empty()
                || !v.enumeration.is_empty()
            {
                let t = match &reference {
                    Some(reference) => self.schema_ref(reference, &pointer),
                    None => self.place(&schema, &pointer, &hint),
                };
                merged.others.push(t);
            }
            // Otherwise a keyword-only member (`required`, `description`).
            return;
        }
        let subs: Vec<Cow<'s, ReferenceOr<Schema>>> = match &schema {
            Cow::Borrowed(s) => view(s).all_of.iter().map(Cow::Borrowed).collect(),
            Cow::Owned(_) => v.all_of.iter().cloned().map(Cow::Owned).collect(),
        };
        stack.push(MergeStep::Fields(
            schema.clone(),
            member_pointer.clone(),
            member_hint.clone(),
        ));
        for (i, sub) in subs.into_iter().enumerate().rev() {
            let sub_pointer = pointer_join(&pointer_join(&member_pointer, "allOf"), &i.to_string());
            stack.push(MergeStep::Member(sub, sub_pointer, member_hint.clone()));
        }
    }

    fn union(
        &mut self,
        s: &Schema,
        members: &[ReferenceOr<Schema>],
        pointer: &str,
        hint: &str,
    ) -> Shape {
        if let Some((kind, nullable)) = documented_enum(members) {
            let kind = TypeKind::Enum(kind);
            if nullable {
                let key = pointer.to_string();
                self.insert_type(key.clone(), pascal(hint), Some(s), kind);
                return Shape::Inline(TypeRef::Named(key).nullable());
            }
            return Shape::Named(kind);
        }
        let mut variants: Vec<UnionVariant> = Vec::new();
        // The member each variant came from (members can be skipped).
        let mut member_of: Vec<usize> = Vec::new();
        let mut seen_refs: HashSet<&str> = HashSet::new();
        let mut nullable = false;
        let mut taken = Namespace::new(reserved::UNION_VARIANTS);
        let plain_string = members.iter().any(is_plain_string);
        for (i, m) in members.iter().enumerate() {
            // Stripe's "any string, or `""` to clear it": the string holds `""`.
            if plain_string && is_empty_string_only(m) {
                continue;
            }
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
            // The same `$ref` twice (stream-io lists `AnyEvent` once per tag
            // in its mapping) is one variant: a second would never be chosen.
            if let ReferenceOr::Reference { reference } = m {
                if !seen_refs.insert(reference.as_str()) {
                    self.warn(
                        &member_pointer,
                        format!("`$ref: {reference}` is listed again in this union; the repeat is ignored"),
                    );
                    continue;
                }
            }
            let base_name = match m {
                ReferenceOr::Reference { reference } => hint_from_pointer(reference),
                ReferenceOr::Item(ms) => match ms.schema_data.title.as_deref() {
                    Some(title) => pascal(title),
                    // A member of one value is named by it (Stripe's `""`
                    // beside an object: `Empty`, not `Variant1`).
                    None => match view(ms).enumeration.as_slice() {
                        [one] if one.is_string() => value_name(one),
                        _ => String::new(),
                    },
                },
            };
            let member_hint = if base_name.is_empty() {
                format!("{hint}Variant{i}")
            } else {
                format!("{hint}{base_name}")
            };
            // A nullable member (`{type: string, nullable: true}`) lets
            // `null` through for the whole union: the union is nullable,
            // the variant holds the value.
            let ty = match self.type_of(m, &member_pointer, &member_hint) {
                TypeRef::Nullable(inner) => {
                    nullable = true;
                    *inner
                }
                ty => ty,
            };
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
                streamed: false,
                constant: None,
            });
            member_of.push(i);
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
                // Mapping values are references or bare schema names
                // (`Option One: OptionOneNoDisc`); either may name the
                // member's `$ref` or the type it resolves to.
                let canonical = |target: &str| -> String {
                    if target.starts_with('#') {
                        component_name(target, "schemas")
                            .map(|n| schema_key(&n))
                            .unwrap_or_else(|| target.to_string())
                    } else if target.contains('/') {
                        target.to_string()
                    } else {
                        schema_key(target)
                    }
                };
                let member_ref = match member_of.get(i).and_then(|&m| members.get(m)) {
                    Some(ReferenceOr::Reference { reference }) => Some(canonical(reference)),
                    _ => None,
                };
                let mut tags: Vec<String> = d
                    .mapping
                    .iter()
                    .filter(|(_, target)| {
                        let target = canonical(target);
                        target == key || member_ref.as_ref() == Some(&target)
                    })
                    .map(|(value, _)| value.clone())
                    .collect();
                if tags.is_empty() {
                    if let Some(ReferenceOr::Reference { reference }) =
                        member_of.get(i).and_then(|&m| members.get(m))
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
            dispatch: Default::default(),
            inferred: None,
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
        // Values compared by their JSON text (hashing, not a scan per value).
        let mut seen_values = HashSet::new();
        for value in values {
            if !seen_values.insert(value.to_string()) {
                continue;
            }
            variants.push(EnumVariant {
                name: taken.claim(value_name(value)),
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

/// What merging `allOf` members collects.
struct Merged {
    fields: IndexMap<String, Field>,
    required: Vec<String>,
    additional: Additional,
    /// Types of members that are not objects.
    others: Vec<TypeRef>,
}

/// Work left while merging `allOf` members: a member to resolve, or the
/// properties of a resolved one (schema, its pointer, its type-name hint).
enum MergeStep<'s> {
    Member(Cow<'s, ReferenceOr<Schema>>, String, String),
    Fields(Cow<'s, Schema>, String, String),
}

/// The index of the one member that carries a type, when every other
/// member only annotates (description, title, `nullable`, examples).
fn only_typed_member(members: &[ReferenceOr<Schema>]) -> Option<usize> {
    let mut typed = members
        .iter()
        .enumerate()
        .filter(|(_, m)| !is_annotation_only(m));
    let (i, _) = typed.next()?;
    typed.next().is_none().then_some(i)
}

fn is_annotation_only(member: &ReferenceOr<Schema>) -> bool {
    let ReferenceOr::Item(s) = member else {
        return false;
    };
    let v = view(s);
    v.typ.is_none()
        && v.format.is_none()
        && v.enumeration.is_empty()
        && v.properties.is_none_or(|p| p.is_empty())
        && v.required.is_empty()
        && v.additional.is_none()
        && v.items.is_none()
        && v.one_of.is_empty()
        && v.all_of.is_empty()
        && v.any_of.is_empty()
        && !v.not
        && s.schema_data.discriminator.is_none()
}

/// An inline member allowing any string (no `enum`, no `format`).
fn is_plain_string(member: &ReferenceOr<Schema>) -> bool {
    let ReferenceOr::Item(s) = member else {
        return false;
    };
    let v = view(s);
    v.typ == Some("string") && v.enumeration.is_empty() && v.format.is_none()
}

/// An inline member allowing only the empty string (not `null`: dropping
/// it must not lose the union's nullability).
fn is_empty_string_only(member: &ReferenceOr<Schema>) -> bool {
    let ReferenceOr::Item(s) = member else {
        return false;
    };
    let v = view(s);
    matches!(v.typ, None | Some("string"))
        && !v.enumeration.is_empty()
        && v.enumeration.iter().all(|e| e.as_str() == Some(""))
        && !s.schema_data.nullable
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

#[cfg(test)]
mod tests {
    use crate::ir::{Additional, Api, TypeKind, TypeRef};

    fn lower(schemas: &str) -> Api {
        let yaml = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n{schemas}"
        );
        let loaded = crate::load::load_str("t.yaml", &yaml).unwrap_or_else(|e| panic!("{e}"));
        super::super::lower(&loaded.spec, &loaded.openapi_version)
    }

    fn fields(api: &Api, name: &str) -> Vec<(String, TypeRef)> {
        let def = api.types.iter().find(|d| d.name == name).expect(name);
        let TypeKind::Struct(s) = &def.kind else {
            panic!("{name} is not a struct")
        };
        s.fields
            .iter()
            .map(|f| (f.name.clone(), f.ty.clone()))
            .collect()
    }

    // Box's `GenericSource`: map values described by annotation-only
    // `allOf` members are any JSON value (decoding a string into an empty
    // struct failed).
    #[test]
    fn all_of_of_annotations_only_is_any_value() {
        let api = lower(
            "    G:\n      type: object\n      additionalProperties:\n        allOf: [{}, {description: d}]\n      properties:\n        p: {allOf: [{description: d}, {example: 1}]}\n",
        );
        let def = api.types.iter().find(|d| d.name == "G").expect("G");
        let TypeKind::Struct(s) = &def.kind else {
            panic!("G is not a struct")
        };
        // Untyped additional properties are kept as raw JSON.
        assert_eq!(s.additional, Additional::Keep);
        assert_eq!(fields(&api, "G"), vec![("p".to_string(), TypeRef::Any)]);
        assert_eq!(api.types.len(), 1, "no struct made for the annotations");
    }

    // Box's `disposition_action`: `anyOf: [enum, {type: string, nullable:
    // true, pattern: ".^"}]` allows `null`, which must be kept (not dropped
    // as a lenient `null` for a non-nullable property).
    #[test]
    fn a_nullable_union_member_makes_the_union_nullable() {
        let api = lower(
            "    R:\n      type: object\n      properties:\n        a:\n          anyOf:\n            - {type: string, enum: [x, y]}\n            - {type: string, nullable: true, pattern: '.^'}\n        b:\n          oneOf:\n            - {type: integer}\n            - {type: object, nullable: true, additionalProperties: false}\n",
        );
        for (name, ty) in fields(&api, "R") {
            let TypeRef::Nullable(inner) = &ty else {
                panic!("{name}: {ty:?} is not nullable")
            };
            let TypeRef::Named(key) = inner.as_ref() else {
                panic!("{name}: {ty:?}")
            };
            let def = api.types.iter().find(|d| &d.key == key).expect("union");
            let TypeKind::Union(u) = &def.kind else {
                panic!("{name}: not a union")
            };
            for v in &u.variants {
                assert!(
                    !matches!(v.ty, TypeRef::Nullable(_)),
                    "{name}: variant {} stays nullable",
                    v.name
                );
            }
        }
    }
}
