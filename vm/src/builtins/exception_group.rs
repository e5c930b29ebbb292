//! `BaseExceptionGroup` and `ExceptionGroup` (PEP 654) as classes with
//! their constructor's checks and the `message` and `exceptions`
//! attributes, so the stdlib (`traceback`, `logging`) can test for them.
//! `except*`, `split`, `subgroup` and `derive` are not supported.

use super::*;
use crate::vm::{Args, PyResult, Vm};
use gc_api::Heap;

/// Creates both classes and publishes them in `builtins`.
pub(super) fn install<H: Heap>(vm: &mut Vm<H>) -> PyResult<()> {
    let base = vm.class(T_BASE_EXCEPTION);
    let beg = vm.make_class("BaseExceptionGroup", &[base], Value::NULL, "builtins")?;
    let exc = vm.class(T_EXCEPTION);
    // Classes are immortal: `beg` stays valid across the allocations.
    let eg = vm.make_class("ExceptionGroup", &[beg, exc], Value::NULL, "builtins")?;
    let idx = vm.register("__init__", exception_group_init::<H>);
    let init = vm.new_builtin(idx, Value::NULL)?;
    let is = vm.push(init);
    let k = vm.sym_str("__init__");
    let d = object::get(beg.as_obj(), field::CLS_DICT);
    vm.dict_set_item(d, k, vm.st(is))?;
    vm.truncate(is);
    for (name, c) in [("BaseExceptionGroup", beg), ("ExceptionGroup", eg)] {
        let k = vm.sym_str(name);
        let bd = vm.rt.globals_roots[ROOT_BUILTINS];
        vm.dict_set_item(bd, k, c)?;
    }
    Ok(())
}

/// `BaseExceptionGroup.__init__(self, message, exceptions)`.
fn exception_group_init<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "BaseExceptionGroup", 3, 3)?;
    let msg = vm.arg(a, 1);
    if !(msg.is_obj() && object::kind(msg.as_obj()) == Kind::Str) {
        return Err(vm.type_error("argument 1 must be str"));
    }
    let excs = vm.arg(a, 2);
    let items = match excs.is_obj().then(|| object::kind(excs.as_obj())) {
        Some(Kind::Tuple) => excs,
        Some(Kind::List) => {
            let n = Vm::<H>::list_len(excs);
            let vals: Vec<Value> = (0..n).map(|i| Vm::<H>::list_get(excs, i)).collect();
            // `new_tuple` roots what it copies before allocating.
            vm.new_tuple(&vals)?
        }
        _ => return Err(vm.type_error("second argument (exceptions) must be a sequence")),
    };
    let ts = vm.push(items);
    let n = object::array_len(vm.st(ts).as_obj());
    if n == 0 {
        return Err(vm.value_error("second argument (exceptions) must be a non-empty sequence"));
    }
    for i in 0..n {
        let e = object::array_get(vm.st(ts).as_obj(), i);
        if !vm.isinstance_idx(e, T_BASE_EXCEPTION) {
            let msg = format!("Item {i} of second argument (exceptions) is not an exception");
            return Err(vm.value_error(&msg));
        }
    }
    let args = vm.tuple_from_stack(a.base + 1, 2)?;
    let sym = vm.intern("args");
    vm.setattr(vm.arg(a, 0), sym, args)?;
    for (attr, v) in [("message", 1), ("exceptions", 0)] {
        let sym = vm.intern(attr);
        let v = if v == 1 { vm.arg(a, 1) } else { vm.st(ts) };
        vm.setattr(vm.arg(a, 0), sym, v)?;
    }
    Ok(Value::NONE)
}
