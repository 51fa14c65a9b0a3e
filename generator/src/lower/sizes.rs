//! Large union variants go in a `Box`. An enum is as large as its largest
//! variant, and each move of a decoded union copies all of it. Stripe's
//! `bank_account | card | source` holds a `Source` (twenty optional inline
//! objects, kilobytes) by value: copying it from the variant's decoder up to
//! the list holding it was most of decoding a list of customers (callgrind:
//! `memcpy` was 69% of the instructions). A variant whose type is estimated
//! above [`LARGE`] bytes is boxed, as clippy's `large_enum_variant` advises.
//!
//! The estimate is of the generated Rust type (a `String` is 24 bytes, an
//! `Option` adds 8, a `Vec` or map is 24 whatever it holds), close enough
//! for a threshold; it follows by-value fields only, which end (a by-value
//! cycle is already boxed, `cycles::mark_boxes`), with an explicit stack.

use std::collections::{BTreeMap, HashMap};

use crate::ir::{Additional, EnumRepr, Primitive, TypeDef, TypeKey, TypeKind, TypeRef};

/// Variants estimated above this many bytes are boxed.
const LARGE: usize = 256;

/// Boxes every union variant whose type is estimated above [`LARGE`].
pub fn box_large_variants(types: &mut BTreeMap<TypeKey, TypeDef>) {
    let sizes = estimate_all(types);
    let mut large: Vec<(TypeKey, usize)> = Vec::new();
    for (key, def) in types.iter() {
        if let TypeKind::Union(u) = &def.kind {
            for (i, v) in u.variants.iter().enumerate() {
                if !v.boxed && size_of(&sizes, &v.ty) > LARGE {
                    large.push((key.clone(), i));
                }
            }
        }
    }
    for (key, i) in large {
        if let Some(TypeKind::Union(u)) = types.get_mut(&key).map(|d| &mut d.kind) {
            if let Some(v) = u.variants.get_mut(i) {
                v.boxed = true;
            }
        }
    }
}

/// The estimated size of every named type, keyed by its key.
fn estimate_all(types: &BTreeMap<TypeKey, TypeDef>) -> HashMap<&TypeKey, usize> {
    let mut sizes: HashMap<&TypeKey, usize> = HashMap::with_capacity(types.len());
    // Post-order over by-value references: a type is sized once the types
    // it holds by value are. `true` on the stack: its dependencies are done.
    let mut stack: Vec<(&TypeKey, bool)> = Vec::new();
    let mut entered: std::collections::HashSet<&TypeKey> = std::collections::HashSet::new();
    for root in types.keys() {
        if sizes.contains_key(root) {
            continue;
        }
        stack.push((root, false));
        while let Some((key, ready)) = stack.pop() {
            if sizes.contains_key(key) {
                continue;
            }
            let Some(def) = types.get(key) else {
                sizes.insert(key, 0);
                continue;
            };
            if ready {
                sizes.insert(key, own_size(&sizes, &def.kind));
                continue;
            }
            if !entered.insert(key) {
                // Met again before it was sized: a by-value cycle that was
                // not boxed (cannot happen after `mark_boxes`); sized with
                // what is known.
                sizes.insert(key, own_size(&sizes, &def.kind));
                continue;
            }
            stack.push((key, true));
            for dep in by_value(&def.kind) {
                if !sizes.contains_key(dep) && types.contains_key(dep) {
                    stack.push((dep, false));
                }
            }
        }
    }
    sizes
}

/// The named types `kind` holds by value (not through a `Box`, `Vec` or map).
fn by_value(kind: &TypeKind) -> Vec<&TypeKey> {
    fn named(t: &TypeRef) -> Option<&TypeKey> {
        match t {
            TypeRef::Named(k) => Some(k),
            TypeRef::Nullable(inner) => named(inner),
            _ => None,
        }
    }
    match kind {
        TypeKind::Struct(s) => s
            .fields
            .iter()
            .filter(|f| !f.boxed)
            .filter_map(|f| named(&f.ty))
            .collect(),
        TypeKind::Union(u) => u
            .variants
            .iter()
            .filter(|v| !v.boxed)
            .filter_map(|v| named(&v.ty))
            .collect(),
        TypeKind::Alias { target, .. } => named(target).into_iter().collect(),
        TypeKind::Enum(_) => Vec::new(),
    }
}

/// A type's size from the sizes of the types it holds (unknown ones count
/// as nothing).
fn own_size(sizes: &HashMap<&TypeKey, usize>, kind: &TypeKind) -> usize {
    match kind {
        TypeKind::Struct(s) => {
            let fields: usize = s
                .fields
                .iter()
                .map(|f| {
                    let held = if f.boxed { 8 } else { size_of(sizes, &f.ty) };
                    // `Option` or `Maybe` around an optional field.
                    held + if f.required { 0 } else { 8 }
                })
                .sum();
            // `runtime::Extra` is a pointer; a typed map is a `BTreeMap`.
            let extra = match s.additional {
                Additional::Keep | Additional::Deny if !s.extra_map => 8,
                _ => 24,
            };
            fields + extra
        }
        TypeKind::Enum(e) => match e.repr {
            EnumRepr::String => 32,
            _ => 16,
        },
        TypeKind::Union(u) => {
            let largest = u
                .variants
                .iter()
                .map(|v| {
                    let size = size_of(sizes, &v.ty);
                    if v.boxed || size > LARGE {
                        8
                    } else {
                        size
                    }
                })
                .max()
                .unwrap_or(0);
            // The tag; a tagged union's `Unknown` holds a `Value`.
            8 + if u.discriminator.is_some() {
                largest.max(32)
            } else {
                largest
            }
        }
        TypeKind::Alias { target, .. } => size_of(sizes, target),
    }
}

/// The size of a value of type `t`.
fn size_of(sizes: &HashMap<&TypeKey, usize>, t: &TypeRef) -> usize {
    match t {
        TypeRef::Named(k) => sizes.get(k).copied().unwrap_or(0),
        TypeRef::Primitive(p) => match p {
            Primitive::Bool => 1,
            Primitive::I32 | Primitive::F32 | Primitive::Date => 4,
            Primitive::I64 | Primitive::U64 | Primitive::F64 => 8,
            Primitive::Uuid | Primitive::DateTime => 16,
            Primitive::String | Primitive::Binary => 24,
        },
        TypeRef::Array(_) | TypeRef::Map(_) | TypeRef::Object => 24,
        TypeRef::Nullable(inner) => 8 + size_of(sizes, inner),
        TypeRef::Any | TypeRef::External(_) => 32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Dispatch, UnionType, UnionVariant};
    use crate::lower::test_types::{def, field, structure};

    fn strings(n: usize) -> TypeKind {
        structure(
            (0..n)
                .map(|i| field(format!("f{i}"), TypeRef::Primitive(Primitive::String)))
                .collect(),
        )
    }

    fn union_of(names: &[&str]) -> TypeKind {
        TypeKind::Union(UnionType {
            variants: names
                .iter()
                .map(|n| UnionVariant {
                    name: n.to_string(),
                    ty: TypeRef::Named(TypeKey::from(format!("#/components/schemas/{n}"))),
                    tags: Vec::new(),
                    boxed: false,
                    streamed: false,
                    constant: None,
                })
                .collect(),
            discriminator: None,
            dispatch: Dispatch::default(),
            inferred: None,
        })
    }

    fn boxed(types: &BTreeMap<TypeKey, TypeDef>, name: &str) -> Vec<bool> {
        let key = TypeKey::from(format!("#/components/schemas/{name}"));
        match &types[&key].kind {
            TypeKind::Union(u) => u.variants.iter().map(|v| v.boxed).collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn only_large_variants_are_boxed() {
        // Small: 4 × 24 + 24 = 120 bytes; Large: 20 × 24 + 24 = 504.
        let mut types: BTreeMap<TypeKey, TypeDef> = [
            def("Small", strings(4)),
            def("Large", strings(20)),
            def("Either", union_of(&["Small", "Large"])),
        ]
        .into_iter()
        .collect();
        box_large_variants(&mut types);
        assert_eq!(boxed(&types, "Either"), vec![false, true]);
    }

    #[test]
    fn size_counts_what_is_held_by_value_through_nesting() {
        // `Outer` holds ten `Middle`s by value, each 5 × 24 + 24 = 144
        // bytes: 1,464 bytes in all, though each of its fields is small.
        let middle = TypeRef::Named("#/components/schemas/Middle".to_string());
        let outer = structure(
            (0..10)
                .map(|i| field(format!("m{i}"), middle.clone()))
                .collect(),
        );
        let mut types: BTreeMap<TypeKey, TypeDef> = [
            def("Middle", strings(5)),
            def("Outer", outer),
            def("Either", union_of(&["Middle", "Outer"])),
        ]
        .into_iter()
        .collect();
        box_large_variants(&mut types);
        assert_eq!(boxed(&types, "Either"), vec![false, true]);
    }

    #[test]
    fn a_long_chain_of_nested_types_is_sized_without_recursion() {
        // 100,000 types each holding the next by value: no stack overflow.
        let n = 100_000;
        let key = |i: usize| TypeKey::from(format!("#/components/schemas/T{i}"));
        let mut types: BTreeMap<TypeKey, TypeDef> = (0..n)
            .map(|i| {
                let kind = if i + 1 < n {
                    TypeKind::Alias {
                        target: TypeRef::Named(key(i + 1)),
                        newtype: false,
                    }
                } else {
                    strings(20)
                };
                let (_, d) = def(&format!("T{i}"), kind);
                (key(i), d)
            })
            .collect();
        let (k, d) = def("Either", union_of(&["T0", "T1"]));
        types.insert(k, d);
        box_large_variants(&mut types);
        assert_eq!(boxed(&types, "Either"), vec![true, true]);
    }
}
