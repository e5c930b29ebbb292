//! Finding garbage cycles, which reference counting alone never frees.
//! Both algorithms add their garbage to the epoch's dead set `U` (marked
//! DEAD, count 0, outgoing references already subtracted from survivors),
//! which then goes to the reaper like the acyclic dead set.

pub mod backup_trace;
pub mod trial_deletion;

use crate::header::{self as h, COUNTED};
use gc_api::ObjectRef;

/// Which cycle collector runs (`--gc-opt cycles=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CycleAlgorithm {
    /// Synchronous trial deletion over the purple buffer (Bacon & Rajan 2001).
    TrialDeletion,
    /// A mark-sweep backup trace of the whole heap from the roots.
    BackupTrace,
}

/// Is `o` a live counted object a cycle collector may look at?
#[inline]
pub(crate) fn candidate(o: ObjectRef) -> bool {
    h::state(o) == COUNTED && !h::has(o, h::DEAD)
}
