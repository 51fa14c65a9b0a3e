//! JSON pointer → line/column in the original text.
//!
//! Nothing here runs while loading a valid document: positions are looked up
//! only when a diagnostic is made. JSON is scanned directly (no allocation,
//! skipping values it does not descend into); YAML is parsed once with
//! yaml-rust2's event parser into a small position tree, kept for later
//! look-ups.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::Marker;

use super::parse::Format;
use crate::diagnostic::{pointer_parent, pointer_segments};

/// The original text of a loaded document and its format.
#[derive(Clone)]
pub struct SourceText {
    text: String,
    format: Format,
    yaml_index: OnceLock<Option<PosIndex>>,
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
            yaml_index: OnceLock::new(),
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn format(&self) -> Format {
        self.format
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
        match self.format {
            Format::Json => {
                let offset = json_locate(&self.text, &segments)?;
                Some(offset_to_line_col(&self.text, offset))
            }
            Format::Yaml => {
                let index = self
                    .yaml_index
                    .get_or_init(|| PosIndex::from_yaml(&self.text));
                index.as_ref()?.locate(&segments)
            }
        }
    }

    /// The first mapping key that occurs twice in the same mapping: the
    /// pointer of the second occurrence and its 1-based position. Used to
    /// place "duplicate key" errors, which the parsers report imprecisely.
    pub(crate) fn find_duplicate_key(&self) -> Option<(String, (usize, usize))> {
        let index = match self.format {
            Format::Json => PosIndex::from_json(&self.text),
            Format::Yaml => self
                .yaml_index
                .get_or_init(|| PosIndex::from_yaml(&self.text))
                .clone(),
        }?;
        let mut path = Vec::new();
        index.find_duplicate(0, &mut path, 0)
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

/// 1-based (line, column in chars) of a byte offset.
pub(crate) fn offset_to_line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = text[line_start..offset].chars().count() + 1;
    (line, column)
}

// ---------------------------------------------------------------- JSON scan

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// `b[i]` is `"`; returns the index just past the closing quote and whether
/// the string contains escapes.
fn scan_string(b: &[u8], i: usize) -> Option<(usize, bool)> {
    let mut j = i + 1;
    let mut escaped = false;
    while j < b.len() {
        match b[j] {
            b'"' => return Some((j + 1, escaped)),
            b'\\' => {
                escaped = true;
                j += 2;
            }
            _ => j += 1,
        }
    }
    None
}

/// Skips one value starting at `i` (after whitespace); returns the index
/// just past it.
fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    match *b.get(i)? {
        b'"' => scan_string(b, i).map(|(end, _)| end),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' => {
                        j = scan_string(b, j)?.0;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            None
        }
        _ => {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
            {
                j += 1;
            }
            (j > i).then_some(j)
        }
    }
}

/// Byte offset of the value at `segments`, scanning the JSON text.
fn json_locate(text: &str, segments: &[String]) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = skip_ws(b, 0);
    for seg in segments {
        match *b.get(i)? {
            b'{' => {
                i += 1;
                let mut found = None;
                loop {
                    i = skip_ws(b, i);
                    if *b.get(i)? != b'"' {
                        break; // `}` or garbage
                    }
                    let (end, escaped) = scan_string(b, i)?;
                    let is_match = if escaped {
                        serde_json::from_str::<String>(&text[i..end]).ok()? == *seg
                    } else {
                        &text[i + 1..end - 1] == seg.as_str()
                    };
                    i = skip_ws(b, end);
                    if *b.get(i)? != b':' {
                        return None;
                    }
                    i = skip_ws(b, i + 1);
                    if is_match {
                        // Keys are unique (duplicates are rejected when
                        // parsing), so the first match is the one.
                        found = Some(i);
                        break;
                    }
                    i = skip_ws(b, skip_value(b, i)?);
                    if *b.get(i)? != b',' {
                        break;
                    }
                    i += 1;
                }
                i = found?;
            }
            b'[' => {
                let index: usize = seg.parse().ok()?;
                i = skip_ws(b, i + 1);
                if *b.get(i)? == b']' {
                    return None;
                }
                for _ in 0..index {
                    i = skip_ws(b, skip_value(b, i)?);
                    if *b.get(i)? != b',' {
                        return None;
                    }
                    i = skip_ws(b, i + 1);
                }
            }
            _ => return None,
        }
    }
    (i < b.len()).then_some(i)
}

// ---------------------------------------------------------------- YAML index

/// Positions of every node of a YAML document (1-based line and column).
#[derive(Clone, Debug)]
struct PosIndex {
    nodes: Vec<PosNode>,
    anchors: HashMap<usize, usize>,
}

#[derive(Clone, Debug)]
struct PosNode {
    pos: (usize, usize),
    kind: PosKind,
}

#[derive(Clone, Debug)]
enum PosKind {
    Scalar,
    Alias(usize),
    /// (key, key position, child node)
    Map(Vec<(String, (usize, usize), usize)>),
    Seq(Vec<usize>),
}

/// A node just completed: its index (none for a scalar that may be a
/// mapping key), the scalar's text, and its position.
type Finished = (Option<usize>, Option<String>, (usize, usize));

enum Frame {
    Map {
        node: usize,
        key: Option<(String, (usize, usize))>,
    },
    Seq {
        node: usize,
    },
}

fn marker_pos(m: &Marker) -> (usize, usize) {
    // yaml-rust2 lines are 1-based, columns 0-based.
    (m.line(), m.col() + 1)
}

impl PosIndex {
    fn from_yaml(text: &str) -> Option<PosIndex> {
        let mut parser = Parser::new_from_str(text);
        let mut index = PosIndex {
            nodes: Vec::new(),
            anchors: HashMap::new(),
        };
        let mut stack: Vec<Frame> = Vec::new();
        let mut done = false;
        loop {
            let (event, mark) = parser.next_token().ok()?;
            let pos = marker_pos(&mark);
            // A finished node: (node index, or the text of a scalar that may be a key)
            let finished: Option<Finished> = match event {
                Event::StreamEnd => break,
                Event::DocumentStart | Event::StreamStart | Event::Nothing => None,
                Event::DocumentEnd => {
                    // Only the first document matters (serde_yaml refuses more).
                    if done {
                        break;
                    }
                    None
                }
                Event::Alias(id) => {
                    let n = index.push(pos, PosKind::Alias(id));
                    Some((Some(n), None, pos))
                }
                Event::Scalar(value, _, anchor, _) => {
                    if matches!(stack.last(), Some(Frame::Map { key: None, .. })) {
                        Some((None, Some(value), pos))
                    } else {
                        let n = index.push(pos, PosKind::Scalar);
                        if anchor != 0 {
                            index.anchors.insert(anchor, n);
                        }
                        Some((Some(n), None, pos))
                    }
                }
                Event::MappingStart(anchor, _) | Event::SequenceStart(anchor, _) => {
                    let is_map = matches!(event, Event::MappingStart(..));
                    let n = index.push(
                        pos,
                        if is_map {
                            PosKind::Map(Vec::new())
                        } else {
                            PosKind::Seq(Vec::new())
                        },
                    );
                    if anchor != 0 {
                        index.anchors.insert(anchor, n);
                    }
                    stack.push(if is_map {
                        Frame::Map { node: n, key: None }
                    } else {
                        Frame::Seq { node: n }
                    });
                    None
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    let frame = stack.pop()?;
                    let n = match frame {
                        Frame::Map { node, .. } | Frame::Seq { node } => node,
                    };
                    Some((Some(n), None, index.nodes[n].pos))
                }
            };
            let Some((node, scalar_key, pos)) = finished else {
                continue;
            };
            match stack.last_mut() {
                None => done = true,
                Some(Frame::Seq { node: parent }) => {
                    let parent = *parent;
                    if let (Some(n), PosKind::Seq(items)) = (node, &mut index.nodes[parent].kind) {
                        items.push(n);
                    }
                }
                Some(Frame::Map { node: parent, key }) => {
                    let parent = *parent;
                    match key.take() {
                        None => {
                            // This node is a key. A block mapping's start
                            // marker is unreliable; its first key is where it
                            // starts.
                            let first = matches!(&index.nodes[parent].kind, PosKind::Map(e) if e.is_empty());
                            if first {
                                let p = &mut index.nodes[parent].pos;
                                if pos < *p {
                                    *p = pos;
                                }
                            }
                            // Complex (non-scalar) keys cannot be named by a
                            // pointer; give them a name no segment equals.
                            *key = Some((scalar_key.unwrap_or_else(|| "\u{0}complex".into()), pos));
                        }
                        Some((k, kpos)) => {
                            if let (Some(n), PosKind::Map(entries)) =
                                (node, &mut index.nodes[parent].kind)
                            {
                                entries.push((k, kpos, n));
                            }
                        }
                    }
                }
            }
        }
        (!index.nodes.is_empty()).then_some(index)
    }

    /// Builds the index of a JSON text (only used for diagnostics).
    fn from_json(text: &str) -> Option<PosIndex> {
        let mut index = PosIndex {
            nodes: Vec::new(),
            anchors: HashMap::new(),
        };
        let b = text.as_bytes();
        let start = skip_ws(b, 0);
        index.json_node(text, start, 0)?;
        Some(index)
    }

    /// Parses the JSON value at `i` into a node; returns the index just past it.
    fn json_node(&mut self, text: &str, i: usize, depth: usize) -> Option<usize> {
        let b = text.as_bytes();
        if depth > 512 {
            return None;
        }
        let pos = offset_to_line_col(text, i);
        match *b.get(i)? {
            b'{' => {
                let n = self.push(pos, PosKind::Map(Vec::new()));
                let mut j = skip_ws(b, i + 1);
                if *b.get(j)? == b'}' {
                    return Some(j + 1);
                }
                loop {
                    if *b.get(j)? != b'"' {
                        return None;
                    }
                    let (end, escaped) = scan_string(b, j)?;
                    let key = if escaped {
                        serde_json::from_str::<String>(&text[j..end]).ok()?
                    } else {
                        text[j + 1..end - 1].to_string()
                    };
                    let kpos = offset_to_line_col(text, j);
                    j = skip_ws(b, end);
                    if *b.get(j)? != b':' {
                        return None;
                    }
                    j = skip_ws(b, j + 1);
                    let child = self.nodes.len();
                    j = skip_ws(b, self.json_node(text, j, depth + 1)?);
                    if let PosKind::Map(entries) = &mut self.nodes[n].kind {
                        entries.push((key, kpos, child));
                    }
                    match *b.get(j)? {
                        b',' => j = skip_ws(b, j + 1),
                        b'}' => return Some(j + 1),
                        _ => return None,
                    }
                }
            }
            b'[' => {
                let n = self.push(pos, PosKind::Seq(Vec::new()));
                let mut j = skip_ws(b, i + 1);
                if *b.get(j)? == b']' {
                    return Some(j + 1);
                }
                loop {
                    let child = self.nodes.len();
                    j = skip_ws(b, self.json_node(text, j, depth + 1)?);
                    if let PosKind::Seq(items) = &mut self.nodes[n].kind {
                        items.push(child);
                    }
                    match *b.get(j)? {
                        b',' => j = skip_ws(b, j + 1),
                        b']' => return Some(j + 1),
                        _ => return None,
                    }
                }
            }
            _ => {
                let end = skip_value(b, i)?;
                self.push(pos, PosKind::Scalar);
                Some(end)
            }
        }
    }

    fn find_duplicate(
        &self,
        n: usize,
        path: &mut Vec<String>,
        depth: usize,
    ) -> Option<(String, (usize, usize))> {
        if depth > 512 {
            return None;
        }
        match &self.nodes[n].kind {
            PosKind::Map(entries) => {
                let mut seen = std::collections::HashSet::new();
                for (k, kpos, _) in entries {
                    if k != "<<" && !seen.insert(k.as_str()) {
                        path.push(k.clone());
                        return Some((crate::diagnostic::pointer_from_segments(path), *kpos));
                    }
                }
                for (k, _, child) in entries {
                    path.push(k.clone());
                    if let Some(found) = self.find_duplicate(*child, path, depth + 1) {
                        return Some(found);
                    }
                    path.pop();
                }
                None
            }
            PosKind::Seq(items) => {
                for (i, child) in items.iter().enumerate() {
                    path.push(i.to_string());
                    if let Some(found) = self.find_duplicate(*child, path, depth + 1) {
                        return Some(found);
                    }
                    path.pop();
                }
                None
            }
            _ => None,
        }
    }

    fn push(&mut self, pos: (usize, usize), kind: PosKind) -> usize {
        self.nodes.push(PosNode { pos, kind });
        self.nodes.len() - 1
    }

    fn resolve_alias(&self, mut n: usize) -> Option<usize> {
        for _ in 0..64 {
            match self.nodes[n].kind {
                PosKind::Alias(id) => n = *self.anchors.get(&id)?,
                _ => return Some(n),
            }
        }
        None
    }

    /// Finds `key` in mapping node `n`, looking through `<<` merge keys.
    fn map_get(&self, n: usize, key: &str, depth: usize) -> Option<((usize, usize), usize)> {
        let PosKind::Map(entries) = &self.nodes[n].kind else {
            return None;
        };
        if let Some((_, kpos, child)) = entries.iter().rev().find(|(k, _, _)| k == key) {
            return Some((*kpos, *child));
        }
        if depth > 16 {
            return None;
        }
        let (_, _, merge) = entries.iter().find(|(k, _, _)| k == "<<")?;
        let merge = self.resolve_alias(*merge)?;
        let sources: Vec<usize> = match &self.nodes[merge].kind {
            PosKind::Seq(items) => items.clone(),
            _ => vec![merge],
        };
        sources
            .into_iter()
            .filter_map(|s| self.resolve_alias(s))
            .find_map(|s| self.map_get(s, key, depth + 1))
    }

    fn locate(&self, segments: &[String]) -> Option<(usize, usize)> {
        let mut n = self.resolve_alias(0)?;
        let mut pos = self.nodes[n].pos;
        for seg in segments {
            match &self.nodes[n].kind {
                PosKind::Map(_) => {
                    let (kpos, child) = self.map_get(n, seg, 0)?;
                    n = self.resolve_alias(child)?;
                    let vpos = self.nodes[child].pos;
                    pos = if vpos.0 > kpos.0 { kpos } else { vpos };
                }
                PosKind::Seq(items) => {
                    let child = *items.get(seg.parse::<usize>().ok()?)?;
                    pos = self.nodes[child].pos;
                    n = self.resolve_alias(child)?;
                }
                _ => return None,
            }
        }
        Some(pos)
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
        let y = SourceText::new(
            "a:\n  b: 1\n  c:\n    - {x: 1, x: 2}\n".into(),
            Format::Yaml,
        );
        assert_eq!(y.find_duplicate_key(), Some(("#/a/c/0/x".into(), (4, 14))));
        let j = SourceText::new(
            "{\"a\": {\"b\": [1, {\"c\": 1,\n \"c\": 2}]}}".into(),
            Format::Json,
        );
        assert_eq!(j.find_duplicate_key(), Some(("#/a/b/1/c".into(), (2, 2))));
        let ok = SourceText::new("{\"a\": [], \"b\": {}}".into(), Format::Json);
        assert_eq!(ok.find_duplicate_key(), None);
    }

    #[test]
    fn line_col() {
        assert_eq!(offset_to_line_col("ab\ncd", 0), (1, 1));
        assert_eq!(offset_to_line_col("ab\ncd", 4), (2, 2));
        assert_eq!(offset_to_line_col("é\nx", 100), (2, 2));
    }
}
