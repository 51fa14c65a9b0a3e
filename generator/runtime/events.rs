//! Server-sent event streams: typed events read from a live response,
//! reconnecting with `Last-Event-ID` after the `retry:` delay when the
//! connection drops.

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use super::body::{next_chunk, read_capped, Check, ReadError};
use super::client::ClientConfig;
use super::error::{lossy_prefix, Error, MAX_BODY_SNIPPET};
use super::execute::is_idempotent;
use super::options::RequestOptions;
use super::request::RequestSpec;
use super::sse::{Parser, RawEvent};
use super::stream::execute_streaming;

/// The largest event accepted (data lines plus the line being read).
pub const MAX_EVENT_BYTES: usize = 16 * 1024 * 1024;

/// One server-sent event.
#[derive(Clone, Debug, PartialEq)]
pub struct Event<T> {
    event: String,
    data: T,
    id: String,
}

impl<T> Event<T> {
    /// The event type (`event:`), `message` when the server sent none.
    pub fn event(&self) -> &str {
        &self.event
    }

    /// The decoded `data`.
    pub fn data(&self) -> &T {
        &self.data
    }

    /// Takes the decoded `data`.
    pub fn into_data(self) -> T {
        self.data
    }

    /// The last event ID the server set, if any (sent as `Last-Event-ID`
    /// when reconnecting).
    pub fn id(&self) -> Option<&str> {
        (!self.id.is_empty()).then_some(self.id.as_str())
    }
}

/// How an event's `data` becomes a `T`: JSON, or the text itself. `None`
/// ends the stream (the `[DONE]` sentinel of JSON streams).
pub type Decode<T> = fn(&str) -> Option<Result<T, serde_json::Error>>;

/// Decodes JSON data; `[DONE]` (OpenAI's end marker, widely copied) ends
/// the stream.
pub fn json_data<T: DeserializeOwned>(data: &str) -> Option<Result<T, serde_json::Error>> {
    (data != "[DONE]").then(|| serde_json::from_str(data))
}

/// Keeps text data as it is.
pub fn text_data(data: &str) -> Option<Result<String, serde_json::Error>> {
    Some(Ok(data.to_owned()))
}

type BoxStream<T> = Pin<Box<dyn Stream<Item = T> + Send>>;

/// A stream of server-sent events, returned by operations whose response is
/// `text/event-stream`.
///
/// When the connection drops (an error, or no data for the call's timeout)
/// and the call may be retried (an idempotent method, an idempotency key or
/// `retry_non_idempotent`), the request is sent again after the server's
/// `retry:` delay (else the retry policy's backoff), with `Last-Event-ID`
/// set to the last event ID received, up to the policy's `max_attempts`
/// times in a row without an event in between. A stream the server ends
/// cleanly ends here too, except for `GET` streams, which reconnect like a
/// browser's `EventSource` until the server answers `204 No Content`.
/// Events whose data does not decode are reported as [`Error::Decode`] and
/// the stream goes on.
#[must_use = "streams do nothing unless polled"]
pub struct EventStream<T, E> {
    inner: BoxStream<Result<Event<T>, Error<E>>>,
}

impl<T, E> std::fmt::Debug for EventStream<T, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EventStream")
    }
}

impl<T, E> Stream for EventStream<T, E> {
    type Item = Result<Event<T>, Error<E>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

struct Connection<T, E> {
    config: ClientConfig,
    spec: RequestSpec,
    options: RequestOptions,
    check: Check<E>,
    decode: Decode<T>,
    label: String,
    response: Option<reqwest::Response>,
    status: StatusCode,
    headers: HeaderMap,
    parser: Parser,
    pending: VecDeque<RawEvent>,
    /// Reconnections since the last event.
    failures: u32,
    /// Why the last connection dropped, until the next reconnection.
    dropped: Option<ReadError>,
    reconnect_on_end: bool,
    may_retry: bool,
    idle: Option<Duration>,
}

impl<T, E> Connection<T, E> {
    fn decode_error(&self, message: String, data: &str) -> Error<E> {
        Error::Decode {
            status: self.status,
            headers: self.headers.clone(),
            path: "data".to_owned(),
            message,
            body_snippet: lossy_prefix(data.as_bytes(), MAX_BODY_SNIPPET),
            body: bytes::Bytes::copy_from_slice(data.as_bytes()),
        }
    }

    /// The next event, error, or the end; `None` ends the stream.
    async fn next(&mut self) -> Option<Result<Event<T>, Error<E>>> {
        loop {
            if let Some(raw) = self.pending.pop_front() {
                self.failures = 0;
                return match (self.decode)(&raw.data)? {
                    Ok(data) => Some(Ok(Event {
                        event: raw.event,
                        data,
                        id: raw.id,
                    })),
                    Err(err) => Some(Err(self.decode_error(err.to_string(), &raw.data))),
                };
            }
            let Some(response) = self.response.as_mut() else {
                match self.reconnect().await {
                    Ok(true) => continue,
                    Ok(false) => return None,
                    Err(err) => return Some(Err(err)),
                }
            };
            let mut events = Vec::new();
            let dropped = match next_chunk(response, self.idle).await {
                Ok(Some(chunk)) => match self.parser.feed(&chunk, &mut events) {
                    Ok(()) => {
                        self.pending.extend(events);
                        continue;
                    }
                    Err(too_large) => {
                        let message = format!(
                            "{}: an event is larger than {} bytes",
                            self.label, too_large.0
                        );
                        self.response = None;
                        return Some(Err(Error::Transport {
                            message,
                            source: None,
                        }));
                    }
                },
                Ok(None) if !self.reconnect_on_end => return None,
                Ok(None) => None,
                Err(err) => Some(err),
            };
            self.response = None;
            self.parser.reset_connection();
            if let Some(err) = dropped {
                if !self.may_retry {
                    return Some(Err(err.into_error(&self.label)));
                }
                self.dropped = Some(err);
            }
        }
    }

    /// Waits, then sends the request again from the last event ID. `false`
    /// when the server says the stream is over (204).
    async fn reconnect(&mut self) -> Result<bool, Error<E>> {
        self.failures = self.failures.saturating_add(1);
        let policy = self
            .options
            .retry
            .clone()
            .unwrap_or_else(|| self.config.retry.clone());
        let dropped = self.dropped.take();
        if self.failures >= policy.max_attempts.max(1) {
            // Out of attempts: report why the last connection ended, if it
            // failed rather than ended cleanly.
            return match dropped {
                Some(err) => Err(err.into_error(&self.label)),
                None => Ok(false),
            };
        }
        let wait = self
            .parser
            .retry()
            .unwrap_or_else(|| policy.backoff(self.failures));
        tokio::time::sleep(wait).await;
        let mut spec = self.spec.clone();
        spec.headers
            .retain(|(name, _)| !name.eq_ignore_ascii_case("last-event-id"));
        let id = self.parser.last_event_id();
        if !id.is_empty() {
            spec.headers
                .push(("Last-Event-ID".to_owned(), id.to_owned()));
        }
        let response = execute_streaming(&self.config, spec, &self.options).await?;
        let status = response.status();
        if status == StatusCode::NO_CONTENT {
            return Ok(false);
        }
        if !status.is_success() {
            let limit = self.options.max_body_size.or(self.config.max_body_size);
            let raw = read_capped(response, limit, self.idle)
                .await
                .map_err(|e| e.into_error(&self.label))?;
            return Err(match (self.check)(raw) {
                Err(err) => err,
                Ok(raw) => raw.unexpected(),
            });
        }
        self.status = status;
        self.headers = response.headers().clone();
        self.response = Some(response);
        Ok(true)
    }
}

impl<T: Send + 'static, E: Send + 'static> EventStream<T, E> {
    /// The events of `response`, the reply to `spec`.
    pub(crate) fn new(
        config: &ClientConfig,
        spec: RequestSpec,
        options: &RequestOptions,
        response: reqwest::Response,
        check: Check<E>,
        decode: Decode<T>,
    ) -> Self {
        let may_retry = is_idempotent(&spec.method)
            || options.retry_non_idempotent == Some(true)
            || options.idempotency_key.is_some();
        let connection = Connection {
            label: super::stream::label(&spec),
            // 204 is how a server says there is nothing to stream.
            reconnect_on_end: spec.method == reqwest::Method::GET
                && response.status() != StatusCode::NO_CONTENT,
            may_retry,
            idle: options.timeout.or(config.timeout),
            config: config.clone(),
            options: options.clone(),
            spec,
            check,
            decode,
            status: response.status(),
            headers: response.headers().clone(),
            response: Some(response),
            parser: Parser::new(MAX_EVENT_BYTES),
            pending: VecDeque::new(),
            failures: 0,
            dropped: None,
        };
        let inner = futures_util::stream::unfold(Some(connection), |connection| async move {
            let mut connection = connection?;
            let item = connection.next().await?;
            Some((item, Some(connection)))
        });
        EventStream {
            inner: Box::pin(inner),
        }
    }
}

/// Sends a call whose success body is an event stream.
pub(crate) async fn send<T: Send + 'static, E: Send + 'static>(
    config: &ClientConfig,
    spec: RequestSpec,
    options: &RequestOptions,
    check: Check<E>,
    decode: Decode<T>,
) -> Result<super::response::Response<EventStream<T, E>>, Error<E>> {
    let label = super::stream::label(&spec);
    let response = execute_streaming(config, spec.clone(), options).await?;
    let response = super::stream::success(config, options, &label, response, check).await?;
    let (status, headers) = (response.status(), response.headers().clone());
    let events = EventStream::new(config, spec, options, response, check, decode);
    Ok(super::response::Response::new(status, headers, events))
}
