//! Schema-driven decode fuzzing of the four contact clients.
//!
//! For every schema position of every spec in `specs/` (each named schema,
//! each JSON request body and each JSON response body), json-schema-faker
//! (pinned in `tests/prism`, install with `npm ci --prefix tests/prism`)
//! generates random valid instances: optional properties omitted at random,
//! nulls where nullable, every union branch, enum values, formats. ajv
//! checks each against its schema; one it rejects is the faker's mistake,
//! counted and printed but not a failure. Each valid instance must decode into the generated type of its position (through
//! `RawResponse::decode`, the path real responses take) and re-encode to
//! equal JSON (numbers by value; a date-time may be re-encoded in its RFC
//! 3339 form, see `tests/fuzz/compare.rs`).
//!
//! Reproducible: `FUZZ_SEED` (default 8) seeds everything, `FUZZ_COUNT`
//! (default 200) sets the instances per position; a failure prints the seed,
//! the position and the instance.

#[path = "../fuzz/compare.rs"]
mod compare;
#[path = "../fuzz/positions.rs"]
mod positions;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use clientgen::ir::{Api, TypeKind, TypeRef};
use contact_clients::runtime::RawResponse;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

use positions::{positions, Position};

/// Decodes the instance's bytes as a generated type and re-encodes it.
type RoundTrip = fn(&Value) -> Result<Value, String>;

fn round_trip<T: DeserializeOwned + Serialize>(v: &Value) -> Result<Value, String> {
    let body = serde_json::to_vec(v).map_err(|e| e.to_string())?;
    let raw = RawResponse {
        status: reqwest::StatusCode::OK,
        headers: reqwest::header::HeaderMap::new(),
        body: body.into(),
    };
    let typed: T = raw.decode::<T, ()>().map_err(|e| e.to_string())?;
    serde_json::to_value(&typed).map_err(|e| format!("re-encoding: {e}"))
}

/// Every generated type of every API, by (spec file, type name). A type the
/// spec has but this table lacks fails the test with its name.
macro_rules! table {
    ($($file:literal => $module:ident: [$($ty:ident),* $(,)?]),* $(,)?) => {
        fn table() -> BTreeMap<(&'static str, &'static str), RoundTrip> {
            let mut t: BTreeMap<(&'static str, &'static str), RoundTrip> = BTreeMap::new();
            $($(t.insert(($file, stringify!($ty)), round_trip::<contact_clients::$module::types::$ty>);)*)*
            t
        }
    };
}

table! {
    "insighto.yaml" => insighto: [ContactUpdate, ContactUpdateResponse, HttpValidationError, IContactUpdate, ValidationError, ValidationErrorLocItem],
    "intercom.yaml" => intercom: [
        AddressableReference, Contact, ContactAvatar, ContactCompanies, ContactCompaniesType, ContactCompany,
        ContactCompanyType, ContactLocation, ContactLocationType, ContactNotes, ContactRole, ContactSocialProfiles,
        ContactSubscriptionTypes, ContactTags, Error, ErrorItem, IntercomVersion, SocialProfile, UpdateContactRequest,
    ],
    "intercom-legacy.yaml" => intercom_legacy: [
        Company, CompanyList, Error, ErrorItem, Lead, LeadAvatar, LocationData, Segment, SegmentList,
        SocialProfile, SocialProfileList, Tag, TagList, UpdateLeadRequest,
    ],
    "paragon-actionkit.yaml" => paragon: [
        IntercomUpdateContactRequest, IntercomUpdateContactRequestParameters, IntercomUpdateContactRequestParametersRole,
    ],
}

const SPECS: [&str; 4] = [
    "insighto.yaml",
    "intercom.yaml",
    "intercom-legacy.yaml",
    "paragon-actionkit.yaml",
];

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Round-trips `v` through the Rust type of `t`, composing container
/// types from the named types' entries in the table.
fn check(
    spec: &str,
    api: &Api,
    table: &BTreeMap<(&str, &str), RoundTrip>,
    t: &TypeRef,
    v: &Value,
) -> Result<Value, String> {
    match t {
        TypeRef::Named(key) => {
            let def = api
                .types
                .iter()
                .find(|d| &d.key == key)
                .ok_or_else(|| format!("no type {key}"))?;
            match &def.kind {
                TypeKind::Alias {
                    target,
                    newtype: false,
                } => check(spec, api, table, target, v),
                _ => {
                    let f = table.get(&(spec, def.name.as_str())).ok_or_else(|| {
                        format!(
                            "type `{}` of {spec} is missing from the table in {}",
                            def.name,
                            file!()
                        )
                    })?;
                    f(v)
                }
            }
        }
        TypeRef::Nullable(inner) => match v {
            Value::Null => round_trip::<Option<()>>(v),
            _ => check(spec, api, table, inner, v),
        },
        TypeRef::Array(inner) => match v {
            Value::Array(items) => items
                .iter()
                .map(|i| check(spec, api, table, inner, i))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
            other => round_trip::<Vec<Value>>(other),
        },
        TypeRef::Map(inner) => match v {
            Value::Object(m) => m
                .iter()
                .map(|(k, i)| check(spec, api, table, inner, i).map(|x| (k.clone(), x)))
                .collect::<Result<serde_json::Map<_, _>, _>>()
                .map(Value::Object),
            other => round_trip::<BTreeMap<String, Value>>(other),
        },
        TypeRef::Primitive(p) => {
            use clientgen::ir::Primitive as P;
            use contact_clients::runtime::{Date, DateTime};
            match p {
                P::String | P::Binary => round_trip::<String>(v),
                P::Bool => round_trip::<bool>(v),
                P::I32 => round_trip::<i32>(v),
                P::I64 => round_trip::<i64>(v),
                P::U64 => round_trip::<u64>(v),
                P::F32 | P::F64 => round_trip::<f64>(v),
                P::Uuid => round_trip::<uuid::Uuid>(v),
                P::DateTime => round_trip::<DateTime>(v),
                P::Date => round_trip::<Date>(v),
            }
        }
        TypeRef::Any | TypeRef::Object => Ok(v.clone()),
        // Only configured replacements are external; the specs have none.
        TypeRef::External(e) => Err(format!("external type {} is not fuzzed", e.path)),
    }
}

fn seed() -> u32 {
    std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(8)
}

fn count() -> usize {
    std::env::var("FUZZ_COUNT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200)
}

/// Runs json-schema-faker over the positions: one JSON value per instance.
fn instances(spec_path: &Path, positions: &[Position], seed: u32, count: usize) -> Vec<Value> {
    let text = std::fs::read_to_string(spec_path)
        .unwrap_or_else(|e| panic!("{}: {e}", spec_path.display()));
    let document: Value = clientgen::load::parse_value(&text)
        .unwrap_or_else(|e| panic!("{}: {e}", spec_path.display()));
    let name = spec_path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("spec");
    instances_of(&document, name, positions, seed, count)
}

fn instances_of(
    document: &Value,
    name: &str,
    positions: &[Position],
    seed: u32,
    count: usize,
) -> Vec<Value> {
    let dir = std::env::temp_dir().join(format!("contact-fuzz-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let out = dir.join(format!("{name}.jsonl"));
    if let Err(e) = positions::generate(
        &repo().join("tests/fuzz"),
        document,
        positions,
        seed,
        count,
        &out,
    ) {
        panic!("{e}");
    }
    let lines = std::fs::read_to_string(&out).expect("instances");
    let _ = std::fs::remove_dir_all(&dir);
    lines
        .lines()
        .map(|l| {
            serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("bad line from instances.mjs ({e}): {l}"))
        })
        .collect()
}

#[test]
fn every_schema_position_round_trips_random_instances() {
    let table = table();
    let (seed, count) = (seed(), count());
    let mut report = Vec::new();
    let mut total = 0usize;
    let mut used_types = BTreeSet::new();
    for spec in SPECS {
        let path = repo().join("specs").join(spec);
        let api = clientgen::lower_file(&path, spec)
            .unwrap_or_else(|e| panic!("{spec}: {e}"))
            .api;
        let positions = positions(&api);
        for def in &api.types {
            used_types.insert((spec, def.name.clone()));
        }
        let lines = instances(&path, &positions, seed, count);
        let mut per_position: BTreeMap<&str, usize> = BTreeMap::new();
        let mut failed: BTreeSet<String> = BTreeSet::new();
        let mut invalid: BTreeMap<&str, usize> = BTreeMap::new();
        for line in &lines {
            let id = line["position"].as_str().unwrap_or_default();
            let position = positions
                .iter()
                .find(|p| p.id == id)
                .unwrap_or_else(|| panic!("unknown position {id}"));
            if let Some(e) = line.get("error") {
                report.push(format!("{spec} {id}: the faker failed: {e}"));
                failed.insert(id.to_string());
                continue;
            }
            *per_position.entry(position.id.as_str()).or_default() += 1;
            total += 1;
            if failed.contains(id) {
                continue;
            }
            let value = &line["value"];
            // A valid instance fits its schema as it is: decoded with the
            // lenient rules suspended, so a value kept in `Unknown` or read
            // leniently fails (see `runtime::lenient::Mode`).
            let valid = line.get("invalid").is_none() && line.get("unchecked").is_none();
            let mode = contact_clients::runtime::lenient::Mode::set(valid);
            let outcome = check(spec, &api, &table, &position.ty, value).and_then(|back| {
                match compare::compare(value, &back) {
                    Ok(normalised) => match normalised
                        .iter()
                        .find(|(_, kind)| !compare::VALID_INSTANCE_NORMALISATIONS.contains(kind))
                    {
                        Some((at, kind)) => Err(format!(
                            "{kind} at {at} (a valid instance was not kept as sent): {back}"
                        )),
                        None => Ok(()),
                    },
                    Err(d) => Err(format!(
                        "re-encoded differently at {}: expected {:?}, got {:?}",
                        d.pointer, d.expected, d.actual
                    )),
                }
            });
            drop(mode);
            if let Some(why) = line.get("invalid") {
                // The faker's mistake (ajv rejects the instance): not a
                // decode failure, but counted and shown.
                *invalid.entry(id).or_default() += 1;
                if invalid[id] == 1 {
                    println!(
                        "{spec} {id}: the faker produced an invalid instance (seed {}): {why}; decodes: {}\n  instance: {value}",
                        line["seed"],
                        outcome.is_ok()
                    );
                }
                continue;
            }
            if let Err(e) = outcome {
                failed.insert(id.to_string());
                report.push(format!(
                    "{spec} {id} (FUZZ_SEED={seed}, instance seed {}):\n  {e}\n  instance: {value}",
                    line["seed"]
                ));
            }
        }
        let decoded: usize = per_position.values().sum();
        println!(
            "{spec}: {} positions, {decoded} instances (FUZZ_SEED={seed}), {} invalid instances (the faker's), {} failing positions",
            positions.len(),
            invalid.values().sum::<usize>(),
            failed.len()
        );
        for p in &positions {
            let n = per_position.get(p.id.as_str()).copied().unwrap_or(0);
            if n < count && !failed.contains(&p.id) {
                report.push(format!("{spec} {}: only {n} of {count} instances", p.id));
            }
        }
    }
    let stale: Vec<String> = table
        .keys()
        .filter(|(s, n)| !used_types.contains(&(*s, n.to_string())))
        .map(|(s, n)| format!("{s} {n}"))
        .collect();
    assert!(
        stale.is_empty(),
        "table rows for types the specs no longer have: {stale:?}"
    );
    assert!(
        report.is_empty(),
        "{} failing positions ({total} instances, FUZZ_SEED={seed}):\n{}",
        report.len(),
        report.join("\n")
    );
    assert!(total >= 200 * 4, "too few instances: {total}");
}

/// ajv must see every schema the faker sees: a property named like a
/// keyword (`default`, `examples`, `$id`) is a schema like any other, so its
/// `$ref` is followed when the instance is checked. (Airbyte's
/// `ActorDefinitionResourceRequirements` has a property `default`; its
/// instances went unchecked, and the faker's mistakes in them were counted
/// as decode failures.)
#[test]
fn properties_named_like_keywords_are_checked_against_their_schemas() {
    let document = json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": {
            "Limits": {
                "type": "object",
                "required": ["default", "examples", "$id"],
                "properties": {
                    "default": {"$ref": "#/components/schemas/Kind"},
                    "examples": {"type": "array", "items": {"$ref": "#/components/schemas/Kind"}},
                    "$id": {"$ref": "#/components/schemas/Kind"},
                },
            },
            "Kind": {"type": "string", "enum": ["a", "b"]},
        }},
    });
    let position = Position {
        id: "limits".into(),
        pointer: "#/components/schemas/Limits".into(),
        response: false,
        ty: TypeRef::Any,
    };
    let lines = instances_of(&document, "keywords", &[position], seed(), 20);
    assert_eq!(lines.len(), 20, "{lines:?}");
    for line in &lines {
        for key in ["error", "unchecked", "invalid"] {
            assert!(line.get(key).is_none(), "{key}: {line}");
        }
        let value = &line["value"];
        assert!(
            matches!(value["default"].as_str(), Some("a" | "b")),
            "{line}"
        );
        assert!(matches!(value["$id"].as_str(), Some("a" | "b")), "{line}");
    }
}

/// Extensions are annotations: one holding an object with a `type` (files.com's
/// `x-object-type: {type: hash}`) is not a schema for the faker, which
/// threw "unknown primitive hash" on every position reaching one. A
/// property named like an extension is still a property.
#[test]
fn extensions_are_not_read_as_schemas() {
    let document = json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": {
            "App": {
                "type": "object",
                "required": ["links", "x-id"],
                "properties": {
                    "links": {
                        "type": "object",
                        "additionalProperties": {"type": "string"},
                        "x-object-type": {"type": "hash", "key_type": "string"},
                    },
                    "x-id": {"type": "integer", "x-kind": {"type": "hash"}},
                },
            },
        }},
    });
    let position = Position {
        id: "app".into(),
        pointer: "#/components/schemas/App".into(),
        response: false,
        ty: TypeRef::Any,
    };
    let lines = instances_of(&document, "extensions", &[position], seed(), 20);
    assert_eq!(lines.len(), 20, "{lines:?}");
    for line in &lines {
        for key in ["error", "unchecked", "invalid"] {
            assert!(line.get(key).is_none(), "{key}: {line}");
        }
        assert!(line["value"]["links"].is_object(), "{line}");
        assert!(line["value"]["x-id"].is_i64(), "{line}");
    }
}

#[test]
fn the_comparison_tells_normalisations_from_differences() {
    let ok = |a: Value, b: Value| compare::compare(&a, &b);
    assert_eq!(ok(json!({"a": 1}), json!({"a": 1.0})), Ok(vec![]));
    assert_eq!(
        ok(
            json!({"t": "2022-07-15T09:19:44.990+00:00"}),
            json!({"t": "2022-07-15T09:19:44.99Z"})
        ),
        Ok(vec![("/t".into(), "date-time")])
    );
    assert_eq!(
        ok(
            json!({"t": "2022-07-15T09:19:44.990+0000"}),
            json!({"t": "2022-07-15T09:19:44.99Z"})
        ),
        Ok(vec![("/t".into(), "lenient date-time")])
    );
    assert_eq!(
        ok(json!({"n": "19.720000"}), json!({"n": 19.72})),
        Ok(vec![("/n".into(), "lenient number")])
    );
    assert_eq!(
        ok(json!({"n": null}), json!({})),
        Ok(vec![("/n".into(), "null optional")])
    );
    assert_eq!(
        ok(json!({}), json!({"n": null})),
        Ok(vec![("/n".into(), "absent nullable")])
    );
    assert_eq!(
        ok(
            json!({"n": 568250167242549743u64}),
            json!({"n": "568250167242549743"})
        ),
        Ok(vec![("/n".into(), "lenient string")])
    );
    assert!(ok(json!({"n": 5}), json!({"n": "6"})).is_err());
    // Real differences.
    assert!(ok(
        json!({"t": "2022-07-15T09:19:44Z"}),
        json!({"t": "2022-07-15T09:19:44+01:00"})
    )
    .is_err());
    assert!(ok(json!({"n": "19.7"}), json!({"n": 19.72})).is_err());
    assert!(ok(json!({"n": null}), json!({"n": 0})).is_err());
    assert!(ok(json!([1, 2]), json!([1])).is_err());
    assert_eq!(
        ok(json!({"a": {"b": [1, "x"]}}), json!({"a": {"b": [1, "y"]}}))
            .unwrap_err()
            .pointer,
        "/a/b/1"
    );
}
