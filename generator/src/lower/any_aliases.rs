//! An optional property typed by a named alias of an untyped schema
//! (`type DestinationConfiguration = serde_json::Value`) keeps `null`.
//!
//! Inline, an untyped optional property is three-state already (a
//! `Maybe<Value>`: [`Field::nullable`](crate::ir::Field::nullable) counts
//! `Any` as nullable). Through a name it was `Option<Alias>`, which reads
//! `null` as absent and drops it when re-encoded: Airbyte's
//! `{"connectionConfiguration": null}` came back as `{}`. A required one is
//! the alias itself, whose `Value::Null` is kept.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::ir::{TypeDef, TypeKey, TypeKind, TypeRef};

/// Makes every optional struct field whose type names an alias of `Any`
/// (through any chain of aliases) nullable.
pub fn nullable_optional_fields(types: &mut BTreeMap<TypeKey, TypeDef>) {
    let untyped = untyped_aliases(types);
    if untyped.is_empty() {
        return;
    }
    for def in types.values_mut() {
        if let TypeKind::Struct(s) = &mut def.kind {
            for f in &mut s.fields {
                if let TypeRef::Named(k) = &f.ty {
                    if !f.required && untyped.contains(k) {
                        f.ty = f.ty.clone().nullable();
                    }
                }
            }
        }
    }
}

/// The aliases (not newtypes) whose target is `Any`, directly or through
/// other aliases. Each chain is walked once (results are memoised along it),
/// and a cycle of aliases ends as not untyped.
fn untyped_aliases(types: &BTreeMap<TypeKey, TypeDef>) -> HashSet<TypeKey> {
    let alias_target = |k: &TypeKey| match types.get(k).map(|d| &d.kind) {
        Some(TypeKind::Alias {
            target,
            newtype: false,
        }) => Some(target),
        _ => None,
    };
    let mut memo: HashMap<&TypeKey, bool> = HashMap::new();
    for key in types.keys() {
        let mut path: Vec<&TypeKey> = Vec::new();
        let mut at = key;
        let untyped = loop {
            if let Some(&known) = memo.get(at) {
                break known;
            }
            if path.len() > types.len() {
                break false;
            }
            path.push(at);
            match alias_target(at) {
                Some(TypeRef::Any) => break true,
                Some(TypeRef::Named(next)) => at = next,
                _ => break false,
            }
        };
        for k in path {
            memo.insert(k, untyped);
        }
    }
    memo.into_iter()
        .filter(|&(_, untyped)| untyped)
        .map(|(k, _)| k.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Field, Primitive};
    use crate::lower::test_types::{def, field, structure};

    fn alias(name: &str, target: TypeRef) -> (TypeKey, TypeDef) {
        def(
            name,
            TypeKind::Alias {
                target,
                newtype: false,
            },
        )
    }

    fn named(name: &str) -> TypeRef {
        TypeRef::Named(TypeKey::from(format!("#/components/schemas/{name}")))
    }

    #[test]
    fn optional_fields_of_untyped_aliases_become_nullable() {
        let optional = |name: &str, ty: TypeRef| Field {
            required: false,
            ..field(name.to_string(), ty)
        };
        let mut types: BTreeMap<_, _> = [
            alias("Config", TypeRef::Any),
            alias("ConfigAgain", named("Config")),
            alias("Loop", named("Loop")),
            alias("Text", TypeRef::Primitive(Primitive::String)),
            def(
                "Holder",
                structure(vec![
                    optional("a", named("Config")),
                    optional("b", named("ConfigAgain")),
                    field("c".into(), named("Config")),
                    optional("d", named("Text")),
                    optional("e", named("Loop")),
                ]),
            ),
        ]
        .into_iter()
        .collect();
        nullable_optional_fields(&mut types);
        let TypeKind::Struct(s) = &types["#/components/schemas/Holder"].kind else {
            panic!("not a struct");
        };
        let nullable: Vec<bool> = s.fields.iter().map(|f| f.ty.is_nullable()).collect();
        assert_eq!(nullable, [true, true, false, false, false]);
    }

    /// A chain as long as the size guards' is followed to its end (no
    /// recursion on its length).
    #[test]
    fn a_chain_of_100k_aliases_resolves() {
        let n = 100_000;
        let mut types: BTreeMap<_, _> = (0..n)
            .map(|i| alias(&format!("A{i}"), named(&format!("A{}", i + 1))))
            .collect();
        types.extend([alias(&format!("A{n}"), TypeRef::Any)]);
        assert_eq!(untyped_aliases(&types).len(), n + 1);
    }
}
