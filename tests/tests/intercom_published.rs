//! `specs/intercom.yaml` agrees with Intercom's published OpenAPI 2.11
//! description (`tests/reference/intercom-api-2.11.yaml`) on the contact,
//! the update request, the error list and the API version: every property
//! the published schemas declare exists in ours with the same type and
//! nullability, the same properties are required at every depth, and every
//! other difference is one of the kinds the spec's `x-decisions` explain.
//! (What the published description allows is also served by Prism in
//! `prism_dynamic.rs`, and must decode.)

use std::collections::BTreeSet;

use contact_tests::prism::repo_root;
use contact_tests::support::load_spec;
use serde_json::Value;

fn published() -> Value {
    let path = repo_root().join("tests/reference/intercom-api-2.11.yaml");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A schema with `$ref`s to `#/components/schemas/...` of `doc` followed.
fn resolve<'a>(doc: &'a Value, mut schema: &'a Value) -> &'a Value {
    for _ in 0..16 {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                schema = doc
                    .pointer(r.strip_prefix('#').expect("local $ref"))
                    .unwrap_or_else(|| panic!("dangling {r}"))
            }
            None => return schema,
        }
    }
    panic!("$ref chain too long");
}

/// The declared type; `properties` without `type` means an object.
fn type_of(schema: &Value) -> Option<&str> {
    schema
        .get("type")
        .and_then(Value::as_str)
        .or(schema.get("properties").map(|_| "object"))
}

/// One difference: where, and what (`required`, `type`, `nullable`,
/// `format`, `enum`, `missing`, `extra`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Difference {
    path: String,
    kind: &'static str,
    detail: String,
}

/// Differences between a published schema and ours, at every depth.
fn compare(
    published: &Value,
    p: &Value,
    ours: &Value,
    o: &Value,
    path: &str,
    out: &mut Vec<Difference>,
) {
    let p = resolve(published, p);
    let o = resolve(ours, o);
    let mut diff = |kind, detail: String| {
        out.push(Difference {
            path: path.to_string(),
            kind,
            detail,
        })
    };
    if type_of(p) != type_of(o) {
        diff("type", format!("{:?} → {:?}", type_of(p), type_of(o)));
    }
    let nullable = |s: &Value| s.get("nullable").and_then(Value::as_bool).unwrap_or(false);
    if nullable(p) != nullable(o) {
        diff("nullable", format!("{} → {}", nullable(p), nullable(o)));
    }
    if p.get("format") != o.get("format") {
        diff(
            "format",
            format!("{:?} → {:?}", p.get("format"), o.get("format")),
        );
    }
    if p.get("enum") != o.get("enum") {
        diff("enum", format!("{:?} → {:?}", p.get("enum"), o.get("enum")));
    }
    if p.get("default") != o.get("default") {
        diff(
            "default",
            format!("{:?} → {:?}", p.get("default"), o.get("default")),
        );
    }
    let required = |s: &Value| -> BTreeSet<String> {
        s.get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect()
    };
    let (pr, or) = (required(p), required(o));
    if pr != or {
        diff("required", format!("{pr:?} → {or:?}"));
    }
    let empty = serde_json::Map::new();
    let pp = p
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let op = o
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    for (name, ps) in pp {
        let child = format!("{path}.{name}");
        match op.get(name) {
            Some(os) => compare(published, ps, ours, os, &child, out),
            None => out.push(Difference {
                path: child,
                kind: "missing",
                detail: String::new(),
            }),
        }
    }
    for name in op.keys().filter(|n| !pp.contains_key(*n)) {
        let detail = if or.contains(name) {
            "required"
        } else {
            "optional"
        };
        out.push(Difference {
            path: format!("{path}.{name}"),
            kind: "extra",
            detail: detail.into(),
        });
    }
    if let (Some(pi), Some(oi)) = (p.get("items"), o.get("items")) {
        compare(published, pi, ours, oi, &format!("{path}[]"), out);
    }
}

/// The `x-decisions` topic that explains a difference, if any.
fn explained_by(d: &Difference) -> Option<&'static str> {
    let last = d.path.rsplit('.').next().unwrap_or_default();
    match (d.kind, d.detail.as_str()) {
        ("format", r#"Some(String("date-time")) → Some(String("int64"))"#)
            if last.ends_with("_at") =>
        {
            Some("Timestamps")
        }
        ("format", r#"Some(String("uri")) → None"#) if last == "url" || last == "type" => {
            Some("URL formats")
        }
        ("format", r#"None → Some(String("uri"))"#)
            if d.path == "update_contact_request.avatar" =>
        {
            Some("Request avatar format")
        }
        ("format", r#"Some(String("uuid")) → None"#) if d.path == "error.request_id" => {
            Some("Error request id")
        }
        ("enum", _) if last == "role" => Some("Role"),
        ("extra", "optional") => match d.path.as_str() {
            "contact.opted_in_subscription_types" | "contact.opted_out_subscription_types" => {
                Some("Subscription type lists")
            }
            "contact.utm_campaign"
            | "contact.utm_content"
            | "contact.utm_medium"
            | "contact.utm_source"
            | "contact.utm_term"
            | "contact.referrer"
            | "contact.location.country_code"
            | "contact.location.continent_code"
            | "contact.social_profiles.type"
            | "contact.tags.type"
            | "contact.notes.type" => Some("Properties only in the example"),
            _ => None,
        },
        _ => None,
    }
}

/// Every difference between the published schemas and ours.
fn differences(published: &Value, ours: &Value) -> Vec<Difference> {
    let mut out = Vec::new();
    let ps = &published["components"]["schemas"];
    let os = &ours["components"]["schemas"];
    for (p, o) in [
        ("contact", "Contact"),
        ("update_contact_request", "UpdateContactRequest"),
        ("error", "Error"),
        ("intercom_version", "IntercomVersion"),
    ] {
        compare(published, &ps[p], ours, &os[o], p, &mut out);
    }
    out.sort();
    out
}

#[test]
fn intercom_spec_agrees_with_the_published_description() {
    let published = published();
    let ours = load_spec("intercom.yaml");
    let found = differences(&published, &ours);
    let unexplained: Vec<&Difference> =
        found.iter().filter(|d| explained_by(d).is_none()).collect();
    assert!(
        unexplained.is_empty(),
        "differences from Intercom's published description that x-decisions does not explain: {unexplained:#?}"
    );
    // Every kind of difference used is one the spec states, with its reason.
    let topics: BTreeSet<&str> = ours["x-decisions"]
        .as_array()
        .expect("x-decisions")
        .iter()
        .filter_map(|d| d["topic"].as_str())
        .collect();
    let used: BTreeSet<&str> = found.iter().filter_map(explained_by).collect();
    for topic in &used {
        assert!(topics.contains(topic), "x-decisions has no topic {topic:?}");
    }
    eprintln!("{} differences, all explained: {used:?}", found.len());
    // The request and response `role` is the same schema.
    let schemas = &ours["components"]["schemas"];
    assert_eq!(
        schemas["Contact"]["properties"]["role"],
        schemas["UpdateContactRequest"]["properties"]["role"]
    );
    // Both sources are recorded.
    let sources: Vec<&str> = ours["x-source"]
        .as_array()
        .expect("x-source is a list")
        .iter()
        .filter_map(|s| s["document"].as_str())
        .collect();
    assert_eq!(
        sources,
        [
            "shared/seeds/001_77bdca6c4e703f04.txt",
            "shared/reference/intercom-api-2.11.yaml"
        ]
    );
}

/// Edits a spec in place.
type Mutation = fn(&mut Value);

/// The comparison notices what it must: a property made required, one
/// dropped, one made non-nullable, a changed type, and a new required one.
#[test]
fn the_comparison_catches_unfaithful_changes() {
    let published = published();
    let faithful = load_spec("intercom.yaml");
    let baseline = differences(&published, &faithful);
    let mutations: [(&str, Mutation); 6] = [
        ("email required", |s| {
            s["components"]["schemas"]["Contact"]["required"]
                .as_array_mut()
                .unwrap()
                .push("email".into())
        }),
        ("email_domain dropped", |s| {
            s["components"]["schemas"]["Contact"]["properties"]
                .as_object_mut()
                .unwrap()
                .remove("email_domain");
        }),
        ("phone not nullable", |s| {
            s["components"]["schemas"]["Contact"]["properties"]["phone"]["nullable"] = false.into()
        }),
        ("avatar a string", |s| {
            s["components"]["schemas"]["Contact"]["properties"]["avatar"] =
                serde_json::json!({"type": "string", "nullable": true})
        }),
        ("location.city required", |s| {
            s["components"]["schemas"]["ContactLocation"]["required"]
                .as_array_mut()
                .unwrap()
                .push("city".into())
        }),
        ("utm_source required", |s| {
            s["components"]["schemas"]["Contact"]["required"]
                .as_array_mut()
                .unwrap()
                .push("utm_source".into())
        }),
    ];
    for (what, mutate) in mutations {
        let mut ours = faithful.clone();
        mutate(&mut ours);
        let found = differences(&published, &ours);
        let new: Vec<&Difference> = found.iter().filter(|d| !baseline.contains(d)).collect();
        assert!(
            new.iter().any(|d| explained_by(d).is_none()),
            "{what}: not reported as an unexplained difference ({new:?})"
        );
    }
}
