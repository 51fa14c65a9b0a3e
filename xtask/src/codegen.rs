//! `cargo xtask codegen [--check]`: `specs/` → `generated/`, through the same
//! library entry point as the `clientgen` CLI.

use clientgen::emit::{CrateOptions, FeatureMode};
use clientgen::generate::{self, Action, ApiSettings, Finished, GenerateOptions, Layout};
use clientgen::write::WriteOptions;

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

pub fn run(check: bool, force: bool) -> Result<(), String> {
    let root = repo_root();
    let sources: Vec<ApiSettings> = APIS
        .iter()
        .map(|(module, spec)| ApiSettings {
            spec_display: spec.to_string(),
            ..ApiSettings::new(*module, root.join(spec))
        })
        .collect();
    let opts = GenerateOptions {
        package: options(),
        layout: Layout::Crate,
    };
    let action = if check {
        Action::Check
    } else {
        Action::Write(WriteOptions { force })
    };
    let out = root.join("generated");
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
