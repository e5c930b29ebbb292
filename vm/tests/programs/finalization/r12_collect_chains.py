# R12 (gc.collect): when gc.collect() returns, every object that was garbage
# at its call has been processed and reclaimed or resurrected, even along
# long chains of candidates (one internal round per layer), and also while
# the collector is disabled. One gc.collect() per scenario.
# Chains of single objects: CPython's refcounting processes them at once, in
# chain order, which is also the order the model fixes (R4). Chains of
# cycles: CPython's cycle collector takes them in one batch; their order
# differs (see r04_dependent_cycles_model.py), so only counts are printed.
import gc
from _weakref import ref

ORDER = []
N = 60


class Fin:
    def __init__(self, i, nxt):
        self.i = i
        self.next = nxt

    def __del__(self):
        ORDER.append(self.i)


class Node:
    def __init__(self, i, nxt):
        self.i = i
        self.next = nxt


def fin_chain(n):
    head = None
    for i in reversed(range(n)):
        head = Fin(i, head)
    return ref(head)


def callback_chain(n):
    # Candidates without __del__: each node is the referent of a callback weakref.
    head = None
    for i in reversed(range(n)):
        head = Node(i, head)
        WREFS.append(ref(head, lambda w, i=i: ORDER.append(i)))


def cycle_chain(n):
    # n cycles a_i <-> b_i, each a_i with __del__, a_i -> a_(i+1).
    nxt = None
    for i in reversed(range(n)):
        a = Fin(i, nxt)
        a.partner = Node(i, a)
        WREFS.append(ref(a.partner))
        nxt = a
    WREFS.append(ref(nxt))


def mixed_chain(n):
    # Alternating: __del__ objects, plain nodes, callback referents.
    head = None
    for i in reversed(range(n)):
        if i % 3 == 0:
            head = Fin(i, head)
        elif i % 3 == 1:
            head = Node(i, head)
        else:
            head = Node(i, head)
            WREFS.append(ref(head, lambda w, i=i: ORDER.append(i)))


def report(label, expect_order):
    alive = sum(w() is not None for w in WREFS)
    if expect_order:
        print(label + ": processed", len(ORDER), "in chain order",
              ORDER == sorted(ORDER), "weakrefs alive", alive)
    else:
        print(label + ": processed", len(ORDER), "distinct", len(set(ORDER)),
              "weakrefs alive", alive)
    ORDER.clear()
    WREFS.clear()


WREFS = []
WREFS.append(fin_chain(N))
gc.collect()
report("__del__ chain", True)

callback_chain(N)
gc.collect()
report("callback chain", True)

mixed_chain(N)
gc.collect()
report("mixed chain", True)

cycle_chain(20)
gc.collect()
report("chain of cycles", False)

gc.disable()
print("disabled:", not gc.isenabled())
WREFS.append(fin_chain(N))
gc.collect()
report("__del__ chain while disabled", True)
cycle_chain(20)
gc.collect()
report("chain of cycles while disabled", False)
gc.enable()
print("enabled:", gc.isenabled())
