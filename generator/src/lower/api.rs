//! API-level facts: servers and security schemes.

use std::collections::BTreeSet;

use openapiv3::{OpenAPI, ReferenceOr, SecurityScheme as OaScheme};

use super::naming::{pascal, snake, Namespace};
use super::reserved;
use super::Lowerer;
use crate::ir::{
    ApiKeyLocation, ClientCredentialsFlow, ClientParam, Operation, SecurityKind, SecurityScheme,
    Server, ServerVariable, ServerVariableValue,
};

pub fn servers(spec: &OpenAPI) -> Vec<Server> {
    let mut taken = Namespace::new(reserved::SERVER_VARIANTS);
    spec.servers
        .iter()
        .map(|s| {
            let mut url = s.url.clone();
            if let Some(vars) = &s.variables {
                for (name, var) in vars {
                    url = url.replace(&format!("{{{name}}}"), &var.default);
                }
            }
            let url = url.trim_end_matches('/').to_string();
            let template = s.url.trim_end_matches('/').to_string();
            let variables = s
                .variables
                .iter()
                .flatten()
                .filter(|(name, _)| template.contains(&format!("{{{name}}}")))
                .map(|(name, var)| (name.clone(), var.default.clone()))
                .collect();
            let base = s
                .description
                .as_deref()
                .map(pascal)
                .filter(|n| n.len() <= 40 && n != "Value")
                .unwrap_or_else(|| pascal(host_of(&url)));
            Server {
                name: taken.claim(base),
                url,
                template,
                variables,
                description: s.description.clone(),
            }
        })
        .collect()
}

/// The servers' URL variables that appear in their URLs, one per name (the
/// first server declaring a name gives its default, values and description),
/// each a `ClientBuilder` setter named after the other builder methods.
pub fn server_variables(
    spec: &OpenAPI,
    schemes: &[SecurityScheme],
    params: &[ClientParam],
) -> Vec<ServerVariable> {
    let mut methods = Namespace::new(reserved::CLIENT_BUILDER_METHODS);
    for s in schemes {
        methods.claim(s.rust_name.clone());
        if let Some(setter) = &s.provider_setter {
            methods.claim(setter.clone());
        }
        if let Some(flow) = &s.client_credentials {
            methods.claim(flow.setter.clone());
        }
    }
    for p in params {
        methods.claim(p.rust_name.clone());
    }
    let mut enums = Namespace::new(reserved::SERVER_VARIABLE_ENUMS);
    let mut out: Vec<ServerVariable> = Vec::new();
    for s in &spec.servers {
        let Some(vars) = &s.variables else { continue };
        for (name, var) in vars {
            let unused = !s.url.contains(&format!("{{{name}}}"));
            if unused || out.iter().any(|v| &v.name == name) {
                continue;
            }
            let mut variants = Namespace::new(reserved::SERVER_VARIABLE_VALUES);
            let mut values: Vec<ServerVariableValue> = Vec::new();
            for value in &var.enumeration {
                if values.iter().all(|v| &v.value != value) {
                    values.push(ServerVariableValue {
                        value: value.clone(),
                        rust_name: variants.claim(pascal(value)),
                    });
                }
            }
            out.push(ServerVariable {
                name: name.clone(),
                rust_name: methods.claim_with_suffix(snake(name), "_variable"),
                default: var.default.clone(),
                description: var.description.clone(),
                enum_name: (!values.is_empty()).then(|| enums.claim(pascal(name))),
                values,
            });
        }
    }
    out
}

fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split('/').next().unwrap_or(rest)
}

impl Lowerer<'_> {
    /// The security schemes that some operation uses, in key order.
    pub(super) fn security_schemes(&mut self, operations: &[Operation]) -> Vec<SecurityScheme> {
        let used: BTreeSet<&str> = operations
            .iter()
            .flat_map(|op| op.security.iter().flatten().map(String::as_str))
            .collect();
        let mut taken = Namespace::new(reserved::CLIENT_BUILDER_METHODS);
        let mut out = Vec::new();
        let Some(components) = &self.spec.components else {
            return out;
        };
        for key in used {
            let pointer = format!(
                "#/components/securitySchemes/{}",
                crate::diagnostic::pointer_escape(key)
            );
            let scheme = match components.security_schemes.get(key) {
                Some(ReferenceOr::Item(s)) => s,
                _ => continue,
            };
            let mut client_credentials = None;
            let (kind, description) = match scheme {
                OaScheme::HTTP {
                    scheme,
                    bearer_format,
                    description,
                    ..
                } => match scheme.to_ascii_lowercase().as_str() {
                    "bearer" => (
                        SecurityKind::Bearer {
                            format: bearer_format.clone(),
                        },
                        description,
                    ),
                    "basic" => (SecurityKind::Basic, description),
                    other => {
                        self.warn(&pointer, format!("HTTP auth scheme `{other}` is not supported (bearer and basic are); operations using it are sent without it"));
                        continue;
                    }
                },
                OaScheme::APIKey {
                    location,
                    name,
                    description,
                    ..
                } => {
                    let location = match location {
                        openapiv3::APIKeyLocation::Query => ApiKeyLocation::Query,
                        openapiv3::APIKeyLocation::Header => ApiKeyLocation::Header,
                        openapiv3::APIKeyLocation::Cookie => ApiKeyLocation::Cookie,
                    };
                    (
                        SecurityKind::ApiKey {
                            location,
                            name: name.clone(),
                        },
                        description,
                    )
                }
                // Both end in a bearer access token. Only the client
                // credentials flow can be run by the client itself; the
                // others need a user (a browser), so their tokens are the
                // caller's business.
                OaScheme::OAuth2 {
                    description, flows, ..
                } => {
                    client_credentials =
                        flows
                            .client_credentials
                            .as_ref()
                            .map(|f| ClientCredentialsFlow {
                                token_url: f.token_url.clone(),
                                scopes: f
                                    .scopes
                                    .iter()
                                    .map(|(k, v)| (k.clone(), v.clone()))
                                    .collect(),
                                setter: String::new(),
                            });
                    (SecurityKind::Bearer { format: None }, description)
                }
                OaScheme::OpenIDConnect { description, .. } => {
                    (SecurityKind::Bearer { format: None }, description)
                }
            };
            out.push(SecurityScheme {
                key: key.to_string(),
                rust_name: taken.claim(snake(key)),
                kind,
                description: description.clone(),
                provider_setter: None,
                client_credentials,
            });
        }
        // Setters derived from the scheme names, after all of those are taken.
        for s in &mut out {
            if !matches!(s.kind, SecurityKind::Basic) {
                s.provider_setter = Some(taken.claim(format!("{}_provider", s.rust_name)));
            }
            if let Some(flow) = &mut s.client_credentials {
                flow.setter = taken.claim(format!("{}_client_credentials", s.rust_name));
            }
        }
        out
    }
}
