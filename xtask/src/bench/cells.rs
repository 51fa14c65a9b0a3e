//! Figures formatted for the report's table cells (`–` when not measured).

pub(super) fn f1(x: Option<f64>) -> String {
    x.map(|v| {
        if v >= 100.0 {
            format!("{v:.0}")
        } else if v >= 10.0 {
            format!("{v:.1}")
        } else {
            format!("{v:.2}")
        }
    })
    .unwrap_or_else(|| "–".into())
}

pub(super) fn secs(ms: Option<f64>) -> String {
    ms.map(|v| format!("{:.2} s", v / 1e3))
        .unwrap_or_else(|| "–".into())
}

pub(super) fn mib(kb: Option<f64>) -> String {
    kb.map(|k| format!("{:.0}", k / 1024.0))
        .unwrap_or_else(|| "–".into())
}

pub(super) fn ratio(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => Some(a / b),
        _ => None,
    }
}

/// CPU ms from `/usr/bin/time` (10 ms ticks).
pub(super) fn cpu_cell(x: Option<f64>) -> String {
    match x {
        Some(v) if v < 10.0 => "< 10".into(),
        other => f1(other),
    }
}

pub(super) fn times(x: Option<f64>) -> String {
    x.map(|v| format!("{v:.2}×")).unwrap_or_else(|| "–".into())
}

pub(super) fn size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.2} MB", bytes as f64 / 1024.0 / 1024.0)
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

pub(super) fn verdict(ok: Option<bool>) -> &'static str {
    match ok {
        Some(true) => "met",
        Some(false) => "MISSED",
        None => "not measured",
    }
}

pub(super) fn esc(s: &str) -> String {
    s.replace('|', "\\|")
}
