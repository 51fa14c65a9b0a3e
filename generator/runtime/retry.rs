//! Retry policy, backoff, and the waits servers ask for (`Retry-After` and
//! rate-limit reset headers).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

/// When and how often to retry a failed attempt.
///
/// Only idempotent requests (or those with an idempotency key, or with
/// [`RequestOptions::retry_non_idempotent`](super::RequestOptions::retry_non_idempotent))
/// are retried, and only after a connection error, a timeout or a
/// retryable status: 408, 429 and 5xx except 501 and 505. A wait the
/// response asks for (`Retry-After`; on a 429 also `RateLimit-Reset`,
/// `X-RateLimit-Reset` or `X-Rate-Limit-Reset`, as seconds to wait or a
/// Unix time in seconds or milliseconds) replaces the backoff when it is
/// longer, and ends retrying when it exceeds `max_backoff`.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Total attempts including the first; `1` means no retries.
    pub max_attempts: u32,
    /// Wait before the first retry; doubles on each further retry.
    pub initial_backoff: Duration,
    /// Upper bound for a single wait. A server asking for a longer one ends
    /// retrying: its response is returned.
    pub max_backoff: Duration,
    /// No retry is started once this much time has passed since the first
    /// attempt began (waits included).
    pub max_elapsed: Duration,
    /// Randomize waits ("equal jitter": between half and all of the backoff).
    pub jitter: bool,
}

impl Default for RetryPolicy {
    /// 3 attempts, 250 ms initial backoff, 8 s max backoff, 30 s max elapsed, jitter on.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            max_elapsed: Duration::from_secs(30),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Sets the total number of attempts (at least 1 is always made).
    pub fn max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts;
        self
    }

    /// Sets the wait before the first retry.
    pub fn initial_backoff(mut self, initial_backoff: Duration) -> Self {
        self.initial_backoff = initial_backoff;
        self
    }

    /// Sets the upper bound for a single wait.
    pub fn max_backoff(mut self, max_backoff: Duration) -> Self {
        self.max_backoff = max_backoff;
        self
    }

    /// Sets the overall time budget for retrying.
    pub fn max_elapsed(mut self, max_elapsed: Duration) -> Self {
        self.max_elapsed = max_elapsed;
        self
    }

    /// Enables or disables jitter.
    pub fn jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// Wait before retry number `retry_number` (1 = first retry):
    /// `initial_backoff * 2^(retry_number - 1)`, capped at `max_backoff`;
    /// with jitter, a random duration between half of that and all of it.
    pub(crate) fn backoff(&self, retry_number: u32) -> Duration {
        let exponent = retry_number.saturating_sub(1).min(31);
        let base = self
            .initial_backoff
            .saturating_mul(1u32 << exponent)
            .min(self.max_backoff);
        if !self.jitter {
            return base;
        }
        let nanos = u64::try_from(base.as_nanos()).unwrap_or(u64::MAX);
        let half = nanos / 2;
        Duration::from_nanos(half.saturating_add(fastrand::u64(0..=nanos - half)))
    }

    /// Wait before retry number `retry_number` when the response asked for
    /// `requested` (from [`requested_wait`]), or `None` to stop retrying.
    ///
    /// Without a request this is [`RetryPolicy::backoff`]. A requested wait
    /// longer than `max_backoff` stops retrying. Otherwise the wait is the
    /// longer of the two, so a reset time that is already past (clock skew)
    /// still backs off; with jitter a random extra of up to `initial_backoff`
    /// is added, so that clients limited together do not all return at the
    /// same instant. The result never exceeds `max_backoff`, and is never
    /// shorter than `requested`.
    pub(crate) fn wait(&self, retry_number: u32, requested: Option<Duration>) -> Option<Duration> {
        let backoff = self.backoff(retry_number);
        let Some(requested) = requested else {
            return Some(backoff);
        };
        if requested > self.max_backoff {
            return None;
        }
        let extra = if self.jitter {
            let cap = u64::try_from(self.initial_backoff.as_nanos()).unwrap_or(u64::MAX);
            Duration::from_nanos(fastrand::u64(0..=cap))
        } else {
            Duration::ZERO
        };
        Some(
            requested
                .max(backoff)
                .saturating_add(extra)
                .min(self.max_backoff),
        )
    }
}

/// Whether a response status is worth retrying: 408, 429 and 5xx except 501
/// and 505.
pub fn is_retryable_status(status: StatusCode) -> bool {
    match status.as_u16() {
        408 | 429 => true,
        501 | 505 => false,
        code => (500..=599).contains(&code),
    }
}

/// Parses a `Retry-After` value: delta-seconds (`120`) or an HTTP date in
/// any of the formats HTTP allows (`Sun, 06 Nov 1994 08:49:37 GMT`). A date
/// in the past gives zero. Returns `None` for anything else.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if value.bytes().all(|b| b.is_ascii_digit()) {
        return value.parse::<u64>().ok().map(Duration::from_secs);
    }
    let target = httpdate::parse_http_date(value).ok()?;
    Some(target.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Values of a rate-limit reset header from this one on are Unix times in
/// seconds (2001-09-09); smaller values are delays. No real window lasts 31
/// years, and no server clock is set before 2001.
pub const RESET_EPOCH_SECONDS_FROM: f64 = 1e9;
/// Values from this one on are Unix times in milliseconds (as seconds, this
/// would be the year 33658).
pub const RESET_EPOCH_MILLIS_FROM: f64 = 1e12;

/// Parses a rate-limit reset value (`RateLimit-Reset`, `X-RateLimit-Reset`,
/// `X-Rate-Limit-Reset`): a non-negative number, possibly with a fraction.
/// APIs disagree on its meaning, so the magnitude decides:
///
/// * below 10^9: seconds to wait (the IETF `RateLimit-Reset` draft);
/// * from 10^9: a Unix time in seconds (Intercom, GitHub, Twitter);
/// * from 10^12: a Unix time in milliseconds.
///
/// A time in the past gives zero. Returns `None` for anything else.
pub fn parse_rate_limit_reset(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    let (whole, fraction) = value.split_once('.').unwrap_or((value, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(fraction) {
        return None;
    }
    let number: f64 = value.parse().ok()?;
    if !number.is_finite() {
        return None;
    }
    if number < RESET_EPOCH_SECONDS_FROM {
        return Duration::try_from_secs_f64(number).ok();
    }
    let seconds = if number < RESET_EPOCH_MILLIS_FROM {
        number
    } else {
        number / 1000.0
    };
    let target = UNIX_EPOCH.checked_add(Duration::try_from_secs_f64(seconds).ok()?)?;
    Some(target.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Rate-limit reset headers, in the order they are consulted.
pub const RESET_HEADERS: [&str; 3] = ["ratelimit-reset", "x-ratelimit-reset", "x-rate-limit-reset"];

/// The wait a response asks for before the request is retried: its
/// `Retry-After`, or, for a 429 only, the first parseable rate-limit reset
/// header ([`RESET_HEADERS`], see [`parse_rate_limit_reset`]). Reset headers
/// on other statuses describe a quota that is not exhausted, so they are
/// ignored there.
pub fn requested_wait(
    status: StatusCode,
    headers: &HeaderMap,
    now: SystemTime,
) -> Option<Duration> {
    let first = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(wait) = first("retry-after").and_then(|v| parse_retry_after(v, now)) {
        return Some(wait);
    }
    if status != StatusCode::TOO_MANY_REQUESTS {
        return None;
    }
    RESET_HEADERS
        .iter()
        .find_map(|name| first(name).and_then(|v| parse_rate_limit_reset(v, now)))
}
