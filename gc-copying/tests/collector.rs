//! Behaviour of the copying heap on the mock VM: moving, the non-moving
//! space, immortals, poisoning, sizing, options, stats and the JIT data.

use gc_api::jit::AllocFastPath;
use gc_api::mock::{MockVm, MockWeak, XorShift, conformance};
use gc_api::{AllocKind, CollectReason, GcOptions, Heap, ObjectRef};
use gc_copying::{CopyingHeap, DEFAULT_LARGE, word};

fn heap(f: impl FnOnce(&mut GcOptions)) -> CopyingHeap {
    let mut o = GcOptions::new();
    o.verify = true;
    f(&mut o);
    CopyingHeap::new(&o).expect("options")
}

/// Data words that make a mock object larger than the default threshold.
const BIG_DATA: usize = DEFAULT_LARGE / 8;

#[test]
fn stress_moves_every_reachable_object_at_every_allocation() {
    let mut h = heap(|o| o.stress = true);
    let mut vm = MockVm::new();
    let mut rng = XorShift::new(11);
    vm.random_graph(&mut h, &mut rng, 120, 3, 0.5, 5).unwrap();
    let snap = vm.snapshot();
    for _ in 0..20 {
        let before = conformance::addresses(&vm);
        assert!(!before.is_empty());
        vm.alloc(&mut h, 1, 1).unwrap();
        let after = conformance::addresses(&vm);
        assert_eq!(before.len(), after.len());
        for (label, addr) in &before {
            assert_ne!(after[label], *addr, "object {label} did not move");
        }
    }
    assert_eq!(snap, vm.snapshot());
    assert!(h.stats().total_pauses() >= 20);
}

#[test]
fn large_objects_do_not_move_and_are_swept_when_dead() {
    let mut h = heap(|_| {});
    let mut vm = MockVm::new();
    let big = vm.alloc(&mut h, 2, BIG_DATA).unwrap();
    let rb = vm.push_root(Some(big));
    let small = vm.alloc(&mut h, 0, 3).unwrap();
    let big = vm.root(rb).unwrap();
    MockVm::set(&mut h, big, 0, Some(small));
    let small_label = MockVm::label(small);
    let big_label = MockVm::label(big);
    for _ in 0..3 {
        h.collect(&mut vm, CollectReason::Explicit);
        assert_eq!(vm.root(rb), Some(big), "large object moved");
        let s = MockVm::get(big, 0).expect("child kept");
        assert_eq!(MockVm::label(s), small_label);
        assert_eq!(MockVm::data(s, 2), small_label as usize * 1000 + 2);
        assert_eq!(
            MockVm::data(big, BIG_DATA - 1),
            big_label as usize * 1000 + BIG_DATA - 1
        );
    }
    assert_ne!(
        MockVm::get(big, 0),
        Some(small),
        "semispace child should move"
    );
    assert_eq!(h.stats().counter("los_objects"), 1);
    let size = MockVm::size_of(2, BIG_DATA) as u64;
    assert_eq!(h.stats().counter("los_bytes"), size);
    let freed = h.stats().bytes_freed;
    vm.set_root(rb, None);
    h.collect(&mut vm, CollectReason::Explicit);
    assert_eq!(h.stats().counter("los_objects"), 0);
    assert!(h.stats().bytes_freed >= freed + size);
    assert!(vm.heap_labels(&h).is_empty());
    assert_eq!(h.used_bytes(), 0);
}

#[test]
fn nonmoving_and_large_kinds_use_the_nonmoving_space() {
    let mut h = heap(|_| {});
    let mut vm = MockVm::new();
    let a = vm.alloc_kind(&mut h, 1, 0, AllocKind::NonMoving).unwrap();
    let ra = vm.push_root(Some(a));
    let b = vm.alloc_kind(&mut h, 0, 1, AllocKind::Large).unwrap();
    let a = vm.root(ra).unwrap();
    MockVm::set(&mut h, a, 0, Some(b));
    vm.pinned.push(a);
    vm.set_root(ra, None);
    h.collect(&mut vm, CollectReason::Explicit);
    assert_eq!(MockVm::get(a, 0), Some(b));
    assert_eq!(vm.heap_labels(&h).len(), 2);
    vm.pinned.clear();
    h.collect(&mut vm, CollectReason::Explicit);
    assert!(vm.heap_labels(&h).is_empty());
}

#[test]
#[should_panic(expected = "AllocKind::NonMoving")]
fn pinning_a_semispace_object_is_a_vm_bug() {
    let mut h = heap(|_| {});
    let mut vm = MockVm::new();
    let a = vm.alloc(&mut h, 1, 0).unwrap();
    vm.pinned.push(a);
    h.collect(&mut vm, CollectReason::Explicit);
}

#[test]
fn immortal_objects_survive_and_keep_their_referents_alive() {
    let mut h = heap(|o| o.stress = true);
    let mut vm = MockVm::new();
    let imm = vm.alloc_kind(&mut h, 2, 1, AllocKind::Immortal).unwrap();
    let child = vm.alloc(&mut h, 1, 2).unwrap();
    let rc = vm.push_root(Some(child));
    let grandchild = vm.alloc(&mut h, 0, 1).unwrap();
    let child = vm.root(rc).unwrap();
    let (lc, lg) = (MockVm::label(child), MockVm::label(grandchild));
    MockVm::set(&mut h, child, 0, Some(grandchild));
    MockVm::set(&mut h, imm, 1, Some(child));
    // From now on only the immortal holds them.
    vm.clear_roots();
    for _ in 0..5 {
        h.collect(&mut vm, CollectReason::Explicit);
        let c = MockVm::get(imm, 1).expect("child of an immortal kept");
        assert_eq!(MockVm::label(c), lc);
        assert_eq!(MockVm::data(c, 1), lc as usize * 1000 + 1);
        let g = MockVm::get(c, 0).expect("grandchild kept");
        assert_eq!(MockVm::label(g), lg);
    }
    assert_eq!(vm.heap_labels(&h).len(), 3);
    // The immortal itself is never freed, even when nothing references it.
    MockVm::set(&mut h, imm, 1, None);
    h.collect(&mut vm, CollectReason::Explicit);
    assert_eq!(vm.heap_labels(&h), vec![MockVm::label(imm)]);
}

#[test]
fn from_space_is_poisoned_after_a_stress_flip() {
    let mut h = heap(|o| o.stress = true);
    let mut vm = MockVm::new();
    let a = vm.alloc(&mut h, 1, 2).unwrap();
    vm.push_root(Some(a));
    let old = a.addr();
    vm.alloc(&mut h, 0, 0).unwrap();
    assert_ne!(vm.root(0).unwrap().addr(), old);
    // The old copy is in the (empty) reserve space, overwritten.
    let (lo, hi) = h.reserve_range();
    assert!(old >= lo && old < hi);
    // SAFETY: the reserve semispace is memory the heap still owns.
    let words = unsafe { [a.gc_word(), a.vm_word(), a.word_ptr(16).read()] };
    assert_eq!(words, [word::POISON; 3]);
    assert!(!h.is_valid_object(a));
    assert!(h.contains(old));
}

#[test]
#[should_panic(expected = "stale reference")]
fn a_stale_root_is_caught_at_the_next_collection() {
    let mut h = heap(|o| o.stress = true);
    let mut vm = MockVm::new();
    let a = vm.alloc(&mut h, 0, 1).unwrap();
    let r = vm.push_root(Some(a));
    vm.alloc(&mut h, 0, 1).unwrap();
    // Pretend the VM forgot to update a slot: put the old address back.
    vm.set_root(r, Some(a));
    h.collect(&mut vm, CollectReason::Explicit);
}

#[test]
fn no_poisoning_without_stress_unless_asked() {
    let mut h = heap(|_| {});
    let mut vm = MockVm::new();
    let a = vm.alloc(&mut h, 0, 1).unwrap();
    vm.push_root(Some(a));
    h.collect(&mut vm, CollectReason::Explicit);
    // SAFETY: the reserve semispace is memory the heap still owns.
    assert_ne!(unsafe { a.vm_word() }, word::POISON);
    let mut h = heap(|o| o.add_opt("poison=1").unwrap());
    let a = vm.alloc(&mut h, 0, 1).unwrap();
    vm.set_root(0, Some(a));
    h.collect(&mut vm, CollectReason::Explicit);
    // SAFETY: as above.
    assert_eq!(unsafe { a.vm_word() }, word::POISON);
}

#[test]
fn unlimited_heap_grows_when_survival_is_high() {
    let mut h = heap(|o| {
        o.verify = false;
        o.add_opt("semi=64k").unwrap();
    });
    let mut vm = MockVm::new();
    let head = vm.push_root(None);
    // A 4 MiB linked list, all live.
    let node = MockVm::size_of(1, 6);
    let n = (4 << 20) / node;
    for _ in 0..n {
        let o = vm.alloc(&mut h, 1, 6).unwrap();
        MockVm::set(&mut h, o, 0, vm.root(head));
        vm.set_root(head, Some(o));
    }
    let live = n * node;
    assert!(h.semispace_bytes() >= live, "semispace did not grow");
    // Doubling from 64K to >= 8M takes a handful of collections, not one per
    // semispace-full of live data.
    let pauses = h.stats().total_pauses();
    assert!(pauses < 30, "thrashing: {pauses} collections");
    // The reserve grew at the last collection; the next one copies into it.
    h.collect(&mut vm, CollectReason::Explicit);
    h.collect(&mut vm, CollectReason::Explicit);
    let permille = h.stats().counter("survival_rate_permille");
    assert!(permille > 900, "all of it is live: {permille}");
    assert!((live as f64) <= 0.5 * h.semispace_bytes() as f64 + node as f64);
    // Walk the list: intact.
    let mut count = 0;
    let mut p = vm.root(head);
    while let Some(o) = p {
        count += 1;
        p = MockVm::get(o, 0);
    }
    assert_eq!(count, n);
}

#[test]
fn limited_heap_stays_in_budget_with_large_objects() {
    let limit = 2 << 20;
    let mut h = heap(|o| {
        o.verify = false;
        o.heap_limit = Some(limit);
    });
    let mut vm = MockVm::new();
    let mut rng = XorShift::new(3);
    let keep: Vec<usize> = (0..16).map(|_| vm.push_root(None)).collect();
    for i in 0..20_000 {
        let o = if i % 50 == 0 {
            vm.alloc(&mut h, 1, BIG_DATA + rng.below(4096)).unwrap()
        } else {
            vm.alloc(&mut h, 2, rng.below(8)).unwrap()
        };
        if rng.chance(0.05) {
            vm.set_root(keep[rng.below(keep.len())], Some(o));
        }
        assert!(h.footprint_bytes() <= limit, "over budget at {i}");
        assert!(h.used_bytes() <= limit);
    }
    assert!(h.stats().peak_heap <= limit);
    assert!(h.stats().counter("los_bytes") > 0 || h.stats().bytes_freed > 0);
}

#[test]
fn large_object_exhaustion_is_reported() {
    let limit = 256 << 10;
    let mut h = heap(|o| o.heap_limit = Some(limit));
    let mut vm = MockVm::new();
    let mut n = 0;
    let err = loop {
        match vm.alloc(&mut h, 0, BIG_DATA) {
            Ok(o) => {
                vm.push_root(Some(o));
                n += 1;
            }
            Err(e) => break e,
        }
        assert!(n < 1000);
    };
    assert_eq!(err.limit, limit);
    assert_eq!(err.requested, MockVm::size_of(0, BIG_DATA));
    assert!(n >= 10, "only {n} large objects fit in {limit}");
    assert!(h.footprint_bytes() <= limit);
    // Small objects still fit in what the semispaces keep.
    vm.alloc(&mut h, 1, 1).unwrap();
}

#[test]
fn weak_references_to_nonmoving_objects() {
    let mut h = heap(|_| {});
    let mut vm = MockVm::new();
    let live = vm.alloc(&mut h, 0, BIG_DATA).unwrap();
    vm.push_root(Some(live));
    let dead = vm.alloc(&mut h, 0, BIG_DATA).unwrap();
    let fin = vm.alloc(&mut h, 1, BIG_DATA).unwrap();
    let child = vm.alloc(&mut h, 0, 1).unwrap();
    MockVm::set(&mut h, fin, 0, Some(child));
    for r in [live, dead, fin, child] {
        vm.weaks.push(MockWeak { referent: Some(r) });
    }
    vm.finalizable.push(fin);
    h.collect(&mut vm, CollectReason::Explicit);
    assert_eq!(vm.weaks[0].referent, Some(live));
    assert_eq!(vm.weaks[1].referent, None);
    assert_eq!(
        vm.weaks[2].referent,
        Some(fin),
        "retained large object kept"
    );
    let c2 = vm.weaks[3].referent.expect("child of retained object kept");
    assert_eq!(MockVm::get(fin, 0), Some(c2));
    assert_eq!(vm.finalized, vec![MockVm::label(fin)]);
    vm.resurrected.clear();
    h.collect(&mut vm, CollectReason::Explicit);
    assert_eq!(vm.weaks[2].referent, None);
    assert_eq!(vm.weaks[3].referent, None);
    assert_eq!(vm.heap_labels(&h), vec![MockVm::label(live)]);
}

#[test]
fn stats_count_allocation_copying_and_freeing() {
    let mut h = heap(|_| {});
    let mut vm = MockVm::new();
    let size = MockVm::size_of(1, 1) as u64;
    for _ in 0..100 {
        vm.alloc(&mut h, 1, 1).unwrap();
    }
    let kept = vm.alloc(&mut h, 1, 1).unwrap();
    vm.push_root(Some(kept));
    assert_eq!(h.stats().bytes_allocated, 101 * size);
    assert_eq!(h.stats().objects_allocated, 101);
    h.collect(&mut vm, CollectReason::Explicit);
    let s = h.stats();
    assert_eq!(s.pauses[0], 1, "one full pause");
    assert_eq!(s.bytes_copied, size);
    assert_eq!(s.bytes_freed, 100 * size);
    assert_eq!(s.peak_heap as u64, 101 * size);
    assert_eq!(s.counter("survival_rate_permille"), 1000 / 101);
    assert_eq!(s.counter("semispace_bytes"), h.semispace_bytes() as u64);
    assert_eq!(h.used_bytes() as u64, size);
    let block = s.format_block(std::time::Duration::from_millis(1));
    for k in [
        "survival_rate_permille",
        "los_objects",
        "los_bytes",
        "semispace_bytes",
    ] {
        assert!(block.contains(k), "{k} missing from\n{block}");
    }
}

#[test]
fn options_are_checked() {
    let mut o = GcOptions::new();
    o.add_opt("bogus=1").unwrap();
    assert!(CopyingHeap::new(&o).is_err());
    let mut o = GcOptions::new();
    o.add_opt("grow_at=1.5").unwrap();
    assert!(CopyingHeap::new(&o).is_err());
    let mut o = GcOptions::new();
    o.add_opt("large=4k").unwrap();
    o.add_opt("semi=256k").unwrap();
    o.add_opt("grow_at=0.25").unwrap();
    o.add_opt("trace_finalization=1").unwrap();
    let h = CopyingHeap::new(&o).unwrap();
    assert_eq!(h.semispace_bytes(), 256 << 10);
    assert_eq!(h.limit_bytes(), usize::MAX);
}

#[test]
fn jit_descriptor_publishes_a_stable_bump_pointer() {
    let h = heap(|_| {});
    let d = h.jit_descriptor();
    // Moving the heap value must not move the cursor/limit words.
    let mut boxed = Box::new(h);
    assert_eq!(boxed.jit_descriptor(), d);
    let AllocFastPath::Bump {
        cursor_addr,
        limit_addr,
        max_size,
        gc_word_init,
    } = d.alloc
    else {
        panic!("expected a bump fast path, got {d:?}");
    };
    assert_eq!(max_size, DEFAULT_LARGE);
    assert_eq!(gc_word_init, word::FRESH);
    let o = boxed.try_alloc(32, AllocKind::Normal).unwrap();
    // SAFETY: the descriptor's addresses point into the live heap's box.
    let (cursor, limit) = unsafe {
        (
            *(cursor_addr as *const usize),
            *(limit_addr as *const usize),
        )
    };
    assert_eq!(cursor, o.addr() + 32);
    assert_eq!(limit - boxed.current_range().0, boxed.semispace_bytes());
    // A JIT-style bump through the descriptor is seen by the Rust path.
    // SAFETY: as above; 48 bytes fit (the space is 1 MiB).
    unsafe { *(cursor_addr as *mut usize) = cursor + 48 };
    let p = boxed.try_alloc(16, AllocKind::Normal).unwrap();
    assert_eq!(p.addr(), cursor + 48);

    let s = heap(|o| o.stress = true);
    assert_eq!(s.jit_descriptor(), gc_api::JitDescriptor::slow_paths_only());
    let mut s = s;
    assert!(s.try_alloc(32, AllocKind::Normal).is_none());
}

#[test]
fn objects_above_the_threshold_never_take_the_fast_path() {
    let mut h = heap(|o| o.add_opt("large=1k").unwrap());
    assert!(h.try_alloc(1024, AllocKind::Normal).is_some());
    assert!(h.try_alloc(1032, AllocKind::Normal).is_none());
    assert!(h.try_alloc(32, AllocKind::Immortal).is_none());
    let mut vm = MockVm::new();
    let o: ObjectRef = vm.alloc(&mut h, 0, 200).unwrap();
    let (lo, hi) = h.current_range();
    assert!(
        o.addr() < lo || o.addr() >= hi,
        "large object in a semispace"
    );
}
