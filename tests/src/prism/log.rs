//! Prism's log: capturing its stdout/stderr, flushing it with sentinel
//! requests, parsing its (signale) lines, and listing the requests it logged.

use std::fmt;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use super::{lock, LogMark, Prism};

/// How long a log sync waits for its sentinel request to show up in the log.
const SYNC_TIMEOUT: Duration = Duration::from_secs(15);

/// Path prefix of the sentinel requests used to flush Prism's log.
pub(super) const SYNC_PATH: &str = "/__contact_tests_prism_sync__/";

impl Prism {
    /// Everything Prism has logged so far (stdout and stderr, stderr lines
    /// prefixed with `[stderr] `), without syncing.
    pub fn log_text(&self) -> String {
        lock(&self.log).join("\n")
    }

    /// Marks the current end of the log (after flushing it), for
    /// [`Prism::violations_since`].
    pub fn mark(&self) -> LogMark {
        LogMark(self.sync_log().0)
    }

    /// The requests Prism received after `mark` (the harness's own sentinel
    /// requests excluded), in order. Flushes the log first. Lets a test check
    /// that a call through the generated client really reached Prism (so "no
    /// violation" is not vacuous), or that a call rejected client-side sent
    /// nothing.
    pub fn requests_since(&self, mark: LogMark) -> Vec<LoggedRequest> {
        let (end, _) = self.sync_log();
        let log = lock(&self.log);
        let start = mark.0.min(end);
        requests_in_log(&log[start..end])
    }

    /// Flushes Prism's log: sends a sentinel request and waits for its
    /// `Request received` line. Returns the index of that line (everything before
    /// it belongs to earlier requests) and, if the flush failed, a description of
    /// the problem (Prism died, or the sentinel never appeared).
    pub(super) fn sync_log(&self) -> (usize, Option<String>) {
        if let Some(status) = self.exited() {
            let len = lock(&self.log).len();
            return (
                len,
                Some(format!("Prism process exited unexpectedly ({status})")),
            );
        }
        let n = self.sync_counter.fetch_add(1, Ordering::Relaxed);
        let path = format!("{SYNC_PATH}{}-{n}", std::process::id());
        let needle = format!(" get {path} ");
        let send = (|| -> std::io::Result<TcpStream> {
            let addr: SocketAddr = self
                .base_url
                .trim_start_matches("http://")
                .parse()
                .map_err(|e| std::io::Error::other(format!("{e}")))?;
            let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
            s.set_read_timeout(Some(Duration::from_secs(5)))?;
            write!(
                s,
                "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
            )?;
            Ok(s)
        })();
        let mut stream = match send {
            Ok(s) => s,
            Err(e) => {
                let len = lock(&self.log).len();
                return (
                    len,
                    Some(format!("cannot reach Prism to flush its log: {e}")),
                );
            }
        };
        let deadline = Instant::now() + SYNC_TIMEOUT;
        loop {
            {
                let log = lock(&self.log);
                // The sentinel's own `Request received` line (not its later
                // `Request terminated` line): it opens the sentinel's block.
                if let Some(i) = log.iter().rposition(|l| {
                    l.contains(&needle) && l.trim_end().ends_with("Request received")
                }) {
                    let _ = stream.read_to_end(&mut Vec::new());
                    return (i, None);
                }
                if Instant::now() > deadline {
                    return (
                        log.len(),
                        Some(format!(
                            "log sync: Prism did not log the sentinel request {path} within {SYNC_TIMEOUT:?}"
                        )),
                    );
                }
            }
            thread::sleep(Duration::from_millis(5));
        }
    }
}

/// Appends each line `stream` yields to `log` (with `prefix`, ANSI escapes
/// removed), on a thread of its own, until EOF.
pub(super) fn spawn_reader(
    stream: impl Read + Send + 'static,
    prefix: &'static str,
    log: Arc<Mutex<Vec<String>>>,
) {
    thread::spawn(move || {
        let mut reader = BufReader::new(stream);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match reader.read_until(b'\n', &mut buf) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let line = String::from_utf8_lossy(&buf);
                    let line = strip_ansi(line.trim_end_matches(['\n', '\r']));
                    lock(&log).push(format!("{prefix}{line}"));
                }
            }
        }
    });
}

/// Removes ANSI escape sequences (colours), in case a Prism dependency ignores
/// `FORCE_COLOR=0` / `NO_COLOR`.
fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.peek() == Some(&'[') {
                chars.next();
                // CSI: parameters/intermediates, then one final byte in @..~
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

/// One parsed signale line: `[time] › <indent>[TAG] <method path>? <icon> <level> <message>`.
#[derive(Debug, PartialEq)]
pub(super) struct LogLine<'a> {
    pub(super) tag: &'a str,
    pub(super) level: &'a str,
    pub(super) message: &'a str,
    /// `method path` for `[HTTP SERVER]` lines.
    pub(super) request: Option<&'a str>,
}

const LEVELS: &[&str] = &[
    "info", "error", "warning", "warn", "success", "awaiting", "start", "debug", "fatal", "trace",
    "note", "pending", "complete", "log",
];

/// Parses one line of Prism's log, or `None` if it is not a signale line.
pub(super) fn parse_line(line: &str) -> Option<LogLine<'_>> {
    // Skip the timestamp and the `›` separator: the tag is the first `[...]` after it.
    let rest = match line.find('›') {
        Some(i) => &line[i + '›'.len_utf8()..],
        None => line,
    };
    let rest = rest.trim_start().strip_prefix('[')?;
    let close = rest.find(']')?;
    let tag = &rest[..close];
    let rest = &rest[close + 1..];

    // Tokens up to the level word: for [HTTP SERVER] lines `method path badge`,
    // otherwise just the badge (an icon such as ✖ ⚠ ℹ ✔).
    let mut pos = 0;
    let mut words: Vec<(usize, usize)> = Vec::new(); // alphanumeric tokens before the level
    for _ in 0..5 {
        let after_ws = rest[pos..].len() - rest[pos..].trim_start().len();
        let start = pos + after_ws;
        let len = rest[start..]
            .find(char::is_whitespace)
            .unwrap_or(rest.len() - start);
        if len == 0 {
            return None;
        }
        let token = &rest[start..start + len];
        pos = start + len;
        if LEVELS.contains(&token) {
            // `method path` (a URL path has no spaces); the badge, if alphanumeric
            // (ℹ is a letter for Unicode), comes after them.
            let request = match words.as_slice() {
                [(s, _), (_, e), ..] => Some(&rest[*s..*e]),
                _ => None,
            };
            return Some(LogLine {
                tag,
                level: token,
                message: rest[pos..].trim(),
                request,
            });
        }
        if token.chars().any(char::is_alphanumeric) {
            words.push((start, start + len));
        }
    }
    None
}

/// A request as Prism logged it (see [`Prism::requests_since`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedRequest {
    /// Lower-case method, as Prism logs it (`put`, `post`, ...).
    pub method: String,
    /// Path without the query string (Prism does not log the query).
    pub path: String,
    /// The `Accept` header, from the negotiator's "Request contains an accept
    /// header: ..." line, when Prism logged one.
    pub accept: Option<String>,
}

impl fmt::Display for LoggedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

/// The requests in a slice of Prism's log (one per `Request received` line),
/// without the harness's sentinel requests.
pub fn requests_in_log(lines: &[String]) -> Vec<LoggedRequest> {
    const ACCEPT: &str = "Request contains an accept header: ";
    let mut out: Vec<LoggedRequest> = Vec::new();
    // Whether the lines being read belong to a sentinel request.
    let mut in_sentinel = false;
    for raw in lines {
        let Some(line) = parse_line(raw) else {
            continue;
        };
        if line.tag == "HTTP SERVER" && line.message == "Request received" {
            let request = line.request.unwrap_or("");
            in_sentinel = request.contains(SYNC_PATH);
            if !in_sentinel {
                let (method, path) = request.split_once(' ').unwrap_or((request, ""));
                out.push(LoggedRequest {
                    method: method.to_string(),
                    path: path.to_string(),
                    accept: None,
                });
            }
            continue;
        }
        if in_sentinel {
            continue;
        }
        if let (Some(last), Some(accept)) = (out.last_mut(), line.message.strip_prefix(ACCEPT)) {
            if line.tag == "NEGOTIATOR" && last.accept.is_none() {
                last.accept = Some(accept.trim().to_string());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prism::log_lines;

    #[test]
    fn parses_signale_lines() {
        let l = parse_line(
            "[6:25:01 AM] › [HTTP SERVER] put /contacts/65 ℹ  info      Request received",
        )
        .unwrap();
        assert_eq!(
            l,
            LogLine {
                tag: "HTTP SERVER",
                level: "info",
                message: "Request received",
                request: Some("put /contacts/65")
            }
        );
        let l = parse_line(
            "[6:25:01 AM] ›     [VALIDATOR] ✖  error     Violation: request.body.x Must be string",
        )
        .unwrap();
        assert_eq!(l.tag, "VALIDATOR");
        assert_eq!(l.level, "error");
        assert_eq!(l.message, "Violation: request.body.x Must be string");
        assert_eq!(l.request, None);
        assert!(parse_line("random noise").is_none());
    }

    #[test]
    fn lists_logged_requests_without_sentinels() {
        let log = log_lines(
            "[6:25:01 AM] › [CLI] ▶  start     Prism is listening on http://127.0.0.1:4779
[6:25:01 AM] › [HTTP SERVER] get /__contact_tests_prism_sync__/1-0 ℹ  info      Request received
[6:25:01 AM] ›     [NEGOTIATOR] ℹ  info      Request contains an accept header: text/html
[6:25:01 AM] › [HTTP SERVER] get /__contact_tests_prism_sync__/1-0 ✖  error     Request terminated with error: https://stoplight.io/prism/errors#NO_PATH_MATCHED_ERROR: Route not resolved, no path matched
[6:25:01 AM] › [HTTP SERVER] put /contacts/65 ℹ  info      Request received
[6:25:01 AM] ›     [NEGOTIATOR] ℹ  info      Request contains an accept header: */*
[6:25:01 AM] ›     [VALIDATOR] ✔  success   The request passed the validation rules. Looking for the best response
[6:25:01 AM] › [HTTP SERVER] post /contacts ℹ  info      Request received
[6:25:01 AM] ›     [VALIDATOR] ✖  error     Invalid security scheme used",
        );
        assert_eq!(
            requests_in_log(&log),
            vec![
                LoggedRequest {
                    method: "put".into(),
                    path: "/contacts/65".into(),
                    accept: Some("*/*".into()),
                },
                LoggedRequest {
                    method: "post".into(),
                    path: "/contacts".into(),
                    accept: None,
                },
            ]
        );
        assert_eq!(requests_in_log(&log)[0].to_string(), "put /contacts/65");
    }

    #[test]
    fn strips_ansi() {
        assert_eq!(strip_ansi("\u{1b}[31mred\u{1b}[39m plain"), "red plain");
    }
}
