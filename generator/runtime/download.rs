//! Downloads: a response body as a stream of chunks, read as the caller
//! polls, each chunk bounded by the call's timeout.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_core::Stream;

use super::body::{next_chunk, Check};
use super::error::Error;
use super::stream::{execute_streaming, label, success};

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

/// Sends a call whose success body is read as a stream of chunks.
pub(crate) async fn send<E: Send + 'static>(
    config: &super::client::ClientConfig,
    spec: super::request::RequestSpec,
    options: &super::options::RequestOptions,
    check: Check<E>,
) -> Result<super::response::Response<ByteStream<E>>, Error<E>> {
    let label = label(&spec);
    let response = execute_streaming(config, spec, options).await?;
    let response = success(config, options, &label, response, check).await?;
    let (status, headers) = (response.status(), response.headers().clone());
    let idle = options.timeout.or(config.timeout);
    Ok(super::response::Response::new(
        status,
        headers,
        ByteStream::new(response, label, idle),
    ))
}
