"""array: typed arrays of numbers (CPython's C module, here frozen Python).

Items live in a Python list, checked and converted on the way in exactly
as the C module converts them (integer ranges per type code, float32
rounding for 'f'); the byte image (tobytes/frombytes) is the machine's
native layout, built with _struct.
"""

import _struct

typecodes = "bBuhHiIlLqQfd"

_SIZES = {"b": 1, "B": 1, "u": 4, "h": 2, "H": 2, "i": 4, "I": 4,
          "l": 8, "L": 8, "q": 8, "Q": 8, "f": 4, "d": 8}
# Integer type codes: (minimum, maximum, the C module's message below the
# minimum, above the maximum).
_RANGES = {
    "b": (-128, 127, "signed char is less than minimum",
          "signed char is greater than maximum"),
    "B": (0, 255, "unsigned byte integer is less than minimum",
          "unsigned byte integer is greater than maximum"),
    "h": (-(1 << 15), (1 << 15) - 1, "signed short integer is less than minimum",
          "signed short integer is greater than maximum"),
    "H": (0, (1 << 16) - 1, "unsigned short is less than minimum",
          "unsigned short is greater than maximum"),
    "i": (-(1 << 31), (1 << 31) - 1, "signed integer is less than minimum",
          "signed integer is greater than maximum"),
    "I": (0, (1 << 32) - 1, "can't convert negative value to unsigned int",
          "unsigned int is greater than maximum"),
    "l": (-(1 << 63), (1 << 63) - 1, "Python int too large to convert to C long",
          "Python int too large to convert to C long"),
    "L": (0, (1 << 64) - 1, "can't convert negative value to unsigned int",
          "Python int too large to convert to C unsigned long"),
    "q": (-(1 << 63), (1 << 63) - 1, "int too big to convert", "int too big to convert"),
    "Q": (0, (1 << 64) - 1, "can't convert negative int to unsigned",
          "int too big to convert"),
}


def _convert(code, v):
    """The item an array of `code` stores for `v`, or the C module's error."""
    if code in _RANGES:
        if isinstance(v, float):
            raise TypeError("'float' object cannot be interpreted as an integer")
        if not isinstance(v, int):
            if not hasattr(type(v), "__index__"):
                raise TypeError("'%s' object cannot be interpreted as an integer"
                                % type(v).__name__)
            v = v.__index__()
        lo, hi, below, above = _RANGES[code]
        if v < lo:
            raise OverflowError(below)
        if v > hi:
            raise OverflowError(above)
        return int(v)
    if code in "fd":
        if not isinstance(v, (int, float)):
            if hasattr(type(v), "__float__"):
                v = v.__float__()
            else:
                raise TypeError("must be real number, not %s" % type(v).__name__)
        v = float(v)
        if code == "f":
            v = _struct.unpack("f", _struct.pack("f", v))[0]
        return v
    # 'u': one character.
    if not isinstance(v, str) or len(v) != 1:
        raise TypeError("array item must be unicode character")
    return v


class array(object):
    """array(typecode [, initializer]) -> array"""

    __slots__ = ("_code", "_items", "__weakref__")
    __hash__ = None

    def __init__(self, typecode, initializer=None):
        if not isinstance(typecode, str) or len(typecode) != 1 or typecode not in _SIZES:
            if isinstance(typecode, str) and len(typecode) == 1:
                raise ValueError(
                    "bad typecode (must be b, B, u, h, H, i, I, l, L, q, Q, f or d)")
            raise TypeError("array() argument 1 must be a unicode character, not %s"
                            % type(typecode).__name__)
        self._code = typecode
        self._items = []
        if initializer is None:
            return
        if isinstance(initializer, str):
            if typecode != "u":
                raise TypeError(
                    "cannot use a str to initialize an array with typecode '%s'" % typecode)
            self.fromunicode(initializer)
        elif isinstance(initializer, (bytes, bytearray)):
            self.frombytes(initializer)
        elif isinstance(initializer, array):
            if initializer._code == "u" and typecode != "u":
                raise TypeError(
                    "cannot use a unicode array to initialize an array with typecode '%s'"
                    % typecode)
            self.extend(initializer._items)
        else:
            self.extend(initializer)

    # -- attributes ------------------------------------------------------
    @property
    def typecode(self):
        return self._code

    @property
    def itemsize(self):
        return _SIZES[self._code]

    def buffer_info(self):
        return (id(self), len(self._items))

    # -- building --------------------------------------------------------
    def _like(self, items):
        a = array(self._code)
        a._items = items
        return a

    def append(self, v):
        self._items.append(_convert(self._code, v))

    def extend(self, iterable):
        if isinstance(iterable, array):
            if iterable._code != self._code:
                raise TypeError("can only extend with array of same kind")
            self._items.extend(iterable._items)
            return
        code = self._code
        converted = [_convert(code, v) for v in iterable]
        self._items.extend(converted)

    def fromlist(self, items):
        if not isinstance(items, list):
            raise TypeError("arg must be list")
        self.extend(items)

    def insert(self, i, v):
        self._items.insert(i, _convert(self._code, v))

    def frombytes(self, data):
        data = bytes(data)
        size = _SIZES[self._code]
        if len(data) % size:
            raise ValueError("bytes length not a multiple of item size")
        n = len(data) // size
        if self._code == "u":
            # wchar_t is UCS-4 here, in the machine's byte order.
            if n:
                self._items.extend(chr(c) for c in _struct.unpack("%dI" % n, data))
        elif n:
            self._items.extend(_struct.unpack("%d%s" % (n, self._code), data))

    def fromunicode(self, s):
        if self._code != "u":
            raise ValueError("fromunicode() may only be called on unicode type arrays")
        if not isinstance(s, str):
            raise TypeError("fromunicode() argument must be str, not %s" % type(s).__name__)
        self._items.extend(s)

    # -- reading ---------------------------------------------------------
    def tolist(self):
        return list(self._items)

    def tobytes(self):
        if self._code == "u":
            return _struct.pack("%dI" % len(self._items), *[ord(c) for c in self._items])
        return _struct.pack("%d%s" % (len(self._items), self._code), *self._items)

    def tounicode(self):
        if self._code != "u":
            raise ValueError("tounicode() may only be called on unicode type arrays")
        return "".join(self._items)

    def byteswap(self):
        size = _SIZES[self._code]
        if size == 1:
            return
        raw = self.tobytes()
        swapped = b"".join(raw[k:k + size][::-1] for k in range(0, len(raw), size))
        self._items = []
        self.frombytes(swapped)

    def count(self, v):
        return self._items.count(v)

    def index(self, v, *bounds):
        try:
            return self._items.index(v, *bounds)
        except ValueError:
            raise ValueError("array.index(x): x not in array") from None

    def remove(self, v):
        try:
            self._items.remove(v)
        except ValueError:
            raise ValueError("array.remove(x): x not in array") from None

    def pop(self, i=-1):
        if not self._items:
            raise IndexError("pop from empty array")
        try:
            return self._items.pop(i)
        except IndexError:
            raise IndexError("pop index out of range") from None

    def reverse(self):
        self._items.reverse()

    # -- the sequence protocol -------------------------------------------
    def __len__(self):
        return len(self._items)

    def __iter__(self):
        return iter(self._items)

    def __contains__(self, v):
        return v in self._items

    def __getitem__(self, i):
        if isinstance(i, slice):
            return self._like(self._items[i])
        try:
            return self._items[i]
        except IndexError:
            raise IndexError("array index out of range") from None

    def __setitem__(self, i, v):
        if isinstance(i, slice):
            if not isinstance(v, array):
                raise TypeError("can only assign array (not \"%s\") to array slice"
                                % type(v).__name__)
            if v._code != self._code:
                raise TypeError("bad argument type for built-in operation")
            self._items[i] = v._items
            return
        try:
            self._items[i] = _convert(self._code, v)
        except IndexError:
            raise IndexError("array assignment index out of range") from None

    def __delitem__(self, i):
        try:
            del self._items[i]
        except IndexError:
            raise IndexError("array assignment index out of range") from None

    def __add__(self, other):
        if not isinstance(other, array):
            return NotImplemented
        if other._code != self._code:
            raise TypeError("bad argument type for built-in operation")
        return self._like(self._items + other._items)

    def __iadd__(self, other):
        if not isinstance(other, array):
            return NotImplemented
        self.extend(other)
        return self

    def __mul__(self, n):
        if not isinstance(n, int):
            return NotImplemented
        return self._like(self._items * n)

    __rmul__ = __mul__

    def __imul__(self, n):
        if not isinstance(n, int):
            return NotImplemented
        self._items *= n
        return self

    # -- comparisons: as sequences, element by element -------------------
    def _cmp_items(self, other):
        return other._items if isinstance(other, array) else None

    def __eq__(self, other):
        o = self._cmp_items(other)
        return NotImplemented if o is None else self._items == o

    def __ne__(self, other):
        o = self._cmp_items(other)
        return NotImplemented if o is None else self._items != o

    def __lt__(self, other):
        o = self._cmp_items(other)
        return NotImplemented if o is None else self._items < o

    def __le__(self, other):
        o = self._cmp_items(other)
        return NotImplemented if o is None else self._items <= o

    def __gt__(self, other):
        o = self._cmp_items(other)
        return NotImplemented if o is None else self._items > o

    def __ge__(self, other):
        o = self._cmp_items(other)
        return NotImplemented if o is None else self._items >= o

    # -- copying and printing --------------------------------------------
    def __copy__(self):
        return self._like(list(self._items))

    def __deepcopy__(self, memo):
        return self.__copy__()

    def __reduce_ex__(self, protocol):
        return (array, (self._code, list(self._items)))

    def __repr__(self):
        if not self._items:
            return "array('%s')" % self._code
        if self._code == "u":
            return "array('u', %r)" % "".join(self._items)
        return "array('%s', %r)" % (self._code, self._items)


ArrayType = array
