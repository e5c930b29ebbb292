//! Placeholder being written (registered so the module list stays stable).
use crate::vm::{PyResult, Vm};
use gc_api::Heap;

/// The module names this file provides.
pub const MODULES: &[&str] = &[];
/// Frozen Python companions.
pub const FROZEN: &[(&str, &str)] = &[];

/// Fills in module `_name` (rooted at stack slot `_ms`).
pub(crate) fn init<H: Heap>(_vm: &mut Vm<H>, _name: &str, _ms: usize) -> PyResult<()> {
    Ok(())
}
