//! One generation run, phase by phase: load → lower → emit → write (or
//! check). The CLI, `cargo xtask codegen`/`generate` and build scripts
//! ([`crate::build_script`]) all go through [`run`], so they cannot drift.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::diagnostic::Diagnostic;
use crate::emit::{self, ApiModule, CrateOptions, GeneratedFile};
use crate::write::{self, Staleness, WriteError, WriteOptions, WriteReport};
use crate::Lowered;

/// One OpenAPI document, generated as one API module.
#[derive(Clone, Debug)]
pub struct ApiSource {
    /// The module name (snake_case); with [`emit::FeatureMode::PerApi`] also
    /// the cargo feature.
    pub module: String,
    /// Where to read the document.
    pub path: PathBuf,
    /// The path as shown in `@generated` headers, docs and diagnostics
    /// (relative paths keep output identical across machines).
    pub display: String,
}

impl ApiSource {
    /// A source shown as the path it is read from.
    pub fn new(module: impl Into<String>, path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        ApiSource { module: module.into(), display: path.display().to_string(), path }
    }
}

/// The shape of the output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Layout {
    /// A crate: `Cargo.toml`, `README.md`, `src/lib.rs`, `src/runtime/`, one
    /// module directory per API.
    Crate,
    /// One self-contained file for `include!` (one API only): see
    /// [`emit::emit_module`].
    Module {
        /// The file's name in the output directory, e.g. `petstore.rs`.
        file: PathBuf,
    },
}

/// How to generate: everything besides the specs and the output directory.
///
/// `clientgen.toml` fills this (through [`crate::config`] once it lands);
/// the lowering-side settings (operation selection, type replacement,
/// derives, naming overrides, overlays) are to be added here as fields and
/// applied in [`load_api`] (document-level: overlays) and [`lower_api`]
/// (IR-level).
#[derive(Clone, Debug)]
pub struct GenerateOptions {
    /// Package metadata, cargo features, and the command named in
    /// `@generated` headers (only `command` matters for [`Layout::Module`]).
    pub package: CrateOptions,
    pub layout: Layout,
}

/// A phase of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Read and parse one document, check its references.
    Load,
    /// Build the IR of one document.
    Lower,
    /// Produce every file's text.
    Emit,
    /// Write the files (or, for `check`, compare them with disk).
    Write,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Load => "load",
            Phase::Lower => "lower",
            Phase::Emit => "emit",
            Phase::Write => "write",
        }
    }
}

/// A progress event: a phase starts (`elapsed` is `None`) or ends.
#[derive(Clone, Debug)]
pub struct Progress<'a> {
    pub phase: Phase,
    /// What the phase works on: a spec's display path, or the output.
    pub subject: &'a str,
    pub elapsed: Option<Duration>,
}

/// A phase's time, kept for summaries and `--json`.
#[derive(Clone, Debug)]
pub struct PhaseTime {
    pub phase: Phase,
    pub subject: String,
    pub elapsed: Duration,
}

/// The generated files, before they touch the disk.
#[derive(Clone, Debug)]
pub struct Generated {
    /// Sorted by path, relative to the output directory.
    pub files: Vec<GeneratedFile>,
    /// Load-time warnings and lowering fallbacks of every spec.
    pub warnings: Vec<Diagnostic>,
    pub phases: Vec<PhaseTime>,
}

/// Why a run failed.
#[derive(Debug)]
pub enum RunError {
    /// A spec cannot be used (the diagnostic names file, pointer, line).
    Spec(Diagnostic),
    /// The options do not make sense (e.g. two APIs in one module file).
    Options(String),
    /// Writing failed or was refused (see [`WriteError::needs_force`]).
    Write(WriteError),
    /// A generator bug, reported instead of a panic.
    Internal(String),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Spec(d) => write!(f, "{d}"),
            RunError::Options(m) | RunError::Internal(m) => f.write_str(m),
            RunError::Write(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for RunError {}

/// Calls `progress` around one timed step and records its time.
struct Timer<'p, 'q> {
    progress: &'p mut dyn FnMut(&Progress<'_>),
    phases: &'q mut Vec<PhaseTime>,
}

impl Timer<'_, '_> {
    fn time<T>(&mut self, phase: Phase, subject: &str, step: impl FnOnce() -> T) -> T {
        (self.progress)(&Progress { phase, subject, elapsed: None });
        let start = Instant::now();
        let out = step();
        let elapsed = start.elapsed();
        (self.progress)(&Progress { phase, subject, elapsed: Some(elapsed) });
        self.phases.push(PhaseTime { phase, subject: subject.to_string(), elapsed });
        out
    }
}

/// Loads one document. Overlays, when configured, apply here.
pub fn load_api(source: &ApiSource) -> Result<crate::load::Loaded, Diagnostic> {
    crate::load::load_file(&source.path).map_err(|mut d| {
        d.file = source.display.clone();
        d
    })
}

/// Lowers one loaded document. IR-level settings, when configured, apply
/// here.
pub fn lower_api(source: &ApiSource, loaded: crate::load::Loaded) -> Lowered {
    crate::lower_loaded(loaded, &source.display)
}

/// Loads, lowers and emits `sources`; nothing is written.
pub fn generate(
    sources: &[ApiSource],
    opts: &GenerateOptions,
    progress: &mut dyn FnMut(&Progress<'_>),
) -> Result<Generated, RunError> {
    if sources.is_empty() {
        return Err(RunError::Options("no spec to generate from".into()));
    }
    if matches!(opts.layout, Layout::Module { .. }) && sources.len() > 1 {
        return Err(RunError::Options("the module layout holds one API; generate one file per spec".into()));
    }
    let mut phases = Vec::new();
    let mut timer = Timer { progress, phases: &mut phases };
    let mut lowered = Vec::with_capacity(sources.len());
    let mut warnings = Vec::new();
    for source in sources {
        let loaded = timer.time(Phase::Load, &source.display, || load_api(source)).map_err(RunError::Spec)?;
        let l = timer.time(Phase::Lower, &source.display, || lower_api(source, loaded));
        warnings.extend(l.warnings.iter().cloned());
        lowered.push(l);
    }
    let Some(first) = lowered.first() else {
        return Err(RunError::Options("no spec to generate from".into()));
    };
    let package = with_defaults(&opts.package, &first.api);
    let modules: Vec<ApiModule<'_>> = sources
        .iter()
        .zip(&lowered)
        .map(|(s, l)| ApiModule { module: s.module.clone(), spec_path: s.display.clone(), api: &l.api })
        .collect();
    let subject = match &opts.layout {
        Layout::Crate => package.name.clone(),
        Layout::Module { file } => file.display().to_string(),
    };
    let files = timer
        .time(Phase::Emit, &subject, || match &opts.layout {
            Layout::Crate => emit::emit_crate(&modules, &package),
            Layout::Module { file } => modules
                .first()
                .map(|m| emit::emit_module(m, &package.command))
                .unwrap_or_else(|| Err("no API to emit".into()))
                .map(|contents| vec![GeneratedFile { path: file.clone(), contents }]),
        })
        .map_err(RunError::Internal)?;
    Ok(Generated { files, warnings, phases })
}

/// `package` with an empty name or description filled in from the (first)
/// API: `<title>-client`, "Generated client for <title> <version>".
pub fn with_defaults(package: &CrateOptions, api: &crate::ir::Api) -> CrateOptions {
    let mut package = package.clone();
    if package.name.is_empty() {
        package.name = default_crate_name(api);
    }
    if package.description.is_empty() {
        package.description = format!("Generated client for {} {}", api.title, api.version);
    }
    package
}

/// `<title>-client`, kebab-case.
pub fn default_crate_name(api: &crate::ir::Api) -> String {
    let base = crate::lower::snake(&api.title).replace('_', "-");
    if base.is_empty() {
        "api-client".to_string()
    } else if base.starts_with(|c: char| c.is_ascii_digit()) {
        format!("api-{base}-client")
    } else {
        format!("{base}-client")
    }
}

/// What to do with the generated files.
#[derive(Clone, Copy, Debug)]
pub enum Action {
    /// Write them (see [`write::write_with`]).
    Write(WriteOptions),
    /// Compare them with disk and report what is stale; write nothing.
    Check,
}

/// A finished run.
#[derive(Debug)]
pub struct Outcome {
    pub generated: Generated,
    /// What [`Action::Write`] did.
    pub report: Option<WriteReport>,
    /// What [`Action::Check`] found stale (empty: up to date).
    pub stale: Vec<(PathBuf, Staleness)>,
}

/// [`generate`], then write into or check `out`.
pub fn run(
    sources: &[ApiSource],
    opts: &GenerateOptions,
    out: &Path,
    action: Action,
    progress: &mut dyn FnMut(&Progress<'_>),
) -> Result<Outcome, RunError> {
    let mut generated = generate(sources, opts, progress)?;
    let subject = out.display().to_string();
    let mut timer = Timer { progress, phases: &mut generated.phases };
    let files = &generated.files;
    let (report, stale) = match action {
        Action::Write(w) => {
            let report = timer.time(Phase::Write, &subject, || write::write_with(out, files, &w)).map_err(RunError::Write)?;
            (Some(report), Vec::new())
        }
        Action::Check => (None, timer.time(Phase::Write, &subject, || write::check_with_reasons(out, files))),
    };
    Ok(Outcome { generated, report, stale })
}
