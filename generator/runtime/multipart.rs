//! `multipart/form-data` bodies (RFC 7578), encoded in memory.

use bytes::Bytes;

use super::error::InvalidRequest;
use super::request::RequestSpec;

// Here rather than in `request.rs`: this module is an optional part of the
// runtime, left out of crates that send no forms.
impl RequestSpec {
    /// Sets a `multipart/form-data` body.
    pub fn multipart_body(&mut self, form: &Multipart) -> Result<(), InvalidRequest> {
        let (bytes, content_type) = form.encode()?;
        self.body = Some((bytes, content_type));
        Ok(())
    }
}

/// One part of a form.
#[derive(Clone, Debug, PartialEq)]
struct Part {
    name: String,
    filename: Option<String>,
    content_type: Option<String>,
    data: Bytes,
}

/// A file for a form's file part: its name, content type and bytes. The
/// bytes are shared, not copied, so a form can be sent again on a retry.
#[derive(Clone, Debug, PartialEq)]
pub struct FilePart {
    filename: String,
    content_type: Option<String>,
    data: Bytes,
}

impl FilePart {
    /// A file named `filename` (as the server will see it) holding `data`;
    /// its content type is the one the API declares for the part, else
    /// `application/octet-stream`.
    pub fn new(filename: impl Into<String>, data: impl Into<Bytes>) -> Self {
        FilePart {
            filename: filename.into(),
            content_type: None,
            data: data.into(),
        }
    }

    /// Sets the file's content type (`image/png`).
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The file name.
    pub fn filename(&self) -> &str {
        &self.filename
    }

    /// The bytes.
    pub fn data(&self) -> &Bytes {
        &self.data
    }
}

/// A `multipart/form-data` body: text fields and files, in order.
///
/// ```ignore
/// let form = Multipart::new().text("name", "avatar").file("file", "me.png", "image/png", bytes);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Multipart {
    parts: Vec<Part>,
}

impl Multipart {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text field.
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parts.push(Part {
            name: name.into(),
            filename: None,
            content_type: None,
            data: Bytes::from(value.into()),
        });
        self
    }

    /// Adds a field holding JSON (sent with `Content-Type: application/json`).
    pub fn json<T: serde::Serialize + ?Sized>(
        mut self,
        name: impl Into<String>,
        value: &T,
    ) -> Result<Self, InvalidRequest> {
        let name = name.into();
        let data = serde_json::to_vec(value)
            .map_err(|e| InvalidRequest(format!("cannot serialize form field `{name}`: {e}")))?;
        self.parts.push(Part {
            name,
            filename: None,
            content_type: Some("application/json".to_owned()),
            data: Bytes::from(data),
        });
        Ok(self)
    }

    /// Adds a file.
    pub fn file(
        mut self,
        name: impl Into<String>,
        filename: impl Into<String>,
        content_type: impl Into<String>,
        data: impl Into<Bytes>,
    ) -> Self {
        self.parts.push(Part {
            name: name.into(),
            filename: Some(filename.into()),
            content_type: Some(content_type.into()),
            data: data.into(),
        });
        self
    }

    /// Adds a file part; its content type is the file's own, else
    /// `declared` (the API's), else `application/octet-stream`.
    pub(crate) fn file_part(self, name: &str, file: &FilePart, declared: Option<&str>) -> Self {
        let content_type = file
            .content_type
            .as_deref()
            .or(declared)
            .unwrap_or("application/octet-stream");
        self.file(name, file.filename.clone(), content_type, file.data.clone())
    }

    /// Adds a text field from a scalar or enum value: strings as they are,
    /// numbers and booleans as JSON writes them.
    pub(crate) fn scalar<T: serde::Serialize + ?Sized>(
        self,
        name: &str,
        value: &T,
    ) -> Result<Self, InvalidRequest> {
        let text = match serde_json::to_value(value) {
            Ok(serde_json::Value::String(s)) => s,
            Ok(v @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_))) => v.to_string(),
            Ok(other) => {
                return Err(InvalidRequest(format!(
                    "form field `{name}`: {other} is not a text value"
                )))
            }
            Err(e) => {
                return Err(InvalidRequest(format!(
                    "cannot serialize form field `{name}`: {e}"
                )))
            }
        };
        Ok(self.text(name, text))
    }

    /// The encoded body and its content type (with the boundary).
    pub(crate) fn encode(&self) -> Result<(Bytes, String), InvalidRequest> {
        for p in &self.parts {
            let bad = |s: &str| s.contains(['"', '\r', '\n']);
            if bad(&p.name)
                || p.filename.as_deref().is_some_and(bad)
                || p.content_type.as_deref().is_some_and(bad)
            {
                return Err(InvalidRequest(format!(
                    "form field `{}`: names, file names and content types cannot contain quotes or line breaks",
                    p.name.replace(['"', '\r', '\n'], "?")
                )));
            }
        }
        let boundary = loop {
            let candidate = format!(
                "----clientgen-{:016x}{:016x}",
                fastrand::u64(..),
                fastrand::u64(..)
            );
            // A boundary must not occur inside any part.
            if !self
                .parts
                .iter()
                .any(|p| contains(&p.data, candidate.as_bytes()))
            {
                break candidate;
            }
        };
        let mut out = Vec::new();
        for p in &self.parts {
            out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            let mut disposition = format!("Content-Disposition: form-data; name=\"{}\"", p.name);
            if let Some(f) = &p.filename {
                disposition.push_str(&format!("; filename=\"{f}\""));
            }
            out.extend_from_slice(disposition.as_bytes());
            out.extend_from_slice(b"\r\n");
            if let Some(ct) = &p.content_type {
                out.extend_from_slice(format!("Content-Type: {ct}\r\n").as_bytes());
            }
            out.extend_from_slice(b"\r\n");
            out.extend_from_slice(&p.data);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        Ok((
            Bytes::from(out),
            format!("multipart/form-data; boundary={boundary}"),
        ))
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}
