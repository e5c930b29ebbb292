# Shrunk failing case of tests/finalization_props.rs.
# collector: copying (also conservative, every roots mode, with or without --gc-stress)
# rule: R3 (trace: at most one FREE per object)
# detail: case 0: o0 has a rooted callback-less weakref created by its own
#   __del__ (LATE.append(ref(self))). Expected trace: DEL o0, then (one
#   pause) CLEAR L0 and FREE o0 once. Observed: DEL 16, FREE 16, CLEAR 32,
#   FREE 16: reaper.rs `finish` emits FREE from the watch loop (o0 not
#   reached) and again from the weakref pass (L0's referent dead-now,
#   `freed` only dedups inside that pass). Fixed: one `freed` set spans
#   both, and the watched member's FREE follows the CLEAR of its late
#   weakref.
# Generated graphs (replayed by the test):
#| [[cases]]
#| edges = []
#| weaks = []
#| 
#| [[cases.objs]]
#| finalizable = true
#| list_edges = false
#| rooted = false
#| 
#| [cases.objs.action.LateRef]
#| callback = false
#| rooted = true

import gc
import _heaplab
from _weakref import ref, proxy

ROOT = []
ROOTW = {}
KEEP = []
LATE = []


def label(k, name, o):
    _heaplab.trace_mark("label " + str(k) + " " + name + " " + str(id(o)))


def dead(w, px):
    if px:
        try:
            w.n
        except ReferenceError:
            return 1
        return 0
    return 1 if w() is None else 0


def obs(k):
    return ",".join([e[0] + "=" + str(dead(e[1], e[2])) for e in ROOTW[k]]) or "-"


def mkcb(k, n, a=None):
    px = n[0] == "p"

    def cb(w, _a=a):
        print("CB", k, n, id(w), dead(w, px), obs(k))
    return cb


class Base:
    def __init__(self, n):
        self.n = n


class Plain(Base):
    pass


class Junk:
    def __del__(self):
        pass


class D0_0(Base):
    def __del__(self):
        print("DEL", 0, "o0", obs(0))
        lw = ref(self)
        label(0, "L0", lw)
        LATE.append(lw)


def case_0():
    ROOTW[0] = []
    o0 = D0_0("o0")
    label(0, "o0", o0)


_heaplab.trace_mark("case 0 begin")
case_0()
gc.collect()
print("END", 0, obs(0))
_heaplab.trace_mark("case 0 end")


print("GARBAGE", len(gc.garbage))
