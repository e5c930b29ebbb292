//! `repr(complex)` and `format(complex, spec)` (CPython 3.11's
//! `complex_repr` and `format_complex_internal`).

use crate::format::FormatError;
use crate::format::float_repr::{DtsFlags, double_to_string};
use crate::format::spec::{
    FormatSpec, Layout, NumberParts, check_grouping, layout_number, pad_text, unknown_type,
};

/// Whether the real part is omitted: it is +0.0 (not -0.0).
fn real_is_plus_zero(re: f64) -> bool {
    re == 0.0 && re.is_sign_positive()
}

/// `repr(z)`: `2j` when the real part is +0, else `(1+2j)`, with each
/// part in shortest round-tripping form and no `.0` for integral parts.
pub fn complex_repr(re: f64, im: f64) -> String {
    let plain = DtsFlags::default();
    let im_text = double_to_string(im, 'r', 0, plain);
    if real_is_plus_zero(re) {
        return format!("{im_text}j");
    }
    let re_text = double_to_string(re, 'r', 0, plain);
    let signed = DtsFlags {
        sign: true,
        ..plain
    };
    let im_text = double_to_string(im, 'r', 0, signed);
    format!("({re_text}{im_text}j)")
}

/// Splits a formatted float into the parts `layout_number` lays out.
fn number_parts(text: &str) -> NumberParts<'_> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let ndigits = body.bytes().take_while(u8::is_ascii_digit).count();
    let (digits, after) = body.split_at(ndigits);
    let (has_decimal, remainder) = match after.strip_prefix('.') {
        Some(r) => (true, r),
        None => (false, after),
    };
    NumberParts {
        negative,
        prefix: "",
        digits,
        has_decimal,
        remainder,
    }
}

/// `format(z, spec)`: each part formatted like a float with the spec's
/// type and precision (the imaginary part always signed unless the real
/// part is omitted), then the whole padded to the width. With no type the
/// result is like `str(z)` (parentheses, real part omitted when +0).
pub fn format_complex(re: f64, im: f64, spec: &FormatSpec) -> Result<String, FormatError> {
    let mut ty = match spec.ty {
        None => '\0',
        Some(t @ ('e' | 'E' | 'f' | 'F' | 'g' | 'G' | 'n')) => t,
        Some(t) => return Err(unknown_type(t, "complex")),
    };
    let group = check_grouping(spec, spec.ty)?;
    if spec.fill == Some('0') || (spec.fill.is_none() && spec.zero_pad) {
        return Err(FormatError::value(
            "Zero padding is not allowed in complex format specifier",
        ));
    }
    if spec.align == Some('=') {
        return Err(FormatError::value(
            "'=' alignment flag is not allowed in complex format specifier",
        ));
    }
    if let Some(p) = spec.precision
        && p > i32::MAX as usize
    {
        return Err(FormatError::value("precision too big"));
    }
    let mut default_precision = 6;
    let (mut skip_re, mut parens) = (false, false);
    if ty == '\0' {
        ty = 'r';
        default_precision = 0;
        if real_is_plus_zero(re) {
            skip_re = true;
        } else {
            parens = true;
        }
    }
    let locale_n = ty == 'n';
    if locale_n {
        ty = 'g';
    }
    let precision = match spec.precision {
        None => default_precision,
        Some(p) => {
            if ty == 'r' {
                ty = 'g';
            }
            p
        }
    };
    let flags = DtsFlags {
        alt: spec.alternate,
        no_neg_0: spec.no_neg_0,
        ..DtsFlags::default()
    };
    let sep = if locale_n { None } else { spec.grouping };
    let part_layout = |sign| Layout {
        fill: ' ',
        align: '<',
        sign,
        width: None,
    };
    let re_text = double_to_string(re, ty, precision, flags);
    let im_text = double_to_string(im, ty, precision, flags);
    let mut body = String::new();
    if parens {
        body.push('(');
    }
    if !skip_re {
        body.push_str(&layout_number(
            &number_parts(&re_text),
            &part_layout(spec.sign),
            sep,
            group,
        ));
    }
    let im_sign = if skip_re { spec.sign } else { Some('+') };
    body.push_str(&layout_number(
        &number_parts(&im_text),
        &part_layout(im_sign),
        sep,
        group,
    ));
    body.push('j');
    if parens {
        body.push(')');
    }
    let len = body.chars().count();
    Ok(pad_text(&body, len, &spec.layout('>')))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::parse_format_spec;

    fn fmt(re: f64, im: f64, spec: &str) -> String {
        let s = parse_format_spec(spec, "complex").expect("spec");
        format_complex(re, im, &s).unwrap_or_else(|e| e.msg)
    }

    #[test]
    fn repr_matches_cpython() {
        assert_eq!(complex_repr(0.0, 2.0), "2j");
        assert_eq!(complex_repr(1.0, 2.0), "(1+2j)");
        assert_eq!(complex_repr(-0.0, -1.0), "(-0-1j)");
        assert_eq!(complex_repr(1.0, f64::INFINITY), "(1+infj)");
        assert_eq!(complex_repr(0.0, 1e16), "1e+16j");
    }

    #[test]
    fn format_specs() {
        assert_eq!(fmt(1.0, 2.0, ""), "(1+2j)");
        assert_eq!(fmt(1.0, 2.0, ".2f"), "1.00+2.00j");
        assert_eq!(fmt(1.0, -2.0, ">12"), "      (1-2j)");
        assert_eq!(fmt(0.0, 2.5, "g"), "0+2.5j");
        assert_eq!(
            fmt(1.0, 2.0, "010"),
            "Zero padding is not allowed in complex format specifier"
        );
    }
}
