//! Post-pass over unions: implicit discriminators, tag defaults, and how
//! each union decodes ([`plan`]).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde_json::Value;

use crate::ir::{
    Dispatch, EnumRepr, InferredTag, Primitive, TypeDef, TypeKey, TypeKind, TypeRef, UnionType,
};

/// The single value a field can hold, if its type is a one-value string enum
/// (`const: text` or `enum: [text]`).
fn const_value(types: &BTreeMap<TypeKey, TypeDef>, t: &TypeRef) -> Option<String> {
    let TypeRef::Named(key) = t else { return None };
    one_string(&types.get(key)?.kind)
}

/// The value of a string enum of one value.
fn one_string(kind: &TypeKind) -> Option<String> {
    match kind {
        TypeKind::Enum(e) if e.repr == EnumRepr::String && e.variants.len() == 1 => {
            e.variants.first()?.value.as_str().map(str::to_string)
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

/// A variant whose own schema fixes the discriminator property to one value
/// (`type: {enum: [track]}`) is selected by that value: it is the only one a
/// valid response can carry. Spotify's `TrackObject | EpisodeObject` has a
/// discriminator without a mapping, so by the letter of OpenAPI its tags
/// are the schema names (`TrackObject`), which its members forbid. A tag
/// that came from the schema name is replaced; an explicit mapping keeps
/// its values and gains the constant. A constant another variant already
/// has as a tag, or shares, selects nothing new.
pub fn constant_tags(types: &mut BTreeMap<TypeKey, TypeDef>) {
    let mut updates: Vec<(TypeKey, usize, String, bool)> = Vec::new();
    for (key, def) in types.iter() {
        let TypeKind::Union(u) = &def.kind else {
            continue;
        };
        let Some(prop) = &u.discriminator else {
            continue;
        };
        let taken: HashSet<&str> = u
            .variants
            .iter()
            .flat_map(|v| v.tags.iter().map(String::as_str))
            .collect();
        let constants: Vec<Option<String>> = u
            .variants
            .iter()
            .map(|v| {
                struct_fields(types, &v.ty).and_then(|(_, fields)| {
                    const_value(types, fields.get(prop.as_str())?.non_null())
                })
            })
            .collect();
        // A constant two members share selects neither.
        let mut count: HashMap<&str, usize> = HashMap::new();
        for c in constants.iter().flatten() {
            *count.entry(c.as_str()).or_default() += 1;
        }
        for (i, (v, value)) in u.variants.iter().zip(&constants).enumerate() {
            let Some(value) = value else {
                continue;
            };
            if v.tags.contains(value)
                || taken.contains(value.as_str())
                || count.get(value.as_str()).is_some_and(|&n| n > 1)
            {
                continue;
            }
            let value = value.clone();
            let by_name = match v.ty.non_null() {
                TypeRef::Named(k) => {
                    super::refs::component_name(k, "schemas").is_some_and(|n| v.tags == [n])
                }
                _ => false,
            };
            updates.push((key.clone(), i, value, by_name));
        }
    }
    for (key, i, value, replace) in updates {
        if let Some(TypeKind::Union(u)) = types.get_mut(&key).map(|d| &mut d.kind) {
            if let Some(v) = u.variants.get_mut(i) {
                if replace {
                    v.tags = vec![value];
                } else {
                    v.tags.push(value);
                }
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

/// The types by key, as decoding plans look them up.
type Table<'t> = HashMap<&'t str, &'t TypeDef>;

/// Decides how each union decodes, for emit to read: the variants a JSON
/// string and a JSON object select by kind alone ([`Dispatch`]), an
/// untagged union's inferred tag ([`InferredTag`]), and which selected
/// variants decode from the object's entries as they are read
/// (`UnionVariant::streamed`). Runs on the final types: it reads their
/// configured attributes.
pub fn plan(types: &mut [TypeDef]) {
    let plans: Vec<Option<Plan>> = {
        let table: Table<'_> = types.iter().map(|d| (d.key.as_str(), d)).collect();
        types
            .iter()
            .map(|d| match &d.kind {
                TypeKind::Union(u) => Some(plan_union(&table, u)),
                _ => None,
            })
            .collect()
    };
    for (def, plan) in types.iter_mut().zip(plans) {
        let (TypeKind::Union(u), Some(plan)) = (&mut def.kind, plan) else {
            continue;
        };
        for ((v, streamed), constant) in
            u.variants.iter_mut().zip(plan.streamed).zip(plan.constants)
        {
            v.streamed = streamed;
            v.constant = constant;
        }
        u.dispatch = plan.dispatch;
        u.inferred = plan.inferred;
    }
}

/// What [`plan`] decides for one union.
struct Plan {
    dispatch: Dispatch,
    inferred: Option<InferredTag>,
    streamed: Vec<bool>,
    /// Per variant, the one string it allows, for an untagged union's
    /// attempts.
    constants: Vec<Option<String>>,
}

fn plan_union(table: &Table<'_>, u: &UnionType) -> Plan {
    if u.discriminator.is_some() {
        return Plan {
            dispatch: Dispatch::default(),
            inferred: None,
            streamed: u
                .variants
                .iter()
                .map(|v| object_target(table, &v.ty))
                .collect(),
            constants: vec![None; u.variants.len()],
        };
    }
    let takes: Vec<Takes> = u.variants.iter().map(|v| takes(table, &v.ty, 0)).collect();
    let only = |kind: fn(&Takes) -> bool| {
        let mut it = takes.iter().enumerate().filter(|(_, t)| kind(t));
        match (it.next(), it.next()) {
            (Some((i, _)), None) => Some(i),
            _ => None,
        }
    };
    let dispatch = Dispatch {
        string: only(|t| t.string).filter(|&i| string_target(table, &u.variants[i].ty)),
        object: only(|t| t.object).filter(|&i| object_target(table, &u.variants[i].ty)),
    };
    let inferred = if dispatch.object.is_none() {
        infer_tag(table, u, &takes)
    } else {
        None
    };
    let mut streamed = vec![false; u.variants.len()];
    for (_, i) in inferred.iter().flat_map(|t| &t.variants) {
        streamed[*i] = true;
    }
    let constants = u
        .variants
        .iter()
        .map(|v| table_const(table, &v.ty))
        .collect();
    Plan {
        dispatch,
        inferred,
        streamed,
        constants,
    }
}

/// An untagged union's tag: a property every variant that may take an
/// object requires, each with a different constant value (Stripe's
/// `object: card`, `object: bank_account` of `default_source`, next to a
/// string). Each of those variants must be a generated struct (decoded from
/// the entries as they are read), and no other variant may take an object.
/// An object whose property holds a variant's value then fails every other
/// variant in the strict pass (their property lists another value), so it
/// is decoded straight into that variant.
fn infer_tag(table: &Table<'_>, u: &UnionType, takes: &[Takes]) -> Option<InferredTag> {
    let objects: Vec<usize> = (0..u.variants.len()).filter(|&i| takes[i].object).collect();
    if objects.len() < 2 {
        return None;
    }
    // Each object variant's required fields by name.
    let mut required: Vec<HashMap<&str, &TypeRef>> = Vec::with_capacity(objects.len());
    for &i in &objects {
        if !object_target(table, &u.variants[i].ty) {
            return None;
        }
        let TypeRef::Named(key) = &u.variants[i].ty else {
            return None;
        };
        let TypeKind::Struct(s) = &table.get(key.as_str())?.kind else {
            return None;
        };
        required.push(
            s.fields
                .iter()
                .filter(|f| f.required)
                .map(|f| (f.name.as_str(), &f.ty))
                .collect(),
        );
    }
    let first = &required[0];
    let mut candidates: Vec<&str> = first.keys().copied().collect();
    candidates.sort_unstable();
    'props: for prop in candidates {
        let mut variants = Vec::with_capacity(objects.len());
        let mut seen = HashSet::new();
        for (fields, &i) in required.iter().zip(&objects) {
            let Some(value) = fields
                .get(prop)
                .and_then(|ty| table_const(table, ty.non_null()))
            else {
                continue 'props;
            };
            if !seen.insert(value.clone()) {
                continue 'props;
            }
            variants.push((value, i));
        }
        return Some(InferredTag {
            property: prop.to_string(),
            variants,
        });
    }
    None
}

/// [`const_value`] in a [`Table`].
fn table_const(table: &Table<'_>, t: &TypeRef) -> Option<String> {
    let TypeRef::Named(key) = t else { return None };
    one_string(&table.get(key.as_str())?.kind)
}

/// Whether a type may decode from a JSON string, and from an object.
#[derive(Clone, Copy)]
struct Takes {
    string: bool,
    object: bool,
}

const ANY: Takes = Takes {
    string: true,
    object: true,
};

/// What `ty` may take: an over-approximation (a wrong "may" only keeps a
/// union on the buffered path).
fn takes(table: &Table<'_>, ty: &TypeRef, depth: usize) -> Takes {
    let (string, object) = match ty {
        // Numbers and booleans too: a lenient rule reads them from strings.
        TypeRef::Primitive(_) => (true, false),
        TypeRef::Array(_) => (false, false),
        TypeRef::Map(_) | TypeRef::Object => (false, true),
        TypeRef::Nullable(inner) => return takes(table, inner, depth),
        TypeRef::Any | TypeRef::External(_) => return ANY,
        TypeRef::Named(key) => {
            let Some(def) = table.get(key.as_str()).filter(|d| d.attributes.is_empty()) else {
                return ANY;
            };
            match &def.kind {
                TypeKind::Struct(_) => (false, true),
                TypeKind::Enum(_) => (true, false),
                TypeKind::Alias { target, .. } if depth < 8 => {
                    return takes(table, target, depth + 1)
                }
                // A tagged union keeps any value it cannot place in `Unknown`.
                TypeKind::Union(inner) if depth < 8 && inner.discriminator.is_none() => {
                    let all = inner
                        .variants
                        .iter()
                        .map(|v| takes(table, &v.ty, depth + 1));
                    return all.fold(
                        Takes {
                            string: false,
                            object: false,
                        },
                        |a, b| Takes {
                            string: a.string || b.string,
                            object: a.object || b.object,
                        },
                    );
                }
                _ => return ANY,
            }
        }
    };
    Takes { string, object }
}

/// Whether a string decodes into `ty` through `Deserialize` from a string
/// deserializer as from the buffered value: strings, UUIDs, dates.
fn string_target(table: &Table<'_>, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Primitive(p) => matches!(
            p,
            Primitive::String
                | Primitive::Binary
                | Primitive::Uuid
                | Primitive::DateTime
                | Primitive::Date
        ),
        TypeRef::Named(key) => table.get(key.as_str()).is_some_and(|d| match &d.kind {
            TypeKind::Alias {
                target,
                newtype: false,
            } if d.attributes.is_empty() => string_target(table, target),
            _ => false,
        }),
        _ => false,
    }
}

/// Whether an object decodes into `ty` from a map deserializer as from the
/// buffered value: generated structs (no configured attributes) and maps.
fn object_target(table: &Table<'_>, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Map(_) | TypeRef::Object => true,
        TypeRef::Named(key) => table
            .get(key.as_str())
            .is_some_and(|d| d.attributes.is_empty() && matches!(d.kind, TypeKind::Struct(_))),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use crate::ir::{TypeKind, UnionType};

    /// Lowers a document whose schemas are `schemas` and returns the unions
    /// `U0`, `U1`, … (`count` of them), each with its name.
    fn unions(openapi: &str, schemas: Value, count: usize) -> Vec<(String, UnionType)> {
        let spec = json!({
            "openapi": openapi,
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": schemas},
        });
        let loaded = crate::load::load_str("u.json", &spec.to_string()).expect("loads");
        let api = crate::lower_loaded(loaded, "u.json").api;
        (0..count)
            .map(|k| {
                let def = api
                    .types
                    .iter()
                    .find(|d| d.name == format!("U{k}"))
                    .expect("union");
                let TypeKind::Union(u) = &def.kind else {
                    panic!("{} is not a union", def.name)
                };
                (def.name.clone(), u.clone())
            })
            .collect()
    }

    /// `(string, object)`: the variant names a string and an object select
    /// by kind, for each union `U<k>` made of `members[k]`.
    fn dispatched(members: &[Value]) -> Vec<(Option<String>, Option<String>)> {
        let mut schemas = json!({
            "Card": {"type": "object", "properties": {"id": {"type": "string"}}},
            "Bank": {"type": "object", "properties": {"iban": {"type": "string"}}},
            "Color": {"type": "string", "enum": ["red"]},
            "Id": {"type": "string"},
            "Inner": {"anyOf": [{"type": "string"}, {"$ref": "#/components/schemas/Card"}]},
            "Tagged": {"oneOf": [{"$ref": "#/components/schemas/Card"},
                                 {"$ref": "#/components/schemas/Bank"}],
                       "discriminator": {"propertyName": "id"}},
        });
        for (k, m) in members.iter().enumerate() {
            schemas[format!("U{k}")] = json!({"anyOf": m});
        }
        unions("3.0.3", schemas, members.len())
            .into_iter()
            .map(|(_, u)| {
                let name = |i: Option<usize>| i.map(|i| u.variants[i].name.clone());
                (name(u.dispatch.string), name(u.dispatch.object))
            })
            .collect()
    }

    fn r(name: &str) -> Value {
        json!({"$ref": format!("#/components/schemas/{name}")})
    }

    #[test]
    fn only_a_kind_no_other_variant_can_take_selects_a_variant() {
        let got = dispatched(&[
            // Stripe's expandable field: both kinds select.
            json!([{"type": "string"}, r("Card")]),
            // Two objects: tried in turn; the string still selects.
            json!([{"type": "string"}, r("Card"), r("Bank")]),
            // A number may be read from a string (lenient): no string.
            json!([{"type": "string"}, {"type": "integer"}, r("Card")]),
            // A map takes objects as a struct does.
            json!([r("Card"), {"type": "object", "additionalProperties": {"type": "string"}}]),
            // Any value: nothing selects.
            json!([{"type": "string"}, r("Card"), {}]),
            // An enum takes strings; an alias of a string is a string.
            json!([r("Color"), r("Id")]),
            json!([r("Id"), r("Card")]),
            // A nested untagged union takes what its variants take, and is
            // not decoded directly; a tagged one may keep anything.
            json!([r("Inner"), {"type": "array", "items": {"type": "string"}}]),
            json!([{"type": "string"}, r("Tagged")]),
            // Arrays and numbers select nothing, but leave the others alone.
            json!([{"type": "array", "items": r("Card")}, r("Bank"), {"type": "boolean"}]),
        ]);
        let s = |x: &str| Some(x.to_string());
        let want = [
            (s("String"), s("Card")),
            (s("String"), None),
            (None, s("Card")),
            (None, None),
            (None, None),
            (None, None),
            (s("Id"), s("Card")),
            (None, None),
            (None, None),
            (None, s("Bank")),
        ];
        assert_eq!(got, want);
    }

    /// A property and each of its values with the variant's name.
    type Tag = (String, Vec<(String, String)>);

    /// The inferred tag of each union `U<k>` made of `members[k]` (3.1, for
    /// `const`): the property and each value with its variant's name.
    fn inferred(members: &[Value]) -> Vec<Option<Tag>> {
        let obj = |value: Value, extra: Value| {
            json!({"type": "object", "required": ["object", "id"], "properties": {
                "id": {"type": "string"}, "object": value, "extra": extra}})
        };
        let mut schemas = json!({
            "Card": obj(json!({"type": "string", "enum": ["card"]}), json!({})),
            "Bank": obj(json!({"const": "bank_account"}), json!({})),
            "Source": obj(json!({"type": "string", "enum": ["source"]}), json!({"type": "integer"})),
            "OtherCard": obj(json!({"type": "string", "enum": ["card"]}), json!({})),
            "Open": obj(json!({"type": "string"}), json!({})),
            "TwoValues": obj(json!({"type": "string", "enum": ["a", "b"]}), json!({})),
            "Optional": {"type": "object", "properties": {"object": {"type": "string", "enum": ["opt"]}}},
            "Plain": {"type": "object", "properties": {"id": {"type": "string"}}},
        });
        for (k, m) in members.iter().enumerate() {
            schemas[format!("U{k}")] = json!({"anyOf": m});
        }
        unions("3.1.0", schemas, members.len())
            .into_iter()
            .map(|(name, u)| {
                let t = u.inferred.as_ref()?;
                // Every listed variant is streamed, no other one.
                for (i, v) in u.variants.iter().enumerate() {
                    let listed = t.variants.iter().any(|(_, j)| *j == i);
                    assert_eq!(v.streamed, listed, "{name}: {}", v.name);
                }
                assert!(u.discriminator.is_none() && u.dispatch.object.is_none());
                Some((
                    t.property.clone(),
                    t.variants
                        .iter()
                        .map(|(value, i)| (value.clone(), u.variants[*i].name.clone()))
                        .collect(),
                ))
            })
            .collect()
    }

    #[test]
    fn a_required_constant_property_tells_object_variants_apart() {
        let got = inferred(&[
            // Stripe's `default_source`: a string and three objects.
            json!([{"type": "string"}, r("Bank"), r("Card"), r("Source")]),
            // Nullable, and two objects only (with a string: not made tagged).
            json!([r("Card"), r("Source"), {"type": "string"}, {"type": "null"}]),
            // A value two variants share; one not constant; one of two
            // values; an optional property; no property.
            json!([{"type": "string"}, r("Card"), r("OtherCard")]),
            json!([{"type": "string"}, r("Card"), r("Open")]),
            json!([{"type": "string"}, r("Card"), r("TwoValues")]),
            json!([{"type": "string"}, r("Card"), r("Optional")]),
            json!([{"type": "string"}, r("Card"), r("Plain")]),
            // Another variant that may take an object: a map, any value.
            json!([r("Card"), r("Bank"), {"type": "object", "additionalProperties": {"type": "string"}}]),
            json!([r("Card"), r("Bank"), {"type": "string"}, {}]),
            // One object variant: dispatched by kind instead.
            json!([{"type": "string"}, r("Card")]),
            // Arrays and numbers take no object: still inferred.
            json!([{"type": "array", "items": r("Card")}, r("Card"), r("Bank"), {"type": "integer"}]),
        ]);
        let tag = |pairs: &[(&str, &str)]| {
            Some((
                "object".to_string(),
                pairs
                    .iter()
                    .map(|(v, n)| (v.to_string(), n.to_string()))
                    .collect::<Vec<_>>(),
            ))
        };
        let want = vec![
            tag(&[
                ("bank_account", "Bank"),
                ("card", "Card"),
                ("source", "Source"),
            ]),
            tag(&[("card", "Card"), ("source", "Source")]),
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            tag(&[("card", "Card"), ("bank_account", "Bank")]),
        ];
        assert_eq!(got, want);
    }

    /// The tags of each variant of each union `U<k>`: a `oneOf` of the
    /// members `members[k].0` with the discriminator `members[k].1`.
    fn tags(members: &[(Value, Value)]) -> Vec<Vec<(String, Vec<String>)>> {
        let obj = |kind: Value| json!({"type": "object", "required": ["type"], "properties": {"type": kind}});
        let mut schemas = json!({
            "Track": obj(json!({"type": "string", "enum": ["track"]})),
            "Episode": {"allOf": [r("EpisodeBase"), {"properties": {"show": {"type": "string"}}}]},
            "EpisodeBase": obj(json!({"type": "string", "enum": ["episode"]})),
            "Open": obj(json!({"type": "string"})),
            "AlsoTrack": obj(json!({"type": "string", "enum": ["track"]})),
        });
        for (k, (list, discriminator)) in members.iter().enumerate() {
            schemas[format!("U{k}")] = json!({"oneOf": list, "discriminator": discriminator});
        }
        unions("3.0.3", schemas, members.len())
            .into_iter()
            .map(|(_, u)| {
                u.variants
                    .iter()
                    .map(|v| (v.name.clone(), v.tags.clone()))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn a_member_fixing_its_tag_property_is_selected_by_that_value() {
        let d = json!({"propertyName": "type"});
        let mapped = json!({"propertyName": "type", "mapping": {
            "TRACK": "#/components/schemas/Track", "open": "#/components/schemas/Open"}});
        let got = tags(&[
            // Spotify: no mapping, the members' constants (one through allOf).
            (json!([r("Track"), r("Episode")]), d.clone()),
            // A member without a constant keeps its name.
            (json!([r("Track"), r("Open")]), d.clone()),
            // A mapping keeps its values and gains the constant.
            (json!([r("Track"), r("Open")]), mapped),
            // Two members with the same constant: neither takes it.
            (json!([r("Track"), r("AlsoTrack")]), d),
        ]);
        let v = |name: &str, tags: &[&str]| {
            (
                name.to_string(),
                tags.iter().map(|t| t.to_string()).collect::<Vec<_>>(),
            )
        };
        assert_eq!(
            got,
            [
                vec![v("Track", &["track"]), v("Episode", &["episode"])],
                vec![v("Track", &["track"]), v("Open", &["Open"])],
                vec![v("Track", &["TRACK", "track"]), v("Open", &["open"])],
                vec![v("Track", &["Track"]), v("AlsoTrack", &["AlsoTrack"])],
            ]
        );
    }
}
