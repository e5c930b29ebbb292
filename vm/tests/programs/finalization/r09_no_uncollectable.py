# R9 (no uncollectable garbage): cycles containing objects with __del__ are
# collected, whatever their shape, and gc.garbage stays [].
import gc
from _weakref import ref

log = []
W = []


class Fin:
    def __init__(self, name):
        self.name = name
        W.append(ref(self))

    def __del__(self):
        log.append("del " + self.name)


def self_loop():
    a = Fin("self loop")
    a.me = a


def two_finalizers():
    a, b = Fin("pair a"), Fin("pair b")
    a.other, b.other = b, a


def ring(n):
    nodes = [Fin("ring%d" % i) for i in range(n)]
    for i in range(n):
        nodes[i].next = nodes[(i + 1) % n]


def through_containers():
    a = Fin("via list and dict")
    a.stuff = [{"back": a}, (a,)]


def nested_cycles():
    # An outer cycle with __del__ holding an inner cycle with __del__.
    a, b = Fin("outer a"), Fin("outer b")
    a.other, b.other = b, a
    c, d = Fin("inner c"), Fin("inner d")
    c.other, d.other = d, c
    a.inner = c


for make in (self_loop, two_finalizers, lambda: ring(5), through_containers, nested_cycles):
    make()
    gc.collect()
    print(", ".join(sorted(log)))
    log.clear()
print("all collected:", all(w() is None for w in W), len(W))
print("gc.garbage:", gc.garbage)
