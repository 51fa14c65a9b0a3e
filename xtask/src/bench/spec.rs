//! Benchmarking one spec: bench-one phases and the parse-only floor,
//! whole-process generation interleaved with progenitor, and `cargo check`
//! of both generators' crates.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use super::check::{checks, Check, CheckJob};
use super::process::timed;
use super::progenitor;
use super::stats::{median, ms, Runs, Timing};
use super::BenchArgs;

/// Per-spec results.
#[derive(Default)]
pub(super) struct SpecResult {
    pub(super) label: String,
    pub(super) bytes: u64,
    pub(super) error: Option<String>,
    /// Medians of the bench-one fields.
    pub(super) phases: BTreeMap<String, f64>,
    pub(super) floor: Floor,
    pub(super) rs_lines: usize,
    /// `xtask generate`, spawn to exit.
    pub(super) ours: Timing,
    pub(super) ours_check: Check,
    /// `cargo check --no-default-features`: no operations.
    pub(super) ours_check_types: Check,
    pub(super) theirs: Option<Theirs>,
}

/// The parse-only floor: median wall and CPU ms.
#[derive(Clone, Copy, Default)]
pub(super) struct Floor {
    pub(super) wall: Option<f64>,
    pub(super) cpu: Option<f64>,
}

pub(super) struct Theirs {
    /// Set when progenitor exited non-zero: why.
    pub(super) error: Option<String>,
    pub(super) timing: Timing,
    pub(super) rs_lines: usize,
    pub(super) check: Check,
}

pub(super) fn bench_spec(
    args: &BenchArgs,
    exe: &Path,
    progenitor: Option<&Path>,
    bench_dir: &Path,
    spec: &Path,
) -> Result<SpecResult, String> {
    let name = crate_name_for(spec);
    let label = spec
        .file_name()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut r = SpecResult {
        label,
        bytes: fs::metadata(spec).map(|m| m.len()).unwrap_or(0),
        ..Default::default()
    };
    let ours_dir = bench_dir.join("out/ours").join(&name);
    let theirs_dir = bench_dir.join("out/progenitor").join(&name);

    eprintln!("bench: {} — phases ({} runs)", r.label, args.runs);
    match phase_runs(exe, spec, &ours_dir, &name, args.runs) {
        Ok((phases, rs)) => {
            r.phases = phases;
            r.rs_lines = rs;
        }
        Err(e) => r.error = Some(e),
    }
    r.floor = floor_runs(exe, spec, args.runs);

    // Whole process, interleaved with progenitor so both see the same load.
    eprintln!(
        "bench: {} — whole process{}",
        r.label,
        if progenitor.is_some() {
            " vs progenitor"
        } else {
            ""
        }
    );
    let mut ours_cmd = Command::new(exe);
    ours_cmd
        .arg("generate")
        .arg(spec)
        .arg("--out")
        .arg(&ours_dir)
        .arg("--name")
        .arg(&name);
    let theirs_cmd = progenitor::command(progenitor, spec, &theirs_dir, &name);
    let mut ours = Runs::default();
    let mut theirs = Runs::default();
    let mut theirs_error: Option<String> = None;
    for _ in 0..args.runs {
        if r.error.is_none() {
            reset_dir(&ours_dir)?;
            let run = timed(&ours_cmd)?;
            if run.ok() {
                ours.push(&run);
            } else {
                r.error = Some(run.first_error());
            }
        }
        if progenitor.is_some() && theirs_error.is_none() {
            reset_dir(&theirs_dir)?;
            let run = timed(&theirs_cmd)?;
            if run.ok() {
                theirs.push(&run);
            } else {
                theirs_error = Some(run.first_error());
            }
        }
    }
    r.ours = ours.summary();
    if progenitor.is_some() {
        r.theirs = Some(Theirs {
            timing: if theirs_error.is_none() {
                theirs.summary()
            } else {
                Timing::default()
            },
            error: theirs_error,
            rs_lines: 0,
            check: Check::Skipped,
        });
    }

    // cargo check of the last run's output.
    if !args.no_check {
        let ours_target = bench_dir.join("cargo-target/ours");
        let theirs_target = bench_dir.join("cargo-target/progenitor");
        // Ours with all features, progenitor's, and ours with
        // `--no-default-features` (types and runtime, no operations: the
        // per-tag features gate the operations).
        let mut jobs: Vec<CheckJob<'_>> = Vec::new();
        let ours_ok = r.error.is_none() && ours_dir.join("Cargo.toml").exists();
        if ours_ok {
            jobs.push((&ours_dir, &ours_target, &[]));
        }
        let theirs_ok = r.theirs.as_ref().is_some_and(|t| t.error.is_none())
            && theirs_dir.join("Cargo.toml").exists();
        if theirs_ok {
            jobs.push((&theirs_dir, &theirs_target, &[]));
        }
        if ours_ok {
            jobs.push((&ours_dir, &ours_target, &["--no-default-features"]));
        }
        eprintln!(
            "bench: {} — cargo check (warm-up + {} runs each)",
            r.label, args.check_runs
        );
        let mut results = checks(&jobs, args.check_runs).into_iter();
        if ours_ok {
            r.ours_check = results.next().unwrap_or_default();
        }
        if theirs_ok {
            if let Some(t) = &mut r.theirs {
                t.check = results.next().unwrap_or_default();
            }
        }
        if ours_ok {
            r.ours_check_types = results.next().unwrap_or_default();
        }
    }
    if let Some(t) = &mut r.theirs {
        if t.error.is_none() {
            t.rs_lines = rs_lines(&theirs_dir.join("src"));
        }
    }
    Ok(r)
}

/// Runs `bench-one` `runs` times (fresh output dir each time) and returns
/// the median of every numeric field, plus `process_ms` (spawn to exit).
pub(super) fn phase_runs(
    exe: &Path,
    spec: &Path,
    out: &Path,
    name: &str,
    runs: usize,
) -> Result<(BTreeMap<String, f64>, usize), String> {
    let mut samples: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut rs = 0;
    for _ in 0..runs {
        reset_dir(out)?;
        let r = timed(
            Command::new(exe)
                .arg("bench-one")
                .arg(spec)
                .arg("--out")
                .arg(out)
                .arg("--name")
                .arg(name)
                .arg("--json"),
        )?;
        if !r.ok() {
            return Err(r.first_error());
        }
        let line = String::from_utf8_lossy(&r.out.stdout);
        let v: Value = serde_json::from_str(line.trim())
            .map_err(|e| format!("bench-one printed no JSON: {e}: {line}"))?;
        if let Value::Object(m) = v {
            for (k, x) in m {
                if let Some(f) = x.as_f64() {
                    samples.entry(k).or_default().push(f);
                }
            }
        }
        samples
            .entry("process_ms".into())
            .or_default()
            .push(ms(r.wall));
        rs = samples
            .get("rs_lines")
            .and_then(|v| v.last())
            .copied()
            .unwrap_or(0.0) as usize;
    }
    Ok((
        samples
            .into_iter()
            .filter_map(|(k, v)| Some((k, median(&v)?)))
            .collect(),
        rs,
    ))
}

pub(super) fn floor_runs(exe: &Path, spec: &Path, runs: usize) -> Floor {
    let (mut wall, mut cpu) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let Ok(r) = timed(
            Command::new(exe)
                .arg("bench-one")
                .arg(spec)
                .arg("--out")
                .arg("/dev/null")
                .arg("--floor"),
        ) else {
            break;
        };
        let Ok(v) = serde_json::from_str::<Value>(String::from_utf8_lossy(&r.out.stdout).trim())
        else {
            break;
        };
        wall.extend(v["floor_ms"].as_f64());
        cpu.extend(v["floor_cpu_ms"].as_f64());
    }
    Floor {
        wall: median(&wall),
        cpu: median(&cpu),
    }
}

/// A crate name from a spec file name: `bench-progenitor-nexus`.
fn crate_name_for(spec: &Path) -> String {
    let stem = spec
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut name = String::from("bench-");
    for c in stem.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.ends_with('-') {
            name.push('-');
        }
    }
    name.trim_end_matches('-').to_string()
}

fn reset_dir(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(|e| format!("cannot remove {}: {e}", dir.display()))?;
    }
    Ok(())
}

/// Lines in the `.rs` files under `dir`.
fn rs_lines(dir: &Path) -> usize {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names() {
        assert_eq!(
            crate_name_for(Path::new("/x/k8s-v3_batch.v1.json")),
            "bench-k8s-v3-batch-v1"
        );
        assert_eq!(
            crate_name_for(Path::new("specs/intercom-legacy.yaml")),
            "bench-intercom-legacy"
        );
    }
}
