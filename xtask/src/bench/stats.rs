//! Figures from runs: milliseconds, medians, and the medians of repeated
//! processes (wall time, CPU time, peak RSS).

use std::time::Duration;

use super::process::Run;
use super::unit::Unit;

pub(super) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

pub(super) fn median(xs: &[f64]) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    let mut v = xs.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

/// Medians over the runs of one command.
#[derive(Default)]
pub(super) struct Runs {
    pub(super) wall: Vec<f64>,
    pub(super) cpu: Vec<f64>,
    pub(super) rss: Vec<f64>,
}

impl Runs {
    pub(super) fn push(&mut self, r: &Run) {
        self.wall.push(ms(r.wall));
        self.cpu.extend(r.cpu_ms);
        self.rss.extend(r.rss_kb.map(|k| k as f64));
    }
    pub(super) fn push_unit(&mut self, u: &Unit) {
        self.wall.push(u.wall_ms);
        self.cpu.push(u.cpu_ms);
        self.rss.push(u.rss_kb as f64);
    }
    pub(super) fn summary(&self) -> Timing {
        Timing {
            wall: median(&self.wall),
            cpu: median(&self.cpu),
            rss_kb: median(&self.rss),
        }
    }
}

/// Median wall ms, CPU ms and peak RSS KiB.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Timing {
    pub(super) wall: Option<f64>,
    pub(super) cpu: Option<f64>,
    pub(super) rss_kb: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
    }
}
