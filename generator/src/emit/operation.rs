//! One operation: the `Client` method, its request builder with setters,
//! `send()` and `IntoFuture`. The request and response halves of `send()`
//! are in `request.rs` and `responses.rs`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{code, Para};
use super::request::request_code;
use super::responses::{response_code, ResponseCode};
use super::rust_type::{ident, Types};
use crate::ir::{ClientParam, MediaKind, Operation, Param, ParamLocation, Primitive, TypeRef};

/// Parameters passed to the operation method (path and required ones);
/// the rest are builder setters.
pub(crate) fn positional(op: &Operation) -> Vec<&Param> {
    op.params.iter().filter(|p| p.required).collect()
}

/// How a parameter is held in the request builder and taken as argument.
fn param_types(types: &Types<'_>, p: &Param) -> (TokenStream, TokenStream, TokenStream) {
    // (stored type, argument type, conversion expression)
    let n = ident(&p.rust_name);
    match p.ty.non_null() {
        TypeRef::Primitive(Primitive::String) => {
            (quote!(String), quote!(impl Into<String>), quote!(#n.into()))
        }
        other => {
            let t = types.rust(other, &quote!(types::));
            (t.clone(), t, quote!(#n))
        }
    }
}

fn body_arg(types: &Types<'_>, op: &Operation) -> Option<(TokenStream, TokenStream)> {
    let body = op.body.as_ref()?;
    Some(match (&body.ty, body.media) {
        (Some(t), MediaKind::Json | MediaKind::FormUrlEncoded) => {
            let t = types.rust(t, &quote!(types::));
            (quote!(&'a #t), quote!(body))
        }
        (_, MediaKind::Text) => (quote!(String), quote!(body.into())),
        (_, MediaKind::Multipart) => match &body.form_name {
            Some(form) => {
                let form = ident(form);
                (quote!(&'a #form), quote!(body))
            }
            None => (quote!(&'a crate::runtime::Multipart), quote!(body)),
        },
        _ => (quote!(bytes::Bytes), quote!(body.into())),
    })
}

fn op_docs(op: &Operation) -> TokenStream {
    super::docs::doc_tokens(op_doc_lines(op))
}

/// The lines of the `Client` method's docs.
pub(super) fn op_doc_lines(op: &Operation) -> Vec<String> {
    let route = code(&format!("{} {}", op.method.as_str(), op.path_template));
    let deprecated = if op.deprecated { "**Deprecated.**" } else { "" };
    let form = op.body.as_ref().filter(|b| b.media == MediaKind::Multipart && !b.form_fields.is_empty() && b.form_name.is_none()).map(|b| {
        let fields: Vec<String> = b
            .form_fields
            .iter()
            .map(|f| format!("{}{}{}", code(&f.name), if f.is_file() { " (file)" } else { "" }, if f.required { " (required)" } else { "" }))
            .collect();
        format!("The body is a `multipart/form-data` form ([`crate::runtime::Multipart`]) with the fields {}.", fields.join(", "))
    });
    super::docs::doc_lines(&[
        Para::Spec(op.summary.as_deref()),
        Para::Spec(op.description.as_deref()),
        Para::Ours(deprecated),
        Para::Ours(form.as_deref().unwrap_or_default()),
        Para::Ours(&route),
    ])
}

/// The docs of an optional parameter's setter.
pub(super) fn setter_doc_lines(p: &Param, client_params: &[ClientParam]) -> Vec<String> {
    let client_param = client_params
        .iter()
        .find(|c| p.location == ParamLocation::Header && c.name.eq_ignore_ascii_case(&p.name));
    let note = match client_param {
        Some(c) => format!(
            "Overrides, for this call, the client's setting ([`ClientBuilder::{}`], {} unless changed there).",
            c.rust_name,
            code(&c.default)
        ),
        None => p.default.as_ref().map(|d| format!("Server default: {}.", code(&d.to_string()))).unwrap_or_default(),
    };
    let wire = code(&p.name);
    let where_ = match p.location {
        ParamLocation::Query => format!("Query parameter {wire}."),
        ParamLocation::Header => format!("Header {wire}."),
        ParamLocation::Cookie => format!("Cookie {wire}."),
        ParamLocation::Path => format!("Path parameter {wire}."),
    };
    super::docs::doc_lines(&[
        Para::Spec(p.description.as_deref()),
        Para::Ours(&where_),
        Para::Ours(&note),
    ])
}

/// The docs of an optional body's setter.
pub(super) fn body_doc_lines(op: &Operation) -> Vec<String> {
    let body_doc = op.body.as_ref().and_then(|b| b.description.as_deref());
    super::docs::doc_lines(&[
        Para::Spec(body_doc),
        Para::Ours("The request body (optional)."),
    ])
}

/// The builder's constructor arguments, fields and setters.
struct Members {
    args: Vec<TokenStream>,
    inits: Vec<TokenStream>,
    fields: Vec<TokenStream>,
    setters: Vec<TokenStream>,
}

fn members(types: &Types<'_>, op: &Operation, client_params: &[ClientParam]) -> Members {
    let positional = positional(op);
    let body_required = op.body.as_ref().is_some_and(|b| b.required);
    let mut args = Vec::new();
    let mut inits = Vec::new();
    let mut fields = Vec::new();
    let mut setters = Vec::new();
    for p in &op.params {
        let n = ident(&p.rust_name);
        let (stored, arg, conv) = param_types(types, p);
        if positional
            .iter()
            .any(|q| q.name == p.name && q.location == p.location)
        {
            args.push(quote!(#n: #arg));
            inits.push(if n == conv.to_string() {
                quote!(#n)
            } else {
                quote!(#n: #conv)
            });
            fields.push(quote!(#n: #stored));
        } else {
            inits.push(quote!(#n: None));
            fields.push(quote!(#n: Option<#stored>));
            let d = super::docs::doc_tokens(setter_doc_lines(p, client_params));
            setters.push(quote! {
                #d
                pub fn #n(mut self, #n: #arg) -> Self {
                    self.#n = Some(#conv);
                    self
                }
            });
            if let Some(maybe) = &p.maybe_setter {
                let maybe = ident(maybe);
                let maybe_doc = format!(" Like [`Self::{}`], for a value that may be absent: `None` leaves the parameter unset.", p.rust_name);
                let value = if n == conv.to_string() {
                    quote!(#n)
                } else {
                    quote!(#n.map(|#n| #conv))
                };
                setters.push(quote! {
                    #[doc = #maybe_doc]
                    pub fn #maybe(mut self, #n: Option<#arg>) -> Self {
                        self.#n = #value;
                        self
                    }
                });
            }
        }
    }
    if let Some((stored, conv)) = body_arg(types, op) {
        let arg = if stored.to_string().starts_with('&') {
            stored.clone()
        } else if stored.to_string() == "String" {
            quote!(impl Into<String>)
        } else {
            quote!(impl Into<bytes::Bytes>)
        };
        if body_required {
            args.push(quote!(body: #arg));
            inits.push(if conv.to_string() == "body" {
                quote!(body)
            } else {
                quote!(body: #conv)
            });
            fields.push(quote!(body: #stored));
        } else {
            inits.push(quote!(body: None));
            fields.push(quote!(body: Option<#stored>));
            let d = super::docs::doc_tokens(body_doc_lines(op));
            let value = if conv.to_string() == "body" {
                quote!(body)
            } else {
                quote!(body.map(|body| #conv))
            };
            setters.push(quote! {
                #d
                pub fn body(mut self, body: #arg) -> Self {
                    self.body = Some(#conv);
                    self
                }

                /// Like [`Self::body`], for a body that may be absent: `None` sends none.
                pub fn maybe_body(mut self, body: Option<#arg>) -> Self {
                    self.body = #value;
                    self
                }
            });
        }
    }
    let raw_body = op.body.as_ref().is_some_and(|b| {
        b.ty.is_none() && !matches!(b.media, MediaKind::Text | MediaKind::Multipart)
    });
    if let Some(b) = op.body.as_ref().filter(|_| raw_body) {
        let ct = &b.content_type;
        inits.push(quote!(content_type: #ct.to_string()));
        fields.push(quote!(content_type: String));
        setters.push(quote! {
            /// The body's content type (default: the one the API declares).
            pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
                self.content_type = content_type.into();
                self
            }
        });
    }
    Members {
        args,
        inits,
        fields,
        setters,
    }
}

/// The methods every request builder has, as `prettyplease` prints them
/// inside the builder's `impl` (they do not depend on the operation).
pub(super) const BUILDER_METHODS: &str = concat!(
    "    /// Per-call options: retry policy, timeout, idempotency key,\n",
    "    /// headers. Merged into what the builder already has: each\n",
    "    /// setting given replaces the earlier one, headers add up.\n",
    "    pub fn options(mut self, options: crate::runtime::RequestOptions) -> Self {\n",
    "        self.options.merge(options);\n",
    "        self\n",
    "    }\n",
    "    /// The retry policy for this call.\n",
    "    pub fn retry(mut self, policy: crate::runtime::RetryPolicy) -> Self {\n",
    "        self.options.retry = Some(policy);\n",
    "        self\n",
    "    }\n",
    "    /// The total time allowed for one attempt of this call.\n",
    "    pub fn timeout(mut self, timeout: std::time::Duration) -> Self {\n",
    "        self.options.timeout = Some(timeout);\n",
    "        self\n",
    "    }\n",
    "    /// Sends `Idempotency-Key`, which also makes a non-idempotent\n",
    "    /// request safe to retry.\n",
    "    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {\n",
    "        self.options.idempotency_key = Some(key.into());\n",
    "        self\n",
    "    }\n",
);

/// The rest of every builder's `IntoFuture` impl after `type Output`
/// (an event stream's, whose `send()` is `async`, differs).
pub(super) const INTO_FUTURE: &str = concat!(
    "    type IntoFuture = std::pin::Pin<\n",
    "        Box<dyn std::future::Future<Output = Self::Output> + Send + 'a>,\n",
    "    >;\n",
    "    fn into_future(self) -> Self::IntoFuture {\n",
    "        self.send()\n",
    "    }\n",
);

/// One operation's items as tokens, each item (and each group of the
/// builder's methods) apart, so that [`super::op_text`] can take any of
/// them when it does not write one. Every item carries `cfg`.
pub(super) struct OpItems {
    pub form_struct: Option<TokenStream>,
    pub client_impl: TokenStream,
    pub builder_struct: TokenStream,
    /// The builder's `impl` header (`#cfg impl<'a> Builder<'a>`).
    pub builder_impl_head: TokenStream,
    /// The builder's methods, in order: setters, the shared methods,
    /// `send`, the streaming methods, `request_spec`, `check_status`.
    pub setters: Vec<TokenStream>,
    pub builder_methods: TokenStream,
    pub send: TokenStream,
    pub streaming: Vec<TokenStream>,
    pub request_spec: TokenStream,
    pub check_fn: Option<TokenStream>,
    pub into_future: TokenStream,
    pub output_enum: Option<TokenStream>,
    pub error_enum: TokenStream,
}

impl OpItems {
    /// Every item, in order.
    pub fn all(self) -> TokenStream {
        let OpItems {
            form_struct,
            client_impl,
            builder_struct,
            builder_impl_head,
            setters,
            builder_methods,
            send,
            streaming,
            request_spec,
            check_fn,
            into_future,
            output_enum,
            error_enum,
        } = self;
        quote! {
            #form_struct
            #client_impl
            #builder_struct
            #builder_impl_head {
                #(#setters)*
                #builder_methods
                #send
                #(#streaming)*
                #request_spec
                #check_fn
            }
            #into_future
            #output_enum
            #error_enum
        }
    }
}

/// One operation's items as tokens.
pub(super) fn operation(
    types: &Types<'_>,
    op: &Operation,
    client_params: &[ClientParam],
    cfg: Option<&TokenStream>,
) -> TokenStream {
    op_items(types, op, client_params, cfg).all()
}

/// One operation's items, apart: see [`OpItems`].
pub(super) fn op_items(
    types: &Types<'_>,
    op: &Operation,
    client_params: &[ClientParam],
    cfg: Option<&TokenStream>,
) -> OpItems {
    let builder = ident(&op.builder_name);
    let err = ident(&op.error_name);
    let method_name = ident(&op.name);
    let docs = op_docs(op);
    let Members {
        args,
        inits,
        fields,
        setters,
    } = members(types, op, client_params);
    let request = request_code(types, op);
    let ResponseCode {
        ok_ty,
        success_arms,
        single_success,
        error_arms,
        fallback,
        output_enum,
        error_variants,
    } = response_code(types, op);
    let output_enum = output_enum.map(|tokens| quote!(#cfg #tokens));
    let (path_locals, path, build, spec_binding) = (
        request.path_locals,
        request.path,
        request.build,
        request.spec_binding,
    );
    let method = format_ident!("{}", op.method.as_str());
    let security_alts = op.security.iter().map(|alt| quote!(&[#(#alt),*]));
    let op_name = &op.name;
    let template = &op.path_template;
    let err_doc = format!(
        " Bodies of the error statuses [`Client::{}`] declares; other failures are the other variants of [`crate::runtime::Error`].",
        op.name
    );
    let builder_doc = format!(" A request to [`Client::{}`]: set optional parameters, then `.await` it (or call [`Self::send`]).", op.name);
    let send_doc =
        " Sends the request (retrying as the retry policy allows) and decodes the response.";
    let shared_check =
        super::streaming::shared_check(op, single_success.as_ref(), &error_arms, &fallback);
    let streaming =
        super::streaming::methods(types, op, &error_arms, &fallback, shared_check.is_some());
    let events_send = super::streaming::events_send(types, op, &error_arms, &fallback);
    let build_spec = quote! {
        #(#path_locals)*
        let #spec_binding = crate::runtime::RequestSpec::new(
            #op_name,
            reqwest::Method::#method,
            #template,
            #path,
            &[#(#security_alts),*],
        );
        #(#build)*
    };
    let decode_closure = match &shared_check {
        Some((_, decode)) => quote! {
            |raw| {
                let raw = Self::check_status(raw)?;
                #decode
            }
        },
        None => quote! {
            |raw| match raw.status_code() {
                #(#success_arms)*
                #(#error_arms)*
                #fallback
            }
        },
    };
    let check_fn = shared_check.map(|(f, _)| f);
    // The request is built by `request_spec()` and sent by the runtime's one
    // generic `send` future, the response decoded by a closure: no
    // per-operation `async` state machine (see `runtime::execute::send`).
    // An event stream's `send()` stays `async`: it keeps the response open.
    let request_spec = quote! {
        /// The request as set up so far.
        fn request_spec(&self) -> Result<crate::runtime::RequestSpec, crate::runtime::InvalidRequest> {
            #build_spec
            Ok(spec)
        }
    };
    let send = match &events_send {
        Some((ty, body)) => quote! {
            #[doc = #send_doc]
            #[allow(clippy::result_large_err)]
            pub async fn send(self) -> Result<crate::runtime::Response<#ty>, crate::runtime::Error<#err>> {
                #body
            }
        },
        // The decoding closure returns the call's (large) error, as the
        // `async fn` did.
        None => quote! {
            #[doc = #send_doc]
            #[allow(clippy::result_large_err)]
            pub fn send(self) -> crate::runtime::BoxFuture<'a, Result<crate::runtime::Response<#ok_ty>, crate::runtime::Error<#err>>> {
                let spec = self.request_spec();
                crate::runtime::send(&self.client.config, spec, self.options, #decode_closure)
            }
        },
    };
    let events = events_send.is_some();
    let ok_ty = match events_send {
        Some((ty, _)) => ty,
        None => ok_ty,
    };

    let form_struct = super::forms::form_struct(types, op, cfg);
    let builder_methods = quote! {
        /// Per-call options: retry policy, timeout, idempotency key,
        /// headers. Merged into what the builder already has: each
        /// setting given replaces the earlier one, headers add up.
        pub fn options(mut self, options: crate::runtime::RequestOptions) -> Self {
            self.options.merge(options);
            self
        }

        /// The retry policy for this call.
        pub fn retry(mut self, policy: crate::runtime::RetryPolicy) -> Self {
            self.options.retry = Some(policy);
            self
        }

        /// The total time allowed for one attempt of this call.
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.options.timeout = Some(timeout);
            self
        }

        /// Sends `Idempotency-Key`, which also makes a non-idempotent
        /// request safe to retry.
        pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
            self.options.idempotency_key = Some(key.into());
            self
        }
    };
    // `send()` returns the boxed future itself, except an event stream's
    // `async fn send()`.
    let future = if events {
        quote!(Box::pin(self.send()))
    } else {
        quote!(self.send())
    };

    OpItems {
        form_struct,
        client_impl: quote! {
            #cfg
            impl Client {
                #docs
                pub fn #method_name<'a>(&'a self, #(#args),*) -> #builder<'a> {
                    #builder {
                        client: self,
                        #(#inits,)*
                        options: crate::runtime::RequestOptions::default(),
                    }
                }
            }
        },
        builder_struct: quote! {
            #cfg
            #[doc = #builder_doc]
            #[derive(Clone, Debug)]
            #[must_use = "a request does nothing until it is awaited or sent"]
            pub struct #builder<'a> {
                client: &'a Client,
                #(#fields,)*
                options: crate::runtime::RequestOptions,
            }
        },
        builder_impl_head: quote!(#cfg impl<'a> #builder<'a>),
        setters,
        builder_methods,
        send,
        streaming,
        request_spec,
        check_fn,
        into_future: quote! {
            #cfg
            impl<'a> std::future::IntoFuture for #builder<'a> {
                type Output = Result<crate::runtime::Response<#ok_ty>, crate::runtime::Error<#err>>;
                type IntoFuture = std::pin::Pin<Box<dyn std::future::Future<Output = Self::Output> + Send + 'a>>;

                fn into_future(self) -> Self::IntoFuture {
                    #future
                }
            }
        },
        output_enum,
        error_enum: quote! {
            #cfg
            #[doc = #err_doc]
            #[derive(Clone, Debug, PartialEq)]
            #[non_exhaustive]
            pub enum #err {
                #(#error_variants)*
            }
        },
    }
}
