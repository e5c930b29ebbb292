//! CPython's numeric hashing (`sys.hash_info`: modulus 2**61 - 1) and the
//! 3.11 xxHash-based tuple hash, for 64-bit builds.
//!
//! `hash(float('nan'))` in CPython 3.11 is derived from the object's
//! identity; this module returns 0 for NaN (what CPython < 3.10 did), so a
//! VM wanting identity semantics must special-case NaN itself.

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, ToPrimitive};

/// The prime modulus used by numeric hashes, `2**61 - 1`.
pub const HASH_MODULUS: u64 = (1 << 61) - 1;
/// `hash(float('inf'))`; `-inf` hashes to its negation.
pub const HASH_INF: i64 = 314159;
const HASH_BITS: u32 = 61;

fn finish(reduced: u64, negative: bool) -> i64 {
    let h = if negative {
        -(reduced as i64)
    } else {
        reduced as i64
    };
    if h == -1 { -2 } else { h }
}

/// `hash(n)` for a machine-sized int.
pub fn hash_i64(v: i64) -> i64 {
    finish(v.unsigned_abs() % HASH_MODULUS, v < 0)
}

/// `hash(n)` for an arbitrary int: sign(n) * (|n| mod 2**61-1), with -1 -> -2.
pub fn hash_int(n: &BigInt) -> i64 {
    if let Some(v) = n.to_i64() {
        return hash_i64(v);
    }
    let r = n
        .magnitude()
        .mod_floor(&HASH_MODULUS.into())
        .to_u64()
        .expect("reduced");
    finish(r, n.is_negative())
}

/// `hash(x)` for a float: equal to the hash of the equal int or fraction;
/// `inf` -> 314159, `-inf` -> -314159, NaN -> 0 (see module docs).
pub fn hash_float(x: f64) -> i64 {
    if x.is_nan() {
        return 0;
    }
    if x.is_infinite() {
        return if x > 0.0 { HASH_INF } else { -HASH_INF };
    }
    if x == 0.0 {
        return 0;
    }
    let bits = x.to_bits();
    let exp_bits = ((bits >> 52) & 0x7ff) as i64;
    let frac = bits & ((1u64 << 52) - 1);
    // |x| = mant * 2**exp exactly.
    let (mant, exp) = if exp_bits == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), exp_bits - 1075)
    };
    // 2**61 == 1 (mod 2**61-1), so 2**exp == 2**(exp mod 61).
    let shift = exp.rem_euclid(HASH_BITS as i64) as u32;
    let reduced = ((mant as u128) << shift) % HASH_MODULUS as u128;
    finish(reduced as u64, x < 0.0)
}

const XXPRIME_1: u64 = 11400714785074694791;
const XXPRIME_2: u64 = 14029467366897019727;
const XXPRIME_5: u64 = 2870177450012600261;

/// `hash(t)` for a tuple whose items hash to `items` (CPython 3.11,
/// xxHash-derived; items must not be -1, which signals an error in CPython).
pub fn hash_tuple(items: &[i64]) -> i64 {
    let mut acc = XXPRIME_5;
    for &h in items {
        acc = acc.wrapping_add((h as u64).wrapping_mul(XXPRIME_2));
        acc = acc.rotate_left(31);
        acc = acc.wrapping_mul(XXPRIME_1);
    }
    acc = acc.wrapping_add((items.len() as u64) ^ (XXPRIME_5 ^ 3527539));
    if acc == u64::MAX {
        return 1546275796;
    }
    acc as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes() {
        assert_eq!(hash_i64(-1), -2);
        assert_eq!(hash_float(-1.0), -2);
        assert_eq!(hash_int(&BigInt::from(HASH_MODULUS)), 0);
        assert_eq!(hash_int(&-(BigInt::from(1) << 61u32)), -2);
        assert_eq!(hash_float(1e300), 1224995262755759164);
        assert_eq!(hash_float(0.1), 230584300921369408);
        assert_eq!(hash_float(f64::INFINITY), 314159);
        assert_eq!(hash_float(f64::NAN), 0);
        assert_eq!(hash_tuple(&[]), 5740354900026072187);
        assert_eq!(hash_tuple(&[1, 2]), -3550055125485641917);
        let big = BigInt::from(1) << 70u32;
        assert_eq!(hash_int(&big), hash_float(2f64.powi(70)));
    }
}
