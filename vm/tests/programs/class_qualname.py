# __qualname__ of classes, functions, lambdas, comprehensions and
# generators; a class keeps it out of its __dict__ (CPython's type_new).


class Outer:
    class Inner:
        def method(self):
            def local():
                pass

            class Local:
                pass

            return local, Local

    attr = lambda self: 0  # noqa: E731


def factory():
    class Made:
        pass

    def helper():
        return [lambda: 0 for _ in range(1)][0]

    return Made, helper


def gen():
    yield 1


local, Local = Outer.Inner().method()
Made, helper = factory()
print(Outer.__qualname__, Outer.Inner.__qualname__, Outer.Inner.method.__qualname__)
print(local.__qualname__, Local.__qualname__, Outer.attr.__qualname__)
print(Made.__qualname__, helper.__qualname__, helper().__qualname__)
print([lambda: 0 for _ in range(1)][0].__qualname__)
print(gen().__name__, gen().__qualname__)
print(repr(Outer.Inner), repr(Local))
print(repr(Outer.Inner()).split(" object at ")[0])
print("__qualname__" in Outer.__dict__, "__module__" in Outer.__dict__)
print(sorted(k for k in vars(Outer) if not k.startswith("__")))
try:
    Outer().__qualname__
except AttributeError as e:
    print("AttributeError", e)
Outer.__qualname__ = "Renamed.Outer"
print(Outer.__qualname__, Outer.__name__, repr(Outer))
Outer.__name__ = "Other"
print(Outer.__qualname__, Outer.__name__)
for bad in (3, None):
    try:
        Outer.__qualname__ = bad
    except TypeError as e:
        print("TypeError", e)
T = type("T", (), {"__qualname__": "Somewhere.T", "x": 1})
print(T.__name__, T.__qualname__, T.__module__, repr(T), "__qualname__" in T.__dict__)
try:
    type("U", (), {"__qualname__": 5})
except TypeError as e:
    print("TypeError", e)
print(int.__qualname__, type.__qualname__, repr(int))
