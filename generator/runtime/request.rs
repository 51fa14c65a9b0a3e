//! One operation call as generated code describes it: method, path,
//! parameters, body and security requirements.

use bytes::Bytes;
use reqwest::header::HeaderName;
use reqwest::Method;
use serde::Serialize;

use super::encode::{self, Style};
use super::error::InvalidRequest;

/// One operation call, as built by generated code.
#[derive(Clone, Debug)]
pub struct RequestSpec {
    /// The operation: its client method name, used in messages.
    pub operation: &'static str,
    /// HTTP method.
    pub method: Method,
    /// The path template from the API description (`/contacts/{id}`), for
    /// hooks and tracing: it holds no parameter values.
    pub template: &'static str,
    /// Encoded path starting with `/` (see [`encode::path_param`]).
    pub path: String,
    /// Raw query pairs, percent-encoded when sent.
    pub query: Vec<(String, String)>,
    /// Header parameters.
    pub headers: Vec<(String, String)>,
    /// Body and its content type.
    pub body: Option<(Bytes, String)>,
    /// Security requirement alternatives (see [`Credentials::select`](super::auth::Credentials::select)).
    pub security: &'static [&'static [&'static str]],
}

impl RequestSpec {
    /// Starts a request.
    pub fn new(
        operation: &'static str,
        method: Method,
        template: &'static str,
        path: impl Into<String>,
        security: &'static [&'static [&'static str]],
    ) -> Self {
        RequestSpec {
            operation,
            method,
            template,
            path: path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            security,
        }
    }

    /// Adds a query parameter (see [`encode::query_param`]).
    pub fn query_param<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
        style: Style,
        explode: bool,
    ) -> Result<(), InvalidRequest> {
        encode::query_param(&mut self.query, name, value, style, explode)
    }

    /// Adds a header parameter (simple style); a `null` value adds nothing.
    pub fn header_param<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), InvalidRequest> {
        HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| InvalidRequest(format!("invalid header name `{name}`")))?;
        if serde_json::to_value(value).is_ok_and(|v| v.is_null()) {
            return Ok(());
        }
        let value = encode::header_value(name, value)?;
        self.headers.push((name.to_owned(), value));
        Ok(())
    }

    /// Adds a cookie parameter (form style), merged into one `Cookie` header;
    /// a `null` value adds nothing.
    pub fn cookie_param<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), InvalidRequest> {
        if serde_json::to_value(value).is_ok_and(|v| v.is_null()) {
            return Ok(());
        }
        let value = encode::header_value(name, value)?;
        if name.contains(['=', ';', ' ']) || value.contains(';') {
            return Err(InvalidRequest(format!(
                "cookie parameter `{name}` cannot contain `=`, `;` or spaces"
            )));
        }
        let pair = format!("{name}={value}");
        match self
            .headers
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case("cookie"))
        {
            Some((_, existing)) => {
                existing.push_str("; ");
                existing.push_str(&pair);
            }
            None => self.headers.push(("Cookie".to_owned(), pair)),
        }
        Ok(())
    }

    /// Sets a JSON body (`application/json`).
    pub fn json_body<T: Serialize + ?Sized>(&mut self, body: &T) -> Result<(), InvalidRequest> {
        let bytes = serde_json::to_vec(body).map_err(|e| {
            InvalidRequest(format!(
                "cannot serialize request body of `{}`: {e}",
                self.operation
            ))
        })?;
        self.body = Some((Bytes::from(bytes), "application/json".to_owned()));
        Ok(())
    }

    /// Sets an `application/x-www-form-urlencoded` body.
    pub fn form_body<T: Serialize + ?Sized>(&mut self, body: &T) -> Result<(), InvalidRequest> {
        let text = serde_urlencoded::to_string(body).map_err(|e| {
            InvalidRequest(format!(
                "cannot serialize form body of `{}`: {e}",
                self.operation
            ))
        })?;
        self.body = Some((
            Bytes::from(text),
            "application/x-www-form-urlencoded".to_owned(),
        ));
        Ok(())
    }

    /// Replaces the content type of the body already set (e.g. a vendor JSON
    /// media type such as `application/vnd.api+json`).
    pub fn set_content_type(&mut self, content_type: &str) {
        if let Some((_, ct)) = self.body.as_mut() {
            content_type.clone_into(ct);
        }
    }

    /// Sets a binary body.
    pub fn bytes_body(&mut self, body: Bytes, content_type: &str) {
        self.body = Some((body, content_type.to_owned()));
    }

    /// Sets a text body.
    pub fn text_body(&mut self, body: String, content_type: &str) {
        self.body = Some((Bytes::from(body), content_type.to_owned()));
    }
}
