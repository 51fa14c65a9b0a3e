//! `cargo xtask codegen [--check]`: `specs/` → `generated/`.

use clientgen::emit::{self, ApiModule, CrateOptions, FeatureMode};

use crate::repo_root;

/// The APIs of the generated crate: (module and feature name, spec path).
pub const APIS: &[(&str, &str)] = &[
    ("insighto", "specs/insighto.yaml"),
    ("intercom", "specs/intercom.yaml"),
    ("intercom_legacy", "specs/intercom-legacy.yaml"),
    ("paragon", "specs/paragon-actionkit.yaml"),
];

pub fn options() -> CrateOptions {
    CrateOptions {
        name: "contact-clients".into(),
        version: "0.1.0".into(),
        description: "Typed async clients for four \"update a contact\" endpoints: Insighto, Intercom, Intercom (legacy API) and Paragon ActionKit.".into(),
        command: "cargo xtask codegen".into(),
        features: FeatureMode::PerApi,
        standalone: false,
    }
}

pub fn run(check: bool) -> Result<(), String> {
    let root = repo_root();
    let mut lowered = Vec::new();
    for (module, spec) in APIS {
        let l = clientgen::lower_file(&root.join(spec), spec).map_err(|d| d.to_string())?;
        for w in &l.warnings {
            eprintln!("{w}");
        }
        lowered.push((module, spec, l));
    }
    let modules: Vec<ApiModule<'_>> = lowered
        .iter()
        .map(|(module, spec, l)| ApiModule { module: module.to_string(), spec_path: spec.to_string(), api: &l.api })
        .collect();
    let files = emit::emit_crate(&modules, &options())?;
    let out = root.join("generated");
    if check {
        let stale = clientgen::write::check(&out, &files);
        if stale.is_empty() {
            println!("generated/ is up to date ({} files)", files.len());
            Ok(())
        } else {
            let list: Vec<String> = stale.iter().map(|p| format!("  generated/{}", p.display())).collect();
            Err(format!(
                "generated/ is stale; run `cargo xtask codegen` and commit the result. Stale files:\n{}",
                list.join("\n")
            ))
        }
    } else {
        let changed = clientgen::write::write(&out, &files).map_err(|e| format!("cannot write generated/: {e}"))?;
        println!("generated/: {} files, {} changed", files.len(), changed.len());
        for c in changed {
            println!("  {}", c.display());
        }
        Ok(())
    }
}
