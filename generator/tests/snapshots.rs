//! Snapshots of the IR and of the generated module files for the four specs
//! in `specs/`, so any change to lowering or emitting shows up as a diff.
//!
//! Review `.snap.new` files before accepting them: a snapshot that records a
//! bug is a defect (known ones are listed in `target/requests/snapshots.md`).

use std::path::Path;

use clientgen::emit::{self, ApiModule, CrateOptions, FeatureMode};

/// The same options as `xtask/src/codegen.rs` `options()`.
fn options() -> CrateOptions {
    CrateOptions {
        name: "contact-clients".into(),
        version: "0.1.0".into(),
        description: "Typed async clients for four \"update a contact\" endpoints: Insighto, Intercom, Intercom (legacy API) and Paragon ActionKit.".into(),
        command: "cargo xtask codegen".into(),
        features: FeatureMode::PerApi,
        standalone: false,
    }
}

fn lower(spec: &str) -> clientgen::ir::Api {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(spec);
    match clientgen::lower_file(&path, spec) {
        Ok(l) => l.api,
        Err(d) => panic!("{spec} does not load: {d}"),
    }
}

fn snapshot_api(module: &str, spec: &str) {
    let api = lower(spec);
    // insta's own YAML writer (`serde_yaml` refuses nested enums such as
    // `TypeRef::Nullable(Named(..))` when given the IR directly).
    insta::assert_yaml_snapshot!(format!("{module}__ir"), &api);

    let files = emit::emit_crate(
        &[ApiModule {
            module: module.to_string(),
            spec_path: spec.to_string(),
            api: &api,
        }],
        &options(),
    )
    .unwrap_or_else(|e| panic!("{spec}: emit failed: {e}"));
    for file in ["types.rs", "client.rs"] {
        let path = Path::new("src").join(module).join(file);
        let found = files
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("{spec}: no {} among the generated files", path.display()));
        insta::assert_snapshot!(
            format!("{module}__{}", file.trim_end_matches(".rs")),
            &found.contents
        );
    }
}

#[test]
fn insighto() {
    snapshot_api("insighto", "specs/insighto.yaml");
}

#[test]
fn intercom() {
    snapshot_api("intercom", "specs/intercom.yaml");
}

#[test]
fn intercom_legacy() {
    snapshot_api("intercom_legacy", "specs/intercom-legacy.yaml");
}

#[test]
fn paragon() {
    snapshot_api("paragon", "specs/paragon-actionkit.yaml");
}
