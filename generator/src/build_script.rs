//! Generating a client from a `build.rs`: one self-contained file in
//! `OUT_DIR`, `include!`d wherever the crate wants it.
//!
//! ```no_run
//! // In build.rs's `main` (with `clientgen` under [build-dependencies]):
//! clientgen::build_script::generate("openapi.yaml", "petstore.rs").unwrap();
//! ```
//!
//! ```ignore
//! // src/lib.rs, or any module
//! pub mod petstore {
//!     include!(concat!(env!("OUT_DIR"), "/petstore.rs"));
//! }
//! ```
//!
//! The file holds the runtime, the types and the client as inline modules
//! that name each other through `super::`, so it works at any depth. The
//! including crate needs the runtime's dependencies (see
//! [`RUNTIME_DEPENDENCIES`]) and Rust [`RUST_VERSION`] or newer.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::emit::{CrateOptions, FeatureMode};
use crate::generate::{self, ApiSettings, GenerateOptions, Layout, RunError};

/// The `[dependencies]` a crate including a generated module needs.
pub use crate::emit::RUNTIME_DEPENDENCIES;
/// The lowest Rust the generated module and [`RUNTIME_DEPENDENCIES`] build
/// with (a generated crate's `rust-version`).
pub use crate::emit::RUST_VERSION;

/// A build-script generation, configured step by step.
#[derive(Clone, Debug)]
pub struct Builder {
    api: ApiSettings,
    file: PathBuf,
    out_dir: Option<PathBuf>,
    options: GenerateOptions,
    /// Files besides the spec whose change must rerun the build script.
    inputs: Vec<PathBuf>,
}

impl Builder {
    /// Generates `spec` into `$OUT_DIR/<spec stem>.rs`.
    pub fn new(spec: impl AsRef<Path>) -> Self {
        Builder::for_api(ApiSettings::new("api", spec.as_ref()))
    }

    /// Generates the one API `clientgen.toml` at `path` describes (its spec,
    /// overlays, selection, type replacements, names); the `[output]`
    /// section does not apply to a module.
    pub fn from_config(path: impl AsRef<Path>) -> Result<Self, BuildError> {
        let path = path.as_ref();
        println!("cargo:rerun-if-changed={}", path.display());
        let config = crate::config::load(path).map_err(|d| BuildError::Run(RunError::Spec(d)))?;
        let mut apis = config
            .apis()
            .map_err(|d| BuildError::Run(RunError::Spec(d)))?;
        if apis.len() != 1 {
            return Err(BuildError::Other(format!(
                "{}: a build script generates one API per module file; this configuration has {}",
                path.display(),
                apis.len()
            )));
        }
        let mut builder = Builder::for_api(apis.remove(0));
        builder.inputs.push(path.to_path_buf());
        Ok(builder)
    }

    fn for_api(api: ApiSettings) -> Self {
        let stem = api
            .spec
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let module = crate::lower::snake(&stem);
        let module = if module.is_empty() {
            "api".to_string()
        } else {
            module
        };
        Builder {
            file: PathBuf::from(format!("{module}.rs")),
            out_dir: None,
            options: GenerateOptions {
                package: CrateOptions {
                    name: module.replace('_', "-"),
                    version: "0.1.0".into(),
                    description: String::new(),
                    command: "clientgen::build_script".into(),
                    features: FeatureMode::PerApi,
                    standalone: false,
                },
                layout: Layout::Crate,
            },
            inputs: Vec::new(),
            api,
        }
    }

    /// The file name in the output directory (a plain name, e.g.
    /// `petstore.rs`).
    pub fn file_name(mut self, name: impl Into<PathBuf>) -> Self {
        self.file = name.into();
        self
    }

    /// Writes somewhere else than `$OUT_DIR` (tests, tools).
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// The generation settings (the layout is always the module layout).
    pub fn options_mut(&mut self) -> &mut GenerateOptions {
        &mut self.options
    }

    /// The API's settings: spec, overlays, lowering options.
    pub fn api_mut(&mut self) -> &mut ApiSettings {
        &mut self.api
    }

    /// Generates and writes the file (only if its contents changed), and
    /// tells cargo to rerun when the spec changes and about every warning.
    /// Returns the file's path.
    pub fn generate(self) -> Result<PathBuf, BuildError> {
        let out_dir = match self.out_dir {
            Some(d) => d,
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or_else(|| {
                    BuildError::Other("OUT_DIR is not set: call this from a build script".into())
                })?,
        };
        if self.file.components().count() != 1 || self.file.file_name().is_none() {
            return Err(BuildError::Other(format!(
                "{}: the file name must be a plain name",
                self.file.display()
            )));
        }
        println!("cargo:rerun-if-changed={}", self.api.spec.display());
        for input in self.api.overlays.iter().chain(&self.inputs) {
            println!("cargo:rerun-if-changed={}", input.display());
        }
        let mut options = self.options;
        options.layout = Layout::Module {
            file: self.file.clone(),
        };
        let generated = generate::generate(std::slice::from_ref(&self.api), &options, &mut |_| {})
            .map_err(BuildError::Run)?;
        for w in &generated.warnings {
            print!("{}", cargo_warning(&w.to_string()));
        }
        let path = out_dir.join(&self.file);
        let contents = generated
            .files
            .first()
            .map(|f| f.contents.as_str())
            .unwrap_or_default();
        if std::fs::read_to_string(&path).ok().as_deref() != Some(contents) {
            std::fs::create_dir_all(&out_dir)
                .and_then(|()| std::fs::write(&path, contents))
                .map_err(|e| BuildError::Other(format!("cannot write {}: {e}", path.display())))?;
        }
        Ok(path)
    }
}

/// Generates `spec` into `$OUT_DIR/<file_name>`; see [`Builder`].
pub fn generate(spec: impl AsRef<Path>, file_name: &str) -> Result<PathBuf, BuildError> {
    Builder::new(spec).file_name(file_name).generate()
}

/// `cargo:warning=` lines for `message`, one per line. Every line gets the
/// prefix and control characters are escaped, so text from a spec cannot
/// start a directive of its own (`cargo:rustc-link-arg=…`).
fn cargo_warning(message: &str) -> String {
    let mut out = String::new();
    for line in message.lines() {
        out.push_str("cargo:warning=");
        for c in line.chars() {
            if c.is_control() {
                out.extend(c.escape_default());
            } else {
                out.push(c);
            }
        }
        out.push('\n');
    }
    out
}

/// A build-script failure. `Debug` prints the message, so `main() ->
/// Result<(), BuildError>` and `.unwrap()` show a readable diagnostic.
pub enum BuildError {
    Run(RunError),
    Other(String),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Run(e) => write!(f, "{e}"),
            BuildError::Other(m) => f.write_str(m),
        }
    }
}

impl fmt::Debug for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for BuildError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_cannot_forge_cargo_directives() {
        let out = cargo_warning("bad schema\ncargo:rustc-link-arg=-evil\r\nthird\u{1b}[31m");
        for line in out.lines() {
            assert!(line.starts_with("cargo:warning="), "{line:?}");
        }
        assert_eq!(out.lines().count(), 3);
        assert!(out.contains("\\u{1b}[31m"));
    }

    #[test]
    fn a_configuration_selects_what_the_module_holds() {
        let dir =
            std::env::temp_dir().join(format!("clientgen-build-script-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let op = |id: &str| {
            format!("    get:\n      operationId: {id}\n      responses:\n        '204':\n          description: done\n")
        };
        let spec = format!(
            "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths:\n  /a:\n{}  /b:\n{}",
            op("keepMe"),
            op("dropMe")
        );
        std::fs::write(dir.join("api.yaml"), spec).unwrap();
        std::fs::write(
            dir.join("clientgen.toml"),
            "spec = \"api.yaml\"\n[select]\noperations = [\"keepMe\"]\n",
        )
        .unwrap();
        let path = Builder::from_config(dir.join("clientgen.toml"))
            .unwrap()
            .out_dir(&dir)
            .file_name("t.rs")
            .generate()
            .unwrap();
        let text = std::fs::read_to_string(path).unwrap();
        assert!(
            text.contains("pub fn keep_me"),
            "selected operation generated"
        );
        assert!(!text.contains("drop_me"), "unselected operation left out");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn default_file_name_is_the_spec_stem() {
        let b = Builder::new("specs/Pet Store-v2.yaml");
        assert_eq!(b.file, PathBuf::from("pet_store_v2.rs"));
    }
}
