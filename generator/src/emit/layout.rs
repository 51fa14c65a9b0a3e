//! The module layout: one API in one file for `include!`, with no
//! assumption about where the including crate puts it.
//!
//! The emitters name runtime items `crate::runtime::…`, the crate layout's
//! path. Here the runtime is a sibling of `types` and the client, so those
//! paths are rewritten to `super::runtime::…` on the token stream — in code
//! and in the string paths serde attributes and intra-doc links carry — and
//! the runtime's files are inlined as nested modules.

use proc_macro2::{Group, Ident, Literal, TokenStream, TokenTree};

use super::runtime_files::{declared_module, runtime_files, split_marker};
use crate::ir::RuntimeParts;

/// Rewrites every `crate::runtime` path in `tokens` to `super::runtime`.
pub(super) fn runtime_via_super(tokens: TokenStream) -> TokenStream {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = Vec::with_capacity(trees.len());
    for (i, tree) in trees.iter().enumerate() {
        out.push(match tree {
            TokenTree::Ident(id) if id == "crate" && starts_runtime_path(&trees[i + 1..]) => {
                TokenTree::Ident(Ident::new("super", id.span()))
            }
            TokenTree::Group(g) => {
                let mut group = Group::new(g.delimiter(), runtime_via_super(g.stream()));
                group.set_span(g.span());
                TokenTree::Group(group)
            }
            TokenTree::Literal(lit) => TokenTree::Literal(rewrite_literal(lit)),
            other => other.clone(),
        });
    }
    out.into_iter().collect()
}

/// `:: runtime` follows.
fn starts_runtime_path(rest: &[TokenTree]) -> bool {
    matches!(rest, [TokenTree::Punct(a), TokenTree::Punct(b), TokenTree::Ident(r), ..]
        if a.as_char() == ':' && b.as_char() == ':' && r == "runtime")
}

/// String literals holding a runtime path: serde's `deserialize_with =
/// "crate::runtime::…"` and doc links to ``[`crate::runtime::…`]``.
fn rewrite_literal(lit: &Literal) -> Literal {
    let repr = lit.to_string();
    if !repr.contains("crate::runtime::") {
        return lit.clone();
    }
    let Ok(syn::Lit::Str(s)) = syn::parse_str::<syn::Lit>(&repr) else {
        return lit.clone();
    };
    let value = s.value();
    let value = if value.starts_with("crate::runtime::") {
        value.replacen("crate::", "super::", 1)
    } else {
        value.replace("`crate::runtime::", "`super::runtime::")
    };
    let mut new = Literal::string(&value);
    new.set_span(lit.span());
    new
}

/// Lints allowed on each inline module. The clippy ones the crate layout
/// allows crate-wide (see `krate.rs`); and an including crate may keep the
/// module private, where rustc reports every item and re-export it does not
/// use, and clippy applies the lints it skips for exported API
/// (`avoid-breaking-exported-api`: variant names, acronyms, `self`
/// conventions, boxed collections). The runtime's `tracing` cargo feature
/// is not one of the including crate's (`unexpected_cfgs`).
const ALLOWS: &str = "#[allow(\n    dead_code,\n    unused_imports,\n    unexpected_cfgs,\n    clippy::just_underscores_and_digits,\n    clippy::large_enum_variant,\n    clippy::match_overlapping_arm,\n    clippy::too_many_arguments,\n    clippy::type_complexity,\n    clippy::enum_variant_names,\n    clippy::upper_case_acronyms,\n    clippy::wrong_self_convention,\n    clippy::box_collection,\n    clippy::redundant_allocation,\n    clippy::vec_box\n)]";

/// The included file: runtime (the `parts` the API uses), types and client
/// as inline modules. Formatted pieces are placed as they are, not
/// re-indented: the file lives in `OUT_DIR`, and re-indenting would change
/// multi-line string literals.
pub(super) fn module_file(
    header: &str,
    types_text: &str,
    client_text: &str,
    has_types: bool,
    parts: RuntimeParts,
) -> String {
    let runtime = inline_runtime(parts);
    let mut s = String::with_capacity(
        header.len() + runtime.len() + types_text.len() + client_text.len() + 1024,
    );
    s.push_str(header);
    s.push_str("//\n// Include it inside any module: `include!(concat!(env!(\"OUT_DIR\"), \"/<file>\"));`.\n\n");
    s.push_str(ALLOWS);
    s.push_str("\npub mod runtime {\n");
    s.push_str(&runtime);
    s.push_str("}\n\n");
    if has_types {
        s.push_str(ALLOWS);
        s.push_str("\npub mod types {\n");
        s.push_str(types_text);
        s.push_str("}\n\n");
    }
    s.push_str(ALLOWS);
    s.push_str("\nmod client {\n");
    s.push_str(client_text);
    s.push_str("}\n\n#[allow(unused_imports)]\npub use client::*;\n");
    s
}

/// `runtime/mod.rs` (the lines of `parts`) with each `mod name;`
/// declaration (any visibility) replaced by the file's text in braces.
fn inline_runtime(parts: RuntimeParts) -> String {
    let files = runtime_files(&parts.into());
    let file = |name: &str| {
        files
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, text)| text.as_ref())
    };
    let mut s = String::new();
    for line in file("mod.rs").unwrap_or_default().lines() {
        // The runtime's own crate-level allow: the module's outer one
        // (`ALLOWS`) covers it, and both together are refused.
        if line.trim_start().starts_with("#![allow(") {
            continue;
        }
        let (code, _) = split_marker(line);
        let declared = declared_module(code).and_then(|name| {
            let head = &code[..code.len() - name.len() - 1];
            Some((head, name, file(&format!("{name}.rs"))?))
        });
        match declared {
            Some((head, name, text)) => {
                s.push_str(&format!("{head}{name} {{\n"));
                s.push_str(text);
                s.push_str("}\n");
            }
            None => {
                s.push_str(line);
                s.push('\n');
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    #[test]
    fn runtime_paths_become_relative() {
        let tokens = quote! {
            #[doc = " See [`crate::runtime::Multipart`]."]
            #[serde(deserialize_with = "crate::runtime::maybe::required_nullable")]
            pub field: crate::runtime::Maybe<Vec<crate::runtime::DateTime>>,
            other: crate::other::Thing,
            text: "crate::runtime is just words here",
        };
        let out = runtime_via_super(tokens).to_string();
        assert!(!out.contains("crate :: runtime"), "{out}");
        assert!(
            out.contains("super :: runtime :: Maybe < Vec < super :: runtime :: DateTime"),
            "{out}"
        );
        assert!(
            out.contains(r#""super::runtime::maybe::required_nullable""#),
            "{out}"
        );
        assert!(out.contains("[`super::runtime::Multipart`]"), "{out}");
        assert!(out.contains("crate :: other :: Thing"), "{out}");
        assert!(out.contains("crate::runtime is just words here"), "{out}");
    }

    #[test]
    fn the_runtime_inlines_every_submodule() {
        let text = inline_runtime(RuntimeParts::ALL);
        for (name, _) in super::super::RUNTIME_FILES
            .iter()
            .filter(|(n, _)| *n != "mod.rs")
        {
            let module = name.trim_end_matches(".rs");
            // Any visibility: the runtime's modules are `pub(crate)`.
            assert!(text.contains(&format!(" mod {module} {{\n")), "{module}");
            assert!(!text.contains(&format!(" mod {module};")), "{module}");
        }
        let file: syn::File = syn::parse_str(&text).expect("inlined runtime parses");
        assert!(file.items.len() > 10);
    }

    #[test]
    fn the_runtime_leaves_out_unused_parts() {
        let text = inline_runtime(RuntimeParts::default());
        for module in [
            "pagination",
            "events",
            "sse",
            "download",
            "oauth2",
            "multipart",
            "union",
            "maybe",
            "datetime",
        ] {
            assert!(!text.contains(&format!(" mod {module}")), "{module}");
        }
        assert!(text.contains(" mod body {\n") && text.contains(" mod execute {\n"));
        assert!(!text.contains("ClientCredentials") && !text.contains("StreamExt"));
        syn::parse_str::<syn::File>(&text).expect("inlined runtime parses");
    }
}
