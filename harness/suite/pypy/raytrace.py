"""Raytrace: a small recursive ray tracer (spheres, a checkered plane, lights).

Heaplab's own version of the "simple ray tracer" benchmark. Every vector
operation returns a fresh Vector/Point object, and every ray, intersection
and colour is a new object, so the renderer is a heavy producer of tiny
short-lived objects. Reflections recurse up to a fixed depth. `size` is the
width and height of the rendered image in pixels.
"""

import sys
import math
from heaplab_hook import run

EPSILON = 0.00001
MAX_DEPTH = 3


class Vector(object):
    __slots__ = ("x", "y", "z")

    def __init__(self, x, y, z):
        self.x = x
        self.y = y
        self.z = z

    def __repr__(self):
        return "Vector(%s, %s, %s)" % (self.x, self.y, self.z)

    def dot(self, other):
        other.must_be_vector()
        return self.x * other.x + self.y * other.y + self.z * other.z

    def magnitude(self):
        return math.sqrt(self.dot(self))

    def __add__(self, other):
        if other.is_point():
            return Point(self.x + other.x, self.y + other.y, self.z + other.z)
        return Vector(self.x + other.x, self.y + other.y, self.z + other.z)

    def __sub__(self, other):
        other.must_be_vector()
        return Vector(self.x - other.x, self.y - other.y, self.z - other.z)

    def scale(self, k):
        return Vector(self.x * k, self.y * k, self.z * k)

    def cross(self, other):
        other.must_be_vector()
        return Vector(self.y * other.z - self.z * other.y,
                      self.z * other.x - self.x * other.z,
                      self.x * other.y - self.y * other.x)

    def normalized(self):
        return self.scale(1.0 / self.magnitude())

    def negated(self):
        return self.scale(-1)

    def __eq__(self, other):
        return (self.x == other.x and self.y == other.y and
                self.z == other.z)

    def __ne__(self, other):
        return not self == other

    def is_vector(self):
        return True

    def is_point(self):
        return False

    def must_be_vector(self):
        return self

    def must_be_point(self):
        raise TypeError("expected a point, got a vector")

    def reflect_through(self, normal):
        d = normal.scale(self.dot(normal))
        return self - d.scale(2)


class Point(object):
    __slots__ = ("x", "y", "z")

    def __init__(self, x, y, z):
        self.x = x
        self.y = y
        self.z = z

    def __repr__(self):
        return "Point(%s, %s, %s)" % (self.x, self.y, self.z)

    def __sub__(self, other):
        if other.is_point():
            return Vector(self.x - other.x, self.y - other.y, self.z - other.z)
        return Point(self.x - other.x, self.y - other.y, self.z - other.z)

    def __add__(self, other):
        other.must_be_vector()
        return Point(self.x + other.x, self.y + other.y, self.z + other.z)

    def is_vector(self):
        return False

    def is_point(self):
        return True

    def must_be_vector(self):
        raise TypeError("expected a vector, got a point")

    def must_be_point(self):
        return self


ZERO = Vector(0.0, 0.0, 0.0)
RIGHT = Vector(1.0, 0.0, 0.0)
UP = Vector(0.0, 1.0, 0.0)
OUT = Vector(0.0, 0.0, 1.0)


class Ray(object):
    __slots__ = ("origin", "direction")

    def __init__(self, origin, direction):
        self.origin = origin.must_be_point()
        self.direction = direction.must_be_vector().normalized()

    def point_at(self, t):
        return self.origin + self.direction.scale(t)


class Sphere(object):
    def __init__(self, centre, radius):
        self.centre = centre.must_be_point()
        self.radius = radius

    def intersection_time(self, ray):
        cp = self.centre - ray.origin
        v = cp.dot(ray.direction)
        disc = self.radius * self.radius - (cp.dot(cp) - v * v)
        if disc < 0:
            return None
        return v - math.sqrt(disc)

    def normal_at(self, p):
        return (p - self.centre).normalized()


class Plane(object):
    """Half-space bounded by the plane through `point` with `normal`."""

    def __init__(self, point, normal):
        self.point = point
        self.normal = normal.normalized()

    def intersection_time(self, ray):
        v = ray.direction.dot(self.normal)
        if v:
            return (self.point - ray.origin).dot(self.normal) / v
        return None

    def normal_at(self, p):
        return self.normal


class Colour(object):
    __slots__ = ("r", "g", "b")

    def __init__(self, r, g, b):
        self.r = r
        self.g = g
        self.b = b

    def add(self, other):
        return Colour(self.r + other.r, self.g + other.g, self.b + other.b)

    def scale(self, k):
        return Colour(self.r * k, self.g * k, self.b * k)

    def mix(self, other):
        return Colour(self.r * other.r, self.g * other.g, self.b * other.b)


BLACK = Colour(0.0, 0.0, 0.0)
WHITE = Colour(1.0, 1.0, 1.0)


class Surface(object):
    """Phong-ish surface: ambient + lambert + specular reflection."""

    def __init__(self, base=WHITE, specular=0.2, lambert=0.6, ambient=None):
        self.base = base
        self.specular = specular
        self.lambert = lambert
        self.ambient = 1.0 - specular - lambert if ambient is None else ambient

    def base_colour_at(self, p):
        return self.base

    def colour_at(self, scene, ray, p, normal, depth):
        base = self.base_colour_at(p)
        c = BLACK
        if self.specular > 0:
            reflected = Ray(p, ray.direction.reflect_through(normal))
            c = c.add(scene.ray_colour(reflected, depth + 1).scale(self.specular))
        if self.lambert > 0:
            amount = 0.0
            for light in scene.visible_lights(p):
                contribution = (light - p).normalized().dot(normal)
                if contribution > 0:
                    amount += contribution
            amount = min(1.0, amount * self.lambert)
            c = c.add(base.scale(amount))
        if self.ambient > 0:
            c = c.add(base.scale(self.ambient))
        return c.mix(WHITE)


class CheckerSurface(Surface):
    def __init__(self, base, other, check_size=1.0, **kw):
        Surface.__init__(self, base, **kw)
        self.other = other
        self.check_size = check_size

    def base_colour_at(self, p):
        v = (p - Point(0.0, 0.0, 0.0)).scale(1.0 / self.check_size)
        if (int(abs(v.x) + 0.5) + int(abs(v.y) + 0.5) +
                int(abs(v.z) + 0.5)) % 2:
            return self.other
        return self.base


class Canvas(object):
    def __init__(self, width, height):
        self.width = width
        self.height = height
        self.rows = [[None] * width for _ in range(height)]

    def plot(self, x, y, colour):
        self.rows[self.height - 1 - y][x] = (
            int(255 * min(1.0, max(0.0, colour.r))),
            int(255 * min(1.0, max(0.0, colour.g))),
            int(255 * min(1.0, max(0.0, colour.b))))

    def checksum(self):
        total = 0
        for row in self.rows:
            for (r, g, b) in row:
                total = (total * 7 + r * 65536 + g * 256 + b) % 1000000007
        return total


class Scene(object):
    def __init__(self):
        self.things = []
        self.lights = []
        self.eye = Point(0.0, 1.8, 10.0)
        self.target = Point(0.0, 3.0, 0.0)
        self.field_of_view = 45.0

    def add(self, thing, surface):
        self.things.append((thing, surface))

    def light(self, p):
        self.lights.append(p)

    def render(self, canvas):
        fov = self.field_of_view
        look = (self.target - self.eye).normalized()
        vpr = look.cross(UP).normalized()
        vpu = vpr.cross(look).normalized()
        width = canvas.width
        height = canvas.height
        half_w = math.tan(math.pi * fov / 360.0)
        half_h = half_w * height / width
        px_w = half_w * 2 / (width - 1)
        px_h = half_h * 2 / (height - 1)
        for y in range(height):
            for x in range(width):
                xc = vpr.scale(x * px_w - half_w)
                yc = vpu.scale(y * px_h - half_h)
                ray = Ray(self.eye, look + xc + yc)
                canvas.plot(x, y, self.ray_colour(ray, 0))

    def first_hit(self, ray):
        best = None
        for thing, surface in self.things:
            t = thing.intersection_time(ray)
            if t is not None and t > EPSILON:
                if best is None or t < best[0]:
                    best = (t, thing, surface)
        return best

    def ray_colour(self, ray, depth):
        if depth > MAX_DEPTH:
            return BLACK
        hit = self.first_hit(ray)
        if hit is None:
            return BLACK
        t, thing, surface = hit
        p = ray.point_at(t)
        return surface.colour_at(self, ray, p, thing.normal_at(p), depth)

    def visible_lights(self, p):
        for light in self.lights:
            hit = self.first_hit(Ray(p, light - p))
            if hit is None:
                yield light


def build_scene():
    s = Scene()
    s.light(Point(30.0, 30.0, 10.0))
    s.light(Point(-10.0, 100.0, 30.0))
    s.add(Plane(Point(0.0, 0.0, 0.0), UP),
          CheckerSurface(Colour(0.9, 0.9, 0.9), Colour(0.1, 0.1, 0.15)))
    s.add(Sphere(Point(1.0, 3.0, -10.0), 2.0),
          Surface(Colour(1.0, 1.0, 0.0)))
    s.add(Sphere(Point(-2.5, 1.2, -4.0), 1.2),
          Surface(Colour(0.3, 0.6, 1.0), specular=0.4, lambert=0.4))
    for i in range(6):
        s.add(Sphere(Point(-3.0 + i * 1.2, 0.4 + 0.15 * i, -2.0 - i * 0.8), 0.4),
              Surface(Colour(0.1 * i + 0.3, 0.8 - 0.1 * i, 0.5)))
    return s


def bench(size):
    canvas = Canvas(size, size)
    build_scene().render(canvas)
    return canvas.checksum()


DEFAULT_SIZE = 250

if __name__ == "__main__":
    run(bench, DEFAULT_SIZE)
