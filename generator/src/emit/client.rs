//! The `Client`, its builder, servers, and one request builder per
//! operation.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{doc, doc_paragraphs};
use super::rust_type::{ident, Types};
use crate::ir::{
    Api, MediaKind, Operation, Param, ParamLocation, ParamStyle, PathPart, Primitive, ResponseBody,
    SecurityKind, SecurityScheme, StatusMatch, TypeRef,
};
use crate::lower::pascal;

/// `cfg_for` gives the `#[cfg(...)]` gating an operation, if any.
pub fn client_items(api: &Api, types: &Types<'_>, cfg_for: &dyn Fn(&Operation) -> Option<TokenStream>) -> Vec<TokenStream> {
    let mut items = vec![servers(api), client(api), builder(api)];
    for op in &api.operations {
        let cfg = cfg_for(op);
        items.push(operation(api, types, op, cfg.as_ref()));
    }
    items
}

fn default_url(api: &Api) -> String {
    api.servers.first().map(|s| s.url.clone()).unwrap_or_default()
}

fn servers(api: &Api) -> TokenStream {
    if api.servers.is_empty() {
        return quote! {
            /// The API declares no servers: pass a base URL to
            /// [`ClientBuilder::base_url`].
            pub const DEFAULT_BASE_URL: &str = "";
        };
    }
    let url = default_url(api);
    let variants = api.servers.iter().enumerate().map(|(i, s)| {
        let name = ident(&s.name);
        let d = doc_paragraphs(&[s.description.as_deref(), Some(&format!("`{}`", s.url))]);
        let default = (i == 0).then(|| quote!(#[default]));
        quote!(#d #default #name,)
    });
    let arms = api.servers.iter().map(|s| {
        let name = ident(&s.name);
        let url = &s.url;
        quote!(Server::#name => #url,)
    });
    quote! {
        /// The default base URL: the first server the API declares.
        pub const DEFAULT_BASE_URL: &str = #url;

        /// The servers the API declares. Any other base URL (a proxy, a mock
        /// server) can be given to [`ClientBuilder::base_url`].
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        pub enum Server {
            #(#variants)*
        }

        impl Server {
            /// The server's base URL.
            pub const fn url(self) -> &'static str {
                match self {
                    #(#arms)*
                }
            }
        }
    }
}

/// The credential argument(s) for a scheme and the `Auth` value built from
/// them.
fn credential(s: &SecurityScheme) -> (Vec<TokenStream>, TokenStream) {
    let key = &s.key;
    match &s.kind {
        SecurityKind::Bearer { .. } => (
            vec![quote!(token: impl Into<crate::runtime::Secret>)],
            quote!(crate::runtime::Auth::Bearer(token.into())),
        ),
        SecurityKind::Basic => (
            vec![quote!(username: impl Into<String>), quote!(password: impl Into<crate::runtime::Secret>)],
            quote!(crate::runtime::Auth::Basic { username: username.into(), password: password.into() }),
        ),
        SecurityKind::ApiKey { location, name } => {
            let loc = match location {
                crate::ir::ApiKeyLocation::Header => quote!(Header),
                crate::ir::ApiKeyLocation::Query => quote!(Query),
                crate::ir::ApiKeyLocation::Cookie => quote!(Cookie),
            };
            let _ = key;
            (
                vec![quote!(key: impl Into<crate::runtime::Secret>)],
                quote!(crate::runtime::Auth::ApiKey {
                    location: crate::runtime::ApiKeyLocation::#loc,
                    name: #name.to_string(),
                    value: key.into(),
                }),
            )
        }
    }
}

fn scheme_doc(s: &SecurityScheme) -> String {
    let how = match &s.kind {
        SecurityKind::Bearer { format: Some(f) } => format!("a bearer token ({f}) sent in `Authorization`"),
        SecurityKind::Bearer { format: None } => "a bearer token sent in `Authorization`".to_string(),
        SecurityKind::Basic => "HTTP basic credentials".to_string(),
        SecurityKind::ApiKey { location, name } => {
            let loc = match location {
                crate::ir::ApiKeyLocation::Header => "header",
                crate::ir::ApiKeyLocation::Query => "query parameter",
                crate::ir::ApiKeyLocation::Cookie => "cookie",
            };
            format!("an API key sent in the `{name}` {loc}")
        }
    };
    format!("Authenticates with {how} (security scheme `{}`).", s.key)
}

fn client(api: &Api) -> TokenStream {
    let title = format!("A client for the {} API (version {}).", api.title, api.version);
    let cheap = "Cloning is cheap: clones share the connection pool.";
    let docs = doc_paragraphs(&[Some(&title), api.description.as_deref(), Some(cheap)]);
    // Without declared servers there is no sensible default: the base URL
    // becomes a required argument.
    let no_servers = api.servers.is_empty();
    let (url_arg, url_expr, url_doc) = if no_servers {
        (Some(quote!(base_url: impl Into<String>,)), quote!(&base_url.into()), "A client for the server at `base_url` (the API declares no servers).")
    } else {
        (None, quote!(DEFAULT_BASE_URL), "A client for the default server.")
    };
    let new_fn = if api.security_schemes.len() == 1 {
        let s = &api.security_schemes[0];
        let (args, auth) = credential(s);
        let key = &s.key;
        let d = doc(&format!("{url_doc} {}", scheme_doc(s)));
        quote! {
            #d
            pub fn new(#url_arg #(#args),*) -> Self {
                let mut config = crate::runtime::ClientConfig::new(#url_expr);
                config.credentials.set(#key, #auth);
                Self { config }
            }
        }
    } else {
        let d = if api.security_schemes.is_empty() {
            url_doc.to_string()
        } else {
            format!("{url_doc} No credentials are set: use [`Client::builder`] to add them.")
        };
        let d = doc(&d);
        quote! {
            #d
            pub fn new(#url_arg) -> Self {
                Self { config: crate::runtime::ClientConfig::new(#url_expr) }
            }
        }
    };
    let default_impl = (api.security_schemes.len() != 1 && !no_servers).then(|| {
        quote! {
            impl Default for Client {
                fn default() -> Self {
                    Self::new()
                }
            }
        }
    });
    quote! {
        #docs
        #[derive(Clone, Debug)]
        pub struct Client {
            config: crate::runtime::ClientConfig,
        }

        #default_impl

        impl Client {
            #new_fn

            /// Configures a client: server, credentials, timeouts, retries,
            /// HTTP client.
            pub fn builder() -> ClientBuilder {
                ClientBuilder { inner: crate::runtime::ClientBuilder::new(DEFAULT_BASE_URL) }
            }

            /// A client using an existing configuration.
            pub fn from_config(config: crate::runtime::ClientConfig) -> Self {
                Self { config }
            }

            /// The client's configuration.
            pub fn config(&self) -> &crate::runtime::ClientConfig {
                &self.config
            }
        }
    }
}

fn builder(api: &Api) -> TokenStream {
    let server = (!api.servers.is_empty()).then(|| {
        quote! {
            /// Uses one of the API's declared servers.
            pub fn server(self, server: Server) -> Self {
                self.base_url(server.url())
            }
        }
    });
    let creds = api.security_schemes.iter().map(|s| {
        let (args, auth) = credential(s);
        let key = &s.key;
        let name = ident(&s.rust_name);
        let d = doc_paragraphs(&[Some(&scheme_doc(s)), s.description.as_deref()]);
        quote! {
            #d
            pub fn #name(mut self, #(#args),*) -> Self {
                self.inner = self.inner.credential(#key, #auth);
                self
            }
        }
    });
    quote! {
        /// Builds a [`Client`].
        #[derive(Debug)]
        pub struct ClientBuilder {
            inner: crate::runtime::ClientBuilder,
        }

        impl ClientBuilder {
            #server

            /// Uses any base URL, e.g. a proxy or a local mock server.
            pub fn base_url(mut self, url: impl Into<String>) -> Self {
                self.inner = self.inner.base_url(url);
                self
            }

            /// Sends requests with this `reqwest::Client` (its own timeouts
            /// and TLS settings apply).
            pub fn http_client(mut self, client: reqwest::Client) -> Self {
                self.inner = self.inner.http_client(client);
                self
            }

            /// The retry policy for every request (overridable per call).
            pub fn retry(mut self, policy: crate::runtime::RetryPolicy) -> Self {
                self.inner = self.inner.retry(policy);
                self
            }

            /// Total time allowed for one attempt of a request.
            pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
                self.inner = self.inner.timeout(timeout);
                self
            }

            /// Time allowed to establish a connection.
            pub fn connect_timeout(mut self, timeout: std::time::Duration) -> Self {
                self.inner = self.inner.connect_timeout(timeout);
                self
            }

            /// Replaces the default `User-Agent`.
            pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
                self.inner = self.inner.user_agent(user_agent);
                self
            }

            /// A header sent with every request.
            pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
                self.inner = self.inner.header(name, value);
                self
            }

            #(#creds)*

            /// Validates the configuration and builds the client.
            pub fn build(self) -> Result<Client, crate::runtime::InvalidRequest> {
                Ok(Client { config: self.inner.build()? })
            }
        }
    }
}

fn builder_name(op: &Operation) -> proc_macro2::Ident {
    format_ident!("{}Builder", pascal(&op.name))
}

fn error_name(op: &Operation) -> proc_macro2::Ident {
    format_ident!("{}Error", pascal(&op.name))
}

fn output_name(op: &Operation) -> proc_macro2::Ident {
    format_ident!("{}Output", pascal(&op.name))
}

/// Parameters passed to the operation method (path and required ones);
/// the rest are builder setters.
fn positional(op: &Operation) -> Vec<&Param> {
    op.params.iter().filter(|p| p.required).collect()
}

/// How a parameter is held in the request builder and taken as argument.
fn param_types(types: &Types<'_>, p: &Param) -> (TokenStream, TokenStream, TokenStream) {
    // (stored type, argument type, conversion expression)
    let n = ident(&p.rust_name);
    match p.ty.non_null() {
        TypeRef::Primitive(Primitive::String) => (quote!(String), quote!(impl Into<String>), quote!(#n.into())),
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
        (_, MediaKind::Multipart) => (quote!(&'a crate::runtime::Multipart), quote!(body)),
        _ => (quote!(bytes::Bytes), quote!(body.into())),
    })
}

fn op_docs(op: &Operation) -> TokenStream {
    let route = format!("`{} {}`", op.method.as_str(), op.path_template);
    let deprecated = op.deprecated.then_some("**Deprecated.**");
    let form = op.body.as_ref().filter(|b| !b.form_fields.is_empty()).map(|b| {
        format!("The body is a `multipart/form-data` form ([`crate::runtime::Multipart`]) with the fields {}.", b.form_fields.join(", "))
    });
    doc_paragraphs(&[op.summary.as_deref(), op.description.as_deref(), deprecated, form.as_deref(), Some(&route)])
}

fn operation(api: &Api, types: &Types<'_>, op: &Operation, cfg: Option<&TokenStream>) -> TokenStream {
    let _ = api;
    let builder = builder_name(op);
    let err = error_name(op);
    let method_name = ident(&op.name);
    let docs = op_docs(op);

    let positional = positional(op);
    let body_required = op.body.as_ref().is_some_and(|b| b.required);
    let mut args = Vec::new();
    let mut inits = Vec::new();
    let mut fields = Vec::new();
    let mut setters = Vec::new();
    for p in &op.params {
        let n = ident(&p.rust_name);
        let (stored, arg, conv) = param_types(types, p);
        if positional.iter().any(|q| q.name == p.name && q.location == p.location) {
            args.push(quote!(#n: #arg));
            inits.push(if conv.to_string() == p.rust_name { quote!(#n) } else { quote!(#n: #conv) });
            fields.push(quote!(#n: #stored));
        } else {
            inits.push(quote!(#n: None));
            fields.push(quote!(#n: Option<#stored>));
            let default_note = p.default.as_ref().map(|d| format!("Server default: `{d}`."));
            let where_ = match p.location {
                ParamLocation::Query => format!("Query parameter `{}`.", p.name),
                ParamLocation::Header => format!("Header `{}`.", p.name),
                ParamLocation::Cookie => format!("Cookie `{}`.", p.name),
                ParamLocation::Path => format!("Path parameter `{}`.", p.name),
            };
            let d = doc_paragraphs(&[p.description.as_deref(), Some(&where_), default_note.as_deref()]);
            setters.push(quote! {
                #d
                pub fn #n(mut self, #n: #arg) -> Self {
                    self.#n = Some(#conv);
                    self
                }
            });
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
        let body_doc = op.body.as_ref().and_then(|b| b.description.clone());
        if body_required {
            args.push(quote!(body: #arg));
            inits.push(if conv.to_string() == "body" { quote!(body) } else { quote!(body: #conv) });
            fields.push(quote!(body: #stored));
        } else {
            inits.push(quote!(body: None));
            fields.push(quote!(body: Option<#stored>));
            let d = doc_paragraphs(&[body_doc.as_deref(), Some("The request body (optional).")]);
            setters.push(quote! {
                #d
                pub fn body(mut self, body: #arg) -> Self {
                    self.body = Some(#conv);
                    self
                }
            });
        }
    }
    let raw_body = op.body.as_ref().is_some_and(|b| b.ty.is_none() && !matches!(b.media, MediaKind::Text | MediaKind::Multipart));
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

    // --- send(): build the request ---
    // Path parameters are encoded into locals first so the format string
    // reads like the path template.
    let mut path_locals = Vec::new();
    let mut path_fmt = String::new();
    for part in &op.path {
        match part {
            PathPart::Literal(l) => path_fmt.push_str(&l.replace('{', "{{").replace('}', "}}")),
            PathPart::Param(name) => {
                let p = op.params.iter().find(|p| p.location == ParamLocation::Path && &p.name == name);
                let Some(p) = p else { continue };
                let n = ident(&p.rust_name);
                path_fmt.push_str(&format!("{{{}}}", p.rust_name));
                let style = style_tokens(p.style);
                let explode = p.explode;
                let wire = &p.name;
                path_locals.push(quote!(let #n = crate::runtime::path_param(#wire, &self.#n, #style, #explode)?;));
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
        let required = positional.iter().any(|q| q.name == p.name && q.location == p.location);
        let value = if required { quote!(Some(&self.#n)) } else { quote!(self.#n.as_ref()) };
        let stmt = match p.location {
            ParamLocation::Path => continue,
            ParamLocation::Query => {
                let style = style_tokens(p.style);
                let explode = p.explode;
                quote!(spec.query_param(#wire, value, #style, #explode)?;)
            }
            ParamLocation::Header => quote!(spec.header_param(#wire, value)?;),
            ParamLocation::Cookie => quote!(spec.cookie_param(#wire, value)?;),
        };
        build.push(quote! {
            if let Some(value) = #value {
                #stmt
            }
        });
    }
    if let Some(b) = &op.body {
        let body_ref = if body_required { quote!(Some(&self.body)) } else { quote!(self.body.as_ref()) };
        let validate = b.ty.as_ref().is_some_and(|t| types.needs_validation(t)).then(|| quote!(body.validate()?;));
        let setter = match (b.media, &b.ty) {
            (MediaKind::Json, Some(_)) if b.content_type == "application/json" => quote!(spec.json_body(body)?;),
            (MediaKind::Json, Some(_)) => {
                let ct = &b.content_type;
                quote!(spec.json_body(body)?; spec.set_content_type(#ct);)
            }
            (MediaKind::FormUrlEncoded, Some(_)) => quote!(spec.form_body(body)?;),
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
        build.insert(0, quote!(spec.headers.push(("Accept".to_owned(), #accept.to_owned()));));
    }
    let spec_binding = if build.is_empty() { quote!(spec) } else { quote!(mut spec) };
    let method = format_ident!("{}", op.method.as_str());
    let security_alts = op.security.iter().map(|alt| quote!(&[#(#alt),*]));
    let op_name = &op.name;

    // --- responses ---
    let successes: Vec<_> = op.responses.iter().filter(|r| r.status.is_success()).collect();
    let errors: Vec<_> = op.responses.iter().filter(|r| !r.status.is_success()).collect();
    let body_ty = |b: &ResponseBody| -> TokenStream {
        match b {
            ResponseBody::Empty => quote!(()),
            ResponseBody::Json(t) => types.rust(t, &quote!(types::)),
            ResponseBody::Text => quote!(String),
            ResponseBody::Raw => quote!(crate::runtime::RawBody),
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
            ResponseBody::Raw => quote!(raw.raw()),
        }
    };
    let default_response = errors.iter().find(|r| r.status == StatusMatch::Default);
    let (ok_ty, success_arms) = match successes.len() {
        // Only `default` declared: it describes successes too.
        0 if default_response.is_some() => {
            let r = default_response.expect("checked");
            let d = decode(&r.body);
            (body_ty(&r.body), vec![quote!(200..=299 => #d,)])
        }
        0 => (
            quote!(crate::runtime::RawBody),
            vec![quote!(200..=299 => raw.raw(),)],
        ),
        1 => {
            let r = successes[0];
            let pat = status_pattern(r.status);
            let d = decode(&r.body);
            (body_ty(&r.body), vec![quote!(#pat => #d,)])
        }
        _ => {
            let out = output_name(op);
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
    let output_enum = if successes.len() > 1 {
        let tokens = output_enum_tokens(op, &successes, &body_ty);
        quote!(#cfg #tokens)
    } else {
        quote!()
    };
    let error_variants = errors.iter().map(|r| {
        let vn = ident(&r.name);
        let t = body_ty(&r.body);
        let d = doc_paragraphs(&[r.description.as_deref(), Some(&status_doc(r.status))]);
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
            ResponseBody::Raw => quote!(crate::runtime::RawBody(raw.body.clone())),
        };
        quote!(#pat => {
            let body = #body;
            Err(raw.api_error(#err::#vn(body)))
        })
    });
    let has_default = errors.iter().any(|r| r.status == StatusMatch::Default);
    let fallback = (!has_default).then(|| quote!(_ => Err(raw.unexpected()),));
    let err_doc = format!(
        " Bodies of the error statuses [`Client::{}`] declares; other failures are the other variants of [`crate::runtime::Error`].",
        op.name
    );
    let builder_doc = format!(" A request to [`Client::{}`]: set optional parameters, then `.await` it (or call [`Self::send`]).", op.name);
    let send_doc = " Sends the request (retrying as the retry policy allows) and decodes the response.";

    quote! {
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

        #cfg
        #[doc = #builder_doc]
        #[derive(Debug)]
        #[must_use = "a request does nothing until it is awaited or sent"]
        pub struct #builder<'a> {
            client: &'a Client,
            #(#fields,)*
            options: crate::runtime::RequestOptions,
        }

        #cfg
        impl<'a> #builder<'a> {
            #(#setters)*

            /// Per-call options: retry policy, timeout, idempotency key, headers.
            pub fn options(mut self, options: crate::runtime::RequestOptions) -> Self {
                self.options = options;
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

            #[doc = #send_doc]
            pub async fn send(self) -> Result<crate::runtime::Response<#ok_ty>, crate::runtime::Error<#err>> {
                #(#path_locals)*
                let #spec_binding = crate::runtime::RequestSpec::new(
                    #op_name,
                    reqwest::Method::#method,
                    #path,
                    &[#(#security_alts),*],
                );
                #(#build)*
                let raw = crate::runtime::execute::<#err>(&self.client.config, spec, &self.options).await?;
                match raw.status_code() {
                    #(#success_arms)*
                    #(#error_arms)*
                    #fallback
                }
            }
        }

        #cfg
        impl<'a> std::future::IntoFuture for #builder<'a> {
            type Output = Result<crate::runtime::Response<#ok_ty>, crate::runtime::Error<#err>>;
            type IntoFuture = std::pin::Pin<Box<dyn std::future::Future<Output = Self::Output> + Send + 'a>>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }

        #output_enum

        #cfg
        #[doc = #err_doc]
        #[derive(Clone, Debug, PartialEq)]
        pub enum #err {
            #(#error_variants)*
        }
    }
}

fn output_enum_tokens(op: &Operation, successes: &[&crate::ir::Response], body_ty: &dyn Fn(&ResponseBody) -> TokenStream) -> TokenStream {
    let out = output_name(op);
    let variants = successes.iter().map(|r| {
        let vn = ident(&r.name);
        let t = body_ty(&r.body);
        let d = doc_paragraphs(&[r.description.as_deref(), Some(&status_doc(r.status))]);
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

fn status_doc(s: StatusMatch) -> String {
    match s {
        StatusMatch::Code(c) => format!("Status {c}."),
        StatusMatch::Range(r) => format!("Any {r}xx status."),
        StatusMatch::Default => "Any status not declared otherwise.".to_string(),
    }
}

fn status_pattern(s: StatusMatch) -> TokenStream {
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
