//! Which cargo features compile each named type ([`TypeDef::gate`]).
//!
//! A crate gating operations by feature compiles a type only when an
//! operation reaching it is compiled: the type is gated by the features of
//! the operations whose parameters, bodies or responses use it, directly or
//! through other types. It is always compiled (no gate) when something
//! always compiled reaches it: an operation without a feature of its own
//! (the `untagged` one), a client parameter, or any other type that is
//! always compiled. A type no operation reaches (users may build or decode
//! it themselves: GitHub's webhook payloads are four fifths of its types) is
//! behind [`reserved::OTHER_SCHEMAS_FEATURE`], and so is what it uses, as if
//! an operation of that feature reached it; so a crate with a few operation
//! features on compiles what those operations need, not every schema.
//! A type reached by every operation feature, or by more than [`MAX_GATE`]
//! features, is always compiled too: the `cfg` would buy little and cost
//! readability.

use std::collections::{HashMap, VecDeque};

use super::reserved;
use crate::ir::{ClientParam, Operation, TypeDef, TypeKey};

/// The most features a type's `cfg` names; a type reached by more is always
/// compiled.
pub const MAX_GATE: usize = 8;

/// What reaches a type so far.
#[derive(Clone, Debug, PartialEq)]
enum Reach {
    /// Features (indices, sorted, at most [`MAX_GATE`]); empty when nothing
    /// reaches the type yet.
    Features(Vec<u32>),
    /// Always compiled.
    Always,
}

impl Reach {
    /// Adds `other`; whether anything changed.
    fn absorb(&mut self, other: &Reach) -> bool {
        match (&mut *self, other) {
            (Reach::Always, _) => false,
            (_, Reach::Always) => {
                *self = Reach::Always;
                true
            }
            (Reach::Features(mine), Reach::Features(theirs)) => {
                let before = mine.len();
                for f in theirs {
                    if let Err(at) = mine.binary_search(f) {
                        mine.insert(at, *f);
                    }
                }
                if mine.len() > MAX_GATE {
                    *self = Reach::Always;
                    return true;
                }
                mine.len() != before
            }
        }
    }
}

/// Sets [`TypeDef::gate`] of every type in `types` (sorted by name or not:
/// they are found by key). Linear in the size of the type graph: a type's
/// reach only grows, and changes at most `MAX_GATE + 1` times before it is
/// `Always`, so each type is (re)visited a bounded number of times.
pub fn assign(types: &mut [TypeDef], operations: &[Operation], client_params: &[ClientParam]) {
    let index: HashMap<&TypeKey, usize> =
        types.iter().enumerate().map(|(i, t)| (&t.key, i)).collect();
    // Each type's outgoing edges, deduplicated per type.
    let mut edges: Vec<Vec<usize>> = Vec::with_capacity(types.len());
    for t in types.iter() {
        let mut out: Vec<usize> = Vec::new();
        t.for_each_ref(&mut |r| {
            r.for_each_named(&mut |k| {
                if let Some(&i) = index.get(k) {
                    out.push(i);
                }
            })
        });
        out.sort_unstable();
        out.dedup();
        edges.push(out);
    }

    // Every feature an operation has, sorted, indexed.
    let mut features: Vec<&str> = operations
        .iter()
        .flat_map(|op| op.features.iter().map(String::as_str))
        .filter(|f| *f != reserved::UNTAGGED_FEATURE)
        .collect();
    features.sort_unstable();
    features.dedup();
    let operation_features = features.len();
    // The types no operation reaches have a feature of their own, indexed
    // last (gates are sorted by name at the end).
    let other = operation_features as u32;
    features.push(reserved::OTHER_SCHEMAS_FEATURE);
    let feature_index: HashMap<&str, u32> = features
        .iter()
        .enumerate()
        .map(|(i, f)| (*f, i as u32))
        .collect();

    let mut work = Work {
        reach: vec![Reach::Features(Vec::new()); types.len()],
        queue: VecDeque::new(),
        queued: vec![false; types.len()],
    };
    for op in operations {
        let own: Vec<u32> = op
            .features
            .iter()
            .filter_map(|f| feature_index.get(f.as_str()).copied())
            .collect();
        // No feature of its own (none, or `untagged`): always compiled.
        let from = if own.is_empty() || op.features.len() != own.len() {
            Reach::Always
        } else {
            let mut own = own;
            own.sort_unstable();
            own.dedup();
            if own.len() > MAX_GATE {
                Reach::Always
            } else {
                Reach::Features(own)
            }
        };
        op.for_each_ref(&mut |r| {
            r.for_each_named(&mut |k| {
                if let Some(&i) = index.get(k) {
                    work.seed(i, &from);
                }
            })
        });
    }
    for p in client_params {
        p.ty.for_each_named(&mut |k| {
            if let Some(&i) = index.get(k) {
                work.seed(i, &Reach::Always);
            }
        });
    }
    work.propagate(&edges);
    // Types no operation reaches are behind their own feature, and what they
    // use is reached by it too (without operation features there is nothing
    // to gate: always compiled); a type every operation feature reaches is
    // always compiled, and so is what it uses (reached by all of them too).
    for i in 0..types.len() {
        let seed = match &work.reach[i] {
            Reach::Always => None,
            Reach::Features(f) if f.is_empty() && operation_features > 0 => {
                Some(Reach::Features(vec![other]))
            }
            Reach::Features(f) if f.is_empty() || f.len() == operation_features => {
                Some(Reach::Always)
            }
            Reach::Features(_) => None,
        };
        if let Some(seed) = seed {
            work.seed(i, &seed);
        }
    }
    work.propagate(&edges);

    for (t, r) in types.iter_mut().zip(work.reach) {
        t.gate = match r {
            Reach::Always => Vec::new(),
            Reach::Features(f) if f.len() == features.len() => Vec::new(),
            Reach::Features(f) => {
                let mut names: Vec<String> = f
                    .iter()
                    .map(|&i| features[i as usize].to_string())
                    .collect();
                names.sort_unstable();
                names
            }
        };
    }
}

/// The reach of each type, and the types whose reach grew since they were
/// last followed.
struct Work {
    reach: Vec<Reach>,
    queue: VecDeque<usize>,
    queued: Vec<bool>,
}

impl Work {
    /// Adds `r` to the reach of type `i`, queueing it if that grew.
    fn seed(&mut self, i: usize, r: &Reach) {
        if self.reach[i].absorb(r) && !self.queued[i] {
            self.queued[i] = true;
            self.queue.push_back(i);
        }
    }

    /// Follows `edges` from the queued types until nothing grows.
    fn propagate(&mut self, edges: &[Vec<usize>]) {
        while let Some(i) = self.queue.pop_front() {
            self.queued[i] = false;
            let from = self.reach[i].clone();
            for &j in &edges[i] {
                self.seed(j, &from);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    fn gates(yaml: &str) -> BTreeMap<String, Vec<String>> {
        let loaded = crate::load::load_str("t.yaml", yaml).unwrap_or_else(|e| panic!("{e}"));
        let api = super::super::lower(&loaded.spec, &loaded.openapi_version);
        api.types.into_iter().map(|t| (t.name, t.gate)).collect()
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn types_are_gated_by_the_features_reaching_them() {
        let yaml = include_str!("../../tests/constructs/tag_gates.yaml");
        let found = gates(yaml);
        let pets = names(&["tag-pets"]);
        let expected: BTreeMap<String, Vec<String>> = [
            ("Address", names(&["tag-pets", "tag-stores"])),
            ("Archive", names(&["other-schemas"])),
            ("Ball", pets.clone()),
            ("Note", names(&["other-schemas", "tag-users"])),
            ("Owner", names(&["tag-pets", "tag-users"])),
            ("Pet", pets.clone()),
            ("PetKind", pets.clone()),
            ("Status", vec![]),
            ("Store", names(&["tag-stores"])),
            ("Toy", pets),
        ]
        .into_iter()
        .map(|(n, g)| (n.to_string(), g))
        .collect();
        assert_eq!(found, expected);
    }

    /// A spec of `tags` operations each returning its own type, which all
    /// hold `Shared`; `Leaf` is under `Shared`; `Param` is a client-level
    /// header (always compiled) holding `ParamInner`.
    fn spec(tags: usize) -> String {
        let mut paths = String::new();
        let mut schemas = String::new();
        for i in 0..tags {
            paths.push_str(&format!("  /r{i}:\n    get:\n      operationId: get{i}\n      tags: [t{i}]\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Own{i}'}}\n"));
            schemas.push_str(&format!("    Own{i}:\n      type: object\n      properties:\n        s: {{$ref: '#/components/schemas/Shared'}}\n"));
        }
        format!("openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n{paths}components:\n  schemas:\n{schemas}    Shared:\n      type: object\n      properties:\n        l: {{$ref: '#/components/schemas/Leaf'}}\n    Leaf:\n      type: object\n      properties:\n        x: {{type: string}}\n")
    }

    #[test]
    fn types_every_feature_or_too_many_reach_are_always_compiled() {
        // Three tags: `Shared` and `Leaf` are reached by every feature.
        let found = gates(&spec(3));
        assert_eq!(found["Own1"], names(&["tag-t1"]));
        assert!(found["Shared"].is_empty() && found["Leaf"].is_empty());
        // One more tag, whose operation returns only `Leaf`: `Shared` is
        // reached by all features but that one. With eight tags besides it,
        // that is `MAX_GATE` features: gated (and `Leaf` by all nine); with
        // nine, more than `MAX_GATE`: always compiled, and so is `Leaf`.
        let other = |tags: usize| {
            spec(tags).replace(
                "components:\n",
                "  /other:\n    get:\n      operationId: other\n      tags: [other]\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Leaf'}\ncomponents:\n",
            )
        };
        let found = gates(&other(8));
        let eight: Vec<String> = (0..8).map(|i| format!("tag-t{i}")).collect();
        assert_eq!(found["Shared"], eight);
        assert!(found["Leaf"].is_empty());
        let found = gates(&other(9));
        assert_eq!(found["Own0"], names(&["tag-t0"]));
        assert!(found["Shared"].is_empty() && found["Leaf"].is_empty());
        // A type no operation reaches is behind `other-schemas`, and so is
        // what it holds, besides its operations' features; what every
        // operation feature reaches stays always compiled.
        let yaml = spec(3).replace(
            "    Shared:\n",
            "    Loose:\n      type: object\n      properties:\n        o: {$ref: '#/components/schemas/Own0'}\n    Shared:\n",
        );
        let found = gates(&yaml);
        assert_eq!(found["Loose"], names(&["other-schemas"]));
        assert_eq!(found["Own0"], names(&["other-schemas", "tag-t0"]));
        assert_eq!(found["Own1"], names(&["tag-t1"]));
        assert!(found["Shared"].is_empty() && found["Leaf"].is_empty());
        // Without any operation feature (one operation, at `/`: `untagged`),
        // nothing is gated: the loose type is always compiled.
        let found = gates("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /:\n    get:\n      responses:\n        '204': {description: ok}\ncomponents:\n  schemas:\n    Loose:\n      type: object\n      properties:\n        x: {type: string}\n");
        assert!(found["Loose"].is_empty(), "{found:?}");
    }

    #[test]
    fn reach_saturates_beyond_max_gate() {
        let mut r = super::Reach::Features(Vec::new());
        for i in 0..super::MAX_GATE as u32 {
            assert!(r.absorb(&super::Reach::Features(vec![i])));
        }
        assert!(!r.absorb(&super::Reach::Features(vec![0])));
        assert!(matches!(r, super::Reach::Features(ref f) if f.len() == super::MAX_GATE));
        assert!(r.absorb(&super::Reach::Features(vec![100])));
        assert_eq!(r, super::Reach::Always);
        assert!(!r.absorb(&super::Reach::Features(vec![7])));
    }
}
