//! Micro-benchmarks of the generational collector on the mock VM:
//! the write barrier's fast path (stores into young objects and into
//! already-remembered mature objects, against an unbarriered store), and
//! minor-collection time per MB of surviving nursery data for both mature
//! policies.
//!
//! `CARGO_TARGET_DIR=/work/target-gen cargo bench -j 1 -p gc-generational`

use criterion::{Criterion, Throughput, black_box, criterion_group, criterion_main};
use gc_api::mock::MockVm;
use gc_api::{GcOptions, Heap, ObjectRef};
use gc_generational::GenerationalHeap;
use std::time::{Duration, Instant};

fn heap(mature: &str, nursery: &str) -> GenerationalHeap {
    let mut o = GcOptions::new();
    o.add_opt(&format!("mature={mature}")).unwrap();
    o.add_opt(&format!("nursery={nursery}")).unwrap();
    GenerationalHeap::new(&o).unwrap()
}

fn bench_barrier(c: &mut Criterion) {
    const N: usize = 10_000;
    let mut g = c.benchmark_group("barrier");
    g.throughput(Throughput::Elements(N as u64));
    let mut h = heap("marksweep", "4M");
    let mut vm = MockVm::new();
    let young = vm.alloc(&mut h, 8, 0).unwrap();
    let ry = vm.push_root(Some(young));
    let old = vm.alloc(&mut h, 8, 0).unwrap();
    let ro = vm.push_root(Some(old));
    let val = vm.alloc(&mut h, 0, 1).unwrap();
    let rv = vm.push_root(Some(val));
    h.collect_minor(&mut vm);
    let (old, val) = (vm.root(ro).unwrap(), vm.root(rv).unwrap());
    let young = vm.alloc(&mut h, 8, 0).unwrap();
    vm.set_root(ry, Some(young));
    assert!(!h.is_young(old) && h.is_young(young));
    let store = |h: &mut GenerationalHeap, o: ObjectRef| {
        for i in 0..N {
            MockVm::set(h, o, i & 7, Some(val));
        }
    };
    g.bench_function("unbarriered_store", |b| {
        b.iter(|| {
            for i in 0..N {
                // SAFETY: slot of the live object `young`.
                unsafe { (MockVm::slot(young, i & 7).addr() as *mut usize).write(val.addr()) };
                black_box(young);
            }
        })
    });
    g.bench_function("fast_path_young_object", |b| {
        b.iter(|| store(&mut h, black_box(young)))
    });
    // The first store remembers `old` (slow path once); the rest are fast.
    g.bench_function("fast_path_remembered_old_object", |b| {
        b.iter(|| store(&mut h, black_box(old)))
    });
    g.finish();
}

/// Builds a linked list of `bytes` in the nursery, rooted at root 0.
fn build_list(h: &mut GenerationalHeap, vm: &mut MockVm, bytes: usize) {
    vm.clear_roots();
    h.collect_full(vm);
    let head = vm.push_root(None);
    for _ in 0..bytes / MockVm::size_of(1, 2) {
        let o = vm.alloc(h, 1, 2).unwrap();
        MockVm::set(h, o, 0, vm.root(head));
        vm.set_root(head, Some(o));
    }
    assert_eq!(
        h.used_bytes(),
        bytes / MockVm::size_of(1, 2) * MockVm::size_of(1, 2)
    );
}

fn bench_minor(c: &mut Criterion) {
    let mut g = c.benchmark_group("minor");
    g.sample_size(20);
    g.measurement_time(Duration::from_secs(5));
    const LIVE: usize = 4 << 20;
    g.throughput(Throughput::Bytes(LIVE as u64));
    for mature in ["marksweep", "semispace"] {
        let mut h = heap(mature, "16M");
        let mut vm = MockVm::new();
        g.bench_function(format!("{mature}_4MiB_surviving"), |b| {
            // Only the minor collection is timed; each one gets a fresh list.
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    build_list(&mut h, &mut vm, LIVE);
                    let t = Instant::now();
                    h.collect_minor(&mut vm);
                    total += t.elapsed();
                }
                total
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench_barrier, bench_minor);
criterion_main!(benches);
