//! External references held by native code (the "R-object" side of the
//! mixed T-object/R-object design proposed for HotPy): a C-API style handle
//! is an explicit, counted reference to a heap object. While an object's
//! handle count is non-zero it is a root.
//!
//! The [`HandleTable`] is the shared bookkeeping. A collector opts in by
//! owning one and returning it from [`crate::Heap::handle_table`]:
//!
//! * a tracing collector reports the held objects as pinned roots
//!   ([`HandleTable::visit_roots`]) next to `VmBinding::scan_roots`, so they
//!   neither die nor move while held;
//! * a reference-counting collector overrides
//!   [`crate::Heap::acquire_handle`]/[`crate::Heap::release_handle`] to turn
//!   the first acquire and the last release into real count operations.
//!
//! Collectors that do not opt in keep the default
//! [`crate::Heap::handle_table`] (`None`); acquiring a handle then fails with
//! [`HandleError::Unsupported`] rather than silently not rooting the object.

use crate::binding::RootVisitor;
use crate::object::ObjectRef;
use std::collections::HashMap;
use std::fmt;

/// Why a handle operation failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HandleError {
    /// The collector keeps no handle table.
    Unsupported,
    /// `release_handle` of an object that holds no handle.
    NotHeld(ObjectRef),
}

impl fmt::Display for HandleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HandleError::Unsupported => f.write_str("this collector does not support handles"),
            HandleError::NotHeld(o) => write!(f, "release of an unheld handle to {o:?}"),
        }
    }
}

impl std::error::Error for HandleError {}

/// Handle counts per object (object address -> number of handles).
#[derive(Clone, Debug, Default)]
pub struct HandleTable {
    counts: HashMap<usize, usize>,
}

impl HandleTable {
    /// An empty table.
    pub fn new() -> HandleTable {
        HandleTable::default()
    }

    /// Takes one more handle to `o`; returns the new count (1 = first).
    pub fn acquire(&mut self, o: ObjectRef) -> usize {
        let c = self.counts.entry(o.addr()).or_insert(0);
        *c += 1;
        *c
    }

    /// Drops one handle to `o`; returns the remaining count (0 = last).
    pub fn release(&mut self, o: ObjectRef) -> Result<usize, HandleError> {
        match self.counts.get_mut(&o.addr()) {
            Some(c) => {
                *c -= 1;
                let left = *c;
                if left == 0 {
                    self.counts.remove(&o.addr());
                }
                Ok(left)
            }
            None => Err(HandleError::NotHeld(o)),
        }
    }

    /// Handles currently held to `o`.
    pub fn count(&self, o: ObjectRef) -> usize {
        self.counts.get(&o.addr()).copied().unwrap_or(0)
    }

    /// Number of distinct objects held.
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    /// Is no object held?
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// The held objects (each once, whatever its count).
    pub fn objects(&self) -> impl Iterator<Item = ObjectRef> + '_ {
        self.counts.keys().filter_map(|&a| ObjectRef::from_addr(a))
    }

    /// Reports every held object as a pinned root.
    pub fn visit_roots(&self, visitor: &mut dyn RootVisitor) {
        for o in self.objects() {
            visitor.visit_pinned(o);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_nest_and_release_reports_the_last() {
        let o = ObjectRef::from_addr(0x1000).unwrap();
        let mut t = HandleTable::new();
        assert_eq!(t.acquire(o), 1);
        assert_eq!(t.acquire(o), 2);
        assert_eq!(t.count(o), 2);
        assert_eq!(t.release(o), Ok(1));
        assert_eq!(t.release(o), Ok(0));
        assert!(t.is_empty());
        assert_eq!(t.release(o), Err(HandleError::NotHeld(o)));
    }
}
