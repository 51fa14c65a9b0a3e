//! Crate-level files: Cargo.toml, lib.rs, README.md, the runtime.

use std::collections::BTreeSet;
use std::path::PathBuf;

use quote::quote;

use super::docs::{code, doc, escape_controls, inline, inner_doc, Para};
use super::runtime_files::{self, runtime_files};
use super::{format_rust, ApiModule, GeneratedFile, RUSTFMT_SKIP};
use crate::ir;
use crate::lower::reserved::OTHER_SCHEMAS_FEATURE;
use crate::lower::MAX_PACKAGE_NAME;

/// How operations are split into cargo features.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeatureMode {
    /// One feature per API module (for crates holding several APIs).
    PerApi,
    /// One feature per tag within the single API, so a user compiles only the
    /// operations they need.
    PerTag,
}

#[derive(Clone, Debug)]
pub struct CrateOptions {
    pub name: String,
    pub version: String,
    pub description: String,
    /// The command named in `@generated` headers.
    pub command: String,
    pub features: FeatureMode,
    /// Adds an empty `[workspace]` so the crate builds on its own even when
    /// written inside another workspace's directory.
    pub standalone: bool,
}

impl CrateOptions {
    /// Whether `api`'s operations are gated by their features
    /// ([`ir::Operation::features`]: their tags', or in an API without tags,
    /// their paths'): per-tag mode, and some operation has a feature other
    /// than `untagged` (with only that one, gating would buy nothing).
    pub(crate) fn tag_features(&self, api: &ir::Api) -> bool {
        self.features == FeatureMode::PerTag
            && api.operations.iter().any(|op| {
                op.features
                    .iter()
                    .any(|f| f != crate::lower::reserved::UNTAGGED_FEATURE)
            })
    }
}

/// A TOML basic string: quotes, backslashes, every control character (DEL
/// included, which JSON would leave raw) and bidi control escaped.
fn toml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if crate::text::needs_escape(c) => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Checks a cargo package name: what cargo accepts, ASCII as crates.io
/// requires, at most 56 characters (64, crates.io's limit, less the
/// `-runtime` of the runtime package's name), and not a name that cannot be
/// a crate's library name (a keyword, or a crate of the standard library).
pub fn validate_package_name(name: &str) -> Result<(), String> {
    let shown = escape_controls(name);
    let problem = if name.is_empty() {
        Some("it is empty".to_string())
    } else if name.len() > MAX_PACKAGE_NAME {
        Some(format!(
            "it is longer than {MAX_PACKAGE_NAME} characters (the runtime's package adds `-runtime`, and crates.io allows 64)"
        ))
    } else if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        Some(format!(
            "`{}` is not allowed (only ASCII letters, digits, `-` and `_` are)",
            escape_controls(&c.to_string())
        ))
    } else if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        Some("it must start with a letter".to_string())
    } else {
        let lib = name.replace('-', "_");
        (crate::lower::is_keyword(&lib)
            || ["std", "core", "alloc", "proc_macro", "test"].contains(&lib.as_str()))
        .then(|| format!("`{lib}` cannot be the name of a library crate"))
    };
    match problem {
        Some(p) => Err(format!("invalid package name `{shown}`: {p}")),
        None => Ok(()),
    }
}

/// API module names become modules at the crate root and cargo features.
fn validate_modules(modules: &[ApiModule<'_>]) -> Result<(), String> {
    let mut seen = BTreeSet::new();
    for m in modules {
        let name = m.module.as_str();
        let valid = name.starts_with(|c: char| c.is_ascii_lowercase())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && !crate::lower::is_keyword(name)
            && !crate::lower::reserved::CRATE_MODULES.contains(&name);
        if !valid {
            return Err(format!(
                "invalid API module name `{}`: a snake_case identifier that is not a keyword or one of {}",
                escape_controls(name),
                crate::lower::reserved::CRATE_MODULES.join(", ")
            ));
        }
        if !seen.insert(name) {
            return Err(format!("API module name `{name}` is used twice"));
        }
    }
    Ok(())
}

const DEPENDENCIES: &str = r#"[dependencies]
base64 = "0.23"
bytes = "1"
fastrand = "2"
futures-core = "0.3"
futures-util = { version = "0.3", default-features = false }
httpdate = "1"
percent-encoding = "2"
reqwest = { version = "0.13", default-features = false }
serde = "1"
serde_json = { version = "1", features = ["raw_value"] }
serde_path_to_error = "0.1"
serde_urlencoded = "0.7"
time = { version = "0.3", features = ["serde", "formatting", "parsing"] }
tokio = { version = "1", features = ["time", "sync"] }
tracing = { version = "0.1", optional = true, default-features = false, features = ["std"] }
uuid = { version = "1", features = ["serde"] }
"#;

/// Features every generated crate has besides its API or tag features: the
/// TLS backend (rustls by default) and `tracing` spans.
const RUNTIME_FEATURES: &[(&str, &[&str])] = &[
    ("native-tls", &["reqwest/native-tls"]),
    ("rustls", &["reqwest/rustls"]),
    ("tracing", &["dep:tracing"]),
];

/// The `[dependencies]` of a generated crate (before configured additions):
/// what the runtime and the generated code use.
pub const RUNTIME_DEPENDENCIES: &str = DEPENDENCIES;

/// The `rust-version` a generated crate declares: the newest `rust-version`
/// among [`RUNTIME_DEPENDENCIES`] and everything they pull in, as locked in
/// this repository (uuid 1.29 needs 1.89; time 0.3.55, 1.88), every feature
/// on. `generator/tests/msrv.rs` fails when a locked dependency needs more.
pub const RUST_VERSION: &str = "1.89";

/// The crate's own files and its runtime package; `api_named`: the
/// dependencies the API modules' code names ([`named_dependencies`]).
pub(super) fn crate_files(
    modules: &[ApiModule<'_>],
    opts: &CrateOptions,
    api_named: &BTreeSet<&str>,
) -> Result<Vec<GeneratedFile>, String> {
    validate_package_name(&opts.name)?;
    validate_modules(modules)?;
    let mut files = Vec::new();
    let command = escape_controls(&opts.command);
    let header = format!("// @generated by `{command}`. Do not edit by hand.\n");

    // Features.
    let mut features: Vec<(String, Vec<String>)> = Vec::new();
    match opts.features {
        FeatureMode::PerApi => {
            let names: Vec<String> = modules.iter().map(|m| m.module.clone()).collect();
            features.push(("default".into(), names.clone()));
            for n in names {
                features.push((n, Vec::new()));
            }
        }
        FeatureMode::PerTag => {
            let mut tags = BTreeSet::new();
            for m in modules {
                if opts.tag_features(m.api) {
                    for op in &m.api.operations {
                        tags.extend(op.features.iter().cloned());
                    }
                    if gates_other_schemas(m.api) {
                        tags.insert(OTHER_SCHEMAS_FEATURE.to_string());
                    }
                }
            }
            if !tags.is_empty() {
                features.push(("default".into(), tags.iter().cloned().collect()));
                for t in tags {
                    features.push((t, Vec::new()));
                }
            }
        }
    }
    // The runtime's features; rustls is on by default.
    let api_features = features.len().saturating_sub(1);
    match features.iter_mut().find(|(name, _)| name == "default") {
        Some((_, default)) => default.push("rustls".to_string()),
        None => features.insert(0, ("default".into(), vec!["rustls".to_string()])),
    }
    // The runtime is a package of its own (see `runtime_package`): the
    // runtime's features, and the API features its parts are gated by, are
    // forwarded to it.
    let runtime_name = runtime_package_name(&opts.name);
    let gates = runtime_gates(modules, opts);
    let runtime = runtime_files(&gates);
    let gating = runtime_files::gating_features(&gates);
    for (name, deps) in &mut features {
        if gating.contains(name) {
            deps.push(format!("{runtime_name}/{name}"));
        }
    }
    for (name, _) in RUNTIME_FEATURES {
        features.push((name.to_string(), vec![format!("{runtime_name}/{name}")]));
    }
    let mut cargo = format!(
        "# @generated by `{}`. Do not edit by hand.\n[package]\nname = {}\nversion = {}\nedition = \"2021\"\nrust-version = \"{}\"\ndescription = {}\nlicense = \"MIT OR Apache-2.0\"\nreadme = \"README.md\"\n",
        command,
        toml_str(&opts.name),
        toml_str(&opts.version),
        RUST_VERSION,
        toml_str(&opts.description)
    );
    if !features.is_empty() {
        cargo.push_str("\n[features]\n");
        for (name, deps) in &features {
            let deps: Vec<String> = deps.iter().map(|d| toml_str(d)).collect();
            cargo.push_str(&format!("{} = [{}]\n", toml_key(name), deps.join(", ")));
        }
    }
    cargo.push('\n');
    cargo.push_str(&dependencies(
        modules,
        Some((&runtime_name, &opts.version)),
        api_named,
    ));
    if opts.standalone {
        cargo.push_str("\n[workspace]\n");
    }
    files.push(GeneratedFile {
        path: "Cargo.toml".into(),
        contents: cargo,
    });

    // lib.rs
    let crate_doc = inner_doc(&[
        Para::Spec(Some(&opts.description)),
        Para::Ours("Each API is a module with a `Client`; the shared runtime (errors, auth, retries) is in [`runtime`]."),
    ]);
    let mods = modules.iter().map(|m| {
        let name = super::rust_type::ident(&m.module);
        let cfg = (opts.features == FeatureMode::PerApi).then(|| {
            let f = &m.module;
            quote!(#[cfg(feature = #f)])
        });
        let d = doc(&[Para::Ours(&format!(
            "{} (from {}).",
            inline(&m.api.title),
            code(&m.spec_path)
        ))]);
        quote!(#d #cfg pub mod #name;)
    });
    // Lints allowed crate-wide: specific statuses are matched before the
    // ranges that contain them on purpose, response enums hold bodies of
    // very different sizes, and names and shapes come from the spec (a
    // parameter may well be called `foo`, a property `16`, giving the local
    // `_16` in its decoder; arrays may nest ten deep).
    // The recursion limit: rustdoc proves every auto trait of every type,
    // through each `Box`, `Vec` and `Maybe` of the longest chain of nested
    // types, and Stripe's (invoice → tax ids → …) passes the default 128.
    // The runtime package, re-exported as a crate: its docs are its own
    // (`#[doc(inline)]` would inline its `#[doc(hidden)]` re-exports, which
    // rustdoc does not hide across crates).
    let runtime_ident = proc_macro2::Ident::new(
        &runtime_name.replace('-', "_"),
        proc_macro2::Span::call_site(),
    );
    let lib = quote! {
        #crate_doc
        #![allow(clippy::disallowed_names, clippy::just_underscores_and_digits, clippy::large_enum_variant, clippy::match_overlapping_arm, clippy::too_many_arguments, clippy::type_complexity)]
        #![forbid(unsafe_code)]
        #![recursion_limit = "512"]

        pub use #runtime_ident as runtime;
        #(#mods)*
    };
    files.push(GeneratedFile {
        path: "src/lib.rs".into(),
        contents: format_rust(&header, lib, "lib.rs")?,
    });

    files.extend(runtime_package(
        modules,
        opts,
        &runtime_name,
        &gating,
        runtime,
    )?);
    files.push(GeneratedFile {
        path: "README.md".into(),
        contents: readme(modules, opts, api_features),
    });
    Ok(files)
}

/// Whether some type of `api` is behind the feature of the types no
/// operation reaches (`lower::gates`).
fn gates_other_schemas(api: &ir::Api) -> bool {
    api.types
        .iter()
        .any(|t| t.gate.iter().any(|f| f == OTHER_SCHEMAS_FEATURE))
}

/// The runtime parts of each API, behind the API's feature in a crate of
/// one feature per API.
fn runtime_gates(modules: &[ApiModule<'_>], opts: &CrateOptions) -> ir::RuntimeGates {
    ir::RuntimeGates::new(
        modules
            .iter()
            .map(|m| (m.module.clone(), m.api.runtime))
            .collect(),
        opts.features == FeatureMode::PerApi,
    )
}

/// The name of the runtime's package: the crate's, `-runtime` added.
fn runtime_package_name(name: &str) -> String {
    format!("{name}-runtime")
}

/// The runtime as a package of its own in `runtime/`, which the crate
/// depends on by path and re-exports as `runtime`: a change of spec
/// regenerates and recompiles the API crate, while the runtime, the same
/// text as long as the parts used are, stays compiled (as progenitor's
/// `progenitor-client`). Its files are the runtime's verbatim but for
/// visibility ([`runtime_files::public_visibility`]) and the crate's name
/// in the default `User-Agent`; its features are the
/// TLS backends, `tracing`, and the API features its parts are gated by.
fn runtime_package(
    modules: &[ApiModule<'_>],
    opts: &CrateOptions,
    name: &str,
    gating: &BTreeSet<String>,
    runtime: Vec<(&'static str, std::borrow::Cow<'static, str>)>,
) -> Result<Vec<GeneratedFile>, String> {
    let command = escape_controls(&opts.command);
    let mut cargo = format!(
        "# @generated by `{}`. Do not edit by hand.\n[package]\nname = {}\nversion = {}\nedition = \"2021\"\nrust-version = \"{}\"\ndescription = {}\nlicense = \"MIT OR Apache-2.0\"\n\n[features]\n",
        command,
        toml_str(name),
        toml_str(&opts.version),
        RUST_VERSION,
        toml_str(&format!(
            "The runtime of {} (responses, errors, retries, authentication), generated with it.",
            opts.name
        ))
    );
    for feature in gating {
        cargo.push_str(&format!("{} = []\n", toml_key(feature)));
    }
    for (feature, deps) in RUNTIME_FEATURES {
        let deps: Vec<String> = deps.iter().map(|d| toml_str(d)).collect();
        cargo.push_str(&format!("{feature} = [{}]\n", deps.join(", ")));
    }
    cargo.push('\n');
    let named = named_dependencies(runtime.iter().map(|(_, text)| text.as_ref()));
    cargo.push_str(&dependencies(modules, None, &named));
    let mut files = vec![GeneratedFile {
        path: "runtime/Cargo.toml".into(),
        contents: cargo,
    }];
    for (file, text) in runtime {
        let root = file == "mod.rs";
        let how = if root {
            "copied from generator/runtime/mod.rs without the lines of the runtime parts no API here uses, and those only some APIs use behind their features".to_string()
        } else if file == "client.rs" {
            format!("copied from generator/runtime/{file} with the crate's name in the default User-Agent")
        } else {
            format!("copied from generator/runtime/{file}")
        };
        let mut text = runtime_files::public_visibility(&text);
        if file == "client.rs" {
            text = crate_name_in_user_agent(&text, &opts.name)?;
        }
        // As the API crate's.
        let forbid = if root {
            "#![forbid(unsafe_code)]\n"
        } else {
            ""
        };
        files.push(GeneratedFile {
            path: PathBuf::from("runtime/src").join(if root { "lib.rs" } else { file }),
            contents: format!(
                "// @generated by `{command}`: {how}, every `pub(crate)` made `#[doc(hidden)] pub`. Do not edit by hand.\n{RUSTFMT_SKIP}\n{forbid}\n{text}"
            ),
        });
    }
    Ok(files)
}

/// The runtime's `client.rs` with the default `User-Agent` naming the API
/// crate (`name`), not the runtime package `env!("CARGO_PKG_NAME")` names in
/// it (the version is the same).
fn crate_name_in_user_agent(client_rs: &str, name: &str) -> Result<String, String> {
    const PACKAGE_NAME: &str = "env!(\"CARGO_PKG_NAME\")";
    if client_rs.matches(PACKAGE_NAME).count() != 1 {
        return Err(format!(
            "internal error: the runtime's client.rs names `{PACKAGE_NAME}` other than once"
        ));
    }
    Ok(client_rs.replace(PACKAGE_NAME, &format!("{name:?}")))
}

/// The package names of [`DEPENDENCIES`].
fn dependency_names() -> Vec<&'static str> {
    DEPENDENCIES
        .lines()
        .filter_map(|l| l.split_once(" = "))
        .map(|(k, _)| k)
        .collect()
}

/// The dependencies among [`DEPENDENCIES`] that `texts` name (see
/// [`named_crates`](super::named_crates)).
pub(super) fn named_dependencies<'a>(
    texts: impl IntoIterator<Item = &'a str>,
) -> BTreeSet<&'static str> {
    let candidates = dependency_names();
    let mut found = BTreeSet::new();
    for text in texts {
        super::named_crates::scan(text, &candidates, &mut found);
    }
    found
}

/// A `[dependencies]` table: those of [`DEPENDENCIES`] in `named` (what the
/// package's code names), sorted. For the API crate (`runtime`: the runtime
/// package's name and version), plus the runtime package and those the APIs'
/// configuration adds (a configured entry replaces the runtime's entry of the
/// same name).
fn dependencies(
    modules: &[ApiModule<'_>],
    runtime: Option<(&str, &str)>,
    named: &BTreeSet<&str>,
) -> String {
    let mut deps: std::collections::BTreeMap<String, String> = DEPENDENCIES
        .lines()
        .filter_map(|l| l.split_once(" = "))
        .filter(|(k, _)| named.contains(k))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    if let Some((name, version)) = runtime {
        deps.insert(
            name.to_string(),
            format!(
                "{{ path = \"runtime\", version = {}, default-features = false }}",
                toml_str(&format!("={version}"))
            ),
        );
        for m in modules {
            for (name, spec) in &m.api.dependencies {
                deps.insert(name.clone(), spec.clone());
            }
        }
    }
    let mut out = String::from("[dependencies]\n");
    for (name, spec) in deps {
        out.push_str(&format!("{} = {spec}\n", toml_key(&name)));
    }
    out
}

fn toml_key(k: &str) -> String {
    if k.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        k.to_string()
    } else {
        toml_str(k)
    }
}

fn readme(modules: &[ApiModule<'_>], opts: &CrateOptions, api_features: usize) -> String {
    // Spec text is escaped as in doc comments; `|` would split a table cell.
    let cell = |t: String| t.replace('|', "\\|");
    let mut s = format!(
        "<!-- @generated by `{}`. Do not edit by hand. -->\n\n# {}\n\n{}\n\n",
        escape_controls(&opts.command).replace("-->", "-- >"),
        opts.name,
        inline(&opts.description)
    );
    s.push_str("| module | API | spec | operations |\n|---|---|---|---|\n");
    for m in modules {
        let ops: Vec<String> = m
            .api
            .operations
            .iter()
            .map(|o| format!("`{}`", o.name))
            .collect();
        let ops = if ops.len() > 8 {
            format!("{} operations", ops.len())
        } else {
            ops.join(", ")
        };
        s.push_str(&format!(
            "| `{}` | {} {} | {} | {} |\n",
            m.module,
            cell(inline(&m.api.title)),
            cell(inline(&m.api.version)),
            cell(code(&m.spec_path)),
            ops
        ));
    }
    if opts.features == FeatureMode::PerApi && api_features > 0 {
        let example = modules.first().map_or("api", |m| m.module.as_str());
        s.push_str(&format!("\nEach module is behind a cargo feature of the same name (all on by default): depend with `default-features = false, features = [\"{example}\", \"rustls\"]` to compile only what you use.\n"));
    } else if opts.features == FeatureMode::PerTag && api_features > 0 {
        // Lowering names them after paths when the API has no tags.
        let by = if modules.iter().all(|m| m.api.tags.is_empty()) {
            "the first resource of their path, as the API has no tags (`/v1/customers/{id}` is in `path-customers`)"
        } else {
            "tag"
        };
        let other = modules
            .iter()
            .any(|m| opts.tag_features(m.api) && gates_other_schemas(m.api));
        let operation_features = api_features.saturating_sub(usize::from(other));
        s.push_str(&format!(
            "\nOperations are grouped into cargo features by {by} ({operation_features} features, all on by default): `default-features = false` plus the features you need (and `rustls`) keeps compile times down.{}\n",
            if other {
                " The types no operation uses (schemas to build or decode yourself) are behind `other-schemas`, also on by default."
            } else {
                ""
            }
        ));
    }
    s.push_str("\n| cargo feature | |\n|---|---|\n| `rustls` (default) | HTTPS through rustls, with the platform's certificate verifier |\n| `native-tls` | HTTPS through the platform's TLS library instead |\n| `tracing` | a `tracing` span per call (operation, method, path template, status, attempts; never credentials, parameter values or query strings) |\n");
    if let Some(m) = modules.first() {
        if let Some(op) = m.api.operations.first() {
            s.push_str(&format!(
                "\n## Usage\n\n```rust,ignore\nlet client = {}::{}::Client::new(/* credentials */);\nlet response = client.{}(/* path parameters, body */).await?;\nprintln!(\"{{}}\", response.status());\n```\n",
                opts.name.replace('-', "_"),
                m.module,
                op.name
            ));
        }
    }
    s.push_str(&format!(
        "\nThe runtime (responses, errors, retries, authentication) is the package `{}` in `runtime/`, generated with this crate, pinned to its version and re-exported as `runtime`.\n",
        runtime_package_name(&opts.name)
    ));
    s.push_str("\nEvery call returns `runtime::Response<T>` (status, headers, typed body) or `runtime::Error<E>`, which separates declared error statuses (typed `E`), unexpected statuses, decode failures (with the JSON path), timeouts and transport errors. Requests are retried with exponential backoff on connection errors, 408, 429 and 5xx when the method is idempotent (or an idempotency key is set); see `runtime::RetryPolicy`.\n");
    s
}
