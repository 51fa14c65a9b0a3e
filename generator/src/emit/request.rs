//! The request half of an operation's `send()`: path, parameters, body and
//! headers, as statements on a `runtime::RequestSpec`.

use proc_macro2::TokenStream;
use quote::quote;

use super::operation::positional;
use super::rust_type::{ident, Types};
use crate::ir::{MediaKind, Operation, ParamLocation, ParamStyle, PathPart, TypeRef};

pub(super) struct RequestCode {
    /// `let x = path_param(..)?;` for each path parameter.
    pub path_locals: Vec<TokenStream>,
    /// The path expression (`format!("/contacts/{contact_id}")`).
    pub path: TokenStream,
    /// Statements adding parameters, headers and the body to `spec`.
    pub build: Vec<TokenStream>,
    /// `spec` or `mut spec`.
    pub spec_binding: TokenStream,
}

pub(super) fn request_code(types: &Types<'_>, op: &Operation) -> RequestCode {
    let positional = positional(op);
    let body_required = op.body.as_ref().is_some_and(|b| b.required);
    // Path parameters are encoded into locals first so the format string
    // reads like the path template.
    let mut path_locals = Vec::new();
    let mut path_fmt = String::new();
    for part in &op.path {
        match part {
            PathPart::Literal(l) => path_fmt.push_str(&l.replace('{', "{{").replace('}', "}}")),
            PathPart::Param(name) => {
                let p = op
                    .params
                    .iter()
                    .find(|p| p.location == ParamLocation::Path && &p.name == name);
                let Some(p) = p else { continue };
                let n = ident(&p.rust_name);
                path_fmt.push_str(&format!("{{{}}}", p.rust_name));
                let style = style_tokens(p.style);
                let explode = p.explode;
                let wire = &p.name;
                let value = if p.json_text {
                    quote!(&crate::runtime::JsonText(&self.#n))
                } else {
                    quote!(&self.#n)
                };
                path_locals.push(if p.multi_segment {
                    quote!(let #n = crate::runtime::path_segments(#wire, #value)?;)
                } else {
                    quote!(let #n = crate::runtime::path_param(#wire, #value, #style, #explode)?;)
                });
            }
        }
    }
    let path = if path_locals.is_empty() {
        quote!(#path_fmt.to_string())
    } else {
        quote!(format!(#path_fmt))
    };
    let mut build = Vec::new();
    for p in &op.params {
        let n = ident(&p.rust_name);
        let wire = &p.name;
        let required = positional
            .iter()
            .any(|q| q.name == p.name && q.location == p.location);
        let value = if required {
            quote!(Some(&self.#n))
        } else {
            quote!(self.#n.as_ref())
        };
        let arg = if p.json_text {
            quote!(&crate::runtime::JsonText(value))
        } else {
            quote!(value)
        };
        let stmt = match p.location {
            ParamLocation::Path => continue,
            ParamLocation::Query => {
                let style = style_tokens(p.style);
                let explode = p.explode;
                quote!(spec.query_param(#wire, #arg, #style, #explode)?;)
            }
            ParamLocation::Header => quote!(spec.header_param(#wire, #arg)?;),
            ParamLocation::Cookie => quote!(spec.cookie_param(#wire, #arg)?;),
        };
        build.push(quote! {
            if let Some(value) = #value {
                #stmt
            }
        });
    }
    if let Some(b) = &op.body {
        let body_ref = if body_required {
            quote!(Some(&self.body))
        } else {
            quote!(self.body.as_ref())
        };
        // A nullable body is an `Option`: only a value present is checked.
        let validate =
            b.ty.as_ref()
                .filter(|t| types.needs_validation(t))
                .map(|t| match t {
                    TypeRef::Nullable(_) => quote!(if let Some(body) = body {
                        body.validate()?;
                    }),
                    _ => quote!(body.validate()?;),
                });
        let setter = match (b.media, &b.ty) {
            (MediaKind::Json, Some(_)) if b.content_type == "application/json" => {
                quote!(spec.json_body(body)?;)
            }
            (MediaKind::Json, Some(_)) => {
                let ct = &b.content_type;
                quote!(spec.json_body(body)?; spec.set_content_type(#ct);)
            }
            (MediaKind::FormUrlEncoded, Some(_)) => quote!(spec.form_body(body)?;),
            (MediaKind::Multipart, _) if b.form_name.is_some() => {
                quote!(spec.multipart_body(&body.to_multipart()?)?;)
            }
            (MediaKind::Multipart, _) => quote!(spec.multipart_body(body)?;),
            (MediaKind::Text, _) => {
                let ct = &b.content_type;
                quote!(spec.text_body(body.clone(), #ct);)
            }
            _ => quote!(spec.bytes_body(body.clone(), &self.content_type);),
        };
        if body_required {
            build.push(quote! {
                let body = &self.body;
                #validate
                #setter
            });
        } else {
            build.push(quote! {
                if let Some(body) = #body_ref {
                    #validate
                    #setter
                }
            });
        }
    }

    if let Some(accept) = &op.accept {
        build.insert(
            0,
            quote!(spec.headers.push(("Accept".to_owned(), #accept.to_owned()));),
        );
    }
    let spec_binding = if build.is_empty() {
        quote!(spec)
    } else {
        quote!(mut spec)
    };
    RequestCode {
        path_locals,
        path,
        build,
        spec_binding,
    }
}

fn style_tokens(s: ParamStyle) -> TokenStream {
    match s {
        ParamStyle::Form => quote!(crate::runtime::Style::Form),
        ParamStyle::SpaceDelimited => quote!(crate::runtime::Style::SpaceDelimited),
        ParamStyle::PipeDelimited => quote!(crate::runtime::Style::PipeDelimited),
        ParamStyle::DeepObject => quote!(crate::runtime::Style::DeepObject),
        ParamStyle::Simple => quote!(crate::runtime::Style::Simple),
        ParamStyle::Label => quote!(crate::runtime::Style::Label),
        ParamStyle::Matrix => quote!(crate::runtime::Style::Matrix),
    }
}
