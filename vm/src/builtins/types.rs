//! Constructors of the builtin types (`int(...)`, `list(...)`, ...) and the
//! builtin `__new__`/`__init__` of `object` and `BaseException`.

use super::*;
use crate::format as pyfmt;
use crate::num;
use crate::object::{self, Kind, field};
use crate::value::Value;
use crate::vm::{Args, PyResult, Vm};
use gc_api::Heap;
use num_bigint::BigInt;

/// Makes native `f` the constructor of builtin class `t`.
pub(crate) fn set_ctor<H: Heap>(
    vm: &mut Vm<H>,
    t: usize,
    name: &'static str,
    f: crate::vm::NativeFn<H>,
) {
    let idx = vm.register(name, f);
    let c = vm.class(t).as_obj();
    let flags = object::word(c, field::CLS_FLAGS) & ((1 << CLS_CTOR_SHIFT) - 1);
    object::set_word(c, field::CLS_FLAGS, flags | (idx << CLS_CTOR_SHIFT));
}

pub(super) fn install<H: Heap>(vm: &mut Vm<H>) -> PyResult<()> {
    set_ctor(vm, T_INT, "int", int_new::<H>);
    set_ctor(vm, T_BOOL, "bool", bool_new::<H>);
    set_ctor(vm, T_FLOAT, "float", float_new::<H>);
    set_ctor(vm, T_STR, "str", str_new::<H>);
    set_ctor(vm, T_TUPLE, "tuple", tuple_new::<H>);
    set_ctor(vm, T_LIST, "list", list_new::<H>);
    set_ctor(vm, T_DICT, "dict", dict_new::<H>);
    set_ctor(vm, T_SET, "set", set_new::<H>);
    set_ctor(vm, T_FROZENSET, "frozenset", frozenset_new::<H>);
    set_ctor(vm, T_RANGE, "range", range_new::<H>);
    set_ctor(vm, T_SLICE, "slice", slice_new::<H>);
    set_ctor(vm, T_TYPE, "type", type_new::<H>);
    set_ctor(vm, T_PROPERTY, "property", property_new::<H>);
    set_ctor(vm, T_CLASSMETHOD, "classmethod", classmethod_new::<H>);
    set_ctor(vm, T_STATICMETHOD, "staticmethod", staticmethod_new::<H>);
    set_ctor(vm, T_SUPER, "super", super_new::<H>);
    set_ctor(vm, T_BYTES, "bytes", bytes_new::<H>);
    set_ctor(vm, T_BYTEARRAY, "bytearray", bytearray_new::<H>);
    set_ctor(vm, T_MEMORYVIEW, "memoryview", memoryview_new::<H>);
    set_ctor(vm, T_METHOD, "method", method_new::<H>);
    set_ctor(vm, T_COMPLEX, "complex", super::complex::complex_new::<H>);
    for t in VALUE_TYPES {
        vm.def_method(t, "__new__", value_new::<H>);
    }
    vm.def_method(T_DICT, "__init__", dict_init::<H>);
    vm.def_method(T_LIST, "__init__", list_init::<H>);
    vm.def_method(T_SET, "__init__", set_init::<H>);
    vm.def_method(T_OBJECT, "__new__", object_new::<H>);
    vm.def_method(T_OBJECT, "__init__", object_init::<H>);
    vm.def_method(T_BASE_EXCEPTION, "__new__", exception_new::<H>);
    vm.def_method(T_BASE_EXCEPTION, "__init__", exception_init::<H>);
    vm.def_method(T_IMPORT_ERROR, "__init__", import_error_init::<H>);
    Ok(())
}

/// A single iterable argument collected into a fresh list.
pub(crate) fn collect_list<H: Heap>(vm: &mut Vm<H>, iterable: Value) -> PyResult {
    let mark = vm.push(iterable);
    let l = vm.new_list(0)?;
    let ls = vm.push(l);
    vm.list_extend(l, vm.st(mark))?;
    let l = vm.st(ls);
    vm.truncate(mark);
    Ok(l)
}

fn int_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "int", &["base"])?;
    vm.check_count(a, "int", 0, 2)?;
    let base_kw = vm.kwarg(a, "base");
    if a.n == 0 && base_kw.is_none() {
        return Ok(Value::int(0));
    }
    let x = vm.arg(a, 0);
    let base = if a.n == 2 {
        Some(vm.arg(a, 1))
    } else {
        base_kw
    };
    if let Some(b) = base {
        let b = b.to_int().unwrap_or(-1);
        if !(b == 0 || (2..=36).contains(&b)) {
            return Err(vm.value_error("int() base must be >= 2 and <= 36, or 0"));
        }
        let x = Vm::<H>::unbox(x);
        if !(x.is_obj()
            && matches!(
                object::kind(x.as_obj()),
                Kind::Str | Kind::Bytes | Kind::ByteArray
            ))
        {
            return Err(vm.type_error("int() can't convert non-string with explicit base"));
        }
        let x = if object::kind(x.as_obj()) == Kind::ByteArray {
            let data = vm.byte_contents(x).unwrap_or_default();
            vm.new_bytes_kind(Kind::Bytes, &data)?
        } else {
            x
        };
        return parse_int_value(vm, x, b as u32);
    }
    if num::is_int(x) {
        return if x.is_bool() {
            Ok(Value::int((x == Value::TRUE) as i64))
        } else {
            Ok(x)
        };
    }
    if x.is_obj() {
        match object::kind(x.as_obj()) {
            Kind::Float => {
                let f = object::float_of(x.as_obj());
                if f.is_nan() {
                    return Err(vm.value_error("cannot convert float NaN to integer"));
                }
                if f.is_infinite() {
                    return Err(vm.overflow_error("cannot convert float infinity to integer"));
                }
                let i: BigInt = num_traits::FromPrimitive::from_f64(f.trunc()).unwrap_or_default();
                return vm.new_int(i);
            }
            Kind::Str | Kind::Bytes => return parse_int_value(vm, x, 10),
            _ => {}
        }
    }
    for d in ["__int__", "__index__", "__trunc__"] {
        if let Some(r) = vm.call_dunder(x, d, &[])? {
            return Ok(r);
        }
    }
    let msg = format!(
        "int() argument must be a string, a bytes-like object or a real number, not '{}'",
        vm.type_name(x)
    );
    Err(vm.type_error(&msg))
}

fn parse_int_value<H: Heap>(vm: &mut Vm<H>, x: Value, base: u32) -> PyResult {
    let text = if object::kind(x.as_obj()) == Kind::Str {
        object::str_of(x.as_obj()).to_string()
    } else {
        String::from_utf8_lossy(object::bytes_of(x.as_obj())).into_owned()
    };
    match pyfmt::parse_int(&text, base) {
        Ok(i) => vm.new_int(i),
        Err(()) => {
            let r = vm.repr_string(x)?;
            let msg = format!("invalid literal for int() with base {base}: {r}");
            Err(vm.value_error(&msg))
        }
    }
}

fn bool_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "bool", 0, 1)?;
    if a.n == 0 {
        return Ok(Value::FALSE);
    }
    let b = vm.truthy(vm.arg(a, 0))?;
    Ok(Value::bool(b))
}

fn float_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "float", 0, 1)?;
    if a.n == 0 {
        return vm.new_float(0.0);
    }
    let x = vm.arg(a, 0);
    if x.is_obj() && object::kind(x.as_obj()) == Kind::Float {
        return Ok(x);
    }
    if num::is_int(x) {
        return match pyfmt::int_to_f64(&num::to_bigint(x)) {
            Ok(f) => vm.new_float(f),
            Err(e) => Err(vm.overflow_error(&e.msg)),
        };
    }
    if x.is_obj() && object::kind(x.as_obj()) == Kind::Str {
        let s = object::str_of(x.as_obj()).to_string();
        return match pyfmt::parse_float(&s) {
            Ok(f) => vm.new_float(f),
            Err(()) => {
                let r = vm.repr_string(x)?;
                let msg = format!("could not convert string to float: {r}");
                Err(vm.value_error(&msg))
            }
        };
    }
    if let Some(r) = vm.call_dunder(x, "__float__", &[])? {
        return Ok(r);
    }
    if let Some(r) = vm.call_dunder(x, "__index__", &[])? {
        let f = vm.as_f64(r)?.unwrap_or(0.0);
        return vm.new_float(f);
    }
    let msg = format!(
        "float() argument must be a string or a real number, not '{}'",
        vm.type_name(x)
    );
    Err(vm.type_error(&msg))
}

fn str_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "str", &["encoding", "errors"])?;
    vm.check_count(a, "str", 0, 3)?;
    if a.n == 0 {
        return vm.new_str("");
    }
    let x = vm.arg(a, 0);
    if a.n >= 2 || vm.kwarg(a, "encoding").is_some() {
        if let Some(bytes) = vm.byte_contents(x) {
            // `str(b, encoding, errors)` is `b.decode(encoding, errors)`.
            let b = vm.new_bytes_kind(Kind::Bytes, &bytes)?;
            let sym = vm.intern("decode");
            let decode = vm.getattr(b, sym)?;
            return vm.call(
                decode,
                Args {
                    base: a.base + 1,
                    n: a.n - 1,
                    kw: a.kw,
                },
            );
        }
        return Err(vm.type_error("decoding str is not supported"));
    }
    vm.to_str(x)
}

fn tuple_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "tuple", 0, 1)?;
    if a.n == 0 {
        return vm.new_tuple(&[]);
    }
    let x = vm.arg(a, 0);
    if x.is_obj() && object::kind(x.as_obj()) == Kind::Tuple {
        return Ok(x);
    }
    let l = collect_list(vm, x)?;
    vm.list_to_tuple(l)
}

fn list_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "list", 0, 1)?;
    if a.n == 0 {
        return vm.new_list(0);
    }
    collect_list(vm, vm.arg(a, 0))
}

fn dict_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_count(a, "dict", 0, 1)?;
    let d = vm.new_dict()?;
    let mark = vm.push(d);
    if a.n == 1 {
        vm.dict_update(d, vm.arg(a, 0))?;
    }
    let nkw = vm.nkw(a);
    for i in 0..nkw {
        let k = object::array_get(vm.kwnames(a).as_obj(), i);
        let v = vm.st(a.base + a.n + i);
        vm.dict_set_item(vm.st(mark), k, v)?;
    }
    let d = vm.st(mark);
    vm.truncate(mark);
    Ok(d)
}

fn set_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "set", 0, 1)?;
    let s = vm.new_set(Kind::Set)?;
    if a.n == 1 {
        let mark = vm.push(s);
        vm.set_update(s, vm.arg(a, 0))?;
        let s = vm.st(mark);
        vm.truncate(mark);
        return Ok(s);
    }
    Ok(s)
}

fn frozenset_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "frozenset", 0, 1)?;
    let s = vm.new_set(Kind::FrozenSet)?;
    if a.n == 1 {
        let mark = vm.push(s);
        vm.set_update(s, vm.arg(a, 0))?;
        let s = vm.st(mark);
        vm.truncate(mark);
        return Ok(s);
    }
    Ok(s)
}

fn int_arg<H: Heap>(vm: &mut Vm<H>, v: Value) -> PyResult {
    if num::is_int(v) {
        return Ok(if v.is_bool() {
            Value::int((v == Value::TRUE) as i64)
        } else {
            v
        });
    }
    if let Some(r) = vm.call_dunder(v, "__index__", &[])? {
        return Ok(r);
    }
    Err(vm.not_an_integer(v))
}

fn range_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "range", 1, 3)?;
    let (start, stop, step) = match a.n {
        1 => (Value::int(0), int_arg(vm, vm.arg(a, 0))?, Value::int(1)),
        2 => (
            int_arg(vm, vm.arg(a, 0))?,
            int_arg(vm, vm.arg(a, 1))?,
            Value::int(1),
        ),
        _ => (
            int_arg(vm, vm.arg(a, 0))?,
            int_arg(vm, vm.arg(a, 1))?,
            int_arg(vm, vm.arg(a, 2))?,
        ),
    };
    if step == Value::int(0) {
        return Err(vm.value_error("range() arg 3 must not be zero"));
    }
    vm.new_range(start, stop, step)
}

fn slice_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "slice", 1, 3)?;
    let (x, y, z) = match a.n {
        1 => (Value::NONE, vm.arg(a, 0), Value::NONE),
        2 => (vm.arg(a, 0), vm.arg(a, 1), Value::NONE),
        _ => (vm.arg(a, 0), vm.arg(a, 1), vm.arg(a, 2)),
    };
    let mark = vm.push(x);
    vm.push(y);
    vm.push(z);
    let s = vm.alloc_fixed(Kind::Slice)?;
    for i in 0..3 {
        object::init(s, i, vm.st(mark + i));
    }
    vm.truncate(mark);
    Ok(Value::obj(s))
}

fn type_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    if a.n == 1 {
        return Ok(vm.type_of(vm.arg(a, 0)));
    }
    vm.check_count(a, "type", 3, 3)?;
    // `type(name, bases, ns, **kw)` with a base whose metaclass is more
    // derived hands over to that metaclass's `__new__`, as CPython does.
    let bases = vm.arg(a, 1);
    if bases.is_obj() && object::kind(bases.as_obj()) == Kind::Tuple {
        let bv: Vec<Value> = object::items(bases.as_obj()).to_vec();
        let winner = vm.derive_metaclass(vm.class(T_TYPE), &bv)?;
        if winner != vm.class(T_TYPE) {
            let new_sym = vm.intern("__new__");
            if let Some(f) = vm.class_lookup(winner, new_sym)
                && object::kind(f.as_obj()) != Kind::Builtin
            {
                let f = if object::kind(f.as_obj()) == Kind::StaticMethod {
                    object::get(f.as_obj(), 0)
                } else {
                    f
                };
                let mark = vm.push(f);
                let args = vm.prepend_arg(winner, a);
                let r = vm.call(vm.st(mark), args);
                vm.truncate(mark);
                return r;
            }
        }
    }
    new_class_from(vm, a, vm.class(T_TYPE))
}

/// Builtin bases a Python class may derive from: `object` (instances),
/// the value types (instances boxing a value, `field::INST_BASE`), `ref`
/// (weakref objects with a class word), `type` (metaclasses). The
/// descriptor types (`classmethod`, `staticmethod`, `property`) can be
/// subclassed, but their subclasses cannot be instantiated yet.
fn subclassable<H: Heap>(vm: &Vm<H>, b: Value) -> bool {
    VALUE_TYPES.iter().any(|&t| vm.class(t) == b)
        || [
            T_OBJECT,
            T_WEAKREF,
            T_TYPE,
            T_CLASSMETHOD,
            T_STATICMETHOD,
            T_PROPERTY,
            // Defining a module subclass works (importlib.util does);
            // making instances of one is refused by object.__new__.
            T_MODULE,
        ]
        .iter()
        .any(|&t| vm.class(t) == b)
}

/// `type(name, bases, ns)` with metaclass `meta`: the class, its
/// `__init_subclass__` hook called.
pub(crate) fn new_class_from<H: Heap>(vm: &mut Vm<H>, a: Args, meta: Value) -> PyResult {
    let name = vm.arg(a, 0);
    let bases = vm.arg(a, 1);
    let ns = vm.arg(a, 2);
    if !(name.is_obj() && object::kind(name.as_obj()) == Kind::Str) {
        return Err(vm.type_error("type.__new__() argument 1 must be str"));
    }
    let name = object::str_of(name.as_obj()).to_string();
    let mut bv: Vec<Value> = if bases.is_obj() && object::kind(bases.as_obj()) == Kind::Tuple {
        object::items(bases.as_obj()).to_vec()
    } else {
        Vec::new()
    };
    if bv.is_empty() {
        bv.push(vm.class(T_OBJECT));
    }
    // The namespace dict becomes the class dict (copied).
    // A `__prepare__` namespace may be a dict subclass: copy its dict.
    let mark = vm.push(Vm::<H>::unbox(ns));
    vm.push(meta);
    let d = vm.new_dict()?;
    let ds = vm.push(d);
    vm.dict_update(d, vm.st(mark))?;
    // `__init_subclass__` and `__class_getitem__` defined as plain
    // functions are class methods (as CPython makes them).
    for name in ["__init_subclass__", "__class_getitem__"] {
        let k = vm.sym_str(name);
        if let Some(f) = vm.dict_get_str(vm.st(ds), k)
            && f.is_obj()
            && object::kind(f.as_obj()) == Kind::Function
        {
            let fs = vm.push(f);
            let cm = vm.alloc_fixed(Kind::ClassMethod)?;
            object::init(cm, 0, vm.st(fs));
            vm.truncate(fs);
            let k = vm.sym_str(name);
            vm.dict_set_item(vm.st(ds), k, Value::obj(cm))?;
        }
    }
    // `__new__` defined as a plain function is a static method.
    let nk = vm.sym_str("__new__");
    if let Some(f) = vm.dict_get_str(vm.st(ds), nk)
        && f.is_obj()
        && object::kind(f.as_obj()) == Kind::Function
    {
        let fs = vm.push(f);
        let sm = vm.alloc_fixed(Kind::StaticMethod)?;
        object::init(sm, 0, vm.st(fs));
        vm.truncate(fs);
        vm.dict_set_item(vm.st(ds), nk, Value::obj(sm))?;
    }
    let module = {
        let k = vm.sym_str("__module__");
        if vm.dict_get_item(vm.st(ds), k)?.is_none() {
            // `type(name, bases, ns)` called directly: the class belongs to
            // the calling frame's module, as in CPython.
            let caller = vm.caller_globals();
            let nk = vm.sym_str("__name__");
            if caller.is_obj()
                && object::kind(caller.as_obj()) == Kind::Dict
                && let Some(n) = vm.dict_get_str(caller, nk)
            {
                vm.dict_set_item(vm.st(ds), k, n)?;
            }
        }
        match vm.dict_get_item(vm.st(ds), k)? {
            Some(m) if m.is_obj() && object::kind(m.as_obj()) == Kind::Str => {
                object::str_of(m.as_obj()).to_string()
            }
            _ => "builtins".to_string(),
        }
    };
    for b in &bv {
        if !vm.is_class(*b) {
            return Err(vm.type_error("bases must be types"));
        }
        let f = object::word(b.as_obj(), field::CLS_FLAGS);
        if f & CLS_BUILTIN_LAYOUT != 0 && !subclassable(vm, *b) {
            let msg = format!(
                "heaplab: subclassing the builtin type '{}' is not supported yet",
                vm.class_name(*b)
            );
            return Err(vm.type_error(&msg));
        }
    }
    let c = vm.make_class(&name, &bv, vm.st(ds), &module)?;
    let meta = vm.st(mark + 1);
    if meta != vm.class(T_TYPE) {
        vm.store(c.as_obj(), field::CLS_META, meta);
    }
    let cs = vm.push(c);
    set_names(vm, cs)?;
    vm.truncate(mark);
    init_subclass(vm, c, a)?;
    Ok(c)
}

/// Calls `value.__set_name__(cls, name)` for each attribute of the new
/// class (rooted at stack slot `cs`) whose type defines it (PEP 487).
fn set_names<H: Heap>(vm: &mut Vm<H>, cs: usize) -> PyResult<()> {
    let sym = vm.intern("__set_name__");
    let d = object::get(vm.st(cs).as_obj(), field::CLS_DICT);
    let mark = vm.rt.sp;
    for i in 0..Vm::<H>::dict_used(d) {
        let (k, v) = Vm::<H>::dict_entry(d, i);
        if k.is_null() || k == Value::DUMMY || !Vm::<H>::is_instance_obj(v) {
            continue;
        }
        let t = vm.type_of(v);
        if vm.class_lookup(t, sym).is_some() {
            vm.push(k);
            vm.push(v);
        }
    }
    let n = (vm.rt.sp - mark) / 2;
    for i in 0..n {
        let (k, v) = (vm.st(mark + 2 * i), vm.st(mark + 2 * i + 1));
        let t = vm.type_of(v);
        if let Some(f) = vm.class_lookup(t, sym) {
            vm.call_values(f, &[v, vm.st(cs), k])?;
        }
    }
    vm.truncate(mark);
    Ok(())
}

/// Calls the nearest base's `__init_subclass__` (an implicit classmethod)
/// for a new class.
/// Calls the nearest base's `__init_subclass__(**kw)` for new class `cls`,
/// with the class keywords of `a` (PEP 487).
fn init_subclass<H: Heap>(vm: &mut Vm<H>, cls: Value, a: Args) -> PyResult<()> {
    let key = vm.sym_str("__init_subclass__");
    let mro = object::get(cls.as_obj(), field::CLS_MRO);
    let found = object::items(mro.as_obj())[1..]
        .iter()
        .find_map(|c| vm.dict_get_str(object::get(c.as_obj(), field::CLS_DICT), key));
    let f = match found {
        Some(f) if f.is_obj() && object::kind(f.as_obj()) == Kind::Function => f,
        Some(f) if f.is_obj() && object::kind(f.as_obj()) == Kind::ClassMethod => {
            object::get(f.as_obj(), 0)
        }
        _ => return Ok(()),
    };
    let nkw = vm.nkw(a);
    if nkw == 0 {
        vm.call_values(f, &[cls])?;
        return Ok(());
    }
    let mark = vm.push(f);
    vm.push(cls);
    for i in 0..nkw {
        vm.push(vm.st(a.base + a.n + i));
    }
    vm.push(vm.kwnames(a));
    let r = vm.call(
        vm.st(mark),
        Args {
            base: mark + 1,
            n: 1,
            kw: mark + 2 + nkw,
        },
    );
    vm.truncate(mark);
    r.map(|_| ())
}

fn property_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "property", &["fget", "fset", "fdel", "doc"])?;
    vm.check_count(a, "property", 0, 4)?;
    let p = vm.alloc_fixed(Kind::Property)?;
    let names = ["fget", "fset", "fdel", "doc"];
    for (i, n) in names.iter().enumerate() {
        let v = if i < a.n {
            vm.arg(a, i)
        } else {
            vm.kwarg(a, n).unwrap_or(Value::NONE)
        };
        object::init(p, i, v);
    }
    Ok(Value::obj(p))
}

fn wrapper<H: Heap>(vm: &mut Vm<H>, a: Args, k: Kind, name: &str) -> PyResult {
    vm.check_args(a, name, 1, 1)?;
    let w = vm.alloc_fixed(k)?;
    object::init(w, 0, vm.arg(a, 0));
    Ok(Value::obj(w))
}

fn classmethod_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    wrapper(vm, a, Kind::ClassMethod, "classmethod")
}

fn staticmethod_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    wrapper(vm, a, Kind::StaticMethod, "staticmethod")
}

fn super_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    if a.n != 2 {
        return Err(vm.raise_msg(T_RUNTIME_ERROR, "super(): no arguments"));
    }
    let (t, o) = (vm.arg(a, 0), vm.arg(a, 1));
    if !vm.is_class(t) {
        return Err(vm.type_error("super() argument 1 must be a type"));
    }
    // A class may be the subject as a subclass (classmethods) or as an
    // instance of a metaclass (metaclass methods).
    let ok = (vm.is_class(o) && vm.is_subclass(o, t)) || vm.isinstance(o, t);
    if !ok {
        return Err(vm.type_error("super(type, obj): obj must be an instance or subtype of type"));
    }
    let s = vm.alloc_fixed(Kind::Super)?;
    object::init(s, 0, vm.arg(a, 0));
    object::init(s, 1, vm.arg(a, 1));
    Ok(Value::obj(s))
}

fn bytes_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "bytes", &["encoding", "errors"])?;
    vm.check_count(a, "bytes", 0, 3)?;
    if a.n == 0 {
        return vm.new_bytes_kind(Kind::Bytes, &[]);
    }
    let data = bytes_from(vm, vm.arg(a, 0))?;
    vm.new_bytes_kind(Kind::Bytes, &data)
}

fn bytearray_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "bytearray", &["encoding", "errors"])?;
    vm.check_count(a, "bytearray", 0, 3)?;
    if a.n == 0 {
        return vm.new_bytearray(&[]);
    }
    let data = bytes_from(vm, vm.arg(a, 0))?;
    vm.new_bytearray(&data)
}

/// The bytes of a bytes-like value, an int size, a str (UTF-8) or an
/// iterable of ints.
pub(crate) fn bytes_from<H: Heap>(vm: &mut Vm<H>, x: Value) -> PyResult<Vec<u8>> {
    if let Some(n) = x.to_int() {
        if n < 0 {
            return Err(vm.value_error("negative count"));
        }
        return Ok(vec![0; n as usize]);
    }
    if x.is_obj() {
        match object::kind(x.as_obj()) {
            Kind::Bytes => return Ok(object::bytes_of(x.as_obj()).to_vec()),
            Kind::Str => return Ok(object::str_of(x.as_obj()).as_bytes().to_vec()),
            Kind::ByteArray => {
                let buf = object::get(x.as_obj(), field::BA_BUF).as_obj();
                return Ok(
                    object::bytes_of(buf)[..object::word(x.as_obj(), field::BA_LEN)].to_vec(),
                );
            }
            _ => {}
        }
    }
    if let Some(ba) = crate::stdlib::array::exported_buffer(vm, x) {
        return bytes_from(vm, ba);
    }
    let l = collect_list(vm, x)?;
    let mut out = Vec::with_capacity(Vm::<H>::list_len(l));
    for i in 0..Vm::<H>::list_len(l) {
        match Vm::<H>::list_get(l, i).to_int() {
            Some(b) if (0..256).contains(&b) => out.push(b as u8),
            _ => return Err(vm.value_error("bytes must be in range(0, 256)")),
        }
    }
    Ok(out)
}

/// `types.MethodType(func, obj)`: a bound method.
fn method_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "method", 2, 2)?;
    if !vm.is_callable(vm.arg(a, 0)) {
        return Err(vm.type_error("first argument must be callable"));
    }
    if vm.arg(a, 1).is_none() {
        return Err(vm.type_error("instance must not be None"));
    }
    vm.new_bound(vm.arg(a, 0), vm.arg(a, 1))
}

fn memoryview_new<H: Heap>(vm: &mut Vm<H>, _a: Args) -> PyResult {
    Err(vm.type_error("heaplab: memoryview objects are not supported yet"))
}

/// `T.__new__(cls, *args)` for a builtin value type `T`: for `T` itself the
/// constructor; for a subclass an instance boxing a `T` value (made from
/// the arguments when `T` is immutable, empty for the mutable containers,
/// whose `__init__` fills them).
fn value_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    if a.n == 0 {
        return Err(vm.type_error("__new__(): not enough arguments"));
    }
    let cls = vm.arg(a, 0);
    if !vm.is_class(cls) {
        return Err(vm.type_error("__new__(X): X is not a type object"));
    }
    let mro = object::get(cls.as_obj(), field::CLS_MRO);
    let t = object::items(mro.as_obj())
        .iter()
        .find_map(|&c| VALUE_TYPES.iter().copied().find(|&t| vm.class(t) == c));
    let Some(t) = t else {
        let msg = format!(
            "__new__({}): not a subtype of a builtin value type",
            vm.class_name(cls)
        );
        return Err(vm.type_error(&msg));
    };
    let ctor = object::word(vm.class(t).as_obj(), field::CLS_FLAGS) >> CLS_CTOR_SHIFT;
    let make = vm.natives[ctor].f;
    let rest = Args {
        base: a.base + 1,
        n: a.n - 1,
        kw: a.kw,
    };
    if cls == vm.class(t) {
        return make(vm, rest);
    }
    let mark = vm.push(cls);
    let value = if matches!(t, T_LIST | T_DICT | T_SET | T_BYTEARRAY) {
        make(vm, Args::positional(vm.rt.sp, 0))?
    } else {
        make(vm, rest)?
    };
    vm.push(value);
    let inst = vm.new_instance(vm.st(mark))?;
    vm.store(inst.as_obj(), field::INST_BASE, vm.st(mark + 1));
    vm.truncate(mark);
    Ok(inst)
}

/// `dict.__init__(self, [mapping], **kw)` (the subclass path of `dict(...)`).
fn dict_init<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_count(a, "dict", 1, 2)?;
    if a.n == 2 {
        vm.dict_update(vm.arg(a, 0), vm.arg(a, 1))?;
    }
    for i in 0..vm.nkw(a) {
        let k = object::array_get(vm.kwnames(a).as_obj(), i);
        vm.dict_set_item(vm.arg(a, 0), k, vm.st(a.base + a.n + i))?;
    }
    Ok(Value::NONE)
}

/// `list.__init__(self, [iterable])`: replaces the contents.
fn list_init<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "list", 1, 2)?;
    let l = vm.arg(a, 0);
    for i in 0..Vm::<H>::list_len(l) {
        vm.list_set(l, i, Value::NULL);
    }
    object::set_word(l.as_obj(), field::LIST_LEN, 0);
    if a.n == 2 {
        vm.list_extend(vm.arg(a, 0), vm.arg(a, 1))?;
    }
    Ok(Value::NONE)
}

/// `set.__init__(self, [iterable])`.
fn set_init<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "set", 1, 2)?;
    if a.n == 2 {
        vm.set_update(vm.arg(a, 0), vm.arg(a, 1))?;
    }
    Ok(Value::NONE)
}

fn object_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    if a.n == 0 {
        return Err(vm.type_error("object.__new__(): not enough arguments"));
    }
    let cls = vm.arg(a, 0);
    if !vm.is_class(cls) {
        return Err(vm.type_error("object.__new__(X): X is not a type object"));
    }
    if cls == vm.class(T_OBJECT) {
        return vm.new_instance(cls);
    }
    let f = object::word(cls.as_obj(), field::CLS_FLAGS);
    if f & CLS_BUILTIN_LAYOUT != 0 {
        let msg = format!("object.__new__({}) is not safe", vm.class_name(cls));
        return Err(vm.type_error(&msg));
    }
    let mro = object::get(cls.as_obj(), field::CLS_MRO);
    let odd_base = object::items(mro.as_obj()).iter().find(|&&b| {
        object::word(b.as_obj(), field::CLS_FLAGS) & CLS_BUILTIN_LAYOUT != 0
            && b != vm.class(T_OBJECT)
    });
    if let Some(&b) = odd_base {
        let msg = format!(
            "heaplab: instances of subclasses of '{}' are not supported yet",
            vm.class_name(b)
        );
        return Err(vm.type_error(&msg));
    }
    check_not_abstract(vm, cls)?;
    if a.n > 1 || vm.nkw(a) > 0 {
        let (new_is_object, init_is_object) = object_slots(vm, cls);
        if !new_is_object {
            return Err(vm.type_error(
                "object.__new__() takes exactly one argument (the type to instantiate)",
            ));
        }
        if init_is_object {
            let msg = format!("{}() takes no arguments", vm.class_name(cls));
            return Err(vm.type_error(&msg));
        }
    }
    vm.new_instance(cls)
}

/// Does `cls` inherit `object`'s `__new__` and `__init__`? (CPython's
/// rule for excess constructor arguments: an error only where neither
/// method is overridden to take them.)
fn object_slots<H: Heap>(vm: &mut Vm<H>, cls: Value) -> (bool, bool) {
    let object = vm.class(T_OBJECT);
    let (new, init) = (vm.intern("__new__"), vm.intern("__init__"));
    let same = |vm: &mut Vm<H>, sym| vm.class_lookup(cls, sym) == vm.class_lookup(object, sym);
    (same(vm, new), same(vm, init))
}

/// Refuses to instantiate a class whose `__abstractmethods__` (set by
/// `abc.ABCMeta`) is non-empty.
fn check_not_abstract<H: Heap>(vm: &mut Vm<H>, cls: Value) -> PyResult<()> {
    let k = vm.sym_str("__abstractmethods__");
    let d = object::get(cls.as_obj(), field::CLS_DICT);
    let Some(am) = vm.dict_get_str(d, k) else {
        return Ok(());
    };
    let ams = vm.push(am);
    let l = collect_list(vm, am)?;
    vm.truncate(ams);
    let n = Vm::<H>::list_len(l);
    if n == 0 {
        return Ok(());
    }
    let mut names: Vec<String> = (0..n)
        .map(|i| Vm::<H>::list_get(l, i))
        .filter(|v| v.is_obj() && object::kind(v.as_obj()) == Kind::Str)
        .map(|v| object::str_of(v.as_obj()).to_string())
        .collect();
    names.sort();
    let msg = format!(
        "Can't instantiate abstract class {} with abstract method{} {}",
        vm.class_name(cls),
        if names.len() == 1 { "" } else { "s" },
        names.join(", ")
    );
    Err(vm.type_error(&msg))
}

fn object_init<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    if (a.n > 1 || vm.nkw(a) > 0) && a.n > 0 {
        let cls = vm.type_of(vm.arg(a, 0));
        let (new_is_object, init_is_object) = object_slots(vm, cls);
        if !init_is_object {
            return Err(vm.type_error(
                "object.__init__() takes exactly one argument (the instance to initialize)",
            ));
        }
        if new_is_object {
            let msg = format!("{}() takes no arguments", vm.class_name(cls));
            return Err(vm.type_error(&msg));
        }
    }
    Ok(Value::NONE)
}

fn exception_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let cls = vm.arg(a, 0);
    let e = vm.new_instance(cls)?;
    let mark = vm.push(e);
    let args = vm.tuple_from_stack(a.base + 1, a.n - 1)?;
    let sym = vm.intern("args");
    vm.setattr(vm.st(mark), sym, args)?;
    let e = vm.st(mark);
    vm.truncate(mark);
    Ok(e)
}

fn exception_init<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let args = vm.tuple_from_stack(a.base + 1, a.n - 1)?;
    let sym = vm.intern("args");
    vm.setattr(vm.arg(a, 0), sym, args)?;
    Ok(Value::NONE)
}

/// `ImportError.__init__(self, *args, name=None, path=None)`: also sets
/// `msg` (the only argument, if exactly one), `name` and `path`.
fn import_error_init<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "ImportError", &["name", "path"])?;
    exception_init(vm, a)?;
    for attr in ["msg", "name", "path"] {
        let sym = vm.intern(attr);
        // Read each value from the (rooted) arguments after the previous
        // store: storing allocates and may move objects.
        let v = match attr {
            "msg" if a.n == 2 => vm.arg(a, 1),
            "msg" => Value::NONE,
            _ => vm.kwarg(a, attr).unwrap_or(Value::NONE),
        };
        vm.setattr(vm.arg(a, 0), sym, v)?;
    }
    Ok(Value::NONE)
}
