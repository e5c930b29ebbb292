"""Chaos: an iterated-function-system fractal drawn by the chaos game.

Heaplab's own version. Each transformation maps the unit square onto a
thin band along a segment of a cubic B-spline; the chaos game repeatedly
picks a transformation with probability proportional to its share of the
splines' length and moves the current point through it. Every step
evaluates a spline with de Boor's algorithm, allocating a handful of short
lived GVector objects, and the visited points are plotted into a pixel
grid (a list of lists). `size` is the number of chaos-game steps.
"""

import sys
import math
from heaplab_hook import run

IMAGE_W = 256
IMAGE_H = 256
THICKNESS = 0.25


class Lcg(object):
    """Small deterministic linear congruential generator."""

    __slots__ = ("state",)

    def __init__(self, seed):
        self.state = seed & 0x7FFFFFFF

    def next_int(self):
        self.state = (self.state * 1103515245 + 12345) & 0x7FFFFFFF
        return self.state

    def random(self):
        # the low bits of this LCG have short periods: use the top 24
        return (self.next_int() >> 7) / 16777216.0


class GVector(object):
    __slots__ = ("x", "y", "z")

    def __init__(self, x=0.0, y=0.0, z=0.0):
        self.x = x
        self.y = y
        self.z = z

    def magnitude(self):
        return math.sqrt(self.x * self.x + self.y * self.y + self.z * self.z)

    def distance(self, other):
        return (self - other).magnitude()

    def __add__(self, other):
        return GVector(self.x + other.x, self.y + other.y, self.z + other.z)

    def __sub__(self, other):
        return GVector(self.x - other.x, self.y - other.y, self.z - other.z)

    def __mul__(self, k):
        return GVector(self.x * k, self.y * k, self.z * k)

    def blend(self, other, wa, wb):
        """wa * self + wb * other."""
        return GVector(self.x * wa + other.x * wb,
                       self.y * wa + other.y * wb,
                       self.z * wa + other.z * wb)

    def __repr__(self):
        return "<%f, %f, %f>" % (self.x, self.y, self.z)


class Spline(object):
    """Clamped B-spline: len(knots) == len(points) + degree + 1."""

    def __init__(self, points, degree):
        self.points = points
        self.degree = degree
        inner = len(points) - degree
        if inner < 1:
            raise ValueError("too few control points")
        knots = [0.0] * degree
        knots += [i / float(inner) for i in range(inner + 1)]
        knots += [1.0] * degree
        self.knots = knots
        self.lo = knots[degree]
        self.hi = knots[len(points)]

    def domain(self):
        return self.lo, self.hi

    def span(self, u):
        """Index k with knots[k] <= u < knots[k+1], clamped at the end."""
        knots = self.knots
        last = len(self.points) - 1
        k = self.degree
        while k < last and knots[k + 1] <= u:
            k += 1
        return k

    def __call__(self, u):
        if u < self.lo or u > self.hi:
            raise ValueError("spline parameter out of range: %r" % (u,))
        p = self.degree
        knots = self.knots
        k = self.span(u)
        d = [self.points[j + k - p] for j in range(p + 1)]
        for r in range(1, p + 1):
            for j in range(p, r - 1, -1):
                left = knots[j + k - p]
                alpha = (u - left) / (knots[j + 1 + k - r] - left)
                d[j] = d[j - 1].blend(d[j], 1.0 - alpha, alpha)
        return d[p]

    def length(self, samples):
        total = 0.0
        prev = self(self.lo)
        step = (self.hi - self.lo) / samples
        for i in range(1, samples + 1):
            cur = self(min(self.hi, self.lo + i * step))
            total += cur.distance(prev)
            prev = cur
        return total


class ChaosGame(object):
    def __init__(self, splines, thickness, rng):
        self.splines = splines
        self.thickness = thickness
        self.rng = rng
        xs = [p.x for s in splines for p in s.points]
        ys = [p.y for s in splines for p in s.points]
        self.minx, self.maxx = min(xs), max(xs)
        self.miny, self.maxy = min(ys), max(ys)
        self.width = self.maxx - self.minx
        self.height = self.maxy - self.miny
        band = thickness * self.width / self.height
        self.pieces = [max(1, int(s.length(200) / band * 1.5))
                       for s in splines]
        # transformations: (spline index, piece index), weighted equally
        self.trafos = [(si, pi) for si, n in enumerate(self.pieces)
                       for pi in range(n)]

    def pick(self):
        return self.trafos[int(self.rng.random() * len(self.trafos))]

    def clamp(self, point):
        if point.x < self.minx:
            point.x = self.minx
        elif point.x > self.maxx:
            point.x = self.maxx
        if point.y < self.miny:
            point.y = self.miny
        elif point.y > self.maxy:
            point.y = self.maxy

    def transform(self, point):
        si, pi = self.pick()
        spline = self.splines[si]
        u = (point.x - self.minx) / self.width
        v = (point.y - self.miny) / self.height
        lo, hi = spline.domain()
        seg = (hi - lo) / self.pieces[si]
        t = lo + seg * (pi + u)
        if t > hi:
            t = hi
        base = spline(t)
        eps = 1.0 / 50000
        if t + eps > hi:
            tangent = base - spline(t - eps)
        else:
            tangent = spline(t + eps) - base
        mag = tangent.magnitude()
        if mag != 0.0:
            off = (v - 0.5) * self.thickness
            base.x += -tangent.y / mag * off
            base.y += tangent.x / mag * off
        self.clamp(base)
        return base

    def draw(self, steps, w, h):
        image = [[0] * h for _ in range(w)]
        point = GVector((self.minx + self.maxx) / 2,
                        (self.miny + self.maxy) / 2, 0.0)
        for _ in range(steps):
            point = self.transform(point)
            x = int((point.x - self.minx) / self.width * w)
            y = int((point.y - self.miny) / self.height * h)
            if x >= w:
                x = w - 1
            if y >= h:
                y = h - 1
            image[x][h - 1 - y] += 1
        return image


def make_splines():
    """Three curves sketching a leaf: a stem and two curled veins."""
    stem = Spline([GVector(1.0, 0.0), GVector(1.1, 0.6), GVector(0.95, 1.2),
                   GVector(1.05, 1.8), GVector(1.0, 2.4)], 3)
    left = Spline([GVector(1.0, 0.9), GVector(0.5, 1.1), GVector(0.15, 1.6),
                   GVector(0.3, 2.1), GVector(0.7, 2.0)], 3)
    right = Spline([GVector(1.0, 1.4), GVector(1.5, 1.5), GVector(1.9, 1.9),
                    GVector(1.75, 2.35), GVector(1.35, 2.2),
                    GVector(1.3, 1.95)], 3)
    return [stem, left, right]


def bench(size):
    rng = Lcg(1234)
    game = ChaosGame(make_splines(), THICKNESS, rng)
    image = game.draw(size, IMAGE_W, IMAGE_H)
    lit = 0
    weighted = 0
    for x, column in enumerate(image):
        for y, hits in enumerate(column):
            if hits:
                lit += 1
                weighted = (weighted * 31 + x * IMAGE_H + y + hits) % 1000000007
    return "%d %d %d" % (len(game.trafos), lit, weighted)


DEFAULT_SIZE = 200000

if __name__ == "__main__":
    run(bench, DEFAULT_SIZE)
