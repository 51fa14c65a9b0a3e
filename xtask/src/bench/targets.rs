//! The report's `## Targets`: each performance target, met or missed.

use std::fmt::Write as _;

use super::cells::{cpu_ratio, f1, ratio, secs, verdict};
use super::scaling::ScalePoint;
use super::spec::SpecResult;
use super::stats::Timing;

/// Writes the `## Targets` section of the report to `s`.
pub(super) fn write(s: &mut String, results: &[SpecResult], scale: &[ScalePoint]) {
    // Targets: judged on wall time as asked, with CPU time alongside since
    // the machine may be shared.
    let _ = writeln!(s, "\n## Targets\n");
    let find = |stem: &str| results.iter().find(|r| r.label.starts_with(stem));
    for (stem, what, limit) in [
        ("box-openapi", "box", 500.0),
        ("progenitor-nexus", "nexus", 150.0),
    ] {
        let line = match find(stem) {
            Some(r) if r.ours.wall.is_some() => {
                let w = r.ours.wall.unwrap_or_default();
                let c = r.ours.cpu;
                format!(
                    "{} on wall time ({w:.0} ms); {} on CPU time ({} ms)",
                    verdict(Some(w < limit)),
                    verdict(c.map(|c| c < limit)),
                    f1(c)
                )
            }
            _ => "not measured".into(),
        };
        let _ = writeln!(
            s,
            "- whole-process generation of {what} < {} s: {line}",
            limit / 1e3
        );
    }

    let both: Vec<(&str, Timing, Timing)> = results
        .iter()
        .filter_map(|r| {
            let t = r.theirs.as_ref()?;
            (t.error.is_none() && r.ours.wall.is_some() && t.timing.wall.is_some()).then_some((
                r.label.as_str(),
                r.ours,
                t.timing,
            ))
        })
        .collect();
    let slower_wall: Vec<String> = both
        .iter()
        .filter(|(_, a, b)| a.wall >= b.wall)
        .map(|(l, a, b)| format!("{l} {} vs {} ms", f1(a.wall), f1(b.wall)))
        .collect();
    let slower_cpu: Vec<String> = both
        .iter()
        .filter(|(_, a, b)| cpu_ratio(a.cpu, b.cpu).is_some_and(|x| x >= 1.0))
        .map(|(l, a, b)| format!("{l} {} vs {} ms", f1(a.cpu), f1(b.cpu)))
        .collect();
    let _ = writeln!(
        s,
        "- faster than progenitor on every spec both generate ({} specs): {} on wall time{}; {} on CPU time{}",
        both.len(),
        verdict((!both.is_empty()).then_some(slower_wall.is_empty())),
        if slower_wall.is_empty() { String::new() } else { format!(" (slower on: {})", slower_wall.join("; ")) },
        verdict((!both.is_empty()).then_some(slower_cpu.is_empty())),
        if slower_cpu.is_empty() { String::new() } else { format!(" (slower on: {})", slower_cpu.join("; ")) },
    );

    let floor_ratios = |total: &str, cpu: bool| -> Vec<(&str, f64)> {
        results
            .iter()
            .filter_map(|r| {
                let floor = if cpu { r.floor.cpu } else { r.floor.wall };
                Some((
                    r.label.as_str(),
                    ratio(r.phases.get(total).copied(), floor)?,
                ))
            })
            .collect()
    };
    for (what, key, cpu) in [("wall", "total_ms", false), ("CPU", "total_cpu_ms", true)] {
        let rs = floor_ratios(key, cpu);
        let over: Vec<String> = rs
            .iter()
            .filter(|(_, x)| *x > 2.0)
            .map(|(l, x)| format!("{l} {x:.1}×"))
            .collect();
        let best = rs.iter().map(|(_, x)| *x).fold(f64::INFINITY, f64::min);
        let _ = writeln!(
            s,
            "- generator total within 2× of the parse-only floor ({what}): {}{}",
            verdict((!rs.is_empty()).then_some(over.is_empty())),
            if over.is_empty() {
                String::new()
            } else {
                format!(" (best {best:.1}×; over 2×: {})", over.join(", "))
            }
        );
    }

    // The same target read as "within 2× of the load phase" (load = parse
    // + normalize + ref checks + typed model).
    let by_load: Vec<(&str, f64)> = results
        .iter()
        .filter_map(|r| {
            Some((
                r.label.as_str(),
                ratio(
                    r.phases.get("total_cpu_ms").copied(),
                    r.phases.get("load_cpu_ms").copied(),
                )?,
            ))
        })
        .collect();
    if !by_load.is_empty() {
        let over = by_load.iter().filter(|(_, x)| *x > 2.0).count();
        let lo = by_load
            .iter()
            .map(|(_, x)| *x)
            .fold(f64::INFINITY, f64::min);
        let hi = by_load.iter().map(|(_, x)| *x).fold(0.0, f64::max);
        let _ = writeln!(
            s,
            "- read as \"within 2× of the load phase\" (CPU): {} (total/load {lo:.1}× to {hi:.1}×; {over} of {} specs over 2×)",
            verdict(Some(over == 0)),
            by_load.len()
        );
    }

    let per_op: Vec<(usize, f64, f64, f64)> = scale
        .iter()
        .filter_map(|p| {
            let n = p.ops as f64;
            Some((
                p.ops,
                p.phases.get("total_ms")? * 1e3 / n,
                p.phases.get("total_cpu_ms")? * 1e3 / n,
                p.phases.get("vmhwm_kb")? / n,
            ))
        })
        .collect();
    if let (Some(first), Some(last), true) = (per_op.first(), per_op.last(), per_op.len() >= 2) {
        let (t, c, mem) = (last.1 / first.1, last.2 / first.2, last.3 / first.3);
        // Per-operation cost may fall (fixed costs amortized) but must not
        // grow by more than half going up 5-20× in size.
        let _ = writeln!(
            s,
            "- linear scaling: {} (per operation from {} to {} ops: wall {:.0} → {:.0} µs ×{t:.2}, CPU {:.0} → {:.0} µs ×{c:.2}, peak memory {:.1} → {:.1} KiB ×{mem:.2}; linear = per-op growth ≤ 1.5×)",
            verdict(Some(c <= 1.5 && mem <= 1.5)),
            first.0,
            last.0,
            first.1,
            last.1,
            first.2,
            last.2,
            first.3,
            last.3,
        );
    } else {
        let _ = writeln!(s, "- linear scaling: not measured");
    }

    let line = match find("progenitor-nexus") {
        Some(r) => {
            let t = r.theirs.as_ref();
            let ok_wall = r
                .ours_check
                .wall()
                .zip(t.and_then(|t| t.check.wall()))
                .map(|(a, b)| a <= b);
            let ok_cpu = r
                .ours_check
                .cpu()
                .zip(t.and_then(|t| t.check.cpu()))
                .map(|(a, b)| a <= b);
            format!(
                "{} on wall time, {} on CPU time (ours {} / {} CPU, progenitor's {} / {} CPU)",
                verdict(ok_wall),
                verdict(ok_cpu),
                r.ours_check.cell(),
                secs(r.ours_check.cpu()),
                t.map(|t| t.check.cell()).unwrap_or_else(|| "–".into()),
                secs(t.and_then(|t| t.check.cpu())),
            )
        }
        None => "not measured".into(),
    };
    let _ = writeln!(
        s,
        "- `cargo check` of our nexus crate no slower than progenitor's: {line}"
    );
}
