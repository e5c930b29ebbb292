# R17 (gc.enable / gc.disable): gc.isenabled() reflects the last call, and
# gc.collect() works while disabled. What is processed automatically while
# disabled MAY DIFFER, so nothing is observed before gc.collect().
import gc
from _weakref import ref

log = []


class Fin:
    def __init__(self, name):
        self.name = name
        self.me = self

    def __del__(self):
        log.append("del " + self.name)


def garbage(name):
    x = Fin(name)
    return ref(x, lambda w: log.append("callback " + name))


gc.disable()
print("after disable:", gc.isenabled())
gc.disable()
print("after disable twice:", gc.isenabled())
gc.enable()
print("after enable:", gc.isenabled())
gc.enable()
print("after enable twice:", gc.isenabled())

gc.disable()
w = garbage("while disabled")
gc.collect()
print("collected while disabled:", w() is None, sorted(log), "still disabled:", not gc.isenabled())
log.clear()
gc.enable()

w = garbage("after enable")
gc.collect()
print("collected after enable:", w() is None, sorted(log), "enabled:", gc.isenabled())
print("gc.garbage:", gc.garbage)
