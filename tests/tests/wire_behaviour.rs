//! Cross-cutting behaviour of the generated clients against a wiremock
//! server on loopback: error classes, timeouts, transport failures, response
//! headers, retries and secret redaction.
//!
//! Most cases use the Intercom client (PUT, idempotent); POST retry rules use
//! the Intercom legacy and Paragon clients; secrets use all four, with the
//! Insighto API key (sent in the query string) as the sharpest case.

mod common;

use std::time::{Duration, Instant};

use common::{received, respond_always, respond_first_n_then};
use contact_clients::runtime::{Error, RequestOptions, RetryPolicy};
use contact_clients::{insighto, intercom, intercom_legacy, paragon};
use contact_tests::support::{component_example, load_spec};
use serde_json::Value;
use wiremock::{MockServer, ResponseTemplate};

const TOKEN: &str = "tok-behaviour-SECRET-5555";
const API_KEY: &str = "in-behaviour-KEY-7777";
const CONTACT_ID: &str = "650cbc286d0a728750658b15";

// ---------------------------------------------------------------- helpers

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// The Intercom spec's `Contact` example (a valid 200 body).
fn contact_example() -> Value {
    component_example(&load_spec("intercom.yaml"), "Contact")
}

/// The Intercom legacy spec's `Lead` example (a valid 200 body).
fn lead_example() -> Value {
    component_example(&load_spec("intercom-legacy.yaml"), "Lead")
}

/// Fast retries: ms backoffs, no jitter.
fn fast_retry(max_attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(max_attempts)
        .initial_backoff(ms(10))
        .max_backoff(ms(50))
        .jitter(false)
}

fn intercom_client(uri: &str, retry: RetryPolicy) -> intercom::Client {
    common::intercom_client(uri, TOKEN, retry)
}

fn legacy_client(uri: &str, retry: RetryPolicy) -> intercom_legacy::Client {
    common::intercom_legacy_client(uri, TOKEN, retry)
}

fn paragon_client(uri: &str, retry: RetryPolicy) -> paragon::Client {
    common::paragon_client(uri, TOKEN, retry)
}

fn insighto_client(uri: &str, retry: RetryPolicy) -> insighto::Client {
    common::insighto_client(uri, API_KEY, retry)
}

fn empty_update() -> intercom::types::UpdateContactRequest {
    intercom::types::UpdateContactRequest::default()
}

fn lead_update() -> intercom_legacy::types::UpdateLeadRequest {
    intercom_legacy::types::UpdateLeadRequest {
        id: Some("5811f6bbe6b4704ddfa84ac0".to_owned()),
        name: Some("OBrien".to_owned()),
        ..Default::default()
    }
}

fn paragon_update() -> paragon::types::IntercomUpdateContactRequest {
    paragon::types::IntercomUpdateContactRequest::new(
        paragon::types::IntercomUpdateContactRequestParameters::new(CONTACT_ID.to_owned()),
    )
}

/// A loopback URL on which nothing listens.
fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

/// Deterministic pseudo-random bytes (xorshift), no valid JSON.
fn garbage(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(len);
    out[0] = b'\xff'; // never a JSON start
    out
}

// ------------------------------------------------------------ error classes

/// A status the spec does not declare → `UnexpectedStatus` with status,
/// headers and the body text.
#[tokio::test]
async fn undeclared_status_is_unexpected_status_with_headers_and_body() {
    let server = MockServer::start().await;
    respond_always(
        &server,
        ResponseTemplate::new(418)
            .set_body_string("I'm a teapot")
            .insert_header("x-request-id", "teapot-1")
            .insert_header("content-type", "text/plain"),
    )
    .await;
    let err = intercom_client(&server.uri(), RetryPolicy::none())
        .update_contact(CONTACT_ID, &empty_update())
        .await
        .expect_err("418");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(418));
    assert_eq!(
        err.headers().unwrap().get("x-request-id").unwrap(),
        "teapot-1"
    );
    assert!(err.to_string().contains("418"), "{err}");
    match err {
        Error::UnexpectedStatus {
            status,
            headers,
            body,
            body_len,
        } => {
            assert_eq!(status.as_u16(), 418);
            assert_eq!(headers.get("content-type").unwrap(), "text/plain");
            assert_eq!(body, "I'm a teapot");
            assert_eq!(body_len, "I'm a teapot".len());
        }
        other => panic!("expected UnexpectedStatus, got {other:?}"),
    }
}

/// An undeclared-status body over 4 KiB is truncated (on a char boundary)
/// while `body_len` keeps the full length.
#[tokio::test]
async fn unexpected_status_body_over_4kib_is_truncated() {
    let full = "é".repeat(5000); // 10_000 bytes, 2-byte chars
    let server = MockServer::start().await;
    respond_always(
        &server,
        ResponseTemplate::new(418).set_body_string(full.clone()),
    )
    .await;
    let err = intercom_client(&server.uri(), RetryPolicy::none())
        .update_contact(CONTACT_ID, &empty_update())
        .await
        .expect_err("418");
    let shown = err.to_string();
    match err {
        Error::UnexpectedStatus { body, body_len, .. } => {
            assert_eq!(body_len, 10_000);
            assert!(body.len() <= 4096, "kept {} bytes", body.len());
            assert!(body.len() >= 4090, "kept only {} bytes", body.len());
            assert!(full.starts_with(&body), "kept body is a prefix");
            assert!(shown.len() < 1000, "Display shows an excerpt only");
            assert!(shown.ends_with('…'), "{shown}");
        }
        other => panic!("expected UnexpectedStatus, got {other:?}"),
    }
}

/// An HTML error page on 500, retries disabled → one request,
/// `UnexpectedStatus` with the HTML.
#[tokio::test]
async fn html_error_page_on_500_is_unexpected_status() {
    let html = "<html><head><title>500 Internal Server Error</title></head>\
                <body><h1>Internal Server Error</h1></body></html>";
    let server = MockServer::start().await;
    respond_always(
        &server,
        ResponseTemplate::new(500).set_body_raw(html.as_bytes(), "text/html"),
    )
    .await;
    let err = intercom_client(&server.uri(), RetryPolicy::none())
        .update_contact(CONTACT_ID, &empty_update())
        .await
        .expect_err("500");
    match err {
        Error::UnexpectedStatus {
            status,
            body,
            headers,
            ..
        } => {
            assert_eq!(status.as_u16(), 500);
            assert_eq!(body, html);
            assert_eq!(headers.get("content-type").unwrap(), "text/html");
        }
        other => panic!("expected UnexpectedStatus, got {other:?}"),
    }
    assert_eq!(received(&server).await.len(), 1);
}

/// An empty body on 200 is a `Decode` error with status 200.
#[tokio::test]
async fn empty_body_on_200_is_decode_error() {
    let server = MockServer::start().await;
    respond_always(&server, ResponseTemplate::new(200)).await;
    let err = intercom_client(&server.uri(), RetryPolicy::none())
        .update_contact(CONTACT_ID, &empty_update())
        .await
        .expect_err("empty body cannot be a Contact");
    match err {
        Error::Decode {
            status,
            body_snippet,
            ..
        } => {
            assert_eq!(status.as_u16(), 200);
            assert_eq!(body_snippet, "");
        }
        other => panic!("expected Decode, got {other:?}"),
    }
}

/// Truncated JSON on 200 is a `Decode` error.
#[tokio::test]
async fn truncated_json_on_200_is_decode_error() {
    let text = serde_json::to_string(&contact_example()).unwrap();
    let cut = &text[..text.len() / 2];
    let server = MockServer::start().await;
    respond_always(
        &server,
        ResponseTemplate::new(200).set_body_raw(cut.as_bytes(), "application/json"),
    )
    .await;
    let err = intercom_client(&server.uri(), RetryPolicy::none())
        .update_contact(CONTACT_ID, &empty_update())
        .await
        .expect_err("truncated JSON");
    match err {
        Error::Decode {
            status,
            message,
            body_snippet,
            ..
        } => {
            assert_eq!(status.as_u16(), 200);
            assert!(message.contains("EOF"), "{message}");
            assert!(cut.starts_with(&body_snippet));
        }
        other => panic!("expected Decode, got {other:?}"),
    }
}

/// Trailing bytes after a complete JSON value are a `Decode` error.
#[tokio::test]
async fn trailing_garbage_after_json_is_decode_error() {
    let text = format!(
        "{} trailing",
        serde_json::to_string(&contact_example()).unwrap()
    );
    let server = MockServer::start().await;
    respond_always(
        &server,
        ResponseTemplate::new(200).set_body_raw(text.into_bytes(), "application/json"),
    )
    .await;
    let err = intercom_client(&server.uri(), RetryPolicy::none())
        .update_contact(CONTACT_ID, &empty_update())
        .await
        .expect_err("trailing characters");
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}

/// A 10 MB garbage body is an error (not a panic), on a success status, on a
/// declared error status and on an undeclared one; kept excerpts are bounded.
#[tokio::test]
async fn ten_mb_garbage_body_is_an_error_not_a_panic() {
    const SIZE: usize = 10 * 1024 * 1024;
    let body = garbage(SIZE);
    for status in [200u16, 401, 500] {
        let server = MockServer::start().await;
        respond_always(
            &server,
            ResponseTemplate::new(status).set_body_raw(body.clone(), "application/json"),
        )
        .await;
        let err = intercom_client(&server.uri(), RetryPolicy::none())
            .update_contact(CONTACT_ID, &empty_update())
            .await
            .expect_err("garbage is never a value");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        let _ = err.to_string(); // Display must not panic on invalid UTF-8
        let _ = format!("{err:?}");
        match (status, err) {
            (200 | 401, Error::Decode { body_snippet, .. }) => {
                assert!(
                    body_snippet.len() <= 512 + 3,
                    "snippet {} bytes",
                    body_snippet.len()
                );
            }
            (500, Error::UnexpectedStatus { body, body_len, .. }) => {
                assert_eq!(body_len, SIZE);
                assert!(body.len() <= 4096 + 3, "kept {} bytes", body.len());
            }
            (s, other) => panic!("{s}: unexpected error class {other:?}"),
        }
    }
}

/// A server slower than the timeout → `Error::Timeout`, promptly.
#[tokio::test]
async fn slow_server_times_out() {
    let server = MockServer::start().await;
    respond_always(
        &server,
        ResponseTemplate::new(200)
            .set_body_json(contact_example())
            .set_delay(Duration::from_secs(3)),
    )
    .await;
    let client = intercom::Client::builder()
        .base_url(server.uri())
        .bearer_auth(TOKEN)
        .retry(RetryPolicy::none())
        .timeout(ms(200))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client
        .update_contact(CONTACT_ID, &empty_update())
        .await
        .expect_err("timeout");
    let elapsed = started.elapsed();
    assert!(err.is_timeout(), "expected Timeout, got {err:?}");
    assert!(matches!(err, Error::Timeout { .. }));
    assert!(
        elapsed >= ms(150) && elapsed < Duration::from_secs(2),
        "{elapsed:?}"
    );
    assert!(err.status().is_none() && err.headers().is_none());
    assert!(err.to_string().contains("timed out"), "{err}");
}

/// The per-call `.timeout()` overrides the client's.
#[tokio::test]
async fn per_call_timeout_overrides_client_timeout() {
    let server = MockServer::start().await;
    respond_always(
        &server,
        ResponseTemplate::new(200)
            .set_body_json(contact_example())
            .set_delay(Duration::from_secs(3)),
    )
    .await;
    let client = intercom::Client::builder()
        .base_url(server.uri())
        .bearer_auth(TOKEN)
        .retry(RetryPolicy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client
        .update_contact(CONTACT_ID, &empty_update())
        .timeout(ms(200))
        .await
        .expect_err("timeout");
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

/// Nothing listening → `Error::Transport`.
#[tokio::test]
async fn closed_port_is_transport_error() {
    let url = closed_port_url();
    let err = intercom_client(&url, RetryPolicy::none())
        .update_contact(CONTACT_ID, &empty_update())
        .await
        .expect_err("connection refused");
    assert!(err.is_transport(), "expected Transport, got {err:?}");
    match &err {
        Error::Transport { message, source } => {
            assert!(message.contains("/contacts/"), "{message}");
            assert!(source.is_some());
        }
        other => panic!("expected Transport, got {other:?}"),
    }
    assert!(std::error::Error::source(&err).is_some());
    assert!(err.status().is_none() && err.headers().is_none());
}

/// Response headers are reachable on success (`Response::headers()`) and on
/// every error class that has a response (`Error::headers()`).
#[tokio::test]
async fn response_headers_reachable_on_success_and_errors() {
    let intercom_spec = load_spec("intercom.yaml");
    let unauthorized = component_example(&intercom_spec, "Unauthorized");
    let cases: Vec<(u16, ResponseTemplate)> = vec![
        (
            200,
            ResponseTemplate::new(200).set_body_json(contact_example()),
        ),
        (401, ResponseTemplate::new(401).set_body_json(unauthorized)),
        (418, ResponseTemplate::new(418).set_body_string("teapot")),
        (200, ResponseTemplate::new(200).set_body_string("not json")),
    ];
    for (i, (status, template)) in cases.into_iter().enumerate() {
        let server = MockServer::start().await;
        respond_always(
            &server,
            template.insert_header("x-request-id", format!("rid-{i}")),
        )
        .await;
        let result = intercom_client(&server.uri(), RetryPolicy::none())
            .update_contact(CONTACT_ID, &empty_update())
            .await;
        let expected = format!("rid-{i}");
        match (i, result) {
            (0, Ok(resp)) => {
                assert_eq!(resp.status().as_u16(), status);
                assert_eq!(
                    resp.headers().get("x-request-id").unwrap(),
                    expected.as_str()
                );
                assert_eq!(resp.header("x-request-id"), Some(expected.as_str()));
            }
            (1, Err(err @ Error::Api { .. }))
            | (2, Err(err @ Error::UnexpectedStatus { .. }))
            | (3, Err(err @ Error::Decode { .. })) => {
                assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
                assert_eq!(
                    err.headers().and_then(|h| h.get("x-request-id")).unwrap(),
                    expected.as_str()
                );
            }
            (i, other) => panic!("case {i}: unexpected {other:?}"),
        }
    }
}

// ----------------------------------------------------------------- retries

/// PUT is idempotent: a 503 is retried and the second attempt succeeds.
#[tokio::test]
async fn put_is_retried_on_503_then_succeeds() {
    let server = MockServer::start().await;
    respond_first_n_then(
        &server,
        1,
        ResponseTemplate::new(503).set_body_string("busy"),
        ResponseTemplate::new(200).set_body_json(contact_example()),
    )
    .await;
    let body = intercom::types::UpdateContactRequest {
        email: Some("x@example.com".to_owned()),
        ..Default::default()
    };
    let contact = intercom_client(&server.uri(), fast_retry(3))
        .update_contact(CONTACT_ID, &body)
        .await
        .expect("second attempt succeeds");
    assert_eq!(contact.id, CONTACT_ID);
    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].body, reqs[1].body, "the same body is re-sent");
    assert_eq!(reqs[1].url.path(), format!("/contacts/{CONTACT_ID}"));
    assert!(reqs[1].headers.contains_key("authorization"));
}

/// `Retry-After: 1` on a 429 is honoured: the retry comes ≥ 1 s later.
#[tokio::test]
async fn retry_after_on_429_is_honoured() {
    let server = MockServer::start().await;
    respond_first_n_then(
        &server,
        1,
        ResponseTemplate::new(429).insert_header("Retry-After", "1"),
        ResponseTemplate::new(200).set_body_json(contact_example()),
    )
    .await;
    let policy = fast_retry(3).max_backoff(Duration::from_secs(5));
    let started = Instant::now();
    intercom_client(&server.uri(), policy)
        .update_contact(CONTACT_ID, &empty_update())
        .await
        .expect("retried after 1 s");
    let elapsed = started.elapsed();
    assert_eq!(received(&server).await.len(), 2);
    assert!(
        elapsed >= Duration::from_secs(1),
        "retried after only {elapsed:?}"
    );
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
}

/// A `Retry-After` longer than `max_backoff` stops retrying and returns the
/// 429 at once.
#[tokio::test]
async fn retry_after_beyond_max_backoff_is_not_waited_for() {
    let server = MockServer::start().await;
    respond_always(
        &server,
        ResponseTemplate::new(429).insert_header("Retry-After", "120"),
    )
    .await;
    let started = Instant::now();
    let err = intercom_client(&server.uri(), fast_retry(3))
        .update_contact(CONTACT_ID, &empty_update())
        .await
        .expect_err("429");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(received(&server).await.len(), 1);
}

/// Attempts are bounded by `max_attempts`; the last response is returned.
#[tokio::test]
async fn attempts_are_bounded_by_max_attempts() {
    let server = MockServer::start().await;
    respond_always(&server, ResponseTemplate::new(503).set_body_string("down")).await;
    let err = intercom_client(&server.uri(), fast_retry(3))
        .update_contact(CONTACT_ID, &empty_update())
        .await
        .expect_err("always 503");
    assert_eq!(received(&server).await.len(), 3);
    match err {
        Error::UnexpectedStatus { status, body, .. } => {
            assert_eq!(status.as_u16(), 503);
            assert_eq!(body, "down");
        }
        other => panic!("expected UnexpectedStatus, got {other:?}"),
    }
}

/// Non-retryable statuses (e.g. 501, 400) are not retried.
#[tokio::test]
async fn non_retryable_status_is_not_retried() {
    for status in [400u16, 501] {
        let server = MockServer::start().await;
        respond_always(&server, ResponseTemplate::new(status)).await;
        let err = intercom_client(&server.uri(), fast_retry(3))
            .update_contact(CONTACT_ID, &empty_update())
            .await
            .expect_err("error status");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(
            received(&server).await.len(),
            1,
            "{status} must not be retried"
        );
    }
}

/// A timed-out idempotent attempt is retried, up to `max_attempts`.
#[tokio::test]
async fn timed_out_put_is_retried() {
    let server = MockServer::start().await;
    respond_always(
        &server,
        ResponseTemplate::new(200)
            .set_body_json(contact_example())
            .set_delay(Duration::from_secs(3)),
    )
    .await;
    let err = intercom_client(&server.uri(), fast_retry(2))
        .update_contact(CONTACT_ID, &empty_update())
        .timeout(ms(150))
        .await
        .expect_err("both attempts time out");
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert_eq!(received(&server).await.len(), 2);
}

/// A timed-out POST may have been applied: it is not retried without an
/// idempotency key.
#[tokio::test]
async fn timed_out_post_is_not_retried() {
    let server = MockServer::start().await;
    respond_always(
        &server,
        ResponseTemplate::new(200)
            .set_body_json(lead_example())
            .set_delay(Duration::from_secs(3)),
    )
    .await;
    let err = legacy_client(&server.uri(), fast_retry(3))
        .update_lead(&lead_update())
        .timeout(ms(150))
        .await
        .expect_err("times out");
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert_eq!(received(&server).await.len(), 1);
}

/// POST is not idempotent: legacy Update Lead and Paragon are not retried
/// on 503 by default, even with a retrying client policy.
#[tokio::test]
async fn post_is_not_retried_by_default() {
    let server = MockServer::start().await;
    respond_always(&server, ResponseTemplate::new(503)).await;
    let err = legacy_client(&server.uri(), fast_retry(3))
        .update_lead(&lead_update())
        .await
        .expect_err("503");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(received(&server).await.len(), 1, "legacy POST retried");

    let server = MockServer::start().await;
    respond_always(&server, ResponseTemplate::new(503)).await;
    let err = paragon_client(&server.uri(), fast_retry(3))
        .intercom_update_contact("proj", &paragon_update())
        .await
        .expect_err("503");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(received(&server).await.len(), 1, "paragon POST retried");
}

/// With `.idempotency_key("k")` a POST is retried, and every attempt
/// carries `Idempotency-Key: k`.
#[tokio::test]
async fn post_with_idempotency_key_is_retried_and_sends_the_key() {
    let server = MockServer::start().await;
    respond_first_n_then(
        &server,
        1,
        ResponseTemplate::new(503),
        ResponseTemplate::new(200).set_body_json(lead_example()),
    )
    .await;
    let lead = legacy_client(&server.uri(), fast_retry(3))
        .update_lead(&lead_update())
        .idempotency_key("k")
        .await
        .expect("retried");
    assert_eq!(lead.id.as_deref(), Some("5811f6bbe6b4704ddfa84ac0"));
    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 2);
    for r in &reqs {
        assert_eq!(r.method.as_str(), "POST");
        assert_eq!(r.headers.get("idempotency-key").unwrap(), "k");
    }

    let server = MockServer::start().await;
    respond_first_n_then(
        &server,
        1,
        ResponseTemplate::new(503),
        ResponseTemplate::new(200).set_body_string("{}"),
    )
    .await;
    paragon_client(&server.uri(), fast_retry(3))
        .intercom_update_contact("proj", &paragon_update())
        .idempotency_key("k")
        .await
        .expect("retried");
    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 2);
    assert!(reqs
        .iter()
        .all(|r| r.headers.get("idempotency-key").unwrap() == "k"));
}

/// `RequestOptions::retry_non_idempotent(true)` also allows retrying a POST.
#[tokio::test]
async fn post_retried_with_retry_non_idempotent_option() {
    let server = MockServer::start().await;
    respond_first_n_then(
        &server,
        1,
        ResponseTemplate::new(503),
        ResponseTemplate::new(200).set_body_json(lead_example()),
    )
    .await;
    legacy_client(&server.uri(), fast_retry(3))
        .update_lead(&lead_update())
        .options(RequestOptions::new().retry_non_idempotent(true))
        .await
        .expect("retried");
    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 2);
    assert!(!reqs[0].headers.contains_key("idempotency-key"));
}

/// A per-call `.retry(RetryPolicy::none())` overrides the client's policy
/// (and a per-call policy can also enable retries on a non-retrying client).
#[tokio::test]
async fn per_call_retry_overrides_client_policy() {
    let server = MockServer::start().await;
    respond_always(&server, ResponseTemplate::new(503)).await;
    let err = intercom_client(&server.uri(), fast_retry(3))
        .update_contact(CONTACT_ID, &empty_update())
        .retry(RetryPolicy::none())
        .await
        .expect_err("503");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(received(&server).await.len(), 1);

    let server = MockServer::start().await;
    respond_always(&server, ResponseTemplate::new(503)).await;
    intercom_client(&server.uri(), RetryPolicy::none())
        .update_contact(CONTACT_ID, &empty_update())
        .retry(fast_retry(2))
        .await
        .expect_err("503");
    assert_eq!(received(&server).await.len(), 2);
}

// ----------------------------------------------------------------- secrets

fn assert_hidden(what: &str, text: &str) {
    assert!(
        !text.contains(TOKEN),
        "{what} leaks the bearer token: {text}"
    );
    assert!(!text.contains(API_KEY), "{what} leaks the API key: {text}");
    assert!(
        !text.contains("SECRET") && !text.contains("KEY-7777"),
        "{what}: {text}"
    );
}

/// `{:?}` of every client and its builder hides credentials.
#[test]
fn debug_of_clients_and_configs_hides_credentials() {
    let url = "http://127.0.0.1:9";
    let ic = intercom_client(url, RetryPolicy::none());
    assert_hidden("intercom client", &format!("{ic:?}"));
    assert_hidden(
        "intercom builder",
        &format!("{:?}", intercom::Client::builder().bearer_auth(TOKEN)),
    );
    assert_hidden(
        "intercom Client::new",
        &format!("{:?}", intercom::Client::new(TOKEN)),
    );

    let lc = legacy_client(url, RetryPolicy::none());
    assert_hidden("legacy client", &format!("{lc:?}"));

    let pc = paragon_client(url, RetryPolicy::none());
    assert_hidden("paragon client", &format!("{pc:?}"));

    let ins = insighto_client(url, RetryPolicy::none());
    assert_hidden("insighto client", &format!("{ins:?}"));
    assert_hidden(
        "insighto builder",
        &format!("{:?}", insighto::Client::builder().api_key_auth(API_KEY)),
    );
    assert_hidden(
        "insighto Client::new",
        &format!("{:?}", insighto::Client::new(API_KEY)),
    );

    // Sanity: the credential is really in there (so the checks above can
    // fail): the Debug output shows where it goes, only not what it is.
    assert!(
        format!("{ins:?}").contains(r#"("apiKeyAuth", Static(ApiKey { location: Query, name: "api_key", value: Secret(<redacted>) }))"#),
        "{ins:?}"
    );
}

/// Every error from an Insighto call (key in the query string) hides the
/// key in `Display`, `Debug` and the source chain: connection refused, 500,
/// timeout and decode failure.
#[tokio::test]
async fn insighto_errors_never_show_the_api_key() {
    let id = uuid::Uuid::parse_str("3c90c3cc-0d44-4b50-8888-8dd25736052a").unwrap();
    let body = insighto::types::ContactUpdate::default();

    let mut errors = Vec::new();

    // Closed port.
    let err = insighto_client(&closed_port_url(), RetryPolicy::none())
        .update_contact_by_id(id, &body)
        .await
        .expect_err("refused");
    assert!(err.is_transport(), "{err:?}");
    errors.push(err);

    // Closed port, after retries.
    let err = insighto_client(&closed_port_url(), fast_retry(2))
        .update_contact_by_id(id, &body)
        .await
        .expect_err("refused");
    errors.push(err);

    // 500 with an HTML page.
    let server = MockServer::start().await;
    respond_always(
        &server,
        ResponseTemplate::new(500)
            .set_body_raw(&b"<html><body>oops</body></html>"[..], "text/html"),
    )
    .await;
    let err = insighto_client(&server.uri(), RetryPolicy::none())
        .update_contact_by_id(id, &body)
        .await
        .expect_err("500");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    // The key was really sent (so a leak would be possible).
    let reqs = received(&server).await;
    assert!(reqs[0].url.query().unwrap_or("").contains(API_KEY));
    errors.push(err);

    // Timeout.
    let server = MockServer::start().await;
    respond_always(
        &server,
        ResponseTemplate::new(200).set_delay(Duration::from_secs(3)),
    )
    .await;
    let err = insighto_client(&server.uri(), RetryPolicy::none())
        .update_contact_by_id(id, &body)
        .timeout(ms(150))
        .await
        .expect_err("timeout");
    assert!(err.is_timeout(), "{err:?}");
    errors.push(err);

    // Decode failure.
    let server = MockServer::start().await;
    respond_always(&server, ResponseTemplate::new(200).set_body_string("[1,2")).await;
    let err = insighto_client(&server.uri(), RetryPolicy::none())
        .update_contact_by_id(id, &body)
        .await
        .expect_err("decode");
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    errors.push(err);

    for err in &errors {
        assert_hidden("Display", &err.to_string());
        assert_hidden("Debug", &format!("{err:?}"));
        assert_hidden("alternate Debug", &format!("{err:#?}"));
        let mut source = std::error::Error::source(err);
        while let Some(cause) = source {
            assert_hidden("source Display", &cause.to_string());
            assert_hidden("source Debug", &format!("{cause:?}"));
            source = cause.source();
        }
    }
}

/// Bearer-token clients hide the token in transport and timeout errors too.
#[tokio::test]
async fn bearer_errors_never_show_the_token() {
    let err = intercom_client(&closed_port_url(), RetryPolicy::none())
        .update_contact(CONTACT_ID, &empty_update())
        .await
        .expect_err("refused");
    assert_hidden("Display", &err.to_string());
    assert_hidden("Debug", &format!("{err:?}"));

    let err = legacy_client(&closed_port_url(), RetryPolicy::none())
        .update_lead(&lead_update())
        .await
        .expect_err("refused");
    assert_hidden("Display", &err.to_string());
    assert_hidden("Debug", &format!("{err:?}"));
}
