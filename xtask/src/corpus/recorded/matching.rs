//! Which operation a recorded request went to, and with which path
//! parameter values.

use clientgen::ir::{self, Operation, ParamLocation, PathPart, StatusMatch};

/// The operation a request went to: method and path match, a parameter
/// taking one non-empty segment (one the spec marks multi-segment, such as
/// GitHub's `contents/{path}`, any run, slashes included, even empty), and
/// the most literal text wins. The servers' path prefixes (`/v1`) are
/// stripped first.
pub(super) fn find_operation<'a>(
    api: &'a ir::Api,
    method: &str,
    path: &str,
) -> Option<&'a Operation> {
    let candidates = unprefixed(api, path);
    api.operations
        .iter()
        .filter(|op| op.method.as_str() == method)
        .filter(|op| {
            let multi = spans(op);
            candidates.iter().any(|p| path_matches(&op.path, p, &multi))
        })
        .max_by_key(|op| literal_len(&op.path))
}

/// The path, and the path without each server's path prefix (`/v1`).
pub(super) fn unprefixed<'p>(api: &ir::Api, path: &'p str) -> Vec<&'p str> {
    let mut candidates = vec![path];
    for s in &api.servers {
        let prefix = server_path(&s.url);
        if let Some(rest) = path
            .strip_prefix(prefix.as_str())
            .filter(|r| !prefix.is_empty() && r.starts_with('/'))
        {
            candidates.push(rest);
        }
    }
    candidates
}

/// Which of the operation's path parameters may span segments: those the
/// spec marks (a looser rule, such as "the last one", also matches
/// `GET /repos/o/r/git/refs/` to `GET /repos/{owner}/{repo}`).
pub(super) fn spans(op: &Operation) -> impl Fn(&str) -> bool + '_ {
    move |name: &str| {
        op.params
            .iter()
            .any(|p| p.name == name && p.location == ParamLocation::Path && p.multi_segment)
    }
}

/// The path of a server URL (`https://x.com/v1/` → `/v1`).
fn server_path(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let path = rest.find('/').map_or("", |i| &rest[i..]);
    path.trim_end_matches('/').to_string()
}

fn literal_len(parts: &[PathPart]) -> usize {
    parts
        .iter()
        .map(|p| match p {
            PathPart::Literal(s) => s.len(),
            PathPart::Param(_) => 0,
        })
        .sum()
}

/// Whether `path` is an instance of the template (see [`captures`]).
fn path_matches(parts: &[PathPart], path: &str, multi: &dyn Fn(&str) -> bool) -> bool {
    captures(parts, path, multi).is_some()
}

/// The parameters' values (as written in the path) when `path` is an
/// instance of the template. Literals match exactly; a parameter takes a
/// non-empty run without `/`, a multi-segment one any run. Templates have
/// a handful of parts, so the backtracking is short.
pub(super) fn captures<'p>(
    parts: &[PathPart],
    path: &'p str,
    multi: &dyn Fn(&str) -> bool,
) -> Option<Vec<&'p str>> {
    match parts.split_first() {
        None => path.is_empty().then(Vec::new),
        Some((PathPart::Literal(l), rest)) => captures(rest, path.strip_prefix(l.as_str())?, multi),
        Some((PathPart::Param(name), rest)) => {
            let (first, end) = if multi(name) {
                (0, path.len())
            } else {
                (1, path.find('/').unwrap_or(path.len()))
            };
            (first..=end)
                .filter(|&n| path.is_char_boundary(n))
                .find_map(|n| {
                    let mut found = captures(rest, &path[n..], multi)?;
                    found.insert(0, &path[..n]);
                    Some(found)
                })
        }
    }
}

/// `%XX` escapes decoded; `None` when the result is not UTF-8.
pub(super) fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| char::from(c).to_digit(16);
        match (
            b[i],
            b.get(i + 1).copied().and_then(hex),
            b.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push(u8::try_from(h * 16 + l).ok()?);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// The declared response for a status: the code, else its range, else
/// `default`.
pub(super) fn response_for(op: &Operation, status: u16) -> Option<&ir::Response> {
    let code = op
        .responses
        .iter()
        .find(|r| r.status == StatusMatch::Code(status));
    let range = || {
        op.responses
            .iter()
            .find(|r| matches!(r.status, StatusMatch::Range(c) if u16::from(c) == status / 100))
    };
    let default = || {
        op.responses
            .iter()
            .find(|r| r.status == StatusMatch::Default)
    };
    code.or_else(range).or_else(default)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(template: &str) -> Vec<PathPart> {
        let mut out = Vec::new();
        let mut rest = template;
        while let Some(i) = rest.find('{') {
            if i > 0 {
                out.push(PathPart::Literal(rest[..i].to_string()));
            }
            let end = rest[i..].find('}').unwrap() + i;
            out.push(PathPart::Param(rest[i + 1..end].to_string()));
            rest = &rest[end + 1..];
        }
        if !rest.is_empty() {
            out.push(PathPart::Literal(rest.to_string()));
        }
        out
    }

    #[test]
    fn paths_match_their_templates() {
        let single = |_: &str| false;
        let t = parts("/repos/{owner}/{repo}/issues/{issue_number}/lock");
        assert!(path_matches(&t, "/repos/o/r/issues/1/lock", &single));
        assert!(!path_matches(&t, "/repos/o/r/issues/1", &single));
        assert!(!path_matches(&t, "/repos/o/x/r/issues/1/lock", &single));
        assert!(!path_matches(&t, "/repos//r/issues/1/lock", &single));
        let r = parts("/repos/{owner}/{repo}");
        assert!(!path_matches(&r, "/repos/o/r/git/refs/", &single));
        // A multi-segment parameter takes slashes, or nothing.
        let c = parts("/repos/{owner}/{repo}/contents/{path}");
        let multi = |name: &str| name == "path";
        assert!(path_matches(
            &c,
            "/repos/o/r/contents/docs/README.md",
            &multi
        ));
        assert!(path_matches(&c, "/repos/o/r/contents/", &multi));
        assert!(!path_matches(
            &c,
            "/repos/o/r/contents/docs/README.md",
            &single
        ));
        assert!(!path_matches(&c, "/repos/o/x/r/contents/a", &multi));
        // Two parameters in one segment.
        let d = parts("/files/{name}.{ext}");
        assert!(path_matches(&d, "/files/a.b.c", &single));
        assert!(!path_matches(&d, "/files/abc", &single));
        assert!(path_matches(&d, "/files/é.b", &single));
    }

    #[test]
    fn parameters_are_captured_as_written() {
        let c = parts("/repos/{owner}/{repo}/contents/{path}");
        let multi = |name: &str| name == "path";
        assert_eq!(
            captures(&c, "/repos/o/r%20x/contents/docs/a%20b.md", &multi),
            Some(vec!["o", "r%20x", "docs/a%20b.md"])
        );
        assert_eq!(
            captures(&c, "/repos/o/r/contents/", &multi),
            Some(vec!["o", "r", ""])
        );
        assert_eq!(
            captures(&c, "/repos/o/r/contents/a", &|_: &str| false),
            Some(vec!["o", "r", "a"])
        );
        assert_eq!(percent_decode("a%2Fb%zz%C3%A9").as_deref(), Some("a/b%zzé"));
        assert_eq!(percent_decode("%FF"), None);
    }

    #[test]
    fn server_paths_are_prefixes() {
        assert_eq!(server_path("https://api.x.com/v1/"), "/v1");
        assert_eq!(server_path("https://api.github.com"), "");
        assert_eq!(server_path("/api"), "/api");
    }
}
