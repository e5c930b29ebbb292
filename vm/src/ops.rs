//! The object protocol: truthiness, hashing, equality and ordering, binary
//! and unary operators with dunder fallbacks, attribute access with
//! descriptors and hidden-class instance slots, item access, iteration,
//! calls, and raising exceptions.

use crate::builtins::*;
use crate::bytecode::{BinOp, CmpOp, UnOp};
use crate::num::{self, bigint_of};
use crate::object::{self, Kind, field};
use crate::value::Value;
use crate::vm::{Args, Exc, PyResult, Vm};
use gc_api::Heap;

/// Iterator kinds (IT_KIND word of `Kind::Iter`).
pub mod iterk {
    pub const SEQ: usize = 0;
    pub const RANGE: usize = 1;
    pub const STR: usize = 2;
    pub const DICT_KEYS: usize = 3;
    pub const DICT_VALUES: usize = 4;
    pub const DICT_ITEMS: usize = 5;
    pub const SET: usize = 6;
    pub const ENUMERATE: usize = 7;
    pub const ZIP: usize = 8;
    pub const MAP: usize = 9;
    pub const FILTER: usize = 10;
    pub const REVERSED: usize = 11;
    pub const CALL_SENTINEL: usize = 12;
    pub const BYTES: usize = 13;
}

fn dunder(op: BinOp) -> (&'static str, &'static str, &'static str) {
    match op {
        BinOp::Add => ("__add__", "__radd__", "+"),
        BinOp::Sub => ("__sub__", "__rsub__", "-"),
        BinOp::Mul => ("__mul__", "__rmul__", "*"),
        BinOp::TrueDiv => ("__truediv__", "__rtruediv__", "/"),
        BinOp::FloorDiv => ("__floordiv__", "__rfloordiv__", "//"),
        BinOp::Mod => ("__mod__", "__rmod__", "%"),
        BinOp::Pow => ("__pow__", "__rpow__", "** or pow()"),
        BinOp::LShift => ("__lshift__", "__rlshift__", "<<"),
        BinOp::RShift => ("__rshift__", "__rrshift__", ">>"),
        BinOp::And => ("__and__", "__rand__", "&"),
        BinOp::Or => ("__or__", "__ror__", "|"),
        BinOp::Xor => ("__xor__", "__rxor__", "^"),
        BinOp::MatMul => ("__matmul__", "__rmatmul__", "@"),
    }
}

fn inplace_dunder(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "__iadd__",
        BinOp::Sub => "__isub__",
        BinOp::Mul => "__imul__",
        BinOp::TrueDiv => "__itruediv__",
        BinOp::FloorDiv => "__ifloordiv__",
        BinOp::Mod => "__imod__",
        BinOp::Pow => "__ipow__",
        BinOp::LShift => "__ilshift__",
        BinOp::RShift => "__irshift__",
        BinOp::And => "__iand__",
        BinOp::Or => "__ior__",
        BinOp::Xor => "__ixor__",
        BinOp::MatMul => "__imatmul__",
    }
}

/// CPython never returns -1 as a hash (it means "error" in C).
#[inline]
pub fn not_minus_one(h: i64) -> i64 {
    if h == -1 { -2 } else { h }
}

/// The form of a hash stored in dict and set tables: the low 63 bits
/// (sign-extended), so it fits a small-int value that collectors scan
/// safely. Probing starts from the low bits, so table layouts match
/// CPython's except in the rare collision chains that reach bit 63.
#[inline]
pub fn table_hash(h: i64) -> i64 {
    (h << 1) >> 1
}

/// CPython's hash of an integer: value mod 2^61-1 with the sign kept.
pub fn hash_int_i64(i: i64) -> i64 {
    const M: i128 = (1 << 61) - 1;
    let r = (i.unsigned_abs() as i128 % M) as i64;
    let r = if i < 0 { -r } else { r };
    if r == -1 { -2 } else { r }
}

/// CPython's hash of a float.
pub fn hash_f64(f: f64) -> i64 {
    if f.is_infinite() {
        return if f > 0.0 { 314159 } else { -314159 };
    }
    if f.is_nan() {
        return 0;
    }
    if f.fract() == 0.0 && f.abs() < 9.2e18 {
        return hash_int_i64(f as i64);
    }
    const BITS: i32 = 61;
    const M: u64 = (1 << 61) - 1;
    let (mut m, mut e) = frexp(f.abs());
    let mut x: u64 = 0;
    while m != 0.0 {
        x = ((x << 28) & M) | (x >> (BITS - 28));
        m *= 268435456.0;
        e -= 28;
        let y = m as u64;
        m -= y as f64;
        x += y;
        if x >= M {
            x -= M;
        }
    }
    let e = if e >= 0 {
        e % BITS
    } else {
        BITS - 1 - ((-1 - e) % BITS)
    };
    x = ((x << e) & M) | (x >> (BITS - e));
    let r = if f < 0.0 { -(x as i64) } else { x as i64 };
    if r == -1 { -2 } else { r }
}

fn frexp(f: f64) -> (f64, i32) {
    if f == 0.0 {
        return (0.0, 0);
    }
    let bits = f.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        let (m, e) = frexp(f * 2f64.powi(64));
        return (m, e - 64);
    }
    let m = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (m, exp - 1022)
}

/// FNV-1a over the UTF-8 bytes (strings hash deterministically here; CPython
/// randomises them, so no test may depend on string hash order).
pub fn hash_bytes(b: &[u8]) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &x in b {
        h ^= x as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    not_minus_one(h as i64)
}

impl<H: Heap> Vm<H> {
    // ------------------------------------------------------------ raising

    /// An exception instance of builtin class `t` with `args = (msg,)`.
    pub fn new_exception(&mut self, t: usize, msg: &str) -> PyResult {
        let s = self.new_str(msg)?;
        let mark = self.push(s);
        let n = if msg.is_empty() { 0 } else { 1 };
        let args = self.tuple_from_stack(mark, n)?;
        self.set_st(mark, args);
        let cls = self.class(t);
        let e = self.new_instance(cls)?;
        let em = self.push(e);
        let args_sym = self.intern("args");
        let (e, a) = (self.st(em), self.st(mark));
        self.setattr(e, args_sym, a)?;
        let e = self.st(em);
        self.truncate(mark);
        Ok(e)
    }

    /// Raises builtin exception `t` with a message.
    pub fn raise_msg(&mut self, t: usize, msg: &str) -> Exc {
        match self.new_exception(t, msg) {
            Ok(e) => {
                self.rt.exc = e;
                self.rt.traceback.clear();
                Exc
            }
            Err(e) => e,
        }
    }

    /// `TypeError(msg)`.
    pub fn type_error(&mut self, msg: &str) -> Exc {
        self.raise_msg(T_TYPE_ERROR, msg)
    }

    /// `ValueError(msg)`.
    pub fn value_error(&mut self, msg: &str) -> Exc {
        self.raise_msg(T_VALUE_ERROR, msg)
    }

    /// `ZeroDivisionError(msg)`.
    pub fn zero_division(&mut self, msg: &str) -> Exc {
        self.raise_msg(T_ZERO_DIVISION_ERROR, msg)
    }

    /// `OverflowError(msg)`.
    pub fn overflow_error(&mut self, msg: &str) -> Exc {
        self.raise_msg(T_OVERFLOW_ERROR, msg)
    }

    /// `raise e [from cause]`: `e` may be a class or an instance.
    pub fn raise_value(&mut self, e: Value, cause: Value) -> Exc {
        let base = self.class(T_BASE_EXCEPTION);
        let cause_slot = self.push(cause);
        let exc = if self.is_class(e) {
            if !self.is_subclass(e, base) {
                return self.type_error("exceptions must derive from BaseException");
            }
            match self.call_values(e, &[]) {
                Ok(v) => v,
                Err(x) => return x,
            }
        } else {
            e
        };
        if !self.isinstance(exc, base) {
            return self.type_error("exceptions must derive from BaseException");
        }
        let mark = self.push(exc);
        if !self.rt.handling.is_null() && self.rt.handling != exc {
            let sym = self.intern("__context__");
            let (e, h) = (self.st(mark), self.rt.handling);
            if let Err(x) = self.setattr(e, sym, h) {
                return x;
            }
        }
        let cause = self.st(cause_slot);
        if !cause.is_null() {
            let c = if self.is_class(cause) {
                match self.call_values(cause, &[]) {
                    Ok(v) => v,
                    Err(x) => return x,
                }
            } else {
                cause
            };
            let sym = self.intern("__cause__");
            let e = self.st(mark);
            if let Err(x) = self.setattr(e, sym, c) {
                return x;
            }
            let sym = self.intern("__suppress_context__");
            let e = self.st(mark);
            if let Err(x) = self.setattr(e, sym, Value::TRUE) {
                return x;
            }
        }
        self.rt.exc = self.st(mark);
        self.truncate(cause_slot);
        // `raise e` of an exception raised before adds to its traceback.
        self.resume_traceback(self.rt.exc);
        Exc
    }

    /// Is `v` an instance of builtin class `t`?
    pub fn isinstance_idx(&self, v: Value, t: usize) -> bool {
        !v.is_null() && self.isinstance(v, self.class(t))
    }

    /// `except T` matching (T a class or tuple of classes).
    pub fn exc_matches(&mut self, e: Value, t: Value) -> PyResult<bool> {
        if t.is_obj() && object::kind(t.as_obj()) == Kind::Tuple {
            for i in 0..object::array_len(t.as_obj()) {
                if self.exc_matches(e, object::array_get(t.as_obj(), i))? {
                    return Ok(true);
                }
            }
            return Ok(false);
        }
        if !self.is_class(t) {
            return Err(self.type_error(
                "catching classes that do not inherit from BaseException is not allowed",
            ));
        }
        Ok(self.isinstance(e, t))
    }

    // -------------------------------------------------------------- classes

    /// Is `v` an instance of a user-defined class? Only those reach dunder
    /// methods from the protocol functions; builtin kinds are handled
    /// natively (their dunder methods call back into the protocol).
    #[inline]
    pub fn is_instance_obj(v: Value) -> bool {
        v.is_obj() && object::kind(v.as_obj()) == Kind::Instance
    }

    /// `callable(v)`.
    pub fn is_callable(&mut self, v: Value) -> bool {
        v.is_obj()
            && (matches!(
                object::kind(v.as_obj()),
                Kind::Function | Kind::Builtin | Kind::BoundMethod | Kind::Class
            ) || self.type_method(v, "__call__").is_some())
    }

    /// Does `v` take its protocols (len, items, iteration, truth, str)
    /// from dunder methods of its class? Instances, and weakref objects
    /// (proxies forward through their type's methods; `ref` subclasses),
    /// and classes whose metaclass is not `type` (`for m in SomeEnum`).
    #[inline]
    pub fn has_dunders(v: Value) -> bool {
        v.is_obj()
            && match object::kind(v.as_obj()) {
                Kind::Instance | Kind::WeakRef => true,
                Kind::Class => !object::get(v.as_obj(), field::CLS_META).is_null(),
                _ => false,
            }
    }

    /// Is `v` a class object?
    #[inline]
    pub fn is_class(&self, v: Value) -> bool {
        v.is_obj() && object::kind(v.as_obj()) == Kind::Class
    }

    /// Is class `a` a subclass of `b` (MRO membership)?
    pub fn is_subclass(&self, a: Value, b: Value) -> bool {
        if a == b {
            return true;
        }
        let mro = object::get(a.as_obj(), field::CLS_MRO);
        if !mro.is_obj() {
            return false;
        }
        object::items(mro.as_obj()).contains(&b)
    }

    /// `isinstance(v, cls)` for one class.
    pub fn isinstance(&self, v: Value, cls: Value) -> bool {
        let t = self.type_of(v);
        self.is_subclass(t, cls)
    }

    /// Looks `sym` up along the MRO of class `cls`.
    pub fn class_lookup(&mut self, cls: Value, sym: u32) -> Option<Value> {
        let id = object::word(cls.as_obj(), field::CLS_ID) as u32;
        if let Some(v) = self.rt.attr_cache.get(&(id, sym)) {
            return if v.is_null() { None } else { Some(*v) };
        }
        let key = self.sym(sym);
        let mro = object::get(cls.as_obj(), field::CLS_MRO).as_obj();
        let mut found = None;
        for i in 0..object::array_len(mro) {
            let c = object::array_get(mro, i);
            let d = object::get(c.as_obj(), field::CLS_DICT);
            if let Some(v) = self.dict_get_str(d, key) {
                found = Some(v);
                break;
            }
        }
        self.rt
            .attr_cache
            .insert((id, sym), found.unwrap_or(Value::NULL));
        found
    }

    /// Dict lookup with a str key that never runs Python code (keys compared
    /// by identity or as strings; non-str keys never match).
    pub fn dict_get_str(&self, d: Value, key: Value) -> Option<Value> {
        let used = Self::dict_used(d);
        if used == 0 {
            return None;
        }
        let ks = object::str_of(key.as_obj());
        for i in 0..used {
            let (k, v) = Self::dict_entry(d, i);
            if k == key {
                return Some(v);
            }
            if k.is_obj()
                && object::kind(k.as_obj()) == Kind::Str
                && object::str_of(k.as_obj()) == ks
            {
                return Some(v);
            }
        }
        None
    }

    // ------------------------------------------------------------ attributes

    /// `getattr(obj, name)`.
    pub fn getattr(&mut self, obj: Value, name: u32) -> PyResult {
        match self.getattr_opt(obj, name)? {
            Some(v) => Ok(v),
            None => {
                let tn = self.type_name(obj);
                let msg = if self.is_class(obj) {
                    format!(
                        "type object '{}' has no attribute '{}'",
                        self.class_name(obj),
                        self.interner.name(name)
                    )
                } else if obj.is_obj() && object::kind(obj.as_obj()) == Kind::Module {
                    let mn = object::str_of(object::get(obj.as_obj(), field::MOD_NAME).as_obj())
                        .to_string();
                    format!(
                        "module '{}' has no attribute '{}'",
                        mn,
                        self.interner.name(name)
                    )
                } else {
                    format!(
                        "'{}' object has no attribute '{}'",
                        tn,
                        self.interner.name(name)
                    )
                };
                Err(self.raise_msg(T_ATTRIBUTE_ERROR, &msg))
            }
        }
    }

    /// `getattr` returning `None` instead of raising AttributeError.
    pub fn getattr_opt(&mut self, obj: Value, name: u32) -> PyResult<Option<Value>> {
        if obj.is_obj() && object::kind(obj.as_obj()) == Kind::Super {
            return self.super_getattr(obj, name);
        }
        if crate::weakref::is_proxy(obj) {
            return self.weakref_getattr(obj, name);
        }
        let t = self.type_of(obj);
        let descr = self.class_lookup(t, name);
        if let Some(d) = descr
            && d.is_obj()
            && object::kind(d.as_obj()) == Kind::Property
        {
            let g = object::get(d.as_obj(), field::PROP_GET);
            if g.is_null() || g.is_none() {
                return Err(self.raise_msg(T_ATTRIBUTE_ERROR, "unreadable attribute"));
            }
            return self.call_values(g, &[obj]).map(Some);
        }
        if obj.is_obj() {
            let o = obj.as_obj();
            match object::kind(o) {
                Kind::Instance => {
                    if let Some(v) = self.inst_get(o, name) {
                        return Ok(Some(v));
                    }
                }
                Kind::Class => return self.class_getattr(obj, name),
                Kind::WeakRef => {
                    if let Some(v) = self.weakref_getattr(obj, name)? {
                        return Ok(Some(v));
                    }
                }
                Kind::Module => {
                    let d = object::get(o, field::MOD_DICT);
                    let k = self.sym(name);
                    if let Some(v) = self.dict_get_item(d, k)? {
                        return Ok(Some(v));
                    }
                    if self.interner.name(name) == "__dict__" {
                        return Ok(Some(d));
                    }
                }
                Kind::Function => {
                    if let Some(v) = self.function_attr(obj, name)? {
                        return Ok(Some(v));
                    }
                }
                Kind::Generator => {
                    // A generator (coroutine) is named after its function.
                    let slot = match self.interner.name(name) {
                        "__name__" => Some(field::FN_NAME),
                        "__qualname__" => Some(field::FN_QUALNAME),
                        _ => None,
                    };
                    if let Some(slot) = slot {
                        let f = object::get(o, field::GEN_FUNC);
                        return Ok(Some(object::get(f.as_obj(), slot)));
                    }
                }
                Kind::BoundMethod => match self.interner.name(name) {
                    "__self__" => return Ok(Some(object::get(o, field::BM_SELF))),
                    "__func__" => return Ok(Some(object::get(o, field::BM_FUNC))),
                    "__class__" => {}
                    _ if descr.is_none() => {
                        // Other attributes come from the function.
                        let f = object::get(o, field::BM_FUNC);
                        return self.getattr_opt(f, name);
                    }
                    _ => {}
                },
                Kind::Builtin => {
                    let idx = object::word(o, field::BI_INDEX);
                    match self.interner.name(name) {
                        "__name__" | "__qualname__" => {
                            let n = self.natives[idx].name;
                            return self.new_str(n).map(Some);
                        }
                        "__self__" => {
                            let s = object::get(o, field::BI_SELF);
                            return Ok(Some(if s.is_null() { Value::NONE } else { s }));
                        }
                        "__doc__" => return Ok(Some(Value::NONE)),
                        _ => {}
                    }
                }
                Kind::Property => {
                    let f = match self.interner.name(name) {
                        "fget" => Some(field::PROP_GET),
                        "fset" => Some(field::PROP_SET),
                        "fdel" => Some(field::PROP_DEL),
                        "__doc__" => Some(field::PROP_DOC),
                        "__isabstractmethod__" => {
                            return self.property_is_abstract(obj).map(Some);
                        }
                        _ => None,
                    };
                    if let Some(f) = f {
                        let v = object::get(o, f);
                        return Ok(Some(if v.is_null() { Value::NONE } else { v }));
                    }
                }
                Kind::ClassMethod | Kind::StaticMethod => {
                    let f = object::get(o, 0);
                    match self.interner.name(name) {
                        "__func__" | "__wrapped__" => return Ok(Some(f)),
                        "__isabstractmethod__" => {
                            let r = self.getattr_opt(f, name)?;
                            return Ok(Some(r.unwrap_or(Value::FALSE)));
                        }
                        "__name__" | "__qualname__" | "__doc__" | "__module__" => {
                            return self.getattr_opt(f, name);
                        }
                        _ => {}
                    }
                }
                Kind::Range | Kind::Slice => {
                    let i = match self.interner.name(name) {
                        "start" => Some(0),
                        "stop" => Some(1),
                        "step" => Some(2),
                        _ => None,
                    };
                    if let Some(i) = i {
                        return Ok(Some(object::get(o, i)));
                    }
                }
                _ => {}
            }
        }
        if let Some(d) = descr {
            return self.bind_descr(d, obj, t).map(Some);
        }
        match self.interner.name(name) {
            "__class__" => return Ok(Some(t)),
            "__dict__" if obj.is_obj() && object::kind(obj.as_obj()) == Kind::Instance => {
                return self.instance_dict(obj).map(Some);
            }
            _ => {}
        }
        let ga = self.intern("__getattr__");
        if let Some(g) = self.class_lookup(t, ga) {
            let n = self.sym(name);
            return match self.call_values(g, &[obj, n]) {
                Ok(v) => Ok(Some(v)),
                Err(e) => {
                    if self.isinstance_idx(self.rt.exc, T_ATTRIBUTE_ERROR) {
                        self.rt.exc = Value::NULL;
                        Ok(None)
                    } else {
                        Err(e)
                    }
                }
            };
        }
        Ok(None)
    }

    fn class_getattr(&mut self, cls: Value, name: u32) -> PyResult<Option<Value>> {
        if let Some(v) = self.class_lookup(cls, name) {
            if v.is_obj() {
                match object::kind(v.as_obj()) {
                    Kind::ClassMethod => {
                        let f = object::get(v.as_obj(), 0);
                        return self.new_bound(f, cls).map(Some);
                    }
                    Kind::StaticMethod => return Ok(Some(object::get(v.as_obj(), 0))),
                    Kind::Instance => {
                        // A descriptor read through the class: __get__(None, cls).
                        let get = self.intern("__get__");
                        let dt = self.type_of(v);
                        if let Some(g) = self.class_lookup(dt, get) {
                            return self.call_values(g, &[v, Value::NONE, cls]).map(Some);
                        }
                    }
                    _ => {}
                }
            }
            return Ok(Some(v));
        }
        let co = cls.as_obj();
        Ok(match self.interner.name(name) {
            "__name__" => Some(object::get(co, field::CLS_NAME)),
            "__mro__" => Some(object::get(co, field::CLS_MRO)),
            "__bases__" => Some(object::get(co, field::CLS_BASES)),
            "__base__" => {
                let b = object::get(co, field::CLS_BASES);
                Some(if object::array_len(b.as_obj()) > 0 {
                    object::array_get(b.as_obj(), 0)
                } else {
                    Value::NONE
                })
            }
            "__dict__" => {
                let d = object::get(co, field::CLS_DICT);
                Some(crate::builtins::mappingproxy::new_proxy(self, d)?)
            }
            "__class__" => Some(self.metaclass_of(cls)),
            "__qualname__" => Some(object::get(co, field::CLS_QUALNAME)),
            "__module__" => Some(object::get(co, field::CLS_MODULE)),
            _ => {
                // Attributes of the metaclass (methods bind to the class).
                let meta = self.metaclass_of(cls);
                match self.class_lookup(meta, name) {
                    Some(d) => Some(self.bind_descr(d, cls, meta)?),
                    None => None,
                }
            }
        })
    }

    fn function_attr(&mut self, f: Value, name: u32) -> PyResult<Option<Value>> {
        let fo = f.as_obj();
        Ok(match self.interner.name(name) {
            "__name__" => Some(object::get(fo, field::FN_NAME)),
            "__qualname__" => Some(object::get(fo, field::FN_QUALNAME)),
            "__defaults__" => {
                let d = object::get(fo, field::FN_DEFAULTS);
                Some(if d.is_null() { Value::NONE } else { d })
            }
            "__module__" => {
                let g = object::get(fo, field::FN_GLOBALS);
                let k = self.sym_str("__name__");
                self.dict_get_item(g, k)?
            }
            "__globals__" => Some(object::get(fo, field::FN_GLOBALS)),
            "__kwdefaults__" => {
                let d = object::get(fo, field::FN_KWDEFAULTS);
                Some(if d.is_null() { Value::NONE } else { d })
            }
            "__doc__" => {
                let d = object::get(fo, field::FN_DICT);
                let k = self.sym(name);
                if d.is_obj()
                    && let Some(v) = self.dict_get_item(d, k)?
                {
                    return Ok(Some(v));
                }
                // SAFETY: FN_CODE holds a leaked &'static Code set by MakeFunction.
                let code: &'static crate::bytecode::Code =
                    unsafe { &*(object::word(fo, field::FN_CODE) as *const crate::bytecode::Code) };
                Some(match &code.doc {
                    Some(doc) => self.new_str(doc)?,
                    None => Value::NONE,
                })
            }
            "__annotations__" => {
                // Annotations are not recorded by the compiler: an empty
                // dict, kept in the function's dict once asked for.
                let d = object::get(fo, field::FN_DICT);
                let k = self.sym(name);
                if d.is_obj()
                    && let Some(v) = self.dict_get_item(d, k)?
                {
                    return Ok(Some(v));
                }
                let fs = self.push(f);
                let a = self.new_dict()?;
                self.push(a);
                self.setattr(self.st(fs), name, a)?;
                let a = self.st(fs + 1);
                self.truncate(fs);
                Some(a)
            }
            "__dict__" => {
                let d = object::get(fo, field::FN_DICT);
                if d.is_obj() {
                    Some(d)
                } else {
                    let fs = self.push(f);
                    let d = self.new_dict()?;
                    let fo = self.st(fs).as_obj();
                    self.truncate(fs);
                    self.store(fo, field::FN_DICT, d);
                    Some(d)
                }
            }
            _ => {
                let d = object::get(fo, field::FN_DICT);
                if d.is_obj() {
                    let k = self.sym(name);
                    self.dict_get_item(d, k)?
                } else {
                    None
                }
            }
        })
    }

    /// Binds a class attribute found for `obj` of type `t`.
    fn bind_descr(&mut self, d: Value, obj: Value, t: Value) -> PyResult {
        if !d.is_obj() {
            return Ok(d);
        }
        match object::kind(d.as_obj()) {
            Kind::Function => self.new_bound(d, obj),
            Kind::Builtin if object::get(d.as_obj(), field::BI_SELF).is_null() => {
                let idx = object::word(d.as_obj(), field::BI_INDEX);
                if self.natives[idx].plain_function {
                    return Ok(d);
                }
                self.new_builtin(idx, obj)
            }
            Kind::ClassMethod => {
                let f = object::get(d.as_obj(), 0);
                self.new_bound(f, t)
            }
            Kind::StaticMethod => Ok(object::get(d.as_obj(), 0)),
            Kind::Instance => {
                let get = self.intern("__get__");
                let dt = self.type_of(d);
                match self.class_lookup(dt, get) {
                    Some(g) => self.call_values(g, &[d, obj, t]),
                    None => Ok(d),
                }
            }
            _ => Ok(d),
        }
    }

    /// A bound method object.
    pub fn new_bound(&mut self, func: Value, slf: Value) -> PyResult {
        let mark = self.push(func);
        self.push(slf);
        let m = self.alloc_fixed(Kind::BoundMethod)?;
        object::init(m, field::BM_FUNC, self.st(mark));
        object::init(m, field::BM_SELF, self.st(mark + 1));
        self.truncate(mark);
        Ok(Value::obj(m))
    }

    /// A builtin function object for native `idx`, bound to `slf` (or NULL).
    pub fn new_builtin(&mut self, idx: usize, slf: Value) -> PyResult {
        let mark = self.push(slf);
        let b = self.alloc_fixed(Kind::Builtin)?;
        object::init(b, field::BI_SELF, self.st(mark));
        object::set_word(b, field::BI_INDEX, idx);
        self.truncate(mark);
        Ok(Value::obj(b))
    }

    /// `obj.name` for a call: (callable, self-or-NULL) without allocating a
    /// bound method when the attribute is a plain method.
    pub fn load_method(&mut self, obj: Value, name: u32) -> PyResult<(Value, Value)> {
        // Classes, modules and functions have their own namespaces, which
        // come before their type's attributes: no shortcut for them.
        if obj.is_obj()
            && matches!(
                object::kind(obj.as_obj()),
                Kind::Class | Kind::Module | Kind::Function | Kind::Super
            )
        {
            return Ok((self.getattr(obj, name)?, Value::NULL));
        }
        let t = self.type_of(obj);
        if let Some(d) = self.class_lookup(t, name) {
            let is_plain = d.is_obj()
                && match object::kind(d.as_obj()) {
                    Kind::Function => true,
                    Kind::Builtin => {
                        object::get(d.as_obj(), field::BI_SELF).is_null()
                            && !self.natives[object::word(d.as_obj(), field::BI_INDEX)]
                                .plain_function
                    }
                    _ => false,
                };
            let shadowed = obj.is_obj()
                && object::kind(obj.as_obj()) == Kind::Instance
                && self.inst_get(obj.as_obj(), name).is_some();
            if is_plain && !shadowed {
                return Ok((d, obj));
            }
        }
        Ok((self.getattr(obj, name)?, Value::NULL))
    }

    /// `property.__isabstractmethod__`: whether any of its accessors is
    /// abstract (so `@property @abstractmethod` makes an abstract member).
    fn property_is_abstract(&mut self, prop: Value) -> PyResult {
        let mark = self.push(prop);
        let r = self.any_accessor_abstract(mark);
        self.truncate(mark);
        r.map(Value::bool)
    }

    /// [`Self::property_is_abstract`] for the property rooted at `ps`.
    fn any_accessor_abstract(&mut self, ps: usize) -> PyResult<bool> {
        let sym = self.intern("__isabstractmethod__");
        for f in [field::PROP_GET, field::PROP_SET, field::PROP_DEL] {
            let accessor = object::get(self.st(ps).as_obj(), f);
            if accessor.is_null() || accessor.is_none() {
                continue;
            }
            if let Some(flag) = self.getattr_opt(accessor, sym)?
                && self.truthy(flag)?
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// `cls.__name__ = v` or `cls.__qualname__ = v`: a str kept in the
    /// class object (`slot`), not in its dict.
    fn set_class_name(&mut self, cls: Value, name: u32, slot: usize, v: Value) -> PyResult<()> {
        if !(v.is_obj() && object::kind(v.as_obj()) == Kind::Str) {
            let msg = format!(
                "can only assign string to {}.{}, not '{}'",
                self.class_name(cls),
                self.interner.name(name),
                self.type_name(v)
            );
            return Err(self.type_error(&msg));
        }
        self.store(cls.as_obj(), slot, v);
        Ok(())
    }

    /// `obj.name = v`.
    pub fn setattr(&mut self, obj: Value, name: u32, v: Value) -> PyResult<()> {
        if crate::weakref::is_proxy(obj) {
            return self.weakref_setattr(obj, name, v).map(|_| ());
        }
        let t = self.type_of(obj);
        if let Some(d) = self.class_lookup(t, name)
            && d.is_obj()
            && object::kind(d.as_obj()) == Kind::Property
        {
            let s = object::get(d.as_obj(), field::PROP_SET);
            if s.is_null() || s.is_none() {
                return Err(self.raise_msg(T_ATTRIBUTE_ERROR, "can't set attribute"));
            }
            self.call_values(s, &[obj, v])?;
            return Ok(());
        }
        if obj.is_obj() {
            match object::kind(obj.as_obj()) {
                Kind::Instance => {
                    let sa = self.intern("__setattr__");
                    if let Some(f) = self.class_lookup(t, sa)
                        && object::kind(f.as_obj()) == Kind::Function
                    {
                        let n = self.sym(name);
                        self.call_values(f, &[obj, n, v])?;
                        return Ok(());
                    }
                    return self.inst_set(obj, name, v);
                }
                Kind::Class => {
                    let slot = match self.interner.name(name) {
                        "__name__" => Some(field::CLS_NAME),
                        "__qualname__" => Some(field::CLS_QUALNAME),
                        _ => None,
                    };
                    if let Some(slot) = slot {
                        return self.set_class_name(obj, name, slot, v);
                    }
                    let d = object::get(obj.as_obj(), field::CLS_DICT);
                    let k = self.sym(name);
                    self.dict_set_item(d, k, v)?;
                    self.rt.attr_cache.clear();
                    self.rt.class_epoch += 1;
                    if self.interner.name(name) == "__del__" {
                        // R16: later instances become finalizable.
                        let o = obj.as_obj();
                        object::set_word(
                            o,
                            field::CLS_FLAGS,
                            object::word(o, field::CLS_FLAGS) | CLS_HAS_DEL,
                        );
                    }
                    return Ok(());
                }
                Kind::Module => {
                    let d = object::get(obj.as_obj(), field::MOD_DICT);
                    let k = self.sym(name);
                    return self.dict_set_item(d, k, v);
                }
                Kind::WeakRef => {
                    if let Some(()) = self.weakref_setattr(obj, name, v)? {
                        return Ok(());
                    }
                }
                Kind::Property if self.interner.name(name) == "__doc__" => {
                    self.store(obj.as_obj(), field::PROP_DOC, v);
                    return Ok(());
                }
                Kind::Function => {
                    // Attributes kept in the function object itself.
                    let fixed = match self.interner.name(name) {
                        "__name__" => Some((field::FN_NAME, Kind::Str, "a string")),
                        "__qualname__" => Some((field::FN_QUALNAME, Kind::Str, "a string")),
                        "__defaults__" => Some((field::FN_DEFAULTS, Kind::Tuple, "a tuple")),
                        "__kwdefaults__" => Some((field::FN_KWDEFAULTS, Kind::Dict, "a dict")),
                        _ => None,
                    };
                    if let Some((fld, kind, what)) = fixed {
                        let nullable = kind != Kind::Str;
                        let v = if nullable && v.is_none() {
                            Value::NULL
                        } else {
                            v
                        };
                        let right_kind = v.is_obj() && object::kind(v.as_obj()) == kind;
                        if !v.is_null() && !right_kind {
                            let msg = format!(
                                "{} must be set to {what} object",
                                self.interner.name(name)
                            );
                            return Err(self.type_error(&msg));
                        }
                        self.store(obj.as_obj(), fld, v);
                        return Ok(());
                    }
                    let mut d = object::get(obj.as_obj(), field::FN_DICT);
                    let mark = self.push(obj);
                    self.push(v);
                    if !d.is_obj() {
                        d = self.new_dict()?;
                        let f = self.st(mark).as_obj();
                        self.store(f, field::FN_DICT, d);
                    }
                    let k = self.sym(name);
                    let v = self.st(mark + 1);
                    self.truncate(mark);
                    return self.dict_set_item(d, k, v);
                }
                _ => {}
            }
        }
        let msg = format!(
            "'{}' object has no attribute '{}'",
            self.type_name(obj),
            self.interner.name(name)
        );
        Err(self.raise_msg(T_ATTRIBUTE_ERROR, &msg))
    }

    /// `del obj.name`.
    pub fn delattr(&mut self, obj: Value, name: u32) -> PyResult<()> {
        if Self::is_instance_obj(obj) && self.inst_del(obj, name)? {
            return Ok(());
        }
        if crate::weakref::is_weakref(obj) && self.weakref_delattr(obj, name)? {
            return Ok(());
        }
        if obj.is_obj() {
            let (o, k) = (obj.as_obj(), object::kind(obj.as_obj()));
            let d = match k {
                Kind::Function => object::get(o, field::FN_DICT),
                Kind::Module => object::get(o, field::MOD_DICT),
                _ => Value::NULL,
            };
            if d.is_obj() {
                let key = self.sym(name);
                if self.dict_del_item(d, key)? {
                    return Ok(());
                }
            }
        }
        if self.is_class(obj) {
            let d = object::get(obj.as_obj(), field::CLS_DICT);
            let k = self.sym(name);
            self.rt.attr_cache.clear();
            self.rt.class_epoch += 1;
            if self.dict_del_item(d, k)? {
                return Ok(());
            }
        }
        let msg = format!(
            "'{}' object has no attribute '{}'",
            self.type_name(obj),
            self.interner.name(name)
        );
        Err(self.raise_msg(T_ATTRIBUTE_ERROR, &msg))
    }

    /// The `__name__` of a class.
    pub fn class_name(&self, cls: Value) -> String {
        object::str_of(object::get(cls.as_obj(), field::CLS_NAME).as_obj()).to_string()
    }

    /// The `__qualname__` of class `cls` (`Outer.Inner`), for reprs.
    pub fn class_qualname(&self, cls: Value) -> String {
        object::str_of(object::get(cls.as_obj(), field::CLS_QUALNAME).as_obj()).to_string()
    }

    /// The name of `v`'s type.
    pub fn type_name(&self, v: Value) -> String {
        self.class_name(self.type_of(v))
    }

    /// Looks up a dunder on the type of `v` (no instance lookup).
    pub fn type_method(&mut self, v: Value, name: &str) -> Option<Value> {
        let t = self.type_of(v);
        let sym = self.intern(name);
        self.class_lookup(t, sym)
    }

    /// Calls dunder `name` of `v`'s type with extra args, if defined.
    pub fn call_dunder(&mut self, v: Value, name: &str, args: &[Value]) -> PyResult<Option<Value>> {
        // Root the receiver and arguments first: interning `name` the first
        // time allocates, which may move them.
        let mark = self.rt.sp;
        self.push(Value::NULL);
        self.push(v);
        for &a in args {
            self.push(a);
        }
        let r = match self.type_method(self.st(mark + 1), name) {
            Some(f) => {
                self.set_st(mark, f);
                self.call(f, Args::positional(mark + 1, 1 + args.len()))
                    .map(Some)
            }
            None => Ok(None),
        };
        self.truncate(mark);
        r
    }

    // ----------------------------------------------------------------- calls

    /// Calls `func(*vals)`; the values are rooted for the call.
    pub fn call_values(&mut self, func: Value, vals: &[Value]) -> PyResult {
        let mark = self.rt.sp;
        self.push(func);
        for &v in vals {
            self.push(v);
        }
        let f = self.st(mark);
        let r = self.call(f, Args::positional(mark + 1, vals.len()));
        self.truncate(mark);
        r
    }

    /// Calls any callable with arguments on the stack.
    pub fn call(&mut self, func: Value, args: Args) -> PyResult {
        if func.is_obj() {
            let fo = func.as_obj();
            match object::kind(fo) {
                Kind::Function => return self.call_python(func, args),
                Kind::Builtin => {
                    let slf = object::get(fo, field::BI_SELF);
                    let idx = object::word(fo, field::BI_INDEX);
                    let (f, unbox) = (self.natives[idx].f, self.natives[idx].unbox_self);
                    if slf.is_null() {
                        if unbox && args.n > 0 {
                            let s = Self::unbox(self.st(args.base));
                            self.set_st(args.base, s);
                        }
                        return f(self, args);
                    }
                    let slf = if self.natives[idx].subclass_self {
                        slf
                    } else {
                        Self::unbox(slf)
                    };
                    let a = self.prepend(slf, args);
                    let r = f(self, a);
                    self.truncate(a.base);
                    return r;
                }
                Kind::BoundMethod => {
                    let slf = object::get(fo, field::BM_SELF);
                    let inner = object::get(fo, field::BM_FUNC);
                    let mark = self.push(inner);
                    let a = self.prepend(slf, args);
                    let inner = self.st(mark);
                    let r = self.call(inner, a);
                    self.truncate(mark);
                    return r;
                }
                Kind::Class => return self.call_class(func, args),
                _ => {}
            }
        }
        if let Some(c) = self.type_method(func, "__call__") {
            let mark = self.push(c);
            let a = self.prepend(func, args);
            let c = self.st(mark);
            let r = self.call(c, a);
            self.truncate(mark);
            return r;
        }
        let msg = format!("'{}' object is not callable", self.type_name(func));
        Err(self.type_error(&msg))
    }

    /// Copies `args` to the stack top with `first` in front (for natives
    /// that forward their arguments).
    pub fn prepend_arg(&mut self, first: Value, args: Args) -> Args {
        self.prepend(first, args)
    }

    /// Copies `args` to the stack top with `first` in front.
    fn prepend(&mut self, first: Value, args: Args) -> Args {
        let nkw = self.nkw(args);
        let base = self.push(first);
        for i in 0..args.n + nkw {
            let v = self.st(args.base + i);
            self.push(v);
        }
        Args {
            base,
            n: args.n + 1,
            kw: args.kw,
        }
    }

    /// `func(*args, **kwargs)`: the stack gets `[kwargs→kwnames][func]
    /// [positionals][keyword values]`.
    pub fn call_ex(&mut self, func: Value, args: Value, kwargs: Value) -> PyResult {
        let mark = self.push(kwargs);
        let fslot = self.push(func);
        let n = object::array_len(args.as_obj());
        for i in 0..n {
            self.push(object::array_get(args.as_obj(), i));
        }
        let mut kw = Args::NO_KW;
        if kwargs.is_obj() {
            let names_start = self.rt.sp;
            let used = Self::dict_used(kwargs);
            for i in 0..used {
                let (k, _) = Self::dict_entry(self.st(mark), i);
                if !k.is_null() && k != Value::DUMMY {
                    self.push(k);
                }
            }
            let nkw = self.rt.sp - names_start;
            let names = self.tuple_from_stack(names_start, nkw)?;
            self.truncate(names_start);
            // The values, in the same (dict) order; nothing allocates here.
            let d = self.st(mark);
            for i in 0..used {
                let (k, v) = Self::dict_entry(d, i);
                if !k.is_null() && k != Value::DUMMY {
                    self.push(v);
                }
            }
            self.set_st(mark, names);
            kw = mark;
        }
        let f = self.st(fslot);
        let r = self.call(
            f,
            Args {
                base: fslot + 1,
                n,
                kw,
            },
        );
        self.truncate(mark);
        r
    }

    /// Calls a class: its metaclass's `__call__` if a metaclass overrides
    /// it, else `instantiate`.
    fn call_class(&mut self, cls: Value, args: Args) -> PyResult {
        let meta = object::get(cls.as_obj(), field::CLS_META);
        if !meta.is_null() {
            let sym = self.intern("__call__");
            if let Some(f) = self.class_lookup(meta, sym)
                && f.is_obj()
                && object::kind(f.as_obj()) == Kind::Function
            {
                let mark = self.push(f);
                let a = self.prepend(cls, args);
                let f = self.st(mark);
                let r = self.call(f, a);
                self.truncate(mark);
                return r;
            }
        }
        self.instantiate(cls, args)
    }

    /// Instantiates a class (or calls a builtin type's constructor):
    /// `__new__`, then `__init__` if the result is an instance of `cls`.
    pub fn instantiate(&mut self, cls: Value, args: Args) -> PyResult {
        let ctor = object::word(cls.as_obj(), field::CLS_FLAGS) >> CLS_CTOR_SHIFT;
        if ctor != 0 {
            let f = self.natives[ctor].f;
            return f(self, args);
        }
        let mark = self.push(cls);
        let new_sym = self.intern("__new__");
        let newf = self.class_lookup(cls, new_sym);
        let obj = match newf {
            Some(f) if object::kind(f.as_obj()) != Kind::Builtin => {
                let f = if object::kind(f.as_obj()) == Kind::StaticMethod {
                    object::get(f.as_obj(), 0)
                } else {
                    f
                };
                let fm = self.push(f);
                let a = self.prepend(self.st(mark), args);
                let f = self.st(fm);
                let r = self.call(f, a)?;
                self.truncate(fm);
                r
            }
            Some(f) => {
                // A builtin __new__ (object, BaseException): instance, then args.
                let idx = object::word(f.as_obj(), field::BI_INDEX);
                let a = self.prepend(self.st(mark), args);
                let nf = self.natives[idx].f;
                nf(self, a)?
            }
            None => self.new_instance(cls)?,
        };
        let om = self.push(obj);
        let cls = self.st(mark);
        if self.isinstance(obj, cls) {
            let init_sym = self.intern("__init__");
            if let Some(init) = self.class_lookup(cls, init_sym) {
                let im = self.push(init);
                let a = self.prepend(self.st(om), args);
                let init = self.st(im);
                let r = self.call(init, a)?;
                if !r.is_none() {
                    let msg = format!("__init__() should return None, not '{}'", self.type_name(r));
                    return Err(self.type_error(&msg));
                }
            }
        }
        let obj = self.st(om);
        self.truncate(mark);
        Ok(obj)
    }

    // ------------------------------------------------------- truth and hash

    /// `bool(v)`.
    pub fn truthy(&mut self, v: Value) -> PyResult<bool> {
        if v.is_int() {
            return Ok(v.as_int() != 0);
        }
        match v {
            Value::TRUE => return Ok(true),
            Value::FALSE | Value::NONE => return Ok(false),
            _ => {}
        }
        if v.is_obj() {
            let o = v.as_obj();
            match object::kind(o) {
                Kind::Float => return Ok(object::float_of(o) != 0.0),
                Kind::Complex => {
                    return Ok(crate::builtins::complex::truthy(object::complex_of(o)));
                }
                Kind::BigInt => return Ok(true),
                Kind::Str | Kind::Bytes => return Ok(object::word(o, 0) != 0),
                Kind::Tuple => return Ok(object::array_len(o) != 0),
                Kind::List => return Ok(Self::list_len(v) != 0),
                Kind::Dict => return Ok(Self::dict_len(v) != 0),
                Kind::Set | Kind::FrozenSet => return Ok(Self::set_len(v) != 0),
                Kind::Instance | Kind::WeakRef => {
                    if let Some(r) = self.call_dunder(v, "__bool__", &[])? {
                        if !r.is_bool() {
                            let msg = format!(
                                "__bool__ should return bool, returned {}",
                                self.type_name(r)
                            );
                            return Err(self.type_error(&msg));
                        }
                        return Ok(r == Value::TRUE);
                    }
                    if let Some(r) = self.call_dunder(v, "__len__", &[])? {
                        return Ok(r != Value::int(0));
                    }
                    return Ok(true);
                }
                _ => {}
            }
            if let Some(n) = self.len_opt(v)? {
                return Ok(n != 0);
            }
        }
        Ok(true)
    }

    /// `hash(v)` (fits in a small int).
    pub fn hash(&mut self, v: Value) -> PyResult<i64> {
        if v.is_int() {
            return Ok(hash_int_i64(v.as_int()));
        }
        match v {
            Value::TRUE => return Ok(1),
            Value::FALSE => return Ok(0),
            Value::NONE => return Ok(0x5eed_0001),
            _ => {}
        }
        if !v.is_obj() {
            return Ok(not_minus_one(v.0 as i64));
        }
        let o = v.as_obj();
        match object::kind(o) {
            Kind::Str => {
                let cached = object::word(o, field::STR_HASH);
                if cached != usize::MAX {
                    return Ok(cached as i64);
                }
                let h = hash_bytes(object::bytes_of(o));
                object::set_word(o, field::STR_HASH, h as usize);
                Ok(h)
            }
            Kind::Bytes => Ok(hash_bytes(object::bytes_of(o))),
            Kind::Float => Ok(hash_f64(object::float_of(o))),
            Kind::Complex => Ok(crate::builtins::complex::hash(object::complex_of(o))),
            Kind::BigInt => {
                let b = bigint_of(o);
                let m = num_bigint::BigInt::from((1i64 << 61) - 1);
                let r: i64 = num_traits::ToPrimitive::to_i64(
                    &(num_traits::Signed::abs(&num::to_bigint(v)) % &m),
                )
                .unwrap_or(0);
                let r = if b.sign() == num_bigint::Sign::Minus {
                    -r
                } else {
                    r
                };
                Ok(if r == -1 { -2 } else { r })
            }
            Kind::Tuple => {
                // CPython 3.11's xxHash-based tuple hash.
                const P1: u64 = 11400714785074694791;
                const P2: u64 = 14029467366897019727;
                const P5: u64 = 2870177450012600261;
                let n = object::array_len(o);
                let mark = self.push(v);
                let mut acc: u64 = P5;
                for i in 0..n {
                    let item = object::array_get(self.st(mark).as_obj(), i);
                    let lane = self.hash(item)? as u64;
                    acc = acc.wrapping_add(lane.wrapping_mul(P2));
                    acc = acc.rotate_left(31);
                    acc = acc.wrapping_mul(P1);
                }
                self.truncate(mark);
                acc = acc.wrapping_add((n as u64) ^ (P5 ^ 3527539));
                if acc == u64::MAX {
                    return Ok(1546275796);
                }
                Ok(acc as i64)
            }
            Kind::FrozenSet => {
                let mut h: u64 = 0;
                for i in 0..Self::set_slots(v) {
                    let k = Self::set_key_at(v, i);
                    if k.is_null() || k == Value::DUMMY {
                        continue;
                    }
                    let t = object::get(o, field::SET_TABLE).as_obj();
                    let kh = object::array_get(t, 2 * i).as_int() as u64;
                    h ^= (kh ^ (kh << 16) ^ 89869747).wrapping_mul(3644798167);
                }
                Ok(not_minus_one(h as i64))
            }
            Kind::List | Kind::Dict | Kind::Set | Kind::ByteArray => {
                let msg = format!("unhashable type: '{}'", self.type_name(v));
                Err(self.type_error(&msg))
            }
            Kind::WeakRef => self.weakref_hash(v),
            Kind::Instance => {
                let t = self.type_of(v);
                let hs = self.intern("__hash__");
                match self.class_lookup(t, hs) {
                    Some(h) if h.is_none() => {
                        let msg = format!("unhashable type: '{}'", self.type_name(v));
                        Err(self.type_error(&msg))
                    }
                    Some(h) if object::kind(h.as_obj()) == Kind::Function => {
                        let r = self.call_values(h, &[v])?;
                        if !num::is_int(r) {
                            return Err(self.type_error("__hash__ method should return an integer"));
                        }
                        let r = if r.is_int() {
                            hash_int_i64(r.as_int())
                        } else {
                            self.hash(r)?
                        };
                        Ok(not_minus_one(r))
                    }
                    // A subclass of a builtin value type that keeps the
                    // builtin's __hash__: the value's hash.
                    Some(h)
                        if object::kind(h.as_obj()) == Kind::Builtin
                            && Self::unboxed(v).is_some()
                            && Some(h) != self.class_lookup(self.class(T_OBJECT), hs) =>
                    {
                        self.hash(Self::unbox(v))
                    }
                    _ => Ok(self.identity_hash(v)),
                }
            }
            _ => Ok(self.identity_hash(v)),
        }
    }

    /// A stable identity for `id()` and default `hash()`, assigned on first
    /// use and kept across moves (see `Runtime::identities`).
    pub fn identity(&mut self, v: Value) -> u64 {
        if !v.is_obj() {
            return v.0;
        }
        self.rt.identity_of(v.as_obj())
    }

    fn identity_hash(&mut self, v: Value) -> i64 {
        let id = self.identity(v);
        not_minus_one(id.rotate_right(4) as i64)
    }

    // -------------------------------------------------------------- equality

    /// `a == b` as a bool.
    pub fn eq(&mut self, a: Value, b: Value) -> PyResult<bool> {
        if a == b {
            // Identity implies equality except for NaN floats.
            if a.is_obj() && object::kind(a.as_obj()) == Kind::Float {
                return Ok(!object::float_of(a.as_obj()).is_nan());
            }
            return Ok(true);
        }
        let r = self.compare_op(CmpOp::Eq, a, b)?;
        self.truthy(r)
    }

    /// Rich comparison returning a value.
    pub fn compare_op(&mut self, op: CmpOp, a: Value, b: Value) -> PyResult {
        match op {
            CmpOp::Is => return Ok(Value::bool(a == b)),
            CmpOp::IsNot => return Ok(Value::bool(a != b)),
            CmpOp::In => return self.contains(b, a).map(Value::bool),
            CmpOp::NotIn => return self.contains(b, a).map(|x| Value::bool(!x)),
            _ => {}
        }
        if let Some(r) = self.native_compare(op, a, b)? {
            return Ok(r);
        }
        let (name, rname) = match op {
            CmpOp::Lt => ("__lt__", "__gt__"),
            CmpOp::Le => ("__le__", "__ge__"),
            CmpOp::Gt => ("__gt__", "__lt__"),
            CmpOp::Ge => ("__ge__", "__le__"),
            CmpOp::Eq => ("__eq__", "__eq__"),
            CmpOp::Ne => ("__ne__", "__ne__"),
            _ => unreachable!(),
        };
        let mark = self.push(a);
        self.push(b);
        if let Some(r) = self.call_dunder(a, name, &[b])?
            && r != Value::NOT_IMPLEMENTED
        {
            self.truncate(mark);
            return Ok(r);
        }
        let (a, b) = (self.st(mark), self.st(mark + 1));
        if let Some(r) = self.call_dunder(b, rname, &[a])?
            && r != Value::NOT_IMPLEMENTED
        {
            self.truncate(mark);
            return Ok(r);
        }
        let (a, b) = (self.st(mark), self.st(mark + 1));
        self.truncate(mark);
        if Self::unboxed(a).is_some() || Self::unboxed(b).is_some() {
            // Subclasses of builtin value types: compare the values.
            return self.compare_op(op, Self::unbox(a), Self::unbox(b));
        }
        match op {
            CmpOp::Eq => Ok(Value::bool(a == b)),
            CmpOp::Ne => {
                if let Some(r) = self.call_dunder(a, "__eq__", &[b])?
                    && r != Value::NOT_IMPLEMENTED
                {
                    return Ok(Value::bool(!self.truthy(r)?));
                }
                Ok(Value::bool(a != b))
            }
            _ => {
                let sym = match op {
                    CmpOp::Lt => "<",
                    CmpOp::Le => "<=",
                    CmpOp::Gt => ">",
                    _ => ">=",
                };
                let msg = format!(
                    "'{}' not supported between instances of '{}' and '{}'",
                    sym,
                    self.type_name(a),
                    self.type_name(b)
                );
                Err(self.type_error(&msg))
            }
        }
    }

    /// Comparisons between builtin values; `None` to fall back to dunders.
    pub(crate) fn native_compare(
        &mut self,
        op: CmpOp,
        a: Value,
        b: Value,
    ) -> PyResult<Option<Value>> {
        use std::cmp::Ordering;
        let ord: Option<Ordering> = if num::is_int(a) && num::is_int(b) {
            if let (Some(x), Some(y)) = (a.to_int(), b.to_int()) {
                Some(x.cmp(&y))
            } else {
                Some(num::to_bigint(a).cmp(&num::to_bigint(b)))
            }
        } else if let (Some(x), Some(y)) = (self.float_operand(a), self.float_operand(b)) {
            if a.is_obj() && object::kind(a.as_obj()) == Kind::BigInt
                || b.is_obj() && object::kind(b.as_obj()) == Kind::BigInt
            {
                let (x, y) = (self.as_f64(a)?.unwrap_or(x), self.as_f64(b)?.unwrap_or(y));
                x.partial_cmp(&y)
            } else {
                match x.partial_cmp(&y) {
                    Some(o) => Some(o),
                    None => return Ok(Some(Value::bool(op == CmpOp::Ne))),
                }
            }
        } else if let Some(r) = crate::builtins::complex::compare(op, a, b) {
            return Ok(Some(r));
        } else if a.is_obj() && b.is_obj() {
            let (ka, kb) = (object::kind(a.as_obj()), object::kind(b.as_obj()));
            match (ka, kb) {
                (Kind::Str, Kind::Str) => {
                    Some(object::str_of(a.as_obj()).cmp(object::str_of(b.as_obj())))
                }
                (Kind::Bytes | Kind::ByteArray, Kind::Bytes | Kind::ByteArray) => {
                    let x = self.byte_contents(a).unwrap_or_default();
                    let y = self.byte_contents(b).unwrap_or_default();
                    Some(x.cmp(&y))
                }
                (Kind::Tuple, Kind::Tuple) | (Kind::List, Kind::List) => {
                    return self.seq_compare(op, a, b).map(Some);
                }
                (Kind::Dict, Kind::Dict) if matches!(op, CmpOp::Eq | CmpOp::Ne) => {
                    let e = self.dict_eq(a, b)?;
                    return Ok(Some(Value::bool(e == (op == CmpOp::Eq))));
                }
                (Kind::Set | Kind::FrozenSet, Kind::Set | Kind::FrozenSet) => {
                    return self.set_compare(op, a, b).map(Some);
                }
                (Kind::DictView, _) | (_, Kind::DictView)
                    if matches!(op, CmpOp::Eq | CmpOp::Ne)
                        && [a, b].iter().all(|v| {
                            let k = object::kind(v.as_obj());
                            matches!(k, Kind::Set | Kind::FrozenSet)
                                || (k == Kind::DictView
                                    && object::word(v.as_obj(), field::VIEW_WHICH) != 1)
                        }) =>
                {
                    // Keys and items views compare like sets.
                    let mark = self.push(a);
                    self.push(b);
                    let sa = self.new_set(Kind::Set)?;
                    let sas = self.push(sa);
                    self.set_update(sa, self.st(mark))?;
                    let sb = self.new_set(Kind::Set)?;
                    let sbs = self.push(sb);
                    self.set_update(sb, self.st(mark + 1))?;
                    let r = self.set_compare(op, self.st(sas), self.st(sbs));
                    self.truncate(mark);
                    return r.map(Some);
                }
                (Kind::Range, Kind::Range) if matches!(op, CmpOp::Eq | CmpOp::Ne) => {
                    // Ranges are equal when they describe the same sequence.
                    let norm = |vm: &Self, r: Value| {
                        let (s, e, st) = vm.range_parts(r);
                        let (s, e, st) = (num::to_bigint(s), num::to_bigint(e), num::to_bigint(st));
                        let n = crate::protocol::range_len(&s, &e, &st);
                        (
                            n,
                            if n > 0 { Some(s) } else { None },
                            if n > 1 { Some(st) } else { None },
                        )
                    };
                    let same = norm(self, a) == norm(self, b);
                    return Ok(Some(Value::bool(same == (op == CmpOp::Eq))));
                }
                _ => None,
            }
        } else if !a.is_obj() && !b.is_obj() && !num::is_int(a) && !num::is_int(b) {
            // None, NotImplemented, Ellipsis: identity only.
            match op {
                CmpOp::Eq => return Ok(Some(Value::bool(a == b))),
                CmpOp::Ne => return Ok(Some(Value::bool(a != b))),
                _ => None,
            }
        } else {
            None
        };
        Ok(ord.map(|o| {
            Value::bool(match op {
                CmpOp::Lt => o == Ordering::Less,
                CmpOp::Le => o != Ordering::Greater,
                CmpOp::Gt => o == Ordering::Greater,
                CmpOp::Ge => o != Ordering::Less,
                CmpOp::Eq => o == Ordering::Equal,
                CmpOp::Ne => o != Ordering::Equal,
                _ => false,
            })
        }))
    }

    fn float_operand(&self, v: Value) -> Option<f64> {
        if v.is_int() {
            Some(v.as_int() as f64)
        } else if v.is_bool() {
            Some(if v == Value::TRUE { 1.0 } else { 0.0 })
        } else if v.is_obj() {
            match object::kind(v.as_obj()) {
                Kind::Float => Some(object::float_of(v.as_obj())),
                Kind::BigInt => Some(0.0),
                _ => None,
            }
        } else {
            None
        }
    }

    fn seq_compare(&mut self, op: CmpOp, a: Value, b: Value) -> PyResult {
        let mark = self.push(a);
        self.push(b);
        let (na, nb) = (self.seq_len(a), self.seq_len(b));
        if matches!(op, CmpOp::Eq | CmpOp::Ne) && na != nb {
            self.truncate(mark);
            return Ok(Value::bool(op == CmpOp::Ne));
        }
        let mut i = 0;
        while i < na.min(nb) {
            let (x, y) = (
                self.seq_get(self.st(mark), i),
                self.seq_get(self.st(mark + 1), i),
            );
            if !self.eq(x, y)? {
                let r = match op {
                    CmpOp::Eq => Value::FALSE,
                    CmpOp::Ne => Value::TRUE,
                    _ => self.compare_op(op, x, y)?,
                };
                self.truncate(mark);
                return Ok(r);
            }
            i += 1;
        }
        self.truncate(mark);
        Ok(Value::bool(match op {
            CmpOp::Lt => na < nb,
            CmpOp::Le => na <= nb,
            CmpOp::Gt => na > nb,
            CmpOp::Ge => na >= nb,
            CmpOp::Eq => na == nb,
            _ => na != nb,
        }))
    }

    fn dict_eq(&mut self, a: Value, b: Value) -> PyResult<bool> {
        if Self::dict_len(a) != Self::dict_len(b) {
            return Ok(false);
        }
        let mark = self.push(a);
        self.push(b);
        let mut i = 0;
        while i < Self::dict_used(self.st(mark)) {
            let (k, v) = Self::dict_entry(self.st(mark), i);
            i += 1;
            if k.is_null() || k == Value::DUMMY {
                continue;
            }
            let vm = self.push(v);
            let other = self.dict_get_item(self.st(mark + 1), k)?;
            let v = self.st(vm);
            self.truncate(vm);
            match other {
                Some(o) if self.eq(v, o)? => {}
                _ => {
                    self.truncate(mark);
                    return Ok(false);
                }
            }
        }
        self.truncate(mark);
        Ok(true)
    }

    fn set_compare(&mut self, op: CmpOp, a: Value, b: Value) -> PyResult {
        let (na, nb) = (Self::set_len(a), Self::set_len(b));
        let mark = self.push(a);
        self.push(b);
        // a <= b: every item of a in b.
        let subset = |vm: &mut Self, x: usize, y: usize| -> PyResult<bool> {
            let mut i = 0;
            while i < Self::set_slots(vm.st(x)) {
                let k = Self::set_key_at(vm.st(x), i);
                i += 1;
                if k.is_null() || k == Value::DUMMY {
                    continue;
                }
                if !vm.set_contains(vm.st(y), k)? {
                    return Ok(false);
                }
            }
            Ok(true)
        };
        let r = match op {
            CmpOp::Eq => na == nb && subset(self, mark, mark + 1)?,
            CmpOp::Ne => !(na == nb && subset(self, mark, mark + 1)?),
            CmpOp::Le => na <= nb && subset(self, mark, mark + 1)?,
            CmpOp::Lt => na < nb && subset(self, mark, mark + 1)?,
            CmpOp::Ge => nb <= na && subset(self, mark + 1, mark)?,
            _ => nb < na && subset(self, mark + 1, mark)?,
        };
        self.truncate(mark);
        Ok(Value::bool(r))
    }

    /// `item in container`.
    pub fn contains(&mut self, container: Value, item: Value) -> PyResult<bool> {
        if container.is_obj() {
            let o = container.as_obj();
            match object::kind(o) {
                Kind::Dict => return Ok(self.dict_get_item(container, item)?.is_some()),
                Kind::Set | Kind::FrozenSet => return self.set_contains(container, item),
                Kind::Str => {
                    if !(item.is_obj() && object::kind(item.as_obj()) == Kind::Str) {
                        let msg = format!(
                            "'in <string>' requires string as left operand, not {}",
                            self.type_name(item)
                        );
                        return Err(self.type_error(&msg));
                    }
                    return Ok(object::str_of(o).contains(object::str_of(item.as_obj())));
                }
                Kind::DictView if object::word(o, field::VIEW_WHICH) == 0 => {
                    let d = object::get(o, field::VIEW_DICT);
                    return Ok(self.dict_get_item(d, item)?.is_some());
                }
                Kind::Bytes | Kind::ByteArray => {
                    let hay = self.byte_contents(container).unwrap_or_default();
                    if let Some(b) = item.to_int() {
                        if !(0..256).contains(&b) {
                            return Err(self.value_error("byte must be in range(0, 256)"));
                        }
                        return Ok(hay.contains(&(b as u8)));
                    }
                    let Some(needle) = self.byte_contents(item) else {
                        let msg = format!(
                            "a bytes-like object is required, not '{}'",
                            self.type_name(item)
                        );
                        return Err(self.type_error(&msg));
                    };
                    return Ok(needle.is_empty()
                        || hay.windows(needle.len()).any(|w| w == needle.as_slice()));
                }
                Kind::List | Kind::Tuple => {
                    let mark = self.push(container);
                    self.push(item);
                    let mut i = 0;
                    while i < self.seq_len(self.st(mark)) {
                        let x = self.seq_get(self.st(mark), i);
                        if self.eq(x, self.st(mark + 1))? {
                            self.truncate(mark);
                            return Ok(true);
                        }
                        i += 1;
                    }
                    self.truncate(mark);
                    return Ok(false);
                }
                Kind::Range if num::is_int(item) => {
                    let (start, stop, step) = self.range_parts(container);
                    let x = num::to_bigint(item);
                    let (s, e, st) = (
                        num::to_bigint(start),
                        num::to_bigint(stop),
                        num::to_bigint(step),
                    );
                    let inside = if st > num_bigint::BigInt::from(0) {
                        x >= s && x < e
                    } else {
                        x <= s && x > e
                    };
                    return Ok(inside
                        && num_integer::Integer::mod_floor(&(x - s), &st)
                            == num_bigint::BigInt::from(0));
                }
                _ => {}
            }
            // Builtin kinds not handled above fall back to iteration.
            if Self::has_dunders(container)
                && let Some(r) = self.call_dunder(container, "__contains__", &[item])?
            {
                return self.truthy(r);
            }
        }
        let mark = self.push(item);
        let it = self.get_iter(container)?;
        let its = self.push(it);
        while let Some(x) = self.iter_next(its)? {
            if self.eq(x, self.st(mark))? {
                self.truncate(mark);
                return Ok(true);
            }
        }
        self.truncate(mark);
        Ok(false)
    }

    /// (start, stop, step) of a range object.
    pub fn range_parts(&self, r: Value) -> (Value, Value, Value) {
        let o = r.as_obj();
        (object::get(o, 0), object::get(o, 1), object::get(o, 2))
    }

    // -------------------------------------------------------------- operators

    /// `a op b` (with in-place dunders first when `inplace`).
    pub fn binary_op(&mut self, op: BinOp, a: Value, b: Value, inplace: bool) -> PyResult {
        if num::is_int(a)
            && num::is_int(b)
            && let Some(v) = self.int_binop(op, a, b)?
        {
            return Ok(v);
        }
        if let (Some(x), Some(y)) = (self.float_operand(a), self.float_operand(b)) {
            let big = |v: Value| v.is_obj() && object::kind(v.as_obj()) == Kind::BigInt;
            let (x, y) = if big(a) || big(b) {
                (self.as_f64(a)?.unwrap_or(x), self.as_f64(b)?.unwrap_or(y))
            } else {
                (x, y)
            };
            if let Some(v) = self.float_binop(op, x, y)? {
                return Ok(v);
            }
        }
        if let Some(v) = crate::builtins::complex::binary_op(self, op, a, b)? {
            return Ok(v);
        }
        if let Some(v) = self.seq_binop(op, a, b, inplace)? {
            return Ok(v);
        }
        let mark = self.push(a);
        self.push(b);
        if inplace
            && let Some(r) = self.call_dunder(a, inplace_dunder(op), &[b])?
            && r != Value::NOT_IMPLEMENTED
        {
            self.truncate(mark);
            return Ok(r);
        }
        let (name, rname, sym) = dunder(op);
        let (a, b) = (self.st(mark), self.st(mark + 1));
        if let Some(r) = self.call_dunder(a, name, &[b])?
            && r != Value::NOT_IMPLEMENTED
        {
            self.truncate(mark);
            return Ok(r);
        }
        let (a, b) = (self.st(mark), self.st(mark + 1));
        if self.type_of(a) != self.type_of(b)
            && let Some(r) = self.call_dunder(b, rname, &[a])?
            && r != Value::NOT_IMPLEMENTED
        {
            self.truncate(mark);
            return Ok(r);
        }
        let (a, b) = (self.st(mark), self.st(mark + 1));
        self.truncate(mark);
        if Self::unboxed(a).is_some() || Self::unboxed(b).is_some() {
            // Subclasses of builtin value types: the operation on the values.
            return self.binary_op(op, Self::unbox(a), Self::unbox(b), inplace);
        }
        let sym = if inplace {
            format!("{sym}=")
        } else {
            sym.to_string()
        };
        let msg = format!(
            "unsupported operand type(s) for {}: '{}' and '{}'",
            sym,
            self.type_name(a),
            self.type_name(b)
        );
        Err(self.type_error(&msg))
    }

    /// Unary `-x`, `+x`, `~x`.
    pub fn unary_op(&mut self, op: UnOp, v: Value) -> PyResult {
        if num::is_int(v) {
            let i = num::to_bigint(v);
            return match op {
                UnOp::Neg => self.new_int(-i),
                UnOp::Pos => self.new_int(i),
                UnOp::Invert => self.new_int(!i),
                UnOp::Not => unreachable!(),
            };
        }
        if v.is_obj() && object::kind(v.as_obj()) == Kind::Float {
            let f = object::float_of(v.as_obj());
            match op {
                UnOp::Neg => return self.new_float(-f),
                UnOp::Pos => return Ok(v),
                _ => {}
            }
        }
        let (name, sym) = match op {
            UnOp::Neg => ("__neg__", "-"),
            UnOp::Pos => ("__pos__", "+"),
            UnOp::Invert => ("__invert__", "~"),
            UnOp::Not => unreachable!(),
        };
        if let Some(r) = self.call_dunder(v, name, &[])? {
            return Ok(r);
        }
        if let Some(b) = Self::unboxed(v) {
            return self.unary_op(op, b);
        }
        let msg = format!(
            "bad operand type for unary {}: '{}'",
            sym,
            self.type_name(v)
        );
        Err(self.type_error(&msg))
    }
}
