//! `format(float, spec)`.

use crate::format::FormatError;
use crate::format::float_repr::{DtsFlags, double_to_string};
use crate::format::spec::{FormatSpec, NumberParts, check_grouping, layout_number, unknown_type};

/// `format(x, spec)` for a `float`. `type_name` is the value's Python type
/// name for error messages. With no presentation type the result is like
/// `repr` when no precision is given, else like `g` but always showing at
/// least one digit after the point when the result has no exponent.
pub fn format_float(x: f64, spec: &FormatSpec, type_name: &str) -> Result<String, FormatError> {
    let group = check_grouping(spec, spec.ty)?;
    let mut ty = match spec.ty {
        None => 'r',
        Some(t @ ('e' | 'E' | 'f' | 'F' | 'g' | 'G' | 'n' | '%')) => t,
        Some(t) => return Err(unknown_type(t, type_name)),
    };
    if let Some(p) = spec.precision
        && p > i32::MAX as usize
    {
        return Err(FormatError::value("precision too big"));
    }
    let mut flags = DtsFlags {
        alt: spec.alternate,
        no_neg_0: spec.no_neg_0,
        ..DtsFlags::default()
    };
    let mut default_precision = 6;
    if ty == 'r' {
        flags.add_dot_0 = true;
        default_precision = 0;
    }
    let locale_n = ty == 'n';
    if locale_n {
        ty = 'g';
    }
    let mut value = x;
    let mut percent = false;
    if ty == '%' {
        ty = 'f';
        value *= 100.0;
        percent = true;
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
    let mut text = double_to_string(value, ty, precision, flags);
    if percent {
        text.push('%');
    }
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.as_str()),
    };
    let ndigits = body.bytes().take_while(u8::is_ascii_digit).count();
    let (digits, after) = body.split_at(ndigits);
    let (has_decimal, remainder) = match after.strip_prefix('.') {
        Some(r) => (true, r),
        None => (false, after),
    };
    let parts = NumberParts {
        negative,
        prefix: "",
        digits,
        has_decimal,
        remainder,
    };
    let sep = if locale_n { None } else { spec.grouping };
    Ok(layout_number(&parts, &spec.layout('>'), sep, group))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::spec::parse_format_spec;

    fn ff(x: f64, spec: &str) -> String {
        let sp = parse_format_spec(spec, "float").unwrap();
        format_float(x, &sp, "float").unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn floats() {
        assert_eq!(ff(1234567.891, ",.2f"), "1,234,567.89");
        assert_eq!(ff(1234.5678, "+.3e"), "+1.235e+03");
        assert_eq!(ff(1e-5, "g"), "1e-05");
        assert_eq!(ff(1e16, "g"), "1e+16");
        assert_eq!(ff(0.0001, "g"), "0.0001");
        assert_eq!(ff(0.5, ".0f"), "0");
        assert_eq!(ff(1.5, ".0f"), "2");
        assert_eq!(ff(123.0, ".3"), "1.23e+02");
        assert_eq!(ff(0.0, ".3"), "0.0");
        assert_eq!(ff(1.5, ".0"), "2e+00");
        assert_eq!(ff(1e16, "#"), "1.e+16");
        assert_eq!(ff(f64::INFINITY, "010"), "0000000inf");
        assert_eq!(ff(-f64::NAN, "+"), "+nan");
        assert_eq!(ff(f64::NAN, "F"), "NAN");
        assert_eq!(ff(-0.0, "z"), "0.0");
        assert_eq!(ff(-0.0001, "z.2f"), "0.00");
        assert_eq!(ff(0.25, ".1%"), "25.0%");
        assert_eq!(ff(1234.5, "012,.1f"), "00,001,234.5");
        assert_eq!(
            ff(1.5, "d"),
            "ValueError: Unknown format code 'd' for object of type 'float'"
        );
    }
}
