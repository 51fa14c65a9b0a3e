//! The `rust-version` every crate here declares, and the one every generated
//! crate declares (`clientgen::emit::RUST_VERSION`, checked on `generated/`),
//! is one their locked dependencies build with: cargo refuses a dependency
//! whose own `rust-version` is newer, so a declaration below any of theirs is
//! false.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn version(v: &str) -> (u64, u64, u64) {
    let mut parts = v.split('.').map(|p| p.parse::<u64>().unwrap_or(0));
    let mut next = || parts.next().unwrap_or(0);
    (next(), next(), next())
}

fn host() -> String {
    let out = Command::new("rustc")
        .arg("-vV")
        .output()
        .expect("rustc -vV");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.lines()
        .find_map(|l| l.strip_prefix("host: "))
        .expect("rustc -vV names the host")
        .to_string()
}

#[test]
fn declared_rust_version_covers_every_dependency() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml");
    let out = Command::new(env!("CARGO"))
        // Every feature, so optional dependencies (a generated crate's
        // `native-tls`) count too; cargo may fetch their manifests.
        .args([
            "metadata",
            "--format-version",
            "1",
            "--locked",
            "--all-features",
        ])
        .args(["--filter-platform", &host(), "--manifest-path"])
        .arg(&workspace)
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).unwrap();
    let packages: BTreeMap<&str, &Value> = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p))
        .collect();
    let nodes: BTreeMap<&str, &Value> = meta["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["id"].as_str().unwrap(), n))
        .collect();

    // generated/ is `cargo xtask codegen`'s output: what any generated crate
    // declares, with the runtime's dependencies.
    let generated = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../generated/Cargo.toml")
        .canonicalize()
        .expect("generated/Cargo.toml exists");
    let (_, generated) = packages
        .iter()
        .find(|(_, p)| {
            let manifest = p["manifest_path"].as_str().map(Path::new);
            manifest.and_then(|m| m.canonicalize().ok()).as_ref() == Some(&generated)
        })
        .expect("generated/ is a workspace member");
    assert_eq!(
        generated["rust_version"],
        clientgen::emit::RUST_VERSION,
        "generated/Cargo.toml declares clientgen::emit::RUST_VERSION (run `cargo xtask codegen`)"
    );
    let generated = generated["name"].as_str().unwrap();
    // Its runtime, a package of its own (a workspace member as a path
    // dependency inside the workspace), declares the same.
    let runtime = format!("{generated}-runtime");
    let (_, runtime_package) = packages
        .iter()
        .find(|(_, p)| p["name"] == runtime.as_str())
        .unwrap_or_else(|| panic!("{runtime} is a workspace member"));
    assert_eq!(
        runtime_package["rust_version"],
        clientgen::emit::RUST_VERSION,
        "generated/runtime/Cargo.toml declares clientgen::emit::RUST_VERSION (run `cargo xtask codegen`)"
    );

    let mut checked = 0;
    for name in [
        "clientgen",
        "clientgen-cli",
        "clientgen-example-build-script",
        generated,
    ] {
        let (root, package) = packages
            .iter()
            .find(|(_, p)| p["name"] == name)
            .unwrap_or_else(|| panic!("{name} is a workspace member"));
        let declared = package["rust_version"]
            .as_str()
            .unwrap_or_else(|| panic!("{name} declares a rust-version"));
        // Everything a user's build of the crate compiles: normal and build
        // dependencies, transitively (dev-dependencies stay in this repo).
        let mut seen = BTreeSet::new();
        let mut stack = vec![*root];
        while let Some(id) = stack.pop() {
            if !seen.insert(id) {
                continue;
            }
            for dep in nodes[id]["deps"].as_array().unwrap() {
                let dev_only = dep["dep_kinds"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|k| k["kind"] == "dev");
                if !dev_only {
                    stack.push(dep["pkg"].as_str().unwrap());
                }
            }
        }
        let too_new: Vec<String> = seen
            .iter()
            .filter_map(|id| {
                let p = packages[id];
                let needs = p["rust_version"].as_str()?;
                (version(needs) > version(declared)).then(|| {
                    format!(
                        "{} {} needs {needs}",
                        p["name"].as_str().unwrap(),
                        p["version"].as_str().unwrap()
                    )
                })
            })
            .collect();
        assert!(
            too_new.is_empty(),
            "{name} declares rust-version {declared}, but: {}",
            too_new.join(", ")
        );
        checked += seen.len();
    }
    assert!(
        checked > 50,
        "the dependency walk found the tree ({checked})"
    );
}

#[test]
fn versions_compare_numerically() {
    assert!(version("1.85") > version("1.80"));
    assert!(version("1.100") > version("1.85.1"));
    assert_eq!(version("1.85"), version("1.85.0"));
}
