//! The transitive closure shared by minor and full collections, and the
//! weak-processing context lent to the VM.
//!
//! *Minor*: the nursery is from-space. Roots are the VM's precise slots and
//! the remembered (modified or freshly pretenured) mature objects; every
//! nursery object reached is copied into the mature space ("promoted"),
//! gets its unlog bit set, and is scanned from the grey stack. Mature
//! objects are not traced: for a minor collection they are all alive.
//!
//! *Full*: the nursery and, under `mature=semispace`, the current mature
//! semispace are from-space (copied into the mature reserve or cells);
//! size-class cells and large objects are marked in their GC word.
//! Immortal objects are roots.

use crate::arena::Owner;
use crate::mature::Policy;
use crate::spaces::Spaces;
use crate::word;
use gc_api::{ObjectRef, OutOfMemory, RootVisitor, Slot, VmBinding, WeakContext};
use std::marker::PhantomData;

/// Roots gathered by `scan_roots`, traced after it returns.
#[derive(Default)]
pub struct RootSet {
    /// Precise, updatable slots.
    pub slots: Vec<Slot>,
    /// Objects that must not move.
    pub pinned: Vec<ObjectRef>,
}

impl RootVisitor for RootSet {
    fn visit_root(&mut self, slot: Slot) {
        self.slots.push(slot);
    }
    fn visit_pinned(&mut self, o: ObjectRef) {
        self.pinned.push(o);
    }
    fn visit_ambiguous_range(&mut self, _start: *const usize, _end: *const usize) {}
}

/// The state of one closure.
pub struct Tracer<'s> {
    s: &'s mut Spaces,
    full: bool,
    /// The mature semispace a full collection evacuates.
    from_semi: Option<u8>,
    /// Next free byte of the mature reserve (full, semispace policy).
    to_free: usize,
    grey: Vec<ObjectRef>,
    pending: Vec<(ObjectRef, usize)>,
    /// Bytes copied (promoted or evacuated).
    pub copied_bytes: usize,
    /// Objects copied.
    pub copied_objects: usize,
    /// Bytes copied out of the nursery.
    pub promoted_bytes: usize,
    /// Non-moving objects marked.
    pub marked: usize,
    /// Copies that did not fit the budget and used the arena's slack.
    pub overshoot: usize,
}

impl<'s> Tracer<'s> {
    /// A closure over `s`; `full` selects a whole-heap collection.
    pub fn new(s: &'s mut Spaces, full: bool) -> Tracer<'s> {
        let (from_semi, to_free) = match &s.semis {
            Some(p) if full => (Some(p.current()), p.reserve_start()),
            _ => (None, 0),
        };
        Tracer {
            s,
            full,
            from_semi,
            to_free,
            grey: Vec::new(),
            pending: Vec::new(),
            copied_bytes: 0,
            copied_objects: 0,
            promoted_bytes: 0,
            marked: 0,
            overshoot: 0,
        }
    }

    /// End of the copies in the mature reserve (full, semispace policy).
    pub fn to_free(&self) -> usize {
        self.to_free
    }

    /// Is `a` in a space this collection evacuates?
    #[inline]
    fn in_from(&self, owner: Owner) -> bool {
        match owner {
            Owner::Nursery => true,
            Owner::Semi(i) => self.from_semi == Some(i),
            _ => false,
        }
    }

    /// The GC word of a from-space object, checked.
    #[inline]
    fn from_word(o: ObjectRef) -> usize {
        // SAFETY: from-space stays intact until the collection ends.
        let w = unsafe { o.gc_word() };
        assert!(
            w == word::FRESH || word::forwarded_to(w).is_some(),
            "gc-generational: reference to {:#x} whose GC word {w:#x} is neither fresh nor \
             forwarded (a stale pointer, or an unbarriered old-to-young store)",
            o.addr()
        );
        w
    }

    /// Room for a copy of `size` bytes in the mature generation.
    fn dest(&mut self, size: usize, from: Owner) -> usize {
        let a = match self.s.policy {
            Policy::Semispace if self.full => {
                let p = self.s.semis.as_ref().expect("semispaces");
                let to = self.to_free;
                assert!(
                    to + size <= p.reserve_start() + p.capacity(),
                    "gc-generational: mature reserve overflow"
                );
                self.to_free += size;
                Some(to)
            }
            Policy::Semispace => {
                let p = self.s.semis.as_mut().expect("semispaces");
                p.alloc(size, false).or_else(|| {
                    self.overshoot += size;
                    p.alloc(size, true)
                })
            }
            Policy::MarkSweep => {
                let s = &mut *self.s;
                let limit = s.limit;
                let fp = s.footprint();
                let grow = |b: usize| limit.is_none_or(|l| fp + b <= l);
                s.ms.alloc(&mut s.arena, size, false, &grow)
                    .or_else(|| {
                        self.overshoot += size;
                        s.ms.alloc(&mut s.arena, size, false, &|_| true)
                    })
                    .map(|o| o.addr())
            }
        };
        let Some(a) = a else {
            gc_api::fatal_out_of_memory(OutOfMemory {
                requested: size,
                limit: self.s.limit.unwrap_or(usize::MAX),
            })
        };
        self.copied_bytes += size;
        self.copied_objects += 1;
        if from == Owner::Nursery {
            self.promoted_bytes += size;
        }
        // Give the reserved room its final GC word at once: a copy reserved
        // by `retain` is only made after `process_weak` returns, and until
        // then `is_live` on its new address must already say "marked".
        // SAFETY: `a` is fresh room for at least a header, ours to write.
        unsafe { ObjectRef::from_addr_unchecked(a).set_gc_word(self.copy_word()) };
        a
    }

    /// The GC word a fresh copy at `to` starts with.
    fn copy_word(&self) -> usize {
        match self.s.policy {
            Policy::Semispace => word::FRESH,
            Policy::MarkSweep if self.full => word::nonmoving_initial(false) | word::MARK,
            Policy::MarkSweep => word::nonmoving_initial(false),
        }
    }

    /// Finishes a copy: header, unlog bit, grey.
    fn finish_copy(&mut self, n: ObjectRef) {
        // SAFETY: `n` is the fresh copy, ours to initialise.
        unsafe { n.set_gc_word(self.copy_word()) };
        self.s.unlog.set(n.addr());
        self.grey.push(n);
    }

    fn evacuate<V: VmBinding>(&mut self, vm: &V, o: ObjectRef, owner: Owner) -> ObjectRef {
        let w = Self::from_word(o);
        if let Some(n) = word::forwarded_to(w) {
            // SAFETY: forwarding words hold non-null addresses.
            return unsafe { ObjectRef::from_addr_unchecked(n) };
        }
        let size = vm.object_size(o);
        let to = self.dest(size, owner);
        let n = vm.copy_object(o, to);
        self.finish_copy(n);
        // SAFETY: `o` is the from-space original; its GC word records the move.
        unsafe { o.set_gc_word(word::forwarding(n.addr())) };
        n
    }

    #[inline]
    fn mark(&mut self, o: ObjectRef) {
        // SAFETY: `o` is a block cell or large object start (page table).
        let w = unsafe { o.gc_word() };
        assert!(
            word::is_nonmoving(w),
            "gc-generational: reference to {:#x} (GC word {w:#x}) is not an object start",
            o.addr()
        );
        if w & (word::MARK | word::IMMORTAL) == 0 {
            // SAFETY: as above.
            unsafe { o.set_gc_word(w | word::MARK) };
            self.marked += 1;
            self.grey.push(o);
        }
    }

    /// Evacuates or marks `o`; returns its address after the collection.
    #[inline]
    pub fn trace_object<V: VmBinding>(&mut self, vm: &V, o: ObjectRef) -> ObjectRef {
        let owner = self.s.owner(o.addr());
        match owner {
            Owner::Nursery | Owner::Semi(_) if self.in_from(owner) => self.evacuate(vm, o, owner),
            Owner::Block(_) | Owner::LosHead if self.full => {
                self.mark(o);
                o
            }
            Owner::Free | Owner::LosTail => panic!(
                "gc-generational: stale reference {:#x} into freed or interior memory",
                o.addr()
            ),
            _ => o,
        }
    }

    /// Traces the reference in `slot`, updating it if the object moved.
    #[inline]
    pub fn trace_slot<V: VmBinding>(&mut self, vm: &V, slot: Slot) {
        if let Some(o) = slot.load() {
            let n = self.trace_object(vm, o);
            if n != o {
                slot.store(n);
            }
        }
    }

    /// Keeps a pinned root alive without moving it.
    pub fn trace_pinned<V: VmBinding>(&mut self, vm: &V, o: ObjectRef) {
        let owner = self.s.owner(o.addr());
        assert!(
            !matches!(owner, Owner::Nursery | Owner::Semi(_)),
            "gc-generational: pinned object {:#x} lives in a moving space; objects the VM \
             pins must be allocated with AllocKind::NonMoving",
            o.addr()
        );
        self.trace_object(vm, o);
    }

    /// Scans every reference slot of `o`.
    pub fn scan<V: VmBinding>(&mut self, vm: &V, o: ObjectRef) {
        vm.scan_object(o, &mut |s: Slot| self.trace_slot(vm, s));
    }

    /// Scans grey objects until none is left.
    pub fn closure<V: VmBinding>(&mut self, vm: &V) {
        debug_assert!(self.pending.is_empty());
        while let Some(o) = self.grey.pop() {
            self.scan(vm, o);
        }
    }

    /// Makes the copies reserved by [`WeakCtx::retain`].
    pub fn complete_pending<V: VmBinding>(&mut self, vm: &V) {
        for (o, to) in std::mem::take(&mut self.pending) {
            // The original keeps its forwarding word; the copy's GC word is
            // initialised by `finish_copy`.
            let n = vm.copy_object(o, to);
            self.finish_copy(n);
        }
    }

    /// Is `o` reached (or retained) by this collection?
    pub fn is_live(&self, o: ObjectRef) -> bool {
        let owner = self.s.owner(o.addr());
        if self.in_from(owner) {
            return word::forwarded_to(Self::from_word(o)).is_some();
        }
        match owner {
            Owner::Block(_) | Owner::LosHead if self.full => {
                // SAFETY: a non-moving object start.
                let w = unsafe { o.gc_word() };
                w & (word::MARK | word::IMMORTAL) != 0
            }
            _ => true,
        }
    }

    /// Does this collection decide `o`'s reachability? A full collection
    /// decides every object; a minor one only the nursery's.
    pub fn decides(&self, o: ObjectRef) -> bool {
        self.full || self.in_from(self.s.owner(o.addr()))
    }

    /// `o`'s address after this collection.
    pub fn forwarded(&self, o: ObjectRef) -> ObjectRef {
        if self.in_from(self.s.owner(o.addr()))
            && let Some(n) = word::forwarded_to(Self::from_word(o))
        {
            // SAFETY: forwarding words hold non-null addresses.
            return unsafe { ObjectRef::from_addr_unchecked(n) };
        }
        o
    }

    fn retain<V: VmBinding>(&mut self, o: ObjectRef) -> ObjectRef {
        let owner = self.s.owner(o.addr());
        if self.in_from(owner) {
            if let Some(n) = word::forwarded_to(Self::from_word(o)) {
                // SAFETY: forwarding words hold non-null addresses.
                return unsafe { ObjectRef::from_addr_unchecked(n) };
            }
            let to = self.dest(V::object_size_static(o), owner);
            // SAFETY: `o` is an unforwarded from-space object; the VM never
            // reads the GC word, so it can record the reservation now.
            unsafe { o.set_gc_word(word::forwarding(to)) };
            self.pending.push((o, to));
            // SAFETY: arena addresses are non-null.
            return unsafe { ObjectRef::from_addr_unchecked(to) };
        }
        if self.full && matches!(owner, Owner::Block(_) | Owner::LosHead) {
            self.mark(o);
        }
        o
    }
}

/// The [`WeakContext`] lent to the VM between closure rounds.
pub struct WeakCtx<'t, 's, V> {
    tracer: &'t mut Tracer<'s>,
    vm: PhantomData<fn(&V)>,
}

impl<'t, 's, V: VmBinding> WeakCtx<'t, 's, V> {
    /// Lends `tracer` to the VM's weak processing.
    pub fn new(tracer: &'t mut Tracer<'s>) -> Self {
        WeakCtx {
            tracer,
            vm: PhantomData,
        }
    }
}

impl<V: VmBinding> WeakContext for WeakCtx<'_, '_, V> {
    /// Minor collections: every mature object is live (it is a root).
    fn is_live(&self, o: ObjectRef) -> bool {
        self.tracer.is_live(o)
    }

    fn forwarded(&self, o: ObjectRef) -> ObjectRef {
        self.tracer.forwarded(o)
    }

    fn decides(&self, o: ObjectRef) -> bool {
        self.tracer.decides(o)
    }

    fn retain(&mut self, o: ObjectRef) -> ObjectRef {
        self.tracer.retain::<V>(o)
    }
}
