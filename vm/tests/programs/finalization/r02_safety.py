# R2 (safety): the collector never reclaims a reachable object, never clears
# its weakrefs and never finalizes it, whatever path keeps it reachable.
# Each object below has a __del__ and a weakref with a callback; after
# several collections nothing may have happened. Then everything is dropped
# and one gc.collect() processes all of it (R12).
import gc
from _weakref import ref, getweakrefcount

log = []
WREFS = {}


class Fin:
    def __init__(self, name):
        self.name = name
        WREFS[name] = ref(self, watch(name))

    def __del__(self):
        log.append(self.name + ": del")

    def method(self):
        return self.name


def watch(name):
    def cb(w):
        log.append(name + ": callback")
    return cb


class Slotted:
    __slots__ = ("item",)


class Holder:
    pass


def build():
    keep = {}
    keep["list"] = [Fin("list")]
    keep["dict value"] = {"k": Fin("dict value")}
    keep["dict key"] = {Fin("dict key"): 1}
    keep["set"] = {Fin("set")}
    keep["tuple"] = [(1, (2, frozenset([Fin("frozenset in tuple")])))]
    s = Slotted()
    s.item = Fin("slot")
    keep["slot"] = s
    o = Fin("closure cell")
    keep["closure"] = lambda: o
    keep["bound method"] = Fin("bound method").method
    a = Fin("cycle a")
    b = Fin("cycle b")
    a.other = b
    b.other = a
    keep["cycle"] = a
    head = None
    for i in range(200):
        n = Holder()
        n.next = head
        head = n
    tail = head
    while tail.next is not None:
        tail = tail.next
    tail.payload = Fin("end of a long list")
    keep["long list"] = head
    # An object reachable only from the callback of a live weakref.
    hidden = Fin("callback closure")
    target = Fin("weakref target")
    keep["target"] = target
    keep["weakref"] = ref(target, lambda w: hidden.method())
    return keep


def default_arg(x=Fin("default argument")):
    return x


Holder.attr = Fin("class attribute")
default_arg.attr = Fin("function attribute")


def gen():
    x = Fin("generator local")
    yield 1
    yield x


KEEP = build()
G = gen()
next(G)

for i in range(3):
    gc.collect()
print("events after 3 collections:", sorted(log))
alive = sorted(name for name, w in WREFS.items() if w() is not None)
print("weakrefs alive:", len(alive), "of", len(WREFS))
print("weakref counts:", sorted(set(getweakrefcount(w()) for w in WREFS.values())))
print("graph intact:", KEEP["cycle"].other.other is KEEP["cycle"],
      KEEP["closure"]().name, KEEP["bound method"](), default_arg().name,
      Holder.attr.name, default_arg.attr.name)
print("target weakref alive:", KEEP["weakref"]() is KEEP["target"])

# Drop everything.
KEEP = None
G.close()
G = None
del Holder.attr
del default_arg.attr
default_arg = None
gc.collect()
names = sorted(WREFS)
print("weakrefs dead:", sum(WREFS[n]() is None for n in names), "of", len(names))
for n in names:
    print(n + ":", " / ".join(sorted(e.split(": ")[1] for e in log if e.split(": ")[0] == n)))
