# The cmath module on finite arguments (branch cuts, signed zeros, range
# and domain errors). Results are printed with repr() (exactly CPython's:
# same algorithms over the same C library) except where noted as rounded.
import cmath
import math


def attempt(f):
    try:
        print(repr(f()))
    except Exception as e:
        print(type(e).__name__ + ":", e)


print(cmath.pi, cmath.e, cmath.tau, cmath.inf, cmath.nan, cmath.infj, cmath.nanj)
print(cmath.pi == math.pi, type(cmath.infj).__name__)

points = [0j, 1 + 0j, -1 + 0j, 2 + 3j, -2 - 3j, 0.5 - 0.25j, complex(-4, 0.0),
          complex(-4, -0.0), complex(0.0, 2), complex(-0.0, -2), 1e-310 + 1e-310j,
          1e300 + 1e300j, 3, 2.5, -0.75, True]
for name in ["sqrt", "exp", "log", "log10", "sin", "cos", "tan", "asin", "acos", "atan",
             "sinh", "cosh", "tanh", "asinh", "acosh", "atanh"]:
    f = getattr(cmath, name)
    out = []
    for z in points:
        try:
            out.append(repr(f(z)))
        except (ValueError, OverflowError) as e:
            out.append(type(e).__name__)
    print(name, " ".join(out))

print("-- branch cuts")
for z in [complex(-2, 0.0), complex(-2, -0.0), complex(0.0, 2), complex(-0.0, 2),
          complex(0.0, -2), complex(2, 0.0), complex(2, -0.0)]:
    print(repr(z), cmath.sqrt(z), cmath.log(z), cmath.asin(z), cmath.acos(z),
          cmath.atan(z) if abs(z.imag) != 1 else "-", cmath.acosh(z), cmath.atanh(z))

print("-- log with base, phase, polar, rect")
print(cmath.log(8, 2), cmath.log(100, 10), cmath.log(1j, 1j), cmath.log(-1, 3 + 4j))
print(cmath.phase(1j), cmath.phase(-1), cmath.phase(complex(-1, -0.0)), cmath.phase(0))
print(cmath.polar(3 + 4j), cmath.polar(-1), cmath.polar(0j), cmath.polar(1e300 + 1e300j))
print(cmath.rect(2, 0), cmath.rect(2, math.pi / 2), cmath.rect(1, -0.0), cmath.rect(0, 1))
# rounded: round-trips through polar form lose the last bits
for z in [3 + 4j, -1 - 1j, 0.5j]:
    r = cmath.rect(*cmath.polar(z))
    print(round(r.real, 12), round(r.imag, 12))
print("-- identities (rounded)")
for z in [0.3 + 0.4j, -1.5 + 2j, 2 - 0.5j]:
    checks = [cmath.exp(cmath.log(z)), cmath.sin(cmath.asin(z)), cmath.cos(cmath.acos(z)),
              cmath.tan(cmath.atan(z)), cmath.sinh(cmath.asinh(z)), cmath.tanh(cmath.atanh(z)),
              cmath.sqrt(z) ** 2]
    print(all(cmath.isclose(c, z, rel_tol=1e-12) for c in checks))
print("-- predicates")
for z in [1 + 1j, complex(math.inf, 0), complex(0, math.nan), complex(math.inf, math.nan), 3]:
    print(cmath.isfinite(z), cmath.isinf(z), cmath.isnan(z))
print(cmath.isclose(1 + 1j, 1 + 1.0000000001j), cmath.isclose(1j, 1.001j),
      cmath.isclose(1j, 1.001j, rel_tol=0.01), cmath.isclose(0j, 1e-10j, abs_tol=1e-9),
      cmath.isclose(complex(math.inf, 0), complex(math.inf, 0)), cmath.isclose(cmath.inf, 1e308))
print("-- errors")
attempt(lambda: cmath.log(0))
attempt(lambda: cmath.log(0j, 2))
attempt(lambda: cmath.log(2, 1))
attempt(lambda: cmath.log10(0))
attempt(lambda: cmath.atanh(1))
attempt(lambda: cmath.atanh(-1))
attempt(lambda: cmath.atan(1j))
attempt(lambda: cmath.exp(1000))
attempt(lambda: cmath.exp(710 + 1j))
attempt(lambda: cmath.cosh(1000))
attempt(lambda: cmath.sinh(complex(-1000, 1)))
attempt(lambda: cmath.cos(1000j))
attempt(lambda: cmath.sin(-1000j))
attempt(lambda: cmath.rect(1, math.inf))
attempt(lambda: cmath.polar(complex(1.5e308, 1.5e308)))
attempt(lambda: cmath.isclose(1, 1, rel_tol=-1))
attempt(lambda: cmath.sqrt("x"))
attempt(lambda: cmath.sqrt(None))
attempt(lambda: cmath.rect(1j, 0))
attempt(lambda: cmath.exp())
print(cmath.exp(709 + 0j), cmath.cosh(-709), cmath.tanh(1000 - 2j), cmath.tanh(-1000))


class Z:
    def __complex__(self):
        return 1 + 1j


class F:
    def __float__(self):
        return 0.25


class I:
    def __index__(self):
        return 4


print(cmath.sqrt(Z()), cmath.sqrt(F()), cmath.sqrt(I()), cmath.phase(Z()), cmath.sqrt(10**20))

# isclose takes a and b by keyword too (math's and cmath's share the checks).
print(math.isclose(a=1, b=1.0), cmath.isclose(a=1, b=1))
for f in (lambda: math.isclose(1), lambda: cmath.isclose(b=1), lambda: math.isclose(1, 1, rel_tol=-1)):
    try:
        f()
    except Exception as e:
        print(type(e).__name__, e)
print(complex(" \u0661+\u0662j "), {1, 2}.isdisjoint([3]), {1}.isdisjoint((1,)))
