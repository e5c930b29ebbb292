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
