# binascii, base64 and hashlib on the native accelerator modules.
import binascii
import hashlib

print(binascii.hexlify(b"abcdef", "-"), binascii.hexlify(b"abcdef", b":", 2))
print(binascii.hexlify(b"abcdefg", ":", -2), binascii.b2a_hex(b"\x01\xff"), binascii.hexlify(b""))
print(binascii.unhexlify("4142"), binascii.a2b_hex(b"0aFF"))
for bad in ["abc", b"zz", "\xe9"]:
    try:
        binascii.unhexlify(bad)
    except ValueError as e:
        print(type(e).__name__, e)
print(binascii.b2a_base64(b"abcd"), binascii.b2a_base64(b"abcd", newline=False))
print(binascii.a2b_base64(b"Y W\nJj=ZA=="), binascii.a2b_base64("YWJj"))
data = bytes(range(256))
print(binascii.a2b_base64(binascii.b2a_base64(data)) == data)
for text, kw in [("YQ", {}), ("Y", {}), ("YQ==x", {"strict_mode": True}),
                 ("=YQ==", {"strict_mode": True}), ("Y!Q==", {"strict_mode": True})]:
    try:
        binascii.a2b_base64(text, **kw)
    except binascii.Error as e:
        print("Error", e)
print(issubclass(binascii.Error, ValueError), issubclass(binascii.Incomplete, Exception))
print(binascii.crc32(b"hello"), binascii.crc32(b"hello", 12345), binascii.crc32(b"x", -1))
print(binascii.crc_hqx(b"hello", 0), binascii.crc_hqx(b"abc", 0xFFFF))
for d in [b"", b"ab", b"hello world!"]:
    e = binascii.b2a_uu(d)
    print(e, binascii.b2a_uu(d, backtick=True), binascii.a2b_uu(e) == d)
print(binascii.a2b_uu(b"#86)C  \r\n"), len(binascii.a2b_uu(b"")))

for name in ["md5", "sha1", "sha224", "sha256", "sha384", "sha512",
             "sha3_224", "sha3_256", "sha3_384", "sha3_512", "blake2b", "blake2s"]:
    h = getattr(hashlib, name)(b"abc")
    h2 = h.copy()
    h2.update(b"def")
    print(name, h.name, h.digest_size, h.block_size, h.hexdigest())
    print("   ", h2.hexdigest() == getattr(hashlib, name)(b"abcdef").hexdigest(),
          hashlib.new(name, b"abc").digest() == h.digest())
for name in ["shake_128", "shake_256"]:
    h = hashlib.new(name, b"abc")
    print(name, h.digest_size, h.block_size, h.hexdigest(10), h.digest(3))
print(hashlib.md5(usedforsecurity=False).hexdigest())
h = hashlib.blake2b(b"abc", digest_size=20, key=b"k", salt=b"s", person=b"p")
print(h.hexdigest(), h.digest_size)
print(hashlib.blake2s(b"", key=b"k" * 32, salt=b"12345678").hexdigest())
print(hashlib.blake2b(key=b"secret").hexdigest()[:32])
big = hashlib.sha256()
for i in range(300):
    big.update(bytes([i % 256]) * i)
print(big.hexdigest())
try:
    hashlib.sha1("text")
except TypeError as e:
    print("TypeError", e)
try:
    hashlib.blake2b(digest_size=65)
except ValueError as e:
    print("ValueError", e)
print(sorted(hashlib.algorithms_guaranteed))

import base64

print(base64.b64encode(b"heaplab"), base64.b64decode(b"aGVhcGxhYg=="))
print(base64.urlsafe_b64encode(b"\xfb\xff"), base64.b16encode(b"\x01\xab"), base64.b32encode(b"ab"))
print(base64.b85encode(b"hello"), base64.a85decode(base64.a85encode(b"xyz")))
