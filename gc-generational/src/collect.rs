//! The collections: when to run a minor or a full one (the sizing policy
//! against `--heap`), and the two procedures. Both run the same closure
//! ([`crate::trace`]); they differ in what is from-space, which roots they
//! start from, and what they sweep.

use crate::GenerationalHeap;
use crate::mature::marksweep::BLOCK_BYTES;
use crate::trace::{RootSet, Tracer, WeakCtx};
use crate::word;
use gc_api::{CollectReason, ObjectRef, PauseKind, RootPrecision, VmBinding};

impl GenerationalHeap {
    /// Can a minor collection promote the whole nursery within the budget?
    pub(crate) fn minor_is_safe(&self) -> bool {
        let n = self.s.nursery.used();
        match (&self.s.semis, self.s.limit) {
            (Some(p), _) => p.used() + n <= p.limit_bytes(),
            (None, None) => true,
            (None, Some(l)) => {
                // Cells round sizes up by less than a quarter; each class
                // touched may need one more block.
                let room = l.saturating_sub(self.s.footprint()) + self.s.ms.free_bytes();
                room >= n + n / 4 + 2 * BLOCK_BYTES
            }
        }
    }

    /// Unlimited heaps: has the mature generation outgrown its threshold?
    pub(crate) fn full_due(&self) -> bool {
        self.s.limit.is_none() && self.s.mature_bytes() > self.mature_threshold
    }

    /// Is the heap over `--heap` (only possible right after a promotion
    /// that used the arena's slack, until a full collection)?
    pub(crate) fn over_budget(&self) -> bool {
        self.s.limit.is_some_and(|l| self.s.footprint() > l)
    }

    /// A collection for `reason`: minor when it is safe, full otherwise.
    pub(crate) fn collect_some<V: VmBinding>(&mut self, vm: &mut V, reason: CollectReason) {
        if reason == CollectReason::Stress {
            self.stress_count += 1;
            if self.stress_count.is_multiple_of(self.cfg.full_every) {
                self.full(vm, reason);
                return;
            }
        }
        if self.minor_is_safe() {
            self.minor(vm, reason);
            if self.full_due() || self.over_budget() {
                self.full(vm, reason);
            }
        } else {
            self.full(vm, reason);
        }
    }

    pub(crate) fn gather_roots<V: VmBinding>(vm: &mut V) -> RootSet {
        let mut roots = RootSet::default();
        vm.scan_roots(RootPrecision::Precise, &mut roots);
        roots
    }

    /// Weak processing to a fixpoint, completing the closure each round.
    pub(crate) fn weak_rounds<V: VmBinding>(t: &mut Tracer<'_>, vm: &mut V) {
        loop {
            let again = vm.process_weak(&mut WeakCtx::<V>::new(t));
            t.complete_pending(vm);
            t.closure(vm);
            if !again {
                break;
            }
        }
    }

    pub(crate) fn check_barriers<V: VmBinding>(&self, vm: &V) {
        if let Some(v) = &self.verifier {
            v.check(vm, &self.s.unlog);
        }
    }

    pub(crate) fn finish<V: VmBinding>(&mut self, vm: &mut V) {
        self.update_gauges();
        vm.collection_finished();
        if self.cfg.verify
            && let Err(e) = gc_api::verify_heap(&*self, vm)
        {
            panic!("{e}");
        }
        if self.verifier.is_some() {
            let mut mature = Vec::new();
            self.for_each_mature(vm, &mut |o| mature.push(o));
            if let Some(v) = self.verifier.as_mut() {
                v.snapshot(vm, &mature);
            }
        }
    }

    pub(crate) fn minor<V: VmBinding>(&mut self, vm: &mut V, reason: CollectReason) {
        let used_before = self.s.used_bytes();
        let timer = self
            .stats
            .begin_pause(PauseKind::Minor, reason.name(), used_before);
        self.check_barriers(vm);
        let young = self.s.nursery.used();
        let cursor = self.s.nursery.bump.cursor;
        let remembered = self.modbuf.drain();
        let roots = Self::gather_roots(vm);
        let mut t = Tracer::new(&mut self.s, false);
        for &s in &roots.slots {
            t.trace_slot(vm, s);
        }
        for &o in &roots.pinned {
            t.trace_pinned(vm, o);
        }
        for &o in &remembered {
            t.scan(vm, o);
        }
        t.closure(vm);
        Self::weak_rounds(&mut t, vm);
        let (copied, promoted, objects, overshoot) = (
            t.copied_bytes,
            t.promoted_bytes,
            t.copied_objects,
            t.overshoot,
        );
        drop(t);
        for &o in &remembered {
            self.s.unlog.set(o.addr());
        }
        if self.cfg.poison {
            let start = self.s.nursery.start();
            self.s.arena.fill(start, cursor, word::POISON);
        }
        self.s.nursery.reset();

        self.stats.bytes_copied += copied as u64;
        self.stats.bytes_freed += (young - promoted) as u64;
        self.stats.count("promoted_bytes", promoted as u64);
        self.stats.count("promoted_objects", objects as u64);
        self.stats.count("nursery_allocated_bytes", young as u64);
        self.stats.count("remset_scanned", remembered.len() as u64);
        self.stats.gauge("remset_size", remembered.len() as u64);
        self.stats.gauge(
            "remset_max",
            self.modbuf.max_len.max(remembered.len()) as u64,
        );
        let permille = (promoted as u64 * 1000)
            .checked_div(young as u64)
            .unwrap_or(0);
        self.stats.gauge("nursery_survival_permille", permille);
        if overshoot > 0 {
            self.stats
                .count("promotion_overshoot_bytes", overshoot as u64);
        }
        let used_after = self.s.used_bytes();
        self.stats.end_pause(timer, used_after, copied as u64);
        self.finish(vm);
    }

    pub(crate) fn full<V: VmBinding>(&mut self, vm: &mut V, reason: CollectReason) {
        let used_before = self.s.used_bytes();
        let timer = self
            .stats
            .begin_pause(PauseKind::Full, reason.name(), used_before);
        self.check_barriers(vm);
        let young = self.s.nursery.used();
        let cursor = self.s.nursery.bump.cursor;
        let semi_before = self.s.semis.as_ref().map(|p| (p.start(), p.cursor()));
        self.modbuf.reset(&mut self.s.unlog);
        let immortal: Vec<ObjectRef> = self
            .s
            .ms
            .immortal()
            .iter()
            .chain(self.s.los.immortal())
            .copied()
            .collect();
        let roots = Self::gather_roots(vm);
        let mut t = Tracer::new(&mut self.s, true);
        for &s in &roots.slots {
            t.trace_slot(vm, s);
        }
        for &o in &roots.pinned {
            t.trace_pinned(vm, o);
        }
        for &o in &immortal {
            t.scan(vm, o);
        }
        t.closure(vm);
        Self::weak_rounds(&mut t, vm);
        let (copied, promoted, marked, to_free) =
            (t.copied_bytes, t.promoted_bytes, t.marked, t.to_free());
        drop(t);

        // Sweep the non-moving spaces, flip the mature semispaces.
        let s = &mut self.s;
        let swept_ms = s.ms.sweep(&mut s.arena, &mut s.unlog, self.cfg.poison);
        let swept_los = s.los.sweep(&mut s.arena, &mut s.unlog);
        let mut freed = swept_ms.bytes + swept_los.bytes + (young - promoted);
        if let (Some(p), Some((start, end))) = (s.semis.as_mut(), semi_before) {
            let evacuated = copied - promoted;
            freed += (end - start) - evacuated;
            s.unlog.clear_range(start, end.max(start + 8));
            if self.cfg.poison {
                s.arena.fill(start, end, word::POISON);
            }
            p.flip(to_free);
        }
        if self.cfg.poison {
            let start = s.nursery.start();
            s.arena.fill(start, cursor, word::POISON);
        }
        s.nursery.reset();
        self.resize_after_full();

        self.stats.bytes_copied += copied as u64;
        self.stats.bytes_freed += freed as u64;
        self.stats.count("promoted_bytes", promoted as u64);
        self.stats.count("full_marked_objects", marked as u64);
        self.stats.count(
            "full_freed_objects",
            (swept_ms.objects + swept_los.objects) as u64,
        );
        let used_after = self.s.used_bytes();
        self.stats
            .end_pause(timer, used_after, (copied + marked) as u64);
        self.finish(vm);
    }

    /// Sizing after a full collection: the unlimited heap's next threshold,
    /// the mature semispace limit.
    pub(crate) fn resize_after_full(&mut self) {
        let live = self.s.mature_bytes();
        self.mature_threshold = self
            .cfg
            .initial_mature
            .max((live as f64 * self.cfg.growth) as usize);
        let budget = self.s.budget_semi(0);
        let threshold = self.mature_threshold;
        if let Some(p) = self.s.semis.as_mut() {
            let s = budget.unwrap_or(threshold);
            p.set_limit(s.max(p.used()));
        }
    }

    pub(crate) fn update_gauges(&mut self) {
        let slow = std::mem::take(&mut self.slow_paths);
        self.stats.count("barrier_slow_paths", slow);
        self.stats
            .gauge("nursery_bytes", self.s.nursery.capacity() as u64);
        self.stats
            .gauge("mature_bytes", self.s.mature_bytes() as u64);
        self.stats.gauge("los_bytes", self.s.los.bytes() as u64);
        self.stats.gauge("los_objects", self.s.los.len() as u64);
        self.stats
            .gauge("footprint_bytes", self.s.footprint() as u64);
        self.stats.gauge("remset_pending", self.modbuf.len() as u64);
    }
}
