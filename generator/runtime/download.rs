//! Response bodies read as they arrive: whole (with an optional size cap) or
//! as a stream of chunks, each read bounded by the call's timeout.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_core::Stream;
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

type BoxStream<T> = Pin<Box<dyn Stream<Item = T> + Send>>;

/// A response body as a stream of chunks, read as the caller polls: a
/// download that never sits in memory whole. Returned by `download()`.
/// Each chunk must arrive within the call's timeout; a failure ends the
/// stream (downloads are not resumed).
#[must_use = "streams do nothing unless polled"]
pub struct ByteStream<E> {
    inner: BoxStream<Result<Bytes, Error<E>>>,
    length: Option<u64>,
}

impl<E> std::fmt::Debug for ByteStream<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ByteStream")
            .field("content_length", &self.length)
            .finish_non_exhaustive()
    }
}

impl<E: Send + 'static> ByteStream<E> {
    pub(crate) fn new(response: reqwest::Response, label: String, idle: Option<Duration>) -> Self {
        let length = response.content_length();
        let state = Some((response, label));
        let inner = futures_util::stream::unfold(state, move |state| async move {
            let (mut response, label) = state?;
            match next_chunk(&mut response, idle).await {
                Ok(Some(chunk)) => Some((Ok(chunk), Some((response, label)))),
                Ok(None) => None,
                Err(err) => Some((Err(err.into_error(&label)), None)),
            }
        });
        ByteStream {
            inner: Box::pin(inner),
            length,
        }
    }
}

impl<E> ByteStream<E> {
    /// The body's length as the server announced it (`Content-Length`).
    pub fn content_length(&self) -> Option<u64> {
        self.length
    }

    /// Reads the rest of the body into memory.
    pub async fn collect(mut self) -> Result<Bytes, Error<E>> {
        let mut body = BytesMut::new();
        while let Some(chunk) = std::future::poll_fn(|cx| self.inner.as_mut().poll_next(cx)).await {
            body.extend_from_slice(&chunk?);
        }
        Ok(body.freeze())
    }
}

impl<E> Stream for ByteStream<E> {
    type Item = Result<Bytes, Error<E>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

/// `METHOD /path (operation)`: how messages name a call (no query string).
pub(crate) fn label(spec: &super::request::RequestSpec) -> String {
    format!("{} {} ({})", spec.method, spec.path, spec.operation)
}

/// The live response to a streaming call when its status is a success;
/// otherwise its body, read whole (capped), turned into the operation's
/// error by `check`.
pub(crate) async fn success<E>(
    config: &super::client::ClientConfig,
    options: &super::options::RequestOptions,
    label: &str,
    response: reqwest::Response,
    check: super::pagination::Check<E>,
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

/// Sends a call whose success body is read as a stream of chunks.
pub(crate) async fn send<E: Send + 'static>(
    config: &super::client::ClientConfig,
    spec: super::request::RequestSpec,
    options: &super::options::RequestOptions,
    check: super::pagination::Check<E>,
) -> Result<super::response::Response<ByteStream<E>>, Error<E>> {
    let label = label(&spec);
    let response = super::execute::execute_streaming(config, spec, options).await?;
    let response = success(config, options, &label, response, check).await?;
    let (status, headers) = (response.status(), response.headers().clone());
    let idle = options.timeout.or(config.timeout);
    Ok(super::response::Response::new(
        status,
        headers,
        ByteStream::new(response, label, idle),
    ))
}
