//! `array`: CPython's typed arrays of numbers and characters, native.
//!
//! The module is split by concept: [`store`] is how an array keeps its
//! items (type codes, the packed encoding, the storage attached to an
//! instance), [`sequence`] the sequence protocol and operators,
//! [`compare`] how items compare (searching, rich comparisons),
//! [`methods`] the named methods, attributes and pickling, [`iter`] the
//! iterator type. This file holds the module's entry points, the class
//! construction (`array.__new__`, `_array_reconstructor`) and the small
//! helpers the methods share.

mod compare;
mod iter;
mod methods;
mod sequence;
mod store;

use compare::{array_compare, array_contains};
use methods::*;
use sequence::*;
use store::{Code, STORE_ATTR, TYPECODES, attach_store, item_value, store_of};

use crate::builtins::*;
use crate::bytecode::CmpOp;
use crate::object::{self, Kind, field};
use crate::value::Value;
use crate::vm::{Args, NativeFn, PyResult, Vm};
use gc_api::Heap;

/// The module names this file provides.
pub const MODULES: &[&str] = &["array"];

/// Frozen Python source this file adds (name, source): none.
pub const FROZEN: &[(&str, &str)] = &[];

/// The attribute of the array class holding its iterator class (also the
/// marker that a class is `array` itself, not a subclass).
const ITER_CLS: &str = "_array_iterator";

const CLASS_DOC: &str = "array(typecode [, initializer]) -> array\n\n\
Return a new array whose items are restricted by typecode, and\n\
initialized from the optional initializer value, which must be a list,\n\
string or iterable over elements of the appropriate type.";

/// Fills in module `name`, rooted at stack slot `ms`.
pub(crate) fn init<H: Heap>(vm: &mut Vm<H>, _name: &str, ms: usize) -> PyResult<()> {
    for s in [
        STORE_ATTR,
        ITER_CLS,
        iter::ITER_ATTR,
        "write",
        "read",
        "__dict__",
    ] {
        vm.intern(s);
    }
    let methods: &[(&'static str, NativeFn<H>)] = &[
        ("__new__", array_new::<H>),
        ("append", array_append::<H>),
        ("extend", array_extend::<H>),
        ("insert", array_insert::<H>),
        ("pop", array_pop::<H>),
        ("remove", array_remove::<H>),
        ("index", array_index::<H>),
        ("count", array_count::<H>),
        ("reverse", array_reverse::<H>),
        ("byteswap", array_byteswap::<H>),
        ("buffer_info", array_buffer_info::<H>),
        ("tobytes", array_tobytes::<H>),
        ("frombytes", array_frombytes::<H>),
        ("tolist", array_tolist::<H>),
        ("fromlist", array_fromlist::<H>),
        ("tounicode", array_tounicode::<H>),
        ("fromunicode", array_fromunicode::<H>),
        ("tofile", array_tofile::<H>),
        ("fromfile", array_fromfile::<H>),
        ("__len__", array_len::<H>),
        ("__getitem__", array_getitem::<H>),
        ("__setitem__", array_setitem::<H>),
        ("__delitem__", array_delitem::<H>),
        ("__contains__", array_contains::<H>),
        ("__iter__", iter::array_iter::<H>),
        ("__eq__", |vm, a| array_compare(vm, a, CmpOp::Eq)),
        ("__ne__", |vm, a| array_compare(vm, a, CmpOp::Ne)),
        ("__lt__", |vm, a| array_compare(vm, a, CmpOp::Lt)),
        ("__le__", |vm, a| array_compare(vm, a, CmpOp::Le)),
        ("__gt__", |vm, a| array_compare(vm, a, CmpOp::Gt)),
        ("__ge__", |vm, a| array_compare(vm, a, CmpOp::Ge)),
        ("__add__", array_add::<H>),
        ("__iadd__", array_iadd::<H>),
        ("__mul__", array_mul::<H>),
        ("__rmul__", array_mul::<H>),
        ("__imul__", array_imul::<H>),
        ("__repr__", array_repr::<H>),
        ("__copy__", array_copy::<H>),
        ("__deepcopy__", array_deepcopy::<H>),
        ("__reduce_ex__", array_reduce_ex::<H>),
        ("__reduce__", array_reduce::<H>),
        ("__sizeof__", array_sizeof::<H>),
    ];
    let object = vm.class(T_OBJECT);
    let cls = vm.new_native_class("array", object, "array", methods)?;
    let cs = vm.push(cls);
    vm.set_class_attr(vm.st(cs), "__hash__", Value::NONE)?;
    let doc = vm.new_str(CLASS_DOC)?;
    vm.set_class_attr(vm.st(cs), "__doc__", doc)?;
    for (name, f) in [
        ("typecode", array_typecode::<H> as NativeFn<H>),
        ("itemsize", array_itemsize::<H>),
    ] {
        let p = vm.new_native_property(name, f)?;
        vm.set_class_attr(vm.st(cs), name, p)?;
    }
    let ic = iter::new_iterator_class(vm)?;
    vm.set_class_attr(vm.st(cs), ITER_CLS, ic)?;
    vm.module_set(vm.st(ms), "array", vm.st(cs))?;
    vm.module_set(vm.st(ms), "ArrayType", vm.st(cs))?;
    let tc = vm.new_str(TYPECODES)?;
    vm.module_set(vm.st(ms), "typecodes", tc)?;
    vm.module_fn(ms, "_array_reconstructor", array_reconstructor::<H>)?;
    vm.truncate(cs);
    Ok(())
}

/// The bytearray holding the packed items of `v` if `v` is an array: the
/// buffer an array exports to bytes-like consumers, which may read it or
/// write it in place but must never resize it.
pub(crate) fn exported_buffer<H: Heap>(vm: &Vm<H>, v: Value) -> Option<Value> {
    store_of(vm, v).map(|s| Value::obj(s.ba))
}

// ------------------------------------------------ helpers shared by the methods

/// The storage of `self` (stack slot `a.base`), or CPython's error for a
/// method called on something that is not an array.
fn this<H: Heap>(vm: &mut Vm<H>, a: Args, name: &str) -> PyResult<store::Store> {
    let v = if a.n > 0 { vm.arg(a, 0) } else { Value::NULL };
    if let Some(s) = store_of(vm, v) {
        return Ok(s);
    }
    Err(vm.descriptor_error(name, "array.array", v))
}

/// Is `cls` `array` or a subclass of it?
fn is_array_class<H: Heap>(vm: &mut Vm<H>, cls: Value) -> bool {
    vm.is_class(cls) && base_class_of(vm, cls).is_some()
}

/// The `array` class itself, found on the MRO of class `cls` (the class
/// whose own dict holds the iterator-class marker).
fn base_class_of<H: Heap>(vm: &mut Vm<H>, cls: Value) -> Option<Value> {
    let marker = vm.intern(ITER_CLS);
    let key = vm.sym(marker);
    let mro = object::get(cls.as_obj(), field::CLS_MRO);
    if !mro.is_obj() {
        return None;
    }
    object::items(mro.as_obj()).iter().copied().find(|c| {
        let d = object::get(c.as_obj(), field::CLS_DICT);
        d.is_obj() && vm.dict_get_str(d, key).is_some()
    })
}

/// Does array class `cls` define its own `__init__` (which then gets the
/// keyword arguments `array()` itself rejects)?
fn overrides_init<H: Heap>(vm: &mut Vm<H>, cls: Value) -> bool {
    let sym = vm.intern("__init__");
    let base = base_class_of(vm, cls).expect("an array class");
    vm.class_lookup(cls, sym) != vm.class_lookup(base, sym)
}

/// The `array` class itself, from an array value `v`.
fn base_class<H: Heap>(vm: &mut Vm<H>, v: Value) -> Value {
    let t = vm.type_of(v);
    base_class_of(vm, t).expect("an array's class derives from array")
}

/// A new array of class `cls` and code `code` holding packed `data`.
fn new_array<H: Heap>(vm: &mut Vm<H>, cls: Value, code: Code, data: &[u8]) -> PyResult {
    let o = vm.new_instance(cls)?;
    let os = vm.push(o);
    let r = attach_store(vm, os, code, data);
    let o = vm.st(os);
    vm.truncate(os);
    r.map(|_| o)
}

/// Reads a type code argument (CPython's messages for `array()`).
fn typecode_arg<H: Heap>(vm: &mut Vm<H>, v: Value) -> PyResult<Code> {
    let u = Vm::<H>::unbox(v);
    if u.is_obj() && object::kind(u.as_obj()) == Kind::Str {
        let mut chars = object::str_of(u.as_obj()).chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            return Code::from_char(c).ok_or_else(|| {
                vm.value_error("bad typecode (must be b, B, u, h, H, i, I, l, L, q, Q, f or d)")
            });
        }
    }
    let msg = format!(
        "array() argument 1 must be a unicode character, not {}",
        vm.type_name(v)
    );
    Err(vm.type_error(&msg))
}

// ------------------------------------------------------------ construction

/// `array.__new__(cls, typecode[, initializer])`.
fn array_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let cls = if a.n > 0 { vm.arg(a, 0) } else { Value::NULL };
    if !is_array_class(vm, cls) {
        return Err(vm.type_error("array.__new__(X): X is not a subtype of array.array"));
    }
    if vm.nkw(a) > 0 && !overrides_init(vm, cls) {
        return Err(vm.type_error("array.array() takes no keyword arguments"));
    }
    match a.n {
        0 | 1 => return Err(vm.type_error("array() takes at least 1 argument (0 given)")),
        2 | 3 => {}
        n => {
            let msg = format!("array() takes at most 2 arguments ({} given)", n - 1);
            return Err(vm.type_error(&msg));
        }
    }
    let code = typecode_arg(vm, vm.arg(a, 1))?;
    let init = if a.n > 2 { vm.arg(a, 2) } else { Value::NONE };
    let iu = Vm::<H>::unbox(init);
    let is_str = iu.is_obj() && object::kind(iu.as_obj()) == Kind::Str;
    if is_str && !code.is_unicode() {
        let msg = format!(
            "cannot use a str to initialize an array with typecode '{}'",
            code.char()
        );
        return Err(vm.type_error(&msg));
    }
    let src = store_of(vm, init);
    if let Some(s) = src
        && s.code.is_unicode()
        && !code.is_unicode()
    {
        let msg = format!(
            "cannot use a unicode array to initialize an array with typecode '{}'",
            code.char()
        );
        return Err(vm.type_error(&msg));
    }
    // Same-code arrays and bytes-likes copy their bytes; the rest are
    // converted item by item into the new array.
    let (data, rest) = match src {
        Some(s) if s.code == code => (s.bytes().to_vec(), false),
        Some(_) => (Vec::new(), true),
        None => match vm.byte_contents(init) {
            Some(b) => {
                if !b.len().is_multiple_of(code.size()) {
                    return Err(vm.value_error("bytes length not a multiple of item size"));
                }
                (b, false)
            }
            None if is_str => (unicode_bytes(object::str_of(iu.as_obj())), false),
            None => (Vec::new(), !init.is_none()),
        },
    };
    let o = new_array(vm, cls, code, &data)?;
    if !rest {
        return Ok(o);
    }
    let os = vm.push(o);
    let r = extend_from_iterable(vm, os, a.base + 2);
    let o = vm.st(os);
    vm.truncate(os);
    r.map(|_| o)
}

/// The packed `'u'` items of a string.
fn unicode_bytes(s: &str) -> Vec<u8> {
    s.chars().flat_map(|c| (c as u32).to_ne_bytes()).collect()
}

/// One of CPython's machine formats: item size, signedness or kind, and
/// byte order.
#[derive(Clone, Copy)]
enum MFormat {
    Int {
        size: usize,
        signed: bool,
        big: bool,
    },
    Float {
        size: usize,
        big: bool,
    },
    Utf16 {
        big: bool,
    },
    Utf32 {
        big: bool,
    },
}

fn mformat(m: i64) -> Option<MFormat> {
    let big = m % 2 == 1;
    Some(match m {
        0 | 1 => MFormat::Int {
            size: 1,
            signed: m == 1,
            big: false,
        },
        2..=13 => MFormat::Int {
            size: 2 << ((m - 2) / 4),
            signed: (m - 2) % 4 >= 2,
            big,
        },
        14..=17 => MFormat::Float {
            size: if m < 16 { 4 } else { 8 },
            big,
        },
        18 | 19 => MFormat::Utf16 { big },
        20 | 21 => MFormat::Utf32 { big },
        _ => return None,
    })
}

/// The items of `data` read in machine format `f`.
fn decode_mformat<H: Heap>(vm: &mut Vm<H>, f: MFormat, data: &[u8]) -> PyResult<Vec<store::Item>> {
    use store::Item;
    let word = |b: &[u8], big: bool| -> u64 {
        let mut w = [0u8; 8];
        if big {
            for (i, x) in b.iter().rev().enumerate() {
                w[i] = *x;
            }
        } else {
            w[..b.len()].copy_from_slice(b);
        }
        u64::from_le_bytes(w)
    };
    let size = match f {
        MFormat::Int { size, .. } | MFormat::Float { size, .. } => size,
        MFormat::Utf16 { .. } => 2,
        MFormat::Utf32 { .. } => 4,
    };
    if !data.len().is_multiple_of(size) {
        return Err(vm.value_error("string length not a multiple of item size"));
    }
    let words = data.chunks(size);
    Ok(match f {
        MFormat::Int { size, signed, big } => words
            .map(|b| {
                let w = word(b, big);
                let shift = 64 - 8 * size as u32;
                Item::Int(if signed {
                    ((w << shift) as i64 >> shift) as i128
                } else {
                    w as i128
                })
            })
            .collect(),
        MFormat::Float { size, big } => words
            .map(|b| {
                let w = word(b, big);
                Item::Float(if size == 4 {
                    f32::from_bits(w as u32) as f64
                } else {
                    f64::from_bits(w)
                })
            })
            .collect(),
        MFormat::Utf16 { big } => {
            let units: Vec<u16> = words.map(|b| word(b, big) as u16).collect();
            char::decode_utf16(units)
                .map(|c| Item::Char(c.map_or_else(|e| e.unpaired_surrogate() as u32, |c| c as u32)))
                .collect()
        }
        MFormat::Utf32 { big } => words.map(|b| Item::Char(word(b, big) as u32)).collect(),
    })
}

/// `_array_reconstructor(arraytype, typecode, mformat_code, items)`: how
/// pickles of protocol 3 and later rebuild an array.
fn array_reconstructor<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "_array_reconstructor", 4, 4)?;
    let cls = vm.arg(a, 0);
    if !vm.is_class(cls) {
        let msg = format!(
            "first argument must be a type object, not {}",
            vm.type_name(cls)
        );
        return Err(vm.type_error(&msg));
    }
    if !is_array_class(vm, cls) {
        let msg = format!("{} is not a subtype of array.array", vm.class_name(cls));
        return Err(vm.type_error(&msg));
    }
    let code = match typecode_arg(vm, vm.arg(a, 1)) {
        Ok(c) => c,
        Err(_) => return Err(vm.value_error("second argument must be a valid type code")),
    };
    let m = vm.index_int(vm.arg(a, 2))?;
    let Some(f) = mformat(m) else {
        return Err(vm.value_error("third argument must be a valid machine format code."));
    };
    let items = vm.arg(a, 3);
    let iu = Vm::<H>::unbox(items);
    if !(iu.is_obj() && object::kind(iu.as_obj()) == Kind::Bytes) {
        let msg = format!(
            "fourth argument should be bytes, not {}",
            vm.type_name(items)
        );
        return Err(vm.type_error(&msg));
    }
    let data = object::bytes_of(iu.as_obj()).to_vec();
    if m == code.mformat() {
        return new_array(vm, cls, code, &data);
    }
    let decoded = decode_mformat(vm, f, &data)?;
    let o = new_array(vm, cls, code, &[])?;
    let os = vm.push(o);
    let mut packed = Vec::with_capacity(decoded.len() * code.size());
    for item in decoded {
        let converted = item_value(vm, item).and_then(|v| store::convert(vm, code, v));
        match converted {
            Ok(it) => store::encode(code, it, &mut packed),
            Err(e) => {
                vm.truncate(os);
                return Err(e);
            }
        }
    }
    let r = store::append_bytes(vm, os, &packed);
    let o = vm.st(os);
    vm.truncate(os);
    r.map(|_| o)
}
