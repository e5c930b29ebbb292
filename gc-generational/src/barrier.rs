//! The object-remembering write barrier's state: one *unlog bit* per
//! possible object start, in a side bitmap over the whole arena.
//!
//! A set bit means "this object is mature and not yet remembered since the
//! last collection": the first store into it must take the slow path, which
//! clears the bit and appends the object to the modified-object buffer
//! ([`crate::remset`]). Nursery objects never have the bit set, so stores
//! into young objects cost one load and one test. After a collection every
//! surviving mature object has its bit set again (it is clean: the nursery
//! is empty).
//!
//! Objects are 8-aligned and at least 16 bytes long, so two object starts
//! are at least 16 bytes apart and one bit per 16 bytes (`SHIFT = 4`)
//! identifies an object uniquely. The JIT reads the same bitmap through
//! [`gc_api::jit::BarrierFastPath::UnlogBit`]: bit
//! `i = (addr - heap_base) >> SHIFT` is bit `i % 64` of word `i / 64`, and an
//! address outside `[heap_base, heap_base + covered)` never needs the slow
//! path (such objects are VM metadata that the VM reports as roots).

/// log2 of the bytes each bit covers.
pub const SHIFT: u32 = 4;

/// The side bitmap.
pub struct UnlogTable {
    base: usize,
    covered: usize,
    bits: Vec<u64>,
}

impl UnlogTable {
    /// A cleared bitmap covering `[base, base + covered)`.
    pub fn new(base: usize, covered: usize) -> UnlogTable {
        let nbits = covered >> SHIFT;
        UnlogTable {
            base,
            covered,
            // A zeroed allocation: large ones are lazily committed zero pages.
            bits: vec![0u64; nbits.div_ceil(64)],
        }
    }

    /// Address of the first bitmap word (for the JIT).
    pub fn bitmap_base(&self) -> usize {
        self.bits.as_ptr() as usize
    }

    /// The address bit 0 stands for (for the JIT).
    pub fn heap_base(&self) -> usize {
        self.base
    }

    #[inline]
    fn index(&self, addr: usize) -> Option<usize> {
        let off = addr.wrapping_sub(self.base);
        (off < self.covered).then_some(off >> SHIFT)
    }

    /// Is the unlog bit of the object at `addr` set (the barrier's fast
    /// path test)?
    #[inline]
    pub fn is_set(&self, addr: usize) -> bool {
        match self.index(addr) {
            Some(i) => self.bits[i >> 6] & (1 << (i & 63)) != 0,
            None => false,
        }
    }

    /// Sets the bit of the object at `addr` (a clean mature object).
    #[inline]
    pub fn set(&mut self, addr: usize) {
        let i = self.index(addr).expect("unlog bit outside the arena");
        self.bits[i >> 6] |= 1 << (i & 63);
    }

    /// Clears the bit of the object at `addr` (logged, dead or young).
    #[inline]
    pub fn clear(&mut self, addr: usize) {
        if let Some(i) = self.index(addr) {
            self.bits[i >> 6] &= !(1 << (i & 63));
        }
    }

    /// Clears every bit for objects starting in `[start, end)`.
    pub fn clear_range(&mut self, start: usize, end: usize) {
        let (Some(a), Some(b)) = (self.index(start), self.index(end - 1)) else {
            return;
        };
        let b = b + 1;
        let mut i = a;
        while i < b && i & 63 != 0 {
            self.bits[i >> 6] &= !(1 << (i & 63));
            i += 1;
        }
        while i + 64 <= b {
            self.bits[i >> 6] = 0;
            i += 64;
        }
        while i < b {
            self.bits[i >> 6] &= !(1 << (i & 63));
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_set_clear_and_ranges() {
        let mut t = UnlogTable::new(0x10000, 1 << 16);
        assert!(!t.is_set(0x10000));
        t.set(0x10010);
        t.set(0x10ff0);
        assert!(t.is_set(0x10010) && !t.is_set(0x10020));
        assert!(!t.is_set(0x8), "outside the arena is never set");
        t.clear_range(0x10000, 0x10020);
        assert!(!t.is_set(0x10010) && t.is_set(0x10ff0));
        for a in (0x10000..0x18000).step_by(16) {
            t.set(a);
        }
        t.clear_range(0x10100, 0x17f00);
        assert!(t.is_set(0x100f0) && !t.is_set(0x10100) && !t.is_set(0x17ef0));
        assert!(t.is_set(0x17f00));
    }
}
