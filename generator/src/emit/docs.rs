//! Doc comments. Spec text is untrusted: whatever it holds, it stays text
//! (the cleaning is in `markdown.rs`); the emitter's own markdown embeds spec
//! fragments only through [`code`] and [`inline`].

use proc_macro2::TokenStream;
use quote::quote;

use super::code_spans::CodeSpans;
use super::markdown;
pub use crate::text::escape_controls;

/// One paragraph of a doc comment.
#[derive(Clone, Copy, Debug)]
pub enum Para<'a> {
    /// Markdown from the spec (untrusted): cleaned. `None` or blank is
    /// skipped.
    Spec(Option<&'a str>),
    /// Markdown the emitter wrote; any spec text in it has been through
    /// [`code`] or [`inline`].
    Ours(&'a str),
}

/// `#[doc = ...]` attributes for the paragraphs, separated by blank lines.
pub fn doc(parts: &[Para<'_>]) -> TokenStream {
    doc_tokens(lines(parts))
}

/// The lines of the doc comment of the paragraphs, as [`doc`] writes them.
pub(super) fn doc_lines(parts: &[Para<'_>]) -> Vec<String> {
    lines(parts)
}

/// [`doc_lines`] as `#[doc = ...]` attributes.
pub(super) fn doc_tokens(lines: Vec<String>) -> TokenStream {
    let attrs = lines.into_iter().map(|l| {
        let l = if l.is_empty() { l } else { format!(" {l}") };
        quote!(#[doc = #l])
    });
    quote!(#(#attrs)*)
}

/// The same as inner `#![doc = ...]` attributes, for module docs.
pub fn inner_doc(parts: &[Para<'_>]) -> TokenStream {
    let attrs = lines(parts).into_iter().map(|l| {
        let l = if l.is_empty() { l } else { format!(" {l}") };
        quote!(#![doc = #l])
    });
    quote!(#(#attrs)*)
}

/// Spec text as an inline code span: one line, delimited by more backticks
/// than it contains.
pub fn code(text: &str) -> String {
    let text = markdown::one_line(text);
    if text.is_empty() {
        return "`\"\"`".to_string();
    }
    let fence = "`".repeat(markdown::longest_run(&text, '`') + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// Spec text inside a sentence: one line, no fence, link or bare URL.
pub fn inline(text: &str) -> String {
    let mut text = markdown::one_line(text);
    for c in ['`', '~'] {
        if markdown::longest_run(&text, c) >= 3 {
            text = text.replace(c, &format!("\\{c}"));
        }
    }
    let mut code = CodeSpans::for_text(&text);
    let masked = code.mask(&text);
    code.unmask(&markdown::escape_brackets(&markdown::escape_urls(&masked)))
}

/// The lines of the doc comment, as rustdoc will read them.
fn lines(parts: &[Para<'_>]) -> Vec<String> {
    let build = |plain: bool| -> Vec<String> {
        let mut seen: Vec<&str> = Vec::new();
        let mut out: Vec<String> = Vec::new();
        for part in parts {
            let (text, spec) = match part {
                Para::Spec(Some(t)) => (t.trim(), true),
                Para::Spec(None) => continue,
                Para::Ours(t) => (t.trim(), false),
            };
            // The same text twice (a summary repeated as description) once.
            if text.is_empty() || seen.contains(&text) {
                continue;
            }
            seen.push(text);
            if !out.is_empty() {
                out.push(String::new());
            }
            out.extend(match (spec, plain) {
                (true, false) => markdown::clean(text),
                (true, true) => markdown::plain(text),
                (false, _) => text
                    .split('\n')
                    .map(|l| markdown::doc_text(l.trim_end()))
                    .collect(),
            });
        }
        while out.last().is_some_and(|l| l.is_empty()) {
            out.pop();
        }
        markdown::escape_html(out)
    };
    let cleaned = build(false);
    if !markdown::has_runnable_code(&cleaned) {
        return cleaned;
    }
    // The line-based cleaning and Markdown disagree (raw HTML around a
    // fence can do that): fall back to prose with every block construct
    // escaped.
    let plain = build(true);
    if !markdown::has_runnable_code(&plain) {
        return plain;
    }
    vec!["(Documentation omitted: it could not be rendered safely.)".to_string()]
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn spec(text: &str) -> Vec<String> {
        lines(&[Para::Spec(Some(text))])
    }

    #[test]
    fn code_blocks_become_text() {
        assert_eq!(
            spec("a\n```\nlet x = 1;\n```"),
            vec!["a", "```text", "let x = 1;", "```"]
        );
        assert_eq!(
            spec("~~~rust\npanic!()\n~~~"),
            vec!["```text", "panic!()", "```"]
        );
        assert_eq!(
            spec("```should_panic\npanic!()"),
            vec!["```text", "panic!()", "```"]
        );
        assert_eq!(
            spec("~~~\n```rust\nx\n```\n~~~"),
            vec!["````text", "```rust", "x", "```", "````"]
        );
        assert_eq!(spec("    indented code"), vec!["indented code"]);
        assert_eq!(spec("-     list code"), vec!["- list code"]);
        assert_eq!(
            spec("> ```rust\n> panic!()\n> ```\nafter"),
            vec!["> ```text", "> panic!()", "> ```", "after"]
        );
        assert_eq!(
            spec("1. ```\n   code\n   ```\n2. next"),
            vec!["1. ```text", "   code", "   ```", "2. next"]
        );
        assert_eq!(spec("* > ```\n  > code"), vec!["* > \\```", "> code"]);
        assert_eq!(
            spec("- a\n  - b\n    more\n- c"),
            vec!["- a", "  - b", "    more", "- c"]
        );
        // Inline code with three backticks is not a fence.
        assert_eq!(spec("```a``` b"), vec!["\\```a``` b"]);
    }

    #[test]
    fn lists_and_quotes_keep_their_continuations() {
        assert_eq!(
            spec("- item\nlazy\n  indented\n\n  next paragraph\n\nafter"),
            vec![
                "- item",
                "  lazy",
                "  indented",
                "",
                "  next paragraph",
                "",
                "after"
            ]
        );
        assert_eq!(spec("> quote\nlazy"), vec!["> quote", "> lazy"]);
    }

    #[test]
    fn raw_html_cannot_smuggle_a_fence() {
        // CommonMark keeps `<pre>` content raw until `</pre>`: the line-based
        // fences can disagree, and the plain fallback takes over.
        let text = "<pre>\n```\n</pre>\nx\n```\n```rust\npanic!()\n```";
        let out = spec(text);
        assert!(!markdown::has_runnable_code(&out), "{out:#?}");
    }

    #[test]
    fn html_that_is_not_markup_is_text() {
        assert_eq!(
            spec("Send <token> as `<token>`"),
            vec!["Send &lt;token> as `<token>`"]
        );
        assert_eq!(
            spec("<b>bold</b> and <script>x</script>"),
            vec!["<b>bold</b> and &lt;script>x&lt;/script>"]
        );
        assert_eq!(spec("<p>unclosed"), vec!["&lt;p>unclosed"]);
        assert_eq!(spec("a<br>b"), vec!["a<br>b"]);
    }

    #[test]
    fn controls_are_escaped() {
        assert_eq!(spec("a\rb"), vec!["a", "b"]);
        assert_eq!(
            spec("a\u{1b}[31mb\u{202e}c\u{7f}\td"),
            vec!["a\\u{1b}\\[31mb\\u{202e}c\\u{7f}    d"]
        );
        assert_eq!(code("a\nb`c"), "``a b`c``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(code(""), "`\"\"`");
        assert_eq!(
            inline("A\n```rust\npanic!()\n```"),
            "A \\`\\`\\`rust panic!() \\`\\`\\`"
        );
    }
}
