//! `list` and `tuple` methods, and the stable sort behind `sorted`.

use crate::builtins::*;
use crate::bytecode::CmpOp;
use crate::object::{self, Kind, field};
use crate::value::Value;
use crate::vm::{Args, PyResult, Vm};
use gc_api::Heap;

pub(super) fn install<H: Heap>(vm: &mut Vm<H>) {
    vm.def_method(T_LIST, "append", append::<H>);
    vm.def_method(T_LIST, "extend", extend::<H>);
    vm.def_method(T_LIST, "pop", pop::<H>);
    vm.def_method(T_LIST, "insert", insert::<H>);
    vm.def_method(T_LIST, "remove", remove::<H>);
    vm.def_method(T_LIST, "index", index::<H>);
    vm.def_method(T_LIST, "count", count::<H>);
    vm.def_method(T_LIST, "sort", sort::<H>);
    vm.def_method(T_LIST, "reverse", reverse::<H>);
    vm.def_method(T_LIST, "copy", copy::<H>);
    vm.def_method(T_LIST, "clear", clear::<H>);
    vm.def_method(T_TUPLE, "index", index::<H>);
    vm.def_method(T_TUPLE, "count", count::<H>);
}

fn append<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "append", 2, 2)?;
    vm.list_append(vm.arg(a, 0), vm.arg(a, 1))?;
    Ok(Value::NONE)
}

fn extend<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "extend", 2, 2)?;
    vm.list_extend(vm.arg(a, 0), vm.arg(a, 1))?;
    Ok(Value::NONE)
}

fn pop<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "pop", 1, 2)?;
    let l = vm.arg(a, 0);
    let len = Vm::<H>::list_len(l);
    if len == 0 {
        return Err(vm.raise_msg(T_INDEX_ERROR, "pop from empty list"));
    }
    let i = if a.n == 2 {
        let i = vm.index_value(vm.arg(a, 1))?.unwrap_or(0);
        let j = if i < 0 { i + len as i64 } else { i };
        if j < 0 || j >= len as i64 {
            return Err(vm.raise_msg(T_INDEX_ERROR, "pop index out of range"));
        }
        j as usize
    } else {
        len - 1
    };
    Ok(vm.list_remove_at(l, i))
}

fn insert<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "insert", 3, 3)?;
    let l = vm.arg(a, 0);
    let len = Vm::<H>::list_len(l) as i64;
    let i = vm.index_value(vm.arg(a, 1))?.unwrap_or(0);
    let i = if i < 0 { (i + len).max(0) } else { i.min(len) } as usize;
    vm.list_append(l, Value::NONE)?;
    let l = vm.arg(a, 0);
    let len = Vm::<H>::list_len(l);
    for k in (i + 1..len).rev() {
        let x = Vm::<H>::list_get(l, k - 1);
        vm.list_set(l, k, x);
    }
    vm.list_set(l, i, vm.arg(a, 2));
    Ok(Value::NONE)
}

fn find<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult<Option<usize>> {
    let seq = vm.arg(a, 0);
    let len = vm.seq_len(seq);
    let norm = |i: i64| -> usize { (if i < 0 { (i + len as i64).max(0) } else { i }) as usize };
    let start = if a.n > 2 {
        norm(vm.index_value(vm.arg(a, 2))?.unwrap_or(0))
    } else {
        0
    };
    let stop = if a.n > 3 {
        norm(vm.index_value(vm.arg(a, 3))?.unwrap_or(0))
    } else {
        len
    };
    let mut i = start;
    while i < stop.min(vm.seq_len(vm.arg(a, 0))) {
        let x = vm.seq_get(vm.arg(a, 0), i);
        if vm.eq(x, vm.arg(a, 1))? {
            return Ok(Some(i));
        }
        i += 1;
    }
    Ok(None)
}

fn index<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "index", 2, 4)?;
    match find(vm, a)? {
        Some(i) => Ok(Value::int(i as i64)),
        None => {
            let what = if object::kind(vm.arg(a, 0).as_obj()) == Kind::List {
                "list.index(x): x not in list"
            } else {
                "tuple.index(x): x not in tuple"
            };
            Err(vm.value_error(what))
        }
    }
}

fn count<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "count", 2, 2)?;
    let mut n = 0;
    let mut i = 0;
    while i < vm.seq_len(vm.arg(a, 0)) {
        let x = vm.seq_get(vm.arg(a, 0), i);
        if vm.eq(x, vm.arg(a, 1))? {
            n += 1;
        }
        i += 1;
    }
    Ok(Value::int(n))
}

fn remove<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "remove", 2, 2)?;
    match find(vm, a)? {
        Some(i) => {
            vm.list_remove_at(vm.arg(a, 0), i);
            Ok(Value::NONE)
        }
        None => Err(vm.value_error("list.remove(x): x not in list")),
    }
}

fn sort<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "sort", &["key", "reverse"])?;
    vm.check_count(a, "sort", 1, 1)?;
    let key = vm.kwarg(a, "key").unwrap_or(Value::NONE);
    let rev = match vm.kwarg(a, "reverse") {
        Some(r) => vm.truthy(r)?,
        None => false,
    };
    vm.list_sort(vm.arg(a, 0), key, rev)?;
    Ok(Value::NONE)
}

fn reverse<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "reverse", 1, 1)?;
    let l = vm.arg(a, 0);
    let n = Vm::<H>::list_len(l);
    for i in 0..n / 2 {
        let (x, y) = (Vm::<H>::list_get(l, i), Vm::<H>::list_get(l, n - 1 - i));
        vm.list_set(l, i, y);
        vm.list_set(l, n - 1 - i, x);
    }
    Ok(Value::NONE)
}

fn copy<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "copy", 1, 1)?;
    let l = vm.new_list(Vm::<H>::list_len(vm.arg(a, 0)))?;
    let ls = vm.push(l);
    vm.list_extend(l, vm.arg(a, 0))?;
    let l = vm.st(ls);
    vm.truncate(ls);
    Ok(l)
}

fn clear<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "clear", 1, 1)?;
    let l = vm.arg(a, 0);
    for i in 0..Vm::<H>::list_len(l) {
        vm.list_set(l, i, Value::NULL);
    }
    object::set_word(l.as_obj(), field::LIST_LEN, 0);
    Ok(Value::NONE)
}

impl<H: Heap> Vm<H> {
    /// Stable in-place sort with optional key and reverse (merge sort on
    /// rooted items, so comparisons may run Python code and collect).
    pub fn list_sort(&mut self, l: Value, key: Value, reverse: bool) -> PyResult<()> {
        let n = Self::list_len(l);
        let key_slot = self.push(key);
        let mark = self.push(l);
        let items = self.rt.sp;
        for i in 0..n {
            let x = Self::list_get(self.st(mark), i);
            self.push(x);
        }
        let keys = self.rt.sp;
        for i in 0..n {
            let x = self.st(items + i);
            let key = self.st(key_slot);
            let k = if key.is_none() {
                x
            } else {
                self.call_values(key, &[x])?
            };
            self.push(k);
        }
        let mut idx: Vec<usize> = (0..n).collect();
        let mut buf = vec![0usize; n];
        // Bottom-up merge sort: stable; `less(b, a)` decides when to take b.
        let mut width = 1;
        while width < n {
            let mut lo = 0;
            while lo < n {
                let mid = (lo + width).min(n);
                let hi = (lo + 2 * width).min(n);
                let (mut i, mut j, mut k) = (lo, mid, lo);
                while i < mid && j < hi {
                    let (x, y) = (self.st(keys + idx[j]), self.st(keys + idx[i]));
                    let take_right = if reverse {
                        let r = self.compare_op(CmpOp::Lt, y, x)?;
                        self.truthy(r)?
                    } else {
                        let r = self.compare_op(CmpOp::Lt, x, y)?;
                        self.truthy(r)?
                    };
                    if take_right {
                        buf[k] = idx[j];
                        j += 1;
                    } else {
                        buf[k] = idx[i];
                        i += 1;
                    }
                    k += 1;
                }
                while i < mid {
                    buf[k] = idx[i];
                    i += 1;
                    k += 1;
                }
                while j < hi {
                    buf[k] = idx[j];
                    j += 1;
                    k += 1;
                }
                lo = hi;
            }
            std::mem::swap(&mut idx, &mut buf);
            width *= 2;
        }
        let l = self.st(mark);
        if Self::list_len(l) != n {
            self.truncate(key_slot);
            return Err(self.value_error("list modified during sort"));
        }
        for (pos, &i) in idx.iter().enumerate() {
            let x = self.st(items + i);
            self.list_set(l, pos, x);
        }
        self.truncate(key_slot);
        Ok(())
    }
}
