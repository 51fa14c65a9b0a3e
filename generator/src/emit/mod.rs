//! Emitting: [`ir::Api`]s → the files of a generated crate.
//!
//! Reads only the IR. Items are built as token streams, spliced into files,
//! and formatted with `prettyplease`.

mod client;
mod docs;
mod krate;
mod markdown;
mod operation;
mod request;
mod responses;
mod runtime_files;
mod rust_type;
mod types;

use std::path::PathBuf;

use proc_macro2::TokenStream;
use quote::quote;

pub use krate::{validate_package_name, CrateOptions, FeatureMode};
pub use runtime_files::RUNTIME_FILES;

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

/// Formats a Rust file; the tokens come from this module, so a parse failure
/// is a generator bug, reported with the file name rather than a panic.
fn format_rust(header: &str, tokens: TokenStream, what: &str) -> Result<String, String> {
    let start = std::time::Instant::now();
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| format!("internal error: generated code for {what} does not parse: {e}"))?;
    let text = format!("{header}\n{}", prettyplease::unparse(&file));
    FORMAT_TIME.with(|t| t.set(t.get() + start.elapsed()));
    Ok(text)
}

/// Formats items one at a time, parsing and printing each on its own: the
/// same text as formatting them together (every item starts on a line of
/// its own), but a file of two million lines never holds more than one
/// item's syntax tree — nor, when `items` makes them lazily, its tokens.
fn unparse_items(items: impl IntoIterator<Item = TokenStream>, what: &str) -> Result<String, String> {
    let start = std::time::Instant::now();
    let mut text = String::new();
    for item in items {
        let file: syn::File = syn::parse2(item)
            .map_err(|e| format!("internal error: generated code for {what} does not parse: {e}"))?;
        text.push_str(&prettyplease::unparse(&file));
    }
    FORMAT_TIME.with(|t| t.set(t.get() + start.elapsed()));
    Ok(text)
}

/// A file: the header, the `prelude` (inner attributes, `use`s), the items.
fn format_items(header: &str, prelude: TokenStream, items: impl IntoIterator<Item = TokenStream>, what: &str) -> Result<String, String> {
    let mut text = format!("{header}\n{}", unparse_items([prelude], what)?);
    text.push_str(&unparse_items(items, what)?);
    Ok(text)
}

/// How long [`emit_crate`] spent building tokens and formatting them.
#[derive(Clone, Copy, Debug, Default)]
pub struct EmitTimings {
    pub tokens: std::time::Duration,
    pub format: std::time::Duration,
}

/// [`emit_crate`], also reporting where the time went.
pub fn emit_crate_timed(modules: &[ApiModule<'_>], opts: &CrateOptions) -> Result<(Vec<GeneratedFile>, EmitTimings), String> {
    FORMAT_TIME.with(|t| t.set(std::time::Duration::ZERO));
    let start = std::time::Instant::now();
    let files = emit_crate(modules, opts)?;
    let total = start.elapsed();
    let format = FORMAT_TIME.with(|t| t.get());
    Ok((files, EmitTimings { tokens: total.saturating_sub(format), format }))
}

/// The files of one API module: `mod.rs`, `types.rs`, `client.rs`.
fn api_files(m: &ApiModule<'_>, opts: &CrateOptions, header: &str) -> Result<Vec<GeneratedFile>, String> {
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

    // `types.rs` and the operations of `client.rs` are independent: a
    // second thread formats `types.rs`, then both take chunks of operations
    // from a shared counter (a big API is mostly operations), joined in
    // order at the end. Token streams are not `Send`: each thread builds its
    // own and hands back text.
    const CHUNK: usize = 64;
    let chunks = api.operations.len().div_ceil(CHUNK);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let operations = |done: &mut Vec<(usize, Result<String, String>)>| {
        let table = rust_type::Types::new(&api.types);
        let cfg_for = cfg_for(opts, api);
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let start = i * CHUNK;
            if start >= api.operations.len() {
                break;
            }
            let ops = &api.operations[start..(start + CHUNK).min(api.operations.len())];
            let items = ops.iter().map(|op| operation::operation(&table, op, &api.client_params, cfg_for(op).as_ref()));
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
            let text = format_items(header, prelude, type_items, &m.module);
            let mut done = Vec::new();
            operations(&mut done);
            (text, done, FORMAT_TIME.with(|t| t.get()))
        });
        let mut done = Vec::with_capacity(chunks);
        operations(&mut done);
        let (types_text, theirs, format_time) = worker.join().unwrap_or_else(|_| {
            (Err(format!("internal error: emitting the types of {} panicked", m.module)), Vec::new(), Default::default())
        });
        FORMAT_TIME.with(|t| t.set(t.get() + format_time));
        done.extend(theirs);
        (types_text, done)
    });
    done.sort_by_key(|(i, _)| *i);
    let use_types = (!api.types.is_empty()).then(|| quote!(#[allow(unused_imports)] use super::types;));
    let prelude = quote! {
        //! The client and one request builder per operation.
        #use_types
    };
    let table = rust_type::Types::new(&api.types);
    let mut client_text = format_items(header, prelude, client::head_items(api, &table), &m.module)?;
    if done.len() != chunks {
        return Err(format!("internal error: emitting the operations of {} panicked", m.module));
    }
    for (_, text) in done {
        client_text.push_str(&text?);
    }

    Ok(vec![
        GeneratedFile { path: dir.join("mod.rs"), contents: format_rust(header, mod_rs, &m.module)? },
        GeneratedFile { path: dir.join("types.rs"), contents: types_text? },
        GeneratedFile { path: dir.join("client.rs"), contents: client_text },
    ])
}

/// The `#[cfg(feature = ..)]` of each operation, when features follow tags.
fn cfg_for<'a>(opts: &CrateOptions, api: &ir::Api) -> impl Fn(&ir::Operation) -> Option<TokenStream> + 'a {
    let features = opts.tag_features(api);
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

/// Every file of a crate holding `modules`.
pub fn emit_crate(modules: &[ApiModule<'_>], opts: &CrateOptions) -> Result<Vec<GeneratedFile>, String> {
    let mut files = krate::crate_files(modules, opts)?;
    for m in modules {
        let header = format!(
            "// @generated by `{}` from {}. Do not edit by hand.\n",
            docs::escape_controls(&opts.command),
            docs::escape_controls(&m.spec_path)
        );
        files.extend(api_files(m, opts, &header)?);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}
