//! `_tuplegetter`: the field accessor properties of `namedtuple` classes.

use crate::builtins::*;
use crate::object::{self, Kind, field};
use crate::value::{SMALL_MAX, Value};
use crate::vm::{Args, PyResult, Vm};
use gc_api::Heap;

/// `_tuplegetter(index, doc)`: the property namedtuple gives each field,
/// its getter the native `tuple_item` bound to the index. Receives that
/// unbound getter first.
pub(super) fn tuplegetter<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "_tuplegetter", 2, 2)?;
    let index = vm.index_int(vm.arg(a, 1))?;
    if !(0..=SMALL_MAX).contains(&index) {
        return Err(vm.value_error("index must be non-negative"));
    }
    let getter = object::word(vm.arg(a, 0).as_obj(), field::BI_INDEX);
    let g = vm.new_builtin(getter, Value::int(index))?;
    let gs = vm.push(g);
    let p = vm.alloc_fixed(Kind::Property)?;
    object::init(p, field::PROP_GET, vm.st(gs));
    object::init(p, field::PROP_SET, Value::NONE);
    object::init(p, field::PROP_DEL, Value::NONE);
    object::init(p, field::PROP_DOC, vm.arg(a, 2));
    vm.truncate(gs);
    Ok(Value::obj(p))
}

/// The getter of a `_tuplegetter` property: `(index, obj) -> obj[index]`.
pub(super) fn tuple_item<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "_tuplegetter", 2, 2)?;
    let index = vm.arg(a, 0).as_int() as usize;
    let obj = vm.arg(a, 1);
    let t = Vm::<H>::unbox(obj);
    if !(t.is_obj() && object::kind(t.as_obj()) == Kind::Tuple) {
        let msg = format!(
            "descriptor for index '{index}' for tuple subclasses doesn't apply to '{}' object",
            vm.type_name(obj)
        );
        return Err(vm.type_error(&msg));
    }
    if index >= object::array_len(t.as_obj()) {
        return Err(vm.raise_msg(T_INDEX_ERROR, "tuple index out of range"));
    }
    Ok(object::array_get(t.as_obj(), index))
}
