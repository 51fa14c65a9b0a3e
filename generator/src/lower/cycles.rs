//! Recursive types: `Box` where a type contains itself by value, and
//! newtypes for recursive aliases.

use std::collections::BTreeMap;

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
        TypeKind::Alias { target, .. } => mentions(target, true, &mut out),
        TypeKind::Enum(_) => {}
    }
    out
}

/// Strongly connected component index of every type (Tarjan).
fn components(
    types: &BTreeMap<TypeKey, TypeDef>,
    through_collections: bool,
) -> BTreeMap<TypeKey, usize> {
    struct State<'a> {
        types: &'a BTreeMap<TypeKey, TypeDef>,
        through: bool,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: std::collections::BTreeSet<&'a str>,
        next: usize,
        comp: BTreeMap<TypeKey, usize>,
        ncomp: usize,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on_stack.insert(v);
        if let Some(def) = s.types.get(v) {
            for w in edges(def, s.through) {
                let w = w.as_str();
                if !s.types.contains_key(w) {
                    continue;
                }
                if !s.index.contains_key(w) {
                    visit(s, w);
                    let lw = s.low[w];
                    let lv = s.low[v];
                    s.low.insert(v, lv.min(lw));
                } else if s.on_stack.contains(w) {
                    let iw = s.index[w];
                    let lv = s.low[v];
                    s.low.insert(v, lv.min(iw));
                }
            }
        }
        if s.low[v] == s.index[v] {
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                s.comp.insert(w.to_string(), s.ncomp);
                if w == v {
                    break;
                }
            }
            s.ncomp += 1;
        }
    }
    let mut s = State {
        types,
        through: through_collections,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: Default::default(),
        next: 0,
        comp: BTreeMap::new(),
        ncomp: 0,
    };
    for k in types.keys() {
        if !s.index.contains_key(k.as_str()) {
            visit(&mut s, k);
        }
    }
    s.comp
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
                let shared = any.values().filter(|c| Some(*c) == any.get(&key)).count() > 1;
                *newtype = shared || self_loop_any;
            }
            TypeKind::Enum(_) => {}
        }
    }
}
