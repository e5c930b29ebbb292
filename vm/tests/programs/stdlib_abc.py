# abc through the native _abc: abstract methods (incl. abstract
# properties), register, instance/subclass checks with caches, the
# collections.abc hooks, and the cache token.
import abc
import collections.abc as cabc
import numbers
import fractions
import decimal


class Base(abc.ABC):
    @abc.abstractmethod
    def f(self): ...

    @property
    @abc.abstractmethod
    def p(self): ...


class Half(Base):
    def f(self):
        return 1


class Full(Half):
    p = 3


print(abc.ABCMeta.__module__, type(Base).__name__)
print(sorted(Base.__abstractmethods__), sorted(Half.__abstractmethods__), sorted(Full.__abstractmethods__))
for c in (Base, Half, Full):
    try:
        c()
        print(c.__name__, "instantiated")
    except TypeError as e:
        print("TypeError", e)


class Reg:
    pass


print(issubclass(Reg, Base), Base.register(Reg) is Reg, issubclass(Reg, Base), isinstance(Reg(), Base))
print(issubclass(Reg, Base), Base in Reg.__mro__)


class MyMap:
    def __getitem__(self, k):
        return k

    def __len__(self):
        return 0

    def __iter__(self):
        return iter(())


print(isinstance({}, cabc.Mapping), isinstance([], cabc.Mapping), issubclass(list, cabc.Sequence))
print(isinstance(MyMap(), cabc.Mapping), isinstance(MyMap(), cabc.Sized), isinstance(MyMap(), cabc.Iterable))
print(isinstance(3, cabc.Hashable), isinstance([], cabc.Hashable), isinstance({}, cabc.Hashable))
print(list.__hash__, dict.__hash__, set.__hash__, bytearray.__hash__)
cabc.Mapping.register(MyMap)
print(isinstance(MyMap(), cabc.Mapping), issubclass(MyMap, cabc.Collection))
print(isinstance(iter([]), cabc.Iterator), isinstance((x for x in ()), cabc.Generator))
print(isinstance(len, cabc.Callable), isinstance(3, cabc.Callable))
try:
    Base.register(3)
except TypeError as e:
    print("TypeError", e)
Sub = type("Sub", (Full,), {})
try:
    Sub.register(Base)
except RuntimeError as e:
    print("RuntimeError", e)
print(Base.register(Sub) is Sub)
token = abc.get_cache_token()


class X(abc.ABC):
    pass


X.register(int)
print(abc.get_cache_token() == token + 1, issubclass(int, X), issubclass(bool, X), issubclass(str, X))
registry, cache, negative, version = abc._get_dump(X)
print([sorted(r().__name__ for r in s) for s in (registry, cache, negative)])
X._abc_registry_clear()
X._abc_caches_clear()
print(issubclass(int, X))
try:
    issubclass(3, X)
except TypeError as e:
    print("TypeError", e)
print(isinstance(3, numbers.Integral), isinstance(2.5, numbers.Real), isinstance(2.5, numbers.Integral))
print(isinstance(fractions.Fraction(1, 2), numbers.Rational), isinstance(decimal.Decimal(1), numbers.Number))
print(abc.update_abstractmethods(Full) is Full, "__abc_tpflags__" in cabc.Sequence.__dict__)


class Meta(abc.ABCMeta):
    pass


class WithHook(metaclass=Meta):
    @classmethod
    def __subclasshook__(cls, c):
        return True if hasattr(c, "quack") else NotImplemented


class Duck:
    quack = 1


print(issubclass(Duck, WithHook), isinstance(Duck(), WithHook), issubclass(int, WithHook))


class BadHook(abc.ABC):
    @classmethod
    def __subclasshook__(cls, c):
        return 1


try:
    issubclass(int, BadHook)
except AssertionError as e:
    print("AssertionError", e)
