//! Positions of the values of a JSON text: one iterative scan into a flat
//! node list (16 bytes a value, no strings copied), then each look-up walks
//! only the pointer's path.
//!
//! The scan trusts the text to be JSON (it was parsed before, or the look-up
//! is for an error message): on anything else it stops and keeps the nodes
//! it has.

use std::collections::HashSet;

const NONE: u32 = u32::MAX;
/// Set in `key_len` when the key contains escapes (compare decoded).
const ESCAPED: u32 = 1 << 31;

#[derive(Clone, Copy)]
struct Node {
    /// Byte offset of the value.
    offset: u32,
    /// The next value in the same container.
    next: u32,
    /// The key of an object member: offset of its opening quote and length
    /// including both quotes (plus [`ESCAPED`]).
    key_start: u32,
    key_len: u32,
}

pub(crate) struct JsonIndex {
    nodes: Vec<Node>,
}

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

/// The end of the scalar (number, literal or string) at `i`.
fn scalar_end(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i) == Some(&b'"') {
        return scan_string(b, i).map(|(end, _)| end);
    }
    let mut j = i;
    while j < b.len() && !matches!(b[j], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
        j += 1;
    }
    (j > i).then_some(j)
}

struct Open {
    last_child: u32,
    object: bool,
}

impl JsonIndex {
    /// Scans `text`; `None` when it is too big for 32-bit offsets.
    pub(crate) fn build(text: &str) -> Option<JsonIndex> {
        let b = text.as_bytes();
        if b.len() >= NONE as usize {
            return None;
        }
        let mut index = JsonIndex { nodes: Vec::new() };
        index.scan(b);
        Some(index)
    }

    fn scan(&mut self, b: &[u8]) {
        let mut stack: Vec<Open> = Vec::new();
        let mut i = skip_ws(b, 0);
        // The key of the member whose value comes next.
        let mut key: (u32, u32) = (NONE, 0);
        'value: loop {
            let Some(&c) = b.get(i) else { return };
            let n = self.nodes.len() as u32;
            // Only members of an object have a key.
            let in_object = stack.last().is_some_and(|p| p.object);
            let (key_start, key_len) = if in_object { key } else { (NONE, 0) };
            self.nodes.push(Node {
                offset: i as u32,
                next: NONE,
                key_start,
                key_len,
            });
            if let Some(parent) = stack.last_mut() {
                if parent.last_child != NONE {
                    self.nodes[parent.last_child as usize].next = n;
                }
                parent.last_child = n;
            }
            if c == b'{' || c == b'[' {
                i = skip_ws(b, i + 1);
                if matches!(b.get(i), Some(b'}' | b']')) {
                    i += 1;
                } else {
                    stack.push(Open {
                        last_child: NONE,
                        object: c == b'{',
                    });
                    if c == b'{' {
                        let Some(next) = read_key(b, i, &mut key) else {
                            return;
                        };
                        i = next;
                    }
                    continue 'value;
                }
            } else {
                let Some(end) = scalar_end(b, i) else { return };
                i = end;
            }
            // After a value: `,` then the next member, or close containers.
            loop {
                i = skip_ws(b, i);
                let Some(top) = stack.last() else { return };
                match b.get(i) {
                    Some(b',') => {
                        i = skip_ws(b, i + 1);
                        if top.object {
                            let Some(next) = read_key(b, i, &mut key) else {
                                return;
                            };
                            i = next;
                        }
                        continue 'value;
                    }
                    Some(b'}' | b']') => {
                        stack.pop();
                        i += 1;
                    }
                    _ => return,
                }
            }
        }
    }

    /// The byte offset of the value at `segments`.
    pub(crate) fn locate(&self, text: &str, segments: &[String]) -> Option<usize> {
        let b = text.as_bytes();
        let mut n = 0usize;
        self.nodes.first()?;
        for seg in segments {
            let mut child = self.first_child(b, n)?;
            match b[self.nodes[n].offset as usize] {
                b'{' => loop {
                    if self.key_is(text, child, seg) {
                        break;
                    }
                    child = self.next(child)?;
                },
                b'[' => {
                    let index: usize = seg.parse().ok()?;
                    for _ in 0..index {
                        child = self.next(child)?;
                    }
                }
                _ => return None,
            }
            n = child;
        }
        Some(self.nodes[n].offset as usize)
    }

    fn first_child(&self, b: &[u8], n: usize) -> Option<usize> {
        let offset = self.nodes[n].offset as usize;
        if !matches!(b.get(offset), Some(b'{' | b'[')) {
            return None;
        }
        let after = skip_ws(b, offset + 1);
        if matches!(b.get(after), Some(b'}' | b']')) {
            return None;
        }
        (n + 1 < self.nodes.len()).then_some(n + 1)
    }

    fn next(&self, n: usize) -> Option<usize> {
        let next = self.nodes[n].next;
        (next != NONE).then_some(next as usize)
    }

    fn key_text(&self, text: &str, n: usize) -> Option<String> {
        let node = &self.nodes[n];
        if node.key_start == NONE {
            return None;
        }
        let start = node.key_start as usize;
        let len = (node.key_len & !ESCAPED) as usize;
        let raw = text.get(start..start + len)?;
        if node.key_len & ESCAPED != 0 {
            serde_json::from_str(raw).ok()
        } else {
            Some(raw[1..raw.len() - 1].to_string())
        }
    }

    fn key_is(&self, text: &str, n: usize, want: &str) -> bool {
        let node = &self.nodes[n];
        if node.key_start == NONE {
            return false;
        }
        if node.key_len & ESCAPED == 0 {
            let start = node.key_start as usize + 1;
            let len = node.key_len as usize - 2;
            return text.as_bytes().get(start..start + len) == Some(want.as_bytes());
        }
        self.key_text(text, n).as_deref() == Some(want)
    }

    /// The first key that repeats within its object, in document order:
    /// the pointer segments of its second occurrence and the key's offset.
    pub(crate) fn first_duplicate(&self, text: &str) -> Option<(Vec<String>, usize)> {
        let b = text.as_bytes();
        let mut best: Option<(usize, usize)> = None; // (key offset, node)
        for (n, node) in self.nodes.iter().enumerate() {
            if b.get(node.offset as usize) != Some(&b'{') {
                continue;
            }
            let mut seen = HashSet::new();
            let mut child = self.first_child(b, n);
            while let Some(c) = child {
                let key = self.key_text(text, c).unwrap_or_default();
                if !seen.insert(key) {
                    let at = self.nodes[c].key_start as usize;
                    if best.is_none_or(|(o, _)| at < o) {
                        best = Some((at, c));
                    }
                    break;
                }
                child = self.next(c);
            }
        }
        let (offset, node) = best?;
        Some((self.path_to(text, node), offset))
    }

    /// The pointer segments of node `target` (a walk from the root).
    fn path_to(&self, text: &str, target: usize) -> Vec<String> {
        let b = text.as_bytes();
        let mut segments = Vec::new();
        let mut n = 0;
        while n != target {
            // The child whose subtree holds `target`: the last child that
            // starts at or before it (nodes are in document order).
            let Some(mut child) = self.first_child(b, n) else {
                break;
            };
            let mut index = 0;
            while let Some(next) = self.next(child).filter(|&x| x <= target) {
                child = next;
                index += 1;
            }
            segments.push(match self.key_text(text, child) {
                Some(k) => k,
                None => index.to_string(),
            });
            n = child;
        }
        segments
    }
}

/// Reads the key at `i` (`"..."` then `:`) into `key`; returns the offset of
/// the member's value.
fn read_key(b: &[u8], i: usize, key: &mut (u32, u32)) -> Option<usize> {
    if b.get(i) != Some(&b'"') {
        return None;
    }
    let (end, escaped) = scan_string(b, i)?;
    let len = (end - i) as u32;
    if len >= ESCAPED {
        return None;
    }
    *key = (i as u32, if escaped { len | ESCAPED } else { len });
    let j = skip_ws(b, end);
    (b.get(j) == Some(&b':')).then(|| skip_ws(b, j + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn locates_and_finds_duplicates() {
        let text = r#"{"a": [1, {"b\/c": 2, "d": []}], "e": {}, "f": "x"}"#;
        let index = JsonIndex::build(text).unwrap();
        let at = |s: &[&str]| index.locate(text, &segs(s));
        assert_eq!(at(&[]), Some(0));
        assert_eq!(at(&["a", "1", "b/c"]), Some(19));
        assert_eq!(at(&["a", "1", "d"]), Some(27));
        assert_eq!(at(&["e"]), Some(38));
        assert_eq!(at(&["f"]), Some(47));
        assert_eq!(at(&["e", "x"]), None);
        assert_eq!(at(&["a", "2"]), None);
        assert_eq!(index.first_duplicate(text), None);

        let dup = r#"{"a": {"x": 1, "y": {"z": 1, "z": 2}, "x": 3}}"#;
        let index = JsonIndex::build(dup).unwrap();
        assert_eq!(
            index.first_duplicate(dup),
            Some((segs(&["a", "y", "z"]), 29))
        );
    }

    #[test]
    fn garbage_never_panics() {
        for text in [
            "",
            "{",
            "[1,",
            "{\"a\"",
            "{\"a\":",
            "]",
            "{\"a\": 1}}",
            "\"x",
        ] {
            if let Some(index) = JsonIndex::build(text) {
                let _ = index.locate(text, &segs(&["a"]));
                let _ = index.first_duplicate(text);
            }
        }
    }
}
