//! The collector's options (`--gc-opt key=value`), read once at start-up.

use gc_api::{GcOptions, OptionError, RootPrecision};

/// `--gc-opt` keys this collector understands.
pub const KNOWN_KEYS: &[&str] = &[
    "roots",
    "measure_false_retention",
    "growth",
    "initial_heap",
    "lazy_sweep",
    "interior_pointers",
    "poison",
    "scan_registers",
];

/// Parsed options.
#[derive(Clone, Debug)]
pub struct Config {
    /// `roots=conservative|precise`: scan ambiguous ranges and registers, or
    /// use precise roots only (same heap, to measure conservativeness).
    pub roots: RootPrecision,
    /// `measure_false_retention=1`: mark from precise roots first at every
    /// collection to count what only ambiguous roots keep alive.
    pub measure_false_retention: bool,
    /// `growth=F`: without a `--heap` limit bound, the heap may grow to
    /// `F` times the live bytes of the last collection before collecting.
    pub growth: f64,
    /// `initial_heap=SIZE`: heap footprint allowed before the first
    /// collection (and the smallest collection threshold).
    pub initial_heap: usize,
    /// `lazy_sweep=0` sweeps every block at the end of each collection
    /// instead of on demand by the allocator.
    pub lazy_sweep: bool,
    /// `interior_pointers=0`: ambiguous words count only if they point at
    /// an object start.
    pub interior_pointers: bool,
    /// `scan_registers=0`: do not scan the spilled callee-saved registers
    /// (only the ambiguous ranges the VM reports). For experiments, and for
    /// tests that must not see the test's own register contents.
    pub scan_registers: bool,
    /// Fill reclaimed cells with a poison pattern (on under `--gc-stress`
    /// and `--verify-heap`, or with `poison=1`).
    pub poison: bool,
    /// `--gc-stress`: collect at every slow-path allocation.
    pub stress: bool,
    /// `--verify-heap`: verify the heap after every collection.
    pub verify: bool,
    /// `--heap`, or `usize::MAX`.
    pub limit: usize,
}

impl Config {
    /// Reads and checks the options.
    pub fn from_options(o: &GcOptions, collector: &str) -> Result<Config, OptionError> {
        o.check_known(collector, KNOWN_KEYS)?;
        let roots = match o.choice("roots", &["conservative", "precise"], "conservative")? {
            "precise" => RootPrecision::Precise,
            _ => RootPrecision::Ambiguous,
        };
        let growth = o.f64("growth", 2.0)?;
        if !(growth >= 1.0 && growth.is_finite()) {
            return Err(OptionError(format!(
                "--gc-opt growth: {growth} must be a number >= 1.0"
            )));
        }
        Ok(Config {
            roots,
            measure_false_retention: o.bool("measure_false_retention", false)?,
            growth,
            initial_heap: o.size("initial_heap", 4 << 20)?,
            lazy_sweep: o.bool("lazy_sweep", true)?,
            interior_pointers: o.bool("interior_pointers", true)?,
            scan_registers: o.bool("scan_registers", true)?,
            poison: o.stress || o.verify || o.bool("poison", false)?,
            stress: o.stress,
            verify: o.verify,
            limit: o.heap_limit.unwrap_or(usize::MAX),
        })
    }
}
