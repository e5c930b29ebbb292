//! `posix` and `errno`: the operating-system interface behind `os`.
//!
//! The system calls are Rust natives (std, plus a few libc symbols declared
//! here); the structseqs (`stat_result`, `terminal_size`, ...), `scandir`/
//! `DirEntry`, `fspath` and `environ` are Python (`posix_module.py`) run in
//! the native module's namespace. `_stat` is not provided: `stat.py`'s
//! pure-Python fallback is used.

use crate::builtins::*;
use crate::object::{self, Kind, field};
use crate::value::Value;
use crate::vm::{Args, Exc, NativeFn, PyResult, Vm};
use gc_api::Heap;
use std::ffi::{CStr, CString, OsStr};
use std::os::unix::ffi::OsStrExt;

/// The module names this file provides.
pub const MODULES: &[&str] = &["posix", "errno"];

/// Frozen Python source this file adds (name, source).
pub const FROZEN: &[(&str, &str)] = &[];

const POSIX_PY: &str = include_str!("posix_module.py");

unsafe extern "C" {
    fn open(path: *const std::ffi::c_char, flags: i32, mode: u32) -> i32;
    fn read(fd: i32, buf: *mut u8, n: usize) -> isize;
    fn write(fd: i32, buf: *const u8, n: usize) -> isize;
    fn close(fd: i32) -> i32;
    fn lseek(fd: i32, off: i64, how: i32) -> i64;
    fn isatty(fd: i32) -> i32;
    fn access(path: *const std::ffi::c_char, mode: i32) -> i32;
    fn strerror(n: i32) -> *const std::ffi::c_char;
    fn uname(buf: *mut [[u8; 65]; 6]) -> i32;
    fn times(buf: *mut [i64; 4]) -> i64;
    fn sysconf(name: i32) -> i64;
    fn ioctl(fd: i32, req: u64, ...) -> i32;
    fn dup2(fd: i32, fd2: i32) -> i32;
    fn getuid() -> u32;
    fn geteuid() -> u32;
    fn getgid() -> u32;
    fn getegid() -> u32;
    fn getppid() -> i32;
    fn umask(m: u32) -> u32;
    fn ftruncate(fd: i32, len: i64) -> i32;
    fn fsync(fd: i32) -> i32;
    fn _exit(code: i32) -> !;
}

/// Linux errno names and values (as CPython's `errno` module has them).
pub(crate) const ERRNOS: &[(&str, i64)] = &[
    ("E2BIG", 7),
    ("EACCES", 13),
    ("EADDRINUSE", 98),
    ("EADDRNOTAVAIL", 99),
    ("EADV", 68),
    ("EAFNOSUPPORT", 97),
    ("EAGAIN", 11),
    ("EALREADY", 114),
    ("EBADE", 52),
    ("EBADF", 9),
    ("EBADFD", 77),
    ("EBADMSG", 74),
    ("EBADR", 53),
    ("EBADRQC", 56),
    ("EBADSLT", 57),
    ("EBFONT", 59),
    ("EBUSY", 16),
    ("ECANCELED", 125),
    ("ECHILD", 10),
    ("ECHRNG", 44),
    ("ECOMM", 70),
    ("ECONNABORTED", 103),
    ("ECONNREFUSED", 111),
    ("ECONNRESET", 104),
    ("EDEADLK", 35),
    ("EDEADLOCK", 35),
    ("EDESTADDRREQ", 89),
    ("EDOM", 33),
    ("EDOTDOT", 73),
    ("EDQUOT", 122),
    ("EEXIST", 17),
    ("EFAULT", 14),
    ("EFBIG", 27),
    ("EHOSTDOWN", 112),
    ("EHOSTUNREACH", 113),
    ("EIDRM", 43),
    ("EILSEQ", 84),
    ("EINPROGRESS", 115),
    ("EINTR", 4),
    ("EINVAL", 22),
    ("EIO", 5),
    ("EISCONN", 106),
    ("EISDIR", 21),
    ("EISNAM", 120),
    ("EKEYEXPIRED", 127),
    ("EKEYREJECTED", 129),
    ("EKEYREVOKED", 128),
    ("EL2HLT", 51),
    ("EL2NSYNC", 45),
    ("EL3HLT", 46),
    ("EL3RST", 47),
    ("ELIBACC", 79),
    ("ELIBBAD", 80),
    ("ELIBEXEC", 83),
    ("ELIBMAX", 82),
    ("ELIBSCN", 81),
    ("ELNRNG", 48),
    ("ELOOP", 40),
    ("EMEDIUMTYPE", 124),
    ("EMFILE", 24),
    ("EMLINK", 31),
    ("EMSGSIZE", 90),
    ("EMULTIHOP", 72),
    ("ENAMETOOLONG", 36),
    ("ENAVAIL", 119),
    ("ENETDOWN", 100),
    ("ENETRESET", 102),
    ("ENETUNREACH", 101),
    ("ENFILE", 23),
    ("ENOANO", 55),
    ("ENOBUFS", 105),
    ("ENOCSI", 50),
    ("ENODATA", 61),
    ("ENODEV", 19),
    ("ENOENT", 2),
    ("ENOEXEC", 8),
    ("ENOKEY", 126),
    ("ENOLCK", 37),
    ("ENOLINK", 67),
    ("ENOMEDIUM", 123),
    ("ENOMEM", 12),
    ("ENOMSG", 42),
    ("ENONET", 64),
    ("ENOPKG", 65),
    ("ENOPROTOOPT", 92),
    ("ENOSPC", 28),
    ("ENOSR", 63),
    ("ENOSTR", 60),
    ("ENOSYS", 38),
    ("ENOTBLK", 15),
    ("ENOTCONN", 107),
    ("ENOTDIR", 20),
    ("ENOTEMPTY", 39),
    ("ENOTNAM", 118),
    ("ENOTRECOVERABLE", 131),
    ("ENOTSOCK", 88),
    ("ENOTSUP", 95),
    ("ENOTTY", 25),
    ("ENOTUNIQ", 76),
    ("ENXIO", 6),
    ("EOPNOTSUPP", 95),
    ("EOVERFLOW", 75),
    ("EOWNERDEAD", 130),
    ("EPERM", 1),
    ("EPFNOSUPPORT", 96),
    ("EPIPE", 32),
    ("EPROTO", 71),
    ("EPROTONOSUPPORT", 93),
    ("EPROTOTYPE", 91),
    ("ERANGE", 34),
    ("EREMCHG", 78),
    ("EREMOTE", 66),
    ("EREMOTEIO", 121),
    ("ERESTART", 85),
    ("ERFKILL", 132),
    ("EROFS", 30),
    ("ESHUTDOWN", 108),
    ("ESOCKTNOSUPPORT", 94),
    ("ESPIPE", 29),
    ("ESRCH", 3),
    ("ESRMNT", 69),
    ("ESTALE", 116),
    ("ESTRPIPE", 86),
    ("ETIME", 62),
    ("ETIMEDOUT", 110),
    ("ETOOMANYREFS", 109),
    ("ETXTBSY", 26),
    ("EUCLEAN", 117),
    ("EUNATCH", 49),
    ("EUSERS", 87),
    ("EWOULDBLOCK", 11),
    ("EXDEV", 18),
    ("EXFULL", 54),
];

/// Names that are not `errno.errorcode`'s choice for their value.
const ERRNO_ALIASES: &[&str] = &["EWOULDBLOCK", "EDEADLK", "EOPNOTSUPP"];

const INT_CONSTANTS: &[(&str, i64)] = &[
    ("O_RDONLY", 0),
    ("O_WRONLY", 1),
    ("O_RDWR", 2),
    ("O_ACCMODE", 3),
    ("O_CREAT", 0o100),
    ("O_EXCL", 0o200),
    ("O_NOCTTY", 0o400),
    ("O_TRUNC", 0o1000),
    ("O_APPEND", 0o2000),
    ("O_NONBLOCK", 0o4000),
    ("O_NDELAY", 0o4000),
    ("O_DSYNC", 0o10000),
    ("O_ASYNC", 0o20000),
    ("O_DIRECT", 0o40000),
    ("O_LARGEFILE", 0),
    ("O_DIRECTORY", 0o200000),
    ("O_NOFOLLOW", 0o400000),
    ("O_NOATIME", 0o1000000),
    ("O_CLOEXEC", 0o2000000),
    ("O_SYNC", 0o4010000),
    ("O_RSYNC", 0o4010000),
    ("O_PATH", 0o10000000),
    ("O_TMPFILE", 0o20200000),
    ("SEEK_SET", 0),
    ("SEEK_CUR", 1),
    ("SEEK_END", 2),
    ("SEEK_DATA", 3),
    ("SEEK_HOLE", 4),
    ("F_OK", 0),
    ("R_OK", 4),
    ("W_OK", 2),
    ("X_OK", 1),
    ("EX_OK", 0),
    ("WNOHANG", 1),
    ("WUNTRACED", 2),
    ("WCONTINUED", 8),
    ("F_LOCK", 1),
    ("F_TLOCK", 2),
    ("F_ULOCK", 0),
    ("F_TEST", 3),
];

/// Fills in module `name`, rooted at stack slot `ms`.
pub(crate) fn init<H: Heap>(vm: &mut Vm<H>, name: &str, ms: usize) -> PyResult<()> {
    if name == "errno" {
        let d = vm.new_dict()?;
        let ds = vm.push(d);
        for &(n, v) in ERRNOS {
            vm.module_set(vm.st(ms), n, Value::int(v))?;
        }
        for &(n, v) in ERRNOS {
            if ERRNO_ALIASES.contains(&n) {
                continue;
            }
            let s = vm.new_str(n)?;
            vm.dict_set_item(vm.st(ds), Value::int(v), s)?;
        }
        vm.module_set(vm.st(ms), "errorcode", vm.st(ds))?;
        vm.truncate(ds);
        return Ok(());
    }
    for &(n, v) in INT_CONSTANTS {
        vm.module_set(vm.st(ms), n, Value::int(v))?;
    }
    let fns: &[(&'static str, NativeFn<H>)] = &[
        ("getcwd", getcwd::<H>),
        ("getcwdb", getcwdb::<H>),
        ("listdir", listdir::<H>),
        ("_stat", stat_native::<H>),
        ("_fstat", fstat_native::<H>),
        ("open", os_open::<H>),
        ("read", os_read::<H>),
        ("write", os_write::<H>),
        ("close", os_close::<H>),
        ("lseek", os_lseek::<H>),
        ("isatty", os_isatty::<H>),
        ("urandom", urandom::<H>),
        ("getpid", getpid::<H>),
        ("getppid", |_, _| {
            Ok(Value::int(unsafe { getppid() } as i64))
        }),
        ("getuid", |_, _| Ok(Value::int(unsafe { getuid() } as i64))),
        ("geteuid", |_, _| {
            Ok(Value::int(unsafe { geteuid() } as i64))
        }),
        ("getgid", |_, _| Ok(Value::int(unsafe { getgid() } as i64))),
        ("getegid", |_, _| {
            Ok(Value::int(unsafe { getegid() } as i64))
        }),
        ("umask", os_umask::<H>),
        ("strerror", os_strerror::<H>),
        ("_uname", os_uname::<H>),
        ("_times", os_times::<H>),
        ("_get_terminal_size", terminal_size::<H>),
        ("mkdir", os_mkdir::<H>),
        ("rmdir", os_rmdir::<H>),
        ("unlink", os_unlink::<H>),
        ("remove", os_unlink::<H>),
        ("rename", os_rename::<H>),
        ("replace", os_rename::<H>),
        ("access", os_access::<H>),
        ("chdir", os_chdir::<H>),
        ("chmod", os_chmod::<H>),
        ("readlink", os_readlink::<H>),
        ("symlink", os_symlink::<H>),
        ("ftruncate", os_ftruncate::<H>),
        ("fsync", os_fsync::<H>),
        ("dup", os_dup::<H>),
        ("dup2", os_dup2::<H>),
        ("pipe", os_pipe::<H>),
        ("pipe2", os_pipe2::<H>),
        ("waitpid", os_waitpid::<H>),
        ("kill", os_kill::<H>),
        ("get_inheritable", get_inheritable::<H>),
        ("set_inheritable", set_inheritable::<H>),
        ("get_blocking", get_blocking::<H>),
        ("set_blocking", set_blocking::<H>),
        ("execv", os_execv::<H>),
        ("_execve", os_execve::<H>),
        ("_exit", os_exit::<H>),
        ("cpu_count", cpu_count::<H>),
        ("_environ", environ::<H>),
        ("putenv", putenv::<H>),
        ("unsetenv", unsetenv::<H>),
    ];
    for &(n, f) in fns {
        vm.module_fn(ms, n, f)?;
    }
    exec_in_module(vm, ms, POSIX_PY, "<frozen posix>")
}

/// Runs Python `src` with the dict of the module at stack slot `ms` as its
/// globals (the Python half of a native module).
pub(crate) fn exec_in_module<H: Heap>(
    vm: &mut Vm<H>,
    ms: usize,
    src: &str,
    file: &str,
) -> PyResult<()> {
    let bk = vm.sym_str("__builtins__");
    let d = object::get(vm.st(ms).as_obj(), field::MOD_DICT);
    vm.dict_set_item(d, bk, vm.rt.globals_roots[ROOT_BUILTINS])?;
    let code = match crate::compiler::compile_module(src, file, &mut vm.interner) {
        Ok(c) => c,
        Err(e) => return Err(vm.raise_syntax_error(&e)),
    };
    let code = vm.materialize(code, file)?;
    let g = object::get(vm.st(ms).as_obj(), field::MOD_DICT);
    vm.run_code(code, g)?;
    Ok(())
}

// ------------------------------------------------------------------ errors

/// The text of errno `code` (C `strerror`).
pub(crate) fn strerror_text(code: i32) -> String {
    // SAFETY: strerror returns a valid NUL-terminated string.
    unsafe { CStr::from_ptr(strerror(code)) }
        .to_string_lossy()
        .into_owned()
}

/// Raises the `OSError` (subclass) for errno `code`, with up to two file
/// names (NULL: none).
pub(crate) fn raise_os_error<H: Heap>(vm: &mut Vm<H>, code: i32, f1: Value, f2: Value) -> Exc {
    match os_error_value(vm, code, f1, f2) {
        Ok(e) => vm.raise_value(e, Value::NULL),
        Err(x) => x,
    }
}

/// `OSError(code, strerror(code)[, f1[, 0, f2]])`, which is the errno's
/// own subclass and carries the attributes (see `builtins::os_error`).
fn os_error_value<H: Heap>(vm: &mut Vm<H>, code: i32, f1: Value, f2: Value) -> PyResult {
    let mark = vm.push(f1);
    vm.push(f2);
    let msg = vm.new_str(&strerror_text(code))?;
    vm.push(msg);
    let (f1, f2) = (vm.st(mark), vm.st(mark + 1));
    let mut args = vec![Value::int(code as i64), vm.st(mark + 2)];
    if !f1.is_null() {
        args.push(f1);
        if !f2.is_null() {
            args.push(Value::int(0));
            args.push(f2);
        }
    }
    let e = vm.call_values(vm.class(T_OS_ERROR), &args);
    vm.truncate(mark);
    e
}

fn io_err<H: Heap>(vm: &mut Vm<H>, e: std::io::Error, f1: Value, f2: Value) -> Exc {
    match e.raw_os_error() {
        Some(code) => raise_os_error(vm, code, f1, f2),
        None => {
            let msg = e.to_string();
            vm.raise_msg(T_OS_ERROR, &msg)
        }
    }
}

fn last_errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

// ------------------------------------------------------------------- args

/// A path argument: str, bytes or `os.PathLike`. Returns the bytes and
/// whether the path was given as bytes.
pub(crate) fn path_arg<H: Heap>(
    vm: &mut Vm<H>,
    v: Value,
    fname: &str,
) -> PyResult<(Vec<u8>, bool)> {
    if v.is_obj() {
        match object::kind(v.as_obj()) {
            Kind::Str => return Ok((object::bytes_of(v.as_obj()).to_vec(), false)),
            Kind::Bytes => return Ok((object::bytes_of(v.as_obj()).to_vec(), true)),
            Kind::Instance => {
                if let Some(r) = vm.call_dunder(v, "__fspath__", &[])? {
                    if r.is_obj() && matches!(object::kind(r.as_obj()), Kind::Str | Kind::Bytes) {
                        return path_arg(vm, r, fname);
                    }
                    let msg = format!(
                        "expected {}.__fspath__() to return str or bytes, not {}",
                        vm.type_name(v),
                        vm.type_name(r)
                    );
                    return Err(vm.type_error(&msg));
                }
            }
            _ => {}
        }
    }
    let msg = format!(
        "{fname}: path should be string, bytes or os.PathLike, not {}",
        vm.type_name(v)
    );
    Err(vm.type_error(&msg))
}

fn os_path(b: &[u8]) -> &std::path::Path {
    std::path::Path::new(OsStr::from_bytes(b))
}

fn cstring<H: Heap>(vm: &mut Vm<H>, b: &[u8]) -> PyResult<CString> {
    CString::new(b.to_vec()).map_err(|_| vm.value_error("embedded null byte"))
}

fn int_arg<H: Heap>(vm: &mut Vm<H>, v: Value, what: &str) -> PyResult<i64> {
    if v.is_int() {
        return Ok(v.as_int());
    }
    if v.is_bool() {
        return Ok((v == Value::TRUE) as i64);
    }
    match vm.index_value(v)? {
        Some(i) => Ok(i),
        None => {
            let msg = format!(
                "{what}: an integer is required (got type {})",
                vm.type_name(v)
            );
            Err(vm.type_error(&msg))
        }
    }
}

/// Positional argument `i`, else keyword `name`, else NULL.
fn arg_or_kw<H: Heap>(vm: &Vm<H>, a: Args, i: usize, name: &str) -> Value {
    if i < a.n {
        vm.arg(a, i)
    } else {
        vm.kwarg(a, name).unwrap_or(Value::NULL)
    }
}

/// A str (or bytes, if `as_bytes`) value from OS bytes.
fn os_str_value<H: Heap>(vm: &mut Vm<H>, b: &[u8], as_bytes: bool) -> PyResult {
    if as_bytes {
        vm.new_bytes_kind(Kind::Bytes, b)
    } else {
        let s = String::from_utf8_lossy(b).into_owned();
        vm.new_str(&s)
    }
}

// ------------------------------------------------------------- functions

fn getcwd<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "getcwd", 0, 0)?;
    match std::env::current_dir() {
        Ok(p) => os_str_value(vm, p.as_os_str().as_bytes(), false),
        Err(e) => Err(io_err(vm, e, Value::NULL, Value::NULL)),
    }
}

fn getcwdb<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "getcwdb", 0, 0)?;
    match std::env::current_dir() {
        Ok(p) => os_str_value(vm, p.as_os_str().as_bytes(), true),
        Err(e) => Err(io_err(vm, e, Value::NULL, Value::NULL)),
    }
}

fn listdir<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "listdir", &["path"])?;
    vm.check_count(a, "listdir", 0, 1)?;
    let p = arg_or_kw(vm, a, 0, "path");
    let (path, as_bytes) = if p.is_null() || p.is_none() {
        (b".".to_vec(), false)
    } else {
        path_arg(vm, p, "listdir")?
    };
    let names: Vec<Vec<u8>> = match std::fs::read_dir(os_path(&path)) {
        Ok(rd) => rd
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().as_bytes().to_vec())
            .collect(),
        Err(e) => {
            let p = arg_or_kw(vm, a, 0, "path");
            let f = if p.is_null() || p.is_none() {
                vm.new_str(".")?
            } else {
                p
            };
            return Err(io_err(vm, e, f, Value::NULL));
        }
    };
    let l = vm.new_list(names.len())?;
    let ls = vm.push(l);
    for n in &names {
        let v = os_str_value(vm, n, as_bytes)?;
        vm.list_append(vm.st(ls), v)?;
    }
    let l = vm.st(ls);
    vm.truncate(ls);
    Ok(l)
}

fn stat_tuple<H: Heap>(vm: &mut Vm<H>, m: &std::fs::Metadata) -> PyResult {
    use std::os::unix::fs::MetadataExt;
    let ints = [
        m.mode() as i64,
        m.ino() as i64,
        m.dev() as i64,
        m.nlink() as i64,
        m.uid() as i64,
        m.gid() as i64,
        m.size() as i64,
    ];
    let mark = vm.rt.sp;
    for i in ints {
        let v = vm.int_from_i64(i)?;
        vm.push(v);
    }
    for (s, ns) in [
        (m.atime(), m.atime_nsec()),
        (m.mtime(), m.mtime_nsec()),
        (m.ctime(), m.ctime_nsec()),
    ] {
        let f = vm.new_float(s as f64 + ns as f64 * 1e-9)?;
        vm.push(f);
    }
    for (s, ns) in [
        (m.atime(), m.atime_nsec()),
        (m.mtime(), m.mtime_nsec()),
        (m.ctime(), m.ctime_nsec()),
    ] {
        let v = vm.new_int(num_bigint::BigInt::from(s) * 1_000_000_000 + ns)?;
        vm.push(v);
    }
    for i in [m.blksize() as i64, m.blocks() as i64, m.rdev() as i64] {
        let v = vm.int_from_i64(i)?;
        vm.push(v);
    }
    let n = vm.rt.sp - mark;
    let t = vm.tuple_from_stack(mark, n)?;
    vm.truncate(mark);
    Ok(t)
}

/// `_stat(path, follow_symlinks)`: the raw fields for `stat_result`.
fn stat_native<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "stat", 2, 2)?;
    let p = vm.arg(a, 0);
    if p.is_int() {
        return fstat_native(vm, Args::positional(a.base, 1));
    }
    let (path, _) = path_arg(vm, p, "stat")?;
    let follow = vm.truthy(vm.arg(a, 1))?;
    let r = if follow {
        std::fs::metadata(os_path(&path))
    } else {
        std::fs::symlink_metadata(os_path(&path))
    };
    match r {
        Ok(m) => stat_tuple(vm, &m),
        Err(e) => Err(io_err(vm, e, vm.arg(a, 0), Value::NULL)),
    }
}

fn with_fd<R>(fd: i32, f: impl FnOnce(&std::fs::File) -> R) -> R {
    use std::os::fd::FromRawFd;
    // SAFETY: the File is never dropped (ManuallyDrop), so the fd stays
    // owned by the caller; operations on a bad fd just fail with EBADF.
    let file = std::mem::ManuallyDrop::new(unsafe { std::fs::File::from_raw_fd(fd) });
    f(&file)
}

fn fd_arg<H: Heap>(vm: &mut Vm<H>, a: Args, i: usize) -> PyResult<i32> {
    let v = vm.arg(a, i);
    let fd = int_arg(vm, v, "fd")?;
    if fd < 0 || fd > i32::MAX as i64 {
        return Err(raise_os_error(vm, 9, Value::NULL, Value::NULL));
    }
    Ok(fd as i32)
}

fn fstat_native<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "fstat", 1, 1)?;
    let fd = fd_arg(vm, a, 0)?;
    match with_fd(fd, |f| f.metadata()) {
        Ok(m) => stat_tuple(vm, &m),
        Err(e) => Err(io_err(vm, e, Value::NULL, Value::NULL)),
    }
}

fn os_open<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "open", &["path", "flags", "mode", "dir_fd"])?;
    let p = arg_or_kw(vm, a, 0, "path");
    let fl = arg_or_kw(vm, a, 1, "flags");
    let md = arg_or_kw(vm, a, 2, "mode");
    if p.is_null() || fl.is_null() {
        return Err(vm.type_error("open() missing required argument 'path' or 'flags'"));
    }
    let (path, _) = path_arg(vm, p, "open")?;
    let flags = int_arg(vm, fl, "open")? as i32;
    let mode = if md.is_null() {
        0o777
    } else {
        int_arg(vm, md, "open")? as u32
    };
    let c = cstring(vm, &path)?;
    loop {
        // SAFETY: c is a valid C string.
        let fd = unsafe { open(c.as_ptr(), flags | 0o2000000, mode) };
        if fd >= 0 {
            return Ok(Value::int(fd as i64));
        }
        let e = last_errno();
        if e != 4 {
            let p = arg_or_kw(vm, a, 0, "path");
            return Err(raise_os_error(vm, e, p, Value::NULL));
        }
    }
}

fn os_read<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "read", 2, 2)?;
    let fd = fd_arg(vm, a, 0)?;
    let n = int_arg(vm, vm.arg(a, 1), "read")?;
    if n < 0 {
        return Err(raise_os_error(vm, 22, Value::NULL, Value::NULL));
    }
    let mut buf = vec![0u8; n as usize];
    loop {
        // SAFETY: buf has n writable bytes.
        let r = unsafe { read(fd, buf.as_mut_ptr(), buf.len()) };
        if r >= 0 {
            return vm.new_bytes_kind(Kind::Bytes, &buf[..r as usize]);
        }
        let e = last_errno();
        if e != 4 {
            return Err(raise_os_error(vm, e, Value::NULL, Value::NULL));
        }
    }
}

fn os_write<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "write", 2, 2)?;
    let fd = fd_arg(vm, a, 0)?;
    let data = bytes_like(vm, vm.arg(a, 1))?;
    if fd == 1 || fd == 2 {
        // Keep ordering with the VM's own buffered stdout.
        vm.flush();
    }
    loop {
        // SAFETY: data is a valid buffer.
        let r = unsafe { write(fd, data.as_ptr(), data.len()) };
        if r >= 0 {
            return Ok(Value::int(r as i64));
        }
        let e = last_errno();
        if e != 4 {
            return Err(raise_os_error(vm, e, Value::NULL, Value::NULL));
        }
    }
}

/// The bytes of a bytes-like object (bytes, bytearray, memoryview).
pub(crate) fn bytes_like<H: Heap>(vm: &mut Vm<H>, v: Value) -> PyResult<Vec<u8>> {
    if let Some(b) = vm.byte_contents(v) {
        return Ok(b);
    }
    if vm.isinstance_idx(v, T_MEMORYVIEW) {
        // Rooted: interning the name may allocate.
        let mark = vm.push(v);
        let sym = vm.intern("tobytes");
        let m = vm.getattr(vm.st(mark), sym);
        vm.truncate(mark);
        let b = vm.call_values(m?, &[])?;
        if let Some(b) = vm.byte_contents(b) {
            return Ok(b);
        }
    }
    let msg = format!("a bytes-like object is required, not '{}'", vm.type_name(v));
    Err(vm.type_error(&msg))
}

fn os_close<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "close", 1, 1)?;
    let fd = fd_arg(vm, a, 0)?;
    // SAFETY: closing an fd the program names.
    if unsafe { close(fd) } < 0 {
        let e = last_errno();
        return Err(raise_os_error(vm, e, Value::NULL, Value::NULL));
    }
    Ok(Value::NONE)
}

fn os_lseek<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "lseek", 3, 3)?;
    let fd = fd_arg(vm, a, 0)?;
    let pos = int_arg(vm, vm.arg(a, 1), "lseek")?;
    let how = int_arg(vm, vm.arg(a, 2), "lseek")? as i32;
    // SAFETY: plain syscall.
    let r = unsafe { lseek(fd, pos, how) };
    if r < 0 {
        let e = last_errno();
        return Err(raise_os_error(vm, e, Value::NULL, Value::NULL));
    }
    vm.int_from_i64(r)
}

fn os_isatty<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "isatty", 1, 1)?;
    let fd = int_arg(vm, vm.arg(a, 0), "isatty")?;
    // SAFETY: plain syscall.
    Ok(Value::bool(fd >= 0 && unsafe { isatty(fd as i32) } == 1))
}

fn urandom<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    use std::io::Read;
    vm.check_args(a, "urandom", 1, 1)?;
    let n = int_arg(vm, vm.arg(a, 0), "urandom")?;
    if n < 0 {
        return Err(vm.value_error("negative argument not allowed"));
    }
    let mut buf = vec![0u8; n as usize];
    match std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut buf)) {
        Ok(()) => vm.new_bytes_kind(Kind::Bytes, &buf),
        Err(e) => Err(io_err(vm, e, Value::NULL, Value::NULL)),
    }
}

fn getpid<H: Heap>(_vm: &mut Vm<H>, _a: Args) -> PyResult {
    Ok(Value::int(std::process::id() as i64))
}

fn os_umask<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "umask", 1, 1)?;
    let m = int_arg(vm, vm.arg(a, 0), "umask")?;
    // SAFETY: plain syscall.
    Ok(Value::int(unsafe { umask(m as u32) } as i64))
}

fn os_strerror<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "strerror", 1, 1)?;
    let n = int_arg(vm, vm.arg(a, 0), "strerror")?;
    vm.new_str(&strerror_text(n as i32))
}

fn os_uname<H: Heap>(vm: &mut Vm<H>, _a: Args) -> PyResult {
    let mut buf = [[0u8; 65]; 6];
    // SAFETY: buf has the Linux utsname layout.
    if unsafe { uname(&mut buf) } < 0 {
        let e = last_errno();
        return Err(raise_os_error(vm, e, Value::NULL, Value::NULL));
    }
    let mark = vm.rt.sp;
    for field in buf.iter().take(5) {
        let end = field.iter().position(|&c| c == 0).unwrap_or(65);
        let s = String::from_utf8_lossy(&field[..end]).into_owned();
        let v = vm.new_str(&s)?;
        vm.push(v);
    }
    let t = vm.tuple_from_stack(mark, 5)?;
    vm.truncate(mark);
    Ok(t)
}

fn os_times<H: Heap>(vm: &mut Vm<H>, _a: Args) -> PyResult {
    let mut buf = [0i64; 4];
    // SAFETY: buf has the Linux struct tms layout; sysconf is a plain call.
    let (elapsed, tick) = unsafe { (times(&mut buf), sysconf(2)) };
    let tick = if tick > 0 { tick as f64 } else { 100.0 };
    let mark = vm.rt.sp;
    for v in [buf[0], buf[1], buf[2], buf[3], elapsed] {
        let f = vm.new_float(v as f64 / tick)?;
        vm.push(f);
    }
    let t = vm.tuple_from_stack(mark, 5)?;
    vm.truncate(mark);
    Ok(t)
}

fn terminal_size<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "get_terminal_size", 0, 1)?;
    let fd = if a.n == 1 { fd_arg(vm, a, 0)? } else { 1 };
    let mut ws = [0u16; 4];
    // SAFETY: TIOCGWINSZ fills a struct winsize (4 u16).
    if unsafe { ioctl(fd, 0x5413, ws.as_mut_ptr()) } < 0 {
        let e = last_errno();
        return Err(raise_os_error(vm, e, Value::NULL, Value::NULL));
    }
    vm.new_tuple(&[Value::int(ws[1] as i64), Value::int(ws[0] as i64)])
}

/// Runs a path operation; on failure raises with the path as filename.
fn path_op<H: Heap>(
    vm: &mut Vm<H>,
    a: Args,
    name: &str,
    op: impl FnOnce(&std::path::Path) -> std::io::Result<()>,
) -> PyResult {
    let p = arg_or_kw(vm, a, 0, "path");
    if p.is_null() {
        let msg = format!("{name}() missing required argument 'path' (pos 1)");
        return Err(vm.type_error(&msg));
    }
    let (path, _) = path_arg(vm, p, name)?;
    match op(os_path(&path)) {
        Ok(()) => Ok(Value::NONE),
        Err(e) => {
            let p = arg_or_kw(vm, a, 0, "path");
            Err(io_err(vm, e, p, Value::NULL))
        }
    }
}

fn os_mkdir<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    use std::os::unix::fs::DirBuilderExt;
    vm.check_kwargs(a, "mkdir", &["path", "mode", "dir_fd"])?;
    let m = arg_or_kw(vm, a, 1, "mode");
    let mode = if m.is_null() {
        0o777
    } else {
        int_arg(vm, m, "mkdir")? as u32
    };
    path_op(vm, a, "mkdir", |p| {
        std::fs::DirBuilder::new().mode(mode).create(p)
    })
}

fn os_rmdir<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "rmdir", &["path", "dir_fd"])?;
    path_op(vm, a, "rmdir", |p| std::fs::remove_dir(p))
}

fn os_unlink<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "unlink", &["path", "dir_fd"])?;
    path_op(vm, a, "unlink", |p| std::fs::remove_file(p))
}

fn os_chdir<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "chdir", &["path"])?;
    path_op(vm, a, "chdir", |p| std::env::set_current_dir(p))
}

fn os_chmod<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    use std::os::unix::fs::PermissionsExt;
    vm.check_kwargs(a, "chmod", &["path", "mode", "dir_fd", "follow_symlinks"])?;
    let m = arg_or_kw(vm, a, 1, "mode");
    if m.is_null() {
        return Err(vm.type_error("chmod() missing required argument 'mode' (pos 2)"));
    }
    let mode = int_arg(vm, m, "chmod")? as u32;
    path_op(vm, a, "chmod", |p| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode))
    })
}

fn os_rename<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "rename", &["src", "dst", "src_dir_fd", "dst_dir_fd"])?;
    let s = arg_or_kw(vm, a, 0, "src");
    let d = arg_or_kw(vm, a, 1, "dst");
    if s.is_null() || d.is_null() {
        return Err(vm.type_error("rename() missing required argument"));
    }
    let (src, _) = path_arg(vm, s, "rename")?;
    let (dst, _) = path_arg(vm, d, "rename")?;
    match std::fs::rename(os_path(&src), os_path(&dst)) {
        Ok(()) => Ok(Value::NONE),
        Err(e) => {
            let (s, d) = (arg_or_kw(vm, a, 0, "src"), arg_or_kw(vm, a, 1, "dst"));
            Err(io_err(vm, e, s, d))
        }
    }
}

fn os_symlink<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(
        a,
        "symlink",
        &["src", "dst", "target_is_directory", "dir_fd"],
    )?;
    let s = arg_or_kw(vm, a, 0, "src");
    let d = arg_or_kw(vm, a, 1, "dst");
    if s.is_null() || d.is_null() {
        return Err(vm.type_error("symlink() missing required argument"));
    }
    let (src, _) = path_arg(vm, s, "symlink")?;
    let (dst, _) = path_arg(vm, d, "symlink")?;
    match std::os::unix::fs::symlink(os_path(&src), os_path(&dst)) {
        Ok(()) => Ok(Value::NONE),
        Err(e) => {
            let (s, d) = (arg_or_kw(vm, a, 0, "src"), arg_or_kw(vm, a, 1, "dst"));
            Err(io_err(vm, e, s, d))
        }
    }
}

fn os_readlink<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "readlink", &["path", "dir_fd"])?;
    let p = arg_or_kw(vm, a, 0, "path");
    if p.is_null() {
        return Err(vm.type_error("readlink() missing required argument 'path' (pos 1)"));
    }
    let (path, as_bytes) = path_arg(vm, p, "readlink")?;
    match std::fs::read_link(os_path(&path)) {
        Ok(t) => os_str_value(vm, t.as_os_str().as_bytes(), as_bytes),
        Err(e) => {
            let p = arg_or_kw(vm, a, 0, "path");
            Err(io_err(vm, e, p, Value::NULL))
        }
    }
}

fn os_access<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(
        a,
        "access",
        &["path", "mode", "dir_fd", "effective_ids", "follow_symlinks"],
    )?;
    let p = arg_or_kw(vm, a, 0, "path");
    let m = arg_or_kw(vm, a, 1, "mode");
    if p.is_null() || m.is_null() {
        return Err(vm.type_error("access() missing required argument"));
    }
    let (path, _) = path_arg(vm, p, "access")?;
    let mode = int_arg(vm, m, "access")? as i32;
    let c = cstring(vm, &path)?;
    // SAFETY: c is a valid C string.
    Ok(Value::bool(unsafe { access(c.as_ptr(), mode) } == 0))
}

fn os_ftruncate<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "ftruncate", 2, 2)?;
    let fd = fd_arg(vm, a, 0)?;
    let n = int_arg(vm, vm.arg(a, 1), "ftruncate")?;
    // SAFETY: plain syscall.
    if unsafe { ftruncate(fd, n) } < 0 {
        let e = last_errno();
        return Err(raise_os_error(vm, e, Value::NULL, Value::NULL));
    }
    Ok(Value::NONE)
}

fn os_fsync<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "fsync", 1, 1)?;
    let fd = fd_arg(vm, a, 0)?;
    // SAFETY: plain syscall.
    if unsafe { fsync(fd) } < 0 {
        let e = last_errno();
        return Err(raise_os_error(vm, e, Value::NULL, Value::NULL));
    }
    Ok(Value::NONE)
}

/// `dup(fd)`: a new non-inheritable fd (as CPython makes it).
fn os_dup<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "dup", 1, 1)?;
    let fd = fd_arg(vm, a, 0)?;
    // SAFETY: fcntl(2) on an fd number has no memory-safety preconditions.
    let r = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0) };
    if r < 0 {
        return Err(raise_last_errno(vm));
    }
    Ok(Value::int(r as i64))
}

/// `dup2(fd, fd2, inheritable=True)`.
fn os_dup2<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "dup2", &["fd", "fd2", "inheritable"])?;
    vm.check_count(a, "dup2", 2, 3)?;
    let fd = fd_arg(vm, a, 0)?;
    let fd2 = fd_arg(vm, a, 1)?;
    let inh = arg_or_kw(vm, a, 2, "inheritable");
    let inheritable = inh.is_null() || vm.truthy(inh)?;
    // SAFETY: plain syscalls on fd numbers.
    let r = unsafe {
        if inheritable || fd == fd2 {
            dup2(fd, fd2)
        } else {
            libc::dup3(fd, fd2, libc::O_CLOEXEC)
        }
    };
    if r < 0 {
        return Err(raise_last_errno(vm));
    }
    Ok(Value::int(r as i64))
}

/// Raises the OSError for the current errno.
fn raise_last_errno<H: Heap>(vm: &mut Vm<H>) -> Exc {
    let e = last_errno();
    raise_os_error(vm, e, Value::NULL, Value::NULL)
}

/// `pipe()`: a (read, write) pair of non-inheritable fds.
fn os_pipe<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "pipe", 0, 0)?;
    make_pipe(vm, libc::O_CLOEXEC)
}

/// `pipe2(flags)`: a (read, write) pair made with `flags`.
fn os_pipe2<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "pipe2", 1, 1)?;
    let flags = int_arg(vm, vm.arg(a, 0), "pipe2")? as i32;
    make_pipe(vm, flags)
}

fn make_pipe<H: Heap>(vm: &mut Vm<H>, flags: i32) -> PyResult {
    let mut fds = [0i32; 2];
    // SAFETY: `fds` has room for the two descriptors pipe2(2) writes.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), flags) } < 0 {
        return Err(raise_last_errno(vm));
    }
    vm.new_tuple(&[Value::int(fds[0] as i64), Value::int(fds[1] as i64)])
}

/// `waitpid(pid, options)`: (pid, status); (0, 0) when WNOHANG finds no
/// change. Signals that interrupt the wait run their handlers, then the
/// wait resumes (PEP 475).
fn os_waitpid<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "waitpid", 2, 2)?;
    let pid = int_arg(vm, vm.arg(a, 0), "waitpid")? as libc::pid_t;
    let options = int_arg(vm, vm.arg(a, 1), "waitpid")? as i32;
    let mut status = 0i32;
    loop {
        // SAFETY: `status` is a valid out-parameter.
        let r = unsafe { libc::waitpid(pid, &mut status, options) };
        if r >= 0 {
            return vm.new_tuple(&[Value::int(r as i64), Value::int(status as i64)]);
        }
        if last_errno() != libc::EINTR {
            return Err(raise_last_errno(vm));
        }
        vm.run_signal_handlers()?;
    }
}

/// `kill(pid, signal)`.
fn os_kill<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "kill", 2, 2)?;
    let pid = int_arg(vm, vm.arg(a, 0), "kill")? as libc::pid_t;
    let sig = int_arg(vm, vm.arg(a, 1), "kill")? as i32;
    // SAFETY: kill(2) takes plain integers.
    if unsafe { libc::kill(pid, sig) } < 0 {
        return Err(raise_last_errno(vm));
    }
    vm.run_signal_handlers()?;
    Ok(Value::NONE)
}

/// The fcntl flags word `get` (F_GETFD or F_GETFL) of fd argument 0.
fn fd_flags<H: Heap>(vm: &mut Vm<H>, a: Args, get: i32) -> PyResult<(i32, i32)> {
    let fd = fd_arg(vm, a, 0)?;
    // SAFETY: fcntl(2) on an fd number has no memory-safety preconditions.
    let flags = unsafe { libc::fcntl(fd, get) };
    if flags < 0 {
        return Err(raise_last_errno(vm));
    }
    Ok((fd, flags))
}

/// Sets or clears `bit` in fd's flags word (`set` = F_SETFD or F_SETFL).
fn set_fd_flag<H: Heap>(
    vm: &mut Vm<H>,
    (fd, flags): (i32, i32),
    set: i32,
    bit: i32,
    on: bool,
) -> PyResult {
    let new = if on { flags | bit } else { flags & !bit };
    // SAFETY: as in `fd_flags`.
    if new != flags && unsafe { libc::fcntl(fd, set, new) } < 0 {
        return Err(raise_last_errno(vm));
    }
    Ok(Value::NONE)
}

/// `get_inheritable(fd)`: is `FD_CLOEXEC` clear?
fn get_inheritable<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "get_inheritable", 1, 1)?;
    let (_, flags) = fd_flags(vm, a, libc::F_GETFD)?;
    Ok(Value::bool(flags & libc::FD_CLOEXEC == 0))
}

/// `set_inheritable(fd, inheritable)`.
fn set_inheritable<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "set_inheritable", 2, 2)?;
    let inheritable = vm.truthy(vm.arg(a, 1))?;
    let f = fd_flags(vm, a, libc::F_GETFD)?;
    set_fd_flag(vm, f, libc::F_SETFD, libc::FD_CLOEXEC, !inheritable)
}

/// `get_blocking(fd)`: is `O_NONBLOCK` clear?
fn get_blocking<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "get_blocking", 1, 1)?;
    let (_, flags) = fd_flags(vm, a, libc::F_GETFL)?;
    Ok(Value::bool(flags & libc::O_NONBLOCK == 0))
}

/// `set_blocking(fd, blocking)`.
fn set_blocking<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "set_blocking", 2, 2)?;
    let blocking = vm.truthy(vm.arg(a, 1))?;
    let f = fd_flags(vm, a, libc::F_GETFL)?;
    set_fd_flag(vm, f, libc::F_SETFL, libc::O_NONBLOCK, !blocking)
}

/// The items of a list or tuple of paths (argv, env entries) as C strings.
fn cstring_seq<H: Heap>(
    vm: &mut Vm<H>,
    v: Value,
    fname: &str,
    what: &str,
) -> PyResult<Vec<CString>> {
    if !v.is_obj() || !matches!(object::kind(v.as_obj()), Kind::List | Kind::Tuple) {
        let msg = format!("{fname}: {what} must be a tuple or list");
        return Err(vm.type_error(&msg));
    }
    let mark = vm.push(v);
    let n = vm.seq_len(v);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let item = vm.seq_get(vm.st(mark), i);
        let (b, _) = path_arg(vm, item, fname)?;
        out.push(cstring(vm, &b)?);
    }
    vm.truncate(mark);
    Ok(out)
}

/// A NULL-terminated pointer array over `strings`.
fn c_array(strings: &[CString]) -> Vec<*const std::ffi::c_char> {
    let mut p: Vec<_> = strings.iter().map(|s| s.as_ptr()).collect();
    p.push(std::ptr::null());
    p
}

/// `execv(path, argv)`: replaces the process; returns only by raising.
fn os_execv<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "execv", 2, 2)?;
    exec_common(vm, a, None)
}

/// `_execve(path, argv, env_list)`: `env_list` holds `b"NAME=value"`
/// entries (`execve` in posix_module.py builds it from a mapping).
fn os_execve<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "execve", 3, 3)?;
    let env = cstring_seq(vm, vm.arg(a, 2), "execve", "env")?;
    exec_common(vm, a, Some(env))
}

fn exec_common<H: Heap>(vm: &mut Vm<H>, a: Args, env: Option<Vec<CString>>) -> PyResult {
    let name = if env.is_some() { "execve" } else { "execv" };
    let (path, _) = path_arg(vm, vm.arg(a, 0), name)?;
    let path = cstring(vm, &path)?;
    let argv = cstring_seq(vm, vm.arg(a, 1), name, "argv")?;
    if argv.is_empty() {
        let msg = format!("{name}: argv must not be empty");
        return Err(vm.value_error(&msg));
    }
    if argv[0].as_bytes().is_empty() {
        let msg = format!("{name}: argv first element cannot be empty");
        return Err(vm.value_error(&msg));
    }
    let argv_p = c_array(&argv);
    let env_p = env.as_deref().map(c_array);
    vm.flush();
    // SAFETY: path, argv and env are NUL-terminated strings in
    // NULL-terminated arrays that outlive the call.
    unsafe {
        match &env_p {
            Some(env_p) => libc::execve(path.as_ptr(), argv_p.as_ptr(), env_p.as_ptr()),
            None => libc::execv(path.as_ptr(), argv_p.as_ptr()),
        };
    }
    Err(raise_last_errno(vm))
}

fn os_exit<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "_exit", 1, 1)?;
    let n = int_arg(vm, vm.arg(a, 0), "_exit")?;
    vm.flush();
    // SAFETY: terminates the process without running Python-level cleanup.
    unsafe { _exit(n as i32) }
}

fn cpu_count<H: Heap>(_vm: &mut Vm<H>, _a: Args) -> PyResult {
    Ok(match std::thread::available_parallelism() {
        Ok(n) => Value::int(n.get() as i64),
        Err(_) => Value::NONE,
    })
}

/// `_environ()`: the process environment as a bytes → bytes dict.
fn environ<H: Heap>(vm: &mut Vm<H>, _a: Args) -> PyResult {
    let d = vm.new_dict()?;
    let ds = vm.push(d);
    for (k, v) in std::env::vars_os() {
        let kb = vm.new_bytes_kind(Kind::Bytes, k.as_bytes())?;
        let ks = vm.push(kb);
        let vb = vm.new_bytes_kind(Kind::Bytes, v.as_bytes())?;
        vm.dict_set_item(vm.st(ds), vm.st(ks), vb)?;
        vm.truncate(ks);
    }
    let d = vm.st(ds);
    vm.truncate(ds);
    Ok(d)
}

fn env_bytes<H: Heap>(vm: &mut Vm<H>, v: Value) -> PyResult<Vec<u8>> {
    let (b, _) = path_arg(vm, v, "putenv")?;
    if b.contains(&0) {
        return Err(vm.value_error("embedded null byte"));
    }
    Ok(b)
}

fn putenv<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "putenv", 2, 2)?;
    let k = env_bytes(vm, vm.arg(a, 0))?;
    let v = env_bytes(vm, vm.arg(a, 1))?;
    if k.is_empty() || k.contains(&b'=') {
        return Err(vm.value_error("illegal environment variable name"));
    }
    // SAFETY: the VM is single-threaded.
    unsafe { std::env::set_var(OsStr::from_bytes(&k), OsStr::from_bytes(&v)) };
    Ok(Value::NONE)
}

fn unsetenv<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "unsetenv", 1, 1)?;
    let k = env_bytes(vm, vm.arg(a, 0))?;
    if k.is_empty() || k.contains(&b'=') {
        return Err(vm.value_error("illegal environment variable name"));
    }
    // SAFETY: the VM is single-threaded.
    unsafe { std::env::remove_var(OsStr::from_bytes(&k)) };
    Ok(Value::NONE)
}
