# Lists and tuples: methods, slicing, unpacking, builtins over sequences.
a = [3, 1, 2]
a.append(5)
a.extend([9, 0])
a.extend((7,))
a.insert(0, 100)
a.insert(-1, 50)
a.insert(99, -1)
print(a, len(a))
print(a.pop(), a.pop(0), a.pop(2), a)
a.remove(9)
print(a, a.index(5), a.count(0), [1, 2, 1, 1].count(1), [4, 5, 6, 5].index(5, 2))
b = a.copy()
b.sort()
print(a, b)
b.sort(reverse=True)
print(b)
b.reverse()
print(b)
words = ["banana", "Apple", "cherry", "fig", "date"]
words.sort(key=len)
print(words)
words.sort(key=str.lower, reverse=True)
print(words)
c = b
c.clear()
print(b, c is b, b.copy() is b)
# slicing and slice assignment/deletion
L = list(range(10))
print(L[2:5], L[:3], L[7:], L[::3], L[::-1], L[-3:], L[8:2:-2], L[-100:100] == L)
L[2:5] = ["a", "b"]
print(L)
L[:0] = [-1, -2]
print(L)
L[::2] = [0] * len(L[::2])
print(L)
del L[1:4]
print(L)
del L[::2]
print(L)
del L[0]
L[1:1] = "xyz"
print(L)
L[:] = []
print(L)
# multiplication and nested lists
print([0] * 4, [1, 2] * 3, 2 * [None], [] * 5, [[0] * 2 for _ in range(2)])
grid = [[0] * 3] * 2
grid[0][0] = 1
print(grid, grid[0] is grid[1])
m = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
print(m[1][2], [row[1] for row in m], [list(col) for col in zip(*m)], m[-1][-1])
m[0][1] = "x"
print(m, [1, [2, [3, [4]]]])
# tuples
t = (1, 2, 3)
print(t, t[0], t[-1], t[1:], t + (4,), t * 2, (5,), (), tuple([1, 2]), len(t), 2 in t, t.count(2), t.index(3))
nested = ((1, 2), (3, (4, 5)))
print(nested[1][1][0], hash((1, 2)) == hash((1, 2)), (1, 2) == (1, 2), ("a",) + ("b",))
# comparisons of sequences
print([1, 2] < [1, 3], [1, 2] < [1, 2, 0], [2] > [1, 9], (1, "a") < (1, "b"), [] < [0], (1, 2) == (1, 2.0), [1, 2] != [2, 1])
print([1, [2, 3]] == [1, [2, 3]], (1, 2) < (1,), max([(1, "b"), (1, "a"), (0, "z")]), [3] * 2 == [3, 3])
# unpacking
x, y = 1, 2
x, y = y, x
print(x, y)
first, *rest = [1, 2, 3, 4]
*init, last = "abcd"
head, *mid, tail = (1, 2)
(p, q), r = (5, 6), 7
print(first, rest, init, last, head, mid, tail, p, q, r)
for i, (k, v) in enumerate([("a", 1), ("b", 2)]):
    print(i, k, v, end="; ")
print()
print([*range(3), *"ab", *(9,)], (*[1, 2], 3))
# sorted stability, min/max with key, sum, any/all
recs = [("bob", 3), ("amy", 1), ("cal", 3), ("dan", 1), ("eve", 2)]
print(sorted(recs, key=lambda r: r[1]), sorted(recs, key=lambda r: r[1], reverse=True))
print(sorted([3, 1, 2]), sorted("cba"), sorted((5, -1, 3), key=abs), sorted([[2, 1], [1, 2], [1]]))
print(min(recs, key=lambda r: r[1]), max(recs, key=lambda r: r[1]), min([4, 2, 8]), max("hello"), min([], default="empty"))
print(sum([1, 2, 3]), sum([[1], [2]], []), sum((0.5, 0.25)), sum(range(5), 10))
print(any([0, "", None]), any([0, 1]), all([1, "x", [0]]), all([]), any([]), all(x > 0 for x in [1, 2, -1]))
# enumerate, zip, reversed, map, filter
print(list(enumerate("abc")), list(enumerate("ab", start=10)))
print(list(zip([1, 2, 3], "ab")), list(zip()), list(zip(range(3), range(3, 6), "xyz")))
print(list(reversed([1, 2, 3])), list(reversed((4, 5))), list(reversed(range(4))), list(reversed("ab")))
print(list(map(str, [1, 2])), list(map(lambda a, b: a * b, [1, 2, 3], [4, 5, 6])), list(filter(None, [0, 1, "", "a"])))
print(list(filter(lambda v: v % 2, range(10))), list(map(len, ["a", "bb", ""])), list(range(3)) == [0, 1, 2])
# identity / aliasing / in-place
u = [1, 2]
v = u
v += [3]
w = u + [4]
print(u, v is u, w is u, u * 1 is u)
tt = (1,)
tt2 = tt
tt += (2,)
print(tt, tt2, [1, 2, 3].__len__(), list((1, 2)), list(), [] == [], [[]] == [[]])
