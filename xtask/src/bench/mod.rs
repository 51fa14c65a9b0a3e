//! `cargo xtask bench [SPEC ...]`: how fast the generator is, where the time
//! goes, how it scales, and how it compares with progenitor.
//!
//! The bench builds xtask in release mode (`cargo build --release -p xtask`)
//! and measures that binary in separate processes, so every number comes
//! from a fresh process of an optimized build:
//!
//! - `xtask bench-one SPEC --out DIR --json` (hidden) runs the phases once
//!   (load, lower, locating warnings, emit tokens, format, write) and prints
//!   their durations and the peak RSS (`VmHWM` from `/proc/self/status`) as
//!   one JSON line; `--floor` instead only reads the file and parses it into
//!   a `serde_json::Value` (serde_json / serde_yaml), the parse-only floor.
//! - `xtask generate SPEC --out DIR --name NAME` is timed end to end (spawn
//!   to exit), interleaved with `cargo-progenitor progenitor -i SPEC ...`
//!   (both binaries are spawned directly, without `cargo`'s own startup).
//! - `cargo check` of each generated crate: a warm-up check builds the
//!   dependencies into a target dir shared by all crates of one generator,
//!   then `src/lib.rs` is touched and the crate re-checked `--check-runs`
//!   times (interleaved ours / progenitor).
//! - Synthetic specs (1k, 5k, 20k operations) written to
//!   `target/bench/specs/` show time and memory against operations.
//!
//! Every figure is a median over `--runs` processes. The report goes to
//! `target/bench/report.md` and stdout.

mod cells;
mod check;
mod machine;
mod phases;
mod process;
mod progenitor;
mod report;
mod scaling;
mod spec;
mod stats;
mod targets;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use clap::Args;
use serde_json::Value;

use crate::repo_root;

pub(crate) use phases::{run_one, BenchOneArgs};

/// The default corpus specs (the largest ones), relative to `--corpus`.
const CORPUS_SPECS: &[&str] = &[
    "v3.0/box-openapi.json",
    "v3.1/discord-openapi.json",
    "v3.0/twilio_messaging_v1.json",
    "v3.0/jira-software-swagger.v3.json",
    "v3.0/progenitor-nexus.json",
    "v3.0/k8s-v3_batch.v1.json",
    "v3.0/spotify-fixed-open-api.yml",
];
const REPO_SPECS: &[&str] = &[
    "specs/insighto.yaml",
    "specs/intercom.yaml",
    "specs/intercom-legacy.yaml",
    "specs/paragon-actionkit.yaml",
];
const QUICK_CORPUS: &[&str] = &[
    "v3.0/progenitor-nexus.json",
    "v3.0/spotify-fixed-open-api.yml",
];
const QUICK_REPO: &[&str] = &["specs/intercom.yaml"];

#[derive(Args)]
pub struct BenchArgs {
    /// Specs to benchmark (default: the largest specs of the corpus and the
    /// four in specs/).
    pub specs: Vec<PathBuf>,
    /// Processes per measurement; figures are medians.
    #[arg(long, default_value_t = 7)]
    pub runs: usize,
    /// `cargo check` runs per generated crate (after a warm-up check).
    #[arg(long, default_value_t = 3)]
    pub check_runs: usize,
    /// A smaller set: nexus, spotify, intercom; scaling to 5k operations.
    #[arg(long)]
    pub quick: bool,
    /// Skip the comparison with progenitor.
    #[arg(long)]
    pub no_progenitor: bool,
    /// Skip `cargo check` of the generated crates.
    #[arg(long)]
    pub no_check: bool,
    /// Skip the synthetic scaling specs.
    #[arg(long)]
    pub no_scaling: bool,
    /// Where the default corpus specs live.
    #[arg(long, default_value = "/work/shared/corpus")]
    pub corpus: PathBuf,
}

/// `cargo build --release -p xtask`; returns the binary's path.
fn build_release(root: &Path) -> Result<PathBuf, String> {
    eprintln!("bench: cargo build --release -p xtask");
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(root)
        .args([
            "build",
            "--release",
            "-p",
            "xtask",
            "--message-format=json-render-diagnostics",
        ])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo build: {e}"))?;
    if !out.status.success() {
        return Err("cargo build --release -p xtask failed".into());
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    for line in stdout.lines() {
        let Ok(v) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        if v["reason"] == "compiler-artifact" && v["target"]["name"] == "xtask" {
            if let Some(exe) = v["executable"].as_str() {
                return Ok(PathBuf::from(exe));
            }
        }
    }
    Err("cargo build did not report the xtask executable".into())
}

pub fn run(args: &BenchArgs) -> Result<(), String> {
    let root = repo_root();
    let bench_dir = root.join("target/bench");
    fs::create_dir_all(&bench_dir)
        .map_err(|e| format!("cannot create {}: {e}", bench_dir.display()))?;
    let m = machine::machine(&root);
    let exe = build_release(&root)?;

    let mut specs: Vec<PathBuf> = args.specs.clone();
    if specs.is_empty() {
        let (corpus, repo) = if args.quick {
            (QUICK_CORPUS, QUICK_REPO)
        } else {
            (CORPUS_SPECS, REPO_SPECS)
        };
        for c in corpus {
            let p = args.corpus.join(c);
            if p.exists() {
                specs.push(p);
            } else {
                eprintln!("bench: skipping {} (not found)", p.display());
            }
        }
        specs.extend(repo.iter().map(|p| root.join(p)));
    }
    let specs: Vec<PathBuf> = specs
        .into_iter()
        .map(|p| fs::canonicalize(&p).unwrap_or(p))
        .collect();

    let progenitor = if args.no_progenitor {
        Err("--no-progenitor".to_string())
    } else {
        progenitor::ensure_progenitor()
    };
    if let Err(e) = &progenitor {
        eprintln!("bench: progenitor unavailable: {e}");
    }
    let prog_path = progenitor.as_ref().ok().map(|(p, _)| p.as_path());

    let mut results = Vec::new();
    for spec in &specs {
        results.push(spec::bench_spec(args, &exe, prog_path, &bench_dir, spec)?);
    }
    let scale = if args.no_scaling {
        Vec::new()
    } else {
        scaling::scaling(args, &exe, &bench_dir)?
    };

    let text = report::report(args, &m, &progenitor, &results, &scale);
    let path = bench_dir.join("report.md");
    fs::write(&path, &text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("{text}");
    eprintln!("bench: wrote {}", path.display());
    Ok(())
}
