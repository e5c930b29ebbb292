//! Elementary functions of a complex variable for `cmath`, following
//! CPython 3.11's `Modules/cmathmodule.c` for finite arguments: Kahan's
//! branch cuts (continuous with the quadrant they border, the sign of a
//! zero imaginary part choosing the side), rescaling near overflow and
//! underflow, and `log1p` near the unit circle.
//!
//! Non-finite arguments go through the same formulas: CPython instead
//! reads C99 Annex G special-value tables, so results (and whether an
//! error is raised) can differ for infinite or NaN components.

use super::arith::{ArithError, C64};

mod libm {
    unsafe extern "C" {
        pub fn asinh(x: f64) -> f64;
        pub fn log1p(x: f64) -> f64;
    }
}

/// The C library's `asinh` (Rust's own rounds differently from CPython's).
fn libm_asinh(x: f64) -> f64 {
    // SAFETY: a pure function of its argument.
    unsafe { libm::asinh(x) }
}

/// The C library's `log1p`.
fn libm_log1p(x: f64) -> f64 {
    // SAFETY: a pure function of its argument.
    unsafe { libm::log1p(x) }
}

/// `DBL_MAX / 4`: above it, intermediate sums may overflow.
const LARGE_DOUBLE: f64 = f64::MAX / 4.0;
/// `log(DBL_MAX / 4)`: above it, `exp`/`cosh` of the argument overflow.
const LOG_LARGE_DOUBLE: f64 = 708.3964185322641;
/// `2 * (DBL_MANT_DIG / 2) + 1`: scaling for subnormal square roots.
const SCALE_UP: i32 = 53;
const SCALE_DOWN: i32 = -27;
const LN2: f64 = std::f64::consts::LN_2;

fn is_finite(z: C64) -> bool {
    z.0.is_finite() && z.1.is_finite()
}

/// `x * 2**e`, exact.
fn ldexp(x: f64, e: i32) -> f64 {
    x * 2f64.powi(e)
}

/// Rotates by -i: `(x + iy) -> (y - ix)`; with [`times_i`] it turns the
/// circular functions into the hyperbolic ones.
fn times_minus_i(z: C64) -> C64 {
    (z.1, -z.0)
}

fn times_i(z: C64) -> C64 {
    (-z.1, z.0)
}

/// A finite argument's result that overflowed is a range error.
fn check_overflow(z: C64, r: C64) -> Result<C64, ArithError> {
    if is_finite(z) && !is_finite(r) {
        Err(ArithError::Range)
    } else {
        Ok(r)
    }
}

/// `cmath.sqrt`.
pub(crate) fn sqrt(z: C64) -> C64 {
    if z.0 == 0.0 && z.1 == 0.0 {
        return (0.0, z.1);
    }
    let (ax, ay) = (z.0.abs(), z.1.abs());
    let s = if ax < f64::MIN_POSITIVE && ay < f64::MIN_POSITIVE {
        let ax = ldexp(ax, SCALE_UP);
        ldexp((ax + ax.hypot(ldexp(ay, SCALE_UP))).sqrt(), SCALE_DOWN)
    } else {
        let ax = ax / 8.0;
        2.0 * (ax + ax.hypot(ay / 8.0)).sqrt()
    };
    let d = ay / (2.0 * s);
    if z.0 >= 0.0 {
        (s, d.copysign(z.1))
    } else {
        (d, s.copysign(z.1))
    }
}

/// `cmath.exp`.
pub(crate) fn exp(z: C64) -> Result<C64, ArithError> {
    let r = if z.0 > LOG_LARGE_DOUBLE {
        let l = (z.0 - 1.0).exp();
        (
            l * z.1.cos() * std::f64::consts::E,
            l * z.1.sin() * std::f64::consts::E,
        )
    } else {
        let l = z.0.exp();
        (l * z.1.cos(), l * z.1.sin())
    };
    check_overflow(z, r)
}

/// `cmath.log` (natural): `log(0)` is a domain error.
pub(crate) fn log(z: C64) -> Result<C64, ArithError> {
    let (ax, ay) = (z.0.abs(), z.1.abs());
    let re = if ax > LARGE_DOUBLE || ay > LARGE_DOUBLE {
        (ax / 2.0).hypot(ay / 2.0).ln() + LN2
    } else if ax < f64::MIN_POSITIVE && ay < f64::MIN_POSITIVE {
        if ax > 0.0 || ay > 0.0 {
            let m = f64::MANTISSA_DIGITS as i32;
            ldexp(ax, m).hypot(ldexp(ay, m)).ln() - m as f64 * LN2
        } else {
            return Err(ArithError::Domain);
        }
    } else {
        let h = ax.hypot(ay);
        if (0.71..=1.73).contains(&h) {
            let (am, an) = if ax > ay { (ax, ay) } else { (ay, ax) };
            libm_log1p((am - 1.0) * (am + 1.0) + an * an) / 2.0
        } else {
            h.ln()
        }
    };
    Ok((re, z.1.atan2(z.0)))
}

/// `cmath.log10`.
pub(crate) fn log10(z: C64) -> Result<C64, ArithError> {
    let r = log(z)?;
    let ln10 = std::f64::consts::LN_10;
    Ok((r.0 / ln10, r.1 / ln10))
}

/// `log(|z| / 2) + 2 log 2 = log(2|z|)` without overflow.
fn log_twice_abs(z: C64) -> f64 {
    (z.0 / 2.0).hypot(z.1 / 2.0).ln() + LN2 * 2.0
}

/// `cmath.asinh`.
pub(crate) fn asinh(z: C64) -> C64 {
    if z.0.abs() > LARGE_DOUBLE || z.1.abs() > LARGE_DOUBLE {
        let re = if z.1 >= 0.0 {
            log_twice_abs(z).copysign(z.0)
        } else {
            -log_twice_abs(z).copysign(-z.0)
        };
        return (re, z.1.atan2(z.0.abs()));
    }
    let s1 = sqrt((1.0 + z.1, -z.0));
    let s2 = sqrt((1.0 - z.1, z.0));
    (
        libm_asinh(s1.0 * s2.1 - s2.0 * s1.1),
        z.1.atan2(s1.0 * s2.0 - s1.1 * s2.1),
    )
}

/// `cmath.asin(z) = -i asinh(iz)`.
pub(crate) fn asin(z: C64) -> C64 {
    times_minus_i(asinh(times_i(z)))
}

/// `cmath.acos`.
pub(crate) fn acos(z: C64) -> C64 {
    if z.0.abs() > LARGE_DOUBLE || z.1.abs() > LARGE_DOUBLE {
        let im = if z.0 < 0.0 {
            -log_twice_abs(z).copysign(z.1)
        } else {
            log_twice_abs(z).copysign(-z.1)
        };
        return (z.1.abs().atan2(z.0), im);
    }
    let s1 = sqrt((1.0 - z.0, -z.1));
    let s2 = sqrt((1.0 + z.0, z.1));
    (
        2.0 * s1.0.atan2(s2.0),
        libm_asinh(s2.0 * s1.1 - s2.1 * s1.0),
    )
}

/// `cmath.acosh`.
pub(crate) fn acosh(z: C64) -> C64 {
    if z.0.abs() > LARGE_DOUBLE || z.1.abs() > LARGE_DOUBLE {
        return (log_twice_abs(z), z.1.atan2(z.0));
    }
    let s1 = sqrt((z.0 - 1.0, z.1));
    let s2 = sqrt((z.0 + 1.0, z.1));
    (
        libm_asinh(s1.0 * s2.0 + s1.1 * s2.1),
        2.0 * s1.1.atan2(s2.0),
    )
}

/// `cmath.atanh`: `atanh(±1)` is a domain error.
pub(crate) fn atanh(z: C64) -> Result<C64, ArithError> {
    if z.0 < 0.0 {
        let r = atanh((-z.0, -z.1))?;
        return Ok((-r.0, -r.1));
    }
    let ay = z.1.abs();
    let sqrt_large = LARGE_DOUBLE.sqrt();
    if z.0 > sqrt_large || ay > sqrt_large {
        let h = (z.0 / 2.0).hypot(z.1 / 2.0);
        return Ok((
            z.0 / 4.0 / h / h,
            -(std::f64::consts::FRAC_PI_2).copysign(-z.1),
        ));
    }
    if z.0 == 1.0 && ay < f64::MIN_POSITIVE.sqrt() {
        if ay == 0.0 {
            return Err(ArithError::Domain);
        }
        return Ok((
            -(ay.sqrt() / ay.hypot(2.0).sqrt()).ln(),
            (2f64.atan2(-ay) / 2.0).copysign(z.1),
        ));
    }
    Ok((
        libm_log1p(4.0 * z.0 / ((1.0 - z.0) * (1.0 - z.0) + ay * ay)) / 4.0,
        -(-2.0 * z.1).atan2((1.0 - z.0) * (1.0 + z.0) - ay * ay) / 2.0,
    ))
}

/// `cmath.atan(z) = -i atanh(iz)`.
pub(crate) fn atan(z: C64) -> Result<C64, ArithError> {
    atanh(times_i(z)).map(times_minus_i)
}

/// `cmath.cosh`.
pub(crate) fn cosh(z: C64) -> Result<C64, ArithError> {
    let r = if z.0.abs() > LOG_LARGE_DOUBLE {
        let x = z.0 - 1f64.copysign(z.0);
        let e = std::f64::consts::E;
        (z.1.cos() * x.cosh() * e, z.1.sin() * x.sinh() * e)
    } else {
        (z.1.cos() * z.0.cosh(), z.1.sin() * z.0.sinh())
    };
    check_overflow(z, r)
}

/// `cmath.sinh`.
pub(crate) fn sinh(z: C64) -> Result<C64, ArithError> {
    let r = if z.0.abs() > LOG_LARGE_DOUBLE {
        let x = z.0 - 1f64.copysign(z.0);
        let e = std::f64::consts::E;
        (z.1.cos() * x.sinh() * e, z.1.sin() * x.cosh() * e)
    } else {
        (z.1.cos() * z.0.sinh(), z.1.sin() * z.0.cosh())
    };
    check_overflow(z, r)
}

/// `cmath.tanh`.
pub(crate) fn tanh(z: C64) -> C64 {
    if z.0.abs() > LOG_LARGE_DOUBLE {
        return (
            1f64.copysign(z.0),
            4.0 * z.1.sin() * z.1.cos() * (-2.0 * z.0.abs()).exp(),
        );
    }
    let tx = z.0.tanh();
    let ty = z.1.tan();
    let cx = 1.0 / z.0.cosh();
    let txty = tx * ty;
    let denom = 1.0 + txty * txty;
    (tx * (1.0 + ty * ty) / denom, ((ty / denom) * cx) * cx)
}

/// `cmath.cos(z) = cosh(iz)`.
pub(crate) fn cos(z: C64) -> Result<C64, ArithError> {
    cosh(times_i(z))
}

/// `cmath.sin(z) = -i sinh(iz)`.
pub(crate) fn sin(z: C64) -> Result<C64, ArithError> {
    sinh(times_i(z)).map(times_minus_i)
}

/// `cmath.tan(z) = -i tanh(iz)`.
pub(crate) fn tan(z: C64) -> C64 {
    times_minus_i(tanh(times_i(z)))
}

/// `cmath.rect(r, phi)`: an infinite angle is a domain error.
pub(crate) fn rect(r: f64, phi: f64) -> Result<C64, ArithError> {
    if phi.is_infinite() && r != 0.0 && !r.is_nan() {
        return Err(ArithError::Domain);
    }
    if r.is_infinite() && phi.is_finite() && phi != 0.0 {
        return Ok((
            f64::INFINITY.copysign(phi.cos()) * r.signum(),
            f64::INFINITY.copysign(phi.sin()) * r.signum(),
        ));
    }
    if phi == 0.0 {
        return Ok((r, r * phi));
    }
    Ok((r * phi.cos(), r * phi.sin()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branch_cuts_follow_the_sign_of_zero() {
        assert_eq!(sqrt((-4.0, 0.0)), (0.0, 2.0));
        assert_eq!(sqrt((-4.0, -0.0)), (0.0, -2.0));
        assert_eq!(log((0.0, 0.0)), Err(ArithError::Domain));
        assert_eq!(atanh((1.0, 0.0)), Err(ArithError::Domain));
    }
}
