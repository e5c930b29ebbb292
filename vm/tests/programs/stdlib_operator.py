# The native `_operator` module behind `operator`: every function, the
# itemgetter/attrgetter/methodcaller classes, and CPython's error messages.
import operator
import _operator


def show(f, *a, **k):
    try:
        print(repr(f(*a, **k)))
    except Exception as e:
        print(type(e).__name__, e)


# Every name in operator.__all__ resolves; the star import adds nothing else.
print(all(hasattr(operator, n) for n in operator.__all__))
ns = {}
exec("from _operator import *", ns)
print(sorted(n for n in ns if n != "__builtins__"))
print(operator.add is _operator.add, operator.__add__ is _operator.add)
print(operator.itemgetter is _operator.itemgetter)

# Arithmetic, bitwise, comparisons.
for name in ["add", "sub", "mul", "truediv", "floordiv", "mod", "pow",
             "lshift", "rshift", "and_", "or_", "xor"]:
    f = getattr(operator, name)
    print(name, f(13, 3), f(-7, 2), end=" ")
print()
print(operator.add(1.5, 2), operator.mul("ab", 3), operator.add([1], [2]))
print(operator.truediv(1, 4), operator.mod("%s-%s", (1, 2)))
for name in ["lt", "le", "eq", "ne", "ge", "gt"]:
    f = getattr(operator, name)
    print(name, f(1, 2), f(2, 2), f("b", "a"), end=" ")
print()
print(operator.is_(None, None), operator.is_not(None, None), operator.is_([], []))
print(operator.not_(0), operator.not_([1]), operator.truth(""), operator.truth(3))
print(operator.neg(5), operator.pos(-2.5), operator.inv(5), operator.invert(-1))
print(operator.abs(-3), operator.abs(-2.5), operator.abs(-(2 ** 70)))
print(operator.index(7), operator.index(True), type(operator.index(True)).__name__)
print(operator.index(2 ** 70))


class Idx:
    def __index__(self):
        return 4


class Vec:
    def __init__(self, v):
        self.v = v

    def __matmul__(self, o):
        return self.v * o.v

    def __imatmul__(self, o):
        self.v = self.v * o.v * 10
        return self

    def __iadd__(self, o):
        self.v += o
        return self

    def __repr__(self):
        return "Vec(%r)" % self.v


print(operator.index(Idx()), operator.matmul(Vec(2), Vec(3)))
v = Vec(2)
print(operator.imatmul(v, Vec(3)) is v, v)
print(operator.iadd(v, 1) is v, v)

# In-place forms: mutable targets change in place, immutable ones do not.
lst = [1]
print(operator.iadd(lst, [2]) is lst, lst, operator.iconcat(lst, (3,)), lst)
t = (1,)
print(operator.iadd(t, (2,)), t)
for name in ["isub", "imul", "itruediv", "ifloordiv", "imod", "ipow",
             "ilshift", "irshift", "iand", "ior", "ixor"]:
    print(name, getattr(operator, name)(12, 5), end=" ")
print()
s = {1, 2}
print(operator.ior(s, {3}) is s, sorted(s), operator.iand(s, {2, 3}), sorted(s))

# Sequences.
print(operator.concat([1], [2]), operator.concat("a", "b"), operator.concat((1,), (2,)))
print(operator.contains([1, 2], 2), operator.contains("abc", "d"))
print(operator.countOf([1, 2, 1, 1.0], 1), operator.indexOf("abcb", "b"))
nan = float("nan")
print(operator.countOf([nan, nan], nan), operator.indexOf([0, nan], nan))
d = {"a": 1}
print(operator.getitem(d, "a"), operator.getitem([5, 6, 7], slice(1, None)))
print(operator.setitem(d, "b", 2), sorted(d.items()))
print(operator.delitem(d, "a"), d)
print(operator.length_hint([1, 2, 3]), operator.length_hint(range(10)))
print(operator.length_hint(object(), 5), operator.length_hint(iter([])))


class Hint:
    def __init__(self, h):
        self.h = h

    def __length_hint__(self):
        return self.h


print(operator.length_hint(Hint(NotImplemented), 9), operator.length_hint(Hint(4)))
show(operator.length_hint, Hint("x"))
show(operator.length_hint, Hint(-1))
print(operator.call(max, 1, 5, 3), operator.call(sorted, [3, 1, 2], reverse=True))
print(_operator._compare_digest("abc", "abc"), _operator._compare_digest(b"ab", b"ac"))
print(_operator._compare_digest(b"ab", bytearray(b"ab")), _operator._compare_digest("a", "ab"))

# Errors.
show(operator.add, 1)
show(operator.add, 1, 2, 3)
show(operator.add, 1, x=2)
show(operator.add, 1, "a")
show(operator.iadd, 1, "a")
show(operator.truediv, 1, 0)
show(operator.lt, 1, "a")
show(operator.neg)
show(operator.neg, 1, 2)
show(operator.neg, "a")
show(operator.not_, x=1)
show(operator.abs, "a")
show(operator.index, "a")
show(operator.index, 1.5)
show(operator.concat, 1, 2)
show(operator.iconcat, 1, [2])
show(operator.countOf, 1, 2)
show(operator.indexOf, [1], 2)
show(operator.getitem, 1, 2)
show(operator.getitem, [], 3)
show(operator.setitem, 1, 2, 3)
show(operator.delitem, {}, 2)
show(operator.length_hint)
show(operator.length_hint, [], "x")
show(operator.length_hint, [], x=1)
show(operator.call)
show(operator.pow, 2, 3, 4)
show(_operator._compare_digest, "a", b"a")
show(_operator._compare_digest, "\xe9", "\xe9")
show(_operator._compare_digest, 1, 2)

# itemgetter.
g = operator.itemgetter(1)
print(g([10, 20, 30]), g("xyz"), g({1: "one"}))
g2 = operator.itemgetter(2, 0, slice(1, 3))
print(g2("abcdef"), repr(g2), repr(operator.itemgetter("k")))
print(g2.__reduce__()[0] is operator.itemgetter, g2.__reduce__()[1])
rows = [(3, "c"), (1, "a"), (2, "b"), (1, "z")]
print(sorted(rows, key=operator.itemgetter(1), reverse=True))
print(sorted(rows, key=operator.itemgetter(0, 1)))
print(list(map(operator.itemgetter("n"), [{"n": 1}, {"n": 2}])))
show(operator.itemgetter)
show(operator.itemgetter, a=1)
show(g)
show(g, [1], [2])
show(g, [1])
show(g, 5)
print(type(g).__name__, type(g).__module__)

# attrgetter.


class Node:
    def __init__(self, name, child=None):
        self.name = name
        self.child = child


tree = Node("root", Node("kid", Node("grandkid")))
a1 = operator.attrgetter("name")
a2 = operator.attrgetter("child.name", "child.child.name", "name")
print(a1(tree), a2(tree), a1(Node(42)))
print(repr(a1), repr(a2))
print(a2.__reduce__()[0] is operator.attrgetter, a2.__reduce__()[1])
print(sorted([Node("b"), Node("a"), Node("c")], key=a1)[0].name)
print(operator.attrgetter("real", "imag")(3.5), operator.attrgetter("__class__.__name__")(1))
show(operator.attrgetter)
show(operator.attrgetter, 1)
show(operator.attrgetter, "a", x=1)
show(a1)
show(a1, 5)
show(operator.attrgetter("child.name"), Node("leaf"))

# methodcaller.
m = operator.methodcaller("split", ",")
print(m("a,b,c"), operator.methodcaller("upper")("abc"))
mk = operator.methodcaller("split", sep="-", maxsplit=1)
print(mk("a-b-c"), repr(m), repr(mk))
print(m.__reduce__())
r = mk.__reduce__()
print(r[1], r[0].func is operator.methodcaller, r[0].args, r[0].keywords)
print(r[0](*r[1])("x-y-z"))
print(operator.methodcaller("get", "k", 0)({"k": 3}), operator.methodcaller("get", "q", 0)({}))
show(operator.methodcaller)
show(operator.methodcaller, 1)
show(m)
show(m, "a", "b")
show(m, 5)
show(operator.methodcaller("nope"), 1)

# Subclass-free identity and reuse.
k = operator.itemgetter(0)
print(all(k((i, -i)) == i for i in range(100)))
print(sum(map(operator.mul, range(10), range(10))))
