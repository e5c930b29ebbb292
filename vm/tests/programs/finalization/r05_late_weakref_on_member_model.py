# expected-output: model
# R5e with a late weakref held only by the dying object itself: x.__del__
# creates w = ref(x, cb) and stores it in x.late (cb reaches nothing of x).
# w is not dead: it was no member of x's unit when the unit was formed, and
# after phase c it is only reachable from x, i.e. it is in a successor unit
# of x. So at reclamation R5e clears it and runs its callback, which receives
# w with w() None. The same for a late weakref to x held by x's partner y.
# CPython differs: when its cycle collector frees x it clears x's __dict__
# first, which frees the late weakref before x itself, so the callback never
# runs and "callback ..." lines are missing. Weakrefs held from outside the
# unit (r05_late_weakrefs.py) agree.
import gc
from _weakref import ref

log = []
DELS = []


def late_callback(w):
    log.append("late callback: w() is None %s, dels done %d" % (w() is None, len(DELS)))


class Fin:
    def __del__(self):
        DELS.append(1)
        log.append("del")
        self.late = ref(self, late_callback)
        self.partner.late = ref(self, late_callback)


class Plain:
    pass


def make():
    x, y = Fin(), Plain()
    x.partner, y.partner = y, x
    return ref(x)


wx = make()
gc.collect()
for line in log:
    print(line)
print("x gone:", wx() is None)
