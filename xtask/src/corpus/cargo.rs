//! Running cargo with `--message-format=json`: compiler messages by crate,
//! the examples built, cargo's progress passed through.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

use super::corpus_target_dir;

/// What one cargo invocation with `--message-format=json` reported.
#[derive(Default)]
pub(super) struct CargoRun {
    pub(super) success: bool,
    pub(super) stderr: String,
    /// Compiler messages per manifest directory.
    pub(super) messages: BTreeMap<PathBuf, Vec<Value>>,
    /// `(manifest dir, executable)` of every example built.
    pub(super) examples: Vec<(PathBuf, PathBuf)>,
}

pub(super) fn cargo_json(args: &[String], dir: &Path) -> Result<CargoRun, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut child = Command::new(cargo)
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", corpus_target_dir())
        .env_remove("RUSTFLAGS")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let stderr = child.stderr.take().expect("piped");
    // Cargo's progress goes to stderr: keep it flowing (and keep a copy).
    let err_thread = std::thread::spawn(move || {
        let mut kept = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            eprintln!("  {line}");
            kept.push_str(&line);
            kept.push('\n');
        }
        kept
    });
    let mut run = CargoRun::default();
    let stdout = child.stdout.take().expect("piped");
    for line in BufReader::new(stdout).lines().map_while(Result::ok) {
        let Ok(msg) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        let manifest_dir = || {
            msg["manifest_path"]
                .as_str()
                .and_then(|p| Path::new(p).parent())
                .map(Path::to_path_buf)
                .unwrap_or_default()
        };
        match msg["reason"].as_str() {
            Some("compiler-message") => run
                .messages
                .entry(manifest_dir())
                .or_default()
                .push(msg["message"].clone()),
            Some("compiler-artifact") => {
                let is_example = msg["target"]["kind"]
                    .as_array()
                    .is_some_and(|k| k.iter().any(|k| k == "example"));
                if let (true, Some(exe)) = (is_example, msg["executable"].as_str()) {
                    run.examples.push((manifest_dir(), PathBuf::from(exe)));
                }
            }
            Some("build-finished") => run.success = msg["success"].as_bool().unwrap_or(false),
            _ => {}
        }
    }
    let status = child.wait().map_err(|e| format!("cargo: {e}"))?;
    run.stderr = err_thread.join().unwrap_or_default();
    run.success &= status.success();
    Ok(run)
}

/// Whether a compiler message is a summary (`aborting due to ...`,
/// `N warnings emitted`) rather than a diagnostic of its own.
pub(super) fn is_summary(m: &Value) -> bool {
    let text = m["message"].as_str().unwrap_or("");
    m["spans"].as_array().is_some_and(|s| s.is_empty())
        && (text.starts_with("aborting due to")
            || text.contains("warnings emitted")
            || text.contains("warning emitted"))
}
