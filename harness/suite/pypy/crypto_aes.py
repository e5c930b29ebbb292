"""Pure-Python AES-128 round trip (Heaplab clean-room version).

The S-box and its inverse are derived at start-up from GF(2^8) arithmetic
(multiplicative inverse plus the affine map), the GF multiplication tables
for MixColumns and InvMixColumns are precomputed, and blocks are processed
as lists of sixteen ints. A generated message is encrypted and decrypted in
CBC mode (PKCS#7 padding) and encrypted/decrypted in CTR mode; both round
trips must reproduce the plaintext. Each block allocates several short-
lived lists, and the modes build bytearrays and bytes objects. The size is
the message length in bytes.
"""

import sys
from heaplab_hook import run

DEFAULT_SIZE = 400000


def xtime(a):
    a <<= 1
    if a & 0x100:
        a ^= 0x11B
    return a


def gf_mul(a, b):
    result = 0
    while b:
        if b & 1:
            result ^= a
        a = xtime(a)
        b >>= 1
    return result


def gf_inverse(a):
    if a == 0:
        return 0
    # a^254 == a^-1 in GF(2^8)
    result = 1
    power = a
    e = 254
    while e:
        if e & 1:
            result = gf_mul(result, power)
        power = gf_mul(power, power)
        e >>= 1
    return result


def rotl8(x, n):
    return ((x << n) | (x >> (8 - n))) & 0xFF


def make_sboxes():
    sbox = [0] * 256
    inv = [0] * 256
    for x in range(256):
        b = gf_inverse(x)
        s = b ^ rotl8(b, 1) ^ rotl8(b, 2) ^ rotl8(b, 3) ^ rotl8(b, 4) ^ 0x63
        sbox[x] = s
        inv[s] = x
    return sbox, inv


SBOX, INV_SBOX = make_sboxes()
MUL2 = [gf_mul(x, 2) for x in range(256)]
MUL3 = [gf_mul(x, 3) for x in range(256)]
MUL9 = [gf_mul(x, 9) for x in range(256)]
MUL11 = [gf_mul(x, 11) for x in range(256)]
MUL13 = [gf_mul(x, 13) for x in range(256)]
MUL14 = [gf_mul(x, 14) for x in range(256)]

# Byte i of the state (column-major, i = row + 4 * col) after ShiftRows
# comes from byte SHIFT[i] before it.
SHIFT = [(r + 4 * ((c + r) % 4)) for c in range(4) for r in range(4)]
INV_SHIFT = [0] * 16
for _i in range(16):
    INV_SHIFT[SHIFT[_i]] = _i


class AES128(object):
    __slots__ = ("round_keys",)

    ROUNDS = 10

    def __init__(self, key):
        if len(key) != 16:
            raise ValueError("AES-128 needs a 16-byte key")
        words = [list(key[i:i + 4]) for i in range(0, 16, 4)]
        rcon = 1
        for i in range(4, 4 * (self.ROUNDS + 1)):
            temp = list(words[i - 1])
            if i % 4 == 0:
                temp = temp[1:] + temp[:1]
                temp = [SBOX[b] for b in temp]
                temp[0] ^= rcon
                rcon = xtime(rcon)
            prev = words[i - 4]
            words.append([prev[k] ^ temp[k] for k in range(4)])
        self.round_keys = []
        for r in range(self.ROUNDS + 1):
            rk = []
            for w in words[4 * r:4 * r + 4]:
                rk.extend(w)
            self.round_keys.append(rk)

    def encrypt_block(self, block):
        keys = self.round_keys
        rk = keys[0]
        state = [block[i] ^ rk[i] for i in range(16)]
        for rnd in range(1, self.ROUNDS + 1):
            # SubBytes + ShiftRows
            state = [SBOX[state[SHIFT[i]]] for i in range(16)]
            if rnd != self.ROUNDS:
                mixed = []
                for c in range(0, 16, 4):
                    a0, a1, a2, a3 = state[c:c + 4]
                    mixed.append(MUL2[a0] ^ MUL3[a1] ^ a2 ^ a3)
                    mixed.append(a0 ^ MUL2[a1] ^ MUL3[a2] ^ a3)
                    mixed.append(a0 ^ a1 ^ MUL2[a2] ^ MUL3[a3])
                    mixed.append(MUL3[a0] ^ a1 ^ a2 ^ MUL2[a3])
                state = mixed
            rk = keys[rnd]
            state = [state[i] ^ rk[i] for i in range(16)]
        return state

    def decrypt_block(self, block):
        keys = self.round_keys
        rk = keys[self.ROUNDS]
        state = [block[i] ^ rk[i] for i in range(16)]
        for rnd in range(self.ROUNDS - 1, -1, -1):
            # InvShiftRows + InvSubBytes
            state = [INV_SBOX[state[INV_SHIFT[i]]] for i in range(16)]
            rk = keys[rnd]
            state = [state[i] ^ rk[i] for i in range(16)]
            if rnd != 0:
                mixed = []
                for c in range(0, 16, 4):
                    a0, a1, a2, a3 = state[c:c + 4]
                    mixed.append(MUL14[a0] ^ MUL11[a1] ^ MUL13[a2] ^ MUL9[a3])
                    mixed.append(MUL9[a0] ^ MUL14[a1] ^ MUL11[a2] ^ MUL13[a3])
                    mixed.append(MUL13[a0] ^ MUL9[a1] ^ MUL14[a2] ^ MUL11[a3])
                    mixed.append(MUL11[a0] ^ MUL13[a1] ^ MUL9[a2] ^ MUL14[a3])
                state = mixed
        return state


def pad(data):
    n = 16 - len(data) % 16
    return data + bytes([n]) * n


def unpad(data):
    n = data[-1]
    if n < 1 or n > 16 or data[-n:] != bytes([n]) * n:
        raise ValueError("bad padding")
    return data[:-n]


def cbc_encrypt(cipher, iv, plaintext):
    data = pad(plaintext)
    out = bytearray()
    prev = list(iv)
    for i in range(0, len(data), 16):
        block = [a ^ b for a, b in zip(data[i:i + 16], prev)]
        prev = cipher.encrypt_block(block)
        out.extend(prev)
    return bytes(out)


def cbc_decrypt(cipher, iv, ciphertext):
    out = bytearray()
    prev = list(iv)
    for i in range(0, len(ciphertext), 16):
        block = list(ciphertext[i:i + 16])
        plain = cipher.decrypt_block(block)
        out.extend([a ^ b for a, b in zip(plain, prev)])
        prev = block
    return unpad(bytes(out))


def ctr_blocks(cipher, nonce, count):
    """Generator of keystream blocks: E(nonce || big-endian counter)."""
    for n in range(count):
        counter = [(n >> (8 * (7 - k))) & 0xFF for k in range(8)]
        yield cipher.encrypt_block(list(nonce) + counter)


def ctr_crypt(cipher, nonce, data):
    out = bytearray(len(data))
    nblocks = (len(data) + 15) // 16
    pos = 0
    for ks in ctr_blocks(cipher, nonce, nblocks):
        chunk = data[pos:pos + 16]
        for k in range(len(chunk)):
            out[pos + k] = chunk[k] ^ ks[k]
        pos += 16
    return bytes(out)


def make_bytes(n, seed):
    out = bytearray(n)
    x = seed
    for i in range(n):
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        out[i] = (x >> 16) & 0xFF
    return bytes(out)


def digest(data):
    h = 0
    for b in data:
        h = (h * 257 + b) % 2147483647
    return h


def self_test():
    key = bytes(range(16))
    plain = bytes([0x11 * i for i in range(16)])
    expect = "69c4e0d86a7b0430d8cdb78070b4c55a"
    c = AES128(key)
    got = c.encrypt_block(list(plain))
    if "".join(["%02x" % b for b in got]) != expect:
        raise AssertionError("AES known-answer test failed")
    if c.decrypt_block(got) != list(plain):
        raise AssertionError("AES inverse failed")


def bench(size):
    self_test()
    key = make_bytes(16, 7)
    iv = make_bytes(16, 99)
    nonce = make_bytes(8, 1234)
    message = make_bytes(size, 2024)
    cipher = AES128(key)

    enc = cbc_encrypt(cipher, iv, message)
    dec = cbc_decrypt(cipher, iv, enc)
    if dec != message:
        raise AssertionError("CBC round trip failed")

    half = message[:size // 2]
    enc2 = ctr_crypt(cipher, nonce, half)
    dec2 = ctr_crypt(cipher, nonce, enc2)
    if dec2 != half:
        raise AssertionError("CTR round trip failed")
    return "%d:%d:%d:%d" % (len(enc), digest(enc), len(enc2), digest(enc2))


if __name__ == "__main__":
    run(bench, DEFAULT_SIZE)
