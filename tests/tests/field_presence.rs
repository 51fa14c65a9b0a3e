//! Field presence in decoded responses: a required, nullable property reads
//! `null` or a value, and absent as `null` (except in a union's strict
//! attempt); an optional, nullable one has three states; nothing the
//! server sends is dropped.

use contact_clients::intercom::types::{Contact, UpdateContactRequest};
use contact_clients::runtime::Maybe;
use serde_json::Value;

fn contact_example() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../specs/intercom.yaml");
    let spec: Value =
        serde_norway::from_str(&std::fs::read_to_string(path).expect("spec readable"))
            .expect("spec parses");
    spec["components"]["examples"]["Contact"]["value"].clone()
}

#[test]
fn required_nullable_null_is_none_and_reencodes_as_null() {
    let example = contact_example();
    assert_eq!(
        example["phone"],
        Value::Null,
        "fixture: the example's phone is null"
    );
    let contact: Contact = serde_json::from_value(example.clone()).expect("example decodes");
    assert_eq!(contact.phone, None);
    assert_eq!(
        serde_json::to_value(&contact).expect("encodes")["phone"],
        Value::Null
    );
}

/// Servers omit nulls, and a property an API adds as required and nullable
/// is absent from older servers (GitHub's `digest` of a release asset in
/// Octokit's recordings of 2022): absent reads as `null`, as serde reads an
/// absent `Option`. A union's strict attempt still needs the key, so that a
/// variant that has it wins.
#[test]
fn required_nullable_absent_reads_as_null_except_in_a_strict_attempt() {
    let mut example = contact_example();
    example.as_object_mut().expect("object").remove("phone");
    let contact: Contact = serde_json::from_value(example.clone()).expect("absent is null");
    assert_eq!(contact.phone, None);
    assert_eq!(
        serde_json::to_value(&contact).expect("encodes")["phone"],
        Value::Null
    );
    let strict = contact_clients::runtime::lenient::Mode::set(true);
    let err = serde_json::from_value::<Contact>(example).expect_err("strict: the key is missing");
    drop(strict);
    assert!(err.to_string().contains("missing field `phone`"), "{err}");
    // A required property that is not nullable is still missing.
    let mut example = contact_example();
    example.as_object_mut().expect("object").remove("id");
    let err = serde_json::from_value::<Contact>(example).expect_err("`id` is required");
    assert!(err.to_string().contains("missing field `id`"), "{err}");
}

/// A number where the schema says string (an id one backend sends as a
/// number: PyGithub's recordings of GitHub's `key_id`) is its decimal
/// text; a union's strict attempt does not take it; other types still fail.
#[test]
fn a_number_for_a_string_is_its_text() {
    let mut example = contact_example();
    example["external_id"] = serde_json::json!(568250167242549743u64);
    example["name"] = serde_json::json!(1.5);
    let contact: Contact = serde_json::from_value(example.clone()).expect("decodes");
    assert_eq!(contact.external_id.as_deref(), Some("568250167242549743"));
    assert_eq!(contact.name.as_deref(), Some("1.5"));
    let back = serde_json::to_value(&contact).expect("encodes");
    assert_eq!(back["external_id"], "568250167242549743");
    let strict = contact_clients::runtime::lenient::Mode::set(true);
    let err = serde_json::from_value::<Contact>(example.clone()).expect_err("strict");
    drop(strict);
    assert!(err.to_string().contains("a number for a string"), "{err}");
    example["name"] = serde_json::json!(["a"]);
    let err = serde_json::from_value::<Contact>(example).expect_err("an array is not a string");
    assert!(err.to_string().contains("expected a string"), "{err}");
}

#[test]
fn optional_nullable_has_three_states() {
    for (json, expected) in [
        (r#"{}"#, Maybe::Absent),
        (r#"{"phone":null}"#, Maybe::Null),
        (r#"{"phone":"+1"}"#, Maybe::Value("+1".to_string())),
    ] {
        let req: UpdateContactRequest = serde_json::from_str(json).expect("decodes");
        assert_eq!(req.phone, expected, "{json}");
        assert_eq!(serde_json::to_string(&req).expect("encodes"), json);
    }
}

#[test]
fn undeclared_properties_survive_a_round_trip() {
    let mut example = contact_example();
    example["brand_new"] = serde_json::json!({"nested": [1, null, "x"]});
    example["location"]["timezone"] = Value::String("Europe/Dublin".into());
    let contact: Contact = serde_json::from_value(example.clone()).expect("decodes");
    assert_eq!(contact.extra["brand_new"], example["brand_new"]);
    assert_eq!(serde_json::to_value(&contact).expect("encodes"), example);
}
