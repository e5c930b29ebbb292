# The native `_json` accelerator under the stdlib `json` package: round
# trips, hooks, encoder options, error types and messages, and the `_json`
# functions called directly.
import json
import sys
import json.decoder
import json.encoder
import json.scanner
import _json
from collections import OrderedDict


def show(f, *args, **kw):
    try:
        print(repr(f(*args, **kw)))
    except Exception as e:
        print(type(e).__name__ + ":", e)


print("scanstring:", json.decoder.scanstring is _json.scanstring)
print("make_scanner:", json.scanner.make_scanner is _json.make_scanner)
print("c_make_encoder:", json.encoder.c_make_encoder is _json.make_encoder)
print("ascii:", json.encoder.encode_basestring_ascii is _json.encode_basestring_ascii)
print("basestring:", json.encoder.encode_basestring is _json.encode_basestring)
print(_json.make_scanner.__name__, _json.make_encoder.__name__)

# Round trips of nested data.
doc = {
    "name": "heaplab", "n": 42, "neg": -7, "big": 10 ** 40, "f": 3.25,
    "small": 1e-7, "large": 1.5e300, "list": [1, [2, [3, [4, []]]], {}],
    "t": (1, 2), "none": None, "yes": True, "no": False,
    "uni": "caf\u00e9 \u4e2d\u6587 \U0001f600", "esc": "q\"b\\s/\b\f\n\r\t\x01\x7f",
}
text = json.dumps(doc)
print(text)
back = json.loads(text)
print(back == dict(doc, t=[1, 2]), sorted(back))
print(json.dumps(doc, ensure_ascii=False, sort_keys=True))
print(json.dumps(doc, separators=(",", ":"), sort_keys=True))
print(json.loads(json.dumps(doc, ensure_ascii=False)) == back)
print(json.dumps([1.0, -0.0, 0.1, 1e16, 123456789.125, 2 ** 0.5]))
print(json.loads("[1.0, -0.0, 0.1, 1e16, 1E+2, 2e-3, -12, 0, 1.5e400, 10000000000000000000000]"))

# Keys: coercion, skipkeys, sort_keys, errors.
print(json.dumps({1: "i", 2.5: "f", True: "b", None: "n", "s": "s"}))
print(json.dumps({"b": 1, "a": 2, "c": {"z": 0, "y": 1}}, sort_keys=True))
show(json.dumps, {(1, 2): 3})
print(json.dumps({(1, 2): 3, "ok": 1}, skipkeys=True))
show(json.dumps, {1: 1, "a": 2}, sort_keys=True)
show(json.dumps, {float("inf"): 1})
print(json.dumps({float("inf"): 1, float("nan"): 2}))

# Floats out of range.
print(json.dumps([float("inf"), float("-inf"), float("nan")]))
show(json.dumps, [float("nan")], allow_nan=False)
print(json.loads("[NaN, Infinity, -Infinity]"))

# Subclasses of builtins.
class MyInt(int):
    def __repr__(self):
        return "MyInt!"

class MyFloat(float):
    def __repr__(self):
        return "MyFloat!"

class MyStr(str):
    pass

class MyDict(dict):
    pass

class MyList(list):
    pass

print(json.dumps([MyInt(5), MyFloat(2.5), MyStr("s"), MyDict(a=1), MyList([1, 2]), (3,)]))
print(json.dumps(OrderedDict([("z", 1), ("a", 2)])))
print(json.dumps({MyInt(3): 1, MyFloat(1.5): 2, MyStr("k"): 3}))

# default= and circular references.
class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y

def enc_point(o):
    if isinstance(o, Point):
        return {"x": o.x, "y": o.y}
    if isinstance(o, set):
        return sorted(o)
    raise TypeError("cannot encode " + type(o).__name__)

print(json.dumps([Point(1, 2), {3, 1, 2}], default=enc_point))
show(json.dumps, [Point(1, 2)])
show(json.dumps, {"p": object()}, default=enc_point)
loop = []
loop.append(loop)
show(json.dumps, loop)
d = {}
d["self"] = d
show(json.dumps, d)
class Cyc:
    pass
show(json.dumps, Cyc(), default=lambda o: o)
shared = [1, 2]
print(json.dumps([shared, shared, {"a": shared}]))
show(json.dumps, loop, check_circular=False)

class Money:
    def __init__(self, units, cents):
        self.units, self.cents = units, cents

class Enc(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, Money):
            return [o.units, o.cents]
        return super().default(o)

print(Enc().encode({"c": Money(1, 2)}))
show(Enc().encode, {"c": b"bytes"})

# Decoding hooks.
print(json.loads('{"a": 1, "b": {"c": 2}}', object_hook=lambda d: sorted(d.items())))
print(json.loads('{"a": 1, "b": 2, "a": 3}', object_pairs_hook=lambda p: p))
print(json.loads('{"a": 1, "b": 2}', object_pairs_hook=OrderedDict))
print(json.loads('[1.5, 2, 3e2]', parse_float=lambda s: "F" + s, parse_int=lambda s: "I" + s))
print(json.loads('[NaN, -Infinity]', parse_constant=lambda s: "C" + s))
print(json.loads('{"k": 1, "k2": [{"k": 2}]}', object_hook=lambda d: ("obj", sorted(d))))
keys = json.loads('[{"same": 1}, {"same": 2}]')
print(list(keys[0])[0] is list(keys[1])[0])

# Whitespace, unicode and escapes in the scanner.
print(json.loads(' \t\n\r{ "a" : [ 1 , 2 ] , "b":"x" } \n'))
print(json.loads('"\\u00e9\\u4e2d\\ud83d\\ude00\\n\\t\\"\\\\\\/\\b\\f\\r"'))
print(json.loads('["\u00e9\u4e2d", "\U0001f600", {"\u00e9": "\u00fc"}]'))
print(json.loads('"\\u0041\\u00C9"'), json.loads('"tab\there"', strict=False))
print(json.JSONDecoder().raw_decode('["\u00e9", 12]  trailing'))

# Decoding errors: type, message and position.
for bad in ['[1,', '[1,]', '{"a" 1}', '{"a":1,}', '[1 2]', '{"a":1 "b":2}', '"abc',
            '', '  ', 'nul', 'tru', '-', '-x', '.5', '"\\x"', '"\\u12"', '"\\u12x4"',
            '"\\ud800\\uzzzz"', '{', '[', '{1: 2}', '"a\u00e9\\q"', '\u00e9',
            '["\u00e9\u00e9", x]', '"tab\there"', '[1] x', '{"a": [1, {"b": }]}']:
    try:
        json.loads(bad)
        print("no error for", repr(bad))
    except json.JSONDecodeError as e:
        print(type(e).__name__, isinstance(e, ValueError), e.pos, e.lineno, e.colno, "|", e)
print(json.loads('"x"\n'), json.loads('0'), json.loads('-0'), json.loads('-0.0'))

# Deep nesting (a low recursion limit keeps the failing cases small).
deep = json.loads("[" * 60 + "]" * 60)
depth = 0
while deep:
    deep = deep[0]
    depth += 1
print("depth", depth)
print(len(json.dumps(json.loads("[" * 60 + "]" * 60))))
limit = sys.getrecursionlimit()
sys.setrecursionlimit(120)
show(json.loads, "[" * 300 + "]" * 300)
show(json.loads, '{"a": ' * 300 + "1" + "}" * 300)
nest = []
for _ in range(300):
    nest = [nest]
show(json.dumps, nest)
sys.setrecursionlimit(limit)

# _json called directly.
show(_json.scanstring, '"hello" world', 1)
show(_json.scanstring, 'ab"cd\\n"x', 3)
show(_json.scanstring, '"\u00e9\u00e9" \u00e9', 1)
show(_json.scanstring, '"abc', 1)
show(_json.scanstring, 'abc', 0)
show(_json.scanstring, '"a\x01b"', 1)
show(_json.scanstring, '"a\x01b"', 1, False)
show(_json.scanstring, '"abc"', 10)
show(_json.scanstring, '"abc"', -1)
show(_json.scanstring, 5, 1)
show(_json.encode_basestring_ascii, 'a"b\\c\n\u00e9\u4e2d\U0001f600\x00\x7f')
show(_json.encode_basestring, 'a"b\\c\n\u00e9\u4e2d\U0001f600\x00\x7f')
show(_json.encode_basestring_ascii, MyStr("sub"))
show(_json.encode_basestring_ascii, 3)
show(_json.encode_basestring, b"x")

dec = json.JSONDecoder()
scan = _json.make_scanner(dec)
print(type(scan).__name__, scan.strict, scan.object_hook, scan.parse_float is float,
      scan.parse_int is int)
show(scan, '{"a": [1, 2]}  ', 0)
show(scan, '  true', 2)
show(scan, '"\u00e9\u00e9" 7', 4)
show(scan, '[1]', 3)
show(scan, '[1]', -1)
show(scan, '?', 0)
show(scan, b'[]', 0)
show(scan, 'x-', 1)

enc = _json.make_encoder({}, lambda o: type(o).__name__, _json.encode_basestring_ascii, None, ": ", ", ",
                         True, False, True)
print(type(enc).__name__, enc.sort_keys, enc.skipkeys, enc.key_separator, enc.indent)
show(enc, {"b": [1, 2.5, None], "a": "\u00e9"}, 0)
show(enc, object(), 0)
enc2 = _json.make_encoder(None, repr, lambda s: "<" + s + ">", None, "=", ";",
                          False, True, False)
show(enc2, {"a": [1, "x"], 2: "y", (1,): "skipped", 1.5: "f"}, 0)
show(enc2, [float("inf")], 0)
enc3 = _json.make_encoder(None, repr, lambda s: 5, None, ":", ",", False, False, True)
show(enc3, ["x"], 0)
show(_json.make_encoder, [], repr, repr, None, ":", ",", False, False, True)
show(_json.make_encoder, None, repr, repr, None, 1, ",", False, False, True)
