//! Hostile spec text: `tests/constructs/hostile_text.yaml` puts code fences
//! of every kind, control and bidi characters, quotes and backslashes in
//! every string that reaches generated code, the manifest or a terminal.
//!
//! The constructs test compiles its crate with clippy `-D warnings`; this one
//! writes it as a standalone crate (`target/hostile/crate`, named from the
//! spec's title) and runs `cargo test --doc` (nothing may run: each
//! injected snippet would leave a marker file and panic) and
//! `cargo doc` with `-D warnings`. Dependencies are shared with the
//! constructs test through `target/constructs/target`.

use std::path::{Path, PathBuf};
use std::process::Command;

use clientgen::emit::{self, ApiModule, CrateOptions, FeatureMode};
use clientgen::text::needs_escape;

fn spec_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/constructs/hostile_text.yaml")
}

/// Raw characters that must never leave the generator unescaped.
fn raw_controls(text: &str) -> Vec<String> {
    text.chars()
        .filter(|&c| c != '\n' && needs_escape(c))
        .map(|c| format!("U+{:04X}", c as u32))
        .collect()
}

fn options(api: &clientgen::ir::Api, name: &str) -> CrateOptions {
    CrateOptions {
        name: name.to_string(),
        version: "0.1.0".into(),
        description: format!("Generated client for {} {}", api.title, api.version),
        command: "cargo xtask generate generator/tests/constructs/hostile_text.yaml".into(),
        features: FeatureMode::PerTag,
        standalone: true,
    }
}

fn cargo(dir: &Path, args: &[&str], rustdocflags: Option<&str>) -> (bool, String) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/constructs/target");
    let mut cmd = Command::new(cargo);
    cmd.args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("RUSTDOCFLAGS");
    if let Some(flags) = rustdocflags {
        cmd.env("RUSTDOCFLAGS", flags);
    }
    let output = cmd.output().expect("cargo runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

#[test]
fn diagnostics_escape_spec_text() {
    let lowered =
        clientgen::lower_file(&spec_path(), "hostile_text.yaml").expect("the hostile spec loads");
    assert!(
        !lowered.warnings.is_empty(),
        "the spec's undeclared path variable should warn"
    );
    for w in &lowered.warnings {
        let shown = w.to_string();
        assert!(
            raw_controls(&shown).is_empty(),
            "raw control characters in a diagnostic: {shown:?}"
        );
        assert_eq!(
            shown.lines().filter(|l| !l.starts_with("  help: ")).count(),
            1,
            "one line per diagnostic: {shown:?}"
        );
    }
}

#[test]
fn package_names_are_checked() {
    let lowered =
        clientgen::lower_file(&spec_path(), "hostile_text.yaml").expect("the hostile spec loads");
    let api = &lowered.api;
    // The title starts with a digit and holds DEL, quotes and a fence.
    assert!(
        emit::validate_package_name(&api.package_name).is_ok(),
        "{}",
        api.package_name
    );
    assert!(
        api.package_name.starts_with("api-1st-"),
        "{}",
        api.package_name
    );
    for bad in [
        "",
        "-1password",
        "1password",
        "a b",
        "a\u{7f}",
        "naïve",
        "self",
        "std",
        "x\"y",
        &"a".repeat(57),
    ] {
        let module = ApiModule {
            module: "api".into(),
            spec_path: "x.yaml".into(),
            api,
        };
        let err = emit::emit_crate(&[module], &options(api, bad)).expect_err(bad);
        assert!(err.starts_with("invalid package name"), "{err}");
        assert!(raw_controls(&err).is_empty(), "{err:?}");
    }
    for bad_module in ["runtime", "serde", "Api", "type", "1st"] {
        let module = ApiModule {
            module: bad_module.into(),
            spec_path: "x.yaml".into(),
            api,
        };
        let err = emit::emit_crate(&[module], &options(api, "ok-name")).expect_err(bad_module);
        assert!(err.starts_with("invalid API module name"), "{err}");
    }
}

#[test]
fn hostile_spec_stays_text() {
    let lowered =
        clientgen::lower_file(&spec_path(), "generator/tests/constructs/hostile_text.yaml")
            .expect("the hostile spec loads");
    let api = &lowered.api;
    let files = emit::emit_crate(
        &[ApiModule {
            module: "api".into(),
            spec_path: "generator/tests/constructs/hostile_text.yaml".into(),
            api,
        }],
        &options(api, &api.package_name),
    )
    .expect("the crate is emitted");
    for f in &files {
        let raw = raw_controls(&f.contents);
        assert!(
            raw.is_empty(),
            "{}: raw characters {raw:?}",
            f.path.display()
        );
    }
    let manifest = files
        .iter()
        .find(|f| f.path == Path::new("Cargo.toml"))
        .expect("Cargo.toml");
    assert!(
        manifest.contents.contains("\\u007F"),
        "DEL is escaped in the manifest:\n{}",
        manifest.contents
    );

    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/hostile/crate");
    std::fs::create_dir_all(&dir).expect("create target/hostile/crate");
    clientgen::write::write(&dir, &files).expect("write the crate");
    let lock = dir.join("Cargo.lock");
    if !lock.exists() {
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock"),
            &lock,
        )
        .expect("copy Cargo.lock");
    }
    // Every injected snippet writes this file before panicking.
    let marker = dir.join("INJECTED");
    let _ = std::fs::remove_file(&marker);

    let (ok, output) = cargo(&dir, &["test", "--doc"], None);
    assert!(ok, "`cargo test --doc` failed:\n{output}");
    assert!(!marker.exists(), "a doctest from spec text ran:\n{output}");
    let results: Vec<&str> = output
        .lines()
        .filter(|l| l.starts_with("test result:"))
        .collect();
    assert!(!results.is_empty(), "no doctest summary in:\n{output}");
    for r in &results {
        assert!(
            r.contains(" 0 passed;") && r.contains(" 0 failed;"),
            "doctests ran: {r}\n{output}"
        );
    }

    let (ok, output) = cargo(
        &dir,
        &["doc", "--no-deps", "--message-format", "short"],
        Some("-D warnings"),
    );
    let warnings: Vec<&str> = output
        .lines()
        .filter(|l| l.contains("warning") || l.contains("error"))
        .collect();
    assert!(
        ok && warnings.is_empty(),
        "`cargo doc` with -D warnings:\n{output}"
    );
}
