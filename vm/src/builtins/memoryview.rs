//! `memoryview`: a one-dimensional view of the bytes of a `bytes`,
//! `bytearray` (or another view), read through on every access, so a view
//! of a bytearray sees later writes and can write back.
//!
//! A view is an instance of the builtin `memoryview` class whose state is
//! a few instance attributes (`_mv_obj`, byte offset, item count, byte
//! stride, format, item size, read-only and released flags). Its methods
//! are the Python functions of the frozen module `_heaplab_memoryview`,
//! copied into the class dict the first time a view is made. Supported:
//! `len`, indexing and slicing (any step), item and slice assignment on
//! writable views, `tobytes`, `tolist`, `hex`, `cast` to the 1-D native
//! integer, `?`, `c`, `f` and `d` formats, `toreadonly`, `release` and
//! the context-manager protocol, `==`, `hash` of read-only byte views and
//! the `obj`/`nbytes`/`format`/`itemsize`/`readonly`/`ndim`/`shape`/
//! `strides` attributes. Multi-dimensional shapes are not supported.

use super::*;
use crate::vm::{Args, PyResult, Vm};
use gc_api::Heap;

/// The module names this file provides natively (none).
pub const MODULES: &[&str] = &[];

/// Frozen Python source this file adds (name, source).
pub const FROZEN: &[(&str, &str)] = &[(HELPER, SOURCE)];

/// The frozen module holding the view methods.
const HELPER: &str = "_heaplab_memoryview";

const SOURCE: &str = r#""""_heaplab_memoryview (frozen in heaplab): the methods of memoryview.

The native constructor makes an instance of the builtin memoryview class
and calls _init; the functions of _View become memoryview's methods."""

import _struct

# Item size of each supported (native, 1-D) format.
_SIZES = {'B': 1, 'b': 1, 'c': 1, '?': 1, 'H': 2, 'h': 2, 'I': 4, 'i': 4,
          'L': 8, 'l': 8, 'Q': 8, 'q': 8, 'N': 8, 'n': 8, 'P': 8,
          'f': 4, 'd': 8}
_BYTE_FORMATS = ('B', 'b', 'c')


def _init(view, obj):
    if isinstance(obj, memoryview):
        obj._check()
        view._mv_obj = obj._mv_obj
        view._mv_start = obj._mv_start
        view._mv_len = obj._mv_len
        view._mv_stride = obj._mv_stride
        view._mv_format = obj._mv_format
        view._mv_itemsize = obj._mv_itemsize
        view._mv_readonly = obj._mv_readonly
    elif isinstance(obj, (bytes, bytearray)):
        view._mv_obj = obj
        view._mv_start = 0
        view._mv_len = len(obj)
        view._mv_stride = 1
        view._mv_format = 'B'
        view._mv_itemsize = 1
        view._mv_readonly = not isinstance(obj, bytearray)
    else:
        raise TypeError("memoryview: a bytes-like object is required, not '%s'"
                        % type(obj).__name__)
    view._mv_released = False


def _derived(view, start, length, stride, fmt, itemsize, readonly):
    new = memoryview(view)
    new._mv_start = start
    new._mv_len = length
    new._mv_stride = stride
    new._mv_format = fmt
    new._mv_itemsize = itemsize
    new._mv_readonly = readonly
    return new


class _View:
    def _check(self):
        if self._mv_released:
            raise ValueError("operation forbidden on released memoryview object")

    def _raw(self, i):
        # The bytes of item i (0 <= i < len).
        pos = self._mv_start + i * self._mv_stride
        return bytes(self._mv_obj[pos:pos + self._mv_itemsize])

    def _unpack(self, raw):
        fmt = self._mv_format
        if fmt == 'B':
            return raw[0]
        if fmt == 'c':
            return raw
        return _struct.unpack(fmt, raw)[0]

    def _pack(self, value):
        fmt = self._mv_format
        if fmt == 'c':
            if not isinstance(value, bytes) or len(value) != 1:
                raise ValueError("memoryview: invalid value for format 'c'")
            return value
        try:
            return _struct.pack(fmt, value)
        except _struct.error:
            raise ValueError("memoryview: invalid value for format '%s'" % fmt) from None

    def _index(self, i):
        n = self._mv_len
        i = i.__index__()
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("index out of bounds on dimension 1")
        return i

    def __len__(self):
        self._check()
        return self._mv_len

    def __getitem__(self, key):
        self._check()
        if isinstance(key, slice):
            r = range(self._mv_len)[key]
            return _derived(self, self._mv_start + r.start * self._mv_stride, len(r),
                            self._mv_stride * r.step, self._mv_format,
                            self._mv_itemsize, self._mv_readonly)
        if key is Ellipsis:
            return self
        if isinstance(key, tuple):
            raise TypeError("memoryview: multi-dimensional indexing is not supported")
        return self._unpack(self._raw(self._index(key)))

    def __setitem__(self, key, value):
        self._check()
        if self._mv_readonly:
            raise TypeError("cannot modify read-only memory")
        obj, size = self._mv_obj, self._mv_itemsize
        if isinstance(key, slice):
            positions = range(self._mv_len)[key]
            src = memoryview(value)
            if src._mv_format != self._mv_format or len(src) != len(positions):
                raise ValueError("memoryview assignment: lvalue and rvalue have "
                                 "different structures")
            raws = [src._raw(j) for j in range(len(src))]
            for i, raw in zip(positions, raws):
                pos = self._mv_start + i * self._mv_stride
                obj[pos:pos + size] = raw
            return
        pos = self._mv_start + self._index(key) * self._mv_stride
        obj[pos:pos + size] = self._pack(value)

    def __iter__(self):
        self._check()
        return iter(self.tolist())

    def tobytes(self, order=None):
        """The bytes of the view, as a bytes object."""
        self._check()
        if self._mv_stride == self._mv_itemsize:
            start = self._mv_start
            return bytes(self._mv_obj[start:start + self._mv_len * self._mv_itemsize])
        return b''.join([self._raw(i) for i in range(self._mv_len)])

    def __bytes__(self):
        return self.tobytes()

    def tolist(self):
        """The items of the view, as a list."""
        self._check()
        if self._mv_format == 'B':
            return list(self.tobytes())
        return [self._unpack(self._raw(i)) for i in range(self._mv_len)]

    def hex(self, *args):
        """The bytes of the view in hexadecimal (see bytes.hex)."""
        return self.tobytes().hex(*args)

    def cast(self, format, shape=None):
        """A view of the same bytes with another (1-D) item format."""
        self._check()
        if shape is not None and len(shape) != 1:
            raise NotImplementedError("heaplab: memoryview.cast() supports only 1-D shapes")
        if not isinstance(format, str):
            raise TypeError("memoryview: format argument must be a string")
        fmt = format[1:] if format[:1] == '@' else format
        if fmt not in _SIZES:
            raise ValueError("memoryview: destination format must be a native single "
                             "character format prefixed with an optional '@'")
        if self._mv_stride != self._mv_itemsize:
            raise TypeError("memoryview: casts are restricted to C-contiguous views")
        if fmt not in _BYTE_FORMATS and self._mv_format not in _BYTE_FORMATS:
            raise TypeError("memoryview: cannot cast between two non-byte formats")
        size = _SIZES[fmt]
        nbytes = self._mv_len * self._mv_itemsize
        if nbytes % size:
            raise TypeError("memoryview: length is not a multiple of itemsize")
        if shape is not None and shape[0] * size != nbytes:
            raise TypeError("memoryview: product(shape) * itemsize != buffer size")
        return _derived(self, self._mv_start, nbytes // size, size, fmt, size,
                        self._mv_readonly)

    def toreadonly(self):
        """A read-only view of the same memory."""
        self._check()
        return _derived(self, self._mv_start, self._mv_len, self._mv_stride,
                        self._mv_format, self._mv_itemsize, True)

    def release(self):
        """Release the view: later operations raise ValueError."""
        self._mv_released = True

    def __enter__(self):
        self._check()
        return self

    def __exit__(self, *exc):
        self.release()

    def __eq__(self, other):
        if self is other:
            return True
        if isinstance(other, (memoryview, bytes, bytearray)):
            if self._mv_released:
                return False
            if not isinstance(other, memoryview):
                other = memoryview(other)
            elif other._mv_released:
                return False
            return self.tolist() == other.tolist()
        return NotImplemented

    def __ne__(self, other):
        r = self.__eq__(other)
        return r if r is NotImplemented else not r

    def __hash__(self):
        self._check()
        if not self._mv_readonly:
            raise ValueError("cannot hash writable memoryview object")
        if self._mv_format not in _BYTE_FORMATS:
            raise ValueError("memoryview: hashing is restricted to formats 'B', 'b' or 'c'")
        return hash(self.tobytes())

    def __repr__(self):
        state = 'released ' if self._mv_released else ''
        return '<%smemory at 0x%x>' % (state, id(self))

    @property
    def obj(self):
        """The object whose memory this views."""
        self._check()
        return self._mv_obj

    @property
    def nbytes(self):
        """The size of the view in bytes."""
        self._check()
        return self._mv_len * self._mv_itemsize

    @property
    def format(self):
        """The struct format of one item."""
        self._check()
        return self._mv_format

    @property
    def itemsize(self):
        """The size of one item in bytes."""
        self._check()
        return self._mv_itemsize

    @property
    def readonly(self):
        """Whether the memory is read-only."""
        self._check()
        return self._mv_readonly

    @property
    def ndim(self):
        """The number of dimensions (always 1)."""
        self._check()
        return 1

    @property
    def shape(self):
        """(number of items,)."""
        self._check()
        return (self._mv_len,)

    @property
    def strides(self):
        """(byte distance between items,)."""
        self._check()
        return (self._mv_stride,)

    @property
    def suboffsets(self):
        """() (no indirect arrays)."""
        return ()

    @property
    def c_contiguous(self):
        """Whether the items are adjacent in memory."""
        return self._mv_stride == self._mv_itemsize

    f_contiguous = contiguous = c_contiguous

    @property
    def released(self):
        """Whether release() was called."""
        return self._mv_released


_SKIP = ('__dict__', '__weakref__', '__module__', '__qualname__', '__doc__')
_METHODS = {k: v for k, v in vars(_View).items() if k not in _SKIP}
"#;

/// Makes the native constructor of `memoryview` this file's.
pub(super) fn install<H: Heap>(vm: &mut Vm<H>) -> PyResult<()> {
    types::set_ctor(vm, T_MEMORYVIEW, "memoryview", memoryview_new::<H>);
    Ok(())
}

/// `memoryview(object)`.
fn memoryview_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let obj = python_backed::single_arg(vm, a, "memoryview", "object")?;
    python_backed::new_instance(vm, T_MEMORYVIEW, HELPER, "tobytes", obj)
}
