//! `_count_elements`: the tally loop of `collections.Counter`, done
//! natively (straight on the dict when the mapping allows it).

use super::is_dict;
use crate::builtins::*;
use crate::bytecode::BinOp;
use crate::value::{SMALL_MAX, Value};
use crate::vm::{Args, PyResult, Vm};
use gc_api::Heap;

/// `_count_elements(mapping, iterable)`: `mapping[x] = mapping.get(x, 0)
/// + 1` for each x, straight on the dict when mapping is a dict (or a
/// subclass such as Counter) that keeps dict's `get` and `__setitem__`.
pub(super) fn count_elements<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "_count_elements", 2, 2)?;
    let ms = a.base;
    let direct = is_dict::<H>(vm.st(ms)) && {
        let dict = vm.class(T_DICT);
        let (g, s) = (vm.intern("get"), vm.intern("__setitem__"));
        let t = vm.type_of(vm.st(ms));
        vm.class_lookup(t, g) == vm.class_lookup(dict, g)
            && vm.class_lookup(t, s) == vm.class_lookup(dict, s)
    };
    let mark = vm.rt.sp;
    let get = if direct {
        Value::NONE
    } else {
        let sym = vm.intern("get");
        vm.getattr(vm.st(ms), sym)?
    };
    let gs = vm.push(get);
    let it = vm.get_iter(vm.arg(a, 1))?;
    let its = vm.push(it);
    let xs = vm.push(Value::NONE);
    let ns = vm.push(Value::NONE);
    while let Some(x) = vm.iter_next(its)? {
        vm.set_st(xs, x);
        let old = if direct {
            let d = Vm::<H>::unbox(vm.st(ms));
            vm.dict_get_item(d, x)?.unwrap_or(Value::int(0))
        } else {
            vm.call_values(vm.st(gs), &[x, Value::int(0)])?
        };
        let new = if old.is_int() && old.as_int() < SMALL_MAX {
            Value::int(old.as_int() + 1)
        } else {
            vm.binary_op(BinOp::Add, old, Value::int(1), false)?
        };
        // Rooted: storing may grow the dict (a big int count could move).
        vm.set_st(ns, new);
        if direct {
            let d = Vm::<H>::unbox(vm.st(ms));
            vm.dict_set_item(d, vm.st(xs), vm.st(ns))?;
        } else {
            vm.setitem(vm.st(ms), vm.st(xs), vm.st(ns))?;
        }
    }
    vm.truncate(mark);
    Ok(Value::NONE)
}
