# R3 (at most once): __del__ runs at most once per object. The finalized flag
# is set just before the call and never reset: not by resurrection, not by an
# exception in __del__. A resurrected object that becomes garbage again is
# processed without phase c (its new weakrefs are cleared, their callbacks
# run, but __del__ does not run again).
import gc
import sys
from _weakref import ref

log = []
CALLS = {}
RESCUED = []


def hook(args):
    log.append("unraisable %s: %s" % (args.exc_type.__name__, args.exc_value))


sys.unraisablehook = hook


def watch(name):
    def cb(w):
        log.append("callback %s (w() is None: %s)" % (name, w() is None))
    return cb


def show(label):
    print(label + ":", ", ".join(sorted(log)) if log else "-")
    log.clear()


class Fin:
    mode = "plain"

    def __init__(self, name, mode):
        self.name = name
        self.mode = mode
        self.me = self  # a cycle
        CALLS[name] = 0

    def __del__(self):
        CALLS[self.name] += 1
        log.append("del " + self.name)
        if self.mode in ("resurrect", "resurrect and raise"):
            RESCUED.append(self)
        if self.mode in ("raise", "resurrect and raise"):
            raise ValueError("from __del__ of " + self.name)


def make(name, mode):
    x = Fin(name, mode)
    return ref(x, watch(name + " old"))


W = {}
for name, mode in [("plain", "plain"), ("raiser", "raise"),
                   ("phoenix", "resurrect"), ("raising phoenix", "resurrect and raise")]:
    W[name] = make(name, mode)

gc.collect()
show("first collection")
print("rescued:", sorted(x.name for x in RESCUED))
print("old weakrefs dead:", sorted((n, w() is None) for n, w in W.items()))

# New weakrefs to the resurrected objects work normally.
NEW = {x.name: ref(x, watch(x.name + " new")) for x in RESCUED}
print("new weakrefs alive:", sorted((n, w() is not None) for n, w in NEW.items()))

# The resurrected objects die again: no second __del__, new callbacks run.
RESCUED.clear()
gc.collect()
show("second collection")
print("new weakrefs dead:", sorted((n, w() is None) for n, w in NEW.items()))
print("rescued:", RESCUED)

for i in range(3):
    gc.collect()
show("more collections")
print("__del__ calls:", sorted(CALLS.items()))

# A cycle whose two finalizable members both resurrect the pair: each
# __del__ runs once, the first time only.
a = Fin("a", "resurrect")
b = Fin("b", "plain")
a.other = b
b.other = a
wa = ref(a)
a = b = None
gc.collect()
show("pair, first collection")
RESCUED.clear()
gc.collect()
show("pair, second collection")
print("pair reclaimed:", wa() is None, sorted((k, CALLS[k]) for k in "ab"))
sys.unraisablehook = sys.__unraisablehook__
