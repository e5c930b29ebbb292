# Native classes' methods called on a foreign `self`: CPython words the
# TypeError one way for slot wrappers (__call__, __next__, ...) and another
# for plain methods; Heaplab's native modules must match both.
import array
import collections
import functools
import operator
import random
import zlib

cases = [
    ("array.append", lambda: array.array.append(1, 2)),
    ("array iterator __next__", lambda: type(iter(array.array("i"))).__next__(1)),
    ("deque.append", lambda: collections.deque.append(1, 2)),
    ("deque.__len__", lambda: collections.deque.__len__("x")),
    ("deque iterator __next__", lambda: type(iter(collections.deque())).__next__(1)),
    ("defaultdict.__missing__", lambda: collections.defaultdict.__missing__(1, 2)),
    ("partial.__call__", lambda: functools.partial.__call__(1)),
    ("itemgetter.__call__", lambda: operator.itemgetter.__call__(1, 2)),
    ("attrgetter.__call__", lambda: operator.attrgetter.__call__([], 2)),
    ("Random.random", lambda: random.Random.random(1)),
    ("Random.getrandbits", lambda: random.Random.getrandbits(None, 3)),
    ("Compress.compress", lambda: type(zlib.compressobj()).compress(1, b"")),
    ("Decompress.flush", lambda: type(zlib.decompressobj()).flush(2.5)),
]
for what, call in cases:
    try:
        call()
    except TypeError as e:
        print(what, "->", e)
    else:
        print(what, "-> no error")
