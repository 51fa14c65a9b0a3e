//! The `Client`, its builder and the servers enum; each operation's method
//! and request builder come from `operation.rs`.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{code, doc, inline, Para};
use super::rust_type::{ident, Types};
use crate::ir::{
    Api, ClientCredentialsFlow, ClientParam, Primitive, SecurityKind, SecurityScheme, TypeRef,
};

/// The items of `client.rs` before the operations: servers, `Client`,
/// `ClientBuilder`. Each operation's items come from
/// [`super::operation::operation`]. `gated`: the operations are behind
/// cargo features.
pub fn head_items(api: &Api, types: &Types<'_>, gated: bool) -> [TokenStream; 3] {
    [servers(api), client(api, gated), builder(api, types)]
}

fn default_url(api: &Api) -> String {
    api.servers
        .first()
        .map(|s| s.url.clone())
        .unwrap_or_default()
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
        let d = doc(&[
            Para::Spec(s.description.as_deref()),
            Para::Ours(&code(&s.url)),
        ]);
        let default = (i == 0).then(|| quote!(#[default]));
        quote!(#d #default #name,)
    });
    let arms = api.servers.iter().map(|s| {
        let name = ident(&s.name);
        let url = &s.url;
        quote!(Server::#name => #url,)
    });
    let (template, variable_enums) = if api.server_variables.is_empty() {
        (None, None)
    } else {
        let arms = api.servers.iter().map(|s| {
            let name = ident(&s.name);
            let template = &s.template;
            quote!(Server::#name => #template,)
        });
        let default_arms = api.servers.iter().map(|s| {
            let name = ident(&s.name);
            let pairs = s.variables.iter().map(|(var, default)| {
                let placeholder = format!("{{{var}}}");
                quote!((#placeholder, #default))
            });
            quote!(Server::#name => &[#(#pairs),*],)
        });
        let template = quote! {
            /// The server's URL with its variables as `{name}` placeholders.
            const fn template(self) -> &'static str {
                match self {
                    #(#arms)*
                }
            }

            /// The placeholders of the server's URL and their defaults.
            const fn variable_defaults(self) -> &'static [(&'static str, &'static str)] {
                match self {
                    #(#default_arms)*
                }
            }
        };
        (Some(template), variable_enums(api))
    };
    quote! {
        /// The default base URL: the first server the API declares.
        pub const DEFAULT_BASE_URL: &str = #url;

        /// The servers the API declares. Any other base URL (a proxy, a mock
        /// server) can be given to [`ClientBuilder::base_url`].
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        #[non_exhaustive]
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

            #template
        }

        #variable_enums
    }
}

/// The `server_variables` module: an enum per server variable that declares
/// its values, with an `Other` escape for values the API added later.
fn variable_enums(api: &Api) -> Option<TokenStream> {
    let enums: Vec<TokenStream> = api
        .server_variables
        .iter()
        .filter_map(|v| {
            let name = ident(v.enum_name.as_deref()?);
            let d = doc(&[
                Para::Ours(&format!(
                    "The values of server variable {} (default {}).",
                    code(&v.name),
                    code(&v.default)
                )),
                Para::Spec(v.description.as_deref()),
            ]);
            let variants = v.values.iter().map(|x| {
                let variant = ident(&x.rust_name);
                let d = doc(&[Para::Ours(&code(&x.value))]);
                quote!(#d #variant,)
            });
            let arms = v.values.iter().map(|x| {
                let variant = ident(&x.rust_name);
                let value = &x.value;
                quote!(Self::#variant => #value,)
            });
            Some(quote! {
                #d
                #[derive(Clone, Debug, PartialEq, Eq, Hash)]
                pub enum #name {
                    #(#variants)*
                    /// Any other value.
                    Other(String),
                }

                impl #name {
                    /// The value as put into the URL.
                    pub fn as_str(&self) -> &str {
                        match self {
                            #(#arms)*
                            Self::Other(value) => value,
                        }
                    }
                }
            })
        })
        .collect();
    if enums.is_empty() {
        return None;
    }
    Some(quote! {
        /// The values of the server URL variables that declare them.
        pub mod server_variables {
            #(#enums)*
        }
    })
}

/// The credential argument(s) for a scheme and the `Auth` value built from
/// them.
pub(crate) fn credential(s: &SecurityScheme) -> (Vec<TokenStream>, TokenStream) {
    match &s.kind {
        SecurityKind::Bearer { .. } => (
            vec![quote!(token: impl Into<crate::runtime::Secret>)],
            quote!(crate::runtime::Auth::Bearer(token.into())),
        ),
        SecurityKind::Basic => (
            vec![
                quote!(username: impl Into<String>),
                quote!(password: impl Into<crate::runtime::Secret>),
            ],
            quote!(crate::runtime::Auth::Basic {
                username: username.into(),
                password: password.into()
            }),
        ),
        SecurityKind::ApiKey { location, name } => {
            let loc = match location {
                crate::ir::ApiKeyLocation::Header => quote!(Header),
                crate::ir::ApiKeyLocation::Query => quote!(Query),
                crate::ir::ApiKeyLocation::Cookie => quote!(Cookie),
            };
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
        SecurityKind::Bearer { format: Some(f) } => {
            format!("a bearer token ({}) sent in `Authorization`", inline(f))
        }
        SecurityKind::Bearer { format: None } => {
            "a bearer token sent in `Authorization`".to_string()
        }
        SecurityKind::Basic => "HTTP basic credentials".to_string(),
        SecurityKind::ApiKey { location, name } => {
            let loc = match location {
                crate::ir::ApiKeyLocation::Header => "header",
                crate::ir::ApiKeyLocation::Query => "query parameter",
                crate::ir::ApiKeyLocation::Cookie => "cookie",
            };
            format!("an API key sent in the {} {loc}", code(name))
        }
    };
    format!(
        "Authenticates with {how} (security scheme {}).",
        code(&s.key)
    )
}

/// The arguments of `Client::new`: the base URL when the API declares no
/// servers, then the credential of its only security scheme, if it has one.
pub(crate) fn new_args(api: &Api) -> Vec<TokenStream> {
    let mut args = Vec::new();
    if api.servers.is_empty() {
        args.push(quote!(base_url: impl Into<String>));
    }
    if let [s] = api.security_schemes.as_slice() {
        args.extend(credential(s).0);
    }
    args
}

/// Whether `Client` implements `Default` (`new` takes no arguments).
pub(crate) fn has_default(api: &Api) -> bool {
    api.security_schemes.len() != 1 && !api.servers.is_empty()
}

fn client(api: &Api, gated: bool) -> TokenStream {
    let title = format!(
        "A client for the {} API (version {}).",
        inline(&api.title),
        inline(&api.version)
    );
    let cheap = "Cloning is cheap: clones share the connection pool.";
    let params = client_params_doc(&api.client_params).unwrap_or_default();
    let docs = doc(&[
        Para::Ours(&title),
        Para::Spec(api.description.as_deref()),
        Para::Ours(cheap),
        Para::Ours(&params),
    ]);
    // Client-level parameters start at their defaults.
    let set_defaults: Vec<TokenStream> = api
        .client_params
        .iter()
        .map(|c| {
            let (name, default) = (&c.name, &c.default);
            quote!(config.set_header_param(#name, #default);)
        })
        .collect();
    let builder_defaults = api.client_params.iter().map(|c| {
        let (name, default) = (&c.name, &c.default);
        quote!(.header_param(#name, #default))
    });
    let var_init = (!api.server_variables.is_empty()).then(|| {
        let vars = api.server_variables.iter().map(|v| {
            let placeholder = format!("{{{}}}", v.name);
            quote!((#placeholder, None))
        });
        quote! {
            server: Some(Server::default()),
            variables: vec![#(#vars),*],
        }
    });
    // Without declared servers there is no sensible default: the base URL
    // becomes a required argument.
    let no_servers = api.servers.is_empty();
    let (url_expr, url_doc) = if no_servers {
        (
            quote!(&base_url.into()),
            "A client for the server at `base_url` (the API declares no servers).",
        )
    } else {
        (quote!(DEFAULT_BASE_URL), "A client for the default server.")
    };
    let args = new_args(api);
    let new_fn = if let [s] = api.security_schemes.as_slice() {
        let auth = credential(s).1;
        let key = &s.key;
        let d = doc(&[Para::Ours(&format!("{url_doc} {}", scheme_doc(s)))]);
        quote! {
            #d
            pub fn new(#(#args),*) -> Self {
                let mut config = crate::runtime::ClientConfig::new(#url_expr);
                config.set_credential(#key, #auth);
                #(#set_defaults)*
                Self { config }
            }
        }
    } else {
        let d = if api.security_schemes.is_empty() {
            url_doc.to_string()
        } else {
            format!("{url_doc} No credentials are set: use [`Client::builder`] to add them.")
        };
        let d = doc(&[Para::Ours(&d)]);
        let body = if set_defaults.is_empty() {
            quote!(Self { config: crate::runtime::ClientConfig::new(#url_expr) })
        } else {
            quote! {
                let mut config = crate::runtime::ClientConfig::new(#url_expr);
                #(#set_defaults)*
                Self { config }
            }
        };
        quote! {
            #d
            pub fn new(#(#args),*) -> Self {
                #body
            }
        }
    };
    let default_impl = has_default(api).then(|| {
        quote! {
            impl Default for Client {
                fn default() -> Self {
                    Self::new()
                }
            }
        }
    });
    // Only operations read the configuration; an API without any (webhooks
    // only), or a crate built without any operation feature, still has a
    // client.
    let unread = (gated || api.operations.is_empty()).then(|| quote!(#[allow(dead_code)]));
    quote! {
        #docs
        #[derive(Clone, Debug)]
        pub struct Client {
            #unread
            config: crate::runtime::ClientConfig,
        }

        #default_impl

        impl Client {
            #new_fn

            /// Configures a client: server, credentials, timeouts, retries,
            /// HTTP client.
            pub fn builder() -> ClientBuilder {
                ClientBuilder {
                    inner: crate::runtime::ClientBuilder::new(DEFAULT_BASE_URL)#(#builder_defaults)*,
                    #var_init
                }
            }
        }
    }
}

fn builder(api: &Api, types: &Types<'_>) -> TokenStream {
    let has_vars = !api.server_variables.is_empty();
    let server = (!api.servers.is_empty()).then(|| {
        if has_vars {
            quote! {
                /// Uses one of the API's declared servers, its URL variables
                /// as set on this builder.
                pub fn server(mut self, server: Server) -> Self {
                    self.server = Some(server);
                    self
                }
            }
        } else {
            quote! {
                /// Uses one of the API's declared servers.
                pub fn server(self, server: Server) -> Self {
                    self.base_url(server.url())
                }
            }
        }
    });
    let variable_setters = api.server_variables.iter().enumerate().map(|(i, v)| {
        let i = proc_macro2::Literal::usize_unsuffixed(i);
        let name = ident(&v.rust_name);
        let d = doc(&[
            Para::Ours(&format!(
                "Sets server URL variable {}; unset, each server uses its declared default ({} for the first). Unused after [`Self::base_url`].",
                code(&v.name),
                code(&v.default)
            )),
            Para::Spec(v.description.as_deref()),
        ]);
        let (arg, value) = match &v.enum_name {
            Some(e) => {
                let e = ident(e);
                (
                    quote!(value: server_variables::#e),
                    quote!(value.as_str().to_string()),
                )
            }
            None => (quote!(value: impl Into<String>), quote!(value.into())),
        };
        quote! {
            #d
            pub fn #name(mut self, #arg) -> Self {
                self.variables[#i].1 = Some(#value);
                self
            }
        }
    });
    let (var_fields, base_url_reset, build_url) = if has_vars {
        (
            Some(quote! {
                /// The declared server to use; `None` after
                /// [`Self::base_url`].
                server: Option<Server>,
                /// Each URL variable's placeholder and value, if set.
                variables: Vec<(&'static str, Option<String>)>,
            }),
            Some(quote!(self.server = None;)),
            Some(quote! {
                if let Some(server) = self.server {
                    let mut url = server.template().to_string();
                    for (placeholder, value) in &self.variables {
                        if let Some(value) = value {
                            url = url.replace(placeholder, value);
                        }
                    }
                    for (placeholder, default) in server.variable_defaults() {
                        url = url.replace(placeholder, default);
                    }
                    self.inner = self.inner.base_url(url);
                }
            }),
        )
    } else {
        (None, None, None)
    };
    let build_self = if has_vars {
        quote!(mut self)
    } else {
        quote!(self)
    };
    let creds = api.security_schemes.iter().map(|s| {
        let (args, auth) = credential(s);
        let key = &s.key;
        let name = ident(&s.rust_name);
        let d = doc(&[
            Para::Ours(&scheme_doc(s)),
            Para::Spec(s.description.as_deref()),
        ]);
        let provider = s
            .provider_setter
            .as_deref()
            .map(|setter| provider_setter(s, setter));
        let flow = s
            .client_credentials
            .as_ref()
            .map(|flow| client_credentials_setter(s, flow));
        quote! {
            #d
            pub fn #name(mut self, #(#args),*) -> Self {
                self.inner = self.inner.credential(#key, #auth);
                self
            }
            #provider
            #flow
        }
    });
    let params = api
        .client_params
        .iter()
        .map(|c| client_param_setter(types, c));
    quote! {
        /// Builds a [`Client`].
        #[derive(Debug)]
        pub struct ClientBuilder {
            inner: crate::runtime::ClientBuilder,
            #var_fields
        }

        impl ClientBuilder {
            #server

            /// Uses any base URL, e.g. a proxy or a local mock server.
            pub fn base_url(mut self, url: impl Into<String>) -> Self {
                self.inner = self.inner.base_url(url);
                #base_url_reset
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

            /// Runs `hook` around every attempt of every call (after the
            /// hooks added before it): see [`crate::runtime::Hook`].
            pub fn hook(mut self, hook: impl crate::runtime::Hook) -> Self {
                self.inner = self.inner.hook(hook);
                self
            }

            #(#creds)*

            #(#params)*

            #(#variable_setters)*

            /// Validates the configuration and builds the client.
            pub fn build(#build_self) -> Result<Client, crate::runtime::InvalidRequest> {
                #build_url
                Ok(Client { config: self.inner.build()? })
            }
        }
    }
}

/// The setter taking a credential provider for scheme `s`.
fn provider_setter(s: &SecurityScheme, setter: &str) -> TokenStream {
    let key = &s.key;
    let name = ident(setter);
    let shape = match &s.kind {
        SecurityKind::ApiKey { location, name } => {
            let loc = match location {
                crate::ir::ApiKeyLocation::Header => quote!(Header),
                crate::ir::ApiKeyLocation::Query => quote!(Query),
                crate::ir::ApiKeyLocation::Cookie => quote!(Cookie),
            };
            quote!(crate::runtime::TokenShape::ApiKey {
                location: crate::runtime::ApiKeyLocation::#loc,
                name: #name.to_string(),
            })
        }
        _ => quote!(crate::runtime::TokenShape::Bearer),
    };
    let d = format!(
        "Asks `provider` for the token of security scheme {} before every attempt (refreshing, minting signed tokens): see [`crate::runtime::CredentialProvider`].",
        code(&s.key)
    );
    let d = doc(&[Para::Ours(&d)]);
    quote! {
        #d
        pub fn #name(mut self, provider: impl crate::runtime::CredentialProvider) -> Self {
            self.inner = self.inner.credential_provider(#key, #shape, provider);
            self
        }
    }
}

/// The setter running the OAuth2 client credentials flow of scheme `s`.
fn client_credentials_setter(s: &SecurityScheme, flow: &ClientCredentialsFlow) -> TokenStream {
    let key = &s.key;
    let name = ident(&flow.setter);
    let url = &flow.token_url;
    let scopes = if flow.scopes.is_empty() {
        "The API declares no scopes.".to_string()
    } else {
        let list: Vec<String> = flow.scopes.iter().map(|(n, _)| code(n)).collect();
        format!("Declared scopes: {}.", list.join(", "))
    };
    let d = format!(
        "Obtains tokens for security scheme {} with the OAuth2 client credentials flow at {}: fetched on first use, cached until shortly before they expire, fetched again after a 401. Requests `scopes` (none: the server's default for the client). {scopes} For other settings, pass a [`crate::runtime::ClientCredentials`] to [`Self::{}`].",
        code(&s.key),
        code(url),
        s.provider_setter.as_deref().unwrap_or_default(),
    );
    let d = doc(&[Para::Ours(&d)]);
    quote! {
        #d
        pub fn #name(
            mut self,
            client_id: impl Into<String>,
            client_secret: impl Into<crate::runtime::Secret>,
            scopes: &[&str],
        ) -> Self {
            let provider = crate::runtime::ClientCredentials::new(#url, client_id, client_secret)
                .scopes(scopes.iter().copied());
            self.inner = self.inner.credential_provider(#key, crate::runtime::TokenShape::Bearer, provider);
            self
        }
    }
}

/// The sentence of the client's docs listing what it sends by default.
fn client_params_doc(params: &[ClientParam]) -> Option<String> {
    let list: Vec<String> = params
        .iter()
        .map(|c| {
            format!(
                "{} (see [`ClientBuilder::{}`])",
                code(&format!("{}: {}", c.name, c.default)),
                c.rust_name
            )
        })
        .collect();
    let (it, default, setter) = if list.len() == 1 {
        ("it", "this default", "setter")
    } else {
        ("them", "these defaults", "setters")
    };
    (!list.is_empty()).then(|| {
        format!(
            "Sends {} with every request: every operation of the API declares {it} with {default}. A call can override {it} with its own {setter}.",
            list.join(", ")
        )
    })
}

/// The client-builder setter of a client-level parameter.
fn client_param_setter(types: &Types<'_>, c: &ClientParam) -> TokenStream {
    let n = ident(&c.rust_name);
    let wire = &c.name;
    let (arg, text) = match &c.ty {
        TypeRef::Primitive(Primitive::String) => (quote!(impl Into<String>), quote!(#n.into())),
        other => (types.rust(other, &quote!(types::)), quote!(#n.to_string())),
    };
    let sent = format!(
        "Header {}, sent with every request: {} unless set here. A call can override it with its own setter.",
        code(wire),
        code(&c.default)
    );
    let d = doc(&[Para::Spec(c.description.as_deref()), Para::Ours(&sent)]);
    quote! {
        #d
        pub fn #n(mut self, #n: #arg) -> Self {
            self.inner = self.inner.header_param(#wire, #text);
            self
        }
    }
}
