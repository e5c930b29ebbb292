//! `format(int, spec)`, `bin`/`oct`/`hex`, and exact int-to-float conversion.

use num_bigint::{BigInt, Sign};
use num_traits::{Signed, ToPrimitive};

use crate::format::FormatError;
use crate::format::format_float::format_float;
use crate::format::spec::{FormatSpec, NumberParts, check_grouping, layout_number, unknown_type};

/// `bin(n)`, `oct(n)`, `hex(n)` (radix 2, 8, 16, with `0b`/`0o`/`0x` prefix)
/// or plain decimal for radix 10. Other radixes get no prefix.
pub fn int_to_str_radix(n: &BigInt, radix: u32) -> String {
    let prefix = match radix {
        2 => "0b",
        8 => "0o",
        16 => "0x",
        _ => "",
    };
    let digits = n.magnitude().to_str_radix(radix);
    let sign = if n.is_negative() { "-" } else { "" };
    format!("{sign}{prefix}{digits}")
}

/// `float(n)`: correctly rounded (half-even) conversion, or CPython's
/// `OverflowError("int too large to convert to float")`.
pub fn int_to_f64(n: &BigInt) -> Result<f64, FormatError> {
    let mag = n.magnitude();
    let bits = mag.bits();
    let value = if bits <= 64 {
        mag.to_u64().expect("fits") as f64
    } else {
        let shift = bits - 64;
        let top = (mag >> shift).to_u64().expect("64 bits");
        let sticky = mag.trailing_zeros().is_some_and(|tz| tz < shift);
        // Keeping a sticky bit in the LSB makes the single rounding in
        // `as f64` correct (64 bits > 53 + 2).
        let top = top | sticky as u64;
        let mut v = top as f64;
        if shift > 1100 {
            v = f64::INFINITY;
        } else {
            let mut s = shift as i32;
            while s > 0 {
                let step = s.min(1000);
                v *= 2f64.powi(step);
                s -= step;
            }
        }
        v
    };
    if value.is_infinite() {
        return Err(FormatError::overflow("int too large to convert to float"));
    }
    Ok(if n.sign() == Sign::Minus {
        -value
    } else {
        value
    })
}

/// `format(n, spec)` for an `int`. `type_name` is the value's Python type
/// name for error messages (`"int"`, or `"bool"` etc. for subclasses).
/// Float presentation types convert the value to float first.
pub fn format_int(n: &BigInt, spec: &FormatSpec, type_name: &str) -> Result<String, FormatError> {
    let ty = spec.ty.unwrap_or('d');
    let group = check_grouping(spec, Some(ty))?;
    match ty {
        'b' | 'c' | 'd' | 'o' | 'x' | 'X' | 'n' => {}
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%' => {
            let x = int_to_f64(n)?;
            return format_float(x, spec, type_name);
        }
        other => return Err(unknown_type(other, type_name)),
    }
    if spec.precision.is_some() {
        return Err(FormatError::value(
            "Precision not allowed in integer format specifier",
        ));
    }
    if spec.no_neg_0 {
        return Err(FormatError::value(
            "Negative zero coercion (z) not allowed in integer format specifier",
        ));
    }
    let lay = spec.layout('>');
    if ty == 'c' {
        if spec.sign.is_some() {
            return Err(FormatError::value(
                "Sign not allowed with integer format specifier 'c'",
            ));
        }
        if spec.alternate {
            return Err(FormatError::value(
                "Alternate form (#) not allowed with integer format specifier 'c'",
            ));
        }
        let v = n
            .to_i64()
            .ok_or_else(|| FormatError::overflow("Python int too large to convert to C long"))?;
        let ch = u32::try_from(v)
            .ok()
            .filter(|&v| v <= 0x10ffff)
            .ok_or_else(|| FormatError::overflow("%c arg not in range(0x110000)"))?;
        // Lone surrogates cannot live in a Rust String; use U+FFFD for them.
        let ch = char::from_u32(ch).unwrap_or('\u{fffd}').to_string();
        let parts = NumberParts {
            negative: false,
            prefix: "",
            digits: "",
            has_decimal: false,
            remainder: &ch,
        };
        return Ok(layout_number(&parts, &lay, None, 3));
    }
    let (radix, prefix) = match ty {
        'b' => (2, "0b"),
        'o' => (8, "0o"),
        'x' => (16, "0x"),
        'X' => (16, "0X"),
        _ => (10, ""),
    };
    let mut digits = n.magnitude().to_str_radix(radix);
    if ty == 'X' {
        digits.make_ascii_uppercase();
    }
    let parts = NumberParts {
        negative: n.is_negative(),
        prefix: if spec.alternate { prefix } else { "" },
        digits: &digits,
        has_decimal: false,
        remainder: "",
    };
    // 'n' uses the C locale: no grouping at all.
    let sep = if ty == 'n' { None } else { spec.grouping };
    Ok(layout_number(&parts, &lay, sep, group))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::spec::parse_format_spec;

    fn fi(n: i64, spec: &str) -> String {
        let sp = parse_format_spec(spec, "int").unwrap();
        format_int(&BigInt::from(n), &sp, "int").unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn ints() {
        assert_eq!(fi(123456789, ","), "123,456,789");
        assert_eq!(fi(0xabcdef, "_x"), "ab_cdef");
        assert_eq!(fi(5, "#010b"), "0b00000101");
        assert_eq!(fi(-255, "#010x"), "-0x00000ff");
        assert_eq!(fi(255, "#X"), "0XFF");
        assert_eq!(fi(42, "^12"), "     42     ");
        assert_eq!(fi(1234, "08,"), "0,001,234");
        assert_eq!(fi(5, "<05"), "50000");
        assert_eq!(fi(5, "=+8"), "+      5");
        assert_eq!(fi(65, "05c"), "0000A");
        assert_eq!(fi(3, "e"), "3.000000e+00");
        assert_eq!(
            fi(1, ".2"),
            "ValueError: Precision not allowed in integer format specifier"
        );
        assert_eq!(fi(-1, "c"), "OverflowError: %c arg not in range(0x110000)");
        assert_eq!(
            fi(1, "s"),
            "ValueError: Unknown format code 's' for object of type 'int'"
        );
    }

    #[test]
    fn radix_and_float() {
        assert_eq!(int_to_str_radix(&BigInt::from(5), 2), "0b101");
        assert_eq!(int_to_str_radix(&BigInt::from(-31), 16), "-0x1f");
        assert_eq!(int_to_str_radix(&BigInt::from(0), 8), "0o0");
        let big = BigInt::from(1) << 1024u32;
        assert!(int_to_f64(&big).is_err());
        assert!(int_to_f64(&(big - 1)).is_err());
        let n = (BigInt::from(1) << 1024u32) - (BigInt::from(1) << 970u32) - 1;
        assert_eq!(int_to_f64(&n).unwrap(), f64::MAX);
        let n = (BigInt::from(1) << 60u32) + 1;
        assert_eq!(int_to_f64(&n).unwrap(), 2f64.powi(60));
    }
}
