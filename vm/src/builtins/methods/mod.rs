//! Methods of the builtin types, one module per type family.

mod bytes;
pub(crate) mod dict_set;
mod dunders;
mod list;
mod misc;
mod str;

use crate::vm::{PyResult, Vm};
use gc_api::Heap;

pub(super) fn install<H: Heap>(vm: &mut Vm<H>) -> PyResult<()> {
    str::install(vm);
    bytes::install(vm);
    list::install(vm);
    dict_set::install(vm);
    misc::install(vm)?;
    dunders::install(vm);
    Ok(())
}
