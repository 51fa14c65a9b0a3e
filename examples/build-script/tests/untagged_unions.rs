//! An untagged `anyOf` of partial objects on the wire, the shape of
//! Discord's PATCH bodies (`generator/tests/constructs/anyof_partial_objects.yaml`):
//! the generated client picks the first member the value fits as it is,
//! before any member it fits only through lenient decoding, so a `null`
//! that a later member allows ("clear the metadata") is kept and sent back,
//! not read as absent by the first member.

mod api {
    include!(concat!(env!("OUT_DIR"), "/anyof_partial_objects.rs"));
}

use api::types::{KeywordRulePartial, KeywordRulePartialKind, ListRulePartial, RulePatch};
use api::Client;
use serde_json::{json, Value};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// PATCHes `sent` and decodes the server's answer `answer`.
async fn round_trip(sent: &RulePatch, expect_sent: Value, answer: &Value) -> RulePatch {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/rules/7"))
        .and(body_json(expect_sent))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    client
        .update_rule("7", sent)
        .await
        .expect("the answer decodes")
        .into_body()
}

#[tokio::test]
async fn a_null_only_a_later_member_allows_is_kept_both_ways() {
    let clear = RulePatch::KeywordRulePartial(KeywordRulePartial {
        metadata: api::runtime::Maybe::Null,
        ..Default::default()
    });
    let body = json!({"metadata": null});
    let got = round_trip(&clear, body.clone(), &body).await;
    assert_eq!(got, clear);
    assert_eq!(serde_json::to_value(&got).unwrap(), body);
}

#[test]
fn each_value_decodes_as_the_member_it_fits_as_it_is() {
    let decode = |v: Value| -> RulePatch { serde_json::from_value(v).expect("decodes") };
    // The first member, when the value fits it: as before.
    let list = json!({"name": "n", "kind": 4, "position": 2, "metadata": {"presets": [1]}});
    let got = decode(list.clone());
    assert!(matches!(got, RulePatch::ListRulePartial(_)), "{got:?}");
    assert_eq!(serde_json::to_value(&got).unwrap(), list);
    // A string the first member would read as a number, a kind only the
    // second lists: the second member, every value as received.
    for body in [
        json!({"position": "3"}),
        json!({"kind": 1, "name": "n"}),
        json!({"metadata": null, "name": "n"}),
    ] {
        let got = decode(body.clone());
        assert!(
            matches!(got, RulePatch::KeywordRulePartial(_)),
            "{body}: {got:?}"
        );
        assert_eq!(serde_json::to_value(&got).unwrap(), body);
    }
    let RulePatch::KeywordRulePartial(k) = decode(json!({"kind": 1})) else {
        panic!("not the keyword member")
    };
    assert_eq!(k.kind, Some(KeywordRulePartialKind::V1));
}

#[test]
fn lenient_decoding_still_applies_when_no_member_fits_as_it_is() {
    // A kind neither member lists (forward compatible) with a number inside
    // a string: the first member, leniently, the kind kept as unknown.
    let got: RulePatch =
        serde_json::from_value(json!({"kind": 9, "metadata": {"presets": ["5"]}})).unwrap();
    let RulePatch::ListRulePartial(ListRulePartial { kind, metadata, .. }) = got else {
        panic!("not the list member: {got:?}")
    };
    assert_eq!(kind.map(|k| k.value()), Some(9));
    assert_eq!(metadata.and_then(|m| m.presets), Some(vec![5]));
}
