//! Property tests: random mock-VM graphs, mutated through the barrier,
//! under random collector configurations. After every epoch each count
//! equals the true in-degree (the tracing oracle); after every explicit
//! collection the reachable graph is unchanged and exactly the reachable
//! objects remain.

use gc_api::mock::{MockVm, XorShift};
use gc_api::{CollectReason, GcOptions, Heap, verify_heap};
use gc_unified_rc::UnifiedRcHeap;
use proptest::prelude::*;

fn mutate(h: &mut UnifiedRcHeap, vm: &mut MockVm, rng: &mut XorShift, n: usize) {
    if vm.root_count() > 0 {
        let r = rng.below(vm.root_count());
        vm.set_root(r, None);
    }
    vm.random_graph(h, rng, n, 3, 0.5, 2).unwrap();
    let live: Vec<_> = (0..vm.root_count()).filter_map(|i| vm.root(i)).collect();
    for _ in 0..2 * live.len() {
        let a = live[rng.below(live.len())];
        let b = live[rng.below(live.len())];
        if MockVm::slot_count(a) > 0 {
            let i = rng.below(MockVm::slot_count(a));
            let v = if rng.chance(0.2) { None } else { Some(b) };
            MockVm::set(h, a, i, v);
        }
    }
}

fn run(seed: u64, opts: &[&str], stress: bool, n: usize) {
    let mut o = GcOptions::new();
    o.stress = stress;
    for kv in opts {
        o.add_opt(kv).unwrap();
    }
    o.add_opt("cycle_every=0").unwrap();
    let mut h = UnifiedRcHeap::new(&o).unwrap();
    let mut vm = MockVm::new();
    let mut rng = XorShift::new(seed);
    let roots = 1 + rng.below(6);
    vm.random_graph(&mut h, &mut rng, n, 4, 0.4, roots).unwrap();
    for round in 0..4 {
        mutate(&mut h, &mut vm, &mut rng, n / 3);
        let before = vm.snapshot();
        // A plain epoch (no cycle collection): counts must be exact.
        h.collect(&mut vm, CollectReason::Poll);
        h.check_counts(&vm)
            .unwrap_or_else(|e| panic!("round {round}: {e}"));
        assert_eq!(before, vm.snapshot(), "epoch changed the graph");
        // A full collection: exactly the reachable objects remain.
        h.collect(&mut vm, CollectReason::Explicit);
        h.check_counts(&vm)
            .unwrap_or_else(|e| panic!("round {round}: {e}"));
        let after = vm.snapshot();
        assert_eq!(before, after, "reachable graph changed");
        assert_eq!(vm.heap_labels(&h), after.labels(), "garbage survived");
        verify_heap(&h, &mut vm).unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn counts_are_exact_and_garbage_is_found(
        seed in any::<u64>(),
        cycles in prop::sample::select(vec!["cycles=trial", "cycles=backup"]),
        coalesce in prop::sample::select(vec!["coalesce=1", "coalesce=0"]),
        young in prop::sample::select(vec!["young=trace", "young=count"]),
        n in 20usize..400,
    ) {
        run(seed, &[cycles, coalesce, young], false, n);
    }

    #[test]
    fn counts_are_exact_under_stress(
        seed in any::<u64>(),
        cycles in prop::sample::select(vec!["cycles=trial", "cycles=backup"]),
        n in 10usize..80,
    ) {
        run(seed, &[cycles], true, n);
    }
}
