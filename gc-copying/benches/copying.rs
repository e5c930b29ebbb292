//! Micro-benchmarks of the copying collector on the mock VM:
//! allocation fast path (objects/s) and collection throughput for linked
//! lists, binary trees and wide random graphs (bytes of live data copied
//! per second; the inverse is the collection time per MB).
//!
//! `CARGO_TARGET_DIR=/work/target-copying cargo bench -j 1 -p gc-copying`

use criterion::{Criterion, Throughput, black_box, criterion_group, criterion_main};
use gc_api::mock::{MockVm, XorShift};
use gc_api::{AllocKind, CollectReason, GcOptions, Heap, ObjectRef};
use gc_copying::CopyingHeap;
use std::time::Duration;

const LIVE: usize = 4 << 20;

fn heap(semi: &str) -> CopyingHeap {
    let mut o = GcOptions::new();
    o.add_opt(&format!("semi={semi}")).unwrap();
    CopyingHeap::new(&o).unwrap()
}

fn bench_alloc(c: &mut Criterion) {
    const N: usize = 10_000;
    let mut g = c.benchmark_group("alloc");
    g.throughput(Throughput::Elements(N as u64));
    // Raw fast path: bump + GC word, 32-byte objects, nothing survives.
    let mut h = heap("4M");
    let mut vm = MockVm::new();
    g.bench_function("try_alloc_32B", |b| {
        b.iter(|| {
            for _ in 0..N {
                let o = match h.try_alloc(32, AllocKind::Normal) {
                    Some(o) => o,
                    None => h.alloc_slow(&mut vm, 32, AllocKind::Normal).unwrap(),
                };
                black_box(o);
            }
        })
    });
    // Through the mock VM (header and field initialisation included).
    let mut h = heap("4M");
    g.bench_function("mock_alloc_2slots", |b| {
        b.iter(|| {
            for _ in 0..N {
                black_box(vm.alloc(&mut h, 2, 1).unwrap());
            }
        })
    });
    g.finish();
}

/// A linked list of `LIVE` bytes; returns the VM holding it in root 0.
fn build_list(h: &mut CopyingHeap) -> MockVm {
    let mut vm = MockVm::new();
    let head = vm.push_root(None);
    for _ in 0..LIVE / MockVm::size_of(1, 2) {
        let o = vm.alloc(h, 1, 2).unwrap();
        MockVm::set(h, o, 0, vm.root(head));
        vm.set_root(head, Some(o));
    }
    vm
}

/// A complete binary tree of about `LIVE` bytes. The heap is big enough
/// that building it never collects, so unrooted subtrees are safe.
fn build_tree(h: &mut CopyingHeap) -> MockVm {
    fn node(vm: &mut MockVm, h: &mut CopyingHeap, depth: u32) -> ObjectRef {
        let o = vm.alloc(h, 2, 1).unwrap();
        if depth > 0 {
            let l = node(vm, h, depth - 1);
            let r = node(vm, h, depth - 1);
            MockVm::set(h, o, 0, Some(l));
            MockVm::set(h, o, 1, Some(r));
        }
        o
    }
    let mut vm = MockVm::new();
    let nodes = LIVE / MockVm::size_of(2, 1);
    let depth = (usize::BITS - nodes.leading_zeros() - 1) - 1;
    let root = node(&mut vm, h, depth);
    assert_eq!(h.stats().total_pauses(), 0, "tree build collected");
    vm.push_root(Some(root));
    vm
}

/// A wide random graph: many objects, many roots, random edges.
fn build_graph(h: &mut CopyingHeap) -> MockVm {
    let mut vm = MockVm::new();
    let mut rng = XorShift::new(42);
    // The mock root table holds 64Ki entries and `random_graph` roots every
    // object while building, so build in batches.
    let n = LIVE / MockVm::size_of(2, 1);
    for _ in 0..4 {
        vm.random_graph(h, &mut rng, n / 4, 4, 0.5, 8_000).unwrap();
    }
    vm
}

fn bench_collect(c: &mut Criterion) {
    let mut g = c.benchmark_group("collect");
    g.sample_size(20);
    g.measurement_time(Duration::from_secs(5));
    type Build = fn(&mut CopyingHeap) -> MockVm;
    let shapes: [(&str, Build); 3] = [
        ("list", build_list),
        ("tree", build_tree),
        ("wide_graph", build_graph),
    ];
    for (name, build) in shapes {
        let mut h = heap("64M");
        let mut vm = build(&mut h);
        h.collect(&mut vm, CollectReason::Explicit);
        let live = h.used_bytes();
        g.throughput(Throughput::Bytes(live as u64));
        g.bench_function(format!("{name}_{}KiB_live", live >> 10), |b| {
            b.iter(|| h.collect(&mut vm, CollectReason::Explicit))
        });
    }
    g.finish();
}

criterion_group!(benches, bench_alloc, bench_collect);
criterion_main!(benches);
