//! Micro-benchmarks of the unified RC collector on the mock VM:
//! allocation (objects/s), an epoch over a quiet old heap (stack scan only),
//! young survival (tracing a fresh list into the counted heap), the acyclic
//! cascade (freeing a dropped list), and both cycle collectors on a dropped
//! cyclic graph.
//!
//! `CARGO_TARGET_DIR=/work/target-rc cargo bench -j 1 -p gc-unified-rc`

use criterion::{BatchSize, Criterion, Throughput, black_box, criterion_group, criterion_main};
use gc_api::mock::{MockVm, XorShift};
use gc_api::{AllocKind, CollectReason, GcOptions, Heap};
use gc_unified_rc::UnifiedRcHeap;
use std::time::Duration;

const LIST: usize = 50_000;

fn heap(opts: &[&str]) -> UnifiedRcHeap {
    let mut o = GcOptions::new();
    o.add_opt("cycle_every=0").unwrap();
    for kv in opts {
        o.add_opt(kv).unwrap();
    }
    UnifiedRcHeap::new(&o).unwrap()
}

fn build_list(h: &mut UnifiedRcHeap, vm: &mut MockVm) -> usize {
    let head = vm.push_root(None);
    for _ in 0..LIST {
        let o = vm.alloc(h, 1, 2).unwrap();
        MockVm::set(h, o, 0, vm.root(head));
        vm.set_root(head, Some(o));
    }
    head
}

fn bench_alloc(c: &mut Criterion) {
    const N: usize = 10_000;
    let mut g = c.benchmark_group("alloc");
    g.throughput(Throughput::Elements(N as u64));
    let mut h = heap(&[]);
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
            h.collect(&mut vm, CollectReason::Poll);
        })
    });
    g.finish();
}

fn bench_epochs(c: &mut Criterion) {
    let mut g = c.benchmark_group("epoch");
    g.throughput(Throughput::Elements(LIST as u64));
    // A quiet epoch: old list, nothing written, one root.
    let mut h = heap(&[]);
    let mut vm = MockVm::new();
    build_list(&mut h, &mut vm);
    h.collect(&mut vm, CollectReason::Poll);
    g.bench_function("quiet_old_list", |b| {
        b.iter(|| h.collect(&mut vm, CollectReason::Poll))
    });
    // Young survival: a fresh list is traced into the counted heap, then
    // dropped and freed by the cascade at the next epoch.
    for young in ["trace", "count"] {
        g.bench_function(format!("young_list_survives_then_cascades/{young}"), |b| {
            b.iter_batched_ref(
                || {
                    let mut h = heap(&[&format!("young={young}")]);
                    let mut vm = MockVm::new();
                    build_list(&mut h, &mut vm);
                    (h, vm)
                },
                |(h, vm)| {
                    h.collect(vm, CollectReason::Poll);
                    vm.set_root(0, None);
                    h.collect(vm, CollectReason::Poll);
                },
                BatchSize::LargeInput,
            )
        });
    }
    g.finish();
}

fn bench_cycles(c: &mut Criterion) {
    let mut g = c.benchmark_group("cycles");
    const N: usize = 20_000;
    g.throughput(Throughput::Elements(N as u64));
    for alg in ["trial", "backup"] {
        g.bench_function(format!("dropped_random_graph/{alg}"), |b| {
            b.iter_batched_ref(
                || {
                    let mut h = heap(&[&format!("cycles={alg}")]);
                    let mut vm = MockVm::new();
                    let mut rng = XorShift::new(42);
                    vm.random_graph(&mut h, &mut rng, N, 4, 0.9, N).unwrap();
                    h.collect(&mut vm, CollectReason::Poll);
                    vm.clear_roots();
                    h.collect(&mut vm, CollectReason::Poll);
                    (h, vm)
                },
                |(h, vm)| h.collect(vm, CollectReason::Explicit),
                BatchSize::LargeInput,
            )
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));
    targets = bench_alloc, bench_epochs, bench_cycles
}
criterion_main!(benches);
