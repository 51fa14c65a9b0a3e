//! Response bodies read as they arrive, each read bounded by the call's
//! timeout: whole with an optional size cap (every call), or chunk by chunk
//! (the streaming parts of the runtime, `download` and `events`, which a
//! crate holds only when some operation needs them).

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use super::error::Error;
use super::response::RawResponse;

/// Why reading a body failed.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The connection failed or the server stopped sending.
    Http(reqwest::Error),
    /// No bytes arrived within the timeout.
    Idle(Duration),
    /// The body is longer than the cap.
    TooLarge {
        status: StatusCode,
        headers: HeaderMap,
        limit: u64,
    },
}

impl ReadError {
    /// The error for a call labelled `label` (`METHOD /path (operation)`).
    pub(crate) fn into_error<E>(self, label: &str) -> Error<E> {
        match self {
            ReadError::Http(err) => {
                let err = err.without_url();
                let mut message = format!("{label}: reading the response body: {err}");
                let mut source = std::error::Error::source(&err);
                while let Some(cause) = source {
                    message.push_str(": ");
                    message.push_str(&cause.to_string());
                    source = cause.source();
                }
                if err.is_timeout() {
                    Error::Timeout { message }
                } else {
                    Error::Transport {
                        message,
                        source: Some(err),
                    }
                }
            }
            ReadError::Idle(after) => Error::Timeout {
                message: format!("{label}: no response data for {} ms", after.as_millis()),
            },
            ReadError::TooLarge {
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

/// The next chunk of `response`, waiting at most `idle`.
pub(crate) async fn next_chunk(
    response: &mut reqwest::Response,
    idle: Option<Duration>,
) -> Result<Option<Bytes>, ReadError> {
    let chunk = response.chunk();
    let result = match idle {
        Some(idle) => tokio::time::timeout(idle, chunk)
            .await
            .map_err(|_| ReadError::Idle(idle))?,
        None => chunk.await,
    };
    result.map_err(ReadError::Http)
}

/// Reads a whole response, refusing a body longer than `limit` bytes (by
/// its `Content-Length` before reading, or as it arrives).
pub(crate) async fn read_capped(
    mut response: reqwest::Response,
    limit: Option<u64>,
    idle: Option<Duration>,
) -> Result<RawResponse, ReadError> {
    let status = response.status();
    let headers = response.headers().clone();
    let too_large = |headers: HeaderMap, limit: u64| ReadError::TooLarge {
        status,
        headers,
        limit,
    };
    if let (Some(limit), Some(length)) = (limit, response.content_length()) {
        if length > limit {
            return Err(too_large(headers, limit));
        }
    }
    let mut body = BytesMut::new();
    while let Some(chunk) = next_chunk(&mut response, idle).await? {
        if limit.is_some_and(|limit| (body.len() + chunk.len()) as u64 > limit) {
            return Err(too_large(headers, limit.unwrap_or_default()));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(RawResponse {
        status,
        headers,
        body: body.freeze(),
    })
}

/// Checks a response's status: `Ok` for the expected success status, the
/// operation's error otherwise. Generated per operation (paged lists, event
/// streams, downloads).
pub type Check<E> = fn(RawResponse) -> Result<RawResponse, Error<E>>;
