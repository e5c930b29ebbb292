//! Micro-benchmarks of the conservative heap on the mock VM:
//!
//! * `alloc/<size>`: free-list allocation per size class (amortised over
//!   the lazy sweeping and the collections of an all-garbage heap);
//! * `mark_per_mb` / `sweep_per_mb`: mark time per MB of live data, sweep
//!   time per MB of heap (half garbage), read from the collector's
//!   `mark_ns` / `sweep_ns` counters;
//! * `root_scan_per_mb`: resolving 1 MB of ambiguous stack words through
//!   the valid-object map.

use criterion::{BenchmarkId, Criterion, Throughput, black_box, criterion_group, criterion_main};
use gc_api::mock::{MockVm, XorShift};
use gc_api::{AllocKind, CollectReason, GcOptions, Heap, ObjectRef};
use gc_conservative::ConservativeHeap;
use std::time::Duration;

const MB: usize = 1 << 20;

fn heap(opts: &[&str]) -> ConservativeHeap {
    let mut o = GcOptions::new();
    for kv in opts {
        o.add_opt(kv).unwrap();
    }
    ConservativeHeap::new(&o).unwrap()
}

#[inline]
fn alloc_raw(h: &mut ConservativeHeap, vm: &mut MockVm, size: usize) -> ObjectRef {
    match h.try_alloc(size, AllocKind::Normal) {
        Some(o) => o,
        None => h.alloc_slow(vm, size, AllocKind::Normal).unwrap(),
    }
}

fn bench_alloc(c: &mut Criterion) {
    let mut g = c.benchmark_group("alloc");
    const N: usize = 10_000;
    for size in [24usize, 48, 128, 512, 2048, 8192] {
        g.throughput(Throughput::Elements(N as u64));
        g.bench_with_input(BenchmarkId::from_parameter(size), &size, |b, &size| {
            // Nothing is rooted and the objects are never initialised: the
            // marker reads only reachable objects, so garbage needs no header.
            let mut h = heap(&["roots=precise", "initial_heap=16M"]);
            let mut vm = MockVm::new();
            b.iter(|| {
                for _ in 0..N {
                    black_box(alloc_raw(&mut h, &mut vm, size));
                }
            });
        });
    }
    g.finish();
}

/// Builds about `bytes` of live 72-byte objects (80-byte cells): a binary
/// tree over a random permutation of the objects (so parent and child are
/// far apart in memory), reachable from one root, plus as much dead data
/// interleaved with it (if `garbage`).
fn live_heap(bytes: usize, garbage: bool, roots: &str) -> (ConservativeHeap, MockVm) {
    let mut h = heap(&[roots, "initial_heap=1G", "scan_registers=0"]);
    let mut vm = MockVm::new();
    let mut rng = XorShift::new(42);
    let n = bytes / 80;
    let mut objs: Vec<ObjectRef> = Vec::with_capacity(n);
    for _ in 0..n {
        objs.push(vm.alloc(&mut h, 2, 4).unwrap());
        if garbage {
            vm.alloc(&mut h, 2, 4).unwrap();
        }
    }
    for i in (1..n).rev() {
        objs.swap(i, rng.below(i + 1));
    }
    for i in 1..n {
        MockVm::set(&mut h, objs[(i - 1) / 2], (i - 1) % 2, Some(objs[i]));
    }
    vm.push_root(Some(objs[0]));
    (h, vm)
}

fn bench_mark_sweep(c: &mut Criterion) {
    let mut g = c.benchmark_group("gc");
    for mb in [1usize, 8] {
        g.throughput(Throughput::Bytes((mb * MB) as u64));
        g.bench_with_input(BenchmarkId::new("mark_per_mb", mb), &mb, |b, &mb| {
            let (mut h, mut vm) = live_heap(mb * MB, false, "roots=precise");
            b.iter_custom(|iters| {
                let before = h.stats().counter("mark_ns");
                for _ in 0..iters {
                    h.collect(&mut vm, CollectReason::Explicit);
                }
                Duration::from_nanos(h.stats().counter("mark_ns") - before)
            });
        });
        g.bench_with_input(BenchmarkId::new("sweep_per_mb", mb), &mb, |b, &mb| {
            // Half the cells die at each collection: re-create the garbage
            // (untimed) before each one.
            let (mut h, mut vm) = live_heap(mb * MB, true, "roots=precise");
            b.iter_custom(|iters| {
                let mut total = 0;
                for _ in 0..iters {
                    // Refill the freed cells with garbage.
                    while h.used_bytes() < 2 * mb * MB {
                        alloc_raw(&mut h, &mut vm, 72);
                    }
                    let before = h.stats().counter("sweep_ns");
                    h.collect(&mut vm, CollectReason::Explicit);
                    total += h.stats().counter("sweep_ns") - before;
                }
                Duration::from_nanos(total)
            });
        });
        g.bench_with_input(BenchmarkId::new("collect_per_mb", mb), &mb, |b, &mb| {
            let (mut h, mut vm) = live_heap(mb * MB, false, "roots=precise");
            b.iter(|| h.collect(&mut vm, CollectReason::Explicit));
        });
    }
    g.finish();
}

fn bench_root_scan(c: &mut Criterion) {
    let mut g = c.benchmark_group("roots");
    let (mut h, mut vm) = live_heap(4 * MB, false, "roots=conservative");
    let mut objs = Vec::new();
    h.for_each_object(&vm, &mut |o| objs.push(o.addr()));
    let mut rng = XorShift::new(9);
    // 1 MB of stack words: a quarter pointers into (live) objects, starts
    // and interior, a quarter small integers, half random 64-bit values.
    let words: Vec<usize> = (0..MB / 8)
        .map(|_| match rng.below(4) {
            0 => objs[rng.below(objs.len())] + 8 * rng.below(9),
            1 => rng.below(1 << 20),
            _ => rng.next_u64() as usize,
        })
        .collect();
    g.throughput(Throughput::Bytes(MB as u64));
    g.bench_function("resolve_per_mb", |b| {
        b.iter(|| black_box(h.count_ambiguous_hits(&vm, black_box(&words))))
    });
    // Whole collections of the same 4 MB live heap without and with the
    // 1 MB fake stack (its targets are live anyway, so the difference is
    // the scan: resolution plus mark-bit tests).
    g.bench_function("collect_4mb_live_no_stack", |b| {
        b.iter(|| h.collect(&mut vm, CollectReason::Explicit))
    });
    vm.fake_stack = words;
    g.bench_function("collect_4mb_live_1mb_stack", |b| {
        b.iter(|| h.collect(&mut vm, CollectReason::Explicit))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = bench_alloc, bench_mark_sweep, bench_root_scan
}
criterion_main!(benches);
