//! Dynamic-mode contract tests: Prism answers with random responses that
//! follow the response schema (json-schema-faker, with optional properties
//! omitted at random: see `contact_tests::prism::faker_options`), and the
//! generated clients must decode every one of them and have every request
//! they send accepted.
//!
//! * **Intercom, as Intercom publishes it**: the update-contact operation and
//!   the components it references, cut out of Intercom's own OpenAPI 2.11
//!   description (`tests/reference/`), served by Prism. Our
//!   `intercom::types::Contact` must decode every random contact the
//!   published schema allows.
//! * **Each of our four specs**, served the same way.
//!
//! For each: [`RESPONSES`] responses fetched directly (with the body the
//! client would send) and decoded with the generated client's decoding
//! (`RawResponse::decode`), each re-encoding to the JSON received; and
//! [`CLIENT_CALLS`] calls through the generated client with several request
//! variants (every field set, minimal, `null`s), which must all reach Prism,
//! draw no violation and decode. The figures (responses decoded, optional
//! properties omitted, nulls) are printed; every optional property must have
//! been both present and absent.
//!
//! Needs Prism: `npm ci --prefix tests/prism`.

mod common;

use std::fmt::Debug;
use std::future::Future;

use contact_clients::runtime::{Error, Maybe, RawResponse, Response, RetryPolicy};
use contact_clients::{insighto, intercom, intercom_legacy, paragon};
use contact_tests::prism::{cut_operation, repo_root, Presence, Prism, FAKER_OPTIONS};
use contact_tests::support::{load_spec, spec_path};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

/// Random responses decoded per document.
const RESPONSES: usize = 200;
/// Calls through the generated client per document (request variants in
/// turn).
const CLIENT_CALLS: usize = 40;

const TOKEN: &str = "dG9rOjEyMzQ1Njc4OTA6YWJjZGVm";
const INSIGHTO_KEY: &str = "in-dynamic-test-0123456789abcdef";
const CONTACT_ID: &str = "650cbc286d0a728750658b15";
const INSIGHTO_CONTACT: &str = "3c90c3cc-0d44-4b50-8888-8dd25736052a";
const PARAGON_PROJECT: &str = "9e4b6b1f-5a1c-4e43-9f0e-2b8f3d2c7a11";

// ---------------------------------------------------------------- helpers

/// Intercom's published description, as vendored in `tests/reference/`.
fn published_intercom() -> Value {
    let path = repo_root().join("tests/reference/intercom-api-2.11.yaml");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The `application/json` schema of the `status` response of an operation.
fn response_schema(doc: &Value, path: &str, method: &str, status: &str) -> Value {
    doc["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"].clone()
}

/// What one document's run produced.
struct Figures {
    what: &'static str,
    decoded: usize,
    client_calls: usize,
    presence: Presence,
}

impl Figures {
    /// Prints the figures and checks that omission (and, where the schema
    /// allows it, `null`) really happened.
    fn check(&self, expect_nulls: bool) {
        eprintln!(
            "{}: {} random responses decoded, {} client calls accepted and decoded ({FAKER_OPTIONS})\n{}",
            self.what, self.decoded, self.client_calls, self.presence
        );
        assert!(
            self.decoded >= RESPONSES,
            "{}: too few responses",
            self.what
        );
        assert!(
            self.presence.omitted() > 0,
            "{}: no optional property was ever omitted",
            self.what
        );
        assert!(
            self.presence.one_sided().is_empty(),
            "{}: optional properties never omitted or never present: {:#?}",
            self.what,
            self.presence.one_sided()
        );
        if expect_nulls {
            assert!(
                self.presence.nulls > 0,
                "{}: no null was generated",
                self.what
            );
        }
    }
}

/// Fetches [`RESPONSES`] random responses with `request`, decodes each with
/// the generated client's decoding into `T`, checks that re-encoding gives
/// back the JSON received, and records which optional properties of `schema`
/// (within `doc`) each had. Prism must report no violation.
async fn random_responses<T: DeserializeOwned + Serialize>(
    prism: &Prism,
    doc: &Value,
    schema: &Value,
    request: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
) -> (usize, Presence) {
    let http = reqwest::Client::new();
    let mark = prism.mark();
    let mut presence = Presence::default();
    let mut decoded = 0;
    for i in 0..RESPONSES {
        let response = request(&http).send().await.expect("Prism answers");
        let raw = RawResponse {
            status: response.status(),
            headers: response.headers().clone(),
            body: response.bytes().await.expect("body"),
        };
        let text = String::from_utf8_lossy(&raw.body).into_owned();
        assert_eq!(raw.status_code(), 200, "response {i}: {text}");
        let value: T = raw
            .decode::<T, ()>()
            .unwrap_or_else(|e| panic!("response {i} does not decode: {e}\n{text}"));
        let received: Value = serde_json::from_slice(&raw.body).expect("JSON");
        let again = serde_json::to_value(&value).expect("re-encodes");
        assert!(
            same_value(&again, &received),
            "response {i}: decoding lost or changed something\n  received:   {received}\n  re-encoded: {again}"
        );
        presence.record(doc, schema, &received);
        decoded += 1;
    }
    let violations = prism.violations_since(mark);
    assert!(
        violations.is_empty(),
        "{}",
        prism.violation_report("random responses", &violations)
    );
    (decoded, presence)
}

/// JSON equality by value: numbers compare as numbers, and two date-time
/// strings are equal when they denote the same instant with the same offset
/// (`...:34.0Z` and `...:34Z`: the client re-encodes date-times in one form).
fn same_value(a: &Value, b: &Value) -> bool {
    use contact_clients::runtime::DateTime;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_value(v, w)))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same_value(v, w))
        }
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::String(x), Value::String(y)) if x != y => {
            matches!((x.parse::<DateTime>(), y.parse::<DateTime>()), (Ok(p), Ok(q)) if p == q && p.offset() == q.offset())
        }
        _ => a == b,
    }
}

/// Runs `calls` (each a call through the generated client) one after the
/// other: each must succeed, reach Prism and draw no violation.
async fn client_calls<T, E, F>(prism: &Prism, calls: Vec<(String, F)>) -> usize
where
    T: Debug,
    E: Debug,
    F: Future<Output = Result<Response<T>, Error<E>>>,
{
    let mark = prism.mark();
    let n = calls.len();
    for (what, call) in calls {
        if let Err(e) = call.await {
            panic!("{what}: {e:?}");
        }
    }
    let violations = prism.violations_since(mark);
    assert!(
        violations.is_empty(),
        "{}",
        prism.violation_report("client calls", &violations)
    );
    let requests = prism.requests_since(mark);
    assert_eq!(requests.len(), n, "every call reaches Prism: {requests:?}");
    n
}

fn start_dynamic(file: &str) -> Prism {
    Prism::start_dynamic(&spec_path(file))
        .unwrap_or_else(|e| panic!("the dynamic-mode tests need Prism: {e}"))
}

// ---------------------------------------------------------------- Intercom

/// The update requests the Intercom tests send: the documentation's
/// example, every field set, nothing set, and every nullable field `null`.
fn intercom_requests() -> Vec<(&'static str, intercom::types::UpdateContactRequest)> {
    use intercom::types::{ContactRole, UpdateContactRequest};
    let mut custom = serde_json::Map::new();
    custom.insert("paid_subscriber".into(), json!(true));
    custom.insert("monthly_spend".into(), json!(155.5));
    custom.insert("team_mates".into(), json!(9));
    vec![
        (
            "example",
            UpdateContactRequest {
                email: Some("joebloggs@intercom.io".into()),
                name: Maybe::Value("joe bloggs".into()),
                ..Default::default()
            },
        ),
        (
            "every field",
            UpdateContactRequest {
                role: Some(ContactRole::Lead),
                external_id: Some("25".into()),
                email: Some("joebloggs@intercom.io".into()),
                phone: Maybe::Value("+353871234567".into()),
                name: Maybe::Value("joe bloggs".into()),
                avatar: Maybe::Value("https://www.example.com/avatar_image.jpg".into()),
                signed_up_at: Maybe::Value(1_571_672_154),
                last_seen_at: Maybe::Value(1_571_672_154),
                owner_id: Maybe::Value(123),
                unsubscribed_from_emails: Maybe::Value(true),
                custom_attributes: Maybe::Value(custom),
                extra: Default::default(),
            },
        ),
        ("nothing", UpdateContactRequest::default()),
        (
            "nulls",
            UpdateContactRequest {
                phone: Maybe::Null,
                name: Maybe::Null,
                avatar: Maybe::Null,
                signed_up_at: Maybe::Null,
                last_seen_at: Maybe::Null,
                owner_id: Maybe::Null,
                unsubscribed_from_emails: Maybe::Null,
                custom_attributes: Maybe::Null,
                ..Default::default()
            },
        ),
    ]
}

/// The Intercom run, against `doc` served by `prism`.
async fn intercom_run(what: &'static str, prism: &Prism, doc: &Value) -> Figures {
    let schema = response_schema(doc, "/contacts/{contact_id}", "put", "200");
    let requests = intercom_requests();
    let url = format!("{}/contacts/{CONTACT_ID}", prism.base_url());
    let (decoded, presence) =
        random_responses::<intercom::types::Contact>(prism, doc, &schema, |http| {
            http.put(&url)
                .bearer_auth(TOKEN)
                .header("Intercom-Version", "2.11")
                .json(&requests[1].1)
        })
        .await;

    let client = common::intercom_client(prism.base_url(), TOKEN, RetryPolicy::none());
    let versions = [
        None,
        Some(intercom::types::IntercomVersion::V210),
        Some(intercom::types::IntercomVersion::V211),
    ];
    let calls = (0..CLIENT_CALLS)
        .map(|i| {
            let (name, body) = &requests[i % requests.len()];
            let version = versions[i % versions.len()].clone();
            let mut call = client.update_contact(CONTACT_ID, body);
            if let Some(v) = version.clone() {
                call = call.intercom_version(v);
            }
            (
                format!("{what}: call {i} ({name}, version {version:?})"),
                call.send(),
            )
        })
        .collect();
    let client_calls = client_calls(prism, calls).await;
    Figures {
        what,
        decoded: decoded + client_calls,
        client_calls,
        presence,
    }
}

/// Intercom's published 2.11 description of the update-contact operation:
/// every random contact it allows decodes into our `Contact`, and every
/// request our client sends is accepted.
#[tokio::test]
async fn intercom_published_description_in_dynamic_mode() {
    let published = published_intercom();
    let doc = cut_operation(&published, "/contacts/{contact_id}", "put")
        .unwrap_or_else(|e| panic!("cannot cut the contact operation: {e}"));
    // The cut is the published contact, not ours.
    assert_eq!(
        doc["components"]["schemas"]["contact"],
        published["components"]["schemas"]["contact"]
    );
    let origin = repo_root().join("tests/reference/intercom-api-2.11.yaml");
    let prism = Prism::start_dynamic_document(&origin, "intercom-contact-2.11", doc.clone())
        .unwrap_or_else(|e| panic!("the dynamic-mode tests need Prism: {e}"));
    let figures = intercom_run("Intercom 2.11 (published)", &prism, &doc).await;
    figures.check(true);
    // The properties the published schema leaves optional were omitted.
    for property in [
        "type",
        "email",
        "email_domain",
        "tags",
        "companies",
        "android_device",
        "ios_app_name",
    ] {
        let (present, absent) = figures.presence.optional[property];
        assert!(present > 0 && absent > 0, "{property}: {present}/{absent}");
    }
}

#[tokio::test]
async fn intercom_spec_in_dynamic_mode() {
    let doc = load_spec("intercom.yaml");
    let prism = start_dynamic("intercom.yaml");
    intercom_run("specs/intercom.yaml", &prism, &doc)
        .await
        .check(true);
}

// ---------------------------------------------------------------- Intercom legacy

#[tokio::test]
async fn intercom_legacy_spec_in_dynamic_mode() {
    use intercom_legacy::types::UpdateLeadRequest;
    let doc = load_spec("intercom-legacy.yaml");
    let prism = start_dynamic("intercom-legacy.yaml");
    let schema = response_schema(&doc, "/contacts", "post", "200");
    let mut custom = serde_json::Map::new();
    custom.insert("paid_subscriber".into(), json!(true));
    let requests = [
        (
            "every field",
            UpdateLeadRequest {
                id: Some("5811f6bbe6b4704ddfa84ac0".into()),
                user_id: Some("77177570-cf5d-4f1a-bc75-75202af47d4f".into()),
                phone: Some("123987456".into()),
                email: Some("obrien@truth.org".into()),
                name: Some("OBrien".into()),
                last_seen_user_agent: Some("Mozilla/5.0 (Macintosh; Intel Mac OS X 10.9".into()),
                custom_attributes: Some(custom),
                extra: Default::default(),
            },
        ),
        (
            "id only",
            UpdateLeadRequest {
                id: Some("5811f6bbe6b4704ddfa84ac0".into()),
                ..Default::default()
            },
        ),
        (
            "user_id only",
            UpdateLeadRequest {
                user_id: Some("77177570-cf5d-4f1a-bc75-75202af47d4f".into()),
                ..Default::default()
            },
        ),
    ];
    let url = format!("{}/contacts", prism.base_url());
    let (decoded, presence) =
        random_responses::<intercom_legacy::types::Lead>(&prism, &doc, &schema, |http| {
            http.post(&url)
                .bearer_auth(TOKEN)
                .header("Accept", "application/json")
                .json(&requests[0].1)
        })
        .await;
    let client = common::intercom_legacy_client(prism.base_url(), TOKEN, RetryPolicy::none());
    let calls = (0..CLIENT_CALLS)
        .map(|i| {
            let (name, body) = &requests[i % requests.len()];
            (
                format!("legacy call {i} ({name})"),
                client.update_lead(body).send(),
            )
        })
        .collect();
    let client_calls = client_calls(&prism, calls).await;
    Figures {
        what: "specs/intercom-legacy.yaml",
        decoded: decoded + client_calls,
        client_calls,
        presence,
    }
    .check(true);
}

// ---------------------------------------------------------------- Insighto

#[tokio::test]
async fn insighto_spec_in_dynamic_mode() {
    use insighto::types::ContactUpdate;
    let doc = load_spec("insighto.yaml");
    let prism = start_dynamic("insighto.yaml");
    let schema = response_schema(&doc, "/api/v1/contact/{contact_id}", "put", "200");
    let when: contact_clients::runtime::DateTime = "2023-11-07T05:31:56Z".parse().unwrap();
    let id = uuid::Uuid::parse_str(INSIGHTO_CONTACT).unwrap();
    let requests = [
        (
            "every field",
            ContactUpdate {
                first_name: Maybe::Value("Ada".into()),
                last_name: Maybe::Value("Lovelace".into()),
                email: Maybe::Value("ada@example.com".into()),
                channels: Some(Default::default()),
                user_attributes: Some(Default::default()),
                last_seen: Maybe::Value(when),
                last_sent: Maybe::Value(when),
                org_id: Maybe::Value(id),
                first_assistant_id: Maybe::Value(id),
                last_assistant_id: Maybe::Value(id),
                first_widget_id: Maybe::Value(id),
                last_widget_id: Maybe::Value(id),
                custom_fields: Some(Default::default()),
                extra: Default::default(),
            },
        ),
        ("nothing", ContactUpdate::default()),
        (
            "nulls",
            ContactUpdate {
                first_name: Maybe::Null,
                last_name: Maybe::Null,
                email: Maybe::Null,
                last_seen: Maybe::Null,
                last_sent: Maybe::Null,
                org_id: Maybe::Null,
                first_assistant_id: Maybe::Null,
                last_assistant_id: Maybe::Null,
                first_widget_id: Maybe::Null,
                last_widget_id: Maybe::Null,
                ..Default::default()
            },
        ),
    ];
    let url = format!(
        "{}/api/v1/contact/{INSIGHTO_CONTACT}?api_key={INSIGHTO_KEY}",
        prism.base_url()
    );
    let (decoded, presence) =
        random_responses::<insighto::types::ContactUpdateResponse>(&prism, &doc, &schema, |http| {
            http.put(&url).json(&requests[0].1)
        })
        .await;
    let client = common::insighto_client(prism.base_url(), INSIGHTO_KEY, RetryPolicy::none());
    let calls = (0..CLIENT_CALLS)
        .map(|i| {
            let (name, body) = &requests[i % requests.len()];
            (
                format!("insighto call {i} ({name})"),
                client.update_contact_by_id(id, body).send(),
            )
        })
        .collect();
    let client_calls = client_calls(&prism, calls).await;
    Figures {
        what: "specs/insighto.yaml",
        decoded: decoded + client_calls,
        client_calls,
        presence,
    }
    .check(true);
}

// ---------------------------------------------------------------- Paragon

/// Paragon's `200` declares no content: dynamic mode has nothing to
/// generate, so this checks the requests (every parameter, and the minimal
/// one) and that the client returns the empty body.
#[tokio::test]
async fn paragon_spec_in_dynamic_mode() {
    use paragon::types::{
        IntercomUpdateContactRequest as Request,
        IntercomUpdateContactRequestParameters as Parameters,
        IntercomUpdateContactRequestParametersRole as Role,
    };
    let prism = start_dynamic("paragon-actionkit.yaml");
    let mut custom = serde_json::Map::new();
    custom.insert("paid_subscriber".into(), json!(true));
    let every = Parameters {
        contact_id: CONTACT_ID.into(),
        role: Some(Role::Lead),
        email: Some("name@example.com".into()),
        name: Some("Joe Bloggs".into()),
        external_id: Some("25".into()),
        phone: Some("+1123456789".into()),
        avatar: Some("https://example.com/avatar.jpeg".into()),
        signed_up_date: Some("2014-04-25T16:15:47-04:00".into()),
        last_seen_date: Some("2014-04-25T16:15:47-04:00".into()),
        owner_id: Some("5017691".into()),
        unsubscribe_from_email: Some(true),
        custom_attribute: Some(custom),
        extra: Default::default(),
    };
    let requests = [
        ("every parameter", Request::new(every)),
        (
            "contactId only",
            Request::new(Parameters::new(CONTACT_ID.into())),
        ),
    ];
    let client = common::paragon_client(prism.base_url(), TOKEN, RetryPolicy::none());
    let mark = prism.mark();
    let mut calls = 0;
    for i in 0..CLIENT_CALLS {
        let (name, body) = &requests[i % requests.len()];
        let response = client
            .intercom_update_contact(PARAGON_PROJECT, body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("paragon call {i} ({name}): {e:?}"));
        assert_eq!(response.status().as_u16(), 200);
        assert!(response.body().bytes().is_empty(), "{:?}", response.body());
        calls += 1;
    }
    let violations = prism.violations_since(mark);
    assert!(
        violations.is_empty(),
        "{}",
        prism.violation_report("paragon calls", &violations)
    );
    assert_eq!(prism.requests_since(mark).len(), calls);
    eprintln!(
        "specs/paragon-actionkit.yaml: {calls} client calls accepted (no response body declared)"
    );
}

/// The equality the round-trip check uses tells apart what it must.
#[test]
fn same_value_compares_by_value() {
    let yes = [
        (json!({"a": 1, "b": [1.5]}), json!({"b": [1.50], "a": 1.0})),
        (
            json!("1900-11-14T07:11:34.0Z"),
            json!("1900-11-14T07:11:34Z"),
        ),
        (json!(null), json!(null)),
    ];
    for (a, b) in yes {
        assert!(same_value(&a, &b), "{a} vs {b}");
    }
    let no = [
        (json!({"a": 1}), json!({"a": 2})),
        (json!({"a": 1}), json!({"a": 1, "b": null})),
        (json!([1, 2]), json!([2, 1])),
        (
            json!("2024-01-01T00:00:00Z"),
            json!("2024-01-01T01:00:00+01:00"),
        ),
        (json!("2024-01-01T00:00:00Z"), json!("2024-01-01T00:00:01Z")),
        (json!("x"), json!("y")),
        (json!(null), json!({})),
    ];
    for (a, b) in no {
        assert!(!same_value(&a, &b), "{a} vs {b}");
    }
}
