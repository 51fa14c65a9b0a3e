//! Contract tests: the generated clients (`contact_clients::*`) against
//! [Prism](https://github.com/stoplightio/prism) mocking the very spec each
//! client was generated from.
//!
//! For every spec in `specs/` and every operation in it:
//!
//! * **conforms**: the operation is called through the generated client with
//!   requests built from typed Rust values (the spec's request example, and a
//!   request setting every field, `null`s included). Each call must reach Prism
//!   (its log shows exactly the expected `method path`), Prism must report no
//!   violation (log-based detection, since the client hides the raw response),
//!   and the client must return `Ok` with the typed body, which must equal the
//!   spec's response example that Prism serves (checked field by field for a
//!   few fields, and as a whole by re-serializing the decoded body). The
//!   matching example binary (`tests/examples/*.rs`) is run the same way.
//! * **detects violations**: requests the types still allow but the spec
//!   forbids (an unknown enum value, a value breaking a `format`, a mistyped
//!   extra property, a wrong auth scheme) are sent through the generated
//!   client: the client must return the error the spec implies (`Error::Api`
//!   for documented error statuses, `Error::UnexpectedStatus` for Prism's own
//!   422), and the harness must report the violation, i.e. the check used by
//!   the conformance tests fails. Requests the client rejects itself (missing
//!   credentials, "id or user_id") must not reach Prism at all.
//!
//! Needs Prism: `npm ci --prefix tests/prism` (node >= 18.20.1). Without it
//! every Prism test fails with a message saying so.

mod common;

use std::fmt::Debug;
use std::future::Future;

use contact_clients::runtime::{Error, Maybe, RequestOptions, RetryPolicy};
use contact_clients::{insighto, intercom, intercom_legacy, paragon};
use contact_tests::prism::{self, LoggedRequest, Prism};
use contact_tests::support::{component_example, load_spec, spec_path};
use serde_json::{json, Value};

// The example binaries, compiled in as modules so the tests run their `run`
// functions (their `main`s are unused here).
#[allow(dead_code)]
#[path = "../examples/insighto_update_contact.rs"]
mod insighto_example;
#[allow(dead_code)]
#[path = "../examples/intercom_update_contact.rs"]
mod intercom_example;
#[allow(dead_code)]
#[path = "../examples/intercom_legacy_update_lead.rs"]
mod intercom_legacy_example;
#[allow(dead_code)]
#[path = "../examples/paragon_update_contact.rs"]
mod paragon_example;

/// Every operation of every spec, as `METHOD path-key`, with a contract test
/// below. `every_operation_has_a_contract_test` keeps this in sync with specs/.
const COVERED: &[(&str, &[&str])] = &[
    (
        "paragon-actionkit.yaml",
        &["POST /projects/{project_id}/tools/#INTERCOM_UPDATE_CONTACT"],
    ),
    ("intercom.yaml", &["PUT /contacts/{contact_id}"]),
    ("intercom-legacy.yaml", &["POST /contacts"]),
    ("insighto.yaml", &["PUT /api/v1/contact/{contact_id}"]),
];

// Dummy credentials of the right shape.
const INTERCOM_TOKEN: &str = "dG9rOjEyMzQ1Njc4OTA6YWJjZGVm";
const INSIGHTO_KEY: &str = "in-contract-test-0123456789abcdef";
const PARAGON_JWT: &str = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTEiLCJpYXQiOjE3MDAwMDAwMDB9.c2lnbmF0dXJl";

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// Starts Prism for `specs/<file>`, or fails the test saying why (typically:
/// Prism is not installed, run `npm ci --prefix tests/prism`).
fn start(file: &str) -> Prism {
    Prism::start(&spec_path(file))
        .unwrap_or_else(|e| panic!("the contract tests need the Prism mock server: {e}"))
}

/// What Prism saw of one call made through a generated client.
struct Exchange<T> {
    /// The client's result.
    result: T,
    /// Requests that reached Prism during the call.
    requests: Vec<LoggedRequest>,
    /// Violations Prism logged during the call.
    violations: Vec<String>,
}

/// Runs one call through a generated client and collects what Prism logged
/// for it.
async fn exchange<T>(prism: &Prism, call: impl Future<Output = T>) -> Exchange<T> {
    let mark = prism.mark();
    let result = call.await;
    Exchange {
        result,
        requests: prism.requests_since(mark),
        violations: prism.violations_since(mark),
    }
}

/// What the conformance check finds wrong with a call: violations Prism
/// reported, or not exactly one request `expected` (`method path`) reaching
/// Prism. Empty means the call conforms.
fn conformance_problems<T>(expected: &str, ex: &Exchange<T>) -> Vec<String> {
    let mut problems = ex.violations.clone();
    let seen: Vec<String> = ex.requests.iter().map(ToString::to_string).collect();
    if seen != [expected] {
        problems.push(format!(
            "expected exactly one request `{expected}` to reach Prism, saw {seen:?}"
        ));
    }
    problems
}

/// The conformance check: exactly one request, `expected` (`method path`),
/// reached Prism and Prism reported no violation.
#[track_caller]
fn assert_conforms<T>(prism: &Prism, what: &str, expected: &str, ex: &Exchange<T>) {
    let problems = conformance_problems(expected, ex);
    if !problems.is_empty() {
        panic!(
            "{}",
            prism.violation_report(&format!("{what}: the call does not conform"), &problems)
        );
    }
}

/// The negative check: the call reached Prism, Prism reported a violation
/// mentioning `needle`, so the conformance check above fails on it.
#[track_caller]
fn assert_violation<T>(prism: &Prism, what: &str, expected: &str, needle: &str, ex: &Exchange<T>) {
    eprintln!("{what}: Prism reported {:#?}", ex.violations);
    assert!(
        !ex.violations.is_empty(),
        "{what}: Prism reported no violation for an invalid request\n{}",
        prism.log_text()
    );
    assert!(
        ex.violations.iter().any(|v| v.contains(needle)),
        "{what}: no violation mentions {needle:?}: {:#?}",
        ex.violations
    );
    let seen: Vec<String> = ex.requests.iter().map(ToString::to_string).collect();
    assert_eq!(seen, [expected], "{what}: the request did not reach Prism");
    assert!(
        !conformance_problems(expected, ex).is_empty(),
        "{what}: the conformance check accepted an invalid request"
    );
}

/// A call the client must refuse to send: nothing reaches Prism, and the
/// client returns `Error::InvalidRequest` with a message mentioning `needle`.
#[track_caller]
fn assert_refused<T: Debug, E: Debug>(
    what: &str,
    needle: &str,
    ex: &Exchange<Result<T, Error<E>>>,
) {
    assert!(
        ex.requests.is_empty(),
        "{what}: the client sent a request it should have refused: {:?}",
        ex.requests
    );
    assert!(
        matches!(&ex.result, Err(Error::InvalidRequest { message }) if message.contains(needle)),
        "{what}: expected Error::InvalidRequest mentioning {needle:?}, got {:?}",
        ex.result
    );
}

/// The decoded body, re-serialized, equals the spec's example: decoding lost
/// or changed nothing.
#[track_caller]
fn assert_round_trips<T: serde::Serialize>(what: &str, decoded: &T, example: &Value) {
    let again = serde_json::to_value(decoded).expect("decoded body serializes");
    assert_eq!(
        &again, example,
        "{what}: the decoded body differs from the spec's example"
    );
}

/// The body of an `Error::UnexpectedStatus` with this status, or a panic.
#[track_caller]
fn unexpected_status<E: Debug>(what: &str, status: u16, err: &Error<E>) -> String {
    match err {
        Error::UnexpectedStatus {
            status: s, body, ..
        } if s.as_u16() == status => body.clone(),
        other => panic!("{what}: expected Error::UnexpectedStatus {status}, got {other:?}"),
    }
}

/// Options that replace the client's `Authorization: Bearer ...` with Basic
/// credentials, which the spec's bearer-only security does not accept.
fn wrong_auth_scheme() -> RequestOptions {
    RequestOptions::new().header("Authorization", "Basic dXNlcjpwYXNz")
}

// ---------------------------------------------------------------------------
// Coverage
// ---------------------------------------------------------------------------

/// Every spec in specs/ and every operation in it is covered by the tests
/// below (needs no Prism).
#[test]
fn every_operation_has_a_contract_test() {
    let mut found: Vec<(String, Vec<String>)> = Vec::new();
    for entry in std::fs::read_dir(prism::repo_root().join("specs")).expect("specs/ exists") {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if ![".yaml", ".yml", ".json"].iter().any(|e| name.ends_with(e)) {
            continue;
        }
        let spec = load_spec(&name);
        let mut ops = Vec::new();
        for (path, item) in spec["paths"].as_object().expect("paths") {
            for method in [
                "get", "put", "post", "delete", "options", "head", "patch", "trace",
            ] {
                if item.get(method).is_some() {
                    ops.push(format!("{} {path}", method.to_uppercase()));
                }
            }
        }
        ops.sort();
        found.push((name, ops));
    }
    found.sort();
    let mut covered: Vec<(String, Vec<String>)> = COVERED
        .iter()
        .map(|(f, ops)| {
            let mut ops: Vec<String> = ops.iter().map(|s| s.to_string()).collect();
            ops.sort();
            (f.to_string(), ops)
        })
        .collect();
    covered.sort();
    assert_eq!(
        found, covered,
        "specs/ and the operations covered by tests/tests/contract.rs differ"
    );
}

// ---------------------------------------------------------------------------
// Intercom: PUT /contacts/{contact_id}
// ---------------------------------------------------------------------------

const INTERCOM_CONTACT: &str = "650cbc286d0a728750658b15";

/// A client for `prism`, as a user would build it (default retry policy).
fn intercom_client(prism: &Prism) -> intercom::Client {
    common::intercom_client(prism.base_url(), INTERCOM_TOKEN, RetryPolicy::default())
}

#[tokio::test]
async fn intercom_update_contact_conforms() {
    let spec = load_spec("intercom.yaml");
    let prism = start("intercom.yaml");
    let client = intercom_client(&prism);
    let expected = format!("put /contacts/{INTERCOM_CONTACT}");
    let contact_example = component_example(&spec, "Contact");

    // The spec's request example, as typed values.
    let body = intercom::types::UpdateContactRequest {
        email: Some("joebloggs@intercom.io".into()),
        name: Maybe::Value("joe bloggs".into()),
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&body).unwrap(),
        component_example(&spec, "UpdateContactRequest")
    );
    let ex = exchange(
        &prism,
        client
            .update_contact(INTERCOM_CONTACT, &body)
            .intercom_version(intercom::types::IntercomVersion::V211)
            .send(),
    )
    .await;
    assert_conforms(&prism, "intercom example request", &expected, &ex);
    // The declared responses are JSON, so the client asks for JSON.
    assert_eq!(ex.requests[0].accept.as_deref(), Some("application/json"));
    let response = ex.result.expect("intercom example request: client error");
    assert_eq!(response.status().as_u16(), 200);
    let contact = response.into_body();
    assert_eq!(contact.id, INTERCOM_CONTACT);
    assert_eq!(contact.email.as_deref(), Some("joebloggs@intercom.io"));
    assert_eq!(contact.name.as_deref(), Some("joe bloggs"));
    assert_eq!(contact.role, intercom::types::ContactRole::User);
    assert_eq!(contact.external_id.as_deref(), Some("70"));
    assert_eq!(contact.phone, None);
    assert_eq!(
        contact.tags.as_ref().map(|t| t.url.as_str()),
        Some("/contacts/650cbc286d0a728750658b15/tags")
    );
    assert_round_trips("intercom contact", &contact, &contact_example);

    // Every field of the request schema, explicit nulls included, and the
    // client's default `Intercom-Version`.
    let mut custom = serde_json::Map::new();
    custom.insert("paid_subscriber".into(), json!(true));
    custom.insert("monthly_spend".into(), json!(155.5));
    let body = intercom::types::UpdateContactRequest {
        role: Some(intercom::types::ContactRole::Lead),
        external_id: Some("25".into()),
        email: Some("joebloggs@intercom.io".into()),
        phone: Maybe::Null,
        name: Maybe::Value("joe bloggs".into()),
        avatar: Maybe::Value("https://example.com/avatar.jpeg".into()),
        signed_up_at: Maybe::Value(1_695_333_416),
        last_seen_at: Maybe::Null,
        owner_id: Maybe::Value(991_267_542),
        unsubscribed_from_emails: Maybe::Value(false),
        custom_attributes: Maybe::Value(custom),
        extra: Default::default(),
    };
    let ex = exchange(
        &prism,
        client.update_contact(INTERCOM_CONTACT, &body).send(),
    )
    .await;
    assert_conforms(&prism, "intercom request with every field", &expected, &ex);
    let contact = ex.result.expect("intercom full request: client error");
    assert_round_trips("intercom contact", &*contact, &contact_example);

    // The example binary's code path.
    let changes = intercom::types::UpdateContactRequest {
        email: Some("joebloggs@intercom.io".into()),
        ..Default::default()
    };
    let ex = exchange(
        &prism,
        intercom_example::run(
            Some(prism.base_url()),
            INTERCOM_TOKEN,
            INTERCOM_CONTACT,
            &changes,
        ),
    )
    .await;
    assert_conforms(
        &prism,
        "examples/intercom_update_contact.rs",
        &expected,
        &ex,
    );
    let contact = ex.result.expect("intercom example binary: error");
    assert_eq!(contact.id, INTERCOM_CONTACT);
}

#[tokio::test]
async fn intercom_update_contact_detects_violations() {
    let spec = load_spec("intercom.yaml");
    let prism = start("intercom.yaml");
    let client = intercom_client(&prism);
    let expected = format!("put /contacts/{INTERCOM_CONTACT}");

    // `avatar` is `format: uri`; the type is a plain String. No 4xx body is
    // declared for this, so Prism answers with its own 422 problem.
    let body = intercom::types::UpdateContactRequest {
        avatar: Maybe::Value("not a uri".into()),
        ..Default::default()
    };
    let ex = exchange(
        &prism,
        client.update_contact(INTERCOM_CONTACT, &body).send(),
    )
    .await;
    assert_violation(
        &prism,
        "intercom avatar not a uri",
        &expected,
        "avatar",
        &ex,
    );
    let err = ex.result.expect_err("intercom avatar not a uri: Ok");
    let problem = unexpected_status("intercom avatar not a uri", 422, &err);
    assert!(problem.contains("UNPROCESSABLE_ENTITY"), "{problem}");

    // Basic instead of Bearer credentials: Prism answers with the spec's 401
    // example, which the client decodes into `Error::Api`.
    let body = intercom::types::UpdateContactRequest {
        email: Some("joebloggs@intercom.io".into()),
        ..Default::default()
    };
    let ex = exchange(
        &prism,
        client
            .update_contact(INTERCOM_CONTACT, &body)
            .options(wrong_auth_scheme())
            .send(),
    )
    .await;
    assert_violation(
        &prism,
        "intercom wrong auth scheme",
        &expected,
        "security",
        &ex,
    );
    match ex.result {
        Err(Error::Api {
            status,
            body: intercom::UpdateContactError::Unauthorized(e),
            ..
        }) => {
            assert_eq!(status.as_u16(), 401);
            assert_eq!(e.errors[0].code, "unauthorized");
            assert_round_trips(
                "intercom 401 body",
                &e,
                &component_example(&spec, "Unauthorized"),
            );
        }
        other => panic!("intercom wrong auth scheme: expected Error::Api 401, got {other:?}"),
    }

    // No credentials at all: the client refuses to send.
    let anonymous = intercom::Client::builder()
        .base_url(prism.base_url())
        .build()
        .unwrap();
    let ex = exchange(
        &prism,
        anonymous.update_contact(INTERCOM_CONTACT, &body).send(),
    )
    .await;
    assert_refused("intercom without credentials", "missing credentials", &ex);
}

// ---------------------------------------------------------------------------
// Intercom legacy: POST /contacts
// ---------------------------------------------------------------------------

fn intercom_legacy_client(prism: &Prism) -> intercom_legacy::Client {
    common::intercom_legacy_client(prism.base_url(), INTERCOM_TOKEN, RetryPolicy::default())
}

#[tokio::test]
async fn intercom_legacy_update_lead_conforms() {
    let spec = load_spec("intercom-legacy.yaml");
    let prism = start("intercom-legacy.yaml");
    let client = intercom_legacy_client(&prism);
    let expected = "post /contacts";
    let lead_example = component_example(&spec, "Lead");

    // The spec's request example (every field), as typed values.
    let mut custom = serde_json::Map::new();
    custom.insert("paid_subscriber".into(), json!(true));
    custom.insert("monthly_spend".into(), json!(155.5));
    custom.insert("team_mates".into(), json!(9));
    let body = intercom_legacy::types::UpdateLeadRequest {
        id: Some("5811f6bbe6b4704ddfa84ac0".into()),
        user_id: Some("77177570-cf5d-4f1a-bc75-75202af47d4f".into()),
        phone: Some("123987456".into()),
        email: Some("obrien@truth.org".into()),
        name: Some("OBrien".into()),
        last_seen_user_agent: Some("Mozilla/5.0 (Macintosh; Intel Mac OS X 10.9".into()),
        custom_attributes: Some(custom),
        extra: Default::default(),
    };
    assert_eq!(
        serde_json::to_value(&body).unwrap(),
        component_example(&spec, "UpdateLeadRequest")
    );
    let ex = exchange(&prism, client.update_lead(&body).send()).await;
    assert_conforms(&prism, "intercom-legacy example request", expected, &ex);
    let lead = ex
        .result
        .expect("intercom-legacy example request: client error")
        .into_body();
    assert_eq!(lead.id.as_deref(), Some("5811f6bbe6b4704ddfa84ac0"));
    assert_eq!(
        lead.user_id.as_deref(),
        Some("77177570-cf5d-4f1a-bc75-75202af47d4f")
    );
    assert_eq!(lead.pseudonym.as_deref(), Some("Lime Camel from Dublin"));
    assert_eq!(
        lead.location_data.as_ref().map(|l| l.latitude.clone()),
        Some(Maybe::Value(47.913))
    );
    assert_eq!(
        lead.custom_attributes.as_ref().map(|c| &c["team_mates"]),
        Some(&json!(9))
    );
    assert_round_trips("intercom-legacy lead", &lead, &lead_example);

    // Identified by user_id only (the other branch of the anyOf).
    let body = intercom_legacy::types::UpdateLeadRequest {
        user_id: Some("77177570-cf5d-4f1a-bc75-75202af47d4f".into()),
        name: Some("OBrien".into()),
        ..Default::default()
    };
    let ex = exchange(&prism, client.update_lead(&body).send()).await;
    assert_conforms(&prism, "intercom-legacy by user_id", expected, &ex);
    ex.result.expect("intercom-legacy by user_id: client error");

    // The example binary's code path (which, like the generated client, must
    // send the `Accept: application/json` the legacy API requires).
    let body = intercom_legacy::types::UpdateLeadRequest {
        id: Some("5811f6bbe6b4704ddfa84ac0".into()),
        email: Some("obrien@truth.org".into()),
        ..Default::default()
    };
    let ex = exchange(
        &prism,
        intercom_legacy_example::run(Some(prism.base_url()), INTERCOM_TOKEN, &body),
    )
    .await;
    assert_conforms(
        &prism,
        "examples/intercom_legacy_update_lead.rs",
        expected,
        &ex,
    );
    assert_eq!(ex.requests[0].accept.as_deref(), Some("application/json"));
    let lead = ex.result.expect("intercom-legacy example binary: error");
    assert_eq!(lead.id.as_deref(), Some("5811f6bbe6b4704ddfa84ac0"));
}

/// The legacy API only answers in JSON when the request sends
/// `Accept: application/json`; the spec conveys this through its
/// `application/json`-only responses (see its `info.description`). Prism
/// accepts any `Accept`, so only this test notices. (Was a generator bug,
/// filed from here and fixed in b6b916a.)
#[tokio::test]
async fn intercom_legacy_client_sends_accept_json() {
    let prism = start("intercom-legacy.yaml");
    let client = intercom_legacy_client(&prism);
    let body = intercom_legacy::types::UpdateLeadRequest {
        id: Some("5811f6bbe6b4704ddfa84ac0".into()),
        ..Default::default()
    };
    let ex = exchange(&prism, client.update_lead(&body).send()).await;
    assert_conforms(
        &prism,
        "intercom-legacy plain client",
        "post /contacts",
        &ex,
    );
    assert_eq!(
        ex.requests[0].accept.as_deref(),
        Some("application/json"),
        "the generated client must send `Accept: application/json`"
    );
}

#[tokio::test]
async fn intercom_legacy_update_lead_detects_violations() {
    let spec = load_spec("intercom-legacy.yaml");
    let prism = start("intercom-legacy.yaml");
    let client = intercom_legacy_client(&prism);
    let expected = "post /contacts";

    // A declared property with the wrong JSON type, smuggled in through the
    // `extra` map the types allow. No 4xx body is declared for this, so Prism
    // answers with its own 422 problem.
    let mut body = intercom_legacy::types::UpdateLeadRequest {
        id: Some("5811f6bbe6b4704ddfa84ac0".into()),
        ..Default::default()
    };
    body.extra.insert("phone".into(), json!(123_987_456));
    let ex = exchange(&prism, client.update_lead(&body).send()).await;
    assert_violation(
        &prism,
        "intercom-legacy numeric phone",
        expected,
        "phone",
        &ex,
    );
    let err = ex.result.expect_err("intercom-legacy numeric phone: Ok");
    unexpected_status("intercom-legacy numeric phone", 422, &err);

    // Basic instead of Bearer credentials: the spec's 401 example, decoded.
    let body = intercom_legacy::types::UpdateLeadRequest {
        id: Some("5811f6bbe6b4704ddfa84ac0".into()),
        ..Default::default()
    };
    let ex = exchange(
        &prism,
        client
            .update_lead(&body)
            .options(wrong_auth_scheme())
            .send(),
    )
    .await;
    assert_violation(
        &prism,
        "intercom-legacy wrong auth scheme",
        expected,
        "security",
        &ex,
    );
    match ex.result {
        Err(Error::Api {
            status,
            body: intercom_legacy::UpdateLeadError::Unauthorized(e),
            ..
        }) => {
            assert_eq!(status.as_u16(), 401);
            assert_eq!(
                e.errors.as_ref().and_then(|e| e[0].code.as_deref()),
                Some("unauthorized")
            );
            assert_round_trips(
                "intercom-legacy 401 body",
                &e,
                &component_example(&spec, "Unauthorized"),
            );
        }
        other => {
            panic!("intercom-legacy wrong auth scheme: expected Error::Api 401, got {other:?}")
        }
    }

    // Neither `id` nor `user_id`: the client enforces the anyOf itself.
    let body = intercom_legacy::types::UpdateLeadRequest {
        email: Some("obrien@truth.org".into()),
        ..Default::default()
    };
    let ex = exchange(&prism, client.update_lead(&body).send()).await;
    assert_refused("intercom-legacy without identifier", "user_id", &ex);

    // No credentials at all: the client refuses to send.
    let anonymous = intercom_legacy::Client::builder()
        .base_url(prism.base_url())
        .build()
        .unwrap();
    let body = intercom_legacy::types::UpdateLeadRequest {
        id: Some("5811f6bbe6b4704ddfa84ac0".into()),
        ..Default::default()
    };
    let ex = exchange(&prism, anonymous.update_lead(&body).send()).await;
    assert_refused(
        "intercom-legacy without credentials",
        "missing credentials",
        &ex,
    );
}

// ---------------------------------------------------------------------------
// Insighto: PUT /api/v1/contact/{contact_id}
// ---------------------------------------------------------------------------

const INSIGHTO_CONTACT: &str = "3c90c3cc-0d44-4b50-8888-8dd25736052a";

fn insighto_client(prism: &Prism) -> insighto::Client {
    common::insighto_client(prism.base_url(), INSIGHTO_KEY, RetryPolicy::default())
}

fn uuid(s: &str) -> uuid::Uuid {
    s.parse().expect("valid uuid")
}

#[tokio::test]
async fn insighto_update_contact_conforms() {
    let spec = load_spec("insighto.yaml");
    let prism = start("insighto.yaml");
    let client = insighto_client(&prism);
    let contact_id = uuid(INSIGHTO_CONTACT);
    let expected = format!("put /api/v1/contact/{INSIGHTO_CONTACT}");
    let response_example = component_example(&spec, "ContactUpdateResponse");

    // The spec's request example (every field, with its `<string>`
    // placeholders), as typed values.
    let when: contact_clients::runtime::DateTime = "2023-11-07T05:31:56Z".parse().unwrap();
    let id = Maybe::Value(uuid("3c90c3cc-0d44-4b50-8888-8dd25736052a"));
    let body = insighto::types::ContactUpdate {
        first_name: Maybe::Value("<string>".into()),
        last_name: Maybe::Value("<string>".into()),
        email: Maybe::Value("<string>".into()),
        channels: Some(Default::default()),
        user_attributes: Some(Default::default()),
        last_seen: Maybe::Value(when),
        last_sent: Maybe::Value(when),
        org_id: id.clone(),
        first_assistant_id: id.clone(),
        last_assistant_id: id.clone(),
        first_widget_id: id.clone(),
        last_widget_id: id,
        custom_fields: Some(Default::default()),
        extra: Default::default(),
    };
    assert_eq!(
        serde_json::to_value(&body).unwrap(),
        component_example(&spec, "ContactUpdate")
    );
    let ex = exchange(
        &prism,
        client.update_contact_by_id(contact_id, &body).send(),
    )
    .await;
    assert_conforms(&prism, "insighto example request", &expected, &ex);
    assert_eq!(ex.requests[0].accept.as_deref(), Some("application/json"));
    let response = ex
        .result
        .expect("insighto example request: client error")
        .into_body();
    assert_eq!(
        response.message.value().map(String::as_str),
        Some("Data updated successfully")
    );
    let data = response.data.as_ref().expect("data");
    assert_eq!(data.org_id.value(), Some(&contact_id));
    assert_eq!(
        data.last_seen.value().map(ToString::to_string).as_deref(),
        Some("2023-11-07T05:31:56Z")
    );
    assert_round_trips("insighto response", &response, &response_example);

    // Every nullable field explicitly null (the free-form objects are not
    // nullable: absent).
    let body = insighto::types::ContactUpdate {
        first_name: Maybe::Null,
        last_name: Maybe::Null,
        email: Maybe::Null,
        channels: None,
        user_attributes: None,
        last_seen: Maybe::Null,
        last_sent: Maybe::Null,
        org_id: Maybe::Null,
        first_assistant_id: Maybe::Null,
        last_assistant_id: Maybe::Null,
        first_widget_id: Maybe::Null,
        last_widget_id: Maybe::Null,
        custom_fields: None,
        extra: Default::default(),
    };
    let ex = exchange(
        &prism,
        client.update_contact_by_id(contact_id, &body).send(),
    )
    .await;
    assert_conforms(&prism, "insighto all-null request", &expected, &ex);
    ex.result.expect("insighto all-null request: client error");

    // The example binary's code path.
    let changes = insighto::types::ContactUpdate {
        first_name: Maybe::Value("Ada".into()),
        last_name: Maybe::Null,
        ..Default::default()
    };
    let ex = exchange(
        &prism,
        insighto_example::run(Some(prism.base_url()), INSIGHTO_KEY, contact_id, &changes),
    )
    .await;
    assert_conforms(
        &prism,
        "examples/insighto_update_contact.rs",
        &expected,
        &ex,
    );
    let response = ex.result.expect("insighto example binary: error");
    assert!(response.data.is_some());
}

#[tokio::test]
async fn insighto_update_contact_detects_violations() {
    let spec = load_spec("insighto.yaml");
    let prism = start("insighto.yaml");
    let client = insighto_client(&prism);
    let contact_id = uuid(INSIGHTO_CONTACT);
    let expected = format!("put /api/v1/contact/{INSIGHTO_CONTACT}");

    // `last_seen` is a date-time; a non-date string smuggled in through the
    // `extra` map. The spec declares a 422 with an example: Prism serves it and
    // the client decodes it into `Error::Api`.
    let mut body = insighto::types::ContactUpdate::default();
    body.extra.insert("last_seen".into(), json!("yesterday"));
    let ex = exchange(
        &prism,
        client.update_contact_by_id(contact_id, &body).send(),
    )
    .await;
    assert_violation(
        &prism,
        "insighto bad last_seen",
        &expected,
        "last_seen",
        &ex,
    );
    match ex.result {
        Err(Error::Api {
            status,
            body: insighto::UpdateContactByIdError::UnprocessableEntity(details),
            ..
        }) => {
            assert_eq!(status.as_u16(), 422);
            assert_round_trips(
                "insighto 422 body",
                &details,
                &component_example(&spec, "InvalidContactId"),
            );
        }
        other => panic!("insighto bad last_seen: expected Error::Api 422, got {other:?}"),
    }

    // No API key: the client refuses to send.
    let anonymous = insighto::Client::builder()
        .base_url(prism.base_url())
        .build()
        .unwrap();
    let body = insighto::types::ContactUpdate::default();
    let ex = exchange(
        &prism,
        anonymous.update_contact_by_id(contact_id, &body).send(),
    )
    .await;
    assert_refused("insighto without api key", "missing credentials", &ex);
}

// ---------------------------------------------------------------------------
// Paragon ActionKit: POST /projects/{project_id}/tools/#INTERCOM_UPDATE_CONTACT
// ---------------------------------------------------------------------------

const PARAGON_PROJECT: &str = "9e4b6b1f-5a1c-4e43-9f0e-2b8f3d2c7a11";

fn paragon_client(prism: &Prism) -> paragon::Client {
    common::paragon_client(prism.base_url(), PARAGON_JWT, RetryPolicy::default())
}

#[tokio::test]
async fn paragon_intercom_update_contact_conforms() {
    let prism = start("paragon-actionkit.yaml");
    let client = paragon_client(&prism);
    // The `#INTERCOM_UPDATE_CONTACT` fragment of the path key is not sent.
    let expected = format!("post /projects/{PARAGON_PROJECT}/tools/");

    // Every parameter, with the values the spec's descriptions give as
    // examples.
    let mut custom = serde_json::Map::new();
    custom.insert("paid_subscriber".into(), json!(true));
    custom.insert("monthly_spend".into(), json!(155.5));
    custom.insert("team_mates".into(), json!(1));
    let parameters = paragon::types::IntercomUpdateContactRequestParameters {
        contact_id: "650cbc286d0a728750658b15".into(),
        role: Some(paragon::types::IntercomUpdateContactRequestParametersRole::User),
        email: Some("name@example.com".into()),
        name: Some("Joe Bloggs".into()),
        external_id: Some("25".into()),
        phone: Some("+1123456789".into()),
        avatar: Some("https://example.com/avatar.jpeg".into()),
        signed_up_date: Some("2014-04-25T16:15:47-04:00".into()),
        last_seen_date: Some("2014-04-25T16:15:47-04:00".into()),
        owner_id: Some("5017691".into()),
        unsubscribe_from_email: Some(false),
        custom_attribute: Some(custom),
        extra: Default::default(),
    };
    let body = paragon::types::IntercomUpdateContactRequest::new(parameters);
    assert_eq!(
        serde_json::to_value(&body).unwrap()["tool"],
        "INTERCOM_UPDATE_CONTACT"
    );
    let ex = exchange(
        &prism,
        client
            .intercom_update_contact(PARAGON_PROJECT, &body)
            .send(),
    )
    .await;
    assert_conforms(&prism, "paragon request with every field", &expected, &ex);
    let response = ex.result.expect("paragon request: client error");
    // The spec declares `200: Success` without content: nothing to decode.
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.body().bytes().is_empty(), "{:?}", response.body());

    // Only the required `contactId`.
    let body = paragon::types::IntercomUpdateContactRequest::new(
        paragon::types::IntercomUpdateContactRequestParameters::new(
            "650cbc286d0a728750658b15".into(),
        ),
    );
    let ex = exchange(
        &prism,
        client
            .intercom_update_contact(PARAGON_PROJECT, &body)
            .send(),
    )
    .await;
    assert_conforms(&prism, "paragon minimal request", &expected, &ex);
    ex.result.expect("paragon minimal request: client error");

    // The example binary's code path.
    let mut parameters = paragon::types::IntercomUpdateContactRequestParameters::new(
        "650cbc286d0a728750658b15".into(),
    );
    parameters.email = Some("joebloggs@intercom.io".into());
    parameters.role = Some("lead".to_string().into());
    let ex = exchange(
        &prism,
        paragon_example::run(
            Some(prism.base_url()),
            PARAGON_JWT,
            PARAGON_PROJECT,
            parameters,
        ),
    )
    .await;
    assert_conforms(&prism, "examples/paragon_update_contact.rs", &expected, &ex);
    ex.result.expect("paragon example binary: error");
}

#[tokio::test]
async fn paragon_intercom_update_contact_detects_violations() {
    let prism = start("paragon-actionkit.yaml");
    let client = paragon_client(&prism);
    let expected = format!("post /projects/{PARAGON_PROJECT}/tools/");

    // `role` is an enum (user, lead); the type's `Unknown` variant lets any
    // string through. Prism answers with its own 422 problem.
    let mut parameters = paragon::types::IntercomUpdateContactRequestParameters::new(
        "650cbc286d0a728750658b15".into(),
    );
    parameters.role =
        Some(paragon::types::IntercomUpdateContactRequestParametersRole::Unknown("admin".into()));
    let body = paragon::types::IntercomUpdateContactRequest::new(parameters);
    let ex = exchange(
        &prism,
        client
            .intercom_update_contact(PARAGON_PROJECT, &body)
            .send(),
    )
    .await;
    assert_violation(&prism, "paragon unknown role", &expected, "role", &ex);
    let err = ex.result.expect_err("paragon unknown role: Ok");
    let problem = unexpected_status("paragon unknown role", 422, &err);
    assert!(problem.contains("UNPROCESSABLE_ENTITY"), "{problem}");

    // Basic instead of Bearer credentials: Prism's own 401 problem.
    let body = paragon::types::IntercomUpdateContactRequest::new(
        paragon::types::IntercomUpdateContactRequestParameters::new(
            "650cbc286d0a728750658b15".into(),
        ),
    );
    let ex = exchange(
        &prism,
        client
            .intercom_update_contact(PARAGON_PROJECT, &body)
            .options(wrong_auth_scheme())
            .send(),
    )
    .await;
    assert_violation(
        &prism,
        "paragon wrong auth scheme",
        &expected,
        "security",
        &ex,
    );
    let err = ex.result.expect_err("paragon wrong auth scheme: Ok");
    unexpected_status("paragon wrong auth scheme", 401, &err);

    // No credentials at all: the client refuses to send.
    let anonymous = paragon::Client::builder()
        .base_url(prism.base_url())
        .build()
        .unwrap();
    let ex = exchange(
        &prism,
        anonymous
            .intercom_update_contact(PARAGON_PROJECT, &body)
            .send(),
    )
    .await;
    assert_refused("paragon without credentials", "missing credentials", &ex);
}
