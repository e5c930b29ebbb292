//! `_functools`: the C half of `functools` — `reduce`, `partial` and
//! `cmp_to_key` as natives, so the hot paths (`partial.__call__`, the
//! comparisons of `cmp_to_key` keys, the `reduce` loop) run without
//! interpreting Python frames of their own.
//!
//! `partial` is an ordinary, subclassable class whose instances keep
//! `(func, args, keywords)` in one instance attribute, `_partial__state`
//! (the name Python's private-name mangling gives a `__state` attribute);
//! `func`, `args` and `keywords` are read-only properties over it. Other
//! instance attributes are the partial's `__dict__` for pickling.
//!
//! `cmp_to_key(cmp)` returns a `functools.KeyWrapper` holding `cmp` in
//! `_KeyWrapper__cmp`; calling it makes another wrapper that also holds
//! `obj`, and wrappers compare by calling `cmp` on their objects.
//!
//! `_lru_cache_wrapper` (behind `functools.lru_cache` and `cache`) keeps
//! its state in a list in `_lru_cache_wrapper__state` (see `lru`): the
//! cache dict, and for a bounded cache a circular doubly linked list of
//! `[prev, next, key, result]` links in recency order, as the pure-Python
//! version of `functools` does, plus the hit and miss counters.

use crate::builtins::*;
use crate::bytecode::CmpOp;
use crate::object::{self, Kind, field};
use crate::value::Value;
use crate::vm::{Args, NativeFn, PyResult, Vm};
use gc_api::Heap;

/// The module names this file provides.
pub const MODULES: &[&str] = &["_functools"];

/// Frozen Python source this file adds (name, source).
pub const FROZEN: &[(&str, &str)] = &[];

const DOC: &str = "Tools that operate on functions.";

/// Instance attribute holding a partial's `(func, args, keywords)`.
const PARTIAL_STATE: &str = "_partial__state";
/// Native name of `partial.__call__`: how a partial (or a subclass that
/// keeps its `__call__`) is recognised for flattening and for its repr.
const PARTIAL_CALL: &str = "functools.partial.__call__";
/// Instance attribute holding a key wrapper's comparison function.
const KEY_CMP: &str = "_KeyWrapper__cmp";
/// Instance attribute holding a key wrapper's wrapped object.
const KEY_OBJ: &str = "obj";

/// Fills in module `name`, rooted at stack slot `ms`.
pub(crate) fn init<H: Heap>(vm: &mut Vm<H>, _name: &str, ms: usize) -> PyResult<()> {
    vm.module_fn(ms, "reduce", reduce::<H>)?;
    let doc = vm.new_str(DOC)?;
    vm.module_set(vm.st(ms), "__doc__", doc)?;
    for attr in [PARTIAL_STATE, KEY_CMP, KEY_OBJ] {
        vm.intern(attr);
    }

    let object = vm.class(T_OBJECT);
    let partial = vm.make_class("partial", &[object], Value::NULL, "functools")?;
    let ps = vm.push(partial);
    let methods: &[(&'static str, NativeFn<H>)] = &[
        ("__new__", partial_new::<H>),
        ("__repr__", partial_repr::<H>),
        ("__reduce__", partial_reduce::<H>),
        ("__setstate__", partial_setstate::<H>),
    ];
    for &(n, f) in methods {
        let d = object::get(vm.st(ps).as_obj(), field::CLS_DICT);
        vm.def_fn(d, n, f);
    }
    let idx = vm.register(PARTIAL_CALL, partial_call::<H>);
    let call = vm.new_builtin(idx, Value::NULL)?;
    class_set(vm, ps, "__call__", call)?;
    let getters: &[(&'static str, NativeFn<H>)] = &[
        ("func", partial_func::<H>),
        ("args", partial_args::<H>),
        ("keywords", partial_keywords::<H>),
    ];
    for &(n, f) in getters {
        let p = vm.new_native_property(n, f)?;
        class_set(vm, ps, n, p)?;
    }
    vm.def_native_classmethod(vm.st(ps), "__class_getitem__", partial_class_getitem::<H>)?;
    vm.module_set(vm.st(ms), "partial", vm.st(ps))?;
    vm.truncate(ps);

    let object = vm.class(T_OBJECT);
    let wrapper = vm.make_class("KeyWrapper", &[object], Value::NULL, "functools")?;
    let ws = vm.push(wrapper);
    let methods: &[(&'static str, NativeFn<H>)] = &[
        ("__call__", key_call::<H>),
        ("__lt__", key_lt::<H>),
        ("__le__", key_le::<H>),
        ("__eq__", key_eq::<H>),
        ("__ne__", key_ne::<H>),
        ("__gt__", key_gt::<H>),
        ("__ge__", key_ge::<H>),
    ];
    for &(n, f) in methods {
        let d = object::get(vm.st(ws).as_obj(), field::CLS_DICT);
        vm.def_fn(d, n, f);
    }
    class_set(vm, ws, "__hash__", Value::NONE)?;
    // `cmp_to_key` is bound to the wrapper class, which it instantiates.
    let idx = vm.register("cmp_to_key", cmp_to_key::<H>);
    let f = vm.new_builtin(idx, vm.st(ws))?;
    vm.module_set(vm.st(ms), "cmp_to_key", f)?;
    vm.truncate(ws);
    lru::init(vm, ms)
}

/// Stores `v` under `name` in the dict of the class rooted at `cs`.
fn class_set<H: Heap>(vm: &mut Vm<H>, cs: usize, name: &str, v: Value) -> PyResult<()> {
    let vs = vm.push(v);
    let k = vm.sym_str(name);
    let d = object::get(vm.st(cs).as_obj(), field::CLS_DICT);
    vm.dict_set_item(d, k, vm.st(vs))?;
    vm.truncate(vs);
    Ok(())
}

fn is_str(v: Value) -> bool {
    v.is_obj() && object::kind(v.as_obj()) == Kind::Str
}

fn is_dict(v: Value) -> bool {
    v.is_obj() && object::kind(v.as_obj()) == Kind::Dict
}

fn is_tuple(v: Value) -> bool {
    v.is_obj() && object::kind(v.as_obj()) == Kind::Tuple
}

// ---------------------------------------------------------------- reduce

/// `reduce(function, iterable[, initial])`.
fn reduce<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    if vm.nkw(a) > 0 {
        return Err(vm.type_error("reduce() takes no keyword arguments"));
    }
    vm.check_count(a, "reduce", 2, 3)?;
    let it = match vm.get_iter(vm.arg(a, 1)) {
        Ok(it) => it,
        Err(e) => {
            if vm.isinstance_idx(vm.rt.exc, T_TYPE_ERROR) {
                vm.rt.exc = Value::NULL;
                return Err(vm.type_error("reduce() arg 2 must support iteration"));
            }
            return Err(e);
        }
    };
    let its = vm.push(it);
    let acc = vm.push(if a.n == 3 { vm.arg(a, 2) } else { Value::NULL });
    while let Some(x) = vm.iter_next(its)? {
        let prev = vm.st(acc);
        if prev.is_null() {
            vm.set_st(acc, x);
            continue;
        }
        let r = vm.call_values(vm.arg(a, 0), &[prev, x])?;
        vm.set_st(acc, r);
    }
    let r = vm.st(acc);
    vm.truncate(its);
    if r.is_null() {
        return Err(vm.type_error("reduce() of empty iterable with no initial value"));
    }
    Ok(r)
}

// --------------------------------------------------------------- partial

/// Is `f` the native `partial.__call__`?
fn is_partial_call<H: Heap>(vm: &Vm<H>, f: Value) -> bool {
    f.is_obj()
        && object::kind(f.as_obj()) == Kind::Builtin
        && vm.natives[object::word(f.as_obj(), field::BI_INDEX)].name == PARTIAL_CALL
}

/// The state tuple of `v` if it is a partial whose arguments a new partial
/// may absorb: called through `partial.__call__` and without attributes
/// of its own (CPython's rule: no instance `__dict__`).
fn flattenable<H: Heap>(vm: &mut Vm<H>, v: Value) -> Option<Value> {
    if !(v.is_obj() && object::kind(v.as_obj()) == Kind::Instance) {
        return None;
    }
    let call = vm.type_method(v, "__call__")?;
    if !is_partial_call(vm, call) {
        return None;
    }
    let sym = vm.intern(PARTIAL_STATE);
    let names = vm.inst_names(v.as_obj());
    if names.len() != 1 || names[0] != vm.sym(sym) {
        return None;
    }
    vm.inst_get(v.as_obj(), sym)
}

/// The `(func, args, keywords)` tuple of partial `slf`.
fn partial_state<H: Heap>(vm: &mut Vm<H>, slf: Value, method: &str) -> PyResult<Value> {
    match vm.native_state(slf, PARTIAL_STATE) {
        Some(s) => Ok(s),
        None => Err(vm.descriptor_error(method, "functools.partial", slf)),
    }
}

/// `partial.__new__(cls, func, /, *args, **keywords)`: a nested partial's
/// function, arguments and keywords are absorbed, the new keywords
/// overriding its ones.
fn partial_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    if a.n == 0 {
        return Err(vm.type_error("functools.partial.__new__(): not enough arguments"));
    }
    let cls = vm.arg(a, 0);
    if !vm.is_class(cls) {
        let msg = format!(
            "functools.partial.__new__(X): X is not a type object ({})",
            vm.type_name(cls)
        );
        return Err(vm.type_error(&msg));
    }
    if a.n < 2 {
        return Err(vm.type_error("type 'partial' takes at least one argument"));
    }
    let func = vm.arg(a, 1);
    if !vm.is_callable(func) {
        return Err(vm.type_error("the first argument must be callable"));
    }
    let inner = flattenable(vm, vm.arg(a, 1));
    let mark = vm.rt.sp;
    let (func, inner_args, inner_kw) = match inner {
        Some(st) => {
            let st = st.as_obj();
            (
                object::array_get(st, 0),
                object::array_get(st, 1),
                object::array_get(st, 2),
            )
        }
        None => (vm.arg(a, 1), Value::NULL, Value::NULL),
    };
    vm.push(func);
    let kws = vm.push(inner_kw);
    let args_start = vm.rt.sp;
    if !inner_args.is_null() {
        for i in 0..object::array_len(inner_args.as_obj()) {
            vm.push(object::array_get(inner_args.as_obj(), i));
        }
    }
    for i in 2..a.n {
        vm.push(vm.arg(a, i));
    }
    let args = vm.tuple_from_stack(args_start, vm.rt.sp - args_start)?;
    vm.truncate(args_start);
    vm.push(args);
    let d = vm.new_dict()?;
    vm.push(d);
    if !vm.st(kws).is_null() {
        vm.dict_update(vm.st(mark + 3), vm.st(kws))?;
    }
    for i in 0..vm.nkw(a) {
        let k = object::array_get(vm.kwnames(a).as_obj(), i);
        let v = vm.st(a.base + a.n + i);
        vm.dict_set_item(vm.st(mark + 3), k, v)?;
    }
    vm.set_st(kws, vm.st(mark + 2));
    vm.set_st(mark + 2, vm.st(mark + 3));
    let state = vm.tuple_from_stack(mark, 3)?;
    vm.truncate(mark);
    let ss = vm.push(state);
    let o = vm.new_instance(vm.arg(a, 0))?;
    let os = vm.push(o);
    let sym = vm.intern(PARTIAL_STATE);
    vm.inst_set(vm.st(os), sym, vm.st(ss))?;
    let o = vm.st(os);
    vm.truncate(ss);
    Ok(o)
}

/// `partial.__call__(self, /, *args, **keywords)`: `func(*self.args,
/// *args, **(self.keywords | keywords))`.
fn partial_call<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    if a.n == 0 {
        return Err(
            vm.type_error("descriptor '__call__' of 'functools.partial' object needs an argument")
        );
    }
    let state = partial_state(vm, vm.arg(a, 0), "__call__")?;
    let st = state.as_obj();
    let (func, pargs, pkw) = (
        object::array_get(st, 0),
        object::array_get(st, 1),
        object::array_get(st, 2),
    );
    let nkw = vm.nkw(a);
    let mark = vm.push(func);
    let np = object::array_len(pargs.as_obj());
    if Vm::<H>::dict_len(pkw) == 0 {
        // Stored and passed arguments side by side, the call's keywords
        // after them: a plain call, no dict built.
        for i in 0..np {
            vm.push(object::array_get(pargs.as_obj(), i));
        }
        for i in 1..a.n + nkw {
            vm.push(vm.st(a.base + i));
        }
        let args = Args {
            base: mark + 1,
            n: np + a.n - 1,
            kw: if nkw > 0 { a.kw } else { Args::NO_KW },
        };
        let r = vm.call(vm.st(mark), args);
        vm.truncate(mark);
        return r;
    }
    let ks = vm.push(pkw);
    for i in 0..np {
        vm.push(object::array_get(pargs.as_obj(), i));
    }
    for i in 1..a.n {
        vm.push(vm.arg(a, i));
    }
    let args = vm.tuple_from_stack(ks + 1, np + a.n - 1)?;
    vm.truncate(ks + 1);
    let argss = vm.push(args);
    if nkw > 0 {
        let d = vm.new_dict()?;
        vm.push(d);
        vm.dict_update(d, vm.st(ks))?;
        for i in 0..nkw {
            let k = object::array_get(vm.kwnames(a).as_obj(), i);
            let v = vm.st(a.base + a.n + i);
            vm.dict_set_item(vm.st(argss + 1), k, v)?;
        }
        vm.set_st(ks, vm.st(argss + 1));
    }
    let r = vm.call_ex(vm.st(mark), vm.st(argss), vm.st(ks));
    vm.truncate(mark);
    r
}

fn partial_field<H: Heap>(vm: &mut Vm<H>, a: Args, i: usize, name: &str) -> PyResult {
    vm.check_args(a, name, 1, 1)?;
    let st = partial_state(vm, vm.arg(a, 0), name)?;
    Ok(object::array_get(st.as_obj(), i))
}

fn partial_func<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    partial_field(vm, a, 0, "func")
}

fn partial_args<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    partial_field(vm, a, 1, "args")
}

fn partial_keywords<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    partial_field(vm, a, 2, "keywords")
}

/// `functools.partial(<func repr>, <arg reprs>, k=<value repr>)`, named
/// by the class's bare name for a subclass (as CPython's `tp_name`).
fn partial_repr<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__repr__", 1, 1)?;
    let slf = vm.arg(a, 0);
    let state = partial_state(vm, slf, "__repr__")?;
    let cls = vm.type_of(slf);
    let own_call = {
        let k = vm.sym_str("__call__");
        vm.dict_get_str(object::get(cls.as_obj(), field::CLS_DICT), k)
    };
    let name = match own_call {
        Some(f) if is_partial_call(vm, f) => "functools.partial".to_string(),
        _ => vm.class_name(cls),
    };
    if vm.rt.repr_stack.contains(&slf) {
        return vm.new_str("...");
    }
    vm.rt.repr_stack.push(slf);
    let ss = vm.push(state);
    let r = partial_repr_parts(vm, ss);
    vm.truncate(ss);
    vm.rt.repr_stack.pop();
    let parts = r?;
    vm.new_str(&format!("{name}({})", parts.join(", ")))
}

/// The reprs of a partial's function, arguments and `key=value` keywords
/// (state tuple rooted at `ss`).
fn partial_repr_parts<H: Heap>(vm: &mut Vm<H>, ss: usize) -> PyResult<Vec<String>> {
    let field_of = |vm: &Vm<H>, i: usize| object::array_get(vm.st(ss).as_obj(), i);
    let mut parts = vec![vm.repr_string(field_of(vm, 0))?];
    let mut i = 0;
    while i < object::array_len(field_of(vm, 1).as_obj()) {
        let v = object::array_get(field_of(vm, 1).as_obj(), i);
        parts.push(vm.repr_string(v)?);
        i += 1;
    }
    let mut i = 0;
    while i < Vm::<H>::dict_used(field_of(vm, 2)) {
        let (k, v) = Vm::<H>::dict_entry(field_of(vm, 2), i);
        i += 1;
        if k.is_null() || k == Value::DUMMY {
            continue;
        }
        let vs = vm.push(v);
        let key = vm.str_string(k)?;
        let val = vm.repr_string(vm.st(vs))?;
        vm.truncate(vs);
        parts.push(format!("{key}={val}"));
    }
    Ok(parts)
}

/// The attributes of partial `slf` other than its state, as a new dict;
/// `None` if it has none.
fn partial_extra_dict<H: Heap>(vm: &mut Vm<H>, slf_slot: usize) -> PyResult {
    let sym = vm.intern(PARTIAL_STATE);
    let hidden = vm.sym(sym);
    let names: Vec<Value> = vm
        .inst_names(vm.st(slf_slot).as_obj())
        .into_iter()
        .filter(|n| *n != hidden)
        .collect();
    if names.is_empty() {
        return Ok(Value::NONE);
    }
    let d = vm.new_dict()?;
    let ds = vm.push(d);
    for n in names {
        // Names are interned symbols (immortal), so they survive the loop.
        let id = vm.intern(object::str_of(n.as_obj()));
        if let Some(v) = vm.inst_get(vm.st(slf_slot).as_obj(), id) {
            vm.dict_set_item(vm.st(ds), n, v)?;
        }
    }
    let d = vm.st(ds);
    vm.truncate(ds);
    Ok(d)
}

/// `(type(self), (func,), (func, args, keywords, __dict__ or None))`.
fn partial_reduce<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__reduce__", 1, 1)?;
    let state = partial_state(vm, vm.arg(a, 0), "__reduce__")?;
    let ss = vm.push(state);
    let extra = partial_extra_dict(vm, a.base)?;
    let es = vm.push(extra);
    let mark = vm.push(vm.type_of(vm.arg(a, 0)));
    let func = object::array_get(vm.st(ss).as_obj(), 0);
    let f1 = vm.new_tuple(&[func])?;
    vm.push(f1);
    let st = vm.st(ss).as_obj();
    let four = [
        object::array_get(st, 0),
        object::array_get(st, 1),
        object::array_get(st, 2),
        vm.st(es),
    ];
    let t4 = vm.new_tuple(&four)?;
    vm.push(t4);
    let r = vm.tuple_from_stack(mark, 3)?;
    vm.truncate(ss);
    Ok(r)
}

/// `__setstate__((func, args, keywords, dict))`, as `__reduce__` gives.
fn partial_setstate<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__setstate__", 2, 2)?;
    partial_state(vm, vm.arg(a, 0), "__setstate__")?;
    let state = vm.arg(a, 1);
    if !is_tuple(state) || object::array_len(state.as_obj()) != 4 {
        return Err(vm.type_error("invalid partial state"));
    }
    let items: Vec<Value> = object::items(state.as_obj()).to_vec();
    let (func, args, kw, dict) = (items[0], items[1], items[2], items[3]);
    let args_ok = vm.isinstance_idx(args, T_TUPLE);
    let kw_ok = kw.is_none() || vm.isinstance_idx(kw, T_DICT);
    let dict_ok = dict.is_none() || vm.isinstance_idx(dict, T_DICT);
    if !vm.is_callable(func) || !args_ok || !kw_ok || !dict_ok {
        return Err(vm.type_error("invalid partial state"));
    }
    let mark = vm.push(func);
    // A tuple or dict subclass is copied into a plain one.
    let args = if is_tuple(args) {
        args
    } else {
        let inner = Vm::<H>::unbox(args);
        let items: Vec<Value> = object::items(inner.as_obj()).to_vec();
        vm.new_tuple(&items)?
    };
    vm.push(args);
    let kw = object::array_get(vm.arg(a, 1).as_obj(), 2);
    let kw = if is_dict(kw) {
        kw
    } else {
        let d = vm.new_dict()?;
        let ds = vm.push(d);
        let src = object::array_get(vm.arg(a, 1).as_obj(), 2);
        if !src.is_none() {
            vm.dict_update(d, Vm::<H>::unbox(src))?;
        }
        vm.truncate(ds);
        d
    };
    vm.push(kw);
    let st = vm.tuple_from_stack(mark, 3)?;
    vm.truncate(mark);
    let sym = vm.intern(PARTIAL_STATE);
    vm.inst_set(vm.arg(a, 0), sym, st)?;
    let dict = Vm::<H>::unbox(object::array_get(vm.arg(a, 1).as_obj(), 3));
    if !dict.is_none() {
        let mut i = 0;
        while i < Vm::<H>::dict_used(Vm::<H>::unbox(object::array_get(vm.arg(a, 1).as_obj(), 3))) {
            let d = Vm::<H>::unbox(object::array_get(vm.arg(a, 1).as_obj(), 3));
            let (k, v) = Vm::<H>::dict_entry(d, i);
            i += 1;
            if !is_str(k) {
                continue;
            }
            let id = vm.intern(object::str_of(k.as_obj()));
            vm.inst_set(vm.arg(a, 0), id, v)?;
        }
    }
    Ok(Value::NONE)
}

/// `partial[T]`: a `types.GenericAlias`.
fn partial_class_getitem<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__class_getitem__", 2, 2)?;
    call_types_helper(vm, "GenericAlias", &[vm.arg(a, 0), vm.arg(a, 1)])
}

// ------------------------------------------------------------ cmp_to_key

/// `cmp_to_key(mycmp)` (bound to the `KeyWrapper` class): a wrapper with
/// no object, which wraps objects when called.
fn cmp_to_key<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "cmp_to_key", &["mycmp"])?;
    let cmp = match (a.n, vm.kwarg(a, "mycmp")) {
        (2, None) => vm.arg(a, 1),
        (1, Some(c)) => c,
        (1, None) => {
            return Err(vm.type_error("cmp_to_key() missing required argument 'mycmp' (pos 1)"));
        }
        _ => {
            let msg = format!(
                "cmp_to_key() takes at most 1 argument ({} given)",
                a.n - 1 + vm.nkw(a)
            );
            return Err(vm.type_error(&msg));
        }
    };
    new_key(vm, vm.arg(a, 0), cmp, Value::NULL)
}

/// A new wrapper of class `cls` holding `cmp` and (unless null) `obj`.
fn new_key<H: Heap>(vm: &mut Vm<H>, cls: Value, cmp: Value, obj: Value) -> PyResult {
    let mark = vm.push(cmp);
    vm.push(obj);
    let w = vm.new_instance(cls)?;
    let ws = vm.push(w);
    let (cs, os) = (vm.intern(KEY_CMP), vm.intern(KEY_OBJ));
    vm.inst_set(vm.st(ws), cs, vm.st(mark))?;
    if !vm.st(mark + 1).is_null() {
        vm.inst_set(vm.st(ws), os, vm.st(mark + 1))?;
    }
    let w = vm.st(ws);
    vm.truncate(mark);
    Ok(w)
}

/// `K(obj)`: wraps `obj` for comparison with this wrapper's function.
fn key_call<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "K", &["obj"])?;
    let obj = match (a.n, vm.kwarg(a, "obj")) {
        (2, None) => vm.arg(a, 1),
        (1, Some(o)) => o,
        (1, None) | (0, _) => {
            return Err(vm.type_error("K() missing required argument 'obj' (pos 1)"));
        }
        _ => {
            let msg = format!(
                "K() takes at most 1 argument ({} given)",
                a.n - 1 + vm.nkw(a)
            );
            return Err(vm.type_error(&msg));
        }
    };
    let cs = vm.intern(KEY_CMP);
    let slf = vm.arg(a, 0);
    let cmp = if slf.is_obj() && object::kind(slf.as_obj()) == Kind::Instance {
        vm.inst_get(slf.as_obj(), cs)
    } else {
        None
    };
    let Some(cmp) = cmp else {
        return Err(vm.type_error("descriptor '__call__' requires a 'functools.KeyWrapper' object"));
    };
    new_key(vm, vm.type_of(slf), cmp, obj)
}

/// `cmp(self.obj, other.obj) <op> 0`; `other` must be a wrapper too.
fn key_compare<H: Heap>(vm: &mut Vm<H>, a: Args, op: CmpOp, name: &str) -> PyResult {
    vm.check_args(a, name, 2, 2)?;
    let (slf, other) = (vm.arg(a, 0), vm.arg(a, 1));
    if vm.type_of(other) != vm.type_of(slf)
        || !(slf.is_obj() && object::kind(slf.as_obj()) == Kind::Instance)
    {
        return Err(vm.type_error("other argument must be K instance"));
    }
    let (cs, os) = (vm.intern(KEY_CMP), vm.intern(KEY_OBJ));
    let cmp = vm.inst_get(slf.as_obj(), cs).unwrap_or(Value::NONE);
    let x = vm.inst_get(slf.as_obj(), os).unwrap_or(Value::NONE);
    let y = vm.inst_get(other.as_obj(), os).unwrap_or(Value::NONE);
    let r = vm.call_values(cmp, &[x, y])?;
    vm.compare_op(op, r, Value::int(0))
}

/// Defines the rich comparisons of key wrappers.
macro_rules! key_compares {
    ($($fname:ident: $py:literal => $op:expr;)*) => {$(
        fn $fname<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
            key_compare(vm, a, $op, $py)
        }
    )*};
}

key_compares! {
    key_lt: "__lt__" => CmpOp::Lt;
    key_le: "__le__" => CmpOp::Le;
    key_eq: "__eq__" => CmpOp::Eq;
    key_ne: "__ne__" => CmpOp::Ne;
    key_gt: "__gt__" => CmpOp::Gt;
    key_ge: "__ge__" => CmpOp::Ge;
}

mod lru {
    //! `_lru_cache_wrapper(user_function, maxsize, typed, cache_info_type)`.

    use super::is_str;
    use crate::builtins::*;
    use crate::object::{self, Kind, field};
    use crate::value::Value;
    use crate::vm::{Args, NativeFn, PyResult, Vm};
    use gc_api::Heap;

    /// Instance attribute holding the state list.
    const STATE: &str = "_lru_cache_wrapper__state";
    // Indices into the state list.
    const FUNC: usize = 0;
    /// `None` (unbounded) or a non-negative int.
    const MAXSIZE: usize = 1;
    const TYPED: usize = 2;
    const INFO_TYPE: usize = 3;
    const CACHE: usize = 4;
    /// The sentinel link of the recency list (bounded caches).
    const ROOT: usize = 5;
    const HITS: usize = 6;
    const MISSES: usize = 7;
    /// Separates positional from keyword arguments in a key.
    const KWD_MARK: usize = 8;
    const NSTATE: usize = 9;
    // Indices into a link.
    const PREV: usize = 0;
    const NEXT: usize = 1;
    const KEY: usize = 2;
    const RESULT: usize = 3;

    /// Adds class `_lru_cache_wrapper` to the module rooted at `ms`.
    pub(super) fn init<H: Heap>(vm: &mut Vm<H>, ms: usize) -> PyResult<()> {
        vm.intern(STATE);
        let object = vm.class(T_OBJECT);
        let cls = vm.make_class("_lru_cache_wrapper", &[object], Value::NULL, "functools")?;
        let cs = vm.push(cls);
        let methods: &[(&'static str, NativeFn<H>)] = &[
            ("__new__", lru_new::<H>),
            ("__call__", lru_call::<H>),
            ("__get__", lru_get::<H>),
            ("cache_info", lru_cache_info::<H>),
            ("cache_clear", lru_cache_clear::<H>),
            ("__reduce__", lru_reduce::<H>),
            ("__copy__", lru_copy::<H>),
            ("__deepcopy__", lru_deepcopy::<H>),
        ];
        for &(n, f) in methods {
            let d = object::get(vm.st(cs).as_obj(), field::CLS_DICT);
            vm.def_fn(d, n, f);
        }
        vm.module_set(vm.st(ms), "_lru_cache_wrapper", vm.st(cs))?;
        vm.truncate(cs);
        Ok(())
    }

    /// A new empty recency list: a root link pointing at itself.
    fn new_root<H: Heap>(vm: &mut Vm<H>) -> PyResult {
        let mark = vm.rt.sp;
        for _ in 0..4 {
            vm.push(Value::NONE);
        }
        let root = vm.list_from_stack(mark, 4)?;
        vm.truncate(mark);
        vm.list_set(root, PREV, root);
        vm.list_set(root, NEXT, root);
        Ok(root)
    }

    fn lru_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
        if vm.nkw(a) > 0 || a.n != 5 {
            return Err(vm.type_error(
                "_lru_cache_wrapper() takes exactly 4 arguments (user_function, maxsize, typed, cache_info_type)",
            ));
        }
        if !vm.is_callable(vm.arg(a, 1)) {
            return Err(vm.type_error("the first argument must be callable"));
        }
        let m = vm.arg(a, 2);
        let maxsize = if m.is_none() {
            Value::NONE
        } else if crate::num::is_int(m) || vm.isinstance_idx(m, T_INT) {
            match vm.index_value(m)? {
                Some(n) => Value::int(n.max(0)),
                None => return Err(vm.type_error("maxsize should be integer or None")),
            }
        } else {
            return Err(vm.type_error("maxsize should be integer or None"));
        };
        let typed = vm.truthy(vm.arg(a, 3))?;
        let mark = vm.push(vm.arg(a, 1));
        vm.push(maxsize);
        vm.push(Value::bool(typed));
        vm.push(vm.arg(a, 4));
        let cache = vm.new_dict()?;
        vm.push(cache);
        let root = new_root(vm)?;
        vm.push(root);
        vm.push(Value::int(0));
        vm.push(Value::int(0));
        let mark_obj = vm.new_instance(vm.class(T_OBJECT))?;
        vm.push(mark_obj);
        let state = vm.list_from_stack(mark, NSTATE)?;
        vm.truncate(mark);
        let ss = vm.push(state);
        let o = vm.new_instance(vm.arg(a, 0))?;
        let os = vm.push(o);
        let sym = vm.intern(STATE);
        vm.inst_set(vm.st(os), sym, vm.st(ss))?;
        let o = vm.st(os);
        vm.truncate(ss);
        Ok(o)
    }

    /// The state list of wrapper `slf`.
    fn state_of<H: Heap>(vm: &mut Vm<H>, slf: Value, method: &str) -> PyResult<Value> {
        match vm.native_state(slf, STATE) {
            Some(s) => Ok(s),
            None => Err(vm.descriptor_error(method, "functools._lru_cache_wrapper", slf)),
        }
    }

    /// Adds one to counter `i` of the state list.
    fn bump<H: Heap>(vm: &mut Vm<H>, state: Value, i: usize) {
        let n = Vm::<H>::list_get(state, i).as_int();
        vm.list_set(state, i, Value::int(n + 1));
    }

    /// Is `v` exactly an int or a str (a key that is its own cache key)?
    fn is_fast_key(v: Value) -> bool {
        v.is_int() || (v.is_obj() && matches!(object::kind(v.as_obj()), Kind::BigInt | Kind::Str))
    }

    /// The cache key of a call (`functools._make_key`'s layout): the
    /// positional arguments, then a mark and the keyword names and values,
    /// then for a typed cache the argument types. A lone int or str
    /// argument of an untyped cache is its own key.
    fn make_key<H: Heap>(vm: &mut Vm<H>, a: Args, state_slot: usize) -> PyResult {
        let state = vm.st(state_slot);
        let typed = Vm::<H>::list_get(state, TYPED) == Value::TRUE;
        let nkw = vm.nkw(a);
        let n = a.n - 1;
        if !typed && nkw == 0 && n == 1 && is_fast_key(vm.arg(a, 1)) {
            return Ok(vm.arg(a, 1));
        }
        let mark = vm.rt.sp;
        for i in 1..a.n {
            vm.push(vm.arg(a, i));
        }
        if nkw > 0 {
            vm.push(Vm::<H>::list_get(vm.st(state_slot), KWD_MARK));
            for i in 0..nkw {
                let k = object::array_get(vm.kwnames(a).as_obj(), i);
                vm.push(k);
                vm.push(vm.st(a.base + a.n + i));
            }
        }
        if typed {
            for i in 1..a.n + nkw {
                vm.push(vm.type_of(vm.st(a.base + i)));
            }
        }
        let key = vm.tuple_from_stack(mark, vm.rt.sp - mark)?;
        vm.truncate(mark);
        Ok(key)
    }

    /// Calls the wrapped function with the call's own arguments.
    fn call_through<H: Heap>(vm: &mut Vm<H>, a: Args, state_slot: usize) -> PyResult {
        let nkw = vm.nkw(a);
        let mark = vm.push(Vm::<H>::list_get(vm.st(state_slot), FUNC));
        for i in 1..a.n + nkw {
            vm.push(vm.st(a.base + i));
        }
        let args = Args {
            base: mark + 1,
            n: a.n - 1,
            kw: if nkw > 0 { a.kw } else { Args::NO_KW },
        };
        let r = vm.call(vm.st(mark), args);
        vm.truncate(mark);
        r
    }

    /// Takes `link` out of the recency list.
    fn unlink<H: Heap>(vm: &mut Vm<H>, link: Value) {
        let (p, n) = (Vm::<H>::list_get(link, PREV), Vm::<H>::list_get(link, NEXT));
        vm.list_set(p, NEXT, n);
        vm.list_set(n, PREV, p);
    }

    /// Puts `link` at the most-recent end of the recency list.
    fn append<H: Heap>(vm: &mut Vm<H>, root: Value, link: Value) {
        let last = Vm::<H>::list_get(root, PREV);
        vm.list_set(last, NEXT, link);
        vm.list_set(link, PREV, last);
        vm.list_set(link, NEXT, root);
        vm.list_set(root, PREV, link);
    }

    fn lru_call<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
        if a.n == 0 {
            return Err(vm.type_error("descriptor '__call__' needs an argument"));
        }
        let state = state_of(vm, vm.arg(a, 0), "__call__")?;
        let ss = vm.push(state);
        let maxsize = Vm::<H>::list_get(state, MAXSIZE);
        if maxsize == Value::int(0) {
            bump(vm, state, MISSES);
            let r = call_through(vm, a, ss);
            vm.truncate(ss);
            return r;
        }
        let key = make_key(vm, a, ss)?;
        let ks = vm.push(key);
        let cache = Vm::<H>::list_get(vm.st(ss), CACHE);
        let found = vm.dict_get_item(cache, vm.st(ks))?;
        if let Some(hit) = found {
            bump(vm, vm.st(ss), HITS);
            let r = if maxsize.is_none() {
                hit
            } else {
                let root = Vm::<H>::list_get(vm.st(ss), ROOT);
                unlink(vm, hit);
                append(vm, root, hit);
                Vm::<H>::list_get(hit, RESULT)
            };
            vm.truncate(ss);
            return Ok(r);
        }
        bump(vm, vm.st(ss), MISSES);
        let r = call_through(vm, a, ss)?;
        let rs = vm.push(r);
        // The call may have cleared the cache or filled this key itself.
        let cache = Vm::<H>::list_get(vm.st(ss), CACHE);
        if maxsize.is_none() {
            vm.dict_set_item(cache, vm.st(ks), vm.st(rs))?;
        } else if vm.dict_get_item(cache, vm.st(ks))?.is_none() {
            let cache = Vm::<H>::list_get(vm.st(ss), CACHE);
            if Vm::<H>::dict_len(cache) >= maxsize.as_int() as usize {
                let root = Vm::<H>::list_get(vm.st(ss), ROOT);
                let oldest = Vm::<H>::list_get(root, NEXT);
                let os = vm.push(oldest);
                unlink(vm, oldest);
                let cache = Vm::<H>::list_get(vm.st(ss), CACHE);
                vm.dict_del_item(cache, Vm::<H>::list_get(vm.st(os), KEY))?;
                vm.truncate(os);
            }
            let root = Vm::<H>::list_get(vm.st(ss), ROOT);
            let ls = vm.push(root);
            vm.push(root);
            vm.push(vm.st(ks));
            vm.push(vm.st(rs));
            let link = vm.list_from_stack(ls, 4)?;
            vm.set_st(ls, link);
            let root = Vm::<H>::list_get(vm.st(ss), ROOT);
            append(vm, root, link);
            let cache = Vm::<H>::list_get(vm.st(ss), CACHE);
            vm.dict_set_item(cache, vm.st(ks), vm.st(ls))?;
        }
        let r = vm.st(rs);
        vm.truncate(ss);
        Ok(r)
    }

    /// `__get__(obj, type)`: bound to `obj` like a function.
    fn lru_get<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
        vm.check_args(a, "__get__", 2, 3)?;
        let obj = vm.arg(a, 1);
        if obj.is_none() {
            return Ok(vm.arg(a, 0));
        }
        vm.new_bound(vm.arg(a, 0), obj)
    }

    fn lru_cache_info<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
        vm.check_args(a, "cache_info", 1, 1)?;
        let state = state_of(vm, vm.arg(a, 0), "cache_info")?;
        let cache = Vm::<H>::list_get(state, CACHE);
        let vals = [
            Vm::<H>::list_get(state, HITS),
            Vm::<H>::list_get(state, MISSES),
            Vm::<H>::list_get(state, MAXSIZE),
            Value::int(Vm::<H>::dict_len(cache) as i64),
        ];
        vm.call_values(Vm::<H>::list_get(state, INFO_TYPE), &vals)
    }

    fn lru_cache_clear<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
        vm.check_args(a, "cache_clear", 1, 1)?;
        let state = state_of(vm, vm.arg(a, 0), "cache_clear")?;
        let ss = vm.push(state);
        let d = vm.new_dict()?;
        vm.list_set(vm.st(ss), CACHE, d);
        let root = new_root(vm)?;
        vm.list_set(vm.st(ss), ROOT, root);
        vm.list_set(vm.st(ss), HITS, Value::int(0));
        vm.list_set(vm.st(ss), MISSES, Value::int(0));
        vm.truncate(ss);
        Ok(Value::NONE)
    }

    /// Pickled by reference, as its qualified name.
    fn lru_reduce<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
        vm.check_args(a, "__reduce__", 1, 1)?;
        let sym = vm.intern("__qualname__");
        let q = vm.getattr(vm.arg(a, 0), sym)?;
        if !is_str(q) {
            return Err(vm.type_error("__qualname__ must be a str"));
        }
        Ok(q)
    }

    fn lru_copy<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
        vm.check_args(a, "__copy__", 1, 1)?;
        Ok(vm.arg(a, 0))
    }

    fn lru_deepcopy<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
        vm.check_args(a, "__deepcopy__", 2, 2)?;
        Ok(vm.arg(a, 0))
    }
}
