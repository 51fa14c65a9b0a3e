//! Error types.

use std::fmt;

use bytes::Bytes;
use reqwest::{header::HeaderMap, StatusCode};

use super::credentials::BoxError;

/// Maximum size in bytes of the body kept in [`Error::UnexpectedStatus`].
pub const MAX_ERROR_BODY: usize = 4096;
/// Maximum size in bytes of the body excerpt kept in [`Error::Decode`].
pub const MAX_BODY_SNIPPET: usize = 512;

/// A request could not be built (bad parameter, header, URL or missing
/// credentials). Messages name the offending parameter but never its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidRequest(pub(crate) String);

impl InvalidRequest {
    /// Creates an error with the given message.
    pub fn new(message: impl Into<String>) -> Self {
        InvalidRequest(message.into())
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for InvalidRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InvalidRequest {}

/// Everything that can go wrong calling an operation. `E` is the
/// operation's documented error body type.
///
/// `Display` never includes credentials or query strings.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// The request could not be built; nothing was sent.
    InvalidRequest {
        /// What was wrong.
        message: String,
    },
    /// The server answered with a documented error status and body.
    Api {
        /// HTTP status.
        status: StatusCode,
        /// Response headers.
        headers: HeaderMap,
        /// Decoded error body.
        body: E,
        /// The body as received.
        raw_body: Bytes,
    },
    /// The server answered with a status the API description does not cover.
    UnexpectedStatus {
        /// HTTP status.
        status: StatusCode,
        /// Response headers.
        headers: HeaderMap,
        /// Body as lossy UTF-8, truncated to at most 4 KiB.
        body: String,
        /// Full body length in bytes.
        body_len: usize,
    },
    /// The response body did not match the expected schema (even with the
    /// lenient decoding generated types do). The whole body is kept, so a
    /// caller can fall back to [`Error::body_json`] or its own type.
    Decode {
        /// HTTP status.
        status: StatusCode,
        /// Response headers.
        headers: HeaderMap,
        /// Path of the offending JSON value, such as `data.email` or
        /// `items[2].id`; for a missing property, the property itself.
        path: String,
        /// What went wrong, without a line/column position.
        message: String,
        /// Start of the body as lossy UTF-8, at most 512 bytes.
        body_snippet: String,
        /// The entire body as received.
        body: Bytes,
    },
    /// The request timed out.
    Timeout {
        /// Operation, method and path (no query string) plus the cause.
        message: String,
    },
    /// Connecting, sending or receiving failed.
    Transport {
        /// Operation, method and path (no query string) plus the cause.
        message: String,
        /// Underlying error, with its URL removed.
        source: Option<reqwest::Error>,
    },
    /// A credential provider (or the OAuth2 token endpoint) could not supply
    /// a token; the request was not sent.
    Credentials {
        /// Operation, method and path, the security scheme and the cause.
        message: String,
        /// The provider's underlying error, if any.
        source: Option<BoxError>,
    },
    /// A hook's `on_request` returned an error; the request was not sent.
    Hook {
        /// Operation, method and path plus the hook's error.
        message: String,
        /// The hook's error.
        source: BoxError,
    },
    /// The response body is longer than the size cap
    /// (`max_body_size` of the client or the call); it was not read.
    BodyTooLarge {
        /// HTTP status.
        status: StatusCode,
        /// Response headers.
        headers: HeaderMap,
        /// The cap, in bytes.
        limit: u64,
    },
}

impl<E> Error<E> {
    /// HTTP status, when a response was received.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api { status, .. }
            | Error::UnexpectedStatus { status, .. }
            | Error::Decode { status, .. }
            | Error::BodyTooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Response headers, when a response was received.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::Api { headers, .. }
            | Error::UnexpectedStatus { headers, .. }
            | Error::Decode { headers, .. }
            | Error::BodyTooLarge { headers, .. } => Some(headers),
            _ => None,
        }
    }

    /// The decoded error body of an [`Error::Api`].
    pub fn api_body(&self) -> Option<&E> {
        match self {
            Error::Api { body, .. } => Some(body),
            _ => None,
        }
    }

    /// The body of an [`Error::Decode`] as untyped JSON, when it is JSON at
    /// all: the fallback when the typed decoding failed.
    pub fn body_json(&self) -> Option<serde_json::Value> {
        match self {
            Error::Decode { body, .. } => serde_json::from_slice(body).ok(),
            _ => None,
        }
    }

    /// Whether this is an [`Error::Timeout`].
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// Whether this is an [`Error::Transport`].
    pub fn is_transport(&self) -> bool {
        matches!(self, Error::Transport { .. })
    }

    /// Converts the error body type, e.g. to merge errors of several operations.
    pub fn map_api<F, E2>(self, f: F) -> Error<E2>
    where
        F: FnOnce(E) -> E2,
    {
        match self {
            Error::InvalidRequest { message } => Error::InvalidRequest { message },
            Error::Api {
                status,
                headers,
                body,
                raw_body,
            } => Error::Api {
                status,
                headers,
                body: f(body),
                raw_body,
            },
            Error::UnexpectedStatus {
                status,
                headers,
                body,
                body_len,
            } => Error::UnexpectedStatus {
                status,
                headers,
                body,
                body_len,
            },
            Error::Decode {
                status,
                headers,
                path,
                message,
                body_snippet,
                body,
            } => Error::Decode {
                status,
                headers,
                path,
                message,
                body_snippet,
                body,
            },
            Error::Timeout { message } => Error::Timeout { message },
            Error::Transport { message, source } => Error::Transport { message, source },
            Error::Credentials { message, source } => Error::Credentials { message, source },
            Error::Hook { message, source } => Error::Hook { message, source },
            Error::BodyTooLarge {
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

impl<E> From<InvalidRequest> for Error<E> {
    fn from(err: InvalidRequest) -> Self {
        Error::InvalidRequest { message: err.0 }
    }
}

/// One line per error: the kind, the status or operation, and the cause or
/// an excerpt of the body. Never a `Debug` dump, never a credential.
impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest { message } => {
                write!(f, "invalid request: {}", one_line(message))
            }
            Error::Api {
                status, raw_body, ..
            } => {
                write!(f, "API error: HTTP {status}")?;
                write_excerpt(f, raw_body, raw_body.len())
            }
            Error::UnexpectedStatus {
                status,
                body,
                body_len,
                ..
            } => {
                write!(f, "unexpected HTTP status {status}")?;
                write_excerpt(f, body.as_bytes(), *body_len)
            }
            Error::Decode {
                status,
                path,
                message,
                ..
            } => write!(
                f,
                "failed to decode response body (HTTP {status}) at `{}`: {}",
                one_line(path),
                one_line(message)
            ),
            Error::Timeout { message } => write!(f, "timed out: {}", one_line(message)),
            Error::Transport { message, .. } => write!(f, "transport error: {}", one_line(message)),
            Error::Credentials { message, .. } => {
                write!(f, "cannot obtain credentials: {}", one_line(message))
            }
            Error::Hook { message, .. } => write!(f, "request hook failed: {}", one_line(message)),
            Error::BodyTooLarge { status, limit, .. } => write!(
                f,
                "response body (HTTP {status}) is larger than the {limit}-byte limit"
            ),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport {
                source: Some(source),
                ..
            } => Some(source),
            Error::Credentials {
                source: Some(source),
                ..
            } => Some(&**source),
            Error::Hook { source, .. } => Some(&**source),
            _ => None,
        }
    }
}

/// `text` with every run of whitespace or control characters as one space.
fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split(|c: char| c.is_whitespace() || c.is_control()) {
        if !word.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
    }
    out
}

/// `: excerpt` of a body on one line (at most 200 bytes, `…` when cut);
/// nothing for an empty body. `total` is the full body length.
fn write_excerpt(f: &mut fmt::Formatter<'_>, body: &[u8], total: usize) -> fmt::Result {
    let text = one_line(&lossy_prefix(body, 400));
    let excerpt = truncate_str(&text, 200);
    if excerpt.is_empty() {
        return Ok(());
    }
    write!(f, ": {excerpt}")?;
    if excerpt.len() < text.len() || body.len() > 400 || body.len() < total {
        f.write_str("…")?;
    }
    Ok(())
}

/// The message of an error found at `path` inside a value that was decoded
/// on its own (a union variant): `` at `path`: message ``. [`locate`] joins
/// it to the path of the value.
pub fn nested_message(path: &str, message: &str) -> String {
    let (path, message) = locate(path.to_owned(), message.to_owned());
    format!("at `{path}`: {message}")
}

/// The full path and message of a decode error found at `path` (as
/// `serde_path_to_error` prints it, `.` for the root): a nested message
/// from [`nested_message`] extends the path, and a missing property is
/// named by its own path rather than its parent's.
pub fn locate(path: String, message: String) -> (String, String) {
    if let Some(rest) = message.strip_prefix("at `") {
        if let Some((inner, tail)) = rest.split_once("`: ") {
            return (join_path(&path, inner), tail.to_owned());
        }
    }
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.strip_suffix('`'));
    match missing {
        Some(field) => (join_path(&path, field), message),
        None => (path, message),
    }
}

/// `outer` followed by `inner` (either may be `.`, the root).
pub fn join_path(outer: &str, inner: &str) -> String {
    match (outer, inner) {
        ("." | "", _) => inner.to_owned(),
        (_, "." | "") => outer.to_owned(),
        (_, _) if inner.starts_with('[') => format!("{outer}{inner}"),
        _ => format!("{outer}.{inner}"),
    }
}

/// Longest prefix of `s` of at most `max` bytes that ends on a char boundary.
pub fn truncate_str(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
}

/// Lossy UTF-8 of the start of `bytes`, at most `max` bytes long, cut on a
/// char boundary. Only looks at the first `max + 4` bytes.
pub fn lossy_prefix(bytes: &[u8], max: usize) -> String {
    let head = bytes
        .get(..bytes.len().min(max.saturating_add(4)))
        .unwrap_or(bytes);
    let text = String::from_utf8_lossy(head);
    truncate_str(&text, max).to_owned()
}
