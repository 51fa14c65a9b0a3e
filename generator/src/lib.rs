//! clientgen: OpenAPI 3.0/3.1 documents → Rust HTTP client crates.
//!
//! The pipeline flows one way: [`load`] (parse, normalize, check references)
//! → [`lower`] (build the [`ir`]) → [`emit`] (tokens, formatted files) →
//! [`write`] (to disk, or compared with disk for `--check`).

// A `Diagnostic` is the error of every fallible step; it is built once per
// failed run, so its size does not matter.
#![allow(clippy::result_large_err)]

pub mod diagnostic;
pub mod emit;
pub mod ir;
pub mod load;
pub mod lower;
pub mod text;
pub mod write;

use std::path::Path;

pub use diagnostic::Diagnostic;

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
    let api = lower::lower(&loaded.spec, &loaded.openapi_version);
    let mut warnings: Vec<Diagnostic> = loaded.warnings.clone();
    for w in &api.warnings {
        let pos = loaded.source.locate_nearest(&w.pointer);
        warnings.push(Diagnostic::warning(display, w.pointer.clone(), w.message.clone()).at_opt(pos));
    }
    for w in &mut warnings {
        w.file = display.to_string();
    }
    Lowered { api, warnings }
}
