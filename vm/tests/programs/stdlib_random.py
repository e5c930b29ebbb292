# random: CPython's exact Mersenne Twister sequences through random.py.
import random
import _random

random.seed(12345)
print([random.random() for _ in range(5)])
print(random.getrandbits(100), random.getrandbits(32), random.getrandbits(1))
print([random.randrange(1000) for _ in range(8)])
print([random.randrange(10, 100, 7) for _ in range(5)])
print([random.randint(-5, 5) for _ in range(10)])
xs = list(range(20))
random.shuffle(xs)
print(xs)
print(random.choice("abcdefghij"), random.choice([10, 20, 30]))
print(random.sample(range(100), 6))
print(random.choices("xyz", k=6))
print([round(random.gauss(0.0, 1.0), 10) for _ in range(4)])
print(round(random.uniform(1.0, 2.0), 12))

# Big-int and negative seeds: all 32-bit chunks of abs(n) feed init_by_array.
random.seed(2 ** 200 + 987654321)
print(random.random(), random.getrandbits(64))
random.seed(-(2 ** 70))
print(random.random())
random.seed(0)
print(random.random())

# str and bytes seeds go through sha512 in random.py.
random.seed("heaplab")
print(random.random())
random.seed(b"heaplab")
print(random.random())

# getstate/setstate roundtrip.
random.seed(42)
state = random.getstate()
first = [random.random() for _ in range(3)]
random.setstate(state)
print(first == [random.random() for _ in range(3)])
print(state[0], len(state[1]), state[1][-1])

# Independent generators and subclassing.
a = random.Random(7)
b = random.Random(7)
print(a.random() == b.random(), a.randrange(50), b.randrange(50))


class Counting(random.Random):
    def random(self):
        return super().random()


c = Counting(3)
print(c.random(), c.randrange(10))

# The accelerator module directly.
r = _random.Random(5)
print(r.random(), r.getrandbits(70), r.getrandbits(0))
st = r.getstate()
print(len(st), st[-1])
x = r.random()
r.setstate(st)
print(x == r.random())
for bad in [(1, 2, 3), tuple(range(625))[:-1] + (700,)]:
    try:
        r.setstate(bad)
    except ValueError as e:
        print("ValueError", e)
try:
    r.getrandbits(-1)
except ValueError as e:
    print("ValueError", e)

# 1000 draws and a long getrandbits cross a twist boundary.
random.seed(99)
total = 0.0
for _ in range(1000):
    total += random.random()
print(round(total, 9), random.getrandbits(1000) % 1000003)
