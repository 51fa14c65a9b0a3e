//! STUB for `clientgen::config` (helper i10b's `clientgen.toml` module),
//! until it lands on main. It reads the subset of the file the CLI needs —
//! `spec`, `module` and `[output]`, under the same names — through the same
//! functions (`load`, `Config::merge`, `Config::apis`, `Config::output_dir`,
//! `Config::crate_options`, `default_config_text`). When the real module is
//! merged, delete this file and `use clientgen::config;` in `main.rs`.

use std::path::{Path, PathBuf};

use clientgen::emit::{CrateOptions, FeatureMode};
use clientgen::{ApiSource, Diagnostic};
use serde::Deserialize;

/// The default configuration file name.
pub const FILE_NAME: &str = "clientgen.toml";

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// The OpenAPI document (JSON or YAML).
    pub spec: Option<PathBuf>,
    /// The module the API's client goes in (default `api`).
    pub module: Option<String>,
    #[serde(default)]
    pub output: Output,
    /// The directory relative paths resolve against: the file's directory,
    /// or (empty) the working directory.
    #[serde(skip)]
    pub base_dir: PathBuf,
    #[serde(skip)]
    pub file: Option<String>,
    /// The spec as the user wrote it (relative to where they wrote it), for
    /// headers and messages: output must not depend on the machine's paths.
    #[serde(skip)]
    pub spec_display: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Output {
    pub dir: Option<PathBuf>,
    pub name: Option<String>,
    pub version: Option<String>,
    pub description: Option<String>,
    pub features: Option<Features>,
    pub standalone: Option<bool>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Features {
    PerTag,
    PerApi,
}

/// Reads a configuration file; relative paths in it resolve against its
/// directory.
pub fn load(path: &Path) -> Result<Config, Diagnostic> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        Diagnostic::error(
            file.clone(),
            "#",
            format!("cannot read the configuration file: {e}"),
        )
    })?;
    let mut config: Config = toml::from_str(&text).map_err(|e| {
        let d = Diagnostic::error(file.clone(), "#", e.message().trim().to_string());
        match e.span() {
            Some(span) => {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                d.at(line, column)
            }
            None => d,
        }
    })?;
    config.file = Some(file);
    config.base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    Ok(config)
}

impl Config {
    /// `self` with the values `overrides` sets laid over it; the override's
    /// relative paths resolve against its `base_dir` (empty: the working
    /// directory). A spec in the override replaces the file's.
    pub fn merge(self, overrides: Config) -> Config {
        let cwd = if overrides.base_dir.as_os_str().is_empty() {
            std::env::current_dir().unwrap_or_default()
        } else {
            overrides.base_dir.clone()
        };
        let rebase = |p: PathBuf| if p.is_absolute() { p } else { cwd.join(p) };
        let mut out = self;
        if let Some(spec) = overrides.spec {
            out.spec_display = Some(display(&spec));
            out.spec = Some(rebase(spec));
        }
        set(&mut out.module, overrides.module);
        let Output {
            dir,
            name,
            version,
            description,
            features,
            standalone,
        } = overrides.output;
        set(&mut out.output.dir, dir.map(rebase));
        set(&mut out.output.name, name);
        set(&mut out.output.version, version);
        set(&mut out.output.description, description);
        set(&mut out.output.features, features);
        set(&mut out.output.standalone, standalone);
        if out.file.is_none() {
            out.file = overrides.file;
        }
        out
    }

    /// The APIs to generate.
    pub fn apis(&self) -> Result<Vec<ApiSource>, Diagnostic> {
        let Some(spec) = &self.spec else {
            let file = self.file.clone().unwrap_or_else(|| "command line".into());
            return Err(Diagnostic::error(file, "#", "no spec to generate from")
                .with_help("set `spec = \"openapi.yaml\"` in the configuration, or pass a spec on the command line"));
        };
        Ok(vec![ApiSource {
            module: self.module.clone().unwrap_or_else(|| "api".into()),
            spec: self.base_dir.join(spec),
            spec_display: self.spec_display.clone().unwrap_or_else(|| display(spec)),
        }])
    }

    /// The output directory, resolved, if configured.
    pub fn output_dir(&self) -> Option<PathBuf> {
        self.output.dir.as_ref().map(|d| self.base_dir.join(d))
    }

    /// The emitter's crate options; an unset name or description is left
    /// empty, for the pipeline to fill in from the spec.
    pub fn crate_options(&self, command: &str, _apis: &[&clientgen::ir::Api]) -> CrateOptions {
        CrateOptions {
            name: self.output.name.clone().unwrap_or_default(),
            version: self
                .output
                .version
                .clone()
                .unwrap_or_else(|| "0.1.0".into()),
            description: self.output.description.clone().unwrap_or_default(),
            command: command.to_string(),
            features: match self.output.features {
                Some(Features::PerApi) => FeatureMode::PerApi,
                Some(Features::PerTag) | None => FeatureMode::PerTag,
            },
            standalone: self.output.standalone.unwrap_or(true),
        }
    }
}

fn display(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

fn set<T>(slot: &mut Option<T>, value: Option<T>) {
    if value.is_some() {
        *slot = value;
    }
}

/// The starter file `clientgen init` writes (only `spec` set).
pub fn default_config_text() -> &'static str {
    r#"# clientgen.toml: how clientgen turns an OpenAPI document into a Rust crate.
# Paths are relative to this file. Command-line flags override these values.

# The OpenAPI 3.0/3.1 document (JSON or YAML).
spec = "openapi.yaml"
# The module the client goes in: `my_crate::api::Client`.
# module = "api"

[output]
# dir = "client"                # where the crate is written (default: its name)
# name = "my-api-client"        # crate name (default: from the spec's title)
# version = "0.1.0"
# description = "Client for the My API"
# features = "per-tag"          # one cargo feature per tag ("per-api": per module)
# standalone = true             # add an empty [workspace] to the crate
"#
}
