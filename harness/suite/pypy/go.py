"""Go: Monte Carlo tree search (UCT) choosing a move on a 9x9 Go board.

Heaplab's own version of the Go benchmark. The board keeps groups in a
union-find forest of Square objects with pseudo-liberty counts, Zobrist
hashes for positional superko, and a swap-remove set of empty points.
Each of `size` games replays the game so far on a scratch board, walks the
UCT tree (expanding one new node), finishes with a random playout and
backs the result up the path. Tree nodes, move lists, capture lists and
flood-fill stacks are the allocation load. A small LCG replaces `random`.
"""

import sys
import math
from heaplab_hook import run

SIZE = 9
EMPTY, WHITE, BLACK = 0, 1, 2
PASS = -1
KOMI = 7.5
MAX_PLAYOUT = SIZE * SIZE * 3


def opponent(color):
    return BLACK if color == WHITE else WHITE


class Lcg(object):
    __slots__ = ("state",)

    def __init__(self, seed):
        self.state = seed & 0x7FFFFFFF

    def below(self, n):
        self.state = (self.state * 1103515245 + 12345) & 0x7FFFFFFF
        return (self.state >> 8) % n

    def bits32(self):
        hi = self.below(65536)
        return (hi << 16) | self.below(65536)


class Square(object):
    __slots__ = ("board", "pos", "keys", "neighbours", "color", "parent",
                 "libs", "tmp", "mark")

    def __init__(self, board, pos, keys):
        self.board = board
        self.pos = pos
        self.keys = keys
        self.neighbours = ()
        self.reset()

    def reset(self):
        self.color = EMPTY
        self.parent = self
        self.libs = 0
        self.tmp = 0
        self.mark = 0

    def find(self):
        """Union-find root of this stone's group (with path halving)."""
        sq = self
        while sq.parent is not sq:
            up = sq.parent
            sq.parent = up.parent
            sq = up
        return sq


class EmptySet(object):
    """Set of empty points with O(1) add/remove and indexable order."""

    def __init__(self, count):
        self.items = list(range(count))
        self.where = list(range(count))

    def reset(self):
        n = len(self.where)
        self.items[:] = range(n)
        self.where[:] = range(n)

    def remove(self, pos):
        i = self.where[pos]
        last = self.items.pop()
        if last != pos:
            self.items[i] = last
            self.where[last] = i
        self.where[pos] = -1

    def add(self, pos):
        self.where[pos] = len(self.items)
        self.items.append(pos)


class IllegalMove(Exception):
    pass


class Board(object):
    def __init__(self, rng):
        self.rng = rng
        keygen = Lcg(987654321)
        self.squares = [Square(self, pos, (0, keygen.bits32(), keygen.bits32()))
                        for pos in range(SIZE * SIZE)]
        for sq in self.squares:
            x, y = sq.pos % SIZE, sq.pos // SIZE
            near = []
            for dx, dy in ((-1, 0), (1, 0), (0, -1), (0, 1)):
                nx, ny = x + dx, y + dy
                if 0 <= nx < SIZE and 0 <= ny < SIZE:
                    near.append(self.squares[ny * SIZE + nx])
            sq.neighbours = tuple(near)
        self.empties = EmptySet(SIZE * SIZE)
        self.stamp = 0
        self.reset()

    def reset(self):
        for sq in self.squares:
            sq.reset()
        self.empties.reset()
        self.color = BLACK
        self.finished = False
        self.last_move = None
        self.hash = 0
        self.seen = set([0])
        self.history = []
        self.captured = 0

    def next_stamp(self):
        self.stamp += 1
        return self.stamp

    # -- stones and groups -------------------------------------------------

    def group_of(self, root):
        """All stones connected to `root` (flood fill)."""
        color = root.color
        stamp = self.next_stamp()
        root.mark = stamp
        stack = [root]
        stones = []
        while stack:
            sq = stack.pop()
            stones.append(sq)
            for n in sq.neighbours:
                if n.color == color and n.mark != stamp:
                    n.mark = stamp
                    stack.append(n)
        return stones

    def remove_group(self, root):
        stones = self.group_of(root)
        color = root.color
        for sq in stones:
            self.hash ^= sq.keys[color]
            sq.color = EMPTY
            sq.parent = sq
            self.empties.add(sq.pos)
        for sq in stones:
            for n in sq.neighbours:
                if n.color != EMPTY:
                    n.find().libs += 1
        return len(stones)

    def place(self, sq, color):
        sq.color = color
        sq.parent = sq
        self.empties.remove(sq.pos)
        self.hash ^= sq.keys[color]
        libs = 0
        for n in sq.neighbours:
            if n.color == EMPTY:
                libs += 1
        sq.libs = libs
        for n in sq.neighbours:
            ncolor = n.color
            if ncolor == EMPTY:
                continue
            root = n.find()
            root.libs -= 1
            if ncolor == color:
                mine = sq.find()
                if mine is not root:
                    root.libs += mine.libs
                    mine.parent = root
            elif root.libs == 0:
                self.captured += self.remove_group(root)
        if sq.find().libs == 0:
            raise IllegalMove("suicide at %d" % sq.pos)

    # -- move legality -------------------------------------------------------

    def classify(self, pos):
        """Returns 0 if illegal, 1 if legal but fills an own eye, 2 if useful."""
        sq = self.squares[pos]
        color = self.color
        stamp = self.next_stamp()
        empty_near = 0
        roots = []
        for n in sq.neighbours:
            if n.color == EMPTY:
                empty_near += 1
                continue
            root = n.find()
            if root.mark != stamp:
                root.mark = stamp
                root.tmp = root.libs
                roots.append(root)
            root.tmp -= 1
        friend_safe = False
        enemies = False
        captures = [r for r in roots if r.color != color and r.tmp == 0]
        for r in roots:
            if r.color == color:
                if r.tmp > 0:
                    friend_safe = True
            else:
                enemies = True
        if not empty_near and not captures and not friend_safe:
            return 0                      # suicide
        new_hash = self.hash ^ sq.keys[color]
        for r in captures:
            ocolor = r.color
            for stone in self.group_of(r):
                new_hash ^= stone.keys[ocolor]
        if new_hash in self.seen:
            return 0                      # positional superko
        if not empty_near and not enemies and friend_safe and \
                all(r.tmp > 0 for r in roots):
            return 1                      # filling a single-point eye
        return 2

    def useful(self, pos):
        return self.classify(pos) == 2

    def useful_moves(self):
        return [pos for pos in self.empties.items if self.classify(pos) == 2]

    def random_move(self):
        items = self.empties.items
        n = len(items)
        if n == 0:
            return PASS
        start = self.rng.below(n)
        for k in range(n):
            pos = items[(start + k) % n]
            if self.classify(pos) == 2:
                return pos
        return PASS

    def move(self, pos):
        if pos == PASS:
            if self.last_move == PASS:
                self.finished = True
        else:
            self.place(self.squares[pos], self.color)
            self.seen.add(self.hash)
        self.history.append(pos)
        self.last_move = pos
        self.color = opponent(self.color)

    def replay(self, history):
        for pos in history:
            self.move(pos)

    def score(self, color):
        total = KOMI if color == WHITE else 0.0
        for sq in self.squares:
            if sq.color == color:
                total += 1
            elif sq.color == EMPTY:
                if all(n.color == color for n in sq.neighbours):
                    total += 1
        return total

    def __repr__(self):
        marks = ".OX"
        rows = []
        for y in range(SIZE):
            rows.append(" ".join(marks[self.squares[y * SIZE + x].color]
                                 for x in range(SIZE)))
        return "\n".join(rows)


class UCTNode(object):
    __slots__ = ("pos", "parent", "children", "unexplored", "wins", "losses",
                 "best")

    def __init__(self, pos, parent, unexplored):
        self.pos = pos
        self.parent = parent
        self.children = []
        self.unexplored = unexplored
        self.wins = 0
        self.losses = 0
        self.best = None

    def visits(self):
        return self.wins + self.losses

    def uct_score(self, child):
        n = child.wins + child.losses
        rate = child.wins / float(n)
        return rate + math.sqrt(math.log(self.visits()) / (5.0 * n))

    def best_child(self):
        best = None
        best_score = -1.0
        for child in self.children:
            s = self.uct_score(child)
            if s > best_score:
                best, best_score = child, s
        return best

    def most_visited(self):
        best = None
        for child in self.children:
            if best is None or child.visits() > best.visits():
                best = child
        return best

    def walk(self):
        yield self
        for child in self.children:
            for node in child.walk():
                yield node


def play_game(tree, board, rng):
    """One UCT iteration: select, expand one node, playout, back up."""
    root_mover = opponent(board.color)
    node = tree
    path = [tree]
    while not board.finished:
        if node.unexplored:
            i = rng.below(len(node.unexplored))
            pos = node.unexplored[i]
            node.unexplored[i] = node.unexplored[-1]
            node.unexplored.pop()
            board.move(pos)
            child = UCTNode(pos, node, board.useful_moves())
            node.children.append(child)
            path.append(child)
            break
        if node.best is None:
            break
        node = node.best
        board.move(node.pos)
        path.append(node)
    for _ in range(MAX_PLAYOUT):
        if board.finished:
            break
        board.move(board.random_move())
    black_wins = board.score(BLACK) > board.score(WHITE)
    mover = root_mover
    for n in path:
        if (mover == BLACK) == black_wins:
            n.wins += 1
        else:
            n.losses += 1
        mover = opponent(mover)
    for n in reversed(path):
        if n.parent is not None:
            n.parent.best = n.parent.best_child()


def computer_move(board, games, rng):
    if board.random_move() == PASS:
        return PASS, None
    tree = UCTNode(None, None, board.useful_moves())
    scratch = Board(rng)
    for _ in range(games):
        scratch.reset()
        scratch.replay(board.history)
        play_game(tree, scratch, rng)
    best = tree.most_visited()
    return (best.pos if best is not None else PASS), tree


def bench(size):
    rng = Lcg(31337)
    board = Board(rng)
    out = []
    # two moves of the game, each chosen by a UCT search of `size` games
    for _ in range(2):
        pos, tree = computer_move(board, size, rng)
        nodes = sum(1 for _ in tree.walk())
        out.append("%d/%d/%d" % (pos, tree.wins + tree.losses, nodes))
        board.move(pos)
    return " ".join(out)


DEFAULT_SIZE = 1500

if __name__ == "__main__":
    run(bench, DEFAULT_SIZE)
