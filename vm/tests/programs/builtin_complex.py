# The builtin complex type: literals, construction, arithmetic, comparison,
# hashing, repr/str/format, copy/pickle support.
import copy
import numbers
import pickle

INF = float("inf")
NAN = float("nan")


def attempt(f):
    try:
        print(repr(f()))
    except Exception as e:
        print(type(e).__name__ + ":", e)


print("-- literals")
print(2j, 1e3j, -2j, 1 + 2j, 0j, -0j, 1.5e-7j, 1e16j, 123456789012345678j)
print(repr(-(0j)), repr(complex(-0.0, -1)), type(2j), type(2j).__name__)

print("-- construction")
print(complex(), complex(1), complex(1, 2), complex(1.5, -2.5), complex(True, False))
print(complex(real=1, imag=2), complex(imag=2), complex(imag=2j), complex(1j, 1j))
print(complex(3 + 4j, 2), complex(2, 3 + 4j), complex(10**20), complex(-0.0, 0.0))
for s in ["1+2j", "  ( -1.5e3-j )  ", "j", "-J", "+j", "3", "1_000.5+2_0j", "inf-nanj",
          "1e5J", "-.5+.25j", "\t(2)\n", "1.e3-1E-3j", "infinity+infinityj"]:
    print(repr(s), complex(s))
for s in ["(1+2j", "1e", "", "1 + 2j", "j1", "1+2", "1_+2j", "()", "1jj", "(1)(2)", "nanx"]:
    attempt(lambda: complex(s))
z = 3 + 4j
print(complex(z) is z)


class WithComplex:
    def __complex__(self):
        return 5j


class WithFloat:
    def __float__(self):
        return 2.5


class WithIndex:
    def __index__(self):
        return 7


class BadComplex:
    def __complex__(self):
        return 1.5


print(complex(WithComplex()), complex(WithFloat()), complex(WithIndex()))
print(complex(WithFloat(), WithIndex()), complex(WithComplex(), 1))
attempt(lambda: complex(BadComplex()))
attempt(lambda: complex("1", 2))
attempt(lambda: complex(1, "2"))
attempt(lambda: complex([]))
attempt(lambda: complex(1, []))
attempt(lambda: complex(None))
attempt(lambda: complex(b"1"))
attempt(lambda: complex(1, 2, 3))
attempt(lambda: complex(foo=1))
attempt(lambda: complex(1, real=2))
print(complex.__new__(complex, 1, 2))
attempt(lambda: complex.__new__(int, 1))
attempt(lambda: complex.__new__(1))

print("-- attributes")
print(z.real, z.imag, z.conjugate(), (1j).real, (-2.5j).imag, z.__getnewargs__())
print(type(z.real).__name__, (0.5 + 0j).conjugate())

print("-- arithmetic")
w = 1 - 2j
print(z + w, z - w, z * w, z / w, w / z, z ** 2, z ** -2, z ** 0, z ** 0.5)
print(z + 1, 1 + z, z - 1.5, 1.5 - z, z * 2, 2 * z, z / 2, 2 / z, True + z, z * False)
print(2 ** z, z ** w, 1j ** 2, 1j ** 1j, (0j) ** 0, 0j ** 2, (-8 + 0j) ** (1 / 3))
print((1e300 + 1e300j) / (1e300 + 1e300j), 1 / (1e-300j), (1 + 1j) ** 99)
acc = 0j
for k in range(50):
    acc = acc * (0.5 + 0.25j) + complex(k, -k)
print(acc)
print(-z, +z, abs(z), abs(-3j), abs(complex(INF, NAN)), abs(1e300 + 1e300j))
z2 = z
z2 += 1
z2 *= 1j
print(z2, z)
attempt(lambda: 1j // 1)
attempt(lambda: 1j % 2)
attempt(lambda: 1 / 0j)
attempt(lambda: 1j / 0)
attempt(lambda: 0j ** -1)
attempt(lambda: 0j ** 1j)
attempt(lambda: (1e200 + 1e200j) ** 2)
attempt(lambda: (10 + 0j) ** 500.5)
attempt(lambda: abs(complex(1.5e308, 1.5e308)))
attempt(lambda: 1j + "a")
attempt(lambda: 1j & 1)
attempt(lambda: ~1j)
attempt(lambda: z + 10**400)

print("-- comparison and hashing")
print(1 + 0j == 1, 1 == 1 + 0j, 1.5 + 0j == 1.5, 1j == 1j, 1j != 1j, 1j == 1, 1 + 1j == 1)
print(2**53 + 1 == complex(2**53 + 1), 2**53 == complex(2**53), 1j == "1j", 1j == None)
print(complex(NAN, 0) == complex(NAN, 0), [complex(NAN, 0)] == [complex(NAN, 0)])
attempt(lambda: 1j < 2j)
attempt(lambda: 1j >= 1)
print(hash(1 + 0j) == hash(1), hash(1.5 + 0j) == hash(1.5), hash(0j), hash(1j), hash(z))
print(hash(-1 + 0j), hash(complex(-1, 0)) == hash(-1), hash(complex(INF, -INF)))
print({1: "a", 1 + 0j: "b", 2j: "c"}, {1j, 1j, 1 + 0j, 1})
print(bool(0j), bool(1j), bool(-0j), bool(complex(0, NAN)), not 0j)

print("-- repr, str, format")
for v in [complex(-0.0, -1), complex(1, INF), complex(NAN, NAN), complex(0, NAN),
          complex(-INF, 0), 1e16j, 1e-5 + 1e22j, 0.1 + 0.2j, complex(1e-320, -1e300),
          complex(0.0, -0.0), complex(-0.0, 0.0), 100 + 0j]:
    print(repr(v), str(v), format(v), f"{v}")
print(format(1 + 2j, ".2f"), f"{1 + 2j:>20}|", f"{1 + 2j:<20}|", f"{1 + 2j:^20}|")
print(format(1 + 2j, "g"), format(2.5j, "g"), format(-1.5 - 2j, "+.3e"), format(2j, "+"))
print(format(1234567.5 + 2j, ",.1f"), format(1234567 + 2j, ","), format(1 + 2j, "*^14.2"))
print(format(1e20 + 1j, ".3"), format(1 + 1j, "#.0f"), format(-0.0 - 0j, "z.1f"))
print(format(complex(INF, NAN), "f"), format(complex(INF, NAN), "F"), format(0.5j, "E"))
print(f"{z!r:>12}", f"{z!s:_^12}", "%s %r" % (z, w), "{:.1f}".format(z))
attempt(lambda: format(1j, "010"))
attempt(lambda: format(1j, "=10"))
attempt(lambda: format(1j, "0>10"))
attempt(lambda: format(1j, "d"))
attempt(lambda: format(1j, "%"))
attempt(lambda: format(1j, "s"))

print("-- protocols")
print(copy.copy(z), copy.deepcopy(w), pickle.loads(pickle.dumps(z)))
print(pickle.loads(pickle.dumps([1j, complex(-0.0, NAN)], 2)))
print(isinstance(1j, numbers.Complex), isinstance(1j, numbers.Real), isinstance(1j, complex))
print(isinstance(1, complex), issubclass(complex, numbers.Number))
print(z.__add__(1), z.__radd__("a"), z.__rsub__(1), z.__rtruediv__(2), z.__rpow__(2))
print(complex.__eq__(z, 3 + 4j), z.__ne__(3), z.__eq__("x"), z.__complex__(), z.__abs__())
print(complex.__repr__(z), complex.__format__(z, ".1f"), z.__hash__() == hash(z))
print(sum([1j, 2, 3.5]), sorted([3j, 1j, 2j], key=abs), max([1 + 1j, 3j], key=abs))
print([complex(k, k) for k in range(3)], dict.fromkeys([1j, 2j]))
print(eval("1+2j"), eval(repr(1e16j)), 2j.imag, 1j.__class__)

# A negative float to a fractional power is complex, as in CPython.
print((-8) ** 0.5, (-8.0) ** 0.25, 2 ** 0.5, (-2) ** 2.0)


# Subclasses of complex box a complex value.
class Tagged(complex):
    def double(self):
        return self * 2


t = Tagged(1, 2)
print(t, repr(t), t.double(), type(t).__name__, isinstance(t, complex), t.real, t + 1, abs(Tagged(3, 4)))
print(Tagged("1+2j") == complex(1, 2), hash(Tagged(1, 0)) == hash(1), complex(Tagged(5)), type(complex(Tagged(5))).__name__)
