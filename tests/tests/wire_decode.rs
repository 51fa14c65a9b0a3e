//! Decoding what real servers send, over the wire: the generated Intercom
//! `Contact` accepts numbers and booleans inside strings and `null` for an
//! optional property while keeping the values; when a body still cannot be
//! decoded, `Error::Decode` names the exact field (not its parent), has no
//! line/column noise, and keeps status, headers and the whole body so the
//! caller can fall back to `serde_json::Value`.

mod common;

use contact_clients::intercom::{types, Client};
use contact_clients::runtime::{Error, RetryPolicy};
use contact_tests::support::{json_response_example, load_spec};
use serde_json::{json, Value};
use wiremock::MockServer;

const OP: &str = "/paths/~1contacts~1{contact_id}/put";

fn contact_example() -> Value {
    json_response_example(&load_spec("intercom.yaml"), OP, 200, "Contact")
}

async fn respond(body: Value) -> (MockServer, Client) {
    let server = MockServer::start().await;
    common::respond_json(&server, 200, body, "req-7").await;
    let client = common::intercom_client(&server.uri(), "tok", RetryPolicy::none());
    (server, client)
}

async fn update(
    client: &Client,
) -> Result<types::Contact, Error<contact_clients::intercom::UpdateContactError>> {
    client
        .update_contact("1", &types::UpdateContactRequest::default())
        .await
        .map(|r| r.into_body())
}

#[tokio::test]
async fn numbers_and_booleans_inside_strings_decode_and_re_encode_as_the_schema_says() {
    let mut body = contact_example();
    body["created_at"] = json!("1690000000");
    body["has_hard_bounced"] = json!("true");
    body["marked_email_as_spam"] = json!(0);
    body["x_unknown"] = json!({"kept": [1, 2]});
    let (_server, client) = respond(body.clone()).await;
    let contact = update(&client).await.expect("lenient values decode");
    assert_eq!(contact.created_at, 1_690_000_000);
    assert!(contact.has_hard_bounced);
    assert!(!contact.marked_email_as_spam);
    assert_eq!(contact.extra["x_unknown"], json!({"kept": [1, 2]}));
    // Re-encoding writes the schema's types; everything else is as received.
    let back = serde_json::to_value(&contact).unwrap();
    let mut expected = body;
    expected["created_at"] = json!(1_690_000_000);
    expected["has_hard_bounced"] = json!(true);
    expected["marked_email_as_spam"] = json!(false);
    assert_eq!(back, expected);
}

/// Breaks the example with `mutate`; the decode error must name `path`.
async fn decode_error(
    mutate: impl FnOnce(&mut Value),
) -> (
    String,
    String,
    Error<contact_clients::intercom::UpdateContactError>,
    Value,
) {
    let mut body = contact_example();
    mutate(&mut body);
    let (_server, client) = respond(body.clone()).await;
    let err = update(&client).await.expect_err("must not decode");
    match &err {
        Error::Decode {
            path,
            message,
            status,
            headers,
            ..
        } => {
            assert_eq!(status.as_u16(), 200);
            assert_eq!(
                headers.get("x-request-id").and_then(|v| v.to_str().ok()),
                Some("req-7")
            );
            (path.clone(), message.clone(), err, body)
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn a_missing_required_field_is_named_itself() {
    let (path, message, err, body) = decode_error(|b| {
        b.as_object_mut().unwrap().remove("workspace_id");
    })
    .await;
    assert_eq!(path, "workspace_id");
    assert_eq!(message, "missing field `workspace_id`");
    assert_eq!(err.to_string(), "failed to decode response body (HTTP 200 OK) at `workspace_id`: missing field `workspace_id`");
    // The whole body is kept: the caller can fall back to untyped JSON.
    assert_eq!(err.body_json(), Some(body));
}

#[tokio::test]
async fn mistyped_fields_are_named_by_full_path_without_position_noise() {
    let (path, message, ..) = decode_error(|b| b["location"]["city"] = json!(true)).await;
    assert_eq!(path, "location.city");
    assert_eq!(message, "invalid type: boolean `true`, expected a string");
    let (path, message, ..) = decode_error(|b| b["tags"]["data"] = json!([{"type": "tag", "id": "1", "url": "/tags/1"}, {"type": "tag", "id": ["x"], "url": "/tags/2"}])).await;
    assert_eq!(path, "tags.data[1].id");
    assert!(message.starts_with("invalid type: sequence"), "{message}");
    let (path, message, ..) = decode_error(|b| b["created_at"] = json!("yesterday")).await;
    assert_eq!(path, "created_at");
    assert_eq!(
        message,
        "invalid value: string \"yesterday\", expected a 64-bit integer"
    );
}

/// Generated string enums match the value where the input holds it: an
/// escaped string (which the parser must copy), a value read from a stream
/// and a value it does not list all decode as before, and a non-string is
/// still an error that says a string was expected.
#[test]
fn string_enums_decode_escaped_streamed_and_unknown_values() {
    use types::ContactRole;
    let slice = |text: &str| serde_json::from_slice::<ContactRole>(text.as_bytes());
    let stream = |text: &str| serde_json::from_reader::<_, ContactRole>(text.as_bytes());
    for decode in [slice, stream] {
        assert_eq!(decode(r#""user""#).unwrap(), ContactRole::User);
        assert_eq!(decode(r#""l\u0065ad""#).unwrap(), ContactRole::Lead);
        assert_eq!(
            decode(r#""vis\u0069tor""#).unwrap(),
            ContactRole::Unknown("visitor".into())
        );
        let err = decode("5").unwrap_err().to_string();
        assert!(
            err.starts_with("invalid type: integer `5`, expected a string"),
            "{err}"
        );
    }
    assert_eq!(ContactRole::from("lead".to_owned()), ContactRole::Lead);
    assert_eq!(
        ContactRole::from("admin".to_owned()),
        ContactRole::Unknown("admin".into())
    );
}
