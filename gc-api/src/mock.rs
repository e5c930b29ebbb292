//! A mock VM: synthetic objects with reference slots and data words, a root
//! table, a fake native stack, weak references and finalizable objects, so a
//! collector can be unit-tested on object graphs without Python.
//!
//! Mock object layout (all words):
//!
//! ```text
//! [GC word][VM word: MAGIC | data<<24 | slots][label][slot 0..n][data 0..m]
//! ```
//!
//! Each object carries a unique `label`, so a graph can be compared before
//! and after a moving collection by labels rather than addresses.

use crate::binding::{RootPrecision, RootVisitor, SlotVisitor, VmBinding, WeakContext};
use crate::heap::{AllocKind, Heap, OutOfMemory};
use crate::object::{HEADER_BYTES, ObjectRef, Slot};
use crate::verify::VerifyObject;
use std::collections::{BTreeMap, HashMap};

const MAGIC: usize = 0x4d0c << 48;
const MAGIC_MASK: usize = 0xffff << 48;
const FIELD_MASK: usize = (1 << 24) - 1;
/// Room in the root table: roots live in a fixed boxed slice so their
/// addresses stay valid while collectors hold [`Slot`]s to them.
const ROOT_CAPACITY: usize = 1 << 16;

/// A weak reference of the mock VM: cleared when its referent dies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MockWeak {
    /// Current referent, `None` once cleared.
    pub referent: Option<ObjectRef>,
}

/// The mock VM.
pub struct MockVm {
    roots: Box<[usize]>,
    root_len: usize,
    /// Words scanned as an ambiguous range (a fake native stack).
    pub fake_stack: Vec<usize>,
    /// Objects reported as pinned roots.
    pub pinned: Vec<ObjectRef>,
    /// Weak references, cleared or forwarded at weak processing.
    pub weaks: Vec<MockWeak>,
    /// Objects to "finalize" once when they become unreachable: the first
    /// collection that finds one dead retains it (it survives that
    /// collection) and records its label in `finalized`.
    pub finalizable: Vec<ObjectRef>,
    /// Labels of objects whose finalization was triggered, in order.
    pub finalized: Vec<u64>,
    /// Objects retained for finalization in the current collection.
    pub resurrected: Vec<ObjectRef>,
    next_label: u64,
    /// How many times `process_weak` was entered (tests "call again").
    pub weak_rounds: usize,
    /// How many collections finished.
    pub collections: usize,
}

impl Default for MockVm {
    fn default() -> Self {
        Self::new()
    }
}

impl MockVm {
    /// An empty mock VM.
    pub fn new() -> MockVm {
        MockVm {
            roots: vec![0usize; ROOT_CAPACITY].into_boxed_slice(),
            root_len: 0,
            fake_stack: Vec::new(),
            pinned: Vec::new(),
            weaks: Vec::new(),
            finalizable: Vec::new(),
            finalized: Vec::new(),
            resurrected: Vec::new(),
            next_label: 1,
            weak_rounds: 0,
            collections: 0,
        }
    }

    /// Bytes of a mock object with `slots` references and `data` words.
    pub fn size_of(slots: usize, data: usize) -> usize {
        HEADER_BYTES + 8 * (1 + slots + data)
    }

    /// Allocates an object with `slots` null references and `data` words
    /// holding `label * 1000 + i`. The result is not rooted: root it before
    /// the next allocation if it must survive.
    pub fn alloc<H: Heap>(
        &mut self,
        heap: &mut H,
        slots: usize,
        data: usize,
    ) -> Result<ObjectRef, OutOfMemory> {
        let kind = if slots == 0 {
            AllocKind::PointerFree
        } else {
            AllocKind::Normal
        };
        self.alloc_kind(heap, slots, data, kind)
    }

    /// As [`MockVm::alloc`] with an explicit kind.
    pub fn alloc_kind<H: Heap>(
        &mut self,
        heap: &mut H,
        slots: usize,
        data: usize,
        kind: AllocKind,
    ) -> Result<ObjectRef, OutOfMemory> {
        assert!(slots <= FIELD_MASK && data <= FIELD_MASK);
        let size = Self::size_of(slots, data);
        let o = match heap.try_alloc(size, kind) {
            Some(o) => o,
            None => heap.alloc_slow(self, size, kind)?,
        };
        let label = self.next_label;
        self.next_label += 1;
        // SAFETY: `o` is a fresh allocation of `size` bytes.
        unsafe {
            o.set_vm_word(MAGIC | (data << 24) | slots);
            o.word_ptr(16).write(label as usize);
            for i in 0..slots {
                o.word_ptr(24 + 8 * i).write(0);
            }
            for i in 0..data {
                o.word_ptr(24 + 8 * (slots + i))
                    .write((label as usize) * 1000 + i);
            }
        }
        Ok(o)
    }

    fn fields(o: ObjectRef) -> (usize, usize) {
        // SAFETY: `o` is a mock object (checked by callers in debug builds).
        let w = unsafe { o.vm_word() };
        debug_assert_eq!(w & MAGIC_MASK, MAGIC, "not a mock object: {o:?}");
        (w & FIELD_MASK, (w >> 24) & FIELD_MASK)
    }

    /// Number of reference slots of `o`.
    pub fn slot_count(o: ObjectRef) -> usize {
        Self::fields(o).0
    }

    /// The label of `o`.
    pub fn label(o: ObjectRef) -> u64 {
        // SAFETY: mock objects have a label word at offset 16.
        unsafe { o.word_ptr(16).read() as u64 }
    }

    /// The slot `i` of `o`.
    pub fn slot(o: ObjectRef, i: usize) -> Slot {
        assert!(i < Self::slot_count(o));
        // SAFETY: i is in bounds of the object.
        unsafe { Slot::from_ptr(o.word_ptr(24 + 8 * i)) }
    }

    /// Reads reference `i` of `o`.
    pub fn get(o: ObjectRef, i: usize) -> Option<ObjectRef> {
        Self::slot(o, i).load()
    }

    /// Writes reference `i` of `o`, through the heap's write barrier.
    pub fn set<H: Heap>(heap: &mut H, o: ObjectRef, i: usize, v: Option<ObjectRef>) {
        let s = Self::slot(o, i);
        let old = s.load();
        heap.write_pre(o, s, old);
        // SAFETY: the slot is a word of a live mock object.
        unsafe { (s.addr() as *mut usize).write(v.map_or(0, |r| r.addr())) };
        heap.write_post(o, s, v);
    }

    /// Data word `i` of `o`.
    pub fn data(o: ObjectRef, i: usize) -> usize {
        let (slots, data) = Self::fields(o);
        assert!(i < data);
        // SAFETY: in bounds.
        unsafe { o.word_ptr(24 + 8 * (slots + i)).read() }
    }

    /// Adds a root; returns its index.
    pub fn push_root(&mut self, o: Option<ObjectRef>) -> usize {
        assert!(self.root_len < ROOT_CAPACITY, "mock root table full");
        self.roots[self.root_len] = o.map_or(0, |r| r.addr());
        self.root_len += 1;
        self.root_len - 1
    }

    /// Reads root `i`.
    pub fn root(&self, i: usize) -> Option<ObjectRef> {
        ObjectRef::from_addr(self.roots[i])
    }

    /// Overwrites root `i`.
    pub fn set_root(&mut self, i: usize, o: Option<ObjectRef>) {
        self.roots[i] = o.map_or(0, |r| r.addr());
    }

    /// Drops all roots.
    pub fn clear_roots(&mut self) {
        self.root_len = 0;
    }

    /// Number of roots.
    pub fn root_count(&self) -> usize {
        self.root_len
    }

    /// A label-based picture of everything reachable from the roots:
    /// label -> (labels of the slots, data words). Equal snapshots before and
    /// after a collection mean the reachable graph survived intact.
    pub fn snapshot(&self) -> Snapshot {
        let mut objects = BTreeMap::new();
        let mut stack: Vec<ObjectRef> = (0..self.root_len).filter_map(|i| self.root(i)).collect();
        stack.extend(self.pinned.iter().copied());
        let roots = (0..self.root_len)
            .map(|i| self.root(i).map(MockVm::label))
            .collect();
        while let Some(o) = stack.pop() {
            let l = Self::label(o);
            if objects.contains_key(&l) {
                continue;
            }
            let (slots, data) = Self::fields(o);
            let refs: Vec<Option<u64>> = (0..slots)
                .map(|i| Self::get(o, i).map(Self::label))
                .collect();
            let words: Vec<usize> = (0..data).map(|i| Self::data(o, i)).collect();
            for i in 0..slots {
                if let Some(c) = Self::get(o, i) {
                    stack.push(c);
                }
            }
            objects.insert(l, (refs, words));
        }
        Snapshot { roots, objects }
    }

    /// Builds a random graph of `n` objects (each with 0..=`max_slots`
    /// slots and a few data words), roots `n_roots` of them and links each
    /// slot to a random object with probability `density`. Returns nothing:
    /// the roots hold what is meant to survive.
    pub fn random_graph<H: Heap>(
        &mut self,
        heap: &mut H,
        rng: &mut XorShift,
        n: usize,
        max_slots: usize,
        density: f64,
        n_roots: usize,
    ) -> Result<(), OutOfMemory> {
        // All objects are kept in temporary roots while building, so a
        // collection during construction (stress mode) is harmless.
        let base = self.root_len;
        for _ in 0..n {
            let slots = rng.below(max_slots + 1);
            let data = rng.below(3);
            let o = self.alloc(heap, slots, data)?;
            self.push_root(Some(o));
        }
        for k in 0..n {
            let o = self.root(base + k).expect("temp root");
            for i in 0..Self::slot_count(o) {
                if rng.chance(density) {
                    let t = self.root(base + rng.below(n)).expect("temp root");
                    Self::set(heap, o, i, Some(t));
                }
            }
        }
        // Keep `n_roots` of them as real roots, drop the rest.
        let keep: Vec<Option<ObjectRef>> = (0..n_roots.min(n))
            .map(|_| self.root(base + rng.below(n)))
            .collect();
        self.root_len = base;
        for o in keep {
            self.push_root(o);
        }
        Ok(())
    }

    /// Labels of every object the heap enumerates.
    pub fn heap_labels<H: Heap>(&self, heap: &H) -> Vec<u64> {
        let mut v = Vec::new();
        heap.for_each_object(self, &mut |o| v.push(Self::label(o)));
        v.sort_unstable();
        v
    }
}

/// A picture of the reachable graph, by labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// Label of each root (or `None`).
    pub roots: Vec<Option<u64>>,
    /// label -> (slot labels, data words).
    pub objects: BTreeMap<u64, (Vec<Option<u64>>, Vec<usize>)>,
}

impl Snapshot {
    /// Labels of the reachable objects, sorted.
    pub fn labels(&self) -> Vec<u64> {
        self.objects.keys().copied().collect()
    }
}

impl VmBinding for MockVm {
    fn object_size_static(o: ObjectRef) -> usize {
        let (s, d) = Self::fields(o);
        Self::size_of(s, d)
    }

    fn scan_object<V: SlotVisitor>(&self, o: ObjectRef, visitor: &mut V) {
        let (slots, _) = Self::fields(o);
        for i in 0..slots {
            let s = Self::slot(o, i);
            if s.load_word() != 0 {
                visitor.visit_slot(s);
            }
        }
    }

    fn scan_roots(&mut self, precision: RootPrecision, visitor: &mut dyn RootVisitor) {
        for i in 0..self.root_len {
            if self.roots[i] != 0 {
                // SAFETY: the root table is a boxed slice that outlives the scan.
                visitor.visit_root(unsafe { Slot::from_ptr(&mut self.roots[i]) });
            }
        }
        for o in &self.pinned {
            visitor.visit_pinned(*o);
        }
        for o in self.resurrected.iter_mut() {
            // SAFETY: `resurrected` is not resized during the scan.
            visitor.visit_root(unsafe { Slot::from_ptr(o as *mut ObjectRef as *mut usize) });
        }
        if precision == RootPrecision::Ambiguous && !self.fake_stack.is_empty() {
            let r = self.fake_stack.as_ptr_range();
            visitor.visit_ambiguous_range(r.start, r.end);
        }
    }

    fn process_weak(&mut self, ctx: &mut dyn WeakContext) -> bool {
        self.weak_rounds += 1;
        // First: objects due for finalization are retained once (like the
        // reaper's "keep the ready units"), then we ask to be called again.
        let mut retained_any = false;
        let mut still = Vec::new();
        for o in std::mem::take(&mut self.finalizable) {
            if ctx.is_live(o) {
                still.push(ctx.forwarded(o));
            } else {
                self.finalized.push(Self::label(o));
                let n = ctx.retain(o);
                self.resurrected.push(n);
                retained_any = true;
            }
        }
        self.finalizable = still;
        if retained_any {
            return true;
        }
        for w in self.weaks.iter_mut() {
            if let Some(r) = w.referent {
                w.referent = if ctx.is_live(r) {
                    Some(ctx.forwarded(r))
                } else {
                    None
                };
            }
        }
        false
    }

    fn collection_finished(&mut self) {
        self.collections += 1;
    }
}

impl VerifyObject for MockVm {
    fn check_object(&self, o: ObjectRef) -> Result<(), String> {
        // SAFETY: verify only calls this on reached object starts.
        let w = unsafe { o.vm_word() };
        if w & MAGIC_MASK != MAGIC {
            return Err(format!("bad mock VM word {w:#x}"));
        }
        Ok(())
    }
}

/// A small deterministic PRNG for tests (xorshift64*), so gc-api needs no
/// dependencies.
#[derive(Clone, Debug)]
pub struct XorShift(u64);

impl XorShift {
    /// Seeds the generator (0 is mapped to a fixed non-zero seed).
    pub fn new(seed: u64) -> XorShift {
        XorShift(if seed == 0 {
            0x9e37_79b9_7f4a_7c15
        } else {
            seed
        })
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

/// Collector-independent checks every collector crate runs in its tests, so
/// all collectors are held to the same contract.
pub mod conformance {
    use super::*;
    use crate::heap::CollectReason;
    use crate::verify::verify_heap;

    /// Random graphs: after each explicit collection the reachable graph is
    /// unchanged (by labels, slots and data) and the heap verifies. If
    /// `exact`, the heap then holds exactly the reachable objects.
    pub fn reachable_graph_survives<H: Heap>(make: &dyn Fn() -> H, exact: bool, seeds: u64) {
        for seed in 1..=seeds {
            let mut heap = make();
            let mut vm = MockVm::new();
            let mut rng = XorShift::new(seed);
            let (n, n_roots) = (200 + rng.below(800), 1 + rng.below(8));
            vm.random_graph(&mut heap, &mut rng, n, 4, 0.4, n_roots)
                .expect("graph fits");
            let before = vm.snapshot();
            heap.collect(&mut vm, CollectReason::Explicit);
            let after = vm.snapshot();
            assert_eq!(before, after, "seed {seed}: reachable graph changed");
            verify_heap(&heap, &mut vm).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
            if exact {
                assert_eq!(
                    vm.heap_labels(&heap),
                    after.labels(),
                    "seed {seed}: garbage survived"
                );
            }
            // Mutate and collect again: drop a root, add fresh objects.
            if vm.root_count() > 0 {
                vm.set_root(0, None);
            }
            vm.random_graph(&mut heap, &mut rng, 100, 3, 0.5, 2)
                .expect("graph fits");
            let before = vm.snapshot();
            heap.collect(&mut vm, CollectReason::Explicit);
            assert_eq!(
                before,
                vm.snapshot(),
                "seed {seed}: second collection changed graph"
            );
            verify_heap(&heap, &mut vm).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
            if exact {
                assert_eq!(vm.heap_labels(&heap), vm.snapshot().labels());
            }
        }
    }

    /// Churn in a bounded heap: allocating far more than the limit succeeds
    /// when little is live, and the heap never exceeds its budget.
    pub fn bounded_heap_recycles<H: Heap>(make_with_limit: &dyn Fn(usize) -> H) {
        let limit = 1 << 20;
        let mut heap = make_with_limit(limit);
        let mut vm = MockVm::new();
        let keep = vm.push_root(None);
        for i in 0..100_000 {
            let o = vm
                .alloc(&mut heap, 2, 4)
                .expect("churn fits in a bounded heap");
            if i % 1000 == 0 {
                vm.set_root(keep, Some(o));
            }
            assert!(heap.used_bytes() <= limit, "heap exceeded its limit");
        }
        assert!(heap.stats().total_pauses() > 0, "churn never collected");
    }

    /// A live set larger than the limit fails with `OutOfMemory` rather than
    /// overrunning the budget.
    pub fn exhaustion_is_reported<H: Heap>(make_with_limit: &dyn Fn(usize) -> H) {
        let limit = 256 << 10;
        let mut heap = make_with_limit(limit);
        let mut vm = MockVm::new();
        let mut ok = 0usize;
        loop {
            match vm.alloc(&mut heap, 1, 6) {
                Ok(o) => {
                    vm.push_root(Some(o));
                    ok += 1;
                }
                Err(e) => {
                    assert_eq!(e.limit, limit);
                    break;
                }
            }
            assert!(ok < limit, "never ran out");
        }
        assert!(ok * MockVm::size_of(1, 6) <= limit);
    }

    /// Weak references are cleared exactly when their referent died, and
    /// forwarded when it moved; finalizable objects are retained for one
    /// collection (through `retain` + "call again") with their whole
    /// subgraph intact, then reclaimed.
    pub fn weak_processing<H: Heap>(make: &dyn Fn() -> H) {
        let mut heap = make();
        let mut vm = MockVm::new();
        let a = vm.alloc(&mut heap, 1, 1).unwrap();
        let ra = vm.push_root(Some(a));
        let b = vm.alloc(&mut heap, 1, 1).unwrap();
        let rb = vm.push_root(Some(b));
        // c is reachable only from the finalizable b.
        let c = vm.alloc(&mut heap, 0, 2).unwrap();
        let b = vm.root(rb).unwrap();
        MockVm::set(&mut heap, b, 0, Some(c));
        let a = vm.root(ra).unwrap();
        let (la, lb, lc) = (MockVm::label(a), MockVm::label(b), MockVm::label(c));
        vm.weaks.push(MockWeak { referent: Some(a) });
        vm.weaks.push(MockWeak { referent: Some(b) });
        vm.weaks.push(MockWeak { referent: Some(c) });
        vm.finalizable.push(b);
        vm.set_root(rb, None);

        heap.collect(&mut vm, CollectReason::Explicit);
        assert_eq!(vm.finalized, vec![lb], "b should be finalized once");
        assert!(
            vm.weak_rounds >= 2,
            "retain must lead to a second weak round"
        );
        // a is live: its weak ref is forwarded; b and c are retained, so
        // their weak refs survive this collection.
        let wa = vm.weaks[0].referent.expect("weak to live a cleared");
        assert_eq!(MockVm::label(wa), la);
        assert_eq!(Some(wa), vm.root(ra));
        let rb2 = vm.resurrected[0];
        assert_eq!(MockVm::label(rb2), lb);
        let c2 = MockVm::get(rb2, 0).expect("b's child survived");
        assert_eq!(MockVm::label(c2), lc);
        assert_eq!(MockVm::data(c2, 1), (lc as usize) * 1000 + 1);
        assert_eq!(vm.weaks[1].referent, Some(rb2));
        assert_eq!(vm.weaks[2].referent, Some(c2));
        verify_heap(&heap, &mut vm).unwrap();

        // Release b: now b and c die, weak refs clear, b is not finalized again.
        vm.resurrected.clear();
        heap.collect(&mut vm, CollectReason::Explicit);
        assert_eq!(vm.finalized, vec![lb]);
        assert!(vm.weaks[0].referent.is_some());
        assert_eq!(vm.weaks[1].referent, None);
        assert_eq!(vm.weaks[2].referent, None);
        verify_heap(&heap, &mut vm).unwrap();
    }

    /// Stress: collect before every allocation while building and mutating
    /// graphs; the graph must stay intact throughout.
    pub fn survives_stress<H: Heap>(make_stress: &dyn Fn() -> H) {
        let mut heap = make_stress();
        let mut vm = MockVm::new();
        let mut rng = XorShift::new(7);
        vm.random_graph(&mut heap, &mut rng, 150, 3, 0.5, 4)
            .unwrap();
        let before = vm.snapshot();
        for _ in 0..50 {
            let o = vm.alloc(&mut heap, 1, 1).unwrap();
            let _ = o;
        }
        assert_eq!(before, vm.snapshot());
        verify_heap(&heap, &mut vm).unwrap();
        assert!(
            heap.stats().total_pauses() >= 50,
            "stress did not collect per allocation"
        );
    }

    /// Labels reachable and their object addresses (for moving collectors'
    /// tests that every object moved).
    pub fn addresses(vm: &MockVm) -> HashMap<u64, usize> {
        let mut m = HashMap::new();
        let mut stack: Vec<ObjectRef> = (0..vm.root_count()).filter_map(|i| vm.root(i)).collect();
        while let Some(o) = stack.pop() {
            if m.insert(MockVm::label(o), o.addr()).is_none() {
                for i in 0..MockVm::slot_count(o) {
                    if let Some(c) = MockVm::get(o, i) {
                        stack.push(c);
                    }
                }
            }
        }
        m
    }
}
