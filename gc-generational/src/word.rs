//! The encoding of the collector-owned GC word (header offset 0) under the
//! generational collector. Every state the word can be in is defined here.
//!
//! ```text
//! copyable object (nursery, mature semispace), not forwarded   0
//! copyable object, forwarded                                   new | FORWARDED (bit 0)
//! non-moving mature object (size-class cell or large object)   NONMOVING_TAG | [IMMORTAL] | [MARK]
//! poisoned memory (stress / poison=1)                          POISON
//! ```
//!
//! Which space an object lives in is decided by its address (the arena's
//! page table), never by this word alone; the tag only guards against
//! corrupt or stale references.

/// GC word of a fresh nursery object or a copy in a mature semispace (also
/// the JIT's `gc_word_init`).
pub const FRESH: usize = 0;

/// Low bit of a forwarding word (object addresses are 8-aligned).
pub const FORWARDED: usize = 1;

/// High tag of every non-moving mature object's GC word.
pub const NONMOVING_TAG: usize = 0x6e47 << 48;
const TAG_MASK: usize = 0xffff << 48;

/// A non-moving object that is never reclaimed and is a root of every full
/// collection.
pub const IMMORTAL: usize = 1 << 1;

/// A non-moving object reached by the current full collection.
pub const MARK: usize = 1 << 2;

/// Pattern written over evacuated or reclaimed memory under `--gc-stress`
/// (or `poison=1`): odd, so never an object address.
pub const POISON: usize = 0xdead_6e47_dead_6e47;

/// The forwarding word for an object copied to `new`.
#[inline]
pub fn forwarding(new: usize) -> usize {
    debug_assert!(new & 7 == 0);
    new | FORWARDED
}

/// The new address if `w` is a forwarding word (copyable objects only).
#[inline]
pub fn forwarded_to(w: usize) -> Option<usize> {
    if w & FORWARDED != 0 && w != POISON {
        Some(w & !FORWARDED)
    } else {
        None
    }
}

/// The initial GC word of a non-moving object.
#[inline]
pub fn nonmoving_initial(immortal: bool) -> usize {
    if immortal {
        NONMOVING_TAG | IMMORTAL
    } else {
        NONMOVING_TAG
    }
}

/// Does `w` belong to a non-moving mature object?
#[inline]
pub fn is_nonmoving(w: usize) -> bool {
    w & TAG_MASK == NONMOVING_TAG && w != POISON
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_are_distinct() {
        assert_eq!(forwarded_to(forwarding(0x1000)), Some(0x1000));
        assert_eq!(forwarded_to(FRESH), None);
        assert_eq!(forwarded_to(POISON), None);
        assert!(is_nonmoving(nonmoving_initial(true) | MARK));
        assert!(!is_nonmoving(FRESH));
        assert!(!is_nonmoving(POISON));
        assert!(!is_nonmoving(forwarding(0x2000)));
    }
}
