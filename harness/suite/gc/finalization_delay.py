"""Finalization delay: how long after an object dies its __del__ runs.

A mutator allocates steadily (each step builds a small record of lists,
tuples and a dict and keeps the last WINDOW of them, so some data lives
long enough to be promoted). Every PROBE_EVERY steps it creates a probe
whose class defines __del__ and puts it in a small ring; the probe it
evicts from the ring dies at that moment. Half the probes are acyclic
(they die when evicted), half sit in a two-object cycle with a mate
(they die then too, but only cycle detection can see it).

At each death the program stamps the probe with time.perf_counter() and
the mutator step; __del__ records the delay to its own run, in
microseconds and in mutator steps (a logical clock that does not depend
on machine noise). CPython finalizes acyclic probes at once and cyclic
ones at its next generation-0 collection; a tracing collector at its next
collection; a deferred reference counter at its next epoch (cycles: at
its next cycle collection).

The delays go to stderr as `heaplab-harness: metric` lines (p50, p90 and
max per kind, and the share of probes finalized before the explicit
gc.collect() at the end of each iteration), never into the checksum. The
checksum depends only on the mutator's work and the number of probes, so
it is the same under every collector, including `none` (which never
finalizes). The size is the number of mutator steps.
"""

import gc
import time

from heaplab_hook import metric, run

DEFAULT_SIZE = 3000000
WINDOW = 512
PROBE_EVERY = 16
RING = 64
MASK = (1 << 31) - 1

# Delays of the current iteration: (microseconds, steps) per kind.
DELAYS = {"acyclic": [], "cyclic": []}
# The mutator's step counter, read by __del__.
CLOCK = [0]


class Probe(object):
    __slots__ = ("kind", "died_at", "died_step", "mate", "payload")

    def __init__(self, kind, step):
        self.kind = kind
        self.died_at = -1.0
        self.died_step = -1
        self.mate = None
        self.payload = (step, [step, step + 1])

    def __del__(self):
        if self.died_step >= 0:
            us = (time.perf_counter() - self.died_at) * 1e6
            DELAYS[self.kind].append((us, CLOCK[0] - self.died_step))


class Mate(object):
    __slots__ = ("probe", "pad")

    def __init__(self, probe):
        self.probe = probe
        self.pad = [0, 1, 2]


def new_probe(step):
    if (step // PROBE_EVERY) % 2 == 0:
        return Probe("acyclic", step)
    p = Probe("cyclic", step)
    p.mate = Mate(p)
    return p


def bench(size):
    DELAYS["acyclic"] = []
    DELAYS["cyclic"] = []
    recent = [None] * WINDOW
    ring = [None] * RING
    probes = 0
    h = 0
    for step in range(size):
        CLOCK[0] = step
        record = [step, (step & 255, step >> 8), {"s": step & 1023}, [step] * 3]
        old = recent[step % WINDOW]
        if old is not None:
            h = (h * 31 + old[0] + old[1][0] + old[2]["s"] + len(old[3])) & MASK
        recent[step % WINDOW] = record
        if step % PROBE_EVERY == 0:
            slot = (step // PROBE_EVERY) % RING
            dying = ring[slot]
            ring[slot] = new_probe(step)
            probes += 1
            if dying is not None:
                dying.died_step = step
                dying.died_at = time.perf_counter()
                dying = None
    # Every remaining probe dies here; count what was finalized before.
    for p in ring:
        p.died_step = size
        p.died_at = time.perf_counter()
    ring = p = None
    # Only deaths the collector noticed on its own count as delays.
    natural = {kind: list(d) for kind, d in DELAYS.items()}
    gc.collect()
    gc.collect()
    report(natural, probes)
    return "%d/%d" % (probes, h)


def quantile(sorted_values, q):
    return sorted_values[int(q * (len(sorted_values) - 1))]


def report(natural, probes):
    """Writes the delay metrics of this iteration (the last one wins)."""
    count = len(natural["acyclic"]) + len(natural["cyclic"])
    metric("probes", probes)
    metric("finalized_before_collect_pct", 100.0 * count / probes)
    for kind in ("acyclic", "cyclic"):
        d = natural[kind]
        if not d:
            continue
        us = sorted(x[0] for x in d)
        steps = sorted(x[1] for x in d)
        for name, q in (("p50", 0.5), ("p90", 0.9), ("max", 1.0)):
            metric("%s_delay_%s_us" % (kind, name), quantile(us, q))
            metric("%s_delay_%s_steps" % (kind, name), quantile(steps, q))


if __name__ == "__main__":
    run(bench, DEFAULT_SIZE)
