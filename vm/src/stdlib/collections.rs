//! `_collections`, frozen Python: `deque` (a ring buffer over a list) and
//! `defaultdict` (a dict subclass with `__missing__`).

use crate::vm::{PyResult, Vm};
use gc_api::Heap;

/// The module names this file provides natively (none: it is frozen).
pub const MODULES: &[&str] = &[];

/// Frozen Python source this file adds (name, source).
pub const FROZEN: &[(&str, &str)] = &[("_collections", include_str!("collections_module.py"))];

/// Fills in module `name`, rooted at stack slot `ms` (nothing: frozen).
pub(crate) fn init<H: Heap>(_vm: &mut Vm<H>, _name: &str, _ms: usize) -> PyResult<()> {
    Ok(())
}
