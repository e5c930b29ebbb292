# Dicts and sets. Dict views are iterated or wrapped in list(), never printed raw.
d = {"b": 2, "a": 1, "c": 3}
print(d, len(d), d["a"], "a" in d, "z" in d, "z" not in d)
d["d"] = 4
d["b"] = 20
print(d, list(d), list(d.keys()), list(d.values()), list(d.items()))
for k in d:
    print(k, d[k], end=" ")
print()
for k, v in d.items():
    print(k + "=" + str(v), end=" ")
print()
print(d.get("a"), d.get("zz"), d.get("zz", 0), d.setdefault("a", 99), d.setdefault("e", 5), d)
print(d.pop("e"), d.pop("nope", "dflt"), d.popitem(), d)
d.update({"x": 10, "a": -1})
d.update(y=11)
d.update([("z", 12)])
print(d)
e = d.copy()
e["new"] = 0
print(len(d), len(e), "new" in d, e == d, d == dict(d))
del e["new"]
print(e == d, e is d)
# comprehension and constructors
sq = {i: i * i for i in range(6)}
print(sq, {k: v for k, v in sq.items() if v % 2 == 0}, dict(a=1, b=2), dict([(1, "one"), (2, "two")]), dict(zip("ab", [1, 2])))
print(dict.fromkeys(["p", "q"], 0), dict.fromkeys(range(3)), {}, dict())
# deletion and re-insertion order
o = {}
for i in range(10):
    o[i] = str(i)
for i in range(0, 10, 3):
    del o[i]
o[0] = "back"
o[5] = "five"
print(o, list(o.values())[:3])
# int / str / tuple / mixed keys
keys = {1: "int", "1": "str", (1, 2): "tuple", 2.0: "float", True: "bool?", None: "none", (): "empty"}
print(keys, keys[1], keys[2], keys[(1, 2)], keys[None])
grid = {}
for r in range(3):
    for c in range(3):
        grid[(r, c)] = r * 3 + c
print(grid[(1, 2)], grid[2, 0], sum(grid.values()), sorted(grid)[-2:], max(grid, key=grid.get))
counts = {}
for ch in "mississippi":
    counts[ch] = counts.get(ch, 0) + 1
print(counts, sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
big = {}
for i in range(1000):
    big[i * 7] = i
for i in range(0, 1000, 2):
    del big[i * 7]
print(len(big), big[7], big[6993], 14 in big, sum(big), list(big)[:5])
nested = {"a": {"b": {"c": [1, 2]}}, "l": [{"x": 1}]}
nested["a"]["b"]["c"].append(3)
print(nested, nested["l"][0]["x"])
print({1: 2} == {1: 2}, {1: 2, 3: 4} == {3: 4, 1: 2}, {1: 2} != {1: 3}, {**{"a": 1}, "b": 2, **{"a": 3}}, {"a": 1} | {"b": 2})
try:
    d["missing"]
except KeyError as ex:
    print("KeyError", ex)
# sets of small ints
s = {3, 1, 2}
t = {2, 3, 4, 5}
print(s, t, len(s), 2 in s, 9 in s, s | t, s & t, s - t, t - s, s ^ t)
print(s.union(t), s.intersection(t), s.difference(t), s.symmetric_difference(t), s.union([7], (6,)))
print(s <= t, {2, 3} <= t, {2, 3} < t, t >= {4}, s.issubset({1, 2, 3}), s.isdisjoint({9}), s == {1, 2, 3}, s != t)
u = set()
u.add(5)
u.add(5)
u.update([6, 7], {4})
u.discard(100)
u.remove(6)
print(u, len(u), set(), set([1, 1, 2]), set(range(5)), {x % 3 for x in range(10)})
u |= {1}
u &= {1, 5, 7, 9}
u -= {7}
u ^= {2, 5}
print(u)
print(u.pop() in {1, 2}, len(u))
u.clear()
print(u, set("aab") == {"a", "b"})
try:
    u.remove(3)
except KeyError as ex:
    print("KeyError", ex)
# frozenset
fs = frozenset([1, 2, 3])
print(fs, fs | {4}, fs & frozenset([2, 3, 9]), frozenset(), 2 in fs, fs == {1, 2, 3}, hash(fs) == hash(frozenset([3, 2, 1])))
fd = {fs: "frozen", frozenset(): "empty"}
print(fd[frozenset([3, 1, 2])], fd[frozenset()], {frozenset([1]), frozenset([1])})
# sets of strings: only via sorted()
names = {"pear", "apple", "fig"}
names.add("kiwi")
print(sorted(names), sorted(names | {"zz", "apple"}), sorted(names - {"fig"}), len(names & {"fig", "nope"}))
print(sorted(set("hello world")), sorted({w: len(w) for w in names}.items()))
