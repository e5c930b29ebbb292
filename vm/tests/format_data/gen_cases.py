#!/usr/bin/env python3
"""Generate vm/tests/format_data/cases.txt from CPython 3.11 (run: python3 vm/tests/format_data/gen_cases.py).

Line format: KIND<TAB>field...<TAB>EXPECTED, fields escaped (\\, \t, \n).
Floats are given as 16 hex digits of their IEEE bits; errors as
"!ERR <ExceptionName>: <message>".
"""
import itertools
import os
import random
import struct
import sys

assert sys.version_info[:2] == (3, 11), "expected values must come from CPython 3.11"
random.seed(int(os.environ.get("SEED", "20240611")))
SCALE = int(os.environ.get("SCALE", "1"))  # >1 for a one-off stress run
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases.txt")
lines = []


def esc(s):
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def fbits(x):
    return "%016x" % struct.unpack("<Q", struct.pack("<d", x))[0]


def emit(kind, *fields):
    lines.append("\t".join([kind] + [esc(str(f)) for f in fields]))


def run(fn):
    try:
        return fn()
    except Exception as e:  # noqa: BLE001
        return "!ERR %s: %s" % (type(e).__name__, e)


def rand_float():
    r = random.random()
    if r < 0.3:
        bits = random.getrandbits(64)
        x = struct.unpack("<d", struct.pack("<Q", bits))[0]
        return x
    if r < 0.6:
        return float("%de%d" % (random.randint(-10**6, 10**6), random.randint(-30, 30)))
    if r < 0.8:
        return random.uniform(-1e6, 1e6)
    return round(random.uniform(-1000, 1000), random.randint(0, 6))


SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.1, 0.1 + 0.2, 0.5, 1.5, 2.5, -2.5, 2.675, 1e16, 1e15,
           9999999999999998.0, 1e-5, 1e-4, 0.0001, 0.00001234, 123456789.0, 1234567.891,
           1e22, 1e23, 1e100, 1e300, 1.7976931348623157e308, 5e-324, 2.2250738585072014e-308,
           1e-310, 0.3, 2.0 / 3, 100.0, 3.14159, -3.14159, 1e-7, 123.456, 0.125, 0.375,
           999.9999, 9.5, 0.05, 0.95, 99.5, 1e21, 12345.6789e10, 2e16 + 8,
           float("inf"), float("-inf"), float("nan"), -float("nan"),
           # shortest-repr ties that must resolve half-even like dtoa
           struct.unpack("<d", bytes.fromhex("c31441f233f63165")[::-1])[0],
           struct.unpack("<d", bytes.fromhex("c2e65f58e3c84c44")[::-1])[0]]
FLOATS = SPECIAL + [rand_float() for _ in range(400 * SCALE)]
FLOATS = [x for x in FLOATS]

# 1. repr
TIES = [s * (random.randint(2**49, 2**53) + random.choice([0.25, 0.75, 0.125, 0.375, 0.5]))
        for s in (1, -1) for _ in range(150 * SCALE)]
TIES += [random.randint(2**53, 2**60) * 1.0 for _ in range(100 * SCALE)]
for x in FLOATS + TIES + [rand_float() for _ in range(3000 * SCALE)]:
    emit("repr", fbits(x), repr(x))

# 2. format(float, spec)
FLOAT_SPECS = ["", "e", "E", "f", "F", "g", "G", "n", "%", ".0f", ".1f", ".2f", ".3f", ".10f",
               ".0e", ".3e", "+.3e", ".17g", ".0g", ".1g", ".3g", "#g", "#.3g", "#.0f", "#.0e",
               ".0", ".1", ".3", ".12", "#", "#.0", ",", ",.2f", "_.2f", ",g", ",e", ",%",
               "_", "10", "010", "-010.2f", "+010.2f", " 010.2f", "<10", ">10", "^10", "=10",
               "*^12.3f", "0^12", "z", "z.2f", "z.0f", "z.3e", "z.2g", "+z.1f", " .1f", "+",
               "012,.1f", "012_.2f", "020,", ",.0f", ".2%", "#.2%", "x", "d", "s", "b", "c",
               ",n", "10.2ff", ".", "+g", "G", "#.3G", "E", "20.10E", "0=+15.3f", "\x80",
               "\x01", "_n", "_x", ".100f", "日^10", ".1000e", ".800f", "#.400g", "{<5", ".30e", ".25g", "!<8.3", "1,", "1_"]
for x, spec in itertools.product(SPECIAL, FLOAT_SPECS):
    emit("fmt_float", fbits(x), spec, run(lambda: format(x, spec)))
for x in FLOATS[len(SPECIAL):]:
    for spec in random.sample(FLOAT_SPECS, 12):
        emit("fmt_float", fbits(x), spec, run(lambda: format(x, spec)))

# 3. format(int, spec)
INTS = [0, 1, -1, 5, 42, -42, 65, 255, -255, 1000, 1234, 123456789, -123456789, 2**31,
        2**63, -2**63, 2**64 + 1, 10**30, -10**30, 0x10ffff, 0x110000, 2**70, 2**1100,
        2**1024 - 1, 2**53 + 1]
INTS += [random.randint(-10**12, 10**12) for _ in range(60)]
INT_SPECS = ["", "d", "b", "o", "x", "X", "n", "c", "#b", "#o", "#x", "#X", "#010b", "#010x",
             "010", "+", " ", "-", "+d", " d", ",", "_", ",d", "_d", "_b", "_x", "#_X", "_o",
             ",x", ",b", "08,", "09,", "010,", "012_", "012_x", "^12", "<12", ">12", "=12",
             "*^12", "0<8", "<05", "=+8", "+08", "c", "05c", "^5c", "+c", "#c", ",c", ".2",
             "z", "e", "E", "f", ".2f", "g", "%", ".1%", ",.2f", "s", "r", "abc", "\x01",
             "10.2ff", "#", "#d", "#n", "0", "00", "0=10", "x<10X", ",n", "_n", "X^+#13_X"]
for n, spec in itertools.product(INTS, INT_SPECS):
    emit("fmt_int", n, spec, run(lambda: format(n, spec)))

# 4. format(str, spec)
STRS = ["", "a", "ab", "hello", "héllo", "日本語", "tab\there"]
STR_SPECS = ["", "s", "10", "<10", ">10", "^10", "^12", "*^11", "05", "0>5", ".2", ".0",
             "10.3", "^9.4s", "+", " ", "-", "z", "#", "=5", ",", "_", "d", "x<3", "\x80",
             "1.1s", "10s"]
for s, spec in itertools.product(STRS, STR_SPECS):
    emit("fmt_str", s, spec, run(lambda: format(s, spec)))

# 5. printf-style
PCT_INT_FMTS = ["%d", "%i", "%u", "%5d", "%-6d|", "%05d", "%+d", "% d", "%+05d", "%-+6d|",
                "% 05d", "%.3d", "%8.3d", "%-8.3d|", "%x", "%X", "%o", "%#x", "%#X", "%#o",
                "%#08x|", "%-#8x|", "% 08x|", "%#.4x", "%+#x", "%#10.4o", "%ld", "%hd",
                "%Lx", "%0-5d|", "%.0d", "%+.0d", "%020d"]
for n, f in itertools.product(INTS[:22] + INTS[-10:], PCT_INT_FMTS):
    emit("pct_int", f, n, run(lambda: f % n))
PCT_FLOAT_FMTS = ["%f", "%e", "%E", "%g", "%G", "%F", "%5.1f", "%-8.2f|", "%08.3f",
                  "%+f", "% f", "%+08.2f", "%#g", "%#.0f", "%#.0e", "%.0f", "%.10g",
                  "%.20f", "%-+10.3e|", "%010g", "%.f", "%15.7G", "%#x"[:0] + "%#.3g",
                  "% 012.4e", "%-010f|", "%.0g", "%#.0g"]
for x, f in itertools.product(SPECIAL + FLOATS[len(SPECIAL):len(SPECIAL) + 60], PCT_FLOAT_FMTS):
    emit("pct_float", f, fbits(x), run(lambda: f % x))
for s, f in itertools.product(["", "a", "hello", "日本"],
                              ["%s", "%5s", "%-5s|", "%.2s", "%5.1s", "%-05s|", "%+5s", "%05s",
                               "% s", "%#s", "%.0s"]):
    emit("pct_str", f, s, run(lambda: f % s))
for f, args in [("%*d|", (5, 3)), ("%*d|", (-5, 3)), ("%-*d|", (-5, 3)), ("%.*f", (2, 3.14159)),
                ("%.*f", (-3, 1.5)), ("%*.*e|", (12, 2, 12345.678)), ("%(x)5d|", {"x": 7}),
                ("%(a(b)c)s", {"a(b)c": "v"}), ("%()s", {"": "empty"}), ("%5c|", ("x",)), ("%-3c|", ("y",)),
                ("%.500f", (0.1,)), ("%.330e", (5e-324,)), ("%#.40g", (1 / 3,))]:
    def enc(v):
        if isinstance(v, int):
            return "i%d" % v
        if isinstance(v, float):
            return "f" + fbits(v)
        return "s" + v
    if isinstance(args, dict):
        (k, v), = args.items()
        encoded = "m" + k + "=" + enc(v)
    else:
        encoded = ";".join(enc(v) for v in args)
    emit("pct_star", f, encoded, run(lambda: f % args))
for f in ["%", "%5", "%(a", "%(a)", "%-", "%.", "%.5", "%l", "%5.2l", "%*", "%.*"]:
    emit("pct_parse_err", f, run(lambda: f % {"a": 1} if f.startswith("%(") else f % (1,)))

# 6. int() parsing
INT_STRS = ["0", "-0", "+0", "12", " 12 ", "\t-12\n", "1_000", "1__000", "_1", "1_", "0x1f",
            "0X1F", "0x_1f", "0x__1f", "0o17", "0b101", "0b", "0x", "010", "00", "0_0", "0_7",
            "- 1", "+-1", "", " ", "12a", "z", "Z", "ZZ", "0b1", "0o8", "1e5", "1.0",
            "\u00a012\u2003", "\x1c5\x1f", "12\x00", "99999999999999999999999999999",
            "-0b1_0", "0_x1", "+_1", "0B_1", "09", "0001", "0x1g", "٣"]
for s in INT_STRS:
    for base in [0, 2, 8, 10, 16, 36]:
        emit("parse_int", s, base, run(lambda: str(int(s, base))))

# 7. float() parsing
FLOAT_STRS = ["0", "-0", "1.5", " 1.5 ", "1_000.5", "1__0", "_1", "1_", "1_e5", "1e_5", "1e5_0",
              "1._5", "1_.5", "inf", "-inf", "+inf", "Infinity", "-INFINITY", "infinit",
              "nan", "-nan", "NaN", "+nAn", "nan1", ".5", "5.", ".", "e5", "1e", "1e+",
              "1E+5", "1e-5", "-.5e-3", "1e500", "-1e500", "1e-400", "0x1p3", "", " ",
              "1.5.5", "++1", "+-1", "1 2", "0.1", "2.675", "123456789012345678901234567890",
              "\u20031.0\u2003", "4.9e-324", "2.4703282292062328e-324", "1.7976931348623159e308",
              "0.30000000000000004", "1_2.3_4e1_0", "in_f", "١"]
FLOAT_STRS += [repr(rand_float()) for _ in range(200)]
FLOAT_STRS += ["%.25e" % rand_float() for _ in range(100)]
for s in FLOAT_STRS:
    def pf():
        v = float(s)
        if v != v:
            return "-nan" if struct.pack("<d", v)[7] & 0x80 else "nan"
        return fbits(v)
    emit("parse_float", s, run(pf))

# 8. bin / oct / hex
for n in INTS[:-3] + [random.randint(-2**80, 2**80) for _ in range(30)]:
    emit("radix", n, 2, bin(n))
    emit("radix", n, 8, oct(n))
    emit("radix", n, 16, hex(n))

# 9. hashes
HASH_INTS = INTS + [2**61 - 1, 2**61, 2**61 - 2, -(2**61 - 1), -(2**61), 2**122, -2**200 - 7,
                    2**64 - 1, -2**63 - 1]
for n in HASH_INTS + [random.randint(-2**200, 2**200) for _ in range(100)]:
    emit("hash_int", n, hash(n))
for x in FLOATS:
    if x == x:
        emit("hash_float", fbits(x), hash(x))
for x in [2.0**k for k in range(-1080, 1024, 7)] + [-(2.0**k) * 3 for k in range(-1000, 1000, 13)]:
    emit("hash_float", fbits(x), hash(x))
TUPLES = [(), (1,), (1, 2), (-1,), (-2,), (0, 0, 0), tuple(range(20)), (2**100, -5),
          (1.5, 2.5), (float("inf"), -1.0)]
TUPLES += [tuple(random.randint(-2**70, 2**70) for _ in range(random.randint(0, 8))) for _ in range(50)]
for t in TUPLES:
    enc = ",".join(("f" + fbits(v)) if isinstance(v, float) else str(v) for v in t)
    emit("hash_tuple", enc, hash(t))

# 10. round
ROUND_X = SPECIAL + FLOATS[len(SPECIAL):] + [0.5 + k for k in range(-6, 6)] + \
          [k / 1000 + 0.0005 for k in range(0, 2000, 37)] + [1e308, -1e308, 1.7976931348623157e308]
for x in ROUND_X:
    for nd in [0, 1, 2, 3, 5, 10, 17, 20, -1, -2, -5, -20, -307, -308, -309, 322, 323, 324, 400, -400]:
        def rf():
            v = round(x, nd)
            if v != v:
                return "nan"
            return fbits(v)
        emit("round", fbits(x), nd, run(rf))
    emit("round0", fbits(x), run(lambda: str(round(x))))

# 11. floor division / modulo / divmod
DIV_X = [0.0, -0.0, 1.0, -1.0, 7.0, -7.0, 7.5, -7.5, 0.1, 1e300, -1e-300, 3.0, 5e-324,
         float("inf"), float("-inf"), float("nan"), 1e16 + 2, 0.3]
for a, b in itertools.product(DIV_X, DIV_X):
    def dm():
        q, r = divmod(a, b)
        return fbits(q) + "," + fbits(r)
    emit("divmod", fbits(a), fbits(b), run(dm))
    emit("floordiv", fbits(a), fbits(b), run(lambda: fbits(a // b)))
    emit("mod", fbits(a), fbits(b), run(lambda: fbits(a % b)))

# 12. as_integer_ratio
for x in FLOATS:
    emit("ratio", fbits(x), run(lambda: "%d/%d" % x.as_integer_ratio()))

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w", encoding="utf-8") as fh:
    fh.write("\n".join(lines) + "\n")
print("wrote %d cases to %s" % (len(lines), OUT))
