//! Harness around the [Stoplight Prism](https://github.com/stoplightio/prism)
//! mock server, used by the contract tests to check that every request the
//! generated clients send is valid per the OpenAPI spec it was generated from.
//!
//! Prism is pinned in `tests/prism/package.json` (lockfile committed) and must be
//! installed once with `npm ci --prefix tests/prism` (node >= 18.20.1).
//!
//! # How Prism is run
//!
//! `node [--require <watchdog>] tests/prism/node_modules/.bin/prism mock <spec>
//! --host 127.0.0.1 --port <free port> --errors`
//!
//! * In `mock` mode Prism **always** validates requests (path, query, headers,
//!   security, body) against the spec. An invalid request is answered with the
//!   spec's own 401/422/400/default response when one is declared (e.g. Intercom's
//!   documented 401 body), otherwise with a Prism-generated
//!   `application/problem+json` body (401 `UNAUTHORIZED`, 422
//!   `UNPROCESSABLE_ENTITY`, 415 `INVALID_CONTENT_TYPE`, ...). So the status code
//!   alone is not a reliable violation signal.
//! * `--errors` makes Prism turn *response* violations (the spec's example does
//!   not match the spec's own schema) into a 500 `VIOLATIONS` problem instead of
//!   a silent `sl-violations` header; it does not change request validation.
//!
//! # How violations are detected
//!
//! Three independent signals, all collected by this module:
//!
//! 1. the `sl-violations` response header (JSON array of
//!    `{location, severity, code, message}`), set whenever a request produced
//!    violations *and* Prism answered from the spec. It is **absent** when Prism
//!    answers with its own problem+json error, so it is never relied on alone;
//! 2. a Prism `application/problem+json` body whose `type` is one of
//!    `https://stoplight.io/prism/errors#...` (its `validation` list is included);
//! 3. Prism's log (stdout/stderr are captured): `[VALIDATOR]` error/warning lines
//!    and `Request terminated with error: ...` lines, grouped by the
//!    `Request received` line of the request they belong to. Prism 5.14 has no
//!    JSON log option, so the human-readable (signale) lines are parsed; colour is
//!    disabled and ANSI escapes are stripped anyway.
//!
//! Signals 1 and 2 need the raw response ([`response_violations`]); signal 3
//! works for calls made through the generated client, which hides the raw
//! response ([`Prism::take_violations`], [`Prism::violations_since`]). Log lines
//! are flushed deterministically: before reading the log the harness sends a
//! sentinel `GET /__contact_tests_prism_sync__/<n>` and waits for its
//! `Request received` line, so every line logged for earlier requests is in the
//! buffer. Log attribution assumes requests to one Prism instance are sent
//! sequentially (the usual case in tests); concurrent requests are still all
//! reported, only possibly under the wrong request line.
//!
//! The same log also tells which requests arrived ([`Prism::requests_since`]:
//! method, path without query, `Accept` header), so a test can check that "no
//! violation" is not simply "no request".
//!
//! # Specs whose path keys contain a URL fragment
//!
//! Paragon's ActionKit spec has the path key
//! `/projects/{project_id}/tools/#INTERCOM_UPDATE_CONTACT`. Prism cannot route
//! it: the real request `POST /projects/p/tools/` gets 404
//! `NO_PATH_MATCHED_ERROR`, and even `POST /projects/p/tools/%23INTERCOM_UPDATE_CONTACT`
//! gets 422 "Request path must have required property 'project_id'". A fragment
//! is never sent on the wire, so when any path key contains `#`, the harness
//! serves a copy of the spec (in a private temp dir) with `#...` stripped from
//! path keys. Specs without such keys are served unmodified from their path.
//!
//! # Process lifetime
//!
//! Prism runs in its own process group, which is killed (SIGKILL) on drop, also
//! while unwinding from a panicking test. As a second line of defence against
//! orphans when the test binary dies without unwinding (SIGKILL, `abort`, a
//! `Prism` kept in a `static`), node is started with a tiny `--require`d script
//! that exits as soon as its stdin (a pipe held by this process) reaches EOF.
//!
//! All functions are blocking (std only). Calling them from an async test is
//! fine: they only block for the start-up (~1-3 s) and for a local log sync
//! (milliseconds).

use std::fmt;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// Default time allowed for Prism to print "Prism is listening"; override with
/// the `PRISM_START_TIMEOUT_SECS` environment variable.
pub const DEFAULT_START_TIMEOUT: Duration = Duration::from_secs(60);

/// How long a log sync waits for its sentinel request to show up in the log.
const SYNC_TIMEOUT: Duration = Duration::from_secs(15);

/// Path prefix of the sentinel requests used to flush Prism's log.
const SYNC_PATH: &str = "/__contact_tests_prism_sync__/";

/// Script preloaded into node: exit when the test process goes away.
const WATCHDOG_JS: &str = "\
// Preloaded by tests/src/prism.rs: stdin is a pipe held by the test process;
// EOF means the test process is gone (it did not get to drop its Prism), so
// remove the harness's temp dir (this file's dir) and exit instead of lingering
// as an orphan.
const bye = () => {
  try { require('fs').rmSync(__dirname, { recursive: true, force: true }); } catch (_) {}
  process.exit(0);
};
process.stdin.on('end', bye);
process.stdin.on('error', bye);
process.stdin.resume();
";

/// A running Prism mock server for one spec. Killed (with its whole process
/// group) on drop.
pub struct Prism {
    base_url: String,
    child: Mutex<Child>,
    /// Held only so that the watchdog in node sees EOF when we go away.
    _stdin: Option<ChildStdin>,
    log: Arc<Mutex<Vec<String>>>,
    spec: PathBuf,
    served_spec: PathBuf,
    temp_dir: PathBuf,
    sync_counter: AtomicU64,
    /// Log index up to which [`Prism::take_violations`] has already reported.
    cursor: Mutex<usize>,
}

/// A position in Prism's log, from [`Prism::mark`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LogMark(usize);

impl fmt::Debug for Prism {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Prism")
            .field("base_url", &self.base_url)
            .field("spec", &self.spec)
            .field("served_spec", &self.served_spec)
            .finish_non_exhaustive()
    }
}

/// Repository root (the parent of the `contact-tests` package).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// The Prism CLI script: where `npm ci --prefix tests/prism` puts it, unless
/// the `PRISM_BIN` environment variable names another one (e.g. a global
/// install; it is still run with `node`).
pub fn prism_bin() -> PathBuf {
    match std::env::var_os("PRISM_BIN") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => repo_root().join("tests/prism/node_modules/.bin/prism"),
    }
}

impl Prism {
    /// Starts `prism mock` for `spec` on a free loopback port and waits until it
    /// listens (timeout [`DEFAULT_START_TIMEOUT`], or `PRISM_START_TIMEOUT_SECS`).
    pub fn start(spec: &Path) -> Result<Prism, String> {
        let timeout = std::env::var("PRISM_START_TIMEOUT_SECS")
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .map(Duration::from_secs)
            .unwrap_or(DEFAULT_START_TIMEOUT);
        Self::start_with_timeout(spec, timeout)
    }

    /// Like [`Prism::start`] with an explicit start-up timeout.
    pub fn start_with_timeout(spec: &Path, timeout: Duration) -> Result<Prism, String> {
        let bin = prism_bin();
        if !bin.exists() {
            let from_env = if std::env::var_os("PRISM_BIN").is_some_and(|p| !p.is_empty()) {
                " (path from PRISM_BIN)"
            } else {
                ""
            };
            return Err(format!(
                "Prism is not installed: {}{from_env} does not exist. Run `npm ci --prefix tests/prism` \
                 in the repository root ({}) first (needs node >= 18.20.1 and npm).",
                bin.display(),
                repo_root().display()
            ));
        }
        // The .bin entry is a symlink to a JS file with a `#!/usr/bin/env node` shebang;
        // run it through node explicitly so the watchdog can be preloaded.
        let script = std::fs::canonicalize(&bin)
            .map_err(|e| format!("cannot resolve {}: {e}", bin.display()))?;
        let spec =
            std::fs::canonicalize(spec).map_err(|e| format!("spec {}: {e}", spec.display()))?;
        let text = std::fs::read_to_string(&spec)
            .map_err(|e| format!("cannot read spec {}: {e}", spec.display()))?;

        let temp_dir = make_temp_dir()?;
        let result = (|| {
            let served_spec = match strip_path_fragments(&text)
                .map_err(|e| format!("spec {}: {e}", spec.display()))?
            {
                None => spec.clone(),
                Some(sanitized) => {
                    let name = spec
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_else(|| "spec.yaml".into());
                    let path = temp_dir.join(name);
                    std::fs::write(&path, sanitized)
                        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                    path
                }
            };
            let watchdog = temp_dir.join("exit-on-stdin-eof.cjs");
            std::fs::write(&watchdog, WATCHDOG_JS)
                .map_err(|e| format!("cannot write {}: {e}", watchdog.display()))?;

            // A port picked by binding :0 can in principle be taken by someone else
            // before Prism binds it; retry a few times on EADDRINUSE.
            let mut last_err = String::new();
            for _ in 0..3 {
                match spawn_and_wait(&script, &watchdog, &served_spec, timeout) {
                    Ok((child, stdin, log, base_url)) => {
                        return Ok((served_spec, child, stdin, log, base_url));
                    }
                    Err((e, retry)) => {
                        last_err = e;
                        if !retry {
                            break;
                        }
                    }
                }
            }
            Err(last_err)
        })();
        match result {
            Ok((served_spec, child, stdin, log, base_url)) => Ok(Prism {
                base_url,
                child: Mutex::new(child),
                _stdin: stdin,
                log,
                spec,
                served_spec,
                temp_dir,
                sync_counter: AtomicU64::new(0),
                cursor: Mutex::new(0),
            }),
            Err(e) => {
                let _ = std::fs::remove_dir_all(&temp_dir);
                Err(e)
            }
        }
    }

    /// `http://127.0.0.1:<port>` (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The spec this instance was started for.
    pub fn spec(&self) -> &Path {
        &self.spec
    }

    /// The file Prism actually serves: the spec itself, or the sanitized copy in
    /// a temp dir when path keys had to be stripped of `#fragments`.
    pub fn served_spec(&self) -> &Path {
        &self.served_spec
    }

    /// OS process id of the node process running Prism (also its process group id).
    pub fn pid(&self) -> u32 {
        self.child.lock().unwrap_or_else(|e| e.into_inner()).id()
    }

    /// Everything Prism has logged so far (stdout and stderr, stderr lines
    /// prefixed with `[stderr] `), without syncing.
    pub fn log_text(&self) -> String {
        self.log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .join("\n")
    }

    /// Marks the current end of the log (after flushing it), for
    /// [`Prism::violations_since`].
    pub fn mark(&self) -> LogMark {
        LogMark(self.sync_log().0)
    }

    /// Every violation Prism has reported since it started (see the module docs
    /// for what counts). Flushes the log first.
    pub fn violations(&self) -> Vec<String> {
        self.violations_since(LogMark(0))
    }

    /// Violations reported in the log after `mark`. Flushes the log first.
    pub fn violations_since(&self, mark: LogMark) -> Vec<String> {
        let (end, problem) = self.sync_log();
        let mut out = {
            let log = self.log.lock().unwrap_or_else(|e| e.into_inner());
            let start = mark.0.min(end);
            violations_in_log(&log[start..end])
        };
        out.extend(problem);
        out
    }

    /// The requests Prism received after `mark` (the harness's own sentinel
    /// requests excluded), in order. Flushes the log first. Lets a test check
    /// that a call through the generated client really reached Prism (so "no
    /// violation" is not vacuous), or that a call rejected client-side sent
    /// nothing.
    pub fn requests_since(&self, mark: LogMark) -> Vec<LoggedRequest> {
        let (end, _) = self.sync_log();
        let log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        let start = mark.0.min(end);
        requests_in_log(&log[start..end])
    }

    /// Violations reported since the previous call of this method (or since
    /// start). Convenient after each call made through the generated client.
    pub fn take_violations(&self) -> Vec<String> {
        let mut cursor = self.cursor.lock().unwrap_or_else(|e| e.into_inner());
        let (end, problem) = self.sync_log();
        let mut out = {
            let log = self.log.lock().unwrap_or_else(|e| e.into_inner());
            let start = (*cursor).min(end);
            violations_in_log(&log[start..end])
        };
        *cursor = end;
        out.extend(problem);
        out
    }

    /// Panics (with the violations and the log tail) if Prism logged any
    /// violation since the previous [`Prism::take_violations`] /
    /// `assert_no_new_violations` call.
    #[track_caller]
    pub fn assert_no_new_violations(&self) {
        let v = self.take_violations();
        if !v.is_empty() {
            panic!("{}", self.violation_report("Prism reported violations", &v));
        }
    }

    /// Formats violations plus the last lines of Prism's log, for failure messages.
    pub fn violation_report(&self, headline: &str, violations: &[String]) -> String {
        let log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        let tail_start = log.len().saturating_sub(40);
        format!(
            "{headline} (spec {}):\n  - {}\n--- last {} lines of the Prism log ---\n{}",
            self.spec.display(),
            violations.join("\n  - "),
            log.len() - tail_start,
            log[tail_start..].join("\n")
        )
    }

    /// Flushes Prism's log: sends a sentinel request and waits for its
    /// `Request received` line. Returns the index of that line (everything before
    /// it belongs to earlier requests) and, if the flush failed, a description of
    /// the problem (Prism died, or the sentinel never appeared).
    fn sync_log(&self) -> (usize, Option<String>) {
        if let Some(status) = self.exited() {
            let len = self.log.lock().unwrap_or_else(|e| e.into_inner()).len();
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
                let len = self.log.lock().unwrap_or_else(|e| e.into_inner()).len();
                return (
                    len,
                    Some(format!("cannot reach Prism to flush its log: {e}")),
                );
            }
        };
        let deadline = Instant::now() + SYNC_TIMEOUT;
        loop {
            {
                let log = self.log.lock().unwrap_or_else(|e| e.into_inner());
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

    fn exited(&self) -> Option<std::process::ExitStatus> {
        self.child
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .try_wait()
            .ok()
            .flatten()
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let child = self.child.get_mut().unwrap_or_else(|e| e.into_inner());
        kill_tree(child);
        let _ = child.wait();
        let _ = std::fs::remove_dir_all(&self.temp_dir);
    }
}

#[cfg(unix)]
fn kill_tree(child: &mut Child) {
    // The child leads its own process group (process_group(0) at spawn), so this
    // also reaches anything node may have spawned.
    let pgid = child.id() as libc::pid_t;
    // SAFETY: plain syscall; the child is not reaped yet, so its pid (and group id)
    // cannot have been reused.
    unsafe {
        libc::kill(-pgid, libc::SIGKILL);
    }
    let _ = child.kill();
}

#[cfg(not(unix))]
fn kill_tree(child: &mut Child) {
    let _ = child.kill();
}

type Spawned = (Child, Option<ChildStdin>, Arc<Mutex<Vec<String>>>, String);

/// Spawns Prism once; on failure returns the error and whether retrying with
/// another port may help.
fn spawn_and_wait(
    script: &Path,
    watchdog: &Path,
    spec: &Path,
    timeout: Duration,
) -> Result<Spawned, (String, bool)> {
    let port = free_port().map_err(|e| (format!("cannot find a free port: {e}"), false))?;
    let mut cmd = Command::new("node");
    cmd.arg("--require")
        .arg(watchdog)
        .arg(script)
        .arg("mock")
        .arg(spec)
        .args(["--host", "127.0.0.1", "--port"])
        .arg(port.to_string())
        .arg("--errors")
        .env("FORCE_COLOR", "0")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let mut child = cmd.spawn().map_err(|e| {
        (
            format!(
                "cannot spawn `node {}` (is node >= 18.20.1 on PATH?): {e}",
                script.display()
            ),
            false,
        )
    })?;
    let stdin = child.stdin.take();
    let log = Arc::new(Mutex::new(Vec::new()));
    if let Some(out) = child.stdout.take() {
        spawn_reader(out, "", Arc::clone(&log));
    }
    if let Some(err) = child.stderr.take() {
        spawn_reader(err, "[stderr] ", Arc::clone(&log));
    }

    let base_url = format!("http://127.0.0.1:{port}");
    let ready_line = format!("Prism is listening on {base_url}");
    let deadline = Instant::now() + timeout;
    let fail = |child: &mut Child, log: &Arc<Mutex<Vec<String>>>, what: String| {
        kill_tree(child);
        let _ = child.wait();
        // Give the reader threads a moment to drain the pipes.
        thread::sleep(Duration::from_millis(50));
        let text = log.lock().unwrap_or_else(|e| e.into_inner()).join("\n");
        let retry = text.contains("EADDRINUSE");
        (
            format!(
                "{what}\ncommand: node {} mock {} --host 127.0.0.1 --port {port} --errors\n--- Prism output ---\n{text}",
                script.display(),
                spec.display()
            ),
            retry,
        )
    };
    loop {
        let ready = log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .any(|l| l.contains(&ready_line));
        if ready {
            // Belt and braces: the port must really accept connections.
            let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
            if TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_ok() {
                return Ok((child, stdin, log, base_url));
            }
        }
        match child.try_wait() {
            Ok(Some(status)) => {
                return Err(fail(
                    &mut child,
                    &log,
                    format!("Prism exited during start-up ({status})"),
                ))
            }
            Ok(None) => {}
            Err(e) => return Err(fail(&mut child, &log, format!("cannot poll Prism: {e}"))),
        }
        if Instant::now() > deadline {
            return Err(fail(
                &mut child,
                &log,
                format!("Prism did not print {ready_line:?} within {timeout:?}"),
            ));
        }
        thread::sleep(Duration::from_millis(50));
    }
}

fn spawn_reader(
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
                    log.lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(format!("{prefix}{line}"));
                }
            }
        }
    });
}

fn free_port() -> std::io::Result<u16> {
    let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    Ok(l.local_addr()?.port())
}

fn make_temp_dir() -> Result<PathBuf, String> {
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!(
        "contact-tests-prism-{}-{}-{nanos}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    Ok(dir)
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

// ---------------------------------------------------------------------------
// Response-based detection
// ---------------------------------------------------------------------------

/// Violations visible in one raw response: the `sl-violations` header (if any)
/// and a Prism-generated `application/problem+json` error body (if any).
/// Returns an empty list for a response without either, e.g. a 2xx from the spec.
pub fn response_violations(headers: &http::HeaderMap, body: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    for value in headers.get_all("sl-violations") {
        let raw = String::from_utf8_lossy(value.as_bytes()).into_owned();
        match serde_json::from_str::<serde_json::Value>(&raw) {
            Ok(serde_json::Value::Array(items)) => out.extend(
                items
                    .iter()
                    .map(|v| format!("sl-violations: {}", describe_violation(v))),
            ),
            // e.g. "Too many violations! [..." (truncated), or an unexpected shape
            _ => out.push(format!("sl-violations: {raw}")),
        }
    }
    let is_problem = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.to_ascii_lowercase().contains("problem+json"));
    if let Ok(serde_json::Value::Object(problem)) =
        serde_json::from_slice::<serde_json::Value>(body)
    {
        let ty = problem.get("type").and_then(|t| t.as_str()).unwrap_or("");
        if let Some(kind) = ty.strip_prefix("https://stoplight.io/prism/errors#") {
            let title = problem.get("title").and_then(|t| t.as_str()).unwrap_or("");
            let detail = problem.get("detail").and_then(|t| t.as_str()).unwrap_or("");
            out.push(format!("Prism error {kind}: {title} ({detail})"));
            if let Some(serde_json::Value::Array(items)) = problem.get("validation") {
                out.extend(
                    items
                        .iter()
                        .map(|v| format!("{kind}: {}", describe_violation(v))),
                );
            }
        } else if is_problem && ty.is_empty() {
            out.push(format!(
                "problem+json without type: {}",
                String::from_utf8_lossy(body)
            ));
        }
    }
    out
}

/// `location.path: message [Severity, code]` for one Prism violation object.
fn describe_violation(v: &serde_json::Value) -> String {
    let location = match v.get("location") {
        Some(serde_json::Value::Array(parts)) => parts
            .iter()
            .map(|p| match p {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join("."),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let message = v
        .get("message")
        .and_then(|m| m.as_str())
        .unwrap_or("<no message>");
    let severity = v.get("severity").map(json_scalar).unwrap_or_default();
    let code = v.get("code").map(json_scalar).unwrap_or_default();
    format!("{location}: {message} [{severity}, code {code}]")
}

fn json_scalar(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Panics if the raw response shows a violation (header or Prism error body) or
/// if Prism logged a violation since `since`. For requests sent with a plain
/// HTTP client; for calls through the generated client use
/// [`Prism::assert_no_new_violations`].
#[track_caller]
pub fn assert_no_violations(headers: &http::HeaderMap, body: &[u8], prism: &Prism, since: LogMark) {
    let mut v = response_violations(headers, body);
    v.extend(prism.violations_since(since));
    if !v.is_empty() {
        panic!(
            "{}",
            prism.violation_report("Prism reported violations", &v)
        );
    }
}

// ---------------------------------------------------------------------------
// Log-based detection
// ---------------------------------------------------------------------------

/// One parsed signale line: `[time] › <indent>[TAG] <method path>? <icon> <level> <message>`.
#[derive(Debug, PartialEq)]
struct LogLine<'a> {
    tag: &'a str,
    level: &'a str,
    message: &'a str,
    /// `method path` for `[HTTP SERVER]` lines.
    request: Option<&'a str>,
}

const LEVELS: &[&str] = &[
    "info", "error", "warning", "warn", "success", "awaiting", "start", "debug", "fatal", "trace",
    "note", "pending", "complete", "log",
];

fn parse_line(line: &str) -> Option<LogLine<'_>> {
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

/// Violations in a slice of Prism's log, grouped by the request they follow.
///
/// * `[VALIDATOR]` lines at error/warning/fatal level, except the summary line
///   "Request did not pass the validation rules". When a request's block has
///   `Violation: <location> <message>` lines (logged when Prism answered from the
///   spec), only those are used: the un-prefixed lines before them repeat the
///   same request violations;
/// * `[HTTP SERVER] ... Request terminated with error: ...` (route not found,
///   method not allowed, Prism-generated 401/422/415, `--errors` violations);
/// * any other error/fatal line, and `[stderr]` lines mentioning an error.
///
/// Blocks of the harness's own sentinel requests are skipped.
pub fn violations_in_log(lines: &[String]) -> Vec<String> {
    struct Block {
        request: String,
        sentinel: bool,
        plain: Vec<String>,
        prefixed: Vec<String>,
        other: Vec<String>,
    }
    let new_block = |request: String| Block {
        sentinel: request.contains(SYNC_PATH),
        request,
        plain: vec![],
        prefixed: vec![],
        other: vec![],
    };
    let mut blocks = vec![new_block(String::from("<before the first request>"))];
    for raw in lines {
        if let Some(rest) = raw.strip_prefix("[stderr] ") {
            let lower = rest.to_ascii_lowercase();
            if lower.contains("error") || lower.contains("fatal") || lower.contains("violation") {
                blocks
                    .last_mut()
                    .unwrap()
                    .other
                    .push(format!("stderr: {rest}"));
            }
            continue;
        }
        let Some(line) = parse_line(raw) else {
            continue;
        };
        if line.tag == "HTTP SERVER" && line.message == "Request received" {
            blocks.push(new_block(
                line.request.unwrap_or("<unknown request>").to_string(),
            ));
            continue;
        }
        let block = blocks.last_mut().unwrap();
        let is_problem = matches!(line.level, "error" | "fatal" | "warning" | "warn");
        if !is_problem {
            continue;
        }
        match line.tag {
            "VALIDATOR" => {
                if line.message == "Request did not pass the validation rules" {
                    continue;
                }
                if let Some(v) = line.message.strip_prefix("Violation: ") {
                    block.prefixed.push(format!("{} [{}]", v, line.level));
                } else {
                    block
                        .plain
                        .push(format!("{} [{}]", line.message, line.level));
                }
            }
            // Negotiator warnings ("Unable to find content for */*") are about
            // picking a mock response, not about the request.
            "NEGOTIATOR" if !matches!(line.level, "error" | "fatal") => {}
            _ => {
                if matches!(line.level, "error" | "fatal") {
                    block.other.push(format!("[{}] {}", line.tag, line.message));
                }
            }
        }
    }
    let mut out = Vec::new();
    for b in blocks {
        if b.sentinel {
            continue;
        }
        let items = if b.prefixed.is_empty() {
            b.plain
        } else {
            b.prefixed
        };
        for v in items.into_iter().chain(b.other) {
            out.push(format!("{}: {v}", b.request));
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Spec sanitizing
// ---------------------------------------------------------------------------

/// If any key of the spec's `paths` contains a URL fragment (`#...`), returns a
/// YAML copy of the spec with the fragments removed from the path keys;
/// otherwise `None` (serve the spec unchanged). Fails if stripping makes two
/// path items define the same method (or conflicting path-level fields), or if
/// the spec has relative external `$ref`s that would break in a copy.
pub fn strip_path_fragments(spec_text: &str) -> Result<Option<String>, String> {
    use serde_yaml::{Mapping, Value};
    let mut doc: Value =
        serde_yaml::from_str(spec_text).map_err(|e| format!("not valid YAML/JSON: {e}"))?;
    let Some(paths) = doc.get("paths").and_then(Value::as_mapping) else {
        return Ok(None);
    };
    let needs = paths
        .keys()
        .any(|k| k.as_str().is_some_and(|k| k.contains('#')));
    if !needs {
        return Ok(None);
    }
    if let Some(r) = first_external_ref(&doc) {
        return Err(format!(
            "path keys contain '#fragments' and must be stripped in a temp copy, but the spec \
             has an external $ref ({r}) that would not resolve from there"
        ));
    }
    let mut new_paths = Mapping::new();
    for (key, item) in paths {
        let key_str = key
            .as_str()
            .ok_or_else(|| format!("non-string path key {key:?}"))?;
        let stripped = match key_str.find('#') {
            Some(i) => &key_str[..i],
            None => key_str,
        };
        let new_key = Value::String(stripped.to_string());
        match new_paths.get_mut(&new_key) {
            None => {
                new_paths.insert(new_key, item.clone());
            }
            Some(existing) => {
                // Merge path items whose keys differ only by the fragment, if they
                // do not overlap (e.g. different methods).
                let (Some(dst), Some(src)) = (existing.as_mapping_mut(), item.as_mapping()) else {
                    return Err(format!("path item {key_str:?} is not a mapping"));
                };
                for (field, value) in src {
                    match dst.get(field) {
                        None => {
                            dst.insert(field.clone(), value.clone());
                        }
                        Some(v) if v == value => {}
                        Some(_) => {
                            return Err(format!(
                                "stripping the fragment from path key {key_str:?} collides with \
                                 another path item on {stripped:?} (both define {:?}); Prism \
                                 cannot serve both",
                                field.as_str().unwrap_or("?")
                            ))
                        }
                    }
                }
            }
        }
    }
    doc.as_mapping_mut()
        .expect("has paths, so is a mapping")
        .insert(Value::String("paths".into()), Value::Mapping(new_paths));
    serde_yaml::to_string(&doc)
        .map(Some)
        .map_err(|e| format!("cannot serialize the sanitized spec: {e}"))
}

fn first_external_ref(v: &serde_yaml::Value) -> Option<String> {
    use serde_yaml::Value;
    match v {
        Value::Mapping(m) => m.iter().find_map(|(k, v)| {
            if k.as_str() == Some("$ref") {
                if let Some(r) = v.as_str() {
                    if !r.starts_with('#') {
                        return Some(r.to_string());
                    }
                }
            }
            first_external_ref(v)
        }),
        Value::Sequence(s) => s.iter().find_map(first_external_ref),
        Value::Tagged(t) => first_external_ref(&t.value),
        _ => None,
    }
}

#[cfg(test)]
mod unit {
    use super::*;

    fn lines(s: &str) -> Vec<String> {
        s.lines().map(str::to_string).collect()
    }

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
    fn groups_log_violations_by_request_and_dedupes() {
        let log = lines(
            "[6:25:01 AM] › [CLI] ▶  start     Prism is listening on http://127.0.0.1:4779
[6:25:01 AM] › [HTTP SERVER] get /__contact_tests_prism_sync__/1-0 ℹ  info      Request received
[6:25:01 AM] › [HTTP SERVER] get /__contact_tests_prism_sync__/1-0 ✖  error     Request terminated with error: https://stoplight.io/prism/errors#NO_PATH_MATCHED_ERROR: Route not resolved, no path matched
[6:25:01 AM] › [HTTP SERVER] put /ok ℹ  info      Request received
[6:25:01 AM] ›     [VALIDATOR] ✔  success   The request passed the validation rules. Looking for the best response
[6:25:01 AM] ›     [NEGOTIATOR] ⚠  warning   Unable to find content for */*
[6:25:01 AM] › [HTTP SERVER] put /bad ℹ  info      Request received
[6:25:01 AM] ›     [VALIDATOR] ⚠  warning   Request did not pass the validation rules
[6:25:01 AM] ›     [VALIDATOR] ✖  error     Request body property first_name must be string,null
[6:25:01 AM] ›     [NEGOTIATOR] ✔  success   Found response 422. I'll try with it.
[6:25:01 AM] ›     [VALIDATOR] ✖  error     Violation: request.body.first_name Request body property first_name must be string,null
[6:25:01 AM] › [HTTP SERVER] post /nope ℹ  info      Request received
[6:25:01 AM] ›     [VALIDATOR] ⚠  warning   Request did not pass the validation rules
[6:25:01 AM] ›     [VALIDATOR] ✖  error     Invalid security scheme used
[6:25:01 AM] › [HTTP SERVER] post /nope ✖  error     Request terminated with error: https://stoplight.io/prism/errors#UNAUTHORIZED: Invalid security scheme used",
        );
        assert_eq!(
            violations_in_log(&log),
            vec![
                "put /bad: request.body.first_name Request body property first_name must be string,null [error]",
                "post /nope: Invalid security scheme used [error]",
                "post /nope: [HTTP SERVER] Request terminated with error: https://stoplight.io/prism/errors#UNAUTHORIZED: Invalid security scheme used",
            ]
        );
    }

    #[test]
    fn lists_logged_requests_without_sentinels() {
        let log = lines(
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
    fn reads_header_and_problem_body() {
        let mut h = http::HeaderMap::new();
        assert!(response_violations(&h, b"{}").is_empty());
        h.insert(
            "sl-violations",
            r#"[{"location":["request"],"severity":"Error","code":401,"message":"Invalid security scheme used"}]"#
                .parse()
                .unwrap(),
        );
        assert_eq!(
            response_violations(&h, b"{}"),
            vec!["sl-violations: request: Invalid security scheme used [Error, code 401]"]
        );
        let mut h = http::HeaderMap::new();
        h.insert("content-type", "application/problem+json".parse().unwrap());
        let body = br#"{"type":"https://stoplight.io/prism/errors#UNPROCESSABLE_ENTITY","title":"Invalid request","status":422,"detail":"d","validation":[{"location":["body","tool"],"severity":"Error","code":"type","message":"must be string"}]}"#;
        assert_eq!(
            response_violations(&h, body),
            vec![
                "Prism error UNPROCESSABLE_ENTITY: Invalid request (d)",
                "UNPROCESSABLE_ENTITY: body.tool: must be string [Error, code type]",
            ]
        );
    }

    #[test]
    fn strips_fragments_from_path_keys_only_when_needed() {
        assert_eq!(
            strip_path_fragments("openapi: 3.0.0\npaths:\n  /a: {}\n").unwrap(),
            None
        );
        let out = strip_path_fragments(
            "openapi: 3.0.0\npaths:\n  /p/{id}/tools/#X:\n    post:\n      responses: {'200': {description: ok}}\n",
        )
        .unwrap()
        .unwrap();
        let v: serde_yaml::Value = serde_yaml::from_str(&out).unwrap();
        let keys: Vec<_> = v["paths"]
            .as_mapping()
            .unwrap()
            .keys()
            .map(|k| k.as_str().unwrap())
            .collect();
        assert_eq!(keys, ["/p/{id}/tools/"]);
        assert!(v["paths"]["/p/{id}/tools/"]["post"]["responses"]["200"].is_mapping());
        // same method twice after stripping: cannot be served
        let err = strip_path_fragments(
            "paths:\n  /t/#A:\n    post: {x: 1}\n  /t/#B:\n    post: {x: 2}\n",
        )
        .unwrap_err();
        assert!(err.contains("collides"), "{err}");
        // different methods merge
        let out =
            strip_path_fragments("paths:\n  /t/#A:\n    post: {x: 1}\n  /t/#B:\n    get: {x: 2}\n")
                .unwrap()
                .unwrap();
        let v: serde_yaml::Value = serde_yaml::from_str(&out).unwrap();
        assert!(v["paths"]["/t/"]["post"].is_mapping() && v["paths"]["/t/"]["get"].is_mapping());
    }

    #[test]
    fn strips_ansi() {
        assert_eq!(strip_ansi("\u{1b}[31mred\u{1b}[39m plain"), "red plain");
    }
}
