//! The request executor: prepares a call once, then runs attempts
//! (credentials, hooks, send, read) under the retry policy.

use std::future::Future;
use std::time::{Duration, Instant, SystemTime};

use base64::prelude::{Engine as _, BASE64_STANDARD};
use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode, Url};

use super::auth::{ApiKeyLocation, Auth, Source};
use super::body::{read_capped, ReadError};
use super::client::ClientConfig;
use super::credentials::{BoxError, BoxFuture, CredentialProvider, CredentialRequest};
use super::encode;
use super::error::{Error, InvalidRequest};
use super::hook::Attempt;
use super::options::RequestOptions;
use super::request::RequestSpec;
use super::response::{RawResponse, Response};
use super::retry::{is_retryable_status, requested_wait, RetryPolicy};
use super::secret::Secret;
use super::trace;

/// Why a call failed before a complete response was read. Not generic over
/// the operation's error type, so the executor is compiled once per crate;
/// `?` turns it into [`Error`].
#[derive(Debug)]
pub enum Failure {
    /// See [`Error::InvalidRequest`].
    InvalidRequest(String),
    /// See [`Error::Timeout`].
    Timeout(String),
    /// See [`Error::Transport`].
    Transport(String, reqwest::Error),
    /// See [`Error::Credentials`].
    Credentials(String, Option<BoxError>),
    /// See [`Error::Hook`].
    Hook(String, BoxError),
    /// See [`Error::BodyTooLarge`].
    BodyTooLarge {
        status: StatusCode,
        headers: HeaderMap,
        limit: u64,
    },
}

impl From<InvalidRequest> for Failure {
    fn from(err: InvalidRequest) -> Self {
        Failure::InvalidRequest(err.0)
    }
}

impl<E> From<Failure> for Error<E> {
    fn from(failure: Failure) -> Self {
        match failure {
            Failure::InvalidRequest(message) => Error::InvalidRequest { message },
            Failure::Timeout(message) => Error::Timeout { message },
            Failure::Transport(message, source) => Error::Transport {
                message,
                source: Some(source),
            },
            Failure::Credentials(message, source) => Error::Credentials { message, source },
            Failure::Hook(message, source) => Error::Hook { message, source },
            Failure::BodyTooLarge {
                status,
                headers,
                limit,
            } => Error::BodyTooLarge {
                status,
                headers,
                limit,
            },
        }
    }
}

pub(crate) fn header_pair(
    name: &str,
    value: &str,
) -> Result<(HeaderName, HeaderValue), InvalidRequest> {
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

/// Puts every header of `layer` over `headers`, replacing same-named ones.
fn overlay(headers: &mut HeaderMap, layer: &HeaderMap) {
    for name in layer.keys() {
        headers.remove(name);
        for value in layer.get_all(name) {
            headers.append(name.clone(), value.clone());
        }
    }
}

/// Whether `method` is idempotent per RFC 9110 (safe to retry).
pub(crate) fn is_idempotent(method: &Method) -> bool {
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
struct Prepared<'a> {
    /// The URL without credentials in its query.
    url: Url,
    /// Headers that credentials override (`User-Agent`, client defaults).
    before_auth: HeaderMap,
    /// Headers that override credentials (parameters, body type, options).
    after_auth: HeaderMap,
    /// The credential sources the operation's security requirements chose.
    sources: Vec<(&'static str, &'a Source)>,
    /// `METHOD /path (operation)`, for messages.
    label: String,
}

fn prepare<'a>(
    config: &'a ClientConfig,
    spec: &RequestSpec,
    options: &RequestOptions,
) -> Result<Prepared<'a>, InvalidRequest> {
    let label = format!("{} {} ({})", spec.method, spec.path, spec.operation);
    let sources = config
        .credentials
        .select(spec.security)
        .map_err(|e| InvalidRequest(format!("{}: {}", spec.operation, e.0)))?;

    let separator = if spec.path.starts_with('/') { "" } else { "/" };
    let mut url = Url::parse(&format!(
        "{}{separator}{}",
        config.base_url.trim_end_matches('/'),
        spec.path
    ))
    .map_err(|e| InvalidRequest(format!("{label}: invalid request URL: {e}")))?;
    if !spec.query.is_empty() {
        url.query_pairs_mut().extend_pairs(&spec.query);
    }

    let mut before_auth = HeaderMap::new();
    let user_agent = HeaderValue::from_str(&config.user_agent)
        .map_err(|_| InvalidRequest("invalid User-Agent value".to_owned()))?;
    before_auth.insert(reqwest::header::USER_AGENT, user_agent);
    apply_layer(&mut before_auth, &config.header_params)?;
    apply_layer(&mut before_auth, &config.default_headers)?;

    let mut after_auth = HeaderMap::new();
    apply_layer(&mut after_auth, &spec.headers)?;
    if let Some((_, content_type)) = &spec.body {
        let (name, value) = header_pair("Content-Type", content_type)?;
        after_auth.insert(name, value);
    }
    if let Some(key) = &options.idempotency_key {
        let (name, value) = header_pair("Idempotency-Key", key)?;
        after_auth.insert(name, value);
    }
    apply_layer(&mut after_auth, &options.headers)?;
    Ok(Prepared {
        url,
        before_auth,
        after_auth,
        sources,
        label,
    })
}

/// The credentials of one attempt.
struct Authorized {
    url: Url,
    headers: HeaderMap,
    /// Providers consulted, with the token each gave (for a 401 refresh).
    provided: Vec<(std::sync::Arc<dyn CredentialProvider>, Secret)>,
    /// Secrets and URL parts to scrub from transport error messages.
    redact: Vec<String>,
}

/// Obtains this attempt's credentials and applies them to the prepared
/// URL and headers.
async fn authorize(
    config: &ClientConfig,
    prepared: &Prepared<'_>,
    attempt: &Attempt,
    timeout: Option<Duration>,
) -> Result<Authorized, Failure> {
    let mut auths: Vec<Auth> = Vec::with_capacity(prepared.sources.len());
    let mut provided = Vec::new();
    for (scheme, source) in &prepared.sources {
        match source {
            Source::Static(auth) => auths.push(auth.clone()),
            Source::Provider { shape, provider } => {
                let request = CredentialRequest {
                    scheme,
                    operation: attempt.operation,
                    attempt: attempt.number,
                    http: &config.http,
                    base_url: &config.base_url,
                    timeout,
                };
                let token = provider.credential(&request).await.map_err(|e| {
                    let (message, source) = e.into_parts();
                    Failure::Credentials(
                        format!("{}: scheme `{scheme}`: {message}", prepared.label),
                        source,
                    )
                })?;
                provided.push((provider.clone(), token.clone()));
                auths.push(shape.auth(token));
            }
        }
    }
    apply_credentials(prepared, &auths, provided)
}

/// Applies an attempt's credentials to the prepared URL and headers. Not
/// `async`: in a `cargo check` of the generated crate the body of an
/// `async fn` is also optimised (for its future's layout), plain code not.
fn apply_credentials(
    prepared: &Prepared<'_>,
    auths: &[Auth],
    provided: Vec<(std::sync::Arc<dyn CredentialProvider>, Secret)>,
) -> Result<Authorized, Failure> {
    let mut url = prepared.url.clone();
    let mut headers = prepared.before_auth.clone();
    let mut redact: Vec<String> = auths
        .iter()
        .map(|a| a.secret().expose().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    let mut query: Vec<(&str, &str)> = Vec::new();
    let mut cookies: Vec<String> = Vec::new();
    for auth in auths {
        match auth {
            Auth::Bearer(token) => {
                let value = sensitive(format!("Bearer {}", token.expose()), "bearer token")?;
                headers.insert(reqwest::header::AUTHORIZATION, value);
            }
            Auth::Basic { username, password } => {
                let encoded =
                    BASE64_STANDARD.encode(format!("{username}:{}", password.expose()).as_bytes());
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
    overlay(&mut headers, &prepared.after_auth);

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
    Ok(Authorized {
        url,
        headers,
        provided,
        redact,
    })
}

/// `label: error: cause: cause…` on one line, with secrets and the URL
/// scrubbed.
fn describe(label: &str, redact: &[String], err: &reqwest::Error) -> String {
    let mut message = format!("{label}: {err}");
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    scrub(message, redact)
}

/// `message` on one line, with every string of `redact` replaced.
fn scrub(mut message: String, redact: &[String]) -> String {
    for secret in redact {
        if !secret.is_empty() && message.contains(secret.as_str()) {
            message = message.replace(secret.as_str(), "<redacted>");
        }
    }
    message.replace(['\r', '\n'], " ")
}

/// Whether a failed attempt (no complete response) may be retried.
fn retryable(err: &reqwest::Error) -> bool {
    err.is_timeout() || err.is_connect() || err.is_request() || err.is_body()
}

/// The error for a failed last attempt.
fn failure(label: &str, redact: &[String], err: reqwest::Error, attempts: u32) -> Failure {
    let mut message = describe(label, redact, &err);
    if attempts > 1 {
        message.push_str(&format!(" (after {attempts} attempts)"));
    }
    if err.is_timeout() {
        Failure::Timeout(message)
    } else {
        Failure::Transport(message, err)
    }
}

/// Sends a request, retrying per policy, and reads the whole response.
///
/// Every HTTP status, including 4xx and 5xx, is returned as `Ok`; the caller
/// classifies it. Retries (connection errors, timeouts, retryable statuses)
/// happen only for idempotent methods, with an idempotency key, or with
/// `retry_non_idempotent`. Waits follow the policy's backoff, or the wait
/// the response asks for (`Retry-After`, or on a 429 a rate-limit reset
/// header; see [`RetryPolicy::wait`](super::RetryPolicy)); a requested wait
/// longer than `max_backoff`, or any wait beyond the remaining
/// `max_elapsed` budget, ends retrying and returns that response. A 401 to
/// an attempt whose token came from a provider that then asks for a retry
/// ([`CredentialProvider::rejected`]) is retried once more, whatever the
/// policy. Errors never contain credentials or the query string.
pub(crate) async fn execute(
    config: &ClientConfig,
    spec: RequestSpec,
    options: &RequestOptions,
) -> Result<RawResponse, Failure> {
    let limit = options.max_body_size.or(config.max_body_size);
    let read = move |response| read_capped(response, limit, None);
    execute_with(config, spec, options, Timeout::Whole, read).await
}

/// An operation's `send()`: the request its builder set up, sent with
/// [`execute`], and the response handed to the operation's `decode`. A
/// per-operation `async fn` would be a state machine of its own, checked
/// (and proved `Send`) once per operation; here the executor's future is
/// boxed once, outside any generic code (proving a future `Send` under a
/// generic function's bounds is not cached and costs as much as the
/// executor), and each operation adds only `Sent`, a plain `poll`.
pub(crate) fn send<'a, T, E, F>(
    config: &'a ClientConfig,
    spec: Result<RequestSpec, InvalidRequest>,
    options: RequestOptions,
    decode: F,
) -> BoxFuture<'a, Result<Response<T>, Error<E>>>
where
    T: Send + 'a,
    E: Send + 'a,
    F: FnOnce(RawResponse) -> Result<Response<T>, Error<E>> + Send + Unpin + 'a,
{
    Box::pin(Sent {
        raw: execute_boxed(config, spec, options),
        decode: Some(decode),
    })
}

/// [`execute`] owning its request and options, boxed, for [`send`]. Not
/// generic: the executor's future is proved `Send` once, here.
fn execute_boxed(
    config: &ClientConfig,
    spec: Result<RequestSpec, InvalidRequest>,
    options: RequestOptions,
) -> BoxFuture<'_, Result<RawResponse, Failure>> {
    Box::pin(execute_owned(config, spec, options))
}

async fn execute_owned(
    config: &ClientConfig,
    spec: Result<RequestSpec, InvalidRequest>,
    options: RequestOptions,
) -> Result<RawResponse, Failure> {
    execute(config, spec?, &options).await
}

/// [`send`]'s future: the shared executor's, then the operation's decode.
struct Sent<'a, F> {
    raw: BoxFuture<'a, Result<RawResponse, Failure>>,
    decode: Option<F>,
}

impl<T, E, F> Future for Sent<'_, F>
where
    F: FnOnce(RawResponse) -> Result<Response<T>, Error<E>> + Unpin,
{
    type Output = Result<Response<T>, Error<E>>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        let raw = std::task::ready!(self.raw.as_mut().poll(cx));
        let decode = self.decode.take().expect("polled after completion");
        std::task::Poll::Ready(match raw {
            Ok(raw) => decode(raw),
            Err(failure) => Err(failure.into()),
        })
    }
}

/// What the per-attempt timeout covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Timeout {
    /// From connecting to the end of the body.
    Whole,
    /// Until the response head arrives.
    Head,
}

/// [`execute`] with another way of reading the response once its head has
/// arrived and no retry is due (a streaming body hands the response on).
/// Errors from `read` are retried like connection errors.
pub(crate) async fn execute_with<T, F, Fut>(
    config: &ClientConfig,
    spec: RequestSpec,
    options: &RequestOptions,
    covers: Timeout,
    read: F,
) -> Result<T, Failure>
where
    F: Fn(reqwest::Response) -> Fut,
    Fut: Future<Output = Result<T, ReadError>>,
{
    let span = trace::call_span(&spec, &config.base_url);
    let mut outcome = Outcome::default();
    let result = trace::instrument(
        &span,
        run(config, &spec, options, covers, &read, &mut outcome),
    )
    .await;
    trace::finish(&span, &outcome, &result);
    result
}

/// What a call did, for tracing.
#[derive(Default)]
pub(crate) struct Outcome {
    /// Attempts made.
    pub(crate) attempts: u32,
    /// The status of the last response received.
    pub(crate) status: Option<u16>,
}

async fn run<T, F, Fut>(
    config: &ClientConfig,
    spec: &RequestSpec,
    options: &RequestOptions,
    covers: Timeout,
    read: &F,
    outcome: &mut Outcome,
) -> Result<T, Failure>
where
    F: Fn(reqwest::Response) -> Fut,
    Fut: Future<Output = Result<T, ReadError>>,
{
    // Only the awaits live here; the decisions are plain functions, which a
    // `cargo check` of the generated crate compiles more cheaply (the body
    // of an `async fn` is also optimised there, for its future's layout).
    let plan = plan(config, spec, options)?;
    let mut refreshed = false;
    let mut number: u32 = 0;
    loop {
        number = number.saturating_add(1);
        outcome.attempts = number;
        let attempt = Attempt {
            operation: spec.operation,
            method: spec.method.clone(),
            path_template: spec.template,
            number,
            started: Instant::now(),
        };
        let auth = authorize(config, &plan.prepared, &attempt, plan.timeout).await?;
        let request = build_request(config, spec, &plan, &auth, &attempt, covers)?;
        let sending = config.http.execute(request);
        let next = match plan.timeout.filter(|_| covers == Timeout::Head) {
            None => received(
                config,
                &plan,
                &auth,
                &attempt,
                sending.await,
                outcome,
                &mut refreshed,
            ),
            Some(limit) => match tokio::time::timeout(limit, sending).await {
                Ok(sent) => received(
                    config,
                    &plan,
                    &auth,
                    &attempt,
                    sent,
                    outcome,
                    &mut refreshed,
                ),
                Err(_) => head_timeout(&plan, number, limit),
            },
        };
        let wait = match next {
            Next::Read(response) => match read(response).await {
                Ok(output) => return Ok(output),
                Err(err) => read_failed(&plan, &auth, err, number)?,
            },
            Next::Retry(wait) => wait,
            Next::Refresh => continue,
            Next::Fail(failure) => return Err(failure),
        };
        trace::waiting(number, wait);
        tokio::time::sleep(wait).await;
    }
}

/// What a call's attempts share, worked out once.
struct Plan<'a> {
    prepared: Prepared<'a>,
    policy: &'a RetryPolicy,
    timeout: Option<Duration>,
    max_attempts: u32,
    started: Instant,
}

fn plan<'a>(
    config: &'a ClientConfig,
    spec: &RequestSpec,
    options: &'a RequestOptions,
) -> Result<Plan<'a>, Failure> {
    let prepared = prepare(config, spec, options)?;
    let policy = options.retry.as_ref().unwrap_or(&config.retry);
    let may_retry = is_idempotent(&spec.method)
        || options.retry_non_idempotent == Some(true)
        || options.idempotency_key.is_some();
    let max_attempts = if may_retry {
        policy.max_attempts.max(1)
    } else {
        1
    };
    Ok(Plan {
        prepared,
        policy,
        timeout: options.timeout.or(config.timeout),
        max_attempts,
        started: Instant::now(),
    })
}

impl Plan<'_> {
    /// `wait`, when attempt `number` may be followed by another and the
    /// wait fits the `max_elapsed` budget.
    fn retry_wait(&self, number: u32, wait: Option<Duration>) -> Option<Duration> {
        wait.filter(|_| number < self.max_attempts)
            .filter(|d| self.started.elapsed().saturating_add(*d) <= self.policy.max_elapsed)
    }
}

/// What follows an attempt's response (or failure to get one).
enum Next {
    /// Read this response: no retry is due.
    Read(reqwest::Response),
    /// Wait, then make another attempt.
    Retry(Duration),
    /// Make another attempt now, with fresh credentials.
    Refresh,
    /// The call failed.
    Fail(Failure),
}

/// The attempt's request, with its credentials, after the hooks have seen
/// it.
fn build_request(
    config: &ClientConfig,
    spec: &RequestSpec,
    plan: &Plan<'_>,
    auth: &Authorized,
    attempt: &Attempt,
    covers: Timeout,
) -> Result<reqwest::Request, Failure> {
    let mut builder = config
        .http
        .request(spec.method.clone(), auth.url.clone())
        .headers(auth.headers.clone());
    if let Some(timeout) = plan.timeout.filter(|_| covers == Timeout::Whole) {
        builder = builder.timeout(timeout);
    }
    if let Some((body, _)) = &spec.body {
        builder = builder.body(body.clone());
    }
    let mut request = builder
        .build()
        .map_err(|e| Failure::InvalidRequest(describe(&plan.prepared.label, &auth.redact, &e)))?;
    for hook in &config.hooks.0 {
        hook.on_request(&mut request, attempt).map_err(|e| {
            let message = scrub(format!("{}: {e}", plan.prepared.label), &auth.redact);
            Failure::Hook(message, e)
        })?;
    }
    Ok(request)
}

/// No response head within `limit`: retried like a timeout, though hooks
/// see no response for it.
fn head_timeout(plan: &Plan<'_>, number: u32, limit: Duration) -> Next {
    match plan.retry_wait(number, Some(plan.policy.backoff(number))) {
        Some(wait) => Next::Retry(wait),
        None => {
            let ms = limit.as_millis();
            Next::Fail(Failure::Timeout(format!(
                "{}: no response within {ms} ms",
                plan.prepared.label
            )))
        }
    }
}

/// An attempt's outcome, shown to hooks and tracing, then judged: read it,
/// refresh a rejected token, retry, or fail.
fn received(
    config: &ClientConfig,
    plan: &Plan<'_>,
    auth: &Authorized,
    attempt: &Attempt,
    sent: Result<reqwest::Response, reqwest::Error>,
    outcome: &mut Outcome,
    refreshed: &mut bool,
) -> Next {
    let number = attempt.number;
    let sent = sent.map_err(reqwest::Error::without_url);
    for hook in &config.hooks.0 {
        match &sent {
            Ok(response) => hook.on_response(response, attempt),
            Err(err) => hook.on_error(err, attempt),
        }
    }
    trace::attempt_done(&sent, number, attempt.started.elapsed());
    if let Ok(response) = &sent {
        outcome.status = Some(response.status().as_u16());
        // A rejected token: let its provider refresh it, once per call.
        if response.status() == StatusCode::UNAUTHORIZED && !*refreshed {
            let retry = auth.provided.iter().fold(false, |any, (provider, token)| {
                provider.rejected(token) || any
            });
            if retry {
                *refreshed = true;
                trace::refresh(number);
                return Next::Refresh;
            }
        }
    }
    match sent {
        Ok(response) => {
            let status = response.status();
            let wait = if is_retryable_status(status) {
                let requested = requested_wait(status, response.headers(), SystemTime::now());
                plan.retry_wait(number, plan.policy.wait(number, requested))
            } else {
                None
            };
            match wait {
                Some(wait) => Next::Retry(wait),
                None => Next::Read(response),
            }
        }
        Err(err) => {
            match plan.retry_wait(number, retryable(&err).then(|| plan.policy.backoff(number))) {
                Some(wait) => Next::Retry(wait),
                None => Next::Fail(failure(&plan.prepared.label, &auth.redact, err, number)),
            }
        }
    }
}

/// Reading the body failed: the wait before retrying, or the call's error.
fn read_failed(
    plan: &Plan<'_>,
    auth: &Authorized,
    err: ReadError,
    number: u32,
) -> Result<Duration, Failure> {
    match err {
        ReadError::Http(err) => {
            let err = err.without_url();
            match plan.retry_wait(number, retryable(&err).then(|| plan.policy.backoff(number))) {
                Some(wait) => Ok(wait),
                None => Err(failure(&plan.prepared.label, &auth.redact, err, number)),
            }
        }
        ReadError::Idle(after) => {
            match plan.retry_wait(number, Some(plan.policy.backoff(number))) {
                Some(wait) => Ok(wait),
                None => {
                    let ms = after.as_millis();
                    Err(Failure::Timeout(format!(
                        "{}: no response data for {ms} ms",
                        plan.prepared.label
                    )))
                }
            }
        }
        ReadError::TooLarge {
            status,
            headers,
            limit,
        } => Err(Failure::BodyTooLarge {
            status,
            headers,
            limit,
        }),
    }
}
