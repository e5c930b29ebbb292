# R8 with the default sys.unraisablehook: exceptions raised by __del__ and by
# callbacks are reported on stderr ("Exception ignored in: ..." plus a
# traceback; that text MAY DIFFER and stderr is not compared) and otherwise
# ignored: the program goes on, and stdout shows that processing continued.
import gc
from _weakref import ref

log = []


class Bad:
    def __init__(self, name):
        self.name = name

    def __del__(self):
        log.append("del " + self.name)
        raise ValueError("__del__ of " + self.name)


def bad_callback(w):
    log.append("callback")
    raise RuntimeError("callback")


def make():
    a, b = Bad("a"), Bad("b")
    a.other, b.other = b, a
    c = Bad("c")
    c.me = c
    a.succ = c
    return ref(a, bad_callback), ref(c)


W = make()
gc.collect()
for line in sorted(log):
    print(line)
print("weakrefs dead:", [w() is None for w in W])
print("still running")
