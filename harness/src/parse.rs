//! Parsers for what `heaplab` prints: the `--gc-stats` block (see
//! `gc_api::stats::GcStats::format_block`), the `--gc-log` pause CSV, and
//! the out-of-memory signals on stderr.

use std::collections::BTreeMap;

/// First line of the `--gc-stats` block.
pub const STATS_BEGIN: &str = "==== heaplab gc-stats ====";
/// Last line of the `--gc-stats` block.
pub const STATS_END: &str = "==== end gc-stats ====";
/// Header of the `--gc-log` CSV.
pub const LOG_HEADER: &str = "begin_ns,end_ns,kind,reason,heap_before,heap_after,work";
/// Prefix of the VM's unrecoverable out-of-memory line.
pub const OOM_PREFIX: &str = "heaplab: out of memory:";

/// One `--gc-stats` block: every `key value` line, in a map.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatsBlock {
    /// Raw values by key (`collector`, `gc_ms`, `pauses.full`, ...).
    pub values: BTreeMap<String, String>,
}

impl StatsBlock {
    /// A value parsed as a float (`None` if missing or not a number).
    pub fn f64(&self, key: &str) -> Option<f64> {
        self.values.get(key)?.parse().ok()
    }

    /// A value parsed as an unsigned integer.
    pub fn u64(&self, key: &str) -> Option<u64> {
        self.values.get(key)?.parse().ok()
    }

    /// A value as text.
    pub fn str(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str)
    }
}

/// The last complete `--gc-stats` block in `stderr` (the one for the timed
/// window when the program used `harness_end`). Lines between the markers
/// that are not `key value` pairs are an error, reported with the line.
pub fn parse_stats_block(stderr: &str) -> Result<Option<StatsBlock>, String> {
    let lines: Vec<&str> = stderr.lines().collect();
    let Some(end) = lines.iter().rposition(|l| l.trim_end() == STATS_END) else {
        return Ok(None);
    };
    let Some(begin) = lines[..end]
        .iter()
        .rposition(|l| l.trim_end() == STATS_BEGIN)
    else {
        return Err("gc-stats end marker without a begin marker".to_string());
    };
    let mut block = StatsBlock::default();
    for line in &lines[begin + 1..end] {
        let mut parts = line.split_whitespace();
        match (parts.next(), parts.next(), parts.next()) {
            (Some(k), Some(v), None) => {
                block.values.insert(k.to_string(), v.to_string());
            }
            _ => return Err(format!("malformed gc-stats line {line:?}")),
        }
    }
    Ok(Some(block))
}

/// One row of the `--gc-log` CSV.
#[derive(Debug, Clone, PartialEq)]
pub struct Pause {
    /// Start, ns since the collector's stats were created (process start).
    pub begin_ns: u64,
    /// End, same clock.
    pub end_ns: u64,
    /// `full`, `minor`, `epoch` or `cycle`.
    pub kind: String,
    /// Why the collection ran.
    pub reason: String,
    /// Heap bytes in use before.
    pub heap_before: u64,
    /// Heap bytes in use after.
    pub heap_after: u64,
    /// Collector-defined work measure.
    pub work: u64,
}

impl Pause {
    /// Duration in milliseconds.
    pub fn ms(&self) -> f64 {
        self.end_ns.saturating_sub(self.begin_ns) as f64 / 1e6
    }
}

/// Parses a whole `--gc-log` file. The header must match [`LOG_HEADER`];
/// a truncated last line (a killed process) is ignored, any other bad row
/// is an error naming its line number.
pub fn parse_gc_log(text: &str) -> Result<Vec<Pause>, String> {
    let mut lines = text.lines();
    match lines.next() {
        None => return Ok(Vec::new()),
        Some(h) if h.trim_end() == LOG_HEADER => {}
        Some(h) => return Err(format!("unexpected gc-log header {h:?}")),
    }
    let rows: Vec<&str> = lines.filter(|l| !l.trim().is_empty()).collect();
    let mut pauses = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        match parse_row(row) {
            Some(p) => pauses.push(p),
            None if i + 1 == rows.len() && !text.ends_with('\n') => break,
            None => return Err(format!("gc-log line {}: malformed row {row:?}", i + 2)),
        }
    }
    Ok(pauses)
}

fn parse_row(row: &str) -> Option<Pause> {
    let f: Vec<&str> = row.trim_end().split(',').collect();
    if f.len() != 7 {
        return None;
    }
    Some(Pause {
        begin_ns: f[0].parse().ok()?,
        end_ns: f[1].parse().ok()?,
        kind: f[2].to_string(),
        reason: f[3].to_string(),
        heap_before: f[4].parse().ok()?,
        heap_after: f[5].parse().ok()?,
        work: f[6].parse().ok()?,
    })
}

/// True when a failed run ran out of heap: exit code 3 with the VM's OOM
/// line, or a Python `MemoryError` as the last line of the traceback.
pub fn is_out_of_memory(exit_code: Option<i32>, stderr: &str) -> bool {
    if exit_code == Some(3) || stderr.lines().any(|l| l.starts_with(OOM_PREFIX)) {
        return true;
    }
    let last = last_error_line(stderr);
    last == "MemoryError" || last.starts_with("MemoryError:")
}

/// The last non-empty stderr line that is not part of a stats block, for
/// failure reasons.
pub fn last_error_line(stderr: &str) -> String {
    let mut inside = false;
    let mut last = "";
    for l in stderr.lines() {
        let t = l.trim_end();
        if t == STATS_BEGIN {
            inside = true;
        } else if t == STATS_END {
            inside = false;
        } else if !inside && !t.trim().is_empty() && !t.starts_with(crate::suite::WINDOW_PREFIX) {
            last = t;
        }
    }
    last.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BLOCK: &str = "noise\n==== heaplab gc-stats ====\n\
        collector                copying\n\
        heap_limit_bytes         unlimited\n\
        wall_ms                  80.226\n\
        gc_ms                    9.094\n\
        mutator_ms               71.132\n\
        pauses                   12\n\
        pauses.full              12\n\
        gc_ms.full               9.094\n\
        max_pause_ms             1.500\n\
        bytes_allocated          86432520\n\
        peak_heap_bytes          4217112\n\
        survival_rate_permille   40\n\
        ==== end gc-stats ====\n";

    #[test]
    fn parses_the_stats_block() {
        let b = parse_stats_block(BLOCK).unwrap().unwrap();
        assert_eq!(b.str("collector"), Some("copying"));
        assert_eq!(b.str("heap_limit_bytes"), Some("unlimited"));
        assert_eq!(b.u64("heap_limit_bytes"), None);
        assert_eq!(b.f64("gc_ms"), Some(9.094));
        assert_eq!(b.u64("pauses.full"), Some(12));
        assert_eq!(b.u64("survival_rate_permille"), Some(40));
        assert_eq!(b.u64("peak_heap_bytes"), Some(4_217_112));
        assert_eq!(parse_stats_block("no block\n").unwrap(), None);
    }

    #[test]
    fn takes_the_last_block_and_rejects_garbage() {
        let two = format!("{BLOCK}{}", BLOCK.replace("9.094", "1.000"));
        let b = parse_stats_block(&two).unwrap().unwrap();
        assert_eq!(b.f64("gc_ms"), Some(1.0));
        let bad = BLOCK.replace("pauses                   12\n", "pauses 12 extra\n");
        assert!(parse_stats_block(&bad).is_err());
        assert!(parse_stats_block("x\n==== end gc-stats ====\n").is_err());
        // The real formatter's output parses.
        let mut s = gc_api::stats::GcStats::new("test", 1 << 20);
        s.count("marked", 7);
        let text = s.format_block(std::time::Duration::from_millis(3));
        let b = parse_stats_block(&text).unwrap().unwrap();
        assert_eq!(b.u64("marked"), Some(7));
        assert_eq!(b.u64("heap_limit_bytes"), Some(1 << 20));
        assert_eq!(b.f64("wall_ms"), Some(3.0));
    }

    #[test]
    fn parses_the_gc_log() {
        let text = format!(
            "{LOG_HEADER}\n100,1100,full,alloc,500,200,30\n2000,2500,minor,explicit,300,100,4\n"
        );
        let p = parse_gc_log(&text).unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].kind, "full");
        assert_eq!(p[1].reason, "explicit");
        assert_eq!(p[0].ms(), 0.001);
        assert_eq!(
            (p[1].heap_before, p[1].heap_after, p[1].work),
            (300, 100, 4)
        );
        // A killed process can leave half a row at the end.
        let cut = format!("{LOG_HEADER}\n100,1100,full,alloc,500,200,30\n2000,25");
        assert_eq!(parse_gc_log(&cut).unwrap().len(), 1);
        let bad = format!("{LOG_HEADER}\n1,2,full\n3,4,full,a,1,1,1\n");
        assert!(parse_gc_log(&bad).unwrap_err().contains("line 2"));
        assert!(parse_gc_log("a,b\n").is_err());
        assert!(parse_gc_log("").unwrap().is_empty());
        // The real writer's output parses.
        let dir = std::env::temp_dir().join(format!("heaplab-parse-{}.csv", std::process::id()));
        let mut s = gc_api::stats::GcStats::new("test", usize::MAX);
        s.open_log(&dir).unwrap();
        let t = s.begin_pause(gc_api::stats::PauseKind::Full, "alloc", 10);
        s.end_pause(t, 5, 1);
        s.flush_log();
        let p = parse_gc_log(&std::fs::read_to_string(&dir).unwrap()).unwrap();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].reason, "alloc");
        std::fs::remove_file(&dir).unwrap();
    }

    #[test]
    fn recognises_out_of_memory() {
        assert!(is_out_of_memory(
            Some(3),
            "heaplab: out of memory: requested=64 limit=1048576\n"
        ));
        let tb = "Traceback (most recent call last):\n  File \"x.py\", line 1\nMemoryError\n";
        assert!(is_out_of_memory(Some(1), tb));
        let with_block = format!("{tb}{}", BLOCK.trim_start_matches("noise\n"));
        assert!(is_out_of_memory(Some(1), &with_block));
        assert!(!is_out_of_memory(Some(1), "ValueError: MemoryError\n"));
        assert!(!is_out_of_memory(
            Some(70),
            "heaplab: internal error: boom\n"
        ));
        assert_eq!(last_error_line(&with_block), "MemoryError");
    }
}
