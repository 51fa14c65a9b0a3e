//! Finding the specs under the corpus directories and of the development
//! sample, and naming their scratch crates.

use std::fs;
use std::path::{Path, PathBuf};

use clientgen::lower::snake;

use super::row::Row;

pub(super) fn find_specs(dirs: &[PathBuf]) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    for dir in dirs {
        if !dir.is_dir() {
            return Err(format!("corpus: {} is not a directory", dir.display()));
        }
        for f in files_under(dir, &["json", "yaml", "yml"]) {
            let rel = f
                .strip_prefix(dir)
                .unwrap_or(&f)
                .to_string_lossy()
                .replace('\\', "/");
            let stem = f
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default();
            rows.push(Row {
                rel,
                spec: f,
                stem,
                ..Row::default()
            });
        }
    }
    Ok(rows)
}

/// The rows of the development sample: spec `api/<id>.json` of the
/// directory, named after its id (`1password.com/events` →
/// `1password.com-events`).
pub(super) fn sample_rows(api: &Path, ids: &[String]) -> Vec<Row> {
    ids.iter()
        .map(|id| Row {
            rel: id.clone(),
            spec: api.join(format!("{id}.json")),
            stem: id.replace('/', "-"),
            sample: true,
            ..Row::default()
        })
        .collect()
}

/// Makes the rows' crate directory names (`stem`, from the name each row
/// proposes) unique and derives their package names.
pub(super) fn name_rows(rows: &mut [Row]) {
    let mut taken = std::collections::BTreeSet::new();
    for r in rows {
        let stem = r.stem.clone();
        let mut name = stem.clone();
        let mut n = 2;
        while !taken.insert(name.clone()) {
            name = format!("{stem}-{n}");
            n += 1;
        }
        // `snake` prefixes a leading digit with `_`; the `corpus-` prefix
        // already makes the name start with a letter.
        let words: Vec<String> = snake(&name)
            .split('_')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        r.krate = format!("corpus-{}", words.join("-"));
        r.stem = name;
    }
}

/// The files under `dir` whose extension is one of `extensions`, in path
/// order. Directories are walked with a stack, at most 64 deep, and a
/// symbolic link to a directory is not followed, so a link cycle ends.
pub(super) fn files_under(dir: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![(dir.to_path_buf(), 0usize)];
    while let Some((d, depth)) = pending.pop() {
        let Ok(entries) = fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                if depth < 64 {
                    pending.push((p, depth + 1));
                }
            } else if p
                .extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| extensions.contains(&x))
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nested specs are found in path order; other files are not; a link
    /// back to an ancestor does not loop.
    #[test]
    fn files_under_a_directory_are_found_once() {
        let root = std::env::temp_dir().join(format!("clientgen-walk-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(root.join("b/c")).unwrap();
        for f in ["a.json", "b/x.yaml", "b/c/y.yml", "b/notes.txt"] {
            fs::write(root.join(f), "{}").unwrap();
        }
        #[cfg(unix)]
        std::os::unix::fs::symlink(&root, root.join("b/c/loop")).unwrap();
        let found: Vec<String> = files_under(&root, &["json", "yaml", "yml"])
            .iter()
            .map(|p| p.strip_prefix(&root).unwrap().display().to_string())
            .collect();
        assert_eq!(found, ["a.json", "b/c/y.yml", "b/x.yaml"]);
        let _ = fs::remove_dir_all(&root);
    }
}
