//! Which named types travel in requests, in responses, or both: decides
//! which way a change can break the wire.

use std::collections::{BTreeMap, BTreeSet};

use super::rust_text::path_heads;
use super::text::{Kind, Surface};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// Sent by the client (request bodies, parameters).
    pub input: bool,
    /// Received by the client (success and error bodies).
    pub output: bool,
}

impl Usage {
    pub fn union(self, other: Usage) -> Usage {
        Usage {
            input: self.input || other.input,
            output: self.output || other.output,
        }
    }
}

/// Usage of every named type of `s`.
pub fn usage(s: &Surface) -> BTreeMap<String, Usage> {
    let types: BTreeSet<&str> = s
        .items
        .keys()
        .filter(|k| k.kind == Kind::Type)
        .map(|k| k.path.as_str())
        .collect();
    // Type → types its fields, variants or alias target name.
    let mut edges: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (k, item) in &s.items {
        let owner = match k.kind {
            Kind::Type => k.path.as_str(),
            Kind::Field | Kind::Variant => k.owner(),
            _ => continue,
        };
        let refs = edges.entry(owner).or_default();
        refs.extend(
            path_heads(&item.value)
                .into_iter()
                .filter(|h| types.contains(h) && *h != owner),
        );
    }
    let mut out: BTreeMap<String, Usage> = BTreeMap::new();
    for (want_input, kinds) in [
        (true, &[Kind::Param, Kind::Body][..]),
        (false, &[Kind::Returns, Kind::Output, Kind::Error][..]),
    ] {
        let mut stack: Vec<&str> = s
            .items
            .iter()
            .filter(|(k, _)| kinds.contains(&k.kind))
            .flat_map(|(_, item)| path_heads(&item.value))
            .filter(|h| types.contains(h))
            .collect();
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        while let Some(t) = stack.pop() {
            if !seen.insert(t) {
                continue;
            }
            let u = out.entry(t.to_string()).or_default();
            if want_input {
                u.input = true;
            } else {
                u.output = true;
            }
            if let Some(next) = edges.get(t) {
                stack.extend(next.iter().copied());
            }
        }
    }
    out
}
