"""A weak-value cache under churn.

Items are created on demand, cached in a weakref.WeakValueDictionary and
held strongly only while they sit in a bounded FIFO working set; dropping
an item from the working set leaves it to the collector. Weak references
(some with callbacks) to recent items are kept as well.

The checksum never depends on when the collector runs: a lookup counts as
a hit only when the item is strongly held (the cache must then return that
very object), and weakrefs are scored only when their referent is strongly
held. Anything else the cache or a weakref returns is only checked for
integrity (right key, intact payload, never a dead object), not counted.
gc.collect() runs at fixed points, after which the cache is validated.
The size is the number of lookups.
"""

import gc
import sys
import weakref

from heaplab_hook import run

DEFAULT_SIZE = 1800000
KEYS = 5000
WORKING_SET = 1500
RECENT_REFS = 3000
COLLECT_EVERY = 5000
MASK = (1 << 31) - 1


class Item(object):
    __slots__ = ("key", "serial", "payload", "check", "__weakref__")

    def __init__(self, key, serial):
        self.key = key
        self.serial = serial
        self.payload = [key, serial, (key * 31 + serial) & 0xFFFF]
        self.check = key + serial + ((key * 31 + serial) & 0xFFFF)


def fail(msg):
    sys.stderr.write("weak_cache: %s\n" % msg)
    sys.exit(1)


def intact(item, key):
    if not isinstance(item, Item) or item.key != key:
        return False
    p = item.payload
    return len(p) == 3 and p[0] + p[1] + p[2] == item.check


class Callbacks(object):
    """Counts weakref callbacks; the count is timing-dependent, so unused.

    An exception in a callback would only reach sys.unraisablehook, so a
    callback that sees a live referent records it for the next checkpoint.
    """

    def __init__(self):
        self.calls = 0
        self.bad = 0

    def __call__(self, w):
        if w() is not None:
            self.bad += 1
        self.calls += 1


def bench(size):
    cache = weakref.WeakValueDictionary()
    held = {}
    fifo = []
    head = 0
    refs = []
    ref_head = 0
    callbacks = Callbacks()
    state = 99
    serial = 0
    hits = hit_sum = misses = ref_live = 0
    for step in range(size):
        state = (state * 1103515245 + 12345) & MASK
        # Skewed key choice: a hot region and a long tail.
        if state & 3:
            key = (state >> 8) % (KEYS // 10)
        else:
            key = (state >> 8) % KEYS
        strong = held.get(key)
        got = cache.get(key)
        if strong is not None:
            if got is not strong:
                fail("held item missing from cache")
            hits += 1
            hit_sum += got.check
        else:
            if got is not None and not intact(got, key):
                fail("cache returned a damaged object")
            got = None
            misses += 1
            serial += 1
            item = Item(key, serial)
            cache[key] = item
            held[key] = item
            fifo.append(key)
            if serial & 1:
                refs.append((weakref.ref(item, callbacks), key, serial))
            else:
                refs.append((weakref.ref(item), key, serial))
            item = None
            if len(fifo) - head > WORKING_SET:
                old = fifo[head]
                head += 1
                del held[old]
                if head > 4096:
                    fifo = fifo[head:]
                    head = 0
            if len(refs) - ref_head > RECENT_REFS:
                ref_head += 1
                if ref_head > 4096:
                    refs = refs[ref_head:]
                    ref_head = 0
        strong = None
        if step % COLLECT_EVERY == COLLECT_EVERY - 1:
            gc.collect()
            if callbacks.bad:
                fail("a weakref callback saw a live referent")
            # Every held item is in the cache; everything in the cache is intact.
            for k, v in held.items():
                if cache.get(k) is not v:
                    fail("held item lost after collect")
            for k, v in list(cache.items()):
                if not intact(v, k):
                    fail("dead or damaged object in cache after collect")
            v = None
            for j in range(ref_head, len(refs)):
                w, k, s = refs[j]
                obj = w()
                h = held.get(k)
                if h is not None and h.serial == s:
                    if obj is not h:
                        fail("weakref to a held item is dead")
                    ref_live += 1
                elif obj is not None and (not intact(obj, k) or obj.serial != s):
                    fail("weakref returned a damaged object")
                obj = h = None
    return "%d/%d/%d/%d/%d" % (hits, hit_sum % 1000000007, misses, ref_live, len(held))


if __name__ == "__main__":
    run(bench, DEFAULT_SIZE)
