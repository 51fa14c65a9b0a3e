//! Every spec of the development corpus (`corpus/specs/v3.0`, `v3.1`: 21
//! public specs vendored with their sources and licenses, see
//! `corpus/specs/MANIFEST.tsv`) and of `specs/` loads. Load times are
//! printed (`cargo test --release -- --nocapture` for meaningful numbers).

use std::path::{Path, PathBuf};
use std::time::Instant;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn corpus_dir() -> PathBuf {
    repo_root().join("corpus").join("specs")
}

fn spec_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| {
        matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("json" | "yaml" | "yml")
        )
    });
    files.sort();
    files
}

/// Loads every file; returns (count, failures).
fn load_all(files: &[PathBuf]) -> (usize, Vec<String>) {
    let mut failures = Vec::new();
    for path in files {
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let start = Instant::now();
        let result = clientgen::load::load_file(path);
        let elapsed = start.elapsed();
        match result {
            Ok(loaded) => {
                println!(
                    "ok   {:>9} bytes {:>8.1} ms  {} (openapi {}, {} paths, {} warnings)",
                    size,
                    elapsed.as_secs_f64() * 1000.0,
                    path.display(),
                    loaded.openapi_version,
                    loaded.spec.paths.paths.len(),
                    loaded.warnings.len()
                );
                for w in &loaded.warnings {
                    println!("       {w}");
                }
            }
            Err(d) => {
                println!("FAIL {:>9} bytes  {}\n  {d}", size, path.display());
                failures.push(d.to_string());
            }
        }
    }
    (files.len(), failures)
}

#[test]
fn corpus_loads() {
    let base = corpus_dir();
    let mut total = 0;
    let mut failures = Vec::new();
    for version in ["v3.0", "v3.1"] {
        let files = spec_files(&base.join(version));
        let (n, f) = load_all(&files);
        println!("{version}: {} of {n} loaded", n - f.len());
        total += n;
        failures.extend(f);
    }
    assert!(total > 0, "no specs found under {}", base.display());
    assert!(
        failures.is_empty(),
        "{} of {total} corpus specs failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The manifest names every vendored spec (with its source and license),
/// and every spec it names is there.
#[test]
fn corpus_manifest_matches_files() {
    let base = corpus_dir();
    let manifest = std::fs::read_to_string(base.join("MANIFEST.tsv")).unwrap();
    let mut listed: Vec<String> = manifest
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert!(
                cols.len() >= 6 && !cols[5].is_empty(),
                "manifest row without a license: {l}"
            );
            format!("{}/{}", cols[0], cols[1])
        })
        .collect();
    listed.sort();
    let mut present: Vec<String> = ["v3.0", "v3.1"]
        .iter()
        .flat_map(|v| spec_files(&base.join(v)))
        .map(|p| {
            p.strip_prefix(&base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    present.sort();
    assert_eq!(listed, present);
}

#[test]
fn repo_specs_load() {
    let files = spec_files(&repo_root().join("specs"));
    let (n, failures) = load_all(&files);
    println!("specs/: {} of {n} loaded", n - failures.len());
    assert!(n > 0, "no specs in specs/");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `cargo test --release -p clientgen --test load_corpus bench -- --ignored --nocapture`
/// Best of several runs for the biggest corpus specs, next to the floor set
/// by plain serde_json parsing.
#[test]
#[ignore]
fn bench_big_specs() {
    let base = corpus_dir();
    for rel in [
        "v3.0/box-openapi.json",
        "v3.1/discord-openapi.json",
        "v3.0/twilio_messaging_v1.json",
        "v3.0/spotify-fixed-open-api.yml",
    ] {
        let path = base.join(rel);
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let best = |f: &dyn Fn()| {
            (0..7)
                .map(|_| {
                    let t = Instant::now();
                    f();
                    t.elapsed().as_secs_f64() * 1e3
                })
                .fold(f64::INFINITY, f64::min)
        };
        let load = best(&|| {
            clientgen::load::load_str(rel, &text).unwrap();
        });
        let json_floor = if rel.ends_with(".json") {
            best(&|| {
                serde_json::from_str::<serde_json::Value>(&text).unwrap();
            })
        } else {
            f64::NAN
        };
        println!("{rel}: load {load:.1} ms (serde_json::Value parse alone {json_floor:.1} ms)");
    }
}

#[test]
#[ignore]
fn bench_openapiv3_variants() {
    use serde::Deserialize;
    let text = std::fs::read_to_string(corpus_dir().join("v3.0/box-openapi.json")).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let best = |f: &dyn Fn()| {
        (0..7)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64() * 1e3
            })
            .fold(f64::INFINITY, f64::min)
    };
    let clone = best(&|| {
        let _ = value.clone();
    });
    let by_value = best(&|| {
        openapiv3::OpenAPI::deserialize(value.clone()).unwrap();
    });
    let by_value_p2e = best(&|| {
        serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(value.clone()).unwrap();
    });
    let by_ref = best(&|| {
        openapiv3::OpenAPI::deserialize(&value).unwrap();
    });
    let by_ref_p2e = best(&|| {
        serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(&value).unwrap();
    });
    let from_str = best(&|| {
        serde_json::from_str::<openapiv3::OpenAPI>(&text).unwrap();
    });
    println!("clone {clone:.1}; by value (minus clone) {:.1}, +p2e {:.1}; by ref {by_ref:.1}, +p2e {by_ref_p2e:.1}; from_str {from_str:.1}", by_value - clone, by_value_p2e - clone);
}
