//! `itertools`, frozen Python: generator functions and small iterator
//! classes with CPython's results.

use crate::vm::{PyResult, Vm};
use gc_api::Heap;

/// The module names this file provides natively (none: it is frozen).
pub const MODULES: &[&str] = &[];

/// Frozen Python source this file adds (name, source).
pub const FROZEN: &[(&str, &str)] = &[("itertools", include_str!("itertools.py"))];

/// Fills in module `name`, rooted at stack slot `ms` (nothing: frozen).
pub(crate) fn init<H: Heap>(_vm: &mut Vm<H>, _name: &str, _ms: usize) -> PyResult<()> {
    Ok(())
}
