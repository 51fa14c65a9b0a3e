//! The specs' JSON examples, each with the Rust type of its position (or
//! why it is skipped).

use std::collections::BTreeMap;

use clientgen::ir::{self, Primitive, ResponseBody, StatusMatch, TypeKind, TypeRef};
use clientgen::lower::ident_text;
use serde_json::Value;

/// One JSON example and the position it belongs to.
pub(super) struct Case {
    /// Where the example is attached (JSON pointer plus example index).
    pub(super) origin: String,
    /// The Rust type to decode it into, or why it is skipped.
    pub(super) rust_type: Result<String, String>,
    pub(super) value: Value,
}

fn status_text(s: StatusMatch) -> String {
    match s {
        StatusMatch::Code(c) => c.to_string(),
        StatusMatch::Range(r) => format!("{r}XX"),
        StatusMatch::Default => "default".into(),
    }
}

/// Marks a case whose example the spec wrote as a string holding JSON.
pub(super) const STRING_ENCODED: &str = " [string-encoded in the spec]";

fn escape_pointer(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// Every JSON example of the API with the Rust type of its position.
pub(super) fn collect_cases(api: &ir::Api, krate: &str) -> Vec<Case> {
    let krate = krate.replace('-', "_");
    let names = type_names(api);
    let mut cases = Vec::new();
    let containers: BTreeMap<&str, bool> = api
        .types
        .iter()
        .map(|d| {
            (
                d.key.as_str(),
                matches!(&d.kind, TypeKind::Struct(_) | TypeKind::Union(_)),
            )
        })
        .collect();
    // Whether a position holds a JSON object or array (never a string).
    let container = |t: &TypeRef| match t.non_null() {
        TypeRef::Named(key) => containers.get(key.as_str()).copied().unwrap_or(false),
        TypeRef::Array(_) | TypeRef::Map(_) => true,
        _ => false,
    };
    let mut push =
        |origin: String, t: Option<&TypeRef>, ty: Result<String, String>, examples: &[Value]| {
            for (n, v) in examples.iter().enumerate() {
                let mut origin = format!("{origin} (example {n})");
                let mut value = v.clone();
                // Some specs (Atlassian's) write each example as a string holding
                // the JSON document: decode that document instead.
                if let (Some(text), Some(t)) = (v.as_str(), t) {
                    let inner = serde_json::from_str::<Value>(text)
                        .ok()
                        .filter(|i| i.is_object() || i.is_array());
                    if let (true, Some(inner)) = (container(t), inner) {
                        value = inner;
                        origin.push_str(STRING_ENCODED);
                    }
                }
                cases.push(Case {
                    origin,
                    rust_type: ty.clone(),
                    value,
                });
            }
        };
    for def in &api.types {
        let t = TypeRef::Named(def.key.clone());
        push(
            def.key.clone(),
            Some(&t),
            rust_type(&t, &names, &krate),
            &def.examples,
        );
    }
    for op in &api.operations {
        if let Some(body) = &op.body {
            let origin = format!(
                "{}/requestBody/content/{}",
                op.pointer,
                escape_pointer(&body.content_type)
            );
            let ty = match &body.ty {
                Some(t) => rust_type(t, &names, &krate),
                None => Err("raw body".into()),
            };
            push(origin, body.ty.as_ref(), ty, &body.examples);
        }
        for resp in &op.responses {
            let origin = format!("{}/responses/{}", op.pointer, status_text(resp.status));
            let body_type = match &resp.body {
                ResponseBody::Json(t) => Some(t),
                _ => None,
            };
            let ty = match &resp.body {
                ResponseBody::Json(t) => rust_type(t, &names, &krate),
                ResponseBody::Empty => Err("no body type".into()),
                ResponseBody::Text => Err("text body".into()),
                ResponseBody::Raw => Err("raw body".into()),
                ResponseBody::Events(_) => Err("event stream".into()),
            };
            push(origin, body_type, ty, &resp.examples);
        }
    }
    cases
}

/// Type key → Rust name, for [`rust_type`].
pub(super) fn type_names(api: &ir::Api) -> BTreeMap<&str, &str> {
    api.types
        .iter()
        .map(|d| (d.key.as_str(), d.name.as_str()))
        .collect()
}

/// The Rust type of a position, as seen from the round-trip program; `Err`
/// (a reason to skip) when the position is untyped.
pub(super) fn rust_type(
    t: &TypeRef,
    names: &BTreeMap<&str, &str>,
    krate: &str,
) -> Result<String, String> {
    match t.non_null() {
        TypeRef::Any | TypeRef::Object => return Err("untyped".into()),
        TypeRef::Named(key) if !names.contains_key(key.as_str()) => {
            return Err(format!("unresolved type {key}"))
        }
        _ => {}
    }
    fn go(t: &TypeRef, names: &BTreeMap<&str, &str>, krate: &str) -> String {
        match t {
            TypeRef::Named(key) => match names.get(key.as_str()) {
                Some(name) => format!("{krate}::api::types::{}", ident_text(name)),
                None => "serde_json::Value".into(),
            },
            TypeRef::Primitive(p) => match p {
                Primitive::String | Primitive::Binary => "String".into(),
                Primitive::Bool => "bool".into(),
                Primitive::I32 => "i32".into(),
                Primitive::I64 => "i64".into(),
                Primitive::U64 => "u64".into(),
                Primitive::F32 | Primitive::F64 => "f64".into(),
                Primitive::Uuid => "uuid::Uuid".into(),
                Primitive::DateTime => format!("{krate}::runtime::DateTime"),
                Primitive::Date => format!("{krate}::runtime::Date"),
            },
            TypeRef::Array(inner) => format!("Vec<{}>", go(inner, names, krate)),
            TypeRef::Map(inner) => format!(
                "std::collections::BTreeMap<String, {}>",
                go(inner, names, krate)
            ),
            TypeRef::Nullable(inner) => format!("Option<{}>", go(inner, names, krate)),
            TypeRef::Any => "serde_json::Value".into(),
            TypeRef::Object => "serde_json::Map<String, serde_json::Value>".into(),
            TypeRef::External(e) => e.path.clone(),
        }
    }
    Ok(go(t, names, krate))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_types_of_positions() {
        let names: BTreeMap<&str, &str> = [
            ("#/components/schemas/Pet", "Pet"),
            ("#/components/schemas/type", "Type"),
        ]
        .into();
        let named = |k: &str| TypeRef::Named(k.to_string());
        let ty = |t: &TypeRef| rust_type(t, &names, "corpus_x");
        assert_eq!(
            ty(&named("#/components/schemas/Pet")).unwrap(),
            "corpus_x::api::types::Pet"
        );
        assert_eq!(
            ty(&TypeRef::Array(Box::new(TypeRef::Nullable(Box::new(
                named("#/components/schemas/Pet")
            )))))
            .unwrap(),
            "Vec<Option<corpus_x::api::types::Pet>>"
        );
        assert_eq!(
            ty(&TypeRef::Map(Box::new(TypeRef::Primitive(
                Primitive::DateTime
            ))))
            .unwrap(),
            "std::collections::BTreeMap<String, corpus_x::runtime::DateTime>"
        );
        assert!(ty(&TypeRef::Any).is_err());
        assert!(ty(&TypeRef::Nullable(Box::new(TypeRef::Object))).is_err());
        assert!(ty(&named("#/components/schemas/Missing")).is_err());
    }
}
