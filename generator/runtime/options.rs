//! Per-call options.

use std::time::Duration;

use super::retry::RetryPolicy;

/// Per-call options: retry policy, timeout, idempotency key, extra headers.
///
/// Request builders take them with `.options(..)`, which merges: a setting
/// given here replaces the builder's earlier one (`.retry(..)`,
/// `.timeout(..)`), settings left unset keep it, and headers add up.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RequestOptions {
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) idempotency_key: Option<String>,
    pub(crate) retry_non_idempotent: Option<bool>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) max_body_size: Option<u64>,
}

impl RequestOptions {
    /// No settings: the client's apply.
    pub fn new() -> Self {
        Self::default()
    }

    /// Uses this retry policy instead of the client's.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Uses this per-attempt timeout instead of the client's.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sends `Idempotency-Key`, which also makes a non-idempotent request
    /// (POST, PATCH) safe to retry.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    /// Allows (or forbids) retrying a non-idempotent request without an
    /// idempotency key.
    pub fn retry_non_idempotent(mut self, allow: bool) -> Self {
        self.retry_non_idempotent = Some(allow);
        self
    }

    /// Adds a header; it replaces same-named headers set elsewhere (client
    /// defaults, parameters).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Refuses, with [`Error::BodyTooLarge`](super::Error::BodyTooLarge), a
    /// response body longer than `bytes` instead of reading it into memory
    /// (instead of the client's cap). Streamed bodies (`download()`,
    /// events) are not capped.
    pub fn max_body_size(mut self, bytes: u64) -> Self {
        self.max_body_size = Some(bytes);
        self
    }

    /// Applies `other` on top of these options: each setting `other` has
    /// replaces this one; its headers are added after these.
    pub(crate) fn merge(&mut self, other: RequestOptions) {
        let RequestOptions {
            retry,
            timeout,
            idempotency_key,
            retry_non_idempotent,
            headers,
            max_body_size,
        } = other;
        if retry.is_some() {
            self.retry = retry;
        }
        if timeout.is_some() {
            self.timeout = timeout;
        }
        if idempotency_key.is_some() {
            self.idempotency_key = idempotency_key;
        }
        if retry_non_idempotent.is_some() {
            self.retry_non_idempotent = retry_non_idempotent;
        }
        self.headers.extend(headers);
        if max_body_size.is_some() {
            self.max_body_size = max_body_size;
        }
    }
}
