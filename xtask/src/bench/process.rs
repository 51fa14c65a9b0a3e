//! Child processes: run captured and timed (wall time here, CPU time and
//! peak RSS from `/usr/bin/time`), or just for their output.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub(super) fn sh(cmd: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(cmd)
        .args(args)
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn first_error_line(stderr: &str) -> String {
    stderr
        .lines()
        .find(|l| l.trim_start().starts_with("error"))
        .or_else(|| stderr.lines().find(|l| !l.trim().is_empty()))
        .unwrap_or("(no output)")
        .trim()
        .chars()
        .take(160)
        .collect()
}

/// One finished process.
pub(super) struct Run {
    /// Spawn to exit, measured here.
    pub(super) wall: Duration,
    /// User + system CPU of the process and the children it waited for (so
    /// for `cargo check`, rustc too), from `/usr/bin/time`.
    pub(super) cpu_ms: Option<f64>,
    /// Peak RSS of the process (or its largest child), KiB.
    pub(super) rss_kb: Option<u64>,
    pub(super) out: std::process::Output,
    /// Set when the time limit ended the process.
    pub(super) killed_after_s: Option<u64>,
}

impl Run {
    pub(super) fn ok(&self) -> bool {
        self.out.status.success()
    }
    /// Why the process failed: progenitor's `gen fail: ...` line, the
    /// message of a panic, or the first error line.
    pub(super) fn first_error(&self) -> String {
        if let Some(s) = self.killed_after_s {
            return format!("killed after {s} s");
        }
        let stderr = String::from_utf8_lossy(&self.out.stderr);
        let stdout = String::from_utf8_lossy(&self.out.stdout);
        let lines: Vec<&str> = stderr.lines().chain(stdout.lines()).collect();
        if let Some(l) = lines.iter().find(|l| l.starts_with("gen fail:")) {
            return first_error_line(l);
        }
        if let Some(i) = lines.iter().position(|l| l.contains("panicked at")) {
            if let Some(msg) = lines[i + 1..].iter().find(|l| !l.trim().is_empty()) {
                return format!("panic: {}", first_error_line(msg));
            }
        }
        if stderr.trim().is_empty() {
            first_error_line(&stdout)
        } else {
            first_error_line(&stderr)
        }
    }
}

/// Runs `cmd` to completion with output captured; under `/usr/bin/time`
/// when it exists (adds one fork/exec, ~1 ms, to every process alike) to
/// get CPU time and peak RSS, which std cannot read for a child.
pub(super) fn timed(cmd: &Command) -> Result<Run, String> {
    timed_limit(cmd, None)
}

/// [`timed`], killed after `limit_s` seconds when given (through
/// coreutils' `timeout`, so CPU and peak RSS still count the generator).
pub(super) fn timed_limit(cmd: &Command, limit_s: Option<u64>) -> Result<Run, String> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let gnu_time = Path::new("/usr/bin/time");
    let report = std::env::temp_dir().join(format!(
        "clientgen-bench-{}-{}.time",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let mut argv: Vec<std::ffi::OsString> = Vec::new();
    if gnu_time.exists() {
        argv.extend(["/usr/bin/time", "-f", "%U %S %M", "-o"].map(Into::into));
        argv.push(report.clone().into());
    }
    if let Some(s) = limit_s {
        argv.extend(["timeout", "-s", "KILL"].map(Into::into));
        argv.push(format!("{s}s").into());
    }
    argv.push(cmd.get_program().to_owned());
    argv.extend(cmd.get_args().map(ToOwned::to_owned));
    let mut c = Command::new(&argv[0]);
    c.args(&argv[1..]);
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
    }
    if let Some(dir) = cmd.get_current_dir() {
        c.current_dir(dir);
    }
    let start = Instant::now();
    let out = c
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    let wall = start.elapsed();
    let killed = limit_s.filter(|s| wall.as_secs() >= *s && !out.status.success());
    let (mut cpu_ms, mut rss_kb) = (None, None);
    if let Ok(text) = fs::read_to_string(&report) {
        // The last line is ours (GNU time first notes a non-zero exit).
        let fields: Vec<&str> = text
            .lines()
            .last()
            .unwrap_or("")
            .split_whitespace()
            .collect();
        if let [u, s, m] = fields[..] {
            if let (Ok(u), Ok(s)) = (u.parse::<f64>(), s.parse::<f64>()) {
                cpu_ms = Some((u + s) * 1e3);
            }
            rss_kb = m.parse().ok();
        }
        let _ = fs::remove_file(&report);
    }
    Ok(Run {
        wall,
        cpu_ms,
        rss_kb,
        out,
        killed_after_s: killed,
    })
}
