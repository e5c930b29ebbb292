//! `_abc`: the C half of `abc` (`ABCMeta`'s registry, caches and subclass
//! checks), with CPython 3.11's algorithm from `Modules/_abc.c`.
//!
//! Without it `abc` falls back on `_py_abc`, which is correct but slow and,
//! worse, visible: its checks run as Python frames of module `_py_abc`, and
//! `typing` decides whether a protocol check comes from the ABC machinery
//! by looking at the caller's module name (`sys._getframe(n)` must land in
//! `abc`). Native checks add no frames, as in CPython.
//!
//! Each ABC carries an `_abc_impl` object (class `_abc._abc_data`) with
//! three sets, the registry, the positive cache and the negative cache, and
//! the invalidation token the negative cache was filled under. CPython
//! keeps weak references in these sets so classes can die; heaplab's
//! classes are immortal metadata (`make_class` allocates them immortal),
//! so the sets hold classes directly and nothing is kept alive that would
//! not be anyway.

use crate::builtins::*;
use crate::object::{self, Kind, field};
use crate::value::Value;
use crate::vm::{Args, NativeFn, PyResult, Vm};
use crate::weakref::FLAVOUR_REF;
use gc_api::Heap;
use std::sync::atomic::{AtomicI64, Ordering};

/// The module names this file provides.
pub const MODULES: &[&str] = &["_abc"];

/// Frozen Python source this file adds (name, source).
pub const FROZEN: &[(&str, &str)] = &[];

/// CPython's `abc_invalidation_counter`: bumped by every `register`, so a
/// negative cache filled before it is stale. Process-wide, as in CPython.
static INVALIDATION_COUNTER: AtomicI64 = AtomicI64::new(0);

/// Attribute names of an `_abc_data` object.
const REGISTRY: &str = "_abc_registry";
const CACHE: &str = "_abc_cache";
const NEGATIVE_CACHE: &str = "_abc_negative_cache";
const NEGATIVE_VERSION: &str = "_abc_negative_cache_version";

/// Fills in module `name`, rooted at stack slot `ms`.
pub(crate) fn init<H: Heap>(vm: &mut Vm<H>, _name: &str, ms: usize) -> PyResult<()> {
    let fns: &[(&'static str, NativeFn<H>)] = &[
        ("get_cache_token", get_cache_token::<H>),
        ("_abc_init", abc_init::<H>),
        ("_abc_register", abc_register::<H>),
        ("_abc_instancecheck", abc_instancecheck::<H>),
        ("_abc_subclasscheck", abc_subclasscheck::<H>),
        ("_get_dump", get_dump::<H>),
        ("_reset_registry", reset_registry::<H>),
        ("_reset_caches", reset_caches::<H>),
    ];
    for &(n, f) in fns {
        vm.module_fn(ms, n, f)?;
    }
    // Intern every name this module looks up now, so that no lookup
    // allocates (and moves objects) later.
    for name in [
        REGISTRY,
        CACHE,
        NEGATIVE_CACHE,
        NEGATIVE_VERSION,
        "_abc_impl",
        "__abstractmethods__",
        "__isabstractmethod__",
        "__abc_tpflags__",
        "__subclasscheck__",
        "__subclasshook__",
        "__subclasses__",
    ] {
        vm.intern(name);
    }
    let object = vm.class(T_OBJECT);
    let data = vm.make_class("_abc_data", &[object], Value::NULL, "_abc")?;
    vm.module_set(vm.st(ms), "_abc_data", data)?;
    Ok(())
}

/// `get_cache_token()`: the current invalidation token.
fn get_cache_token<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "get_cache_token", 0, 0)?;
    Ok(Value::int(INVALIDATION_COUNTER.load(Ordering::Relaxed)))
}

/// `getattr(obj, name, None)`: absent (or raising AttributeError) is `None`.
fn attr_or_none<H: Heap>(vm: &mut Vm<H>, obj: Value, name: &str) -> PyResult<Option<Value>> {
    // Interning a new name allocates: root `obj` across it.
    let mark = vm.push(obj);
    let sym = vm.intern(name);
    let obj = vm.st(mark);
    vm.truncate(mark);
    match vm.getattr_opt(obj, sym) {
        Ok(v) => Ok(v),
        Err(e) => {
            if vm.isinstance_idx(vm.rt.exc, T_ATTRIBUTE_ERROR) {
                vm.rt.exc = Value::NULL;
                Ok(None)
            } else {
                Err(e)
            }
        }
    }
}

/// `getattr(v, "__isabstractmethod__", False)`, truth-tested.
fn is_abstract<H: Heap>(vm: &mut Vm<H>, v: Value) -> PyResult<bool> {
    match attr_or_none(vm, v, "__isabstractmethod__")? {
        Some(flag) => vm.truthy(flag),
        None => Ok(false),
    }
}

/// `_abc_init(cls)`: computes `cls.__abstractmethods__` and gives `cls` a
/// fresh `_abc_impl`.
fn abc_init<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "_abc_init", 1, 1)?;
    let cs = a.base;
    compute_abstract_methods(vm, cs)?;
    let sym = vm.intern("_abc_impl");
    let data = new_data(vm)?;
    vm.setattr(vm.st(cs), sym, data)?;
    // `__abc_tpflags__` (collections.abc's sequence/mapping marks for
    // pattern matching) is consumed and removed, as CPython does.
    if vm.is_class(vm.st(cs)) {
        let k = vm.sym_str("__abc_tpflags__");
        let d = object::get(vm.st(cs).as_obj(), field::CLS_DICT);
        vm.dict_del_item(d, k)?;
    }
    Ok(Value::NONE)
}

/// Sets `cls.__abstractmethods__` (class rooted at `cs`): the names whose
/// values in its own dict are abstract, and the names abstract in a base
/// that are still abstract as seen from `cls`.
fn compute_abstract_methods<H: Heap>(vm: &mut Vm<H>, cs: usize) -> PyResult<()> {
    let abstracts = vm.new_set(Kind::Set)?;
    let abs = vm.push(abstracts);
    // The class's own names, snapshotted first: the checks below run
    // Python code that may change the dict.
    let d = object::get(vm.st(cs).as_obj(), field::CLS_DICT);
    let ds = vm.push(d);
    let keys = vm.rt.sp;
    for i in 0..Vm::<H>::dict_used(d) {
        let (k, _) = Vm::<H>::dict_entry(d, i);
        if !(k.is_null() || k == Value::DUMMY) {
            vm.push(k);
        }
    }
    for ks in keys..vm.rt.sp {
        if let Some(value) = vm.dict_get_item(vm.st(ds), vm.st(ks))?
            && is_abstract(vm, value)?
        {
            vm.set_add(vm.st(abs), vm.st(ks))?;
        }
    }
    vm.truncate(ds);
    // Names abstract in a base stay abstract unless `cls` overrides them.
    let bases = object::get(vm.st(cs).as_obj(), field::CLS_BASES);
    let bs = vm.push(bases);
    for i in 0..object::array_len(bases.as_obj()) {
        let base = object::array_get(vm.st(bs).as_obj(), i);
        let Some(names) = attr_or_none(vm, base, "__abstractmethods__")? else {
            continue;
        };
        let it = vm.get_iter(names)?;
        let it_slot = vm.push(it);
        while let Some(name) = vm.iter_next(it_slot)? {
            let ns = vm.push(name);
            if name.is_obj() && object::kind(name.as_obj()) == Kind::Str {
                let n = object::str_of(name.as_obj()).to_string();
                if let Some(value) = attr_or_none(vm, vm.st(cs), &n)?
                    && is_abstract(vm, value)?
                {
                    vm.set_add(vm.st(abs), vm.st(ns))?;
                }
            }
            vm.truncate(ns);
        }
        vm.truncate(it_slot);
    }
    let frozen = vm.new_set(Kind::FrozenSet)?;
    let fs = vm.push(frozen);
    vm.set_update(vm.st(fs), vm.st(abs))?;
    let sym = vm.intern("__abstractmethods__");
    vm.setattr(vm.st(cs), sym, vm.st(fs))?;
    vm.truncate(abs);
    Ok(())
}

/// A new `_abc_data`: empty registry and caches, negative cache filled
/// under the current token.
fn new_data<H: Heap>(vm: &mut Vm<H>) -> PyResult {
    let sym = vm.intern("_abc_data");
    let module = vm.import_module("_abc")?;
    let cls = vm.getattr(module, sym)?;
    let data = vm.new_instance(cls)?;
    let dslot = vm.push(data);
    for name in [REGISTRY, CACHE, NEGATIVE_CACHE] {
        let sym = vm.intern(name);
        let set = vm.new_set(Kind::Set)?;
        vm.inst_set(vm.st(dslot), sym, set)?;
    }
    let token = Value::int(INVALIDATION_COUNTER.load(Ordering::Relaxed));
    let sym = vm.intern(NEGATIVE_VERSION);
    vm.inst_set(vm.st(dslot), sym, token)?;
    let data = vm.st(dslot);
    vm.truncate(dslot);
    Ok(data)
}

/// `cls._abc_impl` (found along the MRO), checked to be an `_abc_data`.
fn data_of<H: Heap>(vm: &mut Vm<H>, cls: Value) -> PyResult {
    let (sym, reg) = (vm.intern("_abc_impl"), vm.intern(REGISTRY));
    let data = vm.getattr(cls, sym)?;
    if !(data.is_obj()
        && object::kind(data.as_obj()) == Kind::Instance
        && vm.inst_get(data.as_obj(), reg).is_some())
    {
        return Err(vm.type_error("_abc_impl is set to a wrong type"));
    }
    Ok(data)
}

/// One of the sets of the `_abc_data` rooted at `ds`.
fn data_set<H: Heap>(vm: &mut Vm<H>, ds: usize, name: &str) -> PyResult {
    let sym = vm.intern(name);
    match vm.inst_get(vm.st(ds).as_obj(), sym) {
        Some(s) if s.is_obj() && object::kind(s.as_obj()) == Kind::Set => Ok(s),
        _ => Err(vm.type_error("_abc_impl is set to a wrong type")),
    }
}

/// `_abc_register(cls, subclass)`: `cls.register(subclass)`.
fn abc_register<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "_abc_register", 2, 2)?;
    let (cs, ss) = (a.base, a.base + 1);
    if !vm.is_class(vm.st(ss)) {
        return Err(vm.type_error("Can only register classes"));
    }
    if vm.issubclass_hook(vm.st(ss), vm.st(cs))? {
        return Ok(vm.st(ss)); // Already a subclass.
    }
    // Subtle: test for cycles *after* testing for "already a subclass";
    // this means we allow X.register(X) and interpret it as a no-op.
    if vm.issubclass_hook(vm.st(cs), vm.st(ss))? {
        return Err(vm.raise_msg(T_RUNTIME_ERROR, "Refusing to create an inheritance cycle"));
    }
    let data = data_of(vm, vm.st(cs))?;
    let ds = vm.push(data);
    let registry = data_set(vm, ds, REGISTRY)?;
    vm.set_add(registry, vm.st(ss))?;
    vm.truncate(ds);
    // Invalidate negative caches everywhere.
    INVALIDATION_COUNTER.fetch_add(1, Ordering::Relaxed);
    Ok(vm.st(ss))
}

/// `_abc_instancecheck(cls, instance)`: `isinstance(instance, cls)`.
fn abc_instancecheck<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "_abc_instancecheck", 2, 2)?;
    let (cs, is) = (a.base, a.base + 1);
    let data = data_of(vm, vm.st(cs))?;
    let ds = vm.push(data);
    let r = instancecheck(vm, cs, is, ds);
    vm.truncate(ds);
    r
}

fn instancecheck<H: Heap>(vm: &mut Vm<H>, cs: usize, is: usize, ds: usize) -> PyResult {
    let csym = vm.intern("__class__");
    let subclass = vm.getattr(vm.st(is), csym)?;
    let subs = vm.push(subclass);
    // Inline the cache checking.
    let cache = data_set(vm, ds, CACHE)?;
    if vm.set_contains(cache, vm.st(subs))? {
        return Ok(Value::TRUE);
    }
    let subtype = vm.type_of(vm.st(is));
    let subts = vm.push(subtype);
    if vm.st(subts) == vm.st(subs) {
        let negative = data_set(vm, ds, NEGATIVE_CACHE)?;
        if negative_version(vm, ds) == INVALIDATION_COUNTER.load(Ordering::Relaxed)
            && vm.set_contains(negative, vm.st(subs))?
        {
            return Ok(Value::FALSE);
        }
        // Fall back to the subclass check.
        return call_subclasscheck(vm, cs, vm.st(subs));
    }
    for slot in [subs, subts] {
        let r = call_subclasscheck(vm, cs, vm.st(slot))?;
        let rs = vm.push(r);
        if vm.truthy(vm.st(rs))? {
            return Ok(vm.st(rs));
        }
        vm.truncate(rs);
    }
    Ok(Value::FALSE)
}

/// `cls.__subclasscheck__(c)`, `cls` rooted at `cs`.
fn call_subclasscheck<H: Heap>(vm: &mut Vm<H>, cs: usize, c: Value) -> PyResult {
    let mark = vm.push(c);
    let sym = vm.intern("__subclasscheck__");
    let f = vm.getattr(vm.st(cs), sym)?;
    let r = vm.call_values(f, &[vm.st(mark)]);
    vm.truncate(mark);
    r
}

/// The token the negative cache of the `_abc_data` at `ds` was filled under.
fn negative_version<H: Heap>(vm: &mut Vm<H>, ds: usize) -> i64 {
    let sym = vm.intern(NEGATIVE_VERSION);
    vm.inst_get(vm.st(ds).as_obj(), sym)
        .and_then(|v| v.to_int())
        .unwrap_or(-1)
}

/// `_abc_subclasscheck(cls, subclass)`: `issubclass(subclass, cls)`.
fn abc_subclasscheck<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "_abc_subclasscheck", 2, 2)?;
    let (cs, ss) = (a.base, a.base + 1);
    if !vm.is_class(vm.st(ss)) {
        return Err(vm.type_error("issubclass() arg 1 must be a class"));
    }
    let data = data_of(vm, vm.st(cs))?;
    let ds = vm.push(data);
    let r = subclasscheck(vm, cs, ss, ds);
    vm.truncate(ds);
    r.map(Value::bool)
}

fn subclasscheck<H: Heap>(vm: &mut Vm<H>, cs: usize, ss: usize, ds: usize) -> PyResult<bool> {
    // 1. Check the cache.
    let cache = data_set(vm, ds, CACHE)?;
    if vm.set_contains(cache, vm.st(ss))? {
        return Ok(true);
    }
    // 2. Check the negative cache; may have to invalidate.
    let token = INVALIDATION_COUNTER.load(Ordering::Relaxed);
    if negative_version(vm, ds) < token {
        let sym = vm.intern(NEGATIVE_CACHE);
        let fresh = vm.new_set(Kind::Set)?;
        vm.inst_set(vm.st(ds), sym, fresh)?;
        let sym = vm.intern(NEGATIVE_VERSION);
        vm.inst_set(vm.st(ds), sym, Value::int(token))?;
    } else {
        let negative = data_set(vm, ds, NEGATIVE_CACHE)?;
        if vm.set_contains(negative, vm.st(ss))? {
            return Ok(false);
        }
    }
    // 3. Check the subclass hook.
    let sym = vm.intern("__subclasshook__");
    let hook = vm.getattr(vm.st(cs), sym)?;
    let ok = vm.call_values(hook, &[vm.st(ss)])?;
    if ok == Value::TRUE || ok == Value::FALSE {
        let which = if ok == Value::TRUE {
            CACHE
        } else {
            NEGATIVE_CACHE
        };
        let set = data_set(vm, ds, which)?;
        vm.set_add(set, vm.st(ss))?;
        return Ok(ok == Value::TRUE);
    }
    if ok != Value::NOT_IMPLEMENTED {
        return Err(vm.raise_msg(
            T_ASSERTION_ERROR,
            "__subclasshook__ must return either False, True, or NotImplemented",
        ));
    }
    // 4. Check if it's a direct subclass.
    let mro = object::get(vm.st(ss).as_obj(), field::CLS_MRO);
    if object::items(mro.as_obj()).contains(&vm.st(cs)) {
        return remember(vm, ds, ss, CACHE, true);
    }
    // 5. Check if it's a subclass of a registered class (recursive); one
    // registered directly is answered without caching, as CPython does.
    let registry = data_set(vm, ds, REGISTRY)?;
    if vm.set_contains(registry, vm.st(ss))? {
        return Ok(true);
    }
    let registry = data_set(vm, ds, REGISTRY)?;
    if subclass_of_any(vm, ss, registry)? {
        return remember(vm, ds, ss, CACHE, true);
    }
    // 6. Check if it's a subclass of a subclass (recursive).
    let sym = vm.intern("__subclasses__");
    let f = vm.getattr(vm.st(cs), sym)?;
    let subclasses = vm.call_values(f, &[])?;
    if !(subclasses.is_obj() && object::kind(subclasses.as_obj()) == Kind::List) {
        return Err(vm.type_error("__subclasses__() must return a list"));
    }
    if subclass_of_any(vm, ss, subclasses)? {
        return remember(vm, ds, ss, CACHE, true);
    }
    // No dice; update negative cache.
    remember(vm, ds, ss, NEGATIVE_CACHE, false)
}

/// Adds the class at `ss` to cache `which` of the data at `ds`; `answer`.
fn remember<H: Heap>(
    vm: &mut Vm<H>,
    ds: usize,
    ss: usize,
    which: &str,
    answer: bool,
) -> PyResult<bool> {
    let set = data_set(vm, ds, which)?;
    vm.set_add(set, vm.st(ss))?;
    Ok(answer)
}

/// Is the class at `ss` a subclass (by `issubclass`, hooks honoured) of any
/// class in `classes` (a set or list, copied first: checks run Python)?
fn subclass_of_any<H: Heap>(vm: &mut Vm<H>, ss: usize, classes: Value) -> PyResult<bool> {
    let snapshot = crate::builtins::types::collect_list(vm, classes)?;
    let ls = vm.push(snapshot);
    let mut found = false;
    let mut i = 0;
    while i < Vm::<H>::list_len(vm.st(ls)) {
        let c = Vm::<H>::list_get(vm.st(ls), i);
        if vm.issubclass_hook(vm.st(ss), c)? {
            found = true;
            break;
        }
        i += 1;
    }
    vm.truncate(ls);
    Ok(found)
}

/// `_get_dump(cls)`: `(registry, cache, negative_cache, token)` for
/// `ABCMeta._dump_registry`, the sets as sets of weak references, as
/// CPython gives them.
fn get_dump<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "_get_dump", 1, 1)?;
    let data = data_of(vm, vm.arg(a, 0))?;
    let ds = vm.push(data);
    let out = vm.rt.sp;
    for name in [REGISTRY, CACHE, NEGATIVE_CACHE] {
        let copy = vm.new_set(Kind::Set)?;
        let cs = vm.push(copy);
        let set = data_set(vm, ds, name)?;
        let members = vm.rt.sp;
        for i in 0..Vm::<H>::set_slots(set) {
            let k = Vm::<H>::set_key_at(set, i);
            if !(k.is_null() || k == Value::DUMMY) {
                vm.push(k);
            }
        }
        for m in members..vm.rt.sp {
            let r = vm.new_weakref(Value::NULL, vm.st(m), Value::NONE, FLAVOUR_REF)?;
            vm.set_add(vm.st(cs), r)?;
        }
        vm.truncate(members);
    }
    let token = negative_version(vm, ds);
    vm.push(Value::int(token));
    let t = vm.tuple_from_stack(out, 4)?;
    vm.truncate(ds);
    Ok(t)
}

/// `_reset_registry(cls)`: empties the registry.
fn reset_registry<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "_reset_registry", 1, 1)?;
    replace_sets(vm, vm.arg(a, 0), &[REGISTRY])
}

/// `_reset_caches(cls)`: empties both caches.
fn reset_caches<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "_reset_caches", 1, 1)?;
    replace_sets(vm, vm.arg(a, 0), &[CACHE, NEGATIVE_CACHE])
}

/// Gives `cls._abc_impl` fresh empty sets for `names`.
fn replace_sets<H: Heap>(vm: &mut Vm<H>, cls: Value, names: &[&str]) -> PyResult {
    let data = data_of(vm, cls)?;
    let ds = vm.push(data);
    for name in names {
        let sym = vm.intern(name);
        let fresh = vm.new_set(Kind::Set)?;
        vm.inst_set(vm.st(ds), sym, fresh)?;
    }
    vm.truncate(ds);
    Ok(Value::NONE)
}
