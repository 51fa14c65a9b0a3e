//! Spec Markdown made safe for a doc comment: no code block rustdoc would
//! compile or run (each becomes a `text` block, and the result is checked
//! with the Markdown parser rustdoc uses), no control character (rustc
//! rejects a bare CR or a bidi control in a comment; all are shown escaped),
//! no tag-like text swallowed as HTML, no broken intra-doc link or bare URL,
//! and list and quote continuations indented as rustdoc's lints expect.

use std::collections::HashMap;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use super::code_spans::CodeSpans;
use crate::text::escape_controls;

/// rustdoc's Markdown options for doc comments (`main_body_opts`).
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
}

/// Whether rustdoc would see a code block in `lines` other than a `text`
/// one: a doctest, compiled or run.
pub fn has_runnable_code(lines: &[String]) -> bool {
    // A code block needs a fence (three backticks or tildes) or four
    // columns of indentation (four spaces or a tab, also inside a list item
    // or quote); most docs have neither, and skip the Markdown parse.
    let maybe_code = lines
        .iter()
        .any(|l| l.contains("```") || l.contains("~~~") || l.contains('\t') || l.contains("    "));
    if !maybe_code {
        return false;
    }
    let text = lines.join("\n");
    Parser::new_ext(&text, options()).any(|event| match event {
        Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => info.trim() != "text",
        Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => true,
        _ => false,
    })
}

/// Spec prose, line by line.
pub fn clean(text: &str) -> Vec<String> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let raw: Vec<String> = text.split('\n').map(|l| doc_text(l.trim_end())).collect();
    let mut out: Vec<String> = Vec::new();
    // Prose lines keep their code spans as placeholders until the end.
    let mut code = CodeSpans::for_text(&text);
    // Lines of an HTML block (Stripe's `<p>…</p>` paragraphs, a `<pre>`
    // sample) are not read as Markdown: an escape there would show. Written
    // as they are (the indices in `out` kept), and escaped after all if the
    // output does not read them as HTML either.
    let html = html_block_lines(&raw);
    let mut raw_html: Vec<usize> = Vec::new();
    // The open list items and quotes, innermost last: the source column
    // their content starts at (a line indented that far belongs to them)
    // and the prefix continuing them in the output (`   `, `> `); and
    // whether a blank line came since.
    let mut open: Vec<(usize, String)> = Vec::new();
    let mut after_blank = false;
    // Whether the last line written is prose (a link may go on from it).
    let mut prose_before = false;
    let mut i = 0;
    while i < raw.len() {
        let at = i;
        let line = &raw[i];
        let (markers, rest) = split_markers(line);
        let indent = line.len() - line.trim_start().len();
        if let Some(end) = fence(&raw, i, &markers, rest, &mut out) {
            // Only a paragraph continues lazily: after the block, a list
            // item goes on with indented lines, a quote with quoted ones.
            open.clear();
            if !markers.is_empty() && !markers.contains('>') {
                open.push((line.len() - rest.len(), continuation(&markers)));
            }
            after_blank = true;
            prose_before = false;
            i = end;
            continue;
        }
        i += 1;
        if line.trim().is_empty() {
            out.push(String::new());
            after_blank = true;
            prose_before = false;
            if open.last().is_some_and(|(_, c)| c.contains('>')) {
                open.clear();
            }
            continue;
        }
        let prefix = if !markers.is_empty() {
            // A list item or quote: its continuation lines are indented to
            // its content (or quoted), as clippy's doc lints expect. Indented
            // to a list item's content, it nests in it; less indented, it is
            // a sibling of an outer item (or starts a new list).
            if open.last().is_some_and(|(_, c)| c.contains('>')) {
                open.clear();
            }
            while open.last().is_some_and(|&(column, _)| column > indent) {
                open.pop();
            }
            let outer = open.last().map(|(_, c)| c.clone()).unwrap_or_default();
            open.push((
                line.len() - rest.len(),
                format!("{outer}{}", continuation(&markers)),
            ));
            format!("{outer}{markers}")
        } else {
            if after_blank {
                // After a blank line, only lines indented to an item's
                // content go on in it.
                while open.last().is_some_and(|&(column, _)| column > indent) {
                    open.pop();
                }
                if indent == 0 {
                    open.clear();
                }
            }
            open.last().map(|(_, c)| c.clone()).unwrap_or_default()
        };
        after_blank = false;
        // A fence this did not follow (inside mixed containers, or inline
        // code of three backticks) must not open a block either.
        let escape = if rest.starts_with("```") || rest.starts_with("~~~") {
            "\\"
        } else {
            ""
        };
        let l = format!("{prefix}{escape}{rest}").trim_end().to_string();
        if html.get(at).copied().unwrap_or(false) {
            raw_html.push(out.len());
            out.push(l);
            prose_before = false;
            continue;
        }
        let l = escape_prose(&mut code, &l);
        let reopened = prose_before && out.last_mut().is_some_and(|prev| reopen_link(prev, &l));
        out.push(if reopened { l } else { close_orphan(l) });
        prose_before = true;
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    let mut out: Vec<String> = out.iter().map(|l| code.unmask(l)).collect();
    raw_html.retain(|&n| n < out.len());
    if !raw_html.is_empty() {
        let html = html_block_lines(&out);
        for n in raw_html {
            if !html[n] {
                let mut code = CodeSpans::for_text(&out[n]);
                let l = escape_prose(&mut code, &out[n]);
                out[n] = code.unmask(&close_orphan(l));
            }
        }
    }
    out
}

/// A line of prose escaped for rustdoc (bare URLs wrapped, brackets that
/// are no link escaped), its code spans set aside in `code`.
fn escape_prose(code: &mut CodeSpans, line: &str) -> String {
    escape_brackets(&escape_urls(&code.mask(line)))
}

/// Which of `lines` are inside an HTML block, as rustdoc's Markdown parser
/// reads them joined.
fn html_block_lines(lines: &[String]) -> Vec<bool> {
    let mut html = vec![false; lines.len()];
    if !lines.iter().any(|l| l.contains('<')) {
        return html;
    }
    let text = lines.join("\n");
    // The byte offset each line starts at.
    let mut starts = Vec::with_capacity(lines.len());
    let mut offset = 0;
    for l in lines {
        starts.push(offset);
        offset += l.len() + 1;
    }
    let mut in_block = false;
    for (event, range) in Parser::new_ext(&text, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::HtmlBlock) => in_block = true,
            Event::End(TagEnd::HtmlBlock) => in_block = false,
            Event::Html(_) if in_block => {
                // Every line the event covers (one per line, with its break).
                let first = starts.partition_point(|&s| s <= range.start) - 1;
                let last = starts.partition_point(|&s| s < range.end.max(range.start + 1)) - 1;
                for flag in &mut html[first..=last] {
                    *flag = true;
                }
            }
            _ => {}
        }
    }
    html
}

/// A fenced code block opening at `raw[start]` (after `markers`, the list
/// or quote it sits in), written to `out` as a `text` block in the same
/// container, fenced longer than any backtick run inside. Returns the index
/// after the block. Spec code samples are rarely Rust and never meant to
/// run.
fn fence(
    raw: &[String],
    start: usize,
    markers: &str,
    rest: &str,
    out: &mut Vec<String>,
) -> Option<usize> {
    let open = fence_open(rest)?;
    let quoted = markers.contains('>');
    if quoted && markers.chars().any(|c| c != '>' && c != ' ') {
        // A fence in a list in a quote (or the reverse) is not followed.
        return None;
    }
    let depth = markers.matches('>').count();
    let cont = continuation(markers);
    let mut content: Vec<String> = Vec::new();
    let mut end = start + 1;
    while end < raw.len() {
        // The block ends with its closing fence, or where a line leaves its
        // container.
        let inner = if quoted {
            unquote(&raw[end], depth)
        } else {
            unindent(&raw[end], cont.len())
        };
        let Some(inner) = inner else { break };
        end += 1;
        if fence_closes(&inner, open) {
            break;
        }
        content.push(inner);
    }
    let longest = content
        .iter()
        .map(|l| longest_run(l, '`'))
        .max()
        .unwrap_or(0);
    let ticks = "`".repeat(longest.max(2) + 1);
    out.push(format!("{markers}{ticks}text"));
    for line in content {
        out.push(format!("{cont}{line}").trim_end().to_string());
    }
    out.push(format!("{cont}{ticks}"));
    Some(end)
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

/// A line inside `depth` quotes without its `>` markers; `None` if it is
/// not quoted that deep.
fn unquote(line: &str, depth: usize) -> Option<String> {
    let mut rest = line;
    for _ in 0..depth {
        rest = rest.trim_start().strip_prefix('>')?;
        rest = rest.strip_prefix(' ').unwrap_or(rest);
    }
    Some(rest.to_string())
}

/// A line inside a list item whose content starts at `width`; `None` if it
/// is indented less (it ends the item).
fn unindent(line: &str, width: usize) -> Option<String> {
    if line.trim().is_empty() {
        return Some(String::new());
    }
    let spaces = line.len() - line.trim_start_matches(' ').len();
    (spaces >= width).then(|| line[width..].to_string())
}

/// The prefix continuing a line that starts with `markers`: quotes stay,
/// list markers become spaces.
fn continuation(markers: &str) -> String {
    markers
        .chars()
        .map(|c| if c == '>' { '>' } else { ' ' })
        .collect()
}

/// Splits a prose line into its list and quote markers, normalised to one
/// space after each (`-     x` would be code inside the item), and the
/// text, without the leading indentation that would make an indented code
/// block (a doctest).
fn split_markers(line: &str) -> (String, &str) {
    let mut rest = line.trim_start();
    let mut markers = String::new();
    loop {
        let bullet =
            rest.starts_with(['-', '*', '+']) && rest[1..].starts_with(char::is_whitespace);
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        let ordered = (1..=9).contains(&digits)
            && rest[digits..].starts_with(['.', ')'])
            && rest[digits + 1..].starts_with(char::is_whitespace);
        let len = if rest.starts_with('>') || bullet {
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
    (markers, rest)
}

/// The last resort: every line as plain prose, no fence or HTML possible.
pub fn plain(text: &str) -> Vec<String> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    text.split('\n')
        .map(|l| {
            let l = doc_text(l)
                .trim()
                .replace('`', "\\`")
                .replace('~', "\\~")
                .replace('<', "&lt;");
            escape_brackets(&escape_urls(&l))
        })
        .collect()
}

/// Common HTML that renders as markup; any other tag (`<token>`,
/// `<script>`), an unbalanced one or a comment is shown as text.
const HTML_TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "samp",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "tt",
    "u",
    "ul",
    "var",
    "wbr",
];

/// Tags without an end tag.
const VOID_TAGS: &[&str] = &["br", "col", "hr", "img", "wbr"];

/// A `<` that Markdown reads as raw HTML.
struct HtmlTag {
    offset: usize,
    /// Lowercase name; empty for a comment, declaration or instruction.
    name: String,
    end: bool,
    self_closing: bool,
}

/// Escapes (`&lt;`) every raw HTML tag rustdoc would swallow or warn
/// about: unknown names, unbalanced tags, comments.
pub fn escape_html(lines: Vec<String>) -> Vec<String> {
    let text = lines.join("\n");
    if !text.contains('<') {
        return lines;
    }
    let mut tags = Vec::new();
    for (event, range) in Parser::new_ext(&text, options()).into_offset_iter() {
        if let Event::Html(_) | Event::InlineHtml(_) = event {
            scan_tags(&text[range.clone()], range.start, &mut tags);
        }
    }
    let mut escape: Vec<usize> = Vec::new();
    // Open tags, and how many of each name (so an end tag without a start
    // is found without scanning the stack).
    let mut open: Vec<&HtmlTag> = Vec::new();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for tag in &tags {
        let name = tag.name.as_str();
        if !HTML_TAGS.contains(&name) {
            escape.push(tag.offset);
        } else if tag.end {
            if counts.get(name).copied().unwrap_or(0) == 0 {
                escape.push(tag.offset);
                continue;
            }
            // Tags left open inside this one are unbalanced.
            while let Some(o) = open.pop() {
                *counts.entry(o.name.as_str()).or_default() -= 1;
                if o.name == name {
                    break;
                }
                escape.push(o.offset);
            }
        } else if !(tag.self_closing || VOID_TAGS.contains(&name)) {
            *counts.entry(name).or_default() += 1;
            open.push(tag);
        }
    }
    escape.extend(open.iter().map(|o| o.offset));
    if escape.is_empty() {
        return lines;
    }
    escape.sort_unstable();
    escape.dedup();
    let mut out = String::with_capacity(text.len() + 4 * escape.len());
    let mut last = 0;
    for offset in escape {
        out.push_str(&text[last..offset]);
        out.push_str("&lt;");
        last = offset + 1;
    }
    out.push_str(&text[last..]);
    out.split('\n').map(str::to_string).collect()
}

fn scan_tags(html: &str, base: usize, tags: &mut Vec<HtmlTag>) {
    for (i, _) in html.match_indices('<') {
        let rest = &html[i + 1..];
        let (end, rest) = match rest.strip_prefix('/') {
            Some(r) => (true, r),
            None => (false, rest),
        };
        let name_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .unwrap_or(rest.len());
        let name = &rest[..name_len];
        let markup = rest.starts_with(['!', '?']) && !end;
        if !(markup || name.starts_with(|c: char| c.is_ascii_alphabetic())) {
            continue;
        }
        let close = rest.find('>').unwrap_or(rest.len());
        tags.push(HtmlTag {
            offset: base + i,
            name: if markup {
                String::new()
            } else {
                name.to_ascii_lowercase()
            },
            end,
            self_closing: rest[..close].ends_with('/'),
        });
    }
}

/// Brackets that would read as (broken) intra-doc links are escaped;
/// Markdown links `[text](url)` are kept.
pub fn escape_brackets(l: &str) -> String {
    let l = outside_autolinks(l, |text| text.replace('[', "\\[").replace(']', "\\]"))
        .replace("\\](", "](");
    fix_markdown_links(&l).unwrap_or(l)
}

/// `l` with `f` applied to all but its autolinks (`<https://…>`), which are
/// kept as they are: Markdown reads no escape inside one (an IPv6 host's
/// brackets, `http://[::1]/`, would become part of the link). Linear: each
/// candidate is read up to the first character no autolink holds.
fn outside_autolinks(l: &str, f: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(l.len() + 8);
    let mut done = 0;
    let mut from = 0;
    while let Some(at) = l[from..].find("<http").map(|i| from + i) {
        let body = &l[at + 1..];
        let end = body
            .find(|c: char| c.is_whitespace() || c == '<' || c == '>')
            .filter(|&e| body[e..].starts_with('>'));
        match end {
            Some(e) if leading_url(body).is_some() => {
                out.push_str(&f(&l[done..at]));
                let close = at + 1 + e + 1;
                out.push_str(&l[at..close]);
                done = close;
                from = close;
            }
            _ => from = at + 1,
        }
    }
    out.push_str(&f(&l[done..]));
    out
}

/// A link whose text goes on to the next line of its paragraph (`[a custom
/// media` / `type](url)`, as CommonMark allows): the bracket `prev` ends
/// with, escaped on its own line, opens that link after all. Left alone
/// when anything bracketed comes between.
fn reopen_link(prev: &mut String, next: &str) -> bool {
    if orphan_close(next).is_none() {
        return false;
    }
    let Some(open) = prev.rfind("\\[") else {
        return false;
    };
    let after = &prev[open + 2..];
    if prev[..open].ends_with('\\') || after.contains('[') || after.contains(']') {
        return false;
    }
    prev.replace_range(open..open + 2, "[");
    true
}

/// Where a line's `](` is that no bracket before it on the line opens.
fn orphan_close(line: &str) -> Option<usize> {
    let close = line.find("](")?;
    let before = &line[..close];
    (!before.contains('[') && !before.contains(']') && !before.ends_with('\\')).then_some(close)
}

/// A line whose `](` closes no link (its text began before a blank line):
/// the bracket escaped and the URL after it wrapped, as a bare URL is.
fn close_orphan(line: String) -> String {
    match orphan_close(&line) {
        Some(close) => format!("{}\\]({}", &line[..close], escape_urls(&line[close + 2..])),
        None => line,
    }
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
        // A target cut short (Stripe's descriptions end mid-link): no link,
        // and rustdoc would read `[text]` as an intra-doc link.
        let target = &after[2..];
        // Destinations longer than this are not looked for (a line of
        // `](` without `)` would otherwise be scanned once per `](`).
        let window = &target[..floor_char_boundary(target, MAX_DESTINATION)];
        // (The next `](` ends it too: no link, and each is looked past once.)
        let end = window
            .char_indices()
            .find(|&(i, c)| {
                c == ')' || c.is_whitespace() || (c == ']' && window[i + 1..].starts_with('('))
            })
            .map(|(i, _)| i);
        // (Spaces may follow the destination: `(url )`.)
        let closed = end.is_some_and(|end| target[end..].trim_start().starts_with(')'));
        // A Rust path (`crate::views::Vpc`, from a spec written from Rust
        // docs) would be an intra-doc link into this crate: none either.
        let path = end.is_some_and(|end| {
            !target[..end].is_empty()
                && target[..end]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
        });
        if !closed || path {
            result.push_str(before);
            result.push_str("\\](");
            // Its URL is bare now (`escape_urls` left a link target alone).
            match leading_url(target) {
                Some(url) => {
                    result.push('<');
                    result.push_str(url);
                    result.push('>');
                    rest = &target[url.len()..];
                }
                None => rest = target,
            }
            continue;
        }
        match before.rfind("\\[") {
            Some(open) => {
                result.push_str(&before[..open]);
                result.push('[');
                result.push_str(&before[open + 2..]);
            }
            None => {
                // An image in a link (`[![alt](img)](url)`, a badge): the
                // bracket before the image opens the link.
                if before.ends_with(')') && result.ends_with("](") && !before.contains(['[', ']']) {
                    let from =
                        floor_char_boundary(&result, result.len().saturating_sub(MAX_DESTINATION));
                    if let Some(open) = result[from..].rfind("\\[![").map(|at| from + at) {
                        if result[open..].matches("](").count() == 1 {
                            result.replace_range(open..open + 2, "[");
                        }
                    }
                }
                result.push_str(before);
            }
        }
        result.push_str("](");
        rest = &after[2..];
    }
    result.push_str(rest);
    Some(result)
}

/// Wraps bare `http(s)://` URLs in `<...>` so rustdoc links them instead of
/// warning.
pub fn escape_urls(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    // Whether the text so far ends inside an HTML tag, kept as it grows
    // (one pass over the line, however many URLs it has).
    let mut in_tag = false;
    while let Some(pos) = rest.find("http") {
        let (before, after) = rest.split_at(pos);
        out.push_str(before);
        in_tag = html_tag_open(in_tag, before);
        let prev = before.chars().last();
        // Already a link target (`<url>`, `[text](url)`, an HTML tag's
        // attribute: `<a href="url">`) or code; in mere parentheses
        // (`docs.(https://…)`) it is bare.
        let wrapped = matches!(prev, Some('<' | '`')) || before.ends_with("](") || in_tag;
        if let Some(url) = (!wrapped).then(|| leading_url(after)).flatten() {
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

/// How far a link's destination (or a badge's alt text and image) is
/// looked for: longer ones are no link.
const MAX_DESTINATION: usize = 2048;

/// The largest char boundary of `text` at or below `at`.
fn floor_char_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The `http(s)://` URL `text` starts with: up to a space, a closing
/// bracket or quote, less trailing punctuation.
fn leading_url(text: &str) -> Option<&str> {
    if !(text.starts_with("http://") || text.starts_with("https://")) {
        return None;
    }
    let end = text
        .find(|c: char| c.is_whitespace() || matches!(c, ')' | '>' | '<' | '"' | '`'))
        .unwrap_or(text.len());
    let mut url = &text[..end];
    // A bracket closing what came before the URL (DocuSign's
    // `(title)[https://…]`) is not part of it.
    if let Some(close) = url.find(']') {
        if !url[..close].contains('[') {
            url = &url[..close];
        }
    }
    // A host in brackets is an IPv6 literal (`http://[::1]/`), or this is
    // no URL (Meraki's `http://[device's LAN IP]`).
    let host = url.find("://").map_or(url, |at| &url[at + 3..]);
    if let Some(inner) = host.strip_prefix('[') {
        let literal = inner.find(']').is_some_and(|close| {
            close > 0
                && inner[..close]
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        });
        if !literal {
            return None;
        }
    }
    Some(url.trim_end_matches(['.', ',', ';', ':']))
}

/// Whether the text ends inside an HTML tag (`<a href="`) after `text`,
/// given whether it did before: a `<` and a letter after the last `>`.
fn html_tag_open(mut open: bool, text: &str) -> bool {
    let bytes = text.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        match b {
            b'<' => open = bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic),
            b'>' => open = false,
            _ => {}
        }
    }
    open
}

pub fn longest_run(text: &str, c: char) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for x in text.chars() {
        run = if x == c { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

/// One line: line breaks and runs of whitespace become single spaces.
pub fn one_line(text: &str) -> String {
    escape_controls(&text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// A line of doc text: controls escaped, tabs as spaces (clippy's
/// `tabs_in_doc_comments`).
pub fn doc_text(line: &str) -> String {
    escape_controls(line).replace('\t', "    ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runnable_code_is_found_past_the_quick_check() {
        let has =
            |text: &str| has_runnable_code(&text.split('\n').map(String::from).collect::<Vec<_>>());
        // Each kind of block the quick check must let through to the parser.
        assert!(has("a\n\n```\nx\n```"));
        assert!(has("~~~rust\nx\n~~~"));
        assert!(has("a\n\n    indented"));
        assert!(has("a\n\n\tindented"));
        assert!(has("-     code in a list item"));
        assert!(has(">     code in a quote"));
        // `text` blocks and prose are not runnable, with or without the parse.
        assert!(!has("```text\nx\n```"));
        assert!(!has("plain prose, a list:\n- one\n  - two"));
        assert!(!has("a paragraph\n    continued lazily"));
    }

    #[test]
    fn long_lines_are_cleaned_in_one_pass() {
        // Lines of 600 KB: work quadratic in a line's length would not
        // finish (one scan of the rest of the line per `](` or URL).
        for unit in [
            "](",
            "](x)",
            "<a href=\"http://h",
            "[![a](b)](http://c",
            "http://http://",
            "<http://a",
            "<http://[a>",
        ] {
            let line = unit.repeat(600_000 / unit.len());
            let out = clean(&line);
            assert_eq!(out.len(), 1, "{unit}");
            assert!(out[0].len() >= line.len(), "{unit}");
        }
    }

    #[test]
    fn brackets_around_a_url_are_not_part_of_it() {
        assert_eq!(
            clean("per (Part 11)[https://x.io/part-11] and [see https://y.io]."),
            vec!["per (Part 11)\\[<https://x.io/part-11>\\] and \\[see <https://y.io>\\]."]
        );
        // An IPv6 host is a URL; a bracketed placeholder is not.
        assert_eq!(
            clean("at http://[::1]:80/a"),
            vec!["at <http://[::1]:80/a>"]
        );
        assert_eq!(
            clean("page (http://[device's LAN IP])"),
            vec!["page (http://\\[device's LAN IP\\])"]
        );
    }

    #[test]
    fn html_blocks_are_left_as_written() {
        // Markdown is not read inside an HTML block: an escaped bracket or a
        // wrapped URL there would be shown (Stripe's `<p>` paragraphs, a
        // `<pre>` sample with links in it).
        assert_eq!(
            clean("<p>replaced by <code>[redacted]</code>, see https://x.io</p>\n\nthen [a] https://y.io"),
            vec![
                "<p>replaced by <code>[redacted]</code>, see https://x.io</p>",
                "",
                "then \\[a\\] <https://y.io>",
            ]
        );
        assert_eq!(
            clean("<pre>\n\"href\": \"https://x.io/item/123\"\n</pre>"),
            vec!["<pre>", "\"href\": \"https://x.io/item/123\"", "</pre>"]
        );
        // Inline HTML in a paragraph is Markdown: escaped as usual. A `<div>`
        // line starts a block even in a list item, after its text.
        assert_eq!(clean("a <b>[x]</b>"), vec!["a <b>\\[x\\]</b>"]);
        assert_eq!(
            clean("- item\n  <div>[x]</div>"),
            vec!["- item", "  <div>[x]</div>"]
        );
        // After the block's blank line, Markdown again.
        assert_eq!(
            clean("<div>\n[x]\n</div>\n\n[y]"),
            vec!["<div>", "[x]", "</div>", "", "\\[y\\]"]
        );
    }

    #[test]
    fn code_spans_are_shown_as_typed() {
        // Inside backticks Markdown shows a backslash or `<url>` as typed:
        // only the prose around a span is escaped.
        assert_eq!(
            clean("Use `expand[]=x` with [a] or `curl https://x.io/a` at https://y.io"),
            vec!["Use `expand[]=x` with \\[a\\] or `curl https://x.io/a` at <https://y.io>"]
        );
        // A link whose text is code stays a link; an unclosed backtick is
        // prose; a span in a list item keeps its brackets too.
        assert_eq!(
            clean("[`Vec<T>`](https://x.io)"),
            vec!["[`Vec<T>`](https://x.io)"]
        );
        assert_eq!(clean("a ` [b]"), vec!["a ` \\[b\\]"]);
        assert_eq!(clean("- `m[k]` [n]"), vec!["- `m[k]` \\[n\\]"]);
        assert_eq!(
            super::super::docs::inline("set `metadata[key]` [x]"),
            "set `metadata[key]` \\[x\\]"
        );
    }

    #[test]
    fn cleans_prose() {
        assert_eq!(clean("See https://x.io/a."), vec!["See <https://x.io/a>."]);
        assert_eq!(
            clean("  indented\n\n[a](http://b)"),
            vec!["indented", "", "[a](http://b)"]
        );
        assert_eq!(clean("list [1, 2]"), vec!["list \\[1, 2\\]"]);
        // A link's text may go on to the next line of its paragraph (GitHub's
        // descriptions), also in a list item; not across a blank line.
        assert_eq!(
            clean("support [a custom media\ntype](https://x.test/m) to"),
            vec!["support [a custom media", "type](https://x.test/m) to"]
        );
        assert_eq!(
            clean("* use the [Git Trees\nAPI](https://x.test/t)."),
            vec!["* use the [Git Trees", "  API](https://x.test/t)."]
        );
        assert_eq!(
            clean("a [b\n\nc](https://x.test/c)"),
            vec!["a \\[b", "", "c\\](<https://x.test/c>)"]
        );
        assert_eq!(clean("[x] [y\nz] (w)"), vec!["\\[x\\] \\[y", "z\\] (w)"]);
        // A URL in an HTML attribute stays as it is.
        let html = r#"through <a href="https://x.test/a">OAuth</a>, see https://x.test/b"#;
        assert_eq!(
            escape_html(clean(html)),
            vec![r#"through <a href="https://x.test/a">OAuth</a>, see <https://x.test/b>"#]
        );
        // Nor is one to a Rust path.
        assert_eq!(
            clean("for a [`Vpc`](crate::views::Vpc) or [x](Foo), [y](/docs/y)"),
            vec!["for a \\[`Vpc`\\](crate::views::Vpc) or \\[x\\](Foo), [y](/docs/y)"]
        );
        // A URL as an HTML link's text ends at the closing tag.
        let html = r#"here: <a href="https://x.test/s" target="_blank">https://x.test/s</a>."#;
        assert_eq!(
            escape_html(clean(html)),
            vec![r#"here: <a href="https://x.test/s" target="_blank"><https://x.test/s></a>."#]
        );
        // A badge (an image in a link), a destination followed by a space,
        // a destination with a title (no link here: the URL is wrapped).
        assert_eq!(
            clean("[![Run](https://x.test/b.svg)](https://x.test/r)"),
            vec!["[![Run](https://x.test/b.svg)](https://x.test/r)"]
        );
        assert_eq!(
            clean("this [table](http://x.test/t )."),
            vec!["this [table](http://x.test/t )."]
        );
        assert_eq!(
            clean(r#"a [b](https://x.test/b "t")"#),
            vec![r#"a \[b\](<https://x.test/b> "t")"#]
        );
        // Escaped brackets in a destination (a query's `filter[name]`) keep
        // the link.
        assert_eq!(
            clean("see [it](https://x.test/?f[a]=1)."),
            vec!["see [it](https://x.test/?f\\[a\\]=1)."]
        );
        // A link cut short is no link.
        assert_eq!(
            clean("created on a [FinancialAccount](/docs/api/treasury"),
            vec!["created on a \\[FinancialAccount\\](/docs/api/treasury"]
        );
        // A URL in parentheses that are no link target is bare.
        assert_eq!(
            clean("see [these docs].(https://x.test/d) or (https://x.test/e)"),
            vec!["see \\[these docs\\].(<https://x.test/d>) or (<https://x.test/e>)"]
        );
    }

    #[test]
    fn nested_list_items_keep_their_level() {
        // NBG's description: tab-indented sub-items, then sub-items indented
        // by a tab and two spaces, a paragraph inside one, and a sibling.
        let text = "3. Select:\n\t1. a\n\t2. b\n4. Add:\n\t  1. c\n\t  2. d\n\t\t  \n\t\t  more d\n\t  3. e\n5. Go";
        assert_eq!(
            clean(text),
            vec![
                "3. Select:",
                "   1. a",
                "   2. b",
                "4. Add:",
                "   1. c",
                "   2. d",
                "",
                "      more d",
                "   3. e",
                "5. Go"
            ]
        );
    }
}
