# expected-output: model
# R7 case 4 with a cyclic referent: w is reachable only through a successor
# unit of its referent x's unit (x <-> x2 -> h -> w, and w's callback reaches
# nothing of it). By the model w is not dead when x's unit is processed: it
# is kept alive by x's pending processing, so its callback runs (phase b),
# before x.__del__ (phase c), and h is still intact inside it.
# CPython differs: its cycle collector puts x, x2, h and w into one batch of
# garbage and ignores the callbacks of weakrefs that are themselves in the
# batch, so "callback" is never printed and x.__del__ sees no callback.
# (For a single-object x, CPython's refcounting agrees with the model:
# r07_callback_cases.py case 4.)
import gc
from _weakref import ref

log = []
HREF = []


class X:
    def __del__(self):
        log.append("del x: callback ran before %s" % ("callback" in log))


class Holder:
    pass


def callback(w):
    h = HREF[0]()
    log.append("callback")
    print("callback: w() is None %s, receives h.w %s"
          % (w() is None, h is not None and h.w is w))


def make():
    x, x2, h = X(), Holder(), Holder()
    x.partner, x2.partner = x2, x
    x.h = h
    h.w = ref(x, callback)
    HREF.append(ref(h))
    return ref(x)


wx = make()
gc.collect()
for line in log:
    if line != "callback":
        print(line)
print("x gone:", wx() is None, "h gone:", HREF[0]() is None)
