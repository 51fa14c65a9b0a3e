//! Set-up shared by the wire tests and the contract tests that needs this
//! package's dev-dependencies: the generated clients built with test
//! credentials, and a wiremock server's responses and received requests.
//!
//! The library crate cannot hold these (it does not depend on
//! `contact-clients` or `wiremock`); its `contact_tests::support` has the
//! spec fixtures. Each test binary includes this file with `mod common;` and
//! uses only part of it, hence the `dead_code` allowance.
#![allow(dead_code)]

use contact_clients::runtime::RetryPolicy;
use contact_clients::{insighto, intercom, intercom_legacy, paragon};
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

// ----------------------------------------------------------------- clients

/// An Intercom client for `base_url` with bearer `token` and `retry`.
pub fn intercom_client(base_url: &str, token: &str, retry: RetryPolicy) -> intercom::Client {
    intercom::Client::builder()
        .base_url(base_url)
        .bearer_auth(token)
        .retry(retry)
        .build()
        .expect("client builds")
}

/// An Intercom legacy client for `base_url` with bearer `token` and `retry`.
pub fn intercom_legacy_client(
    base_url: &str,
    token: &str,
    retry: RetryPolicy,
) -> intercom_legacy::Client {
    intercom_legacy::Client::builder()
        .base_url(base_url)
        .bearer_auth(token)
        .retry(retry)
        .build()
        .expect("client builds")
}

/// A Paragon ActionKit client for `base_url` with bearer `token` and `retry`.
pub fn paragon_client(base_url: &str, token: &str, retry: RetryPolicy) -> paragon::Client {
    paragon::Client::builder()
        .base_url(base_url)
        .bearer_auth(token)
        .retry(retry)
        .build()
        .expect("client builds")
}

/// An Insighto client for `base_url` with `api_key` (sent in the query
/// string) and `retry`.
pub fn insighto_client(base_url: &str, api_key: &str, retry: RetryPolicy) -> insighto::Client {
    insighto::Client::builder()
        .base_url(base_url)
        .api_key_auth(api_key)
        .retry(retry)
        .build()
        .expect("client builds")
}

// ------------------------------------------------------------- mock server

/// Answers every request with `template`.
pub async fn respond_always(server: &MockServer, template: ResponseTemplate) {
    Mock::given(any())
        .respond_with(template)
        .mount(server)
        .await;
}

/// Answers every request with `status`, the JSON `body` and an
/// `x-request-id: <request_id>` header (which tests look for on the
/// client's response or error).
pub async fn respond_json(server: &MockServer, status: u16, body: Value, request_id: &str) {
    respond_always(
        server,
        ResponseTemplate::new(status)
            .set_body_json(body)
            .insert_header("x-request-id", request_id),
    )
    .await;
}

/// Answers `first` to the first `n` requests, then `then`.
pub async fn respond_first_n_then(
    server: &MockServer,
    n: u64,
    first: ResponseTemplate,
    then: ResponseTemplate,
) {
    Mock::given(any())
        .respond_with(first)
        .up_to_n_times(n)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(any())
        .respond_with(then)
        .with_priority(2)
        .mount(server)
        .await;
}

/// Every request the server has received so far, in order.
pub async fn received(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .expect("request recording is enabled")
}

/// The value of header `name` of a received request, if it was sent.
pub fn header<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers
        .get(name)
        .map(|v| v.to_str().expect("ASCII header"))
}

/// The body of a received request, parsed as JSON.
pub fn body_json(req: &Request) -> Value {
    serde_json::from_slice(&req.body).expect("request body is JSON")
}
