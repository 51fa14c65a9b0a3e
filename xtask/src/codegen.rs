//! `cargo xtask codegen [--check]`: `specs/` → `generated/`, through the same
//! library entry point as the `clientgen` CLI.

use clientgen::config;
use clientgen::generate::{self, Action, Finished, GenerateOptions, Layout};
use clientgen::write::WriteOptions;

use crate::repo_root;

/// The configuration of the generated crate, at the repository root.
pub const CONFIG: &str = "codegen.toml";

pub fn run(check: bool, force: bool) -> Result<(), String> {
    let root = repo_root();
    let config = config::load(&root.join(CONFIG)).map_err(|d| d.to_string())?;
    let sources = config.apis().map_err(|d| d.to_string())?;
    let opts = GenerateOptions {
        // Name and description are set, so no lowered API is needed here.
        package: config.crate_options("cargo xtask codegen", &[]),
        layout: Layout::Crate,
    };
    let action = if check {
        Action::Check
    } else {
        Action::Write(WriteOptions { force })
    };
    let out = config
        .output_dir()
        .ok_or_else(|| format!("{CONFIG}: [output] dir is not set"))?;
    let outcome =
        generate::run(&sources, &opts, &out, action, &mut |_| {}).map_err(|e| e.to_string())?;
    for w in &outcome.generated.warnings {
        eprintln!("{w}");
    }
    let count = outcome.generated.files.len();
    match outcome.finished {
        Finished::Checked(stale) if stale.is_empty() => {
            println!("generated/ is up to date ({count} files)");
            Ok(())
        }
        Finished::Checked(stale) => {
            let list: Vec<String> = stale
                .iter()
                .map(|(p, why)| format!("  generated/{} ({})", p.display(), why.as_str()))
                .collect();
            Err(format!(
                "generated/ is stale; run `cargo xtask codegen` and commit the result. Stale files:\n{}",
                list.join("\n")
            ))
        }
        Finished::Written(report) => {
            let changed = report.changed();
            println!("generated/: {count} files, {} changed", changed.len());
            for c in changed {
                println!("  {}", c.display());
            }
            Ok(())
        }
    }
}
