"""The Python half of heaplab's native `_codecs` module (run in its
namespace): the codec search registry, the error-handler registry and the
generic encode/decode entry points."""

_search_path = []
_cache = {}


def _normalize(encoding):
    # As CPython's _Py_normalize_encoding: lower case; runs of characters
    # other than alphanumerics and '.' become one '_' (none leading).
    out = []
    punct = False
    for c in encoding:
        if c.isalnum() or c == ".":
            if punct and out:
                out.append("_")
            out.append(c.lower())
            punct = False
        else:
            punct = True
    return "".join(out)


def register(search_function):
    if not callable(search_function):
        raise TypeError("argument must be callable")
    _search_path.append(search_function)


def unregister(search_function):
    if search_function in _search_path:
        _search_path.remove(search_function)
    _cache.clear()


def _forget_codec(encoding):
    _cache.pop(_normalize(encoding), None)


def lookup(encoding):
    if not isinstance(encoding, str):
        raise TypeError("lookup() argument must be str, not %s" % type(encoding).__name__)
    norm = _normalize(encoding)
    result = _cache.get(norm)
    if result is not None:
        return result
    if not _search_path:
        import encodings
    for func in _search_path:
        result = func(norm)
        if result is not None:
            try:
                ok = len(result) == 4
            except TypeError:
                ok = False
            if not ok:
                raise TypeError("codec search functions must return 4-tuples")
            _cache[norm] = result
            return result
    raise LookupError("unknown encoding: %s" % encoding)


_FAST = {
    "utf_8": (utf_8_encode, utf_8_decode),
    "utf8": (utf_8_encode, utf_8_decode),
    "latin_1": (latin_1_encode, latin_1_decode),
    "latin1": (latin_1_encode, latin_1_decode),
    "iso_8859_1": (latin_1_encode, latin_1_decode),
    "ascii": (ascii_encode, ascii_decode),
    "us_ascii": (ascii_encode, ascii_decode),
}


def encode(obj, encoding="utf-8", errors="strict"):
    fast = _FAST.get(_normalize(encoding)) if isinstance(encoding, str) else None
    if fast is not None and isinstance(obj, str):
        return fast[0](obj, errors)[0]
    result = lookup(encoding)[0](obj, errors)
    if not isinstance(result, tuple) or len(result) != 2:
        raise TypeError("encoder must return a tuple (object, integer)")
    return result[0]


def decode(obj, encoding="utf-8", errors="strict"):
    fast = _FAST.get(_normalize(encoding)) if isinstance(encoding, str) else None
    if fast is not None and isinstance(obj, (bytes, bytearray)):
        return fast[1](obj, errors, True)[0]
    result = lookup(encoding)[1](obj, errors)
    if not isinstance(result, tuple) or len(result) != 2:
        raise TypeError("decoder must return a tuple (object,integer)")
    return result[0]


def readbuffer_encode(data, errors=None):
    if isinstance(data, str):
        data = data.encode("utf-8")
    data = bytes(data)
    return (data, len(data))


# --------------------------------------------------------------- charmap

def charmap_build(map):
    return {ord(c): i for i, c in enumerate(map)}


def charmap_decode(data, errors=None, mapping=None):
    data = bytes(data)
    if mapping is None:
        return latin_1_decode(data, errors)
    out = []
    i = 0
    n = len(data)
    while i < n:
        b = data[i]
        try:
            c = mapping[b]
        except (LookupError, TypeError):
            c = None
        if isinstance(c, int):
            c = chr(c)
        if c is None or c == "\ufffe":
            exc = UnicodeDecodeError("charmap", data, i, i + 1,
                                     "character maps to <undefined>")
            _set_attrs(exc, "charmap", data, i, i + 1, "character maps to <undefined>")
            rep, i = lookup_error(errors or "strict")(exc)
            out.append(rep)
            continue
        out.append(c)
        i += 1
    return ("".join(out), n)


def charmap_encode(s, errors=None, mapping=None):
    if mapping is None:
        return latin_1_encode(s, errors)
    out = bytearray()
    i = 0
    n = len(s)
    while i < n:
        ch = s[i]
        try:
            v = mapping[ord(ch)]
        except (LookupError, TypeError):
            v = None
        if v is None:
            exc = UnicodeEncodeError("charmap", s, i, i + 1,
                                     "character maps to <undefined>")
            _set_attrs(exc, "charmap", s, i, i + 1, "character maps to <undefined>")
            rep, i = lookup_error(errors or "strict")(exc)
            if isinstance(rep, str):
                rep = charmap_encode(rep, "strict", mapping)[0]
            out += rep
            continue
        if isinstance(v, int):
            out.append(v)
        else:
            out += v
        i += 1
    return (bytes(out), n)


# ------------------------------------------------------ utf-16, utf-32
# byteorder: 0 = native (little) with a BOM written / consumed, -1 = little,
# 1 = big endian, as CPython's C codecs take it.

def _utf_units_encode(name, s, errors, byteorder, width):
    little = byteorder <= 0
    out = bytearray()
    if byteorder == 0:
        out += (0xFEFF).to_bytes(width, "little")
    for ch in s:
        o = ord(ch)
        if width == 2 and o >= 0x10000:
            o -= 0x10000
            units = (0xD800 | (o >> 10), 0xDC00 | (o & 0x3FF))
        else:
            units = (o,)
        for u in units:
            out += u.to_bytes(width, "little" if little else "big")
    return (bytes(out), len(s))


def _utf_units_decode(name, data, errors, byteorder, final, width):
    """(str, consumed, byteorder) of `data` in UTF-16 (width 2) or UTF-32."""
    data = bytes(data)
    n = len(data)
    i = 0
    if byteorder == 0 and n >= width:
        head = int.from_bytes(data[:width], "little")
        if head == 0xFEFF:
            byteorder, i = -1, width
        elif int.from_bytes(data[:width], "big") == 0xFEFF:
            byteorder, i = 1, width
    order = "big" if byteorder == 1 else "little"
    out = []
    while i < n:
        if n - i < width:
            if not final:
                break
            reason, end = "truncated data", n
        else:
            u = int.from_bytes(data[i:i + width], order)
            if width == 4:
                if u < 0x110000 and not 0xD800 <= u < 0xE000:
                    out.append(chr(u))
                    i += 4
                    continue
                reason = ("code point not in range(0x110000)" if u >= 0x110000
                          else "code point in surrogate code point range(0xd800, 0xe000)")
                end = i + 4
            elif not 0xD800 <= u < 0xE000:
                out.append(chr(u))
                i += 2
                continue
            elif u >= 0xDC00:
                reason, end = "illegal encoding", i + 2
            elif n - i < 4:
                if not final:
                    break
                reason, end = "unexpected end of data", n
            else:
                low = int.from_bytes(data[i + 2:i + 4], order)
                if 0xDC00 <= low < 0xE000:
                    out.append(chr(0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00)))
                    i += 4
                    continue
                reason, end = "illegal UTF-16 surrogate", i + 2
        exc = UnicodeDecodeError(name, data, i, end, reason)
        _set_attrs(exc, name, data, i, end, reason)
        rep, i = lookup_error(errors or "strict")(exc)
        out.append(rep)
    return ("".join(out), i, byteorder)


def utf_16_encode(s, errors=None, byteorder=0):
    return _utf_units_encode("utf-16", s, errors, byteorder, 2)


def utf_16_le_encode(s, errors=None):
    return _utf_units_encode("utf-16-le", s, errors, -1, 2)


def utf_16_be_encode(s, errors=None):
    return _utf_units_encode("utf-16-be", s, errors, 1, 2)


def utf_16_ex_decode(data, errors=None, byteorder=0, final=False):
    return _utf_units_decode("utf-16", data, errors, byteorder, final, 2)


def utf_16_decode(data, errors=None, final=False):
    return utf_16_ex_decode(data, errors, 0, final)[:2]


def utf_16_le_decode(data, errors=None, final=False):
    return _utf_units_decode("utf-16-le", data, errors, -1, final, 2)[:2]


def utf_16_be_decode(data, errors=None, final=False):
    return _utf_units_decode("utf-16-be", data, errors, 1, final, 2)[:2]


def utf_32_encode(s, errors=None, byteorder=0):
    return _utf_units_encode("utf-32", s, errors, byteorder, 4)


def utf_32_le_encode(s, errors=None):
    return _utf_units_encode("utf-32-le", s, errors, -1, 4)


def utf_32_be_encode(s, errors=None):
    return _utf_units_encode("utf-32-be", s, errors, 1, 4)


def utf_32_ex_decode(data, errors=None, byteorder=0, final=False):
    return _utf_units_decode("utf-32", data, errors, byteorder, final, 4)


def utf_32_decode(data, errors=None, final=False):
    return utf_32_ex_decode(data, errors, 0, final)[:2]


def utf_32_le_decode(data, errors=None, final=False):
    return _utf_units_decode("utf-32-le", data, errors, -1, final, 4)[:2]


def utf_32_be_decode(data, errors=None, final=False):
    return _utf_units_decode("utf-32-be", data, errors, 1, final, 4)[:2]


def _set_attrs(exc, encoding, obj, start, end, reason):
    exc.encoding = encoding
    exc.object = obj
    exc.start = start
    exc.end = end
    exc.reason = reason


# --------------------------------------------------------- error handlers

def _bad_arg(exc):
    raise TypeError("don't know how to handle %s in error callback"
                    % type(exc).__name__)


def strict_errors(exc):
    if isinstance(exc, BaseException):
        raise exc
    raise TypeError("codec must pass exception instance")


def ignore_errors(exc):
    if isinstance(exc, (UnicodeEncodeError, UnicodeDecodeError, UnicodeTranslateError)):
        return ("", exc.end)
    _bad_arg(exc)


def replace_errors(exc):
    if isinstance(exc, UnicodeEncodeError):
        return ("?" * (exc.end - exc.start), exc.end)
    if isinstance(exc, UnicodeDecodeError):
        return ("\ufffd", exc.end)
    if isinstance(exc, UnicodeTranslateError):
        return ("\ufffd" * (exc.end - exc.start), exc.end)
    _bad_arg(exc)


def _escape(c):
    n = ord(c)
    if n < 0x100:
        return "\\x%02x" % n
    if n < 0x10000:
        return "\\u%04x" % n
    return "\\U%08x" % n


def backslashreplace_errors(exc):
    if isinstance(exc, UnicodeDecodeError):
        return ("".join("\\x%02x" % b for b in exc.object[exc.start:exc.end]), exc.end)
    if isinstance(exc, (UnicodeEncodeError, UnicodeTranslateError)):
        return ("".join(_escape(c) for c in exc.object[exc.start:exc.end]), exc.end)
    _bad_arg(exc)


def xmlcharrefreplace_errors(exc):
    if isinstance(exc, UnicodeEncodeError):
        return ("".join("&#%d;" % ord(c) for c in exc.object[exc.start:exc.end]), exc.end)
    _bad_arg(exc)


def namereplace_errors(exc):
    if isinstance(exc, UnicodeEncodeError):
        out = []
        for c in exc.object[exc.start:exc.end]:
            try:
                import unicodedata
                out.append("\\N{%s}" % unicodedata.name(c))
            except Exception:
                out.append(_escape(c))
        return ("".join(out), exc.end)
    _bad_arg(exc)


def surrogateescape_errors(exc):
    # Heaplab strs cannot hold lone surrogates.
    raise exc


def surrogatepass_errors(exc):
    raise exc


_error_registry = {
    "strict": strict_errors,
    "ignore": ignore_errors,
    "replace": replace_errors,
    "backslashreplace": backslashreplace_errors,
    "xmlcharrefreplace": xmlcharrefreplace_errors,
    "namereplace": namereplace_errors,
    "surrogateescape": surrogateescape_errors,
    "surrogatepass": surrogatepass_errors,
}


def register_error(name, handler):
    if not isinstance(name, str):
        raise TypeError("register_error() argument 1 must be str, not %s" % type(name).__name__)
    if not callable(handler):
        raise TypeError("handler must be callable")
    _error_registry[name] = handler


def lookup_error(name):
    if not isinstance(name, str):
        raise TypeError("lookup_error() argument must be str, not %s" % type(name).__name__)
    try:
        return _error_registry[name]
    except KeyError:
        raise LookupError("unknown error handler name '%s'" % name) from None
