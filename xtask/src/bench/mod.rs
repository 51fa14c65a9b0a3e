//! `cargo xtask bench [LABEL ...]`: clientgen side by side with
//! openapi-to-rust and progenitor on the same specs, in the same run.
//!
//! - The peers are installed once, pinned (`tools.rs`), under
//!   `target/bench/tools`; our generator is this workspace's release xtask.
//! - Generation: each generator's whole process (spawn to exit) on each
//!   spec, alternated round by round; wall time, CPU time and peak RSS from
//!   `/usr/bin/time` (`generation.rs`).
//! - Compile cost: `CARGO_INCREMENTAL=0 cargo check` of each generated
//!   crate after a warm-up that builds its dependencies, alternated; CPU
//!   and the peak RSS of the largest child (rustc) (`check.rs`).
//! - Decode throughput: a large list response built from schema-driven
//!   instances, decoded into each generator's types (`decode.rs`).
//!
//! Every figure is a median. The report goes to `target/bench/report.md`
//! and stdout; `xtask bench-one` (hidden) times our phases inside one
//! process. CI never runs this verb.

mod cells;
mod check;
mod compare;
mod decode;
mod generation;
mod generators;
mod instances;
mod machine;
mod phases;
mod process;
mod report;
mod stats;
mod suite;
mod tools;
mod typenames;
pub(crate) mod unit;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use clap::Args;
use serde_json::Value;

use crate::repo_root;

pub(crate) use phases::{cpu_now, run_one, vmhwm_kb, BenchOneArgs};

use check::{Check, CheckJob};
use decode::{DecodeJob, DecodeResult};
use generation::{GenerateJob, Outcome};
use generators::{Gen, Generators};
use suite::{Dirs, SuiteSpec, SUITE};

#[derive(Args)]
pub struct BenchArgs {
    /// Suite specs to run, by label (nexus, box, stripe, github,
    /// microsoft-graph, intercom, intercom-legacy, insighto, paragon);
    /// default: all of them (or the quick set with --quick).
    pub labels: Vec<String>,
    /// Generation runs per generator; figures are medians.
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
    /// `cargo check` runs per generated crate (after a warm-up check).
    #[arg(long, default_value_t = 3)]
    pub check_runs: usize,
    /// Decode rounds (samples per decoder).
    #[arg(long, default_value_t = 15)]
    pub decode_rounds: usize,
    /// The quick set: nexus and intercom.
    #[arg(long)]
    pub quick: bool,
    /// Skip `cargo check` of the generated crates.
    #[arg(long)]
    pub no_check: bool,
    /// Skip the decode benchmarks.
    #[arg(long)]
    pub no_decode: bool,
    /// Leave out a peer (`openapi-to-rust` or `progenitor`); repeatable.
    #[arg(long = "without", value_name = "PEER")]
    pub without: Vec<String>,
    /// Where the development corpus lives (default: `corpus/specs` in the
    /// repository).
    #[arg(long)]
    pub corpus: Option<PathBuf>,
    /// The APIs.guru directory's `api/` (default: where `npm ci --prefix
    /// corpus/apisguru` unpacks it).
    #[arg(long)]
    pub apisguru: Option<PathBuf>,
    /// Compare the `cargo check` time of this tree's generated crates with
    /// those of another checkout (e.g. `git worktree add --detach DIR
    /// <commit>`), whose release xtask is built there; labels: suite specs
    /// and `contact-clients` (each tree's `generated/`). Writes
    /// `target/bench/compare.md`; no peers, generation or decode figures.
    #[arg(long, value_name = "DIR")]
    pub compare_tree: Option<PathBuf>,
    /// The decode fuzzer's directory (its `instances.mjs` makes the decode
    /// documents).
    #[arg(long)]
    pub fuzz_dir: Option<PathBuf>,
}

/// Everything measured on one spec.
struct SpecResult {
    spec: SuiteSpec,
    bytes: u64,
    runs: usize,
    generation: BTreeMap<Gen, Outcome>,
    /// Full crates, by generator; then ours with one operation feature.
    checks: BTreeMap<Gen, Check>,
    feature_check: Option<Check>,
    /// Our runtime package on its own (`touch runtime/src/lib.rs`).
    runtime_check: Option<Check>,
    decode: Option<DecodeResult>,
}

/// `cargo build --release -p xtask`; returns the binary's path.
pub(crate) fn build_release(root: &Path) -> Result<PathBuf, String> {
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

fn selected(args: &BenchArgs) -> Result<Vec<SuiteSpec>, String> {
    if args.labels.is_empty() {
        return Ok(SUITE
            .iter()
            .filter(|s| !args.quick || s.quick)
            .copied()
            .collect());
    }
    args.labels
        .iter()
        .map(|l| {
            SUITE.iter().find(|s| s.label == l).copied().ok_or_else(|| {
                let known: Vec<&str> = SUITE.iter().map(|s| s.label).collect();
                format!("unknown bench spec `{l}` (known: {})", known.join(", "))
            })
        })
        .collect()
}

pub fn run(args: &BenchArgs) -> Result<(), String> {
    let root = repo_root();
    let bench_dir = root.join("target/bench");
    fs::create_dir_all(&bench_dir)
        .map_err(|e| format!("cannot create {}: {e}", bench_dir.display()))?;
    let xtask = build_release(&root)?;
    let dirs = Dirs {
        root: root.clone(),
        corpus: args
            .corpus
            .clone()
            .unwrap_or_else(crate::corpus::dev_corpus_dir),
        apisguru: args
            .apisguru
            .clone()
            .unwrap_or_else(|| suite::default_apisguru(&root)),
    };
    if let Some(other) = &args.compare_tree {
        return compare::run(args, other, &xtask, &dirs);
    }
    let specs = selected(args)?;
    let m = machine::machine(&root);

    let tools_root = bench_dir.join("tools");
    let tools_build = bench_dir.join("tools-build");
    let mut tool_notes = Vec::new();
    let mut peer = |t: &tools::Tool, g: Gen| match args.without.iter().any(|w| w == g.name()) {
        true => {
            tool_notes.push(format!("{}: left out (--without)", t.label()));
            None
        }
        false => match t.ensure(&tools_root, &tools_build) {
            Ok(p) => {
                tool_notes.push(format!("{}: installed pinned", t.label()));
                Some(p)
            }
            Err(e) => {
                eprintln!("bench: {} unavailable: {e}", t.label());
                tool_notes.push(format!("{}: unavailable ({e})", t.label()));
                None
            }
        },
    };
    let gens = Generators {
        xtask,
        openapi_to_rust: peer(&tools::OPENAPI_TO_RUST, Gen::OpenapiToRust),
        progenitor: peer(&tools::PROGENITOR, Gen::Progenitor),
    };
    let fuzz_dir = args
        .fuzz_dir
        .clone()
        .unwrap_or_else(|| root.join("tests/fuzz"));
    let mut results = Vec::new();
    let mut skipped = Vec::new();
    for spec in specs {
        let path = spec.path(&dirs);
        if !path.is_file() {
            eprintln!(
                "bench: skipping {} ({} not found)",
                spec.label,
                path.display()
            );
            skipped.push(format!("{}: {} not found", spec.label, path.display()));
            continue;
        }
        results.push(bench_spec(args, &gens, &bench_dir, &fuzz_dir, spec, &path)?);
    }

    let text = report::report(args, &m, &tool_notes, &results, &skipped);
    let path = bench_dir.join("report.md");
    fs::write(&path, &text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("{text}");
    eprintln!("bench: wrote {}", path.display());
    Ok(())
}

fn bench_spec(
    args: &BenchArgs,
    gens: &Generators,
    bench_dir: &Path,
    fuzz_dir: &Path,
    spec: SuiteSpec,
    path: &Path,
) -> Result<SpecResult, String> {
    let name = spec.crate_name();
    let out = bench_dir.join("out");
    let runs = spec.max_runs.map_or(args.runs, |m| m.min(args.runs)).max(1);
    eprintln!(
        "bench: {} — generation, {runs} alternated runs per generator",
        spec.label
    );
    let job = GenerateJob {
        spec: path,
        name: &name,
        out: &out,
        runs,
        timeout_s: spec.timeout_s,
        types_only: false,
    };
    let generation = generation::generate_all(gens, &job)?;

    let mut checks = BTreeMap::new();
    let mut feature_check = None;
    let mut runtime_check = None;
    /// What a check job measures.
    enum Job {
        Crate(Gen),
        Feature,
        Runtime,
    }
    if spec.check && !args.no_check {
        eprintln!(
            "bench: {} — cargo check, {} alternated runs per crate",
            spec.label, args.check_runs
        );
        let targets: BTreeMap<Gen, PathBuf> = Gen::ALL
            .iter()
            .map(|g| (*g, bench_dir.join("check-target").join(g.dir())))
            .collect();
        let feature_args: Vec<String> = spec
            .feature
            .map(|f| {
                vec![
                    "--no-default-features".into(),
                    "--features".into(),
                    format!("rustls,{f}"),
                ]
            })
            .unwrap_or_default();
        let feature_refs: Vec<&str> = feature_args.iter().map(String::as_str).collect();
        let mut jobs: Vec<CheckJob<'_>> = Vec::new();
        let mut order = Vec::new();
        for (g, outcome) in &generation {
            if let Some(dir) = outcome.dir() {
                jobs.push(CheckJob::new(dir, &targets[g], &[]));
                order.push(Job::Crate(*g));
            }
        }
        let ours_dir = generation.get(&Gen::Ours).and_then(Outcome::dir);
        if spec.feature.is_some() {
            if let Some(dir) = ours_dir {
                jobs.push(CheckJob::new(dir, &targets[&Gen::Ours], &feature_refs));
                order.push(Job::Feature);
            }
        }
        // Our runtime package on its own (built once, then a prebuilt
        // dependency of the API crate, as progenitor-client is of
        // progenitor's), with the TLS feature the crate's default enables.
        let runtime_dir = ours_dir.map(|d| d.join("runtime"));
        if let Some(dir) = runtime_dir
            .as_deref()
            .filter(|d| d.join("Cargo.toml").is_file())
        {
            jobs.push(CheckJob {
                nested: true,
                ..CheckJob::new(dir, &targets[&Gen::Ours], &["--features", "rustls"])
            });
            order.push(Job::Runtime);
        }
        for (which, result) in order.into_iter().zip(check::checks(&jobs, args.check_runs)) {
            match which {
                Job::Crate(g) => {
                    checks.insert(g, result);
                }
                Job::Feature => feature_check = Some(result),
                Job::Runtime => runtime_check = Some(result),
            }
        }
    }

    let decode = match spec.decode {
        Some(case) if !args.no_decode => {
            let work = bench_dir.join("decode").join(spec.label);
            let job = DecodeJob {
                label: spec.label,
                spec: path,
                case: &case,
                outcomes: &generation,
                fuzz_dir,
                work: &work,
                rounds: args.decode_rounds,
            };
            Some(decode::decode(&job))
        }
        _ => None,
    };
    Ok(SpecResult {
        spec,
        bytes: fs::metadata(path).map(|m| m.len()).unwrap_or(0),
        runs,
        generation,
        checks,
        feature_check,
        runtime_check,
        decode,
    })
}
