"""Naive doubly recursive Fibonacci (Heaplab clean-room version).

The size is n; fib(n) makes about 2*fib(n) calls. The workload is call and
frame churn plus small-integer arithmetic; a second, method-based variant
exercises bound-method calls on a tiny object.
"""

import sys
from heaplab_hook import run

DEFAULT_SIZE = 36


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


class Fibber(object):
    __slots__ = ("calls",)

    def __init__(self):
        self.calls = 0

    def fib(self, n):
        self.calls += 1
        if n < 2:
            return n
        return self.fib(n - 1) + self.fib(n - 2)


def bench(size):
    a = fib(size)
    f = Fibber()
    b = f.fib(size - 3)
    return "%d:%d:%d" % (a, b, f.calls)


if __name__ == "__main__":
    run(bench, DEFAULT_SIZE)
