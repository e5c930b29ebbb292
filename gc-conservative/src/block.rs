//! Blocks: fixed-size, aligned chunks of memory divided into equal cells of
//! one size class, with their side metadata kept out of line:
//!
//! * the **valid-object map** (`alloc` bitmap): one bit per cell, set while
//!   the cell holds an allocated, not yet reclaimed object. Ambiguous roots
//!   are resolved through it, so a word pointing into a free cell never
//!   keeps anything alive;
//! * the **mark bitmap**: one bit per cell, set by the marker;
//! * an intrusive **free list** threaded through the first word of each free
//!   cell, rebuilt when the block is swept.
//!
//! Sweeping a block is `alloc &= mark` word by word, then relinking the free
//! cells: cost proportional to the block, not to the dead objects' contents.

use std::alloc::{Layout, alloc, dealloc};

/// log2 of the block size.
pub const BLOCK_SHIFT: u32 = 15;
/// Bytes per block (32 KiB). Blocks are aligned to their size, so a block
/// base is found by masking an address.
pub const BLOCK_BYTES: usize = 1 << BLOCK_SHIFT;
/// Smallest cell: the object header.
const MIN_CELL: usize = 16;
/// Bitmap words per block (one bit per smallest cell).
const BITMAP_WORDS: usize = BLOCK_BYTES / MIN_CELL / 64;
/// Pattern written over reclaimed cells in stress/verify mode: odd, so it
/// is never a valid object address, and easy to spot in a debugger.
pub const POISON: usize = 0xdead_dead_dead_dead;

/// Where a block is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockState {
    /// Holds no objects; waits in the pool to be assigned to a size class.
    Empty,
    /// Assigned to a size class; the valid-object map is exact.
    Swept,
    /// Marked by the last collection but not swept yet: the valid-object
    /// map still includes the dead cells, the mark bitmap tells which live.
    Unswept,
    /// Memory returned to the system; the slot may be reused.
    Released,
}

/// Cells freed and cells still live after sweeping one block.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SweepResult {
    /// Cells whose objects were reclaimed.
    pub freed: usize,
    /// Cells still holding live objects.
    pub live: usize,
}

/// One block and its side metadata.
pub struct Block {
    /// Address of the first cell; `BLOCK_BYTES`-aligned.
    pub base: usize,
    /// Cell size in bytes (0 while unassigned).
    pub cell_size: usize,
    /// Cells in the block.
    pub n_cells: usize,
    /// `ceil(2^32 / cell_size)`: turns the per-allocation division into a
    /// multiply. Exact for every offset below 2^15 and cell size >= 16,
    /// because `offset * error < 2^-17` while a non-integral quotient is at
    /// least `1/cell_size >= 2^-13` away from the next integer.
    recip: u64,
    /// The allocation lane (size class and scan kind) it serves.
    pub lane: usize,
    /// Whether its objects have reference fields to scan.
    pub scan: bool,
    /// Life-cycle state.
    pub state: BlockState,
    /// Head of the free list: 0, or a free cell whose first word links on.
    pub free_head: usize,
    /// Cells on the free list.
    pub free_cells: usize,
    alloc: [u64; BITMAP_WORDS],
    mark: [u64; BITMAP_WORDS],
}

fn block_layout() -> Layout {
    Layout::from_size_align(BLOCK_BYTES, BLOCK_BYTES).expect("block layout")
}

impl Block {
    /// Gets a fresh aligned block of memory from the system.
    pub fn allocate() -> Option<Block> {
        // SAFETY: the layout has non-zero size.
        let p = unsafe { alloc(block_layout()) } as usize;
        if p == 0 {
            return None;
        }
        Some(Block {
            base: p,
            cell_size: 0,
            n_cells: 0,
            recip: 0,
            lane: usize::MAX,
            scan: false,
            state: BlockState::Empty,
            free_head: 0,
            free_cells: 0,
            alloc: [0; BITMAP_WORDS],
            mark: [0; BITMAP_WORDS],
        })
    }

    /// Returns the memory to the system; the block must hold no objects.
    pub fn release(&mut self) {
        debug_assert!(self.state == BlockState::Empty);
        // SAFETY: `base` came from `alloc` with this layout and is released
        // once: the state moves to Released and is never released again.
        unsafe { dealloc(self.base as *mut u8, block_layout()) };
        self.state = BlockState::Released;
        self.free_head = 0;
        self.free_cells = 0;
    }

    /// Assigns an empty block to a size class and links all cells free.
    pub fn assign(&mut self, cell_size: usize, lane: usize, scan: bool) {
        debug_assert!(cell_size >= MIN_CELL && cell_size.is_multiple_of(8));
        self.cell_size = cell_size;
        self.n_cells = BLOCK_BYTES / cell_size;
        self.recip = (1u64 << 32).div_ceil(cell_size as u64);
        self.lane = lane;
        self.scan = scan;
        self.state = BlockState::Swept;
        self.alloc = [0; BITMAP_WORDS];
        self.mark = [0; BITMAP_WORDS];
        self.rebuild_free_list();
    }

    /// Index of the cell containing `addr`, if it is one of the cells (not
    /// the unused tail of the block). `addr` must lie inside the block.
    #[inline]
    pub fn cell_index(&self, addr: usize) -> Option<usize> {
        let off = (addr - self.base) as u64;
        let i = ((off * self.recip) >> 32) as usize;
        (i < self.n_cells).then_some(i)
    }

    /// Address of cell `i`.
    #[inline]
    pub fn cell_addr(&self, i: usize) -> usize {
        self.base + i * self.cell_size
    }

    /// Does cell `i` hold an allocated object?
    #[inline]
    pub fn is_allocated(&self, i: usize) -> bool {
        self.alloc[i / 64] >> (i % 64) & 1 != 0
    }

    /// Is cell `i` marked?
    #[inline]
    pub fn is_marked(&self, i: usize) -> bool {
        self.mark[i / 64] >> (i % 64) & 1 != 0
    }

    /// Sets the mark bit of cell `i`; returns `true` if it was clear.
    #[inline]
    pub fn test_and_mark(&mut self, i: usize) -> bool {
        let (w, b) = (i / 64, 1u64 << (i % 64));
        let fresh = self.mark[w] & b == 0;
        self.mark[w] |= b;
        fresh
    }

    /// Pops a free cell, records it in the valid-object map and clears its
    /// GC word. Returns the cell address.
    #[inline]
    pub fn pop_free(&mut self) -> Option<usize> {
        let cell = self.free_head;
        if cell == 0 {
            return None;
        }
        // SAFETY: invariant of the free list: `free_head` is 0 or the address
        // of a free cell of this block whose first word holds the next link.
        // The cell is ours until handed out, so reading and then overwriting
        // its first word (the object's GC word) is sound.
        unsafe {
            self.free_head = (cell as *const usize).read();
            (cell as *mut usize).write(0);
        }
        self.free_cells -= 1;
        let i = ((((cell - self.base) as u64) * self.recip) >> 32) as usize;
        self.alloc[i / 64] |= 1 << (i % 64);
        Some(cell)
    }

    /// Clears every mark bit (start of a collection).
    pub fn clear_marks(&mut self) {
        self.mark = [0; BITMAP_WORDS];
    }

    /// Number of marked cells.
    pub fn marked_cells(&self) -> usize {
        self.mark.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Number of allocated cells.
    pub fn allocated_cells(&self) -> usize {
        self.alloc.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Reclaims the unmarked cells: the valid-object map becomes the mark
    /// bitmap, freed cells are poisoned if asked, and the free list is
    /// rebuilt. Mark bits are left as they are (cleared before the next mark).
    pub fn sweep(&mut self, poison: bool) -> SweepResult {
        let mut freed = 0;
        for w in 0..self.words() {
            let dead = self.alloc[w] & !self.mark[w];
            freed += dead.count_ones() as usize;
            if poison {
                self.poison_cells(w, dead);
            }
            self.alloc[w] &= self.mark[w];
        }
        self.state = BlockState::Swept;
        self.rebuild_free_list();
        SweepResult {
            freed,
            live: self.n_cells - self.free_cells,
        }
    }

    /// Calls `f` with the address of every allocated cell.
    pub fn for_each_allocated(&self, f: &mut dyn FnMut(usize)) {
        for w in 0..self.words() {
            let mut bits = self.alloc[w];
            while bits != 0 {
                let b = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                f(self.cell_addr(w * 64 + b));
            }
        }
    }

    /// Bitmap words in use for this block's cell count.
    fn words(&self) -> usize {
        self.n_cells.div_ceil(64)
    }

    fn poison_cells(&self, w: usize, mut bits: u64) {
        while bits != 0 {
            let b = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            let cell = self.cell_addr(w * 64 + b);
            // SAFETY: the cell lies inside this block's memory and holds a
            // dead object nobody may reference any more (it was not marked).
            unsafe {
                std::slice::from_raw_parts_mut(cell as *mut usize, self.cell_size / 8).fill(POISON)
            };
        }
    }

    /// Links every cell whose valid-object bit is clear, lowest address
    /// first, so allocation proceeds upwards through the block.
    fn rebuild_free_list(&mut self) {
        let mut head = 0usize;
        let mut n = 0;
        for w in (0..self.words()).rev() {
            let valid = if (w + 1) * 64 <= self.n_cells {
                u64::MAX
            } else {
                (1u64 << (self.n_cells - w * 64)) - 1
            };
            let mut free = !self.alloc[w] & valid;
            while free != 0 {
                let b = 63 - free.leading_zeros() as usize;
                free &= !(1u64 << b);
                let cell = self.cell_addr(w * 64 + b);
                // SAFETY: the cell is inside the block and free (its valid-
                // object bit is clear), so its first word is ours to use as
                // the free-list link.
                unsafe { (cell as *mut usize).write(head) };
                head = cell;
                n += 1;
            }
        }
        self.free_head = head;
        self.free_cells = n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reciprocal_division_is_exact() {
        for cell in crate::size_class::CLASS_SIZES {
            let recip = (1u64 << 32).div_ceil(cell as u64);
            for off in 0..BLOCK_BYTES as u64 {
                assert_eq!(
                    (off * recip) >> 32,
                    off / cell as u64,
                    "cell {cell} off {off}"
                );
            }
        }
    }

    #[test]
    fn allocate_mark_sweep_cycle() {
        let mut b = Block::allocate().unwrap();
        b.assign(48, 0, true);
        let n = b.n_cells;
        assert_eq!(b.free_cells, n);
        let cells: Vec<usize> = (0..n).map(|_| b.pop_free().unwrap()).collect();
        assert!(b.pop_free().is_none());
        assert!(cells.windows(2).all(|w| w[1] == w[0] + 48), "ascending");
        for i in (0..n).step_by(3) {
            assert!(b.test_and_mark(i));
            assert!(!b.test_and_mark(i));
        }
        let r = b.sweep(true);
        assert_eq!(r.live, n.div_ceil(3));
        assert_eq!(r.freed, n - r.live);
        assert!(b.is_allocated(0) && !b.is_allocated(1));
        assert_eq!(b.pop_free(), Some(cells[1]));
        b.clear_marks();
        b.state = BlockState::Empty;
        b.release();
    }
}
