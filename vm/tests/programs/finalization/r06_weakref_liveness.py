# R6 (weakref liveness): w() returns x until x's unit is processed, then None
# forever. (1) inside x.__del__ weakrefs to x are dead; (2) weakrefs to
# objects in successor units still work while upstream finalizers and
# callbacks run; (3) a cleared weakref never comes back, even if x is
# resurrected.
# Parts 1 and 3 use a cycle (CPython's cycle collector clears before __del__,
# like the model). Part 2 uses a single-object predecessor unit, which
# CPython's refcounting processes before touching its successor; the part-2
# __del__ deliberately does not look at its own weakrefs, which CPython's
# refcount path clears only after __del__. Part 2 with cycles differs in
# CPython: see r04_dependent_cycles_model.py.
import gc
from _weakref import ref

log = []
W = {}
RESCUED = []


def show(label):
    print(label + ":")
    for line in sorted(log):
        print("  " + line)
    log.clear()


# Part 1.
class Self:
    def __del__(self):
        log.append("del: own weakref dead %s, partner's weakref dead %s"
                   % (W["self"]() is None, W["partner"]() is None))


class Plain:
    pass


def part1():
    x, y = Self(), Plain()
    x.y, y.x = y, x
    W["self"] = ref(x)
    W["partner"] = ref(y)
    print("alive before:", W["self"]() is x, W["partner"]() is y)


part1()
gc.collect()
show("1. inside __del__")


# Part 2: p (one object with __del__) -> q (a cycle with __del__);
#         r (one object, weakref with callback) -> s (plain object).
class Pred:
    def __del__(self):
        q = W["q"]()
        log.append("p.__del__: wq() is q %s, q intact %s, q not finalized %s"
                   % (q is self.succ, q.partner.partner is q, not q.finalized))


class Succ:
    finalized = False

    def __del__(self):
        self.finalized = True
        log.append("q.__del__: p gone %s" % (W["p"]() is None))


def r_callback(w):
    s = W["s"]()
    log.append("r's callback: w() is None %s, ws() is alive %s, s intact %s"
               % (w() is None, s is not None, s is not None and s.tag == "s"))


def part2():
    p, q, q2 = Pred(), Succ(), Plain()
    q.partner, q2.partner = q2, q
    p.succ = q
    W["p"] = ref(p)
    W["q"] = ref(q)
    r, s = Plain(), Plain()
    s.tag = "s"
    r.succ = s
    W["r"] = ref(r, r_callback)
    W["s"] = ref(s)


part2()
gc.collect()
show("2. successors alive upstream")
print("all dead after collect:", [W[k]() is None for k in "pqrs"])


# Part 3.
class Phoenix:
    def __del__(self):
        log.append("del phoenix: own weakref dead %s" % (W["phoenix"]() is None))
        RESCUED.append(self)


def part3():
    x = Phoenix()
    x.me = x
    W["phoenix"] = ref(x)


part3()
gc.collect()
show("3. resurrection")
print("resurrected:", len(RESCUED), "old weakref still None:", W["phoenix"]() is None)
W["phoenix new"] = ref(RESCUED[0])
gc.collect()
print("after another collection:", W["phoenix"]() is None, W["phoenix new"]() is RESCUED[0])
RESCUED.clear()
gc.collect()
print("after the final death:", W["phoenix"]() is None, W["phoenix new"]() is None)
