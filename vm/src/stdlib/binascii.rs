//! `binascii`: hex and base64 conversions and the CRCs, as CPython's
//! `Modules/binascii.c` (what `base64`, `hashlib`, `random` and friends use).
//! Also the small buffer and exception helpers the other native modules of
//! this directory share.

use crate::builtins::*;
use crate::object::{self, Kind, field};
use crate::value::Value;
use crate::vm::{Args, Exc, NativeFn, PyResult, Vm};
use gc_api::Heap;

/// The module names this file provides.
pub const MODULES: &[&str] = &["binascii"];

/// Frozen Python source this file adds (name, source).
pub const FROZEN: &[(&str, &str)] = &[];

/// Fills in module `name`, rooted at stack slot `ms`.
pub(crate) fn init<H: Heap>(vm: &mut Vm<H>, _name: &str, ms: usize) -> PyResult<()> {
    let fns: &[(&'static str, NativeFn<H>)] = &[
        ("hexlify", b2a_hex::<H>),
        ("b2a_hex", b2a_hex::<H>),
        ("unhexlify", a2b_hex::<H>),
        ("a2b_hex", a2b_hex::<H>),
        ("b2a_base64", b2a_base64::<H>),
        ("a2b_base64", a2b_base64::<H>),
        ("crc32", crc32::<H>),
        ("crc_hqx", crc_hqx::<H>),
        ("b2a_uu", b2a_uu::<H>),
        ("a2b_uu", a2b_uu::<H>),
    ];
    for &(n, f) in fns {
        vm.module_fn(ms, n, f)?;
    }
    let ve = vm.class(T_VALUE_ERROR);
    let err = vm.make_class("Error", &[ve], Value::NULL, "binascii")?;
    vm.module_set(vm.st(ms), "Error", err)?;
    let exc = vm.class(T_EXCEPTION);
    let inc = vm.make_class("Incomplete", &[exc], Value::NULL, "binascii")?;
    vm.module_set(vm.st(ms), "Incomplete", inc)?;
    Ok(())
}

// ------------------------------------------------------------ shared helpers

/// A copy of the bytes of a bytes-like value (bytes, bytearray, an
/// `array.array`'s buffer); TypeError otherwise, worded as CPython's
/// buffer protocol errors.
pub(crate) fn buffer_bytes<H: Heap>(vm: &mut Vm<H>, v: Value) -> PyResult<Vec<u8>> {
    if let Some(ba) = crate::stdlib::array::exported_buffer(vm, v) {
        return buffer_bytes(vm, ba);
    }
    if v.is_obj() {
        let o = v.as_obj();
        match object::kind(o) {
            Kind::Bytes | Kind::RawBytes => return Ok(object::bytes_of(o).to_vec()),
            Kind::ByteArray => {
                let buf = object::get(o, field::BA_BUF).as_obj();
                let n = object::word(o, field::BA_LEN);
                return Ok(object::bytes_of(buf)[..n].to_vec());
            }
            _ => {}
        }
    }
    let msg = format!("a bytes-like object is required, not '{}'", vm.type_name(v));
    Err(vm.type_error(&msg))
}

/// Bytes of an "ASCII string or bytes-like" argument (unhexlify, a2b_*).
fn ascii_buffer<H: Heap>(vm: &mut Vm<H>, v: Value) -> PyResult<Vec<u8>> {
    if v.is_obj() && object::kind(v.as_obj()) == Kind::Str {
        let s = object::str_of(v.as_obj());
        if !s.is_ascii() {
            return Err(vm.value_error("string argument should contain only ASCII characters"));
        }
        return Ok(s.as_bytes().to_vec());
    }
    if v.is_obj() && matches!(object::kind(v.as_obj()), Kind::Bytes | Kind::ByteArray) {
        return buffer_bytes(vm, v);
    }
    let msg = format!(
        "argument should be bytes, buffer or ASCII string, not '{}'",
        vm.type_name(v)
    );
    Err(vm.type_error(&msg))
}

/// Raises `module.cls(msg)`, the class found in `sys.modules[module]`
/// (ValueError if the module or class is gone).
pub(crate) fn raise_module_error<H: Heap>(
    vm: &mut Vm<H>,
    module: &str,
    cls: &str,
    msg: &str,
) -> Exc {
    let found = (|| -> PyResult<Option<Value>> {
        let k = vm.new_str(module)?;
        let mods = vm.rt.globals_roots[ROOT_MODULES];
        let Some(m) = vm.dict_get_item(mods, k)? else {
            return Ok(None);
        };
        if !(m.is_obj() && object::kind(m.as_obj()) == Kind::Module) {
            return Ok(None);
        }
        let ms = vm.push(m);
        let ck = vm.sym_str(cls);
        let d = object::get(vm.st(ms).as_obj(), field::MOD_DICT);
        let c = vm.dict_get_item(d, ck)?;
        vm.truncate(ms);
        Ok(c.filter(|c| vm.is_class(*c)))
    })();
    match found {
        Ok(Some(c)) => {
            let cs = vm.push(c);
            let r = match vm.new_str(msg) {
                Ok(s) => match vm.call_values(vm.st(cs), &[s]) {
                    Ok(e) => vm.raise_value(e, Value::NULL),
                    Err(x) => x,
                },
                Err(x) => x,
            };
            vm.truncate(cs);
            r
        }
        Ok(None) => vm.value_error(msg),
        Err(x) => x,
    }
}

fn error<H: Heap>(vm: &mut Vm<H>, msg: &str) -> Exc {
    raise_module_error(vm, "binascii", "Error", msg)
}

/// Argument `i`, by position or keyword `name`.
fn arg_or_kw<H: Heap>(vm: &Vm<H>, a: Args, i: usize, name: &str) -> Option<Value> {
    if i < a.n {
        Some(vm.arg(a, i))
    } else {
        vm.kwarg(a, name)
    }
}

// ------------------------------------------------------------ hex

/// Lower-case hex of `data` with an optional separator every `per` bytes
/// (counted from the right when `per` > 0, from the left when < 0), as
/// CPython's `_Py_strhex_impl`.
pub(crate) fn hex_with_sep(data: &[u8], sep: Option<u8>, per: i64) -> Vec<u8> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = Vec::with_capacity(data.len() * 3);
    let (Some(sep), true) = (sep, per != 0 && !data.is_empty()) else {
        for &b in data {
            out.push(HEX[(b >> 4) as usize]);
            out.push(HEX[(b & 15) as usize]);
        }
        return out;
    };
    let n = data.len();
    let g = per.unsigned_abs() as usize;
    for (i, &b) in data.iter().enumerate() {
        if i > 0 {
            let boundary = if per > 0 {
                (n - i).is_multiple_of(g)
            } else {
                i.is_multiple_of(g)
            };
            if boundary {
                out.push(sep);
            }
        }
        out.push(HEX[(b >> 4) as usize]);
        out.push(HEX[(b & 15) as usize]);
    }
    out
}

fn b2a_hex<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "hexlify", &["data", "sep", "bytes_per_sep"])?;
    vm.check_count(a, "hexlify", 0, 3)?;
    let Some(d) = arg_or_kw(vm, a, 0, "data") else {
        return Err(vm.type_error("hexlify() missing required argument 'data' (pos 1)"));
    };
    let data = buffer_bytes(vm, d)?;
    let sep = match arg_or_kw(vm, a, 1, "sep") {
        None => None,
        Some(s) if s.is_none() => None,
        Some(s) => {
            let b = if s.is_obj() && object::kind(s.as_obj()) == Kind::Str {
                object::str_of(s.as_obj()).as_bytes().to_vec()
            } else {
                buffer_bytes(vm, s)?
            };
            if b.len() != 1 {
                return Err(vm.value_error("sep must be length 1."));
            }
            if !b[0].is_ascii() {
                return Err(vm.value_error("sep must be ASCII."));
            }
            Some(b[0])
        }
    };
    let per = match arg_or_kw(vm, a, 2, "bytes_per_sep") {
        None => 1,
        Some(v) => match vm.index_value(v)? {
            Some(i) => i,
            None => return Err(vm.type_error("bytes_per_sep must be an integer")),
        },
    };
    let out = hex_with_sep(&data, sep, per);
    vm.new_bytes_kind(Kind::Bytes, &out)
}

fn hexval(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

fn a2b_hex<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "unhexlify", &["hexstr"])?;
    let Some(v) = arg_or_kw(vm, a, 0, "hexstr") else {
        return Err(vm.type_error("unhexlify() missing required argument 'hexstr' (pos 1)"));
    };
    let s = ascii_buffer(vm, v)?;
    if !s.len().is_multiple_of(2) {
        return Err(error(vm, "Odd-length string"));
    }
    let mut out = Vec::with_capacity(s.len() / 2);
    for p in s.chunks_exact(2) {
        match (hexval(p[0]), hexval(p[1])) {
            (Some(h), Some(l)) => out.push((h << 4) | l),
            _ => return Err(error(vm, "Non-hexadecimal digit found")),
        }
    }
    vm.new_bytes_kind(Kind::Bytes, &out)
}

// ------------------------------------------------------------ base64

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn b2a_base64<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "b2a_base64", &["newline"])?;
    vm.check_count(a, "b2a_base64", 1, 1)?;
    let data = buffer_bytes(vm, vm.arg(a, 0))?;
    let newline = match vm.kwarg(a, "newline") {
        Some(v) => vm.truthy(v)?,
        None => true,
    };
    let mut out = Vec::with_capacity(data.len().div_ceil(3) * 4 + 1);
    for c in data.chunks(3) {
        let b = [c[0], *c.get(1).unwrap_or(&0), *c.get(2).unwrap_or(&0)];
        let n = ((b[0] as u32) << 16) | ((b[1] as u32) << 8) | b[2] as u32;
        out.push(B64[(n >> 18) as usize & 63]);
        out.push(B64[(n >> 12) as usize & 63]);
        out.push(if c.len() > 1 {
            B64[(n >> 6) as usize & 63]
        } else {
            b'='
        });
        out.push(if c.len() > 2 {
            B64[n as usize & 63]
        } else {
            b'='
        });
    }
    if newline {
        out.push(b'\n');
    }
    vm.new_bytes_kind(Kind::Bytes, &out)
}

fn b64val(c: u8) -> Option<u8> {
    B64.iter().position(|&x| x == c).map(|p| p as u8)
}

/// CPython's `binascii_a2b_base64_impl`: Ok(bytes) or Err(error message).
fn decode_base64(s: &[u8], strict: bool) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(s.len() / 4 * 3 + 3);
    if strict && s.first() == Some(&b'=') {
        return Err("Leading padding not allowed".into());
    }
    let (mut quad_pos, mut pads, mut left) = (0u32, 0u32, 0u8);
    let mut padding_started = false;
    for (i, &ch) in s.iter().enumerate() {
        if ch == b'=' {
            padding_started = true;
            if strict && quad_pos == 0 {
                return Err("Excess padding not allowed".into());
            }
            if quad_pos >= 2 {
                pads += 1;
                if quad_pos + pads >= 4 {
                    if strict && i + 1 < s.len() {
                        return Err("Excess data after padding".into());
                    }
                    return Ok(out);
                }
            }
            continue;
        }
        let Some(v) = b64val(ch) else {
            if strict {
                return Err("Only base64 data is allowed".into());
            }
            continue;
        };
        if strict && padding_started {
            return Err("Discontinuous padding not allowed".into());
        }
        pads = 0;
        match quad_pos {
            0 => {
                quad_pos = 1;
                left = v;
            }
            1 => {
                quad_pos = 2;
                out.push((left << 2) | (v >> 4));
                left = v & 0x0f;
            }
            2 => {
                quad_pos = 3;
                out.push((left << 4) | (v >> 2));
                left = v & 0x03;
            }
            _ => {
                quad_pos = 0;
                out.push((left << 6) | v);
                left = 0;
            }
        }
    }
    match quad_pos {
        0 => Ok(out),
        1 => Err(format!(
            "Invalid base64-encoded string: number of data characters ({}) cannot be 1 more than a multiple of 4",
            out.len() / 3 * 4 + 1
        )),
        _ => Err("Incorrect padding".into()),
    }
}

fn a2b_base64<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "a2b_base64", &["strict_mode"])?;
    vm.check_count(a, "a2b_base64", 1, 1)?;
    let s = ascii_buffer(vm, vm.arg(a, 0))?;
    let strict = match vm.kwarg(a, "strict_mode") {
        Some(v) => vm.truthy(v)?,
        None => false,
    };
    match decode_base64(&s, strict) {
        Ok(out) => vm.new_bytes_kind(Kind::Bytes, &out),
        Err(m) => Err(error(vm, &m)),
    }
}

// ------------------------------------------------------------ uuencode

fn b2a_uu<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "b2a_uu", &["backtick"])?;
    vm.check_count(a, "b2a_uu", 1, 1)?;
    let data = buffer_bytes(vm, vm.arg(a, 0))?;
    let backtick = match vm.kwarg(a, "backtick") {
        Some(v) => vm.truthy(v)?,
        None => false,
    };
    if data.len() > 45 {
        return Err(error(vm, "At most 45 bytes at once"));
    }
    let enc = |v: u32| -> u8 {
        if backtick && v == 0 {
            b'`'
        } else {
            b' ' + v as u8
        }
    };
    let mut out = Vec::with_capacity(2 + data.len().div_ceil(3) * 4);
    out.push(if backtick && data.is_empty() {
        b'`'
    } else {
        b' ' + data.len() as u8
    });
    for c in data.chunks(3) {
        let n = ((c[0] as u32) << 16)
            | ((*c.get(1).unwrap_or(&0) as u32) << 8)
            | *c.get(2).unwrap_or(&0) as u32;
        for shift in [18, 12, 6, 0] {
            out.push(enc((n >> shift) & 0x3f));
        }
    }
    out.push(b'\n');
    vm.new_bytes_kind(Kind::Bytes, &out)
}

fn a2b_uu<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "a2b_uu", 1, 1)?;
    let s = ascii_buffer(vm, vm.arg(a, 0))?;
    let mut bin_len = (s.first().copied().unwrap_or(0).wrapping_sub(b' ') & 0o77) as usize;
    let mut out = Vec::with_capacity(bin_len);
    let (mut left, mut bits) = (0u32, 0u32);
    let mut i = 1;
    while bin_len > 0 {
        let ch = s.get(i).copied().unwrap_or(0);
        let v = if i >= s.len() || ch == b'\n' || ch == b'\r' {
            0
        } else {
            if !(b' '..=b' ' + 64).contains(&ch) {
                return Err(error(vm, "Illegal char"));
            }
            ((ch - b' ') & 0o77) as u32
        };
        i += 1;
        left = (left << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((left >> bits) as u8);
            left &= (1 << bits) - 1;
            bin_len -= 1;
        }
    }
    for &ch in s.iter().skip(i) {
        if !matches!(ch, b' ' | b'`' | b'\n' | b'\r') {
            return Err(error(vm, "Trailing garbage"));
        }
    }
    vm.new_bytes_kind(Kind::Bytes, &out)
}

// ------------------------------------------------------------ CRCs

fn crc32_table() -> &'static [u32; 256] {
    static T: std::sync::OnceLock<[u32; 256]> = std::sync::OnceLock::new();
    T.get_or_init(|| {
        let mut t = [0u32; 256];
        for (i, e) in t.iter_mut().enumerate() {
            let mut c = i as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0xedb8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
            *e = c;
        }
        t
    })
}

/// zlib's CRC-32 of `data` continuing from `crc`.
pub(crate) fn crc32_update(crc: u32, data: &[u8]) -> u32 {
    let t = crc32_table();
    let mut c = !crc;
    for &b in data {
        c = t[((c ^ b as u32) & 0xff) as usize] ^ (c >> 8);
    }
    !c
}

/// The low `bits` bits of an int argument (negative values wrap, as C's
/// unsigned conversion does).
fn masked_int<H: Heap>(vm: &mut Vm<H>, v: Value, bits: u32) -> PyResult<u64> {
    if !crate::num::is_int(v) {
        return Err(vm.not_an_integer(v));
    }
    let b = crate::num::to_bigint(v);
    let m = num_bigint::BigInt::from((1u128 << bits) - 1);
    let r = ((b % (&m + 1)) + (&m + 1)) & m;
    Ok(num_traits::ToPrimitive::to_u64(&r).unwrap_or(0))
}

fn crc32<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "crc32", 1, 2)?;
    let data = buffer_bytes(vm, vm.arg(a, 0))?;
    let crc = if a.n == 2 {
        masked_int(vm, vm.arg(a, 1), 32)? as u32
    } else {
        0
    };
    Ok(Value::int(crc32_update(crc, &data) as i64))
}

fn crc_hqx<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "crc_hqx", 2, 2)?;
    let data = buffer_bytes(vm, vm.arg(a, 0))?;
    let mut crc = masked_int(vm, vm.arg(a, 1), 16)? as u16;
    for &b in &data {
        crc ^= (b as u16) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    Ok(Value::int(crc as i64))
}
