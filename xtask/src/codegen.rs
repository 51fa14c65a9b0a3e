//! `cargo xtask codegen [--check] [--bump]`: `specs/` → `generated/`.

use std::path::Path;

use clientgen::emit::{self, ApiModule, CrateOptions, FeatureMode, GeneratedFile};
use clientgen::surface;

use crate::diff;
use crate::repo_root;

/// The APIs of the generated crate: (module and feature name, spec path).
pub const APIS: &[(&str, &str)] = &[
    ("insighto", "specs/insighto.yaml"),
    ("intercom", "specs/intercom.yaml"),
    ("intercom_legacy", "specs/intercom-legacy.yaml"),
    ("paragon", "specs/paragon-actionkit.yaml"),
];

/// The generated crate's version: `cargo xtask codegen --bump` rewrites this
/// line.
pub const VERSION: &str = "0.1.0";

pub fn options() -> CrateOptions {
    options_at(VERSION)
}

pub fn options_at(version: &str) -> CrateOptions {
    CrateOptions {
        name: "contact-clients".into(),
        version: version.into(),
        description: "Typed async clients for four \"update a contact\" endpoints: Insighto, Intercom, Intercom (legacy API) and Paragon ActionKit.".into(),
        command: "cargo xtask codegen".into(),
        features: FeatureMode::PerApi,
        standalone: false,
    }
}

/// The files of `generated/` from the specs under `root`.
pub fn generate(root: &Path, opts: &CrateOptions, warn: bool) -> Result<Vec<GeneratedFile>, String> {
    let mut lowered = Vec::new();
    for (module, spec) in APIS {
        let l = clientgen::lower_file(&root.join(spec), spec).map_err(|d| d.to_string())?;
        if warn {
            for w in &l.warnings {
                eprintln!("{w}");
            }
        }
        lowered.push((module, spec, l));
    }
    let modules: Vec<ApiModule<'_>> = lowered
        .iter()
        .map(|(module, spec, l)| ApiModule { module: module.to_string(), spec_path: spec.to_string(), api: &l.api })
        .collect();
    emit::emit_crate(&modules, opts)
}

pub fn run(check: bool, bump: bool, strict: bool) -> Result<(), String> {
    let root = repo_root();
    let out = root.join("generated");
    let mut files = generate(&root, &options(), true)?;
    // The API as committed (on disk) before this run: the summary's baseline.
    let before = surface::api_texts_on_disk(&out);
    let mut report = diff::report(&before, &surface::api_texts(&files), strict)?;
    if check {
        let stale = clientgen::write::check(&out, &files);
        if stale.is_empty() {
            println!("generated/ is up to date ({} files)", files.len());
            return Ok(());
        }
        let list: Vec<String> = stale.iter().map(|p| format!("  generated/{}", p.display())).collect();
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
    let mut version = VERSION.to_string();
    if bump && !before.is_empty() && !report.is_empty() {
        version = diff::bump(&root, &mut report)?;
        files = generate(&root, &options_at(&version), false)?;
    }
    let changed = clientgen::write::write(&out, &files).map_err(|e| format!("cannot write generated/: {e}"))?;
    println!("generated/: {} files, {} changed", files.len(), changed.len());
    for c in changed {
        println!("  {}", c.display());
    }
    if before.is_empty() {
        println!("\nNo earlier API description in generated/api/: nothing to compare with.");
    } else if report.is_empty() {
        println!("Public API unchanged.");
    } else {
        println!("\n{}", report.markdown(Some((&options().name, VERSION))).trim_end());
        if version != VERSION {
            println!("\nBumped `{}` {VERSION} → {version} (xtask/src/codegen.rs) and added the report to generated/CHANGELOG.md.", options().name);
        }
    }
    Ok(())
}
