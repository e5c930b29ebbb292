"""Digits of pi from an unbounded spigot (Heaplab clean-room version).

Gibbons' streaming spigot: a linear fractional transformation (q, r, s, t)
of big integers is composed with the terms of the series
pi = sum (k! / (2k+1)!!) * 2 and a digit is emitted whenever the floor of
the transformation at 3 and at 4 agree. Every step builds several new big
integers that grow linearly with the number of digits produced, so the
allocation is of ever-larger short-lived bigints. Digits come out of a
generator; the size is the number of digits.
"""

import sys
from heaplab_hook import run

DEFAULT_SIZE = 7000


def pi_digits():
    """Yields the decimal digits of pi, 3, 1, 4, 1, 5, ..."""
    q, r, t = 1, 0, 1
    k = 1
    while True:
        # Extract: does the current interval pin down one digit?
        digit = (3 * q + r) // t
        if digit == (4 * q + r) // t:
            yield digit
            q, r = 10 * q, 10 * (r - digit * t)
            continue
        # Consume the next term of the series: (q, r, t) . (k, 4k+2, 2k+1)
        l = 2 * k + 1
        q, r, t = q * k, (2 * q + r) * l, t * l
        k += 1


def take(gen, n):
    out = []
    for d in gen:
        out.append(d)
        if len(out) == n:
            break
    return out


def bench(size):
    digits = take(pi_digits(), size)
    text = "".join([str(d) for d in digits])
    total = 0
    for d in digits:
        total += d
    # Fold the digits in groups of nine into a running residue.
    acc = 0
    for i in range(0, len(text), 9):
        acc = (acc * 1000003 + int(text[i:i + 9])) % 4294967291
    return "%d:%d:%s:%s" % (len(text), total, acc, text[-12:])


if __name__ == "__main__":
    run(bench, DEFAULT_SIZE)
