//! The `deque` class: its construction and methods, from `append` to
//! pickling. The items live in a ring ([`super::ring`]); the iterator
//! types are in [`super::deque_iter`].

use super::class_getitem;
use super::deque_iter::{deque_iter, init_iterator_classes};
use super::ring::{
    MAXLEN, MIN_CAP, RING_ATTR, SHRINK_FROM, attach_ring, bump_state, delete_at, maybe_shrink,
    new_ring, push_item, ring, ring_cap, ring_get, ring_len, ring_maxlen, ring_opt, ring_set,
    ring_state, rotate_right, take_end,
};
use crate::builtins::*;
use crate::bytecode::CmpOp;
use crate::object::{self, Kind, field};
use crate::value::{SMALL_MAX, Value};
use crate::vm::{Args, NativeFn, PyResult, Vm};
use gc_api::Heap;

/// The attribute of the deque class naming its forward iterator class
/// (also the marker that a class is `deque` itself, not a subclass).
pub(super) const FWD_ITER_CLS: &str = "_deque_iterator";
/// Likewise for the reverse iterator class.
pub(super) const REV_ITER_CLS: &str = "_deque_reverse_iterator";

/// The error of a scan or iteration that saw the deque change under it.
pub(super) fn mutated<H: Heap>(vm: &mut Vm<H>) -> crate::vm::Exc {
    vm.raise_msg(T_RUNTIME_ERROR, "deque mutated during iteration")
}

/// `a is b or a == b`, as CPython's `PyObject_RichCompareBool`.
fn same_or_equal<H: Heap>(vm: &mut Vm<H>, a: Value, b: Value) -> PyResult<bool> {
    if a == b {
        return Ok(true);
    }
    vm.eq(a, b)
}

/// Makes the `deque` class and its iterator classes in the module rooted
/// at `ms`.
pub(super) fn init_deque<H: Heap>(vm: &mut Vm<H>, ms: usize) -> PyResult<()> {
    let object = vm.class(T_OBJECT);
    let methods: &[(&'static str, NativeFn<H>)] = &[
        ("__new__", deque_new::<H>),
        ("__init__", deque_init::<H>),
        ("append", |vm, a| deque_push(vm, a, "append", true)),
        ("appendleft", |vm, a| deque_push(vm, a, "appendleft", false)),
        ("pop", |vm, a| deque_pop(vm, a, "pop", true)),
        ("popleft", |vm, a| deque_pop(vm, a, "popleft", false)),
        ("extend", |vm, a| deque_extend(vm, a, "extend", true)),
        ("extendleft", |vm, a| {
            deque_extend(vm, a, "extendleft", false)
        }),
        ("clear", deque_clear::<H>),
        ("copy", deque_copy::<H>),
        ("__copy__", deque_copy::<H>),
        ("count", deque_count::<H>),
        ("index", deque_index::<H>),
        ("insert", deque_insert::<H>),
        ("remove", deque_remove::<H>),
        ("reverse", deque_reverse::<H>),
        ("rotate", deque_rotate::<H>),
        ("__len__", deque_len::<H>),
        ("__bool__", deque_bool::<H>),
        ("__getitem__", deque_getitem::<H>),
        ("__setitem__", deque_setitem::<H>),
        ("__delitem__", deque_delitem::<H>),
        ("__iter__", |vm, a| {
            deque_iter(vm, a, "__iter__", FWD_ITER_CLS)
        }),
        ("__reversed__", |vm, a| {
            deque_iter(vm, a, "__reversed__", REV_ITER_CLS)
        }),
        ("__contains__", deque_contains::<H>),
        ("__eq__", |vm, a| deque_compare(vm, a, CmpOp::Eq)),
        ("__ne__", |vm, a| deque_compare(vm, a, CmpOp::Ne)),
        ("__lt__", |vm, a| deque_compare(vm, a, CmpOp::Lt)),
        ("__le__", |vm, a| deque_compare(vm, a, CmpOp::Le)),
        ("__gt__", |vm, a| deque_compare(vm, a, CmpOp::Gt)),
        ("__ge__", |vm, a| deque_compare(vm, a, CmpOp::Ge)),
        ("__add__", deque_add::<H>),
        ("__iadd__", deque_iadd::<H>),
        ("__mul__", deque_mul::<H>),
        ("__rmul__", deque_mul::<H>),
        ("__imul__", deque_imul::<H>),
        ("__repr__", deque_repr::<H>),
        ("__reduce__", deque_reduce::<H>),
    ];
    let cls = vm.new_native_class("deque", object, "collections", methods)?;
    let cs = vm.push(cls);
    vm.set_class_attr(vm.st(cs), "__hash__", Value::NONE)?;
    let p = vm.new_native_property("maxlen", deque_maxlen::<H>)?;
    let ps = vm.push(p);
    let pdoc = vm.new_str("maximum size of a deque or None if unbounded")?;
    vm.store(vm.st(ps).as_obj(), field::PROP_DOC, pdoc);
    vm.set_class_attr(vm.st(cs), "maxlen", vm.st(ps))?;
    vm.def_native_classmethod(vm.st(cs), "__class_getitem__", class_getitem::<H>)?;
    let doc = vm.new_str(
        "deque([iterable[, maxlen]]) --> deque object\n\n\
         A list-like sequence optimized for data accesses near its endpoints.",
    )?;
    vm.set_class_attr(vm.st(cs), "__doc__", doc)?;
    vm.module_set(vm.st(ms), "deque", vm.st(cs))?;
    init_iterator_classes(vm, ms, cs)?;
    vm.truncate(cs);
    Ok(())
}

/// Is `cls` `deque` or a subclass (some class of its MRO carries the
/// iterator-class marker)?
fn is_deque_class<H: Heap>(vm: &mut Vm<H>, cls: Value) -> bool {
    let marker = vm.intern(FWD_ITER_CLS);
    let key = vm.sym(marker);
    let mro = object::get(cls.as_obj(), field::CLS_MRO);
    if !mro.is_obj() {
        return false;
    }
    object::items(mro.as_obj()).iter().any(|c| {
        let d = object::get(c.as_obj(), field::CLS_DICT);
        d.is_obj() && vm.dict_get_str(d, key).is_some()
    })
}

/// Is `v` a deque (of any subclass)?
pub(super) fn is_deque<H: Heap>(vm: &mut Vm<H>, v: Value) -> bool {
    if ring_opt(vm, v).is_some() {
        return true;
    }
    v.is_obj() && object::kind(v.as_obj()) == Kind::Instance && {
        let t = vm.type_of(v);
        is_deque_class(vm, t)
    }
}

/// The items of the deque rooted at `ds` as a new list.
fn to_list<H: Heap>(vm: &mut Vm<H>, ds: usize, what: &str) -> PyResult {
    let n = ring_len(ring(vm, ds, what)?);
    let l = vm.new_list(n)?;
    // The list's item array was allocated before the list itself: its
    // stores need the barrier.
    let r = ring_opt(vm, vm.st(ds)).expect("the deque has a ring");
    for i in 0..n {
        vm.list_set(l, i, ring_get(r, i));
    }
    object::set_word(l.as_obj(), field::LIST_LEN, n);
    Ok(l)
}

/// Reads an index argument: an int (or `__index__`), normalised against
/// length `n`; `None` when out of range.
fn seq_index<H: Heap>(vm: &mut Vm<H>, key: Value, n: usize) -> PyResult<Option<usize>> {
    let Some(i) = vm.index_value(key)? else {
        let msg = format!(
            "sequence index must be integer, not '{}'",
            vm.type_name(key)
        );
        return Err(vm.type_error(&msg));
    };
    let j = if i < 0 { i + n as i64 } else { i };
    Ok((0..n as i64).contains(&j).then_some(j as usize))
}

fn index_error<H: Heap>(vm: &mut Vm<H>) -> crate::vm::Exc {
    vm.raise_msg(T_INDEX_ERROR, "deque index out of range")
}

// ------------------------------------------------------------ methods

/// `deque.__new__(cls, *args, **kw)`: an empty deque (`__init__` fills it).
fn deque_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let cls = if a.n > 0 { vm.arg(a, 0) } else { Value::NULL };
    if !vm.is_class(cls) {
        return Err(vm.type_error("deque.__new__(X): X is not a type object"));
    }
    if !is_deque_class(vm, cls) {
        let msg = format!(
            "deque.__new__({}): {} is not a subtype of deque",
            vm.class_name(cls),
            vm.class_name(cls)
        );
        return Err(vm.type_error(&msg));
    }
    let d = vm.new_instance(cls)?;
    let ds = vm.push(d);
    let r = new_ring(vm, MIN_CAP, Value::NONE, 0)?;
    let rs = vm.push(Value::obj(r));
    attach_ring(vm, ds, rs)?;
    let d = vm.st(ds);
    vm.truncate(ds);
    Ok(d)
}

/// `deque.__init__(self, iterable=(), maxlen=None)`.
fn deque_init<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let nkw = vm.nkw(a);
    if a.n + nkw > 3 {
        let msg = format!(
            "deque() takes at most 2 arguments ({} given)",
            a.n + nkw - 1
        );
        return Err(vm.type_error(&msg));
    }
    let kw = vm.kwnames(a);
    for i in 0..nkw {
        let k = object::str_of(object::array_get(kw.as_obj(), i).as_obj()).to_string();
        if k != "iterable" && k != "maxlen" {
            let msg = format!("'{k}' is an invalid keyword argument for deque()");
            return Err(vm.type_error(&msg));
        }
    }
    let iterable = if a.n > 1 {
        Some(a.base + 1)
    } else {
        vm.kwarg(a, "iterable")
            .map(|_| kwarg_slot(vm, a, "iterable"))
    };
    let maxlen = if a.n > 2 {
        vm.arg(a, 2)
    } else {
        vm.kwarg(a, "maxlen").unwrap_or(Value::NONE)
    };
    let maxlen = if maxlen.is_none() {
        Value::NONE
    } else {
        if !crate::num::is_int(maxlen) && !maxlen.is_bool() {
            return Err(vm.type_error("an integer is required"));
        }
        let m = vm.index_value(maxlen)?.unwrap_or(0);
        if m < 0 {
            return Err(vm.value_error("maxlen must be non-negative"));
        }
        Value::int(m.min(SMALL_MAX))
    };
    let r = ring(vm, a.base, "__init__")?;
    if ring_len(r) > 0 {
        clear(vm, a.base)?;
    }
    let r = ring_opt(vm, vm.st(a.base)).expect("the deque has a ring");
    vm.store(r, 1 + MAXLEN, maxlen);
    if let Some(src) = iterable {
        extend(vm, a.base, src, true, "__init__")?;
    }
    Ok(Value::NONE)
}

/// The stack slot of keyword argument `name` (which was passed).
fn kwarg_slot<H: Heap>(vm: &Vm<H>, a: Args, name: &str) -> usize {
    let kw = vm.kwnames(a).as_obj();
    let i = (0..object::array_len(kw))
        .find(|&i| object::str_of(object::array_get(kw, i).as_obj()) == name)
        .expect("keyword was passed");
    a.base + a.n + i
}

/// `maxlen` (a read-only property).
fn deque_maxlen<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "maxlen", 0, 0)?;
    let r = ring(vm, a.base, "maxlen")?;
    Ok(object::array_get(r, MAXLEN))
}

/// `append(x)` / `appendleft(x)`.
fn deque_push<H: Heap>(vm: &mut Vm<H>, a: Args, what: &str, right: bool) -> PyResult {
    if a.n != 2 || vm.nkw(a) > 0 {
        let m = format!("deque.{what}");
        vm.check_method_args(a, &m, 1, 1)?;
    }
    push_item(vm, a.base, a.base + 1, right, what)?;
    Ok(Value::NONE)
}

/// `pop()` / `popleft()`.
fn deque_pop<H: Heap>(vm: &mut Vm<H>, a: Args, what: &str, right: bool) -> PyResult {
    if a.n != 1 || vm.nkw(a) > 0 {
        let m = format!("deque.{what}");
        vm.check_method_args(a, &m, 0, 0)?;
    }
    let r = ring(vm, a.base, what)?;
    if ring_len(r) == 0 {
        return Err(vm.raise_msg(T_INDEX_ERROR, "pop from an empty deque"));
    }
    let v = take_end(vm, r, right);
    if ring_cap(r) >= SHRINK_FROM {
        let vs = vm.push(v);
        maybe_shrink(vm, a.base)?;
        let v = vm.st(vs);
        vm.truncate(vs);
        return Ok(v);
    }
    Ok(v)
}

/// Adds each item of the iterable rooted at `src` at one end of the deque
/// rooted at `ds`.
fn extend<H: Heap>(vm: &mut Vm<H>, ds: usize, src: usize, right: bool, what: &str) -> PyResult<()> {
    let mark = vm.rt.sp;
    let mut src = src;
    if vm.st(src) == vm.st(ds) {
        let l = to_list(vm, ds, what)?;
        src = vm.push(l);
    }
    let s = vm.st(src);
    let vs = vm.push(Value::NONE);
    if s.is_obj() && matches!(object::kind(s.as_obj()), Kind::List | Kind::Tuple) {
        let mut i = 0;
        while i < vm.seq_len(vm.st(src)) {
            let v = vm.seq_get(vm.st(src), i);
            vm.set_st(vs, v);
            push_item(vm, ds, vs, right, what)?;
            i += 1;
        }
    } else {
        let it = vm.get_iter(s)?;
        let its = vm.push(it);
        while let Some(v) = vm.iter_next(its)? {
            vm.set_st(vs, v);
            push_item(vm, ds, vs, right, what)?;
        }
    }
    vm.truncate(mark);
    Ok(())
}

/// `extend(iterable)` / `extendleft(iterable)`.
fn deque_extend<H: Heap>(vm: &mut Vm<H>, a: Args, what: &str, right: bool) -> PyResult {
    if a.n != 2 || vm.nkw(a) > 0 {
        let m = format!("deque.{what}");
        vm.check_method_args(a, &m, 1, 1)?;
    }
    ring(vm, a.base, what)?;
    extend(vm, a.base, a.base + 1, right, what)?;
    Ok(Value::NONE)
}

/// Empties the deque rooted at `ds` (keeping its maxlen).
fn clear<H: Heap>(vm: &mut Vm<H>, ds: usize) -> PyResult<()> {
    let r = ring(vm, ds, "clear")?;
    let (maxlen, state) = (object::array_get(r, MAXLEN), ring_state(r));
    let new = new_ring(vm, MIN_CAP, maxlen, (state + 1) & SMALL_MAX as usize)?;
    let rs = vm.push(Value::obj(new));
    attach_ring(vm, ds, rs)?;
    vm.truncate(rs);
    Ok(())
}

fn deque_clear<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "deque.clear", 0, 0)?;
    clear(vm, a.base)?;
    Ok(Value::NONE)
}

/// `copy()` / `__copy__()`: `type(d)(d)` or `type(d)(d, maxlen)`.
fn deque_copy<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "deque.copy", 0, 0)?;
    let r = ring(vm, a.base, "copy")?;
    let maxlen = object::array_get(r, MAXLEN);
    let d = vm.arg(a, 0);
    let t = vm.type_of(d);
    if maxlen.is_none() {
        vm.call_values(t, &[d])
    } else {
        vm.call_values(t, &[d, maxlen])
    }
}

fn deque_len<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "deque.__len__", 0, 0)?;
    let r = ring(vm, a.base, "__len__")?;
    Ok(Value::int(ring_len(r) as i64))
}

fn deque_bool<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "deque.__bool__", 0, 0)?;
    let r = ring(vm, a.base, "__bool__")?;
    Ok(Value::bool(ring_len(r) > 0))
}

/// Scans the deque rooted at `ds` from logical position `start` to `stop`
/// for the value rooted at `xs`; the first matching position. `Err(true)`
/// in the result means the deque changed during a comparison.
fn find<H: Heap>(
    vm: &mut Vm<H>,
    ds: usize,
    xs: usize,
    start: usize,
    stop: usize,
) -> PyResult<Result<Option<usize>, ()>> {
    let r = ring(vm, ds, "index")?;
    let state = ring_state(r);
    let stop = stop.min(ring_len(r));
    for i in start..stop {
        let r = ring_opt(vm, vm.st(ds)).expect("the deque has a ring");
        if ring_state(r) != state {
            return Ok(Err(()));
        }
        let y = ring_get(r, i);
        let hit = same_or_equal(vm, y, vm.st(xs))?;
        let r = ring_opt(vm, vm.st(ds)).expect("the deque has a ring");
        if ring_state(r) != state {
            return Ok(Err(()));
        }
        if hit {
            return Ok(Ok(Some(i)));
        }
    }
    Ok(Ok(None))
}

fn deque_count<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "deque.count", 1, 1)?;
    let r = ring(vm, a.base, "count")?;
    let (n, state) = (ring_len(r), ring_state(r));
    let mut count = 0;
    for i in 0..n {
        let r = ring_opt(vm, vm.st(a.base)).expect("the deque has a ring");
        if ring_state(r) != state {
            return Err(mutated(vm));
        }
        let y = ring_get(r, i);
        if same_or_equal(vm, y, vm.arg(a, 1))? {
            count += 1;
        }
    }
    let r = ring_opt(vm, vm.st(a.base)).expect("the deque has a ring");
    if ring_state(r) != state {
        return Err(mutated(vm));
    }
    Ok(Value::int(count))
}

fn deque_contains<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "deque.__contains__", 1, 1)?;
    match find(vm, a.base, a.base + 1, 0, usize::MAX)? {
        Ok(i) => Ok(Value::bool(i.is_some())),
        Err(()) => Err(mutated(vm)),
    }
}

/// A slice bound of `index()`: an int or `__index__`, else TypeError.
fn slice_bound<H: Heap>(vm: &mut Vm<H>, v: Value) -> PyResult<i64> {
    match vm.index_value(v)? {
        Some(i) => Ok(i),
        None => Err(vm.type_error("slice indices must be integers or have an __index__ method")),
    }
}

fn not_in_deque<H: Heap>(vm: &mut Vm<H>, x: Value) -> crate::vm::Exc {
    match vm.repr_string(x) {
        Ok(s) => {
            let msg = format!("{s} is not in deque");
            vm.value_error(&msg)
        }
        Err(e) => e,
    }
}

/// `index(x[, start[, stop]])`.
fn deque_index<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "index", 1, 3)?;
    let mut start = if a.n > 2 {
        slice_bound(vm, vm.arg(a, 2))?
    } else {
        0
    };
    let mut stop = if a.n > 3 {
        slice_bound(vm, vm.arg(a, 3))?
    } else {
        i64::MAX
    };
    let r = ring(vm, a.base, "index")?;
    let n = ring_len(r) as i64;
    if start < 0 {
        start = (start + n).max(0);
    }
    if stop < 0 {
        stop = (stop + n).max(0);
    }
    stop = stop.min(n);
    start = start.min(stop);
    match find(vm, a.base, a.base + 1, start as usize, stop as usize)? {
        Ok(Some(i)) => Ok(Value::int(i as i64)),
        Ok(None) => Err(not_in_deque(vm, vm.arg(a, 1))),
        Err(()) => Err(mutated(vm)),
    }
}

/// `insert(i, x)`: as `list.insert`.
fn deque_insert<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "insert", 2, 2)?;
    let i = vm.index_int(vm.arg(a, 1))?;
    let r = ring(vm, a.base, "insert")?;
    let n = ring_len(r);
    if ring_maxlen(r) == Some(n) {
        return Err(vm.raise_msg(T_INDEX_ERROR, "deque already at its maximum size"));
    }
    let i = if i < 0 {
        (i + n as i64).max(0) as usize
    } else {
        (i as usize).min(n)
    };
    // Append at the nearer end, then move the item into place.
    let right = i >= n / 2;
    push_item(vm, a.base, a.base + 2, right, "insert")?;
    let r = ring_opt(vm, vm.st(a.base)).expect("the deque has a ring");
    let x = vm.arg(a, 2);
    if right {
        for k in (i + 1..=n).rev() {
            let v = ring_get(r, k - 1);
            ring_set(vm, r, k, v);
        }
    } else {
        for k in 0..i {
            let v = ring_get(r, k + 1);
            ring_set(vm, r, k, v);
        }
    }
    ring_set(vm, r, i, x);
    Ok(Value::NONE)
}

/// `remove(x)`: deletes the first item equal to x.
fn deque_remove<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "deque.remove", 1, 1)?;
    match find(vm, a.base, a.base + 1, 0, usize::MAX)? {
        Ok(Some(i)) => {
            let r = ring_opt(vm, vm.st(a.base)).expect("the deque has a ring");
            delete_at(vm, r, i);
            maybe_shrink(vm, a.base)?;
            Ok(Value::NONE)
        }
        Ok(None) => Err(not_in_deque(vm, vm.arg(a, 1))),
        Err(()) => Err(vm.raise_msg(T_INDEX_ERROR, "deque mutated during iteration")),
    }
}

fn deque_reverse<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "deque.reverse", 0, 0)?;
    let r = ring(vm, a.base, "reverse")?;
    let n = ring_len(r);
    for i in 0..n / 2 {
        let (x, y) = (ring_get(r, i), ring_get(r, n - 1 - i));
        ring_set(vm, r, i, y);
        ring_set(vm, r, n - 1 - i, x);
    }
    Ok(Value::NONE)
}

/// `rotate(n=1)`: n steps to the right (left if negative).
fn deque_rotate<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "rotate", 0, 1)?;
    let k = if a.n > 1 {
        vm.index_int(vm.arg(a, 1))?
    } else {
        1
    };
    let r = ring(vm, a.base, "rotate")?;
    let n = ring_len(r);
    if n <= 1 {
        return Ok(Value::NONE);
    }
    bump_state(vm, r);
    let k = k.rem_euclid(n as i64) as usize;
    if k != 0 {
        rotate_right(vm, r, k);
    }
    Ok(Value::NONE)
}

fn deque_getitem<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "deque.__getitem__", 1, 1)?;
    let n = ring_len(ring(vm, a.base, "__getitem__")?);
    let Some(i) = seq_index(vm, vm.arg(a, 1), n)? else {
        return Err(index_error(vm));
    };
    let r = ring(vm, a.base, "__getitem__")?;
    if i >= ring_len(r) {
        return Err(index_error(vm));
    }
    Ok(ring_get(r, i))
}

fn deque_setitem<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "deque.__setitem__", 2, 2)?;
    let n = ring_len(ring(vm, a.base, "__setitem__")?);
    let Some(i) = seq_index(vm, vm.arg(a, 1), n)? else {
        return Err(index_error(vm));
    };
    let r = ring(vm, a.base, "__setitem__")?;
    if i >= ring_len(r) {
        return Err(index_error(vm));
    }
    let v = vm.arg(a, 2);
    ring_set(vm, r, i, v);
    Ok(Value::NONE)
}

fn deque_delitem<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "deque.__delitem__", 1, 1)?;
    let n = ring_len(ring(vm, a.base, "__delitem__")?);
    let Some(i) = seq_index(vm, vm.arg(a, 1), n)? else {
        return Err(index_error(vm));
    };
    let r = ring(vm, a.base, "__delitem__")?;
    if i >= ring_len(r) {
        return Err(index_error(vm));
    }
    delete_at(vm, r, i);
    maybe_shrink(vm, a.base)?;
    Ok(Value::NONE)
}

/// Rich comparison of two deques, item by item, then by length.
fn deque_compare<H: Heap>(vm: &mut Vm<H>, a: Args, op: CmpOp) -> PyResult {
    vm.check_method_args(a, "comparison", 1, 1)?;
    ring(vm, a.base, "comparison")?;
    let (vs, ws) = (a.base, a.base + 1);
    if !is_deque(vm, vm.st(ws)) {
        return Ok(Value::NOT_IMPLEMENTED);
    }
    ring(vm, ws, "comparison")?;
    let rv = ring_opt(vm, vm.st(vs)).expect("the deque has a ring");
    let rw = ring_opt(vm, vm.st(ws)).expect("the deque has a ring");
    let (nv, nw) = (ring_len(rv), ring_len(rw));
    if nv != nw && matches!(op, CmpOp::Eq | CmpOp::Ne) {
        return Ok(Value::bool(op == CmpOp::Ne));
    }
    let (sv, sw) = (ring_state(rv), ring_state(rw));
    let mark = vm.push(Value::NONE);
    vm.push(Value::NONE);
    let mut i = 0;
    let differ = loop {
        let rv = ring_opt(vm, vm.st(vs)).expect("the deque has a ring");
        let rw = ring_opt(vm, vm.st(ws)).expect("the deque has a ring");
        if ring_state(rv) != sv || ring_state(rw) != sw {
            vm.truncate(mark);
            return Err(mutated(vm));
        }
        if i >= nv.min(nw) {
            break false;
        }
        let (x, y) = (ring_get(rv, i), ring_get(rw, i));
        vm.set_st(mark, x);
        vm.set_st(mark + 1, y);
        if !same_or_equal(vm, x, y)? {
            break true;
        }
        i += 1;
    };
    if !differ {
        vm.truncate(mark);
        let r = match op {
            CmpOp::Eq => nv == nw,
            CmpOp::Ne => nv != nw,
            CmpOp::Lt => nv < nw,
            CmpOp::Le => nv <= nw,
            CmpOp::Gt => nv > nw,
            _ => nv >= nw,
        };
        return Ok(Value::bool(r));
    }
    let r = match op {
        CmpOp::Eq => Ok(Value::FALSE),
        CmpOp::Ne => Ok(Value::TRUE),
        _ => vm.compare_op(op, vm.st(mark), vm.st(mark + 1)),
    };
    vm.truncate(mark);
    r
}

/// `d + other` (other must be a deque): a copy of d extended by other.
fn deque_add<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "deque.__add__", 1, 1)?;
    ring(vm, a.base, "__add__")?;
    if !is_deque(vm, vm.arg(a, 1)) {
        let msg = format!(
            "can only concatenate deque (not \"{}\") to deque",
            vm.type_name(vm.arg(a, 1))
        );
        return Err(vm.type_error(&msg));
    }
    let c = copy_of(vm, a.base)?;
    let cs = vm.push(c);
    extend(vm, cs, a.base + 1, true, "__add__")?;
    let c = vm.st(cs);
    vm.truncate(cs);
    Ok(c)
}

/// `deque.copy(d)` for the deque rooted at `ds`.
fn copy_of<H: Heap>(vm: &mut Vm<H>, ds: usize) -> PyResult {
    let base = vm.push(vm.st(ds));
    let r = deque_copy(vm, Args::positional(base, 1));
    vm.truncate(base);
    r
}

fn deque_iadd<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "deque.__iadd__", 1, 1)?;
    ring(vm, a.base, "__iadd__")?;
    extend(vm, a.base, a.base + 1, true, "__iadd__")?;
    Ok(vm.arg(a, 0))
}

/// The repeat count of `d * n`.
fn repeat_count<H: Heap>(vm: &mut Vm<H>, v: Value) -> PyResult<Option<i64>> {
    if !(crate::num::is_int(v) || v.is_bool() || vm.type_method(v, "__index__").is_some()) {
        return Ok(None);
    }
    vm.index_value(v)
}

fn repeat_error<H: Heap>(vm: &mut Vm<H>, v: Value) -> crate::vm::Exc {
    let msg = format!(
        "can't multiply sequence by non-int of type '{}'",
        vm.type_name(v)
    );
    vm.type_error(&msg)
}

/// Repeats the deque rooted at `ds` in place `times` times in all.
fn repeat_in_place<H: Heap>(vm: &mut Vm<H>, ds: usize, times: i64) -> PyResult<()> {
    let r = ring(vm, ds, "__imul__")?;
    let n = ring_len(r);
    if times <= 0 || n == 0 {
        if n > 0 {
            clear(vm, ds)?;
        }
        return Ok(());
    }
    // With a maxlen only the last maxlen items survive: skip whole
    // rounds that would be dropped anyway.
    let mut rounds = times - 1;
    if let Some(m) = ring_maxlen(r) {
        rounds = rounds.min((m / n + 1) as i64);
    } else if (n as i64).checked_mul(times).is_none_or(|t| t > SMALL_MAX) {
        return Err(vm.raise_msg(T_MEMORY_ERROR, ""));
    }
    let l = to_list(vm, ds, "__imul__")?;
    let ls = vm.push(l);
    let vs = vm.push(Value::NONE);
    for _ in 0..rounds {
        for i in 0..n {
            let v = Vm::<H>::list_get(vm.st(ls), i);
            vm.set_st(vs, v);
            push_item(vm, ds, vs, true, "__imul__")?;
        }
    }
    vm.truncate(ls);
    Ok(())
}

/// `d * n` and `n * d`: a repeated copy.
fn deque_mul<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "deque.__mul__", 1, 1)?;
    ring(vm, a.base, "__mul__")?;
    let Some(times) = repeat_count(vm, vm.arg(a, 1))? else {
        return Err(repeat_error(vm, vm.arg(a, 1)));
    };
    let c = copy_of(vm, a.base)?;
    let cs = vm.push(c);
    repeat_in_place(vm, cs, times)?;
    let c = vm.st(cs);
    vm.truncate(cs);
    Ok(c)
}

fn deque_imul<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "deque.__imul__", 1, 1)?;
    ring(vm, a.base, "__imul__")?;
    let Some(times) = repeat_count(vm, vm.arg(a, 1))? else {
        return Err(repeat_error(vm, vm.arg(a, 1)));
    };
    repeat_in_place(vm, a.base, times)?;
    Ok(vm.arg(a, 0))
}

/// `deque([1, 2])`, `deque([1, 2], maxlen=3)`; `[...]` when recursive.
fn deque_repr<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "deque.__repr__", 0, 0)?;
    let r = ring(vm, a.base, "__repr__")?;
    let d = vm.arg(a, 0);
    if vm.rt.repr_stack.contains(&d) {
        return vm.new_str("[...]");
    }
    let maxlen = object::array_get(r, MAXLEN);
    let name = vm.type_name(d);
    vm.rt.repr_stack.push(d);
    let items = to_list(vm, a.base, "__repr__").and_then(|l| vm.repr_string(l));
    vm.rt.repr_stack.pop();
    let items = items?;
    let s = if maxlen.is_none() {
        format!("{name}({items})")
    } else {
        format!("{name}({items}, maxlen={})", maxlen.as_int())
    };
    vm.new_str(&s)
}

/// `__reduce__`: `(type(d), (), state, iter(d))`, or with
/// `((), maxlen)` as arguments; state is None for a plain deque, else the
/// instance attributes.
fn deque_reduce<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "deque.__reduce__", 0, 0)?;
    let r = ring(vm, a.base, "__reduce__")?;
    let maxlen = object::array_get(r, MAXLEN);
    let mark = vm.rt.sp;
    let t = vm.type_of(vm.arg(a, 0));
    vm.push(t);
    let empty = vm.new_tuple(&[])?;
    let args = if maxlen.is_none() {
        empty
    } else {
        vm.new_tuple(&[empty, maxlen])?
    };
    vm.push(args);
    let state = instance_state(vm, a.base)?;
    vm.push(state);
    let it = vm.get_iter(vm.arg(a, 0))?;
    vm.push(it);
    let r = vm.tuple_from_stack(mark, 4);
    vm.truncate(mark);
    r
}

/// The attributes of the deque rooted at `ds` but its ring, as a dict; None
/// for an instance of `deque` itself (which has no `__dict__` in CPython).
fn instance_state<H: Heap>(vm: &mut Vm<H>, ds: usize) -> PyResult {
    let ring_sym = vm.intern(RING_ATTR);
    let ring_name = vm.sym(ring_sym);
    let names: Vec<Value> = vm
        .inst_names(vm.st(ds).as_obj())
        .into_iter()
        .filter(|&n| n != ring_name)
        .collect();
    let t = vm.type_of(vm.st(ds));
    let marker = vm.intern(FWD_ITER_CLS);
    let key = vm.sym(marker);
    let own = object::get(t.as_obj(), field::CLS_DICT);
    if names.is_empty() && vm.dict_get_str(own, key).is_some() {
        return Ok(Value::NONE);
    }
    let d = vm.new_dict()?;
    let dm = vm.push(d);
    for n in names {
        // Attribute names are interned strs: immortal, never moved.
        let sym = vm.intern(object::str_of(n.as_obj()));
        if let Some(v) = vm.inst_get(vm.st(ds).as_obj(), sym) {
            vm.dict_set_item(vm.st(dm), n, v)?;
        }
    }
    let d = vm.st(dm);
    vm.truncate(dm);
    Ok(d)
}
