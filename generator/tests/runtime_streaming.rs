//! The runtime's streaming calls on the wire (loopback), driven as generated
//! code drives them: paginated lists walked to the end (a cursor in the
//! body, `Link: rel="next"` headers) with retries and a same-server check,
//! server-sent events with a reconnect (`Last-Event-ID`, `retry:`), byte
//! stream downloads and the size cap on buffered bodies.

#[path = "../runtime/mod.rs"]
pub mod runtime;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use reqwest::Method;
use serde::Deserialize;
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use runtime::*;

type Err = Error<serde_json::Value>;

/// Generous bound on a test that would otherwise wait forever.
const BOUND: Duration = Duration::from_secs(20);

fn fast() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(3)
        .initial_backoff(Duration::from_millis(5))
        .jitter(false)
}

/// What generated code passes as the operation's status check (its
/// signature is the runtime's `Check`).
#[allow(clippy::result_large_err)]
fn check_200(raw: RawResponse) -> Result<RawResponse, Err> {
    match raw.status_code() {
        200..=299 => Ok(raw),
        _ => Err(raw.unexpected()),
    }
}

#[derive(Debug, Deserialize, PartialEq)]
struct Item {
    id: String,
}

fn ids(items: &[Item]) -> Vec<&str> {
    items.iter().map(|i| i.id.as_str()).collect()
}

fn list_spec(per_page: &str) -> RequestSpec {
    let mut spec = RequestSpec::new(
        "list_contacts",
        Method::GET,
        "/contacts",
        "/contacts".to_owned(),
        &[],
    );
    spec.query
        .push(("per_page".to_owned(), per_page.to_owned()));
    spec
}

// ----------------------------------------------------------- pagination

#[tokio::test]
async fn cursor_pages_are_walked_to_the_end_with_retries() {
    let server = MockServer::start().await;
    // Intercom's shape: the next cursor at `pages.next.starting_after`.
    Mock::given(method("GET"))
        .and(path("/contacts"))
        .and(query_param("per_page", "2"))
        .and(query_param_is_missing("starting_after"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "data": [{"id": "a"}, {"id": "b"}],
            "pages": {"next": {"starting_after": "b"}}
        })))
        .expect(1)
        .mount(&server)
        .await;
    // The second page fails once: the walk retries it like any call.
    Mock::given(method("GET"))
        .and(path("/contacts"))
        .and(query_param("starting_after", "b"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/contacts"))
        .and(query_param("per_page", "2"))
        .and(query_param("starting_after", "b"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "data": [{"id": "c"}],
            "pages": {"next": null}
        })))
        .expect(1)
        .mount(&server)
        .await;

    let config = ClientBuilder::new(&server.uri())
        .retry(fast())
        .build()
        .unwrap();
    let pager = Pager {
        items: "/data",
        next: Next::Cursor {
            param: "starting_after",
            cursor: "/pages/next/starting_after",
            has_more: None,
        },
    };
    let stream: ItemStream<Item, serde_json::Value> = pagination::pages(
        &config,
        Ok(list_spec("2")),
        &RequestOptions::new(),
        pager,
        check_200,
    )
    .items();
    let items: Vec<Result<Item, Err>> =
        tokio::time::timeout(BOUND, stream.collect()).await.unwrap();
    let items: Vec<Item> = items.into_iter().collect::<Result<_, _>>().unwrap();
    assert_eq!(ids(&items), ["a", "b", "c"]);
    // 1 + 2 attempts for page two, nothing after the last page.
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn has_more_false_ends_a_stripe_list_and_pages_keep_their_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/contacts"))
        .and(query_param_is_missing("starting_after"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-page", "1")
                .set_body_json(serde_json::json!({"data": [{"id": "cus_1"}], "has_more": true})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/contacts"))
        .and(query_param("starting_after", "cus_1"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-page", "2")
                .set_body_json(serde_json::json!({"data": [{"id": "cus_2"}], "has_more": false})),
        )
        .mount(&server)
        .await;
    let config = ClientBuilder::new(&server.uri()).build().unwrap();
    let pager = Pager {
        items: "/data",
        next: Next::LastItem {
            param: "starting_after",
            field: "id",
            has_more: Some("/has_more"),
        },
    };
    let pages: PageStream<Item, serde_json::Value> = pagination::pages(
        &config,
        Ok(list_spec("1")),
        &RequestOptions::new(),
        pager,
        check_200,
    );
    let pages: Vec<_> = tokio::time::timeout(BOUND, pages.collect::<Vec<_>>())
        .await
        .unwrap();
    let pages: Vec<Response<Vec<Item>>> = pages.into_iter().collect::<Result<_, _>>().unwrap();
    let seen: Vec<(Option<&str>, Vec<&str>)> = pages
        .iter()
        .map(|p| (p.header("x-page"), ids(p.body())))
        .collect();
    assert_eq!(
        seen,
        [(Some("1"), vec!["cus_1"]), (Some("2"), vec!["cus_2"])]
    );
}

#[tokio::test]
async fn link_header_pages_are_followed_and_other_servers_refused() {
    let server = MockServer::start().await;
    let base = server.uri();
    // GitHub's shape: an absolute next URL among other relations.
    Mock::given(method("GET"))
        .and(path("/contacts"))
        .and(query_param_is_missing("page"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header(
                    "link",
                    format!("<{base}/contacts?per_page=1&page=2>; rel=\"next\", <{base}/contacts?per_page=1&page=3>; rel=\"last\"").as_str(),
                )
                .set_body_json(serde_json::json!([{"id": "one"}])),
        )
        .mount(&server)
        .await;
    // A relative link, resolved against the page's URL.
    Mock::given(method("GET"))
        .and(path("/contacts"))
        .and(query_param("page", "2"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("link", "</contacts?per_page=1&page=3>; rel=\"next\"")
                .set_body_json(serde_json::json!([{"id": "two"}])),
        )
        .mount(&server)
        .await;
    // The last page links to another server: credentials must not go there.
    Mock::given(method("GET"))
        .and(path("/contacts"))
        .and(query_param("page", "3"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header(
                    "link",
                    "<http://attacker.invalid/contacts?page=4>; rel=\"next\"",
                )
                .set_body_json(serde_json::json!([{"id": "three"}])),
        )
        .mount(&server)
        .await;
    let config = ClientBuilder::new(&base).build().unwrap();
    let pager = Pager {
        items: "",
        next: Next::LinkHeader,
    };
    let stream: ItemStream<Item, serde_json::Value> = pagination::pages(
        &config,
        Ok(list_spec("1")),
        &RequestOptions::new(),
        pager,
        check_200,
    )
    .items();
    let results: Vec<Result<Item, Err>> =
        tokio::time::timeout(BOUND, stream.collect()).await.unwrap();
    let (ok, failed): (Vec<_>, Vec<_>) = results.into_iter().partition(Result::is_ok);
    let ok: Vec<Item> = ok.into_iter().map(Result::unwrap).collect();
    assert_eq!(ids(&ok), ["one", "two", "three"]);
    assert_eq!(failed.len(), 1, "the stream ends after the refusal");
    let err = failed.into_iter().next().unwrap().unwrap_err();
    assert!(
        err.to_string().contains("outside the client's base URL"),
        "{err}"
    );
    let queries: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.query().unwrap_or("").to_owned())
        .collect();
    assert_eq!(
        queries,
        ["per_page=1", "per_page=1&page=2", "per_page=1&page=3"]
    );
}

#[tokio::test]
async fn a_server_repeating_a_cursor_stops_the_walk_instead_of_looping() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/contacts"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "data": [{"id": "x"}],
            "next": "same"
        })))
        .mount(&server)
        .await;
    let config = ClientBuilder::new(&server.uri()).build().unwrap();
    let pager = Pager {
        items: "/data",
        next: Next::Cursor {
            param: "cursor",
            cursor: "/next",
            has_more: None,
        },
    };
    let stream: ItemStream<Item, serde_json::Value> = pagination::pages(
        &config,
        Ok(list_spec("1")),
        &RequestOptions::new(),
        pager,
        check_200,
    )
    .items();
    let results: Vec<Result<Item, Err>> =
        tokio::time::timeout(BOUND, stream.collect()).await.unwrap();
    assert_eq!(
        results.len(),
        3,
        "two pages of one item (the second repeats the cursor), then the error"
    );
    let err = results.into_iter().last().unwrap().unwrap_err();
    assert!(err.to_string().contains("same next page twice"), "{err}");
}

// ------------------------------------------------------- server-sent events

/// Answers an event stream per connection, recording each request's
/// `Last-Event-ID`.
struct Events {
    seen: Arc<Mutex<Vec<Option<String>>>>,
}

impl Respond for Events {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let last = request
            .headers
            .get("last-event-id")
            .map(|v| v.to_str().unwrap().to_owned());
        let mut seen = self.seen.lock().unwrap();
        seen.push(last.clone());
        let body = match last.as_deref() {
            // Sets a short reconnection delay, sends two events (one split
            // over two data lines) and drops the connection.
            None => "retry: 10\n: a comment\nid: 1\nevent: update\ndata: {\"id\":\ndata: \"a\"}\n\nid: 2\ndata: {\"id\":\"b\"}\n\n",
            Some("2") => "id: 3\ndata: {\"id\":\"c\"}\n\n",
            // Nothing more: 204 ends the stream.
            _ => return ResponseTemplate::new(204),
        };
        ResponseTemplate::new(200).set_body_raw(body, "text/event-stream")
    }
}

#[tokio::test]
async fn events_reconnect_with_last_event_id_after_the_retry_delay() {
    let server = MockServer::start().await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    Mock::given(method("GET"))
        .and(path("/events"))
        .and(header("accept", "text/event-stream"))
        .respond_with(Events { seen: seen.clone() })
        .mount(&server)
        .await;
    // The policy's backoff is an hour: only the server's `retry: 10` lets
    // the reconnection happen within the bound.
    let slow = RetryPolicy::default()
        .max_attempts(3)
        .initial_backoff(Duration::from_secs(3600))
        .jitter(false);
    let config = ClientBuilder::new(&server.uri())
        .retry(slow)
        .build()
        .unwrap();
    let mut spec = RequestSpec::new(
        "subscribe",
        Method::GET,
        "/events",
        "/events".to_owned(),
        &[],
    );
    spec.headers
        .push(("Accept".to_owned(), "text/event-stream".to_owned()));
    let response = events::send(
        &config,
        spec,
        &RequestOptions::new(),
        check_200,
        events::json_data::<Item>,
    )
    .await
    .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let events: Vec<Result<Event<Item>, Err>> =
        tokio::time::timeout(BOUND, response.into_body().collect())
            .await
            .expect("the retry: delay is used");
    let events: Vec<Event<Item>> = events.into_iter().collect::<Result<_, _>>().unwrap();
    let got: Vec<(&str, Option<&str>, &str)> = events
        .iter()
        .map(|e| (e.event(), e.id(), e.data().id.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("update", Some("1"), "a"),
            ("message", Some("2"), "b"),
            ("message", Some("3"), "c")
        ]
    );
    assert_eq!(
        *seen.lock().unwrap(),
        [None, Some("2".to_owned()), Some("3".to_owned())]
    );
}

#[tokio::test]
async fn undecodable_event_data_is_an_error_naming_it_and_the_stream_goes_on() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/completions"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            "data: {\"id\":\"a\"}\n\ndata: {\"id\":7}\n\ndata: {\"id\":\"c\"}\n\ndata: [DONE]\n\n",
            "text/event-stream",
        ))
        .mount(&server)
        .await;
    let config = ClientBuilder::new(&server.uri()).build().unwrap();
    let spec = RequestSpec::new(
        "complete",
        Method::POST,
        "/completions",
        "/completions".to_owned(),
        &[],
    );
    let response = events::send(
        &config,
        spec,
        &RequestOptions::new(),
        check_200,
        events::json_data::<Item>,
    )
    .await
    .unwrap();
    let events: Vec<Result<Event<Item>, Err>> =
        tokio::time::timeout(BOUND, response.into_body().collect())
            .await
            .unwrap();
    assert_eq!(
        events.len(),
        3,
        "[DONE] ends the stream; a POST stream does not reconnect"
    );
    assert_eq!(events[0].as_ref().unwrap().data().id, "a");
    match &events[1] {
        Err(Error::Decode {
            path, body_snippet, ..
        }) => {
            assert_eq!(path, "data");
            assert_eq!(body_snippet, "{\"id\":7}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert_eq!(events[2].as_ref().unwrap().data().id, "c");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn an_error_status_on_an_event_stream_is_the_operations_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(serde_json::json!({"message": "no such stream"})),
        )
        .mount(&server)
        .await;
    let config = ClientBuilder::new(&server.uri()).build().unwrap();
    let spec = RequestSpec::new(
        "subscribe",
        Method::GET,
        "/events",
        "/events".to_owned(),
        &[],
    );
    let err = events::send(
        &config,
        spec,
        &RequestOptions::new(),
        check_200,
        events::text_data,
    )
    .await
    .unwrap_err();
    match err {
        Error::UnexpectedStatus { status, body, .. } => {
            assert_eq!(status, StatusCode::NOT_FOUND);
            assert!(body.contains("no such stream"), "{body}");
        }
        other => panic!("expected UnexpectedStatus, got {other:?}"),
    }
}

// ------------------------------------------------------ downloads and caps

fn payload() -> Vec<u8> {
    (0..200_000u32).map(|i| (i % 251) as u8).collect()
}

#[tokio::test]
async fn downloads_stream_the_body_and_buffered_bodies_respect_the_cap() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/files/1"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/octet-stream")
                .set_body_bytes(payload()),
        )
        .mount(&server)
        .await;
    // The cap applies to bodies read into memory, not to downloads.
    let config = ClientBuilder::new(&server.uri())
        .max_body_size(1000)
        .build()
        .unwrap();
    let spec = || {
        RequestSpec::new(
            "download_file",
            Method::GET,
            "/files/{id}",
            "/files/1".to_owned(),
            &[],
        )
    };

    let response = download::send(&config, spec(), &RequestOptions::new(), check_200)
        .await
        .unwrap();
    assert_eq!(response.body().content_length(), Some(200_000));
    let mut body = Vec::new();
    let mut chunks = response.into_body();
    while let Some(chunk) = tokio::time::timeout(BOUND, chunks.next()).await.unwrap() {
        body.extend_from_slice(&chunk.unwrap());
    }
    assert!(body == payload(), "the streamed bytes are the body");

    let err: Err = execute(&config, spec(), &RequestOptions::new())
        .await
        .map_err(Error::from)
        .unwrap_err();
    match &err {
        Error::BodyTooLarge { status, limit, .. } => {
            assert_eq!((*status, *limit), (StatusCode::OK, 1000));
        }
        other => panic!("expected BodyTooLarge, got {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "response body (HTTP 200 OK) is larger than the 1000-byte limit"
    );

    // A call's own cap replaces the client's.
    let roomy = RequestOptions::new().max_body_size(200_000);
    let raw = execute(&config, spec(), &roomy).await.unwrap();
    assert!(raw.body == payload());
}
