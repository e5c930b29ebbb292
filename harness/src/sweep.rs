//! Sweeps: minimum heaps first, then the cartesian product of benchmarks ×
//! configurations × heap factors × invocations in a seeded random order,
//! with a canary benchmark interleaved to detect machine drift. Every
//! finished invocation is appended to `records.jsonl` at once, so an
//! interrupted sweep resumes where it stopped.

use crate::minheap::{self, Cache, CacheEntry, Probe, SearchOutcome, SearchParams};
use crate::provenance::Provenance;
use crate::record::{self, Record, Status};
use crate::runner::{Invocation, Runtime, run_invocation};
use crate::suite::{Program, Suite};
use indicatif::{ProgressBar, ProgressStyle};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The settings of a sweep, recorded in `meta.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Benchmarks, in suite order.
    pub benchmarks: Vec<String>,
    /// Heaplab collectors (`none` has no heap axis).
    pub collectors: Vec<String>,
    /// Peer interpreters measured.
    pub peers: Vec<String>,
    /// Heap factors over the reference minimum heap.
    pub factors: Vec<f64>,
    /// Fresh processes per point.
    pub invocations: u32,
    /// Warm-up iterations per process.
    pub warmup: u32,
    /// Timed iterations per process.
    pub iterations: u32,
    /// Quick sizes instead of default sizes.
    pub quick: bool,
    /// Per-invocation time limit, seconds.
    pub timeout_s: f64,
    /// Seed of the random order.
    pub seed: u64,
    /// Canary benchmark (run under `none` at its quick size).
    pub canary: Option<String>,
    /// A canary run after every this many invocations.
    pub canary_every: usize,
    /// Reference collector for heap factors (`None` = smallest minimum).
    pub reference: Option<String>,
    /// Configuration times are normalised to.
    pub baseline: String,
    /// Extra arguments passed to every heaplab process.
    pub vm_args: Vec<String>,
}

impl Settings {
    /// The program size used for `p`.
    pub fn size_of(&self, p: &Program) -> u64 {
        if self.quick {
            p.quick_size
        } else {
            p.default_size
        }
    }
}

/// Minimum heaps of one sweep, as stored in `minheap.json` of its output.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MinHeaps {
    /// Search outcome by benchmark, then collector.
    pub by_benchmark: BTreeMap<String, BTreeMap<String, SearchOutcome>>,
    /// The reference minimum heap of each benchmark (what factors multiply).
    pub reference: BTreeMap<String, Option<u64>>,
}

impl MinHeaps {
    /// Fills `reference` from the outcomes and the reference choice.
    pub fn compute_reference(&mut self, reference: Option<&str>) {
        let reference = reference.filter(|r| *r != OWN_REFERENCE);
        self.reference = self
            .by_benchmark
            .iter()
            .map(|(b, per)| {
                let mins: BTreeMap<String, Option<u64>> =
                    per.iter().map(|(c, o)| (c.clone(), o.min_heap)).collect();
                (b.clone(), minheap::reference_min(&mins, reference))
            })
            .collect();
    }
}

/// `--reference own`: every collector's factors multiply its own minimum.
pub const OWN_REFERENCE: &str = "own";

impl MinHeaps {
    /// The heap size factors multiply for `config` on `benchmark`: the
    /// reference minimum, or the collector's own with `--reference own`.
    pub fn heap_base(&self, benchmark: &str, config: &str, reference: Option<&str>) -> Option<u64> {
        if reference == Some(OWN_REFERENCE) {
            self.by_benchmark.get(benchmark)?.get(config)?.min_heap
        } else {
            self.reference.get(benchmark).copied().flatten()
        }
    }
}

/// Shared context for the minimum-heap search.
pub struct SearchContext<'a> {
    /// The suite.
    pub suite: &'a Suite,
    /// Path of heaplab.
    pub heaplab: &'a Path,
    /// Extra VM arguments.
    pub vm_args: &'a [String],
    /// Identity of the binary, for the cache.
    pub heaplab_id: &'a str,
    /// Upper time limit for one probe.
    pub timeout: Duration,
}

/// Finds the minimum heap of `program` at `size` under `collector`: a run
/// without a limit first (which must pass), then [`minheap::search`]
/// starting from its peak heap. Probes run one timed iteration without
/// warm-up; a probe is killed after 10× the unlimited run's time (at least
/// 5 s, at most the sweep's timeout), and OOM or timeout means too small.
pub fn find_min_heap(
    ctx: &SearchContext,
    program: &Program,
    collector: &str,
    size: u64,
) -> SearchOutcome {
    let runtime = Runtime::Heaplab {
        exe: ctx.heaplab.to_path_buf(),
        collector: collector.to_string(),
        extra: ctx.vm_args.to_vec(),
    };
    let invocation = |heap: Option<u64>, timeout: Duration| Invocation {
        suite_dir: &ctx.suite.dir,
        program,
        runtime: &runtime,
        size,
        heap_bytes: heap,
        warmup: 0,
        iterations: 1,
        timeout,
        gc_log: None,
        keep_log: false,
    };
    let free = run_invocation(&invocation(None, ctx.timeout));
    if !free.ok() {
        return SearchOutcome {
            min_heap: None,
            too_small: None,
            probes: 1,
            failure: Some(format!(
                "fails without a heap limit: {} ({})",
                free.status.name(),
                free.reason.unwrap_or_default()
            )),
        };
    }
    let probe_timeout = Duration::from_secs_f64(
        (free.wall_ms / 1e3 * 10.0).clamp(5.0, ctx.timeout.as_secs_f64().max(5.0)),
    );
    let params = SearchParams {
        start: free.peak_heap_bytes.unwrap_or(16 << 20).max(1 << 20),
        ..SearchParams::default()
    };
    let mut outcome = minheap::search(params, |heap| {
        let r = run_invocation(&invocation(Some(heap), probe_timeout));
        match r.status {
            Status::Ok => Probe::Fits,
            Status::Oom | Status::Timeout => Probe::TooSmall,
            s => Probe::Failed(format!("{}: {}", s.name(), r.reason.unwrap_or_default())),
        }
    });
    outcome.probes += 1;
    outcome
}

/// Looks up or searches the minimum heap of every benchmark × collector
/// (collectors with a heap axis only), updating `cache_path`.
pub fn min_heaps(
    ctx: &SearchContext,
    benchmarks: &[&Program],
    collectors: &[String],
    quick: bool,
    cache_path: &Path,
    refresh: bool,
    progress: bool,
) -> Result<MinHeaps, String> {
    let mut cache = Cache::load(cache_path);
    let collectors: Vec<&String> = collectors.iter().filter(|c| *c != "none").collect();
    let bar = progress_bar(
        (benchmarks.len() * collectors.len()) as u64,
        "min-heap",
        progress,
    );
    let mut result = MinHeaps::default();
    for p in benchmarks {
        let size = if quick { p.quick_size } else { p.default_size };
        for c in &collectors {
            bar.set_message(format!("{} / {c}", p.name));
            let cached = cache
                .get(&p.name, c, size, ctx.heaplab_id)
                .filter(|_| !refresh)
                .map(|e| e.outcome.clone());
            let outcome = match cached {
                Some(o) => o,
                None => {
                    let o = find_min_heap(ctx, p, c, size);
                    cache.put(CacheEntry {
                        benchmark: p.name.clone(),
                        collector: c.to_string(),
                        size,
                        heaplab_id: ctx.heaplab_id.to_string(),
                        outcome: o.clone(),
                    });
                    cache.save(cache_path)?;
                    o
                }
            };
            result
                .by_benchmark
                .entry(p.name.clone())
                .or_default()
                .insert(c.to_string(), outcome);
            bar.inc(1);
        }
    }
    bar.finish_and_clear();
    Ok(result)
}

/// One planned invocation.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    /// Benchmark name.
    pub benchmark: String,
    /// Index into the sweep's runtimes.
    pub runtime: usize,
    /// Heap factor (`None` for runtimes without a heap axis).
    pub factor: Option<f64>,
    /// Invocation number.
    pub invocation: u32,
}

/// The cartesian product, shuffled with `seed`. `has_heap_axis[i]` says
/// whether runtime `i` is swept over `factors`.
pub fn plan(
    benchmarks: &[String],
    runtimes: &[(String, bool)],
    factors: &[f64],
    invocations: u32,
    seed: u64,
) -> Vec<Task> {
    let mut tasks = Vec::new();
    for b in benchmarks {
        for (ri, (_, axis)) in runtimes.iter().enumerate() {
            let fs: Vec<Option<f64>> = if *axis {
                factors.iter().map(|f| Some(*f)).collect()
            } else {
                vec![None]
            };
            for f in fs {
                for inv in 0..invocations {
                    tasks.push(Task {
                        benchmark: b.clone(),
                        runtime: ri,
                        factor: f,
                        invocation: inv,
                    });
                }
            }
        }
    }
    shuffle(&mut tasks, seed);
    tasks
}

/// SplitMix64: a tiny, fully specified generator, so a seed gives the
/// same order on every platform and every version of the harness.
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0), by rejection so there is no modulo bias.
    pub fn below(&mut self, n: u64) -> u64 {
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let x = self.next_u64();
            if x < zone {
                return x % n;
            }
        }
    }
}

/// Fisher–Yates shuffle driven by [`SplitMix64`].
pub fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut rng = SplitMix64::new(seed);
    for i in (1..items.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        items.swap(i, j);
    }
}

/// A progress bar with ETA (hidden when `show` is false).
pub fn progress_bar(len: u64, prefix: &str, show: bool) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template(
            "{prefix:>9} [{elapsed_precise}] {bar:30} {pos}/{len} ETA {eta_precise} {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_prefix(prefix.to_string());
    bar
}

/// Everything `run_sweep` needs.
pub struct Sweep<'a> {
    /// The suite.
    pub suite: &'a Suite,
    /// Settings (recorded in `meta.json`).
    pub settings: Settings,
    /// Heaplab binary.
    pub heaplab: PathBuf,
    /// Peer runtimes (already detected).
    pub peers: Vec<Runtime>,
    /// Output directory (`results/<date>-<name>`).
    pub out_dir: PathBuf,
    /// Minimum-heap cache file.
    pub cache: PathBuf,
    /// Redo cached minimum-heap searches.
    pub refresh_minheap: bool,
    /// Keep every `--gc-log` CSV under `gclogs/`.
    pub keep_logs: bool,
    /// Show progress bars.
    pub progress: bool,
    /// Provenance for `meta.json`.
    pub provenance: Provenance,
}

/// Contents of `meta.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// Where the results came from.
    pub provenance: Provenance,
    /// What was swept.
    pub settings: Settings,
}

/// Names of the files in a sweep's output directory.
pub mod files {
    /// Raw records, one JSON object a line.
    pub const RECORDS: &str = "records.jsonl";
    /// Settings and provenance.
    pub const META: &str = "meta.json";
    /// Minimum heaps used.
    pub const MINHEAP: &str = "minheap.json";
    /// Per-point summary.
    pub const SUMMARY: &str = "summary.csv";
    /// The Markdown report.
    pub const REPORT: &str = "report.md";
    /// Plot directory.
    pub const PLOTS: &str = "plots";
    /// Kept pause logs.
    pub const GCLOGS: &str = "gclogs";
}

/// Runs (or resumes) a sweep; returns the records of the whole sweep.
pub fn run_sweep(sweep: &Sweep) -> Result<Vec<Record>, String> {
    let s = &sweep.settings;
    let out = &sweep.out_dir;
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let records_path = out.join(files::RECORDS);
    let meta_path = out.join(files::META);
    // Resuming with different settings would mix incomparable points.
    let old = std::fs::read_to_string(&meta_path)
        .ok()
        .and_then(|t| serde_json::from_str::<Meta>(&t).ok());
    if old.is_some_and(|old| old.settings != *s) {
        return Err(format!(
            "{} holds a sweep with different settings; choose another --name or --out",
            out.display()
        ));
    }
    let meta = Meta {
        provenance: sweep.provenance.clone(),
        settings: s.clone(),
    };
    write_json(&meta_path, &meta)?;
    let mut records = record::read_jsonl(&records_path)?;
    rewrite_jsonl(&records_path, &records)?;
    let done = record::done_keys(&records);
    let programs: Vec<&Program> = s
        .benchmarks
        .iter()
        .map(|b| {
            sweep
                .suite
                .program(b)
                .ok_or(format!("unknown benchmark {b}"))
        })
        .collect::<Result<_, _>>()?;

    // Phase 1: minimum heaps.
    let ctx = SearchContext {
        suite: sweep.suite,
        heaplab: &sweep.heaplab,
        vm_args: &s.vm_args,
        heaplab_id: &sweep.provenance.heaplab_id,
        timeout: Duration::from_secs_f64(s.timeout_s),
    };
    let mut mins = min_heaps(
        &ctx,
        &programs,
        &s.collectors,
        s.quick,
        &sweep.cache,
        sweep.refresh_minheap,
        sweep.progress,
    )?;
    mins.compute_reference(s.reference.as_deref());
    write_json(&out.join(files::MINHEAP), &mins)?;

    // Phase 2: the product, shuffled.
    let mut runtimes: Vec<Runtime> = s
        .collectors
        .iter()
        .map(|c| Runtime::Heaplab {
            exe: sweep.heaplab.clone(),
            collector: c.clone(),
            extra: s.vm_args.clone(),
        })
        .collect();
    runtimes.extend(sweep.peers.iter().cloned());
    let axes: Vec<(String, bool)> = runtimes
        .iter()
        .map(|r| (r.config().to_string(), r.has_heap_axis()))
        .collect();
    let tasks: Vec<Task> = plan(&s.benchmarks, &axes, &s.factors, s.invocations, s.seed)
        .into_iter()
        .filter(|t| {
            let key =
                record::invocation_key(&t.benchmark, &axes[t.runtime].0, t.factor, t.invocation);
            !done.contains(&key)
        })
        .collect();
    let canary_prog = s.canary.as_deref().and_then(|c| sweep.suite.program(c));
    let canary_rt = Runtime::Heaplab {
        exe: sweep.heaplab.clone(),
        collector: "none".to_string(),
        extra: s.vm_args.clone(),
    };
    let mut seq = records.iter().map(|r| r.seq + 1).max().unwrap_or(0);
    let log_dir = out.join(files::GCLOGS);
    std::fs::create_dir_all(&log_dir).map_err(|e| format!("{}: {e}", log_dir.display()))?;
    let bar = progress_bar(tasks.len() as u64, "sweep", sweep.progress);
    let timeout = Duration::from_secs_f64(s.timeout_s);
    let run_canary = |seq: &mut u64, records: &mut Vec<Record>| -> Result<(), String> {
        let Some(p) = canary_prog else { return Ok(()) };
        bar.set_message(format!("canary {}", p.name));
        let mut r = run_invocation(&Invocation {
            suite_dir: &sweep.suite.dir,
            program: p,
            runtime: &canary_rt,
            size: p.quick_size,
            heap_bytes: None,
            warmup: s.warmup,
            iterations: s.iterations,
            timeout,
            gc_log: None,
            keep_log: false,
        });
        r.canary = true;
        r.seq = *seq;
        *seq += 1;
        record::append_jsonl(&records_path, &r)?;
        records.push(r);
        Ok(())
    };
    if !tasks.is_empty() {
        run_canary(&mut seq, &mut records)?;
    }
    for (i, t) in tasks.iter().enumerate() {
        let program = sweep
            .suite
            .program(&t.benchmark)
            .ok_or(format!("unknown benchmark {}", t.benchmark))?;
        let rt = &runtimes[t.runtime];
        let size = s.size_of(program);
        bar.set_message(format!(
            "{} / {} / {}",
            t.benchmark,
            rt.config(),
            record::factor_label(t.factor)
        ));
        let reference = mins.heap_base(&t.benchmark, rt.config(), s.reference.as_deref());
        let heap = match (t.factor, reference) {
            (Some(f), Some(m)) => Some(Some((m as f64 * f).round() as u64)),
            (Some(_), None) => None,
            (None, _) => Some(None),
        };
        let mut r = match heap {
            Some(heap_bytes) => {
                let log = rt.has_heap_axis().then(|| {
                    log_dir.join(format!(
                        "{}-{}-{}-{}.csv",
                        crate::external::file_safe(&t.benchmark),
                        rt.config(),
                        record::factor_label(t.factor),
                        t.invocation
                    ))
                });
                let log = log.or_else(|| {
                    matches!(rt, Runtime::Heaplab { .. }).then(|| {
                        log_dir.join(format!(
                            "{}-{}-{}.csv",
                            crate::external::file_safe(&t.benchmark),
                            rt.config(),
                            t.invocation
                        ))
                    })
                });
                run_invocation(&Invocation {
                    suite_dir: &sweep.suite.dir,
                    program,
                    runtime: rt,
                    size,
                    heap_bytes,
                    warmup: s.warmup,
                    iterations: s.iterations,
                    timeout,
                    gc_log: log,
                    keep_log: sweep.keep_logs,
                })
            }
            None => unrunnable(program, rt, size, s, &mins),
        };
        r.heap_factor = t.factor;
        r.invocation = t.invocation;
        r.seq = seq;
        seq += 1;
        record::append_jsonl(&records_path, &r)?;
        if !r.ok() {
            bar.println(format!(
                "FAILED {} / {} / {} #{}: {} {}",
                r.benchmark,
                r.config,
                record::factor_label(r.heap_factor),
                r.invocation,
                r.status.name(),
                r.reason.as_deref().unwrap_or("")
            ));
        }
        records.push(r);
        bar.inc(1);
        if s.canary_every > 0 && (i + 1) % s.canary_every == 0 && i + 1 < tasks.len() {
            run_canary(&mut seq, &mut records)?;
        }
    }
    if !tasks.is_empty() {
        run_canary(&mut seq, &mut records)?;
    }
    bar.finish_and_clear();
    if !sweep.keep_logs {
        let _ = std::fs::remove_dir(&log_dir);
    }
    Ok(records)
}

/// The record of a point that cannot run because no minimum heap is known.
fn unrunnable(program: &Program, rt: &Runtime, size: u64, s: &Settings, mins: &MinHeaps) -> Record {
    let why = mins
        .by_benchmark
        .get(&program.name)
        .map(|per| {
            per.iter()
                .map(|(c, o)| format!("{c}: {}", o.failure.as_deref().unwrap_or("?")))
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default();
    Record {
        benchmark: program.name.clone(),
        config: rt.config().to_string(),
        runtime: rt.runtime_name().to_string(),
        heap_factor: None,
        heap_bytes: None,
        size,
        invocation: 0,
        warmup: s.warmup,
        iterations: s.iterations,
        canary: false,
        seq: 0,
        status: Status::Error,
        reason: Some(format!("no minimum heap known ({why})")),
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
        gc_stats: BTreeMap::new(),
        pause_quantiles_ms: Vec::new(),
        mmu: Vec::new(),
        metrics: BTreeMap::new(),
        command: String::new(),
    }
}

/// Writes `value` as pretty JSON.
pub fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), String> {
    let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    std::fs::write(path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))
}

/// Reads a JSON file.
pub fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Rewrites a JSONL file from parsed records, dropping a torn last line so
/// appends after a resume start on a fresh line.
fn rewrite_jsonl(path: &Path, records: &[Record]) -> Result<(), String> {
    if !path.exists() {
        return Ok(());
    }
    let tmp = path.with_extension("jsonl.tmp");
    let _ = std::fs::remove_file(&tmp);
    for r in records {
        record::append_jsonl(&tmp, r)?;
    }
    if records.is_empty() {
        std::fs::write(&tmp, "").map_err(|e| format!("{}: {e}", tmp.display()))?;
    }
    std::fs::rename(&tmp, path).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::tests::sample;

    fn axes() -> Vec<(String, bool)> {
        vec![
            ("none".into(), false),
            ("copying".into(), true),
            ("python3".into(), false),
        ]
    }

    #[test]
    fn plan_is_the_full_product_in_seeded_order() {
        let benches = vec!["a".to_string(), "b".to_string()];
        let t1 = plan(&benches, &axes(), &[1.5, 3.0], 3, 42);
        // 2 benchmarks × (1 + 2 + 1) points × 3 invocations.
        assert_eq!(t1.len(), 24);
        let t2 = plan(&benches, &axes(), &[1.5, 3.0], 3, 42);
        assert_eq!(t1, t2, "same seed, same order");
        let t3 = plan(&benches, &axes(), &[1.5, 3.0], 3, 43);
        assert_ne!(t1, t3, "another seed, another order");
        let mut keys: Vec<String> = t1
            .iter()
            .map(|t| {
                record::invocation_key(&t.benchmark, &axes()[t.runtime].0, t.factor, t.invocation)
            })
            .collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), 24, "no duplicates");
        assert!(t1.iter().all(|t| t.factor.is_some() == (t.runtime == 1)));
    }

    #[test]
    fn resume_skips_recorded_invocations() {
        let benches = vec!["a".to_string()];
        let tasks = plan(&benches, &axes(), &[2.0], 2, 1);
        // Two invocations already recorded, one of them failed.
        let mut failed = sample("a", "copying", Some(2.0), 1, 5.0);
        failed.status = Status::Crash;
        let mut canary = sample("a", "none", None, 0, 5.0);
        canary.canary = true;
        let done = record::done_keys(&[sample("a", "none", None, 0, 5.0), failed, canary]);
        let left: Vec<&Task> = tasks
            .iter()
            .filter(|t| {
                !done.contains(&record::invocation_key(
                    &t.benchmark,
                    &axes()[t.runtime].0,
                    t.factor,
                    t.invocation,
                ))
            })
            .collect();
        assert_eq!(left.len(), tasks.len() - 2);
        assert!(!left.iter().any(|t| t.runtime == 0 && t.invocation == 0));
        assert!(left.iter().any(|t| t.runtime == 0 && t.invocation == 1));
    }

    #[test]
    fn splitmix_is_stable_and_unbiased_enough() {
        let mut r = SplitMix64::new(0);
        // Reference values of SplitMix64 seeded with 0.
        assert_eq!(r.next_u64(), 0xe220_a839_7b1d_cdaf);
        assert_eq!(r.next_u64(), 0x6e78_9e6a_a1b9_65f4);
        let mut counts = [0u32; 3];
        for _ in 0..3000 {
            counts[r.below(3) as usize] += 1;
        }
        assert!(counts.iter().all(|c| (900..1100).contains(c)), "{counts:?}");
        let mut v: Vec<u32> = (0..10).collect();
        shuffle(&mut v, 5);
        let mut sorted = v.clone();
        sorted.sort();
        assert_eq!(sorted, (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn reference_is_the_smallest_minimum_by_default() {
        let mut m = MinHeaps::default();
        let o = |v: Option<u64>| SearchOutcome {
            min_heap: v,
            too_small: None,
            probes: 1,
            failure: None,
        };
        m.by_benchmark.insert(
            "a".into(),
            [
                ("copying".to_string(), o(Some(8))),
                ("conservative".to_string(), o(Some(5))),
            ]
            .into(),
        );
        m.by_benchmark
            .insert("b".into(), [("copying".to_string(), o(None))].into());
        m.compute_reference(None);
        assert_eq!(m.reference["a"], Some(5));
        assert_eq!(m.reference["b"], None);
        m.compute_reference(Some("copying"));
        assert_eq!(m.reference["a"], Some(8));
        m.compute_reference(Some(OWN_REFERENCE));
        assert_eq!(
            m.reference["a"],
            Some(5),
            "the table still shows the smallest"
        );
        assert_eq!(
            m.heap_base("a", "conservative", Some(OWN_REFERENCE)),
            Some(5)
        );
        assert_eq!(m.heap_base("a", "copying", Some(OWN_REFERENCE)), Some(8));
        assert_eq!(m.heap_base("a", "copying", None), Some(5));
    }
}
