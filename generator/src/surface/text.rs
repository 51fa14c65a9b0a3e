//! The line format of API description files, both ways.
//!
//! One item per line: `kind path[: value][  flag[=value]]...`, fields
//! separated by two spaces. Paths are Rust names joined by `.`; values and
//! flag values are written raw when they are plain printable ASCII with no
//! double space, and as JSON strings (non-ASCII escaped) otherwise, so
//! nothing from a spec can break a line, forge another one, or hide text
//! from a terminal. Lines starting with `#` are comments.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// What an item is; the order is the order of sections in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// The module: title and API version (metadata).
    Module,
    /// A cargo feature gating the module or some of its operations.
    Feature,
    /// `Client::new`, `DEFAULT_BASE_URL`, the `Server` enum.
    Client,
    /// A variant of the `Server` enum.
    Server,
    /// A credential setter of `ClientBuilder` (one security scheme).
    Auth,
    /// A client-wide setting other than credentials.
    Setting,
    /// A `Client` method.
    Op,
    /// A parameter of an operation: positional argument or builder setter.
    Param,
    /// The request body of an operation.
    Body,
    /// The `T` of `Response<T>`.
    Returns,
    /// A variant of the output enum (operations with several successes).
    Output,
    /// The operation's error enum.
    Errors,
    /// A variant of the error enum (one declared error response).
    Error,
    /// A named type in the `types` module.
    Type,
    /// A public field of a struct.
    Field,
    /// A variant of an enum or union.
    Variant,
    /// A public item of the runtime the module's crate ships (for the parts
    /// the API uses): re-exported items, variants, trait and `pub` methods,
    /// trait impls.
    Runtime,
    /// A kind this version does not know (from a newer file): kept and
    /// compared as an opaque line.
    Other,
}

impl Kind {
    const ALL: &'static [(Kind, &'static str)] = &[
        (Kind::Module, "module"),
        (Kind::Feature, "feature"),
        (Kind::Client, "client"),
        (Kind::Server, "server"),
        (Kind::Auth, "auth"),
        (Kind::Setting, "setting"),
        (Kind::Op, "op"),
        (Kind::Param, "param"),
        (Kind::Body, "body"),
        (Kind::Returns, "returns"),
        (Kind::Output, "output"),
        (Kind::Errors, "errors"),
        (Kind::Error, "error"),
        (Kind::Type, "type"),
        (Kind::Field, "field"),
        (Kind::Variant, "variant"),
        (Kind::Runtime, "runtime"),
    ];

    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(k, _)| *k == self)
            .map_or("other", |(_, s)| s)
    }

    pub fn parse(s: &str) -> Kind {
        Self::ALL
            .iter()
            .find(|(_, n)| *n == s)
            .map_or(Kind::Other, |(k, _)| *k)
    }

    /// The section of the file: crate and client, operations, types.
    fn section(self) -> u8 {
        match self {
            Kind::Module
            | Kind::Feature
            | Kind::Client
            | Kind::Server
            | Kind::Auth
            | Kind::Setting => 0,
            Kind::Op
            | Kind::Param
            | Kind::Body
            | Kind::Returns
            | Kind::Output
            | Kind::Errors
            | Kind::Error => 1,
            Kind::Type | Kind::Field | Kind::Variant => 2,
            Kind::Runtime => 3,
            Kind::Other => 4,
        }
    }
}

/// Identifies an item across versions: its kind and Rust path.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub kind: Kind,
    /// `Contact.owner_id`, `update_contact`, ... For [`Kind::Other`], the
    /// unknown kind word and the path.
    pub path: String,
    /// Where the owner ends in `path` (the first `.`, or its length): keys
    /// are compared often, so this is found once.
    split: usize,
}

impl Key {
    pub fn new(kind: Kind, path: impl Into<String>) -> Key {
        let path = path.into();
        let split = path.find('.').unwrap_or(path.len());
        Key { kind, path, split }
    }

    /// The item this one belongs to: the type of a field, the operation of a
    /// parameter; the path itself for top-level items.
    pub fn owner(&self) -> &str {
        &self.path[..self.split]
    }

    /// The last segment of the path: the field, parameter or variant name.
    pub fn leaf(&self) -> &str {
        self.path.get(self.split + 1..).unwrap_or(&self.path)
    }

    /// Crate-level items by kind; operations and types by owner, so that a
    /// type's fields follow it.
    fn sort_key(&self) -> (u8, &str, Kind, &str) {
        match self.kind.section() {
            0 => (0, "", self.kind, &self.path),
            section => (
                section,
                self.owner(),
                self.kind,
                self.path.get(self.split + 1..).unwrap_or(""),
            ),
        }
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Key {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.sort_key()
            .cmp(&other.sort_key())
            .then_with(|| self.path.cmp(&other.path))
    }
}

/// One flag: a bare word (`required`) or `name=value`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Flag {
    pub name: String,
    pub value: Option<String>,
}

/// One line's content beyond its key. Values are kept decoded.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Item {
    /// A Rust type or signature, a URL, an enum value, ... (may be empty).
    pub value: String,
    /// In the order written; a name may repeat (`tag=a  tag=b`).
    pub flags: Vec<Flag>,
}

impl Item {
    pub fn new(value: impl Into<String>) -> Item {
        Item {
            value: value.into(),
            flags: Vec::new(),
        }
    }

    /// Adds a bare flag when `on`.
    pub fn flag(mut self, name: &str, on: bool) -> Item {
        if on {
            self.flags.push(Flag {
                name: name.to_string(),
                value: None,
            });
        }
        self
    }

    /// Adds `name=value` when `value` is given.
    pub fn with(mut self, name: &str, value: Option<impl Into<String>>) -> Item {
        if let Some(v) = value {
            self.flags.push(Flag {
                name: name.to_string(),
                value: Some(v.into()),
            });
        }
        self
    }

    pub fn has(&self, name: &str) -> bool {
        self.flags.iter().any(|f| f.name == name)
    }

    /// The value of the first flag called `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.flags
            .iter()
            .find(|f| f.name == name)
            .and_then(|f| f.value.as_deref())
    }

    /// Every value of flags called `name`, in order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.flags
            .iter()
            .filter(|f| f.name == name)
            .filter_map(|f| f.value.as_deref())
            .collect()
    }

    /// The item without flags called `names`.
    pub fn without(&self, names: &[&str]) -> Item {
        Item {
            value: self.value.clone(),
            flags: self
                .flags
                .iter()
                .filter(|f| !names.contains(&f.name.as_str()))
                .cloned()
                .collect(),
        }
    }
}

/// The public API of one generated module.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Surface {
    pub items: BTreeMap<Key, Item>,
}

impl Surface {
    pub fn insert(&mut self, key: Key, item: Item) {
        self.items.insert(key, item);
    }

    pub fn get(&self, kind: Kind, path: &str) -> Option<&Item> {
        self.items.get(&Key::new(kind, path))
    }

    /// Items of `kind` whose owner is `owner`.
    pub fn children<'a>(
        &'a self,
        owner: &'a str,
        kinds: &'a [Kind],
    ) -> impl Iterator<Item = (&'a Key, &'a Item)> + 'a {
        // Members of one owner and kind are adjacent in key order, starting
        // right after `owner.`.
        kinds.iter().flat_map(move |&kind| {
            self.items
                .range(Key::new(kind, format!("{owner}."))..)
                .take_while(move |(k, _)| {
                    k.kind == kind && k.owner() == owner && k.path.len() > owner.len()
                })
        })
    }

    /// The file text: `header` lines (each prefixed with `# `), then one line
    /// per item in key order.
    pub fn to_text(&self, header: &[String]) -> String {
        let mut out = String::new();
        for h in header {
            out.push_str("# ");
            out.push_str(&encode_comment(h));
            out.push('\n');
        }
        for (key, item) in &self.items {
            out.push_str(&line(key, item));
            out.push('\n');
        }
        out
    }

    /// Reads a file written by [`Surface::to_text`]. Unknown kinds are kept
    /// as opaque items; a malformed line is an error naming its number.
    pub fn parse(text: &str) -> Result<Surface, String> {
        let mut s = Surface::default();
        for (i, raw) in text.lines().enumerate() {
            if raw.trim().is_empty() || raw.starts_with('#') {
                continue;
            }
            let (key, item) = parse_line(raw).map_err(|e| format!("line {}: {e}", i + 1))?;
            s.items.insert(key, item);
        }
        Ok(s)
    }
}

/// One item as a line (without the newline).
pub fn line(key: &Key, item: &Item) -> String {
    let mut out = String::new();
    match key.kind {
        Kind::Other => {
            let (word, path) = key.path.split_once(' ').unwrap_or(("other", &key.path));
            out.push_str(word);
            out.push(' ');
            out.push_str(&encode(path, true));
        }
        k => {
            out.push_str(k.as_str());
            out.push(' ');
            out.push_str(&encode(&key.path, true));
        }
    }
    if !item.value.is_empty() {
        out.push_str(": ");
        out.push_str(&encode(&item.value, false));
    }
    for f in &item.flags {
        out.push_str("  ");
        out.push_str(&f.name);
        if let Some(v) = &f.value {
            out.push('=');
            out.push_str(&encode(v, false));
        }
    }
    out
}

/// Whether `s` can be written as is: printable ASCII, no double or edge
/// spaces, no leading quote; in a path also no `: ` (it ends the path).
fn is_raw(s: &str, path: bool) -> bool {
    !s.is_empty()
        && !s.starts_with('"')
        && !s.starts_with(' ')
        && !s.ends_with(' ')
        && !s.contains("  ")
        && s.bytes().all(|b| (0x20..0x7f).contains(&b))
        && !(path && (s.contains(' ') || s.contains(':')))
}

/// `s` raw if that is unambiguous, else as a JSON string with every
/// non-ASCII or control character escaped.
pub fn encode(s: &str, path: bool) -> String {
    if is_raw(s, path) {
        return s.to_string();
    }
    json_ascii(s)
}

/// A JSON string literal that is pure printable ASCII.
pub fn json_ascii(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            ' '..='~' => out.push(c),
            _ => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
    out
}

/// Header text is ours, but may name a spec path: keep it on one line.
fn encode_comment(s: &str) -> String {
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        s.to_string()
    } else {
        json_ascii(s)
    }
}

/// Reads one encoded token from the start of `s`: a JSON string, or raw
/// text up to `stop` (or the end). Returns the decoded text and the rest.
fn token<'a>(s: &'a str, stop: &[&str]) -> Result<(String, &'a str), String> {
    if s.starts_with('"') {
        let mut stream = serde_json::Deserializer::from_str(s).into_iter::<String>();
        let value = match stream.next() {
            Some(Ok(v)) => v,
            _ => return Err(format!("bad quoted text at `{}`", preview(s))),
        };
        return Ok((value, &s[stream.byte_offset()..]));
    }
    let end = stop
        .iter()
        .filter_map(|p| s.find(p))
        .min()
        .unwrap_or(s.len());
    Ok((s[..end].to_string(), &s[end..]))
}

fn preview(s: &str) -> String {
    json_ascii(&s.chars().take(30).collect::<String>())
}

fn parse_line(raw: &str) -> Result<(Key, Item), String> {
    let (word, rest) = raw
        .split_once(' ')
        .ok_or_else(|| format!("no path in {}", preview(raw)))?;
    let kind = Kind::parse(word);
    let (path, mut rest) = token(rest, &[": ", "  "])?;
    if path.is_empty() {
        return Err(format!("empty path in {}", preview(raw)));
    }
    let path = if kind == Kind::Other {
        format!("{word} {path}")
    } else {
        path
    };
    let mut item = Item::default();
    if let Some(r) = rest.strip_prefix(": ") {
        let (value, r) = token(r, &["  "])?;
        item.value = value;
        rest = r;
    }
    while !rest.is_empty() {
        let r = rest
            .strip_prefix("  ")
            .ok_or_else(|| format!("expected two spaces before {}", preview(rest)))?;
        let name_end = r.find(['=', ' ']).unwrap_or(r.len());
        let name = &r[..name_end];
        if name.is_empty() {
            return Err(format!("empty flag at {}", preview(r)));
        }
        let r = &r[name_end..];
        let (value, r) = match r.strip_prefix('=') {
            Some(v) => {
                let (value, r) = token(v, &["  "])?;
                (Some(value), r)
            }
            None => (None, r),
        };
        item.flags.push(Flag {
            name: name.to_string(),
            value,
        });
        rest = r;
    }
    Ok((Key::new(kind, path), item))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_round_trip_whatever_the_text() {
        let mut s = Surface::default();
        s.insert(
            Key::new(Kind::Field, "Contact.owner_id"),
            Item::new("Option<i64>")
                .flag("required", true)
                .flag("nullable", true),
        );
        s.insert(
            Key::new(Kind::Server, "Production"),
            Item::new("https://api.example.com/v1").flag("default", true),
        );
        s.insert(
            Key::new(Kind::Variant, "Role.Odd"),
            Item::new("\"quoted\"  two  spaces\nnew line # ünïcode \u{202e}")
                .with("wire", Some("a=b  c")),
        );
        s.insert(
            Key::new(Kind::Param, "op.x"),
            Item::new("impl Into<String>")
                .with("wire", Some(""))
                .with("tag", Some(" lead")),
        );
        s.insert(Key::new(Kind::Other, "widget w.x"), Item::new("v"));
        let text = s.to_text(&["header".to_string()]);
        assert!(text.is_ascii(), "{text}");
        assert_eq!(text.lines().count(), 6, "{text}");
        let back = Surface::parse(&text).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn sorted_by_section_owner_kind() {
        let mut s = Surface::default();
        s.insert(Key::new(Kind::Field, "A.z"), Item::default());
        s.insert(Key::new(Kind::Type, "A"), Item::default());
        s.insert(Key::new(Kind::Param, "get.id"), Item::default());
        s.insert(Key::new(Kind::Op, "get"), Item::default());
        s.insert(Key::new(Kind::Returns, "get"), Item::default());
        s.insert(Key::new(Kind::Module, "m"), Item::default());
        let order: Vec<String> = s.to_text(&[]).lines().map(str::to_string).collect();
        assert_eq!(
            order,
            [
                "module m",
                "op get",
                "param get.id",
                "returns get",
                "type A",
                "field A.z"
            ]
        );
    }

    #[test]
    fn children_are_found_by_range() {
        let mut s = Surface::default();
        for p in ["A.x", "A.y", "AB.z", "B.a"] {
            s.insert(Key::new(Kind::Field, p), Item::default());
        }
        s.insert(Key::new(Kind::Variant, "A.v"), Item::default());
        s.insert(Key::new(Kind::Type, "A"), Item::default());
        let names = |owner: &str, kinds: &[Kind]| -> Vec<String> {
            s.children(owner, kinds)
                .map(|(k, _)| k.path.clone())
                .collect()
        };
        assert_eq!(names("A", &[Kind::Field]), ["A.x", "A.y"]);
        assert_eq!(
            names("A", &[Kind::Field, Kind::Variant]),
            ["A.x", "A.y", "A.v"]
        );
        assert_eq!(names("AB", &[Kind::Field]), ["AB.z"]);
        assert!(names("C", &[Kind::Field]).is_empty());
    }

    #[test]
    fn malformed_lines_are_errors_not_panics() {
        for bad in [
            "field",
            "field \"unterminated",
            "field a: \"x",
            "field a  =x",
            "field a: b c  d=\"",
            "field : x",
        ] {
            assert!(Surface::parse(bad).is_err(), "{bad}");
        }
    }
}
