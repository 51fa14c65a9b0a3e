//! Per-client hooks: user code that sees every attempt's request just before
//! it is sent and its response as soon as the head arrives.

use std::time::Instant;

use reqwest::Method;

use super::credentials::BoxError;

/// User code run around every attempt of every call of a client (add
/// headers, sign, log, measure). Register with the generated
/// `ClientBuilder::hook`; hooks run in the order they were added.
///
/// Hooks are synchronous: they run on the request's task between building
/// the request and sending it, so keep them quick. Fetching tokens belongs
/// in a [`CredentialProvider`](super::CredentialProvider), which is async.
pub trait Hook: Send + Sync + 'static {
    /// Called before each attempt is sent, after credentials are applied:
    /// the request is exactly what goes on the wire (change headers, sign
    /// it). It carries the credentials, so never log it whole. An error
    /// stops the call with [`Error::Hook`](super::Error::Hook); nothing more
    /// is sent.
    fn on_request(
        &self,
        request: &mut reqwest::Request,
        attempt: &Attempt,
    ) -> Result<(), BoxError> {
        let _ = (request, attempt);
        Ok(())
    }

    /// Called when an attempt's response head arrives (status and headers;
    /// the body has not been read yet), whatever the status.
    fn on_response(&self, response: &reqwest::Response, attempt: &Attempt) {
        let _ = (response, attempt);
    }

    /// Called when an attempt fails without a response (connection error,
    /// timeout). The error carries no URL.
    fn on_error(&self, error: &reqwest::Error, attempt: &Attempt) {
        let _ = (error, attempt);
    }
}

/// One attempt of a call, as hooks see it.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Attempt {
    /// The operation: the name of its client method, e.g. `update_contact`.
    pub operation: &'static str,
    /// HTTP method.
    pub method: Method,
    /// The path template from the API description, e.g.
    /// `/contacts/{contact_id}`: parameter values are not in it.
    pub path_template: &'static str,
    /// The attempt number, from 1.
    pub number: u32,
    /// When this attempt started (before credentials were obtained).
    pub started: Instant,
}
