//! Tests for the hand-written runtime copied into every generated crate.

#[path = "../runtime/mod.rs"]
pub mod runtime;

use std::collections::BTreeMap;
use std::time::{Duration, Instant, UNIX_EPOCH};

use bytes::Bytes;
use reqwest::{header::HeaderMap, Method, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use runtime::auth::{Credentials, Source};
use runtime::encode::{header_value, query_param as encode_query};
use runtime::retry::{
    is_retryable_status, parse_rate_limit_reset, parse_retry_after, requested_wait,
};
use runtime::*;

type Err = Error<serde_json::Value>;

// ---------------------------------------------------------------- Maybe

#[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
struct Patch {
    #[serde(default, skip_serializing_if = "Maybe::is_absent")]
    nickname: Maybe<String>,
    #[serde(default, skip_serializing_if = "Maybe::is_absent")]
    age: Maybe<u32>,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Flattened {
    #[serde(default, skip_serializing_if = "Maybe::is_absent")]
    nickname: Maybe<String>,
    #[serde(flatten)]
    extra: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Outer {
    id: u32,
    #[serde(flatten)]
    inner: Patch,
}

#[test]
fn maybe_round_trips_absent_null_value() {
    for (input, expected) in [
        ("{}", Patch::default()),
        (
            r#"{"nickname":null}"#,
            Patch {
                nickname: Maybe::Null,
                age: Maybe::Absent,
            },
        ),
        (
            r#"{"nickname":"bo","age":3}"#,
            Patch {
                nickname: Maybe::Value("bo".into()),
                age: Maybe::Value(3),
            },
        ),
    ] {
        let parsed: Patch = serde_json::from_str(input).unwrap();
        assert_eq!(parsed, expected, "{input}");
        assert_eq!(serde_json::to_string(&parsed).unwrap(), input);
    }
}

#[test]
fn maybe_works_with_flatten() {
    for (input, expected) in [
        (r#"{"other":1}"#, Maybe::Absent),
        (r#"{"nickname":null,"other":1}"#, Maybe::Null),
        (
            r#"{"nickname":"x","other":1}"#,
            Maybe::Value("x".to_owned()),
        ),
    ] {
        let parsed: Flattened = serde_json::from_str(input).unwrap();
        assert_eq!(parsed.nickname, expected, "{input}");
        assert_eq!(parsed.extra.get("other"), Some(&json!(1)));
        assert_eq!(serde_json::to_string(&parsed).unwrap(), input);
    }
    for (input, expected) in [
        (r#"{"id":1}"#, Maybe::Absent),
        (r#"{"id":1,"age":null}"#, Maybe::Null),
        (r#"{"id":1,"age":7}"#, Maybe::Value(7)),
    ] {
        let parsed: Outer = serde_json::from_str(input).unwrap();
        assert_eq!(parsed.inner.age, expected, "{input}");
        assert_eq!(serde_json::to_string(&parsed).unwrap(), input);
    }
}

#[test]
fn maybe_helpers() {
    let v: Maybe<i32> = 5.into();
    assert!(v.is_value() && !v.is_null() && !v.is_absent());
    assert_eq!(v.value(), Some(&5));
    assert_eq!(v.as_ref(), Maybe::Value(&5));
    assert_eq!(v.clone().map(|x| x * 2), Maybe::Value(10));
    assert_eq!(v.into_value(), Some(5));
    let n: Maybe<i32> = None.into();
    assert!(n.is_null());
    assert_eq!(n.map(|x| x + 1), Maybe::Null);
    assert_eq!(Maybe::<i32>::default(), Maybe::Absent);
    assert_eq!(Maybe::from(Some(1)), Maybe::Value(1));
}

// ---------------------------------------------------------------- date/time

#[test]
fn datetime_round_trips_losslessly() {
    for text in [
        "2023-11-07T05:31:56Z",
        "2014-04-25T16:15:47-04:00",
        "2023-11-07T05:31:56.123Z",
        "2023-11-07T05:31:56.000001+05:30",
    ] {
        let json = format!("\"{text}\"");
        let parsed: DateTime = serde_json::from_str(&json).unwrap();
        assert_eq!(serde_json::to_string(&parsed).unwrap(), json);
        assert_eq!(parsed.to_string(), text);
        assert_eq!(text.parse::<DateTime>().unwrap(), parsed);
    }
    let dt: DateTime = "2014-04-25T16:15:47-04:00".parse().unwrap();
    assert_eq!(dt.offset().whole_hours(), -4);
    assert_eq!(dt.hour(), 16);
    let lenient: DateTime = "2023-11-07 05:31:56z".parse().unwrap();
    assert_eq!(lenient.to_string(), "2023-11-07T05:31:56Z");
    let no_offset: DateTime = "2023-11-07T05:31:56".parse().unwrap();
    assert_eq!(no_offset.to_string(), "2023-11-07T05:31:56Z");
    let inner: time::OffsetDateTime = dt.into();
    assert_eq!(DateTime::from(inner), dt);

    for bad in [
        "",
        "yesterday",
        "2023-13-01T00:00:00Z",
        "2023-11-07T25:00:00Z",
        "é",
    ] {
        let err = bad.parse::<DateTime>().unwrap_err();
        let _: &dyn std::error::Error = &err;
        assert!(serde_json::from_str::<DateTime>(&format!("\"{bad}\"")).is_err());
    }
    assert!(serde_json::from_str::<DateTime>("123").is_err());
}

#[test]
fn date_round_trips() {
    let d: Date = serde_json::from_str("\"2024-02-29\"").unwrap();
    assert_eq!(serde_json::to_string(&d).unwrap(), "\"2024-02-29\"");
    assert_eq!(d.to_string(), "2024-02-29");
    assert_eq!(d.year(), 2024);
    assert_eq!(
        "0099-01-05".parse::<Date>().unwrap().to_string(),
        "0099-01-05"
    );
    assert_eq!(
        "2023-11-07T05:31:56Z".parse::<Date>().unwrap().to_string(),
        "2023-11-07"
    );
    for bad in [
        "2023-02-29",
        "2023-2-01",
        "20230201",
        "abcd-ef-gh",
        "2023-00-10",
        "２０２３-01-01",
        "",
    ] {
        assert!(bad.parse::<Date>().is_err(), "{bad}");
    }
}

// ---------------------------------------------------------------- encoding

#[test]
fn path_param_encodes_one_segment() {
    assert_eq!(
        path_param("id", "a/b?c#d", Style::Simple, false).unwrap(),
        "a%2Fb%3Fc%23d"
    );
    assert_eq!(
        path_param("id", "café ü", Style::Simple, false).unwrap(),
        "caf%C3%A9%20%C3%BC"
    );
    assert_eq!(
        path_param("id", "a-b_c.d~e", Style::Simple, false).unwrap(),
        "a-b_c.d~e"
    );
    assert_eq!(
        path_param("id", "50%", Style::Simple, false).unwrap(),
        "50%25"
    );
    assert_eq!(path_param("id", &42, Style::Simple, false).unwrap(), "42");
    assert_eq!(
        path_param("id", &true, Style::Simple, false).unwrap(),
        "true"
    );
    assert_eq!(
        path_param("id", &-1.5, Style::Simple, false).unwrap(),
        "-1.5"
    );
    assert_eq!(
        path_param("id", &uuid::Uuid::nil(), Style::Simple, false).unwrap(),
        "00000000-0000-0000-0000-000000000000"
    );
    for bad in ["", ".", ".."] {
        let err = path_param("petId", bad, Style::Simple, false).unwrap_err();
        assert!(err.0.contains("petId"), "{err}");
    }
    assert!(path_param("id", &Vec::<String>::new(), Style::Simple, false).is_err());
    assert!(path_param("id", &(), Style::Simple, false).is_err());
    assert!(path_param("id", ".", Style::Label, false).is_err()); // renders `..`
}

#[test]
fn path_param_styles() {
    let arr = ["a b", "c,d"];
    let obj = json!({"first name": "Al", "role": "admin"});
    assert_eq!(
        path_param("x", &arr, Style::Simple, false).unwrap(),
        "a%20b,c%2Cd"
    );
    assert_eq!(
        path_param("x", &arr, Style::Simple, true).unwrap(),
        "a%20b,c%2Cd"
    );
    assert_eq!(
        path_param("x", &obj, Style::Simple, false).unwrap(),
        "first%20name,Al,role,admin"
    );
    assert_eq!(
        path_param("x", &obj, Style::Simple, true).unwrap(),
        "first%20name=Al,role=admin"
    );
    assert_eq!(path_param("x", "v", Style::Label, false).unwrap(), ".v");
    assert_eq!(
        path_param("x", &arr, Style::Label, false).unwrap(),
        ".a%20b,c%2Cd"
    );
    assert_eq!(
        path_param("x", &arr, Style::Label, true).unwrap(),
        ".a%20b.c%2Cd"
    );
    assert_eq!(
        path_param("x", &obj, Style::Label, true).unwrap(),
        ".first%20name=Al.role=admin"
    );
    assert_eq!(path_param("x", "v", Style::Matrix, false).unwrap(), ";x=v");
    assert_eq!(path_param("x", "", Style::Matrix, false).unwrap(), ";x");
    assert_eq!(
        path_param("x", &arr, Style::Matrix, false).unwrap(),
        ";x=a%20b,c%2Cd"
    );
    assert_eq!(
        path_param("x", &arr, Style::Matrix, true).unwrap(),
        ";x=a%20b;x=c%2Cd"
    );
    assert_eq!(
        path_param("x", &obj, Style::Matrix, false).unwrap(),
        ";x=first%20name,Al,role,admin"
    );
    assert_eq!(
        path_param("x", &obj, Style::Matrix, true).unwrap(),
        ";first%20name=Al;role=admin"
    );
}

fn q<T: Serialize + ?Sized>(
    name: &str,
    value: &T,
    style: Style,
    explode: bool,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    encode_query(&mut out, name, value, style, explode).unwrap();
    out
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn query_param_styles() {
    let arr = [1, 2, 3];
    assert_eq!(
        q("id", &arr, Style::Form, true),
        pairs(&[("id", "1"), ("id", "2"), ("id", "3")])
    );
    assert_eq!(q("id", &arr, Style::Form, false), pairs(&[("id", "1,2,3")]));
    assert_eq!(
        q("id", &arr, Style::SpaceDelimited, false),
        pairs(&[("id", "1 2 3")])
    );
    assert_eq!(
        q("id", &arr, Style::PipeDelimited, false),
        pairs(&[("id", "1|2|3")])
    );
    assert_eq!(q("id", &arr, Style::PipeDelimited, true).len(), 3);
    assert_eq!(q("q", "a b&c", Style::Form, true), pairs(&[("q", "a b&c")]));
    assert_eq!(q("n", &2.5, Style::Form, true), pairs(&[("n", "2.5")]));
    assert_eq!(q("b", &false, Style::Form, true), pairs(&[("b", "false")]));
    assert!(q("x", &Option::<u8>::None, Style::Form, true).is_empty());
    assert!(q("x", &Vec::<u8>::new(), Style::Form, false).is_empty());
    let obj = json!({"gone": null, "name": "Al", "role": "admin"});
    assert_eq!(
        q("o", &obj, Style::Form, true),
        pairs(&[("name", "Al"), ("role", "admin")])
    );
    assert_eq!(
        q("o", &obj, Style::Form, false),
        pairs(&[("o", "name,Al,role,admin")])
    );
    assert_eq!(
        q("filter", &obj, Style::DeepObject, true),
        pairs(&[("filter[name]", "Al"), ("filter[role]", "admin")])
    );
    let nested = json!({"a": {"b": 1, "c": "x"}, "tags": ["p", "q"]});
    assert_eq!(
        q("f", &nested, Style::DeepObject, true),
        pairs(&[
            ("f[a][b]", "1"),
            ("f[a][c]", "x"),
            ("f[tags][]", "p"),
            ("f[tags][]", "q")
        ])
    );
    let mut spec = RequestSpec::new("op", Method::GET, "/template", "/x", &[]);
    spec.query_param("limit", &10, Style::Form, true).unwrap();
    assert_eq!(spec.query, pairs(&[("limit", "10")]));
}

/// A parameter declared with `content: application/json`: structured
/// values as their JSON text, scalars as plain text, `null` as absent.
#[test]
fn json_content_parameters_send_json_text() {
    let filter = json!({"color": "red", "size": 3});
    assert_eq!(
        q("filter", &JsonText(&filter), Style::Form, true),
        pairs(&[("filter", r#"{"color":"red","size":3}"#)])
    );
    assert_eq!(
        q("ids", &JsonText(&[1, 2]), Style::Form, true),
        pairs(&[("ids", "[1,2]")])
    );
    assert_eq!(
        q("kind", &JsonText("a"), Style::Form, true),
        pairs(&[("kind", "a")])
    );
    assert!(q("kind", &JsonText(&Option::<u8>::None), Style::Form, true).is_empty());
    assert_eq!(
        path_param("f", &JsonText(&filter), Style::Simple, false).unwrap(),
        "%7B%22color%22%3A%22red%22%2C%22size%22%3A3%7D"
    );
    assert_eq!(
        path_param("kind", &JsonText("a b"), Style::Simple, false).unwrap(),
        "a%20b"
    );
    assert_eq!(
        header_value("X-Filter", &JsonText(&filter)).unwrap(),
        r#"{"color":"red","size":3}"#
    );
}

/// `x-multi-segment` (GitHub's `contents/{path}`, `git/refs/{ref}`): the
/// value's `/`s are kept, since GitHub routes by segment and answers an
/// encoded `%2F` with 404; each segment is encoded, and `.`/`..` segments
/// are refused so that a value cannot climb out of the operation's path.
#[test]
fn multi_segment_path_parameters_keep_their_slashes() {
    assert_eq!(
        path_segments("path", "docs/read me.md").unwrap(),
        "docs/read%20me.md"
    );
    assert_eq!(
        path_segments("ref", "heads/feature/x").unwrap(),
        "heads/feature/x"
    );
    // `%` and `?` are data, not syntax.
    assert_eq!(
        path_segments("path", "a%2Fb?c#d").unwrap(),
        "a%252Fb%3Fc%23d"
    );
    assert_eq!(path_segments("path", "").unwrap(), "");
    assert_eq!(path_segments("sha", &7).unwrap(), "7");
    for bad in ["..", "../admin", "a/../../b", "a/./b", "a/."] {
        let err = path_segments("path", bad).unwrap_err();
        assert!(err.0.contains("`path`"), "{bad}: {err}");
    }
    // A single-segment parameter still encodes the slash.
    assert_eq!(
        path_param("path", "docs/a.md", Style::Simple, false).unwrap(),
        "docs%2Fa.md"
    );
}

#[tokio::test]
async fn a_json_content_query_parameter_is_one_percent_encoded_pair() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let config = config_for(&server);
    let mut spec = get("/items");
    let filter = json!({"name": "a&b", "tags": ["x"]});
    spec.query_param("filter", &JsonText(&filter), Style::Form, true)
        .unwrap();
    exec::<()>(&config, spec, &RequestOptions::default())
        .await
        .unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(
        received[0].url.query(),
        Some("filter=%7B%22name%22%3A%22a%26b%22%2C%22tags%22%3A%5B%22x%22%5D%7D")
    );
}

#[test]
fn header_injection_is_rejected() {
    assert_eq!(header_value("X-Id", "abc").unwrap(), "abc");
    assert_eq!(header_value("X-Ids", &[1, 2]).unwrap(), "1,2");
    for bad in [
        "a\r\nSet-Cookie: x=1",
        "a\nb",
        "a\rb",
        "a\0b",
        "caf\u{e9}",
        "\u{7f}",
    ] {
        let err = header_value("X-Id", bad).unwrap_err();
        assert!(err.0.contains("X-Id"), "{err}");
        assert!(
            !err.0.contains("Set-Cookie"),
            "value must not be echoed: {err}"
        );
    }
    let mut spec = RequestSpec::new("op", Method::GET, "/template", "/x", &[]);
    assert!(spec.header_param("X-Id", "ok\r\nevil: 1").is_err());
    assert!(spec.header_param("Bad Name", "ok").is_err());
    spec.header_param("X-Opt", &Option::<String>::None).unwrap();
    assert!(spec.headers.is_empty());
    assert!(ClientBuilder::new("http://127.0.0.1:1")
        .header("X-A", "a\r\nb")
        .build()
        .is_err());
    assert!(ClientBuilder::new("http://127.0.0.1:1")
        .header("X A", "a")
        .build()
        .is_err());
}

// ---------------------------------------------------------------- auth & secrets

#[test]
fn credentials_select_semantics() {
    let mut creds = Credentials::default();
    let fixed = |auth: Auth| Source::Static(auth);
    creds.set("bearer", fixed(Auth::Bearer(Secret::new("tok"))));
    creds.set(
        "key",
        fixed(Auth::api_key(ApiKeyLocation::Header, "X-Key", "k1")),
    );
    creds.set(
        "key",
        fixed(Auth::api_key(ApiKeyLocation::Header, "X-Key", "k2")),
    );
    assert!(
        matches!(creds.get("key"), Some(Source::Static(Auth::ApiKey { value, .. })) if value.expose() == "k2")
    );
    assert!(creds.get("nope").is_none());

    assert!(creds.select(&[]).unwrap().is_empty());
    assert_eq!(creds.select(&[&["bearer"]]).unwrap().len(), 1);
    // AND inside one alternative.
    assert_eq!(creds.select(&[&["bearer", "key"]]).unwrap().len(), 2);
    // First satisfiable alternative wins.
    let chosen = creds.select(&[&["oauth"], &["key"], &["bearer"]]).unwrap();
    assert!(matches!(
        chosen.as_slice(),
        [("key", Source::Static(Auth::ApiKey { .. }))]
    ));
    // Empty alternative = anonymous allowed.
    assert!(creds.select(&[&["oauth"], &[]]).unwrap().is_empty());
    // Unsatisfiable: names missing schemes, no secrets.
    let err = creds
        .select(&[&["oauth"], &["bearer", "basic"]])
        .unwrap_err();
    assert!(err.0.contains("oauth") && err.0.contains("basic"), "{err}");
    assert!(!err.0.contains("tok") && !err.0.contains("k2"), "{err}");
    assert!(Credentials::default().select(&[&["a"]]).is_err());
}

#[test]
fn secrets_are_redacted_in_debug() {
    let s = Secret::new("hunter2");
    assert_eq!(format!("{s:?}"), "Secret(<redacted>)");
    assert_eq!(s.expose(), "hunter2");
    assert_eq!(Secret::from("a"), Secret::from(String::from("a")));
    let config = ClientBuilder::new("https://api.example.com/")
        .credential("basic", Auth::basic("user", "hunter2"))
        .credential("bearer", Auth::bearer("tok-SECRET"))
        .build()
        .unwrap();
    let debug = format!("{config:?}");
    assert!(
        !debug.contains("hunter2") && !debug.contains("tok-SECRET"),
        "{debug}"
    );
    assert_eq!(config.base_url, "https://api.example.com");
}

// ---------------------------------------------------------------- retry policy

#[test]
fn backoff_and_retry_after() {
    let p = RetryPolicy::default()
        .jitter(false)
        .initial_backoff(Duration::from_millis(100))
        .max_backoff(Duration::from_millis(350));
    assert_eq!(p.backoff(1), Duration::from_millis(100));
    assert_eq!(p.backoff(2), Duration::from_millis(200));
    assert_eq!(p.backoff(3), Duration::from_millis(350));
    assert_eq!(p.backoff(u32::MAX), Duration::from_millis(350));
    assert_eq!(p.backoff(0), Duration::from_millis(100));
    let j = p.clone().jitter(true);
    for n in 1..10 {
        let d = j.backoff(n);
        assert!(d >= p.backoff(n) / 2 && d <= p.backoff(n), "{d:?}");
    }
    assert_eq!(RetryPolicy::none().max_attempts, 1);
    let d = RetryPolicy::default();
    assert_eq!(
        (
            d.max_attempts,
            d.initial_backoff,
            d.max_backoff,
            d.max_elapsed,
            d.jitter
        ),
        (
            3,
            Duration::from_millis(250),
            Duration::from_secs(8),
            Duration::from_secs(30),
            true
        )
    );

    let now = UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
    assert_eq!(
        parse_retry_after("120", now),
        Some(Duration::from_secs(120))
    );
    assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
    assert_eq!(
        parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now),
        Some(Duration::from_secs(30))
    );
    assert_eq!(
        parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
        Some(Duration::ZERO)
    );
    // The obsolete date formats HTTP recipients must accept (RFC 9110 5.6.7).
    assert_eq!(
        parse_retry_after("Sunday, 06-Nov-94 08:50:07 GMT", now),
        Some(Duration::from_secs(30))
    );
    assert_eq!(
        parse_retry_after("Sun Nov  6 08:50:07 1994", now),
        Some(Duration::from_secs(30))
    );
    for bad in [
        "",
        "-1",
        "1.5",
        "soon",
        "99999999999999999999999",
        "Sun, 31 Feb 1994 08:00:00 GMT",
        "Sun, 06 Nov 1994 25:00:00 GMT",
        "Sun, 06 Nov 94 08:00:00 GMT",
        "Sun 06 Nov 1994 08:00:00 GMT",
        "Ω",
    ] {
        assert_eq!(parse_retry_after(bad, now), None, "{bad}");
    }
    assert!(parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", UNIX_EPOCH).is_some());

    for (code, retry) in [
        (408, true),
        (429, true),
        (500, true),
        (502, true),
        (503, true),
        (504, true),
        (501, false),
        (505, false),
        (400, false),
        (404, false),
        (200, false),
        (599, true),
    ] {
        assert_eq!(
            is_retryable_status(StatusCode::from_u16(code).unwrap()),
            retry,
            "{code}"
        );
    }
}

#[test]
fn rate_limit_reset_values() {
    let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let secs = Duration::from_secs;
    // Small values are delays (the IETF `RateLimit-Reset` draft).
    assert_eq!(parse_rate_limit_reset("0", now), Some(Duration::ZERO));
    assert_eq!(parse_rate_limit_reset("7", now), Some(secs(7)));
    assert_eq!(
        parse_rate_limit_reset(" 2.5 ", now),
        Some(Duration::from_millis(2500))
    );
    assert_eq!(
        parse_rate_limit_reset("999999999", now),
        Some(secs(999_999_999))
    );
    // From 10^9 on: Unix seconds (Intercom, GitHub), fractions allowed
    // (Discord); a reset already past is no wait.
    assert_eq!(
        parse_rate_limit_reset("1000000000", now),
        Some(Duration::ZERO)
    );
    assert_eq!(parse_rate_limit_reset("1700000010", now), Some(secs(10)));
    assert_eq!(
        parse_rate_limit_reset("1700000001.250", now),
        Some(Duration::from_millis(1250))
    );
    assert_eq!(
        parse_rate_limit_reset("1699999990", now),
        Some(Duration::ZERO)
    );
    // From 10^12 on: Unix milliseconds.
    assert_eq!(parse_rate_limit_reset("1700000003000", now), Some(secs(3)));
    assert_eq!(
        parse_rate_limit_reset("1699999999999", now),
        Some(Duration::ZERO)
    );
    for bad in [
        "",
        " ",
        "-1",
        "+5",
        "1e3",
        "5s",
        "1.",
        ".5",
        "1.2.3",
        "0x10",
        "NaN",
        "inf",
        "Ω",
        "Sun, 06 Nov 1994 08:49:37 GMT",
    ] {
        assert_eq!(parse_rate_limit_reset(bad, now), None, "{bad:?}");
    }
    // Absurdly large values neither panic nor wrap.
    assert!(parse_rate_limit_reset(&"9".repeat(400), now).is_none());
    assert!(parse_rate_limit_reset("99999999999999999999", now).is_some());
}

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(
            reqwest::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
    }
    map
}

#[test]
fn requested_wait_prefers_retry_after_then_reset_headers_on_429_only() {
    let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let secs = Duration::from_secs;
    let too_many = StatusCode::TOO_MANY_REQUESTS;
    let unavailable = StatusCode::SERVICE_UNAVAILABLE;
    let all = headers(&[
        ("Retry-After", "1"),
        ("RateLimit-Reset", "2"),
        ("X-RateLimit-Reset", "1700000003"),
        ("X-Rate-Limit-Reset", "4"),
    ]);
    assert_eq!(requested_wait(too_many, &all, now), Some(secs(1)));
    assert_eq!(requested_wait(unavailable, &all, now), Some(secs(1)));
    let resets = headers(&[
        ("RateLimit-Reset", "2"),
        ("X-RateLimit-Reset", "1700000003"),
        ("X-Rate-Limit-Reset", "4"),
    ]);
    assert_eq!(requested_wait(too_many, &resets, now), Some(secs(2)));
    // Reset headers describe a quota; on a 503 they say nothing about when
    // the outage ends.
    assert_eq!(requested_wait(unavailable, &resets, now), None);
    // Intercom's 429: only `X-RateLimit-Reset`, a Unix time.
    let intercom = headers(&[
        ("X-RateLimit-Limit", "1000"),
        ("X-RateLimit-Remaining", "0"),
        ("X-RateLimit-Reset", "1700000005"),
    ]);
    assert_eq!(requested_wait(too_many, &intercom, now), Some(secs(5)));
    // An unparseable value falls through to the next header.
    let garbled = headers(&[
        ("Retry-After", "soon"),
        ("RateLimit-Reset", "later"),
        ("X-Rate-Limit-Reset", "6"),
    ]);
    assert_eq!(requested_wait(too_many, &garbled, now), Some(secs(6)));
    assert_eq!(requested_wait(too_many, &HeaderMap::new(), now), None);
}

#[test]
fn policy_wait_honours_requests_within_the_cap() {
    let ms = Duration::from_millis;
    let p = RetryPolicy::default()
        .jitter(false)
        .initial_backoff(ms(100))
        .max_backoff(ms(1000));
    assert_eq!(p.wait(1, None), Some(ms(100)));
    assert_eq!(p.wait(3, None), Some(ms(400)));
    // The longer of the request and the backoff.
    assert_eq!(p.wait(1, Some(ms(700))), Some(ms(700)));
    assert_eq!(p.wait(3, Some(ms(10))), Some(ms(400)));
    // A past reset still backs off.
    assert_eq!(p.wait(1, Some(Duration::ZERO)), Some(ms(100)));
    assert_eq!(p.wait(1, Some(ms(1000))), Some(ms(1000)));
    // Longer than the cap: stop retrying.
    assert_eq!(p.wait(1, Some(ms(1001))), None);
    // Jitter adds up to `initial_backoff`, never beyond the cap, never below
    // the request.
    let j = p.clone().jitter(true);
    let mut extras = std::collections::BTreeSet::new();
    for _ in 0..200 {
        let w = j.wait(1, Some(ms(500))).unwrap();
        assert!(w >= ms(500) && w <= ms(600), "{w:?}");
        extras.insert(w);
        let w = j.wait(1, Some(ms(950))).unwrap();
        assert!(w >= ms(950) && w <= ms(1000), "{w:?}");
    }
    assert!(extras.len() > 1, "jitter varies the wait");
    assert_eq!(j.wait(1, Some(ms(1001))), None);
}

// ---------------------------------------------------------------- executor

fn fast_retry(attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(attempts)
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_secs(2))
        .jitter(false)
}

fn config_for(server: &MockServer) -> ClientConfig {
    ClientBuilder::new(&server.uri())
        .retry(fast_retry(3))
        .build()
        .unwrap()
}

/// [`execute`] with its failure as the `Error` generated code sees.
async fn exec<E>(
    config: &ClientConfig,
    spec: RequestSpec,
    options: &RequestOptions,
) -> Result<RawResponse, Error<E>> {
    execute(config, spec, options).await.map_err(Error::from)
}

fn get(path: &str) -> RequestSpec {
    RequestSpec::new("getThing", Method::GET, "/template", path, &[])
}

#[tokio::test]
async fn retries_retryable_status_up_to_max_attempts() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/flaky"))
        .respond_with(ResponseTemplate::new(503).set_body_string("busy"))
        .expect(3)
        .mount(&server)
        .await;
    let config = config_for(&server);
    let raw = exec::<()>(&config, get("/flaky"), &RequestOptions::default())
        .await
        .unwrap();
    assert_eq!(raw.status_code(), 503);
    let err: Err = raw.unexpected();
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert!(err.to_string().contains("busy"), "{err}");
    server.verify().await;
}

#[tokio::test]
async fn retry_then_success_and_no_retry_on_4xx() {
    let server = MockServer::start().await;
    Mock::given(path("/eventually"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(path("/eventually"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/bad"))
        .respond_with(ResponseTemplate::new(400))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/unimplemented"))
        .respond_with(ResponseTemplate::new(501))
        .expect(1)
        .mount(&server)
        .await;
    let config = config_for(&server);
    let opts = RequestOptions::default();
    let ok = exec::<()>(&config, get("/eventually"), &opts)
        .await
        .unwrap();
    let resp: Response<serde_json::Value> = ok.json::<_, ()>().unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp["ok"], json!(true));
    assert_eq!(
        exec::<()>(&config, get("/bad"), &opts)
            .await
            .unwrap()
            .status_code(),
        400
    );
    assert_eq!(
        exec::<()>(&config, get("/unimplemented"), &opts)
            .await
            .unwrap()
            .status_code(),
        501
    );
    // Per-request policy overrides the client's.
    Mock::given(path("/once"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let once = RequestOptions::new().retry(RetryPolicy::none());
    assert_eq!(
        exec::<()>(&config, get("/once"), &once)
            .await
            .unwrap()
            .status_code(),
        503
    );
    server.verify().await;
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let server = MockServer::start().await;
    Mock::given(path("/limited"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .expect(2)
        .mount(&server)
        .await;
    let config = ClientBuilder::new(&server.uri())
        .retry(fast_retry(2))
        .build()
        .unwrap();
    let started = Instant::now();
    let raw = exec::<()>(&config, get("/limited"), &RequestOptions::default())
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(raw.status_code(), 429);
    server.verify().await;
}

/// Intercom's 429 carries only `X-RateLimit-Reset`, a Unix time: the retry
/// waits until then, and sends the same request again.
#[tokio::test]
async fn x_ratelimit_reset_is_honoured() {
    let server = MockServer::start().await;
    let now = std::time::SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    // At least one second ahead, whatever the fraction of the current second.
    let reset = now + 2;
    Mock::given(path("/limited"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("X-RateLimit-Limit", "1000")
                .insert_header("X-RateLimit-Remaining", "0")
                .insert_header("X-RateLimit-Reset", reset.to_string().as_str()),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/limited"))
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .with_priority(2)
        .mount(&server)
        .await;
    let config = ClientBuilder::new(&server.uri())
        .retry(fast_retry(2).max_backoff(Duration::from_secs(5)))
        .build()
        .unwrap();
    let mut spec = RequestSpec::new(
        "putThing",
        Method::PUT,
        "/template",
        "/limited".to_string(),
        &[],
    );
    spec.json_body(&json!({"email": "a@example.com"})).unwrap();
    let raw = exec::<()>(&config, spec, &RequestOptions::default())
        .await
        .unwrap();
    let done = std::time::SystemTime::now();
    assert_eq!(raw.status_code(), 200);
    assert!(
        done >= UNIX_EPOCH + Duration::from_secs(reset),
        "retried before the reset time {reset}: {done:?}"
    );
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
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
    assert_eq!(wire(&requests[0]), wire(&requests[1]));
    assert_eq!(requests[1].body, br#"{"email":"a@example.com"}"#);
}

/// A reset further away than `max_backoff` (a daily quota) is not waited
/// for: the 429 is returned at once, with its headers.
#[tokio::test]
async fn distant_reset_stops_retrying() {
    let server = MockServer::start().await;
    let reset = std::time::SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 3600;
    Mock::given(path("/quota"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("X-RateLimit-Reset", reset.to_string().as_str()),
        )
        .expect(1)
        .mount(&server)
        .await;
    let config = config_for(&server);
    let started = Instant::now();
    let raw = exec::<()>(&config, get("/quota"), &RequestOptions::default())
        .await
        .unwrap();
    assert_eq!(raw.status_code(), 429);
    assert_eq!(
        raw.header("x-ratelimit-reset"),
        Some(reset.to_string().as_str())
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    server.verify().await;
}

#[tokio::test]
async fn long_retry_after_stops_retrying() {
    let server = MockServer::start().await;
    Mock::given(path("/later"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "3600"))
        .expect(1)
        .mount(&server)
        .await;
    let config = config_for(&server);
    let started = Instant::now();
    let raw = exec::<()>(&config, get("/later"), &RequestOptions::default())
        .await
        .unwrap();
    assert_eq!(raw.status_code(), 503);
    assert_eq!(raw.header("retry-after"), Some("3600"));
    assert!(started.elapsed() < Duration::from_secs(2));
    server.verify().await;
}

#[tokio::test]
async fn max_elapsed_bounds_retries() {
    let server = MockServer::start().await;
    Mock::given(path("/slowfail"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let policy = fast_retry(5)
        .initial_backoff(Duration::from_millis(500))
        .max_elapsed(Duration::from_millis(100));
    let config = ClientBuilder::new(&server.uri())
        .retry(policy)
        .build()
        .unwrap();
    let raw = exec::<()>(&config, get("/slowfail"), &RequestOptions::default())
        .await
        .unwrap();
    assert_eq!(raw.status_code(), 503);
    server.verify().await;
}

#[tokio::test]
async fn post_is_retried_only_with_idempotency_key_or_opt_in() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/plain"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/keyed"))
        .and(header("Idempotency-Key", "key-123"))
        .respond_with(ResponseTemplate::new(503))
        .expect(3)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/optin"))
        .respond_with(ResponseTemplate::new(502))
        .expect(3)
        .mount(&server)
        .await;
    let config = config_for(&server);
    let post = |p: &str| {
        let mut spec = RequestSpec::new("createThing", Method::POST, "/template", p, &[]);
        spec.json_body(&json!({"name": "x"})).unwrap();
        spec
    };
    let plain = exec::<()>(&config, post("/plain"), &RequestOptions::default())
        .await
        .unwrap();
    assert_eq!(plain.status_code(), 503);
    let keyed = RequestOptions::new().idempotency_key("key-123");
    assert_eq!(
        exec::<()>(&config, post("/keyed"), &keyed)
            .await
            .unwrap()
            .status_code(),
        503
    );
    let optin = RequestOptions::new().retry_non_idempotent(true);
    assert_eq!(
        exec::<()>(&config, post("/optin"), &optin)
            .await
            .unwrap()
            .status_code(),
        502
    );
    server.verify().await;
    let requests = server.received_requests().await.unwrap();
    let first = requests.first().unwrap();
    assert_eq!(
        first.headers.get("content-type").unwrap(),
        "application/json"
    );
    assert_eq!(first.body, br#"{"name":"x"}"#);
}

#[tokio::test]
async fn timeout_is_classified_as_timeout() {
    let server = MockServer::start().await;
    Mock::given(path("/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(2)))
        .mount(&server)
        .await;
    let config = ClientBuilder::new(&server.uri())
        .retry(RetryPolicy::none())
        .credential(
            "key",
            Auth::api_key(ApiKeyLocation::Query, "api_key", "SEKRIT-Q"),
        )
        .build()
        .unwrap();
    let spec = RequestSpec::new("slowOp", Method::GET, "/template", "/slow", &[&["key"]]);
    let opts = RequestOptions::new().timeout(Duration::from_millis(200));
    let started = Instant::now();
    let err = exec::<()>(&config, spec, &opts).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_millis(1500));
    assert!(err.is_timeout(), "{err:?}");
    let shown = format!("{err} {err:?}");
    assert!(
        shown.contains("slowOp") && shown.contains("/slow"),
        "{shown}"
    );
    assert!(
        !shown.contains("SEKRIT-Q") && !shown.contains("api_key="),
        "{shown}"
    );
}

#[tokio::test]
async fn transport_errors_never_leak_secrets_or_query() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let config = ClientBuilder::new(&format!("http://127.0.0.1:{port}"))
        .retry(fast_retry(2))
        .credential(
            "key",
            Auth::api_key(ApiKeyLocation::Query, "api_key", "SEKRIT-Q"),
        )
        .credential("bearer", Auth::bearer("tok-SEKRIT"))
        .build()
        .unwrap();
    let mut spec = RequestSpec::new(
        "listThings",
        Method::GET,
        "/template",
        "/things",
        &[&["key", "bearer"]],
    );
    spec.query_param("search", "private words", Style::Form, true)
        .unwrap();
    let err = exec::<()>(&config, spec, &RequestOptions::default())
        .await
        .unwrap_err();
    assert!(err.is_transport(), "{err:?}");
    assert!(std::error::Error::source(&err).is_some());
    let mut shown = format!("{err} | {err:?}");
    let mut source = std::error::Error::source(&err);
    while let Some(s) = source {
        shown.push_str(&format!(" | {s} | {s:?}"));
        source = s.source();
    }
    for leak in ["SEKRIT", "api_key=", "private", "search="] {
        assert!(!shown.contains(leak), "{leak} leaked: {shown}");
    }
    assert!(
        shown.contains("listThings") && shown.contains("GET /things"),
        "{shown}"
    );
    assert!(err.status().is_none() && err.headers().is_none() && err.api_body().is_none());
}

#[tokio::test]
async fn credentials_are_applied_and_500_errors_do_not_leak() {
    let server = MockServer::start().await;
    Mock::given(path("/secure"))
        .and(query_param("api_key", "SEKRIT-Q"))
        .and(query_param("q", "a b"))
        .and(header("authorization", "Basic dXNlcjpwYXNz"))
        .and(header("x-key", "hk"))
        .and(header("cookie", "session=ck"))
        .and(header("x-default", "d"))
        .and(header("x-extra", "e"))
        .respond_with(ResponseTemplate::new(500).set_body_string("internal"))
        .expect(1)
        .mount(&server)
        .await;
    let config = ClientBuilder::new(&server.uri())
        .retry(RetryPolicy::none())
        .header("X-Default", "d")
        .credential(
            "q",
            Auth::api_key(ApiKeyLocation::Query, "api_key", "SEKRIT-Q"),
        )
        .credential("h", Auth::api_key(ApiKeyLocation::Header, "X-Key", "hk"))
        .credential("c", Auth::api_key(ApiKeyLocation::Cookie, "session", "ck"))
        .credential("basic", Auth::basic("user", "pass"))
        .build()
        .unwrap();
    let mut spec = RequestSpec::new(
        "secureOp",
        Method::GET,
        "/template",
        "/secure",
        &[&["missing"], &["q", "h", "c", "basic"]],
    );
    spec.query_param("q", "a b", Style::Form, true).unwrap();
    let opts = RequestOptions::new().header("X-Extra", "e");
    let raw = exec::<()>(&config, spec, &opts).await.unwrap();
    assert_eq!(raw.status_code(), 500);
    let err: Err = raw.clone().unexpected();
    let shown = format!("{err} {err:?}");
    assert!(
        !shown.contains("SEKRIT") && !shown.contains("api_key="),
        "{shown}"
    );
    let decode_err = raw
        .decode::<serde_json::Value, serde_json::Value>()
        .unwrap_err();
    assert!(!decode_err.to_string().contains("SEKRIT"));
    server.verify().await;
    let req = server.received_requests().await.unwrap();
    let ua = req[0].headers.get("user-agent").unwrap().to_str().unwrap();
    assert!(ua.starts_with("clientgen/"), "{ua}");

    // Bearer, and missing credentials fail before sending anything.
    Mock::given(path("/bearer"))
        .and(header("authorization", "Bearer tok"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let mut config = config;
    config.set_credential("b", Auth::bearer("tok"));
    let spec = RequestSpec::new("bearerOp", Method::GET, "/template", "/bearer", &[&["b"]]);
    let raw = exec::<()>(&config, spec, &RequestOptions::default())
        .await
        .unwrap();
    assert_eq!(raw.empty::<()>().unwrap().status(), StatusCode::NO_CONTENT);
    let spec = RequestSpec::new(
        "needsOauth",
        Method::GET,
        "/template",
        "/bearer",
        &[&["oauth"]],
    );
    let err = exec::<()>(&config, spec, &RequestOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest { message } if message.contains("oauth")),
        "{err}"
    );
    server.verify().await;
}

#[tokio::test]
async fn encoded_path_and_bodies_reach_the_server() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(200).insert_header("x-request-id", "r1"))
        .mount(&server)
        .await;
    let config = config_for(&server);
    let path_value = path_param("name", "a/b?c#d é", Style::Simple, false).unwrap();
    let mut spec = RequestSpec::new(
        "putItem",
        Method::PUT,
        "/template",
        format!("/items/{path_value}"),
        &[],
    );
    spec.form_body(&[("name", "x y"), ("n", "1&2")]).unwrap();
    let raw = exec::<()>(&config, spec, &RequestOptions::default())
        .await
        .unwrap();
    assert_eq!(raw.header("x-request-id"), Some("r1"));
    let mut spec = RequestSpec::new("putText", Method::PUT, "/template", "/text", &[]);
    spec.text_body("hello".to_owned(), "text/plain");
    exec::<()>(&config, spec, &RequestOptions::default())
        .await
        .unwrap();
    let mut spec = RequestSpec::new("putBytes", Method::PUT, "/template", "/bytes", &[]);
    spec.bytes_body(Bytes::from_static(b"\x00\x01"), "application/octet-stream");
    exec::<()>(&config, spec, &RequestOptions::default())
        .await
        .unwrap();

    let req = server.received_requests().await.unwrap();
    assert_eq!(req[0].url.path(), "/items/a%2Fb%3Fc%23d%20%C3%A9");
    assert!(req[0].url.query().is_none());
    assert_eq!(
        req[0].headers.get("content-type").unwrap(),
        "application/x-www-form-urlencoded"
    );
    assert_eq!(req[0].body, b"name=x+y&n=1%262");
    assert_eq!(req[1].headers.get("content-type").unwrap(), "text/plain");
    assert_eq!(req[1].body, b"hello");
    assert_eq!(req[2].body, b"\x00\x01");
}

#[test]
fn client_builder_validates() {
    for bad in [
        "ftp://example.com",
        "not a url",
        "/relative",
        "http://",
        "https://x.com/?a=1",
    ] {
        assert!(ClientBuilder::new(bad).build().is_err(), "{bad}");
    }
    let c = ClientBuilder::new("https://example.com/v1/")
        .timeout(Duration::from_secs(5))
        .connect_timeout(Duration::from_secs(1))
        .user_agent("my-app/1.0")
        .build()
        .unwrap();
    assert_eq!(c.base_url, "https://example.com/v1");
    assert_eq!(c.timeout, Some(Duration::from_secs(5)));
    assert_eq!(c.user_agent, "my-app/1.0");
    let c = ClientBuilder::new("https://x.com")
        .base_url("http://localhost:8080")
        .http_client(reqwest::Client::new())
        .build()
        .unwrap();
    assert_eq!(c.base_url, "http://localhost:8080");
    let c = ClientConfig::new("https://example.com/");
    assert_eq!(c.base_url, "https://example.com");
    assert!(c.user_agent.starts_with("clientgen/"));
    assert_eq!(c.timeout, Some(Duration::from_secs(60)));
}

#[tokio::test]
async fn invalid_base_url_in_config_is_an_invalid_request() {
    let config = ClientConfig::new("not a url");
    let err = exec::<()>(&config, get("/x"), &RequestOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
    let config = ClientConfig::new("http://127.0.0.1:1");
    let opts = RequestOptions::new().header("X-Bad", "a\nb");
    let err = exec::<()>(&config, get("/x"), &opts).await.unwrap_err();
    assert!(err.to_string().contains("X-Bad"), "{err}");
}

// ---------------------------------------------------------------- decoding

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Envelope {
    data: User,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct User {
    id: u64,
    email: String,
}

fn raw(status: u16, body: impl Into<Bytes>) -> RawResponse {
    RawResponse {
        status: StatusCode::from_u16(status).unwrap(),
        headers: HeaderMap::new(),
        body: body.into(),
    }
}

#[test]
fn decode_error_carries_json_path() {
    let r = raw(200, r#"{"data": {"id": 1, "email": 42}}"#);
    let err = r.decode::<Envelope, ()>().unwrap_err();
    match &err {
        Error::Decode {
            path,
            status,
            body_snippet,
            message,
            ..
        } => {
            assert_eq!(path, "data.email");
            assert_eq!(*status, StatusCode::OK);
            assert!(body_snippet.contains("email"));
            assert!(message.contains("invalid type"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("data.email"), "{err}");
    let ok: Envelope = raw(200, r#"{"data": {"id": 1, "email": "a@b"}}"#)
        .decode::<_, ()>()
        .unwrap();
    assert_eq!(ok.data.email, "a@b");
    assert!(raw(200, r#"{"data": {"id": 1, "email": "a@b"}} trailing"#)
        .decode::<Envelope, ()>()
        .is_err());
}

#[test]
fn hostile_bodies_never_panic() {
    let garbage: Vec<u8> = (0..10 * 1024 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let bodies: Vec<Bytes> = vec![
        Bytes::new(),
        Bytes::from_static(b"   \n"),
        Bytes::from_static(b"<html><body>502 Bad Gateway</body></html>"),
        Bytes::from_static(br#"{"data": {"id": 1, "em"#),
        Bytes::from_static(b"\xff\xfe\xfd"),
        Bytes::from("é".repeat(5000)),
        Bytes::from("[".repeat(100_000)),
        Bytes::from(garbage),
    ];
    for body in bodies {
        let len = body.len();
        let r = raw(502, body.clone());
        let _ = r.decode::<Envelope, ()>();
        let _ = r.decode::<serde_json::Value, ()>();
        if let Err(Error::Decode { body_snippet, .. }) = r.decode::<Envelope, ()>() {
            assert!(body_snippet.len() <= 512);
        }
        let _ = r.clone().text::<()>();
        let raw_body = r.clone().raw::<()>().unwrap();
        assert_eq!(raw_body.body().bytes().len(), len);
        let _ = raw_body.text();
        let _ = raw_body.json::<serde_json::Value>();
        match r.unexpected::<()>() {
            Error::UnexpectedStatus { body, body_len, .. } => {
                assert!(body.len() <= 4096);
                assert_eq!(body_len, len);
            }
            other => panic!("{other:?}"),
        }
    }
    // Empty bodies decode as null.
    assert!(raw(200, Bytes::new())
        .decode::<Option<User>, ()>()
        .unwrap()
        .is_none());
    raw(204, Bytes::new()).decode::<(), ()>().unwrap();
    assert!(matches!(
        raw(200, Bytes::new()).decode::<User, ()>(),
        Err(Error::Decode { .. })
    ));
    assert!(matches!(
        raw(200, &b"\xff"[..]).text::<()>(),
        Err(Error::Decode { .. })
    ));
    assert_eq!(raw(200, "héllo").text::<()>().unwrap().into_body(), "héllo");
}

#[tokio::test]
async fn big_garbage_body_over_http() {
    let server = MockServer::start().await;
    let garbage: Vec<u8> = (0..10 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    Mock::given(path("/big"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(garbage))
        .mount(&server)
        .await;
    let config = config_for(&server);
    let r = exec::<()>(&config, get("/big"), &RequestOptions::default())
        .await
        .unwrap();
    assert_eq!(r.body.len(), 10 * 1024 * 1024);
    let err = r.json::<serde_json::Value, ()>().unwrap_err();
    assert!(matches!(&err, Error::Decode { body_snippet, .. } if body_snippet.len() <= 512));
}

#[test]
fn response_and_error_helpers() {
    let mut headers = HeaderMap::new();
    headers.insert("x-rate", "10".parse().unwrap());
    let resp = Response::new(StatusCode::CREATED, headers.clone(), vec![1, 2]);
    assert_eq!(resp.len(), 2);
    assert_eq!(resp.header("x-rate"), Some("10"));
    assert_eq!(resp.header("bad name\n"), None);
    assert_eq!(resp.body(), &vec![1, 2]);
    let mapped = resp.clone().map(|v| v.len());
    assert_eq!(*mapped.body(), 2);
    let (status, h, body) = resp.into_parts();
    assert_eq!(
        (status, h.len(), body),
        (StatusCode::CREATED, 1, vec![1, 2])
    );

    let r = RawResponse {
        status: StatusCode::NOT_FOUND,
        headers,
        body: Bytes::from_static(br#"{"code":"nf"}"#),
    };
    let body: serde_json::Value = r.decode::<_, ()>().unwrap();
    let err = r.api_error(body);
    assert_eq!(err.status(), Some(StatusCode::NOT_FOUND));
    assert_eq!(err.api_body(), Some(&json!({"code": "nf"})));
    assert!(err.headers().unwrap().contains_key("x-rate"));
    assert!(err.to_string().contains("404"), "{err}");
    let mapped: Error<String> = err.map_api(|v| v.to_string());
    assert!(mapped.api_body().unwrap().contains("nf"));
    let from: Err = InvalidRequest("bad".into()).into();
    assert_eq!(from.to_string(), "invalid request: bad");
    assert!(!from.is_timeout() && !from.is_transport());
}
