"""N-queens by brute force over permutations (Heaplab clean-room version).

Every permutation of the column indices is a board with one queen per row
and per column; a board is a solution when its rising and falling diagonals
are all distinct, which is checked by building two sets per board. The
permutations come from a hand-written lexicographic generator that yields a
fresh tuple for each board, so the program allocates one tuple, two
generator-built lists and two sets per candidate.
"""

import sys
from heaplab_hook import run

DEFAULT_SIZE = 200


def permutations(items):
    """Yields every ordering of `items` as a tuple, in lexicographic order
    of positions (next-permutation algorithm)."""
    pool = list(items)
    n = len(pool)
    idx = list(range(n))
    yield tuple(pool)
    while True:
        # Find the rightmost ascent.
        i = n - 2
        while i >= 0 and idx[i] >= idx[i + 1]:
            i -= 1
        if i < 0:
            return
        j = n - 1
        while idx[j] <= idx[i]:
            j -= 1
        idx[i], idx[j] = idx[j], idx[i]
        idx[i + 1:] = idx[i + 1:][::-1]
        yield tuple([pool[k] for k in idx])


def n_queens(count):
    """Returns the list of solutions for a count x count board."""
    cols = range(count)
    solutions = []
    for vec in permutations(cols):
        up = set([vec[i] + i for i in cols])
        if len(up) != count:
            continue
        down = set([vec[i] - i for i in cols])
        if len(down) == count:
            solutions.append(vec)
    return solutions


def board_digest(vec):
    h = 0
    for c in vec:
        h = (h * 31 + c + 1) % 1000000007
    return h


def bench(size):
    total = 0
    digest = 0
    for round_no in range(size):
        count = 5 + round_no % 4          # boards of 5, 6, 7 and 8 queens
        sols = n_queens(count)
        total += len(sols)
        for vec in sols:
            digest = (digest * 7 + board_digest(vec)) % 1000000007
    return "%d:%d" % (total, digest)


if __name__ == "__main__":
    run(bench, DEFAULT_SIZE)
