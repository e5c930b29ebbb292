# Comprehensions: list/set/dict, nesting, conditions, scoping.
nums = list(range(10))
print([x * 2 for x in nums])
print([x for x in nums if x % 3 == 0], [x if x % 2 else -x for x in nums], [x for x in nums if x > 2 if x < 6])
print([(x, y) for x in range(3) for y in range(3) if x != y])
print([x * y for x in range(1, 4) for y in range(x)], [c * n for c in "ab" for n in (1, 2)])
print({x % 4 for x in nums}, sorted({x * x for x in range(-3, 4)}), sorted({w[0] for w in ["apple", "avocado", "banana", "cherry"]}))
print({x: x ** 2 for x in range(5)}, {v: k for k, v in {"a": 1, "b": 2}.items()}, {n: ("even" if n % 2 == 0 else "odd") for n in range(4)})
print({(i, j): i * j for i in range(2) for j in range(2)}, {k: [c for c in k] for k in ("hi", "yo")})
# nested comprehensions
matrix = [[i * 3 + j for j in range(3)] for i in range(3)]
print(matrix)
print([[row[i] for row in matrix] for i in range(3)])
print([n for row in matrix for n in row if n % 2], [[x for x in row if x > 3] for row in matrix])
print([[(r, c) for c in range(r)] for r in range(4)], sum(sum(row) for row in matrix))
print([[[k for k in range(j)] for j in range(i)] for i in range(4)])
print([y for x in [[1, [2, 3]], [4]] for y in x], [len(s) for s in "the quick brown fox".split()])
# loop variable does not leak
x = "outer x"
squares = [x * x for x in range(4)]
print(x, squares)
i = 100
evens = {i for i in range(6) if i % 2 == 0}
d = {i: i for i in range(3)}
g = list(i * 2 for i in range(3))
print(i, evens, d, g)
# comprehension sees enclosing function variables (closure)
def scaled(factor):
    return [factor * v for v in range(4)]
def make_fns():
    return [lambda v, k=k: v + k for k in range(3)]
def nested_closure(n):
    return [[n + a + b for b in range(2)] for a in range(2)]
print(scaled(10), [f(100) for f in make_fns()], nested_closure(5))
# comprehension in class body referencing a module global
LIMIT = 4
class Table:
    rows = [r * 10 for r in range(LIMIT)]
    lookup = {name: len(name) for name in ("ab", "cde")}
    total = sum(x for x in range(LIMIT))
print(Table.rows, Table.lookup, Table.total)
# the outermost iterable is evaluated in the enclosing scope
class Outer:
    base = [1, 2, 3]
    doubled = [v * 2 for v in base]
print(Outer.doubled)
# comprehension with walrus binds in enclosing scope
data = [3, 8, 1, 9, 4]
big = [y for v in data if (y := v * 2) > 6]
print(big, y)
# comprehensions over various iterables
print([k for k in {"z": 1, "a": 2}], [c.upper() for c in "hey"], [t[1] for t in enumerate("ab")], [a + b for a, b in zip("xy", "12")])
print([n for n in range(20, 0, -3)], [str(b) for b in (True, False, None)], [*map(abs, [-1, -2])])
# order of evaluation with side effects
log = []
def note(v):
    log.append(v)
    return v
res = [note(a) + note(b) for a in range(2) for b in (10, 20)]
print(res, log)
# comprehension building strings and counting
text = "comprehensions are concise"
freq = {ch: text.count(ch) for ch in sorted(set(text)) if ch != " "}
print(freq)
print(sorted(freq, key=lambda c: (-freq[c], c))[:5], "".join(c for c in text if c not in "aeiou "))
# empty and single-element results
print([x for x in []], {x for x in ()}, {k: v for k, v in []}, [x for x in [0] if x], [x for x in [0]])
# generator expression consumed by builtins
print(max(len(w) for w in text.split()), min((w for w in text.split()), key=len), any(c.isupper() for c in text), all(c.islower() or c == " " for c in text))
# nested comprehension shadowing
print([[x for x in range(x)] for x in range(4)])
