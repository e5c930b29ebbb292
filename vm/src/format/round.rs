//! `round()` for floats and float floor division / modulo / divmod.

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Zero};

use crate::format::FormatError;

/// Split a finite, non-zero |x| into `mant * 2**exp` exactly.
fn decompose(x: f64) -> (u64, i64) {
    let bits = x.abs().to_bits();
    let exp_bits = ((bits >> 52) & 0x7ff) as i64;
    let frac = bits & ((1u64 << 52) - 1);
    if exp_bits == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), exp_bits - 1075)
    }
}

/// `round(x)` with no `ndigits`, before the conversion to int: nearest
/// integer, ties to even. The caller converts to int (raising
/// `OverflowError`/`ValueError` for inf/nan).
pub fn round_half_even(x: f64) -> f64 {
    x.round_ties_even()
}

/// `round(x, ndigits)`: the exact decimal value of `x` rounded half-even at
/// `ndigits` places (negative rounds to tens, hundreds...), converted back
/// to the nearest float. `OverflowError` if the result is too large.
pub fn round_float(x: f64, ndigits: i64) -> Result<f64, FormatError> {
    const NDIGITS_MAX: i64 = 323;
    const NDIGITS_MIN: i64 = -308;
    if !x.is_finite() || ndigits > NDIGITS_MAX {
        return Ok(x);
    }
    if ndigits < NDIGITS_MIN || x == 0.0 {
        return Ok(0.0f64.copysign(x));
    }
    let (mant, exp) = decompose(x);
    let mut num = BigInt::from(mant);
    let mut den = BigInt::one();
    let ten = BigInt::from(10);
    if ndigits >= 0 {
        num *= num_traits::pow(ten, ndigits as usize);
    } else {
        den *= num_traits::pow(ten, (-ndigits) as usize);
    }
    if exp >= 0 {
        num <<= exp as usize;
    } else {
        den <<= (-exp) as usize;
    }
    let (mut q, r) = num.div_rem(&den);
    let twice = r << 1usize;
    if twice > den || (twice == den && q.is_odd()) {
        q += 1;
    }
    let rounded: f64 = if q.is_zero() {
        0.0
    } else {
        format!("{}e{}", q, -ndigits)
            .parse()
            .expect("valid decimal")
    };
    if rounded.is_infinite() {
        return Err(FormatError::overflow(
            "rounded value too large to represent",
        ));
    }
    Ok(rounded.copysign(x))
}

/// Python's `divmod(a, b)` for floats: floor quotient and a remainder with
/// the sign of `b`. `ZeroDivisionError("float divmod()")` when `b == 0`.
pub fn float_divmod(a: f64, b: f64) -> Result<(f64, f64), FormatError> {
    if b == 0.0 {
        return Err(FormatError::zero_division("float divmod()"));
    }
    Ok(div_mod(a, b))
}

/// Python's `a // b` for floats (`ZeroDivisionError` when `b == 0`).
pub fn float_floordiv(a: f64, b: f64) -> Result<f64, FormatError> {
    if b == 0.0 {
        return Err(FormatError::zero_division("float floor division by zero"));
    }
    Ok(div_mod(a, b).0)
}

/// Python's `a % b` for floats: result has the sign of `b`
/// (`ZeroDivisionError("float modulo")` when `b == 0`).
pub fn float_mod(a: f64, b: f64) -> Result<f64, FormatError> {
    if b == 0.0 {
        return Err(FormatError::zero_division("float modulo"));
    }
    let mut m = a % b;
    if m != 0.0 {
        if (b < 0.0) != (m < 0.0) {
            m += b;
        }
    } else {
        m = 0.0f64.copysign(b);
    }
    Ok(m)
}

fn div_mod(a: f64, b: f64) -> (f64, f64) {
    let mut m = a % b;
    let mut div = (a - m) / b;
    if m != 0.0 {
        if (b < 0.0) != (m < 0.0) {
            m += b;
            div -= 1.0;
        }
    } else {
        m = 0.0f64.copysign(b);
    }
    let floordiv = if div != 0.0 {
        let mut f = div.floor();
        if div - f > 0.5 {
            f += 1.0;
        }
        f
    } else {
        0.0f64.copysign(a / b)
    };
    (floordiv, m)
}

/// `float.as_integer_ratio()`: lowest-terms `(numerator, denominator)` with
/// a positive denominator. Errors as CPython for inf (`OverflowError`) and
/// nan (`ValueError`).
pub fn float_as_integer_ratio(x: f64) -> Result<(BigInt, BigInt), FormatError> {
    if x.is_infinite() {
        return Err(FormatError::overflow(
            "cannot convert Infinity to integer ratio",
        ));
    }
    if x.is_nan() {
        return Err(FormatError::value("cannot convert NaN to integer ratio"));
    }
    if x == 0.0 {
        return Ok((BigInt::zero(), BigInt::one()));
    }
    let (mut mant, mut exp) = decompose(x);
    let tz = mant.trailing_zeros() as i64;
    mant >>= tz;
    exp += tz;
    let mut num = BigInt::from(mant);
    let mut den = BigInt::one();
    if exp >= 0 {
        num <<= exp as usize;
    } else {
        den <<= (-exp) as usize;
    }
    if x.is_sign_negative() {
        num = -num;
    }
    Ok((num, den))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding() {
        assert_eq!(round_float(2.675, 2).unwrap(), 2.67);
        assert_eq!(round_float(0.125, 2).unwrap(), 0.12);
        assert_eq!(round_float(0.375, 2).unwrap(), 0.38);
        assert_eq!(round_float(250.0, -2).unwrap(), 200.0);
        assert_eq!(round_float(350.0, -2).unwrap(), 400.0);
        let r = round_float(-0.4, 0).unwrap();
        assert!(r == 0.0 && r.is_sign_negative());
        assert_eq!(round_float(1e308, -308).unwrap(), 1e308);
        assert!(round_float(1.7976931348623157e308, -308).is_err());
        assert_eq!(round_half_even(0.5), 0.0);
        assert_eq!(round_half_even(1.5), 2.0);
        assert_eq!(round_half_even(2.5), 2.0);
    }

    #[test]
    fn divmods() {
        assert_eq!(float_divmod(7.0, -2.0).unwrap(), (-4.0, -1.0));
        assert_eq!(float_mod(-1.0, 3.0).unwrap(), 2.0);
        assert!(float_mod(0.0, -3.0).unwrap().is_sign_negative());
        assert_eq!(float_floordiv(-7.5, 2.0).unwrap(), -4.0);
        assert_eq!(
            float_floordiv(1.0, 0.0).unwrap_err().msg,
            "float floor division by zero"
        );
        let (n, d) = float_as_integer_ratio(-0.75).unwrap();
        assert_eq!((n, d), (BigInt::from(-3), BigInt::from(4)));
    }
}
