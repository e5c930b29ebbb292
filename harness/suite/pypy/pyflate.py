"""Huffman coding over a bit stream, pyflate-style (Heaplab clean-room version).

Generates a pseudo-random English-like text from a small word model, counts
symbol frequencies, builds a Huffman tree with a hand-written binary heap,
derives length-limited code lengths, assigns canonical codes (as DEFLATE
does), packs the text into a byte stream LSB-first with a bit writer, then
decodes it with a bit-reader class and canonical decoding tables, and
checks the round trip with a table-driven CRC-32. Allocation: heap tuples,
tree nodes, the bytearray stream and the decoded symbol list; most time is
spent in the bit reader's small method calls. The size is the text length
in thousands of characters.
"""

import sys
from heaplab_hook import run

DEFAULT_SIZE = 1500
MAX_BITS = 15

SYLLABLES = ["the", "and", "ing", "ion", "ent", "her", "tha", "for", "is",
             "a", "of", "to", "in", "on", "re", "st", "qu", "x", "z", "ly",
             "ed", "er", "es", "al", "ou", "ch", "sh", "th"]


# ------------------------------------------------------------ text source

class Lcg(object):
    __slots__ = ("x",)

    def __init__(self, seed):
        self.x = seed & 0xFFFFFFFF

    def next(self, bound):
        self.x = (self.x * 1664525 + 1013904223) & 0xFFFFFFFF
        return (self.x >> 8) % bound


def make_text(nchars, seed):
    rng = Lcg(seed)
    parts = []
    length = 0
    sentence = 0
    while length < nchars:
        nsyl = 1 + rng.next(3)
        # Skew towards the front of the syllable list.
        word = "".join([SYLLABLES[min(rng.next(len(SYLLABLES)),
                                      rng.next(len(SYLLABLES)))]
                        for _ in range(nsyl)])
        if sentence == 0:
            word = word.capitalize()
        sentence += 1
        if sentence > 5 + rng.next(10):
            word += ". " if rng.next(4) else ".\n"
            sentence = 0
        elif rng.next(9) == 0:
            word += ", "
        else:
            word += " "
        parts.append(word)
        length += len(word)
    return "".join(parts)[:nchars]


# ------------------------------------------------------------ CRC-32

def make_crc_table():
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            if c & 1:
                c = 0xEDB88320 ^ (c >> 1)
            else:
                c >>= 1
        table.append(c)
    return table


CRC_TABLE = make_crc_table()


def crc32(data):
    c = 0xFFFFFFFF
    for b in data:
        c = CRC_TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


# ------------------------------------------------------------ Huffman tree

class MinHeap(object):
    """Binary min-heap of comparable tuples."""

    def __init__(self):
        self.items = []

    def __len__(self):
        return len(self.items)

    def push(self, item):
        items = self.items
        items.append(item)
        i = len(items) - 1
        while i > 0:
            parent = (i - 1) >> 1
            if items[parent] <= item:
                break
            items[i] = items[parent]
            i = parent
        items[i] = item

    def pop(self):
        items = self.items
        last = items.pop()
        if not items:
            return last
        top = items[0]
        n = len(items)
        i = 0
        while True:
            child = 2 * i + 1
            if child >= n:
                break
            if child + 1 < n and items[child + 1] < items[child]:
                child += 1
            if last <= items[child]:
                break
            items[i] = items[child]
            i = child
        items[i] = last
        return top


class Node(object):
    __slots__ = ("symbol", "left", "right")

    def __init__(self, symbol, left=None, right=None):
        self.symbol = symbol
        self.left = left
        self.right = right


def code_lengths(freqs):
    """Huffman code lengths for the symbols with nonzero frequency.

    Ties are broken by a sequence number, so the tree is deterministic.
    """
    heap = MinHeap()
    seq = 0
    for sym in range(len(freqs)):
        if freqs[sym]:
            heap.push((freqs[sym], seq, Node(sym)))
            seq += 1
    lengths = [0] * len(freqs)
    if len(heap) == 1:
        lengths[heap.pop()[2].symbol] = 1
        return lengths
    while len(heap) > 1:
        f1, _, a = heap.pop()
        f2, _, b = heap.pop()
        heap.push((f1 + f2, seq, Node(-1, a, b)))
        seq += 1
    stack = [(heap.pop()[2], 0)]
    while stack:
        node, depth = stack.pop()
        if node.left is None:
            lengths[node.symbol] = depth
        else:
            stack.append((node.right, depth + 1))
            stack.append((node.left, depth + 1))
    return lengths


def limit_lengths(lengths, limit):
    """Clamps code lengths to `limit` and repairs the Kraft sum."""
    lengths = [min(l, limit) for l in lengths]
    kraft = 0
    for l in lengths:
        if l:
            kraft += 1 << (limit - l)
    # Lengthen the longest codes shorter than the limit until it fits.
    while kraft > (1 << limit):
        best = -1
        for s in range(len(lengths)):
            l = lengths[s]
            if 0 < l < limit and (best < 0 or l > lengths[best]):
                best = s
        kraft -= 1 << (limit - lengths[best] - 1)
        lengths[best] += 1
    return lengths


def canonical_codes(lengths):
    """DEFLATE-style canonical code assignment: returns {symbol: code}."""
    max_len = max(lengths)
    bl_count = [0] * (max_len + 1)
    for l in lengths:
        if l:
            bl_count[l] += 1
    next_code = [0] * (max_len + 2)
    code = 0
    for bits in range(1, max_len + 1):
        code = (code + bl_count[bits - 1]) << 1 if bits > 1 else 0
        next_code[bits] = code
    codes = [0] * len(lengths)
    for sym in range(len(lengths)):
        l = lengths[sym]
        if l:
            codes[sym] = next_code[l]
            next_code[l] += 1
    return codes


# ------------------------------------------------------------ bit streams

class BitWriter(object):
    def __init__(self):
        self.out = bytearray()
        self.acc = 0
        self.nbits = 0

    def write(self, value, nbits):
        """Appends `nbits` bits of `value`, least significant first."""
        self.acc |= value << self.nbits
        self.nbits += nbits
        while self.nbits >= 8:
            self.out.append(self.acc & 0xFF)
            self.acc >>= 8
            self.nbits -= 8

    def write_code(self, code, length):
        """Huffman codes go out most significant bit first (as in DEFLATE)."""
        rev = 0
        for _ in range(length):
            rev = (rev << 1) | (code & 1)
            code >>= 1
        self.write(rev, length)

    def finish(self):
        if self.nbits:
            self.out.append(self.acc & 0xFF)
            self.acc = 0
            self.nbits = 0
        return bytes(self.out)


class BitReader(object):
    def __init__(self, data):
        self.data = data
        self.pos = 0
        self.bit = 0

    def read_bit(self):
        b = (self.data[self.pos] >> self.bit) & 1
        self.bit += 1
        if self.bit == 8:
            self.bit = 0
            self.pos += 1
        return b

    def read_bits(self, n):
        value = 0
        for i in range(n):
            value |= self.read_bit() << i
        return value


class HuffmanDecoder(object):
    """Decodes canonical codes bit by bit using per-length counts."""

    def __init__(self, lengths):
        max_len = max(lengths)
        self.counts = [0] * (max_len + 1)
        for l in lengths:
            if l:
                self.counts[l] += 1
        # Symbols ordered by (length, symbol): the canonical order.
        self.symbols = [s for l in range(1, max_len + 1)
                        for s in range(len(lengths)) if lengths[s] == l]
        self.max_len = max_len

    def decode(self, reader):
        code = 0       # bits read so far
        first = 0      # first code of the current length
        index = 0      # index of that code in self.symbols
        counts = self.counts
        for length in range(1, self.max_len + 1):
            code |= reader.read_bit()
            count = counts[length]
            if code - first < count:
                return self.symbols[index + code - first]
            index += count
            first = (first + count) << 1
            code <<= 1
        raise ValueError("invalid Huffman code")


# ------------------------------------------------------------ driver

def compress(data):
    freqs = [0] * 257
    for b in data:
        freqs[b] += 1
    freqs[256] = 1                     # end-of-block symbol
    lengths = limit_lengths(code_lengths(freqs), MAX_BITS)
    codes = canonical_codes(lengths)
    w = BitWriter()
    # Header: code length of every symbol, 4 bits each (0..15).
    for l in lengths:
        w.write(l, 4)
    for b in data:
        w.write_code(codes[b], lengths[b])
    w.write_code(codes[256], lengths[256])
    return w.finish(), lengths


def decompress(stream):
    r = BitReader(stream)
    lengths = [r.read_bits(4) for _ in range(257)]
    dec = HuffmanDecoder(lengths)
    out = bytearray()
    while True:
        sym = dec.decode(r)
        if sym == 256:
            break
        out.append(sym)
    return bytes(out), lengths


def bench(size):
    text = make_text(size * 1000, 20240601)
    data = text.encode("ascii")
    stream, lengths = compress(data)
    decoded, lengths2 = decompress(stream)
    if lengths2 != lengths or decoded != data:
        raise AssertionError("Huffman round trip failed")
    return "%d:%d:%08x:%08x" % (len(data), len(stream), crc32(decoded),
                                crc32(stream))


if __name__ == "__main__":
    run(bench, DEFAULT_SIZE)
