//! gc-conservative: a non-moving mark-sweep collector with conservative
//! root scanning, in the style of Boehm-Weiser (1988) and early Pyston.
//!
//! * **Allocation**: size-segregated free lists. Small objects (up to
//!   [`size_class::MAX_SMALL`]) are rounded to a size class and served from
//!   32 KiB blocks of equal cells ([`block`]); bigger ones go to a
//!   page-granular large-object space ([`los`]).
//! * **Roots**: precise VM slots and pinned objects, plus every word of the
//!   ambiguous ranges the VM reports (native stack, VM stack words) and of
//!   the callee-saved registers spilled at the start of a collection
//!   ([`roots`]). An ambiguous word keeps an object alive if it points at or
//!   into it, resolved through the valid-object maps ([`space`]). The heap
//!   itself is traced precisely through the VM's object scanning ([`mark`]).
//! * **Sweeping** is lazy: after a collection each block is swept when the
//!   allocator next needs a cell of its size class, and whatever is left is
//!   swept before the next mark. `gc.collect()` (an explicit collection)
//!   sweeps eagerly, so it returns with every dead object reclaimed.
//! * **Measurement**: `roots=precise` runs the same collector on precise
//!   roots only; `measure_false_retention=1` marks from precise roots first
//!   and counts what ambiguous roots add (`false_retained_*` counters).

#![warn(missing_docs)]

pub mod block;
pub mod config;
pub mod los;
pub mod mark;
pub mod roots;
pub mod size_class;
pub mod space;

pub use roots::current_stack_pointer;

use block::{BLOCK_BYTES, BlockState};
use config::Config;
use gc_api::{
    AllocKind, BarrierKind, Capabilities, CollectReason, GcOptions, GcStats, Heap, ObjectRef,
    OptionError, OutOfMemory, PauseKind, RootPrecision, VmBinding, WeakContext, verify_heap,
};
use los::LargeObjectSpace;
use mark::{MarkCounts, Marker};
use roots::RegisterBuffer;
use size_class::{MAX_SMALL, NUM_CLASSES, SizeClasses};
use space::Space;
use std::time::Instant;

/// Allocation lanes: one per size class and scan kind (objects with
/// references and pointer-free objects live in separate blocks, so the
/// marker never asks the VM to scan a string).
const LANES: usize = NUM_CLASSES * 2;
/// "No current block" in the per-lane table.
const NO_BLOCK: u32 = u32::MAX;
/// `AllocKind::Large` requests at least this big go to the large-object
/// space even though a size class could hold them.
const LARGE_KIND_MIN: usize = 2048;

/// Objects and bytes that survived a collection only because of ambiguous
/// roots (conservative mark set minus the precise mark set).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FalseRetention {
    /// Objects.
    pub objects: u64,
    /// Bytes (cell sizes for small objects).
    pub bytes: u64,
}

/// The conservative non-moving mark-sweep heap (`--gc=conservative`).
pub struct ConservativeHeap {
    space: Space,
    classes: SizeClasses,
    /// The block each lane allocates from, or `NO_BLOCK`.
    current: [u32; LANES],
    /// Blocks of each lane with (possibly) free cells, not yet allocated
    /// from since the last collection; `Unswept` ones are swept on the way.
    pending: Vec<Vec<u32>>,
    /// Immortal objects: never reclaimed, traced as roots.
    immortal: Vec<ObjectRef>,
    mark_stack: Vec<ObjectRef>,
    cfg: Config,
    stats: GcStats,
    /// Bytes of allocated cells and large objects (dead ones count until
    /// swept).
    used: usize,
    /// Footprint the heap may reach before the next collection.
    threshold: usize,
    last_marked: MarkCounts,
    last_false: Option<FalseRetention>,
}

impl ConservativeHeap {
    /// The options in force.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// Turns false-retention measurement on or off (tests, experiments).
    pub fn set_measure_false_retention(&mut self, on: bool) {
        self.cfg.measure_false_retention = on;
    }

    /// False retention of the last collection, if it was measured.
    pub fn false_retention(&self) -> Option<FalseRetention> {
        self.last_false
    }

    /// Objects and bytes marked by the last collection.
    pub fn last_marked(&self) -> MarkCounts {
        self.last_marked
    }

    /// Bytes reserved from the system (blocks and large objects).
    pub fn footprint(&self) -> usize {
        self.space.footprint()
    }

    /// Number of blocks holding memory.
    pub fn heap_blocks(&self) -> usize {
        self.space.live_blocks
    }

    /// Resolves `word` as the collector would resolve an ambiguous root:
    /// the start of the allocated object it points at or into, if any.
    pub fn resolve_ambiguous<V: VmBinding>(&self, vm: &V, word: usize) -> Option<ObjectRef> {
        let c = self
            .space
            .resolve_ambiguous(word, self.cfg.interior_pointers)?;
        let o = ObjectRef::from_addr(c.start)?;
        match c.loc {
            space::Loc::Small { .. } if c.offset != 0 && c.offset >= vm.object_size(o) => None,
            _ => Some(o),
        }
    }

    /// Counts the words of `words` that resolve to an object (the work of
    /// an ambiguous root scan without the marking), for benchmarks.
    pub fn count_ambiguous_hits<V: VmBinding>(&self, vm: &V, words: &[usize]) -> usize {
        words
            .iter()
            .filter(|w| self.resolve_ambiguous(vm, **w).is_some())
            .count()
    }

    /// Sweeps every block still waiting for the lazy sweeper.
    pub fn finish_sweep(&mut self) {
        let t = Instant::now();
        let mut swept = false;
        for lane in 0..LANES {
            for &bi in &self.pending[lane] {
                if self.space.blocks[bi as usize].state == BlockState::Unswept {
                    Self::sweep_block(
                        &mut self.space,
                        &mut self.stats,
                        &mut self.used,
                        bi,
                        self.cfg.poison,
                    );
                    swept = true;
                }
            }
        }
        if swept {
            self.stats.count("sweep_ns", t.elapsed().as_nanos() as u64);
        }
    }

    fn sweep_block(
        space: &mut Space,
        stats: &mut GcStats,
        used: &mut usize,
        bi: u32,
        poison: bool,
    ) {
        let b = &mut space.blocks[bi as usize];
        let r = b.sweep(poison);
        let freed = r.freed * b.cell_size;
        *used -= freed;
        stats.bytes_freed += freed as u64;
    }

    #[inline]
    fn lane(&self, size: usize, kind: AllocKind) -> usize {
        self.classes.class_of(size) * 2 + usize::from(kind != AllocKind::PointerFree)
    }

    /// Pops a cell from the lane's current block.
    #[inline]
    fn pop_current(&mut self, lane: usize, size: usize) -> Option<ObjectRef> {
        let bi = self.current[lane];
        if bi == NO_BLOCK {
            return None;
        }
        let b = &mut self.space.blocks[bi as usize];
        let cell = b.pop_free()?;
        self.used += b.cell_size;
        self.stats.record_alloc(size);
        // SAFETY: cells lie inside allocated blocks, so they are non-zero.
        Some(unsafe { ObjectRef::from_addr_unchecked(cell) })
    }

    /// Moves the lane to its next pending block with free cells, sweeping
    /// it first if needed. Never grows the heap.
    #[cold]
    fn refill(&mut self, lane: usize) -> bool {
        while let Some(bi) = self.pending[lane].pop() {
            if self.space.blocks[bi as usize].state == BlockState::Unswept {
                let t = Instant::now();
                Self::sweep_block(
                    &mut self.space,
                    &mut self.stats,
                    &mut self.used,
                    bi,
                    self.cfg.poison,
                );
                self.stats
                    .count("lazy_sweep_ns", t.elapsed().as_nanos() as u64);
            }
            if self.space.blocks[bi as usize].free_cells > 0 {
                self.current[lane] = bi;
                return true;
            }
        }
        self.current[lane] = NO_BLOCK;
        false
    }

    /// May the footprint grow by `n` bytes now?
    fn may_grow(&self, n: usize, respect_threshold: bool) -> bool {
        let f = self.space.footprint() + n;
        f <= self.cfg.limit && (!respect_threshold || f <= self.threshold)
    }

    /// Small allocation without collecting: current block, pending blocks,
    /// an empty pooled block, or a new block if the policy allows.
    fn alloc_small(&mut self, size: usize, kind: AllocKind, respect: bool) -> Option<ObjectRef> {
        let lane = self.lane(size, kind);
        if let Some(o) = self.pop_current(lane, size) {
            return Some(o);
        }
        if self.refill(lane) {
            return self.pop_current(lane, size);
        }
        let bi = match self.space.pool.pop() {
            Some(bi) => bi,
            None if self.may_grow(BLOCK_BYTES, respect) => {
                let bi = self.space.grow()?;
                self.stats.set("heap_blocks", self.space.live_blocks as u64);
                bi
            }
            None => return None,
        };
        let cell = SizeClasses::cell_size(lane / 2);
        self.space.blocks[bi as usize].assign(cell, lane, lane % 2 == 1);
        self.current[lane] = bi;
        self.pop_current(lane, size)
    }

    /// Large allocation without collecting.
    fn alloc_large(&mut self, size: usize, kind: AllocKind, respect: bool) -> Option<ObjectRef> {
        let need = LargeObjectSpace::reservation(size);
        if !self.may_grow(need, respect) && !self.space.pool.is_empty() {
            // Empty blocks count against the budget: give them back first.
            self.space.release_pool();
            self.stats.set("heap_blocks", self.space.live_blocks as u64);
        }
        if !self.may_grow(need, respect) {
            return None;
        }
        let p = self.space.los.alloc(size, kind != AllocKind::PointerFree)?;
        self.space.note_large(p, need);
        self.used += size;
        self.stats.record_alloc(size);
        self.stats.set("los_objects", self.space.los.len() as u64);
        ObjectRef::from_addr(p)
    }

    /// Marks from the roots, runs weak processing, and returns the mark
    /// counts and the false retention (if measured).
    fn mark<V: VmBinding>(
        &mut self,
        vm: &mut V,
        regs: &RegisterBuffer,
    ) -> (MarkCounts, Option<FalseRetention>) {
        let mut stack = std::mem::take(&mut self.mark_stack);
        let mut m = Marker::new(&mut self.space, &mut stack, self.cfg.interior_pointers);
        for o in &self.immortal {
            m.mark_exact(o.addr());
        }
        let conservative = self.cfg.roots == RootPrecision::Ambiguous;
        let mut precise = None;
        if !conservative || self.cfg.measure_false_retention {
            // Precise phase: the mark set a precise collector would find.
            m.conservative = false;
            vm.scan_roots(RootPrecision::Precise, &mut m);
            m.drain(&*vm);
            precise = Some(m.counts);
        }
        if conservative {
            // Conservative phase: on top of the precise marks (if any), so
            // whatever it adds was retained only by ambiguous words.
            m.conservative = true;
            vm.scan_roots(RootPrecision::Ambiguous, &mut m);
            if self.cfg.scan_registers {
                let r = regs.as_range();
                m.scan_range(r.start, r.end);
            }
            m.drain(&*vm);
        }
        let false_retention = match (conservative, precise) {
            (true, Some(p)) => Some(FalseRetention {
                objects: m.counts.objects - p.objects,
                bytes: m.counts.bytes - p.bytes,
            }),
            _ => None,
        };
        let ambiguous_words = m.ambiguous_words;
        // Weak processing: nothing is reclaimed or poisoned until it ends.
        loop {
            let again = vm.process_weak(&mut m as &mut dyn WeakContext);
            m.drain(&*vm);
            if !again {
                break;
            }
        }
        let counts = m.counts;
        drop(m);
        self.mark_stack = stack;
        self.stats.count("ambiguous_words_scanned", ambiguous_words);
        (counts, false_retention)
    }

    /// After marking: sweeps the large objects and the entirely dead blocks
    /// now, then sweeps the other blocks now (`eager`) or queues them for
    /// the lazy sweeper. Returns the fragmentation in permille.
    fn sweep(&mut self, eager: bool) -> u64 {
        let los = self.space.los.sweep();
        self.used -= los.bytes;
        self.stats.bytes_freed += los.bytes as u64;
        let mut partial_free = 0usize;
        for bi in 0..self.space.blocks.len() {
            let b = &self.space.blocks[bi];
            if b.state != BlockState::Swept {
                continue;
            }
            let live = b.marked_cells();
            if live > 0 && live < b.n_cells {
                partial_free += (b.n_cells - live) * b.cell_size;
            }
            let lane = b.lane;
            let bi = bi as u32;
            if live == 0 || eager {
                Self::sweep_block(
                    &mut self.space,
                    &mut self.stats,
                    &mut self.used,
                    bi,
                    self.cfg.poison,
                );
                let b = &mut self.space.blocks[bi as usize];
                if live == 0 {
                    b.state = BlockState::Empty;
                    self.space.pool.push(bi);
                } else if b.free_cells > 0 {
                    self.pending[lane].push(bi);
                }
            } else {
                self.space.blocks[bi as usize].state = BlockState::Unswept;
                self.pending[lane].push(bi);
            }
        }
        // Allocate from low addresses first: pending lists are popped.
        for p in &mut self.pending {
            p.reverse();
        }
        let total = self.space.live_blocks * BLOCK_BYTES;
        (partial_free as u64 * 1000)
            .checked_div(total as u64)
            .unwrap_or(0)
    }
}

impl Heap for ConservativeHeap {
    const NAME: &'static str = "conservative";

    fn new(options: &GcOptions) -> Result<Self, OptionError> {
        let cfg = Config::from_options(options, Self::NAME)?;
        let threshold = cfg.initial_heap.min(cfg.limit);
        Ok(ConservativeHeap {
            space: Space::default(),
            classes: SizeClasses::new(),
            current: [NO_BLOCK; LANES],
            pending: vec![Vec::new(); LANES],
            immortal: Vec::new(),
            mark_stack: Vec::new(),
            stats: GcStats::new(Self::NAME, cfg.limit),
            cfg,
            used: 0,
            threshold,
            last_marked: MarkCounts::default(),
            last_false: None,
        })
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            moves_objects: false,
            roots: self.cfg.roots,
            barrier: BarrierKind::None,
            barrier_on_init: false,
            generational: false,
            reference_counting: false,
            reclaims: true,
        }
    }

    #[inline]
    fn try_alloc(&mut self, size: usize, kind: AllocKind) -> Option<ObjectRef> {
        // Under --gc-stress every allocation takes the slow path, which
        // collects first.
        if size > MAX_SMALL
            || self.cfg.stress
            || matches!(kind, AllocKind::Large | AllocKind::Immortal)
        {
            return None;
        }
        let lane = self.lane(size, kind);
        if let Some(o) = self.pop_current(lane, size) {
            return Some(o);
        }
        // Lazy sweeping happens here, on demand; growing and collecting are
        // the slow path's business.
        if self.refill(lane) {
            return self.pop_current(lane, size);
        }
        None
    }

    fn alloc_slow<V: VmBinding>(
        &mut self,
        vm: &mut V,
        size: usize,
        kind: AllocKind,
    ) -> Result<ObjectRef, OutOfMemory> {
        debug_assert!(size >= gc_api::HEADER_BYTES && size.is_multiple_of(8));
        let large = size > MAX_SMALL || (kind == AllocKind::Large && size >= LARGE_KIND_MIN);
        let mut collected = false;
        if self.cfg.stress {
            self.collect(vm, CollectReason::Stress);
            collected = true;
        }
        loop {
            let got = if large {
                self.alloc_large(size, kind, !collected)
            } else {
                self.alloc_small(size, kind, !collected)
            };
            if let Some(o) = got {
                if kind == AllocKind::Immortal {
                    self.immortal.push(o);
                }
                self.stats.note_heap(self.used);
                return Ok(o);
            }
            if collected {
                return Err(OutOfMemory {
                    requested: size,
                    limit: self.cfg.limit,
                });
            }
            self.collect(vm, CollectReason::AllocationFailure);
            collected = true;
        }
    }

    fn collect<V: VmBinding>(&mut self, vm: &mut V, reason: CollectReason) {
        // Spill the callee-saved registers first, into this frame, which
        // outlives the marking.
        let regs = RegisterBuffer::capture();
        let timer = self
            .stats
            .begin_pause(PauseKind::Full, reason.name(), self.used);
        let t0 = Instant::now();

        // The rest of the previous cycle's sweep, then fresh marks.
        self.finish_sweep();
        for p in &mut self.pending {
            p.clear();
        }
        self.current = [NO_BLOCK; LANES];
        for b in &mut self.space.blocks {
            if b.state == BlockState::Swept {
                b.clear_marks();
            }
        }
        self.space.los.clear_marks();

        let t_mark = Instant::now();
        let (counts, false_retention) = self.mark(vm, &regs);
        let mark_ns = t_mark.elapsed().as_nanos() as u64;

        let t_sweep = Instant::now();
        let eager = !self.cfg.lazy_sweep || reason == CollectReason::Explicit;
        let fragmentation = self.sweep(eager);
        let sweep_ns = t_sweep.elapsed().as_nanos() as u64;

        // Next threshold: grow to `growth` times what is live.
        let live = counts.bytes as usize;
        let target = (live as f64 * self.cfg.growth) as usize;
        self.threshold = target.max(self.cfg.initial_heap).min(self.cfg.limit);

        self.last_marked = counts;
        self.last_false = false_retention;
        let s = &mut self.stats;
        s.count("marked_objects", counts.objects);
        s.count("marked_bytes", counts.bytes);
        s.count("mark_ns", mark_ns);
        s.count("sweep_ns", sweep_ns);
        s.set("heap_blocks", self.space.live_blocks as u64);
        s.set("fragmentation_permille", fragmentation);
        s.set("los_objects", self.space.los.len() as u64);
        s.set("footprint_bytes", self.space.footprint() as u64);
        if let Some(f) = false_retention {
            s.set("false_retained_objects", f.objects);
            s.set("false_retained_bytes", f.bytes);
            s.count("false_retained_objects_total", f.objects);
            s.count("false_retained_bytes_total", f.bytes);
        }
        s.count("collect_ns", t0.elapsed().as_nanos() as u64);
        s.end_pause(timer, live, counts.objects);
        std::hint::black_box(&regs);

        vm.collection_finished();
        if self.cfg.verify
            && let Err(e) = verify_heap(&*self, vm)
        {
            panic!("{e}");
        }
    }

    fn stats(&self) -> &GcStats {
        &self.stats
    }

    fn stats_mut(&mut self) -> &mut GcStats {
        self.stats.note_heap(self.used);
        &mut self.stats
    }

    fn for_each_object<V: VmBinding>(&self, _vm: &V, f: &mut dyn FnMut(ObjectRef)) {
        self.space.for_each_object(&mut |a| {
            // SAFETY: object starts are inside allocated memory, never 0.
            f(unsafe { ObjectRef::from_addr_unchecked(a) })
        });
    }

    fn contains(&self, addr: usize) -> bool {
        self.space.contains(addr)
    }

    fn is_valid_object(&self, o: ObjectRef) -> bool {
        self.space.resolve_exact(o.addr()).is_some()
    }

    fn used_bytes(&self) -> usize {
        self.used
    }

    fn limit_bytes(&self) -> usize {
        self.cfg.limit
    }
}
