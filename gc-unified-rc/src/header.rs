//! The collector-owned GC word of every object: a life state, the
//! trial-deletion colour, a few flags and the reference count.
//!
//! ```text
//! bits 0..2   state   FREE (0) | YOUNG (born dead, uncounted) | COUNTED | IMMORTAL
//! bits 2..4   colour  BLACK | GRAY | WHITE | PURPLE   (Bacon & Rajan 2001)
//! bit  4      BUFFERED  in the purple (possible cycle root) buffer
//! bit  5      LEAF      allocated pointer-free: never a cycle member
//! bit  6      MARK      backup-trace mark
//! bit  7      DEAD      proved dead in the current epoch (member of U)
//! bit  8      PENDING   handed to the reaper; its children are held
//! bit  9      IMM       allocated immortal, fields not yet counted
//! bits 32..   rc        reference count from heap fields, handles and the
//!                       current epoch's root (stack) increments
//! ```
//!
//! A free cell has GC word 0, so a live object's word is never 0.

use gc_api::ObjectRef;

/// A free cell (never handed out, or reclaimed).
pub const FREE: usize = 0;
/// Born dead: allocated since the last epoch and not yet reached.
pub const YOUNG: usize = 1;
/// Reference counted.
pub const COUNTED: usize = 2;
/// Never reclaimed; its fields are counted.
pub const IMMORTAL: usize = 3;
const STATE_MASK: usize = 3;

/// Colours of trial deletion.
pub const BLACK: usize = 0;
/// Possible member of a garbage cycle (being trial-deleted).
pub const GRAY: usize = 1 << 2;
/// Garbage cycle member.
pub const WHITE: usize = 2 << 2;
/// Possible root of a garbage cycle.
pub const PURPLE: usize = 3 << 2;
const COLOR_MASK: usize = 3 << 2;

/// In the purple buffer.
pub const BUFFERED: usize = 1 << 4;
/// Pointer-free object (acyclic: never buffered).
pub const LEAF: usize = 1 << 5;
/// Backup-trace mark.
pub const MARK: usize = 1 << 6;
/// Proved dead this epoch.
pub const DEAD: usize = 1 << 7;
/// Held for the reaper.
pub const PENDING: usize = 1 << 8;
/// An immortal allocation whose fields are not counted yet.
pub const IMM: usize = 1 << 9;

const RC_SHIFT: u32 = 32;
const RC_ONE: usize = 1 << RC_SHIFT;
const FLAGS_MASK: usize = RC_ONE - 1;

/// Reads the GC word.
#[inline]
pub fn word(o: ObjectRef) -> usize {
    // SAFETY: every caller passes an object start inside the heap arena
    // (checked with `Space::in_arena`), whose header is initialised memory.
    unsafe { o.gc_word() }
}

/// Writes the GC word.
#[inline]
pub fn set_word(o: ObjectRef, w: usize) {
    // SAFETY: as for `word`; the GC word belongs to the collector.
    unsafe { o.set_gc_word(w) }
}

/// The life state of `o`.
#[inline]
pub fn state(o: ObjectRef) -> usize {
    word(o) & STATE_MASK
}

/// Sets the life state.
#[inline]
pub fn set_state(o: ObjectRef, s: usize) {
    set_word(o, (word(o) & !STATE_MASK) | s);
}

/// Is the flag bit `f` set?
#[inline]
pub fn has(o: ObjectRef, f: usize) -> bool {
    word(o) & f != 0
}

/// Sets flag bit(s) `f`.
#[inline]
pub fn set(o: ObjectRef, f: usize) {
    set_word(o, word(o) | f);
}

/// Clears flag bit(s) `f`.
#[inline]
pub fn clear(o: ObjectRef, f: usize) {
    set_word(o, word(o) & !f);
}

/// The trial-deletion colour.
#[inline]
pub fn color(o: ObjectRef) -> usize {
    word(o) & COLOR_MASK
}

/// Sets the colour.
#[inline]
pub fn set_color(o: ObjectRef, c: usize) {
    set_word(o, (word(o) & !COLOR_MASK) | c);
}

/// The reference count.
#[inline]
pub fn rc(o: ObjectRef) -> usize {
    word(o) >> RC_SHIFT
}

/// Sets the reference count, keeping state and flags.
#[inline]
pub fn set_rc(o: ObjectRef, n: usize) {
    set_word(o, (word(o) & FLAGS_MASK) | (n << RC_SHIFT));
}

/// Adds one to the count.
#[inline]
pub fn inc_rc(o: ObjectRef) {
    set_word(o, word(o) + RC_ONE);
}

/// Subtracts one from the count and returns the new count.
#[inline]
pub fn dec_rc(o: ObjectRef) -> usize {
    let w = word(o);
    assert!(
        w >= RC_ONE,
        "gc-unified-rc: count underflow on {o:?} (word {w:#x})"
    );
    set_word(o, w - RC_ONE);
    (w - RC_ONE) >> RC_SHIFT
}

/// The GC word of a fresh allocation.
#[inline]
pub const fn fresh(leaf: bool, immortal: bool) -> usize {
    YOUNG | if leaf { LEAF } else { 0 } | if immortal { IMM } else { 0 }
}

/// Is `o` an uncounted young object (not an immortal awaiting promotion)?
#[inline]
pub fn is_unreached_young(o: ObjectRef) -> bool {
    word(o) & (STATE_MASK | IMM) == YOUNG
}
