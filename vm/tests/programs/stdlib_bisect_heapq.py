# bisect and heapq through the native _bisect and _heapq: positions,
# key functions, insort, every heap operation (min and max), the checks,
# and a heap whose items compare by a Python __lt__.
import bisect
import heapq
import random

a = [1, 2, 2, 2, 3, 5, 8]
print([bisect.bisect_left(a, x) for x in range(10)])
print([bisect.bisect_right(a, x) for x in range(10)])
print(bisect.bisect(a, 2, 2), bisect.bisect_left(a, 2, lo=2, hi=3), bisect.bisect_right(a, 9, hi=4))
words = sorted(["pear", "fig", "banana", "kiwi"], key=len)
print(words, bisect.bisect_left(words, 4, key=len), bisect.bisect_right(words, 4, key=len))
b = []
for x in [5, 1, 4, 1, 5, 9, 2, 6]:
    bisect.insort(b, x)
print(b)
bisect.insort_left(b, 5)
bisect.insort_right(b, 0, lo=0, hi=1)
print(b)
recs = []
for name in ["delta", "al", "bob", "c"]:
    bisect.insort(recs, name, key=len)
print(recs)
for bad in [lambda: bisect.bisect(a, 1, -1), lambda: bisect.bisect(3, 1), lambda: bisect.bisect(a), lambda: bisect.insort(a, 1, lo="x")]:
    try:
        bad()
    except (ValueError, TypeError) as e:
        print(type(e).__name__, e)

rng = random.Random(5)
data = [rng.randrange(1000) for _ in range(200)]
h = []
for x in data:
    heapq.heappush(h, x)
print(all(h[i] <= h[c] for i in range(len(h)) for c in (2 * i + 1, 2 * i + 2) if c < len(h)))
print([heapq.heappop(h) for _ in range(10)], len(h))
h2 = list(data)
heapq.heapify(h2)
print(heapq.heapreplace(h2, 500), heapq.heappushpop(h2, -1), heapq.heappushpop(h2, 2000), h2[0])
print(sorted(data) == [heapq.heappop(h2) for _ in range(len(h2))] or "differs")
print(heapq.nsmallest(5, data), heapq.nlargest(5, data))
print(list(heapq.merge([1, 4, 7], [2, 5, 8], [3, 6, 9])))
print(list(heapq.merge([7, 4, 1], [8, 5, 2], reverse=True)))
m = list(data[:20])
heapq._heapify_max(m)
print(m[0] == max(data[:20]), heapq._heappop_max(m) == max(data[:20]), heapq._heapreplace_max(m, -5))
for bad in [lambda: heapq.heappush((), 1), lambda: heapq.heappop([]), lambda: heapq.heapreplace([], 1), lambda: heapq.heapify(None)]:
    try:
        bad()
    except (TypeError, IndexError) as e:
        print(type(e).__name__, e)


class Task:
    def __init__(self, prio, name):
        self.prio, self.name = prio, name

    def __lt__(self, other):
        return self.prio < other.prio


tasks = []
for i, p in enumerate([3, 1, 4, 1, 5, 9, 2, 6]):
    heapq.heappush(tasks, Task(p, "t%d" % i))
print([heapq.heappop(tasks).name for _ in range(len(tasks))])


class Shrinker:
    def __init__(self, heap):
        self.heap = heap

    def __lt__(self, other):
        self.heap.clear()
        return False


s = [Shrinker(None), Shrinker(None), Shrinker(None)]
for x in s:
    x.heap = s
try:
    heapq.heapify(s)
except RuntimeError as e:
    print("RuntimeError", e)
