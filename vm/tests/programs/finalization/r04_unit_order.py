# R4 (unit order): a unit is processed only after every unit that precedes it
# has been processed AND reclaimed; if processing a unit resurrects a member
# of a successor unit, that unit is not processed at all (never finalized,
# its weakrefs keep working). Order between unrelated units is free, so only
# dependent pairs are checked. Here every unit is a single object, so
# CPython's reference counting already follows the model's order; see
# r04_dependent_cycles_model.py for units that are cycles.
import gc
from _weakref import ref

log = []
DONE = set()
LATE = {}     # name -> weakref created by the object's own __del__
EARLY = {}    # name -> weakref taken by a third party before it died


class Node:
    def __init__(self, name, *succ):
        self.name = name
        self.succ = list(succ)
        self.preds = []
        for s in succ:
            s.preds.append(name)
        EARLY[name] = ref(self)

    def __del__(self):
        ok = all(p in DONE for p in self.preds)
        # A predecessor has been reclaimed: even the weakref its own __del__
        # created (after its phase a) has been cleared by now (R5e).
        gone = all(LATE[p]() is None and EARLY[p]() is None for p in self.preds)
        succ_alive = all(EARLY[s.name]() is s for s in self.succ)
        log.append("del %s: predecessors done %s, gone %s, successors alive %s"
                   % (self.name, ok, gone, succ_alive))
        DONE.add(self.name)
        LATE[self.name] = ref(self)


def show(label):
    print(label + ":")
    for line in sorted(log):
        print("  " + line)
    log.clear()


def chain():
    n = None
    for name in ["c5", "c4", "c3", "c2", "c1"]:
        n = Node(name, *([n] if n else []))
    return n


head = chain()
head = None
gc.collect()
show("chain c1 -> ... -> c5")


def diamond():
    d = Node("d")
    return Node("a", Node("b", d), Node("c", d))


top = diamond()
top = None
gc.collect()
show("diamond a -> b, c -> d")


def tree():
    leaves = [Node("leaf%d" % i) for i in range(4)]
    return Node("root", Node("left", leaves[0], leaves[1]),
                Node("right", leaves[2], leaves[3]))


top = tree()
top = None
gc.collect()
show("tree")

# Resurrection of a successor: p's __del__ stores its successor s in a global,
# so s (a cycle with a __del__) is not garbage any more and is not processed.
KEEP = []


class Keeper:
    def __del__(self):
        log.append("del p")
        KEEP.append(self.succ)


class Succ:
    def __del__(self):
        log.append("del s")


def resurrect_successor():
    s = Succ()
    s.me = s
    p = Keeper()
    p.succ = s
    return p, ref(s, lambda w: log.append("callback s"))


p, ws = resurrect_successor()
p = None
gc.collect()
show("p -> s, p.__del__ keeps s")
print("ws() is KEEP[0]:", ws() is KEEP[0])
KEEP.clear()
gc.collect()
show("after dropping s")
print("ws() is None:", ws() is None)
