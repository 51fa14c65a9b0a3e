//! Classified changes → a short markdown report and a version bump.

use std::collections::BTreeMap;

use super::diff::{Change, Class, Effect};
use super::text::{encode, Kind};
use super::version::Bump;

/// At most this many entries per class and module; the rest are counted.
const MAX_ENTRIES: usize = 40;

/// `s` as a markdown code span: ASCII only (spec text is JSON-escaped as in
/// API files), fenced with more backticks than it contains.
pub fn code(s: &str) -> String {
    let s = if s.is_empty() {
        "\"\"".to_string()
    } else {
        encode(s, false)
    };
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// The changes of one module.
#[derive(Clone, Debug, Default)]
pub struct ModuleChanges {
    pub module: String,
    /// Where the module comes from (a spec path), for the heading.
    pub source: Option<String>,
    pub changes: Vec<Change>,
}

/// Changes across the modules of a crate.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub modules: Vec<ModuleChanges>,
    /// Count additions that break exhaustive struct literals as breaking
    /// (strict Cargo SemVer) instead of additive.
    pub strict: bool,
}

/// Changes with the same effect and wording on items with the same leaf
/// name: one line in the report.
struct Group<'a> {
    class: Class,
    changes: Vec<&'a Change>,
}

fn class_of(c: &Change, strict: bool) -> Class {
    if strict && c.strict_breaking {
        Class::Breaking
    } else {
        c.class()
    }
}

/// What makes two changes one entry: class, kind, leaf name, wording and effects.
type GroupKey<'a> = (Class, Kind, &'a str, &'a str, Effect, Effect, bool);

fn groups(changes: &[Change], strict: bool) -> Vec<Group<'_>> {
    let mut index: BTreeMap<GroupKey<'_>, usize> = BTreeMap::new();
    let mut out: Vec<Group<'_>> = Vec::new();
    for c in changes {
        let class = class_of(c, strict);
        let k = (
            class,
            c.key.kind,
            c.key.leaf(),
            c.summary.as_str(),
            c.rust,
            c.wire,
            c.strict_breaking,
        );
        match index.get(&k) {
            Some(&i) => out[i].changes.push(c),
            None => {
                index.insert(k, out.len());
                out.push(Group {
                    class,
                    changes: vec![c],
                });
            }
        }
    }
    out
}

fn views(c: &Change, strict: bool) -> String {
    match (c.rust, c.wire) {
        (Effect::Breaking, Effect::Breaking) => " — breaks Rust callers and the wire".to_string(),
        (Effect::Breaking, _) => " — breaks Rust callers".to_string(),
        (_, Effect::Breaking) => " — breaks the wire; Rust code still compiles".to_string(),
        _ if c.strict_breaking && strict => {
            " — breaks a struct literal that names every field (strict SemVer)".to_string()
        }
        _ if c.strict_breaking => " — a struct literal naming every field needs `..`".to_string(),
        _ => String::new(),
    }
}

impl Report {
    pub fn is_empty(&self) -> bool {
        self.modules.iter().all(|m| m.changes.is_empty())
    }

    /// Entries (groups) per class, over all modules.
    pub fn counts(&self) -> BTreeMap<Class, usize> {
        let mut out = BTreeMap::new();
        for m in &self.modules {
            for g in groups(&m.changes, self.strict) {
                *out.entry(g.class).or_insert(0) += 1;
            }
        }
        out
    }

    /// `1 breaking, 2 additive, 0 docs-only`.
    pub fn counts_text(&self) -> String {
        let c = self.counts();
        let n = |k: Class| c.get(&k).copied().unwrap_or(0);
        format!(
            "{} breaking, {} additive, {} docs-only",
            n(Class::Breaking),
            n(Class::Additive),
            n(Class::Docs)
        )
    }

    /// The bump the changes call for.
    pub fn bump(&self) -> Bump {
        self.modules
            .iter()
            .flat_map(|m| &m.changes)
            .map(|c| match class_of(c, self.strict) {
                Class::Breaking => Bump::Major,
                Class::Additive => Bump::Minor,
                Class::Docs => Bump::Patch,
            })
            .max()
            .unwrap_or(Bump::None)
    }

    /// The recommendation line for a crate at `version`.
    pub fn bump_line(&self, krate: &str, version: &str) -> String {
        let bump = self.bump();
        let why = match bump {
            Bump::Major => "breaking changes",
            Bump::Minor => "additions only",
            Bump::Patch => "documentation only",
            Bump::None => "no public API change",
        };
        match bump.apply(version) {
            Ok(next) if bump != Bump::None => {
                let zero = if version.trim().starts_with("0.") && bump == Bump::Major {
                    " (in 0.x the minor number is the major one)"
                } else if version.trim().starts_with("0.") && bump == Bump::Minor {
                    " (in 0.x additions bump the patch number)"
                } else {
                    ""
                };
                format!("**Recommended version bump: {bump}** ({why}): `{krate}` {version} → **{next}**{zero}.")
            }
            Ok(_) => format!("**Recommended version bump: none** ({why})."),
            Err(e) => format!("**Recommended version bump: {bump}** ({why}); {e}."),
        }
    }

    /// The report as markdown, ready to paste into a pull request; with
    /// `krate` = (name, current version), ends with the recommended bump.
    pub fn markdown(&self, krate: Option<(&str, &str)>) -> String {
        let mut s = format!("## API changes: {}\n", self.counts_text());
        for m in &self.modules {
            if m.changes.is_empty() {
                continue;
            }
            match &m.source {
                Some(src) => s.push_str(&format!("\n### `{}` ({})\n", m.module, code(src))),
                None => s.push_str(&format!("\n### `{}`\n", m.module)),
            }
            let gs = groups(&m.changes, self.strict);
            for (class, title) in [
                (Class::Breaking, "Breaking"),
                (Class::Additive, "Additive"),
                (Class::Docs, "Docs only"),
            ] {
                let of_class: Vec<&Group<'_>> = gs.iter().filter(|g| g.class == class).collect();
                if of_class.is_empty() {
                    continue;
                }
                s.push_str(&format!("\n**{title}**\n\n"));
                for g in of_class.iter().take(MAX_ENTRIES) {
                    s.push_str(&entry(g, self.strict));
                }
                if of_class.len() > MAX_ENTRIES {
                    s.push_str(&format!("- … and {} more\n", of_class.len() - MAX_ENTRIES));
                }
            }
        }
        if self.is_empty() {
            s.push_str("\nNo change to the public API.\n");
        }
        if let Some((name, version)) = krate {
            s.push('\n');
            s.push_str(&self.bump_line(name, version));
            s.push('\n');
        }
        s
    }
}

fn entry(g: &Group<'_>, strict: bool) -> String {
    let first = g.changes[0];
    let subjects: Vec<String> = g.changes.iter().map(|c| code(&c.subject())).collect();
    let mut s = format!(
        "- {}: {}{}",
        subjects.join(", "),
        first.summary,
        views(first, strict)
    );
    let details: Vec<(String, &String)> = g
        .changes
        .iter()
        .filter_map(|c| c.detail.as_ref().map(|d| (c.subject(), d)))
        .collect();
    match details.as_slice() {
        [] => s.push('\n'),
        [(_, d)] if g.changes.len() == 1 => s.push_str(&format!(" ({d})\n")),
        many => {
            s.push('\n');
            for (subject, d) in many {
                s.push_str(&format!("  - {}: {d}\n", code(subject)));
            }
        }
    }
    s
}
