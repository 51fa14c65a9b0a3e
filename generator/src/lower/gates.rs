//! Which cargo features compile each named type ([`TypeDef::gate`]).
//!
//! A crate gating operations by feature compiles a type only when an
//! operation reaching it is compiled: the type is gated by the features of
//! the operations whose parameters, bodies or responses use it, directly or
//! through other types. It is always compiled (no gate) when something
//! always compiled reaches it: an operation without a feature of its own
//! (the `untagged` one), a client parameter, a type no operation reaches
//! (users may use it directly), or any other type that is always compiled.
//! A type reached by every feature, or by more than [`MAX_GATE`] of them,
//! is always compiled too: the `cfg` would buy little and cost readability.

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
    let index: HashMap<&TypeKey, usize> = types.iter().enumerate().map(|(i, t)| (&t.key, i)).collect();
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
    // Types no operation reaches are always compiled, and so is what they
    // use; so is a type every feature reaches (what it uses is reached by
    // every feature too).
    for i in 0..types.len() {
        let always = match &work.reach[i] {
            Reach::Always => false,
            Reach::Features(f) => f.is_empty() || f.len() == features.len(),
        };
        if always {
            work.seed(i, &Reach::Always);
        }
    }
    work.propagate(&edges);

    for (t, r) in types.iter_mut().zip(work.reach) {
        t.gate = match r {
            Reach::Always => Vec::new(),
            // Indices are sorted, and so are the features: names come sorted.
            Reach::Features(f) if f.len() == features.len() => Vec::new(),
            Reach::Features(f) => f.iter().map(|&i| features[i as usize].to_string()).collect(),
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
