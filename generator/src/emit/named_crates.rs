//! Which dependencies a crate's code names, read from the code we wrote.
//!
//! A generated package lists only the dependencies its own code uses: an
//! unused one is a warning under `unused_crate_dependencies` and a finding
//! of `cargo machete`/`cargo udeps` in the user's tree. The code is the
//! authority (a configured type such as `time::OffsetDateTime` counts as
//! much as an emitted `uuid::Uuid`), so the text is scanned rather than the
//! emitters' rules repeated.

use std::collections::{BTreeSet, HashMap};

/// Adds to `found` each of `candidates` (package names, as in a manifest:
/// `percent-encoding`) that `code` names as a path root (`percent_encoding::`),
/// outside `//` comment lines. A comment or string that happens to spell a
/// path can only add a dependency, never leave a used one out. One pass over
/// the text, whatever the number of candidates.
pub(super) fn scan<'a>(code: &str, candidates: &[&'a str], found: &mut BTreeSet<&'a str>) {
    let idents: HashMap<String, &'a str> = candidates
        .iter()
        .map(|c| (c.replace('-', "_"), *c))
        .collect();
    for line in code.lines() {
        if line.trim_start().starts_with("//") {
            continue;
        }
        for (at, _) in line.match_indices("::") {
            if let Some(package) = path_root(&line[..at]).and_then(|root| idents.get(root)) {
                found.insert(package);
            }
        }
    }
}

/// The identifier `before` ends with, when it starts a path: not preceded
/// by `:` (`std::time::` does not name the `time` crate).
fn path_root(before: &str) -> Option<&str> {
    let start = before
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c == '_' || c.is_alphanumeric()))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let root = &before[start..];
    (!root.is_empty() && !before[..start].ends_with(':')).then_some(root)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(code: &str) -> Vec<&'static str> {
        let mut found = BTreeSet::new();
        scan(
            code,
            &["time", "uuid", "percent-encoding", "serde", "serde_json"],
            &mut found,
        );
        found.into_iter().collect()
    }

    #[test]
    fn path_roots_only() {
        assert_eq!(named("let d: std::time::Duration;"), Vec::<&str>::new());
        assert_eq!(named("tokio::time::sleep(d)"), Vec::<&str>::new());
        assert_eq!(named("pub id: uuid::Uuid,"), ["uuid"]);
        assert_eq!(named("(time::OffsetDateTime)"), ["time"]);
        assert_eq!(
            named("use percent_encoding::utf8_percent_encode;"),
            ["percent-encoding"]
        );
        // `serde_json::` does not name `serde`.
        assert_eq!(named("x: serde_json::Value"), ["serde_json"]);
        assert_eq!(named("impl serde::Serialize for X"), ["serde"]);
        assert_eq!(named("my_uuid::Uuid, xuuid::A"), Vec::<&str>::new());
    }

    #[test]
    fn comment_lines_are_skipped() {
        assert_eq!(
            named("/// A `uuid::Uuid`.\n//! time::Date\n// serde::X"),
            Vec::<&str>::new()
        );
        assert_eq!(
            named("/// doc\npub a: uuid::Uuid, // time::Date"),
            ["time", "uuid"]
        );
    }
}
