//! The functions of the `builtins` module.

use super::types::collect_list;
use super::*;
use crate::bytecode::{BinOp, CmpOp};
use crate::format as pyfmt;
use crate::num;
use crate::object::{self, Kind, field};
use crate::ops::iterk;
use crate::value::Value;
use crate::vm::{Args, PyResult, Vm};
use gc_api::Heap;
use std::io::Write;

pub(super) fn install<H: Heap>(vm: &mut Vm<H>) -> PyResult<()> {
    let fns: &[(&'static str, crate::vm::NativeFn<H>)] = &[
        ("print", print::<H>),
        ("__import__", dunder_import::<H>),
        ("len", len::<H>),
        ("repr", repr::<H>),
        ("ascii", ascii::<H>),
        ("abs", abs::<H>),
        ("min", min::<H>),
        ("max", max::<H>),
        ("sum", sum::<H>),
        ("any", any::<H>),
        ("all", all::<H>),
        ("sorted", sorted::<H>),
        ("reversed", reversed::<H>),
        ("enumerate", enumerate::<H>),
        ("zip", zip::<H>),
        ("map", map::<H>),
        ("filter", filter::<H>),
        ("iter", iter::<H>),
        ("next", next::<H>),
        ("isinstance", isinstance::<H>),
        ("issubclass", issubclass::<H>),
        ("hasattr", hasattr::<H>),
        ("getattr", getattr::<H>),
        ("setattr", setattr::<H>),
        ("delattr", delattr::<H>),
        ("callable", callable::<H>),
        ("id", id::<H>),
        ("hash", hash::<H>),
        ("chr", chr::<H>),
        ("ord", ord::<H>),
        ("hex", hex::<H>),
        ("oct", oct::<H>),
        ("bin", bin::<H>),
        ("divmod", divmod::<H>),
        ("pow", pow::<H>),
        ("round", round::<H>),
        ("globals", globals::<H>),
        ("vars", vars::<H>),
        ("dir", dir::<H>),
        ("format", format::<H>),
        ("__build_class__", build_class::<H>),
        ("eval", eval::<H>),
        ("compile", compile::<H>),
        ("exec", exec::<H>),
        ("input", input::<H>),
        ("locals", globals::<H>),
    ];
    for &(n, f) in fns {
        // Re-read the dict each time: def_fn allocates, which may move it.
        let b = vm.rt.globals_roots[ROOT_BUILTINS];
        vm.def_fn(b, n, f);
    }
    Ok(())
}

fn print<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "print", &["sep", "end", "file", "flush"])?;
    let sep = match vm.kwarg(a, "sep") {
        Some(s) if !s.is_none() => vm.str_string(s)?,
        _ => " ".to_string(),
    };
    let end = match vm.kwarg(a, "end") {
        Some(s) if !s.is_none() => vm.str_string(s)?,
        _ => "\n".to_string(),
    };
    let mut out = String::new();
    for i in 0..a.n {
        if i > 0 {
            out.push_str(&sep);
        }
        let s = vm.str_string(vm.arg(a, i))?;
        out.push_str(&s);
    }
    out.push_str(&end);
    // `file=` or the current `sys.stdout` (which Python code may replace).
    let file = match vm.kwarg(a, "file") {
        Some(f) if !f.is_none() => f,
        _ => current_sys_stdout(vm),
    };
    if file.is_none() || crate::modules::is_stdout(vm, file) {
        let _ = vm.out.write_all(out.as_bytes());
    } else if crate::modules::is_stderr(vm, file) {
        vm.flush();
        let _ = std::io::stderr().write_all(out.as_bytes());
    } else {
        let fs = vm.push(file);
        let s = vm.new_str(&out)?;
        let ss = vm.push(s);
        let w = vm.intern("write");
        let m = vm.getattr(vm.st(fs), w)?;
        vm.call_values(m, &[vm.st(ss)])?;
        if let Some(fl) = vm.kwarg(a, "flush")
            && vm.truthy(fl)?
        {
            let k = vm.intern("flush");
            let m = vm.getattr(vm.st(fs), k)?;
            vm.call_values(m, &[])?;
        }
        vm.truncate(fs);
        return Ok(Value::NONE);
    }
    if let Some(fl) = vm.kwarg(a, "flush")
        && vm.truthy(fl)?
    {
        vm.flush();
    }
    Ok(Value::NONE)
}

/// `sys.stdout` as Python code last set it (None before `sys` exists).
fn current_sys_stdout<H: Heap>(vm: &mut Vm<H>) -> Value {
    let (ks, ko) = (vm.sym_str("sys"), vm.sym_str("stdout"));
    let mods = vm.rt.globals_roots[ROOT_MODULES];
    match vm.dict_get_str(mods, ks) {
        Some(m) if m.is_obj() && object::kind(m.as_obj()) == Kind::Module => vm
            .dict_get_str(object::get(m.as_obj(), field::MOD_DICT), ko)
            .unwrap_or(Value::NONE),
        _ => Value::NONE,
    }
}

fn len<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "len", 1, 1)?;
    let v = vm.arg(a, 0);
    match vm.len_opt(v)? {
        Some(n) => vm.int_from_i64(n as i64),
        None => {
            let msg = format!("object of type '{}' has no len()", vm.type_name(v));
            Err(vm.type_error(&msg))
        }
    }
}

fn repr<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "repr", 1, 1)?;
    vm.repr(vm.arg(a, 0))
}

fn ascii<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "ascii", 1, 1)?;
    let r = vm.repr_string(vm.arg(a, 0))?;
    let s = crate::protocol::ascii_escape(&r);
    vm.new_str(&s)
}

fn abs<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "abs", 1, 1)?;
    let v = vm.arg(a, 0);
    if num::is_int(v) {
        return vm.new_int(num_traits::Signed::abs(&num::to_bigint(v)));
    }
    if v.is_obj() && object::kind(v.as_obj()) == Kind::Float {
        return vm.new_float(object::float_of(v.as_obj()).abs());
    }
    if let Some(r) = vm.call_dunder(v, "__abs__", &[])? {
        return Ok(r);
    }
    let msg = format!("bad operand type for abs(): '{}'", vm.type_name(v));
    Err(vm.type_error(&msg))
}

fn min_max<H: Heap>(vm: &mut Vm<H>, a: Args, name: &str, op: CmpOp) -> PyResult {
    vm.check_kwargs(a, name, &["key", "default"])?;
    let src = if a.n == 1 {
        vm.arg(a, 0)
    } else if a.n == 0 {
        let msg = format!("{name} expected at least 1 argument, got 0");
        return Err(vm.type_error(&msg));
    } else {
        vm.tuple_from_stack(a.base, a.n)?
    };
    let mark = vm.push(src);
    // Keyword values are read from the (rooted) argument area after any
    // allocation above.
    let key = vm.kwarg(a, "key").filter(|k| !k.is_none());
    let key_s = vm.push(key.unwrap_or(Value::NULL));
    let best = vm.push(Value::NULL);
    let best_key = vm.push(Value::NULL);
    let it = vm.get_iter(vm.st(mark))?;
    let its = vm.push(it);
    while let Some(v) = vm.iter_next(its)? {
        let vs = vm.push(v);
        let k = if vm.st(key_s).is_null() {
            v
        } else {
            vm.call_values(vm.st(key_s), &[v])?
        };
        let ks = vm.push(k);
        let better = if vm.st(best).is_null() {
            true
        } else {
            let r = vm.compare_op(op, vm.st(ks), vm.st(best_key))?;
            vm.truthy(r)?
        };
        if better {
            vm.set_st(best, vm.st(vs));
            vm.set_st(best_key, vm.st(ks));
        }
        vm.truncate(vs);
    }
    let r = vm.st(best);
    vm.truncate(mark);
    if r.is_null() {
        if let Some(d) = vm.kwarg(a, "default") {
            return Ok(d);
        }
        let msg = format!("{name}() arg is an empty sequence");
        return Err(vm.value_error(&msg));
    }
    Ok(r)
}

fn min<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    min_max(vm, a, "min", CmpOp::Lt)
}

fn max<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    min_max(vm, a, "max", CmpOp::Gt)
}

fn sum<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "sum", &["start"])?;
    vm.check_count(a, "sum", 1, 2)?;
    let start = if a.n == 2 {
        vm.arg(a, 1)
    } else {
        vm.kwarg(a, "start").unwrap_or(Value::int(0))
    };
    if start.is_obj() && object::kind(start.as_obj()) == Kind::Str {
        return Err(vm.type_error("sum() can't sum strings [use ''.join(seq) instead]"));
    }
    let acc = vm.push(start);
    let it = vm.get_iter(vm.arg(a, 0))?;
    let its = vm.push(it);
    while let Some(v) = vm.iter_next(its)? {
        let cur = vm.st(acc);
        let r = if cur.is_int() && v.is_int() {
            match cur
                .as_int()
                .checked_add(v.as_int())
                .and_then(Value::try_int)
            {
                Some(x) => x,
                None => vm.binary_op(BinOp::Add, cur, v, false)?,
            }
        } else {
            vm.binary_op(BinOp::Add, cur, v, false)?
        };
        vm.set_st(acc, r);
    }
    let r = vm.st(acc);
    vm.truncate(acc);
    Ok(r)
}

fn any_all<H: Heap>(vm: &mut Vm<H>, a: Args, name: &str, want: bool) -> PyResult {
    vm.check_args(a, name, 1, 1)?;
    let it = vm.get_iter(vm.arg(a, 0))?;
    let its = vm.push(it);
    while let Some(v) = vm.iter_next(its)? {
        if vm.truthy(v)? == want {
            vm.truncate(its);
            return Ok(Value::bool(want));
        }
    }
    vm.truncate(its);
    Ok(Value::bool(!want))
}

fn any<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    any_all(vm, a, "any", true)
}

fn all<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    any_all(vm, a, "all", false)
}

fn sorted<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "sorted", &["key", "reverse"])?;
    vm.check_count(a, "sorted", 1, 1)?;
    let l = collect_list(vm, vm.arg(a, 0))?;
    let mark = vm.push(l);
    let key = vm.kwarg(a, "key").unwrap_or(Value::NONE);
    let rev = match vm.kwarg(a, "reverse") {
        Some(r) => vm.truthy(r)?,
        None => false,
    };
    vm.list_sort(l, key, rev)?;
    let l = vm.st(mark);
    vm.truncate(mark);
    Ok(l)
}

fn reversed<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "reversed", 1, 1)?;
    let v = vm.arg(a, 0);
    if v.is_obj() && matches!(object::kind(v.as_obj()), Kind::List | Kind::Tuple) {
        let n = vm.seq_len(v);
        let it = vm.new_iter(iterk::REVERSED, v, Value::NULL, Value::NULL)?;
        object::set_word(it.as_obj(), field::IT_INDEX, n);
        return Ok(it);
    }
    if let Some(r) = vm.call_dunder(v, "__reversed__", &[])? {
        return Ok(r);
    }
    let l = collect_list(vm, v)?;
    let n = Vm::<H>::list_len(l);
    let it = vm.new_iter(iterk::REVERSED, l, Value::NULL, Value::NULL)?;
    object::set_word(it.as_obj(), field::IT_INDEX, n);
    Ok(it)
}

fn enumerate<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "enumerate", &["start"])?;
    vm.check_count(a, "enumerate", 1, 2)?;
    let start = if a.n == 2 {
        vm.arg(a, 1)
    } else {
        vm.kwarg(a, "start").unwrap_or(Value::int(0))
    };
    let it = vm.get_iter(vm.arg(a, 0))?;
    vm.new_iter(iterk::ENUMERATE, it, start, Value::NULL)
}

fn zip<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "zip", &["strict"])?;
    let mark = vm.rt.sp;
    for i in 0..a.n {
        let it = vm.get_iter(vm.arg(a, i))?;
        vm.push(it);
    }
    let t = vm.tuple_from_stack(mark, a.n)?;
    vm.truncate(mark);
    vm.new_iter(iterk::ZIP, t, Value::NULL, Value::NULL)
}

fn map<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    if a.n < 2 {
        return Err(vm.type_error("map() must have at least two arguments."));
    }
    if a.n == 2 {
        let it = vm.get_iter(vm.arg(a, 1))?;
        return vm.new_iter(iterk::MAP, it, vm.arg(a, 0), Value::NULL);
    }
    // map(f, a, b, ...) = starmap over zip.
    let mark = vm.rt.sp;
    for i in 1..a.n {
        let it = vm.get_iter(vm.arg(a, i))?;
        vm.push(it);
    }
    let t = vm.tuple_from_stack(mark, a.n - 1)?;
    vm.truncate(mark);
    let z = vm.new_iter(iterk::ZIP, t, Value::NULL, Value::NULL)?;
    // IT_B = True: call f(*items) with each zipped tuple.
    vm.new_iter(iterk::MAP, z, vm.arg(a, 0), Value::TRUE)
}

fn filter<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "filter", 2, 2)?;
    let it = vm.get_iter(vm.arg(a, 1))?;
    vm.new_iter(iterk::FILTER, it, vm.arg(a, 0), Value::NULL)
}

fn iter<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "iter", 1, 2)?;
    if a.n == 2 {
        return vm.new_iter(
            iterk::CALL_SENTINEL,
            vm.arg(a, 0),
            vm.arg(a, 1),
            Value::NULL,
        );
    }
    vm.get_iter(vm.arg(a, 0))
}

fn next<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "next", 1, 2)?;
    let it = vm.arg(a, 0);
    if !(it.is_obj() && matches!(object::kind(it.as_obj()), Kind::Iter | Kind::Generator))
        && vm.type_method(it, "__next__").is_none()
    {
        let msg = format!("'{}' object is not an iterator", vm.type_name(it));
        return Err(vm.type_error(&msg));
    }
    if it.is_obj() && object::kind(it.as_obj()) == Kind::Generator {
        return match vm.gen_resume(a.base, Value::NONE, Value::NULL)? {
            Ok(v) => Ok(v),
            Err(_) if a.n == 2 => Ok(vm.arg(a, 1)),
            Err(ret) => {
                let cls = vm.class(T_STOP_ITERATION);
                let e = if ret.is_none() {
                    vm.call_values(cls, &[])?
                } else {
                    vm.call_values(cls, &[ret])?
                };
                Err(vm.raise_value(e, Value::NULL))
            }
        };
    }
    match vm.iter_next(a.base)? {
        Some(v) => Ok(v),
        None => {
            if a.n == 2 {
                return Ok(vm.arg(a, 1));
            }
            Err(vm.raise_msg(T_STOP_ITERATION, ""))
        }
    }
}

/// `isinstance`/`issubclass` second argument: a class or a tuple of them.
fn class_or_tuple<H: Heap>(
    vm: &mut Vm<H>,
    c: Value,
    test: &dyn Fn(&mut Vm<H>, Value) -> PyResult<bool>,
    name: &str,
) -> PyResult<bool> {
    if vm.is_class(c) {
        return test(vm, c);
    }
    if c.is_obj() && object::kind(c.as_obj()) == Kind::Tuple {
        let cs = vm.push(c);
        for i in 0..object::array_len(c.as_obj()) {
            let x = object::array_get(vm.st(cs).as_obj(), i);
            if class_or_tuple(vm, x, test, name)? {
                vm.truncate(cs);
                return Ok(true);
            }
        }
        vm.truncate(cs);
        return Ok(false);
    }
    // `types.UnionType` (`int | str`) and other objects with `__args__`.
    if let Some(args) = union_args(vm, c)? {
        return class_or_tuple(vm, args, test, name);
    }
    let msg = format!("{name}() arg 2 must be a type, a tuple of types, or a union");
    Err(vm.type_error(&msg))
}

/// The `__args__` of a `types.UnionType` object.
fn union_args<H: Heap>(vm: &mut Vm<H>, c: Value) -> PyResult<Option<Value>> {
    if !Vm::<H>::is_instance_obj(c) || vm.type_name(c) != "UnionType" {
        return Ok(None);
    }
    let sym = vm.intern("__args__");
    vm.getattr_opt(c, sym)
}

fn isinstance<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "isinstance", 2, 2)?;
    let vs = a.base;
    let r = class_or_tuple(
        vm,
        vm.arg(a, 1),
        &|vm, c| vm.isinstance_hook(vm.st(vs), c),
        "isinstance",
    )?;
    Ok(Value::bool(r))
}

fn issubclass<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "issubclass", 2, 2)?;
    let vs = a.base;
    let r = class_or_tuple(
        vm,
        vm.arg(a, 1),
        &|vm, c| vm.issubclass_hook(vm.st(vs), c),
        "issubclass",
    )?;
    Ok(Value::bool(r))
}

fn attr_name<H: Heap>(vm: &mut Vm<H>, v: Value, fname: &str) -> PyResult<u32> {
    if v.is_obj() && object::kind(v.as_obj()) == Kind::Str {
        let s = object::str_of(v.as_obj()).to_string();
        Ok(vm.intern(&s))
    } else {
        let msg = format!(
            "{fname}(): attribute name must be string, not '{}'",
            vm.type_name(v)
        );
        Err(vm.type_error(&msg))
    }
}

fn hasattr<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "hasattr", 2, 2)?;
    let n = attr_name(vm, vm.arg(a, 1), "hasattr")?;
    match vm.getattr_opt(vm.arg(a, 0), n) {
        Ok(r) => Ok(Value::bool(r.is_some())),
        Err(e) => {
            if vm.isinstance_idx(vm.rt.exc, T_ATTRIBUTE_ERROR) {
                vm.rt.exc = Value::NULL;
                Ok(Value::FALSE)
            } else {
                Err(e)
            }
        }
    }
}

fn getattr<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "getattr", 2, 3)?;
    let n = attr_name(vm, vm.arg(a, 1), "getattr")?;
    if a.n == 3 {
        return match vm.getattr_opt(vm.arg(a, 0), n) {
            Ok(Some(v)) => Ok(v),
            Ok(None) => Ok(vm.arg(a, 2)),
            Err(e) => {
                if vm.isinstance_idx(vm.rt.exc, T_ATTRIBUTE_ERROR) {
                    vm.rt.exc = Value::NULL;
                    Ok(vm.arg(a, 2))
                } else {
                    Err(e)
                }
            }
        };
    }
    vm.getattr(vm.arg(a, 0), n)
}

fn setattr<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "setattr", 3, 3)?;
    let n = attr_name(vm, vm.arg(a, 1), "setattr")?;
    vm.setattr(vm.arg(a, 0), n, vm.arg(a, 2))?;
    Ok(Value::NONE)
}

fn delattr<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "delattr", 2, 2)?;
    let n = attr_name(vm, vm.arg(a, 1), "delattr")?;
    vm.delattr(vm.arg(a, 0), n)?;
    Ok(Value::NONE)
}

fn callable<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "callable", 1, 1)?;
    let c = vm.is_callable(vm.arg(a, 0));
    Ok(Value::bool(c))
}

fn id<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "id", 1, 1)?;
    let i = vm.identity(vm.arg(a, 0));
    vm.new_int(num_bigint::BigInt::from(i))
}

fn hash<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "hash", 1, 1)?;
    let h = vm.hash(vm.arg(a, 0))?;
    vm.int_from_i64(h)
}

fn chr<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "chr", 1, 1)?;
    let v = vm.arg(a, 0);
    let i = vm.index_int(v)?;
    match u32::try_from(i).ok().and_then(char::from_u32) {
        Some(c) => {
            let mut buf = [0u8; 4];
            vm.new_str(c.encode_utf8(&mut buf))
        }
        None => Err(vm.value_error("chr() arg not in range(0x110000)")),
    }
}

fn ord<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "ord", 1, 1)?;
    let v = vm.arg(a, 0);
    if v.is_obj() {
        match object::kind(v.as_obj()) {
            Kind::Str => {
                let s = object::str_of(v.as_obj());
                let mut it = s.chars();
                if let (Some(c), None) = (it.next(), it.next()) {
                    return Ok(Value::int(c as i64));
                }
                let msg = format!(
                    "ord() expected a character, but string of length {} found",
                    s.chars().count()
                );
                return Err(vm.type_error(&msg));
            }
            Kind::Bytes if object::word(v.as_obj(), 0) == 1 => {
                return Ok(Value::int(object::bytes_of(v.as_obj())[0] as i64));
            }
            _ => {}
        }
    }
    let msg = format!(
        "ord() expected string of length 1, but {} found",
        vm.type_name(v)
    );
    Err(vm.type_error(&msg))
}

fn radix<H: Heap>(vm: &mut Vm<H>, a: Args, name: &str, r: u32) -> PyResult {
    vm.check_args(a, name, 1, 1)?;
    let v = vm.arg(a, 0);
    let i = if num::is_int(v) {
        num::to_bigint(v)
    } else {
        match vm.call_dunder(v, "__index__", &[])? {
            Some(x) if num::is_int(x) => num::to_bigint(x),
            _ => {
                return Err(vm.not_an_integer(v));
            }
        }
    };
    let s = pyfmt::int_to_str_radix(&i, r);
    vm.new_str(&s)
}

fn hex<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    radix(vm, a, "hex", 16)
}

fn oct<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    radix(vm, a, "oct", 8)
}

fn bin<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    radix(vm, a, "bin", 2)
}

fn divmod<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "divmod", 2, 2)?;
    let (x, y) = (vm.arg(a, 0), vm.arg(a, 1));
    let q = vm.binary_op(BinOp::FloorDiv, x, y, false)?;
    let qs = vm.push(q);
    let r = vm.binary_op(BinOp::Mod, vm.arg(a, 0), vm.arg(a, 1), false)?;
    let t = vm.new_tuple(&[vm.st(qs), r]);
    vm.truncate(qs);
    t
}

fn pow<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "pow", 2, 3)?;
    if a.n == 3 && !vm.arg(a, 2).is_none() {
        let (b, e, m) = (vm.arg(a, 0), vm.arg(a, 1), vm.arg(a, 2));
        if !(num::is_int(b) && num::is_int(e) && num::is_int(m)) {
            return Err(
                vm.type_error("pow() 3rd argument not allowed unless all arguments are integers")
            );
        }
        let (b, e, m) = (num::to_bigint(b), num::to_bigint(e), num::to_bigint(m));
        if m == num_bigint::BigInt::from(0) {
            return Err(vm.value_error("pow() 3rd argument cannot be 0"));
        }
        let (b, e) = if e < num_bigint::BigInt::from(0) {
            match mod_inverse(&b, &m) {
                Some(inv) => (inv, -e),
                None => return Err(vm.value_error("base is not invertible for the given modulus")),
            }
        } else {
            (b, e)
        };
        let r = b.modpow(&e, &m);
        // Python's result takes the sign of the modulus.
        let r = if r != num_bigint::BigInt::from(0)
            && (r < num_bigint::BigInt::from(0)) != (m < num_bigint::BigInt::from(0))
        {
            r + m
        } else {
            r
        };
        return vm.new_int(r);
    }
    vm.binary_op(BinOp::Pow, vm.arg(a, 0), vm.arg(a, 1), false)
}

/// The inverse of `b` modulo `m` (extended Euclid), if it exists.
fn mod_inverse(b: &num_bigint::BigInt, m: &num_bigint::BigInt) -> Option<num_bigint::BigInt> {
    use num_bigint::BigInt;
    use num_integer::Integer;
    let m_abs = num_traits::Signed::abs(m);
    let (mut r0, mut r1) = (b.mod_floor(&m_abs), m_abs.clone());
    let (mut s0, mut s1) = (BigInt::from(1), BigInt::from(0));
    while r1 != BigInt::from(0) {
        let q = &r0 / &r1;
        let r2 = &r0 - &q * &r1;
        r0 = std::mem::replace(&mut r1, r2);
        let s2 = &s0 - &q * &s1;
        s0 = std::mem::replace(&mut s1, s2);
    }
    (r0 == BigInt::from(1)).then(|| s0.mod_floor(&m_abs))
}

fn round<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "round", &["ndigits"])?;
    vm.check_count(a, "round", 1, 2)?;
    let x = vm.arg(a, 0);
    let nd = if a.n == 2 {
        Some(vm.arg(a, 1))
    } else {
        vm.kwarg(a, "ndigits")
    }
    .filter(|v| !v.is_none());
    if num::is_int(x) {
        let Some(nd) = nd else { return Ok(x) };
        let n = nd.to_int().unwrap_or(0);
        if n >= 0 {
            return Ok(x);
        }
        let p = num_traits::pow(num_bigint::BigInt::from(10), (-n) as usize);
        let v = num::to_bigint(x);
        let (q, r) = num_integer::Integer::div_mod_floor(&v, &p);
        let twice = &r * 2;
        let q = if twice > p || (twice == p && num_integer::Integer::is_odd(&q)) {
            q + 1
        } else {
            q
        };
        return vm.new_int(q * p);
    }
    if x.is_obj() && object::kind(x.as_obj()) == Kind::Float {
        let f = object::float_of(x.as_obj());
        return match nd {
            None => {
                if f.is_nan() {
                    return Err(vm.value_error("cannot convert float NaN to integer"));
                }
                if f.is_infinite() {
                    return Err(vm.overflow_error("cannot convert float infinity to integer"));
                }
                let r = pyfmt::round_half_even(f);
                let i: num_bigint::BigInt =
                    num_traits::FromPrimitive::from_f64(r).unwrap_or_default();
                vm.new_int(i)
            }
            Some(nd) => {
                let n = nd.to_int().unwrap_or(0);
                match pyfmt::round_float(f, n) {
                    Ok(r) => vm.new_float(r),
                    Err(e) => Err(vm.overflow_error(&e.msg)),
                }
            }
        };
    }
    let args: Vec<Value> = nd.into_iter().collect();
    if let Some(r) = vm.call_dunder(x, "__round__", &args)? {
        return Ok(r);
    }
    if let Some(b) = Vm::<H>::unboxed(x) {
        vm.set_st(a.base, b);
        return round(vm, a);
    }
    let msg = format!("type {} doesn't define __round__ method", vm.type_name(x));
    Err(vm.type_error(&msg))
}

/// The bases of a class statement with each non-class base that has
/// `__mro_entries__` replaced by what it returns (PEP 560); the original
/// tuple (stack slot `os`) itself when nothing changes.
fn resolve_mro_entries<H: Heap>(vm: &mut Vm<H>, os: usize) -> PyResult {
    let n = object::array_len(vm.st(os).as_obj());
    let mark = vm.rt.sp;
    let mut changed = false;
    for i in 0..n {
        let b = object::array_get(vm.st(os).as_obj(), i);
        if !vm.is_class(b)
            && let Some(r) = vm.call_dunder(b, "__mro_entries__", &[vm.st(os)])?
        {
            if !(r.is_obj() && object::kind(r.as_obj()) == Kind::Tuple) {
                return Err(vm.type_error("__mro_entries__ must return a tuple"));
            }
            for j in 0..object::array_len(r.as_obj()) {
                vm.push(object::array_get(r.as_obj(), j));
            }
            changed = true;
        } else {
            let b = object::array_get(vm.st(os).as_obj(), i);
            vm.push(b);
        }
    }
    if !changed {
        vm.truncate(mark);
        return Ok(vm.st(os));
    }
    let t = vm.tuple_from_stack(mark, vm.rt.sp - mark)?;
    vm.truncate(mark);
    Ok(t)
}

/// `__import__(name, globals=None, locals=None, fromlist=(), level=0)`:
/// the import statement's machinery as a function (relative imports are
/// resolved against the calling frame's package).
fn dunder_import<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(
        a,
        "__import__",
        &["name", "globals", "locals", "fromlist", "level"],
    )?;
    vm.check_count(a, "__import__", 1, 5)?;
    let arg = |vm: &Vm<H>, i: usize, kw: &str| {
        if a.n > i {
            Some(vm.arg(a, i))
        } else {
            vm.kwarg(a, kw)
        }
    };
    let name = vm.str_string(vm.arg(a, 0))?;
    let level = match arg(vm, 4, "level") {
        Some(l) => l.to_int().unwrap_or(0).max(0) as usize,
        None => 0,
    };
    let fromlist = match arg(vm, 3, "fromlist") {
        Some(f) if !f.is_none() => {
            let l = collect_list(vm, f)?;
            let ls = vm.push(l);
            let items: Vec<Value> = (0..Vm::<H>::list_len(l))
                .map(|i| Vm::<H>::list_get(l, i))
                .collect();
            let t = vm.new_tuple(&items)?;
            vm.truncate(ls);
            t
        }
        _ => Value::NULL,
    };
    let fs = vm.push(fromlist);
    let base = match vm.rt.frames.last() {
        Some(f) => f.base,
        None => 1,
    };
    let sym = vm.intern(&name);
    let r = vm.import_name(base, sym, vm.st(fs), level);
    vm.truncate(fs);
    r
}

fn globals<H: Heap>(vm: &mut Vm<H>, _a: Args) -> PyResult {
    Ok(vm.caller_globals())
}

fn vars<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "vars", 0, 1)?;
    if a.n == 0 {
        return globals(vm, a);
    }
    let v = vm.arg(a, 0);
    if v.is_obj() {
        match object::kind(v.as_obj()) {
            Kind::Instance => return vm.instance_dict(v),
            Kind::Module => return Ok(object::get(v.as_obj(), field::MOD_DICT)),
            Kind::Class => return Ok(object::get(v.as_obj(), field::CLS_DICT)),
            _ => {}
        }
    }
    Err(vm.type_error("vars() argument must have __dict__ attribute"))
}

/// `dir([obj])`: the sorted names of the caller's scope, or of `obj`
/// through its type's `__dir__`.
fn dir<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "dir", 0, 1)?;
    if a.n == 1 {
        let v = vm.arg(a, 0);
        let own = vm.type_method(v, "__dir__");
        let object_dir = vm.type_method(vm.class(T_OBJECT), "__dir__");
        if own.is_some() && own != object_dir {
            let names = vm.call_dunder(v, "__dir__", &[])?.unwrap_or(Value::NONE);
            let l = collect_list(vm, names)?;
            let ls = vm.push(l);
            vm.list_sort(l, Value::NONE, false)?;
            let l = vm.st(ls);
            vm.truncate(ls);
            return Ok(l);
        }
    }
    let mut names = if a.n == 0 {
        let g = globals(vm, a)?;
        str_keys::<H>(g)
    } else {
        attr_names(vm, vm.arg(a, 0))
    };
    names.sort();
    names.dedup();
    str_list(vm, &names)
}

/// `object.__dir__(self)`: the names of `self`'s attributes (its own, its
/// module's or its class's, and its classes'), unsorted, each once.
pub(crate) fn object_dir<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__dir__", 1, 1)?;
    let mut names = attr_names(vm, vm.arg(a, 0));
    let mut seen = std::collections::HashSet::new();
    names.retain(|n| seen.insert(n.clone()));
    str_list(vm, &names)
}

/// The str keys of dict `d`, in order.
fn str_keys<H: Heap>(d: Value) -> Vec<String> {
    (0..Vm::<H>::dict_used(d))
        .map(|i| Vm::<H>::dict_entry(d, i).0)
        .filter(|k| k.is_obj() && object::kind(k.as_obj()) == Kind::Str)
        .map(|k| object::str_of(k.as_obj()).to_string())
        .collect()
}

/// The attribute names `v` shows: an instance's own, a module's globals,
/// then those of every class on the MRO of `v` (or of its type).
fn attr_names<H: Heap>(vm: &mut Vm<H>, v: Value) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    if v.is_obj() && object::kind(v.as_obj()) == Kind::Instance {
        for k in vm.inst_names(v.as_obj()) {
            names.push(object::str_of(k.as_obj()).to_string());
        }
    }
    if v.is_obj() && object::kind(v.as_obj()) == Kind::Module {
        names.extend(str_keys::<H>(object::get(v.as_obj(), field::MOD_DICT)));
    }
    let t = if vm.is_class(v) { v } else { vm.type_of(v) };
    let mro = object::get(t.as_obj(), field::CLS_MRO);
    for c in object::items(mro.as_obj()) {
        names.extend(str_keys::<H>(object::get(c.as_obj(), field::CLS_DICT)));
    }
    names
}

/// A new list of the strings `names`.
fn str_list<H: Heap>(vm: &mut Vm<H>, names: &[String]) -> PyResult {
    let l = vm.new_list(names.len())?;
    let ls = vm.push(l);
    for n in names {
        let s = vm.new_str(n)?;
        vm.list_append(vm.st(ls), s)?;
    }
    let l = vm.st(ls);
    vm.truncate(ls);
    Ok(l)
}

fn format<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "format", 1, 2)?;
    let spec = if a.n == 2 { vm.arg(a, 1) } else { Value::NULL };
    vm.format(vm.arg(a, 0), spec)
}

/// A class statement's keywords other than `metaclass`, on the VM stack:
/// `n` values from slot `values`, their names as a tuple in slot `names`.
struct ClassKeywords {
    values: usize,
    n: usize,
    names: usize,
}

impl ClassKeywords {
    /// Calls the value in stack slot `f` with the values in stack slots
    /// `positional` and these keywords.
    fn call<H: Heap>(&self, vm: &mut Vm<H>, f: usize, positional: &[usize]) -> PyResult {
        let mark = vm.push(vm.st(f));
        for &p in positional {
            vm.push(vm.st(p));
        }
        for i in 0..self.n {
            vm.push(vm.st(self.values + i));
        }
        let kw = if self.n == 0 { Args::NO_KW } else { self.names };
        let r = vm.call(
            vm.st(mark),
            Args {
                base: mark + 1,
                n: positional.len(),
                kw,
            },
        );
        vm.truncate(mark);
        r
    }
}

/// `__build_class__(body, name, *bases, metaclass=None, **kw)`.
fn build_class<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    if a.n < 2 {
        return Err(vm.type_error("__build_class__: not enough arguments"));
    }
    let orig = vm.tuple_from_stack(a.base + 2, a.n - 2)?;
    let os = vm.push(orig);
    let bases = resolve_mro_entries(vm, os)?;
    let bs = vm.push(bases);
    let meta = match vm.kwarg(a, "metaclass") {
        Some(m) if !m.is_none() => m,
        _ => vm.class(T_TYPE),
    };
    let bases_v: Vec<Value> = object::items(vm.st(bs).as_obj()).to_vec();
    let meta = if vm.is_class(meta) {
        vm.derive_metaclass(meta, &bases_v)?
    } else {
        meta
    };
    let ms = vm.push(meta);
    // Class keywords other than `metaclass` go to `__prepare__`, the
    // metaclass call and on to `__init_subclass__`: pushed once as
    // [values][names], reused for both calls.
    let nkw = vm.nkw(a);
    let kvals = vm.rt.sp;
    let mut names = Vec::new();
    for i in 0..nkw {
        let k = object::array_get(vm.kwnames(a).as_obj(), i);
        if object::str_of(k.as_obj()) != "metaclass" {
            names.push(k);
            vm.push(vm.st(a.base + a.n + i));
        }
    }
    let kn = vm.new_tuple(&names)?;
    let kns = vm.push(kn);
    let nkept = names.len();
    // The namespace: `meta.__prepare__(name, bases, **kw)` (PEP 3115).
    let keywords = ClassKeywords {
        values: kvals,
        n: nkept,
        names: kns,
    };
    let name = a.base + 1;
    let prep = vm.intern("__prepare__");
    let ns = match vm.getattr_opt(vm.st(ms), prep)? {
        Some(p) => {
            let ps = vm.push(p);
            let r = keywords.call(vm, ps, &[name, bs])?;
            vm.truncate(ps);
            r
        }
        None => vm.new_dict()?,
    };
    let nss = vm.push(ns);
    if vm.st(os) != vm.st(bs) {
        // PEP 560: the class records the bases as written.
        let k = vm.sym_str("__orig_bases__");
        vm.setitem(vm.st(nss), k, vm.st(os))?;
    }
    // Run the class body with the namespace as its only argument.
    vm.call_values(vm.arg(a, 0), &[vm.st(nss)])?;
    let cls = keywords.call(vm, ms, &[name, bs, nss])?;
    let cs = vm.push(cls);
    // Fill the __class__ cell used by zero-argument super().
    let cc = vm.sym_str("__classcell__");
    let nsd = Vm::<H>::unbox(vm.st(nss));
    if nsd.is_obj()
        && object::kind(nsd.as_obj()) == Kind::Dict
        && let Some(cell) = vm.dict_get_item(nsd, cc)?
        && cell.is_obj()
        && object::kind(cell.as_obj()) == Kind::Cell
    {
        vm.store(cell.as_obj(), 0, vm.st(cs));
    }
    let cls = vm.st(cs);
    vm.truncate(bs);
    Ok(cls)
}

/// `compile(source, filename, mode)`: checks the source now (raising its
/// SyntaxError) and returns a `code` object that `exec`/`eval` run. The
/// object keeps the source; running it compiles again (heaplab's code
/// objects are not first-class values).
fn compile<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    const PARAMS: [&str; 6] = [
        "source",
        "filename",
        "mode",
        "flags",
        "dont_inherit",
        "optimize",
    ];
    /// `flags` bit asking for the AST instead of code (`ast.PyCF_ONLY_AST`).
    const ONLY_AST: i64 = 0x400;
    let mut allowed = PARAMS.to_vec();
    allowed.push("_feature_version");
    vm.check_kwargs(a, "compile", &allowed)?;
    vm.check_count(a, "compile", 0, 6)?;
    // Each parameter, passed by position or by keyword.
    let param = |vm: &Vm<H>, i: usize| match i < a.n {
        true => Some(vm.arg(a, i)),
        false => vm.kwarg(a, PARAMS[i]),
    };
    for (i, name) in PARAMS[..3].iter().enumerate() {
        if param(vm, i).is_none() {
            let msg = format!(
                "compile() missing required argument '{name}' (pos {})",
                i + 1
            );
            return Err(vm.type_error(&msg));
        }
    }
    // Each read fresh from its stack slot: the conversions before it may
    // run code, and collections move objects.
    let flags = match param(vm, 3) {
        Some(v) => vm.index_int(v)?,
        None => 0,
    };
    let filename = vm.str_string(param(vm, 1).unwrap_or(Value::NONE))?;
    let mode = vm.str_string(param(vm, 2).unwrap_or(Value::NONE))?;
    let src = param(vm, 0).unwrap_or(Value::NONE);
    let text = match vm.byte_contents(src) {
        Some(b) => String::from_utf8_lossy(&b).into_owned(),
        None if vm.isinstance_idx(src, T_STR) => vm.str_string(src)?,
        // An AST object (`_ast.AST`): compiled from `ast.unparse` of it, so
        // the code's line numbers are those of the unparsed text, not the
        // tree's `lineno` attributes.
        None => match crate::stdlib::ast::tree_source(vm, src, &mode, flags & ONLY_AST != 0)? {
            Ok(text) => text,
            Err(tree) => return Ok(tree),
        },
    };
    if flags & ONLY_AST != 0 {
        return crate::stdlib::ast::parse_to_ast(vm, &text, &filename, &mode);
    }
    let checked = match mode.as_str() {
        "exec" | "single" => crate::compiler::compile_module(&text, &filename, &mut vm.interner),
        "eval" => crate::compiler::compile_eval(&text, &filename, &mut vm.interner),
        _ => return Err(vm.value_error("compile() mode must be 'exec', 'eval' or 'single'")),
    };
    if let Err(e) = checked {
        return Err(vm.raise_syntax_error(&e));
    }
    let code = vm.new_instance(vm.class(T_CODE))?;
    let cs = vm.push(code);
    for (attr, value) in [
        ("_source", &text),
        ("co_filename", &filename),
        ("_mode", &mode),
    ] {
        // Interned first: interning may allocate, and `v` is not rooted.
        let sym = vm.intern(attr);
        let v = vm.new_str(value)?;
        vm.setattr(vm.st(cs), sym, v)?;
    }
    let code = vm.st(cs);
    vm.truncate(cs);
    Ok(code)
}

/// The (source, filename, mode) a `compile()` code object carries.
fn compiled_source<H: Heap>(
    vm: &mut Vm<H>,
    v: Value,
) -> PyResult<Option<(String, String, String)>> {
    if !vm.isinstance_idx(v, T_CODE) || !Vm::<H>::is_instance_obj(v) {
        return Ok(None);
    }
    let mut parts = Vec::new();
    for attr in ["_source", "co_filename", "_mode"] {
        let sym = vm.intern(attr);
        match vm.inst_get(v.as_obj(), sym) {
            Some(s) if s.is_obj() && object::kind(s.as_obj()) == Kind::Str => {
                parts.push(object::str_of(s.as_obj()).to_string())
            }
            _ => return Ok(None),
        }
    }
    let mode = parts.pop().unwrap_or_default();
    let file = parts.pop().unwrap_or_default();
    let text = parts.pop().unwrap_or_default();
    Ok(Some((text, file, mode)))
}

/// `eval`/`exec`: compiles the source string (as an expression or a
/// module) and runs it with the given globals, or the caller's.
fn run_source<H: Heap>(vm: &mut Vm<H>, a: Args, name: &str, expression: bool) -> PyResult {
    vm.check_args(a, name, 1, 3)?;
    let (text, filename, expression) = match compiled_source(vm, vm.arg(a, 0))? {
        Some((text, file, mode)) => (text, file, mode == "eval"),
        None => {
            let src = vm.arg(a, 0);
            if !(src.is_obj() && object::kind(src.as_obj()) == Kind::Str) {
                let msg = format!("{name}() arg 1 must be a string, bytes or code object");
                return Err(vm.type_error(&msg));
            }
            let text = object::str_of(src.as_obj()).to_string();
            (text, "<string>".to_string(), expression)
        }
    };
    let globals = if a.n >= 2 && !vm.arg(a, 1).is_none() {
        vm.arg(a, 1)
    } else {
        globals(vm, a)?
    };
    let gs = vm.push(globals);
    // A locals mapping other than the globals: top-level names live there.
    let ls = (a.n >= 3 && !vm.arg(a, 2).is_none() && vm.arg(a, 2) != vm.st(gs))
        .then(|| vm.push(vm.arg(a, 2)));
    let compiled = if ls.is_some() {
        crate::compiler::compile_in_namespace(&text, &filename, &mut vm.interner, expression)
    } else if expression {
        crate::compiler::compile_eval(&text, &filename, &mut vm.interner)
    } else {
        crate::compiler::compile_module(&text, &filename, &mut vm.interner)
    };
    let code = match compiled {
        Ok(c) => c,
        Err(e) => {
            vm.truncate(gs);
            return Err(vm.raise_syntax_error(&e));
        }
    };
    let code = vm.materialize(code, &filename)?;
    let r = match ls {
        Some(l) => vm.run_code_in(code, vm.st(gs), vm.st(l)),
        None => vm.run_code(code, vm.st(gs)),
    };
    vm.truncate(gs);
    r
}

fn eval<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    run_source(vm, a, "eval", true)
}

fn exec<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    run_source(vm, a, "exec", false)?;
    Ok(Value::NONE)
}

fn input<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "input", 0, 1)?;
    if a.n == 1 {
        let p = vm.str_string(vm.arg(a, 0))?;
        let _ = vm.out.write_all(p.as_bytes());
    }
    vm.flush();
    let mut line = String::new();
    match std::io::stdin().read_line(&mut line) {
        Ok(0) => Err(vm.raise_msg(T_EOF_ERROR, "EOF when reading a line")),
        Ok(_) => {
            let l = line.strip_suffix('\n').unwrap_or(&line);
            vm.new_str(l)
        }
        Err(e) => Err(vm.raise_msg(T_OS_ERROR, &e.to_string())),
    }
}
