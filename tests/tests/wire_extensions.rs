//! The generated clients' extension points on the wire (loopback); tracing
//! is in `wire_tracing.rs`:
//!
//! - Paragon's user tokens minted per attempt by a credential provider (RS256
//!   JWTs, verified by the mock server with the public key), one refresh
//!   after a 401, and a per-client hook signing and observing each attempt;
//! - request builders are `Clone`, and `.options(..)` merges with earlier
//!   `.retry(..)`.

mod common;
mod jwt;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{header, received, respond_first_n_then};
use contact_clients::paragon;
use contact_clients::runtime::{
    reqwest, Attempt, BoxError, BoxFuture, CredentialError, CredentialProvider, CredentialRequest,
    Error, HeaderValue, Hook, RequestOptions, RetryPolicy, Secret,
};
use serde::{Deserialize, Serialize};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const PRIVATE_KEY: &[u8] = include_bytes!("../fixtures/paragon-signing-test-key.pem");
const PUBLIC_KEY: &[u8] = include_bytes!("../fixtures/paragon-signing-test-key.pub.pem");
const PROJECT_ID: &str = "0a1b2c3d-4e5f-6789-abcd-ef0123456789";
const USER: &str = "user-42";

fn fast(attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(attempts)
        .initial_backoff(Duration::from_millis(5))
        .jitter(false)
}

// ---------------------------------------------------------------- Paragon tokens

/// The claims of a Paragon user token: the user, when it was issued, when
/// it expires (`jti` only tells the tokens of this test apart).
#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    iat: u64,
    exp: u64,
    jti: String,
}

/// Mints a Paragon user token (RS256, signed with the project's key) for
/// every attempt, as an app server does for its signed-in user.
struct ParagonUserTokens {
    key: jwt::SigningKey,
    user: String,
    minted: AtomicU32,
}

impl CredentialProvider for ParagonUserTokens {
    fn credential<'a>(
        &'a self,
        _request: &'a CredentialRequest<'a>,
    ) -> BoxFuture<'a, Result<Secret, CredentialError>> {
        Box::pin(async move {
            let n = self.minted.fetch_add(1, Ordering::SeqCst) + 1;
            let now = jwt::now();
            let claims = Claims {
                sub: self.user.clone(),
                iat: now,
                exp: now + 3600,
                jti: format!("token-{n}"),
            };
            jwt::sign(&claims, &self.key)
                .map(Secret::new)
                .map_err(|e| CredentialError::with_source("cannot sign the Paragon user token", e))
        })
    }

    /// A rejected token is never reused: the next attempt mints another.
    fn rejected(&self, _credential: &Secret) -> bool {
        true
    }
}

/// Stamps each attempt with a header and records what it saw.
#[derive(Default)]
struct AttemptLog(Mutex<Vec<String>>);

struct Stamp(Arc<AttemptLog>);

impl Hook for Stamp {
    fn on_request(
        &self,
        request: &mut reqwest::Request,
        attempt: &Attempt,
    ) -> Result<(), BoxError> {
        let value = format!("{}#{}", attempt.operation, attempt.number);
        request
            .headers_mut()
            .insert("x-attempt", HeaderValue::from_str(&value)?);
        let log = format!(
            "{} {} {}",
            attempt.method, attempt.path_template, attempt.number
        );
        self.0 .0.lock().unwrap().push(log);
        Ok(())
    }

    fn on_response(&self, response: &reqwest::Response, attempt: &Attempt) {
        let log = format!("{} -> {}", attempt.number, response.status().as_u16());
        self.0 .0.lock().unwrap().push(log);
    }
}

/// The bearer JWT of a request, verified with the public key.
fn verified_claims(request: &Request) -> Result<Claims, String> {
    let auth = header(request, "authorization").ok_or("no Authorization")?;
    let token = auth.strip_prefix("Bearer ").ok_or("not a bearer token")?;
    let claims: Claims = jwt::verify(token, PUBLIC_KEY)?;
    if claims.exp <= jwt::now() {
        return Err(format!("expired at {}", claims.exp));
    }
    Ok(claims)
}

#[tokio::test]
async fn paragon_user_tokens_are_minted_per_attempt_and_refreshed_after_a_401() {
    let server = MockServer::start().await;
    // ActionKit revokes the first token it sees; a forged or unsigned token
    // would get a 403.
    let seen = Arc::new(AtomicU32::new(0));
    let counter = seen.clone();
    Mock::given(any())
        .respond_with(move |request: &Request| match verified_claims(request) {
            Ok(claims) if claims.sub == USER => {
                if counter.fetch_add(1, Ordering::SeqCst) == 0 {
                    ResponseTemplate::new(401).set_body_string(r#"{"message":"token revoked"}"#)
                } else {
                    ResponseTemplate::new(200).set_body_string(r#"{"ok":true}"#)
                }
            }
            _ => ResponseTemplate::new(403),
        })
        .mount(&server)
        .await;

    let log = Arc::new(AttemptLog::default());
    let provider = ParagonUserTokens {
        key: jwt::SigningKey::from_pem(PRIVATE_KEY).unwrap(),
        user: USER.to_owned(),
        minted: AtomicU32::new(0),
    };
    let client = paragon::Client::builder()
        .base_url(server.uri())
        .bearer_auth_provider(provider)
        .hook(Stamp(log.clone()))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let body = paragon::types::IntercomUpdateContactRequest::new(
        paragon::types::IntercomUpdateContactRequestParameters::new("650cbc".to_owned()),
    );
    let response = client
        .intercom_update_contact(PROJECT_ID, &body)
        .await
        .expect("the refreshed token is accepted");
    assert_eq!(response.status().as_u16(), 200);

    let requests = received(&server).await;
    let tokens: Vec<String> = requests
        .iter()
        .map(|r| {
            verified_claims(r)
                .map(|c| format!("{} {}", c.sub, c.jti))
                .unwrap()
        })
        .collect();
    assert_eq!(tokens, ["user-42 token-1", "user-42 token-2"]);
    let stamps: Vec<&str> = requests
        .iter()
        .map(|r| header(r, "x-attempt").unwrap())
        .collect();
    assert_eq!(
        stamps,
        ["intercom_update_contact#1", "intercom_update_contact#2"]
    );
    let template = "/projects/{project_id}/tools/#INTERCOM_UPDATE_CONTACT";
    assert_eq!(
        *log.0.lock().unwrap(),
        [
            format!("POST {template} 1"),
            "1 -> 401".to_owned(),
            format!("POST {template} 2"),
            "2 -> 200".to_owned(),
        ]
    );
}

#[tokio::test]
async fn a_provider_failure_sends_nothing_and_says_why() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let client = paragon::Client::builder()
        .base_url(server.uri())
        .bearer_auth_provider(contact_clients::runtime::provider_fn(|| async {
            Err(CredentialError::new("no signed-in user"))
        }))
        .build()
        .unwrap();
    let body = paragon::types::IntercomUpdateContactRequest::new(
        paragon::types::IntercomUpdateContactRequestParameters::new("650cbc".to_owned()),
    );
    let err = client
        .intercom_update_contact(PROJECT_ID, &body)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Credentials { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!("cannot obtain credentials: POST /projects/{PROJECT_ID}/tools/ (intercom_update_contact): scheme `BearerAuth`: no signed-in user")
    );
}

// ---------------------------------------------------------------- builders and options

#[tokio::test]
async fn builders_clone_and_options_merge_with_earlier_settings() {
    let server = MockServer::start().await;
    // Two 503s, then 200s: three attempts for the first call.
    respond_first_n_then(
        &server,
        2,
        ResponseTemplate::new(503),
        ResponseTemplate::new(200),
    )
    .await;
    let client = common::paragon_client(&server.uri(), "tok", RetryPolicy::none());
    let body = paragon::types::IntercomUpdateContactRequest::new(
        paragon::types::IntercomUpdateContactRequestParameters::new("650cbc".to_owned()),
    );
    let request = client
        .intercom_update_contact(PROJECT_ID, &body)
        .retry(fast(3))
        .options(
            RequestOptions::new()
                .header("X-Trace", "t1")
                .retry_non_idempotent(true),
        );
    let again = request
        .clone()
        .options(RequestOptions::new().header("X-More", "m"));

    // `.options(..)` kept the earlier `.retry(..)` (the client's policy
    // does not retry at all).
    let response = request.await.expect("third attempt succeeds");
    assert_eq!(response.status().as_u16(), 200);
    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 3);
    assert!(reqs
        .iter()
        .all(|r| header(r, "x-trace") == Some("t1") && header(r, "x-more").is_none()));

    // The clone is a request of its own, with both option sets.
    again.await.expect("200");
    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 4);
    assert_eq!(header(&reqs[3], "x-trace"), Some("t1"));
    assert_eq!(header(&reqs[3], "x-more"), Some("m"));
}
