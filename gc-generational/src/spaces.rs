//! The heap's memory, in one place: the arena and the spaces carved from
//! it, the unlog side bitmap, and the budget arithmetic (`--heap` is the
//! total: nursery + mature + large objects, semispace reserve included).

use crate::arena::{Arena, Owner};
use crate::barrier::UnlogTable;
use crate::los::LargeObjectSpace;
use crate::mature::Policy;
use crate::mature::marksweep::MarkSweepSpace;
use crate::mature::semispace::SemispacePair;
use crate::nursery::Nursery;
use gc_api::ObjectRef;

/// Every space of the heap.
pub struct Spaces {
    /// The reservation all spaces live in.
    pub arena: Arena,
    /// The young generation.
    pub nursery: Nursery,
    /// Size-class cells: survivors under `mature=marksweep`, and small
    /// non-moving/immortal objects under either policy.
    pub ms: MarkSweepSpace,
    /// The copying mature space under `mature=semispace`.
    pub semis: Option<SemispacePair>,
    /// Large objects.
    pub los: LargeObjectSpace,
    /// Unlog bits.
    pub unlog: UnlogTable,
    /// The mature policy.
    pub policy: Policy,
    /// `--heap`, if any.
    pub limit: Option<usize>,
}

impl Spaces {
    /// Which space `addr` belongs to.
    #[inline]
    pub fn owner(&self, addr: usize) -> Owner {
        self.arena.owner(addr)
    }

    /// Bytes held against the budget: the whole nursery, the blocks, the
    /// large objects' pages and, for the semispace policy, twice the
    /// allocation limit `S` (the copy reserve), or of its use if a
    /// promotion overshot `S`.
    pub fn footprint(&self) -> usize {
        self.nursery.capacity()
            + self.ms.footprint()
            + self.los.footprint()
            + self
                .semis
                .as_ref()
                .map_or(0, |s| 2 * s.limit_bytes().max(s.used()))
    }

    /// Bytes the mature generation holds (semispace: allocated, not `2S`).
    pub fn mature_bytes(&self) -> usize {
        self.ms.footprint() + self.los.footprint() + self.semis.as_ref().map_or(0, |s| s.used())
    }

    /// Bytes in use by objects (live or not yet reclaimed).
    pub fn used_bytes(&self) -> usize {
        self.nursery.used()
            + self.ms.used()
            + self.los.bytes()
            + self.semis.as_ref().map_or(0, |s| s.used())
    }

    /// The semispace limit `S` the budget allows with the current
    /// non-moving spaces: `N + blocks + large + 2S <= --heap`.
    pub fn budget_semi(&self, extra_nonmoving: usize) -> Option<usize> {
        let l = self.limit?;
        let fixed = self.nursery.capacity() + self.ms.footprint() + self.los.footprint();
        Some((l.saturating_sub(fixed + extra_nonmoving) / 2) & !7)
    }

    /// May the non-moving spaces take `extra` more bytes within the budget?
    pub fn may_grow_nonmoving(&self, extra: usize) -> bool {
        let Some(l) = self.limit else {
            return true;
        };
        match &self.semis {
            Some(s) => self.budget_semi(extra).is_some_and(|b| b >= s.used()),
            None => self.footprint() + extra <= l,
        }
    }

    /// Is `o` an object start the heap holds?
    pub fn is_valid_object(&self, o: ObjectRef) -> bool {
        let a = o.addr();
        if a & 7 != 0 {
            return false;
        }
        match self.owner(a) {
            // SAFETY (both arms): `a` is inside allocated, initialised
            // memory of the space, 8-aligned.
            Owner::Nursery => {
                a < self.nursery.bump.cursor && unsafe { o.gc_word() } == crate::word::FRESH
            }
            Owner::Semi(i) => self.semis.as_ref().is_some_and(|s| {
                s.current() == i && a < s.cursor() && unsafe { o.gc_word() } == crate::word::FRESH
            }),
            Owner::Block(id) => self.ms.is_object(id, a),
            Owner::LosHead => self.los.is_object(a),
            _ => false,
        }
    }
}
