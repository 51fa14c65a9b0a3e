//! Credentials per security scheme and OpenAPI security-requirement
//! selection. Internal: users set credentials through the generated
//! `ClientBuilder`.

use std::fmt;
use std::sync::Arc;

use super::credentials::CredentialProvider;
use super::error::InvalidRequest;
use super::secret::Secret;

/// Where an API key is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ApiKeyLocation {
    /// As a request header.
    Header,
    /// As a query parameter.
    Query,
    /// As a cookie.
    Cookie,
}

/// Credentials for one security scheme, ready to be sent.
#[derive(Clone, Debug)]
pub enum Auth {
    /// `Authorization: Bearer <token>`.
    Bearer(Secret),
    /// `Authorization: Basic base64(username:password)`.
    Basic {
        /// User name.
        username: String,
        /// Password.
        password: Secret,
    },
    /// An API key sent in a header, query parameter or cookie.
    ApiKey {
        /// Where the key is sent.
        location: ApiKeyLocation,
        /// Header, query parameter or cookie name.
        name: String,
        /// The key.
        value: Secret,
    },
}

impl Auth {
    /// Bearer token credentials.
    pub fn bearer(token: impl Into<Secret>) -> Self {
        Auth::Bearer(token.into())
    }

    /// HTTP Basic credentials.
    pub fn basic(username: impl Into<String>, password: impl Into<Secret>) -> Self {
        Auth::Basic {
            username: username.into(),
            password: password.into(),
        }
    }

    /// API key credentials.
    pub fn api_key(
        location: ApiKeyLocation,
        name: impl Into<String>,
        value: impl Into<Secret>,
    ) -> Self {
        Auth::ApiKey {
            location,
            name: name.into(),
            value: value.into(),
        }
    }

    /// The secret part of these credentials.
    pub fn secret(&self) -> &Secret {
        match self {
            Auth::Bearer(token) => token,
            Auth::Basic { password, .. } => password,
            Auth::ApiKey { value, .. } => value,
        }
    }
}

/// How a token from a [`CredentialProvider`] is sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenShape {
    /// As `Authorization: Bearer <token>`.
    Bearer,
    /// As an API key.
    ApiKey {
        /// Where the key is sent.
        location: ApiKeyLocation,
        /// Header, query parameter or cookie name.
        name: String,
    },
}

impl TokenShape {
    /// The credentials that send `token` this way.
    pub fn auth(&self, token: Secret) -> Auth {
        match self {
            TokenShape::Bearer => Auth::Bearer(token),
            TokenShape::ApiKey { location, name } => Auth::ApiKey {
                location: *location,
                name: name.clone(),
                value: token,
            },
        }
    }
}

/// Where a scheme's credentials come from.
#[derive(Clone)]
pub enum Source {
    /// Fixed credentials.
    Static(Auth),
    /// A provider asked before every attempt.
    Provider {
        /// How its tokens are sent.
        shape: TokenShape,
        /// The provider.
        provider: Arc<dyn CredentialProvider>,
    },
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Static(auth) => f.debug_tuple("Static").field(auth).finish(),
            Source::Provider { shape, .. } => f
                .debug_struct("Provider")
                .field("shape", shape)
                .finish_non_exhaustive(),
        }
    }
}

/// Credential sources keyed by security scheme id (the key under
/// `components.securitySchemes`).
#[derive(Clone, Debug, Default)]
pub struct Credentials {
    schemes: Vec<(String, Source)>,
}

impl Credentials {
    /// Sets the source for `scheme`, replacing any previous one.
    pub fn set(&mut self, scheme: &str, source: Source) {
        if let Some(slot) = self.schemes.iter_mut().find(|(id, _)| id == scheme) {
            slot.1 = source;
        } else {
            self.schemes.push((scheme.to_owned(), source));
        }
    }

    /// The source for `scheme`, if set.
    pub fn get(&self, scheme: &str) -> Option<&Source> {
        self.schemes
            .iter()
            .find(|(id, _)| id == scheme)
            .map(|(_, source)| source)
    }

    /// Picks credential sources for an operation's security requirements.
    ///
    /// `alternatives` are ORed; the schemes inside one alternative are ANDed.
    /// Returns the sources (with their scheme ids) of the first alternative
    /// whose schemes are all set. An empty alternative allows anonymous
    /// access (empty result), and so does an empty `alternatives` slice (no
    /// security). Otherwise the error names the missing scheme ids.
    pub fn select(
        &self,
        alternatives: &[&[&'static str]],
    ) -> Result<Vec<(&'static str, &Source)>, InvalidRequest> {
        if alternatives.is_empty() {
            return Ok(Vec::new());
        }
        let mut missing_by_alternative = Vec::new();
        for alternative in alternatives {
            let mut found = Vec::with_capacity(alternative.len());
            let mut missing = Vec::new();
            for scheme in alternative.iter() {
                match self.get(scheme) {
                    Some(source) => found.push((*scheme, source)),
                    None => missing.push(format!("`{scheme}`")),
                }
            }
            if missing.is_empty() {
                return Ok(found);
            }
            missing_by_alternative.push(missing.join(" and "));
        }
        Err(InvalidRequest(format!(
            "missing credentials: set {}",
            missing_by_alternative.join(", or ")
        )))
    }
}
