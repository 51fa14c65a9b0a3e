//! Calls whose response body is read as it arrives (downloads and event
//! streams). A separate module so that crates without such operations do
//! not compile it (`// part: events download` in `mod.rs`).

use super::body::{read_capped, Check, ReadError};
use super::client::ClientConfig;
use super::error::Error;
use super::execute::{execute_with, Failure, Timeout};
use super::options::RequestOptions;
use super::request::RequestSpec;

/// [`execute`](super::execute::execute) returning as soon as a response
/// head arrives, the body unread: the timeout covers the wait for the
/// head, not the body (a download or an event stream can take any time).
pub(crate) async fn execute_streaming(
    config: &ClientConfig,
    spec: RequestSpec,
    options: &RequestOptions,
) -> Result<reqwest::Response, Failure> {
    let read = |response| async { Ok::<_, ReadError>(response) };
    execute_with(config, spec, options, Timeout::Head, read).await
}

/// `METHOD /path (operation)`: how messages name a call (no query string).
pub(crate) fn label(spec: &RequestSpec) -> String {
    format!("{} {} ({})", spec.method, spec.path, spec.operation)
}

/// The live response to a streaming call when its status is a success;
/// otherwise its body, read whole (capped), turned into the operation's
/// error by `check`.
pub(crate) async fn success<E>(
    config: &ClientConfig,
    options: &RequestOptions,
    label: &str,
    response: reqwest::Response,
    check: Check<E>,
) -> Result<reqwest::Response, Error<E>> {
    if response.status().is_success() {
        return Ok(response);
    }
    let limit = options.max_body_size.or(config.max_body_size);
    let idle = options.timeout.or(config.timeout);
    let raw = read_capped(response, limit, idle)
        .await
        .map_err(|e| e.into_error(label))?;
    Err(match check(raw) {
        Err(err) => err,
        Ok(raw) => raw.unexpected(),
    })
}
