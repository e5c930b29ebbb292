//! `resource`: process resource usage and limits (`getrusage`,
//! `getrlimit`, `setrlimit`, `prlimit`, `getpagesize`), with CPython's
//! constants and messages (`Modules/resource.c`).
//!
//! `struct_rusage` is a structseq made by the Python half below with the
//! `_structseq` helper of heaplab's `posix` module (as `os.stat_result`
//! is); `getrusage` fills it from C `getrusage`.

use crate::builtins::*;
use crate::num;
use crate::object;
use crate::value::Value;
use crate::vm::{Args, NativeFn, PyResult, Vm};
use gc_api::Heap;
use num_traits::ToPrimitive;

/// The module names this file provides.
pub const MODULES: &[&str] = &["resource"];
/// Frozen Python companions.
pub const FROZEN: &[(&str, &str)] = &[];

/// The Python half, run in the module's namespace: `error` and the
/// `struct_rusage` class.
const RESOURCE_PY: &str = r#"
from posix import _structseq
error = OSError
struct_rusage = _structseq(
    "resource.struct_rusage",
    ("ru_utime", "ru_stime", "ru_maxrss", "ru_ixrss", "ru_idrss", "ru_isrss",
     "ru_minflt", "ru_majflt", "ru_nswap", "ru_inblock", "ru_oublock",
     "ru_msgsnd", "ru_msgrcv", "ru_nsignals", "ru_nvcsw", "ru_nivcsw"), 16)
struct_rusage.__doc__ = """struct_rusage: Result from getrusage.

This object may be accessed either as a tuple of
    (utime,stime,maxrss,ixrss,idrss,isrss,minflt,majflt,
    nswap,inblock,oublock,msgsnd,msgrcv,nsignals,nvcsw,nivcsw)
or via the attributes ru_utime, ru_stime, ru_maxrss, and so on."""
del _structseq
"#;

/// The number of resources the C library knows (glibc's `RLIM_NLIMITS`
/// on Linux, which CPython compiles in as the bound of a valid resource).
const RLIM_NLIMITS: i64 = 16;

/// Fills in module `_name` (rooted at stack slot `ms`).
pub(crate) fn init<H: Heap>(vm: &mut Vm<H>, _name: &str, ms: usize) -> PyResult<()> {
    let fns: &[(&'static str, NativeFn<H>)] = &[
        ("getrusage", getrusage::<H>),
        ("getrlimit", getrlimit::<H>),
        ("setrlimit", setrlimit::<H>),
        ("prlimit", prlimit::<H>),
        ("getpagesize", getpagesize::<H>),
    ];
    for &(n, f) in fns {
        vm.module_fn(ms, n, f)?;
    }
    let constants: &[(&str, i64)] = &[
        ("RLIMIT_CPU", libc::RLIMIT_CPU as i64),
        ("RLIMIT_FSIZE", libc::RLIMIT_FSIZE as i64),
        ("RLIMIT_DATA", libc::RLIMIT_DATA as i64),
        ("RLIMIT_STACK", libc::RLIMIT_STACK as i64),
        ("RLIMIT_CORE", libc::RLIMIT_CORE as i64),
        ("RLIMIT_RSS", libc::RLIMIT_RSS as i64),
        ("RLIMIT_NPROC", libc::RLIMIT_NPROC as i64),
        ("RLIMIT_NOFILE", libc::RLIMIT_NOFILE as i64),
        ("RLIMIT_OFILE", libc::RLIMIT_NOFILE as i64),
        ("RLIMIT_MEMLOCK", libc::RLIMIT_MEMLOCK as i64),
        ("RLIMIT_AS", libc::RLIMIT_AS as i64),
        ("RLIMIT_MSGQUEUE", libc::RLIMIT_MSGQUEUE as i64),
        ("RLIMIT_NICE", libc::RLIMIT_NICE as i64),
        ("RLIMIT_RTPRIO", libc::RLIMIT_RTPRIO as i64),
        ("RLIMIT_RTTIME", libc::RLIMIT_RTTIME as i64),
        ("RLIMIT_SIGPENDING", libc::RLIMIT_SIGPENDING as i64),
        // CPython converts rlim_t through long long: infinity is -1.
        ("RLIM_INFINITY", libc::RLIM_INFINITY as i64),
        ("RUSAGE_SELF", libc::RUSAGE_SELF as i64),
        ("RUSAGE_CHILDREN", libc::RUSAGE_CHILDREN as i64),
        ("RUSAGE_THREAD", libc::RUSAGE_THREAD as i64),
    ];
    for &(n, v) in constants {
        vm.module_set(vm.st(ms), n, Value::int(v))?;
    }
    super::posix::exec_in_module(vm, ms, RESOURCE_PY, "<frozen resource>")
}

// ------------------------------------------------------------ arguments

/// An int argument converted like C `int` (CPython's `i` format).
fn c_int_arg<H: Heap>(vm: &mut Vm<H>, v: Value) -> PyResult<i32> {
    let i = long_long_arg(vm, v)?;
    match i32::try_from(i) {
        Ok(i) => Ok(i),
        Err(_) if i > 0 => {
            Err(vm.raise_msg(T_OVERFLOW_ERROR, "signed integer is greater than maximum"))
        }
        Err(_) => Err(vm.raise_msg(T_OVERFLOW_ERROR, "signed integer is less than minimum")),
    }
}

/// An int argument converted like C `long long` (`PyLong_AsLongLong`).
fn long_long_arg<H: Heap>(vm: &mut Vm<H>, v: Value) -> PyResult<i64> {
    if num::is_int(v) && !v.is_int() {
        return match num::to_bigint(v).to_i64() {
            Some(i) => Ok(i),
            None => Err(vm.raise_msg(
                T_OVERFLOW_ERROR,
                "Python int too large to convert to C long",
            )),
        };
    }
    vm.index_int(v)
}

/// A resource number, checked against the resources the system has.
fn resource_arg<H: Heap>(vm: &mut Vm<H>, v: Value) -> PyResult<i32> {
    let r = c_int_arg(vm, v)?;
    if !(0..RLIM_NLIMITS).contains(&i64::from(r)) {
        return Err(vm.value_error("invalid resource specified"));
    }
    Ok(r)
}

/// A `(soft, hard)` limits argument: any iterable of two ints.
fn limits_arg<H: Heap>(vm: &mut Vm<H>, v: Value) -> PyResult<libc::rlimit> {
    let mark = vm.rt.sp;
    let tuple = vm.call_values(vm.class(T_TUPLE), &[v])?;
    vm.push(tuple);
    let r = limits_of_tuple(vm, mark);
    vm.truncate(mark);
    r
}

/// [`limits_arg`] for the tuple at stack slot `ts`.
fn limits_of_tuple<H: Heap>(vm: &mut Vm<H>, ts: usize) -> PyResult<libc::rlimit> {
    let item = |vm: &Vm<H>, i: usize| object::items(vm.st(ts).as_obj())[i];
    if object::items(vm.st(ts).as_obj()).len() != 2 {
        return Err(vm.value_error("expected a tuple of 2 integers"));
    }
    // Each item is re-read from the rooted tuple: a conversion may run
    // `__index__` and so move objects.
    let soft = long_long_arg(vm, item(vm, 0))?;
    let hard = long_long_arg(vm, item(vm, 1))?;
    Ok(libc::rlimit {
        // rlim_t is unsigned: CPython stores the long long bits, so -1 is
        // RLIM_INFINITY.
        rlim_cur: soft as libc::rlim_t,
        rlim_max: hard as libc::rlim_t,
    })
}

/// `(soft, hard)` as Python ints (through long long, like CPython).
fn limits_value<H: Heap>(vm: &mut Vm<H>, rl: libc::rlimit) -> PyResult {
    vm.new_tuple(&[
        Value::int(rl.rlim_cur as i64),
        Value::int(rl.rlim_max as i64),
    ])
}

/// The error CPython raises when setting limits fails with `errno`.
fn set_limits_error<H: Heap>(vm: &mut Vm<H>, errno: i32) -> crate::vm::Exc {
    match errno {
        libc::EINVAL => vm.value_error("current limit exceeds maximum limit"),
        libc::EPERM => vm.value_error("not allowed to raise maximum limit"),
        _ => super::posix::raise_os_error(vm, errno, Value::NULL, Value::NULL),
    }
}

/// The errno of the C call that just failed.
fn last_errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

// ------------------------------------------------------------ functions

/// `getrusage(who, /)`: a `struct_rusage` for `RUSAGE_SELF`,
/// `RUSAGE_CHILDREN` or `RUSAGE_THREAD`.
fn getrusage<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "resource.getrusage", 1, 1)?;
    let who = c_int_arg(vm, vm.arg(a, 0))?;
    // SAFETY: rusage is plain integers, for which all-zero is valid.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `ru` is a valid, writable rusage.
    if unsafe { libc::getrusage(who, &mut ru) } == -1 {
        let errno = last_errno();
        if errno == libc::EINVAL {
            return Err(vm.value_error("invalid who parameter"));
        }
        return Err(super::posix::raise_os_error(
            vm,
            errno,
            Value::NULL,
            Value::NULL,
        ));
    }
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 0.000001;
    let mark = vm.rt.sp;
    let utime = vm.new_float(seconds(ru.ru_utime))?;
    vm.push(utime);
    let stime = vm.new_float(seconds(ru.ru_stime))?;
    vm.push(stime);
    for n in [
        ru.ru_maxrss,
        ru.ru_ixrss,
        ru.ru_idrss,
        ru.ru_isrss,
        ru.ru_minflt,
        ru.ru_majflt,
        ru.ru_nswap,
        ru.ru_inblock,
        ru.ru_oublock,
        ru.ru_msgsnd,
        ru.ru_msgrcv,
        ru.ru_nsignals,
        ru.ru_nvcsw,
        ru.ru_nivcsw,
    ] {
        vm.push(Value::int(n));
    }
    let r = struct_rusage(vm, mark);
    vm.truncate(mark);
    r
}

/// `resource.struct_rusage(fields)` for the 16 fields at stack slots
/// `at..at + 16`.
fn struct_rusage<H: Heap>(vm: &mut Vm<H>, at: usize) -> PyResult {
    let fields = vm.tuple_from_stack(at, 16)?;
    let fs = vm.push(fields);
    let module = vm.import_module("resource")?;
    let sym = vm.intern("struct_rusage");
    let cls = vm.getattr(module, sym)?;
    vm.call_values(cls, &[vm.st(fs)])
}

/// `getrlimit(resource, /)`: `(soft, hard)`.
fn getrlimit<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "resource.getrlimit", 1, 1)?;
    let resource = resource_arg(vm, vm.arg(a, 0))?;
    let mut rl = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `rl` is a valid, writable rlimit.
    if unsafe { libc::getrlimit(resource as _, &mut rl) } == -1 {
        let errno = last_errno();
        return Err(super::posix::raise_os_error(
            vm,
            errno,
            Value::NULL,
            Value::NULL,
        ));
    }
    limits_value(vm, rl)
}

/// `setrlimit(resource, limits, /)`.
fn setrlimit<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    if vm.nkw(a) > 0 {
        return Err(vm.type_error("resource.setrlimit() takes no keyword arguments"));
    }
    if a.n != 2 {
        let msg = format!("setrlimit expected 2 arguments, got {}", a.n);
        return Err(vm.type_error(&msg));
    }
    let resource = resource_arg(vm, vm.arg(a, 0))?;
    let rl = limits_arg(vm, vm.arg(a, 1))?;
    // SAFETY: `rl` is a valid rlimit.
    if unsafe { libc::setrlimit(resource as _, &rl) } == -1 {
        let errno = last_errno();
        return Err(set_limits_error(vm, errno));
    }
    Ok(Value::NONE)
}

/// `prlimit(pid, resource, [limits], /)`: the limits of process `pid`
/// (0: this one) before setting them to `limits` when given (CPython's
/// optional group: an explicit None is not "not given").
fn prlimit<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    if vm.nkw(a) > 0 {
        return Err(vm.type_error("resource.prlimit() takes no keyword arguments"));
    }
    if !(2..=3).contains(&a.n) {
        return Err(vm.type_error("resource.prlimit requires 2 to 3 arguments"));
    }
    let pid = c_int_arg(vm, vm.arg(a, 0))?;
    let resource = resource_arg(vm, vm.arg(a, 1))?;
    let new = match a.n {
        3 => Some(limits_arg(vm, vm.arg(a, 2))?),
        _ => None,
    };
    let mut old = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    let new_ptr = new
        .as_ref()
        .map_or(std::ptr::null(), |rl| rl as *const libc::rlimit);
    // SAFETY: `new_ptr` is NULL or points at `new`, which outlives the
    // call; `old` is a valid, writable rlimit.
    if unsafe { libc::prlimit(pid, resource as _, new_ptr, &mut old) } == -1 {
        let errno = last_errno();
        return Err(set_limits_error(vm, errno));
    }
    limits_value(vm, old)
}

/// `getpagesize()`: the system's memory page size in bytes.
fn getpagesize<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "resource.getpagesize", 0, 0)?;
    // SAFETY: sysconf only reads a system constant.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    Ok(Value::int(size as i64))
}
