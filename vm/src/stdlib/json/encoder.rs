//! Encoding: `encode_basestring_ascii`, `encode_basestring` and the
//! `Encoder` class (`make_encoder(markers, default, encoder, indent,
//! key_separator, item_separator, sort_keys, skipkeys, allow_nan)`, called
//! as `encoder(obj, _current_indent_level)`), CPython's `c_make_encoder`:
//! floats through `float.__repr__`, ints (and int subclasses) through
//! `int.__repr__`, the `markers` dict for circular references, key
//! coercion, `sort_keys` (sorting the item pairs, as `_json.c` does) and
//! the `default` hook.
//!
//! The text is built in one Rust `String` (no heap objects, so nothing to
//! root) and returned as a one-item list, as CPython 3.11's accumulator
//! returns it for all but enormous outputs. `indent` is stored but, as in
//! CPython 3.11's C encoder, not applied (`json` only uses this encoder
//! when `indent` is None).

use super::{
    check_recursion, member, new_state_class, new_with_state, push_args, state_of, str_arg,
};
use crate::builtins::*;
use crate::format::float_repr::float_repr;
use crate::object::{self, Kind};
use crate::value::Value;
use crate::vm::{Args, NativeFn, PyResult, Vm};
use gc_api::Heap;
use num_bigint::BigInt;
use std::fmt::Write;

// Items of an encoder's state tuple, in `make_encoder`'s argument order.
const MARKERS: usize = 0;
const DEFAULT: usize = 1;
const ENCODER: usize = 2;
const INDENT: usize = 3;
const KEY_SEPARATOR: usize = 4;
const ITEM_SEPARATOR: usize = 5;
const SORT_KEYS: usize = 6;
const SKIPKEYS: usize = 7;
const ALLOW_NAN: usize = 8;
/// `make_encoder`'s parameters, in state-tuple order.
const PARAMS: [&str; 9] = [
    "markers",
    "default",
    "encoder",
    "indent",
    "key_separator",
    "item_separator",
    "sort_keys",
    "skipkeys",
    "allow_nan",
];
/// The names of this module's string encoders, which the encoder runs
/// inline instead of calling.
const ASCII_ENCODER: &str = "encode_basestring_ascii";
const UNICODE_ENCODER: &str = "encode_basestring";
const NESTING: &str = " while encoding a JSON object";

/// Adds the string encoders and `make_encoder` to the module at `ms`.
pub(super) fn init_encoder<H: Heap>(vm: &mut Vm<H>, ms: usize) -> PyResult<()> {
    vm.module_fn(ms, ASCII_ENCODER, encode_basestring_ascii::<H>)?;
    vm.module_fn(ms, UNICODE_ENCODER, encode_basestring::<H>)?;
    let members: &[(&'static str, NativeFn<H>)] = &[
        ("markers", |vm, a| member(vm, a, "Encoder", MARKERS)),
        ("default", |vm, a| member(vm, a, "Encoder", DEFAULT)),
        ("encoder", |vm, a| member(vm, a, "Encoder", ENCODER)),
        ("indent", |vm, a| member(vm, a, "Encoder", INDENT)),
        ("key_separator", |vm, a| {
            member(vm, a, "Encoder", KEY_SEPARATOR)
        }),
        ("item_separator", |vm, a| {
            member(vm, a, "Encoder", ITEM_SEPARATOR)
        }),
        ("sort_keys", |vm, a| member(vm, a, "Encoder", SORT_KEYS)),
        ("skipkeys", |vm, a| member(vm, a, "Encoder", SKIPKEYS)),
    ];
    new_state_class(
        vm,
        ms,
        ("Encoder", "make_encoder"),
        (encoder_new::<H>, encoder_call::<H>),
        members,
    )
}

// ------------------------------------------------------------ string escapes

/// Appends `s` as a JSON string literal: `"`, `\\`, and control characters
/// escaped; with `ascii_only` also everything outside `' '..='~'`, as
/// `\uXXXX` (astral characters as a surrogate pair).
fn escape_into(out: &mut String, s: &str, ascii_only: bool) {
    out.reserve(s.len() + 2);
    out.push('"');
    let b = s.as_bytes();
    let mut flushed = 0;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let plain = c >= 0x20 && c != b'"' && c != b'\\' && !(ascii_only && c >= 0x7f);
        if plain {
            i += 1;
            continue;
        }
        out.push_str(&s[flushed..i]);
        let ch = s[i..].chars().next().expect("i is a char boundary");
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            _ => {
                let mut units = [0u16; 2];
                for unit in ch.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
        i += ch.len_utf8();
        flushed = i;
    }
    out.push_str(&s[flushed..]);
    out.push('"');
}

/// `encode_basestring_ascii(s)` / `encode_basestring(s)`.
fn encode_basestring_fn<H: Heap>(
    vm: &mut Vm<H>,
    a: Args,
    name: &str,
    ascii_only: bool,
) -> PyResult {
    vm.check_args(a, name, 1, 1)?;
    let s = str_arg(vm, vm.arg(a, 0))?;
    let mut out = String::new();
    escape_into(&mut out, object::str_of(s.as_obj()), ascii_only);
    vm.new_str(&out)
}

/// `encode_basestring_ascii(s)`: `s` as an ASCII-only JSON string literal.
fn encode_basestring_ascii<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    encode_basestring_fn(vm, a, ASCII_ENCODER, true)
}

/// `encode_basestring(s)`: `s` as a JSON string literal.
fn encode_basestring<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    encode_basestring_fn(vm, a, UNICODE_ENCODER, false)
}

// ------------------------------------------------------------------ encoder

/// `make_encoder(markers, default, encoder, indent, key_separator,
/// item_separator, sort_keys, skipkeys, allow_nan)`.
fn encoder_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    if a.n == 0 {
        return Err(vm.type_error("Encoder.__new__(): not enough arguments"));
    }
    let at = push_args(vm, a, 1, "make_encoder", &PARAMS)?;
    let r = check_params(vm, at).and_then(|()| new_with_state(vm, vm.arg(a, 0), at, PARAMS.len()));
    vm.truncate(at);
    r
}

/// Checks the `make_encoder` arguments at `stack[at..]` (the separators
/// must be strs, `markers` a dict or None) and turns the three flags into
/// bools.
fn check_params<H: Heap>(vm: &mut Vm<H>, at: usize) -> PyResult<()> {
    for i in [KEY_SEPARATOR, ITEM_SEPARATOR] {
        let v = vm.st(at + i);
        let u = Vm::<H>::unbox(v);
        if !(u.is_obj() && object::kind(u.as_obj()) == Kind::Str) {
            let msg = format!(
                "make_encoder() argument {} must be str, not {}",
                i + 1,
                vm.type_name(v)
            );
            return Err(vm.type_error(&msg));
        }
    }
    for i in [SORT_KEYS, SKIPKEYS, ALLOW_NAN] {
        let b = vm.truthy(vm.st(at + i))?;
        vm.set_st(at + i, Value::bool(b));
    }
    let markers = vm.st(at + MARKERS);
    if !markers.is_none() && !is_kind::<H>(markers, Kind::Dict) {
        let msg = format!(
            "make_encoder() argument 1 must be dict or None, not {}",
            vm.type_name(markers)
        );
        return Err(vm.type_error(&msg));
    }
    Ok(())
}

/// Is `v` (or the builtin value it boxes) of kind `k`?
fn is_kind<H: Heap>(v: Value, k: Kind) -> bool {
    let u = Vm::<H>::unbox(v);
    u.is_obj() && object::kind(u.as_obj()) == k
}

/// The text of str `v` (or of the str it boxes); see `object::bytes_of`
/// for how long it may be held.
fn text_of<'a, H: Heap>(v: Value) -> &'a str {
    object::str_of(Vm::<H>::unbox(v).as_obj())
}

/// The settings of one encoder call and the text built so far.
struct Encoding {
    /// Stack slot of the encoder's state tuple.
    state: usize,
    out: String,
    /// Strings are escaped inline (`Some(ascii_only)`) because the str
    /// encoder is one of this module's; `None`: it is called.
    inline: Option<bool>,
    check_circular: bool,
    sort_keys: bool,
    skipkeys: bool,
    allow_nan: bool,
    key_separator: String,
    item_separator: String,
    /// Containers and `default` results open around the current value.
    depth: usize,
}

impl Encoding {
    /// Item `i` of the encoder's state.
    fn state<H: Heap>(&self, vm: &Vm<H>, i: usize) -> Value {
        object::array_get(vm.st(self.state).as_obj(), i)
    }
}

/// `encoder(obj, _current_indent_level)`: the JSON text of `obj` as a
/// list of chunks (one).
fn encoder_call<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    if a.n == 0 {
        return Err(vm.type_error("Encoder.__call__(): not enough arguments"));
    }
    state_of(vm, vm.arg(a, 0), "Encoder", "__call__")?;
    let at = push_args(vm, a, 1, "_iterencode", &["obj", "_current_indent_level"])?;
    let r = encode_call(vm, a, at);
    vm.truncate(at);
    r
}

/// [`encoder_call`] with `obj` and the indent level at `at`, `at + 1`.
fn encode_call<H: Heap>(vm: &mut Vm<H>, a: Args, at: usize) -> PyResult {
    vm.index_int(vm.st(at + 1))?;
    let state = state_of(vm, vm.arg(a, 0), "Encoder", "__call__")?;
    let st = |i: usize| object::array_get(state.as_obj(), i);
    let inline = {
        let enc = st(ENCODER);
        if enc.is_obj() && object::kind(enc.as_obj()) == Kind::Builtin {
            let index = object::word(enc.as_obj(), object::field::BI_INDEX);
            match vm.natives[index].name {
                ASCII_ENCODER => Some(true),
                UNICODE_ENCODER => Some(false),
                _ => None,
            }
        } else {
            None
        }
    };
    let mut e = Encoding {
        state: 0,
        out: String::new(),
        inline,
        check_circular: !st(MARKERS).is_none(),
        sort_keys: st(SORT_KEYS) == Value::TRUE,
        skipkeys: st(SKIPKEYS) == Value::TRUE,
        allow_nan: st(ALLOW_NAN) == Value::TRUE,
        key_separator: text_of::<H>(st(KEY_SEPARATOR)).to_string(),
        item_separator: text_of::<H>(st(ITEM_SEPARATOR)).to_string(),
        depth: 0,
    };
    e.state = vm.push(state);
    encode(vm, &mut e, at)?;
    let s = vm.new_str(&e.out)?;
    let ss = vm.push(s);
    vm.list_from_stack(ss, 1)
}

/// Appends the JSON text of the value at slot `slot`.
fn encode<H: Heap>(vm: &mut Vm<H>, e: &mut Encoding, slot: usize) -> PyResult<()> {
    let v = vm.st(slot);
    match v {
        Value::NONE => e.out.push_str("null"),
        Value::TRUE => e.out.push_str("true"),
        Value::FALSE => e.out.push_str("false"),
        _ => {
            let u = Vm::<H>::unbox(v);
            if u.is_int() {
                let _ = write!(e.out, "{}", u.as_int());
                return Ok(());
            }
            let kind = if u.is_obj() {
                Some(object::kind(u.as_obj()))
            } else {
                None
            };
            match kind {
                Some(Kind::Str) => encode_str(vm, e, slot)?,
                Some(Kind::BigInt) => {
                    let s = vm.repr_string(u)?;
                    e.out.push_str(&s);
                }
                Some(Kind::Float) => push_float(vm, e, object::float_of(u.as_obj()))?,
                Some(Kind::List | Kind::Tuple) => nested(vm, e, slot, encode_list)?,
                Some(Kind::Dict) => nested(vm, e, slot, encode_dict)?,
                _ => encode_other(vm, e, slot)?,
            }
        }
    }
    Ok(())
}

/// Appends the str at slot `slot` (or the str it boxes) as a string
/// literal, escaped inline or by calling the encoder.
fn encode_str<H: Heap>(vm: &mut Vm<H>, e: &mut Encoding, slot: usize) -> PyResult<()> {
    if let Some(ascii_only) = e.inline {
        escape_into(&mut e.out, text_of::<H>(vm.st(slot)), ascii_only);
        return Ok(());
    }
    let r = vm.call_values(e.state(vm, ENCODER), &[vm.st(slot)])?;
    if !is_kind::<H>(r, Kind::Str) {
        let msg = format!("encoder() must return a string, not {}", vm.type_name(r));
        return Err(vm.type_error(&msg));
    }
    e.out.push_str(text_of::<H>(r));
    Ok(())
}

/// Appends a float, `float.__repr__`'s text; the non-finite ones as
/// `Infinity`, `-Infinity`, `NaN` when `allow_nan`, else ValueError.
fn push_float<H: Heap>(vm: &mut Vm<H>, e: &mut Encoding, f: f64) -> PyResult<()> {
    if f.is_finite() {
        e.out.push_str(&float_repr(f));
        return Ok(());
    }
    if !e.allow_nan {
        return Err(vm.value_error("Out of range float values are not JSON compliant"));
    }
    e.out.push_str(if f.is_nan() {
        "NaN"
    } else if f > 0.0 {
        "Infinity"
    } else {
        "-Infinity"
    });
    Ok(())
}

/// Runs `body` on the container at `slot` one nesting level deeper, with
/// the circular-reference mark set around it (when `markers` is a dict).
fn nested<H: Heap>(
    vm: &mut Vm<H>,
    e: &mut Encoding,
    slot: usize,
    body: fn(&mut Vm<H>, &mut Encoding, usize) -> PyResult<()>,
) -> PyResult<()> {
    let mark = vm.rt.sp;
    e.depth += 1;
    let r = check_recursion(vm, e.depth, NESTING).and_then(|()| {
        let ident = enter_marker(vm, e, slot)?;
        body(vm, e, slot)?;
        leave_marker(vm, e, ident)
    });
    e.depth -= 1;
    vm.truncate(mark);
    r
}

/// Records the object at `slot` in `markers` (ValueError if it is there
/// already: a cycle); returns the slot of its id key, or None when there
/// are no markers.
fn enter_marker<H: Heap>(vm: &mut Vm<H>, e: &Encoding, slot: usize) -> PyResult<Option<usize>> {
    if !e.check_circular {
        return Ok(None);
    }
    let id = vm.identity(vm.st(slot));
    let ident = vm.new_int(BigInt::from(id))?;
    let is = vm.push(ident);
    let markers = Vm::<H>::unbox(e.state(vm, MARKERS));
    if vm.dict_get_item(markers, ident)?.is_some() {
        return Err(vm.value_error("Circular reference detected"));
    }
    let markers = Vm::<H>::unbox(e.state(vm, MARKERS));
    vm.dict_set_item(markers, vm.st(is), vm.st(slot))?;
    Ok(Some(is))
}

/// Removes the mark [`enter_marker`] set.
fn leave_marker<H: Heap>(vm: &mut Vm<H>, e: &Encoding, ident: Option<usize>) -> PyResult<()> {
    if let Some(is) = ident {
        let markers = Vm::<H>::unbox(e.state(vm, MARKERS));
        vm.dict_del_item(markers, vm.st(is))?;
    }
    Ok(())
}

/// Appends a list or tuple (the one at `slot`, or that it boxes); the
/// length is re-read at each item, as CPython does.
fn encode_list<H: Heap>(vm: &mut Vm<H>, e: &mut Encoding, slot: usize) -> PyResult<()> {
    let item_slot = vm.push(Value::NULL);
    let mut i = 0;
    loop {
        let seq = Vm::<H>::unbox(vm.st(slot));
        let (len, item) = if object::kind(seq.as_obj()) == Kind::List {
            let n = Vm::<H>::list_len(seq);
            (n, (i < n).then(|| Vm::<H>::list_get(seq, i)))
        } else {
            let n = object::array_len(seq.as_obj());
            (n, (i < n).then(|| object::array_get(seq.as_obj(), i)))
        };
        if len == 0 {
            e.out.push_str("[]");
            return Ok(());
        }
        let Some(item) = item else { break };
        e.out.push_str(if i == 0 { "[" } else { &e.item_separator });
        vm.set_st(item_slot, item);
        encode(vm, e, item_slot)?;
        i += 1;
    }
    e.out.push(']');
    Ok(())
}

/// Appends a dict (the one at `slot`, or that it boxes): its items in
/// insertion order, or sorted, or as a dict subclass's `items()` gives
/// them.
fn encode_dict<H: Heap>(vm: &mut Vm<H>, e: &mut Encoding, slot: usize) -> PyResult<()> {
    let v = vm.st(slot);
    if Vm::<H>::dict_len(Vm::<H>::unbox(v)) == 0 {
        e.out.push_str("{}");
        return Ok(());
    }
    e.out.push('{');
    let exact = object::kind(v.as_obj()) == Kind::Dict;
    let (items, pairs) = if exact && !e.sort_keys {
        (flat_items(vm, v)?, false)
    } else {
        (pair_items(vm, e, slot, exact)?, true)
    };
    let items = vm.push(items);
    let ks = vm.push(Value::NULL);
    let vs = vm.push(Value::NULL);
    let count = if pairs {
        Vm::<H>::list_len(vm.st(items))
    } else {
        object::array_len(vm.st(items).as_obj()) / 2
    };
    let mut first = true;
    for i in 0..count {
        let (k, value) = if pairs {
            let item = Vm::<H>::unbox(Vm::<H>::list_get(vm.st(items), i));
            if !(item.is_obj()
                && object::kind(item.as_obj()) == Kind::Tuple
                && object::array_len(item.as_obj()) == 2)
            {
                return Err(vm.value_error("items must return 2-tuples"));
            }
            (
                object::array_get(item.as_obj(), 0),
                object::array_get(item.as_obj(), 1),
            )
        } else {
            let a = vm.st(items).as_obj();
            (object::array_get(a, 2 * i), object::array_get(a, 2 * i + 1))
        };
        vm.set_st(ks, k);
        vm.set_st(vs, value);
        let Some(key) = key_text(vm, e, ks)? else {
            continue;
        };
        if !first {
            e.out.push_str(&e.item_separator);
        }
        first = false;
        push_key(vm, e, ks, key)?;
        e.out.push_str(&e.key_separator);
        encode(vm, e, vs)?;
    }
    e.out.push('}');
    Ok(())
}

/// A snapshot of an exact dict's items: an array `[k0, v0, k1, v1, ...]`.
fn flat_items<H: Heap>(vm: &mut Vm<H>, d: Value) -> PyResult {
    let ds = vm.push(d);
    let arr = vm.alloc_array(Kind::Array, 2 * Vm::<H>::dict_len(d))?;
    let d = vm.st(ds);
    vm.truncate(ds);
    let mut n = 0;
    for i in 0..Vm::<H>::dict_used(d) {
        let (k, v) = Vm::<H>::dict_entry(d, i);
        if k.is_null() || k == Value::DUMMY {
            continue;
        }
        // Initialising stores into the just-allocated array.
        object::init(arr, 1 + n, k);
        object::init(arr, 2 + n, v);
        n += 2;
    }
    Ok(Value::obj(arr))
}

/// The dict's items as a list of pairs: built from an exact dict, else
/// `list(d.items())`; sorted when `sort_keys`.
fn pair_items<H: Heap>(vm: &mut Vm<H>, e: &Encoding, slot: usize, exact: bool) -> PyResult {
    let list = if exact {
        let flat = flat_items(vm, vm.st(slot))?;
        let fs = vm.push(flat);
        let n = object::array_len(flat.as_obj()) / 2;
        for i in 0..n {
            let a = vm.st(fs).as_obj();
            let pair =
                vm.new_tuple(&[object::array_get(a, 2 * i), object::array_get(a, 2 * i + 1)])?;
            vm.push(pair);
        }
        let l = vm.list_from_stack(fs + 1, n);
        vm.truncate(fs);
        l?
    } else {
        let sym = vm.intern("items");
        let f = vm.getattr(vm.st(slot), sym)?;
        let items = vm.call_values(f, &[])?;
        vm.call_values(vm.class(T_LIST), &[items])?
    };
    if !e.sort_keys {
        return Ok(list);
    }
    let ls = vm.push(list);
    let sym = vm.intern("sort");
    let sorted = vm
        .getattr(vm.st(ls), sym)
        .and_then(|sort| vm.call_values(sort, &[]))
        .map(|_| vm.st(ls));
    vm.truncate(ls);
    sorted
}

/// How a key is written: the str key itself, or the text of a coerced one.
enum KeyText {
    Str,
    Coerced(String),
}

/// The key at slot `ks` coerced as CPython does: str as is; float, bool,
/// None and int as their JSON text; others skipped (`Ok(None)`) with
/// `skipkeys`, else TypeError.
fn key_text<H: Heap>(vm: &mut Vm<H>, e: &mut Encoding, ks: usize) -> PyResult<Option<KeyText>> {
    let k = vm.st(ks);
    let u = Vm::<H>::unbox(k);
    let kind = u.is_obj().then(|| object::kind(u.as_obj()));
    let text = match (k, kind) {
        (_, Some(Kind::Str)) => return Ok(Some(KeyText::Str)),
        (_, Some(Kind::Float)) => {
            let mut t = String::new();
            std::mem::swap(&mut t, &mut e.out);
            let r = push_float(vm, e, object::float_of(u.as_obj()));
            std::mem::swap(&mut t, &mut e.out);
            r?;
            t
        }
        (Value::TRUE, _) => "true".into(),
        (Value::FALSE, _) => "false".into(),
        (Value::NONE, _) => "null".into(),
        (_, Some(Kind::BigInt)) => vm.repr_string(u)?,
        _ if u.is_int() => u.as_int().to_string(),
        _ if e.skipkeys => return Ok(None),
        _ => {
            let msg = format!(
                "keys must be str, int, float, bool or None, not {}",
                vm.type_name(k)
            );
            return Err(vm.type_error(&msg));
        }
    };
    Ok(Some(KeyText::Coerced(text)))
}

/// Appends the key at slot `ks` (text `key`) as a string literal.
fn push_key<H: Heap>(vm: &mut Vm<H>, e: &mut Encoding, ks: usize, key: KeyText) -> PyResult<()> {
    match (key, e.inline) {
        (KeyText::Str, _) => encode_str(vm, e, ks),
        (KeyText::Coerced(t), Some(ascii_only)) => {
            escape_into(&mut e.out, &t, ascii_only);
            Ok(())
        }
        (KeyText::Coerced(t), None) => {
            let s = vm.new_str(&t)?;
            vm.set_st(ks, s);
            encode_str(vm, e, ks)
        }
    }
}

/// Appends what `default(obj)` returns for the object at `slot`, which
/// JSON has no form for, marking the object for circular references.
fn encode_other<H: Heap>(vm: &mut Vm<H>, e: &mut Encoding, slot: usize) -> PyResult<()> {
    let mark = vm.rt.sp;
    let r = enter_marker(vm, e, slot).and_then(|ident| {
        let new = vm.call_values(e.state(vm, DEFAULT), &[vm.st(slot)])?;
        let ns = vm.push(new);
        e.depth += 1;
        let r = check_recursion(vm, e.depth, NESTING).and_then(|()| encode(vm, e, ns));
        e.depth -= 1;
        r?;
        leave_marker(vm, e, ident)
    });
    vm.truncate(mark);
    r
}
