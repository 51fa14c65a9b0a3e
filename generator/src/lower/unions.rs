//! Post-pass over unions: implicit discriminators and tag defaults.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde_json::Value;

use crate::ir::{EnumRepr, Primitive, TypeDef, TypeKey, TypeKind, TypeRef};

/// The single value a field can hold, if its type is a one-value string enum
/// (`const: text` or `enum: [text]`).
fn const_value(types: &BTreeMap<TypeKey, TypeDef>, t: &TypeRef) -> Option<String> {
    let TypeRef::Named(key) = t else { return None };
    match &types.get(key)?.kind {
        TypeKind::Enum(e) if e.repr == EnumRepr::String && e.variants.len() == 1 => {
            e.variants[0].value.as_str().map(str::to_string)
        }
        _ => None,
    }
}

/// The fields of a struct variant by name (a map: unions of many large
/// structs are checked property by property).
fn struct_fields<'t>(
    types: &'t BTreeMap<TypeKey, TypeDef>,
    t: &TypeRef,
) -> Option<(Vec<&'t str>, HashMap<&'t str, &'t TypeRef>)> {
    let TypeRef::Named(key) = t.non_null() else {
        return None;
    };
    match &types.get(key)?.kind {
        TypeKind::Struct(s) => Some((
            s.fields.iter().map(|f| f.name.as_str()).collect(),
            s.fields.iter().map(|f| (f.name.as_str(), &f.ty)).collect(),
        )),
        _ => None,
    }
}

/// `oneOf` members told apart only by a property with a constant value act
/// as if that property were the discriminator.
pub fn implicit_discriminators(types: &mut BTreeMap<TypeKey, TypeDef>) {
    let mut updates: Vec<(TypeKey, String, Vec<String>)> = Vec::new();
    for (key, def) in types.iter() {
        let TypeKind::Union(u) = &def.kind else {
            continue;
        };
        if u.discriminator.is_some() || u.variants.len() < 2 {
            continue;
        }
        let Some(fields): Option<Vec<_>> = u
            .variants
            .iter()
            .map(|v| struct_fields(types, &v.ty))
            .collect()
        else {
            continue;
        };
        // A property every member declares with a different constant value;
        // required or not (a member without it would not match anyway).
        let candidates: BTreeSet<&str> = fields[0].0.iter().copied().collect();
        'props: for prop in candidates {
            let mut tags = Vec::new();
            let mut seen = HashSet::new();
            for (_, vf) in &fields {
                let Some(ty) = vf.get(prop) else {
                    continue 'props;
                };
                let Some(value) = const_value(types, ty.non_null()) else {
                    continue 'props;
                };
                if !seen.insert(value.clone()) {
                    continue 'props;
                }
                tags.push(value);
            }
            updates.push((key.clone(), prop.to_string(), tags));
            break;
        }
    }
    for (key, prop, tags) in updates {
        if let Some(TypeKind::Union(u)) = types.get_mut(&key).map(|d| &mut d.kind) {
            u.discriminator = Some(prop);
            for (v, tag) in u.variants.iter_mut().zip(tags) {
                v.tags = vec![tag];
            }
        }
    }
}

/// A struct reached through exactly one discriminator value gets that value
/// as the default of its tag property, so its constructor fills it in and a
/// caller cannot pick the wrong tag.
pub fn tag_defaults(types: &mut BTreeMap<TypeKey, TypeDef>) {
    // struct key → (property, tag values seen)
    let mut seen: BTreeMap<TypeKey, (String, BTreeSet<String>)> = BTreeMap::new();
    let mut conflicting = BTreeSet::new();
    for def in types.values() {
        let TypeKind::Union(u) = &def.kind else {
            continue;
        };
        let Some(prop) = &u.discriminator else {
            continue;
        };
        for v in &u.variants {
            let TypeRef::Named(k) = v.ty.non_null() else {
                continue;
            };
            let entry = seen
                .entry(k.clone())
                .or_insert_with(|| (prop.clone(), BTreeSet::new()));
            if &entry.0 != prop {
                conflicting.insert(k.clone());
            }
            entry.1.extend(v.tags.iter().cloned());
        }
    }
    for (key, (prop, tags)) in seen {
        if conflicting.contains(&key) || tags.len() != 1 {
            continue;
        }
        let Some(tag) = tags.into_iter().next() else {
            continue;
        };
        let Some(TypeKind::Struct(s)) = types.get_mut(&key).map(|d| &mut d.kind) else {
            continue;
        };
        if let Some(f) = s
            .fields
            .iter_mut()
            .find(|f| f.name == prop && f.required && f.default.is_none())
        {
            if matches!(
                f.ty,
                TypeRef::Primitive(Primitive::String) | TypeRef::Named(_)
            ) {
                f.default = Some(Value::String(tag));
            }
        }
    }
}

/// Untagged unions are decoded by trying variants in order, and a struct
/// whose fields are all optional accepts almost any object. Structs with
/// more required properties are more specific, so they are tried first.
pub fn order_untagged(types: &mut BTreeMap<TypeKey, TypeDef>) {
    let required: BTreeMap<TypeKey, usize> = types
        .iter()
        .filter_map(|(k, d)| match &d.kind {
            TypeKind::Struct(s) => {
                Some((k.clone(), s.fields.iter().filter(|f| f.required).count()))
            }
            _ => None,
        })
        .collect();
    for def in types.values_mut() {
        let TypeKind::Union(u) = &mut def.kind else {
            continue;
        };
        if u.discriminator.is_some() {
            continue;
        }
        u.variants.sort_by_key(|v| {
            let req = match v.ty.non_null() {
                TypeRef::Named(k) => required.get(k).copied().unwrap_or(0),
                _ => 0,
            };
            (super::schema::untagged_rank(&v.ty), std::cmp::Reverse(req))
        });
    }
}
