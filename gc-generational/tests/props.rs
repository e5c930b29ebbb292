//! Property tests: random mock-VM graphs and random mutation sequences
//! (single-slot stores, region stores, root drops, pretenured allocations,
//! minor and full collections) checked against an independent model of the
//! object graph (a reachability oracle kept by labels).

use gc_api::mock::{MockVm, XorShift, conformance};
use gc_api::{AllocKind, CollectReason, GcOptions, Heap, ObjectRef, verify_heap};
use gc_generational::GenerationalHeap;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug)]
enum Op {
    Alloc {
        slots: usize,
        data: usize,
        pretenure: bool,
    },
    Store {
        src: usize,
        slot: usize,
        dst: Option<usize>,
    },
    Region {
        src: usize,
        dst: usize,
    },
    DropRoot(usize),
    Minor,
    Full,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0usize..4, 0usize..4, prop::bool::weighted(0.1))
            .prop_map(|(slots, data, pretenure)| Op::Alloc { slots, data, pretenure }),
        4 => (any::<usize>(), any::<usize>(), prop::option::weighted(0.85, any::<usize>()))
            .prop_map(|(src, slot, dst)| Op::Store { src, slot, dst }),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(src, dst)| Op::Region { src, dst }),
        2 => any::<usize>().prop_map(Op::DropRoot),
        1 => Just(Op::Minor),
        1 => Just(Op::Full),
    ]
}

/// The model: label -> slots (labels), plus the root table.
#[derive(Default)]
struct Model {
    objects: BTreeMap<u64, Vec<Option<u64>>>,
    roots: Vec<Option<u64>>,
}

impl Model {
    fn reachable(&self) -> BTreeSet<u64> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<u64> = self.roots.iter().flatten().copied().collect();
        while let Some(l) = stack.pop() {
            if seen.insert(l) {
                stack.extend(self.objects[&l].iter().flatten().copied());
            }
        }
        seen
    }
}

fn check(h: &GenerationalHeap, vm: &mut MockVm, model: &Model, exact: bool) {
    let snap = vm.snapshot();
    let reach = model.reachable();
    assert_eq!(
        snap.labels(),
        reach.iter().copied().collect::<Vec<_>>(),
        "reachable set"
    );
    for (l, (slots, _)) in &snap.objects {
        assert_eq!(slots, &model.objects[l], "slots of object {l}");
    }
    verify_heap(h, vm).unwrap();
    if exact {
        assert_eq!(
            vm.heap_labels(h),
            snap.labels(),
            "garbage survived a full GC"
        );
    }
}

fn run(seed: u64, mature: &str, limit: Option<usize>, stress: bool, ops: &[Op]) {
    let mut o = GcOptions::new();
    o.add_opt(&format!("mature={mature}")).unwrap();
    o.add_opt("arena=64M").unwrap();
    o.add_opt("nursery=16k").unwrap();
    o.add_opt("large=512").unwrap();
    o.add_opt("verify_barriers=1").unwrap();
    o.heap_limit = limit;
    o.stress = stress;
    let mut h = GenerationalHeap::new(&o).unwrap();
    let mut vm = MockVm::new();
    let mut rng = XorShift::new(seed);
    let mut model = Model::default();
    // Start from a random graph, mirrored into the model.
    vm.random_graph(&mut h, &mut rng, 40, 3, 0.4, 3).unwrap();
    let snap = vm.snapshot();
    for (l, (slots, _)) in &snap.objects {
        model.objects.insert(*l, slots.clone());
    }
    model.roots = snap.roots.clone();
    for op in ops {
        // Live objects by label (addresses are valid until the next safepoint).
        let addrs = conformance::addresses(&vm);
        let live: Vec<(u64, usize)> = addrs.iter().map(|(l, a)| (*l, *a)).collect();
        let obj = |a: usize| ObjectRef::from_addr(a).unwrap();
        match *op {
            Op::Alloc {
                slots,
                data,
                pretenure,
            } => {
                let kind = if pretenure {
                    AllocKind::NonMoving
                } else if slots == 0 {
                    AllocKind::PointerFree
                } else {
                    AllocKind::Normal
                };
                let x = vm.alloc_kind(&mut h, slots, data, kind).unwrap();
                model.objects.insert(MockVm::label(x), vec![None; slots]);
                model.roots.push(Some(MockVm::label(x)));
                vm.push_root(Some(x));
            }
            Op::Store { src, slot, dst } if !live.is_empty() => {
                let (ls, a) = live[src % live.len()];
                let n = MockVm::slot_count(obj(a));
                if n > 0 {
                    let d = dst.map(|d| live[d % live.len()]);
                    MockVm::set(&mut h, obj(a), slot % n, d.map(|(_, b)| obj(b)));
                    model.objects.get_mut(&ls).unwrap()[slot % n] = d.map(|(l, _)| l);
                }
            }
            Op::Region { src, dst } if !live.is_empty() => {
                let (ls, a) = live[src % live.len()];
                let (ld, b) = live[dst % live.len()];
                let n = MockVm::slot_count(obj(a));
                if n > 0 {
                    h.write_region(obj(a), MockVm::slot(obj(a), 0), n);
                    for i in 0..n {
                        // SAFETY: slot i of the live object at `a`.
                        unsafe { (MockVm::slot(obj(a), i).addr() as *mut usize).write(b) };
                        model.objects.get_mut(&ls).unwrap()[i] = Some(ld);
                    }
                }
            }
            Op::DropRoot(i) if vm.root_count() > 0 => {
                let i = i % vm.root_count();
                vm.set_root(i, None);
                model.roots[i] = None;
            }
            Op::Minor => {
                h.collect_minor(&mut vm);
                check(&h, &mut vm, &model, false);
                let mut young = 0;
                h.for_each_object(&vm, &mut |o| young += h.is_young(o) as usize);
                assert_eq!(young, 0, "nursery not empty after a minor GC");
            }
            Op::Full => {
                h.collect(&mut vm, CollectReason::Explicit);
                check(&h, &mut vm, &model, true);
            }
            _ => {}
        }
        if let Some(l) = limit {
            assert!(h.used_bytes() <= l);
        }
    }
    h.collect(&mut vm, CollectReason::Explicit);
    check(&h, &mut vm, &model, true);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_mutations_match_the_oracle(
        seed in any::<u64>(),
        mature in prop::sample::select(vec!["marksweep", "semispace"]),
        limited in any::<bool>(),
        ops in prop::collection::vec(op(), 1..120),
    ) {
        run(seed, mature, limited.then_some(4 << 20), false, &ops);
    }

    #[test]
    fn random_mutations_match_the_oracle_under_stress(
        seed in any::<u64>(),
        mature in prop::sample::select(vec!["marksweep", "semispace"]),
        ops in prop::collection::vec(op(), 1..60),
    ) {
        run(seed, mature, None, true, &ops);
    }

    #[test]
    fn random_graphs_survive_minor_and_full(
        seed in any::<u64>(),
        mature in prop::sample::select(vec!["marksweep", "semispace"]),
        n in 20usize..600,
    ) {
        let mut o = GcOptions::new();
        o.add_opt(&format!("mature={mature}")).unwrap();
        o.add_opt("arena=64M").unwrap();
        o.add_opt("nursery=32k").unwrap();
        let mut h = GenerationalHeap::new(&o).unwrap();
        let mut vm = MockVm::new();
        let mut rng = XorShift::new(seed);
        let roots = 1 + rng.below(6);
        vm.random_graph(&mut h, &mut rng, n, 4, 0.4, roots).unwrap();
        let before = vm.snapshot();
        h.collect_minor(&mut vm);
        prop_assert_eq!(&before, &vm.snapshot());
        h.collect(&mut vm, CollectReason::Explicit);
        prop_assert_eq!(&before, &vm.snapshot());
        prop_assert_eq!(vm.heap_labels(&h), before.labels());
        verify_heap(&h, &mut vm).unwrap();
    }
}
