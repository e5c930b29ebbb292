//! `_csv`: CPython's C accelerator of the `csv` module, native: the
//! `Dialect` type (validated formatting parameters), the `reader` and
//! `writer` classes with their factory functions, the dialect registry
//! (`register_dialect`, `get_dialect`, ...), `field_size_limit`, `Error`
//! and the `QUOTE_*` constants. The pure-Python `csv` module builds on it.
//!
//! Layout: a dialect instance keeps its eight parameters, already
//! validated, in a hidden array attribute; reader and writer instances keep
//! theirs (input iterator or `write` method, dialect, line count) the same
//! way. The module's own state (the field size limit and the two classes
//! the factories instantiate) is a list bound as `self` to the module
//! functions that need it. The registry is the module's `_dialects` dict,
//! as in CPython.
//!
//! The reader is CPython's character-at-a-time state machine; one record
//! is parsed within one `__next__` call (it may span several input lines).

use crate::builtins::*;
use crate::object::{self, Kind, field};
use crate::stdlib::binascii::raise_module_error;
use crate::value::Value;
use crate::vm::{Args, Exc, NativeFn, PyResult, Vm};
use gc_api::{Heap, ObjectRef};

/// The module names this file provides.
pub const MODULES: &[&str] = &["_csv"];

/// Frozen Python source this file adds (name, source): none.
pub const FROZEN: &[(&str, &str)] = &[];

const DOC: &str = "CSV parsing and writing.\n\n\
This module provides classes that assist in the reading and writing\n\
of Comma Separated Value (CSV) files, and implements the interface\n\
described by PEP 305.  Although many CSV files are simple to parse,\n\
the format is not formally defined by a stable specification and\n\
is subtle enough that parsing lines of a CSV file with something\n\
like line.split(\",\") is bound to fail.  The module supports three\n\
basic APIs: reading, writing, and registration of dialects.\n";

const QUOTE_MINIMAL: i64 = 0;
const QUOTE_ALL: i64 = 1;
const QUOTE_NONNUMERIC: i64 = 2;
const QUOTE_NONE: i64 = 3;

/// The default `field_size_limit`: 128 KiB characters.
const DEFAULT_FIELD_LIMIT: i64 = 128 * 1024;

/// Hidden instance attribute of a dialect: its parameter array.
const DIALECT_ATTR: &str = "_csv_dialect";
/// Hidden instance attribute of a reader or writer: its state array.
const STATE_ATTR: &str = "_csv_state";

/// The dialect parameters, in CPython's keyword order (also the slots of
/// a dialect's parameter array).
const PARAMS: [&str; 8] = [
    "delimiter",
    "doublequote",
    "escapechar",
    "lineterminator",
    "quotechar",
    "quoting",
    "skipinitialspace",
    "strict",
];
const P_DELIMITER: usize = 0;
const P_DOUBLEQUOTE: usize = 1;
const P_ESCAPECHAR: usize = 2;
const P_LINETERMINATOR: usize = 3;
const P_QUOTECHAR: usize = 4;
const P_QUOTING: usize = 5;
const P_SKIPINITIALSPACE: usize = 6;
const P_STRICT: usize = 7;

// Module state list slots.
const M_LIMIT: usize = 0;
const M_READER_CLS: usize = 1;
const M_WRITER_CLS: usize = 2;
const M_DIALECT_CLS: usize = 3;

// Reader state array slots.
const R_INPUT: usize = 0;
const R_DIALECT: usize = 1;
const R_LINE_NUM: usize = 2;
const R_MODULE: usize = 3;

// Writer state array slots.
const W_WRITE: usize = 0;
const W_DIALECT: usize = 1;

/// Fills in module `name`, rooted at stack slot `ms`.
pub(crate) fn init<H: Heap>(vm: &mut Vm<H>, _name: &str, ms: usize) -> PyResult<()> {
    for s in [DIALECT_ATTR, STATE_ATTR, "_dialects", "Error", "write"] {
        vm.intern(s);
    }
    for p in PARAMS {
        vm.intern(p);
    }
    let doc = vm.new_str(DOC)?;
    vm.module_set(vm.st(ms), "__doc__", doc)?;
    let version = vm.new_str("1.0")?;
    vm.module_set(vm.st(ms), "__version__", version)?;
    for (n, v) in [
        ("QUOTE_MINIMAL", QUOTE_MINIMAL),
        ("QUOTE_ALL", QUOTE_ALL),
        ("QUOTE_NONNUMERIC", QUOTE_NONNUMERIC),
        ("QUOTE_NONE", QUOTE_NONE),
    ] {
        vm.module_set(vm.st(ms), n, Value::int(v))?;
    }
    let exc = vm.class(T_EXCEPTION);
    let err = vm.make_class("Error", &[exc], Value::NULL, "_csv")?;
    vm.module_set(vm.st(ms), "Error", err)?;
    let registry = vm.new_dict()?;
    vm.module_set(vm.st(ms), "_dialects", registry)?;

    let dialect = make_dialect_class(vm, ms)?;
    let ds = vm.push(dialect);
    let reader_methods: &[(&'static str, NativeFn<H>)] = &[
        ("__new__", no_new::<H>),
        ("__iter__", reader_iter::<H>),
        ("__next__", reader_next::<H>),
    ];
    let reader = vm.new_native_class("reader", vm.class(T_OBJECT), "_csv", reader_methods)?;
    let rs = vm.push(reader);
    add_property(vm, rs, "dialect", reader_dialect::<H>)?;
    add_property(vm, rs, "line_num", reader_line_num::<H>)?;
    vm.module_set(vm.st(ms), "Reader", vm.st(rs))?;
    let writer_methods: &[(&'static str, NativeFn<H>)] = &[
        ("__new__", no_new::<H>),
        ("writerow", writer_writerow::<H>),
        ("writerows", writer_writerows::<H>),
    ];
    let writer = vm.new_native_class("writer", vm.class(T_OBJECT), "_csv", writer_methods)?;
    let wss = vm.push(writer);
    add_property(vm, wss, "dialect", writer_dialect::<H>)?;
    vm.module_set(vm.st(ms), "Writer", vm.st(wss))?;

    // The module state the factories and `field_size_limit` are bound to.
    let limit = Value::int(DEFAULT_FIELD_LIMIT);
    let (r, w, d) = (vm.st(rs), vm.st(wss), vm.st(ds));
    let state = vm.new_tuple(&[limit, r, w, d])?;
    let tmp = vm.push(state);
    let state = vm.call_values(vm.class(T_LIST), &[vm.st(tmp)])?;
    vm.set_st(tmp, state);
    let bound: &[(&'static str, NativeFn<H>)] = &[
        ("reader", csv_reader::<H>),
        ("writer", csv_writer::<H>),
        ("field_size_limit", field_size_limit::<H>),
        ("register_dialect", register_dialect::<H>),
    ];
    for &(n, f) in bound {
        let idx = vm.register(n, f);
        let b = vm.new_builtin(idx, vm.st(tmp))?;
        vm.module_set(vm.st(ms), n, b)?;
    }
    vm.truncate(ds);
    let plain: &[(&'static str, NativeFn<H>)] = &[
        ("unregister_dialect", unregister_dialect::<H>),
        ("get_dialect", get_dialect::<H>),
        ("list_dialects", list_dialects::<H>),
    ];
    for &(n, f) in plain {
        vm.module_fn(ms, n, f)?;
    }
    Ok(())
}

// ------------------------------------------------------------ helpers

/// Adds read-only property `name` computed by `f(self)` to the class at `cs`.
fn add_property<H: Heap>(
    vm: &mut Vm<H>,
    cs: usize,
    name: &'static str,
    f: NativeFn<H>,
) -> PyResult<()> {
    let p = vm.new_native_property(name, f)?;
    let ps = vm.push(p);
    let k = vm.sym_str(name);
    let d = object::get(vm.st(cs).as_obj(), field::CLS_DICT);
    vm.dict_set_item(d, k, vm.st(ps))?;
    vm.truncate(ps);
    Ok(())
}

/// `_csv.reader(...)`/`_csv.writer(...)` called directly: refused, as in
/// CPython (instances come from the factory functions).
fn no_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let name = if a.n > 0 && vm.is_class(vm.arg(a, 0)) {
        vm.class_name(vm.arg(a, 0))
    } else {
        "object".to_string()
    };
    let msg = format!("cannot create '_csv.{name}' instances");
    Err(vm.type_error(&msg))
}

/// The TypeError of a factory (or `register_dialect`) given `n` positional
/// arguments instead of one or two (CPython's unnamed `PyArg_UnpackTuple`).
fn unpack_count_error<H: Heap>(vm: &mut Vm<H>, n: usize) -> Exc {
    let msg = if n == 0 {
        format!(" expected at least 1 argument, got {n}")
    } else {
        format!(" expected at most 2 arguments, got {n}")
    };
    vm.type_error(&msg)
}

/// Is `v` an int too big for a machine word (a big int)?
fn is_big_int(v: Value) -> bool {
    v.is_obj() && object::kind(v.as_obj()) == Kind::BigInt
}

/// Raises `_csv.Error(msg)`.
fn csv_error<H: Heap>(vm: &mut Vm<H>, msg: &str) -> Exc {
    raise_module_error(vm, "_csv", "Error", msg)
}

/// The text of `v` if it is a str (or a str subclass instance).
fn str_value<'a, H: Heap>(v: Value) -> Option<&'a str> {
    let s = Vm::<H>::unbox(v);
    (s.is_obj() && object::kind(s.as_obj()) == Kind::Str).then(|| object::str_of(s.as_obj()))
}

/// The hidden array attribute `attr` of instance `v`, if it has one.
fn hidden_array<H: Heap>(vm: &mut Vm<H>, v: Value, attr: &str) -> Option<ObjectRef> {
    vm.native_state_of_kind(v, attr, Kind::Array)
        .map(|s| s.as_obj())
}

/// The state array of the reader or writer at slot `s` (`what` names the
/// class in the error).
fn state_of<H: Heap>(vm: &mut Vm<H>, s: usize, what: &str) -> PyResult<ObjectRef> {
    let v = vm.st(s);
    if let Some(st) = hidden_array(vm, v, STATE_ATTR) {
        return Ok(st);
    }
    let msg = format!(
        "descriptor for '_csv.{what}' objects doesn't apply to a '{}' object",
        vm.type_name(v)
    );
    Err(vm.type_error(&msg))
}

/// A new instance of `cls` whose state array holds `items`.
fn new_stateful<H: Heap>(vm: &mut Vm<H>, cls: Value, items: &[Value]) -> PyResult {
    let mark = vm.rt.sp;
    for &v in items {
        vm.push(v);
    }
    let inst = vm.new_instance(cls)?;
    let is = vm.push(inst);
    let st = vm.alloc_array(Kind::Array, items.len())?;
    for i in 0..items.len() {
        object::init(st, 1 + i, vm.st(mark + i));
    }
    let sym = vm.intern(STATE_ATTR);
    vm.inst_set(vm.st(is), sym, Value::obj(st))?;
    let inst = vm.st(is);
    vm.truncate(mark);
    Ok(inst)
}

/// `_csv._dialects`, found through `sys.modules`.
fn registry<H: Heap>(vm: &mut Vm<H>) -> PyResult {
    let k = vm.new_str("_csv")?;
    let mods = vm.rt.globals_roots[ROOT_MODULES];
    if let Some(m) = vm.dict_get_item(mods, k)?
        && m.is_obj()
        && object::kind(m.as_obj()) == Kind::Module
    {
        let ms = vm.push(m);
        let key = vm.sym_str("_dialects");
        let d = object::get(vm.st(ms).as_obj(), field::MOD_DICT);
        let r = vm.dict_get_item(d, key)?;
        vm.truncate(ms);
        if let Some(r) = r
            && r.is_obj()
            && object::kind(r.as_obj()) == Kind::Dict
        {
            return Ok(r);
        }
    }
    Err(csv_error(vm, "dialect registry is gone"))
}

/// The registered dialect `name`, or `Error("unknown dialect")`.
fn lookup_dialect<H: Heap>(vm: &mut Vm<H>, name: Value) -> PyResult {
    let ns = vm.push(name);
    let reg = registry(vm)?;
    let found = vm.dict_get_item(reg, vm.st(ns))?;
    vm.truncate(ns);
    found.ok_or_else(|| csv_error(vm, "unknown dialect"))
}

// ------------------------------------------------------------ Dialect

/// A dialect's parameters as the reader and writer use them.
struct Format {
    delimiter: char,
    doublequote: bool,
    escapechar: Option<char>,
    lineterminator: String,
    quotechar: Option<char>,
    quoting: i64,
    skipinitialspace: bool,
    strict: bool,
}

/// Makes the `Dialect` class in the module rooted at `ms`.
fn make_dialect_class<H: Heap>(vm: &mut Vm<H>, ms: usize) -> PyResult {
    let methods: &[(&'static str, NativeFn<H>)] = &[
        ("__new__", dialect_new::<H>),
        ("__init__", dialect_init::<H>),
        ("__reduce_ex__", dialect_reduce_ex::<H>),
    ];
    let cls = vm.new_native_class("Dialect", vm.class(T_OBJECT), "_csv", methods)?;
    let cs = vm.push(cls);
    let get = vm.register("dialect parameter", dialect_get::<H>);
    let set = vm.register("dialect parameter", dialect_set::<H>);
    for (i, name) in PARAMS.into_iter().enumerate() {
        // A property whose getter and setter are bound to the slot index.
        let g = vm.new_builtin(get, Value::int(i as i64))?;
        let gs = vm.push(g);
        let st = vm.new_builtin(set, Value::int(i as i64))?;
        vm.push(st);
        let p = vm.alloc_fixed(Kind::Property)?;
        object::init(p, field::PROP_GET, vm.st(gs));
        object::init(p, field::PROP_SET, vm.st(gs + 1));
        object::init(p, field::PROP_DEL, Value::NONE);
        object::init(p, field::PROP_DOC, Value::NONE);
        vm.set_st(gs, Value::obj(p));
        let k = vm.sym_str(name);
        let d = object::get(vm.st(cs).as_obj(), field::CLS_DICT);
        vm.dict_set_item(d, k, vm.st(gs))?;
        vm.truncate(gs);
    }
    let doc = vm.new_str(
        "CSV dialect\n\n\
         The Dialect type records CSV parsing and generation options.\n",
    )?;
    let ds = vm.push(doc);
    let k = vm.sym_str("__doc__");
    let d = object::get(vm.st(cs).as_obj(), field::CLS_DICT);
    vm.dict_set_item(d, k, vm.st(ds))?;
    vm.module_set(vm.st(ms), "Dialect", vm.st(cs))?;
    let cls = vm.st(cs);
    vm.truncate(cs);
    Ok(cls)
}

/// The parameter array of dialect `v`, if it is one.
fn dialect_params<H: Heap>(vm: &mut Vm<H>, v: Value) -> Option<ObjectRef> {
    hidden_array(vm, v, DIALECT_ATTR)
}

/// Getter of a dialect parameter: `(slot index, dialect)`.
fn dialect_get<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "dialect parameter", 2, 2)?;
    let i = vm.arg(a, 0).as_int() as usize;
    match dialect_params(vm, vm.arg(a, 1)) {
        Some(p) => Ok(object::array_get(p, i)),
        None => Err(vm.descriptor_error(PARAMS[i], "_csv.Dialect", vm.arg(a, 1))),
    }
}

/// Setter of a dialect parameter: `(slot index, dialect, value)`; they are
/// read-only.
fn dialect_set<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let name = PARAMS[vm.arg(a, 0).as_int() as usize];
    let msg = format!("attribute '{name}' of '_csv.Dialect' objects is not writable");
    Err(vm.raise_msg(T_ATTRIBUTE_ERROR, &msg))
}

/// Dialects cannot be pickled.
fn dialect_reduce_ex<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let name = if a.n > 0 {
        vm.type_name(vm.arg(a, 0))
    } else {
        "Dialect".to_string()
    };
    let msg = format!("cannot pickle '{name}' instances");
    Err(vm.type_error(&msg))
}

/// `Dialect.__init__`: everything happens in `__new__`.
fn dialect_init<H: Heap>(_vm: &mut Vm<H>, _a: Args) -> PyResult {
    Ok(Value::NONE)
}

/// `Dialect(dialect=None, delimiter=..., ..., strict=...)`.
fn dialect_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    if a.n == 0 {
        return Err(vm.type_error("Dialect.__new__(): not enough arguments"));
    }
    let cls = vm.arg(a, 0);
    let rest = Args {
        base: a.base + 1,
        n: a.n - 1,
        kw: a.kw,
    };
    build_dialect(vm, cls, rest)
}

/// A dialect of class `cls` from `Dialect`'s arguments `a`: an optional
/// base dialect (registered name, dialect instance or any object with the
/// parameter attributes) and parameter overrides.
fn build_dialect<H: Heap>(vm: &mut Vm<H>, cls: Value, a: Args) -> PyResult {
    if a.n > 1 + PARAMS.len() {
        let msg = format!(
            "function takes at most {} arguments ({} given)",
            1 + PARAMS.len(),
            a.n + vm.nkw(a)
        );
        return Err(vm.type_error(&msg));
    }
    // Slots: [cls, base, params...], each NULL when not given.
    let mark = vm.push(cls);
    let bs = vm.push(if a.n > 0 { vm.arg(a, 0) } else { Value::NULL });
    let ps = vm.rt.sp;
    for i in 0..PARAMS.len() {
        vm.push(if a.n > 1 + i {
            vm.arg(a, 1 + i)
        } else {
            Value::NULL
        });
    }
    let kw = vm.kwnames(a);
    if !kw.is_null() {
        for i in 0..object::array_len(kw.as_obj()) {
            let k = object::str_of(object::array_get(kw.as_obj(), i).as_obj());
            let v = vm.st(a.base + a.n + i);
            let slot = if k == "dialect" {
                Some(bs)
            } else {
                PARAMS.iter().position(|p| *p == k).map(|j| ps + j)
            };
            match slot {
                Some(s) if vm.st(s).is_null() => vm.set_st(s, v),
                Some(_) => {
                    let msg = format!("argument for function given by name ('{k}') and position");
                    return Err(vm.type_error(&msg));
                }
                None => {
                    let msg = format!("'{k}' is an invalid keyword argument for this function");
                    return Err(vm.type_error(&msg));
                }
            }
        }
    }
    let r = dialect_from_slots(vm, mark, bs, ps);
    vm.truncate(mark);
    r
}

/// Resolves the base dialect at `bs`, fills the unset parameters at `ps..`
/// from it, validates them and makes the dialect of the class at `cs`.
fn dialect_from_slots<H: Heap>(vm: &mut Vm<H>, cs: usize, bs: usize, ps: usize) -> PyResult {
    let base = vm.st(bs);
    if !base.is_null() {
        if str_value::<H>(base).is_some() {
            let d = lookup_dialect(vm, base)?;
            vm.set_st(bs, d);
        }
        let base = vm.st(bs);
        let overridden = (0..PARAMS.len()).any(|i| !vm.st(ps + i).is_null());
        if !overridden && dialect_params(vm, base).is_some() {
            return Ok(base);
        }
        for (i, name) in PARAMS.into_iter().enumerate() {
            if !vm.st(ps + i).is_null() {
                continue;
            }
            let sym = vm.intern(name);
            match vm.getattr_opt(vm.st(bs), sym) {
                Ok(Some(v)) => vm.set_st(ps + i, v),
                Ok(None) => {}
                // CPython ignores any failure reading a base attribute.
                Err(_) => vm.rt.exc = Value::NULL,
            }
        }
    }
    let quoting_given = !vm.st(ps + P_QUOTING).is_null();
    let quotechar_none = vm.st(ps + P_QUOTECHAR).is_none();
    let delimiter = char_param(vm, vm.st(ps + P_DELIMITER), "delimiter", ',')?;
    let doublequote = bool_param(vm, vm.st(ps + P_DOUBLEQUOTE), true)?;
    let escapechar = char_or_none_param(vm, vm.st(ps + P_ESCAPECHAR), "escapechar", None)?;
    let lineterminator = vm.st(ps + P_LINETERMINATOR);
    let lineterminator = if lineterminator.is_null() {
        vm.new_str("\r\n")?
    } else if lineterminator.is_none() || str_value::<H>(lineterminator).is_some() {
        lineterminator
    } else {
        return Err(vm.type_error("\"lineterminator\" must be a string"));
    };
    vm.set_st(ps + P_LINETERMINATOR, lineterminator);
    let quotechar = char_or_none_param(vm, vm.st(ps + P_QUOTECHAR), "quotechar", Some('"'))?;
    let quoting = vm.st(ps + P_QUOTING);
    let mut quoting = if quoting.is_null() {
        QUOTE_MINIMAL
    } else if quoting.is_int() && i32::try_from(quoting.as_int()).is_ok() {
        quoting.as_int()
    } else if quoting.is_int() || is_big_int(quoting) {
        return Err(vm.overflow_error("Python int too large to convert to C int"));
    } else {
        return Err(vm.type_error("\"quoting\" must be an integer"));
    };
    let skipinitialspace = bool_param(vm, vm.st(ps + P_SKIPINITIALSPACE), false)?;
    let strict = bool_param(vm, vm.st(ps + P_STRICT), false)?;
    if !(QUOTE_MINIMAL..=QUOTE_NONE).contains(&quoting) {
        return Err(vm.type_error("bad \"quoting\" value"));
    }
    if quotechar_none && !quoting_given {
        quoting = QUOTE_NONE;
    }
    if quoting != QUOTE_NONE && quotechar.is_none() {
        return Err(vm.type_error("quotechar must be set if quoting enabled"));
    }
    if vm.st(ps + P_LINETERMINATOR).is_none() {
        return Err(vm.type_error("lineterminator must be set"));
    }
    // Normalised values, each rooted in its parameter slot at once.
    let delimiter = char_value(vm, Some(delimiter))?;
    vm.set_st(ps + P_DELIMITER, delimiter);
    let escapechar = char_value(vm, escapechar)?;
    vm.set_st(ps + P_ESCAPECHAR, escapechar);
    let quotechar = char_value(vm, quotechar)?;
    vm.set_st(ps + P_QUOTECHAR, quotechar);
    vm.set_st(ps + P_DOUBLEQUOTE, Value::bool(doublequote));
    vm.set_st(ps + P_QUOTING, Value::int(quoting));
    vm.set_st(ps + P_SKIPINITIALSPACE, Value::bool(skipinitialspace));
    vm.set_st(ps + P_STRICT, Value::bool(strict));
    let inst = vm.new_instance(vm.st(cs))?;
    vm.set_st(bs, inst);
    let params = vm.alloc_array(Kind::Array, PARAMS.len())?;
    for i in 0..PARAMS.len() {
        object::init(params, 1 + i, vm.st(ps + i));
    }
    let sym = vm.intern(DIALECT_ATTR);
    vm.inst_set(vm.st(bs), sym, Value::obj(params))?;
    Ok(vm.st(bs))
}

/// A 1-character str for `c`, or None.
fn char_value<H: Heap>(vm: &mut Vm<H>, c: Option<char>) -> PyResult {
    match c {
        Some(c) => vm.new_str(c.encode_utf8(&mut [0; 4])),
        None => Ok(Value::NONE),
    }
}

/// The single character of str `v`, if it has exactly one.
fn single_char<H: Heap>(v: Value) -> Option<Option<char>> {
    let s = str_value::<H>(v)?;
    let mut chars = s.chars();
    Some(match (chars.next(), chars.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    })
}

/// A required one-character parameter (`dflt` when unset).
fn char_param<H: Heap>(vm: &mut Vm<H>, v: Value, name: &str, dflt: char) -> PyResult<char> {
    if v.is_null() {
        return Ok(dflt);
    }
    match single_char::<H>(v) {
        Some(Some(c)) => Ok(c),
        Some(None) => {
            let msg = format!("\"{name}\" must be a 1-character string");
            Err(vm.type_error(&msg))
        }
        None => {
            let msg = format!("\"{name}\" must be string, not {}", vm.type_name(v));
            Err(vm.type_error(&msg))
        }
    }
}

/// An optional one-character parameter: None unsets it.
fn char_or_none_param<H: Heap>(
    vm: &mut Vm<H>,
    v: Value,
    name: &str,
    dflt: Option<char>,
) -> PyResult<Option<char>> {
    if v.is_null() {
        return Ok(dflt);
    }
    if v.is_none() {
        return Ok(None);
    }
    match single_char::<H>(v) {
        Some(Some(c)) => Ok(Some(c)),
        Some(None) => {
            let msg = format!("\"{name}\" must be a 1-character string");
            Err(vm.type_error(&msg))
        }
        None => {
            let msg = format!("\"{name}\" must be string or None, not {}", vm.type_name(v));
            Err(vm.type_error(&msg))
        }
    }
}

/// A boolean parameter: any object's truth value.
fn bool_param<H: Heap>(vm: &mut Vm<H>, v: Value, dflt: bool) -> PyResult<bool> {
    if v.is_null() { Ok(dflt) } else { vm.truthy(v) }
}

/// The parameters of the dialect `d` (a validated `Dialect`).
fn format_of<H: Heap>(vm: &mut Vm<H>, d: Value) -> Format {
    let p = dialect_params(vm, d).expect("readers and writers hold a Dialect");
    let ch = |i: usize| single_char::<H>(object::array_get(p, i)).flatten();
    let truth = |i: usize| object::array_get(p, i) == Value::TRUE;
    Format {
        delimiter: ch(P_DELIMITER).unwrap_or(','),
        doublequote: truth(P_DOUBLEQUOTE),
        escapechar: ch(P_ESCAPECHAR),
        lineterminator: str_value::<H>(object::array_get(p, P_LINETERMINATOR))
            .unwrap_or("")
            .to_string(),
        quotechar: ch(P_QUOTECHAR),
        quoting: object::array_get(p, P_QUOTING).as_int(),
        skipinitialspace: truth(P_SKIPINITIALSPACE),
        strict: truth(P_STRICT),
    }
}

/// `Dialect(dialect, **fmtparams)` for the factories: the dialect at
/// argument `di` of `a` (if passed) with keyword overrides.
fn call_dialect<H: Heap>(vm: &mut Vm<H>, module: Value, a: Args, di: usize) -> PyResult {
    let cls = object::array_get(
        object::get(module.as_obj(), field::LIST_ITEMS).as_obj(),
        M_DIALECT_CLS,
    );
    let has_base = a.n > di;
    let rest = Args {
        base: if has_base { a.base + di } else { a.base + a.n },
        n: usize::from(has_base),
        kw: a.kw,
    };
    build_dialect(vm, cls, rest)
}

/// Item `i` of the module state list `m`.
fn module_slot(m: Value, i: usize) -> Value {
    object::array_get(object::get(m.as_obj(), field::LIST_ITEMS).as_obj(), i)
}

// ------------------------------------------------------------ registry

/// `register_dialect(name, dialect=None, **fmtparams)` (bound to the
/// module state).
fn register_dialect<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let user = a.n - 1;
    if !(1..=2).contains(&user) {
        return Err(unpack_count_error(vm, user));
    }
    if str_value::<H>(vm.arg(a, 1)).is_none() {
        return Err(vm.type_error("dialect name must be a string"));
    }
    let rest = Args {
        base: a.base + 1,
        n: user,
        kw: a.kw,
    };
    let d = call_dialect(vm, vm.arg(a, 0), rest, 1)?;
    let dsl = vm.push(d);
    let reg = registry(vm)?;
    vm.dict_set_item(reg, vm.arg(a, 1), vm.st(dsl))?;
    vm.truncate(dsl);
    Ok(Value::NONE)
}

/// `unregister_dialect(name)`.
fn unregister_dialect<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "unregister_dialect", 1, 1)?;
    let reg = registry(vm)?;
    if vm.dict_del_item(reg, vm.arg(a, 0))? {
        Ok(Value::NONE)
    } else {
        Err(csv_error(vm, "unknown dialect"))
    }
}

/// `get_dialect(name)`.
fn get_dialect<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "get_dialect", 1, 1)?;
    lookup_dialect(vm, vm.arg(a, 0))
}

/// `list_dialects()`: the registered names.
fn list_dialects<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "list_dialects", 0, 0)?;
    let reg = registry(vm)?;
    vm.call_values(vm.class(T_LIST), &[reg])
}

/// `field_size_limit([new_limit])`: the old limit (bound to the module
/// state).
fn field_size_limit<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "field_size_limit", &["new_limit"])?;
    let user = Args {
        base: a.base + 1,
        n: a.n - 1,
        kw: a.kw,
    };
    let new = if user.n > 0 {
        Some(vm.arg(user, 0))
    } else {
        vm.kwarg(a, "new_limit")
    };
    if user.n + vm.nkw(a) > 1 {
        let msg = format!(
            "field_size_limit() takes at most 1 argument ({} given)",
            user.n + vm.nkw(a)
        );
        return Err(vm.type_error(&msg));
    }
    let m = vm.arg(a, 0);
    let old = module_slot(m, M_LIMIT);
    if let Some(v) = new {
        if is_big_int(v) {
            return Err(vm.overflow_error("Python int too large to convert to C long"));
        }
        if !v.is_int() {
            return Err(vm.type_error("limit must be an integer"));
        }
        vm.list_set(m, M_LIMIT, v);
    }
    Ok(old)
}

// ------------------------------------------------------------ reader

/// `reader(iterable, dialect='excel', **fmtparams)` (bound to the module
/// state).
fn csv_reader<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let user = a.n - 1;
    if !(1..=2).contains(&user) {
        return Err(unpack_count_error(vm, user));
    }
    let it = vm.get_iter(vm.arg(a, 1))?;
    let its = vm.push(it);
    let d = call_dialect(vm, vm.arg(a, 0), a, 2)?;
    let ds = vm.push(d);
    let cls = module_slot(vm.arg(a, 0), M_READER_CLS);
    let r = new_stateful(
        vm,
        cls,
        &[vm.st(its), vm.st(ds), Value::int(0), vm.arg(a, 0)],
    );
    vm.truncate(its);
    r
}

fn reader_iter<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__iter__", 1, 1)?;
    Ok(vm.arg(a, 0))
}

fn reader_dialect<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "dialect", 1, 1)?;
    let st = state_of(vm, a.base, "reader")?;
    Ok(object::array_get(st, R_DIALECT))
}

fn reader_line_num<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "line_num", 1, 1)?;
    let st = state_of(vm, a.base, "reader")?;
    Ok(object::array_get(st, R_LINE_NUM))
}

/// The states of CPython's record parser.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    StartRecord,
    StartField,
    EscapedChar,
    InField,
    InQuotedField,
    EscapeInQuotedField,
    QuoteInQuotedField,
    EatCrnl,
    AfterEscapedCrnl,
}

/// One record being parsed: the state machine, the current field and the
/// list of finished fields (rooted at stack slot `fields`).
struct Parser<'f> {
    fmt: &'f Format,
    state: State,
    field: String,
    field_len: usize,
    numeric: bool,
    limit: i64,
    fields: usize,
}

impl Parser<'_> {
    /// Appends `c` to the current field, within the field size limit.
    fn add_char<H: Heap>(&mut self, vm: &mut Vm<H>, c: char) -> PyResult<()> {
        if self.field_len as i64 >= self.limit {
            let msg = format!("field larger than field limit ({})", self.limit);
            return Err(csv_error(vm, &msg));
        }
        self.field.push(c);
        self.field_len += 1;
        Ok(())
    }

    /// Ends the current field: a str, or a float under QUOTE_NONNUMERIC
    /// when it was unquoted.
    fn save_field<H: Heap>(&mut self, vm: &mut Vm<H>) -> PyResult<()> {
        let mut f = vm.new_str(&self.field)?;
        self.field.clear();
        self.field_len = 0;
        if self.numeric {
            self.numeric = false;
            f = vm.call_values(vm.class(T_FLOAT), &[f])?;
        }
        vm.list_append(vm.st(self.fields), f)
    }

    /// Feeds one character (`None`: the end of an input line).
    fn process<H: Heap>(&mut self, vm: &mut Vm<H>, c: Option<char>) -> PyResult<()> {
        let fmt = self.fmt;
        let is_nl = matches!(c, Some('\n' | '\r'));
        let quoting_on = fmt.quoting != QUOTE_NONE;
        let is_quote = c.is_some() && c == fmt.quotechar;
        let is_escape = c.is_some() && c == fmt.escapechar;
        let is_delim = c == Some(fmt.delimiter);
        // End of record on a newline or the end of the line.
        let end_record = |p: &mut Self| {
            p.state = if c.is_none() {
                State::StartRecord
            } else {
                State::EatCrnl
            };
        };
        match self.state {
            State::StartRecord if c.is_none() => {}
            State::StartRecord if is_nl => self.state = State::EatCrnl,
            State::StartRecord | State::StartField => {
                if is_nl || c.is_none() {
                    self.save_field(vm)?;
                    end_record(self);
                } else if is_quote && quoting_on {
                    self.state = State::InQuotedField;
                } else if is_escape {
                    self.state = State::EscapedChar;
                } else if c == Some(' ') && fmt.skipinitialspace {
                    self.state = State::StartField;
                } else if is_delim {
                    self.save_field(vm)?;
                    self.state = State::StartField;
                } else if let Some(ch) = c {
                    if fmt.quoting == QUOTE_NONNUMERIC {
                        self.numeric = true;
                    }
                    self.add_char(vm, ch)?;
                    self.state = State::InField;
                }
            }
            State::EscapedChar => {
                if let Some(ch @ ('\n' | '\r')) = c {
                    self.add_char(vm, ch)?;
                    self.state = State::AfterEscapedCrnl;
                } else {
                    self.add_char(vm, c.unwrap_or('\n'))?;
                    self.state = State::InField;
                }
            }
            State::AfterEscapedCrnl if c.is_none() => {}
            State::AfterEscapedCrnl | State::InField => {
                if is_nl || c.is_none() {
                    self.save_field(vm)?;
                    end_record(self);
                } else if is_escape {
                    self.state = State::EscapedChar;
                } else if is_delim {
                    self.save_field(vm)?;
                    self.state = State::StartField;
                } else if let Some(ch) = c {
                    self.add_char(vm, ch)?;
                    self.state = State::InField;
                }
            }
            State::InQuotedField => {
                if let Some(ch) = c {
                    if is_escape {
                        self.state = State::EscapeInQuotedField;
                    } else if is_quote && quoting_on {
                        self.state = if fmt.doublequote {
                            State::QuoteInQuotedField
                        } else {
                            State::InField
                        };
                    } else {
                        self.add_char(vm, ch)?;
                    }
                }
            }
            State::EscapeInQuotedField => {
                self.add_char(vm, c.unwrap_or('\n'))?;
                self.state = State::InQuotedField;
            }
            State::QuoteInQuotedField => {
                if quoting_on && is_quote {
                    self.add_char(vm, c.expect("a quote"))?;
                    self.state = State::InQuotedField;
                } else if is_delim {
                    self.save_field(vm)?;
                    self.state = State::StartField;
                } else if is_nl || c.is_none() {
                    self.save_field(vm)?;
                    end_record(self);
                } else if !fmt.strict
                    && let Some(ch) = c
                {
                    self.add_char(vm, ch)?;
                    self.state = State::InField;
                } else {
                    let msg = format!(
                        "'{}' expected after '{}'",
                        fmt.delimiter,
                        fmt.quotechar.unwrap_or('\0')
                    );
                    return Err(csv_error(vm, &msg));
                }
            }
            State::EatCrnl => {
                if c.is_none() {
                    self.state = State::StartRecord;
                } else if !is_nl {
                    return Err(csv_error(
                        vm,
                        "new-line character seen in unquoted field - \
                         do you need to open the file in universal-newline mode?",
                    ));
                }
            }
        }
        Ok(())
    }
}

/// `next(reader)`: the next record, as a list of fields.
fn reader_next<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__next__", 1, 1)?;
    let st = state_of(vm, a.base, "reader")?;
    let mark = vm.push(Value::obj(st));
    let its = vm.push(object::array_get(st, R_INPUT));
    let fmt = format_of(vm, object::array_get(st, R_DIALECT));
    let limit = module_slot(object::array_get(st, R_MODULE), M_LIMIT).as_int();
    let fields = vm.new_list(0)?;
    let fs = vm.push(fields);
    let r = parse_record(vm, mark, its, fs, &fmt, limit);
    vm.truncate(mark);
    r
}

/// Reads lines from the iterator at `its` until one record is complete
/// (its fields collected in the list at `fs`); `ss` roots the reader's
/// state array, whose line count is advanced.
fn parse_record<H: Heap>(
    vm: &mut Vm<H>,
    ss: usize,
    its: usize,
    fs: usize,
    fmt: &Format,
    limit: i64,
) -> PyResult {
    let mut p = Parser {
        fmt,
        state: State::StartRecord,
        field: String::new(),
        field_len: 0,
        numeric: false,
        limit,
        fields: fs,
    };
    let mut line = String::new();
    loop {
        let Some(v) = vm.iter_next(its)? else {
            if p.field_len != 0 || p.state == State::InQuotedField {
                if fmt.strict {
                    return Err(csv_error(vm, "unexpected end of data"));
                }
                p.save_field(vm)?;
                return Ok(vm.st(fs));
            }
            return Err(vm.raise_msg(T_STOP_ITERATION, ""));
        };
        let Some(text) = str_value::<H>(v) else {
            let msg = format!(
                "iterator should return strings, not {} \
                 (the file should be opened in text mode)",
                vm.type_name(v)
            );
            return Err(csv_error(vm, &msg));
        };
        // Copied: saving a field allocates, which may move the line.
        line.clear();
        line.push_str(text);
        let st = vm.st(ss).as_obj();
        let n = object::array_get(st, R_LINE_NUM).as_int();
        vm.store(st, 1 + R_LINE_NUM, Value::int(n + 1));
        for c in line.chars() {
            p.process(vm, Some(c))?;
        }
        p.process(vm, None)?;
        if p.state == State::StartRecord {
            return Ok(vm.st(fs));
        }
    }
}

// ------------------------------------------------------------ writer

/// `writer(fileobj, dialect='excel', **fmtparams)` (bound to the module
/// state).
fn csv_writer<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let user = a.n - 1;
    if !(1..=2).contains(&user) {
        return Err(unpack_count_error(vm, user));
    }
    let sym = vm.intern("write");
    let write = match vm.getattr_opt(vm.arg(a, 1), sym)? {
        Some(w) if vm.is_callable(w) => w,
        _ => return Err(vm.type_error("argument 1 must have a \"write\" method")),
    };
    let ws = vm.push(write);
    let d = call_dialect(vm, vm.arg(a, 0), a, 2)?;
    let ds = vm.push(d);
    let cls = module_slot(vm.arg(a, 0), M_WRITER_CLS);
    let w = new_stateful(vm, cls, &[vm.st(ws), vm.st(ds)]);
    vm.truncate(ws);
    w
}

fn writer_dialect<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "dialect", 1, 1)?;
    let st = state_of(vm, a.base, "writer")?;
    Ok(object::array_get(st, W_DIALECT))
}

/// Does `v` count as a number for QUOTE_NONNUMERIC (CPython's
/// `PyNumber_Check`)?
fn is_number<H: Heap>(vm: &mut Vm<H>, v: Value) -> bool {
    if v.is_int() || v.is_bool() {
        return true;
    }
    if v.is_obj() && matches!(object::kind(v.as_obj()), Kind::Float | Kind::BigInt) {
        return true;
    }
    if vm.isinstance(v, vm.class(T_COMPLEX)) {
        return true;
    }
    ["__index__", "__int__", "__float__"]
        .iter()
        .any(|m| vm.type_method(v, m).is_some())
}

/// Appends field `text` to record `out`, quoting and escaping as `fmt`
/// says (`quoted`: quote it even if nothing requires it).
fn append_field<H: Heap>(
    vm: &mut Vm<H>,
    fmt: &Format,
    out: &mut String,
    first: bool,
    text: &str,
    mut quoted: bool,
) -> PyResult<()> {
    if !first {
        out.push(fmt.delimiter);
    }
    let start = out.len();
    for c in text.chars() {
        let special = c == fmt.delimiter
            || Some(c) == fmt.escapechar
            || Some(c) == fmt.quotechar
            || fmt.lineterminator.contains(c);
        if special {
            let mut escape = false;
            if fmt.quoting == QUOTE_NONE {
                escape = true;
            } else {
                if Some(c) == fmt.quotechar {
                    if fmt.doublequote {
                        out.push(c);
                    } else {
                        escape = true;
                    }
                } else if Some(c) == fmt.escapechar {
                    escape = true;
                }
                if !escape {
                    quoted = true;
                }
            }
            if escape {
                let Some(e) = fmt.escapechar else {
                    return Err(csv_error(vm, "need to escape, but no escapechar set"));
                };
                out.push(e);
            }
        }
        out.push(c);
    }
    if quoted {
        let q = fmt.quotechar.expect("quoting requires a quotechar");
        out.insert(start, q);
        out.push(q);
    }
    Ok(())
}

/// The text of row `row` (rooted at slot `rs`) formatted as one record.
fn format_row<H: Heap>(vm: &mut Vm<H>, fmt: &Format, rs: usize) -> PyResult<String> {
    let it = match vm.get_iter(vm.st(rs)) {
        Ok(it) => it,
        Err(e) => {
            if vm.isinstance_idx(vm.rt.exc, T_TYPE_ERROR) {
                let msg = format!("iterable expected, not {}", vm.type_name(vm.st(rs)));
                return Err(csv_error(vm, &msg));
            }
            return Err(e);
        }
    };
    let its = vm.push(it);
    let mut out = String::new();
    let mut n = 0usize;
    while let Some(f) = vm.iter_next(its)? {
        let quoted = match fmt.quoting {
            QUOTE_NONNUMERIC => !is_number(vm, f),
            QUOTE_ALL => true,
            _ => false,
        };
        let owned;
        let text = if let Some(s) = str_value::<H>(f) {
            s
        } else if f.is_none() {
            ""
        } else {
            owned = vm.str_string(f)?;
            owned.as_str()
        };
        append_field(vm, fmt, &mut out, n == 0, text, quoted)?;
        n += 1;
    }
    vm.truncate(its);
    if n == 1 && out.is_empty() {
        if fmt.quoting == QUOTE_NONE {
            return Err(csv_error(vm, "single empty field record must be quoted"));
        }
        append_field(vm, fmt, &mut out, true, "", true)?;
    }
    out.push_str(&fmt.lineterminator);
    Ok(out)
}

/// Writes the row at `rs` with the writer whose state is `st`; the
/// `write()` result.
fn write_row<H: Heap>(vm: &mut Vm<H>, ws: usize, rs: usize) -> PyResult {
    let st = state_of(vm, ws, "writer")?;
    let fmt = format_of(vm, object::array_get(st, W_DIALECT));
    let line = format_row(vm, &fmt, rs)?;
    let s = vm.new_str(&line)?;
    let ss = vm.push(s);
    let st = state_of(vm, ws, "writer")?;
    let r = vm.call_values(object::array_get(st, W_WRITE), &[vm.st(ss)]);
    vm.truncate(ss);
    r
}

/// `writer.writerow(row)`.
fn writer_writerow<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "writerow", 2, 2)?;
    write_row(vm, a.base, a.base + 1)
}

/// `writer.writerows(rows)`.
fn writer_writerows<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "writerows", 2, 2)?;
    state_of(vm, a.base, "writer")?;
    let it = vm.get_iter(vm.arg(a, 1))?;
    let its = vm.push(it);
    let rs = vm.push(Value::NONE);
    while let Some(row) = vm.iter_next(its)? {
        vm.set_st(rs, row);
        write_row(vm, a.base, rs)?;
    }
    vm.truncate(its);
    Ok(Value::NONE)
}
