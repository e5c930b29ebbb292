//! The non-moving mature space: size-segregated blocks of equal cells, a
//! per-block allocation bitmap (the valid-object map) and a free-cell
//! stack, marked in the GC word and swept eagerly after a full collection.
//!
//! Under `mature=marksweep` it receives the nursery's survivors; under
//! either policy it holds small `NonMoving` and `Immortal` objects.

use super::size_class::{CELL_SIZES, NUM_CLASSES, class_of};
use crate::arena::{Arena, Owner, PAGE};
use crate::barrier::UnlogTable;
use crate::word;
use gc_api::ObjectRef;

/// Bytes per block.
pub const BLOCK_BYTES: usize = 16 << 10;

/// One block of cells of a single size.
struct Block {
    base: usize,
    cell: usize,
    class: usize,
    n_cells: usize,
    alloc: Vec<u64>,
    /// Indices of free cells below `fresh` (rebuilt by a sweep).
    free: Vec<u32>,
    /// Cells from here on have never been allocated: a fresh block is
    /// bump-allocated, without a free list.
    fresh: usize,
}

impl Block {
    #[inline]
    fn is_alloc(&self, i: usize) -> bool {
        self.alloc[i >> 6] & (1 << (i & 63)) != 0
    }
}

/// What a sweep reclaimed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Swept {
    /// Objects freed.
    pub objects: usize,
    /// Bytes freed (cell sizes).
    pub bytes: usize,
}

/// The size-class space.
#[derive(Default)]
pub struct MarkSweepSpace {
    blocks: Vec<Option<Block>>,
    free_ids: Vec<u32>,
    /// Per class: ids of blocks with free cells.
    avail: Vec<Vec<u32>>,
    /// Bytes of allocated cells.
    used: usize,
    /// Bytes of free cells in allocated blocks.
    free_bytes: usize,
    n_blocks: usize,
    /// Immortal objects (roots of every full collection).
    immortal: Vec<ObjectRef>,
}

impl MarkSweepSpace {
    /// An empty space.
    pub fn new() -> MarkSweepSpace {
        MarkSweepSpace {
            avail: vec![Vec::new(); NUM_CLASSES],
            ..MarkSweepSpace::default()
        }
    }

    /// Bytes of allocated cells.
    pub fn used(&self) -> usize {
        self.used
    }

    /// Bytes of free cells in the space's blocks.
    pub fn free_bytes(&self) -> usize {
        self.free_bytes
    }

    /// Bytes of blocks held.
    pub fn footprint(&self) -> usize {
        self.n_blocks * BLOCK_BYTES
    }

    /// The immortal objects.
    pub fn immortal(&self) -> &[ObjectRef] {
        &self.immortal
    }

    /// Allocates a cell for `size` bytes. A new block is taken from the
    /// arena only if `may_grow` allows `BLOCK_BYTES` more. The cell's GC word
    /// is set to the non-moving initial word.
    pub fn alloc(
        &mut self,
        arena: &mut Arena,
        size: usize,
        immortal: bool,
        may_grow: &dyn Fn(usize) -> bool,
    ) -> Option<ObjectRef> {
        let class = class_of(size);
        let id = match self.avail[class].last() {
            Some(&id) => id,
            None => {
                if !may_grow(BLOCK_BYTES) {
                    return None;
                }
                let id = self.new_block(arena, class)?;
                self.avail[class].push(id);
                id
            }
        };
        let b = self.blocks[id as usize].as_mut().expect("live block");
        let i = match b.free.pop() {
            Some(i) => i as usize,
            None => {
                b.fresh += 1;
                b.fresh - 1
            }
        };
        if b.free.is_empty() && b.fresh == b.n_cells {
            self.avail[class].pop();
        }
        b.alloc[i >> 6] |= 1 << (i & 63);
        let addr = b.base + i * b.cell;
        self.used += b.cell;
        self.free_bytes -= b.cell;
        let o = ObjectRef::from_addr(addr).expect("cell address");
        // SAFETY: the cell is ours, free until now, and holds a header.
        unsafe { o.set_gc_word(word::nonmoving_initial(immortal)) };
        if immortal {
            self.immortal.push(o);
        }
        Some(o)
    }

    fn new_block(&mut self, arena: &mut Arena, class: usize) -> Option<u32> {
        let id = match self.free_ids.pop() {
            Some(id) => id,
            None => {
                self.blocks.push(None);
                (self.blocks.len() - 1) as u32
            }
        };
        let Some(base) = arena.alloc_pages(BLOCK_BYTES / PAGE, Owner::Block(id)) else {
            self.free_ids.push(id);
            return None;
        };
        let cell = CELL_SIZES[class];
        let n_cells = BLOCK_BYTES / cell;
        self.blocks[id as usize] = Some(Block {
            base,
            cell,
            class,
            n_cells,
            alloc: vec![0; n_cells.div_ceil(64)],
            free: Vec::new(),
            fresh: 0,
        });
        self.n_blocks += 1;
        self.free_bytes += n_cells * cell;
        Some(id)
    }

    /// Is `o` (inside block `id`) the start of an allocated cell?
    pub fn is_object(&self, id: u32, addr: usize) -> bool {
        let Some(Some(b)) = self.blocks.get(id as usize) else {
            return false;
        };
        let off = addr - b.base;
        off.is_multiple_of(b.cell) && off / b.cell < b.n_cells && b.is_alloc(off / b.cell)
    }

    /// Calls `f` on every allocated cell.
    pub fn for_each(&self, f: &mut dyn FnMut(ObjectRef)) {
        for b in self.blocks.iter().flatten() {
            for i in 0..b.n_cells {
                if b.is_alloc(i) {
                    f(ObjectRef::from_addr(b.base + i * b.cell).expect("cell"));
                }
            }
        }
    }

    /// Frees every unmarked mortal cell (clearing its unlog bit, poisoning
    /// it if asked), clears the marks of the rest, and returns empty blocks
    /// to the arena.
    pub fn sweep(&mut self, arena: &mut Arena, unlog: &mut UnlogTable, poison: bool) -> Swept {
        let mut swept = Swept::default();
        for list in &mut self.avail {
            list.clear();
        }
        for id in 0..self.blocks.len() {
            let Some(b) = self.blocks[id].as_mut() else {
                continue;
            };
            b.free.clear();
            b.fresh = b.n_cells;
            let mut live = 0;
            for i in 0..b.n_cells {
                if !b.is_alloc(i) {
                    b.free.push(i as u32);
                    continue;
                }
                let addr = b.base + i * b.cell;
                let o = ObjectRef::from_addr(addr).expect("cell");
                // SAFETY: an allocated cell holds an object whose GC word
                // is ours.
                let w = unsafe { o.gc_word() };
                debug_assert!(word::is_nonmoving(w), "cell {addr:#x} lost its tag");
                if w & (word::MARK | word::IMMORTAL) != 0 {
                    // SAFETY: as above.
                    unsafe { o.set_gc_word(w & !word::MARK) };
                    live += 1;
                } else {
                    b.alloc[i >> 6] &= !(1 << (i & 63));
                    b.free.push(i as u32);
                    unlog.clear(addr);
                    if poison {
                        arena.fill(addr, addr + b.cell, word::POISON);
                    }
                    swept.objects += 1;
                    swept.bytes += b.cell;
                }
            }
            if live == 0 {
                let base = b.base;
                self.blocks[id] = None;
                self.free_ids.push(id as u32);
                self.n_blocks -= 1;
                arena.free_pages_at(base, BLOCK_BYTES / PAGE);
            } else {
                b.free.reverse();
                if !b.free.is_empty() {
                    self.avail[b.class].push(id as u32);
                }
            }
        }
        self.used -= swept.bytes;
        self.free_bytes = self
            .blocks
            .iter()
            .flatten()
            .map(|b| (b.free.len() + b.n_cells - b.fresh) * b.cell)
            .sum();
        swept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alloc_sweep_and_release() {
        let mut arena = Arena::new(1 << 20).unwrap();
        let mut unlog = UnlogTable::new(arena.base(), arena.size());
        let mut ms = MarkSweepSpace::new();
        let grow = |_: usize| true;
        let a = ms.alloc(&mut arena, 40, false, &grow).unwrap();
        let b = ms.alloc(&mut arena, 40, false, &grow).unwrap();
        let c = ms.alloc(&mut arena, 300, true, &grow).unwrap();
        assert_eq!(ms.used(), 40 + 40 + 320);
        let Owner::Block(id) = arena.owner(a.addr()) else {
            panic!("not in a block")
        };
        assert!(ms.is_object(id, a.addr()) && !ms.is_object(id, a.addr() + 8));
        // SAFETY: a is a live cell.
        unsafe { a.set_gc_word(a.gc_word() | word::MARK) };
        unlog.set(b.addr());
        let s = ms.sweep(&mut arena, &mut unlog, true);
        assert_eq!(
            s,
            Swept {
                objects: 1,
                bytes: 40
            }
        );
        assert!(!unlog.is_set(b.addr()));
        assert!(!ms.is_object(id, b.addr()));
        assert_eq!(ms.immortal(), &[c]);
        // a dies next time; its block is released, c's stays.
        ms.sweep(&mut arena, &mut unlog, false);
        assert_eq!(arena.owner(a.addr()), Owner::Free);
        assert_eq!(ms.footprint(), BLOCK_BYTES);
    }
}
