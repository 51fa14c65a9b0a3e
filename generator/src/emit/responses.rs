//! The response half of an operation's `send()`: matching the status,
//! decoding the body, and the operation's output and error enums.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc, Para};
use super::rust_type::{ident, Types};
use crate::ir::{Operation, ResponseBody, StatusMatch};

pub(super) struct ResponseCode {
    /// The success body type.
    pub ok_ty: TokenStream,
    pub success_arms: Vec<TokenStream>,
    /// The one success response's status and decoding expression (of
    /// `raw`), when the operation declares exactly one.
    pub single_success: Option<(StatusMatch, TokenStream)>,
    pub error_arms: Vec<TokenStream>,
    /// `_ => unexpected` unless a `default` response covers the rest.
    pub fallback: Option<TokenStream>,
    /// The enum of success bodies, when there are several.
    pub output_enum: Option<TokenStream>,
    pub error_variants: Vec<TokenStream>,
}

pub(super) fn response_code(types: &Types<'_>, op: &Operation) -> ResponseCode {
    let err = ident(&op.error_name);
    let successes: Vec<_> = op
        .responses
        .iter()
        .filter(|r| r.status.is_success())
        .collect();
    let errors: Vec<_> = op
        .responses
        .iter()
        .filter(|r| !r.status.is_success())
        .collect();
    let body_ty = |b: &ResponseBody| -> TokenStream {
        match b {
            ResponseBody::Empty => quote!(()),
            ResponseBody::Json(t) => types.rust(t, &quote!(types::)),
            ResponseBody::Text => quote!(String),
            ResponseBody::Raw | ResponseBody::Events(_) => quote!(crate::runtime::RawBody),
        }
    };
    let decode = |b: &ResponseBody| -> TokenStream {
        match b {
            ResponseBody::Empty => quote!(raw.empty()),
            ResponseBody::Json(t) => {
                let t = types.rust(t, &quote!(types::));
                quote!(raw.json::<#t, #err>())
            }
            ResponseBody::Text => quote!(raw.text()),
            ResponseBody::Raw | ResponseBody::Events(_) => quote!(raw.raw()),
        }
    };
    let default_response = errors.iter().find(|r| r.status == StatusMatch::Default);
    let (ok_ty, success_arms) = match (successes.len(), default_response) {
        // Only `default` declared: it describes successes too.
        (0, Some(r)) => {
            let d = decode(&r.body);
            (body_ty(&r.body), vec![quote!(200..=299 => #d,)])
        }
        (0, None) => (
            quote!(crate::runtime::RawBody),
            vec![quote!(200..=299 => raw.raw(),)],
        ),
        (1, _) => {
            let r = successes[0];
            let pat = status_pattern(r.status);
            let d = decode(&r.body);
            (body_ty(&r.body), vec![quote!(#pat => #d,)])
        }
        _ => {
            let out = ident(&op.output_name);
            let arms = successes
                .iter()
                .map(|r| {
                    let pat = status_pattern(r.status);
                    let d = decode(&r.body);
                    let vn = ident(&r.name);
                    quote!(#pat => #d.map(|r| r.map(#out::#vn)),)
                })
                .collect();
            (quote!(#out), arms)
        }
    };
    let single_success = match successes.as_slice() {
        [r] => Some((r.status, decode(&r.body))),
        _ => None,
    };
    let output_enum = (successes.len() > 1).then(|| output_enum_tokens(op, &successes, &body_ty));
    let error_variants = errors.iter().map(|r| {
        let vn = ident(&r.name);
        let t = body_ty(&r.body);
        let d = doc(&[
            Para::Spec(r.description.as_deref()),
            Para::Ours(&status_doc(r.status)),
        ]);
        quote!(#d #vn(#t),)
    });
    let error_arms = errors.iter().map(|r| {
        let pat = status_pattern(r.status);
        let vn = ident(&r.name);
        let body = match &r.body {
            ResponseBody::Empty => quote!(()),
            ResponseBody::Json(t) => {
                let t = types.rust(t, &quote!(types::));
                quote!(raw.decode::<#t, #err>()?)
            }
            ResponseBody::Text => quote!(crate::runtime::RawBody(raw.body.clone()).text()),
            ResponseBody::Raw | ResponseBody::Events(_) => {
                quote!(crate::runtime::RawBody(raw.body.clone()))
            }
        };
        quote!(#pat => {
            let body = #body;
            Err(raw.api_error(#err::#vn(body)))
        })
    });
    let has_default = errors.iter().any(|r| r.status == StatusMatch::Default);
    let fallback = (!has_default).then(|| quote!(_ => Err(raw.unexpected()),));
    ResponseCode {
        ok_ty,
        success_arms,
        single_success,
        error_arms: error_arms.collect(),
        fallback,
        output_enum,
        error_variants: error_variants.collect(),
    }
}

fn output_enum_tokens(
    op: &Operation,
    successes: &[&crate::ir::Response],
    body_ty: &dyn Fn(&ResponseBody) -> TokenStream,
) -> TokenStream {
    let out = ident(&op.output_name);
    let variants = successes.iter().map(|r| {
        let vn = ident(&r.name);
        let t = body_ty(&r.body);
        let d = doc(&[
            Para::Spec(r.description.as_deref()),
            Para::Ours(&status_doc(r.status)),
        ]);
        quote!(#d #vn(#t),)
    });
    let od = format!(" The successful responses of [`Client::{}`].", op.name);
    quote! {
        #[doc = #od]
        #[derive(Clone, Debug, PartialEq)]
        pub enum #out {
            #(#variants)*
        }
    }
}

pub(super) fn status_doc(s: StatusMatch) -> String {
    match s {
        StatusMatch::Code(c) => format!("Status {c}."),
        StatusMatch::Range(r) => format!("Any {r}xx status."),
        StatusMatch::Default => "Any status not declared otherwise.".to_string(),
    }
}

pub(super) fn status_pattern(s: StatusMatch) -> TokenStream {
    match s {
        StatusMatch::Code(c) => {
            let c = proc_macro2::Literal::u16_unsuffixed(c);
            quote!(#c)
        }
        StatusMatch::Range(r) => {
            let lo = proc_macro2::Literal::u16_unsuffixed(r as u16 * 100);
            let hi = proc_macro2::Literal::u16_unsuffixed(r as u16 * 100 + 99);
            quote!(#lo..=#hi)
        }
        StatusMatch::Default => quote!(_),
    }
}
