# dataclasses, pprint, inspect and logging from CPython's stdlib.
import dataclasses
import inspect
import logging
import pprint
import sys
from dataclasses import dataclass, field


@dataclass
class Point:
    x: int
    y: int = 0
    tags: list = field(default_factory=list)


@dataclass(frozen=True, order=True)
class Version:
    major: int
    minor: int = 0
    label: str = field(default="", compare=False)


p = Point(1, 2)
q = Point(1, 2, ["a"])
print(p, q, p == Point(1, 2), p == q)
print([f.name for f in dataclasses.fields(Point)], Point(5).tags)
print(dataclasses.asdict(q), dataclasses.astuple(q))
print(dataclasses.replace(p, y=7), dataclasses.is_dataclass(p))
v1, v2 = Version(1, 2, "beta"), Version(1, 10)
print(v1 < v2, sorted([v2, v1, Version(0, 9)]), v1 == Version(1, 2))
try:
    v1.major = 3
except dataclasses.FrozenInstanceError as e:
    print("frozen:", e)
print(hash(v1) == hash(Version(1, 2, "other")))

data = {
    "name": "heaplab",
    "versions": [Version(1, 0), Version(1, 1)],
    "nested": {"b": [1, 2, 3] * 4, "a": ("x", "y"), "c": {"deep": list(range(12))}},
}
print(pprint.pformat(data, width=40))
print(pprint.pformat([list(range(i)) for i in range(6)], width=30, compact=True))
pprint.pprint({"k%d" % i: i * i for i in range(5)}, width=20)
print(pprint.isreadable([1, (2, 3)]), pprint.saferepr({"z": [1, {2}]}))


def f(a, b=2, *args, c, d=4, **kw):
    return a


class Shape:
    sides = 0

    def area(self):
        return 0

    @property
    def name(self):
        return "shape"


sig = inspect.signature(f)
print(sig, list(sig.parameters))
for name, param in sig.parameters.items():
    print(" ", name, param.kind.name, param.default is inspect.Parameter.empty)
print(inspect.signature(Point), inspect.signature(lambda x, /, y=1: x))
print(inspect.isclass(Shape), inspect.isfunction(f), inspect.isfunction(Shape))
print(inspect.ismethod(Shape().area), inspect.isroutine(len))
print([n for n, _ in inspect.getmembers(Shape) if not n.startswith("_")])
print([n for n, _ in inspect.getmembers(Shape, inspect.isfunction) if n[0] != "_"])
bound = sig.bind(1, c=3)
bound.apply_defaults()
print(bound.arguments)

log = logging.getLogger("heaplab.test")
log.setLevel(logging.DEBUG)
log.propagate = False
handler = logging.StreamHandler(sys.stdout)
handler.setFormatter(logging.Formatter("%(levelname)s:%(name)s:%(message)s"))
log.addHandler(handler)
log.debug("debug %d", 1)
log.info("info %s and %r", "text", [1, 2])
handler.setLevel(logging.WARNING)
log.info("hidden")
log.warning("warn %.2f", 2.5)
log.error("error: %(key)s", {"key": "value"})
child = logging.getLogger("heaplab.test.child")
print(child.parent is log, child.getEffectiveLevel(), logging.getLevelName(30))
log.removeHandler(handler)
print(log.handlers, log.hasHandlers())
handler.setFormatter(logging.Formatter("{levelname} {message}", style="{"))
log.addHandler(handler)
log.critical("brace %s", "style")
try:
    1 / 0
except ZeroDivisionError:
    log.error("caught", exc_info=False)
print("done")
