"""Fannkuch: pancake-flip counts over all permutations of 1..n.

Heaplab's own version. Permutations are generated in the classic
counter-driven rotation order; every permutation is copied into a fresh
list and its prefix reversed by slice assignment until the first element
is 1. Returns the maximum flip count and the alternating-sign checksum.
"""

import sys
from heaplab_hook import run


def permutations(n):
    """Yields each permutation (as the shared list) with its parity index."""
    perm = list(range(n))
    count = [0] * n
    index = 0
    yield index, perm
    r = 1
    while True:
        # rotate the first r+1 elements left by one, bumping counters
        while r < n:
            perm.insert(r, perm.pop(0))
            count[r] += 1
            if count[r] <= r:
                break
            count[r] = 0
            r += 1
        else:
            return
        r = 1
        index += 1
        yield index, perm


def flips(perm):
    p = perm[:]
    n = 0
    k = p[0]
    while k:
        p[:k + 1] = p[k::-1]
        n += 1
        k = p[0]
    return n


def bench(size):
    max_flips = 0
    checksum = 0
    for index, perm in permutations(size):
        f = flips(perm) if perm[0] else 0
        if f > max_flips:
            max_flips = f
        if index & 1:
            checksum -= f
        else:
            checksum += f
    return "%d %d" % (checksum, max_flips)


DEFAULT_SIZE = 10

if __name__ == "__main__":
    run(bench, DEFAULT_SIZE)
