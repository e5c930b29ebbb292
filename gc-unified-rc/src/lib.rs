//! gc-unified-rc: deferred, coalesced reference counting for the heap plus
//! tracing for the young, the stack and cycles — the Bacon, Cheng & Rajan
//! (2004) unified collector (`--gc=unified-rc`).
//!
//! "Trace the young, count the old, trace the stack, partially trace cycle
//! candidates":
//!
//! * **Heap fields only are counted** ([`counts`]). Locals and temporaries
//!   cost nothing: every epoch scans the VM's roots and applies one
//!   *temporary* increment per root slot, undone at the next epoch
//!   (deferred RC).
//! * **Field-logging barrier** ([`barrier`]): the first store to a field of
//!   a counted object in an epoch logs the old referent (a decrement) and the
//!   slot (an increment of its value at the epoch).
//! * **Born-dead young objects**: every allocation starts uncounted; one
//!   that gains an increment at an epoch becomes counted and its fields are
//!   scanned. The rest are reclaimed with no count work at all. Survivors
//!   are **kept in place** (nothing ever moves: `id()` can be an address and
//!   `forwarded(o) == o`); the space ([`space`]) is non-moving, with
//!   size-class blocks that are bump-allocated while fresh and reuse freed
//!   cells afterwards. The young objects of an epoch are known from an
//!   allocation log, swept once at the epoch.
//! * **Epochs** ([`epoch`]): stack increments, the increment buffer, the
//!   decrement buffer; zero counts cascade through an explicit worklist.
//!   Nothing is freed until the VM's reaper has seen the dead set through
//!   [`weak::WeakCtx`]; a retained candidate keeps its children.
//! * **Cycles** ([`cycles`]): trial deletion over a purple buffer or a
//!   backup trace, periodically and at every `gc.collect()`.
//! * **Handles** ([`gc_api::handles`]): native references are counted
//!   explicitly: the first acquire is an increment, the last release a
//!   decrement, so a handled object is a root while held.
//!
//! Options: see [`config`]. Counters in `--gc-stats`: see [`epoch`].
//! The JIT gets slow paths only ([`gc_api::JitDescriptor::slow_paths_only`]):
//! a JIT must call `write_pre`/`write_post` for every non-initialising
//! reference store (the barrier filters young and already-logged fields
//! itself). An inline field-log-bit fast path is future work: the side
//! bitmap's sense (bit set = already logged) would have to be inverted to
//! LXR's unlog bits and young objects' fields pre-marked.
//!
//! Deviations from the papers worth knowing: the acyclic cascade is
//! *tentative* (objects are marked DEAD and their children decremented, but
//! nothing is freed until the reaper has answered); retaining an object
//! re-increments its children, which is equivalent to never having
//! released them. Young objects are kept in place, not evacuated.

#![warn(missing_docs)]

pub mod barrier;
pub mod config;
pub mod counts;
pub mod cycles;
pub mod epoch;
pub mod header;
pub mod size_class;
pub mod space;
pub mod verify;
pub mod weak;

use barrier::Barrier;
use config::Config;
use counts::Counts;
use gc_api::{
    AllocKind, BarrierKind, Capabilities, CollectReason, GcOptions, GcStats, HandleError,
    HandleTable, Heap, ObjectRef, OptionError, OutOfMemory, RootPrecision, Slot, VmBinding,
};
use space::Space;
use std::time::Instant;

/// The unified reference-counting heap (`--gc=unified-rc`).
pub struct UnifiedRcHeap {
    space: Space,
    barrier: Barrier,
    counts: Counts,
    config: Config,
    stats: GcStats,
    /// Allocations since the last epoch (born dead until reached).
    young: Vec<ObjectRef>,
    /// Immortal allocations whose fields are not counted yet.
    new_immortals: Vec<ObjectRef>,
    /// Every immortal object (roots of the backup trace).
    immortals: Vec<ObjectRef>,
    /// The last epoch's root referents (temporary increments to undo).
    root_buf: Vec<ObjectRef>,
    /// Objects held for the reaper since the last epoch.
    pending: Vec<ObjectRef>,
    /// Handles held by native code.
    handles: HandleTable,
    /// Bytes allocated since the last epoch.
    since_epoch: usize,
    /// Epochs since the last cycle collection.
    since_cycle: usize,
    /// End of the last epoch (start of the current mutator interval).
    last_epoch_end: Instant,
    /// When dead candidates were last handed to the reaper.
    last_handoff: Option<Instant>,
}

impl UnifiedRcHeap {
    fn oom(&self, size: usize) -> OutOfMemory {
        OutOfMemory {
            requested: size,
            limit: self.limit_bytes(),
        }
    }

    /// Allocates without collecting.
    #[inline]
    fn alloc_now(&mut self, size: usize, kind: AllocKind) -> Option<ObjectRef> {
        let a = self.space.alloc(size)?;
        // SAFETY: the space hands out non-null cell addresses.
        let o = unsafe { ObjectRef::from_addr_unchecked(a) };
        let immortal = kind == AllocKind::Immortal;
        header::set_word(o, header::fresh(kind == AllocKind::PointerFree, immortal));
        if immortal {
            self.new_immortals.push(o);
        } else {
            self.young.push(o);
        }
        self.since_epoch += size;
        self.stats.record_alloc(size);
        Some(o)
    }

    /// When dead candidates were last handed to the reaper (the start of
    /// the finalization delay the VM measures up to `__del__`).
    pub fn last_handoff(&self) -> Option<Instant> {
        self.last_handoff
    }

    /// The current reference count of `o` (tests, debugging).
    pub fn count_of(&self, o: ObjectRef) -> usize {
        header::rc(o)
    }

    /// Is `o` counted (an old object), rather than born-dead young or free?
    pub fn is_counted(&self, o: ObjectRef) -> bool {
        self.space.in_arena(o.addr()) && header::state(o) == header::COUNTED
    }

    /// Handles currently held by native code.
    pub fn handles(&self) -> &HandleTable {
        &self.handles
    }

    /// Objects currently held for the reaper (retained, count 0).
    pub fn pending_len(&self) -> usize {
        self.pending.len()
    }

    /// Checks every count against the true in-degree now (see [`verify`]).
    pub fn check_counts<V: VmBinding>(&self, vm: &V) -> Result<usize, String> {
        verify::check_counts(&self.space, vm, &self.root_buf, &self.handles)
    }
}

impl Heap for UnifiedRcHeap {
    const NAME: &'static str = "unified-rc";

    fn new(options: &GcOptions) -> Result<Self, OptionError> {
        let config = Config::from_options(options, Self::NAME)?;
        let budget = config.heap_limit.unwrap_or(usize::MAX);
        let space = Space::new(config.reserve, budget)
            .ok_or_else(|| OptionError(format!("cannot reserve {} bytes", config.reserve)))?;
        let (base, bytes) = (space.base(), space.arena_bytes());
        Ok(UnifiedRcHeap {
            barrier: Barrier::new(base, bytes, config.coalesce),
            counts: Counts::new(base, bytes),
            space,
            stats: GcStats::new(Self::NAME, budget),
            config,
            young: Vec::new(),
            new_immortals: Vec::new(),
            immortals: Vec::new(),
            root_buf: Vec::new(),
            pending: Vec::new(),
            handles: HandleTable::new(),
            since_epoch: 0,
            since_cycle: 0,
            last_epoch_end: Instant::now(),
            last_handoff: None,
        })
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            moves_objects: false,
            roots: RootPrecision::Precise,
            barrier: BarrierKind::FieldLogging,
            barrier_on_init: false,
            generational: false,
            reference_counting: true,
            reclaims: true,
        }
    }

    #[inline]
    fn try_alloc(&mut self, size: usize, kind: AllocKind) -> Option<ObjectRef> {
        if self.config.stress {
            return None;
        }
        self.alloc_now(size, kind)
    }

    fn alloc_slow<V: VmBinding>(
        &mut self,
        vm: &mut V,
        size: usize,
        kind: AllocKind,
    ) -> Result<ObjectRef, OutOfMemory> {
        if self.config.stress {
            self.collect(vm, CollectReason::Stress);
        } else if let Some(o) = self.alloc_now(size, kind) {
            return Ok(o);
        } else {
            self.collect(vm, CollectReason::AllocationFailure);
        }
        if let Some(o) = self.alloc_now(size, kind) {
            return Ok(o);
        }
        // Full: a cycle collection too.
        self.epoch(vm, CollectReason::AllocationFailure, true);
        self.alloc_now(size, kind).ok_or_else(|| self.oom(size))
    }

    fn poll_wanted(&self) -> bool {
        self.since_epoch >= self.config.epoch_bytes
    }

    fn collect<V: VmBinding>(&mut self, vm: &mut V, reason: CollectReason) {
        let cycles = match reason {
            CollectReason::Explicit => true,
            _ => {
                (self.config.cycle_every > 0 && self.since_cycle + 1 >= self.config.cycle_every)
                    || self.counts.purple.len() > self.config.purple_max
                    // Objects held for the reaper are re-examined now. One
                    // kept alive only by its own cycle must be found dead
                    // in this very epoch: the reaper takes "still live at the
                    // next collection" to mean "resurrected" (R5d).
                    || !self.pending.is_empty()
            }
        };
        self.epoch(vm, reason, cycles);
    }

    #[inline]
    fn write_pre(&mut self, src: ObjectRef, slot: Slot, old: Option<ObjectRef>) {
        self.barrier.write_pre(src, slot, old);
    }

    #[inline]
    fn write_post(&mut self, src: ObjectRef, slot: Slot, new: Option<ObjectRef>) {
        self.barrier.write_post(src, slot, new);
    }

    fn write_region(&mut self, src: ObjectRef, first: Slot, count: usize) {
        self.barrier.write_region(src, first, count);
    }

    fn stats(&self) -> &GcStats {
        &self.stats
    }

    fn stats_mut(&mut self) -> &mut GcStats {
        let used = self.used_bytes();
        self.stats.note_heap(used);
        &mut self.stats
    }

    fn for_each_object<V: VmBinding>(&self, _vm: &V, f: &mut dyn FnMut(ObjectRef)) {
        self.space.for_each_object(f);
    }

    fn contains(&self, addr: usize) -> bool {
        self.space.in_arena(addr)
    }

    fn is_valid_object(&self, o: ObjectRef) -> bool {
        self.space.is_object(o)
    }

    fn used_bytes(&self) -> usize {
        self.space.used_bytes()
    }

    fn limit_bytes(&self) -> usize {
        self.config.heap_limit.unwrap_or(usize::MAX)
    }

    /// The first handle to `o` is an increment at the next epoch (so a young
    /// object becomes counted), the last release a decrement.
    fn acquire_handle(&mut self, o: ObjectRef) -> Result<usize, HandleError> {
        let n = self.handles.acquire(o);
        if n == 1 && self.space.in_arena(o.addr()) {
            self.barrier.incs.push(o);
        }
        Ok(n)
    }

    fn release_handle(&mut self, o: ObjectRef) -> Result<usize, HandleError> {
        let n = self.handles.release(o)?;
        if n == 0 && self.space.in_arena(o.addr()) {
            self.barrier.decs.push(o);
        }
        Ok(n)
    }
}
