# Generators: yield, yield from, send, generator expressions, iteration protocol.
def count_up(n):
    i = 0
    while i < n:
        yield i
        i += 1
g = count_up(3)
print(next(g), next(g), next(g), next(g, "done"), next(g, None))
print(list(count_up(5)), sum(count_up(101)), list(count_up(0)), max(count_up(7)))

def fib():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b
out = []
for x in fib():
    if x > 100:
        break
    out.append(x)
print(out)

def inner():
    yield 1
    yield 2
    return "inner-result"

def outer():
    r = yield from inner()
    print("inner returned", r)
    yield from [10, 20]
    yield from range(3)
    return "outer-result"

print(list(outer()))
gen = outer()
try:
    while True:
        print("got", next(gen))
except StopIteration as e:
    print("StopIteration value:", e.value)

def flatten(x):
    if isinstance(x, list):
        for item in x:
            yield from flatten(item)
    else:
        yield x

print(list(flatten([1, [2, [3, [4, 5]], 6], [[7]]])))
# send
def averager():
    total, n, avg = 0, 0, None
    while True:
        v = yield avg
        if v is None:
            return n
        total += v
        n += 1
        avg = total / n
av = averager()
print(next(av), av.send(10), av.send(20), av.send(60))
try:
    av.send(None)
except StopIteration as e:
    print("averager done after", e.value)

def echo():
    received = []
    try:
        while True:
            x = yield len(received)
            received.append(x)
    finally:
        print("echo cleanup", received)
e = echo()
print(next(e), e.send("a"), e.send("b"))
e.close()
print(list(e), next(e, "closed"))
# generator expressions
sq = (x * x for x in range(6))
print(type(sq).__name__, next(sq), list(sq), list(sq))
print(sum(x for x in range(10) if x % 2), max((len(w), w) for w in ["a", "abc", "ab"]), any(x > 3 for x in count_up(10)))
print([list(count_up(i)) for i in range(4)], {k: list(count_up(k)) for k in (1, 2)}, sorted(x % 4 for x in range(9)))
pairs = ((i, j) for i in range(3) for j in range(i))
print(list(pairs), tuple(c.upper() for c in "gen"), "-".join(str(n) for n in count_up(4)))

# StopIteration handling with manual iteration
it = iter([1, 2])
print(next(it), next(it), next(it, "exhausted"))
try:
    next(it)
except StopIteration:
    print("StopIteration caught")

# iter(callable, sentinel)
data = [5, 4, 3, 0, 9]
pos = [0]
def reader():
    v = data[pos[0]]
    pos[0] += 1
    return v
print(list(iter(reader, 0)), pos[0])
# laziness and state
def noisy(n):
    for i in range(n):
        print("produce", i)
        yield i
for v in noisy(3):
    print("consume", v)
z = zip(count_up(3), fib())
print(list(z), list(zip("ab", noisy(5))))
def take(n, it):
    for i, x in enumerate(it):
        if i >= n:
            return
        yield x
print(list(take(5, fib())), list(take(3, (x * 10 for x in fib()))))
