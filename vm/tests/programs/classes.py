# Classes: methods, inheritance, MRO, super, descriptors, dunders, attribute access.
class Animal:
    kind = "animal"
    count = 0
    def __init__(self, name):
        self.name = name
        Animal.count += 1
    def speak(self):
        return self.name + " makes a sound"
    def __repr__(self):
        return "Animal(%r)" % self.name
class Dog(Animal):
    kind = "dog"
    def __init__(self, name, breed):
        super().__init__(name)
        self.breed = breed
    def speak(self):
        return super().speak() + " (woof)"
    def __str__(self):
        return "Dog " + self.name
a, d = Animal("generic"), Dog("Rex", "lab")
print(a.speak(), "|", d.speak(), "|", a.kind, d.kind, Animal.count, d.breed)
print(repr(a), str(a), repr(d), str(d), [a, d], isinstance(d, Animal), isinstance(a, Dog), issubclass(Dog, Animal), issubclass(Dog, object))
print(type(d).__name__, type(d) is Dog, Dog.__base__.__name__, Dog.__name__, d.__class__.__name__)
class A:
    def who(self): return "A"
class B(A):
    def who(self): return "B>" + super().who()
class C(A):
    def who(self): return "C>" + super().who()
class D(B, C):
    def who(self): return "D>" + super(D, self).who()
print([k.__name__ for k in D.__mro__], D().who(), super(B, D()).who())
class Temp:
    unit = "C"
    def __init__(self, c): self._c = c
    @property
    def c(self): return self._c
    @c.setter
    def c(self, v):
        if v < -273: raise ValueError("too cold")
        self._c = v
    @property
    def f(self): return self._c * 9 / 5 + 32
    @classmethod
    def from_f(cls, f): return cls((f - 32) * 5 / 9)
    @staticmethod
    def describe(): return "temperature"
t = Temp(100)
t.c = 25
try:
    t.c = -300
except ValueError as e:
    print("rejected:", e)
print(t.c, t.f, Temp.from_f(212).c, Temp.describe(), t.describe(), type(Temp.from_f(32)).__name__)
class Slotted:
    __slots__ = ("x", "y")
    def __init__(self, x, y): self.x, self.y = x, y
sl = Slotted(1, 2)
sl.x = 10
try:
    sl.z = 3
except AttributeError:
    print("no slot z")
def add_hello(cls):
    cls.hello = lambda self: "hello from " + type(self).__name__
    return cls
@add_hello
class Greeter: pass
print(Greeter().hello(), Greeter.__name__, sl.x, sl.y, hasattr(sl, "z"))
class Vec:
    def __init__(self, x, y): self.x, self.y = x, y
    def __repr__(self): return f"Vec({self.x}, {self.y})"
    def __eq__(self, o): return isinstance(o, Vec) and (self.x, self.y) == (o.x, o.y)
    def __hash__(self): return hash((self.x, self.y))
    def __lt__(self, o): return (self.x ** 2 + self.y ** 2) < (o.x ** 2 + o.y ** 2)
    def __add__(self, o): return Vec(self.x + o.x, self.y + o.y) if isinstance(o, Vec) else Vec(self.x + o, self.y + o)
    def __radd__(self, o): return self + o
    def __mul__(self, k): return Vec(self.x * k, self.y * k)
    def __neg__(self): return Vec(-self.x, -self.y)
    def __bool__(self): return bool(self.x or self.y)
v, w = Vec(1, 2), Vec(3, -1)
print(v + w, v + 10, 5 + v, v * 3, -w, sum([v, w], Vec(0, 0)), v == Vec(1, 2), v != w, v is Vec(1, 2))
print(sorted([Vec(3, 4), Vec(0, 1), Vec(2, 2)]), min(v, w), bool(Vec(0, 0)), bool(v), len({Vec(1, 2), Vec(1, 2), w}))
class Bag:
    def __init__(self, *items): self.items = list(items)
    def __len__(self): return len(self.items)
    def __getitem__(self, i): return self.items[i]
    def __setitem__(self, i, v): self.items[i] = v
    def __contains__(self, v): return v in self.items
    def __call__(self, x): return [x * i for i in self.items]
bag = Bag(1, 2, 3)
bag[0] = 7
print(len(bag), bag[0], bag[-1], bag[1:], 2 in bag, 5 in bag, bag(2), list(bag), bool(Bag()), callable(bag))
class Countdown:
    def __init__(self, n): self.n = n
    def __iter__(self): return self
    def __next__(self):
        if self.n <= 0: raise StopIteration
        self.n -= 1
        return self.n
print(list(Countdown(5)), [x * 2 for x in Countdown(3)], sum(Countdown(4)))
class Dyn:
    present = 1
    def __getattr__(self, name): return "<missing " + name + ">"
dy = Dyn()
setattr(dy, "made", 42)
print(getattr(dy, "made"), dy.present, dy.anything, getattr(dy, "other"), hasattr(dy, "zzz"), getattr(a, "nope", "default"))
delattr(dy, "made")
print(dy.made, hasattr(d, "breed"), hasattr(d, "tail"))
del d.breed
print(hasattr(d, "breed"), getattr(Dog, "kind"), sorted(vars(d)))
class Base:
    registry = []
    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        Base.registry.append(cls.__name__)
class P1(Base): pass
class P2(P1): x = 1
print(Base.registry, P2.registry is Base.registry, Animal.kind, Dog("x", "y").kind, Animal.count)
