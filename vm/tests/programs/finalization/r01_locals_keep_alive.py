# R1 (roots and liveness): a local variable keeps its object alive until it is
# rebound or deleted, or its frame finishes, even if it is never used again.
# Also: a caller's locals, a suspended generator's locals and the exception
# being handled are roots. Every observation follows a gc.collect().
import gc
import sys
from _weakref import ref

log = []


class Fin:
    def __init__(self, name):
        self.name = name
        self.me = self  # a cycle: only the cycle collector can reclaim it

    def __del__(self):
        log.append("del " + self.name)


def watch(name):
    def cb(w):
        log.append("callback " + name)
    return cb


def show(label):
    print(label + ":", ", ".join(sorted(log)) if log else "-")
    log.clear()


def unused_local():
    x = Fin("unused")
    w = ref(x, watch("unused"))
    # x is never used again in this frame, yet it must stay alive.
    gc.collect()
    print("unused local alive:", w() is not None)
    show("events while the frame runs")
    return w


w = unused_local()
gc.collect()
print("after return, w() is None:", w() is None)
show("events after the frame finished")


def rebind_and_delete():
    x = Fin("rebound")
    w1 = ref(x, watch("rebound"))
    y = Fin("deleted")
    w2 = ref(y, watch("deleted"))
    gc.collect()
    print("both alive:", w1() is not None, w2() is not None)
    show("events before rebinding")
    x = None
    gc.collect()
    print("rebound: w1() is None:", w1() is None, "w2 alive:", w2() is not None)
    show("events after rebinding x")
    del y
    gc.collect()
    print("deleted: w2() is None:", w2() is None)
    show("events after del y")


rebind_and_delete()


def inner_collect():
    gc.collect()


def outer():
    x = Fin("caller")
    w = ref(x, watch("caller"))
    inner_collect()
    print("caller's local alive during callee's collect:", w() is not None)
    show("events in caller")
    return w


w = outer()
gc.collect()
print("after caller returned, w() is None:", w() is None)
show("events after caller returned")


def gen():
    x = Fin("generator")
    yield ref(x, watch("generator"))
    yield None


g = gen()
w = next(g)
gc.collect()
print("suspended generator's local alive:", w() is not None)
show("events while suspended")
g.close()
del g
gc.collect()
print("after close, w() is None:", w() is None)
show("events after close")


class Err(Exception):
    pass


def raise_with_payload():
    e = Err("boom")
    e.payload = Fin("exception")
    WREFS.append(ref(e.payload, watch("exception")))
    raise e


WREFS = []


def handle():
    try:
        raise_with_payload()
    except Err:
        gc.collect()
        print("payload of the handled exception alive:", WREFS[0]() is not None)
        print("handled:", sys.exc_info()[1].args[0])
        show("events while handling")


handle()
gc.collect()
print("after the handler, WREFS[0]() is None:", WREFS[0]() is None)
show("events after the handler")
