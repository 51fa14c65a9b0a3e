//! `cargo xtask generate SPEC --out DIR [--name CRATE] [--force]`: a
//! standalone crate for any spec, through the same library entry point as
//! `codegen` and the `clientgen` CLI.

use std::path::Path;

use clientgen::emit::{self, ApiModule, CrateOptions, FeatureMode};
use clientgen::generate::{self, Action, ApiSettings, Finished, GenerateOptions, Layout};
use clientgen::write::WriteOptions;

pub fn run(spec: &Path, out: &Path, name: Option<&str>, force: bool) -> Result<(), String> {
    let display = spec.display().to_string();
    let opts = GenerateOptions {
        package: package(&display, name),
        layout: Layout::Crate,
    };
    let action = Action::Write(WriteOptions { force });
    let outcome = generate::run(
        &[ApiSettings::new("api", spec)],
        &opts,
        out,
        action,
        &mut |_| {},
    )
    .map_err(|e| e.to_string())?;
    for w in &outcome.generated.warnings {
        eprintln!("{w}");
    }
    let changed = match &outcome.finished {
        Finished::Written(report) => report.changed().len(),
        Finished::Checked(_) => 0,
    };
    println!(
        "wrote {} files to {} ({changed} changed)",
        outcome.generated.files.len(),
        out.display()
    );
    Ok(())
}

/// The package options of a standalone crate; an empty name and description
/// are filled in from the spec ([`generate::with_defaults`]).
fn package(spec_display: &str, name: Option<&str>) -> CrateOptions {
    CrateOptions {
        name: name.unwrap_or_default().to_string(),
        version: "0.1.0".into(),
        description: String::new(),
        command: format!("cargo xtask generate {spec_display}"),
        features: FeatureMode::PerTag,
        standalone: true,
    }
}

/// The files of a standalone crate for one API already lowered (for the
/// corpus run, which lowers once and reuses the IR).
pub fn crate_files(
    api: &clientgen::ir::Api,
    spec_display: &str,
    name: Option<&str>,
) -> Result<Vec<emit::GeneratedFile>, String> {
    let package = generate::with_defaults(&package(spec_display, name), api);
    emit::emit_crate(
        &[ApiModule {
            module: "api".to_string(),
            spec_path: spec_display.to_string(),
            api,
        }],
        &package,
    )
}

#[cfg(test)]
mod tests {
    use std::fs;

    #[test]
    fn hand_written_files_survive_generate() {
        let dir = std::env::temp_dir().join(format!("xtask-generate-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let spec = crate::repo_root().join("specs/insighto.yaml");
        let out = dir.join("client");
        super::run(&spec, &out, Some("my-client"), false).unwrap();
        let mine = out.join("src/main.rs");
        fs::write(&mine, "fn main() {}\n").unwrap();
        fs::write(out.join("NOTES.md"), "mine\n").unwrap();
        super::run(&spec, &out, Some("my-client"), false).unwrap();
        super::run(&spec, &out, Some("my-client"), true).unwrap();
        // A new crate name changes every file's contents; ours stay.
        super::run(&spec, &out, Some("renamed"), false).unwrap();
        assert_eq!(fs::read_to_string(&mine).unwrap(), "fn main() {}\n");
        assert_eq!(fs::read_to_string(out.join("NOTES.md")).unwrap(), "mine\n");
        assert!(fs::read_to_string(out.join("Cargo.toml"))
            .unwrap()
            .contains("name = \"renamed\""));

        // A directory holding files clientgen did not write needs --force.
        let other = dir.join("other");
        fs::create_dir_all(&other).unwrap();
        fs::write(other.join("keep.txt"), "x").unwrap();
        let refused = super::run(&spec, &other, None, false).unwrap_err();
        assert!(refused.contains("--force"), "{refused}");
        super::run(&spec, &other, None, true).unwrap();
        assert_eq!(fs::read_to_string(other.join("keep.txt")).unwrap(), "x");
        fs::remove_dir_all(&dir).unwrap();
    }
}
