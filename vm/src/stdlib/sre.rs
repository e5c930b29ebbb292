//! `_sre`: the regular-expression engine behind `re`.
//!
//! The matcher is the `rustpython-sre_engine` crate (pinned `=0.6.0`), a
//! Rust port of CPython's `sre_lib.h`. Its opcode, at-code and category
//! tables are identical to CPython 3.11's `re/_constants.py` (the crate's
//! `SRE_MAGIC` is 3.12's 20230612, but 3.12 only bumped the magic when it
//! removed `SRE_FLAG_TEMPLATE` and added `_sre.template`; the compiled code
//! format is unchanged), so the code lists that 3.11's `re._compiler`
//! produces are fed to it as they are, without translation. We report 3.11's
//! `MAGIC` (20220615) because `re._compiler` asserts it.
//!
//! Objects: `Pattern`, `Match` and `SRE_Scanner` are native classes whose
//! instances keep their state in instance attributes:
//!
//! * Pattern: `pattern`, `flags`, `groups`, `_groupindex` (the
//!   `groupindex` property returns a copy), `_code` (a
//!   pointer-free bytes object holding the code as native-endian `u32`
//!   words), `_indexgroup` (tuple), `_isbytes` (-1 unknown, 0 str, 1 bytes).
//! * Match: `string`, `re`, `_d` (a pointer-free bytes object of `i64`
//!   words: pos, endpos, lastindex, group count n, then n (start, end)
//!   pairs, -1 for an unmatched group).
//! * Scanner: `pattern`, `_s` (the subject), `_p0` (initial pos), `_end`,
//!   `_cur` (next start, -1 when exhausted), `_adv` (must advance).
//!
//! GC discipline: the engine runs on slices borrowed straight out of the
//! heap (the subject's bytes and the pattern's code words). That is sound
//! because nothing allocates (so nothing moves) while the engine runs: each
//! engine call takes the slices, runs to completion and leaves its results
//! in Rust memory (`Vec<isize>` records); only then are Python objects
//! made, re-reading every heap value from its VM-stack root.
//!
//! Subjects: bytes, bytearray and ASCII str run on the engine's `&[u8]`
//! drive (one byte per character); a non-ASCII str runs on its `&str`
//! (UTF-8) drive, whose positions are character indices; results are
//! sliced back through a char → byte offset table built once per call.

use crate::builtins::*;
use crate::object::{self, Kind, field};
use crate::value::Value;
use crate::vm::{Args, NativeFn, PyResult, Vm};
use gc_api::Heap;
use rustpython_sre_engine::{Request, State, StrDrive, StringCursor};

/// The module names this file provides.
pub const MODULES: &[&str] = &["_sre"];

/// Frozen Python source this file adds (name, source).
///
/// `_sre_glue` exists because the VM's `hash()` only honours a
/// Python-function `__hash__` on instances: `Pattern.__hash__` is this
/// Python function, which calls the native `Pattern._hash`.
pub const FROZEN: &[(&str, &str)] = &[(
    "_sre_glue",
    "def pattern_hash(self):\n    return self._hash()\n",
)];

/// CPython 3.11's `_sre.MAGIC` (checked by `re._compiler`).
const MAGIC: i64 = 20220615;
const MAXREPEAT: i64 = u32::MAX as i64;
const MAXGROUPS: i64 = 1073741823;

const FLAG_TEMPLATE: i64 = 1;
const FLAG_LOCALE: i64 = 4;
const FLAG_UNICODE: i64 = 32;
const FLAG_ASCII: i64 = 256;

// ------------------------------------------------------------------ init

/// The attribute names this module looks up (indexed by the `n::` constants).
const NAMES: &[&str] = &[
    "pattern",
    "flags",
    "groups",
    "_groupindex",
    "_indexgroup",
    "_isbytes",
    "_code",
    "string",
    "re",
    "_d",
    "_s",
    "_p0",
    "_end",
    "_cur",
    "_adv",
    "_Match",
    "_Scanner",
    "_expand",
    "_subx",
    "pattern_hash",
];

/// Indices into `NAMES`.
mod n {
    pub const PATTERN: usize = 0;
    pub const FLAGS: usize = 1;
    pub const GROUPS: usize = 2;
    pub const GROUPINDEX: usize = 3;
    pub const INDEXGROUP: usize = 4;
    pub const ISBYTES: usize = 5;
    pub const CODE: usize = 6;
    pub const STRING: usize = 7;
    pub const RE: usize = 8;
    pub const DATA: usize = 9;
    pub const SUBJ: usize = 10;
    pub const POS0: usize = 11;
    pub const END: usize = 12;
    pub const CUR: usize = 13;
    pub const ADV: usize = 14;
    pub const MATCH_CLS: usize = 15;
    pub const SCANNER_CLS: usize = 16;
    pub const EXPAND: usize = 17;
    pub const SUBX: usize = 18;
    pub const PATTERN_HASH: usize = 19;
}

thread_local! {
    /// Symbol ids of `NAMES` (validated on use: see `sym`).
    static SYMS: std::cell::RefCell<Vec<u32>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The symbol id of `NAMES[i]`. The cache is checked against the VM's
/// interner (a short string compare), so it stays right with several VMs
/// in one thread. Never allocates once `init` has interned the names.
#[inline]
fn sym<H: Heap>(vm: &mut Vm<H>, i: usize) -> u32 {
    let cached = SYMS.with(|c| c.borrow().get(i).copied());
    if let Some(id) = cached
        && (id as usize) < vm.interner.len()
        && vm.interner.name(id) == NAMES[i]
    {
        return id;
    }
    let id = vm.intern(NAMES[i]);
    SYMS.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() < NAMES.len() {
            c.resize(NAMES.len(), u32::MAX);
        }
        c[i] = id;
    });
    id
}

/// Fills in module `name`, rooted at stack slot `ms`.
pub(crate) fn init<H: Heap>(vm: &mut Vm<H>, _name: &str, ms: usize) -> PyResult<()> {
    // Intern every attribute name used here now, so that `attr` (which
    // interns) never allocates later while a caller holds raw values.
    for i in 0..NAMES.len() {
        sym(vm, i);
    }
    for (n, v) in [
        ("MAGIC", MAGIC),
        ("CODESIZE", 4),
        ("MAXREPEAT", MAXREPEAT),
        ("MAXGROUPS", MAXGROUPS),
    ] {
        let v = vm.int_from_i64(v)?;
        vm.module_set(vm.st(ms), n, v)?;
    }
    let c = vm.new_str(" SRE 2.2.2 Copyright (c) 1997-2002 by Secret Labs AB ")?;
    vm.module_set(vm.st(ms), "copyright", c)?;
    let fns: &[(&'static str, NativeFn<H>)] = &[
        ("getcodesize", |_, _| Ok(Value::int(4))),
        ("ascii_iscased", |vm, a| {
            char_fn(vm, a, "ascii_iscased", |c| {
                Value::bool(c < 128 && (c as u8).is_ascii_alphabetic())
            })
        }),
        ("unicode_iscased", |vm, a| {
            char_fn(vm, a, "unicode_iscased", |c| {
                use rustpython_sre_engine::string::{lower_unicode, upper_unicode};
                Value::bool(c != lower_unicode(c) || c != upper_unicode(c))
            })
        }),
        ("ascii_tolower", |vm, a| {
            char_fn(vm, a, "ascii_tolower", |c| {
                Value::int(rustpython_sre_engine::string::lower_ascii(c) as i64)
            })
        }),
        ("unicode_tolower", |vm, a| {
            char_fn(vm, a, "unicode_tolower", |c| {
                Value::int(rustpython_sre_engine::string::lower_unicode(c) as i64)
            })
        }),
    ];
    for &(n, f) in fns {
        vm.module_fn(ms, n, f)?;
    }

    // The classes. They are immortal and never move.
    let object = vm.class(T_OBJECT);
    let pat = vm.make_class("Pattern", &[object], Value::NULL, "re")?;
    let ps = vm.push(pat);
    let object = vm.class(T_OBJECT);
    let m = vm.make_class("Match", &[object], Value::NULL, "re")?;
    vm.push(m);
    let object = vm.class(T_OBJECT);
    let sc = vm.make_class("SRE_Scanner", &[object], Value::NULL, "_sre")?;
    vm.push(sc);
    vm.set_class_attr(vm.st(ps), "_Match", vm.st(ps + 1))?;
    vm.set_class_attr(vm.st(ps), "_Scanner", vm.st(ps + 2))?;

    let pat_methods: &[(&'static str, NativeFn<H>)] = &[
        ("match", |vm, a| pattern_match(vm, a, "match", Mode::Match)),
        ("fullmatch", |vm, a| {
            pattern_match(vm, a, "fullmatch", Mode::FullMatch)
        }),
        ("search", |vm, a| {
            pattern_match(vm, a, "search", Mode::Search)
        }),
        ("findall", pattern_findall::<H>),
        ("finditer", pattern_finditer::<H>),
        ("scanner", pattern_scanner::<H>),
        ("sub", |vm, a| pattern_subx(vm, a, "sub", false)),
        ("subn", |vm, a| pattern_subx(vm, a, "subn", true)),
        ("split", pattern_split::<H>),
        ("__repr__", pattern_repr::<H>),
        ("__eq__", pattern_eq::<H>),
        ("__ne__", pattern_ne::<H>),
        ("_hash", pattern_hash::<H>),
        ("__copy__", return_self::<H>),
        ("__deepcopy__", return_self::<H>),
        ("__class_getitem__", class_getitem::<H>),
    ];
    for &(n, f) in pat_methods {
        let d = object::get(vm.st(ps).as_obj(), field::CLS_DICT);
        vm.def_fn(d, n, f);
    }
    let match_methods: &[(&'static str, NativeFn<H>)] = &[
        ("group", match_group::<H>),
        ("__getitem__", match_getitem::<H>),
        ("groups", match_groups::<H>),
        ("groupdict", match_groupdict::<H>),
        ("start", |vm, a| match_pos(vm, a, "start", 0)),
        ("end", |vm, a| match_pos(vm, a, "end", 1)),
        ("span", |vm, a| match_pos(vm, a, "span", 2)),
        ("expand", match_expand::<H>),
        ("__repr__", match_repr::<H>),
        ("__copy__", return_self::<H>),
        ("__deepcopy__", return_self::<H>),
        ("__class_getitem__", class_getitem::<H>),
    ];
    for &(n, f) in match_methods {
        let d = object::get(vm.st(ps + 1).as_obj(), field::CLS_DICT);
        vm.def_fn(d, n, f);
    }
    def_property(vm, vm.st(ps), "groupindex", pattern_groupindex::<H>)?;
    let match_props: &[(&'static str, NativeFn<H>)] = &[
        ("pos", |vm, a| match_word_prop(vm, a, 0)),
        ("endpos", |vm, a| match_word_prop(vm, a, 1)),
        ("lastindex", |vm, a| match_word_prop(vm, a, 2)),
        ("lastgroup", match_lastgroup::<H>),
        ("regs", match_regs::<H>),
    ];
    for &(n, f) in match_props {
        def_property(vm, vm.st(ps + 1), n, f)?;
    }
    let scanner_methods: &[(&'static str, NativeFn<H>)] = &[
        ("match", |vm, a| scanner_next(vm, a, Mode::Match, false)),
        ("search", |vm, a| scanner_next(vm, a, Mode::Search, false)),
        ("__next__", |vm, a| scanner_next(vm, a, Mode::Search, true)),
        ("__iter__", return_self::<H>),
    ];
    for &(n, f) in scanner_methods {
        let d = object::get(vm.st(ps + 2).as_obj(), field::CLS_DICT);
        vm.def_fn(d, n, f);
    }

    for i in 0..3 {
        let d = object::get(vm.st(ps + i).as_obj(), field::CLS_DICT);
        vm.def_fn(d, "__new__", no_new::<H>);
    }
    let glue = vm.import_module("_sre_glue")?;
    let sym = sym(vm, n::PATTERN_HASH);
    let h = vm.getattr(glue, sym)?;
    vm.set_class_attr(vm.st(ps), "__hash__", h)?;

    // `compile` is a builtin bound to the Pattern class (it receives the
    // class as its first argument), so it needs no module lookup.
    let idx = vm.register("compile", sre_compile::<H>);
    let b = vm.new_builtin(idx, vm.st(ps))?;
    vm.module_set(vm.st(ms), "compile", b)?;
    vm.truncate(ps);
    Ok(())
}

fn def_property<H: Heap>(
    vm: &mut Vm<H>,
    cls: Value,
    name: &'static str,
    f: NativeFn<H>,
) -> PyResult<()> {
    let cs = vm.push(cls);
    let p = vm.new_native_property(name, f)?;
    vm.set_class_attr(vm.st(cs), name, p)?;
    vm.truncate(cs);
    Ok(())
}

fn char_fn<H: Heap>(vm: &mut Vm<H>, a: Args, name: &str, f: fn(u32) -> Value) -> PyResult {
    vm.check_args(a, name, 1, 1)?;
    let v = vm.arg(a, 0);
    match vm.index_value(v)? {
        Some(c) if (0..=u32::MAX as i64).contains(&c) => Ok(f(c as u32)),
        _ => Err(vm.type_error("an integer is required")),
    }
}

/// `re.Pattern()` and friends: only `_sre` makes these.
fn no_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let cls = if a.n > 0 { vm.arg(a, 0) } else { Value::NULL };
    let name = if vm.is_class(cls) {
        let m = object::get(cls.as_obj(), field::CLS_MODULE);
        let m = if m.is_obj() && object::kind(m.as_obj()) == Kind::Str {
            object::str_of(m.as_obj()).to_string()
        } else {
            String::new()
        };
        format!("{m}.{}", vm.class_name(cls))
    } else {
        "object".to_string()
    };
    let msg = format!("cannot create '{name}' instances");
    Err(vm.type_error(&msg))
}

/// `Pattern[str]`, `Match[bytes]`: a `types.GenericAlias`.
fn class_getitem<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__class_getitem__", 2, 2)?;
    let (c, item) = (vm.arg(a, 0), vm.arg(a, 1));
    call_types_helper(vm, "GenericAlias", &[c, item])
}

fn return_self<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    Ok(vm.arg(a, 0))
}

// ------------------------------------------------------------- helpers

/// Instance attribute `name` of `o` (NULL when missing). Never allocates:
/// every name passed here is in `NAMES`, interned at module init.
fn attr<H: Heap>(vm: &mut Vm<H>, o: Value, name: usize) -> Value {
    let sym = sym(vm, name);
    if !o.is_obj() || object::kind(o.as_obj()) != Kind::Instance {
        return Value::NULL;
    }
    vm.inst_get(o.as_obj(), sym).unwrap_or(Value::NULL)
}

fn set_attr<H: Heap>(vm: &mut Vm<H>, o: Value, name: usize, v: Value) -> PyResult<()> {
    let mark = vm.push(o);
    vm.push(v);
    let sym = sym(vm, name);
    let (o, v) = (vm.st(mark), vm.st(mark + 1));
    vm.inst_set(o, sym, v)?;
    vm.truncate(mark);
    Ok(())
}

fn int_attr<H: Heap>(vm: &mut Vm<H>, o: Value, name: usize) -> i64 {
    attr(vm, o, name).to_int().unwrap_or(0)
}

/// Checks that argument 0 is an instance of the class holding the method.
fn self_arg<H: Heap>(vm: &mut Vm<H>, a: Args, cls_attr: &str, what: &str) -> PyResult<Value> {
    let s = if a.n > 0 { vm.arg(a, 0) } else { Value::NULL };
    let ok = s.is_obj() && object::kind(s.as_obj()) == Kind::Instance && {
        // The raw-bytes attribute the native code reads without checks.
        let (field, raw) = match cls_attr {
            "Pattern" => (n::CODE, true),
            "Match" => (n::DATA, true),
            _ => (n::CUR, false),
        };
        let v = attr(vm, s, field);
        !v.is_null() && (!raw || (v.is_obj() && object::kind(v.as_obj()) == Kind::RawBytes))
    };
    if !ok {
        let msg = format!("descriptor '{what}' requires a '{cls_attr}' object");
        return Err(vm.type_error(&msg));
    }
    Ok(s)
}

/// Binds a method's arguments (after `self`) by position and keyword:
/// the stack slot of each, `usize::MAX` when not passed.
fn bind<H: Heap>(
    vm: &mut Vm<H>,
    a: Args,
    fname: &str,
    names: &[&str],
    required: usize,
) -> PyResult<[usize; 6]> {
    let mut out = [usize::MAX; 6];
    let npos = a.n.saturating_sub(1);
    if npos > names.len() {
        let msg = format!(
            "{fname}() takes at most {} argument{} ({npos} given)",
            names.len(),
            if names.len() == 1 { "" } else { "s" }
        );
        return Err(vm.type_error(&msg));
    }
    for (i, o) in out.iter_mut().enumerate().take(npos) {
        *o = a.base + 1 + i;
    }
    let kw = vm.kwnames(a);
    if !kw.is_null() {
        let kwo = kw.as_obj();
        for k in 0..object::array_len(kwo) {
            let key = object::str_of(object::array_get(kwo, k).as_obj()).to_string();
            match names.iter().position(|n| *n == key) {
                Some(i) if out[i] == usize::MAX => out[i] = a.base + a.n + k,
                Some(_) => {
                    let msg =
                        format!("argument for {fname}() given by name ('{key}') and position");
                    return Err(vm.type_error(&msg));
                }
                None => {
                    let msg = format!("{fname}() got an unexpected keyword argument '{key}'");
                    return Err(vm.type_error(&msg));
                }
            }
        }
    }
    for (i, n) in names.iter().enumerate().take(required) {
        if out[i] == usize::MAX {
            let msg = format!("{fname}() missing required argument '{n}' (pos {})", i + 1);
            return Err(vm.type_error(&msg));
        }
    }
    Ok(out)
}

fn opt_int<H: Heap>(vm: &mut Vm<H>, slot: usize, default: i64) -> PyResult<i64> {
    if slot == usize::MAX {
        return Ok(default);
    }
    let v = vm.st(slot);
    vm.index_int(v)
}

// -------------------------------------------------------------- subjects

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum SKind {
    Str,
    Bytes,
    ByteArray,
}

/// A subject borrowed from the heap. Invalid after any allocation.
#[derive(Clone, Copy)]
struct View<'a> {
    kind: SKind,
    data: &'a [u8],
    /// Length in characters (= bytes unless a non-ASCII str).
    len: usize,
}

impl View<'_> {
    fn ascii(&self) -> bool {
        self.len == self.data.len()
    }
}

fn view<'a>(v: Value) -> Option<View<'a>> {
    if !v.is_obj() {
        return None;
    }
    let o = v.as_obj();
    match object::kind(o) {
        Kind::Str => {
            let data = object::bytes_of(o);
            Some(View {
                kind: SKind::Str,
                data,
                len: object::word(o, field::STR_CHARS),
            })
        }
        Kind::Bytes | Kind::RawBytes => {
            let data = object::bytes_of(o);
            Some(View {
                kind: SKind::Bytes,
                data,
                len: data.len(),
            })
        }
        Kind::ByteArray => {
            let buf = object::get(o, field::BA_BUF).as_obj();
            let n = object::word(o, field::BA_LEN);
            let data = &object::bytes_of(buf)[..n];
            Some(View {
                kind: SKind::ByteArray,
                data,
                len: n,
            })
        }
        // An instance of a subclass of str/bytes/bytearray: its value.
        Kind::Instance => {
            let b = object::get(o, field::INST_BASE);
            if b.is_obj() && object::kind(b.as_obj()) != Kind::Instance {
                view(b)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Checks the subject at `slot` against the pattern's string type.
fn check_subject<H: Heap>(vm: &mut Vm<H>, pat: Value, slot: usize) -> PyResult<SKind> {
    let s = vm.st(slot);
    let Some(v) = view(s) else {
        let msg = format!(
            "expected string or bytes-like object, got '{}'",
            vm.type_name(s)
        );
        return Err(vm.type_error(&msg));
    };
    let isbytes = int_attr(vm, pat, n::ISBYTES);
    if isbytes == 0 && v.kind != SKind::Str {
        return Err(vm.type_error("cannot use a string pattern on a bytes-like object"));
    }
    if isbytes == 1 && v.kind == SKind::Str {
        return Err(vm.type_error("cannot use a bytes pattern on a string-like object"));
    }
    Ok(v.kind)
}

/// Char index → byte offset table of a non-ASCII str (None otherwise).
fn offsets(v: &View) -> Option<Vec<usize>> {
    if v.kind != SKind::Str || v.ascii() {
        return None;
    }
    // SAFETY: a Str object holds valid UTF-8.
    let s = unsafe { std::str::from_utf8_unchecked(v.data) };
    let mut t: Vec<usize> = s.char_indices().map(|(i, _)| i).collect();
    t.push(s.len());
    Some(t)
}

fn byte_range(v: &View, offs: Option<&[usize]>, start: usize, end: usize) -> (usize, usize) {
    if v.kind != SKind::Str || v.ascii() {
        return (start, end);
    }
    if let Some(t) = offs {
        return (t[start], t[end]);
    }
    // SAFETY: a Str object holds valid UTF-8.
    let s = unsafe { std::str::from_utf8_unchecked(v.data) };
    let mut it = s
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(s.len()));
    let b0 = it.nth(start).unwrap_or(s.len());
    let b1 = if end == start {
        b0
    } else {
        it.nth(end - start - 1).unwrap_or(s.len())
    };
    (b0, b1)
}

/// `subject[start:end]` (character indices) of the subject at `slot`.
fn slice_subject<H: Heap>(
    vm: &mut Vm<H>,
    slot: usize,
    start: usize,
    end: usize,
    offs: Option<&[usize]>,
) -> PyResult {
    let s = vm.st(slot);
    let end = end.max(start);
    let v = match view(s) {
        Some(v) if end <= v.len => v,
        // Only if Python code replaced a match's `string`.
        _ => return Err(vm.type_error("match subject was changed")),
    };
    match v.kind {
        SKind::Str => {
            if start == 0 && end == v.len && object::kind(s.as_obj()) == Kind::Str {
                return Ok(s);
            }
            let (b0, b1) = byte_range(&v, offs, start, end);
            let o = vm.alloc_str_uninit(b1 - b0, end - start)?;
            // Re-read the subject: the allocation may have moved it.
            let v = view(vm.st(slot)).expect("subject");
            object::bytes_of_mut(o).copy_from_slice(&v.data[b0..b1]);
            Ok(Value::obj(o))
        }
        SKind::Bytes => {
            if start == 0 && end == v.len && object::kind(s.as_obj()) == Kind::Bytes {
                return Ok(s);
            }
            let data = v.data[start..end].to_vec();
            vm.new_bytes_kind(Kind::Bytes, &data)
        }
        SKind::ByteArray => {
            // CPython slices every bytes-like subject to bytes.
            let data = v.data[start..end].to_vec();
            vm.new_bytes_kind(Kind::Bytes, &data)
        }
    }
}

/// An empty object of the subject's type.
fn empty_like<H: Heap>(vm: &mut Vm<H>, k: SKind) -> PyResult {
    match k {
        SKind::Str => vm.new_str(""),
        SKind::Bytes | SKind::ByteArray => vm.new_bytes_kind(Kind::Bytes, &[]),
    }
}

// ---------------------------------------------------------------- engine

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Match,
    FullMatch,
    Search,
}

/// The compiled code of a pattern, borrowed from its `_code` bytes object.
/// Invalid after any allocation.
fn code_of<'a>(code: Value) -> &'a [u32] {
    let b = object::bytes_of(code.as_obj());
    assert!(
        (b.as_ptr() as usize).is_multiple_of(4),
        "_sre: misaligned code"
    );
    // SAFETY: the bytes object holds whole u32 words (written by `compile`)
    // at a 4-aligned address (checked); the slice is used only while
    // nothing allocates (see the module comment).
    unsafe { std::slice::from_raw_parts(b.as_ptr() as *const u32, b.len() / 4) }
}

/// Appends one match record: start, end, lastindex, then (start, end) per
/// group 1..=groups (-1 when unset).
fn record(state: &State, groups: usize, out: &mut Vec<isize>) {
    out.push(state.start as isize);
    out.push(state.cursor.position as isize);
    out.push(state.marks.last_index());
    for g in 0..groups {
        let (s, e) = state.marks.get(g);
        match (s.into_option(), e.into_option()) {
            (Some(s), Some(e)) if s <= e => {
                out.push(s as isize);
                out.push(e as isize);
            }
            _ => {
                out.push(-1);
                out.push(-1);
            }
        }
    }
}

fn rec_len(groups: usize) -> usize {
    3 + 2 * groups
}

/// Runs the engine up to `limit` times (0: unbounded) from `pos`, the way
/// CPython's findall/sub/split loops do (an empty match right after the
/// previous match is not allowed: `must_advance`). One-shot modes stop
/// after the first attempt. Returns the number of matches; the records go
/// to `out`. Also returns where a next search would start and whether it
/// must advance (the scanner's state).
#[allow(clippy::too_many_arguments)]
fn run<S: StrDrive>(
    s: S,
    code: &[u32],
    pos: usize,
    end: usize,
    mode: Mode,
    must_advance: bool,
    groups: usize,
    limit: usize,
    out: &mut Vec<isize>,
) -> (usize, usize, bool) {
    let mut req = Request::new(s, pos, end, code, mode == Mode::FullMatch);
    req.must_advance = must_advance;
    // Reuse the last run's buffers (marks, repeat stack); a fresh cursor,
    // since the old one may point into another subject.
    let mut state = STATE.with(|c| c.take());
    state.cursor = StringCursor::default();
    let mut n = 0;
    loop {
        if req.start > req.end {
            break;
        }
        state.reset(&req, req.start);
        let found = match mode {
            Mode::Search => state.search(req),
            _ => state.py_match(&req),
        };
        if !found {
            break;
        }
        record(&state, groups, out);
        n += 1;
        req.must_advance = state.cursor.position == state.start;
        req.start = state.cursor.position;
        if mode != Mode::Search || (limit != 0 && n >= limit) {
            break;
        }
    }
    let r = (n, req.start, req.must_advance);
    STATE.with(|c| c.replace(state));
    r
}

thread_local! {
    /// The engine state kept between runs so its buffers are reused.
    static STATE: std::cell::RefCell<State> = std::cell::RefCell::new(State::default());
}

/// Runs the engine over the subject `subj` with the pattern `pat`
/// (both heap values, read here and not kept).
#[allow(clippy::too_many_arguments)]
fn run_on<H: Heap>(
    vm: &mut Vm<H>,
    pat: Value,
    subj: Value,
    pos: usize,
    end: usize,
    mode: Mode,
    must_advance: bool,
    limit: usize,
    out: &mut Vec<isize>,
) -> (usize, usize, bool) {
    let groups = int_attr(vm, pat, n::GROUPS) as usize;
    let code_v = attr(vm, pat, n::CODE);
    // From here to the end of the engine run nothing allocates.
    let code = code_of(code_v);
    let v = view(subj).expect("subject");
    if v.kind == SKind::Str && !v.ascii() {
        // SAFETY: a Str object holds valid UTF-8.
        let s: &str = unsafe { std::str::from_utf8_unchecked(v.data) };
        run(s, code, pos, end, mode, must_advance, groups, limit, out)
    } else {
        run(
            v.data,
            code,
            pos,
            end,
            mode,
            must_advance,
            groups,
            limit,
            out,
        )
    }
}

/// Clamps pos/endpos like CPython's state_init.
fn clamp(pos: i64, end: i64, len: usize) -> (usize, usize) {
    let l = len as i64;
    (pos.clamp(0, l) as usize, end.clamp(0, l) as usize)
}

// ------------------------------------------------------------- compile

fn sre_compile<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    // a[0] is the Pattern class (the builtin's bound self).
    let names = [
        "pattern",
        "flags",
        "code",
        "groups",
        "groupindex",
        "indexgroup",
    ];
    if a.n != 7 || vm.nkw(a) != 0 {
        let b = bind(vm, a, "compile", &names, 6)?;
        // A keyword call: gather the arguments into positional order.
        let mark = vm.push(vm.arg(a, 0));
        for s in b {
            vm.push(vm.st(s));
        }
        let r = compile_impl(vm, mark);
        vm.truncate(mark);
        return r;
    }
    compile_impl(vm, a.base)
}

/// `stack[base]` = Pattern class, then the six arguments.
fn compile_impl<H: Heap>(vm: &mut Vm<H>, base: usize) -> PyResult {
    let pattern = vm.st(base + 1);
    let isbytes = match view(pattern) {
        Some(v) if v.kind == SKind::Str => 0,
        Some(_) => 1,
        None => -1,
    };
    let flags = opt_int(vm, base + 2, 0)?;
    // The code list → native-endian u32 words.
    let code = vm.st(base + 3);
    let n = match code.is_obj().then(|| object::kind(code.as_obj())) {
        Some(Kind::List) | Some(Kind::Tuple) => vm.seq_len(code),
        _ => return Err(vm.type_error("compile() argument 'code' must be list")),
    };
    let mut words: Vec<u8> = Vec::with_capacity(n * 4);
    for i in 0..n {
        let item = vm.seq_get(vm.st(base + 3), i);
        let w = match vm.index_value(item)? {
            Some(w) if (0..=u32::MAX as i64).contains(&w) => w as u32,
            _ => return Err(vm.overflow_error("regular expression code size limit exceeded")),
        };
        words.extend_from_slice(&w.to_ne_bytes());
    }
    let groups = opt_int(vm, base + 4, 0)?;
    let cls = vm.st(base);
    let p = vm.new_instance(cls)?;
    let ps = vm.push(p);
    let cv = vm.new_bytes_kind(Kind::RawBytes, &words)?;
    let cs = vm.push(cv);
    let gi = vm.st(base + 5);
    let gi = if gi.is_obj() && object::kind(gi.as_obj()) == Kind::Dict {
        gi
    } else {
        vm.new_dict()?
    };
    vm.push(gi);
    let ig = vm.st(base + 6);
    let ig = if ig.is_obj() && object::kind(ig.as_obj()) == Kind::Tuple {
        ig
    } else {
        vm.new_tuple(&[])?
    };
    vm.push(ig);
    set_attr(vm, vm.st(ps), n::PATTERN, vm.st(base + 1))?;
    let f = vm.int_from_i64(flags)?;
    set_attr(vm, vm.st(ps), n::FLAGS, f)?;
    set_attr(vm, vm.st(ps), n::GROUPS, Value::int(groups))?;
    set_attr(vm, vm.st(ps), n::GROUPINDEX, vm.st(cs + 1))?;
    set_attr(vm, vm.st(ps), n::INDEXGROUP, vm.st(cs + 2))?;
    set_attr(vm, vm.st(ps), n::ISBYTES, Value::int(isbytes))?;
    set_attr(vm, vm.st(ps), n::CODE, vm.st(cs))?;
    let r = vm.st(ps);
    vm.truncate(ps);
    Ok(r)
}

// ------------------------------------------------------- match objects

/// Makes a Match from record `rec` (see `record`). `pat_slot` and
/// `subj_slot` are the stack slots of the pattern and the subject.
fn new_match<H: Heap>(
    vm: &mut Vm<H>,
    pat_slot: usize,
    subj_slot: usize,
    pos: usize,
    endpos: usize,
    rec: &[isize],
) -> PyResult {
    let groups = (rec.len() - 3) / 2;
    let mut d: Vec<u8> = Vec::with_capacity(8 * (4 + 2 * (groups + 1)));
    for w in [
        pos as i64,
        endpos as i64,
        rec[2] as i64,
        groups as i64 + 1,
        rec[0] as i64,
        rec[1] as i64,
    ] {
        d.extend_from_slice(&w.to_ne_bytes());
    }
    for &w in &rec[3..] {
        d.extend_from_slice(&(w as i64).to_ne_bytes());
    }
    let dv = vm.new_bytes_kind(Kind::RawBytes, &d)?;
    let ds = vm.push(dv);
    let pcls = vm.type_of(vm.st(pat_slot));
    let sym = sym(vm, n::MATCH_CLS);
    let cls = vm
        .class_lookup(pcls, sym)
        .expect("_sre: Pattern class without _Match");
    let m = vm.new_instance(cls)?;
    let ms = vm.push(m);
    set_attr(vm, vm.st(ms), n::STRING, vm.st(subj_slot))?;
    set_attr(vm, vm.st(ms), n::RE, vm.st(pat_slot))?;
    set_attr(vm, vm.st(ms), n::DATA, vm.st(ds))?;
    let r = vm.st(ms);
    vm.truncate(ds);
    Ok(r)
}

/// Word `i` of a match's data.
fn mword(d: Value, i: usize) -> i64 {
    let b = object::bytes_of(d.as_obj());
    i64::from_ne_bytes(b[8 * i..8 * i + 8].try_into().expect("8 bytes"))
}

/// Match data of the match in `m`.
fn mdata<H: Heap>(vm: &mut Vm<H>, m: Value) -> Value {
    attr(vm, m, n::DATA)
}

/// Span of group `g` (None if unmatched).
fn mspan<H: Heap>(vm: &mut Vm<H>, m: Value, g: usize) -> Option<(usize, usize)> {
    let d = mdata(vm, m);
    let s = mword(d, 4 + 2 * g);
    let e = mword(d, 5 + 2 * g);
    (s >= 0).then_some((s as usize, e as usize))
}

/// Resolves a group index (int or name) of match `m`.
fn group_index<H: Heap>(vm: &mut Vm<H>, m: Value, g: Value) -> PyResult<usize> {
    let d = mdata(vm, m);
    let n = mword(d, 3);
    let i = if g.is_int() || g.is_bool() || (g.is_obj() && object::kind(g.as_obj()) == Kind::BigInt)
    {
        vm.index_value(g)?.unwrap_or(-1)
    } else {
        let pat = attr(vm, m, n::RE);
        let gi = attr(vm, pat, n::GROUPINDEX);
        let mark = vm.push(m);
        let r = if gi.is_obj() && object::kind(gi.as_obj()) == Kind::Dict {
            match vm.dict_get_item(gi, g) {
                Ok(Some(v)) => v.to_int().unwrap_or(-1),
                Ok(None) => -1,
                Err(_) => {
                    vm.rt.exc = Value::NULL;
                    -1
                }
            }
        } else {
            -1
        };
        vm.truncate(mark);
        r
    };
    if i < 0 || i >= n {
        return Err(vm.raise_msg(T_INDEX_ERROR, "no such group"));
    }
    Ok(i as usize)
}

/// The value of group `g` of the match in `mslot` (`default` if unmatched).
fn group_value<H: Heap>(vm: &mut Vm<H>, mslot: usize, g: usize, default: Value) -> PyResult {
    let m = vm.st(mslot);
    match mspan(vm, m, g) {
        None => Ok(default),
        Some((s, e)) => {
            let subj = attr(vm, m, n::STRING);
            let ss = vm.push(subj);
            let r = slice_subject(vm, ss, s, e, None);
            vm.truncate(ss);
            r
        }
    }
}

fn match_self<H: Heap>(vm: &mut Vm<H>, a: Args, what: &str) -> PyResult<Value> {
    self_arg(vm, a, "Match", what)
}

fn match_group<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    match_self(vm, a, "group")?;
    if vm.nkw(a) > 0 {
        return Err(vm.type_error("group() takes no keyword arguments"));
    }
    let ms = a.base;
    match a.n {
        1 => group_value(vm, ms, 0, Value::NONE),
        2 => {
            let g = group_index(vm, vm.st(ms), vm.arg(a, 1))?;
            group_value(vm, ms, g, Value::NONE)
        }
        n => {
            let mark = vm.rt.sp;
            for i in 1..n {
                let g = group_index(vm, vm.st(ms), vm.arg(a, i))?;
                let v = group_value(vm, ms, g, Value::NONE)?;
                vm.push(v);
            }
            let t = vm.tuple_from_stack(mark, n - 1);
            vm.truncate(mark);
            t
        }
    }
}

fn match_getitem<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    match_self(vm, a, "__getitem__")?;
    vm.check_args(a, "__getitem__", 2, 2)?;
    let g = group_index(vm, vm.st(a.base), vm.arg(a, 1))?;
    group_value(vm, a.base, g, Value::NONE)
}

fn match_groups<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let m = match_self(vm, a, "groups")?;
    let b = bind(vm, a, "groups", &["default"], 0)?;
    let def = if b[0] == usize::MAX {
        Value::NONE
    } else {
        vm.st(b[0])
    };
    let ds = vm.push(def);
    let n = mword(mdata(vm, m), 3) as usize;
    let mark = vm.rt.sp;
    for g in 1..n {
        let v = group_value(vm, a.base, g, vm.st(ds))?;
        vm.push(v);
    }
    let t = vm.tuple_from_stack(mark, n - 1);
    vm.truncate(ds);
    t
}

fn match_groupdict<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let m = match_self(vm, a, "groupdict")?;
    let b = bind(vm, a, "groupdict", &["default"], 0)?;
    let def = if b[0] == usize::MAX {
        Value::NONE
    } else {
        vm.st(b[0])
    };
    let ds = vm.push(def);
    let pat = attr(vm, m, n::RE);
    let gi = attr(vm, pat, n::GROUPINDEX);
    let gs = vm.push(gi);
    let r = vm.new_dict()?;
    let rs = vm.push(r);
    let used = Vm::<H>::dict_used(vm.st(gs));
    for i in 0..used {
        let (k, v) = Vm::<H>::dict_entry(vm.st(gs), i);
        if k.is_null() || k == Value::DUMMY {
            continue;
        }
        let ks = vm.push(k);
        let g = v.to_int().unwrap_or(-1);
        let n = mword(mdata(vm, vm.st(a.base)), 3);
        let val = if g >= 0 && g < n {
            group_value(vm, a.base, g as usize, vm.st(ds))?
        } else {
            vm.st(ds)
        };
        vm.dict_set_item(vm.st(rs), vm.st(ks), val)?;
        vm.truncate(ks);
    }
    let r = vm.st(rs);
    vm.truncate(ds);
    Ok(r)
}

/// start (which 0), end (1), span (2).
fn match_pos<H: Heap>(vm: &mut Vm<H>, a: Args, name: &str, which: u8) -> PyResult {
    let m = match_self(vm, a, name)?;
    let b = bind(vm, a, name, &["group"], 0)?;
    let g = if b[0] == usize::MAX {
        0
    } else {
        group_index(vm, m, vm.st(b[0]))?
    };
    let (s, e) = match mspan(vm, m, g) {
        Some((s, e)) => (s as i64, e as i64),
        None => (-1, -1),
    };
    Ok(match which {
        0 => Value::int(s),
        1 => Value::int(e),
        _ => vm.new_tuple(&[Value::int(s), Value::int(e)])?,
    })
}

fn match_word_prop<H: Heap>(vm: &mut Vm<H>, a: Args, i: usize) -> PyResult {
    let m = match_self(vm, a, "property")?;
    let w = mword(mdata(vm, m), i);
    if i == 2 && w < 0 {
        return Ok(Value::NONE);
    }
    vm.int_from_i64(w)
}

fn match_lastgroup<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let m = match_self(vm, a, "lastgroup")?;
    let li = mword(mdata(vm, m), 2);
    if li < 0 {
        return Ok(Value::NONE);
    }
    let pat = attr(vm, m, n::RE);
    let ig = attr(vm, pat, n::INDEXGROUP);
    if ig.is_obj() && object::kind(ig.as_obj()) == Kind::Tuple {
        let t = ig.as_obj();
        if (li as usize) < object::array_len(t) {
            let v = object::array_get(t, li as usize);
            if !v.is_null() {
                return Ok(v);
            }
        }
    }
    Ok(Value::NONE)
}

fn match_regs<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let m = match_self(vm, a, "regs")?;
    let n = mword(mdata(vm, m), 3) as usize;
    let mark = vm.rt.sp;
    for g in 0..n {
        let d = mdata(vm, vm.st(a.base));
        let (s, e) = (mword(d, 4 + 2 * g), mword(d, 5 + 2 * g));
        let t = vm.new_tuple(&[Value::int(s), Value::int(e)])?;
        vm.push(t);
    }
    let t = vm.tuple_from_stack(mark, n);
    vm.truncate(mark);
    t
}

fn match_expand<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    match_self(vm, a, "expand")?;
    let b = bind(vm, a, "expand", &["template"], 1)?;
    let re = vm.import_module("re")?;
    let sym = sym(vm, n::EXPAND);
    let f = vm.getattr(re, sym)?;
    let pat = attr(vm, vm.st(a.base), n::RE);
    let (m, t) = (vm.st(a.base), vm.st(b[0]));
    vm.call_values(f, &[pat, m, t])
}

/// `repr(v)` cut to `n` characters (CPython's `%.<n>R`).
fn repr_cut<H: Heap>(vm: &mut Vm<H>, v: Value, n: usize) -> PyResult<String> {
    let r = vm.repr_string(v)?;
    Ok(match r.char_indices().nth(n) {
        Some((i, _)) => r[..i].to_string(),
        None => r,
    })
}

fn match_repr<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let m = match_self(vm, a, "__repr__")?;
    let (s, e) = mspan(vm, m, 0).unwrap_or((0, 0));
    let g = group_value(vm, a.base, 0, Value::NONE)?;
    let r = repr_cut(vm, g, 50)?;
    let text = format!("<re.Match object; span=({s}, {e}), match={r}>");
    vm.new_str(&text)
}

// ----------------------------------------------------- pattern methods

fn pattern_self<H: Heap>(vm: &mut Vm<H>, a: Args, what: &str) -> PyResult<Value> {
    self_arg(vm, a, "Pattern", what)
}

/// Binds (string, pos, endpos) and checks the subject: returns its slot
/// and the clamped (pos, endpos).
fn subject_args<H: Heap>(vm: &mut Vm<H>, a: Args, name: &str) -> PyResult<(usize, usize, usize)> {
    let pat = pattern_self(vm, a, name)?;
    let b = bind(vm, a, name, &["string", "pos", "endpos"], 1)?;
    check_subject(vm, pat, b[0])?;
    let pos = opt_int(vm, b[1], 0)?;
    let end = opt_int(vm, b[2], i64::MAX)?;
    let len = view(vm.st(b[0])).expect("subject").len;
    let (p, e) = clamp(pos, end, len);
    Ok((b[0], p, e))
}

fn pattern_match<H: Heap>(vm: &mut Vm<H>, a: Args, name: &str, mode: Mode) -> PyResult {
    let (ss, pos, end) = subject_args(vm, a, name)?;
    if pos > end {
        return Ok(Value::NONE);
    }
    let mut out = Vec::new();
    let (n, _, _) = run_on(
        vm,
        vm.st(a.base),
        vm.st(ss),
        pos,
        end,
        mode,
        false,
        1,
        &mut out,
    );
    if n == 0 {
        return Ok(Value::NONE);
    }
    new_match(vm, a.base, ss, pos, end, &out)
}

fn pattern_findall<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let (ss, pos, end) = subject_args(vm, a, "findall")?;
    let list = vm.new_list(0)?;
    let ls = vm.push(list);
    if pos > end {
        vm.truncate(ls);
        return Ok(list);
    }
    let mut out = Vec::new();
    let (n, _, _) = run_on(
        vm,
        vm.st(a.base),
        vm.st(ss),
        pos,
        end,
        Mode::Search,
        false,
        0,
        &mut out,
    );
    let groups = int_attr(vm, vm.st(a.base), n::GROUPS) as usize;
    let offs = offsets(&view(vm.st(ss)).expect("subject"));
    let offs = offs.as_deref();
    let rl = rec_len(groups);
    let kind = view(vm.st(ss)).expect("subject").kind;
    for i in 0..n {
        let rec = &out[i * rl..(i + 1) * rl];
        let item = if groups == 0 {
            slice_subject(vm, ss, rec[0] as usize, rec[1] as usize, offs)?
        } else {
            let mark = vm.rt.sp;
            for g in 0..groups {
                let (s, e) = (rec[3 + 2 * g], rec[4 + 2 * g]);
                let v = if s < 0 {
                    empty_like(vm, kind)?
                } else {
                    slice_subject(vm, ss, s as usize, e as usize, offs)?
                };
                vm.push(v);
            }
            let v = if groups == 1 {
                vm.st(mark)
            } else {
                vm.tuple_from_stack(mark, groups)?
            };
            vm.truncate(mark);
            v
        };
        vm.list_append(vm.st(ls), item)?;
    }
    let r = vm.st(ls);
    vm.truncate(ls);
    Ok(r)
}

fn new_scanner<H: Heap>(vm: &mut Vm<H>, a: Args, name: &str) -> PyResult {
    let (ss, pos, end) = subject_args(vm, a, name)?;
    let pcls = vm.type_of(vm.st(a.base));
    let sym = sym(vm, n::SCANNER_CLS);
    let cls = vm
        .class_lookup(pcls, sym)
        .expect("_sre: Pattern class without _Scanner");
    let sc = vm.new_instance(cls)?;
    let scs = vm.push(sc);
    set_attr(vm, vm.st(scs), n::PATTERN, vm.st(a.base))?;
    set_attr(vm, vm.st(scs), n::SUBJ, vm.st(ss))?;
    set_attr(vm, vm.st(scs), n::POS0, Value::int(pos as i64))?;
    set_attr(vm, vm.st(scs), n::END, Value::int(end as i64))?;
    let cur = if pos > end { -1 } else { pos as i64 };
    set_attr(vm, vm.st(scs), n::CUR, Value::int(cur))?;
    set_attr(vm, vm.st(scs), n::ADV, Value::FALSE)?;
    let r = vm.st(scs);
    vm.truncate(scs);
    Ok(r)
}

fn pattern_scanner<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    new_scanner(vm, a, "scanner")
}

fn pattern_finditer<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    new_scanner(vm, a, "finditer")
}

/// Scanner.match / Scanner.search / iteration (`stop`: raise
/// StopIteration instead of returning None).
fn scanner_next<H: Heap>(vm: &mut Vm<H>, a: Args, mode: Mode, stop: bool) -> PyResult {
    let sc = self_arg(vm, a, "SRE_Scanner", "scanner")?;
    if !stop {
        vm.check_args(a, "match", 1, 1)?;
    }
    let cur = int_attr(vm, sc, n::CUR);
    let none = |vm: &mut Vm<H>| {
        if stop {
            Err(vm.raise_msg(T_STOP_ITERATION, ""))
        } else {
            Ok(Value::NONE)
        }
    };
    if cur < 0 {
        return none(vm);
    }
    let end = int_attr(vm, sc, n::END) as usize;
    let adv = attr(vm, sc, n::ADV) == Value::TRUE;
    let pat = attr(vm, sc, n::PATTERN);
    let ps = vm.push(pat);
    let subj = attr(vm, sc, n::SUBJ);
    let ss = vm.push(subj);
    let code = attr(vm, pat, n::CODE);
    let valid = code.is_obj() && object::kind(code.as_obj()) == Kind::RawBytes;
    match view(subj) {
        Some(v) if valid && cur as usize <= v.len && end <= v.len => {}
        _ => {
            vm.truncate(ps);
            return Err(vm.type_error("scanner state was changed"));
        }
    }
    let mut out = Vec::new();
    let (n, next, adv2) = run_on(
        vm,
        vm.st(ps),
        vm.st(ss),
        cur as usize,
        end,
        mode,
        adv,
        1,
        &mut out,
    );
    if n == 0 {
        set_attr(vm, vm.st(a.base), n::CUR, Value::int(-1))?;
        vm.truncate(ps);
        return none(vm);
    }
    set_attr(vm, vm.st(a.base), n::CUR, Value::int(next as i64))?;
    set_attr(vm, vm.st(a.base), n::ADV, Value::bool(adv2))?;
    let p0 = int_attr(vm, vm.st(a.base), n::POS0) as usize;
    let r = new_match(vm, ps, ss, p0, end, &out);
    vm.truncate(ps);
    r
}

fn pattern_split<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let pat = pattern_self(vm, a, "split")?;
    let b = bind(vm, a, "split", &["string", "maxsplit"], 1)?;
    let ss = b[0];
    check_subject(vm, pat, ss)?;
    let maxsplit = opt_int(vm, b[1], 0)?;
    let list = vm.new_list(0)?;
    let ls = vm.push(list);
    let v = view(vm.st(ss)).expect("subject");
    let len = v.len;
    let offs = offsets(&v);
    let offs = offs.as_deref();
    let mut out = Vec::new();
    let (n, _, _) = if maxsplit < 0 {
        (0, 0, false)
    } else {
        run_on(
            vm,
            vm.st(a.base),
            vm.st(ss),
            0,
            len,
            Mode::Search,
            false,
            maxsplit as usize,
            &mut out,
        )
    };
    let groups = int_attr(vm, vm.st(a.base), n::GROUPS) as usize;
    let rl = rec_len(groups);
    let mut last = 0usize;
    for i in 0..n {
        let rec = &out[i * rl..(i + 1) * rl];
        let item = slice_subject(vm, ss, last, rec[0] as usize, offs)?;
        vm.list_append(vm.st(ls), item)?;
        for g in 0..groups {
            let (s, e) = (rec[3 + 2 * g], rec[4 + 2 * g]);
            let item = if s < 0 {
                Value::NONE
            } else {
                slice_subject(vm, ss, s as usize, e as usize, offs)?
            };
            vm.list_append(vm.st(ls), item)?;
        }
        last = rec[1] as usize;
    }
    let item = slice_subject(vm, ss, last, len, offs)?;
    vm.list_append(vm.st(ls), item)?;
    let r = vm.st(ls);
    vm.truncate(ls);
    Ok(r)
}

/// Appends `subject[start:end]` (characters) to `buf`.
fn push_piece(v: &View, offs: Option<&[usize]>, start: usize, end: usize, buf: &mut Vec<u8>) {
    if end <= start {
        return;
    }
    let (b0, b1) = byte_range(v, offs, start, end);
    buf.extend_from_slice(&v.data[b0..b1]);
}

fn pattern_subx<H: Heap>(vm: &mut Vm<H>, a: Args, name: &str, subn: bool) -> PyResult {
    let pat = pattern_self(vm, a, name)?;
    let b = bind(vm, a, name, &["repl", "string", "count"], 2)?;
    let (rs, ss) = (b[0], b[1]);
    let kind = check_subject(vm, pat, ss)?;
    let count = opt_int(vm, b[2], 0)?;
    let mark = vm.rt.sp;
    // The filter: literal bytes, or a callable in `fs`.
    let repl = vm.st(rs);
    let mut literal: Option<Vec<u8>> = None;
    // `fs` holds a fixed (wrongly typed) replacement rather than a callable.
    let mut fixed = false;
    let fs = vm.push(Value::NONE);
    if vm.is_callable(repl) {
        vm.set_st(fs, repl);
    } else {
        let simple = match view(repl) {
            Some(v) => !v.data.contains(&b'\\'),
            None => false,
        };
        let f = if simple {
            repl
        } else {
            let re = vm.import_module("re")?;
            let sym = sym(vm, n::SUBX);
            let f = vm.getattr(re, sym)?;
            vm.call_values(f, &[vm.st(a.base), vm.st(rs)])?
        };
        match view(f) {
            Some(v) => {
                if (v.kind == SKind::Str) != (kind == SKind::Str) {
                    // The wrong type: fails (like CPython's join) at the
                    // first match, through the filter-result check below.
                    vm.set_st(fs, f);
                    fixed = true;
                } else {
                    literal = Some(v.data.to_vec());
                }
            }
            None => vm.set_st(fs, f),
        }
    }
    let len = view(vm.st(ss)).expect("subject").len;
    let mut out = Vec::new();
    let (n, _, _) = if count < 0 {
        (0, 0, false)
    } else {
        run_on(
            vm,
            vm.st(a.base),
            vm.st(ss),
            0,
            len,
            Mode::Search,
            false,
            count as usize,
            &mut out,
        )
    };
    let groups = int_attr(vm, vm.st(a.base), n::GROUPS) as usize;
    let rl = rec_len(groups);
    let offs = offsets(&view(vm.st(ss)).expect("subject"));
    let offs = offs.as_deref();
    let mut buf: Vec<u8> = Vec::new();
    let mut last = 0usize;
    // Items CPython would have joined so far (for its error message).
    let mut items = 0usize;
    for i in 0..n {
        let rec = &out[i * rl..(i + 1) * rl];
        let (s, e) = (rec[0] as usize, rec[1] as usize);
        items += (s > last) as usize;
        push_piece(&view(vm.st(ss)).expect("subject"), offs, last, s, &mut buf);
        match &literal {
            Some(l) => buf.extend_from_slice(l),
            None => {
                let r = if fixed {
                    vm.st(fs)
                } else {
                    let m = new_match(vm, a.base, ss, 0, len, rec)?;
                    let f = vm.st(fs);
                    vm.call_values(f, &[m])?
                };
                if !r.is_none() {
                    match view(r) {
                        Some(v) if (v.kind == SKind::Str) == (kind == SKind::Str) => {
                            // Copied before anything allocates.
                            buf.extend_from_slice(v.data);
                            items += 1;
                        }
                        _ => {
                            let msg = if kind == SKind::Str {
                                format!(
                                    "sequence item {items}: expected str instance, {} found",
                                    vm.type_name(r)
                                )
                            } else {
                                format!(
                                    "sequence item {items}: expected a bytes-like object, \
                                     {} found",
                                    vm.type_name(r)
                                )
                            };
                            vm.truncate(mark);
                            return Err(vm.type_error(&msg));
                        }
                    }
                }
            }
        }
        last = e;
    }
    let result = if n == 0 && matches!(object::kind(vm.st(ss).as_obj()), Kind::Str | Kind::Bytes) {
        vm.st(ss)
    } else {
        push_piece(
            &view(vm.st(ss)).expect("subject"),
            offs,
            last,
            len,
            &mut buf,
        );
        match kind {
            SKind::Str => {
                let chars = buf.iter().filter(|&&c| (c & 0xC0) != 0x80).count();
                let o = vm.alloc_str_uninit(buf.len(), chars)?;
                object::bytes_of_mut(o).copy_from_slice(&buf);
                Value::obj(o)
            }
            SKind::Bytes | SKind::ByteArray => vm.new_bytes_kind(Kind::Bytes, &buf)?,
        }
    };
    let r = if subn {
        let rs2 = vm.push(result);
        let cnt = vm.int_from_i64(n as i64)?;
        vm.new_tuple(&[vm.st(rs2), cnt])?
    } else {
        result
    };
    vm.truncate(mark);
    Ok(r)
}

/// `Pattern.groupindex`: a copy, so that the pattern's own table cannot be
/// changed through it.
fn pattern_groupindex<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    pattern_self(vm, a, "groupindex")?;
    let d = vm.new_dict()?;
    let ds = vm.push(d);
    let gi = attr(vm, vm.st(a.base), n::GROUPINDEX);
    vm.dict_update(vm.st(ds), gi)?;
    let r = vm.st(ds);
    vm.truncate(ds);
    Ok(r)
}

fn pattern_repr<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let p = pattern_self(vm, a, "__repr__")?;
    let mut flags = int_attr(vm, p, n::FLAGS);
    let isbytes = int_attr(vm, p, n::ISBYTES);
    if isbytes == 0 && flags & (FLAG_LOCALE | FLAG_UNICODE | FLAG_ASCII) == FLAG_UNICODE {
        flags &= !FLAG_UNICODE;
    }
    flags &= !FLAG_TEMPLATE;
    let mut names = Vec::new();
    for (n, v) in [
        ("re.TEMPLATE", 1),
        ("re.IGNORECASE", 2),
        ("re.LOCALE", 4),
        ("re.MULTILINE", 8),
        ("re.DOTALL", 16),
        ("re.UNICODE", 32),
        ("re.VERBOSE", 64),
        ("re.DEBUG", 128),
        ("re.ASCII", 256),
    ] {
        if flags & v != 0 {
            names.push(n.to_string());
            flags &= !v;
        }
    }
    if flags != 0 {
        names.push(format!("{flags:#x}"));
    }
    let pv = attr(vm, p, n::PATTERN);
    let r = repr_cut(vm, pv, 200)?;
    let text = if names.is_empty() {
        format!("re.compile({r})")
    } else {
        format!("re.compile({r}, {})", names.join("|"))
    };
    vm.new_str(&text)
}

fn pattern_equal<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult<Option<bool>> {
    pattern_self(vm, a, "__eq__")?;
    vm.check_args(a, "__eq__", 2, 2)?;
    let (p, q) = (vm.arg(a, 0), vm.arg(a, 1));
    if p == q {
        return Ok(Some(true));
    }
    if !(q.is_obj() && object::kind(q.as_obj()) == Kind::Instance)
        || vm.type_of(p) != vm.type_of(q)
        || attr(vm, q, n::CODE).is_null()
    {
        return Ok(None);
    }
    if int_attr(vm, p, n::FLAGS) != int_attr(vm, q, n::FLAGS)
        || int_attr(vm, p, n::ISBYTES) != int_attr(vm, q, n::ISBYTES)
    {
        return Ok(Some(false));
    }
    let (cp, cq) = (attr(vm, p, n::CODE), attr(vm, q, n::CODE));
    if object::bytes_of(cp.as_obj()) != object::bytes_of(cq.as_obj()) {
        return Ok(Some(false));
    }
    let (pp, pq) = (attr(vm, p, n::PATTERN), attr(vm, q, n::PATTERN));
    vm.eq(pp, pq).map(Some)
}

fn pattern_eq<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    Ok(match pattern_equal(vm, a)? {
        Some(b) => Value::bool(b),
        None => Value::NOT_IMPLEMENTED,
    })
}

fn pattern_ne<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    Ok(match pattern_equal(vm, a)? {
        Some(b) => Value::bool(!b),
        None => Value::NOT_IMPLEMENTED,
    })
}

fn pattern_hash<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let p = pattern_self(vm, a, "__hash__")?;
    let pv = attr(vm, p, n::PATTERN);
    let h = vm.hash(pv)?;
    let p = vm.st(a.base);
    let c = attr(vm, p, n::CODE);
    let hc = crate::ops::hash_bytes(object::bytes_of(c.as_obj()));
    let f = int_attr(vm, p, n::FLAGS);
    let mut r = h ^ hc.wrapping_mul(1000003) ^ f;
    r = crate::ops::table_hash(r);
    if r == -1 {
        r = -2;
    }
    vm.int_from_i64(r)
}
