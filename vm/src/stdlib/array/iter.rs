//! The array iterator type (`arrayiterator`): an instance holding its
//! array and the position of the next item. Like CPython's, it sees
//! changes of the array made while it runs and drops the array once
//! exhausted.

use super::store::{item_value, store_of};
use super::{ITER_CLS, this};
use crate::builtins::*;
use crate::object::{self, Kind};
use crate::value::Value;
use crate::vm::{Args, NativeFn, PyResult, Vm};
use gc_api::{Heap, ObjectRef};

/// The instance attribute holding an iterator's `[array, position]`.
pub(super) const ITER_ATTR: &str = "__array_iter";

// Iterator state array slots.
const IT_ARRAY: usize = 0;
const IT_POS: usize = 1;

/// Makes the iterator class.
pub(super) fn new_iterator_class<H: Heap>(vm: &mut Vm<H>) -> PyResult {
    let methods: &[(&'static str, NativeFn<H>)] =
        &[("__next__", iter_next::<H>), ("__iter__", iter_self::<H>)];
    let object = vm.class(T_OBJECT);
    vm.new_native_class("arrayiterator", object, "array", methods)
}

/// `iter(a)`: an instance of the iterator class the array class names.
pub(super) fn array_iter<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "__iter__", 0, 0)?;
    this(vm, a, "__iter__")?;
    let sym = vm.intern(ITER_CLS);
    let t = vm.type_of(vm.arg(a, 0));
    let Some(cls) = vm.class_lookup(t, sym) else {
        return Err(vm.type_error("array iterator class is missing"));
    };
    let it = vm.new_instance(cls)?;
    let its = vm.push(it);
    let st = vm.alloc_array(Kind::Array, 2)?;
    // Fresh object: plain initialising stores need no barrier.
    object::init(st, 1 + IT_ARRAY, vm.arg(a, 0));
    object::init(st, 1 + IT_POS, Value::int(0));
    vm.push(Value::obj(st));
    let sym = vm.intern(ITER_ATTR);
    let r = vm.inst_set(vm.st(its), sym, vm.st(its + 1));
    let it = vm.st(its);
    vm.truncate(its);
    r.map(|_| it)
}

/// The state array of the iterator at stack slot `its`.
fn iter_state<H: Heap>(vm: &mut Vm<H>, its: usize) -> PyResult<ObjectRef> {
    let it = vm.st(its);
    match vm.native_state_of_kind(it, ITER_ATTR, Kind::Array) {
        Some(s) if object::array_len(s.as_obj()) == 2 => Ok(s.as_obj()),
        _ => Err(vm.descriptor_error("__next__", "array.arrayiterator", it)),
    }
}

/// `next(it)`.
fn iter_next<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    if a.n != 1 || vm.nkw(a) > 0 {
        vm.check_method_args(a, "__next__", 0, 0)?;
    }
    let st = iter_state(vm, a.base)?;
    let arr = object::array_get(st, IT_ARRAY);
    let pos = object::array_get(st, IT_POS).as_int() as usize;
    match store_of(vm, arr).filter(|s| pos < s.len()) {
        Some(s) => {
            vm.store(st, 1 + IT_POS, Value::int(pos as i64 + 1));
            item_value(vm, s.get(pos))
        }
        None => {
            vm.store(st, 1 + IT_ARRAY, Value::NONE);
            Err(vm.raise_msg(T_STOP_ITERATION, ""))
        }
    }
}

fn iter_self<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "__iter__", 0, 0)?;
    Ok(vm.arg(a, 0))
}
