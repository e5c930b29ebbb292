//! The heap's memory as one address space: the blocks (with a block table
//! from block base to metadata), the pool of empty blocks, the large-object
//! space, and the address bounds used to reject most non-pointers with two
//! compares. Address *resolution* lives here: an exact object start (heap
//! fields, precise roots) or an ambiguous word (conservative roots) is
//! mapped to its object through the valid-object maps.

use crate::block::{BLOCK_BYTES, BLOCK_SHIFT, Block, BlockState};
use crate::los::LargeObjectSpace;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A hasher for block numbers: one multiply (Fibonacci hashing). Block
/// numbers are dense-ish and the map is probed for every traced reference,
/// so SipHash would dominate marking.
#[derive(Default)]
pub struct BlockHasher(u64);

impl Hasher for BlockHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8 | *b as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = (n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// Where an object lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loc {
    /// Cell `cell` of block number `block`.
    Small {
        /// Index into the block vector.
        block: u32,
        /// Cell index in the block.
        cell: u32,
    },
    /// A large object, by start address.
    Large(usize),
}

/// An ambiguous word resolved to a candidate object.
#[derive(Clone, Copy, Debug)]
pub struct Candidate {
    /// The object start.
    pub start: usize,
    /// Byte offset of the word from the start (0 for a pointer to the start).
    pub offset: usize,
    /// Where it lives.
    pub loc: Loc,
}

/// Blocks, block table, pool and large-object space.
#[derive(Default)]
pub struct Space {
    /// Every block ever created (released ones keep their slot for reuse).
    pub blocks: Vec<Block>,
    table: HashMap<usize, u32, BuildHasherDefault<BlockHasher>>,
    /// Empty blocks ready for any size class.
    pub pool: Vec<u32>,
    released: Vec<u32>,
    /// Blocks with memory (everything not released).
    pub live_blocks: usize,
    /// The large-object space.
    pub los: LargeObjectSpace,
    lo: usize,
    hi: usize,
}

impl Space {
    /// Bytes reserved from the system: blocks plus large objects.
    pub fn footprint(&self) -> usize {
        self.live_blocks * BLOCK_BYTES + self.los.reserved_bytes
    }

    /// Gets a new empty block from the system, or `None` if it refuses.
    pub fn grow(&mut self) -> Option<u32> {
        let b = Block::allocate()?;
        let base = b.base;
        let idx = match self.released.pop() {
            Some(i) => {
                self.blocks[i as usize] = b;
                i
            }
            None => {
                self.blocks.push(b);
                (self.blocks.len() - 1) as u32
            }
        };
        self.table.insert(base >> BLOCK_SHIFT, idx);
        self.live_blocks += 1;
        self.widen(base, base + BLOCK_BYTES);
        Some(idx)
    }

    /// Returns every pooled empty block to the system. Returns bytes released.
    pub fn release_pool(&mut self) -> usize {
        let n = self.pool.len();
        for i in std::mem::take(&mut self.pool) {
            let b = &mut self.blocks[i as usize];
            self.table.remove(&(b.base >> BLOCK_SHIFT));
            b.release();
            self.released.push(i);
        }
        self.live_blocks -= n;
        n * BLOCK_BYTES
    }

    /// Widens the address bounds after large-object allocation.
    pub fn note_large(&mut self, start: usize, reserved: usize) {
        self.widen(start, start + reserved);
    }

    fn widen(&mut self, lo: usize, hi: usize) {
        if self.lo == 0 || lo < self.lo {
            self.lo = lo;
        }
        if hi > self.hi {
            self.hi = hi;
        }
    }

    /// The block containing `addr`, if any (released blocks are not in the
    /// table).
    #[inline]
    pub fn block_of(&self, addr: usize) -> Option<u32> {
        if addr < self.lo || addr >= self.hi {
            return None;
        }
        self.table.get(&(addr >> BLOCK_SHIFT)).copied()
    }

    /// Does `addr` fall inside memory this space manages?
    pub fn contains(&self, addr: usize) -> bool {
        if addr < self.lo || addr >= self.hi {
            return false;
        }
        self.block_of(addr).is_some() || self.los.contains(addr)
    }

    /// Resolves an exact object start: `addr` must be the start of an
    /// allocated cell or of a large object.
    #[inline]
    pub fn resolve_exact(&self, addr: usize) -> Option<Loc> {
        if addr < self.lo || addr >= self.hi {
            return None;
        }
        if let Some(bi) = self.table.get(&(addr >> BLOCK_SHIFT)).copied() {
            let b = &self.blocks[bi as usize];
            if b.state == BlockState::Empty {
                return None;
            }
            let i = b.cell_index(addr)?;
            return (b.cell_addr(i) == addr && b.is_allocated(i)).then_some(Loc::Small {
                block: bi,
                cell: i as u32,
            });
        }
        self.los.get(addr).map(|_| Loc::Large(addr))
    }

    /// Resolves an ambiguous word to the allocated object whose cell (or
    /// large object) contains it. With `interior` false only object starts
    /// count. The caller still checks `offset < object size` for small
    /// objects (a cell may be larger than its object, and a pointer one past
    /// the object's end must not count); for large objects it is checked here.
    #[inline]
    pub fn resolve_ambiguous(&self, word: usize, interior: bool) -> Option<Candidate> {
        if word < self.lo || word >= self.hi {
            return None;
        }
        if let Some(bi) = self.table.get(&(word >> BLOCK_SHIFT)).copied() {
            let b = &self.blocks[bi as usize];
            if b.state == BlockState::Empty {
                return None;
            }
            let i = b.cell_index(word)?;
            if !b.is_allocated(i) {
                return None;
            }
            let start = b.cell_addr(i);
            let offset = word - start;
            if offset != 0 && !interior {
                return None;
            }
            return Some(Candidate {
                start,
                offset,
                loc: Loc::Small {
                    block: bi,
                    cell: i as u32,
                },
            });
        }
        let start = self.los.containing(word)?;
        if start != word && !interior {
            return None;
        }
        Some(Candidate {
            start,
            offset: word - start,
            loc: Loc::Large(start),
        })
    }

    /// Sets the mark of the object at `loc`. Returns `Some((bytes, scan))`
    /// if it was unmarked.
    #[inline]
    pub fn mark(&mut self, loc: Loc) -> Option<(usize, bool)> {
        match loc {
            Loc::Small { block, cell } => {
                let b = &mut self.blocks[block as usize];
                b.test_and_mark(cell as usize)
                    .then_some((b.cell_size, b.scan))
            }
            Loc::Large(start) => {
                let o = self.los.get_mut(start).expect("large object");
                if o.marked {
                    None
                } else {
                    o.marked = true;
                    Some((o.size, o.scan))
                }
            }
        }
    }

    /// Is the object at `loc` marked?
    #[inline]
    pub fn is_marked(&self, loc: Loc) -> bool {
        match loc {
            Loc::Small { block, cell } => self.blocks[block as usize].is_marked(cell as usize),
            Loc::Large(start) => self.los.get(start).is_some_and(|o| o.marked),
        }
    }

    /// Calls `f` for every allocated, not yet reclaimed object.
    pub fn for_each_object(&self, f: &mut dyn FnMut(usize)) {
        for b in &self.blocks {
            if matches!(b.state, BlockState::Swept | BlockState::Unswept) {
                b.for_each_allocated(f);
            }
        }
        self.los.for_each(f);
    }
}

impl Drop for Space {
    fn drop(&mut self) {
        for b in &mut self.blocks {
            if b.state != BlockState::Released {
                // Dropping the heap drops every object with it.
                b.state = BlockState::Empty;
                b.release();
            }
        }
    }
}
