//! The peers compared against, pinned: `cargo install --locked` of an exact
//! version into `target/bench/tools` (once), never into the user's
//! `~/.cargo/bin`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::process::sh;

/// A generator installed from crates.io for the bench.
pub(super) struct Tool {
    /// The crate `cargo install` builds.
    pub(super) krate: &'static str,
    pub(super) version: &'static str,
    /// The binary it installs.
    pub(super) bin: &'static str,
}

pub(super) const OPENAPI_TO_RUST: Tool = Tool {
    krate: "openapi-to-rust",
    version: "0.23.0",
    bin: "openapi-to-rust",
};
pub(super) const PROGENITOR: Tool = Tool {
    krate: "cargo-progenitor",
    version: "0.15.1",
    bin: "cargo-progenitor",
};

impl Tool {
    pub(super) fn label(&self) -> String {
        format!("{} {}", self.krate, self.version)
    }

    /// The binary under `root/bin`, installing the pinned version there
    /// (building in `build`) if `cargo install --list --root root` does not
    /// list it. `Err` says why the tool is unavailable.
    pub(super) fn ensure(&self, root: &Path, build: &Path) -> Result<PathBuf, String> {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let root_s = root.to_string_lossy().to_string();
        let wanted = format!("{} v{}:", self.krate, self.version);
        let listed = sh(&cargo, &["install", "--list", "--root", &root_s]).unwrap_or_default();
        let bin = root.join("bin").join(self.bin);
        if !(listed.lines().any(|l| l.trim() == wanted) && bin.is_file()) {
            eprintln!(
                "bench: cargo install {} --version {} --locked --root {root_s} (once)",
                self.krate, self.version
            );
            let status = Command::new(&cargo)
                .args([
                    "install",
                    self.krate,
                    "--version",
                    self.version,
                    "--locked",
                    "--root",
                    &root_s,
                ])
                // Its own target dir: the build is kept for reinstalls and
                // never mixes with the workspace's.
                .env("CARGO_TARGET_DIR", build)
                .stdout(Stdio::inherit())
                .stderr(Stdio::inherit())
                .status()
                .map_err(|e| format!("cannot run cargo install: {e}"))?;
            if !status.success() {
                return Err(format!(
                    "`cargo install {} --version {} --locked` failed",
                    self.krate, self.version
                ));
            }
        }
        if bin.is_file() {
            Ok(bin)
        } else {
            Err(format!(
                "{} is installed but {} is missing",
                self.label(),
                bin.display()
            ))
        }
    }
}
