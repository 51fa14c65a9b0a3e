//! One generation run, phase by phase: load → lower → emit → write (or
//! check). The CLI, `cargo xtask codegen`/`generate` and build scripts
//! ([`crate::build_script`]) all go through [`Pipeline`] ([`run`] chains its
//! phases), so they cannot drift.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use crate::config::ApiSettings;
use crate::diagnostic::Diagnostic;
use crate::emit::{self, ApiModule, CrateOptions, GeneratedFile};
use crate::write::{self, Staleness, WriteError, WriteOptions, WriteReport};
use crate::Lowered;

/// The shape of the output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Layout {
    /// A crate: `Cargo.toml`, `README.md`, `src/lib.rs`, one module
    /// directory per API, and the runtime's package in `runtime/`.
    Crate,
    /// One self-contained file for `include!` (one API only): see
    /// [`emit::emit_module`].
    Module {
        /// The file's name in the output directory, e.g. `petstore.rs`.
        file: PathBuf,
    },
}

/// How to generate: everything besides the specs ([`ApiSettings`]: spec,
/// overlays, lowering options) and the output directory. `clientgen.toml`
/// fills `package` ([`crate::config::Config::crate_options`]) and the
/// specs ([`crate::config::Config::apis`]).
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

/// A run in progress: reports phases to `progress`, keeps their times and
/// the specs' warnings. The phases are public so an entry point can decide
/// between them (e.g. the crate's options once the APIs are lowered); [`run`]
/// chains them.
pub struct Pipeline<'p> {
    progress: &'p mut dyn FnMut(&Progress<'_>),
    pub phases: Vec<PhaseTime>,
    /// Load-time warnings and lowering fallbacks, in spec order.
    pub warnings: Vec<Diagnostic>,
}

impl<'p> Pipeline<'p> {
    pub fn new(progress: &'p mut dyn FnMut(&Progress<'_>)) -> Self {
        Pipeline {
            progress,
            phases: Vec::new(),
            warnings: Vec::new(),
        }
    }

    fn time<T>(&mut self, phase: Phase, subject: &str, step: impl FnOnce() -> T) -> T {
        (self.progress)(&Progress {
            phase,
            subject,
            elapsed: None,
        });
        let start = Instant::now();
        let out = step();
        let elapsed = start.elapsed();
        (self.progress)(&Progress {
            phase,
            subject,
            elapsed: Some(elapsed),
        });
        self.phases.push(PhaseTime {
            phase,
            subject: subject.to_string(),
            elapsed,
        });
        out
    }

    /// Loads and lowers every source; the first unusable spec stops the run.
    pub fn lower(&mut self, sources: &[ApiSettings]) -> Result<Vec<Lowered>, RunError> {
        if sources.is_empty() {
            return Err(RunError::Options("no spec to generate from".into()));
        }
        let mut lowered = Vec::with_capacity(sources.len());
        for source in sources {
            let loaded = self
                .time(Phase::Load, &source.spec_display, || source.load())
                .map_err(RunError::Spec)?;
            let l = self.time(Phase::Lower, &source.spec_display, || {
                source.lower_loaded(loaded)
            });
            self.warnings.extend(l.warnings.iter().cloned());
            lowered.push(l);
        }
        Ok(lowered)
    }

    /// Emits the files of `lowered` (one per source, in order).
    pub fn emit(
        &mut self,
        sources: &[ApiSettings],
        lowered: &[Lowered],
        package: &CrateOptions,
        layout: &Layout,
    ) -> Result<Vec<GeneratedFile>, RunError> {
        let modules: Vec<ApiModule<'_>> = sources
            .iter()
            .zip(lowered)
            .map(|(s, l)| ApiModule {
                module: s.module.clone(),
                spec_path: s.spec_display.clone(),
                api: &l.api,
            })
            .collect();
        let (subject, files) = match layout {
            Layout::Crate => (package.name.clone(), None),
            Layout::Module { file } => {
                if modules.len() != 1 {
                    return Err(RunError::Options(
                        "the module layout holds one API; generate one file per spec".into(),
                    ));
                }
                (file.display().to_string(), Some(file))
            }
        };
        self.time(Phase::Emit, &subject, || match (files, modules.first()) {
            (None, _) => emit::emit_crate(&modules, package),
            (Some(file), Some(m)) => emit::emit_module(m, &package.command).map(|contents| {
                vec![GeneratedFile {
                    path: file.clone(),
                    contents,
                }]
            }),
            (Some(_), None) => Err("no API to emit".into()),
        })
        .map_err(RunError::Internal)
    }

    /// Writes `files` into `out`, or compares them with it.
    pub fn finish(
        &mut self,
        out: &Path,
        files: &[GeneratedFile],
        action: Action,
    ) -> Result<Finished, RunError> {
        let subject = out.display().to_string();
        match action {
            Action::Write(w) => self
                .time(Phase::Write, &subject, || write::write_with(out, files, &w))
                .map(Finished::Written)
                .map_err(RunError::Write),
            Action::Check => Ok(Finished::Checked(self.time(Phase::Write, &subject, || {
                write::check_with_reasons(out, files)
            }))),
        }
    }
}

/// What [`Pipeline::finish`] did.
#[derive(Clone, Debug)]
pub enum Finished {
    Written(WriteReport),
    /// The stale files (empty: up to date).
    Checked(Vec<(PathBuf, Staleness)>),
}

/// Loads, lowers and emits `sources`; nothing is written.
pub fn generate(
    sources: &[ApiSettings],
    opts: &GenerateOptions,
    progress: &mut dyn FnMut(&Progress<'_>),
) -> Result<Generated, RunError> {
    let mut pipeline = Pipeline::new(progress);
    let files = generate_in(&mut pipeline, sources, opts)?;
    Ok(Generated {
        files,
        warnings: pipeline.warnings,
        phases: pipeline.phases,
    })
}

fn generate_in(
    pipeline: &mut Pipeline<'_>,
    sources: &[ApiSettings],
    opts: &GenerateOptions,
) -> Result<Vec<GeneratedFile>, RunError> {
    let lowered = pipeline.lower(sources)?;
    let Some(first) = lowered.first() else {
        return Err(RunError::Options("no spec to generate from".into()));
    };
    let package = with_defaults(&opts.package, &first.api);
    pipeline.emit(sources, &lowered, &package, &opts.layout)
}

/// `package` with an empty name or description filled in from the (first)
/// API: the package name lowering chose (`<title>-client`) and
/// `Generated client for <title> <version>`.
pub fn with_defaults(package: &CrateOptions, api: &crate::ir::Api) -> CrateOptions {
    let mut package = package.clone();
    if package.name.is_empty() {
        package.name = api.package_name.clone();
    }
    if package.description.is_empty() {
        package.description = format!("Generated client for {} {}", api.title, api.version);
    }
    package
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
    pub finished: Finished,
}

/// [`generate`], then write into or check `out`.
pub fn run(
    sources: &[ApiSettings],
    opts: &GenerateOptions,
    out: &Path,
    action: Action,
    progress: &mut dyn FnMut(&Progress<'_>),
) -> Result<Outcome, RunError> {
    let mut pipeline = Pipeline::new(progress);
    let files = generate_in(&mut pipeline, sources, opts)?;
    let finished = pipeline.finish(out, &files, action)?;
    Ok(Outcome {
        generated: Generated {
            files,
            warnings: pipeline.warnings,
            phases: pipeline.phases,
        },
        finished,
    })
}
