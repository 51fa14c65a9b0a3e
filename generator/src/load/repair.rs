//! Local degradation: a defect confined to one schema, parameter, response
//! or operation becomes a warning, and that place falls back (an untyped
//! schema, a skipped parameter, a raw response body, a skipped operation)
//! while the rest of the document is used as written.
//!
//! Repairs are edits of the JSON tree, made before the typed model sees it.
//! Entries of lists are replaced rather than removed, so the pointers of
//! later entries stay those of the text.

use serde_json::{json, Value};

use super::kind::Kind;
use super::refs::Problem;
use super::typed::{self, TypedError};
use super::walk::Issue;
use crate::diagnostic::{pointer_from_segments, pointer_segments, Severity};

/// Marks an operation or parameter that loading replaced; lowering skips
/// it. The value is the reason, for the generated docs.
pub const SKIPPED: &str = "x-clientgen-skipped";

/// What happens to the object at a pointer.
#[derive(Debug)]
pub(crate) enum Repair {
    /// A schema that cannot be typed becomes `{}` (an untyped value),
    /// keeping its description.
    Untype,
    /// A schema `$ref` is pointed at the schema inside what it named.
    Retarget(String),
    /// The object is replaced by this value.
    Replace(Value),
    /// The entry is removed (in a list: replaced by a skipped placeholder).
    Remove,
}

#[derive(Debug)]
pub(crate) struct Action {
    /// The object repaired (not its `$ref`).
    pub pointer: String,
    pub kind: Kind,
    pub repair: Repair,
}

/// The object that holds a `$ref` at `ref_pointer`.
fn owner(ref_pointer: &str) -> String {
    ref_pointer
        .strip_suffix("/$ref")
        .unwrap_or(ref_pointer)
        .to_string()
}

/// Turns an issue worded as an error into the warning of its repair.
fn warning(mut issue: Issue, consequence: &str) -> Issue {
    issue.severity = Severity::Warning;
    issue.consequence = Some(consequence.to_string());
    issue
}

fn lookup<'a>(root: &'a Value, segments: &[String]) -> Option<&'a Value> {
    segments.iter().try_fold(root, |v, s| match v {
        Value::Object(m) => m.get(s),
        Value::Array(a) => a.get(s.parse::<usize>().ok()?),
        _ => None,
    })
}

/// The schema inside a parameter, header, response, request body or media
/// type (JSON content first), as a pointer.
fn schema_inside(root: &Value, kind: Kind, segments: &[String]) -> Option<String> {
    let target = lookup(root, segments)?;
    let mut path = segments.to_vec();
    match kind {
        Kind::MediaType => {}
        Kind::Parameter | Kind::Header if target.get("schema").is_some() => {}
        Kind::Parameter | Kind::Header | Kind::Response | Kind::RequestBody => {
            let content = target.get("content")?.as_object()?;
            let media = content
                .keys()
                .find(|k| k.contains("json"))
                .or_else(|| content.keys().next())?;
            path.push("content".into());
            path.push(media.clone());
        }
        _ => return None,
    }
    path.push("schema".into());
    lookup(root, &path)?;
    Some(pointer_from_segments(&path))
}

/// The warning and repair for a reference that cannot be used.
pub(crate) fn for_reference(root: &Value, p: Problem) -> (Issue, Action) {
    let Problem { issue, at, found } = p;
    let pointer = owner(&at.pointer);
    if at.pointer.contains("/discriminator/mapping/") {
        let action = Action {
            pointer: at.pointer.clone(),
            kind: Kind::Schema,
            repair: Repair::Remove,
        };
        return (warning(issue, "the mapping entry is ignored"), action);
    }
    let (consequence, repair) = match (at.kind, &found) {
        (Kind::Schema, Some((k, segments))) => match schema_inside(root, *k, segments) {
            Some(inner) => (
                format!("using the schema inside it (`{inner}`)"),
                Repair::Retarget(inner),
            ),
            None => ("the schema is untyped".into(), Repair::Untype),
        },
        (Kind::Schema, None) => ("the schema is untyped".into(), Repair::Untype),
        (Kind::Response, Some((Kind::Schema, _))) => (
            "read as a JSON response with that schema".into(),
            Repair::Replace(
                json!({"description": "", "content": {"application/json": {"schema": {"$ref": at.target}}}}),
            ),
        ),
        (Kind::Response, _) => (
            "the response body is returned raw".into(),
            Repair::Replace(json!({"description": ""})),
        ),
        (Kind::RequestBody, Some((Kind::Schema, _))) => (
            "read as a JSON request body with that schema".into(),
            Repair::Replace(
                json!({"content": {"application/json": {"schema": {"$ref": at.target}}}}),
            ),
        ),
        (Kind::RequestBody, _) => ("the operation sends no body".into(), Repair::Remove),
        (Kind::Parameter, _) => ("the parameter is skipped".into(), Repair::Remove),
        (Kind::PathItem, _) => ("the path is skipped".into(), Repair::Remove),
        _ => ("it is ignored".into(), Repair::Remove),
    };
    let action = Action {
        pointer,
        kind: at.kind,
        repair,
    };
    (warning(issue, &consequence), action)
}

/// Applies one repair; `reason` goes into skipped placeholders.
pub(crate) fn apply(root: &mut Value, action: &Action, reason: &str) {
    let mut segments = pointer_segments(&action.pointer);
    let Some(last) = segments.pop() else { return };
    let Some(parent) = lookup_mut(root, &segments) else {
        return;
    };
    let replacement = match &action.repair {
        Repair::Remove => match action.kind {
            // Entries keep their place: placeholders lowering skips.
            Kind::Parameter => json!({"name": "", "in": "query", "schema": {}, SKIPPED: reason}),
            Kind::Operation => json!({"responses": {}, SKIPPED: reason}),
            _ => {
                match parent {
                    Value::Object(m) => {
                        m.shift_remove(&last);
                    }
                    Value::Array(a) => {
                        if let Some(slot) = last.parse::<usize>().ok().and_then(|i| a.get_mut(i)) {
                            *slot = json!({});
                        }
                    }
                    _ => {}
                }
                return;
            }
        },
        Repair::Retarget(target) => json!({ "$ref": target }),
        Repair::Replace(v) => v.clone(),
        Repair::Untype => json!({}),
    };
    let slot = match parent {
        Value::Object(m) => m.get_mut(&last),
        Value::Array(a) => last.parse::<usize>().ok().and_then(|i| a.get_mut(i)),
        _ => None,
    };
    let Some(slot) = slot else { return };
    let mut replacement = replacement;
    if let (Repair::Untype, Value::Object(kept)) = (&action.repair, &mut replacement) {
        for k in ["description", "title"] {
            if let Some(v @ Value::String(_)) = slot.get(k) {
                kept.insert(k.into(), v.clone());
            }
        }
    }
    *slot = replacement;
}

fn lookup_mut<'a>(root: &'a mut Value, segments: &[String]) -> Option<&'a mut Value> {
    let mut v = root;
    for s in segments {
        v = match v {
            Value::Object(m) => m.get_mut(s)?,
            Value::Array(a) => a.get_mut(s.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(v)
}

/// The innermost place along `segments` that can fall back on its own,
/// and how. `None` when the defect is in the document's frame (`info`,
/// `paths` itself, `components` itself).
fn fallback(segments: &[String]) -> Option<(usize, Kind, Repair, &'static str)> {
    for end in (1..=segments.len()).rev() {
        let Some(kind) = Kind::at(&segments[..end]) else {
            continue;
        };
        let (repair, what) = match kind {
            Kind::Schema => (Repair::Untype, "the schema is untyped"),
            Kind::Parameter => (Repair::Remove, "the parameter is skipped"),
            Kind::Response => (
                Repair::Replace(json!({"description": ""})),
                "the response body is returned raw",
            ),
            Kind::RequestBody => (Repair::Remove, "the operation sends no body"),
            Kind::Operation => (Repair::Remove, "the operation is skipped"),
            Kind::PathItem => (Repair::Remove, "the path is skipped"),
            Kind::Header
            | Kind::MediaType
            | Kind::Encoding
            | Kind::Example
            | Kind::Link
            | Kind::Callback => (Repair::Remove, "it is ignored"),
            Kind::SecurityScheme => (Repair::Remove, "the security scheme is ignored"),
            _ => continue,
        };
        return Some((end, kind, repair, what));
    }
    None
}

/// The units a document is repaired by: every path item and every
/// component, each deserialized on its own.
fn units(root: &Value) -> Vec<(Vec<String>, Kind)> {
    let mut out = Vec::new();
    if let Some(Value::Object(paths)) = root.get("paths") {
        for key in paths.keys().filter(|k| k.starts_with('/')) {
            out.push((vec!["paths".to_string(), key.clone()], Kind::PathItem));
        }
    }
    if let Some(Value::Object(components)) = root.get("components") {
        for (section, entries) in components {
            let Some(Kind::Map(elem)) = Kind::Components.child(section) else {
                continue;
            };
            let Value::Object(entries) = entries else {
                continue;
            };
            for name in entries.keys() {
                out.push((
                    vec!["components".to_string(), section.clone(), name.clone()],
                    elem.kind(),
                ));
            }
        }
    }
    out
}

/// Deserializes the document; when the model rejects it, repairs every
/// unit it rejects, one defect at a time, and tries again. Returns the
/// warnings of the repairs with the result.
pub(crate) fn to_openapi(root: &mut Value) -> (Result<openapiv3::OpenAPI, TypedError>, Vec<Issue>) {
    let first = match typed::to_openapi(root) {
        Ok(spec) => return (Ok(spec), Vec::new()),
        Err(e) => e,
    };
    let mut issues = Vec::new();
    for (unit, kind) in units(root) {
        // Each repair replaces or removes something containing the defect,
        // so this ends; the bound is a backstop.
        for _ in 0..1000 {
            let Some(value) = lookup(root, &unit) else {
                break;
            };
            let Some(err) = typed::try_kind(kind, value) else {
                break;
            };
            let mut segments = unit.clone();
            segments.extend(err.segments);
            let (pointer, message, help) = typed::explain(
                root,
                TypedError {
                    segments,
                    message: err.message,
                },
            );
            let segments = pointer_segments(&pointer);
            let (end, kind, repair, what) = match fallback(&segments) {
                Some(f) if f.0 >= unit.len() => f,
                _ => (unit.len(), kind, Repair::Remove, "it is ignored"),
            };
            let mut issue = Issue::warning(pointer, message);
            issue.help = help;
            issue.consequence = Some(what.to_string());
            let action = Action {
                pointer: pointer_from_segments(&segments[..end]),
                kind,
                repair,
            };
            apply(root, &action, &issue.message);
            issues.push(issue);
        }
    }
    if issues.is_empty() {
        return (Err(first), issues);
    }
    (typed::to_openapi(root), issues)
}

/// Whether repairs left anything to generate: an operation not skipped, or
/// a component schema.
pub(crate) fn anything_usable(spec: &openapiv3::OpenAPI) -> bool {
    let schemas = spec
        .components
        .as_ref()
        .is_some_and(|c| !c.schemas.is_empty());
    let operation = spec.paths.paths.values().any(|item| match item {
        openapiv3::ReferenceOr::Item(item) => item
            .iter()
            .any(|(_, op)| !op.extensions.contains_key(SKIPPED)),
        openapiv3::ReferenceOr::Reference { .. } => true,
    });
    schemas || operation
}
