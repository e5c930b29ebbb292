# Assorted builtins: isinstance, callable, eval, globals, type(), hash, bytes, print, repr, vars.
import sys
import math
print(isinstance(1, (str, int)), isinstance("s", (int, float)), isinstance(True, (int,)), isinstance(1.0, (int, (float, str))), isinstance(None, type(None)))
print(callable(len), callable(lambda: 0), callable(int), callable(3), callable("s"), callable(print))
print(sorted([(2, "b"), (1, "z"), (2, "a"), (1, "a")]), sorted([(1, 2), (1,), ()]), sorted([3, 1, 2], reverse=True))
print(eval("1 + 2 * 3"), eval("[x * x for x in range(4)]"), eval("a + b", {"a": 1, "b": 2}), eval("'s' * 3"), eval("(1, 'a', None)"))
G = 99
def use_globals():
    return globals()["G"] + 1
print(use_globals(), "G" in globals(), "nope" in globals(), globals().get("nope", "absent"), eval("G * 2"))
def method(self):
    return "x is %d" % self.x
Point = type("Point", (object,), {"x": 5, "show": method})
p = Point()
print(Point.__name__, p.x, p.show(), type(p) is Point, isinstance(p, object), type(Point).__name__)
Sub = type("Sub", (Point,), {"x": 6})
print(Sub().show(), [k.__name__ for k in Sub.__mro__], issubclass(Sub, Point))
print(type(1) is int, type("a") is str, type([]) is list, type(len).__name__, type(type).__name__, type(Point) is type)
# identity checks
a = [1, 2]
b = a
c = [1, 2]
print(a is b, a is c, a == c, a is not c, None is None, True is (1 == 1), () == (), type(None) is type(None))
# hash of ints and tuples of ints (deterministic in CPython)
print(hash(0), hash(1), hash(-1), hash(-2), hash(2 ** 61 - 1), hash(2 ** 61), hash(2 ** 100), hash(-(2 ** 70)))
print(hash((1, 2)), hash(()), hash((1, (2, 3))), hash((-1,)), hash(True), hash(1.0), hash(1.5), hash(-0.5))
print(hash(12345678901234567890), hash((0, 0)) == hash((0, 0)), hash(10 ** 20) == hash(float(10 ** 20)))
# bytes / bytearray
bs = b"hello"
print(bs, bs[0], bs[1:3], len(bs), bs + b"!", bs * 2, b"l" in bs, bs.upper(), bs.decode(), list(b"AB"))
print(bytes([65, 66, 67]), bytes(3), "héllo".encode("utf-8"), b"a,b".split(b","), bs.find(b"l"), bs.replace(b"l", b"L"), bytes(range(3)))
print(repr(b"\x00\xff'\n"), b"abc" < b"abd", b"x" == b"x", bs.hex(), bytes.fromhex("41 42"), bs.startswith(b"he"))
ba = bytearray(b"abc")
ba[0] = 122
ba.append(100)
ba.extend(b"ef")
print(ba, len(ba), ba[1], bytes(ba), bytearray(2), bytearray([1, 2]) + b"\x03")
print(ba.pop(), ba, ba == b"zbcde", list(ba[-2:]))
# print with sep / end
print("a", "b", "c", sep="-")
print("x", "y", sep="", end="|\n")
print(1, 2, end=" ")
print(3)
print()
print("multi", "sep", sep=" :: ", end=" <end>\n")
print(*[1, 2, 3], sep=", ")
print("no newline", end="")
print(" then newline")
sys.stdout.write("via sys.stdout.write\n")
# repr of nested containers
nested = {"list": [1, 2.5, "s", None, True], "tuple": (1,), "dict": {"k": [()]}, "set": {1}, "empty": [[], {}, ()]}
print(nested)
print(repr([1, [2, [3, "x"]]]), repr((("a",),)), str({"q": "it's"}), [frozenset(), set(), b""], [1.0, -0.0, 1e100])
rec = [1]
rec.append(rec)
print(rec)
dr = {"a": 1}
dr["self"] = dr
print(dr)
# vars() of an instance
class Rec:
    cls_attr = "not in vars"
    def __init__(self):
        self.alpha = 1
        self.beta = [2]
r = Rec()
r.gamma = "g"
print(vars(r), r.__dict__ is vars(r), "cls_attr" in vars(r))
vars(r)["delta"] = 4
print(r.delta, sorted(vars(r)))
# math (exact results only)
print(math.sqrt(16), math.sqrt(2), math.floor(-2.5), math.ceil(2.1), math.pi, math.gcd(12, 18), math.isqrt(99), math.inf > 10 ** 300)
print(math.fabs(-3), math.trunc(-3.7), math.factorial(20), math.isnan(float("nan")), math.copysign(2, -0.0), math.e)
# misc builtins
print(len("abc"), len([1]), len({1: 2}), abs(-3), min(3, 1), max("ab", "b"), ord("a"), chr(0x263A) == "\u263a")
print(list(range(3)), tuple(range(3)), str(b"x"), int("7") + float("0.5"), bool([]), list(dict(a=1)), sum([]), format(3.14159, ".2f"), format(255, "x"))
print(isinstance(sys.maxsize, int), sys.maxsize == 2 ** 63 - 1, sys.version_info[0])
