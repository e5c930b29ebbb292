//! `_imp`, `_warnings` and `marshal`: what `importlib` needs to import.
//!
//! Heaplab's own import system (in `crate::modules`) loads every module an
//! `import` statement names; `importlib` is only a library on top of it.
//! `_imp` (frozen Python) gives `importlib._bootstrap` its lock, the
//! built-in/frozen queries and the hooks it calls, and installs one meta
//! path finder that hands `importlib.import_module` over to heaplab's
//! import. The native helper `_heaplab_imp` answers the one question Python
//! cannot: is a name one of the frozen modules compiled into the binary?
//! `_warnings` forwards to the pure-Python `warnings`; `marshal` serialises
//! the plain data types (not code objects: heaplab has no bytecode files).

use crate::vm::{Args, PyResult, Vm};
use gc_api::Heap;

/// The module names this file provides natively.
pub const MODULES: &[&str] = &["_heaplab_imp"];

/// Frozen Python source this file adds (name, source).
pub const FROZEN: &[(&str, &str)] = &[
    ("_imp", include_str!("imp_module.py")),
    ("_warnings", WARNINGS_SOURCE),
    ("marshal", MARSHAL_SOURCE),
];

/// `_warnings`: only `warn` and `warn_explicit`, forwarding to `warnings`.
/// Without `filters`, `warnings` keeps its pure-Python implementation.
const WARNINGS_SOURCE: &str = r#""""_warnings (frozen in heaplab): forwards to the pure-Python warnings
module, which keeps its own filters (this module has none)."""


def warn(message, category=None, stacklevel=1, source=None):
    """Issue a warning through warnings.warn."""
    import warnings
    warnings.warn(message, category, stacklevel + 1, source)


def warn_explicit(message, category, filename, lineno, module=None,
                  registry=None, module_globals=None, source=None):
    """Issue a warning through warnings.warn_explicit."""
    import warnings
    warnings.warn_explicit(message, category, filename, lineno, module,
                           registry, module_globals, source)
"#;

/// `marshal`: the value format for None, booleans, ints, floats, str,
/// bytes, tuples, lists, dicts, sets and frozensets (no references, no
/// code objects).
const MARSHAL_SOURCE: &str = r#""""marshal (frozen in heaplab): the marshal byte format for plain data
(None, bool, int, float, str, bytes, tuple, list, dict, set, frozenset).
Code objects cannot be marshalled: heaplab has no bytecode files."""

version = 4

_SMALL = 1 << 31


def _w_int(out, v):
    out.extend((v & 0xFFFFFFFF).to_bytes(4, 'little'))


def _dump(v, out):
    t = type(v)
    if v is None:
        out.extend(b'N')
    elif v is True:
        out.extend(b'T')
    elif v is False:
        out.extend(b'F')
    elif v is StopIteration:
        out.extend(b'S')
    elif v is Ellipsis:
        out.extend(b'.')
    elif t is int:
        if -_SMALL <= v < _SMALL:
            out.extend(b'i')
            _w_int(out, v)
        else:
            out.extend(b'l')
            digits = []
            a = abs(v)
            while a:
                digits.append(a & 0x7FFF)
                a >>= 15
            _w_int(out, len(digits) if v > 0 else -len(digits))
            for d in digits:
                out.extend(d.to_bytes(2, 'little'))
    elif t is float:
        import _struct
        out.extend(b'g' + _struct.pack('<d', v))
    elif t is str:
        data = v.encode('utf-8', 'surrogatepass')
        out.extend(b'u')
        _w_int(out, len(data))
        out.extend(data)
    elif t is bytes or t is bytearray:
        out.extend(b's')
        _w_int(out, len(v))
        out.extend(v)
    elif t is tuple or t is list or t is set or t is frozenset:
        out.extend({tuple: b'(', list: b'[', set: b'<', frozenset: b'>'}[t])
        _w_int(out, len(v))
        for x in v:
            _dump(x, out)
    elif t is dict:
        out.extend(b'{')
        for k, x in v.items():
            _dump(k, out)
            _dump(x, out)
        out.extend(b'0')
    else:
        raise ValueError("unmarshallable object")


def dumps(value, version=version, /):
    """The bytes that loads() turns back into value."""
    out = bytearray()
    _dump(value, out)
    return bytes(out)


def dump(value, file, version=version, /):
    """Write dumps(value) to the open binary file."""
    file.write(dumps(value))


class _Reader:
    def __init__(self, data):
        self.data = bytes(data)
        self.pos = 0
        self.refs = []

    def take(self, n):
        p = self.pos
        if p + n > len(self.data):
            raise EOFError("marshal data too short")
        self.pos = p + n
        return self.data[p:p + n]

    def int32(self):
        return int.from_bytes(self.take(4), 'little', signed=True)

    def load(self):
        code = self.take(1)[0]
        if code & 0x80:  # FLAG_REF: later 'r' codes may name this object
            idx = len(self.refs)
            self.refs.append(None)
            obj = self.load_value(chr(code & 0x7F))
            self.refs[idx] = obj
            return obj
        return self.load_value(chr(code))

    def load_value(self, c):
        if c == 'r':
            return self.refs[self.int32()]
        if c == 'N':
            return None
        if c == 'T':
            return True
        if c == 'F':
            return False
        if c == 'S':
            return StopIteration
        if c == '.':
            return Ellipsis
        if c == 'i':
            return self.int32()
        if c == 'l':
            n = self.int32()
            v = 0
            for i in range(abs(n)):
                v |= int.from_bytes(self.take(2), 'little') << (15 * i)
            return -v if n < 0 else v
        if c == 'g':
            import _struct
            return _struct.unpack('<d', self.take(8))[0]
        if c in 'uta':
            return str(self.take(self.int32()), 'utf-8', 'surrogatepass')
        if c in 'zZ':
            return str(self.take(self.take(1)[0]), 'latin-1')
        if c == 's':
            return self.take(self.int32())
        if c in '([<>)':
            n = self.take(1)[0] if c == ')' else self.int32()
            items = [self.load() for _ in range(n)]
            return {'(': tuple, ')': tuple, '[': list, '<': set, '>': frozenset}[c](items)
        if c == '{':
            d = {}
            while self.data[self.pos:self.pos + 1] != b'0':
                k = self.load()
                d[k] = self.load()
            self.pos += 1
            return d
        raise ValueError("bad marshal data (unknown type code)")


def loads(data, /):
    """The value whose marshal form data starts with."""
    return _Reader(data).load()


def load(file, /):
    """Read one value from the open binary file (reads the whole file)."""
    return loads(file.read())
"#;

/// Fills in module `name`, rooted at stack slot `ms`.
pub(crate) fn init<H: Heap>(vm: &mut Vm<H>, _name: &str, ms: usize) -> PyResult<()> {
    vm.module_fn(ms, "is_frozen_source", is_frozen_source::<H>)?;
    Ok(())
}

/// `_heaplab_imp.is_frozen_source(name)`: is `name` a frozen module of the
/// heaplab binary (imported from compiled-in Python source)?
fn is_frozen_source<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "is_frozen_source", 1, 1)?;
    let name = vm.str_string(vm.arg(a, 0))?;
    Ok(crate::value::Value::bool(
        crate::stdlib::frozen(&name).is_some(),
    ))
}
