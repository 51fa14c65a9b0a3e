//! `cargo check` of generated crates, timed: a warm-up check per target
//! dir, then re-checks after touching `src/lib.rs`.

use std::fs;
use std::path::Path;
use std::process::Command;

use super::cells::secs;
use super::process::{timed, Run};
use super::stats::{Runs, Timing};
use super::unit::{self, Unit};

#[derive(Default)]
pub(super) enum Check {
    #[default]
    Skipped,
    Ok(Checked),
    Failed(String),
    /// Not attempted: the crate lacks a feature the check asks for.
    NoFeature(String),
}

impl Check {
    pub(super) fn cell(&self) -> String {
        match self {
            Check::Skipped => "–".into(),
            Check::Ok(t) => secs(t.process.wall),
            Check::Failed(e) => format!("does not compile: {}", e.replace('|', "\\|")),
            Check::NoFeature(e) => format!("not checked: {}", e.replace('|', "\\|")),
        }
    }
}

/// Medians of one crate's checks.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Checked {
    /// The whole `cargo check` process (cargo and every rustc it ran).
    pub(super) process: Timing,
    /// The crate's own rustc run (see `unit.rs`), when it was logged.
    pub(super) own: Option<Timing>,
}

/// Makes a crate buildable on its own inside this repository's directory.
fn ensure_standalone(dir: &Path) {
    let manifest = dir.join("Cargo.toml");
    if let Ok(text) = fs::read_to_string(&manifest) {
        if !text.lines().any(|l| l.trim() == "[workspace]") {
            let _ = fs::write(&manifest, format!("{text}\n[workspace]\n"));
        }
    }
}

/// The cargo features `extra` asks for (`--features a,b`) that the crate in
/// `dir` does not declare, as an error naming the ones it has: cargo's own
/// message names only the first and is cut in the report's cell.
fn missing_features(dir: &Path, extra: &[&str]) -> Result<(), String> {
    let wanted: Vec<&str> = extra
        .windows(2)
        .filter(|w| w[0] == "--features")
        .flat_map(|w| w[1].split([',', ' ']))
        .filter(|f| !f.is_empty())
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(dir)
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .output()
        .map_err(|e| format!("cargo metadata: {e}"))?;
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("cargo metadata in {}: {e}", dir.display()))?;
    // The package of `dir` itself: a workspace holds others (a generated
    // crate's runtime package).
    let manifest = dir.join("Cargo.toml");
    let package = meta["packages"]
        .as_array()
        .and_then(|ps| {
            ps.iter().find(|p| {
                p["manifest_path"]
                    .as_str()
                    .is_some_and(|m| Path::new(m) == manifest)
            })
        })
        .unwrap_or(&meta["packages"][0]);
    let declared: Vec<&str> = package["features"]
        .as_object()
        .map(|f| f.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let missing: Vec<&str> = wanted
        .into_iter()
        .filter(|f| !declared.contains(f))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    const SHOWN: usize = 8;
    let mut has = declared
        .iter()
        .take(SHOWN)
        .map(|f| format!("`{f}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if declared.len() > SHOWN {
        has.push_str(&format!(" and {} more", declared.len() - SHOWN));
    }
    Err(format!(
        "no feature {} in the generated crate (it has {has})",
        missing
            .iter()
            .map(|f| format!("`{f}`"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// `cargo check` of one crate. `CARGO_INCREMENTAL=0`: the crate is
/// checked whole each time, as when it is a dependency of the user's
/// project (dependencies are never incremental), and the figure does not
/// depend on how much of the incremental cache a touch invalidates.
///
/// Cargo runs the crate's rustc through this xtask binary (see `unit.rs`),
/// which logs that run: returned as well when the log names the crate.
/// The warm-up check sets the same wrapper, so it changes no fingerprint.
fn cargo_check(dir: &Path, target: &Path, extra: &[&str]) -> Result<(Run, Option<Unit>), String> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let log = std::env::temp_dir().join(format!(
        "clientgen-bench-{}-{}.rustc",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let mut cmd = Command::new(cargo);
    cmd.current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", "0")
        .env_remove("RUSTFLAGS")
        .args(["check", "--quiet", "--message-format=short"])
        .args(extra);
    if let Ok(exe) = std::env::current_exe() {
        cmd.env("RUSTC_WORKSPACE_WRAPPER", exe)
            .env(unit::LOG_ENV, &log);
    }
    let r = timed(&cmd)?;
    let logged = fs::read_to_string(&log).unwrap_or_default();
    let _ = fs::remove_file(&log);
    if !r.ok() {
        return Err(r.first_error());
    }
    let own =
        crate::manifest::lib_crate_name(dir).and_then(|name| unit::runs_of(&logged, &name).pop());
    Ok((r, own))
}

fn touch(path: &Path) {
    if let Ok(f) = fs::OpenOptions::new().append(true).open(path) {
        let _ = f.set_modified(std::time::SystemTime::now());
    }
}

/// One crate to check.
pub(super) struct CheckJob<'a> {
    pub(super) dir: &'a Path,
    /// The target dir, shared by the jobs of one generator.
    pub(super) target: &'a Path,
    /// Extra cargo arguments.
    pub(super) extra: &'a [&'a str],
    /// A package of the workspace of the crate in the parent directory (our
    /// runtime package), not made a workspace of its own.
    pub(super) nested: bool,
}

impl<'a> CheckJob<'a> {
    pub(super) fn new(dir: &'a Path, target: &'a Path, extra: &'a [&'a str]) -> Self {
        CheckJob {
            dir,
            target,
            extra,
            nested: false,
        }
    }
}

/// `cargo check` medians for each job, interleaved: a warm-up check each
/// (builds the dependencies once per target dir), then `runs` rounds of
/// touching `src/lib.rs` and checking, the first job rotating.
pub(super) fn checks(jobs: &[CheckJob<'_>], runs: usize) -> Vec<Check> {
    let mut results: Vec<Result<(Runs, Runs), Check>> = jobs
        .iter()
        .map(
            |&CheckJob {
                 dir,
                 target,
                 extra,
                 nested,
             }| {
                if !nested {
                    ensure_standalone(dir);
                }
                missing_features(dir, extra).map_err(Check::NoFeature)?;
                cargo_check(dir, target, extra)
                    .map(|_| Default::default())
                    .map_err(Check::Failed)
            },
        )
        .collect();
    for round in 0..runs {
        // Round `r` starts with job `r mod n`: none always runs right
        // after another's (or the warm-up's) page-cache churn.
        for k in 0..jobs.len() {
            let i = (round + k) % jobs.len();
            let CheckJob {
                dir, target, extra, ..
            } = jobs[i];
            if let Ok((process, own)) = &mut results[i] {
                touch(&dir.join("src/lib.rs"));
                match cargo_check(dir, target, extra) {
                    Ok((r, u)) => {
                        process.push(&r);
                        if let Some(u) = u {
                            own.push_unit(&u);
                        }
                    }
                    Err(e) => results[i] = Err(Check::Failed(e)),
                }
            }
        }
    }
    results
        .into_iter()
        .map(|r| match r {
            Ok((process, own)) if !process.wall.is_empty() => Check::Ok(Checked {
                process: process.summary(),
                // Only when every run was logged: medians of the same runs.
                own: (own.wall.len() == process.wall.len()).then(|| own.summary()),
            }),
            Ok(_) => Check::Skipped,
            Err(c) => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_feature_is_named_with_the_ones_the_crate_has() {
        let dir = std::env::temp_dir().join(format!("xtask-check-features-{}", std::process::id()));
        fs::create_dir_all(dir.join("src")).expect("temp dir");
        fs::write(
            dir.join("Cargo.toml"),
            "[package]\nname = \"probe\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[features]\ndefault = [\"path-a\"]\npath-a = []\nrustls = []\n\n[workspace]\n",
        )
        .expect("manifest");
        fs::write(dir.join("src/lib.rs"), "").expect("lib.rs");
        let args = |f: &'static str| ["--no-default-features", "--features", f];
        assert_eq!(missing_features(&dir, &[]), Ok(()));
        assert_eq!(missing_features(&dir, &args("rustls,path-a")), Ok(()));
        let err = missing_features(&dir, &args("rustls,customers")).unwrap_err();
        let _ = fs::remove_dir_all(&dir);
        assert_eq!(
            err,
            "no feature `customers` in the generated crate (it has `default`, `path-a`, `rustls`)"
        );
    }
}
