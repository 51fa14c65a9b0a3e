//! Checks that every `$ref` is internal, resolves, points at the right kind
//! of object, and that no chain of references loops without reaching an
//! actual object.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::kind::Kind;
use super::walk::{describe, Issue, RefUse};
use crate::diagnostic::{pointer_escape, pointer_from_segments, pointer_segments};

fn lookup<'a>(root: &'a Value, segments: &[String]) -> Option<&'a Value> {
    segments.iter().try_fold(root, |v, s| match v {
        Value::Object(m) => m.get(s),
        Value::Array(a) => a.get(s.parse::<usize>().ok()?),
        _ => None,
    })
}

/// Percent-decoding of a reference written as a URI fragment; `None` when
/// the result is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(|c| c.into_owned())
}

/// Segments of an internal reference, percent-decoded if that is what
/// resolves.
fn target_segments(root: &Value, target: &str) -> Vec<String> {
    let frag = target.strip_prefix('#').unwrap_or(target);
    let raw = pointer_segments(frag);
    if lookup(root, &raw).is_none() && frag.contains('%') {
        if let Some(decoded) = percent_decode(frag) {
            return pointer_segments(&decoded);
        }
    }
    raw
}

/// A reference that cannot be used as written.
#[derive(Debug)]
pub(crate) struct Problem {
    /// What is wrong (worded as an error; the repair says what happens).
    pub issue: Issue,
    pub at: RefUse,
    /// Where the reference does lead, when that is the wrong kind of object.
    pub found: Option<(Kind, Vec<String>)>,
}

/// Checks every reference; returns the problems in document order (cycles
/// last).
pub(crate) fn check(root: &Value, refs: &[RefUse]) -> Vec<Problem> {
    let mut problems = Vec::new();
    for r in refs {
        if let Some(p) = check_one(root, r) {
            problems.push(p);
        }
    }
    problems.extend(cycles(root, refs));
    problems
}

fn problem(r: &RefUse, issue: Issue) -> Problem {
    Problem {
        issue,
        at: r.clone(),
        found: None,
    }
}

/// Replaces references to parameters, responses, request bodies, headers
/// and examples that do not name a component directly (`#/paths/…`, or a
/// component that is itself a reference) by a copy of the object they lead
/// to: the model only follows `#/components/<section>/<name>`. `skip`
/// holds references already repaired.
pub(crate) fn inline_indirect(root: &mut Value, refs: &[RefUse], skip: &HashSet<String>) {
    let mut copies: Vec<(Vec<String>, Value)> = Vec::new();
    for r in refs {
        if matches!(
            r.kind,
            Kind::Schema | Kind::PathItem | Kind::Callback | Kind::Link
        ) || skip.contains(&r.pointer)
            || r.pointer.contains("/discriminator/mapping/")
        {
            continue;
        }
        let direct = r.kind.components_section().is_some_and(|section| {
            r.target
                .strip_prefix(section)
                .is_some_and(|name| !name.contains('/'))
        });
        let mut segments = target_segments(root, &r.target);
        let mut seen = HashSet::new();
        // Follow the chain to the object it ends in.
        let target = loop {
            let Some(Value::Object(obj)) = lookup(root, &segments) else {
                break None;
            };
            match obj.get("$ref") {
                Some(Value::String(next)) if seen.insert(next.clone()) => {
                    segments = target_segments(root, next);
                }
                Some(_) => break None,
                None => break Some(obj),
            }
        };
        let Some(target) = target else { continue };
        if direct && seen.is_empty() {
            continue;
        }
        let owner = r.pointer.strip_suffix("/$ref").unwrap_or(&r.pointer);
        copies.push((pointer_segments(owner), Value::Object(target.clone())));
    }
    for (segments, value) in copies {
        let mut slot = Some(&mut *root);
        for s in &segments {
            slot = slot.and_then(|v| match v {
                Value::Object(m) => m.get_mut(s),
                Value::Array(a) => s.parse::<usize>().ok().and_then(|i| a.get_mut(i)),
                _ => None,
            });
        }
        if let Some(slot) = slot {
            *slot = value;
        }
    }
}

/// How a reference is named in messages.
fn label(r: &RefUse) -> &'static str {
    if r.pointer.contains("/discriminator/mapping/") {
        "discriminator mapping target"
    } else {
        "$ref"
    }
}

fn check_one(root: &Value, r: &RefUse) -> Option<Problem> {
    let target = r.target.as_str();
    let label = label(r);
    if !target.starts_with('#') {
        return Some(problem(
            r,
            Issue::error(r.pointer.clone(), format!("external {label} `{target}` is not supported"))
                .help("bundle the document into one file first (e.g. `npx @redocly/cli bundle in.yaml -o out.yaml`), so every reference starts with `#/`"),
        ));
    }
    if target != "#" && !target.starts_with("#/") {
        return Some(problem(
            r,
            Issue::error(r.pointer.clone(), format!("{label} `{target}` is not a JSON pointer"))
                .help("internal references are JSON pointers such as `#/components/schemas/Pet`; `$anchor`/`$id` references are not supported"),
        ));
    }
    let segments = target_segments(root, target);
    if lookup(root, &segments).is_none() {
        return Some(problem(r, unresolved(root, r, &segments)));
    }
    let expected = r.kind;
    match Kind::at(&segments) {
        Some(found) if found == expected => None,
        found => {
            let what = match found {
                Some(k) => format!("{} (`{}`)", k.describe(), target),
                None => format!("`{target}`, which is not {}", expected.describe()),
            };
            let mut issue = Issue::error(
                r.pointer.clone(),
                format!(
                    "{label} must point to {}, but it points to {what}",
                    expected.describe()
                ),
            );
            if let Some(section) = expected.components_section() {
                issue = issue.help(format!(
                    "{} are defined under `{section}<name>`",
                    plural(expected)
                ));
            }
            Some(Problem {
                issue,
                at: r.clone(),
                found: found.map(|k| (k, segments)),
            })
        }
    }
}

fn plural(k: Kind) -> &'static str {
    match k {
        Kind::Schema => "schemas",
        Kind::Parameter => "parameters",
        Kind::Header => "headers",
        Kind::RequestBody => "request bodies",
        Kind::Response => "responses",
        Kind::Example => "examples",
        Kind::Link => "links",
        Kind::Callback => "callbacks",
        Kind::SecurityScheme => "security schemes",
        Kind::PathItem => "path items",
        _ => "objects",
    }
}

fn unresolved(root: &Value, r: &RefUse, segments: &[String]) -> Issue {
    let label = label(r);
    // The longest prefix that exists says what is missing.
    let mut v = root;
    let mut depth = 0;
    for s in segments {
        let next = match v {
            Value::Object(m) => m.get(s),
            Value::Array(a) => s.parse::<usize>().ok().and_then(|i| a.get(i)),
            _ => None,
        };
        match next {
            Some(n) => {
                v = n;
                depth += 1;
            }
            None => break,
        }
    }
    let parent = pointer_from_segments(&segments[..depth]);
    let missing = &segments[depth];
    let message = match v {
        Value::Object(_) if depth == 0 => {
            format!(
                "{label} `{}` does not resolve: the document has no `{}`",
                r.target, missing
            )
        }
        Value::Object(_) => {
            format!(
                "{label} `{}` does not resolve: `{parent}` has no entry `{missing}`",
                r.target
            )
        }
        Value::Array(a) => format!(
            "{label} `{}` does not resolve: `{parent}` has {} entries, no index `{missing}`",
            r.target,
            a.len()
        ),
        other => format!(
            "{label} `{}` does not resolve: `{parent}` is {}, not an object",
            r.target,
            describe(other)
        ),
    };
    let mut issue = Issue::error(r.pointer.clone(), message);
    if segments.first().map(String::as_str) == Some("definitions") {
        issue = issue.help("`#/definitions/...` is Swagger 2.0; in OpenAPI 3 schemas live under `#/components/schemas/...`");
    } else if let Value::Object(m) = v {
        if let Some(best) = closest(missing, m.keys()) {
            // Suggest the whole corrected pointer when it resolves.
            let mut s = segments[..depth].to_vec();
            s.push(best.clone());
            let mut full = s.clone();
            full.extend_from_slice(&segments[depth + 1..]);
            let shown = if lookup(root, &full).is_some() {
                full
            } else {
                s
            };
            issue = issue.help(format!("did you mean `{}`?", pointer_from_segments(&shown)));
        } else if depth > 0 && m.is_empty() {
            issue = issue.help(format!("`{parent}` is empty"));
        } else if depth > 0 {
            const SHOWN: usize = 8;
            let names: Vec<String> = m.keys().take(SHOWN).map(|k| format!("`{k}`")).collect();
            let more = if m.len() > SHOWN {
                format!(", … ({} in all)", m.len())
            } else {
                String::new()
            };
            issue = issue.help(format!("`{parent}` has {}{more}", names.join(", ")));
        }
    }
    issue
}

/// The key closest to `name` (case-insensitive edit distance ≤ a third of
/// its length), if any.
fn closest<'a>(name: &str, keys: impl Iterator<Item = &'a String>) -> Option<&'a String> {
    let limit = (name.chars().count() / 3).max(1);
    let lname = name.to_lowercase();
    keys.map(|k| (edit_distance(&lname, &k.to_lowercase()), k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Edit distance counting a swap of neighbours as one edit (optimal string
/// alignment), so `Dgo` is one edit from `Dog`.
fn edit_distance(a: &str, b: &str) -> usize {
    strsim::osa_distance(a, b)
}

/// Finds chains of references that come back to where they started
/// without passing through an actual object (`A: {$ref: B}`, `B: {$ref: A}`).
fn cycles(root: &Value, refs: &[RefUse]) -> Vec<Problem> {
    let mut issues = Vec::new();
    let mut reported: HashSet<Vec<String>> = HashSet::new();
    // Targets already known to end in an object (or a reported error).
    let mut settled: HashSet<String> = HashSet::new();
    for r in refs {
        let mut chain: Vec<String> = Vec::new(); // canonical pointers of ref-only objects visited
        let mut at: HashMap<String, usize> = HashMap::new(); // position of each in `chain`
        let mut target = r.target.clone();
        loop {
            if !target.starts_with("#/") {
                break;
            }
            let segments = target_segments(root, &target);
            let here = pointer_from_segments(&segments);
            if settled.contains(&here) {
                break;
            }
            let Some(Value::Object(obj)) = lookup(root, &segments) else {
                break;
            };
            let Some(Value::String(next)) = obj.get("$ref") else {
                break;
            };
            if let Some(&start) = at.get(&here) {
                let mut cycle: Vec<String> = chain[start..].to_vec();
                // Start the cycle at the reference being checked, if it is
                // part of it (document order reads best).
                let owner = r.pointer.strip_suffix("/$ref").unwrap_or(&r.pointer);
                if let Some(i) = cycle.iter().position(|p| p == owner) {
                    cycle.rotate_left(i);
                }
                let mut key = cycle.clone();
                key.sort();
                if reported.insert(key) {
                    let shown: Vec<&str> = cycle
                        .iter()
                        .map(String::as_str)
                        .chain(std::iter::once(cycle[0].as_str()))
                        .collect();
                    let pointer = format!("{}/{}", cycle[0], pointer_escape("$ref"));
                    issues.push(Problem {
                        issue: Issue::error(
                            pointer.clone(),
                            format!(
                                "$ref cycle that never reaches a definition: {}",
                                shown.join(" → ")
                            ),
                        )
                        .help("each of these is only a reference to the next; replace one of them with an actual definition"),
                        at: RefUse {
                            pointer,
                            target: next.clone(),
                            kind: r.kind,
                        },
                        found: None,
                    });
                }
                break;
            }
            at.insert(here.clone(), chain.len());
            chain.push(here);
            target = next.clone();
        }
        settled.extend(chain);
    }
    issues
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn refs_of(v: &mut Value) -> Vec<RefUse> {
        let mut w = super::super::walk::Walker::new(false);
        w.walk_root(v);
        w.refs
    }

    #[test]
    fn resolution_and_kinds() {
        let mut v = json!({
            "paths": {"/a": {"get": {
                "parameters": [{"$ref": "#/components/schemas/P"}],
                "responses": {"200": {"$ref": "#/components/responses/Ok"},
                              "404": {"$ref": "other.yaml#/components/responses/NotFound"}}
            }}},
            "components": {
                "schemas": {"P": {"type": "string"}, "Pet": {"$ref": "#/components/schemas/Pets"},
                            "E": {"$ref": "#/components/schemas/P%20Q"}, "P Q": {}},
                "responses": {"Ok": {"description": "ok"}}
            }
        });
        let refs = refs_of(&mut v);
        let issues = check(&v, &refs);
        let got: Vec<_> = issues
            .iter()
            .map(|p| &p.issue)
            .map(|i| (i.pointer.as_str(), i.message.as_str(), i.help.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "#/paths/~1a/get/parameters/0/$ref",
                    "$ref must point to a parameter, but it points to a schema (`#/components/schemas/P`)",
                    Some("parameters are defined under `#/components/parameters/<name>`")
                ),
                (
                    "#/paths/~1a/get/responses/404/$ref",
                    "external $ref `other.yaml#/components/responses/NotFound` is not supported",
                    Some("bundle the document into one file first (e.g. `npx @redocly/cli bundle in.yaml -o out.yaml`), so every reference starts with `#/`")
                ),
                (
                    "#/components/schemas/Pet/$ref",
                    "$ref `#/components/schemas/Pets` does not resolve: `#/components/schemas` has no entry `Pets`",
                    Some("did you mean `#/components/schemas/Pet`?")
                ),
            ]
        );
    }

    #[test]
    fn ref_only_cycles() {
        let mut v = json!({"components": {"schemas": {
            "A": {"$ref": "#/components/schemas/B"},
            "B": {"$ref": "#/components/schemas/A"},
            "C": {"$ref": "#/components/schemas/A"},
            "S": {"$ref": "#/components/schemas/S"},
            "Ok": {"type": "object", "properties": {"self": {"$ref": "#/components/schemas/Ok"}}}
        }}});
        let refs = refs_of(&mut v);
        let issues = check(&v, &refs);
        let got: Vec<_> = issues
            .iter()
            .map(|p| (p.issue.pointer.as_str(), p.issue.message.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "#/components/schemas/A/$ref",
                    "$ref cycle that never reaches a definition: #/components/schemas/A → #/components/schemas/B → #/components/schemas/A"
                ),
                (
                    "#/components/schemas/S/$ref",
                    "$ref cycle that never reaches a definition: #/components/schemas/S → #/components/schemas/S"
                ),
            ]
        );
    }

    #[test]
    fn edit_distance_works() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "ab"), 2);
        assert_eq!(edit_distance("dgo", "dog"), 1);
        assert_eq!(percent_decode("P%20Q").as_deref(), Some("P Q"));
    }
}
