//! `_operator`: the C half of `operator`, so that `operator.add` and
//! friends are thin natives over the VM's own operator machinery
//! (`binary_op`, `compare_op`, `getitem`, ...) rather than Python functions
//! wrapping the same expressions.
//!
//! `itemgetter`, `attrgetter` and `methodcaller` are ordinary classes (of
//! module `operator`, as in CPython) whose instances keep their state in one
//! instance attribute named as Python's private-name mangling would name a
//! `__state` attribute (`_itemgetter__items`, ...):
//!
//! - `itemgetter`: a tuple of the items;
//! - `attrgetter`: a tuple with one tuple per requested attribute, holding
//!   the symbol ids (small ints) of its dotted parts, so a call neither
//!   splits nor interns names;
//! - `methodcaller`: `(symbol id of the name, args tuple, kwargs dict)`.

use crate::builtins::*;
use crate::bytecode::{BinOp, CmpOp, UnOp};
use crate::num;
use crate::object::{self, Kind, field};
use crate::value::Value;
use crate::vm::{Args, NativeFn, PyResult, Vm};
use gc_api::Heap;

/// The module names this file provides.
pub const MODULES: &[&str] = &["_operator"];

/// Frozen Python source this file adds (name, source).
pub const FROZEN: &[(&str, &str)] = &[];

const DOC: &str = "Operator interface.\n\n\
This module exports a set of functions implemented in C corresponding\n\
to the intrinsic operators of Python.  For example, operator.add(x, y)\n\
is equivalent to the expression x+y.  The function names are those\n\
used for special methods; variants without leading and trailing\n\
'__' are also provided for convenience.";

/// Instance attribute holding an `itemgetter`'s items.
const ITEMS_ATTR: &str = "_itemgetter__items";
/// Instance attribute holding an `attrgetter`'s symbol-id paths.
const ATTRS_ATTR: &str = "_attrgetter__attrs";
/// Instance attribute holding a `methodcaller`'s (name, args, kwargs).
const CALL_ATTR: &str = "_methodcaller__call";

/// A class's native methods: (name, function).
type MethodTable<'a, H> = &'a [(&'static str, NativeFn<H>)];

/// Fills in module `name`, rooted at stack slot `ms`.
pub(crate) fn init<H: Heap>(vm: &mut Vm<H>, _name: &str, ms: usize) -> PyResult<()> {
    let fns: &[(&'static str, NativeFn<H>)] = &[
        ("lt", op_lt::<H>),
        ("le", op_le::<H>),
        ("eq", op_eq::<H>),
        ("ne", op_ne::<H>),
        ("ge", op_ge::<H>),
        ("gt", op_gt::<H>),
        ("is_", op_is::<H>),
        ("is_not", op_is_not::<H>),
        ("not_", op_not::<H>),
        ("truth", op_truth::<H>),
        ("abs", op_abs::<H>),
        ("index", op_index::<H>),
        ("neg", op_neg::<H>),
        ("pos", op_pos::<H>),
        ("inv", op_inv::<H>),
        ("invert", op_invert::<H>),
        ("add", op_add::<H>),
        ("sub", op_sub::<H>),
        ("mul", op_mul::<H>),
        ("matmul", op_matmul::<H>),
        ("truediv", op_truediv::<H>),
        ("floordiv", op_floordiv::<H>),
        ("mod", op_mod::<H>),
        ("pow", op_pow::<H>),
        ("lshift", op_lshift::<H>),
        ("rshift", op_rshift::<H>),
        ("and_", op_and::<H>),
        ("or_", op_or::<H>),
        ("xor", op_xor::<H>),
        ("iadd", op_iadd::<H>),
        ("isub", op_isub::<H>),
        ("imul", op_imul::<H>),
        ("imatmul", op_imatmul::<H>),
        ("itruediv", op_itruediv::<H>),
        ("ifloordiv", op_ifloordiv::<H>),
        ("imod", op_imod::<H>),
        ("ipow", op_ipow::<H>),
        ("ilshift", op_ilshift::<H>),
        ("irshift", op_irshift::<H>),
        ("iand", op_iand::<H>),
        ("ior", op_ior::<H>),
        ("ixor", op_ixor::<H>),
        ("concat", op_concat::<H>),
        ("iconcat", op_iconcat::<H>),
        ("contains", op_contains::<H>),
        ("countOf", op_count_of::<H>),
        ("indexOf", op_index_of::<H>),
        ("getitem", op_getitem::<H>),
        ("setitem", op_setitem::<H>),
        ("delitem", op_delitem::<H>),
        ("length_hint", op_length_hint::<H>),
        ("call", op_call::<H>),
        ("_compare_digest", op_compare_digest::<H>),
    ];
    for &(n, f) in fns {
        vm.module_fn(ms, n, f)?;
    }
    let doc = vm.new_str(DOC)?;
    vm.module_set(vm.st(ms), "__doc__", doc)?;
    for attr in [ITEMS_ATTR, ATTRS_ATTR, CALL_ATTR] {
        vm.intern(attr);
    }
    let classes: &[(&str, MethodTable<H>)] = &[
        (
            "itemgetter",
            &[
                ("__new__", itemgetter_new::<H>),
                ("__call__", itemgetter_call::<H>),
                ("__repr__", itemgetter_repr::<H>),
                ("__reduce__", itemgetter_reduce::<H>),
            ],
        ),
        (
            "attrgetter",
            &[
                ("__new__", attrgetter_new::<H>),
                ("__call__", attrgetter_call::<H>),
                ("__repr__", attrgetter_repr::<H>),
                ("__reduce__", attrgetter_reduce::<H>),
            ],
        ),
        (
            "methodcaller",
            &[
                ("__new__", methodcaller_new::<H>),
                ("__call__", methodcaller_call::<H>),
                ("__repr__", methodcaller_repr::<H>),
                ("__reduce__", methodcaller_reduce::<H>),
            ],
        ),
    ];
    for &(name, methods) in classes {
        let object = vm.class(T_OBJECT);
        let cls = vm.make_class(name, &[object], Value::NULL, "operator")?;
        let cs = vm.push(cls);
        for &(n, f) in methods {
            let d = object::get(vm.st(cs).as_obj(), field::CLS_DICT);
            vm.def_fn(d, n, f);
        }
        vm.module_set(vm.st(ms), name, vm.st(cs))?;
        vm.truncate(cs);
    }
    Ok(())
}

// ------------------------------------------------------------ arg checks

/// CPython's message for a keyword passed to a positional-only native
/// (`prefix` is the module part of its qualified name, if any).
fn no_keywords<H: Heap>(vm: &mut Vm<H>, a: Args, prefix: &str, name: &str) -> PyResult<()> {
    if vm.nkw(a) > 0 {
        let msg = format!("{prefix}{name}() takes no keyword arguments");
        return Err(vm.type_error(&msg));
    }
    Ok(())
}

/// Checks a one-argument `_operator` function (CPython's `METH_O` message).
fn one_arg<H: Heap>(vm: &mut Vm<H>, a: Args, name: &str) -> PyResult<Value> {
    no_keywords(vm, a, "_operator.", name)?;
    if a.n != 1 {
        let msg = format!(
            "_operator.{name}() takes exactly one argument ({} given)",
            a.n
        );
        return Err(vm.type_error(&msg));
    }
    Ok(vm.arg(a, 0))
}

/// Checks the positional count of an `_operator` function taking
/// `min..=max` arguments (CPython's argument-clinic messages).
fn arg_range<H: Heap>(vm: &mut Vm<H>, a: Args, name: &str, min: usize, max: usize) -> PyResult<()> {
    no_keywords(vm, a, "_operator.", name)?;
    let plural = |k: usize| if k == 1 { "" } else { "s" };
    let msg = if min == max && a.n != min {
        format!("{name} expected {min} argument{}, got {}", plural(min), a.n)
    } else if a.n < min {
        format!(
            "{name} expected at least {min} argument{}, got {}",
            plural(min),
            a.n
        )
    } else if a.n > max {
        format!(
            "{name} expected at most {max} argument{}, got {}",
            plural(max),
            a.n
        )
    } else {
        return Ok(());
    };
    Err(vm.type_error(&msg))
}

// ------------------------------------------------ operator functions

/// Defines two-argument natives that apply one VM binary operator.
macro_rules! binary_ops {
    ($($fname:ident: $py:literal => $op:expr, $inplace:expr;)*) => {$(
        fn $fname<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
            arg_range(vm, a, $py, 2, 2)?;
            vm.binary_op($op, vm.arg(a, 0), vm.arg(a, 1), $inplace)
        }
    )*};
}

binary_ops! {
    op_add: "add" => BinOp::Add, false;
    op_sub: "sub" => BinOp::Sub, false;
    op_mul: "mul" => BinOp::Mul, false;
    op_matmul: "matmul" => BinOp::MatMul, false;
    op_truediv: "truediv" => BinOp::TrueDiv, false;
    op_floordiv: "floordiv" => BinOp::FloorDiv, false;
    op_mod: "mod" => BinOp::Mod, false;
    op_pow: "pow" => BinOp::Pow, false;
    op_lshift: "lshift" => BinOp::LShift, false;
    op_rshift: "rshift" => BinOp::RShift, false;
    op_and: "and_" => BinOp::And, false;
    op_or: "or_" => BinOp::Or, false;
    op_xor: "xor" => BinOp::Xor, false;
    op_iadd: "iadd" => BinOp::Add, true;
    op_isub: "isub" => BinOp::Sub, true;
    op_imul: "imul" => BinOp::Mul, true;
    op_imatmul: "imatmul" => BinOp::MatMul, true;
    op_itruediv: "itruediv" => BinOp::TrueDiv, true;
    op_ifloordiv: "ifloordiv" => BinOp::FloorDiv, true;
    op_imod: "imod" => BinOp::Mod, true;
    op_ipow: "ipow" => BinOp::Pow, true;
    op_ilshift: "ilshift" => BinOp::LShift, true;
    op_irshift: "irshift" => BinOp::RShift, true;
    op_iand: "iand" => BinOp::And, true;
    op_ior: "ior" => BinOp::Or, true;
    op_ixor: "ixor" => BinOp::Xor, true;
}

/// Defines two-argument natives that apply one VM comparison.
macro_rules! compare_ops {
    ($($fname:ident: $py:literal => $op:expr;)*) => {$(
        fn $fname<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
            arg_range(vm, a, $py, 2, 2)?;
            vm.compare_op($op, vm.arg(a, 0), vm.arg(a, 1))
        }
    )*};
}

compare_ops! {
    op_lt: "lt" => CmpOp::Lt;
    op_le: "le" => CmpOp::Le;
    op_eq: "eq" => CmpOp::Eq;
    op_ne: "ne" => CmpOp::Ne;
    op_ge: "ge" => CmpOp::Ge;
    op_gt: "gt" => CmpOp::Gt;
    op_is: "is_" => CmpOp::Is;
    op_is_not: "is_not" => CmpOp::IsNot;
}

/// Defines one-argument natives that apply one VM unary operator.
macro_rules! unary_ops {
    ($($fname:ident: $py:literal => $op:expr;)*) => {$(
        fn $fname<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
            let v = one_arg(vm, a, $py)?;
            vm.unary_op($op, v)
        }
    )*};
}

unary_ops! {
    op_neg: "neg" => UnOp::Neg;
    op_pos: "pos" => UnOp::Pos;
    op_inv: "inv" => UnOp::Invert;
    op_invert: "invert" => UnOp::Invert;
}

fn op_not<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let v = one_arg(vm, a, "not_")?;
    Ok(Value::bool(!vm.truthy(v)?))
}

fn op_truth<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let v = one_arg(vm, a, "truth")?;
    Ok(Value::bool(vm.truthy(v)?))
}

fn op_abs<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let v = one_arg(vm, a, "abs")?;
    if num::is_int(v) {
        return vm.new_int(num_traits::Signed::abs(&num::to_bigint(v)));
    }
    if v.is_obj() && object::kind(v.as_obj()) == Kind::Float {
        return vm.new_float(object::float_of(v.as_obj()).abs());
    }
    if let Some(r) = vm.call_dunder(v, "__abs__", &[])? {
        return Ok(r);
    }
    let msg = format!("bad operand type for abs(): '{}'", vm.type_name(v));
    Err(vm.type_error(&msg))
}

/// `operator.index`: the exact int `__index__` gives (an int subclass or
/// bool comes back as a plain int, as `PyNumber_Index` does since 3.10).
fn op_index<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let v = one_arg(vm, a, "index")?;
    if v.is_int() {
        return Ok(v);
    }
    if num::is_int(v) {
        return vm.new_int(num::to_bigint(v));
    }
    match vm.call_dunder(v, "__index__", &[])? {
        Some(r) if num::is_int(r) => vm.new_int(num::to_bigint(r)),
        Some(r) => {
            let msg = format!("__index__ returned non-int (type {})", vm.type_name(r));
            Err(vm.type_error(&msg))
        }
        None => Err(vm.not_an_integer(v)),
    }
}

/// Is `v` a builtin sequence whose `+` concatenates?
fn is_builtin_sequence(v: Value) -> bool {
    v.is_obj()
        && matches!(
            object::kind(v.as_obj()),
            Kind::Str | Kind::Bytes | Kind::ByteArray | Kind::List | Kind::Tuple
        )
}

/// `concat`/`iconcat`: `a + b` for sequences only (CPython's
/// `PySequence_Concat`: a builtin sequence concatenates itself, other
/// operands must both support `__getitem__`).
fn concat<H: Heap>(vm: &mut Vm<H>, a: Args, name: &str, inplace: bool) -> PyResult {
    arg_range(vm, a, name, 2, 2)?;
    let (x, y) = (vm.arg(a, 0), vm.arg(a, 1));
    let x_seq =
        is_builtin_sequence(Vm::<H>::unbox(x)) || vm.type_method(x, "__getitem__").is_some();
    let y_seq =
        is_builtin_sequence(Vm::<H>::unbox(y)) || vm.type_method(y, "__getitem__").is_some();
    let (x, y) = (vm.arg(a, 0), vm.arg(a, 1));
    if is_builtin_sequence(x) || (x_seq && y_seq) {
        return vm.binary_op(BinOp::Add, x, y, inplace);
    }
    let msg = format!("'{}' object can't be concatenated", vm.type_name(x));
    Err(vm.type_error(&msg))
}

fn op_concat<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    concat(vm, a, "concat", false)
}

fn op_iconcat<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    concat(vm, a, "iconcat", true)
}

fn op_contains<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    arg_range(vm, a, "contains", 2, 2)?;
    vm.contains(vm.arg(a, 0), vm.arg(a, 1)).map(Value::bool)
}

/// Iterates `arg 0` looking for items identical or equal to `arg 1`:
/// calls `found(index)` for each and stops when it says so. Returns the
/// index that stopped it, if any.
fn scan_for<H: Heap>(
    vm: &mut Vm<H>,
    a: Args,
    mut found: impl FnMut(usize) -> bool,
) -> PyResult<Option<usize>> {
    let it = match vm.get_iter(vm.arg(a, 0)) {
        Ok(it) => it,
        Err(e) => {
            if vm.isinstance_idx(vm.rt.exc, T_TYPE_ERROR) {
                vm.rt.exc = Value::NULL;
                let msg = format!(
                    "argument of type '{}' is not iterable",
                    vm.type_name(vm.arg(a, 0))
                );
                return Err(vm.type_error(&msg));
            }
            return Err(e);
        }
    };
    let its = vm.push(it);
    let mut i = 0;
    while let Some(x) = vm.iter_next(its)? {
        let target = vm.arg(a, 1);
        if (x == target || vm.eq(x, target)?) && found(i) {
            vm.truncate(its);
            return Ok(Some(i));
        }
        i += 1;
    }
    vm.truncate(its);
    Ok(None)
}

fn op_count_of<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    arg_range(vm, a, "countOf", 2, 2)?;
    let mut n = 0i64;
    scan_for(vm, a, |_| {
        n += 1;
        false
    })?;
    Ok(Value::int(n))
}

fn op_index_of<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    arg_range(vm, a, "indexOf", 2, 2)?;
    match scan_for(vm, a, |_| true)? {
        Some(i) => Ok(Value::int(i as i64)),
        None => Err(vm.value_error("sequence.index(x): x not in sequence")),
    }
}

fn op_getitem<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    arg_range(vm, a, "getitem", 2, 2)?;
    vm.getitem(vm.arg(a, 0), vm.arg(a, 1))
}

fn op_setitem<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    arg_range(vm, a, "setitem", 3, 3)?;
    vm.setitem(vm.arg(a, 0), vm.arg(a, 1), vm.arg(a, 2))?;
    Ok(Value::NONE)
}

fn op_delitem<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    arg_range(vm, a, "delitem", 2, 2)?;
    vm.delitem(vm.arg(a, 0), vm.arg(a, 1))?;
    Ok(Value::NONE)
}

/// `length_hint(obj, default=0)`: `len(obj)`, else `obj.__length_hint__()`,
/// else `default` (PEP 424).
fn op_length_hint<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    arg_range(vm, a, "length_hint", 1, 2)?;
    let default = if a.n == 2 {
        match vm.index_value(vm.arg(a, 1))? {
            Some(d) => d,
            None => return Err(vm.not_an_integer(vm.arg(a, 1))),
        }
    } else {
        0
    };
    if let Some(n) = vm.len_opt(vm.arg(a, 0))? {
        return Ok(Value::int(n as i64));
    }
    let hint = match vm.call_dunder(vm.arg(a, 0), "__length_hint__", &[]) {
        Ok(Some(h)) => h,
        Ok(None) => return Ok(Value::int(default)),
        // A `__length_hint__` raising TypeError means "no hint".
        Err(e) => {
            if vm.isinstance_idx(vm.rt.exc, T_TYPE_ERROR) {
                vm.rt.exc = Value::NULL;
                return Ok(Value::int(default));
            }
            return Err(e);
        }
    };
    if hint == Value::NOT_IMPLEMENTED {
        return Ok(Value::int(default));
    }
    if !num::is_int(hint) {
        let msg = format!(
            "__length_hint__ must be an integer, not {}",
            vm.type_name(hint)
        );
        return Err(vm.type_error(&msg));
    }
    match vm.index_value(hint)? {
        Some(n) if n >= 0 => Ok(Value::int(n)),
        _ => Err(vm.value_error("__length_hint__() should return >= 0")),
    }
}

/// `call(obj, /, *args, **kwargs)`: forwards the rest of the call's
/// arguments in place.
fn op_call<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    if a.n == 0 {
        return Err(vm.type_error("call expected at least 1 argument, got 0"));
    }
    let f = vm.arg(a, 0);
    vm.call(
        f,
        Args {
            base: a.base + 1,
            n: a.n - 1,
            kw: a.kw,
        },
    )
}

/// `_compare_digest(a, b)`: equality of two ASCII strs or two bytes-like
/// objects, in time that does not depend on where they first differ.
fn op_compare_digest<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    arg_range(vm, a, "_compare_digest", 2, 2)?;
    let (x, y) = (vm.arg(a, 0), vm.arg(a, 1));
    let is_str = |v: Value| v.is_obj() && object::kind(v.as_obj()) == Kind::Str;
    let (xb, yb) = if is_str(x) && is_str(y) {
        let (xs, ys) = (object::str_of(x.as_obj()), object::str_of(y.as_obj()));
        if !xs.is_ascii() || !ys.is_ascii() {
            return Err(
                vm.type_error("comparing strings with non-ASCII characters is not supported")
            );
        }
        (xs.as_bytes().to_vec(), ys.as_bytes().to_vec())
    } else {
        if vm.byte_contents(x).is_none() && vm.byte_contents(y).is_none() {
            let msg = format!(
                "unsupported operand types(s) or combination of types: '{}' and '{}'",
                vm.type_name(x),
                vm.type_name(y)
            );
            return Err(vm.type_error(&msg));
        }
        let xb = super::binascii::buffer_bytes(vm, x)?;
        let yb = super::binascii::buffer_bytes(vm, y)?;
        (xb, yb)
    };
    Ok(Value::bool(constant_time_eq(&xb, &yb)))
}

/// Compares every byte of `b` whatever the contents, so the time taken
/// reveals only `b`'s length.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = (a.len() != b.len()) as u8;
    let left = if a.len() == b.len() { a } else { b };
    for (p, q) in left.iter().zip(b) {
        diff |= p ^ q;
    }
    diff == 0
}

// ------------------------------------------------------ shared helpers

/// The state attribute `attr` of `slf` (an instance of class `cls_name`),
/// or CPython's descriptor error for a foreign `self`.
fn state_of<H: Heap>(
    vm: &mut Vm<H>,
    slf: Value,
    attr: &str,
    cls_name: &str,
    method: &str,
) -> PyResult<Value> {
    match vm.native_state(slf, attr) {
        Some(s) => Ok(s),
        None => Err(vm.descriptor_error(method, &format!("operator.{cls_name}"), slf)),
    }
}

/// Creates an instance of class `arg 0` of a `__new__` call with `state` in
/// attribute `attr`.
fn new_with_state<H: Heap>(vm: &mut Vm<H>, a: Args, attr: &str, state: Value) -> PyResult {
    let ss = vm.push(state);
    let sym = vm.intern(attr);
    let cls = vm.arg(a, 0);
    if !vm.is_class(cls) {
        let msg = format!("__new__(X): X is not a type object ({})", vm.type_name(cls));
        return Err(vm.type_error(&msg));
    }
    let o = vm.new_instance(cls)?;
    let os = vm.push(o);
    vm.inst_set(vm.st(os), sym, vm.st(ss))?;
    let o = vm.st(os);
    vm.truncate(ss);
    Ok(o)
}

/// Checks a `__call__(self, obj)` of class `cls_name` and returns `obj`.
fn call_arg<H: Heap>(vm: &mut Vm<H>, a: Args, cls_name: &str) -> PyResult<Value> {
    no_keywords(vm, a, "", cls_name)?;
    if a.n != 2 {
        let msg = format!(
            "{cls_name} expected 1 argument, got {}",
            a.n.saturating_sub(1)
        );
        return Err(vm.type_error(&msg));
    }
    Ok(vm.arg(a, 1))
}

/// Checks a method of class `cls_name` that takes only `self`.
fn self_only<H: Heap>(vm: &mut Vm<H>, a: Args, cls_name: &str, method: &str) -> PyResult<()> {
    if vm.nkw(a) > 0 || a.n != 1 {
        let msg = format!(
            "{cls_name}.{method}() takes no arguments ({} given)",
            a.n.saturating_sub(1) + vm.nkw(a)
        );
        return Err(vm.type_error(&msg));
    }
    Ok(())
}

/// `"prefix(" + reprs joined by ", " + ")"` with CPython's `...` for a
/// recursive repr; `push_parts` renders the parts (may run Python code).
fn guarded_repr<H: Heap>(
    vm: &mut Vm<H>,
    slf: Value,
    prefix: &str,
    push_parts: impl FnOnce(&mut Vm<H>, &mut Vec<String>) -> PyResult<()>,
) -> PyResult {
    if vm.rt.repr_stack.contains(&slf) {
        return vm.new_str(&format!("{prefix}(...)"));
    }
    vm.rt.repr_stack.push(slf);
    let mut parts = Vec::new();
    let r = push_parts(vm, &mut parts);
    vm.rt.repr_stack.pop();
    r?;
    vm.new_str(&format!("{prefix}({})", parts.join(", ")))
}

// ------------------------------------------------------------ itemgetter

fn itemgetter_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    no_keywords(vm, a, "", "itemgetter")?;
    if a.n < 2 {
        return Err(vm.type_error("itemgetter expected 1 argument, got 0"));
    }
    let items = vm.tuple_from_stack(a.base + 1, a.n - 1)?;
    new_with_state(vm, a, ITEMS_ATTR, items)
}

fn itemgetter_call<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    call_arg(vm, a, "itemgetter")?;
    let items = state_of(vm, vm.arg(a, 0), ITEMS_ATTR, "itemgetter", "__call__")?;
    let n = object::array_len(items.as_obj());
    if n == 1 {
        return vm.getitem(vm.arg(a, 1), object::array_get(items.as_obj(), 0));
    }
    let mark = vm.rt.sp;
    for i in 0..n {
        // Re-read: a `__getitem__` may have run Python code and moved things.
        let items = state_of(vm, vm.arg(a, 0), ITEMS_ATTR, "itemgetter", "__call__")?;
        let key = object::array_get(items.as_obj(), i);
        let v = vm.getitem(vm.arg(a, 1), key)?;
        vm.push(v);
    }
    let t = vm.tuple_from_stack(mark, n)?;
    vm.truncate(mark);
    Ok(t)
}

fn itemgetter_repr<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    self_only(vm, a, "itemgetter", "__repr__")?;
    let slf = vm.arg(a, 0);
    let items = state_of(vm, slf, ITEMS_ATTR, "itemgetter", "__repr__")?;
    let is = vm.push(items);
    let r = guarded_repr(vm, slf, "operator.itemgetter", |vm, parts| {
        for i in 0..object::array_len(vm.st(is).as_obj()) {
            let v = object::array_get(vm.st(is).as_obj(), i);
            parts.push(vm.repr_string(v)?);
        }
        Ok(())
    });
    vm.truncate(is);
    r
}

fn itemgetter_reduce<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    self_only(vm, a, "itemgetter", "__reduce__")?;
    let items = state_of(vm, vm.arg(a, 0), ITEMS_ATTR, "itemgetter", "__reduce__")?;
    let cls = vm.type_of(vm.arg(a, 0));
    vm.new_tuple(&[cls, items])
}

// ------------------------------------------------------------ attrgetter

fn attrgetter_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    no_keywords(vm, a, "", "attrgetter")?;
    if a.n < 2 {
        return Err(vm.type_error("attrgetter expected 1 argument, got 0"));
    }
    let mark = vm.rt.sp;
    for i in 1..a.n {
        let name = vm.arg(a, i);
        if !(name.is_obj() && object::kind(name.as_obj()) == Kind::Str) {
            return Err(vm.type_error("attribute name must be a string"));
        }
        let dotted = object::str_of(name.as_obj()).to_string();
        let start = vm.rt.sp;
        for part in dotted.split('.') {
            let id = vm.intern(part);
            vm.push(Value::int(id as i64));
        }
        let path = vm.tuple_from_stack(start, vm.rt.sp - start)?;
        vm.truncate(start);
        vm.push(path);
    }
    let attrs = vm.tuple_from_stack(mark, a.n - 1)?;
    vm.truncate(mark);
    new_with_state(vm, a, ATTRS_ATTR, attrs)
}

/// Follows one dotted path (a tuple of symbol ids) from `obj`.
fn follow_path<H: Heap>(vm: &mut Vm<H>, obj: Value, path: Value) -> PyResult {
    let ids: Vec<u32> = object::items(path.as_obj())
        .iter()
        .map(|v| v.as_int() as u32)
        .collect();
    let mut cur = obj;
    for id in ids {
        cur = vm.getattr(cur, id)?;
    }
    Ok(cur)
}

fn attrgetter_call<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    call_arg(vm, a, "attrgetter")?;
    let attrs = state_of(vm, vm.arg(a, 0), ATTRS_ATTR, "attrgetter", "__call__")?;
    let n = object::array_len(attrs.as_obj());
    if n == 1 {
        let path = object::array_get(attrs.as_obj(), 0);
        return follow_path(vm, vm.arg(a, 1), path);
    }
    let mark = vm.rt.sp;
    for i in 0..n {
        let attrs = state_of(vm, vm.arg(a, 0), ATTRS_ATTR, "attrgetter", "__call__")?;
        let path = object::array_get(attrs.as_obj(), i);
        let v = follow_path(vm, vm.arg(a, 1), path)?;
        vm.push(v);
    }
    let t = vm.tuple_from_stack(mark, n)?;
    vm.truncate(mark);
    Ok(t)
}

/// The dotted names an `attrgetter` was made with.
fn attrgetter_names<H: Heap>(vm: &Vm<H>, attrs: Value) -> Vec<String> {
    object::items(attrs.as_obj())
        .iter()
        .map(|path| {
            object::items(path.as_obj())
                .iter()
                .map(|id| vm.interner.name(id.as_int() as u32).to_string())
                .collect::<Vec<_>>()
                .join(".")
        })
        .collect()
}

fn attrgetter_repr<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    self_only(vm, a, "attrgetter", "__repr__")?;
    let attrs = state_of(vm, vm.arg(a, 0), ATTRS_ATTR, "attrgetter", "__repr__")?;
    let parts: Vec<String> = attrgetter_names(vm, attrs)
        .iter()
        .map(|n| crate::protocol::str_repr(n))
        .collect();
    vm.new_str(&format!("operator.attrgetter({})", parts.join(", ")))
}

fn attrgetter_reduce<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    self_only(vm, a, "attrgetter", "__reduce__")?;
    let attrs = state_of(vm, vm.arg(a, 0), ATTRS_ATTR, "attrgetter", "__reduce__")?;
    let names = attrgetter_names(vm, attrs);
    let mark = vm.push(vm.type_of(vm.arg(a, 0)));
    for n in &names {
        let s = vm.new_str(n)?;
        vm.push(s);
    }
    let t = vm.tuple_from_stack(mark + 1, names.len())?;
    vm.truncate(mark + 1);
    vm.push(t);
    let r = vm.tuple_from_stack(mark, 2)?;
    vm.truncate(mark);
    Ok(r)
}

// ---------------------------------------------------------- methodcaller

fn methodcaller_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    if a.n < 2 {
        return Err(vm.type_error("methodcaller needs at least one argument, the method name"));
    }
    let name = vm.arg(a, 1);
    if !(name.is_obj() && object::kind(name.as_obj()) == Kind::Str) {
        return Err(vm.type_error("method name must be a string"));
    }
    let name = object::str_of(name.as_obj()).to_string();
    let id = vm.intern(&name);
    let mark = vm.push(Value::int(id as i64));
    let args = vm.tuple_from_stack(a.base + 2, a.n - 2)?;
    vm.push(args);
    let kwargs = vm.new_dict()?;
    vm.push(kwargs);
    let nkw = vm.nkw(a);
    for i in 0..nkw {
        let k = object::array_get(vm.kwnames(a).as_obj(), i);
        let v = vm.st(a.base + a.n + i);
        vm.dict_set_item(vm.st(mark + 2), k, v)?;
    }
    let state = vm.tuple_from_stack(mark, 3)?;
    vm.truncate(mark);
    new_with_state(vm, a, CALL_ATTR, state)
}

fn methodcaller_call<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    call_arg(vm, a, "methodcaller")?;
    let state = state_of(vm, vm.arg(a, 0), CALL_ATTR, "methodcaller", "__call__")?;
    let id = object::array_get(state.as_obj(), 0).as_int() as u32;
    let method = vm.getattr(vm.arg(a, 1), id)?;
    let mark = vm.push(method);
    let state = state_of(vm, vm.arg(a, 0), CALL_ATTR, "methodcaller", "__call__")?;
    let (args, kwargs) = (
        object::array_get(state.as_obj(), 1),
        object::array_get(state.as_obj(), 2),
    );
    let r = if Vm::<H>::dict_len(kwargs) == 0 {
        let n = object::array_len(args.as_obj());
        for i in 0..n {
            vm.push(object::array_get(args.as_obj(), i));
        }
        vm.call(vm.st(mark), Args::positional(mark + 1, n))
    } else {
        vm.call_ex(vm.st(mark), args, kwargs)
    };
    vm.truncate(mark);
    r
}

fn methodcaller_repr<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    self_only(vm, a, "methodcaller", "__repr__")?;
    let slf = vm.arg(a, 0);
    let state = state_of(vm, slf, CALL_ATTR, "methodcaller", "__repr__")?;
    let ss = vm.push(state);
    let r = guarded_repr(vm, slf, "operator.methodcaller", |vm, parts| {
        let st = vm.st(ss).as_obj();
        let id = object::array_get(st, 0).as_int() as u32;
        parts.push(crate::protocol::str_repr(vm.interner.name(id)));
        let n = object::array_len(object::array_get(st, 1).as_obj());
        for i in 0..n {
            let v = object::array_get(object::array_get(vm.st(ss).as_obj(), 1).as_obj(), i);
            parts.push(vm.repr_string(v)?);
        }
        let used = Vm::<H>::dict_used(object::array_get(vm.st(ss).as_obj(), 2));
        for i in 0..used {
            let d = object::array_get(vm.st(ss).as_obj(), 2);
            let (k, v) = Vm::<H>::dict_entry(d, i);
            if k.is_null() || k == Value::DUMMY {
                continue;
            }
            let key = object::str_of(k.as_obj()).to_string();
            let v = vm.repr_string(v)?;
            parts.push(format!("{key}={v}"));
        }
        Ok(())
    });
    vm.truncate(ss);
    r
}

/// `(methodcaller, (name, *args))`, or with keywords
/// `(functools.partial(methodcaller, name, **kwargs), args)`.
fn methodcaller_reduce<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    self_only(vm, a, "methodcaller", "__reduce__")?;
    let state = state_of(vm, vm.arg(a, 0), CALL_ATTR, "methodcaller", "__reduce__")?;
    let ss = vm.push(state);
    let cls = vm.type_of(vm.arg(a, 0));
    let mark = vm.push(cls);
    let id = object::array_get(vm.st(ss).as_obj(), 0).as_int() as u32;
    vm.push(vm.sym(id));
    let kwargs = object::array_get(vm.st(ss).as_obj(), 2);
    let r = if Vm::<H>::dict_len(kwargs) == 0 {
        let args = object::array_get(vm.st(ss).as_obj(), 1);
        for i in 0..object::array_len(args.as_obj()) {
            vm.push(object::array_get(args.as_obj(), i));
        }
        let n = vm.rt.sp - (mark + 1);
        let t = vm.tuple_from_stack(mark + 1, n)?;
        vm.truncate(mark + 1);
        vm.push(t);
        vm.tuple_from_stack(mark, 2)?
    } else {
        let functools = vm.import_module("_functools")?;
        let sym = vm.intern("partial");
        let partial = vm.getattr(functools, sym)?;
        let ps = vm.push(partial);
        let head = vm.tuple_from_stack(mark, 2)?;
        let p = vm.call_ex(vm.st(ps), head, object::array_get(vm.st(ss).as_obj(), 2))?;
        vm.set_st(ps, p);
        let args = object::array_get(vm.st(ss).as_obj(), 1);
        vm.push(args);
        vm.tuple_from_stack(ps, 2)?
    };
    vm.truncate(ss);
    Ok(r)
}
