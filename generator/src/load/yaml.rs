//! YAML text → `serde_json::Value`, from yaml-rust2's event stream.
//!
//! One iterative pass (an explicit stack, no recursion on nesting): plain
//! scalars are resolved by the YAML 1.2 core schema (`null`, `true`, `12`,
//! `0x1f`, `1.5e3`, `.inf`; everything else is a string), aliases are
//! expanded by copying the anchored value, `<<` merge keys are applied, and
//! duplicate keys are errors that name the key's pointer and position.
//!
//! Bounds keep hostile input cheap: nesting deeper than [`MAX_DEPTH`] and
//! alias expansion beyond [`MAX_ALIAS_NODES`] copied nodes are errors.

use std::collections::HashMap;

use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::parse::{SyntaxError, MAX_DEPTH};
use crate::diagnostic::pointer_from_segments;

/// Nodes that alias expansion may copy in one document ("billion laughs"
/// documents expand exponentially; real specs copy a few thousand).
const MAX_ALIAS_NODES: usize = 2_000_000;

/// A value with its size and height, as kept for anchors.
struct Anchored {
    value: Value,
    /// The scalar's text, for an alias used as a mapping key.
    text: Option<String>,
    nodes: usize,
    height: usize,
}

enum Frame {
    Seq {
        items: Vec<Value>,
        start: Marker,
        anchor: usize,
        nodes: usize,
        height: usize,
    },
    Map {
        map: Map<String, Value>,
        start: Marker,
        /// The key waiting for its value, with its position.
        key: Option<(String, Marker)>,
        merges: Vec<(Value, Marker)>,
        anchor: usize,
        nodes: usize,
        height: usize,
    },
}

/// 1-based (line, column) of a marker.
fn pos(m: &Marker) -> (usize, usize) {
    // yaml-rust2 lines are 1-based, columns 0-based.
    (m.line(), m.col() + 1)
}

fn error_at(m: &Marker, message: impl Into<String>) -> SyntaxError {
    let (line, column) = pos(m);
    SyntaxError {
        message: message.into(),
        line: Some(line),
        column: Some(column),
        pointer: None,
    }
}

struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Anchored>,
    alias_nodes: usize,
    root: Option<Value>,
}

impl Builder {
    /// The pointer segments of the open containers (for messages).
    fn segments(&self) -> Vec<String> {
        let mut out = Vec::with_capacity(self.stack.len());
        for (i, frame) in self.stack.iter().enumerate() {
            let is_last = i + 1 == self.stack.len();
            match frame {
                Frame::Seq { items, .. } if !is_last => out.push(items.len().to_string()),
                Frame::Map {
                    key: Some((k, _)), ..
                } if !is_last => out.push(k.clone()),
                _ => {}
            }
        }
        out
    }

    fn depth(&self) -> usize {
        self.stack.len()
    }

    /// Attaches a finished node to the open container (or makes it the
    /// document). `text` is the scalar's text, if the node is a scalar.
    fn finish(
        &mut self,
        value: Value,
        text: Option<String>,
        nodes: usize,
        height: usize,
        mark: &Marker,
    ) -> Result<(), SyntaxError> {
        let duplicate = match self.stack.last_mut() {
            None => {
                self.root = Some(value);
                return Ok(());
            }
            Some(Frame::Seq {
                items,
                nodes: n,
                height: h,
                ..
            }) => {
                items.push(value);
                *n += nodes;
                *h = (*h).max(height + 1);
                return Ok(());
            }
            Some(Frame::Map {
                key,
                map,
                merges,
                nodes: n,
                height: h,
                ..
            }) => {
                let Some((k, kmark)) = key.take() else {
                    // This node is a key.
                    let Some(text) = text else {
                        return Err(error_at(
                            mark,
                            "a mapping key must be a scalar (complex keys such as `? [a, b]` have no JSON form)",
                        ));
                    };
                    *key = Some((text, *mark));
                    return Ok(());
                };
                *n += nodes;
                *h = (*h).max(height + 1);
                if k == "<<" {
                    merges.push((value, kmark));
                    return Ok(());
                }
                if map.contains_key(&k) {
                    (k, kmark)
                } else {
                    map.insert(k, value);
                    return Ok(());
                }
            }
        };
        let (key, kmark) = duplicate;
        let mut segments = self.segments();
        segments.push(key.clone());
        let mut err = error_at(
            &kmark,
            format!("duplicate key `{key}` (keys in a YAML mapping must be unique)"),
        );
        err.pointer = Some(pointer_from_segments(&segments));
        Err(err)
    }

    fn open(&mut self, frame: Frame, mark: &Marker) -> Result<(), SyntaxError> {
        if self.depth() >= MAX_DEPTH {
            return Err(too_deep(mark));
        }
        self.stack.push(frame);
        Ok(())
    }

    /// Closes the innermost container; returns its anchor and contents.
    fn close(&mut self, mark: &Marker) -> Result<(), SyntaxError> {
        let Some(frame) = self.stack.pop() else {
            return Err(error_at(mark, "unbalanced YAML structure"));
        };
        let (value, anchor, nodes, height) = match frame {
            Frame::Seq {
                items,
                anchor,
                nodes,
                height,
                ..
            } => (Value::Array(items), anchor, nodes, height),
            Frame::Map {
                mut map,
                merges,
                anchor,
                nodes,
                height,
                ..
            } => {
                apply_merges(&mut map, merges)?;
                (Value::Object(map), anchor, nodes, height)
            }
        };
        if anchor != 0 {
            self.anchors.insert(
                anchor,
                Anchored {
                    value: value.clone(),
                    text: None,
                    nodes,
                    height,
                },
            );
        }
        self.finish(value, None, nodes, height, mark)
    }

    fn alias(&mut self, id: usize, mark: &Marker) -> Result<(), SyntaxError> {
        let Some(a) = self.anchors.get(&id) else {
            return Err(error_at(
                mark,
                "unknown anchor (an alias must follow its anchor's complete node)",
            ));
        };
        if self.depth() + a.height > MAX_DEPTH {
            return Err(too_deep(mark));
        }
        self.alias_nodes += a.nodes;
        if self.alias_nodes > MAX_ALIAS_NODES {
            return Err(error_at(
                mark,
                format!(
                    "aliases expand to more than {MAX_ALIAS_NODES} nodes (is this an alias bomb?)"
                ),
            ));
        }
        let (value, text, nodes, height) = (a.value.clone(), a.text.clone(), a.nodes, a.height);
        self.finish(value, text, nodes, height, mark)
    }
}

fn too_deep(mark: &Marker) -> SyntaxError {
    error_at(
        mark,
        format!("the document nests more than {MAX_DEPTH} levels deep"),
    )
}

/// `<<: *base` or `<<: [*a, *b]`: keys written explicitly win, and earlier
/// merge sources win over later ones.
fn apply_merges(
    map: &mut Map<String, Value>,
    merges: Vec<(Value, Marker)>,
) -> Result<(), SyntaxError> {
    for (merge, mark) in merges {
        let sources = match merge {
            Value::Array(items) => items,
            other => vec![other],
        };
        for source in sources {
            let Value::Object(entries) = source else {
                return Err(error_at(
                    &mark,
                    "the value of a `<<` merge key must be a mapping or a list of mappings",
                ));
            };
            for (k, v) in entries {
                map.entry(k).or_insert(v);
            }
        }
    }
    Ok(())
}

/// Parses the first (and only) YAML document of `text`.
pub(crate) fn parse(text: &str) -> Result<Value, SyntaxError> {
    // yaml-rust2 is fuzzed upstream; a panic in it must still not take the
    // caller down.
    std::panic::catch_unwind(|| parse_events(text)).unwrap_or_else(|_| {
        Err(SyntaxError {
            message: "the YAML parser failed on this text".into(),
            line: None,
            column: None,
            pointer: None,
        })
    })
}

fn parse_events(text: &str) -> Result<Value, SyntaxError> {
    let mut parser = Parser::new_from_str(text);
    let mut b = Builder {
        stack: Vec::new(),
        anchors: HashMap::new(),
        alias_nodes: 0,
        root: None,
    };
    loop {
        let (event, mark) = parser
            .next_token()
            .map_err(|e| scan_error(text, e.marker(), e.info(), b.stack.last()))?;
        match event {
            Event::StreamEnd => break,
            Event::Nothing | Event::StreamStart | Event::DocumentEnd => {}
            Event::DocumentStart => {
                if b.root.is_some() {
                    return Err(error_at(
                        &mark,
                        "the file holds more than one YAML document",
                    ));
                }
            }
            Event::Alias(id) => b.alias(id, &mark)?,
            Event::Scalar(text, style, anchor, tag) => {
                let value = scalar(&text, style, tag.as_ref());
                if anchor != 0 {
                    b.anchors.insert(
                        anchor,
                        Anchored {
                            value: value.clone(),
                            text: Some(text.clone()),
                            nodes: 1,
                            height: 0,
                        },
                    );
                }
                b.finish(value, Some(text), 1, 0, &mark)?;
            }
            Event::SequenceStart(anchor, _) => b.open(
                Frame::Seq {
                    items: Vec::new(),
                    start: mark,
                    anchor,
                    nodes: 1,
                    height: 1,
                },
                &mark,
            )?,
            Event::MappingStart(anchor, _) => b.open(
                Frame::Map {
                    map: Map::new(),
                    start: mark,
                    key: None,
                    merges: Vec::new(),
                    anchor,
                    nodes: 1,
                    height: 1,
                },
                &mark,
            )?,
            Event::SequenceEnd | Event::MappingEnd => b.close(&mark)?,
        }
    }
    Ok(b.root.unwrap_or(Value::Null))
}

/// A scanner error, with the flow collection it happened in (the usual
/// culprit: an unclosed `[` or `{`) and tabs pointed at.
fn scan_error(text: &str, mark: &Marker, info: &str, open: Option<&Frame>) -> SyntaxError {
    if info.contains("recursion limit exceeded") {
        // The scanner's own limit on flow nesting (255), met before ours.
        return too_deep(mark);
    }
    let mut err = error_at(mark, info);
    let char_at = |m: &Marker| {
        text.lines()
            .nth(m.line().wrapping_sub(1))
            .and_then(|l| l.chars().nth(m.col()))
    };
    let start = match open {
        Some(Frame::Seq { start, .. } | Frame::Map { start, .. }) => Some(start),
        None => None,
    };
    if let Some(start) = start {
        let what = match char_at(start) {
            Some('[') => Some("flow sequence"),
            Some('{') => Some("flow mapping"),
            _ => None,
        };
        if let Some(what) = what {
            let (line, column) = pos(start);
            err.message =
                format!("{info}, inside the {what} that starts at line {line} column {column}");
        }
    }
    if info.contains("tab") {
        // Point at the first tab of the line's indentation.
        let line = text.lines().nth(mark.line().wrapping_sub(1)).unwrap_or("");
        let indent: String = line.chars().take_while(|c| c.is_whitespace()).collect();
        if let Some(i) = indent.chars().position(|c| c == '\t') {
            err.column = Some(i + 1);
        }
    }
    err
}

/// The value of a scalar: quoted and block scalars are strings; plain
/// scalars (and `!!int`-style tagged ones) are resolved by the core schema.
fn scalar(text: &str, style: TScalarStyle, tag: Option<&Tag>) -> Value {
    let core = tag
        .filter(|t| t.handle == "tag:yaml.org,2002:")
        .map(|t| t.suffix.as_str());
    match core {
        Some("str") => return Value::String(text.to_string()),
        Some("null") => return Value::Null,
        Some("bool") => {
            return parse_bool(text).map_or_else(|| Value::String(text.into()), Value::Bool)
        }
        Some("int" | "float") => return number(text).unwrap_or_else(|| Value::String(text.into())),
        _ => {}
    }
    if style != TScalarStyle::Plain {
        return Value::String(text.to_string());
    }
    if text.is_empty() || matches!(text, "~" | "null" | "Null" | "NULL") {
        return Value::Null;
    }
    if let Some(b) = parse_bool(text) {
        return Value::Bool(b);
    }
    number(text).unwrap_or_else(|| Value::String(text.to_string()))
}

fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// A YAML 1.2 core-schema number: decimal, `0x`/`0o`/`0b` integers, floats,
/// `.inf`/`.nan` (which have no JSON form and become `null`, as in
/// serde_json). Integers beyond 64 bits become floats.
fn number(text: &str) -> Option<Value> {
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.starts_with(['+', '-']) || digits.is_empty() {
        return None;
    }
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(rest) = digits.strip_prefix(prefix) {
            let Ok(n) = u128::from_str_radix(rest, radix) else {
                continue;
            };
            return Some(integer(negative, n));
        }
    }
    // YAML 1.2: leading zeros followed by digits make a string (`0123`).
    if digits.len() > 1 && digits.starts_with('0') && digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if digits.bytes().all(|b| b.is_ascii_digit()) {
        return match digits.parse::<u128>() {
            Ok(n) => Some(integer(negative, n)),
            Err(_) => float(text),
        };
    }
    match digits {
        ".inf" | ".Inf" | ".INF" | ".nan" | ".NaN" | ".NAN" => return Some(Value::Null),
        _ => {}
    }
    float(text)
}

fn integer(negative: bool, n: u128) -> Value {
    if !negative {
        if let Ok(u) = u64::try_from(n) {
            return Value::Number(u.into());
        }
    } else if let Ok(i) = i64::try_from(n).map(|i| -i) {
        return Value::Number(i.into());
    } else if n == 1u128 << 63 {
        return Value::Number(i64::MIN.into());
    }
    let f = n as f64;
    Number::from_f64(if negative { -f } else { f }).map_or(Value::Null, Value::Number)
}

/// A decimal float: digits, an optional fraction and exponent. Rust's own
/// parser also reads `inf`, `NaN` and `infinity`, which YAML does not.
fn float(text: &str) -> Option<Value> {
    let body = text.strip_prefix(['+', '-']).unwrap_or(text);
    let ok_chars = body
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'));
    if !ok_chars || !body.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let f: f64 = text.strip_prefix('+').unwrap_or(text).parse().ok()?;
    Some(Number::from_f64(f).map_or(Value::Null, Value::Number))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn y(text: &str) -> Value {
        parse(text).unwrap_or_else(|e| panic!("{text:?}: {e:?}"))
    }

    #[test]
    fn core_schema_scalars() {
        assert_eq!(
            y("a: ~\nb: null\nc:\nd: true\ne: False\nf: 12\ng: -3\nh: 0x1f\ni: 0o17\nj: 1.5\nk: 1e3\nl: .inf\nm: 0123\nn: yes\no: '12'\np: !!str 5\nq: !!int '7'\nr: +4\ns: 1_000\nt: 99999999999999999999\nu: -9223372036854775808\nv: .\nw: 1.2.3\nx: e5\n"),
            json!({
                "a": null, "b": null, "c": null, "d": true, "e": false, "f": 12, "g": -3,
                "h": 31, "i": 15, "j": 1.5, "k": 1000.0, "l": null, "m": "0123", "n": "yes",
                "o": "12", "p": "5", "q": 7, "r": 4, "s": "1_000", "t": 1e20,
                "u": i64::MIN, "v": ".", "w": "1.2.3", "x": "e5"
            })
        );
    }

    #[test]
    fn keys_are_their_text() {
        assert_eq!(
            y("200: a\ntrue: b\n~: c\n1.0: d\n'x': e\n"),
            json!({"200": "a", "true": "b", "~": "c", "1.0": "d", "x": "e"})
        );
    }

    #[test]
    fn anchors_aliases_merges() {
        assert_eq!(
            y("base: &b {x: 1, y: [1, 2]}\nk: &k key\nc:\n  <<: *b\n  y: 3\nd: *b\ne: {*k : 1}\nf:\n  <<: [{p: 1}, {p: 2, q: 2}]\n"),
            json!({
                "base": {"x": 1, "y": [1, 2]}, "k": "key",
                "c": {"y": 3, "x": 1}, "d": {"x": 1, "y": [1, 2]}, "e": {"key": 1},
                "f": {"p": 1, "q": 2}
            })
        );
    }

    #[test]
    fn errors_have_positions() {
        let e = parse("a: 1\nb:\n  c: 2\n  c: 3\n").unwrap_err();
        assert_eq!((e.line, e.column), (Some(4), Some(3)));
        assert_eq!(e.pointer.as_deref(), Some("#/b/c"));
        assert!(e.message.contains("duplicate key `c`"), "{}", e.message);

        let e = parse("--- 1\n--- 2\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("more than one"), "{}", e.message);

        let e = parse("a: &a [*a]").unwrap_err();
        assert!(e.message.contains("unknown anchor"), "{}", e.message);

        let e = parse("? [a]\n: b\n").unwrap_err();
        assert!(e.message.contains("mapping key"), "{}", e.message);

        let e = parse("a: [1,\n").unwrap_err();
        assert!(e.line.is_some());
    }

    #[test]
    fn bounds() {
        let deep = format!(
            "{}1{}",
            "[".repeat(MAX_DEPTH + 1),
            "]".repeat(MAX_DEPTH + 1)
        );
        assert!(parse(&deep)
            .unwrap_err()
            .message
            .contains("nests more than"));
        let ok = format!("{}1{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());

        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            bomb.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
        }
        assert!(parse(&bomb).unwrap_err().message.contains("alias"));
    }
}
