//! Client configuration, request description and the request executor.

use std::time::{Duration, Instant, SystemTime};

use base64::prelude::{Engine as _, BASE64_STANDARD};
use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, Url};
use serde::Serialize;

use super::auth::{ApiKeyLocation, Auth, Credentials};
use super::encode::{self, Style};
use super::error::{Error, InvalidRequest};
use super::response::RawResponse;
use super::retry::{is_retryable_status, requested_wait, RetryPolicy};

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
}

impl ClientConfig {
    /// Default configuration for `default_base_url`, without validation (a
    /// bad URL surfaces as [`Error::InvalidRequest`] when sending).
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
        }
    }

    /// Sets a client-level header parameter, replacing its previous value
    /// (names compare case-insensitively). Checked when a request is sent.
    pub fn set_header_param(&mut self, name: &str, value: impl Into<String>) {
        set_param(&mut self.header_params, name, value.into());
    }

    /// A builder starting from `default_base_url`.
    pub fn builder(default_base_url: &str) -> ClientBuilder {
        ClientBuilder::new(default_base_url)
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
        }
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
        self.credentials.set(scheme, auth);
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
        })
    }
}

/// Per-call options.
#[derive(Clone, Debug, Default)]
pub struct RequestOptions {
    /// Retry policy for this call instead of the client's.
    pub retry: Option<RetryPolicy>,
    /// Per-attempt timeout for this call instead of the client's.
    pub timeout: Option<Duration>,
    /// Sent as `Idempotency-Key`; also makes non-idempotent methods retryable.
    pub idempotency_key: Option<String>,
    /// Retry even non-idempotent methods (POST, PATCH) without a key.
    pub retry_non_idempotent: bool,
    /// Extra headers; they replace same-named headers set elsewhere.
    pub headers: Vec<(String, String)>,
}

impl RequestOptions {
    /// Default options.
    pub fn new() -> Self {
        Self::default()
    }

    /// Uses this retry policy.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Uses this per-attempt timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sends an `Idempotency-Key` (and allows retrying).
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    /// Allows retrying non-idempotent methods.
    pub fn retry_non_idempotent(mut self, allow: bool) -> Self {
        self.retry_non_idempotent = allow;
        self
    }

    /// Adds a header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// One operation call, as built by generated code.
#[derive(Debug)]
pub struct RequestSpec {
    /// Operation id, used in error messages.
    pub operation: &'static str,
    /// HTTP method.
    pub method: Method,
    /// Encoded path starting with `/` (see [`encode::path_param`]).
    pub path: String,
    /// Raw query pairs, percent-encoded when sent.
    pub query: Vec<(String, String)>,
    /// Header parameters.
    pub headers: Vec<(String, String)>,
    /// Body and its content type.
    pub body: Option<(Bytes, String)>,
    /// Security requirement alternatives (see [`Credentials::select`]).
    pub security: &'static [&'static [&'static str]],
}

impl RequestSpec {
    /// Starts a request.
    pub fn new(
        operation: &'static str,
        method: Method,
        path: impl Into<String>,
        security: &'static [&'static [&'static str]],
    ) -> Self {
        RequestSpec {
            operation,
            method,
            path: path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            security,
        }
    }

    /// Adds a query parameter (see [`encode::query_param`]).
    pub fn query_param<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
        style: Style,
        explode: bool,
    ) -> Result<(), InvalidRequest> {
        encode::query_param(&mut self.query, name, value, style, explode)
    }

    /// Adds a header parameter (simple style); a `null` value adds nothing.
    pub fn header_param<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), InvalidRequest> {
        HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| InvalidRequest(format!("invalid header name `{name}`")))?;
        if serde_json::to_value(value).is_ok_and(|v| v.is_null()) {
            return Ok(());
        }
        let value = encode::header_value(name, value)?;
        self.headers.push((name.to_owned(), value));
        Ok(())
    }

    /// Adds a cookie parameter (form style), merged into one `Cookie` header;
    /// a `null` value adds nothing.
    pub fn cookie_param<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), InvalidRequest> {
        if serde_json::to_value(value).is_ok_and(|v| v.is_null()) {
            return Ok(());
        }
        let value = encode::header_value(name, value)?;
        if name.contains(['=', ';', ' ']) || value.contains(';') {
            return Err(InvalidRequest(format!(
                "cookie parameter `{name}` cannot contain `=`, `;` or spaces"
            )));
        }
        let pair = format!("{name}={value}");
        match self
            .headers
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case("cookie"))
        {
            Some((_, existing)) => {
                existing.push_str("; ");
                existing.push_str(&pair);
            }
            None => self.headers.push(("Cookie".to_owned(), pair)),
        }
        Ok(())
    }

    /// Sets a JSON body (`application/json`).
    pub fn json_body<T: Serialize + ?Sized>(&mut self, body: &T) -> Result<(), InvalidRequest> {
        let bytes = serde_json::to_vec(body).map_err(|e| {
            InvalidRequest(format!(
                "cannot serialize request body of `{}`: {e}",
                self.operation
            ))
        })?;
        self.body = Some((Bytes::from(bytes), "application/json".to_owned()));
        Ok(())
    }

    /// Sets an `application/x-www-form-urlencoded` body.
    pub fn form_body<T: Serialize + ?Sized>(&mut self, body: &T) -> Result<(), InvalidRequest> {
        let text = serde_urlencoded::to_string(body).map_err(|e| {
            InvalidRequest(format!(
                "cannot serialize form body of `{}`: {e}",
                self.operation
            ))
        })?;
        self.body = Some((
            Bytes::from(text),
            "application/x-www-form-urlencoded".to_owned(),
        ));
        Ok(())
    }

    /// Replaces the content type of the body already set (e.g. a vendor JSON
    /// media type such as `application/vnd.api+json`).
    pub fn set_content_type(&mut self, content_type: &str) {
        if let Some((_, ct)) = self.body.as_mut() {
            content_type.clone_into(ct);
        }
    }

    /// Sets a `multipart/form-data` body.
    pub fn multipart_body(
        &mut self,
        form: &super::multipart::Multipart,
    ) -> Result<(), InvalidRequest> {
        let (bytes, content_type) = form.encode()?;
        self.body = Some((bytes, content_type));
        Ok(())
    }

    /// Sets a binary body.
    pub fn bytes_body(&mut self, body: Bytes, content_type: &str) {
        self.body = Some((body, content_type.to_owned()));
    }

    /// Sets a text body.
    pub fn text_body(&mut self, body: String, content_type: &str) {
        self.body = Some((Bytes::from(body), content_type.to_owned()));
    }
}

/// Sets `name` to `value` in a list holding one value per name.
fn set_param(params: &mut Vec<(String, String)>, name: &str, value: String) {
    params.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    params.push((name.to_owned(), value));
}

fn header_pair(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), InvalidRequest> {
    let header_name = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| InvalidRequest(format!("invalid header name `{name}`")))?;
    encode::check_header_value(name, value)?;
    let header_value = HeaderValue::from_str(value)
        .map_err(|_| InvalidRequest(format!("invalid value for header `{name}`")))?;
    Ok((header_name, header_value))
}

/// Adds a layer of headers: each name in the layer replaces earlier values;
/// repeated names within the layer are all kept.
fn apply_layer(headers: &mut HeaderMap, layer: &[(String, String)]) -> Result<(), InvalidRequest> {
    let mut seen: Vec<HeaderName> = Vec::new();
    for (name, value) in layer {
        let (name, value) = header_pair(name, value)?;
        if seen.contains(&name) {
            headers.append(name, value);
        } else {
            headers.insert(name.clone(), value);
            seen.push(name);
        }
    }
    Ok(())
}

/// Whether `method` is idempotent per RFC 9110 (safe to retry).
pub fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE
    )
}

fn sensitive(scheme_value: String, what: &str) -> Result<HeaderValue, InvalidRequest> {
    let mut value = HeaderValue::from_str(&scheme_value).map_err(|_| {
        InvalidRequest(format!(
            "{what} contains characters that cannot be sent in a header"
        ))
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// Everything prepared once and reused by every attempt.
struct Prepared {
    url: Url,
    headers: HeaderMap,
    /// Secrets and URL parts to scrub from transport error messages.
    redact: Vec<String>,
    /// `METHOD /path (operation)`, for messages.
    label: String,
}

fn prepare(
    config: &ClientConfig,
    spec: &RequestSpec,
    options: &RequestOptions,
) -> Result<Prepared, InvalidRequest> {
    let label = format!("{} {} ({})", spec.method, spec.path, spec.operation);
    let auths = config
        .credentials
        .select(spec.security)
        .map_err(|e| InvalidRequest(format!("{}: {}", spec.operation, e.0)))?;
    let mut redact: Vec<String> = auths
        .iter()
        .map(|a| a.secret().expose().to_owned())
        .filter(|s| !s.is_empty())
        .collect();

    let separator = if spec.path.starts_with('/') { "" } else { "/" };
    let mut url = Url::parse(&format!(
        "{}{separator}{}",
        config.base_url.trim_end_matches('/'),
        spec.path
    ))
    .map_err(|e| InvalidRequest(format!("{label}: invalid request URL: {e}")))?;

    let mut query: Vec<(&str, &str)> = spec
        .query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mut headers = HeaderMap::new();
    let user_agent = HeaderValue::from_str(&config.user_agent)
        .map_err(|_| InvalidRequest("invalid User-Agent value".to_owned()))?;
    headers.insert(reqwest::header::USER_AGENT, user_agent);
    apply_layer(&mut headers, &config.header_params)?;
    apply_layer(&mut headers, &config.default_headers)?;

    let mut cookies: Vec<String> = Vec::new();
    for auth in &auths {
        match auth {
            Auth::Bearer(token) => {
                let value = sensitive(format!("Bearer {}", token.expose()), "bearer token")?;
                headers.insert(reqwest::header::AUTHORIZATION, value);
            }
            Auth::Basic { username, password } => {
                let encoded = BASE64_STANDARD.encode(format!("{username}:{}", password.expose()));
                redact.push(encoded.clone());
                let value = sensitive(format!("Basic {encoded}"), "basic credentials")?;
                headers.insert(reqwest::header::AUTHORIZATION, value);
            }
            Auth::ApiKey {
                location,
                name,
                value,
            } => match location {
                ApiKeyLocation::Header => {
                    let header_name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                        InvalidRequest(format!("invalid API key header name `{name}`"))
                    })?;
                    let header_value =
                        sensitive(value.expose().to_owned(), &format!("API key `{name}`"))?;
                    headers.insert(header_name, header_value);
                }
                ApiKeyLocation::Query => query.push((name.as_str(), value.expose())),
                ApiKeyLocation::Cookie => cookies.push(format!("{name}={}", value.expose())),
            },
        }
    }

    apply_layer(&mut headers, &spec.headers)?;
    if let Some((_, content_type)) = &spec.body {
        let (name, value) = header_pair("Content-Type", content_type)?;
        headers.insert(name, value);
    }
    if let Some(key) = &options.idempotency_key {
        let (name, value) = header_pair("Idempotency-Key", key)?;
        headers.insert(name, value);
    }
    apply_layer(&mut headers, &options.headers)?;

    if !cookies.is_empty() {
        let mut all: Vec<String> = headers
            .get_all(reqwest::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect();
        all.extend(cookies);
        let value = sensitive(all.join("; "), "API key cookie")?;
        headers.insert(reqwest::header::COOKIE, value);
    }

    if !query.is_empty() {
        url.query_pairs_mut().extend_pairs(query);
    }
    redact.push(url.as_str().to_owned());
    if let Some(q) = url.query() {
        redact.push(q.to_owned());
    }
    redact.sort_by_key(|s| std::cmp::Reverse(s.len()));
    Ok(Prepared {
        url,
        headers,
        redact,
        label,
    })
}

/// Failure of one attempt before a complete response was read.
struct AttemptError {
    retryable: bool,
    timeout: bool,
    source: reqwest::Error,
}

async fn attempt(
    config: &ClientConfig,
    prepared: &Prepared,
    method: &Method,
    body: Option<&Bytes>,
    timeout: Option<Duration>,
) -> Result<RawResponse, AttemptError> {
    let mut request = config
        .http
        .request(method.clone(), prepared.url.clone())
        .headers(prepared.headers.clone());
    if let Some(timeout) = timeout {
        request = request.timeout(timeout);
    }
    if let Some(body) = body {
        request = request.body(body.clone());
    }
    let classify = |e: reqwest::Error| AttemptError {
        retryable: e.is_timeout() || e.is_connect() || e.is_request() || e.is_body(),
        timeout: e.is_timeout(),
        source: e.without_url(),
    };
    let response = request.send().await.map_err(classify)?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.map_err(classify)?;
    Ok(RawResponse {
        status,
        headers,
        body,
    })
}

fn describe(prepared: &Prepared, err: &reqwest::Error) -> String {
    let mut message = format!("{}: {err}", prepared.label);
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    for secret in &prepared.redact {
        if !secret.is_empty() && message.contains(secret.as_str()) {
            message = message.replace(secret.as_str(), "<redacted>");
        }
    }
    message
}

/// Sends a request, retrying per policy, and reads the whole response.
///
/// Every HTTP status, including 4xx and 5xx, is returned as `Ok`; the caller
/// classifies it. Retries (connection errors, timeouts, retryable statuses)
/// happen only for idempotent methods, with an idempotency key, or with
/// `retry_non_idempotent`. Waits follow the policy's backoff, or the wait
/// the response asks for (`Retry-After`, or on a 429 a rate-limit reset
/// header; see [`RetryPolicy::wait`]); a requested wait longer than
/// `max_backoff`, or any wait beyond the remaining `max_elapsed` budget, ends
/// retrying and returns that response. Errors never contain credentials or
/// the query string.
pub async fn execute<E>(
    config: &ClientConfig,
    spec: RequestSpec,
    options: &RequestOptions,
) -> Result<RawResponse, Error<E>> {
    let prepared = prepare(config, &spec, options)?;
    let policy = options.retry.as_ref().unwrap_or(&config.retry);
    let timeout = options.timeout.or(config.timeout);
    let may_retry = is_idempotent(&spec.method)
        || options.retry_non_idempotent
        || options.idempotency_key.is_some();
    let max_attempts = if may_retry {
        policy.max_attempts.max(1)
    } else {
        1
    };
    let body = spec.body.as_ref().map(|(bytes, _)| bytes);
    let started = Instant::now();
    let mut attempt_number: u32 = 0;
    loop {
        attempt_number = attempt_number.saturating_add(1);
        let result = attempt(config, &prepared, &spec.method, body, timeout).await;
        let delay = if attempt_number >= max_attempts {
            None
        } else {
            match &result {
                Ok(response) if is_retryable_status(response.status) => {
                    let requested =
                        requested_wait(response.status, &response.headers, SystemTime::now());
                    policy.wait(attempt_number, requested)
                }
                Ok(_) => None,
                Err(err) if err.retryable => Some(policy.backoff(attempt_number)),
                Err(_) => None,
            }
        };
        let delay = delay.filter(|d| started.elapsed().saturating_add(*d) <= policy.max_elapsed);
        match (delay, result) {
            (Some(delay), _) => tokio::time::sleep(delay).await,
            (None, Ok(response)) => return Ok(response),
            (None, Err(err)) => {
                let mut message = describe(&prepared, &err.source);
                if attempt_number > 1 {
                    message.push_str(&format!(" (after {attempt_number} attempts)"));
                }
                return Err(if err.timeout {
                    Error::Timeout { message }
                } else {
                    Error::Transport {
                        message,
                        source: Some(err.source),
                    }
                });
            }
        }
    }
}
