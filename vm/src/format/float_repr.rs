//! Float to decimal text: `repr(float)` and the shared digit-layout engine
//! (an equivalent of CPython's `PyOS_double_to_string`).

/// Decimal digits of a finite non-negative double, in the shape David Gay's
/// `dtoa` returns them: value = 0.DIGITS x 10^decpt, no leading zeros,
/// trailing zeros stripped. Zero is `"0"` with `decpt == 1`; a value that
/// rounds to nothing in fixed mode has empty digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Digits {
    pub digits: Vec<u8>,
    pub decpt: i64,
}

/// How many digits `dtoa` should produce.
#[derive(Debug, Clone, Copy)]
pub(crate) enum DigitMode {
    /// Shortest string that round-trips (dtoa mode 0).
    Shortest,
    /// This many significant digits, at least 1 (dtoa mode 2).
    Significant(usize),
    /// This many digits after the decimal point (dtoa mode 3).
    Fixed(usize),
}

/// Beyond these many digits a double's decimal expansion is exact, so asking
/// for more only appends zeros (which are stripped anyway).
const MAX_SIG_DIGITS: usize = 800;
const MAX_FRAC_DIGITS: usize = 1100;

/// Split Rust's `{:e}` output ("d.ddde-N") into digits and decimal exponent.
fn from_sci(s: &str) -> Digits {
    let (mant, exp) = s.split_once('e').expect("exponent form");
    let exp: i64 = exp.parse().expect("exponent");
    let digits: Vec<u8> = mant.bytes().filter(|b| b.is_ascii_digit()).collect();
    Digits {
        digits,
        decpt: exp + 1,
    }
}

fn strip_trailing_zeros(d: &mut Digits) {
    while d.digits.last() == Some(&b'0') {
        d.digits.pop();
    }
}

/// Correctly rounded (round-half-even on the exact binary value) digits.
pub(crate) fn dtoa(x: f64, mode: DigitMode) -> Digits {
    debug_assert!(x.is_finite() && x >= 0.0);
    if x == 0.0 {
        return Digits {
            digits: vec![b'0'],
            decpt: 1,
        };
    }
    let mut d = match mode {
        DigitMode::Shortest => {
            // Rust gives a shortest round-tripping string but may break a
            // tie between two equally close candidates upwards; dtoa takes
            // the correctly rounded (half-even) one whenever it round-trips.
            let shortest = format!("{:e}", x);
            let n = shortest
                .split_once('e')
                .map_or(0, |(m, _)| m.bytes().filter(u8::is_ascii_digit).count());
            let rounded = format!("{:.*e}", n.saturating_sub(1), x);
            if rounded != shortest && rounded.parse::<f64>() == Ok(x) {
                from_sci(&rounded)
            } else {
                from_sci(&shortest)
            }
        }
        DigitMode::Significant(n) => {
            let n = n.clamp(1, MAX_SIG_DIGITS);
            from_sci(&format!("{:.*e}", n - 1, x))
        }
        DigitMode::Fixed(n) => {
            let s = format!("{:.*}", n.min(MAX_FRAC_DIGITS), x);
            let (int_part, frac) = s.split_once('.').unwrap_or((&s, ""));
            let all: Vec<u8> = int_part.bytes().chain(frac.bytes()).collect();
            let lead = all.iter().take_while(|&&b| b == b'0').count();
            Digits {
                digits: all[lead..].to_vec(),
                decpt: int_part.len() as i64 - lead as i64,
            }
        }
    };
    strip_trailing_zeros(&mut d);
    if let DigitMode::Fixed(n) = mode
        && d.digits.is_empty()
    {
        d.decpt = -(n as i64);
    }
    d
}

/// Options for [`double_to_string`], matching CPython's `Py_DTSF_*` flags.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct DtsFlags {
    /// Always emit a sign (`Py_DTSF_SIGN`).
    pub sign: bool,
    /// Append `.0` to integral values (`Py_DTSF_ADD_DOT_0`).
    pub add_dot_0: bool,
    /// Alternate form `#` (`Py_DTSF_ALT`).
    pub alt: bool,
    /// Turn a negative zero result into positive zero (`Py_DTSF_NO_NEG_0`).
    pub no_neg_0: bool,
}

/// Equivalent of `PyOS_double_to_string(x, code, precision, flags)`.
/// `code` is one of `e E f F g G r`; for `r` the precision is ignored.
pub(crate) fn double_to_string(x: f64, code: char, precision: usize, flags: DtsFlags) -> String {
    let upper = code.is_ascii_uppercase();
    let code = code.to_ascii_lowercase();
    let (mode, precision) = match code {
        'e' => (DigitMode::Significant(precision + 1), precision + 1),
        'f' => (DigitMode::Fixed(precision), precision),
        'g' => {
            let p = precision.max(1);
            (DigitMode::Significant(p), p)
        }
        'r' => (DigitMode::Shortest, 0),
        _ => panic!("double_to_string: bad format code {code:?}"),
    };
    let mut out = String::new();
    if x.is_nan() {
        // The sign of a NaN is never shown, but '+' may be requested.
        if flags.sign {
            out.push('+');
        }
        out.push_str(if upper { "NAN" } else { "nan" });
        return out;
    }
    let mut negative = x.is_sign_negative();
    if x.is_infinite() {
        if negative {
            out.push('-');
        } else if flags.sign {
            out.push('+');
        }
        out.push_str(if upper { "INF" } else { "inf" });
        return out;
    }
    let Digits { digits, decpt } = dtoa(x.abs(), mode);
    let mut decpt = decpt;
    if flags.no_neg_0 && negative && digits.iter().all(|&b| b == b'0') {
        negative = false;
    }
    let ndigits = digits.len() as i64;
    let p = precision as i64;
    let mut vend = ndigits;
    let mut use_exp = false;
    match code {
        'e' => {
            use_exp = true;
            vend = p;
        }
        'f' => vend = decpt + p,
        'g' => {
            let limit = if flags.add_dot_0 { p - 1 } else { p };
            if decpt <= -4 || decpt > limit {
                use_exp = true;
            }
            if flags.alt {
                vend = p;
            }
        }
        _ => {
            // repr: exponent form below 1e-4 and from 1e16 on.
            if decpt <= -4 || decpt > 16 {
                use_exp = true;
            }
        }
    }
    let mut exp = 0;
    if use_exp {
        exp = decpt - 1;
        decpt = 1;
    }
    let vstart = if decpt <= 0 { decpt - 1 } else { 0 };
    vend = if !use_exp && flags.add_dot_0 {
        vend.max(decpt + 1)
    } else {
        vend.max(decpt)
    };
    if negative {
        out.push('-');
    } else if flags.sign {
        out.push('+');
    }
    for i in vstart..vend {
        if i == decpt {
            out.push('.');
        }
        let ch = if i >= 0 && i < ndigits {
            digits[i as usize] as char
        } else {
            '0'
        };
        out.push(ch);
    }
    if decpt == vend {
        out.push('.');
    }
    if out.ends_with('.') && !flags.alt {
        out.pop();
    }
    if use_exp {
        out.push(if upper { 'E' } else { 'e' });
        out.push(if exp < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", exp.abs()));
    }
    out
}

/// Python's `repr(x)` (and `str(x)`) for a float: shortest round-tripping
/// digits, exponent form when the decimal exponent is < -4 or >= 16.
pub fn float_repr(x: f64) -> String {
    double_to_string(
        x,
        'r',
        0,
        DtsFlags {
            add_dot_0: true,
            ..DtsFlags::default()
        },
    )
}

/// Alias of [`float_repr`]: `str(float)` is the same as `repr(float)`.
pub fn float_to_string(x: f64) -> String {
    float_repr(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repr_basics() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (123456789.0, "123456789.0"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "nan"),
            (-f64::NAN, "nan"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (2e16 + 8.0, "2.000000000000001e+16"),
            (-1.5e-7, "-1.5e-07"),
            // exact ties between two shortest candidates: half-even wins
            (f64::from_bits(0xc31441f233f63165), "-1425502010969177.2"),
            (f64::from_bits(0xc2e65f58e3c84c44), "-196790152217186.12"),
        ];
        for &(x, want) in cases {
            assert_eq!(float_repr(x), want, "repr({x:?})");
        }
    }

    #[test]
    fn dtoa_modes() {
        assert_eq!(
            dtoa(0.0001, DigitMode::Fixed(2)),
            Digits {
                digits: vec![],
                decpt: -2
            }
        );
        assert_eq!(
            dtoa(2.5, DigitMode::Significant(1)),
            Digits {
                digits: b"2".to_vec(),
                decpt: 1
            }
        );
    }
}
