# The native `_functools` module behind `functools`: reduce, partial
# (flattening, keywords, repr, pickling protocol, subclasses) and cmp_to_key.
import functools
import _functools
import operator


def show(f, *a, **k):
    try:
        print(repr(f(*a, **k)))
    except Exception as e:
        print(type(e).__name__, e)


print(functools.reduce is _functools.reduce, functools.partial is _functools.partial)
print(functools.cmp_to_key is _functools.cmp_to_key)

# reduce.
print(functools.reduce(operator.add, range(10)), functools.reduce(operator.add, [], 7))
print(functools.reduce(lambda a, b: a * 10 + b, [1, 2, 3], 4))
print(functools.reduce(operator.add, ["a"]), functools.reduce(operator.concat, [[1], [2]], []))
print(functools.reduce(lambda a, b: a + [b], iter(range(4)), []))
show(functools.reduce, operator.add, [])
show(functools.reduce, operator.add, 1)
show(functools.reduce, operator.add)
show(functools.reduce)
show(functools.reduce, operator.add, [], 1, 2)
show(functools.reduce, operator.add, [], x=1)
show(functools.reduce, operator.add, [1, "a"])


def boom(a, b):
    raise ValueError("boom %r %r" % (a, b))


show(functools.reduce, boom, [1, 2, 3])


# partial.
def f(a, b=2, *rest, **kw):
    return (a, b, rest, sorted(kw.items()))


p = functools.partial(f, 1)
print(p(), p(5), p(5, 6, 7), p(c=3))
print(p.func is f, p.args, p.keywords)
pk = functools.partial(f, b=9, z=0)
print(pk(1), pk(1, z=5), pk(1, b=3, y=4), pk.keywords)
print(pk.keywords is pk.keywords)
# Flattening.
q = functools.partial(p, 2, z=1)
print(q.func is f, q.args, q.keywords, q(3))
qq = functools.partial(q, y=2, z=3)
print(qq.func is f, qq.args, qq.keywords)
# A partial with attributes of its own is not flattened.
p2 = functools.partial(f, 1)
p2.note = "mine"
r = functools.partial(p2, 4)
print(r.func is p2, r.args, r(), p2.note)
# Keywords dict: a copy, not the caller's.
kw = {"b": 1}
pd = functools.partial(f, **kw)
kw["b"] = 2
print(pd(0), pd.keywords)
pd.keywords["b"] = 3
print(pd(0))


def g(x, y):
    return x - y


print(repr(functools.partial(g)).startswith("functools.partial(<function g at "))
rp = repr(functools.partial(len, 1, "a", k=[2]))
print(rp)
print(repr(functools.partial(max, 3, key=abs)))


class P(functools.partial):
    pass


sp = P(g, 10)
print(type(sp).__name__, sp(3), repr(P(len, 2)), isinstance(sp, functools.partial))
print(P(sp, 1).func is g)  # a subclass keeping __call__ is flattened too


class Tagged(functools.partial):
    def __new__(cls, func, *args, tag=None, **kw):
        self = super().__new__(cls, func, *args, **kw)
        self.tag = tag
        return self

    def __call__(self, *args, **kw):
        return ("tagged", self.tag, super().__call__(*args, **kw))


t = Tagged(g, 1, tag="t")
print(t(5), t.tag, t.args, repr(t).startswith("Tagged(<function g"))


# A partial stored on a class is not a method.
class Holder:
    meth = functools.partial(g, 100)


print(Holder().meth(1), Holder.meth(2))

# Pickling protocol.
red = functools.partial(f, 1, b=2).__reduce__()
print(red[0] is functools.partial, red[1][0] is f, red[2][1:])
p3 = functools.partial(f, 1)
p3.attr = 5
print(p3.__reduce__()[2][3])
p4 = functools.partial(len)
p4.__setstate__((f, (7,), {"k": 1}, {"extra": 3}))
print(p4(), p4.func is f, p4.args, p4.keywords, p4.extra)
show(p4.__setstate__, (f, [8], None, None))


class T(tuple):
    pass


p4.__setstate__((f, T((8,)), None, None))
print(p4.args, type(p4.args).__name__, p4.keywords)
show(p4.__setstate__, (f, (), {}))
show(p4.__setstate__, (1, (), {}, None))
show(p4.__setstate__, (f, 1, {}, None))
show(p4.__setstate__, (f, (), 1, None))
show(p4.__setstate__, 5)
print(functools.partial[int], functools.partial[int].__origin__ is functools.partial)

show(functools.partial)
show(functools.partial, 1)
show(functools.partial(g), 1)
show(functools.partial(g, 1, 2), 3)
show(functools.partial(int, base=2), "102")
print(functools.partial(int, base=2)("101"), functools.partial(dict, a=1)(b=2))
print(functools.partial(f, 1, 2, 3)(4, x=5))

# Recursive repr.
rec = functools.partial(g)
rec.__setstate__((g, (rec,), {}, None))
print(repr(rec).count("..."))

# partial inside functools helpers.
pm = functools.partialmethod(g, 1)


class C:
    m = functools.partialmethod(lambda self, a, b: (a, b), 1)


print(C().m(2))
print(functools.update_wrapper(functools.partial(g, 1), g).__name__)

# cmp_to_key.


def rev(a, b):
    return (b > a) - (b < a)


print(sorted([3, 1, 2, 5, 4], key=functools.cmp_to_key(rev)))
print(sorted(["bb", "a", "ccc"], key=functools.cmp_to_key(lambda a, b: len(a) - len(b))))
K = functools.cmp_to_key(rev)
k1, k2 = K(1), K(2)
print(k1 < k2, k1 > k2, k1 <= k2, k1 >= k2, k1 == k2, k1 != k2, k1 == K(1))
print(k1.obj, K(obj=9).obj, type(k1) is type(K), type(k1).__name__)
print(max([1, 5, 3], key=K), min([1, 5, 3], key=K))
k1.obj = 7
print(k1.obj, k1 < k2)
show(lambda: k1 < 2)
show(lambda: 2 < k1)
show(lambda: k1 == 1)
try:
    hash(k1)
except TypeError:
    print("unhashable")
show(K)
show(K, 1, 2)
show(functools.cmp_to_key)
print(sorted([3, 1, 2], key=functools.cmp_to_key(mycmp=lambda a, b: a - b)))
show(lambda: sorted([1, 2], key=functools.cmp_to_key(lambda a, b: None)))

# lru_cache / cache (the native _lru_cache_wrapper).
print(functools._lru_cache_wrapper is _functools._lru_cache_wrapper)


@functools.lru_cache(maxsize=None)
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


print(fib(60), fib.cache_info(), type(fib).__name__, fib.__name__, fib.__wrapped__(5))
fib.cache_clear()
print(fib.cache_info(), fib.cache_parameters())
calls = []


@functools.lru_cache(maxsize=2)
def sq(x, scale=1):
    calls.append(x)
    return x * x * scale


print(sq(2), sq(3), sq(2), sq(4), sq(3), sq(2), calls, sq.cache_info())
print(sq(2, scale=2), sq(2, scale=2), sq(x=2), sq.cache_info().currsize)


@functools.lru_cache(typed=True)
def ident(x):
    calls.append(type(x).__name__)
    return x


calls.clear()
print(ident(1), ident(1.0), ident(True), ident(1), calls, ident.cache_info().hits)


@functools.cache
def noisy(x):
    calls.append(x)
    if x < 0:
        raise ValueError("negative")
    return [x]


calls.clear()
r1 = noisy(1)
print(r1 is noisy(1), calls)
show(noisy, -1)
show(noisy, -1)
print(calls, noisy.cache_info())
show(noisy, [])


@functools.lru_cache(maxsize=0)
def zero(x):
    return x + 1


print(zero(1), zero(1), zero.cache_info())


class Box:
    def __init__(self, v):
        self.v = v

    @functools.lru_cache(maxsize=8)
    def get(self, k):
        return (self.v, k)

    def __hash__(self):
        return hash(self.v)

    def __eq__(self, o):
        return isinstance(o, Box) and o.v == self.v


b = Box(3)
print(b.get(1), b.get(1), Box.get.cache_info(), Box.get is Box.__dict__["get"])
show(functools.lru_cache, "x")
