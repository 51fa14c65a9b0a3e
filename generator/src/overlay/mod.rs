//! OpenAPI Overlay 1.0 (the OpenAPI Initiative's Overlay Specification):
//! ordered actions, each selecting nodes of the spec with an RFC 9535
//! JSONPath `target` and either merging an `update` into them or removing
//! them. Applied to the parsed document before it is checked and typed, so
//! a vendor's spec is fixed without editing it.
//!
//! Semantics: an `update` of an object node is merged recursively (objects
//! merge key by key; any other value, arrays included, replaces what was
//! there); an `update` of an array node is appended to it; `remove: true`
//! deletes every selected node from its parent (and wins over `update`). A
//! target that selects nothing is a warning; a malformed overlay or action
//! is an error naming the overlay file, the action index and line:col.

use std::path::Path;

use jsonpath_rfc9535::{Element, JsonPath};
use serde_json::{Map, Value};

use crate::diagnostic::Diagnostic;
use crate::load::{Format, SourceText};

/// A parsed overlay document.
#[derive(Debug)]
pub struct Overlay {
    /// The file as named in messages.
    pub file: String,
    pub title: String,
    pub version: String,
    /// `extends`, as written (informational: the spec to apply to is chosen
    /// by the caller).
    pub extends: Option<String>,
    pub actions: Vec<Action>,
    source: SourceText,
}

#[derive(Debug)]
pub struct Action {
    pub target: String,
    path: JsonPath,
    pub description: Option<String>,
    pub update: Option<Value>,
    pub remove: bool,
}

impl Overlay {
    /// Reads and parses an overlay file (JSON or YAML).
    pub fn load(path: &Path) -> Result<Overlay, Diagnostic> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            Diagnostic::error(file.clone(), "#", format!("cannot read the overlay: {e}"))
        })?;
        Overlay::parse(&file, &text)
    }

    /// Parses overlay text; `file` names it in messages.
    pub fn parse(file: &str, text: &str) -> Result<Overlay, Diagnostic> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let format = Format::detect(text);
        let source = SourceText::new(text.to_string(), format);
        let value = crate::load::parse_syntax(text, format).map_err(|e| {
            let d = Diagnostic::error(
                file,
                "#",
                format!("invalid {}: {}", format.name(), e.message),
            );
            match (e.line, e.column) {
                (Some(l), Some(c)) => d.at(l, c),
                _ => d,
            }
        })?;
        let err = |pointer: &str, message: String| {
            Diagnostic::error(file, pointer, message).at_opt(source.locate_nearest(pointer))
        };
        let Value::Object(root) = value else {
            return Err(err(
                "#",
                "an overlay is an object with `overlay`, `info` and `actions`".into(),
            ));
        };
        check_keys(&root, &["overlay", "info", "extends", "actions"], "#")
            .map_err(|(p, m)| err(&p, m))?;
        match root.get("overlay") {
            Some(Value::String(v)) if v.starts_with("1.0.") || v == "1.0" => {}
            Some(Value::String(v)) => {
                return Err(err("#/overlay", format!("unsupported Overlay version `{v}`; this generator applies Overlay 1.0.x")))
            }
            _ => {
                return Err(err("#/overlay", "missing `overlay: 1.0.0` (the Overlay Specification version)".into())
                    .with_help("an OpenAPI Overlay document starts with `overlay: 1.0.0`, `info` (title, version) and `actions`"))
            }
        }
        let info = match root.get("info") {
            Some(Value::Object(info)) => info,
            _ => {
                return Err(err(
                    "#/info",
                    "missing `info` (an object with `title` and `version`)".into(),
                ))
            }
        };
        check_keys(info, &["title", "version", "description"], "#/info")
            .map_err(|(p, m)| err(&p, m))?;
        let string =
            |m: &Map<String, Value>, k: &str| m.get(k).and_then(Value::as_str).map(str::to_string);
        let (Some(title), Some(version)) = (string(info, "title"), string(info, "version")) else {
            return Err(err(
                "#/info",
                "`info` needs string `title` and `version`".into(),
            ));
        };
        let Some(Value::Array(raw_actions)) = root.get("actions") else {
            return Err(err(
                "#/actions",
                "missing `actions` (a list of actions with `target` and `update` or `remove`)"
                    .into(),
            ));
        };
        if raw_actions.is_empty() {
            return Err(err(
                "#/actions",
                "`actions` must hold at least one action".into(),
            ));
        }
        let mut actions = Vec::new();
        for (i, a) in raw_actions.iter().enumerate() {
            let at = format!("#/actions/{i}");
            let Value::Object(a) = a else {
                return Err(err(
                    &at,
                    format!("action {i} must be an object with `target` and `update` or `remove`"),
                ));
            };
            check_keys(a, &["target", "description", "update", "remove"], &at)
                .map_err(|(p, m)| err(&p, m))?;
            let Some(target) = string(a, "target") else {
                return Err(err(&at, format!("action {i} has no `target` (a JSONPath expression such as `$.paths['/pets'].get`)")));
            };
            let path = JsonPath::parse(&target).map_err(|e| {
                let why = match e {
                    // The position is a byte offset; people count characters.
                    // The crate's syntax message is always the same; the
                    // position is what helps.
                    jsonpath_rfc9535::Error::Syntax { position, .. } => {
                        let chars = target.get(..position).map_or(position, |s| s.chars().count());
                        format!("syntax error at character {}", chars + 1)
                    }
                    other => other.to_string(),
                };
                err(&format!("{at}/target"), format!("action {i}: `{target}` is not a valid JSONPath expression (RFC 9535): {why}"))
            })?;
            let remove = match a.get("remove") {
                None => false,
                Some(Value::Bool(b)) => *b,
                Some(_) => {
                    return Err(err(
                        &format!("{at}/remove"),
                        format!("action {i}: `remove` must be true or false"),
                    ))
                }
            };
            let update = a.get("update").cloned();
            if update.is_none() && !remove {
                return Err(err(
                    &at,
                    format!(
                        "action {i} has neither `update` nor `remove: true`, so it does nothing"
                    ),
                ));
            }
            actions.push(Action {
                target,
                path,
                description: string(a, "description"),
                update,
                remove,
            });
        }
        Ok(Overlay {
            file: file.to_string(),
            title,
            version,
            extends: string(&root, "extends"),
            actions,
            source,
        })
    }

    /// Applies every action in order to `doc`. Returns warnings (targets that
    /// select nothing); errors name the action that cannot apply.
    pub fn apply(&self, doc: &mut Value) -> Result<Vec<Diagnostic>, Diagnostic> {
        let mut warnings = Vec::new();
        for (i, action) in self.actions.iter().enumerate() {
            let at = format!("#/actions/{i}/target");
            let locate = |d: Diagnostic| d.at_opt(self.source.locate_nearest(&at));
            let mut pointers: Vec<Vec<Seg>> = action
                .path
                .query(doc)
                .paths()
                .map(|path| {
                    path.elements()
                        .into_iter()
                        .map(|e| match e {
                            Element::Index(n) => Seg::Index(n),
                            Element::Name(n) => Seg::Name(n.to_string()),
                        })
                        .collect()
                })
                .collect();
            if pointers.is_empty() {
                warnings.push(locate(Diagnostic::warning(
                    &self.file,
                    &at,
                    format!("action {i}: target `{}` selects nothing in the spec; the action has no effect", action.target),
                )));
                continue;
            }
            if action.remove {
                // Children before parents, later array items before earlier
                // ones, so each removal leaves the other locations valid.
                pointers.sort();
                pointers.dedup();
                for p in pointers.iter().rev() {
                    if !remove(doc, p) {
                        return Err(locate(Diagnostic::error(
                            &self.file,
                            &at,
                            format!("action {i}: cannot remove the document root"),
                        )));
                    }
                }
                continue;
            }
            let Some(update) = &action.update else {
                continue;
            };
            for p in &pointers {
                let Some(node) = get_mut(doc, p) else {
                    continue;
                };
                match node {
                    Value::Object(target) => match update {
                        Value::Object(fields) => merge(target, fields),
                        other => {
                            return Err(locate(Diagnostic::error(
                                &self.file,
                                &at,
                                format!("action {i}: the target `{}` is an object, so `update` must be an object of properties to merge, found {}", pointer_text(p), kind(other)),
                            )))
                        }
                    },
                    Value::Array(items) => items.push(update.clone()),
                    other => {
                        return Err(locate(Diagnostic::error(
                            &self.file,
                            &at,
                            format!("action {i}: `update` applies to objects and arrays, but `{}` is {}", pointer_text(p), kind(other)),
                        ).with_help("target the object holding the value and update that key instead")))
                    }
                }
            }
        }
        Ok(warnings)
    }
}

/// Applies overlays in order to a parsed spec.
pub fn apply_all(overlays: &[Overlay], doc: &mut Value) -> Result<Vec<Diagnostic>, Diagnostic> {
    let mut warnings = Vec::new();
    for o in overlays {
        warnings.extend(o.apply(doc)?);
    }
    Ok(warnings)
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Seg {
    Index(usize),
    Name(String),
}

fn pointer_text(p: &[Seg]) -> String {
    let mut out = String::from("#");
    for s in p {
        out.push('/');
        match s {
            Seg::Index(i) => out.push_str(&i.to_string()),
            Seg::Name(n) => out.push_str(&crate::diagnostic::pointer_escape(n)),
        }
    }
    out
}

fn get_mut<'a>(mut v: &'a mut Value, path: &[Seg]) -> Option<&'a mut Value> {
    for s in path {
        v = match (v, s) {
            (Value::Object(m), Seg::Name(n)) => m.get_mut(n)?,
            (Value::Array(a), Seg::Index(i)) => a.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(v)
}

/// Removes the node at `path`; false for the root.
fn remove(doc: &mut Value, path: &[Seg]) -> bool {
    let Some((last, parent)) = path.split_last() else {
        return false;
    };
    match (get_mut(doc, parent), last) {
        (Some(Value::Object(m)), Seg::Name(n)) => {
            m.shift_remove(n);
        }
        (Some(Value::Array(a)), Seg::Index(i)) if *i < a.len() => {
            a.remove(*i);
        }
        _ => {}
    }
    true
}

/// Recursive merge without recursion on depth: objects merge key by key,
/// anything else replaces. Nested objects present on both sides are queued
/// by their key path and reached again from `target`.
fn merge(target: &mut Map<String, Value>, update: &Map<String, Value>) {
    let mut work: Vec<(Vec<&str>, &Map<String, Value>)> = vec![(Vec::new(), update)];
    while let Some((path, u)) = work.pop() {
        let Some(t) = descend(target, &path) else {
            continue;
        };
        for (k, v) in u {
            match (t.get_mut(k), v) {
                (Some(Value::Object(_)), Value::Object(nested)) => {
                    let mut deeper = path.clone();
                    deeper.push(k);
                    work.push((deeper, nested));
                }
                _ => {
                    t.insert(k.clone(), v.clone());
                }
            }
        }
    }
}

fn descend<'a>(
    mut t: &'a mut Map<String, Value>,
    path: &[&str],
) -> Option<&'a mut Map<String, Value>> {
    for key in path {
        t = match t.get_mut(*key) {
            Some(Value::Object(next)) => next,
            _ => return None,
        };
    }
    Some(t)
}

/// Unknown keys (other than `x-` extensions) are errors, with the nearest
/// valid key.
fn check_keys(m: &Map<String, Value>, known: &[&str], at: &str) -> Result<(), (String, String)> {
    for k in m.keys() {
        if k.starts_with("x-") || known.contains(&k.as_str()) {
            continue;
        }
        let nearest = known
            .iter()
            .map(|c| (strsim::jaro_winkler(k, c), *c))
            .filter(|(s, _)| *s > 0.7)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, c)| format!("; did you mean `{c}`?"))
            .unwrap_or_default();
        let valid = known
            .iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", ");
        return Err((
            crate::diagnostic::pointer_join(at, k),
            format!("unknown key `{k}`{nearest} (valid: {valid}, or an `x-` extension)"),
        ));
    }
    Ok(())
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn overlay(text: &str) -> Overlay {
        Overlay::parse("fix.yaml", text).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn update_merges_appends_and_remove_deletes() {
        let mut doc = json!({
            "info": {"title": "t", "contact": {"name": "a", "email": "e"}},
            "tags": [{"name": "one"}],
            "paths": {"/a": {"get": {"x-internal": true}, "post": {}}, "/b": {"get": {}}},
        });
        let o = overlay(
            "overlay: 1.0.0\ninfo: {title: fixes, version: '1'}\nactions:\n  - target: $.info\n    update: {contact: {name: b}, version: '2'}\n  - target: $.tags\n    update: {name: two}\n  - target: $.paths.*[?@['x-internal'] == true]\n    remove: true\n  - target: \"$.paths['/b'].get\"\n    update: {operationId: getB}\n",
        );
        let warnings = o.apply(&mut doc).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            doc["info"],
            json!({"title": "t", "contact": {"name": "b", "email": "e"}, "version": "2"})
        );
        assert_eq!(doc["tags"], json!([{"name": "one"}, {"name": "two"}]));
        assert_eq!(doc["paths"]["/a"], json!({"post": {}}));
        assert_eq!(doc["paths"]["/b"]["get"]["operationId"], "getB");
    }

    #[test]
    fn removing_several_array_items_keeps_the_rest() {
        let mut doc =
            json!({"p": [{"in": "header"}, {"in": "query"}, {"in": "header"}, {"in": "path"}]});
        let o = overlay("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.p[?@.in == 'header']\n    remove: true\n");
        o.apply(&mut doc).unwrap();
        assert_eq!(doc, json!({"p": [{"in": "query"}, {"in": "path"}]}));
    }

    /// Builds an overlay whose actions are `(target, update or null for
    /// remove)`, as JSON so targets need no YAML quoting.
    fn overlay_of(actions: &[(&str, Value)]) -> Overlay {
        let actions: Vec<Value> = actions
            .iter()
            .map(|(target, update)| match update {
                Value::Null => json!({"target": target, "remove": true}),
                u => json!({"target": target, "update": u}),
            })
            .collect();
        let text =
            json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": actions});
        overlay(&text.to_string())
    }

    #[test]
    fn descendant_wildcard_filter_and_quoted_name_targets() {
        let mut doc = json!({
            "paths": {
                "/a": {
                    "get": {"x-internal": true, "responses": {"200": {"x-internal": true}}},
                    "post": {"tags": ["x"], "responses": {"200": {"x-internal": true}}},
                },
                "/b": {"get": {"tags": ["x", "y"]}},
                "/ü'\\": {"get": {}},
            },
            "tags": [{"name": "x"}, {"name": "y"}],
        });
        let o = overlay_of(&[
            // Selects a node and one of its descendants: both go, in an
            // order that keeps the other location valid.
            ("$..[?@['x-internal'] == true]", Value::Null),
            // Filter with a function: operations with more than one tag.
            (
                "$.paths.*[?length(@.tags) > 1]",
                json!({"deprecated": true}),
            ),
            ("$.tags[*]", json!({"description": "d"})),
            (
                "$.paths['/\\u00fc\\'\\\\'].get",
                json!({"operationId": "odd"}),
            ),
            ("$..tags[?search(@, '^y')]", Value::Null),
        ]);
        let warnings = o.apply(&mut doc).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            doc,
            json!({
                "paths": {
                    "/a": {"post": {"tags": ["x"], "responses": {}}},
                    "/b": {"get": {"tags": ["x"], "deprecated": true}},
                    "/ü'\\": {"get": {"operationId": "odd"}},
                },
                "tags": [{"name": "x", "description": "d"}, {"name": "y", "description": "d"}],
            })
        );
    }

    #[test]
    fn hostile_targets_parse_quickly_or_are_rejected() {
        // Nested filters (exponential in some JSONPath parsers).
        let nested = format!("$[?{}@.a{}]", "@[?".repeat(30), "]".repeat(30));
        let o = overlay_of(&[(&nested, Value::Null)]);
        let w = o.apply(&mut json!({"a": 1})).unwrap();
        assert_eq!(w.len(), 1, "selects nothing: {w:?}");
        // Nesting deep enough to overflow a recursive parser's stack.
        let deep = format!("$[?{}@.a{}]", "(".repeat(100_000), ")".repeat(100_000));
        let text = json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": [{"target": deep, "remove": true}]});
        let e = Overlay::parse("fix.json", &text.to_string()).unwrap_err();
        assert!(e.to_string().contains("nesting"), "{e}");
    }

    #[test]
    fn syntax_error_positions_count_characters() {
        let text = json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": [{"target": "$.ü.[", "remove": true}]});
        let e = Overlay::parse("fix.json", &text.to_string()).unwrap_err();
        // The error is at byte 4, the fourth character (`ü` takes two bytes).
        assert!(
            e.to_string()
                .ends_with("`$.ü.[` is not a valid JSONPath expression (RFC 9535): syntax error at character 4"),
            "{e}"
        );
    }

    #[test]
    fn a_target_selecting_nothing_is_a_warning() {
        let mut doc = json!({"paths": {}});
        let o = overlay("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.paths['/nope']\n    remove: true\n");
        let w = o.apply(&mut doc).unwrap();
        assert_eq!(
            w[0].to_string(),
            "warning: fix.yaml:4:13: at #/actions/0/target: action 0: target `$.paths['/nope']` selects nothing in the spec; the action has no effect"
        );
    }

    #[test]
    fn errors_name_the_file_action_and_position() {
        let e = Overlay::parse("fix.yaml", "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.paths[\n    remove: true\n").unwrap_err();
        assert!(e.to_string().starts_with("error: fix.yaml:4:13: at #/actions/0/target: action 0: `$.paths[` is not a valid JSONPath expression"), "{e}");
        let e = Overlay::parse("fix.yaml", "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.a\n    updte: {}\n").unwrap_err();
        assert!(e.to_string().starts_with("error: fix.yaml:5:12: at #/actions/0/updte: unknown key `updte`; did you mean `update`?"), "{e}");
        let e = Overlay::parse("fix.yaml", "openapi: 3.0.0\n").unwrap_err();
        assert!(e.to_string().contains("unknown key `openapi`"), "{e}");
        let e = Overlay::parse(
            "fix.yaml",
            "overlay: 2.0.0\ninfo: {title: t, version: '1'}\nactions: []\n",
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .contains("unsupported Overlay version `2.0.0`"),
            "{e}"
        );
        let mut doc = json!({"info": {"title": "x"}});
        let o = overlay("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.info.title\n    update: y\n");
        let e = o.apply(&mut doc).unwrap_err();
        assert!(e.to_string().starts_with("error: fix.yaml:4:13: at #/actions/0/target: action 0: `update` applies to objects and arrays, but `#/info/title` is a string"), "{e}");
    }

    #[test]
    fn never_panics_on_truncated_or_odd_overlays() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/config/paragon.overlay.yaml"
        ))
        .unwrap();
        let spec = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../specs/paragon-actionkit.yaml"
        ))
        .unwrap();
        let doc = crate::load::parse_syntax(&spec, Format::Yaml).unwrap();
        for (i, _) in text.char_indices() {
            if let Ok(o) = Overlay::parse("cut.yaml", &text[..i]) {
                let _ = o.apply(&mut doc.clone());
            }
        }
        for odd in [
            "",
            "[]",
            "null",
            "overlay: 1.0.0",
            "overlay: 1.0.0\ninfo: 5\nactions: 5",
            "overlay: 1.0.0\ninfo: {title: t, version: v}\nactions: [5, {target: 5}]",
            "overlay: 1.0.0\ninfo: {title: t, version: v}\nactions: [{target: '$', remove: true}]",
        ] {
            if let Ok(o) = Overlay::parse("odd.yaml", odd) {
                let _ = o.apply(&mut doc.clone());
            }
        }
        let o = Overlay::parse(
            "root.yaml",
            "overlay: 1.0.0\ninfo: {title: t, version: v}\nactions: [{target: '$', remove: true}]",
        )
        .unwrap();
        assert!(o
            .apply(&mut doc.clone())
            .unwrap_err()
            .to_string()
            .contains("cannot remove the document root"));
    }

    #[test]
    fn deep_updates_do_not_recurse() {
        let mut update = json!({"leaf": 1});
        let mut existing = json!({"leaf": 0});
        for _ in 0..100 {
            update = json!({"a": update});
            existing = json!({"a": existing, "b": true});
        }
        let (Value::Object(mut t), Value::Object(u)) = (existing, update) else {
            unreachable!()
        };
        merge(&mut t, &u);
        let mut v = &Value::Object(t);
        for _ in 0..100 {
            assert_eq!(v["b"], true);
            v = &v["a"];
        }
        assert_eq!(v["leaf"], 1);
    }
}
