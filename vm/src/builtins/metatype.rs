//! Metaclasses: `type` as a subclassable class. A class object records its
//! metaclass (`CLS_META`, NULL for plain `type`); `type.__new__`,
//! `type.__init__` and `type.__call__` are real methods so a metaclass can
//! override them and reach them with `super()`; `isinstance`/`issubclass`
//! honour `__instancecheck__`/`__subclasscheck__`; `__subclasses__` and
//! `mro` are answered from the registry of all classes.

use super::*;
use crate::object::{self, Kind, field};
use crate::value::Value;
use crate::vm::{Args, PyResult, Vm};
use gc_api::Heap;

pub(super) fn install<H: Heap>(vm: &mut Vm<H>) -> PyResult<()> {
    // `type.__new__` is a static method (called as `type.__new__(mcls, ...)`
    // and through `super().__new__(mcls, ...)`).
    let idx = vm.register("__new__", type_dunder_new::<H>);
    let b = vm.new_builtin(idx, Value::NULL)?;
    let bs = vm.push(b);
    let sm = vm.alloc_fixed(Kind::StaticMethod)?;
    object::init(sm, 0, vm.st(bs));
    vm.truncate(bs);
    vm.def_class_attr(T_TYPE, "__new__", Value::obj(sm));
    vm.def_method(T_TYPE, "__init__", type_dunder_init::<H>);
    vm.def_method(T_TYPE, "__call__", type_dunder_call::<H>);
    vm.def_method(T_TYPE, "__subclasses__", type_subclasses::<H>);
    vm.def_classmethod(T_TYPE, "__prepare__", type_prepare::<H>);
    vm.def_method(T_TYPE, "mro", type_mro::<H>);
    vm.def_method(T_TYPE, "__instancecheck__", type_instancecheck::<H>);
    vm.def_method(T_TYPE, "__subclasscheck__", type_subclasscheck::<H>);
    vm.def_classmethod(T_OBJECT, "__subclasshook__", object_subclasshook::<H>);
    Ok(())
}

impl<H: Heap> Vm<H> {
    /// The metaclass of class `cls` (`type` unless it was made by a
    /// metaclass).
    pub fn metaclass_of(&self, cls: Value) -> Value {
        let m = object::get(cls.as_obj(), field::CLS_META);
        if m.is_null() { self.class(T_TYPE) } else { m }
    }

    /// The metaclass for a class statement: the explicit one (or `type`)
    /// refined to the most derived metaclass of the bases.
    pub fn derive_metaclass(&mut self, meta: Value, bases: &[Value]) -> PyResult {
        if !self.is_class(meta) {
            return Ok(meta);
        }
        let mut winner = meta;
        for &b in bases {
            if !self.is_class(b) {
                continue;
            }
            let bt = self.metaclass_of(b);
            if self.is_subclass(winner, bt) {
                continue;
            }
            if self.is_subclass(bt, winner) {
                winner = bt;
                continue;
            }
            return Err(self.type_error(
                "metaclass conflict: the metaclass of a derived class must be a (non-strict) \
                 subclass of the metaclasses of all its bases",
            ));
        }
        Ok(winner)
    }

    /// A metaclass hook (`__instancecheck__`, `__subclasscheck__`) defined
    /// by a metaclass other than `type` itself.
    fn meta_hook(&mut self, cls: Value, name: &str) -> Option<Value> {
        let m = object::get(cls.as_obj(), field::CLS_META);
        if m.is_null() {
            return None;
        }
        let sym = self.intern(name);
        let f = self.class_lookup(m, sym)?;
        // type's own (native) hooks are the default behaviour.
        if f.is_obj() && object::kind(f.as_obj()) == Kind::Builtin {
            return None;
        }
        Some(f)
    }

    /// `isinstance(v, cls)` for one class, honouring `__instancecheck__`.
    pub fn isinstance_hook(&mut self, v: Value, cls: Value) -> PyResult<bool> {
        if self.type_of(v) == cls {
            return Ok(true);
        }
        if let Some(f) = self.meta_hook(cls, "__instancecheck__") {
            let r = self.call_values(f, &[cls, v])?;
            return self.truthy(r);
        }
        Ok(self.isinstance(v, cls))
    }

    /// `issubclass(a, cls)` for one class, honouring `__subclasscheck__`.
    pub fn issubclass_hook(&mut self, a: Value, cls: Value) -> PyResult<bool> {
        if let Some(f) = self.meta_hook(cls, "__subclasscheck__") {
            let r = self.call_values(f, &[cls, a])?;
            return self.truthy(r);
        }
        if !self.is_class(a) {
            return Err(self.type_error("issubclass() arg 1 must be a class"));
        }
        Ok(self.is_subclass(a, cls))
    }
}

/// `type.__new__(mcls, name, bases, ns, **kw)`: a new class whose metaclass
/// is `mcls`.
fn type_dunder_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    if a.n == 0 || !vm.is_class(vm.arg(a, 0)) {
        return Err(vm.type_error("type.__new__(X): X is not a type object"));
    }
    let mcls = vm.arg(a, 0);
    if !vm.is_subclass(mcls, vm.class(T_TYPE)) {
        let msg = format!(
            "type.__new__({}): {} is not a subtype of type",
            vm.class_name(mcls),
            vm.class_name(mcls)
        );
        return Err(vm.type_error(&msg));
    }
    if a.n == 2 {
        return Ok(vm.type_of(vm.arg(a, 1)));
    }
    if a.n != 4 {
        return Err(vm.type_error("type.__new__() takes exactly 3 arguments (4 given)"));
    }
    let mark = vm.push(mcls);
    let rest = Args {
        base: a.base + 1,
        n: 3,
        kw: a.kw,
    };
    let c = types::new_class_from(vm, rest, vm.st(mark))?;
    vm.truncate(mark);
    Ok(c)
}

fn type_dunder_init<H: Heap>(_vm: &mut Vm<H>, _a: Args) -> PyResult {
    Ok(Value::NONE)
}

/// `type.__call__(cls, *args)`: the default instantiation (what a
/// metaclass's `__call__` reaches through `super()`).
fn type_dunder_call<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    if a.n == 0 || !vm.is_class(vm.arg(a, 0)) {
        return Err(vm.type_error("descriptor '__call__' requires a 'type' object"));
    }
    let rest = Args {
        base: a.base + 1,
        n: a.n - 1,
        kw: a.kw,
    };
    vm.instantiate(vm.arg(a, 0), rest)
}

/// `cls.__subclasses__()`: the classes that name `cls` as a direct base, in
/// creation order.
fn type_subclasses<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__subclasses__", 1, 1)?;
    let cls = vm.arg(a, 0);
    // Classes are immortal and never move, so the registry is stable.
    let subs: Vec<Value> = vm
        .rt
        .all_classes
        .iter()
        .copied()
        .filter(|c| {
            let b = object::get(c.as_obj(), field::CLS_BASES);
            b.is_obj() && object::items(b.as_obj()).contains(&cls)
        })
        .collect();
    let mark = vm.rt.sp;
    for s in &subs {
        vm.push(*s);
    }
    let l = vm.list_from_stack(mark, subs.len())?;
    vm.truncate(mark);
    Ok(l)
}

fn type_mro<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "mro", 1, 1)?;
    let mro = object::get(vm.arg(a, 0).as_obj(), field::CLS_MRO);
    types::collect_list(vm, mro)
}

fn type_instancecheck<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__instancecheck__", 2, 2)?;
    Ok(Value::bool(vm.isinstance(vm.arg(a, 1), vm.arg(a, 0))))
}

fn type_subclasscheck<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__subclasscheck__", 2, 2)?;
    let (cls, sub) = (vm.arg(a, 0), vm.arg(a, 1));
    if !vm.is_class(sub) {
        return Err(vm.type_error("issubclass() arg 1 must be a class"));
    }
    Ok(Value::bool(vm.is_subclass(sub, cls)))
}

/// `object.__subclasshook__(C)`: NotImplemented (no opinion; the normal
/// subclass check decides).
fn object_subclasshook<H: Heap>(_vm: &mut Vm<H>, _a: Args) -> PyResult {
    Ok(Value::NOT_IMPLEMENTED)
}

/// `type.__prepare__(name, bases, **kw)`: the default class namespace, an
/// empty dict (PEP 3115; metaclasses override it).
fn type_prepare<H: Heap>(vm: &mut Vm<H>, _a: Args) -> PyResult {
    vm.new_dict()
}
