//! Turning arbitrary spec strings into Rust identifiers.
//!
//! Every function here is total: any input, including empty strings, emoji
//! and keywords, yields a valid identifier.

use std::collections::{HashMap, HashSet};

use heck::{ToPascalCase, ToSnakeCase};

use super::reserved::Scope;

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

/// kebab-case words for cargo names (features, packages): ASCII letters,
/// digits and single hyphens, never empty.
pub fn kebab(raw: &str) -> String {
    let text = words(raw);
    let parts: Vec<&str> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let joined = parts.join(" ").to_snake_case();
    let out: Vec<&str> = joined.split('_').filter(|w| !w.is_empty()).collect();
    if out.is_empty() {
        "value".to_string()
    } else {
        out.join("-")
    }
}

/// The longest package name of a generated crate: crates.io allows 64
/// characters, and the crate's runtime package is named after it with
/// `-runtime` added.
pub const MAX_PACKAGE_NAME: usize = 64 - "-runtime".len();

/// A cargo package name for a client of the API titled `title`:
/// `1Password Connect` → `api-1password-connect-client` (a package name
/// cannot start with a digit); at most [`MAX_PACKAGE_NAME`] characters.
pub fn package_name(title: &str) -> String {
    let mut base = kebab(title);
    if base == "value" && words(title).trim().is_empty() {
        base = "api".to_string();
    }
    if base.starts_with(|c: char| c.is_ascii_digit()) {
        base.insert_str(0, "api-");
    }
    // Room for `-client`, cut at a word boundary.
    const MAX_BASE: usize = MAX_PACKAGE_NAME - "-client".len();
    if base.len() > MAX_BASE {
        let cut = base[..MAX_BASE].rfind('-').unwrap_or(MAX_BASE);
        base.truncate(cut);
    }
    format!("{base}-client")
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

/// One Rust namespace (the items of a module, the methods of a type, the
/// variants of an enum, ...): hands out unique names in the order asked, so
/// callers ask in document or pointer order, never in visiting order.
///
/// A name taken by the generated code itself ([`Scope::reserved`]) gets the
/// scope's suffix (`timeout` → `timeout_param`); a name a spec name already
/// took is numbered (`Asc`, `Asc2`; `V1`, `V1_2`: an underscore between
/// digits). Each base name remembers its next number, so `n` names that all
/// map to one base cost O(n), not O(n²).
#[derive(Clone, Debug)]
pub struct Namespace {
    scope: Scope,
    reserved: HashSet<&'static str>,
    taken: HashSet<String>,
    next: HashMap<String, u64>,
}

impl Namespace {
    pub fn new(scope: Scope) -> Self {
        let reserved: HashSet<&'static str> = scope.reserved.iter().copied().collect();
        let taken = reserved.iter().map(|s| s.to_string()).collect();
        Namespace {
            scope,
            reserved,
            taken,
            next: HashMap::new(),
        }
    }

    /// Whether `name` is reserved or already handed out.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    /// Whether the generated code itself uses `name` in this scope.
    pub fn is_reserved(&self, name: &str) -> bool {
        self.reserved.contains(name)
    }

    /// `base` if free, else the closest free variant of it; recorded as taken.
    pub fn claim(&mut self, base: String) -> String {
        let suffix = self.scope.suffix;
        self.claim_with_suffix(base, suffix)
    }

    /// [`Namespace::claim`] with another suffix for a reserved name, for a
    /// scope shared by two kinds of names (credential and header setters).
    pub fn claim_with_suffix(&mut self, base: String, suffix: &str) -> String {
        if self.taken.insert(base.clone()) {
            return base;
        }
        let base = if self.reserved.contains(base.as_str()) && !suffix.is_empty() {
            let suffixed = format!("{base}{suffix}");
            if self.taken.insert(suffixed.clone()) {
                return suffixed;
            }
            suffixed
        } else {
            base
        };
        let sep = if base.ends_with(|c: char| c.is_ascii_digit()) {
            "_"
        } else {
            ""
        };
        let n = self.next.entry(base.clone()).or_insert(2);
        loop {
            let candidate = format!("{base}{sep}{n}");
            *n += 1;
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
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
        assert_eq!(kebab("Store Front"), "store-front");
        assert_eq!(kebab("self"), "self");
        assert_eq!(kebab("1st"), "1st");
        assert_eq!(kebab("🎉"), "value");
    }

    #[test]
    fn package_names() {
        assert_eq!(package_name("Intercom API"), "intercom-api-client");
        assert_eq!(
            package_name("1Password Connect"),
            "api-1password-connect-client"
        );
        assert_eq!(package_name("  "), "api-client");
        assert_eq!(package_name("🎉"), "api-client");
        assert_eq!(package_name("Ünïcode\u{7f}\r\n"), "unicode-client");
        let long = package_name(&"word ".repeat(40));
        assert!(
            long.len() <= 64 && long.ends_with("-client") && !long.contains("--"),
            "{long}"
        );
    }

    #[test]
    fn uniqueness() {
        let mut ns = Namespace::new(Scope {
            reserved: &["Unknown"],
            suffix: "Value",
        });
        assert_eq!(ns.claim("Asc".into()), "Asc");
        assert_eq!(ns.claim("Asc".into()), "Asc2");
        assert_eq!(ns.claim("Asc3".into()), "Asc3");
        assert_eq!(ns.claim("Asc".into()), "Asc4");
        assert_eq!(ns.claim("V1".into()), "V1");
        assert_eq!(ns.claim("V1".into()), "V1_2");
        assert_eq!(ns.claim("Unknown".into()), "UnknownValue");
        assert_eq!(ns.claim("Unknown".into()), "UnknownValue2");
        assert_eq!(ns.claim("UnknownValue".into()), "UnknownValue3");
        let mut plain = Namespace::new(Scope {
            reserved: &["ClientBuilder"],
            suffix: "",
        });
        assert_eq!(plain.claim("ClientBuilder".into()), "ClientBuilder2");
    }

    #[test]
    fn many_collisions_are_linear() {
        // 10k names mapping to one base: each claim resumes where the last
        // stopped (this loop was quadratic when every claim counted from 2).
        let mut ns = Namespace::new(Scope {
            reserved: &[],
            suffix: "",
        });
        let names: Vec<String> = (0..10_000).map(|_| ns.claim("Same".into())).collect();
        assert_eq!(names[0], "Same");
        assert_eq!(names[9_999], "Same10000");
    }
}
