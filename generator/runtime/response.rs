//! Successful responses and raw response decoding.

use std::ops::{Deref, DerefMut};

use bytes::Bytes;
use reqwest::{header::HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use super::error::{locate, lossy_prefix, Error, MAX_BODY_SNIPPET, MAX_ERROR_BODY};

/// A decoded response: status, headers and body.
///
/// Dereferences to the body, so `response.id` reads a field of the body;
/// the HTTP status and headers are [`Response::status`] and
/// [`Response::headers`], methods that never clash with body fields.
#[derive(Clone, Debug)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: T,
}

impl<T> Response<T> {
    /// Creates a response (e.g. a canned one in tests).
    pub fn new(status: StatusCode, headers: HeaderMap, body: T) -> Self {
        Response {
            status,
            headers,
            body,
        }
    }

    /// HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The first value of header `name`, if present and valid text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body.
    pub fn body(&self) -> &T {
        &self.body
    }

    /// The body, mutably.
    pub fn body_mut(&mut self) -> &mut T {
        &mut self.body
    }

    /// Takes the body.
    pub fn into_body(self) -> T {
        self.body
    }

    /// Splits into status, headers and body.
    pub fn into_parts(self) -> (StatusCode, HeaderMap, T) {
        (self.status, self.headers, self.body)
    }

    /// Maps the body.
    pub fn map<U, F: FnOnce(T) -> U>(self, f: F) -> Response<U> {
        Response {
            status: self.status,
            headers: self.headers,
            body: f(self.body),
        }
    }
}

impl<T> Deref for Response<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.body
    }
}

impl<T> DerefMut for Response<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.body
    }
}

/// An undecoded body (binary downloads, unknown media types).
#[derive(Clone, Debug, PartialEq)]
pub struct RawBody(pub Bytes);

impl RawBody {
    /// The bytes.
    pub fn bytes(&self) -> &Bytes {
        &self.0
    }

    /// The body as text, replacing invalid UTF-8.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0).into_owned()
    }

    /// Parses the body as JSON; errors carry the path of the offending value.
    pub fn json<T: DeserializeOwned>(
        &self,
    ) -> Result<T, serde_path_to_error::Error<serde_json::Error>> {
        let mut de = serde_json::Deserializer::from_slice(&self.0);
        // Tracking paths already: unions explain failures as they go.
        let value = super::lenient::explain_failure(|| serde_path_to_error::deserialize(&mut de))?;
        de.end().map_err(|e| {
            serde_path_to_error::Error::new(serde_path_to_error::Track::new().path(), e)
        })?;
        Ok(value)
    }
}

/// A complete HTTP response whose body has not been decoded yet, as the
/// executor returns it for every status. Internal: public only for test
/// harnesses that decode bodies the way generated code does.
#[doc(hidden)]
#[derive(Clone, Debug)]
pub struct RawResponse {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// Entire body.
    pub body: Bytes,
}

// `Error<E>` is large by design (it carries status, headers and body details).
#[allow(clippy::result_large_err)]
impl RawResponse {
    /// The status as a number.
    pub fn status_code(&self) -> u16 {
        self.status.as_u16()
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        self.status.is_success()
    }

    /// The first value of header `name`, if present and valid text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Decodes the JSON body. An empty (or all-whitespace) body decodes as
    /// `null`, so `Option` and `()` targets accept it. Failures become
    /// [`Error::Decode`] with the path of the offending value (for a missing
    /// property, the property's own path) and the whole body.
    pub fn decode<T: DeserializeOwned, E>(&self) -> Result<T, Error<E>> {
        let input: &[u8] = if self.body.iter().all(u8::is_ascii_whitespace) {
            b"null"
        } else {
            &self.body
        };
        // The fast path tracks no paths; only a failure is decoded again,
        // with path tracking, to say where it failed.
        match from_json(input) {
            Ok(value) => Ok(value),
            Err(first) => {
                let (path, message) =
                    super::lenient::explain_failure(|| locate_failure::<T>(input))
                        .unwrap_or_else(|| (".".to_owned(), without_position(first)));
                let (path, message) = locate(path, message);
                Err(self.decode_error(path, message))
            }
        }
    }

    fn decode_error<E>(&self, path: String, message: String) -> Error<E> {
        Error::Decode {
            status: self.status,
            headers: self.headers.clone(),
            path,
            message,
            body_snippet: lossy_prefix(&self.body, MAX_BODY_SNIPPET),
            body: self.body.clone(),
        }
    }

    /// Decodes the JSON body into a [`Response`].
    pub fn json<T: DeserializeOwned, E>(self) -> Result<Response<T>, Error<E>> {
        let body = self.decode()?;
        Ok(Response::new(self.status, self.headers, body))
    }

    /// Keeps the body undecoded.
    pub fn raw<E>(self) -> Result<Response<RawBody>, Error<E>> {
        Ok(Response::new(self.status, self.headers, RawBody(self.body)))
    }

    /// Decodes the body as UTF-8 text; invalid UTF-8 is a [`Error::Decode`].
    pub fn text<E>(self) -> Result<Response<String>, Error<E>> {
        match std::str::from_utf8(&self.body) {
            Ok(text) => {
                let text = text.to_owned();
                Ok(Response::new(self.status, self.headers, text))
            }
            Err(err) => Err(self.decode_error(
                ".".to_owned(),
                format!("response body is not valid UTF-8: {err}"),
            )),
        }
    }

    /// Ignores the body.
    pub fn empty<E>(self) -> Result<Response<()>, Error<E>> {
        Ok(Response::new(self.status, self.headers, ()))
    }

    /// Builds an [`Error::Api`] from this response and its decoded error body.
    pub(crate) fn api_error<E>(self, body: E) -> Error<E> {
        Error::Api {
            status: self.status,
            headers: self.headers,
            body,
            raw_body: self.body,
        }
    }

    /// Builds an [`Error::UnexpectedStatus`] (body truncated to 4 KiB).
    pub(crate) fn unexpected<E>(self) -> Error<E> {
        Error::UnexpectedStatus {
            status: self.status,
            body: lossy_prefix(&self.body, MAX_ERROR_BODY),
            body_len: self.body.len(),
            headers: self.headers,
        }
    }
}

/// Decodes a whole JSON document. The body is checked as UTF-8 once, then
/// parsed as text: parsing bytes would check every string again, which
/// costs more than the one pass. Invalid UTF-8 goes to the byte parser,
/// whose error says where it is.
#[inline]
fn from_json<T: DeserializeOwned>(input: &[u8]) -> serde_json::Result<T> {
    match std::str::from_utf8(input) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(input),
    }
}

/// Decodes `input` again with path tracking: the path (`.` for the root)
/// and message of the failure. `None` if it decodes after all.
fn locate_failure<T: DeserializeOwned>(input: &[u8]) -> Option<(String, String)> {
    let mut de = serde_json::Deserializer::from_slice(input);
    let err = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(_) => match de.end() {
            Ok(()) => return None,
            Err(err) => {
                serde_path_to_error::Error::new(serde_path_to_error::Track::new().path(), err)
            }
        },
        Err(err) => err,
    };
    let path = err.path().to_string();
    Some((path, without_position(err.into_inner())))
}

/// The message of a JSON error: a data error (wrong type, missing property)
/// is located by its path, so its line/column suffix is dropped; syntax
/// errors keep theirs.
fn without_position(err: serde_json::Error) -> String {
    let text = err.to_string();
    if !err.is_data() || err.line() == 0 {
        return text;
    }
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    match text.strip_suffix(&suffix) {
        Some(message) => message.to_owned(),
        None => text,
    }
}
