//! Conservative roots on the mock VM: words on a fake stack resolved
//! through the valid-object map, interior pointers, one-past-the-end
//! pointers, misaligned words, integers that look like pointers, large
//! objects, and false retention compared with a precise mark.

use gc_api::mock::MockVm;
use gc_api::{AllocKind, CollectReason, GcOptions, Heap, ObjectRef};
use gc_conservative::ConservativeHeap;

/// A heap for these tests. The spilled registers are not scanned: the
/// tests' own locals (`ObjectRef`s kept for the assertions) may sit in
/// callee-saved registers and would be legitimately, but unpredictably,
/// retained. Only the fake stack is ambiguous.
fn heap(opts: &[&str]) -> ConservativeHeap {
    let mut o = GcOptions::new();
    o.add_opt("scan_registers=0").unwrap();
    for kv in opts {
        o.add_opt(kv).unwrap();
    }
    ConservativeHeap::new(&o).unwrap()
}

fn labels(vm: &MockVm, h: &ConservativeHeap) -> Vec<u64> {
    vm.heap_labels(h)
}

/// Allocates `n` unrooted objects with `slots`/`data`, returns them.
fn garbage(
    vm: &mut MockVm,
    h: &mut ConservativeHeap,
    n: usize,
    slots: usize,
    data: usize,
) -> Vec<ObjectRef> {
    (0..n).map(|_| vm.alloc(h, slots, data).unwrap()).collect()
}

/// An explicit collection (eager sweep, so the heap then holds exactly the
/// marked objects).
fn collect(vm: &mut MockVm, h: &mut ConservativeHeap) {
    h.collect(vm, CollectReason::Explicit);
}

#[test]
fn pointer_to_object_start_keeps_it_alive() {
    let mut h = heap(&[]);
    let mut vm = MockVm::new();
    let objs = garbage(&mut vm, &mut h, 10, 1, 2);
    let keep = objs[4];
    let lk = MockVm::label(keep);
    vm.fake_stack.push(keep.addr());
    collect(&mut vm, &mut h);
    let live = labels(&vm, &h);
    assert!(live.contains(&lk), "{live:?}");
    assert_eq!(live, vec![lk], "only the stack word retains");
    // Its contents are intact.
    assert_eq!(MockVm::data(keep, 1), lk as usize * 1000 + 1);
}

#[test]
fn interior_pointer_keeps_it_alive() {
    let mut h = heap(&[]);
    let mut vm = MockVm::new();
    let objs = garbage(&mut vm, &mut h, 10, 1, 4);
    let target = objs[5];
    vm.fake_stack.push(target.addr() + 24); // points at slot 0
    collect(&mut vm, &mut h);
    assert!(labels(&vm, &h).contains(&MockVm::label(target)));
}

#[test]
fn interior_pointers_can_be_disabled() {
    let mut h = heap(&["interior_pointers=0"]);
    let mut vm = MockVm::new();
    let objs = garbage(&mut vm, &mut h, 10, 1, 4);
    let (a, b) = (objs[3], objs[6]);
    vm.fake_stack.push(a.addr() + 24);
    vm.fake_stack.push(b.addr());
    collect(&mut vm, &mut h);
    let live = labels(&vm, &h);
    assert!(
        !live.contains(&MockVm::label(a)),
        "interior pointer counted: {live:?}"
    );
    assert!(live.contains(&MockVm::label(b)));
}

#[test]
fn pointer_one_past_the_end_does_not_keep_it_alive() {
    let mut h = heap(&[]);
    let mut vm = MockVm::new();
    // 40-byte objects (header, label, 1 slot, 1 data) fill 40-byte cells
    // exactly, so one past the end is the next cell's start; 48-byte objects
    // in 48-byte cells likewise. Use an object whose cell has slack too:
    // 72 bytes go into 80-byte cells.
    let exact = garbage(&mut vm, &mut h, 4, 1, 1);
    let slack = garbage(&mut vm, &mut h, 4, 2, 4);
    assert_eq!(MockVm::size_of(2, 4), 72);
    // Last object of each run: the word just past it.
    let e = exact[1];
    let s = slack[1];
    vm.fake_stack.push(e.addr() + MockVm::size_of(1, 1));
    vm.fake_stack.push(s.addr() + MockVm::size_of(2, 4));
    collect(&mut vm, &mut h);
    let live = labels(&vm, &h);
    assert!(
        !live.contains(&MockVm::label(e)),
        "one-past-end retained (exact cell): {live:?}"
    );
    assert!(
        !live.contains(&MockVm::label(s)),
        "one-past-end retained (cell slack): {live:?}"
    );
    // The exact-fit word is the next object's start, which it legitimately keeps.
    assert!(live.contains(&MockVm::label(exact[2])));
    // The slack word points into the unused tail of s's cell: nothing.
    assert!(!live.contains(&MockVm::label(slack[2])));
}

#[test]
fn misaligned_words_resolve_as_interior_pointers() {
    let mut h = heap(&[]);
    let mut vm = MockVm::new();
    let objs = garbage(&mut vm, &mut h, 8, 0, 3);
    let (a, b) = (objs[2], objs[5]);
    vm.fake_stack.push(a.addr() + 3); // misaligned, inside a
    vm.fake_stack.push(b.addr() + 1); // misaligned, inside b
    collect(&mut vm, &mut h);
    let live = labels(&vm, &h);
    assert!(live.contains(&MockVm::label(a)) && live.contains(&MockVm::label(b)));
    // With interior pointers off, misaligned words never count.
    let mut h = heap(&["interior_pointers=0"]);
    let mut vm = MockVm::new();
    let objs = garbage(&mut vm, &mut h, 8, 0, 3);
    vm.fake_stack.push(objs[2].addr() + 3);
    collect(&mut vm, &mut h);
    assert!(!labels(&vm, &h).contains(&MockVm::label(objs[2])));
}

#[test]
fn words_into_free_cells_and_outside_the_heap_are_ignored() {
    let mut h = heap(&["roots=conservative"]);
    let mut vm = MockVm::new();
    let objs = garbage(&mut vm, &mut h, 16, 1, 1);
    let freed = objs[7];
    collect(&mut vm, &mut h); // everything is garbage: all cells free now
    assert!(labels(&vm, &h).is_empty());
    vm.fake_stack
        .extend([freed.addr(), freed.addr() + 8, 0x10, usize::MAX, 0]);
    let fresh = vm.alloc(&mut h, 0, 0).unwrap(); // reuses a cell
    let lf = MockVm::label(fresh);
    collect(&mut vm, &mut h);
    let live = labels(&vm, &h);
    // Either the fresh object sits in the freed cell (then the word keeps it)
    // or nothing at all is live.
    if fresh == freed {
        assert_eq!(live, vec![lf]);
    } else {
        assert!(live.is_empty(), "{live:?}");
    }
}

#[test]
fn integers_that_look_like_pointers_are_false_retention() {
    let mut h = heap(&["measure_false_retention=1"]);
    let mut vm = MockVm::new();
    // A live list a -> b precisely rooted, and a garbage chain c -> d -> e
    // kept only by an "integer" on the stack equal to c's address + 8.
    let a = vm.alloc(&mut h, 1, 0).unwrap();
    vm.push_root(Some(a));
    let b = vm.alloc(&mut h, 0, 1).unwrap();
    MockVm::set(&mut h, a, 0, Some(b));
    let c = vm.alloc(&mut h, 1, 0).unwrap();
    let d = vm.alloc(&mut h, 1, 0).unwrap();
    let e = vm.alloc(&mut h, 0, 6).unwrap();
    MockVm::set(&mut h, c, 0, Some(d));
    MockVm::set(&mut h, d, 0, Some(e));
    vm.fake_stack.push(c.addr() + 8);
    collect(&mut vm, &mut h);
    let live = labels(&vm, &h);
    for o in [a, b, c, d, e] {
        assert!(live.contains(&MockVm::label(o)));
    }
    let f = h.false_retention().expect("measured");
    assert!(f.objects >= 3, "{f:?}");
    let sizes = [
        MockVm::size_of(1, 0),
        MockVm::size_of(1, 0),
        MockVm::size_of(0, 6),
    ];
    assert!(f.bytes as usize >= sizes.iter().sum::<usize>());
    assert_eq!(h.stats().counter("false_retained_objects"), f.objects);
    assert_eq!(h.stats().counter("false_retained_objects_total"), f.objects);

    // The same heap under precise roots reclaims the garbage chain.
    let mut hp = heap(&["roots=precise"]);
    let mut vm = MockVm::new();
    let a = vm.alloc(&mut hp, 1, 0).unwrap();
    vm.push_root(Some(a));
    let c = vm.alloc(&mut hp, 1, 0).unwrap();
    vm.fake_stack.push(c.addr());
    collect(&mut vm, &mut hp);
    assert_eq!(labels(&vm, &hp), vec![MockVm::label(a)]);
    assert_eq!(hp.false_retention(), None);
}

#[test]
fn large_objects_are_found_by_interior_pointers() {
    let mut h = heap(&[]);
    let mut vm = MockVm::new();
    let big = vm.alloc(&mut h, 2, 4000).unwrap(); // ~32 KiB: large-object space
    let big2 = vm.alloc(&mut h, 0, 3000).unwrap();
    let big3 = vm.alloc(&mut h, 0, 3000).unwrap();
    assert_eq!(h.stats().counter("los_objects"), 3);
    let small = vm.alloc(&mut h, 0, 1).unwrap();
    MockVm::set(&mut h, big, 1, Some(small));
    vm.fake_stack.push(big.addr() + 20_000); // deep inside big
    vm.fake_stack.push(big2.addr() + MockVm::size_of(0, 3000)); // one past big2's end
    collect(&mut vm, &mut h);
    let live = labels(&vm, &h);
    assert!(live.contains(&MockVm::label(big)));
    assert!(
        live.contains(&MockVm::label(small)),
        "child of a large object"
    );
    assert!(!live.contains(&MockVm::label(big2)), "{live:?}");
    assert!(!live.contains(&MockVm::label(big3)));
    assert_eq!(h.stats().counter("los_objects"), 1);
}

#[test]
fn pinned_objects_are_roots() {
    let mut h = heap(&["roots=precise"]);
    let mut vm = MockVm::new();
    let objs = garbage(&mut vm, &mut h, 5, 0, 1);
    vm.pinned.push(objs[3]);
    collect(&mut vm, &mut h);
    assert_eq!(labels(&vm, &h), vec![MockVm::label(objs[3])]);
}

#[test]
fn precise_mode_ignores_ambiguous_ranges() {
    let mut h = heap(&["roots=precise"]);
    let mut vm = MockVm::new();
    let objs = garbage(&mut vm, &mut h, 5, 0, 1);
    vm.fake_stack.extend(objs.iter().map(|o| o.addr()));
    collect(&mut vm, &mut h);
    assert!(labels(&vm, &h).is_empty());
}

#[test]
fn immortal_objects_are_never_reclaimed_and_keep_children() {
    let mut h = heap(&["roots=precise"]);
    let mut vm = MockVm::new();
    let m = vm.alloc_kind(&mut h, 1, 0, AllocKind::Immortal).unwrap();
    let c = vm.alloc(&mut h, 0, 1).unwrap();
    MockVm::set(&mut h, m, 0, Some(c));
    collect(&mut vm, &mut h);
    let mut want = vec![MockVm::label(m), MockVm::label(c)];
    want.sort();
    assert_eq!(labels(&vm, &h), want);
}

#[test]
fn lazy_sweep_reclaims_on_demand() {
    let mut h = heap(&["roots=precise", "initial_heap=256k"]);
    let mut vm = MockVm::new();
    let root = vm.push_root(None);
    // Churn: allocation-triggered collections sweep lazily.
    for i in 0..200_000 {
        let o = vm.alloc(&mut h, 1, 1).unwrap();
        if i % 100 == 0 {
            vm.set_root(root, Some(o));
        }
    }
    assert!(h.stats().total_pauses() > 0);
    assert!(h.footprint() <= 512 << 10, "footprint {}", h.footprint());
    assert!(h.stats().counter("lazy_sweep_ns") > 0);
    assert!(h.stats().bytes_freed > 0);
    // An explicit collection sweeps everything: exactly the root remains.
    h.collect(&mut vm, CollectReason::Explicit);
    assert_eq!(labels(&vm, &h).len(), 1);
    assert_eq!(h.used_bytes(), MockVm::size_of(1, 1));
}

#[test]
fn stats_counters_are_reported() {
    let mut h = heap(&["roots=precise"]);
    let mut vm = MockVm::new();
    for _ in 0..1000 {
        let o = vm.alloc(&mut h, 0, 1).unwrap();
        if MockVm::label(o).is_multiple_of(2) {
            vm.push_root(Some(o));
        }
    }
    let before = h.stats().bytes_allocated;
    assert_eq!(
        before,
        1000 * MockVm::size_of(0, 1) as u64,
        "fast path counted"
    );
    h.collect(&mut vm, CollectReason::Explicit);
    let s = h.stats();
    assert_eq!(s.pauses[0], 1);
    assert_eq!(s.counter("marked_objects"), 500);
    assert_eq!(s.counter("marked_bytes"), 500 * 32);
    assert_eq!(s.bytes_freed, 500 * 32);
    assert!(s.counter("heap_blocks") >= 1);
    // Every other cell free in a partly used block.
    let perm = s.counter("fragmentation_permille");
    // 524 free 32-byte cells of 1024 in the one block.
    assert_eq!(perm, 524 * 32 * 1000 / (32 << 10), "fragmentation {perm}");
    assert!(s.peak_heap >= 1000 * 32);
    let block = s.format_block(std::time::Duration::from_millis(1));
    assert!(block.contains("fragmentation_permille"));
}

#[test]
fn poison_fills_freed_cells() {
    let mut h = heap(&["roots=precise", "poison=1"]);
    let mut vm = MockVm::new();
    let o = vm.alloc(&mut h, 0, 3).unwrap();
    let _keep = vm
        .alloc(&mut h, 0, 3)
        .map(|k| vm.push_root(Some(k)))
        .unwrap();
    h.collect(&mut vm, CollectReason::Explicit);
    // SAFETY: the cell's memory still belongs to the heap's block.
    let w = unsafe { o.word_ptr(16).read() };
    assert_eq!(w, gc_conservative::block::POISON);
}

#[test]
fn current_stack_pointer_is_usable_as_a_range_start() {
    let sp = gc_conservative::current_stack_pointer();
    let here = 0usize;
    assert!(sp <= &here as *const usize as usize);
}
