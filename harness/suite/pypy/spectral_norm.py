"""Spectral norm of the infinite matrix A(i,j) = 1/((i+j)(i+j+1)/2 + i + 1).

Heaplab's own version: power iteration with A and its transpose, written
with generator expressions and list comprehensions so every multiply builds
fresh lists of boxed floats.
"""

import sys
from heaplab_hook import run


def entry(i, j):
    ij = i + j
    return 1.0 / ((ij * (ij + 1) >> 1) + i + 1)


def mul_a(vec):
    n = len(vec)
    return [sum(entry(i, j) * vec[j] for j in range(n)) for i in range(n)]


def mul_at(vec):
    n = len(vec)
    return [sum(entry(j, i) * vec[j] for j in range(n)) for i in range(n)]


def mul_ata(vec):
    return mul_at(mul_a(vec))


def bench(size):
    u = [1.0] * size
    v = u
    for _ in range(10):
        v = mul_ata(u)
        u = mul_ata(v)
    vbv = 0.0
    vv = 0.0
    for ue, ve in zip(u, v):
        vbv += ue * ve
        vv += ve * ve
    return "%.9f" % ((vbv / vv) ** 0.5)


DEFAULT_SIZE = 550

if __name__ == "__main__":
    run(bench, DEFAULT_SIZE)
