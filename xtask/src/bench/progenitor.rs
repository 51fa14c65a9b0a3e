//! progenitor, the generator compared against: finding `cargo-progenitor`
//! (installing it once), and the command line that runs it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::process::sh;

/// Finds `cargo-progenitor`, installing it (`cargo install cargo-progenitor
/// --locked`) if `cargo install --list` does not have it. `Err` says why it
/// is unavailable.
pub(super) fn ensure_progenitor() -> Result<(PathBuf, String), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let listed = sh(&cargo, &["install", "--list"]).unwrap_or_default();
    let installed = listed.lines().find(|l| l.starts_with("cargo-progenitor "));
    if installed.is_none() {
        eprintln!("bench: cargo install cargo-progenitor --locked (once)");
        let status = Command::new(&cargo)
            .args(["install", "cargo-progenitor", "--locked"])
            .stdout(Stdio::inherit())
            .stderr(Stdio::inherit())
            .status()
            .map_err(|e| format!("cannot run cargo install: {e}"))?;
        if !status.success() {
            return Err("`cargo install cargo-progenitor --locked` failed".into());
        }
    }
    let listed = sh(&cargo, &["install", "--list"]).unwrap_or_default();
    let version = listed
        .lines()
        .find(|l| l.starts_with("cargo-progenitor "))
        .map(|l| l.trim_end_matches(':').to_string())
        .unwrap_or_else(|| "cargo-progenitor".into());
    let home = std::env::var("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cargo")
        });
    let mut candidates = vec![home.join("bin/cargo-progenitor")];
    if let Some(path) = std::env::var_os("PATH") {
        candidates.extend(std::env::split_paths(&path).map(|p| p.join("cargo-progenitor")));
    }
    candidates
        .into_iter()
        .find(|p| p.is_file())
        .map(|p| (p, version))
        .ok_or_else(|| {
            "cargo-progenitor is installed but not found in $CARGO_HOME/bin or PATH".into()
        })
}

/// `cargo-progenitor progenitor` generating the crate `name` for `spec`
/// into `out` (`cargo-progenitor` from PATH when `progenitor` is `None`).
pub(super) fn command(progenitor: Option<&Path>, spec: &Path, out: &Path, name: &str) -> Command {
    let mut cmd = Command::new(progenitor.unwrap_or(Path::new("cargo-progenitor")));
    cmd.arg("progenitor")
        .arg("-i")
        .arg(spec)
        .arg("-o")
        .arg(out)
        .arg("-n")
        .arg(name)
        .arg("-v")
        .arg("0.1.0");
    cmd
}
