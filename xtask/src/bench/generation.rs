//! Whole-process generation by the three generators on one spec, in the
//! same run: round `i` starts with generator `i mod 3`, so each sees the
//! same load on average and none always runs after another's cache warm-up.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use super::generators::{finish_crate, Gen, Generators};
use super::process::timed_limit;
use super::stats::{Runs, Timing};

/// One generator's result on one spec.
#[derive(Clone, Debug)]
pub(super) enum Outcome {
    /// The peer is not installed.
    Unavailable,
    /// It exited non-zero (or was killed): why.
    Failed(String),
    Ok {
        timing: Timing,
        /// Lines of the `.rs` files it wrote.
        rs_lines: usize,
        /// The crate it wrote (the last run's), ready for `cargo check`.
        dir: PathBuf,
    },
}

impl Outcome {
    pub(super) fn timing(&self) -> Option<&Timing> {
        match self {
            Outcome::Ok { timing, .. } => Some(timing),
            _ => None,
        }
    }
    pub(super) fn dir(&self) -> Option<&Path> {
        match self {
            Outcome::Ok { dir, .. } => Some(dir),
            _ => None,
        }
    }
}

pub(super) struct GenerateJob<'a> {
    pub(super) spec: &'a Path,
    pub(super) name: &'a str,
    /// `out/<generator dir>/<name>` is each generator's crate.
    pub(super) out: &'a Path,
    pub(super) runs: usize,
    pub(super) timeout_s: u64,
    pub(super) types_only: bool,
}

/// Generates `runs` times with each generator, interleaved; a generator
/// that fails once is not run again.
pub(super) fn generate_all(
    gens: &Generators,
    job: &GenerateJob<'_>,
) -> Result<BTreeMap<Gen, Outcome>, String> {
    let mut runs: BTreeMap<Gen, Result<Runs, String>> = BTreeMap::new();
    for g in Gen::ALL {
        if gens.available(g) {
            runs.insert(g, Ok(Runs::default()));
        }
    }
    let dir = |g: Gen| job.out.join(g.dir()).join(job.name);
    for round in 0..job.runs {
        for k in 0..Gen::ALL.len() {
            let g = Gen::ALL[(round + k) % Gen::ALL.len()];
            let Some(Ok(_)) = runs.get(&g) else { continue };
            let out = dir(g);
            reset_dir(&out)?;
            let Some(cmd) = gens.command(g, job.spec, &out, job.name, job.types_only) else {
                continue;
            };
            let run = timed_limit(&cmd, Some(job.timeout_s))?;
            let entry = runs.get_mut(&g).expect("inserted above");
            if run.ok() {
                if let Ok(xs) = entry {
                    xs.push(&run);
                }
            } else {
                *entry = Err(run.first_error());
            }
        }
    }
    let mut outcomes = BTreeMap::new();
    for g in Gen::ALL {
        let outcome = match runs.remove(&g) {
            None => Outcome::Unavailable,
            Some(Err(e)) => Outcome::Failed(e),
            Some(Ok(xs)) => {
                let d = dir(g);
                match finish_crate(g, &d, job.name) {
                    Ok(()) => Outcome::Ok {
                        timing: xs.summary(),
                        rs_lines: rs_lines(&d.join("src")),
                        dir: d,
                    },
                    Err(e) => Outcome::Failed(e),
                }
            }
        };
        outcomes.insert(g, outcome);
    }
    Ok(outcomes)
}

pub(super) fn reset_dir(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(|e| format!("cannot remove {}: {e}", dir.display()))?;
    }
    Ok(())
}

/// Lines in the `.rs` files under `dir`.
pub(super) fn rs_lines(dir: &Path) -> usize {
    let mut total = 0;
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n == "target") {
                continue;
            }
            total += rs_lines(&p);
        } else if p.extension().is_some_and(|x| x == "rs") {
            total += fs::read_to_string(&p)
                .map(|t| t.lines().count())
                .unwrap_or(0);
        }
    }
    total
}
