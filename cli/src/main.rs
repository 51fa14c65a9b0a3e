//! `clientgen`: typed Rust HTTP client crates from OpenAPI 3.0/3.1
//! documents. A thin shell over the `clientgen` library's pipeline
//! (`clientgen::generate::Pipeline`), the same code `cargo xtask codegen`
//! and build scripts run.

// Errors carry a `Diagnostic` and are built once per failed run, so their
// size does not matter.
#![allow(clippy::result_large_err)]

mod report;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use clientgen::config;
use clientgen::generate::{with_defaults, Action, Finished, Layout, Pipeline, RunError};
use clientgen::write::WriteOptions;
use clientgen::Diagnostic;

use report::{Exit, Failure, Reporter};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const EXIT_CODES: &str = "\
Exit codes:
  0  success (warnings do not change it)
  1  `check`: the output is stale (the stale files are listed)
  2  usage or configuration error, or the output directory needs --force
  3  the spec cannot be used (the error names file, line:col and JSON pointer)
  4  reading or writing files failed, or an internal error";

#[derive(Parser)]
#[command(
    name = "clientgen",
    version,
    about = "Generate typed Rust HTTP client crates from OpenAPI 3.0/3.1 documents",
    after_help = EXIT_CODES
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write a client crate (settings from clientgen.toml, if present, and flags).
    Generate {
        #[command(flatten)]
        target: Target,
        /// Write into a non-empty directory clientgen did not create, and over
        /// files its manifest (.clientgen-manifest) does not list. Files
        /// clientgen does not generate are never deleted.
        #[arg(long)]
        force: bool,
    },
    /// Exit 1 listing the files `generate` would change; write nothing.
    Check {
        #[command(flatten)]
        target: Target,
    },
    /// Print a spec's intermediate representation (what the emitter reads).
    Ir {
        /// The OpenAPI document (JSON or YAML).
        spec: PathBuf,
        #[arg(long, value_enum, default_value_t = IrFormat::Json)]
        format: IrFormat,
        #[command(flatten)]
        report: ReportArgs,
    },
    /// Classify the public-API changes between two versions (specs, `*.api.txt`
    /// files, or directories of them such as a crate's `api/`): breaking for
    /// Rust callers or on the wire, additive, docs only; prints a markdown
    /// report with the recommended version bump.
    Diff {
        /// The old version.
        old: PathBuf,
        /// The new version.
        new: PathBuf,
        /// Count new public struct fields as breaking (strict Cargo SemVer).
        #[arg(long)]
        strict: bool,
        #[command(flatten)]
        report: ReportArgs,
    },
    /// Write a starter clientgen.toml.
    Init {
        /// The OpenAPI document the configuration names.
        spec: Option<PathBuf>,
        /// The directory `generate` writes the crate into.
        #[arg(short, long)]
        out: Option<PathBuf>,
        /// Where to write the configuration.
        #[arg(short, long, default_value = config::FILE_NAME)]
        config: PathBuf,
        /// Overwrite an existing configuration file.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        report: ReportArgs,
    },
}

/// What to generate and where: a configuration file and flags over it.
#[derive(Args)]
struct Target {
    /// The OpenAPI document (JSON or YAML); overrides `spec` in the
    /// configuration.
    spec: Option<PathBuf>,
    /// The crate's directory (default: [output] dir, else the crate name).
    #[arg(short, long)]
    out: Option<PathBuf>,
    /// The configuration file (default: ./clientgen.toml if it exists).
    #[arg(short, long)]
    config: Option<PathBuf>,
    /// The crate's package name (default: from the spec's title).
    #[arg(long)]
    name: Option<String>,
    /// The module the client goes in (default: api).
    #[arg(long)]
    module: Option<String>,
    #[command(flatten)]
    report: ReportArgs,
}

#[derive(Args, Clone, Copy)]
struct ReportArgs {
    /// Print nothing but errors (and, for `check`, the stale files).
    #[arg(short, long)]
    quiet: bool,
    /// Print one JSON object describing the run on stdout, for CI tools.
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum IrFormat {
    Json,
    Debug,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let (name, report) = match &cli.command {
        Command::Generate { target, .. } => ("generate", target.report),
        Command::Check { target } => ("check", target.report),
        Command::Ir { report, .. } => ("ir", *report),
        Command::Diff { report, .. } => ("diff", *report),
        Command::Init { report, .. } => ("init", *report),
    };
    let mut reporter = Reporter::new(name, report.quiet, report.json);
    let result = match &cli.command {
        Command::Generate { target, force } => generate(
            target,
            Action::Write(WriteOptions { force: *force }),
            &mut reporter,
        ),
        Command::Check { target } => generate(target, Action::Check, &mut reporter),
        Command::Ir { spec, format, .. } => ir(spec, *format, &mut reporter),
        Command::Diff {
            old, new, strict, ..
        } => diff(old, new, *strict, &mut reporter),
        Command::Init {
            spec,
            out,
            config,
            force,
            ..
        } => init(
            spec.as_deref(),
            out.as_deref(),
            config,
            *force,
            &mut reporter,
        ),
    };
    let exit = match result {
        Ok(exit) => exit,
        Err(failure) => reporter.fail(failure),
    };
    reporter.finish(exit);
    ExitCode::from(exit as u8)
}

/// The configuration file (if any) with the flags laid over it, and the
/// command `@generated` headers name (the same for `generate` and `check`,
/// so `check` compares like with like).
fn settings(target: &Target) -> Result<(config::Config, String), Failure> {
    let default = Path::new(config::FILE_NAME);
    let file = match &target.config {
        Some(path) => Some(config::load(path).map_err(Failure::config)?),
        None if default.is_file() => Some(config::load(default).map_err(Failure::config)?),
        None => None,
    };
    let flags = config::Config {
        spec: target.spec.clone(),
        module: target.module.clone(),
        output: config::Output {
            dir: target.out.clone(),
            name: target.name.clone(),
            ..Default::default()
        },
        ..Default::default()
    };
    let mut command = "clientgen generate".to_string();
    if let Some(path) = &target.config {
        command.push_str(&format!(" --config {}", path.display()));
    }
    if let Some(spec) = &target.spec {
        command.push_str(&format!(" {}", spec.display()));
    }
    let merged = file.unwrap_or_default().merge(flags);
    Ok((merged, command))
}

fn generate(target: &Target, action: Action, reporter: &mut Reporter) -> Result<Exit, Failure> {
    let (config, command) = settings(target)?;
    let sources = config.apis().map_err(Failure::config)?;
    let mut progress = |p: &clientgen::generate::Progress<'_>| reporter.progress(p);
    let mut pipeline = Pipeline::new(&mut progress);
    let lowered = pipeline.lower(&sources).map_err(Failure::run)?;
    let apis: Vec<&clientgen::ir::Api> = lowered.iter().map(|l| &l.api).collect();
    let Some(first) = apis.first() else {
        return Err(Failure::new(Exit::Usage, "no spec to generate from"));
    };
    let package = with_defaults(&config.crate_options(&command, &apis), first);
    let out = config
        .output_dir()
        .unwrap_or_else(|| PathBuf::from(&package.name));
    let files = pipeline
        .emit(&sources, &lowered, &package, &Layout::Crate)
        .map_err(Failure::run)?;
    let finished = pipeline
        .finish(&out, &files, action)
        .map_err(Failure::run)?;
    let Pipeline {
        phases, warnings, ..
    } = pipeline;
    reporter.warnings(&warnings);
    reporter.phases(&phases);
    Ok(reporter.finished(&out, files.len(), &finished))
}

fn ir(spec: &Path, format: IrFormat, reporter: &mut Reporter) -> Result<Exit, Failure> {
    let sources = [clientgen::ApiSettings::new("api", spec)];
    let mut progress = |p: &clientgen::generate::Progress<'_>| reporter.progress(p);
    let mut pipeline = Pipeline::new(&mut progress);
    let lowered = pipeline.lower(&sources).map_err(Failure::run)?;
    let Pipeline {
        phases, warnings, ..
    } = pipeline;
    reporter.warnings(&warnings);
    reporter.phases(&phases);
    let Some(api) = lowered.first().map(|l| &l.api) else {
        return Err(Failure::new(Exit::Usage, "no spec"));
    };
    let text = match format {
        IrFormat::Json => serde_json::to_string_pretty(api).map_err(|e| {
            Failure::new(
                Exit::Io,
                format!("internal error: cannot render the IR: {e}"),
            )
        })?,
        IrFormat::Debug => format!("{api:#?}"),
    };
    reporter.ir(text);
    Ok(Exit::Ok)
}

fn diff(old: &Path, new: &Path, strict: bool, reporter: &mut Reporter) -> Result<Exit, Failure> {
    // Either side may be a spec: its errors name the file, pointer and line.
    let mut report =
        clientgen::surface::diff_paths(old, new).map_err(|m| Failure::new(Exit::Spec, m))?;
    report.strict = strict;
    reporter.diff(&report);
    Ok(Exit::Ok)
}

fn init(
    spec: Option<&Path>,
    out: Option<&Path>,
    path: &Path,
    force: bool,
    reporter: &mut Reporter,
) -> Result<Exit, Failure> {
    if path.exists() && !force {
        return Err(Failure::new(
            Exit::Usage,
            format!(
                "{} already exists; pass --force to overwrite it",
                path.display()
            ),
        ));
    }
    // Paths in the file are relative to its directory.
    let base = path.parent().filter(|p| !p.as_os_str().is_empty());
    let relative = |p: &Path| -> String {
        match base {
            Some(_) if p.is_relative() => std::env::current_dir()
                .unwrap_or_default()
                .join(p)
                .display()
                .to_string(),
            _ => p.display().to_string(),
        }
    };
    let mut text = String::new();
    for line in config::default_config_text().lines() {
        match (line, spec, out) {
            (l, Some(s), _) if l.starts_with("spec = ") => {
                text.push_str(&format!("spec = {}", toml_string(&relative(s))))
            }
            (l, _, Some(o)) if l.starts_with("# dir = ") => {
                text.push_str(&format!("dir = {}", toml_string(&relative(o))))
            }
            (l, _, _) => text.push_str(l),
        }
        text.push('\n');
    }
    if let Some(parent) = base {
        std::fs::create_dir_all(parent).map_err(|e| Failure::io(parent, e))?;
    }
    std::fs::write(path, text).map_err(|e| Failure::io(path, e))?;
    reporter.initialized(path);
    Ok(Exit::Ok)
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

impl Failure {
    fn config(d: Diagnostic) -> Failure {
        Failure::diagnostic(Exit::Usage, d)
    }

    fn run(e: RunError) -> Failure {
        match e {
            RunError::Spec(d) => Failure::diagnostic(Exit::Spec, d),
            RunError::Options(m) => Failure::new(Exit::Usage, m),
            RunError::Write(w) if w.needs_force() => Failure::new(Exit::Usage, w.to_string()),
            RunError::Write(w) => Failure::new(Exit::Io, w.to_string()),
            RunError::Internal(m) => Failure::new(Exit::Io, m),
        }
    }

    fn io(path: &Path, e: std::io::Error) -> Failure {
        Failure::new(Exit::Io, format!("cannot write {}: {e}", path.display()))
    }
}

impl Reporter {
    fn finished(&mut self, out: &Path, count: usize, finished: &Finished) -> Exit {
        match finished {
            Finished::Written(report) => {
                self.written(out, count, report);
                Exit::Ok
            }
            Finished::Checked(stale) => self.checked(out, count, stale),
        }
    }
}
