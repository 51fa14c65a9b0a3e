//! Client-level parameters: a header parameter that every operation declares,
//! optional and with the same `default`, becomes a setting of the client
//! (sent by default, overridable per client and per call).
//!
//! This is how APIs describe a version header (Intercom's `Intercom-Version`,
//! default `2.11`): the server falls back to some other version when the
//! header is missing, so the default the description was written against is
//! the value to send. For any other header, sending the documented default is
//! what the server assumes anyway.

use std::collections::BTreeMap;

use super::naming::{snake, Namespace};
use super::reserved;
use crate::ir::{
    ClientParam, Operation, Param, ParamLocation, Primitive, SecurityScheme, TypeDef, TypeKey,
    TypeKind, TypeRef,
};

/// The client-level parameters of an API, in the order the first operation
/// declares them.
pub(super) fn client_params(
    operations: &[Operation],
    types: &BTreeMap<TypeKey, TypeDef>,
    schemes: &[SecurityScheme],
) -> Vec<ClientParam> {
    let Some((first, rest)) = operations.split_first() else {
        return Vec::new();
    };
    // The client builder's methods: the credential setters took theirs.
    let mut taken = Namespace::new(reserved::CLIENT_BUILDER_METHODS);
    for s in schemes {
        taken.claim(s.rust_name.clone());
        if let Some(setter) = &s.provider_setter {
            taken.claim(setter.clone());
        }
        if let Some(flow) = &s.client_credentials {
            taken.claim(flow.setter.clone());
        }
    }
    let mut out: Vec<ClientParam> = Vec::new();
    for p in &first.params {
        let Some(default) = header_default(p, types) else {
            continue;
        };
        let everywhere = rest.iter().all(|op| {
            op.params.iter().any(|q| {
                same_header(p, q)
                    && q.ty == p.ty
                    && header_default(q, types).as_ref() == Some(&default)
            })
        });
        if !everywhere || out.iter().any(|c| c.name.eq_ignore_ascii_case(&p.name)) {
            continue;
        }
        out.push(ClientParam {
            name: p.name.clone(),
            rust_name: taken.claim_with_suffix(snake(&p.name), "_header"),
            ty: p.ty.non_null().clone(),
            default,
            description: p.description.clone(),
        });
    }
    out
}

fn same_header(a: &Param, b: &Param) -> bool {
    b.location == ParamLocation::Header && a.name.eq_ignore_ascii_case(&b.name)
}

/// The header text of an optional header parameter's scalar default, if the
/// parameter qualifies: a scalar type or an enum of strings or integers, and
/// a default that is a valid header value.
fn header_default(p: &Param, types: &BTreeMap<TypeKey, TypeDef>) -> Option<String> {
    if p.location != ParamLocation::Header
        || p.required
        || !token(&p.name)
        || !scalar(p.ty.non_null(), types)
    {
        return None;
    }
    let text = match p.default.as_ref()? {
        serde_json::Value::String(s) => s.clone(),
        v @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_)) => v.to_string(),
        _ => return None,
    };
    // RFC 9110 field-value: visible ASCII, spaces and tabs inside.
    let valid = !text.is_empty()
        && text.trim() == text
        && text
            .bytes()
            .all(|b| b == b' ' || b == b'\t' || (0x21..0x7f).contains(&b));
    valid.then_some(text)
}

/// Types whose value is one header token: printed with `Display`.
fn scalar(ty: &TypeRef, types: &BTreeMap<TypeKey, TypeDef>) -> bool {
    match ty {
        TypeRef::Primitive(p) => !matches!(p, Primitive::Binary),
        TypeRef::Named(key) => types
            .get(key)
            .is_some_and(|t| matches!(t.kind, TypeKind::Enum(_))),
        _ => false,
    }
}

/// An HTTP field name (RFC 9110 `token`).
fn token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}
