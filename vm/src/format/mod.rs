//! Python 3.11 number and text formatting / parsing rules, as pure functions.
//!
//! Everything here mirrors CPython 3.11 behaviour (formatter_unicode.c,
//! pystrtod.c, unicodeobject.c's `%` formatting, longobject.c parsing,
//! pyhash.c and floatobject.c), re-implemented from scratch on top of
//! Rust's exact float formatting and `num-bigint`.
//!
//! Locale-dependent behaviour (`n` presentation type) assumes the C locale.

pub mod float_repr;
pub mod format_complex;
pub mod format_float;
pub mod format_int;
pub mod hash;
pub mod parse;
pub mod percent;
pub mod round;
pub mod spec;

pub use float_repr::{float_repr, float_to_string};
pub use format_float::format_float;
pub use format_int::{format_int, int_to_f64, int_to_str_radix};
pub use hash::{HASH_INF, HASH_MODULUS, hash_float, hash_i64, hash_int, hash_tuple};
pub use parse::{parse_float, parse_int};
pub use percent::{
    PercentCount, PercentDirective, PercentFlags, parse_percent_directive, percent_format_float,
    percent_format_int, percent_pad_str, star_precision, star_width, unsupported_format_char,
};
pub use round::{
    float_as_integer_ratio, float_divmod, float_floordiv, float_mod, round_float, round_half_even,
};
pub use spec::{FormatSpec, format_str, parse_format_spec};

use std::fmt;

/// Which Python exception class an error corresponds to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// `ValueError`
    ValueError,
    /// `OverflowError`
    OverflowError,
    /// `ZeroDivisionError`
    ZeroDivisionError,
}

/// An error to be raised by the VM: exception class plus CPython's exact message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    /// Exception class.
    pub kind: ErrorKind,
    /// Exact CPython message text.
    pub msg: String,
}

impl FormatError {
    /// A `ValueError` with the given message.
    pub fn value(msg: impl Into<String>) -> Self {
        FormatError {
            kind: ErrorKind::ValueError,
            msg: msg.into(),
        }
    }

    /// An `OverflowError` with the given message.
    pub fn overflow(msg: impl Into<String>) -> Self {
        FormatError {
            kind: ErrorKind::OverflowError,
            msg: msg.into(),
        }
    }

    /// A `ZeroDivisionError` with the given message.
    pub fn zero_division(msg: impl Into<String>) -> Self {
        FormatError {
            kind: ErrorKind::ZeroDivisionError,
            msg: msg.into(),
        }
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.kind {
            ErrorKind::ValueError => "ValueError",
            ErrorKind::OverflowError => "OverflowError",
            ErrorKind::ZeroDivisionError => "ZeroDivisionError",
        };
        write!(f, "{}: {}", name, self.msg)
    }
}

impl std::error::Error for FormatError {}
