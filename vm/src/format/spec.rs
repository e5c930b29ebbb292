//! The format-spec mini-language (`format(value, spec)`): parsing, the
//! shared number layout (padding, sign, grouping) and `str` formatting.

use crate::format::FormatError;

/// A parsed format spec. Defaults that depend on the formatted type (fill,
/// alignment, presentation type) are resolved by the `format_*` functions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormatSpec {
    /// Explicit fill character (only present together with `align`).
    pub fill: Option<char>,
    /// Explicit alignment: one of `<`, `>`, `=`, `^`.
    pub align: Option<char>,
    /// Sign option: `+`, `-` or space.
    pub sign: Option<char>,
    /// `z`: coerce negative zero to positive zero (floats only).
    pub no_neg_0: bool,
    /// `#`: alternate form.
    pub alternate: bool,
    /// The `0` flag before the width (zero padding when no fill was given).
    pub zero_pad: bool,
    /// Minimum field width.
    pub width: Option<usize>,
    /// Thousands separator: `,` or `_`.
    pub grouping: Option<char>,
    /// Precision after `.`.
    pub precision: Option<usize>,
    /// Presentation type character.
    pub ty: Option<char>,
}

fn is_align(c: char) -> bool {
    matches!(c, '<' | '>' | '=' | '^')
}

/// Read decimal digits starting at `pos`; returns (value, digits consumed).
fn read_integer(chars: &[char], pos: &mut usize) -> Result<Option<usize>, String> {
    let start = *pos;
    let mut value: i64 = 0;
    while let Some(d) = chars.get(*pos).and_then(|c| c.to_digit(10)) {
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(d as i64))
            .ok_or_else(|| "Too many decimal digits in format string".to_string())?;
        *pos += 1;
    }
    Ok(if *pos == start {
        None
    } else {
        Some(value as usize)
    })
}

/// Parse a format spec. `type_name` is the Python type name of the value,
/// used only in the "Invalid format specifier" message. Errors are
/// `ValueError` messages. Type-dependent validation (e.g. `,` with `s`)
/// happens in the `format_*` functions.
pub fn parse_format_spec(spec: &str, type_name: &str) -> Result<FormatSpec, String> {
    let chars: Vec<char> = spec.chars().collect();
    let mut out = FormatSpec::default();
    let mut pos = 0;
    if chars.len() >= 2 && is_align(chars[1]) {
        out.fill = Some(chars[0]);
        out.align = Some(chars[1]);
        pos = 2;
    } else if !chars.is_empty() && is_align(chars[0]) {
        out.align = Some(chars[0]);
        pos = 1;
    }
    if let Some(&c @ ('+' | '-' | ' ')) = chars.get(pos) {
        out.sign = Some(c);
        pos += 1;
    }
    if chars.get(pos) == Some(&'z') {
        out.no_neg_0 = true;
        pos += 1;
    }
    if chars.get(pos) == Some(&'#') {
        out.alternate = true;
        pos += 1;
    }
    if out.fill.is_none() && chars.get(pos) == Some(&'0') {
        out.zero_pad = true;
        pos += 1;
    }
    out.width = read_integer(&chars, &mut pos)?;
    if chars.get(pos) == Some(&',') {
        out.grouping = Some(',');
        pos += 1;
    }
    if chars.get(pos) == Some(&'_') {
        if out.grouping.is_some() {
            return Err("Cannot specify both ',' and '_'.".into());
        }
        out.grouping = Some('_');
        pos += 1;
    }
    if chars.get(pos) == Some(&',') && out.grouping == Some('_') {
        return Err("Cannot specify both ',' and '_'.".into());
    }
    if chars.get(pos) == Some(&'.') {
        pos += 1;
        out.precision = read_integer(&chars, &mut pos)?;
        if out.precision.is_none() {
            return Err("Format specifier missing precision".into());
        }
    }
    let rest = chars.len() - pos;
    if rest > 1 {
        return Err(format!(
            "Invalid format specifier '{}' for object of type '{}'",
            spec, type_name
        ));
    }
    if rest == 1 {
        out.ty = Some(chars[pos]);
    }
    Ok(out)
}

/// Render a presentation-type character the way CPython's messages do.
pub(crate) fn type_char_repr(c: char) -> String {
    let v = c as u32;
    if v > 32 && v < 128 {
        c.to_string()
    } else {
        format!("\\x{:x}", v)
    }
}

/// CPython's "Unknown format code" error.
pub(crate) fn unknown_type(c: char, type_name: &str) -> FormatError {
    FormatError::value(format!(
        "Unknown format code '{}' for object of type '{}'",
        type_char_repr(c),
        type_name
    ))
}

/// The thousands-separator/type compatibility check done at the end of
/// CPython's spec parsing, given the resolved type. Returns the group size.
pub(crate) fn check_grouping(spec: &FormatSpec, ty: Option<char>) -> Result<usize, FormatError> {
    let Some(sep) = spec.grouping else {
        return Ok(3);
    };
    match ty {
        None | Some('d' | 'e' | 'f' | 'g' | 'E' | 'G' | '%' | 'F') => Ok(3),
        Some('b' | 'o' | 'x' | 'X') if sep == '_' => Ok(4),
        Some(t) => Err(FormatError::value(format!(
            "Cannot specify '{}' with '{}'.",
            sep,
            type_char_repr(t)
        ))),
    }
}

/// Fill/align/sign/width after type-dependent defaults are applied.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Layout {
    pub fill: char,
    pub align: char,
    pub sign: Option<char>,
    pub width: Option<usize>,
}

impl FormatSpec {
    /// Resolve fill and alignment given the type's default alignment.
    pub(crate) fn layout(&self, default_align: char) -> Layout {
        let fill = self.fill.unwrap_or(if self.zero_pad { '0' } else { ' ' });
        let align = match self.align {
            Some(a) => a,
            None if self.zero_pad && default_align == '>' => '=',
            None => default_align,
        };
        Layout {
            fill,
            align,
            sign: self.sign,
            width: self.width,
        }
    }
}

/// Insert thousands separators (every `group` digits from the right) and
/// zero-pad to `min_width` characters, as `_PyUnicode_InsertThousandsGrouping`.
fn group_digits(digits: &[char], min_width: i64, sep: Option<char>, group: usize) -> String {
    let mut min_width = min_width.max(0);
    let mut remaining = digits.len() as i64;
    let mut end = digits.len();
    let mut chunks: Vec<String> = Vec::new();
    let mut take = |len: i64, remaining: &mut i64, chunks: &mut Vec<String>| {
        let n_zeros = (len - *remaining).max(0) as usize;
        let n_chars = (*remaining).min(len).max(0) as usize;
        let mut chunk = "0".repeat(n_zeros);
        chunk.extend(&digits[end - n_chars..end]);
        end -= n_chars;
        *remaining -= n_chars as i64;
        chunks.push(chunk);
    };
    match sep {
        Some(_) => loop {
            let len = (group as i64).min(remaining.max(min_width).max(1));
            take(len, &mut remaining, &mut chunks);
            min_width -= len;
            if remaining <= 0 && min_width <= 0 {
                break;
            }
            min_width -= 1;
        },
        None => {
            let len = remaining.max(min_width).max(1);
            take(len, &mut remaining, &mut chunks);
        }
    }
    chunks.reverse();
    let sep_str = sep.map(String::from).unwrap_or_default();
    chunks.join(&sep_str)
}

/// The parts of a formatted number, as laid out by CPython's
/// `calc_number_spec`/`fill_number`.
pub(crate) struct NumberParts<'a> {
    pub negative: bool,
    /// Base prefix such as `0x` (already in the right case).
    pub prefix: &'a str,
    /// Integer digits that get grouped / zero padded.
    pub digits: &'a str,
    /// Whether a decimal point follows the digits.
    pub has_decimal: bool,
    /// Everything after the decimal point (or after the digits).
    pub remainder: &'a str,
}

/// Pad, sign and group a number.
pub(crate) fn layout_number(
    parts: &NumberParts<'_>,
    lay: &Layout,
    sep: Option<char>,
    group: usize,
) -> String {
    let sign = match lay.sign {
        Some('+') => Some(if parts.negative { '-' } else { '+' }),
        Some(' ') => Some(if parts.negative { '-' } else { ' ' }),
        _ => parts.negative.then_some('-'),
    };
    let prefix_len = parts.prefix.chars().count() as i64;
    let rem_len = parts.remainder.chars().count() as i64;
    let non_digit = sign.is_some() as i64 + prefix_len + parts.has_decimal as i64 + rem_len;
    let width = lay.width.map(|w| w as i64).unwrap_or(-1);
    let min_width = if lay.fill == '0' && lay.align == '=' {
        width - non_digit
    } else {
        0
    };
    let digits: Vec<char> = parts.digits.chars().collect();
    let grouped = if digits.is_empty() {
        String::new()
    } else {
        group_digits(&digits, min_width, sep, group)
    };
    let padding = (width - (non_digit + grouped.chars().count() as i64)).max(0) as usize;
    let (lpad, spad, rpad) = match lay.align {
        '<' => (0, 0, padding),
        '^' => (padding / 2, 0, padding - padding / 2),
        '=' => (0, padding, 0),
        _ => (padding, 0, 0),
    };
    let fill = |n: usize| std::iter::repeat_n(lay.fill, n).collect::<String>();
    let mut out = fill(lpad);
    if let Some(s) = sign {
        out.push(s);
    }
    out.push_str(parts.prefix);
    out.push_str(&fill(spad));
    out.push_str(&grouped);
    if parts.has_decimal {
        out.push('.');
    }
    out.push_str(parts.remainder);
    out.push_str(&fill(rpad));
    out
}

/// Pad `s` (of `len` chars) to the layout's width, as CPython's `calc_padding`.
pub(crate) fn pad_text(s: &str, len: usize, lay: &Layout) -> String {
    let total = lay.width.unwrap_or(0).max(len);
    let lpad = match lay.align {
        '>' => total - len,
        '^' => (total - len) / 2,
        _ => 0,
    };
    let rpad = total - len - lpad;
    let mut out: String = std::iter::repeat_n(lay.fill, lpad).collect();
    out.push_str(s);
    out.extend(std::iter::repeat_n(lay.fill, rpad));
    out
}

/// `format(s, spec)` for a `str` value. `type_name` is used in errors
/// (normally `"str"`).
pub fn format_str(s: &str, spec: &FormatSpec, type_name: &str) -> Result<String, FormatError> {
    let ty = spec.ty.unwrap_or('s');
    check_grouping(spec, Some(ty))?;
    if ty != 's' {
        return Err(unknown_type(ty, type_name));
    }
    match spec.sign {
        Some(' ') => {
            return Err(FormatError::value(
                "Space not allowed in string format specifier",
            ));
        }
        Some(_) => {
            return Err(FormatError::value(
                "Sign not allowed in string format specifier",
            ));
        }
        None => {}
    }
    if spec.no_neg_0 {
        return Err(FormatError::value(
            "Negative zero coercion (z) not allowed in string format specifier",
        ));
    }
    if spec.alternate {
        return Err(FormatError::value(
            "Alternate form (#) not allowed in string format specifier",
        ));
    }
    let lay = spec.layout('<');
    if lay.align == '=' {
        return Err(FormatError::value(
            "'=' alignment not allowed in string format specifier",
        ));
    }
    let mut len = s.chars().count();
    let mut text = s;
    if let Some(p) = spec.precision
        && len > p
    {
        len = p;
        let cut = s.char_indices().nth(p).map_or(s.len(), |(i, _)| i);
        text = &s[..cut];
    }
    Ok(pad_text(text, len, &lay))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fs(spec: &str, s: &str) -> String {
        let sp = parse_format_spec(spec, "str").unwrap();
        format_str(s, &sp, "str").unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn parse_parts() {
        let sp = parse_format_spec("*^+z#012,.3f", "float").unwrap();
        assert_eq!(sp.fill, Some('*'));
        assert_eq!(sp.align, Some('^'));
        assert_eq!(sp.sign, Some('+'));
        assert!(sp.no_neg_0 && sp.alternate && !sp.zero_pad);
        assert_eq!(sp.width, Some(12));
        assert_eq!(sp.grouping, Some(','));
        assert_eq!(sp.precision, Some(3));
        assert_eq!(sp.ty, Some('f'));
        let sp = parse_format_spec("010", "int").unwrap();
        assert!(sp.zero_pad);
        assert_eq!(sp.width, Some(10));
    }

    #[test]
    fn parse_errors() {
        assert_eq!(
            parse_format_spec("abc", "int").unwrap_err(),
            "Invalid format specifier 'abc' for object of type 'int'"
        );
        assert_eq!(
            parse_format_spec(".", "int").unwrap_err(),
            "Format specifier missing precision"
        );
        assert_eq!(
            parse_format_spec(",_", "int").unwrap_err(),
            "Cannot specify both ',' and '_'."
        );
        assert_eq!(
            parse_format_spec("_,", "int").unwrap_err(),
            "Cannot specify both ',' and '_'."
        );
        assert_eq!(
            parse_format_spec("10000000000000000000000", "str").unwrap_err(),
            "Too many decimal digits in format string"
        );
    }

    #[test]
    fn strings() {
        assert_eq!(fs("^12", "hello"), "   hello    ");
        assert_eq!(fs("05", "ab"), "ab000");
        assert_eq!(fs("*>6.2", "hello"), "****he");
        assert_eq!(fs("", "x"), "x");
        assert_eq!(
            fs("=5", "x"),
            "ValueError: '=' alignment not allowed in string format specifier"
        );
        assert_eq!(fs(",", "x"), "ValueError: Cannot specify ',' with 's'.");
        assert_eq!(
            fs("d", "x"),
            "ValueError: Unknown format code 'd' for object of type 'str'"
        );
    }
}
