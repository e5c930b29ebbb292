//! `unicodedata`: the Unicode character database, with CPython's
//! functions, messages and `ucd_3_2_0` object (`Modules/unicodedata.c`).
//!
//! The data comes from the `rustpython-unicode` crate (ICU4X properties
//! and normalizer, `unicode_names2` names, its own Unicode 3.2.0 tables),
//! so `unidata_version` is the crate's Unicode version, not CPython 3.11's
//! 14.0.0 (the frozen `stringprep` accounts for that). `ucd_3_2_0`
//! answers the property queries from the 3.2.0 tables but normalizes with
//! the current data.
//!
//! Every function exists twice: as a module function reading the current
//! database and as a method of class `UCD` (whose one instance is
//! `ucd_3_2_0`) reading Unicode 3.2.0. Heaplab strs cannot hold lone
//! surrogates, so every argument character is a Rust `char`.

use crate::builtins::*;
use crate::object::{self, Kind};
use crate::value::Value;
use crate::vm::{Args, NativeFn, PyResult, Vm};
use gc_api::Heap;
use rustpython_unicode::{LookupResult, NormalizeForm, Ucd};
use rustpython_wtf8::CodePoint;

/// The module names this file provides.
pub const MODULES: &[&str] = &["unicodedata"];
/// Frozen Python companions: `stringprep`, which runs the stdlib's file
/// without its check that `unidata_version` is CPython 3.11's 14.0.0.
pub const FROZEN: &[(&str, &str)] = &[("stringprep", include_str!("unicodedata/stringprep.py"))];

/// The instance attribute that marks a `UCD` object (and holds its version).
const VERSION_ATTR: &str = "unidata_version";

/// CPython's longest accepted `lookup` name (`NAME_MAXLEN`).
const NAME_MAXLEN: usize = 256;

/// Fills in module `name` (rooted at stack slot `ms`).
pub(crate) fn init<H: Heap>(vm: &mut Vm<H>, _name: &str, ms: usize) -> PyResult<()> {
    let fns: &[(&'static str, NativeFn<H>, NativeFn<H>)] = &[
        ("lookup", lookup::<H, false>, lookup::<H, true>),
        ("name", name::<H, false>, name::<H, true>),
        ("category", category::<H, false>, category::<H, true>),
        (
            "bidirectional",
            bidirectional::<H, false>,
            bidirectional::<H, true>,
        ),
        ("combining", combining::<H, false>, combining::<H, true>),
        ("decimal", decimal::<H, false>, decimal::<H, true>),
        ("digit", digit::<H, false>, digit::<H, true>),
        ("numeric", numeric::<H, false>, numeric::<H, true>),
        (
            "east_asian_width",
            east_asian_width::<H, false>,
            east_asian_width::<H, true>,
        ),
        ("mirrored", mirrored::<H, false>, mirrored::<H, true>),
        (
            "decomposition",
            decomposition::<H, false>,
            decomposition::<H, true>,
        ),
        ("normalize", normalize::<H, false>, normalize::<H, true>),
        (
            "is_normalized",
            is_normalized::<H, false>,
            is_normalized::<H, true>,
        ),
    ];
    for &(n, current, _) in fns {
        vm.module_fn(ms, n, current)?;
    }
    let version = vm.new_str(&Ucd::new(true).unidata_version())?;
    vm.module_set(vm.st(ms), VERSION_ATTR, version)?;

    let mut methods: Vec<(&'static str, NativeFn<H>)> =
        fns.iter().map(|&(n, _, old)| (n, old)).collect();
    methods.push(("__new__", ucd_new::<H>));
    let object = vm.class(T_OBJECT);
    let cls = vm.new_native_class("UCD", object, "unicodedata", &methods)?;
    let cs = vm.push(cls);
    vm.module_set(vm.st(ms), "UCD", vm.st(cs))?;
    let ucd = vm.new_instance(vm.st(cs))?;
    let us = vm.push(ucd);
    let sym = vm.intern(VERSION_ATTR);
    let old_version = vm.new_str(&Ucd::new(false).unidata_version())?;
    vm.inst_set(vm.st(us), sym, old_version)?;
    vm.module_set(vm.st(ms), "ucd_3_2_0", vm.st(us))?;
    vm.truncate(cs);
    Ok(())
}

/// `UCD.__new__`: CPython's type cannot be instantiated from Python.
fn ucd_new<H: Heap>(vm: &mut Vm<H>, _a: Args) -> PyResult {
    Err(vm.type_error("cannot create 'unicodedata.UCD' instances"))
}

// ------------------------------------------------------------ arguments

/// The database a call reads and its arguments without `self`: the
/// current one for a module function (`OLD` false), Unicode 3.2.0 for a
/// method of a `UCD` object (`OLD` true; `self` is checked).
fn database<H: Heap, const OLD: bool>(
    vm: &mut Vm<H>,
    a: Args,
    fname: &str,
) -> PyResult<(Ucd, Args)> {
    if !OLD {
        return Ok((Ucd::new(true), a));
    }
    let slf = if a.n > 0 { vm.arg(a, 0) } else { Value::NULL };
    if slf.is_null() || vm.native_state(slf, VERSION_ATTR).is_none() {
        return Err(vm.descriptor_error(fname, "unicodedata.UCD", slf));
    }
    let rest = Args {
        base: a.base + 1,
        n: a.n - 1,
        kw: a.kw,
    };
    Ok((Ucd::new(false), rest))
}

/// The name CPython's argument-count messages give function `fname`:
/// `unicodedata.f` for the module function, `UCD.f` for the method.
fn qualified<const OLD: bool>(fname: &str) -> String {
    if OLD {
        format!("UCD.{fname}")
    } else {
        format!("unicodedata.{fname}")
    }
}

/// Checks a call that takes `min..=max` positionals (with CPython's
/// "expected" wording) and no keywords.
fn check_positional<H: Heap, const OLD: bool>(
    vm: &mut Vm<H>,
    a: Args,
    fname: &str,
    (min, max): (usize, usize),
) -> PyResult<()> {
    if vm.nkw(a) > 0 {
        let msg = format!("{}() takes no keyword arguments", qualified::<OLD>(fname));
        return Err(vm.type_error(&msg));
    }
    if min == max && a.n != min {
        let s = if min == 1 { "" } else { "s" };
        let msg = format!("{fname} expected {min} argument{s}, got {}", a.n);
        return Err(vm.type_error(&msg));
    }
    vm.check_count(a, fname, min, max)
}

/// The one character of str argument `v`, or CPython's TypeError naming
/// the argument as `which` ("argument" or "argument 1").
fn char_arg<H: Heap>(vm: &mut Vm<H>, v: Value, fname: &str, which: &str) -> PyResult<char> {
    let u = Vm::<H>::unbox(v);
    if u.is_obj() && object::kind(u.as_obj()) == Kind::Str {
        let mut chars = object::str_of(u.as_obj()).chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            return Ok(c);
        }
    }
    let msg = format!(
        "{fname}() {which} must be a unicode character, not {}",
        vm.type_name(v)
    );
    Err(vm.type_error(&msg))
}

/// The text of str argument `v` (CPython's TypeError naming argument `i`).
fn str_arg<H: Heap>(vm: &mut Vm<H>, v: Value, fname: &str, i: usize) -> PyResult<String> {
    let u = Vm::<H>::unbox(v);
    if u.is_obj() && object::kind(u.as_obj()) == Kind::Str {
        return Ok(object::str_of(u.as_obj()).to_owned());
    }
    let msg = format!(
        "{fname}() argument {i} must be str, not {}",
        vm.type_name(v)
    );
    Err(vm.type_error(&msg))
}

/// The character argument of a one-argument function (`category`, ...).
fn single_char<H: Heap, const OLD: bool>(
    vm: &mut Vm<H>,
    a: Args,
    fname: &str,
) -> PyResult<(Ucd, char)> {
    let (ucd, a) = database::<H, OLD>(vm, a, fname)?;
    vm.check_args(a, &qualified::<OLD>(fname), 1, 1)?;
    let c = char_arg(vm, vm.arg(a, 0), fname, "argument")?;
    Ok((ucd, c))
}

/// The character of a `(chr, default=<unrepresentable>, /)` function and
/// its default (NULL: none given).
fn char_and_default<H: Heap, const OLD: bool>(
    vm: &mut Vm<H>,
    a: Args,
    fname: &str,
) -> PyResult<(Ucd, char, Value)> {
    let (ucd, a) = database::<H, OLD>(vm, a, fname)?;
    check_positional::<H, OLD>(vm, a, fname, (1, 2))?;
    let c = char_arg(vm, vm.arg(a, 0), fname, "argument 1")?;
    let default = if a.n == 2 { vm.arg(a, 1) } else { Value::NULL };
    Ok((ucd, c, default))
}

/// `value`, else `default`, else ValueError `msg`.
fn or_default<H: Heap>(
    vm: &mut Vm<H>,
    value: Option<PyResult>,
    default: Value,
    msg: &str,
) -> PyResult {
    match value {
        Some(v) => v,
        None if !default.is_null() => Ok(default),
        None => Err(vm.value_error(msg)),
    }
}

// ------------------------------------------------------------ functions

/// `lookup(name, /)`: the character (or named sequence) called `name`;
/// `name` is a str or bytes.
fn lookup<H: Heap, const OLD: bool>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let (ucd, a) = database::<H, OLD>(vm, a, "lookup")?;
    vm.check_args(a, &qualified::<OLD>("lookup"), 1, 1)?;
    let v = Vm::<H>::unbox(vm.arg(a, 0));
    let text = match v.is_obj().then(|| object::kind(v.as_obj())) {
        Some(Kind::Str) => object::str_of(v.as_obj()).to_owned(),
        Some(Kind::Bytes) => String::from_utf8_lossy(object::bytes_of(v.as_obj())).into_owned(),
        Some(Kind::ByteArray) => {
            let msg = format!(
                "lookup() argument must be read-only bytes-like object, not {}",
                vm.type_name(v)
            );
            return Err(vm.type_error(&msg));
        }
        _ => {
            let msg = format!("a bytes-like object is required, not '{}'", vm.type_name(v));
            return Err(vm.type_error(&msg));
        }
    };
    if text.len() > NAME_MAXLEN {
        return Err(vm.raise_msg(T_KEY_ERROR, "name too long"));
    }
    match ucd.lookup(&text) {
        Some(LookupResult::Character(c)) => vm.new_str(c.encode_utf8(&mut [0; 4])),
        Some(LookupResult::Sequence(s)) => vm.new_str(s),
        None => {
            let msg = format!("undefined character name '{text}'");
            Err(vm.raise_msg(T_KEY_ERROR, &msg))
        }
    }
}

/// `name(chr, default=<unrepresentable>, /)`.
fn name<H: Heap, const OLD: bool>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let (ucd, c, default) = char_and_default::<H, OLD>(vm, a, "name")?;
    let text = if ucd.membership(c) {
        rustpython_unicode::character_name(c)
    } else {
        None
    };
    let value = text.map(|t| vm.new_str(&t));
    or_default(vm, value, default, "no such name")
}

/// `decimal(chr, default=<unrepresentable>, /)`.
fn decimal<H: Heap, const OLD: bool>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let (ucd, c, default) = char_and_default::<H, OLD>(vm, a, "decimal")?;
    let value = ucd
        .decimal(CodePoint::from(c))
        .map(|d| Ok(Value::int(d as i64)));
    or_default(vm, value, default, "not a decimal")
}

/// `digit(chr, default=<unrepresentable>, /)`.
fn digit<H: Heap, const OLD: bool>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let (ucd, c, default) = char_and_default::<H, OLD>(vm, a, "digit")?;
    let value = ucd
        .digit(CodePoint::from(c))
        .map(|d| Ok(Value::int(d as i64)));
    or_default(vm, value, default, "not a digit")
}

/// `numeric(chr, default=<unrepresentable>, /)`: a float.
fn numeric<H: Heap, const OLD: bool>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let (ucd, c, default) = char_and_default::<H, OLD>(vm, a, "numeric")?;
    let value = ucd.numeric(CodePoint::from(c)).map(|f| vm.new_float(f));
    or_default(vm, value, default, "not a numeric character")
}

/// `category(chr, /)`: the general category ('Lu', 'Nd', ...).
fn category<H: Heap, const OLD: bool>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let (ucd, c) = single_char::<H, OLD>(vm, a, "category")?;
    vm.new_str(ucd.category(CodePoint::from(c)))
}

/// `bidirectional(chr, /)`: the bidi class ('' when unassigned).
fn bidirectional<H: Heap, const OLD: bool>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let (ucd, c) = single_char::<H, OLD>(vm, a, "bidirectional")?;
    vm.new_str(ucd.bidirectional(CodePoint::from(c)))
}

/// `combining(chr, /)`: the canonical combining class.
fn combining<H: Heap, const OLD: bool>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let (ucd, c) = single_char::<H, OLD>(vm, a, "combining")?;
    Ok(Value::int(i64::from(ucd.combining(CodePoint::from(c)))))
}

/// `east_asian_width(chr, /)`: 'F', 'H', 'W', 'Na', 'A' or 'N'.
fn east_asian_width<H: Heap, const OLD: bool>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let (ucd, c) = single_char::<H, OLD>(vm, a, "east_asian_width")?;
    vm.new_str(ucd.east_asian_width(CodePoint::from(c)))
}

/// `mirrored(chr, /)`: 1 if the character is mirrored in bidi text, else 0.
fn mirrored<H: Heap, const OLD: bool>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let (ucd, c) = single_char::<H, OLD>(vm, a, "mirrored")?;
    Ok(Value::int(i64::from(ucd.mirrored(CodePoint::from(c)))))
}

/// `decomposition(chr, /)`: the decomposition mapping as hex code points,
/// prefixed by `<tag>` for a compatibility one ('' when there is none).
fn decomposition<H: Heap, const OLD: bool>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let (ucd, c) = single_char::<H, OLD>(vm, a, "decomposition")?;
    // CPython reports no decomposition for a character 3.2.0 did not assign.
    if !ucd.membership(c) {
        return vm.new_str("");
    }
    vm.new_str(&ucd.decomposition(CodePoint::from(c)))
}

/// The `(form, unistr, /)` arguments of `normalize`/`is_normalized`.
fn form_and_text<H: Heap, const OLD: bool>(
    vm: &mut Vm<H>,
    a: Args,
    fname: &str,
) -> PyResult<(NormalizeForm, String)> {
    let (_, a) = database::<H, OLD>(vm, a, fname)?;
    check_positional::<H, OLD>(vm, a, fname, (2, 2))?;
    let form = str_arg(vm, vm.arg(a, 0), fname, 1)?;
    let text = str_arg(vm, vm.arg(a, 1), fname, 2)?;
    match form.parse::<NormalizeForm>() {
        Ok(f) => Ok((f, text)),
        Err(()) => Err(vm.value_error("invalid normalization form")),
    }
}

/// `normalize(form, unistr, /)`: `unistr` in form 'NFC', 'NFD', 'NFKC' or
/// 'NFKD'.
fn normalize<H: Heap, const OLD: bool>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let (form, text) = form_and_text::<H, OLD>(vm, a, "normalize")?;
    let out = rustpython_unicode::normalize(form, text.as_str().as_ref());
    // The text came from a str, which holds no lone surrogates, so its
    // normal form is valid UTF-8.
    let out = out.into_string().expect("normalized str text is UTF-8");
    vm.new_str(&out)
}

/// `is_normalized(form, unistr, /)`.
fn is_normalized<H: Heap, const OLD: bool>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let (form, text) = form_and_text::<H, OLD>(vm, a, "is_normalized")?;
    Ok(Value::bool(rustpython_unicode::is_normalized(
        form,
        text.as_str().as_ref(),
    )))
}
