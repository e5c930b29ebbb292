//! gc-generational: a two-generation collector (`--gc=generational`).
//!
//! * **Nursery** ([`nursery`]): bump allocation through a cursor/limit pair
//!   published to the JIT; `nursery=SIZE` or `nursery_fraction=F` of
//!   `--heap`.
//! * **Mature generation** ([`mature`]), selected by `mature=`:
//!   `marksweep` (default) promotes survivors into size-class cells that
//!   never move, marked and swept by full collections; `semispace` promotes
//!   by bump allocation into a copying semispace that full collections
//!   evacuate. Large objects ([`los`]) and small `NonMoving`/`Immortal`
//!   objects (size-class cells) never move under either policy.
//! * **Minor collections** (`collect.rs`, [`trace`]) copy the nursery's survivors, reached
//!   from the precise roots and the remembered set, into the mature
//!   generation. **Full collections** trace the whole heap. A full one runs
//!   when the mature generation cannot take the nursery's worst-case
//!   promotion within `--heap`, or (unlimited heaps) when it outgrew
//!   `growth=` times what survived the last full collection.
//! * **Write barrier** ([`barrier`], [`remset`]): object remembering with an
//!   unlog bit per object in a side bitmap and a modified-object buffer.
//!   `verify_barriers=1` ([`verify_barriers`]) catches unbarriered stores.
//! * All spaces live in one virtual reservation ([`arena`], [`spaces`]), so
//!   an address is classified by one page-table load and the barrier's
//!   bitmap is one array the JIT can index.
//!
//! Under `--gc-stress` every allocation takes the slow path and collects:
//! a minor collection each time and a full one every `full_every=` (8).
//!
//! Options (`--gc-opt`, see [`config`]): `nursery=SIZE`,
//! `nursery_fraction=F` (default: a quarter of `--heap`, at most 8 MiB),
//! `mature=marksweep|semispace`, `large=SIZE` (8K, at most 8K),
//! `full_every=N`, `verify_barriers=BOOL`, `poison=BOOL`, `growth=F` and
//! `initial_mature=SIZE` (unlimited heaps), `arena=SIZE` (virtual
//! reservation of an unlimited heap, 4G).
//!
//! Budget: with `--heap=L`, nursery + size-class blocks + large-object
//! pages (+ twice the mature semispace limit) stay within `L`. A minor
//! collection runs only if the mature generation can absorb the whole
//! nursery within `L`; otherwise a full one runs. A promotion the estimate
//! did not foresee (cell rounding, weak retention) may use the arena's
//! slack beyond `L` (`promotion_overshoot_bytes`); the full collection that
//! follows either brings the heap back within `L` or the allocation fails
//! with `OutOfMemory`.

#![warn(missing_docs)]

pub mod arena;
pub mod barrier;
mod collect;
pub mod config;
pub mod los;
pub mod mature;
pub mod nursery;
pub mod remset;
pub mod spaces;
pub mod trace;
pub mod verify_barriers;
pub mod word;

use arena::{Arena, Owner};
use barrier::UnlogTable;
use config::Config;
use gc_api::jit::{AllocFastPath, BarrierFastPath};
use gc_api::{
    AllocKind, BarrierKind, Capabilities, CollectReason, GcOptions, GcStats, Heap, JitDescriptor,
    ObjectRef, OptionError, OutOfMemory, RootPrecision, Slot, VmBinding,
};
use los::LargeObjectSpace;
use mature::Policy;
use mature::marksweep::{BLOCK_BYTES, MarkSweepSpace};
use mature::semispace::SemispacePair;
use mature::size_class::MAX_CELL;
use nursery::Nursery;
use remset::ModBuffer;
use spaces::Spaces;
use verify_barriers::BarrierVerifier;

/// The generational heap (`--gc=generational`).
pub struct GenerationalHeap {
    s: Spaces,
    modbuf: ModBuffer,
    cfg: Config,
    stats: GcStats,
    verifier: Option<BarrierVerifier>,
    /// Unlimited heaps: mature bytes that trigger a full collection.
    mature_threshold: usize,
    /// Barrier slow paths taken since the counters were last updated.
    slow_paths: u64,
    /// Collections run under `--gc-stress` (for `full_every`).
    stress_count: usize,
}

impl GenerationalHeap {
    /// The options in force.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// Bytes held against the budget (nursery, blocks, large pages, twice
    /// the mature semispace limit). Never above `--heap` after a collection
    /// that did not report out-of-memory.
    pub fn footprint_bytes(&self) -> usize {
        self.s.footprint()
    }

    /// Is `o` in the nursery?
    pub fn is_young(&self, o: ObjectRef) -> bool {
        self.s.owner(o.addr()) == Owner::Nursery
    }

    /// Is the unlog bit of `o` set (mature and not remembered)?
    pub fn is_unlogged(&self, o: ObjectRef) -> bool {
        self.s.unlog.is_set(o.addr())
    }

    /// Number of objects in the modified-object buffer.
    pub fn remembered(&self) -> usize {
        self.modbuf.len()
    }

    /// Runs a minor collection now (tests, benchmarks).
    pub fn collect_minor<V: VmBinding>(&mut self, vm: &mut V) {
        self.minor(vm, CollectReason::Explicit);
    }

    /// Runs a full collection now.
    pub fn collect_full<V: VmBinding>(&mut self, vm: &mut V) {
        self.full(vm, CollectReason::Explicit);
    }

    /// The write barrier's slow path: remember `src` once.
    #[cold]
    #[inline(never)]
    fn remember(&mut self, src: ObjectRef) {
        self.s.unlog.clear(src.addr());
        self.modbuf.push(src);
        self.slow_paths += 1;
    }

    #[inline]
    fn barrier(&mut self, src: ObjectRef) {
        if self.s.unlog.is_set(src.addr()) {
            self.remember(src);
        }
    }

    fn oom(&self, size: usize) -> OutOfMemory {
        OutOfMemory {
            requested: size,
            limit: self.limit_bytes(),
        }
    }

    fn goes_direct(&self, size: usize, kind: AllocKind) -> bool {
        size > self.cfg.large || !matches!(kind, AllocKind::Normal | AllocKind::PointerFree)
    }

    /// Allocates straight into a non-moving mature space.
    ///
    /// The VM initialises such an object without barrier calls
    /// (`barrier_on_init = false`), and it may store young references into
    /// it before the next safepoint. So it is allocated *logged*: its unlog
    /// bit stays clear and it is appended to the modified-object buffer, as
    /// if the barrier had fired. The next minor collection scans it like
    /// any remembered object and then sets its bit. This costs one buffer
    /// entry per pretenured object and keeps the barrier's fast path free
    /// of an "is it just allocated?" test; the alternative (report
    /// initialising stores) would tax every allocation of the VM.
    fn alloc_direct(&mut self, size: usize, kind: AllocKind) -> Option<ObjectRef> {
        let immortal = kind == AllocKind::Immortal;
        let s = &mut self.s;
        let o = if kind != AllocKind::Large && size <= MAX_CELL {
            let fits = |b: usize| s.may_grow_nonmoving(b);
            // Check before borrowing the space mutably.
            let may = fits(BLOCK_BYTES);
            s.ms.alloc(&mut s.arena, size, immortal, &|_| may)?
        } else {
            if !s.may_grow_nonmoving(los::pages_for(size) * arena::PAGE) {
                return None;
            }
            s.los.alloc(&mut s.arena, size, immortal)?
        };
        let budget = self.s.budget_semi(0);
        if let (Some(p), Some(b)) = (self.s.semis.as_mut(), budget) {
            p.set_limit(b.max(p.used()));
        }
        self.modbuf.push(o);
        self.stats.record_alloc(size);
        let used = self.s.used_bytes();
        self.stats.note_heap(used);
        Some(o)
    }

    #[inline]
    fn alloc_young(&mut self, size: usize) -> Option<ObjectRef> {
        let o = self.s.nursery.alloc(size)?;
        // SAFETY: fresh nursery memory with room for a header.
        unsafe { o.set_gc_word(word::FRESH) };
        self.stats.record_alloc(size);
        Some(o)
    }

    fn alloc_now(&mut self, size: usize, kind: AllocKind) -> Option<ObjectRef> {
        if self.goes_direct(size, kind) {
            self.alloc_direct(size, kind)
        } else {
            self.alloc_young(size)
        }
    }

    /// Calls `f` on every mature object (cells, large objects, semispace).
    fn for_each_mature<V: VmBinding>(&self, vm: &V, f: &mut dyn FnMut(ObjectRef)) {
        self.s.ms.for_each(f);
        self.s.los.for_each(f);
        if let Some(p) = &self.s.semis {
            walk_dense(vm, p.start(), p.cursor(), f);
        }
    }
}

/// Walks the densely bump-allocated objects in `[start, end)`.
fn walk_dense<V: VmBinding>(vm: &V, start: usize, end: usize, f: &mut dyn FnMut(ObjectRef)) {
    let mut p = start;
    while p < end {
        // SAFETY: `p` is an object start in the allocated, dense part of a
        // bump-allocated space (the nursery or a mature semispace).
        let o = unsafe { ObjectRef::from_addr_unchecked(p) };
        let size = vm.object_size(o);
        assert!(
            size >= gc_api::HEADER_BYTES,
            "gc-generational: object with bad size {size} at {p:#x}"
        );
        f(o);
        p += size;
    }
}

impl Heap for GenerationalHeap {
    const NAME: &'static str = "generational";

    fn new(options: &GcOptions) -> Result<Self, OptionError> {
        let cfg = Config::from_options(options, Self::NAME)?;
        let arena_bytes = cfg.arena_bytes();
        let mut arena = Arena::new(arena_bytes)
            .ok_or_else(|| OptionError(format!("cannot reserve {arena_bytes} bytes")))?;
        let nstart = arena
            .alloc_pages(cfg.nursery / arena::PAGE, Owner::Nursery)
            .ok_or_else(|| OptionError("arena too small for the nursery".into()))?;
        let nursery = Nursery::new(nstart, cfg.nursery);
        let semis = match cfg.policy {
            Policy::MarkSweep => None,
            Policy::Semispace => {
                let cap = match cfg.limit {
                    Some(l) => l,
                    None => (arena.size() - cfg.nursery) / 3,
                }
                .next_multiple_of(arena::PAGE);
                Some(
                    SemispacePair::new(&mut arena, cap)
                        .ok_or_else(|| OptionError("arena too small for semispaces".into()))?,
                )
            }
        };
        let unlog = UnlogTable::new(arena.base(), arena.size());
        let stats = GcStats::new(Self::NAME, cfg.limit.unwrap_or(usize::MAX));
        let mut heap = GenerationalHeap {
            s: Spaces {
                arena,
                nursery,
                ms: MarkSweepSpace::new(),
                semis,
                los: LargeObjectSpace::default(),
                unlog,
                policy: cfg.policy,
                limit: cfg.limit,
            },
            modbuf: ModBuffer::default(),
            verifier: cfg.verify_barriers.then(BarrierVerifier::default),
            mature_threshold: cfg.initial_mature,
            slow_paths: 0,
            stress_count: 0,
            stats,
            cfg,
        };
        heap.resize_after_full();
        heap.update_gauges();
        Ok(heap)
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            moves_objects: true,
            roots: RootPrecision::Precise,
            barrier: BarrierKind::ObjectRemembering,
            barrier_on_init: false,
            generational: true,
            reference_counting: false,
            reclaims: true,
        }
    }

    #[inline]
    fn try_alloc(&mut self, size: usize, kind: AllocKind) -> Option<ObjectRef> {
        if self.cfg.stress || self.goes_direct(size, kind) {
            return None;
        }
        self.alloc_young(size)
    }

    fn alloc_slow<V: VmBinding>(
        &mut self,
        vm: &mut V,
        size: usize,
        kind: AllocKind,
    ) -> Result<ObjectRef, OutOfMemory> {
        if self.cfg.stress {
            self.collect_some(vm, CollectReason::Stress);
        } else {
            if self.goes_direct(size, kind) && self.full_due() {
                self.full(vm, CollectReason::AllocationFailure);
            }
            if let Some(o) = self.alloc_now(size, kind) {
                return Ok(o);
            }
            self.collect_some(vm, CollectReason::AllocationFailure);
        }
        if !self.over_budget()
            && let Some(o) = self.alloc_now(size, kind)
        {
            return Ok(o);
        }
        // Last resort: a full collection (which also empties the nursery).
        self.full(vm, CollectReason::AllocationFailure);
        if self.over_budget() {
            return Err(self.oom(size));
        }
        self.alloc_now(size, kind).ok_or_else(|| self.oom(size))
    }

    fn collect<V: VmBinding>(&mut self, vm: &mut V, reason: CollectReason) {
        match reason {
            CollectReason::Explicit => self.full(vm, reason),
            _ => self.collect_some(vm, reason),
        }
    }

    #[inline]
    fn write_post(&mut self, src: ObjectRef, _slot: Slot, _new: Option<ObjectRef>) {
        self.barrier(src);
    }

    #[inline]
    fn write_region(&mut self, src: ObjectRef, _first: Slot, _count: usize) {
        self.barrier(src);
    }

    fn stats(&self) -> &GcStats {
        &self.stats
    }

    fn stats_mut(&mut self) -> &mut GcStats {
        let used = self.s.used_bytes();
        self.stats.note_heap(used);
        self.update_gauges();
        &mut self.stats
    }

    fn for_each_object<V: VmBinding>(&self, vm: &V, f: &mut dyn FnMut(ObjectRef)) {
        walk_dense(vm, self.s.nursery.start(), self.s.nursery.bump.cursor, f);
        self.for_each_mature(vm, f);
    }

    fn contains(&self, addr: usize) -> bool {
        !matches!(self.s.owner(addr), Owner::Outside | Owner::Free)
    }

    fn is_valid_object(&self, o: ObjectRef) -> bool {
        self.s.is_valid_object(o)
    }

    fn used_bytes(&self) -> usize {
        self.s.used_bytes()
    }

    fn limit_bytes(&self) -> usize {
        self.cfg.limit.unwrap_or(usize::MAX)
    }

    fn jit_descriptor(&self) -> JitDescriptor {
        let barrier = BarrierFastPath::UnlogBit {
            bitmap_base: self.s.unlog.bitmap_base(),
            heap_base: self.s.unlog.heap_base(),
            shift: barrier::SHIFT,
        };
        if self.cfg.stress {
            return JitDescriptor {
                alloc: AllocFastPath::None,
                barrier,
            };
        }
        JitDescriptor {
            alloc: AllocFastPath::Bump {
                cursor_addr: &self.s.nursery.bump.cursor as *const usize as usize,
                limit_addr: &self.s.nursery.bump.limit as *const usize as usize,
                max_size: self.cfg.large,
                gc_word_init: word::FRESH,
            },
            barrier,
        }
    }
}
