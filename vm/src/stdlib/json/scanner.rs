//! Decoding: `scanstring(s, end, strict=True)` and the `Scanner` class
//! (`make_scanner(context)`, called as `scanner(string, idx)`), CPython's
//! `scanstring_unicode` and `scan_once_unicode` with their error
//! positions and messages. Errors are `json.decoder.JSONDecodeError`
//! (imported when first needed, as `_json.c` does); a missing value is
//! `StopIteration(idx)`, which `JSONDecoder.raw_decode` turns into
//! "Expecting value".
//!
//! The input str's UTF-8 bytes are scanned in place: the str is rooted on
//! the VM stack and its bytes re-fetched after anything that may allocate
//! (the collector may move it). Positions are byte offsets internally and
//! code-point indices at the Python boundary (arguments, results, error
//! positions); for an all-ASCII input the two coincide.

use super::{
    check_recursion, member, new_state_class, new_with_state, push_args, raise_new, state_of,
    str_arg,
};
use crate::builtins::*;
use crate::object::{self, field};
use crate::value::Value;
use crate::vm::{Args, Exc, NativeFn, PyResult, Vm};
use gc_api::Heap;

// Items of a scanner's state tuple, in `make_scanner`'s reading order.
const STRICT: usize = 0;
const OBJECT_HOOK: usize = 1;
const OBJECT_PAIRS_HOOK: usize = 2;
const PARSE_FLOAT: usize = 3;
const PARSE_INT: usize = 4;
const PARSE_CONSTANT: usize = 5;
/// The context attributes `make_scanner` reads, in state-tuple order.
const CONTEXT_ATTRS: [&str; 6] = [
    "strict",
    "object_hook",
    "object_pairs_hook",
    "parse_float",
    "parse_int",
    "parse_constant",
];

/// Adds `scanstring` and `make_scanner` to the module rooted at `ms`.
pub(super) fn init_scanner<H: Heap>(vm: &mut Vm<H>, ms: usize) -> PyResult<()> {
    vm.module_fn(ms, "scanstring", scanstring::<H>)?;
    let members: &[(&'static str, NativeFn<H>)] = &[
        ("strict", |vm, a| member(vm, a, "Scanner", STRICT)),
        ("object_hook", |vm, a| member(vm, a, "Scanner", OBJECT_HOOK)),
        ("object_pairs_hook", |vm, a| {
            member(vm, a, "Scanner", OBJECT_PAIRS_HOOK)
        }),
        ("parse_float", |vm, a| member(vm, a, "Scanner", PARSE_FLOAT)),
        ("parse_int", |vm, a| member(vm, a, "Scanner", PARSE_INT)),
        ("parse_constant", |vm, a| {
            member(vm, a, "Scanner", PARSE_CONSTANT)
        }),
    ];
    new_state_class(
        vm,
        ms,
        ("Scanner", "make_scanner"),
        (scanner_new::<H>, scanner_call::<H>),
        members,
    )
}

/// The str being decoded.
struct Text {
    /// Stack slot of the str object (unboxed) whose bytes are scanned.
    src: usize,
    /// Stack slot of the document as passed (maybe a str subclass
    /// instance): what a JSONDecodeError carries.
    doc: usize,
    /// All ASCII: byte offsets are code-point indices.
    ascii: bool,
}

impl Text {
    /// Roots `doc` (and the str it is or boxes) and describes it.
    fn root<H: Heap>(vm: &mut Vm<H>, doc: Value, s: Value) -> Text {
        let doc = vm.push(doc);
        let src = vm.push(s);
        let o = s.as_obj();
        let ascii = object::word(o, field::STR_CHARS) == object::word(o, 0);
        Text { src, doc, ascii }
    }

    /// The UTF-8 bytes. Valid only until the next allocation: callers
    /// re-fetch them after anything that may allocate.
    fn bytes<'a, H: Heap>(&self, vm: &Vm<H>) -> &'a [u8] {
        object::bytes_of(vm.st(self.src).as_obj())
    }

    /// The byte at `pos`, if in range.
    fn at<H: Heap>(&self, vm: &Vm<H>, pos: usize) -> Option<u8> {
        self.bytes(vm).get(pos).copied()
    }

    /// The first position from `pos` that is not JSON whitespace.
    fn skip_ws<H: Heap>(&self, vm: &Vm<H>, mut pos: usize) -> usize {
        let b = self.bytes(vm);
        while pos < b.len() && matches!(b[pos], b' ' | b'\t' | b'\n' | b'\r') {
            pos += 1;
        }
        pos
    }

    /// The code-point index of byte offset `pos`.
    fn char_index<H: Heap>(&self, vm: &Vm<H>, pos: usize) -> usize {
        if self.ascii {
            return pos;
        }
        let b = self.bytes(vm);
        b[..pos.min(b.len())]
            .iter()
            .filter(|&&c| !is_continuation(c))
            .count()
    }

    /// The byte offset of code-point index `index` (at most the length).
    fn byte_offset<H: Heap>(&self, vm: &Vm<H>, index: usize) -> usize {
        if self.ascii {
            return index;
        }
        let b = self.bytes(vm);
        let mut seen = 0;
        for (pos, &c) in b.iter().enumerate() {
            if !is_continuation(c) {
                if seen == index {
                    return pos;
                }
                seen += 1;
            }
        }
        b.len()
    }

    /// `JSONDecodeError(msg, doc, pos)` for code-point index `pos`.
    fn error_at<H: Heap>(&self, vm: &mut Vm<H>, msg: &str, pos: i64) -> Exc {
        let cls = match decode_error_class(vm) {
            Ok(c) => c,
            Err(x) => return x,
        };
        let cs = vm.push(cls);
        let r = match vm.new_str(msg) {
            Ok(m) => raise_new(vm, vm.st(cs), &[m, vm.st(self.doc), Value::int(pos)]),
            Err(x) => x,
        };
        vm.truncate(cs);
        r
    }

    /// [`Text::error_at`] for byte offset `pos`.
    fn error<H: Heap>(&self, vm: &mut Vm<H>, msg: &str, pos: usize) -> Exc {
        let index = self.char_index(vm, pos) as i64;
        self.error_at(vm, msg, index)
    }

    /// `StopIteration(idx)` for byte offset `pos`: no JSON value there.
    fn no_value<H: Heap>(&self, vm: &mut Vm<H>, pos: usize) -> Exc {
        let index = self.char_index(vm, pos) as i64;
        raise_new(vm, vm.class(T_STOP_ITERATION), &[Value::int(index)])
    }
}

/// A UTF-8 continuation byte (not the start of a code point).
fn is_continuation(c: u8) -> bool {
    c & 0xc0 == 0x80
}

/// Are there at least `n` code points from byte offset `pos` on?
fn has_chars(b: &[u8], pos: usize, n: usize) -> bool {
    b.get(pos..).is_some_and(|rest| {
        rest.iter()
            .filter(|&&c| !is_continuation(c))
            .take(n)
            .count()
            == n
    })
}

/// The value of four hex digits.
fn hex4(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |acc, &c| {
        let d = (c as char).to_digit(16)?;
        Some(acc << 4 | d)
    })
}

/// `json.decoder.JSONDecodeError`, imported lazily as `_json.c` does.
fn decode_error_class<H: Heap>(vm: &mut Vm<H>) -> PyResult {
    let m = vm.import_module("json.decoder")?;
    let sym = vm.intern("JSONDecodeError");
    vm.getattr(m, sym)
}

// ------------------------------------------------------------------ strings

/// Decodes the JSON string body starting at byte `start` (just after its
/// opening quote); returns the str and the byte offset after the closing
/// quote.
fn scan_string<H: Heap>(
    vm: &mut Vm<H>,
    t: &Text,
    start: usize,
    strict: bool,
) -> PyResult<(Value, usize)> {
    let b = t.bytes(vm);
    // Built only once an escape is seen; until then the body is a slice.
    let mut decoded: Option<String> = None;
    let mut chunk = start;
    let mut pos = start;
    loop {
        while pos < b.len() {
            let c = b[pos];
            if c == b'"' || c == b'\\' {
                break;
            }
            if c < 0x20 && strict {
                return Err(t.error(vm, "Invalid control character at", pos));
            }
            pos += 1;
        }
        if pos >= b.len() {
            return Err(unterminated(vm, t, start));
        }
        // SAFETY: `chunk` and `pos` sit at code-point boundaries (the
        // opening quote, an escape's end, or an ASCII '"' / '\\').
        let piece = unsafe { std::str::from_utf8_unchecked(&b[chunk..pos]) };
        if b[pos] == b'"' {
            let s = match decoded {
                None => slice_str(vm, t, chunk, pos)?,
                Some(mut d) => {
                    d.push_str(piece);
                    vm.new_str(&d)?
                }
            };
            return Ok((s, pos + 1));
        }
        let out = decoded.get_or_insert_with(String::new);
        out.push_str(piece);
        pos += 1;
        let Some(&c) = b.get(pos) else {
            return Err(unterminated(vm, t, start));
        };
        if c != b'u' {
            out.push(match c {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\x08',
                b'f' => '\x0c',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                _ => return Err(t.error(vm, "Invalid \\escape", pos - 1)),
            });
            pos += 1;
        } else {
            let u = pos;
            pos += 1;
            let first = if has_chars(b, pos, 5) {
                hex4(&b[pos..pos + 4])
            } else {
                None
            };
            let Some(mut cp) = first else {
                return Err(t.error(vm, "Invalid \\uXXXX escape", u));
            };
            pos += 4;
            if (0xd800..0xdc00).contains(&cp)
                && has_chars(b, pos, 7)
                && b[pos] == b'\\'
                && b[pos + 1] == b'u'
            {
                let Some(low) = hex4(&b[pos + 2..pos + 6]) else {
                    return Err(t.error(vm, "Invalid \\uXXXX escape", pos + 1));
                };
                if (0xdc00..0xe000).contains(&low) {
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
                    pos += 6;
                }
            }
            // A lone surrogate has no UTF-8 form: this VM's strs hold
            // U+FFFD in its place.
            out.push(char::from_u32(cp).unwrap_or('\u{fffd}'));
        }
        chunk = pos;
    }
}

/// "Unterminated string starting at" the character before byte `start`
/// (the opening quote; index -1 when a direct `scanstring` call starts at
/// 0).
fn unterminated<H: Heap>(vm: &mut Vm<H>, t: &Text, start: usize) -> Exc {
    let begin = t.char_index(vm, start) as i64 - 1;
    t.error_at(vm, "Unterminated string starting at", begin)
}

/// A new str of the input's bytes `from..to` (code-point boundaries).
fn slice_str<H: Heap>(vm: &mut Vm<H>, t: &Text, from: usize, to: usize) -> PyResult {
    let chars = if t.ascii {
        to - from
    } else {
        t.bytes(vm)[from..to]
            .iter()
            .filter(|&&c| !is_continuation(c))
            .count()
    };
    let o = vm.alloc_str_uninit(to - from, chars)?;
    // The input may have moved during the allocation: re-fetch it.
    object::bytes_of_mut(o).copy_from_slice(&t.bytes(vm)[from..to]);
    Ok(Value::obj(o))
}

/// `scanstring(s, end, strict=True)`: the decoded string whose body
/// starts at index `end`, and the index after its closing quote.
fn scanstring<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "scanstring", 2, 3)?;
    let end = vm.index_int(vm.arg(a, 1))?;
    let strict = if a.n > 2 {
        vm.index_int(vm.arg(a, 2))? != 0
    } else {
        true
    };
    let s = str_arg(vm, vm.arg(a, 0))?;
    let len = object::word(s.as_obj(), field::STR_CHARS) as i64;
    if end < 0 || end > len {
        return Err(vm.value_error("end is out of bounds"));
    }
    let mark = vm.rt.sp;
    let t = Text::root(vm, vm.arg(a, 0), s);
    let start = t.byte_offset(vm, end as usize);
    let r = scan_string(vm, &t, start, strict).and_then(|(v, next)| {
        let vs = vm.push(v);
        let next = t.char_index(vm, next) as i64;
        vm.new_tuple(&[vm.st(vs), Value::int(next)])
    });
    vm.truncate(mark);
    r
}

// ------------------------------------------------------------------ scanner

/// `make_scanner(context)`: a scanner reading the context's `strict`,
/// `object_hook`, `object_pairs_hook`, `parse_float`, `parse_int` and
/// `parse_constant`.
fn scanner_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    if a.n == 0 {
        return Err(vm.type_error("Scanner.__new__(): not enough arguments"));
    }
    let at = push_args(vm, a, 1, "make_scanner", &["context"])?;
    let r = read_context(vm, vm.arg(a, 0), at);
    vm.truncate(at);
    r
}

/// The scanner of class `cls` for the context at slot `ctx`.
fn read_context<H: Heap>(vm: &mut Vm<H>, cls: Value, ctx: usize) -> PyResult {
    let first = vm.rt.sp;
    for name in CONTEXT_ATTRS {
        let sym = vm.intern(name);
        let v = vm.getattr(vm.st(ctx), sym)?;
        vm.push(v);
    }
    let strict = vm.truthy(vm.st(first + STRICT))?;
    vm.set_st(first + STRICT, Value::bool(strict));
    new_with_state(vm, cls, first, CONTEXT_ATTRS.len())
}

/// A decoding run of a scanner call: the input, the scanner's state and
/// the memo that makes equal object keys one str.
struct Run {
    text: Text,
    /// Stack slot of the scanner's state tuple.
    state: usize,
    /// Stack slot of the key memo dict.
    memo: usize,
    strict: bool,
    /// Objects and arrays open around the current position.
    depth: usize,
}

impl Run {
    /// Item `i` of the scanner's state.
    fn state<H: Heap>(&self, vm: &Vm<H>, i: usize) -> Value {
        object::array_get(vm.st(self.state).as_obj(), i)
    }
}

/// `scanner(string, idx)`: `(value, end)` for the JSON value at `idx`.
fn scanner_call<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    if a.n == 0 {
        return Err(vm.type_error("Scanner.__call__(): not enough arguments"));
    }
    state_of(vm, vm.arg(a, 0), "Scanner", "__call__")?;
    let at = push_args(vm, a, 1, "scan_once", &["string", "idx"])?;
    let r = scan_at(vm, a, at);
    vm.truncate(at);
    r
}

/// [`scanner_call`] with its `string` and `idx` at slots `at`, `at + 1`.
fn scan_at<H: Heap>(vm: &mut Vm<H>, a: Args, at: usize) -> PyResult {
    let idx = vm.index_int(vm.st(at + 1))?;
    let s = str_arg(vm, vm.st(at))?;
    let state = state_of(vm, vm.arg(a, 0), "Scanner", "__call__")?;
    let strict = object::array_get(state.as_obj(), STRICT) == Value::TRUE;
    let state = vm.push(state);
    let text = Text::root(vm, vm.st(at), s);
    let memo = vm.new_dict()?;
    let memo = vm.push(memo);
    let mut run = Run {
        text,
        state,
        memo,
        strict,
        depth: 0,
    };
    if idx < 0 {
        return Err(vm.value_error("idx cannot be negative"));
    }
    let len = object::word(vm.st(run.text.src).as_obj(), field::STR_CHARS);
    if idx as usize >= len {
        return Err(raise_new(
            vm,
            vm.class(T_STOP_ITERATION),
            &[Value::int(idx)],
        ));
    }
    let start = run.text.byte_offset(vm, idx as usize);
    let (v, end) = scan_once(vm, &mut run, start)?;
    let vs = vm.push(v);
    let end = run.text.char_index(vm, end) as i64;
    vm.new_tuple(&[vm.st(vs), Value::int(end)])
}

/// The JSON value at byte `pos` and the byte offset after it.
fn scan_once<H: Heap>(vm: &mut Vm<H>, run: &mut Run, pos: usize) -> PyResult<(Value, usize)> {
    let b = run.text.bytes(vm);
    let Some(&c) = b.get(pos) else {
        return Err(run.text.no_value(vm, pos));
    };
    let rest = &b[pos..];
    match c {
        b'"' => return scan_string(vm, &run.text, pos + 1, run.strict),
        b'{' | b'[' => {
            let place = if c == b'{' {
                " while decoding a JSON object from a unicode string"
            } else {
                " while decoding a JSON array from a unicode string"
            };
            run.depth += 1;
            let r = check_recursion(vm, run.depth, place).and_then(|()| {
                if c == b'{' {
                    parse_object(vm, run, pos + 1)
                } else {
                    parse_array(vm, run, pos + 1)
                }
            });
            run.depth -= 1;
            return r;
        }
        b'n' if rest.starts_with(b"null") => return Ok((Value::NONE, pos + 4)),
        b't' if rest.starts_with(b"true") => return Ok((Value::TRUE, pos + 4)),
        b'f' if rest.starts_with(b"false") => return Ok((Value::FALSE, pos + 5)),
        b'N' if rest.starts_with(b"NaN") => return parse_constant(vm, run, "NaN", pos),
        b'I' if rest.starts_with(b"Infinity") => {
            return parse_constant(vm, run, "Infinity", pos);
        }
        b'-' if rest.starts_with(b"-Infinity") => {
            return parse_constant(vm, run, "-Infinity", pos);
        }
        _ => {}
    }
    match_number(vm, run, pos)
}

/// `parse_constant(name)` for the constant `name` at byte `pos`.
fn parse_constant<H: Heap>(
    vm: &mut Vm<H>,
    run: &Run,
    name: &str,
    pos: usize,
) -> PyResult<(Value, usize)> {
    let s = vm.new_str(name)?;
    let v = vm.call_values(run.state(vm, PARSE_CONSTANT), &[s])?;
    Ok((v, pos + name.len()))
}

/// The JSON object whose body starts at byte `pos` (after the `{`).
fn parse_object<H: Heap>(vm: &mut Vm<H>, run: &mut Run, pos: usize) -> PyResult<(Value, usize)> {
    let pairs = !run.state(vm, OBJECT_PAIRS_HOOK).is_none();
    let container = if pairs {
        vm.new_list(0)?
    } else {
        vm.new_dict()?
    };
    let cs = vm.push(container);
    let r = object_items(vm, run, cs, pos, pairs);
    let r = r.and_then(|end| {
        let hook = if pairs {
            run.state(vm, OBJECT_PAIRS_HOOK)
        } else {
            run.state(vm, OBJECT_HOOK)
        };
        let obj = if hook.is_none() {
            vm.st(cs)
        } else {
            vm.call_values(hook, &[vm.st(cs)])?
        };
        Ok((obj, end))
    });
    vm.truncate(cs);
    r
}

/// Reads the members of an object body from byte `pos` into the dict (or,
/// with `pairs`, the list of pairs) at slot `cs`; returns the byte offset
/// after the closing `}`.
fn object_items<H: Heap>(
    vm: &mut Vm<H>,
    run: &mut Run,
    cs: usize,
    pos: usize,
    pairs: bool,
) -> PyResult<usize> {
    let t = &run.text;
    let mut pos = t.skip_ws(vm, pos);
    if t.at(vm, pos) == Some(b'}') {
        return Ok(pos + 1);
    }
    let ks = vm.push(Value::NULL);
    loop {
        let t = &run.text;
        if t.at(vm, pos) != Some(b'"') {
            let msg = "Expecting property name enclosed in double quotes";
            return Err(t.error(vm, msg, pos));
        }
        let (key, next) = scan_string(vm, t, pos + 1, run.strict)?;
        vm.set_st(ks, key);
        let memo = vm.st(run.memo);
        match vm.dict_get_item(memo, key)? {
            Some(k) => vm.set_st(ks, k),
            None => vm.dict_set_item(vm.st(run.memo), vm.st(ks), vm.st(ks))?,
        }
        pos = t.skip_ws(vm, next);
        if t.at(vm, pos) != Some(b':') {
            return Err(t.error(vm, "Expecting ':' delimiter", pos));
        }
        pos = t.skip_ws(vm, pos + 1);
        let (value, next) = scan_once(vm, run, pos)?;
        if pairs {
            let vs = vm.push(value);
            let item = vm.new_tuple(&[vm.st(ks), vm.st(vs)])?;
            vm.truncate(vs);
            vm.list_append(vm.st(cs), item)?;
        } else {
            vm.dict_set_item(vm.st(cs), vm.st(ks), value)?;
        }
        let t = &run.text;
        pos = t.skip_ws(vm, next);
        match t.at(vm, pos) {
            Some(b'}') => return Ok(pos + 1),
            Some(b',') => pos = t.skip_ws(vm, pos + 1),
            _ => return Err(t.error(vm, "Expecting ',' delimiter", pos)),
        }
    }
}

/// The JSON array whose body starts at byte `pos` (after the `[`).
fn parse_array<H: Heap>(vm: &mut Vm<H>, run: &mut Run, pos: usize) -> PyResult<(Value, usize)> {
    let l = vm.new_list(0)?;
    let ls = vm.push(l);
    let r = array_items(vm, run, ls, pos).map(|end| (vm.st(ls), end));
    vm.truncate(ls);
    r
}

/// Reads the items of an array body from byte `pos` into the list at slot
/// `ls`; returns the byte offset after the closing `]`.
fn array_items<H: Heap>(vm: &mut Vm<H>, run: &mut Run, ls: usize, pos: usize) -> PyResult<usize> {
    let mut pos = run.text.skip_ws(vm, pos);
    if run.text.at(vm, pos) == Some(b']') {
        return Ok(pos + 1);
    }
    loop {
        let (item, next) = scan_once(vm, run, pos)?;
        vm.list_append(vm.st(ls), item)?;
        let t = &run.text;
        pos = t.skip_ws(vm, next);
        match t.at(vm, pos) {
            Some(b']') => return Ok(pos + 1),
            Some(b',') => pos = t.skip_ws(vm, pos + 1),
            _ => return Err(t.error(vm, "Expecting ',' delimiter", pos)),
        }
    }
}

/// The JSON number at byte `start` (StopIteration when there is none):
/// an int or a float, through `parse_int`/`parse_float` unless those are
/// `int`/`float` themselves.
fn match_number<H: Heap>(vm: &mut Vm<H>, run: &Run, start: usize) -> PyResult<(Value, usize)> {
    let b = run.text.bytes(vm);
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let mut pos = start;
    if b[pos] == b'-' {
        pos += 1;
        if pos >= b.len() {
            return Err(run.text.no_value(vm, start));
        }
    }
    match b[pos] {
        b'1'..=b'9' => {
            pos += 1;
            while digit(pos) {
                pos += 1;
            }
        }
        b'0' => pos += 1,
        _ => return Err(run.text.no_value(vm, start)),
    }
    let mut is_float = false;
    if b.get(pos) == Some(&b'.') && digit(pos + 1) {
        is_float = true;
        pos += 2;
        while digit(pos) {
            pos += 1;
        }
    }
    if matches!(b.get(pos), Some(b'e' | b'E')) && pos + 1 < b.len() {
        let e_start = pos;
        pos += 1;
        if matches!(b[pos], b'-' | b'+') && pos + 1 < b.len() {
            pos += 1;
        }
        while digit(pos) {
            pos += 1;
        }
        if digit(pos - 1) {
            is_float = true;
        } else {
            pos = e_start;
        }
    }
    // SAFETY: the number is ASCII digits, signs, '.', 'e'/'E'.
    let text = unsafe { std::str::from_utf8_unchecked(&b[start..pos]) }.to_string();
    let (which, builtin) = if is_float {
        (PARSE_FLOAT, vm.class(T_FLOAT))
    } else {
        (PARSE_INT, vm.class(T_INT))
    };
    let v = if run.state(vm, which) != builtin {
        let s = vm.new_str(&text)?;
        // Read the hook after the allocation: it may have moved.
        vm.call_values(run.state(vm, which), &[s])?
    } else if is_float {
        let f: f64 = text.parse().expect("a JSON number is a valid float");
        vm.new_float(f)?
    } else if text.len() <= 18 {
        Value::int(text.parse().expect("a JSON integer of at most 18 chars"))
    } else {
        let s = vm.new_str(&text)?;
        vm.call_values(vm.class(T_INT), &[s])?
    };
    Ok((v, pos))
}
