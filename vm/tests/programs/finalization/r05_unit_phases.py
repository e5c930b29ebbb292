# R5 a-c (phases within one unit): (a) every weakref and proxy to every member
# is cleared before any Python code runs; (b) then all callbacks of the unit
# run, each receiving its weakref; (c) only then do the finalizers run, with
# every member still intact. Order across members is free, so lines are
# sorted and phase order is checked with counters instead.
# The unit is a cycle, so CPython's cycle collector handles it the same way.
import gc
from _weakref import ref, proxy

log = []
W = {}
CALLBACKS_DONE = []


def all_refs_dead():
    try:
        PROXY[0].name
        return False
    except ReferenceError:
        return all(w() is None for w in W.values())


def watch(name):
    def cb(w):
        CALLBACKS_DONE.append(name)
        log.append("callback %s: receives its weakref %s, all refs dead %s, dels so far %d"
                   % (name, w is SENT[name],
                      all_refs_dead(), DELS[0]))
    return cb


DELS = [0]
PROXY = []
SENT = {}  # name -> the weakref or proxy whose callback logs under that name


class Member:
    def __init__(self, name):
        self.name = name


class Fin(Member):
    def __del__(self):
        DELS[0] += 1
        ring = []
        m = self
        for i in range(3):
            ring.append(m.name)
            m = m.next
        log.append("del %s: callbacks done %d, all refs dead %s, ring intact %s"
                   % (self.name, len(CALLBACKS_DONE), all_refs_dead(),
                      "-".join(ring)))


def make_unit():
    x, y, z = Fin("x"), Fin("y"), Member("z")
    x.next, y.next, z.next = y, z, x
    W["x"] = ref(x, watch("x"))
    W["y"] = ref(y, watch("y"))
    W["z"] = ref(z, watch("z"))
    W["x plain"] = ref(x)
    PROXY.append(proxy(x, watch("proxy x")))
    SENT.update(W)
    SENT["proxy x"] = PROXY[0]


make_unit()
gc.collect()
for line in sorted(log):
    print(line)
log.clear()
print("callbacks:", len(CALLBACKS_DONE), "dels:", DELS[0])
try:
    PROXY[0].name
except ReferenceError:
    print("proxy cleared: ReferenceError")
