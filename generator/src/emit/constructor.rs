//! The constructor of a struct that cannot derive `Default`: `new` taking
//! the required fields.
//!
//! Up to three required fields of pairwise different types are positional
//! arguments (`Tag::new(name)`). Otherwise `new` takes a struct of the
//! required fields (`Contact::new(ContactRequired { id, created_at, .. })`):
//! every value is named, so two timestamps cannot be swapped unnoticed, and a
//! missing one is a compile error naming it. A plain struct costs the
//! compiler almost nothing, unlike a builder per type (a typestate builder
//! is a generic type and an impl per field).

use proc_macro2::Ident;
use quote::quote;

use super::docs::{code, doc, Para};
use super::rust_type::{ident, Types};
use super::types::{field_docs, field_type, literal_default};
use super::Piece;
use crate::ir::{Field, StructType};

/// Most positional arguments `new` takes.
const MAX_POSITIONAL: usize = 3;

/// Whether `new` takes arguments of these types (as written) one by one
/// rather than a struct of them; `surface::describe` says the same.
pub(crate) fn positional(arg_types: &[String]) -> bool {
    let distinct = arg_types
        .iter()
        .enumerate()
        .all(|(i, t)| !arg_types[..i].contains(t));
    arg_types.len() <= 1 || (arg_types.len() <= MAX_POSITIONAL && distinct)
}

/// The required fields `new` of `s` takes, and whether `s` derives
/// `Default` instead (every field can be left empty, and no required one
/// has a default of its own to fill in).
pub(crate) fn ctor_args<'s>(types: &Types<'_>, s: &'s StructType) -> (Vec<&'s Field>, bool) {
    let args: Vec<&Field> = s
        .fields
        .iter()
        .filter(|f| f.required && !f.ty.is_nullable() && literal_default(types, f).is_none())
        .collect();
    let literal_defaults = s
        .fields
        .iter()
        .any(|f| f.required && !f.ty.is_nullable() && literal_default(types, f).is_some());
    let derive_default = args.is_empty() && !literal_defaults;
    (args, derive_default)
}

/// The struct of required fields `new` of `s` takes, when it takes one.
pub(crate) fn required_struct<'s>(types: &Types<'_>, s: &'s StructType) -> Option<&'s str> {
    let (args, derive_default) = ctor_args(types, s);
    if derive_default {
        return None;
    }
    let arg_types: Vec<String> = args
        .iter()
        .map(|f| field_type(types, f).to_string())
        .collect();
    s.required_name
        .as_deref()
        .filter(|_| !positional(&arg_types))
}

/// `text`: as formatted text ([`super::ctor_text`]) where it can be
/// written, which names the runtime `crate::runtime`.
pub(super) fn constructor(
    types: &Types<'_>,
    name: &Ident,
    s: &StructType,
    args: &[&Field],
    text: bool,
) -> Piece {
    let arg_types: Vec<String> = args
        .iter()
        .map(|f| field_type(types, f).to_string())
        .collect();
    let positional = positional(&arg_types);
    let required_struct = s
        .required_name
        .as_deref()
        .filter(|_| !positional)
        .map(ident);
    let note = note(types, s);
    if text {
        let written = super::ctor_text::constructor_text(
            types,
            &name.to_string(),
            s,
            args,
            required_struct.as_ref().map(Ident::to_string).as_deref(),
            &note,
        );
        if let Some(written) = written {
            return Piece::Text(written);
        }
    }

    let inits = s.fields.iter().map(|f| {
        let n = ident(&f.rust_name);
        if f.required && !f.ty.is_nullable() {
            match literal_default(types, f) {
                Some(value) => quote!(#n: #value),
                None => quote!(#n),
            }
        } else {
            quote!(#n: Default::default())
        }
    });
    let names: Vec<Ident> = args.iter().map(|f| ident(&f.rust_name)).collect();

    match required_struct {
        Some(req) => {
            let fields = args.iter().map(|f| {
                let n = ident(&f.rust_name);
                let ty = field_type(types, f);
                let docs = field_docs(f);
                quote!(#docs pub #n: #ty,)
            });
            let struct_doc = doc(&[Para::Ours(&format!(
                "The required fields of [`{name}`], for [`{name}::new`]: named, so that two of the same type cannot be swapped."
            ))]);
            Piece::Tokens(quote! {
                #struct_doc
                #[derive(Clone, Debug, PartialEq)]
                pub struct #req {
                    #(#fields)*
                }

                impl #name {
                    #[doc = #note]
                    pub fn new(required: #req) -> Self {
                        let #req { #(#names),* } = required;
                        Self { #(#inits,)* extra: Default::default(), }
                    }
                }
            })
        }
        None => {
            let params = args.iter().map(|f| {
                let n = ident(&f.rust_name);
                let ty = field_type(types, f);
                quote!(#n: #ty)
            });
            // Without a name for the struct of required fields (not expected:
            // lowering names one for every struct with several), many
            // arguments stay positional.
            let allow_many = (args.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
            // No argument needed (every required field has a default): the
            // same value is the type's `Default`.
            let default_impl = args.is_empty().then(|| {
                quote! {
                    impl Default for #name {
                        fn default() -> Self {
                            Self::new()
                        }
                    }
                }
            });
            Piece::Tokens(quote! {
                impl #name {
                    #[doc = #note]
                    #allow_many
                    pub fn new(#(#params),*) -> Self {
                        Self { #(#inits,)* extra: Default::default(), }
                    }
                }
                #default_impl
            })
        }
    }
}

/// The constructor's doc (as the attribute holds it: after a space).
fn note(types: &Types<'_>, s: &StructType) -> String {
    let defaults: Vec<String> = s
        .fields
        .iter()
        .filter(|f| f.required && !f.ty.is_nullable() && literal_default(types, f).is_some())
        .map(|f| code(&f.name))
        .collect();
    match defaults.len() {
        0 => " Creates a value from its required fields; optional fields start empty.".to_string(),
        n => format!(
            " Creates a value from its required fields; {} {} filled with the schema default and optional fields start empty.",
            defaults.join(", "),
            if n == 1 { "is" } else { "are" }
        ),
    }
}
