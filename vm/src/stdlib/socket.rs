//! `_socket`: BSD sockets, as CPython's `Modules/socketmodule.c` offers
//! them to `socket.py`.
//!
//! The system calls are Rust natives over plain fd numbers (taking the
//! socket's timeout, waited for with poll(2) first as CPython's
//! `sock_call` does); the `socket` class, argument checking, address
//! normalisation (names resolved with getaddrinfo) and the error classes
//! are Python (`socket/socket_module.py`) run in the module's namespace.

mod constants;

use crate::builtins::*;
use crate::object::{self, Kind};
use crate::stdlib::posix::{bytes_like, exec_in_module, raise_os_error};
use crate::value::Value;
use crate::vm::{Args, Exc, NativeFn, PyResult, Vm};
use gc_api::Heap;
use std::ffi::{CStr, CString};
use std::mem::{size_of, zeroed};
use std::time::{Duration, Instant};

/// The module names this file provides.
pub const MODULES: &[&str] = &["_socket"];

/// Frozen Python source this file adds (name, source).
pub const FROZEN: &[(&str, &str)] = &[];

/// The Python half: the `socket` class and the module functions.
const SOCKET_PY: &str = include_str!("socket/socket_module.py");

/// Fills in module `name`, rooted at stack slot `ms`.
pub(crate) fn init<H: Heap>(vm: &mut Vm<H>, _name: &str, ms: usize) -> PyResult<()> {
    for &(n, v) in constants::CONSTANTS {
        vm.module_set(vm.st(ms), n, Value::int(v))?;
    }
    let fns: &[(&'static str, NativeFn<H>)] = &[
        ("_open", sock_open::<H>),
        ("_socketpair", sock_socketpair::<H>),
        ("_close", sock_close::<H>),
        ("_dup", sock_dup::<H>),
        ("_set_nonblocking", sock_set_nonblocking::<H>),
        ("_bind", sock_bind::<H>),
        ("_listen", sock_listen::<H>),
        ("_connect", sock_connect::<H>),
        ("_accept", sock_accept::<H>),
        ("_recv", sock_recv::<H>),
        ("_recvfrom", sock_recvfrom::<H>),
        ("_send", sock_send::<H>),
        ("_sendall", sock_sendall::<H>),
        ("_sendto", sock_sendto::<H>),
        ("_getsockname", sock_getsockname::<H>),
        ("_getpeername", sock_getpeername::<H>),
        ("_getsockopt", sock_getsockopt::<H>),
        ("_setsockopt", sock_setsockopt::<H>),
        ("_shutdown", sock_shutdown::<H>),
        ("_is_numeric_host", is_numeric_host::<H>),
        ("_getaddrinfo", getaddrinfo::<H>),
        ("_getnameinfo", getnameinfo::<H>),
        ("_gai_strerror", gai_strerror::<H>),
        ("_strerror", strerror::<H>),
        ("gethostname", gethostname::<H>),
        ("inet_aton", inet_aton::<H>),
        ("inet_pton", inet_pton::<H>),
        ("inet_ntop", inet_ntop::<H>),
    ];
    for &(n, f) in fns {
        vm.module_fn(ms, n, f)?;
    }
    exec_in_module(vm, ms, SOCKET_PY, "<frozen _socket>")
}

// ------------------------------------------------------------ shared helpers

/// The calling thread's errno.
fn errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

/// Raises the OSError (subclass) for the current errno.
fn os_error<H: Heap>(vm: &mut Vm<H>) -> Exc {
    let e = errno();
    raise_os_error(vm, e, Value::NULL, Value::NULL)
}

/// Argument `i` as a C int (fds, flags, option numbers).
fn int_arg<H: Heap>(vm: &mut Vm<H>, a: Args, i: usize) -> PyResult<i32> {
    let v = vm.index_int(vm.arg(a, i))?;
    i32::try_from(v).map_err(|_| vm.raise_msg(T_OVERFLOW_ERROR, "signed integer is out of range"))
}

/// Argument `i` as a timeout in seconds (negative: blocking, none).
fn timeout_arg<H: Heap>(vm: &mut Vm<H>, a: Args, i: usize) -> PyResult<f64> {
    Ok(vm.as_f64(vm.arg(a, i))?.unwrap_or(-1.0))
}

/// Argument `i` as a str's text.
fn str_arg<H: Heap>(vm: &mut Vm<H>, a: Args, i: usize) -> PyResult<String> {
    let v = vm.arg(a, i);
    if v.is_obj() && object::kind(v.as_obj()) == Kind::Str {
        return Ok(object::str_of(v.as_obj()).to_owned());
    }
    let msg = format!("str expected, not {}", vm.type_name(v));
    Err(vm.type_error(&msg))
}

/// A new bytes object holding `data`.
fn new_bytes<H: Heap>(vm: &mut Vm<H>, data: &[u8]) -> PyResult {
    vm.new_bytes_kind(Kind::Bytes, data)
}

/// Raises `TimeoutError('timed out')`, as a socket timeout does.
fn timed_out<H: Heap>(vm: &mut Vm<H>) -> Exc {
    let bd = vm.rt.globals_roots[ROOT_BUILTINS];
    let k = vm.sym_str("TimeoutError");
    let Some(cls) = vm.dict_get_str(bd, k) else {
        return vm.raise_msg(T_OS_ERROR, "timed out");
    };
    let mark = vm.push(cls);
    let msg = vm.new_str("timed out");
    let e = match msg {
        Ok(m) => vm.call_values(vm.st(mark), &[m]),
        Err(x) => Err(x),
    };
    vm.truncate(mark);
    match e {
        Ok(e) => vm.raise_value(e, Value::NULL),
        Err(x) => x,
    }
}

/// Waits with poll(2) until `fd` is readable (or writable), at most
/// `ms` milliseconds; Ok(false) when the wait timed out.
fn wait_fd<H: Heap>(vm: &mut Vm<H>, fd: i32, writing: bool, ms: i32) -> PyResult<bool> {
    let events = if writing { libc::POLLOUT } else { libc::POLLIN };
    let mut p = libc::pollfd {
        fd,
        events,
        revents: 0,
    };
    loop {
        // SAFETY: `p` is one live pollfd.
        let r = unsafe { libc::poll(&mut p, 1, ms) };
        if r >= 0 {
            return Ok(r > 0);
        }
        if errno() != libc::EINTR {
            return Err(os_error(vm));
        }
        vm.run_signal_handlers()?;
    }
}

/// Runs the socket call `op` (a result < 0 sets errno) as CPython's
/// `sock_call`: with a positive `timeout` each try is preceded by a poll
/// for readiness (TimeoutError once the time is up) and EWOULDBLOCK tries
/// again; EINTR runs the signal handlers and retries.
fn sock_call<H: Heap>(
    vm: &mut Vm<H>,
    fd: i32,
    timeout: f64,
    writing: bool,
    mut op: impl FnMut() -> isize,
) -> PyResult<isize> {
    let deadline = (timeout > 0.0).then(|| {
        Instant::now() + Duration::try_from_secs_f64(timeout).unwrap_or(Duration::MAX / 2)
    });
    loop {
        if let Some(d) = deadline {
            let left = d.saturating_duration_since(Instant::now());
            let ms = left.as_micros().div_ceil(1000).min(i32::MAX as u128) as i32;
            if !wait_fd(vm, fd, writing, ms)? {
                return Err(timed_out(vm));
            }
        }
        let r = op();
        if r >= 0 {
            return Ok(r);
        }
        let e = errno();
        if e == libc::EINTR {
            vm.run_signal_handlers()?;
            continue;
        }
        if deadline.is_some() && (e == libc::EAGAIN || e == libc::EWOULDBLOCK) {
            continue;
        }
        return Err(raise_os_error(vm, e, Value::NULL, Value::NULL));
    }
}

// ----------------------------------------------------------------- addresses

/// A socket address in C form.
struct SockAddr {
    storage: libc::sockaddr_storage,
    len: libc::socklen_t,
}

impl SockAddr {
    /// An all-zero address with room for any family.
    fn empty() -> SockAddr {
        SockAddr {
            // SAFETY: sockaddr_storage is plain data; all-zero is valid.
            storage: unsafe { zeroed() },
            len: size_of::<libc::sockaddr_storage>() as libc::socklen_t,
        }
    }

    /// A pointer for the system calls that read the address.
    fn as_ptr(&self) -> *const libc::sockaddr {
        (&self.storage as *const libc::sockaddr_storage).cast()
    }

    /// A pointer for the system calls that fill the address in.
    fn as_mut_ptr(&mut self) -> *mut libc::sockaddr {
        (&mut self.storage as *mut libc::sockaddr_storage).cast()
    }
}

/// The C address for a normalised Python one (see `_norm_addr` in the
/// Python half): AF_INET `(numeric host, port)`, AF_INET6 `(numeric host,
/// port, flowinfo, scope_id)`, AF_UNIX the path's bytes.
fn sockaddr_from<H: Heap>(vm: &mut Vm<H>, family: i32, addr: Value) -> PyResult<SockAddr> {
    let mut sa = SockAddr::empty();
    match family {
        libc::AF_UNIX => {
            let path = bytes_like(vm, addr)?;
            // SAFETY: the storage is large enough for a sockaddr_un.
            let un = unsafe { &mut *(sa.as_mut_ptr() as *mut libc::sockaddr_un) };
            if path.len() > un.sun_path.len() {
                return Err(vm.raise_msg(T_OS_ERROR, "AF_UNIX path too long"));
            }
            un.sun_family = libc::AF_UNIX as libc::sa_family_t;
            for (d, &s) in un.sun_path.iter_mut().zip(&path) {
                *d = s as libc::c_char;
            }
            let base = size_of::<libc::sa_family_t>();
            sa.len = (base + path.len()) as libc::socklen_t;
        }
        libc::AF_INET | libc::AF_INET6 => {
            let host = vm.seq_get(addr, 0);
            let host = if host.is_obj() && object::kind(host.as_obj()) == Kind::Str {
                object::str_of(host.as_obj()).to_owned()
            } else {
                return Err(vm.type_error("host must be a str"));
            };
            let port = vm.index_int(vm.seq_get(addr, 1))? as u16;
            if family == libc::AF_INET {
                let ip: std::net::Ipv4Addr = host
                    .parse()
                    .map_err(|_| vm.raise_msg(T_OS_ERROR, "illegal IP address string"))?;
                // SAFETY: the storage is large enough for a sockaddr_in.
                let sin = unsafe { &mut *(sa.as_mut_ptr() as *mut libc::sockaddr_in) };
                sin.sin_family = libc::AF_INET as libc::sa_family_t;
                sin.sin_port = port.to_be();
                sin.sin_addr.s_addr = u32::from(ip).to_be();
                sa.len = size_of::<libc::sockaddr_in>() as libc::socklen_t;
            } else {
                let flow = vm.index_int(vm.seq_get(addr, 2))? as u32;
                let scope = vm.index_int(vm.seq_get(addr, 3))? as u32;
                let host = host.split('%').next().unwrap_or("");
                let ip: std::net::Ipv6Addr = host
                    .parse()
                    .map_err(|_| vm.raise_msg(T_OS_ERROR, "illegal IP address string"))?;
                // SAFETY: the storage is large enough for a sockaddr_in6.
                let sin6 = unsafe { &mut *(sa.as_mut_ptr() as *mut libc::sockaddr_in6) };
                sin6.sin6_family = libc::AF_INET6 as libc::sa_family_t;
                sin6.sin6_port = port.to_be();
                sin6.sin6_flowinfo = flow.to_be();
                sin6.sin6_scope_id = scope;
                sin6.sin6_addr.s6_addr = ip.octets();
                sa.len = size_of::<libc::sockaddr_in6>() as libc::socklen_t;
            }
        }
        _ => return Err(vm.raise_msg(T_OS_ERROR, "getsockaddrarg: bad family")),
    }
    Ok(sa)
}

/// The Python form of a C address (as CPython's `makesockaddr`).
fn sockaddr_value<H: Heap>(vm: &mut Vm<H>, sa: &SockAddr) -> PyResult {
    if sa.len == 0 {
        return Ok(Value::NONE);
    }
    match sa.storage.ss_family as i32 {
        libc::AF_INET => {
            // SAFETY: the family says the storage holds a sockaddr_in.
            let sin = unsafe { &*(sa.as_ptr() as *const libc::sockaddr_in) };
            let ip = std::net::Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr));
            let h = vm.new_str(&ip.to_string())?;
            let port = Value::int(u16::from_be(sin.sin_port) as i64);
            let mark = vm.push(h);
            let t = vm.new_tuple(&[vm.st(mark), port]);
            vm.truncate(mark);
            t
        }
        libc::AF_INET6 => {
            // SAFETY: the family says the storage holds a sockaddr_in6.
            let sin6 = unsafe { &*(sa.as_ptr() as *const libc::sockaddr_in6) };
            let ip = std::net::Ipv6Addr::from(sin6.sin6_addr.s6_addr);
            let h = vm.new_str(&ip.to_string())?;
            let mark = vm.push(h);
            let t = vm.new_tuple(&[
                vm.st(mark),
                Value::int(u16::from_be(sin6.sin6_port) as i64),
                Value::int(u32::from_be(sin6.sin6_flowinfo) as i64),
                Value::int(sin6.sin6_scope_id as i64),
            ]);
            vm.truncate(mark);
            t
        }
        libc::AF_UNIX => {
            // SAFETY: the family says the storage holds a sockaddr_un.
            let un = unsafe { &*(sa.as_ptr() as *const libc::sockaddr_un) };
            let base = size_of::<libc::sa_family_t>();
            let n = (sa.len as usize)
                .saturating_sub(base)
                .min(un.sun_path.len());
            let path: Vec<u8> = un.sun_path[..n].iter().map(|&c| c as u8).collect();
            if path.first() == Some(&0) {
                // Linux's abstract namespace: the name is bytes.
                return new_bytes(vm, &path);
            }
            let end = path.iter().position(|&c| c == 0).unwrap_or(path.len());
            vm.new_str(&String::from_utf8_lossy(&path[..end]))
        }
        f => {
            let data: Vec<u8> = {
                // SAFETY: the storage is `sa.len` initialised bytes.
                let p = sa.as_ptr() as *const u8;
                unsafe { std::slice::from_raw_parts(p, sa.len as usize) }.to_vec()
            };
            let b = new_bytes(vm, &data[2.min(data.len())..])?;
            let mark = vm.push(b);
            let t = vm.new_tuple(&[Value::int(f as i64), vm.st(mark)]);
            vm.truncate(mark);
            t
        }
    }
}

// ---------------------------------------------------------------- lifecycle

/// `_open(family, type, proto)`: a new close-on-exec socket's fd.
fn sock_open<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "_open", 3, 3)?;
    let (f, t, p) = (int_arg(vm, a, 0)?, int_arg(vm, a, 1)?, int_arg(vm, a, 2)?);
    // SAFETY: socket(2) takes plain ints.
    let fd = unsafe { libc::socket(f, t | libc::SOCK_CLOEXEC, p) };
    if fd < 0 {
        return Err(os_error(vm));
    }
    Ok(Value::int(fd as i64))
}

/// `_socketpair(family, type, proto)`: two connected sockets' fds.
fn sock_socketpair<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "socketpair", 3, 3)?;
    let (f, t, p) = (int_arg(vm, a, 0)?, int_arg(vm, a, 1)?, int_arg(vm, a, 2)?);
    let mut fds = [0i32; 2];
    // SAFETY: `fds` has room for the two fds socketpair(2) writes.
    if unsafe { libc::socketpair(f, t | libc::SOCK_CLOEXEC, p, fds.as_mut_ptr()) } < 0 {
        return Err(os_error(vm));
    }
    vm.new_tuple(&[Value::int(fds[0] as i64), Value::int(fds[1] as i64)])
}

/// `_close(fd)`: closes the socket (ECONNRESET is not an error, as in
/// CPython).
fn sock_close<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "close", 1, 1)?;
    let fd = int_arg(vm, a, 0)?;
    // SAFETY: closing an fd the program names.
    if unsafe { libc::close(fd) } < 0 && errno() != libc::ECONNRESET {
        return Err(os_error(vm));
    }
    Ok(Value::NONE)
}

/// `_dup(fd)`: a close-on-exec duplicate of the fd.
fn sock_dup<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "dup", 1, 1)?;
    let fd = int_arg(vm, a, 0)?;
    // SAFETY: fcntl(2) on an fd the program names.
    let r = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0) };
    if r < 0 {
        return Err(os_error(vm));
    }
    Ok(Value::int(r as i64))
}

/// `_set_nonblocking(fd, flag)`: sets or clears the fd's O_NONBLOCK.
fn sock_set_nonblocking<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "setblocking", 2, 2)?;
    let fd = int_arg(vm, a, 0)?;
    let on = vm.arg(a, 1) == Value::TRUE;
    // SAFETY: fcntl(2) on an fd the program names.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 {
        return Err(os_error(vm));
    }
    let new = if on {
        flags | libc::O_NONBLOCK
    } else {
        flags & !libc::O_NONBLOCK
    };
    // SAFETY: as above.
    if new != flags && unsafe { libc::fcntl(fd, libc::F_SETFL, new) } < 0 {
        return Err(os_error(vm));
    }
    Ok(Value::NONE)
}

// ------------------------------------------------------------- connections

/// `_bind(fd, family, addr)`.
fn sock_bind<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "bind", 3, 3)?;
    let (fd, family) = (int_arg(vm, a, 0)?, int_arg(vm, a, 1)?);
    let sa = sockaddr_from(vm, family, vm.arg(a, 2))?;
    // SAFETY: `sa` is an initialised address of `sa.len` bytes.
    if unsafe { libc::bind(fd, sa.as_ptr(), sa.len) } < 0 {
        return Err(os_error(vm));
    }
    Ok(Value::NONE)
}

/// `_listen(fd, backlog)`.
fn sock_listen<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "listen", 2, 2)?;
    let (fd, backlog) = (int_arg(vm, a, 0)?, int_arg(vm, a, 1)?);
    // SAFETY: listen(2) takes plain ints.
    if unsafe { libc::listen(fd, backlog.max(0)) } < 0 {
        return Err(os_error(vm));
    }
    Ok(Value::NONE)
}

/// `_connect(fd, family, addr, timeout)`: connects as CPython's
/// `internal_connect`; returns 0 or the errno (the caller raises), and
/// raises TimeoutError when a positive timeout runs out.
fn sock_connect<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "connect", 4, 4)?;
    let (fd, family) = (int_arg(vm, a, 0)?, int_arg(vm, a, 1)?);
    let sa = sockaddr_from(vm, family, vm.arg(a, 2))?;
    let timeout = timeout_arg(vm, a, 3)?;
    let mut err = loop {
        // SAFETY: `sa` is an initialised address of `sa.len` bytes.
        if unsafe { libc::connect(fd, sa.as_ptr(), sa.len) } == 0 {
            return Ok(Value::int(0));
        }
        let e = errno();
        if e != libc::EINTR {
            break e;
        }
        vm.run_signal_handlers()?;
        if timeout == 0.0 {
            // A non-blocking connect interrupted is still in progress.
            break libc::EINPROGRESS;
        }
    };
    if err == libc::EINPROGRESS && timeout != 0.0 {
        // Wait for the connection and fetch its outcome from SO_ERROR.
        sock_call(vm, fd, timeout, true, || {
            let mut so_err: libc::c_int = 0;
            let mut len = size_of::<libc::c_int>() as libc::socklen_t;
            // SAFETY: `so_err` and `len` are live and sized for SO_ERROR.
            let r = unsafe {
                libc::getsockopt(
                    fd,
                    libc::SOL_SOCKET,
                    libc::SO_ERROR,
                    (&mut so_err as *mut libc::c_int).cast(),
                    &mut len,
                )
            };
            if r < 0 {
                return -1;
            }
            err = so_err;
            0
        })?;
    }
    Ok(Value::int(err as i64))
}

/// `_accept(fd, timeout)`: `(new fd, address)`; the new fd is
/// close-on-exec.
fn sock_accept<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "_accept", 2, 2)?;
    let fd = int_arg(vm, a, 0)?;
    let timeout = timeout_arg(vm, a, 1)?;
    let mut sa = SockAddr::empty();
    let nfd = sock_call(vm, fd, timeout, false, || {
        sa.len = size_of::<libc::sockaddr_storage>() as libc::socklen_t;
        // SAFETY: `sa` has room for any address; `sa.len` says how much.
        unsafe { libc::accept4(fd, sa.as_mut_ptr(), &mut sa.len, libc::SOCK_CLOEXEC) as isize }
    })?;
    let addr = sockaddr_value(vm, &sa)?;
    let mark = vm.push(addr);
    let t = vm.new_tuple(&[Value::int(nfd as i64), vm.st(mark)]);
    vm.truncate(mark);
    t
}

// ----------------------------------------------------------------- transfer

/// A byte count argument (`recv`'s bufsize): non-negative.
fn size_arg<H: Heap>(vm: &mut Vm<H>, a: Args, i: usize, what: &str) -> PyResult<usize> {
    let n = vm.index_int(vm.arg(a, i))?;
    usize::try_from(n).map_err(|_| vm.value_error(&format!("negative buffersize in {what}")))
}

/// `_recv(fd, bufsize, flags, timeout)`: the bytes received.
fn sock_recv<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "recv", 4, 4)?;
    let fd = int_arg(vm, a, 0)?;
    let n = size_arg(vm, a, 1, "recv")?;
    let flags = int_arg(vm, a, 2)?;
    let timeout = timeout_arg(vm, a, 3)?;
    let mut buf = vec![0u8; n];
    let got = sock_call(vm, fd, timeout, false, || {
        // SAFETY: `buf` is a live buffer of `n` bytes.
        unsafe { libc::recv(fd, buf.as_mut_ptr().cast(), n, flags) }
    })?;
    new_bytes(vm, &buf[..got as usize])
}

/// `_recvfrom(fd, bufsize, flags, timeout)`: `(bytes, address)`.
fn sock_recvfrom<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "recvfrom", 4, 4)?;
    let fd = int_arg(vm, a, 0)?;
    let n = size_arg(vm, a, 1, "recvfrom")?;
    let flags = int_arg(vm, a, 2)?;
    let timeout = timeout_arg(vm, a, 3)?;
    let mut buf = vec![0u8; n];
    let mut sa = SockAddr::empty();
    let got = sock_call(vm, fd, timeout, false, || {
        sa.len = size_of::<libc::sockaddr_storage>() as libc::socklen_t;
        // SAFETY: `buf` is a live buffer of `n` bytes, `sa` has room for
        // any address.
        unsafe {
            libc::recvfrom(
                fd,
                buf.as_mut_ptr().cast(),
                n,
                flags,
                sa.as_mut_ptr(),
                &mut sa.len,
            )
        }
    })?;
    let data = new_bytes(vm, &buf[..got as usize])?;
    let mark = vm.push(data);
    let addr = sockaddr_value(vm, &sa)?;
    vm.push(addr);
    let t = vm.tuple_from_stack(mark, 2);
    vm.truncate(mark);
    t
}

/// `_send(fd, data, flags, timeout)`: the number of bytes sent.
fn sock_send<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "send", 4, 4)?;
    let fd = int_arg(vm, a, 0)?;
    let data = bytes_like(vm, vm.arg(a, 1))?;
    let flags = int_arg(vm, a, 2)? | libc::MSG_NOSIGNAL;
    let timeout = timeout_arg(vm, a, 3)?;
    let n = sock_call(vm, fd, timeout, true, || {
        // SAFETY: `data` is a live buffer of `data.len()` bytes.
        unsafe { libc::send(fd, data.as_ptr().cast(), data.len(), flags) }
    })?;
    Ok(Value::int(n as i64))
}

/// `_sendall(fd, data, flags, timeout)`: sends all of `data` (the timeout
/// bounds each wait, as in CPython 3.11's per-call deadline).
fn sock_sendall<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "sendall", 4, 4)?;
    let fd = int_arg(vm, a, 0)?;
    let data = bytes_like(vm, vm.arg(a, 1))?;
    let flags = int_arg(vm, a, 2)? | libc::MSG_NOSIGNAL;
    let timeout = timeout_arg(vm, a, 3)?;
    let mut off = 0;
    while off < data.len() {
        let rest = &data[off..];
        let n = sock_call(vm, fd, timeout, true, || {
            // SAFETY: `rest` is a live buffer of `rest.len()` bytes.
            unsafe { libc::send(fd, rest.as_ptr().cast(), rest.len(), flags) }
        })?;
        off += n as usize;
    }
    Ok(Value::NONE)
}

/// `_sendto(fd, data, flags, family, addr, timeout)`: bytes sent.
fn sock_sendto<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "sendto", 6, 6)?;
    let fd = int_arg(vm, a, 0)?;
    let data = bytes_like(vm, vm.arg(a, 1))?;
    let flags = int_arg(vm, a, 2)? | libc::MSG_NOSIGNAL;
    let family = int_arg(vm, a, 3)?;
    let sa = sockaddr_from(vm, family, vm.arg(a, 4))?;
    let timeout = timeout_arg(vm, a, 5)?;
    let n = sock_call(vm, fd, timeout, true, || {
        // SAFETY: `data` and `sa` are live, initialised buffers.
        unsafe {
            libc::sendto(
                fd,
                data.as_ptr().cast(),
                data.len(),
                flags,
                sa.as_ptr(),
                sa.len,
            )
        }
    })?;
    Ok(Value::int(n as i64))
}

/// `_shutdown(fd, how)`.
fn sock_shutdown<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "shutdown", 2, 2)?;
    let (fd, how) = (int_arg(vm, a, 0)?, int_arg(vm, a, 1)?);
    // SAFETY: shutdown(2) takes plain ints.
    if unsafe { libc::shutdown(fd, how) } < 0 {
        return Err(os_error(vm));
    }
    Ok(Value::NONE)
}

// ------------------------------------------------------------------ queries

/// `_getsockname(fd)`: the local address.
fn sock_getsockname<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "getsockname", 1, 1)?;
    let fd = int_arg(vm, a, 0)?;
    let mut sa = SockAddr::empty();
    // SAFETY: `sa` has room for any address; `sa.len` says how much.
    if unsafe { libc::getsockname(fd, sa.as_mut_ptr(), &mut sa.len) } < 0 {
        return Err(os_error(vm));
    }
    sockaddr_value(vm, &sa)
}

/// `_getpeername(fd)`: the remote address.
fn sock_getpeername<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "getpeername", 1, 1)?;
    let fd = int_arg(vm, a, 0)?;
    let mut sa = SockAddr::empty();
    // SAFETY: `sa` has room for any address; `sa.len` says how much.
    if unsafe { libc::getpeername(fd, sa.as_mut_ptr(), &mut sa.len) } < 0 {
        return Err(os_error(vm));
    }
    sockaddr_value(vm, &sa)
}

/// `_getsockopt(fd, level, option, buflen)`: an int (buflen 0) or the
/// option's bytes.
fn sock_getsockopt<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "getsockopt", 4, 4)?;
    let (fd, level, opt) = (int_arg(vm, a, 0)?, int_arg(vm, a, 1)?, int_arg(vm, a, 2)?);
    let buflen = int_arg(vm, a, 3)?;
    if buflen == 0 {
        let mut v: libc::c_int = 0;
        let mut len = size_of::<libc::c_int>() as libc::socklen_t;
        // SAFETY: `v` and `len` are live and sized for an int option.
        let r = unsafe {
            libc::getsockopt(
                fd,
                level,
                opt,
                (&mut v as *mut libc::c_int).cast(),
                &mut len,
            )
        };
        if r < 0 {
            return Err(os_error(vm));
        }
        return Ok(Value::int(v as i64));
    }
    if !(1..=1024).contains(&buflen) {
        return Err(vm.raise_msg(T_OS_ERROR, "getsockopt buflen out of range"));
    }
    let mut buf = vec![0u8; buflen as usize];
    let mut len = buflen as libc::socklen_t;
    // SAFETY: `buf` is a live buffer of `len` bytes.
    if unsafe { libc::getsockopt(fd, level, opt, buf.as_mut_ptr().cast(), &mut len) } < 0 {
        return Err(os_error(vm));
    }
    new_bytes(vm, &buf[..len as usize])
}

/// `_setsockopt(fd, level, option, value, optlen)`: value an int, a
/// bytes-like, or None with `optlen` (a NULL option of that length).
fn sock_setsockopt<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "setsockopt", 5, 5)?;
    let (fd, level, opt) = (int_arg(vm, a, 0)?, int_arg(vm, a, 1)?, int_arg(vm, a, 2)?);
    let v = vm.arg(a, 3);
    let r = if v.is_none() {
        let optlen = int_arg(vm, a, 4)?;
        // SAFETY: a NULL option value with its length, as the caller asks.
        unsafe { libc::setsockopt(fd, level, opt, std::ptr::null(), optlen as libc::socklen_t) }
    } else if crate::num::is_int(v) {
        let i = int_arg(vm, a, 3)?;
        // SAFETY: `i` is a live int sized as the length says.
        unsafe {
            libc::setsockopt(
                fd,
                level,
                opt,
                (&i as *const i32).cast(),
                size_of::<i32>() as libc::socklen_t,
            )
        }
    } else {
        let b = bytes_like(vm, v)?;
        // SAFETY: `b` is a live buffer of `b.len()` bytes.
        unsafe {
            libc::setsockopt(
                fd,
                level,
                opt,
                b.as_ptr().cast(),
                b.len() as libc::socklen_t,
            )
        }
    };
    if r < 0 {
        return Err(os_error(vm));
    }
    Ok(Value::NONE)
}

// ----------------------------------------------------------- name services

/// Text of a NUL-terminated C string.
fn c_text(p: *const libc::c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: callers pass valid NUL-terminated strings.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

/// An optional C string argument: None, or a str / bytes without NULs.
fn c_string_arg<H: Heap>(vm: &mut Vm<H>, v: Value) -> PyResult<Option<CString>> {
    if v.is_none() {
        return Ok(None);
    }
    let bytes = if v.is_obj() && object::kind(v.as_obj()) == Kind::Str {
        object::str_of(v.as_obj()).as_bytes().to_vec()
    } else {
        bytes_like(vm, v)?
    };
    CString::new(bytes)
        .map(Some)
        .map_err(|_| vm.value_error("embedded null character"))
}

/// `_is_numeric_host(family, host)`: whether `host` is a numeric address
/// of the family.
fn is_numeric_host<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "_is_numeric_host", 2, 2)?;
    let family = int_arg(vm, a, 0)?;
    let host = str_arg(vm, a, 1)?;
    let ok = match family {
        libc::AF_INET => host.parse::<std::net::Ipv4Addr>().is_ok(),
        libc::AF_INET6 => host
            .split('%')
            .next()
            .unwrap_or("")
            .parse::<std::net::Ipv6Addr>()
            .is_ok(),
        _ => false,
    };
    Ok(if ok { Value::TRUE } else { Value::FALSE })
}

/// `_getaddrinfo(host, port, family, type, proto, flags)`: the list of
/// `(family, type, proto, canonname, sockaddr)`, or the EAI_* error code.
fn getaddrinfo<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "getaddrinfo", 6, 6)?;
    let host = c_string_arg(vm, vm.arg(a, 0))?;
    let port = c_string_arg(vm, vm.arg(a, 1))?;
    // SAFETY: addrinfo is plain data; all-zero is a valid hints value.
    let mut hints: libc::addrinfo = unsafe { zeroed() };
    hints.ai_family = int_arg(vm, a, 2)?;
    hints.ai_socktype = int_arg(vm, a, 3)?;
    hints.ai_protocol = int_arg(vm, a, 4)?;
    hints.ai_flags = int_arg(vm, a, 5)?;
    let mut res: *mut libc::addrinfo = std::ptr::null_mut();
    let hp = host.as_ref().map_or(std::ptr::null(), |h| h.as_ptr());
    let pp = port.as_ref().map_or(std::ptr::null(), |p| p.as_ptr());
    // SAFETY: the strings and hints are live; `res` receives a list that
    // is freed below.
    let err = unsafe { libc::getaddrinfo(hp, pp, &hints, &mut res) };
    if err != 0 {
        return Ok(Value::int(err as i64));
    }
    // Copy the entries out before anything can raise, then free the list.
    let mut entries = Vec::new();
    let mut p = res;
    while !p.is_null() {
        // SAFETY: `p` walks the list getaddrinfo returned.
        let ai = unsafe { &*p };
        let mut sa = SockAddr::empty();
        let n = (ai.ai_addrlen as usize).min(size_of::<libc::sockaddr_storage>());
        // SAFETY: ai_addr points at ai_addrlen bytes; `sa` has room for n.
        unsafe {
            std::ptr::copy_nonoverlapping(ai.ai_addr as *const u8, sa.as_mut_ptr() as *mut u8, n)
        };
        sa.len = n as libc::socklen_t;
        entries.push((
            ai.ai_family,
            ai.ai_socktype,
            ai.ai_protocol,
            c_text(ai.ai_canonname),
            sa,
        ));
        p = ai.ai_next;
    }
    // SAFETY: `res` came from getaddrinfo and is freed once.
    unsafe { libc::freeaddrinfo(res) };
    let l = vm.new_list(entries.len())?;
    let ls = vm.push(l);
    for (f, t, pr, canon, sa) in &entries {
        let mark = vm.rt.sp;
        vm.push(Value::int(*f as i64));
        vm.push(Value::int(*t as i64));
        vm.push(Value::int(*pr as i64));
        let c = vm.new_str(canon)?;
        vm.push(c);
        let addr = sockaddr_value(vm, sa)?;
        vm.push(addr);
        let t = vm.tuple_from_stack(mark, 5)?;
        vm.truncate(mark);
        vm.list_append(vm.st(ls), t)?;
    }
    let l = vm.st(ls);
    vm.truncate(ls);
    Ok(l)
}

/// `_getnameinfo(family, addr, flags)` with `addr` normalised: `(host,
/// service)`, or the EAI_* error code.
fn getnameinfo<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "getnameinfo", 3, 3)?;
    let family = int_arg(vm, a, 0)?;
    let sa = sockaddr_from(vm, family, vm.arg(a, 1))?;
    let flags = int_arg(vm, a, 2)?;
    let mut host = [0 as libc::c_char; 1025];
    let mut serv = [0 as libc::c_char; 32];
    // SAFETY: the address and both output buffers are live and sized.
    let err = unsafe {
        libc::getnameinfo(
            sa.as_ptr(),
            sa.len,
            host.as_mut_ptr(),
            host.len() as libc::socklen_t,
            serv.as_mut_ptr(),
            serv.len() as libc::socklen_t,
            flags,
        )
    };
    if err != 0 {
        return Ok(Value::int(err as i64));
    }
    let h = vm.new_str(&c_text(host.as_ptr()))?;
    let mark = vm.push(h);
    let s = vm.new_str(&c_text(serv.as_ptr()))?;
    vm.push(s);
    let t = vm.tuple_from_stack(mark, 2);
    vm.truncate(mark);
    t
}

/// `_gai_strerror(code)`: the text of an EAI_* error.
fn gai_strerror<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "gai_strerror", 1, 1)?;
    let code = int_arg(vm, a, 0)?;
    // SAFETY: gai_strerror returns a static NUL-terminated string.
    let s = c_text(unsafe { libc::gai_strerror(code) });
    vm.new_str(&s)
}

/// `_strerror(code)`: the text of an errno.
fn strerror<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "strerror", 1, 1)?;
    let code = int_arg(vm, a, 0)?;
    vm.new_str(&crate::stdlib::posix::strerror_text(code))
}

/// `gethostname()`.
fn gethostname<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "gethostname", 0, 0)?;
    let mut buf = [0 as libc::c_char; 1025];
    // SAFETY: `buf` is live; one byte is kept for the NUL.
    if unsafe { libc::gethostname(buf.as_mut_ptr(), buf.len() - 1) } < 0 {
        return Err(os_error(vm));
    }
    vm.new_str(&c_text(buf.as_ptr()))
}

/// `inet_aton(string)`: the packed 4 bytes (accepting inet_aton(3)'s
/// short forms such as '127.1').
fn inet_aton<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "inet_aton", 1, 1)?;
    let s = str_arg(vm, a, 0)?;
    let c = CString::new(s).map_err(|_| vm.value_error("embedded null character"))?;
    // SAFETY: in_addr is plain data.
    let mut addr: libc::in_addr = unsafe { zeroed() };
    // SAFETY: `c` is NUL-terminated and `addr` is live.
    if unsafe { inet_aton_c(c.as_ptr(), &mut addr) } == 0 {
        return Err(vm.raise_msg(T_OS_ERROR, "illegal IP address string passed to inet_aton"));
    }
    new_bytes(vm, &addr.s_addr.to_ne_bytes())
}

unsafe extern "C" {
    /// inet_aton(3) (not in the `libc` crate).
    #[link_name = "inet_aton"]
    fn inet_aton_c(cp: *const libc::c_char, inp: *mut libc::in_addr) -> libc::c_int;
}

/// `inet_pton(family, string)`: the packed address.
fn inet_pton<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "inet_pton", 2, 2)?;
    let family = int_arg(vm, a, 0)?;
    let s = str_arg(vm, a, 1)?;
    let packed: Option<Vec<u8>> = match family {
        libc::AF_INET => s
            .parse::<std::net::Ipv4Addr>()
            .ok()
            .map(|ip| ip.octets().to_vec()),
        libc::AF_INET6 => s
            .parse::<std::net::Ipv6Addr>()
            .ok()
            .map(|ip| ip.octets().to_vec()),
        _ => {
            return Err(raise_os_error(
                vm,
                libc::EAFNOSUPPORT,
                Value::NULL,
                Value::NULL,
            ));
        }
    };
    match packed {
        Some(b) => new_bytes(vm, &b),
        None => Err(vm.raise_msg(T_OS_ERROR, "illegal IP address string passed to inet_pton")),
    }
}

/// `inet_ntop(family, packed)`: the address's text.
fn inet_ntop<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "inet_ntop", 2, 2)?;
    let family = int_arg(vm, a, 0)?;
    let b = bytes_like(vm, vm.arg(a, 1))?;
    let text = match family {
        libc::AF_INET => match <[u8; 4]>::try_from(b.as_slice()) {
            Ok(o) => std::net::Ipv4Addr::from(o).to_string(),
            Err(_) => return Err(vm.value_error("invalid length of packed IP address string")),
        },
        libc::AF_INET6 => match <[u8; 16]>::try_from(b.as_slice()) {
            Ok(o) => std::net::Ipv6Addr::from(o).to_string(),
            Err(_) => return Err(vm.value_error("invalid length of packed IP address string")),
        },
        _ => {
            let msg = format!("unknown address family {family}");
            return Err(vm.value_error(&msg));
        }
    };
    vm.new_str(&text)
}
