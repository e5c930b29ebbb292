//! The encoding of the collector-owned GC word (header offset 0) under the
//! copying collector. Every state the word can be in is defined here.
//!
//! ```text
//! semispace object, not forwarded   0
//! semispace object, forwarded       new_address | FORWARDED     (bit 0)
//! non-moving object (large-object   LOS_TAG | [IMMORTAL] | [MARK]
//!   space: Large, NonMoving,          LOS_TAG  = 0x4c05 << 48
//!   Immortal)                         IMMORTAL = bit 1, MARK = bit 2
//! poisoned from-space (stress)      POISON (every word of the old space)
//! ```
//!
//! A semispace object is told apart from a non-moving one by its address
//! (the semispaces are two contiguous ranges), never by this word alone; the
//! tag of non-moving objects only guards against foreign objects (the VM's
//! metadata outside the heap), whose words are left alone.

/// GC word of a fresh or just-copied semispace object (also the JIT's
/// `gc_word_init`).
pub const FRESH: usize = 0;

/// Low bit of a forwarding word. Object addresses are 8-aligned, so the
/// three low bits of an address are free.
pub const FORWARDED: usize = 1;

/// High tag of every non-moving (large-object space) object's GC word.
pub const LOS_TAG: usize = 0x4c05 << 48;
const LOS_TAG_MASK: usize = 0xffff << 48;

/// Non-moving object that is never reclaimed and is scanned as a root.
pub const IMMORTAL: usize = 1 << 1;

/// Non-moving object reached during the current collection.
pub const MARK: usize = 1 << 2;

/// The pattern written over the old semispace after a flip under
/// `--gc-stress` (or `poison=1`), so a stale pointer reads garbage that
/// is recognisable in a debugger and fails the mock VM's header checks.
pub const POISON: usize = 0xdead_beef_dead_beef;

/// The forwarding word for an object copied to `new`.
#[inline]
pub fn forwarding(new: usize) -> usize {
    debug_assert!(new & 7 == 0);
    new | FORWARDED
}

/// The new address if `w` is a forwarding word (only meaningful for words
/// of from-space objects).
#[inline]
pub fn forwarded_to(w: usize) -> Option<usize> {
    if w & FORWARDED != 0 {
        Some(w & !FORWARDED)
    } else {
        None
    }
}

/// The initial GC word of a non-moving object.
#[inline]
pub fn los_initial(immortal: bool) -> usize {
    if immortal {
        LOS_TAG | IMMORTAL
    } else {
        LOS_TAG
    }
}

/// Does `w` belong to an object of the large-object space?
#[inline]
pub fn is_los(w: usize) -> bool {
    w & LOS_TAG_MASK == LOS_TAG && w != POISON
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_are_distinct() {
        let f = forwarding(0x1000);
        assert_eq!(forwarded_to(f), Some(0x1000));
        assert_eq!(forwarded_to(FRESH), None);
        assert!(is_los(los_initial(false)));
        assert!(is_los(los_initial(true) | MARK));
        assert!(!is_los(FRESH));
        assert!(!is_los(POISON));
        assert!(!is_los(f));
        assert_eq!(forwarded_to(los_initial(true) | MARK), None);
    }
}
