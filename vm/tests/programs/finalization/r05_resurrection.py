# R5c/R5d (finalizers all run; resurrection), R6.3, R2's R5c exception.
# A unit of three objects: a and b have __del__, c has none. a.__del__ makes
# the whole unit reachable again; b.__del__ still runs (R5c), whichever runs
# first. After phase c the members are ordinary live objects: finalized flags
# stay set, weakrefs cleared in phase a stay dead, new weakrefs work; when
# they die again they are processed without phase c.
# The unit is a cycle, so CPython's cycle collector agrees. "Everything they
# reach is live and unprocessed" is tested in r04_dependent_cycles_model.py
# (section 2): CPython finalizes such successors in the same batch.
import gc
from _weakref import ref

log = []
RESCUED = []


def watch(name):
    def cb(w):
        log.append("callback " + name)
    return cb


def show(label):
    print(label + ":", ", ".join(sorted(log)) if log else "-")
    log.clear()


class Fin:
    def __init__(self, name, rescue=False):
        self.name = name
        self.rescue = rescue

    def __del__(self):
        log.append("del %s (members intact: %s)"
                   % (self.name, self.next.next.next is self))
        if self.rescue:
            RESCUED.append(self)


class Plain:
    def __init__(self, name):
        self.name = name


def make_unit():
    a, b, c = Fin("a", rescue=True), Fin("b"), Plain("c")
    a.next, b.next, c.next = b, c, a
    return {n: ref(o, watch(n + " old")) for n, o in (("a", a), ("b", b), ("c", c))}


OLD = make_unit()
gc.collect()
show("first collection")
print("resurrected:", [o.name for o in RESCUED])
a = RESCUED[0]
print("old weakrefs dead:", sorted(n for n, w in OLD.items() if w() is None))
print("unit intact:", a.next.name, a.next.next.name, a.next.next.next is a)
NEW = {o.name: ref(o, watch(o.name + " new")) for o in (a, a.next, a.next.next)}
print("new weakrefs alive:", sorted(n for n, w in NEW.items() if w() is not None))
gc.collect()
show("collection while resurrected")
print("old weakrefs still dead:", sorted(n for n, w in OLD.items() if w() is None))

# Second death: no __del__ (flags stay set), new callbacks run.
a = None
RESCUED.clear()
gc.collect()
show("second collection")
print("new weakrefs dead:", sorted(n for n, w in NEW.items() if w() is None))
