//! Retry policy, backoff and `Retry-After` handling.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::StatusCode;

/// When and how often to retry a failed attempt.
///
/// Only idempotent requests (or those with an idempotency key, or with
/// `RequestOptions::retry_non_idempotent`) are retried, and only after a
/// connection error, a timeout or a retryable status (see
/// [`is_retryable_status`]).
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Total attempts including the first; `1` means no retries.
    pub max_attempts: u32,
    /// Wait before the first retry; doubles on each further retry.
    pub initial_backoff: Duration,
    /// Upper bound for a single wait (also for `Retry-After`: a longer one
    /// stops retrying).
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
    pub fn backoff(&self, retry_number: u32) -> Duration {
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

/// Parses a `Retry-After` value: delta-seconds (`120`) or an HTTP date
/// (`Sun, 06 Nov 1994 08:49:37 GMT`). A date in the past gives zero.
/// Returns `None` for anything else.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if value.bytes().all(|b| b.is_ascii_digit()) {
        return value.parse::<u64>().ok().map(Duration::from_secs);
    }
    let target_secs = u64::try_from(parse_imf_fixdate(value)?).ok()?;
    let target = UNIX_EPOCH.checked_add(Duration::from_secs(target_secs))?;
    Some(target.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Parses `Sun, 06 Nov 1994 08:49:37 GMT` into Unix seconds.
fn parse_imf_fixdate(value: &str) -> Option<i64> {
    let mut parts = value.split_ascii_whitespace();
    let weekday = parts.next()?;
    if !weekday.ends_with(',') {
        return None;
    }
    let day: u8 = parse_digits(parts.next()?, 1, 2)?.try_into().ok()?;
    let month = match parts.next()?.to_ascii_lowercase().as_str() {
        "jan" => time::Month::January,
        "feb" => time::Month::February,
        "mar" => time::Month::March,
        "apr" => time::Month::April,
        "may" => time::Month::May,
        "jun" => time::Month::June,
        "jul" => time::Month::July,
        "aug" => time::Month::August,
        "sep" => time::Month::September,
        "oct" => time::Month::October,
        "nov" => time::Month::November,
        "dec" => time::Month::December,
        _ => return None,
    };
    let year: i32 = parse_digits(parts.next()?, 4, 4)?.try_into().ok()?;
    let mut clock = parts.next()?.split(':');
    let hour: u8 = parse_digits(clock.next()?, 2, 2)?.try_into().ok()?;
    let minute: u8 = parse_digits(clock.next()?, 2, 2)?.try_into().ok()?;
    let second: u8 = parse_digits(clock.next()?, 2, 2)?.try_into().ok()?;
    if clock.next().is_some() {
        return None;
    }
    if !matches!(parts.next()?, "GMT" | "UTC") || parts.next().is_some() {
        return None;
    }
    let date = time::Date::from_calendar_date(year, month, day).ok()?;
    let time = time::Time::from_hms(hour, minute, second.min(59)).ok()?;
    Some(
        time::PrimitiveDateTime::new(date, time)
            .assume_utc()
            .unix_timestamp(),
    )
}

fn parse_digits(s: &str, min_len: usize, max_len: usize) -> Option<u32> {
    if s.len() < min_len || s.len() > max_len || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}
