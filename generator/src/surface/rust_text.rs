//! Rust type tokens (as emitted) → short, stable text for API files.
//!
//! `crate::runtime::Maybe<i64>` becomes `runtime::Maybe<i64>`,
//! `types::Contact` becomes `Contact`, `std::collections::BTreeMap` becomes
//! `BTreeMap`, and lifetimes are dropped: the text names what a caller
//! writes, and does not change when only spacing or paths inside the crate do.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

enum Atom {
    Word(String),
    Punct(char, Spacing),
    Open(char),
    Close(char),
}

fn atoms(ts: &TokenStream, out: &mut Vec<Atom>) {
    for tt in ts.clone() {
        match tt {
            TokenTree::Ident(i) => out.push(Atom::Word(i.to_string())),
            TokenTree::Literal(l) => out.push(Atom::Word(l.to_string())),
            TokenTree::Punct(p) => out.push(Atom::Punct(p.as_char(), p.spacing())),
            TokenTree::Group(g) => {
                let (open, close) = match g.delimiter() {
                    Delimiter::Parenthesis => (Some('('), Some(')')),
                    Delimiter::Bracket => (Some('['), Some(']')),
                    Delimiter::Brace => (Some('{'), Some('}')),
                    Delimiter::None => (None, None),
                };
                if let Some(o) = open {
                    out.push(Atom::Open(o));
                }
                atoms(&g.stream(), out);
                if let Some(c) = close {
                    out.push(Atom::Close(c));
                }
            }
        }
    }
}

/// Whether `atoms[i..]` starts with `::`.
fn path_sep(atoms: &[Atom], i: usize) -> bool {
    matches!(
        (atoms.get(i), atoms.get(i + 1)),
        (
            Some(Atom::Punct(':', Spacing::Joint)),
            Some(Atom::Punct(':', _))
        )
    )
}

fn word(atoms: &[Atom], i: usize) -> Option<&str> {
    match atoms.get(i) {
        Some(Atom::Word(w)) => Some(w),
        _ => None,
    }
}

/// The text of a type (or a parenthesized argument list).
pub fn type_text(ts: &TokenStream) -> String {
    let mut list = Vec::new();
    atoms(ts, &mut list);
    let mut out = String::new();
    let mut prev_word = false;
    let mut i = 0;
    while i < list.len() {
        let starts_path = i < 2 || !path_sep(&list, i - 2);
        // Crate-internal path prefixes callers never write.
        if starts_path && path_sep(&list, i + 1) {
            match word(&list, i) {
                Some("crate") | Some("types") => {
                    i += 3;
                    continue;
                }
                Some("std")
                    if word(&list, i + 3) == Some("collections") && path_sep(&list, i + 4) =>
                {
                    i += 6;
                    continue;
                }
                _ => {}
            }
        }
        match &list[i] {
            Atom::Word(w) => {
                if prev_word {
                    out.push(' ');
                }
                out.push_str(w);
                prev_word = true;
            }
            // A lifetime: `'a` is dropped with the space after it.
            Atom::Punct('\'', _) => {
                i += 2;
                continue;
            }
            Atom::Punct(c, spacing) => {
                // A trailing comma (`Map<K, V,>` from a formatter) says nothing.
                if *c == '>' && out.ends_with(", ") {
                    out.truncate(out.len() - 2);
                }
                out.push(*c);
                let joined = *spacing == Spacing::Joint
                    || (*c == ':'
                        && i > 0
                        && matches!(list[i - 1], Atom::Punct(':', Spacing::Joint)));
                if (*c == ',' || *c == ':') && !joined {
                    out.push(' ');
                }
                prev_word = false;
            }
            Atom::Close(c) if out.ends_with(", ") => {
                out.truncate(out.len() - 2);
                out.push(*c);
                prev_word = false;
            }
            Atom::Open(c) | Atom::Close(c) => {
                out.push(*c);
                prev_word = false;
            }
        }
        i += 1;
    }
    out.trim_end().to_string()
}

/// Identifiers in `text` that start a path (`Contact` in
/// `Vec<Contact>`, not `Value` in `serde_json::Value`): candidate
/// references to named types.
pub fn path_heads(text: &str) -> Vec<&str> {
    head_spans(text)
        .into_iter()
        .map(|(a, b)| &text[a..b])
        .collect()
}

/// `text` with every path head replaced by `f(head)` when that gives one.
pub fn replace_heads(text: &str, f: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (a, b) in head_spans(text) {
        if let Some(new) = f(&text[a..b]) {
            out.push_str(&text[at..a]);
            out.push_str(&new);
            at = b;
        }
    }
    out.push_str(&text[at..]);
    out
}

fn head_spans(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_alphabetic() || bytes[i] == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            let after_sep = text[..start].ends_with("::");
            let before_sep = text[i..].starts_with("::");
            if !after_sep && !before_sep {
                out.push((start, i));
            }
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn texts() {
        let cases = [
            (quote!(crate::runtime::Maybe<i64>), "runtime::Maybe<i64>"),
            (quote!(Option<types::Contact>), "Option<Contact>"),
            (
                quote!(std::collections::BTreeMap<String, Vec<types::Tag>>),
                "BTreeMap<String, Vec<Tag>>",
            ),
            (
                quote!(&'a types::UpdateContactRequest),
                "&UpdateContactRequest",
            ),
            (
                quote!((base_url: impl Into<String>, token: impl Into<crate::runtime::Secret>)),
                "(base_url: impl Into<String>, token: impl Into<runtime::Secret>)",
            ),
            (
                quote!(serde_json::Map<String, serde_json::Value>),
                "serde_json::Map<String, serde_json::Value>",
            ),
            (quote!(()), "()"),
            (quote!(Result<A, B,>), "Result<A, B>"),
            (quote!((a: A,)), "(a: A)"),
            (quote!(std::time::Duration), "std::time::Duration"),
        ];
        for (tokens, text) in cases {
            assert_eq!(type_text(&tokens), text);
        }
    }

    #[test]
    fn heads() {
        assert_eq!(
            path_heads("BTreeMap<String, serde_json::Value>"),
            ["BTreeMap", "String"]
        );
        assert_eq!(
            path_heads("runtime::Maybe<Vec<Contact>>"),
            ["Vec", "Contact"]
        );
        assert_eq!(
            replace_heads("Vec<Contact>", |h| (h == "Contact")
                .then(|| "Person".to_string())),
            "Vec<Person>"
        );
    }
}
