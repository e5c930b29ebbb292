# R15 (weakref hashing and equality): hash(w) is hash(x), computed at the
# first hash(w) while x is alive and then cached; hashing a dead weakref that
# was never hashed raises TypeError; w1 == w2 compares the referents while
# both are alive and is identity otherwise. Default hash() and id() are
# stable for an object's whole life (also across collections that may move
# it). Whether ref(x) returns an existing weakref MAY DIFFER, so every
# weakref here has its own callback and is therefore a distinct object.
import gc
from _weakref import ref

log = []


def cb(w):
    log.append("callback")


def cb2(w):
    log.append("callback 2")


class H:
    def __init__(self, h, name):
        self.h = h
        self.name = name

    def __hash__(self):
        return self.h

    def __eq__(self, other):
        return isinstance(other, H) and self.name == other.name


def die(o):
    o.me = o


x = H(12345, "x")
w = ref(x, cb)
print("hash(w) == hash(x):", hash(w) == hash(x), hash(w))
x.h = 999
print("cached while alive:", hash(w), hash(x))
wn = ref(x, cb2)   # never hashed
die(x)
x = None
gc.collect()
print("dead:", w() is None, wn() is None, sorted(log))
print("cached after death:", hash(w))
try:
    hash(wn)
    print("hash of a dead never-hashed weakref: no error")
except TypeError:
    print("hash of a dead never-hashed weakref: TypeError")

# Equality.
a1, a2, b = H(1, "a"), H(1, "a"), H(3, "b")
wa1, wa1b, wa2, wb = ref(a1, cb), ref(a1, cb2), ref(a2, cb), ref(b, cb)
print("distinct objects:", wa1 is not wa1b)
print("alive:", wa1 == wa1b, wa1 == wa2, wa1 == wb, wa1 != wa2, wa1 != wb)
print("dict lookup by an equal weakref:", {wa1: "found"}.get(wa2))
print("hashes follow referents:", hash(wa1) == hash(a1), hash(wa2) == hash(a2))
die(a1)
a1 = None
gc.collect()
print("a1 dead:", wa1() is None, wa1b() is None)
print("dead vs alive:", wa1 == wa2, wa1 != wa2)
print("dead vs dead:", wa1 == wa1b, wa1 == wa1, wa1 != wa1b)
print("hash still cached:", hash(wa1) == 1)

# Default hash and id are stable across collections.
class Plain:
    pass


objs = [Plain() for i in range(50)]
hashes = [hash(o) for o in objs]
ids = [id(o) for o in objs]
table = {o: i for i, o in enumerate(objs)}
for i in range(3):
    junk = [[Plain()] for j in range(1000)]
    junk = None
    gc.collect()
print("default hash stable:", hashes == [hash(o) for o in objs])
print("id stable:", ids == [id(o) for o in objs])
print("dict lookups:", all(table[o] == i for i, o in enumerate(objs)))
wp = [ref(o, cb) for o in objs]
print("hash(ref) == hash(obj):", all(hash(w) == h for w, h in zip(wp, hashes)))
