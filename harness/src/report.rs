//! Turns a sweep's records into per-point statistics, `summary.csv` and
//! `report.md` (and asks [`crate::plots`] for the figures).

use crate::record::{Record, factor_label};
use crate::stats::{Summary, geomean, percentile_sorted, pool_sketches};
use crate::sweep::{Meta, MinHeaps, files, read_json};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

/// Statistics of one point: benchmark × configuration × heap factor.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// Benchmark.
    pub benchmark: String,
    /// Configuration (collector or peer).
    pub config: String,
    /// `heaplab` or the peer.
    pub runtime: String,
    /// Heap factor (`None` = unbounded).
    pub factor: Option<f64>,
    /// The `--heap` used, bytes.
    pub heap_bytes: Option<u64>,
    /// Successful invocations.
    pub ok: usize,
    /// Failed invocations with their status and reason.
    pub failures: Vec<String>,
    /// Timed-window time, ms.
    pub time: Option<Summary>,
    /// GC time in the window, ms.
    pub gc: Option<Summary>,
    /// Mutator time in the window, ms.
    pub mutator: Option<Summary>,
    /// Peak RSS, MiB.
    pub rss_mib: Option<Summary>,
    /// Pauses in the window, summed over invocations.
    pub pauses: u64,
    /// Pooled pause times (ms, sorted) approximating all invocations'.
    pub pause_pool: Vec<f64>,
    /// Median MMU over invocations per window size: `(window_ms, mmu)`.
    pub mmu: Vec<(f64, f64)>,
    /// Mean time over the baseline's mean time for this benchmark.
    pub normalised: Option<f64>,
    /// The program's own measurements (`heaplab_hook.metric`) by name.
    pub metrics: BTreeMap<String, Summary>,
}

impl Point {
    /// p50, p90, p99 and max of the pause times (ms).
    pub fn pause_percentiles(&self) -> Option<[f64; 4]> {
        if self.pause_pool.is_empty() {
            return None;
        }
        let p = |q| percentile_sorted(&self.pause_pool, q);
        Some([p(50.0), p(90.0), p(99.0), p(100.0)])
    }
}

fn factor_key(f: Option<f64>) -> i64 {
    f.map_or(-1, |f| (f * 1e6).round() as i64)
}

/// Groups the non-canary records into points and summarises them;
/// `baseline` names the configuration times are normalised to.
pub fn points(records: &[Record], baseline: &str) -> Vec<Point> {
    let mut groups: BTreeMap<(String, String, i64), Vec<&Record>> = BTreeMap::new();
    for r in records.iter().filter(|r| !r.canary) {
        groups
            .entry((
                r.benchmark.clone(),
                r.config.clone(),
                factor_key(r.heap_factor),
            ))
            .or_default()
            .push(r);
    }
    let mut out: Vec<Point> = groups
        .into_values()
        .map(|rs| {
            let ok: Vec<&&Record> = rs.iter().filter(|r| r.ok()).collect();
            let col = |f: &dyn Fn(&Record) -> Option<f64>| {
                Summary::of(&ok.iter().filter_map(|r| f(r)).collect::<Vec<_>>())
            };
            let sketches: Vec<(&[f64], u64)> = ok
                .iter()
                .map(|r| (r.pause_quantiles_ms.as_slice(), r.pauses.unwrap_or(0)))
                .collect();
            let mut windows: BTreeMap<i64, Vec<f64>> = BTreeMap::new();
            for r in &ok {
                for (w, u) in &r.mmu {
                    windows.entry((w * 1e3) as i64).or_default().push(*u);
                }
            }
            let mmu = windows
                .into_iter()
                .map(|(w, mut us)| {
                    us.sort_by(f64::total_cmp);
                    (w as f64 / 1e3, percentile_sorted(&us, 50.0))
                })
                .collect();
            let mut metric_values: BTreeMap<String, Vec<f64>> = BTreeMap::new();
            for r in &ok {
                for (k, v) in &r.metrics {
                    metric_values.entry(k.clone()).or_default().push(*v);
                }
            }
            let metrics = metric_values
                .into_iter()
                .filter_map(|(k, vs)| Some((k, Summary::of(&vs)?)))
                .collect();
            Point {
                benchmark: rs[0].benchmark.clone(),
                config: rs[0].config.clone(),
                runtime: rs[0].runtime.clone(),
                factor: rs[0].heap_factor,
                heap_bytes: rs.iter().find_map(|r| r.heap_bytes),
                ok: ok.len(),
                failures: rs
                    .iter()
                    .filter(|r| !r.ok())
                    .map(|r| {
                        format!(
                            "#{} {}: {}",
                            r.invocation,
                            r.status.name(),
                            r.reason.as_deref().unwrap_or("")
                        )
                    })
                    .collect(),
                time: col(&|r| Some(r.time_ms())),
                gc: col(&|r| r.gc_ms),
                mutator: col(&|r| r.mutator_ms),
                rss_mib: col(&|r| r.peak_rss_kib.map(|k| k as f64 / 1024.0)),
                pauses: ok.iter().filter_map(|r| r.pauses).sum(),
                pause_pool: pool_sketches(&sketches),
                mmu,
                normalised: None,
                metrics,
            }
        })
        .collect();
    // Normalise to the baseline: same factor if it has a heap axis.
    let base: BTreeMap<(String, i64), f64> = out
        .iter()
        .filter(|p| p.config == baseline)
        .filter_map(|p| Some(((p.benchmark.clone(), factor_key(p.factor)), p.time?.mean)))
        .collect();
    for p in &mut out {
        let b = base
            .get(&(p.benchmark.clone(), factor_key(p.factor)))
            .or_else(|| base.get(&(p.benchmark.clone(), -1)));
        if let (Some(b), Some(t)) = (b, p.time) {
            p.normalised = Some(t.mean / b);
        }
    }
    out
}

/// The points of benchmarks that have a normalised time at every heap
/// factor their configuration was measured at. Means over these compare
/// like with like along a curve: at a tight factor a collector runs only
/// the programs that fit, and a mean over that subset is not comparable
/// with one over all programs at a loose factor.
pub fn complete_points(points: &[Point]) -> Vec<Point> {
    let mut factors: BTreeMap<&str, BTreeSet<i64>> = BTreeMap::new();
    let mut measured: BTreeMap<(&str, &str), BTreeSet<i64>> = BTreeMap::new();
    for p in points {
        factors
            .entry(&p.config)
            .or_default()
            .insert(factor_key(p.factor));
        if p.normalised.is_some() {
            measured
                .entry((&p.config, &p.benchmark))
                .or_default()
                .insert(factor_key(p.factor));
        }
    }
    points
        .iter()
        .filter(|p| {
            measured.get(&(p.config.as_str(), p.benchmark.as_str()))
                == factors.get(p.config.as_str())
        })
        .cloned()
        .collect()
}

/// Geometric mean of normalised times per (configuration, factor) across
/// benchmarks: `(config, factor, geomean, benchmarks included)`.
pub fn geomeans(points: &[Point]) -> Vec<(String, Option<f64>, f64, usize)> {
    let mut by: BTreeMap<(String, i64), (Option<f64>, Vec<f64>)> = BTreeMap::new();
    for p in points {
        if let Some(n) = p.normalised {
            by.entry((p.config.clone(), factor_key(p.factor)))
                .or_insert((p.factor, Vec::new()))
                .1
                .push(n);
        }
    }
    by.into_iter()
        .filter_map(|((c, _), (f, v))| Some((c, f, geomean(&v)?, v.len())))
        .collect()
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn opt(v: Option<f64>) -> String {
    v.map_or(String::new(), |v| format!("{v:.4}"))
}

/// The `summary.csv` text: one row per point.
pub fn summary_csv(points: &[Point]) -> String {
    let mut s = String::from(
        "benchmark,config,runtime,heap_factor,heap_bytes,n_ok,n_failed,\
         time_mean_ms,time_median_ms,time_ci_low_ms,time_ci_high_ms,time_min_ms,time_max_ms,\
         gc_mean_ms,gc_ci_low_ms,gc_ci_high_ms,mutator_mean_ms,mutator_ci_low_ms,mutator_ci_high_ms,\
         rss_mean_mib,normalised_time,pauses,pause_p50_ms,pause_p90_ms,pause_p99_ms,pause_max_ms,failures\n",
    );
    for p in points {
        let t = p.time;
        let pp = p.pause_percentiles();
        let cells = [
            csv_field(&p.benchmark),
            csv_field(&p.config),
            csv_field(&p.runtime),
            p.factor.map_or(String::new(), |f| f.to_string()),
            p.heap_bytes.map_or(String::new(), |h| h.to_string()),
            p.ok.to_string(),
            p.failures.len().to_string(),
            opt(t.map(|t| t.mean)),
            opt(t.map(|t| t.median)),
            opt(t.map(|t| t.ci_low)),
            opt(t.map(|t| t.ci_high)),
            opt(t.map(|t| t.min)),
            opt(t.map(|t| t.max)),
            opt(p.gc.map(|x| x.mean)),
            opt(p.gc.map(|x| x.ci_low)),
            opt(p.gc.map(|x| x.ci_high)),
            opt(p.mutator.map(|x| x.mean)),
            opt(p.mutator.map(|x| x.ci_low)),
            opt(p.mutator.map(|x| x.ci_high)),
            opt(p.rss_mib.map(|x| x.mean)),
            opt(p.normalised),
            p.pauses.to_string(),
            opt(pp.map(|x| x[0])),
            opt(pp.map(|x| x[1])),
            opt(pp.map(|x| x[2])),
            opt(pp.map(|x| x[3])),
            csv_field(&p.failures.join("; ")),
        ];
        s.push_str(&cells.join(","));
        s.push('\n');
    }
    s
}

fn mib(b: u64) -> String {
    format!("{:.2}", b as f64 / (1024.0 * 1024.0))
}

fn ms_ci(s: Option<Summary>) -> String {
    match s {
        Some(s) if s.n > 1 => format!("{:.1} ± {:.1}", s.mean, s.ci_half()),
        Some(s) => format!("{:.1}", s.mean),
        None => "—".to_string(),
    }
}

/// Canary drift: `(runs, mean ms, coefficient of variation, last-third mean
/// over first-third mean)`, or `None` with fewer than three ok canaries.
pub fn canary_drift(records: &[Record]) -> Option<(usize, f64, f64, f64)> {
    let mut c: Vec<&Record> = records.iter().filter(|r| r.canary && r.ok()).collect();
    c.sort_by_key(|r| r.seq);
    let times: Vec<f64> = c.iter().map(|r| r.time_ms()).collect();
    if times.len() < 3 {
        return None;
    }
    let s = Summary::of(&times)?;
    let third = times.len() / 3;
    let first = Summary::of(&times[..third])?.mean;
    let last = Summary::of(&times[times.len() - third..])?.mean;
    Some((times.len(), s.mean, s.stddev / s.mean, last / first))
}

/// The Markdown report.
pub fn report_markdown(
    meta: &Meta,
    mins: &MinHeaps,
    records: &[Record],
    points: &[Point],
) -> String {
    let s = &meta.settings;
    let pv = &meta.provenance;
    let mut md = String::new();
    let w = &mut md;
    let _ = writeln!(w, "# Heaplab sweep report\n");
    let _ = writeln!(w, "| | |\n|---|---|");
    let _ = writeln!(w, "| command | `{}` |", pv.command);
    let _ = writeln!(w, "| started | {} |", pv.started);
    let _ = writeln!(w, "| commit | `{}` |", pv.commit);
    let _ = writeln!(
        w,
        "| machine | {}, {} logical cores, {} GiB, {} |",
        pv.cpu, pv.cores, pv.memory_gib, pv.os
    );
    let _ = writeln!(w, "| heaplab | `{}` ({}) |", pv.heaplab, pv.heaplab_id);
    let _ = writeln!(w, "| stdlib | {} |", pv.stdlib);
    let peers: Vec<String> = pv.peers.iter().map(|(n, v)| format!("{n} ({v})")).collect();
    let _ = writeln!(
        w,
        "| peers | {} |",
        if peers.is_empty() {
            "none".to_string()
        } else {
            peers.join(", ")
        }
    );
    let _ = writeln!(w, "| collectors | {} |", s.collectors.join(", "));
    let _ = writeln!(
        w,
        "| heap factors | {} |",
        s.factors
            .iter()
            .map(|f| f.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(
        w,
        "| invocations | {} fresh processes per point, {} warm-up + {} timed iterations each, {} sizes |",
        s.invocations,
        s.warmup,
        s.iterations,
        if s.quick { "quick" } else { "default" }
    );
    let _ = writeln!(w, "| order | randomised, seed {} |", s.seed);
    let _ = writeln!(w, "| timeout | {} s per invocation |", s.timeout_s);
    if !s.vm_args.is_empty() {
        let _ = writeln!(w, "| VM arguments | `{}` |", s.vm_args.join(" "));
    }
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "Times are the program's timed window (`heaplab_hook.harness_begin` … `harness_end`), \
         in ms: mean ± half-width of the 95% confidence interval (Student's t) over the ok \
         invocations. GC and mutator time come from the VM's `--gc-stats` block for the window. \
         Heap factor *f* means `--heap` = *f* × the benchmark's reference minimum heap, where the \
         reference is {}. `none` (never collects) and the peers have no heap axis; \
         they run unbounded. Normalised times divide by `{}`'s mean time for the same benchmark.\n",
        match &s.reference {
            Some(r) if r == crate::sweep::OWN_REFERENCE => {
                "each collector's own minimum heap (`--reference own`)".to_string()
            }
            Some(r) => format!("`{r}`'s minimum heap"),
            None => "the smallest minimum heap among the measured collectors (so factor 1 \
                     is the tightest heap any of them completes in)"
                .to_string(),
        },
        s.baseline
    );

    // Summary of outcomes.
    let total = records.iter().filter(|r| !r.canary).count();
    let failed: Vec<&Record> = records.iter().filter(|r| !r.canary && !r.ok()).collect();
    let _ = writeln!(
        w,
        "{} invocations, {} ok, {} failed.\n",
        total,
        total - failed.len(),
        failed.len()
    );

    // Geometric means: over the programs complete along each curve (the
    // plotted ones), then over whatever ran at each point.
    let configs: Vec<String> = unique(points.iter().map(|p| p.config.clone()));
    let factors = factor_columns(points);
    let complete = geomeans(&complete_points(points));
    let gms = geomeans(points);
    for (title, gms) in [
        (
            format!(
                "Geometric mean of time normalised to `{}`, over the programs each configuration completed at every heap factor",
                s.baseline
            ),
            &complete,
        ),
        (
            format!(
                "Geometric mean of time normalised to `{}`, over the programs that completed at each point",
                s.baseline
            ),
            &gms,
        ),
    ] {
        if gms.is_empty() {
            continue;
        }
        let _ = writeln!(w, "## {title}\n");
        table_header(w, "config", &factors);
        for c in &configs {
            let _ = write!(w, "| {c} |");
            for f in &factors {
                let cell = gms
                    .iter()
                    .find(|g| &g.0 == c && factor_key(g.1) == factor_key(*f))
                    .map_or("—".to_string(), |g| format!("{:.3} (n={})", g.2, g.3));
                let _ = write!(w, " {cell} |");
            }
            let _ = writeln!(w);
        }
        let _ = writeln!(w);
    }

    // Minimum heaps.
    let _ = writeln!(w, "## Minimum heaps (MiB)\n");
    let cols: Vec<String> = unique(mins.by_benchmark.values().flat_map(|m| m.keys().cloned()));
    let _ = write!(w, "| benchmark |");
    for c in &cols {
        let _ = write!(w, " {c} |");
    }
    let _ = writeln!(w, " reference |\n|---|{}---|", "---|".repeat(cols.len()));
    for (b, per) in &mins.by_benchmark {
        let _ = write!(w, "| {b} |");
        for c in &cols {
            let cell = match per.get(c) {
                Some(o) => match (o.min_heap, &o.failure) {
                    (Some(m), None) => match mins.reference.get(b).copied().flatten() {
                        Some(rf) if rf != m => format!("{} ({:.2}×)", mib(m), m as f64 / rf as f64),
                        _ => mib(m),
                    },
                    (Some(m), Some(f)) => format!("≤{} ({f})", mib(m)),
                    (None, Some(f)) => format!("failed: {f}"),
                    (None, None) => "—".to_string(),
                },
                None => "—".to_string(),
            };
            let _ = write!(w, " {} |", cell.replace('|', "/"));
        }
        let r = mins.reference.get(b).copied().flatten();
        let _ = writeln!(w, " {} |", r.map_or("—".to_string(), mib));
    }
    let _ = writeln!(w);

    let _ = writeln!(
        w,
        "(n×) is a collector's minimum over the reference. A collector whose own minimum is above \
         factor × reference runs out of memory at that factor; those points are listed as failures \
         (marked *expected*) and left out of the means.\n"
    );

    // Per-benchmark time tables.
    let benches: Vec<String> = unique(points.iter().map(|p| p.benchmark.clone()));
    for (title, pick) in [
        (
            "Time (ms)",
            (|p: &Point| p.time) as fn(&Point) -> Option<Summary>,
        ),
        ("GC time (ms)", |p: &Point| p.gc),
        ("Mutator time (ms)", |p: &Point| p.mutator),
    ] {
        let _ = writeln!(w, "## {title} vs heap factor\n");
        for b in &benches {
            let _ = writeln!(w, "### {b}\n");
            table_header(w, "config", &factors);
            for c in &configs {
                let row: Vec<&Point> = points
                    .iter()
                    .filter(|p| &p.benchmark == b && &p.config == c)
                    .collect();
                if row.is_empty()
                    || (title != "Time (ms)"
                        && row
                            .iter()
                            .all(|p| pick(p).is_none() && p.failures.is_empty()))
                {
                    continue;
                }
                let _ = write!(w, "| {c} |");
                for f in &factors {
                    let cell = row
                        .iter()
                        .find(|p| factor_key(p.factor) == factor_key(*f))
                        .map_or(String::new(), |p| {
                            let mut c = ms_ci(pick(p));
                            if !p.failures.is_empty() {
                                let _ = write!(c, " ({} failed)", p.failures.len());
                            }
                            c
                        });
                    let _ = write!(w, " {cell} |");
                }
                let _ = writeln!(w);
            }
            let _ = writeln!(w);
        }
    }

    // Pause percentiles.
    let _ = writeln!(w, "## Pause percentiles (ms)\n");
    let _ = writeln!(
        w,
        "Pooled over invocations; pauses inside the timed window.\n"
    );
    let _ = writeln!(
        w,
        "| benchmark | config | heap factor | pauses | p50 | p90 | p99 | max |\n|---|---|---|---|---|---|---|---|"
    );
    for p in points.iter().filter(|p| p.gc.is_some()) {
        match p.pause_percentiles() {
            Some(q) => {
                let _ = writeln!(
                    w,
                    "| {} | {} | {} | {} | {:.3} | {:.3} | {:.3} | {:.3} |",
                    p.benchmark,
                    p.config,
                    factor_label(p.factor),
                    p.pauses,
                    q[0],
                    q[1],
                    q[2],
                    q[3]
                );
            }
            None => {
                let _ = writeln!(
                    w,
                    "| {} | {} | {} | 0 | — | — | — | — |",
                    p.benchmark,
                    p.config,
                    factor_label(p.factor)
                );
            }
        }
    }
    let _ = writeln!(w);

    write_metrics(w, points, &configs, &factors);

    // Failures.
    let _ = writeln!(w, "## Failed invocations\n");
    if failed.is_empty() {
        let _ = writeln!(w, "None.\n");
    } else {
        let _ = writeln!(
            w,
            "| benchmark | config | heap factor | # | status | reason |\n|---|---|---|---|---|---|"
        );
        for r in &failed {
            let _ = writeln!(
                w,
                "| {} | {} | {} | {} | {} | {} |",
                r.benchmark,
                r.config,
                factor_label(r.heap_factor),
                r.invocation,
                r.status.name(),
                below_own_minimum(r, mins).unwrap_or_default()
                    + &r.reason
                        .as_deref()
                        .unwrap_or("")
                        .replace('|', "/")
                        .replace('\n', " ")
            );
        }
        let _ = writeln!(w);
    }

    // Canary.
    let _ = writeln!(w, "## Machine drift (canary)\n");
    match (&s.canary, canary_drift(records)) {
        (Some(c), Some((n, mean, cv, ratio))) => {
            let _ = writeln!(
                w,
                "Canary `{c}` (`--gc=none`, quick size) ran {n} times across the sweep: mean {mean:.1} ms, \
                 coefficient of variation {:.1}%, last third / first third = {ratio:.3}.{}\n",
                cv * 100.0,
                if (ratio - 1.0).abs() > 0.05 || cv > 0.05 {
                    " **Drift or noise above 5%: treat small differences with care.**"
                } else {
                    " No drift above 5%."
                }
            );
        }
        (Some(c), None) => {
            let _ = writeln!(
                w,
                "Canary `{c}`: fewer than three successful runs; drift not assessed.\n"
            );
        }
        (None, _) => {
            let _ = writeln!(w, "No canary.\n");
        }
    }

    // Plots.
    let _ = writeln!(w, "## Plots\n");
    let _ = writeln!(w, "SVG and PNG under `{}/`:\n", files::PLOTS);
    let _ = writeln!(
        w,
        "![normalised time, geometric mean]({}/time-geomean.svg)\n",
        files::PLOTS
    );
    let _ = writeln!(w, "![minimum heaps]({}/minheap.svg)\n", files::PLOTS);
    for b in &benches {
        let _ = writeln!(
            w,
            "- {b}: [time]({p}/time-{b}.svg), [pause CDF]({p}/pause-cdf-{b}.svg), [MMU]({p}/mmu-{b}.svg)",
            p = files::PLOTS
        );
    }
    md
}

/// "below this collector's own minimum heap" for an OOM at a heap smaller
/// than the collector's own minimum (expected when factors multiply a
/// smaller reference minimum).
/// The programs' own measurements: per benchmark and metric, the median
/// over ok invocations for each configuration and heap factor.
fn write_metrics(w: &mut String, points: &[Point], configs: &[String], factors: &[Option<f64>]) {
    let benches: Vec<String> = unique(
        points
            .iter()
            .filter(|p| !p.metrics.is_empty())
            .map(|p| p.benchmark.clone()),
    );
    if benches.is_empty() {
        return;
    }
    let _ = writeln!(w, "## Program-reported metrics\n");
    let _ = writeln!(
        w,
        "Numbers the programs measured themselves (`heaplab_hook.metric`, e.g. finalization delays): the median over each point's ok invocations.\n"
    );
    for b in &benches {
        let names: BTreeSet<&String> = points
            .iter()
            .filter(|p| &p.benchmark == b)
            .flat_map(|p| p.metrics.keys())
            .collect();
        for name in names {
            let _ = writeln!(w, "### {b}: `{name}`\n");
            table_header(w, "config", factors);
            for c in configs {
                let row: Vec<&Point> = points
                    .iter()
                    .filter(|p| &p.benchmark == b && &p.config == c)
                    .collect();
                if row.iter().all(|p| !p.metrics.contains_key(name)) {
                    continue;
                }
                let _ = write!(w, "| {c} |");
                for f in factors {
                    let cell = row
                        .iter()
                        .find(|p| factor_key(p.factor) == factor_key(*f))
                        .and_then(|p| p.metrics.get(name))
                        .map_or(String::new(), |s| four_figures(s.median));
                    let _ = write!(w, " {cell} |");
                }
                let _ = writeln!(w);
            }
            let _ = writeln!(w);
        }
    }
}

/// About four significant figures, without exponents.
fn four_figures(v: f64) -> String {
    let digits = match v.abs() {
        a if a >= 1000.0 => 0,
        a if a >= 100.0 => 1,
        a if a >= 10.0 => 2,
        _ => 3,
    };
    format!("{v:.digits$}")
}

fn below_own_minimum(r: &Record, mins: &MinHeaps) -> Option<String> {
    let own = mins
        .by_benchmark
        .get(&r.benchmark)?
        .get(&r.config)?
        .min_heap?;
    let heap = r.heap_bytes?;
    (heap < own && r.status == crate::record::Status::Oom).then(|| {
        format!(
            "expected: heap {} MiB is below {}'s own minimum {} MiB; ",
            mib(heap),
            r.config,
            mib(own)
        )
    })
}

fn unique(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    items.filter(|i| seen.insert(i.clone())).collect()
}

/// The factor columns of the tables: unbounded first, then ascending.
pub fn factor_columns(points: &[Point]) -> Vec<Option<f64>> {
    let mut keys: Vec<(i64, Option<f64>)> = points
        .iter()
        .map(|p| (factor_key(p.factor), p.factor))
        .collect();
    keys.sort_by_key(|k| k.0);
    keys.dedup_by_key(|k| k.0);
    keys.into_iter().map(|k| k.1).collect()
}

fn table_header(w: &mut String, first: &str, factors: &[Option<f64>]) {
    let _ = write!(w, "| {first} |");
    for f in factors {
        let _ = write!(w, " {} |", factor_label(*f));
    }
    let _ = writeln!(w, "\n|---|{}", "---|".repeat(factors.len()));
}

/// Regenerates `summary.csv`, `report.md` and the plots of a sweep
/// directory from its `records.jsonl`, `meta.json` and `minheap.json`.
pub fn write_report(dir: &Path) -> Result<(), String> {
    let meta: Meta = read_json(&dir.join(files::META))?;
    let mins: MinHeaps = read_json(&dir.join(files::MINHEAP)).unwrap_or_default();
    let records = crate::record::read_jsonl(&dir.join(files::RECORDS))?;
    let pts = points(&records, &meta.settings.baseline);
    let write = |name: &str, text: String| {
        std::fs::write(dir.join(name), text)
            .map_err(|e| format!("{}: {e}", dir.join(name).display()))
    };
    write(files::SUMMARY, summary_csv(&pts))?;
    write(files::REPORT, report_markdown(&meta, &mins, &records, &pts))?;
    crate::plots::write_plots(
        &dir.join(files::PLOTS),
        &pts,
        &mins,
        &meta.settings.baseline,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Status;
    use crate::record::tests::sample;

    #[test]
    fn points_summarise_and_normalise() {
        let mut rs = vec![
            sample("a", "none", None, 0, 100.0),
            sample("a", "none", None, 1, 100.0),
            sample("a", "copying", Some(2.0), 0, 110.0),
            sample("a", "copying", Some(2.0), 1, 130.0),
            sample("b", "none", None, 0, 10.0),
            sample("b", "copying", Some(2.0), 0, 40.0),
        ];
        let mut bad = sample("b", "copying", Some(2.0), 1, 0.0);
        bad.status = Status::Oom;
        bad.reason = Some("out of memory: MemoryError".into());
        rs.push(bad);
        let mut canary = sample("a", "none", None, 0, 999.0);
        canary.canary = true;
        rs.push(canary);
        let pts = points(&rs, "none");
        assert_eq!(pts.len(), 4);
        let a = pts
            .iter()
            .find(|p| p.benchmark == "a" && p.config == "copying")
            .unwrap();
        assert_eq!(a.ok, 2);
        assert_eq!(a.time.unwrap().mean, 120.0);
        assert!((a.normalised.unwrap() - 1.2).abs() < 1e-12);
        let a_none = pts
            .iter()
            .find(|p| p.benchmark == "a" && p.config == "none")
            .unwrap();
        assert_eq!(a_none.time.unwrap().mean, 100.0, "canary excluded");
        let b = pts
            .iter()
            .find(|p| p.benchmark == "b" && p.config == "copying")
            .unwrap();
        assert_eq!(b.failures.len(), 1);
        assert!(b.failures[0].contains("oom"));
        let g = geomeans(&pts);
        let cg = g.iter().find(|g| g.0 == "copying").unwrap();
        // sqrt(1.2 * 4.0)
        assert!((cg.2 - (4.8f64).sqrt()).abs() < 1e-12);
        assert_eq!(cg.3, 2);
        let csv = summary_csv(&pts);
        assert_eq!(csv.lines().count(), 5);
        assert!(csv.contains("out of memory: MemoryError"));
        let header_cols = csv.lines().next().unwrap().split(',').count();
        assert!(
            csv.lines()
                .skip(1)
                .all(|l| l.split(',').count() == header_cols)
        );
        assert_eq!(factor_columns(&pts), vec![None, Some(2.0)]);
    }

    #[test]
    fn complete_points_keep_benchmarks_measured_at_every_factor() {
        let mut rs = vec![
            sample("a", "none", None, 0, 100.0),
            sample("b", "none", None, 0, 100.0),
            sample("a", "copying", Some(2.0), 0, 110.0),
            sample("a", "copying", Some(4.0), 0, 105.0),
            sample("b", "copying", Some(4.0), 0, 101.0),
        ];
        let mut oom = sample("b", "copying", Some(2.0), 0, 0.0);
        oom.status = Status::Oom;
        rs.push(oom);
        let pts = points(&rs, "none");
        let kept = complete_points(&pts);
        let names: BTreeSet<(&str, &str)> = kept
            .iter()
            .map(|p| (p.benchmark.as_str(), p.config.as_str()))
            .collect();
        // b/copying failed at 2x, so only a's curve is complete; none has
        // one factor and both benchmarks complete it.
        assert_eq!(
            names,
            BTreeSet::from([("a", "copying"), ("a", "none"), ("b", "none")])
        );
        let g = geomeans(&kept);
        let copying: Vec<usize> = g.iter().filter(|g| g.0 == "copying").map(|g| g.3).collect();
        assert_eq!(copying, [1, 1], "one benchmark at each of the two factors");
    }

    #[test]
    fn program_metrics_are_summarised_over_ok_invocations() {
        let mut rs = Vec::new();
        for (inv, delay) in [(0, 10.0), (1, 30.0), (2, 20.0)] {
            let mut r = sample("fin", "copying", Some(2.0), inv, 100.0);
            r.metrics.insert("delay_us".into(), delay);
            rs.push(r);
        }
        let mut failed = sample("fin", "copying", Some(2.0), 3, 100.0);
        failed.status = Status::Timeout;
        failed.metrics.insert("delay_us".into(), 1e9);
        rs.push(failed);
        let pts = points(&rs, "none");
        let m = pts[0].metrics["delay_us"];
        assert_eq!((m.n, m.median), (3, 20.0), "failed invocation excluded");
        let mut w = String::new();
        write_metrics(&mut w, &pts, &["copying".into()], &[Some(2.0)]);
        assert!(w.contains("### fin: `delay_us`"), "{w}");
        assert!(w.contains("| copying | 20.00 |"), "{w}");
        assert_eq!(four_figures(0.01234), "0.012");
        assert_eq!(four_figures(2283.344), "2283");
    }

    #[test]
    fn canary_drift_ratio() {
        let mut rs = Vec::new();
        for (i, t) in [10.0, 10.0, 11.0, 11.0, 12.0, 12.0].iter().enumerate() {
            let mut r = sample("c", "none", None, 0, *t);
            r.canary = true;
            r.seq = i as u64;
            rs.push(r);
        }
        let (n, mean, _, ratio) = canary_drift(&rs).unwrap();
        assert_eq!(n, 6);
        assert_eq!(mean, 11.0);
        assert!((ratio - 1.2).abs() < 1e-12);
        assert!(canary_drift(&rs[..2]).is_none());
    }
}
