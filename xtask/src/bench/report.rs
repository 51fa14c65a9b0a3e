//! `target/bench/report.md`: the machine and method, then per spec and
//! generator the generation, `cargo check` and decode figures with our
//! ratio to each peer, and the goals checked against them.

use std::fmt::Write as _;

use super::cells::{cpu_cell, esc, f1, mib, ratio, secs, size, times, verdict};
use super::check::{Check, Checked};
use super::generation::Outcome;
use super::generators::Gen;
use super::machine::Machine;
use super::stats::Timing;
use super::{BenchArgs, SpecResult};

pub(super) fn report(
    args: &BenchArgs,
    m: &Machine,
    tools: &[String],
    results: &[SpecResult],
    skipped: &[String],
) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# clientgen benchmark: side by side with openapi-to-rust and progenitor\n"
    );
    s.push_str(&m.date_and_machine());
    let _ = writeln!(s, "- toolchain: {}; clientgen at {}", m.rustc, m.commit);
    for t in tools {
        let _ = writeln!(s, "- {t}");
    }
    let _ = writeln!(
        s,
        "- method: one process per measurement, the generators alternated round by round (round i starts with generator i mod 3); \
         medians of {} generation runs. Wall time is spawn → exit; CPU (user + system) and peak RSS from /usr/bin/time. \
         `cargo check`: a warm-up per generator builds the dependencies into that generator's target dir, then `touch src/lib.rs` \
         and `CARGO_INCREMENTAL=0 cargo check` (the whole crate, as a dependency is checked), alternated, median of {}; clientgen's runtime is a package \
         of its own (`runtime/`), prebuilt there like progenitor-client, and its own check (`touch runtime/src/lib.rs`) is a row of its own; its peak RSS \
         is that of the largest process, rustc. `own rustc`: the checked crate's rustc run alone (cargo runs it through this xtask as \
         `RUSTC_WORKSPACE_WRAPPER`, which times it with `getrusage`), the unit a dependency adds to a user's build; the whole process \
         also holds cargo's start-up and fingerprints (about 80 ms, alike for every crate). Ratios are clientgen / peer: below 1 is better for us. When the load average \
         exceeds the CPU count, trust same-run ratios and CPU over absolute wall times.",
        args.runs, args.check_runs
    );
    for k in skipped {
        let _ = writeln!(s, "- skipped {k}");
    }

    let _ = writeln!(s, "\n## Generation (whole process)\n");
    let _ = writeln!(s, "| spec | size | generator | wall | CPU ms | peak RSS MiB | .rs lines | wall ratio | CPU ratio | RSS ratio |");
    let _ = writeln!(s, "|---|--:|---|--:|--:|--:|--:|--:|--:|--:|");
    for r in results {
        let ours = r
            .generation
            .get(&Gen::Ours)
            .and_then(Outcome::timing)
            .copied();
        for (g, o) in &r.generation {
            let first = *g == Gen::Ours;
            let label = if first {
                format!("{} ({} runs)", r.spec.label, r.runs)
            } else {
                String::new()
            };
            let sz = if first { size(r.bytes) } else { String::new() };
            match o {
                Outcome::Ok {
                    timing, rs_lines, ..
                } => {
                    let (w, c, m) = if first {
                        (String::new(), String::new(), String::new())
                    } else {
                        ratios(ours, timing)
                    };
                    let _ = writeln!(
                        s,
                        "| {label} | {sz} | {} | {} | {} | {} | {rs_lines} | {w} | {c} | {m} |",
                        g.name(),
                        secs(timing.wall),
                        cpu_cell(timing.cpu),
                        mib(timing.rss_kb),
                    );
                }
                Outcome::Failed(e) => {
                    let _ = writeln!(
                        s,
                        "| {label} | {sz} | {} | fails: {} |||||||",
                        g.name(),
                        esc(e)
                    );
                }
                Outcome::Unavailable => {
                    let _ = writeln!(s, "| {label} | {sz} | {} | not installed |||||||", g.name());
                }
            }
        }
    }

    let checked: Vec<&SpecResult> = results.iter().filter(|r| !r.checks.is_empty()).collect();
    if !checked.is_empty() {
        let _ = writeln!(
            s,
            "\n## `cargo check` of the generated crate (non-incremental)\n"
        );
        let _ = writeln!(s, "| spec | crate | wall | CPU ms | rustc peak RSS MiB | own rustc CPU ms | wall ratio | CPU ratio | RSS ratio | own rustc ratio |");
        let _ = writeln!(s, "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|");
        for r in checked {
            let ours = timing(r.checks.get(&Gen::Ours));
            for (g, c) in &r.checks {
                let label = if *g == Gen::Ours { r.spec.label } else { "" };
                check_row(
                    &mut s,
                    label,
                    g.name(),
                    c,
                    (*g != Gen::Ours).then_some(ours).flatten(),
                );
            }
            if let (Some(f), Some(c)) = (r.spec.feature, &r.feature_check) {
                check_row(
                    &mut s,
                    "",
                    &format!("clientgen, only `{f}` (ratio to the full crate)"),
                    c,
                    ours,
                );
            }
            if let Some(c) = &r.runtime_check {
                check_row(
                    &mut s,
                    "",
                    "clientgen's runtime package, checked once (ratio to the API crate)",
                    c,
                    ours,
                );
            }
        }
    }

    let decoded: Vec<&SpecResult> = results.iter().filter(|r| r.decode.is_some()).collect();
    if !decoded.is_empty() {
        let _ = writeln!(s, "\n## Decode throughput\n");
        let _ = writeln!(
            s,
            "Schema-driven instances of the item schema (the decode fuzzer's json-schema-faker), each with one undeclared \
             property; the document holds the first items every generator's types accept. `kept`: undeclared properties \
             still in the decoded value (re-serialized). Ratio: clientgen (through `RawResponse::decode`, as the client decodes) / decoder, in \
             throughput: above 1 is better for us.\n"
        );
        let _ = writeln!(
            s,
            "| spec | document | decoder | MB/s | kept | throughput ratio |"
        );
        let _ = writeln!(s, "|---|---|---|--:|--:|--:|");
        for r in decoded {
            let Some(d) = &r.decode else { continue };
            if let Some(e) = &d.error {
                let _ = writeln!(
                    s,
                    "| {} | {} | failed: {} |||",
                    r.spec.label,
                    esc(&d.what),
                    esc(e)
                );
            }
            let ours = d
                .rows
                .iter()
                .find(|x| x.name == "clientgen")
                .and_then(|x| x.mb_per_s);
            let what = format!(
                "{} ({} KiB, {} items; pool {}, rejected {:?})",
                d.what,
                d.bytes / 1024,
                d.items,
                d.pool,
                d.rejected
            );
            for (i, row) in d.rows.iter().enumerate() {
                let (label, what) = if i == 0 {
                    (r.spec.label, esc(&what))
                } else {
                    ("", String::new())
                };
                if let Some(e) = &row.error {
                    let _ = writeln!(
                        s,
                        "| {label} | {what} | {} | fails: {} |||",
                        row.name,
                        esc(e)
                    );
                    continue;
                }
                let kept = row
                    .kept
                    .map(|k| k.to_string())
                    .unwrap_or_else(|| "–".into());
                let rt = if row.name == "clientgen" {
                    String::new()
                } else {
                    times(ratio(ours, row.mb_per_s))
                };
                let _ = writeln!(
                    s,
                    "| {label} | {what} | {} | {} | {kept} | {rt} |",
                    row.name,
                    f1(row.mb_per_s)
                );
            }
        }
    }

    goals(&mut s, results);
    s
}

fn ratios(ours: Option<Timing>, t: &Timing) -> (String, String, String) {
    let Some(o) = ours else {
        return Default::default();
    };
    (
        times(ratio(o.wall, t.wall)),
        // /usr/bin/time counts CPU in 10 ms ticks: no ratio of small figures.
        times(
            ratio(o.cpu, t.cpu)
                .filter(|_| o.cpu.unwrap_or(0.0) >= 50.0 && t.cpu.unwrap_or(0.0) >= 50.0),
        ),
        times(ratio(o.rss_kb, t.rss_kb)),
    )
}

fn timing(c: Option<&Check>) -> Option<Checked> {
    match c {
        Some(Check::Ok(t)) => Some(*t),
        _ => None,
    }
}

fn check_row(s: &mut String, label: &str, name: &str, c: &Check, base: Option<Checked>) {
    match c {
        Check::Ok(t) => {
            // Ours over the other: over the peer, or over the full crate.
            let (ours, other) = match base {
                Some(b) if name.starts_with("clientgen") => (*t, b),
                Some(b) => (b, *t),
                None => (*t, Checked::default()),
            };
            let (w, cpu, m) = match base {
                Some(_) => ratios(Some(ours.process), &other.process),
                None => Default::default(),
            };
            let own = match base {
                Some(_) => times(own_ratio(&ours, &other)),
                None => String::new(),
            };
            let _ = writeln!(
                s,
                "| {label} | {name} | {} | {} | {} | {} | {w} | {cpu} | {m} | {own} |",
                secs(t.process.wall),
                cpu_cell(t.process.cpu),
                mib(t.process.rss_kb),
                f1(t.own.and_then(|o| o.cpu)),
            );
        }
        other => {
            let _ = writeln!(s, "| {label} | {name} | {} ||||||||", other.cell());
        }
    }
}

/// CPU of our crate's own rustc run over the other's (exact `getrusage`
/// figures, so small ones make a ratio too).
fn own_ratio(ours: &Checked, other: &Checked) -> Option<f64> {
    ratio(ours.own.and_then(|o| o.cpu), other.own.and_then(|o| o.cpu))
}

/// The goals, as far as this run measured them.
fn goals(s: &mut String, results: &[SpecResult]) {
    let _ = writeln!(s, "\n## Goals (issue 13)\n");
    for r in results {
        let ours = r
            .generation
            .get(&Gen::Ours)
            .and_then(Outcome::timing)
            .copied();
        for g in [Gen::OpenapiToRust, Gen::Progenitor] {
            let Some(t) = r.generation.get(&g).and_then(Outcome::timing) else {
                continue;
            };
            if !r.spec.generation_goal {
                continue;
            }
            let w = ours.and_then(|o| ratio(o.wall, t.wall));
            let m = ours.and_then(|o| ratio(o.rss_kb, t.rss_kb));
            let _ = writeln!(
                s,
                "- {}: generation wall ≤ 0.5× {}: {} ({}); peak RSS ≤ 0.7×: {} ({})",
                r.spec.label,
                g.name(),
                verdict(w.map(|x| x <= 0.5)),
                times(w),
                verdict(m.map(|x| x <= 0.7)),
                times(m)
            );
        }
        if r.spec.label == "microsoft-graph" {
            let _ = writeln!(
                s,
                "- microsoft-graph in < 30 s: {} ({}, peak RSS {} MiB)",
                verdict(ours.and_then(|o| o.wall).map(|w| w < 30_000.0)),
                secs(ours.and_then(|o| o.wall)),
                mib(ours.and_then(|o| o.rss_kb))
            );
        }
        let oc = timing(r.checks.get(&Gen::Ours));
        for g in [Gen::OpenapiToRust, Gen::Progenitor] {
            let Some(t) = timing(r.checks.get(&g)) else {
                continue;
            };
            let w = oc.and_then(|o| ratio(o.process.wall, t.process.wall));
            let u = oc.and_then(|o| own_ratio(&o, &t));
            let _ = writeln!(
                s,
                "- {}: check ≤ 0.6× {}: whole `cargo check` wall {} ({}); the crate's own rustc CPU {} ({})",
                r.spec.label,
                g.name(),
                verdict(w.map(|x| x <= 0.6)),
                times(w),
                verdict(u.map(|x| x <= 0.6)),
                times(u)
            );
        }
        if let (Some(f), Some(o)) = (timing(r.feature_check.as_ref()), oc) {
            let w = ratio(f.process.wall, o.process.wall);
            let u = own_ratio(&f, &o);
            let _ = writeln!(
                s,
                "- {}: one operation feature ≤ 10% of the full check: whole `cargo check` wall {} ({}); own rustc CPU {} ({})",
                r.spec.label,
                verdict(w.map(|x| x <= 0.1)),
                times(w),
                verdict(u.map(|x| x <= 0.1)),
                times(u)
            );
        }
        if let Some(d) = &r.decode {
            let ours = d.rows.iter().find(|x| x.name == "clientgen");
            let best = d
                .rows
                .iter()
                .filter(|x| x.gen.is_some_and(|g| g != Gen::Ours))
                .filter_map(|x| x.mb_per_s)
                .reduce(f64::max);
            let rt = ratio(ours.and_then(|x| x.mb_per_s), best);
            let kept = ours.and_then(|x| x.kept).is_some_and(|k| k >= d.items);
            let _ = writeln!(
                s,
                "- {}: decode ≥ 1.5× the faster peer: {} ({}); undeclared fields kept: {}",
                r.spec.label,
                verdict(rt.map(|x| x >= 1.5)),
                times(rt),
                if kept { "yes" } else { "NO" }
            );
        }
    }
}
