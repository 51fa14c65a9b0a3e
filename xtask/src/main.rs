//! Project tasks: `cargo xtask <verb>`.

mod bench;
mod codegen;
mod corpus;
mod diff;
mod generate;
mod manifest;

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
        /// Apply the recommended version bump (in codegen.toml) and
        /// add the API change report to generated/CHANGELOG.md.
        #[arg(long, conflicts_with = "check")]
        bump: bool,
        /// Count new public struct fields as breaking (strict Cargo SemVer).
        #[arg(long)]
        strict: bool,
    },
    /// Report the public-API changes of generated/ since a git revision:
    /// breaking (Rust, wire), additive, docs only, and the version bump.
    /// With OLD NEW: compare two specs, API files or directories of them.
    Diff {
        /// The revision to compare with.
        #[arg(long, default_value = "HEAD", conflicts_with = "paths")]
        base: String,
        /// OLD NEW: specs, `*.api.txt` files, or directories of them (a
        /// generated crate's `api/`).
        #[arg(num_args = 2, value_names = ["OLD", "NEW"])]
        paths: Vec<PathBuf>,
        /// Count new public struct fields as breaking (strict Cargo SemVer).
        #[arg(long)]
        strict: bool,
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
    /// openapi-to-rust and progenitor; writes target/bench/report.md.
    Bench(bench::BenchArgs),
    /// One timed generation, for `bench` (prints JSON timings).
    #[command(hide = true)]
    BenchOne(bench::BenchOneArgs),
    /// Generate and `cargo check` a crate for every spec of a corpus, and
    /// round-trip the specs' examples; writes target/corpus/report.md.
    Corpus(corpus::Options),
    /// One generation in a child process, for `corpus` (prints JSON).
    #[command(hide = true)]
    CorpusOne(corpus::OneArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum IrFormat {
    Yaml,
    Debug,
}

fn main() -> ExitCode {
    // Run by cargo as the rustc wrapper of a bench `cargo check`: the log
    // is set and the first argument is the rustc to run.
    if let Some(log) = std::env::var_os(bench::unit::LOG_ENV) {
        let args: Vec<_> = std::env::args_os().skip(1).collect();
        if args.first().is_some_and(|a| bench::unit::is_rustc(a)) {
            return bench::unit::wrap(std::path::Path::new(&log), &args);
        }
    }
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Codegen {
            check,
            force,
            bump,
            strict,
        } => codegen::run(check, force, bump, strict),
        Command::Diff {
            base,
            paths,
            strict,
        } => match paths.as_slice() {
            [old, new] => diff::run_paths(old, new, strict),
            _ => diff::run(&base, strict),
        },
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
        Command::CorpusOne(args) => corpus::run_one(&args),
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
            let value = serde_json::to_value(&lowered.api)
                .map_err(|e| format!("cannot render the IR: {e}"))?;
            let text =
                render_yaml(&to_yaml(&value)).map_err(|e| format!("cannot render the IR: {e}"))?;
            println!("{text}");
        }
        IrFormat::Debug => println!("{:#?}", lowered.api),
    }
    Ok(())
}

/// `tree` as YAML text, multi-line strings as literal blocks where that
/// reads back the same. yaml-rust2 writes some blocks YAML cannot read (a
/// first line indented, as in GitHub's ASCII-art examples, or several
/// trailing newlines); then every string is written quoted instead.
fn render_yaml(tree: &yaml_rust2::Yaml) -> Result<String, yaml_rust2::EmitError> {
    let emit = |multiline: bool| {
        let mut text = String::new();
        let mut emitter = yaml_rust2::YamlEmitter::new(&mut text);
        emitter.multiline_strings(multiline);
        emitter.dump(tree).map(|()| text)
    };
    let text = emit(true)?;
    match yaml_rust2::YamlLoader::load_from_str(&text) {
        Ok(docs) if docs.len() == 1 && docs[0] == *tree => Ok(text),
        _ => emit(false),
    }
}

/// The IR's JSON form as a YAML tree, for printing.
fn to_yaml(v: &serde_json::Value) -> yaml_rust2::Yaml {
    use serde_json::Value;
    use yaml_rust2::Yaml;
    match v {
        Value::Null => Yaml::Null,
        Value::Bool(b) => Yaml::Boolean(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Yaml::Integer(i),
            None => Yaml::Real(n.to_string()),
        },
        Value::String(s) => Yaml::String(s.clone()),
        Value::Array(items) => Yaml::Array(items.iter().map(to_yaml).collect()),
        Value::Object(map) => Yaml::Hash(
            map.iter()
                .map(|(k, v)| (Yaml::String(k.clone()), to_yaml(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use yaml_rust2::{Yaml, YamlLoader};

    fn reads_back(s: &str) -> String {
        let tree = Yaml::Hash(
            [(Yaml::String("k".into()), Yaml::String(s.into()))]
                .into_iter()
                .collect(),
        );
        let text = super::render_yaml(&tree).unwrap_or_else(|e| panic!("{e}"));
        let docs = YamlLoader::load_from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        assert_eq!(docs, vec![tree], "{text}");
        text
    }

    #[test]
    fn every_string_reads_back_and_plain_ones_stay_blocks() {
        assert!(reads_back("one\ntwo\n").contains("k: |\n"));
        // yaml-rust2 alone writes these as blocks YAML cannot read back.
        for s in [
            "   indented\nfirst line\n",
            "two newlines\n\n",
            "\nstarts empty",
            "tab\t\n  x",
        ] {
            reads_back(s);
        }
    }
}
