# itertools as CPython's C module: real types, shared groupby/tee state,
# islice's consumption rules, reprs and argument errors.
import itertools as it
import operator


def err(f):
    try:
        r = f()
        print("ok", r)
    except Exception as e:
        print(type(e).__name__, e)


names = ["count", "cycle", "repeat", "accumulate", "chain", "compress", "dropwhile",
         "takewhile", "filterfalse", "groupby", "islice", "pairwise", "starmap",
         "zip_longest", "product", "permutations", "combinations",
         "combinations_with_replacement", "_grouper", "_tee"]
print([isinstance(getattr(it, n), type) for n in names])
print(repr(it.count), it.chain.__name__, it.cycle.__module__, type(it.count()).__name__)
c = it.cycle([])
print(type(c) is it.cycle, isinstance(c, it.cycle), iter(c) is c, list(c))
ch = it.chain.from_iterable(["ab", "c"])
print(type(ch) is it.chain, list(ch), next(ch, "end"))

# count: ints, floats, big ints, reprs
c = it.count(5)
print(repr(c), next(c), next(c), repr(c))
c = it.count(1.5, 0.5)
print(repr(c), [next(c) for _ in range(3)], repr(c))
c = it.count(2**62 - 2)
print([next(c) for _ in range(4)], repr(c))
print(repr(it.count(step=2)), repr(it.count(0, 1.0)), repr(it.count(-3, -1)))
print(list(it.islice(it.count(10, -3), 4)))
err(lambda: it.count("a"))
err(lambda: it.count(1, 2, 3))
err(lambda: it.count(foo=1))

# repeat
r = it.repeat("x", 3)
print(repr(r), r.__length_hint__(), next(r), repr(r), r.__length_hint__(), list(r), repr(r))
print(repr(it.repeat(1, -3)), it.repeat(1, -3).__length_hint__(), repr(it.repeat([1])))
print(list(it.repeat(times=2, object=7)))
err(lambda: it.repeat(1).__length_hint__())
err(lambda: it.repeat())
err(lambda: it.repeat(1, "a"))

# cycle keeps going over the saved items; the source is read once
src = iter([1, 2, 3])
c = it.cycle(src)
print([next(c) for _ in range(8)], list(src))
err(lambda: it.cycle())
err(lambda: it.cycle(1))

# accumulate
print(list(it.accumulate([1, 2, 3, 4])), list(it.accumulate([3, 1, 4, 1, 5], max)))
print(list(it.accumulate([1, 2, 3], operator.mul, initial=10)), list(it.accumulate([], initial=5)))
print(list(it.accumulate(["a", "b", "c"])), list(it.accumulate([])))
err(lambda: list(it.accumulate([1, "a"])))
err(lambda: it.accumulate([], 1, 2))

# chain
print(list(it.chain()), list(it.chain([1], [], (2, 3), "ab")))
err(lambda: it.chain(a=1))
err(lambda: list(it.chain([1], 5)))
err(lambda: it.chain.from_iterable())

# compress, dropwhile, takewhile, filterfalse, starmap
print(list(it.compress("abcdef", [1, 0, 1, 0, 1, 1])), list(it.compress("abc", [1, 1, 1, 1, 1])))
print(list(it.compress(data="abc", selectors=[0, 1])))
print(list(it.dropwhile(lambda x: x < 3, [1, 2, 3, 1, 5])), list(it.takewhile(lambda x: x < 3, [1, 2, 3, 1])))
tw = it.takewhile(lambda x: x < 3, iter([1, 5, 2]))
print(list(tw), list(tw))
print(list(it.filterfalse(None, [0, 1, "", "a", None])), list(it.filterfalse(lambda x: x % 2, range(7))))
print(list(it.starmap(pow, [(2, 3), [3, 2]])), list(it.starmap(lambda *a: a, ["ab", ()])))
err(lambda: it.dropwhile(None))
err(lambda: it.takewhile(None, [], x=1))
err(lambda: next(it.starmap(pow, [1])))

# groupby: the groups share the parent's state
print([(k, list(g)) for k, g in it.groupby("aaabccaa")])
print([(k, len(list(g))) for k, g in it.groupby(range(10), key=lambda x: x // 4)])
gb = it.groupby("aabbbc")
k1, g1 = next(gb)
print(k1, next(g1))
k2, g2 = next(gb)
print(k2, list(g1), list(g2), type(g2).__name__, isinstance(g2, it._grouper))
k3, g3 = next(gb)
print(k3, list(g3), next(gb, "done"), list(g2))
gb = it.groupby([1, 1, 2])
print([k for k, _ in gb], list(it.groupby([])))
err(lambda: it.groupby())
err(lambda: it.groupby([], None, 3))
err(lambda: it._grouper(1, 2))

# islice: validation and how much of the input it consumes
src = iter(range(10))
print(list(it.islice(src, 2, 5, 10)), next(src))
src = iter(range(10))
print(list(it.islice(src, 3)), next(src))
print(list(it.islice(range(10), 2, None, 3)), list(it.islice(range(10), None)), list(it.islice("abc", 0)))
print(list(it.islice(range(5), 1, 100)), list(it.islice(it.count(), 3, 12, 4)))
for args in [(-1,), (-5,), (1.5,), (-1, 5), ("a", 5), (1, -2), (1, 5, 0), (1, 5, "x"), (2**70,), ()]:
    err(lambda: it.islice([], *args))
err(lambda: it.islice([], stop=3))
err(lambda: it.islice(1, 3))

# pairwise
print(list(it.pairwise("abcd")), list(it.pairwise("a")), list(it.pairwise([])))
err(lambda: it.pairwise())

# tee: shared buffer, copies, long inputs
a, b = it.tee(iter(range(200)))
print(type(a).__name__, next(a), next(a), next(b))
c = a.__copy__()
print(sum(a), sum(b), list(it.islice(c, 3)), type(c) is type(a))
x, y, z = it.tee("abc", 3)
print(list(x), list(y), list(z), it.tee([1], 0))
t1, t2 = it.tee(a)
print(type(t1).__name__, list(t1), list(t2))
p, q = it.tee(it.count())
print([next(p) for _ in range(100)][-1], next(q))
err(lambda: it.tee([], -1))
err(lambda: it.tee([], n=2))
err(lambda: it.tee())

# zip_longest
print(list(it.zip_longest("abc", [1], fillvalue="-")), list(it.zip_longest()))
print(list(it.zip_longest([1, 2], "a", [])), list(it.islice(it.zip_longest(it.count(), "ab"), 3)))
err(lambda: it.zip_longest(foo=1))

# combinatorics
print(list(it.product("ab", range(2))), list(it.product()), list(it.product("ab", [])))
print(len(list(it.product(range(3), repeat=3))), list(it.product("ab", repeat=0)), list(it.product([1, 2], repeat=2)))
print(list(it.permutations("abc", 2)), len(list(it.permutations(range(5)))), list(it.permutations([], 0)))
print(list(it.permutations("ab", 3)), list(it.permutations("abc", 0)), list(it.permutations(r=2, iterable=[1, 2])))
print(list(it.combinations("abcd", 2)), list(it.combinations("ab", 3)), list(it.combinations("", 0)))
print(list(it.combinations_with_replacement("abc", 2)), list(it.combinations_with_replacement("", 2)))
print(list(it.combinations_with_replacement("ab", 0)), len(list(it.combinations_with_replacement(range(4), 3))))
err(lambda: it.product(repeat=-1))
err(lambda: it.product(foo=1))
err(lambda: it.permutations([], -1))
err(lambda: it.permutations([], 1.5))
err(lambda: it.combinations([]))
err(lambda: it.combinations([], -1))
err(lambda: it.combinations_with_replacement([], "a"))


# subclasses and wrong receivers
class Evens(it.count):
    pass


e = Evens(0, 2)
print([next(e) for _ in range(3)], isinstance(e, it.count), repr(e))


class Named(it.chain):
    def __init__(self, *args):
        self.name = "n"


n = Named([1], [2])
print(n.name, list(n))
err(lambda: it.count.__next__(1))
err(lambda: it.chain.__next__(it.count()))

# exceptions from inner iterators propagate
def boom():
    yield 1
    raise KeyError("inner")


err(lambda: list(it.chain(boom())))
err(lambda: list(it.islice(boom(), 5)))
err(lambda: list(it.zip_longest(boom(), [1, 2, 3])))


# a subclass overriding __next__ is honoured inside other itertools
class Doubled(it.count):
    def __next__(self):
        return 2 * super().__next__()


print(list(it.islice(Doubled(3), 3)), list(it.chain(it.islice(Doubled(), 2), it.repeat(0, 1))))
c = it.count(7)
try:
    c.__dict__
except AttributeError:
    pass
print(next(c), next(c), repr(c), list(it.islice(c, 2)))
