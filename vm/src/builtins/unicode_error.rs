//! `UnicodeEncodeError`, `UnicodeDecodeError` and `UnicodeTranslateError`
//! as CPython's: the constructor checks and stores `encoding`, `object`,
//! `start`, `end` and `reason`, and `str(e)` is
//! `'ascii' codec can't encode character '\xe9' in position 1: ...`.

use super::*;
use crate::object::{self, Kind, field};
use crate::vm::{Args, PyResult, Vm};
use gc_api::Heap;

/// Which of the three classes.
#[derive(Clone, Copy, PartialEq)]
enum Which {
    Encode,
    Decode,
    Translate,
}

/// Installs `__init__` and `__str__` on the three classes (created by
/// `install_more_exceptions` before this runs).
pub(super) fn install<H: Heap>(vm: &mut Vm<H>) -> PyResult<()> {
    let classes: [(&str, NativeFn<H>, NativeFn<H>); 3] = [
        ("UnicodeEncodeError", encode_init::<H>, encode_str::<H>),
        ("UnicodeDecodeError", decode_init::<H>, decode_str::<H>),
        (
            "UnicodeTranslateError",
            translate_init::<H>,
            translate_str::<H>,
        ),
    ];
    for (name, init, to_str) in classes {
        let k = vm.sym_str(name);
        let bd = vm.rt.globals_roots[ROOT_BUILTINS];
        let cls = vm
            .dict_get_str(bd, k)
            .expect("defined by install_more_exceptions");
        // Classes are immortal and never move; their dict is re-read after
        // each definition (which allocates).
        for (method, f) in [("__init__", init), ("__str__", to_str)] {
            let d = object::get(cls.as_obj(), field::CLS_DICT);
            vm.def_fn(d, method, f);
        }
    }
    Ok(())
}

fn encode_init<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    init(vm, a, Which::Encode)
}

fn decode_init<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    init(vm, a, Which::Decode)
}

fn translate_init<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    init(vm, a, Which::Translate)
}

fn is_str(v: Value) -> bool {
    v.is_obj() && object::kind(v.as_obj()) == Kind::Str
}

/// `__init__(self, [encoding,] object, start, end, reason)`.
fn init<H: Heap>(vm: &mut Vm<H>, a: Args, which: Which) -> PyResult {
    let names: &[&str] = if which == Which::Translate {
        &["object", "start", "end", "reason"]
    } else {
        &["encoding", "object", "start", "end", "reason"]
    };
    let given = a.n - 1;
    if given != names.len() {
        let msg = format!(
            "function takes exactly {} arguments ({given} given)",
            names.len()
        );
        return Err(vm.type_error(&msg));
    }
    for (i, &name) in names.iter().enumerate() {
        let v = vm.arg(a, i + 1);
        let want = match name {
            "encoding" | "reason" => is_str(v).then_some(()).ok_or("str"),
            "object" if which == Which::Decode => {
                vm.byte_contents(v).map(|_| ()).ok_or("a bytes-like object")
            }
            "object" => is_str(v).then_some(()).ok_or("str"),
            _ => vm.index_value(v)?.map(|_| ()).ok_or("int"),
        };
        if let Err(t) = want {
            let msg = format!("argument {} must be {t}, not {}", i + 1, vm.type_name(v));
            return Err(vm.type_error(&msg));
        }
    }
    let args = vm.tuple_from_stack(a.base + 1, given)?;
    let sym = vm.intern("args");
    vm.setattr(vm.arg(a, 0), sym, args)?;
    for (i, &name) in names.iter().enumerate() {
        let sym = vm.intern(name);
        // Read each value from the rooted arguments after the previous
        // store: storing may allocate and move objects.
        let mut v = vm.arg(a, i + 1);
        if name == "object"
            && which == Which::Decode
            && !(v.is_obj() && object::kind(v.as_obj()) == Kind::Bytes)
        {
            let data = vm.byte_contents(v).unwrap_or_default();
            v = vm.new_bytes_kind(Kind::Bytes, &data)?;
        }
        vm.setattr(vm.arg(a, 0), sym, v)?;
    }
    Ok(Value::NONE)
}

fn encode_str<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    to_str(vm, a, Which::Encode)
}

fn decode_str<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    to_str(vm, a, Which::Decode)
}

fn translate_str<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    to_str(vm, a, Which::Translate)
}

/// An attribute of the exception as a Rust string (`str()` of it).
fn attr_text<H: Heap>(vm: &mut Vm<H>, a: Args, name: &str) -> PyResult<String> {
    let sym = vm.intern(name);
    match vm.getattr_opt(vm.arg(a, 0), sym)? {
        Some(v) => vm.str_string(v),
        None => Ok(String::new()),
    }
}

/// CPython's message: one character or byte names it, a range gives its
/// positions.
fn to_str<H: Heap>(vm: &mut Vm<H>, a: Args, which: Which) -> PyResult {
    let int_attr = |vm: &mut Vm<H>, name: &str| -> PyResult<Option<i64>> {
        let sym = vm.intern(name);
        match vm.getattr_opt(vm.arg(a, 0), sym)? {
            Some(v) => vm.index_value(v),
            None => Ok(None),
        }
    };
    let (Some(start), Some(end)) = (int_attr(vm, "start")?, int_attr(vm, "end")?) else {
        return vm.new_str("");
    };
    let reason = attr_text(vm, a, "reason")?;
    let encoding = if which == Which::Translate {
        String::new()
    } else {
        attr_text(vm, a, "encoding")?
    };
    let sym = vm.intern("object");
    let object = vm.getattr_opt(vm.arg(a, 0), sym)?.unwrap_or(Value::NONE);
    let verb = match which {
        Which::Encode => format!("'{encoding}' codec can't encode"),
        Which::Decode => format!("'{encoding}' codec can't decode"),
        Which::Translate => "can't translate".to_string(),
    };
    let single = if start < 0 || end != start + 1 {
        None
    } else if which == Which::Decode {
        vm.byte_contents(object)
            .and_then(|b| b.get(start as usize).copied())
            .map(|b| format!("byte 0x{b:02x}"))
    } else if is_str(object) {
        object::str_of(object.as_obj())
            .chars()
            .nth(start as usize)
            .map(|c| {
                let c = c as u32;
                let esc = if c <= 0xff {
                    format!("\\x{c:02x}")
                } else if c <= 0xffff {
                    format!("\\u{c:04x}")
                } else {
                    format!("\\U{c:08x}")
                };
                format!("character '{esc}'")
            })
    } else {
        None
    };
    let text = match single {
        Some(what) => format!("{verb} {what} in position {start}: {reason}"),
        None => {
            let what = if which == Which::Decode {
                "bytes"
            } else {
                "characters"
            };
            format!("{verb} {what} in position {start}-{}: {reason}", end - 1)
        }
    };
    vm.new_str(&text)
}
