"""GCBench in the style of Boehm and Ellis.

A stretch tree is built and dropped, then a long-lived binary tree and a
long-lived array of floats are kept while many short-lived complete binary
trees are built, top-down (allocate the node, then fill its children) and
bottom-up (allocate the children, then the node), at increasing depths.
The size is the maximum depth of the short-lived trees.
"""

import sys

from heaplab_hook import run

DEFAULT_SIZE = 17
MIN_DEPTH = 4


class Node(object):
    def __init__(self, left=None, right=None):
        self.left = left
        self.right = right
        self.i = 0
        self.j = 0


def tree_size(depth):
    """Number of nodes in a complete binary tree of the given depth."""
    return (1 << (depth + 1)) - 1


def iterations_for(depth, max_depth):
    """Trees to build at `depth` so every depth allocates about as much."""
    return 2 * tree_size(max_depth) // tree_size(depth)


def populate(depth, node):
    """Top-down: the parent exists before its children are allocated."""
    if depth <= 0:
        return
    depth -= 1
    node.left = Node()
    node.right = Node()
    populate(depth, node.left)
    populate(depth, node.right)


def make_tree(depth):
    """Bottom-up: the children exist before their parent is allocated."""
    if depth <= 0:
        return Node()
    return Node(make_tree(depth - 1), make_tree(depth - 1))


def count_nodes(node):
    n = 0
    stack = [node]
    while stack:
        cur = stack.pop()
        if cur is None:
            continue
        n += 1
        stack.append(cur.left)
        stack.append(cur.right)
    return n


def time_construction(depth, max_depth):
    iters = iterations_for(depth, max_depth)
    total = 0
    for k in range(iters):
        root = Node()
        populate(depth, root)
        root.i = k
        if k == 0:
            total += count_nodes(root)
        root = None
    for k in range(iters):
        root = make_tree(depth)
        root.j = k
        if k == 0:
            total += count_nodes(root)
        root = None
    return iters * 1000003 + total


def bench(size):
    max_depth = size
    stretch_depth = max_depth + 1
    long_lived_depth = max_depth - 2
    array_size = tree_size(max_depth) // 4

    checksum = 0
    # Stretch the heap with a temporary tree.
    stretch = make_tree(stretch_depth)
    checksum += count_nodes(stretch)
    stretch = None

    # A long-lived tree and a long-lived array of floats.
    long_lived = Node()
    populate(long_lived_depth, long_lived)
    floats = [0.0] * array_size
    for k in range(array_size // 2):
        floats[k] = 1.0 / (k + 1)

    depth = MIN_DEPTH
    while depth <= max_depth:
        checksum = (checksum * 31 + time_construction(depth, max_depth)) % 1000000007
        depth += 2

    # The long-lived data must have survived intact.
    if count_nodes(long_lived) != tree_size(long_lived_depth):
        sys.stderr.write("gcbench: long-lived tree damaged\n")
        sys.exit(1)
    if floats[1000 % (array_size // 2)] != 1.0 / (1000 % (array_size // 2) + 1):
        sys.stderr.write("gcbench: long-lived array damaged\n")
        sys.exit(1)
    checksum = (checksum * 31 + count_nodes(long_lived)) % 1000000007
    checksum = (checksum * 31 + int(sum(floats[:100]) * 1000000)) % 1000000007
    return checksum


if __name__ == "__main__":
    run(bench, DEFAULT_SIZE)
