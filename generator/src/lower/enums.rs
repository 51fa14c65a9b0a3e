//! Enums whose values are documented one by one.
//!
//! schemars (so every dropshot API), Discord and others write an enum as a
//! `oneOf` of members that each allow one value and describe it
//! (`{type: string, enum: [running], description: …}`, `{title: JOIN,
//! const: 1}`). As a union that is ten one-value wrapper types tried in
//! turn; as what it means, one Rust enum: a variant per value, named by the
//! member's title when it has one, documented by its description, decoded
//! without buffering, with unknown values kept like any other enum's.

use openapiv3::{ReferenceOr, Schema};
use serde_json::Value;

use super::naming::{pascal, Namespace};
use super::reserved;
use super::view::view;
use crate::ir::{EnumRepr, EnumType, EnumVariant};

/// The base of a variant's name for `value` (before it is made unique).
pub(super) fn value_name(value: &Value) -> String {
    match value {
        Value::String(s) => pascal(s),
        Value::Number(n) => {
            let text = n.to_string();
            match text.strip_prefix('-') {
                Some(abs) => format!("Minus{abs}"),
                None => format!("V{text}"),
            }
        }
        _ => "Value".to_string(),
    }
}

/// The representation a set of enum values shares, if Rust enums have one
/// for it (strings or integers).
fn repr_of(values: &[&Value]) -> Option<EnumRepr> {
    if values.iter().all(|e| e.is_string()) {
        Some(EnumRepr::String)
    } else if values.iter().all(|e| e.is_i64() || e.is_u64()) {
        Some(EnumRepr::Integer)
    } else {
        None
    }
}

/// One member that allows only listed scalar values.
struct Member<'s> {
    values: Vec<Value>,
    title: Option<&'s str>,
    description: Option<&'s str>,
}

/// The enum `members` (of a `oneOf`/`anyOf`) mean when at least two of them
/// each allow only listed values of one representation (and the rest only
/// `null`), and whether `null` is allowed; `None` for any other union.
pub(super) fn documented_enum(members: &[ReferenceOr<Schema>]) -> Option<(EnumType, bool)> {
    let mut nullable = false;
    let mut listed = Vec::with_capacity(members.len());
    for m in members {
        // A referenced member is a type of its own, used elsewhere too.
        let ReferenceOr::Item(s) = m else {
            return None;
        };
        let v = view(s);
        let structured = v.properties.is_some_and(|p| !p.is_empty())
            || v.items.is_some()
            || v.additional.is_some()
            || !v.one_of.is_empty()
            || !v.all_of.is_empty()
            || !v.any_of.is_empty()
            || v.not;
        if structured {
            return None;
        }
        if v.typ == Some("null")
            || (!v.enumeration.is_empty() && v.enumeration.iter().all(Value::is_null))
        {
            nullable = true;
            continue;
        }
        let listed_count = v.enumeration.len();
        let values: Vec<Value> = v.enumeration.into_iter().filter(|e| !e.is_null()).collect();
        if values.is_empty() {
            return None;
        }
        nullable |= s.schema_data.nullable || values.len() < listed_count;
        listed.push((
            v.typ,
            Member {
                values,
                title: s.schema_data.title.as_deref(),
                description: s.schema_data.description.as_deref(),
            },
        ));
    }
    if listed.len() < 2 {
        return None;
    }
    let all: Vec<&Value> = listed.iter().flat_map(|(_, m)| &m.values).collect();
    let repr = repr_of(&all)?;
    let typ = match repr {
        EnumRepr::String => "string",
        _ => "integer",
    };
    if listed.iter().any(|(t, _)| t.is_some_and(|t| t != typ)) {
        return None;
    }
    let mut taken = Namespace::new(reserved::ENUM_VARIANTS);
    let mut seen = std::collections::HashSet::new();
    let mut variants = Vec::with_capacity(all.len());
    for (_, m) in &listed {
        let single = m.values.len() == 1;
        for value in &m.values {
            if !seen.insert(value.to_string()) {
                continue;
            }
            // A title without a letter or digit names nothing.
            let titled = m
                .title
                .filter(|t| single && t.chars().any(char::is_alphanumeric))
                .map(pascal);
            variants.push(EnumVariant {
                name: taken.claim(titled.unwrap_or_else(|| value_name(value))),
                value: value.clone(),
                description: m.description.filter(|_| single).map(str::to_string),
            });
        }
    }
    let kind = EnumType {
        repr,
        variants,
        nullable: false,
    };
    Some((kind, nullable))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn members(json: Value) -> Vec<ReferenceOr<Schema>> {
        serde_json::from_value(json).expect("members parse")
    }

    fn described(json: Value) -> Option<Vec<(String, Value, Option<String>)>> {
        let (e, _) = documented_enum(&members(json))?;
        Some(
            e.variants
                .into_iter()
                .map(|v| (v.name, v.value, v.description))
                .collect(),
        )
    }

    #[test]
    fn one_value_members_make_one_documented_enum() {
        let got = described(json!([
            {"type": "string", "enum": ["creating"], "description": "Being created."},
            {"type": "string", "enum": ["running"], "description": "Running."},
            {"type": "string", "enum": ["stopped", "failed"], "description": "Done."},
            {"type": "string", "enum": ["running"]}
        ]))
        .expect("an enum");
        assert_eq!(
            got,
            vec![
                (
                    "Creating".into(),
                    json!("creating"),
                    Some("Being created.".into())
                ),
                ("Running".into(), json!("running"), Some("Running.".into())),
                // A member listing several values describes none of them alone.
                ("Stopped".into(), json!("stopped"), None),
                ("Failed".into(), json!("failed"), None),
            ]
        );
    }

    #[test]
    fn titles_name_integer_values() {
        let (e, nullable) = documented_enum(&members(json!([
            {"title": "JOIN", "enum": [1], "description": "Join"},
            {"title": "JOIN_REQUEST", "type": "integer", "enum": [5]},
            {"title": "", "enum": [7]},
            {"type": "null"}
        ])))
        .expect("an enum");
        assert_eq!(e.repr, EnumRepr::Integer);
        let names: Vec<&str> = e.variants.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["Join", "JoinRequest", "V7"]);
        assert!(nullable, "a `null` member makes the enum's uses nullable");
    }

    #[test]
    fn other_unions_stay_unions() {
        for other in [
            // A free string member: not a closed list.
            json!([{"type": "string", "enum": ["a"]}, {"type": "string"}]),
            // Strings and integers.
            json!([{"type": "string", "enum": ["a"]}, {"type": "integer", "enum": [1]}]),
            // A referenced member is a type of its own.
            json!([{"type": "string", "enum": ["a"]}, {"$ref": "#/components/schemas/B"}]),
            // An object member.
            json!([{"type": "string", "enum": ["a"]}, {"type": "object", "properties": {"x": {}}}]),
            // A member's type disagrees with its values.
            json!([{"type": "integer", "enum": ["a"]}, {"type": "string", "enum": ["b"]}]),
            // One member: nothing to merge.
            json!([{"type": "string", "enum": ["a"]}, {"type": "null"}]),
        ] {
            assert!(described(other.clone()).is_none(), "{other}");
        }
    }
}
