# _collections natively: deque, its iterators, defaultdict,
# _count_elements (Counter) and _tuplegetter (namedtuple).
import copy
from collections import deque, defaultdict, Counter, namedtuple, OrderedDict
import _collections


def t(f):
    try:
        print(repr(f()))
    except Exception as e:
        print(type(e).__name__, e)


# ---------------------------------------------------------------- deque basics
d = deque()
for i in range(20):
    d.append(i)
    d.appendleft(-i)
print(d)
print(len(d), bool(d), bool(deque()), d[0], d[-1], d[5], d[-7])
print(d.pop(), d.popleft(), len(d))
d.extend(range(3))
d.extendleft("ab")
print(d)
d.rotate(3)
print(d)
d.rotate(-5)
print(d)
d.reverse()
print(list(d)[:6], list(reversed(d))[:6])
d.clear()
print(d, len(d))

# maxlen: bounded deques drop from the other end
b = deque(range(10), maxlen=4)
print(b, b.maxlen)
b.append(10)
b.appendleft(-1)
print(b)
b.extend([20, 21])
b.extendleft([30])
print(b)
z = deque([1, 2], 0)
z.append(3)
print(z, z.maxlen, deque().maxlen)
try:
    b.maxlen = 3
except AttributeError:
    print("read-only maxlen")
t(lambda: b.insert(0, 5))

# indexing and item assignment/deletion
d = deque("abcdefgh")
d[2] = "C"
d[-1] = "H"
del d[0]
del d[-2]
del d[3]
print(d)
d.insert(0, "<")
d.insert(100, ">")
d.insert(-1, "x")
d.insert(3, "mid")
print(d)
t(lambda: d[100])
t(lambda: d[-100])
t(lambda: d["a"])
t(lambda: d[1:2])
t(lambda: d.__setitem__(50, 1))
t(lambda: d.__delitem__(50))
t(lambda: deque().pop())
t(lambda: deque().popleft())

# count, index, remove, contains
d = deque([1, 2, 3, 2, 1, 2])
print(d.count(2), d.count(9), d.index(2), d.index(2, 2), d.index(2, -2))
print(2 in d, 9 in d)
nan = float("nan")
print(deque([nan]).count(nan), nan in deque([nan]))
d.remove(2)
print(d)
t(lambda: d.remove(9))
t(lambda: d.index(9))
t(lambda: d.index(1, 1, 3))
t(lambda: d.index(2, "a"))
t(lambda: d.count())
t(lambda: d.rotate("x"))

# comparisons, +, *, unhashable
print(deque([1, 2]) == deque([1, 2]), deque([1, 2]) != deque([1, 3]))
print(deque([1, 2]) < deque([1, 3]), deque([1, 2]) < deque([1, 2, 0]),
      deque([2]) >= deque([1, 9]), deque([1]) == [1])
print(deque([1, 2]) + deque([3]), deque([1, 2]) * 3, 2 * deque([7]), deque([1]) * 0)
e = deque([1, 2], maxlen=3)
e += [3, 4]
print(e)
e *= 2
print(e)
f = deque("ab")
f *= 3
print(f)
f += f
print(len(f))
t(lambda: deque([1]) + [2])
t(lambda: deque([1]) * "a")
print(deque([1]).__lt__([1]))
try:
    hash(deque())
except TypeError:
    print("unhashable")

# constructor errors
t(lambda: deque([1], "a"))
t(lambda: deque([1], -1))
t(lambda: deque([1], 2, 3))
t(lambda: deque([1], foo=2))
t(lambda: deque(5))
print(deque(iterable=[1, 2], maxlen=5))

# re-init clears, repr recursion, subclass
d = deque([1, 2, 3])
d.__init__([7])
print(d)
d.append(d)
print(d)


class Sub(deque):
    def extra(self):
        return len(self) * 10


s = Sub([1, 2, 3], maxlen=5)
print(s, s.extra(), type(s.copy()).__name__, s.copy().maxlen, isinstance(s, deque))
print(Sub() == deque(), deque[int])
s.tag = "x"
r = s.__reduce__()
print(r[0].__name__, r[1], r[2], list(r[3]))
print(deque([1, 2]).__reduce__()[:3], deque([1], 3).__reduce__()[:3])

# copy and deepcopy
d = deque([[1], [2]], maxlen=5)
c = copy.copy(d)
dc = copy.deepcopy(d)
d[0].append(9)
print(c, dc, c.maxlen, dc.maxlen, d.copy() == d)
sc = copy.deepcopy(s)
print(type(sc).__name__, sc, sc.tag)

# iteration and mutation during iteration
d = deque(range(5))
it = iter(d)
print(next(it), next(it), it.__length_hint__(), list(it))
rit = reversed(d)
print(next(rit), list(rit))
it = iter(d)
next(it)
d.append(5)
t(lambda: next(it))
it = iter(d)
d[0] = 100
print(next(it))
try:
    for x in d:
        d.popleft()
except RuntimeError as ex:
    print("RuntimeError", ex)
it = _collections._deque_iterator(deque("abc"), 1)
print(list(it), type(it).__name__, type(reversed(deque())).__name__)


class Bad:
    def __init__(self, d):
        self.d = d

    def __eq__(self, other):
        self.d.append(0)
        return False


d = deque([1, 2])
d.append(Bad(d))
t(lambda: d.count(3))
d = deque([1, 2])
d.appendleft(Bad(d))
t(lambda: d.remove(3))

# a long run through the ring: grow, wrap, shrink
d = deque()
total = 0
for i in range(3000):
    d.append(i)
    if i % 3 == 0:
        total += d.popleft()
print(len(d), total, d[0], d[-1])
while len(d) > 3:
    d.pop()
print(d)

# ---------------------------------------------------------------- defaultdict
dd = defaultdict(list)
for w in "apple avocado banana blueberry cherry".split():
    dd[w[0]].append(w)
print(dd)
print(dd["z"], len(dd), "q" in dd, dd.get("q"))
dd2 = defaultdict(None, {1: 2})
t(lambda: dd2[3])
t(lambda: defaultdict(1))
print(defaultdict(int, [(1, 2)], x=3), defaultdict(), defaultdict(default_factory=int))
c = dd.copy()
c["new"].append(1)
print(type(c).__name__, c.default_factory, "new" in dd, copy.copy(dd) == dd)
print(dd.__reduce__()[:4], dd2.__reduce__()[:4])
print(dd | {"x": [0]}, {"y": 1} | defaultdict(int, {"z": 2}))
x = defaultdict(set)
x |= {1: {2}}
x[3].add(4)
print(x, isinstance(x, dict), x == {1: {2}, 3: {4}})
print(defaultdict(list).__or__(1))
x.default_factory = lambda: "dflt"
print(x[9])
r = defaultdict(list)
r["me"] = r
print(r)


class DD(defaultdict):
    def __missing__(self, key):
        return key * 2


print(DD(int)["ab"], DD.__name__, repr(DD(int, {1: 1})))
dd = defaultdict(int)
for ch in "mississippi":
    dd[ch] += 1
print(sorted(dd.items()))

# ---------------------------------------------------------------- Counter
c = Counter("abracadabra")
print(c.most_common(3), c["z"])
c.update(["a", "z"])
print(c["a"], c["z"])
m = {}
_collections._count_elements(m, [1, 2, 1, (1, 2), 1])
print(m)


class Loud(dict):
    def __setitem__(self, k, v):
        print("set", k, v)
        dict.__setitem__(self, k, v)


_collections._count_elements(Loud(), "aba")
t(lambda: _collections._count_elements(1, "ab"))

# ---------------------------------------------------------------- namedtuple
P = namedtuple("P", "x y")
p = P(1, y=2)
print(p, p.x, p.y, P.x.__doc__, p._replace(x=5), p._asdict())
t(lambda: setattr(p, "x", 3))
g = _collections._tuplegetter(1, "second")
print(g.__get__((4, 5)), g.__doc__)

# OrderedDict (pure Python) still works
o = OrderedDict(a=1, b=2)
o.move_to_end("a")
print(o, list(o))
