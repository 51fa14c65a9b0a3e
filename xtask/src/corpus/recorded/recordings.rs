//! Reading recordings: nock's JSON (Octokit's fixtures), betamax cassettes
//! (github3.py's) and PyGithub's replay files, as [`Exchange`]s.

use std::fs;
use std::path::Path;

use serde_json::Value;

use super::{Body, Exchange};

/// Every exchange of the recordings under `dir`, in path order: nock
/// recordings (`*.json` arrays; a directory holding `raw-fixture.json`, what
/// the server sent, has its `normalized-fixture.json`, the same with ids and
/// dates replaced, skipped), betamax cassettes (`*.json` objects with
/// `http_interactions`) and PyGithub's replay files (`*.txt`).
pub(super) fn read_recordings(dir: &Path) -> Result<Vec<Exchange>, String> {
    let files = super::super::discover::files_under(dir, &["json", "txt"]);
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
        let items = match serde_json::from_str::<Value>(&text) {
            Ok(Value::Array(items)) => items,
            Ok(cassette) => {
                let interactions = cassette["http_interactions"].as_array();
                for (i, it) in interactions.into_iter().flatten().enumerate() {
                    out.extend(interaction(it, format!("{rel}#{i}")));
                }
                continue;
            }
            Err(_) => continue,
        };
        for (i, item) in items.iter().enumerate() {
            if let Some(x) = exchange(item, format!("{rel}#{i}")) {
                out.push(x);
            }
        }
    }
    Ok(out)
}

/// One nock recording entry; `None` when it is not one.
fn exchange(item: &Value, origin: String) -> Option<Exchange> {
    let method = item["method"].as_str()?.to_ascii_uppercase();
    let full = item["path"].as_str()?;
    let status = u16::try_from(item["status"].as_u64()?).ok()?;
    let content_type = header(item, "content-type").unwrap_or_default();
    let body = match &item["response"] {
        _ if item["responseIsBinary"] == true => Body::Other("binary".into()),
        Value::Null => Body::Empty,
        Value::String(s) => classify(s, &content_type),
        v => Body::Json(v.clone()),
    };
    let request = match &item["body"] {
        Value::String(s) => serde_json::from_str(s).ok(),
        v @ (Value::Object(_) | Value::Array(_)) => Some(v.clone()),
        _ => None,
    };
    Some(Exchange {
        origin,
        method,
        path: url_path(full),
        status,
        body,
        follow: follow(status, |name| header(item, name)),
        request,
    })
}

/// A response body as the client reads it: nothing, JSON (when the content
/// type allows), or something it does not decode.
fn classify(text: &str, content_type: &str) -> Body {
    let content_type = content_type.to_ascii_lowercase();
    if text.is_empty() {
        return Body::Empty;
    }
    match serde_json::from_str(text) {
        Ok(v) if is_json(&content_type) => Body::Json(v),
        _ => Body::Other(content_type),
    }
}

/// Where the client goes next on its own: a redirect's `Location`, or the
/// `Link` header's `rel="next"` page (as a path).
fn follow(status: u16, header: impl Fn(&str) -> Option<String>) -> Option<String> {
    let url = if (300..400).contains(&status) {
        header("location")
    } else {
        header("link").and_then(|l| next_link(&l))
    };
    url.map(|u| url_path(&u))
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
        out.push(Exchange {
            origin: format!("{rel}#{i}"),
            method: method.to_ascii_uppercase(),
            path: url_path(full),
            status,
            body: classify(body, &header("content-type").unwrap_or_default()),
            follow: follow(status, header),
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

/// One betamax interaction (`request`: method, uri, body; `response`:
/// status, headers, body as `string` or `base64_string`, gzip-compressed
/// when `Content-Encoding` says so); `None` when it is not one.
fn interaction(it: &Value, origin: String) -> Option<Exchange> {
    let (request, response) = (&it["request"], &it["response"]);
    let method = request["method"].as_str()?.to_ascii_uppercase();
    let status = u16::try_from(response["status"]["code"].as_u64()?).ok()?;
    let path = url_path(request["uri"].as_str()?);
    let headers = &response["headers"];
    let text = |body: &Value, headers: &Value| -> Option<String> {
        let gzip = header_in(headers, "content-encoding").is_some_and(|e| e.contains("gzip"));
        let bytes = match body["base64_string"].as_str().filter(|s| !s.is_empty()) {
            Some(b64) => {
                use base64::Engine as _;
                // Betamax wraps long base64 lines.
                let clean: String = b64.chars().filter(|c| !c.is_whitespace()).collect();
                base64::engine::general_purpose::STANDARD
                    .decode(clean)
                    .ok()?
            }
            None => body["string"].as_str().unwrap_or("").as_bytes().to_vec(),
        };
        let bytes = if gzip {
            let mut out = Vec::new();
            std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut out)
                .ok()?;
            out
        } else {
            bytes
        };
        String::from_utf8(bytes).ok()
    };
    let content_type = header_in(headers, "content-type").unwrap_or_default();
    let body = match text(&response["body"], headers) {
        None => Body::Other("binary".into()),
        Some(t) => classify(&t, &content_type),
    };
    let request =
        text(&request["body"], &request["headers"]).and_then(|t| serde_json::from_str(&t).ok());
    Some(Exchange {
        origin,
        method,
        path,
        status,
        body,
        follow: follow(status, |name| header_in(headers, name)),
        request,
    })
}

/// A header of a headers object whose values are strings or lists of them
/// (betamax, nock's `headers`).
fn header_in(headers: &Value, name: &str) -> Option<String> {
    let (_, v) = headers
        .as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))?;
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Array(list) => list.first().and_then(Value::as_str).map(str::to_string),
        _ => None,
    }
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
    header_in(&item["headers"], name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A betamax interaction with a gzip-compressed, base64 body (how
    /// github3.py's cassettes keep GitHub's responses) and a plain one.
    #[test]
    fn betamax_interactions_become_exchanges() {
        use base64::Engine as _;
        use std::io::Write as _;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(br#"{"login": "octocat"}"#).unwrap();
        let b64 = base64::engine::general_purpose::STANDARD.encode(gz.finish().unwrap());
        let wrapped = format!("{}\n{}", &b64[..10], &b64[10..]);
        let it = serde_json::json!({
            "request": {"method": "PATCH", "uri": "https://api.github.com/user?x=1",
                "body": {"encoding": "utf-8", "string": "{\"bio\": \"hi\"}"}, "headers": {}},
            "response": {"status": {"code": 200},
                "headers": {"Content-Encoding": ["gzip"], "Content-Type": "application/json; charset=utf-8"},
                "body": {"encoding": "utf-8", "base64_string": wrapped, "string": ""}}
        });
        let x = interaction(&it, "c.json#0".into()).unwrap();
        assert_eq!(
            (x.method.as_str(), x.path.as_str(), x.status),
            ("PATCH", "/user", 200)
        );
        assert_eq!(x.body, Body::Json(serde_json::json!({"login": "octocat"})));
        assert_eq!(x.request, Some(serde_json::json!({"bio": "hi"})));
        let empty = serde_json::json!({
            "request": {"method": "DELETE", "uri": "https://api.github.com/gists/1", "body": {"string": ""}},
            "response": {"status": {"code": 204}, "headers": {}, "body": {"string": ""}}
        });
        assert_eq!(
            interaction(&empty, "c.json#1".into()).unwrap().body,
            Body::Empty
        );
        assert!(interaction(&serde_json::json!({"request": {}}), "c.json#2".into()).is_none());
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
