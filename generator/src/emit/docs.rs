//! Doc comments from spec prose.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = ...]` attributes for each line of `text`, made safe for rustdoc:
/// no bare URLs warnings, no accidental code blocks from indentation.
pub fn doc(text: &str) -> TokenStream {
    let lines = clean(text);
    let attrs = lines.iter().map(|l| {
        let l = if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        };
        quote!(#[doc = #l])
    });
    quote!(#(#attrs)*)
}

/// Several paragraphs, skipping empty ones, separated by blank doc lines.
pub fn doc_paragraphs(parts: &[Option<&str>]) -> TokenStream {
    let text: Vec<&str> = parts
        .iter()
        .flatten()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    let mut deduped: Vec<&str> = Vec::new();
    for t in text {
        if !deduped.contains(&t) {
            deduped.push(t);
        }
    }
    doc(&deduped.join("\n\n"))
}

/// The cleaned lines of `text`, for callers building inner doc attributes.
pub fn doc_lines(text: &str) -> Vec<String> {
    clean(text)
}

fn clean(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut in_fence = false;
    for raw in text.trim().lines() {
        let line = raw.trim_end();
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            // Spec code samples are rarely Rust: never let rustdoc run them.
            let lang = line.trim_start().trim_start_matches('`').trim();
            out.push(if in_fence && (lang.is_empty() || lang == "rust") {
                "```text".to_string()
            } else if in_fence {
                format!("```{lang}")
            } else {
                "```".to_string()
            });
            continue;
        }
        if in_fence {
            out.push(line.to_string());
            continue;
        }
        // Leading indentation would turn prose into a code block.
        let mut l = line.trim_start().to_string();
        l = escape_urls(&l);
        // Brackets that look like broken intra-doc links.
        l = l.replace('[', "\\[").replace(']', "\\]");
        // Undo escaping for markdown links `[text](url)`.
        l = l.replace("\\](", "](");
        if let Some(fixed) = fix_markdown_links(&l) {
            l = fixed;
        }
        out.push(l);
    }
    if in_fence {
        out.push("```".to_string());
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out
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
            let end = after
                .find(|c: char| c.is_whitespace() || c == ')' || c == '>' || c == '"' || c == '`')
                .unwrap_or(after.len());
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

    #[test]
    fn cleans_prose() {
        assert_eq!(clean("See https://x.io/a."), vec!["See <https://x.io/a>."]);
        assert_eq!(
            clean("  indented\n\n[a](http://b)"),
            vec!["indented", "", "[a](http://b)"]
        );
        assert_eq!(clean("list [1, 2]"), vec!["list \\[1, 2\\]"]);
    }
}
