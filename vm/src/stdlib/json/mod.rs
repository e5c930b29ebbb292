//! `_json`: CPython's C accelerator for the `json` package, native. The
//! stdlib's pure-Python `json` (loaded unmodified) imports it and then uses
//! [`scanner`]'s `scanstring` and `make_scanner` (the `Scanner` class) to
//! decode, and [`encoder`]'s `encode_basestring(_ascii)` and
//! `make_encoder` (the `Encoder` class) to encode, with the behaviour and
//! messages of CPython 3.11's `Modules/_json.c`.
//!
//! This file holds the module's entry point and what both halves share:
//! the class scaffolding (a class whose instances keep their constructor
//! arguments in a hidden state tuple, exposed as read-only properties),
//! argument lookup, the string-argument check and the recursion guard.

mod encoder;
mod scanner;

use crate::builtins::*;
use crate::object::{self, Kind, field};
use crate::value::Value;
use crate::vm::{Args, Exc, NativeFn, PyResult, Vm};
use gc_api::Heap;

/// The module names this file provides.
pub const MODULES: &[&str] = &["_json"];

/// Frozen Python source this file adds (name, source): none.
pub const FROZEN: &[(&str, &str)] = &[];

/// The instance attribute holding a scanner's or encoder's state tuple.
const STATE_ATTR: &str = "_json_state";

/// Fills in module `name`, rooted at stack slot `ms`.
pub(crate) fn init<H: Heap>(vm: &mut Vm<H>, _name: &str, ms: usize) -> PyResult<()> {
    vm.intern(STATE_ATTR);
    let doc = vm.new_str("json speedups\n")?;
    vm.module_set(vm.st(ms), "__doc__", doc)?;
    scanner::init_scanner(vm, ms)?;
    encoder::init_encoder(vm, ms)
}

/// A new class `_json.<name>` whose instances are made by native
/// `__new__` and called through native `__call__`, with one read-only
/// property per name of `members`, reading that item of the state tuple.
/// Bound to module attribute `attr`.
fn new_state_class<H: Heap>(
    vm: &mut Vm<H>,
    ms: usize,
    (name, attr): (&str, &str),
    (new, call): (NativeFn<H>, NativeFn<H>),
    members: &[(&'static str, NativeFn<H>)],
) -> PyResult<()> {
    let object = vm.class(T_OBJECT);
    let cls = vm.make_class(name, &[object], Value::NULL, "_json")?;
    let cs = vm.push(cls);
    for (name, f) in [("__new__", new), ("__call__", call)] {
        // The class dict may move at each definition: re-read it.
        let d = object::get(vm.st(cs).as_obj(), field::CLS_DICT);
        vm.def_fn(d, name, f);
    }
    for &(member, getter) in members {
        let p = vm.new_native_property(member, getter)?;
        let ps = vm.push(p);
        let k = vm.sym_str(member);
        let d = object::get(vm.st(cs).as_obj(), field::CLS_DICT);
        vm.dict_set_item(d, k, vm.st(ps))?;
        vm.truncate(ps);
    }
    vm.module_set(vm.st(ms), attr, vm.st(cs))?;
    vm.truncate(cs);
    Ok(())
}

/// An instance of class `cls` carrying the state tuple built from the
/// values at `stack[at..at + n]`.
fn new_with_state<H: Heap>(vm: &mut Vm<H>, cls: Value, at: usize, n: usize) -> PyResult {
    let mark = vm.push(cls);
    let state = vm.tuple_from_stack(at, n)?;
    vm.push(state);
    let r = vm.new_instance(vm.st(mark)).and_then(|o| {
        let os = vm.push(o);
        let sym = vm.intern(STATE_ATTR);
        vm.inst_set(vm.st(os), sym, vm.st(mark + 1))?;
        Ok(vm.st(os))
    });
    vm.truncate(mark);
    r
}

/// The state tuple of `v`, an instance of the class named `cls_name`;
/// TypeError (worded as CPython's descriptor check) when it is not one.
fn state_of<H: Heap>(vm: &mut Vm<H>, v: Value, cls_name: &str, what: &str) -> PyResult {
    match vm.native_state_of_kind(v, STATE_ATTR, Kind::Tuple) {
        Some(t) => Ok(t),
        None => Err(vm.descriptor_error(what, &format!("_json.{cls_name}"), v)),
    }
}

/// Item `i` of the state tuple of `self` (argument 0): a member getter.
fn member<H: Heap>(vm: &mut Vm<H>, a: Args, cls_name: &str, i: usize) -> PyResult {
    vm.check_args(a, "member", 1, 1)?;
    let t = state_of(vm, vm.arg(a, 0), cls_name, "member")?;
    Ok(object::array_get(t.as_obj(), i))
}

/// Positional argument `i`, else keyword `name`.
fn arg_or_kw<H: Heap>(vm: &Vm<H>, a: Args, i: usize, name: &str) -> Option<Value> {
    if i < a.n {
        Some(vm.arg(a, i))
    } else {
        vm.kwarg(a, name)
    }
}

/// The arguments of `fname(names...)` (all required, positional or by
/// keyword; `skip` leading positionals such as `self` not counted), pushed
/// in order; returns the slot of the first.
fn push_args<H: Heap>(
    vm: &mut Vm<H>,
    a: Args,
    skip: usize,
    fname: &str,
    names: &[&str],
) -> PyResult<usize> {
    vm.check_kwargs(a, fname, names)?;
    let given = a.n - skip + vm.nkw(a);
    if a.n - skip > names.len() {
        let msg = format!(
            "{fname}() takes at most {} arguments ({given} given)",
            names.len()
        );
        return Err(vm.type_error(&msg));
    }
    let rest = Args {
        base: a.base + skip,
        n: a.n - skip,
        kw: a.kw,
    };
    let mark = vm.rt.sp;
    for (i, name) in names.iter().enumerate() {
        let Some(v) = arg_or_kw(vm, rest, i, name) else {
            vm.truncate(mark);
            let msg = format!(
                "{fname}() missing required argument '{name}' (pos {})",
                i + 1
            );
            return Err(vm.type_error(&msg));
        };
        vm.push(v);
    }
    Ok(mark)
}

/// The str `v` is or boxes (a str subclass instance), else the TypeError
/// "first argument must be a string, not T".
fn str_arg<H: Heap>(vm: &mut Vm<H>, v: Value) -> PyResult {
    let u = Vm::<H>::unbox(v);
    if u.is_obj() && object::kind(u.as_obj()) == Kind::Str {
        return Ok(u);
    }
    let msg = format!("first argument must be a string, not {}", vm.type_name(v));
    Err(vm.type_error(&msg))
}

/// CPython's `Py_EnterRecursiveCall(where)` for a native nesting `depth`
/// levels deep: the RecursionError once Python frames plus native levels
/// reach the recursion limit.
fn check_recursion<H: Heap>(vm: &mut Vm<H>, depth: usize, place: &str) -> PyResult<()> {
    if vm.rt.frames.len() + depth > vm.rt.recursion_limit {
        let msg = format!("maximum recursion depth exceeded{place}");
        return Err(vm.raise_msg(T_RECURSION_ERROR, &msg));
    }
    Ok(())
}

/// Raises the exception instance `cls(*args)`.
fn raise_new<H: Heap>(vm: &mut Vm<H>, cls: Value, args: &[Value]) -> Exc {
    match vm.call_values(cls, args) {
        Ok(e) => vm.raise_value(e, Value::NULL),
        Err(x) => x,
    }
}
