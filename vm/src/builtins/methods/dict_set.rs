//! `dict`, `set` and `frozenset` methods.

use crate::builtins::*;
use crate::bytecode::BinOp;
use crate::object::{self, Kind, field};
use crate::value::Value;
use crate::vm::{Args, PyResult, Vm};
use gc_api::Heap;

pub(super) fn install<H: Heap>(vm: &mut Vm<H>) {
    vm.def_method(T_DICT, "get", get::<H>);
    vm.def_method(T_DICT, "keys", keys::<H>);
    vm.def_method(T_DICT, "values", values::<H>);
    vm.def_method(T_DICT, "items", items::<H>);
    vm.def_method(T_DICT, "pop", pop::<H>);
    vm.def_method(T_DICT, "popitem", popitem::<H>);
    vm.def_method(T_DICT, "setdefault", setdefault::<H>);
    vm.def_method(T_DICT, "update", update::<H>);
    vm.def_method(T_DICT, "copy", dict_copy::<H>);
    vm.def_method(T_DICT, "clear", dict_clear::<H>);
    vm.def_classmethod(T_DICT, "fromkeys", fromkeys::<H>);
    for t in [T_SET, T_FROZENSET] {
        vm.def_method(t, "union", union::<H>);
        vm.def_method(t, "intersection", intersection::<H>);
        vm.def_method(t, "difference", difference::<H>);
        vm.def_method(t, "symmetric_difference", symmetric_difference::<H>);
        vm.def_method(t, "issubset", issubset::<H>);
        vm.def_method(t, "issuperset", issuperset::<H>);
        vm.def_method(t, "isdisjoint", isdisjoint::<H>);
        vm.def_method(t, "copy", set_copy::<H>);
    }
    vm.def_method(T_SET, "add", add::<H>);
    vm.def_method(T_SET, "discard", discard::<H>);
    vm.def_method(T_SET, "remove", remove::<H>);
    vm.def_method(T_SET, "pop", set_pop::<H>);
    vm.def_method(T_SET, "clear", set_clear::<H>);
    vm.def_method(T_SET, "update", set_update::<H>);
    vm.def_method(T_SET, "intersection_update", intersection_update::<H>);
    vm.def_method(T_SET, "difference_update", difference_update::<H>);
    for t in [T_DICT_KEYS, T_DICT_ITEMS] {
        vm.def_method(t, "isdisjoint", isdisjoint::<H>);
    }
    vm.def_method(
        T_SET,
        "symmetric_difference_update",
        symmetric_difference_update::<H>,
    );
}

fn get<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "get", 2, 3)?;
    match vm.dict_get_item(vm.arg(a, 0), vm.arg(a, 1))? {
        Some(v) => Ok(v),
        None => Ok(if a.n == 3 { vm.arg(a, 2) } else { Value::NONE }),
    }
}

fn view<H: Heap>(vm: &mut Vm<H>, a: Args, which: usize, name: &str) -> PyResult {
    vm.check_args(a, name, 1, 1)?;
    // A live view of the dict (it sees later changes), as in CPython.
    let v = vm.alloc_fixed(Kind::DictView)?;
    object::init(v, field::VIEW_DICT, vm.arg(a, 0));
    object::set_word(v, field::VIEW_WHICH, which);
    Ok(Value::obj(v))
}

fn keys<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    view(vm, a, 0, "keys")
}

fn values<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    view(vm, a, 1, "values")
}

fn items<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    view(vm, a, 2, "items")
}

fn pop<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "pop", 2, 3)?;
    match vm.dict_get_item(vm.arg(a, 0), vm.arg(a, 1))? {
        Some(v) => {
            let vs = vm.push(v);
            vm.dict_del_item(vm.arg(a, 0), vm.arg(a, 1))?;
            let v = vm.st(vs);
            vm.truncate(vs);
            Ok(v)
        }
        None if a.n == 3 => Ok(vm.arg(a, 2)),
        None => {
            let e = vm.call_values(vm.class(T_KEY_ERROR), &[vm.arg(a, 1)])?;
            Err(vm.raise_value(e, Value::NULL))
        }
    }
}

fn popitem<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "popitem", 1, 1)?;
    let d = vm.arg(a, 0);
    let mut i = Vm::<H>::dict_used(d);
    while i > 0 {
        i -= 1;
        let (k, v) = Vm::<H>::dict_entry(d, i);
        if k.is_null() || k == Value::DUMMY {
            continue;
        }
        let t = vm.new_tuple(&[k, v])?;
        let ts = vm.push(t);
        // The key may have moved: take it from the new tuple.
        let k = object::array_get(t.as_obj(), 0);
        vm.dict_del_item(vm.arg(a, 0), k)?;
        let t = vm.st(ts);
        vm.truncate(ts);
        return Ok(t);
    }
    Err(vm.raise_msg(T_KEY_ERROR, "popitem(): dictionary is empty"))
}

fn setdefault<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "setdefault", 2, 3)?;
    if let Some(v) = vm.dict_get_item(vm.arg(a, 0), vm.arg(a, 1))? {
        return Ok(v);
    }
    let v = if a.n == 3 { vm.arg(a, 2) } else { Value::NONE };
    vm.dict_set_item(vm.arg(a, 0), vm.arg(a, 1), v)?;
    // Re-read: inserting may have moved the default (it is rooted in args).
    Ok(if a.n == 3 { vm.arg(a, 2) } else { Value::NONE })
}

fn update<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_count(a, "update", 1, 2)?;
    if a.n == 2 {
        vm.dict_update(vm.arg(a, 0), vm.arg(a, 1))?;
    }
    let nkw = vm.nkw(a);
    for i in 0..nkw {
        let k = object::array_get(vm.kwnames(a).as_obj(), i);
        vm.dict_set_item(vm.arg(a, 0), k, vm.st(a.base + a.n + i))?;
    }
    Ok(Value::NONE)
}

fn dict_copy<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "copy", 1, 1)?;
    let d = vm.new_dict()?;
    let ds = vm.push(d);
    vm.dict_update(d, vm.arg(a, 0))?;
    let d = vm.st(ds);
    vm.truncate(ds);
    Ok(d)
}

fn dict_clear<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "clear", 1, 1)?;
    let fresh = vm.new_dict()?;
    let d = vm.arg(a, 0).as_obj();
    for f in [field::DICT_ENTRIES, field::DICT_INDEX] {
        vm.store(d, f, object::get(fresh.as_obj(), f));
    }
    object::set_word(d, field::DICT_LEN, 0);
    object::set_word(d, field::DICT_USED, 0);
    vm.bump_dict_version(Value::obj(d));
    Ok(Value::NONE)
}

fn fromkeys<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "fromkeys", 2, 3)?;
    let d = vm.new_dict()?;
    let ds = vm.push(d);
    let v = if a.n == 3 { vm.arg(a, 2) } else { Value::NONE };
    let vs = vm.push(v);
    let it = vm.get_iter(vm.arg(a, 1))?;
    let its = vm.push(it);
    while let Some(k) = vm.iter_next(its)? {
        vm.dict_set_item(vm.st(ds), k, vm.st(vs))?;
    }
    let d = vm.st(ds);
    vm.truncate(ds);
    Ok(d)
}

/// A new set of the same kind as `like` holding the items of `src` that
/// pass `keep(item)`.
fn filtered<H: Heap>(
    vm: &mut Vm<H>,
    like: Value,
    src: Value,
    keep: &mut dyn FnMut(&mut Vm<H>, Value) -> PyResult<bool>,
) -> PyResult {
    let kind = object::kind(like.as_obj());
    let src_slot = vm.push(src);
    let s = vm.new_set(kind)?;
    let ss = vm.push(s);
    let it = vm.get_iter(vm.st(src_slot))?;
    let its = vm.push(it);
    while let Some(x) = vm.iter_next(its)? {
        let xs = vm.push(x);
        if keep(vm, x)? {
            vm.set_add(vm.st(ss), vm.st(xs))?;
        }
        vm.truncate(xs);
    }
    let s = vm.st(ss);
    vm.truncate(src_slot);
    Ok(s)
}

/// `other` as a set (for membership tests), rooted by the caller.
fn as_set<H: Heap>(vm: &mut Vm<H>, other: Value) -> PyResult {
    if other.is_obj() && matches!(object::kind(other.as_obj()), Kind::Set | Kind::FrozenSet) {
        return Ok(other);
    }
    let os = vm.push(other);
    let s = vm.new_set(Kind::Set)?;
    let ss = vm.push(s);
    vm.set_update(s, vm.st(os))?;
    let s = vm.st(ss);
    vm.truncate(os);
    Ok(s)
}

fn union<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let s = filtered(vm, vm.arg(a, 0), vm.arg(a, 0), &mut |_, _| Ok(true))?;
    let ss = vm.push(s);
    for i in 1..a.n {
        vm.set_update(vm.st(ss), vm.arg(a, i))?;
    }
    let s = vm.st(ss);
    vm.truncate(ss);
    Ok(s)
}

fn intersection<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    // The intersection so far lives in a stack slot: `as_set` and
    // `filtered` allocate, and the collector may move it.
    let cur = vm.push(vm.arg(a, 0));
    for i in 1..a.n {
        let o = as_set(vm, vm.arg(a, i))?;
        let os = vm.push(o);
        let next = filtered(vm, vm.arg(a, 0), vm.st(cur), &mut |vm, x| {
            let o = vm.st(os);
            vm.set_contains(o, x)
        })?;
        vm.set_st(cur, next);
        vm.truncate(os);
    }
    if a.n == 1 {
        let all = filtered(vm, vm.st(cur), vm.st(cur), &mut |_, _| Ok(true))?;
        vm.set_st(cur, all);
    }
    let r = vm.st(cur);
    vm.truncate(cur);
    Ok(r)
}

fn difference<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let mut cur = filtered(vm, vm.arg(a, 0), vm.arg(a, 0), &mut |_, _| Ok(true))?;
    let mark = vm.push(cur);
    for i in 1..a.n {
        let o = as_set(vm, vm.arg(a, i))?;
        let os = vm.push(o);
        cur = filtered(vm, vm.arg(a, 0), vm.st(mark), &mut |vm, x| {
            let o = vm.st(os);
            Ok(!vm.set_contains(o, x)?)
        })?;
        vm.set_st(mark, cur);
    }
    vm.truncate(mark);
    Ok(cur)
}

fn symmetric_difference<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "symmetric_difference", 2, 2)?;
    let o = as_set(vm, vm.arg(a, 1))?;
    let os = vm.push(o);
    let left = filtered(vm, vm.arg(a, 0), vm.arg(a, 0), &mut |vm, x| {
        let o = vm.st(os);
        Ok(!vm.set_contains(o, x)?)
    })?;
    let ls = vm.push(left);
    let right = filtered(vm, vm.arg(a, 0), vm.st(os), &mut |vm, x| {
        Ok(!vm.set_contains(vm.arg(a, 0), x)?)
    })?;
    vm.set_update(vm.st(ls), right)?;
    let l = vm.st(ls);
    vm.truncate(os);
    Ok(l)
}

fn subset_of<H: Heap>(vm: &mut Vm<H>, a: Value, b: Value) -> PyResult<bool> {
    let mark = vm.push(a);
    let bs = as_set(vm, b)?;
    let bss = vm.push(bs);
    let it = vm.get_iter(vm.st(mark))?;
    let its = vm.push(it);
    while let Some(x) = vm.iter_next(its)? {
        if !vm.set_contains(vm.st(bss), x)? {
            vm.truncate(mark);
            return Ok(false);
        }
    }
    vm.truncate(mark);
    Ok(true)
}

fn issubset<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "issubset", 2, 2)?;
    subset_of(vm, vm.arg(a, 0), vm.arg(a, 1)).map(Value::bool)
}

fn issuperset<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "issuperset", 2, 2)?;
    subset_of(vm, vm.arg(a, 1), vm.arg(a, 0)).map(Value::bool)
}

/// `isdisjoint(iterable)` of sets and of the keys and items views.
fn isdisjoint<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "isdisjoint", 2, 2)?;
    let it = vm.get_iter(vm.arg(a, 1))?;
    let its = vm.push(it);
    while let Some(x) = vm.iter_next(its)? {
        if vm.contains(vm.arg(a, 0), x)? {
            vm.truncate(its);
            return Ok(Value::FALSE);
        }
    }
    vm.truncate(its);
    Ok(Value::TRUE)
}

fn set_copy<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "copy", 1, 1)?;
    filtered(vm, vm.arg(a, 0), vm.arg(a, 0), &mut |_, _| Ok(true))
}

fn add<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "add", 2, 2)?;
    vm.set_add(vm.arg(a, 0), vm.arg(a, 1))?;
    Ok(Value::NONE)
}

fn discard<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "discard", 2, 2)?;
    vm.set_discard(vm.arg(a, 0), vm.arg(a, 1))?;
    Ok(Value::NONE)
}

fn remove<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "remove", 2, 2)?;
    if !vm.set_discard(vm.arg(a, 0), vm.arg(a, 1))? {
        let e = vm.call_values(vm.class(T_KEY_ERROR), &[vm.arg(a, 1)])?;
        return Err(vm.raise_value(e, Value::NULL));
    }
    Ok(Value::NONE)
}

fn set_pop<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "pop", 1, 1)?;
    let s = vm.arg(a, 0);
    for i in 0..Vm::<H>::set_slots(s) {
        let k = Vm::<H>::set_key_at(s, i);
        if !k.is_null() && k != Value::DUMMY {
            let ks = vm.push(k);
            vm.set_discard(vm.arg(a, 0), k)?;
            let k = vm.st(ks);
            vm.truncate(ks);
            return Ok(k);
        }
    }
    Err(vm.raise_msg(T_KEY_ERROR, "pop from an empty set"))
}

fn set_clear<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "clear", 1, 1)?;
    let fresh = vm.new_set(Kind::Set)?;
    let s = vm.arg(a, 0).as_obj();
    vm.store(
        s,
        field::SET_TABLE,
        object::get(fresh.as_obj(), field::SET_TABLE),
    );
    for f in [field::SET_FILL, field::SET_USED, field::SET_MASK] {
        object::set_word(s, f, object::word(fresh.as_obj(), f));
    }
    Ok(Value::NONE)
}

fn set_update<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    for i in 1..a.n {
        vm.set_update(vm.arg(a, 0), vm.arg(a, i))?;
    }
    Ok(Value::NONE)
}

fn replace_contents<H: Heap>(vm: &mut Vm<H>, target: Value, src: Value) -> PyResult<()> {
    let t = target.as_obj();
    vm.store(
        t,
        field::SET_TABLE,
        object::get(src.as_obj(), field::SET_TABLE),
    );
    for f in [field::SET_FILL, field::SET_USED, field::SET_MASK] {
        object::set_word(t, f, object::word(src.as_obj(), f));
    }
    Ok(())
}

fn intersection_update<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let r = intersection(vm, a)?;
    replace_contents(vm, vm.arg(a, 0), r)?;
    Ok(Value::NONE)
}

fn difference_update<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let r = difference(vm, a)?;
    replace_contents(vm, vm.arg(a, 0), r)?;
    Ok(Value::NONE)
}

fn symmetric_difference_update<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let r = symmetric_difference(vm, a)?;
    replace_contents(vm, vm.arg(a, 0), r)?;
    Ok(Value::NONE)
}

/// Is `v` a set-like dict view (`keys()` or `items()`; `values()` is not)?
pub(crate) fn is_set_view(v: Value) -> bool {
    v.is_obj()
        && object::kind(v.as_obj()) == Kind::DictView
        && object::word(v.as_obj(), field::VIEW_WHICH) != 1
}

/// `a | b`, `a & b`, `a - b` and `a ^ b` where one side is a set-like dict
/// view, the other any iterable: as CPython's dict views do it, a new set of
/// `a`'s items updated with the operation by `b`.
pub(crate) fn view_set_op<H: Heap>(vm: &mut Vm<H>, op: BinOp, a: Value, b: Value) -> PyResult {
    let mark = vm.push(a);
    vm.push(b);
    let s = vm.new_set(Kind::Set)?;
    let ss = vm.push(s);
    vm.set_update(s, vm.st(mark))?;
    let update = match op {
        BinOp::Or => set_update::<H>,
        BinOp::And => intersection_update::<H>,
        BinOp::Sub => difference_update::<H>,
        _ => symmetric_difference_update::<H>,
    };
    vm.push(vm.st(ss));
    vm.push(vm.st(mark + 1));
    update(vm, Args::positional(ss + 1, 2))?;
    let r = vm.st(ss);
    vm.truncate(mark);
    Ok(r)
}
