//! Cheney's breadth-first copying closure (Cheney 1970; GC Handbook §4.1),
//! extended with a grey stack for the non-moving space and with the weak
//! processing context lent to the VM.
//!
//! To-space is its own queue: objects between `scan` and `free` have been
//! copied but not yet scanned. Scanning an object evacuates each child that
//! is still in from-space (copy to `free`, leave a forwarding word behind)
//! and rewrites the slot with the new address. Non-moving objects are
//! marked instead and pushed on `grey`. The closure is complete when
//! `scan == free` and `grey` is empty.

use crate::word;
use gc_api::{ObjectRef, RootVisitor, Slot, VmBinding, WeakContext};
use std::marker::PhantomData;

/// The roots of one collection, gathered by [`VmBinding::scan_roots`] and
/// traced after it returns (the VM is borrowed during the scan). Root slots
/// stay valid for the whole pause, as for `gc_api::verify_heap`.
#[derive(Default)]
pub struct RootSet {
    /// Precise, updatable root slots.
    pub slots: Vec<Slot>,
    /// Objects that must stay alive and must not move.
    pub pinned: Vec<ObjectRef>,
}

impl RootVisitor for RootSet {
    fn visit_root(&mut self, slot: Slot) {
        self.slots.push(slot);
    }
    fn visit_pinned(&mut self, o: ObjectRef) {
        self.pinned.push(o);
    }
    fn visit_ambiguous_range(&mut self, _start: *const usize, _end: *const usize) {
        // Precise collector: every value is also reported precisely.
    }
}

/// The state of one copying closure.
pub struct Tracer {
    from_start: usize,
    from_end: usize,
    to_start: usize,
    to_end: usize,
    /// Next object in to-space to scan.
    scan: usize,
    /// Where the next copy goes.
    free: usize,
    /// Marked non-moving objects still to scan.
    grey: Vec<ObjectRef>,
    /// Space reserved in to-space by `retain` during weak processing, copied
    /// once `process_weak` has returned: (from-space object, to-space address).
    pending: Vec<(ObjectRef, usize)>,
    /// Bytes evacuated into to-space.
    copied_bytes: usize,
    /// Objects evacuated.
    copied_objects: usize,
    /// Non-moving objects marked.
    marked_objects: usize,
}

impl Tracer {
    /// A closure evacuating `[from_start, from_end)` into the empty
    /// `[to_start, to_end)`. To-space must be able to hold all of
    /// from-space's allocated bytes.
    pub fn new(from: (usize, usize), to: (usize, usize)) -> Tracer {
        Tracer {
            from_start: from.0,
            from_end: from.1,
            to_start: to.0,
            to_end: to.1,
            scan: to.0,
            free: to.0,
            grey: Vec::new(),
            pending: Vec::new(),
            copied_bytes: 0,
            copied_objects: 0,
            marked_objects: 0,
        }
    }

    /// End of the copied objects in to-space.
    pub fn free(&self) -> usize {
        self.free
    }

    /// Bytes evacuated so far.
    pub fn copied_bytes(&self) -> usize {
        self.copied_bytes
    }

    /// Objects evacuated so far.
    pub fn copied_objects(&self) -> usize {
        self.copied_objects
    }

    /// Non-moving objects marked so far.
    pub fn marked_objects(&self) -> usize {
        self.marked_objects
    }

    #[inline]
    fn in_from(&self, a: usize) -> bool {
        a.wrapping_sub(self.from_start) < self.from_end - self.from_start
    }

    #[inline]
    fn in_to(&self, a: usize) -> bool {
        a.wrapping_sub(self.to_start) < self.to_end - self.to_start
    }

    /// Reads the GC word of a from-space object, checking it is fresh or
    /// forwarded: anything else is a stale or corrupt reference.
    #[inline]
    fn from_word(o: ObjectRef) -> usize {
        // SAFETY: `o` lies in from-space, which is intact (not yet poisoned
        // or released) for the whole collection; references are object
        // starts by the binding's contract.
        let w = unsafe { o.gc_word() };
        assert!(
            w == word::FRESH || w & word::FORWARDED != 0,
            "gc-copying: reference to {:#x} whose GC word {w:#x} is neither fresh nor \
             forwarded (a stale pointer or a reference into the middle of an object)",
            o.addr()
        );
        w
    }

    /// Reserves `size` bytes at the end of to-space.
    #[inline]
    fn bump(&mut self, size: usize) -> usize {
        let to = self.free;
        assert!(
            size >= gc_api::HEADER_BYTES && to + size <= self.to_end,
            "gc-copying: to-space overflow (object size {size})"
        );
        self.free = to + size;
        self.copied_bytes += size;
        self.copied_objects += 1;
        to
    }

    /// Marks a non-moving object (queueing it for a scan) unless it is
    /// already marked or immortal (immortals are scanned as roots).
    #[inline]
    fn mark(&mut self, o: ObjectRef, w: usize) {
        if w & (word::MARK | word::IMMORTAL) == 0 {
            // SAFETY: `o` is a non-moving object of ours (tagged word).
            unsafe { o.set_gc_word(w | word::MARK) };
            self.marked_objects += 1;
            self.grey.push(o);
        }
    }

    /// Evacuates or marks `o`; returns its address after the collection.
    #[inline]
    pub fn trace_object<V: VmBinding>(&mut self, vm: &V, o: ObjectRef) -> ObjectRef {
        let a = o.addr();
        if self.in_from(a) {
            let w = Self::from_word(o);
            if let Some(n) = word::forwarded_to(w) {
                // SAFETY: forwarding words hold non-null to-space addresses.
                return unsafe { ObjectRef::from_addr_unchecked(n) };
            }
            let size = vm.object_size(o);
            let to = self.bump(size);
            let n = vm.copy_object(o, to);
            // SAFETY: `n` is the fresh copy (ours to initialise) and `o` the
            // from-space original, whose GC word now records the move.
            unsafe {
                n.set_gc_word(word::FRESH);
                o.set_gc_word(word::forwarding(n.addr()));
            }
            return n;
        }
        if self.in_to(a) {
            // Already evacuated (a slot reached twice). Beyond `free` it can
            // only be a stale pointer into the space evacuated last time.
            assert!(
                a < self.free,
                "gc-copying: stale reference {a:#x} into the previous from-space"
            );
            return o;
        }
        // SAFETY: outside both semispaces a reference is a non-moving object
        // of ours or a foreign object (VM metadata); both have a header.
        let w = unsafe { o.gc_word() };
        if word::is_los(w) {
            self.mark(o, w);
        }
        o
    }

    /// Traces the reference held in `slot` and updates the slot if it moved.
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
        assert!(
            !self.in_from(o.addr()),
            "gc-copying: pinned object {:#x} lives in a semispace; objects the VM pins \
             must be allocated with AllocKind::NonMoving",
            o.addr()
        );
        self.trace_object(vm, o);
    }

    /// Scans every slot of `o` (a root object such as an immortal).
    pub fn scan_object<V: VmBinding>(&mut self, vm: &V, o: ObjectRef) {
        vm.scan_object(o, &mut |s: Slot| self.trace_slot(vm, s));
    }

    /// Runs the closure until to-space is fully scanned and no marked
    /// non-moving object is left grey.
    pub fn closure<V: VmBinding>(&mut self, vm: &V) {
        debug_assert!(self.pending.is_empty(), "pending copies not made");
        loop {
            while self.scan < self.free {
                // SAFETY: `scan` is the start of a copied object (to-space
                // holds a dense sequence of copies from `to_start`).
                let o = unsafe { ObjectRef::from_addr_unchecked(self.scan) };
                let size = vm.object_size(o);
                self.scan_object(vm, o);
                self.scan += size;
            }
            match self.grey.pop() {
                Some(o) => self.scan_object(vm, o),
                None => break,
            }
        }
    }

    /// Makes the copies reserved by [`WeakCtx::retain`], now that the VM is
    /// no longer borrowed by `process_weak`.
    pub fn complete_pending<V: VmBinding>(&mut self, vm: &V) {
        for (o, to) in std::mem::take(&mut self.pending) {
            debug_assert_eq!(vm.object_size(o), V::object_size_static(o));
            let n = vm.copy_object(o, to);
            debug_assert_eq!(n.addr(), to);
            // SAFETY: `n` is the fresh copy; the original keeps its
            // forwarding word, which the copy overwrote in `n` only.
            unsafe { n.set_gc_word(word::FRESH) };
        }
    }

    fn is_live(&self, o: ObjectRef) -> bool {
        let a = o.addr();
        if self.in_from(a) {
            return Self::from_word(o) & word::FORWARDED != 0;
        }
        if self.in_to(a) {
            return true;
        }
        // SAFETY: a non-moving or foreign object with a header.
        let w = unsafe { o.gc_word() };
        !word::is_los(w) || w & (word::MARK | word::IMMORTAL) != 0
    }

    fn forwarded(&self, o: ObjectRef) -> ObjectRef {
        if self.in_from(o.addr())
            && let Some(n) = word::forwarded_to(Self::from_word(o))
        {
            // SAFETY: forwarding words hold non-null addresses.
            return unsafe { ObjectRef::from_addr_unchecked(n) };
        }
        o
    }

    /// `retain` without the VM: reserve the copy now, make it later.
    fn retain<V: VmBinding>(&mut self, o: ObjectRef) -> ObjectRef {
        let a = o.addr();
        if self.in_from(a) {
            let w = Self::from_word(o);
            if let Some(n) = word::forwarded_to(w) {
                // SAFETY: forwarding words hold non-null addresses.
                return unsafe { ObjectRef::from_addr_unchecked(n) };
            }
            let to = self.bump(V::object_size_static(o));
            // SAFETY: `o` is an unforwarded from-space object; from now on
            // its GC word records the reserved address (the VM never reads
            // the GC word).
            unsafe { o.set_gc_word(word::forwarding(to)) };
            self.pending.push((o, to));
            // SAFETY: to-space addresses are non-null.
            return unsafe { ObjectRef::from_addr_unchecked(to) };
        }
        if !self.in_to(a) {
            // SAFETY: a non-moving or foreign object with a header.
            let w = unsafe { o.gc_word() };
            if word::is_los(w) {
                self.mark(o, w);
            }
        }
        o
    }
}

/// The [`WeakContext`] lent to the VM between closure rounds.
pub struct WeakCtx<'t, V> {
    tracer: &'t mut Tracer,
    vm: PhantomData<fn(&V)>,
}

impl<'t, V: VmBinding> WeakCtx<'t, V> {
    /// Lends `tracer` to the VM's weak processing.
    pub fn new(tracer: &'t mut Tracer) -> Self {
        WeakCtx {
            tracer,
            vm: PhantomData,
        }
    }
}

impl<V: VmBinding> WeakContext for WeakCtx<'_, V> {
    fn is_live(&self, o: ObjectRef) -> bool {
        self.tracer.is_live(o)
    }

    fn forwarded(&self, o: ObjectRef) -> ObjectRef {
        self.tracer.forwarded(o)
    }

    fn retain(&mut self, o: ObjectRef) -> ObjectRef {
        self.tracer.retain::<V>(o)
    }
}
