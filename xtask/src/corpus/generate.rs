//! Generating the scratch crate of every spec (in parallel), with its
//! round-trip program and cases.

use std::fs;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use serde_json::Value;

use super::cases::collect_cases;
use super::roundtrip::{example_name, roundtrip_program};
use super::row::Row;
use super::workspace::{seed_lockfile, PROFILE};
use super::{corpus_dir, first_line, CheckMode, Options};

/// What the round-trip and fuzz programs (examples, see `compare.rs`) use
/// beyond the crate itself, as the runtime's own entries (same versions).
fn harness_dev_dependencies() -> String {
    let mut out = String::from("\n[dev-dependencies]\n");
    for line in clientgen::emit::RUNTIME_DEPENDENCIES.lines() {
        let used = line
            .split_once(" = ")
            .is_some_and(|(name, _)| ["reqwest", "serde", "serde_json", "time"].contains(&name));
        if used {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

pub(super) fn generate_all(rows: &mut [Row], opts: &Options, jobs: usize) -> Result<(), String> {
    let next = AtomicUsize::new(0);
    let stop = std::sync::atomic::AtomicBool::new(false);
    let slots: Vec<Mutex<&mut Row>> = rows.iter_mut().map(Mutex::new).collect();
    std::thread::scope(|s| {
        for _ in 0..jobs.min(slots.len()) {
            // The stack of a main thread (8 MiB) or more: a spec the sweep's
            // child process generated must not overflow here.
            let worker = std::thread::Builder::new()
                .stack_size(64 << 20)
                .spawn_scoped(s, || loop {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(slot) = slots.get(i) else { break };
                    let mut row = slot.lock().unwrap_or_else(|p| p.into_inner());
                    if row.gen_error.is_some() {
                        // Screened out by the sweep (crash, hang, rejection).
                        continue;
                    }
                    generate_one(&mut row, opts);
                    if let Some(e) = &row.gen_error {
                        eprintln!("corpus: {}: {e}", row.rel);
                        if !opts.keep_going {
                            stop.store(true, Ordering::Relaxed);
                        }
                    }
                });
            if let Err(e) = worker {
                return Err(format!("cannot start a generator thread: {e}"));
            }
        }
        Ok(())
    })
}

fn panic_message(p: Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".into()
    }
}

fn generate_one(row: &mut Row, opts: &Options) {
    let start = Instant::now();
    let display = row.spec.display().to_string();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| -> Result<_, String> {
        let lowered = match &row.recorded {
            // Only the operations the recordings reached.
            Some(rec) => super::recorded::lower(&row.spec, &display, rec)?,
            None => clientgen::lower_file(&row.spec, &display).map_err(|d| d.to_string())?,
        };
        let files = crate::generate::crate_files(&lowered.api, &display, Some(&row.krate))?;
        Ok((lowered, files))
    }));
    row.gen_ms = start.elapsed().as_millis();
    let (lowered, mut files) = match result {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => {
            row.gen_error = Some(first_line(&e));
            return;
        }
        Err(p) => {
            row.gen_error = Some(format!("panicked: {}", panic_message(p)));
            return;
        }
    };
    let api = &lowered.api;
    row.openapi = api.openapi_version.clone();
    row.operations = api.operations.len();
    row.types = api.types.len();
    row.fallbacks = api.warnings.len();
    let fallbacks: String = lowered.warnings.iter().map(|w| format!("{w}\n")).collect();
    let _ = fs::write(
        corpus_dir()
            .join("logs")
            .join(format!("{}.fallbacks.txt", row.stem)),
        fallbacks,
    );

    for f in files
        .iter_mut()
        .filter(|f| f.path == Path::new("Cargo.toml"))
    {
        // The crate lists only what its own code names.
        f.contents.push_str(&harness_dev_dependencies());
        match opts.mode {
            // A member of the scratch workspace, not a workspace of its own.
            CheckMode::Workspace => f.contents = f.contents.replace("\n[workspace]\n", "\n"),
            // Standalone, with the scratch workspace's profile so that the
            // dependencies built in either mode are the same artifacts.
            CheckMode::PerCrate => f.contents.push_str(PROFILE),
        }
    }
    let dir = row.dir();
    if let Err(e) = clientgen::write::write(&dir, &files) {
        row.gen_error = Some(format!("cannot write {}: {e}", dir.display()));
        return;
    }
    seed_lockfile(&dir.join("Cargo.lock"));

    if opts.fuzz > 0 {
        row.fuzz = super::fuzz::prepare(api, &row.krate);
    }

    // Round-trip program and its cases.
    let examples_dir = dir.join("examples");
    let _ = fs::remove_dir_all(&examples_dir);
    let _ = fs::remove_file(dir.join("roundtrip.json"));
    if opts.examples && !row.sample {
        row.cases = match row.recorded.as_mut() {
            Some(rec) => super::recorded::cases(api, &row.krate, rec),
            None => collect_cases(api, &row.krate),
        };
        if row.runnable_cases() > 0 {
            let program = roundtrip_program(row);
            let cases: Vec<&Value> = row
                .cases
                .iter()
                .filter(|c| c.rust_type.is_ok())
                .map(|c| &c.value)
                .collect();
            let written = fs::create_dir_all(&examples_dir)
                .and_then(|()| {
                    fs::write(
                        examples_dir.join(format!("{}.rs", example_name(&row.krate))),
                        program,
                    )
                })
                .and_then(|()| {
                    fs::write(
                        dir.join("roundtrip.json"),
                        serde_json::to_string_pretty(&cases).unwrap_or_default(),
                    )
                });
            if let Err(e) = written {
                row.roundtrip_error = Some(format!("cannot write the round-trip program: {e}"));
            }
        }
    }
}
