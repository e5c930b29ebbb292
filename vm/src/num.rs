//! Integer and float arithmetic with Python semantics: small ints inline,
//! overflow into arbitrary precision (num-bigint), floor division and modulo
//! rounding toward negative infinity, true division to float.

use crate::bytecode::BinOp;
use crate::object::{self, Kind};
use crate::value::Value;
use crate::vm::{PyResult, Vm};
use gc_api::Heap;
use num_bigint::{BigInt, Sign};
use num_integer::Integer;
use num_traits::{Signed, ToPrimitive, Zero};

/// The magnitude digits and sign of a big-int object.
pub fn bigint_of(o: gc_api::ObjectRef) -> BigInt {
    let sign = match object::word(o, 1) as isize {
        -1 => Sign::Minus,
        0 => Sign::NoSign,
        _ => Sign::Plus,
    };
    BigInt::from_bytes_le(sign, object::bytes_of(o))
}

/// The integer value of an int or bool `v` (caller checked it is one).
pub fn to_bigint(v: Value) -> BigInt {
    if v.is_int() {
        BigInt::from(v.as_int())
    } else if v == Value::TRUE {
        BigInt::from(1)
    } else if v == Value::FALSE {
        BigInt::from(0)
    } else {
        bigint_of(v.as_obj())
    }
}

/// Is `v` an int (small or big) or bool?
#[inline]
pub fn is_int(v: Value) -> bool {
    v.is_int() || v.is_bool() || (v.is_obj() && object::kind(v.as_obj()) == Kind::BigInt)
}

/// Floor division of small ints (b != 0).
#[inline]
pub fn floordiv_i64(a: i64, b: i64) -> i64 {
    let q = a / b;
    if (a % b != 0) && ((a < 0) != (b < 0)) {
        q - 1
    } else {
        q
    }
}

/// Python modulo of small ints (b != 0).
#[inline]
pub fn mod_i64(a: i64, b: i64) -> i64 {
    let r = a % b;
    if r != 0 && ((r < 0) != (b < 0)) {
        r + b
    } else {
        r
    }
}

/// Python float modulo.
pub fn float_mod(a: f64, b: f64) -> f64 {
    let m = a % b;
    if m != 0.0 {
        if (b < 0.0) != (m < 0.0) { m + b } else { m }
    } else {
        0.0f64.copysign(b)
    }
}

/// Python float floor division.
pub fn float_floordiv(a: f64, b: f64) -> f64 {
    let m = a % b;
    let mut div = (a - m) / b;
    if m != 0.0 && ((b < 0.0) != (m < 0.0)) {
        div -= 1.0;
    }
    if div != 0.0 {
        let f = div.floor();
        if div - f > 0.5 { f + 1.0 } else { f }
    } else {
        0.0f64.copysign(a / b)
    }
}

impl<H: Heap> Vm<H> {
    /// An int value from a big integer (small when it fits).
    pub fn new_int(&mut self, i: BigInt) -> PyResult {
        if let Some(v) = i.to_i64().and_then(Value::try_int) {
            return Ok(v);
        }
        let (sign, bytes) = i.to_bytes_le();
        let v = self.new_bytes_kind(Kind::BigInt, &bytes)?;
        let s: isize = match sign {
            Sign::Minus => -1,
            Sign::NoSign => 0,
            Sign::Plus => 1,
        };
        object::set_word(v.as_obj(), 1, s as usize);
        Ok(v)
    }

    /// An int value from an i64.
    #[inline]
    pub fn int_from_i64(&mut self, i: i64) -> PyResult {
        match Value::try_int(i) {
            Some(v) => Ok(v),
            None => self.new_int(BigInt::from(i)),
        }
    }

    /// Arithmetic on two ints (bools count as ints). `None` means the
    /// operator does not apply (e.g. `@`).
    pub fn int_binop(&mut self, op: BinOp, a: Value, b: Value) -> PyResult<Option<Value>> {
        if let (Some(x), Some(y)) = (small(a), small(b)) {
            let r = match op {
                BinOp::Add => x.checked_add(y),
                BinOp::Sub => x.checked_sub(y),
                BinOp::Mul => x.checked_mul(y),
                BinOp::FloorDiv => {
                    if y == 0 {
                        return Err(self.zero_division("integer division or modulo by zero"));
                    }
                    x.checked_div(y).map(|_| floordiv_i64(x, y))
                }
                BinOp::Mod => {
                    if y == 0 {
                        return Err(self.zero_division("integer modulo by zero"));
                    }
                    x.checked_rem(y).map(|_| mod_i64(x, y))
                }
                BinOp::TrueDiv => {
                    if y == 0 {
                        return Err(self.zero_division("division by zero"));
                    }
                    if x.unsigned_abs() < (1 << 53) && y.unsigned_abs() < (1 << 53) {
                        return self.new_float(x as f64 / y as f64).map(Some);
                    }
                    None
                }
                BinOp::And => Some(x & y),
                BinOp::Or => Some(x | y),
                BinOp::Xor => Some(x ^ y),
                BinOp::LShift => {
                    if y < 0 {
                        return Err(self.value_error("negative shift count"));
                    }
                    if y < 62 && (x.unsigned_abs() >> (62 - y)) == 0 {
                        Some(x << y)
                    } else {
                        None
                    }
                }
                BinOp::RShift => {
                    if y < 0 {
                        return Err(self.value_error("negative shift count"));
                    }
                    Some(x >> y.min(63))
                }
                BinOp::Pow => {
                    if y < 0 {
                        return self.new_float((x as f64).powf(y as f64)).map(Some);
                    }
                    u32::try_from(y).ok().and_then(|e| x.checked_pow(e))
                }
                BinOp::MatMul => return Ok(None),
            };
            if let Some(r) = r.and_then(Value::try_int) {
                return Ok(Some(r));
            }
        }
        self.bigint_binop(op, a, b)
    }

    fn bigint_binop(&mut self, op: BinOp, a: Value, b: Value) -> PyResult<Option<Value>> {
        let x = to_bigint(a);
        let y = to_bigint(b);
        let r = match op {
            BinOp::Add => x + y,
            BinOp::Sub => x - y,
            BinOp::Mul => x * y,
            BinOp::FloorDiv | BinOp::Mod => {
                if y.is_zero() {
                    let msg = if op == BinOp::Mod {
                        "integer modulo by zero"
                    } else {
                        "integer division or modulo by zero"
                    };
                    return Err(self.zero_division(msg));
                }
                let (q, r) = x.div_mod_floor(&y);
                if op == BinOp::FloorDiv { q } else { r }
            }
            BinOp::TrueDiv => {
                if y.is_zero() {
                    return Err(self.zero_division("division by zero"));
                }
                return match int_true_div(&x, &y) {
                    Some(f) => self.new_float(f).map(Some),
                    None => {
                        Err(self.overflow_error("integer division result too large for a float"))
                    }
                };
            }
            BinOp::And => x & y,
            BinOp::Or => x | y,
            BinOp::Xor => x ^ y,
            BinOp::LShift => {
                let Some(s) = y.to_usize() else {
                    return Err(self.value_error("negative shift count"));
                };
                x << s
            }
            BinOp::RShift => {
                if y.is_negative() {
                    return Err(self.value_error("negative shift count"));
                }
                let s = y.to_usize().unwrap_or(usize::MAX >> 1);
                if s > x.bits() as usize + 1 {
                    if x.is_negative() {
                        BigInt::from(-1)
                    } else {
                        BigInt::zero()
                    }
                } else {
                    x >> s
                }
            }
            BinOp::Pow => {
                if y.is_negative() {
                    let (fx, fy) = (
                        x.to_f64().unwrap_or(f64::INFINITY),
                        y.to_f64().unwrap_or(f64::NEG_INFINITY),
                    );
                    if fx == 0.0 {
                        return Err(self.zero_division("0.0 cannot be raised to a negative power"));
                    }
                    return self.new_float(fx.powf(fy)).map(Some);
                }
                let Some(e) = y.to_u32() else {
                    return Err(self.overflow_error("exponent too large"));
                };
                num_traits::pow(x, e as usize)
            }
            BinOp::MatMul => return Ok(None),
        };
        self.new_int(r).map(Some)
    }

    /// Float arithmetic (operands already converted).
    pub fn float_binop(&mut self, op: BinOp, x: f64, y: f64) -> PyResult<Option<Value>> {
        let r = match op {
            BinOp::Add => x + y,
            BinOp::Sub => x - y,
            BinOp::Mul => x * y,
            BinOp::TrueDiv => {
                if y == 0.0 {
                    return Err(self.zero_division("float division by zero"));
                }
                x / y
            }
            BinOp::FloorDiv => {
                if y == 0.0 {
                    return Err(self.zero_division("float floor division by zero"));
                }
                float_floordiv(x, y)
            }
            BinOp::Mod => {
                if y == 0.0 {
                    return Err(self.zero_division("float modulo"));
                }
                float_mod(x, y)
            }
            BinOp::Pow => {
                if x == 0.0 && y < 0.0 {
                    return Err(self.zero_division("0.0 cannot be raised to a negative power"));
                }
                if x < 0.0 && y.fract() != 0.0 {
                    return crate::builtins::complex::negative_float_pow(self, x, y).map(Some);
                }
                let r = x.powf(y);
                if r.is_infinite() && x.is_finite() && y.is_finite() {
                    return Err(self.overflow_error("(34, 'Numerical result out of range')"));
                }
                r
            }
            _ => return Ok(None),
        };
        self.new_float(r).map(Some)
    }

    /// `v` as a float if it is a float, int or bool.
    pub fn as_f64(&mut self, v: Value) -> PyResult<Option<f64>> {
        if v.is_int() {
            return Ok(Some(v.as_int() as f64));
        }
        if v.is_bool() {
            return Ok(Some(if v == Value::TRUE { 1.0 } else { 0.0 }));
        }
        if v.is_obj() {
            let o = v.as_obj();
            match object::kind(o) {
                Kind::Float => return Ok(Some(object::float_of(o))),
                Kind::BigInt => {
                    return match bigint_of(o).to_f64() {
                        Some(f) if f.is_finite() => Ok(Some(f)),
                        _ => Err(self.overflow_error("int too large to convert to float")),
                    };
                }
                _ => {}
            }
        }
        Ok(None)
    }
}

#[inline]
fn small(v: Value) -> Option<i64> {
    if v.is_int() {
        Some(v.as_int())
    } else if v == Value::TRUE {
        Some(1)
    } else if v == Value::FALSE {
        Some(0)
    } else {
        None
    }
}

/// Correctly rounded int / int (None on overflow).
fn int_true_div(x: &BigInt, y: &BigInt) -> Option<f64> {
    if let (Some(a), Some(b)) = (x.to_f64(), y.to_f64())
        && a.abs() < 9.007_199_254_740_992e15
        && b.abs() < 9.007_199_254_740_992e15
    {
        return Some(a / b);
    }
    // Scale so the integer quotient has 55 or 56 significant bits, fold
    // a non-zero remainder into its lowest bit (sticky), and let the one
    // u64 -> f64 conversion round to nearest-even: correctly rounded, as
    // CPython's long division is (subnormal results may round twice).
    let neg = x.is_negative() != y.is_negative();
    let (a, b) = (x.abs(), y.abs());
    let shift = 55i64 - (a.bits() as i64 - b.bits() as i64);
    let (n, d) = if shift >= 0 {
        (a << (shift as usize), b)
    } else {
        (a, b << ((-shift) as usize))
    };
    let (q, r) = n.div_rem(&d);
    let q = q.to_u64()? | u64::from(!r.is_zero());
    // Multiply by 2^-shift in steps whose factors stay finite.
    let mut f = q as f64;
    let mut e = -shift;
    while e != 0 {
        let step = e.clamp(-1000, 1000);
        f *= 2f64.powi(step as i32);
        e -= step;
    }
    if f.is_infinite() {
        return None;
    }
    Some(if neg { -f } else { f })
}
