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

    assert_eq!(response.r#type, "contact");
    assert_eq!(response.id, "5811f6bbe6b4704ddfa84ac0");
    assert_eq!(response.user_id, "77177570-cf5d-4f1a-bc75-75202af47d4f");
    assert!(response.anonymous);
    assert_eq!(response.email.as_deref(), Some("obrien@truth.org"));
    assert_eq!(response.phone.as_deref(), Some("00353875551234"));
    assert_eq!(response.name.as_deref(), Some("OBrien"));
    assert_eq!(response.pseudonym, "Lime Camel from Dublin");
    assert_eq!(response.avatar.r#type, "avatar");
    assert_eq!(response.avatar.image_url, None);
    assert_eq!(response.app_id, "ja43hiec");
    assert_eq!(response.companies.r#type, "company.list");
    assert!(response.companies.companies.is_empty());
    let loc = &response.location_data;
    assert_eq!(loc.r#type, "location_data");
    assert_eq!(loc.city_name.as_deref(), Some("Mukilteo"));
    assert_eq!(loc.continent_code.as_deref(), Some("NA"));
    assert_eq!(loc.latitude, Some(47.913));
    assert_eq!(loc.longitude, Some(-122.3042));
    assert_eq!(loc.postal_code.as_deref(), Some("98275"));
    assert_eq!(loc.timezone.as_deref(), Some("America/Los_Angeles"));
    assert_eq!(loc.country_code.as_deref(), Some("USA"));
    assert_eq!(response.last_request_at, Some(1_477_660_267));
    assert_eq!(response.last_seen_ip, None);
    assert_eq!(response.created_at, 1_477_572_283);
    assert_eq!(response.remote_created_at, None);
    assert_eq!(response.signed_up_at, None);
    assert_eq!(response.updated_at, 1_480_068_674);
    assert_eq!(response.session_count, 0);
    assert_eq!(response.social_profiles.r#type, "social_profile.list");
    assert!(!response.unsubscribed_from_emails);
    assert_eq!(
        response.user_agent_data.as_deref(),
        Some("Mozilla/5.0 (Macintosh; Intel Mac OS X 10.9")
    );
    assert_eq!(response.tags.r#type, "tag.list");
    assert_eq!(response.segments.r#type, "segment.list");
    assert_eq!(
        response.custom_attributes.get("paid_subscriber"),
        Some(&json!(true))
    );
    assert_eq!(
        response.custom_attributes.get("monthly_spend"),
        Some(&json!(155.5))
    );
    assert_eq!(
        response.custom_attributes.get("team_mates"),
        Some(&json!(9))
    );
    assert!(response.extra.is_empty());

    let lead = response.into_inner();
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
            assert_eq!(list.r#type, "error.list");
            assert_eq!(list.errors.len(), 1);
            assert_eq!(list.errors[0].code, "unauthorized");
            assert_eq!(
                list.errors[0].message.as_deref(),
                Some("Access Token Invalid")
            );
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
        .into_inner();
    let p = &lead.social_profiles.social_profiles[0];
    assert_eq!(p.name, "twitter");
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
