//! What the CLI tells the user: progress and timings on stderr, warnings,
//! errors, a summary, and with `--json` one object on stdout for CI tools.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clientgen::generate::{PhaseTime, Progress};
use clientgen::surface::Class;
use clientgen::write::{Staleness, WriteReport};
use clientgen::Diagnostic;
use serde_json::{json, Map, Value};

/// The process exit codes (documented in `--help` and the README).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    /// `check` found stale files.
    Stale = 1,
    /// Bad arguments or configuration, or `--force` needed.
    Usage = 2,
    /// The spec cannot be used.
    Spec = 3,
    /// File I/O failed, or an internal error.
    Io = 4,
}

/// A failed command: its exit code and what to say.
pub struct Failure {
    exit: Exit,
    message: String,
    diagnostic: Option<Diagnostic>,
}

impl Failure {
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Failure {
            exit,
            message: message.into(),
            diagnostic: None,
        }
    }

    pub fn diagnostic(exit: Exit, d: Diagnostic) -> Self {
        Failure {
            exit,
            message: d.to_string(),
            diagnostic: Some(d),
        }
    }
}

pub struct Reporter {
    quiet: bool,
    json: bool,
    start: Instant,
    /// A phase line is started on stderr, waiting for its time.
    open_line: bool,
    /// The `--json` object.
    object: Map<String, Value>,
    /// `ir` output, printed last (stdout).
    ir: Option<String>,
    /// `diff` report (markdown), printed last (stdout).
    text: Option<String>,
}

impl Reporter {
    pub fn new(command: &str, quiet: bool, json: bool) -> Self {
        let mut object = Map::new();
        object.insert("command".into(), json!(command));
        Reporter {
            quiet,
            json,
            start: Instant::now(),
            open_line: false,
            object,
            ir: None,
            text: None,
        }
    }

    /// A phase starts ("  load specs/x.yaml …") or ends (its time completes
    /// the line), so a long phase shows what it is working on.
    pub fn progress(&mut self, p: &Progress<'_>) {
        if self.quiet {
            return;
        }
        let mut err = std::io::stderr().lock();
        match p.elapsed {
            None => {
                let _ = write!(
                    err,
                    "{:>6} {} ...",
                    p.phase.as_str(),
                    terminal_safe(p.subject)
                );
                let _ = err.flush();
                self.open_line = true;
            }
            Some(d) => {
                let _ = writeln!(err, " {}", millis(d));
                self.open_line = false;
            }
        }
    }

    fn close_line(&mut self) {
        if self.open_line {
            eprintln!();
            self.open_line = false;
        }
    }

    pub fn warnings(&mut self, warnings: &[Diagnostic]) {
        if !self.quiet {
            for w in warnings {
                eprintln!("{}", terminal_safe(&w.to_string()));
            }
        }
        self.object.insert(
            "warnings".into(),
            Value::Array(warnings.iter().map(diagnostic_json).collect()),
        );
    }

    pub fn phases(&mut self, phases: &[PhaseTime]) {
        let list = phases
            .iter()
            .map(
                |p| json!({ "phase": p.phase.as_str(), "subject": p.subject, "ms": ms(p.elapsed) }),
            )
            .collect();
        self.object.insert("phases".into(), Value::Array(list));
    }

    pub fn written(&mut self, out: &Path, count: usize, report: &WriteReport) {
        let paths = |v: &[PathBuf]| Value::Array(v.iter().map(|p| json!(slash(p))).collect());
        self.object.insert("out".into(), json!(slash(out)));
        self.object.insert("files".into(), json!(count));
        self.object.insert("written".into(), paths(&report.written));
        self.object.insert("removed".into(), paths(&report.removed));
        self.object
            .insert("unchanged".into(), json!(report.unchanged.len()));
        if self.quiet {
            return;
        }
        let removed = if report.removed.is_empty() {
            String::new()
        } else {
            format!(", {} removed", report.removed.len())
        };
        eprintln!(
            "clientgen: {} files in {}: {} written, {} unchanged{removed} ({})",
            count,
            out.display(),
            report.written.len(),
            report.unchanged.len(),
            millis(self.start.elapsed())
        );
    }

    /// The stale files are printed even with `--quiet`: they are the answer.
    pub fn checked(&mut self, out: &Path, count: usize, stale: &[(PathBuf, Staleness)]) -> Exit {
        self.object.insert("out".into(), json!(slash(out)));
        self.object.insert("files".into(), json!(count));
        let list = stale
            .iter()
            .map(|(p, why)| json!({ "path": slash(p), "reason": why.as_str() }))
            .collect();
        self.object.insert("stale".into(), Value::Array(list));
        if stale.is_empty() {
            if !self.quiet {
                eprintln!("clientgen: {} is up to date ({count} files)", out.display());
            }
            return Exit::Ok;
        }
        self.close_line();
        eprintln!(
            "clientgen: {} is stale ({} of {count} files); run `clientgen generate` to update it:",
            out.display(),
            stale.len()
        );
        for (path, why) in stale {
            eprintln!("  {} ({})", path.display(), why.as_str());
        }
        Exit::Stale
    }

    pub fn ir(&mut self, text: String) {
        self.ir = Some(text);
    }

    /// A `diff` report: markdown on stdout, or with `--json` its counts,
    /// recommended bump and markdown.
    pub fn diff(&mut self, report: &clientgen::surface::Report) {
        let counts = report.counts();
        let n = |c: Class| counts.get(&c).copied().unwrap_or(0);
        self.object.insert(
            "changes".into(),
            json!({
                "breaking": n(Class::Breaking),
                "additive": n(Class::Additive),
                "docs": n(Class::Docs),
            }),
        );
        self.object
            .insert("bump".into(), json!(report.bump().to_string()));
        let markdown = report.markdown(None);
        self.object.insert("report".into(), json!(markdown));
        self.text = Some(markdown.trim_end().to_string());
    }

    pub fn initialized(&mut self, path: &Path) {
        self.object.insert("config".into(), json!(slash(path)));
        if !self.quiet {
            eprintln!(
                "clientgen: wrote {}; edit it, then run `clientgen generate`",
                path.display()
            );
        }
    }

    /// Errors are printed even with `--quiet`.
    pub fn fail(&mut self, failure: Failure) -> Exit {
        self.close_line();
        eprintln!("{}", terminal_safe(&failure.message));
        let error = match &failure.diagnostic {
            Some(d) => diagnostic_json(d),
            None => json!({ "message": failure.message }),
        };
        self.object.insert("error".into(), error);
        failure.exit
    }

    pub fn finish(&mut self, exit: Exit) {
        self.close_line();
        if let Some(text) = self.ir.take() {
            if self.json {
                self.object.insert(
                    "ir".into(),
                    serde_json::from_str(&text).unwrap_or(Value::String(text)),
                );
            } else {
                println!("{text}");
            }
        }
        if let Some(text) = self.text.take() {
            if !self.json {
                // A closed pipe (`| head`) ends the output, not the program.
                let _ = writeln!(std::io::stdout(), "{}", terminal_safe(&text));
            }
        }
        if self.json {
            let status = match exit {
                Exit::Ok => "ok",
                Exit::Stale => "stale",
                _ => "error",
            };
            self.object.insert("status".into(), json!(status));
            self.object.insert("exit_code".into(), json!(exit as u8));
            self.object
                .insert("elapsed_ms".into(), json!(ms(self.start.elapsed())));
            println!("{}", Value::Object(std::mem::take(&mut self.object)));
        }
    }
}

fn diagnostic_json(d: &Diagnostic) -> Value {
    json!({
        "severity": d.severity.to_string(),
        "file": d.file,
        "pointer": d.pointer,
        "line": d.line,
        "column": d.column,
        "message": d.message,
        "help": d.help,
    })
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 10_000.0).round() / 10.0
}

fn millis(d: Duration) -> String {
    if d >= Duration::from_secs(1) {
        format!("{:.2} s", d.as_secs_f64())
    } else {
        format!("{} ms", d.as_millis())
    }
}

fn slash(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// Control characters escaped (line breaks kept): text from a spec must not
/// move the cursor, recolour the terminal or clear lines.
fn terminal_safe(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() && c != '\n' {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_shown_not_obeyed() {
        assert_eq!(terminal_safe("a\u{1b}[2Jb\nc\r"), "a\\u{1b}[2Jb\nc\\r");
    }
}
