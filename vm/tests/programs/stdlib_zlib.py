# zlib over the real zlib library: byte-identical output, streaming
# objects, errors, checksums, and gzip on top of it. (zipfile works too but
# its import is too slow for the stress configurations.)
import gc
import gzip
import io
import zlib

data = b"hello world " * 300 + bytes(range(256)) * 4

c = zlib.compress(data)
print(len(c), zlib.crc32(c), zlib.decompress(c) == data)
for lvl in range(-1, 10):
    print("level", lvl, zlib.crc32(zlib.compress(data, lvl)))
for wb in (9, 15, -15, 31, -9):
    cc = zlib.compress(data, 6, wb)
    print("wbits", wb, len(cc), zlib.crc32(cc), zlib.decompress(cc, wb) == data)
print(zlib.decompress(zlib.compress(data, wbits=31), 47) == data)
print(zlib.decompress(c, bufsize=1) == data, zlib.decompress(c, bufsize=0) == data)
print(zlib.decompress(bytearray(zlib.compress(b"xyz"))), zlib.compress(b""))

print(zlib.crc32(b"abc"), zlib.crc32(b"abc", 12345), zlib.crc32(b"", -1))
print(zlib.adler32(b"abc"), zlib.adler32(b"abc", -5), zlib.adler32(b""))
print(zlib.crc32(b"def", zlib.crc32(b"abc")) == zlib.crc32(b"abcdef"))

# Streaming compression with options, flush modes and copy().
co = zlib.compressobj(9, zlib.DEFLATED, -12, 9, zlib.Z_FILTERED)
parts = [co.compress(data[i:i + 700]) for i in range(0, len(data), 700)]
parts.append(co.flush(zlib.Z_SYNC_FLUSH))
parts.append(co.flush(zlib.Z_NO_FLUSH))
co2 = co.copy()
parts.append(co.flush())
x = b"".join(parts)
print(len(x), zlib.crc32(x), len(co2.flush()))
for mode in (zlib.Z_PARTIAL_FLUSH, zlib.Z_FULL_FLUSH, zlib.Z_BLOCK):
    co = zlib.compressobj(strategy=zlib.Z_RLE)
    y = co.compress(data[:500]) + co.flush(mode) + co.compress(data[500:]) + co.flush()
    print("flush", mode, len(y), zlib.crc32(y), zlib.decompress(y) == data)

# Streaming decompression with max_length and unconsumed_tail.
d = zlib.decompressobj(-12)
out = b""
buf = x
steps = 0
while buf:
    out += d.decompress(buf, 100)
    buf = d.unconsumed_tail
    steps += 1
print(out == data, steps, d.eof, d.unused_data, d.flush())

c = zlib.compress(b"a" * 1000)
d = zlib.decompressobj()
r = d.decompress(c, 10)
print(len(r), len(d.unconsumed_tail), d.unused_data, d.eof)
r = d.decompress(d.unconsumed_tail + b"XYZ")
print(len(r), d.unconsumed_tail, d.unused_data, d.eof)
d = zlib.decompressobj()
print(d.decompress(c[:5]), d.unconsumed_tail, d.unused_data)
d = zlib.decompressobj()
r = d.decompress(c, 10)
print(r, len(d.unconsumed_tail), len(d.flush()), d.unconsumed_tail, d.eof)
d = zlib.decompressobj()
print(d.decompress(zlib.compress(b"abc") + b"xyz"), d.unused_data, d.eof)
print(d.flush(), d.flush())

# Dictionaries.
zd = b"hello world and more words"
co = zlib.compressobj(zdict=zd)
z2 = co.compress(b"hello world hello") + co.flush()
print(z2)
print(zlib.decompressobj(zdict=zd).decompress(z2))
co = zlib.compressobj(wbits=-15, zdict=zd)
z3 = co.compress(b"hello world hello") + co.flush()
print(zlib.decompressobj(wbits=-15, zdict=bytearray(zd)).decompress(z3))

# copy.copy / copy.deepcopy of a decompressor mid-stream.
import copy
d = zlib.decompressobj()
d.decompress(c[:10])
e = copy.copy(d)
f = copy.deepcopy(d)
print(e.decompress(c[10:]) == f.decompress(c[10:]), e.eof, f.eof, d.eof)

# Errors, as CPython words them.
def attempt(f):
    try:
        print(repr(f()))
    except Exception as exc:
        print(type(exc).__name__, exc)

attempt(lambda: zlib.decompress(b"abc"))
attempt(lambda: zlib.decompress(zlib.compress(b"hello")[:-3]))
attempt(lambda: zlib.decompress(z2))
attempt(lambda: zlib.decompressobj().decompress(z2))
attempt(lambda: zlib.decompressobj().decompress(b"\x78\x9c\xff\xff"))
attempt(lambda: zlib.compress(b"", wbits=100))
attempt(lambda: zlib.compress(b"", level=10))
attempt(lambda: zlib.compressobj(wbits=100))
attempt(lambda: zlib.compressobj(method=9))
attempt(lambda: zlib.decompressobj(wbits=100))
attempt(lambda: zlib.decompress(b"x", wbits=100))
attempt(lambda: zlib.decompress(b"x", bufsize=-1))
attempt(lambda: zlib.compress(b"", 2 ** 40))
attempt(lambda: zlib.compress(b"", 1.5))
attempt(lambda: zlib.compress(b"", level=None))
attempt(lambda: zlib.compress("s"))
attempt(lambda: zlib.crc32("s"))
attempt(lambda: zlib.decompressobj(zdict=3))
attempt(lambda: zlib.compressobj(zdict="s"))
attempt(lambda: zlib.decompressobj().decompress(b"x", -1))
attempt(lambda: zlib.decompressobj().flush(0))
co = zlib.compressobj()
co.compress(b"a")
co.flush()
attempt(lambda: co.compress(b"x"))
attempt(lambda: co.flush())
attempt(lambda: co.copy())
attempt(lambda: co.flush(zlib.Z_NO_FLUSH))
attempt(lambda: d.decompress(b"x") if d.flush() is not None else None)
attempt(lambda: type(co)())
print(issubclass(zlib.error, Exception), type(co).__module__, type(co).__name__, type(d).__name__)
print(zlib.MAX_WBITS, zlib.DEFLATED, zlib.DEF_MEM_LEVEL, zlib.DEF_BUF_SIZE)
print(zlib.Z_NO_COMPRESSION, zlib.Z_BEST_SPEED, zlib.Z_BEST_COMPRESSION, zlib.Z_DEFAULT_COMPRESSION)
print(zlib.Z_FILTERED, zlib.Z_HUFFMAN_ONLY, zlib.Z_RLE, zlib.Z_FIXED, zlib.Z_DEFAULT_STRATEGY)
print(zlib.Z_NO_FLUSH, zlib.Z_PARTIAL_FLUSH, zlib.Z_SYNC_FLUSH, zlib.Z_FULL_FLUSH,
      zlib.Z_FINISH, zlib.Z_BLOCK, zlib.Z_TREES)
print(type(zlib.ZLIB_VERSION), zlib.ZLIB_VERSION == zlib.ZLIB_RUNTIME_VERSION, zlib.__version__)

# Many short-lived stream objects: their finalizers free the streams.
total = 0
for i in range(60):
    o = zlib.compressobj(i % 10)
    total += len(o.compress(data[:i]) + o.flush())
    p = zlib.decompressobj()
    p.decompress(zlib.compress(data[:i]))
gc.collect()
print(total)

# gzip on top of zlib.
g = gzip.compress(data, mtime=0)
print(len(g), zlib.crc32(g), gzip.decompress(g) == data)
buf = io.BytesIO()
with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as f:
    f.write(data[:1000])
    f.write(data[1000:])
print(len(buf.getvalue()), zlib.crc32(buf.getvalue()))
buf.seek(0)
with gzip.GzipFile(fileobj=buf) as f:
    print(f.read(10), len(f.read()))

# Argument counts.
attempt(lambda: zlib.compressobj(1, 8, 15, 8, 0, None, 3))
attempt(lambda: zlib.decompressobj(1, 2, 3))
attempt(lambda: zlib.compress())
attempt(lambda: zlib.compress(b"", 1, 2, 3))
attempt(lambda: zlib.decompressobj().decompress())
attempt(lambda: zlib.decompressobj().decompress(b"", 1, 2))
attempt(lambda: zlib.compress(b"", levle=1))
