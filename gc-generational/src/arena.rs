//! The arena: one contiguous virtual reservation holding every space of the
//! heap (nursery, mature semispaces, size-class blocks, large objects), cut
//! into 4 KiB pages with a page table naming each page's owner.
//!
//! One range makes two things cheap: classifying any address (one table
//! load) and the write barrier's side bitmap, which the JIT indexes as
//! `(addr - base) >> shift` (see [`crate::barrier`]). The reservation is
//! taken from the system allocator uninitialised, so pages the heap never
//! touches are never committed; `--heap` budgets are enforced by the
//! spaces, not by the arena's size.

use std::alloc::{Layout, alloc, dealloc};
use std::collections::BTreeMap;

/// Bytes per page.
pub const PAGE: usize = 4096;
const PAGE_SHIFT: u32 = 12;

/// Who owns a page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    /// Not allocated (a reference here is stale).
    Free,
    /// The nursery.
    Nursery,
    /// Mature semispace 0 or 1.
    Semi(u8),
    /// First page of a large object (its start).
    LosHead,
    /// A later page of a large object.
    LosTail,
    /// A size-class block, by block id.
    Block(u32),
    /// Not in the arena at all.
    Outside,
}

const FREE: u32 = 0;
const NURSERY: u32 = 1;
const SEMI0: u32 = 2;
const LOS_HEAD: u32 = 4;
const LOS_TAIL: u32 = 5;
const BLOCK0: u32 = 8;

fn encode(o: Owner) -> u32 {
    match o {
        Owner::Free | Owner::Outside => FREE,
        Owner::Nursery => NURSERY,
        Owner::Semi(i) => SEMI0 + i as u32,
        Owner::LosHead => LOS_HEAD,
        Owner::LosTail => LOS_TAIL,
        Owner::Block(id) => BLOCK0 + id,
    }
}

/// The reservation, its page table and its free page runs.
pub struct Arena {
    base: usize,
    size: usize,
    pages: Vec<u32>,
    /// Free runs: first page -> number of pages (coalesced).
    free: BTreeMap<usize, usize>,
    free_pages: usize,
}

impl Arena {
    /// Reserves at least `size` bytes. `None` when the system refuses.
    pub fn new(size: usize) -> Option<Arena> {
        let size = size.max(PAGE).next_multiple_of(PAGE);
        let layout = Layout::from_size_align(size, PAGE).ok()?;
        // SAFETY: the layout has non-zero size.
        let base = unsafe { alloc(layout) } as usize;
        if base == 0 {
            return None;
        }
        let n = size / PAGE;
        let mut free = BTreeMap::new();
        free.insert(0, n);
        Some(Arena {
            base,
            size,
            pages: vec![FREE; n],
            free,
            free_pages: n,
        })
    }

    /// First byte of the arena.
    #[inline]
    pub fn base(&self) -> usize {
        self.base
    }

    /// Bytes reserved.
    #[inline]
    pub fn size(&self) -> usize {
        self.size
    }

    /// Pages not allocated to any space.
    pub fn free_pages(&self) -> usize {
        self.free_pages
    }

    /// Does `addr` fall inside the arena?
    #[inline]
    pub fn contains(&self, addr: usize) -> bool {
        addr.wrapping_sub(self.base) < self.size
    }

    /// The owner of the page holding `addr`.
    #[inline]
    pub fn owner(&self, addr: usize) -> Owner {
        let off = addr.wrapping_sub(self.base);
        if off >= self.size {
            return Owner::Outside;
        }
        match self.pages[off >> PAGE_SHIFT] {
            FREE => Owner::Free,
            NURSERY => Owner::Nursery,
            v @ (SEMI0 | 3) => Owner::Semi((v - SEMI0) as u8),
            LOS_HEAD => Owner::LosHead,
            LOS_TAIL => Owner::LosTail,
            v => Owner::Block(v - BLOCK0),
        }
    }

    /// Allocates a run of `n` pages (first fit) for `owner`; a large object
    /// gets `LosHead` on its first page and `LosTail` on the rest. Returns
    /// the run's address.
    pub fn alloc_pages(&mut self, n: usize, owner: Owner) -> Option<usize> {
        assert!(n > 0);
        let (&start, &len) = self.free.iter().find(|&(_, &len)| len >= n)?;
        self.free.remove(&start);
        if len > n {
            self.free.insert(start + n, len - n);
        }
        self.free_pages -= n;
        let code = encode(owner);
        self.pages[start] = code;
        let rest = if owner == Owner::LosHead {
            LOS_TAIL
        } else {
            code
        };
        self.pages[start + 1..start + n].fill(rest);
        Some(self.base + start * PAGE)
    }

    /// Returns the run of `n` pages at `addr` to the free runs.
    pub fn free_pages_at(&mut self, addr: usize, n: usize) {
        debug_assert!(self.contains(addr) && (addr - self.base).is_multiple_of(PAGE));
        let mut start = (addr - self.base) >> PAGE_SHIFT;
        let mut len = n;
        self.pages[start..start + n].fill(FREE);
        self.free_pages += n;
        if let Some((&s, &l)) = self.free.range(..start).next_back()
            && s + l == start
        {
            self.free.remove(&s);
            start = s;
            len += l;
        }
        if let Some(&l) = self.free.get(&(start + len)) {
            self.free.remove(&(start + len));
            len += l;
        }
        self.free.insert(start, len);
    }

    /// Overwrites `[start, end)` (inside the arena, 8-aligned) with `word`.
    pub fn fill(&mut self, start: usize, end: usize, word: usize) {
        assert!(self.contains(start) && end <= self.base + self.size && start <= end);
        assert!(start & 7 == 0 && end & 7 == 0);
        // SAFETY: the range lies inside our reservation and is 8-aligned;
        // the caller fills only memory no live object occupies.
        let s = unsafe { std::slice::from_raw_parts_mut(start as *mut usize, (end - start) / 8) };
        s.fill(word);
    }
}

impl Drop for Arena {
    fn drop(&mut self) {
        let layout = Layout::from_size_align(self.size, PAGE).expect("arena layout");
        // SAFETY: `base` came from `alloc` with exactly this layout.
        unsafe { dealloc(self.base as *mut u8, layout) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_are_allocated_owned_and_coalesced() {
        let mut a = Arena::new(16 * PAGE).unwrap();
        let x = a.alloc_pages(2, Owner::Nursery).unwrap();
        let y = a.alloc_pages(3, Owner::LosHead).unwrap();
        let z = a.alloc_pages(1, Owner::Block(7)).unwrap();
        assert_eq!(a.owner(x + 100), Owner::Nursery);
        assert_eq!(a.owner(y), Owner::LosHead);
        assert_eq!(a.owner(y + PAGE * 2), Owner::LosTail);
        assert_eq!(a.owner(z + 8), Owner::Block(7));
        assert_eq!(a.owner(a.base() + a.size()), Owner::Outside);
        a.free_pages_at(y, 3);
        a.free_pages_at(x, 2);
        assert_eq!(a.owner(y), Owner::Free);
        // The two freed runs coalesced into one of 5 pages.
        let w = a.alloc_pages(5, Owner::Semi(1)).unwrap();
        assert_eq!(w, x);
        assert_eq!(a.free_pages(), 16 - 6);
    }
}
