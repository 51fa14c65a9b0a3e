//! Snapshot tests of the diagnostics for every document in
//! `tests/bad-specs/` (repository root): one snapshot per file, holding all
//! errors and warnings in their `Display` form, with the file path relative
//! to the repository root.
//!
//! To run more of the pipeline than loading, change only
//! [`render_diagnostics`].

use std::path::{Path, PathBuf};

use clientgen::diagnostic::Diagnostic;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// All diagnostics for one document, one per block, or a line saying it
/// loaded cleanly.
fn render_diagnostics(path: &Path) -> String {
    let root = repo_root();
    let shown = path
        .strip_prefix(&root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/");
    // The whole front half of the pipeline: load errors, load warnings and
    // lowering fallbacks.
    let diagnostics: Vec<Diagnostic> = match clientgen::lower_file(path, &shown) {
        Ok(lowered) => lowered.warnings,
        Err(error) => vec![error],
    };
    if diagnostics.is_empty() {
        return format!("{shown}: loaded without diagnostics");
    }
    diagnostics
        .into_iter()
        .map(|mut d| {
            d.file = shown.clone();
            d.to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn bad_specs() {
    let dir = repo_root().join("tests/bad-specs");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(
        files.len() >= 30,
        "expected at least 30 bad specs, found {}",
        files.len()
    );
    for path in &files {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let text = render_diagnostics(path);
        insta::assert_snapshot!(name, text);
    }
}
