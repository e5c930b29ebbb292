//! Instances of user classes: `[class][storage][shape]`.
//!
//! Attributes live in one of two modes:
//! * **hidden class** (the default): `shape` points at an immortal `Shape`
//!   mapping attribute names to indices into the `storage` array, and adding
//!   an attribute follows a shape transition (as in V8 and PyPy's maps);
//! * **dictionary**: once Python code asks for `obj.__dict__` (or `vars`),
//!   the attributes move into a real dict that `storage` then holds, and
//!   `shape` is 0. The dict is live: changes through it are the object's
//!   attributes. This is PyPy's devolution from maps to a dict.
//!
//! `__slots__` classes reject attributes outside their slots.

use crate::builtins::*;
use crate::object::{self, Kind, field};
use crate::runtime::Shape;
use crate::value::Value;
use crate::vm::{PyResult, Vm};
use gc_api::{Heap, ObjectRef};
use std::rc::Rc;

/// `INST_SHAPE` value of an instance in dictionary mode.
const DICT_MODE: usize = 0;

fn shape_of(o: ObjectRef) -> Option<&'static Shape> {
    let w = object::word(o, field::INST_SHAPE);
    if w == DICT_MODE {
        None
    } else {
        // SAFETY: a non-zero INST_SHAPE always holds a leaked &'static Shape.
        Some(unsafe { &*(w as *const Shape) })
    }
}

impl<H: Heap> Vm<H> {
    /// A new instance of user class `cls` (no `__init__` call).
    pub fn new_instance(&mut self, cls: Value) -> PyResult {
        let mark = self.push(cls);
        let slots = self.alloc_array(Kind::Array, 4)?;
        self.push(Value::obj(slots));
        let o = self.alloc_fixed(Kind::Instance)?;
        let cls = self.st(mark);
        object::init(o, field::INST_CLASS, cls);
        object::init(o, field::INST_SLOTS, self.st(mark + 1));
        object::init(o, field::INST_BASE, Value::NULL);
        object::set_word(
            o,
            field::INST_SHAPE,
            self.rt.root_shape as *const Shape as usize,
        );
        if object::word(cls.as_obj(), field::CLS_FLAGS) & CLS_HAS_DEL != 0 {
            object::set_flags(o, object::FLAG_HAS_FINALIZER);
            self.rt.reaper.register_finalizable(o);
        }
        self.truncate(mark);
        Ok(Value::obj(o))
    }

    /// The builtin value that `v` boxes, if `v` is an instance of a subclass
    /// of a builtin value type (`class D(dict)`).
    #[inline]
    pub fn unboxed(v: Value) -> Option<Value> {
        if v.is_obj() && object::kind(v.as_obj()) == Kind::Instance {
            let b = object::get(v.as_obj(), field::INST_BASE);
            // An exception keeps its traceback there instead (an object,
            // never a builtin value: see `crate::traceback`).
            let traceback =
                b.is_obj() && matches!(object::kind(b.as_obj()), Kind::RawBytes | Kind::Instance);
            (!b.is_null() && !traceback).then_some(b)
        } else {
            None
        }
    }

    /// `v`'s boxed builtin value, or `v` itself.
    #[inline]
    pub fn unbox(v: Value) -> Value {
        Self::unboxed(v).unwrap_or(v)
    }

    /// An instance attribute, if set. Never allocates.
    #[inline]
    pub fn inst_get(&self, o: ObjectRef, sym: u32) -> Option<Value> {
        let storage = object::get(o, field::INST_SLOTS);
        match shape_of(o) {
            Some(shape) => shape
                .lookup(sym)
                .map(|i| object::array_get(storage.as_obj(), i))
                .filter(|v| !v.is_null()),
            None => self.dict_get_str(storage, self.sym(sym)),
        }
    }

    /// Sets an instance attribute.
    pub fn inst_set(&mut self, o: Value, sym: u32, v: Value) -> PyResult<()> {
        let oo = o.as_obj();
        let Some(shape) = shape_of(oo) else {
            let d = object::get(oo, field::INST_SLOTS);
            let k = self.sym(sym);
            return self.dict_set_item(d, k, v);
        };
        if let Some(i) = shape.lookup(sym) {
            let storage = object::get(oo, field::INST_SLOTS).as_obj();
            self.store(storage, 1 + i, v);
            return Ok(());
        }
        if let Some(allowed) = self.slots_of(object::get(oo, field::INST_CLASS))
            && !allowed.contains(&sym)
        {
            let msg = format!(
                "'{}' object has no attribute '{}'",
                self.type_name(o),
                self.interner.name(sym)
            );
            return Err(self.raise_msg(T_ATTRIBUTE_ERROR, &msg));
        }
        let next = shape.with(sym);
        let i = next.names.len() - 1;
        let mark = self.push(o);
        self.push(v);
        if i >= object::array_len(object::get(oo, field::INST_SLOTS).as_obj()) {
            let grown = self.alloc_array(Kind::Array, (i + 1) * 2)?;
            let oo = self.st(mark).as_obj();
            let old = object::get(oo, field::INST_SLOTS).as_obj();
            for k in 0..object::array_len(old) {
                object::init(grown, 1 + k, object::array_get(old, k));
            }
            self.store(oo, field::INST_SLOTS, Value::obj(grown));
        }
        let (oo, v) = (self.st(mark).as_obj(), self.st(mark + 1));
        self.truncate(mark);
        let storage = object::get(oo, field::INST_SLOTS).as_obj();
        self.store(storage, 1 + i, v);
        object::set_word(oo, field::INST_SHAPE, next as *const Shape as usize);
        Ok(())
    }

    /// Deletes an instance attribute; `false` if it was not set.
    pub fn inst_del(&mut self, o: Value, sym: u32) -> PyResult<bool> {
        if self.inst_get(o.as_obj(), sym).is_none() {
            return Ok(false);
        }
        // Deleting is rare: devolve to a dict rather than rebuild shapes.
        let d = self.instance_dict(o)?;
        let k = self.sym(sym);
        self.dict_del_item(d, k)
    }

    /// The live `__dict__` of an instance, switching it to dictionary mode.
    pub fn instance_dict(&mut self, obj: Value) -> PyResult {
        let Some(shape) = shape_of(obj.as_obj()) else {
            return Ok(object::get(obj.as_obj(), field::INST_SLOTS));
        };
        let mark = self.push(obj);
        let d = self.new_dict()?;
        let ds = self.push(d);
        for (i, &n) in shape.names.iter().enumerate() {
            let o = self.st(mark).as_obj();
            let v = object::array_get(object::get(o, field::INST_SLOTS).as_obj(), i);
            if v.is_null() {
                continue;
            }
            let k = self.sym(n);
            self.dict_set_item(self.st(ds), k, v)?;
        }
        let (o, d) = (self.st(mark).as_obj(), self.st(ds));
        self.store(o, field::INST_SLOTS, d);
        object::set_word(o, field::INST_SHAPE, DICT_MODE);
        self.truncate(mark);
        Ok(d)
    }

    /// Attribute names of an instance, in insertion order.
    pub fn inst_names(&self, o: ObjectRef) -> Vec<Value> {
        match shape_of(o) {
            Some(shape) => shape.names.iter().map(|&n| self.sym(n)).collect(),
            None => {
                let d = object::get(o, field::INST_SLOTS);
                (0..Self::dict_used(d))
                    .map(|i| Self::dict_entry(d, i).0)
                    .filter(|k| !k.is_null() && *k != Value::DUMMY)
                    .collect()
            }
        }
    }

    /// The attribute names instances of `cls` may have, if every class in
    /// its MRO (but `object`) declares `__slots__` without `__dict__`;
    /// `None` when instances take any attribute. Cached per class.
    pub fn slots_of(&mut self, cls: Value) -> Option<Rc<Vec<u32>>> {
        let id = object::word(cls.as_obj(), field::CLS_ID) as u32;
        if let Some(s) = self.rt.slots_cache.get(&id) {
            return s.clone();
        }
        let slots_key = self.sym(self.interner.lookup("__slots__").expect("interned at boot"));
        let mro = object::get(cls.as_obj(), field::CLS_MRO);
        let object_cls = self.class(T_OBJECT);
        let mut names = Vec::new();
        let mut restricted = true;
        for &c in object::items(mro.as_obj()) {
            if c == object_cls {
                continue;
            }
            let d = object::get(c.as_obj(), field::CLS_DICT);
            let Some(s) = self.dict_get_str(d, slots_key) else {
                restricted = false;
                break;
            };
            let items: Vec<Value> = if s.is_obj() && object::kind(s.as_obj()) == Kind::Tuple {
                object::items(s.as_obj()).to_vec()
            } else if s.is_obj() && object::kind(s.as_obj()) == Kind::List {
                (0..Self::list_len(s))
                    .map(|i| Self::list_get(s, i))
                    .collect()
            } else if s.is_obj() && object::kind(s.as_obj()) == Kind::Dict {
                // `__slots__ = {name: docstring}` (statistics.NormalDist).
                (0..Self::dict_used(s))
                    .map(|i| Self::dict_entry(s, i).0)
                    .filter(|k| !k.is_null() && *k != Value::DUMMY)
                    .collect()
            } else {
                vec![s]
            };
            for it in items {
                if it.is_obj() && object::kind(it.as_obj()) == Kind::Str {
                    let n = object::str_of(it.as_obj());
                    if n == "__dict__" {
                        restricted = false;
                    }
                    if let Some(id) = self.interner.lookup(n) {
                        names.push(id);
                    }
                }
            }
        }
        let r = restricted.then(|| Rc::new(names));
        self.rt.slots_cache.insert(id, r.clone());
        r
    }
}
