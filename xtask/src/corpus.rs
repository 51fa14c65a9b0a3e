//! `cargo xtask corpus [DIR ...]`: run the generator over a corpus of
//! real-world specs and check that every generated crate compiles cleanly.
//!
//! For each spec found under the directories (`.json`, `.yaml`, `.yml`,
//! recursively, sorted; default `../shared/corpus` beside the repository) the
//! generator writes a scratch crate `target/corpus/<stem>/`. The crates are
//! members of one scratch workspace `target/corpus/Cargo.toml` and are
//! checked by a single `cargo check --workspace --message-format=json` with
//! the target dir `target/corpus-target`, so dependencies compile once and
//! cargo spreads the crates over the cores. Compiler messages are attributed
//! to their crate by manifest path; a warning fails the spec like an error
//! does (generated code must be warning-free). `--mode per-crate` instead
//! checks each crate on its own (standalone, same target dir); it is kept for
//! comparisons only: cargo locks the target dir, so per-crate runs are
//! serial, and on 2 cores the workspace check of all 21 corpus crates took
//! 66 s against 119 s per crate (dependencies built, crates fresh).
//!
//! Example round-trips (`--examples`, on by default): the JSON examples the
//! IR carries (on named schemas, request bodies and responses) are decoded
//! into the generated type of their position, re-encoded and compared with
//! the original. The program doing this is written here, not by the
//! generator, as `examples/roundtrip_<crate>.rs` in each scratch crate, and
//! built with `--no-default-features` (types only, no per-tag client code).
//! Round-trip failures need triage (spec example that violates its own
//! schema, or a generator bug), so they are reported but do not fail a spec;
//! a round-trip program that does not compile does.
//!
//! Outputs: a table on stdout, `target/corpus/report.md`,
//! `target/corpus/examples.md` (every round-trip failure), and per-spec logs
//! in `target/corpus/logs/` (compiler diagnostics, generator fallbacks).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use clientgen::ir::{self, Primitive, ResponseBody, StatusMatch, TypeKind, TypeRef};
use clientgen::lower::{ident_text, snake};
use serde_json::Value;

use crate::repo_root;


#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckMode {
    /// One scratch workspace, one `cargo check --workspace`.
    Workspace,
    /// One `cargo check` per standalone crate, sharing the target dir.
    PerCrate,
}

#[derive(clap::Args)]
pub struct Options {
    /// Directories searched recursively for specs (default: ../shared/corpus
    /// beside the repository).
    pub dirs: Vec<PathBuf>,
    /// Only specs whose relative path contains this.
    #[arg(long)]
    pub only: Option<String>,
    /// Parallel jobs for generation, cargo and the round-trip programs
    /// (default: the number of cores).
    #[arg(long, short)]
    pub jobs: Option<usize>,
    /// Go on past a failing spec (`--keep-going=false` stops at the first).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub keep_going: bool,
    /// Round-trip the specs' JSON examples through the generated types
    /// (`--examples=false` to skip).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub examples: bool,
    /// The CI configuration: every spec of the corpus (no `--only`). The
    /// whole corpus fits CI's budget: on 2 cores, about 3 min with the
    /// dependencies built and 4.5 min from an empty target dir (12 min when
    /// the machine was shared with other builds).
    #[arg(long, conflicts_with = "only")]
    pub ci: bool,
    /// How to run cargo check.
    #[arg(long, value_enum, default_value_t = CheckMode::Workspace)]
    pub mode: CheckMode,
}

/// One JSON example and the position it belongs to.
struct Case {
    /// Where the example is attached (JSON pointer plus example index).
    origin: String,
    /// The Rust type to decode it into, or why it is skipped.
    rust_type: Result<String, String>,
    value: Value,
}

#[derive(Default)]
enum Check {
    #[default]
    NotRun,
    Ok,
    Failed(String),
}

#[derive(Default)]
struct Row {
    /// Path relative to the corpus directory.
    rel: String,
    spec: PathBuf,
    /// Scratch crate directory name (the spec's stem, made unique).
    stem: String,
    krate: String,
    openapi: String,
    operations: usize,
    types: usize,
    gen_ms: u128,
    fallbacks: usize,
    gen_error: Option<String>,
    check: Check,
    errors: usize,
    warnings: usize,
    /// Rendered compiler diagnostics, in order.
    diagnostics: Vec<String>,
    cases: Vec<Case>,
    /// Round-trip outcome per case that was run (index into `cases`).
    results: BTreeMap<usize, Value>,
    roundtrip_error: Option<String>,
}

impl Row {
    fn dir(&self) -> PathBuf {
        corpus_dir().join(&self.stem)
    }

    fn failed(&self) -> bool {
        self.gen_error.is_some() || !matches!(self.check, Check::Ok) || self.roundtrip_error.is_some()
    }

    fn check_cell(&self) -> String {
        if let Some(e) = &self.gen_error {
            return format!("FAIL: generate: {e}");
        }
        match &self.check {
            Check::NotRun => "not run".into(),
            Check::Ok => "ok".into(),
            Check::Failed(s) => s.clone(),
        }
    }

    fn runnable_cases(&self) -> usize {
        self.cases.iter().filter(|c| c.rust_type.is_ok()).count()
    }

    fn examples_cell(&self) -> String {
        let total = self.cases.len();
        if total == 0 {
            return "-".into();
        }
        let skipped = total - self.runnable_cases();
        if let Some(e) = &self.roundtrip_error {
            return format!("{total}: FAIL: {e}");
        }
        let ok = self.results.values().filter(|r| r["result"] == "ok").count();
        let failed = self.results.len() - ok;
        let not_run = self.runnable_cases() - self.results.len();
        let mut s = format!("{total}: {ok} ok, {failed} failed");
        if skipped > 0 {
            s.push_str(&format!(", {skipped} skipped"));
        }
        if not_run > 0 {
            s.push_str(&format!(", {not_run} not run"));
        }
        s
    }
}

fn corpus_dir() -> PathBuf {
    repo_root().join("target").join("corpus")
}

fn corpus_target_dir() -> PathBuf {
    repo_root().join("target").join("corpus-target")
}

pub fn run(opts: Options) -> Result<(), String> {
    let started = Instant::now();
    let jobs = opts.jobs.unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2)).max(1);
    let dirs: Vec<PathBuf> = if opts.dirs.is_empty() {
        vec![repo_root().join("..").join("shared").join("corpus")]
    } else {
        opts.dirs.clone()
    };
    let dirs: Vec<PathBuf> = dirs.into_iter().map(|d| fs::canonicalize(&d).unwrap_or(d)).collect();
    let mut rows = find_specs(&dirs)?;
    if let Some(only) = &opts.only {
        rows.retain(|r| r.rel.contains(only.as_str()));
    }
    if rows.is_empty() {
        return Err("corpus: no specs found (or none matched the filters)".into());
    }
    let out = corpus_dir();
    fs::create_dir_all(out.join("logs")).map_err(|e| format!("cannot create {}: {e}", out.display()))?;

    // 1. Generate.
    let t = Instant::now();
    generate_all(&mut rows, &opts, jobs)?;
    let gen_wall = t.elapsed();
    let generated = rows.iter().filter(|r| r.gen_error.is_none()).count();
    eprintln!("corpus: generated {generated} of {} crates in {:.1}s", rows.len(), gen_wall.as_secs_f64());

    // 2. Check.
    let t = Instant::now();
    let ok_rows: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].gen_error.is_none()).collect();
    if !ok_rows.is_empty() && (opts.keep_going || ok_rows.len() == rows.len()) {
        match opts.mode {
            CheckMode::Workspace => {
                write_workspace(&rows, &ok_rows)?;
                check_workspace(&mut rows, &ok_rows, jobs, opts.keep_going)?
            }
            CheckMode::PerCrate => check_per_crate(&mut rows, &ok_rows, jobs, opts.keep_going)?,
        }
    }
    let check_wall = t.elapsed();
    eprintln!("corpus: cargo check ({:?} mode) took {:.1}s", opts.mode, check_wall.as_secs_f64());

    // 3. Example round-trips.
    let mut rt_wall = Duration::ZERO;
    if opts.examples {
        let t = Instant::now();
        let with_cases: Vec<usize> = (0..rows.len())
            // Warnings fail a spec but do not stop its types from building.
            .filter(|&i| rows[i].gen_error.is_none() && !matches!(rows[i].check, Check::NotRun) && rows[i].errors == 0)
            .filter(|&i| rows[i].runnable_cases() > 0 && rows[i].roundtrip_error.is_none())
            .collect();
        if !with_cases.is_empty() {
            roundtrip(&mut rows, &with_cases, jobs, opts.mode)?;
        }
        rt_wall = t.elapsed();
        eprintln!("corpus: example round-trips took {:.1}s", rt_wall.as_secs_f64());
    }

    // 4. Report.
    for r in &rows {
        let log = r.diagnostics.join("\n");
        let _ = fs::write(out.join("logs").join(format!("{}.check.txt", r.stem)), log);
    }
    let table = table(&rows, opts.examples);
    print!("{table}");
    let passed = rows.iter().filter(|r| !r.failed()).count();
    let failed = rows.len() - passed;
    let timings = format!(
        "generate {:.1}s, check {:.1}s ({:?} mode, {jobs} jobs), round-trips {:.1}s, total {:.1}s",
        gen_wall.as_secs_f64(),
        check_wall.as_secs_f64(),
        opts.mode,
        rt_wall.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    let mut md = String::from("# Corpus report\n\nGenerated by `cargo xtask corpus`.\n\n");
    md.push_str(&table);
    md.push_str(&format!("\nTimings: {timings}.\n\ncorpus: {passed} passed, {failed} failed\n"));
    fs::write(out.join("report.md"), md).map_err(|e| format!("cannot write report.md: {e}"))?;
    if opts.examples {
        fs::write(out.join("examples.md"), examples_report(&rows)).map_err(|e| format!("cannot write examples.md: {e}"))?;
    }
    eprintln!("corpus: {timings}; reports in {}", out.display());
    println!("corpus: {passed} passed, {failed} failed");
    if failed > 0 {
        Err(format!("corpus: see {}", out.join("report.md").display()))
    } else {
        Ok(())
    }
}

// ---------------------------------------------------------------- specs

fn find_specs(dirs: &[PathBuf]) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    for dir in dirs {
        if !dir.is_dir() {
            return Err(format!("corpus: {} is not a directory", dir.display()));
        }
        let mut files = Vec::new();
        walk(dir, &mut files);
        files.sort();
        for f in files {
            let rel = f.strip_prefix(dir).unwrap_or(&f).to_string_lossy().replace('\\', "/");
            rows.push(Row { rel, spec: f, ..Row::default() });
        }
    }
    // Crate directory and package names, unique.
    let mut taken = std::collections::BTreeSet::new();
    for r in &mut rows {
        let stem = r.spec.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
        let mut name = stem.clone();
        let mut n = 2;
        while !taken.insert(name.clone()) {
            name = format!("{stem}-{n}");
            n += 1;
        }
        // `snake` prefixes a leading digit with `_`; the `corpus-` prefix
        // already makes the name start with a letter.
        let words: Vec<String> = snake(&name).split('_').filter(|w| !w.is_empty()).map(str::to_string).collect();
        r.krate = format!("corpus-{}", words.join("-"));
        r.stem = name;
    }
    Ok(rows)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if matches!(p.extension().and_then(|e| e.to_str()), Some("json" | "yaml" | "yml")) {
            out.push(p);
        }
    }
}

// ---------------------------------------------------------------- generate

fn generate_all(rows: &mut [Row], opts: &Options, jobs: usize) -> Result<(), String> {
    let next = AtomicUsize::new(0);
    let stop = std::sync::atomic::AtomicBool::new(false);
    let slots: Vec<Mutex<&mut Row>> = rows.iter_mut().map(Mutex::new).collect();
    std::thread::scope(|s| {
        for _ in 0..jobs.min(slots.len()) {
            s.spawn(|| loop {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(slot) = slots.get(i) else { break };
                let mut row = slot.lock().unwrap_or_else(|p| p.into_inner());
                generate_one(&mut row, opts);
                if let Some(e) = &row.gen_error {
                    eprintln!("corpus: {}: {e}", row.rel);
                    if !opts.keep_going {
                        stop.store(true, Ordering::Relaxed);
                    }
                }
            });
        }
    });
    Ok(())
}

fn panic_message(p: Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".into()
    }
}

fn generate_one(row: &mut Row, opts: &Options) {
    let start = Instant::now();
    let display = row.spec.display().to_string();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| -> Result<_, String> {
        let lowered = clientgen::lower_file(&row.spec, &display).map_err(|d| d.to_string())?;
        let files = crate::generate::crate_files(&lowered.api, &display, Some(&row.krate))?;
        Ok((lowered, files))
    }));
    row.gen_ms = start.elapsed().as_millis();
    let (lowered, mut files) = match result {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => {
            row.gen_error = Some(first_line(&e));
            return;
        }
        Err(p) => {
            row.gen_error = Some(format!("panicked: {}", panic_message(p)));
            return;
        }
    };
    let api = &lowered.api;
    row.openapi = api.openapi_version.clone();
    row.operations = api.operations.len();
    row.types = api.types.len();
    row.fallbacks = api.warnings.len();
    let fallbacks: String = lowered.warnings.iter().map(|w| format!("{w}\n")).collect();
    let _ = fs::write(corpus_dir().join("logs").join(format!("{}.fallbacks.txt", row.stem)), fallbacks);

    for f in files.iter_mut().filter(|f| f.path == Path::new("Cargo.toml")) {
        match opts.mode {
            // A member of the scratch workspace, not a workspace of its own.
            CheckMode::Workspace => f.contents = f.contents.replace("\n[workspace]\n", "\n"),
            // Standalone, with the scratch workspace's profile so that the
            // dependencies built in either mode are the same artifacts.
            CheckMode::PerCrate => f.contents.push_str(PROFILE),
        }
    }
    let dir = row.dir();
    if let Err(e) = clientgen::write::write(&dir, &files) {
        row.gen_error = Some(format!("cannot write {}: {e}", dir.display()));
        return;
    }
    seed_lockfile(&dir.join("Cargo.lock"));

    // Round-trip program and its cases.
    let examples_dir = dir.join("examples");
    let _ = fs::remove_dir_all(&examples_dir);
    let _ = fs::remove_file(dir.join("roundtrip.json"));
    if opts.examples {
        row.cases = collect_cases(api, &row.krate);
        if row.runnable_cases() > 0 {
            let program = roundtrip_program(row);
            let cases: Vec<&Value> = row.cases.iter().filter(|c| c.rust_type.is_ok()).map(|c| &c.value).collect();
            let written = fs::create_dir_all(&examples_dir)
                .and_then(|()| fs::write(examples_dir.join(format!("{}.rs", example_name(&row.krate))), program))
                .and_then(|()| fs::write(dir.join("roundtrip.json"), serde_json::to_string_pretty(&cases).unwrap_or_default()));
            if let Err(e) = written {
                row.roundtrip_error = Some(format!("cannot write the round-trip program: {e}"));
            }
        }
    }
}

fn first_line(s: &str) -> String {
    s.lines().find(|l| !l.trim().is_empty()).unwrap_or("").trim().to_string()
}

/// Starts a scratch lockfile from the repository's, so the crates resolve to
/// the dependency versions already in use (and already downloaded).
fn seed_lockfile(path: &Path) {
    if !path.exists() {
        let _ = fs::copy(repo_root().join("Cargo.lock"), path);
    }
}

// ---------------------------------------------------------------- check

fn write_workspace(rows: &[Row], members: &[usize]) -> Result<(), String> {
    let mut toml = String::from(
        "# @generated by `cargo xtask corpus`: scratch workspace of generated crates.\n[workspace]\nresolver = \"2\"\nmembers = [\n",
    );
    for &i in members {
        toml.push_str(&format!("    {},\n", serde_json::to_string(&rows[i].stem).unwrap_or_default()));
    }
    toml.push(']');
    toml.push_str(PROFILE);
    let dir = corpus_dir();
    let path = dir.join("Cargo.toml");
    if fs::read_to_string(&path).ok().as_deref() != Some(toml.as_str()) {
        fs::write(&path, toml).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    seed_lockfile(&dir.join("Cargo.lock"));
    Ok(())
}

/// The scratch crates' profile: debug info only slows the round-trip build.
const PROFILE: &str = "\n\n[profile.dev]\ndebug = false\n";

/// What one cargo invocation with `--message-format=json` reported.
#[derive(Default)]
struct CargoRun {
    success: bool,
    stderr: String,
    /// Compiler messages per manifest directory.
    messages: BTreeMap<PathBuf, Vec<Value>>,
    /// `(manifest dir, executable)` of every example built.
    examples: Vec<(PathBuf, PathBuf)>,
}

fn cargo_json(args: &[String], dir: &Path) -> Result<CargoRun, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut child = Command::new(cargo)
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", corpus_target_dir())
        .env_remove("RUSTFLAGS")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let stderr = child.stderr.take().expect("piped");
    // Cargo's progress goes to stderr: keep it flowing (and keep a copy).
    let err_thread = std::thread::spawn(move || {
        let mut kept = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            eprintln!("  {line}");
            kept.push_str(&line);
            kept.push('\n');
        }
        kept
    });
    let mut run = CargoRun::default();
    let stdout = child.stdout.take().expect("piped");
    for line in BufReader::new(stdout).lines().map_while(Result::ok) {
        let Ok(msg) = serde_json::from_str::<Value>(&line) else { continue };
        let manifest_dir = || {
            msg["manifest_path"].as_str().and_then(|p| Path::new(p).parent()).map(Path::to_path_buf).unwrap_or_default()
        };
        match msg["reason"].as_str() {
            Some("compiler-message") => run.messages.entry(manifest_dir()).or_default().push(msg["message"].clone()),
            Some("compiler-artifact") => {
                let is_example = msg["target"]["kind"].as_array().is_some_and(|k| k.iter().any(|k| k == "example"));
                if let (true, Some(exe)) = (is_example, msg["executable"].as_str()) {
                    run.examples.push((manifest_dir(), PathBuf::from(exe)));
                }
            }
            Some("build-finished") => run.success = msg["success"].as_bool().unwrap_or(false),
            _ => {}
        }
    }
    let status = child.wait().map_err(|e| format!("cargo: {e}"))?;
    run.stderr = err_thread.join().unwrap_or_default();
    run.success &= status.success();
    Ok(run)
}

/// Whether a compiler message is a summary (`aborting due to ...`,
/// `N warnings emitted`) rather than a diagnostic of its own.
fn is_summary(m: &Value) -> bool {
    let text = m["message"].as_str().unwrap_or("");
    m["spans"].as_array().is_some_and(|s| s.is_empty())
        && (text.starts_with("aborting due to") || text.contains("warnings emitted") || text.contains("warning emitted"))
}

/// Records a crate's compiler messages on its row.
fn attribute(row: &mut Row, messages: &[Value]) {
    let mut first_error = None;
    for m in messages.iter().filter(|m| !is_summary(m)) {
        let level = m["level"].as_str().unwrap_or("");
        row.diagnostics.push(m["rendered"].as_str().unwrap_or("").to_string());
        match level {
            "error" | "error: internal compiler error" => {
                row.errors += 1;
                if first_error.is_none() {
                    let span = m["spans"]
                        .as_array()
                        .and_then(|s| s.iter().find(|s| s["is_primary"] == true))
                        .map(|s| format!(" ({}:{})", s["file_name"].as_str().unwrap_or(""), s["line_start"]))
                        .unwrap_or_default();
                    first_error = Some(format!("{}{span}", m["message"].as_str().unwrap_or("")));
                }
            }
            "warning" => row.warnings += 1,
            _ => {}
        }
    }
    row.check = if let Some(first) = first_error {
        Check::Failed(format!("FAIL: {first} ({} errors, {} warnings)", row.errors, row.warnings))
    } else if row.warnings > 0 {
        Check::Failed(format!("warnings: {}", row.warnings))
    } else {
        Check::Ok
    };
}

fn check_workspace(rows: &mut [Row], members: &[usize], jobs: usize, keep_going: bool) -> Result<(), String> {
    let mut args: Vec<String> = ["check", "--workspace", "--message-format=json", "-j"].map(String::from).to_vec();
    args.push(jobs.to_string());
    if keep_going {
        args.push("--keep-going".into());
    }
    let run = cargo_json(&args, &corpus_dir())?;
    for &i in members {
        let dir = rows[i].dir();
        let messages = run.messages.get(&dir).cloned().unwrap_or_default();
        attribute(&mut rows[i], &messages);
    }
    if !run.success {
        // A failure no crate's messages explain (bad manifest, resolution,
        // a crate not built because another failed without --keep-going).
        let why = run.stderr.lines().rev().find(|l| l.starts_with("error")).unwrap_or("cargo check failed").to_string();
        for &i in members {
            if matches!(rows[i].check, Check::Ok) && !run.messages.contains_key(&rows[i].dir()) && !built_cleanly(&run, &rows[i]) {
                rows[i].check = Check::Failed(format!("FAIL: cargo: {why}"));
            }
        }
    }
    Ok(())
}

/// Whether cargo reported this crate's library as built (so a failed run
/// was somebody else's failure).
fn built_cleanly(run: &CargoRun, row: &Row) -> bool {
    run.stderr.contains(&format!("Checking {} ", row.krate)) && !run.stderr.contains(&format!("could not compile `{}`", row.krate))
}

fn check_per_crate(rows: &mut [Row], members: &[usize], jobs: usize, keep_going: bool) -> Result<(), String> {
    for &i in members {
        let manifest = rows[i].dir().join("Cargo.toml");
        let args: Vec<String> = vec![
            "check".into(),
            "--message-format=json".into(),
            "-j".into(),
            jobs.to_string(),
            "--manifest-path".into(),
            manifest.display().to_string(),
        ];
        let t = Instant::now();
        let run = cargo_json(&args, &rows[i].dir())?;
        eprintln!("corpus: checked {} in {:.1}s", rows[i].rel, t.elapsed().as_secs_f64());
        let messages = run.messages.get(&rows[i].dir()).cloned().unwrap_or_default();
        attribute(&mut rows[i], &messages);
        if !run.success && matches!(rows[i].check, Check::Ok) {
            let why = run.stderr.lines().rev().find(|l| l.starts_with("error")).unwrap_or("cargo check failed").to_string();
            rows[i].check = Check::Failed(format!("FAIL: cargo: {why}"));
        }
        if !keep_going && !matches!(rows[i].check, Check::Ok) {
            break;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- examples

fn status_text(s: StatusMatch) -> String {
    match s {
        StatusMatch::Code(c) => c.to_string(),
        StatusMatch::Range(r) => format!("{r}XX"),
        StatusMatch::Default => "default".into(),
    }
}

/// Marks a case whose example the spec wrote as a string holding JSON.
const STRING_ENCODED: &str = " [string-encoded in the spec]";

fn escape_pointer(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// Every JSON example of the API with the Rust type of its position.
fn collect_cases(api: &ir::Api, krate: &str) -> Vec<Case> {
    let krate = krate.replace('-', "_");
    let names: BTreeMap<&str, &str> = api.types.iter().map(|d| (d.key.as_str(), d.name.as_str())).collect();
    let mut cases = Vec::new();
    let containers: BTreeMap<&str, bool> = api
        .types
        .iter()
        .map(|d| (d.key.as_str(), matches!(&d.kind, TypeKind::Struct(_) | TypeKind::Union(_))))
        .collect();
    // Whether a position holds a JSON object or array (never a string).
    let container = |t: &TypeRef| match t.non_null() {
        TypeRef::Named(key) => containers.get(key.as_str()).copied().unwrap_or(false),
        TypeRef::Array(_) | TypeRef::Map(_) => true,
        _ => false,
    };
    let mut push = |origin: String, t: Option<&TypeRef>, ty: Result<String, String>, examples: &[Value]| {
        for (n, v) in examples.iter().enumerate() {
            let mut origin = format!("{origin} (example {n})");
            let mut value = v.clone();
            // Some specs (Atlassian's) write each example as a string holding
            // the JSON document: decode that document instead.
            if let (Some(text), Some(t)) = (v.as_str(), t) {
                let inner = serde_json::from_str::<Value>(text).ok().filter(|i| i.is_object() || i.is_array());
                if let (true, Some(inner)) = (container(t), inner) {
                    value = inner;
                    origin.push_str(STRING_ENCODED);
                }
            }
            cases.push(Case { origin, rust_type: ty.clone(), value });
        }
    };
    for def in &api.types {
        let t = TypeRef::Named(def.key.clone());
        push(def.key.clone(), Some(&t), rust_type(&t, &names, &krate), &def.examples);
    }
    for op in &api.operations {
        if let Some(body) = &op.body {
            let origin = format!("{}/requestBody/content/{}", op.pointer, escape_pointer(&body.content_type));
            let ty = match &body.ty {
                Some(t) => rust_type(t, &names, &krate),
                None => Err("raw body".into()),
            };
            push(origin, body.ty.as_ref(), ty, &body.examples);
        }
        for resp in &op.responses {
            let origin = format!("{}/responses/{}", op.pointer, status_text(resp.status));
            let body_type = match &resp.body {
                ResponseBody::Json(t) => Some(t),
                _ => None,
            };
            let ty = match &resp.body {
                ResponseBody::Json(t) => rust_type(t, &names, &krate),
                ResponseBody::Empty => Err("no body type".into()),
                ResponseBody::Text => Err("text body".into()),
                ResponseBody::Raw => Err("raw body".into()),
            };
            push(origin, body_type, ty, &resp.examples);
        }
    }
    cases
}

/// The Rust type of a position, as seen from the round-trip program; `Err`
/// (a reason to skip) when the position is untyped.
fn rust_type(t: &TypeRef, names: &BTreeMap<&str, &str>, krate: &str) -> Result<String, String> {
    match t.non_null() {
        TypeRef::Any | TypeRef::Object => return Err("untyped".into()),
        TypeRef::Named(key) if !names.contains_key(key.as_str()) => return Err(format!("unresolved type {key}")),
        _ => {}
    }
    fn go(t: &TypeRef, names: &BTreeMap<&str, &str>, krate: &str) -> String {
        match t {
            TypeRef::Named(key) => match names.get(key.as_str()) {
                Some(name) => format!("{krate}::api::types::{}", ident_text(name)),
                None => "serde_json::Value".into(),
            },
            TypeRef::Primitive(p) => match p {
                Primitive::String | Primitive::Binary => "String".into(),
                Primitive::Bool => "bool".into(),
                Primitive::I32 => "i32".into(),
                Primitive::I64 => "i64".into(),
                Primitive::U64 => "u64".into(),
                Primitive::F32 => "f32".into(),
                Primitive::F64 => "f64".into(),
                Primitive::Uuid => "uuid::Uuid".into(),
                Primitive::DateTime => format!("{krate}::runtime::DateTime"),
                Primitive::Date => format!("{krate}::runtime::Date"),
            },
            TypeRef::Array(inner) => format!("Vec<{}>", go(inner, names, krate)),
            TypeRef::Map(inner) => format!("std::collections::BTreeMap<String, {}>", go(inner, names, krate)),
            TypeRef::Nullable(inner) => format!("Option<{}>", go(inner, names, krate)),
            TypeRef::Any => "serde_json::Value".into(),
            TypeRef::Object => "serde_json::Map<String, serde_json::Value>".into(),
        }
    }
    Ok(go(t, names, krate))
}

fn example_name(krate: &str) -> String {
    format!("roundtrip_{}", krate.replace('-', "_"))
}

/// The round-trip program: decodes each case of `roundtrip.json` (path given
/// as the first argument) into its type, re-encodes it and prints one JSON
/// line per case.
fn roundtrip_program(row: &Row) -> String {
    let mut types: Vec<&str> = Vec::new();
    let mut case_type = Vec::new();
    for c in &row.cases {
        if let Ok(t) = &c.rust_type {
            let idx = types.iter().position(|x| *x == t.as_str()).unwrap_or_else(|| {
                types.push(t);
                types.len() - 1
            });
            case_type.push(idx);
        }
    }
    let mut s = format!(
        "// @generated by `cargo xtask corpus` (not by the generator): example\n// round-trips for {}. Do not edit by hand.\n\n",
        row.rel
    );
    s.push_str(ROUNDTRIP_PRELUDE);
    s.push_str("\nconst CHECKS: &[fn(&Value) -> Value] = &[\n");
    for t in &types {
        let _ = writeln!(s, "    round_trip::<{t}>,");
    }
    s.push_str("];\n\nconst CASE_CHECK: &[usize] = &[");
    s.push_str(&case_type.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(", "));
    s.push_str("];\n");
    s
}

const ROUNDTRIP_PRELUDE: &str = r#"use std::io::Write;

use serde_json::{json, Value};

fn main() {
    let path = std::env::args().nth(1).expect("usage: roundtrip CASES.json");
    let text = std::fs::read_to_string(&path).expect("cannot read the cases");
    let cases: Vec<Value> = serde_json::from_str(&text).expect("cases are JSON");
    std::panic::set_hook(Box::new(|_| {}));
    let mut out = std::io::stdout().lock();
    for (i, v) in cases.iter().enumerate() {
        let check = CHECKS[CASE_CHECK[i]];
        let mut line = match std::panic::catch_unwind(|| check(v)) {
            Ok(line) => line,
            Err(p) => {
                let msg = p.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| p.downcast_ref::<String>().cloned());
                json!({"result": "panic", "error": msg})
            }
        };
        line["case"] = json!(i);
        writeln!(out, "{line}").expect("stdout");
    }
}

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(v: &Value) -> Value {
    let decoded: T = match serde_path_to_error::deserialize(v.clone()) {
        Ok(t) => t,
        Err(e) => return json!({"result": "decode", "path": e.path().to_string(), "error": e.inner().to_string()}),
    };
    let back = match serde_json::to_value(&decoded) {
        Ok(b) => b,
        Err(e) => return json!({"result": "encode", "error": e.to_string()}),
    };
    match first_difference(v, &back, String::new()) {
        None => json!({"result": "ok"}),
        Some((pointer, expected, actual)) => {
            // An absent side has no key at all (`null` is a present null).
            let mut line = json!({"result": "mismatch", "pointer": pointer});
            if let Some(e) = expected {
                line["expected"] = e;
            }
            if let Some(a) = actual {
                line["actual"] = a;
            }
            line
        }
    }
}

/// The first place where `a` and `b` differ: its JSON pointer and the two
/// values there (`None` = absent). Numbers compare by value (`1` == `1.0`).
fn first_difference(a: &Value, b: &Value, at: String) -> Option<(String, Option<Value>, Option<Value>)> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                match (x.get(k), y.get(k)) {
                    (Some(u), Some(v)) => {
                        if let Some(d) = first_difference(u, v, p) {
                            return Some(d);
                        }
                    }
                    (u, v) => return Some((p, u.cloned(), v.cloned())),
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) => {
            for i in 0..x.len().max(y.len()) {
                let p = format!("{at}/{i}");
                match (x.get(i), y.get(i)) {
                    (Some(u), Some(v)) => {
                        if let Some(d) = first_difference(u, v, p) {
                            return Some(d);
                        }
                    }
                    (u, v) => return Some((p, u.cloned(), v.cloned())),
                }
            }
            None
        }
        (Value::Number(x), Value::Number(y)) => {
            let same = x == y || (x.as_f64().is_some() && x.as_f64() == y.as_f64());
            (!same).then(|| (at, Some(a.clone()), Some(b.clone())))
        }
        _ => (a != b).then(|| (at, Some(a.clone()), Some(b.clone()))),
    }
}
"#;

fn roundtrip(rows: &mut [Row], with_cases: &[usize], jobs: usize, mode: CheckMode) -> Result<(), String> {
    // Types only (`--no-default-features`): the per-tag client code is not
    // needed to decode examples.
    let base: Vec<String> = ["build", "--message-format=json", "--keep-going", "--examples", "--no-default-features", "-j"]
        .map(String::from)
        .into_iter()
        .chain([jobs.to_string()])
        .collect();
    let mut run = CargoRun::default();
    match mode {
        CheckMode::Workspace => {
            let mut args = base.clone();
            for &i in with_cases {
                args.extend(["-p".into(), rows[i].krate.clone()]);
            }
            run = cargo_json(&args, &corpus_dir())?;
        }
        CheckMode::PerCrate => {
            for &i in with_cases {
                let mut args = base.clone();
                args.extend(["--manifest-path".into(), rows[i].dir().join("Cargo.toml").display().to_string()]);
                let one = cargo_json(&args, &rows[i].dir())?;
                run.messages.extend(one.messages);
                run.examples.extend(one.examples);
            }
        }
    }
    let mut to_run = Vec::new();
    for &i in with_cases {
        let dir = rows[i].dir();
        let errors: Vec<&Value> = run
            .messages
            .get(&dir)
            .map(|ms| ms.iter().filter(|m| m["level"] == "error" && !is_summary(m)).collect())
            .unwrap_or_default();
        if let Some(first) = errors.first() {
            rows[i].roundtrip_error = Some(format!("round-trip build: {} ({} errors)", first["message"].as_str().unwrap_or(""), errors.len()));
            rows[i].diagnostics.push("--- round-trip build (--no-default-features --examples) ---".into());
            rows[i].diagnostics.extend(errors.iter().map(|m| m["rendered"].as_str().unwrap_or("").to_string()));
            continue;
        }
        match run.examples.iter().find(|(d, _)| *d == dir) {
            Some((_, exe)) => to_run.push((i, exe.clone())),
            None => rows[i].roundtrip_error = Some("round-trip build: no executable".into()),
        }
    }
    // Run the programs, `jobs` at a time.
    let next = AtomicUsize::new(0);
    let outcomes: Mutex<Vec<(usize, Result<String, String>)>> = Mutex::new(Vec::new());
    let rows_ref = &*rows;
    std::thread::scope(|s| {
        for _ in 0..jobs.min(to_run.len()) {
            s.spawn(|| loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                let Some((i, exe)) = to_run.get(k) else { break };
                let cases = rows_ref[*i].dir().join("roundtrip.json");
                let out = Command::new(exe).arg(&cases).output();
                let r = match out {
                    Ok(o) if o.status.success() => Ok(String::from_utf8_lossy(&o.stdout).into_owned()),
                    Ok(o) => Err(format!("round-trip program exited with {}: {}", o.status, first_line(&String::from_utf8_lossy(&o.stderr)))),
                    Err(e) => Err(format!("cannot run {}: {e}", exe.display())),
                };
                outcomes.lock().unwrap_or_else(|p| p.into_inner()).push((*i, r));
            });
        }
    });
    for (i, r) in outcomes.into_inner().unwrap_or_else(|p| p.into_inner()) {
        match r {
            Err(e) => rows[i].roundtrip_error = Some(e),
            Ok(stdout) => {
                // Case indices of the program count runnable cases only.
                let runnable: Vec<usize> = (0..rows[i].cases.len()).filter(|&c| rows[i].cases[c].rust_type.is_ok()).collect();
                for line in stdout.lines() {
                    let Ok(v) = serde_json::from_str::<Value>(line) else { continue };
                    if let Some(&c) = v["case"].as_u64().and_then(|k| runnable.get(k as usize)) {
                        rows[i].results.insert(c, v);
                    }
                }
            }
        }
    }
    Ok(())
}

/// A first guess at whose bug a round-trip failure is, for triage.
fn hint(r: &Value) -> &'static str {
    let error = r["error"].as_str().unwrap_or("");
    match r["result"].as_str().unwrap_or("") {
        "decode" if error.starts_with("missing field") => "example lacks a required property (spec example incomplete?)",
        "decode" if error.starts_with("unknown variant") => "value not in the enum (spec example or enum incomplete?)",
        "decode" if error.starts_with("unknown field") => "property not in the schema, additionalProperties: false",
        "decode" if error.starts_with("invalid type: null") => "null where the schema is not nullable (spec example?)",
        "decode" if error.starts_with("invalid type") => "JSON type differs from the schema's (spec example or type mapping?)",
        "decode" if error.contains("did not match any variant") => "no union variant accepts it (spec or union lowering?)",
        "decode" => "decode error: needs triage",
        "mismatch" if r.get("actual").is_none() && r.get("expected") == Some(&Value::Null) => {
            "null dropped: the property is optional but not nullable (spec example?)"
        }
        "mismatch" if r.get("actual").is_none() => {
            "property lost on re-encoding (not declared, dropped by a struct with additionalProperties: false, or a wrong untagged-union variant?)"
        }
        "mismatch" if r.get("expected").is_none() => "property added on re-encoding (default or tag? generator?)",
        "mismatch" if r["expected"].is_string() && r["actual"].is_string() => "string re-formatted (date-time/uuid normalization?)",
        "mismatch" if r["expected"].is_number() => "number changed (f32 precision or integer type?)",
        "mismatch" => "values differ: needs triage",
        "panic" => "panicked while decoding (generator bug)",
        _ => "needs triage",
    }
}

fn md_cell(s: &str) -> String {
    let one_line: String = s.replace('\n', " ").replace('|', "\\|");
    if one_line.chars().count() > 160 {
        format!("{}…", one_line.chars().take(160).collect::<String>())
    } else {
        one_line
    }
}

fn table(rows: &[Row], examples: bool) -> String {
    let mut s = String::from("| spec | openapi | ops | types | gen ms | check | fallbacks |");
    s.push_str(if examples { " examples (total: ok, failed, skipped) |\n" } else { "\n" });
    s.push_str("|---|---|---:|---:|---:|---|---:|");
    s.push_str(if examples { "---|\n" } else { "\n" });
    for r in rows {
        let _ = write!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} |",
            r.rel,
            r.openapi,
            r.operations,
            r.types,
            r.gen_ms,
            md_cell(&r.check_cell()),
            r.fallbacks
        );
        if examples {
            let _ = write!(s, " {} |", md_cell(&r.examples_cell()));
        }
        s.push('\n');
    }
    s
}

fn examples_report(rows: &[Row]) -> String {
    let mut s = String::from(
        "# Example round-trips\n\nGenerated by `cargo xtask corpus`. Each JSON example attached to a schema, request body or response is decoded into the generated type of its position, re-encoded and compared (numbers by value). Failures need triage: a spec example that violates its own schema, or a generator bug. The hint is a guess from the error text.\n\n",
    );
    s.push_str("| spec | examples | ok | failed | skipped |\n|---|---:|---:|---:|---:|\n");
    for r in rows.iter().filter(|r| !r.cases.is_empty()) {
        let ok = r.results.values().filter(|v| v["result"] == "ok").count();
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            r.rel,
            r.cases.len(),
            ok,
            r.results.len() - ok,
            r.cases.len() - r.runnable_cases()
        );
    }
    for r in rows.iter().filter(|r| !r.cases.is_empty()) {
        let failures: Vec<(usize, &Value)> = r.results.iter().filter(|(_, v)| v["result"] != "ok").map(|(i, v)| (*i, v)).collect();
        if failures.is_empty() && r.roundtrip_error.is_none() {
            continue;
        }
        let _ = writeln!(s, "\n## {}\n", r.rel);
        if let Some(e) = &r.roundtrip_error {
            let _ = writeln!(s, "Round-trip program failed: {e} (see `target/corpus/logs/{}.check.txt`).\n", r.stem);
        }
        if failures.is_empty() {
            continue;
        }
        s.push_str("| example | type | result | where | detail | hint (needs triage) |\n|---|---|---|---|---|---|\n");
        for (i, v) in failures {
            let c = &r.cases[i];
            let ty = c.rust_type.as_deref().unwrap_or("").replace(&format!("{}::api::types::", r.krate.replace('-', "_")), "");
            let (place, detail) = match v["result"].as_str() {
                Some("decode") => (v["path"].as_str().unwrap_or("").to_string(), v["error"].as_str().unwrap_or("").to_string()),
                Some("mismatch") => (
                    v["pointer"].as_str().unwrap_or("").to_string(),
                    format!("expected {} got {}", short(v.get("expected")), short(v.get("actual"))),
                ),
                _ => (String::new(), v["error"].to_string()),
            };
            let _ = writeln!(
                s,
                "| `{}` | `{}` | {} | `{}` | {} | {} |",
                md_cell(&c.origin),
                md_cell(&ty),
                v["result"].as_str().unwrap_or(""),
                md_cell(&place),
                md_cell(&detail),
                hint(v)
            );
        }
    }
    let unwrapped: usize = rows.iter().flat_map(|r| &r.cases).filter(|c| c.origin.ends_with(STRING_ENCODED)).count();
    if unwrapped > 0 {
        let _ = writeln!(
            s,
            "\n{unwrapped} examples were written in their spec as a string holding a JSON document where the schema wants an object or array (a spec quirk); the round-trip decodes the document inside (marked {}).",
            STRING_ENCODED.trim()
        );
    }
    // Skipped positions, summarized by reason.
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    for r in rows {
        for c in &r.cases {
            if let Err(why) = &c.rust_type {
                let why = if why.starts_with("unresolved") { "unresolved type".to_string() } else { why.clone() };
                *skipped.entry(why).or_default() += 1;
            }
        }
    }
    if !skipped.is_empty() {
        s.push_str("\n## Skipped examples\n\n| reason | count |\n|---|---:|\n");
        for (why, n) in skipped {
            let _ = writeln!(s, "| {why} | {n} |");
        }
    }
    s
}

fn short(v: Option<&Value>) -> String {
    let Some(v) = v else { return "(absent)".into() };
    let text = v.to_string();
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(60).collect::<String>())
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn message(level: &str, text: &str, spans: Value) -> Value {
        json!({"level": level, "message": text, "rendered": format!("{level}: {text}"), "spans": spans})
    }

    #[test]
    fn errors_and_warnings_are_attributed_and_summaries_ignored() {
        let span = json!([{"is_primary": true, "file_name": "src/api/types.rs", "line_start": 7}]);
        let mut row = Row::default();
        attribute(
            &mut row,
            &[
                message("warning", "unused import", span.clone()),
                message("error", "mismatched types", span.clone()),
                message("error", "aborting due to 1 previous error", json!([])),
                message("warning", "1 warning emitted", json!([])),
            ],
        );
        assert_eq!((row.errors, row.warnings), (1, 1));
        assert_eq!(row.check_cell(), "FAIL: mismatched types (src/api/types.rs:7) (1 errors, 1 warnings)");

        let mut row = Row::default();
        attribute(&mut row, &[message("warning", "variable does not need to be mutable", span)]);
        assert_eq!(row.check_cell(), "warnings: 1");
        assert!(row.failed());

        let mut row = Row::default();
        attribute(&mut row, &[]);
        assert!(!row.failed());
    }

    #[test]
    fn rust_types_of_positions() {
        let names: BTreeMap<&str, &str> = [("#/components/schemas/Pet", "Pet"), ("#/components/schemas/type", "Type")].into();
        let named = |k: &str| TypeRef::Named(k.to_string());
        let ty = |t: &TypeRef| rust_type(t, &names, "corpus_x");
        assert_eq!(ty(&named("#/components/schemas/Pet")).unwrap(), "corpus_x::api::types::Pet");
        assert_eq!(
            ty(&TypeRef::Array(Box::new(TypeRef::Nullable(Box::new(named("#/components/schemas/Pet")))))).unwrap(),
            "Vec<Option<corpus_x::api::types::Pet>>"
        );
        assert_eq!(
            ty(&TypeRef::Map(Box::new(TypeRef::Primitive(Primitive::DateTime)))).unwrap(),
            "std::collections::BTreeMap<String, corpus_x::runtime::DateTime>"
        );
        assert!(ty(&TypeRef::Any).is_err());
        assert!(ty(&TypeRef::Nullable(Box::new(TypeRef::Object))).is_err());
        assert!(ty(&named("#/components/schemas/Missing")).is_err());
    }
}
