//! The collector's options (`--gc-opt key=value`), read once at start-up.

use crate::mature::Policy;
use crate::mature::size_class::MAX_CELL;
use gc_api::{GcOptions, OptionError};

/// `--gc-opt` keys this collector understands.
pub const KNOWN_KEYS: &[&str] = &[
    "nursery",
    "nursery_fraction",
    "mature",
    "large",
    "full_every",
    "verify_barriers",
    "poison",
    "growth",
    "initial_mature",
    "arena",
];

/// Default nursery of an unlimited heap, and the largest default nursery
/// of a limited one (unless `nursery_fraction` is given explicitly).
pub const DEFAULT_NURSERY: usize = 8 << 20;
/// Default share of `--heap` given to the nursery.
pub const DEFAULT_NURSERY_FRACTION: f64 = 0.25;
/// Default size above which objects are allocated in the large-object space.
pub const DEFAULT_LARGE: usize = 8 << 10;

/// Parsed options.
#[derive(Clone, Debug)]
pub struct Config {
    /// `--heap`, if any.
    pub limit: Option<usize>,
    /// Nursery bytes: `nursery=SIZE`, or `nursery_fraction=F` of `--heap`.
    /// Default: a quarter of `--heap` up to 8 MiB; 8 MiB without a limit.
    pub nursery: usize,
    /// `mature=marksweep|semispace`.
    pub policy: Policy,
    /// `large=SIZE`: objects above it bypass the nursery.
    pub large: usize,
    /// `full_every=N`: under `--gc-stress`, every N-th collection is full.
    pub full_every: usize,
    /// `verify_barriers=1`: check at each collection that no mature object
    /// changed without a barrier call.
    pub verify_barriers: bool,
    /// Poison evacuated and freed memory (default: on under `--gc-stress`).
    pub poison: bool,
    /// `growth=F`: an unlimited heap runs a full collection when the mature
    /// generation exceeds `F` times what survived the last one.
    pub growth: f64,
    /// `initial_mature=SIZE`: mature size of an unlimited heap before the
    /// first full collection (and the smallest threshold).
    pub initial_mature: usize,
    /// `arena=SIZE`: virtual reservation of an unlimited heap.
    pub arena: usize,
    /// `--gc-stress`.
    pub stress: bool,
    /// `--verify-heap`.
    pub verify: bool,
}

const PAGE: usize = crate::arena::PAGE;

impl Config {
    /// Reads and checks the options.
    pub fn from_options(o: &GcOptions, collector: &str) -> Result<Config, OptionError> {
        o.check_known(collector, KNOWN_KEYS)?;
        let policy = match o.choice("mature", &["marksweep", "semispace"], "marksweep")? {
            "semispace" => Policy::Semispace,
            _ => Policy::MarkSweep,
        };
        let large = o.size("large", DEFAULT_LARGE)? & !7;
        if !(gc_api::HEADER_BYTES..=MAX_CELL).contains(&large) {
            return Err(OptionError(format!(
                "--gc-opt large: {large} must be between {} and {MAX_CELL}",
                gc_api::HEADER_BYTES
            )));
        }
        let fraction = o.f64("nursery_fraction", DEFAULT_NURSERY_FRACTION)?;
        if !(fraction > 0.0 && fraction < 1.0) {
            return Err(OptionError(format!(
                "--gc-opt nursery_fraction: {fraction} is not in (0, 1)"
            )));
        }
        let explicit_fraction = o.extra.contains_key("nursery_fraction");
        let nursery = match (o.extra.contains_key("nursery"), o.heap_limit) {
            (true, _) => o.size("nursery", DEFAULT_NURSERY)?,
            (false, Some(l)) if explicit_fraction => (l as f64 * fraction) as usize,
            (false, Some(l)) => ((l as f64 * fraction) as usize).min(DEFAULT_NURSERY),
            (false, None) => DEFAULT_NURSERY,
        };
        // Whole pages, and room for at least two of the largest nursery objects.
        let nursery = nursery.max(2 * large).max(PAGE).next_multiple_of(PAGE);
        if let Some(l) = o.heap_limit
            && nursery >= l
        {
            return Err(OptionError(format!(
                "nursery of {nursery} bytes does not fit --heap={l}"
            )));
        }
        let growth = o.f64("growth", 2.0)?;
        if !(growth >= 1.0 && growth.is_finite()) {
            return Err(OptionError(format!(
                "--gc-opt growth: {growth} must be a number >= 1.0"
            )));
        }
        Ok(Config {
            limit: o.heap_limit,
            nursery,
            policy,
            large,
            full_every: o.usize("full_every", 8)?.max(1),
            verify_barriers: o.bool("verify_barriers", false)?,
            poison: o.bool("poison", o.stress)?,
            growth,
            initial_mature: o.size("initial_mature", 32 << 20)?,
            arena: o.size("arena", 4 << 30)?,
            stress: o.stress,
            verify: o.verify,
        })
    }

    /// Bytes to reserve for the arena.
    pub fn arena_bytes(&self) -> usize {
        let r = match self.limit {
            // Semispaces are reserved at the whole budget each, so a full
            // collection can never overflow its reserve; the rest is room
            // for non-moving data and the promotion slack.
            Some(l) => match self.policy {
                Policy::Semispace => 4 * l + (2 << 20),
                Policy::MarkSweep => 2 * l + (2 << 20),
            },
            None => self.arena.max(self.nursery * 4),
        };
        r.next_multiple_of(PAGE)
    }
}
