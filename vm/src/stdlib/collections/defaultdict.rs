//! `defaultdict`: a `dict` subclass (its instances box a real dict, as
//! any `class D(dict)` does) whose `__missing__` calls `default_factory`;
//! the VM's subscript calls `__missing__`.

use super::{class_getitem, is_dict};
use crate::builtins::*;
use crate::object::{self, Kind};
use crate::value::Value;
use crate::vm::{Args, NativeFn, PyResult, Vm};
use gc_api::Heap;

/// `defaultdict`'s factory attribute (a class attribute None by default).
pub(super) const FACTORY_ATTR: &str = "default_factory";

/// Makes the `defaultdict` class in the module rooted at `ms`.
pub(super) fn init_defaultdict<H: Heap>(vm: &mut Vm<H>, ms: usize) -> PyResult<()> {
    let dict = vm.class(T_DICT);
    let methods: &[(&'static str, NativeFn<H>)] = &[
        ("__init__", dd_init::<H>),
        ("__missing__", dd_missing::<H>),
        ("__repr__", dd_repr::<H>),
        ("copy", dd_copy::<H>),
        ("__copy__", dd_copy::<H>),
        ("__reduce__", dd_reduce::<H>),
        ("__or__", |vm, a| dd_or(vm, a, false)),
        ("__ror__", |vm, a| dd_or(vm, a, true)),
        ("__ior__", dd_ior::<H>),
    ];
    let cls = vm.new_native_class("defaultdict", dict, "collections", methods)?;
    let cs = vm.push(cls);
    vm.set_class_attr(vm.st(cs), FACTORY_ATTR, Value::NONE)?;
    vm.def_native_classmethod(vm.st(cs), "__class_getitem__", class_getitem::<H>)?;
    let doc = vm.new_str(
        "defaultdict(default_factory=None, /, [...]) --> dict with default factory\n\n\
         The default factory is called without arguments to produce\n\
         a new value when a key is not present, in __getitem__ only.\n\
         A defaultdict compares equal to a dict with the same items.\n\
         All remaining arguments are treated the same as if they were\n\
         passed to the dict constructor, including keyword arguments.\n",
    )?;
    vm.set_class_attr(vm.st(cs), "__doc__", doc)?;
    vm.module_set(vm.st(ms), "defaultdict", vm.st(cs))?;
    vm.truncate(cs);
    Ok(())
}

/// The dict a defaultdict boxes, or a TypeError naming method `what`.
fn boxed_dict<H: Heap>(vm: &mut Vm<H>, v: Value, what: &str) -> PyResult {
    if let Some(d) = Vm::<H>::unboxed(v)
        && object::kind(d.as_obj()) == Kind::Dict
    {
        return Ok(d);
    }
    Err(vm.descriptor_error(what, "collections.defaultdict", v))
}

/// The `default_factory` of a defaultdict (None when unset).
fn factory<H: Heap>(vm: &mut Vm<H>, dd: Value) -> Value {
    let sym = vm.intern(FACTORY_ATTR);
    vm.inst_get(dd.as_obj(), sym).unwrap_or(Value::NONE)
}

/// `defaultdict(default_factory=None, /, *args, **kwargs)`.
fn dd_init<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    if a.n == 0 {
        return Err(vm.type_error("defaultdict.__init__() needs an argument"));
    }
    boxed_dict(vm, vm.arg(a, 0), "__init__")?;
    let f = if a.n > 1 { vm.arg(a, 1) } else { Value::NONE };
    if !f.is_none() && !vm.is_callable(f) {
        return Err(vm.type_error("first argument must be callable or None"));
    }
    let rest = Args {
        base: a.base + a.n.min(2),
        n: a.n - a.n.min(2),
        kw: a.kw,
    };
    if rest.n > 0 || vm.nkw(a) > 0 {
        let sym = vm.intern("__init__");
        let init = vm
            .class_lookup(vm.class(T_DICT), sym)
            .expect("dict has __init__");
        let fs = vm.push(init);
        let args = vm.prepend_arg(vm.arg(a, 0), rest);
        vm.call(vm.st(fs), args)?;
        vm.truncate(fs);
    }
    let sym = vm.intern(FACTORY_ATTR);
    let f = if a.n > 1 { vm.arg(a, 1) } else { Value::NONE };
    vm.inst_set(vm.arg(a, 0), sym, f)?;
    Ok(Value::NONE)
}

/// `__missing__(key)`: `self[key] = default_factory()`, returned; KeyError
/// without a factory.
fn dd_missing<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "__missing__", 1, 1)?;
    boxed_dict(vm, vm.arg(a, 0), "__missing__")?;
    let f = factory(vm, vm.arg(a, 0));
    if f.is_none() {
        let e = vm.call_values(vm.class(T_KEY_ERROR), &[vm.arg(a, 1)])?;
        return Err(vm.raise_value(e, Value::NULL));
    }
    let v = vm.call_values(f, &[])?;
    let vs = vm.push(v);
    vm.setitem(vm.arg(a, 0), vm.arg(a, 1), v)?;
    let v = vm.st(vs);
    vm.truncate(vs);
    Ok(v)
}

/// `defaultdict(<factory repr>, {...})`, under the subclass's name.
fn dd_repr<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "__repr__", 0, 0)?;
    let d = boxed_dict(vm, vm.arg(a, 0), "__repr__")?;
    let ds = vm.push(d);
    let f = factory(vm, vm.arg(a, 0));
    let fr = if f.is_none() {
        "None".to_string()
    } else if vm.rt.repr_stack.contains(&f) {
        "...".to_string()
    } else {
        vm.rt.repr_stack.push(f);
        let r = vm.repr_string(f);
        vm.rt.repr_stack.pop();
        r?
    };
    let body = vm.repr_string(vm.st(ds))?;
    vm.truncate(ds);
    let s = format!("{}({fr}, {body})", vm.type_name(vm.arg(a, 0)));
    vm.new_str(&s)
}

/// `type(dd)(dd.default_factory, source)`.
fn new_like<H: Heap>(vm: &mut Vm<H>, dd: Value, source: Value) -> PyResult {
    let f = factory(vm, dd);
    let t = vm.type_of(dd);
    vm.call_values(t, &[f, source])
}

fn dd_copy<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "copy", 0, 0)?;
    boxed_dict(vm, vm.arg(a, 0), "copy")?;
    new_like(vm, vm.arg(a, 0), vm.arg(a, 0))
}

/// `(type(dd), (factory,) or (), None, None, iter(dd.items()))`.
fn dd_reduce<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "__reduce__", 0, 0)?;
    boxed_dict(vm, vm.arg(a, 0), "__reduce__")?;
    let mark = vm.rt.sp;
    let t = vm.type_of(vm.arg(a, 0));
    vm.push(t);
    let f = factory(vm, vm.arg(a, 0));
    let args = if f.is_none() {
        vm.new_tuple(&[])?
    } else {
        vm.new_tuple(&[f])?
    };
    vm.push(args);
    vm.push(Value::NONE);
    vm.push(Value::NONE);
    let sym = vm.intern("items");
    let items = vm.getattr(vm.arg(a, 0), sym)?;
    let items = vm.call_values(items, &[])?;
    let it = vm.get_iter(items)?;
    vm.push(it);
    let r = vm.tuple_from_stack(mark, 5);
    vm.truncate(mark);
    r
}

/// `dd | other` (`reflected`: `other | dd`): a new defaultdict with dd's
/// factory holding the left operand's items updated by the right's.
fn dd_or<H: Heap>(vm: &mut Vm<H>, a: Args, reflected: bool) -> PyResult {
    vm.check_method_args(a, if reflected { "__ror__" } else { "__or__" }, 1, 1)?;
    boxed_dict(vm, vm.arg(a, 0), "__or__")?;
    if !is_dict::<H>(vm.arg(a, 1)) {
        return Ok(Value::NOT_IMPLEMENTED);
    }
    let (left, right) = if reflected {
        (a.base + 1, a.base)
    } else {
        (a.base, a.base + 1)
    };
    let new = new_like(vm, vm.arg(a, 0), vm.st(left))?;
    let ns = vm.push(new);
    let target = Vm::<H>::unbox(new);
    vm.dict_update(target, vm.st(right))?;
    let new = vm.st(ns);
    vm.truncate(ns);
    Ok(new)
}

/// `dd |= other`: `dict.update` semantics, returning dd.
fn dd_ior<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "__ior__", 1, 1)?;
    let d = boxed_dict(vm, vm.arg(a, 0), "__ior__")?;
    vm.dict_update(d, vm.arg(a, 1))?;
    Ok(vm.arg(a, 0))
}
