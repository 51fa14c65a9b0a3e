//! Text → `serde_json::Value`, for JSON (serde_json) and YAML
//! ([`super::yaml`], on yaml-rust2's event parser).
//!
//! JSON goes through a visitor that builds the same `Value` serde_json
//! would, but rejects duplicate keys (serde_json keeps the last one
//! silently). Both stop at [`MAX_DEPTH`] levels of nesting, so every later
//! step that follows the tree's shape is bounded.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// The syntax of the input text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Yaml,
}

impl Format {
    /// JSON if the first non-whitespace character is `{`, else YAML.
    pub fn detect(text: &str) -> Format {
        match text.trim_start().as_bytes().first() {
            Some(b'{') => Format::Json,
            _ => Format::Yaml,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "JSON",
            Format::Yaml => "YAML",
        }
    }
}

/// Nesting deeper than this is a syntax error (serde_json's own recursion
/// limit; real API descriptions stay below 40).
pub const MAX_DEPTH: usize = 128;

/// A syntax error with its 1-based position, when the parser gave one.
#[derive(Debug)]
pub struct SyntaxError {
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// Where in the document, when the error concerns one value (a
    /// duplicate key).
    pub pointer: Option<String>,
}

/// Parses `text` (already known to be non-empty) in the given format.
pub fn parse(text: &str, format: Format) -> Result<Value, SyntaxError> {
    match format {
        Format::Json => {
            let mut de = serde_json::Deserializer::from_str(text);
            let value = ValueSeed
                .deserialize(&mut de)
                .and_then(|v| de.end().map(|()| v))
                .map_err(|e| {
                    let (line, column) = (e.line(), e.column());
                    let mut message = strip_position(&e.to_string(), Some(line), Some(column));
                    if message.starts_with("recursion limit exceeded") {
                        message = format!("the document nests more than {MAX_DEPTH} levels deep");
                    }
                    SyntaxError {
                        message,
                        line: (line > 0).then_some(line),
                        column: (line > 0).then_some(column.max(1)),
                        pointer: None,
                    }
                })?;
            Ok(value)
        }
        Format::Yaml => super::yaml::parse(text),
    }
}

/// Removes the " at line N column M" that serde_json appends for the error
/// position (diagnostics carry it separately). Other positions in the
/// message are kept, reworded as where that construct starts.
fn strip_position(msg: &str, line: Option<usize>, column: Option<usize>) -> String {
    let mut out = match (line, column) {
        (Some(l), Some(c)) => {
            let main = format!(" at line {l} column {c}");
            match msg.find(&main) {
                Some(i) => format!("{}{}", &msg[..i], &msg[i + main.len()..]),
                None => strip_last_position(msg),
            }
        }
        _ => strip_last_position(msg),
    };
    if out.contains(" at line ") {
        out = out.replace(" at line ", " that starts at line ");
    }
    out
}

fn strip_last_position(msg: &str) -> String {
    if let Some(idx) = msg.rfind(" at line ") {
        let tail = &msg[idx + " at line ".len()..];
        let mut parts = tail.splitn(2, " column ");
        let line_ok = parts
            .next()
            .is_some_and(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_digit()));
        let rest = parts.next().unwrap_or("");
        let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
        if line_ok && digits > 0 {
            return format!("{}{}", &msg[..idx], &rest[digits..]);
        }
    }
    msg.to_string()
}

#[derive(Clone, Copy)]
struct ValueSeed;

impl<'de> DeserializeSeed<'de> for ValueSeed {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON-compatible value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        Ok(match i64::try_from(v) {
            Ok(i) => Value::Number(i.into()),
            Err(_) => Number::from_f64(v as f64).map_or(Value::Null, Value::Number),
        })
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        Ok(match u64::try_from(v) {
            Ok(u) => Value::Number(u.into()),
            Err(_) => Number::from_f64(v as f64).map_or(Value::Null, Value::Number),
        })
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        // `.inf` / `.nan` have no JSON form; like serde_json, map them to null.
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::String(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.deserialize(d)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(v) = seq.next_element_seed(self)? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            match out.entry(key) {
                serde_json::map::Entry::Vacant(slot) => {
                    slot.insert(map.next_value_seed(self)?);
                }
                serde_json::map::Entry::Occupied(slot) => {
                    return Err(de::Error::custom(format_args!(
                        "duplicate key `{}` (keys in a JSON object must be unique)",
                        slot.key(),
                    )));
                }
            }
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_format() {
        assert_eq!(Format::detect("  \n{\"a\":1}"), Format::Json);
        assert_eq!(Format::detect("openapi: 3.0.0"), Format::Yaml);
        assert_eq!(Format::detect("[1]"), Format::Yaml);
    }

    #[test]
    fn json_and_yaml_agree() {
        let j = parse(
            r#"{"a": 1, "b": [true, null, "x", 1.5], "200": {}}"#,
            Format::Json,
        )
        .unwrap();
        let y = parse("a: 1\nb: [true, null, x, 1.5]\n200: {}\n", Format::Yaml).unwrap();
        assert_eq!(j, y);
        assert_eq!(
            serde_json::to_string(&j).unwrap(),
            r#"{"a":1,"b":[true,null,"x",1.5],"200":{}}"#
        );
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let e = parse("a: 1\nb: 2\na: 3\n", Format::Yaml).unwrap_err();
        assert!(e.message.contains("duplicate key `a`"), "{}", e.message);
        let e = parse("{\"a\": 1,\n \"a\": 2}", Format::Json).unwrap_err();
        assert!(e.message.contains("duplicate key `a`"), "{}", e.message);
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn syntax_error_positions() {
        let e = parse("{\"a\": 1,\n  \"b\": ", Format::Json).unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(!e.message.contains("at line"), "{}", e.message);
        let e = parse("a:\n\tb: 1\n", Format::Yaml).unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("tab"), "{}", e.message);
    }

    #[test]
    fn strips_position() {
        assert_eq!(
            strip_position("EOF while parsing at line 3 column 0", Some(3), Some(0)),
            "EOF while parsing"
        );
        assert_eq!(
            strip_position(
                "did not find expected ',' or ']' at line 9 column 16, while parsing a flow sequence at line 8 column 16",
                Some(9),
                Some(16)
            ),
            "did not find expected ',' or ']', while parsing a flow sequence that starts at line 8 column 16"
        );
        assert_eq!(
            strip_position("did not find expected key at line 3 column 1", None, None),
            "did not find expected key"
        );
        assert_eq!(strip_position("no position", None, None), "no position");
    }
}
