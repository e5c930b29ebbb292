//! `complex(text)`: CPython 3.11's `complex_from_string_inner` grammar.
//!
//! After surrounding whitespace and an optional pair of parentheses, the
//! text is `<float>`, `<float>j`, `<float><signed-float>j`, or one of the
//! legacy forms `<float><sign>j`, `<sign>j`, `j`. Underscores are allowed
//! only between digits, as in numeric literals.

use super::arith::C64;

/// Why a text is not a complex.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ParseError {
    /// An underscore not between two digits ("could not convert string
    /// to complex").
    Underscore,
    /// Anything else ("complex() arg is a malformed string").
    Malformed,
}

/// Parses `text` as `complex()` does.
pub(crate) fn parse_complex(text: &str) -> Result<C64, ParseError> {
    let e = ParseError::Malformed;
    let ascii = crate::format::parse::to_ascii_numeric(text).ok_or(e)?;
    let s = remove_underscores(&ascii).ok_or(ParseError::Underscore)?;
    let b = s.as_bytes();
    let mut i = skip_space(b, 0);
    let bracket = b.get(i) == Some(&b'(');
    if bracket {
        i = skip_space(b, i + 1);
    }
    let (mut re, mut im) = (0.0, 0.0);
    if let Some((z, end)) = float_prefix(b, i) {
        i = end;
        match b.get(i) {
            Some(&sign @ (b'+' | b'-')) => {
                re = z;
                match float_prefix(b, i) {
                    Some((y, end)) => {
                        im = y;
                        i = end;
                    }
                    None => {
                        im = if sign == b'+' { 1.0 } else { -1.0 };
                        i += 1;
                    }
                }
                i = expect_j(b, i).ok_or(e)?;
            }
            Some(b'j' | b'J') => {
                im = z;
                i += 1;
            }
            _ => re = z,
        }
    } else {
        im = match b.get(i) {
            Some(b'+') => {
                i += 1;
                1.0
            }
            Some(b'-') => {
                i += 1;
                -1.0
            }
            _ => 1.0,
        };
        i = expect_j(b, i).ok_or(e)?;
    }
    i = skip_space(b, i);
    if bracket {
        if b.get(i) != Some(&b')') {
            return Err(e);
        }
        i = skip_space(b, i + 1);
    }
    if i == b.len() { Ok((re, im)) } else { Err(e) }
}

/// Drops underscores that sit between two digits; `None` if there is
/// any other underscore.
fn remove_underscores(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in b.iter().enumerate() {
        if c == b'_' {
            let digit_before = i > 0 && b[i - 1].is_ascii_digit();
            let digit_after = b.get(i + 1).is_some_and(u8::is_ascii_digit);
            if !(digit_before && digit_after) {
                return None;
            }
        } else {
            out.push(c as char);
        }
    }
    Some(out)
}

/// C's `isspace` over ASCII.
fn skip_space(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(|c| matches!(c, b'\t'..=b'\r' | b' ')) {
        i += 1;
    }
    i
}

/// The position after a `j` at `i`.
fn expect_j(b: &[u8], i: usize) -> Option<usize> {
    matches!(b.get(i), Some(b'j' | b'J')).then_some(i + 1)
}

/// The longest float at `b[i..]` (`PyOS_string_to_double` with an end
/// pointer): sign, then `inf`/`infinity`/`nan` or digits with an optional
/// fraction and exponent. Returns the value and where it ends.
fn float_prefix(b: &[u8], i: usize) -> Option<(f64, usize)> {
    let mut j = i;
    let negative = match b.get(j) {
        Some(b'-') => {
            j += 1;
            true
        }
        Some(b'+') => {
            j += 1;
            false
        }
        _ => false,
    };
    let rest = &b[j..];
    let starts =
        |word: &[u8]| rest.len() >= word.len() && rest[..word.len()].eq_ignore_ascii_case(word);
    let sign = if negative { -1.0 } else { 1.0 };
    if starts(b"infinity") {
        return Some((sign * f64::INFINITY, j + 8));
    }
    if starts(b"inf") {
        return Some((sign * f64::INFINITY, j + 3));
    }
    if starts(b"nan") {
        return Some((sign * f64::NAN, j + 3));
    }
    let digits_from = |k: usize| {
        (k..b.len())
            .find(|&m| !b[m].is_ascii_digit())
            .unwrap_or(b.len())
    };
    let int_end = digits_from(j);
    let mut end = int_end;
    let mut ndigits = int_end - j;
    if b.get(end) == Some(&b'.') {
        let frac_end = digits_from(end + 1);
        ndigits += frac_end - end - 1;
        end = frac_end;
    }
    if ndigits == 0 {
        return None;
    }
    if matches!(b.get(end), Some(b'e' | b'E')) {
        let mut k = end + 1;
        if matches!(b.get(k), Some(b'+' | b'-')) {
            k += 1;
        }
        let exp_end = digits_from(k);
        if exp_end > k {
            end = exp_end;
        }
    }
    let text = std::str::from_utf8(&b[j..end]).ok()?;
    let v: f64 = text.parse().ok()?;
    Some((sign * v, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_cpython_forms() {
        assert_eq!(parse_complex("1+2j"), Ok((1.0, 2.0)));
        assert_eq!(parse_complex(" ( -1.5e3-j ) "), Ok((-1500.0, -1.0)));
        assert_eq!(parse_complex("j"), Ok((0.0, 1.0)));
        assert_eq!(parse_complex("1_000"), Ok((1000.0, 0.0)));
        assert_eq!(parse_complex("1e"), Err(ParseError::Malformed));
        assert_eq!(parse_complex("1 + 2j"), Err(ParseError::Malformed));
        assert_eq!(parse_complex("(1+2j"), Err(ParseError::Malformed));
        assert_eq!(parse_complex("1_+2j"), Err(ParseError::Underscore));
    }
}
