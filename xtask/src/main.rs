//! Project tasks: `cargo xtask <verb>`.

mod bench;
mod codegen;
mod corpus;
mod generate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Project tasks for the OpenAPI client generator"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate `generated/` from `specs/`.
    Codegen {
        /// Fail (listing the stale files) instead of writing when
        /// `generated/` differs from what the generator would write.
        #[arg(long)]
        check: bool,
        /// Write even if generated/ has no manifest of the files clientgen
        /// wrote (or holds files the manifest does not list).
        #[arg(long, conflicts_with = "check")]
        force: bool,
    },
    /// Print a spec's intermediate representation.
    Ir {
        spec: PathBuf,
        #[arg(long, value_enum, default_value_t = IrFormat::Yaml)]
        format: IrFormat,
    },
    /// Generate a standalone client crate for any OpenAPI 3.0/3.1 spec.
    Generate {
        spec: PathBuf,
        /// Directory to write the crate into (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// The crate's package name (default: from the spec's title).
        #[arg(long)]
        name: Option<String>,
        /// Write into a non-empty directory clientgen did not create, and
        /// over files its manifest does not list.
        #[arg(long)]
        force: bool,
    },
    /// Benchmark the generator (release build, separate processes) against
    /// progenitor; writes target/bench/report.md.
    Bench(bench::BenchArgs),
    /// One timed generation, for `bench` (prints JSON timings).
    #[command(hide = true)]
    BenchOne(bench::BenchOneArgs),
    /// Generate and `cargo check` a crate for every spec of a corpus, and
    /// round-trip the specs' examples; writes target/corpus/report.md.
    Corpus(corpus::Options),
}

#[derive(Clone, Copy, ValueEnum)]
enum IrFormat {
    Yaml,
    Debug,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Codegen { check, force } => codegen::run(check, force),
        Command::Ir { spec, format } => ir(&spec, format),
        Command::Generate {
            spec,
            out,
            name,
            force,
        } => generate::run(&spec, &out, name.as_deref(), force),
        Command::Bench(args) => bench::run(&args),
        Command::BenchOne(args) => bench::run_one(&args),
        Command::Corpus(opts) => corpus::run(opts),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// The repository root (xtask lives one level below it).
pub fn repo_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

fn ir(spec: &std::path::Path, format: IrFormat) -> Result<(), String> {
    let display = spec.display().to_string();
    let lowered = clientgen::lower_file(spec, &display).map_err(|d| d.to_string())?;
    for w in &lowered.warnings {
        eprintln!("{w}");
    }
    match format {
        IrFormat::Yaml => {
            // Through JSON: serde_yaml cannot write nested enums as tags.
            let value = serde_json::to_value(&lowered.api)
                .map_err(|e| format!("cannot render the IR: {e}"))?;
            let text =
                serde_yaml::to_string(&value).map_err(|e| format!("cannot render the IR: {e}"))?;
            print!("{text}");
        }
        IrFormat::Debug => println!("{:#?}", lowered.api),
    }
    Ok(())
}
