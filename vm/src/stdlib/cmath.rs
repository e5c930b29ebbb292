//! `cmath`: mathematical functions of a complex variable, over the
//! algorithms in `builtins::complex::elementary`, with CPython's argument
//! conversion (a complex, `__complex__`, or a real number) and its
//! `math domain error` / `math range error` exceptions.

use crate::builtins::complex::arith::{self, ArithError, C64};
use crate::builtins::complex::{complex_value, dunder_complex, elementary as el, new_complex};
use crate::value::Value;
use crate::vm::{Args, NativeFn, PyResult, Vm};
use gc_api::Heap;

/// The module names this file provides.
pub const MODULES: &[&str] = &["cmath"];
/// Frozen Python companions.
pub const FROZEN: &[(&str, &str)] = &[];

/// Fills in module `cmath` (rooted at stack slot `ms`).
pub(crate) fn init<H: Heap>(vm: &mut Vm<H>, _name: &str, ms: usize) -> PyResult<()> {
    for (n, v) in [
        ("pi", std::f64::consts::PI),
        ("e", std::f64::consts::E),
        ("tau", std::f64::consts::TAU),
        ("inf", f64::INFINITY),
        ("nan", f64::NAN),
    ] {
        let f = vm.new_float(v)?;
        vm.module_set(vm.st(ms), n, f)?;
    }
    for (n, im) in [("infj", f64::INFINITY), ("nanj", f64::NAN)] {
        let z = new_complex(vm, (0.0, im))?;
        vm.module_set(vm.st(ms), n, z)?;
    }
    let fns: &[(&'static str, NativeFn<H>)] = &[
        ("sqrt", |vm, a| unary(vm, a, "sqrt", |z| Ok(el::sqrt(z)))),
        ("exp", |vm, a| unary(vm, a, "exp", el::exp)),
        ("log10", |vm, a| unary(vm, a, "log10", el::log10)),
        ("sin", |vm, a| unary(vm, a, "sin", el::sin)),
        ("cos", |vm, a| unary(vm, a, "cos", el::cos)),
        ("tan", |vm, a| unary(vm, a, "tan", |z| Ok(el::tan(z)))),
        ("asin", |vm, a| unary(vm, a, "asin", |z| Ok(el::asin(z)))),
        ("acos", |vm, a| unary(vm, a, "acos", |z| Ok(el::acos(z)))),
        ("atan", |vm, a| unary(vm, a, "atan", el::atan)),
        ("sinh", |vm, a| unary(vm, a, "sinh", el::sinh)),
        ("cosh", |vm, a| unary(vm, a, "cosh", el::cosh)),
        ("tanh", |vm, a| unary(vm, a, "tanh", |z| Ok(el::tanh(z)))),
        ("asinh", |vm, a| unary(vm, a, "asinh", |z| Ok(el::asinh(z)))),
        ("acosh", |vm, a| unary(vm, a, "acosh", |z| Ok(el::acosh(z)))),
        ("atanh", |vm, a| unary(vm, a, "atanh", el::atanh)),
        ("log", cmath_log::<H>),
        ("phase", cmath_phase::<H>),
        ("polar", cmath_polar::<H>),
        ("rect", cmath_rect::<H>),
        ("isfinite", |vm, a| {
            predicate(vm, a, "isfinite", |z| z.0.is_finite() && z.1.is_finite())
        }),
        ("isinf", |vm, a| {
            predicate(vm, a, "isinf", |z| z.0.is_infinite() || z.1.is_infinite())
        }),
        ("isnan", |vm, a| {
            predicate(vm, a, "isnan", |z| z.0.is_nan() || z.1.is_nan())
        }),
        ("isclose", cmath_isclose::<H>),
    ];
    for &(n, f) in fns {
        vm.module_fn(ms, n, f)?;
    }
    Ok(())
}

/// A `cmath` argument as a complex: a complex, an object with
/// `__complex__`, or a real number (`__float__`, `__index__`).
fn complex_arg<H: Heap>(vm: &mut Vm<H>, v: Value) -> PyResult<C64> {
    if let Some(z) = complex_value::<H>(v) {
        return Ok(z);
    }
    let mark = vm.push(v);
    let r = dunder_complex(vm, v);
    let v = vm.st(mark);
    vm.truncate(mark);
    if let Some(z) = r? {
        return Ok(z);
    }
    real_arg(vm, v).map(|x| (x, 0.0))
}

/// A `cmath` argument that must be real (`PyFloat_AsDouble`: a number,
/// else `__float__`, else `__index__`).
fn real_arg<H: Heap>(vm: &mut Vm<H>, v: Value) -> PyResult<f64> {
    if let Some(x) = vm.as_f64(Vm::<H>::unbox(v))? {
        return Ok(x);
    }
    let mark = vm.push(v);
    let mut r = None;
    for d in ["__float__", "__index__"] {
        if let Some(f) = vm.call_dunder(vm.st(mark), d, &[])? {
            r = vm.as_f64(f)?;
            break;
        }
    }
    let v = vm.st(mark);
    vm.truncate(mark);
    r.ok_or_else(|| {
        let msg = format!("must be real number, not {}", vm.type_name(v));
        vm.type_error(&msg)
    })
}

/// CPython's `math_error`: the exception for a failed computation.
fn math_error<H: Heap>(vm: &mut Vm<H>, e: ArithError) -> crate::vm::Exc {
    match e {
        ArithError::Domain => vm.value_error("math domain error"),
        ArithError::Range => vm.overflow_error("math range error"),
    }
}

/// A function of one complex returning a complex.
fn unary<H: Heap>(
    vm: &mut Vm<H>,
    a: Args,
    name: &str,
    f: fn(C64) -> Result<C64, ArithError>,
) -> PyResult {
    vm.check_args(a, &format!("cmath.{name}"), 1, 1)?;
    let z = complex_arg(vm, vm.arg(a, 0))?;
    match f(z) {
        Ok(r) => new_complex(vm, r),
        Err(e) => Err(math_error(vm, e)),
    }
}

/// A test of one complex (`isnan`, ...).
fn predicate<H: Heap>(vm: &mut Vm<H>, a: Args, name: &str, f: fn(C64) -> bool) -> PyResult {
    vm.check_args(a, name, 1, 1)?;
    let z = complex_arg(vm, vm.arg(a, 0))?;
    Ok(Value::bool(f(z)))
}

/// `log(z[, base])`: `log(z) / log(base)`.
fn cmath_log<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "log", 1, 2)?;
    let z = complex_arg(vm, vm.arg(a, 0))?;
    let base = if a.n == 2 {
        Some(complex_arg(vm, vm.arg(a, 1))?)
    } else {
        None
    };
    // As in CPython, where each `c_log` starts with `errno = 0`: with a
    // base, only the base's logarithm and the division can fail, and
    // `log(0)` is taken as `-inf` with its phase.
    let r = match base {
        None => el::log(z),
        Some(b) => {
            let lz = el::log(z).unwrap_or((f64::NEG_INFINITY, z.1.atan2(z.0)));
            el::log(b).and_then(|lb| arith::quot(lz, lb))
        }
    };
    match r {
        Ok(r) => new_complex(vm, r),
        Err(e) => Err(math_error(vm, e)),
    }
}

/// `phase(z)`: the argument, `atan2(imag, real)`.
fn cmath_phase<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "phase", 1, 1)?;
    let z = complex_arg(vm, vm.arg(a, 0))?;
    vm.new_float(z.1.atan2(z.0))
}

/// `polar(z)`: `(abs(z), phase(z))`.
fn cmath_polar<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "polar", 1, 1)?;
    let z = complex_arg(vm, vm.arg(a, 0))?;
    let r = arith::abs(z).map_err(|e| math_error(vm, e))?;
    let r = vm.new_float(r)?;
    let mark = vm.push(r);
    let phi = vm.new_float(z.1.atan2(z.0))?;
    let t = vm.new_tuple(&[vm.st(mark), phi]);
    vm.truncate(mark);
    t
}

/// `rect(r, phi)`: the complex with modulus `r` and argument `phi`.
fn cmath_rect<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "rect", 2, 2)?;
    let r = real_arg(vm, vm.arg(a, 0))?;
    let phi = real_arg(vm, vm.arg(a, 1))?;
    match el::rect(r, phi) {
        Ok(z) => new_complex(vm, z),
        Err(e) => Err(math_error(vm, e)),
    }
}

/// `isclose(a, b, *, rel_tol=1e-09, abs_tol=0.0)`.
fn cmath_isclose<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    use crate::stdlib::math::{isclose_operand, isclose_tolerances};
    let (rel_tol, abs_tol) = isclose_tolerances(vm, a)?;
    let x = complex_arg(vm, isclose_operand(vm, a, 0).unwrap_or(Value::NONE))?;
    let y = complex_arg(vm, isclose_operand(vm, a, 1).unwrap_or(Value::NONE))?;
    if x == y {
        return Ok(Value::TRUE);
    }
    if [x.0, x.1, y.0, y.1].iter().any(|c| c.is_infinite()) {
        return Ok(Value::FALSE);
    }
    let abs = |z: C64| arith::abs(z).unwrap_or(f64::INFINITY);
    let diff = abs(arith::sub(x, y));
    Ok(Value::bool(
        diff <= rel_tol * abs(y) || diff <= rel_tol * abs(x) || diff <= abs_tol,
    ))
}
