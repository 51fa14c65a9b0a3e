//! Typed multipart forms on the wire (loopback): the parts a generated form
//! struct adds (files with their own, the declared or the default content
//! type; scalars as text; JSON parts), read back field by field with
//! `multer` as a server would, and resent unchanged on a retry.

#[path = "../runtime/mod.rs"]
pub mod runtime;

use std::time::Duration;

use reqwest::Method;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use runtime::*;

#[derive(serde::Serialize)]
#[serde(rename_all = "lowercase")]
enum Plan {
    Pro,
}

/// A part as the server reads it.
#[derive(Debug, PartialEq)]
struct Part {
    name: String,
    filename: Option<String>,
    content_type: Option<String>,
    data: Vec<u8>,
}

async fn read_back(content_type: &str, body: Vec<u8>) -> Vec<Part> {
    let boundary =
        multer::parse_boundary(content_type).expect("a multipart content type with a boundary");
    let stream =
        futures_util::stream::once(
            async move { Ok::<_, std::io::Error>(bytes::Bytes::from(body)) },
        );
    let mut form = multer::Multipart::new(stream, boundary);
    let mut parts = Vec::new();
    while let Some(field) = form.next_field().await.expect("well-formed multipart") {
        let name = field.name().unwrap_or_default().to_owned();
        let filename = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(|m| m.to_string());
        let data = field.bytes().await.unwrap().to_vec();
        parts.push(Part {
            name,
            filename,
            content_type,
            data,
        });
    }
    parts
}

fn part(name: &str, filename: Option<&str>, content_type: Option<&str>, data: &[u8]) -> Part {
    Part {
        name: name.to_owned(),
        filename: filename.map(str::to_owned),
        content_type: content_type.map(str::to_owned),
        data: data.to_vec(),
    }
}

#[tokio::test]
async fn a_typed_form_is_read_back_field_by_field_and_replayed_on_retry() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/avatars"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/avatars"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let png: Vec<u8> = [0x89, b'P', b'N', b'G', 0, 0xff, b'\r', b'\n'].repeat(100);

    // What a generated `to_multipart` adds, in declaration order.
    let avatar = FilePart::new("me.png", png.clone()).content_type("image/png");
    let contract = FilePart::new("contract", &b"%PDF-1.7"[..]);
    let raw = FilePart::new("blob.bin", &b"\x00\x01"[..]);
    let form = Multipart::new()
        .file_part("avatar", &avatar, Some("image/jpeg"))
        .file_part("contract", &contract, Some("application/pdf"))
        .file_part("blob", &raw, None)
        .scalar("name", "Ada \"Lovelace\"")
        .unwrap()
        .scalar("count", &3_i64)
        .unwrap()
        .scalar("subscribed", &true)
        .unwrap()
        .scalar("plan", &Plan::Pro)
        .unwrap()
        .scalar("tags", "a")
        .unwrap()
        .scalar("tags", "b")
        .unwrap()
        .json("meta", &serde_json::json!({"source": "import"}))
        .unwrap();
    assert!(
        form.clone()
            .scalar("bad", &serde_json::json!({"no": 1}))
            .is_err(),
        "objects are not text"
    );

    let config = ClientBuilder::new(&server.uri())
        .retry(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(5))
                .jitter(false),
        )
        .build()
        .unwrap();
    let mut spec = RequestSpec::new(
        "upload_avatar",
        Method::POST,
        "/avatars",
        "/avatars".to_owned(),
        &[],
    );
    spec.multipart_body(&form).unwrap();
    let options = RequestOptions::new().idempotency_key("k-1");
    let response = execute(&config, spec, &options).await.unwrap();
    assert_eq!(response.status_code(), 204);

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2, "one retry after the 503");
    assert_eq!(
        requests[0].body, requests[1].body,
        "the retry resends the same bytes"
    );
    let content_type = requests[1]
        .headers
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let parts = read_back(&content_type, requests[1].body.clone()).await;
    assert_eq!(
        parts,
        [
            part("avatar", Some("me.png"), Some("image/png"), &png),
            part(
                "contract",
                Some("contract"),
                Some("application/pdf"),
                b"%PDF-1.7"
            ),
            part(
                "blob",
                Some("blob.bin"),
                Some("application/octet-stream"),
                b"\x00\x01"
            ),
            part("name", None, None, b"Ada \"Lovelace\""),
            part("count", None, None, b"3"),
            part("subscribed", None, None, b"true"),
            part("plan", None, None, b"pro"),
            part("tags", None, None, b"a"),
            part("tags", None, None, b"b"),
            part(
                "meta",
                None,
                Some("application/json"),
                br#"{"source":"import"}"#
            ),
        ]
    );
}
