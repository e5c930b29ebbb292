//! One RC epoch (a pause). In order:
//!
//! 1. **Increments**: one temporary increment per root slot (the stack
//!    scan), newly allocated immortal objects become counted, the slots the
//!    barrier logged are incremented with their current value, then the
//!    increment buffer (immediate mode, handles). Young objects reached this
//!    way become counted and their fields are scanned (transitively).
//! 2. **Decrements**: the previous epoch's root increments are undone, then
//!    the decrement buffer is applied. Objects held for the reaper since the
//!    last epoch are re-examined: still at 0, they die; otherwise they were
//!    resurrected.
//! 3. **Cascade**: zero counts spread through an explicit worklist; every
//!    object reached is marked DEAD (the dead set `U`), nothing is freed.
//! 4. **Cycles** (periodically, under memory pressure, and always for
//!    `CollectReason::Explicit`): trial deletion or the backup trace adds
//!    cyclic garbage to `U`.
//! 5. **Weak processing**: the VM's reaper sees `U` and the unreached young
//!    objects as not live, retains candidates (which brings back what they
//!    reach) and is called again until satisfied.
//! 6. **Reclamation**: the rest of `U` and every unreached young object go
//!    back to the space.
//!
//! Counters (`--gc-stats`): `rc_increments`, `rc_decrements`, `rc_epochs`,
//! `young_survivors`, `young_freed_objects`, `rc_freed_objects`,
//! `cycle_collections`, `cycle_garbage_objects`, `cycle_ns`,
//! `cycle_share_permille` (cycle time / all pause time), `purple_peak`,
//! `reaper_retained`, `reaper_restored`, and for finalization delay:
//! `reaper_handoffs` (epochs that handed dead candidates to the reaper),
//! `reaper_handoff_last_ns` (when, in ns since the stats were created: the
//! VM subtracts it from the time it runs `__del__`), and
//! `death_to_handoff_max_ns` (an upper bound on the time from death to
//! handoff: the epoch's handoff time minus the end of the previous epoch,
//! since the death happened in that mutator interval).

use crate::UnifiedRcHeap;
use crate::cycles::{CycleAlgorithm, backup_trace, trial_deletion};
use crate::header::{self as h, COUNTED};
use crate::weak::WeakCtx;
use gc_api::{CollectReason, ObjectRef, PauseKind, RootPrecision, RootVisitor, Slot, VmBinding};
use std::collections::HashSet;
use std::time::Instant;

/// Collects the referents of the VM's roots that live in the arena.
struct RootCollector<'a> {
    counts: &'a crate::counts::Counts,
    out: &'a mut Vec<ObjectRef>,
}

impl RootVisitor for RootCollector<'_> {
    fn visit_root(&mut self, slot: Slot) {
        if let Some(o) = self.counts.referent(slot) {
            self.out.push(o);
        }
    }
    fn visit_pinned(&mut self, o: ObjectRef) {
        if self.counts.in_arena(o) {
            self.out.push(o);
        }
    }
    fn visit_ambiguous_range(&mut self, _start: *const usize, _end: *const usize) {}
}

impl UnifiedRcHeap {
    /// Runs one epoch, with a cycle collection if `cycles`.
    pub(crate) fn epoch<V: VmBinding>(&mut self, vm: &mut V, reason: CollectReason, cycles: bool) {
        let used_before = self.space.used_bytes();
        let kind = if cycles {
            PauseKind::Cycle
        } else {
            PauseKind::Epoch
        };
        let timer = self.stats.begin_pause(kind, reason.name(), used_before);
        let (inc0, dec0) = (self.counts.increments, self.counts.decrements);
        let (surv0, rest0) = (self.counts.young_survivors, self.counts.restored);

        // 1. Increments.
        let mut roots = Vec::new();
        vm.scan_roots(
            RootPrecision::Precise,
            &mut RootCollector {
                counts: &self.counts,
                out: &mut roots,
            },
        );
        for &o in &roots {
            self.counts.increment(o);
        }
        for o in std::mem::take(&mut self.new_immortals) {
            if h::state(o) == h::YOUNG {
                self.counts.promote(o);
            }
            self.immortals.push(o);
        }
        for slot in std::mem::take(&mut self.barrier.slots) {
            self.barrier.unlog(slot);
            if let Some(o) = self.counts.referent(slot) {
                self.counts.increment(o);
            }
        }
        for o in std::mem::take(&mut self.barrier.incs) {
            self.counts.increment(o);
        }
        let mut newborn = Vec::new();
        if !self.config.born_dead {
            for &o in &self.young {
                if h::is_unreached_young(o) {
                    self.counts.promote(o);
                    newborn.push(o);
                }
            }
        }
        self.counts.drain_scan(vm);

        // 2. Decrements.
        for o in std::mem::replace(&mut self.root_buf, roots) {
            self.counts.decrement(o);
        }
        for o in std::mem::take(&mut self.barrier.decs) {
            self.counts.decrement(o);
        }
        // Counted from birth: each newborn is treated as having lost its
        // creator's reference, so it is zero (dead) or a possible cycle root.
        for o in newborn {
            if h::state(o) != COUNTED {
                continue;
            }
            if h::rc(o) == 0 {
                self.counts.zero.push(o);
            } else {
                self.counts.possible_cycle_root(o);
            }
        }
        // Objects held for the reaper: at 0 they die for good. Otherwise
        // they are referenced again, possibly only by a garbage cycle (their
        // own unit), so they become possible cycle roots, and this epoch
        // runs a cycle collection (see `Heap::collect`): the reaper reads
        // "still live at the next collection" as "resurrected" (R5d). One
        // still named by a root (e.g. the reaper's own queue while its unit
        // runs) cannot be judged yet and stays held until an epoch where
        // no root names it.
        let held = std::mem::take(&mut self.pending);
        let rooted: HashSet<usize> = if held.is_empty() {
            HashSet::new()
        } else {
            let set: HashSet<usize> = held.iter().map(|p| p.addr()).collect();
            self.root_buf
                .iter()
                .map(|r| r.addr())
                .filter(|a| set.contains(a))
                .collect()
        };
        for p in held {
            if h::state(p) != COUNTED || !h::has(p, h::PENDING) {
                continue;
            }
            if h::rc(p) == 0 {
                h::clear(p, h::PENDING);
                self.counts.zero.push(p);
                continue;
            }
            self.counts.possible_cycle_root(p);
            if rooted.contains(&p.addr()) {
                self.pending.push(p);
            } else {
                h::clear(p, h::PENDING);
            }
        }

        // 3. Cascade.
        let mut dead = Vec::new();
        self.counts.cascade(vm, &mut dead);

        // 4. Cycles.
        let mut cycle_ns = 0;
        if cycles {
            let t = Instant::now();
            let before = dead.len();
            match self.config.cycles {
                CycleAlgorithm::TrialDeletion => {
                    trial_deletion::collect(&mut self.counts, vm, &mut dead);
                }
                CycleAlgorithm::BackupTrace => {
                    let mut troots = self.root_buf.clone();
                    troots.extend(self.immortals.iter().copied());
                    troots.extend(self.handles.objects());
                    backup_trace::collect(&mut self.counts, &self.space, vm, &troots, &mut dead);
                }
            }
            self.since_cycle = 0;
            cycle_ns = t.elapsed().as_nanos() as u64;
            self.stats.count("cycle_collections", 1);
            self.stats
                .count("cycle_garbage_objects", (dead.len() - before) as u64);
        } else {
            self.since_cycle += 1;
        }

        // 5. Weak processing: the reaper sees U and the unreached young.
        let handoff = Instant::now();
        let held_over = self.pending.len();
        loop {
            let again = vm.process_weak(&mut WeakCtx {
                counts: &mut self.counts,
                pending: &mut self.pending,
            });
            self.counts.drain_scan(vm);
            if !again {
                break;
            }
        }
        let retained_now = (self.pending.len() - held_over) as u64;

        // 6. Reclamation.
        let (mut freed, mut freed_bytes, mut purge) = (0u64, 0usize, false);
        for o in dead {
            if h::has(o, h::DEAD) {
                purge |= h::has(o, h::BUFFERED);
                freed_bytes += self.space.charged(V::object_size_static(o));
                self.space.free(o);
                freed += 1;
            }
        }
        let (mut young_freed, mut young_bytes) = (0u64, 0usize);
        for o in std::mem::take(&mut self.young) {
            if h::is_unreached_young(o) {
                young_bytes += self.space.charged(V::object_size_static(o));
                self.space.free(o);
                young_freed += 1;
            }
        }
        if purge {
            self.counts.purple.retain(|&o| h::state(o) != h::FREE);
        }
        // Held objects that died this epoch are gone; one retained twice
        // (late weakrefs, R5e) is listed once.
        self.pending
            .retain(|&p| h::state(p) == COUNTED && h::has(p, h::PENDING));
        self.pending.sort_unstable();
        self.pending.dedup();
        self.since_epoch = 0;

        // Statistics.
        let s = &mut self.stats;
        s.bytes_freed += (freed_bytes + young_bytes) as u64;
        s.count("rc_epochs", 1);
        s.count("rc_increments", self.counts.increments - inc0);
        s.count("rc_decrements", self.counts.decrements - dec0);
        s.count("young_survivors", self.counts.young_survivors - surv0);
        s.count("young_freed_objects", young_freed);
        s.count("rc_freed_objects", freed);
        s.count("cycle_ns", cycle_ns);
        s.count("reaper_restored", self.counts.restored - rest0);
        s.count("reaper_retained", retained_now);
        let peak = s
            .counter("purple_peak")
            .max(self.counts.purple.len() as u64);
        s.set("purple_peak", peak);
        s.set("handles_held", self.handles.len() as u64);
        if retained_now > 0 {
            s.count("reaper_handoffs", 1);
            s.set(
                "reaper_handoff_last_ns",
                (handoff - s.created).as_nanos() as u64,
            );
            let delay = (handoff - self.last_epoch_end).as_nanos() as u64;
            let max = s.counter("death_to_handoff_max_ns").max(delay);
            s.set("death_to_handoff_max_ns", max);
            self.last_handoff = Some(handoff);
        }
        let used_after = self.space.used_bytes();
        s.end_pause(timer, used_after, self.counts.increments - inc0);
        let total = s.total_pause_time().as_nanos() as u64;
        let share = (s.counter("cycle_ns") * 1000)
            .checked_div(total)
            .unwrap_or(0);
        s.set("cycle_share_permille", share);
        self.last_epoch_end = Instant::now();

        vm.collection_finished();
        if self.config.verify
            && let Err(e) = gc_api::verify_heap(&*self, vm)
        {
            panic!("{e}");
        }
        if self.config.verify_counts
            && let Err(e) = self.check_counts(vm)
        {
            panic!("{e}");
        }
    }
}
