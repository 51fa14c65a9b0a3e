//! Escaping untrusted text (spec strings, file names) for where it goes:
//! one function shared by doc comments, headers, manifests and terminal
//! output.

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

/// Whether [`escape_controls`] escapes `c`.
pub fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_only() {
        assert_eq!(
            escape_controls("plain\ttext, ünïcode 🎉"),
            "plain\ttext, ünïcode 🎉"
        );
        assert_eq!(
            escape_controls("a\u{1b}[31mb\r\nc"),
            "a\\u{1b}[31mb\\u{d}\\u{a}c"
        );
        assert_eq!(
            escape_controls("\u{202e}x\u{7f}\u{85}"),
            "\\u{202e}x\\u{7f}\\u{85}"
        );
    }
}
