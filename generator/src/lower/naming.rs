//! Turning arbitrary spec strings into Rust identifiers.
//!
//! Every function here is total: any input, including empty strings, emoji
//! and keywords, yields a valid identifier.

use std::collections::BTreeSet;

use heck::{ToPascalCase, ToSnakeCase};

/// Keywords that cannot be used as identifiers even as raw identifiers, or
/// that read badly; these get a trailing underscore instead of `r#`.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

pub fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// Replaces characters that cannot appear in identifiers with word breaks,
/// spelling out a few symbols that would otherwise vanish (`!=`, `<`, ...).
fn words(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        let spelled = match c {
            '+' => Some("plus"),
            // A leading minus is meaningful (`-1`, `-created_at`).
            '-' if out.trim().is_empty() => Some("minus"),
            '=' => Some("eq"),
            '!' => Some("not"),
            '<' => Some("lt"),
            '>' => Some("gt"),
            '*' => Some("star"),
            '@' => Some("at"),
            '&' => Some("and"),
            '|' => Some("or"),
            '%' => Some("percent"),
            '#' => Some("hash"),
            '$' => Some("dollar"),
            '~' => Some("tilde"),
            '^' => Some("caret"),
            '/' if raw.trim() == "/" => Some("slash"),
            '.' if raw.trim() == "." => Some("dot"),
            _ => None,
        };
        if let Some(word) = spelled {
            out.push(' ');
            out.push_str(word);
            out.push(' ');
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if c.is_alphanumeric() {
            // Non-ASCII letters are valid in identifiers but hard to type and
            // linted: transliterate (`ü` → `u`, `日本` → `Ri Ben`).
            let ascii = deunicode::deunicode_char(c).unwrap_or("");
            let ascii: String = ascii
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == ' ')
                .collect();
            if ascii.trim().is_empty() {
                out.push_str(&format!(" u{:04x} ", c as u32));
            } else if ascii.len() == 1 {
                // An accented Latin letter: part of the same word.
                out.push_str(&ascii);
            } else {
                out.push(' ');
                out.push_str(&ascii);
                out.push(' ');
            }
        } else {
            out.push(' ');
        }
    }
    out
}

fn finish(mut ident: String, fallback: &str) -> String {
    if ident.is_empty() {
        ident = fallback.to_string();
    }
    let pascal_case = fallback.starts_with(|c: char| c.is_ascii_uppercase());
    if pascal_case && ident == "Self" {
        // `Self_` would trip the camel-case lint.
        return "SelfValue".to_string();
    }
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert(0, '_');
        // `_1` is fine for fields, but types/variants read better as `V1`.
        if fallback.starts_with(|c: char| c.is_ascii_uppercase()) {
            ident.replace_range(0..1, &fallback[..1]);
        }
    }
    if NOT_RAW.contains(&ident.as_str()) {
        ident.push('_');
    }
    ident
}

/// PascalCase type or variant name.
pub fn pascal(raw: &str) -> String {
    if raw.is_empty() {
        return "Empty".to_string();
    }
    finish(words(raw).to_pascal_case(), "Value")
}

/// snake_case field, parameter or method name (keywords are returned as is;
/// use [`ident_text`] when writing them).
pub fn snake(raw: &str) -> String {
    // Split camelCase before heck sees it so `userID` → `user_id`.
    finish(words(raw).to_snake_case(), "value")
}

/// How a snake-case name is written in source: keywords become raw
/// identifiers.
pub fn ident_text(name: &str) -> String {
    if is_keyword(name) && !NOT_RAW.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_string()
    }
}

/// Makes `name` unique within `taken` by appending a number, then records it.
/// Callers visit names in a deterministic order (document or pointer order).
pub fn unique(name: String, taken: &mut BTreeSet<String>) -> String {
    if taken.insert(name.clone()) {
        return name;
    }
    // `V1` + 2 → `V1_2` (an underscore between digits keeps camel case);
    // `Asc` + 2 → `Asc2`.
    let sep = if name.ends_with(|c: char| c.is_ascii_digit()) {
        "_"
    } else {
        ""
    };
    let mut n = 2u64;
    loop {
        let candidate = format!("{name}{sep}{n}");
        if taken.insert(candidate.clone()) {
            return candidate;
        }
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(pascal("update-contact request"), "UpdateContactRequest");
        assert_eq!(pascal("ASC"), "Asc");
        assert_eq!(pascal("!="), "NotEq");
        assert_eq!(pascal("="), "Eq");
        assert_eq!(pascal("1st"), "V1st");
        assert_eq!(pascal(""), "Empty");
        assert_eq!(pascal("/"), "Slash");
        assert_eq!(pascal("Self"), "SelfValue");
        assert_eq!(pascal("ünïcode"), "Unicode");
        assert_eq!(snake("userID"), "user_id");
        assert_eq!(snake("Intercom-Version"), "intercom_version");
        assert_eq!(snake("type"), "type");
        assert_eq!(ident_text("type"), "r#type");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("2fa"), "_2fa");
        assert_eq!(snake("naïve"), "naive");
        assert_eq!(snake("名前"), "ming_qian");
        assert_eq!(snake("@type"), "at_type");
    }

    #[test]
    fn uniqueness() {
        let mut taken = BTreeSet::new();
        assert_eq!(unique("Asc".into(), &mut taken), "Asc");
        assert_eq!(unique("Asc".into(), &mut taken), "Asc2");
        assert_eq!(unique("V1".into(), &mut taken), "V1");
        assert_eq!(unique("V1".into(), &mut taken), "V1_2");
    }
}
