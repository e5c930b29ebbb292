# R7 (callback invocation): callback(w) runs at most once, only if w is not
# dead; it receives w itself and w() is None inside. Cases:
#   1. w reachable from roots -> called (x a single object, and x in a cycle);
#   2. w dead before its referent (dropped while x is alive) -> not called;
#      w in an earlier unit (its callback holds x) -> not called;
#   3. w in the same unit as x -> not called;
#   4. w reachable only through x's successor unit -> called (x a single
#      object; for x in a cycle CPython differs, see
#      r07_successor_cycle_model.py);
#   5. several weakrefs to one referent: the newest callback runs first.
# The case where w and x die in unrelated units MAY DIFFER and is not tested.
import gc
from _weakref import ref

log = []
ROOT = {}


class X:
    def __init__(self, name):
        self.name = name

    def method(self, w):
        log.append("callback %s (bound method)" % self.name)


def watch(name, expect=None):
    def cb(w):
        same = "" if expect is None else ", receives w %s" % (w is ROOT[expect])
        log.append("callback %s: w() is None %s%s" % (name, w() is None, same))
    return cb


def show(label):
    print(label + ":", "; ".join(sorted(log)) if log else "-")
    log.clear()


# 1. w reachable from roots.
def case1():
    x = X("single")
    ROOT["1a"] = ref(x, watch("1a", "1a"))
    y = X("cyclic")
    y.me = y
    ROOT["1b"] = ref(y, watch("1b", "1b"))


case1()
gc.collect()
show("1. w reachable from roots")


# 2. w dead before its referent; w in an earlier unit.
def case2():
    x = X("x")
    w = ref(x, watch("2a"))
    w = None
    ROOT["x2"] = x
    y = X("y")
    y.me = y
    return ref(y, lambda w, y=y: log.append("callback 2b"))


w2b = case2()
gc.collect()
show("2a. x still alive")
del ROOT["x2"]
w2b = None
gc.collect()
show("2. w dead first, or w in an earlier unit")


# 3. w in the same unit as x.
def case3():
    x = X("3a")
    x.w = ref(x, x.method)          # x -> w -> bound method -> x
    y, z = X("3b"), X("3b partner")
    y.partner, z.partner = z, y
    z.w = ref(y, lambda w, z=z: log.append("callback 3b"))   # z -> w -> lambda -> z
    return ref(x), ref(y)


PLAIN3 = case3()
gc.collect()
show("3. w in the same unit as x")
print("referents gone:", [w() is None for w in PLAIN3])


# 4. w reachable only through x's successor unit (x is one object).
class Holder:
    pass


def case4():
    x = X("4")
    h = Holder()
    x.h = h
    h.w = ref(x, case4_callback)
    ROOT["4"] = ref(h)


def case4_callback(w):
    h = ROOT["4"]()
    log.append("callback 4: w() is None %s, receives h.w %s"
               % (w() is None, h is not None and h.w is w))


case4()
gc.collect()
show("4. w in a successor unit")


# 5. Newest weakref's callback first, for one referent (here in log order).
def case5():
    x = X("5")
    x.me = x
    for i in range(4):
        ROOT["5-%d" % i] = ref(x, watch("5-%d" % i))


case5()
gc.collect()
print("5. order:", [line.split(":")[0] for line in log])
log.clear()

# At most once: further collections run nothing.
gc.collect()
gc.collect()
show("later collections")
