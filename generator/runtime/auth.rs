//! Credentials and OpenAPI security-requirement selection.

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

/// Credentials for one security scheme.
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

/// Credentials keyed by security scheme id (the key under
/// `components.securitySchemes`).
#[derive(Clone, Debug, Default)]
pub struct Credentials {
    schemes: Vec<(String, Auth)>,
}

impl Credentials {
    /// Creates an empty set of credentials.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the credentials for `scheme`, replacing any previous ones.
    pub fn set(&mut self, scheme: &str, auth: Auth) {
        if let Some(slot) = self.schemes.iter_mut().find(|(id, _)| id == scheme) {
            slot.1 = auth;
        } else {
            self.schemes.push((scheme.to_owned(), auth));
        }
    }

    /// Removes the credentials for `scheme`, returning them.
    pub fn remove(&mut self, scheme: &str) -> Option<Auth> {
        let index = self.schemes.iter().position(|(id, _)| id == scheme)?;
        Some(self.schemes.remove(index).1)
    }

    /// The credentials for `scheme`, if set.
    pub fn get(&self, scheme: &str) -> Option<&Auth> {
        self.schemes
            .iter()
            .find(|(id, _)| id == scheme)
            .map(|(_, auth)| auth)
    }

    /// Whether no credentials are set.
    pub fn is_empty(&self) -> bool {
        self.schemes.is_empty()
    }

    /// Picks credentials for an operation's security requirements.
    ///
    /// `alternatives` are ORed; the schemes inside one alternative are ANDed.
    /// Returns the credentials of the first alternative whose schemes are all
    /// set. An empty alternative allows anonymous access (empty result), and
    /// so does an empty `alternatives` slice (no security). Otherwise the
    /// error names the missing scheme ids.
    pub fn select(&self, alternatives: &[&[&str]]) -> Result<Vec<&Auth>, InvalidRequest> {
        if alternatives.is_empty() {
            return Ok(Vec::new());
        }
        let mut missing_by_alternative = Vec::new();
        for alternative in alternatives {
            let mut found = Vec::with_capacity(alternative.len());
            let mut missing = Vec::new();
            for scheme in alternative.iter() {
                match self.get(scheme) {
                    Some(auth) => found.push(auth),
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
