//! Operations: one HTTP call each.

use serde::Serialize;

use super::{EventsAlternative, Pagination, TypeRef};

#[derive(Clone, Debug, Serialize)]
pub struct Operation {
    /// snake_case `Client` method name, unique among the client's methods.
    pub name: String,
    /// The request builder type: unique among the client module's items,
    /// like [`Operation::error_name`] and [`Operation::output_name`].
    pub builder_name: String,
    /// The enum of the operation's declared error bodies.
    pub error_name: String,
    /// The enum of its success bodies, used when it declares several.
    pub output_name: String,
    /// The cargo features gating the operation when a crate has one feature
    /// per tag: one per tag, or the untagged feature; in an API without any
    /// tag, one named after its path's first resource (`path-customers`).
    /// Decided in `lower/operation.rs`.
    pub features: Vec<String>,
    /// `operationId` as written, if any.
    pub operation_id: Option<String>,
    pub method: Method,
    /// The path template as written in the document (may carry a fragment).
    pub path_template: String,
    /// The path actually requested: literal text and parameters, without any
    /// `#fragment` (a fragment is never sent to the server).
    pub path: Vec<PathPart>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    pub tags: Vec<String>,
    pub params: Vec<Param>,
    pub body: Option<RequestBody>,
    /// Declared responses, in order: specific codes, ranges, then `default`.
    pub responses: Vec<Response>,
    /// The `Accept` header: the declared response media types, if any.
    pub accept: Option<String>,
    /// Alternative sets of security scheme keys (ORed; each set ANDed). An
    /// empty set in the list means anonymous access is allowed.
    pub security: Vec<Vec<String>>,
    /// JSON pointer of the operation.
    pub pointer: String,
    /// How the operation's list is paged, if it is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pagination: Option<Pagination>,
    /// A server-sent event stream offered next to the JSON success body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events: Option<EventsAlternative>,
    /// The success body is binary: the builder's `download()` returns it as
    /// a stream of chunks.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub download: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Operation {
    /// The success response whose body is an event stream, when it is the
    /// operation's only success response: `send()` then returns the stream.
    pub fn event_stream_response(&self) -> Option<(StatusMatch, Option<&TypeRef>)> {
        let mut successes = self.responses.iter().filter(|r| r.status.is_success());
        let first = successes.next()?;
        match (&first.body, successes.next()) {
            (ResponseBody::Events(data), None) => Some((first.status, data.as_ref())),
            _ => None,
        }
    }
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PathPart {
    Literal(String),
    /// The wire name of a path parameter.
    Param(String),
}

#[derive(Clone, Debug, Serialize)]
pub struct Param {
    /// The name on the wire.
    pub name: String,
    /// snake_case, unique among the request builder's fields and methods:
    /// the field, the argument or setter, and the path local.
    pub rust_name: String,
    /// For an optional parameter, the setter taking an `Option` (`maybe_*`),
    /// unique in the same namespace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maybe_setter: Option<String>,
    pub location: ParamLocation,
    pub required: bool,
    pub ty: TypeRef,
    pub style: ParamStyle,
    pub explode: bool,
    /// Declared with a JSON `content` (not a `style`): an array or object
    /// is sent as its JSON text (`filter={"a":1}`), a scalar as plain text.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub json_text: bool,
    /// A path parameter whose value may span segments (GitHub's
    /// `x-multi-segment: true` on `contents/{path}`, `git/refs/{ref}`): its
    /// `/`s are sent as they are, each segment percent-encoded. Servers
    /// route such paths by segments and do not match an encoded `%2F`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub multi_segment: bool,
    pub description: Option<String>,
    pub deprecated: bool,
    /// The schema's `default`: documented, not sent unless given.
    pub default: Option<serde_json::Value>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ParamStyle {
    Form,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
    Simple,
    Label,
    Matrix,
}

#[derive(Clone, Debug, Serialize)]
pub struct RequestBody {
    pub content_type: String,
    pub media: MediaKind,
    /// The body's type; `None` when the body is raw bytes or text.
    pub ty: Option<TypeRef>,
    pub required: bool,
    pub description: Option<String>,
    /// Other media types the operation accepts, not offered by the client.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<serde_json::Value>,
    /// The properties of a multipart or form-urlencoded body: the parts of
    /// a multipart form (a generated struct, [`RequestBody::form_name`]),
    /// how each field of a form-urlencoded body is encoded.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub form_fields: Vec<FormField>,
    /// The generated struct of a multipart body with declared properties,
    /// unique among the client module's items; `None` when the body is an
    /// untyped `Multipart` (or not multipart).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub form_name: Option<String>,
}

/// A property of a multipart or form-urlencoded body's schema.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FormField {
    /// The part or field name, as written in the spec.
    pub name: String,
    /// snake_case field of the multipart struct, unique within it.
    pub rust_name: String,
    pub kind: FormFieldKind,
    pub required: bool,
    pub description: Option<String>,
    /// `encoding.<name>.contentType`: a file part's default content type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// `encoding.<name>.style` and `explode` (form-urlencoded bodies).
    pub style: ParamStyle,
    pub explode: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", content = "type", rename_all = "snake_case")]
pub enum FormFieldKind {
    /// `format: binary` (or `contentMediaType`): a file part.
    File,
    /// An array of files: one part each.
    Files,
    /// A scalar or enum, sent as text.
    Text(TypeRef),
    /// An array of scalars: one text part each.
    Texts(TypeRef),
    /// Anything else, sent as a JSON part.
    Json(TypeRef),
}

impl FormField {
    /// A file part (or several).
    pub fn is_file(&self) -> bool {
        matches!(self.kind, FormFieldKind::File | FormFieldKind::Files)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    Json,
    FormUrlEncoded,
    Multipart,
    Text,
    Binary,
}

#[derive(Clone, Debug, Serialize)]
pub struct Response {
    pub status: StatusMatch,
    pub description: Option<String>,
    /// Variant name for this response in the operation's success/error enum.
    pub name: String,
    pub body: ResponseBody,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<serde_json::Value>,
    /// The response headers the spec declares, as written.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "type")]
pub enum ResponseBody {
    /// No content, by definition of the status (204, 205, 304): the body is
    /// ignored. Other statuses without declared content are `Raw`, since
    /// servers often send a body the spec does not describe.
    Empty,
    /// A JSON document of this type.
    Json(TypeRef),
    /// Text.
    Text,
    /// Bytes of any other media type (or JSON with no schema).
    Raw,
    /// `text/event-stream`: server-sent events whose `data` is JSON of this
    /// type, or text when `None`.
    Events(Option<TypeRef>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusMatch {
    Code(u16),
    /// `2XX` → 2.
    Range(u8),
    Default,
}

impl StatusMatch {
    pub fn is_success(self) -> bool {
        match self {
            StatusMatch::Code(c) => (200..300).contains(&c),
            StatusMatch::Range(r) => r == 2,
            StatusMatch::Default => false,
        }
    }
}

impl Operation {
    /// Calls `f` with every type the operation uses directly: parameters,
    /// body, form fields, responses, page items, event data (named types
    /// are not followed).
    pub fn for_each_ref(&self, f: &mut dyn FnMut(&TypeRef)) {
        self.params.iter().for_each(|p| f(&p.ty));
        if let Some(b) = &self.body {
            if let Some(ty) = &b.ty {
                f(ty);
            }
            for field in &b.form_fields {
                match &field.kind {
                    FormFieldKind::Text(ty)
                    | FormFieldKind::Texts(ty)
                    | FormFieldKind::Json(ty) => f(ty),
                    FormFieldKind::File | FormFieldKind::Files => {}
                }
            }
        }
        for r in &self.responses {
            match &r.body {
                ResponseBody::Json(ty) | ResponseBody::Events(Some(ty)) => f(ty),
                _ => {}
            }
        }
        if let Some(p) = &self.pagination {
            f(&p.item);
        }
        if let Some(ty) = self.events.as_ref().and_then(|e| e.data.as_ref()) {
            f(ty);
        }
    }
}
