//! Minimum-heap search: the smallest `--heap` a benchmark completes in under
//! a collector, by doubling then bisection, and the JSON cache of results.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// What one probe at a heap size found.
#[derive(Debug, Clone, PartialEq)]
pub enum Probe {
    /// The program completed correctly.
    Fits,
    /// Out of memory or timed out: the heap is too small.
    TooSmall,
    /// Any other failure (crash, wrong checksum): the search stops.
    Failed(String),
}

/// Search parameters.
#[derive(Debug, Clone, Copy)]
pub struct SearchParams {
    /// First size tried (rounded up to the granule).
    pub start: u64,
    /// Sizes are multiples of this many bytes.
    pub granule: u64,
    /// Give up above this size.
    pub max: u64,
    /// Stop bisecting when `hi − lo ≤ max(granule, rel_tol × hi)`.
    pub rel_tol: f64,
}

impl Default for SearchParams {
    fn default() -> Self {
        SearchParams {
            start: 16 << 20,
            granule: 64 << 10,
            max: 64 << 30,
            rel_tol: 0.02,
        }
    }
}

/// Result of a search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchOutcome {
    /// Smallest size seen to fit (`None` if none did).
    pub min_heap: Option<u64>,
    /// Largest size seen too small.
    pub too_small: Option<u64>,
    /// Number of probes run.
    pub probes: u32,
    /// Why no minimum was found, if it was not.
    pub failure: Option<String>,
}

fn round_up(x: u64, g: u64) -> u64 {
    x.div_ceil(g).max(1) * g
}

/// Binary-searches the smallest heap for which `probe` says [`Probe::Fits`].
/// Doubles from `start` until a fitting size is found (or halves while it
/// still fits), then bisects between the largest too-small and the smallest
/// fitting size.
pub fn search(params: SearchParams, mut probe: impl FnMut(u64) -> Probe) -> SearchOutcome {
    let g = params.granule.max(1);
    let mut probes = 0u32;
    let mut lo: Option<u64> = None; // largest size known too small
    let mut hi: Option<u64> = None; // smallest size known to fit
    let out = |min_heap, too_small, probes, failure| SearchOutcome {
        min_heap,
        too_small,
        probes,
        failure,
    };
    let mut size = round_up(params.start.min(params.max), g);
    // Bracket.
    loop {
        probes += 1;
        match probe(size) {
            Probe::Fits => {
                hi = Some(size);
                if lo.is_some() || size <= g {
                    break;
                }
                size = round_up(size / 2, g);
                if Some(size) == hi {
                    break;
                }
            }
            Probe::TooSmall => {
                lo = Some(size);
                if hi.is_some() {
                    break;
                }
                if size >= params.max {
                    return out(
                        None,
                        lo,
                        probes,
                        Some(format!("does not fit in {} bytes", params.max)),
                    );
                }
                size = round_up(size.saturating_mul(2).min(params.max), g);
            }
            Probe::Failed(why) => {
                return out(hi, lo, probes, Some(format!("at heap {size}: {why}")));
            }
        }
    }
    let Some(mut hi_v) = hi else {
        return out(None, lo, probes, Some("no size fits".to_string()));
    };
    let mut lo_v = lo.unwrap_or(0);
    // Bisect.
    while hi_v - lo_v > g.max((params.rel_tol * hi_v as f64) as u64) {
        let mid = round_up(lo_v + (hi_v - lo_v) / 2, g);
        if mid >= hi_v || mid <= lo_v {
            break;
        }
        probes += 1;
        match probe(mid) {
            Probe::Fits => hi_v = mid,
            Probe::TooSmall => lo_v = mid,
            Probe::Failed(why) => {
                return out(
                    Some(hi_v),
                    Some(lo_v),
                    probes,
                    Some(format!("at heap {mid}: {why}")),
                );
            }
        }
    }
    out(Some(hi_v), (lo_v > 0).then_some(lo_v), probes, None)
}

/// One cached search result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CacheEntry {
    /// Benchmark name.
    pub benchmark: String,
    /// Collector.
    pub collector: String,
    /// Program size searched at.
    pub size: u64,
    /// Identity of the heaplab binary (version and content hash).
    pub heaplab_id: String,
    /// The search result.
    pub outcome: SearchOutcome,
}

/// The cache file: entries keyed by benchmark, collector, size and binary.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Cache {
    /// Entries by [`Cache::key`].
    pub entries: BTreeMap<String, CacheEntry>,
}

impl Cache {
    /// The key of one search.
    pub fn key(benchmark: &str, collector: &str, size: u64, heaplab_id: &str) -> String {
        format!("{benchmark}|{collector}|{size}|{heaplab_id}")
    }

    /// Loads the cache (missing or unreadable file = empty cache).
    pub fn load(path: &Path) -> Cache {
        std::fs::read_to_string(path)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default()
    }

    /// Writes the cache (via a temporary file, so readers never see half).
    pub fn save(&self, path: &Path) -> Result<(), String> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let tmp = path.with_extension("json.tmp");
        let text = serde_json::to_string_pretty(self).map_err(|e| e.to_string())?;
        std::fs::write(&tmp, text + "\n").map_err(|e| format!("{}: {e}", tmp.display()))?;
        std::fs::rename(&tmp, path).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The cached entry, if any.
    pub fn get(
        &self,
        benchmark: &str,
        collector: &str,
        size: u64,
        id: &str,
    ) -> Option<&CacheEntry> {
        self.entries
            .get(&Cache::key(benchmark, collector, size, id))
    }

    /// Stores an entry.
    pub fn put(&mut self, entry: CacheEntry) {
        let k = Cache::key(
            &entry.benchmark,
            &entry.collector,
            entry.size,
            &entry.heaplab_id,
        );
        self.entries.insert(k, entry);
    }
}

/// The reference minimum heap of a benchmark: the given collector's, or by
/// default the smallest among those found.
pub fn reference_min(mins: &BTreeMap<String, Option<u64>>, reference: Option<&str>) -> Option<u64> {
    match reference {
        Some(r) => mins.get(r).copied().flatten(),
        None => mins.values().filter_map(|v| *v).min(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(start: u64) -> SearchParams {
        SearchParams {
            start,
            granule: 1024,
            max: 1 << 30,
            rel_tol: 0.0,
        }
    }

    #[test]
    fn finds_the_threshold_from_below_and_above() {
        for start in [1024, 100_000, 5 << 20, 64 << 20] {
            let need = 3_000_000u64;
            let mut seen = Vec::new();
            let o = search(params(start), |s| {
                seen.push(s);
                if s >= need {
                    Probe::Fits
                } else {
                    Probe::TooSmall
                }
            });
            // Exact to the granule: the smallest multiple of 1024 ≥ need.
            assert_eq!(
                o.min_heap,
                Some(need.div_ceil(1024) * 1024),
                "start {start}"
            );
            assert_eq!(o.failure, None);
            assert_eq!(o.probes as usize, seen.len());
            assert!(o.probes < 40, "{} probes", o.probes);
            assert!(seen.iter().all(|s| s % 1024 == 0));
        }
    }

    #[test]
    fn relative_tolerance_stops_early() {
        let mut p = params(1 << 20);
        p.rel_tol = 0.05;
        let o = search(p, |s| {
            if s >= 10_000_000 {
                Probe::Fits
            } else {
                Probe::TooSmall
            }
        });
        let m = o.min_heap.unwrap();
        assert!(m >= 10_000_000 && (m as f64) <= 10_000_000.0 * 1.06, "{m}");
        assert!(o.too_small.unwrap() < 10_000_000);
    }

    #[test]
    fn reports_failures_and_limits() {
        let o = search(params(1 << 20), |_| Probe::TooSmall);
        assert_eq!(o.min_heap, None);
        assert!(o.failure.unwrap().contains("does not fit"));
        let o = search(params(1 << 20), |s| {
            if s < (1 << 20) {
                Probe::Failed("crash".into())
            } else {
                Probe::Fits
            }
        });
        assert_eq!(o.min_heap, Some(1 << 20), "the best bound so far is kept");
        assert!(o.failure.unwrap().contains("crash"));
        // A failure while bisecting keeps the best bound found so far.
        let o = search(params(4 << 20), |s| match s {
            s if s >= 3 << 20 => Probe::Fits,
            s if s == 2 << 20 => Probe::TooSmall,
            _ => Probe::Failed("boom".into()),
        });
        assert_eq!(o.min_heap, Some(3 << 20));
        assert!(o.failure.is_some());
        // Everything fits: the search ends at one granule.
        let o = search(params(8192), |_| Probe::Fits);
        assert_eq!(o.min_heap, Some(1024));
    }

    #[test]
    fn cache_round_trip_and_reference() {
        let path =
            std::env::temp_dir().join(format!("heaplab-minheap-{}.json", std::process::id()));
        let mut c = Cache::default();
        let outcome = SearchOutcome {
            min_heap: Some(4096),
            too_small: Some(2048),
            probes: 5,
            failure: None,
        };
        c.put(CacheEntry {
            benchmark: "b".into(),
            collector: "copying".into(),
            size: 3,
            heaplab_id: "v1".into(),
            outcome: outcome.clone(),
        });
        c.save(&path).unwrap();
        let back = Cache::load(&path);
        assert_eq!(back, c);
        assert_eq!(back.get("b", "copying", 3, "v1").unwrap().outcome, outcome);
        assert!(back.get("b", "copying", 3, "v2").is_none());
        std::fs::remove_file(&path).unwrap();
        let mins: BTreeMap<String, Option<u64>> = [
            ("a".to_string(), Some(10)),
            ("b".to_string(), Some(4)),
            ("c".to_string(), None),
        ]
        .into();
        assert_eq!(reference_min(&mins, None), Some(4));
        assert_eq!(reference_min(&mins, Some("a")), Some(10));
        assert_eq!(reference_min(&mins, Some("c")), None);
    }
}
