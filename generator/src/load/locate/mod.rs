//! JSON pointer → line/column in the original text.
//!
//! Nothing here runs while loading a valid document: positions are looked up
//! only when a diagnostic is made. The first look-up builds an index of the
//! whole text in one pass ([`json`], [`yaml`]), and a line-start table
//! ([`lines`]); every later look-up walks only its pointer's path, so a
//! document with thousands of warnings is not rescanned for each.

mod json;
mod lines;
mod yaml;

use std::fmt;
use std::sync::OnceLock;

use super::parse::Format;
use crate::diagnostic::{pointer_from_segments, pointer_parent, pointer_segments};
use json::JsonIndex;
pub(crate) use lines::offset_to_line_col;
use lines::LineIndex;
use yaml::PosIndex;

/// The original text of a loaded document and its format.
pub struct SourceText {
    text: String,
    format: Format,
    index: OnceLock<Index>,
}

enum Index {
    Json(Option<JsonIndex>, LineIndex),
    Yaml(Option<PosIndex>),
}

impl Clone for SourceText {
    fn clone(&self) -> Self {
        // The index is rebuilt on demand.
        SourceText::new(self.text.clone(), self.format)
    }
}

impl fmt::Debug for SourceText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SourceText")
            .field("format", &self.format)
            .field("len", &self.text.len())
            .finish_non_exhaustive()
    }
}

impl SourceText {
    pub fn new(text: String, format: Format) -> Self {
        SourceText {
            text,
            format,
            index: OnceLock::new(),
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn format(&self) -> Format {
        self.format
    }

    fn index(&self) -> &Index {
        self.index.get_or_init(|| match self.format {
            Format::Json => Index::Json(JsonIndex::build(&self.text), LineIndex::new(&self.text)),
            Format::Yaml => Index::Yaml(PosIndex::build(&self.text)),
        })
    }

    /// 1-based line and column (in characters) of the value at `pointer`
    /// (`#/a/b`, `#` for the root), or `None` if the pointer does not exist
    /// in the text.
    ///
    /// For a YAML value written on the lines after its key (a block mapping
    /// or sequence, a block scalar), the key's position is given instead:
    /// that is the line a reader looks for, and the same line the JSON form
    /// would report.
    pub fn locate(&self, pointer: &str) -> Option<(usize, usize)> {
        let segments = pointer_segments(pointer);
        match self.index() {
            Index::Json(json, lines) => {
                let offset = json.as_ref()?.locate(&self.text, &segments)?;
                Some(lines.line_col(&self.text, offset))
            }
            Index::Yaml(yaml) => yaml.as_ref()?.locate(&segments),
        }
    }

    /// The first key of a JSON text that occurs twice in the same object,
    /// in document order: the pointer of the second occurrence and its
    /// position. (The YAML parser reports its duplicates itself.)
    pub(crate) fn find_duplicate_key(&self) -> Option<(String, (usize, usize))> {
        let Index::Json(Some(json), lines) = self.index() else {
            return None;
        };
        let (segments, offset) = json.first_duplicate(&self.text)?;
        Some((
            pointer_from_segments(&segments),
            lines.line_col(&self.text, offset),
        ))
    }

    /// Like [`locate`](Self::locate), but falls back to the nearest ancestor
    /// that exists in the text (useful for pointers into values that loading
    /// rewrote, such as normalized OpenAPI 3.1 schemas).
    pub fn locate_nearest(&self, pointer: &str) -> Option<(usize, usize)> {
        let mut p = pointer;
        loop {
            if let Some(pos) = self.locate(p) {
                return Some(pos);
            }
            p = pointer_parent(p)?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JSON: &str = r#"{
  "openapi": "3.0.3",
  "paths": {
    "/contacts": {
      "put": {"requestBody": {"x": [1, {"a\/b": "s"}, "\"q]"]},
             "tags": ["a", "b"]}
    }
  },
  "ünï": {"k": 1}
}"#;

    fn js(pointer: &str) -> Option<(usize, usize)> {
        SourceText::new(JSON.to_string(), Format::Json).locate(pointer)
    }

    #[test]
    fn json_locate() {
        assert_eq!(js("#"), Some((1, 1)));
        assert_eq!(js("#/openapi"), Some((2, 14)));
        assert_eq!(js("#/paths"), Some((3, 12)));
        assert_eq!(js("#/paths/~1contacts"), Some((4, 18)));
        assert_eq!(js("#/paths/~1contacts/put/requestBody"), Some((5, 30)));
        assert_eq!(
            js("#/paths/~1contacts/put/requestBody/x/1/a~1b"),
            Some((5, 49))
        );
        assert_eq!(js("#/paths/~1contacts/put/requestBody/x/2"), Some((5, 55)));
        assert_eq!(js("#/paths/~1contacts/put/tags/1"), Some((6, 28)));
        assert_eq!(js("#/%C3%BCn%C3%AF"), None);
        assert_eq!(js("#/ünï/k"), Some((9, 16)));
        assert_eq!(js("#/missing"), None);
        assert_eq!(js("#/paths/~1contacts/put/tags/2"), None);
        assert_eq!(js("#/openapi/x"), None);
    }

    const YAML: &str = "\
openapi: 3.1.0
paths:
  /contacts:
    put:
      requestBody: {x: [1, {a/b: s}]}
      tags:
        - a
        - b
      description: |
        text
components:
  schemas:
    Base: &base
      type: object
    Alias: *base
    Merged:
      <<: *base
      title: m
  '200': x
";

    fn ys(pointer: &str) -> Option<(usize, usize)> {
        SourceText::new(YAML.to_string(), Format::Yaml).locate(pointer)
    }

    #[test]
    fn yaml_locate() {
        assert_eq!(ys("#"), Some((1, 1)));
        assert_eq!(ys("#/openapi"), Some((1, 10)));
        // Block values report their key's position.
        assert_eq!(ys("#/paths"), Some((2, 1)));
        assert_eq!(ys("#/paths/~1contacts"), Some((3, 3)));
        assert_eq!(ys("#/paths/~1contacts/put/requestBody"), Some((5, 20)));
        assert_eq!(
            ys("#/paths/~1contacts/put/requestBody/x/1/a~1b"),
            Some((5, 34))
        );
        assert_eq!(ys("#/paths/~1contacts/put/tags"), Some((6, 7)));
        assert_eq!(ys("#/paths/~1contacts/put/tags/1"), Some((8, 11)));
        assert_eq!(ys("#/paths/~1contacts/put/description"), Some((9, 7)));
        assert_eq!(ys("#/components/schemas/Base/type"), Some((14, 13)));
        assert_eq!(ys("#/components/schemas/Alias/type"), Some((14, 13)));
        assert_eq!(ys("#/components/schemas/Merged/type"), Some((14, 13)));
        assert_eq!(ys("#/components/schemas/Merged/title"), Some((18, 14)));
        assert_eq!(ys("#/components/200"), Some((19, 10)));
        assert_eq!(ys("#/nope"), None);
        assert_eq!(ys("#/paths/~1contacts/put/tags/9"), None);
    }

    #[test]
    fn nearest_and_bad_yaml() {
        let s = SourceText::new(YAML.to_string(), Format::Yaml);
        assert_eq!(
            s.locate_nearest("#/paths/~1contacts/put/tags/9/x"),
            Some((6, 7))
        );
        let bad = SourceText::new("a: [".to_string(), Format::Yaml);
        assert_eq!(bad.locate("#/a"), None);
        let scalar = SourceText::new("just text".to_string(), Format::Yaml);
        assert_eq!(scalar.locate("#"), Some((1, 1)));
        assert_eq!(scalar.locate("#/a"), None);
    }

    #[test]
    fn duplicate_keys() {
        let j = SourceText::new(
            "{\"a\": {\"b\": [1, {\"c\": 1,\n \"c\": 2}]}}".into(),
            Format::Json,
        );
        assert_eq!(j.find_duplicate_key(), Some(("#/a/b/1/c".into(), (2, 2))));
        let ok = SourceText::new("{\"a\": [], \"b\": {}}".into(), Format::Json);
        assert_eq!(ok.find_duplicate_key(), None);
    }
}
