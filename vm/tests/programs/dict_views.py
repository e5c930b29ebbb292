# dict views are live: keys(), values() and items() see later changes.
d = {"a": 1, "b": 2}
k, v, it = d.keys(), d.values(), d.items()
print(k, v, it)
print(len(k), "a" in k, "z" in k, ("a", 1) in it, ("a", 2) in it, 2 in v)
d["c"] = 3
del d["a"]
print(k, v, it, len(it))
print(k == {"b", "c"}, k == {"b"}, it == {("b", 2), ("c", 3)}, type(k).__name__, type(v).__name__, type(it).__name__)
print(sorted(k), list(v), [key + str(val) for key, val in it])
print(list(reversed(list(k))), sum(v), max(it))
e = {}
print(e.keys(), e.values(), e.items(), len(e.keys()))

# Set operations on keys and items views, with any iterable on either side.
d = {1: 2, 3: 4}
print(sorted(d.keys() & {1}), sorted(d.keys() | [5]), d.keys() - [1], sorted(d.keys() ^ (3, 9)))
print([1, 7] - d.keys(), d.items() - [(1, 2)], {1} & d.keys(), [3, 7] & d.keys())
print(sorted(d.items() | {(9, 9)}), {1, 2} - d.keys(), sorted((1, 5) | d.keys()), type(d.keys() - []))
print(d.keys().isdisjoint([7]), d.items().isdisjoint([(1, 2)]), d.items().isdisjoint([(1, 3)]))
k = d.keys()
k -= {1}
print(k, d)
for bad in (lambda: d.keys() - 1, lambda: 1 - d.keys(), lambda: d.values() - [1], lambda: d.keys() + [1]):
    try:
        bad()
    except TypeError as e:
        print("TypeError:", e)


class Reflected:
    def __rsub__(self, other):
        return "rsub"

    def __sub__(self, other):
        return "sub"


print(Reflected() - d.keys(), d.keys() - [Reflected()] == {1, 3})
s = {1, 2}
s.symmetric_difference_update([2, 3])
print(s)
