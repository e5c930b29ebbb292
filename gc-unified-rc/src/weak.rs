//! The weak-processing context lent to the VM's reaper at every epoch.
//!
//! The collector has a tentative dead set `U` (objects marked DEAD: counts
//! that reached zero and their cascade, plus cycle garbage) and the young
//! objects nobody reached. Nothing of either has been freed yet.
//!
//! * `is_live(o)` is `false` exactly for those objects, `true` otherwise.
//! * `retain(o)` keeps `o` (non-moving: the address is unchanged) as a
//!   PENDING object with count 0 and holds its children: its outgoing
//!   references are counted again, which brings back any child in `U` and
//!   counts any young child, transitively (through the `Counts` scan
//!   worklist, drained after `process_weak` returns, before the VM is called
//!   again). At a later epoch a PENDING object whose count is still 0 dies
//!   for good (it joins `U` again); a positive count means it was
//!   resurrected.

use crate::counts::Counts;
use crate::header::{self as h, COUNTED, FREE};
use gc_api::{ObjectRef, WeakContext};

/// The context: counting state plus the list of objects held for the reaper.
pub struct WeakCtx<'a> {
    /// Counting state (the scan worklist receives retained objects).
    pub counts: &'a mut Counts,
    /// Objects retained this epoch.
    pub pending: &'a mut Vec<ObjectRef>,
}

impl WeakContext for WeakCtx<'_> {
    fn is_live(&self, o: ObjectRef) -> bool {
        if !self.counts.in_arena(o) {
            return true;
        }
        h::state(o) != FREE && !h::is_unreached_young(o) && !h::has(o, h::DEAD)
    }

    fn forwarded(&self, o: ObjectRef) -> ObjectRef {
        o
    }

    fn retain(&mut self, o: ObjectRef) -> ObjectRef {
        if !self.counts.in_arena(o) {
            return o;
        }
        if h::is_unreached_young(o) {
            self.counts.promote(o);
        } else if h::state(o) == COUNTED && h::has(o, h::DEAD) {
            h::clear(o, h::DEAD);
            h::set_color(o, h::BLACK);
            self.counts.restored += 1;
            self.counts.scan.push(o);
        } else {
            return o;
        }
        h::set(o, h::PENDING);
        self.pending.push(o);
        o
    }
}
