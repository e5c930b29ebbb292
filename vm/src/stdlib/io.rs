//! `_io`: files, `StringIO`/`BytesIO` and text wrappers behind `io` and `open()`.
//!
//! The classes are Python (`io_module.py`, run in the native module's
//! namespace) over the `posix` fd primitives and the `_codecs` natives,
//! following CPython's `_io` behaviour. The builtin `open` imports `_io`
//! on its first call, so programs that never open a file pay nothing.

use crate::builtins::*;
use crate::vm::{Args, PyResult, Vm};
use gc_api::Heap;

/// The module names this file provides.
pub const MODULES: &[&str] = &["_io"];

/// Frozen Python source this file adds (name, source).
pub const FROZEN: &[(&str, &str)] = &[];

const IO_PY: &str = include_str!("io_module.py");

/// Fills in module `name`, rooted at stack slot `ms`.
pub(crate) fn init<H: Heap>(vm: &mut Vm<H>, _name: &str, ms: usize) -> PyResult<()> {
    super::posix::exec_in_module(vm, ms, IO_PY, "<frozen _io>")?;
    // From now on `open` is `_io.open` itself (`io.open is open`), if the
    // builtin is still the lazy stub installed by `install_open`.
    let k = vm.sym_str("open");
    let bd = vm.rt.globals_roots[ROOT_BUILTINS];
    let cur = vm.dict_get_str(bd, k);
    let stub = cur.is_some_and(|v| {
        v.is_obj()
            && crate::object::kind(v.as_obj()) == crate::object::Kind::Builtin
            && vm.natives[crate::object::word(v.as_obj(), crate::object::field::BI_INDEX)].name
                == "open"
    });
    if stub {
        let d = crate::object::get(vm.st(ms).as_obj(), crate::object::field::MOD_DICT);
        if let Some(f) = vm.dict_get_str(d, k) {
            let bd = vm.rt.globals_roots[ROOT_BUILTINS];
            vm.dict_set_item(bd, k, f)?;
        }
    }
    Ok(())
}

/// Sets `builtins.open`: a native that imports `_io` on first use, then
/// replaces itself with `_io.open`.
pub(crate) fn install_open<H: Heap>(vm: &mut Vm<H>) -> PyResult<()> {
    let bd = vm.rt.globals_roots[ROOT_BUILTINS];
    vm.def_fn(bd, "open", lazy_open::<H>);
    Ok(())
}

fn lazy_open<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let m = vm.import_module("_io")?;
    let sym = vm.intern("open");
    let f = vm.getattr(m, sym)?;
    let fs = vm.push(f);
    let k = vm.sym_str("open");
    let bd = vm.rt.globals_roots[ROOT_BUILTINS];
    vm.dict_set_item(bd, k, vm.st(fs))?;
    let f = vm.st(fs);
    let r = vm.call(f, a);
    vm.truncate(fs);
    r
}
