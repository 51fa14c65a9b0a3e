//! The machine, toolchain and commit of a bench run, for the report's
//! header.

use std::fs;
use std::path::Path;

use super::process::sh;

pub(super) struct Machine {
    pub(super) date: String,
    pub(super) nproc: usize,
    pub(super) cpu: String,
    pub(super) mem: String,
    pub(super) rustc: String,
    pub(super) commit: String,
    pub(super) load_start: String,
}

pub(super) fn machine(root: &Path) -> Machine {
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    let mem = fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            let kb: f64 = m
                .lines()
                .find(|l| l.starts_with("MemTotal:"))?
                .split_whitespace()
                .nth(1)?
                .parse()
                .ok()?;
            Some(format!("{:.1} GiB", kb / 1024.0 / 1024.0))
        })
        .unwrap_or_else(|| "unknown".into());
    let root_s = root.to_string_lossy().to_string();
    let commit = sh("git", &["-C", &root_s, "rev-parse", "--short", "HEAD"])
        .unwrap_or_else(|| "unknown".into());
    let dirty = sh(
        "git",
        &[
            "-C",
            &root_s,
            "status",
            "--porcelain",
            "--untracked-files=no",
        ],
    )
    .map(|s| s.lines().count())
    .unwrap_or(0);
    let commit = if dirty > 0 {
        format!("{commit} (+{dirty} uncommitted tracked changes in the tree)")
    } else {
        commit
    };
    Machine {
        date: sh("date", &["-u", "+%Y-%m-%d %H:%M UTC"]).unwrap_or_else(|| "unknown".into()),
        nproc: std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
        cpu,
        mem,
        rustc: sh("rustc", &["-V"]).unwrap_or_else(|| "unknown".into()),
        commit,
        load_start: loadavg(),
    }
}

impl Machine {
    /// The report lines naming the date and the machine, with the load
    /// average at the start of the run and now.
    pub(super) fn date_and_machine(&self) -> String {
        format!(
            "- date: {}\n- machine: {} CPUs ({}), {} RAM; load average at start {}, at end {}\n",
            self.date,
            self.nproc,
            self.cpu,
            self.mem,
            self.load_start,
            loadavg()
        )
    }
}

pub(super) fn loadavg() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}
