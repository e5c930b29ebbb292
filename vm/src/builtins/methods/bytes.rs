//! `bytes` and `bytearray` methods. A bytearray is `[buffer: RawBytes][len]`
//! with spare capacity in the buffer, grown by reallocation.

use crate::builtins::*;
use crate::object::{self, Kind, field};
use crate::value::Value;
use crate::vm::{Args, PyResult, Vm};
use gc_api::Heap;

pub(super) fn install<H: Heap>(vm: &mut Vm<H>) {
    vm.def_method(T_BYTEARRAY, "append", append::<H>);
    vm.def_method(T_BYTEARRAY, "extend", extend::<H>);
    vm.def_method(T_BYTEARRAY, "pop", pop::<H>);
    vm.def_method(T_BYTEARRAY, "clear", clear::<H>);
    vm.def_method(T_BYTEARRAY, "copy", copy::<H>);
    vm.def_method(T_BYTEARRAY, "decode", super::str::decode::<H>);
    vm.def_method(T_BYTEARRAY, "hex", hex::<H>);
    vm.def_method(T_BYTES, "hex", hex::<H>);
    let both: &[(&'static str, crate::vm::NativeFn<H>)] = &[
        ("upper", |vm, a| {
            map_bytes(vm, a, |b| b.to_ascii_uppercase())
        }),
        ("lower", |vm, a| {
            map_bytes(vm, a, |b| b.to_ascii_lowercase())
        }),
        ("strip", |vm, a| strip(vm, a, true, true)),
        ("lstrip", |vm, a| strip(vm, a, true, false)),
        ("rstrip", |vm, a| strip(vm, a, false, true)),
        ("startswith", |vm, a| affix(vm, a, true)),
        ("endswith", |vm, a| affix(vm, a, false)),
        ("find", |vm, a| find_impl(vm, a, "find", false, false)),
        ("rfind", |vm, a| find_impl(vm, a, "rfind", true, false)),
        ("index", |vm, a| find_impl(vm, a, "index", false, true)),
        ("rindex", |vm, a| find_impl(vm, a, "rindex", true, true)),
        ("isascii", |vm, a| test_all(vm, a, |b| b.is_ascii())),
        ("count", count::<H>),
        ("replace", replace::<H>),
        ("split", split::<H>),
        ("join", join::<H>),
        ("isdigit", |vm, a| test_all(vm, a, |b| b.is_ascii_digit())),
        ("isalpha", |vm, a| {
            test_all(vm, a, |b| b.is_ascii_alphabetic())
        }),
        ("isspace", |vm, a| {
            test_all(vm, a, |b| b.is_ascii_whitespace())
        }),
    ];
    for t in [T_BYTES, T_BYTEARRAY] {
        vm.def_method(t, "translate", translate::<H>);
        vm.def_staticmethod(t, "maketrans", maketrans::<H>);
    }
    for t in [T_BYTES, T_BYTEARRAY] {
        for &(n, f) in both {
            vm.def_method(t, n, f);
        }
    }
    vm.def_classmethod(T_BYTES, "fromhex", fromhex::<H>);
}

fn fromhex<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "fromhex", 2, 2)?;
    let s = vm.arg(a, 1);
    if !(s.is_obj() && object::kind(s.as_obj()) == Kind::Str) {
        return Err(vm.type_error("fromhex() argument must be str"));
    }
    let digits: Vec<char> = object::str_of(s.as_obj())
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let mut out = Vec::with_capacity(digits.len() / 2);
    for (i, pair) in digits.chunks(2).enumerate() {
        let hex: String = pair.iter().collect();
        match (pair.len(), u8::from_str_radix(&hex, 16)) {
            (2, Ok(b)) => out.push(b),
            _ => {
                let msg = format!(
                    "non-hexadecimal number found in fromhex() arg at position {}",
                    2 * i
                );
                return Err(vm.value_error(&msg));
            }
        }
    }
    vm.new_bytes_kind(Kind::Bytes, &out)
}

/// A result of the same type as the receiver (bytes or bytearray).
fn same_kind<H: Heap>(vm: &mut Vm<H>, a: Args, data: &[u8]) -> PyResult {
    if object::kind(vm.arg(a, 0).as_obj()) == Kind::ByteArray {
        vm.new_bytearray(data)
    } else {
        vm.new_bytes_kind(Kind::Bytes, data)
    }
}

/// Argument `i` as bytes (bytes or bytearray), or a TypeError.
/// `bytes.maketrans(from, to)`: a 256-byte table mapping each byte of
/// `from` to the byte of `to` at the same position.
fn maketrans<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "maketrans", 2, 2)?;
    let from = bytes_arg(vm, a, 0)?;
    let to = bytes_arg(vm, a, 1)?;
    if from.len() != to.len() {
        return Err(vm.value_error("maketrans arguments must have same length"));
    }
    let mut table: Vec<u8> = (0..=255).collect();
    for (f, t) in from.iter().zip(&to) {
        table[*f as usize] = *t;
    }
    vm.new_bytes_kind(Kind::Bytes, &table)
}

/// `translate(table, delete=b'')`: bytes mapped through a 256-byte table
/// (None: unchanged), with the bytes in `delete` removed.
fn translate<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "translate", &["delete"])?;
    vm.check_count(a, "translate", 2, 3)?;
    let data = vm.byte_contents(vm.arg(a, 0)).unwrap_or_default();
    let table = if vm.arg(a, 1).is_none() {
        None
    } else {
        let t = bytes_arg(vm, a, 1)?;
        if t.len() != 256 {
            return Err(vm.value_error("translation table must be 256 characters long"));
        }
        Some(t)
    };
    let delete = match vm.kwarg(a, "delete") {
        Some(_) if a.n == 3 => {
            return Err(vm.type_error("translate() got multiple values for argument 'delete'"));
        }
        Some(d) => vm.byte_contents(d).unwrap_or_default(),
        None if a.n == 3 => bytes_arg(vm, a, 2)?,
        None => Vec::new(),
    };
    let out: Vec<u8> = data
        .iter()
        .filter(|b| !delete.contains(b))
        .map(|&b| table.as_ref().map_or(b, |t| t[b as usize]))
        .collect();
    same_kind(vm, a, &out)
}

fn bytes_arg<H: Heap>(vm: &mut Vm<H>, a: Args, i: usize) -> PyResult<Vec<u8>> {
    match vm.byte_contents(vm.arg(a, i)) {
        Some(b) => Ok(b),
        None => {
            let msg = format!(
                "a bytes-like object is required, not '{}'",
                vm.type_name(vm.arg(a, i))
            );
            Err(vm.type_error(&msg))
        }
    }
}

fn map_bytes<H: Heap>(vm: &mut Vm<H>, a: Args, f: fn(u8) -> u8) -> PyResult {
    let data: Vec<u8> = vm
        .byte_contents(vm.arg(a, 0))
        .unwrap_or_default()
        .into_iter()
        .map(f)
        .collect();
    same_kind(vm, a, &data)
}

fn test_all<H: Heap>(vm: &mut Vm<H>, a: Args, f: fn(&u8) -> bool) -> PyResult {
    let data = vm.byte_contents(vm.arg(a, 0)).unwrap_or_default();
    Ok(Value::bool(!data.is_empty() && data.iter().all(f)))
}

fn strip<H: Heap>(vm: &mut Vm<H>, a: Args, left: bool, right: bool) -> PyResult {
    vm.check_args(a, "strip", 1, 2)?;
    let data = vm.byte_contents(vm.arg(a, 0)).unwrap_or_default();
    let set: Vec<u8> = if a.n == 2 && !vm.arg(a, 1).is_none() {
        bytes_arg(vm, a, 1)?
    } else {
        b" \t\n\r\x0b\x0c".to_vec()
    };
    let mut lo = 0;
    let mut hi = data.len();
    if left {
        while lo < hi && set.contains(&data[lo]) {
            lo += 1;
        }
    }
    if right {
        while hi > lo && set.contains(&data[hi - 1]) {
            hi -= 1;
        }
    }
    same_kind(vm, a, &data[lo..hi])
}

fn affix<H: Heap>(vm: &mut Vm<H>, a: Args, prefix: bool) -> PyResult {
    vm.check_args(a, "startswith", 2, 2)?;
    let data = vm.byte_contents(vm.arg(a, 0)).unwrap_or_default();
    let p = vm.arg(a, 1);
    let cands: Vec<Vec<u8>> = if p.is_obj() && object::kind(p.as_obj()) == Kind::Tuple {
        object::items(p.as_obj())
            .iter()
            .filter_map(|v| vm.byte_contents(*v))
            .collect()
    } else {
        vec![bytes_arg(vm, a, 1)?]
    };
    let r = cands.iter().any(|c| {
        if prefix {
            data.starts_with(c)
        } else {
            data.ends_with(c)
        }
    });
    Ok(Value::bool(r))
}

fn position(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

/// `find`/`rfind`/`index`/`rindex(sub[, start[, end]])`: `sub` a bytes-like
/// object or a byte value; `start`/`end` clamp like slice bounds.
fn find_impl<H: Heap>(vm: &mut Vm<H>, a: Args, name: &str, rev: bool, raise: bool) -> PyResult {
    vm.check_args(a, name, 2, 4)?;
    let data = vm.byte_contents(vm.arg(a, 0)).unwrap_or_default();
    let needle = match vm.arg(a, 1).to_int() {
        Some(b) => vec![b as u8],
        None => bytes_arg(vm, a, 1)?,
    };
    let n = data.len() as i64;
    let bound = |v: Value, default: i64| -> i64 {
        match v.to_int() {
            Some(i) if i < 0 => (i + n).max(0),
            Some(i) => i.min(n),
            None => default,
        }
    };
    let start = if a.n > 2 { bound(vm.arg(a, 2), 0) } else { 0 };
    let end = if a.n > 3 { bound(vm.arg(a, 3), n) } else { n };
    let found = if start > end || (end - start) < needle.len() as i64 {
        None
    } else {
        let hay = &data[start as usize..end as usize];
        let p = if rev {
            if needle.is_empty() {
                Some(hay.len())
            } else {
                hay.windows(needle.len()).rposition(|w| w == needle)
            }
        } else {
            position(hay, &needle)
        };
        p.map(|p| p as i64 + start)
    };
    match found {
        Some(p) => Ok(Value::int(p)),
        None if raise => Err(vm.value_error("subsection not found")),
        None => Ok(Value::int(-1)),
    }
}

fn count<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "count", 2, 2)?;
    let data = vm.byte_contents(vm.arg(a, 0)).unwrap_or_default();
    let needle = match vm.arg(a, 1).to_int() {
        Some(b) => vec![b as u8],
        None => bytes_arg(vm, a, 1)?,
    };
    if needle.is_empty() {
        return Ok(Value::int(data.len() as i64 + 1));
    }
    let (mut n, mut i) = (0, 0);
    while let Some(p) = position(&data[i..], &needle) {
        n += 1;
        i += p + needle.len();
    }
    Ok(Value::int(n))
}

fn replace<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "replace", 3, 3)?;
    let data = vm.byte_contents(vm.arg(a, 0)).unwrap_or_default();
    let old = bytes_arg(vm, a, 1)?;
    let new = bytes_arg(vm, a, 2)?;
    let mut out = Vec::with_capacity(data.len());
    let mut i = 0;
    while i <= data.len() {
        match position(&data[i..], &old) {
            Some(p) if !old.is_empty() => {
                out.extend_from_slice(&data[i..i + p]);
                out.extend_from_slice(&new);
                i += p + old.len();
            }
            _ => {
                out.extend_from_slice(&data[i..]);
                break;
            }
        }
    }
    same_kind(vm, a, &out)
}

fn split<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "split", &["sep", "maxsplit"])?;
    vm.check_count(a, "split", 1, 3)?;
    let sep_v = if a.n >= 2 {
        vm.arg(a, 1)
    } else {
        vm.kwarg(a, "sep").unwrap_or(Value::NONE)
    };
    let max_v = if a.n >= 3 {
        Some(vm.arg(a, 2))
    } else {
        vm.kwarg(a, "maxsplit")
    };
    let max = match max_v {
        Some(m) => vm.index_int(m)?,
        None => -1,
    };
    let max = if max < 0 { usize::MAX } else { max as usize };
    let data = vm.byte_contents(vm.arg(a, 0)).unwrap_or_default();
    let parts: Vec<Vec<u8>> = if !sep_v.is_none() {
        let sep = match vm.byte_contents(sep_v) {
            Some(b) => b,
            None => {
                let msg = format!(
                    "a bytes-like object is required, not '{}'",
                    vm.type_name(sep_v)
                );
                return Err(vm.type_error(&msg));
            }
        };
        if sep.is_empty() {
            return Err(vm.value_error("empty separator"));
        }
        let mut v = Vec::new();
        let mut i = 0;
        loop {
            match position(&data[i..], &sep) {
                Some(p) if v.len() < max => {
                    v.push(data[i..i + p].to_vec());
                    i += p + sep.len();
                }
                _ => {
                    v.push(data[i..].to_vec());
                    break;
                }
            }
        }
        v
    } else {
        let mut v = Vec::new();
        let mut i = 0;
        loop {
            while i < data.len() && data[i].is_ascii_whitespace() {
                i += 1;
            }
            if i == data.len() {
                break;
            }
            if v.len() == max {
                v.push(data[i..].to_vec());
                break;
            }
            let start = i;
            while i < data.len() && !data[i].is_ascii_whitespace() {
                i += 1;
            }
            v.push(data[start..i].to_vec());
        }
        v
    };
    let l = vm.new_list(parts.len())?;
    let ls = vm.push(l);
    for p in parts {
        let b = same_kind(vm, a, &p)?;
        vm.list_append(vm.st(ls), b)?;
    }
    let l = vm.st(ls);
    vm.truncate(ls);
    Ok(l)
}

fn join<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "join", 2, 2)?;
    let sep = vm.byte_contents(vm.arg(a, 0)).unwrap_or_default();
    let it = vm.get_iter(vm.arg(a, 1))?;
    let its = vm.push(it);
    let mut out = Vec::new();
    let mut first = true;
    while let Some(v) = vm.iter_next(its)? {
        let Some(b) = vm.byte_contents(v) else {
            vm.truncate(its);
            let msg = format!(
                "sequence item: expected a bytes-like object, {} found",
                vm.type_name(v)
            );
            return Err(vm.type_error(&msg));
        };
        if !first {
            out.extend_from_slice(&sep);
        }
        first = false;
        out.extend_from_slice(&b);
    }
    vm.truncate(its);
    same_kind(vm, a, &out)
}

impl<H: Heap> Vm<H> {
    /// The current contents of a bytes or bytearray object, or of the
    /// buffer an `array.array` exports.
    pub fn byte_contents(&self, v: Value) -> Option<Vec<u8>> {
        let v = Self::unbox(v);
        if !v.is_obj() {
            return None;
        }
        let o = v.as_obj();
        match object::kind(o) {
            Kind::Bytes => Some(object::bytes_of(o).to_vec()),
            Kind::ByteArray => {
                let buf = object::get(o, field::BA_BUF).as_obj();
                Some(object::bytes_of(buf)[..object::word(o, field::BA_LEN)].to_vec())
            }
            Kind::Instance => {
                crate::stdlib::array::exported_buffer(self, v).and_then(|ba| self.byte_contents(ba))
            }
            _ => None,
        }
    }

    /// Appends `data` to bytearray `ba`, growing its buffer geometrically.
    pub fn bytearray_extend(&mut self, ba: Value, data: &[u8]) -> PyResult<()> {
        let len = object::word(ba.as_obj(), field::BA_LEN);
        let cap = object::word(object::get(ba.as_obj(), field::BA_BUF).as_obj(), 0);
        let mark = self.push(ba);
        if len + data.len() > cap {
            let new_cap = (len + data.len()).max(cap + cap / 2 + 16);
            let buf = self.new_bytes_kind(Kind::RawBytes, &vec![0u8; new_cap])?;
            let ba = self.st(mark).as_obj();
            let old = object::get(ba, field::BA_BUF).as_obj();
            object::bytes_of_mut(buf.as_obj())[..len]
                .copy_from_slice(&object::bytes_of(old)[..len]);
            self.store(ba, field::BA_BUF, buf);
        }
        let ba = self.st(mark).as_obj();
        let buf = object::get(ba, field::BA_BUF).as_obj();
        object::bytes_of_mut(buf)[len..len + data.len()].copy_from_slice(data);
        object::set_word(ba, field::BA_LEN, len + data.len());
        self.truncate(mark);
        Ok(())
    }
}

fn append<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "append", 2, 2)?;
    let b = match vm.index_value(vm.arg(a, 1))? {
        Some(b) if (0..256).contains(&b) => b as u8,
        Some(_) => return Err(vm.value_error("byte must be in range(0, 256)")),
        None => return Err(vm.not_an_integer(vm.arg(a, 1))),
    };
    vm.bytearray_extend(vm.arg(a, 0), &[b])?;
    Ok(Value::NONE)
}

fn extend<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "extend", 2, 2)?;
    let data = match vm.byte_contents(vm.arg(a, 1)) {
        Some(d) => d,
        None => super::super::types::bytes_from(vm, vm.arg(a, 1))?,
    };
    vm.bytearray_extend(vm.arg(a, 0), &data)?;
    Ok(Value::NONE)
}

fn pop<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "pop", 1, 2)?;
    let ba = vm.arg(a, 0).as_obj();
    let len = object::word(ba, field::BA_LEN);
    if len == 0 {
        return Err(vm.raise_msg(T_INDEX_ERROR, "pop from empty bytearray"));
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
    let ba = vm.arg(a, 0).as_obj();
    let buf = object::bytes_of_mut(object::get(ba, field::BA_BUF).as_obj());
    let v = buf[i];
    buf.copy_within(i + 1..len, i);
    object::set_word(ba, field::BA_LEN, len - 1);
    Ok(Value::int(v as i64))
}

fn clear<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "clear", 1, 1)?;
    object::set_word(vm.arg(a, 0).as_obj(), field::BA_LEN, 0);
    Ok(Value::NONE)
}

/// `bytearray.copy()`: a new bytearray with the same bytes.
fn copy<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "copy", 1, 1)?;
    let data = vm.byte_contents(vm.arg(a, 0)).unwrap_or_default();
    vm.new_bytearray(&data)
}

fn hex<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "hex", 1, 1)?;
    let data = vm.byte_contents(vm.arg(a, 0)).unwrap_or_default();
    let s: String = data.iter().map(|b| format!("{b:02x}")).collect();
    vm.new_str(&s)
}
