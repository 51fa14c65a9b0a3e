//! clientgen: OpenAPI 3.0/3.1 documents → Rust HTTP client crates.
//!
//! The pipeline flows one way: [`load`] (parse, normalize, check references)
//! → [`lower`] (build the [`ir`]) → [`emit`] (tokens, formatted files) →
//! [`write`](mod@write) (to disk, or compared with disk for `--check`).
//! [`surface`] describes each generated module's public API and classifies
//! the changes between two versions of it.
//!
//! Entry points: [`generate::run`] runs the whole pipeline for a crate or a
//! module file (the `clientgen` CLI and `cargo xtask codegen` call it);
//! [`build_script`] writes a module into `OUT_DIR` for `include!`.

// A `Diagnostic` is the error of every fallible step; it is built once per
// failed run, so its size does not matter.
#![allow(clippy::result_large_err)]

pub mod build_script;
pub mod config;
pub mod diagnostic;
pub mod emit;
pub mod generate;
pub mod ir;
pub mod load;
pub mod lower;
pub mod overlay;
pub mod surface;
pub mod text;
pub mod write;

use std::path::Path;

pub use diagnostic::Diagnostic;
pub use generate::{ApiSettings, GenerateOptions, Layout};

/// A spec loaded and lowered, with everything the generator noticed on the
/// way.
pub struct Lowered {
    pub api: ir::Api,
    /// Load-time warnings and lowering fallbacks, as diagnostics.
    pub warnings: Vec<Diagnostic>,
}

/// Loads `path` and lowers it to the IR.
pub fn lower_file(path: &Path, display: &str) -> Result<Lowered, Diagnostic> {
    let loaded = load::load_file(path).map_err(|mut d| {
        d.file = display.to_string();
        d
    })?;
    Ok(lower_loaded(loaded, display))
}

/// Lowers a document already loaded.
pub fn lower_loaded(loaded: load::Loaded, display: &str) -> Lowered {
    lower_loaded_with(loaded, display, &lower::Options::default())
}

/// Lowers a document already loaded, as configured.
pub fn lower_loaded_with(loaded: load::Loaded, display: &str, options: &lower::Options) -> Lowered {
    let api = lower::lower_with(&loaded.spec, &loaded.openapi_version, options);
    let mut warnings: Vec<Diagnostic> = loaded.warnings.clone();
    for w in &api.warnings {
        let pos = loaded.source.locate_nearest(&w.pointer);
        warnings
            .push(Diagnostic::warning(display, w.pointer.clone(), w.message.clone()).at_opt(pos));
    }
    for w in &mut warnings {
        w.file = display.to_string();
    }
    Lowered { api, warnings }
}

/// The README's examples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
