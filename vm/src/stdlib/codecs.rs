//! `_codecs`, `_string` and `_locale`: text encodings, format-string parsing and the C locale.
//!
//! The byte-level codecs (UTF-8, Latin-1, ASCII and the escape codecs) are
//! Rust natives with the builtin error handlers; the codec and error-handler
//! registries, `_string` and `_locale` are Python (`codecs_module.py`,
//! `codecs_string.py`, `codecs_locale.py`) run in the native modules'
//! namespaces. Heaplab strs are UTF-8 and cannot hold lone surrogates, so
//! `surrogateescape`/`surrogatepass` decode like `replace` and encode like
//! `strict`.

use crate::builtins::*;
use crate::object::{self, Kind};
use crate::value::Value;
use crate::vm::{Args, Exc, NativeFn, PyResult, Vm};
use gc_api::Heap;

/// The module names this file provides.
pub const MODULES: &[&str] = &["_codecs", "_string", "_locale"];

/// Frozen Python source this file adds (name, source).
pub const FROZEN: &[(&str, &str)] = &[];

const CODECS_PY: &str = include_str!("codecs_module.py");
const STRING_PY: &str = include_str!("codecs_string.py");
const LOCALE_PY: &str = include_str!("codecs_locale.py");

/// Fills in module `name`, rooted at stack slot `ms`.
pub(crate) fn init<H: Heap>(vm: &mut Vm<H>, name: &str, ms: usize) -> PyResult<()> {
    use super::posix::exec_in_module;
    match name {
        "_string" => exec_in_module(vm, ms, STRING_PY, "<frozen _string>"),
        "_locale" => exec_in_module(vm, ms, LOCALE_PY, "<frozen _locale>"),
        _ => {
            let fns: &[(&'static str, NativeFn<H>)] = &[
                ("utf_8_encode", utf_8_encode::<H>),
                ("utf_8_decode", utf_8_decode::<H>),
                ("latin_1_encode", |vm, a| {
                    charset_encode(vm, a, "latin-1", 0x100)
                }),
                ("latin_1_decode", |vm, a| {
                    charset_decode(vm, a, "latin-1", 0x100)
                }),
                ("ascii_encode", |vm, a| charset_encode(vm, a, "ascii", 0x80)),
                ("ascii_decode", |vm, a| charset_decode(vm, a, "ascii", 0x80)),
                ("escape_encode", escape_encode::<H>),
                ("escape_decode", escape_decode::<H>),
                ("unicode_escape_encode", |vm, a| {
                    uescape_encode(vm, a, false)
                }),
                ("unicode_escape_decode", |vm, a| {
                    uescape_decode(vm, a, false)
                }),
                ("raw_unicode_escape_encode", |vm, a| {
                    uescape_encode(vm, a, true)
                }),
                ("raw_unicode_escape_decode", |vm, a| {
                    uescape_decode(vm, a, true)
                }),
            ];
            for &(n, f) in fns {
                vm.module_fn(ms, n, f)?;
            }
            exec_in_module(vm, ms, CODECS_PY, "<frozen _codecs>")
        }
    }
}

// ------------------------------------------------------------------ args

fn str_arg<H: Heap>(vm: &mut Vm<H>, a: Args, i: usize, fname: &str) -> PyResult<String> {
    let v = vm.arg(a, i);
    if v.is_obj() && object::kind(v.as_obj()) == Kind::Str {
        return Ok(object::str_of(v.as_obj()).to_string());
    }
    let msg = format!("{fname}() argument 1 must be str, not {}", vm.type_name(v));
    Err(vm.type_error(&msg))
}

fn data_arg<H: Heap>(vm: &mut Vm<H>, a: Args, i: usize, fname: &str) -> PyResult<Vec<u8>> {
    let v = vm.arg(a, i);
    if let Some(b) = vm.byte_contents(v) {
        return Ok(b);
    }
    let msg = format!(
        "{fname}() argument 1 must be bytes-like object, not '{}'",
        vm.type_name(v)
    );
    Err(vm.type_error(&msg))
}

/// The `errors` argument (positional `i` or keyword), default "strict".
fn errors_arg<H: Heap>(vm: &mut Vm<H>, a: Args, i: usize) -> PyResult<String> {
    let v = if i < a.n {
        vm.arg(a, i)
    } else {
        vm.kwarg(a, "errors").unwrap_or(Value::NONE)
    };
    if v.is_none() {
        return Ok("strict".into());
    }
    if v.is_obj() && object::kind(v.as_obj()) == Kind::Str {
        return Ok(object::str_of(v.as_obj()).to_string());
    }
    let msg = format!(
        "argument 'errors' must be str or None, not {}",
        vm.type_name(v)
    );
    Err(vm.type_error(&msg))
}

fn final_arg<H: Heap>(vm: &mut Vm<H>, a: Args, i: usize) -> PyResult<bool> {
    let v = if i < a.n {
        vm.arg(a, i)
    } else {
        vm.kwarg(a, "final").unwrap_or(Value::FALSE)
    };
    vm.truthy(v)
}

/// `(obj, n)`.
fn pair<H: Heap>(vm: &mut Vm<H>, obj: PyResult, n: usize) -> PyResult {
    let obj = obj?;
    let mark = vm.push(obj);
    let n = vm.int_from_i64(n as i64)?;
    let r = vm.new_tuple(&[vm.st(mark), n]);
    vm.truncate(mark);
    r
}

// ---------------------------------------------------------------- errors

/// A `UnicodeDecodeError`/`UnicodeEncodeError` with its attributes set.
fn unicode_error<H: Heap>(
    vm: &mut Vm<H>,
    decode: bool,
    encoding: &str,
    object: Value,
    start: usize,
    end: usize,
    reason: &str,
) -> PyResult {
    let mark = vm.push(object);
    let cname = if decode {
        "UnicodeDecodeError"
    } else {
        "UnicodeEncodeError"
    };
    let k = vm.sym_str(cname);
    let bd = vm.rt.globals_roots[ROOT_BUILTINS];
    let cls = vm.dict_get_str(bd, k).unwrap_or(vm.class(T_UNICODE_ERROR));
    vm.push(cls);
    let e = vm.new_str(encoding)?;
    vm.push(e);
    let r = vm.new_str(reason)?;
    vm.push(r);
    let (s, en) = (Value::int(start as i64), Value::int(end as i64));
    let args = [vm.st(mark + 2), vm.st(mark), s, en, vm.st(mark + 3)];
    let exc = vm.call_values(vm.st(mark + 1), &args)?;
    vm.push(exc);
    for (n, v) in [
        ("encoding", vm.st(mark + 2)),
        ("object", vm.st(mark)),
        ("start", s),
        ("end", en),
        ("reason", vm.st(mark + 3)),
    ] {
        let sym = vm.intern(n);
        let v = if n == "encoding" {
            vm.st(mark + 2)
        } else if n == "object" {
            vm.st(mark)
        } else if n == "reason" {
            vm.st(mark + 3)
        } else {
            v
        };
        vm.setattr(vm.st(mark + 4), sym, v)?;
    }
    let exc = vm.st(mark + 4);
    vm.truncate(mark);
    Ok(exc)
}

/// Raises the error for `object[start:end]` (strict handling).
fn raise_unicode<H: Heap>(
    vm: &mut Vm<H>,
    decode: bool,
    encoding: &str,
    object: Value,
    start: usize,
    end: usize,
    reason: &str,
) -> Exc {
    match unicode_error(vm, decode, encoding, object, start, end, reason) {
        Ok(e) => vm.raise_value(e, Value::NULL),
        Err(x) => x,
    }
}

/// Calls a registered (Python) error handler: returns (replacement, new
/// position). `object` is rooted by the caller; it may be re-read.
fn call_handler<H: Heap>(vm: &mut Vm<H>, errors: &str, exc: Value) -> PyResult<(Value, i64)> {
    let es = vm.push(exc);
    let m = vm.import_module("_codecs")?;
    let sym = vm.intern("lookup_error");
    let f = vm.getattr(m, sym)?;
    let fs = vm.push(f);
    let n = vm.new_str(errors)?;
    let h = vm.call_values(vm.st(fs), &[n])?;
    let r = vm.call_values(h, &[vm.st(es)])?;
    vm.truncate(es);
    let ok =
        r.is_obj() && object::kind(r.as_obj()) == Kind::Tuple && object::array_len(r.as_obj()) == 2;
    if !ok {
        return Err(vm.type_error("encoding error handler must return (str/bytes, int) tuple"));
    }
    let rep = object::array_get(r.as_obj(), 0);
    let pos = object::array_get(r.as_obj(), 1);
    match pos.to_int() {
        Some(p) => Ok((rep, p)),
        None => Err(vm.type_error("encoding error handler must return (str/bytes, int) tuple")),
    }
}

const BUILTIN_HANDLERS: &[&str] = &[
    "strict",
    "ignore",
    "replace",
    "backslashreplace",
    "xmlcharrefreplace",
    "surrogateescape",
    "surrogatepass",
    "namereplace",
];

/// Decoding: what to append for undecodable `bad` bytes; `None` = strict.
fn decode_replacement(errors: &str, bad: &[u8]) -> Option<String> {
    match errors {
        "ignore" => Some(String::new()),
        "replace" | "surrogateescape" | "surrogatepass" => Some("\u{fffd}".into()),
        "backslashreplace" => Some(bad.iter().map(|b| format!("\\x{b:02x}")).collect()),
        _ => None,
    }
}

/// Encoding: what to emit for unencodable `bad` chars; `None` = strict.
fn encode_replacement(errors: &str, bad: &str, limit: u32) -> Option<Vec<u8>> {
    let esc = |c: char| {
        let n = c as u32;
        if n < 0x100 {
            format!("\\x{n:02x}")
        } else if n < 0x10000 {
            format!("\\u{n:04x}")
        } else {
            format!("\\U{n:08x}")
        }
    };
    let _ = limit;
    match errors {
        "ignore" => Some(Vec::new()),
        "replace" => Some(vec![b'?'; bad.chars().count()]),
        "backslashreplace" => Some(bad.chars().map(esc).collect::<String>().into_bytes()),
        "namereplace" => Some(
            bad.chars()
                .map(|c| match rustpython_unicode::character_name(c) {
                    Some(name) => format!("\\N{{{name}}}"),
                    None => esc(c),
                })
                .collect::<String>()
                .into_bytes(),
        ),
        "xmlcharrefreplace" => Some(
            bad.chars()
                .map(|c| format!("&#{};", c as u32))
                .collect::<String>()
                .into_bytes(),
        ),
        _ => None,
    }
}

// ------------------------------------------------------------------ utf-8

fn utf_8_encode<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_count(a, "utf_8_encode", 1, 2)?;
    let s = str_arg(vm, a, 0, "utf_8_encode")?;
    let n = s.chars().count();
    let b = vm.new_bytes_kind(Kind::Bytes, s.as_bytes());
    pair(vm, b, n)
}

fn utf8_bad_reason(b: &[u8]) -> &'static str {
    match b[0] {
        0x80..=0xC1 | 0xF5..=0xFF => "invalid start byte",
        _ => "invalid continuation byte",
    }
}

fn utf_8_decode<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_count(a, "utf_8_decode", 1, 3)?;
    let data = data_arg(vm, a, 0, "utf_8_decode")?;
    let errors = errors_arg(vm, a, 1)?;
    let fin = final_arg(vm, a, 2)?;
    // Fast path: all valid.
    if let Ok(s) = std::str::from_utf8(&data) {
        let s = s.to_string();
        let v = vm.new_str(&s);
        return pair(vm, v, data.len());
    }
    let mut out = String::with_capacity(data.len());
    let mut pos = 0;
    while pos < data.len() {
        match std::str::from_utf8(&data[pos..]) {
            Ok(s) => {
                out.push_str(s);
                pos = data.len();
            }
            Err(e) => {
                let good = e.valid_up_to();
                // SAFETY: from_utf8 validated data[pos..pos+good].
                out.push_str(unsafe { std::str::from_utf8_unchecked(&data[pos..pos + good]) });
                pos += good;
                let (bad_len, reason) = match e.error_len() {
                    Some(n) => (n, utf8_bad_reason(&data[pos..])),
                    None => {
                        if !fin {
                            break;
                        }
                        (data.len() - pos, "unexpected end of data")
                    }
                };
                let bad = &data[pos..pos + bad_len];
                match decode_replacement(&errors, bad) {
                    Some(r) => {
                        out.push_str(&r);
                        pos += bad_len;
                    }
                    None => {
                        let (start, end) = (pos, pos + bad_len);
                        let obj = vm.new_bytes_kind(Kind::Bytes, &data)?;
                        if errors == "strict" || BUILTIN_HANDLERS.contains(&errors.as_str()) {
                            return Err(raise_unicode(vm, true, "utf-8", obj, start, end, reason));
                        }
                        let exc = unicode_error(vm, true, "utf-8", obj, start, end, reason)?;
                        let (rep, np) = call_handler(vm, &errors, exc)?;
                        let r = vm.str_string(rep)?;
                        out.push_str(&r);
                        pos = if np < 0 {
                            (data.len() as i64 + np).max(0) as usize
                        } else {
                            np as usize
                        };
                    }
                }
            }
        }
    }
    let v = vm.new_str(&out);
    pair(vm, v, pos)
}

// ---------------------------------------------------------- latin-1, ascii

fn charset_encode<H: Heap>(vm: &mut Vm<H>, a: Args, enc: &str, limit: u32) -> PyResult {
    vm.check_count(a, "encode", 1, 2)?;
    let s = str_arg(vm, a, 0, "encode")?;
    let errors = errors_arg(vm, a, 1)?;
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if (c as u32) < limit {
            out.push(c as u8);
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < chars.len() && chars[j] as u32 >= limit {
            j += 1;
        }
        let bad: String = chars[i..j].iter().collect();
        match encode_replacement(&errors, &bad, limit) {
            Some(r) => {
                out.extend_from_slice(&r);
                i = j;
            }
            None => {
                let reason = format!("ordinal not in range({limit})");
                let obj = vm.arg(a, 0);
                if errors == "strict" || BUILTIN_HANDLERS.contains(&errors.as_str()) {
                    return Err(raise_unicode(vm, false, enc, obj, i, j, &reason));
                }
                let exc = unicode_error(vm, false, enc, obj, i, j, &reason)?;
                let (rep, np) = call_handler(vm, &errors, exc)?;
                match vm.byte_contents(rep) {
                    Some(b) => out.extend_from_slice(&b),
                    None => {
                        let r = vm.str_string(rep)?;
                        for c in r.chars() {
                            if (c as u32) >= limit {
                                let obj = vm.arg(a, 0);
                                return Err(raise_unicode(vm, false, enc, obj, i, j, &reason));
                            }
                            out.push(c as u8);
                        }
                    }
                }
                i = if np < 0 {
                    (chars.len() as i64 + np).max(0) as usize
                } else {
                    np as usize
                };
            }
        }
    }
    let b = vm.new_bytes_kind(Kind::Bytes, &out);
    pair(vm, b, chars.len())
}

fn charset_decode<H: Heap>(vm: &mut Vm<H>, a: Args, enc: &str, limit: u32) -> PyResult {
    vm.check_count(a, "decode", 1, 3)?;
    let data = data_arg(vm, a, 0, "decode")?;
    let errors = errors_arg(vm, a, 1)?;
    let mut out = String::with_capacity(data.len());
    let mut i = 0;
    while i < data.len() {
        let b = data[i];
        if (b as u32) < limit {
            out.push(b as char);
            i += 1;
            continue;
        }
        match decode_replacement(&errors, &data[i..i + 1]) {
            Some(r) => {
                out.push_str(&r);
                i += 1;
            }
            None => {
                let reason = format!("ordinal not in range({limit})");
                let obj = vm.new_bytes_kind(Kind::Bytes, &data)?;
                if errors == "strict" || BUILTIN_HANDLERS.contains(&errors.as_str()) {
                    return Err(raise_unicode(vm, true, enc, obj, i, i + 1, &reason));
                }
                let exc = unicode_error(vm, true, enc, obj, i, i + 1, &reason)?;
                let (rep, np) = call_handler(vm, &errors, exc)?;
                let r = vm.str_string(rep)?;
                out.push_str(&r);
                i = if np < 0 {
                    (data.len() as i64 + np).max(0) as usize
                } else {
                    np as usize
                };
            }
        }
    }
    let v = vm.new_str(&out);
    pair(vm, v, data.len())
}

// --------------------------------------------------------- escape codecs

fn escape_encode<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_count(a, "escape_encode", 1, 2)?;
    let v = vm.arg(a, 0);
    if !(v.is_obj() && object::kind(v.as_obj()) == Kind::Bytes) {
        let msg = format!("argument 1 must be bytes, not {}", vm.type_name(v));
        return Err(vm.type_error(&msg));
    }
    let data = object::bytes_of(v.as_obj()).to_vec();
    let mut out = Vec::with_capacity(data.len());
    for &b in &data {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\'' => out.extend_from_slice(b"\\'"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            0x20..=0x7e => out.push(b),
            _ => out.extend_from_slice(format!("\\x{b:02x}").as_bytes()),
        }
    }
    let r = vm.new_bytes_kind(Kind::Bytes, &out);
    pair(vm, r, data.len())
}

/// Decodes the escapes shared by `escape_decode` and `unicode_escape_decode`
/// at `data[i]` (just after a backslash). Returns (code point or byte,
/// new index) or an error message.
fn simple_escape(data: &[u8], i: usize) -> Result<(Option<u32>, usize), &'static str> {
    let c = data[i];
    let v = match c {
        b'\n' => return Ok((None, i + 1)),
        b'\\' => b'\\' as u32,
        b'\'' => b'\'' as u32,
        b'"' => b'"' as u32,
        b'b' => 8,
        b'f' => 12,
        b't' => 9,
        b'n' => 10,
        b'r' => 13,
        b'v' => 11,
        b'a' => 7,
        b'0'..=b'7' => {
            let mut v = (c - b'0') as u32;
            let mut j = i + 1;
            while j < data.len() && j < i + 3 && (b'0'..=b'7').contains(&data[j]) {
                v = v * 8 + (data[j] - b'0') as u32;
                j += 1;
            }
            return Ok((Some(v), j));
        }
        b'x' => {
            let h = data.get(i + 1..i + 3).ok_or("truncated \\xXX escape")?;
            let s = std::str::from_utf8(h).map_err(|_| "truncated \\xXX escape")?;
            let v = u32::from_str_radix(s, 16).map_err(|_| "truncated \\xXX escape")?;
            return Ok((Some(v), i + 3));
        }
        _ => return Err(""),
    };
    Ok((Some(v), i + 1))
}

fn escape_decode<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_count(a, "escape_decode", 1, 2)?;
    let v = vm.arg(a, 0);
    let data = if v.is_obj() && object::kind(v.as_obj()) == Kind::Str {
        object::bytes_of(v.as_obj()).to_vec()
    } else {
        data_arg(vm, a, 0, "escape_decode")?
    };
    let mut out = Vec::with_capacity(data.len());
    let mut i = 0;
    while i < data.len() {
        if data[i] != b'\\' {
            out.push(data[i]);
            i += 1;
            continue;
        }
        i += 1;
        if i >= data.len() {
            return Err(vm.value_error("Trailing \\ in string"));
        }
        match simple_escape(&data, i) {
            Ok((Some(c), j)) => {
                out.push(c as u8);
                i = j;
            }
            Ok((None, j)) => i = j,
            Err("") => {
                out.push(b'\\');
            }
            Err(m) => {
                let msg = format!("invalid {m} at position {}", i - 1);
                return Err(vm.value_error(&msg));
            }
        }
    }
    let r = vm.new_bytes_kind(Kind::Bytes, &out);
    pair(vm, r, data.len())
}

fn uescape_encode<H: Heap>(vm: &mut Vm<H>, a: Args, raw: bool) -> PyResult {
    vm.check_count(a, "unicode_escape_encode", 1, 2)?;
    let s = str_arg(vm, a, 0, "unicode_escape_encode")?;
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        let n = c as u32;
        if raw {
            if n < 0x100 {
                out.push(n as u8);
                continue;
            }
        } else {
            match c {
                '\\' => {
                    out.extend_from_slice(b"\\\\");
                    continue;
                }
                '\t' => {
                    out.extend_from_slice(b"\\t");
                    continue;
                }
                '\n' => {
                    out.extend_from_slice(b"\\n");
                    continue;
                }
                '\r' => {
                    out.extend_from_slice(b"\\r");
                    continue;
                }
                ' '..='~' => {
                    out.push(n as u8);
                    continue;
                }
                _ => {}
            }
            if n < 0x100 {
                out.extend_from_slice(format!("\\x{n:02x}").as_bytes());
                continue;
            }
        }
        if n < 0x10000 {
            out.extend_from_slice(format!("\\u{n:04x}").as_bytes());
        } else {
            out.extend_from_slice(format!("\\U{n:08x}").as_bytes());
        }
    }
    let n = s.chars().count();
    let r = vm.new_bytes_kind(Kind::Bytes, &out);
    pair(vm, r, n)
}

fn uescape_decode<H: Heap>(vm: &mut Vm<H>, a: Args, raw: bool) -> PyResult {
    let fname = if raw {
        "raw_unicode_escape_decode"
    } else {
        "unicode_escape_decode"
    };
    let enc = if raw {
        "rawunicodeescape"
    } else {
        "unicodeescape"
    };
    vm.check_count(a, fname, 1, 3)?;
    let v = vm.arg(a, 0);
    let data = if v.is_obj() && object::kind(v.as_obj()) == Kind::Str {
        object::bytes_of(v.as_obj()).to_vec()
    } else {
        data_arg(vm, a, 0, fname)?
    };
    let errors = errors_arg(vm, a, 1)?;
    let mut out = String::with_capacity(data.len());
    let mut i = 0;
    // The error (start, end, reason) of a bad escape, if any.
    let mut bad: Option<(usize, usize, String)> = None;
    macro_rules! bad_escape {
        ($s:expr, $e:expr, $r:expr) => {{
            let (s, e) = ($s, $e);
            if let Some(r) = decode_replacement(&errors, &data[s..e]) {
                out.push_str(&r);
                i = e;
                continue;
            }
            bad = Some((s, e, String::from($r)));
            break;
        }};
    }
    while i < data.len() {
        let b = data[i];
        if b != b'\\' {
            out.push(b as char);
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        if i >= data.len() {
            if raw {
                out.push('\\');
                break;
            }
            bad_escape!(start, data.len(), "\\ at end of string");
        }
        let c = data[i];
        if c == b'u' || c == b'U' || (!raw && c == b'x') {
            let n = match c {
                b'u' => 4,
                b'U' => 8,
                _ => 2,
            };
            let digits = &data[i + 1..(i + 1 + n).min(data.len())];
            let ok = digits.len() == n && digits.iter().all(|d| d.is_ascii_hexdigit());
            let val = if ok {
                u32::from_str_radix(std::str::from_utf8(digits).unwrap_or("0"), 16).ok()
            } else {
                None
            };
            match val.and_then(char::from_u32) {
                Some(ch) => {
                    out.push(ch);
                    i += 1 + n;
                }
                None => {
                    let what = match c {
                        b'u' => "truncated \\uXXXX escape",
                        b'U' if ok => "illegal Unicode character",
                        b'U' => "truncated \\UXXXXXXXX escape",
                        _ => "truncated \\xXX escape",
                    };
                    let end = i + 1 + digits.iter().take_while(|d| d.is_ascii_hexdigit()).count();
                    bad_escape!(start, end, what);
                }
            }
            continue;
        }
        if raw {
            out.push('\\');
            continue;
        }
        match simple_escape(&data, i) {
            Ok((Some(cp), j)) => {
                out.push(char::from_u32(cp).unwrap_or('\u{fffd}'));
                i = j;
            }
            Ok((None, j)) => i = j,
            Err(_) => {
                if c == b'N' {
                    bad_escape!(start, i + 1, "\\N escapes not supported");
                }
                out.push('\\');
            }
        }
    }
    if let Some((start, end, reason)) = bad {
        let obj = vm.new_bytes_kind(Kind::Bytes, &data)?;
        return Err(raise_unicode(vm, true, enc, obj, start, end, &reason));
    }
    let v = vm.new_str(&out);
    pair(vm, v, data.len())
}
