//! Wire tests of the generated Paragon ActionKit client
//! (`contact_clients::paragon`, from `specs/paragon-actionkit.yaml`,
//! `POST /projects/{project_id}/tools/#INTERCOM_UPDATE_CONTACT`) against a
//! wiremock server on loopback.
//!
//! The spec path carries a fragment (`#INTERCOM_UPDATE_CONTACT`) that only
//! distinguishes the tool in the docs: it is never sent. The tool is selected
//! by the body's `tool` member, whose schema default
//! `IntercomUpdateContactRequest::new` fills in.
//!
//! The spec has no request `example`; its "example request" is assembled from
//! the `(example: "...")` snippets in the property descriptions (parsed out of
//! the YAML below) plus typed values for the properties without one.

mod common;

use common::{body_json, header, received};
use contact_clients::paragon::{types, Client};
use contact_clients::runtime::{Error, RetryPolicy};
use contact_tests::support::load_spec;
use serde_json::{json, Map, Value};
use wiremock::MockServer;

const TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.paragon-user-SECRET.sig";
const PROJECT_ID: &str = "0a1b2c3d-4e5f-6789-abcd-ef0123456789";

// ---------------------------------------------------------------- helpers

fn spec() -> Value {
    load_spec("paragon-actionkit.yaml")
}

const BODY_SCHEMA: &str = "/paths/~1projects~1{project_id}~1tools~1#INTERCOM_UPDATE_CONTACT/post/requestBody/content/application~1json/schema";

fn body_schema(spec: &Value) -> &Value {
    spec.pointer(BODY_SCHEMA).expect("request body schema")
}

/// `{property: example}` from the `(example: "...")` snippets of the
/// `parameters` property descriptions; object-typed examples are parsed as
/// JSON.
fn description_examples(spec: &Value) -> Map<String, Value> {
    let props = body_schema(spec)["properties"]["parameters"]["properties"]
        .as_object()
        .expect("parameters.properties");
    let mut out = Map::new();
    for (name, prop) in props {
        let Some(desc) = prop["description"].as_str() else {
            continue;
        };
        let Some(start) = desc.find("(example: \"") else {
            continue;
        };
        let rest = &desc[start + "(example: \"".len()..];
        let end = rest.rfind("\")").expect("example snippet closes with \")");
        let text = &rest[..end];
        let value = if prop["type"] == "object" {
            serde_json::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}: {text}"))
        } else {
            Value::String(text.to_owned())
        };
        out.insert(name.clone(), value);
    }
    out
}

fn client(server: &MockServer) -> Client {
    common::paragon_client(&server.uri(), TOKEN, RetryPolicy::none())
}

/// What ActionKit answers (the spec declares a 200 without content; the
/// client hands the body back raw).
fn tool_result() -> Value {
    json!({"type": "contact", "id": "650cbc286d0a728750658b15", "email": "name@example.com"})
}

/// Answers every request with 200 and [`tool_result`], tagged
/// `x-request-id: pg-req-3`.
async fn mount_ok(server: &MockServer) {
    common::respond_json(server, 200, tool_result(), "pg-req-3").await;
}

fn minimal_request() -> types::IntercomUpdateContactRequest {
    types::IntercomUpdateContactRequest::new(types::IntercomUpdateContactRequestParameters::new(
        "650cbc286d0a728750658b15".to_owned(),
    ))
}

// ------------------------------------------------------------------ tests

/// The examples parsed out of the descriptions are the ones we expect (so a
/// broken extractor cannot make the wire test vacuous).
#[test]
fn description_examples_are_extracted() {
    let ex = description_examples(&spec());
    assert_eq!(ex.get("email"), Some(&json!("name@example.com")));
    assert_eq!(ex.get("externalId"), Some(&json!("25")));
    assert_eq!(ex.get("phone"), Some(&json!("+1123456789")));
    assert_eq!(
        ex.get("avatar"),
        Some(&json!("https://example.com/avatar.jpeg"))
    );
    assert_eq!(
        ex.get("signedUpDate"),
        Some(&json!("2014-04-25T16:15:47-04:00"))
    );
    assert_eq!(
        ex.get("lastSeenDate"),
        Some(&json!("2014-04-25T16:15:47-04:00"))
    );
    assert_eq!(
        ex.get("customAttribute"),
        Some(&json!({"paid_subscriber": true, "monthly_spend": 155.5, "team_mates": 1}))
    );
    assert_eq!(ex.len(), 7);
}

/// Method, exact path (no fragment, nothing of it encoded), no query,
/// headers, and a body equal to the spec-derived example, with `tool` filled
/// in by `IntercomUpdateContactRequest::new`; the 200 body comes back raw.
#[tokio::test]
async fn intercom_update_contact_wire_format() {
    let spec = spec();
    let server = MockServer::start().await;
    mount_ok(&server).await;

    let mut params =
        types::IntercomUpdateContactRequestParameters::new("650cbc286d0a728750658b15".to_owned());
    params.role = Some(types::IntercomUpdateContactRequestParametersRole::User);
    params.email = Some("name@example.com".to_owned());
    params.name = Some("joe bloggs".to_owned());
    params.external_id = Some("25".to_owned());
    params.phone = Some("+1123456789".to_owned());
    params.avatar = Some("https://example.com/avatar.jpeg".to_owned());
    params.signed_up_date = Some("2014-04-25T16:15:47-04:00".to_owned());
    params.last_seen_date = Some("2014-04-25T16:15:47-04:00".to_owned());
    params.owner_id = Some("5017691".to_owned());
    params.unsubscribe_from_email = Some(false);
    let mut custom = Map::new();
    custom.insert("paid_subscriber".to_owned(), json!(true));
    custom.insert("monthly_spend".to_owned(), json!(155.5));
    custom.insert("team_mates".to_owned(), json!(1));
    params.custom_attribute = Some(custom);
    // `tool` is not set by the caller.
    let body = types::IntercomUpdateContactRequest::new(params);

    let response = client(&server)
        .intercom_update_contact(PROJECT_ID, &body)
        .await
        .expect("200");

    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 1);
    let req = &reqs[0];
    assert_eq!(req.method.as_str(), "POST");
    assert_eq!(req.url.path(), format!("/projects/{PROJECT_ID}/tools/"));
    assert_eq!(req.url.query(), None);
    assert_eq!(req.url.fragment(), None);
    assert!(!req.url.as_str().contains("INTERCOM_UPDATE_CONTACT"));
    assert_eq!(
        header(req, "authorization"),
        Some(&*format!("Bearer {TOKEN}"))
    );
    assert_eq!(header(req, "content-type"), Some("application/json"));
    assert_eq!(header(req, "user-agent"), Some("contact-clients/0.1.0"));

    let mut expected_params = description_examples(&spec);
    expected_params.insert("contactId".to_owned(), json!("650cbc286d0a728750658b15"));
    expected_params.insert("role".to_owned(), json!("user"));
    expected_params.insert("name".to_owned(), json!("joe bloggs"));
    expected_params.insert("ownerId".to_owned(), json!("5017691"));
    expected_params.insert("unsubscribeFromEmail".to_owned(), json!(false));
    let tool_default = body_schema(&spec)["properties"]["tool"]["default"].clone();
    assert_eq!(tool_default, json!("INTERCOM_UPDATE_CONTACT"));
    let expected = json!({"tool": tool_default, "parameters": expected_params});
    let sent = body_json(req);
    assert_eq!(sent, expected);
    assert_eq!(sent["tool"], json!("INTERCOM_UPDATE_CONTACT"));

    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.header("x-request-id"), Some("pg-req-3"));
    assert_eq!(
        response.json::<Value>().expect("raw body is JSON"),
        tool_result()
    );
}

/// Only the required member and `tool` are sent for a minimal request (no
/// `null`s for unset optional members).
#[tokio::test]
async fn minimal_request_sends_tool_and_contact_id_only() {
    let server = MockServer::start().await;
    mount_ok(&server).await;
    let body = minimal_request();
    assert_eq!(body.tool, "INTERCOM_UPDATE_CONTACT");
    client(&server)
        .intercom_update_contact(PROJECT_ID, &body)
        .await
        .expect("200");
    let reqs = received(&server).await;
    assert_eq!(
        body_json(&reqs[0]),
        json!({"tool": "INTERCOM_UPDATE_CONTACT",
               "parameters": {"contactId": "650cbc286d0a728750658b15"}})
    );
}

/// A request enum value the client does not know is sent verbatim, and
/// decodes back to `Unknown`.
#[tokio::test]
async fn unknown_role_value_is_sent_verbatim() {
    let server = MockServer::start().await;
    mount_ok(&server).await;
    let mut body = minimal_request();
    body.parameters.role = Some(types::IntercomUpdateContactRequestParametersRole::Unknown(
        "visitor".to_owned(),
    ));
    body.parameters
        .extra
        .insert("companyId".to_owned(), json!("c-1"));
    client(&server)
        .intercom_update_contact(PROJECT_ID, &body)
        .await
        .expect("200");
    let reqs = received(&server).await;
    let sent = body_json(&reqs[0]);
    assert_eq!(sent["parameters"]["role"], json!("visitor"));
    assert_eq!(sent["parameters"]["companyId"], json!("c-1"));
    let back: types::IntercomUpdateContactRequest = serde_json::from_value(sent).unwrap();
    assert_eq!(
        back.parameters.role,
        Some(types::IntercomUpdateContactRequestParametersRole::Unknown(
            "visitor".to_owned()
        ))
    );
}

/// `project_id` is percent-encoded into one segment; dot segments are
/// rejected before sending.
#[tokio::test]
async fn project_id_is_encoded_and_dot_segments_rejected() {
    let server = MockServer::start().await;
    mount_ok(&server).await;
    let c = client(&server);
    let body = minimal_request();
    c.intercom_update_contact("p/../x?y#z", &body)
        .await
        .expect("200");
    for bad in ["..", "."] {
        let err = c
            .intercom_update_contact(bad, &body)
            .await
            .expect_err("rejected");
        assert!(
            matches!(err, Error::InvalidRequest { .. }),
            "{bad:?}: {err:?}"
        );
    }
    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 1, "the rejected calls sent nothing");
    assert_eq!(reqs[0].url.path(), "/projects/p%2F..%2Fx%3Fy%23z/tools/");
    assert_eq!(reqs[0].url.query(), None);
}

/// The spec declares no error responses: any non-200 is `UnexpectedStatus`
/// with status, headers and body.
#[tokio::test]
async fn non_200_is_unexpected_status() {
    let server = MockServer::start().await;
    common::respond_json(
        &server,
        400,
        json!({"message": "Invalid parameters", "code": "40001"}),
        "pg-err-1",
    )
    .await;
    let err = client(&server)
        .intercom_update_contact(PROJECT_ID, &minimal_request())
        .await
        .expect_err("400");
    match err {
        Error::UnexpectedStatus {
            status,
            headers,
            body,
            body_len,
        } => {
            assert_eq!(status.as_u16(), 400);
            assert_eq!(headers.get("x-request-id").unwrap(), "pg-err-1");
            let v: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(v["message"], "Invalid parameters");
            assert_eq!(body_len, body.len());
        }
        other => panic!("expected UnexpectedStatus, got {other:?}"),
    }
}
