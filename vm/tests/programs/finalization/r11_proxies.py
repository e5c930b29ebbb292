# R11 (proxies): same rules as ref. The callback receives the proxy itself;
# after clearing, any operation that needs the referent raises ReferenceError,
# for plain and for callable proxies. Proxies to members of a unit are dead
# in the unit's callbacks and finalizers. The referents are in cycles, so
# CPython's cycle collector agrees.
import gc
from _weakref import proxy, ref, getweakrefcount

log = []
P = {}


def proxy_dead(p):
    try:
        p.name
    except ReferenceError:
        return True
    return False


def watch(name):
    def cb(p):
        log.append("callback %s: receives its proxy %s, proxy dead %s"
                   % (name, p is P[name], proxy_dead(p)))
    return cb


class Obj:
    def __init__(self, name):
        self.name = name

    def __len__(self):
        return 3

    def __del__(self):
        log.append("del %s: proxy dead %s" % (self.name, proxy_dead(P[self.name])))


class Func(Obj):
    def __call__(self, a):
        return a * 2


def make():
    o = Obj("plain")
    o.me = o
    P["plain"] = proxy(o, watch("plain"))
    f = Func("callable")
    f.me = f
    P["callable"] = proxy(f, watch("callable"))
    print("alive:", P["plain"].name, len(P["plain"]), P["callable"](21),
          P["callable"].name, getweakrefcount(o), getweakrefcount(f))
    print("callable() on the proxies:", callable(P["plain"]), callable(P["callable"]))


make()
gc.collect()
for line in sorted(log):
    print(line)

p, c = P["plain"], P["callable"]
for what, op in [("attribute", lambda: p.name), ("len", lambda: len(p)),
                 ("str", lambda: str(p)), ("bool", lambda: bool(p)),
                 ("call", lambda: c(21)), ("callable attribute", lambda: c.name)]:
    try:
        op()
        print(what + ": no error")
    except ReferenceError:
        print(what + ": ReferenceError")
