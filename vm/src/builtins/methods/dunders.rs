//! Dunder methods of the builtin types (`list.__len__`, `int.__add__`,
//! `str.__eq__`, ...), as CPython exposes them through slot wrappers. The
//! interpreter's fast paths never go through these; they exist for code that
//! names them explicitly (`super().__eq__(other)`, `int.__add__(a, b)`).
//! Binary ones return `NotImplemented` for operand types they don't handle,
//! so they never recurse into reflected user methods.

use crate::builtins::*;
use crate::bytecode::{BinOp, CmpOp};
use crate::num;
use crate::object::{self, Kind};
use crate::value::Value;
use crate::vm::{Args, NativeFn, PyResult, Vm};
use gc_api::Heap;

pub(super) fn install<H: Heap>(vm: &mut Vm<H>) {
    let containers = [
        T_LIST,
        T_TUPLE,
        T_DICT,
        T_SET,
        T_FROZENSET,
        T_STR,
        T_BYTES,
        T_BYTEARRAY,
        T_RANGE,
    ];
    for t in containers {
        vm.def_method(t, "__len__", len::<H>);
        vm.def_method(t, "__contains__", contains::<H>);
        vm.def_method(t, "__iter__", iter::<H>);
    }
    for t in [T_LIST, T_TUPLE, T_STR, T_BYTES, T_BYTEARRAY, T_RANGE] {
        vm.def_method(t, "__getitem__", getitem::<H>);
    }
    vm.def_method(T_DICT, "__getitem__", dict_getitem::<H>);
    let native = vm.natives.last_mut().expect("just registered");
    native.unbox_self = false;
    native.subclass_self = true;
    for t in [T_LIST, T_DICT, T_BYTEARRAY] {
        vm.def_method(t, "__setitem__", setitem::<H>);
        vm.def_method(t, "__delitem__", delitem::<H>);
    }
    let cmp: &[(&'static str, NativeFn<H>)] = &[
        ("__eq__", |vm, a| compare(vm, a, CmpOp::Eq)),
        ("__ne__", |vm, a| compare(vm, a, CmpOp::Ne)),
        ("__lt__", |vm, a| compare(vm, a, CmpOp::Lt)),
        ("__le__", |vm, a| compare(vm, a, CmpOp::Le)),
        ("__gt__", |vm, a| compare(vm, a, CmpOp::Gt)),
        ("__ge__", |vm, a| compare(vm, a, CmpOp::Ge)),
    ];
    for t in [
        T_INT,
        T_FLOAT,
        T_STR,
        T_BYTES,
        T_TUPLE,
        T_LIST,
        T_DICT,
        T_SET,
        T_FROZENSET,
    ] {
        for &(n, f) in cmp {
            vm.def_method(t, n, f);
        }
        vm.def_method(t, "__repr__", repr::<H>);
        vm.def_method(t, "__hash__", hash::<H>);
    }
    // Mutable containers are unhashable: `__hash__` is None in their
    // dicts, which is how `collections.abc.Hashable` tells.
    for t in [T_LIST, T_DICT, T_SET, T_BYTEARRAY] {
        vm.def_class_attr(t, "__hash__", Value::NONE);
    }
    let arith_ops: &[(&'static str, NativeFn<H>)] = &[
        ("__add__", |vm, a| arith(vm, a, BinOp::Add, false)),
        ("__radd__", |vm, a| arith(vm, a, BinOp::Add, true)),
        ("__sub__", |vm, a| arith(vm, a, BinOp::Sub, false)),
        ("__rsub__", |vm, a| arith(vm, a, BinOp::Sub, true)),
        ("__mul__", |vm, a| arith(vm, a, BinOp::Mul, false)),
        ("__rmul__", |vm, a| arith(vm, a, BinOp::Mul, true)),
        ("__truediv__", |vm, a| arith(vm, a, BinOp::TrueDiv, false)),
        ("__rtruediv__", |vm, a| arith(vm, a, BinOp::TrueDiv, true)),
        ("__floordiv__", |vm, a| arith(vm, a, BinOp::FloorDiv, false)),
        ("__rfloordiv__", |vm, a| arith(vm, a, BinOp::FloorDiv, true)),
        ("__mod__", |vm, a| arith(vm, a, BinOp::Mod, false)),
        ("__rmod__", |vm, a| arith(vm, a, BinOp::Mod, true)),
        ("__pow__", |vm, a| arith(vm, a, BinOp::Pow, false)),
        ("__rpow__", |vm, a| arith(vm, a, BinOp::Pow, true)),
    ];
    for t in [T_INT, T_FLOAT] {
        for &(n, f) in arith_ops {
            vm.def_method(t, n, f);
        }
        vm.def_method(t, "__neg__", neg::<H>);
        vm.def_method(t, "__abs__", abs::<H>);
        vm.def_method(t, "__bool__", boolean::<H>);
        vm.def_method(t, "__float__", to_float::<H>);
        vm.def_method(t, "__int__", to_int::<H>);
    }
    for t in [T_STR, T_LIST, T_TUPLE, T_BYTES] {
        vm.def_method(t, "__add__", |vm, a| seq(vm, a, BinOp::Add, false));
        vm.def_method(t, "__mul__", |vm, a| seq(vm, a, BinOp::Mul, false));
        vm.def_method(t, "__rmul__", |vm, a| seq(vm, a, BinOp::Mul, true));
    }
    vm.def_method(T_STR, "__mod__", |vm, a| seq(vm, a, BinOp::Mod, false));
    vm.def_method(T_STR, "__str__", to_str::<H>);
    vm.def_method(T_INT, "__and__", |vm, a| arith(vm, a, BinOp::And, false));
    vm.def_method(T_INT, "__or__", |vm, a| arith(vm, a, BinOp::Or, false));
    vm.def_method(T_INT, "__xor__", |vm, a| arith(vm, a, BinOp::Xor, false));
    vm.def_method(T_INT, "__lshift__", |vm, a| {
        arith(vm, a, BinOp::LShift, false)
    });
    vm.def_method(T_INT, "__rshift__", |vm, a| {
        arith(vm, a, BinOp::RShift, false)
    });
}

fn len<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__len__", 1, 1)?;
    let n = vm.len_opt(vm.arg(a, 0))?.unwrap_or(0);
    vm.int_from_i64(n as i64)
}

fn contains<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__contains__", 2, 2)?;
    vm.contains(vm.arg(a, 0), vm.arg(a, 1)).map(Value::bool)
}

fn iter<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__iter__", 1, 1)?;
    vm.get_iter(vm.arg(a, 0))
}

fn getitem<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__getitem__", 2, 2)?;
    vm.getitem(vm.arg(a, 0), vm.arg(a, 1))
}

/// `dict.__getitem__(d, key)`: on a dict subclass instance, a missing key
/// goes to the class's `__missing__` (as `d[key]` does), but an overriding
/// `__getitem__` is not consulted: it is often the caller.
fn dict_getitem<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__getitem__", 2, 2)?;
    let (d, key) = (vm.arg(a, 0), vm.arg(a, 1));
    let inner = Vm::<H>::unbox(d);
    if !(inner.is_obj() && object::kind(inner.as_obj()) == Kind::Dict) {
        // dict's __getitem__ is a plain method in CPython, not a slot.
        let msg = format!(
            "descriptor '__getitem__' for 'dict' objects doesn't apply to a '{}' object",
            vm.type_name(d)
        );
        return Err(vm.type_error(&msg));
    }
    if let Some(v) = vm.dict_get_item(inner, key)? {
        return Ok(v);
    }
    let (d, key) = (vm.arg(a, 0), vm.arg(a, 1));
    if vm.type_of(d) != vm.class(T_DICT)
        && let Some(r) = vm.call_dunder(d, "__missing__", &[key])?
    {
        return Ok(r);
    }
    let key = vm.arg(a, 1);
    let e = vm.call_values(vm.class(T_KEY_ERROR), &[key])?;
    Err(vm.raise_value(e, Value::NULL))
}

fn setitem<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__setitem__", 3, 3)?;
    vm.setitem(vm.arg(a, 0), vm.arg(a, 1), vm.arg(a, 2))?;
    Ok(Value::NONE)
}

fn delitem<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__delitem__", 2, 2)?;
    vm.delitem(vm.arg(a, 0), vm.arg(a, 1))?;
    Ok(Value::NONE)
}

fn compare<H: Heap>(vm: &mut Vm<H>, a: Args, op: CmpOp) -> PyResult {
    vm.check_args(a, "comparison", 2, 2)?;
    Ok(vm
        .native_compare(op, vm.arg(a, 0), vm.arg(a, 1))?
        .unwrap_or(Value::NOT_IMPLEMENTED))
}

fn repr<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__repr__", 1, 1)?;
    vm.repr(vm.arg(a, 0))
}

fn to_str<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__str__", 1, 1)?;
    vm.to_str(vm.arg(a, 0))
}

fn hash<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__hash__", 1, 1)?;
    let h = vm.hash(vm.arg(a, 0))?;
    vm.int_from_i64(h)
}

fn is_number(v: Value) -> bool {
    num::is_int(v) || (v.is_obj() && object::kind(v.as_obj()) == Kind::Float)
}

fn arith<H: Heap>(vm: &mut Vm<H>, a: Args, op: BinOp, reflected: bool) -> PyResult {
    vm.check_args(a, "arithmetic", 2, 2)?;
    let (x, y) = if reflected {
        (vm.arg(a, 1), vm.arg(a, 0))
    } else {
        (vm.arg(a, 0), vm.arg(a, 1))
    };
    if !is_number(x) || !is_number(y) {
        return Ok(Value::NOT_IMPLEMENTED);
    }
    // An int method given a float operand defers to float (as in CPython).
    let self_is_int = num::is_int(vm.arg(a, 0));
    let other_is_float = !num::is_int(vm.arg(a, 1));
    if self_is_int && other_is_float {
        return Ok(Value::NOT_IMPLEMENTED);
    }
    vm.binary_op(op, x, y, false)
}

fn seq<H: Heap>(vm: &mut Vm<H>, a: Args, op: BinOp, reflected: bool) -> PyResult {
    vm.check_args(a, "operator", 2, 2)?;
    let (x, y) = if reflected {
        (vm.arg(a, 1), vm.arg(a, 0))
    } else {
        (vm.arg(a, 0), vm.arg(a, 1))
    };
    Ok(vm
        .seq_binop(op, x, y, false)?
        .unwrap_or(Value::NOT_IMPLEMENTED))
}

fn neg<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__neg__", 1, 1)?;
    vm.unary_op(crate::bytecode::UnOp::Neg, vm.arg(a, 0))
}

fn abs<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__abs__", 1, 1)?;
    let v = vm.arg(a, 0);
    if num::is_int(v) {
        return vm.new_int(num_traits::Signed::abs(&num::to_bigint(v)));
    }
    vm.new_float(object::float_of(v.as_obj()).abs())
}

fn boolean<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__bool__", 1, 1)?;
    vm.truthy(vm.arg(a, 0)).map(Value::bool)
}

fn to_float<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__float__", 1, 1)?;
    let f = vm.as_f64(vm.arg(a, 0))?.unwrap_or(0.0);
    vm.new_float(f)
}

fn to_int<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__int__", 1, 1)?;
    let int = vm.class(T_INT);
    vm.call_values(int, &[vm.arg(a, 0)])
}
