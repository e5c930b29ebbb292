//! The large-object space: objects above the size-class range each get
//! their own page-aligned allocation from the system. Kept in an ordered map
//! by start address so an ambiguous interior pointer is resolved with one
//! range query; the mark bit lives in the entry (a side table, like the
//! blocks' mark bitmap).

use std::alloc::{Layout, alloc, dealloc};
use std::collections::BTreeMap;

/// Page granularity of large allocations.
pub const LOS_PAGE: usize = 4096;

/// One large object.
#[derive(Clone, Copy, Debug)]
pub struct LargeObject {
    /// Object bytes (the size asked for): `[start, start + size)` is the
    /// object, and one past the end does not belong to it.
    pub size: usize,
    /// Bytes reserved from the system (rounded up to pages).
    pub reserved: usize,
    /// Marked by the current collection.
    pub marked: bool,
    /// Has reference fields to scan.
    pub scan: bool,
}

/// What a large-object sweep reclaimed.
#[derive(Clone, Copy, Debug, Default)]
pub struct LosSweep {
    /// Objects freed.
    pub objects: usize,
    /// Object bytes freed.
    pub bytes: usize,
    /// Reserved bytes returned to the system.
    pub reserved: usize,
}

/// The large-object space.
#[derive(Default)]
pub struct LargeObjectSpace {
    objects: BTreeMap<usize, LargeObject>,
    /// Bytes reserved from the system for live entries.
    pub reserved_bytes: usize,
    /// Object bytes of live entries.
    pub used_bytes: usize,
}

fn layout(reserved: usize) -> Layout {
    Layout::from_size_align(reserved, LOS_PAGE).expect("large object layout")
}

impl LargeObjectSpace {
    /// Bytes that allocating `size` would reserve.
    pub fn reservation(size: usize) -> usize {
        size.next_multiple_of(LOS_PAGE)
    }

    /// Allocates a large object; its GC word is cleared.
    pub fn alloc(&mut self, size: usize, scan: bool) -> Option<usize> {
        let reserved = Self::reservation(size);
        // SAFETY: the layout has non-zero size.
        let p = unsafe { alloc(layout(reserved)) } as usize;
        if p == 0 {
            return None;
        }
        // SAFETY: fresh allocation of at least 16 bytes; the GC word is ours.
        unsafe { (p as *mut usize).write(0) };
        self.objects.insert(
            p,
            LargeObject {
                size,
                reserved,
                marked: false,
                scan,
            },
        );
        self.reserved_bytes += reserved;
        self.used_bytes += size;
        Some(p)
    }

    /// The entry starting exactly at `addr`.
    #[inline]
    pub fn get_mut(&mut self, addr: usize) -> Option<&mut LargeObject> {
        self.objects.get_mut(&addr)
    }

    /// The entry starting exactly at `addr`.
    #[inline]
    pub fn get(&self, addr: usize) -> Option<&LargeObject> {
        self.objects.get(&addr)
    }

    /// The object whose bytes contain `addr` (interior pointers included,
    /// one past the end excluded), as its start address.
    #[inline]
    pub fn containing(&self, addr: usize) -> Option<usize> {
        let (&start, o) = self.objects.range(..=addr).next_back()?;
        (addr < start + o.size).then_some(start)
    }

    /// Does `addr` fall inside the reserved memory of a large object?
    pub fn contains(&self, addr: usize) -> bool {
        self.objects
            .range(..=addr)
            .next_back()
            .is_some_and(|(&s, o)| addr < s + o.reserved)
    }

    /// Number of large objects.
    pub fn len(&self) -> usize {
        self.objects.len()
    }

    /// No large objects?
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// Lowest and highest-plus-one reserved address, if any.
    pub fn bounds(&self) -> Option<(usize, usize)> {
        let lo = *self.objects.keys().next()?;
        let (&s, o) = self.objects.iter().next_back()?;
        Some((lo, s + o.reserved))
    }

    /// Clears every mark.
    pub fn clear_marks(&mut self) {
        for o in self.objects.values_mut() {
            o.marked = false;
        }
    }

    /// Frees every unmarked object.
    pub fn sweep(&mut self) -> LosSweep {
        let mut r = LosSweep::default();
        self.objects.retain(|&start, o| {
            if o.marked {
                return true;
            }
            // SAFETY: `start` came from `alloc` with this layout and is
            // removed from the map here, so it is freed exactly once. It was
            // not marked, so nothing live refers to it.
            unsafe { dealloc(start as *mut u8, layout(o.reserved)) };
            r.objects += 1;
            r.bytes += o.size;
            r.reserved += o.reserved;
            false
        });
        self.reserved_bytes -= r.reserved;
        self.used_bytes -= r.bytes;
        r
    }

    /// Calls `f` with each object's start.
    pub fn for_each(&self, f: &mut dyn FnMut(usize)) {
        for &s in self.objects.keys() {
            f(s);
        }
    }

    /// Starts and entries, for statistics.
    pub fn iter(&self) -> impl Iterator<Item = (&usize, &LargeObject)> {
        self.objects.iter()
    }
}

impl Drop for LargeObjectSpace {
    fn drop(&mut self) {
        for o in self.objects.values_mut() {
            o.marked = false;
        }
        self.sweep();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interior_pointers_resolve_and_one_past_end_does_not() {
        let mut los = LargeObjectSpace::default();
        let a = los.alloc(10_000, true).unwrap();
        assert_eq!(los.containing(a), Some(a));
        assert_eq!(los.containing(a + 9_999), Some(a));
        assert_eq!(los.containing(a + 10_000), None);
        assert!(los.contains(a + 10_000), "slack is still reserved memory");
        assert_eq!(los.containing(a - 1), None);
        los.get_mut(a).unwrap().marked = true;
        assert_eq!(los.sweep().objects, 0);
        los.clear_marks();
        let r = los.sweep();
        assert_eq!((r.objects, r.bytes), (1, 10_000));
        assert!(los.is_empty());
    }
}
