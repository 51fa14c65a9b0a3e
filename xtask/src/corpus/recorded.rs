//! Exchanges recorded against real servers (`--part recorded`): responses
//! nobody here wrote, decoded into the generated types.
//!
//! `corpus/recorded/sources.tsv` pairs a spec with a directory of nock
//! recordings (JSON arrays of `{method, path, status, response, rawHeaders}`,
//! as `@octokit/fixtures` publishes api.github.com's). Each exchange is
//! matched to the spec's operation by method and path, and its JSON body to
//! the operation's response for the status; the crate is generated with only
//! the matched operations (`[select]`: GitHub's whole crate would take most
//! of the CI budget to build). The bodies then go through the example
//! round-trip program (decode as a client does, re-encode, compare), and an
//! outcome other than ok fails the run unless `corpus/recorded/exceptions.tsv`
//! lists it with a reason.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use clientgen::ir::{self, Operation, ParamLocation, PathPart, ResponseBody, StatusMatch};
use serde_json::Value;

use super::cases::{rust_type, type_names, Case};
use super::directory::entries;
use super::roundtrip::PATH_CHECK;
use super::row::Row;
use crate::repo_root;

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

/// Every exchange of the recordings under `dir`, in path order: nock
/// recordings (`*.json`; a directory holding `raw-fixture.json`, what the
/// server sent, has its `normalized-fixture.json`, the same with ids and
/// dates replaced, skipped) and PyGithub's replay files (`*.txt`).
pub(super) fn read_recordings(dir: &Path) -> Result<Vec<Exchange>, String> {
    let mut files = Vec::new();
    walk(dir, &mut files);
    files.sort();
    let mut out = Vec::new();
    for f in &files {
        let name = f.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name == "normalized-fixture.json" && f.with_file_name("raw-fixture.json").exists() {
            continue;
        }
        // Not UTF-8: not a recording.
        let Ok(text) = fs::read_to_string(f) else {
            continue;
        };
        let rel = f
            .strip_prefix(dir)
            .unwrap_or(f)
            .to_string_lossy()
            .replace('\\', "/");
        if name.ends_with(".txt") {
            out.extend(replay_exchanges(&text, &rel));
            continue;
        }
        let Ok(Value::Array(items)) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        for (i, item) in items.iter().enumerate() {
            if let Some(x) = exchange(item, format!("{rel}#{i}")) {
                out.push(x);
            }
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if matches!(p.extension().and_then(|e| e.to_str()), Some("json" | "txt")) {
            out.push(p);
        }
    }
}

/// One nock recording entry; `None` when it is not one.
fn exchange(item: &Value, origin: String) -> Option<Exchange> {
    let method = item["method"].as_str()?.to_ascii_uppercase();
    let full = item["path"].as_str()?;
    let status = u16::try_from(item["status"].as_u64()?).ok()?;
    let path = full.split(['?', '#']).next().unwrap_or(full).to_string();
    let content_type = header(item, "content-type")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let body = match &item["response"] {
        _ if item["responseIsBinary"] == true => Body::Other("binary".into()),
        Value::Null => Body::Empty,
        Value::String(s) if s.is_empty() => Body::Empty,
        Value::String(s) => match serde_json::from_str(s) {
            Ok(v) if is_json(&content_type) => Body::Json(v),
            _ => Body::Other(content_type),
        },
        v => Body::Json(v.clone()),
    };
    let follow = if (300..400).contains(&status) {
        header(item, "location")
    } else {
        header(item, "link").and_then(|l| next_link(&l))
    };
    let request = match &item["body"] {
        Value::String(s) => serde_json::from_str(s).ok(),
        v @ (Value::Object(_) | Value::Array(_)) => Some(v.clone()),
        _ => None,
    };
    Some(Exchange {
        origin,
        method,
        path,
        status,
        body,
        follow: follow.map(|url| url_path(&url)),
        request,
    })
}

/// The exchanges of one PyGithub replay file: per exchange eleven lines
/// (protocol, method, host, port, path and query, request headers, request
/// body, status, response headers as a Python list of pairs, response body,
/// a blank line). A file that stops fitting the form ends there (a
/// streamed body, or not a replay file at all).
fn replay_exchanges(text: &str, rel: &str) -> Vec<Exchange> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, x) in lines.chunks(11).enumerate() {
        let [protocol, method, _host, _port, full, _, input, status, headers, body, ..] = x else {
            break;
        };
        let Ok(status) = status.trim().parse::<u16>() else {
            break;
        };
        if !matches!(*protocol, "http" | "https") {
            break;
        }
        let pairs = python_pairs(headers);
        let header = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        };
        let content_type = header("content-type")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let body = if body.is_empty() {
            Body::Empty
        } else {
            match serde_json::from_str(body) {
                Ok(v) if is_json(&content_type) => Body::Json(v),
                _ => Body::Other(content_type),
            }
        };
        let follow = if (300..400).contains(&status) {
            header("location")
        } else {
            header("link").and_then(|l| next_link(&l))
        };
        let path = full.split(['?', '#']).next().unwrap_or(full).to_string();
        out.push(Exchange {
            origin: format!("{rel}#{i}"),
            method: method.to_ascii_uppercase(),
            path,
            status,
            body,
            follow: follow.map(|url| url_path(&url)),
            request: serde_json::from_str(input).ok(),
        });
    }
    out
}

/// The `('name', 'value')` pairs of a Python list's `repr`, quotes either
/// way and backslash escapes read; anything else is skipped.
fn python_pairs(text: &str) -> Vec<(String, String)> {
    let mut strings = Vec::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\'' && c != '"' {
            continue;
        }
        let mut s = String::new();
        while let Some(d) = chars.next() {
            match d {
                '\\' => s.extend(chars.next()),
                d if d == c => break,
                d => s.push(d),
            }
        }
        strings.push(s);
    }
    strings
        .chunks(2)
        .filter_map(|kv| match kv {
            [k, v] => Some((k.clone(), v.clone())),
            _ => None,
        })
        .collect()
}

/// The `rel="next"` target of a `Link` header.
fn next_link(link: &str) -> Option<String> {
    link.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let is_next = params
            .split(';')
            .any(|p| p.trim().replace(' ', "") == "rel=\"next\"");
        let url = target.trim().strip_prefix('<')?.strip_suffix('>')?;
        is_next.then(|| url.to_string())
    })
}

/// The path of a URL or of an absolute path, without the query.
fn url_path(url: &str) -> String {
    let rest = match url.split_once("://") {
        Some((_, r)) => r.find('/').map_or("/", |i| &r[i..]),
        None => url,
    };
    rest.split(['?', '#']).next().unwrap_or(rest).to_string()
}

/// Whether a body of this (lower-cased) content type is decoded as JSON by
/// the client, which reads any body it expects JSON in as JSON, also one
/// sent without a content type.
fn is_json(content_type: &str) -> bool {
    content_type.is_empty() || content_type.contains("json")
}

/// A response header of a recording (`rawHeaders`, a flat name/value list,
/// or `headers`, an object).
fn header(item: &Value, name: &str) -> Option<String> {
    if let Some(raw) = item["rawHeaders"].as_array() {
        let found = raw
            .chunks(2)
            .find(|kv| kv[0].as_str().is_some_and(|k| k.eq_ignore_ascii_case(name)));
        if let Some(v) = found.and_then(|kv| kv.get(1)).and_then(Value::as_str) {
            return Some(v.to_string());
        }
    }
    let headers = item["headers"].as_object()?;
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .and_then(|(_, v)| v.as_str())
        .map(str::to_string)
}

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
fn unprefixed<'p>(api: &ir::Api, path: &'p str) -> Vec<&'p str> {
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
fn spans(op: &Operation) -> impl Fn(&str) -> bool + '_ {
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
fn captures<'p>(
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

/// `%XX` escapes decoded; `None` when the result is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
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
fn response_for(op: &Operation, status: u16) -> Option<&ir::Response> {
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

/// One line of `corpus/recorded/exceptions.tsv`.
#[derive(Debug, PartialEq)]
pub(super) struct Exception {
    /// Text the failure must contain (it is expected only as listed).
    pub(super) failure: String,
    pub(super) why: String,
}

/// `corpus/recorded/exceptions.tsv`: `(source name, exchange origin)` →
/// the expected failure.
pub(super) fn exceptions() -> Result<BTreeMap<(String, String), Exception>, String> {
    let path = recorded_dir().join("exceptions.tsv");
    let text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    parse_exceptions(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn parse_exceptions(text: &str) -> Result<BTreeMap<(String, String), Exception>, String> {
    let mut out = BTreeMap::new();
    for line in entries(text) {
        let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
        let [name, origin, failure, why] = cols[..] else {
            return Err(format!(
                "expected `name<TAB>exchange<TAB>failure<TAB>why`, found {line:?}"
            ));
        };
        let key = (name.to_string(), origin.to_string());
        let e = Exception {
            failure: failure.to_string(),
            why: why.to_string(),
        };
        if out.insert(key, e).is_some() {
            return Err(format!("{name} {origin} is listed twice"));
        }
    }
    Ok(out)
}

/// One exchange's outcome for the report and the verdict: `Ok(note)` or
/// `Err(what failed)`; `None` when it was not checked.
fn outcome(row: &Row, rec: &Recorded, k: usize) -> Option<Result<String, String>> {
    // A request path the client would build differently, or a request body
    // its types cannot express, fails the exchange.
    for (what, cases) in [
        ("request path", &rec.path_cases),
        ("request body", &rec.request_cases),
    ] {
        if let Some(Some(i)) = cases.get(k) {
            match row.results.get(i) {
                Some(r) if r["result"] == "ok" => {}
                Some(r) => return Some(Err(format!("{what}: {}", super::report::case_failure(r)))),
                None => return Some(Err(format!("{what}: not run"))),
            }
        }
    }
    match rec.dispositions.get(k)? {
        Disposition::NoBody => Some(Ok("no body, as declared".into())),
        Disposition::Plain(what) => Some(Ok((*what).into())),
        Disposition::Skipped(_) => None,
        Disposition::Case(i) => Some(match row.results.get(i) {
            None => Err(row
                .roundtrip_error
                .clone()
                .unwrap_or_else(|| "not run".into())),
            Some(r) if r["result"] == "ok" => Ok(match r.get("normalised") {
                Some(n) => format!("decoded; re-encoded normalised: {n}"),
                None => "decoded, re-encoded equal".into(),
            }),
            Some(r) => Err(super::report::case_failure(r)),
        }),
    }
}

/// Adds the recorded rows' failures (unexpected, or listed but passing) and
/// summary lines to the verdict.
pub(super) fn judge(
    rows: &[Row],
    failures: &mut Vec<String>,
    summary: &mut Vec<String>,
) -> Result<(), String> {
    let exceptions = exceptions()?;
    let mut listed_seen = std::collections::BTreeSet::new();
    let mut names = std::collections::BTreeSet::new();
    for row in rows {
        let Some(rec) = &row.recorded else { continue };
        names.insert(rec.name.clone());
        if let Some(e) = &row.gen_error {
            failures.push(format!("recorded: {}: generate: {e}", rec.name));
            continue;
        }
        if !matches!(row.check, super::row::Check::Ok) {
            failures.push(format!("recorded: {}: {}", rec.name, row.check_cell()));
        }
        let (mut ok, mut failed, mut expected, mut skipped) = (0, 0, 0, 0);
        let sent = rec.request_cases.iter().flatten().count();
        let sent_ok = rec
            .request_cases
            .iter()
            .flatten()
            .filter(|i| row.results.get(*i).is_some_and(|r| r["result"] == "ok"))
            .count();
        let paths = rec.path_cases.iter().flatten().count();
        let paths_ok = rec
            .path_cases
            .iter()
            .flatten()
            .filter(|i| row.results.get(*i).is_some_and(|r| r["result"] == "ok"))
            .count();
        for (k, x) in rec.exchanges.iter().enumerate() {
            let key = (rec.name.clone(), x.origin.clone());
            let listed = exceptions.get(&key);
            if listed.is_some() {
                listed_seen.insert(key);
            }
            match (outcome(row, rec, k), listed) {
                (None, _) => skipped += 1,
                (Some(Ok(_)), None) => ok += 1,
                (Some(Ok(_)), Some(_)) => {
                    ok += 1;
                    failures.push(format!(
                        "recorded: {}: {} is listed in exceptions.tsv but passes: remove its line",
                        rec.name, x.origin
                    ));
                }
                (Some(Err(e)), Some(listed)) if e.contains(&listed.failure) => expected += 1,
                (Some(Err(e)), listed) => {
                    failed += 1;
                    let note = match listed {
                        Some(l) => {
                            format!(" (exceptions.tsv expects a failure with {:?})", l.failure)
                        }
                        None => String::new(),
                    };
                    failures.push(format!("recorded: {}: {}: {e}{note}", rec.name, x.origin));
                }
            }
        }
        summary.push(format!(
            "recorded exchanges ({}): {} of {} checked pass, {failed} fail, {expected} fail as listed in exceptions.tsv; {skipped} not checked (see recorded.md); {paths_ok} of {paths} request paths built as recorded; {sent_ok} of {sent} request bodies decode into the operation's body type",
            rec.name,
            ok,
            ok + failed + expected,
        ));
    }
    // Lines of the sources run here that name no exchange.
    let unseen = exceptions
        .keys()
        .filter(|k| names.contains(&k.0) && !listed_seen.contains(*k));
    for (name, origin) in unseen {
        failures.push(format!(
            "recorded: exceptions.tsv lists {name} {origin}, which no recording has: remove its line"
        ));
    }
    Ok(())
}

/// `target/corpus/recorded.md`: every exchange, its operation and outcome.
pub(super) fn report(rows: &[Row]) -> String {
    let exceptions = exceptions().unwrap_or_default();
    let mut s = String::from("# Recorded exchanges\n\nGenerated by `cargo xtask corpus --part recorded`: each exchange of the recordings, the operation it reached, and what decoding its response gave (see `xtask/src/corpus/recorded.rs`).\n\n");
    for row in rows {
        let Some(rec) = &row.recorded else { continue };
        s.push_str(&format!(
            "## {} (`{}`)\n\n| exchange | operation | status | outcome |\n|---|---|--:|---|\n",
            rec.name,
            row.spec.display()
        ));
        for (k, x) in rec.exchanges.iter().enumerate() {
            let op = rec.operations.get(k).cloned().flatten().unwrap_or_default();
            let cell = match rec.dispositions.get(k) {
                None => "not generated".to_string(),
                Some(d) => match (outcome(row, rec, k), d) {
                    (Some(Ok(note)), _) => format!("ok: {note}"),
                    (Some(Err(e)), _) => {
                        match exceptions.get(&(rec.name.clone(), x.origin.clone())) {
                            Some(l) if e.contains(&l.failure) => {
                                format!("expected failure ({}): {e}", l.why)
                            }
                            _ => format!("FAIL: {e}"),
                        }
                    }
                    (None, Disposition::Skipped(why)) => format!("not checked: {why}"),
                    (None, _) => "not checked".into(),
                },
            };
            s.push_str(&format!(
                "| {} {} `{}` | `{}` | {} | {} |\n",
                x.origin,
                x.method,
                x.path,
                op,
                x.status,
                cell.replace('|', "\\|").replace('\n', " ")
            ));
        }
        s.push('\n');
    }
    s
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
    fn exceptions_parse_and_reject_bad_lines() {
        let text = "# c\n\ngithub\ta.json#0\tdecode at `x`\told\n";
        let parsed = parse_exceptions(text).unwrap();
        let e = &parsed[&("github".to_string(), "a.json#0".to_string())];
        assert_eq!(
            (e.failure.as_str(), e.why.as_str()),
            ("decode at `x`", "old")
        );
        assert!(parse_exceptions("github\ta.json#0\n").is_err());
        assert!(parse_exceptions(&format!("{text}{text}")).is_err());
    }

    #[test]
    fn replay_files_become_exchanges() {
        let text = concat!(
            "https\nGET\napi.github.com\nNone\n/repos/a/b/issues?page=1\n{'Authorization': 'x'}\nNone\n200\n",
            "[('content-type', 'application/json; charset=utf-8'), ('link', '<https://api.github.com/repositories/3/issues?page=2>; rel=\"next\"'), ('x-note', \"it's\")]\n",
            "[{\"id\": 1}]\n\n",
            "https\nDELETE\napi.github.com\nNone\n/repos/a/b\n{}\nNone\n204\n[]\n\n\n",
            "https\nGET\napi.github.com\nNone\n/x\n{}\nNone\nnot a status\n[]\n\n\n",
        );
        let xs = replay_exchanges(text, "R.txt");
        assert_eq!(xs.len(), 2);
        assert_eq!(
            (xs[0].method.as_str(), xs[0].path.as_str(), xs[0].status),
            ("GET", "/repos/a/b/issues", 200)
        );
        assert_eq!(xs[0].body, Body::Json(serde_json::json!([{"id": 1}])));
        assert_eq!(xs[0].follow.as_deref(), Some("/repositories/3/issues"));
        assert_eq!(
            (xs[1].origin.as_str(), xs[1].body.clone()),
            ("R.txt#1", Body::Empty)
        );
        assert_eq!(
            python_pairs("[('a', 'b'), (\"c\", 'it\\'s')]"),
            vec![("a".into(), "b".into()), ("c".into(), "it's".into())]
        );
        assert!(replay_exchanges("just some text\n", "t.txt").is_empty());
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

    #[test]
    fn nock_entries_become_exchanges() {
        let item = serde_json::json!({
            "method": "get", "path": "/a?page=2", "status": 200,
            "response": "{\"x\": 1}",
            "rawHeaders": ["Content-Type", "application/json; charset=utf-8"]
        });
        let x = exchange(&item, "s#0".into()).unwrap();
        assert_eq!(
            (x.method.as_str(), x.path.as_str(), x.status),
            ("GET", "/a", 200)
        );
        assert_eq!(x.body, Body::Json(serde_json::json!({"x": 1})));
        let text = serde_json::json!({"method": "get", "path": "/b", "status": 200,
            "response": "<p>hi</p>", "headers": {"content-type": "text/html"}});
        assert_eq!(
            exchange(&text, "s#1".into()).unwrap().body,
            Body::Other("text/html".into())
        );
        let empty =
            serde_json::json!({"method": "put", "path": "/c", "status": 204, "response": ""});
        assert_eq!(exchange(&empty, "s#2".into()).unwrap().body, Body::Empty);
        assert!(exchange(&serde_json::json!({"path": "/d"}), "s#3".into()).is_none());
        let paged = serde_json::json!({"method": "get", "path": "/r/1/issues", "status": 200,
            "response": [], "rawHeaders": ["Link",
            "<https://api.x.com/repositories/1/issues?page=2>; rel=\"next\", <https://api.x.com/repositories/1/issues?page=5>; rel=\"last\""]});
        assert_eq!(
            exchange(&paged, "s#4".into()).unwrap().follow.as_deref(),
            Some("/repositories/1/issues")
        );
        let moved = serde_json::json!({"method": "get", "path": "/r/1", "status": 301,
            "response": {}, "headers": {"Location": "https://api.x.com/repositories/1"}});
        assert_eq!(
            exchange(&moved, "s#5".into()).unwrap().follow.as_deref(),
            Some("/repositories/1")
        );
    }
}
