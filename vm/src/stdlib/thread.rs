//! `_thread` and `_contextvars`, frozen Python: Heaplab runs one thread, so
//! locks are flags and the current context is a global.

use crate::vm::{PyResult, Vm};
use gc_api::Heap;

/// The module names this file provides.
pub const MODULES: &[&str] = &[];

/// Frozen Python source this file adds (name, source).
pub const FROZEN: &[(&str, &str)] = &[
    ("_thread", include_str!("thread_module.py")),
    ("_contextvars", include_str!("contextvars_module.py")),
];

/// Fills in module `name`, rooted at stack slot `ms`.
pub(crate) fn init<H: Heap>(_vm: &mut Vm<H>, _name: &str, _ms: usize) -> PyResult<()> {
    Ok(())
}
