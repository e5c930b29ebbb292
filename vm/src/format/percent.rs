//! printf-style `%` formatting (`str.__mod__`): directive parsing and the
//! numeric conversions. `%s`, `%r`, `%a` and `%c` produce their text in the
//! caller and pad it with [`percent_pad_str`].

use num_bigint::BigInt;
use num_traits::Signed;

use crate::format::FormatError;
use crate::format::float_repr::{DtsFlags, double_to_string};

/// Conversion flags of a `%` directive.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PercentFlags {
    /// `-`: left-justify.
    pub ljust: bool,
    /// `+`: always show a sign.
    pub sign: bool,
    /// space: blank before positive numbers.
    pub blank: bool,
    /// `#`: alternate form.
    pub alt: bool,
    /// `0`: zero padding (numbers only).
    pub zero: bool,
}

/// A width or precision: a literal number or `*` (taken from the arguments).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PercentCount {
    /// A number written in the format string.
    Fixed(usize),
    /// `*`: the next positional argument, see [`star_width`] / [`star_precision`].
    Star,
}

/// One parsed `%` directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PercentDirective {
    /// `true` only for `%%` exactly (emit a literal `%`, consume no argument).
    /// Any other directive ending in `%` (e.g. `%5%`) takes an argument and
    /// then fails with [`unsupported_format_char`], as in CPython.
    pub literal_percent: bool,
    /// The mapping key of `%(key)s`.
    pub key: Option<String>,
    /// Flags.
    pub flags: PercentFlags,
    /// Width, if any.
    pub width: Option<PercentCount>,
    /// Precision, if any (`%.f` gives `Fixed(0)`).
    pub precision: Option<PercentCount>,
    /// The conversion character (`h`, `l`, `L` length modifiers skipped).
    pub conversion: char,
}

/// Parse one directive. `s` starts just after the `%`. Returns the
/// directive and the number of **bytes** of `s` it consumed. Errors are
/// CPython's `ValueError`s: "incomplete format key", "incomplete format",
/// "width too big", "precision too big". The "format requires a mapping"
/// `TypeError` for a key without a dict is the caller's.
pub fn parse_percent_directive(s: &str) -> Result<(PercentDirective, usize), FormatError> {
    let mut it = s.char_indices().peekable();
    let mut directive = PercentDirective {
        literal_percent: false,
        key: None,
        flags: PercentFlags::default(),
        width: None,
        precision: None,
        conversion: '%',
    };
    let incomplete = || FormatError::value("incomplete format");
    if s.starts_with('%') {
        directive.literal_percent = true;
        return Ok((directive, 1));
    }
    if s.starts_with('(') {
        it.next();
        let mut depth = 1;
        let key_start = 1;
        let mut key_end = None;
        for (i, c) in it.by_ref() {
            if c == ')' {
                depth -= 1;
                if depth == 0 {
                    key_end = Some(i);
                    break;
                }
            } else if c == '(' {
                depth += 1;
            }
        }
        let key_end = key_end.ok_or_else(|| FormatError::value("incomplete format key"))?;
        directive.key = Some(s[key_start..key_end].to_string());
    }
    let mut next = || it.next();
    let mut cur = next().ok_or_else(incomplete)?;
    loop {
        match cur.1 {
            '-' => directive.flags.ljust = true,
            '+' => directive.flags.sign = true,
            ' ' => directive.flags.blank = true,
            '#' => directive.flags.alt = true,
            '0' => directive.flags.zero = true,
            _ => break,
        }
        cur = next().ok_or_else(incomplete)?;
    }
    if cur.1 == '*' {
        directive.width = Some(PercentCount::Star);
        cur = next().ok_or_else(incomplete)?;
    } else if let Some(d) = cur.1.to_digit(10) {
        let mut w = d as u64;
        loop {
            cur = next().ok_or_else(incomplete)?;
            let Some(d) = cur.1.to_digit(10) else { break };
            w = w
                .checked_mul(10)
                .and_then(|w| w.checked_add(d as u64))
                .filter(|&w| w <= i64::MAX as u64)
                .ok_or_else(|| FormatError::value("width too big"))?;
        }
        directive.width = Some(PercentCount::Fixed(w as usize));
    }
    if cur.1 == '.' {
        directive.precision = Some(PercentCount::Fixed(0));
        cur = next().ok_or_else(incomplete)?;
        if cur.1 == '*' {
            directive.precision = Some(PercentCount::Star);
            cur = next().ok_or_else(incomplete)?;
        } else if let Some(d) = cur.1.to_digit(10) {
            let mut p = d as u64;
            loop {
                cur = next().ok_or_else(incomplete)?;
                let Some(d) = cur.1.to_digit(10) else { break };
                p = p * 10 + d as u64;
                if p > i32::MAX as u64 {
                    return Err(FormatError::value("precision too big"));
                }
            }
            directive.precision = Some(PercentCount::Fixed(p as usize));
        }
    }
    if matches!(cur.1, 'h' | 'l' | 'L') {
        cur = next().ok_or_else(incomplete)?;
    }
    directive.conversion = cur.1;
    Ok((directive, cur.0 + cur.1.len_utf8()))
}

/// Apply a `*` width argument: negative means left-justify.
pub fn star_width(flags: &mut PercentFlags, value: i64) -> usize {
    if value < 0 {
        flags.ljust = true;
    }
    value.unsigned_abs() as usize
}

/// Apply a `*` precision argument: negative means 0.
pub fn star_precision(value: i64) -> usize {
    value.max(0) as usize
}

/// CPython's error for an unknown conversion character; `index` is the
/// character index of `ch` within the whole format string.
pub fn unsupported_format_char(ch: char, index: usize) -> FormatError {
    let shown = if (31..=126).contains(&(ch as u32)) {
        ch
    } else {
        '?'
    };
    FormatError::value(format!(
        "unsupported format character '{}' (0x{:x}) at index {}",
        shown, ch as u32, index
    ))
}

/// The padding/sign logic shared by all conversions
/// (CPython's `unicode_format_arg_output`).
fn output(
    s: &str,
    conv: char,
    flags: PercentFlags,
    width: Option<usize>,
    prec: Option<usize>,
    numeric: bool,
) -> String {
    let fill = if numeric && flags.zero { '0' } else { ' ' };
    let chars: Vec<char> = s.chars().collect();
    let mut len = chars.len();
    if width.is_none_or(|w| w <= len)
        && prec.is_none_or(|p| p >= len)
        && !(flags.sign || flags.blank)
    {
        return s.to_string();
    }
    if matches!(conv, 's' | 'r' | 'a')
        && let Some(p) = prec
    {
        len = len.min(p);
    }
    let mut start = 0;
    let mut sign_char = None;
    if numeric {
        match chars.first() {
            Some(&c @ ('-' | '+')) => {
                sign_char = Some(c);
                len -= 1;
                start = 1;
            }
            _ if flags.sign => sign_char = Some('+'),
            _ if flags.blank => sign_char = Some(' '),
            _ => {}
        }
    }
    let mut width = width.unwrap_or(0).max(len);
    let mut out = String::new();
    if let Some(c) = sign_char {
        if fill != ' ' {
            out.push(c);
        }
        if width > len {
            width -= 1;
        }
    }
    let alt_prefix = flags.alt && matches!(conv, 'x' | 'X' | 'o');
    let mut prefix = String::new();
    if alt_prefix {
        prefix.extend(&chars[start..start + 2]);
        if fill != ' ' {
            out.push_str(&prefix);
        }
        width = width.saturating_sub(2);
        len -= 2;
        start += 2;
    }
    if width > len && !flags.ljust {
        out.extend(std::iter::repeat_n(fill, width - len));
        width = len;
    }
    if fill == ' ' {
        if let Some(c) = sign_char {
            out.push(c);
        }
        out.push_str(&prefix);
    }
    out.extend(&chars[start..start + len]);
    if width > len {
        out.extend(std::iter::repeat_n(' ', width - len));
    }
    out
}

/// `'%<flags><width>.<prec><conv>' % n` for an int, `conv` one of
/// `d i u o x X`.
pub fn percent_format_int(
    n: &BigInt,
    conv: char,
    flags: PercentFlags,
    width: Option<usize>,
    prec: Option<usize>,
) -> String {
    let (radix, prefix) = match conv {
        'o' => (8, "0o"),
        'x' => (16, "0x"),
        'X' => (16, "0X"),
        'd' | 'i' | 'u' => (10, ""),
        _ => panic!("percent_format_int: bad conversion {conv:?}"),
    };
    let mut digits = n.magnitude().to_str_radix(radix);
    if conv == 'X' {
        digits.make_ascii_uppercase();
    }
    let mut body = String::new();
    if n.is_negative() {
        body.push('-');
    }
    if flags.alt {
        body.push_str(prefix);
    }
    if let Some(p) = prec
        && p > digits.len()
    {
        body.extend(std::iter::repeat_n('0', p - digits.len()));
    }
    body.push_str(&digits);
    output(&body, conv, flags, width, prec, true)
}

/// `'%<flags><width>.<prec><conv>' % x` for a float, `conv` one of
/// `e E f F g G` (precision defaults to 6).
pub fn percent_format_float(
    x: f64,
    conv: char,
    flags: PercentFlags,
    width: Option<usize>,
    prec: Option<usize>,
) -> String {
    assert!(
        matches!(conv, 'e' | 'E' | 'f' | 'F' | 'g' | 'G'),
        "percent_format_float: bad conversion {conv:?}"
    );
    let dts = DtsFlags {
        alt: flags.alt,
        ..DtsFlags::default()
    };
    let body = double_to_string(x, conv, prec.unwrap_or(6), dts);
    output(&body, conv, flags, width, prec, true)
}

/// Pad the text of a `%s`, `%r`, `%a` (truncated to the precision) or `%c`
/// conversion. The `0`, `+`, space and `#` flags have no effect on these.
pub fn percent_pad_str(
    s: &str,
    conv: char,
    flags: PercentFlags,
    width: Option<usize>,
    prec: Option<usize>,
) -> String {
    let flags = PercentFlags {
        sign: false,
        blank: false,
        ..flags
    };
    output(s, conv, flags, width, prec, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pct_int(fmt: &str, n: i64) -> String {
        let (d, used) = parse_percent_directive(&fmt[1..]).unwrap();
        let w = d.width.map(|c| match c {
            PercentCount::Fixed(w) => w,
            PercentCount::Star => unreachable!(),
        });
        let p = d.precision.map(|c| match c {
            PercentCount::Fixed(p) => p,
            PercentCount::Star => unreachable!(),
        });
        let mut s = percent_format_int(&BigInt::from(n), d.conversion, d.flags, w, p);
        s.push_str(&fmt[1 + used..]);
        s
    }

    #[test]
    fn ints() {
        assert_eq!(pct_int("%-6d|", 42), "42    |");
        assert_eq!(pct_int("%#x", 255), "0xff");
        assert_eq!(pct_int("%#08x|", 255), "0x0000ff|");
        assert_eq!(pct_int("% 08x|", 255), " 00000ff|");
        assert_eq!(pct_int("%-#8x|", 255), "0xff    |");
        assert_eq!(pct_int("%#.4x", -255), "-0x00ff");
        assert_eq!(pct_int("%.3d", -5), "-005");
        assert_eq!(pct_int("%ld", 5), "5");
        assert_eq!(pct_int("%+05d", 5), "+0005");
    }

    #[test]
    fn floats_and_strings() {
        let f = PercentFlags::default();
        assert_eq!(
            percent_format_float(3.05159, 'f', f, Some(5), Some(1)),
            "  3.1"
        );
        assert_eq!(percent_format_float(2.5, 'f', f, None, Some(0)), "2");
        let z = PercentFlags { zero: true, ..f };
        assert_eq!(
            percent_format_float(f64::INFINITY, 'f', z, Some(5), None),
            "00inf"
        );
        assert_eq!(percent_pad_str("a", 's', z, Some(5), None), "    a");
        assert_eq!(percent_pad_str("hello", 's', f, Some(4), Some(2)), "  he");
    }

    #[test]
    fn directives() {
        let (d, n) = parse_percent_directive("(na(m)e)-*.*f rest").unwrap();
        assert_eq!(d.key.as_deref(), Some("na(m)e"));
        assert!(d.flags.ljust);
        assert_eq!(d.width, Some(PercentCount::Star));
        assert_eq!(d.precision, Some(PercentCount::Star));
        assert_eq!(d.conversion, 'f');
        assert_eq!(n, 13);
        assert!(parse_percent_directive("%").unwrap().0.literal_percent);
        assert_eq!(
            parse_percent_directive("(a").unwrap_err().msg,
            "incomplete format key"
        );
        assert_eq!(
            parse_percent_directive("5").unwrap_err().msg,
            "incomplete format"
        );
        assert_eq!(
            parse_percent_directive("").unwrap_err().msg,
            "incomplete format"
        );
        assert_eq!(
            unsupported_format_char('y', 1).msg,
            "unsupported format character 'y' (0x79) at index 1"
        );
    }
}
