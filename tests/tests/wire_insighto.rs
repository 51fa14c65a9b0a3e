//! Wire tests of the generated Insighto client (`contact_clients::insighto`,
//! from `specs/insighto.yaml`, operation `UpdateContactById`,
//! `PUT /api/v1/contact/{contact_id}`) against a wiremock server on loopback.
//!
//! Path injection: `contact_id` is a `uuid::Uuid` in the generated API
//! (`update_contact_by_id(contact_id: uuid::Uuid, ..)`), so a value with `/`,
//! `?`, `#` or a dot segment cannot even be constructed: injection is
//! impossible by type, and there is no string-based injection test here (see
//! `wire_intercom.rs` for that).

mod common;

use common::{body_json, header, received};
use contact_clients::insighto::{types, Client, UpdateContactByIdError};
use contact_clients::runtime::{DateTime, Error, Maybe, RetryPolicy};
use contact_tests::support::{json_request_example, json_response_example, load_spec};
use serde_json::{json, Value};
use uuid::Uuid;
use wiremock::{MockServer, Request};

const API_KEY: &str = "in-SECRETKEY-0123456789abcdef";
const CONTACT_ID: &str = "3c90c3cc-0d44-4b50-8888-8dd25736052a";

// ---------------------------------------------------------------- helpers

/// Edits a JSON body in place (to break one field).
type Mutation = fn(&mut Value);

fn spec() -> Value {
    load_spec("insighto.yaml")
}

const OP: &str = "/paths/~1api~1v1~1contact~1{contact_id}/put";

fn request_example(spec: &Value) -> Value {
    json_request_example(spec, OP, "ContactUpdate")
}

fn response_example(spec: &Value) -> Value {
    json_response_example(spec, OP, 200, "ContactUpdateResponse")
}

fn client(server: &MockServer) -> Client {
    common::insighto_client(&server.uri(), API_KEY, RetryPolicy::none())
}

fn query_pairs(req: &Request) -> Vec<(String, String)> {
    req.url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// Answers every request with `status` and the JSON `body`, tagged
/// `x-request-id: ins-req-7`.
async fn mount_json(server: &MockServer, status: u16, body: Value) {
    common::respond_json(server, status, body, "ins-req-7").await;
}

fn contact_id() -> Uuid {
    Uuid::parse_str(CONTACT_ID).unwrap()
}

// ------------------------------------------------------------------ tests

/// Method, exact path, `api_key` query (and no Authorization header),
/// headers, body equal to the spec's request example (date-times and uuids
/// built as typed values); the spec's 200 example decodes field by field and
/// re-serializes to the same JSON.
#[tokio::test]
async fn update_contact_by_id_wire_format_and_spec_example_response() {
    let spec = spec();
    let server = MockServer::start().await;
    mount_json(&server, 200, response_example(&spec)).await;

    let ts: DateTime = "2023-11-07T05:31:56Z".parse().unwrap();
    let id = contact_id();
    let body = types::ContactUpdate {
        first_name: Maybe::Value("<string>".to_owned()),
        last_name: Maybe::Value("<string>".to_owned()),
        email: Maybe::Value("<string>".to_owned()),
        channels: Some(serde_json::Map::new()),
        user_attributes: Some(serde_json::Map::new()),
        last_seen: Maybe::Value(ts),
        last_sent: Maybe::Value(ts),
        org_id: Maybe::Value(id),
        first_assistant_id: Maybe::Value(id),
        last_assistant_id: Maybe::Value(id),
        first_widget_id: Maybe::Value(id),
        last_widget_id: Maybe::Value(id),
        custom_fields: Some(serde_json::Map::new()),
        ..Default::default()
    };
    let response = client(&server)
        .update_contact_by_id(id, &body)
        .await
        .expect("200 decodes");

    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 1);
    let req = &reqs[0];
    assert_eq!(req.method.as_str(), "PUT");
    assert_eq!(
        req.url.path(),
        "/api/v1/contact/3c90c3cc-0d44-4b50-8888-8dd25736052a"
    );
    assert_eq!(
        query_pairs(req),
        vec![("api_key".to_owned(), API_KEY.to_owned())]
    );
    assert_eq!(
        header(req, "authorization"),
        None,
        "the key goes in the query only"
    );
    assert_eq!(header(req, "content-type"), Some("application/json"));
    assert_eq!(header(req, "accept"), Some("application/json"));
    assert_eq!(header(req, "user-agent"), Some("contact-clients/0.1.0"));
    assert_eq!(body_json(req), request_example(&spec));

    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.header("x-request-id"), Some("ins-req-7"));
    assert_eq!(
        response.message,
        Maybe::Value("Data updated successfully".to_owned())
    );
    assert_eq!(response.meta, Some(serde_json::Map::new()));
    let data = response.data.as_ref().expect("data present");
    assert_eq!(data.first_name, Maybe::Value("<string>".to_owned()));
    assert_eq!(data.email, Maybe::Value("<string>".to_owned()));
    assert_eq!(data.channels, Some(serde_json::Map::new()));
    let last_seen = data.last_seen.value().expect("last_seen is a value");
    assert_eq!(last_seen.unix_timestamp(), 1_699_335_116);
    assert_eq!(
        (
            last_seen.year(),
            u8::from(last_seen.month()),
            last_seen.day()
        ),
        (2023, 11, 7)
    );
    assert_eq!(
        (last_seen.hour(), last_seen.minute(), last_seen.second()),
        (5, 31, 56)
    );
    assert!(last_seen.offset().is_utc());
    assert_eq!(data.last_sent, Maybe::Value(ts));
    assert_eq!(data.org_id, Maybe::Value(id));
    assert_eq!(
        data.first_assistant_id.value().map(|u| u.to_string()),
        Some(CONTACT_ID.to_owned())
    );
    assert_eq!(data.last_widget_id, Maybe::Value(id));
    assert_eq!(data.custom_fields, Some(serde_json::Map::new()));
    assert!(data.extra.is_empty());
    assert!(response.extra.is_empty());

    let decoded = response.into_body();
    assert_eq!(
        serde_json::to_value(&decoded).unwrap(),
        response_example(&spec)
    );
}

/// Tri-state on Insighto's all-nullable body: `Null` → `null`, `Absent` →
/// no key, `Value` → the value (date-time and uuid rendered as strings).
#[tokio::test]
async fn tri_state_null_absent_value() {
    let spec = spec();
    let server = MockServer::start().await;
    mount_json(&server, 200, response_example(&spec)).await;
    let body = types::ContactUpdate {
        first_name: Maybe::Absent,
        email: Maybe::Null,
        last_seen: Maybe::Null,
        org_id: Maybe::Null,
        last_sent: Maybe::Value("2014-04-25T16:15:47-04:00".parse().unwrap()),
        last_widget_id: Maybe::Value(contact_id()),
        ..Default::default()
    };
    client(&server)
        .update_contact_by_id(contact_id(), &body)
        .await
        .expect("200");
    let reqs = received(&server).await;
    let sent = body_json(&reqs[0]);
    assert_eq!(
        sent,
        json!({
            "email": null,
            "last_seen": null,
            "org_id": null,
            "last_sent": "2014-04-25T16:15:47-04:00",
            "last_widget_id": CONTACT_ID
        })
    );
    assert!(!sent.as_object().unwrap().contains_key("first_name"));
}

/// Null and absent response fields decode to `Maybe::Null` / `Maybe::Absent`
/// and come back out unchanged.
#[tokio::test]
async fn response_nulls_and_absent_fields_survive_decoding() {
    let body = json!({
        "message": null,
        "data": {"first_name": null, "last_seen": "2024-02-29T23:59:59.5+05:30", "org_id": null}
    });
    let server = MockServer::start().await;
    mount_json(&server, 200, body.clone()).await;
    let resp = client(&server)
        .update_contact_by_id(contact_id(), &types::ContactUpdate::default())
        .await
        .expect("200")
        .into_body();
    assert_eq!(resp.message, Maybe::Null);
    assert_eq!(resp.meta, None);
    let data = resp.data.as_ref().unwrap();
    assert_eq!(data.first_name, Maybe::Null);
    assert_eq!(data.last_name, Maybe::Absent);
    assert_eq!(data.org_id, Maybe::Null);
    let ls = data.last_seen.value().unwrap();
    assert_eq!((ls.year(), u8::from(ls.month()), ls.day()), (2024, 2, 29));
    assert_eq!(ls.offset().whole_minutes(), 5 * 60 + 30);
    assert_eq!(ls.millisecond(), 500);
    assert_eq!(serde_json::to_value(&resp).unwrap(), body);
}

/// An API key with reserved characters is percent-encoded in the query and
/// arrives intact.
#[tokio::test]
async fn api_key_is_query_encoded() {
    let spec = spec();
    let server = MockServer::start().await;
    mount_json(&server, 200, response_example(&spec)).await;
    let key = "in-a&b=c d#e+f";
    let c = common::insighto_client(&server.uri(), key, RetryPolicy::none());
    c.update_contact_by_id(contact_id(), &types::ContactUpdate::default())
        .await
        .expect("200");
    let reqs = received(&server).await;
    assert_eq!(
        query_pairs(&reqs[0]),
        vec![("api_key".to_owned(), key.to_owned())]
    );
    assert_eq!(reqs[0].url.fragment(), None);
}

/// `Client::new(key)` sets the key as the query credential of the spec's
/// scheme, exactly as the builder does (whose requests the test above
/// checks on the wire); it points at the real server, so only its `Debug`
/// (which hides the key) can be inspected here.
#[test]
fn client_new_uses_query_api_key() {
    let made_by_new = format!("{:?}", Client::new(API_KEY));
    let configured = r#"("apiKeyAuth", Static(ApiKey { location: Query, name: "api_key", value: Secret(<redacted>) }))"#;
    assert!(made_by_new.contains(configured), "{made_by_new}");
    assert!(!made_by_new.contains(API_KEY), "{made_by_new}");
    let built = Client::builder().api_key_auth(API_KEY).build().unwrap();
    assert!(format!("{built:?}").contains(configured));
}

/// 422 → `Error::Api` with the decoded validation error list (mixed
/// string/integer `loc`).
#[tokio::test]
async fn validation_error_422_is_api_error() {
    let spec = spec();
    let example = json_response_example(&spec, OP, 422, "InvalidContactId");
    let mut with_index = example.clone();
    with_index["detail"][0]["loc"] = json!(["body", "channels", 3]);
    for (body, loc) in [
        (
            example,
            vec![
                types::ValidationErrorLocItem::String("path".into()),
                types::ValidationErrorLocItem::String("contact_id".into()),
            ],
        ),
        (
            with_index,
            vec![
                types::ValidationErrorLocItem::String("body".into()),
                types::ValidationErrorLocItem::String("channels".into()),
                types::ValidationErrorLocItem::Integer(3),
            ],
        ),
    ] {
        let server = MockServer::start().await;
        mount_json(&server, 422, body).await;
        let err = client(&server)
            .update_contact_by_id(contact_id(), &types::ContactUpdate::default())
            .await
            .expect_err("422 is an error");
        match err {
            Error::Api {
                status,
                headers,
                body: UpdateContactByIdError::UnprocessableEntity(v),
                ..
            } => {
                assert_eq!(status.as_u16(), 422);
                assert!(headers.contains_key("x-request-id"));
                let detail = v.detail.expect("detail present");
                assert_eq!(detail.len(), 1);
                assert_eq!(detail[0].loc.as_ref(), Some(&loc));
                assert_eq!(detail[0].msg.as_deref(), Some("value is not a valid uuid"));
                assert_eq!(detail[0].r#type.as_deref(), Some("type_error.uuid"));
            }
            other => panic!("expected Api/UnprocessableEntity, got {other:?}"),
        }
    }
}

/// A malformed date-time or uuid in the 200 body → `Decode` naming the
/// nested field.
#[tokio::test]
async fn bad_datetime_or_uuid_is_decode_error_naming_the_field() {
    let spec = spec();
    let cases: [(&str, Mutation); 3] = [
        ("data.last_seen", |v| {
            v["data"]["last_seen"] = json!("yesterday at noon")
        }),
        ("data.org_id", |v| v["data"]["org_id"] = json!("not-a-uuid")),
        ("meta", |v| v["meta"] = json!([1, 2])),
    ];
    for (expected, mutate) in cases {
        let mut body = response_example(&spec);
        mutate(&mut body);
        let server = MockServer::start().await;
        mount_json(&server, 200, body).await;
        let err = client(&server)
            .update_contact_by_id(contact_id(), &types::ContactUpdate::default())
            .await
            .expect_err("must not decode");
        match err {
            Error::Decode { status, path, .. } => {
                assert_eq!(status.as_u16(), 200);
                assert_eq!(path, expected);
            }
            other => panic!("{expected}: expected Decode, got {other:?}"),
        }
    }
}
