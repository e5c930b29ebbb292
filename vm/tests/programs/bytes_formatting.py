# printf-style formatting of bytes and bytearray (PEP 461): %s/%b take
# bytes-like objects or __bytes__, %r/%a give ascii(), %c an int or a byte.
print(b"%d-%s-%x-%r %%" % (5, b"ab", 255, "q"), b"%(a)s" % {b"a": b"x"}, bytearray(b"%c") % 65)
print(b"%5s|%-5b|%.1s" % (b"ab", bytearray(b"cd"), b"xyz"), b"%a" % "\xe9", b"%c%c" % (b"z", 200))
print(b"%05.1f %e %i %o %X %+d" % (3.14159, 12345.678, 7, 8, 255, 3))


class Payload:
    def __bytes__(self):
        return b"BB"


print(b"<%s>" % Payload(), b"%s" % (b"t",), type(bytearray(b"%s") % b"q").__name__)
print(b"%s and %s" % (bytearray(b"ba"), b"b"), b"%(x)d%(y)s" % {b"x": 1, b"y": b"!"})
for bad in [
    lambda: b"%s" % "str",
    lambda: b"%s" % 5,
    lambda: b"%c" % 256,
    lambda: b"%c" % "a",
    lambda: b"%d %d" % (1,),
    lambda: b"%d" % (1, 2),
    lambda: b"%y" % 1,
    lambda: b"%(k)s" % (1,),
    lambda: b"%d" % "x",
]:
    try:
        print(bad())
    except Exception as e:
        print(type(e).__name__, e)
print("%a" % "\xe9", "%r" % "\xe9", "%a" % ["\u20ac"])
