# R8 (errors): an exception raised by __del__ or by a weakref callback goes to
# sys.unraisablehook and is otherwise ignored; processing continues with the
# next callback, finalizer and unit. The hook here prints a stable summary
# (exception type and message only: err_msg and object MAY DIFFER).
import gc
import sys
from _weakref import ref

log = []


def hook(args):
    log.append("hook: %s: %s" % (args.exc_type.__name__, args.exc_value))


sys.unraisablehook = hook


class Fin:
    def __init__(self, name, fail):
        self.name = name
        self.fail = fail

    def __del__(self):
        log.append("del " + self.name)
        if self.fail:
            raise self.fail("__del__ of " + self.name)


def watch(name, fail=None):
    def cb(w):
        log.append("callback " + name)
        if fail:
            raise fail("callback " + name)
    return cb


W = []


def make():
    # One unit: a <-> b <-> c, a and b raise in __del__, c does not.
    a, b, c = Fin("a", ValueError), Fin("b", IndexError), Fin("c", None)
    a.next, b.next, c.next = b, c, a
    # Three callbacks on a: the newest (runs first) raises.
    W.append(ref(a, watch("a oldest")))
    W.append(ref(a, watch("a middle", RuntimeError)))
    W.append(ref(a, watch("a newest", TypeError)))
    # A successor unit of that unit, whose __del__ must still run.
    d = Fin("d", None)
    d.me = d
    a.succ = d
    W.append(ref(d, watch("d")))
    # An unrelated unit with a raising callback and a raising __del__.
    e = Fin("e", ZeroDivisionError)
    e.me = e
    W.append(ref(e, watch("e", AttributeError)))


make()
gc.collect()
for line in sorted(log):
    print(line)
print("all weakrefs dead:", all(w() is None for w in W))
log.clear()

# Exceptions raised by callbacks of the same referent: all callbacks still run,
# newest first (one referent, so the order is fixed).
def make_order():
    x = Fin("x", None)
    x.me = x
    for i in range(3):
        W.append(ref(x, watch("x%d" % i, LookupError if i == 1 else None)))


make_order()
gc.collect()
for line in log:
    print(line)
sys.unraisablehook = sys.__unraisablehook__
print("gc.garbage:", gc.garbage)
