//! A barrier-checking test heap (`--gc=barrier-check`), in the spirit of
//! CRuby's write-barrier-verifying GC: it proves that every reference store
//! the VM performs is reported through the write-barrier hooks.
//!
//! It allocates like the `none` heap (objects never move, so a slot's
//! address identifies it) and keeps a shadow copy of every reference slot
//! of every object. Stores reported through `write_pre`/`write_post` (or a
//! `write_region`) update the shadow. Every `check_every` allocations, at
//! each explicit collection and when the VM asks, it walks the heap: a
//! reference slot whose value differs from the shadow was written without a
//! barrier — a violation. Objects allocated since the last walk are exempt
//! (initialising stores need no barrier). With `fatal=1` (the default) the
//! first violation panics with the object and slot; otherwise violations are
//! counted in the stats (`barrier_violations`).

use crate::addr_hash::AddrMap;
use crate::binding::VmBinding;
use crate::heap::{AllocKind, Capabilities, CollectReason, Heap, OutOfMemory};
use crate::none::NoneHeap;
use crate::object::{ObjectRef, Slot};
use crate::options::{GcOptions, OptionError};
use crate::stats::GcStats;

/// The barrier-checking heap.
pub struct BarrierCheckHeap {
    inner: NoneHeap,
    /// Slot address → the reference it held at the last walk or report,
    /// and the walk that last saw or the report that last set it.
    shadow: AddrMap<(usize, u64)>,
    /// Objects allocated since the last walk: their slots are not shadowed
    /// yet (every other object was seen by a walk, as none is ever freed).
    fresh: AddrMap<()>,
    /// Walks so far.
    walks: u64,
    check_every: usize,
    since_check: usize,
    fatal: bool,
    /// Stores reported since the last walk (for the stats).
    reported: u64,
}

impl BarrierCheckHeap {
    /// Walks the heap, comparing every reference slot with the shadow.
    /// Returns the violations found (and panics on the first if `fatal`).
    pub fn check<V: VmBinding>(&mut self, vm: &V) -> Vec<String> {
        let mut objects = Vec::new();
        self.inner.for_each_object(vm, &mut |o| objects.push(o));
        let mut violations = Vec::new();
        self.walks += 1;
        let walk = self.walks;
        let mut slots: Vec<(usize, usize)> = Vec::new();
        for o in objects {
            let is_known = !self.fresh.contains_key(&o.addr());
            slots.clear();
            vm.scan_object(o, &mut |s: Slot| slots.push((s.addr(), s.load_word())));
            for &(addr, value) in &slots {
                match self.shadow.insert(addr, (value, walk)) {
                    Some((old, _)) if is_known && old != value => violations.push(format!(
                        "unreported store: object {:#x} (VM word {:#x}) slot +{} changed {old:#x} -> {value:#x}",
                        o.addr(),
                        // SAFETY: `o` is an object the heap enumerated.
                        unsafe { o.vm_word() },
                        addr - o.addr()
                    )),
                    None if is_known => violations.push(format!(
                        "unreported store: object {:#x} (VM word {:#x}) slot +{} became a reference {value:#x}",
                        o.addr(),
                        // SAFETY: `o` is an object the heap enumerated.
                        unsafe { o.vm_word() },
                        addr - o.addr()
                    )),
                    _ => {}
                }
            }
        }
        self.fresh.clear();
        // Slots that stopped holding a reference (this walk did not see
        // them): the shadow must have been told (a reported store of a
        // non-reference removes the entry).
        self.shadow.retain(|&a, &mut (_, seen)| {
            if seen != walk {
                violations.push(format!(
                    "unreported store: slot {a:#x} no longer holds a reference"
                ));
            }
            seen == walk
        });
        self.since_check = 0;
        self.inner.stats_mut().count("barrier_checks", 1);
        self.inner
            .stats_mut()
            .count("barrier_reports", std::mem::take(&mut self.reported));
        self.inner
            .stats_mut()
            .count("barrier_violations", violations.len() as u64);
        if self.fatal
            && let Some(v) = violations.first()
        {
            panic!("barrier-check: {v}");
        }
        violations
    }
}

impl Heap for BarrierCheckHeap {
    const NAME: &'static str = "barrier-check";

    fn new(options: &GcOptions) -> Result<Self, OptionError> {
        options.check_known(Self::NAME, &["check_every", "fatal", "chunk"])?;
        let mut inner_opts = options.clone();
        inner_opts.extra.remove("check_every");
        inner_opts.extra.remove("fatal");
        let mut inner = NoneHeap::new(&inner_opts)?;
        inner.stats_mut().collector = Self::NAME;
        Ok(BarrierCheckHeap {
            inner,
            shadow: AddrMap::default(),
            fresh: AddrMap::default(),
            walks: 0,
            check_every: options
                .usize("check_every", if options.stress { 1 } else { 1000 })?
                .max(1),
            since_check: 0,
            fatal: options.bool("fatal", true)?,
            reported: 0,
        })
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            barrier_on_init: false,
            ..self.inner.capabilities()
        }
    }

    #[inline]
    fn try_alloc(&mut self, size: usize, kind: AllocKind) -> Option<ObjectRef> {
        if self.since_check + 1 >= self.check_every {
            return None;
        }
        self.since_check += 1;
        let o = self.inner.try_alloc(size, kind)?;
        self.fresh.insert(o.addr(), ());
        Some(o)
    }

    fn alloc_slow<V: VmBinding>(
        &mut self,
        vm: &mut V,
        size: usize,
        kind: AllocKind,
    ) -> Result<ObjectRef, OutOfMemory> {
        if self.since_check + 1 >= self.check_every {
            self.check(vm);
        }
        self.since_check += 1;
        let o = self.inner.alloc_slow(vm, size, kind)?;
        self.fresh.insert(o.addr(), ());
        Ok(o)
    }

    fn collect<V: VmBinding>(&mut self, vm: &mut V, reason: CollectReason) {
        self.check(vm);
        self.inner.collect(vm, reason);
    }

    fn write_pre(&mut self, _src: ObjectRef, _slot: Slot, _old: Option<ObjectRef>) {}

    fn write_post(&mut self, _src: ObjectRef, slot: Slot, new: Option<ObjectRef>) {
        self.reported += 1;
        match new {
            Some(o) => {
                self.shadow.insert(slot.addr(), (o.addr(), self.walks));
            }
            None => {
                self.shadow.remove(&slot.addr());
            }
        }
    }

    fn write_region(&mut self, _src: ObjectRef, first: Slot, count: usize) {
        // The region's new contents are re-read at the next walk.
        for i in 0..count {
            self.shadow.remove(&(first.addr() + 8 * i));
        }
    }

    fn stats(&self) -> &GcStats {
        self.inner.stats()
    }

    fn stats_mut(&mut self) -> &mut GcStats {
        self.inner.stats_mut()
    }

    fn for_each_object<V: VmBinding>(&self, vm: &V, f: &mut dyn FnMut(ObjectRef)) {
        self.inner.for_each_object(vm, f)
    }

    fn contains(&self, addr: usize) -> bool {
        self.inner.contains(addr)
    }

    fn is_valid_object(&self, o: ObjectRef) -> bool {
        self.inner.is_valid_object(o)
    }

    fn used_bytes(&self) -> usize {
        self.inner.used_bytes()
    }

    fn limit_bytes(&self) -> usize {
        self.inner.limit_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::MockVm;

    fn heap() -> BarrierCheckHeap {
        let mut o = GcOptions::new();
        o.add_opt("fatal=0").unwrap();
        BarrierCheckHeap::new(&o).unwrap()
    }

    #[test]
    fn reported_stores_pass_and_unreported_ones_are_caught() {
        let mut heap = heap();
        let mut vm = MockVm::new();
        let a = vm.alloc(&mut heap, 2, 0).unwrap();
        vm.push_root(Some(a));
        let b = vm.alloc(&mut heap, 0, 1).unwrap();
        vm.push_root(Some(b));
        assert!(heap.check(&vm).is_empty(), "fresh objects are exempt");
        // A store through the barrier is fine.
        MockVm::set(&mut heap, a, 0, Some(b));
        assert!(heap.check(&vm).is_empty());
        // A store that bypasses the barrier is caught.
        let s = MockVm::slot(a, 1);
        // SAFETY: the slot is a word of the live mock object `a`.
        unsafe { (s.addr() as *mut usize).write(b.addr()) };
        let v = heap.check(&vm);
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(v[0].contains("became a reference"), "{v:?}");
        // Clearing a slot behind the barrier's back is caught too.
        // SAFETY: as above.
        unsafe { (MockVm::slot(a, 0).addr() as *mut usize).write(0) };
        let v = heap.check(&vm);
        assert!(v.iter().any(|m| m.contains("no longer holds")), "{v:?}");
    }
}
