//! Wire tests of the generated Intercom legacy client
//! (`contact_clients::intercom_legacy`, from `specs/intercom-legacy.yaml`,
//! operation `UpdateLead`, `POST /contacts`) against a wiremock server on
//! loopback.

mod common;

use common::{body_json, header, received};
use contact_clients::intercom_legacy::{types, Client, UpdateLeadError};
use contact_clients::runtime::{Error, Maybe, RetryPolicy};
use contact_tests::support::{json_request_example, json_response_example, load_spec};
use serde_json::{json, Value};
use wiremock::MockServer;

const TOKEN: &str = "tok-legacy-SECRET-9876543210";

// ---------------------------------------------------------------- helpers

fn spec() -> Value {
    load_spec("intercom-legacy.yaml")
}

const OP: &str = "/paths/~1contacts/post";

fn request_example(spec: &Value) -> Value {
    json_request_example(spec, OP, "UpdateLeadRequest")
}

fn lead_example(spec: &Value) -> Value {
    json_response_example(spec, OP, 200, "Lead")
}

fn client(server: &MockServer) -> Client {
    common::intercom_legacy_client(&server.uri(), TOKEN, RetryPolicy::none())
}

/// Answers every request with `status` and the JSON `body`, tagged
/// `x-request-id: legacy-req-1`.
async fn mount_json(server: &MockServer, status: u16, body: Value) {
    common::respond_json(server, status, body, "legacy-req-1").await;
}

/// The spec's request example, built from typed fields.
fn example_request() -> types::UpdateLeadRequest {
    let mut custom = serde_json::Map::new();
    custom.insert("paid_subscriber".to_owned(), json!(true));
    custom.insert("monthly_spend".to_owned(), json!(155.5));
    custom.insert("team_mates".to_owned(), json!(9));
    types::UpdateLeadRequest {
        id: Some("5811f6bbe6b4704ddfa84ac0".to_owned()),
        user_id: Some("77177570-cf5d-4f1a-bc75-75202af47d4f".to_owned()),
        phone: Some("123987456".to_owned()),
        email: Some("obrien@truth.org".to_owned()),
        name: Some("OBrien".to_owned()),
        last_seen_user_agent: Some("Mozilla/5.0 (Macintosh; Intel Mac OS X 10.9".to_owned()),
        custom_attributes: Some(custom),
        ..Default::default()
    }
}

// ------------------------------------------------------------------ tests

/// Method, exact path, no query, headers, body equal to the spec's request
/// example; the spec's 200 example decodes field by field and re-serializes
/// to the same JSON.
#[tokio::test]
async fn update_lead_wire_format_and_spec_example_response() {
    let spec = spec();
    let server = MockServer::start().await;
    mount_json(&server, 200, lead_example(&spec)).await;

    let response = client(&server)
        .update_lead(&example_request())
        .await
        .expect("200 decodes");

    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 1);
    let req = &reqs[0];
    assert_eq!(req.method.as_str(), "POST");
    assert_eq!(req.url.path(), "/contacts");
    assert_eq!(req.url.query(), None);
    assert_eq!(
        header(req, "authorization"),
        Some(&*format!("Bearer {TOKEN}"))
    );
    assert_eq!(header(req, "content-type"), Some("application/json"));
    assert_eq!(header(req, "user-agent"), Some("contact-clients/0.1.0"));
    assert_eq!(header(req, "idempotency-key"), None);
    assert_eq!(body_json(req), request_example(&spec));

    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.header("x-request-id"), Some("legacy-req-1"));

    // Every property is optional (the source promises none); the example
    // has them all.
    assert_eq!(response.r#type.as_deref(), Some("contact"));
    assert_eq!(response.id.as_deref(), Some("5811f6bbe6b4704ddfa84ac0"));
    assert_eq!(
        response.user_id.as_deref(),
        Some("77177570-cf5d-4f1a-bc75-75202af47d4f")
    );
    assert_eq!(response.anonymous, Some(true));
    assert_eq!(text(&response.email), Some("obrien@truth.org"));
    assert_eq!(text(&response.phone), Some("00353875551234"));
    assert_eq!(text(&response.name), Some("OBrien"));
    assert_eq!(
        response.pseudonym.as_deref(),
        Some("Lime Camel from Dublin")
    );
    let avatar = response.avatar.as_ref().expect("avatar");
    assert_eq!(avatar.r#type.as_deref(), Some("avatar"));
    assert_eq!(avatar.image_url, Maybe::Null);
    assert_eq!(response.app_id.as_deref(), Some("ja43hiec"));
    let companies = response.companies.as_ref().expect("companies");
    assert_eq!(companies.r#type.as_deref(), Some("company.list"));
    assert_eq!(companies.companies.as_ref().map(Vec::len), Some(0));
    let loc = response.location_data.as_ref().expect("location_data");
    assert_eq!(loc.r#type.as_deref(), Some("location_data"));
    assert_eq!(text(&loc.city_name), Some("Mukilteo"));
    assert_eq!(text(&loc.continent_code), Some("NA"));
    assert_eq!(loc.latitude, Maybe::Value(47.913));
    assert_eq!(loc.longitude, Maybe::Value(-122.3042));
    assert_eq!(text(&loc.postal_code), Some("98275"));
    assert_eq!(text(&loc.timezone), Some("America/Los_Angeles"));
    assert_eq!(text(&loc.country_code), Some("USA"));
    assert_eq!(response.last_request_at, Maybe::Value(1_477_660_267));
    assert_eq!(response.last_seen_ip, Maybe::Null);
    assert_eq!(response.created_at, Some(1_477_572_283));
    assert_eq!(response.remote_created_at, Maybe::Null);
    assert_eq!(response.signed_up_at, Maybe::Null);
    assert_eq!(response.updated_at, Some(1_480_068_674));
    assert_eq!(response.session_count, Some(0));
    assert_eq!(
        response
            .social_profiles
            .as_ref()
            .and_then(|p| p.r#type.as_deref()),
        Some("social_profile.list")
    );
    assert_eq!(response.unsubscribed_from_emails, Some(false));
    assert_eq!(
        text(&response.user_agent_data),
        Some("Mozilla/5.0 (Macintosh; Intel Mac OS X 10.9")
    );
    assert_eq!(
        response.tags.as_ref().and_then(|t| t.r#type.as_deref()),
        Some("tag.list")
    );
    assert_eq!(
        response.segments.as_ref().and_then(|t| t.r#type.as_deref()),
        Some("segment.list")
    );
    let custom = response
        .custom_attributes
        .as_ref()
        .expect("custom_attributes");
    assert_eq!(custom.get("paid_subscriber"), Some(&json!(true)));
    assert_eq!(custom.get("monthly_spend"), Some(&json!(155.5)));
    assert_eq!(custom.get("team_mates"), Some(&json!(9)));
    assert!(response.extra.is_empty());

    let lead = response.into_body();
    assert_eq!(serde_json::to_value(&lead).unwrap(), lead_example(&spec));
}

/// The legacy API answers in JSON only when asked (`Accept:
/// application/json`, see the spec's description); the client must ask.
#[tokio::test]
async fn update_lead_sends_accept_application_json() {
    let spec = spec();
    let server = MockServer::start().await;
    mount_json(&server, 200, lead_example(&spec)).await;
    client(&server)
        .update_lead(&example_request())
        .await
        .expect("200");
    let reqs = received(&server).await;
    let accept = header(&reqs[0], "accept");
    assert!(
        accept.is_some_and(|a| a
            .split(',')
            .any(|p| p.trim().starts_with("application/json"))),
        "Accept header must ask for application/json, got {accept:?}"
    );
}

/// The anyOf(required id | required user_id) constraint is checked before
/// sending: nothing reaches the server.
#[tokio::test]
async fn lead_without_id_or_user_id_is_rejected_before_sending() {
    let spec = spec();
    let server = MockServer::start().await;
    mount_json(&server, 200, lead_example(&spec)).await;
    let c = client(&server);

    let email_only = types::UpdateLeadRequest {
        email: Some("obrien@truth.org".to_owned()),
        name: Some("OBrien".to_owned()),
        ..Default::default()
    };
    for body in [email_only, types::UpdateLeadRequest::default()] {
        let err = c.update_lead(&body).await.expect_err("must be rejected");
        match err {
            Error::InvalidRequest { message } => {
                assert!(
                    message.contains("id") && message.contains("user_id"),
                    "{message}"
                )
            }
            other => panic!("expected InvalidRequest, got {other:?}"),
        }
    }
    // Even a retrying, idempotency-keyed call sends nothing.
    let err = c
        .update_lead(&types::UpdateLeadRequest::default())
        .idempotency_key("k")
        .retry(RetryPolicy::default().max_attempts(3))
        .await
        .expect_err("must be rejected");
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
    assert_eq!(received(&server).await.len(), 0, "nothing may be sent");
}

/// Either identifier alone is enough; only the fields that are set are sent.
#[tokio::test]
async fn lead_with_only_id_or_only_user_id_is_sent() {
    let spec = spec();
    let server = MockServer::start().await;
    mount_json(&server, 200, lead_example(&spec)).await;
    let c = client(&server);
    let by_id = types::UpdateLeadRequest {
        id: Some("5811f6bbe6b4704ddfa84ac0".to_owned()),
        ..Default::default()
    };
    let by_user_id = types::UpdateLeadRequest {
        user_id: Some("77177570-cf5d-4f1a-bc75-75202af47d4f".to_owned()),
        phone: Some("123".to_owned()),
        ..Default::default()
    };
    c.update_lead(&by_id).await.expect("200");
    c.update_lead(&by_user_id).await.expect("200");
    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 2);
    assert_eq!(
        body_json(&reqs[0]),
        json!({"id": "5811f6bbe6b4704ddfa84ac0"})
    );
    assert_eq!(
        body_json(&reqs[1]),
        json!({"user_id": "77177570-cf5d-4f1a-bc75-75202af47d4f", "phone": "123"})
    );
}

/// 401 → `Error::Api` with the decoded `UpdateLeadError::Unauthorized`.
#[tokio::test]
async fn unauthorized_401_is_api_error() {
    let spec = spec();
    let example = json_response_example(&spec, OP, 401, "Unauthorized");
    let server = MockServer::start().await;
    mount_json(&server, 401, example).await;
    let err = client(&server)
        .update_lead(&example_request())
        .await
        .expect_err("401 is an error");
    assert_eq!(
        err.headers()
            .and_then(|h| h.get("x-request-id"))
            .map(|v| v.to_str().unwrap()),
        Some("legacy-req-1")
    );
    match err {
        Error::Api {
            status,
            body: UpdateLeadError::Unauthorized(list),
            ..
        } => {
            assert_eq!(status.as_u16(), 401);
            assert_eq!(list.r#type.as_deref(), Some("error.list"));
            let errors = list.errors.as_deref().expect("errors");
            assert_eq!(errors.len(), 1);
            assert_eq!(errors[0].code.as_deref(), Some("unauthorized"));
            assert_eq!(errors[0].message.as_deref(), Some("Access Token Invalid"));
        }
        other => panic!("expected Api/Unauthorized, got {other:?}"),
    }
}

/// Nullable optional fields of nested objects keep null vs absent
/// (`SocialProfile.id/username/url` are `Maybe`).
#[tokio::test]
async fn nested_social_profile_keeps_null_and_absent() {
    let spec = spec();
    let mut body = lead_example(&spec);
    body["social_profiles"]["social_profiles"] = json!([
        {"type": "social_profile", "name": "twitter", "id": null, "url": "https://twitter.com/x"}
    ]);
    let server = MockServer::start().await;
    mount_json(&server, 200, body.clone()).await;
    let lead = client(&server)
        .update_lead(&example_request())
        .await
        .expect("200")
        .into_body();
    let p = &lead
        .social_profiles
        .as_ref()
        .and_then(|l| l.social_profiles.as_ref())
        .expect("social profiles")[0];
    assert_eq!(p.name.as_deref(), Some("twitter"));
    assert_eq!(p.id, Maybe::Null);
    assert_eq!(p.username, Maybe::Absent);
    assert_eq!(p.url, Maybe::Value("https://twitter.com/x".to_owned()));
    assert_eq!(serde_json::to_value(&lead).unwrap(), body);
}

/// Wrong type for a nested field → `Decode` naming it.
#[tokio::test]
async fn wrong_nested_type_is_decode_error_naming_the_field() {
    let spec = spec();
    let mut body = lead_example(&spec);
    body["location_data"]["latitude"] = json!("north");
    let server = MockServer::start().await;
    mount_json(&server, 200, body).await;
    let err = client(&server)
        .update_lead(&example_request())
        .await
        .expect_err("wrong type");
    match err {
        Error::Decode { status, path, .. } => {
            assert_eq!(status.as_u16(), 200);
            assert_eq!(path, "location_data.latitude");
        }
        other => panic!("expected Decode, got {other:?}"),
    }
}

/// The source document promises no response property: any subset decodes,
/// the empty object included, and nothing is invented on the way back.
#[tokio::test]
async fn any_subset_of_the_lead_decodes() {
    let spec = spec();
    let full = lead_example(&spec);
    let keys: Vec<String> = full.as_object().unwrap().keys().cloned().collect();
    let server = MockServer::start().await;
    let c = client(&server);
    // The empty lead, each property alone, and the example without each one.
    let mut bodies = vec![json!({})];
    for key in &keys {
        bodies.push(json!({ key.as_str(): full[key.as_str()].clone() }));
        let mut without = full.clone();
        without.as_object_mut().unwrap().remove(key);
        bodies.push(without);
    }
    // Nested objects reduced to nothing.
    let mut hollow = full.clone();
    for key in [
        "avatar",
        "companies",
        "location_data",
        "social_profiles",
        "tags",
        "segments",
    ] {
        hollow[key] = json!({});
    }
    bodies.push(hollow);
    for body in bodies {
        server.reset().await;
        mount_json(&server, 200, body.clone()).await;
        let lead = c
            .update_lead(&example_request())
            .await
            .unwrap_or_else(|e| panic!("{body}: {e}"))
            .into_body();
        assert_eq!(serde_json::to_value(&lead).unwrap(), body);
    }
}

/// The text of a nullable string field, if it has one.
fn text(m: &Maybe<String>) -> Option<&str> {
    m.value().map(String::as_str)
}
