//! The copying mature space (`mature=semispace`): two fixed page runs of the
//! arena. Survivors of minor collections are bump-allocated into the
//! current one up to the allocation limit `S` set by the sizing policy; a
//! full collection evacuates everything live (mature and nursery) into the
//! other one and flips.

use crate::arena::{Arena, Owner};

/// The pair of mature semispaces.
pub struct SemispacePair {
    starts: [usize; 2],
    capacity: usize,
    current: usize,
    /// Next free byte of the current space.
    cursor: usize,
    /// Allocation limit of the current space (`start + S`).
    limit: usize,
}

impl SemispacePair {
    /// Reserves two runs of `capacity` bytes each (page multiple).
    pub fn new(arena: &mut Arena, capacity: usize) -> Option<SemispacePair> {
        let pages = capacity / crate::arena::PAGE;
        let a = arena.alloc_pages(pages, Owner::Semi(0))?;
        let b = arena.alloc_pages(pages, Owner::Semi(1))?;
        Some(SemispacePair {
            starts: [a, b],
            capacity,
            current: 0,
            cursor: a,
            limit: a,
        })
    }

    /// Index (as in [`Owner::Semi`]) of the current space.
    pub fn current(&self) -> u8 {
        self.current as u8
    }

    /// Start of the current space.
    pub fn start(&self) -> usize {
        self.starts[self.current]
    }

    /// Start of the reserve space.
    pub fn reserve_start(&self) -> usize {
        self.starts[1 - self.current]
    }

    /// Physical capacity of each space.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// End of the allocated part of the current space.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Bytes allocated in the current space.
    pub fn used(&self) -> usize {
        self.cursor - self.start()
    }

    /// Sets the allocation limit `S` (clamped to the capacity).
    pub fn set_limit(&mut self, s: usize) {
        self.limit = self.start() + s.min(self.capacity);
    }

    /// The allocation limit `S` in bytes.
    pub fn limit_bytes(&self) -> usize {
        self.limit - self.start()
    }

    /// Bump-allocates `size` bytes within the limit, or within the whole
    /// capacity if `overshoot` (a promotion the sizing check did not foresee).
    pub fn alloc(&mut self, size: usize, overshoot: bool) -> Option<usize> {
        let end = if overshoot {
            self.start() + self.capacity
        } else {
            self.limit
        };
        let c = self.cursor;
        if c + size > end {
            return None;
        }
        self.cursor = c + size;
        Some(c)
    }

    /// Makes the reserve current, with `free` as the end of its copies. The
    /// caller sets the new limit with [`SemispacePair::set_limit`].
    pub fn flip(&mut self, free: usize) {
        self.current = 1 - self.current;
        debug_assert!(free >= self.start() && free <= self.start() + self.capacity);
        self.cursor = free;
        self.limit = free;
    }
}
