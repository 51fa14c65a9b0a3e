//! One spec's row: what each step did with it, and its cells in the table.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;

use super::cases::Case;
use super::corpus_dir;

#[derive(Default)]
pub(super) enum Check {
    #[default]
    NotRun,
    Ok,
    Failed(String),
}

#[derive(Default)]
pub(super) struct Row {
    /// Path relative to the corpus directory (dev), or the spec's id in the
    /// APIs.guru directory (sample).
    pub(super) rel: String,
    /// A spec of the APIs.guru development sample (no round-trips).
    pub(super) sample: bool,
    pub(super) spec: PathBuf,
    /// Scratch crate directory name (the spec's stem, made unique).
    pub(super) stem: String,
    pub(super) krate: String,
    pub(super) openapi: String,
    pub(super) operations: usize,
    pub(super) types: usize,
    pub(super) gen_ms: u128,
    pub(super) fallbacks: usize,
    pub(super) gen_error: Option<String>,
    /// The sweep's outcome class when the child process did not generate
    /// the spec (then `gen_error` says why).
    pub(super) screened: Option<&'static str>,
    pub(super) check: Check,
    pub(super) errors: usize,
    pub(super) warnings: usize,
    /// Rendered compiler diagnostics, in order.
    pub(super) diagnostics: Vec<String>,
    pub(super) cases: Vec<Case>,
    /// Round-trip outcome per case that was run (index into `cases`).
    pub(super) results: BTreeMap<usize, Value>,
    pub(super) roundtrip_error: Option<String>,
    /// Recorded exchanges (`--part recorded`): the row's cases come from
    /// them, not from the spec's examples.
    pub(super) recorded: Option<Box<super::recorded::Recorded>>,
    /// Decode fuzzing (`--fuzz`).
    pub(super) fuzz: super::fuzz::Fuzz,
}

impl Row {
    pub(super) fn dir(&self) -> PathBuf {
        corpus_dir().join(&self.stem)
    }

    pub(super) fn failed(&self) -> bool {
        self.gen_error.is_some()
            || !matches!(self.check, Check::Ok)
            || self.roundtrip_error.is_some()
    }

    pub(super) fn check_cell(&self) -> String {
        if let Some(e) = &self.gen_error {
            return format!("FAIL: generate: {e}");
        }
        match &self.check {
            Check::NotRun => "not run".into(),
            Check::Ok => "ok".into(),
            Check::Failed(s) => s.clone(),
        }
    }

    /// A row of the development corpus (not the sample, not recorded).
    pub(super) fn is_dev(&self) -> bool {
        !self.sample && self.recorded.is_none()
    }

    pub(super) fn runnable_cases(&self) -> usize {
        self.cases.iter().filter(|c| c.rust_type.is_ok()).count()
    }

    pub(super) fn examples_cell(&self) -> String {
        let total = self.cases.len();
        if total == 0 {
            return "-".into();
        }
        let skipped = total - self.runnable_cases();
        if let Some(e) = &self.roundtrip_error {
            return format!("{total}: FAIL: {e}");
        }
        let ok = self
            .results
            .values()
            .filter(|r| r["result"] == "ok")
            .count();
        let normalised = self
            .results
            .values()
            .filter(|r| r["result"] == "ok" && r.get("normalised").is_some())
            .count();
        let failed = self.results.len() - ok;
        let not_run = self.runnable_cases() - self.results.len();
        let mut s = format!("{total}: {ok} ok, {failed} failed");
        if normalised > 0 {
            s.push_str(&format!(" ({normalised} of the ok re-encoded normalised)"));
        }
        if skipped > 0 {
            s.push_str(&format!(", {skipped} skipped"));
        }
        if not_run > 0 {
            s.push_str(&format!(", {not_run} not run"));
        }
        s
    }
}
