//! `_bisect` and `_heapq`: the C halves of `bisect` and `heapq`, with
//! CPython's algorithms (`Modules/_bisectmodule.c`, `_heapqmodule.c`).
//!
//! Comparisons are Python `<` and may run arbitrary code; the heap
//! functions therefore re-read the list after each one and raise
//! CPython's `RuntimeError` if its size changed, and they swap items
//! instead of holding one aside, so the list is always a permutation of
//! what it held.

use crate::builtins::*;
use crate::bytecode::CmpOp;
use crate::object::{self, Kind};
use crate::value::Value;
use crate::vm::{Args, NativeFn, PyResult, Vm};
use gc_api::Heap;

/// The module names this file provides.
pub const MODULES: &[&str] = &["_bisect", "_heapq"];

/// Frozen Python source this file adds (name, source).
pub const FROZEN: &[(&str, &str)] = &[];

/// Fills in module `name`, rooted at stack slot `ms`.
pub(crate) fn init<H: Heap>(vm: &mut Vm<H>, name: &str, ms: usize) -> PyResult<()> {
    let fns: &[(&'static str, NativeFn<H>)] = if name == "_bisect" {
        &[
            ("bisect_right", bisect_right::<H>),
            ("bisect_left", bisect_left::<H>),
            ("insort_right", insort_right::<H>),
            ("insort_left", insort_left::<H>),
        ]
    } else {
        &[
            ("heappush", heappush::<H>),
            ("heappop", heappop::<H>),
            ("heapreplace", heapreplace::<H>),
            ("heappushpop", heappushpop::<H>),
            ("heapify", heapify::<H>),
            ("_heappop_max", heappop_max::<H>),
            ("_heapreplace_max", heapreplace_max::<H>),
            ("_heapify_max", heapify_max::<H>),
        ]
    };
    for &(n, f) in fns {
        vm.module_fn(ms, n, f)?;
    }
    Ok(())
}

/// `a < b` as a bool (the comparison may run Python code; both operands
/// are rooted for it).
fn less<H: Heap>(vm: &mut Vm<H>, a: Value, b: Value) -> PyResult<bool> {
    let mark = vm.push(a);
    vm.push(b);
    let r = vm
        .compare_op(CmpOp::Lt, vm.st(mark), vm.st(mark + 1))
        .and_then(|r| vm.truthy(r));
    vm.truncate(mark);
    r
}

// ------------------------------------------------------------------ bisect

/// The arguments `(a, x, lo=0, hi=None, *, key=None)` of the bisect and
/// insort functions: `lo`, `hi` resolved; `a`, `x` and `key` stay in
/// their argument slots (read with [`arg_or_kw`]).
fn bisect_bounds<H: Heap>(vm: &mut Vm<H>, a: Args, name: &str) -> PyResult<(usize, usize)> {
    vm.check_kwargs(a, name, &["a", "x", "lo", "hi", "key"])?;
    vm.check_count(a, name, 0, 4)?;
    for (i, p) in ["a", "x"].into_iter().enumerate() {
        if arg_or_kw(vm, a, i, p).is_none() {
            let msg = format!("{name}() missing required argument '{p}' (pos {})", i + 1);
            return Err(vm.type_error(&msg));
        }
    }
    let lo = match arg_or_kw(vm, a, 2, "lo") {
        Some(v) => vm.index_int(v)?,
        None => 0,
    };
    if lo < 0 {
        return Err(vm.value_error("lo must be non-negative"));
    }
    let hi = match arg_or_kw(vm, a, 3, "hi") {
        Some(v) if !v.is_none() => vm.index_int(v)?,
        _ => {
            let seq = arg_or_kw(vm, a, 0, "a").expect("checked");
            match vm.len_opt(seq)? {
                Some(n) => n as i64,
                None => {
                    let msg = format!("object of type '{}' has no len()", vm.type_name(seq));
                    return Err(vm.type_error(&msg));
                }
            }
        }
    };
    Ok((lo as usize, hi.max(0) as usize))
}

/// Positional argument `i`, else keyword `name`.
fn arg_or_kw<H: Heap>(vm: &Vm<H>, a: Args, i: usize, name: &str) -> Option<Value> {
    if i < a.n {
        Some(vm.arg(a, i))
    } else {
        vm.kwarg(a, name)
    }
}

/// The bisection: the insertion point of `x` (at slot `xs`) in the
/// sequence at slot `ss` between `lo` and `hi`, comparing `key(item)`
/// when a key function sits at slot `ks` (NULL: none). `right` puts equal
/// items before the point.
fn bisect<H: Heap>(
    vm: &mut Vm<H>,
    (ss, xs, ks): (usize, usize, usize),
    (mut lo, mut hi): (usize, usize),
    right: bool,
) -> PyResult<usize> {
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let mut item = vm.getitem(vm.st(ss), Value::int(mid as i64))?;
        if !vm.st(ks).is_null() && !vm.st(ks).is_none() {
            item = vm.call_values(vm.st(ks), &[item])?;
        }
        let goes_left = if right {
            less(vm, vm.st(xs), item)?
        } else {
            !less(vm, item, vm.st(xs))?
        };
        if goes_left {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    Ok(lo)
}

/// `bisect_right`/`bisect_left(a, x, lo=0, hi=len(a), *, key=None)`.
fn bisect_fn<H: Heap>(vm: &mut Vm<H>, a: Args, name: &str, right: bool) -> PyResult {
    let bounds = bisect_bounds(vm, a, name)?;
    let mark = vm.rt.sp;
    for (i, p) in [(0, "a"), (1, "x"), (4, "key")] {
        let v = arg_or_kw(vm, a, i, p).unwrap_or(Value::NULL);
        vm.push(v);
    }
    let r = bisect(vm, (mark, mark + 1, mark + 2), bounds, right);
    vm.truncate(mark);
    Ok(Value::int(r? as i64))
}

fn bisect_right<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    bisect_fn(vm, a, "bisect_right", true)
}

fn bisect_left<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    bisect_fn(vm, a, "bisect_left", false)
}

/// `insort_right`/`insort_left(a, x, ...)`: `a.insert(bisect(...), x)`,
/// bisecting on `key(x)` when there is a key.
fn insort_fn<H: Heap>(vm: &mut Vm<H>, a: Args, name: &str, right: bool) -> PyResult {
    let bounds = bisect_bounds(vm, a, name)?;
    let mark = vm.rt.sp;
    for (i, p) in [(0, "a"), (1, "x"), (4, "key")] {
        let v = arg_or_kw(vm, a, i, p).unwrap_or(Value::NULL);
        vm.push(v);
    }
    let r = insort(vm, mark, bounds, right);
    vm.truncate(mark);
    r
}

/// [`insort_fn`] with `a`, `x`, `key` at slots `at..at + 3`.
fn insort<H: Heap>(vm: &mut Vm<H>, at: usize, bounds: (usize, usize), right: bool) -> PyResult {
    let key = vm.st(at + 2);
    let probe = if key.is_null() || key.is_none() {
        vm.st(at + 1)
    } else {
        vm.call_values(key, &[vm.st(at + 1)])?
    };
    let ps = vm.push(probe);
    let index = bisect(vm, (at, ps, at + 2), bounds, right)?;
    let sym = vm.intern("insert");
    let f = vm.getattr(vm.st(at), sym)?;
    vm.call_values(f, &[Value::int(index as i64), vm.st(at + 1)])?;
    Ok(Value::NONE)
}

fn insort_right<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    insort_fn(vm, a, "insort_right", true)
}

fn insort_left<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    insort_fn(vm, a, "insort_left", false)
}

// ------------------------------------------------------------------- heapq

/// The list heap function `name` (taking `nargs` arguments) works on: a
/// list or an instance of a list subclass; TypeError otherwise, worded as
/// CPython's argument clinic words it.
fn heap_list<H: Heap>(vm: &mut Vm<H>, v: Value, name: &str, nargs: usize) -> PyResult<Value> {
    let l = Vm::<H>::unbox(v);
    if l.is_obj() && object::kind(l.as_obj()) == Kind::List {
        return Ok(l);
    }
    let which = if nargs == 1 { "argument" } else { "argument 1" };
    let got = if v.is_none() {
        "None".to_string()
    } else {
        vm.type_name(v)
    };
    let msg = format!("{name}() {which} must be list, not {got}");
    Err(vm.type_error(&msg))
}

/// Compares items `i < j` of the list at slot `hs` (`i`, `j` in bounds),
/// then checks the list still has `size` items.
fn item_less<H: Heap>(
    vm: &mut Vm<H>,
    hs: usize,
    i: usize,
    j: usize,
    size: usize,
) -> PyResult<bool> {
    let l = vm.st(hs);
    let (a, b) = (Vm::<H>::list_get(l, i), Vm::<H>::list_get(l, j));
    let lt = less(vm, a, b)?;
    if Vm::<H>::list_len(vm.st(hs)) != size {
        return Err(vm.raise_msg(T_RUNTIME_ERROR, "list changed size during iteration"));
    }
    Ok(lt)
}

/// Swaps items `i` and `j` of the list at slot `hs`.
fn swap<H: Heap>(vm: &mut Vm<H>, hs: usize, i: usize, j: usize) {
    let l = vm.st(hs);
    let (a, b) = (Vm::<H>::list_get(l, i), Vm::<H>::list_get(l, j));
    vm.list_set(l, i, b);
    vm.list_set(l, j, a);
}

/// Moves the item at `pos` up towards `start` while it is smaller than
/// its parent (larger, for a max-heap).
fn sift_down<H: Heap>(
    vm: &mut Vm<H>,
    hs: usize,
    start: usize,
    mut pos: usize,
    max: bool,
) -> PyResult<()> {
    let size = Vm::<H>::list_len(vm.st(hs));
    if pos >= size {
        return Err(vm.raise_msg(T_INDEX_ERROR, "list index out of range"));
    }
    while pos > start {
        let parent = (pos - 1) >> 1;
        let moves = if max {
            item_less(vm, hs, parent, pos, size)?
        } else {
            item_less(vm, hs, pos, parent, size)?
        };
        if !moves {
            break;
        }
        swap(vm, hs, parent, pos);
        pos = parent;
    }
    Ok(())
}

/// Moves the smaller child up until `pos` is a leaf, then sifts the item
/// that started at `pos` back down into place (CPython's bottom-up
/// siftup; `max` for a max-heap).
fn sift_up<H: Heap>(vm: &mut Vm<H>, hs: usize, mut pos: usize, max: bool) -> PyResult<()> {
    let end = Vm::<H>::list_len(vm.st(hs));
    let start = pos;
    if pos >= end {
        return Err(vm.raise_msg(T_INDEX_ERROR, "list index out of range"));
    }
    let limit = end >> 1;
    while pos < limit {
        let mut child = 2 * pos + 1;
        if child + 1 < end {
            let left_first = if max {
                item_less(vm, hs, child + 1, child, end)?
            } else {
                item_less(vm, hs, child, child + 1, end)?
            };
            if !left_first {
                child += 1;
            }
        }
        swap(vm, hs, pos, child);
        pos = child;
    }
    sift_down(vm, hs, start, pos, max)
}

/// Runs `f` on the heap list of argument 0 rooted in a fresh slot.
fn with_heap<H: Heap>(
    vm: &mut Vm<H>,
    a: Args,
    name: &str,
    nargs: usize,
    f: impl FnOnce(&mut Vm<H>, usize) -> PyResult,
) -> PyResult {
    vm.check_args(a, name, nargs, nargs)?;
    let l = heap_list(vm, vm.arg(a, 0), name, nargs)?;
    let hs = vm.push(l);
    let r = f(vm, hs);
    vm.truncate(hs);
    r
}

/// `heappush(heap, item)`.
fn heappush<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    with_heap(vm, a, "heappush", 2, |vm, hs| {
        vm.list_append(vm.st(hs), vm.arg(a, 1))?;
        let last = Vm::<H>::list_len(vm.st(hs)) - 1;
        sift_down(vm, hs, 0, last, false)?;
        Ok(Value::NONE)
    })
}

/// `heappop(heap)` (and `_heappop_max`).
fn pop<H: Heap>(vm: &mut Vm<H>, a: Args, name: &str, max: bool) -> PyResult {
    with_heap(vm, a, name, 1, |vm, hs| {
        if Vm::<H>::list_len(vm.st(hs)) == 0 {
            return Err(vm.raise_msg(T_INDEX_ERROR, "index out of range"));
        }
        let n = Vm::<H>::list_len(vm.st(hs));
        let last = vm.list_remove_at(vm.st(hs), n - 1);
        let l = vm.st(hs);
        if Vm::<H>::list_len(l) == 0 {
            return Ok(last);
        }
        let top = Vm::<H>::list_get(l, 0);
        vm.list_set(l, 0, last);
        let ts = vm.push(top);
        sift_up(vm, hs, 0, max)?;
        Ok(vm.st(ts))
    })
}

fn heappop<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    pop(vm, a, "heappop", false)
}

fn heappop_max<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    pop(vm, a, "_heappop_max", true)
}

/// `heapreplace(heap, item)` (and `_heapreplace_max`): pop, then push.
fn replace<H: Heap>(vm: &mut Vm<H>, a: Args, name: &str, max: bool) -> PyResult {
    with_heap(vm, a, name, 2, |vm, hs| {
        let l = vm.st(hs);
        if Vm::<H>::list_len(l) == 0 {
            return Err(vm.raise_msg(T_INDEX_ERROR, "index out of range"));
        }
        let top = Vm::<H>::list_get(l, 0);
        vm.list_set(l, 0, vm.arg(a, 1));
        let ts = vm.push(top);
        sift_up(vm, hs, 0, max)?;
        Ok(vm.st(ts))
    })
}

fn heapreplace<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    replace(vm, a, "heapreplace", false)
}

fn heapreplace_max<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    replace(vm, a, "_heapreplace_max", true)
}

/// `heappushpop(heap, item)`: push, then pop, in one step.
fn heappushpop<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    with_heap(vm, a, "heappushpop", 2, |vm, hs| {
        let l = vm.st(hs);
        if Vm::<H>::list_len(l) == 0 {
            return Ok(vm.arg(a, 1));
        }
        let top = Vm::<H>::list_get(l, 0);
        if !less(vm, top, vm.arg(a, 1))? {
            return Ok(vm.arg(a, 1));
        }
        let l = vm.st(hs);
        if Vm::<H>::list_len(l) == 0 {
            return Err(vm.raise_msg(T_INDEX_ERROR, "index out of range"));
        }
        let top = Vm::<H>::list_get(l, 0);
        vm.list_set(l, 0, vm.arg(a, 1));
        let ts = vm.push(top);
        sift_up(vm, hs, 0, false)?;
        Ok(vm.st(ts))
    })
}

/// `heapify(heap)` (and `_heapify_max`): sift up every parent, last first.
fn heapify_fn<H: Heap>(vm: &mut Vm<H>, a: Args, name: &str, max: bool) -> PyResult {
    with_heap(vm, a, name, 1, |vm, hs| {
        let n = Vm::<H>::list_len(vm.st(hs));
        for i in (0..n / 2).rev() {
            sift_up(vm, hs, i, max)?;
        }
        Ok(Value::NONE)
    })
}

fn heapify<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    heapify_fn(vm, a, "heapify", false)
}

fn heapify_max<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    heapify_fn(vm, a, "_heapify_max", true)
}
