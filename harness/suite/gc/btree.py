"""A B-tree (minimum degree T) with insert, delete and search.

Nodes use __slots__. Keys come from an inline LCG; the workload inserts a
batch, deletes about half of it again, searches, and repeats, so nodes are
split, merged and refilled constantly and old nodes die while the tree
itself lives on. The size is the number of insert operations.
"""

import sys

from heaplab_hook import run

DEFAULT_SIZE = 500000
T = 8
MASK = (1 << 31) - 1


class BNode(object):
    __slots__ = ("keys", "children", "leaf")

    def __init__(self, leaf):
        self.keys = []
        self.children = []
        self.leaf = leaf


def find_index(keys, key):
    lo, hi = 0, len(keys)
    while lo < hi:
        mid = (lo + hi) // 2
        if keys[mid] < key:
            lo = mid + 1
        else:
            hi = mid
    return lo


class BTree(object):
    __slots__ = ("root", "size")

    def __init__(self):
        self.root = BNode(True)
        self.size = 0

    def search(self, key):
        node = self.root
        while True:
            i = find_index(node.keys, key)
            if i < len(node.keys) and node.keys[i] == key:
                return True
            if node.leaf:
                return False
            node = node.children[i]

    def insert(self, key):
        if self.search(key):
            return False
        root = self.root
        if len(root.keys) == 2 * T - 1:
            new_root = BNode(False)
            new_root.children.append(root)
            self._split_child(new_root, 0)
            self.root = new_root
        self._insert_nonfull(self.root, key)
        self.size += 1
        return True

    def _split_child(self, parent, i):
        full = parent.children[i]
        right = BNode(full.leaf)
        middle = full.keys[T - 1]
        right.keys = full.keys[T:]
        full.keys = full.keys[: T - 1]
        if not full.leaf:
            right.children = full.children[T:]
            full.children = full.children[:T]
        parent.keys.insert(i, middle)
        parent.children.insert(i + 1, right)

    def _insert_nonfull(self, node, key):
        while True:
            i = find_index(node.keys, key)
            if node.leaf:
                node.keys.insert(i, key)
                return
            if len(node.children[i].keys) == 2 * T - 1:
                self._split_child(node, i)
                if key > node.keys[i]:
                    i += 1
            node = node.children[i]

    def delete(self, key):
        if not self.search(key):
            return False
        self._delete(self.root, key)
        if not self.root.keys and not self.root.leaf:
            self.root = self.root.children[0]
        self.size -= 1
        return True

    def _delete(self, node, key):
        while True:
            i = find_index(node.keys, key)
            if i < len(node.keys) and node.keys[i] == key:
                if node.leaf:
                    del node.keys[i]
                    return
                left, right = node.children[i], node.children[i + 1]
                if len(left.keys) >= T:
                    pred = self._max_key(left)
                    node.keys[i] = pred
                    node, key = left, pred
                elif len(right.keys) >= T:
                    succ = self._min_key(right)
                    node.keys[i] = succ
                    node, key = right, succ
                else:
                    self._merge(node, i)
                    node = left
                continue
            if node.leaf:
                return
            child = node.children[i]
            if len(child.keys) == T - 1:
                child = self._fill(node, i)
            node = child

    def _max_key(self, node):
        while not node.leaf:
            node = node.children[-1]
        return node.keys[-1]

    def _min_key(self, node):
        while not node.leaf:
            node = node.children[0]
        return node.keys[0]

    def _merge(self, node, i):
        left, right = node.children[i], node.children[i + 1]
        left.keys.append(node.keys[i])
        left.keys.extend(right.keys)
        left.children.extend(right.children)
        del node.keys[i]
        del node.children[i + 1]

    def _fill(self, node, i):
        """Gives child i at least T keys; returns the child to descend into."""
        child = node.children[i]
        if i > 0 and len(node.children[i - 1].keys) >= T:
            sib = node.children[i - 1]
            child.keys.insert(0, node.keys[i - 1])
            node.keys[i - 1] = sib.keys.pop()
            if not sib.leaf:
                child.children.insert(0, sib.children.pop())
            return child
        if i < len(node.children) - 1 and len(node.children[i + 1].keys) >= T:
            sib = node.children[i + 1]
            child.keys.append(node.keys[i])
            node.keys[i] = sib.keys.pop(0)
            if not sib.leaf:
                child.children.append(sib.children.pop(0))
            return child
        if i < len(node.children) - 1:
            self._merge(node, i)
            return child
        self._merge(node, i - 1)
        return node.children[i - 1]

    def stats(self):
        """(height, node count, key count, sum of keys, ordered?)"""
        height = 0
        node = self.root
        while not node.leaf:
            height += 1
            node = node.children[0]
        nodes = 0
        count = 0
        total = 0
        prev = [-1]
        ordered = [True]

        def walk(n):
            nonlocal nodes, count, total
            nodes += 1
            if n.leaf:
                for k in n.keys:
                    if k <= prev[0]:
                        ordered[0] = False
                    prev[0] = k
                    count += 1
                    total += k
                return
            for j in range(len(n.keys)):
                walk(n.children[j])
                k = n.keys[j]
                if k <= prev[0]:
                    ordered[0] = False
                prev[0] = k
                count += 1
                total += k
            walk(n.children[-1])

        walk(self.root)
        return height, nodes, count, total, ordered[0]


def bench(size):
    tree = BTree()
    state = 12345
    live = []
    inserted = deleted = found = 0
    h = 0
    ops = 0
    while ops < size:
        batch = []
        for _ in range(200):
            state = (state * 1103515245 + 12345) & MASK
            key = state % (size * 4 + 1000)
            if tree.insert(key):
                inserted += 1
                batch.append(key)
                live.append(key)
            ops += 1
        # Delete about half as many keys as were inserted, picked anywhere.
        for _ in range(len(batch) // 2):
            state = (state * 1103515245 + 12345) & MASK
            j = state % len(live)
            key = live[j]
            live[j] = live[-1]
            live.pop()
            if tree.delete(key):
                deleted += 1
        for key in batch[::7]:
            if tree.search(key):
                found += 1
        h = (h * 31 + tree.size) % 1000000007
    height, nodes, count, total, ordered = tree.stats()
    if count != tree.size or count != len(live) or not ordered:
        sys.stderr.write("btree: invariant broken\n")
        sys.exit(1)
    return "%d/%d/%d/%d/%d/%d/%d/%d" % (inserted, deleted, found, height, nodes, count, total % 1000000007, h)


if __name__ == "__main__":
    run(bench, DEFAULT_SIZE)
