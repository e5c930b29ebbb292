//! Builtin classes whose methods are written in Python (`memoryview`,
//! `mappingproxy`): the class is a builtin slot, its methods come from a
//! frozen helper module's `_METHODS` dict, copied into the class the first
//! time an instance is made, and `_init(instance, arg)` fills a new one.

use super::*;
use crate::object::{self, Kind};
use crate::vm::{Args, PyResult, Vm};
use gc_api::Heap;

/// The one required argument of a constructor `name(param)`, given
/// positionally or by keyword.
pub(super) fn single_arg<H: Heap>(
    vm: &mut Vm<H>,
    a: Args,
    name: &str,
    param: &'static str,
) -> PyResult {
    vm.check_kwargs(a, name, &[param])?;
    vm.check_count(a, name, 0, 1)?;
    if a.n == 1 {
        return Ok(vm.arg(a, 0));
    }
    match vm.kwarg(a, param) {
        Some(v) => Ok(v),
        None => {
            let msg = format!("{name}() missing required argument '{param}' (pos 1)");
            Err(vm.type_error(&msg))
        }
    }
}

/// A new instance of builtin class `t` initialised by `helper._init(self,
/// arg)`; `probe` names a method whose presence shows the class already
/// has its methods.
pub(super) fn new_instance<H: Heap>(
    vm: &mut Vm<H>,
    t: usize,
    helper: &str,
    probe: &str,
    arg: Value,
) -> PyResult {
    let mark = vm.push(arg);
    let r = make(vm, t, helper, probe, mark);
    vm.truncate(mark);
    r
}

/// [`new_instance`] with its argument rooted at stack slot `arg` (the
/// stack above it is this function's).
fn make<H: Heap>(vm: &mut Vm<H>, t: usize, helper: &str, probe: &str, arg: usize) -> PyResult {
    let module = vm.import_module(helper)?;
    let ms = vm.push(module);
    install_methods(vm, t, ms, probe)?;
    let o = vm.new_instance(vm.class(t))?;
    let os = vm.push(o);
    let sym = vm.intern("_init");
    let f = vm.getattr(vm.st(ms), sym)?;
    let fs = vm.push(f);
    let base = vm.push(vm.st(os));
    vm.push(vm.st(arg));
    vm.call(vm.st(fs), Args::positional(base, 2))?;
    Ok(vm.st(os))
}

/// Copies the `_METHODS` dict of the helper module rooted at slot `ms`
/// into builtin class `t`'s dict, unless the class already has `probe`.
fn install_methods<H: Heap>(vm: &mut Vm<H>, t: usize, ms: usize, probe: &str) -> PyResult<()> {
    let probe = vm.sym_str(probe);
    let cd = object::get(vm.class(t).as_obj(), field::CLS_DICT);
    if vm.dict_get_str(cd, probe).is_some() {
        return Ok(());
    }
    let sym = vm.intern("_METHODS");
    let d = vm.getattr(vm.st(ms), sym)?;
    if !(d.is_obj() && object::kind(d.as_obj()) == Kind::Dict) {
        return Err(vm.type_error("a helper's _METHODS must be a dict"));
    }
    let ds = vm.push(d);
    let mut i = 0;
    while i < Vm::<H>::dict_used(vm.st(ds)) {
        // Re-read the dict each time: defining an attribute allocates.
        let (k, v) = Vm::<H>::dict_entry(vm.st(ds), i);
        i += 1;
        if !(k.is_obj() && object::kind(k.as_obj()) == Kind::Str) {
            continue;
        }
        let name = object::str_of(k.as_obj()).to_string();
        vm.def_class_attr(t, &name, v);
    }
    // Attribute caches keyed on the class must see the new methods.
    vm.rt.class_epoch += 1;
    Ok(())
}
