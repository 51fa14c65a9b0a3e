//! Mutation fuzzing of the whole generator (load → lower → emit) on
//! stable: real specs (the construct specs, the bad specs, `specs/`) are
//! mutated structurally — deep nesting, `$ref` chains and cycles, type
//! confusion, huge enums, odd strings and keys, copied subtrees, cut text —
//! and every result must load (or fail with a diagnostic), lower and emit
//! without a panic, a stack overflow or a hang.
//!
//! Each input runs on a thread with a 2 MiB stack (the default for spawned
//! threads, and what the emitter's second thread gets), under a watchdog.
//! The input being run is written to `target/fuzz/current.txt` first, so
//! an abort (a stack overflow cannot be caught) leaves it behind; a panic
//! or a hang saves it as `target/fuzz/crash-*.txt`. A crash found becomes a
//! regression input in `generator/tests/fuzz/`, which every run replays.
//!
//! Budget: `CLIENTGEN_FUZZ_SECONDS` (default 45; CI runs the default) and
//! `CLIENTGEN_FUZZ_SEED` (default: a fixed seed, so a CI failure
//! reproduces). A long run, e.g. an hour from a random seed:
//!
//! ```text
//! CLIENTGEN_FUZZ_SECONDS=3600 CLIENTGEN_FUZZ_SEED=random \
//!     cargo test --release -p clientgen --test fuzz -- --nocapture
//! ```

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use clientgen::emit::{self, ApiModule, CrateOptions, FeatureMode};
use serde_json::{json, Map, Value};

const STACK: usize = 2 * 1024 * 1024;
/// Longer than any input should take, even in a debug build on a busy
/// machine; the guards in `size_guards.rs` keep real costs far below.
const PER_INPUT: Duration = Duration::from_secs(60);
/// Inputs grow by copying subtrees; beyond this many nodes a mutation is
/// skipped (the size guards cover big documents).
const MAX_NODES: usize = 200_000;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn out_dir() -> PathBuf {
    repo().join("target/fuzz")
}

/// Every seed document, parsed.
fn seeds() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for dir in ["generator/tests/constructs", "tests/bad-specs", "specs"] {
        let Ok(entries) = std::fs::read_dir(repo().join(dir)) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
        paths.sort();
        for path in paths {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            if let Ok(value @ Value::Object(_)) = clientgen::load::parse_value(&text) {
                out.push((path.display().to_string(), value));
            }
        }
    }
    assert!(
        out.len() > 40,
        "expected the construct specs, bad specs and specs/ as seeds"
    );
    out
}

/// The pointers (as segment lists) of every node, up to a bound.
fn nodes(v: &Value) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut stack: Vec<(Vec<String>, &Value)> = vec![(Vec::new(), v)];
    while let Some((path, node)) = stack.pop() {
        if out.len() >= MAX_NODES {
            break;
        }
        match node {
            Value::Object(m) => {
                for (k, child) in m {
                    let mut p = path.clone();
                    p.push(k.clone());
                    stack.push((p, child));
                }
            }
            Value::Array(a) => {
                for (i, child) in a.iter().enumerate() {
                    let mut p = path.clone();
                    p.push(i.to_string());
                    stack.push((p, child));
                }
            }
            _ => {}
        }
        out.push(path);
    }
    out
}

fn get_mut<'a>(v: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
    path.iter().try_fold(v, |v, s| match v {
        Value::Object(m) => m.get_mut(s),
        Value::Array(a) => a.get_mut(s.parse::<usize>().ok()?),
        _ => None,
    })
}

fn escape(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

fn pointer(path: &[String]) -> String {
    let mut p = String::from("#");
    for s in path {
        p.push('/');
        p.push_str(&escape(s));
    }
    p
}

const ODD: &[&str] = &[
    "",
    " ",
    "~",
    "~1",
    "/",
    "#",
    "%",
    "%zz",
    "$ref",
    "null",
    "type",
    "self",
    "Self",
    "super",
    "crate",
    "r#type",
    "1",
    "-1",
    "0x10",
    "é",
    "日本語",
    "🦀",
    "\u{200f}",
    "\u{202e}rtl",
    "\r",
    "a\rb",
    "line\nbreak",
    "\u{7f}",
    "\u{1b}[31m",
    "```rust\nfn main() {}\n```",
    "*/ /*",
    "\"quoted\"",
    "a b c",
    "UPPER_case-mixed.dots",
    "new",
    "builder",
    "send",
    "retry",
    "timeout",
    "Client",
    "Error",
    "Unknown",
    "Default",
    "Option",
    "extra",
];

struct Fuzzer {
    rng: fastrand::Rng,
    seeds: Vec<(String, Value)>,
}

impl Fuzzer {
    fn odd_string(&mut self) -> String {
        match self.rng.u8(..10) {
            0 => "x".repeat(self.rng.usize(1..500)),
            1 => (0..self.rng.usize(1..20))
                .map(|_| self.rng.char(..))
                .collect(),
            _ => ODD[self.rng.usize(..ODD.len())].to_string(),
        }
    }

    /// Mostly small, now and then large (the size guards cover the
    /// largest sizes on their own).
    fn size(&mut self, small: usize, large: usize) -> usize {
        if self.rng.u8(..16) == 0 {
            self.rng.usize(small..=large)
        } else {
            self.rng.usize(1..=small)
        }
    }

    /// Any JSON value, small.
    fn any_value(&mut self) -> Value {
        match self.rng.u8(..8) {
            0 => Value::Null,
            1 => Value::Bool(self.rng.bool()),
            2 => json!(self.rng.i64(..)),
            3 => json!(self.rng.f64() * 1e6 - 5e5),
            4 => Value::String(self.odd_string()),
            5 => json!([]),
            6 => json!({}),
            _ => json!([self.odd_string(), 0, {"type": "string"}]),
        }
    }

    fn schemas<'a>(&self, doc: &'a mut Value) -> Option<&'a mut Map<String, Value>> {
        let root = doc.as_object_mut()?;
        let components = root.entry("components").or_insert_with(|| json!({}));
        let components = components.as_object_mut()?;
        components
            .entry("schemas")
            .or_insert_with(|| json!({}))
            .as_object_mut()
    }

    fn mutate(&mut self, doc: &mut Value) {
        let all = nodes(doc);
        if all.len() >= MAX_NODES {
            return;
        }
        let at = all[self.rng.usize(..all.len())].clone();
        let tag = self.rng.u32(..);
        match self.rng.u8(..14) {
            // Type confusion.
            0 | 1 => {
                let v = self.any_value();
                if let Some(slot) = get_mut(doc, &at) {
                    *slot = v;
                }
            }
            // Drop a key.
            2 => {
                if let Some((last, parent)) = at.split_last() {
                    if let Some(Value::Object(m)) = get_mut(doc, parent) {
                        m.shift_remove(last);
                    }
                }
            }
            // An odd key or string.
            3 => {
                let odd = self.odd_string();
                match (at.split_last(), get_mut(doc, &at)) {
                    (_, Some(Value::String(s))) => *s = odd,
                    (Some((last, parent)), _) => {
                        if let Some(Value::Object(m)) = get_mut(doc, parent) {
                            if let Some(v) = m.shift_remove(last) {
                                m.insert(odd, v);
                            }
                        }
                    }
                    _ => {}
                }
            }
            // Deep nesting of schemas around a node.
            4 => {
                let depth = self.size(20, 300);
                let wrap = self.rng.u8(..5);
                if let Some(slot) = get_mut(doc, &at) {
                    let mut v = slot.take();
                    for _ in 0..depth {
                        v = match wrap {
                            0 => json!({"type": "object", "properties": {"a": v}}),
                            1 => json!({"type": "array", "items": v}),
                            2 => json!({"allOf": [v, {"description": "wrap"}]}),
                            3 => json!({"oneOf": [v, {"type": "null"}]}),
                            _ => json!({"additionalProperties": v}),
                        };
                    }
                    *slot = v;
                }
            }
            // A chain of `$ref` aliases, or of schemas through properties
            // or `allOf`, possibly closed into a cycle.
            5 | 6 => {
                let len = self.size(50, 2000);
                let style = self.rng.u8(..4);
                let cycle = self.rng.bool();
                let Some(schemas) = self.schemas(doc) else {
                    return;
                };
                for i in 0..len {
                    let next = if i + 1 < len || cycle {
                        (i + 1) % len
                    } else {
                        usize::MAX
                    };
                    let target = json!({"$ref": format!("#/components/schemas/C{tag}_{next}")});
                    let s = match (style, next) {
                        (_, usize::MAX) => {
                            json!({"type": "object", "properties": {"end": {"type": "string"}}})
                        }
                        (0, _) => target,
                        (1, _) => {
                            json!({"type": "object", "properties": {"next": target, "n": {"type": "integer"}}})
                        }
                        (2, _) => {
                            json!({"allOf": [target, {"type": "object", "properties": {format!("p{i}"): {"type": "string"}}}]})
                        }
                        _ => {
                            json!({"type": "object", "properties": {"next": {"allOf": [target], "description": "d"}}})
                        }
                    };
                    schemas.insert(format!("C{tag}_{i}"), s);
                }
                if let Some(slot) = get_mut(doc, &at) {
                    *slot = json!({"$ref": format!("#/components/schemas/C{tag}_0")});
                }
            }
            // A huge enum.
            7 => {
                let n = self.size(100, 10_000);
                let values: Vec<Value> = match self.rng.u8(..4) {
                    0 => (0..n).map(|i| json!(i as i64 - 50)).collect(),
                    1 => (0..n).map(|i| json!(format!("v{}", i % 97))).collect(),
                    2 => (0..n).map(|_| Value::String(self.odd_string())).collect(),
                    _ => (0..n).map(|i| json!(format!("value {i}"))).collect(),
                };
                if let Some(slot) = get_mut(doc, &at) {
                    *slot = json!({"type": "string", "enum": values});
                }
            }
            // A `$ref` to anywhere (often an ancestor: a cycle), or nowhere.
            8 | 9 => {
                let target = match self.rng.u8(..4) {
                    0 => self.odd_string(),
                    _ => pointer(&all[self.rng.usize(..all.len())]),
                };
                if let Some(slot) = get_mut(doc, &at) {
                    *slot = json!({"$ref": target});
                }
            }
            // A subtree copied elsewhere.
            10 => {
                let from = &all[self.rng.usize(..all.len())];
                let copy = get_mut(doc, from).map(|v| v.clone());
                if let (Some(copy), Some(slot)) = (copy, get_mut(doc, &at)) {
                    *slot = copy;
                }
            }
            // A piece of another seed.
            11 => {
                let (_, other) = &self.seeds[self.rng.usize(..self.seeds.len())];
                let parts = nodes(other);
                let from = &parts[self.rng.usize(..parts.len())];
                let mut other = other.clone();
                let piece = get_mut(&mut other, from).map(Value::take);
                if let (Some(piece), Some(slot)) = (piece, get_mut(doc, &at)) {
                    *slot = piece;
                }
            }
            // Unions with discriminators pointing anywhere.
            12 => {
                let mapping: Map<String, Value> = (0..self.size(3, 50))
                    .map(|i| {
                        (
                            format!("k{i}"),
                            Value::String(pointer(&all[self.rng.usize(..all.len())])),
                        )
                    })
                    .collect();
                let members: Vec<Value> = (0..self.size(3, 200))
                    .map(|i| json!({"type": "object", "title": format!("M{i}"), "properties": {"kind": {"type": "string", "enum": [format!("k{i}")]}}}))
                    .collect();
                if let Some(slot) = get_mut(doc, &at) {
                    *slot = json!({"oneOf": members, "discriminator": {"propertyName": "kind", "mapping": mapping}});
                }
            }
            // Many operations or parameters with colliding names.
            _ => {
                let n = self.size(10, 500);
                let name = self.odd_string();
                let Some(root) = doc.as_object_mut() else {
                    return;
                };
                let paths = root.entry("paths").or_insert_with(|| json!({}));
                if let Value::Object(paths) = paths {
                    for i in 0..n {
                        let params: Vec<Value> = (0..3)
                            .map(|j| json!({"name": format!("{name}{}", if j == 0 { String::new() } else { j.to_string() }), "in": "query", "schema": {"type": "string"}}))
                            .collect();
                        paths.insert(
                            format!("/{tag}/{i}"),
                            json!({"get": {"operationId": name.clone(), "parameters": params,
                                   "responses": {"200": {"description": "ok"}}}}),
                        );
                    }
                }
            }
        }
    }

    /// The document as text: JSON, pretty JSON, or JSON read as YAML
    /// (flow style), sometimes cut or with a character changed.
    fn render(&mut self, doc: &Value) -> String {
        let mut text = match self.rng.u8(..3) {
            0 => doc.to_string(),
            1 => serde_json::to_string_pretty(doc).unwrap_or_default(),
            _ => format!("# read as YAML\n{doc}\n"),
        };
        if self.rng.u8(..10) == 0 && !text.is_empty() {
            let mut cut = self.rng.usize(..text.len());
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            if self.rng.bool() {
                text.truncate(cut);
            } else {
                let c = self.rng.char(..);
                text.insert(cut, c);
            }
        }
        text
    }
}

/// Load, lower and emit one input on a small-stack thread under a
/// watchdog; `Err` says what went wrong.
fn run(name: &str, text: String) -> Result<Duration, String> {
    let (tx, rx) = mpsc::channel();
    let name = name.to_string();
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || {
            let start = Instant::now();
            let result = catch_unwind(AssertUnwindSafe(|| generate(&name, &text)));
            let _ = tx.send(result.map(|()| start.elapsed()));
        })
        .map_err(|e| format!("cannot spawn: {e}"))?;
    match rx.recv_timeout(PER_INPUT) {
        Ok(Ok(took)) => Ok(took),
        Ok(Err(panic)) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err(format!("panicked: {message}"))
        }
        Err(_) => Err(format!("took more than {PER_INPUT:?}")),
    }
}

fn generate(name: &str, text: &str) {
    let Ok(loaded) = clientgen::load::load_str(name, text) else {
        return;
    };
    let lowered = clientgen::lower_loaded(loaded, name);
    for w in &lowered.warnings {
        let _ = w.to_string();
    }
    let opts = CrateOptions {
        name: "fuzz".into(),
        version: "0.1.0".into(),
        description: "fuzz".into(),
        command: "fuzz".into(),
        features: FeatureMode::PerTag,
        standalone: true,
    };
    let modules = [ApiModule {
        module: "api".into(),
        spec_path: name.into(),
        api: &lowered.api,
    }];
    // An emit error is a generator bug too, but a reported one: only
    // panics, overflows and hangs fail here.
    let _ = emit::emit_crate(&modules, &opts);
}

fn save(name: &str, text: &str) -> PathBuf {
    let dir = out_dir();
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(name);
    let _ = std::fs::write(&path, text);
    path
}

/// Every input that once failed still goes through.
#[test]
fn regressions() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| Some(e.ok()?.path())).collect())
        .unwrap_or_default();
    paths.sort();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if let Err(e) = run(&path.display().to_string(), text) {
            panic!("{}: {e}", path.display());
        }
    }
}

#[test]
fn mutated_specs() {
    let seconds: u64 = std::env::var("CLIENTGEN_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(45);
    let seed: u64 = match std::env::var("CLIENTGEN_FUZZ_SEED").ok().as_deref() {
        Some("random") => fastrand::u64(..),
        Some(s) => s.parse().unwrap_or(1),
        None => 0x5eed_0fc1_1ea7,
    };
    let mut fuzzer = Fuzzer {
        rng: fastrand::Rng::with_seed(seed),
        seeds: seeds(),
    };
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let (mut runs, mut slowest) = (0u64, (Duration::ZERO, String::new()));
    while Instant::now() < deadline {
        let (seed_name, mut doc) = fuzzer.seeds[fuzzer.rng.usize(..fuzzer.seeds.len())].clone();
        for _ in 0..fuzzer.rng.usize(1..=4) {
            fuzzer.mutate(&mut doc);
        }
        let text = fuzzer.render(&doc);
        save("current.txt", &text);
        let name = format!("fuzz-{seed:x}-{runs}");
        match run(&name, text.clone()) {
            Ok(took) => {
                if took > slowest.0 {
                    slowest = (took, format!("{name} (from {seed_name})"));
                    save("slowest.txt", &text);
                }
            }
            Err(e) => {
                let path = save(&format!("crash-{seed:x}-{runs}.txt"), &text);
                panic!(
                    "input {runs} (seed {seed:#x}, from {seed_name}) {e}; saved as {}: add it to generator/tests/fuzz/ once fixed",
                    path.display()
                );
            }
        }
        runs += 1;
    }
    println!(
        "fuzz: {runs} inputs in {seconds} s from seed {seed:#x}; slowest {:.0} ms ({})",
        slowest.0.as_secs_f64() * 1e3,
        slowest.1
    );
    assert!(runs > 0);
}
