//! Named types → Rust items.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::docs::{code, doc, Para};
use super::rust_type::{ident, Types};
use crate::ir::{
    Additional, EnumRepr, EnumType, Field, StructType, TypeDef, TypeKind, TypeRef, UnionType,
};

pub fn type_items(types: &Types<'_>, defs: &[TypeDef]) -> Vec<TokenStream> {
    defs.iter().map(|d| type_item(types, d)).collect()
}

fn type_item(types: &Types<'_>, def: &TypeDef) -> TokenStream {
    let source = format!("Schema: {}", code(&def.key));
    let docs = doc(&[
        Para::Spec(def.title.as_deref()),
        Para::Spec(def.description.as_deref()),
        Para::Ours(&source),
    ]);
    // A note, not `#[deprecated]`: the attribute would make every use inside
    // the generated crate warn.
    let deprecated = def
        .deprecated
        .then(|| quote!(#[doc = ""] #[doc = " **Deprecated.**"]));
    let name = ident(&def.name);
    // Configured derives and attributes, after the item's own derive so
    // derive helpers (`#[serde(...)]`) follow the derive that declares them.
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
        let derives = super::rust_type::derives(&wanted);
        let attrs = super::rust_type::attributes(&def.attributes);
        quote!(#derives #attrs)
    };
    let body = match &def.kind {
        TypeKind::Struct(s) => struct_item(types, &name, s, &extra),
        TypeKind::Enum(e) if is_constant(e) => {
            // A constant (`const: x`, or an enum of one string) is usually
            // the fixed tag of a union member: a plain string, filled in by
            // constructors, is simpler to use and much cheaper to compile
            // than a one-variant enum with five impls.
            let value = e.variants[0].value.as_str().unwrap_or_default();
            let note = doc(&[Para::Ours(&format!(
                "Always {} (a constant in the schema).",
                code(value)
            ))]);
            quote! {
                #[doc = ""]
                #note
                pub type #name = String;
            }
        }
        TypeKind::Enum(e) => enum_item(&name, e, &extra),
        TypeKind::Union(u) => union_item(types, &name, u, &extra),
        TypeKind::Alias {
            target,
            newtype: false,
        } => {
            let target = types.rust(target, &quote!());
            quote!(pub type #name = #target;)
        }
        TypeKind::Alias {
            target,
            newtype: true,
        } => {
            let target = types.rust(target, &quote!());
            quote! {
                #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
                #[serde(transparent)]
                #extra
                pub struct #name(pub #target);
            }
        }
    };
    quote! {
        #docs
        #deprecated
        #body
    }
}

/// How a field is declared: its Rust type and serde attributes.
pub(super) fn field_decl(types: &Types<'_>, f: &Field) -> (TokenStream, TokenStream) {
    let inner_ty = f.ty.non_null();
    let mut inner = types.rust(inner_ty, &quote!());
    if f.boxed {
        inner = quote!(Box<#inner>);
    }
    // An untyped value can itself be `null`: optional ones need three states.
    let any = matches!(f.ty, TypeRef::Any);
    if any && f.required {
        return (inner, quote!());
    }
    let nullable = f.ty.is_nullable() || any;
    match (f.required, nullable) {
        (true, false) => (inner, quote!()),
        // Always present, possibly null: `None` is sent as `null`, and a
        // missing key is a decode error rather than a silent `None`.
        (true, true) => (
            quote!(Option<#inner>),
            quote!(#[serde(deserialize_with = "crate::runtime::maybe::required_nullable")]),
        ),
        (false, false) => (
            quote!(Option<#inner>),
            quote!(#[serde(default, skip_serializing_if = "Option::is_none")]),
        ),
        // Absent, null or a value: all three are distinct on the wire.
        (false, true) => (
            quote!(crate::runtime::Maybe<#inner>),
            quote!(#[serde(default, skip_serializing_if = "crate::runtime::Maybe::is_absent")]),
        ),
    }
}

pub(super) fn field_docs(f: &Field) -> TokenStream {
    let mut notes = Vec::new();
    if f.read_only {
        notes.push("Read-only: set by the server, ignored in requests.".to_string());
    }
    if f.write_only {
        notes.push("Write-only: sent in requests, never returned.".to_string());
    }
    if let Some(default) = &f.default {
        notes.push(format!("Default: {}.", code(&default.to_string())));
    }
    let notes = notes.join(" ");
    doc(&[Para::Spec(f.description.as_deref()), Para::Ours(&notes)])
}

fn struct_item(
    types: &Types<'_>,
    name: &proc_macro2::Ident,
    s: &StructType,
    extra: &TokenStream,
) -> TokenStream {
    let mut fields = Vec::new();
    for f in &s.fields {
        let (ty, attrs) = field_decl(types, f);
        let fname = ident(&f.rust_name);
        let rename = (crate::lower::ident_text(&f.rust_name).trim_start_matches("r#") != f.name)
            .then(|| {
                let wire = &f.name;
                quote!(#[serde(rename = #wire)])
            });
        let docs = field_docs(f);
        let deprecated = f
            .deprecated
            .then(|| quote!(#[doc = ""] #[doc = " **Deprecated.**"]));
        fields.push(quote! {
            #docs
            #deprecated
            #rename
            #attrs
            pub #fname: #ty,
        });
    }
    match &s.additional {
        Additional::Keep => fields.push(quote! {
            /// Properties not declared in the schema, kept as received.
            #[serde(flatten)]
            pub extra: serde_json::Map<String, serde_json::Value>,
        }),
        Additional::Typed(t) => {
            let t = types.rust(t, &quote!());
            fields.push(quote! {
                /// Additional properties (`additionalProperties`).
                #[serde(flatten)]
                pub extra: std::collections::BTreeMap<String, #t>,
            });
        }
        // The schema promises no other properties; if a server sends some
        // anyway they are kept rather than silently dropped.
        Additional::Deny => fields.push(quote! {
            /// Properties the schema does not allow (`additionalProperties: false`)
            /// but the server sent anyway, kept as received.
            #[serde(flatten)]
            pub extra: serde_json::Map<String, serde_json::Value>,
        }),
    }

    // `Default` when every field can be left empty; otherwise a constructor
    // taking exactly the required fields.
    let needs_args: Vec<&Field> = s
        .fields
        .iter()
        .filter(|f| f.required && !f.ty.is_nullable() && literal_default(types, f).is_none())
        .collect();
    let has_literal_defaults = s
        .fields
        .iter()
        .any(|f| f.required && !f.ty.is_nullable() && literal_default(types, f).is_some());
    let derive_default = needs_args.is_empty() && !has_literal_defaults;
    let default_derive = derive_default.then(|| quote!(Default,));

    let ctor =
        (!derive_default).then(|| super::constructor::constructor(types, name, s, &needs_args));

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

    quote! {
        #[derive(Clone, Debug, PartialEq, #default_derive serde::Serialize, serde::Deserialize)]
        #extra
        pub struct #name {
            #(#fields)*
        }
        #ctor
        #validate
    }
}

/// A one-value string enum, emitted as a `String` alias.
fn is_constant(e: &EnumType) -> bool {
    e.repr == EnumRepr::String && e.variants.len() == 1 && !e.nullable
}

/// The default of a required field as a Rust expression, when it is a
/// literal the constructor can fill in.
pub(super) fn literal_default(types: &Types<'_>, f: &Field) -> Option<TokenStream> {
    let value = f.default.as_ref()?;
    match (&f.ty, value) {
        (TypeRef::Primitive(crate::ir::Primitive::String), Value::String(s)) => {
            Some(quote!(#s.to_string()))
        }
        (TypeRef::Primitive(crate::ir::Primitive::Bool), Value::Bool(b)) => Some(quote!(#b)),
        (TypeRef::Primitive(crate::ir::Primitive::I64), Value::Number(n)) => {
            n.as_i64().map(|v| quote!(#v))
        }
        (TypeRef::Primitive(crate::ir::Primitive::I32), Value::Number(n)) => n
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

fn enum_item(name: &proc_macro2::Ident, e: &EnumType, extra: &TokenStream) -> TokenStream {
    let variants: Vec<_> = e.variants.iter().map(|v| ident(&v.name)).collect();
    let (unknown_ty, as_value, serialize, deserialize_ty, match_arms, raw_pattern): (
        TokenStream,
        TokenStream,
        TokenStream,
        TokenStream,
        Vec<TokenStream>,
        TokenStream,
    );
    let docs = e.variants.iter().map(|v| {
        let text = match &v.value {
            Value::String(s) => code(s),
            other => code(&other.to_string()),
        };
        doc(&[Para::Ours(&text)])
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
            };
            serialize = quote!(serializer.serialize_str(self.as_str()));
            deserialize_ty = quote!(String);
            match_arms = e
                .variants
                .iter()
                .zip(&values)
                .map(|(v, s)| {
                    let vn = ident(&v.name);
                    quote!(#s => Self::#vn)
                })
                .collect();
            raw_pattern = quote!(value.as_str());
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
            deserialize_ty = quote!(i64);
            match_arms = e
                .variants
                .iter()
                .zip(&values)
                .map(|(v, n)| {
                    let vn = ident(&v.name);
                    quote!(#n => Self::#vn)
                })
                .collect();
            raw_pattern = quote!(value);
        }
    }
    let display = match e.repr {
        EnumRepr::String => quote!(f.write_str(self.as_str())),
        _ => quote!(write!(f, "{}", self.value())),
    };
    let from_raw = quote! {
        impl From<#unknown_ty> for #name {
            fn from(value: #unknown_ty) -> Self {
                match #raw_pattern {
                    #(#match_arms,)*
                    _ => Self::Unknown(value),
                }
            }
        }
    };
    quote! {
        ///
        /// Unknown values received from the server are kept in `Unknown`, so a
        /// new value never breaks decoding.
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #extra
        pub enum #name {
            #(#docs #variants,)*
            /// A value not known when this client was generated.
            Unknown(#unknown_ty),
        }
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
                <#deserialize_ty as serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }
    }
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
    match &u.discriminator {
        None => quote! {
            #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
            #[serde(untagged)]
            #extra
            pub enum #name {
                #(#variant_decls)*
            }
        },
        Some(prop) => {
            let arms = u.variants.iter().map(|v| {
                let vn = ident(&v.name);
                let tags = &v.tags;
                let wrap = if v.boxed { quote!(|v| Self::#vn(Box::new(v))) } else { quote!(Self::#vn) };
                quote!(Some(#(#tags)|*) => serde_json::from_value(value).map(#wrap).map_err(serde::de::Error::custom))
            });
            let doc_prop = doc(&[Para::Ours(&format!(
                "The {} property selects the variant; an unknown value is kept in `Unknown`.",
                code(prop)
            ))]);
            quote! {
                #[doc = ""]
                #doc_prop
                #[derive(Clone, Debug, PartialEq, serde::Serialize)]
                #[serde(untagged)]
                #extra
                pub enum #name {
                    #(#variant_decls)*
                    /// A variant not known when this client was generated.
                    Unknown(serde_json::Value),
                }
                impl<'de> serde::Deserialize<'de> for #name {
                    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                        let tag = value.get(#prop).and_then(serde_json::Value::as_str).map(str::to_owned);
                        match tag.as_deref() {
                            #(#arms,)*
                            _ => Ok(Self::Unknown(value)),
                        }
                    }
                }
            }
        }
    }
}
