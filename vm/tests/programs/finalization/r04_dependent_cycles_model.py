# expected-output: model
# R4 (unit order between dependent cycles), R5e, R6.1 and R6.2, R12.
#
# Units here are cycles, so CPython handles them with its cycle collector,
# which treats ALL the garbage of one collection as a single batch: it clears
# every weakref to every garbage object first, runs every callback, then runs
# every __del__ in gc-list order, and only then frees anything. The model
# processes unit by unit in topological order instead. Where CPython differs
# (see regen.py's report):
#   * section 1: CPython may run a{k+1}.__del__ before a{k}.__del__; inside
#     a{k}.__del__ the weakref to the successor a{k+1} is already dead
#     (model: alive, R6.2); the weakref that a{k-1}.__del__ created to itself
#     is still alive because nothing has been freed yet (model: a{k-1}'s unit
#     was reclaimed, and R5e cleared it, before a{k}'s unit is processed).
#   * section 2: CPython also finalizes s (it is in the same batch) and clears
#     ws, although p.__del__ makes s reachable again (model: s's unit is no
#     longer garbage, so it is not processed, R4).
#   * section 3: inside x's callback, CPython has already cleared wy (model:
#     y is in a successor unit and still alive, R6.2).
import gc
from _weakref import ref

log = []


def show(label):
    # The model fixes the order of these lines: print them in log order.
    print(label + ":")
    for line in log:
        print("  " + line)
    log.clear()


# Section 1: a chain of four cycles U0 -> U1 -> U2 -> U3.
EARLY = {}
LATE = {}
DONE = set()


class A:
    def __init__(self, k):
        self.k = k
        self.partner = B()
        self.partner.partner = self
        EARLY["a%d" % k] = ref(self)
        EARLY["b%d" % k] = ref(self.partner)

    def __del__(self):
        k = self.k
        prev = "a%d" % (k - 1)
        nxt = "a%d" % (k + 1)
        parts = []
        if k > 0:
            parts.append("predecessor done %s, its late weakref dead %s"
                         % (prev in DONE, LATE[prev]() is None))
        parts.append("own weakrefs dead %s"
                     % (EARLY["a%d" % k]() is None and EARLY["b%d" % k]() is None))
        if nxt in EARLY:
            parts.append("successor weakref alive %s" % (EARLY[nxt]() is self.next))
        log.append("del a%d: " % k + "; ".join(parts))
        DONE.add("a%d" % k)
        LATE["a%d" % k] = ref(self)


class B:
    pass


def make_chain(n):
    nodes = [A(k) for k in range(n)]
    for k in range(n - 1):
        nodes[k].next = nodes[k + 1]
    return nodes[0]


head = make_chain(4)
head = None
gc.collect()
show("chain of cycles, one gc.collect()")
print("all weakrefs dead:", all(w() is None for w in EARLY.values()),
      all(w() is None for w in LATE.values()))


# Section 2: the predecessor cycle resurrects the successor cycle.
KEEP = []


class P:
    def __del__(self):
        log.append("del p")
        KEEP.append(self.succ)


class S:
    def __del__(self):
        log.append("del s")


def resurrect_successor():
    p, p2, s, s2 = P(), B(), S(), B()
    p.partner, p2.partner = p2, p
    s.partner, s2.partner = s2, s
    p.succ = s
    return ref(s, lambda w: log.append("callback s"))


ws = resurrect_successor()
gc.collect()
show("cycle p -> cycle s, p.__del__ keeps s")
print("ws() is KEEP[0]:", ws() is KEEP[0])
KEEP.clear()
gc.collect()
show("after dropping s")
print("ws() is None:", ws() is None)


# Section 3: a predecessor cycle without __del__ but with a callback weakref.
class Y:
    def __del__(self):
        log.append("del y: x's callback ran %s" % ("callback x" in DONE))


def x_callback(w):
    log.append("callback x: w() is None %s, wy() alive %s" % (w() is None, WY[0]() is not None))
    DONE.add("callback x")


def callback_then_successor():
    x, x2, y, y2 = B(), B(), Y(), B()
    x.partner, x2.partner = x2, x
    y.partner, y2.partner = y2, y
    x.succ = y
    WY.append(ref(y))
    return ref(x, x_callback)


WY = []
wx = callback_then_successor()
gc.collect()
show("cycle x (callback) -> cycle y (__del__)")
print("wx() is None:", wx() is None, "wy() is None:", WY[0]() is None)
