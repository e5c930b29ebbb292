"""Cyclic garbage: doubly linked lists and small cycles, built and dropped whole.

Each round builds doubly linked lists (every node points at both
neighbours, so the whole list is one big cycle), parent/child trees with
back pointers, and small rings of dicts and lists, walks them, then drops
them all at once. None of it can be reclaimed by reference counting alone.
A few lists survive for several rounds. The size is the number of rounds.
"""

from heaplab_hook import run

DEFAULT_SIZE = 5000
MASK = (1 << 31) - 1


class DNode(object):
    __slots__ = ("prev", "next", "value")

    def __init__(self, value):
        self.prev = None
        self.next = None
        self.value = value


class DList(object):
    __slots__ = ("head", "tail", "length")

    def __init__(self):
        self.head = None
        self.tail = None
        self.length = 0

    def push_back(self, value):
        node = DNode(value)
        if self.tail is None:
            self.head = self.tail = node
        else:
            node.prev = self.tail
            self.tail.next = node
            self.tail = node
        self.length += 1

    def push_front(self, value):
        node = DNode(value)
        if self.head is None:
            self.head = self.tail = node
        else:
            node.next = self.head
            self.head.prev = node
            self.head = node
        self.length += 1

    def remove(self, node):
        if node.prev is None:
            self.head = node.next
        else:
            node.prev.next = node.next
        if node.next is None:
            self.tail = node.prev
        else:
            node.next.prev = node.prev
        self.length -= 1
        # The removed node keeps its stale links: one more small cycle of garbage.

    def forward_sum(self):
        total = 0
        node = self.head
        k = 0
        while node is not None:
            total = (total + node.value * (k + 1)) & MASK
            node = node.next
            k += 1
        return total

    def backward_sum(self):
        total = 0
        node = self.tail
        k = 0
        while node is not None:
            total = (total + node.value * (k + 1)) & MASK
            node = node.prev
            k += 1
        return total


class TreeNode(object):
    def __init__(self, parent, value):
        self.parent = parent
        self.children = []
        self.value = value


def build_tree(depth, fanout, value, parent=None):
    node = TreeNode(parent, value)
    if depth > 0:
        for k in range(fanout):
            node.children.append(build_tree(depth - 1, fanout, value * fanout + k, node))
    return node


def tree_depth_sum(node):
    # Walk to the root through parent pointers from every leaf.
    total = 0
    stack = [node]
    while stack:
        n = stack.pop()
        if n.children:
            stack.extend(n.children)
        else:
            up = n
            while up is not None:
                total += 1
                up = up.parent
    return total


def small_cycles(state, count):
    total = 0
    for _ in range(count):
        state = (state * 1103515245 + 12345) & MASK
        a = {"id": state & 255}
        b = [a, state & 1023]
        a["b"] = b
        c = (b, a)
        b.append(c)
        selfish = []
        selfish.append(selfish)
        total += a["id"] + b[1] + len(c) + len(selfish[0])
    return state, total


def bench(size):
    state = 4242
    h = 0
    survivors = []
    for r in range(size):
        lists = []
        for k in range(8):
            dl = DList()
            state = (state * 1103515245 + 12345) & MASK
            n = 50 + (state >> 8) % 150
            for j in range(n):
                if j & 1:
                    dl.push_back(j + k)
                else:
                    dl.push_front(j * 3 + k)
            # Unlink every fifth node.
            node = dl.head
            j = 0
            while node is not None:
                nxt = node.next
                if j % 5 == 4:
                    dl.remove(node)
                node = nxt
                j += 1
            lists.append(dl)
        for dl in lists:
            h = (h * 31 + dl.forward_sum() * 3 + dl.backward_sum() + dl.length) % 1000000007
        if r % 10 == 0:
            survivors.append(lists[0])
            if len(survivors) > 5:
                survivors.pop(0)
        lists = dl = node = nxt = None
        tree = build_tree(4, 3, r & 15)
        h = (h * 31 + tree_depth_sum(tree)) % 1000000007
        tree = None
        state, t = small_cycles(state, 60)
        h = (h + t) % 1000000007
    for dl in survivors:
        h = (h * 31 + dl.forward_sum() + dl.length) % 1000000007
    return h


if __name__ == "__main__":
    run(bench, DEFAULT_SIZE)
