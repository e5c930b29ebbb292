"""The pure-Python stdlib beyond the native modules: decimal and fractions
arithmetic, collections (Counter, OrderedDict, namedtuple, deque,
defaultdict), functools, heapq, bisect, textwrap and string."""
from decimal import Decimal, getcontext, ROUND_HALF_EVEN
from fractions import Fraction
import collections, functools, heapq, bisect, textwrap, string
getcontext().prec = 30
a = Decimal(1) / Decimal(7)
print(a, a.quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN))
print(sum(Decimal("0.1") for _ in range(10)) == Decimal("1.0"), Decimal(2).sqrt())
print(Fraction(3, 4) + Fraction(1, 6), Fraction("0.125"), Fraction(1, 3) ** 2)
c = collections.Counter("abracadabra")
print(c.most_common(3), collections.OrderedDict(a=1, b=2))
P = collections.namedtuple("P", "x y")
p = P(1, 2)
print(p, p._replace(x=5), p.x + p.y, P._fields)
dq = collections.deque([1, 2, 3], maxlen=4); dq.appendleft(0); dq.append(9)
print(dq, list(reversed(dq)))
dd = collections.defaultdict(list); dd["k"].append(1); print(dd)
print(functools.reduce(lambda x, y: x * y, range(1, 10)), functools.partial(pow, 2)(10))
@functools.lru_cache(maxsize=None)
def fib(n): return n if n < 2 else fib(n - 1) + fib(n - 2)
print(fib(80), fib.cache_info().hits > 0)
h = [5, 1, 4, 2]; heapq.heapify(h); print([heapq.heappop(h) for _ in range(4)], bisect.bisect([1, 3, 5], 4))
print(textwrap.fill("the quick brown fox jumps over the lazy dog " * 3, width=30))
print(string.Template("$who likes $what").substitute(who="tim", what="pie"), "{0:>5}|{1:<4}|".format("a", "b"))
import sys
sys.modules["_heaplab_blocked"] = None  # None in sys.modules blocks the import
try:
    import _heaplab_blocked
except ModuleNotFoundError as e:
    print("blocked:", e, e.name)
try:
    from _heaplab_blocked import x
except ImportError as e:
    print(type(e).__name__, e)
