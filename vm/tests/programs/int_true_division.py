# int / int is correctly rounded, as CPython's long division: the exact
# quotient rounded once to the nearest double, for operands of any size.
import random

print(17803895860594701316 / 2**64)
print(2**53 + 1, (2**53 + 1) / 1, (2**54 + 3) / 2, -(2**60 + 7) / 3)
print(10**400 // 3 / 10**399, (10**30 + 1) / 10**30, 1 / 3**50)
print(2**1100 / 3**600, 3**600 / 2**1100)
for big in [10**309, -(10**309)]:
    try:
        print(big / 1)
    except OverflowError as e:
        print("OverflowError:", e)
rng = random.Random(7)
values = []
for _ in range(2000):
    a = rng.getrandbits(rng.randrange(1, 200)) * rng.choice([1, -1])
    b = rng.getrandbits(rng.randrange(1, 200)) or 1
    values.append(a / b)
print(sum(values), values[:4], values[-3:])
print(hash(tuple(values)))
