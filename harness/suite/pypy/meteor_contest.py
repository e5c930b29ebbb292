"""Meteor-puzzle solver (Heaplab clean-room version).

The puzzle: tile a 5-wide, 10-high board of hexagonal cells (odd rows offset
half a cell to the right) with ten distinct five-cell pieces, each used
once, in any rotation or reflection. Every placement of every piece is
precomputed as a 50-bit mask and bucketed by its lowest cell; the solver
then repeatedly fills the lowest empty cell by depth-first search, pruning
any board whose empty cells split into a region whose size is not a
multiple of five. Solutions are rendered as 50-character strings; the
smallest and largest found are reported, as in the original benchmark.
Allocation: the precomputed placement lists, tuples and sets of cells in
the flood fills, and one string per solution. The size is the number of
solutions to find before stopping.
"""

import sys
from heaplab_hook import run

DEFAULT_SIZE = 1000

WIDTH = 5
HEIGHT = 10
NCELLS = WIDTH * HEIGHT
FULL = (1 << NCELLS) - 1

# Axial hex directions (dq, dr).
DIRS = {
    "E": (1, 0), "W": (-1, 0),
    "NE": (1, -1), "NW": (0, -1),
    "SE": (0, 1), "SW": (-1, 1),
}

# Each piece is a walk over the hex grid from its first cell; the cells
# visited form the piece (walks may step back onto visited cells).
PIECES = [
    "E NE NE W",
    "E E NE W",
    "E E NW NE",
    "E E NE E",
    "E E NE NW",
    "E NE E SE",
    "E NE E NW",
    "E NE E NE",
    "E NE W NW",
    "E NW NE W",
]


def to_axial(cell):
    row, col = divmod(cell, WIDTH)
    return (col - (row - (row & 1)) // 2, row)


def to_cell(q, r):
    if r < 0 or r >= HEIGHT:
        return -1
    col = q + (r - (r & 1)) // 2
    if col < 0 or col >= WIDTH:
        return -1
    return r * WIDTH + col


def piece_cells(walk):
    q, r = 0, 0
    cells = [(0, 0)]
    for step in walk.split():
        dq, dr = DIRS[step]
        q, r = q + dq, r + dr
        if (q, r) not in cells:
            cells.append((q, r))
    if len(cells) != 5:
        raise ValueError("piece %r does not have five cells" % walk)
    return cells


def rotate(cells):
    """60-degree rotation about the origin in axial coordinates."""
    return [(-r, q + r) for q, r in cells]


def reflect(cells):
    return [(q, -q - r) for q, r in cells]


def orientations(cells):
    out = []
    shape = cells
    for _flip in range(2):
        for _rot in range(6):
            out.append(shape)
            shape = rotate(shape)
        shape = reflect(cells)
    return out


def placements(cells):
    """All distinct board masks for one piece, in a deterministic order."""
    masks = {}
    for shape in orientations(cells):
        q0, r0 = shape[0]
        for anchor in range(NCELLS):
            aq, ar = to_axial(anchor)
            mask = 0
            for q, r in shape:
                c = to_cell(q - q0 + aq, r - r0 + ar)
                if c < 0:
                    mask = 0
                    break
                mask |= 1 << c
            if mask and mask not in masks:
                masks[mask] = True
    return list(masks)


def make_neighbours():
    table = []
    for cell in range(NCELLS):
        q, r = to_axial(cell)
        ns = []
        for name in ("E", "W", "NE", "NW", "SE", "SW"):
            dq, dr = DIRS[name]
            c = to_cell(q + dq, r + dr)
            if c >= 0:
                ns.append(c)
        table.append(tuple(ns))
    return table


NEIGHBOURS = make_neighbours()


def lowest_cell(mask):
    return (mask & -mask).bit_length() - 1


def regions_ok(filled):
    """True when every connected empty region has a size divisible by 5."""
    free = FULL & ~filled
    while free:
        start = lowest_cell(free)
        free &= ~(1 << start)
        stack = [start]
        size = 0
        while stack:
            c = stack.pop()
            size += 1
            for n in NEIGHBOURS[c]:
                bit = 1 << n
                if free & bit:
                    free &= ~bit
                    stack.append(n)
        if size % 5:
            return False
    return True


class Solver(object):
    def __init__(self, pieces, limit):
        self.by_cell = [[] for _ in range(NCELLS)]
        for index, walk in enumerate(pieces):
            for mask in placements(piece_cells(walk)):
                # Drop placements that strand a region on an empty board.
                if regions_ok(mask):
                    self.by_cell[lowest_cell(mask)].append((index, mask))
        self.limit = limit
        self.count = 0
        self.smallest = None
        self.largest = None
        self.placed = []

    def record(self):
        board = ["."] * NCELLS
        for index, mask in self.placed:
            while mask:
                c = lowest_cell(mask)
                board[c] = str(index)
                mask &= mask - 1
        text = "".join(board)
        self.count += 1
        if self.smallest is None or text < self.smallest:
            self.smallest = text
        if self.largest is None or text > self.largest:
            self.largest = text

    def search(self, filled, used):
        if filled == FULL:
            self.record()
            return
        cell = lowest_cell(~filled)
        for index, mask in self.by_cell[cell]:
            if used & (1 << index) or mask & filled:
                continue
            now = filled | mask
            if not regions_ok(now):
                continue
            self.placed.append((index, mask))
            self.search(now, used | (1 << index))
            self.placed.pop()
            if self.count >= self.limit:
                return


def render(text):
    rows = []
    for r in range(HEIGHT):
        line = " ".join(text[r * WIDTH:(r + 1) * WIDTH])
        rows.append((" " if r & 1 else "") + line)
    return "\n".join(rows)


def bench(size):
    solver = Solver(PIECES, size)
    solver.search(0, 0)
    return "%d:%s:%s" % (solver.count, solver.smallest, solver.largest)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--show":
        s = Solver(PIECES, 1)
        s.search(0, 0)
        sys.stderr.write(render(s.smallest) + "\n")
    else:
        run(bench, DEFAULT_SIZE)
