//! Property tests: random mock-VM graphs under random heap configurations.
//! After every collection the reachable graph is unchanged (labels, slots,
//! data), exactly the reachable objects remain, every semispace object has
//! moved, every non-moving object has not, and the heap verifies.

use gc_api::mock::{MockVm, XorShift, conformance};
use gc_api::{CollectReason, GcOptions, Heap, verify_heap};
use gc_copying::CopyingHeap;
use proptest::prelude::*;

fn check_collection(h: &mut CopyingHeap, vm: &mut MockVm) {
    let before = vm.snapshot();
    let addrs = conformance::addresses(vm);
    let (lo, hi) = h.current_range();
    h.collect(vm, CollectReason::Explicit);
    let after = vm.snapshot();
    assert_eq!(before, after, "reachable graph changed");
    assert_eq!(vm.heap_labels(h), after.labels(), "garbage survived");
    verify_heap(h, vm).unwrap();
    let now = conformance::addresses(vm);
    for (label, &a) in &addrs {
        let in_semispace = a >= lo && a < hi;
        assert_eq!(
            now[label] != a,
            in_semispace,
            "object {label} at {a:#x}: moved must equal was-in-semispace"
        );
    }
    assert!(h.footprint_bytes() <= h.limit_bytes());
}

fn run(seed: u64, stress: bool, large: &str, limit: Option<usize>, n: usize) {
    let mut o = GcOptions::new();
    o.stress = stress;
    o.heap_limit = limit;
    o.add_opt(&format!("large={large}")).unwrap();
    o.add_opt("semi=16k").unwrap();
    let mut h = CopyingHeap::new(&o).unwrap();
    let mut vm = MockVm::new();
    let mut rng = XorShift::new(seed);
    let roots = 1 + rng.below(6);
    vm.random_graph(&mut h, &mut rng, n, 4, 0.4, roots).unwrap();
    check_collection(&mut h, &mut vm);
    for _ in 0..3 {
        // Mutate: drop a root, grow the graph, rewire reachable objects.
        if vm.root_count() > 0 {
            let r = rng.below(vm.root_count());
            vm.set_root(r, None);
        }
        vm.random_graph(&mut h, &mut rng, n / 3, 3, 0.5, 2).unwrap();
        let live: Vec<_> = (0..vm.root_count()).filter_map(|i| vm.root(i)).collect();
        for _ in 0..live.len() {
            let a = live[rng.below(live.len())];
            let b = live[rng.below(live.len())];
            if MockVm::slot_count(a) > 0 {
                let i = rng.below(MockVm::slot_count(a));
                MockVm::set(&mut h, a, i, Some(b));
            }
        }
        check_collection(&mut h, &mut vm);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_graphs_survive_exactly(
        seed in any::<u64>(),
        large in prop::sample::select(vec!["64", "16k"]),
        limited in any::<bool>(),
        n in 20usize..600,
    ) {
        run(seed, false, large, limited.then_some(4 << 20), n);
    }

    #[test]
    fn random_graphs_survive_under_stress(
        seed in any::<u64>(),
        large in prop::sample::select(vec!["64", "16k"]),
        n in 10usize..150,
    ) {
        run(seed, true, large, None, n);
    }
}
