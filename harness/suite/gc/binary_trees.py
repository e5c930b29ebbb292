"""Binary trees: allocate, check and discard many trees of growing depth.

A stretch tree of depth size+1 is built, checked and dropped; a long-lived
tree of depth size stays alive for the whole run; then for depths
4, 6, ..., size, 2**(size - depth + 4) trees are built, walked and dropped.
Trees are tuples of two children, or None at the leaves' children.
"""

from heaplab_hook import run

DEFAULT_SIZE = 17
MIN_DEPTH = 4


def make(depth):
    if depth == 0:
        return (None, None)
    depth -= 1
    return (make(depth), make(depth))


def check(tree):
    left, right = tree
    if left is None:
        return 1
    return 1 + check(left) + check(right)


def bench(size):
    max_depth = max(MIN_DEPTH + 2, size)
    lines = []
    stretch = max_depth + 1
    lines.append("stretch %d check %d" % (stretch, check(make(stretch))))

    long_lived = make(max_depth)

    depth = MIN_DEPTH
    while depth <= max_depth:
        iterations = 1 << (max_depth - depth + MIN_DEPTH)
        total = 0
        for _ in range(iterations):
            total += check(make(depth))
        lines.append("%d trees depth %d check %d" % (iterations, depth, total))
        depth += 2

    lines.append("long lived %d check %d" % (max_depth, check(long_lived)))
    h = 0
    for line in lines:
        for ch in line:
            h = (h * 131 + ord(ch)) % 1000000007
    return "%d:%d" % (len(lines), h)


if __name__ == "__main__":
    run(bench, DEFAULT_SIZE)
