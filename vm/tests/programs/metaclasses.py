# Metaclasses: subclassing type, type.__new__/__init__/__call__ overrides,
# super() in a metaclass, metaclass derivation from bases, metaclass methods
# and attributes seen from the class, __instancecheck__/__subclasscheck__,
# __subclasses__, mro(), class keywords, and abc.ABCMeta from the stdlib.
import abc


class Meta(type):
    created = []

    def __new__(mcls, name, bases, ns, **kw):
        ns["tag"] = kw.get("tag", "none")
        cls = super().__new__(mcls, name, bases, ns)
        Meta.created.append(name)
        return cls

    def __init__(cls, name, bases, ns, **kw):
        super().__init__(name, bases, ns)
        cls.initialised = True

    def describe(cls):
        return "%s(tag=%s)" % (cls.__name__, cls.tag)

    @property
    def upper_name(cls):
        return cls.__name__.upper()


class A(metaclass=Meta, tag="a"):
    def hello(self):
        return "hello from " + type(self).__name__


class B(A):
    pass


print(type(A).__name__, type(B).__name__, A.__class__ is Meta)
print(A.describe(), B.describe(), A.initialised, B.upper_name)
print(Meta.created, B().hello(), isinstance(B(), A))
print(isinstance(A, Meta), isinstance(A, type), issubclass(Meta, type))
print([c.__name__ for c in B.mro()], [c.__name__ for c in A.__subclasses__()])


class Counting(type):
    def __call__(cls, *args, **kwargs):
        cls.calls = getattr(cls, "calls", 0) + 1
        return super().__call__(*args, **kwargs)


class C(metaclass=Counting):
    def __init__(self, x):
        self.x = x


c1, c2 = C(1), C(2)
print(C.calls, c1.x, c2.x)


class Even(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, int) and obj % 2 == 0

    def __subclasscheck__(cls, sub):
        return sub is bool


class EvenNumber(metaclass=Even):
    pass


print(isinstance(4, EvenNumber), isinstance(3, EvenNumber), isinstance("x", (str, EvenNumber)))
print(issubclass(bool, EvenNumber), issubclass(int, EvenNumber))

Dyn = Meta("Dyn", (A,), {"extra": 1}, tag="dyn")
print(Dyn.describe(), Dyn.extra, type(Dyn).__name__)
T = type.__new__(type, "T", (), {"v": 5})
print(T.__name__, T.v, type(T) is type)

try:
    class M1(type):
        pass

    class M2(type):
        pass

    class X(metaclass=M1):
        pass

    class Y(metaclass=M2):
        pass

    class Z(X, Y):
        pass
except TypeError as e:
    print("TypeError:", e)


class Shape(abc.ABC):
    @abc.abstractmethod
    def area(self):
        ...

    def describe(self):
        return "%s with area %s" % (type(self).__name__, self.area())


class Square(Shape):
    def __init__(self, side):
        self.side = side

    def area(self):
        return self.side * self.side


try:
    Shape()
except TypeError as e:
    print("TypeError:", e)
print(Square(3).describe(), sorted(Shape.__abstractmethods__), Square.__abstractmethods__)


class Duck:
    def area(self):
        return 0


Shape.register(Duck)
print(isinstance(Duck(), Shape), issubclass(Duck, Shape), isinstance(1, Shape))
print(type(Shape).__name__, abc.ABCMeta.__module__)


class Field:
    def __set_name__(self, owner, name):
        self.name = owner.__name__ + "." + name

    def __get__(self, obj, owner=None):
        return self.name


class Record:
    first = Field()
    second = Field()


print(Record.first, Record().second)
