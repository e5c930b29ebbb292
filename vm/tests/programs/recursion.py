# expect-exit: 0
# Unbounded recursion raises RecursionError, which can be caught; the
# interpreter must remain usable afterwards. Depth 500 recursion is legal.
import sys

def unbounded(n):
    return unbounded(n + 1) + 1

try:
    unbounded(0)
except RecursionError:
    print("caught RecursionError")
print(issubclass(RecursionError, RuntimeError))

def mutual_a(n):
    return mutual_b(n + 1)

def mutual_b(n):
    return mutual_a(n + 1)

try:
    mutual_a(0)
except RecursionError as e:
    print("caught RecursionError again:", type(e).__name__)

def depth(n):
    if n == 0:
        return 0
    return 1 + depth(n - 1)

print(depth(500))

def sum_list(lst):
    if not lst:
        return 0
    return lst[0] + sum_list(lst[1:])

print(sum_list(list(range(500))))

def build(n):
    return [] if n == 0 else [n, build(n - 1)]

nested = build(400)
count = 0
node = nested
while node:
    count += 1
    node = node[1]
print("nested depth", count)

def ackermann(m, n):
    if m == 0:
        return n + 1
    if n == 0:
        return ackermann(m - 1, 1)
    return ackermann(m - 1, ackermann(m, n - 1))

print(ackermann(2, 3), ackermann(3, 3))

class Node:
    def __init__(self, val, nxt=None):
        self.val, self.nxt = val, nxt
    def total(self):
        return self.val + (self.nxt.total() if self.nxt else 0)

head = None
for v in range(500):
    head = Node(v, head)
print(head.total())

def gen_depth(n):
    if n > 0:
        yield from gen_depth(n - 1)
    yield n

print(sum(gen_depth(200)), list(gen_depth(3)))

recovered = []
for attempt in range(3):
    try:
        unbounded(0)
    except RecursionError:
        recovered.append(attempt)
print("recovered", recovered, depth(450))
sys.exit(0)
