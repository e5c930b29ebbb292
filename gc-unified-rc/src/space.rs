//! The heap's memory: one contiguous, block-aligned arena reserved up front
//! (pages are touched only when used), cut into blocks of [`BLOCK_BYTES`].
//!
//! * A small-object block serves one size class. A block taken fresh from
//!   the pool is bump-allocated cell by cell; reclaimed cells go on the
//!   block's free list (threaded through the cell's VM word) and are reused
//!   first. A block whose last cell is freed returns to the pool.
//! * A large object (above `MAX_SMALL`) takes a run of whole blocks.
//!
//! The space knows nothing about counts: it hands out and takes back cells,
//! enforces the block budget (`--heap`), and answers address questions
//! (`in_arena`, `is_object`, `for_each_object`).

use crate::header;
use crate::size_class::{MAX_SMALL, SizeClasses};
use gc_api::ObjectRef;
use std::alloc::{Layout, alloc, dealloc};
use std::collections::BTreeSet;

/// Bytes per block (and the arena's alignment).
pub const BLOCK_BYTES: usize = 32 << 10;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Free,
    Small,
    LargeHead,
    LargeTail,
}

#[derive(Clone, Copy, Debug)]
struct BlockInfo {
    kind: Kind,
    class: u16,
    in_avail: bool,
    live: u32,
    /// First free cell (small blocks), 0 if none.
    free_head: usize,
    /// Next never-used cell (small) or the object's size (large head).
    bump: usize,
    /// Blocks in the run (large head).
    run: u32,
}

const EMPTY: BlockInfo = BlockInfo {
    kind: Kind::Free,
    class: 0,
    in_avail: false,
    live: 0,
    free_head: 0,
    bump: 0,
    run: 0,
};

/// The block space.
pub struct Space {
    base: usize,
    n_blocks: usize,
    info: Vec<BlockInfo>,
    free_blocks: BTreeSet<u32>,
    hwm: u32,
    in_use: usize,
    budget: usize,
    classes: SizeClasses,
    current: Vec<Option<u32>>,
    avail: Vec<Vec<u32>>,
    used: usize,
}

impl Space {
    /// Reserves an arena of `reserve` bytes of which at most `budget` bytes
    /// of blocks may be in use at once. `None` if the system refuses.
    pub fn new(reserve: usize, budget: usize) -> Option<Space> {
        let n_blocks = reserve.div_ceil(BLOCK_BYTES).max(1);
        let layout = Layout::from_size_align(n_blocks * BLOCK_BYTES, BLOCK_BYTES).ok()?;
        // SAFETY: non-zero size; the memory stays uninitialised until cells
        // are handed out (every cell's header is written before it is read).
        let base = unsafe { alloc(layout) } as usize;
        if base == 0 {
            return None;
        }
        let classes = SizeClasses::new();
        let n_classes = classes.len();
        Some(Space {
            base,
            n_blocks,
            info: vec![EMPTY; n_blocks],
            free_blocks: BTreeSet::new(),
            hwm: 0,
            in_use: 0,
            budget: (budget / BLOCK_BYTES).max(1),
            classes,
            current: vec![None; n_classes],
            avail: vec![Vec::new(); n_classes],
            used: 0,
        })
    }

    /// First byte of the arena.
    #[inline]
    pub fn base(&self) -> usize {
        self.base
    }

    /// Bytes reserved for the arena.
    #[inline]
    pub fn arena_bytes(&self) -> usize {
        self.n_blocks * BLOCK_BYTES
    }

    /// Does `addr` lie in the arena?
    #[inline]
    pub fn in_arena(&self, addr: usize) -> bool {
        addr.wrapping_sub(self.base) < self.n_blocks * BLOCK_BYTES
    }

    /// Bytes of objects currently allocated (cells handed out, large sizes).
    #[inline]
    pub fn used_bytes(&self) -> usize {
        self.used
    }

    /// Bytes of blocks in use (the footprint the budget limits).
    pub fn footprint(&self) -> usize {
        self.in_use * BLOCK_BYTES
    }

    /// Bytes a request of `size` occupies (its cell or block run).
    pub fn charged(&self, size: usize) -> usize {
        if size <= MAX_SMALL {
            self.classes.size(self.classes.class_of(size))
        } else {
            size
        }
    }

    #[inline]
    fn block_start(&self, b: u32) -> usize {
        self.base + b as usize * BLOCK_BYTES
    }

    #[inline]
    fn block_of(&self, addr: usize) -> u32 {
        ((addr - self.base) / BLOCK_BYTES) as u32
    }

    /// Allocates `size` bytes (multiple of 8, at least a header). Never
    /// collects; `None` when the budget or the arena is exhausted.
    #[inline]
    pub fn alloc(&mut self, size: usize) -> Option<usize> {
        if size > MAX_SMALL {
            return self.alloc_large(size);
        }
        let c = self.classes.class_of(size);
        if let Some(b) = self.current[c]
            && let Some(a) = self.take_cell(b)
        {
            return Some(a);
        }
        self.alloc_small_slow(c)
    }

    #[inline]
    fn take_cell(&mut self, b: u32) -> Option<usize> {
        let end = self.block_start(b) + BLOCK_BYTES;
        let i = &mut self.info[b as usize];
        let size = self.classes.size(i.class as usize);
        let a = if i.free_head != 0 {
            let a = i.free_head;
            // SAFETY: a free cell's VM word holds the next free cell (or 0);
            // the cell lies in this block.
            i.free_head = unsafe { *((a + 8) as *const usize) };
            a
        } else if i.bump + size <= end {
            let a = i.bump;
            i.bump += size;
            a
        } else {
            return None;
        };
        i.live += 1;
        self.used += size;
        Some(a)
    }

    fn alloc_small_slow(&mut self, c: usize) -> Option<usize> {
        while let Some(b) = self.avail[c].pop() {
            let i = &mut self.info[b as usize];
            i.in_avail = false;
            if i.kind == Kind::Small && i.class as usize == c && Some(b) != self.current[c] {
                self.current[c] = Some(b);
                if let Some(a) = self.take_cell(b) {
                    return Some(a);
                }
            }
        }
        let b = self.take_blocks(1)?;
        let start = self.block_start(b);
        self.info[b as usize] = BlockInfo {
            kind: Kind::Small,
            class: c as u16,
            in_avail: false,
            live: 0,
            free_head: 0,
            bump: start,
            run: 1,
        };
        self.current[c] = Some(b);
        self.take_cell(b)
    }

    fn alloc_large(&mut self, size: usize) -> Option<usize> {
        let n = size.div_ceil(BLOCK_BYTES);
        let b = self.take_blocks(n)?;
        self.info[b as usize] = BlockInfo {
            kind: Kind::LargeHead,
            class: 0,
            in_avail: false,
            live: 1,
            free_head: 0,
            bump: size,
            run: n as u32,
        };
        for t in 1..n {
            self.info[b as usize + t] = BlockInfo {
                kind: Kind::LargeTail,
                ..EMPTY
            };
        }
        self.used += size;
        Some(self.block_start(b))
    }

    /// Takes a run of `n` free blocks within the budget.
    fn take_blocks(&mut self, n: usize) -> Option<u32> {
        if self.in_use + n > self.budget {
            return None;
        }
        let start = if n == 1 {
            self.free_blocks.pop_first()
        } else {
            self.find_run(n)
        };
        let b = match start {
            Some(b) => b,
            None => {
                if self.hwm as usize + n > self.n_blocks {
                    return None;
                }
                self.hwm += n as u32;
                self.hwm - n as u32
            }
        };
        self.in_use += n;
        Some(b)
    }

    /// A run of `n` consecutive pooled blocks, taken out of the pool.
    fn find_run(&mut self, n: usize) -> Option<u32> {
        let (mut start, mut len) = (0u32, 0usize);
        let mut found = None;
        for &b in &self.free_blocks {
            if len > 0 && b == start + len as u32 {
                len += 1;
            } else {
                start = b;
                len = 1;
            }
            if len == n {
                found = Some(start);
                break;
            }
        }
        let s = found?;
        for b in s..s + n as u32 {
            self.free_blocks.remove(&b);
        }
        Some(s)
    }

    fn release_blocks(&mut self, b: u32, n: usize) {
        for t in b..b + n as u32 {
            self.info[t as usize] = EMPTY;
            self.free_blocks.insert(t);
        }
        self.in_use -= n;
    }

    /// Returns the object at `o` to the space. Its GC word becomes FREE.
    pub fn free(&mut self, o: ObjectRef) {
        let a = o.addr();
        let b = self.block_of(a);
        let i = self.info[b as usize];
        match i.kind {
            Kind::LargeHead => {
                header::set_word(o, header::FREE);
                self.used -= i.bump;
                self.release_blocks(b, i.run as usize);
            }
            Kind::Small => {
                let c = i.class as usize;
                self.used -= self.classes.size(c);
                header::set_word(o, header::FREE);
                // SAFETY: the cell is ours again; its VM word links the list.
                unsafe { *((a + 8) as *mut usize) = i.free_head };
                let info = &mut self.info[b as usize];
                info.free_head = a;
                info.live -= 1;
                let is_current = self.current[c] == Some(b);
                if info.live == 0 && !is_current {
                    self.release_blocks(b, 1);
                } else if !info.in_avail && !is_current {
                    info.in_avail = true;
                    self.avail[c].push(b);
                }
            }
            _ => panic!("gc-unified-rc: free of a non-object {a:#x}"),
        }
    }

    /// Is `o` the start of an allocated (not free) object?
    pub fn is_object(&self, o: ObjectRef) -> bool {
        let a = o.addr();
        if !self.in_arena(a) || a & 7 != 0 {
            return false;
        }
        let b = self.block_of(a);
        let i = &self.info[b as usize];
        let start = self.block_start(b);
        let at_start = match i.kind {
            Kind::Small => {
                a < i.bump && (a - start).is_multiple_of(self.classes.size(i.class as usize))
            }
            Kind::LargeHead => a == start,
            _ => false,
        };
        at_start && header::word(o) != header::FREE
    }

    /// Calls `f` for every allocated object (any state but FREE).
    pub fn for_each_object(&self, f: &mut dyn FnMut(ObjectRef)) {
        for b in 0..self.hwm {
            let i = &self.info[b as usize];
            let start = self.block_start(b);
            match i.kind {
                Kind::Small => {
                    let size = self.classes.size(i.class as usize);
                    let mut a = start;
                    while a < i.bump {
                        // SAFETY: `a` is a handed-out cell (non-null) below bump.
                        let o = unsafe { ObjectRef::from_addr_unchecked(a) };
                        if header::word(o) != header::FREE {
                            f(o);
                        }
                        a += size;
                    }
                }
                Kind::LargeHead => {
                    // SAFETY: the head block starts the large object.
                    let o = unsafe { ObjectRef::from_addr_unchecked(start) };
                    if header::word(o) != header::FREE {
                        f(o);
                    }
                }
                _ => {}
            }
        }
    }
}

impl Drop for Space {
    fn drop(&mut self) {
        let layout = Layout::from_size_align(self.n_blocks * BLOCK_BYTES, BLOCK_BYTES)
            .expect("arena layout");
        // SAFETY: `base` came from `alloc` with exactly this layout.
        unsafe { dealloc(self.base as *mut u8, layout) }
    }
}
