//! Methods of `object`, exceptions, `int`, `float`, generators, `property`
//! and `super`.

use crate::builtins::*;
use crate::num;
use crate::object::{self, Kind, field};
use crate::value::Value;
use crate::vm::{Args, PyResult, Vm};
use gc_api::Heap;
use num_traits::ToPrimitive;

pub(super) fn install<H: Heap>(vm: &mut Vm<H>) -> PyResult<()> {
    vm.def_method(T_OBJECT, "__repr__", object_repr::<H>);
    vm.def_method(T_OBJECT, "__str__", object_str::<H>);
    vm.def_method(T_OBJECT, "__eq__", object_eq::<H>);
    vm.def_method(T_OBJECT, "__ne__", object_ne::<H>);
    vm.def_method(T_OBJECT, "__hash__", object_hash::<H>);
    vm.def_method(T_OBJECT, "__init_subclass__", object_init_subclass::<H>);
    vm.def_method(T_OBJECT, "__format__", object_format::<H>);
    vm.def_method(
        T_OBJECT,
        "__dir__",
        crate::builtins::functions::object_dir::<H>,
    );
    for t in [T_FUNCTION, T_CLASSMETHOD, T_STATICMETHOD, T_PROPERTY] {
        vm.def_method(t, "__get__", descr_get::<H>);
    }
    for t in [T_FUNCTION, T_BUILTIN, T_METHOD] {
        vm.def_method(t, "__call__", call_self::<H>);
    }
    vm.def_method(T_OBJECT, "__setattr__", object_setattr::<H>);
    vm.def_method(T_OBJECT, "__delattr__", object_delattr::<H>);
    vm.def_method(T_OBJECT, "__getattribute__", object_getattribute::<H>);
    for t in [T_INT, T_FLOAT, T_STR] {
        vm.def_method(t, "__format__", value_format::<H>);
    }
    vm.def_method(T_BASE_EXCEPTION, "__str__", exc_str::<H>);
    vm.def_method(T_BASE_EXCEPTION, "__repr__", exc_repr::<H>);
    vm.def_method(T_KEY_ERROR, "__str__", key_error_str::<H>);
    vm.def_method(T_INT, "bit_length", int_bit_length::<H>);
    vm.def_method(T_INT, "to_bytes", int_to_bytes::<H>);
    vm.def_classmethod(T_INT, "from_bytes", int_from_bytes::<H>);
    vm.def_method(T_INT, "conjugate", identity::<H>);
    vm.def_property(T_INT, "real", int_itself::<H>);
    vm.def_property(T_INT, "numerator", int_itself::<H>);
    vm.def_property(T_INT, "imag", |_, _| Ok(Value::int(0)));
    vm.def_property(T_INT, "denominator", |_, _| Ok(Value::int(1)));
    vm.def_property(T_FLOAT, "real", |vm, a| Ok(vm.arg(a, 0)));
    vm.def_property(T_FLOAT, "imag", |vm, _| vm.new_float(0.0));
    vm.def_method(T_INT, "__index__", identity::<H>);
    vm.def_method(T_FLOAT, "is_integer", float_is_integer::<H>);
    vm.def_method(T_FLOAT, "as_integer_ratio", float_as_integer_ratio::<H>);
    vm.def_method(T_GENERATOR, "send", gen_send::<H>);
    vm.def_method(T_GENERATOR, "throw", gen_throw::<H>);
    vm.def_method(T_GENERATOR, "close", gen_close::<H>);
    vm.def_method(T_GENERATOR, "__next__", gen_next::<H>);
    vm.def_method(T_GENERATOR, "__iter__", identity::<H>);
    // Coroutines and async generators run on the generator machinery; a
    // coroutine is its own `__await__` iterator.
    for t in [T_COROUTINE, T_ASYNC_GENERATOR] {
        vm.def_method(t, "send", gen_send::<H>);
        vm.def_method(t, "throw", gen_throw::<H>);
        vm.def_method(t, "close", gen_close::<H>);
    }
    vm.def_method(T_COROUTINE, "__await__", identity::<H>);
    vm.def_method(T_ITERATOR, "__next__", iter_next::<H>);
    vm.def_method(T_ITERATOR, "__iter__", identity::<H>);
    vm.def_method(T_PROPERTY, "getter", prop_getter::<H>);
    vm.def_method(T_RANGE, "index", range_index::<H>);
    vm.def_method(T_RANGE, "count", range_count::<H>);
    vm.def_method(T_STOP_ITERATION, "__init__", stop_iteration_init::<H>);
    vm.def_class_attr(T_STOP_ITERATION, "value", Value::NONE);
    for name in ["__cause__", "__context__"] {
        vm.def_class_attr(T_BASE_EXCEPTION, name, Value::NONE);
    }
    vm.def_class_attr(T_BASE_EXCEPTION, "__suppress_context__", Value::FALSE);
    vm.def_method(T_PROPERTY, "setter", prop_setter::<H>);
    vm.def_method(T_PROPERTY, "deleter", prop_deleter::<H>);
    Ok(())
}

fn range_position<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult<Option<num_bigint::BigInt>> {
    let x = vm.arg(a, 1);
    if !num::is_int(x) || !vm.contains(vm.arg(a, 0), x)? {
        return Ok(None);
    }
    let (start, _, step) = vm.range_parts(vm.arg(a, 0));
    Ok(Some(
        (num::to_bigint(x) - num::to_bigint(start)) / num::to_bigint(step),
    ))
}

fn range_index<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "index", 2, 2)?;
    match range_position(vm, a)? {
        Some(i) => vm.new_int(i),
        None => {
            let r = vm.repr_string(vm.arg(a, 1))?;
            let msg = format!("{r} is not in range");
            Err(vm.value_error(&msg))
        }
    }
}

fn range_count<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "count", 2, 2)?;
    Ok(Value::int(range_position(vm, a)?.is_some() as i64))
}

fn stop_iteration_init<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let args = vm.tuple_from_stack(a.base + 1, a.n - 1)?;
    let sym = vm.intern("args");
    vm.setattr(vm.arg(a, 0), sym, args)?;
    let value = if a.n > 1 { vm.arg(a, 1) } else { Value::NONE };
    let sym = vm.intern("value");
    vm.setattr(vm.arg(a, 0), sym, value)?;
    Ok(Value::NONE)
}

fn identity<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    Ok(vm.arg(a, 0))
}

/// `f.__call__(*args, **kw)` of functions and methods: calls `f` (the VM
/// calls them directly; the method is there for code that looks for it,
/// like `collections.abc.Callable`'s hook).
fn call_self<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    if a.n == 0 {
        return Err(vm.type_error("descriptor '__call__' needs an argument"));
    }
    let rest = Args {
        base: a.base + 1,
        n: a.n - 1,
        kw: a.kw,
    };
    vm.call(vm.arg(a, 0), rest)
}

fn object_repr<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let s = vm.default_repr(vm.arg(a, 0));
    vm.new_str(&s)
}

fn object_str<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.repr(vm.arg(a, 0))
}

fn object_eq<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__eq__", 2, 2)?;
    Ok(if vm.arg(a, 0) == vm.arg(a, 1) {
        Value::TRUE
    } else {
        Value::NOT_IMPLEMENTED
    })
}

fn object_ne<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__ne__", 2, 2)?;
    let r = vm.call_dunder(vm.arg(a, 0), "__eq__", &[vm.arg(a, 1)])?;
    match r {
        Some(Value::NOT_IMPLEMENTED) | None => Ok(Value::NOT_IMPLEMENTED),
        Some(r) => Ok(Value::bool(!vm.truthy(r)?)),
    }
}

fn object_hash<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let id = vm.identity(vm.arg(a, 0));
    vm.int_from_i64(crate::ops::not_minus_one(id.rotate_right(4) as i64))
}

fn object_init_subclass<H: Heap>(_vm: &mut Vm<H>, _a: Args) -> PyResult {
    Ok(Value::NONE)
}

fn exc_args<H: Heap>(vm: &mut Vm<H>, e: Value) -> PyResult {
    let sym = vm.intern("args");
    match vm.getattr_opt(e, sym)? {
        Some(a) => Ok(a),
        None => vm.new_tuple(&[]),
    }
}

fn exc_str<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let args = exc_args(vm, vm.arg(a, 0))?;
    if !(args.is_obj() && object::kind(args.as_obj()) == Kind::Tuple) {
        return vm.to_str(args);
    }
    match object::array_len(args.as_obj()) {
        0 => vm.new_str(""),
        1 => vm.to_str(object::array_get(args.as_obj(), 0)),
        _ => vm.repr(args),
    }
}

fn key_error_str<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let args = exc_args(vm, vm.arg(a, 0))?;
    if args.is_obj()
        && object::kind(args.as_obj()) == Kind::Tuple
        && object::array_len(args.as_obj()) == 1
    {
        return vm.repr(object::array_get(args.as_obj(), 0));
    }
    exc_str(vm, a)
}

fn exc_repr<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let e = vm.arg(a, 0);
    let name = vm.type_name(e);
    let args = exc_args(vm, e)?;
    let inner = if args.is_obj() && object::kind(args.as_obj()) == Kind::Tuple {
        let n = object::array_len(args.as_obj());
        let r = vm.repr_string(args)?;
        if n == 1 {
            r[1..r.len() - 2].to_string()
        } else {
            r[1..r.len() - 1].to_string()
        }
    } else {
        vm.repr_string(args)?
    };
    let s = format!("{name}({inner})");
    vm.new_str(&s)
}

fn int_bit_length<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let v = vm.arg(a, 0);
    let n = num_traits::Signed::abs(&num::to_bigint(v)).bits();
    Ok(Value::int(n as i64))
}

/// `int.from_bytes(bytes, byteorder='big', *, signed=False)`; for a
/// subclass, `cls(value)`.
fn int_from_bytes<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "from_bytes", &["bytes", "byteorder", "signed"])?;
    vm.check_count(a, "from_bytes", 1, 3)?;
    let src = if a.n >= 2 {
        vm.arg(a, 1)
    } else {
        match vm.kwarg(a, "bytes") {
            Some(b) => b,
            None => {
                return Err(vm.type_error("from_bytes() missing required argument 'bytes' (pos 1)"));
            }
        }
    };
    let data = match vm.byte_contents(src) {
        Some(d) => d,
        None => {
            // Any iterable of byte values.
            let l = crate::builtins::types::collect_list(vm, src)?;
            let mut d = Vec::with_capacity(Vm::<H>::list_len(l));
            for i in 0..Vm::<H>::list_len(l) {
                match Vm::<H>::list_get(l, i).to_int() {
                    Some(b) if (0..256).contains(&b) => d.push(b as u8),
                    _ => return Err(vm.value_error("bytes must be in range(0, 256)")),
                }
            }
            d
        }
    };
    let order = if a.n >= 3 {
        Some(vm.arg(a, 2))
    } else {
        vm.kwarg(a, "byteorder")
    };
    let big = match order {
        None => true,
        Some(o) => match vm.str_string(o)?.as_str() {
            "big" => true,
            "little" => false,
            _ => return Err(vm.value_error("byteorder must be either 'little' or 'big'")),
        },
    };
    let signed = match vm.kwarg(a, "signed") {
        Some(s) => vm.truthy(s)?,
        None => false,
    };
    let v = match (big, signed) {
        (true, true) => num_bigint::BigInt::from_signed_bytes_be(&data),
        (true, false) => num_bigint::BigInt::from_bytes_be(num_bigint::Sign::Plus, &data),
        (false, true) => num_bigint::BigInt::from_signed_bytes_le(&data),
        (false, false) => num_bigint::BigInt::from_bytes_le(num_bigint::Sign::Plus, &data),
    };
    let i = vm.new_int(v)?;
    let cls = vm.arg(a, 0);
    if cls == vm.class(T_INT) {
        return Ok(i);
    }
    vm.call_values(cls, &[i])
}

fn int_to_bytes<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "to_bytes", &["length", "byteorder", "signed"])?;
    let v = num::to_bigint(vm.arg(a, 0));
    let len = if a.n >= 2 {
        vm.arg(a, 1)
    } else {
        vm.kwarg(a, "length").unwrap_or(Value::int(1))
    };
    let len = len.to_int().unwrap_or(1).max(0) as usize;
    let order = if a.n >= 3 {
        vm.arg(a, 2)
    } else {
        vm.kwarg(a, "byteorder").unwrap_or(Value::NULL)
    };
    let big = order.is_null() || object::str_of(order.as_obj()) == "big";
    let signed = match vm.kwarg(a, "signed") {
        Some(s) => vm.truthy(s)?,
        None => false,
    };
    if !signed && v < num_bigint::BigInt::from(0) {
        return Err(vm.overflow_error("can't convert negative int to unsigned"));
    }
    let mut bytes = v.to_signed_bytes_le();
    if !signed && bytes.len() > 1 && *bytes.last().unwrap_or(&1) == 0 {
        bytes.pop();
    }
    if bytes.len() > len && !(v == num_bigint::BigInt::from(0) && len == 0) {
        return Err(vm.overflow_error("int too big to convert"));
    }
    let fill = if v < num_bigint::BigInt::from(0) {
        0xff
    } else {
        0
    };
    bytes.resize(len, fill);
    if big {
        bytes.reverse();
    }
    vm.new_bytes_kind(Kind::Bytes, &bytes)
}

fn float_is_integer<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let f = object::float_of(vm.arg(a, 0).as_obj());
    Ok(Value::bool(f.is_finite() && f.fract() == 0.0))
}

fn float_as_integer_ratio<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let f = object::float_of(vm.arg(a, 0).as_obj());
    match crate::format::float_as_integer_ratio(f) {
        Ok((n, d)) => {
            let n = vm.new_int(n)?;
            let ns = vm.push(n);
            let d = vm.new_int(d)?;
            let t = vm.new_tuple(&[vm.st(ns), d]);
            vm.truncate(ns);
            t
        }
        Err(e) => Err(vm.value_error(&e.msg)),
    }
}

/// Finishes a generator step: a yielded value, or StopIteration(value).
fn gen_result<H: Heap>(vm: &mut Vm<H>, r: Result<Value, Value>) -> PyResult {
    match r {
        Ok(v) => Ok(v),
        Err(ret) => {
            // `ret` stays rooted while the exception is made.
            let rs = vm.push(ret);
            let cls = vm.class(T_STOP_ITERATION);
            let e = if ret.is_none() {
                vm.call_values(cls, &[])?
            } else {
                vm.call_values(cls, &[ret])?
            };
            let vsym = vm.intern("value");
            let es = vm.push(e);
            vm.setattr(vm.st(es), vsym, vm.st(rs))?;
            let e = vm.st(es);
            vm.truncate(rs);
            Err(vm.raise_value(e, Value::NULL))
        }
    }
}

fn gen_send<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "send", 2, 2)?;
    let r = vm.gen_resume(a.base, vm.arg(a, 1), Value::NULL)?;
    gen_result(vm, r)
}

fn gen_next<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let r = vm.gen_resume(a.base, Value::NONE, Value::NULL)?;
    gen_result(vm, r)
}

fn gen_throw<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "throw", 2, 4)?;
    let e = vm.arg(a, 1);
    let value = if a.n >= 3 { vm.arg(a, 2) } else { Value::NONE };
    // throw(type, value): `value` itself when it is an instance of `type`
    // (contextlib passes the caught exception), else `type(value)`.
    let e = if vm.is_class(e) {
        if !value.is_none() && vm.isinstance(value, e) {
            value
        } else if !value.is_none() {
            vm.call_values(e, &[value])?
        } else {
            vm.call_values(e, &[])?
        }
    } else {
        e
    };
    if a.n >= 4 && !vm.arg(a, 3).is_none() {
        let es = vm.push(e);
        let sym = vm.intern("__traceback__");
        vm.setattr(e, sym, vm.arg(a, 3))?;
        let e = vm.st(es);
        vm.truncate(es);
        let r = vm.gen_resume(a.base, Value::NONE, e)?;
        return gen_result(vm, r);
    }
    let r = vm.gen_resume(a.base, Value::NONE, e)?;
    gen_result(vm, r)
}

fn gen_close<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let g = vm.arg(a, 0).as_obj();
    let state = object::word(g, field::GEN_STATE);
    if state != crate::interp::GEN_SUSPENDED {
        object::set_word(g, field::GEN_STATE, crate::interp::GEN_DONE);
        return Ok(Value::NONE);
    }
    let e = vm.call_values(vm.class(T_GENERATOR_EXIT), &[])?;
    match vm.gen_resume(a.base, Value::NONE, e) {
        Ok(Ok(_)) => Err(vm.raise_msg(T_RUNTIME_ERROR, "generator ignored GeneratorExit")),
        Ok(Err(_)) => Ok(Value::NONE),
        Err(x) => {
            if vm.isinstance_idx(vm.rt.exc, T_GENERATOR_EXIT)
                || vm.isinstance_idx(vm.rt.exc, T_STOP_ITERATION)
            {
                vm.rt.exc = Value::NULL;
                Ok(Value::NONE)
            } else {
                Err(x)
            }
        }
    }
}

fn iter_next<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    match vm.iter_next(a.base)? {
        Some(v) => Ok(v),
        None => Err(vm.raise_msg(T_STOP_ITERATION, "")),
    }
}

fn prop_copy<H: Heap>(vm: &mut Vm<H>, a: Args, which: usize) -> PyResult {
    vm.check_args(a, "property", 2, 2)?;
    let p = vm.alloc_fixed(Kind::Property)?;
    let old = vm.arg(a, 0).as_obj();
    for i in 0..4 {
        object::init(p, i, object::get(old, i));
    }
    object::init(p, which, vm.arg(a, 1));
    Ok(Value::obj(p))
}

fn prop_getter<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    prop_copy(vm, a, field::PROP_GET)
}

fn prop_setter<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    prop_copy(vm, a, field::PROP_SET)
}

fn prop_deleter<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    prop_copy(vm, a, field::PROP_DEL)
}

impl<H: Heap> Vm<H> {
    /// Attribute lookup through a `super` object: the MRO of the object's
    /// type after the given class.
    pub fn super_getattr(&mut self, sup: Value, name: u32) -> PyResult<Option<Value>> {
        let so = sup.as_obj();
        let (start, obj) = (object::get(so, 0), object::get(so, 1));
        let t = if self.is_class(obj) && self.is_subclass(obj, start) {
            obj
        } else {
            self.type_of(obj)
        };
        let mro = object::get(t.as_obj(), field::CLS_MRO);
        let items: Vec<Value> = object::items(mro.as_obj()).to_vec();
        let pos = items
            .iter()
            .position(|c| *c == start)
            .map_or(items.len(), |p| p + 1);
        let key = self.sym(name);
        for c in &items[pos..] {
            let d = object::get(c.as_obj(), field::CLS_DICT);
            if let Some(v) = self.dict_get_str(d, key) {
                if v.is_obj() {
                    match object::kind(v.as_obj()) {
                        Kind::Function => return self.new_bound(v, obj).map(Some),
                        Kind::Builtin if object::get(v.as_obj(), field::BI_SELF).is_null() => {
                            let idx = object::word(v.as_obj(), field::BI_INDEX);
                            // `__new__` is a static method: never bound.
                            if self.natives[idx].name == "__new__"
                                || self.natives[idx].plain_function
                            {
                                return Ok(Some(v));
                            }
                            return self.new_builtin(idx, obj).map(Some);
                        }
                        Kind::ClassMethod => {
                            let f = object::get(v.as_obj(), 0);
                            return self.new_bound(f, t).map(Some);
                        }
                        Kind::StaticMethod => return Ok(Some(object::get(v.as_obj(), 0))),
                        Kind::Property => {
                            let g = object::get(v.as_obj(), field::PROP_GET);
                            return self.call_values(g, &[obj]).map(Some);
                        }
                        _ => {}
                    }
                }
                return Ok(Some(v));
            }
        }
        let _ = items.len().to_u32();
        Ok(None)
    }
}

/// The attribute-name argument `i` of an `object.__*attr__` call.
fn attr_name<H: Heap>(vm: &mut Vm<H>, a: Args, i: usize) -> PyResult<u32> {
    let n = Vm::<H>::unbox(vm.arg(a, i));
    if !(n.is_obj() && object::kind(n.as_obj()) == Kind::Str) {
        let msg = format!("attribute name must be string, not '{}'", vm.type_name(n));
        return Err(vm.type_error(&msg));
    }
    let s = object::str_of(n.as_obj()).to_string();
    Ok(vm.intern(&s))
}

/// `object.__format__(self, spec)`: `str(self)` for an empty spec.
fn object_format<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__format__", 2, 2)?;
    let spec = vm.arg(a, 1);
    let empty = spec.is_obj()
        && object::kind(spec.as_obj()) == Kind::Str
        && object::word(spec.as_obj(), 0) == 0;
    if !empty {
        let msg = format!(
            "unsupported format string passed to {}.__format__",
            vm.type_name(vm.arg(a, 0))
        );
        return Err(vm.type_error(&msg));
    }
    vm.to_str(vm.arg(a, 0))
}

/// `int.__format__`, `float.__format__`, `str.__format__`: the builtin
/// formatting of the (unboxed) value.
fn value_format<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__format__", 2, 2)?;
    vm.format(vm.arg(a, 0), vm.arg(a, 1))
}

/// `object.__setattr__(self, name, value)`: the default attribute store,
/// bypassing a class's own `__setattr__` (which usually calls this).
fn object_setattr<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__setattr__", 3, 3)?;
    let name = attr_name(vm, a, 1)?;
    let (obj, v) = (vm.arg(a, 0), vm.arg(a, 2));
    if Vm::<H>::is_instance_obj(obj) {
        let t = vm.type_of(obj);
        let is_property = vm
            .class_lookup(t, name)
            .is_some_and(|d| d.is_obj() && object::kind(d.as_obj()) == Kind::Property);
        if !is_property {
            vm.inst_set(obj, name, v)?;
            return Ok(Value::NONE);
        }
    }
    vm.setattr(obj, name, v)?;
    Ok(Value::NONE)
}

/// `object.__delattr__(self, name)`.
fn object_delattr<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__delattr__", 2, 2)?;
    let name = attr_name(vm, a, 1)?;
    vm.delattr(vm.arg(a, 0), name)?;
    Ok(Value::NONE)
}

/// `object.__getattribute__(self, name)`: the default attribute lookup.
fn object_getattribute<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__getattribute__", 2, 2)?;
    let name = attr_name(vm, a, 1)?;
    vm.getattr(vm.arg(a, 0), name)
}

/// `descr.__get__(obj, type=None)` for functions, classmethods,
/// staticmethods and properties: what attribute lookup does implicitly
/// (and what `inspect`/`enum` test for to recognise descriptors).
fn descr_get<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__get__", 2, 3)?;
    let (d, obj) = (vm.arg(a, 0), vm.arg(a, 1));
    let owner = if a.n == 3 && !vm.arg(a, 2).is_none() {
        vm.arg(a, 2)
    } else {
        vm.type_of(obj)
    };
    match object::kind(d.as_obj()) {
        Kind::Function if obj.is_none() => Ok(d),
        Kind::Function => vm.new_bound(d, obj),
        Kind::ClassMethod => vm.new_bound(object::get(d.as_obj(), 0), owner),
        Kind::StaticMethod => Ok(object::get(d.as_obj(), 0)),
        Kind::Property if obj.is_none() => Ok(d),
        _ => {
            let g = object::get(d.as_obj(), field::PROP_GET);
            if g.is_null() || g.is_none() {
                return Err(vm.raise_msg(T_ATTRIBUTE_ERROR, "unreadable attribute"));
            }
            vm.call_values(g, &[obj])
        }
    }
}

/// `int.real`/`int.numerator`: the int itself (a plain int for a bool or a
/// subclass instance, as CPython returns).
fn int_itself<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let v = vm.arg(a, 0);
    if v.is_bool() {
        return Ok(Value::int((v == Value::TRUE) as i64));
    }
    Ok(v)
}
