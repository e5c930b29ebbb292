//! Counters, pause records, the fixed-format `--gc-stats` block and the
//! `--gc-log` CSV. One schema for every collector, so the harness parses one
//! format.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::time::{Duration, Instant};

/// The kind of a pause, for counters and logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PauseKind {
    /// A whole-heap collection.
    Full,
    /// A nursery-only collection.
    Minor,
    /// A reference-counting epoch.
    Epoch,
    /// A cycle collection of the RC collector.
    Cycle,
}

impl PauseKind {
    /// Short name for logs and the stats block.
    pub fn name(self) -> &'static str {
        match self {
            PauseKind::Full => "full",
            PauseKind::Minor => "minor",
            PauseKind::Epoch => "epoch",
            PauseKind::Cycle => "cycle",
        }
    }
    const ALL: [PauseKind; 4] = [
        PauseKind::Full,
        PauseKind::Minor,
        PauseKind::Epoch,
        PauseKind::Cycle,
    ];
}

/// One pause, as written to `--gc-log`.
#[derive(Clone, Debug)]
pub struct PauseRecord {
    /// Start, in nanoseconds since the stats were created.
    pub begin_ns: u64,
    /// End, in nanoseconds since the stats were created.
    pub end_ns: u64,
    /// What kind of collection.
    pub kind: PauseKind,
    /// Why it ran (`CollectReason::name`).
    pub reason: &'static str,
    /// Heap bytes in use before.
    pub heap_before: usize,
    /// Heap bytes in use after.
    pub heap_after: usize,
    /// Collector-defined work measure (bytes copied, objects marked, ...).
    pub work: u64,
}

/// A pause in progress; hand it back to [`GcStats::end_pause`].
#[must_use]
pub struct PauseTimer {
    start: Instant,
    kind: PauseKind,
    reason: &'static str,
    heap_before: usize,
}

/// Collector counters. Collectors update the common fields and add their own
/// named counters; the VM marks the harness window.
#[derive(Clone, Debug)]
pub struct GcStats {
    /// Collector name.
    pub collector: &'static str,
    /// When the stats were created (process start, near enough).
    pub created: Instant,
    /// `--heap` limit, or `usize::MAX`.
    pub heap_limit: usize,
    /// Pauses per kind, indexed like `PauseKind::ALL`.
    pub pauses: [u64; 4],
    /// Total pause time per kind.
    pub pause_time: [Duration; 4],
    /// Longest single pause.
    pub max_pause: Duration,
    /// Bytes handed out by the allocator.
    pub bytes_allocated: u64,
    /// Objects handed out by the allocator.
    pub objects_allocated: u64,
    /// Bytes copied by moving collectors.
    pub bytes_copied: u64,
    /// Bytes reclaimed.
    pub bytes_freed: u64,
    /// Largest heap occupancy seen (after allocation, before collection).
    pub peak_heap: usize,
    /// Collector-specific counters, in first-use order.
    pub counters: Vec<(&'static str, u64)>,
    /// Collector-specific gauges (current sizes, rates, high-water marks),
    /// in first-use order. Unlike `counters` they describe a state, so
    /// [`GcStats::since`] keeps them as they are rather than subtracting.
    pub gauges: Vec<(&'static str, u64)>,
    log: Option<std::sync::Arc<std::sync::Mutex<BufWriter<File>>>>,
}

impl GcStats {
    /// Fresh counters for `collector`.
    pub fn new(collector: &'static str, heap_limit: usize) -> GcStats {
        GcStats {
            collector,
            created: Instant::now(),
            heap_limit,
            pauses: [0; 4],
            pause_time: [Duration::ZERO; 4],
            max_pause: Duration::ZERO,
            bytes_allocated: 0,
            objects_allocated: 0,
            bytes_copied: 0,
            bytes_freed: 0,
            peak_heap: 0,
            counters: Vec::new(),
            gauges: Vec::new(),
            log: None,
        }
    }

    /// Writes one CSV row per pause to `path` from now on.
    pub fn open_log(&mut self, path: &std::path::Path) -> std::io::Result<()> {
        let mut w = BufWriter::new(File::create(path)?);
        writeln!(w, "begin_ns,end_ns,kind,reason,heap_before,heap_after,work")?;
        self.log = Some(std::sync::Arc::new(std::sync::Mutex::new(w)));
        Ok(())
    }

    /// Flushes the pause log.
    pub fn flush_log(&self) {
        if let Some(l) = &self.log
            && let Ok(mut w) = l.lock()
        {
            let _ = w.flush();
        }
    }

    /// Counts one allocation.
    #[inline]
    pub fn record_alloc(&mut self, bytes: usize) {
        self.bytes_allocated += bytes as u64;
        self.objects_allocated += 1;
    }

    /// Notes the current occupancy for the peak.
    #[inline]
    pub fn note_heap(&mut self, used: usize) {
        if used > self.peak_heap {
            self.peak_heap = used;
        }
    }

    /// Starts a measurement window (the harness's timed window): the
    /// high-water marks restart, the peak heap from `used_now` and the
    /// longest pause from zero, so a block made with [`GcStats::since`]
    /// reports the window's own rather than the warm-up's.
    pub fn begin_window(&mut self, used_now: usize) {
        self.peak_heap = used_now;
        self.max_pause = Duration::ZERO;
    }

    /// Starts timing a pause.
    pub fn begin_pause(
        &mut self,
        kind: PauseKind,
        reason: &'static str,
        heap_before: usize,
    ) -> PauseTimer {
        self.note_heap(heap_before);
        PauseTimer {
            start: Instant::now(),
            kind,
            reason,
            heap_before,
        }
    }

    /// Ends a pause: counts it and logs it.
    pub fn end_pause(&mut self, t: PauseTimer, heap_after: usize, work: u64) {
        let end = Instant::now();
        let d = end - t.start;
        let i = PauseKind::ALL
            .iter()
            .position(|k| *k == t.kind)
            .unwrap_or(0);
        self.pauses[i] += 1;
        self.pause_time[i] += d;
        if d > self.max_pause {
            self.max_pause = d;
        }
        if let Some(l) = &self.log
            && let Ok(mut w) = l.lock()
        {
            let _ = writeln!(
                w,
                "{},{},{},{},{},{},{}",
                (t.start - self.created).as_nanos(),
                (end - self.created).as_nanos(),
                t.kind.name(),
                t.reason,
                t.heap_before,
                heap_after,
                work
            );
        }
    }

    /// Adds `n` to the collector-specific counter `name`.
    pub fn count(&mut self, name: &'static str, n: u64) {
        match self.counters.iter_mut().find(|(k, _)| *k == name) {
            Some((_, v)) => *v += n,
            None => self.counters.push((name, n)),
        }
    }

    /// Sets the collector-specific counter `name` (gauges such as sizes).
    pub fn set(&mut self, name: &'static str, v: u64) {
        match self.counters.iter_mut().find(|(k, _)| *k == name) {
            Some((_, x)) => *x = v,
            None => self.counters.push((name, v)),
        }
    }

    /// Sets the gauge `name` (a state such as a size or a rate, which a
    /// harness window must not subtract; see [`GcStats::since`]).
    pub fn gauge(&mut self, name: &'static str, v: u64) {
        match self.gauges.iter_mut().find(|(k, _)| *k == name) {
            Some((_, x)) => *x = v,
            None => self.gauges.push((name, v)),
        }
    }

    /// Reads a gauge (0 if never set).
    pub fn gauge_value(&self, name: &str) -> u64 {
        self.gauges
            .iter()
            .find(|(k, _)| *k == name)
            .map_or(0, |(_, v)| *v)
    }

    /// Reads a collector-specific counter.
    pub fn counter(&self, name: &str) -> u64 {
        self.counters
            .iter()
            .find(|(k, _)| *k == name)
            .map_or(0, |(_, v)| *v)
    }

    /// Total number of pauses.
    pub fn total_pauses(&self) -> u64 {
        self.pauses.iter().sum()
    }

    /// Total pause time.
    pub fn total_pause_time(&self) -> Duration {
        self.pause_time.iter().sum()
    }

    /// The counters accumulated since `earlier` (the harness window). Gauges
    /// (peak, max pause, `gauges`) are kept as they are now.
    pub fn since(&self, earlier: &GcStats) -> GcStats {
        let mut d = self.clone();
        for i in 0..4 {
            d.pauses[i] -= earlier.pauses[i];
            d.pause_time[i] -= earlier.pause_time[i];
        }
        d.bytes_allocated -= earlier.bytes_allocated;
        d.objects_allocated -= earlier.objects_allocated;
        d.bytes_copied -= earlier.bytes_copied;
        d.bytes_freed -= earlier.bytes_freed;
        for (k, v) in d.counters.iter_mut() {
            *v = v.saturating_sub(earlier.counter(k));
        }
        d
    }

    /// The fixed-format totals block printed by `--gc-stats`: one
    /// `key value` pair a line between two marker lines. `wall` is the time
    /// the block covers (the whole run or the harness window).
    pub fn format_block(&self, wall: Duration) -> String {
        let ms = |d: Duration| format!("{:.3}", d.as_secs_f64() * 1e3);
        let gc = self.total_pause_time();
        let mut s = String::new();
        let _ = writeln!(s, "==== heaplab gc-stats ====");
        let mut kv = |k: &str, v: String| {
            let _ = writeln!(s, "{k:<24} {v}");
        };
        kv("collector", self.collector.to_string());
        kv(
            "heap_limit_bytes",
            if self.heap_limit == usize::MAX {
                "unlimited".to_string()
            } else {
                self.heap_limit.to_string()
            },
        );
        kv("wall_ms", ms(wall));
        kv("gc_ms", ms(gc));
        kv("mutator_ms", ms(wall.saturating_sub(gc)));
        kv("pauses", self.total_pauses().to_string());
        for (i, k) in PauseKind::ALL.iter().enumerate() {
            if self.pauses[i] > 0 {
                kv(&format!("pauses.{}", k.name()), self.pauses[i].to_string());
                kv(&format!("gc_ms.{}", k.name()), ms(self.pause_time[i]));
            }
        }
        kv("max_pause_ms", ms(self.max_pause));
        kv("bytes_allocated", self.bytes_allocated.to_string());
        kv("objects_allocated", self.objects_allocated.to_string());
        kv("bytes_copied", self.bytes_copied.to_string());
        kv("bytes_freed", self.bytes_freed.to_string());
        kv("peak_heap_bytes", self.peak_heap.to_string());
        for (k, v) in self.counters.iter().chain(&self.gauges) {
            kv(k, v.to_string());
        }
        let _ = writeln!(s, "==== end gc-stats ====");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_are_counted_by_kind_and_window_subtracts() {
        let mut s = GcStats::new("test", usize::MAX);
        let t = s.begin_pause(PauseKind::Full, "explicit", 100);
        s.end_pause(t, 10, 5);
        s.count("marked", 3);
        let before = s.clone();
        let t = s.begin_pause(PauseKind::Minor, "alloc", 50);
        s.end_pause(t, 20, 5);
        s.count("marked", 4);
        s.record_alloc(64);
        assert_eq!(s.total_pauses(), 2);
        let w = s.since(&before);
        assert_eq!(w.total_pauses(), 1);
        assert_eq!(w.pauses[1], 1);
        assert_eq!(w.counter("marked"), 4);
        assert_eq!(w.bytes_allocated, 64);
        assert_eq!(s.peak_heap, 100);
        let block = w.format_block(Duration::from_millis(5));
        assert!(block.starts_with("==== heaplab gc-stats ===="));
        assert!(block.contains("pauses.minor"));
        assert!(!block.contains("pauses.full"));
    }

    #[test]
    fn a_window_restarts_the_high_water_marks() {
        let mut s = GcStats::new("test", usize::MAX);
        let t = s.begin_pause(PauseKind::Full, "explicit", 1000);
        s.end_pause(t, 10, 5);
        assert_eq!(s.peak_heap, 1000);
        s.begin_window(40);
        let before = s.clone();
        assert_eq!((s.peak_heap, s.max_pause), (40, Duration::ZERO));
        let t = s.begin_pause(PauseKind::Minor, "alloc", 300);
        s.end_pause(t, 20, 5);
        let w = s.since(&before);
        assert_eq!(w.peak_heap, 300, "the window's peak, not the warm-up's");
        assert!(w.max_pause <= s.pause_time[1]);
    }

    #[test]
    fn gauges_are_not_subtracted_by_the_window() {
        let mut s = GcStats::new("test", usize::MAX);
        s.gauge("remset_size", 40);
        let before = s.clone();
        s.gauge("remset_size", 30);
        let w = s.since(&before);
        assert_eq!(w.gauge_value("remset_size"), 30);
        assert!(w.format_block(Duration::ZERO).contains("remset_size"));
    }
}
