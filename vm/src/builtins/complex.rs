//! The builtin `complex` type: construction (`complex(real, imag)`,
//! `complex("1+2j")`, `__complex__`), the arithmetic fast path the
//! interpreter takes when an operand is a complex, comparison, hashing,
//! and the methods and attributes of the class.
//!
//! A complex is a pointer-free `Kind::Complex` object holding two `f64`
//! words (real, imag). Mixed arithmetic converts `int`/`float`/`bool`
//! operands to complex first, as CPython 3.11 does.

pub(crate) mod arith;
pub(crate) mod elementary;
mod parse;

use super::*;
use crate::bytecode::{BinOp, CmpOp};
use crate::format as pyfmt;
use crate::num;
use crate::object::{self, Kind};
use crate::value::Value;
use crate::vm::{Args, NativeFn, PyResult, Vm};
use arith::{ArithError, C64};
use gc_api::Heap;
use num_bigint::BigInt;

/// A new complex object.
pub(crate) fn new_complex<H: Heap>(vm: &mut Vm<H>, z: C64) -> PyResult {
    let o = vm.alloc(
        Kind::Complex.fixed_size(),
        gc_api::AllocKind::PointerFree,
        Kind::Complex,
    )?;
    object::set_word(o, 0, z.0.to_bits() as usize);
    object::set_word(o, 1, z.1.to_bits() as usize);
    Ok(Value::obj(o))
}

/// Whether `v` is a complex object (not a subclass instance).
#[inline]
pub(crate) fn is_complex(v: Value) -> bool {
    v.is_obj() && object::kind(v.as_obj()) == Kind::Complex
}

/// The value of a complex, or of an instance of a subclass of complex.
pub(crate) fn complex_value<H: Heap>(v: Value) -> Option<C64> {
    let v = Vm::<H>::unbox(v);
    is_complex(v).then(|| object::complex_of(v.as_obj()))
}

/// `v` as a complex operand of arithmetic: a complex, or an int, float or
/// bool with imaginary part 0 (`None` for anything else).
fn operand<H: Heap>(vm: &mut Vm<H>, v: Value) -> PyResult<Option<C64>> {
    if let Some(z) = complex_value::<H>(v) {
        return Ok(Some(z));
    }
    Ok(vm.as_f64(Vm::<H>::unbox(v))?.map(|x| (x, 0.0)))
}

/// The result of an arithmetic operation as a Python value or exception.
fn finish<H: Heap>(vm: &mut Vm<H>, op: BinOp, r: Result<C64, ArithError>) -> PyResult {
    match r {
        Ok(z) => new_complex(vm, z),
        Err(ArithError::Domain) if op == BinOp::TrueDiv => {
            Err(vm.zero_division("complex division by zero"))
        }
        Err(ArithError::Domain) => Err(vm.zero_division("0.0 to a negative or complex power")),
        Err(ArithError::Range) => Err(vm.overflow_error("complex exponentiation")),
    }
}

/// `x ** y` for floats with `x < 0` and `y` not integral: complex, as
/// CPython's float power hands such operands to complex power.
pub(crate) fn negative_float_pow<H: Heap>(vm: &mut Vm<H>, x: f64, y: f64) -> PyResult {
    finish(vm, BinOp::Pow, arith::pow((x, 0.0), (y, 0.0)))
}

/// `x op y` on complex values; `None` for operators complex lacks.
fn compute(op: BinOp, x: C64, y: C64) -> Option<Result<C64, ArithError>> {
    Some(match op {
        BinOp::Add => Ok(arith::add(x, y)),
        BinOp::Sub => Ok(arith::sub(x, y)),
        BinOp::Mul => Ok(arith::mul(x, y)),
        BinOp::TrueDiv => arith::quot(x, y),
        BinOp::Pow => arith::pow(x, y),
        _ => return None,
    })
}

/// The interpreter's fast path for `a op b` when either operand is a
/// complex and the other a number; `None` to fall back to the dunders
/// (which give the usual `TypeError` for `//`, `%` and the bit operators).
pub(crate) fn binary_op<H: Heap>(
    vm: &mut Vm<H>,
    op: BinOp,
    a: Value,
    b: Value,
) -> PyResult<Option<Value>> {
    if !(is_complex(a) || is_complex(b)) {
        return Ok(None);
    }
    let (Some(x), Some(y)) = (operand(vm, a)?, operand(vm, b)?) else {
        return Ok(None);
    };
    match compute(op, x, y) {
        Some(r) => finish(vm, op, r).map(Some),
        None => Ok(None),
    }
}

/// `z == x` for a complex `z` and a number `x` (`None`: not a number).
/// An int compares exactly with the real part, as `float == int` does.
fn equals(z: C64, x: Value) -> Option<bool> {
    if is_complex(x) {
        let w = object::complex_of(x.as_obj());
        return Some(z.0 == w.0 && z.1 == w.1);
    }
    if x.is_obj() && object::kind(x.as_obj()) == Kind::Float {
        return Some(z.0 == object::float_of(x.as_obj()) && z.1 == 0.0);
    }
    if !num::is_int(x) {
        return None;
    }
    if z.1 != 0.0 || !z.0.is_finite() || z.0.fract() != 0.0 {
        return Some(false);
    }
    let re: Option<BigInt> = num_traits::FromPrimitive::from_f64(z.0);
    Some(re == Some(num::to_bigint(x)))
}

/// `a == b` / `a != b` when either is a complex and the other a number;
/// `None` otherwise (other types, and the ordering operators, which
/// complex does not support).
pub(crate) fn compare(op: CmpOp, a: Value, b: Value) -> Option<Value> {
    if !matches!(op, CmpOp::Eq | CmpOp::Ne) {
        return None;
    }
    let e = if is_complex(a) {
        equals(object::complex_of(a.as_obj()), b)?
    } else if is_complex(b) {
        equals(object::complex_of(b.as_obj()), a)?
    } else {
        return None;
    };
    Some(Value::bool(e == (op == CmpOp::Eq)))
}

/// `hash(z)`: `hash(real) + 1000003 * hash(imag)` in wrapping arithmetic,
/// so a complex with zero imaginary part hashes like its real part.
pub(crate) fn hash(z: C64) -> i64 {
    let h = pyfmt::hash_float(z.0).wrapping_add(pyfmt::hash_float(z.1).wrapping_mul(1000003));
    if h == -1 { -2 } else { h }
}

/// `bool(z)`.
pub(crate) fn truthy(z: C64) -> bool {
    z.0 != 0.0 || z.1 != 0.0
}

// ------------------------------------------------------------ construction

/// Whether class `t` has attribute `name` (a number protocol slot).
/// Interning may allocate: classes never move, but callers must re-read
/// any other value they hold.
fn class_has<H: Heap>(vm: &mut Vm<H>, t: Value, name: &str) -> bool {
    let sym = vm.intern(name);
    vm.class_lookup(t, sym).is_some()
}

/// Whether `v` is a number `complex()` accepts as an argument (may
/// allocate: see `class_has`).
fn is_number<H: Heap>(vm: &mut Vm<H>, v: Value) -> bool {
    if num::is_int(v)
        || (v.is_obj() && object::kind(v.as_obj()) == Kind::Float)
        || complex_value::<H>(v).is_some()
    {
        return true;
    }
    let t = vm.type_of(v);
    ["__complex__", "__float__", "__index__"]
        .iter()
        .any(|n| class_has(vm, t, n))
}

/// `float(v)` for a number argument.
fn to_float<H: Heap>(vm: &mut Vm<H>, v: Value) -> PyResult<f64> {
    if let Some(x) = vm.as_f64(Vm::<H>::unbox(v))? {
        return Ok(x);
    }
    let f = vm.call_values(vm.class(T_FLOAT), &[v])?;
    Ok(vm.as_f64(f)?.unwrap_or(0.0))
}

/// The value of `complex(text)` for a str argument.
fn from_string<H: Heap>(vm: &mut Vm<H>, s: Value) -> PyResult<C64> {
    let text = object::str_of(s.as_obj()).to_string();
    parse::parse_complex(&text).map_err(|e| match e {
        parse::ParseError::Malformed => vm.value_error("complex() arg is a malformed string"),
        parse::ParseError::Underscore => {
            let msg = format!(
                "could not convert string to complex: {}",
                crate::protocol::str_repr(&text)
            );
            vm.value_error(&msg)
        }
    })
}

/// `x.__complex__()` if `x`'s class defines it (checked to be a complex).
pub(crate) fn dunder_complex<H: Heap>(vm: &mut Vm<H>, x: Value) -> PyResult<Option<C64>> {
    if is_complex(x) {
        return Ok(None);
    }
    let t = vm.type_of(x);
    let mark = vm.push(x);
    let found = class_has(vm, t, "__complex__");
    let x = vm.st(mark);
    vm.truncate(mark);
    if !found {
        return Ok(None);
    }
    let r = vm
        .call_dunder(x, "__complex__", &[])?
        .expect("__complex__ was found");
    match complex_value::<H>(r) {
        Some(z) => Ok(Some(z)),
        None => {
            let msg = format!(
                "__complex__ returned non-complex (type {})",
                vm.type_name(r)
            );
            Err(vm.type_error(&msg))
        }
    }
}

/// The value `complex(real, imag)` makes (CPython's `complex_new_impl`):
/// a complex `real` keeps its imaginary part and a complex `imag`
/// contributes `-imag.imag` to the real part.
fn construct<H: Heap>(vm: &mut Vm<H>, real: Option<Value>, imag: Option<Value>) -> PyResult<C64> {
    let is_str = |v: Value| {
        let v = Vm::<H>::unbox(v);
        v.is_obj() && object::kind(v.as_obj()) == Kind::Str
    };
    let real = real.unwrap_or(Value::int(0));
    if is_str(real) {
        if imag.is_some() {
            return Err(vm.type_error("complex() can't take second arg if first is a string"));
        }
        return from_string(vm, Vm::<H>::unbox(real));
    }
    if imag.is_some_and(is_str) {
        return Err(vm.type_error("complex() second arg can't be a string"));
    }
    let mark = vm.push(real);
    vm.push(imag.unwrap_or(Value::NULL));
    let r = construct_parts(vm, mark);
    vm.truncate(mark);
    r
}

/// `construct` for a non-string `real` at `st(mark)` (`st(mark + 1)`
/// holds `imag` or NULL; both stay rooted while `__complex__`/`__float__`
/// run).
fn construct_parts<H: Heap>(vm: &mut Vm<H>, mark: usize) -> PyResult<C64> {
    let real = vm.st(mark);
    let (mut re, mut re_is_complex) = match dunder_complex(vm, real)? {
        Some(z) => (z, true),
        None => ((0.0, 0.0), false),
    };
    if !re_is_complex {
        let number = is_number(vm, vm.st(mark));
        let real = vm.st(mark);
        if !number {
            let msg = format!(
                "complex() first argument must be a string or a number, not '{}'",
                vm.type_name(real)
            );
            return Err(vm.type_error(&msg));
        }
        match complex_value::<H>(real) {
            Some(z) => {
                re = z;
                re_is_complex = true;
            }
            None => re.0 = to_float(vm, real)?,
        }
    }
    if vm.st(mark + 1).is_null() {
        return Ok(re);
    }
    let number = is_number(vm, vm.st(mark + 1));
    let imag = vm.st(mark + 1);
    if !number {
        let msg = format!(
            "complex() second argument must be a number, not '{}'",
            vm.type_name(imag)
        );
        return Err(vm.type_error(&msg));
    }
    let mut im = match complex_value::<H>(imag) {
        Some(w) => {
            re.0 -= w.1;
            w.0
        }
        None => to_float(vm, imag)?,
    };
    if re_is_complex {
        im += re.1;
    }
    Ok((re.0, im))
}

/// `complex(real=0, imag=0)`: the class's constructor.
pub(crate) fn complex_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let kw = vm.kwnames(a);
    if !kw.is_null() {
        let kw = kw.as_obj();
        for i in 0..object::array_len(kw) {
            let k = object::str_of(object::array_get(kw, i).as_obj());
            if k != "real" && k != "imag" {
                let msg = format!("'{k}' is an invalid keyword argument for complex()");
                return Err(vm.type_error(&msg));
            }
        }
    }
    if a.n > 2 {
        let msg = format!("complex() takes at most 2 arguments ({} given)", a.n);
        return Err(vm.type_error(&msg));
    }
    let mut params = [None, None];
    for (i, p) in ["real", "imag"].into_iter().enumerate() {
        let kw = vm.kwarg(a, p);
        if i < a.n {
            if kw.is_some() {
                let msg = format!(
                    "argument for complex() given by name ('{p}') and position ({})",
                    i + 1
                );
                return Err(vm.type_error(&msg));
            }
            params[i] = Some(vm.arg(a, i));
        } else {
            params[i] = kw;
        }
    }
    if a.n == 1 && params[1].is_none() && is_complex(vm.arg(a, 0)) {
        return Ok(vm.arg(a, 0));
    }
    let z = construct(vm, params[0], params[1])?;
    new_complex(vm, z)
}

/// `complex.__new__(cls, real=0, imag=0)`: a complex, or an instance of a
/// subclass boxing one.
fn complex_dunder_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    if a.n == 0 {
        return Err(vm.type_error("complex.__new__(): not enough arguments"));
    }
    let cls = vm.arg(a, 0);
    if !vm.is_class(cls) {
        let msg = format!(
            "complex.__new__(X): X is not a type object ({})",
            vm.type_name(cls)
        );
        return Err(vm.type_error(&msg));
    }
    if !vm.is_subclass(cls, vm.class(T_COMPLEX)) {
        let n = vm.class_name(cls);
        let msg = format!("complex.__new__({n}): {n} is not a subtype of complex");
        return Err(vm.type_error(&msg));
    }
    let rest = Args {
        base: a.base + 1,
        n: a.n - 1,
        kw: a.kw,
    };
    let z = complex_new(vm, rest)?;
    if cls == vm.class(T_COMPLEX) {
        return Ok(z);
    }
    let mark = vm.push(z);
    let inst = vm.new_instance(cls)?;
    vm.store(inst.as_obj(), field::INST_BASE, vm.st(mark));
    vm.truncate(mark);
    Ok(inst)
}

// ----------------------------------------------------------------- methods

/// `self` of a complex method (a complex or a subclass instance).
fn receiver<H: Heap>(vm: &mut Vm<H>, a: Args, name: &str) -> PyResult<C64> {
    if a.n == 0 {
        let msg = format!("descriptor '{name}' of 'complex' object needs an argument");
        return Err(vm.type_error(&msg));
    }
    let v = vm.arg(a, 0);
    match complex_value::<H>(v) {
        Some(z) => Ok(z),
        None => {
            let msg = format!(
                "descriptor '{name}' requires a 'complex' object but received a '{}'",
                vm.type_name(v)
            );
            Err(vm.type_error(&msg))
        }
    }
}

/// A binary dunder (`__add__`, `__rsub__`, ...): `NotImplemented` for an
/// operand that is not a number.
fn dunder_binop<H: Heap>(vm: &mut Vm<H>, a: Args, op: BinOp, reflected: bool) -> PyResult {
    vm.check_args(a, "complex.__op__", 2, 2)?;
    let z = receiver(vm, a, "__op__")?;
    let Some(w) = operand(vm, vm.arg(a, 1))? else {
        return Ok(Value::NOT_IMPLEMENTED);
    };
    let (x, y) = if reflected { (w, z) } else { (z, w) };
    match compute(op, x, y) {
        Some(r) => finish(vm, op, r),
        None => Ok(Value::NOT_IMPLEMENTED),
    }
}

/// `__eq__` / `__ne__`.
fn dunder_compare<H: Heap>(vm: &mut Vm<H>, a: Args, op: CmpOp) -> PyResult {
    vm.check_args(a, "complex.__eq__", 2, 2)?;
    let z = receiver(vm, a, "__eq__")?;
    let other = Vm::<H>::unbox(vm.arg(a, 1));
    Ok(match equals(z, other) {
        Some(e) => Value::bool(e == (op == CmpOp::Eq)),
        None => Value::NOT_IMPLEMENTED,
    })
}

fn complex_abs<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__abs__", 1, 1)?;
    let z = receiver(vm, a, "__abs__")?;
    match arith::abs(z) {
        Ok(r) => vm.new_float(r),
        Err(_) => Err(vm.overflow_error("absolute value too large")),
    }
}

fn complex_neg<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__neg__", 1, 1)?;
    let z = receiver(vm, a, "__neg__")?;
    new_complex(vm, (-z.0, -z.1))
}

/// `+z` and `z.__complex__()`: `z` itself when it is exactly a complex.
fn complex_pos<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__pos__", 1, 1)?;
    let z = receiver(vm, a, "__pos__")?;
    if is_complex(vm.arg(a, 0)) {
        return Ok(vm.arg(a, 0));
    }
    new_complex(vm, z)
}

fn complex_bool<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__bool__", 1, 1)?;
    let z = receiver(vm, a, "__bool__")?;
    Ok(Value::bool(truthy(z)))
}

fn complex_hash<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__hash__", 1, 1)?;
    let z = receiver(vm, a, "__hash__")?;
    Ok(Value::int(hash(z)))
}

fn complex_repr<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__repr__", 1, 1)?;
    let z = receiver(vm, a, "__repr__")?;
    vm.new_str(&pyfmt::format_complex::complex_repr(z.0, z.1))
}

fn complex_format<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__format__", 2, 2)?;
    let z = receiver(vm, a, "__format__")?;
    let spec = vm.arg(a, 1);
    if !(spec.is_obj() && object::kind(spec.as_obj()) == Kind::Str) {
        let msg = format!(
            "__format__() argument must be str, not {}",
            vm.type_name(spec)
        );
        return Err(vm.type_error(&msg));
    }
    let spec = object::str_of(spec.as_obj()).to_string();
    let text = format(vm, z, &spec)?;
    vm.new_str(&text)
}

/// `format(z, spec)` as text, with CPython's errors.
pub(crate) fn format<H: Heap>(vm: &mut Vm<H>, z: C64, spec: &str) -> PyResult<String> {
    let parsed = pyfmt::parse_format_spec(spec, "complex").map_err(|m| vm.value_error(&m))?;
    pyfmt::format_complex::format_complex(z.0, z.1, &parsed).map_err(|e| match e.kind {
        pyfmt::ErrorKind::OverflowError => vm.overflow_error(&e.msg),
        _ => vm.value_error(&e.msg),
    })
}

fn complex_conjugate<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "conjugate", 1, 1)?;
    let z = receiver(vm, a, "conjugate")?;
    new_complex(vm, (z.0, -z.1))
}

/// `z.__getnewargs__()`: `(real, imag)`, what `copy` and `pickle` use.
fn complex_getnewargs<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "__getnewargs__", 1, 1)?;
    let z = receiver(vm, a, "__getnewargs__")?;
    let re = vm.new_float(z.0)?;
    let mark = vm.push(re);
    let im = vm.new_float(z.1)?;
    let t = vm.new_tuple(&[vm.st(mark), im]);
    vm.truncate(mark);
    t
}

/// Makes `complex` the class of `Kind::Complex` objects and fills in its
/// methods.
pub(super) fn install<H: Heap>(vm: &mut Vm<H>) {
    vm.rt.kind_types[Kind::Complex as usize] = vm.class(T_COMPLEX);
    vm.def_method(T_COMPLEX, "__new__", complex_dunder_new::<H>);
    vm.def_property(T_COMPLEX, "real", |vm, a| {
        let z = receiver(vm, a, "real")?;
        vm.new_float(z.0)
    });
    vm.def_property(T_COMPLEX, "imag", |vm, a| {
        let z = receiver(vm, a, "imag")?;
        vm.new_float(z.1)
    });
    let methods: &[(&'static str, NativeFn<H>)] = &[
        ("conjugate", complex_conjugate::<H>),
        ("__getnewargs__", complex_getnewargs::<H>),
        ("__format__", complex_format::<H>),
        ("__repr__", complex_repr::<H>),
        ("__hash__", complex_hash::<H>),
        ("__abs__", complex_abs::<H>),
        ("__neg__", complex_neg::<H>),
        ("__pos__", complex_pos::<H>),
        ("__complex__", complex_pos::<H>),
        ("__bool__", complex_bool::<H>),
        ("__eq__", |vm, a| dunder_compare(vm, a, CmpOp::Eq)),
        ("__ne__", |vm, a| dunder_compare(vm, a, CmpOp::Ne)),
        ("__add__", |vm, a| dunder_binop(vm, a, BinOp::Add, false)),
        ("__radd__", |vm, a| dunder_binop(vm, a, BinOp::Add, true)),
        ("__sub__", |vm, a| dunder_binop(vm, a, BinOp::Sub, false)),
        ("__rsub__", |vm, a| dunder_binop(vm, a, BinOp::Sub, true)),
        ("__mul__", |vm, a| dunder_binop(vm, a, BinOp::Mul, false)),
        ("__rmul__", |vm, a| dunder_binop(vm, a, BinOp::Mul, true)),
        ("__truediv__", |vm, a| {
            dunder_binop(vm, a, BinOp::TrueDiv, false)
        }),
        ("__rtruediv__", |vm, a| {
            dunder_binop(vm, a, BinOp::TrueDiv, true)
        }),
        ("__pow__", |vm, a| dunder_binop(vm, a, BinOp::Pow, false)),
        ("__rpow__", |vm, a| dunder_binop(vm, a, BinOp::Pow, true)),
    ];
    for &(n, f) in methods {
        vm.def_method(T_COMPLEX, n, f);
    }
}
