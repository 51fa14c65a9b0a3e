//! The struct of a `multipart/form-data` body with declared properties
//! (`UploadAvatarForm`): one typed field per part, file parts as the
//! runtime's `FilePart`, and the method turning it into the runtime's
//! `Multipart` when the request is built.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{code, doc, Para};
use super::rust_type::{ident, Types};
use crate::ir::{FormFieldKind, Operation};

/// The form struct of `op`, when its body has one.
/// `cfg` is the operation's feature gate.
pub(super) fn form_struct(
    types: &Types<'_>,
    op: &Operation,
    cfg: Option<&TokenStream>,
) -> Option<TokenStream> {
    let body = op.body.as_ref()?;
    let name = ident(body.form_name.as_deref()?);
    let mut fields = Vec::new();
    let mut parts = Vec::new();
    for f in &body.form_fields {
        let n = ident(&f.rust_name);
        let wire = &f.name;
        let declared = match &f.content_type {
            Some(ct) => quote!(Some(#ct)),
            None => quote!(None),
        };
        // The field's type, and how one value (`v`) becomes a part.
        let (ty, many, add) = match &f.kind {
            FormFieldKind::File => (
                quote!(crate::runtime::FilePart),
                false,
                quote!(form = form.file_part(#wire, v, #declared);),
            ),
            FormFieldKind::Files => (
                quote!(crate::runtime::FilePart),
                true,
                quote!(form = form.file_part(#wire, v, #declared);),
            ),
            FormFieldKind::Text(t) => (
                types.rust(t.non_null(), &quote!(types::)),
                false,
                quote!(form = form.scalar(#wire, v)?;),
            ),
            FormFieldKind::Texts(t) => (
                types.rust(t.non_null(), &quote!(types::)),
                true,
                quote!(form = form.scalar(#wire, v)?;),
            ),
            FormFieldKind::Json(t) => (
                types.rust(t.non_null(), &quote!(types::)),
                false,
                quote!(form = form.json(#wire, v)?;),
            ),
        };
        let (field_ty, each) = match (many, f.required) {
            (true, _) => (quote!(Vec<#ty>), quote!(for v in &self.#n { #add })),
            (false, true) => (ty, quote!(let v = &self.#n; #add)),
            (false, false) => (
                quote!(Option<#ty>),
                quote!(if let Some(v) = &self.#n { #add }),
            ),
        };
        let what = match (&f.kind, f.required) {
            (FormFieldKind::File, _) => "The file sent as part",
            (FormFieldKind::Files, _) => "The files sent as parts (one each) named",
            (FormFieldKind::Texts(_), _) => "The values sent as text parts (one each) named",
            (FormFieldKind::Json(_), _) => "The JSON part",
            (FormFieldKind::Text(_), _) => "The text part",
        };
        let note = format!(
            "{what} {}{}.",
            code(wire),
            if f.required { " (required)" } else { "" }
        );
        let d = doc(&[Para::Spec(f.description.as_deref()), Para::Ours(&note)]);
        fields.push(quote!(#d pub #n: #field_ty,));
        parts.push(each);
    }
    let struct_doc = format!(
        " The `multipart/form-data` body of [`Client::{}`]: one field per part of the form. Cloning it is cheap for files (their bytes are shared).",
        op.name
    );
    let mutable = (!parts.is_empty()).then(|| quote!(mut));
    Some(quote! {
        #cfg
        #[doc = #struct_doc]
        #[derive(Clone, Debug, PartialEq)]
        pub struct #name {
            #(#fields)*
        }

        #cfg
        impl #name {
            /// The form as it is sent, parts in declaration order.
            fn to_multipart(&self) -> Result<crate::runtime::Multipart, crate::runtime::InvalidRequest> {
                let #mutable form = crate::runtime::Multipart::new();
                #(#parts)*
                Ok(form)
            }
        }
    })
}
