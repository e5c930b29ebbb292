//! The collector's options (`--gc-opt key=value`): the design axes of the
//! unified theory, exposed so they can be compared on the same VM.
//!
//! | key | values (default) | axis |
//! |---|---|---|
//! | `young` | `trace` \| `count` (`trace`) | which references are counted: `trace` = young objects are born dead and traced from increments; `count` = every new object is counted at its first epoch (no born-dead shortcut; dead young objects go through the decrement cascade) |
//! | `coalesce` | bool (`1`) | when counting happens: coalesced per field per epoch, or every store logged (immediate logging) |
//! | `cycles` | `trial` \| `backup` (`trial`) | how cycles are found: trial deletion over the purple buffer, or a backup mark-sweep trace |
//! | `cycle_every` | epochs (`16`, `0` = never periodically) | how often a cycle collection runs |
//! | `purple_max` | count (`65536`) | a cycle collection also runs when the purple buffer exceeds this |
//! | `epoch_bytes` | size (4M, at most `--heap`/4) | epoch trigger: bytes allocated since the last epoch |
//! | `verify_counts` | bool (`0`) | after every epoch check each count against the true in-degree (tracing oracle) |
//! | `reserve` | size (`4G`) | address space reserved for an unlimited heap |

use crate::cycles::CycleAlgorithm;
use gc_api::{GcOptions, OptionError};

/// Every key this collector accepts.
pub const KEYS: &[&str] = &[
    "young",
    "coalesce",
    "cycles",
    "cycle_every",
    "purple_max",
    "epoch_bytes",
    "verify_counts",
    "reserve",
];

/// Parsed settings.
#[derive(Clone, Debug)]
pub struct Config {
    /// `--heap`, if any.
    pub heap_limit: Option<usize>,
    /// `--gc-stress`.
    pub stress: bool,
    /// `--verify-heap`.
    pub verify: bool,
    /// Born-dead young objects (`young=trace`) or counted from birth.
    pub born_dead: bool,
    /// Coalescing field logging.
    pub coalesce: bool,
    /// Cycle collector.
    pub cycles: CycleAlgorithm,
    /// Epochs between periodic cycle collections (0 = none).
    pub cycle_every: usize,
    /// Purple-buffer size that forces a cycle collection.
    pub purple_max: usize,
    /// Allocation volume that triggers an epoch.
    pub epoch_bytes: usize,
    /// Tracing-oracle count check after every epoch.
    pub verify_counts: bool,
    /// Arena bytes to reserve.
    pub reserve: usize,
}

impl Config {
    /// Reads and checks the options.
    pub fn from_options(o: &GcOptions, name: &str) -> Result<Config, OptionError> {
        o.check_known(name, KEYS)?;
        let heap_limit = o.heap_limit;
        let default_epoch = heap_limit.map_or(4 << 20, |l| (l / 4).clamp(64 << 10, 4 << 20));
        let cycles = match o.choice("cycles", &["trial", "backup"], "trial")? {
            "backup" => CycleAlgorithm::BackupTrace,
            _ => CycleAlgorithm::TrialDeletion,
        };
        let reserve = match heap_limit {
            // Twice the budget, so large objects find runs despite
            // fragmentation; the budget itself is enforced in blocks.
            Some(l) => 2 * l + (64 << 10),
            None => o.size("reserve", 4 << 30)?,
        };
        Ok(Config {
            heap_limit,
            stress: o.stress,
            verify: o.verify,
            born_dead: o.choice("young", &["trace", "count"], "trace")? == "trace",
            coalesce: o.bool("coalesce", true)?,
            cycles,
            cycle_every: o.usize("cycle_every", 16)?,
            purple_max: o.usize("purple_max", 1 << 16)?,
            epoch_bytes: o.size("epoch_bytes", default_epoch)?,
            verify_counts: o.bool("verify_counts", false)?,
            reserve,
        })
    }
}
