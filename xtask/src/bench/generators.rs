//! The three generators side by side: the command that generates a crate
//! for a spec, and what turns each one's output into a crate cargo can
//! check on its own.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Which generator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Gen {
    Ours,
    OpenapiToRust,
    Progenitor,
}

impl Gen {
    pub(super) const ALL: [Gen; 3] = [Gen::Ours, Gen::OpenapiToRust, Gen::Progenitor];

    pub(super) fn name(self) -> &'static str {
        match self {
            Gen::Ours => "clientgen",
            Gen::OpenapiToRust => "openapi-to-rust",
            Gen::Progenitor => "progenitor",
        }
    }

    /// Directory names under `target/bench/`.
    pub(super) fn dir(self) -> &'static str {
        match self {
            Gen::Ours => "ours",
            Gen::OpenapiToRust => "openapi-to-rust",
            Gen::Progenitor => "progenitor",
        }
    }
}

/// The executables: our release xtask and the installed peers (`None` when
/// a peer could not be installed).
pub(super) struct Generators {
    pub(super) xtask: PathBuf,
    pub(super) openapi_to_rust: Option<PathBuf>,
    pub(super) progenitor: Option<PathBuf>,
}

impl Generators {
    pub(super) fn available(&self, g: Gen) -> bool {
        match g {
            Gen::Ours => true,
            Gen::OpenapiToRust => self.openapi_to_rust.is_some(),
            Gen::Progenitor => self.progenitor.is_some(),
        }
    }

    /// The command generating the crate `name` for `spec` into `out` (a
    /// crate directory for ours and progenitor; openapi-to-rust writes its
    /// modules to `out/src/generated`, and [`finish_crate`] adds the rest).
    /// `types_only` asks the peers that can for models without a client
    /// (ours always writes both: its operations are behind features).
    pub(super) fn command(
        &self,
        g: Gen,
        spec: &Path,
        out: &Path,
        name: &str,
        types_only: bool,
    ) -> Option<Command> {
        match g {
            Gen::Ours => {
                let mut c = Command::new(&self.xtask);
                c.arg("generate")
                    .arg(spec)
                    .arg("--out")
                    .arg(out)
                    .arg("--name")
                    .arg(name);
                Some(c)
            }
            Gen::OpenapiToRust => {
                let mut c = Command::new(self.openapi_to_rust.as_ref()?);
                c.arg("generate")
                    .arg(spec)
                    .arg("--output-dir")
                    .arg(out.join("src/generated"))
                    .arg("--quiet");
                if types_only {
                    c.arg("--types-only");
                }
                Some(c)
            }
            Gen::Progenitor => {
                let mut c = Command::new(self.progenitor.as_ref()?);
                c.arg("progenitor")
                    .arg("-i")
                    .arg(spec)
                    .arg("-o")
                    .arg(out)
                    .arg("-n")
                    .arg(name)
                    .arg("-v")
                    .arg("0.1.0");
                Some(c)
            }
        }
    }
}

/// Makes the output of a successful generation a crate that builds on its
/// own inside this repository's directory: an empty `[workspace]` table, and
/// for openapi-to-rust (which writes modules and a dependency fragment,
/// `REQUIRED_DEPS.toml`) a manifest and a `lib.rs` around them.
pub(super) fn finish_crate(g: Gen, dir: &Path, name: &str) -> Result<(), String> {
    let manifest = dir.join("Cargo.toml");
    if g == Gen::OpenapiToRust {
        let generated = dir.join("src/generated");
        let deps = fs::read_to_string(generated.join("REQUIRED_DEPS.toml"))
            .map_err(|e| format!("openapi-to-rust wrote no REQUIRED_DEPS.toml: {e}"))?;
        let text = format!(
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n{deps}\n[workspace]\n"
        );
        write(&manifest, &text)?;
        write(
            &dir.join("src/lib.rs"),
            "//! openapi-to-rust's output, as its README says to include it.\npub mod generated;\n",
        )?;
        return Ok(());
    }
    let text = fs::read_to_string(&manifest)
        .map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
    if !text.lines().any(|l| l.trim() == "[workspace]") {
        write(&manifest, &format!("{text}\n[workspace]\n"))?;
    }
    Ok(())
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
