//! Decode throughput: one large, real-shaped response (schema-driven
//! instances of its items, see `instances.rs`) decoded into the types each
//! generator made for the same spec, in one release binary that alternates
//! them and reports medians.
//!
//! The binary (written to `target/bench/decode/<spec>/`) depends on the
//! three generated crates. `filter` mode decodes each pooled item alone
//! with every generator's item type; the document is built from the first
//! items all of them accept, so every generator decodes the same bytes.
//! `bench` mode times whole-document decodes and counts how many of the
//! document's undeclared properties each generator's value still holds.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

use super::generation::Outcome;
use super::generators::Gen;
use super::instances::{self, UNDECLARED};
use super::suite::DecodeCase;
use super::typenames::{self, DecodeTypes};

/// One way of decoding the document.
#[derive(Clone, Debug)]
pub(super) struct Decoder {
    /// The name in the report.
    pub(super) name: String,
    pub(super) gen: Gen,
    /// `runtime`: ours through the generated crate's own response decoding
    /// (`RawResponse::decode`, which tracks the failing field's path only
    /// after a failure); `plain`: `serde_json::from_slice`.
    pub(super) how: &'static str,
    pub(super) types: DecodeTypes,
}

#[derive(Clone, Debug, Default)]
pub(super) struct DecodeRow {
    pub(super) name: String,
    pub(super) gen: Option<Gen>,
    pub(super) mb_per_s: Option<f64>,
    /// Undeclared properties the decoded value kept (re-serialized), of
    /// the document's.
    pub(super) kept: Option<usize>,
    pub(super) error: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub(super) struct DecodeResult {
    pub(super) what: String,
    pub(super) bytes: usize,
    pub(super) items: usize,
    /// Pool size and how many items each generator rejected.
    pub(super) pool: usize,
    pub(super) rejected: BTreeMap<String, usize>,
    pub(super) rows: Vec<DecodeRow>,
    pub(super) error: Option<String>,
}

pub(super) struct DecodeJob<'a> {
    pub(super) label: &'a str,
    pub(super) spec: &'a Path,
    pub(super) case: &'a DecodeCase,
    pub(super) outcomes: &'a BTreeMap<Gen, Outcome>,
    pub(super) fuzz_dir: &'a Path,
    pub(super) work: &'a Path,
    pub(super) rounds: usize,
}

pub(super) fn decode(job: &DecodeJob<'_>) -> DecodeResult {
    let mut r = DecodeResult {
        what: job.case.what.to_string(),
        ..Default::default()
    };
    if let Err(e) = run(job, &mut r) {
        r.error = Some(e);
    }
    r
}

fn run(job: &DecodeJob<'_>, r: &mut DecodeResult) -> Result<(), String> {
    let text = fs::read_to_string(job.spec)
        .map_err(|e| format!("cannot read {}: {e}", job.spec.display()))?;
    let spec: Value = clientgen::load::parse_value(&text)?;
    // The decoders: every generator that produced a crate whose types for
    // this response can be found.
    let mut decoders = Vec::new();
    let mut deps = Vec::new();
    for (g, outcome) in job.outcomes {
        let Some(dir) = outcome.dir() else { continue };
        match typenames::find(*g, job.spec, dir, job.case) {
            Ok(types) => {
                deps.push((*g, dir.to_path_buf()));
                if *g == Gen::Ours {
                    decoders.push(Decoder {
                        name: "clientgen".into(),
                        gen: *g,
                        how: "runtime",
                        types: types.clone(),
                    });
                    decoders.push(Decoder {
                        name: "clientgen (from_slice)".into(),
                        gen: *g,
                        how: "plain",
                        types,
                    });
                } else {
                    decoders.push(Decoder {
                        name: g.name().into(),
                        gen: *g,
                        how: "plain",
                        types,
                    });
                }
            }
            Err(e) => r.rows.push(DecodeRow {
                name: g.name().into(),
                gen: Some(*g),
                error: Some(e),
                ..Default::default()
            }),
        }
    }
    if decoders.is_empty() {
        return Err("no generator's types found".into());
    }

    let pool_size = job.case.items * 3;
    eprintln!(
        "bench: {} — {} schema-driven instances of {}",
        job.label, pool_size, job.case.item
    );
    let pool = instances::pool(job.fuzz_dir, &spec, job.case, pool_size, job.work)?;
    r.pool = pool.items.len();

    let bin = build(job, &deps, &decoders)?;

    // Which items every decoder accepts.
    let pool_path = job.work.join("pool.jsonl");
    let mut lines = String::new();
    for (i, item) in pool.items.iter().enumerate() {
        let _ = writeln!(lines, "{}", instances::with_undeclared(item, i));
    }
    fs::write(&pool_path, lines)
        .map_err(|e| format!("cannot write {}: {e}", pool_path.display()))?;
    let filtered = run_bin(&bin, &["filter", &pool_path.to_string_lossy()])?;
    let mut accepted = Vec::new();
    for line in filtered.lines() {
        let v: Value = serde_json::from_str(line)
            .map_err(|e| format!("decode filter printed {line:?}: {e}"))?;
        let rejected_by: Vec<String> = v["rejected_by"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect();
        for name in &rejected_by {
            *r.rejected.entry(name.clone()).or_default() += 1;
        }
        if rejected_by.is_empty() {
            accepted.extend(v["index"].as_u64().map(|i| i as usize));
        }
    }

    let doc = instances::document(job.case, &pool, &accepted)?;
    let doc_path = job.work.join("document.json");
    let bytes = serde_json::to_vec(&doc).map_err(|e| e.to_string())?;
    r.bytes = bytes.len();
    r.items = job.case.items;
    fs::write(&doc_path, &bytes)
        .map_err(|e| format!("cannot write {}: {e}", doc_path.display()))?;

    eprintln!(
        "bench: {} — decoding {} KiB, {} rounds",
        job.label,
        bytes.len() / 1024,
        job.rounds
    );
    let out = run_bin(
        &bin,
        &[
            "bench",
            &doc_path.to_string_lossy(),
            &job.rounds.to_string(),
        ],
    )?;
    for line in out.lines() {
        let v: Value = serde_json::from_str(line)
            .map_err(|e| format!("decode bench printed {line:?}: {e}"))?;
        let name = v["name"].as_str().unwrap_or("?").to_string();
        let d = decoders.iter().find(|d| d.name == name);
        r.rows.push(DecodeRow {
            gen: d.map(|d| d.gen),
            name,
            mb_per_s: v["median_ns"]
                .as_f64()
                .filter(|ns| *ns > 0.0)
                .map(|ns| bytes.len() as f64 / ns * 1e9 / 1e6),
            kept: v["kept"].as_u64().map(|k| k as usize),
            error: v["error"].as_str().map(str::to_string),
        });
    }
    Ok(())
}

/// Writes the decode crate and builds it in release mode; returns the
/// binary.
fn build(
    job: &DecodeJob<'_>,
    deps: &[(Gen, PathBuf)],
    decoders: &[Decoder],
) -> Result<PathBuf, String> {
    let dir = job.work.join("crate");
    fs::create_dir_all(dir.join("src"))
        .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut manifest = String::from(
        "[package]\nname = \"bench-decode\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nserde = \"1\"\nserde_json = \"1\"\nbytes = \"1\"\n",
    );
    for (g, path) in deps {
        // Ours without TLS, with the API's features (its types are gated
        // by the operations' features).
        let extra = if *g == Gen::Ours {
            format!(
                ", default-features = false, features = {:?}",
                crate::manifest::api_features(path)
            )
        } else {
            String::new()
        };
        // Every generator names its crate after the spec, and Cargo takes
        // no two path packages of one name: each is copied and renamed.
        let copy = job.work.join("deps").join(dep_name(*g));
        // openapi-to-rust 0.23 writes let chains (GitHub's types), a Rust
        // 2024 feature, under a manifest saying 2021; its code builds as 2024.
        let edition = (*g == Gen::OpenapiToRust).then_some("2024");
        rename_copy(
            path,
            &copy,
            &format!("bench-decode-{}", dep_name(*g)),
            edition,
        )?;
        let _ = writeln!(
            manifest,
            "{} = {{ package = \"bench-decode-{}\", path = {:?}{extra} }}",
            dep_name(*g),
            dep_name(*g),
            copy.to_string_lossy()
        );
    }
    manifest.push_str("\n[profile.release]\ncodegen-units = 16\n\n[workspace]\n");
    write(&dir.join("Cargo.toml"), &manifest)?;
    write(&dir.join("src/main.rs"), &main_rs(decoders))?;

    eprintln!(
        "bench: {} — cargo build --release of the decode crate",
        job.label
    );
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(&dir)
        .env_remove("RUSTFLAGS")
        .args(["build", "--release", "--quiet", "--message-format=short"])
        .stdout(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let first = err
            .lines()
            .find(|l| l.contains("error"))
            .unwrap_or("")
            .chars()
            .take(200)
            .collect::<String>();
        return Err(format!("the decode crate does not build: {first}"));
    }
    Ok(dir.join("target/release/bench-decode"))
}

fn run_bin(bin: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new(bin)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", bin.display()))?;
    if !out.status.success() {
        return Err(format!(
            "{} {} failed: {}",
            bin.display(),
            args[0],
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Copies the crate in `from` (all but `target/`) to `to`, named `name`:
/// the `name = ...` line of its `[package]` table is replaced, and so is the
/// `edition = ...` line when `edition` is given. Files whose bytes are
/// unchanged are not rewritten, so Cargo keeps its build.
fn rename_copy(from: &Path, to: &Path, name: &str, edition: Option<&str>) -> Result<(), String> {
    copy_tree(from, to)?;
    let path = to.join("Cargo.toml");
    let text =
        fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut in_package = false;
    let mut renamed = false;
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            in_package = t == "[package]";
        }
        let is_name = t
            .strip_prefix("name")
            .is_some_and(|rest| rest.trim_start().starts_with('='));
        let is_edition = t
            .strip_prefix("edition")
            .is_some_and(|rest| rest.trim_start().starts_with('='));
        if in_package && is_name && !renamed {
            let _ = writeln!(out, "name = {name:?}");
            renamed = true;
        } else if let Some(edition) = edition.filter(|_| in_package && is_edition) {
            let _ = writeln!(out, "edition = {edition:?}");
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    if !renamed {
        return Err(format!("{} has no package name", path.display()));
    }
    write_if_changed(&path, out.as_bytes())
}

fn copy_tree(from: &Path, to: &Path) -> Result<(), String> {
    fs::create_dir_all(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
    let entries = fs::read_dir(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", from.display()))?;
        let src = entry.path();
        let dst = to.join(entry.file_name());
        if src.is_dir() {
            if entry.file_name() != "target" {
                copy_tree(&src, &dst)?;
            }
        } else {
            let bytes =
                fs::read(&src).map_err(|e| format!("cannot read {}: {e}", src.display()))?;
            write_if_changed(&dst, &bytes)?;
        }
    }
    Ok(())
}

fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn dep_name(g: Gen) -> &'static str {
    match g {
        Gen::Ours => "ours",
        Gen::OpenapiToRust => "o2r",
        Gen::Progenitor => "prog",
    }
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The decode binary's source.
fn main_rs(decoders: &[Decoder]) -> String {
    let mut cases = String::new();
    for d in decoders {
        let krate = dep_name(d.gen);
        let list = d.types.list.replace("{crate}", krate);
        let item = d.types.item.replace("{crate}", krate);
        let _ = writeln!(
            cases,
            "    Case {{ name: {:?}, item: |b| {how}::<{item}>(b).map(drop), list: |b| {how}::<{list}>(b).map(drop), kept: |b| {how}::<{list}>(b).map(|v| kept(&v)) }},",
            d.name,
            how = d.how,
        );
    }
    MAIN_TEMPLATE
        .replace("/*CASES*/", &cases)
        .replace("/*UNDECLARED*/", UNDECLARED)
}

const MAIN_TEMPLATE: &str = r#"//! Written by `cargo xtask bench`: decode throughput of each generator's
//! types for the same document.
use std::time::Instant;

use bytes::Bytes;

fn plain<T: serde::de::DeserializeOwned>(b: &[u8]) -> Result<T, String> {
    serde_json::from_slice(b).map_err(|e| e.to_string())
}

/// As a generated client decodes a 200 response (the body is already
/// `Bytes`; cloning it is a reference count).
fn runtime<T: serde::de::DeserializeOwned>(b: &Bytes) -> Result<T, String> {
    ours::runtime::RawResponse {
        status: ours::runtime::StatusCode::OK,
        headers: ours::runtime::HeaderMap::new(),
        body: b.clone(),
    }
    .decode::<T, ()>()
    .map_err(|e| e.to_string())
}

/// How many of the document's undeclared properties the value holds.
fn kept<T: serde::Serialize>(v: &T) -> usize {
    serde_json::to_string(v).map(|s| s.matches("\"/*UNDECLARED*/\"").count()).unwrap_or(0)
}

struct Case {
    name: &'static str,
    item: fn(&Bytes) -> Result<(), String>,
    /// The timed decode: the value is dropped, as a client drops it.
    list: fn(&Bytes) -> Result<(), String>,
    /// Decodes once more and counts the undeclared properties kept.
    kept: fn(&Bytes) -> Result<usize, String>,
}

fn cases() -> Vec<Case> {
    vec![
/*CASES*/    ]
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    xs[xs.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let cases = cases();
    match args.get(1).map(String::as_str) {
        Some("filter") => {
            let text = std::fs::read_to_string(&args[2]).expect("pool file");
            for (i, line) in text.lines().enumerate() {
                let rejected: Vec<&str> = cases.iter().filter(|c| (c.item)(&Bytes::copy_from_slice(line.as_bytes())).is_err()).map(|c| c.name).collect();
                println!("{}", serde_json::json!({ "index": i, "rejected_by": rejected }));
            }
        }
        Some("bench") => {
            let bytes = Bytes::from(std::fs::read(&args[2]).expect("document"));
            let rounds: usize = args[3].parse().expect("rounds");
            let mut ok = Vec::new();
            for c in &cases {
                match (c.kept)(&bytes) {
                    Ok(k) => {
                        // Enough decodes per sample for ~20 ms.
                        let start = Instant::now();
                        let mut n = 0u32;
                        while start.elapsed().as_millis() < 20 {
                            std::hint::black_box((c.list)(std::hint::black_box(&bytes)).ok());
                            n += 1;
                        }
                        ok.push((c, k, n, Vec::new()));
                    }
                    Err(e) => println!("{}", serde_json::json!({ "name": c.name, "error": e })),
                }
            }
            // Round r starts with case r mod n: all see the same conditions.
            for r in 0..rounds {
                let n = ok.len();
                for k in 0..n {
                    let (c, _, iters, samples) = &mut ok[(r + k) % n];
                    let start = Instant::now();
                    for _ in 0..*iters {
                        std::hint::black_box((c.list)(std::hint::black_box(&bytes)).ok());
                    }
                    samples.push(start.elapsed().as_nanos() as f64 / *iters as f64);
                }
            }
            for (c, k, _, samples) in ok {
                println!("{}", serde_json::json!({ "name": c.name, "median_ns": median(samples), "kept": k }));
            }
        }
        // One decoder, N times, untimed: for a profiler (`valgrind --tool=callgrind`).
        Some("only") => {
            let bytes = Bytes::from(std::fs::read(&args[2]).expect("document"));
            let n: usize = args[4].parse().expect("count");
            let c = cases.iter().find(|c| c.name == args[3]).expect("decoder name");
            for _ in 0..n {
                std::hint::black_box((c.list)(std::hint::black_box(&bytes)).ok());
            }
        }
        _ => eprintln!("usage: bench-decode filter POOL | bench DOCUMENT ROUNDS | only DOCUMENT DECODER N"),
    }
}
"#;
