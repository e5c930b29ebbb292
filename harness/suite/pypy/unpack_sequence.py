"""Sequence unpacking micro-workload (Heaplab clean-room version).

Tight loops that unpack ten-element tuples and lists into locals, many
times per loop body, then repack some of the locals into fresh tuples and
lists so the values flow onward. Exercises UNPACK_SEQUENCE on tuples and
lists, tuple packing for swaps, and short-lived small containers. The size
is the number of outer loop trips (each trip runs the tuple and the list
kernel once).
"""

import sys
from heaplab_hook import run

DEFAULT_SIZE = 1600000


def tuple_kernel(seq):
    a, b, c, d, e, f, g, h, i, j = seq
    a, b, c, d, e, f, g, h, i, j = seq
    a, b, c, d, e, f, g, h, i, j = seq
    a, b, c, d, e, f, g, h, i, j = seq
    a, b, c, d, e, f, g, h, i, j = seq
    a, b, c, d, e, f, g, h, i, j = seq
    a, b, c, d, e, f, g, h, i, j = seq
    a, b, c, d, e, f, g, h, i, j = seq
    a, b, c, d, e, f, g, h, i, j = seq
    a, b, c, d, e, f, g, h, i, j = seq
    a, b = b, a
    c, d, e = e, c, d
    f, g, h, i, j = j, f, g, h, i
    mid = (a, b, c, d, e)
    p, q, r, s, t = mid
    a, b, c, d, e, f, g, h, i, j = seq
    a, b, c, d, e, f, g, h, i, j = seq
    a, b, c, d, e, f, g, h, i, j = seq
    a, b, c, d, e, f, g, h, i, j = seq
    a, b, c, d, e, f, g, h, i, j = seq
    a, b, c, d, e, f, g, h, i, j = seq
    a, b, c, d, e, f, g, h, i, j = seq
    a, b, c, d, e, f, g, h, i, j = seq
    a, b, c, d, e, f, g, h, i, j = seq
    a, b, c, d, e, f, g, h, i, j = seq
    (u, v), (w, x) = (j, i), (h, g)
    return ((b, c, d, e, f, g, h, i, j, a),
            p + q * 3 + r * 5 + s * 7 + t * 11 + u * 13 + v * 17 + w * 19 + x)


def list_kernel(seq):
    a, b, c, d, e, f, g, h, i, j = seq
    a, b, c, d, e, f, g, h, i, j = seq
    a, b, c, d, e, f, g, h, i, j = seq
    a, b, c, d, e, f, g, h, i, j = seq
    a, b, c, d, e, f, g, h, i, j = seq
    a, b, c, d, e, f, g, h, i, j = seq
    a, b, c, d, e, f, g, h, i, j = seq
    a, b, c, d, e, f, g, h, i, j = seq
    a, b, c, d, e, f, g, h, i, j = seq
    a, b, c, d, e, f, g, h, i, j = seq
    first, *middle, last = seq
    a, b, c, d, e, f, g, h, i, j = seq
    a, b, c, d, e, f, g, h, i, j = seq
    a, b, c, d, e, f, g, h, i, j = seq
    a, b, c, d, e, f, g, h, i, j = seq
    a, b, c, d, e, f, g, h, i, j = seq
    a, b, c, d, e, f, g, h, i, j = seq
    a, b, c, d, e, f, g, h, i, j = seq
    a, b, c, d, e, f, g, h, i, j = seq
    a, b, c, d, e, f, g, h, i, j = seq
    a, b, c, d, e, f, g, h, i, j = seq
    return [j, a, b, c, d, e, f, g, h, i], first * 13 + last * 17 + len(middle)


def bench(size):
    tup = (0, 1, 2, 3, 4, 5, 6, 7, 8, 9)
    lst = [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]
    acc = 0
    for n in range(size):
        tup, x = tuple_kernel(tup)
        lst, y = list_kernel(lst)
        acc = (acc * 31 + x + y + n) % 1000000007
    return "%d:%s:%s" % (acc, ",".join([str(v) for v in tup]),
                         ",".join([str(v) for v in lst]))


if __name__ == "__main__":
    run(bench, DEFAULT_SIZE)
