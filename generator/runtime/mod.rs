//! Hand-written runtime shared by every generated client: request building,
//! parameter encoding, authentication, retries, errors and helper types.

pub mod auth;
pub mod client;
pub mod datetime;
pub mod encode;
pub mod error;
pub mod lenient;
pub mod maybe;
pub mod multipart;
pub mod object;
pub mod response;
pub mod retry;
pub mod secret;
pub mod union;

pub use auth::{ApiKeyLocation, Auth, Credentials};
pub use client::{execute, ClientBuilder, ClientConfig, RequestOptions, RequestSpec};
pub use datetime::{Date, DateTime};
pub use encode::{path_param, Style};
pub use error::{Error, InvalidRequest};
pub use maybe::Maybe;
pub use multipart::Multipart;
pub use response::{RawBody, RawResponse, Response};
pub use retry::RetryPolicy;
pub use secret::Secret;
