//! `xtask corpus-one SPEC` (hidden): the child process of the directory
//! sweep. Generates one spec (load, lower, emit; nothing written) and prints
//! one JSON line: the outcome, phase times and peak memory. A panic, a stack
//! overflow or a hang is left to happen: the parent classifies it from the
//! exit status and stderr.

use std::path::PathBuf;
use std::time::Instant;

use serde_json::json;

use crate::bench::{cpu_now, vmhwm_kb};

#[derive(clap::Args)]
pub struct OneArgs {
    pub spec: PathBuf,
}

pub fn run_one(a: &OneArgs) -> Result<(), String> {
    let display = a.spec.display().to_string();
    let ms = |t: Instant| t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    let loaded = match clientgen::load::load_file(&a.spec) {
        Ok(l) => l,
        Err(d) => {
            let line = json!({ "result": "rejected", "phase": "load", "diagnostic": d.to_string(), "load_ms": ms(t), "cpu_ms": cpu_now().as_secs_f64() * 1e3, "vmhwm_kb": vmhwm_kb() });
            println!("{line}");
            return Ok(());
        }
    };
    let load_ms = ms(t);
    let openapi = loaded.openapi_version.clone();
    let t = Instant::now();
    let lowered = clientgen::lower_loaded(loaded, &display);
    let lower_ms = ms(t);
    let t = Instant::now();
    let emitted = crate::generate::crate_files(&lowered.api, &display, Some("corpus-one"));
    let emit_ms = ms(t);
    let api = &lowered.api;
    let mut line = json!({
        "openapi": openapi,
        "operations": api.operations.len(),
        "types": api.types.len(),
        "warnings": lowered.warnings.len(),
        "load_ms": load_ms,
        "lower_ms": lower_ms,
        "emit_ms": emit_ms,
        "vmhwm_kb": vmhwm_kb(),
    });
    match emitted {
        Ok(files) => {
            line["result"] = "ok".into();
            line["rs_bytes"] = files
                .iter()
                .filter(|f| f.path.extension().is_some_and(|e| e == "rs"))
                .map(|f| f.contents.len())
                .sum::<usize>()
                .into();
        }
        Err(e) => {
            line["result"] = "rejected".into();
            line["phase"] = "emit".into();
            line["diagnostic"] = e.into();
        }
    }
    line["cpu_ms"] = (cpu_now().as_secs_f64() * 1e3).into();
    println!("{line}");
    Ok(())
}
