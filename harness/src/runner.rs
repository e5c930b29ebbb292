//! Runs one invocation: a fresh `heaplab` (or peer interpreter) process for
//! one benchmark at one heap limit, with a time limit, and turns what it
//! printed into a [`Record`].

use crate::external;
use crate::parse;
use crate::record::{Record, Status};
use crate::stats;
use crate::suite::{
    Program, extract_checksum, extract_metrics, extract_window_clocks, extract_window_ns,
};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// What to run: an interpreter (heaplab with a collector, or a peer).
#[derive(Debug, Clone, PartialEq)]
pub enum Runtime {
    /// The Heaplab VM with `--gc=collector`.
    Heaplab {
        /// Path of the `heaplab` binary.
        exe: PathBuf,
        /// Collector name.
        collector: String,
        /// Extra VM arguments (e.g. `--stdlib DIR`, `--gc-opt k=v`).
        extra: Vec<String>,
    },
    /// A peer interpreter (`python3`, `pypy3`): no heap axis, no GC stats.
    Peer {
        /// Display name.
        name: String,
        /// Path of the interpreter.
        exe: PathBuf,
    },
}

impl Runtime {
    /// The configuration name used in records (collector or peer name).
    pub fn config(&self) -> &str {
        match self {
            Runtime::Heaplab { collector, .. } => collector,
            Runtime::Peer { name, .. } => name,
        }
    }

    /// `heaplab` or the peer's name.
    pub fn runtime_name(&self) -> &str {
        match self {
            Runtime::Heaplab { .. } => "heaplab",
            Runtime::Peer { name, .. } => name,
        }
    }

    /// True when `--heap` limits apply (heaplab with a collecting GC).
    pub fn has_heap_axis(&self) -> bool {
        matches!(self, Runtime::Heaplab { collector, .. } if collector != "none")
    }
}

/// One invocation's parameters.
#[derive(Debug, Clone)]
pub struct Invocation<'a> {
    /// Suite directory (put on `PYTHONPATH`; programs are relative to it).
    pub suite_dir: &'a Path,
    /// The program.
    pub program: &'a Program,
    /// Interpreter.
    pub runtime: &'a Runtime,
    /// Program size (`-n`).
    pub size: u64,
    /// `--heap` in bytes, if limited.
    pub heap_bytes: Option<u64>,
    /// Warm-up iterations (`--warmup`).
    pub warmup: u32,
    /// Timed iterations (`--iterations`).
    pub iterations: u32,
    /// Kill the process after this long.
    pub timeout: Duration,
    /// Where to write the `--gc-log` CSV (heaplab only); kept only if
    /// `keep_log`.
    pub gc_log: Option<PathBuf>,
    /// Keep the pause log file after parsing it.
    pub keep_log: bool,
}

/// Raw outcome of a child process.
#[derive(Debug, Clone)]
pub struct ProcessOutput {
    /// Exit code, `None` if killed by a signal.
    pub exit_code: Option<i32>,
    /// Terminating signal, if any.
    pub signal: Option<i32>,
    /// True if it was killed at the time limit.
    pub timed_out: bool,
    /// Wall time.
    pub elapsed: Duration,
    /// Peak RSS in KiB from `wait4`'s rusage.
    pub max_rss_kib: Option<u64>,
    /// Captured stdout.
    pub stdout: String,
    /// Captured stderr.
    pub stderr: String,
}

/// Spawns `cmd` with piped output and waits at most `limit`, reaping it with
/// `wait4` to learn its peak RSS.
pub fn spawn_and_wait(cmd: &mut Command, limit: Duration) -> std::io::Result<ProcessOutput> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd.spawn()?;
    let pid = child.id() as libc::pid_t;
    let (out, err) = crate::suite::drain_output(&mut child);
    let mut timed_out = false;
    let mut status: libc::c_int = 0;
    // SAFETY: a zeroed rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: `pid` is our own unreaped child; the pointers are valid
        // for the duration of the call.
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if r == pid {
            break;
        }
        if r < 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        if !timed_out && start.elapsed() >= limit {
            timed_out = true;
            // SAFETY: sending SIGKILL to our own unreaped child.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        thread::sleep(Duration::from_millis(2));
    }
    let elapsed = start.elapsed();
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    let (exit_code, signal) = if libc::WIFEXITED(status) {
        (Some(libc::WEXITSTATUS(status)), None)
    } else if libc::WIFSIGNALED(status) {
        (None, Some(libc::WTERMSIG(status)))
    } else {
        (None, None)
    };
    // The child was reaped by wait4; dropping `child` does not wait again.
    drop(child);
    Ok(ProcessOutput {
        exit_code,
        signal,
        timed_out,
        elapsed,
        max_rss_kib: (usage.ru_maxrss > 0).then_some(usage.ru_maxrss as u64),
        stdout,
        stderr,
    })
}

/// The full argv (interpreter first) for an invocation.
pub fn command_line(inv: &Invocation) -> Vec<String> {
    let mut argv = Vec::new();
    match inv.runtime {
        Runtime::Heaplab {
            exe,
            collector,
            extra,
        } => {
            argv.push(exe.display().to_string());
            argv.push(format!("--gc={collector}"));
            if let Some(h) = inv.heap_bytes {
                argv.push(format!("--heap={h}"));
            }
            argv.push("--gc-stats".to_string());
            if let Some(log) = &inv.gc_log {
                argv.push(format!("--gc-log={}", log.display()));
            }
            argv.extend(extra.iter().cloned());
        }
        Runtime::Peer { exe, .. } => argv.push(exe.display().to_string()),
    }
    if inv.program.source.is_external() {
        argv.extend(external::launch(inv.program, inv.size, inv.warmup, inv.iterations).args);
        return argv;
    }
    argv.push(inv.suite_dir.join(&inv.program.path).display().to_string());
    argv.extend([
        "-n".to_string(),
        inv.size.to_string(),
        "--warmup".to_string(),
        inv.warmup.to_string(),
        "--iterations".to_string(),
        inv.iterations.to_string(),
    ]);
    argv
}

/// Working directory and `PYTHONPATH` of an invocation: the suite directory
/// for built-in programs, the benchmark's own directory and the bundled
/// `pyperf` for external ones.
fn environment(inv: &Invocation) -> (PathBuf, std::ffi::OsString) {
    if inv.program.source.is_external() {
        let l = external::launch(inv.program, inv.size, inv.warmup, inv.iterations);
        let path = std::env::join_paths(&l.python_path)
            .unwrap_or_else(|_| l.python_path[0].clone().into_os_string());
        (l.cwd, path)
    } else {
        (
            inv.suite_dir.to_path_buf(),
            inv.suite_dir.as_os_str().to_os_string(),
        )
    }
}

/// Runs one invocation and classifies it. Never fails: a process that cannot
/// even start becomes an `error` record.
pub fn run_invocation(inv: &Invocation) -> Record {
    let argv = command_line(inv);
    let mut record = Record {
        benchmark: inv.program.name.clone(),
        config: inv.runtime.config().to_string(),
        runtime: inv.runtime.runtime_name().to_string(),
        heap_factor: None,
        heap_bytes: inv.heap_bytes,
        size: inv.size,
        invocation: 0,
        warmup: inv.warmup,
        iterations: inv.iterations,
        canary: false,
        seq: 0,
        status: Status::Error,
        reason: None,
        exit_code: None,
        wall_ms: 0.0,
        window_ms: None,
        gc_ms: None,
        mutator_ms: None,
        pauses: None,
        max_pause_ms: None,
        bytes_allocated: None,
        peak_heap_bytes: None,
        peak_rss_kib: None,
        checksum: None,
        gc_stats: Default::default(),
        pause_quantiles_ms: Vec::new(),
        mmu: Vec::new(),
        metrics: Default::default(),
        command: shell_join(&argv),
    };
    if let Some(log) = &inv.gc_log {
        let _ = std::fs::remove_file(log);
    }
    let (cwd, python_path) = environment(inv);
    let mut cmd = Command::new(&argv[0]);
    cmd.args(&argv[1..])
        .current_dir(cwd)
        .env("PYTHONPATH", python_path);
    if inv.program.source.is_external() {
        // Keep __pycache__ out of harness/pyperf and benchmark checkouts.
        cmd.env("PYTHONDONTWRITEBYTECODE", "1");
    }
    let out = match spawn_and_wait(&mut cmd, inv.timeout) {
        Ok(o) => o,
        Err(e) => {
            record.reason = Some(format!("cannot run {}: {e}", argv[0]));
            return record;
        }
    };
    record.exit_code = out.exit_code;
    record.wall_ms = out.elapsed.as_secs_f64() * 1e3;
    record.peak_rss_kib = out.max_rss_kib;
    record.checksum = if inv.program.source.is_external() {
        None
    } else {
        extract_checksum(&out.stdout)
    };
    let (window_ns, stats_block) = if inv.program.source.is_external() {
        external::merge_windows(&out.stderr)
    } else {
        (
            extract_window_ns(&out.stderr),
            parse::parse_stats_block(&out.stderr),
        )
    };
    record.window_ms = window_ns.map(|ns| ns as f64 / 1e6);
    record.metrics = extract_metrics(&out.stderr);
    let (status, reason) = classify(inv, &out, record.checksum.as_deref());
    record.status = status;
    record.reason = reason;
    match stats_block {
        Ok(Some(block)) => {
            record.gc_ms = block.f64("gc_ms");
            record.mutator_ms = block.f64("mutator_ms");
            record.pauses = block.u64("pauses");
            record.max_pause_ms = block.f64("max_pause_ms");
            record.bytes_allocated = block.u64("bytes_allocated");
            record.peak_heap_bytes = block.u64("peak_heap_bytes");
            record.gc_stats = block.values;
        }
        Ok(None) => {}
        Err(e) if record.ok() => {
            record.status = Status::Error;
            record.reason = Some(format!("unreadable gc-stats block: {e}"));
        }
        Err(_) => {}
    }
    if let Some(log) = &inv.gc_log {
        if let Ok(text) = std::fs::read_to_string(log) {
            match parse::parse_gc_log(&text) {
                Ok(pauses) => {
                    let windows = extract_window_clocks(&out.stderr);
                    summarise_pauses(&mut record, &pauses, &windows);
                }
                Err(e) if record.ok() => {
                    record.status = Status::Error;
                    record.reason = Some(format!("unreadable gc-log: {e}"));
                }
                Err(_) => {}
            }
        }
        if !inv.keep_log {
            let _ = std::fs::remove_file(log);
        }
    }
    record
}

/// Decides the status of a finished process.
fn classify(
    inv: &Invocation,
    out: &ProcessOutput,
    checksum: Option<&str>,
) -> (Status, Option<String>) {
    let last = parse::last_error_line(&out.stderr);
    if out.timed_out {
        return (
            Status::Timeout,
            Some(format!("killed after {:.1} s", inv.timeout.as_secs_f64())),
        );
    }
    if let Some(sig) = out.signal {
        return (
            Status::Crash,
            Some(format!("killed by signal {sig}: {last}")),
        );
    }
    if out.exit_code != Some(0) && parse::is_out_of_memory(out.exit_code, &out.stderr) {
        return (Status::Oom, Some(format!("out of memory: {last}")));
    }
    match out.exit_code {
        Some(0) => {}
        Some(70) => return (Status::Crash, Some(format!("VM internal error: {last}"))),
        Some(c) => return (Status::Error, Some(format!("exit {c}: {last}"))),
        None => return (Status::Crash, Some(format!("abnormal exit: {last}"))),
    }
    if inv.program.source.is_external() {
        return match external::check_results(inv.program, inv.iterations, &out.stdout) {
            Ok(()) => (Status::Ok, None),
            Err(e) => (Status::Error, Some(e)),
        };
    }
    let expected = inv.program.checksum_for(inv.size);
    match (checksum, expected) {
        (None, _) => (Status::Error, Some("printed no checksum line".to_string())),
        (Some(got), Some(want)) if got != want => (
            Status::WrongChecksum,
            Some(format!("checksum {got:?}, expected {want:?}")),
        ),
        _ => (Status::Ok, None),
    }
}

/// Fills the pause quantiles and MMU curve from a pause log. The log covers
/// the whole process; the window's pauses are its last `pauses` rows (the
/// count from the stats block), and the MMU span is the window ending at the
/// last pause's end.
pub fn summarise_pauses(record: &mut Record, all: &[parse::Pause], windows: &[(u64, u64)]) {
    let window: Vec<parse::Pause> = if windows.is_empty() {
        // Older VMs: the window's pause count, taken from the end.
        let n = record
            .pauses
            .map_or(all.len(), |n| (n as usize).min(all.len()));
        all[all.len() - n..].to_vec()
    } else {
        // The VM said where its windows lie on the log's clock.
        all.iter()
            .filter(|p| {
                windows
                    .iter()
                    .any(|&(b, e)| p.begin_ns >= b && p.end_ns <= e)
            })
            .cloned()
            .collect()
    };
    let durations: Vec<f64> = window.iter().map(parse::Pause::ms).collect();
    record.pause_quantiles_ms = stats::quantile_sketch(&durations, 100);
    let intervals: Vec<(f64, f64)> = window
        .iter()
        .map(|p| (p.begin_ns as f64 / 1e6, p.end_ns as f64 / 1e6))
        .collect();
    // A script with several windows: MMU over the span from the first
    // window's start to the last one's end.
    let span = windows
        .first()
        .zip(windows.last())
        .map(|(first, last)| (first.0, last.1));
    let (start, end) = match span {
        Some((b, e)) => (b as f64 / 1e6, e as f64 / 1e6),
        None => {
            let span = record.window_ms.unwrap_or(record.wall_ms);
            let end = intervals.last().map_or(span, |p| p.1).max(span);
            let start = (end - span).min(intervals.first().map_or(end, |p| p.0));
            (start, end)
        }
    };
    record.mmu = stats::mmu_curve(&intervals, start, end);
}

/// Joins argv into a copy-pasteable shell command.
pub fn shell_join(argv: &[String]) -> String {
    argv.iter()
        .map(|a| {
            if !a.is_empty()
                && a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_=./,:+@%".contains(c))
            {
                a.clone()
            } else {
                format!("'{}'", a.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spawn_reports_exit_rss_and_timeout() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo out; echo err >&2; exit 3"]);
        let o = spawn_and_wait(&mut cmd, Duration::from_secs(10)).unwrap();
        assert_eq!(o.exit_code, Some(3));
        assert_eq!(o.stdout, "out\n");
        assert_eq!(o.stderr, "err\n");
        assert!(o.max_rss_kib.unwrap() > 0);
        assert!(!o.timed_out);
        let mut cmd = Command::new("sleep");
        cmd.arg("5");
        let o = spawn_and_wait(&mut cmd, Duration::from_millis(100)).unwrap();
        assert!(o.timed_out);
        assert_eq!(o.signal, Some(libc::SIGKILL));
        assert!(o.elapsed < Duration::from_secs(4));
    }

    #[test]
    fn shell_join_quotes_when_needed() {
        let argv = [
            "a".to_string(),
            "--heap=1024".into(),
            "x y".into(),
            "it's".into(),
        ];
        assert_eq!(shell_join(&argv), "a --heap=1024 'x y' 'it'\\''s'");
    }

    /// A gc-log row for a pause from `b` to `e` ms.
    fn pause_ms(b: u64, e: u64) -> parse::Pause {
        parse::Pause {
            begin_ns: b * 1_000_000,
            end_ns: e * 1_000_000,
            kind: "full".into(),
            reason: "alloc".into(),
            heap_before: 0,
            heap_after: 0,
            work: 0,
        }
    }

    #[test]
    fn window_pauses_are_the_last_ones() {
        let mut r = crate::record::tests::sample("b", "copying", Some(2.0), 0, 100.0);
        r.pauses = Some(2);
        let p = pause_ms;
        // A warm-up pause of 50 ms, then two window pauses of 1 and 3 ms.
        let log = [p(0, 50), p(100, 101), p(150, 153)];
        summarise_pauses(&mut r, &log, &[]);
        assert_eq!(r.pause_quantiles_ms.len(), 101);
        assert_eq!(r.pause_quantiles_ms[0], 1.0);
        assert_eq!(r.pause_quantiles_ms[100], 3.0);
        assert_eq!(r.mmu.iter().find(|m| m.0 == 100.0).unwrap().1, 0.96);
    }

    #[test]
    fn window_pauses_are_chosen_by_the_window_clock() {
        let mut r = crate::record::tests::sample("b", "copying", Some(2.0), 0, 100.0);
        // The pause count would pick the last two; the clock knows better:
        // the window is [60, 160) ms, and a pause at exit follows it.
        r.pauses = Some(2);
        let p = pause_ms;
        let log = [p(0, 50), p(100, 101), p(150, 153), p(170, 190)];
        summarise_pauses(&mut r, &log, &[(60_000_000, 160_000_000)]);
        assert_eq!(r.pause_quantiles_ms[0], 1.0);
        assert_eq!(r.pause_quantiles_ms[100], 3.0);
        assert_eq!(r.mmu.iter().find(|m| m.0 == 100.0).unwrap().1, 0.96);
    }
}
