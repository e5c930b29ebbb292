//! Boot: the builtin classes (with C3 MROs), the `builtins` module, and the
//! registry of native functions and methods.

pub(crate) mod complex;
mod exception_group;
mod functions;
pub(crate) mod introspect;
pub(crate) mod mappingproxy;
pub(crate) mod memoryview;
pub(crate) use introspect::{call_types_helper, sys_getframe};
mod metatype;
pub(crate) mod methods;
pub(crate) mod os_error;
mod python_backed;
pub(crate) mod types;
mod unicode_error;

use crate::object::{self, Kind, field};
use crate::value::Value;
use crate::vm::{Args, NativeDef, NativeFn, PyResult, Vm};
use gc_api::Heap;

// Indices into `Runtime::classes`.
pub const T_OBJECT: usize = 0;
pub const T_TYPE: usize = 1;
pub const T_INT: usize = 2;
pub const T_BOOL: usize = 3;
pub const T_FLOAT: usize = 4;
pub const T_STR: usize = 5;
pub const T_BYTES: usize = 6;
pub const T_TUPLE: usize = 7;
pub const T_LIST: usize = 8;
pub const T_DICT: usize = 9;
pub const T_SET: usize = 10;
pub const T_FROZENSET: usize = 11;
pub const T_NONE: usize = 12;
pub const T_FUNCTION: usize = 13;
pub const T_BUILTIN: usize = 14;
pub const T_METHOD: usize = 15;
pub const T_CELL: usize = 16;
pub const T_MODULE: usize = 17;
pub const T_GENERATOR: usize = 18;
pub const T_RANGE: usize = 19;
pub const T_SLICE: usize = 20;
pub const T_PROPERTY: usize = 21;
pub const T_CLASSMETHOD: usize = 22;
pub const T_STATICMETHOD: usize = 23;
pub const T_SUPER: usize = 24;
pub const T_WEAKREF: usize = 25;
pub const T_ITERATOR: usize = 26;
pub const T_BYTEARRAY: usize = 27;
pub const T_NOTIMPL: usize = 28;
pub const T_ELLIPSIS: usize = 29;
pub const T_BASE_EXCEPTION: usize = 30;
pub const T_EXCEPTION: usize = 31;
pub const T_TYPE_ERROR: usize = 32;
pub const T_VALUE_ERROR: usize = 33;
pub const T_NAME_ERROR: usize = 34;
pub const T_UNBOUND_LOCAL_ERROR: usize = 35;
pub const T_ATTRIBUTE_ERROR: usize = 36;
pub const T_LOOKUP_ERROR: usize = 37;
pub const T_KEY_ERROR: usize = 38;
pub const T_INDEX_ERROR: usize = 39;
pub const T_ARITHMETIC_ERROR: usize = 40;
pub const T_ZERO_DIVISION_ERROR: usize = 41;
pub const T_OVERFLOW_ERROR: usize = 42;
pub const T_STOP_ITERATION: usize = 43;
pub const T_RUNTIME_ERROR: usize = 44;
pub const T_RECURSION_ERROR: usize = 45;
pub const T_NOT_IMPLEMENTED_ERROR: usize = 46;
pub const T_ASSERTION_ERROR: usize = 47;
pub const T_MEMORY_ERROR: usize = 48;
pub const T_IMPORT_ERROR: usize = 49;
pub const T_MODULE_NOT_FOUND_ERROR: usize = 50;
pub const T_SYSTEM_EXIT: usize = 51;
pub const T_KEYBOARD_INTERRUPT: usize = 52;
pub const T_GENERATOR_EXIT: usize = 53;
pub const T_OS_ERROR: usize = 54;
pub const T_EOF_ERROR: usize = 55;
pub const T_REFERENCE_ERROR: usize = 56;
pub const T_SYNTAX_ERROR: usize = 57;
pub const T_UNICODE_ERROR: usize = 58;
pub const T_WARNING: usize = 59;
pub const T_DEPRECATION_WARNING: usize = 60;
pub const T_USER_WARNING: usize = 61;
pub const T_FILE_NOT_FOUND_ERROR: usize = 62;
pub const T_BUFFER_ERROR: usize = 63;
/// Preallocated `MemoryError` instance (raised without allocating).
pub const MEMORY_ERROR_INSTANCE: usize = 64;
/// `dict_keys`, `dict_values`, `dict_items` (consecutive, in view order).
pub const T_DICT_KEYS: usize = 65;
pub const T_DICT_VALUES: usize = 66;
pub const T_DICT_ITEMS: usize = 67;
/// `weakref.ProxyType` and `weakref.CallableProxyType`.
pub const T_WEAKPROXY: usize = 68;
pub const T_WEAKCALLABLEPROXY: usize = 69;
/// `sys.UnraisableHookArgs`, what `sys.unraisablehook` receives.
pub const T_UNRAISABLE_ARGS: usize = 70;
/// Coroutines (`async def` calls) and async generators.
pub const T_COROUTINE: usize = 71;
pub const T_ASYNC_GENERATOR: usize = 72;
/// `code`, `traceback` and `frame` objects (instances with attributes).
pub const T_CODE: usize = 73;
pub const T_TRACEBACK: usize = 74;
pub const T_FRAME: usize = 75;
/// `types.SimpleNamespace` (the type of `sys.implementation`).
pub const T_SIMPLE_NAMESPACE: usize = 76;
/// `memoryview`: the class exists (the stdlib registers it with ABCs);
/// heaplab cannot make instances yet.
pub const T_MEMORYVIEW: usize = 77;
/// `complex` (instances are `Kind::Complex` objects; see `complex`).
pub const T_COMPLEX: usize = 78;
/// `mappingproxy` (`types.MappingProxyType`, the type of `cls.__dict__`).
pub const T_MAPPINGPROXY: usize = 79;
const CLASS_SLOTS: usize = 80;

/// The builtin types whose instances are values a subclass instance boxes
/// (`class D(dict)`: each `D` holds a real dict in `field::INST_BASE`).
pub const VALUE_TYPES: [usize; 11] = [
    T_INT,
    T_FLOAT,
    T_STR,
    T_BYTES,
    T_TUPLE,
    T_LIST,
    T_DICT,
    T_SET,
    T_FROZENSET,
    T_BYTEARRAY,
    T_COMPLEX,
];

// Indices into `Runtime::globals_roots`.
pub const ROOT_BUILTINS: usize = 0;
pub const ROOT_MODULES: usize = 1;
pub const ROOT_MAIN: usize = 2;
pub const ROOT_SYS_PATH: usize = 3;
const ROOT_SLOTS: usize = 4;

/// Class flag: the class (or a base) defines `__del__`.
pub const CLS_HAS_DEL: usize = 1;
/// Class flag: builtin class whose instances are not `Instance` objects.
pub const CLS_BUILTIN_LAYOUT: usize = 2;
/// Shift of the constructor native index inside the class flags word.
pub const CLS_CTOR_SHIFT: u32 = 8;

/// The special methods that fill a type slot in CPython: called on a
/// foreign `self`, their wrapper descriptors word the TypeError their own way.
const SLOT_METHODS: &[&str] = &[
    "__call__",
    "__next__",
    "__iter__",
    "__init__",
    "__repr__",
    "__str__",
    "__hash__",
    "__len__",
    "__getitem__",
    "__setitem__",
    "__delitem__",
    "__contains__",
    "__eq__",
    "__ne__",
    "__lt__",
    "__le__",
    "__gt__",
    "__ge__",
    "__add__",
    "__radd__",
    "__iadd__",
    "__mul__",
    "__rmul__",
    "__imul__",
    "__bool__",
    "__get__",
    "__set__",
    "__delete__",
    "__getattribute__",
    "__setattr__",
    "__delattr__",
    "__del__",
    "__or__",
    "__ror__",
    "__ior__",
];

impl<H: Heap> Vm<H> {
    /// Registers a native; returns its index.
    pub fn register(&mut self, name: &'static str, f: NativeFn<H>) -> usize {
        self.natives.push(NativeDef {
            name,
            f,
            unbox_self: false,
            subclass_self: false,
            plain_function: false,
        });
        self.natives.len() - 1
    }

    /// Adds a builtin function to `dict` under `name`.
    pub fn def_fn(&mut self, dict: Value, name: &'static str, f: NativeFn<H>) {
        let idx = self.register(name, f);
        let mark = self.push(dict);
        let b = self
            .new_builtin(idx, Value::NULL)
            .unwrap_or_else(|_| crate::fatal_oom(64, self.heap.limit_bytes()));
        self.push(b);
        let k = self.sym_str(name);
        let (d, b) = (self.st(mark), self.st(mark + 1));
        self.dict_set_item(d, k, b)
            .unwrap_or_else(|_| crate::fatal_oom(64, self.heap.limit_bytes()));
        self.truncate(mark);
    }

    /// Adds a native method to builtin class `t`.
    pub fn def_method(&mut self, t: usize, name: &'static str, f: NativeFn<H>) {
        let d = object::get(self.class(t).as_obj(), field::CLS_DICT);
        self.def_fn(d, name, f);
        if VALUE_TYPES.contains(&t) && name != "__new__" {
            self.natives.last_mut().expect("just registered").unbox_self = true;
        }
    }

    /// Adds a native classmethod (e.g. `dict.fromkeys`) to builtin class `t`.
    pub fn def_classmethod(&mut self, t: usize, name: &'static str, f: NativeFn<H>) {
        self.def_wrapped(t, name, f, Kind::ClassMethod);
    }

    /// Adds a native staticmethod (e.g. `str.maketrans`) to builtin class `t`.
    pub fn def_staticmethod(&mut self, t: usize, name: &'static str, f: NativeFn<H>) {
        self.def_wrapped(t, name, f, Kind::StaticMethod);
    }

    /// A native wrapped in a classmethod or staticmethod, as class attribute.
    fn def_wrapped(&mut self, t: usize, name: &'static str, f: NativeFn<H>, wrapper: Kind) {
        let idx = self.register(name, f);
        let b = self
            .new_builtin(idx, Value::NULL)
            .unwrap_or_else(|_| crate::fatal_oom(64, self.heap.limit_bytes()));
        let bs = self.push(b);
        let cm = self
            .alloc_fixed(wrapper)
            .unwrap_or_else(|_| crate::fatal_oom(64, self.heap.limit_bytes()));
        object::init(cm, 0, self.st(bs));
        self.truncate(bs);
        self.def_class_attr(t, name, Value::obj(cm));
    }

    /// Adds native `f` as classmethod `name` of class `cls` (for classes
    /// made at run time; classes are immortal and never move, so `cls`
    /// stays valid across the allocations).
    pub fn def_native_classmethod(
        &mut self,
        cls: Value,
        name: &'static str,
        f: NativeFn<H>,
    ) -> PyResult<()> {
        let idx = self.register(name, f);
        let b = self.new_builtin(idx, Value::NULL)?;
        let bs = self.push(b);
        let r = self.alloc_fixed(Kind::ClassMethod).and_then(|cm| {
            object::init(cm, 0, self.st(bs));
            self.set_st(bs, Value::obj(cm));
            let k = self.sym_str(name);
            let d = object::get(cls.as_obj(), field::CLS_DICT);
            self.dict_set_item(d, k, self.st(bs))
        });
        self.truncate(bs);
        r
    }

    /// A read-only property whose getter is native `f(self)`.
    pub fn new_native_property(&mut self, name: &'static str, f: NativeFn<H>) -> PyResult {
        let idx = self.register(name, f);
        let g = self.new_builtin(idx, Value::NULL)?;
        let gs = self.push(g);
        let p = self.alloc_fixed(Kind::Property)?;
        object::init(p, field::PROP_GET, self.st(gs));
        for i in [field::PROP_SET, field::PROP_DEL, field::PROP_DOC] {
            object::init(p, i, Value::NONE);
        }
        self.truncate(gs);
        Ok(Value::obj(p))
    }

    /// Adds a read-only property computed by native `f(self)` (e.g.
    /// `int.real`, `function.__code__`) to builtin class `t`.
    pub fn def_property(&mut self, t: usize, name: &'static str, f: NativeFn<H>) {
        let p = self
            .new_native_property(name, f)
            .unwrap_or_else(|_| crate::fatal_oom(64, self.heap.limit_bytes()));
        if VALUE_TYPES.contains(&t) {
            self.natives.last_mut().expect("just registered").unbox_self = true;
        }
        self.def_class_attr(t, name, p);
    }

    /// A new class `module.name(base)` whose methods are the native
    /// `methods`: how a native module's classes start.
    pub fn new_native_class(
        &mut self,
        name: &str,
        base: Value,
        module: &str,
        methods: &[(&'static str, NativeFn<H>)],
    ) -> PyResult {
        let cls = self.make_class(name, &[base], Value::NULL, module)?;
        // Classes are immortal and never move: `cls` stays valid; its dict
        // is re-read after each definition (which allocates).
        for &(n, f) in methods {
            let d = object::get(cls.as_obj(), field::CLS_DICT);
            self.def_fn(d, n, f);
        }
        Ok(cls)
    }

    /// Sets attribute `name` of class `cls` (immortal) to `v`.
    pub fn set_class_attr(&mut self, cls: Value, name: &str, v: Value) -> PyResult<()> {
        let vs = self.push(v);
        let k = self.sym_str(name);
        let d = object::get(cls.as_obj(), field::CLS_DICT);
        self.dict_set_item(d, k, self.st(vs))?;
        self.truncate(vs);
        Ok(())
    }

    /// The hidden state a native class keeps on its instance `v` under
    /// attribute `attr`, if `v` is an instance that has it: how native
    /// classes built with `new_native_class` find their Rust-side data.
    pub fn native_state(&mut self, v: Value, attr: &str) -> Option<Value> {
        if !(v.is_obj() && object::kind(v.as_obj()) == Kind::Instance) {
            return None;
        }
        let sym = self.intern(attr);
        self.inst_get(v.as_obj(), sym)
    }

    /// [`Vm::native_state`] when the state is a `Kind` object (an
    /// `Array`, a `Tuple`, ...).
    pub fn native_state_of_kind(&mut self, v: Value, attr: &str, kind: Kind) -> Option<Value> {
        self.native_state(v, attr)
            .filter(|s| s.is_obj() && object::kind(s.as_obj()) == kind)
    }

    /// CPython's TypeError for method `method` of native class `class`
    /// (`"module.Name"`) called on `v`, which is not one of its instances.
    /// CPython words it differently for the methods that fill a type slot
    /// (its wrapper descriptors) and for the plain methods.
    pub fn descriptor_error(&mut self, method: &str, class: &str, v: Value) -> crate::vm::Exc {
        let got = self.type_name(v);
        let msg = if SLOT_METHODS.contains(&method) {
            format!("descriptor '{method}' requires a '{class}' object but received a '{got}'")
        } else {
            format!("descriptor '{method}' for '{class}' objects doesn't apply to a '{got}' object")
        };
        self.type_error(&msg)
    }

    /// Adds a property with native getter `get(self)` and setter
    /// `set(self, value)` to builtin class `t` (e.g.
    /// `BaseException.__traceback__`).
    pub fn def_property_rw(
        &mut self,
        t: usize,
        name: &'static str,
        get: NativeFn<H>,
        set: NativeFn<H>,
    ) -> PyResult<()> {
        let p = self.new_native_property(name, get)?;
        let ps = self.push(p);
        let idx = self.register(name, set);
        let s = self.new_builtin(idx, Value::NULL)?;
        let p = self.st(ps);
        self.store(p.as_obj(), field::PROP_SET, s);
        self.truncate(ps);
        self.def_class_attr(t, name, p);
        Ok(())
    }

    /// Adds a value to builtin class `t`'s dict.
    pub fn def_class_attr(&mut self, t: usize, name: &str, v: Value) {
        let mark = self.push(v);
        let k = self.sym_str(name);
        let d = object::get(self.class(t).as_obj(), field::CLS_DICT);
        let v = self.st(mark);
        self.dict_set_item(d, k, v)
            .unwrap_or_else(|_| crate::fatal_oom(64, self.heap.limit_bytes()));
        self.truncate(mark);
    }

    /// The globals dict of the innermost Python frame (`__main__`'s when
    /// none runs): what a native function called from Python sees as
    /// "the caller's module".
    pub fn caller_globals(&self) -> Value {
        match self.rt.frames.last() {
            Some(f) => self.st(f.base - 1),
            None => self.rt.globals_roots[ROOT_MAIN],
        }
    }

    /// Creates a class object. `bases` are class values; the MRO is
    /// computed with C3. Class objects are immortal metadata.
    pub fn make_class(
        &mut self,
        name: &str,
        bases: &[Value],
        dict: Value,
        module: &str,
    ) -> PyResult {
        let dict_slot = self.push(dict);
        let mark = self.rt.sp;
        for &b in bases {
            self.push(b);
        }
        let bases_t = self.tuple_from_stack(mark, bases.len())?;
        let bt = self.push(bases_t);
        let dict = self.st(dict_slot);
        let d = if dict.is_null() {
            self.new_dict()?
        } else {
            dict
        };
        let ds = self.push(d);
        let n = self.new_str(name)?;
        let ns = self.push(n);
        let m = self.new_str(module)?;
        let ms = self.push(m);
        let size = Kind::Class.fixed_size();
        let c = self.alloc(size, gc_api::AllocKind::Immortal, Kind::Class)?;
        for i in 0..(size - gc_api::HEADER_BYTES) / 8 {
            object::set_word(c, i, 0);
        }
        object::init(c, field::CLS_NAME, self.st(ns));
        object::init(c, field::CLS_QUALNAME, self.st(ns));
        object::init(c, field::CLS_BASES, self.st(bt));
        object::init(c, field::CLS_DICT, self.st(ds));
        object::init(c, field::CLS_MODULE, self.st(ms));
        object::set_word(c, field::CLS_ID, self.rt.next_class_id as usize);
        self.rt.next_class_id += 1;
        self.rt.all_classes.push(Value::obj(c));
        let cs = self.push(Value::obj(c));
        if let Err(e) = self.take_qualname(cs, ds) {
            self.truncate(dict_slot);
            return Err(e);
        }
        // C3 linearisation.
        let base_vals: Vec<Value> = (0..bases.len()).map(|i| self.st(mark + i)).collect();
        let mro = match self.c3(self.st(cs), &base_vals) {
            Some(m) => m,
            None => {
                self.truncate(dict_slot);
                return Err(self.type_error(
                    "Cannot create a consistent method resolution order (MRO) for bases",
                ));
            }
        };
        let ms2 = self.rt.sp;
        for v in &mro {
            self.push(*v);
        }
        let mro_t = self.tuple_from_stack(ms2, mro.len())?;
        let c = self.st(cs).as_obj();
        self.store(c, field::CLS_MRO, mro_t);
        // Inherit flags: __del__ and builtin layouts.
        let mut flags = 0;
        for v in mro.iter().skip(1) {
            let f = object::word(v.as_obj(), field::CLS_FLAGS);
            flags |= f & CLS_HAS_DEL;
        }
        let del = self.sym_str("__del__");
        if self.dict_get_str(self.st(ds), del).is_some() {
            flags |= CLS_HAS_DEL;
        }
        // Every class has a `__doc__` (None without a docstring).
        let doc = self.sym_str("__doc__");
        if self.dict_get_str(self.st(ds), doc).is_none() {
            self.dict_set_item(self.st(ds), doc, Value::NONE)?;
        }
        // A class that defines __eq__ but not __hash__ is unhashable.
        let (eq, hash) = (self.sym_str("__eq__"), self.sym_str("__hash__"));
        if self.dict_get_str(self.st(ds), eq).is_some()
            && self.dict_get_str(self.st(ds), hash).is_none()
        {
            self.dict_set_item(self.st(ds), hash, Value::NONE)?;
        }
        object::set_word(c, field::CLS_FLAGS, flags);
        let r = self.st(cs);
        self.truncate(dict_slot);
        Ok(r)
    }

    /// Moves a `__qualname__` entry of the new class's dict (rooted at
    /// `ds`) into the class (rooted at `cs`), as CPython's `type_new`
    /// does: it names the class, it is not a member.
    fn take_qualname(&mut self, cs: usize, ds: usize) -> PyResult<()> {
        let k = self.sym_str("__qualname__");
        let Some(q) = self.dict_get_str(self.st(ds), k) else {
            return Ok(());
        };
        if !(q.is_obj() && object::kind(q.as_obj()) == Kind::Str) {
            let msg = format!("type __qualname__ must be a str, not {}", self.type_name(q));
            return Err(self.type_error(&msg));
        }
        self.store(self.st(cs).as_obj(), field::CLS_QUALNAME, q);
        self.dict_del_item(self.st(ds), k)?;
        Ok(())
    }

    fn c3(&self, cls: Value, bases: &[Value]) -> Option<Vec<Value>> {
        let mut seqs: Vec<Vec<Value>> = bases
            .iter()
            .map(|b| {
                let m = object::get(b.as_obj(), field::CLS_MRO);
                if m.is_obj() {
                    object::items(m.as_obj()).to_vec()
                } else {
                    vec![*b]
                }
            })
            .collect();
        seqs.push(bases.to_vec());
        let mut out = vec![cls];
        loop {
            seqs.retain(|s| !s.is_empty());
            if seqs.is_empty() {
                return Some(out);
            }
            let cand = seqs
                .iter()
                .map(|s| s[0])
                .find(|c| !seqs.iter().any(|s| s[1..].contains(c)))?;
            out.push(cand);
            for s in seqs.iter_mut() {
                if s[0] == cand {
                    s.remove(0);
                }
            }
        }
    }

    // ---------------------------------------------------------- arg helpers

    /// Positional argument `i`.
    #[inline]
    pub fn arg(&self, a: Args, i: usize) -> Value {
        self.st(a.base + i)
    }

    /// Checks the positional count and that no keywords were passed.
    pub fn check_args(&mut self, a: Args, name: &str, min: usize, max: usize) -> PyResult<()> {
        if self.nkw(a) > 0 {
            let msg = format!("{name}() takes no keyword arguments");
            return Err(self.type_error(&msg));
        }
        self.check_count(a, name, min, max)
    }

    /// Checks a method's arguments, `self` (slot `a.base`) not counted:
    /// `min..=max` more positionals and no keywords, with the messages
    /// naming the method `name`.
    pub fn check_method_args(
        &mut self,
        a: Args,
        name: &str,
        min: usize,
        max: usize,
    ) -> PyResult<()> {
        if a.n > min && a.n <= max + 1 && self.nkw(a) == 0 {
            return Ok(());
        }
        let rest = Args {
            base: a.base + 1,
            n: a.n.saturating_sub(1),
            kw: a.kw,
        };
        self.check_args(rest, name, min, max)
    }

    /// Checks the positional count only.
    pub fn check_count(&mut self, a: Args, name: &str, min: usize, max: usize) -> PyResult<()> {
        if a.n < min || a.n > max {
            let msg = if min == max {
                match min {
                    0 => format!("{name}() takes no arguments ({} given)", a.n),
                    1 => format!("{name}() takes exactly one argument ({} given)", a.n),
                    _ => format!("{name}() takes exactly {min} arguments ({} given)", a.n),
                }
            } else if a.n < min {
                format!(
                    "{name} expected at least {min} argument{}, got {}",
                    if min == 1 { "" } else { "s" },
                    a.n
                )
            } else {
                format!(
                    "{name} expected at most {max} argument{}, got {}",
                    if max == 1 { "" } else { "s" },
                    a.n
                )
            };
            return Err(self.type_error(&msg));
        }
        Ok(())
    }

    /// Keyword argument `name`, if passed.
    pub fn kwarg(&self, a: Args, name: &str) -> Option<Value> {
        let kw = self.kwnames(a);
        if kw.is_null() {
            return None;
        }
        let kw = kw.as_obj();
        (0..object::array_len(kw))
            .find(|&i| object::str_of(object::array_get(kw, i).as_obj()) == name)
            .map(|i| self.st(a.base + a.n + i))
    }

    /// Rejects keywords other than `allowed`.
    pub fn check_kwargs(&mut self, a: Args, fname: &str, allowed: &[&str]) -> PyResult<()> {
        let kw = self.kwnames(a);
        if kw.is_null() {
            return Ok(());
        }
        let kw = kw.as_obj();
        for i in 0..object::array_len(kw) {
            let k = object::str_of(object::array_get(kw, i).as_obj()).to_string();
            if !allowed.contains(&k.as_str()) {
                let msg = format!("{fname}() got an unexpected keyword argument '{k}'");
                return Err(self.type_error(&msg));
            }
        }
        Ok(())
    }
}

/// Names the VM itself looks up, interned at boot so that `intern` of any
/// of them never allocates (and so never moves objects) later.
const KNOWN_NAMES: &[&str] = &[
    "sys",
    "stdout",
    "flush",
    "write",
    "__abs__",
    "__add__",
    "__all__",
    "__and__",
    "__annotations__",
    "__bases__",
    "__bool__",
    "__builtins__",
    "__call__",
    "__cause__",
    "__ceil__",
    "__class__",
    "__class_getitem__",
    "__classcell__",
    "__code__",
    "__contains__",
    "__context__",
    "__defaults__",
    "__del__",
    "__delitem__",
    "__dict__",
    "__doc__",
    "__enter__",
    "__eq__",
    "__exit__",
    "__file__",
    "__float__",
    "__floor__",
    "__floordiv__",
    "__format__",
    "__func__",
    "__ge__",
    "__get__",
    "__getattr__",
    "__getitem__",
    "__globals__",
    "__gt__",
    "__hash__",
    "__iadd__",
    "__iand__",
    "__ifloordiv__",
    "__ilshift__",
    "__imatmul__",
    "__imod__",
    "__imul__",
    "__index__",
    "__init__",
    "__int__",
    "__invert__",
    "__ior__",
    "__ipow__",
    "__irshift__",
    "__isub__",
    "__iter__",
    "__itruediv__",
    "__ixor__",
    "__le__",
    "__len__",
    "__lshift__",
    "__lt__",
    "__matmul__",
    "__missing__",
    "__mod__",
    "__module__",
    "__mro__",
    "__mul__",
    "__name__",
    "__ne__",
    "__neg__",
    "__new__",
    "__next__",
    "__or__",
    "__package__",
    "__path__",
    "__pos__",
    "__pow__",
    "__qualname__",
    "__radd__",
    "__rand__",
    "__repr__",
    "__reversed__",
    "__rfloordiv__",
    "__rlshift__",
    "__rmatmul__",
    "__rmod__",
    "__rmul__",
    "__ror__",
    "__round__",
    "__rpow__",
    "__rrshift__",
    "__rshift__",
    "__rsub__",
    "__rtruediv__",
    "__rxor__",
    "__self__",
    "__setattr__",
    "__setitem__",
    "__slots__",
    "__stderr__",
    "__stdout__",
    "__str__",
    "__sub__",
    "__truediv__",
    "__trunc__",
    "__weakref__",
    "__xor__",
    "_fd",
    "args",
    "filename",
    "lineno",
    "msg",
    "name",
    "offset",
    "text",
    "value",
    "write",
];

/// Builds the builtin classes, the builtins module and the native registry.
pub fn boot<H: Heap>(vm: &mut Vm<H>) {
    if boot_inner(vm).is_err() {
        // Booting only fails when the heap limit is too small to hold the
        // builtins: that is heap exhaustion (exit 3), not a VM bug.
        gc_api::fatal_out_of_memory(gc_api::OutOfMemory {
            requested: 0,
            limit: vm.heap.limit_bytes(),
        });
    }
}

fn boot_inner<H: Heap>(vm: &mut Vm<H>) -> PyResult<()> {
    vm.rt.classes = vec![Value::NULL; CLASS_SLOTS];
    vm.rt.globals_roots = vec![Value::NULL; ROOT_SLOTS];
    for n in KNOWN_NAMES {
        vm.intern(n);
    }
    // Index 0 of the native table is reserved ("no constructor").
    vm.register("<none>", |vm, _| Ok(vm.class(T_NONE)));
    let object = vm.make_class("object", &[], Value::NULL, "builtins")?;
    vm.rt.classes[T_OBJECT] = object;
    let simple: &[(usize, &str, Option<Kind>)] = &[
        (T_TYPE, "type", Some(Kind::Class)),
        (T_INT, "int", Some(Kind::BigInt)),
        (T_FLOAT, "float", Some(Kind::Float)),
        (T_STR, "str", Some(Kind::Str)),
        (T_BYTES, "bytes", Some(Kind::Bytes)),
        (T_TUPLE, "tuple", Some(Kind::Tuple)),
        (T_LIST, "list", Some(Kind::List)),
        (T_DICT, "dict", Some(Kind::Dict)),
        (T_SET, "set", Some(Kind::Set)),
        (T_FROZENSET, "frozenset", Some(Kind::FrozenSet)),
        (T_NONE, "NoneType", None),
        (T_FUNCTION, "function", Some(Kind::Function)),
        (T_BUILTIN, "builtin_function_or_method", Some(Kind::Builtin)),
        (T_METHOD, "method", Some(Kind::BoundMethod)),
        (T_CELL, "cell", Some(Kind::Cell)),
        (T_MODULE, "module", Some(Kind::Module)),
        (T_GENERATOR, "generator", Some(Kind::Generator)),
        (T_RANGE, "range", Some(Kind::Range)),
        (T_SLICE, "slice", Some(Kind::Slice)),
        (T_PROPERTY, "property", Some(Kind::Property)),
        (T_CLASSMETHOD, "classmethod", Some(Kind::ClassMethod)),
        (T_STATICMETHOD, "staticmethod", Some(Kind::StaticMethod)),
        (T_SUPER, "super", Some(Kind::Super)),
        (T_WEAKREF, "ReferenceType", Some(Kind::WeakRef)),
        (T_WEAKPROXY, "ProxyType", None),
        (T_WEAKCALLABLEPROXY, "CallableProxyType", None),
        (T_ITERATOR, "iterator", Some(Kind::Iter)),
        (T_BYTEARRAY, "bytearray", Some(Kind::ByteArray)),
        (T_NOTIMPL, "NotImplementedType", None),
        (T_ELLIPSIS, "ellipsis", None),
        (T_DICT_KEYS, "dict_keys", None),
        (T_DICT_VALUES, "dict_values", None),
        (T_DICT_ITEMS, "dict_items", None),
        (T_COROUTINE, "coroutine", None),
        (T_ASYNC_GENERATOR, "async_generator", None),
        (T_MEMORYVIEW, "memoryview", None),
        (T_COMPLEX, "complex", None),
        (T_MAPPINGPROXY, "mappingproxy", None),
    ];
    for &(t, name, kind) in simple {
        let object = vm.class(T_OBJECT);
        let c = vm.make_class(name, &[object], Value::NULL, "builtins")?;
        let flags = object::word(c.as_obj(), field::CLS_FLAGS) | CLS_BUILTIN_LAYOUT;
        object::set_word(c.as_obj(), field::CLS_FLAGS, flags);
        vm.rt.classes[t] = c;
        if let Some(k) = kind {
            vm.rt.kind_types[k as usize] = c;
        }
    }
    let int = vm.class(T_INT);
    let b = vm.make_class("bool", &[int], Value::NULL, "builtins")?;
    vm.rt.classes[T_BOOL] = b;
    vm.rt.kind_types[Kind::Array as usize] = vm.class(T_TUPLE);
    vm.rt.kind_types[Kind::RawBytes as usize] = vm.class(T_BYTES);
    vm.rt.kind_types[Kind::Instance as usize] = vm.class(T_OBJECT);
    // Exceptions.
    let exc: &[(usize, &str, usize)] = &[
        (T_BASE_EXCEPTION, "BaseException", T_OBJECT),
        (T_EXCEPTION, "Exception", T_BASE_EXCEPTION),
        (T_TYPE_ERROR, "TypeError", T_EXCEPTION),
        (T_VALUE_ERROR, "ValueError", T_EXCEPTION),
        (T_NAME_ERROR, "NameError", T_EXCEPTION),
        (T_UNBOUND_LOCAL_ERROR, "UnboundLocalError", T_NAME_ERROR),
        (T_ATTRIBUTE_ERROR, "AttributeError", T_EXCEPTION),
        (T_LOOKUP_ERROR, "LookupError", T_EXCEPTION),
        (T_KEY_ERROR, "KeyError", T_LOOKUP_ERROR),
        (T_INDEX_ERROR, "IndexError", T_LOOKUP_ERROR),
        (T_ARITHMETIC_ERROR, "ArithmeticError", T_EXCEPTION),
        (
            T_ZERO_DIVISION_ERROR,
            "ZeroDivisionError",
            T_ARITHMETIC_ERROR,
        ),
        (T_OVERFLOW_ERROR, "OverflowError", T_ARITHMETIC_ERROR),
        (T_STOP_ITERATION, "StopIteration", T_EXCEPTION),
        (T_RUNTIME_ERROR, "RuntimeError", T_EXCEPTION),
        (T_RECURSION_ERROR, "RecursionError", T_RUNTIME_ERROR),
        (
            T_NOT_IMPLEMENTED_ERROR,
            "NotImplementedError",
            T_RUNTIME_ERROR,
        ),
        (T_ASSERTION_ERROR, "AssertionError", T_EXCEPTION),
        (T_MEMORY_ERROR, "MemoryError", T_EXCEPTION),
        (T_IMPORT_ERROR, "ImportError", T_EXCEPTION),
        (
            T_MODULE_NOT_FOUND_ERROR,
            "ModuleNotFoundError",
            T_IMPORT_ERROR,
        ),
        (T_SYSTEM_EXIT, "SystemExit", T_BASE_EXCEPTION),
        (T_KEYBOARD_INTERRUPT, "KeyboardInterrupt", T_BASE_EXCEPTION),
        (T_GENERATOR_EXIT, "GeneratorExit", T_BASE_EXCEPTION),
        (T_OS_ERROR, "OSError", T_EXCEPTION),
        (T_EOF_ERROR, "EOFError", T_EXCEPTION),
        (T_REFERENCE_ERROR, "ReferenceError", T_EXCEPTION),
        (T_SYNTAX_ERROR, "SyntaxError", T_EXCEPTION),
        (T_UNICODE_ERROR, "UnicodeError", T_VALUE_ERROR),
        (T_WARNING, "Warning", T_EXCEPTION),
        (T_DEPRECATION_WARNING, "DeprecationWarning", T_WARNING),
        (T_USER_WARNING, "UserWarning", T_WARNING),
        (T_FILE_NOT_FOUND_ERROR, "FileNotFoundError", T_OS_ERROR),
        (T_BUFFER_ERROR, "BufferError", T_EXCEPTION),
    ];
    for &(t, name, base) in exc {
        let b = vm.class(base);
        let c = vm.make_class(name, &[b], Value::NULL, "builtins")?;
        vm.rt.classes[t] = c;
    }
    // The builtins module dict and sys.modules.
    let bd = vm.new_dict()?;
    vm.rt.globals_roots[ROOT_BUILTINS] = bd;
    let mods = vm.new_dict()?;
    vm.rt.globals_roots[ROOT_MODULES] = mods;
    let path = vm.new_list(4)?;
    vm.rt.globals_roots[ROOT_SYS_PATH] = path;
    // Names of the builtins module: the public builtin classes, the
    // exceptions, the constants and two exception aliases.
    let hidden = [
        T_NONE,
        T_FUNCTION,
        T_BUILTIN,
        T_METHOD,
        T_CELL,
        T_MODULE,
        T_GENERATOR,
        T_ITERATOR,
        T_NOTIMPL,
        T_ELLIPSIS,
        T_WEAKREF,
        T_WEAKPROXY,
        T_WEAKCALLABLEPROXY,
        T_DICT_KEYS,
        T_DICT_VALUES,
        T_DICT_ITEMS,
        T_COROUTINE,
        T_ASYNC_GENERATOR,
        T_MAPPINGPROXY,
    ];
    let mut names: Vec<(&str, Value)> = simple
        .iter()
        .filter(|(t, _, _)| !hidden.contains(t))
        .map(|&(t, name, _)| (name, vm.class(t)))
        .collect();
    names.extend([("object", vm.class(T_OBJECT)), ("bool", vm.class(T_BOOL))]);
    names.extend(exc.iter().map(|&(t, name, _)| (name, vm.class(t))));
    names.extend([
        ("None", Value::NONE),
        ("True", Value::TRUE),
        ("False", Value::FALSE),
        ("NotImplemented", Value::NOT_IMPLEMENTED),
        ("Ellipsis", Value::ELLIPSIS),
        ("EnvironmentError", vm.class(T_OS_ERROR)),
        ("IOError", vm.class(T_OS_ERROR)),
    ]);
    // Classes are immortal and the others are not heap objects, so the
    // values stay valid across the allocations below.
    for (name, v) in names {
        let k = vm.sym_str(name);
        let bd = vm.rt.globals_roots[ROOT_BUILTINS];
        vm.dict_set_item(bd, k, v)?;
    }
    install_more_exceptions(vm)?;
    exception_group::install(vm)?;
    os_error::install(vm)?;
    unicode_error::install(vm)?;
    types::install(vm)?;
    memoryview::install(vm)?;
    mappingproxy::install(vm)?;
    complex::install(vm);
    functions::install(vm)?;
    crate::stdlib::io::install_open(vm)?;
    // The builtins module's functions are plain functions: stored as a
    // class attribute they do not bind (`class A: f = len`).
    let bd = vm.rt.globals_roots[ROOT_BUILTINS];
    for i in 0..Vm::<H>::dict_used(bd) {
        let (_, v) = Vm::<H>::dict_entry(bd, i);
        if v.is_obj() && object::kind(v.as_obj()) == Kind::Builtin {
            let idx = object::word(v.as_obj(), field::BI_INDEX);
            vm.natives[idx].plain_function = true;
        }
    }
    methods::install(vm)?;
    crate::weakref::install(vm)?;
    metatype::install(vm)?;
    introspect::install(vm)?;
    crate::traceback::install(vm)?;
    let object = vm.class(T_OBJECT);
    for (t, name, module) in [
        (T_CODE, "code", "builtins"),
        (T_TRACEBACK, "traceback", "builtins"),
        (T_FRAME, "frame", "builtins"),
        (T_SIMPLE_NAMESPACE, "SimpleNamespace", "types"),
    ] {
        let c = vm.make_class(name, &[object], Value::NULL, module)?;
        vm.rt.classes[t] = c;
    }
    let ua = vm.make_class("UnraisableHookArgs", &[object], Value::NULL, "sys")?;
    vm.rt.classes[T_UNRAISABLE_ARGS] = ua;
    // The MemoryError raised when even allocating an exception fails.
    let me = vm.new_exception(T_MEMORY_ERROR, "")?;
    vm.rt.classes[MEMORY_ERROR_INSTANCE] = me;
    crate::modules::install(vm)?;
    Ok(())
}

/// The builtin exception classes the VM itself never raises: created by
/// name under their CPython base, in hierarchy order, and published in
/// `builtins` (the stdlib catches and subclasses them).
fn install_more_exceptions<H: Heap>(vm: &mut Vm<H>) -> PyResult<()> {
    const MORE: &[(&str, &str)] = &[
        ("SystemError", "Exception"),
        ("FloatingPointError", "ArithmeticError"),
        ("StopAsyncIteration", "Exception"),
        ("IndentationError", "SyntaxError"),
        ("TabError", "IndentationError"),
        ("UnicodeEncodeError", "UnicodeError"),
        ("UnicodeDecodeError", "UnicodeError"),
        ("UnicodeTranslateError", "UnicodeError"),
        ("BlockingIOError", "OSError"),
        ("ChildProcessError", "OSError"),
        ("ConnectionError", "OSError"),
        ("BrokenPipeError", "ConnectionError"),
        ("ConnectionAbortedError", "ConnectionError"),
        ("ConnectionRefusedError", "ConnectionError"),
        ("ConnectionResetError", "ConnectionError"),
        ("FileExistsError", "OSError"),
        ("InterruptedError", "OSError"),
        ("IsADirectoryError", "OSError"),
        ("NotADirectoryError", "OSError"),
        ("PermissionError", "OSError"),
        ("ProcessLookupError", "OSError"),
        ("TimeoutError", "OSError"),
        ("PendingDeprecationWarning", "Warning"),
        ("RuntimeWarning", "Warning"),
        ("SyntaxWarning", "Warning"),
        ("FutureWarning", "Warning"),
        ("ImportWarning", "Warning"),
        ("UnicodeWarning", "Warning"),
        ("BytesWarning", "Warning"),
        ("ResourceWarning", "Warning"),
        ("EncodingWarning", "Warning"),
    ];
    for &(name, base) in MORE {
        let bd = vm.rt.globals_roots[ROOT_BUILTINS];
        let bk = vm.sym_str(base);
        let b = vm
            .dict_get_str(bd, bk)
            .expect("base exception defined first");
        let c = vm.make_class(name, &[b], Value::NULL, "builtins")?;
        let k = vm.sym_str(name);
        let bd = vm.rt.globals_roots[ROOT_BUILTINS];
        vm.dict_set_item(bd, k, c)?;
    }
    Ok(())
}
