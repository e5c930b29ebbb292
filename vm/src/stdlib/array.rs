//! `array`: for now the frozen Python module `array_module.py` (a native one is being written).

use crate::vm::{PyResult, Vm};
use gc_api::Heap;

/// The module names this file provides.
pub const MODULES: &[&str] = &[];

/// Frozen Python source this file adds (name, source).
pub const FROZEN: &[(&str, &str)] = &[("array", include_str!("array_module.py"))];

/// Fills in module `name`, rooted at stack slot `ms`.
pub(crate) fn init<H: Heap>(_vm: &mut Vm<H>, _name: &str, _ms: usize) -> PyResult<()> {
    Ok(())
}
