//! `cargo xtask codegen [--check] [--bump]`: `specs/` → `generated/`, through
//! the same library entry point as the `clientgen` CLI, with the API change
//! report of every run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clientgen::config::{self, ApiSettings, Config};
use clientgen::emit::{CrateOptions, GeneratedFile};
use clientgen::generate::{self, GenerateOptions, Layout};
use clientgen::surface;
use clientgen::write::{self, WriteOptions};

use crate::diff;
use crate::repo_root;

/// The configuration of the generated crate, at the repository root.
pub const CONFIG: &str = "codegen.toml";

/// `codegen.toml`, read: the APIs, crate options and output directory.
pub struct Setup {
    pub sources: Vec<ApiSettings>,
    pub opts: GenerateOptions,
    pub out: PathBuf,
}

impl Setup {
    pub fn load(root: &Path) -> Result<Setup, String> {
        let config: Config = config::load(&root.join(CONFIG)).map_err(|d| d.to_string())?;
        let sources = config.apis().map_err(|d| d.to_string())?;
        let opts = GenerateOptions {
            // Name and description are set, so no lowered API is needed here.
            package: config.crate_options("cargo xtask codegen", &[]),
            layout: Layout::Crate,
        };
        let out = config
            .output_dir()
            .ok_or_else(|| format!("{CONFIG}: [output] dir is not set"))?;
        Ok(Setup { sources, opts, out })
    }

    pub fn package(&self) -> &CrateOptions {
        &self.opts.package
    }

    /// Module → spec path as written in the configuration.
    pub fn spec_paths(&self) -> BTreeMap<String, String> {
        self.sources
            .iter()
            .map(|s| (s.module.clone(), s.spec_display.clone()))
            .collect()
    }

    /// The files of `generated/` (nothing is written).
    pub fn generate(&self, warn: bool) -> Result<Vec<GeneratedFile>, String> {
        let generated = generate::generate(&self.sources, &self.opts, &mut |_| {})
            .map_err(|e| e.to_string())?;
        if warn {
            for w in &generated.warnings {
                eprintln!("{w}");
            }
        }
        Ok(generated.files)
    }
}

pub fn run(check: bool, force: bool, bump: bool, strict: bool) -> Result<(), String> {
    let root = repo_root();
    let mut setup = Setup::load(&root)?;
    let mut files = setup.generate(true)?;
    // The API as committed (on disk) before this run: the summary's baseline.
    let before = surface::api_texts_on_disk(&setup.out);
    let mut report = diff::report(&setup, &before, &surface::api_texts(&files), strict)?;
    let name = setup.package().name.clone();
    let version = setup.package().version.clone();
    if check {
        let stale = write::check_with_reasons(&setup.out, &files);
        if stale.is_empty() {
            println!("generated/ is up to date ({} files)", files.len());
            return Ok(());
        }
        let list: Vec<String> = stale
            .iter()
            .map(|(p, why)| format!("  generated/{} ({})", p.display(), why.as_str()))
            .collect();
        let api = if report.is_empty() {
            "The public API is unchanged (only the generated code differs).".to_string()
        } else {
            report.markdown(None)
        };
        return Err(format!(
            "generated/ is stale; run `cargo xtask codegen` and commit the result. Stale files:\n{}\n\n{api}",
            list.join("\n")
        ));
    }
    let mut bumped = None;
    if bump && !before.is_empty() && !report.is_empty() {
        let next = diff::bump(&root, &setup, &mut report)?;
        setup = Setup::load(&root)?;
        files = setup.generate(false)?;
        bumped = Some(next);
    }
    let written = write::write_with(&setup.out, &files, &WriteOptions { force })
        .map_err(|e| e.to_string())?;
    let changed = written.changed();
    println!(
        "generated/: {} files, {} changed",
        files.len(),
        changed.len()
    );
    for c in changed {
        println!("  {}", c.display());
    }
    if before.is_empty() {
        println!("\nNo earlier API description in generated/api/: nothing to compare with.");
    } else if report.is_empty() {
        println!("Public API unchanged.");
    } else {
        println!("\n{}", report.markdown(Some((&name, &version))).trim_end());
        if let Some(next) = bumped {
            println!("\nBumped `{name}` {version} → {next} ({CONFIG}) and added the report to generated/CHANGELOG.md.");
        }
    }
    Ok(())
}
