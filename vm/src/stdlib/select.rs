//! `select`: registered; the native module is being written and does not exist yet.

use crate::vm::{PyResult, Vm};
use gc_api::Heap;

/// The module names this file provides.
pub const MODULES: &[&str] = &[];

/// Frozen Python source this file adds (name, source).
pub const FROZEN: &[(&str, &str)] = &[];

/// Fills in module `name`, rooted at stack slot `ms`.
pub(crate) fn init<H: Heap>(_vm: &mut Vm<H>, _name: &str, _ms: usize) -> PyResult<()> {
    Ok(())
}
