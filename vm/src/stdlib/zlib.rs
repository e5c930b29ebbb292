//! `zlib`: compression over the system zlib C library (through `libz-sys`),
//! as CPython's `Modules/zlibmodule.c`, so the compressed bytes and the
//! error messages are CPython's.
//!
//! The unsafe FFI lives in one small safe wrapper, [`Stream`], which owns a
//! boxed `z_stream` (zlib keeps a pointer back to it in its internal state,
//! so it must never move once initialised) and points it at Rust buffers
//! only for the duration of one `deflate`/`inflate` call.
//!
//! Compressor and decompressor objects are instances of the native classes
//! `zlib.Compress` and `zlib.Decompress`. Their streams live outside the GC
//! heap, in a per-thread table keyed by a serial number that the instance
//! holds in its `_zid` attribute (serials are never reused, so a stale or
//! forged number can only miss). The classes define a native `__del__`,
//! which makes their instances finalizable: when one dies the reaper calls
//! it and the stream is ended and freed. A decompressor also keeps
//! `unused_data`, `unconsumed_tail`, `eof` and its `_zdict` as attributes.

use super::binascii::{buffer_bytes, raise_module_error};
use crate::builtins::*;
use crate::object::{self, Kind, field};
use crate::value::Value;
use crate::vm::{Args, Exc, NativeFn, PyResult, Vm};
use gc_api::Heap;
use libz_sys as z;
use std::cell::RefCell;
use std::collections::HashMap;
use std::ffi::{CStr, c_int, c_uint, c_void};

/// The module names this file provides.
pub const MODULES: &[&str] = &["zlib"];

/// Frozen Python source this file adds (name, source).
pub const FROZEN: &[(&str, &str)] = &[];

const MAX_WBITS: c_int = 15;
const DEFLATED: c_int = 8;
const DEF_MEM_LEVEL: c_int = 8;
const DEF_BUF_SIZE: i64 = 16384;
const Z_DEFAULT_COMPRESSION: c_int = -1;

/// The integer constants of the module.
const CONSTANTS: &[(&str, i64)] = &[
    ("MAX_WBITS", MAX_WBITS as i64),
    ("DEFLATED", DEFLATED as i64),
    ("DEF_MEM_LEVEL", DEF_MEM_LEVEL as i64),
    ("DEF_BUF_SIZE", DEF_BUF_SIZE),
    ("Z_NO_COMPRESSION", 0),
    ("Z_BEST_SPEED", 1),
    ("Z_BEST_COMPRESSION", 9),
    ("Z_DEFAULT_COMPRESSION", Z_DEFAULT_COMPRESSION as i64),
    ("Z_FILTERED", 1),
    ("Z_HUFFMAN_ONLY", 2),
    ("Z_RLE", 3),
    ("Z_FIXED", 4),
    ("Z_DEFAULT_STRATEGY", 0),
    ("Z_NO_FLUSH", z::Z_NO_FLUSH as i64),
    ("Z_PARTIAL_FLUSH", z::Z_PARTIAL_FLUSH as i64),
    ("Z_SYNC_FLUSH", z::Z_SYNC_FLUSH as i64),
    ("Z_FULL_FLUSH", z::Z_FULL_FLUSH as i64),
    ("Z_FINISH", z::Z_FINISH as i64),
    ("Z_BLOCK", z::Z_BLOCK as i64),
    ("Z_TREES", z::Z_TREES as i64),
];

/// Fills in module `name`, rooted at stack slot `ms`.
pub(crate) fn init<H: Heap>(vm: &mut Vm<H>, _name: &str, ms: usize) -> PyResult<()> {
    for n in ["_zid", "_zdict", "unused_data", "unconsumed_tail", "eof"] {
        vm.intern(n);
    }
    let fns: &[(&'static str, NativeFn<H>)] = &[
        ("compress", compress::<H>),
        ("decompress", decompress::<H>),
        ("crc32", crc32::<H>),
        ("adler32", adler32::<H>),
    ];
    for &(n, f) in fns {
        vm.module_fn(ms, n, f)?;
    }
    for &(n, v) in CONSTANTS {
        vm.module_set(vm.st(ms), n, Value::int(v))?;
    }
    let version = zlib_version();
    for n in ["ZLIB_VERSION", "ZLIB_RUNTIME_VERSION"] {
        let s = vm.new_str(&version)?;
        vm.module_set(vm.st(ms), n, s)?;
    }
    let v = vm.new_str("1.0")?;
    vm.module_set(vm.st(ms), "__version__", v)?;
    let exc = vm.class(T_EXCEPTION);
    let err = vm.make_class("error", &[exc], Value::NULL, "zlib")?;
    vm.module_set(vm.st(ms), "error", err)?;

    let comp: &[(&'static str, NativeFn<H>)] = &[
        ("compress", comp_compress::<H>),
        ("flush", comp_flush::<H>),
        ("copy", comp_copy::<H>),
        ("__copy__", comp_copy::<H>),
        ("__deepcopy__", comp_deepcopy::<H>),
    ];
    let cls = native_class(vm, "Compress", comp)?;
    let ctor = factory(vm, "compressobj", compressobj::<H>, cls)?;
    vm.module_set(vm.st(ms), "compressobj", ctor)?;
    let decomp: &[(&'static str, NativeFn<H>)] = &[
        ("decompress", decomp_decompress::<H>),
        ("flush", decomp_flush::<H>),
        ("copy", decomp_copy::<H>),
        ("__copy__", decomp_copy::<H>),
        ("__deepcopy__", decomp_deepcopy::<H>),
    ];
    let cls = native_class(vm, "Decompress", decomp)?;
    let ctor = factory(vm, "decompressobj", decompressobj::<H>, cls)?;
    vm.module_set(vm.st(ms), "decompressobj", ctor)?;
    Ok(())
}

/// A class `zlib.<name>` with native `methods`, a `__new__` that refuses
/// direct instantiation and the `__del__` that frees an instance's stream.
fn native_class<H: Heap>(
    vm: &mut Vm<H>,
    name: &str,
    methods: &[(&'static str, NativeFn<H>)],
) -> PyResult {
    let object = vm.class(T_OBJECT);
    // Classes are immortal and never move: `cls` stays valid below.
    let cls = vm.make_class(name, &[object], Value::NULL, "zlib")?;
    let all: [(&'static str, NativeFn<H>); 2] =
        [("__new__", refuse_new::<H>), ("__del__", release::<H>)];
    for &(n, f) in all.iter().chain(methods) {
        // The class dict moves when `def_fn` allocates: fetch it each time.
        let d = object::get(cls.as_obj(), field::CLS_DICT);
        vm.def_fn(d, n, f);
    }
    let o = cls.as_obj();
    object::set_word(
        o,
        field::CLS_FLAGS,
        object::word(o, field::CLS_FLAGS) | CLS_HAS_DEL,
    );
    Ok(cls)
}

/// The module function `name`: native `f` bound to class `cls`, which it
/// receives as argument 0 (so it can make instances without a lookup).
fn factory<H: Heap>(vm: &mut Vm<H>, name: &'static str, f: NativeFn<H>, cls: Value) -> PyResult {
    let idx = vm.register(name, f);
    vm.new_builtin(idx, cls)
}

/// zlib's version string.
fn zlib_version() -> String {
    // SAFETY: zlibVersion returns a pointer to a static NUL-terminated
    // string owned by the library.
    unsafe { CStr::from_ptr(z::zlibVersion()) }
        .to_string_lossy()
        .into_owned()
}

// ------------------------------------------------------------ the stream

/// zlib's allocator hook: zeroed memory from the C heap.
extern "C" fn zalloc(_opaque: *mut c_void, items: c_uint, size: c_uint) -> *mut c_void {
    // SAFETY: calloc has no preconditions; zlib checks for NULL.
    unsafe { libc::calloc(items as usize, size as usize) }
}

/// zlib's deallocator hook, pairing [`zalloc`].
extern "C" fn zfree(_opaque: *mut c_void, p: *mut c_void) {
    // SAFETY: zlib only frees pointers it got from `zalloc`.
    unsafe { libc::free(p) }
}

/// Which way a [`Stream`] works.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Dir {
    Deflate,
    Inflate,
}

/// A zlib failure: the return code and the stream's message, if any.
type ZErr = (c_int, Option<String>);

/// Outcome of one [`Stream::step`].
struct Step {
    /// zlib's return code.
    code: c_int,
    /// Input bytes consumed.
    used: usize,
    /// Did the output room fill up (`avail_out == 0`)?
    full: bool,
}

/// An initialised deflate or inflate stream. `zst` is boxed because zlib's
/// internal state points back at it; `live` is false once the stream has
/// been ended, after which every operation reports `Z_STREAM_ERROR` as
/// zlib does for an ended stream.
struct Stream {
    zst: Box<z::z_stream>,
    dir: Dir,
    live: bool,
}

impl Stream {
    /// A fresh, uninitialised `z_stream` with our allocator.
    fn blank() -> Box<z::z_stream> {
        Box::new(z::z_stream {
            next_in: std::ptr::null_mut(),
            avail_in: 0,
            total_in: 0,
            next_out: std::ptr::null_mut(),
            avail_out: 0,
            total_out: 0,
            msg: std::ptr::null_mut(),
            state: std::ptr::null_mut(),
            zalloc,
            zfree,
            opaque: std::ptr::null_mut(),
            data_type: 0,
            adler: 0,
            reserved: 0,
        })
    }

    /// `deflateInit2` with the given parameters.
    fn deflate(
        level: c_int,
        method: c_int,
        wbits: c_int,
        mem: c_int,
        strategy: c_int,
    ) -> Result<Stream, ZErr> {
        let mut zst = Self::blank();
        let size = std::mem::size_of::<z::z_stream>() as c_int;
        // SAFETY: `zst` is a valid, boxed (address-stable) z_stream with
        // allocator hooks; the version string is zlib's own.
        let code = unsafe {
            z::deflateInit2_(
                &mut *zst,
                level,
                method,
                wbits,
                mem,
                strategy,
                z::zlibVersion(),
                size,
            )
        };
        Self::started(zst, Dir::Deflate, code)
    }

    /// `inflateInit2` with window bits `wbits`.
    fn inflate(wbits: c_int) -> Result<Stream, ZErr> {
        let mut zst = Self::blank();
        let size = std::mem::size_of::<z::z_stream>() as c_int;
        // SAFETY: as in `deflate`; next_in is null with avail_in 0.
        let code = unsafe { z::inflateInit2_(&mut *zst, wbits, z::zlibVersion(), size) };
        Self::started(zst, Dir::Inflate, code)
    }

    fn started(zst: Box<z::z_stream>, dir: Dir, code: c_int) -> Result<Stream, ZErr> {
        if code == z::Z_OK {
            Ok(Stream {
                zst,
                dir,
                live: true,
            })
        } else {
            Err((code, message(&zst)))
        }
    }

    /// The stream's current error message.
    fn msg(&self) -> Option<String> {
        message(&self.zst)
    }

    /// `deflateSetDictionary`/`inflateSetDictionary`.
    fn set_dictionary(&mut self, dict: &[u8]) -> c_int {
        if !self.live {
            return z::Z_STREAM_ERROR;
        }
        let Ok(n) = c_uint::try_from(dict.len()) else {
            return z::Z_STREAM_ERROR;
        };
        // SAFETY: the stream is initialised; zlib reads `n` bytes of
        // `dict` during the call only.
        unsafe {
            match self.dir {
                Dir::Deflate => z::deflateSetDictionary(&mut *self.zst, dict.as_ptr(), n),
                Dir::Inflate => z::inflateSetDictionary(&mut *self.zst, dict.as_ptr(), n),
            }
        }
    }

    /// One `deflate`/`inflate` call with `flush` over (a prefix of) `input`,
    /// appending at most `room` bytes to `out`.
    fn step(&mut self, input: &[u8], out: &mut Vec<u8>, room: usize, flush: c_int) -> Step {
        if !self.live {
            return Step {
                code: z::Z_STREAM_ERROR,
                used: 0,
                full: false,
            };
        }
        let avail_in = input.len().min(c_uint::MAX as usize);
        let room = room.min(c_uint::MAX as usize);
        out.reserve(room);
        let start = out.len();
        let zst = &mut *self.zst;
        zst.next_in = input.as_ptr() as *mut u8;
        zst.avail_in = avail_in as c_uint;
        // SAFETY: `reserve` made `room` bytes of spare capacity after `start`.
        zst.next_out = unsafe { out.as_mut_ptr().add(start) };
        zst.avail_out = room as c_uint;
        // SAFETY: the stream is initialised and its buffers point at
        // `avail_in` readable bytes of `input` (zlib never writes through
        // next_in) and `room` writable bytes of `out`, both alive for the
        // call.
        let code = unsafe {
            match self.dir {
                Dir::Deflate => z::deflate(zst, flush),
                Dir::Inflate => z::inflate(zst, flush),
            }
        };
        let used = avail_in - zst.avail_in as usize;
        let made = room - zst.avail_out as usize;
        let full = zst.avail_out == 0;
        zst.next_in = std::ptr::null_mut();
        zst.avail_in = 0;
        zst.next_out = std::ptr::null_mut();
        zst.avail_out = 0;
        // SAFETY: zlib wrote `made` bytes into the spare capacity.
        unsafe { out.set_len(start + made) };
        Step { code, used, full }
    }

    /// `deflateCopy`/`inflateCopy`.
    fn copy(&self) -> Result<Stream, c_int> {
        if !self.live {
            return Err(z::Z_STREAM_ERROR);
        }
        let mut dst = Self::blank();
        let src = &*self.zst as *const z::z_stream as *mut z::z_stream;
        // SAFETY: `self` is initialised; the copy functions only read the
        // source and initialise the boxed destination.
        let code = unsafe {
            match self.dir {
                Dir::Deflate => z::deflateCopy(&mut *dst, src),
                Dir::Inflate => z::inflateCopy(&mut *dst, src),
            }
        };
        if code == z::Z_OK {
            Ok(Stream {
                zst: dst,
                dir: self.dir,
                live: true,
            })
        } else {
            Err(code)
        }
    }

    /// `deflateEnd`/`inflateEnd` (once).
    fn end(&mut self) -> c_int {
        if !self.live {
            return z::Z_STREAM_ERROR;
        }
        self.live = false;
        // SAFETY: the stream is initialised and not yet ended.
        unsafe {
            match self.dir {
                Dir::Deflate => z::deflateEnd(&mut *self.zst),
                Dir::Inflate => z::inflateEnd(&mut *self.zst),
            }
        }
    }
}

impl Drop for Stream {
    fn drop(&mut self) {
        self.end();
    }
}

/// The message zlib left in `zst`, if any.
fn message(zst: &z::z_stream) -> Option<String> {
    if zst.msg.is_null() {
        return None;
    }
    // SAFETY: zlib sets `msg` to static NUL-terminated strings only.
    Some(
        unsafe { CStr::from_ptr(zst.msg) }
            .to_string_lossy()
            .into_owned(),
    )
}

/// Output room for the next step when `have` bytes are out already: the
/// buffer doubles, starting at `first`, and never passes `limit`.
fn room(have: usize, first: usize, limit: usize) -> usize {
    let want = if have == 0 { first.max(1) } else { have };
    want.min(limit - have)
}

// ------------------------------------------------------------ stream table

/// Streams of the live compressor/decompressor objects of this thread.
#[derive(Default)]
struct Table {
    next: i64,
    streams: HashMap<i64, Stream>,
}

thread_local! {
    static STREAMS: RefCell<Table> = RefCell::new(Table::default());
}

/// Files `s` and returns its serial.
fn adopt(s: Stream) -> i64 {
    STREAMS.with(|t| {
        let mut t = t.borrow_mut();
        t.next += 1;
        let id = t.next;
        t.streams.insert(id, s);
        id
    })
}

/// Runs `f` on stream `id`; a missing stream (its object was finalized,
/// then resurrected) acts as an ended `dir` stream.
fn with_stream<R>(id: i64, dir: Dir, f: impl FnOnce(&mut Stream) -> R) -> R {
    STREAMS.with(|t| match t.borrow_mut().streams.get_mut(&id) {
        Some(s) => f(s),
        None => f(&mut Stream {
            zst: Stream::blank(),
            dir,
            live: false,
        }),
    })
}

/// The direction of stream `id`, if it exists.
fn dir_of(id: i64) -> Option<Dir> {
    STREAMS.with(|t| t.borrow().streams.get(&id).map(|s| s.dir))
}

/// Drops stream `id`, ending it.
fn forget(id: i64) {
    let s = STREAMS.with(|t| t.borrow_mut().streams.remove(&id));
    drop(s);
}

// ------------------------------------------------------------ errors and args

/// `zlib.error` as CPython's `zlib_error`: "Error <code> <what>[: <msg>]".
fn zlib_error<H: Heap>(vm: &mut Vm<H>, (code, msg): ZErr, what: &str) -> Exc {
    let zmsg = if code == z::Z_VERSION_ERROR {
        Some("library version mismatch".to_string())
    } else {
        msg.or_else(|| {
            match code {
                z::Z_BUF_ERROR => Some("incomplete or truncated stream"),
                z::Z_STREAM_ERROR => Some("inconsistent stream state"),
                z::Z_DATA_ERROR => Some("invalid input data"),
                _ => None,
            }
            .map(str::to_string)
        })
    };
    let text = match zmsg {
        Some(m) => format!("Error {code} {what}: {m}"),
        None => format!("Error {code} {what}"),
    };
    raise_error(vm, &text)
}

/// `zlib.error(msg)`.
fn raise_error<H: Heap>(vm: &mut Vm<H>, msg: &str) -> Exc {
    raise_module_error(vm, "zlib", "error", msg)
}

fn memory_error<H: Heap>(vm: &mut Vm<H>, msg: &str) -> Exc {
    vm.raise_msg(T_MEMORY_ERROR, msg)
}

/// Argument `i` by position, else keyword `name` (if it has one).
fn param<H: Heap>(vm: &Vm<H>, a: Args, i: usize, name: Option<&str>) -> Option<Value> {
    if i < a.n {
        Some(vm.arg(a, i))
    } else {
        name.and_then(|n| vm.kwarg(a, n))
    }
}

/// Checks the keyword names and the positional count, which must be
/// within `min..=max` after the first `implicit` arguments (`self`, or the
/// bound class of a factory), as CPython counts them in its messages.
fn check<H: Heap>(
    vm: &mut Vm<H>,
    a: Args,
    name: &str,
    implicit: usize,
    (min, max): (usize, usize),
    kws: &[&str],
) -> PyResult<()> {
    let kw = vm.kwnames(a);
    if !kw.is_null() {
        let kw = kw.as_obj();
        for i in 0..object::array_len(kw) {
            let k = object::str_of(object::array_get(kw, i).as_obj());
            if !kws.contains(&k) {
                let msg = format!("'{k}' is an invalid keyword argument for {name}()");
                return Err(vm.type_error(&msg));
            }
        }
    }
    let given = a.n.saturating_sub(implicit);
    if given > max {
        let s = if max == 1 { "" } else { "s" };
        let msg = format!("{name}() takes at most {max} argument{s} ({given} given)");
        return Err(vm.type_error(&msg));
    }
    if given < min {
        let s = if min == 1 { "" } else { "s" };
        let msg = format!("{name}() takes at least {min} positional argument{s} ({given} given)");
        return Err(vm.type_error(&msg));
    }
    Ok(())
}

/// An integer argument within `lo..=hi`, OverflowError `what` otherwise
/// (CPython's `int` and `Py_ssize_t` converters).
fn int_in<H: Heap>(vm: &mut Vm<H>, v: Value, lo: i64, hi: i64, what: &str) -> PyResult<i64> {
    let i = if crate::num::is_int(v) {
        num_traits::ToPrimitive::to_i64(&crate::num::to_bigint(v))
    } else {
        Some(vm.index_int(v)?)
    };
    match i {
        Some(i) if (lo..=hi).contains(&i) => Ok(i),
        _ => Err(vm.overflow_error(what)),
    }
}

/// A C `int` argument, `default` when absent.
fn c_int_arg<H: Heap>(vm: &mut Vm<H>, v: Option<Value>, default: c_int) -> PyResult<c_int> {
    match v {
        None => Ok(default),
        Some(v) => {
            let msg = "Python int too large to convert to C int";
            Ok(int_in(vm, v, c_int::MIN as i64, c_int::MAX as i64, msg)? as c_int)
        }
    }
}

/// A `Py_ssize_t` argument, `default` when absent.
fn ssize_arg<H: Heap>(vm: &mut Vm<H>, v: Option<Value>, default: i64) -> PyResult<i64> {
    match v {
        None => Ok(default),
        Some(v) => int_in(
            vm,
            v,
            i64::MIN,
            i64::MAX,
            "Python int too large to convert to C ssize_t",
        ),
    }
}

/// The bytes of a bytes-like argument (TypeError worded as CPython's).
fn data_arg<H: Heap>(vm: &mut Vm<H>, v: Value) -> PyResult<Vec<u8>> {
    buffer_bytes(vm, v)
}

fn new_bytes<H: Heap>(vm: &mut Vm<H>, b: &[u8]) -> PyResult {
    vm.new_bytes_kind(Kind::Bytes, b)
}

// ------------------------------------------------------------ one-shot functions

/// `zlib.compress(data, /, level=-1, wbits=15)`.
fn compress<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    check(vm, a, "compress", 0, (1, 3), &["level", "wbits"])?;
    let data = data_arg(vm, vm.arg(a, 0))?;
    let level = c_int_arg(vm, param(vm, a, 1, Some("level")), Z_DEFAULT_COMPRESSION)?;
    let wbits = c_int_arg(vm, param(vm, a, 2, Some("wbits")), MAX_WBITS)?;
    let mut s = match Stream::deflate(level, DEFLATED, wbits, DEF_MEM_LEVEL, 0) {
        Ok(s) => s,
        Err((z::Z_MEM_ERROR, _)) => {
            return Err(memory_error(vm, "Out of memory while compressing data"));
        }
        Err((z::Z_STREAM_ERROR, _)) => return Err(raise_error(vm, "Bad compression level")),
        Err(e) => return Err(zlib_error(vm, e, "while compressing data")),
    };
    let mut out = Vec::new();
    let mut pos = 0;
    loop {
        let end = pos + (data.len() - pos).min(c_uint::MAX as usize);
        let flush = if end == data.len() {
            z::Z_FINISH
        } else {
            z::Z_NO_FLUSH
        };
        loop {
            let r = room(out.len(), DEF_BUF_SIZE as usize, usize::MAX);
            let st = s.step(&data[pos..end], &mut out, r, flush);
            pos += st.used;
            if st.code == z::Z_STREAM_ERROR {
                let e = (st.code, s.msg());
                return Err(zlib_error(vm, e, "while compressing data"));
            }
            if !st.full {
                break;
            }
        }
        if flush == z::Z_FINISH {
            break;
        }
    }
    let code = s.end();
    if code != z::Z_OK {
        let e = (code, s.msg());
        return Err(zlib_error(vm, e, "while finishing compression"));
    }
    new_bytes(vm, &out)
}

/// `zlib.decompress(data, /, wbits=15, bufsize=16384)`.
fn decompress<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    check(vm, a, "decompress", 0, (1, 3), &["wbits", "bufsize"])?;
    let data = data_arg(vm, vm.arg(a, 0))?;
    let wbits = c_int_arg(vm, param(vm, a, 1, Some("wbits")), MAX_WBITS)?;
    let bufsize = ssize_arg(vm, param(vm, a, 2, Some("bufsize")), DEF_BUF_SIZE)?;
    if bufsize < 0 {
        return Err(vm.value_error("bufsize must be non-negative"));
    }
    let mut s = match Stream::inflate(wbits) {
        Ok(s) => s,
        Err((z::Z_MEM_ERROR, _)) => {
            return Err(memory_error(vm, "Out of memory while decompressing data"));
        }
        Err(e) => return Err(zlib_error(vm, e, "while preparing to decompress data")),
    };
    let mut out = Vec::new();
    let mut pos = 0;
    let mut code;
    loop {
        let end = pos + (data.len() - pos).min(c_uint::MAX as usize);
        let flush = if end == data.len() {
            z::Z_FINISH
        } else {
            z::Z_NO_FLUSH
        };
        loop {
            let r = room(out.len(), bufsize.max(1) as usize, usize::MAX);
            let st = s.step(&data[pos..end], &mut out, r, flush);
            pos += st.used;
            code = st.code;
            match code {
                z::Z_OK | z::Z_BUF_ERROR | z::Z_STREAM_END => {}
                z::Z_MEM_ERROR => {
                    return Err(memory_error(vm, "Out of memory while decompressing data"));
                }
                _ => {
                    let e = (code, s.msg());
                    return Err(zlib_error(vm, e, "while decompressing data"));
                }
            }
            if !st.full {
                break;
            }
        }
        if code == z::Z_STREAM_END || end == data.len() {
            break;
        }
    }
    if code != z::Z_STREAM_END {
        let e = (code, s.msg());
        return Err(zlib_error(vm, e, "while decompressing data"));
    }
    let code = s.end();
    if code != z::Z_OK {
        let e = (code, s.msg());
        return Err(zlib_error(vm, e, "while finishing decompression"));
    }
    new_bytes(vm, &out)
}

/// A checksum's starting value: any int, reduced modulo 2**32.
fn checksum_start<H: Heap>(vm: &mut Vm<H>, v: Option<Value>, default: u32) -> PyResult<u32> {
    let Some(v) = v else {
        return Ok(default);
    };
    let b = if crate::num::is_int(v) {
        crate::num::to_bigint(v)
    } else {
        num_bigint::BigInt::from(vm.index_int(v)?)
    };
    let m = num_bigint::BigInt::from(1u64 << 32);
    let r = ((b % &m) + &m) % m;
    Ok(num_traits::ToPrimitive::to_u32(&r).unwrap_or(0))
}

/// Runs zlib checksum `f` over `data` from `start`, in `uInt`-sized chunks.
fn checksum(
    data: &[u8],
    start: u32,
    f: unsafe extern "C" fn(z::uLong, *const u8, c_uint) -> z::uLong,
) -> u32 {
    let mut v = start as z::uLong;
    for chunk in data.chunks(c_uint::MAX as usize) {
        // SAFETY: zlib reads exactly `chunk.len()` bytes of `chunk`.
        v = unsafe { f(v, chunk.as_ptr(), chunk.len() as c_uint) };
    }
    v as u32
}

/// `zlib.crc32(data, value=0, /)`.
fn crc32<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "crc32", 1, 2)?;
    let data = data_arg(vm, vm.arg(a, 0))?;
    let start = checksum_start(vm, param(vm, a, 1, None), 0)?;
    Ok(Value::int(checksum(&data, start, z::crc32) as i64))
}

/// `zlib.adler32(data, value=1, /)`.
fn adler32<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "adler32", 1, 2)?;
    let data = data_arg(vm, vm.arg(a, 0))?;
    let start = checksum_start(vm, param(vm, a, 1, None), 1)?;
    Ok(Value::int(checksum(&data, start, z::adler32) as i64))
}

// ------------------------------------------------------------ objects

/// `Compress()`/`Decompress()` called directly.
fn refuse_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let cls = vm.arg(a, 0);
    let name = if vm.is_class(cls) {
        let n = object::get(cls.as_obj(), field::CLS_NAME);
        object::str_of(n.as_obj()).to_string()
    } else {
        "?".to_string()
    };
    let msg = format!("cannot create 'zlib.{name}' instances");
    Err(vm.type_error(&msg))
}

/// `__del__`: ends and frees the object's stream.
fn release<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    if a.n == 1
        && let Some(id) = zid(vm, a.base)
    {
        forget(id);
    }
    Ok(Value::NONE)
}

/// Attribute `name` of the instance in stack slot `slot`.
fn attr<H: Heap>(vm: &mut Vm<H>, slot: usize, name: &str) -> Option<Value> {
    let v = vm.st(slot);
    if !(v.is_obj() && object::kind(v.as_obj()) == Kind::Instance) {
        return None;
    }
    // Interned at init: `intern` does not allocate here, `v` stays valid.
    let sym = vm.intern(name);
    vm.inst_get(v.as_obj(), sym)
}

/// Sets attribute `name` of the instance in stack slot `slot` to `v`.
fn set_attr<H: Heap>(vm: &mut Vm<H>, slot: usize, name: &str, v: Value) -> PyResult<()> {
    let vs = vm.push(v);
    let sym = vm.intern(name);
    let r = vm.inst_set(vm.st(slot), sym, vm.st(vs));
    vm.truncate(vs);
    r
}

/// The stream serial of the compressor/decompressor in stack slot `slot`.
fn zid<H: Heap>(vm: &mut Vm<H>, slot: usize) -> Option<i64> {
    attr(vm, slot, "_zid").and_then(|v| v.to_int())
}

/// The stream serial of `self` of method `method`, checking that it is a
/// `dir` object.
fn self_stream<H: Heap>(vm: &mut Vm<H>, a: Args, method: &str, dir: Dir) -> PyResult<i64> {
    if a.n > 0
        && let Some(id) = zid(vm, a.base)
        && dir_of(id).is_none_or(|d| d == dir)
    {
        return Ok(id);
    }
    let slf = if a.n > 0 { vm.arg(a, 0) } else { Value::NONE };
    let cls = if dir == Dir::Deflate {
        "Compress"
    } else {
        "Decompress"
    };
    Err(vm.descriptor_error(method, &format!("zlib.{cls}"), slf))
}

/// A new instance of `cls` owning stream `s`.
fn wrap<H: Heap>(vm: &mut Vm<H>, cls: Value, s: Stream) -> PyResult {
    let o = vm.new_instance(cls)?;
    let os = vm.push(o);
    let id = adopt(s);
    let r = set_attr(vm, os, "_zid", Value::int(id));
    let o = vm.st(os);
    vm.truncate(os);
    r.map(|_| o)
}

// ------------------------------------------------------------ Compress

/// `zlib.compressobj(level=-1, method=8, wbits=15, memLevel=8, strategy=0,
/// zdict=None)` (argument 0 is the bound `Compress` class).
fn compressobj<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let names = ["level", "method", "wbits", "memLevel", "strategy", "zdict"];
    check(vm, a, "compressobj", 1, (0, 6), &names)?;
    let mut ints = [Z_DEFAULT_COMPRESSION, DEFLATED, MAX_WBITS, DEF_MEM_LEVEL, 0];
    for (i, v) in ints.iter_mut().enumerate() {
        let p = param(vm, a, i + 1, Some(names[i]));
        *v = c_int_arg(vm, p, *v)?;
    }
    let zdict = match param(vm, a, 6, Some("zdict")) {
        Some(v) if !v.is_none() => Some(data_arg(vm, v)?),
        _ => None,
    };
    let [level, method, wbits, mem, strategy] = ints;
    let mut s = match Stream::deflate(level, method, wbits, mem, strategy) {
        Ok(s) => s,
        Err((z::Z_MEM_ERROR, _)) => {
            return Err(memory_error(
                vm,
                "Can't allocate memory for compression object",
            ));
        }
        Err((z::Z_STREAM_ERROR, _)) => return Err(vm.value_error("Invalid initialization option")),
        Err(e) => return Err(zlib_error(vm, e, "while creating compression object")),
    };
    if let Some(d) = zdict {
        match s.set_dictionary(&d) {
            z::Z_OK => {}
            z::Z_STREAM_ERROR => return Err(vm.value_error("Invalid dictionary")),
            _ => return Err(vm.value_error("deflateSetDictionary()")),
        }
    }
    wrap(vm, vm.arg(a, 0), s)
}

/// `Compress.compress(data, /)`.
fn comp_compress<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let id = self_stream(vm, a, "compress", Dir::Deflate)?;
    vm.check_args(a, "compress", 2, 2)?;
    let data = data_arg(vm, vm.arg(a, 1))?;
    let r = with_stream(id, Dir::Deflate, |s| {
        let mut out = Vec::new();
        let mut pos = 0;
        loop {
            let end = pos + (data.len() - pos).min(c_uint::MAX as usize);
            loop {
                let r = room(out.len(), DEF_BUF_SIZE as usize, usize::MAX);
                let st = s.step(&data[pos..end], &mut out, r, z::Z_NO_FLUSH);
                pos += st.used;
                if st.code == z::Z_STREAM_ERROR {
                    return Err((st.code, s.msg()));
                }
                if !st.full {
                    break;
                }
            }
            if end == data.len() {
                return Ok(out);
            }
        }
    });
    match r {
        Ok(out) => new_bytes(vm, &out),
        Err(e) => Err(zlib_error(vm, e, "while compressing data")),
    }
}

/// `Compress.flush(mode=Z_FINISH, /)`.
fn comp_flush<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let id = self_stream(vm, a, "flush", Dir::Deflate)?;
    vm.check_args(a, "flush", 1, 2)?;
    let mode = c_int_arg(vm, param(vm, a, 1, None), z::Z_FINISH)?;
    if mode == z::Z_NO_FLUSH {
        return new_bytes(vm, b"");
    }
    let r = with_stream(id, Dir::Deflate, |s| {
        let mut out = Vec::new();
        let code = loop {
            let r = room(out.len(), DEF_BUF_SIZE as usize, usize::MAX);
            let st = s.step(&[], &mut out, r, mode);
            if st.code == z::Z_STREAM_ERROR {
                return Err(((st.code, s.msg()), "while flushing"));
            }
            if !st.full {
                break st.code;
            }
        };
        if code == z::Z_STREAM_END && mode == z::Z_FINISH {
            let code = s.end();
            if code != z::Z_OK {
                return Err(((code, s.msg()), "while finishing compression"));
            }
        } else if code != z::Z_OK && code != z::Z_BUF_ERROR {
            return Err(((code, s.msg()), "while flushing"));
        }
        Ok(out)
    });
    match r {
        Ok(out) => new_bytes(vm, &out),
        Err((e, what)) => Err(zlib_error(vm, e, what)),
    }
}

/// `Compress.copy()` (also `__copy__`).
fn comp_copy<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let id = self_stream(vm, a, "copy", Dir::Deflate)?;
    vm.check_args(a, "copy", 1, 1)?;
    copy_object(vm, a, id, Dir::Deflate)
}

/// `Compress.__deepcopy__(memo, /)`.
fn comp_deepcopy<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let id = self_stream(vm, a, "__deepcopy__", Dir::Deflate)?;
    vm.check_args(a, "__deepcopy__", 2, 2)?;
    copy_object(vm, a, id, Dir::Deflate)
}

/// A new object of `self`'s class with a copy of stream `id`.
fn copy_object<H: Heap>(vm: &mut Vm<H>, a: Args, id: i64, dir: Dir) -> PyResult {
    let what = if dir == Dir::Deflate {
        "compression"
    } else {
        "decompression"
    };
    match with_stream(id, dir, |s| s.copy()) {
        Ok(s) => {
            let cls = vm.type_of(vm.arg(a, 0));
            wrap(vm, cls, s)
        }
        Err(z::Z_STREAM_ERROR) => Err(vm.value_error("Inconsistent stream state")),
        Err(z::Z_MEM_ERROR) => {
            let msg = format!("Can't allocate memory for {what} object");
            Err(memory_error(vm, &msg))
        }
        Err(code) => {
            let msg = with_stream(id, dir, |s| s.msg());
            let what = format!("while copying {what} object");
            Err(zlib_error(vm, (code, msg), &what))
        }
    }
}

// ------------------------------------------------------------ Decompress

/// `zlib.decompressobj(wbits=15, zdict=b'')` (argument 0 is the bound
/// `Decompress` class).
fn decompressobj<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    check(vm, a, "decompressobj", 1, (0, 2), &["wbits", "zdict"])?;
    let wbits = c_int_arg(vm, param(vm, a, 1, Some("wbits")), MAX_WBITS)?;
    let zdict = param(vm, a, 2, Some("zdict"));
    if let Some(d) = zdict
        && !(d.is_obj() && matches!(object::kind(d.as_obj()), Kind::Bytes | Kind::ByteArray))
    {
        return Err(vm.type_error("zdict argument must support the buffer protocol"));
    }
    let s = match Stream::inflate(wbits) {
        Ok(s) => s,
        Err((z::Z_STREAM_ERROR, _)) => return Err(vm.value_error("Invalid initialization option")),
        Err((z::Z_MEM_ERROR, _)) => {
            return Err(memory_error(
                vm,
                "Can't allocate memory for decompression object",
            ));
        }
        Err(e) => return Err(zlib_error(vm, e, "while creating decompression object")),
    };
    let o = wrap(vm, vm.arg(a, 0), s)?;
    let os = vm.push(o);
    let r = init_decompressor(vm, a, os, wbits);
    let o = vm.st(os);
    vm.truncate(os);
    r.map(|()| o)
}

/// Sets the attributes of the new decompressor in stack slot `os` and
/// gives a raw stream its dictionary (a zlib stream asks for it later).
fn init_decompressor<H: Heap>(vm: &mut Vm<H>, a: Args, os: usize, wbits: c_int) -> PyResult<()> {
    let empty = new_bytes(vm, b"")?;
    set_attr(vm, os, "unused_data", empty)?;
    let empty = new_bytes(vm, b"")?;
    set_attr(vm, os, "unconsumed_tail", empty)?;
    set_attr(vm, os, "eof", Value::FALSE)?;
    let zd = param(vm, a, 2, Some("zdict")).unwrap_or(Value::NONE);
    set_attr(vm, os, "_zdict", zd)?;
    if wbits < 0
        && let Some(dict) = zdict_of(vm, os)?
    {
        let id = zid(vm, os).expect("just wrapped");
        let r = with_stream(id, Dir::Inflate, |s| match s.set_dictionary(&dict) {
            z::Z_OK => Ok(()),
            code => Err((code, s.msg())),
        });
        if let Err(e) = r {
            return Err(zlib_error(vm, e, "while setting zdict"));
        }
    }
    Ok(())
}

/// The bytes of a decompressor's `_zdict`, if it has one.
fn zdict_of<H: Heap>(vm: &mut Vm<H>, slot: usize) -> PyResult<Option<Vec<u8>>> {
    match attr(vm, slot, "_zdict") {
        Some(d) if !d.is_none() => Ok(Some(data_arg(vm, d)?)),
        _ => Ok(None),
    }
}

/// The bytes of bytes attribute `name` of the object in stack slot `slot`.
fn bytes_attr<H: Heap>(vm: &mut Vm<H>, slot: usize, name: &str) -> Vec<u8> {
    match attr(vm, slot, name) {
        Some(b) if b.is_obj() && object::kind(b.as_obj()) == Kind::Bytes => {
            object::bytes_of(b.as_obj()).to_vec()
        }
        _ => Vec::new(),
    }
}

/// Result of running a decompressor over some input.
struct Inflated {
    /// zlib's last return code.
    code: c_int,
    /// Input bytes consumed.
    used: usize,
    out: Vec<u8>,
}

/// Inflates `data` with `flush` (Z_FINISH is used for the last chunk when
/// `finish`), producing at most `limit` bytes, supplying `zdict` when the
/// stream asks for it. Stops at the stream end or a zlib error.
fn inflate_into(
    s: &mut Stream,
    data: &[u8],
    first: usize,
    limit: usize,
    finish: bool,
    zdict: Option<&[u8]>,
) -> Result<Inflated, ZErr> {
    let mut out = Vec::new();
    let mut pos = 0;
    let mut code = z::Z_OK;
    'input: loop {
        let end = pos + (data.len() - pos).min(c_uint::MAX as usize);
        let flush = if !finish {
            z::Z_SYNC_FLUSH
        } else if end == data.len() {
            z::Z_FINISH
        } else {
            z::Z_NO_FLUSH
        };
        loop {
            if out.len() == limit {
                break 'input;
            }
            let r = room(out.len(), first, limit);
            let st = s.step(&data[pos..end], &mut out, r, flush);
            pos += st.used;
            code = st.code;
            if code == z::Z_NEED_DICT
                && let Some(d) = zdict
            {
                let c = s.set_dictionary(d);
                if c != z::Z_OK {
                    return Err((c, s.msg()));
                }
                continue;
            }
            if !matches!(code, z::Z_OK | z::Z_BUF_ERROR | z::Z_STREAM_END) {
                break 'input;
            }
            if !st.full {
                break;
            }
        }
        if code == z::Z_STREAM_END || end == data.len() {
            break;
        }
    }
    Ok(Inflated {
        code,
        used: pos,
        out,
    })
}

/// CPython's `save_unconsumed_input`: input after the stream end goes to
/// `unused_data`; the rest of the input (or an emptied tail) to
/// `unconsumed_tail`.
fn save_unconsumed<H: Heap>(vm: &mut Vm<H>, os: usize, data: &[u8], r: &Inflated) -> PyResult<()> {
    let left = &data[r.used..];
    let mut pending = left.len();
    if r.code == z::Z_STREAM_END && !left.is_empty() {
        let mut unused = bytes_attr(vm, os, "unused_data");
        unused.extend_from_slice(left);
        let b = new_bytes(vm, &unused)?;
        set_attr(vm, os, "unused_data", b)?;
        pending = 0;
    }
    if pending > 0 || !bytes_attr(vm, os, "unconsumed_tail").is_empty() {
        let b = new_bytes(vm, left)?;
        set_attr(vm, os, "unconsumed_tail", b)?;
    }
    Ok(())
}

/// `Decompress.decompress(data, /, max_length=0)`.
fn decomp_decompress<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let id = self_stream(vm, a, "decompress", Dir::Inflate)?;
    check(vm, a, "decompress", 1, (1, 2), &["max_length"])?;
    let data = data_arg(vm, vm.arg(a, 1))?;
    let max_length = ssize_arg(vm, param(vm, a, 2, Some("max_length")), 0)?;
    if max_length < 0 {
        return Err(vm.value_error("max_length must be non-negative"));
    }
    let (first, limit) = match max_length as usize {
        0 => (DEF_BUF_SIZE as usize, usize::MAX),
        m => ((DEF_BUF_SIZE as usize).min(m), m),
    };
    let zdict = zdict_of(vm, a.base)?;
    let r = with_stream(id, Dir::Inflate, |s| {
        inflate_into(s, &data, first, limit, false, zdict.as_deref())
    });
    let r = match r {
        Ok(r) => r,
        Err(e) => return Err(zlib_error(vm, e, "while setting zdict")),
    };
    save_unconsumed(vm, a.base, &data, &r)?;
    if r.code == z::Z_STREAM_END {
        set_attr(vm, a.base, "eof", Value::TRUE)?;
    } else if r.code != z::Z_OK && r.code != z::Z_BUF_ERROR {
        let msg = with_stream(id, Dir::Inflate, |s| s.msg());
        return Err(zlib_error(vm, (r.code, msg), "while decompressing data"));
    }
    new_bytes(vm, &r.out)
}

/// `Decompress.flush(length=16384, /)`.
fn decomp_flush<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let id = self_stream(vm, a, "flush", Dir::Inflate)?;
    vm.check_args(a, "flush", 1, 2)?;
    let length = ssize_arg(vm, param(vm, a, 1, None), DEF_BUF_SIZE)?;
    if length <= 0 {
        return Err(vm.value_error("length must be greater than zero"));
    }
    let zdict = zdict_of(vm, a.base)?;
    let data = bytes_attr(vm, a.base, "unconsumed_tail");
    let r = with_stream(id, Dir::Inflate, |s| {
        inflate_into(
            s,
            &data,
            length as usize,
            usize::MAX,
            true,
            zdict.as_deref(),
        )
    });
    let r = match r {
        Ok(r) => r,
        Err(e) => return Err(zlib_error(vm, e, "while setting zdict")),
    };
    save_unconsumed(vm, a.base, &data, &r)?;
    if r.code == z::Z_STREAM_END {
        set_attr(vm, a.base, "eof", Value::TRUE)?;
        let (code, msg) = with_stream(id, Dir::Inflate, |s| (s.end(), s.msg()));
        if code != z::Z_OK {
            return Err(zlib_error(vm, (code, msg), "while finishing decompression"));
        }
    }
    new_bytes(vm, &r.out)
}

/// `Decompress.copy()` (also `__copy__`).
fn decomp_copy<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let id = self_stream(vm, a, "copy", Dir::Inflate)?;
    vm.check_args(a, "copy", 1, 1)?;
    copy_decompressor(vm, a, id)
}

/// `Decompress.__deepcopy__(memo, /)`.
fn decomp_deepcopy<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let id = self_stream(vm, a, "__deepcopy__", Dir::Inflate)?;
    vm.check_args(a, "__deepcopy__", 2, 2)?;
    copy_decompressor(vm, a, id)
}

/// A copy of the decompressor `self`: its stream and its attributes.
fn copy_decompressor<H: Heap>(vm: &mut Vm<H>, a: Args, id: i64) -> PyResult {
    let o = copy_object(vm, a, id, Dir::Inflate)?;
    let os = vm.push(o);
    let r = (|| {
        for name in ["unused_data", "unconsumed_tail", "eof", "_zdict"] {
            let v = attr(vm, a.base, name).unwrap_or(Value::NONE);
            set_attr(vm, os, name, v)?;
        }
        Ok(())
    })();
    let o = vm.st(os);
    vm.truncate(os);
    r.map(|()| o)
}
