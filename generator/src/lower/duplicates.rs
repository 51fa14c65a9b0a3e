//! Inline schemas that repeat another type exactly become aliases of it.
//!
//! Large specs repeat inline schemas: GitHub's description writes the same
//! objects and enums out in place thousands of times (two thirds of its
//! types' code), Stripe its merchant category enum (about 300 values)
//! eighteen times. Each copy was a type of its own, with its own serde
//! impls for every build to check. A copy is now `pub type Copy =
//! Original;`: its name, docs and feature gate stay, its uses are still
//! written by its name, and what it is (its impls, its constructor) is
//! looked up as the original's ([`crate::emit::rust_type::Types`]).
//!
//! Types are the same when everything emit writes for them but their name
//! and their own docs is the same: fields (wire and Rust names, types,
//! field docs, defaults, boxing), variants, serde behaviour, configured
//! derives and attributes. A reference to the type itself counts as the
//! same in both, and references to types found to be the same count as
//! the same, so nested copies merge too, a level per round. A constant or
//! plain alias (`object: "list"`, `type X = bool`) counts as what it stands
//! for, and stays a type of its own.
//!
//! Only inline schemas become aliases. A component schema's name is its
//! author's, and two identical ones may be meant as distinct types (an id
//! of one kind must not pass for another), so they stay distinct; an inline
//! copy of one becomes an alias of it. A type named by configuration is
//! never made an alias either: its name was asked for.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::ir::{SameAs, TypeDef, TypeKey, TypeKind, TypeRef};

/// Rounds of merging: a round merges copies whose own copies merged the
/// round before. Bounded, so a hostile spec costs at most this many passes.
const MAX_ROUNDS: usize = 12;

/// Stands for the type itself in its comparison key (not a JSON pointer).
const ITSELF: &str = "\u{0}itself";

/// Makes every inline type that repeats another an alias of it; `named`
/// holds the keys of types configuration names (never made aliases).
pub fn merge(types: &mut [TypeDef], named: &HashSet<&str>) {
    let index: HashMap<&str, usize> = types
        .iter()
        .enumerate()
        .map(|(i, d)| (d.key.as_str(), i))
        .collect();
    let keys: Vec<&str> = types.iter().map(|d| d.key.as_str()).collect();
    let may_alias: Vec<bool> = types
        .iter()
        .map(|d| {
            let component = super::refs::component_name(&d.key, "schemas").is_some();
            comparable(d) && !component && !named.contains(d.key.as_str())
        })
        .collect();
    let mut canon: Vec<usize> = (0..types.len()).collect();
    for _ in 0..MAX_ROUNDS {
        let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, def) in types.iter().enumerate() {
            if canon[i] != i || !comparable(def) {
                continue;
            }
            if let Some(key) = comparison_key(types, i, &canon, &index, &keys) {
                groups.entry(key).or_default().push(i);
            }
        }
        let mut merged = false;
        for members in groups.values().filter(|m| m.len() > 1) {
            // Components first (they cannot be aliases), then the shortest
            // name: the original is the same whatever order types come in.
            let Some(&original) = members
                .iter()
                .min_by_key(|&&i| (may_alias[i], types[i].name.len(), types[i].name.as_str()))
            else {
                continue;
            };
            for &i in members {
                if i != original && may_alias[i] {
                    canon[i] = original;
                    merged = true;
                }
            }
        }
        if !merged {
            break;
        }
    }
    let canon: Vec<usize> = (0..types.len()).map(|i| find(&canon, i)).collect();
    if canon.iter().enumerate().all(|(i, &c)| i == c) || holds_itself(types, &canon, &index) {
        return;
    }
    let originals: Vec<TypeKey> = canon.iter().map(|&c| types[c].key.clone()).collect();
    for (i, def) in types.iter_mut().enumerate() {
        if canon[i] == i {
            continue;
        }
        let original = originals[i].clone();
        let mut uses: Vec<TypeKey> = Vec::new();
        def.for_each_ref(&mut |t| t.for_each_named(&mut |key| uses.push(key.clone())));
        uses.sort_unstable();
        uses.dedup();
        let required_name = match &mut def.kind {
            TypeKind::Struct(s) => s.required_name.take(),
            _ => None,
        };
        def.kind = TypeKind::Alias {
            target: TypeRef::Named(original.clone()),
            newtype: false,
        };
        // The original has them (they are compared): an alias takes none.
        def.derives.clear();
        def.attributes.clear();
        def.same_as = Some(SameAs {
            original,
            required_name,
            uses,
        });
    }
}

/// Structs, enums and unions: what has impls of its own (a constant is a
/// `String` alias whose docs say its value).
fn comparable(def: &TypeDef) -> bool {
    match &def.kind {
        TypeKind::Struct(_) | TypeKind::Union(_) => true,
        TypeKind::Enum(e) => !e.is_constant(),
        TypeKind::Alias { .. } => false,
    }
}

/// For a type that is only another name for a Rust type (a constant, a
/// `String` alias with its value in its docs; an alias of a type without
/// named parts, such as `bool` or `Vec<String>`): what it is, docs
/// included. Uses of two such types with the same text count as the same:
/// two list objects each with its own `object: "list"` constant are copies
/// (each constant stays, with its docs).
fn stand_in(def: &TypeDef) -> Option<String> {
    let plain = match &def.kind {
        TypeKind::Enum(e) => e.is_constant(),
        TypeKind::Alias {
            target,
            newtype: false,
        } => {
            let mut named = false;
            target.for_each_named(&mut |_| named = true);
            !named
        }
        _ => false,
    };
    if !plain {
        return None;
    }
    let what = (&def.kind, &def.title, &def.description, def.deprecated);
    serde_json::to_string(&what)
        .ok()
        .map(|text| format!("\u{0}same:{text}"))
}

/// The original of `i`: merges point to a type that was still its own
/// original then, so chains end (and are at most a merge per round long).
fn find(canon: &[usize], mut i: usize) -> usize {
    for _ in 0..=MAX_ROUNDS {
        if canon[i] == i {
            break;
        }
        i = canon[i];
    }
    i
}

/// Everything emit writes for type `me` but its name and docs, with
/// references to merged types written as their original's, to `me` itself
/// as [`ITSELF`], and to a [`stand_in`] as what it stands for.
fn comparison_key(
    types: &[TypeDef],
    me: usize,
    canon: &[usize],
    index: &HashMap<&str, usize>,
    keys: &[&str],
) -> Option<String> {
    let def = &types[me];
    let mut kind = def.kind.clone();
    // Named after the type; a copy's becomes an alias of the original's.
    if let TypeKind::Struct(s) = &mut kind {
        s.required_name = None;
    }
    for_each_named_mut(&mut kind, &mut |key| {
        if let Some(&i) = index.get(key.as_str()) {
            let original = find(canon, i);
            *key = if original == me {
                ITSELF.to_string()
            } else if let Some(same) = stand_in(&types[i]) {
                same
            } else {
                keys[original].to_string()
            };
        }
    });
    serde_json::to_string(&(&kind, &def.derives, &def.attributes)).ok()
}

/// Calls `f` with every named type `kind` uses.
fn for_each_named_mut(kind: &mut TypeKind, f: &mut dyn FnMut(&mut TypeKey)) {
    let mut visit = |t: &mut TypeRef| {
        if let Some(key) = named_mut(t) {
            f(key);
        }
    };
    match kind {
        TypeKind::Struct(s) => {
            s.fields.iter_mut().for_each(|field| visit(&mut field.ty));
            if let crate::ir::Additional::Typed(t) = &mut s.additional {
                visit(t);
            }
        }
        TypeKind::Union(u) => u.variants.iter_mut().for_each(|v| visit(&mut v.ty)),
        TypeKind::Alias { target, .. } => visit(target),
        TypeKind::Enum(_) => {}
    }
}

fn named_mut(t: &mut TypeRef) -> Option<&mut TypeKey> {
    let mut t = t;
    loop {
        match t {
            TypeRef::Named(key) => return Some(key),
            TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => t = inner,
            _ => return None,
        }
    }
}

/// Whether, with copies read as their originals, a type would hold itself
/// by value (no `Box`, `Vec` or map between): a type of infinite size.
/// Copies hold what their originals hold, so this should not happen; if a
/// spec finds a way, nothing is merged.
fn holds_itself(types: &[TypeDef], canon: &[usize], index: &HashMap<&str, usize>) -> bool {
    let by_value = |t: &TypeRef| -> Option<usize> {
        let mut t = t;
        loop {
            match t {
                TypeRef::Named(key) => return index.get(key.as_str()).map(|&i| canon[i]),
                TypeRef::Nullable(inner) => t = inner,
                _ => return None,
            }
        }
    };
    let successors: Vec<Vec<usize>> = types
        .iter()
        .enumerate()
        .map(|(i, def)| {
            if canon[i] != i {
                // An alias is its original: no edges of its own.
                return Vec::new();
            }
            match &def.kind {
                TypeKind::Struct(s) => s
                    .fields
                    .iter()
                    .filter(|f| !f.boxed)
                    .filter_map(|f| by_value(&f.ty))
                    .collect(),
                TypeKind::Union(u) => u
                    .variants
                    .iter()
                    .filter(|v| !v.boxed)
                    .filter_map(|v| by_value(&v.ty))
                    .collect(),
                TypeKind::Alias { target, .. } => by_value(target).into_iter().collect(),
                TypeKind::Enum(_) => Vec::new(),
            }
        })
        .collect();
    // Depth-first, with an explicit stack: 0 unseen, 1 on the path, 2 done.
    let mut state = vec![0u8; types.len()];
    for root in 0..types.len() {
        if state[root] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        state[root] = 1;
        while let Some((node, next)) = stack.last_mut() {
            let node = *node;
            match successors[node].get(*next) {
                Some(&succ) => {
                    *next += 1;
                    match state[succ] {
                        0 => {
                            state[succ] = 1;
                            stack.push((succ, 0));
                        }
                        1 => return true,
                        _ => {}
                    }
                }
                None => {
                    state[node] = 2;
                    stack.pop();
                }
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashMap, HashSet};

    use super::super::test_types::{def, field, structure};
    use crate::ir::{TypeDef, TypeKind, TypeRef};

    /// The lowered types of a spec with `paths` and `schemas` (YAML, indented
    /// for their place), by name.
    fn lowered(paths: &str, schemas: &str) -> BTreeMap<String, TypeDef> {
        let yaml = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n{paths}components:\n  schemas:\n{schemas}"
        );
        let loaded = crate::load::load_str("t.yaml", &yaml).unwrap_or_else(|e| panic!("{e}"));
        let api = crate::lower_loaded(loaded, "t.yaml").api;
        api.types.into_iter().map(|d| (d.name.clone(), d)).collect()
    }

    /// An operation `post /{name}` whose JSON body is `body`.
    fn post(name: &str, body: &str) -> String {
        format!(
            "  /{name}:\n    post:\n      operationId: {name}\n      requestBody:\n        content:\n          application/json:\n            schema: {body}\n      responses:\n        '204': {{description: ok}}\n"
        )
    }

    fn original<'a>(types: &'a BTreeMap<String, TypeDef>, name: &str) -> Option<&'a str> {
        let same = types[name].same_as.as_ref()?;
        Some(
            types
                .values()
                .find(|d| d.key == same.original)?
                .name
                .as_str(),
        )
    }

    #[test]
    fn inline_copies_become_aliases_of_one_type() {
        let body = "{type: object, properties: {size: {type: string, enum: [s, l]}, tags: {type: array, items: {type: string, enum: [a, b]}}, object: {type: string, enum: [list]}}}";
        let paths = [post("b", body), post("a", body), post("c", body)].concat();
        let types = lowered(&paths, "    Size: {type: string, enum: [s, l]}\n");
        // Leaves first, then what holds them (a level a round); the original
        // is the shortest name, and a component when there is one.
        assert_eq!(original(&types, "BRequest"), Some("ARequest"));
        assert_eq!(original(&types, "CRequest"), Some("ARequest"));
        assert_eq!(original(&types, "ARequest"), None);
        assert_eq!(original(&types, "ARequestSize"), Some("Size"));
        assert_eq!(
            original(&types, "CRequestTagsItem"),
            Some("ARequestTagsItem")
        );
        let TypeKind::Alias { target, newtype } = &types["BRequest"].kind else {
            panic!("an alias: {:?}", types["BRequest"].kind);
        };
        assert!(!newtype);
        assert_eq!(*target, TypeRef::Named(types["ARequest"].key.clone()));
        // Its own docs stay.
        assert!(types["CRequest"].key.contains("~1c/post"));
        // Each copy's constant stays a `String` alias with its value in its
        // docs; they count as the same for what holds them.
        assert_eq!(original(&types, "BRequestObject"), None);
        assert!(matches!(&types["BRequestObject"].kind, TypeKind::Enum(e) if e.is_constant()));
    }

    #[test]
    fn components_and_different_copies_stay_apart() {
        let paths = [
            post(
                "a",
                "{type: object, properties: {n: {type: string, description: One.}}}",
            ),
            post(
                "b",
                "{type: object, properties: {n: {type: string, description: Two.}}}",
            ),
            post(
                "c",
                "{type: object, properties: {n: {type: string, default: x}}}",
            ),
            post("d", "{type: object, properties: {n: {type: integer}}}"),
        ]
        .concat();
        let schemas = "    UserRef: {type: object, properties: {id: {type: string}}}\n    GroupRef: {type: object, properties: {id: {type: string}}}\n";
        let types = lowered(&paths, schemas);
        // Identical components are distinct types: their names are the
        // author's.
        assert_eq!(original(&types, "UserRef"), None);
        assert_eq!(original(&types, "GroupRef"), None);
        // A field's docs, default or type make another type.
        for name in ["ARequest", "BRequest", "CRequest", "DRequest"] {
            assert_eq!(original(&types, name), None, "{name}");
        }
    }

    #[test]
    fn configured_derives_and_names_are_compared() {
        let body = "{type: object, properties: {n: {type: string}}}";
        let yaml = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n{}{}{}",
            post("a", body),
            post("b", body),
            post("c", body)
        );
        let loaded = crate::load::load_str("t.yaml", &yaml).unwrap_or_else(|e| panic!("{e}"));
        let mut options = crate::lower::Options::default();
        let key =
            |op: &str| format!("#/paths/~1{op}/post/requestBody/content/application~1json/schema");
        options.per_type.insert(
            key("b"),
            crate::lower::options::TypeExtras {
                derives: vec!["Hash".to_string()],
                attributes: Vec::new(),
            },
        );
        options.rename.types.insert(key("c"), "Named".to_string());
        let api = crate::lower::lower_with(&loaded.spec, &loaded.openapi_version, &options);
        let types: BTreeMap<String, TypeDef> =
            api.types.into_iter().map(|d| (d.name.clone(), d)).collect();
        // `b` derives more. `c`'s name was asked for: it stays a type, and
        // the copy of it is its alias.
        assert_eq!(original(&types, "BRequest"), None);
        assert_eq!(original(&types, "Named"), None);
        assert_eq!(original(&types, "ARequest"), Some("Named"));
    }

    #[test]
    fn a_type_that_would_hold_itself_by_value_stops_the_merge() {
        let (ka, mut a) = def(
            "A",
            structure(vec![field(
                "f".into(),
                TypeRef::Named("#/components/schemas/B".into()),
            )]),
        );
        let (_, b) = def(
            "B",
            structure(vec![field(
                "f".into(),
                TypeRef::Array(Box::new(TypeRef::Named(ka.clone()))),
            )]),
        );
        let types = [a.clone(), b.clone()];
        let index: HashMap<&str, usize> = types
            .iter()
            .enumerate()
            .map(|(i, d)| (d.key.as_str(), i))
            .collect();
        assert!(!super::holds_itself(&types, &[0, 1], &index));
        // `B` read as `A`: `A` would hold an `A`.
        assert!(super::holds_itself(&types, &[0, 0], &index));
        // Behind a `Box`, it may.
        if let TypeKind::Struct(s) = &mut a.kind {
            s.fields[0].boxed = true;
        }
        let types = [a, b];
        assert!(!super::holds_itself(&types, &[0, 0], &index));
        let named = HashSet::new();
        let mut types = types.to_vec();
        super::merge(&mut types, &named);
        assert!(types.iter().all(|d| d.same_as.is_none()), "components");
    }
}
