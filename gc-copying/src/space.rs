//! One semispace: a contiguous, page-aligned block of memory that objects
//! are bump-allocated (or copied) into, from `start` upwards.
//!
//! The block is obtained uninitialised from the system allocator, so pages
//! the collector never reaches are never touched (for large blocks the OS
//! commits them lazily). How much of the block may be used is decided by
//! the heap's sizing policy, not here.

use std::alloc::{Layout, alloc, dealloc};

const PAGE: usize = 4096;

/// A contiguous region of memory owned by the collector.
pub struct Semispace {
    start: usize,
    capacity: usize,
}

impl Semispace {
    /// Reserves a block of at least `capacity` bytes (rounded up to a page).
    /// Returns `None` when the system allocator refuses.
    pub fn new(capacity: usize) -> Option<Semispace> {
        let capacity = capacity.max(PAGE).next_multiple_of(PAGE);
        let layout = Layout::from_size_align(capacity, PAGE).ok()?;
        // SAFETY: the layout has non-zero size.
        let p = unsafe { alloc(layout) } as usize;
        if p == 0 {
            return None;
        }
        Some(Semispace { start: p, capacity })
    }

    /// First byte of the block.
    #[inline]
    pub fn start(&self) -> usize {
        self.start
    }

    /// Size of the block in bytes.
    #[inline]
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// One past the last byte of the block.
    #[inline]
    pub fn end(&self) -> usize {
        self.start + self.capacity
    }

    /// Does `addr` fall inside the block?
    #[inline]
    pub fn contains(&self, addr: usize) -> bool {
        addr.wrapping_sub(self.start) < self.capacity
    }

    /// Overwrites `[start, end)` of the block with `word` (used to poison the
    /// old space after a flip).
    pub fn fill(&mut self, end: usize, word: usize) {
        assert!(end >= self.start && end <= self.end() && end & 7 == 0);
        let words = (end - self.start) / 8;
        // SAFETY: `[start, end)` lies inside the block we own, is 8-aligned
        // (page-aligned start, 8-aligned end), and no object in it is in use:
        // the caller poisons only the space it has just evacuated.
        let s = unsafe { std::slice::from_raw_parts_mut(self.start as *mut usize, words) };
        s.fill(word);
    }
}

impl Drop for Semispace {
    fn drop(&mut self) {
        let layout = Layout::from_size_align(self.capacity, PAGE).expect("semispace layout");
        // SAFETY: `start` was returned by `alloc` with exactly this layout.
        unsafe { dealloc(self.start as *mut u8, layout) }
    }
}
