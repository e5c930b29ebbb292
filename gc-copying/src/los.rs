//! The non-moving space: large objects, `NonMoving` (pinned) objects and
//! `Immortal` objects, each in its own block from the system allocator.
//!
//! Objects here never move. During a collection they are marked in their GC
//! word (see [`crate::word`]) and scanned from a grey stack; afterwards
//! [`LargeObjectSpace::sweep`] frees the unmarked ones and clears the marks.
//! Immortal objects are never freed; the collector scans them as roots.

use crate::word;
use gc_api::ObjectRef;
use std::alloc::{Layout, alloc, dealloc};
use std::collections::BTreeMap;

const ALIGN: usize = 16;

/// What the space records about one of its objects.
#[derive(Clone, Copy, Debug)]
struct Entry {
    /// Bytes of the block (the requested size).
    size: usize,
    immortal: bool,
}

/// The large-object (non-moving) space.
#[derive(Default)]
pub struct LargeObjectSpace {
    /// Object start -> entry; ordered so interior addresses can be resolved.
    objects: BTreeMap<usize, Entry>,
    /// Immortal objects, in allocation order (scanned as roots).
    immortal: Vec<ObjectRef>,
    bytes: usize,
}

/// What a sweep reclaimed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SweepResult {
    /// Objects freed.
    pub objects: usize,
    /// Bytes freed.
    pub bytes: usize,
}

fn layout(size: usize) -> Layout {
    Layout::from_size_align(size, ALIGN).expect("large object layout")
}

impl LargeObjectSpace {
    /// An empty space.
    pub fn new() -> LargeObjectSpace {
        LargeObjectSpace::default()
    }

    /// Allocates a block of `size` bytes and initialises its GC word.
    /// Returns `None` when the system allocator refuses.
    pub fn alloc(&mut self, size: usize, immortal: bool) -> Option<ObjectRef> {
        debug_assert!(size >= gc_api::HEADER_BYTES && size & 7 == 0);
        // SAFETY: size is non-zero (at least a header).
        let p = unsafe { alloc(layout(size)) } as usize;
        let o = ObjectRef::from_addr(p)?;
        // SAFETY: the block is ours and has room for the header.
        unsafe { o.set_gc_word(word::los_initial(immortal)) };
        self.objects.insert(p, Entry { size, immortal });
        if immortal {
            self.immortal.push(o);
        }
        self.bytes += size;
        Some(o)
    }

    /// Bytes held by the space's objects.
    #[inline]
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Number of objects in the space.
    #[inline]
    pub fn len(&self) -> usize {
        self.objects.len()
    }

    /// Is the space empty?
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// The immortal objects (roots of every collection).
    #[inline]
    pub fn immortal(&self) -> &[ObjectRef] {
        &self.immortal
    }

    /// Is `addr` the start of one of this space's objects?
    pub fn is_object(&self, addr: usize) -> bool {
        self.objects.contains_key(&addr)
    }

    /// Does `addr` fall inside one of this space's objects?
    pub fn contains(&self, addr: usize) -> bool {
        self.objects
            .range(..=addr)
            .next_back()
            .is_some_and(|(&s, e)| addr < s + e.size)
    }

    /// Calls `f` on every object, in address order.
    pub fn for_each(&self, f: &mut dyn FnMut(ObjectRef)) {
        for &a in self.objects.keys() {
            f(ObjectRef::from_addr(a).expect("large object address"));
        }
    }

    /// Frees every unmarked mortal object and clears the mark of the rest.
    pub fn sweep(&mut self) -> SweepResult {
        let mut freed = SweepResult::default();
        self.objects.retain(|&addr, e| {
            let o = ObjectRef::from_addr(addr).expect("large object address");
            // SAFETY: every key is the start of a block we allocated and
            // have not freed yet; its GC word is ours.
            let w = unsafe { o.gc_word() };
            debug_assert!(word::is_los(w), "large object {addr:#x} lost its tag");
            if e.immortal || w & word::MARK != 0 {
                // SAFETY: as above.
                unsafe { o.set_gc_word(w & !word::MARK) };
                true
            } else {
                freed.objects += 1;
                freed.bytes += e.size;
                // SAFETY: the block came from `alloc` with this layout, is
                // unreachable (unmarked after a complete closure), and is
                // removed from the map by returning false.
                unsafe { dealloc(addr as *mut u8, layout(e.size)) };
                false
            }
        });
        self.bytes -= freed.bytes;
        freed
    }
}

impl Drop for LargeObjectSpace {
    fn drop(&mut self) {
        for (&addr, e) in &self.objects {
            // SAFETY: every block came from `alloc` with this layout and is
            // freed exactly once, here.
            unsafe { dealloc(addr as *mut u8, layout(e.size)) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweep_frees_unmarked_mortals_only() {
        let mut los = LargeObjectSpace::new();
        let a = los.alloc(64, false).unwrap();
        let b = los.alloc(128, false).unwrap();
        let c = los.alloc(32, true).unwrap();
        assert_eq!(los.bytes(), 224);
        assert!(los.contains(b.addr() + 100));
        assert!(!los.contains(b.addr() + 128) || los.is_object(b.addr() + 128));
        // SAFETY: a is a live block of ours.
        unsafe { a.set_gc_word(a.gc_word() | word::MARK) };
        let r = los.sweep();
        assert_eq!(
            r,
            SweepResult {
                objects: 1,
                bytes: 128
            }
        );
        assert!(los.is_object(a.addr()) && los.is_object(c.addr()));
        assert!(!los.is_object(b.addr()));
        // SAFETY: a is still ours.
        assert_eq!(unsafe { a.gc_word() } & word::MARK, 0);
        let r = los.sweep();
        assert_eq!(r.objects, 1);
        assert_eq!(los.len(), 1);
        assert_eq!(los.immortal(), &[c]);
    }
}
