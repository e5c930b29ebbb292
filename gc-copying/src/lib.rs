//! gc-copying: a Cheney semispace collector with precise roots and a
//! non-moving large-object space (`--gc=copying`).
//!
//! * Two semispaces ([`space`]); the mutator bump-allocates in the current
//!   one through a cursor/limit pair at a stable address (published to the
//!   JIT). A collection copies everything reachable from the precise roots
//!   into the other one breadth-first ([`cheney`]), leaving forwarding words
//!   behind ([`word`]), then flips.
//! * Objects above the `large=` threshold and `Large`, `NonMoving` and
//!   `Immortal` allocations live in the non-moving space ([`los`]): marked
//!   during the closure, swept after it. Immortal objects are roots.
//! * Weak processing follows `gc_api::VmBinding::process_weak`: after the
//!   closure the VM is lent a [`gc_api::WeakContext`]; what it retains is
//!   evacuated and the closure resumes, until the VM is satisfied. From-space
//!   stays intact until then.
//!
//! Sizing. With `--heap=L` the budget is both semispaces plus the
//! large-object space: the semispace size `S` (the allocation limit of the
//! current space) always satisfies `2*S + los_bytes <= L`; large objects
//! lower `S` when there is room, and `S` takes back what the sweep frees.
//! Without a limit the semispaces start at `semi=` (1 MiB) and double at a
//! collection whenever more than `grow_at=` (0.5) of a semispace survived.
//!
//! Options (`--gc-opt`): `large=SIZE` (16K), `semi=SIZE` (1M, unlimited
//! heaps only), `grow_at=F` (0.5), `poison=BOOL` (on under `--gc-stress`).

#![warn(missing_docs)]

pub mod cheney;
pub mod los;
pub mod space;
pub mod word;

use cheney::{RootSet, Tracer, WeakCtx};
use gc_api::jit::{AllocFastPath, BarrierFastPath};
use gc_api::{
    AllocKind, BarrierKind, Capabilities, CollectReason, GcOptions, GcStats, Heap, JitDescriptor,
    ObjectRef, OptionError, OutOfMemory, PauseKind, RootPrecision, VmBinding,
};
use los::LargeObjectSpace;
use space::Semispace;

/// Default size above which objects go to the large-object space.
pub const DEFAULT_LARGE: usize = 16 << 10;
/// Default initial semispace size of an unlimited heap.
pub const DEFAULT_SEMI: usize = 1 << 20;
/// Default survival fraction above which an unlimited heap grows.
pub const DEFAULT_GROW_AT: f64 = 0.5;

/// The bump-allocation cursor and limit, boxed so their addresses stay
/// stable for the JIT however the heap value moves.
#[repr(C)]
#[derive(Debug, Default)]
pub struct BumpPointer {
    /// Next free byte of the current semispace.
    pub cursor: usize,
    /// End of the allocatable part of the current semispace.
    pub limit: usize,
}

/// Settings read from [`GcOptions`].
#[derive(Clone, Debug)]
struct Config {
    heap_limit: Option<usize>,
    large: usize,
    grow_at: f64,
    stress: bool,
    poison: bool,
    verify: bool,
}

/// The semispace copying heap (`--gc=copying`).
pub struct CopyingHeap {
    bump: Box<BumpPointer>,
    /// The space the mutator allocates in (from-space at the next collection).
    current: Semispace,
    /// The empty space the next collection copies into.
    reserve: Semispace,
    /// The semispace size `S`: allocation stops at `current.start() + S`.
    semi_bytes: usize,
    los: LargeObjectSpace,
    config: Config,
    stats: GcStats,
}

#[inline]
fn floor8(n: usize) -> usize {
    n & !7
}

fn uses_los(kind: AllocKind) -> bool {
    matches!(
        kind,
        AllocKind::Large | AllocKind::NonMoving | AllocKind::Immortal
    )
}

impl CopyingHeap {
    fn oom(&self, size: usize) -> OutOfMemory {
        OutOfMemory {
            requested: size,
            limit: self.limit_bytes(),
        }
    }

    /// Bytes allocated in the current semispace.
    #[inline]
    fn semi_used(&self) -> usize {
        self.bump.cursor - self.current.start()
    }

    /// The semispace size `S` in force (the `semispace_bytes` counter).
    pub fn semispace_bytes(&self) -> usize {
        self.semi_bytes
    }

    /// What the heap holds against its budget: both semispaces at the
    /// current size `S` plus the large-object space. Never above `--heap`.
    pub fn footprint_bytes(&self) -> usize {
        2 * self.semi_bytes + self.los.bytes()
    }

    /// Address range of the current semispace's objects (tests, debugging).
    pub fn current_range(&self) -> (usize, usize) {
        (self.current.start(), self.bump.cursor)
    }

    /// Address range of the reserve (empty) semispace.
    pub fn reserve_range(&self) -> (usize, usize) {
        (self.reserve.start(), self.reserve.end())
    }

    /// The largest `S` the budget allows right now.
    fn budget_semi(&self) -> usize {
        let cap = self.current.capacity().min(self.reserve.capacity());
        match self.config.heap_limit {
            Some(l) => cap.min(floor8(l.saturating_sub(self.los.bytes()) / 2)),
            None => cap,
        }
    }

    fn set_semi(&mut self, s: usize) {
        debug_assert!(s >= self.semi_used());
        self.semi_bytes = s;
        self.bump.limit = self.current.start() + s;
    }

    /// Allocates without collecting; `None` if it does not fit now.
    fn alloc_now(&mut self, size: usize, kind: AllocKind) -> Option<ObjectRef> {
        if uses_los(kind) || size > self.config.large {
            return self.alloc_los(size, kind);
        }
        let c = self.bump.cursor;
        if c + size > self.bump.limit {
            return None;
        }
        self.bump.cursor = c + size;
        // SAFETY: `c` lies in the current semispace (non-null) and the
        // `size` bytes from it are ours to hand out.
        let o = unsafe { ObjectRef::from_addr_unchecked(c) };
        // SAFETY: fresh memory with room for a header.
        unsafe { o.set_gc_word(word::FRESH) };
        self.stats.record_alloc(size);
        Some(o)
    }

    fn alloc_los(&mut self, size: usize, kind: AllocKind) -> Option<ObjectRef> {
        if let Some(l) = self.config.heap_limit {
            // Make room by lowering S, if the current space's use allows it.
            let room = l.checked_sub(self.los.bytes() + size)?;
            let s = self.semi_bytes.min(floor8(room / 2));
            if s < self.semi_used() {
                return None;
            }
            self.set_semi(s);
        }
        let o = self.los.alloc(size, kind == AllocKind::Immortal)?;
        self.stats.record_alloc(size);
        let used = self.used_bytes();
        self.stats.note_heap(used);
        Some(o)
    }

    /// Unlimited heap only: gives the reserve at least `cap` bytes (it is
    /// empty between collections).
    fn grow_reserve(&mut self, cap: usize) -> bool {
        if self.reserve.capacity() >= cap {
            return true;
        }
        match Semispace::new(cap) {
            Some(s) => {
                self.reserve = s;
                true
            }
            None => false,
        }
    }

    /// Sizing after a flip: `live` bytes survived in the new current space.
    fn resize_after_flip(&mut self, live: usize) {
        if self.config.heap_limit.is_none() {
            let mut want = self.current.capacity();
            while live as f64 > self.config.grow_at * want as f64 {
                want *= 2;
            }
            // If the reserve cannot grow, S stays as it is: still correct.
            self.grow_reserve(want);
        }
        let s = self.budget_semi();
        debug_assert!(s >= live, "budget below the live semispace data");
        self.set_semi(s.max(live));
    }

    fn update_counters(&mut self, from_used: usize, live: usize) {
        let permille = (live as u64 * 1000)
            .checked_div(from_used as u64)
            .unwrap_or(0);
        self.stats.set("survival_rate_permille", permille);
        self.stats.set("los_objects", self.los.len() as u64);
        self.stats.set("los_bytes", self.los.bytes() as u64);
        self.stats.set("semispace_bytes", self.semi_bytes as u64);
    }
}

impl Heap for CopyingHeap {
    const NAME: &'static str = "copying";

    fn new(options: &GcOptions) -> Result<Self, OptionError> {
        options.check_known(Self::NAME, &["large", "semi", "grow_at", "poison"])?;
        let large = options.size("large", DEFAULT_LARGE)?;
        let semi = options.size("semi", DEFAULT_SEMI)?;
        let grow_at = options.f64("grow_at", DEFAULT_GROW_AT)?;
        if !(grow_at > 0.0 && grow_at <= 1.0) {
            return Err(OptionError(format!(
                "--gc-opt grow_at: {grow_at} is not in (0, 1]"
            )));
        }
        if large < gc_api::HEADER_BYTES {
            return Err(OptionError(format!(
                "--gc-opt large: {large} is smaller than an object header"
            )));
        }
        let config = Config {
            heap_limit: options.heap_limit,
            large: floor8(large),
            grow_at,
            stress: options.stress,
            poison: options.bool("poison", options.stress)?,
            verify: options.verify,
        };
        // With a limit each space can hold half the budget (pages are only
        // touched as S allows); without one, start modestly and grow.
        let cap = match config.heap_limit {
            Some(l) => floor8(l / 2),
            None => semi,
        };
        let space = || {
            Semispace::new(cap).ok_or_else(|| OptionError(format!("cannot reserve {cap} bytes")))
        };
        let (current, reserve) = (space()?, space()?);
        let mut heap = CopyingHeap {
            bump: Box::new(BumpPointer {
                cursor: current.start(),
                limit: current.start(),
            }),
            current,
            reserve,
            semi_bytes: 0,
            los: LargeObjectSpace::new(),
            stats: GcStats::new(Self::NAME, config.heap_limit.unwrap_or(usize::MAX)),
            config,
        };
        let s = heap.budget_semi();
        heap.set_semi(s);
        heap.update_counters(0, 0);
        Ok(heap)
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            moves_objects: true,
            roots: RootPrecision::Precise,
            barrier: BarrierKind::None,
            barrier_on_init: false,
            generational: false,
            reference_counting: false,
            reclaims: true,
        }
    }

    #[inline]
    fn try_alloc(&mut self, size: usize, kind: AllocKind) -> Option<ObjectRef> {
        if self.config.stress || uses_los(kind) || size > self.config.large {
            return None;
        }
        let c = self.bump.cursor;
        let end = c + size;
        if end > self.bump.limit {
            return None;
        }
        self.bump.cursor = end;
        // SAFETY: `c` lies in the current semispace, so it is non-null, and
        // `[c, end)` is free memory we now hand out; the header is ours.
        let o = unsafe { ObjectRef::from_addr_unchecked(c) };
        // SAFETY: as above.
        unsafe { o.set_gc_word(word::FRESH) };
        self.stats.record_alloc(size);
        Some(o)
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
        // An unlimited heap whose live data fills the semispace: grow now
        // (copy into a larger reserve) rather than fail.
        if self.config.heap_limit.is_none() && !(uses_los(kind) || size > self.config.large) {
            let mut want = 2 * self.current.capacity();
            while ((self.semi_used() + size) as f64) > self.config.grow_at * want as f64 {
                want *= 2;
            }
            if self.grow_reserve(want) {
                self.collect(vm, CollectReason::AllocationFailure);
                if let Some(o) = self.alloc_now(size, kind) {
                    return Ok(o);
                }
            }
        }
        Err(self.oom(size))
    }

    fn collect<V: VmBinding>(&mut self, vm: &mut V, reason: CollectReason) {
        let used_before = self.used_bytes();
        let timer = self
            .stats
            .begin_pause(PauseKind::Full, reason.name(), used_before);
        let from_used = self.semi_used();
        let from_end = self.bump.cursor;
        debug_assert!(self.reserve.capacity() >= from_used);
        let mut tracer = Tracer::new(
            (self.current.start(), self.current.end()),
            (self.reserve.start(), self.reserve.end()),
        );

        // Roots: precise slots, pinned objects, immortal objects.
        let mut roots = RootSet::default();
        vm.scan_roots(RootPrecision::Precise, &mut roots);
        for &s in &roots.slots {
            tracer.trace_slot(vm, s);
        }
        for &o in &roots.pinned {
            tracer.trace_pinned(vm, o);
        }
        for &o in self.los.immortal() {
            tracer.scan_object(vm, o);
        }
        tracer.closure(vm);

        // Weak processing, to a fixpoint. From-space is still intact.
        loop {
            let again = vm.process_weak(&mut WeakCtx::<V>::new(&mut tracer));
            tracer.complete_pending(vm);
            tracer.closure(vm);
            if !again {
                break;
            }
        }

        // Sweep the non-moving space and flip.
        let swept = self.los.sweep();
        let live = tracer.free() - self.reserve.start();
        if self.config.poison {
            self.current.fill(from_end, word::POISON);
        }
        std::mem::swap(&mut self.current, &mut self.reserve);
        self.bump.cursor = tracer.free();
        self.resize_after_flip(live);

        let copied = tracer.copied_bytes();
        self.stats.bytes_copied += copied as u64;
        self.stats.bytes_freed += (from_used - live + swept.bytes) as u64;
        self.stats
            .count("objects_copied", tracer.copied_objects() as u64);
        self.stats
            .count("los_marked", tracer.marked_objects() as u64);
        self.stats.count("los_freed_objects", swept.objects as u64);
        self.update_counters(from_used, live);
        let used_after = self.used_bytes();
        self.stats.end_pause(timer, used_after, copied as u64);

        vm.collection_finished();
        if self.config.verify
            && let Err(e) = gc_api::verify_heap(&*self, vm)
        {
            panic!("{e}");
        }
    }

    fn stats(&self) -> &GcStats {
        &self.stats
    }

    fn stats_mut(&mut self) -> &mut GcStats {
        let used = self.used_bytes();
        self.stats.note_heap(used);
        &mut self.stats
    }

    fn for_each_object<V: VmBinding>(&self, vm: &V, f: &mut dyn FnMut(ObjectRef)) {
        let mut p = self.current.start();
        while p < self.bump.cursor {
            // SAFETY: `p` is the start of an object in the allocated part of
            // the current semispace (objects are dense from its start).
            let o = unsafe { ObjectRef::from_addr_unchecked(p) };
            let size = vm.object_size(o);
            assert!(
                size >= gc_api::HEADER_BYTES,
                "gc-copying: object with bad size {size} at {p:#x}"
            );
            f(o);
            p += size;
        }
        self.los.for_each(f);
    }

    fn contains(&self, addr: usize) -> bool {
        self.current.contains(addr) || self.reserve.contains(addr) || self.los.contains(addr)
    }

    /// Exact for the large-object space. In a semispace it checks that `o`
    /// is 8-aligned inside the allocated part and has a fresh GC word (not a
    /// forwarding or poison word); it cannot tell an object start from an
    /// interior word that happens to be 0 (`verify_heap` uses
    /// `for_each_object`, which is exact).
    fn is_valid_object(&self, o: ObjectRef) -> bool {
        let a = o.addr();
        if a >= self.current.start() && a < self.bump.cursor {
            // SAFETY: `a` is inside allocated, initialised semispace memory.
            return a & 7 == 0 && unsafe { o.gc_word() } == word::FRESH;
        }
        self.los.is_object(a)
    }

    fn used_bytes(&self) -> usize {
        self.semi_used() + self.los.bytes()
    }

    fn limit_bytes(&self) -> usize {
        self.config.heap_limit.unwrap_or(usize::MAX)
    }

    fn jit_descriptor(&self) -> JitDescriptor {
        if self.config.stress {
            return JitDescriptor::slow_paths_only();
        }
        JitDescriptor {
            alloc: AllocFastPath::Bump {
                cursor_addr: &self.bump.cursor as *const usize as usize,
                limit_addr: &self.bump.limit as *const usize as usize,
                max_size: self.config.large,
                gc_word_init: word::FRESH,
            },
            barrier: BarrierFastPath::None,
        }
    }
}
