//! Attribute inline caches for T0 (in the spirit of PEP 659's specialised
//! `LOAD_ATTR`): the first execution of an attribute instruction takes the
//! generic path and records what it found; later executions with the same
//! receiver class and shape, under the same class epoch, go straight to the
//! slot. The interpreter loop checks the guards; this module fills entries.
//!
//! Guards, and why they suffice:
//! * class (immortal, so its address is stable) and instance shape decide
//!   where an instance attribute lives and that no data descriptor of the
//!   class shadows it;
//! * `class_epoch` changes whenever any class dict changes, which covers
//!   descriptors, `__setattr__` and methods being added or replaced;
//! * dictionary-mode instances have shape 0 and never match.

use crate::bytecode::{Code, InlineCache};
use crate::object::{self, Kind, field};
use crate::value::Value;
use crate::vm::{PyResult, Vm};
use gc_api::Heap;

impl<H: Heap> Vm<H> {
    /// Is `name` a data descriptor (property) on class `cls`, or does the
    /// class customise attribute assignment? Then no cache may bypass it.
    fn attr_needs_slow_path(&mut self, cls: Value, name: u32, for_store: bool) -> bool {
        if let Some(d) = self.class_lookup(cls, name)
            && d.is_obj()
            && matches!(object::kind(d.as_obj()), Kind::Property | Kind::Instance)
        {
            return true;
        }
        if for_store {
            let sa = self
                .interner
                .lookup("__setattr__")
                .expect("interned at boot");
            if let Some(f) = self.class_lookup(cls, sa) {
                return f.is_obj() && object::kind(f.as_obj()) == Kind::Function;
            }
        }
        false
    }

    /// `obj.name` via the generic path, filling the cache at `pc`.
    pub fn load_attr_slow(&mut self, code: &Code, pc: usize, o: Value, name: u32) -> PyResult {
        let mark = self.push(o);
        let v = self.getattr(o, name);
        let o = self.st(mark);
        self.truncate(mark);
        let v = v?;
        if Self::is_instance_obj(o) {
            let oo = o.as_obj();
            let shape = object::word(oo, field::INST_SHAPE);
            let cls = object::get(oo, field::INST_CLASS);
            if shape != 0 && !self.attr_needs_slow_path(cls, name, false) {
                // SAFETY: a non-zero INST_SHAPE is a leaked &'static Shape.
                let s = unsafe { &*(shape as *const crate::runtime::Shape) };
                if let Some(i) = s.lookup(name) {
                    code.caches[pc].set(InlineCache {
                        class: cls.0 as usize,
                        shape,
                        aux: 0,
                        epoch: self.rt.class_epoch,
                        index: i as u32,
                    });
                }
            }
        }
        Ok(v)
    }

    /// `obj.name = v` via the generic path, filling the cache at `pc` with
    /// either the slot of an existing attribute or the shape transition.
    pub fn store_attr_slow(
        &mut self,
        code: &Code,
        pc: usize,
        o: Value,
        name: u32,
        v: Value,
    ) -> PyResult<()> {
        let before = if Self::is_instance_obj(o) {
            let oo = o.as_obj();
            let cls = object::get(oo, field::INST_CLASS);
            let shape = object::word(oo, field::INST_SHAPE);
            (shape != 0 && !self.attr_needs_slow_path(cls, name, true)).then_some((cls, shape))
        } else {
            None
        };
        let mark = self.push(o);
        self.setattr(o, name, v)?;
        let o = self.st(mark);
        self.truncate(mark);
        if let Some((cls, shape)) = before {
            let after = object::word(o.as_obj(), field::INST_SHAPE);
            if after != 0 {
                // SAFETY: non-zero INST_SHAPE words are leaked &'static Shapes.
                let s = unsafe { &*(after as *const crate::runtime::Shape) };
                if let Some(i) = s.lookup(name) {
                    code.caches[pc].set(InlineCache {
                        class: cls.0 as usize,
                        shape,
                        aux: if after == shape { 0 } else { after },
                        epoch: self.rt.class_epoch,
                        index: i as u32,
                    });
                }
            }
        }
        Ok(())
    }

    /// `obj.name` for a call via the generic path, filling the cache at
    /// `pc` when the result is a plain method found in a class dict.
    pub fn load_method_slow(
        &mut self,
        code: &Code,
        pc: usize,
        o: Value,
        name: u32,
    ) -> PyResult<(Value, Value)> {
        let mark = self.push(o);
        let r = self.load_method(o, name);
        let o = self.st(mark);
        self.truncate(mark);
        let (f, s) = r?;
        if s.is_null() || !o.is_obj() {
            return Ok((f, s));
        }
        let oo = o.as_obj();
        let (cls, shape) = if object::kind(oo) == Kind::Instance {
            let shape = object::word(oo, field::INST_SHAPE);
            if shape == 0 {
                return Ok((f, s));
            }
            (object::get(oo, field::INST_CLASS), shape)
        } else {
            (self.type_of(o), 0)
        };
        // Find the class dict entry holding the method.
        let key = self.sym(name);
        let mro = object::get(cls.as_obj(), field::CLS_MRO);
        for &holder in object::items(mro.as_obj()) {
            let d = object::get(holder.as_obj(), field::CLS_DICT);
            if let Some(i) = self.dict_entry_index_str(d, key) {
                if Self::dict_entry(d, i).1 == f {
                    code.caches[pc].set(InlineCache {
                        class: cls.0 as usize,
                        shape,
                        aux: holder.0 as usize,
                        epoch: self.rt.class_epoch,
                        index: i as u32,
                    });
                }
                break;
            }
        }
        Ok((f, s))
    }

    /// The entry index of str key `key` in dict `d` (no Python code runs).
    pub fn dict_entry_index_str(&self, d: Value, key: Value) -> Option<usize> {
        let ks = object::str_of(key.as_obj());
        (0..Self::dict_used(d)).find(|&i| {
            let k = Self::dict_entry(d, i).0;
            k == key
                || (k.is_obj()
                    && object::kind(k.as_obj()) == Kind::Str
                    && object::str_of(k.as_obj()) == ks)
        })
    }
}
