//! Client configuration and its validating builder. Internal: the
//! generated `Client` and `ClientBuilder` wrap them.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;

use super::auth::{Auth, Credentials, Source, TokenShape};
use super::credentials::CredentialProvider;
use super::encode;
use super::error::InvalidRequest;
use super::execute::header_pair;
use super::hook::Hook;
use super::retry::RetryPolicy;

/// Default `User-Agent`: the generated crate's name and version.
pub const DEFAULT_USER_AGENT: &str =
    concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));
/// Default per-attempt timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Everything a client needs to send requests.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// Base URL without a trailing slash; operation paths are appended.
    pub base_url: String,
    /// HTTP client (connection pool).
    pub http: reqwest::Client,
    /// Default retry policy.
    pub retry: RetryPolicy,
    /// Default timeout for each attempt (connect to end of body).
    pub timeout: Option<Duration>,
    /// Credentials per security scheme.
    pub credentials: Credentials,
    /// `User-Agent` header value.
    pub user_agent: String,
    /// Headers sent with every request.
    pub default_headers: Vec<(String, String)>,
    /// Client-level header parameters (one value per name, e.g. an API
    /// version), sent with every request unless the call sets the same
    /// parameter. [`ClientConfig::default_headers`] and per-call headers
    /// replace them too.
    pub header_params: Vec<(String, String)>,
    /// Hooks run around every attempt, in order.
    pub hooks: Hooks,
    /// The largest response body read into memory (see
    /// [`RequestOptions::max_body_size`](super::RequestOptions::max_body_size)).
    pub max_body_size: Option<u64>,
}

/// The hooks of a client (`Debug` shows only how many there are).
#[derive(Clone, Default)]
pub struct Hooks(pub Vec<Arc<dyn Hook>>);

impl fmt::Debug for Hooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hooks({})", self.0.len())
    }
}

impl ClientConfig {
    /// Default configuration for `default_base_url`, without validation (a
    /// bad URL surfaces as [`Error::InvalidRequest`](super::Error::InvalidRequest) when sending).
    ///
    /// Should building the HTTP client with the default timeouts fail, this
    /// falls back to `reqwest::Client::new()`, which panics only when no TLS
    /// backend can be initialised. Use [`ClientBuilder`] to handle that as an
    /// error instead.
    pub fn new(default_base_url: &str) -> ClientConfig {
        let http = reqwest::Client::builder()
            .connect_timeout(DEFAULT_CONNECT_TIMEOUT)
            .build()
            .unwrap_or_else(|_| reqwest::Client::new());
        ClientConfig {
            base_url: default_base_url.trim_end_matches('/').to_owned(),
            http,
            retry: RetryPolicy::default(),
            timeout: Some(DEFAULT_TIMEOUT),
            credentials: Credentials::default(),
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            default_headers: Vec::new(),
            header_params: Vec::new(),
            hooks: Hooks::default(),
            max_body_size: None,
        }
    }

    /// Sets the credentials for security scheme `scheme`.
    pub fn set_credential(&mut self, scheme: &str, auth: Auth) {
        self.credentials.set(scheme, Source::Static(auth));
    }

    /// Sets a client-level header parameter, replacing its previous value
    /// (names compare case-insensitively). Checked when a request is sent.
    pub fn set_header_param(&mut self, name: &str, value: impl Into<String>) {
        set_param(&mut self.header_params, name, value.into());
    }
}

/// Validating builder for [`ClientConfig`].
#[derive(Clone, Debug)]
pub struct ClientBuilder {
    base_url: String,
    http: Option<reqwest::Client>,
    retry: RetryPolicy,
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: String,
    credentials: Credentials,
    headers: Vec<(String, String)>,
    header_params: Vec<(String, String)>,
    hooks: Hooks,
    max_body_size: Option<u64>,
}

impl ClientBuilder {
    /// Starts from `default_base_url` (usually the API description's first server).
    pub fn new(default_base_url: &str) -> Self {
        ClientBuilder {
            base_url: default_base_url.to_owned(),
            http: None,
            retry: RetryPolicy::default(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            credentials: Credentials::default(),
            headers: Vec::new(),
            header_params: Vec::new(),
            hooks: Hooks::default(),
            max_body_size: None,
        }
    }

    /// Refuses response bodies longer than `bytes` instead of reading them
    /// into memory (default: no limit).
    pub fn max_body_size(mut self, bytes: u64) -> Self {
        self.max_body_size = Some(bytes);
        self
    }

    /// Overrides the base URL (`http` or `https`).
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Uses this HTTP client instead of building one (`connect_timeout` is
    /// then ignored).
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Sets the default retry policy.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sets the timeout of each attempt, from connecting to the end of the
    /// body (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the connect timeout (default 10 s).
    pub fn connect_timeout(mut self, connect_timeout: Duration) -> Self {
        self.connect_timeout = connect_timeout;
        self
    }

    /// Sets the `User-Agent`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Sets the credentials for security scheme `scheme`.
    pub fn credential(mut self, scheme: &str, auth: Auth) -> Self {
        self.credentials.set(scheme, Source::Static(auth));
        self
    }

    /// Asks `provider` for the token of security scheme `scheme` before
    /// every attempt, sending it as `shape` says.
    pub fn credential_provider(
        mut self,
        scheme: &str,
        shape: TokenShape,
        provider: impl CredentialProvider,
    ) -> Self {
        let provider: Arc<dyn CredentialProvider> = Arc::new(provider);
        self.credentials
            .set(scheme, Source::Provider { shape, provider });
        self
    }

    /// Adds a hook run around every attempt (after those added before).
    pub fn hook(mut self, hook: impl Hook) -> Self {
        self.hooks.0.push(Arc::new(hook));
        self
    }

    /// Adds a header sent with every request.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets a client-level header parameter (see
    /// [`ClientConfig::header_params`]), replacing its previous value.
    pub fn header_param(mut self, name: &str, value: impl Into<String>) -> Self {
        set_param(&mut self.header_params, name, value.into());
        self
    }

    /// Validates the settings and builds the configuration.
    pub fn build(self) -> Result<ClientConfig, InvalidRequest> {
        let base_url = self.base_url.trim().trim_end_matches('/').to_owned();
        let url =
            Url::parse(&base_url).map_err(|e| InvalidRequest(format!("invalid base URL: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(InvalidRequest(format!(
                "invalid base URL: scheme `{}` is not http or https",
                url.scheme()
            )));
        }
        if url.host_str().unwrap_or_default().is_empty() {
            return Err(InvalidRequest("invalid base URL: no host".to_owned()));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(InvalidRequest(
                "invalid base URL: must not have a query or fragment".to_owned(),
            ));
        }
        for (name, value) in self.headers.iter().chain(&self.header_params) {
            header_pair(name, value)?;
        }
        encode::check_header_value("User-Agent", &self.user_agent)?;
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .build()
                .map_err(|e| {
                    InvalidRequest(format!("cannot build HTTP client: {}", e.without_url()))
                })?,
        };
        Ok(ClientConfig {
            base_url,
            http,
            retry: self.retry,
            timeout: Some(self.timeout),
            credentials: self.credentials,
            user_agent: self.user_agent,
            default_headers: self.headers,
            header_params: self.header_params,
            hooks: self.hooks,
            max_body_size: self.max_body_size,
        })
    }
}

/// Sets `name` to `value` in a list holding one value per name.
fn set_param(params: &mut Vec<(String, String)>, name: &str, value: String) {
    params.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    params.push((name.to_owned(), value));
}
