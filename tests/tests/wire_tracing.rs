//! `tracing` output of generated clients (cargo feature `tracing`),
//! captured with a subscriber: one span per call with the operation,
//! method, path template, final status and attempt count, an event per
//! attempt, and no credential, query string, path value or body anywhere.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::respond_first_n_then;
use contact_clients::runtime::RetryPolicy;
use contact_clients::{insighto, intercom};
use wiremock::{MockServer, ResponseTemplate};

fn fast(attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(attempts)
        .initial_backoff(Duration::from_millis(5))
        .jitter(false)
}

/// A `tracing` subscriber writing plain text into a buffer, for this
/// thread only (the tests run on tokio's current-thread runtime).
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }

    fn install(&self) -> impl Sized {
        use tracing_subscriber::util::SubscriberInitExt;
        let writer = self.clone();
        tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_max_level(tracing_subscriber::filter::LevelFilter::DEBUG)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
            .set_default()
    }
}

const API_KEY: &str = "in-SEKRIT-api-key-0123";
const CONTACT: &str = "3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f";

/// One test only: `tracing` caches per call site whether anybody listens,
/// and tests running in parallel on threads without a subscriber would
/// race with it.
#[tokio::test]
async fn tracing_records_one_span_per_call_without_secrets() {
    let captured = Captured::default();
    let _guard = captured.install();
    a_retried_call_with_an_api_key(&captured).await;
    captured.0.lock().unwrap().clear();
    a_failed_call_with_a_bearer_token(&captured).await;
}

async fn a_retried_call_with_an_api_key(captured: &Captured) {
    let server = MockServer::start().await;
    respond_first_n_then(
        &server,
        1,
        ResponseTemplate::new(503),
        ResponseTemplate::new(200).set_body_string("{}"),
    )
    .await;
    let client = common::insighto_client(&server.uri(), API_KEY, fast(3));
    let body = insighto::types::ContactUpdate {
        first_name: "Private-Name".to_owned().into(),
        ..Default::default()
    };
    let _ = client
        .update_contact_by_id(CONTACT.parse().unwrap(), &body)
        .await;
    let text = captured.text();

    // One span, closed once, with the final status and attempt count.
    let closes: Vec<&str> = text.lines().filter(|l| l.contains(" close ")).collect();
    assert_eq!(closes.len(), 1, "{text}");
    let close = closes[0];
    for field in [
        "http_request{",
        "otel.name=PUT /api/v1/contact/{contact_id}",
        r#"otel.kind="client""#,
        r#"operation="update_contact_by_id""#,
        "http.request.method=PUT",
        r#"url.template="/api/v1/contact/{contact_id}""#,
        "server.address=127.0.0.1",
        "http.response.status_code=200",
        "attempts=2",
    ] {
        assert!(close.contains(field), "{field} missing: {close}");
    }
    // Each attempt is an event inside the span.
    assert!(text.contains("attempt=1 status=503"), "{text}");
    assert!(text.contains("attempt=1 wait_ms="), "{text}");
    assert!(text.contains("attempt=2 status=200"), "{text}");
    // Nothing identifying: no key, no query, no path value, no body.
    for secret in [API_KEY, "api_key", CONTACT, "Private-Name", "?"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
}

async fn a_failed_call_with_a_bearer_token(captured: &Captured) {
    const TOKEN: &str = "tok-intercom-SEKRIT";
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = common::intercom_client(
        &format!("http://127.0.0.1:{port}"),
        TOKEN,
        RetryPolicy::none(),
    );
    let err = client
        .update_contact(
            "contact-SEKRIT-id",
            &intercom::types::UpdateContactRequest::default(),
        )
        .await
        .unwrap_err();
    assert!(err.is_transport());
    let text = captured.text();
    assert!(
        text.contains(r#"url.template="/contacts/{contact_id}""#),
        "{text}"
    );
    assert!(text.contains("error=\"transport\""), "{text}");
    assert!(text.contains("attempt=1 error=\"transport\""), "{text}");
    for secret in ["SEKRIT", "Bearer", "authorization"] {
        assert!(
            !text
                .to_ascii_lowercase()
                .contains(&secret.to_ascii_lowercase()),
            "{secret} leaked: {text}"
        );
    }
}
