"""A workload that follows the generational hypothesis.

A small, stable set of long-lived account objects is built once per run.
A stream of transactions then allocates many short-lived objects (a
request object, tuples, small lists, strings and dicts) that die within
the same step; only a tiny fraction of them is ever stored in the
long-lived set, replacing an older entry. The size is the number of
transactions.
"""

from heaplab_hook import run

DEFAULT_SIZE = 2000000
ACCOUNTS = 2000
MASK = (1 << 31) - 1


class Account(object):
    __slots__ = ("ident", "balance", "history", "label")

    def __init__(self, ident):
        self.ident = ident
        self.balance = 1000
        self.history = []
        self.label = "acct-%d" % ident


class Request(object):
    __slots__ = ("src", "dst", "amount", "memo", "tags")

    def __init__(self, src, dst, amount):
        self.src = src
        self.dst = dst
        self.amount = amount
        self.memo = "transfer %d->%d" % (src, dst)
        self.tags = [src & 7, dst & 7, amount & 15]


def bench(size):
    accounts = [Account(k) for k in range(ACCOUNTS)]
    state = 31337
    rejected = 0
    kept = 0
    digest = 0
    for step in range(size):
        state = (state * 1103515245 + 12345) & MASK
        src = (state >> 4) % ACCOUNTS
        dst = (state >> 15) % ACCOUNTS
        req = Request(src, dst, (state >> 7) % 200)
        # Short-lived scratch: a parsed view, a summary tuple, a dict.
        view = {"from": accounts[req.src].label, "to": accounts[req.dst].label, "n": req.amount}
        summary = (req.src, req.dst, len(req.memo), sum(req.tags))
        words = req.memo.split(" ")
        if accounts[src].balance < req.amount or src == dst:
            rejected += 1
        else:
            accounts[src].balance -= req.amount
            accounts[dst].balance += req.amount
        digest = (digest * 31 + summary[2] + summary[3] + len(view["from"]) + len(words)) & MASK
        # Very rarely, something young becomes old.
        if step % 997 == 0:
            h = accounts[dst].history
            h.append(summary)
            if len(h) > 8:
                del h[0]
            kept += 1
    total = 0
    hist = 0
    for a in accounts:
        total += a.balance
        for entry in a.history:
            hist = (hist * 7 + entry[0] + entry[3]) & MASK
    weighted = 0
    for a in accounts:
        weighted = (weighted * 31 + a.balance) % 1000000007
    return "%d/%d/%d/%d/%d/%d" % (total, rejected, kept, digest, hist, weighted)


if __name__ == "__main__":
    run(bench, DEFAULT_SIZE)
