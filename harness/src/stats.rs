//! Descriptive statistics for measured points: mean, median, 95% confidence
//! intervals from Student's t-distribution, geometric means, percentiles and
//! minimum mutator utilisation.

use serde::{Deserialize, Serialize};

/// Two-sided 97.5% quantiles of Student's t for 1..=30 degrees of freedom.
const T975: [f64; 30] = [
    12.706_204_736,
    4.302_652_730,
    3.182_446_305,
    2.776_445_105,
    2.570_581_836,
    2.446_911_851,
    2.364_624_252,
    2.306_004_135,
    2.262_157_163,
    2.228_138_852,
    2.200_985_160,
    2.178_812_830,
    2.160_368_656,
    2.144_786_688,
    2.131_449_546,
    2.119_905_299,
    2.109_815_578,
    2.100_922_040,
    2.093_024_054,
    2.085_963_447,
    2.079_613_845,
    2.073_873_068,
    2.068_657_610,
    2.063_898_562,
    2.059_538_553,
    2.055_529_439,
    2.051_830_516,
    2.048_407_142,
    2.045_229_642,
    2.042_272_456,
];

/// The 0.975 quantile of the standard normal distribution.
const Z975: f64 = 1.959_963_985;

/// The 0.975 quantile of Student's t with `df` degrees of freedom (the
/// multiplier of a two-sided 95% confidence interval). Exact table values up
/// to 30; beyond that the Cornish–Fisher expansion, accurate to 1e-4.
pub fn t_quantile_975(df: usize) -> f64 {
    match df {
        0 => f64::INFINITY,
        1..=30 => T975[df - 1],
        _ => {
            let z = Z975;
            let n = df as f64;
            let z3 = z * z * z;
            let z5 = z3 * z * z;
            let z7 = z5 * z * z;
            z + (z3 + z) / (4.0 * n)
                + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * n * n)
                + (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / (384.0 * n * n * n)
        }
    }
}

/// Summary of one sample: what the report and `summary.csv` show per point.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Number of values.
    pub n: usize,
    /// Arithmetic mean.
    pub mean: f64,
    /// Median (mean of the two middle values for an even count).
    pub median: f64,
    /// Sample standard deviation (n − 1 denominator; 0 for one value).
    pub stddev: f64,
    /// Lower end of the 95% confidence interval of the mean.
    pub ci_low: f64,
    /// Upper end of the 95% confidence interval of the mean.
    pub ci_high: f64,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
}

impl Summary {
    /// Summarises `values`; `None` when there are none. With one value the
    /// interval collapses onto it (no spread can be estimated).
    pub fn of(values: &[f64]) -> Option<Summary> {
        if values.is_empty() {
            return None;
        }
        let n = values.len();
        let mean = values.iter().sum::<f64>() / n as f64;
        let stddev = if n > 1 {
            (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
        } else {
            0.0
        };
        let half = if n > 1 {
            t_quantile_975(n - 1) * stddev / (n as f64).sqrt()
        } else {
            0.0
        };
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        Some(Summary {
            n,
            mean,
            median: percentile_sorted(&sorted, 50.0),
            stddev,
            ci_low: mean - half,
            ci_high: mean + half,
            min: sorted[0],
            max: sorted[n - 1],
        })
    }

    /// Half the width of the confidence interval.
    pub fn ci_half(&self) -> f64 {
        (self.ci_high - self.ci_low) / 2.0
    }
}

/// The `p`-th percentile (0–100) of sorted values, interpolating linearly
/// between closest ranks. `NaN` for an empty slice.
pub fn percentile_sorted(sorted: &[f64], p: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let rank = (p.clamp(0.0, 100.0) / 100.0) * (n - 1) as f64;
            let lo = rank.floor() as usize;
            let hi = rank.ceil() as usize;
            sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo as f64)
        }
    }
}

/// Geometric mean of positive values; `None` if empty or any value ≤ 0.
pub fn geomean(values: &[f64]) -> Option<f64> {
    if values.is_empty() || values.iter().any(|v| v.is_nan() || *v <= 0.0) {
        return None;
    }
    Some((values.iter().map(|v| v.ln()).sum::<f64>() / values.len() as f64).exp())
}

/// Window sizes (ms) at which minimum mutator utilisation is reported.
pub const MMU_WINDOWS_MS: [f64; 17] = [
    0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1e3, 2e3, 5e3, 1e4, 2e4,
];

/// Minimum mutator utilisation for window length `w` over the span
/// `[start, end]`, given pauses as sorted, non-overlapping `(begin, end)`
/// intervals inside it (all in the same unit). The worst window always has
/// an edge on a pause boundary, so only those placements are tried.
/// `None` when the window is longer than the span.
pub fn mmu(pauses: &[(f64, f64)], start: f64, end: f64, w: f64) -> Option<f64> {
    if w <= 0.0 || end - start < w {
        return None;
    }
    // prefix[i] = total pause time of pauses[..i]
    let mut prefix = Vec::with_capacity(pauses.len() + 1);
    prefix.push(0.0);
    for (b, e) in pauses {
        let last = *prefix.last().unwrap_or(&0.0);
        prefix.push(last + (e - b).max(0.0));
    }
    // Pause time inside [0, t] (pauses sorted by begin).
    let covered_before = |t: f64| -> f64 {
        let i = pauses.partition_point(|(_, e)| *e <= t);
        let mut c = prefix[i];
        if let Some((b, _)) = pauses.get(i).filter(|(b, _)| *b < t) {
            c += t - b;
        }
        c
    };
    let mut worst: f64 = 1.0;
    let mut try_at = |t: f64| {
        let t = t.clamp(start, end - w);
        let paused = covered_before(t + w) - covered_before(t);
        worst = worst.min(1.0 - paused / w);
    };
    try_at(start);
    try_at(end - w);
    for (b, e) in pauses {
        try_at(*b);
        try_at(e - w);
    }
    Some(worst.max(0.0))
}

/// The MMU curve at [`MMU_WINDOWS_MS`] (windows longer than the span are
/// left out): `(window_ms, utilisation)` pairs.
pub fn mmu_curve(pauses_ms: &[(f64, f64)], start_ms: f64, end_ms: f64) -> Vec<(f64, f64)> {
    MMU_WINDOWS_MS
        .iter()
        .filter_map(|w| mmu(pauses_ms, start_ms, end_ms, *w).map(|u| (*w, u)))
        .collect()
}

/// `k + 1` evenly spaced quantiles (0th … 100th percentile) of `values`,
/// a compact stand-in for the whole distribution. Empty for no values.
pub fn quantile_sketch(values: &[f64], k: usize) -> Vec<f64> {
    if values.is_empty() || k == 0 {
        return Vec::new();
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    (0..=k)
        .map(|i| percentile_sorted(&sorted, 100.0 * i as f64 / k as f64))
        .collect()
}

/// Pools quantile sketches of several samples, weighting each by its sample
/// size, and returns the pooled values sorted (for percentiles and CDFs).
pub fn pool_sketches(sketches: &[(&[f64], u64)]) -> Vec<f64> {
    let mut pooled = Vec::new();
    for (sketch, count) in sketches {
        if sketch.is_empty() || *count == 0 {
            continue;
        }
        // Each sketch point stands for count / len values; repeat it so
        // bigger samples weigh more (capped to keep the vector small).
        let reps = ((*count as f64 / sketch.len() as f64).round() as usize).clamp(1, 64);
        for v in *sketch {
            pooled.extend(std::iter::repeat_n(*v, reps));
        }
    }
    pooled.sort_by(f64::total_cmp);
    pooled
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, eps: f64) -> bool {
        (a - b).abs() <= eps
    }

    #[test]
    fn t_quantiles_match_tables() {
        assert!(close(t_quantile_975(1), 12.7062, 1e-4));
        assert!(close(t_quantile_975(4), 2.7764, 1e-4));
        assert!(close(t_quantile_975(30), 2.0423, 1e-4));
        // Published values beyond the exact table.
        assert!(close(t_quantile_975(40), 2.0211, 2e-4));
        assert!(close(t_quantile_975(60), 2.0003, 2e-4));
        assert!(close(t_quantile_975(120), 1.9799, 2e-4));
        assert!(close(t_quantile_975(100_000), 1.96, 1e-3));
        assert!(t_quantile_975(0).is_infinite());
    }

    #[test]
    fn summary_of_known_sample() {
        // Mean 5, sample sd 2.138, t(7) = 2.3646: half-width 1.7875.
        let s = Summary::of(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]).unwrap();
        assert_eq!(s.n, 8);
        assert!(close(s.mean, 5.0, 1e-12));
        assert!(close(s.median, 4.5, 1e-12));
        assert!(close(s.stddev, 2.138_089_935, 1e-8));
        assert!(close(s.ci_low, 5.0 - 1.787_484, 1e-5));
        assert!(close(s.ci_high, 5.0 + 1.787_484, 1e-5));
        assert_eq!((s.min, s.max), (2.0, 9.0));
        let one = Summary::of(&[3.0]).unwrap();
        assert_eq!((one.ci_low, one.ci_high, one.median), (3.0, 3.0, 3.0));
        assert!(Summary::of(&[]).is_none());
    }

    #[test]
    fn percentiles_and_geomean() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(percentile_sorted(&v, 50.0), 3.0);
        assert_eq!(percentile_sorted(&v, 90.0), 4.6);
        assert_eq!(percentile_sorted(&v, 100.0), 5.0);
        assert!(percentile_sorted(&[], 50.0).is_nan());
        assert!(close(geomean(&[1.0, 4.0, 16.0]).unwrap(), 4.0, 1e-12));
        assert!(geomean(&[1.0, 0.0]).is_none());
        assert!(geomean(&[]).is_none());
        let q = quantile_sketch(&[5.0, 1.0, 3.0], 2);
        assert_eq!(q, vec![1.0, 3.0, 5.0]);
        let pooled = pool_sketches(&[(&q, 3), (&[10.0, 10.0], 2)]);
        assert_eq!(pooled, vec![1.0, 3.0, 5.0, 10.0, 10.0]);
    }

    #[test]
    fn mmu_of_simple_pause_patterns() {
        // No pauses: full utilisation.
        assert_eq!(mmu(&[], 0.0, 100.0, 10.0), Some(1.0));
        // One 5 ms pause in 100 ms: a 5 ms window can be all pause, a 10 ms
        // window half, a 100 ms window 95% mutator.
        let p = [(50.0, 55.0)];
        assert_eq!(mmu(&p, 0.0, 100.0, 5.0), Some(0.0));
        assert!(close(mmu(&p, 0.0, 100.0, 10.0).unwrap(), 0.5, 1e-12));
        assert!(close(mmu(&p, 0.0, 100.0, 100.0).unwrap(), 0.95, 1e-12));
        assert_eq!(mmu(&p, 0.0, 100.0, 200.0), None);
        // Two 2 ms pauses 3 ms apart: a 7 ms window holds both.
        let p = [(10.0, 12.0), (15.0, 17.0)];
        assert!(close(mmu(&p, 0.0, 100.0, 7.0).unwrap(), 3.0 / 7.0, 1e-12));
        let curve = mmu_curve(&p, 0.0, 100.0);
        assert_eq!(curve.last().unwrap().0, 100.0);
        assert!(curve.windows(2).all(|w| w[0].1 <= w[1].1 + 1e-12));
    }
}
