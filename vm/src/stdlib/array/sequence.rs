//! The sequence protocol and operators of `array`: length, indexing,
//! slicing, item and slice assignment, deletion, `+`, `*` and their
//! in-place forms. Slices and results of `+`/`*` are plain `array`s.

use super::store::{append_bytes, convert, encode, item_value, splice, store_of};
use super::{base_class, new_array, this};
use crate::builtins::*;
use crate::object::{self, Kind};
use crate::value::Value;
use crate::vm::{Args, PyResult, Vm};
use gc_api::Heap;

/// Normalises index `i` against length `n`; `None` when out of range.
pub(super) fn in_range(i: i64, n: usize) -> Option<usize> {
    let j = if i < 0 { i + n as i64 } else { i };
    (0..n as i64).contains(&j).then_some(j as usize)
}

/// Is `v` a slice object?
fn is_slice(v: Value) -> bool {
    v.is_obj() && object::kind(v.as_obj()) == Kind::Slice
}

/// A subscript that is not a slice, as an index.
fn subscript_index<H: Heap>(vm: &mut Vm<H>, key: Value) -> PyResult<i64> {
    match vm.index_value(key)? {
        Some(i) => Ok(i),
        None => Err(vm.type_error("array indices must be integers")),
    }
}

/// The byte ranges' item indices `start, start+step, ...` (`count` of
/// them) that are below `n` (the array may have shrunk meanwhile).
fn slice_items(start: i64, step: i64, count: usize, n: usize) -> impl Iterator<Item = usize> {
    (0..count as i64)
        .map(move |k| start + k * step)
        .filter(move |&i| i >= 0 && (i as usize) < n)
        .map(|i| i as usize)
}

pub(super) fn index_error<H: Heap>(vm: &mut Vm<H>, msg: &str) -> crate::vm::Exc {
    vm.raise_msg(T_INDEX_ERROR, msg)
}

/// The error of a mixed-code operation.
fn bad_argument<H: Heap>(vm: &mut Vm<H>) -> crate::vm::Exc {
    vm.type_error("bad argument type for built-in operation")
}

// ------------------------------------------------------------ the sequence protocol

/// `len(a)`.
pub(super) fn array_len<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "__len__", 0, 0)?;
    Ok(Value::int(this(vm, a, "__len__")?.len() as i64))
}

/// `a[i]` and `a[slice]` (a slice is a new `array`, never a subclass).
pub(super) fn array_getitem<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "__getitem__", 1, 1)?;
    let s = this(vm, a, "__getitem__")?;
    let key = vm.arg(a, 1);
    if key.is_int() {
        return match in_range(key.as_int(), s.len()) {
            Some(i) => item_value(vm, s.get(i)),
            None => Err(index_error(vm, "array index out of range")),
        };
    }
    if !is_slice(key) {
        let i = subscript_index(vm, key)?;
        let s = store_of(vm, vm.arg(a, 0)).expect("an array");
        return match in_range(i, s.len()) {
            Some(i) => item_value(vm, s.get(i)),
            None => Err(index_error(vm, "array index out of range")),
        };
    }
    let (start, _, step, count) = vm.slice_indices(key, s.len())?;
    let s = store_of(vm, vm.arg(a, 0)).expect("an array");
    let size = s.code.size();
    let data = if step == 1 {
        let lo = (start.max(0) as usize).min(s.len());
        let hi = (lo + count).min(s.len());
        s.bytes()[lo * size..hi * size].to_vec()
    } else {
        let bytes = s.bytes();
        slice_items(start, step, count, s.len())
            .flat_map(|i| bytes[i * size..(i + 1) * size].iter().copied())
            .collect()
    };
    let cls = base_class(vm, vm.arg(a, 0));
    new_array(vm, cls, s.code, &data)
}

/// `a[i] = x` and `a[slice] = array`.
pub(super) fn array_setitem<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "__setitem__", 2, 2)?;
    let s = this(vm, a, "__setitem__")?;
    let key = vm.arg(a, 1);
    if !is_slice(key) {
        let i = subscript_index(vm, key)?;
        let n = store_of(vm, vm.arg(a, 0)).expect("an array").len();
        if in_range(i, n).is_none() {
            return Err(index_error(vm, "array assignment index out of range"));
        }
        let item = convert(vm, s.code, vm.arg(a, 2))?;
        let s = store_of(vm, vm.arg(a, 0)).expect("an array");
        let Some(at) = in_range(i, s.len()) else {
            return Err(index_error(vm, "array assignment index out of range"));
        };
        let mut packed = Vec::with_capacity(8);
        encode(s.code, item, &mut packed);
        let size = s.code.size();
        s.bytes_mut()[at * size..(at + 1) * size].copy_from_slice(&packed);
        return Ok(Value::NONE);
    }
    let Some(other) = store_of(vm, vm.arg(a, 2)) else {
        let msg = format!(
            "can only assign array (not \"{}\") to array slice",
            vm.type_name(vm.arg(a, 2))
        );
        return Err(vm.type_error(&msg));
    };
    if other.code != s.code {
        return Err(bad_argument(vm));
    }
    let data = other.bytes().to_vec();
    let (start, stop, step, count) = vm.slice_indices(key, s.len())?;
    let s = store_of(vm, vm.arg(a, 0)).expect("an array");
    let (n, size) = (s.len(), s.code.size());
    if step == 1 {
        let lo = (start.max(0) as usize).min(n);
        let hi = (stop.max(0) as usize).clamp(lo, n);
        splice(vm, a.base, lo * size, hi * size, &data)?;
        return Ok(Value::NONE);
    }
    let given = data.len() / size;
    if given == 0 {
        return delete_items(vm, a.base, start, step, count);
    }
    if given != count {
        let msg =
            format!("attempt to assign array of size {given} to extended slice of size {count}");
        return Err(vm.value_error(&msg));
    }
    let bytes = s.bytes_mut();
    for (k, i) in slice_items(start, step, count, n).enumerate() {
        bytes[i * size..(i + 1) * size].copy_from_slice(&data[k * size..(k + 1) * size]);
    }
    Ok(Value::NONE)
}

/// Deletes items `start, start+step, ...` (`count` of them) of the array
/// rooted at `slot`.
fn delete_items<H: Heap>(
    vm: &mut Vm<H>,
    slot: usize,
    start: i64,
    step: i64,
    count: usize,
) -> PyResult {
    let s = store_of(vm, vm.st(slot)).expect("an array");
    let (n, size) = (s.len(), s.code.size());
    let mut gone = vec![false; n];
    for i in slice_items(start, step, count, n) {
        gone[i] = true;
    }
    let bytes = s.bytes();
    let kept: Vec<u8> = (0..n)
        .filter(|&i| !gone[i])
        .flat_map(|i| bytes[i * size..(i + 1) * size].iter().copied())
        .collect();
    splice(vm, slot, 0, n * size, &kept)?;
    Ok(Value::NONE)
}

/// `del a[i]` and `del a[slice]`.
pub(super) fn array_delitem<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "__delitem__", 1, 1)?;
    let s = this(vm, a, "__delitem__")?;
    let key = vm.arg(a, 1);
    if !is_slice(key) {
        let i = subscript_index(vm, key)?;
        let s = store_of(vm, vm.arg(a, 0)).expect("an array");
        let Some(at) = in_range(i, s.len()) else {
            return Err(index_error(vm, "array assignment index out of range"));
        };
        let size = s.code.size();
        splice(vm, a.base, at * size, (at + 1) * size, &[])?;
        return Ok(Value::NONE);
    }
    let (start, stop, step, count) = vm.slice_indices(key, s.len())?;
    if step == 1 {
        let s = store_of(vm, vm.arg(a, 0)).expect("an array");
        let (n, size) = (s.len(), s.code.size());
        let lo = (start.max(0) as usize).min(n);
        let hi = (stop.max(0) as usize).clamp(lo, n);
        splice(vm, a.base, lo * size, hi * size, &[])?;
        return Ok(Value::NONE);
    }
    delete_items(vm, a.base, start, step, count)
}

/// `x in a`.
/// `a + b` (both arrays of one code).
pub(super) fn array_add<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "__add__", 1, 1)?;
    let x = this(vm, a, "__add__")?;
    let Some(y) = store_of(vm, vm.arg(a, 1)) else {
        let msg = format!(
            "can only append array (not \"{}\") to array",
            vm.type_name(vm.arg(a, 1))
        );
        return Err(vm.type_error(&msg));
    };
    if x.code != y.code {
        return Err(bad_argument(vm));
    }
    let data = [x.bytes(), y.bytes()].concat();
    let cls = base_class(vm, vm.arg(a, 0));
    new_array(vm, cls, x.code, &data)
}

/// `a += b`.
pub(super) fn array_iadd<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "__iadd__", 1, 1)?;
    let x = this(vm, a, "__iadd__")?;
    let Some(y) = store_of(vm, vm.arg(a, 1)) else {
        let msg = format!(
            "can only extend array with array (not \"{}\")",
            vm.type_name(vm.arg(a, 1))
        );
        return Err(vm.type_error(&msg));
    };
    if x.code != y.code {
        return Err(vm.type_error("can only extend with array of same kind"));
    }
    let data = y.bytes().to_vec();
    append_bytes(vm, a.base, &data)?;
    Ok(vm.arg(a, 0))
}

/// The repeat count of `a * n`; `None` means "not an int".
fn repeat_count<H: Heap>(vm: &mut Vm<H>, n: Value) -> PyResult<usize> {
    match vm.index_value(n)? {
        Some(k) => Ok(k.max(0) as usize),
        None => {
            let msg = format!(
                "can't multiply sequence by non-int of type '{}'",
                vm.type_name(n)
            );
            Err(vm.type_error(&msg))
        }
    }
}

/// The bytes of `data` repeated `k` times (MemoryError when too large).
fn repeated<H: Heap>(vm: &mut Vm<H>, data: &[u8], k: usize) -> PyResult<Vec<u8>> {
    match data.len().checked_mul(k) {
        Some(total) if total <= isize::MAX as usize => Ok(data.repeat(k)),
        _ => Err(vm.raise_msg(T_MEMORY_ERROR, "")),
    }
}

/// `a * n` and `n * a`.
pub(super) fn array_mul<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "__mul__", 1, 1)?;
    this(vm, a, "__mul__")?;
    let k = repeat_count(vm, vm.arg(a, 1))?;
    let s = store_of(vm, vm.arg(a, 0)).expect("an array");
    let data = repeated(vm, s.bytes(), k)?;
    let cls = base_class(vm, vm.arg(a, 0));
    new_array(vm, cls, s.code, &data)
}

/// `a *= n`.
pub(super) fn array_imul<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "__imul__", 1, 1)?;
    this(vm, a, "__imul__")?;
    let k = repeat_count(vm, vm.arg(a, 1))?;
    let s = store_of(vm, vm.arg(a, 0)).expect("an array");
    let data = repeated(vm, s.bytes(), k)?;
    let old = s.bytes().len();
    splice(vm, a.base, 0, old, &data)?;
    Ok(vm.arg(a, 0))
}
