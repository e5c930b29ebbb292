//! Unit tests of the unified RC collector's own behaviour on the mock VM:
//! born-dead young objects, deferred stack counts, acyclic reclamation
//! without cycle collection, both cycle collectors, the reaper hand-off,
//! handles, coalescing, deep cascades, the budget.

use gc_api::mock::{MockVm, MockWeak};
use gc_api::{CollectReason, GcOptions, Heap, ObjectRef, verify_heap};
use gc_unified_rc::UnifiedRcHeap;

fn heap(opts: &[&str]) -> UnifiedRcHeap {
    let mut o = GcOptions::new();
    o.add_opt("verify_counts=1").unwrap();
    o.add_opt("cycle_every=0").unwrap();
    for kv in opts {
        o.add_opt(kv).unwrap();
    }
    o.verify = true;
    UnifiedRcHeap::new(&o).unwrap()
}

fn epoch(h: &mut UnifiedRcHeap, vm: &mut MockVm) {
    h.collect(vm, CollectReason::Poll);
}

/// A chain of `n` objects from a new root; returns the root index.
fn chain(h: &mut UnifiedRcHeap, vm: &mut MockVm, n: usize) -> usize {
    let r = vm.push_root(None);
    for _ in 0..n {
        let o = vm.alloc(h, 1, 0).unwrap();
        MockVm::set(h, o, 0, vm.root(r));
        vm.set_root(r, Some(o));
    }
    r
}

#[test]
fn young_garbage_is_born_dead_and_costs_no_count_work() {
    let mut h = heap(&[]);
    let mut vm = MockVm::new();
    let keep = vm.alloc(&mut h, 1, 1).unwrap();
    vm.push_root(Some(keep));
    for _ in 0..1000 {
        let o = vm.alloc(&mut h, 2, 1).unwrap();
        MockVm::set(&mut h, o, 0, Some(o));
    }
    epoch(&mut h, &mut vm);
    let s = h.stats();
    assert_eq!(s.counter("young_freed_objects"), 1000);
    assert_eq!(s.counter("young_survivors"), 1);
    assert_eq!(s.counter("rc_decrements"), 0);
    assert_eq!(vm.heap_labels(&h).len(), 1);
}

#[test]
fn stack_increments_are_temporary() {
    let mut h = heap(&[]);
    let mut vm = MockVm::new();
    let r = chain(&mut h, &mut vm, 3);
    let head = vm.root(r).unwrap();
    epoch(&mut h, &mut vm);
    assert_eq!(h.count_of(head), 1, "one root slot, no field references");
    let mid = MockVm::get(head, 0).unwrap();
    assert_eq!(h.count_of(mid), 1);
    // Dropping the root: the next epoch undoes the stack increment and the
    // whole chain dies by the acyclic cascade, with no cycle collection.
    vm.set_root(r, None);
    epoch(&mut h, &mut vm);
    assert!(vm.heap_labels(&h).is_empty());
    assert_eq!(h.stats().counter("rc_freed_objects"), 3);
    assert_eq!(h.stats().counter("cycle_collections"), 0);
}

#[test]
fn deep_chains_cascade_without_recursion() {
    let mut h = heap(&["verify_counts=0"]);
    let mut vm = MockVm::new();
    let r = chain(&mut h, &mut vm, 300_000);
    epoch(&mut h, &mut vm);
    vm.set_root(r, None);
    epoch(&mut h, &mut vm);
    assert_eq!(h.used_bytes(), 0);
}

fn cycle_is_found_only_by_cycle_collection(algorithm: &str) {
    let mut h = heap(&[algorithm]);
    let mut vm = MockVm::new();
    let a = vm.alloc(&mut h, 1, 0).unwrap();
    let ra = vm.push_root(Some(a));
    let b = vm.alloc(&mut h, 1, 0).unwrap();
    let a = vm.root(ra).unwrap();
    MockVm::set(&mut h, a, 0, Some(b));
    MockVm::set(&mut h, b, 0, Some(a));
    let leaf = vm.alloc(&mut h, 0, 2).unwrap();
    let b = MockVm::get(vm.root(ra).unwrap(), 0).unwrap();
    let rl = vm.push_root(Some(leaf));
    epoch(&mut h, &mut vm);
    // Old objects now: a store through the barrier hangs the leaf off b.
    MockVm::set(&mut h, b, 0, Some(leaf));
    MockVm::set(&mut h, b, 0, Some(vm.root(ra).unwrap()));
    vm.set_root(rl, None);
    vm.set_root(ra, None);
    epoch(&mut h, &mut vm);
    assert_eq!(vm.heap_labels(&h).len(), 2, "the cycle survives plain RC");
    h.collect(&mut vm, CollectReason::Explicit);
    assert!(
        vm.heap_labels(&h).is_empty(),
        "gc.collect() finds the cycle"
    );
    assert_eq!(h.stats().counter("cycle_garbage_objects"), 2);
}

#[test]
fn trial_deletion_finds_cycles() {
    cycle_is_found_only_by_cycle_collection("cycles=trial");
}

#[test]
fn backup_trace_finds_cycles() {
    cycle_is_found_only_by_cycle_collection("cycles=backup");
}

#[test]
fn barrier_coalesces_repeated_stores() {
    let mut h = heap(&[]);
    let mut vm = MockVm::new();
    let a = vm.alloc(&mut h, 1, 0).unwrap();
    vm.push_root(Some(a));
    let targets: Vec<usize> = (0..10)
        .map(|_| {
            let t = vm.alloc(&mut h, 0, 0).unwrap();
            vm.push_root(Some(t))
        })
        .collect();
    epoch(&mut h, &mut vm);
    let inc0 = h.stats().counter("rc_increments");
    let a = vm.root(0).unwrap();
    for &t in &targets {
        MockVm::set(&mut h, a, 0, vm.root(t));
    }
    epoch(&mut h, &mut vm);
    // 11 root increments + one increment for the single logged field.
    assert_eq!(h.stats().counter("rc_increments") - inc0, 12);

    let mut h = heap(&["coalesce=0"]);
    let mut vm = MockVm::new();
    let a = vm.alloc(&mut h, 1, 0).unwrap();
    vm.push_root(Some(a));
    let targets: Vec<usize> = (0..10)
        .map(|_| {
            let t = vm.alloc(&mut h, 0, 0).unwrap();
            vm.push_root(Some(t))
        })
        .collect();
    epoch(&mut h, &mut vm);
    let inc0 = h.stats().counter("rc_increments");
    let a = vm.root(0).unwrap();
    for &t in &targets {
        MockVm::set(&mut h, a, 0, vm.root(t));
    }
    epoch(&mut h, &mut vm);
    assert_eq!(h.stats().counter("rc_increments") - inc0, 21);
}

#[test]
fn retained_candidates_hold_their_children_until_they_die_for_good() {
    let mut h = heap(&[]);
    let mut vm = MockVm::new();
    // An old finalizable object with an old child, dropped by the stack.
    let b = vm.alloc(&mut h, 1, 0).unwrap();
    let rb = vm.push_root(Some(b));
    let c = vm.alloc(&mut h, 0, 1).unwrap();
    let b = vm.root(rb).unwrap();
    MockVm::set(&mut h, b, 0, Some(c));
    epoch(&mut h, &mut vm);
    vm.finalizable.push(b);
    vm.weaks.push(MockWeak { referent: Some(c) });
    vm.set_root(rb, None);
    epoch(&mut h, &mut vm);
    assert_eq!(vm.finalized, vec![MockVm::label(b)]);
    assert_eq!(h.pending_len(), 1);
    assert!(h.is_counted(c), "the held child is intact");
    assert_eq!(vm.weaks[0].referent, Some(c));
    // The mock "resurrects" through a root; once that goes, b dies without
    // a second finalization, and its child with it.
    vm.resurrected.clear();
    epoch(&mut h, &mut vm);
    assert_eq!(vm.finalized.len(), 1);
    assert_eq!(vm.weaks[0].referent, None);
    assert!(vm.heap_labels(&h).is_empty());
    assert!(h.stats().counter("reaper_handoff_last_ns") > 0);
}

#[test]
fn handles_are_counted_roots() {
    let mut h = heap(&[]);
    let mut vm = MockVm::new();
    let o = vm.alloc(&mut h, 1, 1).unwrap();
    let r = vm.push_root(Some(o));
    let child = vm.alloc(&mut h, 0, 1).unwrap();
    let o = vm.root(r).unwrap();
    MockVm::set(&mut h, o, 0, Some(child));
    // Native code takes two handles to the young object, then the VM
    // forgets it: it survives (and is counted) while a handle is held.
    assert_eq!(h.acquire_handle(o), Ok(1));
    assert_eq!(h.acquire_handle(o), Ok(2));
    vm.set_root(r, None);
    h.collect(&mut vm, CollectReason::Explicit);
    assert!(h.is_valid_object(o) && h.is_counted(o));
    assert_eq!(h.count_of(o), 1, "handles count once, however many");
    assert_eq!(MockVm::get(o, 0), Some(child));
    assert_eq!(h.release_handle(o), Ok(1));
    h.collect(&mut vm, CollectReason::Explicit);
    assert!(h.is_valid_object(o));
    assert_eq!(h.release_handle(o), Ok(0));
    assert!(h.release_handle(o).is_err());
    h.collect(&mut vm, CollectReason::Explicit);
    assert!(vm.heap_labels(&h).is_empty());
    // A handled object in a garbage cycle keeps the cycle (both algorithms).
    for alg in ["cycles=trial", "cycles=backup"] {
        let mut h = heap(&[alg]);
        let mut vm = MockVm::new();
        let a = vm.alloc(&mut h, 1, 0).unwrap();
        let ra = vm.push_root(Some(a));
        let b = vm.alloc(&mut h, 1, 0).unwrap();
        let a = vm.root(ra).unwrap();
        MockVm::set(&mut h, a, 0, Some(b));
        MockVm::set(&mut h, b, 0, Some(a));
        h.acquire_handle(b).unwrap();
        vm.set_root(ra, None);
        h.collect(&mut vm, CollectReason::Explicit);
        assert_eq!(vm.heap_labels(&h).len(), 2, "{alg}");
        h.release_handle(b).unwrap();
        h.collect(&mut vm, CollectReason::Explicit);
        assert!(vm.heap_labels(&h).is_empty(), "{alg}");
    }
}

#[test]
fn other_collectors_report_handles_unsupported_by_default() {
    let mut h = gc_api::none::NoneHeap::new(&GcOptions::new()).unwrap();
    let o = ObjectRef::from_addr(0x1000).unwrap();
    assert_eq!(h.acquire_handle(o), Err(gc_api::HandleError::Unsupported));
}

#[test]
fn out_of_memory_after_a_full_collection() {
    let mut o = GcOptions::new();
    o.heap_limit = Some(256 << 10);
    let mut h = UnifiedRcHeap::new(&o).unwrap();
    let mut vm = MockVm::new();
    // A live cycle-free list fills the heap; garbage cycles on the way are
    // reclaimed by the full collection before giving up.
    let r = vm.push_root(None);
    let mut n = 0;
    loop {
        let g = match vm.alloc(&mut h, 1, 4) {
            Ok(g) => g,
            Err(e) => {
                assert_eq!(e.limit, 256 << 10);
                break;
            }
        };
        MockVm::set(&mut h, g, 0, Some(g));
        let Ok(o) = vm.alloc(&mut h, 1, 4) else { break };
        MockVm::set(&mut h, o, 0, vm.root(r));
        vm.set_root(r, Some(o));
        n += 1;
    }
    assert!(n * MockVm::size_of(1, 4) > 100 << 10, "only {n} fit");
    verify_heap(&h, &mut vm).unwrap();
    assert!(h.used_bytes() <= h.limit_bytes());
}

#[test]
fn verify_counts_detects_a_missing_barrier() {
    let mut h = heap(&["verify_counts=0"]);
    let mut vm = MockVm::new();
    let a = vm.alloc(&mut h, 1, 0).unwrap();
    let ra = vm.push_root(Some(a));
    let b = vm.alloc(&mut h, 0, 0).unwrap();
    vm.push_root(Some(b));
    epoch(&mut h, &mut vm);
    let a = vm.root(ra).unwrap();
    // A store into an old object that bypasses the barrier.
    MockVm::slot(a, 0).store(vm.root(1).unwrap());
    assert!(h.check_counts(&vm).is_err());
}

#[test]
fn retained_cycle_members_are_collected_at_the_next_epoch() {
    for alg in ["cycles=trial", "cycles=backup"] {
        let mut h = heap(&[alg]);
        let mut vm = MockVm::new();
        let a = vm.alloc(&mut h, 1, 0).unwrap();
        let ra = vm.push_root(Some(a));
        let b = vm.alloc(&mut h, 1, 0).unwrap();
        let a = vm.root(ra).unwrap();
        MockVm::set(&mut h, a, 0, Some(b));
        MockVm::set(&mut h, b, 0, Some(a));
        epoch(&mut h, &mut vm);
        vm.finalizable.push(a);
        vm.set_root(ra, None);
        h.collect(&mut vm, CollectReason::Explicit);
        assert_eq!(vm.finalized, vec![MockVm::label(a)], "{alg}");
        assert_eq!(vm.heap_labels(&h).len(), 2, "{alg}: the unit is held");
        // While the VM's queue (here: `resurrected`, a root) still names the
        // member, it stays; no verdict can be given yet.
        epoch(&mut h, &mut vm);
        assert_eq!(vm.heap_labels(&h).len(), 2, "{alg}: still queued");
        assert_eq!(h.pending_len(), 1, "{alg}");
        vm.resurrected.clear();
        // The held member is referenced by its own cycle: its count is not
        // 0, so only the cycle collector can find it, which it must at the
        // very next epoch, even a plain one (the reaper's watch list reads
        // "still live" as "resurrected").
        epoch(&mut h, &mut vm);
        assert!(vm.heap_labels(&h).is_empty(), "{alg}");
        assert_eq!(vm.finalized.len(), 1);
    }
}

#[test]
fn region_barrier_logs_each_slot_once() {
    for mode in ["coalesce=1", "coalesce=0"] {
        let mut h = heap(&[mode]);
        let mut vm = MockVm::new();
        let a = vm.alloc(&mut h, 4, 0).unwrap();
        vm.push_root(Some(a));
        let t = vm.alloc(&mut h, 0, 0).unwrap();
        vm.push_root(Some(t));
        let a = vm.root(0).unwrap();
        // Initialising stores into the young object: no barrier needed.
        for i in 0..4 {
            MockVm::slot(a, i).store(t);
        }
        epoch(&mut h, &mut vm);
        // A bulk overwrite of slots 1..3, reported as one region, then a
        // barriered store into a slot of the region.
        let (a, t) = (vm.root(0).unwrap(), vm.root(1).unwrap());
        h.write_region(a, MockVm::slot(a, 1), 3);
        let u = vm.alloc(&mut h, 0, 0).unwrap();
        for i in 1..4 {
            MockVm::slot(a, i).store(u);
        }
        MockVm::set(&mut h, a, 2, Some(t));
        epoch(&mut h, &mut vm);
        assert_eq!(h.count_of(t), 3, "{mode}: root + slots 0 and 2");
        assert_eq!(h.count_of(u), 2, "{mode}: slots 1 and 3");
    }
}
