//! The runtime's extension points on the wire (loopback): hooks, credential
//! providers with refresh on 401, OAuth2 client credentials (fetch, cache,
//! expiry, refresh, errors), per-call option merging, and the one-line
//! `Display` of every error.

#[path = "../runtime/mod.rs"]
pub mod runtime;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::prelude::{Engine as _, BASE64_STANDARD};
use reqwest::{Method, StatusCode};
use wiremock::matchers::{body_string, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use runtime::auth::{ApiKeyLocation, Auth, TokenShape};
use runtime::*;

type Err = Error<serde_json::Value>;

async fn exec(
    config: &ClientConfig,
    spec: RequestSpec,
    options: &RequestOptions,
) -> Result<RawResponse, Err> {
    execute(config, spec, options).await.map_err(Error::from)
}

fn fast() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(3)
        .initial_backoff(Duration::from_millis(5))
        .jitter(false)
}

fn spec(
    op: &'static str,
    method: Method,
    path: &str,
    security: &'static [&'static [&'static str]],
) -> RequestSpec {
    RequestSpec::new(op, method, "/things/{id}", path, security)
}

fn bearer_of(r: &Request) -> String {
    r.headers
        .get("authorization")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

// ---------------------------------------------------------------- hooks

/// Signs every attempt with a header naming the attempt, and records what
/// it saw.
#[derive(Default)]
struct Recorder {
    seen: Mutex<Vec<String>>,
}

struct Signer(Arc<Recorder>);

impl Hook for Signer {
    fn on_request(
        &self,
        request: &mut reqwest::Request,
        attempt: &Attempt,
    ) -> Result<(), BoxError> {
        // The request is the final one: credentials are already on it.
        assert!(request.headers().contains_key("authorization"));
        let signature = format!(
            "{} {} {} #{}",
            attempt.operation, attempt.method, attempt.path_template, attempt.number
        );
        request
            .headers_mut()
            .insert("x-signature", HeaderValue::from_str(&signature)?);
        self.0
            .seen
            .lock()
            .unwrap()
            .push(format!("request #{}", attempt.number));
        Ok(())
    }

    fn on_response(&self, response: &reqwest::Response, attempt: &Attempt) {
        self.0.seen.lock().unwrap().push(format!(
            "response #{} {}",
            attempt.number,
            response.status().as_u16()
        ));
    }

    fn on_error(&self, error: &reqwest::Error, attempt: &Attempt) {
        assert!(
            error.url().is_none(),
            "hooks never see the URL of a failed attempt"
        );
        self.0
            .seen
            .lock()
            .unwrap()
            .push(format!("error #{}", attempt.number));
    }
}

#[tokio::test]
async fn hooks_see_and_sign_every_attempt() {
    let server = MockServer::start().await;
    Mock::given(path("/things/7"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/things/7"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&server)
        .await;
    let recorder = Arc::new(Recorder::default());
    let config = ClientBuilder::new(&server.uri())
        .retry(fast())
        .credential("b", Auth::bearer("tok"))
        .hook(Signer(recorder.clone()))
        .build()
        .unwrap();
    let raw = exec(
        &config,
        spec("getThing", Method::GET, "/things/7", &[&["b"]]),
        &RequestOptions::new(),
    )
    .await
    .unwrap();
    assert_eq!(raw.status_code(), 200);

    let wire: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            r.headers
                .get("x-signature")
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        wire,
        [
            "getThing GET /things/{id} #1",
            "getThing GET /things/{id} #2"
        ]
    );
    assert_eq!(
        *recorder.seen.lock().unwrap(),
        [
            "request #1",
            "response #1 503",
            "request #2",
            "response #2 200"
        ]
    );
}

#[tokio::test]
async fn hooks_see_failed_attempts() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let recorder = Arc::new(Recorder::default());
    let config = ClientBuilder::new(&format!("http://127.0.0.1:{port}"))
        .retry(fast().max_attempts(2))
        .credential("b", Auth::bearer("tok"))
        .hook(Signer(recorder.clone()))
        .build()
        .unwrap();
    let err = exec(
        &config,
        spec("getThing", Method::GET, "/things/7", &[&["b"]]),
        &RequestOptions::new(),
    )
    .await
    .unwrap_err();
    assert!(err.is_transport(), "{err}");
    assert_eq!(
        *recorder.seen.lock().unwrap(),
        ["request #1", "error #1", "request #2", "error #2"]
    );
}

struct Refuse;

impl Hook for Refuse {
    fn on_request(&self, _: &mut reqwest::Request, _: &Attempt) -> Result<(), BoxError> {
        Err("signing key unavailable".into())
    }
}

#[tokio::test]
async fn a_failing_hook_stops_the_call_before_sending() {
    let server = MockServer::start().await;
    Mock::given(path("/things/7"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let config = ClientBuilder::new(&server.uri())
        .hook(Refuse)
        .build()
        .unwrap();
    let err = exec(
        &config,
        spec("getThing", Method::GET, "/things/7", &[]),
        &RequestOptions::new(),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::Hook { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "request hook failed: GET /things/7 (getThing): signing key unavailable"
    );
    let source = std::error::Error::source(&err).unwrap();
    assert_eq!(source.to_string(), "signing key unavailable");
}

// ---------------------------------------------------------------- providers

/// Mints `tok-1`, `tok-2`, …; forgets nothing, but asks for a retry when
/// told its token was rejected.
#[derive(Default)]
struct Minter {
    minted: AtomicU32,
    rejected: Mutex<Vec<String>>,
}

impl CredentialProvider for Arc<Minter> {
    fn credential<'a>(
        &'a self,
        request: &'a CredentialRequest<'a>,
    ) -> BoxFuture<'a, Result<Secret, CredentialError>> {
        Box::pin(async move {
            assert_eq!((request.scheme, request.operation), ("user", "putThing"));
            let n = self.minted.fetch_add(1, Ordering::SeqCst) + 1;
            assert_eq!(request.attempt, n);
            Ok(Secret::new(format!("tok-{n}")))
        })
    }

    fn rejected(&self, credential: &Secret) -> bool {
        self.rejected
            .lock()
            .unwrap()
            .push(credential.expose().to_owned());
        true
    }
}

#[tokio::test]
async fn provider_token_is_refreshed_once_on_401() {
    let server = MockServer::start().await;
    Mock::given(header("authorization", "Bearer tok-1"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    Mock::given(header("authorization", "Bearer tok-2"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let minter = Arc::new(Minter::default());
    let config = ClientBuilder::new(&server.uri())
        // Neither the policy nor the method allows retries: the refresh
        // happens anyway, since a 401 was not processed.
        .retry(RetryPolicy::none())
        .credential_provider("user", TokenShape::Bearer, minter.clone())
        .build()
        .unwrap();
    let raw = exec(
        &config,
        spec("putThing", Method::POST, "/things/7", &[&["user"]]),
        &RequestOptions::new(),
    )
    .await
    .unwrap();
    assert_eq!(raw.status_code(), 204);
    let sent: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(bearer_of)
        .collect();
    assert_eq!(sent, ["Bearer tok-1", "Bearer tok-2"]);
    assert_eq!(*minter.rejected.lock().unwrap(), ["tok-1"]);
}

#[tokio::test]
async fn a_second_401_is_returned() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_string(r#"{"error":"expired"}"#))
        .mount(&server)
        .await;
    let minter = Arc::new(Minter::default());
    let config = ClientBuilder::new(&server.uri())
        .credential_provider(
            "user",
            TokenShape::ApiKey {
                location: ApiKeyLocation::Header,
                name: "X-User-Token".into(),
            },
            minter.clone(),
        )
        .build()
        .unwrap();
    let raw = exec(
        &config,
        spec("putThing", Method::POST, "/things/7", &[&["user"]]),
        &RequestOptions::new(),
    )
    .await
    .unwrap();
    assert_eq!(raw.status_code(), 401);
    let sent: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            r.headers
                .get("x-user-token")
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(sent, ["tok-1", "tok-2"], "one refresh per call");
}

#[tokio::test]
async fn provider_fn_and_provider_failures() {
    let server = MockServer::start().await;
    Mock::given(header("authorization", "Bearer from-closure"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let config = ClientBuilder::new(&server.uri())
        .credential_provider(
            "user",
            TokenShape::Bearer,
            provider_fn(|| async { Ok(Secret::new("from-closure")) }),
        )
        .build()
        .unwrap();
    let raw = exec(
        &config,
        spec("getThing", Method::GET, "/x", &[&["user"]]),
        &RequestOptions::new(),
    )
    .await
    .unwrap();
    assert_eq!(raw.status_code(), 200);

    let failing = ClientBuilder::new(&server.uri())
        .credential_provider(
            "user",
            TokenShape::Bearer,
            provider_fn(|| async {
                Err(CredentialError::with_source(
                    "cannot read the signing key",
                    std::io::Error::new(std::io::ErrorKind::NotFound, "key.pem: not found"),
                ))
            }),
        )
        .build()
        .unwrap();
    let err = exec(
        &failing,
        spec("getThing", Method::GET, "/x", &[&["user"]]),
        &RequestOptions::new(),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::Credentials { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "cannot obtain credentials: GET /x (getThing): scheme `user`: cannot read the signing key"
    );
    let source = std::error::Error::source(&err).unwrap();
    assert_eq!(source.to_string(), "key.pem: not found");
}

// ---------------------------------------------------------------- OAuth2

const BASIC_ID_SECRET: &str = "Basic Y2xpZW50JTNBaWQ6czNjcjN0JTJGJTJC"; // client%3Aid:s3cr3t%2F%2B

fn token_response(token: &str, expires_in: u64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(serde_json::json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": expires_in,
    }))
}

fn oauth_config(server: &MockServer, provider: ClientCredentials) -> ClientConfig {
    ClientBuilder::new(&format!("{}/v1", server.uri()))
        .retry(RetryPolicy::none())
        .credential_provider("oauth", TokenShape::Bearer, provider)
        .build()
        .unwrap()
}

#[tokio::test]
async fn client_credentials_token_is_fetched_cached_and_refreshed_on_401() {
    let server = MockServer::start().await;
    assert_eq!(
        BASIC_ID_SECRET,
        format!(
            "Basic {}",
            BASE64_STANDARD.encode("client%3Aid:s3cr3t%2F%2B")
        )
    );
    // Relative token URL: resolved against the base URL's host and path.
    Mock::given(method("POST"))
        .and(path("/v1/oauth/token"))
        .and(header("authorization", BASIC_ID_SECRET))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string(
            "grant_type=client_credentials&scope=contacts.read+contacts.write&audience=api",
        ))
        .respond_with(token_response("AT1", 3600))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/oauth/token"))
        .respond_with(token_response("AT2", 3600))
        .mount(&server)
        .await;
    // AT1 works twice, then the server revokes it.
    Mock::given(path("/v1/things/7"))
        .and(header("authorization", "Bearer AT1"))
        .respond_with(ResponseTemplate::new(200))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/v1/things/7"))
        .and(header("authorization", "Bearer AT1"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    Mock::given(path("/v1/things/7"))
        .and(header("authorization", "Bearer AT2"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;

    let provider = ClientCredentials::new("oauth/token", "client:id", "s3cr3t/+")
        .scopes(["contacts.read", "contacts.write"])
        .param("audience", "api");
    let config = oauth_config(&server, provider);
    for _ in 0..3 {
        let raw = exec(
            &config,
            spec("getThing", Method::GET, "/things/7", &[&["oauth"]]),
            &RequestOptions::new(),
        )
        .await
        .unwrap();
        assert_eq!(raw.status_code(), 200);
    }
    let log: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| format!("{} {}", r.url.path(), bearer_of(r)))
        .collect();
    assert_eq!(
        log,
        [
            format!("/v1/oauth/token {BASIC_ID_SECRET}"),
            "/v1/things/7 Bearer AT1".to_owned(),
            "/v1/things/7 Bearer AT1".to_owned(),
            "/v1/things/7 Bearer AT1".to_owned(),
            format!("/v1/oauth/token {BASIC_ID_SECRET}"),
            "/v1/things/7 Bearer AT2".to_owned(),
        ]
    );
}

#[tokio::test]
async fn client_credentials_token_is_renewed_before_expiry_and_shared() {
    let server = MockServer::start().await;
    let issued = Arc::new(AtomicU32::new(0));
    let counter = issued.clone();
    Mock::given(path("/token"))
        .respond_with(move |_: &Request| {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            // Lives 1 s: renewed after half of it.
            token_response(&format!("AT{n}"), 1).set_delay(Duration::from_millis(50))
        })
        .mount(&server)
        .await;
    Mock::given(path("/v1/x"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let provider = ClientCredentials::new(format!("{}/token", server.uri()), "id", "secret")
        .credentials_in_body(true);
    let config = oauth_config(&server, provider);
    // Five concurrent calls share one token request.
    let options = RequestOptions::new();
    let calls = (0..5).map(|_| {
        exec(
            &config,
            spec("getThing", Method::GET, "/x", &[&["oauth"]]),
            &options,
        )
    });
    for result in futures_join_all(calls).await {
        assert_eq!(result.unwrap().status_code(), 200);
    }
    assert_eq!(issued.load(Ordering::SeqCst), 1);
    tokio::time::sleep(Duration::from_millis(600)).await;
    exec(
        &config,
        spec("getThing", Method::GET, "/x", &[&["oauth"]]),
        &RequestOptions::new(),
    )
    .await
    .unwrap();
    assert_eq!(issued.load(Ordering::SeqCst), 2);

    let requests = server.received_requests().await.unwrap();
    let token_bodies: Vec<String> = requests
        .iter()
        .filter(|r| r.url.path() == "/token")
        .map(|r| String::from_utf8(r.body.clone()).unwrap())
        .collect();
    assert_eq!(
        token_bodies,
        ["grant_type=client_credentials&client_id=id&client_secret=secret"; 2]
    );
    assert!(requests
        .iter()
        .all(|r| r.url.path() == "/token" || bearer_of(r).starts_with("Bearer AT")));
    let last = requests.last().unwrap();
    assert_eq!(bearer_of(last), "Bearer AT2");
}

/// Polls the futures concurrently on this task (no extra dependency).
async fn futures_join_all<F: std::future::Future>(
    futures: impl Iterator<Item = F>,
) -> Vec<F::Output> {
    let handles: Vec<_> = futures.map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = handles.iter().map(|_| None).collect();
    let mut handles: Vec<Option<_>> = handles.into_iter().map(Some).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (slot, out) in handles.iter_mut().zip(outputs.iter_mut()) {
            if let Some(fut) = slot {
                match fut.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => {
                        *out = Some(v);
                        *slot = None;
                    }
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().map(Option::unwrap).collect()
}

#[tokio::test]
async fn client_credentials_errors_name_the_endpoint_never_the_secret() {
    let server = MockServer::start().await;
    Mock::given(path("/token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({
            "error": "invalid_client",
            "error_description": "Client\nauthentication failed",
        })))
        .mount(&server)
        .await;
    Mock::given(path("/v1/x"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let provider = ClientCredentials::new("/token", "id", "TOP-SECRET");
    let config = oauth_config(&server, provider);
    let err = exec(
        &config,
        spec("getThing", Method::GET, "/x", &[&["oauth"]]),
        &RequestOptions::new(),
    )
    .await
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "cannot obtain credentials: GET /x (getThing): scheme `oauth`: token endpoint {}/token answered HTTP 401 Unauthorized: invalid_client (Client authentication failed)",
            server.uri()
        )
    );
    assert!(!format!("{err:?}").contains("TOP-SECRET"));

    for (body, expected) in [
        (
            serde_json::json!({"token_type": "Bearer"}),
            "the response has no `access_token`",
        ),
        (
            serde_json::json!({"access_token": "x", "token_type": "mac"}),
            "unsupported token type `mac` (only bearer tokens are)",
        ),
    ] {
        let server = MockServer::start().await;
        Mock::given(path("/token"))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&server)
            .await;
        let config = oauth_config(&server, ClientCredentials::new("/token", "id", "s"));
        let err = exec(
            &config,
            spec("getThing", Method::GET, "/x", &[&["oauth"]]),
            &RequestOptions::new(),
        )
        .await
        .unwrap_err();
        assert!(err.to_string().ends_with(expected), "{err}");
    }
}

// ---------------------------------------------------------------- options and Display

#[test]
fn options_merge_keeps_what_the_later_options_leave_unset() {
    let policy = RetryPolicy::none();
    let mut options = RequestOptions::new()
        .retry(policy.clone())
        .timeout(Duration::from_secs(5))
        .header("X-A", "1");
    options.merge(
        RequestOptions::new()
            .timeout(Duration::from_secs(9))
            .idempotency_key("k")
            .header("X-B", "2"),
    );
    assert_eq!(
        options,
        RequestOptions::new()
            .retry(policy)
            .timeout(Duration::from_secs(9))
            .idempotency_key("k")
            .header("X-A", "1")
            .header("X-B", "2")
    );
    let mut opted = RequestOptions::new().retry_non_idempotent(true);
    opted.merge(RequestOptions::new());
    assert_eq!(opted.retry_non_idempotent, Some(true));
    opted.merge(RequestOptions::new().retry_non_idempotent(false));
    assert_eq!(opted.retry_non_idempotent, Some(false));
}

#[test]
fn every_error_displays_as_one_line() {
    let headers = HeaderMap::new();
    let cases: Vec<(Err, &str)> = vec![
        (
            Error::InvalidRequest {
                message: "bad\nvalue".into(),
            },
            "invalid request: bad value",
        ),
        (
            Error::Api {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                headers: headers.clone(),
                body: serde_json::json!({"errors": [{"code": "x"}]}),
                raw_body: Bytes::from_static(b"{\n  \"errors\": [{\"code\": \"x\"}]\n}"),
            },
            r#"API error: HTTP 422 Unprocessable Entity: { "errors": [{"code": "x"}] }"#,
        ),
        (
            Error::Api {
                status: StatusCode::NOT_FOUND,
                headers: headers.clone(),
                body: serde_json::Value::Null,
                raw_body: Bytes::new(),
            },
            "API error: HTTP 404 Not Found",
        ),
        (
            Error::UnexpectedStatus {
                status: StatusCode::BAD_GATEWAY,
                headers: headers.clone(),
                body: format!("<html>\r\n{}", "x".repeat(300)),
                body_len: 5000,
            },
            "",
        ),
        (
            Error::Timeout {
                message: "GET /x (op): operation timed out".into(),
            },
            "timed out: GET /x (op): operation timed out",
        ),
        (
            Error::Transport {
                message: "GET /x (op): error sending request".into(),
                source: None,
            },
            "transport error: GET /x (op): error sending request",
        ),
    ];
    for (err, expected) in cases {
        let line = err.to_string();
        assert!(!line.contains(['\n', '\r']), "{line:?}");
        assert!(
            !line.contains("Object") && !line.contains("Bytes"),
            "no Debug dump: {line}"
        );
        if expected.is_empty() {
            assert!(
                line.starts_with("unexpected HTTP status 502 Bad Gateway: <html> xxx"),
                "{line}"
            );
            assert!(line.ends_with('…') && line.len() < 260, "{line}");
        } else {
            assert_eq!(line, expected);
        }
    }
}
