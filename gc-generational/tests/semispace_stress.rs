//! `mature=semispace` under `--gc-stress` (a minor collection per
//! allocation, a full one every `full_every`-th), verifying the heap after
//! every collection (`verify`) and after every mutator step.
//!
//! Written while chasing a "root slot -> inside the heap but not at an
//! object start" report from the VM under this configuration. The culprit
//! was the VM (a Rust local holding a mature object across a safepoint:
//! `init_sys`, `unraisable_args`), not the collector; these tests pin down
//! the collector's side of the contract: every allocation under stress,
//! pretenured and immortal ones included, is a safepoint that may move
//! mature semispace objects, and precise roots, weak references and
//! finalization survivors are all updated.

use gc_api::mock::{MockVm, MockWeak, XorShift};
use gc_api::{AllocKind, GcOptions, Heap, VmBinding, verify_heap};
use gc_generational::GenerationalHeap;

fn stress_heap(full_every: usize) -> GenerationalHeap {
    let mut o = GcOptions::new();
    o.verify = true;
    o.stress = true;
    o.add_opt("mature=semispace").unwrap();
    o.add_opt("arena=64M").unwrap();
    o.add_opt(&format!("full_every={full_every}")).unwrap();
    GenerationalHeap::new(&o).expect("options")
}

fn data_words(o: gc_api::ObjectRef) -> usize {
    (MockVm::object_size_static(o) - MockVm::size_of(MockVm::slot_count(o), 0)) / 8
}

#[test]
fn semispace_stress_keeps_the_heap_valid_over_many_collections() {
    for full_every in [2, 3, 5, 7, 8, 13] {
        for seed in 1..4u64 {
            let mut h = stress_heap(full_every);
            let mut vm = MockVm::new();
            let mut rng = XorShift::new(seed * 31 + full_every as u64);
            let keep = vm.push_root(None);
            for i in 0..300 {
                let kind = match rng.below(10) {
                    0 => AllocKind::NonMoving,
                    1 => AllocKind::Immortal,
                    _ => AllocKind::Normal,
                };
                let o = vm.alloc_kind(&mut h, 2, rng.below(3), kind).unwrap();
                if rng.chance(0.5) {
                    MockVm::set(&mut h, o, 0, vm.root(keep));
                    vm.set_root(keep, Some(o));
                }
                if kind != AllocKind::Immortal && rng.chance(0.2) {
                    vm.finalizable.push(o);
                }
                if rng.chance(0.2) {
                    vm.weaks.push(MockWeak { referent: Some(o) });
                }
                if i % 41 == 40 {
                    vm.set_root(keep, None);
                }
                if rng.chance(0.3) {
                    // The "finalizers" ran: the survivors may die now.
                    vm.resurrected.clear();
                }
                verify_heap(&h, &mut vm).unwrap_or_else(|e| {
                    panic!("full_every={full_every} seed={seed} step {i}: {e}")
                });
                // The kept list is intact (labels and data words).
                let mut p = vm.root(keep);
                while let Some(x) = p {
                    if MockVm::slot_count(x) == 2 && MockVm::get(x, 1).is_none() {
                        let label = MockVm::label(x) as usize;
                        for d in 0..data_words(x) {
                            assert_eq!(MockVm::data(x, d), label * 1000 + d);
                        }
                    }
                    p = MockVm::get(x, 0);
                }
            }
            assert!(h.stats().pauses[0] > 0, "no full collection ran");
        }
    }
}

/// Under stress, a pretenured (immortal) allocation runs a collection
/// first, which may be full and evacuate the mature semispace: a reference
/// held across it outside the roots is stale afterwards.
#[test]
fn direct_allocations_are_safepoints_that_move_semispace_objects() {
    let mut h = stress_heap(2);
    let mut vm = MockVm::new();
    let o = vm.alloc(&mut h, 1, 1).unwrap();
    let r = vm.push_root(Some(o));
    // Promote it (a minor or full collection runs per allocation).
    vm.alloc(&mut h, 0, 0).unwrap();
    let mut moved = false;
    for _ in 0..4 {
        let before = vm.root(r).unwrap();
        let label = MockVm::label(before);
        assert!(!h.is_young(before));
        vm.alloc_kind(&mut h, 0, 1, AllocKind::Immortal).unwrap();
        let after = vm.root(r).unwrap();
        assert_eq!(MockVm::label(after), label);
        assert!(h.is_valid_object(after));
        if after != before {
            moved = true;
            assert!(!h.is_valid_object(before), "the old copy is reclaimed");
        }
    }
    assert!(
        moved,
        "a full collection at a direct allocation moves semispace objects"
    );
}
