# Calling special methods by name, as library code does: dict.__getitem__
# on a dict subclass (consults __missing__, never an overriding
# __getitem__), object.__dir__ and dir() through a class's __dir__.
import urllib.parse


class Cache(dict):
    def __missing__(self, key):
        self[key] = value = key * 2
        return value


c = Cache()
getter = c.__getitem__
print(getter(3), dict.__getitem__(c, 4), sorted(c.items()))


class Wrapped(dict):
    def __getitem__(self, key):
        return ("wrapped", dict.__getitem__(self, key))

    def __missing__(self, key):
        return "missing"


w = Wrapped(a=1)
print(w["a"], w["b"], w.__getitem__("a"), {1: 2}.__getitem__(1))
try:
    dict.__getitem__([], 1)
except TypeError as e:
    print("TypeError:", e)
try:
    {}.__getitem__(5)
except KeyError as e:
    print("KeyError:", repr(e))

# urllib's quoter is a bound dict.__getitem__ of a dict subclass.
print(urllib.parse.quote("a b/é?"), urllib.parse.urlencode({"q": "x y", "n": 1}))
print(urllib.parse.unquote("a%20b%2F%C3%A9"), urllib.parse.quote_plus("1+1 = 2"))


class Point:
    def __init__(self):
        self.x, self.y = 1, 2

    def norm(self):
        return 0


p = Point()
names = p.__dir__()
print(type(names).__name__, "x" in names, "norm" in names, "__dir__" in names)
print(len(names) == len(set(names)), [n for n in dir(p) if not n.startswith("__")])


class Custom:
    def __dir__(self):
        return ("zeta", "alpha", "mid")


print(dir(Custom()), "__dir__" in dir(Custom))


class Lst(list):
    pass


lst = Lst([1])
lst.__setattr__("tag", 2)
print(lst.tag, "tag" in lst.__dir__(), "append" in dir(lst))
