//! `cargo xtask generate SPEC --out DIR [--name CRATE]`: a standalone crate
//! for any spec, through the same code paths as `codegen`.

use std::path::Path;

use clientgen::emit::{self, ApiModule, CrateOptions, FeatureMode};

pub fn run(spec: &Path, out: &Path, name: Option<&str>) -> Result<(), String> {
    let display = spec.display().to_string();
    let lowered = clientgen::lower_file(spec, &display).map_err(|d| d.to_string())?;
    for w in &lowered.warnings {
        eprintln!("{w}");
    }
    let files = crate_files(&lowered.api, &display, name)?;
    clientgen::write::write(out, &files).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    println!("wrote {} files to {}", files.len(), out.display());
    Ok(())
}

/// The files of a standalone crate for one API.
pub fn crate_files(api: &clientgen::ir::Api, spec_display: &str, name: Option<&str>) -> Result<Vec<emit::GeneratedFile>, String> {
    let crate_name = name.map_or_else(|| api.package_name.clone(), str::to_string);
    let module = "api".to_string();
    let opts = CrateOptions {
        name: crate_name,
        version: "0.1.0".into(),
        description: format!("Generated client for {} {}", api.title, api.version),
        command: format!("cargo xtask generate {spec_display}"),
        features: FeatureMode::PerTag,
        standalone: true,
    };
    emit::emit_crate(&[ApiModule { module, spec_path: spec_display.to_string(), api }], &opts)
}
