//! Running the sweep (the directory's specs plus the rows to screen), and
//! judging every outcome against `known-failures.tsv`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::directory::{self, Known};
use super::row::Row;
use super::sweep::{self, Limits, Outcome, CLASSES};
use super::{first_line, Options, Part};
use crate::repo_root;

/// What the sweep did.
pub(super) struct SweepRun {
    /// Outcomes of the directory's specs (the `directory` part), by id.
    pub(super) directory: Vec<Outcome>,
    /// Whether the whole directory was swept (no `--only`, no
    /// `--directory-every`).
    pub(super) whole: bool,
    pub(super) wall: Duration,
    pub(super) jobs: usize,
    pub(super) limits: Limits,
}

/// The release build of xtask, whose `corpus-one` is the sweep's child:
/// this binary when it is a release build, else built now.
fn child_exe() -> Result<PathBuf, String> {
    if cfg!(debug_assertions) {
        crate::bench::build_release(&repo_root())
    } else {
        std::env::current_exe().map_err(|e| format!("cannot locate xtask: {e}"))
    }
}

/// Sweeps `directory_specs`, and screens every row (the rows' specs that are
/// not among them are swept too): a row whose spec does not generate gets
/// its outcome as `gen_error` and is not generated in-process.
pub(super) fn sweep_and_screen(
    rows: &mut [Row],
    directory_specs: &[(String, PathBuf)],
    jobs: usize,
    opts: &Options,
) -> Result<SweepRun, String> {
    let exe = child_exe()?;
    let limits = Limits {
        timeout: Duration::from_secs(opts.timeout),
        memory_kb: opts.memory_mb.saturating_mul(1024),
    };
    let mut specs = directory_specs.to_vec();
    let swept: HashSet<&PathBuf> = directory_specs.iter().map(|(_, p)| p).collect();
    let extra: Vec<(String, PathBuf)> = rows
        .iter()
        .filter(|r| !swept.contains(&r.spec))
        .map(|r| (r.rel.clone(), r.spec.clone()))
        .collect();
    specs.extend(extra);
    eprintln!(
        "corpus: sweep: {} specs, {jobs} jobs, limits {} s and {} MiB per spec",
        specs.len(),
        opts.timeout,
        opts.memory_mb
    );
    let start = Instant::now();
    let mut outcomes = sweep::sweep(&exe, &specs, jobs, limits)?;
    let wall = start.elapsed();
    let by_path: HashMap<&PathBuf, &Outcome> = outcomes.iter().map(|o| (&o.path, o)).collect();
    for r in rows.iter_mut() {
        if let Some(o) = by_path.get(&r.spec).filter(|o| !o.ok()) {
            r.gen_error = Some(format!("{}: {}", o.class, first_line(&o.detail)));
            r.screened = Some(o.class);
        }
    }
    outcomes.truncate(directory_specs.len());
    Ok(SweepRun {
        directory: outcomes,
        whole: opts.only.is_empty() && opts.directory_every() == 1,
        wall,
        jobs,
        limits,
    })
}

/// The run's result: what failed that nobody expected, and the figures.
#[derive(Default)]
pub(super) struct Verdict {
    /// Unexpected outcomes and stale `known-failures.tsv` lines.
    pub(super) failures: Vec<String>,
    /// Known failures that happened as listed: `(id, class, note)`.
    pub(super) expected: Vec<(String, String, String)>,
    /// Summary lines (stdout and the report).
    pub(super) summary: Vec<String>,
    pub(super) known: BTreeMap<String, Known>,
}

fn counts(classes: impl Iterator<Item = &'static str>) -> String {
    let mut n: BTreeMap<&str, usize> = BTreeMap::new();
    for c in classes {
        *n.entry(c).or_default() += 1;
    }
    CLASSES
        .iter()
        .map(|c| format!("{} {c}", n.get(c).copied().unwrap_or(0)))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn judge(
    rows: &[Row],
    sweep: Option<&SweepRun>,
    parts: &[Part],
) -> Result<Verdict, String> {
    let mut v = Verdict {
        known: directory::known_failures()?,
        ..Verdict::default()
    };
    let known = v.known.clone();
    // An outcome other than ok: expected when listed with that class.
    let judge_failure =
        |v: &mut Verdict, what: &str, id: &str, class: &str, detail: &str| match known.get(id) {
            Some(k) if k.class == class => {
                v.expected
                    .push((id.to_string(), class.to_string(), k.note.clone()))
            }
            Some(k) => v.failures.push(format!(
                "{what}: {id}: {class} (known-failures.tsv says {}): {detail}",
                k.class
            )),
            None => v.failures.push(format!("{what}: {id}: {class}: {detail}")),
        };
    let stale = |id: &str, k: &Known| {
        format!("known-failures.tsv: {id} is listed as `{}` but no longer fails that way: remove its line", k.class)
    };

    if parts.contains(&Part::Dev) {
        let dev: Vec<&Row> = rows.iter().filter(|r| r.is_dev()).collect();
        let failed: Vec<&&Row> = dev.iter().filter(|r| r.failed()).collect();
        for r in &failed {
            v.failures
                .push(format!("dev: {}: {}", r.rel, r.check_cell()));
        }
        v.summary.push(format!(
            "dev corpus: {} passed, {} failed",
            dev.len() - failed.len(),
            failed.len()
        ));
    }

    let mut judged: HashSet<&str> = HashSet::new();
    if let Some(s) = sweep.filter(|_| parts.contains(&Part::Directory)) {
        for o in s.directory.iter().filter(|o| !o.ok()) {
            judge_failure(&mut v, "directory", &o.id, o.class, &first_line(&o.detail));
        }
        for o in s.directory.iter().filter(|o| o.ok()) {
            if let Some(k) = known.get(&o.id).filter(|k| k.class != "compile") {
                v.failures.push(stale(&o.id, k));
            }
        }
        judged.extend(s.directory.iter().map(|o| o.id.as_str()));
        // Degraded: generated, with warnings for the places that fell back.
        let degraded = s
            .directory
            .iter()
            .filter(|o| o.ok() && o.count("warnings") > 0)
            .count();
        v.summary.push(format!(
            "directory sweep: {} specs in {:.0} s ({} jobs): {} ({degraded} of the ok with warnings)",
            s.directory.len(),
            s.wall.as_secs_f64(),
            s.jobs,
            counts(s.directory.iter().map(|o| o.class))
        ));
    }

    if parts.contains(&Part::Recorded) {
        super::recorded::judge(rows, &mut v.failures, &mut v.summary)?;
    }

    if parts.contains(&Part::Sample) {
        let sample: Vec<&Row> = rows.iter().filter(|r| r.sample).collect();
        let (mut compiled, mut failed, mut not_generated) = (0, 0, 0);
        for r in &sample {
            match r.screened {
                Some(class) => {
                    not_generated += 1;
                    if !judged.contains(r.rel.as_str()) {
                        judge_failure(
                            &mut v,
                            "sample",
                            &r.rel,
                            class,
                            r.gen_error.as_deref().unwrap_or(""),
                        );
                    }
                }
                None if r.failed() => {
                    failed += 1;
                    judge_failure(&mut v, "sample", &r.rel, "compile", &r.check_cell());
                }
                None => {
                    compiled += 1;
                    if let Some(k) = known
                        .get(&r.rel)
                        .filter(|k| k.class == "compile" || !judged.contains(r.rel.as_str()))
                    {
                        v.failures.push(stale(&r.rel, k));
                    }
                }
            }
        }
        v.summary.push(format!(
            "dev sample: {compiled} of {} crates compile warning-free, {failed} do not, {not_generated} not generated",
            sample.len()
        ));
    }
    if !known.is_empty() {
        v.summary.push(format!(
            "known failures: {} as listed in corpus/apisguru/known-failures.tsv, {} unexpected or stale",
            v.expected.len(),
            v.failures.len()
        ));
    }
    Ok(v)
}
