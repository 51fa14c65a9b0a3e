//! `CHANGELOG.md` of a generated crate: one section per version bump,
//! newest first, each holding the API change report of that bump.

use super::Report;

const INTRO: &str =
    "<!-- Written by `cargo xtask codegen --bump`: one section per version, newest first. -->";

/// The section for `version`.
pub fn section(version: &str, report: &Report) -> String {
    let body = report.markdown(None);
    // The report's own heading becomes a line under the version's.
    let body = body
        .strip_prefix("## API changes: ")
        .map_or(body.clone(), |rest| format!("API changes: {rest}"));
    format!("## {version}\n\n{}\n", body.trim_end())
}

/// `existing` (the current file, if any) with `section` added above the
/// previous sections.
pub fn prepend(existing: Option<&str>, crate_name: &str, section: &str) -> String {
    let title = format!("# Changelog of `{crate_name}`");
    let (head, rest) = match existing {
        Some(text) => match text.find("\n## ") {
            Some(i) => (text[..i].trim_end().to_string(), text[i + 1..].to_string()),
            None => (text.trim_end().to_string(), String::new()),
        },
        None => (format!("{INTRO}\n\n{title}"), String::new()),
    };
    let mut out = format!("{head}\n\n{}\n", section.trim_end());
    if !rest.is_empty() {
        out.push('\n');
        out.push_str(rest.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_first_and_idempotent_layout() {
        let r = Report::default();
        let one = prepend(None, "c", &section("0.1.1", &r));
        assert!(one.starts_with(INTRO));
        let two = prepend(Some(&one), "c", &section("0.2.0", &r));
        let a = two.find("## 0.2.0").unwrap();
        let b = two.find("## 0.1.1").unwrap();
        assert!(a < b, "{two}");
        assert_eq!(two.matches("# Changelog").count(), 1);
        assert!(two.ends_with('\n') && !two.ends_with("\n\n"));
    }
}
