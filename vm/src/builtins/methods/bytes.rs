//! `bytes` and `bytearray` methods. A bytearray is `[buffer: RawBytes][len]`
//! with spare capacity in the buffer, grown by reallocation.

use crate::builtins::*;
use crate::object::{self, Kind, field};
use crate::value::Value;
use crate::vm::{Args, PyResult, Vm};
use gc_api::Heap;

pub(super) fn install<H: Heap>(vm: &mut Vm<H>) {
    vm.def_method(T_BYTEARRAY, "append", append::<H>);
    vm.def_method(T_BYTEARRAY, "extend", extend::<H>);
    vm.def_method(T_BYTEARRAY, "pop", pop::<H>);
    vm.def_method(T_BYTEARRAY, "clear", clear::<H>);
    vm.def_method(T_BYTEARRAY, "decode", decode::<H>);
    vm.def_method(T_BYTEARRAY, "hex", hex::<H>);
    vm.def_method(T_BYTES, "hex", hex::<H>);
}

impl<H: Heap> Vm<H> {
    /// The current contents of a bytes or bytearray object.
    pub fn byte_contents(&self, v: Value) -> Option<Vec<u8>> {
        if !v.is_obj() {
            return None;
        }
        let o = v.as_obj();
        match object::kind(o) {
            Kind::Bytes => Some(object::bytes_of(o).to_vec()),
            Kind::ByteArray => {
                let buf = object::get(o, field::BA_BUF).as_obj();
                Some(object::bytes_of(buf)[..object::word(o, field::BA_LEN)].to_vec())
            }
            _ => None,
        }
    }

    /// Appends `data` to bytearray `ba`, growing its buffer geometrically.
    pub fn bytearray_extend(&mut self, ba: Value, data: &[u8]) -> PyResult<()> {
        let len = object::word(ba.as_obj(), field::BA_LEN);
        let cap = object::word(object::get(ba.as_obj(), field::BA_BUF).as_obj(), 0);
        let mark = self.push(ba);
        if len + data.len() > cap {
            let new_cap = (len + data.len()).max(cap + cap / 2 + 16);
            let buf = self.new_bytes_kind(Kind::RawBytes, &vec![0u8; new_cap])?;
            let ba = self.st(mark).as_obj();
            let old = object::get(ba, field::BA_BUF).as_obj();
            object::bytes_of_mut(buf.as_obj())[..len]
                .copy_from_slice(&object::bytes_of(old)[..len]);
            self.store(ba, field::BA_BUF, buf);
        }
        let ba = self.st(mark).as_obj();
        let buf = object::get(ba, field::BA_BUF).as_obj();
        object::bytes_of_mut(buf)[len..len + data.len()].copy_from_slice(data);
        object::set_word(ba, field::BA_LEN, len + data.len());
        self.truncate(mark);
        Ok(())
    }
}

fn append<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "append", 2, 2)?;
    let b = match vm.index_value(vm.arg(a, 1))? {
        Some(b) if (0..256).contains(&b) => b as u8,
        Some(_) => return Err(vm.value_error("byte must be in range(0, 256)")),
        None => {
            let msg = format!(
                "'{}' object cannot be interpreted as an integer",
                vm.type_name(vm.arg(a, 1))
            );
            return Err(vm.type_error(&msg));
        }
    };
    vm.bytearray_extend(vm.arg(a, 0), &[b])?;
    Ok(Value::NONE)
}

fn extend<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "extend", 2, 2)?;
    let data = match vm.byte_contents(vm.arg(a, 1)) {
        Some(d) => d,
        None => super::super::types::bytes_from(vm, vm.arg(a, 1))?,
    };
    vm.bytearray_extend(vm.arg(a, 0), &data)?;
    Ok(Value::NONE)
}

fn pop<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "pop", 1, 2)?;
    let ba = vm.arg(a, 0).as_obj();
    let len = object::word(ba, field::BA_LEN);
    if len == 0 {
        return Err(vm.raise_msg(T_INDEX_ERROR, "pop from empty bytearray"));
    }
    let i = if a.n == 2 {
        let i = vm.index_value(vm.arg(a, 1))?.unwrap_or(0);
        let j = if i < 0 { i + len as i64 } else { i };
        if j < 0 || j >= len as i64 {
            return Err(vm.raise_msg(T_INDEX_ERROR, "pop index out of range"));
        }
        j as usize
    } else {
        len - 1
    };
    let ba = vm.arg(a, 0).as_obj();
    let buf = object::bytes_of_mut(object::get(ba, field::BA_BUF).as_obj());
    let v = buf[i];
    buf.copy_within(i + 1..len, i);
    object::set_word(ba, field::BA_LEN, len - 1);
    Ok(Value::int(v as i64))
}

fn clear<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "clear", 1, 1)?;
    object::set_word(vm.arg(a, 0).as_obj(), field::BA_LEN, 0);
    Ok(Value::NONE)
}

fn decode<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let data = vm.byte_contents(vm.arg(a, 0)).unwrap_or_default();
    match String::from_utf8(data) {
        Ok(s) => vm.new_str(&s),
        Err(_) => Err(vm.raise_msg(T_UNICODE_ERROR, "'utf-8' codec can't decode bytes")),
    }
}

fn hex<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "hex", 1, 1)?;
    let data = vm.byte_contents(vm.arg(a, 0)).unwrap_or_default();
    let s: String = data.iter().map(|b| format!("{b:02x}")).collect();
    vm.new_str(&s)
}
