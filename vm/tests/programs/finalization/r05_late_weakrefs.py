# R5e (reclamation with late weakrefs): weakrefs created during phases b-c to
# members of a unit that is not resurrected are cleared when the unit is
# reclaimed, and their callbacks run (after all of the unit's finalizers),
# all within the same gc.collect() (R12). Also for a unit of one object.
# CPython agrees: its cycle collector frees the batch after all finalizers
# ran; its refcount path clears weakrefs right after __del__ returns.
import gc
from _weakref import ref

log = []
LATE = {}
DELS = []


def late_watch(name):
    def cb(w):
        log.append("late callback %s: is LATE[%s] %s, w() is None %s, dels done %d"
                   % (name, name, w is LATE[name], w() is None, len(DELS)))
    return cb


class Fin:
    def __init__(self, name):
        self.name = name

    def __del__(self):
        DELS.append(self.name)
        log.append("del " + self.name)
        LATE[self.name + " self"] = ref(self, late_watch(self.name + " self"))
        LATE[self.name + " plain"] = ref(self)
        if hasattr(self, "other"):
            o = self.other
            LATE[o.name + " from " + self.name] = ref(o, late_watch(o.name + " from " + self.name))


class Plain:
    def __init__(self, name):
        self.name = name


def make_cycle():
    x, y, z = Fin("x"), Plain("y"), Fin("z")
    x.other, y.other, z.other = y, z, x


def make_single():
    Fin("single")


make_cycle()
gc.collect()
for line in sorted(log):
    print(line)
print("late weakrefs dead:", sorted((k, w() is None) for k, w in LATE.items()))
log.clear()
LATE.clear()
DELS.clear()

make_single()
gc.collect()
for line in sorted(log):
    print(line)
print("late weakrefs dead:", sorted((k, w() is None) for k, w in LATE.items()))
