# R10 (weak containers and weakref.finalize): they are built on weakref
# callbacks, so by R5 the entry for x disappears in phase b, before x.__del__
# runs, and after gc.collect() only live entries remain. The dying objects are
# in a cycle, so CPython's cycle collector (callbacks before finalizers)
# agrees; on CPython's refcount path __del__ would run first.
# This is the only program that imports the weakref module.
import gc
import weakref

log = []
VALUES = weakref.WeakValueDictionary()
KEYS = weakref.WeakKeyDictionary()
SET = weakref.WeakSet()


class Obj:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "Obj(%s)" % self.name

    def __del__(self):
        log.append("del %s: sizes %d %d %d, in values %s, in keys %s, in set %s, finalizer alive %s"
                   % (self.name, len(VALUES), len(KEYS), len(SET), self.name in VALUES,
                      self.name in [o.name for o in KEYS],
                      self.name in [o.name for o in SET],
                      FINALIZERS[self.name].alive))


FINALIZERS = {}


def on_finalize(name):
    log.append("finalize %s: in values %s" % (name, name in VALUES))


def add(o):
    VALUES[o.name] = o
    KEYS[o] = o.name.upper()
    SET.add(o)
    FINALIZERS[o.name] = weakref.finalize(o, on_finalize, o.name)


def make():
    live = [Obj("live1"), Obj("live2")]
    live[0].other, live[1].other = live[1], live[0]   # a cycle too
    for o in live:
        add(o)
    x, y = Obj("x"), Obj("y")
    x.other, y.other = y, x
    add(x)
    add(y)
    print("before:", len(VALUES), len(KEYS), len(SET),
          sorted(VALUES.keys()), sorted(KEYS.values()), sorted(o.name for o in SET))
    return live


LIVE = make()
gc.collect()
for line in sorted(log):
    print(line)
log.clear()
print("after:", len(VALUES), len(KEYS), len(SET),
      sorted(VALUES.keys()), sorted(KEYS.values()), sorted(o.name for o in SET))
print("finalizers alive:", sorted((k, f.alive) for k, f in FINALIZERS.items()))
print("finalize returns None when dead:", FINALIZERS["x"]() is None)

# Dropping the remaining objects empties every container.
LIVE = None
gc.collect()
print("finally:", len(VALUES), len(KEYS), len(SET), list(VALUES.items()), list(KEYS.items()), list(SET))
for line in sorted(log):
    print(line)
