//! Wire tests of the generated Intercom client (`contact_clients::intercom`,
//! from `specs/intercom.yaml`, operation `UpdateContact`,
//! `PUT /contacts/{contact_id}`) against a wiremock server on loopback.
//!
//! Requests are checked on what the server actually received (method, exact
//! path, query, headers, JSON body); responses are the spec's own examples,
//! loaded from the YAML file, and the decoded values are checked field by
//! field.

mod common;

use common::{body_json, header, received};
use contact_clients::intercom::{types, Client, UpdateContactError};
use contact_clients::runtime::{Error, Maybe, RetryPolicy};
use contact_tests::support::{json_request_example, json_response_example, load_spec};
use serde_json::{json, Value};
use wiremock::{MockServer, ResponseTemplate};

const TOKEN: &str = "tok-intercom-SECRET-0123456789";
const CONTACT_ID: &str = "650cbc286d0a728750658b15";

// ---------------------------------------------------------------- helpers

/// Edits a JSON body in place (to break one field).
type Mutation = fn(&mut Value);

fn spec() -> Value {
    load_spec("intercom.yaml")
}

const OP: &str = "/paths/~1contacts~1{contact_id}/put";

fn request_example(spec: &Value) -> Value {
    json_request_example(spec, OP, "UpdateContactRequest")
}

fn contact_example(spec: &Value) -> Value {
    json_response_example(spec, OP, 200, "Contact")
}

fn client(server: &MockServer) -> Client {
    common::intercom_client(&server.uri(), TOKEN, RetryPolicy::none())
}

/// Answers every request with `status` and the JSON `body`, tagged
/// `x-request-id: req-42`.
async fn mount_json(server: &MockServer, status: u16, body: Value) {
    common::respond_json(server, status, body, "req-42").await;
}

// ------------------------------------------------------------------ tests

/// Method, exact path, no query, auth/content-type/version/user-agent
/// headers, body equal to the spec's request example; the spec's 200 example
/// decodes field by field and re-serializes to the same JSON.
#[tokio::test]
async fn update_contact_wire_format_and_spec_example_response() {
    let spec = spec();
    let server = MockServer::start().await;
    mount_json(&server, 200, contact_example(&spec)).await;

    // Built from typed fields; compared below with the spec's example value.
    let body = types::UpdateContactRequest {
        email: Some("joebloggs@intercom.io".to_owned()),
        name: Maybe::Value("joe bloggs".to_owned()),
        ..Default::default()
    };
    let response = client(&server)
        .update_contact(CONTACT_ID, &body)
        .intercom_version("2.11")
        .await
        .expect("200 decodes");

    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 1);
    let req = &reqs[0];
    assert_eq!(req.method.as_str(), "PUT");
    assert_eq!(req.url.path(), "/contacts/650cbc286d0a728750658b15");
    assert_eq!(req.url.query(), None);
    assert_eq!(
        header(req, "authorization"),
        Some(&*format!("Bearer {TOKEN}"))
    );
    assert_eq!(header(req, "content-type"), Some("application/json"));
    assert_eq!(header(req, "intercom-version"), Some("2.11"));
    assert_eq!(header(req, "accept"), Some("application/json"));
    assert_eq!(header(req, "user-agent"), Some("contact-clients/0.1.0"));
    assert_eq!(body_json(req), request_example(&spec));

    // Response metadata.
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.header("x-request-id"), Some("req-42"));
    assert_eq!(
        response
            .headers()
            .get("x-request-id")
            .map(|v| v.to_str().unwrap()),
        Some("req-42")
    );

    // Decoded body, field by field (via Deref).
    assert_eq!(response.r#type, "contact");
    assert_eq!(response.id, "650cbc286d0a728750658b15");
    assert_eq!(
        response.workspace_id,
        "this_is_an_id238_that_should_be_at_least_"
    );
    assert_eq!(response.external_id.as_deref(), Some("70"));
    assert_eq!(response.role, types::ContactRole::User);
    assert_eq!(response.email, "joebloggs@intercom.io");
    assert_eq!(response.phone, None);
    assert_eq!(response.name.as_deref(), Some("joe bloggs"));
    assert_eq!(response.avatar, None);
    assert_eq!(response.owner_id, None);
    assert_eq!(response.social_profiles.r#type, "list");
    assert!(response.social_profiles.data.is_empty());
    assert!(!response.has_hard_bounced);
    assert!(!response.marked_email_as_spam);
    assert!(!response.unsubscribed_from_emails);
    assert_eq!(response.created_at, 1_695_333_416);
    assert_eq!(response.updated_at, 1_695_333_416);
    assert_eq!(response.signed_up_at, Some(1_695_333_416));
    assert_eq!(response.last_seen_at, None);
    assert_eq!(response.last_replied_at, None);
    assert_eq!(response.ios_last_seen_at, None);
    assert_eq!(response.language_override, None);
    assert_eq!(response.location.r#type.as_deref(), Some("location"));
    assert_eq!(response.location.country, None);
    assert_eq!(response.location.city, None);
    assert_eq!(response.location.continent_code, None);
    assert!(response.custom_attributes.is_empty());
    assert_eq!(response.tags.r#type, "list");
    assert_eq!(response.tags.url, "/contacts/650cbc286d0a728750658b15/tags");
    assert_eq!(response.tags.total_count, 0);
    assert!(!response.tags.has_more);
    assert_eq!(
        response.notes.url,
        "/contacts/650cbc286d0a728750658b15/notes"
    );
    assert_eq!(
        response.companies.url,
        "/contacts/650cbc286d0a728750658b15/companies"
    );
    assert_eq!(
        response.opted_in_subscription_types.url,
        "/contacts/650cbc286d0a728750658b15/subscriptions"
    );
    assert!(response.opted_out_subscription_types.data.is_empty());
    assert_eq!(response.utm_campaign, None);
    assert_eq!(response.referrer, None);
    assert!(
        response.extra.is_empty(),
        "no undeclared fields in the example"
    );

    // Nulls stay nulls on re-serialization.
    let contact = response.into_inner();
    assert_eq!(
        serde_json::to_value(&contact).unwrap(),
        contact_example(&spec)
    );
}

/// `Intercom-Version` is a header parameter: absent unless set.
#[tokio::test]
async fn intercom_version_header_absent_when_not_set() {
    let spec = spec();
    let server = MockServer::start().await;
    mount_json(&server, 200, contact_example(&spec)).await;
    let body = types::UpdateContactRequest::default();
    client(&server)
        .update_contact(CONTACT_ID, &body)
        .await
        .expect("200");
    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 1);
    assert_eq!(header(&reqs[0], "intercom-version"), None);
    // An empty update is an empty object, not `null`.
    assert_eq!(body_json(&reqs[0]), json!({}));
}

/// `Maybe::Null` sends `"phone": null`, `Maybe::Absent` omits the key,
/// `Maybe::Value` sends the value (and likewise for other nullable fields).
#[tokio::test]
async fn tri_state_phone_null_absent_value() {
    let spec = spec();
    let server = MockServer::start().await;
    mount_json(&server, 200, contact_example(&spec)).await;
    let c = client(&server);

    let null = types::UpdateContactRequest {
        phone: Maybe::Null,
        avatar: Maybe::Null,
        signed_up_at: Maybe::Null,
        ..Default::default()
    };
    let absent = types::UpdateContactRequest {
        email: Some("a@example.com".to_owned()),
        phone: Maybe::Absent,
        ..Default::default()
    };
    let value = types::UpdateContactRequest {
        phone: Maybe::Value("+1123456789".to_owned()),
        owner_id: Maybe::Value(7),
        unsubscribed_from_emails: Maybe::Value(false),
        ..Default::default()
    };
    c.update_contact(CONTACT_ID, &null).await.expect("200");
    c.update_contact(CONTACT_ID, &absent).await.expect("200");
    c.update_contact(CONTACT_ID, &value).await.expect("200");

    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 3);
    let bodies: Vec<Value> = reqs.iter().map(body_json).collect();

    assert_eq!(
        bodies[0],
        json!({"phone": null, "avatar": null, "signed_up_at": null})
    );
    assert!(bodies[0].as_object().unwrap().contains_key("phone"));

    assert_eq!(bodies[1], json!({"email": "a@example.com"}));
    assert!(!bodies[1].as_object().unwrap().contains_key("phone"));

    assert_eq!(
        bodies[2],
        json!({"phone": "+1123456789", "owner_id": 7, "unsubscribed_from_emails": false})
    );
}

/// An enum value the spec does not list is kept, not rejected, and is sent
/// back unchanged.
#[tokio::test]
async fn unknown_role_is_kept_and_reserialized() {
    let spec = spec();
    let mut example = contact_example(&spec);
    example["role"] = json!("visitor");
    let server = MockServer::start().await;
    mount_json(&server, 200, example.clone()).await;

    let contact = client(&server)
        .update_contact(CONTACT_ID, &types::UpdateContactRequest::default())
        .await
        .expect("unknown enum value decodes")
        .into_inner();
    assert_eq!(
        contact.role,
        types::ContactRole::Unknown("visitor".to_owned())
    );
    assert_eq!(contact.role.as_str(), "visitor");
    let back = serde_json::to_value(&contact).unwrap();
    assert_eq!(back["role"], json!("visitor"));
    assert_eq!(back, example);
}

/// Properties the spec does not declare land in `extra` (top level and
/// nested) and are written back on re-serialization.
#[tokio::test]
async fn undeclared_fields_are_kept_in_extra() {
    let spec = spec();
    let mut example = contact_example(&spec);
    let new_field = json!({"nested": [1, {"x": null}], "flag": true});
    example["brand_new_field"] = new_field.clone();
    example["location"]["brand_new_location_field"] = json!("somewhere");
    example["tags"]["next_cursor"] = json!(null);
    let server = MockServer::start().await;
    mount_json(&server, 200, example.clone()).await;

    let contact = client(&server)
        .update_contact(CONTACT_ID, &types::UpdateContactRequest::default())
        .await
        .expect("200 decodes")
        .into_inner();
    assert_eq!(contact.extra.get("brand_new_field"), Some(&new_field));
    assert_eq!(contact.extra.len(), 1);
    assert_eq!(
        contact.location.extra.get("brand_new_location_field"),
        Some(&json!("somewhere"))
    );
    assert_eq!(contact.tags.extra.get("next_cursor"), Some(&Value::Null));
    // Declared fields did not leak into `extra`.
    assert!(!contact.extra.contains_key("email"));

    let back = serde_json::to_value(&contact).unwrap();
    assert_eq!(back["brand_new_field"], new_field);
    assert_eq!(back, example);
}

/// Extra properties set by the caller on the request are sent too.
#[tokio::test]
async fn request_extra_fields_are_sent() {
    let spec = spec();
    let server = MockServer::start().await;
    mount_json(&server, 200, contact_example(&spec)).await;
    let mut body = types::UpdateContactRequest {
        name: Maybe::Value("x".to_owned()),
        ..Default::default()
    };
    body.extra
        .insert("companies".to_owned(), json!([{"id": "c1"}]));
    client(&server)
        .update_contact(CONTACT_ID, &body)
        .await
        .expect("200");
    let reqs = received(&server).await;
    assert_eq!(
        body_json(&reqs[0]),
        json!({"name": "x", "companies": [{"id": "c1"}]})
    );
}

/// 401 with the error-list body → `Error::Api` carrying the decoded
/// `UpdateContactError::Unauthorized` and the response headers.
#[tokio::test]
async fn unauthorized_401_is_api_error_with_decoded_body() {
    let spec = spec();
    let example = json_response_example(&spec, OP, 401, "Unauthorized");
    let server = MockServer::start().await;
    mount_json(&server, 401, example).await;

    let err = client(&server)
        .update_contact(CONTACT_ID, &types::UpdateContactRequest::default())
        .await
        .expect_err("401 is an error");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(
        err.headers()
            .and_then(|h| h.get("x-request-id"))
            .map(|v| v.to_str().unwrap()),
        Some("req-42")
    );
    match err {
        Error::Api {
            status,
            headers,
            body: UpdateContactError::Unauthorized(list),
        } => {
            assert_eq!(status.as_u16(), 401);
            assert!(headers.contains_key("x-request-id"));
            assert_eq!(list.r#type, "error.list");
            assert_eq!(
                list.request_id,
                Maybe::Value("b3c5d4f0-3f62-4c1e-9a5b-0d7f5a4c2e9a".to_owned())
            );
            assert_eq!(list.errors.len(), 1);
            assert_eq!(list.errors[0].code, "unauthorized");
            assert_eq!(
                list.errors[0].message,
                Maybe::Value("Access Token Invalid".to_owned())
            );
            assert_eq!(list.errors[0].field, Maybe::Absent);
        }
        other => panic!("expected Api/Unauthorized, got {other:?}"),
    }
}

/// 404 maps to the `NotFound` variant, not `Unauthorized`.
#[tokio::test]
async fn not_found_404_is_api_error_not_found() {
    let spec = spec();
    let example = json_response_example(&spec, OP, 404, "ContactNotFound");
    let server = MockServer::start().await;
    mount_json(&server, 404, example).await;
    let err = client(&server)
        .update_contact(CONTACT_ID, &types::UpdateContactRequest::default())
        .await
        .expect_err("404 is an error");
    match err {
        Error::Api {
            status,
            body: UpdateContactError::NotFound(list),
            ..
        } => {
            assert_eq!(status.as_u16(), 404);
            assert_eq!(list.errors[0].code, "not_found");
            assert_eq!(
                list.errors[0].message,
                Maybe::Value("User Not Found".to_owned())
            );
        }
        other => panic!("expected Api/NotFound, got {other:?}"),
    }
}

/// A 401 whose body is not the documented error list is a `Decode` error
/// with status 401, not a panic and not `Api`.
#[tokio::test]
async fn undecodable_401_body_is_decode_error() {
    let server = MockServer::start().await;
    common::respond_always(
        &server,
        ResponseTemplate::new(401).set_body_string("Unauthorized"),
    )
    .await;
    let err = client(&server)
        .update_contact(CONTACT_ID, &types::UpdateContactRequest::default())
        .await
        .expect_err("error");
    match err {
        Error::Decode { status, .. } => assert_eq!(status.as_u16(), 401),
        other => panic!("expected Decode, got {other:?}"),
    }
}

/// A 200 whose body has a wrong type → `Decode` with status 200 and the JSON
/// path of the offending field (top level and nested).
#[tokio::test]
async fn wrong_types_on_200_are_decode_errors_naming_the_field() {
    let spec = spec();
    let cases: [(&str, Mutation); 4] = [
        ("email", |v| v["email"] = json!(42)),
        ("location.city", |v| v["location"]["city"] = json!(5)),
        ("tags.total_count", |v| {
            v["tags"]["total_count"] = json!("zero")
        }),
        ("created_at", |v| v["created_at"] = json!("yesterday")),
    ];
    for (expected_path, mutate) in cases {
        let mut body = contact_example(&spec);
        mutate(&mut body);
        let server = MockServer::start().await;
        mount_json(&server, 200, body).await;
        let err = client(&server)
            .update_contact(CONTACT_ID, &types::UpdateContactRequest::default())
            .await
            .expect_err("wrong type must not decode");
        match &err {
            Error::Decode {
                status,
                path,
                headers,
                body_snippet,
                ..
            } => {
                assert_eq!(status.as_u16(), 200, "{expected_path}");
                assert_eq!(path, expected_path);
                assert!(headers.contains_key("x-request-id"));
                assert!(body_snippet.starts_with('{'), "{body_snippet}");
            }
            other => panic!("{expected_path}: expected Decode, got {other:?}"),
        }
        assert!(err.to_string().contains(expected_path), "{err}");
    }
}

/// A missing required field is a `Decode` error too.
#[tokio::test]
async fn missing_required_field_is_decode_error() {
    let spec = spec();
    let mut body = contact_example(&spec);
    body.as_object_mut().unwrap().remove("workspace_id");
    let server = MockServer::start().await;
    mount_json(&server, 200, body).await;
    let err = client(&server)
        .update_contact(CONTACT_ID, &types::UpdateContactRequest::default())
        .await
        .expect_err("missing required field");
    match err {
        Error::Decode {
            status, message, ..
        } => {
            assert_eq!(status.as_u16(), 200);
            assert!(message.contains("workspace_id"), "{message}");
        }
        other => panic!("expected Decode, got {other:?}"),
    }
}

/// Reserved characters in `contact_id` are percent-encoded into one path
/// segment: the server sees no extra segment, no query and no fragment.
#[tokio::test]
async fn contact_id_is_percent_encoded_into_one_segment() {
    let spec = spec();
    let server = MockServer::start().await;
    mount_json(&server, 200, contact_example(&spec)).await;
    let c = client(&server);
    let body = types::UpdateContactRequest::default();
    c.update_contact("a/b?c#d", &body).await.expect("200");
    c.update_contact("100% sure", &body).await.expect("200");
    c.update_contact("..x", &body).await.expect("200");

    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 3);
    assert_eq!(reqs[0].url.path(), "/contacts/a%2Fb%3Fc%23d");
    assert_eq!(reqs[0].url.query(), None);
    assert_eq!(reqs[0].url.fragment(), None);
    assert_eq!(reqs[1].url.path(), "/contacts/100%25%20sure");
    assert_eq!(reqs[1].url.query(), None);
    assert_eq!(reqs[2].url.path(), "/contacts/..x");
}

/// `..`, `.` and the empty string would change the path's meaning: rejected
/// with `InvalidRequest` before anything is sent.
#[tokio::test]
async fn dot_segments_and_empty_id_are_rejected_before_sending() {
    let spec = spec();
    let server = MockServer::start().await;
    mount_json(&server, 200, contact_example(&spec)).await;
    let c = client(&server);
    let body = types::UpdateContactRequest::default();
    for id in ["..", ".", ""] {
        let err = c
            .update_contact(id, &body)
            .await
            .expect_err("must be rejected");
        match err {
            Error::InvalidRequest { message } => {
                assert!(message.contains("contact_id"), "{id:?}: {message}")
            }
            other => panic!("{id:?}: expected InvalidRequest, got {other:?}"),
        }
    }
    assert_eq!(received(&server).await.len(), 0, "nothing may be sent");
}

/// A header parameter value with CR/LF is rejected before sending (no
/// header injection).
#[tokio::test]
async fn intercom_version_with_line_break_is_rejected_before_sending() {
    let spec = spec();
    let server = MockServer::start().await;
    mount_json(&server, 200, contact_example(&spec)).await;
    let body = types::UpdateContactRequest::default();
    let err = client(&server)
        .update_contact(CONTACT_ID, &body)
        .intercom_version("2.11\r\nX-Injected: 1")
        .await
        .expect_err("must be rejected");
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
    assert_eq!(received(&server).await.len(), 0);
}
