# Shrunk failing case of tests/finalization_props.rs (hand-minimized from
# the proptest shrink of a 100k-case run).
# collector: copying+stress (also conservative-precise+stress; plain
#   copying / conservative-precise pass)
# rule: R5d / R7 (callbacks cannot reach a unit; nothing is resurrected
#   unless a __del__ makes it reachable)
# detail: graph o0 -> o1, o1 -> w0 = ref(o3, cb holding o1), so
#   S = {o1, w0} is one unit after {o0}; o2 -> o3, rooted w1 = ref(o2, cb).
#   Expected (model, and what plain copying does): DEL o0, FREE o0,
#   DEL o1, FREE o1; w0 is a member of S whose processing has started,
#   so it is dead: CLEAR w0 may appear, CALLBACK w0 must not, and no
#   RESURRECT. Observed with --gc=copying --gc-stress:
#   CLEAR w1, DEL o0, CALLBACK w1, FREE o0, DEL o1, FREE o2, CLEAR w0,
#   CALLBACK w0, RESURRECT o1, FREE o3 -- no FREE o1. A stress collection
#   inside o1.__del__ processes o3's unit while S is still queued; the
#   queue roots S's members, so the reaper's weakref pass sees w0 as live
#   (not in this round's `processing` set) and queues its callback, which
#   holds o1: the next round finds o1 reached and reports it resurrected.
#   If the callback stores its default argument (KEEP.append(_a)), o1 --
#   finalized garbage no __del__ made reachable -- is kept alive for good.
#   Fixed: members of a unit whose processing started carry a DEAD bit
#   (weakref.rs) until the unit is reclaimed or resurrected.
# Generated graphs (replayed by the test):
#| [[cases]]
#| edges = [[0, 1], [2, 3]]
#|
#| [[cases.objs]]
#| finalizable = true
#| list_edges = false
#| rooted = false
#| action = "Nothing"
#|
#| [[cases.objs]]
#| finalizable = true
#| list_edges = false
#| rooted = false
#| action = "Nothing"
#|
#| [[cases.objs]]
#| finalizable = false
#| list_edges = false
#| rooted = false
#| action = "Nothing"
#|
#| [[cases.objs]]
#| finalizable = false
#| list_edges = false
#| rooted = false
#| action = "Nothing"
#|
#| [[cases.weaks]]
#| target = 3
#| proxy = false
#| callback = true
#| anchor = 1
#|
#| [cases.weaks.holder]
#| Obj = 1
#|
#| [[cases.weaks]]
#| target = 2
#| proxy = false
#| callback = true
#| holder = "Root"

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


class D0_1(Base):
    def __del__(self):
        print("DEL", 0, "o1", obs(0))


def case_0():
    ROOTW[0] = []
    o0 = D0_0("o0")
    label(0, "o0", o0)
    o1 = D0_1("o1")
    label(0, "o1", o1)
    o2 = Plain("o2")
    label(0, "o2", o2)
    o3 = Plain("o3")
    label(0, "o3", o3)
    o0.e0 = o1
    o2.e0 = o3
    w0 = ref(o3, mkcb(0, "w0", o1))
    label(0, "w0", w0)
    o1.w0 = w0
    w1 = ref(o2, mkcb(0, "w1"))
    label(0, "w1", w1)
    ROOTW[0].append(("w1", w1, 0))


_heaplab.trace_mark("case 0 begin")
case_0()
gc.collect()
print("END", 0, obs(0))
_heaplab.trace_mark("case 0 end")


print("GARBAGE", len(gc.garbage))
