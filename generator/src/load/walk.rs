//! One pass over the document's OpenAPI structure (never into literal values
//! such as `example`, `default`, `enum` or `x-*` extensions).
//!
//! It collects every `$ref` with its position and expected kind, checks
//! schema keywords that the openapiv3 model would reject with a vague
//! message (or silently accept while meaning nothing, like an unknown
//! `type`), warns about keys openapiv3 silently drops, records
//! operationIds, and — for OpenAPI 3.1 — rewrites schemas into the 3.0
//! model (post-order, so nested schemas are rewritten first and every
//! pointer it records is in the coordinates of the original text).

use serde_json::{Map, Value};

use super::kind::{Kind, METHODS};
use super::refs::Problem;
use super::{keywords, normalize};
use crate::diagnostic::Severity;

/// A problem found while walking, before it gets a file and position.
#[derive(Clone, Debug)]
pub(crate) struct Issue {
    pub severity: Severity,
    pub pointer: String,
    pub message: String,
    pub help: Option<String>,
    /// For a warning: what the generator does about it ("the schema is
    /// untyped"), appended to the message.
    pub consequence: Option<String>,
}

impl Issue {
    pub(crate) fn error(pointer: String, message: impl Into<String>) -> Self {
        Issue {
            severity: Severity::Error,
            pointer,
            message: message.into(),
            help: None,
            consequence: None,
        }
    }
    pub(crate) fn warning(pointer: String, message: impl Into<String>) -> Self {
        Issue {
            severity: Severity::Warning,
            pointer,
            message: message.into(),
            help: None,
            consequence: None,
        }
    }
    pub(crate) fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// A `$ref` found in the document.
#[derive(Clone, Debug)]
pub(crate) struct RefUse {
    /// Pointer of the `$ref` value itself (`.../schema/$ref`).
    pub pointer: String,
    pub target: String,
    /// What the reference must resolve to.
    pub kind: Kind,
}

pub(crate) struct Walker {
    pub v31: bool,
    /// The current JSON pointer (`#/a/b`), and where each segment starts:
    /// pushing and popping segments allocates nothing.
    ptr: String,
    marks: Vec<usize>,
    pub refs: Vec<RefUse>,
    /// References that are not even strings (repaired like unresolved ones).
    pub bad_refs: Vec<Problem>,
    pub issues: Vec<Issue>,
    /// (operationId, pointer of the operationId value), in document order.
    pub operation_ids: Vec<(String, String)>,
}

/// Deeper than this, a document is not an API description (serde's own
/// recursion limits stop well before).
const MAX_DEPTH: usize = 256;

impl Walker {
    pub(crate) fn new(v31: bool) -> Self {
        Walker {
            v31,
            ptr: String::from("#"),
            marks: Vec::new(),
            refs: Vec::new(),
            bad_refs: Vec::new(),
            issues: Vec::new(),
            operation_ids: Vec::new(),
        }
    }

    fn pointer(&self) -> String {
        self.ptr.clone()
    }

    fn pointer_to(&self, key: &str) -> String {
        let mut p = self.ptr.clone();
        push_escaped(&mut p, key);
        p
    }

    fn push(&mut self, key: &str) {
        self.marks.push(self.ptr.len());
        push_escaped(&mut self.ptr, key);
    }

    fn push_index(&mut self, i: usize) {
        use std::fmt::Write;
        self.marks.push(self.ptr.len());
        let _ = write!(self.ptr, "/{i}");
    }

    fn pop(&mut self) {
        if let Some(m) = self.marks.pop() {
            self.ptr.truncate(m);
        }
    }

    pub(crate) fn walk_root(&mut self, root: &mut Value) {
        self.walk(root, Kind::Root);
    }

    fn walk(&mut self, value: &mut Value, kind: Kind) {
        if self.marks.len() > MAX_DEPTH {
            return;
        }
        match kind {
            Kind::Map(elem) => {
                if let Value::Object(map) = value {
                    for (k, child) in map.iter_mut() {
                        self.push(k);
                        self.walk(child, elem.kind());
                        self.pop();
                    }
                }
            }
            Kind::List(elem) => {
                if let Value::Array(items) = value {
                    for (i, child) in items.iter_mut().enumerate() {
                        self.push_index(i);
                        self.walk(child, elem.kind());
                        self.pop();
                    }
                }
            }
            _ => self.walk_object(value, kind),
        }
    }

    fn walk_object(&mut self, value: &mut Value, kind: Kind) {
        if kind == Kind::Schema && self.v31 {
            if let Value::Bool(b) = value {
                // JSON Schema boolean schemas: true accepts anything, false nothing.
                *value = if *b {
                    Value::Object(Map::new())
                } else {
                    serde_json::json!({ "not": {} })
                };
                return;
            }
        }
        let Value::Object(map) = value else { return };

        if kind.is_referenceable() {
            if let Some(r) = map.get("$ref") {
                match r {
                    Value::String(target) => self.refs.push(RefUse {
                        pointer: self.pointer_to("$ref"),
                        target: target.clone(),
                        kind,
                    }),
                    other => {
                        let mut issue = Issue::error(
                            self.pointer_to("$ref"),
                            format!("`$ref` must be a string (a URI such as \"#/components/schemas/Pet\"), found {}", describe(other)),
                        );
                        issue.severity = Severity::Warning;
                        if kind == Kind::Schema {
                            if self.v31 {
                                // The keywords next to it still apply.
                                map.remove("$ref");
                                issue.consequence = Some("the reference is ignored".into());
                            } else {
                                map.clear();
                                issue.consequence = Some("the schema is untyped".into());
                            }
                            self.issues.push(issue);
                            if !self.v31 {
                                return;
                            }
                        } else {
                            let problem = Problem {
                                issue,
                                at: RefUse {
                                    pointer: self.pointer_to("$ref"),
                                    target: String::new(),
                                    kind,
                                },
                                found: None,
                            };
                            self.bad_refs.push(problem);
                            return;
                        }
                    }
                }
                // Siblings of `$ref` are ignored (3.0, and non-schema
                // references in 3.1) — except in 3.1 schemas, where they
                // apply alongside the reference.
                if !(kind == Kind::Schema && self.v31) {
                    if kind == Kind::Schema {
                        nullable_ref(map);
                    }
                    return;
                }
            }
        }

        match kind {
            Kind::Schema => {
                let issues = keywords::repair_schema(map, self.v31, &self.pointer());
                self.issues.extend(issues);
                // Discriminator mapping values are references in disguise:
                // `#/components/schemas/Cat`, or just a schema name `Cat`.
                if let Some(Value::Object(mapping)) =
                    map.get("discriminator").and_then(|d| d.get("mapping"))
                {
                    for (key, target) in mapping {
                        let Value::String(target) = target else {
                            continue;
                        };
                        let target = if target.contains(['#', '/']) {
                            target.clone()
                        } else {
                            let mut t = String::from("#/components/schemas");
                            push_escaped(&mut t, target);
                            t
                        };
                        let mut pointer = self.pointer_to("discriminator");
                        push_escaped(&mut pointer, "mapping");
                        push_escaped(&mut pointer, key);
                        self.refs.push(RefUse {
                            pointer,
                            target,
                            kind: Kind::Schema,
                        });
                    }
                }
            }
            Kind::Paths => {
                for key in map.keys() {
                    if !key.starts_with('/') && !key.starts_with("x-") {
                        self.issues.push(
                            Issue::warning(
                                self.pointer_to(key),
                                format!("path `{key}` does not start with `/`; it is ignored"),
                            )
                            .help("path templates are relative to the server URL and must start with a slash, e.g. `/pets/{id}`"),
                        );
                    }
                }
            }
            Kind::PathItem => {
                for key in map.keys() {
                    let lower = key.to_ascii_lowercase();
                    if !METHODS.contains(&key.as_str()) && METHODS.contains(&lower.as_str()) {
                        self.issues.push(Issue::warning(
                            self.pointer_to(key),
                            format!("`{key}` is not an HTTP method key (they are lower case: `{lower}`); this operation is ignored"),
                        ));
                    }
                }
            }
            Kind::Responses => {
                for key in map.keys() {
                    if key != "default" && !key.starts_with("x-") && !is_status_key(key) {
                        self.issues.push(
                            Issue::warning(
                                self.pointer_to(key),
                                format!("response key `{key}` is not an HTTP status code; this response is ignored"),
                            )
                            .help("response keys are status codes such as `200` or `404`, ranges such as `2XX`, or `default`"),
                        );
                    }
                }
            }
            Kind::Operation => {
                // Callbacks are requests the API makes, not calls a client
                // makes: never generated, so never checked (and the model
                // cannot hold a callback given as a `$ref`).
                map.remove("callbacks");
                // OpenAPI 3.1 made `responses` optional; the 3.0 model needs it.
                if self.v31 && !map.contains_key("responses") {
                    map.insert("responses".into(), Value::Object(Map::new()));
                }
                // Only operations the client calls: `paths/<path>/<method>`.
                if self.marks.len() == 3 && self.ptr.starts_with("#/paths/") {
                    if let Some(Value::String(id)) = map.get("operationId") {
                        self.operation_ids
                            .push((id.clone(), self.pointer_to("operationId")));
                    }
                }
            }
            Kind::Components => {
                map.remove("callbacks");
                map.remove("links");
            }
            // Links describe follow-up calls for documentation; the
            // generated client does not use them.
            Kind::Response => {
                map.remove("links");
                if !map.contains_key("description") {
                    let mut issue =
                        Issue::warning(self.pointer(), "missing required field `description`");
                    issue.consequence = Some("read as an empty description".into());
                    self.issues.push(issue);
                    map.insert("description".into(), Value::String(String::new()));
                }
            }
            _ => {}
        }

        let v31_schema = kind == Kind::Schema && self.v31;
        for (key, child) in map.iter_mut() {
            let Some(child_kind) = kind.child(key) else {
                continue;
            };
            if kind == Kind::Schema {
                // Boolean `additionalProperties` is part of the 3.0 model;
                // boolean `items` (3.1, with prefixItems) is handled by
                // the parent's normalization.
                if matches!(key.as_str(), "additionalProperties" | "items") && child.is_boolean() {
                    continue;
                }
            }
            self.push(key);
            self.walk(child, child_kind);
            self.pop();
        }

        if v31_schema {
            normalize::schema_31_to_30(map);
        }
    }
}

/// Appends `/` and the escaped segment.
fn push_escaped(p: &mut String, key: &str) {
    p.push('/');
    if key.contains(['~', '/']) {
        p.push_str(&key.replace('~', "~0").replace('/', "~1"));
    } else {
        p.push_str(key);
    }
}

/// Whether openapiv3 accepts `key` as a response status: three characters,
/// a number 100–999 or `<digit>XX`.
pub(crate) fn is_status_key(key: &str) -> bool {
    let b = key.as_bytes();
    if b.len() != 3 {
        return false;
    }
    if b.iter().all(u8::is_ascii_digit) {
        return b[0] != b'0';
    }
    // openapiv3 accepts any `<digit>XX`, including `0XX`.
    b[0].is_ascii_digit() && b[1].eq_ignore_ascii_case(&b'x') && b[2].eq_ignore_ascii_case(&b'x')
}

/// A short description of a JSON value, for messages: `the string "abc"`,
/// `the number 5`, `an array`, `an object`, `true`, `null`.
pub(crate) fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean `{b}`"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => {
            let shown: String = s.chars().take(60).collect();
            let ellipsis = if shown.len() < s.len() { "…" } else { "" };
            format!("the string \"{shown}{ellipsis}\"")
        }
        Value::Array(a) if a.is_empty() => "an empty array".into(),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// `nullable: true` beside a 3.0 `$ref`, whose siblings the specification
/// ignores: specs such as Airflow's mean "this type, or null". Read as the
/// 3.0 idiom `{nullable: true, allOf: [{$ref}]}`, so a `null` the server
/// sends is kept (an optional property) or accepted (a required one), not
/// dropped or refused. The other siblings stay ignored. The reference was
/// recorded at its own pointer before, so diagnostics name the source.
fn nullable_ref(map: &mut Map<String, Value>) {
    if map.get("nullable") != Some(&Value::Bool(true)) {
        return;
    }
    if let Some(r) = map.remove("$ref") {
        map.retain(|k, _| k == "nullable");
        let mut only = Map::new();
        only.insert("$ref".into(), r);
        map.insert("allOf".into(), Value::Array(vec![Value::Object(only)]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_keys() {
        for k in ["200", "404", "2XX", "5xx", "100", "999"] {
            assert!(is_status_key(k), "{k}");
        }
        for k in ["abc", "20", "2000", "099", "XX2", "default"] {
            assert!(!is_status_key(k), "{k}");
        }
    }

    #[test]
    fn collects_refs_outside_literals() {
        let mut v = serde_json::json!({
            "paths": {"/a": {"get": {
                "operationId": "op",
                "parameters": [{"$ref": "#/components/parameters/P"}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/A"},
                    "example": {"$ref": "not followed"},
                    "examples": {"e": {"value": {"$ref": "literal"}}}
                }}}}
            }}},
            "components": {"schemas": {
                "A": {"type": "object", "properties": {"example": {"$ref": "#/components/schemas/B"}},
                      "default": {"$ref": "literal"}, "x-ext": {"$ref": "literal"}},
                "B": {"enum": [{"$ref": "literal"}]}
            }}
        });
        let mut w = Walker::new(false);
        w.walk_root(&mut v);
        let refs: Vec<_> = w
            .refs
            .iter()
            .map(|r| (r.pointer.as_str(), r.target.as_str(), r.kind))
            .collect();
        assert_eq!(
            refs,
            vec![
                (
                    "#/paths/~1a/get/parameters/0/$ref",
                    "#/components/parameters/P",
                    Kind::Parameter
                ),
                (
                    "#/paths/~1a/get/responses/200/content/application~1json/schema/$ref",
                    "#/components/schemas/A",
                    Kind::Schema
                ),
                (
                    "#/components/schemas/A/properties/example/$ref",
                    "#/components/schemas/B",
                    Kind::Schema
                ),
            ]
        );
        assert!(w.issues.is_empty(), "{:?}", w.issues);
        assert_eq!(
            w.operation_ids,
            vec![("op".to_string(), "#/paths/~1a/get/operationId".to_string())]
        );
    }
}
