//! The field-logging write barrier (LXR-style) and the buffers it fills.
//!
//! Only stores into *counted* objects (old or immortal) are logged: a young
//! object is born dead and uncounted, and its fields are scanned when it is
//! first reached, so stores into it need no barrier work at all.
//!
//! * Coalescing (the default): on the first store to a field in an epoch,
//!   the field's log bit is set, its old referent goes to the decrement
//!   buffer and the slot to the modified-field buffer; at the epoch the
//!   slot's value *then* is incremented. Later stores to the same field in
//!   the epoch cost one bit test. Intermediate values are never counted.
//! * Immediate (`coalesce=0`): every store logs its old referent as a
//!   decrement and its new referent as an increment (Deutsch–Bobrow style
//!   logging, still applied at the epoch).
//!
//! The log bits live in a side bitmap, one bit per arena word; the epoch
//! clears the bits of the slots it processes.

use crate::header;
use gc_api::{ObjectRef, Slot};

/// Barrier state and the mutator-side buffers.
pub struct Barrier {
    base: usize,
    bytes: usize,
    bits: Vec<u64>,
    coalesce: bool,
    /// Slots logged this epoch (increment their value at the epoch).
    pub slots: Vec<Slot>,
    /// Referents to decrement at the epoch.
    pub decs: Vec<ObjectRef>,
    /// Referents to increment at the epoch (immediate mode, handles).
    pub incs: Vec<ObjectRef>,
}

impl Barrier {
    /// A barrier for the arena `[base, base + bytes)`.
    pub fn new(base: usize, bytes: usize, coalesce: bool) -> Barrier {
        Barrier {
            base,
            bytes,
            bits: vec![0u64; (bytes / 8).div_ceil(64)],
            coalesce,
            slots: Vec::new(),
            decs: Vec::new(),
            incs: Vec::new(),
        }
    }

    #[inline]
    fn counted_src(&self, src: ObjectRef) -> bool {
        src.addr().wrapping_sub(self.base) < self.bytes && header::state(src) >= header::COUNTED
    }

    #[inline]
    fn in_arena(&self, o: ObjectRef) -> bool {
        o.addr().wrapping_sub(self.base) < self.bytes
    }

    #[inline]
    fn bit(&self, slot: Slot) -> (usize, u64) {
        let w = (slot.addr() - self.base) / 8;
        (w / 64, 1u64 << (w % 64))
    }

    /// Is `slot`'s log bit set?
    #[inline]
    pub fn is_logged(&self, slot: Slot) -> bool {
        let (i, m) = self.bit(slot);
        self.bits[i] & m != 0
    }

    /// Sets `slot`'s log bit; returns whether it was clear.
    #[inline]
    fn log(&mut self, slot: Slot) -> bool {
        let (i, m) = self.bit(slot);
        let was_clear = self.bits[i] & m == 0;
        self.bits[i] |= m;
        was_clear
    }

    /// Clears `slot`'s log bit (at the epoch).
    #[inline]
    pub fn unlog(&mut self, slot: Slot) {
        let (i, m) = self.bit(slot);
        self.bits[i] &= !m;
    }

    /// Before a store into `slot` of `src`, which held `old`.
    #[inline]
    pub fn write_pre(&mut self, src: ObjectRef, slot: Slot, old: Option<ObjectRef>) {
        if !self.counted_src(src) {
            return;
        }
        if self.coalesce || self.is_logged(slot) {
            if self.log(slot) {
                self.slots.push(slot);
                if let Some(o) = old.filter(|o| self.in_arena(*o)) {
                    self.decs.push(o);
                }
            }
        } else if let Some(o) = old.filter(|o| self.in_arena(*o)) {
            self.decs.push(o);
        }
    }

    /// After the store of `new`.
    #[inline]
    pub fn write_post(&mut self, src: ObjectRef, slot: Slot, new: Option<ObjectRef>) {
        if self.coalesce || !self.counted_src(src) || self.is_logged(slot) {
            return;
        }
        if let Some(o) = new.filter(|o| self.in_arena(*o)) {
            self.incs.push(o);
        }
    }

    /// Before a bulk store into `count` slots from `first`: each slot is
    /// logged (whatever the mode), with its current referent as a decrement.
    pub fn write_region(&mut self, src: ObjectRef, first: Slot, count: usize) {
        if !self.counted_src(src) {
            return;
        }
        for k in 0..count {
            // SAFETY: the VM passes `count` consecutive slots of `src`.
            let slot = unsafe { Slot::from_ptr((first.addr() + 8 * k) as *mut usize) };
            if self.log(slot) {
                self.slots.push(slot);
                let w = slot.load_word();
                if w != 0
                    && w & 7 == 0
                    && let Some(o) = ObjectRef::from_addr(w).filter(|o| self.in_arena(*o))
                {
                    self.decs.push(o);
                }
            }
        }
    }
}
