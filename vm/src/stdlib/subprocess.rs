//! `_posixsubprocess`: `fork_exec`, the fork-and-exec primitive behind
//! `subprocess.Popen` on POSIX (CPython 3.11's `_posixsubprocess.c`).
//!
//! Everything the child needs (argv, envp, the executables to try, cwd,
//! the fds to keep, the highest fd to close, the groups) is turned into C
//! data before fork(2). The child then makes only async-signal-safe calls,
//! except for `preexec_fn`, which runs Python code in the child as CPython
//! does: the child is a fork of this VM and owns a copy of its heap.
//! A failure in the child reaches the parent over `errpipe_write` as
//! `OSError:<hex errno>:` (followed by `noexec` when it happened before
//! `preexec_fn`/exec, e.g. in chdir) or `SubprocessError:0:<message>`,
//! the protocol `subprocess.py`'s `_execute_child` reads. heaplab always
//! forks (never vfork), so `allow_vfork` is accepted and ignored.

use crate::stdlib::posix::{path_arg, raise_os_error};
use crate::value::Value;
use crate::vm::{Args, PyResult, Vm};
use gc_api::Heap;
use std::ffi::{CString, c_char};

/// The module names this file provides.
pub const MODULES: &[&str] = &["_posixsubprocess"];

/// Frozen Python source this file adds (name, source).
pub const FROZEN: &[(&str, &str)] = &[];

/// Fills in module `name`, rooted at stack slot `ms`.
pub(crate) fn init<H: Heap>(vm: &mut Vm<H>, _name: &str, ms: usize) -> PyResult<()> {
    vm.module_fn(ms, "fork_exec", fork_exec::<H>)
}

/// A NULL-terminated array of C strings (argv or envp) and its storage.
struct CStrArray {
    /// Owns the strings `ptrs` points into.
    _strings: Vec<CString>,
    /// The pointers, then NULL.
    ptrs: Vec<*const c_char>,
}

impl CStrArray {
    fn new(strings: Vec<CString>) -> CStrArray {
        let mut ptrs: Vec<*const c_char> = strings.iter().map(|s| s.as_ptr()).collect();
        ptrs.push(std::ptr::null());
        CStrArray {
            _strings: strings,
            ptrs,
        }
    }
}

/// The child's standard-stream fds: -1 where the stream is inherited.
#[derive(Clone, Copy)]
struct StdFds {
    p2cread: i32,
    p2cwrite: i32,
    c2pread: i32,
    c2pwrite: i32,
    errread: i32,
    errwrite: i32,
}

/// What the child does between fork and exec, all prepared in the parent.
struct ChildPlan {
    argv: CStrArray,
    /// None: keep this process's environment (execv).
    envp: Option<CStrArray>,
    /// The paths to try in order until one execs.
    executables: Vec<CString>,
    cwd: Option<CString>,
    close_fds: bool,
    /// Sorted, distinct; kept open (and made inheritable) in the child.
    fds_to_keep: Vec<i32>,
    std: StdFds,
    errpipe_write: i32,
    restore_signals: bool,
    call_setsid: bool,
    /// -1: leave the process group alone.
    pgid_to_set: i32,
    gid: Option<libc::gid_t>,
    extra_groups: Option<Vec<libc::gid_t>>,
    uid: Option<libc::uid_t>,
    /// -1: leave the umask alone.
    umask: i32,
    /// One past the highest fd the brute-force closer visits.
    fd_limit: i32,
}

/// Why the child gave up before (or instead of) exec.
enum ChildError {
    /// An OS call failed with this errno; `reached_exec` is false when it
    /// happened before the preexec_fn/exec stage.
    Os { errno: i32, reached_exec: bool },
    /// A failure with no errno (preexec_fn raised).
    Message(&'static str),
}

/// `fork_exec(args, executable_list, close_fds, fds_to_keep, cwd, env,
/// p2cread, p2cwrite, c2pread, c2pwrite, errread, errwrite, errpipe_read,
/// errpipe_write, restore_signals, call_setsid, pgid_to_set, gid,
/// extra_groups, uid, child_umask, preexec_fn, allow_vfork)`: forks a
/// child that execs the program; returns its pid.
fn fork_exec<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "fork_exec", 23, 23)?;
    let close_fds = vm.truthy(vm.arg(a, 2))?;
    let fds_to_keep = fds_to_keep_arg(vm, vm.arg(a, 3))?;
    let mut ints = [0i32; 8];
    for (i, slot) in ints.iter_mut().enumerate() {
        *slot = int_arg(vm, vm.arg(a, 6 + i))?;
    }
    let [
        p2cread,
        p2cwrite,
        c2pread,
        c2pwrite,
        errread,
        errwrite,
        _,
        errpipe_write,
    ] = ints;
    if close_fds && errpipe_write < 3 {
        return Err(vm.value_error("errpipe_write must be >= 3"));
    }
    let argv = if vm.arg(a, 0).is_none() {
        Vec::new()
    } else {
        path_list(vm, vm.arg(a, 0))?
    };
    let executables = path_list(vm, vm.arg(a, 1))?;
    let cwd = match vm.arg(a, 4) {
        v if v.is_none() => None,
        v => Some(c_path(vm, v)?),
    };
    let envp = match vm.arg(a, 5) {
        v if v.is_none() => None,
        v => Some(CStrArray::new(path_list(vm, v)?)),
    };
    let restore_signals = vm.truthy(vm.arg(a, 14))?;
    let call_setsid = vm.truthy(vm.arg(a, 15))?;
    let pgid_to_set = int_arg(vm, vm.arg(a, 16))?;
    let gid = optional_id(vm, vm.arg(a, 17))?;
    let extra_groups = match vm.arg(a, 18) {
        v if v.is_none() => None,
        v => Some(int_list(vm, v, "invalid group id")?),
    };
    let uid = optional_id(vm, vm.arg(a, 19))?;
    let umask = int_arg(vm, vm.arg(a, 20))?;
    let plan = ChildPlan {
        argv: CStrArray::new(argv),
        envp,
        executables,
        cwd,
        close_fds,
        fds_to_keep,
        std: StdFds {
            p2cread,
            p2cwrite,
            c2pread,
            c2pwrite,
            errread,
            errwrite,
        },
        errpipe_write,
        restore_signals,
        call_setsid,
        pgid_to_set,
        gid,
        extra_groups,
        uid,
        umask,
        fd_limit: fd_limit(),
    };
    // SAFETY: fork(2) has no memory-safety preconditions; the child below
    // only runs `child_exec`, which never returns.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        let e = errno();
        return Err(raise_os_error(vm, e, Value::NULL, Value::NULL));
    }
    if pid == 0 {
        child_exec(vm, a, &plan);
    }
    Ok(Value::int(pid as i64))
}

/// The child: sets up its fds and process state, runs preexec_fn, execs;
/// on failure reports to the parent over the error pipe and exits 255.
fn child_exec<H: Heap>(vm: &mut Vm<H>, a: Args, plan: &ChildPlan) -> ! {
    let err = match child_setup(plan) {
        Err(e) => e,
        Ok(()) => match run_preexec(vm, a) {
            Err(e) => e,
            Ok(()) => exec_or_close_error(plan),
        },
    };
    report_error(plan.errpipe_write, err);
    // SAFETY: _exit(2) is async-signal-safe and ends the child here.
    unsafe { libc::_exit(255) }
}

/// `preexec_fn()` if given (argument 21).
fn run_preexec<H: Heap>(vm: &mut Vm<H>, a: Args) -> Result<(), ChildError> {
    let f = vm.arg(a, 21);
    if f.is_none() {
        return Ok(());
    }
    match vm.call_values(f, &[]) {
        Ok(_) => Ok(()),
        Err(_) => Err(ChildError::Message("Exception occurred in preexec_fn.")),
    }
}

/// Closes unwanted fds, then tries every executable (the errno kept is
/// the first one that is not ENOENT/ENOTDIR, as CPython keeps).
fn exec_or_close_error(plan: &ChildPlan) -> ChildError {
    if plan.close_fds {
        close_open_fds(plan);
    }
    let mut saved = 0;
    for exe in &plan.executables {
        // SAFETY: `exe`, argv and envp are NUL-terminated strings and
        // NULL-terminated arrays built before fork, alive in this frame.
        unsafe {
            match &plan.envp {
                Some(env) => libc::execve(exe.as_ptr(), plan.argv.ptrs.as_ptr(), env.ptrs.as_ptr()),
                None => libc::execv(exe.as_ptr(), plan.argv.ptrs.as_ptr()),
            };
        }
        let e = errno();
        if e != libc::ENOENT && e != libc::ENOTDIR && saved == 0 {
            saved = e;
        }
    }
    let errno = if saved != 0 { saved } else { errno() };
    ChildError::Os {
        errno,
        reached_exec: true,
    }
}

/// `Err(errno)` when an OS call returned -1.
fn check(r: i32) -> Result<i32, ChildError> {
    if r == -1 {
        Err(ChildError::Os {
            errno: errno(),
            reached_exec: false,
        })
    } else {
        Ok(r)
    }
}

/// The pre-exec process setup, in CPython's order. Async-signal-safe.
fn child_setup(plan: &ChildPlan) -> Result<(), ChildError> {
    for &fd in &plan.fds_to_keep {
        if fd != plan.errpipe_write {
            set_inheritable(fd, true)?;
        }
    }
    let mut s = plan.std;
    for fd in [s.p2cwrite, s.c2pread, s.errread] {
        if fd != -1 {
            // SAFETY: closing the parent's pipe ends in the child.
            unsafe { libc::close(fd) };
        }
    }
    // Move fds out of the way of the dup2s below.
    if s.c2pwrite == 0 {
        // SAFETY: plain async-signal-safe syscall.
        s.c2pwrite = check(unsafe { libc::dup(s.c2pwrite) })?;
        set_inheritable(s.c2pwrite, false)?;
    }
    while s.errwrite == 0 || s.errwrite == 1 {
        // SAFETY: plain async-signal-safe syscall.
        s.errwrite = check(unsafe { libc::dup(s.errwrite) })?;
        set_inheritable(s.errwrite, false)?;
    }
    for (fd, target) in [(s.p2cread, 0), (s.c2pwrite, 1), (s.errwrite, 2)] {
        if fd == target {
            set_inheritable(fd, true)?;
        } else if fd != -1 {
            // SAFETY: plain async-signal-safe syscall.
            check(unsafe { libc::dup2(fd, target) })?;
        }
    }
    if let Some(cwd) = &plan.cwd {
        // SAFETY: `cwd` is a NUL-terminated string made before fork.
        check(unsafe { libc::chdir(cwd.as_ptr()) })?;
    }
    if plan.umask >= 0 {
        // SAFETY: plain async-signal-safe syscall.
        unsafe { libc::umask(plan.umask as libc::mode_t) };
    }
    if plan.restore_signals {
        for sig in [libc::SIGPIPE, libc::SIGXFSZ] {
            // SAFETY: resetting a disposition to SIG_DFL; signal(2) is
            // async-signal-safe.
            unsafe { libc::signal(sig, libc::SIG_DFL) };
        }
    }
    if plan.call_setsid {
        // SAFETY: plain async-signal-safe syscall.
        check(unsafe { libc::setsid() })?;
    }
    if plan.pgid_to_set >= 0 {
        // SAFETY: plain async-signal-safe syscall.
        check(unsafe { libc::setpgid(0, plan.pgid_to_set) })?;
    }
    if let Some(groups) = &plan.extra_groups {
        // SAFETY: `groups` is a live array of `groups.len()` gids.
        check(unsafe { libc::setgroups(groups.len(), groups.as_ptr()) })?;
    }
    if let Some(gid) = plan.gid {
        // SAFETY: plain syscall.
        check(unsafe { libc::setregid(gid, gid) })?;
    }
    if let Some(uid) = plan.uid {
        // SAFETY: plain syscall.
        check(unsafe { libc::setreuid(uid, uid) })?;
    }
    Ok(())
}

/// Sets or clears `FD_CLOEXEC` on `fd`. Async-signal-safe.
fn set_inheritable(fd: i32, inheritable: bool) -> Result<(), ChildError> {
    // SAFETY: fcntl(2) on an fd number has no memory-safety preconditions.
    let flags = check(unsafe { libc::fcntl(fd, libc::F_GETFD) })?;
    let new = if inheritable {
        flags & !libc::FD_CLOEXEC
    } else {
        flags | libc::FD_CLOEXEC
    };
    if new != flags {
        // SAFETY: as above.
        check(unsafe { libc::fcntl(fd, libc::F_SETFD, new) })?;
    }
    Ok(())
}

/// Closes every fd >= 3 except `fds_to_keep`: close_range(2) over each
/// gap, or one close(2) per fd below `fd_limit` where close_range is
/// missing. Async-signal-safe.
fn close_open_fds(plan: &ChildPlan) {
    let mut start = 3;
    for &keep in plan.fds_to_keep.iter().filter(|&&fd| fd >= 3) {
        if keep > start {
            close_range(start, keep - 1, plan.fd_limit);
        }
        start = keep + 1;
    }
    close_range(start, i32::MAX, plan.fd_limit);
}

/// Closes fds `first..=last`. Async-signal-safe.
fn close_range(first: i32, last: i32, fd_limit: i32) {
    // SAFETY: close_range(2) takes plain integers.
    let r = unsafe { libc::syscall(libc::SYS_close_range, first as u32, last as u32, 0u32) };
    if r == 0 {
        return;
    }
    for fd in first..=last.min(fd_limit - 1) {
        // SAFETY: closing fds in the child; EBADF for unused ones is fine.
        unsafe { libc::close(fd) };
    }
}

/// Writes the failure to the error pipe in `subprocess.py`'s format.
/// Async-signal-safe: no allocation, no strerror (the parent looks the
/// message up).
fn report_error(fd: i32, err: ChildError) {
    let write = |b: &[u8]| {
        // SAFETY: `b` is a live buffer; write(2) is async-signal-safe.
        unsafe { libc::write(fd, b.as_ptr().cast(), b.len()) };
    };
    match err {
        ChildError::Os {
            errno,
            reached_exec,
        } => {
            write(b"OSError:");
            let mut hex = [0u8; 16];
            let mut i = hex.len();
            let mut n = errno as u32;
            while n != 0 && i > 0 {
                i -= 1;
                hex[i] = b"0123456789abcdef"[(n % 16) as usize];
                n /= 16;
            }
            write(&hex[i..]);
            write(b":");
            if !reached_exec {
                write(b"noexec");
            }
        }
        ChildError::Message(msg) => {
            write(b"SubprocessError:0:");
            write(msg.as_bytes());
        }
    }
}

/// The calling thread's errno.
fn errno() -> i32 {
    // SAFETY: errno is thread-local and valid for the thread's life.
    unsafe { *libc::__errno_location() }
}

/// One past the highest fd number this process may have open.
fn fd_limit() -> i32 {
    // SAFETY: sysconf(3) takes a plain name.
    let n = unsafe { libc::sysconf(libc::_SC_OPEN_MAX) };
    if n <= 0 {
        256
    } else {
        n.min(i32::MAX as i64) as i32
    }
}

/// An int argument that must fit a C int.
fn int_arg<H: Heap>(vm: &mut Vm<H>, v: Value) -> PyResult<i32> {
    let n = vm.index_int(v)?;
    i32::try_from(n).map_err(|_| {
        let msg = if n < 0 {
            "signed integer is less than minimum"
        } else {
            "signed integer is greater than maximum"
        };
        vm.raise_msg(crate::builtins::T_OVERFLOW_ERROR, msg)
    })
}

/// A uid/gid argument: None, or a non-negative id.
fn optional_id<H: Heap>(vm: &mut Vm<H>, v: Value) -> PyResult<Option<u32>> {
    if v.is_none() {
        return Ok(None);
    }
    let n = vm.index_int(v)?;
    match u32::try_from(n) {
        Ok(id) if id != u32::MAX => Ok(Some(id)),
        _ => Err(vm.value_error("uid/gid out of range")),
    }
}

/// `fds_to_keep`: a tuple of sorted, distinct, non-negative fds.
fn fds_to_keep_arg<H: Heap>(vm: &mut Vm<H>, v: Value) -> PyResult<Vec<i32>> {
    if !v.is_obj() || crate::object::kind(v.as_obj()) != crate::object::Kind::Tuple {
        let msg = format!(
            "fork_exec() argument 4 must be tuple, not {}",
            vm.type_name(v)
        );
        return Err(vm.type_error(&msg));
    }
    let fds = int_list(vm, v, "bad value(s) in fds_to_keep")?;
    let sorted = fds.windows(2).all(|w| w[0] < w[1]);
    if !sorted || fds.iter().any(|&fd| fd > i32::MAX as u32) {
        return Err(vm.value_error("bad value(s) in fds_to_keep"));
    }
    Ok(fds.into_iter().map(|fd| fd as i32).collect())
}

/// The items of iterable `v` as non-negative ints that fit a C unsigned
/// (ValueError `bad` otherwise).
fn int_list<H: Heap>(vm: &mut Vm<H>, v: Value, bad: &str) -> PyResult<Vec<u32>> {
    let mark = vm.rt.sp;
    let it = vm.get_iter(v)?;
    let its = vm.push(it);
    let mut out = Vec::new();
    while let Some(x) = vm.iter_next(its)? {
        let n = vm.index_int(x)?;
        match u32::try_from(n) {
            Ok(n) => out.push(n),
            Err(_) => {
                vm.truncate(mark);
                return Err(vm.value_error(bad));
            }
        }
    }
    vm.truncate(mark);
    Ok(out)
}

/// The items of iterable `v` (str, bytes or path-like) as C strings.
fn path_list<H: Heap>(vm: &mut Vm<H>, v: Value) -> PyResult<Vec<CString>> {
    let mark = vm.rt.sp;
    let it = vm.get_iter(v)?;
    let its = vm.push(it);
    let mut out = Vec::new();
    while let Some(x) = vm.iter_next(its)? {
        match c_path(vm, x) {
            Ok(c) => out.push(c),
            Err(e) => {
                vm.truncate(mark);
                return Err(e);
            }
        }
    }
    vm.truncate(mark);
    Ok(out)
}

/// A str, bytes or path-like value as a C string (`os.fsencode`).
fn c_path<H: Heap>(vm: &mut Vm<H>, v: Value) -> PyResult<CString> {
    let (b, _) = path_arg(vm, v, "fork_exec")?;
    CString::new(b).map_err(|_| vm.value_error("embedded null byte"))
}
