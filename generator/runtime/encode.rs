//! OpenAPI parameter serialization (path, query and header parameters).
//!
//! Values go through `serde_json::Value`, so object members render in field
//! order when serde_json's `preserve_order` feature is on, else sorted by key.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Serialize;
use serde_json::Value;

use super::error::InvalidRequest;

/// Characters percent-encoded in path segments: everything except the
/// RFC 3986 unreserved characters `A-Za-z0-9-._~`.
pub const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// OpenAPI parameter `style`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// `form` (query default).
    Form,
    /// `spaceDelimited` (query).
    SpaceDelimited,
    /// `pipeDelimited` (query).
    PipeDelimited,
    /// `deepObject` (query).
    DeepObject,
    /// `simple` (path and header default).
    Simple,
    /// `label` (path): `.value`.
    Label,
    /// `matrix` (path): `;name=value`.
    Matrix,
}

/// A parameter declared with a JSON `content` instead of a `style`: an
/// array or object goes as its JSON text (`filter={"a":1}`, percent-encoded
/// where it lands); a scalar as its plain text, which is how servers read a
/// path segment or a query value (`kind=a`, not `kind="a"`).
pub(crate) struct JsonText<'a, T: ?Sized>(pub(crate) &'a T);

impl<T: Serialize + ?Sized> Serialize for JsonText<'_, T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match serde_json::to_value(self.0).map_err(serde::ser::Error::custom)? {
            value @ (Value::Array(_) | Value::Object(_)) => {
                serializer.serialize_str(&value.to_string())
            }
            scalar => scalar.serialize(serializer),
        }
    }
}

fn to_json<T: Serialize + ?Sized>(
    kind: &str,
    name: &str,
    value: &T,
) -> Result<Value, InvalidRequest> {
    serde_json::to_value(value)
        .map_err(|e| InvalidRequest(format!("cannot serialize {kind} parameter `{name}`: {e}")))
}

/// Renders a scalar as text: strings without quotes, numbers and booleans as
/// JSON text, `null` as empty. Arrays and objects nested inside a parameter
/// render as compact JSON.
pub fn scalar_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(_) | Value::Object(_) => value.to_string(),
    }
}

fn enc(s: &str) -> String {
    utf8_percent_encode(s, PATH_SEGMENT).to_string()
}

/// Serializes a path parameter into exactly one encoded path segment.
///
/// Renders per `style` (`Simple`, `Label` or `Matrix`; query styles are
/// treated as `Simple`) and percent-encodes every name, key and value so that
/// only RFC 3986 unreserved characters remain literal; the style's own
/// delimiters (`,` `=` `.` `;`) stay literal. Rejects values rendering as an
/// empty segment, `.` or `..`.
pub fn path_param<T: Serialize + ?Sized>(
    name: &str,
    value: &T,
    style: Style,
    explode: bool,
) -> Result<String, InvalidRequest> {
    let value = to_json("path", name, value)?;
    let items: Vec<String> = match &value {
        Value::Array(items) => items
            .iter()
            .filter(|v| !v.is_null())
            .map(|v| enc(&scalar_text(v)))
            .collect(),
        _ => Vec::new(),
    };
    let pairs: Vec<(String, String)> = match &value {
        Value::Object(map) => map
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| (enc(k), enc(&scalar_text(v))))
            .collect(),
        _ => Vec::new(),
    };
    let rendered = match style {
        Style::Label => {
            let body = match &value {
                Value::Array(_) => items.join(if explode { "." } else { "," }),
                Value::Object(_) if explode => join_pairs(&pairs, "=", "."),
                Value::Object(_) => join_pairs(&pairs, ",", ","),
                other => enc(&scalar_text(other)),
            };
            format!(".{body}")
        }
        Style::Matrix => {
            let n = enc(name);
            match &value {
                Value::Array(_) if explode => items
                    .iter()
                    .map(|v| format!(";{n}={v}"))
                    .collect::<String>(),
                Value::Array(_) => format!(";{n}={}", items.join(",")),
                Value::Object(_) if explode => pairs
                    .iter()
                    .map(|(k, v)| format!(";{k}={v}"))
                    .collect::<String>(),
                Value::Object(_) => format!(";{n}={}", join_pairs(&pairs, ",", ",")),
                Value::Null => format!(";{n}"),
                other => {
                    let v = enc(&scalar_text(other));
                    if v.is_empty() {
                        format!(";{n}")
                    } else {
                        format!(";{n}={v}")
                    }
                }
            }
        }
        _ => match &value {
            Value::Array(_) => items.join(","),
            Value::Object(_) if explode => join_pairs(&pairs, "=", ","),
            Value::Object(_) => join_pairs(&pairs, ",", ","),
            other => enc(&scalar_text(other)),
        },
    };
    let decoded = percent_decode_str(&rendered).decode_utf8_lossy();
    if rendered.is_empty() || decoded == "." || decoded == ".." {
        return Err(InvalidRequest(format!(
            "path parameter `{name}` must not be empty, `.` or `..`"
        )));
    }
    Ok(rendered)
}

/// Serializes a path parameter whose value may span several segments
/// (`x-multi-segment`: a file path, a git ref such as `heads/main`): each
/// `/`-separated segment is percent-encoded and the `/`s are kept, since
/// servers route such paths by segment and do not match an encoded `%2F`.
/// An empty value is an empty path (GitHub's `contents/` lists the root);
/// a `.` or `..` segment is refused, so a value cannot climb out of the
/// operation's path. Arrays and objects render as [`path_param`]'s simple
/// style.
pub fn path_segments<T: Serialize + ?Sized>(
    name: &str,
    value: &T,
) -> Result<String, InvalidRequest> {
    let value = to_json("path", name, value)?;
    if matches!(value, Value::Array(_) | Value::Object(_)) {
        return path_param(name, &value, Style::Simple, false);
    }
    let text = scalar_text(&value);
    let mut out = String::with_capacity(text.len());
    for (i, segment) in text.split('/').enumerate() {
        if segment == "." || segment == ".." {
            return Err(InvalidRequest(format!(
                "path parameter `{name}` must not have a `.` or `..` segment"
            )));
        }
        if i > 0 {
            out.push('/');
        }
        out.push_str(&enc(segment));
    }
    Ok(out)
}

fn join_pairs(pairs: &[(String, String)], kv_sep: &str, sep: &str) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}{kv_sep}{v}"))
        .collect::<Vec<_>>()
        .join(sep)
}

/// Appends the raw (not yet percent-encoded) `name=value` pairs of a query
/// parameter to `out`.
///
/// * `Form`: arrays repeat `name=v` when exploded, else `name=a,b`; objects
///   become `key=v` pairs when exploded, else `name=k1,v1,k2,v2`.
/// * `SpaceDelimited` / `PipeDelimited`: like `Form`, joined with ` ` / `|`
///   when not exploded.
/// * `DeepObject`: `name[key]=v`, nested objects as `name[a][b]=v`, arrays
///   inside as `name[key][]=v`.
/// * `null`, empty arrays and empty objects add nothing; `null` items and
///   members are skipped. `Simple`, `Label` and `Matrix` are treated as `Form`.
pub fn query_param<T: Serialize + ?Sized>(
    out: &mut Vec<(String, String)>,
    name: &str,
    value: &T,
    style: Style,
    explode: bool,
) -> Result<(), InvalidRequest> {
    let value = to_json("query", name, value)?;
    let delimiter = match style {
        Style::SpaceDelimited => " ",
        Style::PipeDelimited => "|",
        _ => ",",
    };
    match value {
        Value::Null => {}
        Value::Array(items) => {
            let items = items.iter().filter(|v| !v.is_null()).map(scalar_text);
            if explode {
                out.extend(items.map(|v| (name.to_owned(), v)));
            } else {
                let joined: Vec<String> = items.collect();
                if !joined.is_empty() {
                    out.push((name.to_owned(), joined.join(delimiter)));
                }
            }
        }
        Value::Object(map) => {
            if style == Style::DeepObject {
                deep_object(out, name, &Value::Object(map));
            } else if explode {
                out.extend(
                    map.iter()
                        .filter(|(_, v)| !v.is_null())
                        .map(|(k, v)| (k.clone(), scalar_text(v))),
                );
            } else {
                let parts: Vec<String> = map
                    .iter()
                    .filter(|(_, v)| !v.is_null())
                    .flat_map(|(k, v)| [k.clone(), scalar_text(v)])
                    .collect();
                if !parts.is_empty() {
                    out.push((name.to_owned(), parts.join(delimiter)));
                }
            }
        }
        scalar => out.push((name.to_owned(), scalar_text(&scalar))),
    }
    Ok(())
}

fn deep_object(out: &mut Vec<(String, String)>, prefix: &str, value: &Value) {
    match value {
        Value::Null => {}
        Value::Object(map) => {
            for (k, v) in map {
                deep_object(out, &format!("{prefix}[{k}]"), v);
            }
        }
        Value::Array(items) => {
            let key = format!("{prefix}[]");
            for item in items {
                match item {
                    Value::Null => {}
                    Value::Object(_) | Value::Array(_) => out.push((key.clone(), item.to_string())),
                    scalar => out.push((key.clone(), scalar_text(scalar))),
                }
            }
        }
        scalar => out.push((prefix.to_owned(), scalar_text(scalar))),
    }
}

/// Serializes a header parameter (`simple` style, not exploded): arrays as
/// `a,b`, objects as `k1,v1,k2,v2`, `null` as an empty string.
///
/// Rejects values with CR, LF, NUL or other characters that are not visible
/// ASCII, space or tab.
pub fn header_value<T: Serialize + ?Sized>(
    name: &str,
    value: &T,
) -> Result<String, InvalidRequest> {
    let value = to_json("header", name, value)?;
    let rendered = match &value {
        Value::Array(items) => items
            .iter()
            .filter(|v| !v.is_null())
            .map(scalar_text)
            .collect::<Vec<_>>()
            .join(","),
        Value::Object(map) => map
            .iter()
            .filter(|(_, v)| !v.is_null())
            .flat_map(|(k, v)| [k.clone(), scalar_text(v)])
            .collect::<Vec<_>>()
            .join(","),
        other => scalar_text(other),
    };
    check_header_value(name, &rendered)?;
    Ok(rendered)
}

/// Checks that `value` may be sent as the value of header `name`: only
/// visible ASCII, space and tab. The error names the header, not the value.
pub fn check_header_value(name: &str, value: &str) -> Result<(), InvalidRequest> {
    if let Some(bad) = value
        .chars()
        .find(|&c| !(c == ' ' || c == '\t' || c.is_ascii_graphic()))
    {
        let what = match bad {
            '\r' | '\n' => "a line break (CR/LF)",
            '\0' => "a NUL character",
            c if c.is_ascii_control() => "a control character",
            _ => "a non-ASCII character",
        };
        return Err(InvalidRequest(format!(
            "header `{name}` value contains {what}, which is not allowed"
        )));
    }
    Ok(())
}
