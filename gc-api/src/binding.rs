//! What the VM implements for the collectors: object introspection, root
//! enumeration, and weak processing (the VM's reaper, driven through the
//! collector's [`WeakContext`]).
//!
//! Modelled on MMTk's VM-binding split (`ObjectModel`, `Scanning`,
//! `process_weak_refs`): collectors are written once against these traits and
//! never learn the VM's object layouts or run Python code.

use crate::object::{ObjectRef, Slot};
use crate::verify::VerifyObject;

/// Receives each reference slot of an object during a scan.
pub trait SlotVisitor {
    /// Called once per reference slot; the slot holds an object address.
    fn visit_slot(&mut self, slot: Slot);
}

impl<F: FnMut(Slot)> SlotVisitor for F {
    #[inline]
    fn visit_slot(&mut self, slot: Slot) {
        self(slot)
    }
}

/// Receives the roots of a collection.
pub trait RootVisitor {
    /// A precise root: the slot holds an object address, and a moving
    /// collector may overwrite it with the object's new address.
    fn visit_root(&mut self, slot: Slot);

    /// An object that must stay alive and must not move (e.g. referenced from
    /// native code that cannot be updated).
    fn visit_pinned(&mut self, o: ObjectRef);

    /// An ambiguous range of words `[start, end)` (native stack, saved
    /// registers, VM stack words of unknown type). Any word in it that looks
    /// like a pointer into the heap may or may not be a reference. Collectors
    /// that want precise roots only ignore these; the VM reports every value
    /// also precisely, so ignoring them is always safe.
    fn visit_ambiguous_range(&mut self, start: *const usize, end: *const usize);
}

/// How much root information a collector wants from [`VmBinding::scan_roots`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RootPrecision {
    /// Every root is reported as an updatable slot.
    Precise,
    /// The collector scans ambiguous ranges (native stack, VM stack words);
    /// precise slots of VM-internal tables are still reported precisely.
    Ambiguous,
}

/// What the VM implements so a collector can trace, copy and finalize its
/// objects.
///
/// [`VerifyObject`] is a supertrait (all its methods have defaults) so that
/// every collector can run [`crate::verify_heap`] from `collect` under
/// `--verify-heap` without a wider bound on the [`crate::Heap`] methods.
pub trait VmBinding: VerifyObject {
    /// Bytes occupied by `o`, header included, a multiple of 8, computed from
    /// the object alone (its header and payload), without the VM instance.
    ///
    /// Moving collectors need it inside [`WeakContext::retain`], where the VM
    /// is mutably borrowed by [`VmBinding::process_weak`] but a retained
    /// object must be given its new address at once.
    fn object_size_static(o: ObjectRef) -> usize;

    /// Bytes occupied by `o`, header included, a multiple of 8. Must agree
    /// with [`VmBinding::object_size_static`] (the default).
    fn object_size(&self, o: ObjectRef) -> usize {
        Self::object_size_static(o)
    }

    /// Visits every reference slot of `o` exactly once. Slots holding
    /// non-reference values (small ints, None, null) are not visited.
    fn scan_object<V: SlotVisitor>(&self, o: ObjectRef, visitor: &mut V);

    /// Copies `o` to `to` (which has room for `object_size(o)` bytes and is
    /// 8-aligned) and returns the new reference. The collector then
    /// overwrites the old copy's GC word with its forwarding state.
    fn copy_object(&self, from: ObjectRef, to: usize) -> ObjectRef {
        let size = self.object_size(from);
        // SAFETY: the collector reserved `size` bytes at `to`, and from-space
        // objects stay intact until the flip. The ranges cannot overlap:
        // `to` lies in a free region.
        unsafe { std::ptr::copy_nonoverlapping(from.as_ptr(), to as *mut u8, size) };
        ObjectRef::from_addr(to).expect("copy target is null")
    }

    /// Reports every root. `precision` says what the collector will use, so
    /// the VM can skip work (e.g. not spill registers for a precise collector).
    fn scan_roots(&mut self, precision: RootPrecision, visitor: &mut dyn RootVisitor);

    /// Weak processing, called after the strong closure of a collection is
    /// complete. The VM clears or forwards its weak tables and decides what
    /// to resurrect for finalization. Returns `true` to be called again after
    /// the collector has completed the closure of everything retained.
    fn process_weak(&mut self, _ctx: &mut dyn WeakContext) -> bool {
        false
    }

    /// Called at the end of every collection, after the flip/sweep, outside
    /// any object iteration. The VM may note that finalizers became pending;
    /// it must not run Python code here.
    fn collection_finished(&mut self) {}
}

/// The small context a collector lends the VM during weak processing.
///
/// All methods are cheap and never call back into the VM.
pub trait WeakContext {
    /// Is `o` reached by the strong closure (or already retained)?
    fn is_live(&self, o: ObjectRef) -> bool;

    /// Where `o` lives after this collection. For a live object of a moving
    /// collector, its new address; otherwise `o` itself.
    fn forwarded(&self, o: ObjectRef) -> ObjectRef;

    /// Keeps `o` (and, once the collector completes the closure, everything
    /// it reaches) alive. Returns the object's address after the collection.
    /// The VM returns `true` from `process_weak` to see the closure finished.
    ///
    /// A moving collector may make the copy only after `process_weak`
    /// returns (so it can call [`VmBinding::copy_object`]): until then the VM
    /// reads and writes the object through `o`, which stays intact (changes
    /// are carried over), and only stores the returned address.
    fn retain(&mut self, o: ObjectRef) -> ObjectRef;

    /// Did this collection decide whether `o` is reachable? `false` when
    /// `o` lies outside the region it traced (a mature object during a
    /// minor collection), where [`WeakContext::is_live`] answers `true`
    /// without knowing. The VM defers verdicts that need real reachability
    /// (the resurrection check after a finalizer ran) to a collection that
    /// decides them.
    fn decides(&self, _o: ObjectRef) -> bool {
        true
    }

    /// Retains the object in `slot` and writes its new address back.
    fn retain_slot(&mut self, slot: Slot) {
        if let Some(o) = slot.load() {
            let new = self.retain(o);
            if new != o {
                slot.store(new);
            }
        }
    }
}

/// Keeps `o`'s children alive without keeping `o` itself (the reference
/// counting collector's "hold the children of a queued candidate").
pub fn retain_children<V: VmBinding>(vm: &V, ctx: &mut dyn WeakContext, o: ObjectRef) {
    vm.scan_object(o, &mut |slot: Slot| ctx.retain_slot(slot));
}
