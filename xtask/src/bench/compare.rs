//! `cargo xtask bench --compare-tree DIR [LABEL ...]`: the `cargo check`
//! time of the crates this tree's generator writes against those of
//! another checkout's (another commit, e.g. before a runtime change), in
//! the same run and alternated, so that a regression in what users
//! compile shows as a ratio.
//!
//! Each side's crate is generated once by its own release xtask; the
//! `contact-clients` label is the committed `generated/` crate of each
//! tree (`codegen --check` keeps it equal to that tree's generator
//! output). Then [`check::checks`] times both: a warm-up each (builds the
//! dependencies into that side's target dir), then `CARGO_INCREMENTAL=0
//! cargo check` rounds, alternated.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::cells::{f1, ratio, times};
use super::check::{self, Check, CheckJob};
use super::generation::{reset_dir, rs_lines};
use super::generators::{finish_crate, Gen};
use super::machine::{self, loadavg};
use super::process::{sh, timed_limit};
use super::suite::{Dirs, SuiteSpec, SUITE};
use super::BenchArgs;

/// The label of the repository's own four-spec crate (`generated/`).
const CONTACT_CLIENTS: &str = "contact-clients";

/// One crate compared: its label and each side's result.
struct Row {
    label: String,
    /// Lines of `.rs` per side (before, after).
    lines: [usize; 2],
    checks: [Check; 2],
    load: String,
}

/// Which crates: the labels given (suite labels or `contact-clients`),
/// else `nexus`, `contact-clients` and `stripe`.
fn labels(args: &BenchArgs) -> Result<Vec<String>, String> {
    if args.labels.is_empty() {
        return Ok(["nexus", CONTACT_CLIENTS, "stripe"]
            .map(String::from)
            .to_vec());
    }
    for l in &args.labels {
        if l != CONTACT_CLIENTS && !SUITE.iter().any(|s| s.label == l) {
            return Err(format!(
                "unknown bench spec `{l}` (known: {CONTACT_CLIENTS}, {})",
                SUITE.iter().map(|s| s.label).collect::<Vec<_>>().join(", ")
            ));
        }
    }
    Ok(args.labels.clone())
}

/// `cargo build --release -p xtask` in another checkout, into its own
/// `target/` (not `CARGO_TARGET_DIR`: the two trees' workspace crates have
/// the same names).
fn build_other(tree: &Path) -> Result<PathBuf, String> {
    eprintln!(
        "bench: cargo build --release -p xtask in {}",
        tree.display()
    );
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(tree)
        .env("CARGO_TARGET_DIR", tree.join("target"))
        .args(["build", "--release", "-p", "xtask"])
        .status()
        .map_err(|e| format!("cannot run cargo build: {e}"))?;
    if !status.success() {
        return Err(format!(
            "cargo build --release -p xtask failed in {}",
            tree.display()
        ));
    }
    let exe = tree.join("target/release/xtask");
    exe.is_file()
        .then_some(exe)
        .ok_or_else(|| format!("no target/release/xtask in {}", tree.display()))
}

/// Copies the files of `from` into `to` (a fresh directory), leaving out
/// `target/`.
fn copy_tree(from: &Path, to: &Path) -> Result<(), String> {
    fs::create_dir_all(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
    let entries = fs::read_dir(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    for e in entries.flatten() {
        let (src, dst) = (e.path(), to.join(e.file_name()));
        if src.is_dir() {
            if e.file_name() != "target" {
                copy_tree(&src, &dst)?;
            }
        } else {
            fs::copy(&src, &dst).map_err(|e| format!("cannot copy {}: {e}", src.display()))?;
        }
    }
    Ok(())
}

/// Writes one side's crate for `label` into `dir`: the tree's
/// `generated/` for `contact-clients`, else its `xtask generate`.
fn make_crate(
    label: &str,
    tree: &Path,
    xtask: &Path,
    dirs: &Dirs,
    dir: &Path,
) -> Result<(), String> {
    reset_dir(dir)?;
    if label == CONTACT_CLIENTS {
        copy_tree(&tree.join("generated"), dir)?;
        return finish_crate(Gen::Ours, dir, label);
    }
    let spec: &SuiteSpec = SUITE
        .iter()
        .find(|s| s.label == label)
        .ok_or_else(|| format!("unknown bench spec `{label}`"))?;
    let path = spec.path(dirs);
    if !path.is_file() {
        return Err(format!("{} not found", path.display()));
    }
    let name = spec.crate_name();
    let mut cmd = Command::new(xtask);
    cmd.arg("generate")
        .arg(&path)
        .arg("--out")
        .arg(dir)
        .arg("--name")
        .arg(&name);
    let run = timed_limit(&cmd, Some(spec.timeout_s))?;
    if !run.ok() {
        return Err(format!(
            "{} generate: {}",
            xtask.display(),
            run.first_error()
        ));
    }
    finish_crate(Gen::Ours, dir, &name)
}

pub(super) fn run(args: &BenchArgs, other: &Path, xtask: &Path, dirs: &Dirs) -> Result<(), String> {
    let root = &dirs.root;
    let bench_dir = root.join("target/bench");
    let other = fs::canonicalize(other).map_err(|e| format!("{}: {e}", other.display()))?;
    let m = machine::machine(root);
    let other_commit = sh(
        "git",
        &[
            "-C",
            &other.to_string_lossy(),
            "rev-parse",
            "--short",
            "HEAD",
        ],
    )
    .unwrap_or_else(|| "unknown".into());
    let other_xtask = build_other(&other)?;
    let sides = [
        ("before", other.as_path(), other_xtask.as_path()),
        ("after", root.as_path(), xtask),
    ];
    let targets = sides.map(|(side, ..)| bench_dir.join("compare-target").join(side));
    let mut rows = Vec::new();
    for label in labels(args)? {
        let crates = sides.map(|(side, ..)| bench_dir.join("compare").join(side).join(&label));
        let mut made = Ok(());
        for ((_, tree, x), dir) in sides.iter().zip(&crates) {
            made = made.and_then(|()| make_crate(&label, tree, x, dirs, dir));
        }
        if let Err(e) = made {
            eprintln!("bench: skipping {label}: {e}");
            rows.push(Row {
                label,
                lines: [0, 0],
                checks: [Check::Failed(e.clone()), Check::Failed(e)],
                load: loadavg(),
            });
            continue;
        }
        eprintln!(
            "bench: {label} — cargo check, before and after, {} alternated runs each",
            args.check_runs
        );
        let jobs: Vec<CheckJob<'_>> = crates
            .iter()
            .zip(&targets)
            .map(|(d, t)| CheckJob::new(d, t, &[]))
            .collect();
        let load_start = loadavg();
        let mut results = check::checks(&jobs, args.check_runs).into_iter();
        let checks = [
            results.next().unwrap_or_default(),
            results.next().unwrap_or_default(),
        ];
        rows.push(Row {
            lines: crates.each_ref().map(|d| rs_lines(&d.join("src"))),
            label,
            checks,
            load: format!("{load_start} → {}", loadavg()),
        });
    }

    let mut s = String::new();
    let _ = writeln!(
        s,
        "# clientgen: `cargo check` of generated crates, before and after\n"
    );
    s.push_str(&m.date_and_machine());
    let _ = writeln!(
        s,
        "- toolchain: {}; before: {} at {other_commit}; after: this tree at {}",
        m.rustc,
        other.display(),
        m.commit
    );
    let _ = writeln!(
        s,
        "- method: each side's crate generated by its own release xtask (`{CONTACT_CLIENTS}`: each tree's committed `generated/`, default features); \
         a warm-up `cargo check` per side builds the dependencies into that side's target dir, then `touch src/lib.rs` and \
         `CARGO_INCREMENTAL=0 cargo check` (the whole crate, as a dependency is checked), the two sides alternated, the first \
         side of each round alternating too; median of {} per side. The crate's own rustc: its run alone, CPU (see `unit.rs`). \
         Ratios are after / before: above 1.10 is a regression of more than 10%.",
        args.check_runs
    );
    let _ = writeln!(s, "\n| crate | .rs lines before | after | check before | after | wall ratio | CPU s before | after | CPU ratio | own rustc ms before | after | ratio | load (1, 5, 15 min) |");
    let _ = writeln!(s, "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|");
    for r in &rows {
        let t = r.checks.each_ref().map(|c| match c {
            Check::Ok(t) => Some(*t),
            _ => None,
        });
        let wall = t.map(|t| t.and_then(|t| t.process.wall));
        let cpu = t.map(|t| t.and_then(|t| t.process.cpu));
        let own = t.map(|t| t.and_then(|t| t.own).and_then(|o| o.cpu));
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            r.label,
            r.lines[0],
            r.lines[1],
            r.checks[0].cell(),
            r.checks[1].cell(),
            times(ratio(wall[1], wall[0])),
            f1(cpu[0].map(|c| c / 1e3)),
            f1(cpu[1].map(|c| c / 1e3)),
            times(ratio(cpu[1], cpu[0])),
            f1(own[0]),
            f1(own[1]),
            times(ratio(own[1], own[0])),
            r.load
        );
    }
    let path = bench_dir.join("compare.md");
    fs::write(&path, &s).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("{s}");
    eprintln!("bench: wrote {}", path.display());
    Ok(())
}
