//! Two [`Surface`]s → classified changes.
//!
//! Every change is judged twice: for Rust callers (does code written against
//! the old crate still compile and mean the same?) and on the wire (does a
//! client generated from the old spec still work against a server that
//! follows the new one?). Renamed types and operations are recognised (same
//! shape, or same route) and reported once, not as a removal and an addition
//! plus every use.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use super::rust_text::replace_heads;
use super::text::{Item, Key, Kind, Surface};
use super::usage::{usage, Usage};

/// What a change does to one view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Effect {
    None,
    Additive,
    Breaking,
}

/// The overall class of a change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    Docs,
    Additive,
    Breaking,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The item, as in the new API (the old one when removed).
    pub key: Key,
    /// What changed, without naming the item (`type `i64` → `String``):
    /// identical summaries on items with the same leaf name are grouped.
    pub summary: String,
    /// Item-specific detail, e.g. the full Rust types.
    pub detail: Option<String>,
    pub rust: Effect,
    pub wire: Effect,
    /// Additive by the generated crate's conventions, breaking under strict
    /// Cargo SemVer rules (a new public field breaks a struct literal that
    /// names every field).
    pub strict_breaking: bool,
}

impl Change {
    pub fn class(&self) -> Class {
        if self.rust == Effect::Breaking || self.wire == Effect::Breaking {
            Class::Breaking
        } else if self.rust == Effect::Additive || self.wire == Effect::Additive {
            Class::Additive
        } else {
            Class::Docs
        }
    }

    /// The Rust-facing name of the item (`Contact.owner_id`, `Client::update_contact`).
    pub fn subject(&self) -> String {
        subject(&self.key)
    }
}

pub fn subject(key: &Key) -> String {
    let p = &key.path;
    match key.kind {
        Kind::Module => format!("module {p}"),
        Kind::Feature => format!("feature `{p}`"),
        Kind::Client if p == "new" => "Client::new".to_string(),
        Kind::Client => p.clone(),
        Kind::Server => format!("Server::{p}"),
        Kind::Auth => format!("ClientBuilder::{p}"),
        Kind::Setting => format!("ClientBuilder::{p}"),
        Kind::Op => format!("Client::{p}"),
        Kind::Param => format!("{}({})", key.owner(), key.leaf()),
        Kind::Body => format!("{p}(body)"),
        Kind::Returns => format!("{p} response"),
        Kind::Output | Kind::Error => format!("{} {}", key.owner(), key.leaf()),
        Kind::Errors => format!("{p} errors"),
        Kind::Runtime => format!("runtime::{p}"),
        Kind::Type | Kind::Field | Kind::Variant | Kind::Other => p.clone(),
    }
}

fn change(key: &Key, summary: impl Into<String>, rust: Effect, wire: Effect) -> Change {
    Change {
        key: key.clone(),
        summary: summary.into(),
        detail: None,
        rust,
        wire,
        strict_breaking: false,
    }
}

fn code(s: &str) -> String {
    super::report::code(s)
}

/// Renames found between two surfaces: old name → new name.
#[derive(Default)]
struct Renames {
    types: BTreeMap<String, String>,
    ops: BTreeMap<String, String>,
    /// Per-operation enum names (`FooError`, `FooOutput`), old → new.
    idents: BTreeMap<String, String>,
}

impl Renames {
    fn is_empty(&self) -> bool {
        self.types.is_empty() && self.ops.is_empty()
    }

    fn ident(&self, name: &str) -> Option<&String> {
        self.types.get(name).or_else(|| self.idents.get(name))
    }

    /// `text` with renamed type names replaced (path heads only).
    fn text(&self, text: &str) -> String {
        if self.types.is_empty() && self.idents.is_empty() {
            return text.to_string();
        }
        replace_heads(text, |h| self.ident(h).cloned())
    }

    fn path(&self, key: &Key) -> String {
        let map = match key.kind {
            Kind::Type | Kind::Field | Kind::Variant => &self.types,
            Kind::Op
            | Kind::Param
            | Kind::Body
            | Kind::Returns
            | Kind::Output
            | Kind::Errors
            | Kind::Error => &self.ops,
            _ => return key.path.clone(),
        };
        match (map.get(key.owner()), key.path.split_once('.')) {
            (Some(new), Some((_, leaf))) => format!("{new}.{leaf}"),
            (Some(new), None) => new.clone(),
            (None, _) => key.path.clone(),
        }
    }
}

/// A type's structure without its name or docs, for rename detection.
fn shape(s: &Surface, ty: &str) -> Option<Vec<(Kind, String, Item)>> {
    let item = s.get(Kind::Type, ty)?;
    let mut out = vec![(Kind::Type, String::new(), item.without(&["docs"]))];
    for (k, i) in s.children(ty, &[Kind::Field, Kind::Variant]) {
        out.push((k.kind, k.leaf().to_string(), i.without(&["docs"])));
    }
    Some(out)
}

fn find_renames(old: &Surface, new: &Surface) -> Renames {
    let mut r = Renames::default();
    let gone = |kind: Kind| {
        old.items
            .keys()
            .filter(move |k| k.kind == kind && !new.items.contains_key(*k))
    };
    let came = |kind: Kind| {
        new.items
            .keys()
            .filter(move |k| k.kind == kind && !old.items.contains_key(*k))
    };
    // Candidates by shape, each list in key order: pairing is linear and
    // deterministic however many types appear and disappear.
    let mut by_shape: HashMap<Vec<(Kind, String, Item)>, VecDeque<&str>> = HashMap::new();
    for n in came(Kind::Type) {
        if let Some(sh) = shape(new, &n.path) {
            by_shape.entry(sh).or_default().push_back(&n.path);
        }
    }
    for o in gone(Kind::Type) {
        let Some(n) = shape(old, &o.path).and_then(|sh| by_shape.get_mut(&sh)?.pop_front()) else {
            continue;
        };
        r.types.insert(o.path.clone(), n.to_string());
    }
    // An operation keeps its route when only its name (operationId) changes.
    let route = |s: &Surface, op: &str| s.get(Kind::Op, op).map(|i| normalize_route(&i.value));
    let mut by_route: HashMap<String, VecDeque<&str>> = HashMap::new();
    for n in came(Kind::Op) {
        if let Some(rt) = route(new, &n.path) {
            by_route.entry(rt).or_default().push_back(&n.path);
        }
    }
    for o in gone(Kind::Op) {
        let Some(n) = route(old, &o.path).and_then(|rt| by_route.get_mut(&rt)?.pop_front()) else {
            continue;
        };
        r.ops.insert(o.path.clone(), n.to_string());
        if let (Some(a), Some(b)) = (
            old.get(Kind::Op, &o.path).and_then(|i| i.get("builder")),
            new.get(Kind::Op, n).and_then(|i| i.get("builder")),
        ) {
            r.idents.insert(a.to_string(), b.to_string());
        }
        for kind in [Kind::Errors, Kind::Returns] {
            if let (Some(a), Some(b)) = (old.get(kind, &o.path), new.get(kind, n)) {
                if a.value != b.value
                    && !a.value.contains(['<', ' '])
                    && !b.value.contains(['<', ' '])
                {
                    r.idents.insert(a.value.clone(), b.value.clone());
                }
            }
        }
    }
    r
}

/// `PUT /contacts/{id}` and `PUT /contacts/{contact_id}` are the same route.
fn normalize_route(route: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in route.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push('{');
            }
            '}' => {
                in_param = false;
                out.push('}');
            }
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out
}

/// `(token: impl Into<X>, n: i64)` → `(impl Into<X>, i64)`: argument names
/// are not part of a Rust API.
fn arg_types(sig: &str) -> String {
    let Some(inner) = sig.strip_prefix('(').and_then(|s| s.strip_suffix(')')) else {
        return sig.to_string();
    };
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    let bytes = inner.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'<' | b'(' | b'[' => depth += 1,
            b'>' | b')' | b']' => depth -= 1,
            b',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    let types: Vec<&str> = parts
        .iter()
        .map(|p| {
            let p = p.trim();
            // The first lone `:` ends the name (`::` is part of a path).
            let colon = p
                .char_indices()
                .find(|&(i, c)| c == ':' && !p[i + 1..].starts_with(':') && !p[..i].ends_with(':'));
            colon.map_or(p, |(i, _)| p[i + 1..].trim())
        })
        .filter(|p| !p.is_empty())
        .collect();
    format!("({})", types.join(", "))
}

/// Compares two surfaces of the same module.
pub fn diff(old: &Surface, new: &Surface) -> Vec<Change> {
    let renames = find_renames(old, new);
    // The old surface with renamed items under their new names.
    let moved: Cow<'_, Surface> = if renames.is_empty() {
        Cow::Borrowed(old)
    } else {
        let mut m = Surface::default();
        for (k, item) in &old.items {
            let mut item = item.clone();
            item.value = renames.text(&item.value);
            for f in item.flags.iter_mut().filter(|f| f.name == "builder") {
                if let Some(v) = f.value.as_mut() {
                    *v = renames.text(v);
                }
            }
            m.insert(Key::new(k.kind, renames.path(k)), item);
        }
        Cow::Owned(m)
    };
    let moved: &Surface = &moved;
    let mut usage_all: BTreeMap<String, Usage> = usage(moved);
    for (t, u) in usage(new) {
        let e = usage_all.entry(t).or_default();
        *e = e.union(u);
    }
    let ctx = Ctx {
        old: moved,
        new,
        usage: usage_all,
    };

    let mut changes = Vec::new();
    for (o, n) in renames.types.iter().chain(&renames.ops) {
        let kind = if renames.types.contains_key(o) {
            Kind::Type
        } else {
            Kind::Op
        };
        let what = if kind == Kind::Type {
            "type"
        } else {
            "operation"
        };
        let mut c = change(
            &Key::new(kind, n),
            format!("{what} renamed from {}", code(o)),
            Effect::Breaking,
            Effect::None,
        );
        c.detail = Some(format!("{} → {}", code(o), code(n)));
        changes.push(c);
    }
    let mut found = Vec::new();
    for (key, a) in &moved.items {
        let b = new.items.get(key);
        if b != Some(a) {
            found.extend(ctx.item(key, Some(a), b));
        }
    }
    for (key, b) in &new.items {
        if !moved.items.contains_key(key) {
            found.extend(ctx.item(key, None, Some(b)));
        }
    }
    found.sort_by(|x, y| x.key.cmp(&y.key));
    changes.extend(found);
    changes
}

struct Ctx<'a> {
    old: &'a Surface,
    new: &'a Surface,
    usage: BTreeMap<String, Usage>,
}

/// Wrappers that say whether a value is there, not what it is.
fn core(text: &str) -> &str {
    let mut t = text.trim();
    loop {
        let inner = ["Option<", "runtime::Maybe<", "Box<", "&"]
            .iter()
            .find_map(|w| {
                t.strip_prefix(w).map(|r| {
                    if w.ends_with('<') {
                        r.strip_suffix('>').unwrap_or(r)
                    } else {
                        r
                    }
                })
            });
        match inner {
            Some(i) => t = i.trim(),
            None => return t,
        }
    }
}

/// `old` and `new` with their common prefix and suffix cut: the part of a
/// type that actually changed (`Option<i64>` → `Option<String>` is `i64` →
/// `String`).
fn changed_part<'t>(old: &'t str, new: &'t str) -> (&'t str, &'t str) {
    let (a, b) = (core(old), core(new));
    let pre = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    // Cut only at a boundary that keeps identifiers whole.
    let mut pre = pre.min(a.len()).min(b.len());
    while pre > 0 && !(a.as_bytes()[pre - 1] == b'<' || a.as_bytes()[pre - 1] == b' ') {
        pre -= 1;
    }
    let (a2, b2) = (&a[pre..], &b[pre..]);
    let mut suf = a2
        .bytes()
        .rev()
        .zip(b2.bytes().rev())
        .take_while(|(x, y)| x == y)
        .count();
    suf = suf.min(a2.len()).min(b2.len());
    while suf > 0 && a2.as_bytes()[a2.len() - suf] != b'>' && a2.as_bytes()[a2.len() - suf] != b','
    {
        suf -= 1;
    }
    let (x, y) = (&a2[..a2.len() - suf], &b2[..b2.len() - suf]);
    if x.is_empty() || y.is_empty() {
        (a, b)
    } else {
        (x, y)
    }
}

/// Scalar types in widening order within one family.
fn widens(from: &str, to: &str) -> bool {
    const CHAINS: &[&[&str]] = &[&["i32", "i64", "f64"], &["f32", "f64"], &["i32", "f32"]];
    if to == "serde_json::Value" {
        return true;
    }
    CHAINS.iter().any(|chain| {
        let (f, t) = (
            chain.iter().position(|x| *x == from),
            chain.iter().position(|x| *x == to),
        );
        matches!((f, t), (Some(f), Some(t)) if f < t)
    })
}

impl Ctx<'_> {
    fn type_item(&self, name: &str) -> Option<&Item> {
        self.new
            .get(Kind::Type, name)
            .or_else(|| self.old.get(Kind::Type, name))
    }

    /// Whether a type changed kind (enum → constant, struct → union): its
    /// members' changes are part of that one change.
    fn kind_changed(&self, ty: &str) -> bool {
        matches!((self.old.get(Kind::Type, ty), self.new.get(Kind::Type, ty)), (Some(a), Some(b)) if a.value != b.value)
    }

    fn usage_of(&self, ty: &str) -> Usage {
        self.usage.get(ty).copied().unwrap_or_default()
    }

    fn is_string_enum(&self, ty: &str) -> bool {
        self.type_item(ty)
            .is_some_and(|i| i.value == "enum string" && i.has("non_exhaustive"))
    }

    /// Whether a value of the old type still works as the new one, for
    /// data flowing `input` (old client → new server) or output (new
    /// server → old client).
    fn wire_compatible(&self, old: &str, new: &str, input: bool) -> bool {
        let (a, b) = (core(old), core(new));
        if a == b {
            return true;
        }
        for wrapper in ["Vec<", "BTreeMap<String, "] {
            if let (Some(x), Some(y)) = (a.strip_prefix(wrapper), b.strip_prefix(wrapper)) {
                return self.wire_compatible(
                    x.strip_suffix('>').unwrap_or(x),
                    y.strip_suffix('>').unwrap_or(y),
                    input,
                );
            }
        }
        let (from, to) = if input { (a, b) } else { (b, a) };
        // The receiver's type must hold every value of the sender's.
        widens(from, to)
            || (to == "String" && self.is_string_enum(from))
            // An old client keeps any string it does not know in `Unknown`.
            || (!input && from == "String" && self.is_string_enum(to))
    }

    /// Wire effect of a type change on an item used `u`.
    fn type_wire(&self, old: &str, new: &str, u: Usage) -> Effect {
        let broken = (u.input && !self.wire_compatible(old, new, true))
            || (u.output && !self.wire_compatible(old, new, false));
        if broken {
            Effect::Breaking
        } else {
            Effect::None
        }
    }

    fn op_usage(kind: Kind) -> Usage {
        match kind {
            Kind::Param | Kind::Body => Usage {
                input: true,
                output: false,
            },
            _ => Usage {
                input: false,
                output: true,
            },
        }
    }

    fn item(&self, key: &Key, a: Option<&Item>, b: Option<&Item>) -> Vec<Change> {
        match (a, b) {
            (None, None) => Vec::new(),
            (Some(a), None) => self.removed(key, a),
            (None, Some(b)) => self.added(key, b),
            (Some(a), Some(b)) => self.changed(key, a, b),
        }
    }

    fn removed(&self, key: &Key, a: &Item) -> Vec<Change> {
        let r = Effect::Breaking;
        let c = |wire: Effect, what: &str| vec![change(key, what, r, wire)];
        match key.kind {
            // Items of a removed owner are covered by its removal.
            Kind::Param
            | Kind::Body
            | Kind::Returns
            | Kind::Output
            | Kind::Errors
            | Kind::Error
                if self.new.get(Kind::Op, key.owner()).is_none() =>
            {
                Vec::new()
            }
            Kind::Field | Kind::Variant
                if self.new.get(Kind::Type, key.owner()).is_none()
                    || self.kind_changed(key.owner()) =>
            {
                Vec::new()
            }
            Kind::Module => c(Effect::Breaking, "module removed"),
            Kind::Feature => c(Effect::None, "cargo feature removed"),
            Kind::Server => c(Effect::Breaking, "server removed"),
            Kind::Auth => c(
                Effect::Breaking,
                "credential setter removed (security scheme gone)",
            ),
            Kind::Setting => c(
                Effect::None,
                "client setting removed (the header is no longer sent by default)",
            ),
            Kind::Op => c(Effect::Breaking, "operation removed"),
            Kind::Param => c(Effect::None, "parameter removed"),
            Kind::Body => c(Effect::None, "request body removed"),
            Kind::Error => c(Effect::None, "error response removed"),
            Kind::Output => c(Effect::Breaking, "success response removed"),
            Kind::Type => c(Effect::None, "type removed"),
            Kind::Runtime => c(Effect::None, "runtime item removed"),
            Kind::Field => {
                let u = self.usage_of(key.owner());
                let wire = if u.output && a.has("required") {
                    Effect::Breaking
                } else {
                    Effect::None
                };
                c(wire, "field removed")
            }
            Kind::Variant => {
                let u = self.usage_of(key.owner());
                let wire = if u.input {
                    Effect::Breaking
                } else {
                    Effect::None
                };
                c(wire, "variant removed")
            }
            _ => c(Effect::None, "removed"),
        }
    }

    fn added(&self, key: &Key, b: &Item) -> Vec<Change> {
        let add = |what: &str| vec![change(key, what, Effect::Additive, Effect::None)];
        match key.kind {
            Kind::Param
            | Kind::Body
            | Kind::Returns
            | Kind::Output
            | Kind::Errors
            | Kind::Error
                if self.old.get(Kind::Op, key.owner()).is_none() =>
            {
                Vec::new()
            }
            Kind::Field | Kind::Variant
                if self.old.get(Kind::Type, key.owner()).is_none()
                    || self.kind_changed(key.owner()) =>
            {
                Vec::new()
            }
            Kind::Module => add("module added"),
            Kind::Feature => add("cargo feature added"),
            Kind::Client => add("added"),
            Kind::Server => {
                let open = self
                    .new
                    .get(Kind::Client, "Server")
                    .is_some_and(|i| i.has("non_exhaustive"));
                let rust = if open || self.old.get(Kind::Client, "Server").is_none() {
                    Effect::Additive
                } else {
                    Effect::Breaking
                };
                vec![change(
                    key,
                    format!("server added ({})", code(&b.value)),
                    rust,
                    Effect::None,
                )]
            }
            Kind::Auth => add("credential setter added (new security scheme)"),
            Kind::Setting => add(&format!(
                "client setting added (header {} sent with every request, default {})",
                code(b.get("wire").unwrap_or("")),
                code(b.get("default").unwrap_or(""))
            )),
            Kind::Op => add("operation added"),
            Kind::Param | Kind::Body => {
                let what = if key.kind == Kind::Body {
                    "request body"
                } else {
                    "parameter"
                };
                if b.has("arg") {
                    vec![change(
                        key,
                        format!("required {what} added"),
                        Effect::Breaking,
                        Effect::Breaking,
                    )]
                } else {
                    add(&format!("optional {what} added"))
                }
            }
            Kind::Error => {
                let open = self
                    .new
                    .get(Kind::Errors, key.owner())
                    .is_some_and(|i| i.has("non_exhaustive"));
                let rust = if open {
                    Effect::Additive
                } else {
                    Effect::Breaking
                };
                vec![change(
                    key,
                    format!(
                        "error response added (status {})",
                        b.get("status").unwrap_or("?")
                    ),
                    rust,
                    Effect::None,
                )]
            }
            Kind::Output => vec![change(
                key,
                "success response added",
                Effect::Breaking,
                Effect::Breaking,
            )],
            Kind::Type => add("type added"),
            Kind::Runtime => add("runtime item added"),
            Kind::Field => {
                let u = self.usage_of(key.owner());
                // A field the caller must supply: struct literals and `new`
                // change, and old clients never send it.
                let must = b.has("required") && !b.has("nullable") && b.get("default").is_none();
                if b.has("required") {
                    let wire = if u.input && must {
                        Effect::Breaking
                    } else {
                        Effect::None
                    };
                    vec![change(key, "required field added", Effect::Breaking, wire)]
                } else {
                    let mut c = change(key, "optional field added", Effect::Additive, Effect::None);
                    c.strict_breaking = true;
                    vec![c]
                }
            }
            Kind::Variant => {
                let ty = self.new.get(Kind::Type, key.owner());
                let open = ty.is_some_and(|i| i.has("non_exhaustive"));
                let rust = if open {
                    Effect::Additive
                } else {
                    Effect::Breaking
                };
                // A new value reaches old clients as `Unknown` when the type
                // has one; an untagged union just fails to decode.
                let wire = if self.usage_of(key.owner()).output && !open {
                    Effect::Breaking
                } else {
                    Effect::None
                };
                let what = if ty.is_some_and(|i| i.value.starts_with("enum")) {
                    format!("enum value {} added", code(&b.value))
                } else {
                    "union variant added".to_string()
                };
                vec![change(key, what, rust, wire)]
            }
            _ => add("added"),
        }
    }

    fn changed(&self, key: &Key, a: &Item, b: &Item) -> Vec<Change> {
        let mut parts = Parts::default();
        let value_changed = a.value != b.value;
        match key.kind {
            Kind::Module => {
                if value_changed {
                    parts.docs(format!("title {} → {}", code(&a.value), code(&b.value)));
                }
                for f in ["version", "openapi"] {
                    if a.get(f) != b.get(f) {
                        parts.docs(format!(
                            "{f} {} → {}",
                            code(a.get(f).unwrap_or("")),
                            code(b.get(f).unwrap_or(""))
                        ));
                    }
                }
            }
            Kind::Client if key.path == "new" => {
                if arg_types(&a.value) != arg_types(&b.value) {
                    parts.push(
                        format!("arguments {} → {}", code(&a.value), code(&b.value)),
                        Effect::Breaking,
                        Effect::None,
                    );
                }
                match (a.has("default"), b.has("default")) {
                    (true, false) => parts.push(
                        "`Client` no longer implements `Default`",
                        Effect::Breaking,
                        Effect::None,
                    ),
                    (false, true) => parts.push(
                        "`Client` now implements `Default`",
                        Effect::Additive,
                        Effect::None,
                    ),
                    _ => {}
                }
            }
            Kind::Client if key.path == "DEFAULT_BASE_URL" => {
                parts.push(
                    format!("default base URL {} → {}", code(&a.value), code(&b.value)),
                    Effect::None,
                    Effect::Breaking,
                );
            }
            Kind::Server => {
                if value_changed {
                    parts.push(
                        format!("URL {} → {}", code(&a.value), code(&b.value)),
                        Effect::None,
                        Effect::Breaking,
                    );
                }
            }
            Kind::Auth => {
                if arg_types(&a.value) != arg_types(&b.value) {
                    parts.push(
                        format!("arguments {} → {}", code(&a.value), code(&b.value)),
                        Effect::Breaking,
                        Effect::Breaking,
                    );
                }
                let how = |i: &Item| i.without(&["docs", "key"]).flags;
                if how(a) != how(b) {
                    parts.push(
                        format!("credential sent as {} → {}", auth_text(a), auth_text(b)),
                        Effect::None,
                        Effect::Breaking,
                    );
                }
            }
            Kind::Setting => {
                if arg_types(&a.value) != arg_types(&b.value) {
                    parts.push(
                        format!("arguments {} → {}", code(&a.value), code(&b.value)),
                        Effect::Breaking,
                        Effect::None,
                    );
                }
                for f in ["wire", "default"] {
                    if a.get(f) != b.get(f) {
                        // Every request now carries something else.
                        let what = if f == "wire" {
                            "header"
                        } else {
                            "default sent with every request"
                        };
                        parts.push(
                            format!(
                                "{what} {} → {}",
                                code(a.get(f).unwrap_or("")),
                                code(b.get(f).unwrap_or(""))
                            ),
                            Effect::None,
                            Effect::Breaking,
                        );
                    }
                }
            }
            Kind::Op => self.op_changed(&mut parts, a, b),
            Kind::Param | Kind::Body => self.input_changed(&mut parts, key, a, b),
            Kind::Returns | Kind::Output | Kind::Error => {
                if value_changed {
                    let wire = self.type_wire(&a.value, &b.value, Self::op_usage(key.kind));
                    let (x, y) = changed_part(&a.value, &b.value);
                    parts.push(
                        format!("type {} → {}", code(x), code(y)),
                        Effect::Breaking,
                        wire,
                    );
                    parts.detail = Some(format!("{} → {}", code(&a.value), code(&b.value)));
                }
                if a.get("status") != b.get("status") {
                    parts.push(
                        format!(
                            "status {} → {}",
                            a.get("status").unwrap_or("?"),
                            b.get("status").unwrap_or("?")
                        ),
                        Effect::None,
                        Effect::Breaking,
                    );
                }
            }
            Kind::Errors => {
                if value_changed {
                    parts.push(
                        format!("error enum {} → {}", code(&a.value), code(&b.value)),
                        Effect::Breaking,
                        Effect::None,
                    );
                }
                if a.has("non_exhaustive") != b.has("non_exhaustive") {
                    parts.push(
                        "error enum exhaustiveness changed",
                        Effect::Breaking,
                        Effect::None,
                    );
                }
            }
            Kind::Type => self.type_changed(&mut parts, key, a, b),
            Kind::Field => self.field_changed(&mut parts, key, a, b),
            Kind::Variant => self.variant_changed(&mut parts, key, a, b),
            _ => {
                if a.without(&["docs"]) != b.without(&["docs"]) {
                    parts.push(
                        format!("{} → {}", code(&a.value), code(&b.value)),
                        Effect::Breaking,
                        Effect::None,
                    );
                }
            }
        }
        // Generic flags every item may carry.
        if a.has("deprecated") != b.has("deprecated") {
            parts.docs(if b.has("deprecated") {
                "now deprecated"
            } else {
                "no longer deprecated"
            });
        }
        if a.get("docs") != b.get("docs") {
            parts.docs("documentation changed");
        }
        parts.finish(key)
    }

    fn op_changed(&self, parts: &mut Parts, a: &Item, b: &Item) {
        // Files written before builders were listed have no flag: not a change.
        if a.get("builder").is_some()
            && b.get("builder").is_some()
            && a.get("builder") != b.get("builder")
        {
            let n = |i: &Item| code(i.get("builder").unwrap_or(""));
            parts.push(
                format!("request builder type {} → {}", n(a), n(b)),
                Effect::Breaking,
                Effect::None,
            );
        }
        if normalize_route(&a.value) != normalize_route(&b.value) {
            parts.push(
                format!("route {} → {}", code(&a.value), code(&b.value)),
                Effect::None,
                Effect::Breaking,
            );
        }
        let (fa, fb) = (a.all("feature"), b.all("feature"));
        if fa != fb {
            let lost = fa.iter().any(|f| !fb.contains(f));
            let rust = if lost {
                Effect::Breaking
            } else {
                Effect::Additive
            };
            parts.push(
                format!(
                    "cargo features {} → {}",
                    code(&fa.join(", ")),
                    code(&fb.join(", "))
                ),
                rust,
                Effect::None,
            );
        }
        let (sa, sb) = (
            a.get("security").unwrap_or("none"),
            b.get("security").unwrap_or("none"),
        );
        if sa != sb {
            // Still accepting every old way to authenticate is additive.
            let old: BTreeSet<&str> = sa.split('|').collect();
            let new: BTreeSet<&str> = sb.split('|').collect();
            let wire = if old.is_subset(&new) {
                Effect::Additive
            } else {
                Effect::Breaking
            };
            parts.push(
                format!("security {} → {}", code(sa), code(sb)),
                Effect::None,
                wire,
            );
        }
    }

    fn input_changed(&self, parts: &mut Parts, key: &Key, a: &Item, b: &Item) {
        let what = if key.kind == Kind::Body {
            "request body"
        } else {
            "parameter"
        };
        match (a.get("arg"), b.get("arg")) {
            (Some(_), None) => parts.push(
                format!("{what} now optional (a builder setter, no longer an argument)"),
                Effect::Breaking,
                Effect::None,
            ),
            (None, Some(_)) => parts.push(
                format!("{what} now required (a positional argument)"),
                Effect::Breaking,
                Effect::Breaking,
            ),
            (Some(x), Some(y)) if x != y => parts.push(
                format!("argument position {x} → {y}"),
                Effect::Breaking,
                Effect::None,
            ),
            _ => {}
        }
        if a.value != b.value {
            let wire = self.type_wire(
                &a.value,
                &b.value,
                Usage {
                    input: true,
                    output: false,
                },
            );
            let (x, y) = changed_part(&a.value, &b.value);
            parts.push(
                format!("type {} → {}", code(x), code(y)),
                Effect::Breaking,
                wire,
            );
            parts.detail = Some(format!("{} → {}", code(&a.value), code(&b.value)));
        }
        const PLACES: &[&str] = &[
            "path",
            "query",
            "header",
            "cookie",
            "json",
            "form",
            "multipart",
            "text",
            "binary",
        ];
        let place = |i: &Item| PLACES.iter().find(|p| i.has(p)).copied().unwrap_or("?");
        if place(a) != place(b) {
            parts.push(
                format!("moved from {} to {}", place(a), place(b)),
                Effect::None,
                Effect::Breaking,
            );
        }
        for f in ["wire", "style", "content-type"] {
            if a.get(f) != b.get(f) {
                let show = |i: &Item| {
                    code(
                        i.get(f)
                            .unwrap_or(if f == "wire" { key.leaf() } else { "default" }),
                    )
                };
                parts.push(
                    format!("{f} {} → {}", show(a), show(b)),
                    Effect::None,
                    Effect::Breaking,
                );
            }
        }
        if a.has("explode") != b.has("explode")
            && a.get("style").is_some() == b.get("style").is_some()
        {
            parts.push("explode changed", Effect::None, Effect::Breaking);
        }
        if a.get("default") != b.get("default") {
            parts.docs("server default changed");
        }
    }

    fn type_changed(&self, parts: &mut Parts, key: &Key, a: &Item, b: &Item) {
        let u = self.usage_of(&key.path);
        // Features gating the type; none: always compiled. A build with
        // only a feature the type lost no longer has it.
        let (fa, fb) = (a.all("feature"), b.all("feature"));
        if fa != fb {
            let lost = !fb.is_empty() && (fa.is_empty() || fa.iter().any(|f| !fb.contains(f)));
            let shown = |f: &[&str]| {
                if f.is_empty() {
                    "always".to_string()
                } else {
                    code(&f.join(", "))
                }
            };
            parts.push(
                format!("cargo features {} → {}", shown(&fa), shown(&fb)),
                if lost {
                    Effect::Breaking
                } else {
                    Effect::Additive
                },
                Effect::None,
            );
        }
        if a.value != b.value {
            let wire = match (a.value.strip_prefix("= "), b.value.strip_prefix("= ")) {
                (Some(x), Some(y)) => self.type_wire(x, y, u),
                _ if u.input || u.output => Effect::Breaking,
                _ => Effect::None,
            };
            parts.push(
                format!("{} → {}", code(&a.value), code(&b.value)),
                Effect::Breaking,
                wire,
            );
        }
        if a.has("non_exhaustive") != b.has("non_exhaustive") && a.value == b.value {
            parts.push(
                if b.has("non_exhaustive") {
                    "now `#[non_exhaustive]`"
                } else {
                    "no longer `#[non_exhaustive]`"
                },
                Effect::Breaking,
                Effect::None,
            );
        }
        if a.get("tag") != b.get("tag") || a.has("untagged") != b.has("untagged") {
            let t = |i: &Item| {
                i.get("tag")
                    .map_or("untagged".to_string(), |t| format!("tagged by {}", code(t)))
            };
            parts.push(
                format!("{} → {}", t(a), t(b)),
                Effect::None,
                if u.input || u.output {
                    Effect::Breaking
                } else {
                    Effect::None
                },
            );
        }
        // A kind change (enum → constant) already says it.
        if a.get("const") != b.get("const") && a.value == b.value {
            parts.push(
                format!(
                    "constant {} → {}",
                    code(a.get("const").unwrap_or("")),
                    code(b.get("const").unwrap_or(""))
                ),
                Effect::None,
                if u.input || u.output {
                    Effect::Breaking
                } else {
                    Effect::None
                },
            );
        }
        if a.has("nullable") != b.has("nullable") {
            let wire = if (b.has("nullable") && u.output) || (a.has("nullable") && u.input) {
                Effect::Breaking
            } else {
                Effect::None
            };
            parts.push(
                if b.has("nullable") {
                    "now nullable"
                } else {
                    "no longer nullable"
                },
                Effect::None,
                wire,
            );
        }
        if a.get("validate") != b.get("validate") {
            let wire = if b.get("validate").is_some() && u.input {
                Effect::Breaking
            } else {
                Effect::None
            };
            let v = |i: &Item| i.get("validate").map_or("none".to_string(), code);
            parts.push(
                format!("at-least-one-of constraint {} → {}", v(a), v(b)),
                Effect::None,
                wire,
            );
        }
        let (da, db) = (a.all("derive"), b.all("derive"));
        if da != db {
            let lost: Vec<&str> = da.iter().filter(|d| !db.contains(d)).copied().collect();
            let gained: Vec<&str> = db.iter().filter(|d| !da.contains(d)).copied().collect();
            if !lost.is_empty() {
                parts.push(
                    format!("no longer derives {}", code(&lost.join(", "))),
                    Effect::Breaking,
                    Effect::None,
                );
            }
            if !gained.is_empty() {
                parts.push(
                    format!("now derives {}", code(&gained.join(", "))),
                    Effect::Additive,
                    Effect::None,
                );
            }
        }
        if a.all("attr") != b.all("attr") {
            // An attribute can change anything (serde behaviour, exhaustiveness).
            parts.push(
                format!(
                    "attributes {} → {}",
                    code(&a.all("attr").join(" ")),
                    code(&b.all("attr").join(" "))
                ),
                Effect::Breaking,
                Effect::None,
            );
        }
        // Constructor changes follow from field changes, reported there.
        let fields_changed = self
            .old
            .children(&key.path, &[Kind::Field])
            .any(|(k, i)| self.new.items.get(k) != Some(i))
            || self
                .new
                .children(&key.path, &[Kind::Field])
                .any(|(k, _)| !self.old.items.contains_key(k));
        if !fields_changed {
            match (a.has("default"), b.has("default")) {
                (true, false) => parts.push(
                    "no longer implements `Default`",
                    Effect::Breaking,
                    Effect::None,
                ),
                (false, true) => {
                    parts.push("now implements `Default`", Effect::Additive, Effect::None)
                }
                _ => {
                    if a.get("new") != b.get("new") {
                        parts.push(
                            format!(
                                "`new` arguments {} → {}",
                                code(a.get("new").unwrap_or("")),
                                code(b.get("new").unwrap_or(""))
                            ),
                            Effect::Breaking,
                            Effect::None,
                        );
                    }
                }
            }
        }
    }

    fn field_changed(&self, parts: &mut Parts, key: &Key, a: &Item, b: &Item) {
        let u = self.usage_of(key.owner());
        let (ra, rb) = (a.has("required"), b.has("required"));
        if ra != rb {
            // A field that becomes read-only is optional in the generated
            // struct (requests leave it out) but still sent in responses.
            let still_sent = b.has("read-only") && !a.has("read-only");
            let wire = if (rb && u.input) || (ra && u.output && !still_sent) {
                Effect::Breaking
            } else {
                Effect::None
            };
            parts.push(
                if rb {
                    "optional → required"
                } else {
                    "required → optional"
                },
                Effect::Breaking,
                wire,
            );
        }
        let (na, nb) = (a.has("nullable"), b.has("nullable"));
        if na != nb {
            let wire = if (nb && u.output) || (na && u.input) {
                Effect::Breaking
            } else {
                Effect::None
            };
            parts.push(
                if nb {
                    "now nullable"
                } else {
                    "no longer nullable"
                },
                Effect::Breaking,
                wire,
            );
        }
        if core(&a.value) != core(&b.value) {
            let wire = self.type_wire(&a.value, &b.value, u);
            let (x, y) = changed_part(&a.value, &b.value);
            parts.push(
                format!("type {} → {}", code(x), code(y)),
                Effect::Breaking,
                wire,
            );
        } else if a.value != b.value && ra == rb && na == nb {
            parts.push(
                format!("{} → {}", code(&a.value), code(&b.value)),
                Effect::Breaking,
                Effect::None,
            );
        }
        if a.value != b.value {
            parts.detail = Some(format!("{} → {}", code(&a.value), code(&b.value)));
        }
        if a.get("wire") != b.get("wire") {
            let w = |i: &Item| code(i.get("wire").unwrap_or(key.leaf()));
            parts.push(
                format!("wire name {} → {}", w(a), w(b)),
                Effect::None,
                if u.input || u.output {
                    Effect::Breaking
                } else {
                    Effect::None
                },
            );
        }
        if a.get("additional") != b.get("additional") {
            parts.docs(format!(
                "additional properties {} → {}",
                a.get("additional").unwrap_or("?"),
                b.get("additional").unwrap_or("?")
            ));
        }
        if a.has("read-only") != b.has("read-only") {
            // The server now ignores what old clients send.
            let wire = if b.has("read-only") && u.input {
                Effect::Breaking
            } else {
                Effect::None
            };
            parts.push(
                if b.has("read-only") {
                    "now read-only"
                } else {
                    "no longer read-only"
                },
                Effect::None,
                wire,
            );
        }
        if a.has("write-only") != b.has("write-only") {
            let wire = if b.has("write-only") && u.output && rb {
                Effect::Breaking
            } else {
                Effect::None
            };
            parts.push(
                if b.has("write-only") {
                    "now write-only"
                } else {
                    "no longer write-only"
                },
                Effect::None,
                wire,
            );
        }
        if a.get("default") != b.get("default") {
            // A required field's default is what `new` fills in.
            let wire = if rb && u.input {
                Effect::Breaking
            } else {
                Effect::None
            };
            parts.push(
                format!(
                    "default {} → {}",
                    code(a.get("default").unwrap_or("none")),
                    code(b.get("default").unwrap_or("none"))
                ),
                Effect::None,
                wire,
            );
        }
    }

    fn variant_changed(&self, parts: &mut Parts, key: &Key, a: &Item, b: &Item) {
        let u = self.usage_of(key.owner());
        let is_enum = self
            .type_item(key.owner())
            .is_some_and(|i| i.value.starts_with("enum"));
        if a.value != b.value {
            if is_enum {
                parts.push(
                    format!("value {} → {}", code(&a.value), code(&b.value)),
                    Effect::None,
                    Effect::Breaking,
                );
            } else {
                let wire = self.type_wire(&a.value, &b.value, u);
                let (x, y) = changed_part(&a.value, &b.value);
                parts.push(
                    format!("type {} → {}", code(x), code(y)),
                    Effect::Breaking,
                    wire,
                );
                parts.detail = Some(format!("{} → {}", code(&a.value), code(&b.value)));
            }
        }
        if a.all("tag") != b.all("tag") {
            parts.push(
                format!(
                    "tags {} → {}",
                    code(&a.all("tag").join(", ")),
                    code(&b.all("tag").join(", "))
                ),
                Effect::None,
                Effect::Breaking,
            );
        }
    }
}

fn auth_text(i: &Item) -> String {
    let flags: Vec<String> = i
        .without(&["docs", "key"])
        .flags
        .iter()
        .map(|f| match &f.value {
            Some(v) => format!("{}={v}", f.name),
            None => f.name.clone(),
        })
        .collect();
    code(&flags.join(" "))
}

/// The pieces of one item's change, merged into one [`Change`].
#[derive(Default)]
struct Parts {
    what: Vec<String>,
    rust: Option<Effect>,
    wire: Option<Effect>,
    detail: Option<String>,
}

impl Parts {
    fn push(&mut self, what: impl Into<String>, rust: Effect, wire: Effect) {
        self.what.push(what.into());
        self.rust = Some(self.rust.map_or(rust, |r| r.max(rust)));
        self.wire = Some(self.wire.map_or(wire, |w| w.max(wire)));
    }

    fn docs(&mut self, what: impl Into<String>) {
        self.push(what, Effect::None, Effect::None);
    }

    fn finish(self, key: &Key) -> Vec<Change> {
        if self.what.is_empty() {
            return Vec::new();
        }
        let mut c = change(
            key,
            self.what.join("; "),
            self.rust.unwrap_or(Effect::None),
            self.wire.unwrap_or(Effect::None),
        );
        c.detail = self.detail;
        vec![c]
    }
}
