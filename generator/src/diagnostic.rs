//! Diagnostics: errors and warnings that point into the input document.
//!
//! Every diagnostic names the file, a JSON pointer (RFC 6901, written with a
//! leading `#`, e.g. `#/paths/~1contacts/put/requestBody`; `#` alone is the
//! document root) and, where it can be found, the 1-based line and column of
//! that value in the source text.

use std::fmt;

use crate::text::escape_controls;

/// How bad a [`Diagnostic`] is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Severity {
    /// The document cannot be used.
    Error,
    /// The document can be used, but something was ignored or changed.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// A message about a place in an input document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file as given by the user, for messages.
    pub file: String,
    /// JSON pointer with a leading `#`; `#` for the root.
    pub pointer: String,
    /// 1-based line of the value at `pointer`, when known.
    pub line: Option<usize>,
    /// 1-based column (in characters) of the value at `pointer`, when known.
    pub column: Option<usize>,
    pub message: String,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(
        severity: Severity,
        file: impl Into<String>,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity,
            file: file.into(),
            pointer: pointer.into(),
            line: None,
            column: None,
            message: message.into(),
            help: None,
        }
    }

    pub fn error(
        file: impl Into<String>,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Error, file, pointer, message)
    }

    pub fn warning(
        file: impl Into<String>,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Warning, file, pointer, message)
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Sets the 1-based line and column.
    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    /// Sets line and column when `pos` is known.
    pub fn at_opt(mut self, pos: Option<(usize, usize)>) -> Self {
        if let Some((line, column)) = pos {
            self.line = Some(line);
            self.column = Some(column);
        }
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// One line per diagnostic (plus its help): pointers and messages quote the
/// spec, so control characters are shown escaped and cannot recolour a
/// terminal or start a forged `error:` line.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.severity, escape_controls(&self.file))?;
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, ":{line}:{column}")?,
            (Some(line), None) => write!(f, ":{line}")?,
            _ => {}
        }
        write!(
            f,
            ": at {}: {}",
            escape_controls(&self.pointer),
            escape_controls(&self.message)
        )?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {}", escape_controls(help))?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

/// Escapes one JSON pointer reference token (RFC 6901): `~` → `~0`, `/` → `~1`.
pub fn pointer_escape(segment: &str) -> String {
    if !segment.contains(['~', '/']) {
        return segment.to_string();
    }
    segment.replace('~', "~0").replace('/', "~1")
}

/// Undoes [`pointer_escape`]: `~1` → `/`, `~0` → `~`.
pub fn pointer_unescape(segment: &str) -> String {
    if !segment.contains('~') {
        return segment.to_string();
    }
    segment.replace("~1", "/").replace("~0", "~")
}

/// Appends one (unescaped) segment to a pointer: `pointer_join("#/paths", "/a")`
/// is `#/paths/~1a`. An empty `base` is treated as `#`.
pub fn pointer_join(base: &str, segment: &str) -> String {
    let base = if base.is_empty() { "#" } else { base };
    format!("{base}/{}", pointer_escape(segment))
}

/// Builds a pointer from unescaped segments: `["paths", "/a"]` → `#/paths/~1a`.
pub fn pointer_from_segments<S: AsRef<str>>(segments: &[S]) -> String {
    let mut out = String::from("#");
    for s in segments {
        out.push('/');
        out.push_str(&pointer_escape(s.as_ref()));
    }
    out
}

/// Splits a pointer (with or without the leading `#`) into unescaped segments.
/// `#` and `` give no segments. Percent-encoding (URI fragment form) is not
/// decoded.
pub fn pointer_segments(pointer: &str) -> Vec<String> {
    let p = pointer.strip_prefix('#').unwrap_or(pointer);
    if p.is_empty() {
        return Vec::new();
    }
    let p = p.strip_prefix('/').unwrap_or(p);
    p.split('/').map(pointer_unescape).collect()
}

/// The parent pointer (`#/a/b` → `#/a`), or `None` for the root.
pub fn pointer_parent(pointer: &str) -> Option<&str> {
    let p = pointer.strip_prefix('#').unwrap_or(pointer);
    if p.is_empty() {
        return None;
    }
    let idx = pointer.rfind('/')?;
    let parent = &pointer[..idx];
    Some(if parent.is_empty() { "#" } else { parent })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_and_join() {
        assert_eq!(pointer_escape("/contacts/{id}"), "~1contacts~1{id}");
        assert_eq!(pointer_escape("a~b/c"), "a~0b~1c");
        assert_eq!(pointer_unescape("a~0b~1c"), "a~b/c");
        assert_eq!(pointer_unescape("~01"), "~1");
        assert_eq!(pointer_join("#", "paths"), "#/paths");
        assert_eq!(pointer_join("#/paths", "/contacts"), "#/paths/~1contacts");
        assert_eq!(pointer_join("", "a"), "#/a");
        assert_eq!(
            pointer_from_segments(&["paths", "/a", "get"]),
            "#/paths/~1a/get"
        );
        assert_eq!(
            pointer_segments("#/paths/~1a/get"),
            vec!["paths", "/a", "get"]
        );
        assert!(pointer_segments("#").is_empty());
        assert_eq!(pointer_segments("#/"), vec![""]);
        assert_eq!(pointer_parent("#/a/b"), Some("#/a"));
        assert_eq!(pointer_parent("#/a"), Some("#"));
        assert_eq!(pointer_parent("#"), None);
    }

    #[test]
    fn display() {
        let d = Diagnostic::error("api.yaml", "#/paths", "missing")
            .at(3, 1)
            .with_help("add it");
        assert_eq!(
            d.to_string(),
            "error: api.yaml:3:1: at #/paths: missing\n  help: add it"
        );
        let w = Diagnostic::warning("api.json", "#", "odd");
        assert_eq!(w.to_string(), "warning: api.json: at #: odd");
        // A spec key cannot recolour the terminal or start a line of its own.
        let hostile = Diagnostic::warning(
            "a.yaml",
            "#/paths/\u{1b}[31m\rerror: x",
            "key `\n\u{1b}]0;t\u{7}`",
        );
        assert_eq!(
            hostile.to_string(),
            "warning: a.yaml: at #/paths/\\u{1b}[31m\\u{d}error: x: key `\\u{a}\\u{1b}]0;t\\u{7}`"
        );
    }
}
