# Control flow: loops with else, break/continue, range, conditionals, walrus, del.
i = 0
while i < 5:
    i += 1
    if i == 2:
        continue
    print("while", i)
else:
    print("while-else ran, i =", i)
n = 0
while True:
    n += 3
    if n > 10:
        break
else:
    print("never printed")
print("broke at", n)
for x in range(3):
    pass
else:
    print("for-else ran, x =", x)
def find(seq, target):
    for idx, v in enumerate(seq):
        if v == target:
            print("found", target, "at", idx)
            break
    else:
        print(target, "not found")
find([4, 5, 6], 5)
find([4, 5, 6], 7)
find([], 1)
# nested loops with break/continue
pairs = []
for a in range(4):
    for b in range(4):
        if b > a:
            break
        if (a + b) % 2:
            continue
        pairs.append((a, b))
print(pairs)
primes = []
for cand in range(2, 40):
    for p in primes:
        if p * p > cand:
            primes.append(cand)
            break
        if cand % p == 0:
            break
    else:
        primes.append(cand)
print(primes)
# range
print(list(range(5)), list(range(2, 8)), list(range(0, 10, 3)), list(range(10, 0, -2)), list(range(5, -6, -5)))
print(list(range(3, 3)), list(range(3, 0)), list(range(0, -3, -1)), len(range(0, 100, 7)), range(10)[-1], range(0, 20, 5)[2])
print(7 in range(0, 10, 7), 8 in range(0, 10, 7), range(1, 10, 2)[1:3] == range(3, 7, 2), list(range(-3, 3)[::2]), range(5).index(3))
r = range(10, 0, -3)
print(list(r), r.start, r.stop, r.step, len(r), list(reversed(r)), sum(range(-10, 11)))
# conditional expressions
for v in (-2, 0, 3):
    print(v, "neg" if v < 0 else "zero" if v == 0 else "pos", end=" | ")
print()
print(1 if [] else 2, "yes" if "x" else "no", (lambda q: "big" if q > 10 else "small")(11))
print(0 or "default", "" or [] or None, 1 and 2, 0 and 1/0, None or 0, not 0, not [1], [] and "x")
# walrus
values = [1, 5, 2, 8, 3]
if (m := max(values)) > 5:
    print("max", m)
chunks = []
buf = list(range(7))
while (chunk := buf[:3]):
    chunks.append(chunk)
    buf = buf[3:]
print(chunks, [s for v in values if (s := v * v) > 4], s)
# del of variables, items, slices, attributes
tmp = 5
del tmp
try:
    print(tmp)
except NameError as e:
    print("NameError", e)
lst = list(range(8))
del lst[0]
del lst[-1]
del lst[1:3]
del lst[::2]
print(lst)
dd = {"a": 1, "b": 2, "c": 3}
del dd["b"]
print(dd)
class Obj: pass
o = Obj()
o.x, o.y = 1, 2
del o.x
print(hasattr(o, "x"), o.y)
a, b, c = 1, 2, 3
del a, b
print(c, "a" in globals(), "c" in globals())
# match-free dispatch via if/elif chains
def classify(v):
    if isinstance(v, bool):
        return "bool"
    elif isinstance(v, int) and v < 0:
        return "negative int"
    elif isinstance(v, int):
        return "int"
    elif isinstance(v, str):
        return "str"
    return "other"
print([classify(v) for v in (True, -1, 7, "s", 1.5, None)])
# loop variable after loop, empty loops
for k in range(3):
    pass
for unused in []:
    k = "never"
print(k)
count = 0
while count < 1000:
    count += 1
print(count, sum(j for j in range(1000) if j % 7 == 0))
