//! Introspection objects the stdlib looks at: `function.__code__`
//! (a `code` object), `__closure__`, `__globals__`; the `code`, `frame`
//! (`f_code`, `f_globals`, `f_lineno`) and `traceback` objects that
//! `sys._getframe` and `crate::traceback` build; the typing
//! operators on classes (`list[int]`, `int | str`, via `_heaplab_types`);
//! and `sys.implementation`.
//!
//! Code, frame and traceback objects are plain instances of builtin
//! classes, made on each access (so `f.__code__ is f.__code__` is False)
//! and describing, not controlling, what they name.

use super::*;
use crate::bytecode::Code;
use crate::object::{self, Kind, field};
use crate::value::Value;
use crate::vm::{Args, PyResult, Vm};
use gc_api::Heap;

pub(super) fn install<H: Heap>(vm: &mut Vm<H>) -> PyResult<()> {
    vm.def_property(T_FUNCTION, "__code__", function_code::<H>);
    vm.def_property(T_FUNCTION, "__closure__", function_closure::<H>);
    vm.def_property(T_FUNCTION, "__globals__", function_globals::<H>);
    vm.def_method(T_TYPE, "__or__", type_or::<H>);
    vm.def_method(T_TYPE, "__ror__", type_ror::<H>);
    Ok(())
}

/// An instance of builtin class `t` with the given attributes.
pub(crate) fn attr_object<H: Heap>(vm: &mut Vm<H>, t: usize, attrs: &[(&str, Value)]) -> PyResult {
    let mark = vm.rt.sp;
    for (_, v) in attrs {
        vm.push(*v);
    }
    let o = vm.new_instance(vm.class(t))?;
    let os = vm.push(o);
    for (i, (name, _)) in attrs.iter().enumerate() {
        let sym = vm.intern(name);
        vm.inst_set(vm.st(os), sym, vm.st(mark + i))?;
    }
    let o = vm.st(os);
    vm.truncate(mark);
    Ok(o)
}

/// A `code` object describing `code`.
pub(crate) fn code_object<H: Heap>(vm: &mut Vm<H>, code: &'static Code) -> PyResult {
    let name = vm.new_str(&code.name)?;
    let mark = vm.push(name);
    let q = vm.new_str(&code.qualname)?;
    vm.push(q);
    let f = vm.new_str(&code.filename)?;
    vm.push(f);
    // co_varnames: the parameters in order, then the other local names.
    let mut names: Vec<String> = Vec::new();
    let locals = code.local_names.iter().map(|&(_, n)| n);
    for id in code.params.iter().copied().chain(locals) {
        let n = vm.interner.name(id).to_string();
        if !names.contains(&n) {
            names.push(n);
        }
    }
    let vn = vm.rt.sp;
    for n in &names {
        let s = vm.new_str(n)?;
        vm.push(s);
    }
    let varnames = vm.tuple_from_stack(vn, names.len())?;
    vm.truncate(vn);
    vm.push(varnames);
    let o = attr_object(
        vm,
        T_CODE,
        &[
            ("co_name", vm.st(mark)),
            ("co_qualname", vm.st(mark + 1)),
            ("co_filename", vm.st(mark + 2)),
            ("co_firstlineno", Value::int(code.first_line as i64)),
            ("co_argcount", Value::int(code.argcount as i64)),
            ("co_posonlyargcount", Value::int(code.posonly as i64)),
            ("co_kwonlyargcount", Value::int(code.kwonly as i64)),
            ("co_flags", Value::int(cpython_co_flags(code.flags))),
            ("co_varnames", vm.st(mark + 3)),
            ("co_nlocals", Value::int(names.len() as i64)),
        ],
    )?;
    vm.truncate(mark);
    Ok(o)
}

/// Heaplab code flags as CPython's `co_flags` bits (what `inspect` tests).
fn cpython_co_flags(f: u32) -> i64 {
    use crate::bytecode::flags;
    const CO_OPTIMIZED: i64 = 0x1;
    const CO_NEWLOCALS: i64 = 0x2;
    const CO_VARARGS: i64 = 0x4;
    const CO_VARKEYWORDS: i64 = 0x8;
    const CO_GENERATOR: i64 = 0x20;
    const CO_COROUTINE: i64 = 0x80;
    const CO_ASYNC_GENERATOR: i64 = 0x200;
    let mut co = 0;
    if f & flags::NAMESPACE == 0 {
        co |= CO_OPTIMIZED | CO_NEWLOCALS;
    }
    for (bit, c) in [
        (flags::VARARGS, CO_VARARGS),
        (flags::VARKEYWORDS, CO_VARKEYWORDS),
        (flags::GENERATOR, CO_GENERATOR),
        (flags::COROUTINE, CO_COROUTINE),
        (flags::ASYNC_GENERATOR, CO_ASYNC_GENERATOR),
    ] {
        if f & bit != 0 {
            co |= c;
        }
    }
    if co & (CO_COROUTINE | CO_ASYNC_GENERATOR) != 0 {
        co &= !CO_GENERATOR;
    }
    co
}

fn function_of<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult<Value> {
    let f = vm.arg(a, 0);
    if !(f.is_obj() && object::kind(f.as_obj()) == Kind::Function) {
        return Err(vm.type_error("descriptor requires a 'function' object"));
    }
    Ok(f)
}

fn function_code<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let f = function_of(vm, a)?;
    // SAFETY: FN_CODE holds a leaked &'static Code.
    let code: &'static Code =
        unsafe { &*(object::word(f.as_obj(), field::FN_CODE) as *const Code) };
    code_object(vm, code)
}

fn function_closure<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let f = function_of(vm, a)?;
    let c = object::get(f.as_obj(), field::FN_CLOSURE);
    if !c.is_obj() || object::array_len(c.as_obj()) == 0 {
        return Ok(Value::NONE);
    }
    if object::kind(c.as_obj()) == Kind::Tuple {
        return Ok(c);
    }
    let n = object::array_len(c.as_obj());
    let items: Vec<Value> = object::items(c.as_obj()).to_vec();
    debug_assert_eq!(items.len(), n);
    vm.new_tuple(&items)
}

fn function_globals<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let f = function_of(vm, a)?;
    Ok(object::get(f.as_obj(), field::FN_GLOBALS))
}

/// The globals of the module loaded from `file` (`sys.modules` searched
/// by `__file__`), else the current frame's: the runtime's traceback
/// entries name a frame's code, not its globals.
pub(crate) fn globals_of_file<H: Heap>(vm: &mut Vm<H>, file: &str) -> PyResult {
    let fk = vm.sym_str("__file__");
    let mods = vm.rt.globals_roots[ROOT_MODULES];
    for i in 0..Vm::<H>::dict_used(mods) {
        let (_, m) = Vm::<H>::dict_entry(mods, i);
        if !(m.is_obj() && object::kind(m.as_obj()) == Kind::Module) {
            continue;
        }
        let d = object::get(m.as_obj(), field::MOD_DICT);
        if let Some(f) = vm.dict_get_str(d, fk)
            && f.is_obj()
            && object::kind(f.as_obj()) == Kind::Str
            && object::str_of(f.as_obj()) == file
        {
            return Ok(d);
        }
    }
    Ok(vm.caller_globals())
}

/// Calls `_heaplab_types.<func>(args...)`.
pub(crate) fn call_types_helper<H: Heap>(vm: &mut Vm<H>, func: &str, args: &[Value]) -> PyResult {
    let mark = vm.rt.sp;
    for &v in args {
        vm.push(v);
    }
    let m = vm.import_module("_heaplab_types")?;
    let sym = vm.intern(func);
    let f = vm.getattr(m, sym)?;
    let fs = vm.push(f);
    let r = vm.call(vm.st(fs), Args::positional(mark, args.len()));
    vm.truncate(mark);
    r
}

/// `X | Y` on classes: a `types.UnionType`.
fn type_or<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__or__", 2, 2)?;
    call_types_helper(vm, "_union", &[vm.arg(a, 0), vm.arg(a, 1)])
}

fn type_ror<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__ror__", 2, 2)?;
    call_types_helper(vm, "_union", &[vm.arg(a, 1), vm.arg(a, 0)])
}

impl<H: Heap> Vm<H> {
    /// `cls[item]` for a class: its `__class_getitem__` (an implicit
    /// classmethod), a `types.GenericAlias` for the builtin generic
    /// containers, else the class itself (heaplab's lenient default).
    pub fn class_getitem(&mut self, cls: Value, item: Value) -> PyResult {
        let gi = self.intern("__class_getitem__");
        if let Some(f) = self.class_lookup(cls, gi) {
            let f = if f.is_obj() && object::kind(f.as_obj()) == Kind::ClassMethod {
                object::get(f.as_obj(), 0)
            } else {
                f
            };
            return self.call_values(f, &[cls, item]);
        }
        let generic = [
            T_LIST,
            T_DICT,
            T_TUPLE,
            T_SET,
            T_FROZENSET,
            T_TYPE,
            T_DICT_KEYS,
            T_DICT_VALUES,
            T_DICT_ITEMS,
        ];
        if generic.iter().any(|&t| self.class(t) == cls) {
            return call_types_helper(self, "GenericAlias", &[cls, item]);
        }
        Ok(cls)
    }

    /// `sys.implementation`: a `types.SimpleNamespace`.
    pub fn sys_implementation(&mut self) -> PyResult {
        let mark = self.rt.sp;
        let n = self.new_str("heaplab")?;
        self.push(n);
        let vi = self.new_tuple(&[Value::int(3), Value::int(11), Value::int(7)])?;
        self.push(vi);
        let names = ["name", "cache_tag", "version", "hexversion"];
        let mut kn = Vec::new();
        for nm in names {
            kn.push(self.sym_str(nm));
        }
        let m = self.import_module("_heaplab_types")?;
        let sym = self.intern("SimpleNamespace");
        let cls = self.getattr(m, sym)?;
        let fs = self.push(cls);
        let base = self.rt.sp;
        self.push(self.st(mark));
        self.push(Value::NONE);
        self.push(self.st(mark + 1));
        self.push(Value::int(0x030b07f0));
        let kw = self.new_tuple(&kn)?;
        let kws = self.push(kw);
        let r = self.call(
            self.st(fs),
            Args {
                base,
                n: 0,
                kw: kws,
            },
        );
        self.truncate(mark);
        r
    }
}

/// `sys._getframe([depth])`: a frame object for the caller `depth` calls
/// up, with `f_back` links to its callers (descriptive objects built on
/// each call, like those of tracebacks).
pub(crate) fn sys_getframe<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "_getframe", 0, 1)?;
    let depth = if a.n == 1 {
        vm.arg(a, 0)
            .to_int()
            .ok_or_else(|| vm.type_error("an integer is required"))?
    } else {
        0
    };
    let n = vm.rt.frames.len() as i64;
    if depth < 0 || depth >= n {
        return Err(vm.value_error("call stack is not deep enough"));
    }
    let target = (n - 1 - depth) as usize;
    let mark = vm.push(Value::NONE);
    for i in 0..=target {
        let f = &vm.rt.frames[i];
        let (code, base, pc) = (f.code, f.base, f.pc);
        let globals = vm.st(base - 1);
        let gs = vm.push(globals);
        let co = code_object(vm, code)?;
        let cs = vm.push(co);
        let line = code.line_at(pc.saturating_sub(1));
        let frame = attr_object(
            vm,
            T_FRAME,
            &[
                ("f_code", vm.st(cs)),
                ("f_globals", vm.st(gs)),
                ("f_lineno", Value::int(line as i64)),
                ("f_back", vm.st(mark)),
            ],
        )?;
        vm.set_st(mark, frame);
        vm.truncate(gs);
    }
    let f = vm.st(mark);
    vm.truncate(mark);
    Ok(f)
}
