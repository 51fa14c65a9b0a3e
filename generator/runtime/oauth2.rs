//! OAuth 2.0 client credentials grant (RFC 6749 §4.4) as a
//! [`CredentialProvider`]: the token is fetched on first use, cached until
//! shortly before it expires, and fetched again after a 401.

use std::fmt;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use base64::prelude::{Engine as _, BASE64_STANDARD};
use percent_encoding::utf8_percent_encode;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use reqwest::Url;

use super::credentials::{BoxFuture, CredentialError, CredentialProvider, CredentialRequest};
use super::encode::PATH_SEGMENT;
use super::error::truncate_str;
use super::secret::Secret;

/// How long before its announced expiry a cached token is replaced (at most
/// half its lifetime), so that it does not expire in flight.
const REFRESH_MARGIN: Duration = Duration::from_secs(30);

/// Obtains access tokens with the OAuth 2.0 client credentials grant.
///
/// The generated `ClientBuilder` has a `…_client_credentials` setter for
/// every security scheme declaring this flow (it knows the token URL); build
/// one by hand for other scopes or parameters and pass it to the scheme's
/// `…_provider` setter.
///
/// The client authenticates with HTTP Basic (`client_secret_basic`, the
/// RFC's recommendation) unless [`ClientCredentials::credentials_in_body`]
/// is set. Concurrent calls share one token request.
pub struct ClientCredentials {
    token_url: String,
    client_id: String,
    client_secret: Secret,
    scopes: Vec<String>,
    params: Vec<(String, String)>,
    in_body: bool,
    cached: Mutex<Option<Cached>>,
    fetching: tokio::sync::Mutex<()>,
}

struct Cached {
    token: Secret,
    /// When to stop using it; `None`: until the server rejects it.
    renew_at: Option<Instant>,
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

impl ClientCredentials {
    /// A provider fetching tokens from `token_url` (absolute, or relative to
    /// the client's base URL) for this client.
    pub fn new(
        token_url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Self {
        ClientCredentials {
            token_url: token_url.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            scopes: Vec::new(),
            params: Vec::new(),
            in_body: false,
            cached: Mutex::new(None),
            fetching: tokio::sync::Mutex::new(()),
        }
    }

    /// Requests these scopes (sent space-separated as `scope`). Without
    /// any, the server grants its default scopes for the client.
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Adds a form parameter to the token request (e.g. `audience`).
    pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.params.push((name.into(), value.into()));
        self
    }

    /// Sends `client_id` and `client_secret` in the form body
    /// (`client_secret_post`) instead of HTTP Basic.
    pub fn credentials_in_body(mut self, in_body: bool) -> Self {
        self.in_body = in_body;
        self
    }

    fn cache(&self) -> MutexGuard<'_, Option<Cached>> {
        self.cached
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The cached token, unless it is due for renewal.
    fn valid(&self) -> Option<Secret> {
        let cache = self.cache();
        let cached = cache.as_ref()?;
        match cached.renew_at {
            Some(at) if Instant::now() >= at => None,
            _ => Some(cached.token.clone()),
        }
    }

    fn token_url(&self, base_url: &str) -> Result<Url, CredentialError> {
        let url = match Url::parse(&self.token_url) {
            Ok(url) => url,
            Err(_) => Url::parse(&format!("{}/", base_url.trim_end_matches('/')))
                .and_then(|base| base.join(&self.token_url))
                .map_err(|e| CredentialError::new(format!("invalid token URL: {e}")))?,
        };
        if !matches!(url.scheme(), "http" | "https") {
            return Err(CredentialError::new(format!(
                "invalid token URL: scheme `{}` is not http or https",
                url.scheme()
            )));
        }
        Ok(url)
    }

    async fn fetch(&self, request: &CredentialRequest<'_>) -> Result<Cached, CredentialError> {
        let url = self.token_url(request.base_url())?;
        let mut form: Vec<(&str, &str)> = vec![("grant_type", "client_credentials")];
        let scope = self.scopes.join(" ");
        if !scope.is_empty() {
            form.push(("scope", &scope));
        }
        form.extend(self.params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        if self.in_body {
            form.push(("client_id", &self.client_id));
            form.push(("client_secret", self.client_secret.expose()));
        }
        let body = serde_urlencoded::to_string(&form)
            .map_err(|e| CredentialError::new(format!("cannot encode the token request: {e}")))?;
        let mut builder = request
            .http_client()
            .post(url.clone())
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(ACCEPT, "application/json")
            .body(body);
        if !self.in_body {
            // RFC 6749 §2.3.1: both parts form-encoded before Base64.
            let encode = |s: &str| utf8_percent_encode(s, PATH_SEGMENT).to_string();
            let pair = format!(
                "{}:{}",
                encode(&self.client_id),
                encode(self.client_secret.expose())
            );
            let mut value = reqwest::header::HeaderValue::from_str(&format!(
                "Basic {}",
                BASE64_STANDARD.encode(pair)
            ))
            .map_err(|_| CredentialError::new("cannot encode the client credentials"))?;
            value.set_sensitive(true);
            builder = builder.header(AUTHORIZATION, value);
        }
        if let Some(timeout) = request.timeout() {
            builder = builder.timeout(timeout);
        }
        let place = format!("token endpoint {}", url_without_query(&url));
        let response = builder.send().await.map_err(|e| {
            let e = e.without_url();
            CredentialError::with_source(format!("{place}: {e}"), e)
        })?;
        let status = response.status();
        let body = response.bytes().await.map_err(|e| {
            let e = e.without_url();
            CredentialError::with_source(format!("{place}: {e}"), e)
        })?;
        let json: Option<serde_json::Value> = serde_json::from_slice(&body).ok();
        let field = |name: &str| json.as_ref().and_then(|j| j.get(name));
        if !status.is_success() {
            let text = |name: &str| field(name).and_then(|v| v.as_str()).map(one_line);
            let detail = match (text("error"), text("error_description")) {
                (Some(code), Some(description)) => format!(": {code} ({description})"),
                (Some(code), None) => format!(": {code}"),
                _ => String::new(),
            };
            return Err(CredentialError::new(format!(
                "{place} answered HTTP {status}{detail}"
            )));
        }
        let token = field("access_token")
            .and_then(|v| v.as_str())
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                CredentialError::new(format!("{place}: the response has no `access_token`"))
            })?;
        if let Some(kind) = field("token_type").and_then(|v| v.as_str()) {
            if !kind.eq_ignore_ascii_case("bearer") {
                return Err(CredentialError::new(format!(
                    "{place}: unsupported token type `{}` (only bearer tokens are)",
                    one_line(kind)
                )));
            }
        }
        let lifetime = field("expires_in").and_then(|v| match v {
            serde_json::Value::Number(n) => n.as_f64(),
            serde_json::Value::String(s) => s.trim().parse().ok(),
            _ => None,
        });
        let renew_at = lifetime
            .filter(|s| s.is_finite() && *s > 0.0)
            .and_then(|s| Duration::try_from_secs_f64(s).ok())
            .map(|lifetime| {
                let margin = REFRESH_MARGIN.min(lifetime / 2);
                Instant::now() + (lifetime - margin)
            });
        Ok(Cached {
            token: Secret::new(token),
            renew_at,
        })
    }
}

impl CredentialProvider for ClientCredentials {
    fn credential<'a>(
        &'a self,
        request: &'a CredentialRequest<'a>,
    ) -> BoxFuture<'a, Result<Secret, CredentialError>> {
        Box::pin(async move {
            if let Some(token) = self.valid() {
                return Ok(token);
            }
            // One token request at a time; whoever waited reuses its result.
            let _fetching = self.fetching.lock().await;
            if let Some(token) = self.valid() {
                return Ok(token);
            }
            let fresh = self.fetch(request).await?;
            let token = fresh.token.clone();
            *self.cache() = Some(fresh);
            Ok(token)
        })
    }

    fn rejected(&self, credential: &Secret) -> bool {
        let mut cache = self.cache();
        if cache.as_ref().is_some_and(|c| &c.token == credential) {
            *cache = None;
        }
        true
    }
}

fn url_without_query(url: &Url) -> String {
    let mut url = url.clone();
    url.set_query(None);
    url.set_fragment(None);
    let _ = url.set_password(None);
    let _ = url.set_username("");
    url.to_string()
}

/// Server text for a message: one line, at most 200 bytes.
fn one_line(text: &str) -> String {
    let text: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    truncate_str(text.trim(), 200).to_owned()
}
