//! IR type references → Rust type tokens.

use std::collections::BTreeMap;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{Primitive, TypeDef, TypeKind, TypeRef};

/// Looks up named types while emitting one API.
pub struct Types<'a> {
    by_key: BTreeMap<&'a str, &'a TypeDef>,
    /// Each type's own name, also for one that repeats another.
    names: BTreeMap<&'a str, &'a str>,
}

impl<'a> Types<'a> {
    /// The table of `defs`. A type that repeats another
    /// ([`TypeDef::same_as`]) is looked up as that one (what it is and
    /// which impls it has), but written by its own name.
    pub fn new(defs: &'a [TypeDef]) -> Self {
        let own: BTreeMap<&'a str, &'a TypeDef> =
            defs.iter().map(|d| (d.key.as_str(), d)).collect();
        let by_key = defs
            .iter()
            .map(|d| {
                let original = d
                    .same_as
                    .as_ref()
                    .and_then(|same| own.get(same.original.as_str()).copied());
                (d.key.as_str(), original.unwrap_or(d))
            })
            .collect();
        let names = defs
            .iter()
            .map(|d| (d.key.as_str(), d.name.as_str()))
            .collect();
        Types { by_key, names }
    }

    pub fn get(&self, key: &str) -> Option<&'a TypeDef> {
        self.by_key.get(key).copied()
    }

    /// The name a use of type `key` is written with.
    pub fn name(&self, key: &str) -> Option<&'a str> {
        self.names.get(key).copied()
    }

    /// The Rust type for `t`, written as seen from the `types` module
    /// (`prefix` is empty) or from elsewhere (`prefix` = `types::`).
    pub fn rust(&self, t: &TypeRef, prefix: &TokenStream) -> TokenStream {
        match t {
            TypeRef::Named(key) => match self.name(key) {
                Some(name) => {
                    let name = ident(name);
                    quote!(#prefix #name)
                }
                None => quote!(serde_json::Value),
            },
            TypeRef::Primitive(p) => primitive(*p),
            TypeRef::Array(inner) => {
                let inner = self.rust(inner, prefix);
                quote!(Vec<#inner>)
            }
            TypeRef::Map(inner) => {
                let inner = self.rust(inner, prefix);
                quote!(std::collections::BTreeMap<String, #inner>)
            }
            TypeRef::Nullable(inner) => {
                let inner = self.rust(inner, prefix);
                quote!(Option<#inner>)
            }
            TypeRef::Any => quote!(serde_json::Value),
            TypeRef::Object => quote!(serde_json::Map<String, serde_json::Value>),
            TypeRef::External(e) => external(&e.path),
        }
    }

    /// Whether `t` names a struct with `required_any_of` constraints.
    pub fn needs_validation(&self, t: &TypeRef) -> bool {
        match t.non_null() {
            TypeRef::Named(key) => matches!(
                self.get(key).map(|d| &d.kind),
                Some(TypeKind::Struct(s)) if !s.required_any_of.is_empty()
            ),
            _ => false,
        }
    }
}

pub fn primitive(p: Primitive) -> TokenStream {
    match p {
        Primitive::String | Primitive::Binary => quote!(String),
        Primitive::Bool => quote!(bool),
        Primitive::I32 => quote!(i32),
        Primitive::I64 => quote!(i64),
        Primitive::U64 => quote!(u64),
        // `format: float` is a hint about the server's storage, not about the
        // JSON number: `f32` would lose digits a server sends (and alter
        // values it re-encodes), so every number is an `f64`.
        Primitive::F32 | Primitive::F64 => quote!(f64),
        Primitive::Uuid => quote!(uuid::Uuid),
        Primitive::DateTime => quote!(crate::runtime::DateTime),
        Primitive::Date => quote!(crate::runtime::Date),
    }
}

/// An identifier; keywords become raw identifiers.
pub fn ident(name: &str) -> Ident {
    let text = crate::lower::ident_text(name);
    match text.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(&text, Span::call_site()),
    }
}

/// A configured Rust type. Configuration checks that it parses; should a
/// library caller pass one that does not, it degrades to an untyped value
/// rather than a generator panic. (Checked with syn, spliced as tokens.)
pub fn external(path: &str) -> TokenStream {
    match (
        syn::parse_str::<syn::Type>(path),
        path.parse::<TokenStream>(),
    ) {
        (Ok(_), Ok(tokens)) => tokens,
        _ => quote!(serde_json::Value),
    }
}

/// Configured attributes, as tokens (each checked to parse when the
/// configuration was read; any that does not is left out).
pub fn attributes(attrs: &[String]) -> TokenStream {
    let valid = attrs.iter().filter(|a| {
        syn::parse_str::<syn::File>(&format!("{a}\nstruct S;")).is_ok_and(|f| {
            f.attrs.is_empty() && matches!(f.items.as_slice(), [syn::Item::Struct(_)])
        })
    });
    let tokens = valid.filter_map(|a| a.parse::<TokenStream>().ok());
    quote!(#(#tokens)*)
}

/// Configured derives as one `#[derive(...)]`, or nothing.
pub fn derives(derives: &[String]) -> TokenStream {
    let paths: Vec<TokenStream> = derives
        .iter()
        .filter(|d| syn::parse_str::<syn::Path>(d).is_ok())
        .filter_map(|d| d.parse::<TokenStream>().ok())
        .collect();
    if paths.is_empty() {
        return quote!();
    }
    quote!(#[derive(#(#paths),*)])
}
