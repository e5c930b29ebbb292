"""array (native): packed storage, slicing and slice assignment, deletion,
iteration, searching, byte images, files, subclasses, copying and pickling
hooks, comparisons, and the errors of each."""
import array
import copy
import io
from array import array as A


def tryit(f):
    try:
        print("ok", f())
    except Exception as e:
        print(type(e).__name__, e)


# every type code: item size, round trip through bytes, byteswap
for code in array.typecodes:
    init = "abc" if code == "u" else ([1.5, -2.25, 3.0] if code in "fd" else [1, 2, 3])
    a = A(code, init)
    b = A(code)
    b.frombytes(a.tobytes())
    s = A(code, a)
    s.byteswap()
    s.byteswap()
    print(code, a.itemsize, len(a.tobytes()), a == b, s == a, a.typecode, list(a)[:3])
print(A("H", [1, 258]).tobytes(), A("q", [-2]).tobytes().hex(), A("d", [1.0]).tobytes().hex())
print(array.ArrayType is A, A.__name__, A.__module__, type(iter(A("i"))).__name__)

# limits of each integer code
for code, lo, hi in [("b", -128, 127), ("B", 0, 255), ("h", -32768, 32767), ("H", 0, 65535),
                     ("i", -2**31, 2**31 - 1), ("I", 0, 2**32 - 1), ("l", -2**63, 2**63 - 1),
                     ("L", 0, 2**64 - 1), ("q", -2**63, 2**63 - 1), ("Q", 0, 2**64 - 1)]:
    print(code, A(code, [lo, hi]), A(code, [lo, hi]).tolist() == [lo, hi])
    tryit(lambda: A(code, [hi + 1]))
    tryit(lambda: A(code, [lo - 1]))
tryit(lambda: A("i", [10**30]))
tryit(lambda: A("B", [-2**64]))
tryit(lambda: A("I", [2**64]))
tryit(lambda: A("B", [True, False]))
tryit(lambda: A("f", [1e300, 0.1]))
tryit(lambda: A("d", [10**400]))
tryit(lambda: A("d", [None]))
tryit(lambda: A("u", [1]))


class Idx:
    def __index__(self):
        return 7


class Flt:
    def __float__(self):
        return 2.5


print(A("h", [Idx()]), A("d", [Flt(), Idx()]))

# construction
tryit(lambda: A("i", (x * x for x in range(5))))
tryit(lambda: A("i", range(3)))
tryit(lambda: A("d", A("i", [1, 2])))
tryit(lambda: A("u", "h\u00e9\U0001f600"))
tryit(lambda: A("i", A("u", "a")))
tryit(lambda: A("b", bytearray(b"\x01\x02")))
tryit(lambda: A("h", b"\x01\x00\x02"))
tryit(lambda: A("i", typecode="i"))
tryit(lambda: A())
tryit(lambda: A("i", [], 3))
tryit(lambda: A(b"i"))
tryit(lambda: A("ii"))
tryit(lambda: A("z"))
tryit(lambda: A("i", [1, "x", 3]))

# indexing, slicing, slice assignment, deletion
a = A("i", range(10))
print(a[0], a[-1], a[Idx()], a[2:5], a[::3], a[::-2], a[8:2:-2], a[5:1], a[-100:100])
tryit(lambda: a[10])
tryit(lambda: a[-11])
tryit(lambda: a["x"])
tryit(lambda: a[10**30])
a[0] = -5
a[-1] = 99
print(a)
a[2:4] = A("i", [20, 30, 40, 50])
print(a)
a[1:1] = A("i", [11])
print(a)
a[::2] = A("i", [0] * len(a[::2]))
print(a)
a[3:] = a
print(a)
tryit(lambda: a.__setitem__(slice(0, 4, 2), A("i", [1])))
tryit(lambda: a.__setitem__(slice(0, 1), [1]))
tryit(lambda: a.__setitem__(slice(0, 1), A("l", [1])))
tryit(lambda: a.__setitem__(99, 1))
tryit(lambda: a.__setitem__(0, 2**40))
del a[0]
del a[-1]
del a[::3]
print(a)
del a[1:3]
print(a)
a[::2] = A("i")
print(a)
tryit(lambda: a.__delitem__(50))
del a[:]
print(a, len(a))

# list-like methods
a = A("d", [3.5, 1.0, 3.5, 2.0])
a.append(7)
a.insert(0, -1)
a.insert(-1, 6)
a.insert(100, 9)
a.insert(-100, -9)
print(a, a.count(3.5), a.count(7), a.index(3.5), a.index(3.5, 3), a.index(3.5, -6), 7 in a, "x" in a)
print(a.pop(), a.pop(0), a.pop(-2), a)
a.remove(3.5)
print(a)
tryit(lambda: a.remove(42))
tryit(lambda: a.index(3.5, 0, 2))
tryit(lambda: A("i").pop())
tryit(lambda: A("i", [1]).pop(3))
a.reverse()
print(a)
a.extend([1, 2])
a.extend(A("d", [8.0]))
a.extend(x / 2 for x in range(3))
print(a)
tryit(lambda: a.extend(A("f", [1])))
tryit(lambda: a.extend(5))
b = A("i", [1, 2])
tryit(lambda: b.fromlist([3, "x"]))
print(b)
b.fromlist([3, 4])
tryit(lambda: b.fromlist((5,)))
print(b, b.tolist())
u = A("u", "ab")
u.fromunicode("cd")
u.append("e")
print(u, u.tounicode(), u[1], u[::-1], "c" in u, u.count("a"), u.index("d"))
tryit(lambda: u.append("xy"))
tryit(lambda: A("i").fromunicode("a"))
tryit(lambda: A("u").fromunicode(5))
tryit(lambda: A("i").tounicode())
tryit(lambda: A("i").frombytes("x"))
tryit(lambda: A("i").frombytes(b"abc"))
c = A("B", b"xy")
c.frombytes(A("B", [122]))
print(c, c.tobytes())

# iteration sees appends, and ends
a = A("i", [1, 2, 3])
seen = []
for x in a:
    seen.append(x)
    if x == 1:
        a.append(4)
print(seen, sum(A("d", [0.5] * 4)), list(reversed(A("h", [1, 2, 3]))))
it = iter(A("b", [5]))
print(next(it), next(it, "end"), next(it, "end"))

# operators and comparisons
x, y = A("i", [1, 2, 3]), A("i", [1, 2, 4])
print(x + y, x * 2, 3 * A("b", [1]), x * -1, x * 0)
print(x == y, x != y, x < y, x <= y, x > y, x >= y, x == A("i", [1, 2, 3]), x < A("i", [1, 2, 3, 0]))
print(A("i", [1, 2]) == A("d", [1.0, 2.0]), A("i", [2]) < A("d", [2.5]), A("Q", [2**64 - 1]) > A("d", [1e19]))
print(A("d", [float("nan")]) == A("d", [float("nan")]), x == [1, 2, 3], A("u", "a") == A("i", [1]))
tryit(lambda: A("u", "a") < A("i", [1]))
tryit(lambda: x + [1])
tryit(lambda: x + A("d"))
tryit(lambda: x * "a")
z = A("i", [1])
z += A("i", [2])
z *= 3
print(z)
tryit(lambda: z.__iadd__([1]))
tryit(lambda: z.__iadd__(A("h")))
z *= 0
print(z, repr(A("f", [0.1])), repr(A("u")), str(A("q", [1, -1])))
print(A.__hash__)

# subclasses
class S(A):
    def total(self):
        return sum(self)


s = S("i", [1, 2, 3])
s.tag = "t"
print(s, s.total(), type(s[0:2]).__name__, type(s + s).__name__, type(s * 2).__name__, isinstance(s, A))
print(type(copy.copy(s)).__name__, copy.deepcopy(s), len(s), s.tag)
tryit(lambda: S("i", x=1))


class K(A):
    def __new__(cls, code, *rest, scale=1):
        return super().__new__(cls, code, [scale * v for v in rest])

    def __init__(self, code, *rest, scale=1):
        self.scale = scale


k = K("i", 1, 2, scale=10)
print(k, k.scale, list(k))

# copying and pickling hooks
d = A("d", [1.5, 2.5])
print(copy.copy(d), copy.deepcopy(d), copy.copy(d) is d)
print(d.__reduce_ex__(2), d.__reduce_ex__(4))
f, args, state = d.__reduce_ex__(3)
print(f(*args), state)
f, args, state = s.__reduce_ex__(4)
print(args, state)
print(array._array_reconstructor(A, "i", 9, b"\x00\x00\x00\x01\xff\xff\xff\xfe"))
print(array._array_reconstructor(A, "d", 14, A("f", [1.5]).tobytes()))
print(array._array_reconstructor(A, "u", 18, b"h\x00i\x00\x3d\xd8\x00\xde"))
tryit(lambda: array._array_reconstructor(A, "i", 99, b""))
tryit(lambda: array._array_reconstructor(A, "x", 8, b""))
tryit(lambda: array._array_reconstructor(int, "i", 8, b""))
tryit(lambda: array._array_reconstructor(A, "i", 8, "s"))
tryit(lambda: d.__reduce__())

# files
buf = io.BytesIO()
A("h", [1, -1, 300]).tofile(buf)
buf.seek(0)
r = A("h")
r.fromfile(buf, 2)
print(r)
tryit(lambda: r.fromfile(buf, 5))
print(r)
tryit(lambda: r.fromfile(buf, -1))

# a larger array survives collections
big = A("q", range(20000))
parts = [big[i:i + 1000] for i in range(0, 20000, 1000)]
big.extend(range(5))
big[100:200] = A("q", range(1000))
print(len(big), sum(big), sum(len(p) for p in parts), parts[7][3], big[-1])
