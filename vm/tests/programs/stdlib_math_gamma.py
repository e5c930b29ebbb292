# math.gamma, math.lgamma (CPython's Lanczos code), math.hypot and
# math.dist (CPython's vector_norm): repr() shows any last-bit difference.
import math

xs = [1.0, 2.0, 3.0, 5.0, 10.0, 20.0, 23.0, 24.0, 30.0, 50.0, 100.0, 170.0,
      171.0, 171.5, 172.0, 200.0, 0.5, 1.5, 2.5, 3.5, 10.5, 100.5, -0.5,
      -1.5, -2.5, -10.5, -100.5, -170.5, -171.5, -180.5, -199.5, -200.5,
      1e-10, -1e-10, 1e-20, 1e-21, -1e-21, 1e-300, 5e-324, 0.1, 0.2, 0.3,
      0.7, 0.9, 0.99, 1.01, 1.1, 1.9, 2.1, 4.9, 5.0000001, 5.1, 5.5, 5.52,
      5.53, 6.02, 7.3, 11.7, 33.3, 99.99, 139.9, 140.0, 140.1, 141.5,
      150.25, 199.9, 200.1, 250.0, 1000.0, -0.1, -0.9, -1.1, -1.9, -2.1,
      -3.3, -5.7, -9.99, -20.2, -33.3, -99.99, -139.9, -140.1, -150.25,
      -170.1, -171.1, -184.2, -201.3, -250.7, -1000.5, 1e10, -1e10 + 0.5,
      2.0 ** 52 + 0.5, 1e308, -1e308, 3, 7, True]
xs += [i / 7 for i in range(-70, 71) if i % 7]
xs += [(-1) ** i * (i * 1.618033988749895) for i in range(1, 60)]


def show(f, x):
    try:
        return repr(f(x))
    except (ValueError, OverflowError) as e:
        return "%s(%s)" % (type(e).__name__, e)


for x in xs:
    print(repr(x), show(math.gamma, x), show(math.lgamma, x))

specials = [0.0, -0.0, -1.0, -2.0, -3.0, -100.0, -1e300, math.inf,
            -math.inf, math.nan, 1e-320, -1e-320, 2.0 ** -1074]
for x in specials:
    print("special", repr(x), show(math.gamma, x), show(math.lgamma, x))
for bad in ["1", None, [1.0]]:
    for f in (math.gamma, math.lgamma):
        try:
            f(bad)
        except TypeError as e:
            print("TypeError", e)

pts = [
    (), (3,), (-4.5,), (3, 4), (1e308, 1e308), (1e-308, 3e-308),
    (5e-324, 5e-324), (1e-320, 2e-320, 3e-320), (1.0, 2.0, 3.0),
    (0.1, 0.2, 0.3, 0.4), (1, 1, 1, 1, 1, 1, 1), (0.0, 0.0), (-0.0, 3.0),
    (math.inf, math.nan), (math.nan, 1.0), (-math.inf, 2.0),
    (1e200, 1e-200), (12345.678, 0.001, 98765.4321),
    tuple(i * 0.37 for i in range(1, 30)), (2 ** 60, 3), (True, 2),
]
for p in pts:
    print("hypot", p[:4], repr(math.hypot(*p)))
for i in range(1, 80):
    a = (i * 0.731) % 3.7
    b = (i * 1.913) ** 1.5
    c = 1.0 / i
    print("h", i, repr(math.hypot(a, b)), repr(math.hypot(a, b, c)),
          repr(math.dist((a, b, c), (c, -a, b / 3))))

pairs = [
    ((), ()), ((1,), (5,)), ((0, 0), (3, 4)), ([1.5, 2.5], (0.5, -0.5)),
    (iter([1, 2, 3]), (4, 5, 6)), ((1e308, -1e308), (-1e308, 1e308)),
    ((math.nan, 0), (0, 0)), ((math.inf, 0), (0, math.nan)),
    ((1e-320, 0.0), (0.0, 3e-320)),
]
for p, q in pairs:
    print("dist", repr(math.dist(p, q)))
for args in [((1, 2), (1, 2, 3)), ((1,), 5), (5, (1,)), (("a",), (1,)),
             ((1,),), ((1,), (2,), (3,))]:
    try:
        math.dist(*args)
    except (TypeError, ValueError) as e:
        print(type(e).__name__, e)
try:
    math.hypot(1, "x")
except TypeError as e:
    print("TypeError", e)
try:
    math.hypot(x=1)
except TypeError as e:
    print("TypeError", e)
try:
    math.dist(p=(1,), q=(2,))
except TypeError as e:
    print("TypeError", e)
