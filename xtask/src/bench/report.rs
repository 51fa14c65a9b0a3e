//! `target/bench/report.md`: the header (machine, method), the tables of
//! phases, progenitor, `cargo check` and scaling, the targets and the
//! failures.

use std::fmt::Write as _;
use std::path::PathBuf;

use super::cells::{count, cpu_cell, cpu_ratio, esc, f1, mib, ratio, secs, size, times};
use super::check::Check;
use super::machine::{loadavg, Machine};
use super::scaling::ScalePoint;
use super::spec::SpecResult;
use super::targets;
use super::BenchArgs;

pub(super) fn report(
    args: &BenchArgs,
    m: &Machine,
    progenitor: &Result<(PathBuf, String), String>,
    results: &[SpecResult],
    scale: &[ScalePoint],
) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# clientgen benchmark\n");
    let _ = writeln!(s, "- date: {}", m.date);
    let _ = writeln!(
        s,
        "- machine: {} CPUs ({}), {} RAM; load average at start {}, at end {}",
        m.nproc,
        m.cpu,
        m.mem,
        m.load_start,
        loadavg()
    );
    let _ = writeln!(s, "- toolchain: {}; clientgen at {}", m.rustc, m.commit);
    let _ = writeln!(
        s,
        "- progenitor: {}",
        match progenitor {
            Ok((_, v)) => v.clone(),
            Err(e) => format!("unavailable ({e})"),
        }
    );
    let _ = writeln!(
        s,
        "- method: release build; one process per measurement; medians of {} runs. Phases are timed inside `xtask bench-one` \
         (wall, and process CPU time of all threads from `clock_gettime(CLOCK_PROCESS_CPUTIME_ID)`); \"process\" is `xtask generate` / `cargo-progenitor progenitor` spawn → exit \
         (interleaved, CPU and peak RSS from /usr/bin/time). \"emit\" is `emit_crate_timed` as a whole; \"format\" is its syn-parse + prettyplease time summed over the threads emit uses, so it can exceed emit's wall time. `cargo check`: one warm-up (dependencies) per generator into a shared \
         target dir, then touch src/lib.rs and re-check with `CARGO_INCREMENTAL=0` (the whole crate, as when it is a dependency), median of {} (interleaved). When the load average exceeds the CPU count, \
         trust CPU times and same-run ratios over wall times.",
        args.runs, args.check_runs
    );

    let _ = writeln!(s, "\n## Phases: wall ms (medians)\n");
    let _ = writeln!(s, "| spec | size | ops | types | load | lower | warnings | emit | format (Σ threads) | write | **total** | parse floor | total/floor | peak RSS MiB | generated .rs lines |");
    let _ = writeln!(
        s,
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
    );
    for r in results {
        if r.phases.is_empty() {
            let _ = writeln!(
                s,
                "| {} | {} | failed: {} |||||||||||||",
                r.label,
                size(r.bytes),
                esc(r.error.as_deref().unwrap_or("?"))
            );
            continue;
        }
        let p = |k: &str| r.phases.get(k).copied();
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | **{}** | {} | {} | {} | {} |",
            r.label,
            size(r.bytes),
            count(p("operations")),
            count(p("types")),
            f1(p("load_ms")),
            f1(p("lower_ms")),
            f1(p("warn_ms")),
            f1(p("emit_ms")),
            f1(p("format_ms")),
            f1(p("write_ms")),
            f1(p("total_ms")),
            f1(r.floor.wall),
            times(ratio(p("total_ms"), r.floor.wall)),
            mib(p("vmhwm_kb")),
            r.rs_lines,
        );
    }

    let _ = writeln!(s, "\n## Phases: CPU ms (medians)\n");
    let _ = writeln!(s, "| spec | load | lower | warnings | emit | write | **total** | parse floor | total/floor | load/floor | total/load | process CPU (bench-one, to exit) |");
    let _ = writeln!(s, "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
    for r in results.iter().filter(|r| !r.phases.is_empty()) {
        let p = |k: &str| r.phases.get(k).copied();
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | **{}** | {} | {} | {} | {} | {} |",
            r.label,
            f1(p("load_cpu_ms")),
            f1(p("lower_cpu_ms")),
            f1(p("warn_cpu_ms")),
            f1(p("emit_cpu_ms")),
            f1(p("write_cpu_ms")),
            f1(p("total_cpu_ms")),
            f1(r.floor.cpu),
            times(ratio(p("total_cpu_ms"), r.floor.cpu)),
            times(ratio(p("load_cpu_ms"), r.floor.cpu)),
            times(ratio(p("total_cpu_ms"), p("load_cpu_ms"))),
            f1(p("process_cpu_ms")),
        );
    }

    let _ = writeln!(s, "\n## Against progenitor\n");
    let _ = writeln!(
        s,
        "Whole process (spawn → exit) and `cargo check` of the generated crate after touching src/lib.rs. Ratios are ours / progenitor's (< 1: we are faster).\n"
    );
    let _ = writeln!(s, "| spec | ours ms | progenitor ms | wall ratio | ours CPU ms | progenitor CPU ms | CPU ratio | ours RSS MiB | progenitor RSS MiB | ours check | progenitor check | check ratio (wall / CPU) | ours .rs lines | progenitor .rs lines |");
    let _ = writeln!(
        s,
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
    );
    for r in results {
        let dash = || "–".to_string();
        let (tw, tc, tr, tchk, tl, wr, cr, chr) = match &r.theirs {
            None => (
                "unavailable".to_string(),
                dash(),
                dash(),
                dash(),
                dash(),
                dash(),
                dash(),
                dash(),
            ),
            Some(t) if t.error.is_some() => (
                format!("cannot generate: {}", esc(t.error.as_deref().unwrap_or(""))),
                dash(),
                dash(),
                dash(),
                dash(),
                dash(),
                dash(),
                dash(),
            ),
            Some(t) => (
                f1(t.timing.wall),
                cpu_cell(t.timing.cpu),
                mib(t.timing.rss_kb),
                t.check.cell(),
                t.rs_lines.to_string(),
                times(ratio(r.ours.wall, t.timing.wall)),
                times(cpu_ratio(r.ours.cpu, t.timing.cpu)),
                format!(
                    "{} / {}",
                    times(ratio(r.ours_check.wall(), t.check.wall())),
                    times(ratio(r.ours_check.cpu(), t.check.cpu()))
                ),
            ),
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            r.label,
            f1(r.ours.wall),
            tw,
            wr,
            cpu_cell(r.ours.cpu),
            tc,
            cr,
            mib(r.ours.rss_kb),
            tr,
            r.ours_check.cell(),
            tchk,
            chr,
            r.rs_lines,
            tl
        );
    }

    if results
        .iter()
        .any(|r| !matches!(r.ours_check, Check::Skipped))
    {
        let _ = writeln!(s, "\n## `cargo check` of our crates: where the time goes\n");
        let _ = writeln!(
            s,
            "All features vs `--no-default-features` (the per-tag features gate the operations, so the latter is the types and the runtime only).\n"
        );
        let _ = writeln!(s, "| spec | ops | types | .rs lines | all features | no operations | operations' share | all features CPU |");
        let _ = writeln!(s, "|---|--:|--:|--:|--:|--:|--:|--:|");
        for r in results
            .iter()
            .filter(|r| !matches!(r.ours_check, Check::Skipped))
        {
            let share = match (r.ours_check.wall(), r.ours_check_types.wall()) {
                (Some(a), Some(b)) if a > 0.0 => format!("{:.0}%", (a - b).max(0.0) / a * 100.0),
                _ => "–".into(),
            };
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                r.label,
                count(r.phases.get("operations").copied()),
                count(r.phases.get("types").copied()),
                r.rs_lines,
                r.ours_check.cell(),
                r.ours_check_types.cell(),
                share,
                secs(r.ours_check.cpu()),
            );
        }
    }

    if !scale.is_empty() {
        let _ = writeln!(
            s,
            "\n## Scaling (synthetic specs in target/bench/specs/: CRUD over ops/4 resources)\n"
        );
        let _ = writeln!(s, "| operations | spec size | load | lower | emit | format (Σ threads) | write | **total** ms | µs / op | CPU ms | CPU µs / op | parse floor | total/floor | process ms | peak RSS MiB | KiB / op |");
        let _ = writeln!(
            s,
            "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
        );
        for pt in scale {
            if let Some(e) = &pt.error {
                let _ = writeln!(
                    s,
                    "| {} | {} | failed: {} ||||||||||||||",
                    pt.ops,
                    size(pt.bytes),
                    esc(e)
                );
                continue;
            }
            let p = |k: &str| pt.phases.get(k).copied();
            let per_op = |k: &str, scale: f64| p(k).map(|t| t * scale / pt.ops as f64);
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {} | **{}** | {} | {} | {} | {} | {} | {} | {} | {} |",
                pt.ops,
                size(pt.bytes),
                f1(p("load_ms")),
                f1(p("lower_ms")),
                f1(p("emit_ms")),
                f1(p("format_ms")),
                f1(p("write_ms")),
                f1(p("total_ms")),
                f1(per_op("total_ms", 1e3)),
                f1(p("total_cpu_ms")),
                f1(per_op("total_cpu_ms", 1e3)),
                f1(pt.floor.wall),
                times(ratio(p("total_ms"), pt.floor.wall)),
                f1(p("process_ms")),
                mib(p("vmhwm_kb")),
                f1(per_op("vmhwm_kb", 1.0)),
            );
        }
    }

    targets::write(&mut s, results, scale);

    let failures: Vec<String> = results
        .iter()
        .filter_map(|r| {
            let t = r.theirs.as_ref()?;
            match (&t.error, &t.check) {
                (Some(e), _) => Some(format!("- progenitor cannot generate {}: {}", r.label, e)),
                (None, Check::Failed(e)) => Some(format!(
                    "- progenitor's crate for {} does not compile: {}",
                    r.label, e
                )),
                _ => None,
            }
        })
        .chain(
            results
                .iter()
                .filter_map(|r| match (&r.error, &r.ours_check) {
                    (Some(e), _) => Some(format!("- clientgen failed on {}: {}", r.label, e)),
                    (None, Check::Failed(e)) => Some(format!(
                        "- our crate for {} does not compile: {}",
                        r.label, e
                    )),
                    _ => None,
                }),
        )
        .collect();
    if !failures.is_empty() {
        let _ = writeln!(s, "\n## Failures\n");
        for f in failures {
            let _ = writeln!(s, "{f}");
        }
    }
    s
}
