# Numbers: int/float/bool/None arithmetic, big ints, parsing, repr, builtins.
print(1 + 2, 7 - 10, 6 * 7, 7 / 2, 1 / 4, 6 / 3)
print(True + True, True * 3, False - 1, None is None, None == 0)
print(7 // 2, -7 // 2, 7 // -2, -7 // -2)
print(7 % 3, -7 % 3, 7 % -3, -7 % -3, 0 % 5)
print(7.5 // 2, -7.5 // 2, 7.5 % 2, -7.5 % 2, 5.0 % -3)
print(2 ** 10, 2 ** -1, (-2) ** 3, -2 ** 2, 2 ** 0.5 == 2 ** 0.5, 10 ** 0)
print(6 & 3, 6 | 3, 6 ^ 3, ~6, ~-1, 1 << 10, 1024 >> 3, -16 >> 2, -1 << 4)
print(1 < 2, 2 <= 2, 3 > 4, 3 >= 3, 1 == 1.0, 1 != 2, 2 == True, 1 == True)
print(1 < 2 < 3, 1 < 3 < 2, 3 > 2 > 1 > 0, 1 == 1 == 1.0, 1 < 2 > 0 != 5)
x = 5
print(0 < x <= 5, 0 < x < 5, -1 < x is not None)
# big ints
big = 2 ** 100
print(big, big + 1, big - 2 ** 99, big * big)
fact = 1
for i in range(1, 31):
    fact *= i
print(fact)
print(-big, -big * 3, -(2 ** 64) + 1)
print(big // 7, big % 7, -big // 7, -big % 7, big // -7, big % -7)
print(fact // big, fact % big, divmod(fact, 10 ** 20))
print(big == 2 ** 100, big > 2 ** 99, -big < -(2 ** 99), big != big + 1)
print(2 ** 64 - 1, (2 ** 64) >> 3, (2 ** 70) & (2 ** 70 - 1), (2 ** 70) | 1, -(2 ** 70) ^ 5)
print(10 ** 30 // 10 ** 15, 12345678901234567890 * 98765432109876543210)
# int() / float() parsing
print(int("42"), int("-17"), int("  8  "), int("1_000"), int("ff", 16), int("0x1f", 16), int("101", 2), int("z", 36))
print(int(3.9), int(-3.9), int(True), int("123456789012345678901234567890"))
print(float("1.5"), float("-2"), float("1e3"), float("  .25 "), float(7), float("inf"), float("-inf"))
print(float("nan") != float("nan"))
# float repr
print(0.1 + 0.2, 1e16, 1e-5, 123456789.123, 1.0, -0.0, 1e22, 1e15, 0.1, 2.5e-10)
print(1 / 3, 2 / 3, 10 / 4, 3.0 * 1.1, 1e300 * 1e10, 100.0, 1.5e300)
print(repr(0.3), str(0.3), 12345678912345678.0, 0.000123)
# round, abs, divmod, pow
print(round(2.5), round(3.5), round(-2.5), round(2.675, 2), round(1.23456, 3), round(7), round(1234, -2))
print(round(0.5), round(1.5), round(-0.5), type(round(2.5)).__name__, type(round(2.5, 1)).__name__)
print(abs(-5), abs(5), abs(-2.5), abs(-big), abs(0))
print(divmod(17, 5), divmod(-17, 5), divmod(17, -5), divmod(17.5, 5))
print(pow(2, 10), pow(3, 4, 5), pow(2, 100, 1000000007), pow(-3, 3), pow(7, -1, 13))
# hex/oct/bin, chr/ord
print(hex(255), hex(-255), oct(8), oct(-8), bin(10), bin(-10), hex(big), bin(0))
print(chr(65), chr(97), chr(48), ord("A"), ord("z"), ord(" "), chr(ord("a") + 25))
# mixed arithmetic and types
print(1 + 2.0, 3 * 0.5, 2 ** 3.0, 10 // 3.0, True + 1.5)
print(type(1).__name__, type(1.0).__name__, type(True).__name__, type(None).__name__, type(big).__name__)
print(int.__name__, isinstance(True, int), bool(0), bool(0.0), bool(-1), bool(None))
print(max(3, 7, 1), min(3, 7, 1), max(2.5, 2), min(-big, 0))
print(sum([1, 2, 3]), sum([0.1] * 10), sum(range(101)))
print((17).bit_length(), (2 ** 100).bit_length(), (0).bit_length())
print(3 .__add__(4), (5).__neg__(), (1.5).is_integer(), (2.0).is_integer())
print(float(2 ** 53), float(2 ** 53 + 1), 2 ** 53 + 1.0 == 2 ** 53)
print(1e308 * 10 == float("inf"), -1e308 * 10, 5 // 0.3)
n = 0
n += 5
n -= 2
n *= 10
n //= 4
n %= 6
n **= 3
n <<= 2
n |= 1
n ^= 3
n &= 0xff
print(n)
