//! Named types → Rust items.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::decl_text::{alias_text, enum_decl_text, struct_decl_text, Head};
use super::docs::{code, doc, doc_lines, doc_tokens, Para};
use super::rust_type::{ident, Types};
use super::Piece;
use crate::ir::{
    Additional, EnumRepr, EnumType, Field, Primitive, StructType, TypeDef, TypeKind, TypeRef,
    UnionType,
};

/// The items of `defs`, in order. `text`: a struct's serde impls may come
/// as formatted text ([`super::struct_text`]), which names the runtime
/// `crate::runtime`.
/// `gated`: each type's items carry the `#[cfg]` of its
/// [`TypeDef::gate`] (a crate gating operations by feature).
pub fn type_items(
    types: &Types<'_>,
    defs: &[TypeDef],
    text: bool,
    gated: bool,
) -> Result<Vec<Piece>, String> {
    let mut items = Vec::with_capacity(defs.len() * 2);
    for d in defs {
        if gated && !d.gate.is_empty() {
            let mut own = Vec::new();
            type_item(types, d, text, &mut own);
            let formatted = super::unparse_items(own, &d.name)?;
            items.push(Piece::Text(gate_items(&formatted, &cfg_line(&d.gate))));
        } else {
            type_item(types, d, text, &mut items);
        }
    }
    Ok(items)
}

/// `#[cfg(feature = "a")]`, or `#[cfg(any(feature = "a", ..))]`, and a
/// newline. Feature names are kebab-case ASCII: nothing to escape.
pub(super) fn cfg_line(features: &[String]) -> String {
    let each: Vec<String> = features
        .iter()
        .map(|f| format!("feature = {f:?}"))
        .collect();
    match each.as_slice() {
        [one] => format!("#[cfg({one})]\n"),
        _ => format!("#[cfg(any({}))]\n", each.join(", ")),
    }
}

/// `text` (items as `prettyplease` prints them) with `cfg` before each
/// item. An item starts at a line not indented, and ends at a line not
/// indented that closes it (`}` or `;` last) and is not an attribute or a
/// comment: inside an item, only its closing line, `where` and the `{`
/// after it, and the lines of a broken-up header or attribute are not
/// indented.
fn gate_items(text: &str, cfg: &str) -> String {
    let mut out = String::with_capacity(text.len() + cfg.len() * 8);
    let mut inside = false;
    for line in text.split_inclusive('\n') {
        let top = !line.starts_with([' ', '\t', '\n', '\r']);
        if top && !inside {
            out.push_str(cfg);
            inside = true;
        }
        out.push_str(line);
        let body = line.trim_end();
        if top
            && !body.starts_with("#[")
            && !body.starts_with("//")
            && (body.ends_with('}') || body.ends_with(';'))
        {
            inside = false;
        }
    }
    out
}

/// For a type that repeats a struct ([`TypeDef::same_as`]) and had a
/// struct of required fields of its own: that name, as an alias of the
/// original's (`new` is the original's).
fn required_alias(types: &Types<'_>, def: &TypeDef) -> Option<Piece> {
    let own = ident(def.same_as.as_ref()?.required_name.as_deref()?);
    let TypeKind::Struct(s) = &types.get(&def.key)?.kind else {
        return None;
    };
    let original = ident(super::constructor::required_struct(types, s)?);
    let docs = doc_tokens(doc_lines(&[Para::Ours(&format!(
        "The required fields of [`{}`].",
        def.name
    ))]));
    Some(Piece::Tokens(quote! {
        #docs
        pub type #own = #original;
    }))
}

fn type_item(types: &Types<'_>, def: &TypeDef, text: bool, items: &mut Vec<Piece>) {
    let source = format!("Schema: {}", code(&def.key));
    let lines = doc_lines(&[
        Para::Spec(def.title.as_deref()),
        Para::Spec(def.description.as_deref()),
        Para::Ours(&source),
    ]);
    let name = ident(&def.name);
    // Configured derives and attributes, after the item's own derive so
    // derive helpers (`#[serde(...)]`) follow the derive that declares them.
    let plain;
    let extra = {
        // Structs whose fields can all be left empty derive `Default`
        // already.
        let own_default = matches!(&def.kind, TypeKind::Struct(s) if s.fields.iter().all(|f| !f.required || f.ty.is_nullable()));
        let wanted: Vec<String> = def
            .derives
            .iter()
            .filter(|d| !(own_default && d.rsplit("::").next() == Some("Default")))
            .cloned()
            .collect();
        plain = wanted.is_empty() && def.attributes.is_empty();
        let derives = super::rust_type::derives(&wanted);
        let attrs = super::rust_type::attributes(&def.attributes);
        quote!(#derives #attrs)
    };
    // Declarations as text ([`super::decl_text`]) only where the
    // configuration adds nothing to them.
    let head = Head {
        docs: &lines,
        deprecated: def.deprecated,
    };
    let head = (text && plain).then_some(&head);
    // The docs, and a note, not `#[deprecated]`: the attribute would make
    // every use inside the generated crate warn.
    let with_docs = |decl: Piece| match decl {
        Piece::Tokens(decl) => {
            let docs = doc_tokens(lines.clone());
            let deprecated = def
                .deprecated
                .then(|| quote!(#[doc = ""] #[doc = " **Deprecated.**"]));
            Piece::Tokens(quote! {
                #docs
                #deprecated
                #decl
            })
        }
        text => text,
    };
    let body = match &def.kind {
        TypeKind::Struct(s) => {
            // The struct with its docs, then its impls on their own.
            let (decl, impls) = struct_item(types, &name, s, &extra, text, head);
            items.push(with_docs(decl));
            items.extend(impls);
            return;
        }
        TypeKind::Enum(e) if is_constant(e) => {
            // A constant (`const: x`, or an enum of one string) is usually
            // the fixed tag of a union member: a plain string, filled in by
            // constructors, is simpler to use and much cheaper to compile
            // than a one-variant enum with five impls.
            let value = e.variants[0].value.as_str().unwrap_or_default();
            let note = doc_lines(&[Para::Ours(&format!(
                "Always {} (a constant in the schema).",
                code(value)
            ))]);
            let written =
                head.and_then(|head| alias_text(&name.to_string(), "String", head, Some(&note)));
            if let Some(written) = written {
                items.push(Piece::Text(written));
                return;
            }
            let note = doc_tokens(note);
            quote! {
                #[doc = ""]
                #note
                pub type #name = String;
            }
        }
        TypeKind::Enum(e) => {
            let (decl, impls) = enum_item(&name, e, &extra, text, head);
            items.push(with_docs(decl));
            items.push(impls);
            return;
        }
        TypeKind::Union(u) => {
            let written = head
                .and_then(|head| super::union_text::union_text(types, &name.to_string(), u, head));
            if let Some(written) = written {
                items.push(Piece::Text(written));
                return;
            }
            union_item(types, &name, u, &extra)
        }
        TypeKind::Alias {
            target,
            newtype: false,
        } => {
            if let Some(item) = required_alias(types, def) {
                items.push(item);
            }
            let written = head.and_then(|head| {
                let mut ty = String::new();
                super::decl_text::type_text(types, target, &mut ty)?;
                alias_text(&name.to_string(), &ty, head, None)
            });
            if let Some(written) = written {
                items.push(Piece::Text(written));
                return;
            }
            let target = types.rust(target, &quote!());
            quote!(pub type #name = #target;)
        }
        TypeKind::Alias {
            target,
            newtype: true,
        } => {
            let target = types.rust(target, &quote!());
            quote! {
                #[derive(Clone, Debug, PartialEq)]
                #extra
                pub struct #name(pub #target);
                impl serde::Serialize for #name {
                    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        serde::Serialize::serialize(&self.0, serializer)
                    }
                }
                impl<'de> serde::Deserialize<'de> for #name {
                    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        serde::Deserialize::deserialize(deserializer).map(Self)
                    }
                }
            }
        }
    };
    items.push(with_docs(Piece::Tokens(body)));
}

/// How a field is stored: which of the four presence shapes it has.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Presence {
    /// Always present, never null: `T`.
    Required,
    /// Always present, possibly null: `Option<T>`; `None` is sent as
    /// `null`, and a missing key reads as `null` except in a strict union
    /// attempt.
    RequiredNullable,
    /// May be absent: `Option<T>` (a `null` received is read as absent).
    Optional,
    /// Absent, null or a value, all three distinct on the wire: `Maybe<T>`.
    OptionalNullable,
}

impl Presence {
    /// Whether the key must be in the object (a required nullable one reads
    /// as `null` when missing, but still needs its check).
    pub(super) fn required(self) -> bool {
        matches!(self, Presence::Required | Presence::RequiredNullable)
    }
}

pub(super) fn presence(f: &Field) -> Presence {
    // An untyped value can itself be `null`: optional ones need three states.
    let any = matches!(f.ty, TypeRef::Any);
    // `Field::nullable`, as `RuntimeParts::maybe` reads it.
    match (f.required, f.nullable()) {
        (true, _) if any => Presence::Required,
        (true, false) => Presence::Required,
        (true, true) => Presence::RequiredNullable,
        (false, false) => Presence::Optional,
        (false, true) => Presence::OptionalNullable,
    }
}

/// The Rust type of a field.
pub(super) fn field_type(types: &Types<'_>, f: &Field) -> TokenStream {
    let mut inner = types.rust(f.ty.non_null(), &quote!());
    if f.boxed {
        inner = quote!(Box<#inner>);
    }
    match presence(f) {
        Presence::Required => inner,
        Presence::RequiredNullable | Presence::Optional => quote!(Option<#inner>),
        Presence::OptionalNullable => quote!(crate::runtime::Maybe<#inner>),
    }
}

pub(super) fn field_docs(f: &Field) -> TokenStream {
    doc_tokens(field_doc_lines(f))
}

/// The lines of [`field_docs`].
pub(super) fn field_doc_lines(f: &Field) -> Vec<String> {
    let mut notes = Vec::new();
    if f.read_only {
        // Types are shared by requests and responses, so the field stays
        // serializable (a response can be re-sent or stored); it is optional
        // and therefore omitted from a request unless the caller sets it.
        notes.push(
            "Read-only: set by the server; optional here, and sent in requests only if set."
                .to_string(),
        );
    }
    if f.write_only {
        notes.push("Write-only: sent in requests, never returned; optional here.".to_string());
    }
    if let Some(default) = &f.default {
        notes.push(format!("Default: {}.", code(&default.to_string())));
    }
    let notes = notes.join(" ");
    doc_lines(&[Para::Spec(f.description.as_deref()), Para::Ours(&notes)])
}

/// The struct's declaration, and its impls. With `head`, the declaration
/// may come as text, its docs included; as tokens, it has no docs.
fn struct_item(
    types: &Types<'_>,
    name: &proc_macro2::Ident,
    s: &StructType,
    extra: &TokenStream,
    text: bool,
    head: Option<&Head<'_>>,
) -> (Piece, Vec<Piece>) {
    let extra_ty = match &s.additional {
        Additional::Typed(t) => {
            let t = types.rust(t, &quote!());
            quote!(std::collections::BTreeMap<String, #t>)
        }
        Additional::Keep | Additional::Deny if s.extra_map => {
            quote!(serde_json::Map<String, serde_json::Value>)
        }
        Additional::Keep | Additional::Deny => quote!(crate::runtime::Extra),
    };
    let serde_impls = text
        .then(|| super::struct_text::struct_serde_text(types, name, s))
        .flatten()
        .map_or_else(
            || Piece::Tokens(struct_serde(types, name, s, &extra_ty)),
            Piece::Text,
        );

    // `Default` when every field can be left empty; otherwise a constructor
    // taking exactly the required fields.
    let (needs_args, derive_default) = super::constructor::ctor_args(types, s);

    let decl = head
        .and_then(|head| struct_decl_text(types, &name.to_string(), s, head, derive_default))
        .map_or_else(
            || {
                Piece::Tokens(struct_decl(
                    types,
                    name,
                    s,
                    extra,
                    &extra_ty,
                    derive_default,
                ))
            },
            Piece::Text,
        );

    let ctor = (!derive_default)
        .then(|| super::constructor::constructor(types, name, s, &needs_args, text));

    let validate = (!s.required_any_of.is_empty()).then(|| {
        let checks = s.required_any_of.iter().map(|set| {
            let conds = set
                .iter()
                .map(|prop| match s.fields.iter().find(|f| &f.name == prop) {
                    Some(f) => {
                        let n = ident(&f.rust_name);
                        match (
                            f.required,
                            f.ty.is_nullable() || matches!(f.ty, TypeRef::Any),
                        ) {
                            (true, false) => quote!(true),
                            (true, true) => quote!(self.#n.is_some()),
                            (false, false) => quote!(self.#n.is_some()),
                            (false, true) => quote!(self.#n.is_value()),
                        }
                    }
                    None => {
                        let p = prop.as_str();
                        quote!(self.extra.contains_key(#p))
                    }
                });
            quote!((#(#conds)&&*))
        });
        let sets: Vec<String> = s
            .required_any_of
            .iter()
            .map(|set| {
                set.iter()
                    .map(|p| format!("`{p}`"))
                    .collect::<Vec<_>>()
                    .join(" and ")
            })
            .collect();
        let message = format!(
            "{}: at least one of these must be set: {}",
            name,
            sets.join("; or ")
        );
        quote! {
            impl #name {
                /// Checks the schema's "at least one of" constraint; the client
                /// calls this before sending, so an invalid request never
                /// leaves the process.
                pub fn validate(&self) -> Result<(), crate::runtime::InvalidRequest> {
                    if #(#checks)||* {
                        Ok(())
                    } else {
                        Err(crate::runtime::InvalidRequest(#message.to_string()))
                    }
                }
            }
        }
    });

    let mut impls = vec![serde_impls];
    match ctor {
        Some(Piece::Tokens(ctor)) => impls.push(Piece::Tokens(quote!(#ctor #validate))),
        Some(text) => {
            impls.push(text);
            impls.extend(validate.map(Piece::Tokens));
        }
        None => impls.extend(validate.map(Piece::Tokens)),
    }
    (decl, impls)
}

/// The struct's declaration, without its docs, as tokens.
fn struct_decl(
    types: &Types<'_>,
    name: &proc_macro2::Ident,
    s: &StructType,
    extra: &TokenStream,
    extra_ty: &TokenStream,
    derive_default: bool,
) -> TokenStream {
    let mut fields = Vec::new();
    for f in &s.fields {
        let ty = field_type(types, f);
        let fname = ident(&f.rust_name);
        let docs = field_docs(f);
        let deprecated = f
            .deprecated
            .then(|| quote!(#[doc = ""] #[doc = " **Deprecated.**"]));
        fields.push(quote! {
            #docs
            #deprecated
            pub #fname: #ty,
        });
    }
    fields.push(match &s.additional {
        Additional::Keep => quote! {
            /// Properties not declared in the schema, kept as received.
            pub extra: #extra_ty,
        },
        Additional::Typed(_) => quote! {
            /// Additional properties (`additionalProperties`).
            pub extra: #extra_ty,
        },
        // The schema promises no other properties; if a server sends some
        // anyway they are kept rather than silently dropped.
        Additional::Deny => quote! {
            /// Properties the schema does not allow (`additionalProperties: false`)
            /// but the server sent anyway, kept as received.
            pub extra: #extra_ty,
        },
    });
    let default_derive = derive_default.then(|| quote!(Default,));
    quote! {
        #[derive(Clone, Debug, PartialEq, #default_derive)]
        #extra
        pub struct #name {
            #(#fields)*
        }
    }
}

/// Whether decoding `t` goes through `runtime::lenient` (it holds a number
/// or boolean, which real servers sometimes send inside strings).
pub(super) fn is_lenient(types: &Types<'_>, t: &TypeRef) -> bool {
    let mut t = t;
    // Aliases of aliases are followed a bounded number of times.
    for _ in 0..64 {
        match t {
            TypeRef::Primitive(p) => {
                return matches!(
                    p,
                    Primitive::String
                        | Primitive::Bool
                        | Primitive::I32
                        | Primitive::I64
                        | Primitive::U64
                        | Primitive::F32
                        | Primitive::F64
                )
            }
            TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => t = inner,
            TypeRef::Named(key) => match types.get(key).map(|d| &d.kind) {
                Some(TypeKind::Alias {
                    target,
                    newtype: false,
                }) => t = target,
                _ => return false,
            },
            TypeRef::Any | TypeRef::Object | TypeRef::External(_) => return false,
        }
    }
    false
}

/// Whether the struct's `from_map` decodes into one `Self::default()` in
/// place: when it has no required fields, every slot starts as the struct's
/// default (`None`, `Maybe::Absent`, empty `extra`). One local instead of
/// one per field and no struct literal: cheaper to borrow-check, the same
/// decoding. Both the text and the token path ask this.
pub(super) fn decodes_in_place(s: &StructType) -> bool {
    s.fields.iter().all(|f| !presence(f).required())
}

/// `Serialize` and `Deserialize` for a struct, written out: one pass over
/// the object's keys (declared properties matched by name, the others into
/// `extra`), lenient numbers and booleans, exact presence rules. Derived
/// impls with `#[serde(flatten)]` would buffer every object and cost far
/// more to compile.
pub(super) fn struct_serde(
    types: &Types<'_>,
    name: &proc_macro2::Ident,
    s: &StructType,
    extra_ty: &TokenStream,
) -> TokenStream {
    let mut locals = Vec::new();
    let mut arms = Vec::new();
    let mut checks = Vec::new();
    let mut inits = Vec::new();
    let mut writes = Vec::new();
    let in_place = decodes_in_place(s);
    let slot = if in_place { quote!(__value.) } else { quote!() };
    for f in &s.fields {
        let n = ident(&f.rust_name);
        let wire = f.name.as_str();
        let lenient = is_lenient(types, &f.ty);
        let p = presence(f);
        // One `runtime::object::Fields` call per entry (see there).
        let decode = match (p, lenient) {
            (Presence::Required | Presence::RequiredNullable, false) => quote!(value),
            (Presence::Required | Presence::RequiredNullable, true) => quote!(lenient),
            // `null` is read as absent (see `runtime::object::optional`).
            (Presence::Optional, false) => quote!(optional),
            (Presence::Optional, true) => quote!(optional_lenient),
            (Presence::OptionalNullable, false) => quote!(maybe),
            (Presence::OptionalNullable, true) => quote!(maybe_lenient),
        };
        arms.push(quote!(#wire => __map.#decode(&mut #slot #n),));
        match p {
            Presence::Required | Presence::RequiredNullable => {
                // Absent reads as `null` when nullable (see
                // `runtime::object::Fields::nullable`).
                let slot = if p == Presence::RequiredNullable {
                    quote!(__map.nullable(#n))
                } else {
                    quote!(#n)
                };
                locals.push(quote!(let mut #n = None;));
                checks.push(quote! {
                    let Some(#n) = #slot else {
                        return Err(__map.missing(#wire));
                    };
                });
            }
            Presence::Optional => locals.push(quote!(let mut #n = None;)),
            Presence::OptionalNullable => {
                locals.push(quote!(let mut #n = crate::runtime::Maybe::Absent;));
            }
        }
        inits.push(quote!(#n,));
        // One `runtime::object::Entries` call per property (see there).
        let write = match p {
            Presence::Required | Presence::RequiredNullable => quote!(entry),
            Presence::Optional => quote!(optional),
            Presence::OptionalNullable => quote!(maybe),
        };
        writes.push(quote!(map.#write(#wire, &self.#n);));
    }
    let keep = match &s.additional {
        Additional::Typed(t) if is_lenient(types, t) => {
            quote!(__map.typed_lenient(&mut #slot extra, __key))
        }
        Additional::Typed(_) => quote!(__map.typed(&mut #slot extra, __key)),
        // Kept, but a strict union attempt must not match on it.
        Additional::Deny => quote!(__map.undeclared(&mut #slot extra, __key)),
        Additional::Keep => quote!(__map.extra(&mut #slot extra, __key)),
    };
    // No `?`: `Fields` keeps the first error (see `runtime::object`).
    let body = if arms.is_empty() {
        quote!(#keep;)
    } else {
        quote! {
            match __key.as_str() {
                #(#arms)*
                _ => #keep,
            }
        }
    };
    let type_name = name.to_string();
    // Without properties, `end` is the only call: nothing borrows it mutably.
    let map_binding = if writes.is_empty() {
        quote!(map)
    } else {
        quote!(mut map)
    };
    let from_map = if in_place {
        quote! {
            let mut __value = Self::default();
            let mut __map = crate::runtime::object::Fields::new(__map);
            while let Some(__key) = __map.key() {
                #body
            }
            __map.finish(__value)
        }
    } else {
        quote! {
            #(#locals)*
            let mut extra: #extra_ty = Default::default();
            let mut __map = crate::runtime::object::Fields::new(__map);
            while let Some(__key) = __map.key() {
                #body
            }
            #(#checks)*
            let __value = Self {
                #(#inits)*
                extra,
            };
            __map.finish(__value)
        }
    };
    quote! {
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let #map_binding = crate::runtime::object::entries(serializer);
                #(#writes)*
                map.end(&self.extra)
            }
        }
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::runtime::object::deserialize(deserializer)
            }
        }
        impl crate::runtime::object::Object for #name {
            const NAME: &'static str = #type_name;
            fn from_map<'de, A: serde::de::MapAccess<'de>>(__map: A) -> Result<Self, A::Error> {
                #from_map
            }
        }
    }
}

/// A one-value string enum, emitted as a `String` alias.
pub(crate) fn is_constant(e: &EnumType) -> bool {
    e.is_constant()
}

/// The default of a required field as a Rust expression, when it is a
/// literal the constructor can fill in.
pub(crate) fn literal_default(types: &Types<'_>, f: &Field) -> Option<TokenStream> {
    let value = f.default.as_ref()?;
    match (&f.ty, value) {
        (TypeRef::Primitive(Primitive::String), Value::String(s)) => Some(quote!(#s.to_string())),
        (TypeRef::Primitive(Primitive::Bool), Value::Bool(b)) => Some(quote!(#b)),
        (TypeRef::Primitive(Primitive::I64), Value::Number(n)) => n.as_i64().map(|v| quote!(#v)),
        (TypeRef::Primitive(Primitive::I32), Value::Number(n)) => n
            .as_i64()
            .and_then(|v| i32::try_from(v).ok())
            .map(|v| quote!(#v)),
        (TypeRef::Named(key), v) => {
            let def = types.get(key)?;
            let TypeKind::Enum(e) = &def.kind else {
                return None;
            };
            if is_constant(e) {
                let s = v.as_str()?;
                return Some(quote!(#s.to_string()));
            }
            let variant = e.variants.iter().find(|var| &var.value == v)?;
            let tn = ident(&def.name);
            let vn = ident(&variant.name);
            Some(quote!(#tn::#vn))
        }
        _ => None,
    }
}

/// The enum's declaration, and its impls. With `head`, the declaration may
/// come as text, its docs included; as tokens, it has no docs. Text is
/// tried first: tokens are built only for what it does not cover.
pub(super) fn enum_item(
    name: &proc_macro2::Ident,
    e: &EnumType,
    extra: &TokenStream,
    text: bool,
    head: Option<&Head<'_>>,
) -> (Piece, Piece) {
    let impls_text = (text && e.repr == EnumRepr::String)
        .then(|| super::enum_text::string_enum_impls(name, e))
        .flatten();
    let decl_text = head.and_then(|head| enum_decl_text(&name.to_string(), e, head));
    match (decl_text, impls_text) {
        (Some(decl), Some(impls)) => (Piece::Text(decl), Piece::Text(impls)),
        (decl, impls) => {
            let (decl_tokens, impl_tokens) =
                enum_tokens(name, e, extra, decl.is_none(), impls.is_none());
            (
                decl.map_or(Piece::Tokens(decl_tokens), Piece::Text),
                impls.map_or_else(|| Piece::Tokens(impl_tokens), Piece::Text),
            )
        }
    }
}

/// The enum's declaration, without its docs (if `with_decl`), and its
/// impls (if `with_impls`), as tokens; empty when not asked for.
fn enum_tokens(
    name: &proc_macro2::Ident,
    e: &EnumType,
    extra: &TokenStream,
    with_decl: bool,
    with_impls: bool,
) -> (TokenStream, TokenStream) {
    let variants: Vec<_> = e.variants.iter().map(|v| ident(&v.name)).collect();
    let (unknown_ty, as_value, serialize, from_raw, deserialize): (
        TokenStream,
        TokenStream,
        TokenStream,
        TokenStream,
        TokenStream,
    );
    let docs = e.variants.iter().map(|v| {
        let text = match &v.value {
            Value::String(s) => code(s),
            other => code(&other.to_string()),
        };
        doc(&[Para::Ours(&text), Para::Spec(v.description.as_deref())])
    });
    match e.repr {
        EnumRepr::String => {
            unknown_ty = quote!(String);
            let values: Vec<String> = e
                .variants
                .iter()
                .map(|v| v.value.as_str().unwrap_or_default().to_string())
                .collect();
            as_value = quote! {
                /// The value as sent on the wire.
                pub fn as_str(&self) -> &str {
                    match self {
                        #(Self::#variants => #values,)*
                        Self::Unknown(value) => value,
                    }
                }
                /// The variant listing `value`, if any.
                fn known(value: &str) -> Option<Self> {
                    match value {
                        #(#values => Some(Self::#variants),)*
                        _ => None,
                    }
                }
            };
            serialize = quote!(serializer.serialize_str(self.as_str()));
            from_raw = quote! {
                match Self::known(&value) {
                    Some(known) => known,
                    None => Self::Unknown(value),
                }
            };
            // The string is matched where the input holds it: only a value
            // the schema does not list is copied.
            deserialize = quote! {
                crate::runtime::object::string_enum(deserializer, Self::known, Self::Unknown)
            };
        }
        _ => {
            unknown_ty = quote!(i64);
            let values: Vec<i64> = e
                .variants
                .iter()
                .map(|v| v.value.as_i64().unwrap_or_default())
                .collect();
            as_value = quote! {
                /// The value as sent on the wire.
                pub fn value(&self) -> i64 {
                    match self {
                        #(Self::#variants => #values,)*
                        Self::Unknown(value) => *value,
                    }
                }
            };
            serialize = quote!(serializer.serialize_i64(self.value()));
            from_raw = quote! {
                match value {
                    #(#values => Self::#variants,)*
                    _ => Self::Unknown(value),
                }
            };
            // Integers may come inside strings (see `runtime::lenient`).
            deserialize = quote! {
                let value = Self::from(<i64 as crate::runtime::lenient::Lenient>::decode(deserializer)?);
                if matches!(value, Self::Unknown(_)) {
                    crate::runtime::lenient::unknown::<D::Error>()?;
                }
                Ok(value)
            };
        }
    }
    let display = match e.repr {
        EnumRepr::String => quote!(f.write_str(self.as_str())),
        _ => quote!(write!(f, "{}", self.value())),
    };
    let from_raw = quote! {
        impl From<#unknown_ty> for #name {
            fn from(value: #unknown_ty) -> Self {
                #from_raw
            }
        }
    };
    let decl = if with_decl {
        quote! {
            ///
            /// Unknown values received from the server are kept in `Unknown`, so a
            /// new value never breaks decoding; the enum is `#[non_exhaustive]`, so
            /// a variant added by a later version never breaks a `match` either.
            #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
            #[non_exhaustive]
            #extra
            pub enum #name {
                #(#docs #variants,)*
                /// A value not known when this client was generated.
                Unknown(#unknown_ty),
            }
        }
    } else {
        TokenStream::new()
    };
    if !with_impls {
        return (decl, TokenStream::new());
    }
    let impls = quote! {
        impl #name {
            #as_value
        }
        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                #display
            }
        }
        #from_raw
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                #serialize
            }
        }
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #deserialize
            }
        }
    };
    (decl, impls)
}

fn union_item(
    types: &Types<'_>,
    name: &proc_macro2::Ident,
    u: &UnionType,
    extra: &TokenStream,
) -> TokenStream {
    let variant_decls = u.variants.iter().map(|v| {
        let vn = ident(&v.name);
        let mut ty = types.rust(&v.ty, &quote!());
        if v.boxed {
            ty = quote!(Box<#ty>);
        }
        let tags = if v.tags.is_empty() {
            quote!()
        } else {
            let t = v
                .tags
                .iter()
                .map(|t| code(t))
                .collect::<Vec<_>>()
                .join(", ");
            doc(&[Para::Ours(&format!("Selected by {t}."))])
        };
        quote!(#tags #vn(#ty),)
    });
    // `v` decoded as the variant's type, wrapped into the variant.
    let wrap = |v: &crate::ir::UnionVariant| {
        let vn = ident(&v.name);
        if v.boxed {
            quote!(Self::#vn(Box::new(v)))
        } else {
            quote!(Self::#vn(v))
        }
    };
    let mut serialize_arms: Vec<TokenStream> = u
        .variants
        .iter()
        .map(|v| {
            let vn = ident(&v.name);
            quote!(Self::#vn(value) => serde::Serialize::serialize(value, serializer),)
        })
        .collect();
    let mut tagged_impl = quote!();
    let (unknown, doc_prop, deserialize) = match &u.discriminator {
        None => {
            let attempts = u.variants.iter().map(|v| {
                let wrapped = wrap(v);
                let attempt = match &v.constant {
                    Some(c) => quote!(u::constant(&value, #c)),
                    None => quote!(u::attempt(&value)),
                };
                quote! {
                    if let Some(v) = #attempt {
                        return Ok(#wrapped);
                    }
                }
            });
            let explains = u.variants.iter().map(|v| {
                let vn = v.name.as_str();
                let ty = types.rust(&v.ty, &quote!());
                quote!((#vn, u::explain::<#ty>))
            });
            let type_name = name.to_string();
            // A value whose kind or inferred tag selects a variant skips the
            // buffer (see `union_text::decode_call`); the call is built from
            // identifiers.
            let buffer = match super::union_text::decode_call(u) {
                Some(call) => {
                    let call: TokenStream = call.parse().unwrap_or_default();
                    quote! {
                        let value = match #call {
                            u::Step::Done(v) => return Ok(v),
                            u::Step::Buffered(value) => value,
                        };
                    }
                }
                None => quote!(let value = u::buffer(deserializer)?;),
            };
            // Strictly first, then leniently (see `runtime::union::passes`).
            let body = quote! {
                #buffer
                for _pass in u::passes() {
                    #(#attempts)*
                }
                Err(u::no_match(&value, #type_name, &[#(#explains),*]))
            };
            if let Some(inferred) = &u.inferred {
                let prop = &inferred.property;
                let arms = inferred.variants.iter().filter_map(|(tag, i)| {
                    let v = u.variants.get(*i)?;
                    let vn = ident(&v.name);
                    let decode = format_ident!("{}", super::union_text::variant_decode(v));
                    Some(quote!(#tag => Some(u::#decode(deserializer).map(Self::#vn)),))
                });
                tagged_impl = quote! {
                    impl crate::runtime::union::Inferred for #name {
                        const PROPERTY: &'static str = #prop;
                        fn variant<'de, D: serde::Deserializer<'de>>(
                            tag: &str,
                            deserializer: D,
                        ) -> Option<Result<Self, D::Error>> {
                            use crate::runtime::union as u;
                            match tag {
                                #(#arms)*
                                _ => None,
                            }
                        }
                    }
                };
            }
            (quote!(), quote!(), body)
        }
        Some(prop) => {
            serialize_arms.push(
                quote!(Self::Unknown(value) => serde::Serialize::serialize(value, serializer),),
            );
            // Variants with no tag are never selected.
            let arms = u.variants.iter().filter(|v| !v.tags.is_empty()).map(|v| {
                let tags = &v.tags;
                let vn = ident(&v.name);
                let decode = format_ident!("{}", super::union_text::variant_decode(v));
                let decode = quote!(u::#decode);
                quote!(#(#tags)|* => Some(#decode(deserializer).map(Self::#vn)),)
            });
            let body = quote!(u::tagged(deserializer));
            tagged_impl = quote! {
                impl crate::runtime::union::Tagged for #name {
                    const PROPERTY: &'static str = #prop;
                    fn variant<'de, D: serde::Deserializer<'de>>(
                        tag: &str,
                        deserializer: D,
                    ) -> Option<Result<Self, D::Error>> {
                        use crate::runtime::union as u;
                        match tag {
                            #(#arms)*
                            _ => None,
                        }
                    }
                    fn unknown(value: serde_json::Value) -> Self {
                        Self::Unknown(value)
                    }
                }
            };
            let doc_prop = doc(&[Para::Ours(&format!(
                "The {} property selects the variant; an unknown value is kept in `Unknown`.",
                code(prop)
            ))]);
            (
                quote! {
                    /// A variant not known when this client was generated.
                    Unknown(serde_json::Value),
                },
                // Variants may be added: matches need a wildcard arm.
                quote!(#[doc = ""] #doc_prop #[non_exhaustive]),
                body,
            )
        }
    };
    quote! {
        #doc_prop
        #[derive(Clone, Debug, PartialEq)]
        #extra
        pub enum #name {
            #(#variant_decls)*
            #unknown
        }
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#serialize_arms)*
                }
            }
        }
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                use crate::runtime::union as u;
                #deserialize
            }
        }
        #tagged_impl
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn gate_items_puts_the_cfg_before_each_item() {
        let text = "/// Docs ending in a brace }\n/// and a semicolon;\n#[derive(\n    Clone,\n)]\npub struct A {\n    pub x: String,\n}\nimpl<'de> serde::Deserialize<'de>\nfor A\nwhere\n    A: Sized,\n{\n    fn f() {}\n}\npub type B = Vec<A>;\n";
        let cfg = "#[cfg(feature = \"a\")]\n";
        let gated = super::gate_items(text, cfg);
        assert_eq!(
            gated,
            format!("{cfg}/// Docs ending in a brace }}\n/// and a semicolon;\n#[derive(\n    Clone,\n)]\npub struct A {{\n    pub x: String,\n}}\n{cfg}impl<'de> serde::Deserialize<'de>\nfor A\nwhere\n    A: Sized,\n{{\n    fn f() {{}}\n}}\n{cfg}pub type B = Vec<A>;\n")
        );
        let file: syn::File = syn::parse_str(&gated).expect("parses");
        for item in &file.items {
            let attrs = match item {
                syn::Item::Struct(s) => &s.attrs,
                syn::Item::Impl(i) => &i.attrs,
                syn::Item::Type(t) => &t.attrs,
                _ => panic!("unexpected item"),
            };
            assert!(attrs.iter().any(|a| a.path().is_ident("cfg")));
        }
        assert_eq!(
            super::cfg_line(&["a".into(), "b".into()]),
            "#[cfg(any(feature = \"a\", feature = \"b\"))]\n"
        );
    }
}
