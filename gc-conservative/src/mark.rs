//! Marking: the mark stack, the root visitor (precise slots, pinned objects,
//! ambiguous ranges), the transitive closure through the VM's precise
//! object scanning, and the weak-processing context lent to the VM.
//!
//! Roots are never updated: this collector does not move objects.

use crate::space::{Candidate, Loc, Space};
use gc_api::{ObjectRef, RootVisitor, Slot, VmBinding, WeakContext};

/// Marking counters of one collection.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MarkCounts {
    /// Objects marked.
    pub objects: u64,
    /// Bytes marked (cell sizes for small objects, object sizes for large).
    pub bytes: u64,
}

/// The marker: borrows the space for one collection.
pub struct Marker<'a> {
    space: &'a mut Space,
    stack: &'a mut Vec<ObjectRef>,
    /// Ambiguous words resolved to a small-object cell with a non-zero
    /// offset: they count only if the offset is inside the object, which
    /// needs `VmBinding::object_size`, and the VM is busy scanning roots
    /// when they are found. Checked by [`Marker::flush_ambiguous`].
    deferred: Vec<Candidate>,
    /// Whether ambiguous ranges are scanned (false under `roots=precise`).
    pub conservative: bool,
    /// Whether interior pointers count.
    pub interior: bool,
    /// Counts so far.
    pub counts: MarkCounts,
    /// Ambiguous words scanned.
    pub ambiguous_words: u64,
}

impl<'a> Marker<'a> {
    /// A marker over `space`, using `stack` (empty) as its mark stack.
    pub fn new(space: &'a mut Space, stack: &'a mut Vec<ObjectRef>, interior: bool) -> Self {
        debug_assert!(stack.is_empty());
        Marker {
            space,
            stack,
            deferred: Vec::new(),
            conservative: true,
            interior,
            counts: MarkCounts::default(),
            ambiguous_words: 0,
        }
    }

    #[inline]
    fn mark_loc(&mut self, loc: Loc, start: usize) {
        if let Some((bytes, scan)) = self.space.mark(loc) {
            self.counts.objects += 1;
            self.counts.bytes += bytes as u64;
            if scan {
                // SAFETY: `start` is an allocated object's start, never 0.
                self.stack
                    .push(unsafe { ObjectRef::from_addr_unchecked(start) });
            }
        }
    }

    /// Marks the object starting exactly at `addr`; addresses outside the
    /// heap (the VM's metadata space) are ignored.
    #[inline]
    pub fn mark_exact(&mut self, addr: usize) {
        if let Some(loc) = self.space.resolve_exact(addr) {
            self.mark_loc(loc, addr);
        }
    }

    /// Treats `word` as a possible pointer: marks the object it points
    /// into, if any. Interior pointers into small objects are deferred to
    /// [`Marker::flush_ambiguous`].
    #[inline]
    pub fn mark_ambiguous(&mut self, word: usize) {
        if let Some(c) = self.space.resolve_ambiguous(word, self.interior) {
            match c.loc {
                Loc::Small { .. } if c.offset != 0 => self.deferred.push(c),
                loc => self.mark_loc(loc, c.start),
            }
        }
    }

    /// Scans every word of `[start, end)` ambiguously.
    pub fn scan_range(&mut self, start: *const usize, end: *const usize) {
        let (s, e) = (start as usize, end as usize);
        // Only aligned words are candidates: compilers keep pointers aligned
        // in stack frames, as Boehm's collector assumes by default.
        let mut p = s.next_multiple_of(std::mem::align_of::<usize>());
        while p + 8 <= e {
            // SAFETY: the VM guarantees `[start, end)` is readable for the
            // duration of the root scan (its own stack, buffers or tables).
            let w = unsafe { (p as *const usize).read() };
            self.mark_ambiguous(w);
            self.ambiguous_words += 1;
            p += 8;
        }
    }

    /// Marks the deferred interior-pointer candidates whose offset falls
    /// inside their object (a pointer one past the end does not count).
    pub fn flush_ambiguous<V: VmBinding>(&mut self, vm: &V) {
        for c in std::mem::take(&mut self.deferred) {
            if self.space.is_marked(c.loc) {
                continue;
            }
            // SAFETY: the cell is allocated, so it holds an object the VM
            // initialised before this safepoint.
            let o = unsafe { ObjectRef::from_addr_unchecked(c.start) };
            if c.offset < vm.object_size(o) {
                self.mark_loc(c.loc, c.start);
            }
        }
    }

    /// Completes the transitive closure: scans every marked object on the
    /// stack through the VM's precise object scanning.
    pub fn drain<V: VmBinding>(&mut self, vm: &V) {
        self.flush_ambiguous(vm);
        while let Some(o) = self.stack.pop() {
            vm.scan_object(o, &mut |s: Slot| self.mark_exact(s.load_word()));
        }
    }

    /// Is `o` marked? Objects outside the heap count as live.
    pub fn is_live(&self, o: ObjectRef) -> bool {
        match self.space.resolve_exact(o.addr()) {
            Some(loc) => self.space.is_marked(loc),
            None => !self.space.contains(o.addr()),
        }
    }
}

impl RootVisitor for Marker<'_> {
    fn visit_root(&mut self, slot: Slot) {
        self.mark_exact(slot.load_word());
    }

    fn visit_pinned(&mut self, o: ObjectRef) {
        self.mark_exact(o.addr());
    }

    fn visit_ambiguous_range(&mut self, start: *const usize, end: *const usize) {
        if self.conservative {
            self.scan_range(start, end);
        }
    }
}

impl WeakContext for Marker<'_> {
    fn is_live(&self, o: ObjectRef) -> bool {
        Marker::is_live(self, o)
    }

    fn forwarded(&self, o: ObjectRef) -> ObjectRef {
        o
    }

    fn retain(&mut self, o: ObjectRef) -> ObjectRef {
        self.mark_exact(o.addr());
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misaligned_range_starts_at_the_first_aligned_word() {
        let mut space = Space::default();
        let bi = space.grow().unwrap();
        space.blocks[bi as usize].assign(32, 1, false);
        let a = space.blocks[bi as usize].pop_free().unwrap();
        let b = space.blocks[bi as usize].pop_free().unwrap();
        // a's address straddles the unaligned start; b's is fully inside.
        let words = [a, b, 0usize];
        let mut stack = Vec::new();
        let mut m = Marker::new(&mut space, &mut stack, true);
        let r = words.as_ptr_range();
        m.scan_range((r.start as usize + 1) as *const usize, r.end);
        assert_eq!(m.ambiguous_words, 2);
        assert_eq!(m.counts.objects, 1);
        drop(m);
        assert!(space.is_marked(space.resolve_exact(b).unwrap()));
        assert!(!space.is_marked(space.resolve_exact(a).unwrap()));
    }
}
