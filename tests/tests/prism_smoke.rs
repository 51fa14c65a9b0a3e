//! Smoke tests of the Prism harness (`contact_tests::prism`), independent of the
//! generated clients: for every spec in `specs/`, start Prism and send, with
//! plain reqwest,
//!
//! (a) a request that is valid per the spec (built by hand from the spec's
//!     example): Prism must answer 2xx and the harness must report nothing;
//! (b) deliberately invalid requests: the harness must report a violation, both
//!     from the raw response and from Prism's log, and `assert_no_violations`
//!     must panic. This proves the harness can fail.
//!
//! Needs Prism installed: `npm ci --prefix tests/prism`.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use contact_tests::prism::{self, assert_no_violations, response_violations, Prism};

/// Every spec file with a smoke case below.
const KNOWN_SPECS: &[&str] = &[
    "paragon-actionkit.yaml",
    "intercom.yaml",
    "intercom-legacy.yaml",
    "insighto.yaml",
];

fn specs_dir() -> PathBuf {
    prism::repo_root().join("specs")
}

/// The spec's path, or `None` (with a note on stderr) if it does not exist yet.
fn spec(file: &str) -> Option<PathBuf> {
    let p = specs_dir().join(file);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipping: {} does not exist", p.display());
        None
    }
}

fn start(spec: &std::path::Path) -> Prism {
    Prism::start(spec).unwrap_or_else(|e| panic!("cannot start Prism: {e}"))
}

struct Sent {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

async fn send(req: reqwest::RequestBuilder) -> Sent {
    let resp = req.send().await.expect("request to Prism failed");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp
        .bytes()
        .await
        .expect("reading Prism's response")
        .to_vec();
    Sent {
        status,
        headers,
        body,
    }
}

/// (a): valid request → 2xx, and no violation from any signal.
async fn expect_valid(prism: &Prism, what: &str, req: reqwest::RequestBuilder) {
    let mark = prism.mark();
    let r = send(req).await;
    assert!(
        (200..300).contains(&r.status),
        "{what}: expected 2xx from Prism, got {} with body {}\n{}",
        r.status,
        String::from_utf8_lossy(&r.body),
        prism.violation_report("violations", &prism.violations_since(mark)),
    );
    assert_no_violations(&r.headers, &r.body, prism, mark);
}

/// (b): invalid request → the harness reports it through the response *and*
/// through the log, mentioning `expect` somewhere; `assert_no_violations` panics.
async fn expect_violation(prism: &Prism, what: &str, expect: &str, req: reqwest::RequestBuilder) {
    let mark = prism.mark();
    let r = send(req).await;
    let from_response = response_violations(&r.headers, &r.body);
    let from_log = prism.violations_since(mark);
    eprintln!(
        "{what}: status {}, sl-violations header {}, reported:\n  response: {from_response:#?}\n  log: {from_log:#?}",
        r.status,
        if r.headers.contains_key("sl-violations") { "present" } else { "absent" },
    );
    assert!(
        !(200..300).contains(&r.status),
        "{what}: Prism accepted an invalid request ({})",
        r.status
    );
    assert!(
        !from_response.is_empty(),
        "{what}: no violation visible in the response"
    );
    assert!(
        !from_log.is_empty(),
        "{what}: no violation found in Prism's log"
    );
    let all = format!("{from_response:?} {from_log:?}");
    assert!(
        all.contains(expect),
        "{what}: expected {expect:?} in the violations: {all}"
    );
    let panicked = catch_unwind(AssertUnwindSafe(|| {
        assert_no_violations(&r.headers, &r.body, prism, mark)
    }));
    assert!(
        panicked.is_err(),
        "{what}: assert_no_violations did not fail"
    );
}

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

#[test]
fn every_spec_in_specs_dir_has_a_smoke_case() {
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(specs_dir()).expect("specs/ exists") {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let is_spec = [".yaml", ".yml", ".json"]
            .iter()
            .any(|ext| name.ends_with(ext));
        if is_spec && !KNOWN_SPECS.contains(&name.as_str()) {
            missing.push(name);
        }
    }
    assert!(
        missing.is_empty(),
        "specs without a Prism smoke case in tests/tests/prism_smoke.rs: {missing:?}"
    );
}

#[test]
fn start_reports_a_missing_spec() {
    let err = Prism::start(&specs_dir().join("does-not-exist.yaml")).unwrap_err();
    assert!(err.contains("does-not-exist.yaml"), "{err}");
}

#[tokio::test]
async fn paragon_actionkit() {
    let Some(spec) = spec("paragon-actionkit.yaml") else {
        return;
    };
    let prism = start(&spec);
    // The path key `/projects/{project_id}/tools/#INTERCOM_UPDATE_CONTACT` cannot be
    // routed by Prism, so the harness serves a copy with the fragment stripped.
    assert_ne!(
        prism.served_spec(),
        prism.spec(),
        "expected a sanitized copy of the spec"
    );
    let url = format!("{}/projects/proj-123/tools/", prism.base_url());
    let body = r#"{"tool":"INTERCOM_UPDATE_CONTACT","parameters":{"contactId":"650cbc286d0a728750658b15","email":"joebloggs@intercom.io","role":"user","unsubscribeFromEmail":false,"customAttribute":{"paid_subscriber":true}}}"#;
    let json = |rb: reqwest::RequestBuilder| rb.header("content-type", "application/json");

    expect_valid(
        &prism,
        "paragon valid",
        json(client().post(&url))
            .bearer_auth("user.jwt.token")
            .body(body),
    )
    .await;
    expect_violation(
        &prism,
        "paragon without bearer token",
        "security",
        json(client().post(&url)).body(body),
    )
    .await;
    expect_violation(
        &prism,
        "paragon with wrong body types",
        "parameters",
        json(client().post(&url))
            .bearer_auth("user.jwt.token")
            .body(r#"{"tool":42,"parameters":{"unsubscribeFromEmail":"no"}}"#),
    )
    .await;
    expect_violation(
        &prism,
        "paragon without the trailing slash",
        "NO_PATH_MATCHED",
        json(client().post(url.trim_end_matches('/')))
            .bearer_auth("user.jwt.token")
            .body(body),
    )
    .await;

    // What contract tests will do after each call through the generated client.
    prism.take_violations();
    json(client().post(&url))
        .bearer_auth("t")
        .body(body)
        .send()
        .await
        .unwrap();
    prism.assert_no_new_violations();
    json(client().post(&url)).body("{}").send().await.unwrap();
    let v = prism.take_violations();
    assert!(!v.is_empty(), "take_violations missed an invalid request");
    assert!(
        prism.take_violations().is_empty(),
        "take_violations must not repeat"
    );

    // Drop kills Prism: the process must be gone (and reaped), no orphan left.
    let pid = prism.pid();
    drop(prism);
    #[cfg(target_os = "linux")]
    assert!(
        !std::path::Path::new(&format!("/proc/{pid}")).exists(),
        "Prism (pid {pid}) still exists after drop"
    );
    let _ = pid;
}

#[tokio::test]
async fn intercom() {
    let Some(spec) = spec("intercom.yaml") else {
        return;
    };
    let prism = start(&spec);
    assert_eq!(
        prism.served_spec(),
        prism.spec(),
        "no fragments: served as is"
    );
    let url = format!("{}/contacts/650cbc286d0a728750658b15", prism.base_url());
    let body = r#"{"email":"joebloggs@intercom.io","name":"joe bloggs"}"#;
    let json = |rb: reqwest::RequestBuilder| {
        rb.header("content-type", "application/json")
            .header("accept", "application/json")
    };

    expect_valid(
        &prism,
        "intercom valid",
        json(client().put(&url))
            .bearer_auth("dG9rOmFiYw==")
            .header("Intercom-Version", "2.11")
            .body(body),
    )
    .await;
    // The spec declares a 401 response with an example, so Prism answers with
    // that (application/json, not problem+json): only the sl-violations header
    // and the log tell it is a violation.
    expect_violation(
        &prism,
        "intercom without bearer token",
        "security",
        json(client().put(&url)).body(body),
    )
    .await;
    expect_violation(
        &prism,
        "intercom with wrong body types",
        "signed_up_at",
        json(client().put(&url))
            .bearer_auth("dG9rOmFiYw==")
            .body(r#"{"signed_up_at":"yesterday","unsubscribed_from_emails":"no"}"#),
    )
    .await;
}

#[tokio::test]
async fn intercom_legacy() {
    let Some(spec) = spec("intercom-legacy.yaml") else {
        return;
    };
    let prism = start(&spec);
    let url = format!("{}/contacts", prism.base_url());
    let body = r#"{"id":"5811f6bbe6b4704ddfa84ac0","user_id":"77177570-cf5d-4f1a-bc75-75202af47d4f","phone":"123987456","email":"obrien@truth.org","name":"OBrien","custom_attributes":{"paid_subscriber":true,"monthly_spend":155.5,"team_mates":9}}"#;
    let json = |rb: reqwest::RequestBuilder| {
        rb.header("content-type", "application/json")
            .header("accept", "application/json")
    };

    expect_valid(
        &prism,
        "intercom-legacy valid",
        json(client().post(&url))
            .bearer_auth("dG9rOmFiYw==")
            .body(body),
    )
    .await;
    expect_violation(
        &prism,
        "intercom-legacy without bearer token",
        "security",
        json(client().post(&url)).body(body),
    )
    .await;
    // Neither `id` nor `user_id`: fails the body's anyOf.
    expect_violation(
        &prism,
        "intercom-legacy without an identifier",
        "body",
        json(client().post(&url))
            .bearer_auth("dG9rOmFiYw==")
            .body(r#"{"email":"obrien@truth.org"}"#),
    )
    .await;
}

#[tokio::test]
async fn insighto() {
    let Some(spec) = spec("insighto.yaml") else {
        return;
    };
    let prism = start(&spec);
    let url = format!(
        "{}/api/v1/contact/3c90c3cc-0d44-4b50-8888-8dd25736052a",
        prism.base_url()
    );
    let body = r#"{"first_name":"Ada","last_name":null,"email":"ada@example.com","channels":{},"user_attributes":{},"last_seen":"2023-11-07T05:31:56Z","org_id":"3c90c3cc-0d44-4b50-8888-8dd25736052a","custom_fields":{}}"#;
    let json = |rb: reqwest::RequestBuilder| rb.header("content-type", "application/json");

    expect_valid(
        &prism,
        "insighto valid",
        json(client().put(&url))
            .query(&[("api_key", "in-test-key")])
            .body(body),
    )
    .await;
    expect_violation(
        &prism,
        "insighto without api_key",
        "security",
        json(client().put(&url)).body(body),
    )
    .await;
    // The spec declares a 422 with an example, so Prism answers with it; the
    // violation is only in the sl-violations header and the log.
    expect_violation(
        &prism,
        "insighto with wrong body types",
        "org_id",
        json(client().put(&url))
            .query(&[("api_key", "in-test-key")])
            .body(r#"{"first_name":5,"org_id":"not-a-uuid"}"#),
    )
    .await;
    expect_violation(
        &prism,
        "insighto with a non-uuid contact id",
        "uuid",
        json(client().put(url.replace("3c90c3cc-0d44-4b50-8888-8dd25736052a", "42")))
            .query(&[("api_key", "in-test-key")])
            .body(body),
    )
    .await;
}
