//! `_struct`: packing values into C-layout bytes and back, as CPython's
//! `Modules/_struct.c` does on a little-endian LP64 machine (x86-64 Linux):
//! byte orders `@ = < > !`, native sizes and alignment for `@`, standard
//! sizes otherwise, and CPython's error messages (which differ between the
//! native-layout and the big-endian code paths).

use super::binascii::{buffer_bytes, raise_module_error};
use crate::builtins::*;
use crate::object::{self, Kind, field};
use crate::value::Value;
use crate::vm::{Args, NativeFn, PyResult, Vm};
use gc_api::Heap;
use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive};

/// The module names this file provides.
pub const MODULES: &[&str] = &["_struct"];

/// Frozen Python source this file adds (name, source).
pub const FROZEN: &[(&str, &str)] = &[];

const DOC: &str = "Functions to convert between Python values and C structs.\n\
Python bytes objects are used to hold the data representing the C struct\n\
and also as format strings (explained below) to describe the layout of data\n\
in the C struct.\n";

/// Fills in module `name`, rooted at stack slot `ms`.
pub(crate) fn init<H: Heap>(vm: &mut Vm<H>, _name: &str, ms: usize) -> PyResult<()> {
    let fns: &[(&'static str, NativeFn<H>)] = &[
        ("pack", struct_pack::<H>),
        ("unpack", struct_unpack::<H>),
        ("calcsize", struct_calcsize::<H>),
        ("pack_into", struct_pack_into::<H>),
        ("unpack_from", struct_unpack_from::<H>),
        ("iter_unpack", struct_iter_unpack::<H>),
        ("_clearcache", struct_clearcache::<H>),
    ];
    for &(n, f) in fns {
        vm.module_fn(ms, n, f)?;
    }
    let doc = vm.new_str(DOC)?;
    vm.module_set(vm.st(ms), "__doc__", doc)?;
    vm.intern("format");
    vm.intern("size");
    let exc = vm.class(T_EXCEPTION);
    let err = vm.make_class("error", &[exc], Value::NULL, "struct")?;
    vm.module_set(vm.st(ms), "error", err)?;
    let object = vm.class(T_OBJECT);
    let cls = vm.make_class("Struct", &[object], Value::NULL, "_struct")?;
    let cs = vm.push(cls);
    let methods: &[(&'static str, NativeFn<H>)] = &[
        ("__init__", s_init::<H>),
        ("pack", s_pack::<H>),
        ("unpack", s_unpack::<H>),
        ("pack_into", s_pack_into::<H>),
        ("unpack_from", s_unpack_from::<H>),
        ("iter_unpack", s_iter_unpack::<H>),
    ];
    for &(n, f) in methods {
        let d = object::get(vm.st(cs).as_obj(), field::CLS_DICT);
        vm.def_fn(d, n, f);
    }
    vm.module_set(vm.st(ms), "Struct", vm.st(cs))?;
    vm.truncate(cs);
    Ok(())
}

fn error<H: Heap>(vm: &mut Vm<H>, msg: &str) -> crate::vm::Exc {
    raise_module_error(vm, "_struct", "error", msg)
}

// ------------------------------------------------------------ formats

#[derive(Clone, Copy, PartialEq, Eq)]
enum Order {
    /// `@`: native sizes and alignment, little-endian.
    Native,
    /// `=` and `<`: standard sizes, little-endian.
    Little,
    /// `>` and `!`: standard sizes, big-endian.
    Big,
}

#[derive(Clone, Copy)]
struct Item {
    code: u8,
    /// Repeat count (or the byte length for `s`/`p`).
    num: usize,
    /// Size of one element.
    size: usize,
    offset: usize,
}

struct Format {
    order: Order,
    items: Vec<Item>,
    size: usize,
    nargs: usize,
}

fn code_size(code: u8, order: Order) -> Option<usize> {
    let native = order == Order::Native;
    Some(match code {
        b'x' | b'c' | b'b' | b'B' | b'?' | b's' | b'p' => 1,
        b'h' | b'H' | b'e' => 2,
        b'i' | b'I' | b'f' => 4,
        b'l' | b'L' => {
            if native {
                8
            } else {
                4
            }
        }
        b'q' | b'Q' | b'd' => 8,
        b'n' | b'N' | b'P' if native => 8,
        _ => return None,
    })
}

fn parse_format(fmt: &[u8]) -> Result<Format, &'static str> {
    let (order, body) = match fmt.first() {
        Some(b'@') => (Order::Native, &fmt[1..]),
        Some(b'=') | Some(b'<') => (Order::Little, &fmt[1..]),
        Some(b'>') | Some(b'!') => (Order::Big, &fmt[1..]),
        _ => (Order::Native, fmt),
    };
    let mut items = Vec::new();
    let (mut size, mut nargs) = (0usize, 0usize);
    let mut i = 0;
    while i < body.len() {
        let mut c = body[i];
        i += 1;
        if c.is_ascii_whitespace() {
            continue;
        }
        let mut num = 1usize;
        if c.is_ascii_digit() {
            num = (c - b'0') as usize;
            loop {
                let Some(&d) = body.get(i) else {
                    return Err("repeat count given without format specifier");
                };
                i += 1;
                if !d.is_ascii_digit() {
                    c = d;
                    break;
                }
                num = num
                    .checked_mul(10)
                    .and_then(|n| n.checked_add((d - b'0') as usize))
                    .filter(|&n| n <= isize::MAX as usize)
                    .ok_or("total struct size too long")?;
            }
        }
        let esize = code_size(c, order).ok_or("bad char in struct format")?;
        if order == Order::Native && esize > 1 {
            size = size
                .checked_add(esize - 1)
                .ok_or("total struct size too long")?
                / esize
                * esize;
        }
        let offset = size;
        let total = num
            .checked_mul(esize)
            .and_then(|t| size.checked_add(t))
            .filter(|&t| t <= isize::MAX as usize)
            .ok_or("total struct size too long")?;
        size = total;
        match c {
            b's' | b'p' => nargs += 1,
            b'x' => {}
            _ => nargs += num,
        }
        items.push(Item {
            code: c,
            num,
            size: esize,
            offset,
        });
    }
    Ok(Format {
        order,
        items,
        size,
        nargs,
    })
}

/// The format bytes of a `str` or `bytes` format argument.
fn format_bytes<H: Heap>(vm: &mut Vm<H>, v: Value, what: &str) -> PyResult<Vec<u8>> {
    if v.is_obj() {
        match object::kind(v.as_obj()) {
            Kind::Str => return Ok(object::str_of(v.as_obj()).as_bytes().to_vec()),
            Kind::Bytes => return Ok(object::bytes_of(v.as_obj()).to_vec()),
            _ => {}
        }
    }
    let msg = format!(
        "{what} argument 1 must be a str or bytes object, not {}",
        vm.type_name(v)
    );
    Err(vm.type_error(&msg))
}

fn get_format<H: Heap>(vm: &mut Vm<H>, v: Value, what: &str) -> PyResult<Format> {
    let b = format_bytes(vm, v, what)?;
    parse_format(&b).map_err(|m| error(vm, m))
}

// ------------------------------------------------------------ packing

/// The integer value of a pack argument (`__index__` allowed).
fn int_arg<H: Heap>(vm: &mut Vm<H>, v: Value) -> PyResult<BigInt> {
    if crate::num::is_int(v) {
        return Ok(crate::num::to_bigint(v));
    }
    if !(v.is_obj() && object::kind(v.as_obj()) == Kind::Float)
        && let Some(r) = vm.call_dunder(v, "__index__", &[])?
        && crate::num::is_int(r)
    {
        return Ok(crate::num::to_bigint(r));
    }
    Err(error(vm, "required argument is not an integer"))
}

fn float_arg<H: Heap>(vm: &mut Vm<H>, v: Value) -> PyResult<f64> {
    if let Some(f) = vm.as_f64(v)? {
        return Ok(f);
    }
    for d in ["__float__", "__index__"] {
        if let Some(r) = vm.call_dunder(v, d, &[])?
            && let Some(f) = vm.as_f64(r)?
        {
            return Ok(f);
        }
    }
    Err(error(vm, "required argument is not a float"))
}

/// Packs integer `x` for `code` (range checks with CPython's messages).
fn pack_int<H: Heap>(
    vm: &mut Vm<H>,
    code: u8,
    size: usize,
    order: Order,
    x: &BigInt,
    out: &mut [u8],
) -> PyResult<()> {
    const OOR: &str = "argument out of range";
    let big = order == Order::Big;
    let signed = matches!(code, b'b' | b'h' | b'i' | b'l' | b'q' | b'n');
    let v: u64 = if code == b'P' {
        match (x.to_i64(), x.to_u64()) {
            (Some(i), _) => i as u64,
            (None, Some(u)) => u,
            _ => return Err(error(vm, "int too large to convert")),
        }
    } else if big && size == 8 {
        // bp_longlong / bp_ulonglong: _PyLong_AsByteArray's overflow.
        let ok = if signed {
            x.to_i64().map(|i| i as u64)
        } else {
            x.to_u64()
        };
        match ok {
            Some(v) => v,
            None => return Err(error(vm, "int too large to convert")),
        }
    } else if signed {
        let Some(i) = x.to_i64() else {
            return Err(error(vm, OOR));
        };
        let (lo, hi) = match size {
            1 => (-128, 127),
            2 => (-32768, 32767),
            4 => (i32::MIN as i64, i32::MAX as i64),
            _ => (i64::MIN, i64::MAX),
        };
        if i < lo || i > hi {
            let msg = match (code, big) {
                (b'b', _) => "byte format requires -128 <= number <= 127".to_string(),
                (b'h', false) => "short format requires -32768 <= number <= 32767".to_string(),
                _ => format!("'{}' format requires {lo} <= number <= {hi}", code as char),
            };
            return Err(error(vm, &msg));
        }
        i as u64
    } else {
        // Unsigned: b/B and the native-copied h/H check as signed longs.
        let hi: u64 = if size == 8 {
            u64::MAX
        } else {
            (1u64 << (size * 8)) - 1
        };
        let named = code == b'B' || (code == b'H' && !big);
        let v = if named {
            match x.to_i64() {
                Some(i) if i >= 0 => i as u64,
                Some(_) => u64::MAX,
                None => return Err(error(vm, OOR)),
            }
        } else {
            if x.is_negative() {
                return Err(error(vm, OOR));
            }
            match x.to_u64() {
                Some(u) => u,
                None => return Err(error(vm, OOR)),
            }
        };
        if v > hi {
            let msg = match code {
                b'B' => "ubyte format requires 0 <= number <= 255".to_string(),
                b'H' if !big => "ushort format requires 0 <= number <= 65535".to_string(),
                _ => format!("'{}' format requires 0 <= number <= {hi}", code as char),
            };
            return Err(error(vm, &msg));
        }
        v
    };
    let le = v.to_le_bytes();
    if big {
        for k in 0..size {
            out[k] = le[size - 1 - k];
        }
    } else {
        out[..size].copy_from_slice(&le[..size]);
    }
    Ok(())
}

fn frexp(x: f64) -> (f64, i32) {
    if x == 0.0 || !x.is_finite() {
        return (x, 0);
    }
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        // Subnormal: scale up first.
        let (m, e) = frexp(x * 2f64.powi(64));
        return (m, e - 64);
    }
    let m = f64::from_bits((bits & !(0x7ffu64 << 52)) | (1022u64 << 52));
    (m, exp - 1022)
}

/// `PyFloat_Pack2`: IEEE half precision, round half to even.
fn pack_half(x: f64) -> Option<u16> {
    let (sign, e, bits): (u16, i32, u16);
    if x == 0.0 {
        return Some(if x.is_sign_negative() { 0x8000 } else { 0 });
    } else if x.is_infinite() {
        sign = (x < 0.0) as u16;
        e = 0x1f;
        bits = 0;
    } else if x.is_nan() {
        sign = x.is_sign_negative() as u16;
        e = 0x1f;
        bits = 512;
    } else {
        sign = (x < 0.0) as u16;
        let (mut f, mut ee) = frexp(x.abs());
        f *= 2.0;
        ee -= 1;
        if ee >= 16 {
            return None;
        } else if ee < -25 {
            f = 0.0;
            ee = 0;
        } else if ee < -14 {
            f *= 2f64.powi(14 + ee);
            ee = 0;
        } else {
            ee += 15;
            f -= 1.0;
        }
        f *= 1024.0;
        let mut b = f as u16;
        if f - b as f64 > 0.5 || (f - b as f64 == 0.5 && b % 2 == 1) {
            b += 1;
            if b == 1024 {
                b = 0;
                ee += 1;
                if ee == 31 {
                    return None;
                }
            }
        }
        e = ee;
        bits = b;
    }
    Some(bits | ((e as u16) << 10) | (sign << 15))
}

/// `PyFloat_Unpack2`.
fn unpack_half(h: u16) -> f64 {
    let sign = h >> 15;
    let e = ((h >> 10) & 0x1f) as i32;
    let f = (h & 0x3ff) as f64;
    if e == 0x1f {
        let v = if f == 0.0 { f64::INFINITY } else { f64::NAN };
        return if sign == 1 { -v } else { v };
    }
    let mut x = f / 1024.0;
    let ee = if e == 0 {
        -14
    } else {
        x += 1.0;
        e - 15
    };
    x *= 2f64.powi(ee);
    if sign == 1 { -x } else { x }
}

fn put_bytes(out: &mut [u8], le: &[u8], big: bool) {
    if big {
        for (k, b) in le.iter().rev().enumerate() {
            out[k] = *b;
        }
    } else {
        out[..le.len()].copy_from_slice(le);
    }
}

/// Packs the arguments `stack[base..base+n]` by `f` into a fresh buffer.
fn pack_values<H: Heap>(vm: &mut Vm<H>, f: &Format, base: usize, n: usize) -> PyResult<Vec<u8>> {
    if n != f.nargs {
        let msg = format!("pack expected {} items for packing (got {n})", f.nargs);
        return Err(error(vm, &msg));
    }
    let mut out = vec![0u8; f.size];
    let big = f.order == Order::Big;
    let mut ai = base;
    for it in &f.items {
        match it.code {
            b'x' => {}
            b's' | b'p' => {
                let v = vm.st(ai);
                ai += 1;
                let data = match v.to_obj().map(object::kind) {
                    Some(Kind::Bytes) | Some(Kind::ByteArray) => buffer_bytes(vm, v)?,
                    _ => {
                        let msg =
                            format!("argument for '{}' must be a bytes object", it.code as char);
                        return Err(error(vm, &msg));
                    }
                };
                let dst = &mut out[it.offset..it.offset + it.num];
                if it.code == b's' {
                    let k = data.len().min(it.num);
                    dst[..k].copy_from_slice(&data[..k]);
                } else if it.num > 0 {
                    let k = data.len().min(it.num - 1);
                    dst[1..1 + k].copy_from_slice(&data[..k]);
                    dst[0] = k.min(255) as u8;
                }
            }
            code => {
                for j in 0..it.num {
                    let v = vm.st(ai);
                    ai += 1;
                    let at = it.offset + j * it.size;
                    match code {
                        b'c' => {
                            let ok = v.is_obj() && object::kind(v.as_obj()) == Kind::Bytes;
                            let data = if ok { buffer_bytes(vm, v)? } else { Vec::new() };
                            if data.len() != 1 {
                                return Err(error(
                                    vm,
                                    "char format requires a bytes object of length 1",
                                ));
                            }
                            out[at] = data[0];
                        }
                        b'?' => {
                            let t = vm.truthy(v)?;
                            out[at] = t as u8;
                        }
                        b'e' => {
                            let x = float_arg(vm, v)?;
                            let Some(h) = pack_half(x) else {
                                return Err(
                                    vm.overflow_error("float too large to pack with e format")
                                );
                            };
                            put_bytes(&mut out[at..], &h.to_le_bytes(), big);
                        }
                        b'f' => {
                            let x = float_arg(vm, v)?;
                            let y = x as f32;
                            if y.is_infinite() && x.is_finite() && f.order != Order::Native {
                                return Err(
                                    vm.overflow_error("float too large to pack with f format")
                                );
                            }
                            put_bytes(&mut out[at..], &y.to_le_bytes(), big);
                        }
                        b'd' => {
                            let x = float_arg(vm, v)?;
                            put_bytes(&mut out[at..], &x.to_le_bytes(), big);
                        }
                        _ => {
                            let x = int_arg(vm, v)?;
                            pack_int(vm, code, it.size, f.order, &x, &mut out[at..])?;
                        }
                    }
                }
            }
        }
    }
    Ok(out)
}

fn get_uint(data: &[u8], big: bool) -> u64 {
    let mut v = 0u64;
    if big {
        for &b in data {
            v = (v << 8) | b as u64;
        }
    } else {
        for &b in data.iter().rev() {
            v = (v << 8) | b as u64;
        }
    }
    v
}

/// Unpacks `data` (exactly `f.size` bytes) into a tuple.
fn unpack_values<H: Heap>(vm: &mut Vm<H>, f: &Format, data: &[u8]) -> PyResult {
    let big = f.order == Order::Big;
    let mark = vm.rt.sp;
    for it in &f.items {
        match it.code {
            b'x' => {}
            b's' => {
                let b = vm.new_bytes_kind(Kind::Bytes, &data[it.offset..it.offset + it.num])?;
                vm.push(b);
            }
            b'p' => {
                let src = &data[it.offset..it.offset + it.num];
                let b = if it.num == 0 {
                    vm.new_bytes_kind(Kind::Bytes, &[])?
                } else {
                    let k = (src[0] as usize).min(it.num - 1);
                    vm.new_bytes_kind(Kind::Bytes, &src[1..1 + k])?
                };
                vm.push(b);
            }
            code => {
                for j in 0..it.num {
                    let at = it.offset + j * it.size;
                    let raw = &data[at..at + it.size];
                    let u = get_uint(raw, big);
                    let v = match code {
                        b'c' => vm.new_bytes_kind(Kind::Bytes, &raw[..1])?,
                        b'?' => Value::bool(raw[0] != 0),
                        b'e' => vm.new_float(unpack_half(u as u16))?,
                        b'f' => vm.new_float(f32::from_bits(u as u32) as f64)?,
                        b'd' => vm.new_float(f64::from_bits(u))?,
                        b'b' | b'h' | b'i' | b'l' | b'q' | b'n' => {
                            let shift = 64 - 8 * it.size as u32;
                            vm.int_from_i64(((u << shift) as i64) >> shift)?
                        }
                        _ => {
                            if u <= i64::MAX as u64 {
                                vm.int_from_i64(u as i64)?
                            } else {
                                vm.new_int(BigInt::from(u))?
                            }
                        }
                    };
                    vm.push(v);
                }
            }
        }
    }
    let n = vm.rt.sp - mark;
    let t = vm.tuple_from_stack(mark, n)?;
    vm.truncate(mark);
    Ok(t)
}

// ------------------------------------------------------------ shared bodies

fn do_unpack_from<H: Heap>(vm: &mut Vm<H>, f: &Format, buf: Value, offset: Value) -> PyResult {
    let data = buffer_bytes(vm, buf)?;
    let off = if offset.is_null() {
        0
    } else {
        vm.index_int(offset)?
    };
    let len = data.len() as i64;
    let mut start = off;
    if off < 0 {
        if off + len < 0 {
            let msg = format!("offset {off} out of range for {len}-byte buffer");
            return Err(error(vm, &msg));
        }
        if off + (f.size as i64) > 0 {
            let msg = format!("not enough data to unpack {} bytes at offset {off}", f.size);
            return Err(error(vm, &msg));
        }
        start = off + len;
    }
    if len - start < f.size as i64 {
        let msg = format!(
            "unpack_from requires a buffer of at least {} bytes for unpacking {} bytes at offset {off} (actual buffer size is {len})",
            f.size as i64 + start,
            f.size
        );
        return Err(error(vm, &msg));
    }
    let s = start as usize;
    unpack_values(vm, f, &data[s..s + f.size])
}

fn do_pack_into<H: Heap>(vm: &mut Vm<H>, f: &Format, a: Args, first: usize) -> PyResult {
    // Arguments: buffer, offset, values...
    let buf = vm.arg(a, first);
    if !(buf.is_obj() && object::kind(buf.as_obj()) == Kind::ByteArray) {
        let msg = format!(
            "argument must be read-write bytes-like object, not {}",
            vm.type_name(buf)
        );
        return Err(vm.type_error(&msg));
    }
    let ov = vm.arg(a, first + 1);
    let off = vm.index_int(ov)?;
    let packed = pack_values(vm, f, a.base + first + 2, a.n - first - 2)?;
    let buf = vm.arg(a, first);
    let len = object::word(buf.as_obj(), field::BA_LEN) as i64;
    let mut start = off;
    if off < 0 {
        if off + len < 0 {
            let msg = format!("offset {off} out of range for {len}-byte buffer");
            return Err(error(vm, &msg));
        }
        if off + (f.size as i64) > 0 {
            let msg = format!("no space to pack {} bytes at offset {off}", f.size);
            return Err(error(vm, &msg));
        }
        start = off + len;
    }
    if len - start < f.size as i64 {
        let msg = format!(
            "pack_into requires a buffer of at least {} bytes for packing {} bytes at offset {off} (actual buffer size is {len})",
            f.size as i64 + start,
            f.size
        );
        return Err(error(vm, &msg));
    }
    let raw = object::get(buf.as_obj(), field::BA_BUF).as_obj();
    let s = start as usize;
    object::bytes_of_mut(raw)[s..s + f.size].copy_from_slice(&packed);
    Ok(Value::NONE)
}

fn do_iter_unpack<H: Heap>(vm: &mut Vm<H>, f: &Format, buf: Value) -> PyResult {
    if f.size == 0 {
        return Err(error(
            vm,
            "cannot iteratively unpack with a struct of length 0",
        ));
    }
    let data = buffer_bytes(vm, buf)?;
    if !data.len().is_multiple_of(f.size) {
        let msg = format!(
            "iterative unpacking requires a buffer of a multiple of {} bytes",
            f.size
        );
        return Err(error(vm, &msg));
    }
    let l = vm.new_list(data.len() / f.size)?;
    let ls = vm.push(l);
    for chunk in data.chunks_exact(f.size) {
        let t = unpack_values(vm, f, chunk)?;
        vm.list_append(vm.st(ls), t)?;
    }
    let it = vm.get_iter(vm.st(ls))?;
    vm.truncate(ls);
    Ok(it)
}

fn do_unpack<H: Heap>(vm: &mut Vm<H>, f: &Format, buf: Value) -> PyResult {
    let data = buffer_bytes(vm, buf)?;
    if data.len() != f.size {
        let msg = format!("unpack requires a buffer of {} bytes", f.size);
        return Err(error(vm, &msg));
    }
    unpack_values(vm, f, &data)
}

/// Argument `i` of a call, by position or by keyword `name` (NULL if absent).
fn arg_or_kw<H: Heap>(vm: &Vm<H>, a: Args, i: usize, name: &str) -> Value {
    if i < a.n {
        vm.arg(a, i)
    } else {
        vm.kwarg(a, name).unwrap_or(Value::NULL)
    }
}

// ------------------------------------------------------------ module functions

fn struct_pack<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    if a.n == 0 {
        return Err(vm.type_error("pack expected at least 1 argument, got 0"));
    }
    let f = get_format(vm, vm.arg(a, 0), "Struct()")?;
    let data = pack_values(vm, &f, a.base + 1, a.n - 1)?;
    vm.new_bytes_kind(Kind::Bytes, &data)
}

fn struct_unpack<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "unpack", 2, 2)?;
    let f = get_format(vm, vm.arg(a, 0), "Struct()")?;
    do_unpack(vm, &f, vm.arg(a, 1))
}

fn struct_calcsize<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "calcsize", 1, 1)?;
    let f = get_format(vm, vm.arg(a, 0), "Struct()")?;
    vm.int_from_i64(f.size as i64)
}

fn struct_pack_into<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    if a.n < 3 {
        let msg = if a.n == 0 {
            "pack_into expected at least 1 argument, got 0".to_string()
        } else if a.n == 1 {
            "pack_into expected buffer argument".to_string()
        } else {
            "pack_into expected offset argument".to_string()
        };
        return Err(vm.type_error(&msg));
    }
    let f = get_format(vm, vm.arg(a, 0), "Struct()")?;
    do_pack_into(vm, &f, a, 1)
}

fn struct_unpack_from<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "unpack_from", &["buffer", "offset"])?;
    vm.check_count(a, "unpack_from", 1, 3)?;
    let f = get_format(vm, vm.arg(a, 0), "Struct()")?;
    let buf = arg_or_kw(vm, a, 1, "buffer");
    if buf.is_null() {
        return Err(vm.type_error("unpack_from() missing required argument 'buffer' (pos 2)"));
    }
    let off = arg_or_kw(vm, a, 2, "offset");
    do_unpack_from(vm, &f, buf, off)
}

fn struct_iter_unpack<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "iter_unpack", 2, 2)?;
    let f = get_format(vm, vm.arg(a, 0), "Struct()")?;
    do_iter_unpack(vm, &f, vm.arg(a, 1))
}

fn struct_clearcache<H: Heap>(_vm: &mut Vm<H>, _a: Args) -> PyResult {
    Ok(Value::NONE)
}

// ------------------------------------------------------------ Struct objects

/// The parsed format of Struct instance `slf` (its `format` attribute).
fn self_format<H: Heap>(vm: &mut Vm<H>, slot: usize) -> PyResult<Format> {
    let sym = vm.intern("format");
    let slf = vm.st(slot);
    let fv = if slf.is_obj() && object::kind(slf.as_obj()) == Kind::Instance {
        vm.inst_get(slf.as_obj(), sym)
    } else {
        None
    };
    match fv {
        Some(v) => get_format(vm, v, "Struct()"),
        None => Err(vm.type_error("descriptor requires a '_struct.Struct' object")),
    }
}

fn s_init<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "Struct", &["format"])?;
    let fv = arg_or_kw(vm, a, 1, "format");
    if fv.is_null() || a.n > 2 {
        return Err(vm.type_error("Struct() takes exactly one argument"));
    }
    let fb = format_bytes(vm, fv, "Struct()")?;
    let f = parse_format(&fb).map_err(|m| error(vm, m))?;
    let text = String::from_utf8_lossy(&fb).into_owned();
    let fsym = vm.intern("format");
    let ssym = vm.intern("size");
    let s = vm.new_str(&text)?;
    vm.inst_set(vm.arg(a, 0), fsym, s)?;
    let size = vm.int_from_i64(f.size as i64)?;
    vm.inst_set(vm.arg(a, 0), ssym, size)?;
    Ok(Value::NONE)
}

fn s_pack<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let f = self_format(vm, a.base)?;
    let data = pack_values(vm, &f, a.base + 1, a.n - 1)?;
    vm.new_bytes_kind(Kind::Bytes, &data)
}

fn s_unpack<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "unpack", 2, 2)?;
    let f = self_format(vm, a.base)?;
    do_unpack(vm, &f, vm.arg(a, 1))
}

fn s_pack_into<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    if a.n < 3 {
        let msg = if a.n < 2 {
            "pack_into expected buffer argument"
        } else {
            "pack_into expected offset argument"
        };
        return Err(vm.type_error(msg));
    }
    let f = self_format(vm, a.base)?;
    do_pack_into(vm, &f, a, 1)
}

fn s_unpack_from<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "unpack_from", &["buffer", "offset"])?;
    vm.check_count(a, "unpack_from", 1, 3)?;
    let f = self_format(vm, a.base)?;
    let buf = arg_or_kw(vm, a, 1, "buffer");
    if buf.is_null() {
        return Err(vm.type_error("unpack_from() missing required argument 'buffer' (pos 1)"));
    }
    let off = arg_or_kw(vm, a, 2, "offset");
    do_unpack_from(vm, &f, buf, off)
}

fn s_iter_unpack<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "iter_unpack", 2, 2)?;
    let f = self_format(vm, a.base)?;
    do_iter_unpack(vm, &f, vm.arg(a, 1))
}
