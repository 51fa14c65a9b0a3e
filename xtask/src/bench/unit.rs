//! The checked crate's own `rustc` run, timed apart from cargo.
//!
//! `cargo check` of a small crate is mostly cargo itself (start-up, the
//! lock file, fingerprints of ~100 packages: about 80 ms here, the same for
//! every generator's crate) and rustc loading its dependencies. In a user's
//! build that cost is paid once, whatever the dependencies; what a generated
//! crate adds is its own rustc run, the unit `cargo build --timings` shows.
//! The bench reports both: the whole `cargo check` process, and this.
//!
//! How: cargo runs workspace members' rustc through
//! `RUSTC_WORKSPACE_WRAPPER`, which the bench sets to this xtask binary with
//! [`LOG_ENV`] naming a log file. In that mode the xtask runs the rustc it is
//! given, waits, and appends one line per compiled crate: its name, wall and
//! CPU milliseconds, peak RSS (`getrusage` of the waited child: exact, where
//! `/usr/bin/time` rounds to 10 ms).

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Instant;

/// Set (to the log's path) only in the environment of the bench's
/// `cargo check`, so the xtask binary knows it runs as cargo's wrapper.
pub(crate) const LOG_ENV: &str = "CLIENTGEN_BENCH_RUSTC_LOG";

/// One rustc run of the checked crate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Unit {
    pub(super) wall_ms: f64,
    pub(super) cpu_ms: f64,
    pub(super) rss_kb: u64,
}

/// Wrapper mode: `args` is `[rustc, rustc's arguments...]`. Runs it with
/// the same standard streams and exit status, and logs the run.
pub(crate) fn wrap(log: &Path, args: &[std::ffi::OsString]) -> ExitCode {
    let Some((rustc, rest)) = args.split_first() else {
        eprintln!("{LOG_ENV} is set but no rustc was given to run");
        return ExitCode::FAILURE;
    };
    let start = Instant::now();
    let status = match Command::new(rustc).args(rest).status() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot run {}: {e}", rustc.to_string_lossy());
            return ExitCode::FAILURE;
        }
    };
    let wall_ms = start.elapsed().as_secs_f64() * 1e3;
    let rest: Vec<String> = rest
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    // cargo's probe of the target (`--crate-name ___`) is not a crate.
    if let Some(name) = crate_name(&rest).filter(|n| *n != "___") {
        let (cpu_ms, rss_kb) = children_usage();
        let line = format!("{name}\t{wall_ms:.3}\t{cpu_ms:.3}\t{rss_kb}\n");
        let written = OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .and_then(|mut f| f.write_all(line.as_bytes()));
        if let Err(e) = written {
            eprintln!("cannot write {}: {e}", log.display());
        }
    }
    match status.code() {
        Some(0) => ExitCode::SUCCESS,
        Some(c) => ExitCode::from(u8::try_from(c).unwrap_or(1)),
        None => ExitCode::FAILURE,
    }
}

/// Whether `program` (the wrapper's first argument) is a rustc: cargo
/// passes the path of the one it uses. Anything else is an xtask command
/// run with the log variable left in the environment.
pub(crate) fn is_rustc(program: &std::ffi::OsStr) -> bool {
    Path::new(program)
        .file_stem()
        .is_some_and(|s| s.to_string_lossy().contains("rustc"))
}

fn crate_name(args: &[String]) -> Option<&str> {
    let i = args.iter().position(|a| a == "--crate-name")?;
    args.get(i + 1).map(String::as_str)
}

/// User + system CPU milliseconds and peak RSS (KiB) of the children this
/// process has waited for: here, the one rustc.
#[cfg(unix)]
fn children_usage() -> (f64, u64) {
    // SAFETY: `getrusage` writes one `rusage` into the zeroed value it is
    // given and reads nothing else.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) } != 0 {
        return (f64::NAN, 0);
    }
    let ms = |t: libc::timeval| t.tv_sec as f64 * 1e3 + t.tv_usec as f64 / 1e3;
    (
        ms(usage.ru_utime) + ms(usage.ru_stime),
        u64::try_from(usage.ru_maxrss).unwrap_or(0),
    )
}

#[cfg(not(unix))]
fn children_usage() -> (f64, u64) {
    (f64::NAN, 0)
}

/// The runs of crate `name` in a log written by [`wrap`] (one per crate
/// rustc compiled during one `cargo check`; the log may hold others, e.g.
/// the API crate rechecked after its runtime package).
pub(super) fn runs_of(log: &str, name: &str) -> Vec<Unit> {
    log.lines()
        .filter_map(|l| {
            let mut f = l.split('\t');
            if f.next()? != name {
                return None;
            }
            let wall_ms = f.next()?.parse().ok()?;
            let cpu_ms = f.next()?.parse().ok()?;
            let rss_kb = f.next()?.parse().ok()?;
            Some(Unit {
                wall_ms,
                cpu_ms,
                rss_kb,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_runs_of_one_crate() {
        let log = "bench_api_runtime\t310.5\t300.25\t90000\n\
                   bench_api\t98.125\t96.5\t120000\n\
                   garbage line\n\
                   bench_api\tnot-a-number\t1\t1\n";
        assert_eq!(
            runs_of(log, "bench_api"),
            vec![Unit {
                wall_ms: 98.125,
                cpu_ms: 96.5,
                rss_kb: 120_000
            }]
        );
        assert_eq!(runs_of(log, "bench_api_runtime").len(), 1);
        assert!(runs_of(log, "bench").is_empty());
    }

    #[test]
    fn only_a_rustc_is_wrapped() {
        let rustc = |s: &str| is_rustc(std::ffi::OsStr::new(s));
        assert!(rustc(
            "/root/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/bin/rustc"
        ));
        assert!(rustc("rustc"));
        assert!(rustc("C:\\rust\\bin\\rustc.exe"));
        assert!(!rustc("codegen"));
        assert!(!rustc("bench"));
    }

    #[test]
    fn names_the_crate_rustc_compiles() {
        let args = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
        assert_eq!(
            crate_name(&args("--crate-name bench_api --edition=2021 src/lib.rs")),
            Some("bench_api")
        );
        assert_eq!(
            crate_name(&args("- --crate-name ___ --print=file-names")),
            Some("___")
        );
        assert_eq!(crate_name(&args("-vV")), None);
        assert_eq!(crate_name(&args("--crate-name")), None);
    }

    /// The wrapper runs the program it is given with its arguments, passes
    /// the exit status on, and logs the run under the crate's name with its
    /// measured times.
    #[test]
    fn wraps_a_command_and_logs_it() {
        let dir = std::env::temp_dir().join(format!("xtask-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let log = dir.join("log");
        let os = |s: &str| std::ffi::OsString::from(s);
        // `sh -c 'exit 3' --crate-name probe`: $0 is `--crate-name`.
        let code = wrap(
            &log,
            &[
                os("sh"),
                os("-c"),
                os("sleep 0.05; exit 3"),
                os("--crate-name"),
                os("probe"),
            ],
        );
        assert_eq!(code, ExitCode::from(3));
        let ok = wrap(&log, &[os("true"), os("--crate-name"), os("___")]);
        assert_eq!(ok, ExitCode::SUCCESS);
        let text = std::fs::read_to_string(&log).expect("log written");
        let _ = std::fs::remove_dir_all(&dir);
        let runs = runs_of(&text, "probe");
        assert_eq!(runs.len(), 1, "{text}");
        assert!(runs[0].wall_ms >= 50.0, "{text}");
        assert!(runs[0].rss_kb > 0, "{text}");
        assert!(!text.contains("___"), "{text}");
    }
}
