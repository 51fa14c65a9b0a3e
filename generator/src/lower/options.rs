//! What a user can ask of lowering beyond the document itself: which
//! operations to keep, Rust types that replace schemas, extra derives and
//! attributes, and names that override the generated ones.
//!
//! Built from a `clientgen.toml` by `crate::config`, or directly by library
//! users. Keys are canonical JSON pointers (`#/components/schemas/Money`);
//! the configuration layer turns schema names into pointers.

use std::collections::BTreeMap;

use crate::ir::{ExternalType, Method};

/// Everything lowering can be told; `Options::default()` lowers the document
/// as written.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Options {
    pub select: Selection,
    /// Schema pointer → the Rust type used instead (no item is generated for
    /// the schema, nor for anything only it reaches).
    pub replace: BTreeMap<String, ExternalType>,
    /// String `format` → Rust type (`date-time` → `chrono::DateTime<…>`,
    /// `decimal` → `rust_decimal::Decimal`). Applies to string, integer and
    /// number schemas with that format.
    pub formats: BTreeMap<String, ExternalType>,
    /// Derives added to every generated struct, enum and union.
    pub derives: Vec<String>,
    /// Attributes added to every generated struct, enum and union.
    pub attributes: Vec<String>,
    /// Per-type derives and attributes, by schema pointer.
    pub per_type: BTreeMap<String, TypeExtras>,
    pub rename: Renames,
    /// operationId (or `METHOD /path`) → how the operation's list is paged,
    /// in the form of the `x-pagination` extension (or `false`); overrides
    /// the extension and detection.
    pub pagination: BTreeMap<String, serde_json::Value>,
    /// Extra Cargo dependencies (name → inline TOML value) recorded in the IR
    /// for the generated `Cargo.toml`.
    pub dependencies: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TypeExtras {
    pub derives: Vec<String>,
    pub attributes: Vec<String>,
}

/// Names the spec gets wrong, replaced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Renames {
    /// operationId (or `METHOD /path` for operations without one) → method
    /// name (snake_case).
    pub operations: BTreeMap<String, String>,
    /// Schema pointer → type name (PascalCase).
    pub types: BTreeMap<String, String>,
    /// Property pointer (`#/components/schemas/Contact/properties/type`) →
    /// field name (snake_case).
    pub fields: BTreeMap<String, String>,
    /// Schema pointer of an enum or union → (enum value as written, or the
    /// generated union variant name) → variant name (PascalCase).
    pub variants: BTreeMap<String, BTreeMap<String, String>>,
}

/// Which operations to generate. An operation is kept when no include list
/// is given or it matches one of them, and it matches no exclude pattern.
/// Patterns are globs: `*` matches any run of characters except `/`, `**`
/// any run at all, `?` one character.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    pub tags: Vec<String>,
    pub operations: Vec<String>,
    /// `/users/{id}` or `GET /users/*`.
    pub paths: Vec<String>,
    pub exclude_tags: Vec<String>,
    pub exclude_operations: Vec<String>,
    pub exclude_paths: Vec<String>,
    /// Drop types that no kept operation reaches (default when selecting).
    pub keep_unreachable_types: bool,
}

impl Selection {
    /// Whether any selection was asked for.
    pub fn is_active(&self) -> bool {
        !(self.tags.is_empty()
            && self.operations.is_empty()
            && self.paths.is_empty()
            && self.exclude_tags.is_empty()
            && self.exclude_operations.is_empty()
            && self.exclude_paths.is_empty())
    }

    /// Whether the operation at `method path` with these tags and
    /// operationId is generated.
    pub fn keeps(
        &self,
        method: Method,
        path: &str,
        tags: &[String],
        operation_id: Option<&str>,
    ) -> bool {
        let id = operation_id.unwrap_or("");
        let by_tag = |pats: &[String]| pats.iter().any(|p| tags.iter().any(|t| glob(p, t)));
        let by_id = |pats: &[String]| operation_id.is_some() && pats.iter().any(|p| glob(p, id));
        let by_path = |pats: &[String]| pats.iter().any(|p| path_matches(p, method, path));
        let included =
            (self.tags.is_empty() && self.operations.is_empty() && self.paths.is_empty())
                || by_tag(&self.tags)
                || by_id(&self.operations)
                || by_path(&self.paths);
        included
            && !by_tag(&self.exclude_tags)
            && !by_id(&self.exclude_operations)
            && !by_path(&self.exclude_paths)
    }

    /// Every pattern with the list it is in, for "matches nothing" checks.
    pub(crate) fn patterns(&self) -> Vec<(&'static str, &str)> {
        let mut out = Vec::new();
        for (what, list) in [
            ("tags", &self.tags),
            ("operations", &self.operations),
            ("paths", &self.paths),
            ("exclude-tags", &self.exclude_tags),
            ("exclude-operations", &self.exclude_operations),
            ("exclude-paths", &self.exclude_paths),
        ] {
            out.extend(list.iter().map(|p| (what, p.as_str())));
        }
        out
    }
}

/// `GET /users/*` matches method and path; `/users/*` the path alone.
pub(crate) fn path_matches(pattern: &str, method: Method, path: &str) -> bool {
    match pattern.split_once(' ') {
        Some((m, p)) if !m.starts_with('/') => {
            m.eq_ignore_ascii_case(method.as_str()) && glob(p.trim(), path)
        }
        _ => glob(pattern, path),
    }
}

/// Glob match without recursion or backtracking blow-up: `*` (not across
/// `/`), `**` (across `/`), `?`; everything else literal.
pub fn glob(pattern: &str, text: &str) -> bool {
    #[derive(Clone, Copy, PartialEq)]
    enum Tok {
        Lit(char),
        One,
        Star,
        DoubleStar,
    }
    let mut toks = Vec::new();
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        toks.push(match c {
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                Tok::DoubleStar
            }
            '*' => Tok::Star,
            '?' => Tok::One,
            c => Tok::Lit(c),
        });
    }
    let text: Vec<char> = text.chars().collect();
    // reachable[i]: the tokens so far can consume exactly text[..i].
    let mut reachable = vec![false; text.len() + 1];
    reachable[0] = true;
    for tok in toks {
        let mut next = vec![false; text.len() + 1];
        match tok {
            Tok::Lit(c) => {
                for i in 0..text.len() {
                    next[i + 1] = reachable[i] && text[i] == c;
                }
            }
            Tok::One => {
                for i in 0..text.len() {
                    next[i + 1] = reachable[i] && text[i] != '/';
                }
            }
            Tok::Star | Tok::DoubleStar => {
                let mut on = false;
                for i in 0..=text.len() {
                    on = reachable[i]
                        || (on && i > 0 && (tok == Tok::DoubleStar || text[i - 1] != '/'));
                    next[i] = on;
                }
            }
        }
        reachable = next;
    }
    reachable[text.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob("get*", "getUser"));
        assert!(!glob("get*", "listUsers"));
        assert!(glob("/users/*", "/users/{id}"));
        assert!(!glob("/users/*", "/users/{id}/posts"));
        assert!(glob("/users/**", "/users/{id}/posts"));
        assert!(glob("/users/**", "/users/"));
        assert!(glob("a?c", "abc"));
        assert!(!glob("a?c", "a/c"));
        assert!(glob("exact", "exact"));
        assert!(!glob("exact", "exactly"));
        assert!(glob("*", ""));
        assert!(!glob(&"*a".repeat(200), &"a".repeat(150)));
    }

    #[test]
    fn selection() {
        let s = Selection {
            tags: vec!["users".into()],
            paths: vec!["GET /files/*".into()],
            exclude_operations: vec!["delete*".into()],
            ..Selection::default()
        };
        assert!(s.keeps(Method::Get, "/x", &["users".into()], Some("getUser")));
        assert!(!s.keeps(Method::Delete, "/x", &["users".into()], Some("deleteUser")));
        assert!(s.keeps(Method::Get, "/files/{id}", &[], None));
        assert!(!s.keeps(Method::Put, "/files/{id}", &[], None));
        assert!(!s.keeps(Method::Get, "/other", &["admin".into()], Some("x")));
        assert!(Selection::default().keeps(Method::Get, "/", &[], None));
    }
}
