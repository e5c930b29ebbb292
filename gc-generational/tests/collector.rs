//! Behaviour of the generational heap on the mock VM: old-to-young edges
//! through every store kind, pretenured objects, the barrier verifier, weak
//! processing in minor collections, stress, stats and the JIT data.

use gc_api::jit::{AllocFastPath, BarrierFastPath};
use gc_api::mock::{MockVm, MockWeak, XorShift};
use gc_api::{AllocKind, CollectReason, GcOptions, Heap, ObjectRef, verify_heap};
use gc_generational::GenerationalHeap;

const POLICIES: [&str; 2] = ["marksweep", "semispace"];

fn heap(mature: &str, f: impl FnOnce(&mut GcOptions)) -> GenerationalHeap {
    let mut o = GcOptions::new();
    o.verify = true;
    o.add_opt(&format!("mature={mature}")).unwrap();
    o.add_opt("arena=256M").unwrap();
    o.add_opt("verify_barriers=1").unwrap();
    f(&mut o);
    GenerationalHeap::new(&o).expect("options")
}

/// A rooted object promoted by one minor collection; returns its root index.
fn old_object(h: &mut GenerationalHeap, vm: &mut MockVm, slots: usize) -> usize {
    let o = vm.alloc(h, slots, 1).unwrap();
    let r = vm.push_root(Some(o));
    h.collect_minor(vm);
    let o = vm.root(r).unwrap();
    assert!(!h.is_young(o), "survivor was not promoted");
    assert!(h.is_unlogged(o), "promoted object must be clean");
    r
}

/// Allocates an unrooted young object with one data word; returns its label.
fn young(h: &mut GenerationalHeap, vm: &mut MockVm) -> (ObjectRef, u64) {
    let y = vm.alloc(h, 1, 2).unwrap();
    assert!(h.is_young(y));
    (y, MockVm::label(y))
}

fn check_child(parent: ObjectRef, i: usize, label: u64, h: &GenerationalHeap) {
    let c = MockVm::get(parent, i).expect("old-to-young edge lost");
    assert_eq!(MockVm::label(c), label);
    assert_eq!(MockVm::data(c, 1), label as usize * 1000 + 1);
    assert!(!h.is_young(c), "young referent not promoted");
}

#[test]
fn single_slot_store_old_to_young() {
    for m in POLICIES {
        let mut h = heap(m, |_| {});
        let mut vm = MockVm::new();
        let r = old_object(&mut h, &mut vm, 2);
        let (y, ly) = young(&mut h, &mut vm);
        let o = vm.root(r).unwrap();
        let slow = h.stats_mut().counter("barrier_slow_paths");
        MockVm::set(&mut h, o, 0, Some(y));
        MockVm::set(&mut h, o, 1, Some(y));
        assert!(!h.is_unlogged(o), "the store did not remember the object");
        assert_eq!(h.remembered(), 1, "an object is remembered once");
        assert_eq!(h.stats_mut().counter("barrier_slow_paths"), slow + 1);
        h.collect_minor(&mut vm);
        let o = vm.root(r).unwrap();
        check_child(o, 0, ly, &h);
        assert_eq!(MockVm::get(o, 0), MockVm::get(o, 1));
        assert!(h.is_unlogged(o));
        assert_eq!(h.stats().gauge_value("remset_size"), 1);
        verify_heap(&h, &mut vm).unwrap();
    }
}

#[test]
fn region_store_old_to_young() {
    for m in POLICIES {
        let mut h = heap(m, |_| {});
        let mut vm = MockVm::new();
        let r = old_object(&mut h, &mut vm, 4);
        let (y1, l1) = young(&mut h, &mut vm);
        let t = vm.push_root(Some(y1));
        let (y2, l2) = young(&mut h, &mut vm);
        let y1 = vm.root(t).unwrap();
        vm.set_root(t, None);
        let o = vm.root(r).unwrap();
        // A bulk store: one region barrier, then raw writes.
        h.write_region(o, MockVm::slot(o, 1), 2);
        // SAFETY: slots 1 and 2 are words of the live object `o`.
        unsafe {
            (MockVm::slot(o, 1).addr() as *mut usize).write(y1.addr());
            (MockVm::slot(o, 2).addr() as *mut usize).write(y2.addr());
        }
        h.collect_minor(&mut vm);
        let o = vm.root(r).unwrap();
        check_child(o, 1, l1, &h);
        check_child(o, 2, l2, &h);
        verify_heap(&h, &mut vm).unwrap();
    }
}

#[test]
fn stores_into_large_and_pretenured_objects() {
    for m in POLICIES {
        for kind in [AllocKind::Large, AllocKind::NonMoving, AllocKind::Immortal] {
            let mut h = heap(m, |_| {});
            let mut vm = MockVm::new();
            let big = vm.alloc_kind(&mut h, 3, 4, kind).unwrap();
            let r = vm.push_root(Some(big));
            assert!(!h.is_young(big));
            // Initialising store without a barrier, before any safepoint.
            let (y0, l0) = young(&mut h, &mut vm);
            let big = vm.root(r).unwrap();
            // SAFETY: slot 0 of the live object `big`.
            unsafe { (MockVm::slot(big, 0).addr() as *mut usize).write(y0.addr()) };
            h.collect_minor(&mut vm);
            let big2 = vm.root(r).unwrap();
            assert_eq!(big, big2, "{kind:?} object moved");
            check_child(big, 0, l0, &h);
            assert!(
                h.is_unlogged(big),
                "pretenured object clean after a minor GC"
            );
            // A later store goes through the barrier.
            let (y1, l1) = young(&mut h, &mut vm);
            MockVm::set(&mut h, big, 1, Some(y1));
            h.collect_minor(&mut vm);
            check_child(big, 1, l1, &h);
            h.collect(&mut vm, CollectReason::Explicit);
            check_child(big, 0, l0, &h);
            check_child(big, 1, l1, &h);
            verify_heap(&h, &mut vm).unwrap();
        }
    }
}

#[test]
fn large_objects_above_the_threshold_bypass_the_nursery() {
    let mut h = heap("marksweep", |o| o.add_opt("large=256").unwrap());
    let mut vm = MockVm::new();
    let big = vm.alloc(&mut h, 2, 64).unwrap();
    assert!(!h.is_young(big));
    let r = vm.push_root(Some(big));
    let (y, ly) = young(&mut h, &mut vm);
    MockVm::set(&mut h, big, 0, Some(y));
    h.collect_minor(&mut vm);
    assert_eq!(vm.root(r), Some(big));
    check_child(big, 0, ly, &h);
    vm.set_root(r, None);
    h.collect(&mut vm, CollectReason::Explicit);
    assert!(vm.heap_labels(&h).is_empty());
    assert_eq!(h.used_bytes(), 0);
}

#[test]
fn young_stored_into_object_promoted_earlier() {
    for m in POLICIES {
        let mut h = heap(m, |_| {});
        let mut vm = MockVm::new();
        // A chain promoted in one minor collection: a -> b, both old.
        let a = vm.alloc(&mut h, 1, 1).unwrap();
        let ra = vm.push_root(Some(a));
        let b = vm.alloc(&mut h, 2, 1).unwrap();
        let a = vm.root(ra).unwrap();
        MockVm::set(&mut h, a, 0, Some(b));
        h.collect_minor(&mut vm);
        let b = MockVm::get(vm.root(ra).unwrap(), 0).unwrap();
        assert!(!h.is_young(b) && h.is_unlogged(b));
        // Young objects stored into the promoted b, reachable only through it.
        for round in 0..3 {
            let (y, ly) = young(&mut h, &mut vm);
            let b = MockVm::get(vm.root(ra).unwrap(), 0).unwrap();
            MockVm::set(&mut h, b, round % 2, Some(y));
            h.collect_minor(&mut vm);
            let b = MockVm::get(vm.root(ra).unwrap(), 0).unwrap();
            check_child(b, round % 2, ly, &h);
        }
        h.collect(&mut vm, CollectReason::Explicit);
        verify_heap(&h, &mut vm).unwrap();
    }
}

#[test]
fn marksweep_mature_objects_never_move_semispace_ones_move_at_full() {
    for m in POLICIES {
        let mut h = heap(m, |_| {});
        let mut vm = MockVm::new();
        let r = old_object(&mut h, &mut vm, 1);
        let before = vm.root(r).unwrap();
        h.collect_minor(&mut vm);
        assert_eq!(vm.root(r), Some(before), "minor GC moved a mature object");
        h.collect(&mut vm, CollectReason::Explicit);
        let moved = vm.root(r) != Some(before);
        assert_eq!(moved, m == "semispace", "{m}");
        assert!(h.is_unlogged(vm.root(r).unwrap()));
    }
}

#[test]
#[should_panic(expected = "without a write barrier")]
fn verifier_reports_unbarriered_store_into_mature_object() {
    let mut h = heap("marksweep", |o| o.verify = false);
    let mut vm = MockVm::new();
    let r = old_object(&mut h, &mut vm, 1);
    let (y, _) = young(&mut h, &mut vm);
    let o = vm.root(r).unwrap();
    // SAFETY: slot 0 of the live object `o`; deliberately no barrier.
    unsafe { (MockVm::slot(o, 0).addr() as *mut usize).write(y.addr()) };
    h.collect_minor(&mut vm);
}

#[test]
fn verifier_accepts_barriered_stores_and_clears() {
    let mut h = heap("semispace", |_| {});
    let mut vm = MockVm::new();
    let r = old_object(&mut h, &mut vm, 2);
    let o = vm.root(r).unwrap();
    let (y, _) = young(&mut h, &mut vm);
    MockVm::set(&mut h, o, 0, Some(y));
    h.collect_minor(&mut vm);
    let o = vm.root(r).unwrap();
    MockVm::set(&mut h, o, 0, None);
    h.collect_minor(&mut vm);
    h.collect(&mut vm, CollectReason::Explicit);
}

#[test]
fn minor_weak_processing_sees_mature_objects_live() {
    for m in POLICIES {
        let mut h = heap(m, |_| {});
        let mut vm = MockVm::new();
        // An unreachable mature object and an unreachable young one.
        let r = old_object(&mut h, &mut vm, 0);
        let old = vm.root(r).unwrap();
        vm.set_root(r, None);
        let (y, _) = young(&mut h, &mut vm);
        let keep = vm.alloc(&mut h, 0, 1).unwrap();
        let rk = vm.push_root(Some(keep));
        vm.weaks.push(MockWeak {
            referent: Some(old),
        });
        vm.weaks.push(MockWeak { referent: Some(y) });
        vm.weaks.push(MockWeak {
            referent: Some(keep),
        });
        h.collect_minor(&mut vm);
        assert_eq!(
            vm.weaks[0].referent,
            Some(old),
            "mature object is live in a minor GC"
        );
        assert_eq!(vm.weaks[1].referent, None, "young garbage cleared");
        assert_eq!(vm.weaks[2].referent, vm.root(rk));
        assert!(!h.is_young(vm.root(rk).unwrap()));
        h.collect(&mut vm, CollectReason::Explicit);
        assert_eq!(
            vm.weaks[0].referent, None,
            "full GC clears dead mature referent"
        );
        assert_eq!(vm.weaks[2].referent, vm.root(rk));
    }
}

#[test]
fn minor_finalization_retains_young_closure() {
    for m in POLICIES {
        let mut h = heap(m, |_| {});
        let mut vm = MockVm::new();
        let f = vm.alloc(&mut h, 1, 1).unwrap();
        let rf = vm.push_root(Some(f));
        let c = vm.alloc(&mut h, 0, 3).unwrap();
        let f = vm.root(rf).unwrap();
        MockVm::set(&mut h, f, 0, Some(c));
        let (lf, lc) = (MockVm::label(f), MockVm::label(c));
        vm.finalizable.push(f);
        vm.weaks.push(MockWeak { referent: Some(c) });
        vm.set_root(rf, None);
        h.collect_minor(&mut vm);
        assert_eq!(vm.finalized, vec![lf]);
        let f2 = vm.resurrected[0];
        assert!(!h.is_young(f2));
        let c2 = MockVm::get(f2, 0).unwrap();
        assert_eq!(MockVm::label(c2), lc);
        assert_eq!(MockVm::data(c2, 2), lc as usize * 1000 + 2);
        assert_eq!(vm.weaks[0].referent, Some(c2));
        verify_heap(&h, &mut vm).unwrap();
        vm.resurrected.clear();
        h.collect(&mut vm, CollectReason::Explicit);
        assert_eq!(vm.weaks[0].referent, None);
        assert_eq!(vm.finalized, vec![lf]);
    }
}

#[test]
fn stress_runs_a_minor_per_allocation_and_a_full_every_n() {
    for m in POLICIES {
        let mut h = heap(m, |o| {
            o.stress = true;
            o.add_opt("full_every=4").unwrap();
        });
        let mut vm = MockVm::new();
        let mut rng = XorShift::new(3);
        vm.random_graph(&mut h, &mut rng, 60, 3, 0.5, 4).unwrap();
        let snap = vm.snapshot();
        let (minor0, full0) = (h.stats().pauses[1], h.stats().pauses[0]);
        for _ in 0..40 {
            vm.alloc(&mut h, 1, 1).unwrap();
        }
        let (minor, full) = (h.stats().pauses[1] - minor0, h.stats().pauses[0] - full0);
        assert_eq!(minor + full, 40, "one collection per allocation");
        assert_eq!(full, 10, "a full collection every 4th");
        assert_eq!(snap, vm.snapshot());
    }
}

#[test]
fn bounded_heap_stays_within_budget() {
    for m in POLICIES {
        let limit = 2 << 20;
        let mut h = heap(m, |o| {
            o.heap_limit = Some(limit);
            o.verify = false;
        });
        let mut vm = MockVm::new();
        let mut rng = XorShift::new(5);
        let keep = vm.push_root(None);
        for i in 0..60_000 {
            let o = vm.alloc(&mut h, 2, rng.below(12)).unwrap();
            if i % 3 == 0 {
                // Long-lived list, partly dropped again.
                MockVm::set(&mut h, o, 0, vm.root(keep));
                vm.set_root(keep, Some(o));
            }
            if i % 20_000 == 0 {
                vm.set_root(keep, None);
            }
            assert!(h.used_bytes() <= limit);
        }
        assert!(h.footprint_bytes() <= limit, "{m}: footprint over budget");
        assert!(h.stats().pauses[1] > 0 && h.stats().pauses[0] > 0, "{m}");
    }
}

#[test]
fn stats_block_has_generational_counters() {
    let mut h = heap("marksweep", |_| {});
    let mut vm = MockVm::new();
    let r = old_object(&mut h, &mut vm, 1);
    let (y, _) = young(&mut h, &mut vm);
    MockVm::set(&mut h, vm.root(r).unwrap(), 0, Some(y));
    h.collect_minor(&mut vm);
    h.collect(&mut vm, CollectReason::Explicit);
    let block = h
        .stats_mut()
        .format_block(std::time::Duration::from_millis(1));
    for key in [
        "pauses.minor",
        "pauses.full",
        "gc_ms.minor",
        "gc_ms.full",
        "nursery_survival_permille",
        "promoted_bytes",
        "remset_size",
        "barrier_slow_paths",
    ] {
        assert!(block.contains(key), "{key} missing from\n{block}");
    }
    assert_eq!(h.stats().counter("barrier_slow_paths"), 1);
}

#[test]
fn jit_fast_paths_agree_with_rust_paths() {
    let mut h = heap("marksweep", |_| {});
    let mut vm = MockVm::new();
    let d = h.jit_descriptor();
    let AllocFastPath::Bump {
        cursor_addr,
        limit_addr,
        max_size,
        gc_word_init,
    } = d.alloc
    else {
        panic!("no bump fast path")
    };
    let BarrierFastPath::UnlogBit {
        bitmap_base,
        heap_base,
        shift,
    } = d.barrier
    else {
        panic!("no barrier fast path")
    };
    // The JIT's view of the unlog bit.
    let jit_unlogged = |o: ObjectRef| {
        let i = o.addr().wrapping_sub(heap_base) >> shift;
        // SAFETY: the bitmap covers the arena, where every object lives.
        let w = unsafe { ((bitmap_base + 8 * (i / 64)) as *const u64).read() };
        w & (1 << (i % 64)) != 0
    };
    // Emulated inline allocation: bump the published cursor.
    // SAFETY: the descriptor's addresses point at the heap's boxed words.
    let (c, l) = unsafe {
        (
            (cursor_addr as *const usize).read(),
            (limit_addr as *const usize).read(),
        )
    };
    assert!(c + 32 <= l && max_size >= 32);
    let next = h.try_alloc(32, AllocKind::Normal).unwrap();
    assert_eq!(next.addr(), c, "Rust fast path and JIT cursor disagree");
    // SAFETY: as above.
    assert_eq!(unsafe { (cursor_addr as *const usize).read() }, c + 32);
    // SAFETY: `next` is a fresh allocation.
    assert_eq!(unsafe { next.gc_word() }, gc_word_init);
    // Barrier bits: young clear, promoted set, remembered clear.
    let r = old_object(&mut h, &mut vm, 1);
    let o = vm.root(r).unwrap();
    let (y, _) = young(&mut h, &mut vm);
    assert!(!jit_unlogged(y));
    assert_eq!(jit_unlogged(o), h.is_unlogged(o));
    assert!(jit_unlogged(o));
    MockVm::set(&mut h, o, 0, Some(y));
    assert!(!jit_unlogged(o));
    h.collect_minor(&mut vm);
    assert!(jit_unlogged(vm.root(r).unwrap()));
}

#[test]
fn exhaustion_leaves_a_consistent_heap() {
    for m in POLICIES {
        let mut h = heap(m, |o| o.heap_limit = Some(512 << 10));
        let mut vm = MockVm::new();
        let mut n = 0;
        while vm
            .alloc(&mut h, 1, 10)
            .map(|o| vm.push_root(Some(o)))
            .is_ok()
        {
            n += 1;
        }
        assert!(n > 1000, "{m}: only {n} objects fit");
        // Dropping everything lets allocation succeed again.
        vm.clear_roots();
        h.collect(&mut vm, CollectReason::Explicit);
        vm.alloc(&mut h, 1, 10).expect("allocation after release");
        verify_heap(&h, &mut vm).unwrap();
    }
}

#[test]
fn nursery_size_options() {
    let mut o = GcOptions::new();
    o.heap_limit = Some(64 << 20);
    let h = GenerationalHeap::new(&o).unwrap();
    assert_eq!(
        h.config().nursery,
        8 << 20,
        "default: a quarter, at most 8 MiB"
    );
    o.add_opt("nursery_fraction=0.5").unwrap();
    let h = GenerationalHeap::new(&o).unwrap();
    assert_eq!(h.config().nursery, 32 << 20);
    o.add_opt("nursery=1M").unwrap();
    let h = GenerationalHeap::new(&o).unwrap();
    assert_eq!(h.config().nursery, 1 << 20, "fixed size wins");
    o.add_opt("nursery=64M").unwrap();
    assert!(
        GenerationalHeap::new(&o).is_err(),
        "nursery must fit the heap"
    );
}

#[test]
fn unlimited_heap_runs_full_collections_when_mature_grows() {
    for m in POLICIES {
        let mut h = heap(m, |o| {
            o.verify = false;
            o.add_opt("nursery=64k").unwrap();
            o.add_opt("initial_mature=256k").unwrap();
        });
        let mut vm = MockVm::new();
        let ring: Vec<usize> = (0..256).map(|_| vm.push_root(None)).collect();
        // Medium-lived objects: held in a ring of roots, most survive one
        // minor GC and then die old.
        for i in 0..200_000 {
            let o = vm.alloc(&mut h, 1, 2).unwrap();
            if i % 2 == 0 {
                vm.set_root(ring[(i / 2) % ring.len()], Some(o));
            }
        }
        let s = h.stats();
        assert!(
            s.pauses[0] > 0,
            "{m}: mature growth never triggered a full GC"
        );
        assert!(s.pauses[1] > s.pauses[0], "{m}: mostly minor collections");
        assert!(
            h.footprint_bytes() < 4 << 20,
            "{m}: mature space not recycled"
        );
    }
}

/// A VM that retains one unreachable young object during weak processing
/// and asks at once whether the address it got back is live.
struct ProbeVm {
    inner: MockVm,
    target: Option<ObjectRef>,
    observed: Option<bool>,
}

impl gc_api::VerifyObject for ProbeVm {}

impl gc_api::VmBinding for ProbeVm {
    fn object_size_static(o: ObjectRef) -> usize {
        MockVm::object_size_static(o)
    }
    fn scan_object<V: gc_api::SlotVisitor>(&self, o: ObjectRef, v: &mut V) {
        self.inner.scan_object(o, v)
    }
    fn scan_roots(&mut self, p: gc_api::RootPrecision, v: &mut dyn gc_api::RootVisitor) {
        self.inner.scan_roots(p, v)
    }
    fn process_weak(&mut self, ctx: &mut dyn gc_api::WeakContext) -> bool {
        match self.target.take() {
            Some(t) => {
                let n = ctx.retain(t);
                self.observed = Some(ctx.is_live(n) && ctx.is_live(t) && ctx.forwarded(t) == n);
                self.inner.resurrected.push(n);
                true
            }
            None => false,
        }
    }
}

#[test]
fn retained_objects_are_live_at_their_new_address_at_once() {
    for m in POLICIES {
        for full in [false, true] {
            let mut h = heap(m, |_| {});
            let mut vm = ProbeVm {
                inner: MockVm::new(),
                target: None,
                observed: None,
            };
            let o = vm.inner.alloc(&mut h, 1, 2).unwrap();
            let label = MockVm::label(o);
            vm.target = Some(o);
            if full {
                h.collect(&mut vm, CollectReason::Explicit);
            } else {
                h.collect_minor(&mut vm);
            }
            assert_eq!(vm.observed, Some(true), "{m} full={full}");
            let n = vm.inner.resurrected[0];
            assert_eq!(MockVm::label(n), label);
            assert_eq!(MockVm::data(n, 1), label as usize * 1000 + 1);
            assert!(!h.is_young(n));
            verify_heap(&h, &mut vm).unwrap();
        }
    }
}
