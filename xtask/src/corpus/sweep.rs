//! The generation sweep: every spec generated (load, lower, emit) in a child
//! process of its own (`xtask corpus-one`, release build) under a time and
//! memory limit, `--jobs` at a time, biggest first; each outcome classified
//! as ok, rejection (a diagnostic), crash (panic or signal), stack overflow,
//! hang (past the time limit) or memory (past the memory limit).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::limited::{self, Finished, Killed};

/// The outcome classes, best first.
pub(super) const CLASSES: &[&str] = &[
    "ok",
    "rejection",
    "crash",
    "stack-overflow",
    "hang",
    "memory",
];

#[derive(Clone, Copy)]
pub(super) struct Limits {
    pub(super) timeout: Duration,
    pub(super) memory_kb: u64,
}

/// One spec through the sweep.
#[derive(Clone, Debug)]
pub(super) struct Outcome {
    pub(super) id: String,
    pub(super) path: PathBuf,
    pub(super) size: u64,
    /// One of [`CLASSES`].
    pub(super) class: &'static str,
    /// The diagnostic, panic message or signal; empty when ok.
    pub(super) detail: String,
    pub(super) wall: Duration,
    /// Peak resident memory, KiB: the child's own `VmHWM` when it reported,
    /// else the largest `VmRSS` the parent saw.
    pub(super) peak_kb: u64,
    /// The child's JSON line (operations, types, warnings, phase times).
    pub(super) info: Value,
}

impl Outcome {
    pub(super) fn ok(&self) -> bool {
        self.class == "ok"
    }
    pub(super) fn count(&self, key: &str) -> u64 {
        self.info[key].as_u64().unwrap_or(0)
    }
}

/// Runs every `(id, path)` through the child; outcomes in the input order.
pub(super) fn sweep(
    exe: &Path,
    specs: &[(String, PathBuf)],
    jobs: usize,
    limits: Limits,
) -> Result<Vec<Outcome>, String> {
    let sizes: Vec<u64> = specs
        .iter()
        .map(|(_, p)| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .collect();
    // Longest first keeps both cores busy to the end.
    let mut order: Vec<usize> = (0..specs.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(sizes[i]));
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<Result<Outcome, String>>>> =
        specs.iter().map(|_| Mutex::new(None)).collect();
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..jobs.clamp(1, specs.len().max(1)) {
            s.spawn(|| {
                while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let (id, path) = &specs[i];
                    let outcome = run_child(exe, path, limits)
                        .map(|f| classify(id, path, sizes[i], &f, limits));
                    if let Ok(o) = &outcome {
                        if !o.ok() {
                            eprintln!(
                                "corpus: sweep: {id}: {} ({:.1}s): {}",
                                o.class,
                                o.wall.as_secs_f64(),
                                first_line(&o.detail)
                            );
                        }
                    }
                    *results[i].lock().unwrap_or_else(|p| p.into_inner()) = Some(outcome);
                    let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                    if n.is_multiple_of(250) || n == specs.len() {
                        eprintln!(
                            "corpus: sweep: {n} of {} specs ({:.0}s)",
                            specs.len(),
                            start.elapsed().as_secs_f64()
                        );
                    }
                }
            });
        }
    });
    results
        .into_iter()
        .map(|m| {
            m.into_inner()
                .unwrap_or_else(|p| p.into_inner())
                .unwrap_or_else(|| Err("sweep: a spec was not run".into()))
        })
        .collect()
}

fn run_child(exe: &Path, spec: &Path, limits: Limits) -> Result<Finished, String> {
    // Relative to the repository, so diagnostics name the file readably.
    let root = crate::repo_root();
    let mut cmd = Command::new(exe);
    cmd.current_dir(&root)
        .arg("corpus-one")
        .arg(spec.strip_prefix(&root).unwrap_or(spec))
        .env("RUST_BACKTRACE", "0");
    limited::run(cmd, limits.timeout, limits.memory_kb)
}

fn first_line(s: &str) -> &str {
    s.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
}

/// The panic message: the line after `thread '…' panicked at FILE:LINE:COL:`
/// (or the rest of that line in older formats).
fn panic_message(stderr: &str) -> Option<String> {
    let mut lines = stderr.lines();
    while let Some(l) = lines.next() {
        if let Some(at) = l.find("panicked at ") {
            let place = l[at + "panicked at ".len()..].trim_end_matches(':');
            let msg = lines.next().unwrap_or("").trim();
            return Some(format!("panicked at {place}: {msg}"));
        }
    }
    None
}

fn classify(id: &str, path: &Path, size: u64, f: &Finished, limits: Limits) -> Outcome {
    let info: Value = f
        .stdout
        .lines()
        .rev()
        .find_map(|l| serde_json::from_str::<Value>(l).ok())
        .unwrap_or(Value::Null);
    let (class, detail) = match f.killed {
        Some(Killed::Timeout) => (
            "hang",
            format!(
                "no result after {} s of CPU time ({:.0} s wall)",
                limits.timeout.as_secs(),
                f.wall.as_secs_f64()
            ),
        ),
        Some(Killed::Memory) => (
            "memory",
            format!("resident memory passed {} MiB", limits.memory_kb / 1024),
        ),
        None if f.stderr.contains("has overflowed its stack") => (
            "stack-overflow",
            first_line(
                f.stderr
                    .lines()
                    .find(|l| l.contains("overflowed"))
                    .unwrap_or(""),
            )
            .to_string(),
        ),
        None => match info["result"].as_str() {
            Some("ok") => ("ok", String::new()),
            Some(_) => (
                "rejection",
                info["diagnostic"].as_str().unwrap_or("").to_string(),
            ),
            None => {
                let why = panic_message(&f.stderr).unwrap_or_else(|| {
                    let status = f.status.map(describe_status).unwrap_or_default();
                    let said = first_line(&f.stderr);
                    if said.is_empty() {
                        status
                    } else {
                        format!("{status}: {said}")
                    }
                });
                ("crash", why)
            }
        },
    };
    let peak_kb = info["vmhwm_kb"].as_u64().unwrap_or(f.polled_rss_kb);
    Outcome {
        id: id.to_string(),
        path: path.to_path_buf(),
        size,
        class,
        detail,
        wall: f.wall,
        peak_kb,
        info,
    }
}

fn describe_status(s: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (s.code(), s.signal()) {
        (Some(c), _) => format!("exit code {c}"),
        (None, Some(sig)) => format!("killed by signal {sig}"),
        _ => "ended abnormally".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::ExitStatusExt;
    use std::process::ExitStatus;

    fn finished(
        status: Option<i32>,
        killed: Option<Killed>,
        stdout: &str,
        stderr: &str,
    ) -> Finished {
        Finished {
            status: status.map(ExitStatus::from_raw),
            killed,
            stdout: stdout.into(),
            stderr: stderr.into(),
            wall: Duration::from_millis(5),
            polled_rss_kb: 7,
        }
    }

    fn class_of(f: &Finished) -> (&'static str, String) {
        let limits = Limits {
            timeout: Duration::from_secs(60),
            memory_kb: 1 << 20,
        };
        let o = classify("x", Path::new("x.json"), 1, f, limits);
        (o.class, o.detail)
    }

    #[test]
    fn outcomes_are_classified() {
        let ok = finished(Some(0), None, "{\"result\":\"ok\",\"vmhwm_kb\":9}\n", "");
        assert_eq!(class_of(&ok), ("ok", String::new()));
        let limits = Limits {
            timeout: Duration::from_secs(60),
            memory_kb: 1 << 20,
        };
        assert_eq!(classify("x", Path::new("x"), 1, &ok, limits).peak_kb, 9);

        let rejected = finished(
            Some(0),
            None,
            "{\"result\":\"rejected\",\"diagnostic\":\"error: x.json: bad\"}\n",
            "",
        );
        assert_eq!(
            class_of(&rejected),
            ("rejection", "error: x.json: bad".into())
        );

        let overflow = finished(
            Some(134),
            None,
            "",
            "\nthread 'main' has overflowed its stack\nfatal runtime error: stack overflow\n",
        );
        assert_eq!(
            class_of(&overflow),
            (
                "stack-overflow",
                "thread 'main' has overflowed its stack".into()
            )
        );

        let panic = finished(Some(101 << 8), None, "", "\nthread 'main' panicked at generator/src/lower/mod.rs:10:5:\nindex out of bounds\nnote: run with\n");
        assert_eq!(
            class_of(&panic),
            (
                "crash",
                "panicked at generator/src/lower/mod.rs:10:5: index out of bounds".into()
            )
        );

        let signal = finished(Some(11), None, "", "");
        assert_eq!(class_of(&signal), ("crash", "killed by signal 11".into()));

        assert_eq!(
            class_of(&finished(None, Some(Killed::Timeout), "", "")).0,
            "hang"
        );
        assert_eq!(
            class_of(&finished(None, Some(Killed::Memory), "", "")).0,
            "memory"
        );
    }
}
