//! `str` (and a few `bytes`) methods, including `str.format`.

use crate::builtins::*;
use crate::object::{self, Kind, field};
use crate::value::Value;
use crate::vm::{Args, PyResult, Vm};
use gc_api::Heap;

pub(super) fn install<H: Heap>(vm: &mut Vm<H>) {
    let m: &[(&'static str, crate::vm::NativeFn<H>)] = &[
        ("join", join::<H>),
        ("split", split::<H>),
        ("rsplit", rsplit::<H>),
        ("splitlines", splitlines::<H>),
        ("strip", strip::<H>),
        ("lstrip", lstrip::<H>),
        ("rstrip", rstrip::<H>),
        ("replace", replace::<H>),
        ("startswith", startswith::<H>),
        ("endswith", endswith::<H>),
        ("removeprefix", |vm, a| {
            remove_affix(vm, a, "removeprefix", true)
        }),
        ("removesuffix", |vm, a| {
            remove_affix(vm, a, "removesuffix", false)
        }),
        ("find", find::<H>),
        ("rfind", rfind::<H>),
        ("index", index::<H>),
        ("rindex", rindex::<H>),
        ("count", count::<H>),
        ("upper", upper::<H>),
        ("lower", lower::<H>),
        ("casefold", lower::<H>),
        ("capitalize", capitalize::<H>),
        ("title", title::<H>),
        ("swapcase", swapcase::<H>),
        ("isdigit", isdigit::<H>),
        ("isdecimal", isdecimal::<H>),
        ("isnumeric", isnumeric::<H>),
        ("isprintable", isprintable::<H>),
        ("isalpha", isalpha::<H>),
        ("isalnum", isalnum::<H>),
        ("isspace", isspace::<H>),
        ("isupper", isupper::<H>),
        ("islower", islower::<H>),
        ("isidentifier", isidentifier::<H>),
        ("isascii", |vm, a| {
            vm.check_args(a, "isascii", 1, 1)?;
            Ok(Value::bool(this(vm, a).is_ascii()))
        }),
        ("istitle", istitle::<H>),
        ("format", format::<H>),
        ("zfill", zfill::<H>),
        ("ljust", ljust::<H>),
        ("rjust", rjust::<H>),
        ("center", center::<H>),
        ("encode", encode::<H>),
        ("partition", partition::<H>),
        ("rpartition", rpartition::<H>),
        ("expandtabs", expandtabs::<H>),
    ];
    for &(n, f) in m {
        vm.def_method(T_STR, n, f);
    }
    vm.def_method(T_BYTES, "decode", decode::<H>);
    vm.def_method(T_STR, "translate", translate::<H>);
    vm.def_staticmethod(T_STR, "maketrans", maketrans::<H>);
}

/// `str.maketrans(dict)` or `str.maketrans(x, y[, z])`: a dict from code
/// points to code points, strings or None, for `str.translate`.
fn maketrans<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "maketrans", 1, 3)?;
    let d = vm.new_dict()?;
    let ds = vm.push(d);
    if a.n == 1 {
        let m = vm.arg(a, 0);
        if !(m.is_obj() && object::kind(m.as_obj()) == Kind::Dict) {
            return Err(
                vm.type_error("if you give only one argument to maketrans it must be a dict")
            );
        }
        for i in 0..Vm::<H>::dict_used(m) {
            let (k, v) = Vm::<H>::dict_entry(vm.arg(a, 0), i);
            if k.is_null() || k == Value::DUMMY {
                continue;
            }
            let key = if k.is_obj() && object::kind(k.as_obj()) == Kind::Str {
                let s = object::str_of(k.as_obj());
                let mut cs = s.chars();
                match (cs.next(), cs.next()) {
                    (Some(c), None) => Value::int(c as i64),
                    _ => {
                        return Err(
                            vm.value_error("string keys in translate table must be of length 1")
                        );
                    }
                }
            } else if k.is_int() {
                k
            } else {
                return Err(vm.type_error("keys in translate table must be strings or integers"));
            };
            vm.dict_set_item(vm.st(ds), key, v)?;
        }
    } else {
        let x = s_arg(vm, a, 0, "maketrans() argument 1")?;
        let y = s_arg(vm, a, 1, "maketrans() argument 2")?;
        if x.chars().count() != y.chars().count() {
            return Err(vm.value_error("the first two maketrans arguments must have equal length"));
        }
        for (cx, cy) in x.chars().zip(y.chars()) {
            vm.dict_set_item(vm.st(ds), Value::int(cx as i64), Value::int(cy as i64))?;
        }
        if a.n == 3 {
            let z = s_arg(vm, a, 2, "maketrans() argument 3")?;
            for c in z.chars() {
                vm.dict_set_item(vm.st(ds), Value::int(c as i64), Value::NONE)?;
            }
        }
    }
    let d = vm.st(ds);
    vm.truncate(ds);
    Ok(d)
}

/// `str.translate(table)`: each character looked up by code point in
/// `table` (any mapping); a LookupError keeps it, None deletes it.
fn translate<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "translate", 2, 2)?;
    let s = this(vm, a);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let table = vm.arg(a, 1);
        let r = match vm.getitem(table, Value::int(c as i64)) {
            Ok(v) => v,
            Err(e) => {
                if vm.isinstance_idx(vm.rt.exc, T_LOOKUP_ERROR) {
                    vm.rt.exc = Value::NULL;
                    out.push(c);
                    continue;
                }
                return Err(e);
            }
        };
        let r = Vm::<H>::unbox(r);
        if r.is_none() {
            continue;
        }
        if let Some(i) = r.to_int() {
            match u32::try_from(i).ok().and_then(char::from_u32) {
                Some(ch) => out.push(ch),
                None => return Err(vm.value_error("character mapping must be in range(0x110000)")),
            }
        } else if r.is_obj() && object::kind(r.as_obj()) == Kind::Str {
            out.push_str(object::str_of(r.as_obj()));
        } else {
            return Err(vm.type_error("character mapping must return integer, None or str"));
        }
    }
    vm.new_str(&out)
}

/// The str of argument `i`, or a TypeError naming the method.
fn s_arg<H: Heap>(vm: &mut Vm<H>, a: Args, i: usize, what: &str) -> PyResult<String> {
    let v = Vm::<H>::unbox(vm.arg(a, i));
    if v.is_obj() && object::kind(v.as_obj()) == Kind::Str {
        Ok(object::str_of(v.as_obj()).to_string())
    } else {
        let msg = format!("{what}: must be str, not {}", vm.type_name(v));
        Err(vm.type_error(&msg))
    }
}

fn this<H: Heap>(vm: &Vm<H>, a: Args) -> String {
    object::str_of(vm.arg(a, 0).as_obj()).to_string()
}

fn new_list_of_strs<H: Heap>(vm: &mut Vm<H>, parts: &[&str]) -> PyResult {
    let l = vm.new_list(parts.len())?;
    let ls = vm.push(l);
    for p in parts {
        let s = vm.new_str(p)?;
        vm.list_append(vm.st(ls), s)?;
    }
    let l = vm.st(ls);
    vm.truncate(ls);
    Ok(l)
}

fn join<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "join", 2, 2)?;
    let sep = this(vm, a);
    let it = vm.get_iter(vm.arg(a, 1))?;
    let its = vm.push(it);
    let mut out = String::new();
    let mut i = 0;
    while let Some(v) = vm.iter_next(its)? {
        let v = Vm::<H>::unbox(v);
        if !(v.is_obj() && object::kind(v.as_obj()) == Kind::Str) {
            vm.truncate(its);
            let msg = format!(
                "sequence item {i}: expected str instance, {} found",
                vm.type_name(v)
            );
            return Err(vm.type_error(&msg));
        }
        if i > 0 {
            out.push_str(&sep);
        }
        out.push_str(object::str_of(v.as_obj()));
        i += 1;
    }
    vm.truncate(its);
    vm.new_str(&out)
}

fn split_args<H: Heap>(vm: &mut Vm<H>, a: Args, name: &str) -> PyResult<(Option<String>, i64)> {
    vm.check_kwargs(a, name, &["sep", "maxsplit"])?;
    vm.check_count(a, name, 1, 3)?;
    let sep = if a.n >= 2 {
        Some(vm.arg(a, 1))
    } else {
        vm.kwarg(a, "sep")
    };
    let sep = match sep {
        Some(v) if !v.is_none() => {
            let s = if v.is_obj() && object::kind(v.as_obj()) == Kind::Str {
                object::str_of(v.as_obj()).to_string()
            } else {
                let msg = format!("must be str or None, not {}", vm.type_name(v));
                return Err(vm.type_error(&msg));
            };
            if s.is_empty() {
                return Err(vm.value_error("empty separator"));
            }
            Some(s)
        }
        _ => None,
    };
    let max = if a.n >= 3 {
        Some(vm.arg(a, 2))
    } else {
        vm.kwarg(a, "maxsplit")
    };
    let max = max.and_then(|v| v.to_int()).unwrap_or(-1);
    Ok((sep, max))
}

fn split<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let (sep, max) = split_args(vm, a, "split")?;
    let s = this(vm, a);
    let parts: Vec<&str> = match &sep {
        Some(sep) => {
            if max < 0 {
                s.split(sep.as_str()).collect()
            } else {
                s.splitn(max as usize + 1, sep.as_str()).collect()
            }
        }
        None => {
            let mut out = Vec::new();
            let mut rest = s.trim_start();
            let mut n = 0;
            while !rest.is_empty() {
                if max >= 0 && n >= max {
                    out.push(rest);
                    break;
                }
                match rest.find(char::is_whitespace) {
                    Some(i) => {
                        out.push(&rest[..i]);
                        rest = rest[i..].trim_start();
                    }
                    None => {
                        out.push(rest);
                        rest = "";
                    }
                }
                n += 1;
            }
            out
        }
    };
    new_list_of_strs(vm, &parts)
}

fn rsplit<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let (sep, max) = split_args(vm, a, "rsplit")?;
    let s = this(vm, a);
    let mut parts: Vec<&str> = match &sep {
        Some(sep) => {
            if max < 0 {
                s.rsplit(sep.as_str()).collect()
            } else {
                s.rsplitn(max as usize + 1, sep.as_str()).collect()
            }
        }
        None => {
            let mut out = Vec::new();
            let mut rest = s.trim_end();
            let mut n = 0;
            while !rest.is_empty() {
                if max >= 0 && n >= max {
                    out.push(rest);
                    break;
                }
                match rest.rfind(char::is_whitespace) {
                    Some(i) => {
                        let ch = rest[i..].chars().next().map_or(1, |c| c.len_utf8());
                        out.push(&rest[i + ch..]);
                        rest = rest[..i].trim_end();
                    }
                    None => {
                        out.push(rest);
                        rest = "";
                    }
                }
                n += 1;
            }
            out
        }
    };
    parts.reverse();
    new_list_of_strs(vm, &parts)
}

fn splitlines<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "splitlines", &["keepends"])?;
    let keep = match if a.n >= 2 {
        Some(vm.arg(a, 1))
    } else {
        vm.kwarg(a, "keepends")
    } {
        Some(v) => vm.truthy(v)?,
        None => false,
    };
    let s = this(vm, a);
    let mut parts = Vec::new();
    let mut start = 0;
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\n' || b[i] == b'\r' {
            let mut end = i + 1;
            if b[i] == b'\r' && i + 1 < b.len() && b[i + 1] == b'\n' {
                end += 1;
            }
            parts.push(if keep { &s[start..end] } else { &s[start..i] });
            start = end;
            i = end;
        } else {
            i += 1;
        }
    }
    if start < s.len() {
        parts.push(&s[start..]);
    }
    new_list_of_strs(vm, &parts)
}

fn strip_impl<H: Heap>(vm: &mut Vm<H>, a: Args, name: &str, left: bool, right: bool) -> PyResult {
    vm.check_args(a, name, 1, 2)?;
    let s = this(vm, a);
    let chars: Option<Vec<char>> = if a.n == 2 && !vm.arg(a, 1).is_none() {
        Some(s_arg(vm, a, 1, name)?.chars().collect())
    } else {
        None
    };
    let pred = |c: char| match &chars {
        Some(cs) => cs.contains(&c),
        None => c.is_whitespace(),
    };
    let mut r: &str = &s;
    if left {
        r = r.trim_start_matches(pred);
    }
    if right {
        r = r.trim_end_matches(pred);
    }
    if r.len() == s.len() {
        return Ok(vm.arg(a, 0));
    }
    let r = r.to_string();
    vm.new_str(&r)
}

fn strip<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    strip_impl(vm, a, "strip", true, true)
}

fn lstrip<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    strip_impl(vm, a, "lstrip", true, false)
}

fn rstrip<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    strip_impl(vm, a, "rstrip", false, true)
}

fn replace<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "replace", 3, 4)?;
    let s = this(vm, a);
    let old = s_arg(vm, a, 1, "replace() argument 1")?;
    let new = s_arg(vm, a, 2, "replace() argument 2")?;
    let count = if a.n == 4 {
        vm.arg(a, 3).to_int().unwrap_or(-1)
    } else {
        -1
    };
    let r = if count < 0 {
        s.replace(&old, &new)
    } else {
        s.replacen(&old, &new, count as usize)
    };
    vm.new_str(&r)
}

/// Char-indexed bounds `[start, end)` from optional args `i`, `i+1`, as
/// byte offsets into `s`.
fn bounds<H: Heap>(vm: &mut Vm<H>, a: Args, i: usize, s: &str) -> PyResult<(usize, usize)> {
    let n = s.chars().count();
    let (start, end) = char_range(vm, a, i, n)?.unwrap_or((n, n));
    let ascii = s.is_ascii();
    Ok((byte_at(s, ascii, start), byte_at(s, ascii, end)))
}

/// The `[start:end]` char range given by argument slots `i` and `i + 1`
/// (absent or None: the whole string) over `n` chars, clamped as slices
/// are, `end >= start`; None when `start` is past the end (where CPython
/// finds nothing, not even an empty string). May run `__index__`.
fn char_range<H: Heap>(
    vm: &mut Vm<H>,
    a: Args,
    i: usize,
    n: usize,
) -> PyResult<Option<(usize, usize)>> {
    let n = n as i64;
    let get = |vm: &mut Vm<H>, k: usize, d: i64| -> PyResult<i64> {
        if a.n > k && !vm.arg(a, k).is_none() {
            Ok(vm.index_value(vm.arg(a, k))?.unwrap_or(d))
        } else {
            Ok(d)
        }
    };
    let norm = |x: i64| -> i64 { if x < 0 { (x + n).max(0) } else { x.min(n) } };
    let raw_start = get(vm, i, 0)?;
    let start = norm(raw_start);
    let end = norm(get(vm, i + 1, n)?);
    if raw_start > n {
        return Ok(None);
    }
    Ok(Some((start as usize, end.max(start) as usize)))
}

/// The byte offset of char `c` in `s` (the same number when `s` is ASCII).
fn byte_at(s: &str, ascii: bool, c: usize) -> usize {
    if ascii {
        c.min(s.len())
    } else {
        s.char_indices().nth(c).map_or(s.len(), |(b, _)| b)
    }
}

fn affix<H: Heap>(vm: &mut Vm<H>, a: Args, name: &str, prefix: bool) -> PyResult {
    vm.check_args(a, name, 2, 4)?;
    let s = this(vm, a);
    let (lo, hi) = bounds(vm, a, 2, &s)?;
    let sub = &s[lo..hi];
    let p = vm.arg(a, 1);
    let cands: Vec<String> = if p.is_obj() && object::kind(p.as_obj()) == Kind::Tuple {
        object::items(p.as_obj())
            .iter()
            .filter(|v| v.is_obj() && object::kind(v.as_obj()) == Kind::Str)
            .map(|v| object::str_of(v.as_obj()).to_string())
            .collect()
    } else if p.is_obj() && object::kind(p.as_obj()) == Kind::Str {
        vec![object::str_of(p.as_obj()).to_string()]
    } else {
        let msg = format!(
            "{name} first arg must be str or a tuple of str, not {}",
            vm.type_name(p)
        );
        return Err(vm.type_error(&msg));
    };
    let r = cands.iter().any(|c| {
        if prefix {
            sub.starts_with(c.as_str())
        } else {
            sub.ends_with(c.as_str())
        }
    });
    Ok(Value::bool(r))
}

fn startswith<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    affix(vm, a, "startswith", true)
}

fn endswith<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    affix(vm, a, "endswith", false)
}

/// `str.removeprefix(p)` / `str.removesuffix(s)` (PEP 616).
fn remove_affix<H: Heap>(vm: &mut Vm<H>, a: Args, name: &str, prefix: bool) -> PyResult {
    vm.check_args(a, name, 2, 2)?;
    let affix = Vm::<H>::unbox(vm.arg(a, 1));
    if !(affix.is_obj() && object::kind(affix.as_obj()) == Kind::Str) {
        let msg = format!("{name}() argument must be str, not {}", vm.type_name(affix));
        return Err(vm.type_error(&msg));
    }
    let affix = object::str_of(affix.as_obj()).to_string();
    let s = this(vm, a);
    let kept = if prefix {
        s.strip_prefix(affix.as_str())
    } else {
        s.strip_suffix(affix.as_str())
    };
    vm.new_str(kept.unwrap_or(&s))
}

fn find_impl<H: Heap>(vm: &mut Vm<H>, a: Args, name: &str, rev: bool) -> PyResult<i64> {
    vm.check_args(a, name, 2, 4)?;
    let sub = s_arg(vm, a, 1, name)?;
    let o = vm.arg(a, 0).as_obj();
    let Some((start, end)) = char_range(vm, a, 2, object::word(o, field::STR_CHARS))? else {
        return Ok(-1);
    };
    // Nothing allocates from here on: the string is searched in place,
    // and only the chars between `start` and a match are counted.
    let o = vm.arg(a, 0).as_obj();
    let s = object::str_of(o);
    let ascii = object::word(o, field::STR_CHARS) == s.len();
    let lo = byte_at(s, ascii, start);
    let hi = lo + byte_at(&s[lo..], ascii, end - start);
    let hay = &s[lo..hi];
    let pos = if rev {
        hay.rfind(sub.as_str())
    } else {
        hay.find(sub.as_str())
    };
    Ok(match pos {
        Some(b) if ascii => (lo + b) as i64,
        Some(b) => (start + hay[..b].chars().count()) as i64,
        None => -1,
    })
}

fn find<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    find_impl(vm, a, "find", false).map(Value::int)
}

fn rfind<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    find_impl(vm, a, "rfind", true).map(Value::int)
}

fn index<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    match find_impl(vm, a, "index", false)? {
        -1 => Err(vm.value_error("substring not found")),
        i => Ok(Value::int(i)),
    }
}

fn rindex<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    match find_impl(vm, a, "rindex", true)? {
        -1 => Err(vm.value_error("substring not found")),
        i => Ok(Value::int(i)),
    }
}

fn count<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "count", 2, 4)?;
    let s = this(vm, a);
    let sub = s_arg(vm, a, 1, "count")?;
    let (lo, hi) = bounds(vm, a, 2, &s)?;
    let hay = &s[lo..hi];
    let n = if sub.is_empty() {
        hay.chars().count() + 1
    } else {
        hay.matches(sub.as_str()).count()
    };
    Ok(Value::int(n as i64))
}

fn map_str<H: Heap>(vm: &mut Vm<H>, a: Args, name: &str, f: fn(&str) -> String) -> PyResult {
    vm.check_args(a, name, 1, 1)?;
    let s = this(vm, a);
    let r = f(&s);
    vm.new_str(&r)
}

fn upper<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    map_str(vm, a, "upper", |s| s.to_uppercase())
}

fn lower<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    map_str(vm, a, "lower", |s| s.to_lowercase())
}

fn capitalize<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    map_str(vm, a, "capitalize", |s| {
        let mut c = s.chars();
        match c.next() {
            Some(f) => f.to_uppercase().collect::<String>() + &c.as_str().to_lowercase(),
            None => String::new(),
        }
    })
}

fn title<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    map_str(vm, a, "title", |s| {
        let mut out = String::new();
        let mut prev_cased = false;
        for c in s.chars() {
            if prev_cased {
                out.extend(c.to_lowercase());
            } else {
                out.extend(c.to_uppercase());
            }
            prev_cased = c.is_alphabetic();
        }
        out
    })
}

fn swapcase<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    map_str(vm, a, "swapcase", |s| {
        s.chars()
            .flat_map(|c| -> Vec<char> {
                if c.is_uppercase() {
                    c.to_lowercase().collect()
                } else {
                    c.to_uppercase().collect()
                }
            })
            .collect()
    })
}

fn pred<H: Heap>(vm: &mut Vm<H>, a: Args, name: &str, f: fn(&str) -> bool) -> PyResult {
    vm.check_args(a, name, 1, 1)?;
    let s = this(vm, a);
    Ok(Value::bool(f(&s)))
}

// The digit classes and printability follow the Unicode database
// (`rustpython_unicode::classify`, the data behind `unicodedata`).

fn isdigit<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    use rustpython_unicode::classify::is_digit;
    pred(vm, a, "isdigit", |s| {
        !s.is_empty() && s.chars().all(is_digit)
    })
}

fn isdecimal<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    use rustpython_unicode::classify::is_decimal;
    pred(vm, a, "isdecimal", |s| {
        !s.is_empty() && s.chars().all(is_decimal)
    })
}

fn isnumeric<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    use rustpython_unicode::classify::is_numeric;
    pred(vm, a, "isnumeric", |s| {
        !s.is_empty() && s.chars().all(is_numeric)
    })
}

fn isprintable<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    use rustpython_unicode::classify::is_printable;
    pred(vm, a, "isprintable", |s| s.chars().all(is_printable))
}

fn isalpha<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    pred(vm, a, "isalpha", |s| {
        !s.is_empty() && s.chars().all(char::is_alphabetic)
    })
}

fn isalnum<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    pred(vm, a, "isalnum", |s| {
        !s.is_empty() && s.chars().all(char::is_alphanumeric)
    })
}

fn isspace<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    pred(vm, a, "isspace", |s| {
        !s.is_empty() && s.chars().all(char::is_whitespace)
    })
}

fn isupper<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    pred(vm, a, "isupper", |s| {
        s.chars().any(char::is_uppercase) && !s.chars().any(char::is_lowercase)
    })
}

fn islower<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    pred(vm, a, "islower", |s| {
        s.chars().any(char::is_lowercase) && !s.chars().any(char::is_uppercase)
    })
}

fn isidentifier<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    pred(vm, a, "isidentifier", |s| {
        let mut c = s.chars();
        matches!(c.next(), Some(f) if f == '_' || f.is_alphabetic())
            && c.all(|x| x == '_' || x.is_alphanumeric())
    })
}

fn istitle<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    pred(vm, a, "istitle", |s| {
        let (mut cased, mut prev_cased) = (false, false);
        for c in s.chars() {
            if c.is_uppercase() {
                if prev_cased {
                    return false;
                }
                prev_cased = true;
                cased = true;
            } else if c.is_lowercase() {
                if !prev_cased {
                    return false;
                }
                prev_cased = true;
                cased = true;
            } else {
                prev_cased = false;
            }
        }
        cased
    })
}

fn pad<H: Heap>(vm: &mut Vm<H>, a: Args, name: &str, align: char) -> PyResult {
    vm.check_args(a, name, 2, 3)?;
    let s = this(vm, a);
    let w = vm.index_value(vm.arg(a, 1))?.unwrap_or(0).max(0) as usize;
    let fill = if a.n == 3 {
        let f = s_arg(vm, a, 2, name)?;
        let mut it = f.chars();
        match (it.next(), it.next()) {
            (Some(c), None) => c,
            _ => return Err(vm.type_error("The fill character must be exactly one character long")),
        }
    } else {
        ' '
    };
    let n = s.chars().count();
    if n >= w {
        return Ok(vm.arg(a, 0));
    }
    let total = w - n;
    let (l, r) = match align {
        '<' => (0, total),
        '>' => (total, 0),
        _ => {
            let l = total / 2 + (total & w & 1);
            (l, total - l)
        }
    };
    let out: String = std::iter::repeat_n(fill, l)
        .chain(s.chars())
        .chain(std::iter::repeat_n(fill, r))
        .collect();
    vm.new_str(&out)
}

fn ljust<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    pad(vm, a, "ljust", '<')
}

fn rjust<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    pad(vm, a, "rjust", '>')
}

fn center<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    pad(vm, a, "center", '^')
}

fn zfill<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "zfill", 2, 2)?;
    let s = this(vm, a);
    let w = vm.index_value(vm.arg(a, 1))?.unwrap_or(0).max(0) as usize;
    let n = s.chars().count();
    if n >= w {
        return Ok(vm.arg(a, 0));
    }
    let (sign, digits) = match s.chars().next() {
        Some(c @ ('+' | '-')) => (c.to_string(), &s[1..]),
        _ => (String::new(), &s[..]),
    };
    let out = format!("{sign}{}{digits}", "0".repeat(w - n));
    vm.new_str(&out)
}

/// The `encoding` and `errors` arguments of `str.encode`/`bytes.decode`
/// (positional or keyword; defaults utf-8, strict).
fn codec_args<H: Heap>(vm: &mut Vm<H>, a: Args, fname: &str) -> PyResult<(String, String)> {
    vm.check_kwargs(a, fname, &["encoding", "errors"])?;
    let mut out = [String::from("utf-8"), String::from("strict")];
    for (i, (slot, name)) in out.iter_mut().zip(["encoding", "errors"]).enumerate() {
        if a.n > i + 1 {
            *slot = s_arg(vm, a, i + 1, fname)?;
        } else if let Some(v) = vm.kwarg(a, name) {
            if !(v.is_obj() && object::kind(v.as_obj()) == Kind::Str) {
                let msg = format!(
                    "{fname}() argument '{name}' must be str, not {}",
                    vm.type_name(v)
                );
                return Err(vm.type_error(&msg));
            }
            *slot = vm.str_string(v)?;
        }
    }
    let [enc, errors] = out;
    Ok((enc, errors))
}

/// An encoding name as the fast paths compare it.
fn normalized(enc: &str) -> String {
    enc.to_ascii_lowercase().replace('_', "-")
}

fn encode<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let (enc, errors) = codec_args(vm, a, "encode")?;
    let s = this(vm, a);
    // Fast paths for the common codecs when nothing needs an error handler.
    let fast: Option<Vec<u8>> = match normalized(&enc).as_str() {
        "utf-8" | "utf8" | "u8" => Some(s.into_bytes()),
        e @ ("ascii" | "us-ascii" | "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" | "l1") => {
            let lim = if e.contains("ascii") { 0x80 } else { 0x100 };
            s.chars()
                .map(|c| ((c as u32) < lim).then_some(c as u8))
                .collect()
        }
        _ => None,
    };
    match fast {
        Some(bytes) => vm.new_bytes_kind(Kind::Bytes, &bytes),
        None => text_codec(vm, a, &enc, &errors, true),
    }
}

/// `bytes.decode` and `bytearray.decode`.
pub(super) fn decode<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let (enc, errors) = codec_args(vm, a, "decode")?;
    let b = vm.byte_contents(vm.arg(a, 0)).unwrap_or_default();
    let fast: Option<String> = match normalized(&enc).as_str() {
        "utf-8" | "utf8" | "u8" => String::from_utf8(b).ok(),
        "ascii" | "us-ascii" => b.iter().map(|&x| (x < 0x80).then_some(x as char)).collect(),
        "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" | "l1" => {
            Some(b.iter().map(|&x| x as char).collect())
        }
        _ => None,
    };
    match fast {
        Some(s) => vm.new_str(&s),
        None => text_codec(vm, a, &enc, &errors, false),
    }
}

/// `str.encode`/`bytes.decode` through the codec registry, for the
/// codecs and error handlers the fast paths leave out (cp437, utf-16,
/// `errors="replace"`, the exceptions of a failed conversion): CPython's
/// text-codec path, in which the codec must be a text encoding and must
/// return bytes (`encode`) or str (`decode`). Argument 0 is converted.
fn text_codec<H: Heap>(vm: &mut Vm<H>, a: Args, enc: &str, errors: &str, encode: bool) -> PyResult {
    let (what, via) = if encode {
        ("encode", "codecs.encode()")
    } else {
        ("decode", "codecs.decode()")
    };
    let codecs = vm.import_module("_codecs")?;
    let mark = vm.push(codecs);
    let lookup = vm.intern("lookup");
    let f = vm.getattr(vm.st(mark), lookup)?;
    vm.push(f);
    let name = vm.new_str(enc)?;
    vm.push(name);
    let info = vm.call_values(vm.st(mark + 1), &[vm.st(mark + 2)])?;
    vm.set_st(mark, info);
    let text = vm.intern("_is_text_encoding");
    if let Some(t) = vm.getattr_opt(vm.st(mark), text)?
        && !vm.truthy(t)?
    {
        vm.truncate(mark);
        let msg = format!("'{enc}' is not a text encoding; use {via} to handle arbitrary codecs");
        return Err(vm.raise_msg(T_LOOKUP_ERROR, &msg));
    }
    let fsym = vm.intern(what);
    let f = vm.getattr(vm.st(mark), fsym)?;
    vm.set_st(mark, f);
    let errs = vm.new_str(errors)?;
    vm.set_st(mark + 1, errs);
    let r = vm.call_values(vm.st(mark), &[vm.arg(a, 0), vm.st(mark + 1)])?;
    vm.truncate(mark);
    let pair =
        r.is_obj() && object::kind(r.as_obj()) == Kind::Tuple && object::array_len(r.as_obj()) == 2;
    if !pair {
        let msg = if encode {
            "encoder must return a tuple (object, integer)"
        } else {
            "decoder must return a tuple (object,integer)"
        };
        return Err(vm.type_error(msg));
    }
    let out = object::array_get(r.as_obj(), 0);
    let (want, ok) = if encode {
        ("bytes", vm.byte_contents(out).is_some())
    } else {
        (
            "str",
            out.is_obj() && object::kind(out.as_obj()) == Kind::Str,
        )
    };
    if !ok {
        let msg = format!(
            "'{enc}' {what}r returned '{}' instead of '{want}'; use {via} to {what} to arbitrary types",
            vm.type_name(out)
        );
        return Err(vm.type_error(&msg));
    }
    if encode && !(out.is_obj() && object::kind(out.as_obj()) == Kind::Bytes) {
        let data = vm.byte_contents(out).unwrap_or_default();
        return vm.new_bytes_kind(Kind::Bytes, &data);
    }
    Ok(out)
}

fn partition_impl<H: Heap>(vm: &mut Vm<H>, a: Args, rev: bool) -> PyResult {
    vm.check_args(a, "partition", 2, 2)?;
    let s = this(vm, a);
    let sep = s_arg(vm, a, 1, "partition")?;
    if sep.is_empty() {
        return Err(vm.value_error("empty separator"));
    }
    let parts: [String; 3] = match if rev { s.rfind(&sep) } else { s.find(&sep) } {
        Some(i) => [
            s[..i].to_string(),
            sep.clone(),
            s[i + sep.len()..].to_string(),
        ],
        None if rev => [String::new(), String::new(), s.clone()],
        None => [s.clone(), String::new(), String::new()],
    };
    let mark = vm.rt.sp;
    for p in &parts {
        let v = vm.new_str(p)?;
        vm.push(v);
    }
    let t = vm.tuple_from_stack(mark, 3);
    vm.truncate(mark);
    t
}

fn partition<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    partition_impl(vm, a, false)
}

fn rpartition<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    partition_impl(vm, a, true)
}

fn expandtabs<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "expandtabs", 1, 2)?;
    let s = this(vm, a);
    let ts = if a.n == 2 {
        vm.arg(a, 1).to_int().unwrap_or(8)
    } else {
        8
    }
    .max(0) as usize;
    let mut out = String::new();
    let mut col = 0;
    for c in s.chars() {
        match c {
            '\t' => {
                if ts > 0 {
                    let n = ts - col % ts;
                    out.extend(std::iter::repeat_n(' ', n));
                    col += n;
                }
            }
            '\n' | '\r' => {
                out.push(c);
                col = 0;
            }
            c => {
                out.push(c);
                col += 1;
            }
        }
    }
    vm.new_str(&out)
}

/// `str.format(*args, **kwargs)`.
fn format<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let fmt = this(vm, a);
    let out = format_string(vm, a, &fmt, &mut 0)?;
    vm.new_str(&out)
}

fn format_string<H: Heap>(
    vm: &mut Vm<H>,
    a: Args,
    fmt: &str,
    auto: &mut usize,
) -> PyResult<String> {
    let mut out = String::new();
    let mut chars = fmt.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '{' => {
                if let Some((_, '{')) = chars.peek() {
                    chars.next();
                    out.push('{');
                    continue;
                }
                // Find the matching close brace (nested braces in the spec).
                let mut depth = 1;
                let mut end = None;
                for (j, d) in chars.by_ref() {
                    match d {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = Some(j);
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                let Some(end) = end else {
                    return Err(vm.value_error("expected '}' before end of string"));
                };
                let field = &fmt[i + 1..end];
                let piece = format_field(vm, a, field, auto)?;
                out.push_str(&piece);
            }
            '}' => {
                if let Some((_, '}')) = chars.peek() {
                    chars.next();
                    out.push('}');
                } else {
                    return Err(vm.value_error("Single '}' encountered in format string"));
                }
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

fn format_field<H: Heap>(
    vm: &mut Vm<H>,
    a: Args,
    field: &str,
    auto: &mut usize,
) -> PyResult<String> {
    let (head, spec) = match field.find(':') {
        Some(i) => (&field[..i], &field[i + 1..]),
        None => (field, ""),
    };
    let (name, conv) = match head.find('!') {
        Some(i) => (&head[..i], Some(&head[i + 1..])),
        None => (head, None),
    };
    // The first part of the name: index, keyword, or auto-numbered.
    let split = name.find(['.', '[']).unwrap_or(name.len());
    let (first, mut rest) = name.split_at(split);
    let mut v = if first.is_empty() {
        let i = *auto;
        *auto += 1;
        if i + 1 >= a.n {
            return Err(vm.raise_msg(
                T_INDEX_ERROR,
                &format!("Replacement index {i} out of range for positional args tuple"),
            ));
        }
        vm.arg(a, i + 1)
    } else if let Ok(i) = first.parse::<usize>() {
        if i + 1 >= a.n {
            return Err(vm.raise_msg(
                T_INDEX_ERROR,
                &format!("Replacement index {i} out of range for positional args tuple"),
            ));
        }
        vm.arg(a, i + 1)
    } else {
        match vm.kwarg(a, first) {
            Some(v) => v,
            None => {
                let k = vm.new_str(first)?;
                let e = vm.call_values(vm.class(T_KEY_ERROR), &[k])?;
                return Err(vm.raise_value(e, Value::NULL));
            }
        }
    };
    let mark = vm.push(v);
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            let sym = vm.intern(&r[..end]);
            v = vm.getattr(vm.st(mark), sym)?;
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']').unwrap_or(r.len());
            let key_s = &r[..end];
            let key = match key_s.parse::<i64>() {
                Ok(i) => Value::int(i),
                Err(_) => vm.new_str(key_s)?,
            };
            v = vm.getitem(vm.st(mark), key)?;
            rest = r.get(end + 1..).unwrap_or("");
        } else {
            break;
        }
        vm.set_st(mark, v);
    }
    let v = vm.st(mark);
    let v = match conv {
        Some("r") | Some("a") => vm.repr(v)?,
        Some("s") => vm.to_str(v)?,
        Some(c) if !c.is_empty() => {
            let msg = format!("Unknown conversion specifier {c}");
            return Err(vm.value_error(&msg));
        }
        _ => v,
    };
    vm.set_st(mark, v);
    let spec = if spec.contains('{') {
        format_string(vm, a, spec, auto)?
    } else {
        spec.to_string()
    };
    let sv = vm.new_str(&spec)?;
    let r = vm.format(vm.st(mark), sv)?;
    vm.truncate(mark);
    Ok(object::str_of(r.as_obj()).to_string())
}
