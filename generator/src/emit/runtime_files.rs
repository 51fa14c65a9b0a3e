//! The runtime shipped inside every generated crate: ordinary Rust source in
//! `generator/runtime/`, compiled and tested there, copied verbatim — all but
//! the optional parts the crate's APIs do not use ([`RuntimeParts`]): the
//! lines of `mod.rs` marked `// part: NAME …` are left out unless one of the
//! parts named is used, and so are the files of the modules they declare.

use crate::ir::{Gate, RuntimeGates};

/// (file name, contents) of each runtime source file.
pub const RUNTIME_FILES: &[(&str, &str)] = &[
    ("auth.rs", include_str!("../../runtime/auth.rs")),
    ("body.rs", include_str!("../../runtime/body.rs")),
    ("buffer.rs", include_str!("../../runtime/buffer.rs")),
    ("client.rs", include_str!("../../runtime/client.rs")),
    (
        "credentials.rs",
        include_str!("../../runtime/credentials.rs"),
    ),
    ("datetime.rs", include_str!("../../runtime/datetime.rs")),
    ("download.rs", include_str!("../../runtime/download.rs")),
    ("encode.rs", include_str!("../../runtime/encode.rs")),
    ("error.rs", include_str!("../../runtime/error.rs")),
    ("events.rs", include_str!("../../runtime/events.rs")),
    ("execute.rs", include_str!("../../runtime/execute.rs")),
    ("extra.rs", include_str!("../../runtime/extra.rs")),
    ("hook.rs", include_str!("../../runtime/hook.rs")),
    ("lenient.rs", include_str!("../../runtime/lenient.rs")),
    ("maybe.rs", include_str!("../../runtime/maybe.rs")),
    ("mod.rs", include_str!("../../runtime/mod.rs")),
    ("multipart.rs", include_str!("../../runtime/multipart.rs")),
    ("oauth2.rs", include_str!("../../runtime/oauth2.rs")),
    ("object.rs", include_str!("../../runtime/object.rs")),
    ("options.rs", include_str!("../../runtime/options.rs")),
    ("pagination.rs", include_str!("../../runtime/pagination.rs")),
    ("request.rs", include_str!("../../runtime/request.rs")),
    ("response.rs", include_str!("../../runtime/response.rs")),
    ("retry.rs", include_str!("../../runtime/retry.rs")),
    ("secret.rs", include_str!("../../runtime/secret.rs")),
    ("sse.rs", include_str!("../../runtime/sse.rs")),
    ("stream.rs", include_str!("../../runtime/stream.rs")),
    ("trace.rs", include_str!("../../runtime/trace.rs")),
    ("union.rs", include_str!("../../runtime/union.rs")),
];

/// The marker of a line of `mod.rs` belonging to optional parts.
const PART_MARKER: &str = "// part:";

/// A line of `mod.rs` split into its code and the parts it belongs to (none:
/// always kept). Comment lines are never marked.
pub(super) fn split_marker(line: &str) -> (&str, Option<&str>) {
    if line.trim_start().starts_with("//") {
        return (line, None);
    }
    match line.split_once(PART_MARKER) {
        Some((code, parts)) => (code.trim_end(), Some(parts)),
        None => (line, None),
    }
}

/// The `#[cfg]` attribute of a line compiled only with `features`.
fn cfg_line(features: &[String]) -> String {
    let each: Vec<String> = features
        .iter()
        .map(|f| format!("feature = \"{f}\""))
        .collect();
    match each.as_slice() {
        [one] => format!("#[cfg({one})]"),
        _ => format!("#[cfg(any({}))]", each.join(", ")),
    }
}

/// The module a line of `mod.rs` declares (`pub(crate) mod name;`).
pub(super) fn declared_module(code: &str) -> Option<&str> {
    let at = code.find("mod ")?;
    let name = code[at + "mod ".len()..].strip_suffix(';')?;
    (!code.trim_start().starts_with("//")).then_some(name)
}

/// The runtime files of a crate whose APIs use `gates`' parts: `mod.rs`
/// without the lines of the other parts, each line of a part only some
/// APIs use behind their features (`#[cfg]` on the line before), and every
/// file but those of the modules the left-out lines declare.
pub fn runtime_files(gates: &RuntimeGates) -> Vec<(&'static str, std::borrow::Cow<'static, str>)> {
    let mod_rs = RUNTIME_FILES
        .iter()
        .find(|(n, _)| *n == "mod.rs")
        .map_or("", |(_, text)| *text);
    let mut dropped = Vec::new();
    let mut filtered = String::with_capacity(mod_rs.len());
    for line in mod_rs.lines() {
        let (code, names) = split_marker(line);
        match names.map_or(Gate::Always, |names| gates.gate(names)) {
            Gate::Dropped => {
                if let Some(m) = declared_module(code) {
                    dropped.push(format!("{m}.rs"));
                }
                continue;
            }
            Gate::Always => {}
            Gate::Features(features) => {
                let indent = &line[..line.len() - line.trim_start().len()];
                filtered.push_str(indent);
                filtered.push_str(&cfg_line(&features));
                filtered.push('\n');
            }
        }
        filtered.push_str(line);
        filtered.push('\n');
    }
    RUNTIME_FILES
        .iter()
        .filter(|(name, _)| !dropped.iter().any(|d| d == name))
        .map(|(name, text)| {
            let text = if *name == "mod.rs" {
                std::borrow::Cow::Owned(filtered.clone())
            } else {
                std::borrow::Cow::Borrowed(*text)
            };
            (*name, text)
        })
        .collect()
}

/// The cargo features some line of `mod.rs` is gated by in a crate whose
/// APIs use `gates`' parts ([`runtime_files`]), sorted: the features of the
/// runtime's own package (the crate layout).
pub(super) fn gating_features(gates: &RuntimeGates) -> std::collections::BTreeSet<String> {
    let mod_rs = RUNTIME_FILES
        .iter()
        .find(|(n, _)| *n == "mod.rs")
        .map_or("", |(_, text)| *text);
    let mut features = std::collections::BTreeSet::new();
    for line in mod_rs.lines() {
        if let (_, Some(names)) = split_marker(line) {
            if let Gate::Features(f) = gates.gate(names) {
                features.extend(f);
            }
        }
    }
    features
}

/// A runtime file's text for the runtime's own package (the crate layout):
/// every restricted visibility (`pub(crate)`, `pub(super)`, `pub(in …)`)
/// becomes `#[doc(hidden)] pub`, as the API crate, another crate now, uses
/// those items, and the documented public surface stays what it was: the
/// `pub` items (re-exported by the root). Comment lines are left as they
/// are; `pub(self)` is private and stays.
pub(super) fn public_visibility(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4096);
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with("//") {
            out.push_str(line);
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find("pub(") {
            out.push_str(&rest[..at]);
            let before = rest[..at].chars().next_back();
            let word_start = before.is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
            match restricted_at(rest, at).filter(|_| word_start) {
                Some(end) => {
                    out.push_str("#[doc(hidden)] pub");
                    rest = &rest[end..];
                }
                None => {
                    out.push_str("pub(");
                    rest = &rest[at + "pub(".len()..];
                }
            }
        }
        out.push_str(rest);
    }
    out
}

/// The end of a restricted visibility (`pub(crate)`, `pub(super)`, `pub(in
/// path)`, spaces allowed inside the parentheses) starting at `at` in
/// `text`.
fn restricted_at(text: &str, at: usize) -> Option<usize> {
    let inner_start = at + text[at..].strip_prefix("pub(").map(|_| "pub(".len())?;
    let close = inner_start + text[inner_start..].find(')')?;
    let inner = text[inner_start..close].trim();
    let restricted = inner == "crate"
        || inner == "super"
        || inner
            .strip_prefix("in")
            .is_some_and(|path| path.starts_with(char::is_whitespace));
    restricted.then_some(close + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::RuntimeParts;

    fn names(parts: RuntimeParts) -> Vec<&'static str> {
        runtime_files(&parts.into())
            .iter()
            .map(|(n, _)| *n)
            .collect()
    }

    #[test]
    fn every_part_is_kept_only_when_used() {
        let all = names(RuntimeParts::ALL);
        assert_eq!(all.len(), RUNTIME_FILES.len());
        let none = names(RuntimeParts::default());
        for gone in [
            "buffer.rs",
            "datetime.rs",
            "download.rs",
            "events.rs",
            "maybe.rs",
            "multipart.rs",
            "oauth2.rs",
            "pagination.rs",
            "sse.rs",
            "stream.rs",
            "union.rs",
        ] {
            assert!(all.contains(&gone) && !none.contains(&gone), "{gone}");
        }
        assert!(none.contains(&"body.rs") && none.contains(&"execute.rs"));
        let events = RuntimeParts {
            events: true,
            ..RuntimeParts::default()
        };
        let with_events = names(events);
        assert!(with_events.contains(&"events.rs") && with_events.contains(&"sse.rs"));
        assert!(!with_events.contains(&"download.rs") && !with_events.contains(&"pagination.rs"));

        let mod_rs = |parts: RuntimeParts| {
            runtime_files(&parts.into())
                .into_iter()
                .find(|(n, _)| *n == "mod.rs")
                .map(|(_, t)| t.into_owned())
                .unwrap_or_default()
        };
        let none = mod_rs(RuntimeParts::default());
        assert!(!none.contains("mod pagination;") && !none.contains("ClientCredentials"));
        assert!(
            !none.contains("StreamExt"),
            "no stream, no stream re-exports"
        );
        assert!(mod_rs(events).contains("StreamExt"));
        assert!(!mod_rs(events).contains("ItemStream"));
        assert_eq!(
            mod_rs(RuntimeParts::ALL),
            RUNTIME_FILES
                .iter()
                .find(|(n, _)| *n == "mod.rs")
                .unwrap()
                .1
        );
    }

    #[test]
    fn part_markers_name_known_parts_on_whole_items() {
        let mod_rs = RUNTIME_FILES
            .iter()
            .find(|(n, _)| *n == "mod.rs")
            .unwrap()
            .1;
        let mut marked = 0;
        for line in mod_rs.lines() {
            let (code, names) = split_marker(line);
            let Some(names) = names else { continue };
            marked += 1;
            assert!(code.ends_with(';'), "not one whole item: {line}");
            for n in names.split_whitespace() {
                assert!(RuntimeParts::ALL.has(n), "unknown part `{n}`: {line}");
            }
        }
        assert!(marked >= 10, "{marked} marked lines");
    }

    /// `mod.rs` of a crate of three APIs behind features `a`, `b`, `c`.
    fn gated_mod_rs(gated: bool) -> String {
        let a = RuntimeParts {
            union: true,
            multipart: true,
            ..RuntimeParts::default()
        };
        let b = RuntimeParts {
            union: true,
            pagination: true,
            ..RuntimeParts::default()
        };
        let c = RuntimeParts {
            union: true,
            events: true,
            ..RuntimeParts::default()
        };
        let apis = vec![("a".into(), a), ("b".into(), b), ("c".into(), c)];
        runtime_files(&RuntimeGates::new(apis, gated))
            .into_iter()
            .find(|(n, _)| *n == "mod.rs")
            .map(|(_, t)| t.into_owned())
            .unwrap_or_default()
    }

    /// The line before the first line containing `code`.
    fn line_before<'a>(text: &'a str, code: &str) -> &'a str {
        let lines: Vec<&str> = text.lines().collect();
        let at = lines
            .iter()
            .position(|l| l.contains(code))
            .unwrap_or_else(|| panic!("no `{code}` in {text}"));
        if at == 0 {
            ""
        } else {
            lines[at - 1]
        }
    }

    #[test]
    fn parts_some_apis_use_are_behind_their_features() {
        let text = gated_mod_rs(true);
        // Used by one API: its feature alone (`any` of one is refused by
        // clippy's `non_minimal_cfg`).
        assert_eq!(
            line_before(&text, "mod multipart;"),
            "#[cfg(feature = \"a\")]"
        );
        assert_eq!(
            line_before(&text, "use multipart::"),
            "#[cfg(feature = \"a\")]"
        );
        assert_eq!(
            line_before(&text, "mod pagination;"),
            "#[cfg(feature = \"b\")]"
        );
        assert_eq!(line_before(&text, "mod sse;"), "#[cfg(feature = \"c\")]");
        // Several parts on one line: the APIs using any of them.
        assert_eq!(
            line_before(&text, "futures_core::Stream"),
            "#[cfg(any(feature = \"b\", feature = \"c\"))]"
        );
        // Used by every API: no gate.
        assert!(!line_before(&text, "mod union;").contains("cfg"), "{text}");
        // Used by none: left out.
        assert!(!text.contains("mod oauth2;") && !text.contains("mod download;"));
        // The always-compiled lines stay ungated.
        assert!(!line_before(&text, "mod execute;").contains("cfg"));
        syn::parse_str::<syn::File>(&text).expect("gated mod.rs parses");

        // The features those lines name, and no other.
        let gates = |gated| {
            let part = |f: fn(&mut RuntimeParts)| {
                let mut p = RuntimeParts {
                    union: true,
                    ..RuntimeParts::default()
                };
                f(&mut p);
                p
            };
            RuntimeGates::new(
                vec![
                    ("a".into(), part(|p| p.multipart = true)),
                    ("b".into(), part(|p| p.pagination = true)),
                    ("c".into(), part(|p| p.events = true)),
                    ("d".into(), part(|_| {})),
                ],
                gated,
            )
        };
        let names: Vec<String> = gating_features(&gates(true)).into_iter().collect();
        assert_eq!(names, ["a", "b", "c"]);
        assert!(gating_features(&gates(false)).is_empty());

        // APIs not behind features: nothing is gated.
        let plain = gated_mod_rs(false);
        assert!(!plain.contains("#[cfg("), "{plain}");
        assert!(plain.contains("mod multipart;") && plain.contains("mod pagination;"));
    }
    #[test]
    fn restricted_visibility_becomes_hidden_pub() {
        let text = "pub(crate) mod auth; // part: x\n  pub(crate) use a::{B, C};\npub struct S(pub(crate) String);\nimpl S {\n    pub( super ) fn f() {}\n    pub(in crate::x) fn g() {}\n    pub(self) fn h() {}\n    // pub(crate) in a comment\n}\nfn republic(crate_: u8) { let spub = 1; }\n";
        assert_eq!(
            public_visibility(text),
            "#[doc(hidden)] pub mod auth; // part: x\n  #[doc(hidden)] pub use a::{B, C};\npub struct S(#[doc(hidden)] pub String);\nimpl S {\n    #[doc(hidden)] pub fn f() {}\n    #[doc(hidden)] pub fn g() {}\n    pub(self) fn h() {}\n    // pub(crate) in a comment\n}\nfn republic(crate_: u8) { let spub = 1; }\n"
        );
        // Text that only looks like a visibility is kept.
        assert_eq!(public_visibility("xpub(crate) pub("), "xpub(crate) pub(");
    }

    /// The restricted visibilities (`pub(self)` aside) of `items`: theirs,
    /// their fields', their impls' items', their inline modules'.
    fn restricted(items: &[syn::Item]) -> usize {
        let r = |vis: &syn::Visibility| {
            usize::from(matches!(vis, syn::Visibility::Restricted(r) if !r.path.is_ident("self")))
        };
        let fields = |f: &syn::Fields| f.iter().map(|f| r(&f.vis)).sum::<usize>();
        items
            .iter()
            .map(|item| match item {
                syn::Item::Fn(f) => r(&f.vis),
                syn::Item::Struct(s) => r(&s.vis) + fields(&s.fields),
                syn::Item::Enum(e) => r(&e.vis),
                syn::Item::Type(t) => r(&t.vis),
                syn::Item::Const(c) => r(&c.vis),
                syn::Item::Static(c) => r(&c.vis),
                syn::Item::Trait(t) => r(&t.vis),
                syn::Item::Use(u) => r(&u.vis),
                syn::Item::Mod(m) => {
                    r(&m.vis) + m.content.as_ref().map_or(0, |(_, items)| restricted(items))
                }
                syn::Item::Impl(i) => i
                    .items
                    .iter()
                    .map(|item| match item {
                        syn::ImplItem::Fn(f) => r(&f.vis),
                        syn::ImplItem::Const(c) => r(&c.vis),
                        syn::ImplItem::Type(t) => r(&t.vis),
                        _ => 0,
                    })
                    .sum(),
                _ => 0,
            })
            .sum()
    }

    #[test]
    fn every_runtime_file_loses_restricted_visibility() {
        let mut before = 0;
        for (name, text) in runtime_files(&RuntimeParts::ALL.into()) {
            let parse = |text: &str| {
                syn::parse_str::<syn::File>(text)
                    .unwrap_or_else(|e| panic!("{name} does not parse: {e}"))
            };
            before += restricted(&parse(&text).items);
            let out = public_visibility(&text);
            assert_eq!(restricted(&parse(&out).items), 0, "{name}");
            let code: Vec<&str> = out
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect();
            for r in ["pub(crate)", "pub(super)", "pub(in "] {
                assert!(!code.iter().any(|l| l.contains(r)), "{name}: {r}");
            }
            if name == "mod.rs" {
                let hidden_mods = code
                    .iter()
                    .filter(|l| l.starts_with("#[doc(hidden)] pub mod "))
                    .count();
                assert_eq!(hidden_mods, RUNTIME_FILES.len() - 1, "{out}");
            }
        }
        assert!(before > 50, "{before} restricted visibilities rewritten");
    }

    #[test]
    fn lists_every_runtime_file() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("runtime");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .expect("runtime dir")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".rs"))
            .collect();
        on_disk.sort();
        let listed: Vec<&str> = super::RUNTIME_FILES.iter().map(|(n, _)| *n).collect();
        assert_eq!(on_disk, listed);
    }
}
