"""Hexiom: solve hexagonal tile-placement puzzles by propagation and search.

Heaplab's own version of the Hexiom benchmark. A board is a hexagon of
cells; each tile carries a number 0..6 that must equal how many of its
neighbouring cells hold tiles. Some tiles are locked in place, the rest
must be placed. Puzzles are generated deterministically (a small LCG picks
a filled pattern and the locked tiles), then solved by constraint
propagation over per-cell candidate bitmasks with depth-first search
for a first solution and then a second one (a uniqueness check). Search nodes copy their candidate lists, and
contradictions unwind through exceptions. `size` is the number of puzzles.
"""

import sys
from heaplab_hook import run

EMPTY = 7
EMPTY_BIT = 1 << EMPTY
ALL_BITS = (1 << 8) - 1
SIDE = 4
SEARCH_LIMIT = 200000
MAX_SOLUTIONS = 2     # find one, then look for a second (uniqueness)


class Contradiction(Exception):
    pass


class Lcg(object):
    __slots__ = ("state",)

    def __init__(self, seed):
        self.state = seed & 0x7FFFFFFF

    def below(self, n):
        self.state = (self.state * 1103515245 + 12345) & 0x7FFFFFFF
        return (self.state >> 8) % n


def bits(mask):
    """Yields the values whose bits are set in `mask`, lowest first."""
    v = 0
    while mask:
        if mask & 1:
            yield v
        mask >>= 1
        v += 1


POPCOUNT = [bin(m).count("1") for m in range(ALL_BITS + 1)]
SINGLE = dict((1 << v, v) for v in range(8))


class Hexagon(object):
    """Topology of a hexagonal board of the given side length."""

    DIRECTIONS = ((1, 0), (1, -1), (0, -1), (-1, 0), (-1, 1), (0, 1))

    def __init__(self, side):
        self.side = side
        r = side - 1
        self.coords = [(q, s) for s in range(-r, r + 1)
                       for q in range(-r, r + 1) if abs(q + s) <= r]
        index = dict((c, i) for i, c in enumerate(self.coords))
        self.neighbours = []
        for (q, s) in self.coords:
            near = []
            for dq, ds in self.DIRECTIONS:
                j = index.get((q + dq, s + ds))
                if j is not None:
                    near.append(j)
            self.neighbours.append(tuple(near))
        self.size = len(self.coords)


class Puzzle(object):
    def __init__(self, board, need, locked):
        self.board = board
        self.need = need          # need[v]: how many cells end up as v
        self.locked = locked      # {cell: value}

    @staticmethod
    def generate(board, rng, fill_percent, lock_percent):
        filled = [rng.below(100) < fill_percent for _ in range(board.size)]
        values = []
        for i in range(board.size):
            if filled[i]:
                values.append(sum(1 for j in board.neighbours[i] if filled[j]))
            else:
                values.append(EMPTY)
        need = [0] * 8
        for v in values:
            need[v] += 1
        locked = {}
        for i, v in enumerate(values):
            if v != EMPTY and rng.below(100) < lock_percent:
                locked[i] = v
        return Puzzle(board, need, locked)

    def initial_domains(self):
        board = self.board
        anything = EMPTY_BIT
        for v in range(7):
            if self.need[v]:
                anything |= 1 << v
        domains = []
        for i in range(board.size):
            if i in self.locked:
                domains.append(1 << self.locked[i])
            else:
                degree_mask = ((1 << (len(board.neighbours[i]) + 1)) - 1) | EMPTY_BIT
                domains.append(anything & degree_mask)
        return domains


class Solver(object):
    def __init__(self, puzzle):
        self.puzzle = puzzle
        self.board = puzzle.board
        self.nodes = 0
        self.solutions = []

    def propagate(self, dom):
        neighbours = self.board.neighbours
        need = self.puzzle.need
        n = len(dom)
        changed = True
        while changed:
            changed = False
            for i in range(n):
                d = dom[i]
                occ = unk = 0
                for j in neighbours[i]:
                    dj = dom[j]
                    if not dj & EMPTY_BIT:
                        occ += 1
                    elif dj != EMPTY_BIT:
                        unk += 1
                allowed = (((1 << (occ + unk + 1)) - 1) ^ ((1 << occ) - 1)) | EMPTY_BIT
                nd = d & allowed
                if nd == 0:
                    raise Contradiction(i)
                if nd != d:
                    dom[i] = d = nd
                    changed = True
                if unk and not d & EMPTY_BIT and POPCOUNT[d] == 1:
                    v = SINGLE[d]
                    if v == occ:
                        for j in neighbours[i]:
                            if dom[j] & EMPTY_BIT and dom[j] != EMPTY_BIT:
                                dom[j] = EMPTY_BIT
                        changed = True
                    elif v == occ + unk:
                        for j in neighbours[i]:
                            if dom[j] & EMPTY_BIT and dom[j] != EMPTY_BIT:
                                dom[j] &= ~EMPTY_BIT
                        changed = True
            for v in range(8):
                bit = 1 << v
                fixed = [i for i in range(n) if dom[i] == bit]
                maybe = [i for i in range(n) if dom[i] & bit and dom[i] != bit]
                if len(fixed) > need[v] or len(fixed) + len(maybe) < need[v]:
                    raise Contradiction(v)
                if not maybe:
                    continue
                if len(fixed) == need[v]:
                    for i in maybe:
                        dom[i] &= ~bit
                        if not dom[i]:
                            raise Contradiction(i)
                    changed = True
                elif len(fixed) + len(maybe) == need[v]:
                    for i in maybe:
                        dom[i] = bit
                    changed = True
        return dom

    def check(self, dom):
        values = [SINGLE[d] for d in dom]
        for i, v in enumerate(values):
            if v != EMPTY:
                occ = sum(1 for j in self.board.neighbours[i] if values[j] != EMPTY)
                if occ != v:
                    return None
        return values

    def search(self, dom):
        self.nodes += 1
        if self.nodes > SEARCH_LIMIT:
            raise RuntimeError("search limit exceeded")
        best = -1
        best_count = 99
        for i, d in enumerate(dom):
            c = POPCOUNT[d]
            if 1 < c < best_count:
                best, best_count = i, c
        if best < 0:
            values = self.check(dom)
            if values is not None:
                self.solutions.append(values)
            return
        for v in bits(dom[best]):
            if len(self.solutions) >= MAX_SOLUTIONS:
                return
            child = dom[:]
            child[best] = 1 << v
            try:
                self.propagate(child)
            except Contradiction:
                continue
            self.search(child)

    def solve(self):
        try:
            dom = self.propagate(self.puzzle.initial_domains())
        except Contradiction:
            return 0
        self.search(dom)
        return len(self.solutions)


def render(values):
    return "".join("." if v == EMPTY else str(v) for v in values)


def bench(size):
    board = Hexagon(SIDE)
    rng = Lcg(20240601)
    total_solutions = 0
    total_nodes = 0
    digest = 0
    for _ in range(size):
        puzzle = Puzzle.generate(board, rng, 60, 40)
        solver = Solver(puzzle)
        count = solver.solve()
        if count == 0:
            raise RuntimeError("generated puzzle has no solution")
        total_solutions += count
        total_nodes += solver.nodes
        for ch in render(solver.solutions[0]):
            digest = (digest * 131 + ord(ch)) % 1000000007
    return "%d %d %d" % (total_solutions, total_nodes, digest)


DEFAULT_SIZE = 80

if __name__ == "__main__":
    run(bench, DEFAULT_SIZE)
