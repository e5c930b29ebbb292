//! Data-driven tests: every expected value in `format_data/cases.txt` was produced
//! by CPython 3.11 via `tests/gen_cases.py`.

use num_bigint::BigInt;
use vm::format::*;

const DATA: &str = include_str!("format_data/cases.txt");

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('t') => out.push('\t'),
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn cases(kind: &str) -> Vec<Vec<String>> {
    let v: Vec<Vec<String>> = DATA
        .lines()
        .filter(|l| l.split('\t').next() == Some(kind))
        .map(|l| l.split('\t').skip(1).map(unescape).collect())
        .collect();
    assert!(!v.is_empty(), "no cases for {kind}");
    v
}

fn f(hex: &str) -> f64 {
    f64::from_bits(u64::from_str_radix(hex, 16).expect("hex bits"))
}

fn bits(x: f64) -> String {
    format!("{:016x}", x.to_bits())
}

fn int(s: &str) -> BigInt {
    s.parse().expect("int")
}

fn err(e: FormatError) -> String {
    format!("!ERR {e}")
}

fn value_err(msg: String) -> String {
    format!("!ERR ValueError: {msg}")
}

/// Run all cases of `kind`, comparing `check(fields)` with the last field.
fn run(kind: &str, check: impl Fn(&[String]) -> String) {
    let all = cases(kind);
    let mut failures = Vec::new();
    for c in &all {
        let (args, want) = c.split_at(c.len() - 1);
        let got = check(args);
        if got != want[0] {
            failures.push(format!("{args:?}: got {got:?}, want {:?}", want[0]));
        }
    }
    for line in failures.iter().take(40) {
        eprintln!("{kind} {line}");
    }
    assert!(
        failures.is_empty(),
        "{kind}: {} of {} cases failed",
        failures.len(),
        all.len()
    );
    eprintln!("{kind}: {} cases passed", all.len());
}

#[test]
fn repr_cases() {
    run("repr", |a| float_repr(f(&a[0])));
}

#[test]
fn format_float_cases() {
    run("fmt_float", |a| match parse_format_spec(&a[1], "float") {
        Err(m) => value_err(m),
        Ok(spec) => format_float(f(&a[0]), &spec, "float").unwrap_or_else(err),
    });
}

#[test]
fn format_int_cases() {
    run("fmt_int", |a| match parse_format_spec(&a[1], "int") {
        Err(m) => value_err(m),
        Ok(spec) => format_int(&int(&a[0]), &spec, "int").unwrap_or_else(err),
    });
}

#[test]
fn format_str_cases() {
    run("fmt_str", |a| match parse_format_spec(&a[1], "str") {
        Err(m) => value_err(m),
        Ok(spec) => format_str(&a[0], &spec, "str").unwrap_or_else(err),
    });
}

/// Apply a single-directive `%` format (with trailing literal text).
fn percent(
    fmt: &str,
    conv: impl Fn(&PercentDirective, Option<usize>, Option<usize>) -> String,
) -> String {
    let body = fmt.strip_prefix('%').expect("starts with %");
    match parse_percent_directive(body) {
        Err(e) => err(e),
        Ok((d, used)) => {
            let fixed = |c: Option<PercentCount>| {
                c.map(|c| match c {
                    PercentCount::Fixed(n) => n,
                    PercentCount::Star => panic!("no star in these cases"),
                })
            };
            let mut out = conv(&d, fixed(d.width), fixed(d.precision));
            out.push_str(&body[used..]);
            out
        }
    }
}

#[test]
fn percent_int_cases() {
    run("pct_int", |a| {
        percent(&a[0], |d, w, p| {
            percent_format_int(&int(&a[1]), d.conversion, d.flags, w, p)
        })
    });
}

#[test]
fn percent_float_cases() {
    run("pct_float", |a| {
        percent(&a[0], |d, w, p| {
            percent_format_float(f(&a[1]), d.conversion, d.flags, w, p)
        })
    });
}

#[test]
fn percent_str_cases() {
    run("pct_str", |a| {
        percent(&a[0], |d, w, p| {
            percent_pad_str(&a[1], d.conversion, d.flags, w, p)
        })
    });
}

#[test]
fn percent_parse_error_cases() {
    run("pct_parse_err", |a| {
        percent(&a[0], |_, _, _| "parsed without error".to_string())
    });
}

#[test]
fn parse_int_cases() {
    run("parse_int", |a| {
        match parse_int(&a[0], a[1].parse().unwrap()) {
            Ok(v) => v.to_string(),
            Err(()) => format!(
                "!ERR ValueError: invalid literal for int() with base {}: {}",
                a[1],
                py_str_repr(&a[0])
            ),
        }
    });
}

/// Python's repr of a str, enough for the parse test inputs.
fn py_str_repr(s: &str) -> String {
    let mut out = String::from("'");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if (0x80..0xa1).contains(&(c as u32)) => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            '\u{2003}' => out.push_str("\\u2003"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

#[test]
fn parse_float_cases() {
    run("parse_float", |a| match parse_float(&a[0]) {
        Ok(v) if v.is_nan() => if v.is_sign_negative() { "-nan" } else { "nan" }.to_string(),
        Ok(v) => bits(v),
        Err(()) => format!(
            "!ERR ValueError: could not convert string to float: {}",
            py_str_repr(&a[0])
        ),
    });
}

#[test]
fn radix_cases() {
    run("radix", |a| {
        int_to_str_radix(&int(&a[0]), a[1].parse().unwrap())
    });
}

#[test]
fn hash_int_cases() {
    run("hash_int", |a| hash_int(&int(&a[0])).to_string());
}

#[test]
fn hash_float_cases() {
    run("hash_float", |a| hash_float(f(&a[0])).to_string());
}

#[test]
fn hash_tuple_cases() {
    run("hash_tuple", |a| {
        let items: Vec<i64> = a[0]
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|s| match s.strip_prefix('f') {
                Some(hex) => hash_float(f(hex)),
                None => hash_int(&int(s)),
            })
            .collect();
        hash_tuple(&items).to_string()
    });
}

#[test]
fn round_cases() {
    run("round", |a| {
        match round_float(f(&a[0]), a[1].parse().unwrap()) {
            Ok(v) if v.is_nan() => "nan".to_string(),
            Ok(v) => bits(v),
            Err(e) => err(e),
        }
    });
}

#[test]
fn round_no_ndigits_cases() {
    run("round0", |a| {
        let x = f(&a[0]);
        if x.is_nan() {
            return "!ERR ValueError: cannot convert float NaN to integer".into();
        }
        if x.is_infinite() {
            return "!ERR OverflowError: cannot convert float infinity to integer".into();
        }
        let (n, d) = float_as_integer_ratio(round_half_even(x)).unwrap();
        assert_eq!(d, BigInt::from(1));
        n.to_string()
    });
}

fn same(got: f64, want: &str) -> bool {
    let w = f(want);
    (got.is_nan() && w.is_nan()) || got.to_bits() == w.to_bits()
}

fn check_binop(
    a: &[String],
    op: impl Fn(f64, f64) -> Result<f64, FormatError>,
    want: &str,
) -> bool {
    match op(f(&a[0]), f(&a[1])) {
        Ok(v) => !want.starts_with('!') && same(v, want),
        Err(e) => err(e) == want,
    }
}

fn binop_cases(kind: &str, op: impl Fn(f64, f64) -> Result<f64, FormatError> + Copy) {
    let all = cases(kind);
    let bad: Vec<_> = all
        .iter()
        .filter(|c| !check_binop(&c[..2], op, &c[2]))
        .collect();
    for c in bad.iter().take(20) {
        eprintln!("{kind} {c:?}: got {:?}", op(f(&c[0]), f(&c[1])));
    }
    assert!(
        bad.is_empty(),
        "{kind}: {} of {} failed",
        bad.len(),
        all.len()
    );
}

#[test]
fn floordiv_cases() {
    binop_cases("floordiv", float_floordiv);
}

#[test]
fn mod_cases() {
    binop_cases("mod", float_mod);
}

#[test]
fn divmod_cases() {
    let all = cases("divmod");
    let mut bad = 0;
    for c in &all {
        let got = float_divmod(f(&c[0]), f(&c[1]));
        let ok = match (&got, c[2].split_once(',')) {
            (Ok((q, r)), Some((wq, wr))) => same(*q, wq) && same(*r, wr),
            (Err(e), None) => err(e.clone()) == c[2],
            _ => false,
        };
        if !ok {
            bad += 1;
            eprintln!("divmod {c:?}: got {got:?}");
        }
    }
    assert_eq!(bad, 0, "divmod: {bad} of {} failed", all.len());
}

#[test]
fn ratio_cases() {
    run("ratio", |a| match float_as_integer_ratio(f(&a[0])) {
        Ok((n, d)) => format!("{n}/{d}"),
        Err(e) => err(e),
    });
}

#[derive(Clone)]
enum Arg {
    Int(BigInt),
    Float(f64),
    Str(String),
}

fn decode_arg(s: &str) -> Arg {
    match s.split_at(1) {
        ("i", v) => Arg::Int(int(v)),
        ("f", v) => Arg::Float(f(v)),
        ("s", v) => Arg::Str(v.to_string()),
        _ => panic!("bad arg {s}"),
    }
}

/// A miniature `str % args` driver exercising `*` widths and mapping keys.
fn mini_percent(fmt: &str, encoded: &str) -> String {
    let (mut positional, mapping): (Vec<Arg>, Option<(String, Arg)>) =
        match encoded.strip_prefix('m') {
            Some(kv) => {
                let (k, v) = kv.split_once('=').unwrap();
                (vec![], Some((k.to_string(), decode_arg(v))))
            }
            None => (encoded.split(';').map(decode_arg).collect(), None),
        };
    positional.reverse();
    let mut out = String::new();
    let mut rest = fmt;
    while let Some(pos) = rest.find('%') {
        out.push_str(&rest[..pos]);
        let (d, used) = match parse_percent_directive(&rest[pos + 1..]) {
            Ok(v) => v,
            Err(e) => return err(e),
        };
        rest = &rest[pos + 1 + used..];
        if d.literal_percent {
            out.push('%');
            continue;
        }
        let mut flags = d.flags;
        let next_int = |positional: &mut Vec<Arg>| match positional.pop() {
            Some(Arg::Int(n)) => i64::try_from(n).unwrap(),
            _ => panic!("* wants int"),
        };
        let width = match d.width {
            Some(PercentCount::Star) => Some(star_width(&mut flags, next_int(&mut positional))),
            Some(PercentCount::Fixed(w)) => Some(w),
            None => None,
        };
        let prec = match d.precision {
            Some(PercentCount::Star) => Some(star_precision(next_int(&mut positional))),
            Some(PercentCount::Fixed(p)) => Some(p),
            None => None,
        };
        let arg = match (&d.key, &mapping) {
            (Some(k), Some((mk, v))) if k == mk => v.clone(),
            (Some(_), _) => panic!("missing key"),
            (None, _) => positional.pop().expect("enough args"),
        };
        let piece = match (d.conversion, arg) {
            ('d' | 'i' | 'u' | 'o' | 'x' | 'X', Arg::Int(n)) => {
                percent_format_int(&n, d.conversion, flags, width, prec)
            }
            ('e' | 'E' | 'f' | 'F' | 'g' | 'G', Arg::Float(x)) => {
                percent_format_float(x, d.conversion, flags, width, prec)
            }
            ('s' | 'c', Arg::Str(s)) => percent_pad_str(&s, d.conversion, flags, width, prec),
            (c, _) => panic!("unsupported in mini driver: {c}"),
        };
        out.push_str(&piece);
    }
    out.push_str(rest);
    out
}

#[test]
fn percent_star_and_key_cases() {
    run("pct_star", |a| mini_percent(&a[0], &a[1]));
}
