//! Weak references: `weakref.ReferenceType` (`ref`), `ProxyType`,
//! `CallableProxyType` and the native `_weakref` module that CPython's
//! pure-Python `weakref.py` and `_weakrefset.py` build on.
//!
//! A weakref object holds its referent's address in an unscanned word; the
//! reaper (`crate::reaper`) clears or forwards it at every collection, so
//! the word is either 0 (cleared) or the referent's current address.
//! Subclasses of `ref` (`KeyedRef`, `WeakMethod`) are weakref objects whose
//! class word names the Python class; their attributes live in a dict.

use crate::builtins::*;
use crate::object::{self, Kind, field};
use crate::value::Value;
use crate::vm::{Args, PyResult, Vm};
use gc_api::{Heap, ObjectRef};

/// `WR_KIND` flavours.
pub const FLAVOUR_REF: usize = 0;
/// `weakref.proxy` of a non-callable referent.
pub const FLAVOUR_PROXY: usize = 1;
/// `weakref.proxy` of a callable referent.
pub const FLAVOUR_CALLABLE_PROXY: usize = 2;
const FLAVOUR_MASK: usize = 3;
/// `WR_KIND` bit: `WR_HASH` holds the cached hash (R15).
const HASHED: usize = 4;
/// `WR_KIND` bit set by the reaper: the weakref is a member of a unit whose
/// processing has started, so it is dead (its callback never runs) until
/// that unit is reclaimed or the weakref is found resurrected.
pub const DEAD: usize = 8;

/// The live referent of weakref `w`, or `None` once cleared.
#[inline]
pub fn referent(w: ObjectRef) -> Option<Value> {
    let x = object::word(w, field::WR_REFERENT);
    (x != 0).then_some(Value(x as u64))
}

fn flavour(w: ObjectRef) -> usize {
    object::word(w, field::WR_KIND) & FLAVOUR_MASK
}

/// Is `v` a weakref object (any flavour, any subclass)?
pub fn is_weakref(v: Value) -> bool {
    v.is_obj() && object::kind(v.as_obj()) == Kind::WeakRef
}

/// Is `v` a proxy (either proxy type)?
pub fn is_proxy(v: Value) -> bool {
    is_weakref(v) && flavour(v.as_obj()) != FLAVOUR_REF
}

impl<H: Heap> Vm<H> {
    /// Can `v` be weakly referenced? As in CPython: instances, classes,
    /// functions, methods, sets, modules, generators and `ref` subclasses,
    /// but not ints, strs, tuples, lists, dicts or plain weakrefs.
    fn weakrefable(&self, v: Value) -> bool {
        if !v.is_obj() {
            return false;
        }
        let o = v.as_obj();
        match object::kind(o) {
            Kind::Instance
            | Kind::Class
            | Kind::Function
            | Kind::Builtin
            | Kind::BoundMethod
            | Kind::Set
            | Kind::FrozenSet
            | Kind::Module
            | Kind::Generator
            | Kind::Property => true,
            Kind::WeakRef => !object::get(o, field::WR_CLASS).is_null(),
            _ => false,
        }
    }

    /// A new weakref of `flavour` to `x` with `callback` (None for none),
    /// of class `cls` (NULL for the builtin type). A callback-less builtin
    /// ref or proxy is shared with an existing one (R15 allows it; CPython
    /// and PyPy do it).
    pub fn new_weakref(
        &mut self,
        cls: Value,
        x: Value,
        callback: Value,
        flavour: usize,
    ) -> PyResult {
        if !self.weakrefable(x) {
            let msg = format!(
                "cannot create weak reference to '{}' object",
                self.type_name(x)
            );
            return Err(self.type_error(&msg));
        }
        let callback = if callback.is_none() {
            Value::NULL
        } else {
            callback
        };
        if callback.is_null() && cls.is_null() {
            for &w in self.rt.reaper.weakrefs_to(x.as_obj()) {
                let w = ObjectRef::from_addr(w).expect("weakref address");
                if object::get(w, field::WR_CALLBACK).is_null()
                    && object::get(w, field::WR_CLASS).is_null()
                    && self::flavour(w) == flavour
                    && referent(w) == Some(x)
                {
                    return Ok(Value::obj(w));
                }
            }
        }
        let mark = self.push(x);
        self.push(callback);
        self.push(cls);
        let w = self.alloc_fixed(Kind::WeakRef)?;
        let x = self.st(mark);
        object::init(w, field::WR_CALLBACK, self.st(mark + 1));
        object::init(w, field::WR_CLASS, self.st(mark + 2));
        object::set_word(w, field::WR_REFERENT, x.0 as usize);
        object::set_word(w, field::WR_KIND, flavour);
        object::set_flags(x.as_obj(), object::FLAG_HAS_WEAKREFS);
        self.rt.reaper.register_weakref(w, x.as_obj());
        self.truncate(mark);
        Ok(Value::obj(w))
    }

    /// The referent of proxy `p`, or `ReferenceError` once it is gone (R11).
    pub fn proxy_target(&mut self, p: Value) -> PyResult {
        match referent(p.as_obj()) {
            Some(x) => Ok(x),
            None => Err(self.raise_msg(
                T_REFERENCE_ERROR,
                "weakly-referenced object no longer exists",
            )),
        }
    }

    /// `hash(w)` (R15): the referent's hash, computed once while it lives.
    pub fn weakref_hash(&mut self, w: Value) -> PyResult<i64> {
        let o = w.as_obj();
        if flavour(o) != FLAVOUR_REF {
            let msg = format!("unhashable type: '{}'", self.type_name(w));
            return Err(self.type_error(&msg));
        }
        // A subclass may define its own __hash__ (WeakMethod does).
        let cls = object::get(o, field::WR_CLASS);
        if !cls.is_null() {
            let hs = self.intern("__hash__");
            if let Some(h) = self.class_lookup(cls, hs)
                && object::kind(h.as_obj()) == Kind::Function
            {
                let r = self.call_values(h, &[w])?;
                return self.hash(r);
            }
        }
        let kind = object::word(o, field::WR_KIND);
        if kind & HASHED != 0 {
            return Ok(object::word(o, field::WR_HASH) as i64);
        }
        let Some(x) = referent(o) else {
            return Err(self.type_error("weak object has gone away"));
        };
        let ws = self.push(w);
        let h = self.hash(x);
        let o = self.st(ws).as_obj();
        self.truncate(ws);
        let h = h?;
        object::set_word(o, field::WR_HASH, h as usize);
        object::set_word(o, field::WR_KIND, kind | HASHED);
        Ok(h)
    }

    /// `repr(w)`.
    pub fn weakref_repr(&mut self, w: Value) -> PyResult<String> {
        let o = w.as_obj();
        let id = self.identity(w);
        let what = if flavour(o) == FLAVOUR_REF {
            "weakref"
        } else {
            "weakproxy"
        };
        Ok(match referent(o) {
            None => format!("<{what} at {id:#x}; dead>"),
            Some(x) => {
                let xid = self.identity(x);
                format!(
                    "<{what} at {id:#x}; to '{}' at {xid:#x}>",
                    self.type_name(x)
                )
            }
        })
    }

    /// Attribute lookup on a weakref: proxies forward everything; refs have
    /// `__callback__` and, for subclass instances, their own attributes.
    pub fn weakref_getattr(&mut self, w: Value, name: u32) -> PyResult<Option<Value>> {
        let o = w.as_obj();
        if flavour(o) != FLAVOUR_REF {
            let x = self.proxy_target(w)?;
            return self.getattr_opt(x, name);
        }
        if self.interner.name(name) == "__callback__" {
            let cb = object::get(o, field::WR_CALLBACK);
            return Ok(Some(if cb.is_null() { Value::NONE } else { cb }));
        }
        let d = object::get(o, field::WR_DICT);
        if d.is_null() {
            return Ok(None);
        }
        let k = self.sym(name);
        Ok(self.dict_get_str(d, k))
    }

    /// Attribute store on a weakref (proxies forward; subclass instances
    /// keep a dict). `None` means "not handled here".
    pub fn weakref_setattr(&mut self, w: Value, name: u32, v: Value) -> PyResult<Option<()>> {
        let o = w.as_obj();
        if flavour(o) != FLAVOUR_REF {
            let mark = self.push(v);
            let x = match self.proxy_target(w) {
                Ok(x) => x,
                Err(e) => {
                    self.truncate(mark);
                    return Err(e);
                }
            };
            let v = self.st(mark);
            self.truncate(mark);
            return self.setattr(x, name, v).map(Some);
        }
        if object::get(o, field::WR_CLASS).is_null() {
            return Ok(None);
        }
        let mark = self.push(w);
        self.push(v);
        if object::get(o, field::WR_DICT).is_null() {
            let d = self.new_dict()?;
            let w = self.st(mark).as_obj();
            self.store(w, field::WR_DICT, d);
        }
        let d = object::get(self.st(mark).as_obj(), field::WR_DICT);
        let k = self.sym(name);
        let r = self.dict_set_item(d, k, self.st(mark + 1));
        self.truncate(mark);
        r.map(Some)
    }

    /// `del w.name` (proxies forward; subclass instances use their dict).
    pub fn weakref_delattr(&mut self, w: Value, name: u32) -> PyResult<bool> {
        let o = w.as_obj();
        if flavour(o) != FLAVOUR_REF {
            let x = self.proxy_target(w)?;
            self.delattr(x, name)?;
            return Ok(true);
        }
        let d = object::get(o, field::WR_DICT);
        if d.is_null() {
            return Ok(false);
        }
        let k = self.sym(name);
        self.dict_del_item(d, k)
    }

    /// Creates the `_weakref` module's contents in the module at `ms`.
    pub(crate) fn init_weakref(&mut self, ms: usize) -> PyResult<()> {
        let d = object::get(self.st(ms).as_obj(), field::MOD_DICT);
        let dm = self.push(d);
        self.def_fn(self.st(dm), "getweakrefcount", getweakrefcount::<H>);
        self.def_fn(self.st(dm), "getweakrefs", getweakrefs::<H>);
        self.def_fn(self.st(dm), "proxy", proxy_ctor::<H>);
        self.def_fn(
            self.st(dm),
            "_remove_dead_weakref",
            remove_dead_weakref::<H>,
        );
        for (name, t) in [
            ("ref", T_WEAKREF),
            ("ReferenceType", T_WEAKREF),
            ("ProxyType", T_WEAKPROXY),
            ("CallableProxyType", T_WEAKCALLABLEPROXY),
        ] {
            let k = self.sym_str(name);
            let c = self.class(t);
            self.dict_set_item(self.st(dm), k, c)?;
        }
        self.truncate(dm);
        Ok(())
    }
}

/// Installs the weakref types' methods (at boot).
pub(crate) fn install<H: Heap>(vm: &mut Vm<H>) -> PyResult<()> {
    let module = vm.new_str("weakref")?;
    for t in [T_WEAKREF, T_WEAKPROXY, T_WEAKCALLABLEPROXY] {
        let c = vm.class(t).as_obj();
        vm.store(c, field::CLS_MODULE, module);
    }
    crate::builtins::types::set_ctor(vm, T_WEAKREF, "ref", ref_ctor::<H>);
    vm.def_method(T_WEAKREF, "__new__", ref_new::<H>);
    vm.def_method(T_WEAKREF, "__init__", ref_init::<H>);
    vm.def_method(T_WEAKREF, "__call__", ref_call::<H>);
    vm.def_method(T_WEAKREF, "__eq__", ref_eq::<H>);
    vm.def_method(T_WEAKREF, "__ne__", ref_ne::<H>);
    vm.def_method(T_WEAKREF, "__hash__", ref_hash::<H>);
    vm.def_method(T_WEAKCALLABLEPROXY, "__call__", proxy_call::<H>);
    for t in [T_WEAKPROXY, T_WEAKCALLABLEPROXY] {
        vm.def_method(t, "__eq__", proxy_eq::<H>);
        vm.def_method(t, "__ne__", proxy_ne::<H>);
        vm.def_method(t, "__str__", proxy_str::<H>);
        vm.def_method(t, "__bool__", proxy_bool::<H>);
        vm.def_method(t, "__len__", proxy_len::<H>);
        vm.def_method(t, "__iter__", proxy_iter::<H>);
        vm.def_method(t, "__getitem__", proxy_getitem::<H>);
        vm.def_method(t, "__setitem__", proxy_setitem::<H>);
        vm.def_method(t, "__contains__", proxy_contains::<H>);
    }
    Ok(())
}

fn weakref_arg<H: Heap>(vm: &mut Vm<H>, a: Args, what: &str) -> PyResult<Value> {
    let w = if a.n > 0 { vm.arg(a, 0) } else { Value::NULL };
    if !is_weakref(w) {
        let msg = format!("descriptor '{what}' requires a weakref object");
        return Err(vm.type_error(&msg));
    }
    Ok(w)
}

/// `ref(x, callback=None)`.
fn ref_ctor<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "ref", 1, 2)?;
    let cb = if a.n > 1 { vm.arg(a, 1) } else { Value::NONE };
    vm.new_weakref(Value::NULL, vm.arg(a, 0), cb, FLAVOUR_REF)
}

/// `ref.__new__(cls, x, callback=None)`: also makes subclass instances.
fn ref_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    if a.n < 2 || a.n > 3 {
        return Err(vm.type_error("__new__ expected 2 or 3 arguments"));
    }
    let cls = vm.arg(a, 0);
    if !vm.is_class(cls) {
        return Err(vm.type_error("ref.__new__(X): X is not a type object"));
    }
    let cls = if cls == vm.class(T_WEAKREF) {
        Value::NULL
    } else {
        cls
    };
    let cb = if a.n > 2 { vm.arg(a, 2) } else { Value::NONE };
    vm.new_weakref(cls, vm.arg(a, 1), cb, FLAVOUR_REF)
}

fn ref_init<H: Heap>(_vm: &mut Vm<H>, _a: Args) -> PyResult {
    Ok(Value::NONE)
}

/// `w()`: the referent, or None once it is gone.
fn ref_call<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let w = weakref_arg(vm, a, "__call__")?;
    if a.n != 1 {
        let msg = format!("weakref() takes no arguments ({} given)", a.n - 1);
        return Err(vm.type_error(&msg));
    }
    Ok(referent(w.as_obj()).unwrap_or(Value::NONE))
}

fn ref_hash<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let w = weakref_arg(vm, a, "__hash__")?;
    let h = vm.weakref_hash(w)?;
    Ok(Value::int(h))
}

/// R15: referents compared while both live, identity otherwise.
fn ref_eq_bool<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult<Option<bool>> {
    let w = weakref_arg(vm, a, "__eq__")?;
    let other = vm.arg(a, 1);
    if !is_weakref(other) || is_proxy(other) {
        return Ok(None);
    }
    match (referent(w.as_obj()), referent(other.as_obj())) {
        (Some(x), Some(y)) => vm.eq(x, y).map(Some),
        _ => Ok(Some(w == other)),
    }
}

fn ref_eq<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__eq__", 2, 2)?;
    Ok(match ref_eq_bool(vm, a)? {
        Some(b) => Value::bool(b),
        None => Value::NOT_IMPLEMENTED,
    })
}

fn ref_ne<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__ne__", 2, 2)?;
    Ok(match ref_eq_bool(vm, a)? {
        Some(b) => Value::bool(!b),
        None => Value::NOT_IMPLEMENTED,
    })
}

/// `proxy(x, callback=None)`.
fn proxy_ctor<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "proxy", 1, 2)?;
    let x = vm.arg(a, 0);
    let cb = if a.n > 1 { vm.arg(a, 1) } else { Value::NONE };
    let callable = vm.is_callable(x);
    let flavour = if callable {
        FLAVOUR_CALLABLE_PROXY
    } else {
        FLAVOUR_PROXY
    };
    vm.new_weakref(Value::NULL, x, cb, flavour)
}

/// The proxy's referent and the remaining arguments, rooted on the stack.
fn proxy_args<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult<Args> {
    let p = vm.arg(a, 0);
    let x = vm.proxy_target(p)?;
    vm.set_st(a.base, x);
    Ok(a)
}

fn proxy_call<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let p = vm.arg(a, 0);
    let x = vm.proxy_target(p)?;
    let mark = vm.push(x);
    let args = Args {
        base: a.base + 1,
        n: a.n - 1,
        kw: a.kw,
    };
    let r = vm.call(x, args);
    vm.truncate(mark);
    r
}

fn proxy_unwrap<H: Heap>(vm: &mut Vm<H>, v: Value) -> PyResult {
    if is_proxy(v) {
        vm.proxy_target(v)
    } else {
        Ok(v)
    }
}

fn proxy_eq<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let a = proxy_args(vm, a)?;
    let y = proxy_unwrap(vm, vm.arg(a, 1))?;
    let r = vm.eq(vm.arg(a, 0), y)?;
    Ok(Value::bool(r))
}

fn proxy_ne<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let r = proxy_eq(vm, a)?;
    Ok(Value::bool(r != Value::TRUE))
}

fn proxy_str<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let a = proxy_args(vm, a)?;
    vm.to_str(vm.arg(a, 0))
}

fn proxy_bool<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let a = proxy_args(vm, a)?;
    vm.truthy(vm.arg(a, 0)).map(Value::bool)
}

fn proxy_len<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let a = proxy_args(vm, a)?;
    match vm.len_opt(vm.arg(a, 0))? {
        Some(n) => Ok(Value::int(n as i64)),
        None => Err(vm.type_error("object of type 'weakproxy' has no len()")),
    }
}

fn proxy_iter<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let a = proxy_args(vm, a)?;
    vm.get_iter(vm.arg(a, 0))
}

fn proxy_getitem<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let a = proxy_args(vm, a)?;
    vm.getitem(vm.arg(a, 0), vm.arg(a, 1))
}

fn proxy_setitem<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let a = proxy_args(vm, a)?;
    vm.setitem(vm.arg(a, 0), vm.arg(a, 1), vm.arg(a, 2))?;
    Ok(Value::NONE)
}

fn proxy_contains<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let a = proxy_args(vm, a)?;
    vm.contains(vm.arg(a, 0), vm.arg(a, 1)).map(Value::bool)
}

/// `getweakrefcount(x)`.
fn getweakrefcount<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "getweakrefcount", 1, 1)?;
    let x = vm.arg(a, 0);
    if !x.is_obj() {
        return Ok(Value::int(0));
    }
    let n = live_weakrefs(vm, x).len();
    Ok(Value::int(n as i64))
}

/// `getweakrefs(x)`: the weakrefs and proxies to `x`, oldest first.
fn getweakrefs<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "getweakrefs", 1, 1)?;
    let x = vm.arg(a, 0);
    let ws = if x.is_obj() {
        live_weakrefs(vm, x)
    } else {
        Vec::new()
    };
    // Weakref objects do not move before the list exists: root them all
    // first, then build the list from the stack.
    let mark = vm.rt.sp;
    for w in &ws {
        vm.push(*w);
    }
    let l = vm.new_list(ws.len())?;
    let ls = vm.push(l);
    for i in 0..ws.len() {
        let w = vm.st(mark + i);
        vm.list_append(vm.st(ls), w)?;
    }
    let l = vm.st(ls);
    vm.truncate(mark);
    Ok(l)
}

/// The registered weakrefs still referring to `x`.
fn live_weakrefs<H: Heap>(vm: &Vm<H>, x: Value) -> Vec<Value> {
    vm.rt
        .reaper
        .weakrefs_to(x.as_obj())
        .iter()
        .map(|&w| ObjectRef::from_addr(w).expect("weakref address"))
        .filter(|&w| referent(w) == Some(x))
        .map(Value::obj)
        .collect()
}

/// `_remove_dead_weakref(d, key)`: deletes `d[key]` if it is a dead weakref
/// (the atomic removal `WeakValueDictionary` callbacks use).
fn remove_dead_weakref<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "_remove_dead_weakref", 2, 2)?;
    let (d, k) = (vm.arg(a, 0), vm.arg(a, 1));
    if !(d.is_obj() && object::kind(d.as_obj()) == Kind::Dict) {
        return Err(vm.type_error("_remove_dead_weakref() argument 1 must be dict"));
    }
    if let Some(v) = vm.dict_get_item(d, k)?
        && is_weakref(v)
        && referent(v.as_obj()).is_none()
    {
        let (d, k) = (vm.arg(a, 0), vm.arg(a, 1));
        vm.dict_del_item(d, k)?;
    }
    Ok(Value::NONE)
}
