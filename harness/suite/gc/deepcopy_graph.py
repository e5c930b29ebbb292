"""Deep copy of object graphs with sharing and cycles.

Graphs of Vertex objects hold lists, dicts and tuples that share
substructure and form cycles. A hand-written copier keeps an id -> copy
memo so shared objects are copied once and cycles terminate. Every copy is
checked to be isomorphic to its original and disjoint from it, then the
originals die while the copies live on for one more round. The size is the
number of rounds.
"""

import sys

from heaplab_hook import run

DEFAULT_SIZE = 250
VERTICES = 400
MASK = (1 << 31) - 1


class Vertex(object):
    def __init__(self, name):
        self.name = name
        self.edges = []
        self.props = {}
        self.pair = None


class Copier(object):
    """Recursive deep copier with an explicit id -> copy memo."""

    def __init__(self):
        self.memo = {}
        # Keep every original alive while copying so ids stay unique.
        self.keep = []

    def copy(self, obj):
        if obj is None or isinstance(obj, (int, str, float, bool)):
            return obj
        key = id(obj)
        got = self.memo.get(key)
        if got is not None:
            return got
        self.keep.append(obj)
        if isinstance(obj, list):
            new = []
            self.memo[key] = new
            for item in obj:
                new.append(self.copy(item))
            return new
        if isinstance(obj, dict):
            new = {}
            self.memo[key] = new
            for k, v in obj.items():
                new[self.copy(k)] = self.copy(v)
            return new
        if isinstance(obj, tuple):
            # A tuple can only be part of a cycle through a mutable object,
            # which is memoised first; copy the items, then check the memo
            # again in case one of them reached this tuple.
            items = [self.copy(item) for item in obj]
            got = self.memo.get(key)
            if got is not None:
                return got
            new = tuple(items)
            self.memo[key] = new
            return new
        if isinstance(obj, Vertex):
            new = Vertex.__new__(Vertex)
            self.memo[key] = new
            for name, value in obj.__dict__.items():
                setattr(new, name, self.copy(value))
            return new
        raise TypeError("cannot copy %r" % (type(obj),))


def lcg(state):
    return (state * 1103515245 + 12345) & MASK


def build_graph(state, n):
    verts = [Vertex("v%d" % k) for k in range(n)]
    shared_lists = [[k, k * k] for k in range(8)]
    for k, v in enumerate(verts):
        for _ in range(3):
            state = lcg(state)
            v.edges.append(verts[state % n])
        state = lcg(state)
        v.props["w"] = state % 1000
        v.props["tag"] = shared_lists[state % 8]
        v.props["self"] = v
        v.pair = (verts[(k + 1) % n], v.props["tag"])
    # A list that contains itself and a dict that contains itself.
    loop = [0]
    loop.append(loop)
    mapping = {"loop": loop}
    mapping["me"] = mapping
    verts[0].props["loop"] = mapping
    return state, verts


def shape(root):
    """Structural fingerprint independent of identity (ids never leak)."""
    index = {}
    order = []
    h = 0
    stack = [root]
    while stack:
        obj = stack.pop()
        if obj is None or isinstance(obj, (int, str)):
            if obj is None:
                v = 1
            elif isinstance(obj, int):
                v = obj + 2
            else:
                v = len(obj) * 7 + ord(obj[-1])
            h = (h * 1000003 + v) & MASK
            continue
        key = id(obj)
        if key in index:
            h = (h * 1000003 + 17 * index[key] + 5) & MASK
            continue
        index[key] = len(order)
        order.append(obj)
        if isinstance(obj, list):
            h = (h * 31 + 1 + len(obj)) & MASK
            stack.extend(reversed(obj))
        elif isinstance(obj, tuple):
            h = (h * 31 + 2 + len(obj)) & MASK
            stack.extend(reversed(obj))
        elif isinstance(obj, dict):
            h = (h * 31 + 3 + len(obj)) & MASK
            for k, v in obj.items():
                stack.append(v)
                stack.append(k)
        else:
            h = (h * 31 + 4) & MASK
            d = obj.__dict__
            for name in ("name", "edges", "props", "pair"):
                stack.append(d[name])
    return h, len(order), order


def bench(size):
    state = 7
    previous = None
    h = 0
    for r in range(size):
        state, verts = build_graph(state, VERTICES)
        copier = Copier()
        copied = copier.copy(verts)
        copier = None
        h1, n1, objs1 = shape(verts)
        h2, n2, objs2 = shape(copied)
        ids = set(id(o) for o in objs1)
        for o in objs2:
            if id(o) in ids:
                sys.stderr.write("deepcopy_graph: copy shares an object\n")
                sys.exit(1)
        if h1 != h2 or n1 != n2:
            sys.stderr.write("deepcopy_graph: copy differs\n")
            sys.exit(1)
        objs1 = objs2 = ids = verts = None
        if previous is not None:
            # The copy from the last round must still be intact.
            hp, _, _ = shape(previous[0])
            if hp != previous[1]:
                sys.stderr.write("deepcopy_graph: old copy damaged\n")
                sys.exit(1)
        previous = (copied, h2)
        h = (h * 31 + h2 + n2 + r) % 1000000007
    return h


if __name__ == "__main__":
    run(bench, DEFAULT_SIZE)
