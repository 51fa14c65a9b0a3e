//! A child process under a CPU-time and memory limit: polled every few
//! milliseconds, killed when its CPU time passes the time limit or its
//! resident memory (`VmRSS`) passes the memory limit. The limit is CPU time,
//! not wall time, so a loaded machine does not turn a slow spec into a
//! "hang"; a child that waits without computing is still killed once its
//! wall time passes `WALL_FACTOR` times the limit.

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Why the parent killed a child.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Killed {
    Timeout,
    Memory,
}

pub(super) struct Finished {
    /// `None` when the child was killed by us.
    pub(super) status: Option<ExitStatus>,
    pub(super) killed: Option<Killed>,
    pub(super) stdout: String,
    pub(super) stderr: String,
    pub(super) wall: Duration,
    /// Largest `VmRSS` seen while polling, KiB (a lower bound of the peak).
    pub(super) polled_rss_kb: u64,
}

fn rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// User + system CPU time of a process, from `/proc/<pid>/stat` (in
/// USER_HZ ticks, which Linux fixes at 100 per second for this file).
fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces and parentheses: count
    // fields after its closing parenthesis. There, field 3 (state) is index 0,
    // utime (14) index 11, stime (15) index 12.
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 10))
}

/// A child past this many times its CPU limit in wall time is killed even if
/// it is not computing (blocked, sleeping, starved beyond reason).
const WALL_FACTOR: u32 = 10;

fn drain(mut r: impl Read + Send + 'static) -> JoinHandle<String> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = r.read_to_end(&mut buf);
        String::from_utf8_lossy(&buf).into_owned()
    })
}

fn kill(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

pub(super) fn run(mut cmd: Command, timeout: Duration, memory_kb: u64) -> Result<Finished, String> {
    let start = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    let out = child.stdout.take().map(drain);
    let err = child.stderr.take().map(drain);
    let pid = child.id();
    let mut polled_rss_kb = 0;
    let mut killed = None;
    let mut pause = Duration::from_millis(1);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) => {}
            Err(e) => {
                kill(&mut child);
                return Err(format!("waiting for {cmd:?}: {e}"));
            }
        }
        if let Some(rss) = rss_kb(pid) {
            polled_rss_kb = polled_rss_kb.max(rss);
            if rss > memory_kb {
                killed = Some(Killed::Memory);
            }
        }
        let cpu_over = cpu_time(pid).is_some_and(|t| t > timeout);
        if cpu_over || start.elapsed() > timeout * WALL_FACTOR {
            killed = Some(Killed::Timeout);
        }
        if killed.is_some() {
            kill(&mut child);
            break None;
        }
        // Most specs take milliseconds: poll fast at first, then back off.
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(20));
    };
    let wall = start.elapsed();
    let stdout = out.and_then(|h| h.join().ok()).unwrap_or_default();
    let stderr = err.and_then(|h| h.join().ok()).unwrap_or_default();
    Ok(Finished {
        status,
        killed,
        stdout,
        stderr,
        wall,
        polled_rss_kb,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_past_its_time_is_killed() {
        let mut cmd = Command::new("sleep");
        cmd.arg("5");
        let f = run(cmd, Duration::from_millis(100), u64::MAX).unwrap();
        assert_eq!(f.killed, Some(Killed::Timeout));
        assert!(f.status.is_none());
        assert!(f.wall < Duration::from_secs(4));
    }

    #[test]
    fn a_child_past_its_cpu_time_is_killed_before_the_wall_backstop() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "while :; do :; done"]);
        let f = run(cmd, Duration::from_millis(300), u64::MAX).unwrap();
        assert_eq!(f.killed, Some(Killed::Timeout));
        // Killed for its CPU time, well before 10 x 300 ms of wall time
        // (unless the machine gives it under a tenth of a core).
        assert!(f.wall < Duration::from_millis(300) * WALL_FACTOR);
    }

    #[test]
    fn cpu_time_of_this_process_is_read() {
        // Spin until this process has used 100 ms of CPU by its own account:
        // on a loaded machine that takes longer, but it never stops short.
        let start = Instant::now();
        let mut x = 0u64;
        loop {
            x = std::hint::black_box(x.wrapping_add(1));
            if x.is_multiple_of(1 << 20) {
                let t = cpu_time(std::process::id()).expect("/proc/self/stat is read");
                if t >= Duration::from_millis(100) {
                    break;
                }
                assert!(start.elapsed() < Duration::from_secs(120), "{t:?}");
            }
        }
    }

    #[test]
    fn output_and_status_are_kept() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo out; echo err >&2; exit 3"]);
        let f = run(cmd, Duration::from_secs(10), u64::MAX).unwrap();
        assert_eq!(f.killed, None);
        assert_eq!(f.status.and_then(|s| s.code()), Some(3));
        assert_eq!((f.stdout.as_str(), f.stderr.as_str()), ("out\n", "err\n"));
    }

    #[test]
    fn a_child_past_its_memory_is_killed() {
        // awk doubles a string to 128 MB, then waits.
        let mut cmd = Command::new("awk");
        cmd.arg(r#"BEGIN { s = "x"; for (i = 0; i < 27; i++) s = s s; system("sleep 5") }"#);
        let f = run(cmd, Duration::from_secs(20), 32 * 1024).unwrap();
        assert_eq!(f.killed, Some(Killed::Memory));
    }
}
