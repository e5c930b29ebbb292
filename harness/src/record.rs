//! One measured invocation as stored in `records.jsonl`, and the
//! append/reload logic that makes sweeps resumable.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, Write};
use std::path::Path;

/// How an invocation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Exited 0 and printed the expected checksum.
    Ok,
    /// Ran out of heap (exit 3, or a `MemoryError` traceback).
    Oom,
    /// Killed at the time limit.
    Timeout,
    /// VM internal error (exit 70) or killed by a signal.
    Crash,
    /// Printed a checksum different from the manifest's.
    WrongChecksum,
    /// Any other failure (an uncaught exception, no checksum, no process).
    Error,
}

impl Status {
    /// Short lowercase name, as in the JSON.
    pub fn name(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Oom => "oom",
            Status::Timeout => "timeout",
            Status::Crash => "crash",
            Status::WrongChecksum => "wrong_checksum",
            Status::Error => "error",
        }
    }
}

/// One fresh process: what ran and what it measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Benchmark (suite program) name.
    pub benchmark: String,
    /// Configuration: a heaplab collector (`none`, `copying`, ...) or a peer
    /// interpreter (`python3`, `pypy3`).
    pub config: String,
    /// `heaplab` or the peer's name.
    pub runtime: String,
    /// Heap factor over the reference minimum heap (`None` = unbounded).
    pub heap_factor: Option<f64>,
    /// The `--heap` limit passed, in bytes.
    pub heap_bytes: Option<u64>,
    /// Program size (`-n`).
    pub size: u64,
    /// Invocation number within the point (0-based).
    pub invocation: u32,
    /// Warm-up iterations before the timed window.
    pub warmup: u32,
    /// Timed iterations.
    pub iterations: u32,
    /// True for the drift-detecting canary runs.
    #[serde(default)]
    pub canary: bool,
    /// Position in the sweep's execution order.
    pub seq: u64,
    /// How it ended.
    pub status: Status,
    /// Why it failed (with the last stderr line); `None` when ok.
    pub reason: Option<String>,
    /// Process exit code (`None` when killed by a signal or not started).
    pub exit_code: Option<i32>,
    /// Wall time of the whole process, ms.
    pub wall_ms: f64,
    /// The timed window (`window_ns`), ms.
    pub window_ms: Option<f64>,
    /// GC pause time inside the window, ms (heaplab only).
    pub gc_ms: Option<f64>,
    /// Window time minus GC time, ms (heaplab only).
    pub mutator_ms: Option<f64>,
    /// Pauses inside the window.
    pub pauses: Option<u64>,
    /// Longest pause, ms.
    pub max_pause_ms: Option<f64>,
    /// Bytes allocated inside the window.
    pub bytes_allocated: Option<u64>,
    /// Peak heap occupancy the collector saw, bytes.
    pub peak_heap_bytes: Option<u64>,
    /// Peak resident set size of the process (from `wait4`), KiB.
    pub peak_rss_kib: Option<u64>,
    /// The printed checksum.
    pub checksum: Option<String>,
    /// Every `key value` of the `--gc-stats` block.
    #[serde(default)]
    pub gc_stats: BTreeMap<String, String>,
    /// 101 quantiles (0th…100th percentile) of the window's pause times, ms.
    #[serde(default)]
    pub pause_quantiles_ms: Vec<f64>,
    /// Minimum mutator utilisation `(window_ms, utilisation)` pairs.
    #[serde(default)]
    pub mmu: Vec<(f64, f64)>,
    /// Numbers the program measured itself (`heaplab_hook.metric`), e.g.
    /// finalization delays: the last value reported under each name.
    #[serde(default)]
    pub metrics: BTreeMap<String, f64>,
    /// The command line that ran.
    pub command: String,
}

impl Record {
    /// True when the invocation succeeded.
    pub fn ok(&self) -> bool {
        self.status == Status::Ok
    }

    /// The time the report uses: the timed window, else process wall time.
    pub fn time_ms(&self) -> f64 {
        self.window_ms.unwrap_or(self.wall_ms)
    }

    /// Identifies the invocation for resuming (canaries by sequence).
    pub fn key(&self) -> String {
        if self.canary {
            format!("canary#{}", self.seq)
        } else {
            invocation_key(
                &self.benchmark,
                &self.config,
                self.heap_factor,
                self.invocation,
            )
        }
    }
}

/// Formats a heap factor for keys, tables and file names (`unbounded` for
/// `None`).
pub fn factor_label(f: Option<f64>) -> String {
    match f {
        Some(f) => format!("{f}x"),
        None => "unbounded".to_string(),
    }
}

/// The resume key of one planned invocation.
pub fn invocation_key(benchmark: &str, config: &str, factor: Option<f64>, inv: u32) -> String {
    format!("{benchmark}|{config}|{}|{inv}", factor_label(factor))
}

/// Reads every record of a JSONL file; a missing file is empty. A torn last
/// line (an interrupted write) is skipped; other bad lines are errors.
pub fn read_jsonl(path: &Path) -> Result<Vec<Record>, String> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let lines: Vec<String> = std::io::BufReader::new(file)
        .lines()
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str(line) {
            Ok(r) => out.push(r),
            Err(_) if i + 1 == lines.len() => break,
            Err(e) => return Err(format!("{}:{}: {e}", path.display(), i + 1)),
        }
    }
    Ok(out)
}

/// Appends one record as a JSON line and flushes, so an interrupted sweep
/// loses at most the invocation in progress.
pub fn append_jsonl(path: &Path, record: &Record) -> Result<(), String> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let line = serde_json::to_string(record).map_err(|e| e.to_string())?;
    writeln!(f, "{line}")
        .and_then(|_| f.flush())
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Keys of the invocations already recorded (failed ones included: a failed
/// point is a result, not something to retry silently).
pub fn done_keys(records: &[Record]) -> HashSet<String> {
    records.iter().map(Record::key).collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A successful record for tests.
    pub fn sample(bench: &str, config: &str, factor: Option<f64>, inv: u32, ms: f64) -> Record {
        Record {
            benchmark: bench.into(),
            config: config.into(),
            runtime: "heaplab".into(),
            heap_factor: factor,
            heap_bytes: factor.map(|f| (f * 1e6) as u64),
            size: 1,
            invocation: inv,
            warmup: 0,
            iterations: 1,
            canary: false,
            seq: 0,
            status: Status::Ok,
            reason: None,
            exit_code: Some(0),
            wall_ms: ms + 5.0,
            window_ms: Some(ms),
            gc_ms: Some(ms / 10.0),
            mutator_ms: Some(ms * 0.9),
            pauses: Some(3),
            max_pause_ms: Some(1.0),
            bytes_allocated: Some(1000),
            peak_heap_bytes: Some(500),
            peak_rss_kib: Some(4000),
            checksum: Some("1".into()),
            gc_stats: BTreeMap::new(),
            pause_quantiles_ms: vec![0.5, 1.0],
            mmu: vec![(1.0, 0.5)],
            metrics: BTreeMap::new(),
            command: "heaplab x.py".into(),
        }
    }

    #[test]
    fn jsonl_round_trip_and_torn_tail() {
        let path =
            std::env::temp_dir().join(format!("heaplab-records-{}.jsonl", std::process::id()));
        let _ = std::fs::remove_file(&path);
        assert!(read_jsonl(&path).unwrap().is_empty());
        let a = sample("b", "copying", Some(1.5), 0, 10.0);
        let mut c = sample("b", "none", None, 0, 12.0);
        c.canary = true;
        c.seq = 7;
        append_jsonl(&path, &a).unwrap();
        append_jsonl(&path, &c).unwrap();
        // An interrupted write leaves half a line.
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"{\"benchmark\":\"b")
            .unwrap();
        let back = read_jsonl(&path).unwrap();
        assert_eq!(back, vec![a.clone(), c.clone()]);
        let keys = done_keys(&back);
        assert!(keys.contains(&invocation_key("b", "copying", Some(1.5), 0)));
        assert!(keys.contains("canary#7"));
        assert!(!keys.contains(&invocation_key("b", "copying", Some(1.5), 1)));
        std::fs::remove_file(&path).unwrap();
    }
}
