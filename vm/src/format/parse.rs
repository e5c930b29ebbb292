//! `int(text, base)` and `float(text)` string parsing.
//!
//! Like CPython, non-ASCII Unicode whitespace and decimal digits (category
//! Nd, Unicode 14.0 as in Python 3.11) are first mapped to ASCII. Not
//! covered: the 4300-digit `int` conversion limit of CPython 3.11.7+
//! (`sys.set_int_max_str_digits`) is left to the caller.

use std::borrow::Cow;

use num_bigint::BigInt;
use num_traits::Zero;

/// Code points of the digit zero of every run of ten Unicode decimal digits
/// (general category Nd) in Unicode 14.0, sorted.
const DECIMAL_ZEROS: [u32; 66] = [
    0x30, 0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66,
    0xde6, 0xe50, 0xed0, 0xf20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90,
    0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0, 0xff10,
    0x104a0, 0x10d30, 0x11066, 0x110f0, 0x11136, 0x111d0, 0x112f0, 0x11450, 0x114d0, 0x11650,
    0x116c0, 0x11730, 0x118e0, 0x11950, 0x11c50, 0x11d50, 0x11da0, 0x16a60, 0x16ac0, 0x16b50,
    0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6, 0x1e140, 0x1e2f0, 0x1e950, 0x1fbf0,
];

/// Decimal value of a Unicode decimal digit (category Nd).
pub(crate) fn unicode_decimal(c: char) -> Option<u32> {
    let cp = c as u32;
    let i = DECIMAL_ZEROS.partition_point(|&z| z <= cp);
    let zero = DECIMAL_ZEROS[i.checked_sub(1)?];
    (cp - zero < 10).then_some(cp - zero)
}

/// CPython's `_PyUnicode_TransformDecimalAndSpaceToASCII`: non-ASCII
/// whitespace becomes a space, non-ASCII decimal digits become ASCII
/// digits; any other non-ASCII character makes the text invalid (`None`).
/// What `int()`, `float()` and `complex()` accept.
pub(crate) fn to_ascii_numeric(s: &str) -> Option<Cow<'_, str>> {
    if s.is_ascii() {
        return Some(Cow::Borrowed(s));
    }
    s.chars()
        .map(|c| {
            if c.is_ascii() {
                Some(c)
            } else if c.is_whitespace() {
                Some(' ')
            } else {
                unicode_decimal(c).and_then(|d| char::from_digit(d, 10))
            }
        })
        .collect::<Option<String>>()
        .map(Cow::Owned)
}

/// ASCII whitespace as C's `isspace` (used after the transform above).
fn strip_space(s: &str) -> &str {
    s.trim_matches(|c| matches!(c, '\t'..='\r' | ' '))
}

/// `int(s, base)`: `base` is 0 (infer from prefix, reject leading zeros) or
/// 2..=36 (any other base gives `Err`; CPython raises a different error
/// for it, which the caller should check first). Accepts surrounding
/// whitespace, a sign, a `0x`/`0o`/`0b` prefix matching the base (plus one
/// optional underscore after it) and single underscores between digits.
#[allow(clippy::result_unit_err)] // the VM builds the message itself
pub fn parse_int(s: &str, base: u32) -> Result<BigInt, ()> {
    if base == 1 || base > 36 {
        return Err(());
    }
    let s = to_ascii_numeric(s).ok_or(())?;
    let s = strip_space(&s).as_bytes();
    let (negative, mut s) = match s.first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let prefix_base = |c: u8| match c.to_ascii_lowercase() {
        b'x' => 16,
        b'o' => 8,
        b'b' => 2,
        _ => 0,
    };
    let mut base = base;
    let mut must_be_zero = false;
    if base == 0 {
        base = match s {
            [b'0', c, ..] if prefix_base(*c) != 0 => prefix_base(*c),
            [b'0', ..] => {
                must_be_zero = true;
                10
            }
            _ => 10,
        };
    }
    if let [b'0', c, ..] = s
        && prefix_base(*c) == base
    {
        s = &s[2..];
        if s.first() == Some(&b'_') {
            s = &s[1..];
        }
    }
    let digit = |c: u8| (c as char).to_digit(36).filter(|&d| d < base);
    let mut clean = Vec::with_capacity(s.len());
    let mut prev_underscore = true; // forbids a leading underscore
    for &c in s {
        if c == b'_' {
            if prev_underscore {
                return Err(());
            }
            prev_underscore = true;
        } else {
            digit(c).ok_or(())?;
            clean.push(c);
            prev_underscore = false;
        }
    }
    if clean.is_empty() || prev_underscore {
        return Err(());
    }
    let value = BigInt::parse_bytes(&clean, base).ok_or(())?;
    if must_be_zero && !value.is_zero() {
        return Err(());
    }
    Ok(if negative { -value } else { value })
}

/// Validate a decimal float literal without underscores:
/// `[sign] (digits [. digits*] | . digits) [e|E [sign] digits]`.
fn is_decimal_literal(s: &[u8]) -> bool {
    let mut i = 0;
    if matches!(s.first(), Some(b'+' | b'-')) {
        i = 1;
    }
    let int_digits = s[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    i += int_digits;
    let mut frac_digits = 0;
    if s.get(i) == Some(&b'.') {
        i += 1;
        frac_digits = s[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        i += frac_digits;
    }
    if int_digits + frac_digits == 0 {
        return false;
    }
    if matches!(s.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(s.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp_digits = s[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if exp_digits == 0 {
            return false;
        }
        i += exp_digits;
    }
    i == s.len()
}

/// `float(s)`: surrounding whitespace, sign, underscores between digits,
/// `inf`/`infinity`/`nan` in any case, exponents. Overflow gives ±inf,
/// underflow ±0. Hex floats are not accepted (nor are they by `float()`).
#[allow(clippy::result_unit_err)] // the VM builds the message itself
pub fn parse_float(s: &str) -> Result<f64, ()> {
    let ascii = to_ascii_numeric(s).ok_or(())?;
    let s = strip_space(&ascii);
    let owned;
    let s = if s.contains('_') {
        let mut out = String::with_capacity(s.len());
        let mut prev = '\0';
        for c in s.chars() {
            if c == '_' {
                if !prev.is_ascii_digit() {
                    return Err(());
                }
            } else {
                if prev == '_' && !c.is_ascii_digit() {
                    return Err(());
                }
                out.push(c);
            }
            prev = c;
        }
        if prev == '_' {
            return Err(());
        }
        owned = out;
        owned.as_str()
    } else {
        s
    };
    let (negative, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let special = if body.eq_ignore_ascii_case("inf") || body.eq_ignore_ascii_case("infinity") {
        Some(f64::INFINITY)
    } else if body.eq_ignore_ascii_case("nan") {
        Some(f64::NAN)
    } else {
        None
    };
    if let Some(v) = special {
        return Ok(if negative { -v } else { v });
    }
    if !is_decimal_literal(s.as_bytes()) {
        return Err(());
    }
    s.parse::<f64>().map_err(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pi(s: &str, base: u32) -> Option<i64> {
        parse_int(s, base).ok().map(|v| i64::try_from(v).unwrap())
    }

    #[test]
    fn ints() {
        assert_eq!(pi(" -12 ", 10), Some(-12));
        assert_eq!(pi("1_000", 10), Some(1000));
        assert_eq!(pi("0x_1f", 0), Some(31));
        assert_eq!(pi("0X1F", 16), Some(31));
        assert_eq!(pi("0b1", 16), Some(0xb1));
        assert_eq!(pi("010", 0), None);
        assert_eq!(pi("00", 0), Some(0));
        assert_eq!(pi("0_0", 0), Some(0));
        assert_eq!(pi("1__0", 10), None);
        assert_eq!(pi("_1", 10), None);
        assert_eq!(pi("1_", 10), None);
        assert_eq!(pi("0x", 16), None);
        assert_eq!(pi("- 1", 10), None);
        assert_eq!(pi("z", 36), Some(35));
        assert_eq!(pi("", 10), None);
        assert_eq!(pi("12", 1), None);
        assert_eq!(pi("\u{661}\u{662}", 16), Some(0x12));
        assert_eq!(pi("\u{1d7ce}7", 10), Some(7));
    }

    #[test]
    fn floats() {
        assert_eq!(parse_float(" 1_000.5 "), Ok(1000.5));
        assert_eq!(parse_float("-InFinity"), Ok(f64::NEG_INFINITY));
        assert!(parse_float("nan").unwrap().is_nan());
        assert!(parse_float("-nan").unwrap().is_sign_negative());
        assert_eq!(parse_float(".5"), Ok(0.5));
        assert_eq!(parse_float("5."), Ok(5.0));
        assert_eq!(parse_float("1e500"), Ok(f64::INFINITY));
        assert_eq!(parse_float("1e5_0"), Ok(1e50));
        assert_eq!(parse_float("1_e5"), Err(()));
        assert_eq!(parse_float("1e"), Err(()));
        assert_eq!(parse_float("."), Err(()));
        assert_eq!(parse_float("infinit"), Err(()));
        assert_eq!(parse_float("0x1p3"), Err(()));
        assert_eq!(parse_float(""), Err(()));
        assert_eq!(parse_float("\u{661}.\u{665}e\u{661}"), Ok(15.0));
        assert_eq!(parse_float("\u{2003}5\u{a0}"), Ok(5.0));
        assert_eq!(parse_float("\x1c5"), Err(()));
    }
}
