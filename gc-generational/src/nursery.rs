//! The nursery: one run of arena pages, bump-allocated through a
//! cursor/limit pair at a stable (boxed) address that the JIT's inline
//! allocation reads and writes. A minor collection evacuates its survivors
//! and resets the cursor, so the nursery is always empty after a collection.

use gc_api::ObjectRef;

/// The bump-allocation cursor and limit, boxed so their addresses stay
/// stable for the JIT however the heap value moves.
#[repr(C)]
#[derive(Debug, Default)]
pub struct BumpPointer {
    /// Next free byte of the nursery.
    pub cursor: usize,
    /// End of the nursery.
    pub limit: usize,
}

/// The nursery space.
pub struct Nursery {
    /// Cursor and limit (stable address).
    pub bump: Box<BumpPointer>,
    start: usize,
    end: usize,
}

impl Nursery {
    /// A nursery over `[start, start + bytes)`.
    pub fn new(start: usize, bytes: usize) -> Nursery {
        Nursery {
            bump: Box::new(BumpPointer {
                cursor: start,
                limit: start + bytes,
            }),
            start,
            end: start + bytes,
        }
    }

    /// First byte.
    #[inline]
    pub fn start(&self) -> usize {
        self.start
    }

    /// Capacity in bytes.
    #[inline]
    pub fn capacity(&self) -> usize {
        self.end - self.start
    }

    /// Bytes allocated since the last collection.
    #[inline]
    pub fn used(&self) -> usize {
        self.bump.cursor - self.start
    }

    /// Is `a` inside the nursery's range?
    #[inline]
    pub fn contains(&self, a: usize) -> bool {
        a.wrapping_sub(self.start) < self.end - self.start
    }

    /// Bump-allocates `size` bytes; the GC word is left to the caller.
    #[inline]
    pub fn alloc(&mut self, size: usize) -> Option<ObjectRef> {
        let c = self.bump.cursor;
        let end = c + size;
        if end > self.bump.limit {
            return None;
        }
        self.bump.cursor = end;
        // SAFETY: `c` lies inside the nursery's pages, so it is non-null.
        Some(unsafe { ObjectRef::from_addr_unchecked(c) })
    }

    /// Empties the nursery (after its survivors were evacuated).
    pub fn reset(&mut self) {
        self.bump.cursor = self.start;
    }
}
