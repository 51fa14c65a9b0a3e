//! The runtime every generated client shares: responses and errors, retry
//! policy and per-call options, credential providers, hooks, and helper
//! types for request and response bodies; and, when an API uses them,
//! paginated lists, server-sent events, downloads and OAuth2 client
//! credentials.
//!
//! Everything public is listed here; the modules themselves are internal.
//! `reqwest` and the HTTP types that appear in this API are re-exported, so
//! a crate using this client needs no `reqwest` dependency of its own.

// Each generated crate uses a different part of the runtime (no multipart
// bodies, no API keys, …): what one crate leaves unused is not dead code.
#![allow(dead_code, unused_imports)]

// In a generated crate this file is the root of the runtime's own package
// (`<crate>-runtime`, which the crate re-exports as `runtime`), and every
// `pub(crate)` here and in the modules is made `#[doc(hidden)] pub` as it is
// copied, for the API crate: the documented surface stays the `pub` items,
// the `pub use` re-exports below.

// A line ending in `// part: NAME …` belongs to optional parts of the
// runtime: a generated crate holds it (and the module it declares) only when
// one of its APIs needs one of the parts named (`ir::RuntimeParts`, decided
// in lowering), which keeps their compile time out of the other crates; in
// a crate of several APIs, behind the cargo features of the APIs needing it
// (`ir::RuntimeGates`). Such a line is one whole item.

pub(crate) mod auth;
pub(crate) mod body;
pub(crate) mod buffer; // part: union
pub(crate) mod client;
pub(crate) mod credentials;
pub(crate) mod datetime; // part: datetime
pub(crate) mod download; // part: download
pub(crate) mod encode;
pub(crate) mod error;
pub(crate) mod events; // part: events
pub(crate) mod execute;
pub(crate) mod extra;
pub(crate) mod hook;
pub(crate) mod lenient;
pub(crate) mod maybe; // part: maybe
pub(crate) mod multipart; // part: multipart
pub(crate) mod oauth2; // part: oauth2
pub(crate) mod object;
pub(crate) mod options;
pub(crate) mod pagination; // part: pagination
pub(crate) mod request;
pub(crate) mod response;
pub(crate) mod retry;
pub(crate) mod secret;
pub(crate) mod sse; // part: events
pub(crate) mod stream; // part: events download
pub(crate) mod trace;
pub(crate) mod union; // part: union

pub use bytes::Bytes;
pub use reqwest;
pub use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
pub use reqwest::{Method, StatusCode};

pub use credentials::{
    provider_fn, BoxError, BoxFuture, CredentialError, CredentialProvider, CredentialRequest,
    ProviderFn,
};
pub use datetime::{Date, DateTime, ParseDateTimeError}; // part: datetime
pub use download::ByteStream; // part: download
pub use error::{Error, InvalidRequest};
pub use events::{Event, EventStream}; // part: events
pub use extra::Extra;
pub use futures_core::Stream; // part: pagination events download
pub use futures_util::{StreamExt, TryStreamExt}; // part: pagination events download
pub use hook::{Attempt, Hook};
pub use maybe::Maybe; // part: maybe
pub use multipart::{FilePart, Multipart}; // part: multipart
pub use oauth2::ClientCredentials; // part: oauth2
pub use options::RequestOptions;
pub use pagination::{ItemStream, PageStream}; // part: pagination
pub use response::{RawBody, Response};
pub use retry::RetryPolicy;
pub use secret::Secret;

// For generated code only.
pub(crate) use auth::{ApiKeyLocation, Auth, TokenShape};
pub(crate) use client::{ClientBuilder, ClientConfig};
pub(crate) use encode::{path_param, path_segments, JsonText, Style};
pub(crate) use execute::{execute, send};
pub(crate) use pagination::{Next, Pager}; // part: pagination
pub(crate) use request::RequestSpec;
#[doc(hidden)]
pub use response::RawResponse;
