# struct: byte orders, native alignment, every format code, Struct objects.
import struct

print(struct.pack("<ihQ", 1, -2, 2 ** 63))
print(struct.unpack("<ihQ", struct.pack("<ihQ", 1, -2, 2 ** 63)))
print(struct.pack(">d", 1.5), struct.pack("!I", 0xDEADBEEF), struct.pack("=H", 513))
print(struct.pack("@bq", 1, 2), struct.pack("@bi", 1, 2))
for fmt in ["@bq", "@b0q", "<bq", "@qb", "3s2p", "xxh", "@?d", "=e", "5x", ""]:
    print(repr(fmt), struct.calcsize(fmt))

print(struct.pack("5p", b"abcdefg"), struct.pack("p", b"a"), struct.unpack("5p", b"\x09abcd"))
print(struct.pack("?c3sx", [], b"z", b"ab"), struct.unpack("?c3sx", b"\x02zab\x00\x00"))
print(struct.pack("4s", b"toolong"), struct.pack("4s", bytearray(b"ab")))

# Integer codes round-trip at their limits.
for code, lo, hi in [("b", -128, 127), ("B", 0, 255), ("h", -32768, 32767),
                     ("H", 0, 65535), ("i", -2 ** 31, 2 ** 31 - 1),
                     ("I", 0, 2 ** 32 - 1), ("q", -2 ** 63, 2 ** 63 - 1),
                     ("Q", 0, 2 ** 64 - 1)]:
    for order in "<>@":
        data = struct.pack(order + "2" + code, lo, hi)
        assert struct.unpack(order + "2" + code, data) == (lo, hi)
    print(code, struct.pack(">" + code, hi).hex(), struct.pack("<" + code, lo).hex())

# Floats: half, single, double.
print(struct.pack("<e", 0.1), struct.unpack(">e", struct.pack(">e", 65504.0)))
print(struct.unpack("<eee", struct.pack("<eee", 1e-6, -0.0, float("inf"))))
print(struct.unpack("<f", struct.pack("<f", 0.1)), struct.unpack(">d", struct.pack(">d", -2.5)))
print(struct.pack("f", 3), struct.unpack("@P", struct.pack("@P", 12345)))


class Idx:
    def __index__(self):
        return 7


print(struct.pack("b", Idx()), struct.pack("?", "x"))

s = struct.Struct("<2i")
print(s.size, s.format, s.pack(3, 4), s.unpack(b"\x01\x00\x00\x00\x02\x00\x00\x00"))
print(s.unpack_from(b"xx" + s.pack(5, 6), 2), struct.Struct(b">H").format)
ba = bytearray(10)
struct.pack_into("<h", ba, 2, 513)
s.pack_into(ba, -8, 7, 8)
print(ba)
print(list(struct.iter_unpack("<h", b"\x01\x00\x02\x00")), list(s.iter_unpack(bytes(16))))
print(struct.unpack_from("<h", b"\x00\x01\x02", offset=1))

for fmt, args in [("b", (200,)), ("<h", (70000,)), (">h", (70000,)), (">H", (-1,)),
                  ("I", (-1,)), ("<l", (2 ** 40,)), (">q", (2 ** 70,)), ("Q", (2 ** 70,)),
                  ("b", (1.5,)), ("d", ("x",)), ("2h", (1,)), ("3", ()), ("y", ()),
                  ("c", (b"ab",)), ("s", ("a",)), ("e", (1e10,)), (">f", (1e300,)),
                  ("<n", (1,))]:
    try:
        struct.pack(fmt, *args)
    except (struct.error, OverflowError) as e:
        print(fmt, type(e).__name__, e)

for call in [lambda: struct.unpack("h", b"abc"),
             lambda: struct.unpack_from("i", b"abc", 1),
             lambda: struct.unpack_from("i", b"abcdefg", -20),
             lambda: struct.pack_into("i", bytearray(3), 1, 5),
             lambda: list(struct.iter_unpack("i", b"abcde")),
             lambda: struct.iter_unpack("0i", b""),
             lambda: struct.calcsize("9999999999999999999999q")]:
    try:
        call()
    except struct.error as e:
        print("error:", e)
try:
    struct.Struct(5)
except TypeError as e:
    print("TypeError:", e)
print(issubclass(struct.error, Exception), struct.error.__name__)
