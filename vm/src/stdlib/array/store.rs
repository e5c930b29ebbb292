//! How an array keeps its items: type codes, the packed item encoding,
//! and the storage an array instance carries.
//!
//! An array is an ordinary instance whose hidden attribute
//! [`STORE_ATTR`] holds a two-slot VM `Array`: the type code (a small
//! int, the code's character) and a VM `bytearray` whose bytes are the
//! items packed in the machine's native layout (wchar_t is 4 bytes, as on
//! Linux). The bytearray gives the storage its growth policy; its bytes
//! are pointer-free, so the collectors move them as one block.
//!
//! Items cross the boundary as [`Item`]s: conversion from Python values
//! (with CPython's range checks and messages) happens before any storage
//! pointer is taken, since it may run Python code.

use crate::num;
use crate::object::{self, Kind, field};
use crate::value::Value;
use crate::vm::{PyResult, Vm};
use gc_api::{Heap, ObjectRef};
use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive};

/// The instance attribute holding an array's `[typecode, bytearray]`.
pub(super) const STORE_ATTR: &str = "__array_store";

/// The type codes, in CPython's order.
pub(super) const TYPECODES: &str = "bBuhHiIlLqQfd";

/// An array type code (one of [`TYPECODES`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) struct Code(u8);

/// The value family a type code stores.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Family {
    Signed,
    Unsigned,
    Float,
    Char,
}

impl Code {
    /// The code for character `c`, if it is a type code.
    pub(super) fn from_char(c: char) -> Option<Code> {
        (c.is_ascii() && TYPECODES.contains(c)).then_some(Code(c as u8))
    }

    /// The type code character.
    pub(super) fn char(self) -> char {
        self.0 as char
    }

    /// Bytes per item.
    pub(super) fn size(self) -> usize {
        match self.0 {
            b'b' | b'B' => 1,
            b'h' | b'H' => 2,
            b'i' | b'I' | b'u' | b'f' => 4,
            _ => 8,
        }
    }

    fn family(self) -> Family {
        match self.0 {
            b'b' | b'h' | b'i' | b'l' | b'q' => Family::Signed,
            b'B' | b'H' | b'I' | b'L' | b'Q' => Family::Unsigned,
            b'f' | b'd' => Family::Float,
            _ => Family::Char,
        }
    }

    /// Is this the unicode code `'u'`?
    pub(super) fn is_unicode(self) -> bool {
        self.0 == b'u'
    }

    /// CPython's machine format code of this type code's native layout
    /// (little-endian x86-64 / aarch64), as used by pickling.
    pub(super) fn mformat(self) -> i64 {
        match self.0 {
            b'B' => 0,
            b'b' => 1,
            b'H' => 2,
            b'h' => 4,
            b'I' => 6,
            b'i' => 8,
            b'L' | b'Q' => 10,
            b'l' | b'q' => 12,
            b'f' => 14,
            b'd' => 16,
            _ => 20,
        }
    }

    /// The inclusive range of an integer code and CPython's messages for
    /// values below and above it.
    fn int_range(self) -> (i128, i128, &'static str, &'static str) {
        match self.0 {
            b'b' => (
                -128,
                127,
                "signed char is less than minimum",
                "signed char is greater than maximum",
            ),
            b'B' => (
                0,
                255,
                "unsigned byte integer is less than minimum",
                "unsigned byte integer is greater than maximum",
            ),
            b'h' => (
                i16::MIN as i128,
                i16::MAX as i128,
                "signed short integer is less than minimum",
                "signed short integer is greater than maximum",
            ),
            b'H' => (
                0,
                u16::MAX as i128,
                "unsigned short is less than minimum",
                "unsigned short is greater than maximum",
            ),
            b'i' => (
                i32::MIN as i128,
                i32::MAX as i128,
                "signed integer is less than minimum",
                "signed integer is greater than maximum",
            ),
            b'I' => (
                0,
                u32::MAX as i128,
                "can't convert negative value to unsigned int",
                "unsigned int is greater than maximum",
            ),
            b'l' => (
                i64::MIN as i128,
                i64::MAX as i128,
                "Python int too large to convert to C long",
                "Python int too large to convert to C long",
            ),
            b'L' => (
                0,
                u64::MAX as i128,
                "can't convert negative value to unsigned int",
                "Python int too large to convert to C unsigned long",
            ),
            b'q' => (
                i64::MIN as i128,
                i64::MAX as i128,
                "int too big to convert",
                "int too big to convert",
            ),
            _ => (
                0,
                u64::MAX as i128,
                "can't convert negative int to unsigned",
                "int too big to convert",
            ),
        }
    }
}

/// One array item, decoded.
#[derive(Clone, Copy, Debug)]
pub(super) enum Item {
    Int(i128),
    Float(f64),
    /// A code point (not necessarily a valid one: bytes can hold anything).
    Char(u32),
}

/// Item `i` of packed bytes `data` of code `code`.
#[inline]
pub(super) fn load(code: Code, data: &[u8], i: usize) -> Item {
    let n = code.size();
    let b = &data[i * n..i * n + n];
    match code.0 {
        b'b' => Item::Int(b[0] as i8 as i128),
        b'B' => Item::Int(b[0] as i128),
        b'h' => Item::Int(i16::from_ne_bytes([b[0], b[1]]) as i128),
        b'H' => Item::Int(u16::from_ne_bytes([b[0], b[1]]) as i128),
        b'i' => Item::Int(i32::from_ne_bytes(b.try_into().expect("4 bytes")) as i128),
        b'I' => Item::Int(u32::from_ne_bytes(b.try_into().expect("4 bytes")) as i128),
        b'l' | b'q' => Item::Int(i64::from_ne_bytes(b.try_into().expect("8 bytes")) as i128),
        b'L' | b'Q' => Item::Int(u64::from_ne_bytes(b.try_into().expect("8 bytes")) as i128),
        b'f' => Item::Float(f32::from_ne_bytes(b.try_into().expect("4 bytes")) as f64),
        b'd' => Item::Float(f64::from_ne_bytes(b.try_into().expect("8 bytes"))),
        _ => Item::Char(u32::from_ne_bytes(b.try_into().expect("4 bytes"))),
    }
}

/// Appends the packed bytes of `item` (already checked to fit `code`).
#[inline]
pub(super) fn encode(code: Code, item: Item, out: &mut Vec<u8>) {
    match (code.0, item) {
        (b'b' | b'B', Item::Int(i)) => out.push(i as u8),
        (b'h' | b'H', Item::Int(i)) => out.extend_from_slice(&(i as u16).to_ne_bytes()),
        (b'i' | b'I', Item::Int(i)) => out.extend_from_slice(&(i as u32).to_ne_bytes()),
        (_, Item::Int(i)) => out.extend_from_slice(&(i as u64).to_ne_bytes()),
        (b'f', Item::Float(f)) => out.extend_from_slice(&(f as f32).to_ne_bytes()),
        (_, Item::Float(f)) => out.extend_from_slice(&f.to_ne_bytes()),
        (_, Item::Char(c)) => out.extend_from_slice(&c.to_ne_bytes()),
    }
}

/// The Python value of an item.
pub(super) fn item_value<H: Heap>(vm: &mut Vm<H>, item: Item) -> PyResult {
    match item {
        Item::Int(i) => match i64::try_from(i) {
            Ok(x) => vm.int_from_i64(x),
            Err(_) => vm.new_int(BigInt::from(i)),
        },
        Item::Float(f) => vm.new_float(f),
        Item::Char(c) => match char::from_u32(c) {
            Some(ch) => vm.new_str(ch.encode_utf8(&mut [0; 4])),
            None => {
                let msg = format!("character U+{c:x} is not in range [U+0000; U+10ffff]");
                Err(vm.value_error(&msg))
            }
        },
    }
}

/// Converts `v` to an item of code `code`, as CPython's per-code
/// `setitem` functions do (range checks, `__index__`, `__float__`).
/// May run Python code.
pub(super) fn convert<H: Heap>(vm: &mut Vm<H>, code: Code, v: Value) -> PyResult<Item> {
    match code.family() {
        Family::Signed | Family::Unsigned => {
            let i = int_of(vm, v)?;
            // The narrow codes read a C long first, as CPython's do.
            let narrow = matches!(code.0, b'b' | b'B' | b'h' | b'H' | b'i');
            if narrow && i64::try_from(i).is_err() {
                return Err(vm.overflow_error("Python int too large to convert to C long"));
            }
            if code.0 == b'I' && i > u64::MAX as i128 {
                return Err(vm.overflow_error("Python int too large to convert to C unsigned long"));
            }
            let (lo, hi, below, above) = code.int_range();
            if i < lo {
                return Err(vm.overflow_error(below));
            }
            if i > hi {
                return Err(vm.overflow_error(above));
            }
            Ok(Item::Int(i))
        }
        Family::Float => {
            let f = float_of(vm, v)?;
            // 'f' stores a C float: round now so reads see what is stored.
            Ok(Item::Float(if code.0 == b'f' {
                f as f32 as f64
            } else {
                f
            }))
        }
        Family::Char => {
            let u = Vm::<H>::unbox(v);
            if u.is_obj() && object::kind(u.as_obj()) == Kind::Str {
                let mut chars = object::str_of(u.as_obj()).chars();
                if let (Some(c), None) = (chars.next(), chars.next()) {
                    return Ok(Item::Char(c as u32));
                }
            }
            Err(vm.type_error("array item must be unicode character"))
        }
    }
}

/// An integer argument as i128, saturating beyond (its range checks then
/// fail): ints, bools, subclasses, and `__index__` objects (not floats).
fn int_of<H: Heap>(vm: &mut Vm<H>, v: Value) -> PyResult<i128> {
    let u = Vm::<H>::unbox(v);
    if u.is_int() {
        return Ok(u.as_int() as i128);
    }
    if num::is_int(u) {
        let b = num::to_bigint(u);
        return Ok(b.to_i128().unwrap_or(if b.is_negative() {
            i128::MIN
        } else {
            i128::MAX
        }));
    }
    if u.is_obj() && object::kind(u.as_obj()) == Kind::Float {
        return Err(vm.not_an_integer(v));
    }
    match vm.call_dunder(v, "__index__", &[])? {
        Some(r) if num::is_int(Vm::<H>::unbox(r)) => int_of(vm, r),
        Some(r) => {
            let msg = format!("__index__ returned non-int (type {})", vm.type_name(r));
            Err(vm.type_error(&msg))
        }
        None => Err(vm.not_an_integer(v)),
    }
}

/// A real-number argument as f64: floats, ints, `__float__` and
/// `__index__` objects.
fn float_of<H: Heap>(vm: &mut Vm<H>, v: Value) -> PyResult<f64> {
    let u = Vm::<H>::unbox(v);
    if let Some(f) = vm.as_f64(u)? {
        return Ok(f);
    }
    if vm.type_method(v, "__float__").is_some() {
        // Named now: the call may move `v`.
        let name = vm.type_name(v);
        let r = vm.call_dunder(v, "__float__", &[])?.unwrap_or(Value::NONE);
        let ru = Vm::<H>::unbox(r);
        if ru.is_obj() && object::kind(ru.as_obj()) == Kind::Float {
            return Ok(object::float_of(ru.as_obj()));
        }
        let msg = format!(
            "{name}.__float__ returned non-float (type {})",
            vm.type_name(r)
        );
        return Err(vm.type_error(&msg));
    }
    if vm.type_method(v, "__index__").is_some() {
        return Ok(int_of(vm, v)? as f64);
    }
    let msg = format!("must be real number, not {}", vm.type_name(v));
    Err(vm.type_error(&msg))
}

// ------------------------------------------------------------ the storage

/// An array's storage, read without allocating. Valid until the next
/// allocation (the collectors may move both objects).
#[derive(Clone, Copy)]
pub(super) struct Store {
    /// The items' type code.
    pub(super) code: Code,
    /// The VM bytearray holding the packed items.
    pub(super) ba: ObjectRef,
}

impl Store {
    /// The number of items.
    #[inline]
    pub(super) fn len(self) -> usize {
        object::word(self.ba, field::BA_LEN) / self.code.size()
    }

    /// The packed items (see [`object::bytes_of`] for the lifetime rule).
    #[inline]
    pub(super) fn bytes<'a>(self) -> &'a [u8] {
        let buf = object::get(self.ba, field::BA_BUF).as_obj();
        &object::bytes_of(buf)[..object::word(self.ba, field::BA_LEN)]
    }

    /// The packed items, writable (same lifetime rule).
    #[inline]
    pub(super) fn bytes_mut<'a>(self) -> &'a mut [u8] {
        let buf = object::get(self.ba, field::BA_BUF).as_obj();
        &mut object::bytes_of_mut(buf)[..object::word(self.ba, field::BA_LEN)]
    }

    /// Item `i` (in bounds).
    #[inline]
    pub(super) fn get(self, i: usize) -> Item {
        load(self.code, self.bytes(), i)
    }
}

/// The storage of `v`, if `v` is an array (of any subclass). Never
/// allocates.
#[inline]
pub(super) fn store_of<H: Heap>(vm: &Vm<H>, v: Value) -> Option<Store> {
    if !(v.is_obj() && object::kind(v.as_obj()) == Kind::Instance) {
        return None;
    }
    // Interned when the module was made: no array exists before that.
    let sym = vm.interner.lookup(STORE_ATTR)?;
    let h = vm.inst_get(v.as_obj(), sym)?;
    if !(h.is_obj()
        && object::kind(h.as_obj()) == Kind::Array
        && object::array_len(h.as_obj()) == 2)
    {
        return None;
    }
    let (c, ba) = (
        object::array_get(h.as_obj(), 0),
        object::array_get(h.as_obj(), 1),
    );
    let code = c.is_int().then(|| c.as_int()).and_then(|c| {
        u32::try_from(c)
            .ok()
            .and_then(char::from_u32)
            .and_then(Code::from_char)
    })?;
    (ba.is_obj() && object::kind(ba.as_obj()) == Kind::ByteArray).then_some(Store {
        code,
        ba: ba.as_obj(),
    })
}

/// Gives the fresh instance rooted at `slot` an empty storage of `code`
/// holding `data` (packed items).
pub(super) fn attach_store<H: Heap>(
    vm: &mut Vm<H>,
    slot: usize,
    code: Code,
    data: &[u8],
) -> PyResult<()> {
    let ba = vm.new_bytearray(data)?;
    let bs = vm.push(ba);
    let h = vm.alloc_array(Kind::Array, 2)?;
    // Fresh object: plain initialising stores need no barrier.
    object::init(h, 1, Value::int(code.char() as i64));
    object::init(h, 2, vm.st(bs));
    vm.set_st(bs, Value::obj(h));
    let sym = vm.intern(STORE_ATTR);
    let r = vm.inst_set(vm.st(slot), sym, vm.st(bs));
    vm.truncate(bs);
    r
}

/// Appends packed items to the array rooted at `slot`.
pub(super) fn append_bytes<H: Heap>(vm: &mut Vm<H>, slot: usize, data: &[u8]) -> PyResult<()> {
    if data.is_empty() {
        return Ok(());
    }
    let s = store_of(vm, vm.st(slot)).expect("an array");
    vm.bytearray_extend(Value::obj(s.ba), data)
}

/// Replaces bytes `start..end` of the array rooted at `slot` with `data`
/// (insertion, deletion and slice assignment).
pub(super) fn splice<H: Heap>(
    vm: &mut Vm<H>,
    slot: usize,
    start: usize,
    end: usize,
    data: &[u8],
) -> PyResult<()> {
    let old = store_of(vm, vm.st(slot)).expect("an array").bytes().len();
    let new_len = old - (end - start) + data.len();
    if new_len > old {
        // Grow first (this may move the storage), then shift the tail.
        let grow = vec![0u8; new_len - old];
        append_bytes(vm, slot, &grow)?;
    } else {
        let s = store_of(vm, vm.st(slot)).expect("an array");
        s.bytes_mut().copy_within(end..old, start + data.len());
        object::set_word(s.ba, field::BA_LEN, new_len);
        s.bytes_mut()[start..start + data.len()].copy_from_slice(data);
        return Ok(());
    }
    let s = store_of(vm, vm.st(slot)).expect("an array");
    let b = s.bytes_mut();
    b.copy_within(end..old, start + data.len());
    b[start..start + data.len()].copy_from_slice(data);
    Ok(())
}
