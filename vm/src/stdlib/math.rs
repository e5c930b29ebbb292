//! `math`: CPython's `math` module over Rust's `f64` and the C library's
//! `libm` (for `erf`, `erfc`, `frexp`, `ldexp`, `modf`, `nextafter`,
//! `remainder`, whose results CPython also takes from it), with CPython's
//! argument conversions and domain/range errors. `fsum` is Shewchuk's
//! exact summation with CPython's half-even correction. `gamma` and
//! `lgamma` are CPython's own Lanczos approximation (libm's `tgamma` and
//! `lgamma` differ in the last bits), and `hypot` and `dist` its scaled,
//! compensated `vector_norm`.

use crate::bytecode::BinOp;
use crate::num;
use crate::object::{self, Kind};
use crate::value::Value;
use crate::vm::{Args, NativeFn, PyResult, Vm};
use gc_api::Heap;
use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive, Zero};

/// The module names this file provides.
pub const MODULES: &[&str] = &["math"];

/// Frozen Python source this file adds (name, source).
pub const FROZEN: &[(&str, &str)] = &[];

unsafe extern "C" {
    fn exp2(x: f64) -> f64;
    fn expm1(x: f64) -> f64;
    fn log1p(x: f64) -> f64;
    fn acosh(x: f64) -> f64;
    fn asinh(x: f64) -> f64;
    fn atanh(x: f64) -> f64;
    fn erf(x: f64) -> f64;
    fn erfc(x: f64) -> f64;
    fn frexp(x: f64, exp: *mut i32) -> f64;
    fn ldexp(x: f64, exp: i32) -> f64;
    fn modf(x: f64, int_part: *mut f64) -> f64;
    fn nextafter(x: f64, y: f64) -> f64;
    fn remainder(x: f64, y: f64) -> f64;
}

/// `libm` functions of one float, wrapped as safe `fn(f64) -> f64`s (CPython
/// calls the same C functions, so results agree to the last bit; Rust's
/// own `f64::cbrt` does not).
macro_rules! libm1 {
    ($($wrapper:ident => $c:ident),* $(,)?) => {
        $(
            fn $wrapper(x: f64) -> f64 {
                // SAFETY: a pure function of its argument.
                unsafe { $c(x) }
            }
        )*
    };
}

libm1! {
    libm_exp2 => exp2,
    libm_expm1 => expm1,
    libm_log1p => log1p,
    libm_acosh => acosh,
    libm_asinh => asinh,
    libm_atanh => atanh,
    libm_erf => erf,
    libm_erfc => erfc,
}

/// The C library's `cbrt`, found at run time: the Rust toolchain links its
/// own `cbrt` into the binary (from compiler-builtins), which rounds
/// differently from glibc's and so from CPython's (`cbrt(27.0)`).
fn libm_cbrt(x: f64) -> f64 {
    type F = unsafe extern "C" fn(f64) -> f64;
    static CBRT: std::sync::OnceLock<Option<F>> = std::sync::OnceLock::new();
    unsafe extern "C" {
        fn dlopen(file: *const std::ffi::c_char, mode: i32) -> *mut std::ffi::c_void;
        fn dlsym(
            handle: *mut std::ffi::c_void,
            name: *const std::ffi::c_char,
        ) -> *mut std::ffi::c_void;
    }
    const RTLD_NOW: i32 = 2;
    let f = CBRT.get_or_init(|| {
        // SAFETY: NUL-terminated names; a non-null result of dlsym for
        // `cbrt` is the C function `double cbrt(double)`.
        unsafe {
            let h = dlopen(c"libm.so.6".as_ptr(), RTLD_NOW);
            if h.is_null() {
                return None;
            }
            let p = dlsym(h, c"cbrt".as_ptr());
            (!p.is_null()).then(|| std::mem::transmute::<*mut std::ffi::c_void, F>(p))
        }
    });
    match f {
        // SAFETY: a pure function of its argument.
        Some(f) => unsafe { f(x) },
        None => x.cbrt(),
    }
}

fn libm_nextafter(x: f64, y: f64) -> f64 {
    // SAFETY: a pure function of its arguments.
    unsafe { nextafter(x, y) }
}

fn libm_remainder(x: f64, y: f64) -> f64 {
    // SAFETY: a pure function of its arguments.
    unsafe { remainder(x, y) }
}

/// Fills in module `math`, rooted at stack slot `ms`.
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
    let fns: &[(&'static str, NativeFn<H>)] = &[
        ("sqrt", math_sqrt::<H>),
        ("sin", |vm, a| math1(vm, a, "sin", f64::sin, false)),
        ("cos", |vm, a| math1(vm, a, "cos", f64::cos, false)),
        ("tan", |vm, a| math1(vm, a, "tan", f64::tan, false)),
        ("asin", |vm, a| math1(vm, a, "asin", f64::asin, false)),
        ("acos", |vm, a| math1(vm, a, "acos", f64::acos, false)),
        ("atan", |vm, a| math1(vm, a, "atan", f64::atan, false)),
        ("sinh", |vm, a| math1(vm, a, "sinh", f64::sinh, true)),
        ("cosh", |vm, a| math1(vm, a, "cosh", f64::cosh, true)),
        ("tanh", |vm, a| math1(vm, a, "tanh", f64::tanh, false)),
        ("exp", |vm, a| math1(vm, a, "exp", f64::exp, true)),
        ("log10", |vm, a| math1(vm, a, "log10", f64::log10, false)),
        ("log2", |vm, a| math1(vm, a, "log2", f64::log2, false)),
        ("fabs", |vm, a| math1(vm, a, "fabs", f64::abs, false)),
        ("degrees", |vm, a| {
            math1(vm, a, "degrees", f64::to_degrees, false)
        }),
        ("radians", |vm, a| {
            math1(vm, a, "radians", f64::to_radians, false)
        }),
        ("atan2", |vm, a| math2(vm, a, "atan2", f64::atan2)),
        ("hypot", math_hypot::<H>),
        ("dist", math_dist::<H>),
        ("gamma", |vm, a| math_errno(vm, a, "gamma", m_tgamma)),
        ("lgamma", |vm, a| math_errno(vm, a, "lgamma", m_lgamma)),
        ("pow", |vm, a| math2(vm, a, "pow", f64::powf)),
        ("copysign", |vm, a| math2(vm, a, "copysign", f64::copysign)),
        ("fmod", |vm, a| math2(vm, a, "fmod", |x, y| x % y)),
        ("log", math_log::<H>),
        ("floor", math_floor::<H>),
        ("ceil", math_ceil::<H>),
        ("trunc", math_trunc::<H>),
        ("isnan", |vm, a| mathp(vm, a, "isnan", f64::is_nan)),
        ("isinf", |vm, a| mathp(vm, a, "isinf", f64::is_infinite)),
        ("isfinite", |vm, a| mathp(vm, a, "isfinite", f64::is_finite)),
        ("gcd", math_gcd::<H>),
        ("acosh", |vm, a| math1(vm, a, "acosh", libm_acosh, false)),
        ("asinh", |vm, a| math1(vm, a, "asinh", libm_asinh, false)),
        ("atanh", |vm, a| math1(vm, a, "atanh", libm_atanh, false)),
        ("cbrt", |vm, a| math1(vm, a, "cbrt", libm_cbrt, false)),
        ("exp2", |vm, a| math1(vm, a, "exp2", libm_exp2, true)),
        ("expm1", |vm, a| math1(vm, a, "expm1", libm_expm1, true)),
        ("log1p", |vm, a| math1(vm, a, "log1p", libm_log1p, false)),
        ("erf", |vm, a| math1(vm, a, "erf", libm_erf, false)),
        ("erfc", |vm, a| math1(vm, a, "erfc", libm_erfc, false)),
        ("remainder", |vm, a| {
            math2(vm, a, "remainder", libm_remainder)
        }),
        ("nextafter", |vm, a| {
            math2(vm, a, "nextafter", libm_nextafter)
        }),
        ("ulp", math_ulp::<H>),
        ("frexp", math_frexp::<H>),
        ("ldexp", math_ldexp::<H>),
        ("modf", math_modf::<H>),
        ("fsum", math_fsum::<H>),
        ("isclose", math_isclose::<H>),
        ("prod", math_prod::<H>),
        ("comb", math_comb::<H>),
        ("perm", math_perm::<H>),
        ("lcm", math_lcm::<H>),
        ("factorial", math_factorial::<H>),
        ("isqrt", math_isqrt::<H>),
    ];
    for &(n, f) in fns {
        vm.module_fn(ms, n, f)?;
    }
    Ok(())
}

/// A float argument (ints, floats, `__float__`), as `PyFloat_AsDouble`.
pub(crate) fn f64_arg<H: Heap>(vm: &mut Vm<H>, v: Value) -> PyResult<f64> {
    match vm.as_f64(v)? {
        Some(f) => Ok(f),
        None => {
            if let Some(r) = vm.call_dunder(v, "__float__", &[])?
                && let Some(f) = vm.as_f64(r)?
            {
                return Ok(f);
            }
            let msg = format!("must be real number, not {}", vm.type_name(v));
            Err(vm.type_error(&msg))
        }
    }
}

/// The result `r` of a one-argument function at `x`, as CPython's
/// `math_1` checks it: NaN from a non-NaN is a domain error; an infinity
/// from a finite `x` is an overflow if the function `can_overflow` (exp),
/// else a domain error (a pole: `log1p(-1)`, `atanh(1)`).
fn math_result<H: Heap>(vm: &mut Vm<H>, x: f64, r: f64, can_overflow: bool) -> PyResult {
    if r.is_nan() && !x.is_nan() {
        return Err(vm.value_error("math domain error"));
    }
    if r.is_infinite() && x.is_finite() {
        return Err(if can_overflow {
            vm.overflow_error("math range error")
        } else {
            vm.value_error("math domain error")
        });
    }
    vm.new_float(r)
}

fn math1<H: Heap>(
    vm: &mut Vm<H>,
    a: Args,
    name: &str,
    f: fn(f64) -> f64,
    can_overflow: bool,
) -> PyResult {
    vm.check_args(a, name, 1, 1)?;
    let x = f64_arg(vm, vm.arg(a, 0))?;
    math_result(vm, x, f(x), can_overflow)
}

fn math2<H: Heap>(vm: &mut Vm<H>, a: Args, name: &str, f: fn(f64, f64) -> f64) -> PyResult {
    vm.check_args(a, name, 2, 2)?;
    let x = f64_arg(vm, vm.arg(a, 0))?;
    let y = f64_arg(vm, vm.arg(a, 1))?;
    let r = f(x, y);
    if r.is_nan() && !x.is_nan() && !y.is_nan() {
        return Err(vm.value_error("math domain error"));
    }
    vm.new_float(r)
}

fn mathp<H: Heap>(vm: &mut Vm<H>, a: Args, name: &str, f: fn(f64) -> bool) -> PyResult {
    vm.check_args(a, name, 1, 1)?;
    let x = f64_arg(vm, vm.arg(a, 0))?;
    Ok(Value::bool(f(x)))
}

fn math_sqrt<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "sqrt", 1, 1)?;
    let x = f64_arg(vm, vm.arg(a, 0))?;
    if x < 0.0 {
        return Err(vm.value_error("math domain error"));
    }
    vm.new_float(x.sqrt())
}

fn math_log<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "log", 1, 2)?;
    let v = vm.arg(a, 0);
    let ln = |vm: &mut Vm<H>, v: Value| -> PyResult<f64> {
        if num::is_int(v) && !v.is_int() {
            // Big ints: log of the value scaled down by bits.
            let b = num::to_bigint(v);
            if b <= num_bigint::BigInt::from(0) {
                return Err(vm.value_error("math domain error"));
            }
            let bits = b.bits() as i64;
            let shift = (bits - 60).max(0);
            let top: f64 = num_traits::ToPrimitive::to_f64(&(b >> shift as usize)).unwrap_or(1.0);
            return Ok(top.ln() + shift as f64 * std::f64::consts::LN_2);
        }
        let x = f64_arg(vm, v)?;
        if x <= 0.0 {
            return Err(vm.value_error("math domain error"));
        }
        Ok(x.ln())
    };
    let l = ln(vm, v)?;
    if a.n == 2 {
        let b = ln(vm, vm.arg(a, 1))?;
        if b == 0.0 {
            return Err(vm.zero_division("float division by zero"));
        }
        return vm.new_float(l / b);
    }
    vm.new_float(l)
}

fn to_int_via<H: Heap>(
    vm: &mut Vm<H>,
    a: Args,
    name: &str,
    f: fn(f64) -> f64,
    dunder: &str,
) -> PyResult {
    vm.check_args(a, name, 1, 1)?;
    let v = vm.arg(a, 0);
    if num::is_int(v) {
        return Ok(if v.is_bool() {
            Value::int((v == Value::TRUE) as i64)
        } else {
            v
        });
    }
    if !(v.is_obj() && object::kind(v.as_obj()) == Kind::Float)
        && let Some(r) = vm.call_dunder(v, dunder, &[])?
    {
        return Ok(r);
    }
    let x = f64_arg(vm, v)?;
    if x.is_nan() {
        return Err(vm.value_error("cannot convert float NaN to integer"));
    }
    if x.is_infinite() {
        return Err(vm.overflow_error("cannot convert float infinity to integer"));
    }
    let r = f(x);
    match Value::try_int(r as i64).filter(|_| r.abs() < 4.0e18) {
        Some(v) => Ok(v),
        None => {
            let b: num_bigint::BigInt = num_traits::FromPrimitive::from_f64(r).unwrap_or_default();
            vm.new_int(b)
        }
    }
}

fn math_floor<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    to_int_via(vm, a, "floor", f64::floor, "__floor__")
}

fn math_ceil<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    to_int_via(vm, a, "ceil", f64::ceil, "__ceil__")
}

fn math_trunc<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    to_int_via(vm, a, "trunc", f64::trunc, "__trunc__")
}

fn int_args<H: Heap>(vm: &mut Vm<H>, a: Args, name: &str) -> PyResult<Vec<num_bigint::BigInt>> {
    let mut out = Vec::new();
    for i in 0..a.n {
        let v = vm.arg(a, i);
        if !num::is_int(v) {
            return Err(vm.not_an_integer(v));
        }
        out.push(num::to_bigint(v));
    }
    let _ = name;
    Ok(out)
}

fn math_gcd<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let xs = int_args(vm, a, "gcd")?;
    let g = xs.iter().fold(num_bigint::BigInt::from(0), |acc, x| {
        num_integer::Integer::gcd(&acc, x)
    });
    vm.new_int(g)
}

fn math_factorial<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "factorial", 1, 1)?;
    let xs = int_args(vm, a, "factorial")?;
    let n = num_traits::ToPrimitive::to_i64(&xs[0]).unwrap_or(-1);
    if n < 0 {
        return Err(vm.value_error("factorial() not defined for negative values"));
    }
    let mut r = num_bigint::BigInt::from(1);
    for i in 2..=n {
        r *= i;
    }
    vm.new_int(r)
}

fn math_isqrt<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "isqrt", 1, 1)?;
    let xs = int_args(vm, a, "isqrt")?;
    if xs[0] < num_bigint::BigInt::from(0) {
        return Err(vm.value_error("isqrt() argument must be nonnegative"));
    }
    vm.new_int(xs[0].sqrt())
}

/// `ulp(x)`: the gap between `|x|` and the next float away from zero (the
/// largest float's gap is the one below it).
fn math_ulp<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "ulp", 1, 1)?;
    let x = f64_arg(vm, vm.arg(a, 0))?.abs();
    if !x.is_finite() {
        return vm.new_float(x);
    }
    let up = libm_nextafter(x, f64::INFINITY);
    let r = if up.is_infinite() {
        x - libm_nextafter(x, f64::NEG_INFINITY)
    } else {
        up - x
    };
    vm.new_float(r)
}

/// `frexp(x)`: `(m, e)` with `x == m * 2**e` and `0.5 <= |m| < 1`.
fn math_frexp<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "frexp", 1, 1)?;
    let x = f64_arg(vm, vm.arg(a, 0))?;
    let (m, e) = if x == 0.0 || !x.is_finite() {
        (x, 0)
    } else {
        let mut e = 0i32;
        // SAFETY: `e` is a valid out-parameter.
        (unsafe { frexp(x, &mut e) }, e)
    };
    let mf = vm.new_float(m)?;
    vm.new_tuple(&[mf, Value::int(e as i64)])
}

/// `ldexp(x, i)`: `x * 2**i`, exactly (OverflowError if it is too big).
fn math_ldexp<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "ldexp", 2, 2)?;
    let x = f64_arg(vm, vm.arg(a, 0))?;
    let iv = vm.arg(a, 1);
    if !num::is_int(iv) {
        return Err(vm.type_error("Expected an int as second argument to ldexp."));
    }
    let i = num::to_bigint(iv);
    if x == 0.0 || !x.is_finite() {
        return vm.new_float(x);
    }
    let r = match i.to_i32() {
        Some(i) => {
            // SAFETY: a pure function of its arguments.
            unsafe { ldexp(x, i) }
        }
        None if i.is_negative() => 0.0f64.copysign(x),
        None => f64::INFINITY.copysign(x),
    };
    if r.is_infinite() {
        return Err(vm.overflow_error("math range error"));
    }
    vm.new_float(r)
}

/// `modf(x)`: `(fractional part, integer part)`, both with `x`'s sign.
fn math_modf<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "modf", 1, 1)?;
    let x = f64_arg(vm, vm.arg(a, 0))?;
    let (frac, int) = if x.is_infinite() {
        (0.0f64.copysign(x), x)
    } else {
        let mut int = 0.0f64;
        // SAFETY: `int` is a valid out-parameter.
        (unsafe { modf(x, &mut int) }, int)
    };
    let f = vm.new_float(frac)?;
    let fs = vm.push(f);
    let i = vm.new_float(int)?;
    let t = vm.new_tuple(&[vm.st(fs), i]);
    vm.truncate(fs);
    t
}

/// `fsum(iterable)`: the correctly rounded sum (Shewchuk's non-overlapping
/// partials, then CPython's half-even correction across partials).
fn math_fsum<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "fsum", 1, 1)?;
    let it = vm.get_iter(vm.arg(a, 0))?;
    let its = vm.push(it);
    let mut partials: Vec<f64> = Vec::new();
    let (mut special_sum, mut inf_sum) = (0.0f64, 0.0f64);
    loop {
        let item = match vm.iter_next(its) {
            Ok(Some(v)) => v,
            Ok(None) => break,
            Err(e) => {
                vm.truncate(its);
                return Err(e);
            }
        };
        let x = match f64_arg(vm, item) {
            Ok(x) => x,
            Err(e) => {
                vm.truncate(its);
                return Err(e);
            }
        };
        let original = x;
        let mut x = x;
        let mut kept = 0;
        for k in 0..partials.len() {
            let mut y = partials[k];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let lo = y - (hi - x);
            if lo != 0.0 {
                partials[kept] = lo;
                kept += 1;
            }
            x = hi;
        }
        partials.truncate(kept);
        if x == 0.0 {
            continue;
        }
        if x.is_finite() {
            partials.push(x);
            continue;
        }
        // A non-finite sum: an overflow of finite items, or an inf/nan item.
        if original.is_finite() {
            vm.truncate(its);
            return Err(vm.overflow_error("intermediate overflow in fsum"));
        }
        if original.is_infinite() {
            inf_sum += original;
        }
        special_sum += original;
        partials.clear();
    }
    vm.truncate(its);
    if special_sum != 0.0 {
        if inf_sum.is_nan() {
            return Err(vm.value_error("-inf + inf in fsum"));
        }
        return vm.new_float(special_sum);
    }
    vm.new_float(round_partials(&partials))
}

/// The sum of non-overlapping `partials` (increasing magnitude), rounded
/// half-even as a whole.
fn round_partials(partials: &[f64]) -> f64 {
    let Some((&top, rest)) = partials.split_last() else {
        return 0.0;
    };
    let mut hi = top;
    let mut lo = 0.0;
    let mut n = rest.len();
    // Add from the top while the sum stays exact.
    while n > 0 {
        let x = hi;
        n -= 1;
        let y = rest[n];
        hi = x + y;
        lo = y - (hi - x);
        if lo != 0.0 {
            break;
        }
    }
    // A tie broken by `lo` alone may be decided by the next partial down.
    if n > 0 && ((lo < 0.0 && rest[n - 1] < 0.0) || (lo > 0.0 && rest[n - 1] > 0.0)) {
        let y = lo * 2.0;
        let x = hi + y;
        if y == x - hi {
            hi = x;
        }
    }
    hi
}

/// The arguments of `isclose(a, b, *, rel_tol=1e-09, abs_tol=0.0)`, for
/// math's and cmath's: checks them and returns the tolerances; the
/// operands are then read with [`isclose_operand`].
pub(crate) fn isclose_tolerances<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult<(f64, f64)> {
    vm.check_kwargs(a, "isclose", &["a", "b", "rel_tol", "abs_tol"])?;
    vm.check_count(a, "isclose", 0, 2)?;
    for (i, name) in ["a", "b"].into_iter().enumerate() {
        if isclose_operand(vm, a, i).is_none() {
            let msg = format!(
                "isclose() missing required argument '{name}' (pos {})",
                i + 1
            );
            return Err(vm.type_error(&msg));
        }
    }
    let rel = match vm.kwarg(a, "rel_tol") {
        Some(v) => f64_arg(vm, v)?,
        None => 1e-9,
    };
    let abs = match vm.kwarg(a, "abs_tol") {
        Some(v) => f64_arg(vm, v)?,
        None => 0.0,
    };
    if rel < 0.0 || abs < 0.0 {
        return Err(vm.value_error("tolerances must be non-negative"));
    }
    Ok((rel, abs))
}

/// Operand `i` (0: `a`, 1: `b`) of `isclose`, by position or keyword.
pub(crate) fn isclose_operand<H: Heap>(vm: &Vm<H>, a: Args, i: usize) -> Option<Value> {
    if i < a.n {
        Some(vm.arg(a, i))
    } else {
        vm.kwarg(a, ["a", "b"][i])
    }
}

/// `isclose(a, b, *, rel_tol=1e-09, abs_tol=0.0)`.
fn math_isclose<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let (rel, abs) = isclose_tolerances(vm, a)?;
    let x = f64_arg(vm, isclose_operand(vm, a, 0).unwrap_or(Value::NONE))?;
    let y = f64_arg(vm, isclose_operand(vm, a, 1).unwrap_or(Value::NONE))?;
    if x == y {
        return Ok(Value::TRUE);
    }
    if x.is_infinite() || y.is_infinite() {
        return Ok(Value::FALSE);
    }
    let diff = (y - x).abs();
    Ok(Value::bool(
        diff <= (rel * y).abs() || diff <= (rel * x).abs() || diff <= abs,
    ))
}

/// `prod(iterable, *, start=1)`: the product by `*`, left to right.
fn math_prod<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "prod", &["start"])?;
    vm.check_count(a, "prod", 1, 1)?;
    let start = vm.kwarg(a, "start").unwrap_or(Value::int(1));
    let acc = vm.push(start);
    let r = product_into(vm, a, acc);
    let total = vm.st(acc);
    vm.truncate(acc);
    r.map(|()| total)
}

/// Multiplies every item of the iterable argument into slot `acc`.
fn product_into<H: Heap>(vm: &mut Vm<H>, a: Args, acc: usize) -> PyResult<()> {
    let it = vm.get_iter(vm.arg(a, 0))?;
    let its = vm.push(it);
    while let Some(item) = vm.iter_next(its)? {
        let p = vm.binary_op(BinOp::Mul, vm.st(acc), item, false)?;
        vm.set_st(acc, p);
    }
    Ok(())
}

/// A non-negative int argument of `comb`/`perm` (`what` names it).
fn count_arg<H: Heap>(vm: &mut Vm<H>, v: Value, what: &str) -> PyResult<BigInt> {
    let n = if num::is_int(v) {
        num::to_bigint(v)
    } else {
        match vm.call_dunder(v, "__index__", &[])? {
            Some(r) if num::is_int(r) => num::to_bigint(r),
            _ => {
                return Err(vm.not_an_integer(v));
            }
        }
    };
    if n.is_negative() {
        let msg = format!("{what} must be a non-negative integer");
        return Err(vm.value_error(&msg));
    }
    Ok(n)
}

/// `n * (n-1) * ... * (n-k+1)`.
fn falling_product(n: &BigInt, k: u64) -> BigInt {
    let mut r = BigInt::from(1);
    let mut f = n.clone();
    for _ in 0..k {
        r *= &f;
        f -= 1;
    }
    r
}

/// `comb(n, k)`: the binomial coefficient (0 when `k > n`).
fn math_comb<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "comb", 2, 2)?;
    let n = count_arg(vm, vm.arg(a, 0), "n")?;
    let k = count_arg(vm, vm.arg(a, 1), "k")?;
    if k > n {
        return Ok(Value::int(0));
    }
    let k = k.clone().min(&n - &k);
    let Some(k) = k.to_u64() else {
        return Err(vm.overflow_error(&format!("min(n - k, k) must not exceed {}", i64::MAX)));
    };
    // Each prefix of the product divides exactly: C(n, i) * (n - i) / (i + 1).
    let mut r = BigInt::from(1);
    for i in 0..k {
        r = r * (&n - i) / (i + 1);
    }
    vm.new_int(r)
}

/// `perm(n, k=None)`: ordered arrangements of `k` of `n` items.
fn math_perm<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "perm", 1, 2)?;
    let n = count_arg(vm, vm.arg(a, 0), "n")?;
    let k = if a.n == 2 && !vm.arg(a, 1).is_none() {
        count_arg(vm, vm.arg(a, 1), "k")?
    } else {
        n.clone()
    };
    if k > n {
        return Ok(Value::int(0));
    }
    let Some(k) = k.to_u64() else {
        return Err(vm.overflow_error(&format!("k must not exceed {}", i64::MAX)));
    };
    vm.new_int(falling_product(&n, k))
}

/// `lcm(*integers)`: the least common multiple (0 if any is 0; 1 for none).
fn math_lcm<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let xs = int_args(vm, a, "lcm")?;
    let mut r = BigInt::from(1);
    for x in &xs {
        if x.is_zero() {
            return Ok(Value::int(0));
        }
        r = num_integer::Integer::lcm(&r, x);
    }
    vm.new_int(r.abs())
}

// ------------------------------------------------------------ gamma, lgamma

/// What a function reports besides its value, as C's `errno` does.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Errno {
    Ok,
    /// EDOM: a domain error.
    Domain,
    /// ERANGE: the result overflowed (or underflowed).
    Range,
}

/// A one-argument function reporting errors as CPython's `math_1a` does:
/// EDOM is "math domain error"; ERANGE is "math range error" unless the
/// result is below 1.5 in magnitude (an underflow, ignored).
fn math_errno<H: Heap>(
    vm: &mut Vm<H>,
    a: Args,
    name: &str,
    f: fn(f64) -> (f64, Errno),
) -> PyResult {
    vm.check_args(a, name, 1, 1)?;
    let x = f64_arg(vm, vm.arg(a, 0))?;
    let (r, errno) = f(x);
    match errno {
        Errno::Domain => Err(vm.value_error("math domain error")),
        Errno::Range if r.abs() >= 1.5 => Err(vm.overflow_error("math range error")),
        _ => vm.new_float(r),
    }
}

const PI: f64 = std::f64::consts::PI;
/// log(pi).
const LOG_PI: f64 = 1.144_729_885_849_400_2;

/// The Lanczos approximation's `g` = 6.024680040776729583740234375 and
/// `g - 1/2`, both exactly representable (written as their shortest reprs).
const LANCZOS_G: f64 = 6.02468004077673;
const LANCZOS_G_MINUS_HALF: f64 = 5.52468004077673;

/// Numerator coefficients of the Lanczos sum (CPython's, from Boost).
#[allow(clippy::excessive_precision)]
const LANCZOS_NUM: [f64; 13] = [
    23531376880.410759688572007674451636754734846804940,
    42919803642.649098768957899047001988850926355848959,
    35711959237.355668049440185451547166705960488635843,
    17921034426.037209699919755754458931112671403265390,
    6039542586.3520280050642916443072979210699388420708,
    1439720407.3117216736632230727949123939715485786772,
    248874557.86205415651146038641322942321632125127801,
    31426415.585400194380614231628318205362874684987640,
    2876370.6289353724412254090516208496135991145378768,
    186056.26539522349504029498971604569928220784236328,
    8071.6720023658162106380029022722506138218516325024,
    210.82427775157934587250973392071336271166969580291,
    2.5066282746310002701649081771338373386264310793408,
];

/// Denominator coefficients: those of x*(x+1)*...*(x+11).
const LANCZOS_DEN: [f64; 13] = [
    0.0,
    39916800.0,
    120543840.0,
    150917976.0,
    105258076.0,
    45995730.0,
    13339535.0,
    2637558.0,
    357423.0,
    32670.0,
    1925.0,
    66.0,
    1.0,
];

/// Exact gamma values of 1 to 23 (gamma(n) = (n-1)!).
const GAMMA_INTEGRAL: [f64; 23] = [
    1.0,
    1.0,
    2.0,
    6.0,
    24.0,
    120.0,
    720.0,
    5040.0,
    40320.0,
    362880.0,
    3628800.0,
    39916800.0,
    479001600.0,
    6227020800.0,
    87178291200.0,
    1307674368000.0,
    20922789888000.0,
    355687428096000.0,
    6402373705728000.0,
    121645100408832000.0,
    2432902008176640000.0,
    51090942171709440000.0,
    1124000727777607680000.0,
];

/// The Lanczos sum L_g(x) for x > 0: a rational function, evaluated in
/// 1/x above 5 (which avoids overflow and is more accurate there).
fn lanczos_sum(x: f64) -> f64 {
    let (mut num, mut den) = (0.0, 0.0);
    if x < 5.0 {
        for i in (0..13).rev() {
            num = num * x + LANCZOS_NUM[i];
            den = den * x + LANCZOS_DEN[i];
        }
    } else {
        for i in 0..13 {
            num = num / x + LANCZOS_NUM[i];
            den = den / x + LANCZOS_DEN[i];
        }
    }
    num / den
}

/// sin(pi * x) for finite x, exact at the integers and half-integers.
fn sin_pi(x: f64) -> f64 {
    let y = x.abs() % 2.0;
    let r = match (2.0 * y).round() as i32 {
        0 => (PI * y).sin(),
        1 => (PI * (y - 0.5)).cos(),
        // Not -sin(pi*(y-1)), which is -0.0 at y == 1.
        2 => (PI * (1.0 - y)).sin(),
        3 => -(PI * (y - 1.5)).cos(),
        _ => (PI * (y - 2.0)).sin(),
    };
    1.0f64.copysign(x) * r
}

/// CPython's `m_tgamma`: gamma(x) by the Lanczos approximation, with the
/// reflection formula for negative x.
fn m_tgamma(x: f64) -> (f64, Errno) {
    if !x.is_finite() {
        return if x.is_nan() || x > 0.0 {
            (x, Errno::Ok)
        } else {
            (f64::NAN, Errno::Domain)
        };
    }
    if x == 0.0 {
        return (f64::INFINITY.copysign(x), Errno::Domain);
    }
    if x == x.floor() {
        if x < 0.0 {
            return (f64::NAN, Errno::Domain);
        }
        if x <= GAMMA_INTEGRAL.len() as f64 {
            return (GAMMA_INTEGRAL[x as usize - 1], Errno::Ok);
        }
    }
    let absx = x.abs();
    if absx < 1e-20 {
        let r = 1.0 / x;
        return (
            r,
            if r.is_infinite() {
                Errno::Range
            } else {
                Errno::Ok
            },
        );
    }
    if absx > 200.0 {
        return if x < 0.0 {
            (0.0 / sin_pi(x), Errno::Ok)
        } else {
            (f64::INFINITY, Errno::Range)
        };
    }
    let y = absx + LANCZOS_G_MINUS_HALF;
    // The rounding error of y, recovered exactly.
    let z = if absx > LANCZOS_G_MINUS_HALF {
        let q = y - absx;
        q - LANCZOS_G_MINUS_HALF
    } else {
        let q = y - LANCZOS_G_MINUS_HALF;
        q - absx
    };
    let z = z * LANCZOS_G / y;
    let mut r;
    if x < 0.0 {
        r = -PI / sin_pi(absx) / absx * y.exp() / lanczos_sum(absx);
        r -= z * r;
        if absx < 140.0 {
            r /= y.powf(absx - 0.5);
        } else {
            let sqrtpow = y.powf(absx / 2.0 - 0.25);
            r /= sqrtpow;
            r /= sqrtpow;
        }
    } else {
        r = lanczos_sum(absx) / y.exp();
        r += z * r;
        if absx < 140.0 {
            r *= y.powf(absx - 0.5);
        } else {
            let sqrtpow = y.powf(absx / 2.0 - 0.25);
            r *= sqrtpow;
            r *= sqrtpow;
        }
    }
    (
        r,
        if r.is_infinite() {
            Errno::Range
        } else {
            Errno::Ok
        },
    )
}

/// CPython's `m_lgamma`: log|gamma(x)| by the Lanczos approximation, with
/// the reflection formula for negative x.
fn m_lgamma(x: f64) -> (f64, Errno) {
    if !x.is_finite() {
        return (if x.is_nan() { x } else { f64::INFINITY }, Errno::Ok);
    }
    if x == x.floor() && x <= 2.0 {
        return if x <= 0.0 {
            (f64::INFINITY, Errno::Domain)
        } else {
            (0.0, Errno::Ok)
        };
    }
    let absx = x.abs();
    if absx < 1e-20 {
        return (-absx.ln(), Errno::Ok);
    }
    let mut r = lanczos_sum(absx).ln() - LANCZOS_G;
    r += (absx - 0.5) * ((absx + LANCZOS_G - 0.5).ln() - 1.0);
    if x < 0.0 {
        r = LOG_PI - sin_pi(absx).abs().ln() - absx.ln() - r;
    }
    (
        r,
        if r.is_infinite() {
            Errno::Range
        } else {
            Errno::Ok
        },
    )
}

// ------------------------------------------------------------ hypot, dist

/// CPython's `vector_norm`: the Euclidean norm of the non-negative `vec`
/// whose largest element is `max`. The elements are scaled by a power of
/// two (losslessly) so that the largest is in [0.5, 1), squared exactly by
/// Veltkamp splitting, summed with compensation, and the square root gets
/// one differential correction; so the result is almost always correctly
/// rounded.
fn vector_norm(vec: &[f64], max: f64, found_nan: bool) -> f64 {
    /// 2**27 + 1: splits a double into two 26-bit halves.
    const T27: f64 = 134217729.0;
    if max.is_infinite() {
        return max;
    }
    if found_nan {
        return f64::NAN;
    }
    if max == 0.0 || vec.len() <= 1 {
        return max;
    }
    let mut max_e = 0i32;
    // SAFETY: `max_e` is a valid out-parameter.
    unsafe { frexp(max, &mut max_e) };
    let (mut csum, mut frac1, mut frac2, mut frac3) = (1.0f64, 0.0f64, 0.0f64, 0.0f64);
    // Adds `x` to `csum`, keeping the rounding error in `frac`.
    let add = |csum: &mut f64, frac: &mut f64, x: f64| {
        let old = *csum;
        *csum += x;
        *frac += (old - *csum) + x;
    };
    let split = |x: f64| {
        let t = x * T27;
        let hi = t - (t - x);
        (hi, x - hi)
    };
    if max_e >= -1023 {
        // SAFETY: a pure function of its arguments.
        let scale = unsafe { ldexp(1.0, -max_e) };
        for &v in vec {
            let x = v * scale;
            let (hi, lo) = split(x);
            add(&mut csum, &mut frac1, hi * hi);
            add(&mut csum, &mut frac2, 2.0 * hi * lo);
            frac3 += lo * lo;
        }
        let h = (csum - 1.0 + (frac1 + frac2 + frac3)).sqrt();
        let (hi, lo) = split(h);
        add(&mut csum, &mut frac1, -hi * hi);
        add(&mut csum, &mut frac2, -2.0 * hi * lo);
        add(&mut csum, &mut frac3, -lo * lo);
        let x = csum - 1.0 + (frac1 + frac2 + frac3);
        return (h + x / (2.0 * h)) / scale;
    }
    // 2**-max_e would overflow: divide by `max` instead of scaling.
    for &v in vec {
        let x = v / max;
        add(&mut csum, &mut frac1, x * x);
    }
    max * (csum - 1.0 + frac1).sqrt()
}

/// Refuses keyword arguments, in the words of CPython's fastcall parser.
fn no_keywords<H: Heap>(vm: &mut Vm<H>, a: Args, name: &str) -> PyResult<()> {
    if vm.nkw(a) > 0 {
        let msg = format!("math.{name}() takes no keyword arguments");
        return Err(vm.type_error(&msg));
    }
    Ok(())
}

/// `hypot(*coordinates)`: the Euclidean norm.
fn math_hypot<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    no_keywords(vm, a, "hypot")?;
    let mut vec = Vec::with_capacity(a.n);
    let (mut max, mut found_nan) = (0.0f64, false);
    for i in 0..a.n {
        let x = f64_arg(vm, vm.arg(a, i))?.abs();
        found_nan |= x.is_nan();
        if x > max {
            max = x;
        }
        vec.push(x);
    }
    vm.new_float(vector_norm(&vec, max, found_nan))
}

/// Pushes the items of iterable `v` on the VM stack; returns their count.
fn push_items<H: Heap>(vm: &mut Vm<H>, v: Value) -> PyResult<usize> {
    let it = vm.get_iter(v)?;
    let its = vm.push(it);
    let mut n = 0;
    while let Some(item) = vm.iter_next(its)? {
        vm.push(item);
        n += 1;
    }
    // Drop the iterator slot, keeping the items.
    for i in 0..n {
        let item = vm.st(its + 1 + i);
        vm.set_st(its + i, item);
    }
    vm.truncate(its + n);
    Ok(n)
}

/// `dist(p, q, /)`: the Euclidean distance between two points.
fn math_dist<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    no_keywords(vm, a, "dist")?;
    if a.n != 2 {
        let msg = format!("dist expected 2 arguments, got {}", a.n);
        return Err(vm.type_error(&msg));
    }
    let mark = vm.rt.sp;
    let r = dist_of(vm, a, mark);
    vm.truncate(mark);
    r
}

/// `dist` with the points' items pushed from stack slot `mark` on.
fn dist_of<H: Heap>(vm: &mut Vm<H>, a: Args, mark: usize) -> PyResult {
    let m = push_items(vm, vm.arg(a, 0))?;
    let n = push_items(vm, vm.arg(a, 1))?;
    if m != n {
        return Err(vm.value_error("both points must have the same number of dimensions"));
    }
    let mut vec = Vec::with_capacity(n);
    let (mut max, mut found_nan) = (0.0f64, false);
    for i in 0..n {
        let px = f64_arg(vm, vm.st(mark + i))?;
        let qx = f64_arg(vm, vm.st(mark + n + i))?;
        let x = (px - qx).abs();
        found_nan |= x.is_nan();
        if x > max {
            max = x;
        }
        vec.push(x);
    }
    vm.new_float(vector_norm(&vec, max, found_nan))
}
