//! Iteration, item access (`[]` with ints and slices), `len`, unpacking,
//! `repr`/`str`/`format`, and sequence operators (`+`, `*`, `%`).

use crate::builtins::methods::dict_set;
use crate::builtins::*;
use crate::bytecode::BinOp;
use crate::format as pyfmt;
use crate::num;
use crate::object::{self, Kind, field};
use crate::ops::iterk;
use crate::value::Value;
use crate::vm::{PyResult, Vm};
use gc_api::Heap;
use num_traits::ToPrimitive;

impl<H: Heap> Vm<H> {
    /// `object.__repr__(v)`: `<module.Qualname object at 0x...>`.
    pub fn default_repr(&mut self, v: Value) -> String {
        let t = self.type_of(v);
        let m = object::str_of(object::get(t.as_obj(), field::CLS_MODULE).as_obj()).to_string();
        let n = self.class_qualname(t);
        // As CPython's `object.__repr__`: no module for builtins.
        if m == "builtins" {
            format!("<{} object at {:#x}>", n, self.identity(v))
        } else {
            format!("<{}.{} object at {:#x}>", m, n, self.identity(v))
        }
    }

    // ------------------------------------------------------------ iteration

    /// A native iterator object.
    pub fn new_iter(&mut self, kind: usize, seq: Value, a: Value, b: Value) -> PyResult {
        let mark = self.push(seq);
        self.push(a);
        self.push(b);
        let it = self.alloc_fixed(Kind::Iter)?;
        object::init(it, field::IT_SEQ, self.st(mark));
        object::init(it, field::IT_A, self.st(mark + 1));
        object::init(it, field::IT_B, self.st(mark + 2));
        object::set_word(it, field::IT_KIND, kind);
        object::set_word(it, field::IT_INDEX, 0);
        self.truncate(mark);
        Ok(Value::obj(it))
    }

    /// `iter(v)`.
    pub fn get_iter(&mut self, v: Value) -> PyResult {
        if v.is_obj() {
            let kind = match object::kind(v.as_obj()) {
                Kind::List | Kind::Tuple => Some(iterk::SEQ),
                Kind::Str => Some(iterk::STR),
                Kind::Bytes | Kind::ByteArray => Some(iterk::BYTES),
                Kind::Dict => Some(iterk::DICT_KEYS),
                Kind::Set | Kind::FrozenSet => Some(iterk::SET),
                Kind::Range => {
                    let (start, stop, step) = self.range_parts(v);
                    if let (Some(a), Some(b), Some(c)) =
                        (start.to_int(), stop.to_int(), step.to_int())
                    {
                        let it = self.new_iter(iterk::RANGE, Value::NULL, stop, step)?;
                        object::set_word(it.as_obj(), field::IT_INDEX, a as usize);
                        let _ = (b, c);
                        return Ok(it);
                    }
                    return crate::builtins::call_types_helper(
                        self,
                        "longrange_iterator",
                        &[start, stop, step],
                    );
                }
                Kind::Iter | Kind::Generator => return Ok(v),
                Kind::DictView => {
                    let o = v.as_obj();
                    let kind = iterk::DICT_KEYS + object::word(o, field::VIEW_WHICH);
                    return self.new_iter(
                        kind,
                        object::get(o, field::VIEW_DICT),
                        Value::NULL,
                        Value::NULL,
                    );
                }
                _ => None,
            };
            if let Some(k) = kind {
                return self.new_iter(k, v, Value::NULL, Value::NULL);
            }
        }
        if !Self::has_dunders(v) {
            let msg = format!("'{}' object is not iterable", self.type_name(v));
            return Err(self.type_error(&msg));
        }
        if let Some(r) = self.call_dunder(v, "__iter__", &[])? {
            return Ok(r);
        }
        if self.type_method(v, "__getitem__").is_some() {
            return self.new_iter(iterk::SEQ, v, Value::TRUE, Value::NULL);
        }
        let msg = format!("'{}' object is not iterable", self.type_name(v));
        Err(self.type_error(&msg))
    }

    /// `next(it)` where the iterator is rooted at `slot`; `None` when exhausted.
    pub fn iter_next(&mut self, slot: usize) -> PyResult<Option<Value>> {
        let it = self.st(slot);
        if it.is_obj() {
            let o = it.as_obj();
            match object::kind(o) {
                Kind::Iter => return self.native_next(slot),
                Kind::Generator => {
                    return match self.gen_resume(slot, Value::NONE, Value::NULL)? {
                        Ok(v) => Ok(Some(v)),
                        Err(_) => Ok(None),
                    };
                }
                _ => {}
            }
        }
        match self.call_dunder(it, "__next__", &[]) {
            Ok(Some(v)) => Ok(Some(v)),
            Ok(None) => {
                let msg = format!("'{}' object is not an iterator", self.type_name(it));
                Err(self.type_error(&msg))
            }
            Err(e) => {
                if self.isinstance_idx(self.rt.exc, T_STOP_ITERATION) {
                    self.rt.exc = Value::NULL;
                    Ok(None)
                } else {
                    Err(e)
                }
            }
        }
    }

    fn native_next(&mut self, slot: usize) -> PyResult<Option<Value>> {
        let o = self.st(slot).as_obj();
        let i = object::word(o, field::IT_INDEX);
        let seq = object::get(o, field::IT_SEQ);
        let advance =
            |o: gc_api::ObjectRef, by: usize| object::set_word(o, field::IT_INDEX, i + by);
        match object::word(o, field::IT_KIND) {
            iterk::SEQ => {
                if seq.is_null() {
                    return Ok(None);
                }
                if object::get(o, field::IT_A) == Value::TRUE {
                    // Old-style __getitem__ iteration.
                    let idx = Value::int(i as i64);
                    advance(o, 1);
                    return match self.getitem(seq, idx) {
                        Ok(v) => Ok(Some(v)),
                        Err(e) => {
                            if self.isinstance_idx(self.rt.exc, T_INDEX_ERROR)
                                || self.isinstance_idx(self.rt.exc, T_STOP_ITERATION)
                            {
                                self.rt.exc = Value::NULL;
                                Ok(None)
                            } else {
                                Err(e)
                            }
                        }
                    };
                }
                if i < self.seq_len(seq) {
                    advance(o, 1);
                    Ok(Some(self.seq_get(seq, i)))
                } else {
                    self.store(o, field::IT_SEQ, Value::NULL);
                    Ok(None)
                }
            }
            iterk::RANGE => {
                let cur = i as i64;
                let stop = object::get(o, field::IT_A).as_int();
                let step = object::get(o, field::IT_B).as_int();
                if (step > 0 && cur < stop) || (step < 0 && cur > stop) {
                    object::set_word(o, field::IT_INDEX, (cur + step) as usize);
                    Ok(Some(Value::int(cur)))
                } else {
                    Ok(None)
                }
            }
            iterk::STR => {
                let s = object::str_of(seq.as_obj());
                if i >= s.len() {
                    return Ok(None);
                }
                let ch = s[i..].chars().next().expect("char at boundary");
                advance(o, ch.len_utf8());
                let mut buf = [0u8; 4];
                let cs = ch.encode_utf8(&mut buf);
                self.new_str(cs).map(Some)
            }
            iterk::BYTES => {
                let so = seq.as_obj();
                let b = if object::kind(so) == Kind::ByteArray {
                    let buf = object::get(so, field::BA_BUF).as_obj();
                    &object::bytes_of(buf)[..object::word(so, field::BA_LEN)]
                } else {
                    object::bytes_of(so)
                };
                if i >= b.len() {
                    return Ok(None);
                }
                advance(o, 1);
                Ok(Some(Value::int(b[i] as i64)))
            }
            iterk::DICT_KEYS | iterk::DICT_VALUES | iterk::DICT_ITEMS => {
                let kind = object::word(o, field::IT_KIND);
                let expected_len = object::get(o, field::IT_B);
                if expected_len.is_int() && expected_len.as_int() as usize != Self::dict_len(seq) {
                    return Err(
                        self.raise_msg(T_RUNTIME_ERROR, "dictionary changed size during iteration")
                    );
                }
                if expected_len.is_null() {
                    object::init(o, field::IT_B, Value::int(Self::dict_len(seq) as i64));
                }
                let mut j = i;
                while j < Self::dict_used(seq) {
                    let (k, v) = Self::dict_entry(seq, j);
                    j += 1;
                    if k.is_null() || k == Value::DUMMY {
                        continue;
                    }
                    object::set_word(o, field::IT_INDEX, j);
                    return match kind {
                        iterk::DICT_KEYS => Ok(Some(k)),
                        iterk::DICT_VALUES => Ok(Some(v)),
                        _ => self.new_tuple(&[k, v]).map(Some),
                    };
                }
                object::set_word(o, field::IT_INDEX, j);
                Ok(None)
            }
            iterk::SET => {
                let mut j = i;
                while j < Self::set_slots(seq) {
                    let k = Self::set_key_at(seq, j);
                    j += 1;
                    if k.is_null() || k == Value::DUMMY {
                        continue;
                    }
                    object::set_word(o, field::IT_INDEX, j);
                    return Ok(Some(k));
                }
                object::set_word(o, field::IT_INDEX, j);
                Ok(None)
            }
            iterk::ENUMERATE => {
                let inner = self.push(seq);
                let r = self.iter_next(inner)?;
                self.truncate(inner);
                match r {
                    None => Ok(None),
                    Some(v) => {
                        let o = self.st(slot).as_obj();
                        let n = object::get(o, field::IT_A);
                        let m = self.push(v);
                        let next = self.binary_op(BinOp::Add, n, Value::int(1), false)?;
                        let o = self.st(slot).as_obj();
                        self.store(o, field::IT_A, next);
                        let v = self.st(m);
                        self.truncate(m);
                        self.new_tuple(&[n, v]).map(Some)
                    }
                }
            }
            iterk::ZIP => {
                let n = object::array_len(seq.as_obj());
                if n == 0 {
                    return Ok(None);
                }
                let mark = self.rt.sp;
                for k in 0..n {
                    let its = object::get(self.st(slot).as_obj(), field::IT_SEQ);
                    let it = object::array_get(its.as_obj(), k);
                    let is = self.push(it);
                    match self.iter_next(is)? {
                        Some(v) => self.set_st(is, v),
                        None => {
                            self.truncate(mark);
                            return Ok(None);
                        }
                    }
                }
                let t = self.tuple_from_stack(mark, n)?;
                self.truncate(mark);
                Ok(Some(t))
            }
            iterk::MAP => {
                let mark = self.push(seq);
                let r = self.iter_next(mark)?;
                self.truncate(mark);
                match r {
                    None => Ok(None),
                    Some(v) => {
                        let o = self.st(slot).as_obj();
                        let f = object::get(o, field::IT_A);
                        if object::get(o, field::IT_B) == Value::TRUE {
                            self.call_ex(f, v, Value::NULL).map(Some)
                        } else {
                            self.call_values(f, &[v]).map(Some)
                        }
                    }
                }
            }
            iterk::FILTER => loop {
                let seq = object::get(self.st(slot).as_obj(), field::IT_SEQ);
                let mark = self.push(seq);
                let r = self.iter_next(mark)?;
                self.truncate(mark);
                let Some(v) = r else { return Ok(None) };
                let vm_ = self.push(v);
                let f = object::get(self.st(slot).as_obj(), field::IT_A);
                let keep = if f.is_none() {
                    self.truthy(v)?
                } else {
                    let r = self.call_values(f, &[v])?;
                    self.truthy(r)?
                };
                let v = self.st(vm_);
                self.truncate(vm_);
                if keep {
                    return Ok(Some(v));
                }
            },
            iterk::REVERSED => {
                if i == 0 {
                    return Ok(None);
                }
                advance(o, 0);
                object::set_word(o, field::IT_INDEX, i - 1);
                let n = self.seq_len(seq);
                if i - 1 < n {
                    Ok(Some(self.seq_get(seq, i - 1)))
                } else {
                    Ok(None)
                }
            }
            iterk::CALL_SENTINEL => {
                let r = self.call_values(seq, &[])?;
                let sentinel = object::get(self.st(slot).as_obj(), field::IT_A);
                if self.eq(r, sentinel)? {
                    Ok(None)
                } else {
                    Ok(Some(r))
                }
            }
            _ => Ok(None),
        }
    }

    /// Unpacks `v` into `stack[start..]`: exactly `n` items, or with a star
    /// (`after` = Some) `n` before, a list, then `after` items.
    /// Unpacks a tuple or list of exactly `n` items straight into the
    /// registers (the common case of `a, b = pair`); `false` otherwise.
    fn unpack_exact(&mut self, v: Value, start: usize, n: usize) -> bool {
        if !v.is_obj() || !matches!(object::kind(v.as_obj()), Kind::Tuple | Kind::List) {
            return false;
        }
        if self.seq_len(v) != n {
            return false;
        }
        for i in 0..n {
            self.rt.stack[start + i] = self.seq_get(v, i);
        }
        true
    }

    pub fn unpack(
        &mut self,
        v: Value,
        start: usize,
        n: usize,
        after: Option<usize>,
    ) -> PyResult<()> {
        if after.is_none() && self.unpack_exact(v, start, n) {
            return Ok(());
        }
        let mark = self.push(v);
        let tmp = self.new_list(n + after.unwrap_or(0))?;
        let ts = self.push(tmp);
        self.list_extend(tmp, self.st(mark))?;
        let l = self.st(ts);
        let len = Self::list_len(l);
        match after {
            None => {
                if len != n {
                    self.truncate(mark);
                    let msg = if len > n {
                        format!("too many values to unpack (expected {n})")
                    } else {
                        format!("not enough values to unpack (expected {n}, got {len})")
                    };
                    return Err(self.value_error(&msg));
                }
                for i in 0..n {
                    self.rt.stack[start + i] = Self::list_get(l, i);
                }
            }
            Some(after) => {
                if len < n + after {
                    self.truncate(mark);
                    let msg = format!(
                        "not enough values to unpack (expected at least {}, got {len})",
                        n + after
                    );
                    return Err(self.value_error(&msg));
                }
                for i in 0..n {
                    self.rt.stack[start + i] = Self::list_get(l, i);
                }
                let mid = len - n - after;
                let ms = self.rt.sp;
                for i in 0..mid {
                    let l = self.st(ts);
                    self.push(Self::list_get(l, n + i));
                }
                let star = self.list_from_stack(ms, mid)?;
                self.truncate(ms);
                self.rt.stack[start + n] = star;
                let l = self.st(ts);
                for i in 0..after {
                    self.rt.stack[start + n + 1 + i] = Self::list_get(l, n + mid + i);
                }
            }
        }
        self.truncate(mark);
        Ok(())
    }

    // ----------------------------------------------------------------- items

    /// Normalises an index for a sequence of length `len`.
    fn seq_index(&mut self, key: Value, len: usize, what: &str) -> PyResult<usize> {
        let i = match self.index_value(key)? {
            Some(i) => i,
            None => {
                let msg = format!(
                    "{what} indices must be integers or slices, not {}",
                    self.type_name(key)
                );
                return Err(self.type_error(&msg));
            }
        };
        let j = if i < 0 { i + len as i64 } else { i };
        if j < 0 || j >= len as i64 {
            let msg = format!("{what} index out of range");
            return Err(self.raise_msg(T_INDEX_ERROR, &msg));
        }
        Ok(j as usize)
    }

    /// An int-like value as i64 (`__index__`), `None` if not int-like.
    pub fn index_value(&mut self, v: Value) -> PyResult<Option<i64>> {
        if v.is_int() {
            return Ok(Some(v.as_int()));
        }
        if v.is_bool() {
            return Ok(Some((v == Value::TRUE) as i64));
        }
        if num::is_int(v) {
            return match num::to_bigint(v).to_i64() {
                Some(i) => Ok(Some(i)),
                None => Err(self.raise_msg(
                    T_INDEX_ERROR,
                    "cannot fit 'int' into an index-sized integer",
                )),
            };
        }
        if let Some(r) = self.call_dunder(v, "__index__", &[])? {
            return self.index_value(r);
        }
        Ok(None)
    }

    /// An int-like value as i64, or the TypeError CPython's C functions give
    /// for a non-integer argument.
    pub fn index_int(&mut self, v: Value) -> PyResult<i64> {
        match self.index_value(v)? {
            Some(i) => Ok(i),
            None => Err(self.not_an_integer(v)),
        }
    }

    /// CPython's "'T' object cannot be interpreted as an integer" TypeError.
    pub fn not_an_integer(&mut self, v: Value) -> crate::vm::Exc {
        let msg = format!(
            "'{}' object cannot be interpreted as an integer",
            self.type_name(v)
        );
        self.type_error(&msg)
    }

    /// Resolves a slice against `len`: (start, stop, step, count).
    pub fn slice_indices(&mut self, s: Value, len: usize) -> PyResult<(i64, i64, i64, usize)> {
        let get = |vm: &mut Self, v: Value| -> PyResult<Option<i64>> {
            if v.is_none() {
                Ok(None)
            } else {
                match vm.index_value(v)? {
                    Some(i) => Ok(Some(i)),
                    None => Err(vm.type_error(
                        "slice indices must be integers or None or have an __index__ method",
                    )),
                }
            }
        };
        // `__index__` may run Python code (and collect): root the slice.
        let so = self.push(s);
        let part = |vm: &Self, i: usize| object::get(vm.st(so).as_obj(), i);
        let step = get(self, part(self, 2));
        let step = match step {
            Ok(s) => s.unwrap_or(1),
            Err(e) => {
                self.truncate(so);
                return Err(e);
            }
        };
        if step == 0 {
            self.truncate(so);
            return Err(self.value_error("slice step cannot be zero"));
        }
        let len = len as i64;
        let (lo, hi) = if step < 0 { (-1, len - 1) } else { (0, len) };
        let clamp = |v: Option<i64>, default: i64| -> i64 {
            match v {
                None => default,
                Some(x) if x < 0 => (x + len).max(lo),
                Some(x) => x.min(hi),
            }
        };
        let bounds = get(self, part(self, 0)).and_then(|a| Ok((a, get(self, part(self, 1))?)));
        self.truncate(so);
        let (a, b) = bounds?;
        let start = clamp(a, if step < 0 { hi } else { lo });
        let stop = clamp(b, if step < 0 { lo } else { hi });
        let count = if step > 0 {
            if stop > start {
                ((stop - start - 1) / step + 1) as usize
            } else {
                0
            }
        } else if start > stop {
            ((start - stop - 1) / (-step) + 1) as usize
        } else {
            0
        };
        Ok((start, stop, step, count))
    }

    /// `mapping[key]`, with a `KeyError` turned into `None` (name lookup
    /// in a class body whose namespace came from `__prepare__`).
    pub fn mapping_get(&mut self, mapping: Value, key: Value) -> PyResult<Option<Value>> {
        match self.getitem(mapping, key) {
            Ok(v) => Ok(Some(v)),
            Err(e) => {
                if self.isinstance_idx(self.rt.exc, T_KEY_ERROR) {
                    self.rt.exc = Value::NULL;
                    Ok(None)
                } else {
                    Err(e)
                }
            }
        }
    }

    /// `obj[key]`.
    pub fn getitem(&mut self, obj: Value, key: Value) -> PyResult {
        if obj.is_obj() {
            let o = obj.as_obj();
            let is_slice = key.is_obj() && object::kind(key.as_obj()) == Kind::Slice;
            match object::kind(o) {
                Kind::List | Kind::Tuple => {
                    let len = self.seq_len(obj);
                    if key.is_int() {
                        let i = key.as_int();
                        let j = if i < 0 { i + len as i64 } else { i };
                        if j >= 0 && (j as usize) < len {
                            return Ok(self.seq_get(obj, j as usize));
                        }
                    }
                    let what = if object::kind(o) == Kind::List {
                        "list"
                    } else {
                        "tuple"
                    };
                    if is_slice {
                        let (start, _, step, n) = self.slice_indices(key, len)?;
                        let mark = self.push(obj);
                        for k in 0..n {
                            let v = self.seq_get(self.st(mark), (start + k as i64 * step) as usize);
                            self.push(v);
                        }
                        let r = if what == "list" {
                            self.list_from_stack(mark + 1, n)
                        } else {
                            self.tuple_from_stack(mark + 1, n)
                        };
                        self.truncate(mark);
                        return r;
                    }
                    let i = self.seq_index(key, len, what)?;
                    return Ok(self.seq_get(obj, i));
                }
                Kind::Dict => {
                    if let Some(v) = self.dict_get_item(obj, key)? {
                        return Ok(v);
                    }
                    let t = self.type_of(obj);
                    if t != self.class(T_DICT)
                        && let Some(r) = self.call_dunder(obj, "__missing__", &[key])?
                    {
                        return Ok(r);
                    }
                    let e = self.call_values(self.class(T_KEY_ERROR), &[key])?;
                    return Err(self.raise_value(e, Value::NULL));
                }
                Kind::Str => {
                    let s = object::str_of(o);
                    let ascii = object::word(o, field::STR_CHARS) == s.len();
                    if is_slice {
                        let n = object::word(o, field::STR_CHARS);
                        let (start, _, step, count) = self.slice_indices(key, n)?;
                        let out: String = if ascii {
                            (0..count)
                                .map(|k| s.as_bytes()[(start + k as i64 * step) as usize] as char)
                                .collect()
                        } else {
                            let chars: Vec<char> = s.chars().collect();
                            (0..count)
                                .map(|k| chars[(start + k as i64 * step) as usize])
                                .collect()
                        };
                        return self.new_str(&out);
                    }
                    let n = object::word(o, field::STR_CHARS);
                    let i = self.seq_index(key, n, "string")?;
                    let s = object::str_of(obj.as_obj());
                    let ch = if ascii {
                        s.as_bytes()[i] as char
                    } else {
                        s.chars().nth(i).unwrap_or(' ')
                    };
                    let mut buf = [0u8; 4];
                    return self.new_str(ch.encode_utf8(&mut buf));
                }
                Kind::Bytes => {
                    let len = object::word(o, 0);
                    if is_slice {
                        let (start, _, step, n) = self.slice_indices(key, len)?;
                        let b = object::bytes_of(obj.as_obj());
                        let out: Vec<u8> = (0..n)
                            .map(|k| b[(start + k as i64 * step) as usize])
                            .collect();
                        return self.new_bytes_kind(Kind::Bytes, &out);
                    }
                    let i = self.seq_index(key, len, "index")?;
                    return Ok(Value::int(object::bytes_of(obj.as_obj())[i] as i64));
                }
                Kind::ByteArray => {
                    let len = object::word(o, field::BA_LEN);
                    let buf = object::get(o, field::BA_BUF).as_obj();
                    if is_slice {
                        let (start, _, step, n) = self.slice_indices(key, len)?;
                        let b = object::bytes_of(object::get(obj.as_obj(), field::BA_BUF).as_obj());
                        let out: Vec<u8> = (0..n)
                            .map(|k| b[(start + k as i64 * step) as usize])
                            .collect();
                        return self.new_bytearray(&out);
                    }
                    let i = self.seq_index(key, len, "bytearray")?;
                    let _ = buf;
                    let buf = object::get(obj.as_obj(), field::BA_BUF).as_obj();
                    return Ok(Value::int(object::bytes_of(buf)[i] as i64));
                }
                Kind::Range => {
                    let (start, stop, step) = self.range_parts(obj);
                    let (a, b, c) = (
                        num::to_bigint(start),
                        num::to_bigint(stop),
                        num::to_bigint(step),
                    );
                    let len = range_len(&a, &b, &c);
                    if is_slice {
                        let (s0, _, st, n) = self.slice_indices(key, len)?;
                        let ns = a.clone() + &c * s0;
                        let nstep = &c * st;
                        let nstop = &ns + &nstep * (n as i64);
                        let (x, y, z) = (
                            self.new_int(ns)?,
                            self.new_int(nstop)?,
                            self.new_int(nstep)?,
                        );
                        return self.new_range(x, y, z);
                    }
                    let i = self.seq_index(key, len, "range object")?;
                    return self.new_int(a + c * i);
                }
                // A metaclass `__getitem__` (`SomeEnum['NAME']`) comes
                // before `__class_getitem__`.
                Kind::Class => {
                    if Self::has_dunders(obj)
                        && let Some(r) = self.call_dunder(obj, "__getitem__", &[key])?
                    {
                        return Ok(r);
                    }
                    return self.class_getitem(obj, key);
                }
                _ => {}
            }
        }
        // A dict subclass that keeps dict's __getitem__: look up the boxed
        // dict and fall back to the class's __missing__ (defaultdict).
        if let Some(d) = Self::unboxed(obj)
            && object::kind(d.as_obj()) == Kind::Dict
            && self.type_method(obj, "__getitem__") == self.type_method(d, "__getitem__")
        {
            let mark = self.push(obj);
            self.push(key);
            let found = self.dict_get_item(d, key);
            let (obj, key) = (self.st(mark), self.st(mark + 1));
            let r = match found {
                Ok(Some(v)) => Ok(v),
                Ok(None) => match self.call_dunder(obj, "__missing__", &[key]) {
                    Ok(Some(r)) => Ok(r),
                    Ok(None) => {
                        let key = self.st(mark + 1);
                        match self.call_values(self.class(T_KEY_ERROR), &[key]) {
                            Ok(e) => Err(self.raise_value(e, Value::NULL)),
                            Err(e) => Err(e),
                        }
                    }
                    Err(e) => Err(e),
                },
                Err(e) => Err(e),
            };
            self.truncate(mark);
            return r;
        }
        if Self::has_dunders(obj)
            && let Some(r) = self.call_dunder(obj, "__getitem__", &[key])?
        {
            return Ok(r);
        }
        let msg = format!("'{}' object is not subscriptable", self.type_name(obj));
        Err(self.type_error(&msg))
    }

    /// `obj[key] = v`.
    pub fn setitem(&mut self, obj: Value, key: Value, v: Value) -> PyResult<()> {
        if obj.is_obj() {
            let o = obj.as_obj();
            match object::kind(o) {
                Kind::List => {
                    if key.is_obj() && object::kind(key.as_obj()) == Kind::Slice {
                        return self.list_set_slice(obj, key, v);
                    }
                    let len = Self::list_len(obj);
                    let i = self.seq_index(key, len, "list assignment")?;
                    self.list_set(obj, i, v);
                    return Ok(());
                }
                Kind::Dict => return self.dict_set_item(obj, key, v),
                Kind::ByteArray if key.is_obj() && object::kind(key.as_obj()) == Kind::Slice => {
                    return self.bytearray_set_slice(obj, key, v);
                }
                Kind::ByteArray => {
                    let len = object::word(o, field::BA_LEN);
                    let i = self.seq_index(key, len, "bytearray")?;
                    let b = match v.to_int() {
                        Some(b) if (0..256).contains(&b) => b as u8,
                        _ => return Err(self.value_error("byte must be in range(0, 256)")),
                    };
                    let buf = object::get(obj.as_obj(), field::BA_BUF).as_obj();
                    object::bytes_of_mut(buf)[i] = b;
                    return Ok(());
                }
                _ => {}
            }
        }
        if Self::has_dunders(obj) && self.call_dunder(obj, "__setitem__", &[key, v])?.is_some() {
            return Ok(());
        }
        let msg = format!(
            "'{}' object does not support item assignment",
            self.type_name(obj)
        );
        Err(self.type_error(&msg))
    }

    /// `ba[slice] = bytes-like or iterable of byte values`.
    fn bytearray_set_slice(&mut self, ba: Value, key: Value, v: Value) -> PyResult<()> {
        let mark = self.push(ba);
        self.push(key);
        let new: Vec<u8> = match self.byte_contents(v) {
            Some(b) => b,
            None => {
                let l = crate::builtins::types::collect_list(self, v)?;
                let mut out = Vec::with_capacity(Self::list_len(l));
                for i in 0..Self::list_len(l) {
                    match Self::list_get(l, i).to_int() {
                        Some(b) if (0..256).contains(&b) => out.push(b as u8),
                        _ => {
                            self.truncate(mark);
                            return Err(self.value_error("byte must be in range(0, 256)"));
                        }
                    }
                }
                out
            }
        };
        let (ba, key) = (self.st(mark), self.st(mark + 1));
        let mut data = self.byte_contents(ba).unwrap_or_default();
        let (start, stop, step, count) = match self.slice_indices(key, data.len()) {
            Ok(r) => r,
            Err(e) => {
                self.truncate(mark);
                return Err(e);
            }
        };
        if step == 1 {
            let stop = stop.max(start) as usize;
            data.splice(start as usize..stop, new);
        } else if new.len() != count {
            self.truncate(mark);
            let msg = format!(
                "attempt to assign bytes of size {} to extended slice of size {count}",
                new.len()
            );
            return Err(self.value_error(&msg));
        } else {
            for (k, b) in new.into_iter().enumerate() {
                data[(start + k as i64 * step) as usize] = b;
            }
        }
        let ba = self.st(mark);
        object::set_word(ba.as_obj(), field::BA_LEN, 0);
        let r = self.bytearray_extend(ba, &data);
        self.truncate(mark);
        r
    }

    /// `del ba[index]` and `del ba[slice]`.
    fn bytearray_delete(&mut self, ba: Value, key: Value) -> PyResult<()> {
        let mut data = self.byte_contents(ba).unwrap_or_default();
        if key.is_obj() && object::kind(key.as_obj()) == Kind::Slice {
            let mark = self.push(ba);
            let indices = self.slice_indices(key, data.len());
            let ba = self.st(mark);
            self.truncate(mark);
            let (start, _, step, count) = indices?;
            let mut gone = vec![false; data.len()];
            for k in 0..count {
                gone[(start + k as i64 * step) as usize] = true;
            }
            let mut i = 0;
            data.retain(|_| {
                i += 1;
                !gone[i - 1]
            });
            object::set_word(ba.as_obj(), field::BA_LEN, 0);
            return self.bytearray_extend(ba, &data);
        }
        let mark = self.push(ba);
        let i = self.seq_index(key, data.len(), "bytearray");
        let ba = self.st(mark);
        self.truncate(mark);
        data.remove(i?);
        object::set_word(ba.as_obj(), field::BA_LEN, 0);
        self.bytearray_extend(ba, &data)
    }

    fn list_set_slice(&mut self, l: Value, key: Value, v: Value) -> PyResult<()> {
        let mark = self.push(l);
        let key_slot = self.push(key);
        let v_slot = self.push(v);
        let src = self.new_list(0)?;
        let ss = self.push(src);
        self.list_extend(src, self.st(v_slot))?;
        let len = Self::list_len(self.st(mark));
        let (start, stop, step, n) = self.slice_indices(self.st(key_slot), len)?;
        let src = self.st(ss);
        let m = Self::list_len(src);
        if step == 1 {
            // Replace [start, stop) with src: rebuild the item sequence.
            let stop = stop.max(start) as usize;
            let start = start as usize;
            let newlen = len - (stop - start) + m;
            let out = self.rt.sp;
            for i in 0..start {
                let x = Self::list_get(self.st(mark), i);
                self.push(x);
            }
            for i in 0..m {
                let x = Self::list_get(self.st(ss), i);
                self.push(x);
            }
            for i in stop..len {
                let x = Self::list_get(self.st(mark), i);
                self.push(x);
            }
            let l = self.st(mark);
            self.list_reserve(l, newlen.saturating_sub(len))?;
            let l = self.st(mark);
            for i in 0..newlen {
                let x = self.st(out + i);
                self.list_set(l, i, x);
            }
            for i in newlen..len {
                self.list_set(l, i, Value::NULL);
            }
            object::set_word(l.as_obj(), field::LIST_LEN, newlen);
            self.truncate(mark);
            return Ok(());
        }
        if m != n {
            self.truncate(mark);
            let msg =
                format!("attempt to assign sequence of size {m} to extended slice of size {n}");
            return Err(self.value_error(&msg));
        }
        for k in 0..n {
            let x = Self::list_get(self.st(ss), k);
            let l = self.st(mark);
            self.list_set(l, (start + k as i64 * step) as usize, x);
        }
        self.truncate(mark);
        Ok(())
    }

    /// `del obj[key]`.
    pub fn delitem(&mut self, obj: Value, key: Value) -> PyResult<()> {
        if obj.is_obj() {
            match object::kind(obj.as_obj()) {
                Kind::List => {
                    let len = Self::list_len(obj);
                    if key.is_obj() && object::kind(key.as_obj()) == Kind::Slice {
                        let (start, _, step, n) = self.slice_indices(key, len)?;
                        let mut del: Vec<usize> =
                            (0..n).map(|k| (start + k as i64 * step) as usize).collect();
                        del.sort_unstable();
                        let mut w = 0;
                        let mut d = 0;
                        for r in 0..len {
                            if d < del.len() && del[d] == r {
                                d += 1;
                                continue;
                            }
                            let x = Self::list_get(obj, r);
                            self.list_set(obj, w, x);
                            w += 1;
                        }
                        for i in w..len {
                            self.list_set(obj, i, Value::NULL);
                        }
                        object::set_word(obj.as_obj(), field::LIST_LEN, w);
                        return Ok(());
                    }
                    let i = self.seq_index(key, len, "list assignment")?;
                    self.list_remove_at(obj, i);
                    return Ok(());
                }
                Kind::ByteArray => return self.bytearray_delete(obj, key),
                Kind::Dict => {
                    if self.dict_del_item(obj, key)? {
                        return Ok(());
                    }
                    let e = self.call_values(self.class(T_KEY_ERROR), &[key])?;
                    return Err(self.raise_value(e, Value::NULL));
                }
                _ => {}
            }
        }
        if Self::has_dunders(obj) && self.call_dunder(obj, "__delitem__", &[key])?.is_some() {
            return Ok(());
        }
        let msg = format!(
            "'{}' object does not support item deletion",
            self.type_name(obj)
        );
        Err(self.type_error(&msg))
    }

    /// Removes list item `i` (in bounds), shifting the tail.
    pub fn list_remove_at(&mut self, l: Value, i: usize) -> Value {
        let len = Self::list_len(l);
        let v = Self::list_get(l, i);
        for k in i..len - 1 {
            let x = Self::list_get(l, k + 1);
            self.list_set(l, k, x);
        }
        self.list_set(l, len - 1, Value::NULL);
        object::set_word(l.as_obj(), field::LIST_LEN, len - 1);
        v
    }

    /// `len(v)` if defined.
    pub fn len_opt(&mut self, v: Value) -> PyResult<Option<usize>> {
        if v.is_obj() {
            let o = v.as_obj();
            let n = match object::kind(o) {
                Kind::Str => Some(object::word(o, field::STR_CHARS)),
                Kind::Bytes => Some(object::word(o, 0)),
                Kind::ByteArray => Some(object::word(o, field::BA_LEN)),
                Kind::Tuple => Some(object::array_len(o)),
                Kind::List => Some(Self::list_len(v)),
                Kind::Dict => Some(Self::dict_len(v)),
                Kind::Set | Kind::FrozenSet => Some(Self::set_len(v)),
                Kind::DictView => Some(Self::dict_len(object::get(o, field::VIEW_DICT))),
                Kind::Range => {
                    let (a, b, c) = self.range_parts(v);
                    Some(range_len(
                        &num::to_bigint(a),
                        &num::to_bigint(b),
                        &num::to_bigint(c),
                    ))
                }
                _ => None,
            };
            if n.is_some() {
                return Ok(n);
            }
        }
        if !Self::has_dunders(v) {
            return Ok(None);
        }
        match self.call_dunder(v, "__len__", &[])? {
            Some(r) => match self.index_value(r)? {
                Some(n) if n >= 0 => Ok(Some(n as usize)),
                Some(_) => Err(self.value_error("__len__() should return >= 0")),
                None => Err(self.not_an_integer(r)),
            },
            None => Ok(None),
        }
    }

    /// A range object.
    pub fn new_range(&mut self, start: Value, stop: Value, step: Value) -> PyResult {
        let mark = self.push(start);
        self.push(stop);
        self.push(step);
        let r = self.alloc_fixed(Kind::Range)?;
        for i in 0..3 {
            object::init(r, i, self.st(mark + i));
        }
        self.truncate(mark);
        Ok(Value::obj(r))
    }

    /// A bytearray from bytes.
    pub fn new_bytearray(&mut self, data: &[u8]) -> PyResult {
        let buf = self.new_bytes_kind(Kind::RawBytes, data)?;
        let mark = self.push(buf);
        let ba = self.alloc_fixed(Kind::ByteArray)?;
        object::init(ba, field::BA_BUF, self.st(mark));
        object::set_word(ba, field::BA_LEN, data.len());
        self.truncate(mark);
        Ok(Value::obj(ba))
    }

    // -------------------------------------------------------- sequence ops

    /// `l += iterable`: extends `l` and returns it (re-read after the
    /// extension, which may have moved it).
    fn extend_in_place(&mut self, l: Value, src: Value) -> PyResult {
        let mark = self.push(l);
        self.list_extend(l, src)?;
        let l = self.st(mark);
        self.truncate(mark);
        Ok(l)
    }

    /// `+`, `*` and `%` on strings, lists, tuples and bytes.
    pub fn seq_binop(
        &mut self,
        op: BinOp,
        a: Value,
        b: Value,
        inplace: bool,
    ) -> PyResult<Option<Value>> {
        let ka = if a.is_obj() {
            Some(object::kind(a.as_obj()))
        } else {
            None
        };
        let kb = if b.is_obj() {
            Some(object::kind(b.as_obj()))
        } else {
            None
        };
        match (op, ka, kb) {
            (BinOp::Add, Some(Kind::Str), Some(Kind::Str)) => {
                let (x, y) = (object::str_of(a.as_obj()), object::str_of(b.as_obj()));
                let chars = object::word(a.as_obj(), field::STR_CHARS)
                    + object::word(b.as_obj(), field::STR_CHARS);
                let (lx, ly) = (x.len(), y.len());
                let mark = self.push(a);
                self.push(b);
                let o = self.alloc_str_uninit(lx + ly, chars)?;
                let (a, b) = (self.st(mark), self.st(mark + 1));
                let out = object::bytes_of_mut(o);
                out[..lx].copy_from_slice(object::bytes_of(a.as_obj()));
                out[lx..].copy_from_slice(object::bytes_of(b.as_obj()));
                self.truncate(mark);
                Ok(Some(Value::obj(o)))
            }
            (
                BinOp::Add,
                Some(Kind::Bytes | Kind::ByteArray),
                Some(Kind::Bytes | Kind::ByteArray),
            ) => {
                let rhs = self.byte_contents(b).unwrap_or_default();
                if ka == Some(Kind::ByteArray) {
                    if inplace {
                        let mark = self.push(a);
                        self.bytearray_extend(a, &rhs)?;
                        let a = self.st(mark);
                        self.truncate(mark);
                        return Ok(Some(a));
                    }
                    let mut v = self.byte_contents(a).unwrap_or_default();
                    v.extend_from_slice(&rhs);
                    return self.new_bytearray(&v).map(Some);
                }
                let mut v = object::bytes_of(a.as_obj()).to_vec();
                v.extend_from_slice(&rhs);
                self.new_bytes_kind(Kind::Bytes, &v).map(Some)
            }
            (BinOp::Add, Some(Kind::List), Some(Kind::List)) => {
                if inplace {
                    return self.extend_in_place(a, b).map(Some);
                }
                let (na, nb) = (Self::list_len(a), Self::list_len(b));
                let mark = self.push(a);
                self.push(b);
                let l = self.new_list(na + nb)?;
                let ls = self.push(l);
                for i in 0..na {
                    let x = Self::list_get(self.st(mark), i);
                    self.list_set(self.st(ls), i, x);
                }
                for i in 0..nb {
                    let x = Self::list_get(self.st(mark + 1), i);
                    self.list_set(self.st(ls), na + i, x);
                }
                let l = self.st(ls);
                object::set_word(l.as_obj(), field::LIST_LEN, na + nb);
                self.truncate(mark);
                Ok(Some(l))
            }
            (BinOp::Add, Some(Kind::List), _) if inplace => self.extend_in_place(a, b).map(Some),
            (BinOp::Add, Some(Kind::Tuple), Some(Kind::Tuple)) => {
                let (na, nb) = (object::array_len(a.as_obj()), object::array_len(b.as_obj()));
                let mark = self.push(a);
                self.push(b);
                let t = self.alloc_array(Kind::Tuple, na + nb)?;
                let (a, b) = (self.st(mark), self.st(mark + 1));
                for i in 0..na {
                    object::init(t, 1 + i, object::array_get(a.as_obj(), i));
                }
                for i in 0..nb {
                    object::init(t, 1 + na + i, object::array_get(b.as_obj(), i));
                }
                self.truncate(mark);
                Ok(Some(Value::obj(t)))
            }
            (BinOp::Mul, Some(k), _)
                if matches!(k, Kind::Str | Kind::List | Kind::Tuple | Kind::Bytes)
                    && num::is_int(b) =>
            {
                self.seq_repeat(a, b, inplace).map(Some)
            }
            (BinOp::Mul, _, Some(k))
                if matches!(k, Kind::Str | Kind::List | Kind::Tuple | Kind::Bytes)
                    && num::is_int(a) =>
            {
                self.seq_repeat(b, a, false).map(Some)
            }
            (BinOp::Mod, Some(Kind::Str | Kind::Bytes | Kind::ByteArray), _) => {
                self.percent_format(a, b).map(Some)
            }
            (
                BinOp::Or | BinOp::And | BinOp::Sub | BinOp::Xor,
                Some(Kind::Set | Kind::FrozenSet),
                Some(Kind::Set | Kind::FrozenSet),
            ) => {
                let name = match op {
                    BinOp::Or => "union",
                    BinOp::And => "intersection",
                    BinOp::Sub => "difference",
                    _ => "symmetric_difference",
                };
                let mark = self.push(a);
                let sym = self.intern(name);
                let (f, s) = self.load_method(a, sym)?;
                let r = self.call_values(f, &[s, b])?;
                if inplace && ka == Some(Kind::Set) {
                    // `s |= t` and friends update `a` in place.
                    let rs = self.push(r);
                    let clear = self.intern("clear");
                    let (f, s) = self.load_method(self.st(mark), clear)?;
                    self.call_values(f, &[s])?;
                    self.set_update(self.st(mark), self.st(rs))?;
                    let a = self.st(mark);
                    self.truncate(mark);
                    return Ok(Some(a));
                }
                self.truncate(mark);
                Ok(Some(r))
            }
            (BinOp::Or | BinOp::And | BinOp::Sub | BinOp::Xor, _, _)
                if dict_set::is_set_view(a)
                    || (dict_set::is_set_view(b) && ka.is_none_or(|k| k != Kind::Instance)) =>
            {
                dict_set::view_set_op(self, op, a, b).map(Some)
            }
            (BinOp::Or, Some(Kind::Dict), Some(Kind::Dict)) => {
                // `d1 | d2` (a new dict) and `d1 |= d2` (in place).
                if inplace {
                    let mark = self.push(a);
                    self.dict_update(a, b)?;
                    let a = self.st(mark);
                    self.truncate(mark);
                    return Ok(Some(a));
                }
                let mark = self.push(a);
                self.push(b);
                let d = self.new_dict()?;
                let ds = self.push(d);
                self.dict_update(d, self.st(mark))?;
                self.dict_update(self.st(ds), self.st(mark + 1))?;
                let d = self.st(ds);
                self.truncate(mark);
                Ok(Some(d))
            }
            _ => Ok(None),
        }
    }

    fn seq_repeat(&mut self, seq: Value, count: Value, inplace: bool) -> PyResult {
        let n = match num::to_bigint(count).to_i64() {
            Some(n) => n.max(0) as usize,
            None => return Err(self.overflow_error("cannot fit 'int' into an index-sized integer")),
        };
        let o = seq.as_obj();
        match object::kind(o) {
            Kind::Str => {
                let s = object::str_of(o);
                if s.len().saturating_mul(n) > (1 << 40) {
                    return Err(self.raise_msg(T_MEMORY_ERROR, ""));
                }
                let r = s.repeat(n);
                self.new_str(&r)
            }
            Kind::Bytes => {
                let r = object::bytes_of(o).repeat(n);
                self.new_bytes_kind(Kind::Bytes, &r)
            }
            Kind::List | Kind::Tuple => {
                let len = self.seq_len(seq);
                let total = len.saturating_mul(n);
                if total > (1 << 36) {
                    return Err(self.raise_msg(T_MEMORY_ERROR, ""));
                }
                let mark = self.push(seq);
                if object::kind(o) == Kind::List {
                    let l = if inplace { seq } else { self.new_list(total)? };
                    let ls = self.push(l);
                    self.list_reserve(l, total.saturating_sub(Self::list_len(l)))?;
                    for k in 0..total {
                        let x = Self::list_get(self.st(mark), k % len.max(1));
                        self.list_set(self.st(ls), k, x);
                    }
                    let l = self.st(ls);
                    object::set_word(l.as_obj(), field::LIST_LEN, total);
                    self.truncate(mark);
                    Ok(l)
                } else {
                    let t = self.alloc_array(Kind::Tuple, total)?;
                    let s = self.st(mark);
                    for k in 0..total {
                        object::init(t, 1 + k, object::array_get(s.as_obj(), k % len.max(1)));
                    }
                    self.truncate(mark);
                    Ok(Value::obj(t))
                }
            }
            _ => unreachable!(),
        }
    }

    // ----------------------------------------------------------- repr / str

    /// `repr(v)` as a str value.
    pub fn repr(&mut self, v: Value) -> PyResult {
        let s = self.repr_string(v)?;
        self.new_str(&s)
    }

    /// `str(v)` as a str value.
    pub fn to_str(&mut self, v: Value) -> PyResult {
        if v.is_obj() && object::kind(v.as_obj()) == Kind::Str {
            return Ok(v);
        }
        let s = self.str_string(v)?;
        self.new_str(&s)
    }

    /// `str(v)` as Rust text.
    pub fn str_string(&mut self, v: Value) -> PyResult<String> {
        if v.is_obj() {
            let o = v.as_obj();
            match object::kind(o) {
                Kind::Str => return Ok(object::str_of(o).to_string()),
                Kind::Instance | Kind::WeakRef => {
                    if let Some(r) = self.call_dunder(v, "__str__", &[])? {
                        return self.expect_str(r, "__str__");
                    }
                }
                _ => {}
            }
        }
        self.repr_string(v)
    }

    fn expect_str(&mut self, r: Value, what: &str) -> PyResult<String> {
        if r.is_obj() && object::kind(r.as_obj()) == Kind::Str {
            Ok(object::str_of(r.as_obj()).to_string())
        } else {
            let msg = format!("{what} returned non-string (type {})", self.type_name(r));
            Err(self.type_error(&msg))
        }
    }

    /// `repr(v)` as Rust text.
    pub fn repr_string(&mut self, v: Value) -> PyResult<String> {
        if v.is_int() {
            return Ok(v.as_int().to_string());
        }
        match v {
            Value::NONE => return Ok("None".into()),
            Value::TRUE => return Ok("True".into()),
            Value::FALSE => return Ok("False".into()),
            Value::NOT_IMPLEMENTED => return Ok("NotImplemented".into()),
            Value::ELLIPSIS => return Ok("Ellipsis".into()),
            Value::NULL => return Ok("<NULL>".into()),
            _ => {}
        }
        let o = v.as_obj();
        Ok(match object::kind(o) {
            Kind::WeakRef if object::get(o, field::WR_CLASS).is_null() => {
                return self.weakref_repr(v);
            }
            Kind::Float => pyfmt::float_repr(object::float_of(o)),
            Kind::Complex => {
                let (re, im) = object::complex_of(o);
                pyfmt::format_complex::complex_repr(re, im)
            }
            Kind::BigInt => num::bigint_of(o).to_string(),
            Kind::Str => str_repr(object::str_of(o)),
            Kind::Bytes => bytes_repr(object::bytes_of(o)),
            Kind::ByteArray => {
                let b = object::bytes_of(object::get(o, field::BA_BUF).as_obj());
                format!(
                    "bytearray({})",
                    bytes_repr(&b[..object::word(o, field::BA_LEN)])
                )
            }
            Kind::Tuple | Kind::List => {
                let is_list = object::kind(o) == Kind::List;
                if self.repr_enter(v) {
                    return Ok(if is_list {
                        "[...]".into()
                    } else {
                        "(...)".into()
                    });
                }
                let mark = self.push(v);
                let mut s = String::from(if is_list { "[" } else { "(" });
                let mut i = 0;
                while i < self.seq_len(self.st(mark)) {
                    if i > 0 {
                        s.push_str(", ");
                    }
                    let x = self.seq_get(self.st(mark), i);
                    match self.repr_string(x) {
                        Ok(r) => s.push_str(&r),
                        Err(e) => {
                            self.repr_leave();
                            self.truncate(mark);
                            return Err(e);
                        }
                    }
                    i += 1;
                }
                if !is_list && i == 1 {
                    s.push(',');
                }
                s.push(if is_list { ']' } else { ')' });
                self.repr_leave();
                self.truncate(mark);
                s
            }
            Kind::Dict => {
                if self.repr_enter(v) {
                    return Ok("{...}".into());
                }
                let mark = self.push(v);
                let mut s = String::from("{");
                let mut i = 0;
                let mut first = true;
                while i < Self::dict_used(self.st(mark)) {
                    let (k, val) = Self::dict_entry(self.st(mark), i);
                    i += 1;
                    if k.is_null() || k == Value::DUMMY {
                        continue;
                    }
                    if !first {
                        s.push_str(", ");
                    }
                    first = false;
                    let vm_ = self.push(val);
                    let r = self.repr_string(k).and_then(|ks| {
                        let vs = self.repr_string(self.st(vm_))?;
                        Ok(format!("{ks}: {vs}"))
                    });
                    self.truncate(vm_);
                    match r {
                        Ok(r) => s.push_str(&r),
                        Err(e) => {
                            self.repr_leave();
                            self.truncate(mark);
                            return Err(e);
                        }
                    }
                }
                s.push('}');
                self.repr_leave();
                self.truncate(mark);
                s
            }
            Kind::Set | Kind::FrozenSet => {
                let frozen = object::kind(o) == Kind::FrozenSet;
                if Self::set_len(v) == 0 {
                    return Ok(if frozen {
                        "frozenset()".into()
                    } else {
                        "set()".into()
                    });
                }
                if self.repr_enter(v) {
                    return Ok(format!("{}(...)", if frozen { "frozenset" } else { "set" }));
                }
                let mark = self.push(v);
                let mut parts = Vec::new();
                let mut i = 0;
                while i < Self::set_slots(self.st(mark)) {
                    let k = Self::set_key_at(self.st(mark), i);
                    i += 1;
                    if k.is_null() || k == Value::DUMMY {
                        continue;
                    }
                    match self.repr_string(k) {
                        Ok(r) => parts.push(r),
                        Err(e) => {
                            self.repr_leave();
                            self.truncate(mark);
                            return Err(e);
                        }
                    }
                }
                self.repr_leave();
                self.truncate(mark);
                let inner = format!("{{{}}}", parts.join(", "));
                if frozen {
                    format!("frozenset({inner})")
                } else {
                    inner
                }
            }
            Kind::DictView => {
                // dict_keys([...]): the items as a list, behind the type name.
                let name = self.type_name(v);
                let l = crate::builtins::types::collect_list(self, v)?;
                let inner = self.repr_string(l)?;
                format!("{name}({inner})")
            }
            Kind::Range => {
                let (a, b, c) = self.range_parts(v);
                let (a, b) = (self.repr_string(a)?, self.repr_string(b)?);
                if c == Value::int(1) {
                    format!("range({a}, {b})")
                } else {
                    let c = self.repr_string(c)?;
                    format!("range({a}, {b}, {c})")
                }
            }
            Kind::Slice => {
                let mark = self.push(v);
                let mut parts = Vec::new();
                for i in 0..3 {
                    let x = object::get(self.st(mark).as_obj(), i);
                    parts.push(self.repr_string(x)?);
                }
                self.truncate(mark);
                format!("slice({})", parts.join(", "))
            }
            Kind::Function => {
                let q = object::str_of(object::get(o, field::FN_QUALNAME).as_obj());
                format!("<function {} at {:#x}>", q, self.identity(v))
            }
            Kind::Builtin => {
                let idx = object::word(o, field::BI_INDEX);
                format!("<built-in function {}>", self.natives[idx].name)
            }
            Kind::BoundMethod => {
                let f = object::get(o, field::BM_FUNC);
                let name = if f.is_obj() && object::kind(f.as_obj()) == Kind::Function {
                    object::str_of(object::get(f.as_obj(), field::FN_QUALNAME).as_obj()).to_string()
                } else {
                    "?".into()
                };
                let s = object::get(o, field::BM_SELF);
                let sr = self.repr_string(s)?;
                format!("<bound method {name} of {sr}>")
            }
            Kind::Class => {
                let m = object::str_of(object::get(o, field::CLS_MODULE).as_obj()).to_string();
                let n = self.class_qualname(v);
                if m == "builtins" {
                    format!("<class '{n}'>")
                } else {
                    format!("<class '{m}.{n}'>")
                }
            }
            Kind::Module => {
                let n = object::str_of(object::get(o, field::MOD_NAME).as_obj());
                format!("<module '{n}'>")
            }
            Kind::Generator => {
                let f = object::get(o, field::GEN_FUNC);
                let q = object::str_of(object::get(f.as_obj(), field::FN_QUALNAME).as_obj())
                    .to_string();
                format!("<generator object {} at {:#x}>", q, self.identity(v))
            }
            Kind::Cell => format!("<cell at {:#x}>", self.identity(v)),
            Kind::Instance => {
                if let Some(r) = self.call_dunder(v, "__repr__", &[])? {
                    return self.expect_str(r, "__repr__");
                }
                self.default_repr(v)
            }
            Kind::Property => format!("<property object at {:#x}>", self.identity(v)),
            _ => {
                let n = self.type_name(v);
                format!("<{} object at {:#x}>", n, self.identity(v))
            }
        })
    }

    /// Recursion guard for container reprs: true if `v` is already being
    /// printed.
    fn repr_enter(&mut self, v: Value) -> bool {
        if self.rt.repr_stack.contains(&v) {
            return true;
        }
        self.rt.repr_stack.push(v);
        false
    }

    fn repr_leave(&mut self) {
        self.rt.repr_stack.pop();
    }

    /// `format(v, spec)` for an instance rooted at `st(mark)` with its spec
    /// (or null) at `st(mark + 1)`: the class's `__format__`, else `str(v)`
    /// for an empty spec, else the boxed builtin value's formatting.
    fn format_instance(&mut self, mark: usize, spec_s: &str, type_name: &str) -> PyResult {
        let sv = if self.st(mark + 1).is_null() {
            self.new_str("")?
        } else {
            self.st(mark + 1)
        };
        if let Some(r) = self.call_dunder(self.st(mark), "__format__", &[sv])? {
            return Ok(r);
        }
        if spec_s.is_empty() {
            return self.to_str(self.st(mark));
        }
        if let Some(b) = Self::unboxed(self.st(mark)) {
            return self.format(b, self.st(mark + 1));
        }
        let msg = format!("unsupported format string passed to {type_name}.__format__");
        Err(self.type_error(&msg))
    }

    /// `format(v, spec)`.
    pub fn format(&mut self, v: Value, spec: Value) -> PyResult {
        let spec_s = if spec.is_null() {
            String::new()
        } else {
            object::str_of(spec.as_obj()).to_string()
        };
        let type_name = self.type_name(v);
        let r: Result<String, (usize, String)> = if v.is_obj()
            && object::kind(v.as_obj()) == Kind::Instance
        {
            // `v` and `spec` stay rooted: the empty spec string and the
            // dunder lookup allocate.
            let mark = self.rt.sp;
            self.push(v);
            self.push(spec);
            let r = self.format_instance(mark, &spec_s, &type_name);
            self.truncate(mark);
            return r;
        } else if num::is_int(v) && !(v.is_bool() && spec_s.is_empty()) {
            if spec_s.is_empty() {
                return self.to_str(v);
            }
            pyfmt::parse_format_spec(&spec_s, &type_name)
                .map_err(|m| (T_VALUE_ERROR, m))
                .and_then(|sp| {
                    pyfmt::format_int(&num::to_bigint(v), &sp, &type_name)
                        .map_err(|e| (fmt_err_class(&e), e.msg))
                })
        } else if v.is_obj() && object::kind(v.as_obj()) == Kind::Float {
            let f = object::float_of(v.as_obj());
            pyfmt::parse_format_spec(&spec_s, &type_name)
                .map_err(|m| (T_VALUE_ERROR, m))
                .and_then(|sp| {
                    pyfmt::format_float(f, &sp, &type_name).map_err(|e| (fmt_err_class(&e), e.msg))
                })
        } else if crate::builtins::complex::is_complex(v) {
            let (re, im) = object::complex_of(v.as_obj());
            let s = crate::builtins::complex::format(self, (re, im), &spec_s)?;
            return self.new_str(&s);
        } else {
            let s = self.str_string(v)?;
            if spec_s.is_empty() {
                return self.new_str(&s);
            }
            pyfmt::parse_format_spec(&spec_s, &type_name)
                .map_err(|m| (T_VALUE_ERROR, m))
                .and_then(|sp| {
                    pyfmt::format_str(&s, &sp, &type_name).map_err(|e| (fmt_err_class(&e), e.msg))
                })
        };
        match r {
            Ok(s) => self.new_str(&s),
            Err((t, m)) => Err(self.raise_msg(t, &m)),
        }
    }

    /// `fmt % args` for str.
    pub fn percent_format(&mut self, fmt: Value, args: Value) -> PyResult {
        // A tuple subclass (a namedtuple) supplies its items like a tuple.
        let args = match Self::unboxed(args) {
            Some(t) if object::kind(t.as_obj()) == Kind::Tuple => t,
            _ => args,
        };
        let mark = self.push(fmt);
        self.push(args);
        // `bytes % args` formats in a str of one char per byte (Latin-1),
        // encoded back at the end: the directives are the same but for
        // `%s`/`%b` (bytes-like operands), `%r`/`%a` (ascii()) and `%c`.
        let bytes_kind = match object::kind(fmt.as_obj()) {
            Kind::Str => None,
            k => Some(k),
        };
        let f = match bytes_kind {
            None => object::str_of(fmt.as_obj()).to_string(),
            Some(_) => latin1(&self.byte_contents(fmt).unwrap_or_default()),
        };
        let is_tuple = args.is_obj() && object::kind(args.as_obj()) == Kind::Tuple;
        let is_mapping = args.is_obj()
            && !is_tuple
            && (object::kind(args.as_obj()) == Kind::Dict
                || (object::kind(args.as_obj()) == Kind::Instance
                    && self.type_method(args, "__getitem__").is_some()
                    && !num::is_int(Self::unbox(args))));
        let nargs = if is_tuple {
            object::array_len(args.as_obj())
        } else {
            1
        };
        let mut argi = 0usize;
        let mut out = String::new();
        let mut rest = f.as_str();
        let next_arg = |vm: &mut Self, argi: &mut usize| -> PyResult<Value> {
            let a = vm.st(mark + 1);
            if *argi >= nargs {
                return Err(vm.type_error("not enough arguments for format string"));
            }
            *argi += 1;
            Ok(if is_tuple {
                object::array_get(a.as_obj(), *argi - 1)
            } else {
                a
            })
        };
        while let Some(p) = rest.find('%') {
            out.push_str(&rest[..p]);
            let after = &rest[p + 1..];
            let (d, used) = match pyfmt::parse_percent_directive(after) {
                Ok(x) => x,
                Err(e) => {
                    self.truncate(mark);
                    let t = fmt_err_class(&e);
                    return Err(self.raise_msg(t, &e.msg));
                }
            };
            rest = &after[used..];
            if d.literal_percent {
                out.push('%');
                continue;
            }
            let mut flags = d.flags;
            let width = match d.width {
                Some(pyfmt::PercentCount::Fixed(w)) => Some(w),
                Some(pyfmt::PercentCount::Star) => {
                    let w = next_arg(self, &mut argi)?;
                    Some(pyfmt::star_width(&mut flags, w.to_int().unwrap_or(0)))
                }
                None => None,
            };
            let prec = match d.precision {
                Some(pyfmt::PercentCount::Fixed(w)) => Some(w),
                Some(pyfmt::PercentCount::Star) => {
                    let w = next_arg(self, &mut argi)?;
                    Some(pyfmt::star_precision(w.to_int().unwrap_or(0)))
                }
                None => None,
            };
            let arg = match &d.key {
                Some(k) => {
                    if !is_mapping {
                        self.truncate(mark);
                        return Err(self.type_error("format requires a mapping"));
                    }
                    let key = match bytes_kind {
                        None => self.new_str(k)?,
                        Some(_) => {
                            let b: Vec<u8> = k.chars().map(|c| c as u32 as u8).collect();
                            self.new_bytes_kind(Kind::Bytes, &b)?
                        }
                    };
                    let a = self.st(mark + 1);
                    self.getitem(a, key)?
                }
                None => next_arg(self, &mut argi)?,
            };
            let piece = match d.conversion {
                's' | 'b' if bytes_kind.is_some() => {
                    let Some(b) = self.bytes_operand(arg)? else {
                        self.truncate(mark);
                        let msg = format!(
                            "%b requires a bytes-like object, or an object that implements __bytes__, not '{}'",
                            self.type_name(arg)
                        );
                        return Err(self.type_error(&msg));
                    };
                    pyfmt::percent_pad_str(&latin1(&b), 's', flags, width, prec)
                }
                'r' | 'a' if bytes_kind.is_some() => {
                    let s = ascii_escape(&self.repr_string(arg)?);
                    pyfmt::percent_pad_str(&s, 's', flags, width, prec)
                }
                'c' if bytes_kind.is_some() => {
                    let byte = match (arg.to_int(), self.byte_contents(arg)) {
                        (Some(i), _) if (0..256).contains(&i) => i as u8,
                        (Some(_), _) => {
                            self.truncate(mark);
                            return Err(self.overflow_error("%c arg not in range(256)"));
                        }
                        (None, Some(b)) if b.len() == 1 && !self.is_str(arg) => b[0],
                        _ => {
                            self.truncate(mark);
                            return Err(self.type_error(
                                "%c requires an integer in range(256) or a single byte",
                            ));
                        }
                    };
                    pyfmt::percent_pad_str(&latin1(&[byte]), 'c', flags, width, prec)
                }
                's' | 'r' | 'a' => {
                    let s = match d.conversion {
                        's' => self.str_string(arg)?,
                        'r' => self.repr_string(arg)?,
                        _ => ascii_escape(&self.repr_string(arg)?),
                    };
                    pyfmt::percent_pad_str(&s, d.conversion, flags, width, prec)
                }
                'c' => {
                    let s = if let Some(i) = arg.to_int() {
                        match char::from_u32(i as u32) {
                            Some(c) if (0..0x110000).contains(&i) => c.to_string(),
                            _ => {
                                self.truncate(mark);
                                return Err(self.overflow_error("%c arg not in range(0x110000)"));
                            }
                        }
                    } else if arg.is_obj() && object::kind(arg.as_obj()) == Kind::Str {
                        object::str_of(arg.as_obj()).to_string()
                    } else {
                        self.truncate(mark);
                        return Err(self.type_error("%c requires int or char"));
                    };
                    pyfmt::percent_pad_str(&s, 'c', flags, width, prec)
                }
                'd' | 'i' | 'u' | 'o' | 'x' | 'X' => {
                    let arg = Self::unbox(arg);
                    let n = if num::is_int(arg) {
                        num::to_bigint(arg)
                    } else if let Some(f) = self.float_value(arg) {
                        num_float_to_big(f)
                    } else {
                        self.truncate(mark);
                        let msg = format!(
                            "%{} format: a real number is required, not {}",
                            d.conversion,
                            self.type_name(arg)
                        );
                        return Err(self.type_error(&msg));
                    };
                    pyfmt::percent_format_int(&n, d.conversion, flags, width, prec)
                }
                'e' | 'E' | 'f' | 'F' | 'g' | 'G' => {
                    let Some(x) = self.as_f64(arg)? else {
                        self.truncate(mark);
                        let msg = format!("must be real number, not {}", self.type_name(arg));
                        return Err(self.type_error(&msg));
                    };
                    pyfmt::percent_format_float(x, d.conversion, flags, width, prec)
                }
                c => {
                    self.truncate(mark);
                    let e = pyfmt::unsupported_format_char(c, f.len() - rest.len() - 1);
                    return Err(self.value_error(&e.msg));
                }
            };
            out.push_str(&piece);
        }
        out.push_str(rest);
        if argi < nargs && !is_mapping {
            self.truncate(mark);
            return Err(self.type_error(if bytes_kind.is_some() {
                "not all arguments converted during bytes formatting"
            } else {
                "not all arguments converted during string formatting"
            }));
        }
        self.truncate(mark);
        match bytes_kind {
            None => self.new_str(&out),
            Some(k) => {
                let b: Vec<u8> = out.chars().map(|c| c as u32 as u8).collect();
                if k == Kind::ByteArray {
                    self.new_bytearray(&b)
                } else {
                    self.new_bytes_kind(Kind::Bytes, &b)
                }
            }
        }
    }

    /// The bytes a `%b` operand stands for: a bytes-like object's contents
    /// or what its `__bytes__` returns (which must be bytes).
    fn bytes_operand(&mut self, v: Value) -> PyResult<Option<Vec<u8>>> {
        if !self.is_str(v)
            && let Some(b) = self.byte_contents(v)
        {
            return Ok(Some(b));
        }
        let Some(r) = self.call_dunder(v, "__bytes__", &[])? else {
            return Ok(None);
        };
        if !(r.is_obj() && object::kind(r.as_obj()) == Kind::Bytes) {
            let msg = format!("__bytes__ returned non-bytes (type {})", self.type_name(r));
            return Err(self.type_error(&msg));
        }
        Ok(self.byte_contents(r))
    }

    /// Is `v` a str (or a str subclass instance)?
    fn is_str(&self, v: Value) -> bool {
        let v = Self::unbox(v);
        v.is_obj() && object::kind(v.as_obj()) == Kind::Str
    }

    fn float_value(&self, v: Value) -> Option<f64> {
        if v.is_obj() && object::kind(v.as_obj()) == Kind::Float {
            Some(object::float_of(v.as_obj()))
        } else {
            None
        }
    }
}

/// The str with one char per byte of `b` (Latin-1).
fn latin1(b: &[u8]) -> String {
    b.iter().map(|&c| c as char).collect()
}

fn num_float_to_big(f: f64) -> num_bigint::BigInt {
    num_traits::FromPrimitive::from_f64(f.trunc()).unwrap_or_default()
}

fn fmt_err_class(e: &pyfmt::FormatError) -> usize {
    match e.kind {
        pyfmt::ErrorKind::ValueError => T_VALUE_ERROR,
        pyfmt::ErrorKind::OverflowError => T_OVERFLOW_ERROR,
        pyfmt::ErrorKind::ZeroDivisionError => T_ZERO_DIVISION_ERROR,
    }
}

/// Number of items in `range(a, b, c)`.
pub fn range_len(a: &num_bigint::BigInt, b: &num_bigint::BigInt, c: &num_bigint::BigInt) -> usize {
    use num_bigint::BigInt;
    let zero = BigInt::from(0);
    let n = if *c > zero {
        if b > a { (b - a - 1) / c + 1 } else { zero }
    } else if a > b {
        (a - b - 1) / (-c) + 1
    } else {
        zero
    };
    n.to_usize().unwrap_or(usize::MAX)
}

/// Python's repr of a str.
pub fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if is_printable(c) => out.push(c),
            c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push(quote);
    out
}

/// Does `repr` show `c` as itself? CPython's rule: not in the Unicode
/// categories Cc, Cf, Cs, Co, Cn, Zl, Zp or Zs (space apart).
fn is_printable(c: char) -> bool {
    c.is_ascii() || rustpython_unicode::classify::is_repr_printable(c)
}

/// Escapes every non-ASCII character the way `ascii()` does.
pub fn ascii_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let u = c as u32;
        match u {
            0..=0x7f => out.push(c),
            0x80..=0xff => out.push_str(&format!("\\x{u:02x}")),
            0x100..=0xffff => out.push_str(&format!("\\u{u:04x}")),
            _ => out.push_str(&format!("\\U{u:08x}")),
        }
    }
    out
}

/// Python's repr of bytes.
pub fn bytes_repr(b: &[u8]) -> String {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::from("b");
    out.push(quote);
    for &x in b {
        match x {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            x if x as char == quote => {
                out.push('\\');
                out.push(x as char);
            }
            0x20..=0x7e => out.push(x as char),
            x => out.push_str(&format!("\\x{x:02x}")),
        }
    }
    out.push(quote);
    out
}
