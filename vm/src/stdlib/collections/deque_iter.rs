//! The deque's forward and reverse iterator types (`_deque_iterator`,
//! `_deque_reverse_iterator`): an iterator is an instance holding its
//! deque, position and the deque's mutation count when it started.

use super::deque::{FWD_ITER_CLS, REV_ITER_CLS, is_deque, mutated};
use super::ring::{hdr, ring, ring_get, ring_len, ring_opt, ring_state};
use crate::builtins::*;
use crate::object::{self, Kind};
use crate::value::Value;
use crate::vm::{Args, NativeFn, PyResult, Vm};
use gc_api::{Heap, ObjectRef};

/// The instance attribute holding an iterator's `[deque, position, state]`.
pub(super) const ITER_ATTR: &str = "_deque_iter";

// Iterator state array slots.
const IT_DEQUE: usize = 0;
const IT_POS: usize = 1;
const IT_STATE: usize = 2;

/// Makes the two iterator classes, sets each as an attribute of the deque
/// class rooted at `cs` and of the module rooted at `ms`.
pub(super) fn init_iterator_classes<H: Heap>(vm: &mut Vm<H>, ms: usize, cs: usize) -> PyResult<()> {
    for (name, reverse) in [(FWD_ITER_CLS, false), (REV_ITER_CLS, true)] {
        let iter_methods: &[(&'static str, NativeFn<H>)] = if reverse {
            &[
                ("__new__", |vm, a| iter_new(vm, a, true)),
                ("__next__", |vm, a| iter_next(vm, a, true)),
                ("__length_hint__", iter_length_hint::<H>),
                ("__reduce__", iter_reduce::<H>),
                ("__iter__", iter_self::<H>),
            ]
        } else {
            &[
                ("__new__", |vm, a| iter_new(vm, a, false)),
                ("__next__", |vm, a| iter_next(vm, a, false)),
                ("__length_hint__", iter_length_hint::<H>),
                ("__reduce__", iter_reduce::<H>),
                ("__iter__", iter_self::<H>),
            ]
        };
        let object = vm.class(T_OBJECT);
        let ic = vm.new_native_class(name, object, "_collections", iter_methods)?;
        let ics = vm.push(ic);
        vm.set_class_attr(vm.st(cs), name, ic)?;
        vm.module_set(vm.st(ms), name, vm.st(ics))?;
        vm.truncate(ics);
    }
    Ok(())
}

/// The end of iteration.
fn stop_iteration<H: Heap>(vm: &mut Vm<H>) -> crate::vm::Exc {
    vm.raise_msg(T_STOP_ITERATION, "")
}

/// `iter(d)` / `reversed(d)`: an instance of the iterator class named
/// `cls_attr` on the deque's class.
pub(super) fn deque_iter<H: Heap>(vm: &mut Vm<H>, a: Args, what: &str, cls_attr: &str) -> PyResult {
    vm.check_method_args(a, what, 0, 0)?;
    ring(vm, a.base, what)?;
    let sym = vm.intern(cls_attr);
    let t = vm.type_of(vm.arg(a, 0));
    let Some(cls) = vm.class_lookup(t, sym) else {
        return Err(vm.type_error("deque iterator class is missing"));
    };
    new_iterator(vm, cls, a.base, 0)
}

/// A new iterator of class `cls` over the deque rooted at `ds`, having
/// consumed `pos` items.
fn new_iterator<H: Heap>(vm: &mut Vm<H>, cls: Value, ds: usize, pos: usize) -> PyResult {
    let it = vm.new_instance(cls)?;
    let its = vm.push(it);
    let st = vm.alloc_array(Kind::Array, 3)?;
    let r = ring_opt(vm, vm.st(ds)).expect("the deque has a ring");
    object::init(st, 1 + IT_DEQUE, vm.st(ds));
    object::init(st, 1 + IT_POS, Value::int(pos as i64));
    object::init(st, 1 + IT_STATE, Value::int(ring_state(r) as i64));
    vm.push(Value::obj(st));
    let sym = vm.intern(ITER_ATTR);
    vm.inst_set(vm.st(its), sym, vm.st(its + 1))?;
    let it = vm.st(its);
    vm.truncate(its);
    Ok(it)
}

/// The state array of the iterator at `its`.
fn iter_state<H: Heap>(vm: &mut Vm<H>, its: usize) -> PyResult<ObjectRef> {
    let it = vm.st(its);
    match vm.native_state_of_kind(it, ITER_ATTR, Kind::Array) {
        Some(s) if object::array_len(s.as_obj()) == 3 => Ok(s.as_obj()),
        _ => Err(vm.descriptor_error("__next__", "_collections._deque_iterator", it)),
    }
}

/// `_deque_iterator(deque, index=0)` (and the reverse one): how pickled
/// iterators are rebuilt.
fn iter_new<H: Heap>(vm: &mut Vm<H>, a: Args, reverse: bool) -> PyResult {
    let name = if reverse {
        "_deque_reverse_iterator"
    } else {
        "_deque_iterator"
    };
    vm.check_args(a, name, 2, 3)?;
    if !is_deque(vm, vm.arg(a, 1)) {
        let msg = format!(
            "{name}() argument 1 must be collections.deque, not {}",
            vm.type_name(vm.arg(a, 1))
        );
        return Err(vm.type_error(&msg));
    }
    let index = if a.n > 2 {
        vm.index_int(vm.arg(a, 2))?
    } else {
        0
    };
    let r = ring(vm, a.base + 1, name)?;
    let pos = index.clamp(0, ring_len(r) as i64) as usize;
    new_iterator(vm, vm.arg(a, 0), a.base + 1, pos)
}

/// `next(it)`.
fn iter_next<H: Heap>(vm: &mut Vm<H>, a: Args, reverse: bool) -> PyResult {
    if a.n != 1 || vm.nkw(a) > 0 {
        vm.check_method_args(a, "__next__", 0, 0)?;
    }
    let st = iter_state(vm, a.base)?;
    let d = object::array_get(st, IT_DEQUE);
    let Some(r) = ring_opt(vm, d) else {
        return Err(stop_iteration(vm));
    };
    if ring_state(r) != hdr(st, IT_STATE) {
        return Err(mutated(vm));
    }
    let (pos, n) = (hdr(st, IT_POS), ring_len(r));
    if pos >= n {
        return Err(stop_iteration(vm));
    }
    let i = if reverse { n - 1 - pos } else { pos };
    vm.store(st, 1 + IT_POS, Value::int(pos as i64 + 1));
    Ok(ring_get(r, i))
}

fn iter_length_hint<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "__length_hint__", 0, 0)?;
    let st = iter_state(vm, a.base)?;
    let d = object::array_get(st, IT_DEQUE);
    let left = match ring_opt(vm, d) {
        Some(r) if ring_state(r) == hdr(st, IT_STATE) => {
            ring_len(r).saturating_sub(hdr(st, IT_POS))
        }
        _ => 0,
    };
    Ok(Value::int(left as i64))
}

/// `(type(it), (deque, consumed))`.
fn iter_reduce<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "__reduce__", 0, 0)?;
    let st = iter_state(vm, a.base)?;
    let (d, pos) = (
        object::array_get(st, IT_DEQUE),
        object::array_get(st, IT_POS),
    );
    let args = vm.new_tuple(&[d, pos])?;
    let t = vm.type_of(vm.arg(a, 0));
    vm.new_tuple(&[t, args])
}

fn iter_self<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "__iter__", 0, 0)?;
    Ok(vm.arg(a, 0))
}
