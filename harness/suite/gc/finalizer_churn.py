"""Objects with __del__ in chains and cycles, some resurrecting themselves.

Each round builds acyclic chains, rings, rings with a chain hanging off
them and self-loops, all of objects whose class defines __del__. A few
structures contain one object that resurrects itself into a global list
the first time it is finalized. The structures are dropped (some after
living for a few rounds) and gc.collect() is called at fixed points.

Only facts the finalization model guarantees after gc.collect() enter the
checksum (SEMANTICS.md R3, R4, R5c, R12), none that depend on refcount
timing or on the order inside a cycle:
  * every finalizer runs exactly once, and a resurrected object is never
    finalized again once it is dropped and collected (checked, fatal);
  * along an acyclic chain, upstream runs before downstream (checked,
    fatal);
  * after the first collect, counted: every object of a structure without
    a resurrector is finalized; in a chain with a resurrector, exactly the
    members up to the resurrector are; every resurrector is in the list;
  * after clearing the list and collecting again, every object created so
    far has been finalized exactly once.
Members of a ring that holds a resurrector, and whatever hangs off such a
ring, are counted only at the end: whether they were finalized in the
first collect differs between collectors (R4 allows PyPy-style one-at-a-
time cycle breaking to leave them alive until the resurrector goes).

gc.collect() is called until two consecutive calls finalize nothing, so
collectors that need one pass per chain layer give the same answer. The
size is the number of rounds.

Under a heaplab collector whose gc.collect() is not complete (SEMANTICS.md
R12: ambiguous roots may retain objects falsely; `none` never collects),
an object left unfinalized is counted instead of failing the run: only
safety and ordering stay fatal (never finalized twice, chain order, an
intact resurrected object). The checksum is built from facts false
retention cannot change (the plan's counts, and chain members spared by a
resurrector, which stay reachable), so it is the same under every
collector; the unfinalized counts go out as `heaplab_hook.metric`s.
"""

import gc
import sys

from heaplab_hook import metric, run

try:
    from _heaplab import collector_info

    COMPLETE = collector_info()["collect_is_complete"]
except ImportError:  # CPython, PyPy
    COMPLETE = True

DEFAULT_SIZE = 450
MASK = (1 << 31) - 1

# Finalization records: FIN_COUNT[serial] = times finalized,
# FIN_SEQ[serial] = global sequence number of its (first) finalization.
FIN_COUNT = []
FIN_SEQ = []
ZOMBIES = []
SEQ = [0]


class Fin(object):
    __slots__ = ("serial", "next", "other", "resurrect", "payload")

    def __init__(self, resurrect=False):
        self.serial = len(FIN_COUNT)
        FIN_COUNT.append(0)
        FIN_SEQ.append(-1)
        self.next = None
        self.other = None
        self.resurrect = resurrect
        self.payload = [self.serial, self.serial * 3]

    def __del__(self):
        s = self.serial
        FIN_COUNT[s] += 1
        if FIN_SEQ[s] < 0:
            FIN_SEQ[s] = SEQ[0]
        SEQ[0] += 1
        if self.resurrect:
            self.resurrect = False
            ZOMBIES.append(self)


def fail(msg):
    sys.stderr.write("finalizer_churn: %s\n" % msg)
    sys.exit(1)


def collect_all():
    """gc.collect() until two consecutive calls finalize nothing new."""
    quiet = 0
    while quiet < 2:
        before = SEQ[0]
        gc.collect()
        if SEQ[0] == before:
            quiet += 1
        else:
            quiet = 0


class Plan(object):
    """What the checkpoints may assume about the objects of one round."""

    def __init__(self):
        self.chains = []  # lists of serials, upstream first
        self.sure = []  # serials finalized after the first collect
        self.spared = []  # serials of chain members kept alive by a resurrector
        self.resurrectors = []
        self.all = []


def make_chain(plan, length, res_at):
    objs = [Fin(k == res_at) for k in range(length)]
    for k in range(length - 1):
        objs[k].next = objs[k + 1]
    serials = [o.serial for o in objs]
    plan.chains.append(serials)
    plan.all.extend(serials)
    if res_at < 0:
        plan.sure.extend(serials)
    else:
        plan.sure.extend(serials[: res_at + 1])
        plan.spared.extend(serials[res_at + 1 :])
        plan.resurrectors.append(serials[res_at])
    return objs[0]


def make_ring(plan, length, res_at, tail):
    objs = [Fin(k == res_at) for k in range(length)]
    for k in range(length):
        objs[k].next = objs[(k + 1) % length]
        objs[k].other = objs[(k * 3 + 1) % length]
    serials = [o.serial for o in objs]
    plan.all.extend(serials)
    if tail:
        t = Fin()
        t.next = Fin()
        t.next.next = Fin()
        objs[length // 2].other = t
        tail_serials = [t.serial, t.next.serial, t.next.next.serial]
        plan.all.extend(tail_serials)
        if res_at < 0:
            plan.sure.extend(tail_serials)
    if res_at < 0:
        plan.sure.extend(serials)
    else:
        plan.resurrectors.append(serials[res_at])
    return objs[0]


def make_self_loop(plan):
    o = Fin()
    o.next = o
    plan.all.append(o.serial)
    plan.sure.append(o.serial)
    return o


def build(plan, state, keep):
    for k in range(12):
        state = (state * 1103515245 + 12345) & MASK
        length = 2 + (state >> 8) % 10
        res_at = (state >> 4) % length if k % 4 == 3 else -1
        keep.append(make_chain(plan, length, res_at))
    for k in range(10):
        state = (state * 1103515245 + 12345) & MASK
        length = 2 + (state >> 8) % 8
        res_at = (state >> 4) % length if k % 5 == 4 else -1
        keep.append(make_ring(plan, length, res_at, k % 2 == 0))
    for _ in range(6):
        keep.append(make_self_loop(plan))
    return state


def missing(what, n):
    """`n` objects were left unfinalized where a complete collect finalizes."""
    if n and COMPLETE:
        fail(what)
    return n


def check_once(serials):
    n = 0
    for s in serials:
        c = FIN_COUNT[s]
        if c > 1:
            fail("object finalized %d times" % c)
        n += c
    return n


def bench(size):
    del FIN_COUNT[:]
    del FIN_SEQ[:]
    del ZOMBIES[:]
    SEQ[0] = 0
    collect_all()
    state = 2024
    h = 0
    unfinalized_after_collect = 0
    aged = []  # (round to drop at, plan, structures)
    for r in range(size):
        plan = Plan()
        structures = []
        state = build(plan, state, structures)
        aged.append((r + 1 + r % 3, plan, structures))
        plan = structures = None

        # Drop everything whose time has come, then collect.
        due = [a for a in aged if a[0] <= r]
        aged = [a for a in aged if a[0] > r]
        plans = [a[1] for a in due]
        due = None
        collect_all()

        sure = spared = 0
        resurrected = 0
        for p in plans:
            unfinalized_after_collect += missing(
                "object not finalized after gc.collect()",
                len(p.sure) - check_once(p.sure),
            )
            sure += len(p.sure)
            spared += len(p.spared) - check_once(p.spared)
            missing(
                "resurrector not finalized",
                len(p.resurrectors) - check_once(p.resurrectors),
            )
            resurrected += len(p.resurrectors)
            for chain in p.chains:
                for k in range(len(chain) - 1):
                    a, b = FIN_SEQ[chain[k]], FIN_SEQ[chain[k + 1]]
                    if b >= 0 and (a < 0 or a > b):
                        fail("chain finalized downstream first")
        # A falsely retained resurrector may come back rounds late.
        if len(ZOMBIES) != resurrected and COMPLETE:
            fail("resurrected %d, expected %d" % (len(ZOMBIES), resurrected))
        for z in ZOMBIES:
            if z.payload[0] != z.serial:
                fail("resurrected object damaged")
        z = None

        # Let the resurrected objects go; the rest of their structures follow.
        del ZOMBIES[:]
        collect_all()
        total = 0
        for p in plans:
            missing(
                "object left unfinalized after its structure died",
                len(p.all) - check_once(p.all),
            )
            total += len(p.all)
            for chain in p.chains:
                for k in range(len(chain) - 1):
                    a, b = FIN_SEQ[chain[k]], FIN_SEQ[chain[k + 1]]
                    if b >= 0 and (a < 0 or a > b):
                        fail("chain finalized downstream first")
        plans = None
        h = (h * 1000003 + sure * 7 + spared * 131 + resurrected * 1031 + total) % 1000000007

    aged = None
    collect_all()
    del ZOMBIES[:]
    collect_all()
    unfinalized_at_end = missing(
        "objects left unfinalized at the end",
        len(FIN_COUNT) - check_once(range(len(FIN_COUNT))),
    )
    metric("unfinalized_after_collect", unfinalized_after_collect)
    metric("unfinalized_at_end", unfinalized_at_end)
    return "%d/%d" % (len(FIN_COUNT), h)


if __name__ == "__main__":
    run(bench, DEFAULT_SIZE)
