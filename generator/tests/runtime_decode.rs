//! Decoding what real servers send: lenient numbers, booleans and
//! date-times, generated-style structs and unions, and `Error::Decode`
//! naming the exact path of a failure.
//!
//! `Item`, `Order` and `Shape` below are written in the style of an earlier
//! generated form (a `?` per property) and test the runtime's free
//! functions; `Contact` and `Note` (at the end) are written exactly as the
//! generator emits structs today (`emit/types.rs`), so those tests pin down
//! the runtime half of that contract.

#[path = "../runtime/mod.rs"]
pub mod runtime;

use std::collections::BTreeMap;

use bytes::Bytes;
use reqwest::{header::HeaderMap, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use runtime::lenient::Lenient;
use runtime::{DateTime, Error, Maybe, RawResponse};

fn lenient<T: Lenient>(v: Value) -> Result<T, String> {
    T::decode(v).map_err(|e| e.to_string())
}

// ---------------------------------------------------------------- lenient

#[test]
fn integers_accept_strings_and_integral_floats() {
    assert_eq!(lenient::<i64>(json!(42)), Ok(42));
    assert_eq!(lenient::<i64>(json!("42")), Ok(42));
    assert_eq!(lenient::<i64>(json!("-7")), Ok(-7));
    assert_eq!(lenient::<i64>(json!(3.0)), Ok(3));
    assert_eq!(lenient::<i64>(json!("3.0")), Ok(3));
    assert_eq!(lenient::<u64>(json!("18446744073709551615")), Ok(u64::MAX));
    assert_eq!(lenient::<i32>(json!("-2147483648")), Ok(i32::MIN));
    for bad in [
        json!(3.5),
        json!("3.5"),
        json!("zero"),
        json!(""),
        json!("NaN"),
        json!("inf"),
        json!(1e300),
        json!(true),
        json!(null),
        json!([1]),
    ] {
        assert!(
            lenient::<i64>(bad.clone()).is_err(),
            "{bad} must not decode as i64"
        );
    }
    assert!(lenient::<i32>(json!("3000000000")).is_err());
    assert!(lenient::<u64>(json!(-1)).is_err());
}

#[test]
fn floats_accept_strings_but_not_words() {
    assert_eq!(lenient::<f64>(json!("19.720000")), Ok(19.72));
    assert_eq!(lenient::<f64>(json!("-0.0025")), Ok(-0.0025));
    assert_eq!(lenient::<f64>(json!("1e3")), Ok(1000.0));
    assert_eq!(lenient::<f64>(json!(7)), Ok(7.0));
    assert_eq!(lenient::<f32>(json!("0.5")), Ok(0.5));
    for bad in [
        json!("NaN"),
        json!("Infinity"),
        json!("-inf"),
        json!("1,5"),
        json!("abc"),
        json!(false),
    ] {
        assert!(
            lenient::<f64>(bad.clone()).is_err(),
            "{bad} must not decode as f64"
        );
    }
}

#[test]
fn booleans_accept_strings_and_zero_one() {
    assert_eq!(lenient::<bool>(json!(true)), Ok(true));
    assert_eq!(lenient::<bool>(json!("true")), Ok(true));
    assert_eq!(lenient::<bool>(json!("FALSE")), Ok(false));
    assert_eq!(lenient::<bool>(json!(1)), Ok(true));
    assert_eq!(lenient::<bool>(json!("0")), Ok(false));
    for bad in [json!(2), json!("yes"), json!(""), json!(null), json!(0.0)] {
        assert!(
            lenient::<bool>(bad.clone()).is_err(),
            "{bad} must not decode as bool"
        );
    }
}

#[test]
fn containers_are_lenient_inside() {
    assert_eq!(lenient::<Option<i64>>(json!(null)), Ok(None));
    assert_eq!(lenient::<Option<i64>>(json!("5")), Ok(Some(5)));
    assert_eq!(lenient::<Maybe<bool>>(json!(null)), Ok(Maybe::Null));
    assert_eq!(
        lenient::<Maybe<bool>>(json!("true")),
        Ok(Maybe::Value(true))
    );
    assert_eq!(
        lenient::<Vec<f64>>(json!(["1.5", 2, -3.25])),
        Ok(vec![1.5, 2.0, -3.25])
    );
    assert_eq!(lenient::<Box<i32>>(json!("9")), Ok(Box::new(9)));
    let map: BTreeMap<String, Vec<Option<i64>>> =
        lenient(json!({"a": ["1", null], "b": []})).unwrap();
    assert_eq!(map["a"], vec![Some(1), None]);
    assert!(lenient::<Vec<i64>>(json!({"a": 1})).is_err());
}

// ---------------------------------------------------------------- date-time

#[test]
fn date_times_accept_real_server_offsets() {
    let utc: DateTime = "2022-07-15T09:19:44.990+00:00".parse().unwrap();
    for same in [
        "2022-07-15T09:19:44.990+0000",
        "2022-07-15T09:19:44.99Z",
        "2022-07-15 09:19:44.990+00",
        "2022-07-15T09:19:44.990z",
        " 2022-07-15T09:19:44.990Z\n",
    ] {
        assert_eq!(same.parse::<DateTime>().unwrap(), utc, "{same}");
        assert_eq!(
            same.parse::<DateTime>().unwrap().offset(),
            utc.offset(),
            "{same}"
        );
    }
    let india: DateTime = "2024-01-02T03:04:05+0530".parse().unwrap();
    assert_eq!(india.to_string(), "2024-01-02T03:04:05+05:30");
    let west: DateTime = "2024-01-02T03:04:05.5-0400".parse().unwrap();
    assert_eq!(
        serde_json::to_value(west).unwrap(),
        json!("2024-01-02T03:04:05.5-04:00")
    );
    assert_eq!(
        serde_json::to_value(utc).unwrap(),
        json!("2022-07-15T09:19:44.99Z")
    );
    for bad in [
        "2022-07-15T09:19:44+000",
        "2022-07-15T09:19:44+00000",
        "2022-07-15T25:19:44Z",
        "yesterday",
        "2022-07-15",
    ] {
        assert!(bad.parse::<DateTime>().is_err(), "{bad} must not parse");
    }
}

/// Date-times and dates are parsed where the decoder holds the string
/// (borrowed, escaped or streamed alike); a bad one is still an error naming
/// the value, located by path without line and column.
#[test]
fn date_times_decode_from_borrowed_escaped_and_streamed_strings() {
    let utc: DateTime = "2022-07-15T09:19:44Z".parse().unwrap();
    let day: runtime::Date = "2022-07-15".parse().unwrap();
    for text in [
        r#""2022-07-15T09:19:44Z""#,
        r#""2022-07-15T09:19:44\u005a""#,
    ] {
        assert_eq!(
            serde_json::from_str::<DateTime>(text).unwrap(),
            utc,
            "{text}"
        );
        assert_eq!(
            serde_json::from_reader::<_, DateTime>(text.as_bytes()).unwrap(),
            utc,
            "{text}"
        );
    }
    assert_eq!(
        serde_json::from_str::<runtime::Date>(r#""2022-07-1\u0035""#).unwrap(),
        day
    );
    assert_eq!(
        failure::<Vec<DateTime>>(r#"["2022-07-15T09:19:44Z", "yesterday"]"#),
        (
            "[1]".into(),
            "invalid RFC 3339 date-time `yesterday`".into()
        )
    );
    assert_eq!(
        failure::<runtime::Date>("7"),
        (
            ".".into(),
            "invalid type: integer `7`, expected a YYYY-MM-DD date string".into()
        )
    );
}

// ---------------------------------------------------------------- structs

/// As generated for `{id: integer (required), name: string, note: string
/// (nullable), count: integer (optional), tags: array of string (required,
/// nullable)}` with undeclared properties kept.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub id: i64,
    pub name: Option<String>,
    pub note: Maybe<String>,
    pub count: Option<i64>,
    pub tags: Option<Vec<String>>,
    pub extra: runtime::Extra,
}

impl serde::Serialize for Item {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("id", &self.id)?;
        if let Some(value) = &self.name {
            map.serialize_entry("name", value)?;
        }
        if !self.note.is_absent() {
            map.serialize_entry("note", &self.note)?;
        }
        if let Some(value) = &self.count {
            map.serialize_entry("count", value)?;
        }
        map.serialize_entry("tags", &self.tags)?;
        for (key, value) in &self.extra {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de> serde::Deserialize<'de> for Item {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        runtime::object::deserialize(deserializer)
    }
}

impl runtime::object::Object for Item {
    const NAME: &'static str = "Item";
    fn from_map<'de, A: serde::de::MapAccess<'de>>(mut __map: A) -> Result<Self, A::Error> {
        let mut id = None;
        let mut name = None;
        let mut note = Maybe::Absent;
        let mut count = None;
        let mut tags = None;
        let mut extra = runtime::Extra::default();
        while let Some(__key) = runtime::object::next_key(&mut __map)? {
            match __key.as_str() {
                "id" => id = Some(runtime::object::lenient(&mut __map)?),
                "name" => name = runtime::object::optional(&mut __map)?,
                "note" => note = __map.next_value()?,
                "count" => count = runtime::object::optional_lenient(&mut __map)?,
                "tags" => tags = Some(__map.next_value()?),
                _ => {
                    extra.capture(__key.as_str(), &mut __map)?;
                }
            }
        }
        let __missing = <A::Error as serde::de::Error>::missing_field;
        Ok(Self {
            id: id.ok_or_else(|| __missing("id"))?,
            name,
            note,
            count,
            tags: tags.ok_or_else(|| __missing("tags"))?,
            extra,
        })
    }
}

/// `{items: array of Item (required), by_code: map of Item, shape: Shape}`.
#[derive(Clone, Debug, PartialEq)]
pub struct Order {
    pub items: Vec<Item>,
    pub by_code: Option<BTreeMap<String, Item>>,
    pub shape: Option<Shape>,
    pub extra: runtime::Extra,
}

impl<'de> serde::Deserialize<'de> for Order {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        runtime::object::deserialize(deserializer)
    }
}

impl runtime::object::Object for Order {
    const NAME: &'static str = "Order";
    fn from_map<'de, A: serde::de::MapAccess<'de>>(mut __map: A) -> Result<Self, A::Error> {
        let mut items = None;
        let mut by_code = None;
        let mut shape = None;
        let mut extra = runtime::Extra::default();
        while let Some(__key) = runtime::object::next_key(&mut __map)? {
            match __key.as_str() {
                "items" => items = Some(__map.next_value()?),
                "by_code" => by_code = runtime::object::optional(&mut __map)?,
                "shape" => shape = runtime::object::optional(&mut __map)?,
                _ => {
                    extra.capture(__key.as_str(), &mut __map)?;
                }
            }
        }
        let __missing = <A::Error as serde::de::Error>::missing_field;
        Ok(Self {
            items: items.ok_or_else(|| __missing("items"))?,
            by_code,
            shape,
            extra,
        })
    }
}

/// `oneOf: [Item, Order, Expandable]` discriminated by `kind` (`item`,
/// `order`, `ref`), as generated: the structs decode from the entries as
/// they are read, the untagged union through a buffered value.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    Item(Box<Item>),
    Order(Box<Order>),
    Ref(Expandable),
    Unknown(Value),
}

impl<'de> serde::Deserialize<'de> for Shape {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        runtime::union::tagged(deserializer)
    }
}

impl runtime::union::Tagged for Shape {
    const PROPERTY: &'static str = "kind";
    fn variant<'de, D: serde::Deserializer<'de>>(
        tag: &str,
        deserializer: D,
    ) -> Option<Result<Self, D::Error>> {
        use runtime::union as u;
        Some(match tag {
            "item" => u::variant(deserializer).map(Self::Item),
            "order" => u::variant(deserializer).map(Self::Order),
            "ref" => u::buffered(deserializer).map(Self::Ref),
            _ => return None,
        })
    }
    fn unknown(value: Value) -> Self {
        Self::Unknown(value)
    }
}

fn raw(body: &str) -> RawResponse {
    RawResponse {
        status: StatusCode::OK,
        headers: HeaderMap::new(),
        body: Bytes::from(body.to_owned()),
    }
}

/// The `(path, message)` of the decode error of `body` as `T`.
fn failure<T: DeserializeOwned + std::fmt::Debug>(body: &str) -> (String, String) {
    match raw(body).decode::<T, ()>() {
        Err(Error::Decode { path, message, .. }) => (path, message),
        other => panic!("expected a decode error for {body}, got {other:?}"),
    }
}

/// An `Item` decoded from `deserializer`, as JSON again.
fn item_from<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Value
where
    D::Error: std::fmt::Display,
{
    match <Item as serde::Deserialize>::deserialize(deserializer) {
        Ok(item) => serde_json::to_value(&item).unwrap(),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn undeclared_properties_are_kept_whatever_the_deserializer() {
    let text = r#"{"id": 1, "tags": [], "z": {"n": [1, 2.5, -3, null, true]},
        "a\"q\u00fc": "x\ny\u2603", "big": 18446744073709551615, "e": {}}"#;
    let expected = json!({"id": 1, "tags": [], "z": {"n": [1, 2.5, -3, null, true]},
        "a\"q\u{fc}": "x\ny\u{2603}", "big": u64::MAX, "e": {}});
    // serde_json hands each undeclared value over as its text: borrowed
    // from a `&str`, copied from a reader, written from a `Value`.
    assert_eq!(
        item_from(&mut serde_json::Deserializer::from_str(text)),
        expected
    );
    assert_eq!(
        item_from(&mut serde_json::Deserializer::from_reader(text.as_bytes())),
        expected
    );
    assert_eq!(item_from(expected.clone()), expected);
    assert_eq!(item_from(&expected), expected);
    let item: Item = raw(text).decode::<_, ()>().unwrap();
    assert_eq!(serde_json::to_value(&item).unwrap(), expected);
    assert_eq!(item.extra.len(), 4);
    assert_eq!(item.extra["a\"q\u{fc}"], json!("x\ny\u{2603}"));
    let mut keys: Vec<_> = item.extra.keys().collect();
    keys.sort();
    assert_eq!(keys, ["a\"q\u{fc}", "big", "e", "z"]);
    // A deserializer that does not know serde_json's raw values hands them
    // over as values (here forwarding the newtype request to the value).
    let pairs = vec![
        ("id", json!(2)),
        ("tags", json!(["t"])),
        ("k", json!({"a": [1]})),
    ];
    let d = serde::de::value::MapDeserializer::<_, serde_json::Error>::new(pairs.into_iter());
    assert_eq!(
        item_from(d),
        json!({"id": 2, "tags": ["t"], "k": {"a": [1]}})
    );
    let scalars = vec![("id", "3"), ("tags", "x"), ("s", "t\"u")];
    let d =
        serde::de::value::MapDeserializer::<_, serde::de::value::Error>::new(scalars.into_iter());
    let item: Result<Item, _> = serde::Deserialize::deserialize(d);
    // `tags` must be an array: the error is the field's, not the capture's.
    assert!(item.is_err());
    let scalars = vec![("s", "t\"u"), ("n", "7")];
    let d =
        serde::de::value::MapDeserializer::<_, serde::de::value::Error>::new(scalars.into_iter());
    let outro: Outro = serde::Deserialize::deserialize(d).unwrap();
    assert_eq!(outro.name, None);
    assert_eq!(
        Value::Object(outro.extra.into_map()),
        json!({"s": "t\"u", "n": "7"})
    );
    // A failure after undeclared properties (decoded again under
    // serde_path_to_error to name its path) is still the field's.
    let (path, _) = failure::<Item>(r#"{"x": {"a": [1]}, "y": 2, "id": "zero", "tags": null}"#);
    assert_eq!(path, "id");
    // And a union's buffered object replays them (`Shape`'s tests above).
}

#[test]
fn undeclared_properties_read_and_change_as_a_map() {
    let mut item: Item = raw(r#"{"id": 1, "tags": null, "b": 2, "a": {"x": "y"}}"#)
        .decode::<_, ()>()
        .unwrap();
    let same: Item = raw(r#"{"a": {"x": "y"}, "id": 1, "tags": null, "b": 2}"#)
        .decode::<_, ()>()
        .unwrap();
    let built = runtime::Extra::from_iter([
        ("a".to_string(), json!({"x": "y"})),
        ("b".to_string(), json!(2)),
    ]);
    // Equal by entries, however each was received or built.
    assert_eq!(item.extra, same.extra);
    assert_eq!(item.extra, built);
    assert_eq!(
        format!("{built:?}"),
        format!("{:?}", built.clone().into_map())
    );
    assert_eq!((&item.extra).into_iter().count(), 2);
    // Hashed as the map (a configured `Hash` derive needs it).
    let state = std::hash::RandomState::new();
    assert_eq!(
        std::hash::BuildHasher::hash_one(&state, &item.extra),
        std::hash::BuildHasher::hash_one(&state, &built)
    );
    item.extra.insert("c".into(), json!([3]));
    item.extra.remove("b");
    assert_eq!(item.extra.get("c"), Some(&json!([3])));
    assert_ne!(item.extra, built);
    assert_eq!(
        serde_json::to_value(&item).unwrap(),
        json!({"id": 1, "tags": null, "a": {"x": "y"}, "c": [3]})
    );
    let map: serde_json::Map<String, Value> = item.extra.clone().into();
    assert_eq!(Value::Object(map), json!({"a": {"x": "y"}, "c": [3]}));
    // Standalone, it is encoded and decoded as the map.
    assert_eq!(
        serde_json::to_value(&item.extra).unwrap(),
        json!({"a": {"x": "y"}, "c": [3]})
    );
    let back: runtime::Extra = serde_json::from_value(json!({"a": {"x": "y"}, "c": [3]})).unwrap();
    assert_eq!(back, item.extra);
    assert!(runtime::Extra::new().is_empty());
    // A number no `Value` can hold (it was a decode error of the whole
    // body when kept as a `Value`): left out, the other entries kept.
    let item: Item = raw(r#"{"id": 1, "tags": null, "huge": 1e400, "b": [2]}"#)
        .decode::<_, ()>()
        .unwrap();
    assert_eq!(Value::Object(item.extra.into_map()), json!({"b": [2]}));
    // A pointer, as `lower/sizes.rs` counts it when deciding what to box.
    assert_eq!(std::mem::size_of::<runtime::Extra>(), 8);
}

#[test]
fn undeclared_keys_are_kept_whatever_they_hold() {
    // Kept as received text: a key JSON must escape (a quote, a backslash,
    // a control character) is escaped, any other written as it is.
    let keys = [
        "plain",
        "quo\"te",
        "back\\slash",
        "ctl\u{1}",
        "tab\t",
        "del\u{7f}",
        "é ü",
        "",
        "{\"x\":1}",
    ];
    let expected: serde_json::Map<String, Value> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.to_string(), json!({"n": i, "s": "x\"y"})))
        .collect();
    let mut body = expected.clone();
    body.insert("id".into(), json!(1));
    body.insert("tags".into(), Value::Null);
    let body = Value::Object(body);
    let item: Item = raw(&body.to_string()).decode::<_, ()>().unwrap();
    assert_eq!(item.extra.len(), keys.len());
    assert_eq!(item.extra.clone().into_map(), expected);
    assert_eq!(serde_json::to_value(&item).unwrap(), body);
    // From a deserializer that hands values over one by one, as strings.
    let entries = keys.iter().map(|k| (*k, "v\\\""));
    let d = serde::de::value::MapDeserializer::<_, serde::de::value::Error>::new(entries);
    let outro: Outro = serde::Deserialize::deserialize(d).unwrap();
    let expected: serde_json::Map<String, Value> = keys
        .iter()
        .map(|k| (k.to_string(), json!("v\\\"")))
        .collect();
    assert_eq!(outro.extra.into_map(), expected);
}

#[test]
fn structs_keep_undeclared_properties_and_presence() {
    let body = json!({"id": "7", "note": null, "tags": null, "x-new": {"a": [1]}, "count": 2.0});
    let item: Item = raw(&body.to_string()).decode::<_, ()>().unwrap();
    assert_eq!(item.id, 7);
    assert_eq!(item.note, Maybe::Null);
    assert_eq!(item.tags, None);
    assert_eq!(item.count, Some(2));
    assert_eq!(item.extra["x-new"], json!({"a": [1]}));
    // Normalised: the string id and the float count are numbers again.
    assert_eq!(
        serde_json::to_value(&item).unwrap(),
        json!({"id": 7, "note": null, "tags": null, "count": 2, "x-new": {"a": [1]}})
    );
    // `null` for an optional, non-nullable property is absent.
    let item: Item = raw(r#"{"id": 1, "name": null, "tags": []}"#)
        .decode::<_, ()>()
        .unwrap();
    assert_eq!(item.name, None);
    // Escaped keys are matched by their text.
    let item: Item = raw(r#"{"\u0069d": 3, "tags": ["a"]}"#)
        .decode::<_, ()>()
        .unwrap();
    assert_eq!((item.id, item.tags), (3, Some(vec!["a".to_string()])));
}

#[test]
fn a_missing_property_is_named_by_its_own_path() {
    assert_eq!(
        failure::<Item>(r#"{"tags": []}"#),
        ("id".into(), "missing field `id`".into())
    );
    // Required and nullable: present as null is fine, absent is not.
    assert_eq!(failure::<Item>(r#"{"id": 1}"#).0, "tags");
    assert_eq!(
        failure::<Order>(r#"{"items": [{"id": 1, "tags": []}, {"id": 2}]}"#).0,
        "items[1].tags"
    );
    assert_eq!(
        failure::<Order>(r#"{"items": [], "by_code": {"a b": {"tags": []}}}"#).0,
        "by_code.a b.id"
    );
    assert_eq!(
        failure::<Vec<Order>>(r#"[{"items": []}, {}]"#).0,
        "[1].items"
    );
}

#[test]
fn a_mistyped_value_is_named_by_its_path_without_line_and_column() {
    let (path, message) =
        failure::<Order>(r#"{"items": [{"id": 1, "tags": [], "count": "many"}]}"#);
    assert_eq!(path, "items[0].count");
    assert!(
        message.starts_with("invalid value: string \"many\""),
        "{message}"
    );
    assert!(!message.contains("line"), "{message}");
    let (path, message) = failure::<Order>(r#"{"items": {"id": 1}}"#);
    assert_eq!(path, "items");
    assert!(message.starts_with("invalid type: map"), "{message}");
    // Syntax errors keep their position: there is no path to point at.
    let (path, message) = failure::<Order>(r#"{"items": [}"#);
    assert_eq!(path, "items[0]");
    assert!(message.contains("line 1 column"), "{message}");
}

#[test]
fn union_failures_name_the_path_inside_the_variant() {
    // Discriminated: the failure inside the selected variant is located.
    assert_eq!(
        failure::<Order>(r#"{"items": [], "shape": {"kind": "item", "tags": []}}"#),
        ("shape.id".into(), "missing field `id`".into())
    );
    assert_eq!(
        failure::<Order>(r#"{"items": [], "shape": {"kind": "item", "id": 1, "tags": [5]}}"#).0,
        "shape.tags[0]"
    );
    // An unknown tag is kept.
    let order: Order = raw(r#"{"items": [], "shape": {"kind": "circle", "r": 1}}"#)
        .decode::<_, ()>()
        .unwrap();
    assert_eq!(
        order.shape,
        Some(Shape::Unknown(json!({"kind": "circle", "r": 1})))
    );
    // Untagged: no variant matches; each one's reason is listed.
    let (path, message) = failure::<Vec<ItemOrNumbers>>(r#"[[1], [1, true]]"#);
    assert_eq!(path, "[1]");
    assert!(
        message.starts_with(
            "matches no variant of `ItemOrNumbers` (Item: at `.`: invalid type: sequence"
        ),
        "{message}"
    );
    assert!(
        message.contains("Numbers: at `[1]`: invalid type: boolean"),
        "{message}"
    );
}

#[test]
fn decode_errors_keep_the_whole_body_for_a_fallback() {
    let body = format!(
        r#"{{"items": [{{"id": "x", "tags": []}}], "pad": "{}"}}"#,
        "p".repeat(2000)
    );
    let err = raw(&body).decode::<Order, ()>().unwrap_err();
    match &err {
        Error::Decode {
            body: kept,
            body_snippet,
            path,
            ..
        } => {
            assert_eq!(kept.len(), body.len());
            assert_eq!(body_snippet.len(), 512);
            assert_eq!(path, "items[0].id");
        }
        other => panic!("{other:?}"),
    }
    let fallback = err.body_json().expect("the body is JSON");
    assert_eq!(fallback["items"][0]["id"], "x");
    assert!(err.to_string().contains("at `items[0].id`"), "{err}");
}

#[test]
fn bodies_decode_as_text_and_invalid_utf8_is_located() {
    // Non-ASCII, escaped and surrogate-pair strings, in declared and
    // undeclared properties and in keys, decode the same as text.
    let body = "{\"id\": 5, \"name\": \"caf\u{e9} \\\"q\\\" \\u00e9\\n\", \"tags\": [\"\\ud83d\\ude00\"], \"x-\u{fc}\": {\"k\\u0041\": \"\u{2603}\"}}";
    let item: Item = raw(body).decode::<_, ()>().unwrap();
    assert_eq!(item.name.as_deref(), Some("caf\u{e9} \"q\" \u{e9}\n"));
    assert_eq!(item.tags, Some(vec!["\u{1f600}".to_string()]));
    assert_eq!(item.extra["x-\u{fc}"], json!({"kA": "\u{2603}"}));
    // Invalid UTF-8 inside a string: a syntax error with its position and
    // the whole body kept, as the byte parser reports it.
    let mut bytes = br#"{"id": 1, "tags": [], "x": "ab"#.to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe]);
    bytes.extend_from_slice(br#""}"#);
    let response = RawResponse {
        status: StatusCode::OK,
        headers: HeaderMap::new(),
        body: Bytes::from(bytes.clone()),
    };
    match response.decode::<Item, ()>() {
        Err(Error::Decode { message, body, .. }) => {
            assert_eq!(
                message, "invalid unicode code point at line 1 column 31",
                "{message}"
            );
            assert_eq!(body.as_ref(), bytes.as_slice());
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[test]
fn nested_messages_join_paths() {
    use runtime::error::{locate, nested_message};
    assert_eq!(
        locate(".".into(), "missing field `a`".into()),
        ("a".into(), "missing field `a`".into())
    );
    assert_eq!(
        locate("x[2]".into(), "missing field `a`".into()),
        ("x[2].a".into(), "missing field `a`".into())
    );
    assert_eq!(
        locate("x".into(), nested_message("[0].b", "missing field `c`")),
        ("x[0].b.c".into(), "missing field `c`".into())
    );
    assert_eq!(
        locate("x".into(), nested_message(".", "invalid type")),
        ("x".into(), "invalid type".into())
    );
    assert_eq!(
        locate(".".into(), nested_message("y", "bad")),
        ("y".into(), "bad".into())
    );
    assert_eq!(
        locate("x".into(), "invalid type: string".into()),
        ("x".into(), "invalid type: string".into())
    );
}

// ---------------------------------------------------------------- strict union attempts

use runtime::lenient::{strict, Mode};

/// As generated for `{metadata: array of integer, position: integer}`,
/// nothing required, not nullable.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ListPartial {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Vec<i64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<i64>,
}

impl<'de> serde::Deserialize<'de> for ListPartial {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        runtime::object::deserialize(deserializer)
    }
}

impl runtime::object::Object for ListPartial {
    const NAME: &'static str = "ListPartial";
    fn from_map<'de, A: serde::de::MapAccess<'de>>(mut __map: A) -> Result<Self, A::Error> {
        let mut metadata = None;
        let mut position = None;
        while let Some(__key) = runtime::object::next_key(&mut __map)? {
            match __key.as_str() {
                "metadata" => metadata = runtime::object::optional_lenient(&mut __map)?,
                "position" => position = runtime::object::optional_lenient(&mut __map)?,
                _ => {
                    // `additionalProperties: false`.
                    runtime::object::undeclared::<A::Error>(&__key)?;
                    __map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        Ok(Self { metadata, position })
    }
}

/// As generated for `{metadata: array of string, nullable; position:
/// string}`, nothing required.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct KeywordPartial {
    #[serde(skip_serializing_if = "Maybe::is_absent")]
    pub metadata: Maybe<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<String>,
    #[serde(flatten)]
    pub extra: runtime::Extra,
}

impl<'de> serde::Deserialize<'de> for KeywordPartial {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        runtime::object::deserialize(deserializer)
    }
}

impl runtime::object::Object for KeywordPartial {
    const NAME: &'static str = "KeywordPartial";
    fn from_map<'de, A: serde::de::MapAccess<'de>>(mut __map: A) -> Result<Self, A::Error> {
        let mut metadata = Maybe::Absent;
        let mut position = None;
        let mut extra = runtime::Extra::default();
        while let Some(__key) = runtime::object::next_key(&mut __map)? {
            match __key.as_str() {
                "metadata" => metadata = __map.next_value()?,
                "position" => position = runtime::object::optional(&mut __map)?,
                _ => {
                    extra.capture(__key.as_str(), &mut __map)?;
                }
            }
        }
        Ok(Self {
            metadata,
            position,
            extra,
        })
    }
}

/// `anyOf: [ListPartial, KeywordPartial]`, untagged, as generated.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum RulePatch {
    List(ListPartial),
    Keyword(KeywordPartial),
}

impl<'de> serde::Deserialize<'de> for RulePatch {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use runtime::union as u;
        let value = u::buffer(deserializer)?;
        for _pass in u::passes() {
            if let Some(v) = u::attempt(&value) {
                return Ok(Self::List(v));
            }
            if let Some(v) = u::attempt(&value) {
                return Ok(Self::Keyword(v));
            }
        }
        Err(u::no_match(
            &value,
            "RulePatch",
            &[
                ("List", u::explain::<ListPartial>),
                ("Keyword", u::explain::<KeywordPartial>),
            ],
        ))
    }
}

/// Decodes `body` as a response would be, and re-encodes it.
fn patch(body: Value) -> (RulePatch, Value) {
    let patch: RulePatch = raw(&body.to_string()).decode::<_, ()>().unwrap();
    let back = serde_json::to_value(&patch).unwrap();
    (patch, back)
}

// Discord's PATCH bodies: a `null` the first variant would read as absent
// is kept by the later variant that allows it ("clear the metadata").
#[test]
fn an_untagged_union_prefers_a_variant_the_value_fits_as_it_is() {
    let body = json!({"metadata": null});
    let (decoded, back) = patch(body.clone());
    assert_eq!(
        decoded,
        RulePatch::Keyword(KeywordPartial {
            metadata: Maybe::Null,
            position: None,
            extra: Default::default(),
        })
    );
    assert_eq!(back, body);
    // A number inside a string: the variant with a string keeps it.
    let body = json!({"position": "3"});
    let (decoded, back) = patch(body.clone());
    assert!(matches!(decoded, RulePatch::Keyword(_)), "{decoded:?}");
    assert_eq!(back, body);
    // A property the first variant does not allow.
    let body = json!({"metadata": ["a"], "x": 1});
    assert!(matches!(patch(body).0, RulePatch::Keyword(_)));
    // The first variant when it fits as it is, as before.
    let body = json!({"metadata": [1], "position": 3});
    let (decoded, back) = patch(body.clone());
    assert!(matches!(decoded, RulePatch::List(_)), "{decoded:?}");
    assert_eq!(back, body);
    assert!(!strict(), "the strict pass ends with the decode");
}

#[test]
fn an_untagged_union_is_still_lenient_when_no_variant_fits_as_it_is() {
    // `metadata: ["1"]` fits no variant as it is (integers in strings for
    // List; Keyword's position must be a string): List, leniently.
    let (decoded, back) = patch(json!({"metadata": ["1"], "position": 2}));
    assert_eq!(
        decoded,
        RulePatch::List(ListPartial {
            metadata: Some(vec![1]),
            position: Some(2),
        })
    );
    assert_eq!(back, json!({"metadata": [1], "position": 2}));
    // Strings for List's integers, `null` for Keyword's non-nullable
    // `position`: Keyword, leniently, the `null` read as absent.
    let (decoded, back) = patch(json!({"position": null, "metadata": ["a"]}));
    assert!(matches!(decoded, RulePatch::Keyword(_)), "{decoded:?}");
    assert_eq!(back, json!({"metadata": ["a"]}));
    let (path, message) = failure::<RulePatch>(r#"{"position": "x", "metadata": [true]}"#);
    assert_eq!(path, ".");
    assert!(
        message.starts_with("matches no variant of `RulePatch`"),
        "{message}"
    );
    assert!(!message.contains("strict"), "{message}");
}

#[test]
fn strict_mode_suspends_each_lenient_rule_and_nothing_else() {
    let strict_err = |v: Value| {
        let _strict = Mode::set(true);
        lenient::<i64>(v).is_err()
    };
    assert!(strict_err(json!("42")));
    assert!(!strict_err(json!(42)));
    // `3.0` is an integer to JSON Schema.
    assert!(!strict_err(json!(3.0)));
    {
        let _strict = Mode::set(true);
        assert!(lenient::<f64>(json!("1.5")).is_err());
        assert_eq!(lenient::<f64>(json!(7)), Ok(7.0));
        assert!(lenient::<bool>(json!("true")).is_err());
        assert!(lenient::<bool>(json!(1)).is_err());
        assert_eq!(lenient::<bool>(json!(false)), Ok(false));
        // `null` stays a value where it is one: nullable containers.
        assert_eq!(lenient::<Option<i64>>(json!(null)), Ok(None));
        assert_eq!(lenient::<Maybe<bool>>(json!(null)), Ok(Maybe::Null));
        // ... but not for an optional, non-nullable property.
        let item = json!({"id": 1, "tags": [], "name": null});
        assert!(serde_json::from_value::<Item>(item.clone()).is_err());
        let item = json!({"id": 1, "tags": null, "note": null});
        assert!(serde_json::from_value::<Item>(item).is_ok());
        // Date-times: RFC 3339 only; a date is a date.
        for bad in [
            "2022-07-15T09:19:44.990+0000",
            " 2022-07-15T09:19:44Z",
            "2022-07-15T09:19:44",
        ] {
            assert!(bad.parse::<DateTime>().is_err(), "{bad}");
        }
        assert!("2022-07-15T09:19:44.99Z".parse::<DateTime>().is_ok());
        assert!("2022-07-15t09:19:44.99z".parse::<DateTime>().is_ok());
        assert!("2022-07-15T09:19:44Z".parse::<runtime::Date>().is_err());
        assert!("2022-07-15".parse::<runtime::Date>().is_ok());
        // Unknown enum values and discriminators.
        assert!(runtime::lenient::unknown::<serde_json::Error>().is_err());
        assert!(runtime::union::unknown::<serde_json::Error>(json!({})).is_err());
    }
    // Lenient again once the mode is dropped.
    assert_eq!(lenient::<i64>(json!("42")), Ok(42));
    assert!("2022-07-15T09:19:44.990+0000".parse::<DateTime>().is_ok());
    assert!("2022-07-15T09:19:44Z".parse::<runtime::Date>().is_ok());
    assert!(runtime::lenient::unknown::<serde_json::Error>().is_ok());
    assert!(runtime::union::unknown::<serde_json::Error>(json!({})).is_ok());
}

#[test]
fn strict_mode_nests_and_unions_inside_a_strict_attempt_stay_strict() {
    assert!(!strict());
    let modes: Vec<bool> = runtime::union::passes().map(|_m| strict()).collect();
    assert_eq!(modes, [true, false]);
    {
        let _outer = Mode::set(true);
        // Only the strict pass: a lenient one would be strict again.
        let modes: Vec<bool> = runtime::union::passes().map(|_m| strict()).collect();
        assert_eq!(modes, [true]);
        {
            let _inner = Mode::set(false);
            assert!(!strict());
        }
        assert!(strict(), "restored to the enclosing mode");
        // An untagged union inside a strict attempt: no lenient fallback.
        let nested: Result<RulePatch, _> = serde_json::from_value(json!({"position": 3.5}));
        assert!(nested.is_err());
        assert!(strict());
    }
    assert!(!strict());
    // A panic inside a strict attempt does not leave the thread strict.
    let caught = std::panic::catch_unwind(|| {
        let _strict = Mode::set(true);
        panic!("inside a strict attempt");
    });
    assert!(caught.is_err());
    assert!(!strict());
}

// ---------------------------------------------------------------- unions dispatched by kind

/// `anyOf: [string, Item]` (Stripe's expandable fields) as generated: a
/// string or an object selects its variant by kind (`union::dispatch`).
#[derive(Clone, Debug, PartialEq)]
pub enum Expandable {
    String(String),
    Item(Box<Item>),
}

impl<'de> serde::Deserialize<'de> for Expandable {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use runtime::union as u;
        let value = match u::dispatch(deserializer, Self::String, |v| Self::Item(Box::new(v)))? {
            u::Step::Done(v) => return Ok(v),
            u::Step::Buffered(value) => value,
        };
        for _pass in u::passes() {
            if let Some(v) = u::attempt(&value) {
                return Ok(Self::String(v));
            }
            if let Some(v) = u::attempt(&value) {
                return Ok(Self::Item(Box::new(v)));
            }
        }
        Err(u::no_match(
            &value,
            "Expandable",
            &[
                ("String", u::explain::<String>),
                ("Item", u::explain::<Item>),
            ],
        ))
    }
}

/// [`Expandable`] as generated before dispatch: always buffered, every
/// variant tried in turn. The reference dispatch must agree with.
#[derive(Clone, Debug, PartialEq)]
pub enum Buffered {
    String(String),
    Item(Box<Item>),
}

impl<'de> serde::Deserialize<'de> for Buffered {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use runtime::union as u;
        let value = u::buffer(deserializer)?;
        for _pass in u::passes() {
            if let Some(v) = u::attempt(&value) {
                return Ok(Self::String(v));
            }
            if let Some(v) = u::attempt(&value) {
                return Ok(Self::Item(Box::new(v)));
            }
        }
        Err(u::no_match(
            &value,
            "Expandable",
            &[
                ("String", u::explain::<String>),
                ("Item", u::explain::<Item>),
            ],
        ))
    }
}

/// `anyOf: [Item, array of number]`: only an object is dispatched.
#[derive(Clone, Debug, PartialEq)]
pub enum ItemOrNumbers {
    Item(Item),
    Numbers(Vec<f64>),
}

impl<'de> serde::Deserialize<'de> for ItemOrNumbers {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use runtime::union as u;
        let value = match u::dispatch_object(deserializer, Self::Item)? {
            u::Step::Done(v) => return Ok(v),
            u::Step::Buffered(value) => value,
        };
        for _pass in u::passes() {
            if let Some(v) = u::attempt(&value) {
                return Ok(Self::Item(v));
            }
            if let Some(v) = u::attempt(&value) {
                return Ok(Self::Numbers(v));
            }
        }
        Err(u::no_match(
            &value,
            "ItemOrNumbers",
            &[
                ("Item", u::explain::<Item>),
                ("Numbers", u::explain::<Vec<f64>>),
            ],
        ))
    }
}

/// `anyOf: [date-time, array of number]`: only a string is dispatched.
#[derive(Clone, Debug, PartialEq)]
pub enum WhenOrNumbers {
    When(DateTime),
    Numbers(Vec<f64>),
}

impl<'de> serde::Deserialize<'de> for WhenOrNumbers {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use runtime::union as u;
        let value = match u::dispatch_string(deserializer, Self::When)? {
            u::Step::Done(v) => return Ok(v),
            u::Step::Buffered(value) => value,
        };
        for _pass in u::passes() {
            if let Some(v) = u::attempt(&value) {
                return Ok(Self::When(v));
            }
            if let Some(v) = u::attempt(&value) {
                return Ok(Self::Numbers(v));
            }
        }
        Err(u::no_match(
            &value,
            "WhenOrNumbers",
            &[
                ("When", u::explain::<DateTime>),
                ("Numbers", u::explain::<Vec<f64>>),
            ],
        ))
    }
}

#[test]
fn a_string_or_an_object_goes_straight_to_its_variant() {
    let body = r#"["cus_1", "a\"b", {"id": "7", "tags": [], "name": null, "x-new": {"a": 1}}]"#;
    let got: Vec<Expandable> = raw(body).decode::<_, ()>().unwrap();
    assert_eq!(got[0], Expandable::String("cus_1".into()));
    // An escaped string is not borrowed from the input.
    assert_eq!(got[1], Expandable::String("a\"b".into()));
    let Expandable::Item(item) = &got[2] else {
        panic!("{got:?}")
    };
    // Leniently (a string id, `null` for a non-nullable property) and
    // with the undeclared property kept.
    assert_eq!((item.id, &item.name), (7, &None));
    assert_eq!(item.extra["x-new"], json!({"a": 1}));
    // Through a buffered value too (a union inside a buffered union).
    let from_value: Expandable = serde_json::from_value(json!({"id": 1, "tags": []})).unwrap();
    assert!(matches!(from_value, Expandable::Item(_)), "{from_value:?}");
    let only_object: Vec<ItemOrNumbers> = raw(r#"[{"id": 1, "tags": null}, [1, 2]]"#)
        .decode::<_, ()>()
        .unwrap();
    assert!(matches!(only_object[0], ItemOrNumbers::Item(_)));
    assert_eq!(only_object[1], ItemOrNumbers::Numbers(vec![1.0, 2.0]));
    let only_string: Vec<WhenOrNumbers> = raw(r#"["2024-01-02T03:04:05Z", [1]]"#)
        .decode::<_, ()>()
        .unwrap();
    assert!(matches!(only_string[0], WhenOrNumbers::When(_)));
    assert_eq!(only_string[1], WhenOrNumbers::Numbers(vec![1.0]));
}

#[test]
fn a_dispatched_variant_fails_with_its_own_path() {
    // The failure inside the variant the object selected is located, as
    // a tagged union's is.
    assert_eq!(
        failure::<Vec<Expandable>>(r#"["a", {"tags": []}]"#),
        ("[1].id".into(), "missing field `id`".into())
    );
    let (path, message) = failure::<Vec<Expandable>>(r#"[{"id": 1, "tags": [5]}]"#);
    assert_eq!(path, "[0].tags[0]");
    assert!(
        message.starts_with("invalid type: integer `5`"),
        "{message}"
    );
    let (path, message) = failure::<Vec<WhenOrNumbers>>(r#"[[1], "yesterday"]"#);
    assert_eq!(path, "[1]");
    assert!(message.contains("yesterday"), "{message}");
    // Any other kind is tried against every variant, each reason listed.
    let (path, message) = failure::<Vec<Expandable>>(r#"["a", 3]"#);
    assert_eq!(path, "[1]");
    assert!(
        message.starts_with(
            "matches no variant of `Expandable` (String: at `.`: invalid type: integer `3`"
        ),
        "{message}"
    );
    assert!(
        message.contains("; Item: at `.`: invalid type: integer `3`"),
        "{message}"
    );
}

#[test]
fn a_dispatched_variant_is_strict_inside_a_strict_attempt() {
    let lenient = json!({"id": "7", "tags": []});
    let _strict = Mode::set(true);
    assert!(serde_json::from_value::<Expandable>(lenient.clone()).is_err());
    assert!(serde_json::from_str::<Expandable>(&lenient.to_string()).is_err());
    assert!(serde_json::from_str::<Expandable>(r#"{"id": 7, "tags": []}"#).is_ok());
    drop(_strict);
    assert!(serde_json::from_str::<Expandable>(&lenient.to_string()).is_ok());
}

#[test]
fn dispatch_decodes_what_trying_every_variant_decodes() {
    let cases = [
        json!("cus_1"),
        json!(""),
        json!({"id": 1, "tags": []}),
        json!({"id": "1", "tags": null, "count": "2", "name": null}),
        json!({"id": 1.0, "tags": ["a"], "note": null, "x": [1, {"y": null}]}),
        json!({"tags": []}),
        json!({"id": 1}),
        json!({"id": "x", "tags": []}),
        json!({}),
        json!(1),
        json!(true),
        json!(null),
        json!([]),
        json!(["cus_1"]),
    ];
    let same = |a: &Expandable, b: &Buffered| match (a, b) {
        (Expandable::String(a), Buffered::String(b)) => a == b,
        (Expandable::Item(a), Buffered::Item(b)) => a == b,
        _ => false,
    };
    for case in cases {
        for strictly in [false, true] {
            let _mode = Mode::set(strictly);
            let text = case.to_string();
            let a = serde_json::from_str::<Expandable>(&text);
            let b = serde_json::from_str::<Buffered>(&text);
            match (&a, &b) {
                (Ok(a), Ok(b)) => assert!(same(a, b), "{case} (strict: {strictly}): {a:?} {b:?}"),
                (Err(_), Err(_)) => {}
                _ => panic!("{case} (strict: {strictly}): {a:?} but {b:?}"),
            }
        }
    }
}

// ---------------------------------------------------------------- tagged unions, streamed

fn item(id: i64, tags: &[&str], extra: Value) -> Shape {
    let Value::Object(extra) = extra else {
        panic!("{extra}")
    };
    let extra = runtime::Extra::from(extra);
    Shape::Item(Box::new(Item {
        id,
        name: None,
        note: Maybe::Absent,
        count: None,
        tags: Some(tags.iter().map(|t| t.to_string()).collect()),
        extra,
    }))
}

#[test]
fn a_tagged_union_selects_by_its_discriminator_wherever_it_is() {
    let want = item(4, &["a"], json!({"kind": "item", "x": {"y": [1]}}));
    for text in [
        // First, last, in between; numbers in strings stay lenient.
        r#"{"kind": "item", "id": "4", "tags": ["a"], "x": {"y": [1]}}"#,
        r#"{"id": "4", "tags": ["a"], "x": {"y": [1]}, "kind": "item"}"#,
        r#"{"x": {"y": [1]}, "id": 4, "kind": "item", "tags": ["a"]}"#,
        // Escaped keys and values (not borrowed from the input).
        r#"{"\u0069d": 4, "k\u0069nd": "\u0069tem", "tags": ["\u0061"], "x": {"y": [1]}}"#,
    ] {
        let got: Shape = serde_json::from_str(text).unwrap();
        assert_eq!(got, want, "{text}");
    }
}

#[test]
fn a_tagged_union_keeps_what_it_cannot_place_whole() {
    for unknown in [
        // No discriminator, one it does not list, one that is not a string.
        json!({"id": 1, "tags": []}),
        json!({"id": 1, "kind": "circle", "r": [1, {"a": null}], "z": "last"}),
        json!({"kind": 3, "id": 1}),
        json!({"kind": null}),
        json!({}),
        // Not an object.
        json!([1, {"kind": "item"}]),
        json!("item"),
        json!(3),
        json!(null),
    ] {
        let text = unknown.to_string();
        let got: Shape = serde_json::from_str(&text).unwrap();
        assert_eq!(got, Shape::Unknown(unknown.clone()), "{text}");
        let got: Shape = serde_json::from_value(unknown.clone()).unwrap();
        assert_eq!(got, Shape::Unknown(unknown.clone()), "{text}");
        // A strict union attempt prefers a variant that knows the value.
        let _strict = Mode::set(true);
        assert!(serde_json::from_str::<Shape>(&text).is_err(), "{text}");
    }
}

#[test]
fn a_tagged_union_with_duplicate_keys() {
    // A repeated property: the last one, as in a struct.
    let got: Shape =
        serde_json::from_str(r#"{"kind": "item", "id": 1, "tags": [], "id": 2}"#).unwrap();
    assert_eq!(got, item(2, &[], json!({"kind": "item"})));
    let got: Shape =
        serde_json::from_str(r#"{"id": 1, "id": 2, "kind": "item", "tags": []}"#).unwrap();
    assert_eq!(got, item(2, &[], json!({"kind": "item"})));
    // A repeated discriminator: the first selects, the variant sees both.
    let got: Shape =
        serde_json::from_str(r#"{"kind": "item", "id": 1, "tags": [], "kind": "order"}"#).unwrap();
    assert_eq!(got, item(1, &[], json!({"kind": "order"})));
}

#[test]
fn tagged_unions_nest() {
    let text = r#"{"items": [{"id": 1, "tags": []}], "kind": "order",
        "shape": {"tags": ["t"], "kind": "order", "items": [],
                  "shape": {"id": 3, "tags": [], "kind": "item"}}}"#;
    let Shape::Order(outer) = serde_json::from_str::<Shape>(text).unwrap() else {
        panic!()
    };
    assert_eq!(outer.items.len(), 1);
    assert_eq!(outer.extra["kind"], json!("order"));
    let Some(Shape::Order(inner)) = &outer.shape else {
        panic!("{:?}", outer.shape)
    };
    assert_eq!(inner.extra["tags"], json!(["t"]));
    assert_eq!(inner.shape, Some(item(3, &[], json!({"kind": "item"}))));
    // A variant that is itself a union decodes from a buffered value.
    let got: Shape = serde_json::from_str(r#"{"kind": "ref", "id": "5", "tags": []}"#).unwrap();
    let Shape::Ref(Expandable::Item(i)) = got else {
        panic!("{got:?}")
    };
    assert_eq!((i.id, &i.extra["kind"]), (5, &json!("ref")));
}

#[test]
fn a_tagged_union_decodes_from_any_deserializer() {
    let value = json!({"x": [1], "id": "4", "kind": "item", "tags": ["a"]});
    let text = value.to_string();
    let want = item(4, &["a"], json!({"kind": "item", "x": [1]}));
    assert_eq!(serde_json::from_str::<Shape>(&text).unwrap(), want);
    assert_eq!(
        serde_json::from_slice::<Shape>(text.as_bytes()).unwrap(),
        want
    );
    assert_eq!(
        serde_json::from_reader::<_, Shape>(text.as_bytes()).unwrap(),
        want
    );
    assert_eq!(
        serde_json::from_value::<Shape>(value.clone()).unwrap(),
        want
    );
    assert_eq!(
        <Shape as serde::Deserialize>::deserialize(&value).unwrap(),
        want
    );
    // Inside a user's own untagged enum (serde's internal buffer).
    #[derive(Debug, serde::Deserialize)]
    #[serde(untagged)]
    enum Theirs {
        Shape(Shape),
    }
    let Theirs::Shape(got) = serde_json::from_str::<Theirs>(&text).unwrap();
    assert_eq!(got, want);
}

#[test]
fn a_failure_inside_a_tagged_variant_names_its_path() {
    let cases = [
        // After the discriminator: read from the input as it comes.
        (
            r#"{"kind": "item", "tags": []}"#,
            "shape.id",
            "missing field `id`",
        ),
        (
            r#"{"kind": "item", "id": 1, "tags": [5]}"#,
            "shape.tags[0]",
            "invalid type: integer `5`",
        ),
        // Before it: kept, then decoded again.
        (
            r#"{"tags": [5], "kind": "item", "id": 1}"#,
            "shape.tags[0]",
            "invalid type: integer `5`",
        ),
        (
            r#"{"id": "x", "kind": "item", "tags": []}"#,
            "shape.id",
            "invalid value: string \"x\"",
        ),
        // Nested, before and after.
        (
            r#"{"shape": {"kind": "item", "tags": []}, "kind": "order", "items": []}"#,
            "shape.shape.id",
            "missing field `id`",
        ),
        (
            r#"{"kind": "order", "items": [{"id": 1, "tags": [true]}]}"#,
            "shape.items[0].tags[0]",
            "invalid type: boolean `true`",
        ),
        (
            r#"{"items": [{"tags": [], "id": {}}], "kind": "order"}"#,
            "shape.items[0].id",
            "invalid type: map",
        ),
    ];
    for (shape, want_path, want_message) in cases {
        let body = format!(r#"{{"items": [], "shape": {shape}}}"#);
        let (path, message) = failure::<Order>(&body);
        assert_eq!(path, want_path, "{body}: {message}");
        assert!(message.starts_with(want_message), "{body}: {message}");
    }
    // Outside a response's decode, a failure says what, and where for an
    // entry read before the discriminator.
    let err = serde_json::from_str::<Shape>(r#"{"kind": "item", "tags": []}"#).unwrap_err();
    assert!(err.to_string().starts_with("missing field `id`"), "{err}");
    let err =
        serde_json::from_str::<Shape>(r#"{"tags": [5], "kind": "item", "id": 1}"#).unwrap_err();
    assert!(
        err.to_string().starts_with("at `tags`: invalid type"),
        "{err}"
    );
    assert!(!runtime::lenient::explaining());
}

// ---------------------------------------------------------------- inferred tags

/// A one-value string enum, as generated (`enum: [value]`): an unknown
/// value is kept, except in a strict union attempt.
macro_rules! one_value_enum {
    ($name:ident, $value:literal) => {
        #[derive(Clone, Debug, PartialEq)]
        pub enum $name {
            Known,
            Unknown(String),
        }
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = runtime::object::string(deserializer)?;
                match value.as_str() {
                    $value => Ok(Self::Known),
                    _ => {
                        runtime::lenient::unknown::<D::Error>()?;
                        Ok(Self::Unknown(value.into_string()))
                    }
                }
            }
        }
    };
}

one_value_enum!(CardObject, "card");
one_value_enum!(BankObject, "bank_account");

/// Stripe's `card`, shortened: `{id, object: card, last4 (required),
/// exp_year: integer, default_for: array of PaymentSource}`.
#[derive(Clone, Debug, PartialEq)]
pub struct Card {
    pub id: String,
    pub object: CardObject,
    pub last4: String,
    pub exp_year: Option<i64>,
    pub default_for: Option<Vec<PaymentSource>>,
    pub extra: runtime::Extra,
}

impl<'de> serde::Deserialize<'de> for Card {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        runtime::object::deserialize(deserializer)
    }
}

impl runtime::object::Object for Card {
    const NAME: &'static str = "Card";
    fn from_map<'de, A: serde::de::MapAccess<'de>>(mut __map: A) -> Result<Self, A::Error> {
        let mut id = None;
        let mut object = None;
        let mut last4 = None;
        let mut exp_year = None;
        let mut default_for = None;
        let mut extra = runtime::Extra::default();
        while let Some(__key) = runtime::object::next_key(&mut __map)? {
            match __key.as_str() {
                "id" => id = Some(__map.next_value()?),
                "object" => object = Some(__map.next_value()?),
                "last4" => last4 = Some(__map.next_value()?),
                "exp_year" => exp_year = runtime::object::optional_lenient(&mut __map)?,
                "default_for" => default_for = runtime::object::optional(&mut __map)?,
                _ => {
                    extra.capture(__key.as_str(), &mut __map)?;
                }
            }
        }
        let __missing = <A::Error as serde::de::Error>::missing_field;
        Ok(Self {
            id: id.ok_or_else(|| __missing("id"))?,
            object: object.ok_or_else(|| __missing("object"))?,
            last4: last4.ok_or_else(|| __missing("last4"))?,
            exp_year,
            default_for,
            extra,
        })
    }
}

/// Stripe's `bank_account`, shortened: `{id, object: bank_account,
/// country (required)}`.
#[derive(Clone, Debug, PartialEq)]
pub struct Bank {
    pub id: String,
    pub object: BankObject,
    pub country: String,
    pub extra: runtime::Extra,
}

impl<'de> serde::Deserialize<'de> for Bank {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        runtime::object::deserialize(deserializer)
    }
}

impl runtime::object::Object for Bank {
    const NAME: &'static str = "Bank";
    fn from_map<'de, A: serde::de::MapAccess<'de>>(mut __map: A) -> Result<Self, A::Error> {
        let mut id = None;
        let mut object = None;
        let mut country = None;
        let mut extra = runtime::Extra::default();
        while let Some(__key) = runtime::object::next_key(&mut __map)? {
            match __key.as_str() {
                "id" => id = Some(__map.next_value()?),
                "object" => object = Some(__map.next_value()?),
                "country" => country = Some(__map.next_value()?),
                _ => {
                    extra.capture(__key.as_str(), &mut __map)?;
                }
            }
        }
        let __missing = <A::Error as serde::de::Error>::missing_field;
        Ok(Self {
            id: id.ok_or_else(|| __missing("id"))?,
            object: object.ok_or_else(|| __missing("object"))?,
            country: country.ok_or_else(|| __missing("country"))?,
            extra,
        })
    }
}

/// Stripe's `default_source`, `anyOf: [string, Bank, Card]`, untagged with
/// the tag `object` inferred, as generated.
#[derive(Clone, Debug, PartialEq)]
pub enum PaymentSource {
    String(String),
    Bank(Box<Bank>),
    Card(Box<Card>),
}

impl<'de> serde::Deserialize<'de> for PaymentSource {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use runtime::union as u;
        let value = match u::inferred_string(deserializer, Self::String)? {
            u::Step::Done(v) => return Ok(v),
            u::Step::Buffered(value) => value,
        };
        for _pass in u::passes() {
            if let Some(v) = u::attempt(&value) {
                return Ok(Self::String(v));
            }
            if let Some(v) = u::attempt(&value) {
                return Ok(Self::Bank(Box::new(v)));
            }
            if let Some(v) = u::attempt(&value) {
                return Ok(Self::Card(Box::new(v)));
            }
        }
        Err(u::no_match(
            &value,
            "PaymentSource",
            &[
                ("String", u::explain::<String>),
                ("Bank", u::explain::<Bank>),
                ("Card", u::explain::<Card>),
            ],
        ))
    }
}

impl runtime::union::Inferred for PaymentSource {
    const PROPERTY: &'static str = "object";
    fn variant<'de, D: serde::Deserializer<'de>>(
        tag: &str,
        deserializer: D,
    ) -> Option<Result<Self, D::Error>> {
        use runtime::union as u;
        match tag {
            "bank_account" => Some(u::variant(deserializer).map(Self::Bank)),
            "card" => Some(u::variant(deserializer).map(Self::Card)),
            _ => None,
        }
    }
}

/// [`PaymentSource`] without the inferred tag: always buffered, every
/// variant tried in turn. The reference the inferred tag must agree with.
#[derive(Clone, Debug, PartialEq)]
pub enum PaymentSourceBuffered {
    String(String),
    Bank(Box<Bank>),
    Card(Box<Card>),
}

impl<'de> serde::Deserialize<'de> for PaymentSourceBuffered {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use runtime::union as u;
        let value = u::buffer(deserializer)?;
        for _pass in u::passes() {
            if let Some(v) = u::attempt(&value) {
                return Ok(Self::String(v));
            }
            if let Some(v) = u::attempt(&value) {
                return Ok(Self::Bank(Box::new(v)));
            }
            if let Some(v) = u::attempt(&value) {
                return Ok(Self::Card(Box::new(v)));
            }
        }
        Err(u::no_match(
            &value,
            "PaymentSource",
            &[
                ("String", u::explain::<String>),
                ("Bank", u::explain::<Bank>),
                ("Card", u::explain::<Card>),
            ],
        ))
    }
}

fn card(id: &str, extra: Value) -> PaymentSource {
    let Value::Object(extra) = extra else {
        panic!("{extra}")
    };
    let extra = runtime::Extra::from(extra);
    PaymentSource::Card(Box::new(Card {
        id: id.into(),
        object: CardObject::Known,
        last4: "4242".into(),
        exp_year: Some(2030),
        default_for: None,
        extra,
    }))
}

#[test]
fn an_inferred_tag_selects_its_variant_wherever_it_is() {
    let want = card("card_1", json!({"brand": "Visa", "meta": {"a": [1, null]}}));
    for text in [
        // First (as Stripe sends it), last, in between; escaped.
        r#"{"object": "card", "id": "card_1", "last4": "4242", "exp_year": 2030, "brand": "Visa", "meta": {"a": [1, null]}}"#,
        r#"{"brand": "Visa", "exp_year": "2030", "id": "card_1", "last4": "4242", "meta": {"a": [1, null]}, "object": "card"}"#,
        r#"{"id": "card_1", "meta": {"a": [1, null]}, "object": "card", "brand": "Visa", "last4": "4242", "exp_year": 2030.0}"#,
        r#"{"\u006fbject": "c\u0061rd", "id": "card_1", "last4": "4242", "exp_year": 2030, "brand": "Visa", "meta": {"a": [1, null]}}"#,
    ] {
        let got: PaymentSource = serde_json::from_str(text).unwrap();
        assert_eq!(got, want, "{text}");
        let value: Value = serde_json::from_str(text).unwrap();
        assert_eq!(
            serde_json::from_value::<PaymentSource>(value).unwrap(),
            want
        );
    }
    let got: PaymentSource =
        serde_json::from_str(r#"{"object": "bank_account", "id": "ba_1", "country": "US"}"#)
            .unwrap();
    assert!(
        matches!(&got, PaymentSource::Bank(b) if b.country == "US"),
        "{got:?}"
    );
    let got: PaymentSource = serde_json::from_str(r#""card_1""#).unwrap();
    assert_eq!(got, PaymentSource::String("card_1".into()));
}

#[test]
fn without_a_listed_tag_the_variants_are_tried_in_turn() {
    // Missing (Bank's required `object` is missing too: nothing fits).
    assert!(serde_json::from_str::<PaymentSource>(r#"{"id": "x", "country": "US"}"#).is_err());
    // Unknown or not a string: tried in turn; leniently, the first variant
    // that fits keeps the value in its enum's `Unknown`.
    for text in [
        r#"{"id": "x", "country": "US", "object": "bank"}"#,
        r#"{"id": "x", "country": "US", "object": "source", "last4": "1"}"#,
    ] {
        let got: PaymentSource = serde_json::from_str(text).unwrap();
        let PaymentSource::Bank(bank) = &got else {
            panic!("{got:?}")
        };
        assert!(matches!(bank.object, BankObject::Unknown(_)), "{got:?}");
    }
    let got: PaymentSource =
        serde_json::from_str(r#"{"id": "x", "last4": "1", "object": "source"}"#).unwrap();
    assert!(
        matches!(&got, PaymentSource::Card(c) if c.object == CardObject::Unknown("source".into()))
    );
    for text in [
        r#"{"id": "x", "country": "US", "object": 3}"#,
        r#"{"id": "x", "country": "US", "object": null}"#,
        r#"{"id": "x", "country": "US", "object": ["card"]}"#,
    ] {
        let err = serde_json::from_str::<PaymentSource>(text).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("matches no variant of `PaymentSource`"),
            "{text}: {err}"
        );
    }
    // In a strict attempt an unknown value fits nothing.
    let _strict = Mode::set(true);
    assert!(serde_json::from_str::<PaymentSource>(
        r#"{"id": "x", "country": "US", "object": "bank"}"#
    )
    .is_err());
}

#[test]
fn an_inferred_tag_prefers_its_variant_to_a_lenient_fit_of_another() {
    // Trying in turn, the strict pass finds nothing (the card needs its
    // year read from a string) and the lenient pass takes the first that
    // fits: Bank, with `card` in its enum's `Unknown`. The tag selects the
    // card.
    let text =
        r#"{"object": "card", "id": "c", "last4": "1", "country": "US", "exp_year": "2030"}"#;
    let got: PaymentSource = serde_json::from_str(text).unwrap();
    assert!(
        matches!(&got, PaymentSource::Card(c) if c.exp_year == Some(2030)),
        "{got:?}"
    );
    let before: PaymentSourceBuffered = serde_json::from_str(text).unwrap();
    assert!(
        matches!(before, PaymentSourceBuffered::Bank(_)),
        "{before:?}"
    );
}

#[test]
fn an_inferred_tag_with_duplicate_keys() {
    // The first `object` selects; the variant sees both, the last winning
    // (kept in `Unknown`, as a struct decoded on its own keeps it).
    let got: PaymentSource = serde_json::from_str(
        r#"{"object": "card", "id": "c", "last4": "1", "object": "bank_account", "country": "US"}"#,
    )
    .unwrap();
    let PaymentSource::Card(c) = &got else {
        panic!("{got:?}")
    };
    assert_eq!(c.object, CardObject::Unknown("bank_account".into()));
    assert_eq!(c.extra["country"], json!("US"));
    // Repeated ordinary keys: the last, as in a struct.
    let got: PaymentSource =
        serde_json::from_str(r#"{"id": "a", "object": "card", "last4": "1", "id": "b"}"#).unwrap();
    assert!(
        matches!(&got, PaymentSource::Card(c) if c.id == "b"),
        "{got:?}"
    );
}

#[test]
fn inferred_tags_nest() {
    let text = r#"{"object": "card", "id": "c1", "last4": "1", "default_for": [
        "cus_1",
        {"id": "c2", "last4": "2", "object": "card", "default_for": [{"object": "bank_account", "id": "b", "country": "FR"}]},
        {"id": "b2", "object": "bank_account", "country": "DE", "x": {"object": "card"}}
    ]}"#;
    let PaymentSource::Card(outer) = serde_json::from_str::<PaymentSource>(text).unwrap() else {
        panic!()
    };
    let inner = outer.default_for.as_deref().unwrap();
    assert_eq!(inner[0], PaymentSource::String("cus_1".into()));
    let PaymentSource::Card(c2) = &inner[1] else {
        panic!("{inner:?}")
    };
    assert!(
        matches!(&c2.default_for.as_deref().unwrap()[0], PaymentSource::Bank(b) if b.country == "FR")
    );
    let PaymentSource::Bank(b2) = &inner[2] else {
        panic!("{inner:?}")
    };
    assert_eq!(b2.extra["x"], json!({"object": "card"}));
}

#[test]
fn a_failure_inside_an_inferred_variant_names_its_path() {
    assert_eq!(
        failure::<Vec<PaymentSource>>(r#"["a", {"object": "card", "id": "c"}]"#),
        ("[1].last4".into(), "missing field `last4`".into())
    );
    let (path, message) = failure::<Vec<PaymentSource>>(
        r#"[{"id": "c", "last4": "1", "default_for": [{"object": "card", "id": 5}], "object": "card"}]"#,
    );
    assert_eq!(path, "[0].default_for[0].id");
    assert!(
        message.starts_with("invalid type: integer `5`"),
        "{message}"
    );
}

#[test]
fn an_inferred_tag_decodes_what_trying_every_variant_decodes() {
    let cases = [
        json!("card_1"),
        json!(""),
        json!({"object": "card", "id": "c", "last4": "1"}),
        json!({"id": "c", "last4": "1", "exp_year": "2030", "object": "card"}),
        json!({"id": "c", "last4": "1", "exp_year": 2030.5, "object": "card"}),
        json!({"object": "card", "id": "c"}),
        json!({"object": "card", "id": "c", "last4": "1", "country": "US"}),
        json!({"object": "bank_account", "id": "b", "country": "US", "last4": "1"}),
        json!({"object": "bank_account", "id": "b"}),
        json!({"id": "b", "country": "US", "object": "bank"}),
        json!({"id": "b", "country": "US", "object": 1}),
        json!({"id": "b", "country": "US", "last4": "1"}),
        json!({"object": "card", "id": "c", "last4": "1", "default_for": ["x", {"object": "card", "id": "d", "last4": "2"}]}),
        json!({"object": "card", "id": "c", "last4": "1", "default_for": [{"object": "bank_account", "id": "d"}]}),
        json!({}),
        json!(1),
        json!(true),
        json!(null),
        json!([]),
        json!([{"object": "card"}]),
    ];
    // The variants' names and contents (the two enums' `Debug` names only
    // the variant).
    let same = |a: &PaymentSource, b: &PaymentSourceBuffered| format!("{a:?}") == format!("{b:?}");
    for case in cases {
        for strictly in [false, true] {
            let _mode = Mode::set(strictly);
            let text = case.to_string();
            let a = serde_json::from_str::<PaymentSource>(&text);
            let b = serde_json::from_str::<PaymentSourceBuffered>(&text);
            match (&a, &b) {
                (Ok(a), Ok(b)) => assert!(same(a, b), "{case} (strict: {strictly}): {a:?} {b:?}"),
                (Err(_), Err(_)) => {}
                _ => panic!("{case} (strict: {strictly}): {a:?} but {b:?}"),
            }
        }
    }
}

// ---------------------------------------------------------------- constant variants

/// `anyOf: [{enum: [""]}, {type: string, format: date-time}]` as generated:
/// the constant is tried first (it ranks before the date-time) and held as a
/// `String`; `u::constant` keeps it from taking every string.
#[derive(Clone, Debug, PartialEq)]
pub enum ClearableDate {
    Empty(String),
    DateTime(DateTime),
}

impl<'de> serde::Deserialize<'de> for ClearableDate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use runtime::union as u;
        let value = u::buffer(deserializer)?;
        for _pass in u::passes() {
            if let Some(v) = u::constant(&value, "") {
                return Ok(Self::Empty(v));
            }
            if let Some(v) = u::attempt(&value) {
                return Ok(Self::DateTime(v));
            }
        }
        Err(u::no_match(
            &value,
            "ClearableDate",
            &[
                ("Empty", u::explain::<String>),
                ("DateTime", u::explain::<DateTime>),
            ],
        ))
    }
}

#[test]
fn a_constant_variant_takes_only_its_value_unless_nothing_else_fits() {
    let decode = |v: Value| serde_json::from_value::<ClearableDate>(v).map_err(|e| e.to_string());
    assert_eq!(decode(json!("")), Ok(ClearableDate::Empty(String::new())));
    let Ok(ClearableDate::DateTime(at)) = decode(json!("2024-05-01T10:00:00Z")) else {
        panic!("a date-time decodes as the date-time variant, not the constant");
    };
    assert_eq!(at.into_inner().unix_timestamp(), 1_714_557_600);
    // Neither fits strictly: the lenient pass keeps the string as received.
    assert_eq!(
        decode(json!("soon")),
        Ok(ClearableDate::Empty("soon".into()))
    );
    assert!(decode(json!(5)).is_err(), "a number is neither");
}

// ---------------------------------------------------------------- the union buffer

use runtime::buffer::Buffer;

fn buffered(text: &str) -> Buffer<'_> {
    let mut de = serde_json::Deserializer::from_str(text);
    Buffer::read(&mut de).unwrap()
}

/// What a union buffers reads back as the value it read: every kind of JSON
/// value, escapes, nesting, numbers at their limits, and the same value
/// buffered from a `Value` (as an inferred union's fallback does).
#[test]
fn a_buffer_reads_back_the_value_it_holds() {
    for text in [
        r#"null"#,
        r#"true"#,
        r#"0"#,
        r#"-9223372036854775808"#,
        r#"18446744073709551615"#,
        r#"1.5e300"#,
        r#""plain""#,
        r#""esc\"aped\u00e9\n""#,
        r#"[]"#,
        r#"{}"#,
        r#"[1, [2, [3, {"a": []}]], {"b": {"c": null}}, "d"]"#,
        r#"{"id": "cus_1", "nested": {"list": [{"x": 1}, {"y": [true, false]}], "z": "é"}, "n": -1}"#,
    ] {
        let value: Value = serde_json::from_str(text).unwrap();
        let buffer = buffered(text);
        assert_eq!(buffer.to_value(), value, "{text}");
        assert_eq!(
            runtime::union::attempt::<Value>(&buffer),
            Some(value.clone()),
            "{text}"
        );
        assert_eq!(
            Buffer::from_value(value.clone()).to_value(),
            value,
            "{text}"
        );
    }
}

/// Strings without escapes are borrowed from the input, not copied (a
/// variant may even borrow them); escaped ones are held decoded.
#[test]
fn a_buffer_borrows_unescaped_strings() {
    let buffer = buffered(r#"["plain", "tab\there"]"#);
    assert_eq!(
        runtime::union::attempt::<(&str, String)>(&buffer),
        Some(("plain", "tab\there".to_owned()))
    );
    assert_eq!(runtime::union::attempt::<(&str, &str)>(&buffer), None);
    assert_eq!(buffered(r#""a\u0062c""#).as_str(), Some("abc"));
    assert_eq!(buffered(r#""abc""#).as_str(), Some("abc"));
    assert_eq!(buffered(r#"["abc"]"#).as_str(), None);
}

/// Entries come back in the order they were sent, duplicates included, as
/// a struct decoding the input directly sees them (a `Value` kept only the
/// last, in key order); a variant that leaves elements unread does not fit.
#[test]
fn a_buffer_keeps_entry_order_and_rejects_leftovers() {
    struct Keys(Vec<(String, i64)>);
    impl<'de> serde::Deserialize<'de> for Keys {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> serde::de::Visitor<'de> for V {
                type Value = Keys;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a map")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(
                    self,
                    mut map: A,
                ) -> Result<Keys, A::Error> {
                    let mut keys = Vec::new();
                    while let Some(entry) = map.next_entry()? {
                        keys.push(entry);
                    }
                    Ok(Keys(keys))
                }
            }
            d.deserialize_map(V)
        }
    }
    let buffer = buffered(r#"{"b": 1, "a": 2, "b": 3}"#);
    let keys = runtime::union::attempt::<Keys>(&buffer).unwrap();
    assert_eq!(
        keys.0,
        vec![
            ("b".to_owned(), 1),
            ("a".to_owned(), 2),
            ("b".to_owned(), 3)
        ]
    );
    let three = buffered("[1, 2, 3]");
    assert_eq!(runtime::union::attempt::<(i64, i64)>(&three), None);
    assert_eq!(
        runtime::union::attempt::<(i64, i64, i64)>(&three),
        Some((1, 2, 3))
    );
    assert_eq!(
        runtime::union::attempt::<Vec<i64>>(&three),
        Some(vec![1, 2, 3])
    );
    assert_eq!(
        runtime::union::attempt::<Option<Vec<i64>>>(&buffered("null")),
        Some(None)
    );
}

/// `anyOf` of objects told apart by `name`, which each variant declares
/// optional (peertube's `VideoStudioCreateTask`: tags inferred from
/// one-value enums): the variant reads the tag again as `Option<String>`.
#[derive(Clone, Debug, PartialEq)]
pub enum Task {
    Outro(Outro),
    Unknown(Value),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Outro {
    pub name: Option<String>,
    pub file: Option<String>,
    pub extra: runtime::Extra,
}

impl<'de> serde::Deserialize<'de> for Outro {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        runtime::object::deserialize(deserializer)
    }
}

impl runtime::object::Object for Outro {
    const NAME: &'static str = "Outro";
    fn from_map<'de, A: serde::de::MapAccess<'de>>(__map: A) -> Result<Self, A::Error> {
        let (mut name, mut file) = (None, None);
        let mut extra = runtime::Extra::default();
        let mut __map = runtime::object::Fields::new(__map);
        while let Some(__key) = __map.key() {
            match __key.as_str() {
                "name" => __map.optional(&mut name),
                "file" => __map.optional(&mut file),
                _ => __map.extra(&mut extra, __key),
            }
        }
        __map.finish(Self { name, file, extra })
    }
}

impl<'de> serde::Deserialize<'de> for Task {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        runtime::union::tagged(deserializer)
    }
}

impl runtime::union::Tagged for Task {
    const PROPERTY: &'static str = "name";
    fn variant<'de, D: serde::Deserializer<'de>>(
        tag: &str,
        deserializer: D,
    ) -> Option<Result<Self, D::Error>> {
        use runtime::union as u;
        match tag {
            "add-outro" => Some(u::variant(deserializer).map(Self::Outro)),
            _ => None,
        }
    }
    fn unknown(value: Value) -> Self {
        Self::Unknown(value)
    }
}

#[test]
fn an_optional_tag_property_is_read_again_by_its_variant() {
    let outro = |file: Option<&str>, extra: Value| {
        Task::Outro(Outro {
            name: Some("add-outro".into()),
            file: file.map(str::to_owned),
            extra: extra.as_object().cloned().unwrap_or_default().into(),
        })
    };
    let tasks: Vec<Task> = raw(r#"[{"name": "add-outro"}, {"file": "a.mp4", "n": 1, "name": "add-outro"}, {"name": "cut"}]"#)
        .decode::<_, ()>()
        .unwrap();
    assert_eq!(
        tasks,
        [
            outro(None, json!({})),
            // Entries before the tag are kept and replayed.
            outro(Some("a.mp4"), json!({"n": 1})),
            Task::Unknown(json!({"name": "cut"})),
        ]
    );
}

// ------------------------------------- generated structs: the first error

/// As generated (`xtask generate`, 2026-12-04) for `Contact {id: integer
/// (required), email: string (nullable), tags: array of string (required,
/// nullable), age: integer, note: Note}`: no `?` in the bodies, the first
/// error is kept by `Fields`/`Entries` and returned at the end.
#[derive(Clone, Debug, PartialEq)]
pub struct Contact {
    pub id: i64,
    pub email: crate::runtime::Maybe<String>,
    pub tags: Option<Vec<String>>,
    pub age: Option<i64>,
    pub note: Option<Note>,
    pub extra: crate::runtime::Extra,
}
impl serde::Serialize for Contact {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = crate::runtime::object::entries(serializer);
        map.entry("id", &self.id);
        map.maybe("email", &self.email);
        map.entry("tags", &self.tags);
        map.optional("age", &self.age);
        map.optional("note", &self.note);
        map.end(&self.extra)
    }
}
impl<'de> serde::Deserialize<'de> for Contact {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::runtime::object::deserialize(deserializer)
    }
}
impl crate::runtime::object::Object for Contact {
    const NAME: &'static str = "Contact";
    fn from_map<'de, A: serde::de::MapAccess<'de>>(__map: A) -> Result<Self, A::Error> {
        let mut id = None;
        let mut email = crate::runtime::Maybe::Absent;
        let mut tags = None;
        let mut age = None;
        let mut note = None;
        let mut extra: crate::runtime::Extra = Default::default();
        let mut __map = crate::runtime::object::Fields::new(__map);
        while let Some(__key) = __map.key() {
            match __key.as_str() {
                "id" => __map.lenient(&mut id),
                "email" => __map.maybe_lenient(&mut email),
                "tags" => __map.lenient(&mut tags),
                "age" => __map.optional_lenient(&mut age),
                "note" => __map.optional(&mut note),
                _ => __map.extra(&mut extra, __key),
            }
        }
        let Some(id) = id else {
            return Err(__map.missing("id"));
        };
        let Some(tags) = __map.nullable(tags) else {
            return Err(__map.missing("tags"));
        };
        let __value = Self {
            id,
            email,
            tags,
            age,
            note,
            extra,
        };
        __map.finish(__value)
    }
}

/// As generated for `Note {text: string, pinned: boolean (nullable)}`:
/// decoded in place.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Note {
    pub text: Option<String>,
    pub pinned: crate::runtime::Maybe<bool>,
    pub extra: crate::runtime::Extra,
}
impl serde::Serialize for Note {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = crate::runtime::object::entries(serializer);
        map.optional("text", &self.text);
        map.maybe("pinned", &self.pinned);
        map.end(&self.extra)
    }
}
impl<'de> serde::Deserialize<'de> for Note {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::runtime::object::deserialize(deserializer)
    }
}
impl crate::runtime::object::Object for Note {
    const NAME: &'static str = "Note";
    fn from_map<'de, A: serde::de::MapAccess<'de>>(__map: A) -> Result<Self, A::Error> {
        let mut __value = Self::default();
        let mut __map = crate::runtime::object::Fields::new(__map);
        while let Some(__key) = __map.key() {
            match __key.as_str() {
                "text" => __map.optional_lenient(&mut __value.text),
                "pinned" => __map.maybe_lenient(&mut __value.pinned),
                _ => __map.extra(&mut __value.extra, __key),
            }
        }
        __map.finish(__value)
    }
}

#[test]
fn a_generated_struct_decodes_and_encodes_without_losing_anything() {
    let body = r#"{"w":[1],"id":"7","email":null,"tags":["a"],"note":{"text":"x","pinned":true,"z":{}},"age":3}"#;
    let contact: Contact = raw(body).decode::<Contact, ()>().unwrap();
    assert_eq!(contact.id, 7);
    assert_eq!(contact.email, Maybe::Null);
    let note = contact.note.clone().unwrap();
    assert_eq!(
        (note.text.as_deref(), note.pinned),
        (Some("x"), Maybe::Value(true))
    );
    let mut expected: Value = serde_json::from_str(body).unwrap();
    expected["id"] = json!(7);
    assert_eq!(serde_json::to_value(&contact).unwrap(), expected);
    // Required and nullable: absent reads as `null`; optional ones stay absent.
    let contact: Contact = raw(r#"{"id":1}"#).decode::<Contact, ()>().unwrap();
    assert_eq!(
        (contact.tags, contact.email, contact.age),
        (None, Maybe::Absent, None)
    );
    assert_eq!(serde_json::to_string(&contact.extra).unwrap(), "{}");
}

#[test]
fn the_first_failure_ends_the_object_and_is_the_one_reported() {
    // A failure before a required property that never comes: the failure,
    // not "missing field", wherever it is.
    let (path, message) = failure::<Contact>(r#"{"age":"many","id":1}"#);
    assert_eq!(path, "age");
    assert!(
        message.starts_with("invalid value: string \"many\""),
        "{message}"
    );
    let (path, message) = failure::<Contact>(r#"{"note":{"pinned":"maybe"}}"#);
    assert_eq!(path, "note.pinned");
    assert!(message.contains("maybe"), "{message}");
    let (path, _) = failure::<Contact>(r#"{"id":1,"tags":[],"note":{"text":{}}}"#);
    assert_eq!(path, "note.text");
    // Broken JSON where a key should be: the syntax error (its path is
    // the unknown key's, `?`, as serde_path_to_error names it).
    let (path, message) = failure::<Contact>(r#"{"id":1,"tags":[] "age":2}"#);
    assert_eq!(path, "?");
    assert!(message.contains("line 1 column"), "{message}");
    // In an undeclared property's value.
    let (path, message) = failure::<Contact>(r#"{"id":1,"x":[1,}"#);
    assert_eq!(path, "x");
    assert!(message.contains("line 1 column"), "{message}");
    // Only then what is missing.
    assert_eq!(
        failure::<Contact>(r#"{"tags":[],"note":{}}"#),
        ("id".into(), "missing field `id`".into())
    );
    // From a deserializer that is not serde_json's: the same.
    let err =
        <Contact as serde::Deserialize>::deserialize(json!({"age": [], "id": 1})).unwrap_err();
    assert!(
        err.to_string().starts_with("invalid type: sequence"),
        "{err}"
    );
}

/// A writer that fails once `left` bytes are written.
struct Failing {
    out: Vec<u8>,
    left: usize,
}

impl std::io::Write for Failing {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            return Err(std::io::Error::other("full"));
        }
        let n = buf.len().min(self.left);
        self.out.extend_from_slice(&buf[..n]);
        self.left -= n;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn an_encoding_failure_is_returned_wherever_it_happens() {
    let body = r#"{"id":1,"email":"a@b","tags":null,"note":{"text":"t","k":2},"z":[true]}"#;
    let contact: Contact = serde_json::from_str(body).unwrap();
    let whole = serde_json::to_vec(&contact).unwrap();
    assert_eq!(whole, body.as_bytes());
    // The map's start, each property, a nested struct, the undeclared
    // entries and the end: every place can fail, and the failure comes back.
    for left in 0..whole.len() {
        let mut w = Failing {
            out: Vec::new(),
            left,
        };
        let result = serde_json::to_writer(&mut w, &contact);
        assert!(result.is_err(), "no error with {left} bytes of room");
        assert_eq!(w.out, whole[..left], "written before failing at {left}");
    }
    let mut w = Failing {
        out: Vec::new(),
        left: whole.len(),
    };
    serde_json::to_writer(&mut w, &contact).unwrap();
    assert_eq!(w.out, whole);
}
