//! The intermediate representation: plain Rust data describing one API.
//!
//! Lowering (`crate::lower`) builds it from an OpenAPI document; emitting
//! (`crate::emit`) reads only this. Everything is ordered deterministically
//! (document order for operations, sorted names for types) so the same input
//! always produces the same output.

mod client_param;
mod operation;
mod streaming;
mod types;

pub use client_param::*;
pub use operation::*;
pub use streaming::*;
pub use types::*;

use serde::Serialize;

/// One API: what a single OpenAPI document describes.
#[derive(Clone, Debug, Serialize)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// A cargo package name for a crate holding only this API, from the
    /// title (valid whatever the title holds).
    pub package_name: String,
    pub description: Option<String>,
    /// The OpenAPI version as written in the document (`3.0.3`, `3.1.0`).
    pub openapi_version: String,
    /// Servers in document order; the first is the default. Empty means the
    /// caller must always supply a base URL.
    pub servers: Vec<Server>,
    /// Security schemes that some operation can use, in name order.
    pub security_schemes: Vec<SecurityScheme>,
    pub operations: Vec<Operation>,
    /// Header parameters that become client-level settings, sent by default.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub client_params: Vec<ClientParam>,
    /// Server URL variables, in the order the servers declare them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub server_variables: Vec<ServerVariable>,
    /// Named types, sorted by name.
    pub types: Vec<TypeDef>,
    /// Tags in document order (first use), used for per-tag cargo features.
    pub tags: Vec<String>,
    /// Cargo dependencies the API's types need beyond the runtime's (name →
    /// inline TOML value, e.g. `rust_decimal` → `{ version = "1", features =
    /// ["serde"] }`), from configuration; a name also in the runtime's list
    /// replaces that entry.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub dependencies: std::collections::BTreeMap<String, String>,
    /// Places where the generator had to fall back (to an untyped value, raw
    /// bytes, ...), each naming a JSON pointer.
    pub warnings: Vec<Warning>,
    /// The optional parts of the runtime the generated code uses.
    pub runtime: RuntimeParts,
}

/// Optional parts of the runtime (`generator/runtime/`): a generated crate
/// (or module file) holds a part only when one of its APIs uses it, since
/// every part is compiled by every user of the crate. Decided in lowering
/// ([`RuntimeParts::of`]); the lines of `runtime/mod.rs` marked
/// `// part: NAME` name them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RuntimeParts {
    /// `pagination`: some operation is a paged list (`stream()`, `pages()`).
    pub pagination: bool,
    /// `events` (and `sse`): some operation returns server-sent events.
    pub events: bool,
    /// `download`: some operation returns its body as a `ByteStream`.
    pub download: bool,
    /// `oauth2`: some security scheme declares an OAuth2 client credentials
    /// flow. `ClientCredentials` could serve any bearer scheme, but only
    /// such a declaration says the API's tokens come from that grant (and
    /// where); a caller of another API obtaining tokens that way passes
    /// them through its scheme's provider setter (`provider_fn`).
    pub oauth2: bool,
    /// `multipart`: some operation sends a `multipart/form-data` body.
    pub multipart: bool,
    /// `union`: some type is a union (`oneOf`/`anyOf`), whose decoding
    /// uses `runtime::union`.
    pub union: bool,
    /// `maybe`: some field is optional and nullable ([`Field::three_state`]),
    /// a `runtime::Maybe`.
    pub maybe: bool,
    /// `datetime`: some type holds a `date-time` or `date` string
    /// (`runtime::DateTime`, `runtime::Date`).
    pub datetime: bool,
}

impl RuntimeParts {
    /// The parts `operations`, `schemes`, `types` and `client_params` use.
    pub fn of(
        operations: &[Operation],
        schemes: &[SecurityScheme],
        types: &[TypeDef],
        client_params: &[ClientParam],
    ) -> Self {
        let fields = || {
            types.iter().flat_map(|t| match &t.kind {
                TypeKind::Struct(s) => s.fields.as_slice(),
                _ => &[],
            })
        };
        let is_date = |p: Primitive| matches!(p, Primitive::DateTime | Primitive::Date);
        let mut datetime = false;
        for_each_type_ref(operations, types, client_params, &mut |t| {
            datetime = datetime || t.holds(is_date);
        });
        RuntimeParts {
            maybe: fields().any(Field::three_state),
            datetime,
            multipart: operations.iter().any(|op| {
                op.body
                    .as_ref()
                    .is_some_and(|b| b.media == MediaKind::Multipart)
            }),
            union: types.iter().any(|t| matches!(t.kind, TypeKind::Union(_))),
            pagination: operations.iter().any(|op| op.pagination.is_some()),
            events: operations
                .iter()
                .any(|op| op.events.is_some() || op.event_stream_response().is_some()),
            download: operations.iter().any(|op| op.download),
            oauth2: schemes.iter().any(|s| s.client_credentials.is_some()),
        }
    }

    /// What either needs (the runtime of a crate holding several APIs).
    pub fn union(self, other: Self) -> Self {
        RuntimeParts {
            pagination: self.pagination || other.pagination,
            events: self.events || other.events,
            download: self.download || other.download,
            oauth2: self.oauth2 || other.oauth2,
            multipart: self.multipart || other.multipart,
            union: self.union || other.union,
            maybe: self.maybe || other.maybe,
            datetime: self.datetime || other.datetime,
        }
    }

    /// Whether the part called `name` in `runtime/mod.rs` is used; unknown
    /// names are not.
    pub fn has(self, name: &str) -> bool {
        match name {
            "pagination" => self.pagination,
            "events" => self.events,
            "download" => self.download,
            "oauth2" => self.oauth2,
            "multipart" => self.multipart,
            "union" => self.union,
            "maybe" => self.maybe,
            "datetime" => self.datetime,
            _ => false,
        }
    }

    /// Every part.
    pub const ALL: RuntimeParts = RuntimeParts {
        pagination: true,
        events: true,
        download: true,
        oauth2: true,
        multipart: true,
        union: true,
        maybe: true,
        datetime: true,
    };
}

/// Calls `f` with every type use of an API: in its named types, operations
/// and client parameters (named types are not followed: each is in
/// `types`).
pub fn for_each_type_ref(
    operations: &[Operation],
    types: &[TypeDef],
    client_params: &[ClientParam],
    f: &mut dyn FnMut(&TypeRef),
) {
    for t in types {
        t.for_each_ref(f);
    }
    for op in operations {
        op.for_each_ref(f);
    }
    client_params.iter().for_each(|p| f(&p.ty));
}

/// How a crate compiles each optional runtime part: the parts of each of
/// its APIs, and whether each API is behind a cargo feature of its own (a
/// crate of several APIs, `FeatureMode::PerApi`). A part some APIs use is
/// then compiled only when one of their features is enabled, so a user of
/// one API compiles only the runtime it needs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuntimeGates {
    /// Each API's cargo feature (its module name) and parts, in crate order.
    apis: Vec<(String, RuntimeParts)>,
    /// Whether each API is behind its feature.
    gated: bool,
}

/// Where a runtime item belonging to some parts goes ([`RuntimeGates::gate`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Gate {
    /// No API uses the parts: left out.
    Dropped,
    /// Compiled whatever features are enabled.
    Always,
    /// Compiled when one of these features (sorted) is enabled.
    Features(Vec<String>),
}

impl RuntimeGates {
    /// `apis`: each API's feature and parts; `gated`: whether the APIs are
    /// behind their features.
    pub fn new(apis: Vec<(String, RuntimeParts)>, gated: bool) -> Self {
        RuntimeGates { apis, gated }
    }

    /// The parts some API uses.
    pub fn parts(&self) -> RuntimeParts {
        self.apis
            .iter()
            .fold(RuntimeParts::default(), |all, (_, p)| all.union(*p))
    }

    /// Where an item belonging to `names` (space-separated part names) goes:
    /// it is needed by the APIs using one of them.
    pub fn gate(&self, names: &str) -> Gate {
        let mut users: Vec<String> = self
            .apis
            .iter()
            .filter(|(_, p)| names.split_whitespace().any(|n| p.has(n)))
            .map(|(feature, _)| feature.clone())
            .collect();
        if users.is_empty() {
            Gate::Dropped
        } else if !self.gated || users.len() == self.apis.len() {
            Gate::Always
        } else {
            users.sort();
            users.dedup();
            Gate::Features(users)
        }
    }
}

impl From<RuntimeParts> for RuntimeGates {
    /// The runtime of one API, not behind a feature.
    fn from(parts: RuntimeParts) -> Self {
        RuntimeGates::new(vec![(String::new(), parts)], false)
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Server {
    /// The URL with server variables replaced by their defaults.
    pub url: String,
    /// The URL as declared, `{name}` placeholders kept (trailing `/` removed).
    pub template: String,
    /// The variables the URL uses and their defaults (name, default).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub variables: Vec<(String, String)>,
    pub description: Option<String>,
    /// A PascalCase variant name for the server, unique within the API.
    pub name: String,
}

/// A server URL variable (`{region}`): a setting of the client builder.
/// Variables of the same name in several servers are one setting.
#[derive(Clone, Debug, Serialize)]
pub struct ServerVariable {
    /// The name in the URL template.
    pub name: String,
    /// snake_case name of the `ClientBuilder` setter, unique among the
    /// builder's methods.
    pub rust_name: String,
    /// The default of the first server declaring it (each server uses its
    /// own unless the setter is called).
    pub default: String,
    pub description: Option<String>,
    /// PascalCase name of the enum of its values (in the client module's
    /// `server_variables` module) when the variable declares `enum`.
    pub enum_name: Option<String>,
    /// The declared values and their variant names (the escape variant is
    /// `Other`).
    pub values: Vec<ServerVariableValue>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ServerVariableValue {
    pub value: String,
    pub rust_name: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct SecurityScheme {
    /// The key under `components.securitySchemes`.
    pub key: String,
    /// snake_case name used for the credential setter.
    pub rust_name: String,
    pub kind: SecurityKind,
    pub description: Option<String>,
    /// The `ClientBuilder` setter taking a credential provider for this
    /// scheme (bearer and API-key schemes).
    pub provider_setter: Option<String>,
    /// The OAuth2 client credentials flow, when the scheme declares one.
    pub client_credentials: Option<ClientCredentialsFlow>,
}

/// An OAuth2 `clientCredentials` flow: the client fetches its own tokens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClientCredentialsFlow {
    /// `tokenUrl`, absolute or relative to the server URL.
    pub token_url: String,
    /// Declared scopes: name and description.
    pub scopes: Vec<(String, String)>,
    /// The `ClientBuilder` setter configuring the flow.
    pub setter: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SecurityKind {
    /// `Authorization: Bearer <token>` (http bearer, OAuth2 and OpenID
    /// Connect all end up sending a bearer token).
    Bearer {
        format: Option<String>,
    },
    Basic,
    ApiKey {
        location: ApiKeyLocation,
        name: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ApiKeyLocation {
    Header,
    Query,
    Cookie,
}

/// A construct the generator could not express precisely and degraded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub pointer: String,
    pub message: String,
}
