//! Every JSON example embedded in every spec in `specs/` round-trips through
//! the generated type for its position: deserialize, re-serialize, and the
//! result equals the original JSON value exactly (nulls stay nulls, absent
//! members stay absent, numbers and date-times keep their form).
//!
//! Examples are found by walking each spec: media-type and parameter
//! `example` / `examples` (with `$ref`s into `components/examples`
//! followed), the `components/examples` entries themselves, and schema
//! `example`s (and 3.1-style schema `examples` arrays). Each position is
//! mapped to its generated type by hand in [`TABLE`]; a position found in a
//! spec but missing from the table, or a table row whose position no longer
//! exists, fails the test, so the table cannot silently go stale.

use std::collections::BTreeSet;
use std::path::PathBuf;

use contact_clients::{insighto, intercom, intercom_legacy};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

// ---------------------------------------------------------------- walking

fn specs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../specs")
}

fn load(file: &str) -> Value {
    let path = specs_dir().join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn resolve<'a>(root: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let target = root
                .pointer(
                    r.strip_prefix('#')
                        .unwrap_or_else(|| panic!("non-local $ref {r}")),
                )
                .unwrap_or_else(|| panic!("dangling $ref {r}"));
            resolve(root, target)
        }
        None => v,
    }
}

/// Collects `(JSON pointer, example value)` for every example in `v`.
fn collect(
    root: &Value,
    v: &Value,
    ptr: &str,
    in_properties: bool,
    out: &mut Vec<(String, Value)>,
) {
    match v {
        Value::Object(map) => {
            for (key, child) in map {
                let p = format!("{ptr}/{}", escape(key));
                if in_properties {
                    // `key` is a property name; `child` is a schema.
                    collect(root, child, &p, false, out);
                    continue;
                }
                match key.as_str() {
                    "example" => out.push((p, child.clone())),
                    "examples" => match child {
                        Value::Object(named) => {
                            for (name, ex) in named {
                                let ex = resolve(root, ex);
                                let pp = format!("{p}/{}", escape(name));
                                assert!(
                                    ex.get("externalValue").is_none(),
                                    "{pp}: externalValue examples are not supported here"
                                );
                                let value = ex
                                    .get("value")
                                    .unwrap_or_else(|| panic!("{pp}: example without value"));
                                out.push((pp, value.clone()));
                            }
                        }
                        Value::Array(items) => {
                            for (i, item) in items.iter().enumerate() {
                                out.push((format!("{p}/{i}"), item.clone()));
                            }
                        }
                        other => panic!("{p}: unexpected examples {other}"),
                    },
                    // Literal data, not description structure.
                    "default" | "enum" | "const" | "value" => {}
                    "properties" | "patternProperties" => collect(root, child, &p, true, out),
                    _ => collect(root, child, &p, false, out),
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect(root, item, &format!("{ptr}/{i}"), false, out);
            }
        }
        _ => {}
    }
}

// -------------------------------------------------------------- round trip

type RoundTrip = fn(&Value) -> Result<Value, String>;

fn rt<T: DeserializeOwned + Serialize>(v: &Value) -> Result<Value, String> {
    let typed: T = serde_json::from_value(v.clone())
        .map_err(|e| format!("deserialize as {}: {e}", std::any::type_name::<T>()))?;
    serde_json::to_value(&typed)
        .map_err(|e| format!("serialize {}: {e}", std::any::type_name::<T>()))
}

/// The same, but from JSON text, the way a client decodes a response body.
fn rt_text<T: DeserializeOwned + Serialize>(v: &Value) -> Result<Value, String> {
    let text = serde_json::to_string(v).unwrap();
    let typed: T = serde_json::from_str(&text)
        .map_err(|e| format!("deserialize text as {}: {e}", std::any::type_name::<T>()))?;
    serde_json::to_value(&typed).map_err(|e| e.to_string())
}

// ------------------------------------------------------------------ table

const INTERCOM_OP: &str = "/paths/~1contacts~1{contact_id}/put";
const LEGACY_OP: &str = "/paths/~1contacts/post";
const INSIGHTO_OP: &str = "/paths/~1api~1v1~1contact~1{contact_id}/put";

/// `(spec file, pointer of the example, generated type as a round trip)`.
/// Pointers under an operation are written relative to the constants above.
fn table() -> Vec<(&'static str, String, RoundTrip)> {
    use insighto::types as ins;
    use intercom::types as ic;
    use intercom_legacy::types as lg;
    let mut t: Vec<(&'static str, String, RoundTrip)> = Vec::new();
    let mut add = |spec: &'static str, ptr: String, f: RoundTrip| t.push((spec, ptr, f));

    // paragon-actionkit.yaml has no embedded example (its examples live in
    // prose descriptions; see wire_paragon.rs) — nothing to map.

    // ---- intercom.yaml
    let s = "intercom.yaml";
    // Parameters: contact_id (path, string), Intercom-Version (header, enum).
    add(
        s,
        format!("{INTERCOM_OP}/parameters/0/example"),
        rt::<String>,
    );
    add(
        s,
        "/components/parameters/IntercomVersion/example".into(),
        rt::<ic::IntercomVersion>,
    );
    // Media types (via $ref) and the component examples they reference.
    add(
        s,
        format!(
            "{INTERCOM_OP}/requestBody/content/application~1json/examples/UpdateContactRequest"
        ),
        rt::<ic::UpdateContactRequest>,
    );
    add(
        s,
        format!("{INTERCOM_OP}/responses/200/content/application~1json/examples/Contact"),
        rt::<ic::Contact>,
    );
    add(
        s,
        format!("{INTERCOM_OP}/responses/401/content/application~1json/examples/Unauthorized"),
        rt::<ic::Error>,
    );
    add(
        s,
        format!("{INTERCOM_OP}/responses/404/content/application~1json/examples/ContactNotFound"),
        rt::<ic::Error>,
    );
    add(
        s,
        "/components/examples/UpdateContactRequest".into(),
        rt::<ic::UpdateContactRequest>,
    );
    add(
        s,
        "/components/examples/Contact".into(),
        rt_text::<ic::Contact>,
    );
    add(
        s,
        "/components/examples/Unauthorized".into(),
        rt::<ic::Error>,
    );
    add(
        s,
        "/components/examples/ContactNotFound".into(),
        rt::<ic::Error>,
    );
    // Schema property examples: the field types of the generated structs.
    let c = "/components/schemas";
    add(
        s,
        format!("{c}/Contact/properties/type/example"),
        rt::<String>,
    );
    add(
        s,
        format!("{c}/Contact/properties/avatar/properties/type/example"),
        rt::<String>,
    );
    add(
        s,
        format!("{c}/ContactSocialProfiles/properties/type/example"),
        rt::<String>,
    );
    add(
        s,
        format!("{c}/SocialProfile/properties/type/example"),
        rt::<String>,
    );
    add(
        s,
        format!("{c}/ContactTags/properties/type/example"),
        rt::<String>,
    );
    add(
        s,
        format!("{c}/ContactNotes/properties/type/example"),
        rt::<String>,
    );
    add(
        s,
        format!("{c}/ContactSubscriptionTypes/properties/type/example"),
        rt::<String>,
    );
    add(
        s,
        format!("{c}/Error/properties/type/example"),
        rt::<String>,
    );

    // ---- intercom-legacy.yaml
    let s = "intercom-legacy.yaml";
    add(
        s,
        format!("{LEGACY_OP}/requestBody/content/application~1json/examples/UpdateLeadRequest"),
        rt::<lg::UpdateLeadRequest>,
    );
    add(
        s,
        format!("{LEGACY_OP}/responses/200/content/application~1json/examples/Lead"),
        rt::<lg::Lead>,
    );
    add(
        s,
        format!("{LEGACY_OP}/responses/401/content/application~1json/examples/Unauthorized"),
        rt::<lg::Error>,
    );
    add(
        s,
        "/components/examples/UpdateLeadRequest".into(),
        rt::<lg::UpdateLeadRequest>,
    );
    add(s, "/components/examples/Lead".into(), rt_text::<lg::Lead>);
    add(
        s,
        "/components/examples/Unauthorized".into(),
        rt::<lg::Error>,
    );
    for schema in [
        "Lead",
        "LeadAvatar",
        "CompanyList",
        "Company",
        "LocationData",
        "SocialProfileList",
        "SocialProfile",
        "TagList",
        "Tag",
        "SegmentList",
        "Segment",
        "Error",
    ] {
        add(
            s,
            format!("{c}/{schema}/properties/type/example"),
            rt::<String>,
        );
    }

    // ---- insighto.yaml
    let s = "insighto.yaml";
    add(
        s,
        format!("{INSIGHTO_OP}/parameters/0/example"),
        rt::<uuid::Uuid>,
    );
    add(
        s,
        format!("{INSIGHTO_OP}/requestBody/content/application~1json/examples/ContactUpdate"),
        rt::<ins::ContactUpdate>,
    );
    add(
        s,
        format!(
            "{INSIGHTO_OP}/responses/200/content/application~1json/examples/ContactUpdateResponse"
        ),
        rt::<ins::ContactUpdateResponse>,
    );
    add(
        s,
        format!("{INSIGHTO_OP}/responses/422/content/application~1json/examples/InvalidContactId"),
        rt::<ins::HttpValidationError>,
    );
    add(
        s,
        "/components/examples/ContactUpdate".into(),
        rt_text::<ins::ContactUpdate>,
    );
    add(
        s,
        "/components/examples/ContactUpdateResponse".into(),
        rt_text::<ins::ContactUpdateResponse>,
    );
    add(
        s,
        "/components/examples/InvalidContactId".into(),
        rt_text::<ins::HttpValidationError>,
    );

    t
}

/// Spec files the table covers (a new spec must be added here).
const SPECS: &[&str] = &[
    "paragon-actionkit.yaml",
    "intercom.yaml",
    "intercom-legacy.yaml",
    "insighto.yaml",
];

// ------------------------------------------------------------------ tests

#[test]
fn every_spec_file_is_covered() {
    let mut found: Vec<String> = std::fs::read_dir(specs_dir())
        .expect("specs/ readable")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml") || n.ends_with(".yml") || n.ends_with(".json"))
        .collect();
    found.sort();
    let mut known: Vec<String> = SPECS.iter().map(|s| s.to_string()).collect();
    known.sort();
    assert_eq!(
        found, known,
        "specs/ changed: map the new spec's examples in TABLE"
    );
}

/// The walker finds the examples we know are there (so an empty walk cannot
/// pass vacuously).
#[test]
fn walker_finds_known_examples() {
    let spec = load("intercom.yaml");
    let mut out = Vec::new();
    collect(&spec, &spec, "", false, &mut out);
    let contact = out
        .iter()
        .find(|(p, _)| {
            p == &format!("{INTERCOM_OP}/responses/200/content/application~1json/examples/Contact")
        })
        .expect("Contact example via $ref");
    assert_eq!(contact.1["id"], "650cbc286d0a728750658b15");
    assert!(out
        .iter()
        .any(|(p, v)| p.ends_with("/parameters/0/example") && v == "650cbc286d0a728750658b15"));
    assert!(out.len() >= 18, "found only {}", out.len());
}

#[test]
fn every_example_round_trips_exactly() {
    let table = table();
    let mut failures = Vec::new();
    let mut checked = 0usize;
    for spec_file in SPECS {
        let spec = load(spec_file);
        let mut found = Vec::new();
        collect(&spec, &spec, "", false, &mut found);

        let found_ptrs: BTreeSet<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
        let mapped: BTreeSet<&str> = table
            .iter()
            .filter(|(s, _, _)| s == spec_file)
            .map(|(_, p, _)| p.as_str())
            .collect();
        for unmapped in found_ptrs.difference(&mapped) {
            failures.push(format!(
                "{spec_file}: example at {unmapped} is not mapped to a type"
            ));
        }
        for stale in mapped.difference(&found_ptrs) {
            failures.push(format!("{spec_file}: table row {stale} matches no example"));
        }

        for (ptr, value) in &found {
            let Some((_, _, roundtrip)) = table.iter().find(|(s, p, _)| s == spec_file && p == ptr)
            else {
                continue;
            };
            checked += 1;
            match roundtrip(value) {
                Ok(back) if &back == value => {}
                Ok(back) => failures.push(format!(
                    "{spec_file}: {ptr}: round trip changed the value\n  original: {value}\n  back:     {back}"
                )),
                Err(e) => failures.push(format!("{spec_file}: {ptr}: {e}")),
            }
        }
    }
    assert!(checked >= 30, "only {checked} examples checked");
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
