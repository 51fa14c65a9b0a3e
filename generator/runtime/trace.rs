//! `tracing` instrumentation (cargo feature `tracing`): one span per call,
//! an event per attempt. Without the feature every function here is a
//! no-op the compiler removes.
//!
//! The span records the operation, method, path *template*, server host,
//! final status and attempt count; never parameter values, query strings,
//! headers or credentials.

#[cfg(feature = "tracing")]
pub(crate) use enabled::*;

#[cfg(not(feature = "tracing"))]
pub(crate) use disabled::*;

#[cfg(feature = "tracing")]
mod enabled {
    use std::future::Future;
    use std::time::Duration;

    use tracing::field::Empty;
    use tracing::Instrument;

    use super::super::execute::{Failure, Outcome};
    use super::super::request::RequestSpec;

    pub(crate) type Span = tracing::Span;

    /// The span of one call.
    pub(crate) fn call_span(spec: &RequestSpec, base_url: &str) -> Span {
        let host = reqwest::Url::parse(base_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_default();
        tracing::info_span!(
            "http_request",
            otel.name = %format_args!("{} {}", spec.method, spec.template),
            otel.kind = "client",
            operation = spec.operation,
            http.request.method = %spec.method,
            url.template = spec.template,
            server.address = %host,
            http.response.status_code = Empty,
            attempts = Empty,
            error = Empty,
        )
    }

    /// Runs `future` inside `span`.
    pub(crate) fn instrument<F: Future>(span: &Span, future: F) -> impl Future<Output = F::Output> {
        future.instrument(span.clone())
    }

    /// An attempt's outcome.
    pub(crate) fn attempt_done(
        sent: &Result<reqwest::Response, reqwest::Error>,
        number: u32,
        elapsed: Duration,
    ) {
        let elapsed_ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX);
        match sent {
            Ok(response) => {
                let status = response.status().as_u16();
                tracing::debug!(attempt = number, status, elapsed_ms, "response received");
            }
            Err(err) => {
                let kind = if err.is_timeout() {
                    "timeout"
                } else {
                    "transport"
                };
                tracing::debug!(attempt = number, error = kind, elapsed_ms, "attempt failed");
            }
        }
    }

    /// A provider asked for a fresh token after a 401.
    pub(crate) fn refresh(number: u32) {
        tracing::debug!(
            attempt = number,
            "credentials rejected (401): retrying with a fresh token"
        );
    }

    /// A retry is due after `wait`.
    pub(crate) fn waiting(number: u32, wait: Duration) {
        let wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX);
        tracing::debug!(attempt = number, wait_ms, "retrying");
    }

    /// Records how the call ended: attempts made, the last status received,
    /// the kind of failure.
    pub(crate) fn finish<T>(span: &Span, outcome: &Outcome, result: &Result<T, Failure>) {
        span.record("attempts", outcome.attempts);
        if let Some(status) = outcome.status {
            span.record("http.response.status_code", status);
        }
        if let Err(failure) = result {
            let kind = match failure {
                Failure::InvalidRequest(_) => "invalid_request",
                Failure::Timeout(_) => "timeout",
                Failure::Transport(..) => "transport",
                Failure::Credentials(..) => "credentials",
                Failure::Hook(..) => "hook",
                Failure::BodyTooLarge { .. } => "body_too_large",
            };
            span.record("error", kind);
        }
    }
}

#[cfg(not(feature = "tracing"))]
mod disabled {
    use std::future::Future;
    use std::time::Duration;

    use super::super::execute::{Failure, Outcome};
    use super::super::request::RequestSpec;

    pub(crate) struct Span;

    pub(crate) fn call_span(_: &RequestSpec, _: &str) -> Span {
        Span
    }

    pub(crate) fn instrument<F: Future>(_: &Span, future: F) -> F {
        future
    }

    pub(crate) fn attempt_done(_: &Result<reqwest::Response, reqwest::Error>, _: u32, _: Duration) {
    }

    pub(crate) fn refresh(_: u32) {}

    pub(crate) fn waiting(_: u32, _: Duration) {}

    pub(crate) fn finish<T>(_: &Span, _: &Outcome, _: &Result<T, Failure>) {}
}
