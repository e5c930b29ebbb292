//! What a collector implements: the [`Heap`] trait and the plain data it
//! publishes about itself ([`Capabilities`]).

use crate::binding::{RootPrecision, VmBinding};
use crate::handles::{HandleError, HandleTable};
use crate::jit::JitDescriptor;
use crate::object::{ObjectRef, Slot};
use crate::options::{GcOptions, OptionError};
use crate::stats::GcStats;

/// Where an allocation should go. Collectors may serve several kinds from
/// one space; the kind states what the VM needs, not how to provide it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AllocKind {
    /// An ordinary object with reference fields.
    Normal,
    /// An object with no reference fields (strings, bytes, big-int digits,
    /// floats): the collector need not scan it.
    PointerFree,
    /// An object the VM expects to be large; collectors may put it in a
    /// large-object space. Collectors must also route any allocation above
    /// their own size threshold there, whatever kind was asked for.
    Large,
    /// Must never move (its address is handed to native code).
    NonMoving,
    /// Never moves and is never reclaimed (metadata). Still scanned.
    Immortal,
}

/// The write barrier a collector wants the VM (and JIT) to execute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BarrierKind {
    /// No barrier: the VM may skip the hooks entirely.
    None,
    /// Object-remembering: on a store into an object not yet remembered
    /// (its unlog bit set), call the slow path once per object.
    ObjectRemembering,
    /// Field-logging (LXR-style): on the first store to a field in an epoch,
    /// log the old value and the slot.
    FieldLogging,
}

/// What a collector is, published as data so the VM and JIT can specialise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Capabilities {
    /// Objects may move at a collection (ids and hashes must not be addresses).
    pub moves_objects: bool,
    /// Root information the collector consumes.
    pub roots: RootPrecision,
    /// The barrier the mutator must execute.
    pub barrier: BarrierKind,
    /// Initialising stores into a just-allocated object must also be reported.
    pub barrier_on_init: bool,
    /// The collector has generations (minor and full collections).
    pub generational: bool,
    /// The collector counts references.
    pub reference_counting: bool,
    /// A collection reclaims unreachable objects (false only for a heap
    /// that never collects). With precise roots, `gc.collect()` then finds
    /// all garbage; with ambiguous roots it may still retain some falsely.
    pub reclaims: bool,
}

impl Capabilities {
    /// Does an explicit full collection find every unreachable object?
    /// Programs that check "after `gc.collect()` every finalizer has run"
    /// may do so only under such a heap (SEMANTICS.md R12).
    pub fn collect_is_complete(&self) -> bool {
        self.reclaims && self.roots == RootPrecision::Precise
    }
}

/// Why a collection was started; recorded in pause events.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CollectReason {
    /// An allocation did not fit.
    AllocationFailure,
    /// `gc.collect()` or an explicit request.
    Explicit,
    /// `--gc-stress`: collect at every allocation.
    Stress,
    /// A safepoint poll found a collection due (thresholds, RC epochs).
    Poll,
}

impl CollectReason {
    /// Short name for logs.
    pub fn name(self) -> &'static str {
        match self {
            CollectReason::AllocationFailure => "alloc",
            CollectReason::Explicit => "explicit",
            CollectReason::Stress => "stress",
            CollectReason::Poll => "poll",
        }
    }
}

/// An allocation that cannot be satisfied even after a full collection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutOfMemory {
    /// Bytes requested.
    pub requested: usize,
    /// The heap limit in force.
    pub limit: usize,
}

/// Exit status of a VM process that ran out of memory so badly it could not
/// even raise `MemoryError`. The harness uses it to tell OOM from a crash.
pub const EXIT_OUT_OF_MEMORY: i32 = 3;

/// Prints the fixed out-of-memory line and exits with [`EXIT_OUT_OF_MEMORY`].
pub fn fatal_out_of_memory(oom: OutOfMemory) -> ! {
    eprintln!(
        "heaplab: out of memory: requested={} limit={}",
        oom.requested, oom.limit
    );
    std::process::exit(EXIT_OUT_OF_MEMORY)
}

/// A garbage-collected heap. The VM is generic over it (`Interp<H: Heap>`),
/// so empty default hooks (barriers of a barrier-free collector) inline away.
///
/// Allocation is split as in every fast VM: [`Heap::try_alloc`] is the
/// inlinable fast path that never collects; [`Heap::alloc_slow`] is a
/// safepoint that may collect, so the VM must have every live value rooted
/// before calling it. Memory returned by either has its GC word initialised
/// by the collector; everything else is the VM's to initialise before the
/// next safepoint.
pub trait Heap: Sized {
    /// The `--gc=` name.
    const NAME: &'static str;

    /// Builds the heap from the command-line options. Unknown `--gc-opt`
    /// keys are an error.
    fn new(options: &GcOptions) -> Result<Self, OptionError>;

    /// What this collector is.
    fn capabilities(&self) -> Capabilities;

    /// Fast path: bump or free-list allocation of `size` bytes (a multiple of
    /// 8, header included). `None` means "take the slow path". Never collects.
    fn try_alloc(&mut self, size: usize, kind: AllocKind) -> Option<ObjectRef>;

    /// Slow path: may collect (a safepoint), grow within `--heap`, or fail.
    fn alloc_slow<V: VmBinding>(
        &mut self,
        vm: &mut V,
        size: usize,
        kind: AllocKind,
    ) -> Result<ObjectRef, OutOfMemory>;

    /// A safepoint poll (loop back-edge, call). Returns `true` when the
    /// collector wants [`Heap::collect`] to run now (thresholds, RC epochs).
    #[inline]
    fn poll_wanted(&self) -> bool {
        false
    }

    /// Runs a collection now. `Explicit` must be a full collection.
    fn collect<V: VmBinding>(&mut self, vm: &mut V, reason: CollectReason);

    /// Write barrier before a reference store of `new` into `slot` of `src`,
    /// which held `old`. `None` stands for a non-reference value.
    #[inline]
    fn write_pre(&mut self, _src: ObjectRef, _slot: Slot, _old: Option<ObjectRef>) {}

    /// Write barrier after the store.
    #[inline]
    fn write_post(&mut self, _src: ObjectRef, _slot: Slot, _new: Option<ObjectRef>) {}

    /// Region barrier: `count` consecutive slots starting at `first` of `src`
    /// are about to be overwritten in bulk (list slice assignment, copies).
    #[inline]
    fn write_region(&mut self, _src: ObjectRef, _first: Slot, _count: usize) {}

    /// Counters and pause records.
    fn stats(&self) -> &GcStats;

    /// Mutable counters (the VM records mutator-side events such as
    /// `harness_begin`/`harness_end`).
    fn stats_mut(&mut self) -> &mut GcStats;

    /// Calls `f` for every object currently allocated (live or not yet
    /// reclaimed). Used by verifiers and tests.
    fn for_each_object<V: VmBinding>(&self, vm: &V, f: &mut dyn FnMut(ObjectRef));

    /// Does `addr` fall inside memory this heap manages (any space)?
    fn contains(&self, addr: usize) -> bool;

    /// Is `o` the start of an object this heap allocated and has not
    /// reclaimed? Used by `--verify-heap`.
    fn is_valid_object(&self, o: ObjectRef) -> bool;

    /// Bytes currently in use by objects (live or not yet reclaimed).
    fn used_bytes(&self) -> usize;

    /// The `--heap` budget in force, or `usize::MAX`.
    fn limit_bytes(&self) -> usize;

    /// The collector's table of handles held by native code, if it keeps
    /// one (see [`crate::handles`]). A collector that returns `Some` must
    /// treat every held object as a root (e.g. by reporting
    /// [`HandleTable::visit_roots`] with the VM's roots).
    fn handle_table(&mut self) -> Option<&mut HandleTable> {
        None
    }

    /// Native code takes a counted reference to `o` (as a C-API
    /// `Py_INCREF` of a borrowed object would): `o` stays alive, and does not
    /// move, while its handle count is non-zero. Returns the new count.
    fn acquire_handle(&mut self, o: ObjectRef) -> Result<usize, HandleError> {
        Ok(self
            .handle_table()
            .ok_or(HandleError::Unsupported)?
            .acquire(o))
    }

    /// Native code drops a reference taken with [`Heap::acquire_handle`].
    /// Returns the remaining count; at 0 the object is an ordinary object
    /// again and dies when nothing else references it.
    fn release_handle(&mut self, o: ObjectRef) -> Result<usize, HandleError> {
        self.handle_table()
            .ok_or(HandleError::Unsupported)?
            .release(o)
    }

    /// The data the JIT needs to inline this collector's fast paths.
    fn jit_descriptor(&self) -> JitDescriptor {
        JitDescriptor::slow_paths_only()
    }
}
