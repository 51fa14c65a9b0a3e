//! Emitting: [`ir::Api`]s → the files of a generated crate.
//!
//! Reads only the IR. Items are built as token streams, spliced into files,
//! and formatted with `prettyplease`.

pub(crate) mod client;
pub(crate) mod constructor;
mod docs;
mod forms;
pub(crate) mod krate;
mod layout;
mod markdown;
pub(crate) mod operation;
mod request;
mod responses;
mod runtime_files;
pub(crate) mod rust_type;
mod streaming;
pub(crate) mod types;

use std::path::PathBuf;

use proc_macro2::TokenStream;
use quote::quote;

pub use krate::{
    validate_package_name, CrateOptions, FeatureMode, RUNTIME_DEPENDENCIES, RUST_VERSION,
};
pub use runtime_files::{runtime_files, RUNTIME_FILES};

use crate::ir;

/// One API to put in a crate.
pub struct ApiModule<'a> {
    /// The module (and cargo feature) name, snake_case.
    pub module: String,
    /// The spec's path as shown in headers and docs.
    pub spec_path: String,
    pub api: &'a ir::Api,
}

/// A file of the generated crate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Relative to the crate root.
    pub path: PathBuf,
    pub contents: String,
}

thread_local! {
    /// Time spent parsing and pretty-printing, for `cargo xtask bench`.
    static FORMAT_TIME: std::cell::Cell<std::time::Duration> = const { std::cell::Cell::new(std::time::Duration::ZERO) };
}

/// Keeps `cargo fmt` (and editors formatting on save) off generated files in
/// any workspace, whatever its rustfmt settings: the output is formatted by
/// prettyplease, deterministically, and a reformatted file would make
/// `--check` fail. A plain `#![rustfmt::skip]` is unstable as an inner
/// attribute; under `cfg_attr(rustfmt, …)` rustc never sees it and rustfmt
/// honours it.
pub const RUSTFMT_SKIP: &str = "#![cfg_attr(rustfmt, rustfmt::skip)]";

/// Formats a Rust file of the crate layout: `header`, [`RUSTFMT_SKIP`], then
/// the tokens pretty-printed.
fn format_rust(header: &str, tokens: TokenStream, what: &str) -> Result<String, String> {
    Ok(format!(
        "{header}{RUSTFMT_SKIP}\n\n{}",
        format_tokens(tokens, what)?
    ))
}

/// Pretty-prints tokens; they come from this module, so a parse failure is a
/// generator bug, reported with the file name rather than a panic.
fn format_tokens(tokens: TokenStream, what: &str) -> Result<String, String> {
    let start = std::time::Instant::now();
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| format!("internal error: generated code for {what} does not parse: {e}"))?;
    let text = prettyplease::unparse(&file);
    FORMAT_TIME.with(|t| t.set(t.get() + start.elapsed()));
    Ok(text)
}

/// Formats items one at a time, parsing and printing each on its own: the
/// same text as formatting them together (every item starts on a line of
/// its own), but a file of two million lines never holds more than one
/// item's syntax tree — nor, when `items` makes them lazily, its tokens.
fn unparse_items(
    items: impl IntoIterator<Item = TokenStream>,
    what: &str,
) -> Result<String, String> {
    let start = std::time::Instant::now();
    let mut text = String::new();
    for item in items {
        let file: syn::File = syn::parse2(item).map_err(|e| {
            format!("internal error: generated code for {what} does not parse: {e}")
        })?;
        text.push_str(&prettyplease::unparse(&file));
    }
    FORMAT_TIME.with(|t| t.set(t.get() + start.elapsed()));
    Ok(text)
}

/// How long [`emit_crate`] spent building tokens and formatting them.
#[derive(Clone, Copy, Debug, Default)]
pub struct EmitTimings {
    pub tokens: std::time::Duration,
    pub format: std::time::Duration,
}

/// [`emit_crate`], also reporting where the time went.
pub fn emit_crate_timed(
    modules: &[ApiModule<'_>],
    opts: &CrateOptions,
) -> Result<(Vec<GeneratedFile>, EmitTimings), String> {
    FORMAT_TIME.with(|t| t.set(std::time::Duration::ZERO));
    let start = std::time::Instant::now();
    let files = emit_crate(modules, opts)?;
    let total = start.elapsed();
    let format = FORMAT_TIME.with(|t| t.get());
    Ok((
        files,
        EmitTimings {
            tokens: total.saturating_sub(format),
            format,
        },
    ))
}

/// The files of one API module: `mod.rs`, `types.rs`, `client.rs`.
fn api_files(
    m: &ApiModule<'_>,
    opts: &CrateOptions,
    header: &str,
) -> Result<Vec<GeneratedFile>, String> {
    let api = m.api;
    let dir = PathBuf::from("src").join(&m.module);

    let intro = format!("# {}", docs::inline(&api.title));
    let source = format!(
        "Generated from {} (OpenAPI {}, API version {}).",
        docs::code(&m.spec_path),
        docs::inline(&api.openapi_version),
        docs::inline(&api.version)
    );
    // Explicit paths: rustdoc resolves this module's docs from the crate
    // root too (they merge with the `pub mod` docs in `lib.rs`).
    let usage = format!(
        "Start with [`Client`](crate::{m}::Client): one method per operation, each returning a request builder to `.await`. Request and response types are in [`types`](crate::{m}::types).",
        m = m.module
    );
    let mod_docs = docs::inner_doc(&[
        docs::Para::Ours(&intro),
        docs::Para::Spec(api.description.as_deref()),
        docs::Para::Ours(&source),
        docs::Para::Ours(&usage),
    ]);
    let mod_rs = quote! {
        #mod_docs

        mod client;
        pub mod types;

        pub use client::*;
    };

    let (types_text, client_text) =
        types_and_client(m, opts.tag_features(m.api), RuntimePath::Crate)?;
    let with_header = |body: String| format!("{header}{RUSTFMT_SKIP}\n\n{body}");
    Ok(vec![
        GeneratedFile {
            path: dir.join("mod.rs"),
            contents: format_rust(header, mod_rs, &m.module)?,
        },
        GeneratedFile {
            path: dir.join("types.rs"),
            contents: with_header(types_text),
        },
        GeneratedFile {
            path: dir.join("client.rs"),
            contents: with_header(client_text),
        },
    ])
}

/// How generated API code names the runtime.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RuntimePath {
    /// `crate::runtime::…`, as the emitters write it (crate layout).
    Crate,
    /// `super::runtime::…` (module layout: the runtime is a sibling module).
    Super,
}

/// The formatted bodies of `types.rs` and `client.rs`, without header;
/// `features`: gate operations by their tag features.
fn types_and_client(
    m: &ApiModule<'_>,
    features: bool,
    runtime: RuntimePath,
) -> Result<(String, String), String> {
    let api = m.api;
    let relocate = move |tokens: TokenStream| match runtime {
        RuntimePath::Crate => tokens,
        RuntimePath::Super => layout::runtime_via_super(tokens),
    };
    // `types.rs` and the operations of `client.rs` are independent: a
    // second thread formats `types.rs`, then both take chunks of operations
    // from a shared counter (a big API is mostly operations), joined in
    // order at the end. Items are formatted one by one ([`unparse_items`]),
    // so memory stays flat on huge APIs. Token streams are not `Send`: each
    // thread builds its own and hands back text.
    const CHUNK: usize = 64;
    let chunks = api.operations.len().div_ceil(CHUNK);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let operations = |done: &mut Vec<(usize, Result<String, String>)>| {
        let table = rust_type::Types::new(&api.types);
        let cfg_for = cfg_for(features);
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let start = i * CHUNK;
            if start >= api.operations.len() {
                break;
            }
            let ops = &api.operations[start..(start + CHUNK).min(api.operations.len())];
            let items = ops.iter().map(|op| {
                relocate(operation::operation(
                    &table,
                    op,
                    &api.client_params,
                    cfg_for(op).as_ref(),
                ))
            });
            done.push((i, unparse_items(items, &m.module)));
        }
    };
    let (types_text, mut done) = std::thread::scope(|scope| {
        let worker = scope.spawn(|| {
            let table = rust_type::Types::new(&api.types);
            let type_items = types::type_items(&table, &api.types);
            let prelude = quote! {
                //! Request and response types.
            };
            let text = unparse_items([prelude], &m.module).and_then(|mut text| {
                text.push_str(&unparse_items(
                    type_items.into_iter().map(relocate),
                    &m.module,
                )?);
                Ok(text)
            });
            let mut done = Vec::new();
            operations(&mut done);
            (text, done, FORMAT_TIME.with(|t| t.get()))
        });
        let mut done = Vec::with_capacity(chunks);
        operations(&mut done);
        let (types_text, theirs, format_time) = worker.join().unwrap_or_else(|_| {
            (
                Err(format!(
                    "internal error: emitting the types of {} panicked",
                    m.module
                )),
                Vec::new(),
                Default::default(),
            )
        });
        FORMAT_TIME.with(|t| t.set(t.get() + format_time));
        done.extend(theirs);
        (types_text, done)
    });
    done.sort_by_key(|(i, _)| *i);
    let use_types = (!api.types.is_empty()).then(|| {
        quote!(
            #[allow(unused_imports)]
            use super::types;
        )
    });
    let prelude = quote! {
        //! The client and one request builder per operation.
        #use_types
    };
    let table = rust_type::Types::new(&api.types);
    let mut client_text = unparse_items([prelude], &m.module)?;
    client_text.push_str(&unparse_items(
        client::head_items(api, &table).into_iter().map(relocate),
        &m.module,
    )?);
    if done.len() != chunks {
        return Err(format!(
            "internal error: emitting the operations of {} panicked",
            m.module
        ));
    }
    for (_, text) in done {
        client_text.push_str(&text?);
    }
    Ok((types_text?, client_text))
}

/// The `#[cfg(feature = ..)]` of each operation, when `features` (operations
/// are gated by their tags' features).
fn cfg_for(features: bool) -> impl Fn(&ir::Operation) -> Option<TokenStream> {
    move |op: &ir::Operation| -> Option<TokenStream> {
        let feats = &op.features;
        if !features || feats.is_empty() {
            return None;
        }
        Some(match feats.as_slice() {
            [one] => quote!(#[cfg(feature = #one)]),
            many => quote!(#[cfg(any(#(feature = #many),*))]),
        })
    }
}

/// One API as a single self-contained Rust file for `include!` (from a
/// `build.rs` into `OUT_DIR`): the runtime, `types` and the client as inline
/// modules, naming each other through `super::`, so the file works inside
/// any module of any crate. It has no inner attributes (not allowed in an
/// included file) and no cargo feature gates (features belong to the
/// including crate).
pub fn emit_module(m: &ApiModule<'_>, command: &str) -> Result<String, String> {
    let (types_text, client_text) = types_and_client(m, false, RuntimePath::Super)?;
    let header = format!(
        "// @generated by `{}` from {}. Do not edit by hand.\n",
        docs::escape_controls(command),
        docs::escape_controls(&m.spec_path)
    );
    Ok(layout::module_file(
        &header,
        &types_text,
        &client_text,
        !m.api.types.is_empty(),
        m.api.runtime,
    ))
}

/// Every file of a crate holding `modules`.
pub fn emit_crate(
    modules: &[ApiModule<'_>],
    opts: &CrateOptions,
) -> Result<Vec<GeneratedFile>, String> {
    let mut files = krate::crate_files(modules, opts)?;
    for m in modules {
        let header = format!(
            "// @generated by `{}` from {}. Do not edit by hand.\n",
            docs::escape_controls(&opts.command),
            docs::escape_controls(&m.spec_path)
        );
        files.extend(api_files(m, opts, &header)?);
    }
    files.extend(crate::surface::api_files(modules, opts));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}
