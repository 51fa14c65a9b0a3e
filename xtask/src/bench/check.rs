//! `cargo check` of generated crates, timed: a warm-up check per target
//! dir, then re-checks after touching `src/lib.rs`.

use std::fs;
use std::path::Path;
use std::process::Command;

use super::cells::secs;
use super::process::{timed, Run};
use super::stats::{Runs, Timing};

#[derive(Default)]
pub(super) enum Check {
    #[default]
    Skipped,
    Ok(Timing),
    Failed(String),
}

impl Check {
    pub(super) fn cell(&self) -> String {
        match self {
            Check::Skipped => "–".into(),
            Check::Ok(t) => secs(t.wall),
            Check::Failed(e) => format!("does not compile: {}", e.replace('|', "\\|")),
        }
    }
}

/// Makes a crate buildable on its own inside this repository's directory.
fn ensure_standalone(dir: &Path) {
    let manifest = dir.join("Cargo.toml");
    if let Ok(text) = fs::read_to_string(&manifest) {
        if !text.lines().any(|l| l.trim() == "[workspace]") {
            let _ = fs::write(&manifest, format!("{text}\n[workspace]\n"));
        }
    }
}

/// `cargo check` of one crate. `CARGO_INCREMENTAL=0`: the crate is
/// checked whole each time, as when it is a dependency of the user's
/// project (dependencies are never incremental), and the figure does not
/// depend on how much of the incremental cache a touch invalidates.
fn cargo_check(dir: &Path, target: &Path, extra: &[&str]) -> Result<Run, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let r = timed(
        Command::new(cargo)
            .current_dir(dir)
            .env("CARGO_TARGET_DIR", target)
            .env("CARGO_INCREMENTAL", "0")
            .env_remove("RUSTFLAGS")
            .args(["check", "--quiet", "--message-format=short"])
            .args(extra),
    )?;
    if r.ok() {
        Ok(r)
    } else {
        Err(r.first_error())
    }
}

fn touch(path: &Path) {
    if let Ok(f) = fs::OpenOptions::new().append(true).open(path) {
        let _ = f.set_modified(std::time::SystemTime::now());
    }
}

/// One crate to check: its directory, the shared target dir, extra cargo
/// arguments.
pub(super) type CheckJob<'a> = (&'a Path, &'a Path, &'a [&'a str]);

/// `cargo check` medians for each job, interleaved: a warm-up check each
/// (builds the dependencies once per target dir), then `runs` rounds of
/// touching `src/lib.rs` and checking, the first job rotating.
pub(super) fn checks(jobs: &[CheckJob<'_>], runs: usize) -> Vec<Check> {
    let mut results: Vec<Result<Runs, String>> = jobs
        .iter()
        .map(|(dir, target, extra)| {
            ensure_standalone(dir);
            cargo_check(dir, target, extra).map(|_| Runs::default())
        })
        .collect();
    for round in 0..runs {
        // Round `r` starts with job `r mod n`: none always runs right
        // after another's (or the warm-up's) page-cache churn.
        for k in 0..jobs.len() {
            let i = (round + k) % jobs.len();
            let (dir, target, extra) = jobs[i];
            if let Ok(xs) = &mut results[i] {
                touch(&dir.join("src/lib.rs"));
                match cargo_check(dir, target, extra) {
                    Ok(r) => xs.push(&r),
                    Err(e) => results[i] = Err(e),
                }
            }
        }
    }
    results
        .into_iter()
        .map(|r| match r {
            Ok(xs) if !xs.wall.is_empty() => Check::Ok(xs.summary()),
            Ok(_) => Check::Skipped,
            Err(e) => Check::Failed(e),
        })
        .collect()
}
