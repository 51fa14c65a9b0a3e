//! `clientgen.toml`: what to generate and how, in one file the CLI, `cargo
//! xtask` and `build.rs` users share.
//!
//! [`load`] / [`parse`] read a file into a [`Config`] (unknown keys are
//! errors naming the file, line:col and the nearest valid key);
//! [`Config::merge`] lays command-line flags over it; [`Config::apis`] turns
//! it into one [`ApiSettings`] per API (spec, overlays, lowering
//! [`Options`](crate::lower::Options)) and [`Config::crate_options`] into the
//! emitter's [`CrateOptions`](crate::emit::CrateOptions).
//! [`default_config_text`] is the commented starter file `clientgen init`
//! writes; the README's configuration reference documents the same keys.

mod merge;
mod parse;
mod resolve;
mod template;
mod validate;

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

pub use parse::{load, parse};
pub use resolve::ApiSettings;
pub use template::default_config_text;

/// The default configuration file name.
pub const FILE_NAME: &str = "clientgen.toml";

/// A configuration file, as written (paths relative to [`Config::base_dir`]).
///
/// Top-level `spec`/`module`/`overlays` describe a crate with one API; a
/// crate holding several has `[[apis]]` entries instead. `select`, `types`
/// and `rename` at the top level apply to every API; an `[[apis]]` entry's
/// own section replaces the top-level one for that API.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// The OpenAPI document (JSON or YAML).
    pub spec: Option<PathBuf>,
    /// The module the API's client goes in (default `api`).
    pub module: Option<String>,
    /// OpenAPI Overlay 1.0 documents applied to the spec, in order.
    #[serde(default)]
    pub overlays: Vec<PathBuf>,
    #[serde(default)]
    pub output: Output,
    pub select: Option<Select>,
    pub types: Option<Types>,
    pub rename: Option<Rename>,
    /// How list operations are paged, by operationId or `METHOD /path`:
    /// `false`, or a table with the keys of the `x-pagination` extension
    /// (`style`, `items`, `param`, `cursor`, …). Overrides the extension and
    /// detection.
    #[serde(default)]
    pub pagination: BTreeMap<String, toml::Value>,
    /// Extra dependencies for the generated `Cargo.toml` (name → version
    /// string or inline table, as in Cargo); an entry naming one of the
    /// runtime's dependencies replaces it.
    #[serde(default)]
    pub dependencies: BTreeMap<String, toml::Value>,
    /// Several APIs in one crate, each in its own module.
    #[serde(default)]
    pub apis: Vec<ApiEntry>,
    /// The directory relative paths are resolved against: the configuration
    /// file's directory (set by [`load`]), or the working directory.
    #[serde(skip)]
    pub base_dir: PathBuf,
    /// The configuration file as named in messages, if there is one.
    #[serde(skip)]
    pub file: Option<String>,
    /// The top-level spec as the user wrote it when it came from the command
    /// line (set by [`Config::merge`]), for headers and messages: output must
    /// not depend on where the command ran.
    #[serde(skip)]
    pub spec_display: Option<String>,
}

/// One API of a multi-API crate (`[[apis]]`).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ApiEntry {
    pub module: String,
    pub spec: PathBuf,
    #[serde(default)]
    pub overlays: Vec<PathBuf>,
    pub select: Option<Select>,
    pub types: Option<Types>,
    pub rename: Option<Rename>,
    /// Replaces the top-level `[pagination]` for this API.
    #[serde(default)]
    pub pagination: BTreeMap<String, toml::Value>,
}

/// `[output]`: where the crate goes and what its manifest says.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Output {
    /// The crate's directory.
    pub dir: Option<PathBuf>,
    /// The crate name (default: made from the spec's title).
    pub name: Option<String>,
    pub version: Option<String>,
    pub description: Option<String>,
    /// `per-tag` (one cargo feature per tag; the default for one API) or
    /// `per-api` (one per module; the default for several).
    pub features: Option<Features>,
    /// Add an empty `[workspace]` so the crate builds on its own inside
    /// another workspace's directory (default true).
    pub standalone: Option<bool>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Features {
    PerTag,
    PerApi,
}

/// `[select]`: which operations to generate (globs: `*`, `**`, `?`).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Select {
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub operations: Vec<String>,
    #[serde(default)]
    pub paths: Vec<String>,
    #[serde(default)]
    pub exclude_tags: Vec<String>,
    #[serde(default)]
    pub exclude_operations: Vec<String>,
    #[serde(default)]
    pub exclude_paths: Vec<String>,
    /// Keep types no selected operation reaches (default false: pruned).
    pub keep_unreachable_types: Option<bool>,
}

/// `[types]`: Rust types, derives and attributes.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Types {
    /// The crate for `format: date-time` and `format: date`.
    pub date_time: Option<DateTimeCrate>,
    /// Derives added to every generated struct, enum and union.
    #[serde(default)]
    pub derives: Vec<String>,
    /// Attributes added to every generated struct, enum and union.
    #[serde(default)]
    pub attributes: Vec<String>,
    /// Schema (name or JSON pointer) → Rust type used instead.
    #[serde(default)]
    pub replace: BTreeMap<String, String>,
    /// `format` → Rust type, for string, integer and number schemas.
    #[serde(default)]
    pub formats: BTreeMap<String, String>,
    /// Per-type derives and attributes, by schema name or JSON pointer.
    #[serde(default)]
    pub schema: BTreeMap<String, TypeSettings>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TypeSettings {
    #[serde(default)]
    pub derives: Vec<String>,
    #[serde(default)]
    pub attributes: Vec<String>,
}

/// The Rust representation of `date-time` and `date` strings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DateTimeCrate {
    /// `runtime::DateTime` / `runtime::Date`, wrapping the `time` crate, with
    /// lenient parsing (lowercase `t`/`z`, space separator, missing offset).
    #[default]
    Time,
    /// `chrono::DateTime<chrono::FixedOffset>` / `chrono::NaiveDate`.
    Chrono,
    /// `jiff::Timestamp` / `jiff::civil::Date`.
    Jiff,
}

/// `[rename]`: names the spec gets wrong.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Rename {
    /// operationId (or `METHOD /path`) → method name.
    #[serde(default)]
    pub operations: BTreeMap<String, String>,
    /// Schema name or JSON pointer → type name.
    #[serde(default)]
    pub types: BTreeMap<String, String>,
    /// `Schema.property` or the property's JSON pointer → field name.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// Enum or union (schema name or JSON pointer) → { value or generated
    /// variant name → variant name }.
    #[serde(default)]
    pub variants: BTreeMap<String, BTreeMap<String, String>>,
}
