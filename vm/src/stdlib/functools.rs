//! `_functools`: the C half of `functools`. (Not yet filled in: the module imports empty, so the
//! pure-Python fallbacks run.)

use crate::vm::{PyResult, Vm};
use gc_api::Heap;

/// The module names this file provides.
pub const MODULES: &[&str] = &["_functools"];

/// Frozen Python source this file adds (name, source).
pub const FROZEN: &[(&str, &str)] = &[];

/// Fills in module `name`, rooted at stack slot `ms`.
pub(crate) fn init<H: Heap>(_vm: &mut Vm<H>, _name: &str, _ms: usize) -> PyResult<()> {
    Ok(())
}
