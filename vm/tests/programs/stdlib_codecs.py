# _codecs, _string and _locale through CPython's codecs.py, the encodings
# package, string.py and locale.py, imported unmodified: codec lookup,
# encode/decode with error handlers, incremental codecs, stream
# readers/writers, the escape codecs, string.Formatter and the C locale.
import codecs
import _codecs

# The native codec functions.
print(_codecs.utf_8_encode("h\u00e9llo"), _codecs.utf_8_decode(b"h\xc3\xa9llo"))
print(_codecs.utf_8_decode(b"ab\xc3", "strict", False), _codecs.utf_8_decode(b"ab\xe2\x82", None, False))
print(_codecs.latin_1_encode("caf\u00e9"), _codecs.latin_1_decode(b"caf\xe9"))
print(_codecs.ascii_encode("abc"), _codecs.ascii_decode(b"abc"))
print(codecs.escape_decode(b"a\\nb\\x41\\101\\\\"), codecs.escape_encode(b"a\nb'\x00"))
print(codecs.unicode_escape_decode(b"a\\u20ac\\n\\x41\\U0001f600"), codecs.unicode_escape_encode("a\u20ac\n\\"))
print(codecs.raw_unicode_escape_encode("a\u20ac\\"), codecs.raw_unicode_escape_decode(b"a\\u20ac\\n"))

# Lookup through the encodings package's search function.
ci = codecs.lookup("UTF-8")
print(ci.name, isinstance(ci, tuple), len(ci), ci.encode is ci[0])
print(codecs.lookup("latin_1").name, codecs.lookup("ASCII").name, codecs.lookup("iso-8859-15").name)
print(codecs.lookup("utf8") is codecs.lookup("utf-8"))
try:
    codecs.lookup("no-such-codec")
except LookupError as e:
    print("LookupError", e)

# encode/decode and the error handlers.
print(codecs.encode("h\u00e9llo", "utf-8"), codecs.decode(b"h\xc3\xa9llo", "utf-8"))
print(codecs.encode("h\u00e9llo", "latin-1"), codecs.decode(b"h\xe9llo", "latin-1"))
print(codecs.encode("h\u20acllo", "iso-8859-15"), codecs.decode(b"h\xa4llo", "iso-8859-15"))
print(codecs.encode("\u00e9\u20ac", "ascii", "backslashreplace"))
print(codecs.encode("\u00e9\u20ac", "ascii", "xmlcharrefreplace"),
      codecs.encode("\u00e9\u20acx", "ascii", "ignore"),
      codecs.encode("\u00e9\u20acx", "ascii", "replace"))
print(codecs.decode(b"a\xffb", "utf-8", "replace"), codecs.decode(b"a\xffb", "utf-8", "ignore"),
      codecs.decode(b"a\xffb", "utf-8", "backslashreplace"))
try:
    codecs.encode("x\u00e9", "ascii")
except UnicodeEncodeError as e:
    print("UnicodeEncodeError", e.encoding, e.start, e.end, e.reason)
try:
    codecs.decode(b"ab\xc3", "utf-8")
except UnicodeDecodeError as e:
    print("UnicodeDecodeError", e.encoding, e.start, e.end, e.reason)
try:
    codecs.decode(b"a\xffb", "utf-8")
except UnicodeDecodeError as e:
    print("UnicodeDecodeError", e.start, e.end, e.reason)


def mine(exc):
    return ("<%d:%d>" % (exc.start, exc.end), exc.end)


codecs.register_error("mine", mine)
print(codecs.encode("a\u00e9\u20acb", "ascii", "mine"), codecs.decode(b"a\xff\xfeb", "ascii", "mine"))
print(codecs.lookup_error("mine") is mine, codecs.lookup_error("strict") is codecs.strict_errors)
try:
    codecs.lookup_error("no-such-handler")
except LookupError as e:
    print("LookupError", e)

# Incremental codecs, stream readers and writers.
dec = codecs.getincrementaldecoder("utf-8")()
print(repr(dec.decode(b"h\xc3")), repr(dec.decode(b"\xa9!")), repr(dec.decode(b"", final=True)))
enc = codecs.getincrementalencoder("utf-8")()
print(enc.encode("\u00e9"), enc.encode("x", final=True))
print(list(codecs.iterdecode([b"a\xc3", b"\xa9b"], "utf-8")))
import io
r = codecs.getreader("utf-8")(io.BytesIO("x\u00e9y\nz\n".encode()))
print(repr(r.readline()), repr(r.read()))
w = io.BytesIO()
sw = codecs.getwriter("latin-1")(w)
sw.write("\u00e9!")
print(w.getvalue())
print(codecs.decode(b"\x80abc", "cp1252"), codecs.encode("\u20ac", "cp1252"))
print(codecs.charmap_decode(b"\x00\x01", "strict", "ab"))

# _string through string.Formatter.
import string
import _string
print(list(_string.formatter_parser("a{0!r:>3}b{x.y[1]}c{{d}}")))
first, rest = _string.formatter_field_name_split("x.y[1][k]")
print(first, list(rest))
print(string.Formatter().format("{0}-{x!r:>5}-{1[0]}-{2.real}", "a", [7, 8], 3, x="q"))
print(string.Formatter().vformat("{a:{w}}|", (), {"a": "z", "w": 4}))
print(string.Template("$a and ${b}").substitute(a=1, b=2))
print(string.capwords("hello  world"), string.ascii_letters[:5], string.digits)

# _locale through locale.py: the C locale.
import locale
print(locale.setlocale(locale.LC_ALL, "C"), locale.getlocale())
conv = locale.localeconv()
print(conv["decimal_point"], repr(conv["thousands_sep"]), conv["grouping"])
print(locale.format_string("%d|%.2f", (1234567, 3.14159)), locale.str(2.5))
print(locale.atof("3.5"), locale.atoi("42"), locale.CHAR_MAX, issubclass(locale.Error, Exception))
print(locale.strcoll("a", "b"), locale.strxfrm("abc"), locale.normalize("en_us"))
