//! Doc comments. Spec text is untrusted: whatever it holds, it stays text.
//! No code block rustdoc would compile or run (every code block becomes a
//! `text` block, checked with the Markdown parser rustdoc uses), no bare CR,
//! bidi or other control character (rustc rejects some in comments; all are
//! shown escaped), no broken intra-doc links or bare URLs.

use proc_macro2::TokenStream;
use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag};
use quote::quote;

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
    let attrs = lines(parts).into_iter().map(|l| {
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
    let text = one_line(text);
    if text.is_empty() {
        return "`\"\"`".to_string();
    }
    let longest = longest_run(&text, '`');
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// Spec text inside a sentence: one line, no fence, link or bare URL.
pub fn inline(text: &str) -> String {
    let mut text = one_line(text);
    for c in ['`', '~'] {
        if longest_run(&text, c) >= 3 {
            text = text.replace(c, &format!("\\{c}"));
        }
    }
    escape_brackets(&escape_urls(&text))
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
                (true, false) => clean(text),
                (true, true) => plain_lines(text),
                (false, _) => text.split('\n').map(|l| escape_controls(l.trim_end())).collect(),
            });
        }
        while out.last().is_some_and(|l| l.is_empty()) {
            out.pop();
        }
        out
    };
    let cleaned = build(false);
    if !has_runnable_code(&cleaned) {
        return cleaned;
    }
    // The line-based cleaning and Markdown disagree (raw HTML around a
    // fence can do that): fall back to prose with every block construct
    // escaped.
    let plain = build(true);
    if !has_runnable_code(&plain) {
        return plain;
    }
    vec!["(Documentation omitted: it could not be rendered safely.)".to_string()]
}

/// Whether rustdoc would see a code block in `lines` other than a `text`
/// one: a doctest, compiled or run.
fn has_runnable_code(lines: &[String]) -> bool {
    let text = lines.join("\n");
    // rustdoc's options for doc comments (`main_body_opts`).
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION;
    Parser::new_ext(&text, options).any(|event| match event {
        Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => info.trim() != "text",
        Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => true,
        _ => false,
    })
}

/// An opening code fence: the fence character and length.
fn fence_open(line: &str) -> Option<(char, usize)> {
    let line = line.trim_start();
    let c = line.chars().next().filter(|c| matches!(c, '`' | '~'))?;
    let len = line.chars().take_while(|&x| x == c).count();
    // A backtick fence's info string holds no backtick (else it is inline
    // code).
    (len >= 3 && (c == '~' || !line[len..].contains('`'))).then_some((c, len))
}

fn fence_closes(line: &str, (c, len): (char, usize)) -> bool {
    let line = line.trim();
    line.chars().take_while(|&x| x == c).count() >= len && line.chars().all(|x| x == c)
}

fn clean(text: &str) -> Vec<String> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let raw: Vec<String> = text.split('\n').map(|l| escape_controls(l.trim_end())).collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        if let Some(open) = fence_open(&raw[i]) {
            // Spec code samples are rarely Rust and never meant to run: a
            // `text` block, fenced longer than any backtick run inside.
            let end = (i + 1..raw.len()).find(|&j| fence_closes(&raw[j], open)).unwrap_or(raw.len());
            let content = &raw[i + 1..end];
            let longest = content.iter().map(|l| longest_run(l, '`')).max().unwrap_or(0);
            let fence = "`".repeat(longest.max(2) + 1);
            out.push(format!("{fence}text"));
            out.extend(content.iter().cloned());
            out.push(fence);
            i = end + 1;
            continue;
        }
        out.push(prose_line(&raw[i]));
        i += 1;
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out
}

/// A line outside code fences. Leading indentation would make an indented
/// code block (a doctest), so it goes; so does the indentation after list
/// and quote markers, and a fence after them is escaped.
fn prose_line(line: &str) -> String {
    let mut rest = line.trim_start();
    let mut markers = String::new();
    loop {
        let bullet = rest.starts_with(['-', '*', '+']) && rest[1..].starts_with(char::is_whitespace);
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        let ordered = (1..=9).contains(&digits)
            && rest[digits..].starts_with(['.', ')'])
            && rest[digits + 1..].starts_with(char::is_whitespace);
        let len = if rest.starts_with('>') {
            1
        } else if bullet {
            1
        } else if ordered {
            digits + 1
        } else {
            break;
        };
        markers.push_str(&rest[..len]);
        markers.push(' ');
        rest = rest[len..].trim_start();
    }
    let mut l = String::with_capacity(line.len() + 8);
    l.push_str(&markers);
    if rest.starts_with("```") || rest.starts_with("~~~") {
        l.push('\\');
    }
    l.push_str(rest);
    let l = escape_urls(l.trim_end());
    escape_brackets(&l)
}

/// The last resort: every line as plain prose, no fence or HTML block
/// possible.
fn plain_lines(text: &str) -> Vec<String> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    text.split('\n')
        .map(|l| {
            let l = escape_controls(l.trim());
            let l = l.replace('`', "\\`").replace('~', "\\~").replace('<', "&lt;");
            escape_brackets(&escape_urls(&l))
        })
        .collect()
}

/// Brackets that would read as (broken) intra-doc links are escaped;
/// Markdown links `[text](url)` are kept.
fn escape_brackets(l: &str) -> String {
    let l = l.replace('[', "\\[").replace(']', "\\]").replace("\\](", "](");
    fix_markdown_links(&l).unwrap_or(l)
}

fn longest_run(text: &str, c: char) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for x in text.chars() {
        run = if x == c { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

/// One line: line breaks and runs of whitespace become single spaces.
fn one_line(text: &str) -> String {
    escape_controls(&text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Characters that must not appear raw in a comment or a terminal, shown as
/// `\u{..}`: C0 and C1 controls but tab (a lone CR is a compile error in a
/// doc comment), DEL, the bidi controls rustc denies (and the marks), and
/// the Unicode line separators.
pub fn escape_controls(text: &str) -> String {
    if !text.chars().any(needs_escape) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// `\[text](url)` → `[text](url)`: the escape above is only for brackets
/// that are not links.
fn fix_markdown_links(l: &str) -> Option<String> {
    if !l.contains("](") {
        return None;
    }
    let mut result = String::with_capacity(l.len());
    let mut rest = l;
    while let Some(pos) = rest.find("](") {
        let (before, after) = rest.split_at(pos);
        match before.rfind("\\[") {
            Some(open) => {
                result.push_str(&before[..open]);
                result.push('[');
                result.push_str(&before[open + 2..]);
            }
            None => result.push_str(before),
        }
        result.push_str("](");
        rest = &after[2..];
    }
    result.push_str(rest);
    Some(result)
}

/// Wraps bare `http(s)://` URLs in `<...>` so rustdoc links them instead of
/// warning.
fn escape_urls(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    while let Some(pos) = rest.find("http") {
        let (before, after) = rest.split_at(pos);
        out.push_str(before);
        let is_url = after.starts_with("http://") || after.starts_with("https://");
        let prev = before.chars().last();
        // Already a link target (`<url>`, `[text](url)`) or code.
        let wrapped = matches!(prev, Some('<' | '(' | '`'));
        if is_url && !wrapped {
            let end = after.find(|c: char| c.is_whitespace() || c == ')' || c == '>' || c == '"' || c == '`').unwrap_or(after.len());
            let url = after[..end].trim_end_matches(['.', ',', ';', ':']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &after[url.len()..];
        } else {
            out.push_str("http");
            rest = &after[4..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(text: &str) -> Vec<String> {
        lines(&[Para::Spec(Some(text))])
    }

    #[test]
    fn cleans_prose() {
        assert_eq!(clean("See https://x.io/a."), vec!["See <https://x.io/a>."]);
        assert_eq!(clean("  indented\n\n[a](http://b)"), vec!["indented", "", "[a](http://b)"]);
        assert_eq!(clean("list [1, 2]"), vec!["list \\[1, 2\\]"]);
    }

    #[test]
    fn code_blocks_become_text() {
        assert_eq!(spec("a\n```\nlet x = 1;\n```"), vec!["a", "```text", "let x = 1;", "```"]);
        assert_eq!(spec("~~~rust\npanic!()\n~~~"), vec!["```text", "panic!()", "```"]);
        assert_eq!(spec("```should_panic\npanic!()"), vec!["```text", "panic!()", "```"]);
        assert_eq!(spec("~~~\n```rust\nx\n```\n~~~"), vec!["````text", "```rust", "x", "```", "````"]);
        assert_eq!(spec("    indented code"), vec!["indented code"]);
        assert_eq!(spec("-     list code"), vec!["- list code"]);
        assert_eq!(spec("> ```rust\n> panic!()\n> ```"), vec!["> \\```rust", "> panic!()", "> \\```"]);
        assert_eq!(spec("1. ```\n   code"), vec!["1. \\```", "code"]);
        // Inline code with three backticks is not a fence.
        assert_eq!(spec("```a``` b"), vec!["\\```a``` b"]);
    }

    #[test]
    fn raw_html_cannot_smuggle_a_fence() {
        // CommonMark keeps `<pre>` content raw until `</pre>`: the line-based
        // fences disagree, and the plain fallback takes over.
        let text = "<pre>\n```\n</pre>\nx\n```\n```rust\npanic!()\n```";
        let out = spec(text);
        assert!(!has_runnable_code(&out), "{out:#?}");
    }

    #[test]
    fn controls_are_escaped() {
        assert_eq!(spec("a\rb"), vec!["a", "b"]);
        assert_eq!(spec("a\u{1b}[31mb\u{202e}c\u{7f}"), vec!["a\\u{1b}\\[31mb\\u{202e}c\\u{7f}"]);
        assert_eq!(code("a\nb`c"), "``a b`c``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(code(""), "`\"\"`");
        assert_eq!(inline("A\n```rust\npanic!()\n```"), "A \\`\\`\\`rust panic!() \\`\\`\\`");
    }
}
