//! Reference-count operations: increments (which also make born-dead young
//! objects counted, and bring tentatively dead objects back), decrements
//! (which find zero counts and possible cycle roots), and the two explicit
//! worklists that replace recursion: fields of newly counted objects to
//! increment, and objects whose count reached zero to cascade.

use crate::header::{self as h, COUNTED, IMMORTAL, YOUNG};
use gc_api::{ObjectRef, Slot, VmBinding};

/// Counting state shared by the epoch, the cycle collectors and weak
/// processing.
#[derive(Default)]
pub struct Counts {
    base: usize,
    bytes: usize,
    /// Objects whose fields must be incremented (newly counted or restored).
    pub scan: Vec<ObjectRef>,
    /// Objects whose count reached zero this epoch, not yet cascaded.
    pub zero: Vec<ObjectRef>,
    /// Possible roots of garbage cycles (the purple buffer).
    pub purple: Vec<ObjectRef>,
    /// Increments applied.
    pub increments: u64,
    /// Decrements applied.
    pub decrements: u64,
    /// Young objects that became counted.
    pub young_survivors: u64,
    /// Tentatively dead objects brought back (retained by the reaper).
    pub restored: u64,
}

impl Counts {
    /// Counting for the arena `[base, base + bytes)`.
    pub fn new(base: usize, bytes: usize) -> Counts {
        Counts {
            base,
            bytes,
            ..Counts::default()
        }
    }

    /// Is `o` an object of this heap (rather than VM metadata)?
    #[inline]
    pub fn in_arena(&self, o: ObjectRef) -> bool {
        o.addr().wrapping_sub(self.base) < self.bytes
    }

    /// Reads a slot's referent if it is an object of this heap.
    #[inline]
    pub fn referent(&self, slot: Slot) -> Option<ObjectRef> {
        let w = slot.load_word();
        if w == 0 || w & 7 != 0 {
            return None;
        }
        ObjectRef::from_addr(w).filter(|o| self.in_arena(*o))
    }

    /// One increment. A young object becomes counted (count 1) and its
    /// fields are queued for scanning; a dead-this-epoch object comes back
    /// (its outgoing references are restored).
    #[inline]
    pub fn increment(&mut self, o: ObjectRef) {
        if !self.in_arena(o) {
            return;
        }
        self.increments += 1;
        match h::state(o) {
            COUNTED => {
                if h::has(o, h::DEAD) {
                    h::clear(o, h::DEAD);
                    self.restored += 1;
                    self.scan.push(o);
                }
                h::inc_rc(o);
                // An increment makes a possible cycle root black again
                // (it stays buffered; the cycle collector drops it).
                h::set_color(o, h::BLACK);
            }
            YOUNG => {
                self.promote(o);
                h::inc_rc(o);
            }
            IMMORTAL => {}
            _ => panic!("gc-unified-rc: increment of a free cell {o:?} (a store without barrier?)"),
        }
    }

    /// Makes a young object counted with count 0 and queues its fields (an
    /// immortal allocation becomes IMMORTAL instead).
    pub fn promote(&mut self, o: ObjectRef) {
        debug_assert_eq!(h::state(o), YOUNG);
        if h::has(o, h::IMM) {
            h::clear(o, h::IMM);
            h::set_state(o, IMMORTAL);
        } else {
            h::set_state(o, COUNTED);
            self.young_survivors += 1;
        }
        self.scan.push(o);
    }

    /// One decrement. At zero the object is queued for the cascade;
    /// otherwise it may be the root of a garbage cycle and is buffered.
    #[inline]
    pub fn decrement(&mut self, o: ObjectRef) {
        if !self.in_arena(o) {
            return;
        }
        match h::state(o) {
            COUNTED => {
                self.decrements += 1;
                debug_assert!(!h::has(o, h::DEAD), "decrement of a dead object {o:?}");
                if h::dec_rc(o) == 0 {
                    self.zero.push(o);
                } else {
                    self.possible_cycle_root(o);
                }
            }
            IMMORTAL => {}
            s => panic!("gc-unified-rc: decrement of {o:?} in state {s} (missing barrier?)"),
        }
    }

    /// Colours `o` purple and buffers it (once) as a possible root of a
    /// garbage cycle. Pointer-free objects are never cycle members.
    #[inline]
    pub fn possible_cycle_root(&mut self, o: ObjectRef) {
        if h::has(o, h::LEAF) {
            return;
        }
        h::set_color(o, h::PURPLE);
        if !h::has(o, h::BUFFERED) {
            h::set(o, h::BUFFERED);
            self.purple.push(o);
        }
    }

    /// Increments the fields of every queued object, transitively for
    /// objects that become counted on the way.
    pub fn drain_scan<V: VmBinding>(&mut self, vm: &V) {
        while let Some(o) = self.scan.pop() {
            vm.scan_object(o, &mut |s: Slot| {
                if let Some(c) = self.referent(s) {
                    self.increment(c);
                }
            });
        }
    }

    /// The acyclic cascade: every queued zero-count object is marked DEAD
    /// (it joins `dead`) and its children are decremented, which may queue
    /// more. Nothing is freed here: the reaper decides first.
    pub fn cascade<V: VmBinding>(&mut self, vm: &V, dead: &mut Vec<ObjectRef>) {
        while let Some(o) = self.zero.pop() {
            if h::has(o, h::DEAD) || h::rc(o) != 0 || h::state(o) != COUNTED {
                continue;
            }
            h::set(o, h::DEAD);
            h::clear(o, h::PENDING);
            dead.push(o);
            vm.scan_object(o, &mut |s: Slot| {
                if let Some(c) = self.referent(s) {
                    self.decrement(c);
                }
            });
        }
    }
}
