# weakref.py, _weakrefset.py, _collections_abc.py, abc.py and types.py from
# CPython's stdlib, imported unmodified: the weak containers, ref, proxy,
# WeakMethod and finalize. Only strongly held referents are used, so the
# output does not depend on when (or whether) the heap collects; reclamation
# through these containers is tested by finalization/r10_weak_containers.py.
import _collections_abc
import gc
import weakref


class Obj:
    def __init__(self, name):
        self.name = name

    def method(self):
        return "method of " + self.name

    def __repr__(self):
        return "Obj(%r)" % self.name


def collect():
    for _ in range(3):
        gc.collect()


# WeakValueDictionary
d = weakref.WeakValueDictionary()
keep = [Obj("a"), Obj("b")]
for o in keep:
    d[o.name] = o
collect()
print("values:", sorted(d.keys()), len(d), "a" in d, "c" in d)
print("get:", d.get("a"), d.get("c", "gone"))
print(sorted(d.items(), key=lambda kv: kv[0]))
d.pop("a")
print("after pop:", sorted(d))
print(isinstance(d, _collections_abc.MutableMapping), issubclass(weakref.WeakSet, _collections_abc.Set))
d.setdefault("z", keep[1])
print(sorted(d), d["z"])

# WeakKeyDictionary
k = weakref.WeakKeyDictionary()
k[keep[0]] = 1
k[keep[1]] = 2
tmp = Obj("tmp")
k[tmp] = 3
print("keys before:", len(k), sorted(o.name for o in k))
del k[tmp]
collect()
print("keys after:", len(k), sorted(v for v in k.values()), keep[0] in k, tmp in k)

# WeakSet
s = weakref.WeakSet()
t = Obj("t")
s.add(keep[0])
s.add(t)
print("set:", len(s), keep[0] in s, t in s)
s.discard(t)
collect()
print("set after:", len(s), sorted(o.name for o in s))
s2 = weakref.WeakSet([keep[0], keep[1]])
print("ops:", len(s | s2), len(s & s2), len(s2 - s), s <= s2)

# ref, proxy, WeakMethod
o = Obj("r")
calls = []
r = weakref.ref(o, lambda ref: calls.append("callback"))
p = weakref.proxy(o)
m = weakref.WeakMethod(o.method)
print(r() is o, p.name, m()(), weakref.getweakrefcount(o), calls)
print(r == weakref.ref(o), hash(r) == hash(o), type(p).__name__, isinstance(m, weakref.ref))

# finalize
log = []
f_obj = Obj("f")
fin = weakref.finalize(f_obj, log.append, "finalized f")
print("alive:", fin.alive, fin.peek()[0] is not None, fin.peek()[2:])
print("detach:", fin.detach()[2:], fin.alive, fin(), log)
f2 = Obj("f2")
fin2 = weakref.finalize(f2, log.append, "called f2")
print(fin2(), fin2.alive, log)
fin3 = weakref.finalize(keep[0], print, "at exit: finalizer of a live object")
print("registered", fin3.atexit)

import copy
wk = weakref.WeakKeyDictionary({keep[0]: "v"})
wk2 = copy.copy(wk)
wv = copy.deepcopy(weakref.WeakValueDictionary({"k": keep[1]}))
print(len(wk2), wk2[keep[0]], sorted(wv), copy.deepcopy([1, {"a": (2, 3)}]))
