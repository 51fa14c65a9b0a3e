//! Exchanges recorded against real servers (`--part recorded`): requests
//! and responses nobody here wrote, checked against the generated client.
//!
//! `corpus/recorded/sources.tsv` pairs a spec with a directory of
//! recordings ([`recordings`]: nock's JSON, as `@octokit/fixtures` publishes
//! api.github.com's, or PyGithub's replay files). Each exchange is matched
//! to the spec's operation by method and path ([`matching`]), and the crate
//! is generated with only the matched operations (`[select]`: GitHub's
//! whole crate would take most of the CI budget to build). Three checks per
//! exchange, run by the example round-trip program: the request path the
//! client builds from the recorded parameter values is the recorded one;
//! the recorded JSON request body decodes into the operation's body type;
//! the response body decodes, as a client decodes it, into the type of its
//! status, and re-encodes equal. An outcome other than ok fails the run
//! unless `corpus/recorded/exceptions.tsv` lists it ([`verdict`]).

mod matching;
mod recordings;
mod verdict;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use clientgen::ir::{self, Operation, ParamLocation, PathPart, ResponseBody};
use serde_json::Value;

use super::cases::{rust_type, type_names, Case};
use super::directory::entries;
use super::roundtrip::PATH_CHECK;
use super::row::Row;
use crate::repo_root;
use matching::{captures, find_operation, percent_decode, response_for, spans, unprefixed};
use recordings::read_recordings;
pub(super) use verdict::{judge, report};

fn recorded_dir() -> PathBuf {
    repo_root().join("corpus").join("recorded")
}

/// One recorded request and the server's response.
#[derive(Clone, Debug)]
pub(super) struct Exchange {
    /// The recording file (relative to the recordings directory) and index.
    pub(super) origin: String,
    pub(super) method: String,
    /// The request path, without the query.
    pub(super) path: String,
    pub(super) status: u16,
    pub(super) body: Body,
    /// The path a client goes to next on its own: a redirect's `Location`,
    /// or the `Link` header's `rel="next"` page.
    pub(super) follow: Option<String>,
    /// The request's body, when it is JSON.
    pub(super) request: Option<Value>,
}

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Body {
    Empty,
    Json(Value),
    /// Text that is not JSON, or a binary body.
    Other(String),
}

/// What became of one exchange.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Disposition {
    /// Decoded by the round-trip program: index into the row's cases.
    Case(usize),
    /// Checked here: the operation declares no body for the status and
    /// none came.
    NoBody,
    /// Checked here: a body the client does not decode (text, bytes).
    Plain(&'static str),
    /// Not checked, and why (no operation, undeclared status, not JSON, …).
    Skipped(String),
}

/// A recorded row's exchanges and what was done with each.
#[derive(Default)]
pub(super) struct Recorded {
    /// `name` of `sources.tsv`.
    pub(super) name: String,
    pub(super) exchanges: Vec<Exchange>,
    /// Per exchange, the operation it matched (`METHOD /template`).
    pub(super) operations: Vec<Option<String>>,
    pub(super) dispositions: Vec<Disposition>,
    /// Per exchange, the case that builds its request path as the client
    /// would (index into the row's cases), when the client built it (not a
    /// redirect or next-page link the server gave).
    pub(super) path_cases: Vec<Option<usize>>,
    /// Per exchange, the case decoding the body the recording's client sent
    /// into the operation's request body type: whether a user of the
    /// generated client can send what that client sent.
    pub(super) request_cases: Vec<Option<usize>>,
}

/// The rows of `sources.tsv` (or of the file given), with their recordings
/// read.
pub(super) fn rows(sources: Option<&Path>) -> Result<Vec<Row>, String> {
    let path = sources.map_or_else(|| recorded_dir().join("sources.tsv"), Path::to_path_buf);
    let text =
        fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut rows = Vec::new();
    for line in entries(&text) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [name, spec, recordings, ..] = cols[..] else {
            return Err(format!(
                "{}: expected `name<TAB>spec<TAB>recordings<TAB>about`, found {line:?}",
                path.display()
            ));
        };
        // The name becomes a directory of the scratch workspace.
        let plain = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
        if name.is_empty() || !name.chars().all(plain) {
            return Err(format!(
                "{}: the name {name:?} must be letters, digits, `-` and `_`",
                path.display()
            ));
        }
        let spec = repo_root().join(spec);
        let dir = repo_root().join(recordings);
        for p in [&spec, &dir] {
            if !p.exists() {
                return Err(format!(
                    "corpus: {} is missing: install it with `npm ci --prefix corpus/apisguru` and `npm ci --prefix corpus/recorded`",
                    p.display()
                ));
            }
        }
        let exchanges = read_recordings(&dir)?;
        rows.push(Row {
            rel: format!("recorded/{name}"),
            spec,
            stem: format!("recorded-{name}"),
            recorded: Some(Box::new(Recorded {
                name: name.to_string(),
                exchanges,
                ..Recorded::default()
            })),
            ..Row::default()
        });
    }
    Ok(rows)
}

/// The case building an exchange's request path the client's way: the
/// template's literals and each parameter's recorded value (percent-
/// decoded), encoded by the runtime; `None` for a parameter style other than
/// `simple`, which the recordings' clients do not use.
fn path_case(api: &ir::Api, op: &Operation, x: &Exchange) -> Option<Case> {
    let param = |name: &str| {
        op.params
            .iter()
            .find(|p| p.name == name && p.location == ParamLocation::Path)
    };
    let candidates = unprefixed(api, &x.path);
    let multi = spans(op);
    let (path, values) = candidates
        .iter()
        .find_map(|p| Some((*p, captures(&op.path, p, &multi)?)))?;
    let mut values = values.into_iter();
    let mut parts = Vec::new();
    for part in &op.path {
        match part {
            PathPart::Literal(l) => parts.push(serde_json::json!([l])),
            PathPart::Param(name) => {
                let p = param(name)?;
                if p.style != ir::ParamStyle::Simple || p.explode || p.json_text {
                    return None;
                }
                let value = percent_decode(values.next()?)?;
                parts.push(serde_json::json!([name, value, p.multi_segment]));
            }
        }
    }
    Some(Case {
        origin: format!(
            "{} (request path of {} {})",
            x.origin,
            op.method.as_str(),
            op.path_template
        ),
        rust_type: Ok(PATH_CHECK.to_string()),
        value: serde_json::json!({"parts": parts, "path": path}),
    })
}

/// The case decoding a recorded JSON request body into the operation's
/// body type (a JSON body with a type only).
fn request_case(
    op: &Operation,
    x: &Exchange,
    v: &Value,
    names: &BTreeMap<&str, &str>,
    krate: &str,
) -> Option<Case> {
    let body = op
        .body
        .as_ref()
        .filter(|b| b.media == ir::MediaKind::Json)?;
    let ty = rust_type(body.ty.as_ref()?, names, krate).ok()?;
    Some(Case {
        origin: format!(
            "{} (request body of {} {})",
            x.origin,
            op.method.as_str(),
            op.path_template
        ),
        rust_type: Ok(ty),
        value: v.clone(),
    })
}

/// The `[select]` paths of the operations the exchanges reached.
pub(super) fn selection(api: &ir::Api, rec: &Recorded) -> Vec<String> {
    let mut paths: Vec<String> = rec
        .exchanges
        .iter()
        .filter_map(|x| find_operation(api, &x.method, &x.path))
        .map(|op| format!("{} {}", op.method.as_str(), op.path_template))
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

/// Loads and lowers the spec with only the operations the exchanges reach.
pub(super) fn lower(
    spec: &Path,
    display: &str,
    rec: &Recorded,
) -> Result<clientgen::Lowered, String> {
    let full = clientgen::lower_file(spec, display).map_err(|d| d.to_string())?;
    let paths = selection(&full.api, rec);
    if paths.is_empty() {
        return Err("no recorded exchange matches an operation of the spec".into());
    }
    let mut settings = clientgen::ApiSettings::new("api", spec);
    settings.spec_display = display.to_string();
    settings.options.select.paths = paths;
    settings.lower().map_err(|d| d.to_string())
}

/// Matches every exchange against the (selected) API: the cases for the
/// round-trip program, and each exchange's disposition.
pub(super) fn cases(api: &ir::Api, krate: &str, rec: &mut Recorded) -> Vec<Case> {
    let krate = krate.replace('-', "_");
    let names = type_names(api);
    let mut cases = Vec::new();
    rec.operations.clear();
    rec.dispositions.clear();
    rec.path_cases.clear();
    rec.request_cases.clear();
    // The operation whose client follows a redirect or a next-page link to
    // `path` in the same recording: the response there is decoded as its.
    let mut following: Option<(&str, &str, &Operation)> = None;
    for x in &rec.exchanges {
        let file = x.origin.split('#').next().unwrap_or("");
        let followed = following
            .filter(|(f, path, _)| *f == file && *path == x.path)
            .map(|(_, _, op)| op);
        let found = find_operation(api, &x.method, &x.path);
        let op = followed.or(found);
        // The client built this path (it did not follow the server to it).
        let built = match (followed, found) {
            (None, Some(op)) => path_case(api, op, x),
            _ => None,
        };
        rec.path_cases.push(built.map(|c| {
            cases.push(c);
            cases.len() - 1
        }));
        let sent = match (followed, found, &x.request) {
            (None, Some(op), Some(v)) => request_case(op, x, v, &names, &krate),
            _ => None,
        };
        rec.request_cases.push(sent.map(|c| {
            cases.push(c);
            cases.len() - 1
        }));
        following = match (op, &x.follow) {
            (Some(op), Some(next)) => Some((file, next.as_str(), op)),
            _ => None,
        };
        rec.operations
            .push(op.map(|op| format!("{} {}", op.method.as_str(), op.path_template)));
        let no_success = op.is_some_and(|op| !op.responses.iter().any(|r| r.status.is_success()));
        let disposition = match (op, &x.body) {
            (None, _) => Disposition::Skipped("no operation in the spec".into()),
            // The HTTP client follows it: the operation never sees it.
            (Some(_), _) if (300..400).contains(&x.status) && x.follow.is_some() => {
                Disposition::Plain("a redirect, which the client follows")
            }
            (Some(op), body) => match (response_for(op, x.status).map(|r| &r.body), body) {
                // With no success response declared (GitHub's tarball: only
                // its `302`), the client keeps any 2XX body as bytes.
                (None, _) if no_success && (200..300).contains(&x.status) => {
                    Disposition::Plain("kept as bytes (the operation declares no success)")
                }
                (None, _) => Disposition::Skipped(format!("status {} not declared", x.status)),
                (Some(ResponseBody::Empty), Body::Empty) => Disposition::NoBody,
                (Some(ResponseBody::Text), Body::Other(ct)) if ct.starts_with("text/") => {
                    Disposition::Plain("text, as declared")
                }
                // A status declared without content: the client keeps the
                // body as bytes, whatever it is.
                (Some(ResponseBody::Raw), Body::Json(_) | Body::Other(_)) => {
                    Disposition::Plain("kept as bytes, as declared")
                }
                (Some(ResponseBody::Json(t)), Body::Json(v)) => {
                    match rust_type(t, &names, &krate) {
                        Ok(ty) => {
                            cases.push(Case {
                                origin: format!(
                                    "{} ({} {} → {})",
                                    x.origin,
                                    op.method.as_str(),
                                    op.path_template,
                                    x.status
                                ),
                                rust_type: Ok(ty),
                                value: v.clone(),
                            });
                            Disposition::Case(cases.len() - 1)
                        }
                        Err(why) => Disposition::Skipped(format!("body {why}")),
                    }
                }
                (Some(declared), received) => Disposition::Skipped(format!(
                    "declared {}, received {}",
                    declared_text(declared),
                    received_text(received)
                )),
            },
        };
        rec.dispositions.push(disposition);
    }
    cases
}

fn declared_text(b: &ResponseBody) -> &'static str {
    match b {
        ResponseBody::Empty => "no body",
        ResponseBody::Json(_) => "a JSON body",
        ResponseBody::Text => "a text body",
        ResponseBody::Raw => "a binary body",
        ResponseBody::Events(_) => "an event stream",
    }
}

fn received_text(b: &Body) -> String {
    match b {
        Body::Empty => "none".into(),
        Body::Json(_) => "JSON".into(),
        Body::Other(what) if what.is_empty() => "a body of no content type".into(),
        Body::Other(what) => format!("`{what}`"),
    }
}
