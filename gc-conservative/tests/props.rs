//! Property tests on random graphs: the conservative collector keeps
//! exactly the closure of the precise roots plus the objects that ambiguous
//! words point at or into; false retention is exactly the difference; and
//! `roots=precise` keeps exactly the precise closure.

use gc_api::mock::MockVm;
use gc_api::{CollectReason, GcOptions, Heap, ObjectRef, verify_heap};
use gc_conservative::ConservativeHeap;
use proptest::prelude::*;
use std::collections::{BTreeSet, HashMap};

#[derive(Debug, Clone)]
struct Graph {
    /// (slots, data words) per object.
    shapes: Vec<(usize, usize)>,
    /// (from, slot index (mod slots), to).
    edges: Vec<(usize, usize, usize)>,
    roots: Vec<usize>,
    /// Ambiguous words: (object, byte offset up to and including its size)
    /// or a raw integer.
    words: Vec<Word>,
}

#[derive(Debug, Clone)]
enum Word {
    Into(usize, usize),
    Int(usize),
}

fn graph() -> impl Strategy<Value = Graph> {
    (1usize..120).prop_flat_map(|n| {
        (
            prop::collection::vec(
                (0usize..4, prop_oneof![8 => 0usize..6, 1 => 1000usize..1400]),
                n,
            ),
            prop::collection::vec((0..n, 0usize..4, 0..n), 0..2 * n),
            prop::collection::vec(0..n, 0..4),
            prop::collection::vec(
                prop_oneof![
                    3 => (0..n, 0usize..20_000).prop_map(|(o, off)| Word::Into(o, off)),
                    1 => any::<usize>().prop_map(Word::Int),
                ],
                0..12,
            ),
        )
            .prop_map(|(shapes, edges, roots, words)| Graph {
                shapes,
                edges,
                roots,
                words,
            })
    })
}

fn heap(opts: &[&str]) -> ConservativeHeap {
    let mut o = GcOptions::new();
    o.add_opt("scan_registers=0").unwrap();
    o.add_opt("measure_false_retention=1").unwrap();
    for kv in opts {
        o.add_opt(kv).unwrap();
    }
    ConservativeHeap::new(&o).unwrap()
}

/// Builds the graph; returns objects by index (all unrooted except roots).
fn build(vm: &mut MockVm, h: &mut ConservativeHeap, g: &Graph) -> Vec<ObjectRef> {
    let objs: Vec<ObjectRef> = g
        .shapes
        .iter()
        .map(|&(s, d)| vm.alloc(h, s, d).unwrap())
        .collect();
    for &(f, i, t) in &g.edges {
        let slots = g.shapes[f].0;
        if slots > 0 {
            MockVm::set(h, objs[f], i % slots, Some(objs[t]));
        }
    }
    for &r in &g.roots {
        vm.push_root(Some(objs[r]));
    }
    objs
}

/// Labels reachable from `start` in the model.
fn closure(objs: &[ObjectRef], start: impl IntoIterator<Item = usize>) -> BTreeSet<u64> {
    let index: HashMap<usize, usize> = objs
        .iter()
        .enumerate()
        .map(|(i, o)| (o.addr(), i))
        .collect();
    let mut seen = BTreeSet::new();
    let mut stack: Vec<usize> = start.into_iter().collect();
    while let Some(i) = stack.pop() {
        if seen.insert(MockVm::label(objs[i])) {
            for s in 0..MockVm::slot_count(objs[i]) {
                if let Some(c) = MockVm::get(objs[i], s) {
                    stack.push(index[&c.addr()]);
                }
            }
        }
    }
    seen
}

/// The object whose bytes contain `w`, if any.
fn containing(objs: &[ObjectRef], w: usize) -> Option<usize> {
    objs.iter().position(|o| {
        let size = MockVm::size_of(MockVm::slot_count(*o), 0) + 8 * data_words(*o);
        w >= o.addr() && w < o.addr() + size
    })
}

fn data_words(o: ObjectRef) -> usize {
    // SAFETY: mock object header.
    (unsafe { o.vm_word() } >> 24) & ((1 << 24) - 1)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn conservative_keeps_exactly_roots_plus_ambiguous_targets(g in graph()) {
        let mut h = heap(&[]);
        let mut vm = MockVm::new();
        let objs = build(&mut vm, &mut h, &g);
        let mut hit = Vec::new();
        for w in &g.words {
            let word = match *w {
                Word::Into(o, off) => objs[o].addr() + off % (8 + MockVm::size_of(MockVm::slot_count(objs[o]), data_words(objs[o]))),
                Word::Int(x) => x,
            };
            vm.fake_stack.push(word);
            if let Some(i) = containing(&objs, word) {
                hit.push(i);
            }
        }
        let precise = closure(&objs, g.roots.iter().copied());
        let conservative = closure(&objs, g.roots.iter().copied().chain(hit.iter().copied()));
        let before = vm.snapshot();
        h.collect(&mut vm, CollectReason::Explicit);
        prop_assert_eq!(&before, &vm.snapshot());
        let live: BTreeSet<u64> = vm.heap_labels(&h).into_iter().collect();
        prop_assert_eq!(&live, &conservative);
        let f = h.false_retention().unwrap();
        prop_assert_eq!(f.objects as usize, conservative.len() - precise.len());
        verify_heap(&h, &mut vm).map_err(TestCaseError::fail)?;
        // A second collection with the stack cleared reclaims the difference.
        vm.fake_stack.clear();
        h.collect(&mut vm, CollectReason::Explicit);
        let live: BTreeSet<u64> = vm.heap_labels(&h).into_iter().collect();
        prop_assert_eq!(&live, &precise);
        prop_assert_eq!(h.false_retention().unwrap().objects, 0);
    }

    #[test]
    fn precise_mode_keeps_exactly_the_precise_closure(g in graph()) {
        let mut h = heap(&["roots=precise"]);
        let mut vm = MockVm::new();
        let objs = build(&mut vm, &mut h, &g);
        vm.fake_stack.extend(objs.iter().map(|o| o.addr()));
        let precise = closure(&objs, g.roots.iter().copied());
        h.collect(&mut vm, CollectReason::Explicit);
        let live: BTreeSet<u64> = vm.heap_labels(&h).into_iter().collect();
        prop_assert_eq!(&live, &precise);
        prop_assert_eq!(h.used_bytes(), {
            // Used bytes are cell sizes for small objects, object sizes for large.
            let mut u = 0;
            h.for_each_object(&vm, &mut |o| {
                let s = MockVm::size_of(MockVm::slot_count(o), data_words(o));
                u += if s > gc_conservative::size_class::MAX_SMALL { s } else {
                    gc_conservative::size_class::CLASS_SIZES[gc_conservative::size_class::SizeClasses::new().class_of(s)]
                };
            });
            u
        });
    }

    #[test]
    fn stress_and_lazy_sweep_keep_the_graph(g in graph()) {
        let mut o = GcOptions::new();
        o.stress = true;
        o.verify = true;
        let mut h = ConservativeHeap::new(&o).unwrap();
        let mut vm = MockVm::new();
        // Every allocation collects (and verifies); build under stress with
        // every object rooted until the graph is wired.
        let mut objs = Vec::new();
        for &(s, d) in &g.shapes {
            let o = vm.alloc(&mut h, s, d).unwrap();
            vm.push_root(Some(o));
            objs.push(o);
        }
        for &(f, i, t) in &g.edges {
            let slots = g.shapes[f].0;
            if slots > 0 {
                MockVm::set(&mut h, objs[f], i % slots, Some(objs[t]));
            }
        }
        vm.clear_roots();
        for &r in &g.roots {
            vm.push_root(Some(objs[r]));
        }
        let before = vm.snapshot();
        for _ in 0..10 {
            vm.alloc(&mut h, 1, 1).unwrap();
        }
        prop_assert_eq!(before, vm.snapshot());
    }
}
