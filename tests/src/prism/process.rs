//! Finding, starting and stopping the Prism process: its own process group
//! (killed on drop), the start-up wait and port retries, and the watchdog
//! that ends node when the test process is gone.

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use super::log::spawn_reader;
use super::{lock, repo_root, spec_copy, Prism};

/// Default time allowed for Prism to print "Prism is listening"; override with
/// the `PRISM_START_TIMEOUT_SECS` environment variable.
pub const DEFAULT_START_TIMEOUT: Duration = Duration::from_secs(60);

/// Script preloaded into node: exit when the test process goes away.
const WATCHDOG_JS: &str = "\
// Preloaded by tests/src/prism/process.rs: stdin is a pipe held by the test process;
// EOF means the test process is gone (it did not get to drop its Prism), so
// remove the harness's temp dir (this file's dir) and exit instead of lingering
// as an orphan.
const bye = () => {
  try { require('fs').rmSync(__dirname, { recursive: true, force: true }); } catch (_) {}
  process.exit(0);
};
process.stdin.on('end', bye);
process.stdin.on('error', bye);
process.stdin.resume();
";

/// The Prism CLI script: where `npm ci --prefix tests/prism` puts it, unless
/// the `PRISM_BIN` environment variable names another one (e.g. a global
/// install; it is still run with `node`).
pub fn prism_bin() -> PathBuf {
    match std::env::var_os("PRISM_BIN") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => repo_root().join("tests/prism/node_modules/.bin/prism"),
    }
}

impl Prism {
    /// Starts `prism mock` for `spec` on a free loopback port and waits until it
    /// listens (timeout [`DEFAULT_START_TIMEOUT`], or `PRISM_START_TIMEOUT_SECS`).
    pub fn start(spec: &Path) -> Result<Prism, String> {
        Self::start_with_timeout(spec, start_timeout())
    }

    /// Like [`Prism::start`] with an explicit start-up timeout.
    pub fn start_with_timeout(spec: &Path, timeout: Duration) -> Result<Prism, String> {
        let spec =
            std::fs::canonicalize(spec).map_err(|e| format!("spec {}: {e}", spec.display()))?;
        let text = std::fs::read_to_string(&spec)
            .map_err(|e| format!("cannot read spec {}: {e}", spec.display()))?;
        let served = |temp_dir: &Path| spec_copy::served_spec(&spec, &text, temp_dir);
        launch(&spec, served, false, timeout)
    }

    /// Starts Prism in dynamic mode (random responses following the response
    /// schemas, see [`super::dynamic`]) for `specs/...`-style spec file:
    /// serves a copy with the faker options of [`super::faker_options`] (and
    /// `#fragments` stripped from path keys, as [`Prism::start`] does).
    pub fn start_dynamic(spec: &Path) -> Result<Prism, String> {
        let spec =
            std::fs::canonicalize(spec).map_err(|e| format!("spec {}: {e}", spec.display()))?;
        let text = std::fs::read_to_string(&spec)
            .map_err(|e| format!("cannot read spec {}: {e}", spec.display()))?;
        let text = spec_copy::strip_path_fragments(&text)
            .map_err(|e| format!("spec {}: {e}", spec.display()))?
            .unwrap_or(text);
        let doc: serde_json::Value = serde_norway::from_str(&text)
            .map_err(|e| format!("spec {} is not YAML/JSON: {e}", spec.display()))?;
        let name = spec
            .file_stem()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "spec".into());
        Self::start_dynamic_document(&spec, &name, doc)
    }

    /// Starts Prism in dynamic mode for an in-memory document (e.g. one
    /// operation cut out of a published description), written as
    /// `<name>.dynamic.json` into the harness's temp dir with the faker
    /// options of [`super::faker_options`]. `origin` is reported as
    /// [`Prism::spec`].
    pub fn start_dynamic_document(
        origin: &Path,
        name: &str,
        document: serde_json::Value,
    ) -> Result<Prism, String> {
        let doc = super::dynamic::with_faker_options(document)?;
        let text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
        let file = format!("{name}.dynamic.json");
        let served = |temp_dir: &Path| {
            let path = temp_dir.join(&file);
            std::fs::write(&path, &text)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            Ok(path)
        };
        launch(origin, served, true, start_timeout())
    }
}

/// [`DEFAULT_START_TIMEOUT`], or `PRISM_START_TIMEOUT_SECS`.
fn start_timeout() -> Duration {
    std::env::var("PRISM_START_TIMEOUT_SECS")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
        .unwrap_or(DEFAULT_START_TIMEOUT)
}

/// Starts Prism on the file `served` writes into the temp dir (`--dynamic`
/// if `dynamic`), for the spec `spec`.
fn launch(
    spec: &Path,
    served: impl FnOnce(&Path) -> Result<PathBuf, String>,
    dynamic: bool,
    timeout: Duration,
) -> Result<Prism, String> {
    let spec = spec.to_path_buf();
    let bin = prism_bin();
    if !bin.exists() {
        let from_env = if std::env::var_os("PRISM_BIN").is_some_and(|p| !p.is_empty()) {
            " (path from PRISM_BIN)"
        } else {
            ""
        };
        return Err(format!(
            "Prism is not installed: {}{from_env} does not exist. Run `npm ci --prefix tests/prism` \
             in the repository root ({}) first (needs node >= 18.20.1 and npm).",
            bin.display(),
            repo_root().display()
        ));
    }
    // The .bin entry is a symlink to a JS file with a `#!/usr/bin/env node` shebang;
    // run it through node explicitly so the watchdog can be preloaded.
    let script = std::fs::canonicalize(&bin)
        .map_err(|e| format!("cannot resolve {}: {e}", bin.display()))?;

    let temp_dir = make_temp_dir()?;
    let result = (|| {
        let served_spec = served(&temp_dir)?;
        let watchdog = temp_dir.join("exit-on-stdin-eof.cjs");
        std::fs::write(&watchdog, WATCHDOG_JS)
            .map_err(|e| format!("cannot write {}: {e}", watchdog.display()))?;

        // A port picked by binding :0 can in principle be taken by someone else
        // before Prism binds it; retry a few times on EADDRINUSE.
        let mut last_err = String::new();
        for _ in 0..3 {
            match spawn_and_wait(&script, &watchdog, &served_spec, dynamic, timeout) {
                Ok((child, stdin, log, base_url)) => {
                    return Ok((served_spec, child, stdin, log, base_url));
                }
                Err((e, retry)) => {
                    last_err = e;
                    if !retry {
                        break;
                    }
                }
            }
        }
        Err(last_err)
    })();
    match result {
        Ok((served_spec, child, stdin, log, base_url)) => Ok(Prism {
            base_url,
            child: Mutex::new(child),
            _stdin: stdin,
            log,
            spec,
            served_spec,
            temp_dir,
            sync_counter: AtomicU64::new(0),
            cursor: Mutex::new(0),
        }),
        Err(e) => {
            let _ = std::fs::remove_dir_all(&temp_dir);
            Err(e)
        }
    }
}

impl Prism {
    /// OS process id of the node process running Prism (also its process group id).
    pub fn pid(&self) -> u32 {
        lock(&self.child).id()
    }

    /// The exit status, if the Prism process has exited.
    pub(super) fn exited(&self) -> Option<std::process::ExitStatus> {
        lock(&self.child).try_wait().ok().flatten()
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let child = self.child.get_mut().unwrap_or_else(|e| e.into_inner());
        kill_tree(child);
        let _ = child.wait();
        let _ = std::fs::remove_dir_all(&self.temp_dir);
    }
}

#[cfg(unix)]
fn kill_tree(child: &mut Child) {
    // The child leads its own process group (process_group(0) at spawn), so this
    // also reaches anything node may have spawned.
    let pgid = child.id() as libc::pid_t;
    // SAFETY: plain syscall; the child is not reaped yet, so its pid (and group id)
    // cannot have been reused.
    unsafe {
        libc::kill(-pgid, libc::SIGKILL);
    }
    let _ = child.kill();
}

#[cfg(not(unix))]
fn kill_tree(child: &mut Child) {
    let _ = child.kill();
}

type Spawned = (Child, Option<ChildStdin>, Arc<Mutex<Vec<String>>>, String);

/// Spawns Prism once; on failure returns the error and whether retrying with
/// another port may help.
fn spawn_and_wait(
    script: &Path,
    watchdog: &Path,
    spec: &Path,
    dynamic: bool,
    timeout: Duration,
) -> Result<Spawned, (String, bool)> {
    let port = free_port().map_err(|e| (format!("cannot find a free port: {e}"), false))?;
    let mut cmd = Command::new("node");
    cmd.arg("--require")
        .arg(watchdog)
        .arg(script)
        .arg("mock")
        .arg(spec)
        .args(["--host", "127.0.0.1", "--port"])
        .arg(port.to_string())
        .arg("--errors")
        .args(dynamic.then_some("--dynamic"))
        .env("FORCE_COLOR", "0")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let mut child = cmd.spawn().map_err(|e| {
        (
            format!(
                "cannot spawn `node {}` (is node >= 18.20.1 on PATH?): {e}",
                script.display()
            ),
            false,
        )
    })?;
    let stdin = child.stdin.take();
    let log = Arc::new(Mutex::new(Vec::new()));
    if let Some(out) = child.stdout.take() {
        spawn_reader(out, "", Arc::clone(&log));
    }
    if let Some(err) = child.stderr.take() {
        spawn_reader(err, "[stderr] ", Arc::clone(&log));
    }

    let base_url = format!("http://127.0.0.1:{port}");
    let ready_line = format!("Prism is listening on {base_url}");
    let deadline = Instant::now() + timeout;
    let fail = |child: &mut Child, log: &Arc<Mutex<Vec<String>>>, what: String| {
        kill_tree(child);
        let _ = child.wait();
        // Give the reader threads a moment to drain the pipes.
        thread::sleep(Duration::from_millis(50));
        let text = lock(log).join("\n");
        let retry = text.contains("EADDRINUSE");
        (
            format!(
                "{what}\ncommand: node {} mock {} --host 127.0.0.1 --port {port} --errors{}\n--- Prism output ---\n{text}",
                script.display(),
                spec.display(),
                if dynamic { " --dynamic" } else { "" }
            ),
            retry,
        )
    };
    loop {
        let ready = lock(&log).iter().any(|l| l.contains(&ready_line));
        if ready {
            // Belt and braces: the port must really accept connections.
            let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
            if TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_ok() {
                return Ok((child, stdin, log, base_url));
            }
        }
        match child.try_wait() {
            Ok(Some(status)) => {
                return Err(fail(
                    &mut child,
                    &log,
                    format!("Prism exited during start-up ({status})"),
                ))
            }
            Ok(None) => {}
            Err(e) => return Err(fail(&mut child, &log, format!("cannot poll Prism: {e}"))),
        }
        if Instant::now() > deadline {
            return Err(fail(
                &mut child,
                &log,
                format!("Prism did not print {ready_line:?} within {timeout:?}"),
            ));
        }
        thread::sleep(Duration::from_millis(50));
    }
}

fn free_port() -> std::io::Result<u16> {
    let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    Ok(l.local_addr()?.port())
}

fn make_temp_dir() -> Result<PathBuf, String> {
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!(
        "contact-tests-prism-{}-{}-{nanos}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    Ok(dir)
}
