//! Writing generated files, and checking that files on disk are fresh.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::emit::GeneratedFile;

/// Directories the generator owns entirely inside a crate: files in them that
/// it did not produce are stale.
const OWNED_DIRS: &[&str] = &["src"];

fn owned_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in OWNED_DIRS {
        collect(&root.join(dir), root, &mut out);
    }
    // In `api/` only API description files are ours (a module that is gone
    // leaves a stale one); anything else there is left alone.
    let mut api = Vec::new();
    collect(&root.join(crate::surface::API_DIR), root, &mut api);
    out.extend(api.into_iter().filter(|p| crate::surface::module_of(p).is_some()));
    out.sort();
    out
}

fn collect(dir: &Path, root: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, root, out);
        } else if let Ok(rel) = p.strip_prefix(root) {
            out.push(rel.to_path_buf());
        }
    }
}

/// Writes `files` under `root`, leaving unchanged files untouched (so mtimes
/// and incremental builds are undisturbed) and removing stale files in the
/// directories the generator owns. Returns the paths written or removed.
pub fn write(root: &Path, files: &[GeneratedFile]) -> io::Result<Vec<PathBuf>> {
    let mut changed = Vec::new();
    let produced: BTreeSet<&Path> = files.iter().map(|f| f.path.as_path()).collect();
    for f in files {
        let path = root.join(&f.path);
        if fs::read_to_string(&path).ok().as_deref() == Some(f.contents.as_str()) {
            continue;
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, &f.contents)?;
        changed.push(f.path.clone());
    }
    for stale in owned_files(root) {
        if !produced.contains(stale.as_path()) {
            fs::remove_file(root.join(&stale))?;
            changed.push(stale);
        }
    }
    Ok(changed)
}

/// Files under `root` that differ from `files`: missing, changed, or present
/// but no longer produced.
pub fn check(root: &Path, files: &[GeneratedFile]) -> Vec<PathBuf> {
    let mut stale = Vec::new();
    let produced: BTreeSet<&Path> = files.iter().map(|f| f.path.as_path()).collect();
    for f in files {
        if fs::read_to_string(root.join(&f.path)).ok().as_deref() != Some(f.contents.as_str()) {
            stale.push(f.path.clone());
        }
    }
    for extra in owned_files(root) {
        if !produced.contains(extra.as_path()) {
            stale.push(extra);
        }
    }
    stale
}
