//! Emitting: [`ir::Api`]s → the files of a generated crate.
//!
//! Reads only the IR. Items are built as token streams, spliced into files,
//! and formatted with `prettyplease`; the most common ones (types'
//! declarations and serde impls, operations) are written directly as text
//! in `prettyplease`'s form where their layout is known (the `*_text.rs`
//! modules), each falling back to its tokens.

pub(crate) mod client;
mod code_spans;
pub(crate) mod constructor;
mod ctor_text;
mod decl_text;
mod docs;
mod enum_text;
mod forms;
pub(crate) mod krate;
mod layout;
mod line_text;
mod markdown;
mod named_crates;
mod op_text;
pub(crate) mod operation;
mod page_text;
mod request;
mod request_text;
mod responses;
mod runtime_files;
pub(crate) mod rust_type;
mod send_text;
mod streaming;
mod struct_text;
pub(crate) mod types;
mod union_text;

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

/// Items to format: tokens, or text already formatted as `prettyplease`
/// would print those tokens (see [`struct_text`]).
pub(crate) enum Piece {
    Tokens(TokenStream),
    Text(String),
}

impl From<TokenStream> for Piece {
    fn from(tokens: TokenStream) -> Self {
        Piece::Tokens(tokens)
    }
}

/// Formats items one at a time, parsing and printing each on its own: the
/// same text as formatting them together (every item starts on a line of
/// its own), but a file of two million lines never holds more than one
/// item's syntax tree — nor, when `items` makes them lazily, its tokens.
pub(crate) fn unparse_items<P: Into<Piece>>(
    items: impl IntoIterator<Item = P>,
    what: &str,
) -> Result<String, String> {
    let start = std::time::Instant::now();
    let mut text = String::new();
    for item in items {
        match item.into() {
            Piece::Tokens(item) => {
                let file: syn::File = syn::parse2(item).map_err(|e| {
                    format!("internal error: generated code for {what} does not parse: {e}")
                })?;
                text.push_str(&prettyplease::unparse(&file));
            }
            Piece::Text(item) => text.push_str(&item),
        }
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

    let (types_text, client_text) = types_and_client(
        m,
        opts.tag_features(m.api),
        RuntimePath::Crate,
        &format!("{header}{RUSTFMT_SKIP}\n\n"),
    )?;
    Ok(vec![
        GeneratedFile {
            path: dir.join("mod.rs"),
            contents: format_rust(header, mod_rs, &m.module)?,
        },
        GeneratedFile {
            path: dir.join("types.rs"),
            contents: types_text,
        },
        GeneratedFile {
            path: dir.join("client.rs"),
            contents: client_text,
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

/// The texts of `types.rs` and `client.rs`: `prefix` (a header, or
/// nothing), then the formatted body; `features`: gate operations by their
/// tag features.
fn types_and_client(
    m: &ApiModule<'_>,
    features: bool,
    runtime: RuntimePath,
    prefix: &str,
) -> Result<(String, String), String> {
    let api = m.api;
    let relocate = move |tokens: TokenStream| match runtime {
        RuntimePath::Crate => tokens,
        RuntimePath::Super => layout::runtime_via_super(tokens),
    };
    // Every type and every operation is an independent item: the types,
    // then the operations, are cut into chunks that worker threads (one
    // per core) take from a shared counter, each building and formatting
    // its chunk's items one by one ([`unparse_items`]), so all cores stay
    // busy whatever the mix (Stripe is mostly types, Graph mostly
    // operations) and memory stays flat on huge APIs. The chunks' texts
    // are joined in order at the end, so the output does not depend on
    // which thread did what. Token streams are not `Send`: each thread
    // builds its own and hands back text.
    const TYPE_CHUNK: usize = 128;
    const OP_CHUNK: usize = 64;
    let type_chunks = api.types.len().div_ceil(TYPE_CHUNK);
    let op_chunks = api.operations.len().div_ceil(OP_CHUNK);
    let chunks = type_chunks + op_chunks;
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        let table = rust_type::Types::new(&api.types);
        let cfg_for = cfg_for(features);
        let mut done: Vec<(usize, Result<String, String>)> = Vec::new();
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if i >= chunks {
                break;
            }
            let text = if i < type_chunks {
                let start = i * TYPE_CHUNK;
                let defs = &api.types[start..(start + TYPE_CHUNK).min(api.types.len())];
                // Text pieces name `crate::runtime`: only in that layout.
                let text = runtime == RuntimePath::Crate;
                types::type_items(&table, defs, text, features).and_then(|pieces| {
                    unparse_items(
                        pieces.into_iter().map(|piece| match piece {
                            Piece::Tokens(tokens) => Piece::Tokens(relocate(tokens)),
                            text => text,
                        }),
                        &m.module,
                    )
                })
            } else {
                let start = (i - type_chunks) * OP_CHUNK;
                let ops = &api.operations[start..(start + OP_CHUNK).min(api.operations.len())];
                // Operations as text ([`op_text`]): only in the crate
                // layout, as the text names `crate::runtime`.
                if runtime == RuntimePath::Crate {
                    ops.iter()
                        .map(|op| {
                            let cfg = cfg_for(op);
                            let line = cfg.as_ref().map(|_| types::cfg_line(&op.features));
                            let gate = cfg.as_ref().zip(line.as_deref().map(str::trim_end));
                            op_text::operation_text(&table, op, &api.client_params, gate)
                        })
                        .collect::<Result<String, String>>()
                } else {
                    unparse_items(
                        ops.iter().map(|op| {
                            relocate(operation::operation(
                                &table,
                                op,
                                &api.client_params,
                                cfg_for(op).as_ref(),
                            ))
                        }),
                        &m.module,
                    )
                }
            };
            done.push((i, text));
        }
        (done, FORMAT_TIME.with(|t| t.get()))
    };
    // Two threads at least, as before this ran on all cores; at most as
    // many as there are chunks.
    let threads = std::thread::available_parallelism()
        .map_or(2, std::num::NonZeroUsize::get)
        .clamp(2, 16)
        .min(chunks.max(1));
    let mut done = std::thread::scope(|scope| {
        let workers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        // This thread works too; its format time is already its own.
        let (mut done, _) = work();
        for worker in workers {
            // A panicked worker leaves its chunks missing: reported below.
            if let Ok((theirs, format_time)) = worker.join() {
                FORMAT_TIME.with(|t| t.set(t.get() + format_time));
                done.extend(theirs);
            }
        }
        done
    });
    done.sort_by_key(|(i, _)| *i);
    let types_missing = done.iter().take_while(|(i, _)| *i < type_chunks).count() != type_chunks;
    if types_missing {
        return Err(format!(
            "internal error: emitting the types of {} panicked",
            m.module
        ));
    }
    if done.len() != chunks {
        return Err(format!(
            "internal error: emitting the operations of {} panicked",
            m.module
        ));
    }
    let mut done = done.into_iter().map(|(_, text)| text);
    // Each file is allocated once at its final size (Graph's `client.rs`
    // is 94 MB: doubling as it grows would briefly hold twice that), and
    // each chunk is freed once copied.
    let join = |parts: &mut dyn Iterator<Item = Result<String, String>>,
                head: String|
     -> Result<String, String> {
        let parts: Vec<String> = parts.collect::<Result<_, _>>()?;
        let len = prefix.len() + head.len() + parts.iter().map(String::len).sum::<usize>();
        let mut text = String::with_capacity(len);
        text.push_str(prefix);
        text.push_str(&head);
        for part in parts {
            text.push_str(&part);
        }
        Ok(text)
    };

    let types_head = unparse_items(
        [quote! {
            //! Request and response types.
        }],
        &m.module,
    )?;
    let types_text = join(&mut done.by_ref().take(type_chunks), types_head)?;

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
    let mut client_head = unparse_items([prelude], &m.module)?;
    client_head.push_str(&unparse_items(
        client::head_items(api, &table, features)
            .into_iter()
            .map(relocate),
        &m.module,
    )?);
    let client_text = join(&mut done, client_head)?;
    Ok((types_text, client_text))
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
    let (types_text, client_text) = types_and_client(m, false, RuntimePath::Super, "")?;
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
    // The API description files read only the IR: a thread of their own
    // computes them while the code is emitted (a few percent of a big
    // API's time, otherwise spent after everything else).
    let (code, surface) = std::thread::scope(|scope| {
        let surface = scope.spawn(|| crate::surface::api_files(modules, opts));
        let code = (|| {
            let mut files = Vec::new();
            for m in modules {
                let header = format!(
                    "// @generated by `{}` from {}. Do not edit by hand.\n",
                    docs::escape_controls(&opts.command),
                    docs::escape_controls(&m.spec_path)
                );
                files.extend(api_files(m, opts, &header)?);
            }
            // The manifest lists what the API code names.
            let named = krate::named_dependencies(files.iter().map(|f| f.contents.as_str()));
            files.extend(krate::crate_files(modules, opts, &named)?);
            Ok::<_, String>(files)
        })();
        (code, surface.join())
    });
    let mut files = code?;
    files.extend(surface.map_err(|_| {
        "internal error: describing the API for the API files panicked".to_string()
    })?);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}
