//! Real-world OpenAPI constructs, one small spec each, in
//! `generator/tests/constructs/*.yaml`.
//!
//! For every spec: the lowering warnings and the generated `src/api/types.rs`
//! and `src/api/client.rs` of a standalone crate (as `cargo xtask generate`
//! makes it) are snapshotted. [`generated_crates_compile`] writes all the
//! crates into `target/constructs/<name>` as members of one scratch workspace
//! (`target/constructs/Cargo.toml`) and runs `cargo check` once over all of
//! them, then `cargo clippy -- -D warnings`: both must pass with no warning.
//!
//! Review `.snap.new` files before accepting them: a snapshot recording a bug
//! is a defect (known ones are listed in `target/requests/snapshots.md`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use clientgen::emit::{self, ApiModule, CrateOptions, FeatureMode, GeneratedFile};

/// One `#[test]` per construct spec, and the list of them all.
macro_rules! constructs {
    ($($name:ident),* $(,)?) => {
        const ALL: &[&str] = &[$(stringify!($name)),*];
        $(
            #[test]
            fn $name() {
                snapshot(stringify!($name));
            }
        )*
    };
}

constructs!(
    additional_properties,
    allof_merge,
    anyof,
    anyof_partial_objects,
    anyof_inferred_tag,
    big_integers,
    client_header_defaults,
    degrade_bad_keywords,
    degrade_operations,
    degrade_refs,
    degrade_type_null_30,
    constant_fields,
    doc_prose,
    downloads,
    enum_collisions,
    event_streams,
    example_ref_literal,
    free_form,
    hostile_text,
    inline_copies,
    nullable_ref_30,
    nullable_unions,
    oneof_discriminator_implicit,
    oneof_documented_enum,
    oneof_large_variants,
    oneof_discriminator_mapping,
    oneof_single,
    oneof_untagged,
    name_stress,
    operation_ids,
    pagination_cursor,
    pagination_extension,
    pagination_numbers,
    parameter_names_rust,
    parameter_refs,
    parameter_styles,
    path_item_ref,
    property_names,
    read_write_only,
    recursive_alias,
    recursive_allof_description,
    recursive_array,
    recursive_box,
    recursive_mutual,
    request_body_validated,
    request_media_types,
    responses_multi,
    runtime_parts_all,
    security_schemes,
    server_variables,
    tag_gates,
    tagless_features,
    v31_const,
    v31_ref_siblings,
    v31_type_arrays,
    v31_webhooks,
);

fn specs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/constructs")
}

/// Where the crates are written and compiled.
fn out_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/constructs")
}

fn display(name: &str) -> String {
    format!("generator/tests/constructs/{name}.yaml")
}

fn crate_name(name: &str) -> String {
    format!("construct-{}", name.replace('_', "-"))
}

/// The files of a crate for one construct, through the same code path as
/// `xtask/src/generate.rs` (`crate_files`), and the lowering warnings.
fn generate(name: &str, standalone: bool) -> Result<(Vec<GeneratedFile>, Vec<String>), String> {
    let display = display(name);
    let lowered = clientgen::lower_file(&specs_dir().join(format!("{name}.yaml")), &display)
        .map_err(|d| format!("{display} does not load: {d}"))?;
    let api = &lowered.api;
    let opts = CrateOptions {
        name: crate_name(name),
        version: "0.1.0".into(),
        description: format!("Generated client for {} {}", api.title, api.version),
        command: format!("cargo xtask generate {display}"),
        features: FeatureMode::PerTag,
        standalone,
    };
    let files = emit::emit_crate(
        &[ApiModule {
            module: "api".to_string(),
            spec_path: display.clone(),
            api,
        }],
        &opts,
    )
    .map_err(|e| format!("{display}: emit failed: {e}"))?;
    let warnings = lowered.warnings.iter().map(|w| w.to_string()).collect();
    Ok((files, warnings))
}

fn snapshot(name: &str) {
    let (files, warnings) = generate(name, true).unwrap_or_else(|e| panic!("{e}"));
    insta::assert_snapshot!(format!("{name}__warnings"), warnings.join("\n"));
    for file in ["types.rs", "client.rs"] {
        let path = Path::new("src/api").join(file);
        let found = files
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("{name}: no {} among the generated files", path.display()));
        insta::assert_snapshot!(
            format!("{name}__{}", file.trim_end_matches(".rs")),
            &found.contents
        );
    }
}

/// The text of the generated file at `path`.
fn file_text<'a>(files: &'a [GeneratedFile], path: &str) -> &'a str {
    &files
        .iter()
        .find(|f| f.path == Path::new(path))
        .unwrap_or_else(|| panic!("no {path}"))
        .contents
}

/// An API without tags gets one feature per first path resource: the
/// manifest lists them (on by default) and each operation is behind its own.
#[test]
fn tagless_apis_get_path_features() {
    let (files, _) = generate("tagless_features", true).unwrap_or_else(|e| panic!("{e}"));
    let file = |p: &str| file_text(&files, p);
    let cargo = file("Cargo.toml");
    assert!(
        cargo.contains(
            "default = [\"path-customers\", \"path-invoices\", \"untagged\", \"rustls\"]\npath-customers = []\npath-invoices = []\nuntagged = []\n"
        ),
        "{cargo}"
    );
    let client = file("src/api/client.rs");
    for (feature, method) in [
        ("untagged", "health"),
        ("path-customers", "list_customers"),
        ("path-customers", "create_customer"),
        ("path-customers", "get_customer"),
        ("path-invoices", "get_invoice"),
    ] {
        // The `impl Client` block holding the method is behind the feature.
        let at = client
            .find(&format!("pub fn {method}<"))
            .unwrap_or_else(|| panic!("no method {method}:\n{client}"));
        let block = client[..at].rfind("impl Client {").expect("an impl block");
        let cfg = client[..block].rfind("#[cfg(").expect("a cfg");
        assert_eq!(
            &client[cfg..block],
            format!("#[cfg(feature = \"{feature}\")]\n"),
            "{method}"
        );
    }
}

/// Types no operation reaches are behind `other-schemas`, a feature of the
/// manifest (on by default) that the README names apart from the
/// operations' features.
#[test]
fn types_no_operation_reaches_have_a_feature() {
    let (files, _) = generate("tag_gates", true).unwrap_or_else(|e| panic!("{e}"));
    let file = |p: &str| file_text(&files, p);
    let cargo = file("Cargo.toml");
    assert!(
        cargo.contains(
            "default = [\"other-schemas\", \"tag-pets\", \"tag-stores\", \"tag-users\", \"untagged\", \"rustls\"]\nother-schemas = []\n"
        ),
        "{cargo}"
    );
    let readme = file("README.md");
    assert!(
        readme.contains("by tag (4 features, all on by default)")
            && readme.contains("are behind `other-schemas`, also on by default."),
        "{readme}"
    );
    let types = file("src/api/types.rs");
    let at = types.find("pub struct Archive {").expect("Archive");
    let cfg = types[..at].rfind("#[cfg(").expect("a cfg");
    assert!(
        types[cfg..at].starts_with("#[cfg(feature = \"other-schemas\")]\n"),
        "{}",
        &types[cfg..at]
    );
}

/// A paged list whose only success response is the page checks the status
/// in one private fn that `send()` and `pages()` share (one copy of the error
/// arms to compile, not two); with another success response (`listJobs`'s
/// 202) `send()` keeps its own match and `pages()` its own check.
#[test]
fn paged_lists_share_the_status_check() {
    let (files, _) = generate("pagination_cursor", true).unwrap_or_else(|e| panic!("{e}"));
    let client = files
        .iter()
        .find(|f| f.path == Path::new("src/api/client.rs"))
        .expect("a client.rs");
    let text = &client.contents;
    let builder_impl = |builder: &str| {
        let head = format!("impl<'a> {builder}<'a> {{");
        let start = text.find(&head).unwrap_or_else(|| panic!("no `{head}`"));
        let end = start + text[start..].find("\n}\n").expect("the impl ends");
        &text[start..end]
    };
    let contacts = builder_impl("ListContactsBuilder");
    assert_eq!(
        contacts.matches("fn check_status(").count(),
        1,
        "{contacts}"
    );
    assert_eq!(
        contacts.matches("Self::check_status").count(),
        2,
        "{contacts}"
    );
    assert_eq!(contacts.matches("=> Ok(raw)").count(), 1, "{contacts}");
    assert!(
        contacts.contains("ListContactsError::NotFound"),
        "{contacts}"
    );
    let jobs = builder_impl("ListJobsBuilder");
    assert!(jobs.contains("pub fn pages("), "{jobs}");
    assert!(!jobs.contains("check_status"), "{jobs}");
    assert_eq!(jobs.matches("=> Ok(raw)").count(), 1, "{jobs}");
}

#[test]
fn every_spec_has_a_test() {
    let mut on_disk: Vec<String> = std::fs::read_dir(specs_dir())
        .expect("tests/constructs exists")
        .filter_map(|e| {
            let p = e.ok()?.path();
            (p.extension()? == "yaml")
                .then(|| p.file_stem().unwrap().to_string_lossy().into_owned())
        })
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = ALL.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(
        on_disk, listed,
        "every tests/constructs/*.yaml needs an entry in `constructs!`"
    );
}

/// Runs cargo in the scratch workspace; returns (success, combined output).
fn cargo(out: &Path, args: &[&str]) -> (bool, String, std::time::Duration) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let start = Instant::now();
    let output = Command::new(cargo)
        .args(args)
        .current_dir(out)
        .env("CARGO_TARGET_DIR", out.join("target"))
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        // Only `cargo doc` reads it: warnings are errors there too.
        .env("RUSTDOCFLAGS", "-D warnings")
        .output()
        .expect("cargo runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text, start.elapsed())
}

/// Diagnostics in `--message-format short` output: lines naming an error or
/// a warning (cargo's own summary lines included; not crate names such as
/// `serde_path_to_error`).
fn diagnostics(output: &str) -> Vec<&str> {
    output
        .lines()
        .filter(|l| {
            l.starts_with("warning")
                || l.starts_with("error")
                || l.contains(": warning")
                || l.contains(": error")
        })
        .collect()
}

#[test]
fn generated_crates_compile() {
    let out = out_dir();
    std::fs::create_dir_all(&out).expect("create target/constructs");
    let mut members = Vec::new();
    let mut failures = Vec::new();
    for name in ALL {
        match generate(name, false) {
            Ok((files, _)) => {
                clientgen::write::write(&out.join(name), &files)
                    .unwrap_or_else(|e| panic!("cannot write target/constructs/{name}: {e}"));
                members.push(*name);
            }
            Err(e) => failures.push(e),
        }
    }
    let members_toml: Vec<String> = members.iter().map(|m| format!("    \"{m}\",")).collect();
    let manifest = format!(
        "# Written by generator/tests/constructs.rs: every construct crate, checked at once.\n[workspace]\nresolver = \"2\"\nmembers = [\n{}\n]\n",
        members_toml.join("\n")
    );
    let manifest_path = out.join("Cargo.toml");
    if std::fs::read_to_string(&manifest_path).ok().as_deref() != Some(manifest.as_str()) {
        std::fs::write(&manifest_path, manifest).expect("write target/constructs/Cargo.toml");
    }
    // Start from the repository's lock file: the same dependency versions,
    // already downloaded, and no registry query.
    let lock = out.join("Cargo.lock");
    if !lock.exists() {
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock"),
            &lock,
        )
        .expect("copy Cargo.lock");
    }

    // `--keep-going`: report every crate, not just the first that fails.
    let (ok, output, took) = cargo(
        &out,
        &[
            "check",
            "--workspace",
            "--keep-going",
            "--message-format",
            "short",
        ],
    );
    eprintln!(
        "cargo check of {} construct crates: {:.1?}",
        members.len(),
        took
    );
    let found = diagnostics(&output);
    if !ok || !found.is_empty() {
        failures.push(format!(
            "`cargo check --workspace` in target/constructs {} with {} diagnostic lines:\n{}",
            if ok { "passed" } else { "FAILED" },
            found.len(),
            found.join("\n")
        ));
    }
    // Clippy as soon as everything compiles (warnings included: it repeats
    // them, so its list is complete).
    if ok {
        let (ok, output, took) = cargo(
            &out,
            &[
                "clippy",
                "--workspace",
                "--keep-going",
                "--message-format",
                "short",
                "--",
                "-D",
                "warnings",
                // A generated manifest lists only what its package's code uses.
                "-W",
                "unused-crate-dependencies",
            ],
        );
        eprintln!(
            "cargo clippy of {} construct crates: {:.1?}",
            members.len(),
            took
        );
        let found = diagnostics(&output);
        if !ok || !found.is_empty() {
            failures.push(format!(
                "`cargo clippy --workspace -- -D warnings -W unused-crate-dependencies` in target/constructs {} with {} diagnostic lines:\n{}",
                if ok { "passed" } else { "FAILED" },
                found.len(),
                found.join("\n")
            ));
        }
        // A tagless API's crate with each of its path features alone, and
        // with none, and a tagged one likewise (its types are gated too): no
        // operation, type or runtime item may be left unused, and the docs
        // must not link to an item left out.
        for (krate, features) in [
            ("construct-tagless-features", "rustls"),
            ("construct-tagless-features", "rustls,path-customers"),
            ("construct-tagless-features", "rustls,path-invoices"),
            ("construct-tagless-features", "rustls,untagged"),
            ("construct-tag-gates", "rustls"),
            ("construct-tag-gates", "rustls,tag-pets"),
            ("construct-tag-gates", "rustls,tag-stores"),
            ("construct-tag-gates", "rustls,tag-users"),
            ("construct-tag-gates", "rustls,untagged"),
            ("construct-tag-gates", "rustls,other-schemas"),
            ("construct-inline-copies", "rustls,tag-pets"),
            ("construct-inline-copies", "rustls,tag-toys"),
        ] {
            for command in ["clippy", "doc"] {
                let mut args = vec![
                    command,
                    "-p",
                    krate,
                    "--no-default-features",
                    "--features",
                    features,
                    "--message-format",
                    "short",
                ];
                if command == "clippy" {
                    args.extend(["--", "-D", "warnings"]);
                } else {
                    args.push("--no-deps");
                }
                let (ok, output, took) = cargo(&out, &args);
                eprintln!("cargo {command} of {krate} with {features}: {took:.1?}");
                let found = diagnostics(&output);
                if !ok || !found.is_empty() {
                    failures.push(format!(
                        "`cargo {command} --no-default-features --features {features}` of {krate} {} with {} diagnostic lines:\n{}",
                        if ok { "passed" } else { "FAILED" },
                        found.len(),
                        found.join("\n")
                    ));
                }
            }
        }
        // The runtime's docs with every optional part and with none (the
        // hostile-text test documents another crate without any).
        let (ok, output, took) = cargo(
            &out,
            &[
                "doc",
                "--no-deps",
                "-p",
                "construct-runtime-parts-all",
                "-p",
                "construct-runtime-parts-all-runtime",
                "-p",
                "construct-additional-properties",
                "-p",
                "construct-additional-properties-runtime",
                "--message-format",
                "short",
            ],
        );
        eprintln!("cargo doc of 2 construct crates and their runtimes: {took:.1?}");
        let found = diagnostics(&output);
        if !ok || !found.is_empty() {
            failures.push(format!(
                "`cargo doc` (-D warnings) in target/constructs {} with {} diagnostic lines:\n{}",
                if ok { "passed" } else { "FAILED" },
                found.len(),
                found.join("\n")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The runtime files of a construct's crate (in its runtime package).
fn runtime_files(name: &str) -> Vec<String> {
    let (files, _) = generate(name, true).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        !files.iter().any(|f| f.path.starts_with("src/runtime")),
        "{name}: the runtime is a package of its own"
    );
    files
        .iter()
        .filter_map(|f| f.path.strip_prefix("runtime/src").ok())
        .map(|p| p.to_string_lossy().into_owned())
        .collect()
}

/// 3.0 `nullable: true` beside a `$ref` makes the property nullable: `null`
/// is kept (optional: three states) or accepted (required), in arrays too;
/// a plain `$ref` stays non-nullable. An optional property typed by a named
/// untyped schema is three-state as an inline untyped one is.
#[test]
fn nullable_beside_a_ref_is_honoured_in_3_0() {
    let path = specs_dir().join("nullable_ref_30.yaml");
    let api = clientgen::lower_file(&path, "nullable_ref_30.yaml")
        .unwrap_or_else(|d| panic!("{d}"))
        .api;
    let task = api
        .types
        .iter()
        .find(|t| t.name == "Task")
        .expect("type Task");
    let clientgen::ir::TypeKind::Struct(s) = &task.kind else {
        panic!("Task is not a struct: {:?}", task.kind);
    };
    let field = |name: &str| {
        s.fields
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("no field {name}"))
    };
    assert!(field("state").required && field("state").nullable());
    assert!(field("execution_timeout").three_state());
    assert!(!field("retry_delay").nullable());
    // An optional property of a named untyped schema keeps `null` too.
    assert!(field("config").three_state());
    match &field("sub_timeouts").ty.non_null() {
        clientgen::ir::TypeRef::Array(item) => assert!(item.is_nullable(), "{item:?}"),
        other => panic!("sub_timeouts: {other:?}"),
    }
}

#[test]
fn crates_hold_the_runtime_parts_they_use() {
    let optional = [
        "buffer.rs",
        "datetime.rs",
        "download.rs",
        "events.rs",
        "maybe.rs",
        "multipart.rs",
        "oauth2.rs",
        "pagination.rs",
        "sse.rs",
        "stream.rs",
        "union.rs",
    ];
    let all = runtime_files("runtime_parts_all");
    assert_eq!(all.len(), emit::RUNTIME_FILES.len(), "{all:?}");
    let expect = |name: &str, present: &[&str]| {
        let files = runtime_files(name);
        for f in optional {
            assert_eq!(
                files.contains(&f.to_string()),
                present.contains(&f),
                "{name}: {f}"
            );
        }
        assert_eq!(
            files.len(),
            emit::RUNTIME_FILES.len() - optional.len() + present.len(),
            "{name}: {files:?}"
        );
    };
    expect("additional_properties", &[]);
    expect("pagination_cursor", &["pagination.rs", "maybe.rs"]);
    expect(
        "event_streams",
        &["buffer.rs", "events.rs", "sse.rs", "stream.rs", "union.rs"],
    );
    expect("downloads", &["download.rs", "stream.rs"]);
    expect("security_schemes", &["oauth2.rs"]);
    expect("oneof_untagged", &["buffer.rs", "union.rs"]);
    // The futures crates only the streaming parts use, in the runtime's
    // manifest; the API crate's lists what the API code names (the
    // workspace clippy run above checks every construct with
    // `unused_crate_dependencies`).
    let manifest = |name: &str, path: &str| {
        let (files, _) = generate(name, true).unwrap_or_else(|e| panic!("{e}"));
        files
            .into_iter()
            .find(|f| f.path == Path::new(path))
            .map(|f| f.contents)
            .unwrap_or_else(|| panic!("{name}: no {path}"))
    };
    let runtime = |name: &str| manifest(name, "runtime/Cargo.toml");
    assert!(runtime("runtime_parts_all").contains("\nfutures-util = "));
    assert!(runtime("downloads").contains("\nfutures-util = "));
    assert!(!runtime("additional_properties").contains("futures"));
    assert!(!runtime("security_schemes").contains("futures"));
    // A binary request body is `impl Into<bytes::Bytes>`.
    let api = manifest("request_media_types", "Cargo.toml");
    for used in ["bytes", "reqwest", "serde"] {
        assert!(api.contains(&format!("\n{used} = ")), "{used}:\n{api}");
    }
    // `serde_json` too: its types' undeclared properties are `runtime::Extra`.
    for unused in [
        "base64",
        "futures-util",
        "serde_json",
        "time",
        "tokio",
        "uuid",
    ] {
        assert!(!api.contains(&format!("\n{unused} = ")), "{unused}:\n{api}");
    }
}

/// A crate of two APIs behind features: `all` uses every optional runtime
/// part, `plain` none.
#[test]
fn the_runtime_is_a_package_of_its_own() {
    let lower = |name: &str| {
        clientgen::lower_file(&specs_dir().join(format!("{name}.yaml")), name)
            .unwrap_or_else(|d| panic!("{name} does not load: {d}"))
            .api
    };
    let (all, plain) = (lower("runtime_parts_all"), lower("additional_properties"));
    let opts = CrateOptions {
        name: "two-apis".into(),
        version: "1.2.3".into(),
        description: "Two APIs".into(),
        command: "test".into(),
        features: FeatureMode::PerApi,
        standalone: true,
    };
    let module = |module: &str, api| ApiModule {
        module: module.into(),
        spec_path: format!("{module}.yaml"),
        api,
    };
    let files =
        emit::emit_crate(&[module("all", &all), module("plain", &plain)], &opts).expect("emits");
    let file = |path: &str| {
        files
            .iter()
            .find(|f| f.path == Path::new(path))
            .map(|f| f.contents.as_str())
            .unwrap_or_else(|| panic!("no {path}"))
    };
    let cargo = file("Cargo.toml");
    for line in [
        "two-apis-runtime = { path = \"runtime\", version = \"=1.2.3\", default-features = false }",
        "all = [\"two-apis-runtime/all\"]",
        "plain = []",
        "rustls = [\"two-apis-runtime/rustls\"]",
        "native-tls = [\"two-apis-runtime/native-tls\"]",
        "tracing = [\"two-apis-runtime/tracing\"]",
        "[workspace]",
    ] {
        assert!(cargo.lines().any(|l| l == line), "{line}:\n{cargo}");
    }
    assert!(
        !cargo.contains("\ntracing = {"),
        "only the runtime traces:\n{cargo}"
    );
    let runtime = file("runtime/Cargo.toml");
    for line in [
        "name = \"two-apis-runtime\"",
        "version = \"1.2.3\"",
        "all = []",
        "rustls = [\"reqwest/rustls\"]",
        "tracing = [\"dep:tracing\"]",
    ] {
        assert!(runtime.lines().any(|l| l == line), "{line}:\n{runtime}");
    }
    assert!(
        !runtime.contains("plain") && !runtime.contains("[workspace]"),
        "{runtime}"
    );
    assert!(file("src/lib.rs").contains("\npub use two_apis_runtime as runtime;\n"));
    let lib = file("runtime/src/lib.rs");
    assert!(lib.contains("#[cfg(feature = \"all\")]\n#[doc(hidden)] pub mod pagination;"));
    assert!(lib.contains("#![forbid(unsafe_code)]"));
    // The default User-Agent names the API crate, not the runtime package.
    let client = file("runtime/src/client.rs");
    assert!(
        client.contains("concat!(\"two-apis\", \"/\", env!(\"CARGO_PKG_VERSION\"))"),
        "{client}"
    );
    for f in &files {
        assert!(f.contents.contains("@generated"), "{}", f.path.display());
        if f.path.starts_with("runtime/src") {
            // Comments (the header among them) may name it; code has none left.
            let code = f
                .contents
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"));
            for line in code {
                assert!(!line.contains("pub(crate)"), "{}: {line}", f.path.display());
            }
        }
    }
    assert!(!files.iter().any(|f| f.path.starts_with("src/runtime")));
}
