//! Wire tests of the generated Intercom client (`contact_clients::intercom`,
//! from `specs/intercom.yaml`, operation `UpdateContact`,
//! `PUT /contacts/{contact_id}`) against a wiremock server on loopback.
//!
//! Requests are checked on what the server actually received (method, exact
//! path, query, headers, JSON body); responses are the spec's own examples,
//! loaded from the YAML file (or variants of them the published Intercom
//! description allows), and the decoded values are checked field by field.

mod common;

use common::{body_json, header, received};
use contact_clients::intercom::types::IntercomVersion;
use contact_clients::intercom::{types, Client, UpdateContactError};
use contact_clients::runtime::{Error, Maybe, RequestOptions, RetryPolicy};
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
    assert_eq!(response.r#type.as_deref(), Some("contact"));
    assert_eq!(response.id, "650cbc286d0a728750658b15");
    assert_eq!(
        response.workspace_id,
        "this_is_an_id238_that_should_be_at_least_"
    );
    assert_eq!(response.external_id.as_deref(), Some("70"));
    assert_eq!(response.role, types::ContactRole::User);
    assert_eq!(response.email.as_deref(), Some("joebloggs@intercom.io"));
    assert_eq!(response.email_domain, None);
    assert_eq!(response.formatted_phone, Maybe::Absent);
    assert_eq!(response.phone, None);
    assert_eq!(response.name.as_deref(), Some("joe bloggs"));
    assert_eq!(response.avatar, None);
    assert_eq!(response.owner_id, None);
    assert_eq!(response.social_profiles.r#type.as_deref(), Some("list"));
    assert!(response.social_profiles.data.is_empty());
    assert!(!response.has_hard_bounced);
    assert!(!response.marked_email_as_spam);
    assert!(!response.unsubscribed_from_emails);
    assert_eq!(response.created_at, 1_695_333_416);
    assert_eq!(response.updated_at, 1_695_333_416);
    assert_eq!(response.signed_up_at, Some(1_695_333_416));
    assert_eq!(response.last_seen_at, None);
    assert_eq!(response.last_replied_at, None);
    assert_eq!(response.ios_last_seen_at, Maybe::Null);
    assert_eq!(response.language_override, None);
    assert_eq!(response.location.r#type, "location");
    assert_eq!(response.location.country, Maybe::Null);
    assert_eq!(response.location.city, Maybe::Null);
    assert_eq!(response.location.continent_code, Maybe::Null);
    assert_eq!(
        response.custom_attributes.as_ref().map(|m| m.len()),
        Some(0)
    );
    let tags = response.tags.as_ref().expect("tags");
    assert_eq!(tags.r#type.as_deref(), Some("list"));
    assert_eq!(tags.url, "/contacts/650cbc286d0a728750658b15/tags");
    assert_eq!(tags.total_count, 0);
    assert!(!tags.has_more);
    assert_eq!(
        response.notes.as_ref().map(|n| n.url.as_str()),
        Some("/contacts/650cbc286d0a728750658b15/notes")
    );
    let companies = response.companies.as_ref().expect("companies");
    assert_eq!(
        companies.url,
        "/contacts/650cbc286d0a728750658b15/companies"
    );
    assert_eq!(companies.data.as_ref().map(Vec::len), Some(0));
    assert_eq!(
        response
            .opted_in_subscription_types
            .as_ref()
            .map(|s| s.url.as_str()),
        Some("/contacts/650cbc286d0a728750658b15/subscriptions")
    );
    assert_eq!(
        response
            .opted_out_subscription_types
            .as_ref()
            .map(|s| s.data.len()),
        Some(0)
    );
    assert_eq!(response.utm_campaign, Maybe::Null);
    assert_eq!(response.referrer, Maybe::Null);
    assert!(
        response.extra.is_empty(),
        "no undeclared fields in the example"
    );

    // Nulls stay nulls on re-serialization.
    let contact = response.into_body();
    assert_eq!(
        serde_json::to_value(&contact).unwrap(),
        contact_example(&spec)
    );
}

/// The `Intercom-Version` values of a received request (all of them: a
/// duplicate would be a bug).
fn versions_sent(req: &wiremock::Request) -> Vec<&str> {
    req.headers
        .get_all("intercom-version")
        .iter()
        .map(|v| v.to_str().expect("ASCII"))
        .collect()
}

/// Without the header Intercom answers in the app's configured version, so
/// the client sends `Intercom-Version: 2.11` (the spec's default) on every
/// request; the client builder changes it for all calls, a call's own setter
/// for that call, and unknown (newer) versions can be sent.
#[tokio::test]
async fn intercom_version_default_and_overrides_on_the_wire() {
    let spec = spec();
    let server = MockServer::start().await;
    mount_json(&server, 200, contact_example(&spec)).await;
    let body = types::UpdateContactRequest::default();
    let builder = || {
        Client::builder()
            .base_url(server.uri())
            .bearer_auth(TOKEN)
            .retry(RetryPolicy::none())
    };
    let default = client(&server);
    let pinned = builder()
        .intercom_version(IntercomVersion::V210)
        .build()
        .unwrap();
    let newer = builder()
        .intercom_version(IntercomVersion::Unknown("2.12".into()))
        .build()
        .unwrap();
    // A plain client-wide header of the same name replaces the setting too.
    let by_header = builder().header("Intercom-Version", "2.9").build().unwrap();

    default
        .update_contact(CONTACT_ID, &body)
        .await
        .expect("200");
    pinned.update_contact(CONTACT_ID, &body).await.expect("200");
    newer.update_contact(CONTACT_ID, &body).await.expect("200");
    by_header
        .update_contact(CONTACT_ID, &body)
        .await
        .expect("200");
    default
        .update_contact(CONTACT_ID, &body)
        .intercom_version(IntercomVersion::Preview)
        .await
        .expect("200");
    pinned
        .update_contact(CONTACT_ID, &body)
        .intercom_version(IntercomVersion::V211)
        .await
        .expect("200");
    pinned
        .update_contact(CONTACT_ID, &body)
        .options(RequestOptions::new().header("Intercom-Version", "2.8"))
        .await
        .expect("200");
    // `maybe_*`: `None` leaves the client's setting, `Some` overrides it.
    pinned
        .update_contact(CONTACT_ID, &body)
        .maybe_intercom_version(None)
        .await
        .expect("200");
    pinned
        .update_contact(CONTACT_ID, &body)
        .maybe_intercom_version(Some(IntercomVersion::Preview))
        .await
        .expect("200");
    // The client made by `new` carries the default as well.
    let made_by_new = format!("{:?}", Client::new(TOKEN));
    assert!(
        made_by_new.contains(r#"header_params: [("Intercom-Version", "2.11")]"#),
        "{made_by_new}"
    );

    let reqs = received(&server).await;
    let sent: Vec<Vec<&str>> = reqs.iter().map(versions_sent).collect();
    assert_eq!(
        sent,
        [
            vec!["2.11"],
            vec!["2.10"],
            vec!["2.12"],
            vec!["2.9"],
            vec!["Preview"],
            vec!["2.11"],
            vec!["2.8"],
            vec!["2.10"],
            vec!["Preview"],
        ]
    );
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
        .into_body();
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
        .into_body();
    assert_eq!(contact.extra.get("brand_new_field"), Some(&new_field));
    assert_eq!(contact.extra.len(), 1);
    assert_eq!(
        contact.location.extra.get("brand_new_location_field"),
        Some(&json!("somewhere"))
    );
    assert_eq!(
        contact.tags.as_ref().unwrap().extra.get("next_cursor"),
        Some(&Value::Null)
    );
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
    mount_json(&server, 401, example.clone()).await;

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
    // One line: the status and the body as the server sent it.
    assert_eq!(
        err.to_string(),
        format!(
            "API error: HTTP 401 Unauthorized: {}",
            serde_json::to_string(&example).unwrap()
        )
    );
    match err {
        Error::Api {
            status,
            headers,
            body: UpdateContactError::Unauthorized(list),
            raw_body,
        } => {
            assert_eq!(serde_json::from_slice::<Value>(&raw_body).unwrap(), example);
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
    // (A number for a string is read as its text: see `field_presence.rs`.)
    let cases: [(&str, Mutation); 4] = [
        ("email", |v| v["email"] = json!(true)),
        ("location.city", |v| {
            v["location"]["city"] = json!(["Dublin"])
        }),
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
/// header injection), per call and per client.
#[tokio::test]
async fn intercom_version_with_line_break_is_rejected_before_sending() {
    let spec = spec();
    let server = MockServer::start().await;
    mount_json(&server, 200, contact_example(&spec)).await;
    let body = types::UpdateContactRequest::default();
    let injected = || IntercomVersion::Unknown("2.11\r\nX-Injected: 1".to_owned());
    let err = client(&server)
        .update_contact(CONTACT_ID, &body)
        .intercom_version(injected())
        .await
        .expect_err("must be rejected");
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
    let err = Client::builder()
        .base_url(server.uri())
        .bearer_auth(TOKEN)
        .intercom_version(injected())
        .build()
        .expect_err("must be rejected");
    assert!(err.to_string().contains("Intercom-Version"), "{err}");
    assert_eq!(received(&server).await.len(), 0);
}

/// The published description requires only some properties: a contact with
/// just those decodes, and every optional one is `None`/`Absent`.
#[tokio::test]
async fn contact_with_only_the_required_properties_decodes() {
    let spec = spec();
    let full = contact_example(&spec);
    let required: Vec<&str> = spec["components"]["schemas"]["Contact"]["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let mut minimal = serde_json::Map::new();
    for key in &required {
        minimal.insert(key.to_string(), full[key].clone());
    }
    // Nested objects with only their required properties too.
    minimal.insert("location".into(), json!({"type": "location"}));
    minimal.insert("social_profiles".into(), json!({"data": []}));
    let minimal = Value::Object(minimal);
    assert!(required.len() < full.as_object().unwrap().len());
    let server = MockServer::start().await;
    mount_json(&server, 200, minimal.clone()).await;
    let contact = client(&server)
        .update_contact(CONTACT_ID, &types::UpdateContactRequest::default())
        .await
        .expect("a contact with only the required properties decodes")
        .into_body();
    assert_eq!(contact.id, CONTACT_ID);
    assert_eq!(contact.r#type, None);
    assert_eq!(contact.email, None);
    assert_eq!(contact.tags, None);
    assert_eq!(contact.companies, None);
    assert_eq!(contact.custom_attributes, None);
    assert_eq!(contact.android_app_name, Maybe::Absent);
    assert_eq!(contact.utm_source, Maybe::Absent);
    assert_eq!(contact.location.city, Maybe::Absent);
    // Nothing is invented on the way back.
    assert_eq!(serde_json::to_value(&contact).unwrap(), minimal);
}

/// In responses `avatar` is an object (`{type, image_url}`), as Intercom
/// publishes it; requests send a URL string.
#[tokio::test]
async fn avatar_is_an_object_in_responses_and_a_url_in_requests() {
    let spec = spec();
    let mut example = contact_example(&spec);
    example["avatar"] = json!({"type": "avatar", "image_url": "https://example.org/128Wash.jpg"});
    example["companies"]["data"] = json!([{
        "type": "company",
        "id": "66e0800ad24ad5513b91014d",
        "url": "/companies/66e0800ad24ad5513b91014d"
    }]);
    example["email_domain"] = json!("intercom.io");
    example["formatted_phone"] = json!("+353871234567");
    let server = MockServer::start().await;
    mount_json(&server, 200, example.clone()).await;
    let body = types::UpdateContactRequest {
        avatar: Maybe::Value("https://example.org/128Wash.jpg".to_owned()),
        role: Some(types::ContactRole::Lead),
        ..Default::default()
    };
    let contact = client(&server)
        .update_contact(CONTACT_ID, &body)
        .await
        .expect("200 decodes")
        .into_body();
    let avatar = contact.avatar.as_ref().expect("an avatar");
    assert_eq!(avatar.r#type.as_deref(), Some("avatar"));
    assert_eq!(
        avatar.image_url,
        Maybe::Value("https://example.org/128Wash.jpg".to_owned())
    );
    let company = &contact.companies.as_ref().unwrap().data.as_ref().unwrap()[0];
    assert_eq!(company.id, "66e0800ad24ad5513b91014d");
    assert_eq!(contact.email_domain.as_deref(), Some("intercom.io"));
    assert_eq!(
        contact.formatted_phone,
        Maybe::Value("+353871234567".to_owned())
    );
    assert_eq!(serde_json::to_value(&contact).unwrap(), example);
    let reqs = received(&server).await;
    assert_eq!(
        body_json(&reqs[0]),
        json!({"role": "lead", "avatar": "https://example.org/128Wash.jpg"})
    );
}

/// Intercom's 429 carries `X-RateLimit-Reset` (a Unix time) and no
/// `Retry-After`: the client waits until then and sends the same request
/// again, byte for byte.
#[tokio::test]
async fn rate_limited_429_waits_for_x_ratelimit_reset() {
    let spec = spec();
    let server = MockServer::start().await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    // At least one second ahead, whatever the fraction of the current second.
    let reset = now + 2;
    common::respond_first_n_then(
        &server,
        1,
        ResponseTemplate::new(429)
            .insert_header("X-RateLimit-Limit", "10000")
            .insert_header("X-RateLimit-Remaining", "0")
            .insert_header("X-RateLimit-Reset", reset.to_string().as_str())
            .set_body_json(json!({
                "type": "error.list",
                "errors": [{"code": "rate_limit_exceeded", "message": "Exceeded rate limit"}]
            })),
        ResponseTemplate::new(200).set_body_json(contact_example(&spec)),
    )
    .await;
    let policy = RetryPolicy::default()
        .max_attempts(2)
        .initial_backoff(std::time::Duration::from_millis(10))
        .max_backoff(std::time::Duration::from_secs(5));
    let c = common::intercom_client(&server.uri(), TOKEN, policy);
    let body = types::UpdateContactRequest {
        email: Some("joebloggs@intercom.io".to_owned()),
        ..Default::default()
    };
    let contact = c
        .update_contact(CONTACT_ID, &body)
        .await
        .expect("the retry succeeds");
    let done = std::time::SystemTime::now();
    assert_eq!(contact.id, CONTACT_ID);
    assert!(
        done >= std::time::UNIX_EPOCH + std::time::Duration::from_secs(reset),
        "retried before the reset time {reset}: {done:?}"
    );
    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 2);
    let wire = |r: &wiremock::Request| {
        let mut headers: Vec<(String, String)> = r
            .headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_owned()))
            .collect();
        headers.sort();
        (
            r.method.to_string(),
            r.url.to_string(),
            headers,
            r.body.clone(),
        )
    };
    assert_eq!(wire(&reqs[0]), wire(&reqs[1]));
    assert_eq!(versions_sent(&reqs[1]), ["2.11"]);
    assert_eq!(
        body_json(&reqs[1]),
        json!({"email": "joebloggs@intercom.io"})
    );
}
