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
        let mut files = Vec::new();
        walk(dir, &mut files);
        files.sort();
        for f in files {
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

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("json" | "yaml" | "yml")
        ) {
            out.push(p);
        }
    }
}
