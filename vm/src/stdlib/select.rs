//! `select`: waiting for I/O readiness with select(2), poll(2) and
//! epoll(7), as CPython's `selectmodule.c` offers them on Linux (`kqueue`
//! is not provided; `selectors.DefaultSelector` is `EpollSelector`).
//!
//! The waits are natives over plain fd numbers; turning objects into fds
//! (`fileno()`), mapping results back to the objects and the state of
//! `poll` objects (a dict fd → event mask) are Python run in the module's
//! namespace. A wait interrupted by a signal runs the Python handlers (an
//! exception they raise propagates), then resumes with the remaining
//! timeout (PEP 475).

use crate::object::{self, Kind};
use crate::stdlib::posix::{exec_in_module, raise_os_error};
use crate::value::Value;
use crate::vm::{Args, Exc, NativeFn, PyResult, Vm};
use gc_api::Heap;
use std::time::{Duration, Instant};

/// The module names this file provides.
pub const MODULES: &[&str] = &["select"];

/// Frozen Python source this file adds (name, source).
pub const FROZEN: &[(&str, &str)] = &[];

/// poll(2) event bits (Linux values).
const POLL_CONSTANTS: &[(&str, i64)] = &[
    ("POLLIN", 0x1),
    ("POLLPRI", 0x2),
    ("POLLOUT", 0x4),
    ("POLLERR", 0x8),
    ("POLLHUP", 0x10),
    ("POLLNVAL", 0x20),
    ("POLLRDNORM", 0x40),
    ("POLLRDBAND", 0x80),
    ("POLLWRNORM", 0x100),
    ("POLLWRBAND", 0x200),
    ("POLLMSG", 0x400),
    ("POLLRDHUP", 0x2000),
    ("PIPE_BUF", 4096),
    ("EPOLLIN", 0x1),
    ("EPOLLPRI", 0x2),
    ("EPOLLOUT", 0x4),
    ("EPOLLERR", 0x8),
    ("EPOLLHUP", 0x10),
    ("EPOLLRDNORM", 0x40),
    ("EPOLLRDBAND", 0x80),
    ("EPOLLWRNORM", 0x100),
    ("EPOLLWRBAND", 0x200),
    ("EPOLLMSG", 0x400),
    ("EPOLLRDHUP", 0x2000),
    ("EPOLLEXCLUSIVE", 1 << 28),
    ("EPOLLONESHOT", 1 << 30),
    ("EPOLLET", 1 << 31),
    ("EPOLL_CLOEXEC", 0o2000000),
];

/// The Python half: fd conversion, `select()`'s result lists, `poll`.
const SELECT_PY: &str = r#"
error = OSError


def _fileno(obj):
    if isinstance(obj, int):
        fd = obj
    else:
        try:
            meth = obj.fileno
        except AttributeError:
            raise TypeError("argument must be an int, or have a fileno() "
                            "method.") from None
        fd = meth()
        if not isinstance(fd, int):
            raise TypeError("fileno() returned a non-integer")
    if fd < 0:
        raise ValueError("file descriptor cannot be a negative integer (%d)"
                         % fd)
    return fd


def _as_list(seq):
    if isinstance(seq, (list, tuple)):
        return seq
    try:
        return list(seq)
    except TypeError:
        raise TypeError("arguments 1-3 must be sequences") from None


def select(rlist, wlist, xlist, timeout=None, /):
    """Wait until one or more file descriptors are ready for some kind of
    I/O; returns the ready subsets of the three lists."""
    if timeout is not None:
        if not isinstance(timeout, (int, float)):
            raise TypeError("timeout must be a float or None")
        if timeout < 0:
            raise ValueError("timeout must be non-negative")
    lists = (_as_list(rlist), _as_list(wlist), _as_list(xlist))
    fds = [[_fileno(o) for o in l] for l in lists]
    ready = _select(fds[0], fds[1], fds[2], timeout)
    return tuple([l[i] for i in r] for l, r in zip(lists, ready))


class poll:
    """A set of fds to wait on with poll(2) (made by `select.poll()`)."""

    def __init__(self):
        self._masks = {}

    def register(self, fd, eventmask=POLLIN | POLLPRI | POLLOUT, /):
        fd = _fileno(fd)
        self._masks[fd] = _event_mask(eventmask)

    def modify(self, fd, eventmask, /):
        fd = _fileno(fd)
        if fd not in self._masks:
            raise FileNotFoundError(2, "No such file or directory")
        self._masks[fd] = _event_mask(eventmask)

    def unregister(self, fd, /):
        fd = _fileno(fd)
        if fd not in self._masks:
            raise KeyError(fd)
        del self._masks[fd]

    def poll(self, timeout=None, /):
        if timeout is None:
            ms = -1
        elif isinstance(timeout, (int, float)):
            ms = -1 if timeout < 0 else timeout
            if isinstance(ms, float):
                ms = int(ms) + (ms > int(ms))
        else:
            raise TypeError("timeout must be an integer or None")
        return _poll(tuple(self._masks), tuple(self._masks.values()), ms)



class epoll:
    """select.epoll(sizehint=-1, flags=0): an edge- or level-triggered
    epoll(7) instance."""

    def __init__(self, sizehint=-1, flags=0):
        if sizehint == -1:
            sizehint = 31
        elif sizehint <= 0:
            raise ValueError("negative sizehint")
        if flags and flags != EPOLL_CLOEXEC:
            raise OSError(22, "Invalid argument")
        self._epfd = _epoll_create()

    @classmethod
    def fromfd(cls, fd, /):
        """Creates an epoll object from a file descriptor."""
        self = cls.__new__(cls)
        self._epfd = fd
        return self

    def _check(self):
        if self._epfd < 0:
            raise ValueError("I/O operation on closed epoll object")
        return self._epfd

    @property
    def closed(self):
        return self._epfd < 0

    def close(self):
        """Closes the epoll control file descriptor."""
        fd = self._epfd
        if fd >= 0:
            self._epfd = -1
            _close(fd)

    def fileno(self):
        return self._check()

    def register(self, fd, eventmask=EPOLLIN | EPOLLPRI | EPOLLOUT):
        _epoll_ctl(self._check(), 1, _fileno(fd), eventmask)

    def modify(self, fd, eventmask):
        _epoll_ctl(self._check(), 3, _fileno(fd), eventmask)

    def unregister(self, fd):
        _epoll_ctl(self._check(), 2, _fileno(fd), 0)

    def poll(self, timeout=None, maxevents=-1):
        epfd = self._check()
        if timeout is None:
            timeout = -1.0
        elif not isinstance(timeout, (int, float)):
            raise TypeError("timeout must be an integer or None")
        if maxevents == -1:
            maxevents = 1023
        elif maxevents <= 0:
            raise ValueError("maxevents must be greater than 0, got %d"
                             % maxevents)
        return _epoll_wait(epfd, timeout, maxevents)

    def __enter__(self):
        self._check()
        return self

    def __exit__(self, *args):
        self.close()

    def __del__(self):
        if self.__dict__.get('_epfd', -1) >= 0:
            self.close()


def _event_mask(mask):
    if not isinstance(mask, int):
        mask = mask.__index__()
    if mask < 0:
        raise OverflowError("unsigned short is less than minimum")
    if mask > 0xffff:
        raise OverflowError("unsigned short is greater than maximum")
    return mask
"#;

/// Fills in module `name`, rooted at stack slot `ms`.
pub(crate) fn init<H: Heap>(vm: &mut Vm<H>, _name: &str, ms: usize) -> PyResult<()> {
    for &(n, v) in POLL_CONSTANTS {
        vm.module_set(vm.st(ms), n, Value::int(v))?;
    }
    let fns: &[(&'static str, NativeFn<H>)] = &[
        ("_select", select_fds::<H>),
        ("_poll", poll_fds::<H>),
        ("_epoll_create", epoll_create::<H>),
        ("_epoll_ctl", epoll_ctl::<H>),
        ("_epoll_wait", epoll_wait::<H>),
        ("_close", close_fd::<H>),
    ];
    for &(n, f) in fns {
        vm.module_fn(ms, n, f)?;
    }
    exec_in_module(vm, ms, SELECT_PY, "<frozen select>")
}

/// When a wait that may be interrupted and resumed must end.
enum Deadline {
    Never,
    At(Instant),
}

impl Deadline {
    /// The deadline `secs` from now (None or negative: never).
    fn after(secs: Option<f64>) -> Deadline {
        match secs {
            Some(s) if s >= 0.0 => Deadline::At(
                Instant::now() + Duration::try_from_secs_f64(s).unwrap_or(Duration::MAX / 2),
            ),
            _ => Deadline::Never,
        }
    }

    /// The time left (None: unbounded), zero once past.
    fn remaining(&self) -> Option<Duration> {
        match self {
            Deadline::Never => None,
            Deadline::At(t) => Some(t.saturating_duration_since(Instant::now())),
        }
    }
}

/// Runs the wait `op` (given the time left; -1 and errno on failure),
/// resuming it after a signal once the Python handlers have run.
fn wait_retrying<H: Heap>(
    vm: &mut Vm<H>,
    deadline: Deadline,
    mut op: impl FnMut(Option<Duration>) -> i32,
) -> PyResult<i32> {
    loop {
        let r = op(deadline.remaining());
        if r >= 0 {
            return Ok(r);
        }
        // SAFETY: errno is thread-local and valid for the thread's life.
        let e = unsafe { *libc::__errno_location() };
        if e != libc::EINTR {
            return Err(raise_os_error(vm, e, Value::NULL, Value::NULL));
        }
        vm.run_signal_handlers()?;
    }
}

/// The ints of list-or-tuple argument `i` (as fds or masks).
fn fd_list<H: Heap>(vm: &mut Vm<H>, a: Args, i: usize) -> PyResult<Vec<i32>> {
    let v = vm.arg(a, i);
    if !v.is_obj() || !matches!(object::kind(v.as_obj()), Kind::List | Kind::Tuple) {
        return Err(vm.type_error("expected a list or tuple of file descriptors"));
    }
    let mut fds = Vec::with_capacity(vm.seq_len(v));
    for k in 0..vm.seq_len(vm.arg(a, i)) {
        let x = vm.seq_get(vm.arg(a, i), k);
        let fd = vm.index_int(x)?;
        fds.push(i32::try_from(fd).map_err(|_| vm.value_error("file descriptor out of range"))?);
    }
    Ok(fds)
}

/// `_select(rfds, wfds, xfds, timeout)`: select(2) over three fd lists;
/// returns the indices of the ready entries of each, as three lists.
fn select_fds<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "select", 4, 4)?;
    let lists = [fd_list(vm, a, 0)?, fd_list(vm, a, 1)?, fd_list(vm, a, 2)?];
    let t = vm.arg(a, 3);
    let timeout = if t.is_none() { None } else { vm.as_f64(t)? };
    let fd_setsize = libc::FD_SETSIZE as i32;
    if lists.iter().flatten().any(|&fd| fd >= fd_setsize) {
        return Err(vm.value_error("filedescriptor out of range in select()"));
    }
    let nfds = lists.iter().flatten().copied().max().map_or(0, |m| m + 1);
    // SAFETY: fd_set is plain data; an all-zero value is a valid set that
    // FD_ZERO then initialises properly.
    let mut sets: [libc::fd_set; 3] = unsafe { std::mem::zeroed() };
    wait_retrying(vm, Deadline::after(timeout), |left| {
        for (set, fds) in sets.iter_mut().zip(&lists) {
            // SAFETY: every fd is in 0..FD_SETSIZE (checked above).
            unsafe {
                libc::FD_ZERO(set);
                for &fd in fds {
                    libc::FD_SET(fd, set);
                }
            }
        }
        let mut tv = left.map(|d| libc::timeval {
            tv_sec: d.as_secs() as libc::time_t,
            tv_usec: d.subsec_micros() as libc::suseconds_t,
        });
        let tvp = tv
            .as_mut()
            .map_or(std::ptr::null_mut(), |t| t as *mut libc::timeval);
        let [r, w, x] = &mut sets;
        // SAFETY: the sets and the timeval are live, initialised values.
        unsafe { libc::select(nfds, r, w, x, tvp) }
    })?;
    let mark = vm.rt.sp;
    for (set, fds) in sets.iter().zip(&lists) {
        let l = vm.new_list(0)?;
        let ls = vm.push(l);
        for (i, &fd) in fds.iter().enumerate() {
            // SAFETY: `set` was filled by select(2); fd is in range.
            if unsafe { libc::FD_ISSET(fd, set) } {
                vm.list_append(vm.st(ls), Value::int(i as i64))?;
            }
        }
    }
    let t = vm.tuple_from_stack(mark, 3)?;
    vm.truncate(mark);
    Ok(t)
}

/// `_poll(fds, events, timeout_ms)`: poll(2) on the fds with their event
/// masks (timeout < 0: none); returns a list of (fd, revents).
fn poll_fds<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "poll", 3, 3)?;
    let fds = fd_list(vm, a, 0)?;
    let masks = fd_list(vm, a, 1)?;
    let ms = vm.index_int(vm.arg(a, 2))?;
    let mut pfds: Vec<libc::pollfd> = fds
        .iter()
        .zip(&masks)
        .map(|(&fd, &events)| libc::pollfd {
            fd,
            events: events as i16,
            revents: 0,
        })
        .collect();
    let secs = (ms >= 0).then_some(ms as f64 / 1000.0);
    let n = wait_retrying(vm, Deadline::after(secs), |left| {
        let ms = left.map_or(-1, |d| {
            // Round up so that a short wait does not become a busy loop.
            let ms = d.as_micros().div_ceil(1000);
            ms.min(i32::MAX as u128) as i32
        });
        // SAFETY: `pfds` is a live array of `pfds.len()` pollfd structs.
        unsafe { libc::poll(pfds.as_mut_ptr(), pfds.len() as libc::nfds_t, ms) }
    })?;
    let l = vm.new_list(n as usize)?;
    let ls = vm.push(l);
    for p in pfds.iter().filter(|p| p.revents != 0) {
        let pair = vm.new_tuple(&[Value::int(p.fd as i64), Value::int(p.revents as u16 as i64)])?;
        vm.list_append(vm.st(ls), pair)?;
    }
    let l = vm.st(ls);
    vm.truncate(ls);
    Ok(l)
}

/// `_epoll_create()`: a new close-on-exec epoll fd.
fn epoll_create<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "epoll", 0, 0)?;
    // SAFETY: epoll_create1(2) takes a plain flag word.
    let fd = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
    if fd < 0 {
        return Err(last_os_error(vm));
    }
    Ok(Value::int(fd as i64))
}

/// `_epoll_ctl(epfd, op, fd, events)`: adds, removes or modifies `fd`.
fn epoll_ctl<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "epoll_ctl", 4, 4)?;
    let epfd = small_int(vm, vm.arg(a, 0))?;
    let op = small_int(vm, vm.arg(a, 1))?;
    let fd = small_int(vm, vm.arg(a, 2))?;
    let mask = vm.index_int(vm.arg(a, 3))?;
    let mut ev = libc::epoll_event {
        events: mask as u32,
        u64: fd as u64,
    };
    // SAFETY: `ev` is a live epoll_event (ignored for EPOLL_CTL_DEL).
    if unsafe { libc::epoll_ctl(epfd, op, fd, &mut ev) } < 0 {
        return Err(last_os_error(vm));
    }
    Ok(Value::NONE)
}

/// `_epoll_wait(epfd, timeout_secs, maxevents)`: waits (timeout < 0:
/// without limit) and returns a list of `(fd, events)`.
fn epoll_wait<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "poll", 3, 3)?;
    let epfd = small_int(vm, vm.arg(a, 0))?;
    let secs = vm.as_f64(vm.arg(a, 1))?.unwrap_or(-1.0);
    let maxevents = small_int(vm, vm.arg(a, 2))?.max(1);
    let mut evs = vec![libc::epoll_event { events: 0, u64: 0 }; maxevents as usize];
    let n = wait_retrying(vm, Deadline::after(Some(secs)), |left| {
        let ms = left.map_or(-1, |d| {
            let ms = d.as_micros().div_ceil(1000);
            ms.min(i32::MAX as u128) as i32
        });
        // SAFETY: `evs` is a live array of `maxevents` events.
        unsafe { libc::epoll_wait(epfd, evs.as_mut_ptr(), maxevents, ms) }
    })?;
    let l = vm.new_list(n as usize)?;
    let ls = vm.push(l);
    for e in &evs[..n as usize] {
        let (fd, events) = (e.u64 as i64, e.events as i64);
        let pair = vm.new_tuple(&[Value::int(fd), Value::int(events)])?;
        vm.list_append(vm.st(ls), pair)?;
    }
    let l = vm.st(ls);
    vm.truncate(ls);
    Ok(l)
}

/// `_close(fd)`: closes an epoll fd.
fn close_fd<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "close", 1, 1)?;
    let fd = small_int(vm, vm.arg(a, 0))?;
    // SAFETY: closing an fd this module opened.
    if unsafe { libc::close(fd) } < 0 {
        return Err(last_os_error(vm));
    }
    Ok(Value::NONE)
}

/// An int argument as a C int.
fn small_int<H: Heap>(vm: &mut Vm<H>, v: Value) -> PyResult<i32> {
    let i = vm.index_int(v)?;
    i32::try_from(i).map_err(|_| vm.value_error("file descriptor out of range"))
}

/// The OSError for the current errno.
fn last_os_error<H: Heap>(vm: &mut Vm<H>) -> Exc {
    // SAFETY: errno is thread-local and valid for the thread's life.
    let e = unsafe { *libc::__errno_location() };
    raise_os_error(vm, e, Value::NULL, Value::NULL)
}
