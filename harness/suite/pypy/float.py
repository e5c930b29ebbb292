"""Float: build batches of 3-D points from sin/cos, normalise them, take the maxima.

Heaplab's own version. Allocates one Point object (three boxed floats) per
element of a large list, mutates each in place, then folds them with a
maximum that keeps the running maximum as a point object.
"""

import sys
from math import sin, cos, sqrt
from heaplab_hook import run


class Point(object):
    __slots__ = ("x", "y", "z")

    def __init__(self, i):
        self.x = x = sin(i)
        self.y = cos(i) * 3
        self.z = (x * x) / 2

    def __repr__(self):
        return "<Point: x=%s, y=%s, z=%s>" % (self.x, self.y, self.z)

    def normalize(self):
        norm = sqrt(self.x * self.x + self.y * self.y + self.z * self.z)
        self.x /= norm
        self.y /= norm
        self.z /= norm

    def maximize(self, other):
        if other.x > self.x:
            self.x = other.x
        if other.y > self.y:
            self.y = other.y
        if other.z > self.z:
            self.z = other.z
        return self


def maximize(points):
    it = iter(points)
    best = next(it)
    for p in it:
        best = best.maximize(p)
    return best


BATCH = 100000


def run_batch(start, count):
    points = [Point(i) for i in range(start, start + count)]
    for p in points:
        p.normalize()
    return maximize(points)


def bench(size):
    """Processes `size` points in batches of BATCH (as the original runs
    100000 points per loop), so the live set stays one batch of points."""
    maxima = []
    start = 0
    while start < size:
        count = min(BATCH, size - start)
        maxima.append(run_batch(start, count))
        start += count
    best = maximize(maxima)
    return "%.9f %.9f %.9f %d" % (best.x, best.y, best.z, len(maxima))


DEFAULT_SIZE = 3000000

if __name__ == "__main__":
    run(bench, DEFAULT_SIZE)
