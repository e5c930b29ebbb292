//! `_collections`: CPython's C accelerators for the `collections` package,
//! native: `deque`, its two iterator types, `defaultdict`,
//! `_count_elements` (the tally loop of `Counter`) and `_tuplegetter` (the
//! field accessors of `namedtuple`). `OrderedDict` is not provided:
//! `collections` falls back to its pure-Python one.
//!
//! The module is split by concept: [`ring`] is the ring buffer a deque
//! stores its items in, [`deque`] the `deque` class and its methods,
//! [`deque_iter`] its two iterator types, [`defaultdict`] the dict
//! subclass, [`counting`] `_count_elements` and [`tuplegetter`]
//! `_tuplegetter`. This file holds the module's entry points and the
//! small helpers the classes share (class construction, argument checks).

mod counting;
mod defaultdict;
mod deque;
mod deque_iter;
mod ring;
mod tuplegetter;

use counting::count_elements;
use defaultdict::{FACTORY_ATTR, init_defaultdict};
use deque::{FWD_ITER_CLS, REV_ITER_CLS, init_deque};
use deque_iter::ITER_ATTR;
use ring::RING_ATTR;
use tuplegetter::{tuple_item, tuplegetter};

use crate::builtins::*;
use crate::object::{self, Kind};
use crate::value::Value;
use crate::vm::{Args, PyResult, Vm};
use gc_api::Heap;

/// The module names this file provides.
pub const MODULES: &[&str] = &["_collections"];

/// Frozen Python source this file adds (name, source): none.
pub const FROZEN: &[(&str, &str)] = &[];

const DOC: &str = "High performance data structures.\n\
- deque:        ordered collection accessible from endpoints only\n\
- defaultdict:  dict subclass with a default value factory\n";

/// Fills in module `name`, rooted at stack slot `ms`.
pub(crate) fn init<H: Heap>(vm: &mut Vm<H>, _name: &str, ms: usize) -> PyResult<()> {
    for s in [
        RING_ATTR,
        ITER_ATTR,
        FWD_ITER_CLS,
        REV_ITER_CLS,
        FACTORY_ATTR,
        "get",
        "items",
        "__setitem__",
        "__next__",
    ] {
        vm.intern(s);
    }
    let doc = vm.new_str(DOC)?;
    vm.module_set(vm.st(ms), "__doc__", doc)?;
    vm.module_fn(ms, "_count_elements", count_elements::<H>)?;
    // `_tuplegetter` is bound to the (unbound) getter native it binds to
    // each index, so it needs no lookup.
    let getter = vm.register("_tuplegetter", tuple_item::<H>);
    let g = vm.new_builtin(getter, Value::NULL)?;
    let gs = vm.push(g);
    let maker = vm.register("_tuplegetter", tuplegetter::<H>);
    let tg = vm.new_builtin(maker, vm.st(gs))?;
    vm.module_set(vm.st(ms), "_tuplegetter", tg)?;
    vm.truncate(gs);
    init_deque(vm, ms)?;
    init_defaultdict(vm, ms)
}

// ------------------------------------------------ helpers shared by the classes

/// `cls[item]`: a `types.GenericAlias`.
fn class_getitem<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__class_getitem__", 2, 2)?;
    let (c, item) = (vm.arg(a, 0), vm.arg(a, 1));
    call_types_helper(vm, "GenericAlias", &[c, item])
}

/// Is `v` a dict (a dict subclass instance counts: it boxes one)?
fn is_dict<H: Heap>(v: Value) -> bool {
    let d = Vm::<H>::unbox(v);
    d.is_obj() && object::kind(d.as_obj()) == Kind::Dict
}
