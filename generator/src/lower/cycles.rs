//! Recursive types: `Box` where a type contains itself by value, and
//! newtypes for recursive aliases.

use std::collections::{BTreeMap, HashMap};

use crate::ir::{TypeDef, TypeKey, TypeKind, TypeRef};

/// Types `t` holds by value (not behind a `Vec` or map, which already
/// allocate), or every type it mentions when `through_collections`.
fn mentions<'a>(t: &'a TypeRef, through_collections: bool, out: &mut Vec<&'a TypeKey>) {
    match t {
        TypeRef::Named(k) => out.push(k),
        TypeRef::Nullable(inner) => mentions(inner, through_collections, out),
        TypeRef::Array(inner) | TypeRef::Map(inner) if through_collections => {
            mentions(inner, through_collections, out)
        }
        _ => {}
    }
}

fn edges(def: &TypeDef, through_collections: bool) -> Vec<&TypeKey> {
    let mut out = Vec::new();
    match &def.kind {
        TypeKind::Struct(s) => {
            for f in &s.fields {
                mentions(&f.ty, through_collections, &mut out);
            }
        }
        TypeKind::Union(u) => {
            for v in &u.variants {
                mentions(&v.ty, through_collections, &mut out);
            }
        }
        // An alias of an array or map holds its items behind the collection's
        // own allocation, like a field does.
        TypeKind::Alias { target, .. } => mentions(target, through_collections, &mut out),
        TypeKind::Enum(_) => {}
    }
    out
}

/// Strongly connected component index of every type (Tarjan's algorithm,
/// with an explicit stack: alias chains thousands long cost no recursion).
fn components(
    types: &BTreeMap<TypeKey, TypeDef>,
    through_collections: bool,
) -> BTreeMap<TypeKey, usize> {
    const UNSEEN: usize = usize::MAX;
    let keys: Vec<&str> = types.keys().map(String::as_str).collect();
    let id: HashMap<&str, usize> = keys.iter().enumerate().map(|(i, k)| (*k, i)).collect();
    let succ: Vec<Vec<usize>> = types
        .values()
        .map(|def| {
            edges(def, through_collections)
                .into_iter()
                .filter_map(|k| id.get(k.as_str()).copied())
                .collect()
        })
        .collect();
    let n = keys.len();
    let (mut index, mut low, mut on_stack, mut comp) =
        (vec![UNSEEN; n], vec![0; n], vec![false; n], vec![0; n]);
    let (mut stack, mut next, mut ncomp) = (Vec::new(), 0, 0);
    // The simulated call stack: (node, how many of its successors were visited).
    let mut call: Vec<(usize, usize)> = Vec::new();
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        call.push((root, 0));
        while let Some(&mut (v, ref mut i)) = call.last_mut() {
            if *i == 0 && index[v] == UNSEEN {
                index[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = succ[v].get(*i) {
                *i += 1;
                if index[w] == UNSEEN {
                    call.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            call.pop();
            if let Some(&(parent, _)) = call.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp[w] = ncomp;
                    if w == v {
                        break;
                    }
                }
                ncomp += 1;
            }
        }
    }
    keys.iter()
        .zip(comp)
        .map(|(k, c)| (k.to_string(), c))
        .collect()
}

fn in_cycle(comp: &BTreeMap<TypeKey, usize>, from: &TypeKey, to: &TypeRef) -> bool {
    let mut targets = Vec::new();
    mentions(to, false, &mut targets);
    targets
        .iter()
        .any(|t| comp.get(*t).is_some() && comp.get(*t) == comp.get(from))
}

/// Boxes by-value references that close a cycle and turns recursive aliases
/// into newtypes.
pub fn mark_boxes(types: &mut BTreeMap<TypeKey, TypeDef>) {
    let by_value = components(types, false);
    let any = components(types, true);
    let mut any_sizes: HashMap<usize, usize> = HashMap::new();
    for c in any.values() {
        *any_sizes.entry(*c).or_default() += 1;
    }
    let keys: Vec<TypeKey> = types.keys().cloned().collect();
    for key in keys {
        let self_loop_any = types
            .get(&key)
            .is_some_and(|d| edges(d, true).iter().any(|k| **k == key));
        let Some(def) = types.get_mut(&key) else {
            continue;
        };
        match &mut def.kind {
            TypeKind::Struct(s) => {
                for f in &mut s.fields {
                    f.boxed = in_cycle(&by_value, &key, &f.ty);
                }
            }
            TypeKind::Union(u) => {
                for v in &mut u.variants {
                    v.boxed = in_cycle(&by_value, &key, &v.ty);
                }
            }
            TypeKind::Alias { newtype, .. } => {
                let shared = any
                    .get(&key)
                    .and_then(|c| any_sizes.get(c))
                    .is_some_and(|n| *n > 1);
                *newtype = shared || self_loop_any;
            }
            TypeKind::Enum(_) => {}
        }
    }
}
