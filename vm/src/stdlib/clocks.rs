//! The POSIX clocks behind `time.process_time`, `time.thread_time` and
//! `time.get_clock_info`, read with `clock_gettime`/`clock_getres` as
//! CPython reads them on Linux. (`time.time` and `time.monotonic` use the
//! same clocks through `std::time`: `CLOCK_REALTIME` and `CLOCK_MONOTONIC`.)

use crate::builtins::{T_SIMPLE_NAMESPACE, introspect::attr_object};
use crate::value::Value;
use crate::vm::{Args, PyResult, Vm};
use gc_api::Heap;

/// Reads clock `id` in nanoseconds.
fn clock_ns(id: libc::clockid_t) -> i64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec to write; the ids used are ones
    // Linux always provides, so the call cannot fail.
    unsafe { libc::clock_gettime(id, &mut ts) };
    ts.tv_sec * 1_000_000_000 + ts.tv_nsec
}

/// The resolution of clock `id` in seconds.
fn clock_resolution(id: libc::clockid_t) -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: as in `clock_ns`.
    unsafe { libc::clock_getres(id, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

/// Clock `id` in seconds, for the function `name` taking no arguments.
fn seconds<H: Heap>(vm: &mut Vm<H>, a: Args, name: &str, id: libc::clockid_t) -> PyResult {
    vm.check_args(a, name, 0, 0)?;
    vm.new_float(clock_ns(id) as f64 * 1e-9)
}

/// Clock `id` in nanoseconds, for the function `name` taking no arguments.
fn nanoseconds<H: Heap>(vm: &mut Vm<H>, a: Args, name: &str, id: libc::clockid_t) -> PyResult {
    vm.check_args(a, name, 0, 0)?;
    vm.int_from_i64(clock_ns(id))
}

/// `time.process_time()`: CPU time of the process, in seconds.
pub(crate) fn process_time<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    seconds(vm, a, "process_time", libc::CLOCK_PROCESS_CPUTIME_ID)
}

/// `time.process_time_ns()`.
pub(crate) fn process_time_ns<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    nanoseconds(vm, a, "process_time_ns", libc::CLOCK_PROCESS_CPUTIME_ID)
}

/// `time.thread_time()`: CPU time of the (only) thread, in seconds.
pub(crate) fn thread_time<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    seconds(vm, a, "thread_time", libc::CLOCK_THREAD_CPUTIME_ID)
}

/// `time.thread_time_ns()`.
pub(crate) fn thread_time_ns<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    nanoseconds(vm, a, "thread_time_ns", libc::CLOCK_THREAD_CPUTIME_ID)
}

/// `time.get_clock_info(name)`: a namespace with the clock's
/// `implementation`, `monotonic`, `adjustable` and `resolution`.
pub(crate) fn get_clock_info<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "get_clock_info", 1, 1)?;
    let name = vm.str_string(vm.arg(a, 0))?;
    let (implementation, id, monotonic, adjustable) = match name.as_str() {
        "time" => (
            "clock_gettime(CLOCK_REALTIME)",
            libc::CLOCK_REALTIME,
            false,
            true,
        ),
        "monotonic" | "perf_counter" => (
            "clock_gettime(CLOCK_MONOTONIC)",
            libc::CLOCK_MONOTONIC,
            true,
            false,
        ),
        "process_time" => (
            "clock_gettime(CLOCK_PROCESS_CPUTIME_ID)",
            libc::CLOCK_PROCESS_CPUTIME_ID,
            true,
            false,
        ),
        "thread_time" => (
            "clock_gettime(CLOCK_THREAD_CPUTIME_ID)",
            libc::CLOCK_THREAD_CPUTIME_ID,
            true,
            false,
        ),
        _ => return Err(vm.value_error("unknown clock")),
    };
    let resolution = vm.new_float(clock_resolution(id))?;
    let rs = vm.push(resolution);
    let imp = vm.new_str(implementation)?;
    let is = vm.push(imp);
    let info = attr_object(
        vm,
        T_SIMPLE_NAMESPACE,
        &[
            ("implementation", vm.st(is)),
            ("monotonic", Value::bool(monotonic)),
            ("adjustable", Value::bool(adjustable)),
            ("resolution", vm.st(rs)),
        ],
    );
    vm.truncate(rs);
    info
}
