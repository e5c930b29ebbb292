//! `_signal`: POSIX signals for Python code, as CPython's `signalmodule.c`
//! defines them (`signal.py` builds its enums on top).
//!
//! A Python handler never runs inside the OS signal handler. The OS handler
//! ([`trip`]) only marks the signal pending (and writes its number to the
//! wakeup fd, if one is set); the VM runs the Python handlers at its next
//! safepoint poll (loop back-edges, `Poll` instructions), where an exception
//! a handler raises propagates like any other, so `default_int_handler`
//! turns Ctrl-C into `KeyboardInterrupt`. Like CPython, importing `_signal`
//! installs that handler for SIGINT when SIGINT has its default action
//! (heaplab initialises signals on first import rather than at startup).
//! Handlers are called with `frame=None`.
//!
//! Linux only: signal numbers, `struct sigaction` and flag values are
//! glibc's on Linux (the same on x86-64 and AArch64).

use crate::builtins::*;
use crate::object::{self, Kind};
use crate::value::Value;
use crate::vm::{Args, NativeFn, PyResult, Vm};
use gc_api::Heap;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

/// The module names this file provides.
pub const MODULES: &[&str] = &["_signal"];

/// Frozen Python source this file adds (name, source).
pub const FROZEN: &[(&str, &str)] = &[];

/// Signals are 1..NSIG.
const NSIG: usize = 65;
const SIG_DFL: usize = 0;
const SIG_IGN: usize = 1;
const SA_RESTART: i32 = 0x1000_0000;
const SA_ONSTACK: i32 = 0x0800_0000;
const EINVAL: i32 = 22;
const F_GETFL: i32 = 3;
const O_NONBLOCK: i32 = 0o4000;

/// The module attribute holding the Python handler of every signal (a list
/// indexed by signal number: an int for SIG_DFL/SIG_IGN, a callable, or
/// None for a handler not installed from Python).
const HANDLERS: &str = "_heaplab_handlers";

/// Linux signal names and numbers (aliases included, as CPython has them).
const SIGNALS: &[(&str, i64)] = &[
    ("SIGHUP", 1),
    ("SIGINT", 2),
    ("SIGQUIT", 3),
    ("SIGILL", 4),
    ("SIGTRAP", 5),
    ("SIGABRT", 6),
    ("SIGIOT", 6),
    ("SIGBUS", 7),
    ("SIGFPE", 8),
    ("SIGKILL", 9),
    ("SIGUSR1", 10),
    ("SIGSEGV", 11),
    ("SIGUSR2", 12),
    ("SIGPIPE", 13),
    ("SIGALRM", 14),
    ("SIGTERM", 15),
    ("SIGSTKFLT", 16),
    ("SIGCHLD", 17),
    ("SIGCLD", 17),
    ("SIGCONT", 18),
    ("SIGSTOP", 19),
    ("SIGTSTP", 20),
    ("SIGTTIN", 21),
    ("SIGTTOU", 22),
    ("SIGURG", 23),
    ("SIGXCPU", 24),
    ("SIGXFSZ", 25),
    ("SIGVTALRM", 26),
    ("SIGPROF", 27),
    ("SIGWINCH", 28),
    ("SIGIO", 29),
    ("SIGPOLL", 29),
    ("SIGPWR", 30),
    ("SIGSYS", 31),
    ("SIGRTMIN", 34),
    ("SIGRTMAX", 64),
];

/// glibc's `struct sigaction` on Linux.
#[repr(C)]
struct SigAction {
    handler: usize,
    mask: [u64; 16],
    flags: i32,
    restorer: usize,
}

impl SigAction {
    fn empty() -> SigAction {
        SigAction {
            handler: SIG_DFL,
            mask: [0; 16],
            flags: 0,
            restorer: 0,
        }
    }
}

unsafe extern "C" {
    fn sigaction(sig: i32, act: *const SigAction, old: *mut SigAction) -> i32;
    fn raise(sig: i32) -> i32;
    fn alarm(seconds: u32) -> u32;
    fn pause() -> i32;
    fn strsignal(sig: i32) -> *const std::ffi::c_char;
    fn write(fd: i32, buf: *const u8, n: usize) -> isize;
    fn fcntl(fd: i32, cmd: i32, ...) -> i32;
    fn __errno_location() -> *mut i32;
}

/// Signals that arrived and whose Python handler has not run yet.
static TRIPPED: [AtomicBool; NSIG] = [const { AtomicBool::new(false) }; NSIG];
/// Any of [`TRIPPED`] set: the one word a safepoint reads.
static ANY_TRIPPED: AtomicBool = AtomicBool::new(false);
/// `set_wakeup_fd`'s descriptor (-1: none).
static WAKEUP_FD: AtomicI32 = AtomicI32::new(-1);

/// Has a signal arrived whose Python handler has not run? (Cheap: polled
/// at every safepoint.)
#[inline]
pub fn pending() -> bool {
    ANY_TRIPPED.load(Ordering::Relaxed)
}

/// The OS-level handler: marks `sig` pending. Async-signal-safe: atomics
/// and write(2) only, with errno preserved.
extern "C" fn trip(sig: i32) {
    if let Some(flag) = TRIPPED.get(sig as usize) {
        flag.store(true, Ordering::SeqCst);
    }
    ANY_TRIPPED.store(true, Ordering::SeqCst);
    let fd = WAKEUP_FD.load(Ordering::SeqCst);
    if fd >= 0 {
        // SAFETY: errno is thread-local and valid for the thread's life;
        // write(2) is async-signal-safe and `byte` outlives the call.
        unsafe {
            let saved = *__errno_location();
            let byte = sig as u8;
            write(fd, &byte, 1);
            *__errno_location() = saved;
        }
    }
}

/// Installs OS action `handler` (SIG_DFL, SIG_IGN or [`trip`]) for `sig`;
/// the errno on failure.
fn install(sig: i32, handler: usize) -> Result<(), i32> {
    // Interrupted system calls restart (heaplab's I/O does not retry on
    // EINTR); `siginterrupt` can say otherwise per signal.
    let act = SigAction {
        handler,
        mask: [0; 16],
        flags: SA_ONSTACK | SA_RESTART,
        restorer: 0,
    };
    // SAFETY: `act` is a valid sigaction; `trip` is async-signal-safe.
    if unsafe { sigaction(sig, &act, std::ptr::null_mut()) } != 0 {
        return Err(errno());
    }
    Ok(())
}

fn errno() -> i32 {
    // SAFETY: errno is thread-local and valid for the thread's life.
    unsafe { *__errno_location() }
}

/// Fills in module `name`, rooted at stack slot `ms`.
pub(crate) fn init<H: Heap>(vm: &mut Vm<H>, _name: &str, ms: usize) -> PyResult<()> {
    let fns: &[(&'static str, NativeFn<H>)] = &[
        ("signal", signal::<H>),
        ("getsignal", getsignal::<H>),
        ("default_int_handler", default_int_handler::<H>),
        ("raise_signal", raise_signal::<H>),
        ("alarm", alarm_fn::<H>),
        ("pause", pause_fn::<H>),
        ("strsignal", strsignal_fn::<H>),
        ("valid_signals", valid_signals::<H>),
        ("set_wakeup_fd", set_wakeup_fd::<H>),
        ("siginterrupt", siginterrupt::<H>),
    ];
    for &(n, f) in fns {
        vm.module_fn(ms, n, f)?;
    }
    for &(n, v) in SIGNALS {
        vm.module_set(vm.st(ms), n, Value::int(v))?;
    }
    vm.module_set(vm.st(ms), "NSIG", Value::int(NSIG as i64))?;
    vm.module_set(vm.st(ms), "SIG_DFL", Value::int(SIG_DFL as i64))?;
    vm.module_set(vm.st(ms), "SIG_IGN", Value::int(SIG_IGN as i64))?;
    // Each signal's handler as the OS has it now.
    let table = vm.new_list(NSIG)?;
    let ts = vm.push(table);
    for sig in 0..NSIG {
        let mut old = SigAction::empty();
        // SAFETY: querying only; `old` is a valid out-parameter.
        let ok = sig > 0 && unsafe { sigaction(sig as i32, std::ptr::null(), &mut old) } == 0;
        let h = match old.handler {
            SIG_DFL | SIG_IGN if ok => Value::int(old.handler as i64),
            _ => Value::NONE,
        };
        vm.list_append(vm.st(ts), h)?;
    }
    vm.module_set(vm.st(ms), HANDLERS, vm.st(ts))?;
    // SIGINT raises KeyboardInterrupt unless something else was set up.
    if Vm::<H>::list_get(vm.st(ts), 2) == Value::int(SIG_DFL as i64)
        && install(2, trip as *const () as usize).is_ok()
    {
        let sym = vm.intern("default_int_handler");
        let h = vm.getattr(vm.st(ms), sym)?;
        vm.list_set(vm.st(ts), 2, h);
    }
    vm.truncate(ts);
    Ok(())
}

/// The handler table of the `_signal` module (None if it is not loaded).
fn handler_table<H: Heap>(vm: &mut Vm<H>) -> PyResult<Option<Value>> {
    let sym = vm.intern(HANDLERS);
    let Some(m) = vm.modules_get("_signal")? else {
        return Ok(None);
    };
    let t = vm.getattr_opt(m, sym)?;
    Ok(t.filter(|t| {
        t.is_obj() && object::kind(t.as_obj()) == Kind::List && Vm::<H>::list_len(*t) == NSIG
    }))
}

impl<H: Heap> Vm<H> {
    /// Runs the Python handlers of the signals that arrived (CPython's
    /// `PyErr_CheckSignals`); the first exception a handler raises stops
    /// the rest (they stay pending) and propagates.
    pub fn run_signal_handlers(&mut self) -> PyResult<()> {
        if !ANY_TRIPPED.swap(false, Ordering::SeqCst) {
            return Ok(());
        }
        for (sig, flag) in TRIPPED.iter().enumerate().skip(1) {
            if !flag.swap(false, Ordering::SeqCst) {
                continue;
            }
            let Some(table) = handler_table(self)? else {
                continue;
            };
            let h = Self::list_get(table, sig);
            if h.is_int() || h.is_none() {
                continue;
            }
            if let Err(e) = self.call_values(h, &[Value::int(sig as i64), Value::NONE]) {
                ANY_TRIPPED.store(true, Ordering::SeqCst);
                return Err(e);
            }
        }
        Ok(())
    }
}

/// The signal number argument `i` of `fname`, checked to be in range.
fn signum<H: Heap>(vm: &mut Vm<H>, a: Args, i: usize) -> PyResult<i32> {
    let v = vm.arg(a, i);
    let n = vm.index_int(v)?;
    if n < 1 || n >= NSIG as i64 {
        return Err(vm.value_error("signal number out of range"));
    }
    Ok(n as i32)
}

/// `signal(signalnum, handler)`: sets the handler, returns the old one.
fn signal<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "signal", 2, 2)?;
    let sig = signum(vm, a, 0)?;
    let h = vm.arg(a, 1);
    let action = if vm.is_callable(h) {
        trip as *const () as usize
    } else {
        match vm.index_value(h) {
            Ok(Some(n)) if n == SIG_DFL as i64 || n == SIG_IGN as i64 => n as usize,
            _ => {
                vm.rt.exc = Value::NULL;
                return Err(vm.type_error(
                    "signal handler must be signal.SIG_IGN, signal.SIG_DFL, or a callable object",
                ));
            }
        }
    };
    let Some(table) = handler_table(vm)? else {
        return Err(vm.raise_msg(T_RUNTIME_ERROR, "_signal is not initialised"));
    };
    if let Err(code) = install(sig, action) {
        return Err(crate::stdlib::posix::raise_os_error(
            vm,
            code,
            Value::NULL,
            Value::NULL,
        ));
    }
    let old = Vm::<H>::list_get(table, sig as usize);
    vm.list_set(table, sig as usize, vm.arg(a, 1));
    Ok(old)
}

/// `getsignal(signalnum)`: the current Python-level handler.
fn getsignal<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "getsignal", 1, 1)?;
    let sig = signum(vm, a, 0)?;
    match handler_table(vm)? {
        Some(t) => Ok(Vm::<H>::list_get(t, sig as usize)),
        None => Ok(Value::NONE),
    }
}

/// `default_int_handler(signalnum, frame)`: raises KeyboardInterrupt.
fn default_int_handler<H: Heap>(vm: &mut Vm<H>, _a: Args) -> PyResult {
    let e = vm.new_exception(T_KEYBOARD_INTERRUPT, "")?;
    Err(vm.raise_value(e, Value::NULL))
}

/// `raise_signal(signalnum)`: sends the signal to this process and runs
/// its handler at once.
fn raise_signal<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "raise_signal", 1, 1)?;
    let sig = signum(vm, a, 0)?;
    // SAFETY: raise(3) has no memory-safety preconditions.
    if unsafe { raise(sig) } != 0 {
        return Err(crate::stdlib::posix::raise_os_error(
            vm,
            errno(),
            Value::NULL,
            Value::NULL,
        ));
    }
    vm.run_signal_handlers()?;
    Ok(Value::NONE)
}

/// `alarm(seconds)`: schedules SIGALRM; the seconds left of the old alarm.
fn alarm_fn<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "alarm", 1, 1)?;
    let Some(s) = vm
        .arg(a, 0)
        .to_int()
        .filter(|s| (0..=u32::MAX as i64).contains(s))
    else {
        return Err(vm.type_error("alarm() argument must be a non-negative int"));
    };
    // SAFETY: alarm(2) has no memory-safety preconditions.
    Ok(Value::int(unsafe { alarm(s as u32) } as i64))
}

/// `pause()`: sleeps until a signal arrives, then runs its handler.
fn pause_fn<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "pause", 0, 0)?;
    // SAFETY: pause(2) has no memory-safety preconditions.
    unsafe { pause() };
    vm.run_signal_handlers()?;
    Ok(Value::NONE)
}

/// `strsignal(signalnum)`: the system's description, or None.
fn strsignal_fn<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "strsignal", 1, 1)?;
    let sig = signum(vm, a, 0)?;
    // SAFETY: strsignal returns a NUL-terminated string (or NULL), read at
    // once, before any other call can overwrite its buffer.
    let text = unsafe {
        let p = strsignal(sig);
        if p.is_null() {
            return Ok(Value::NONE);
        }
        std::ffi::CStr::from_ptr(p).to_string_lossy().into_owned()
    };
    if text.starts_with("Unknown signal") || text.starts_with("Real-time signal") {
        return Ok(Value::NONE);
    }
    vm.new_str(&text)
}

/// `valid_signals()`: every signal number this platform accepts (glibc
/// reserves 32 and 33 for its threads).
fn valid_signals<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "valid_signals", 0, 0)?;
    let s = vm.new_set(Kind::Set)?;
    let ss = vm.push(s);
    for sig in (1..NSIG as i64).filter(|s| !(32..34).contains(s)) {
        vm.set_add(vm.st(ss), Value::int(sig))?;
    }
    let s = vm.st(ss);
    vm.truncate(ss);
    Ok(s)
}

/// `set_wakeup_fd(fd, *, warn_on_full_buffer=True)`: the fd the OS handler
/// writes each signal number to (-1: none); returns the old one.
fn set_wakeup_fd<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "set_wakeup_fd", &["warn_on_full_buffer"])?;
    vm.check_count(a, "set_wakeup_fd", 1, 1)?;
    let Some(fd) = vm.arg(a, 0).to_int() else {
        return Err(vm.type_error("an integer is required"));
    };
    if fd != -1 {
        let Ok(fd) = i32::try_from(fd) else {
            return Err(vm.value_error("fd is out of range"));
        };
        // SAFETY: F_GETFL takes no third argument and only reads the fd.
        let flags = unsafe { fcntl(fd, F_GETFL) };
        if flags < 0 {
            return Err(crate::stdlib::posix::raise_os_error(
                vm,
                errno(),
                Value::NULL,
                Value::NULL,
            ));
        }
        if flags & O_NONBLOCK == 0 {
            let msg = format!("the fd {fd} must be in non-blocking mode");
            return Err(vm.value_error(&msg));
        }
    }
    let old = WAKEUP_FD.swap(fd as i32, Ordering::SeqCst);
    Ok(Value::int(old as i64))
}

/// `siginterrupt(signalnum, flag)`: whether the signal interrupts system
/// calls (true) or they restart (false).
fn siginterrupt<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "siginterrupt", 2, 2)?;
    let sig = signum(vm, a, 0)?;
    let interrupt = vm.truthy(vm.arg(a, 1))?;
    let mut act = SigAction::empty();
    // SAFETY: `act` is a valid out-parameter, then a valid action.
    let ok = unsafe {
        sigaction(sig, std::ptr::null(), &mut act) == 0 && {
            if interrupt {
                act.flags &= !SA_RESTART;
            } else {
                act.flags |= SA_RESTART;
            }
            sigaction(sig, &act, std::ptr::null_mut()) == 0
        }
    };
    if !ok {
        let code = match errno() {
            0 => EINVAL,
            e => e,
        };
        return Err(crate::stdlib::posix::raise_os_error(
            vm,
            code,
            Value::NULL,
            Value::NULL,
        ));
    }
    Ok(Value::NONE)
}
