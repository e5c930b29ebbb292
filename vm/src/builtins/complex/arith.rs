//! Complex arithmetic as CPython 3.11 does it (`Objects/complexobject.c`):
//! `c_quot`'s scaled division, `c_pow` through polar form, and the
//! repeated-squaring power for small integer exponents.

/// A complex number as (real, imag).
pub(crate) type C64 = (f64, f64);

/// Why a complex operation failed (CPython's `errno` after the C code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ArithError {
    /// `EDOM`: division by zero, or zero to a negative or complex power.
    Domain,
    /// `ERANGE`: the result overflowed.
    Range,
}

/// `a + b`.
pub(crate) fn add(a: C64, b: C64) -> C64 {
    (a.0 + b.0, a.1 + b.1)
}

/// `a - b`.
pub(crate) fn sub(a: C64, b: C64) -> C64 {
    (a.0 - b.0, a.1 - b.1)
}

/// `a * b` (the schoolbook product, as `_Py_c_prod`).
pub(crate) fn mul(a: C64, b: C64) -> C64 {
    (a.0 * b.0 - a.1 * b.1, a.0 * b.1 + a.1 * b.0)
}

/// `a / b` by Smith's method: scale by the larger component of `b` so the
/// intermediate products do not overflow (`_Py_c_quot`).
pub(crate) fn quot(a: C64, b: C64) -> Result<C64, ArithError> {
    let (abs_re, abs_im) = (b.0.abs(), b.1.abs());
    if abs_re >= abs_im {
        if abs_re == 0.0 {
            return Err(ArithError::Domain);
        }
        let ratio = b.1 / b.0;
        let denom = b.0 + b.1 * ratio;
        Ok(((a.0 + a.1 * ratio) / denom, (a.1 - a.0 * ratio) / denom))
    } else if abs_im >= abs_re {
        let ratio = b.0 / b.1;
        let denom = b.0 * ratio + b.1;
        Ok(((a.0 * ratio + a.1) / denom, (a.1 * ratio - a.0) / denom))
    } else {
        // A component of `b` is a NaN.
        Ok((f64::NAN, f64::NAN))
    }
}

/// `a ** b` through polar form (`_Py_c_pow`).
fn pow_general(a: C64, b: C64) -> Result<C64, ArithError> {
    if b.0 == 0.0 && b.1 == 0.0 {
        return Ok((1.0, 0.0));
    }
    if a.0 == 0.0 && a.1 == 0.0 {
        if b.1 != 0.0 || b.0 < 0.0 {
            return Err(ArithError::Domain);
        }
        return Ok((0.0, 0.0));
    }
    let vabs = a.0.hypot(a.1);
    let mut len = vabs.powf(b.0);
    let at = a.1.atan2(a.0);
    let mut phase = at * b.0;
    if b.1 != 0.0 {
        len /= (at * b.1).exp();
        phase += b.1 * vabs.ln();
    }
    Ok((len * phase.cos(), len * phase.sin()))
}

/// `x ** n` for `n >= 0` by repeated squaring (`c_powu`).
fn pow_unsigned(x: C64, n: i64) -> C64 {
    let mut r = (1.0, 0.0);
    let mut p = x;
    let mut mask = 1i64;
    while mask > 0 && n >= mask {
        if n & mask != 0 {
            r = mul(r, p);
        }
        mask <<= 1;
        p = mul(p, p);
    }
    r
}

/// `a ** b`, CPython's `complex_pow`: integral exponents of magnitude
/// below 100 multiply, others go through polar form; an infinite
/// component in the result is an overflow.
pub(crate) fn pow(a: C64, b: C64) -> Result<C64, ArithError> {
    let n = b.0 as i64;
    let r = if b.1 == 0.0 && b.0 == n as f64 && n > -100 && n < 100 {
        if n > 0 {
            pow_unsigned(a, n)
        } else {
            quot((1.0, 0.0), pow_unsigned(a, -n))?
        }
    } else {
        pow_general(a, b)?
    };
    if r.0.is_infinite() || r.1.is_infinite() {
        return Err(ArithError::Range);
    }
    Ok(r)
}

/// `abs(z)`: `hypot`, except that an infinite component gives `inf` even
/// beside a NaN; a finite input with an infinite result is an overflow.
pub(crate) fn abs(z: C64) -> Result<f64, ArithError> {
    if z.0.is_infinite() || z.1.is_infinite() {
        return Ok(f64::INFINITY);
    }
    if z.0.is_nan() || z.1.is_nan() {
        return Ok(f64::NAN);
    }
    let r = z.0.hypot(z.1);
    if r.is_finite() {
        Ok(r)
    } else {
        Err(ArithError::Range)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn division_scales_by_the_larger_component() {
        assert_eq!(quot((1.0, 2.0), (3.0, 4.0)), Ok((0.44, 0.08)));
        assert_eq!(quot((1.0, 0.0), (0.0, 0.0)), Err(ArithError::Domain));
        assert_eq!(quot((1e300, 1e300), (1e300, 1e300)), Ok((1.0, 0.0)));
    }

    #[test]
    fn integer_powers_multiply() {
        assert_eq!(pow((0.0, 1.0), (2.0, 0.0)), Ok((-1.0, 0.0)));
        assert_eq!(pow((2.0, 0.0), (-1.0, 0.0)), Ok((0.5, 0.0)));
        assert_eq!(pow((0.0, 0.0), (-1.0, 0.0)), Err(ArithError::Domain));
        assert_eq!(pow((1e200, 0.0), (2.0, 0.0)), Err(ArithError::Range));
    }
}
