# math through the native module: libm-backed functions (agreeing with
# CPython to the last bit), frexp/ldexp/modf, fsum's exact rounding,
# isclose/prod/comb/perm/lcm, the domain and range errors, and statistics
# on top (NormalDist declares __slots__ as a dict).
import math
print(math.erf(0.5), math.erfc(0.5), math.expm1(1e-10), math.log1p(1e-10), math.cbrt(27), math.exp2(10))
print(math.acosh(2), math.asinh(1), math.atanh(0.5))
print(math.frexp(8.0), math.frexp(0.0), math.frexp(-3.5), math.ldexp(0.5, 4), math.ldexp(1.0, -1100), math.modf(-2.5), math.modf(3.0), math.modf(float("inf")))
print(math.fsum([0.1] * 10), sum([0.1] * 10), math.fsum([1e100, 1.0, -1e100, 1e-100, 1e50, -1.0, -1e50]), math.fsum([]), math.fsum([float("inf"), 1]))
print(math.isclose(1.0, 1.0 + 1e-10), math.isclose(1.0, 1.1), math.isclose(0.0, 1e-10, abs_tol=1e-9), math.isclose(float("inf"), float("inf")))
print(math.prod(range(1, 11)), math.prod([0.5, 4]), math.prod([], start=7), math.prod([[1], 3]))
print(math.comb(10, 3), math.comb(5, 7), math.comb(100, 50), math.perm(5), math.perm(5, 2), math.perm(3, 5))
print(math.lcm(4, 6, 10), math.lcm(), math.lcm(0, 5), math.lcm(-4, 6), math.gcd(12, -18))
print(math.ulp(1.0), math.ulp(0.0), math.ulp(1e308), math.ulp(float("inf")), math.nextafter(1.0, 2.0), math.nextafter(1.0, 0.0), math.remainder(10, 3), math.remainder(-7.5, 2))
for f, args in [(math.log10, (0,)), (math.log1p, (-1,)), (math.atanh, (1,)), (math.acosh, (0.5,)), (math.exp, (1000,)), (math.expm1, (1000,)), (math.ldexp, (1.0, 5000)), (math.ldexp, (1.0, 2.0)), (math.comb, (-1, 2)), (math.perm, (3, -1)), (math.isclose, (1, 2)), (math.fsum, ([1e308, 1e308],)), (math.fsum, ([float("inf"), float("-inf")],)), (math.remainder, (1, 0)), (math.comb, (3.0, 1))]:
    try:
        print(f.__name__, f(*args) if f is not math.isclose else f(*args, rel_tol=-1))
    except (ValueError, OverflowError, TypeError) as e:
        print(f.__name__, type(e).__name__, e)
import statistics
print(statistics.mean([1, 2, 3, 4]), statistics.median([3, 1, 2]), statistics.stdev([1, 2, 3, 4, 5]), statistics.fmean([1.5, 2.5]))
print(round(statistics.NormalDist(0, 1).cdf(1.0), 12), statistics.pvariance([1, 2, 3, 4]))
