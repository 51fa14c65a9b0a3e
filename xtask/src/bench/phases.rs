//! `xtask bench-one` (hidden): one generation timed phase by phase (wall
//! and CPU) inside the release binary, printed as one JSON line; `--floor`
//! times only the parse into a `serde_json::Value`.

use std::fs;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Args;
use clientgen::emit::{self, ApiModule, CrateOptions, FeatureMode};
use serde_json::{json, Value};

use super::stats::ms;

#[derive(Args)]
pub(crate) struct BenchOneArgs {
    pub spec: PathBuf,
    /// Directory to write the crate into.
    #[arg(long)]
    pub out: PathBuf,
    /// The crate's package name (default: from the spec's title).
    #[arg(long)]
    pub name: Option<String>,
    /// Print the timings as one JSON line (the default is a short summary).
    #[arg(long)]
    pub json: bool,
    /// Only read the file and parse it into a `serde_json::Value`: the
    /// parse-only floor.
    #[arg(long)]
    pub floor: bool,
}

/// Peak resident set size of this process, in KiB.
pub(crate) fn vmhwm_kb() -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// CPU time consumed so far by this thread (`CLOCK_THREAD_CPUTIME_ID`) or
/// this process (`CLOCK_PROCESS_CPUTIME_ID`). Unlike wall time it is not
/// inflated by other processes competing for the cores; std has no API for
/// it. `/proc/thread-self/schedstat` is not a substitute: it is only updated
/// at scheduler ticks.
#[cfg(unix)]
fn cpu_clock(process: bool) -> Duration {
    let clock = if process {
        libc::CLOCK_PROCESS_CPUTIME_ID
    } else {
        libc::CLOCK_THREAD_CPUTIME_ID
    };
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec.
    if unsafe { libc::clock_gettime(clock, &mut ts) } != 0 {
        return Duration::ZERO;
    }
    Duration::new(
        u64::try_from(ts.tv_sec).unwrap_or(0),
        u32::try_from(ts.tv_nsec).unwrap_or(0),
    )
}

#[cfg(not(unix))]
fn cpu_clock(_process: bool) -> Duration {
    Duration::ZERO
}

/// CPU time of the whole process (all threads: emit formats files on
/// several threads).
pub(crate) fn cpu_now() -> Duration {
    cpu_clock(true)
}

/// Wall and CPU time of one phase.
struct Clock {
    wall: Instant,
    cpu: Duration,
}

impl Clock {
    fn start() -> Clock {
        Clock {
            wall: Instant::now(),
            cpu: cpu_now(),
        }
    }
    fn stop(self) -> (Duration, Duration) {
        (self.wall.elapsed(), cpu_now().saturating_sub(self.cpu))
    }
}

pub(crate) fn run_one(a: &BenchOneArgs) -> Result<(), String> {
    if a.floor {
        let start = Clock::start();
        let text = fs::read_to_string(&a.spec)
            .map_err(|e| format!("cannot read {}: {e}", a.spec.display()))?;
        let value: Value = clientgen::load::parse_value(&text)?;
        let (floor, floor_cpu) = start.stop();
        std::hint::black_box(&value);
        let out =
            json!({ "floor_ms": ms(floor), "floor_cpu_ms": ms(floor_cpu), "vmhwm_kb": vmhwm_kb() });
        println!("{out}");
        return Ok(());
    }

    let display = a.spec.display().to_string();
    let c = Clock::start();
    let loaded = clientgen::load::load_file(&a.spec).map_err(|d| d.to_string())?;
    let (load, load_cpu) = c.stop();

    let c = Clock::start();
    let api = clientgen::lower::lower(&loaded.spec, &loaded.openapi_version);
    let (lower, lower_cpu) = c.stop();

    // `generate` (through `lower_loaded`) places every lowering warning in
    // the source text; that is part of the real cost.
    let c = Clock::start();
    let located = api
        .warnings
        .iter()
        .filter_map(|w| loaded.source.locate(&w.pointer))
        .count();
    let (warn, warn_cpu) = c.stop();
    std::hint::black_box(located);

    let opts = crate_options(&api, &display, a.name.as_deref());
    let modules = [ApiModule {
        module: "api".into(),
        spec_path: display.clone(),
        api: &api,
    }];
    let c = Clock::start();
    let (files, timings) = emit::emit_crate_timed(&modules, &opts)?;
    let (emit, emit_cpu) = c.stop();

    let c = Clock::start();
    clientgen::write::write(&a.out, &files)
        .map_err(|e| format!("cannot write {}: {e}", a.out.display()))?;
    let (write, write_cpu) = c.stop();

    let total = load + lower + warn + emit + write;
    let total_cpu = load_cpu + lower_cpu + warn_cpu + emit_cpu + write_cpu;
    let rs_lines: usize = files
        .iter()
        .filter(|f| f.path.extension().is_some_and(|e| e == "rs"))
        .map(|f| f.contents.lines().count())
        .sum();
    let out = json!({
        "load_ms": ms(load),
        "lower_ms": ms(lower),
        "warn_ms": ms(warn),
        "emit_ms": ms(emit),
        "tokens_ms": ms(timings.tokens),
        "format_ms": ms(timings.format),
        "write_ms": ms(write),
        "total_ms": ms(total),
        "load_cpu_ms": ms(load_cpu),
        "lower_cpu_ms": ms(lower_cpu),
        "warn_cpu_ms": ms(warn_cpu),
        "emit_cpu_ms": ms(emit_cpu),
        "write_cpu_ms": ms(write_cpu),
        "total_cpu_ms": ms(total_cpu),
        "process_cpu_ms": ms(cpu_now()),
        "vmhwm_kb": vmhwm_kb(),
        "operations": api.operations.len(),
        "types": api.types.len(),
        "warnings": loaded.warnings.len() + api.warnings.len(),
        "files": files.len(),
        "rs_lines": rs_lines,
    });
    if a.json {
        println!("{out}");
    } else {
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    }
    Ok(())
}

/// The options `cargo xtask generate` uses (kept in step with
/// `generate::crate_files`, which calls the untimed `emit_crate`).
fn crate_options(api: &clientgen::ir::Api, spec_display: &str, name: Option<&str>) -> CrateOptions {
    let crate_name = name.map_or_else(|| api.package_name.clone(), str::to_string);
    CrateOptions {
        name: crate_name,
        version: "0.1.0".into(),
        description: format!("Generated client for {} {}", api.title, api.version),
        command: format!("cargo xtask generate {spec_display}"),
        features: FeatureMode::PerTag,
        standalone: true,
    }
}
