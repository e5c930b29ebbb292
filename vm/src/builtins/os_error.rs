//! `OSError`'s constructor and `str`, as CPython's: `OSError(errno,
//! strerror[, filename[, winerror[, filename2]]])` sets those attributes
//! (keeping only `(errno, strerror)` in `args` when a filename is given),
//! `OSError(ENOENT, ...)` makes a `FileNotFoundError` (and so on for each
//! errno with its own subclass), and `str(e)` is `[Errno 2] No such file or
//! directory: 'x'`.

use super::*;
use crate::vm::{Args, PyResult, Vm};
use gc_api::Heap;

/// The attributes every OSError has (None unless the constructor sets them).
const ATTRS: [&str; 4] = ["errno", "strerror", "filename", "filename2"];

/// Installs the methods on `OSError` (its subclasses inherit them).
pub(super) fn install<H: Heap>(vm: &mut Vm<H>) -> PyResult<()> {
    vm.def_method(T_OS_ERROR, "__new__", os_error_new::<H>);
    vm.def_method(T_OS_ERROR, "__init__", os_error_init::<H>);
    vm.def_method(T_OS_ERROR, "__str__", os_error_str::<H>);
    for name in ATTRS {
        vm.def_class_attr(T_OS_ERROR, name, Value::NONE);
    }
    Ok(())
}

/// The `OSError` subclass CPython raises for errno `code`.
pub(crate) fn class_name_for_errno(code: i64) -> &'static str {
    match code {
        11 | 114 | 115 => "BlockingIOError",
        10 => "ChildProcessError",
        32 | 108 => "BrokenPipeError",
        103 => "ConnectionAbortedError",
        111 => "ConnectionRefusedError",
        104 => "ConnectionResetError",
        17 => "FileExistsError",
        2 => "FileNotFoundError",
        21 => "IsADirectoryError",
        20 => "NotADirectoryError",
        4 => "InterruptedError",
        1 | 13 => "PermissionError",
        3 => "ProcessLookupError",
        110 => "TimeoutError",
        _ => "OSError",
    }
}

/// Does a constructor call with `n` arguments set errno and strerror?
fn sets_errno(n: usize) -> bool {
    (2..=5).contains(&n)
}

/// `OSError.__new__(cls, *args)`: an instance of `cls`, or of the errno's
/// own subclass when `cls` is `OSError` itself.
fn os_error_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let mut cls = vm.arg(a, 0);
    let nargs = a.n - 1;
    if cls == vm.class(T_OS_ERROR)
        && sets_errno(nargs)
        && let Some(code) = vm.arg(a, 1).to_int()
    {
        let k = vm.sym_str(class_name_for_errno(code));
        let bd = vm.rt.globals_roots[ROOT_BUILTINS];
        if let Some(sub) = vm.dict_get_str(bd, k)
            && vm.is_class(sub)
        {
            cls = sub;
        }
    }
    // Classes are immortal: `cls` stays valid across the allocations.
    let e = vm.new_instance(cls)?;
    let mark = vm.push(e);
    let args = vm.tuple_from_stack(a.base + 1, nargs)?;
    let sym = vm.intern("args");
    vm.setattr(vm.st(mark), sym, args)?;
    let e = vm.st(mark);
    vm.truncate(mark);
    Ok(e)
}

/// `OSError.__init__(self, *args)`.
fn os_error_init<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let nargs = a.n - 1;
    let arg = |vm: &Vm<H>, i: usize| {
        if i < nargs {
            vm.arg(a, i + 1)
        } else {
            Value::NONE
        }
    };
    let has_filename = sets_errno(nargs) && !arg(vm, 2).is_none();
    let kept = if has_filename { 2 } else { nargs };
    let args = vm.tuple_from_stack(a.base + 1, kept)?;
    let sym = vm.intern("args");
    vm.setattr(vm.arg(a, 0), sym, args)?;
    if !sets_errno(nargs) {
        return Ok(Value::NONE);
    }
    // errno, strerror, filename, (winerror), filename2.
    for (name, i) in ATTRS.into_iter().zip([0, 1, 2, 4]) {
        let sym = vm.intern(name);
        // Read each value from the rooted arguments after the previous
        // store: storing may allocate and move objects.
        let v = arg(vm, i);
        vm.setattr(vm.arg(a, 0), sym, v)?;
    }
    Ok(Value::NONE)
}

/// `str(oserror)`: `[Errno N] strerror[: 'filename'[ -> 'filename2']]`, or
/// the plain exception text when errno or strerror is missing.
fn os_error_str<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let mark = vm.rt.sp;
    let r = attrs_then_format(vm, a, mark);
    vm.truncate(mark);
    match r? {
        Some(text) => vm.new_str(&text),
        None => {
            let base = vm.class(T_BASE_EXCEPTION);
            let sym = vm.intern("__str__");
            let f = vm.class_lookup(base, sym).expect("BaseException.__str__");
            vm.call_values(f, &[vm.arg(a, 0)])
        }
    }
}

/// Pushes the four attributes of the exception in `a` (from `mark` on)
/// and formats them.
fn attrs_then_format<H: Heap>(vm: &mut Vm<H>, a: Args, mark: usize) -> PyResult<Option<String>> {
    for name in ATTRS {
        let sym = vm.intern(name);
        let v = vm.getattr_opt(vm.arg(a, 0), sym)?.unwrap_or(Value::NONE);
        vm.push(v);
    }
    format_os_error(vm, mark)
}

/// The text of [`os_error_str`] from errno, strerror, filename and
/// filename2 at stack slots `at..at + 4`; None for the plain text.
fn format_os_error<H: Heap>(vm: &mut Vm<H>, at: usize) -> PyResult<Option<String>> {
    let (errno, strerror, f1, f2) = (vm.st(at), vm.st(at + 1), vm.st(at + 2), vm.st(at + 3));
    if f1.is_none() && (errno.is_none() || strerror.is_none()) {
        return Ok(None);
    }
    let mut text = format!(
        "[Errno {}] {}",
        vm.str_string(vm.st(at))?,
        vm.str_string(vm.st(at + 1))?
    );
    if !f1.is_none() {
        text.push_str(": ");
        text.push_str(&vm.repr_string(vm.st(at + 2))?);
        if !f2.is_none() {
            text.push_str(" -> ");
            text.push_str(&vm.repr_string(vm.st(at + 3))?);
        }
    }
    Ok(Some(text))
}
