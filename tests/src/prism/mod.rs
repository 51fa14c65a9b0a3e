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
//!
//! # Layout
//!
//! * `process.rs`: finding, starting and stopping Prism (process group,
//!   start-up wait, port retries, the stdin-EOF watchdog);
//! * `spec_copy.rs`: the served spec, possibly a temp copy with `#fragments`
//!   stripped from path keys;
//! * `log.rs`: capturing Prism's output, flushing it with sentinel requests,
//!   parsing its lines, and the requests it logged;
//! * `violations.rs`: violations from a raw response (header, problem body)
//!   and from the log, and the assertions built on them;
//! * `dynamic.rs`: documents for dynamic mode ([`Prism::start_dynamic`]):
//!   one operation cut out of a published description, and the
//!   json-schema-faker options that make random responses omit optional
//!   properties;
//! * `presence.rs`: counting which optional properties random instances had.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin};
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, MutexGuard};

mod dynamic;
mod log;
mod presence;
mod process;
mod spec_copy;
mod violations;

pub use dynamic::{cut_operation, faker_options, with_faker_options, FAKER_OPTIONS};
pub use log::{requests_in_log, LoggedRequest};
pub use presence::Presence;
pub use process::{prism_bin, DEFAULT_START_TIMEOUT};
pub use spec_copy::strip_path_fragments;
pub use violations::{assert_no_violations, response_violations, violations_in_log};

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

impl Prism {
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
}

/// Locks `m`, ignoring poisoning (a test that panicked while holding a lock
/// must not hide Prism's log from the report).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Splits a Prism log excerpt into lines, as the reader threads store them
/// (a fixture for the unit tests of `log.rs` and `violations.rs`).
#[cfg(test)]
fn log_lines(s: &str) -> Vec<String> {
    s.lines().map(str::to_string).collect()
}
