//! `cargo xtask diff [--base REF]`: the public-API changes between a git
//! revision and the working tree, and the `--bump` of `codegen`.
//!
//! The classification, report and bump arithmetic are in
//! `clientgen::surface`; this file only finds the two sides.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::Command;

use clientgen::surface::{self, Report};

use crate::codegen::{Setup, CONFIG};
use crate::repo_root;

/// The report for two sets of API files (module → text).
pub fn report(
    setup: &Setup,
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
    strict: bool,
) -> Result<Report, String> {
    let mut r = surface::compare(old, new, &setup.spec_paths())?;
    r.strict = strict;
    Ok(r)
}

fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        String::from_utf8(out.stdout)
            .map_err(|_| format!("git {} printed non-UTF-8", args.join(" ")))
    } else {
        Err(format!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// The API files at `base`; when it has none (it predates them), its specs
/// described by this generator, with a note saying so.
fn base_api(
    root: &Path,
    setup: &Setup,
    base: &str,
) -> Result<(BTreeMap<String, String>, Option<String>), String> {
    let listed = git(root, &["ls-tree", "--name-only", base, "generated/api/"])?;
    let mut out = BTreeMap::new();
    for path in listed.lines() {
        if let Some(module) = surface::module_of(Path::new(path)) {
            out.insert(module, git(root, &["show", &format!("{base}:{path}")])?);
        }
    }
    if !out.is_empty() {
        return Ok((out, None));
    }
    let scratch = root.join("target/xtask-diff");
    std::fs::create_dir_all(&scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    let mut apis = Vec::new();
    for (module, spec) in setup.spec_paths() {
        let Ok(text) = git(root, &["show", &format!("{base}:{spec}")]) else {
            continue;
        };
        let file = scratch.join(format!(
            "{module}.{}",
            if spec.ends_with(".json") {
                "json"
            } else {
                "yaml"
            }
        ));
        std::fs::write(&file, text).map_err(|e| format!("{}: {e}", file.display()))?;
        let lowered =
            clientgen::lower_file(&file, &spec).map_err(|d| format!("{base}:{spec}: {d}"))?;
        apis.push((module, spec, lowered.api));
    }
    let opts = setup.package();
    for (module, spec, api) in &apis {
        let m = clientgen::emit::ApiModule {
            module: module.to_string(),
            spec_path: spec.to_string(),
            api,
        };
        out.insert(module.to_string(), surface::api_file(&m, opts).contents);
    }
    Ok((
        out,
        Some(format!(
            "`{base}` has no generated/api/: its specs were described by this generator."
        )),
    ))
}

/// The crate version recorded at `base` (`generated/Cargo.toml`).
fn base_version(root: &Path, base: &str) -> Option<String> {
    let manifest = git(root, &["show", &format!("{base}:generated/Cargo.toml")]).ok()?;
    manifest
        .lines()
        .find_map(|l| l.strip_prefix("version = "))
        .map(|v| v.trim().trim_matches('"').to_string())
}

pub fn run(base: &str, strict: bool) -> Result<(), String> {
    let root = repo_root();
    let setup = Setup::load(&root)?;
    let new = surface::api_texts(&setup.generate(false)?);
    let (old, note) = base_api(&root, &setup, base)?;
    let report = report(&setup, &old, &new, strict)?;
    let (name, version) = (&setup.package().name, &setup.package().version);
    let from = base_version(&root, base).unwrap_or_else(|| version.clone());
    println!("{}", report.markdown(Some((name, &from))).trim_end());
    if &from != version {
        let done = report.bump().satisfied_by(&from, version);
        println!(
            "\nThe working tree is at {version} ({}).",
            if done {
                "bump already made"
            } else {
                "short of the recommended bump"
            }
        );
    }
    if let Some(note) = note {
        println!("\nNote: {note}");
    }
    if surface::api_texts_on_disk(&setup.out) != new {
        eprintln!("\nwarning: generated/ is stale; run `cargo xtask codegen` (this report is from the specs).");
    }
    Ok(())
}

/// `cargo xtask diff OLD NEW`: two specs, API files or directories of them
/// (what `clientgen diff OLD NEW` prints).
pub fn run_paths(old: &Path, new: &Path, strict: bool) -> Result<(), String> {
    let mut report = surface::diff_paths(old, new)?;
    report.strict = strict;
    // A closed pipe (`| head`) ends the output, not the program.
    let _ = writeln!(std::io::stdout(), "{}", report.markdown(None).trim_end());
    Ok(())
}

/// Applies the bump `report` recommends to the `version` of `[output]` in
/// `codegen.toml` and adds the report to `generated/CHANGELOG.md`. Returns
/// the new version.
pub fn bump(root: &Path, setup: &Setup, report: &mut Report) -> Result<String, String> {
    let (name, version) = (&setup.package().name, &setup.package().version);
    let next = report.bump().apply(version)?;
    let config_path = root.join(CONFIG);
    let config = std::fs::read_to_string(&config_path)
        .map_err(|e| format!("{}: {e}", config_path.display()))?;
    let line = format!("version = \"{version}\"\n");
    let at_line_start = |i: usize| i == 0 || config.as_bytes()[i - 1] == b'\n';
    let found: Vec<usize> = config
        .match_indices(&line)
        .map(|(i, _)| i)
        .filter(|&i| at_line_start(i))
        .collect();
    let [at] = found.as_slice() else {
        return Err(format!(
            "{}: expected exactly one line `{}`",
            config_path.display(),
            line.trim_end()
        ));
    };
    let updated = format!(
        "{}version = \"{next}\"\n{}",
        &config[..*at],
        &config[at + line.len()..]
    );
    let changelog_path = setup.out.join("CHANGELOG.md");
    let existing = std::fs::read_to_string(&changelog_path).ok();
    let changelog = surface::changelog::prepend(
        existing.as_deref(),
        name,
        &surface::changelog::section(&next, report),
    );
    std::fs::write(&config_path, updated).map_err(|e| format!("{}: {e}", config_path.display()))?;
    std::fs::write(&changelog_path, changelog)
        .map_err(|e| format!("{}: {e}", changelog_path.display()))?;
    // The lock file records workspace members' versions too: keep it in step
    // so that `--locked` builds pass without another cargo run.
    // The crate's runtime package (`<name>-runtime`) has its version.
    let lock_path = root.join("Cargo.lock");
    if let Ok(mut lock) = std::fs::read_to_string(&lock_path) {
        for package in [name.to_string(), format!("{name}-runtime")] {
            let entry = format!("name = \"{package}\"\nversion = \"{version}\"\n");
            if lock.matches(&entry).count() == 1 {
                lock = lock.replace(
                    &entry,
                    &format!("name = \"{package}\"\nversion = \"{next}\"\n"),
                );
            }
        }
        std::fs::write(&lock_path, lock).map_err(|e| format!("{}: {e}", lock_path.display()))?;
    }
    Ok(next)
}
