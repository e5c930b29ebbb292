"""Generator-based permutation and queens solvers (Heaplab clean-room version).

A small "search" toolkit built from generators: a recursive permutation
generator (each level is its own generator object yielding lists), a
backtracking n-queens solver written as a recursive generator that yields
solution tuples, and a generate-and-test pipeline that filters
permutations through generator expressions. The workload is generator
frame creation and resumption plus small lists, tuples and sets. The size
is the number of search rounds.
"""

import sys
from heaplab_hook import run

DEFAULT_SIZE = 90


def permutations(items):
    """Recursive generator: every ordering of the list `items`, as lists."""
    if len(items) <= 1:
        yield list(items)
        return
    for i in range(len(items)):
        head = items[i]
        rest = items[:i] + items[i + 1:]
        for tail in permutations(rest):
            tail.insert(0, head)
            yield tail


def queens_backtrack(n):
    """Yields every n-queens solution as a tuple of column indices."""
    def place(row, cols, diag1, diag2, partial):
        if row == n:
            yield tuple(partial)
            return
        for c in range(n):
            if c in cols or (row + c) in diag1 or (row - c) in diag2:
                continue
            cols.add(c)
            diag1.add(row + c)
            diag2.add(row - c)
            partial.append(c)
            for sol in place(row + 1, cols, diag1, diag2, partial):
                yield sol
            partial.pop()
            cols.discard(c)
            diag1.discard(row + c)
            diag2.discard(row - c)
    return place(0, set(), set(), set(), [])


def queens_generate_and_test(n):
    """Filters all permutations through two diagonal tests."""
    cols = range(n)
    candidates = (tuple(p) for p in permutations(list(cols)))
    no_up = (p for p in candidates if len(set([p[i] + i for i in cols])) == n)
    return (p for p in no_up if len(set([p[i] - i for i in cols])) == n)


def mirror(sol):
    n = len(sol)
    return tuple([n - 1 - c for c in sol])


def solution_key(sol):
    k = 0
    for c in sol:
        k = k * 16 + c
    return k


def bench(size):
    checksum = 0
    total = 0
    for rnd in range(size):
        n = 6 + rnd % 3                    # 6, 7, 8 queens
        fast = list(queens_backtrack(n))
        slow = list(queens_generate_and_test(n))
        # The two solvers enumerate in the same (lexicographic) order.
        if fast != slow:
            raise AssertionError("solvers disagree for n=%d" % n)
        # Solutions are closed under mirroring.
        keys = [solution_key(s) for s in fast]
        mirrored = sorted([solution_key(mirror(s)) for s in fast])
        if sorted(keys) != mirrored:
            raise AssertionError("mirror check failed for n=%d" % n)
        total += len(fast)
        for k in keys:
            checksum = (checksum * 33 + k) % 1000000007
        # Plain permutation enumeration of a word, as in anagram search.
        word = list("heaplab"[:4 + rnd % 4])
        count = 0
        for p in permutations(word):
            if p[0] < p[-1]:
                count += 1
        checksum = (checksum + count) % 1000000007
    return "%d:%d" % (total, checksum)


if __name__ == "__main__":
    run(bench, DEFAULT_SIZE)
