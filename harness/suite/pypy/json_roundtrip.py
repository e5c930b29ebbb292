"""JSON encode/decode round trip (Heaplab clean-room version).

Builds a batch of nested documents (dicts of lists of dicts, with strings,
non-ASCII text, escapes, ints, big ints, floats, booleans and nulls), then
serialises each with json.dumps in two styles (compact and indented,
sorted keys), parses the text back with json.loads and checks that the
result equals the original. The allocation is dominated by the strings the
encoder builds and the dicts, lists and strings the decoder creates. The
size is the number of documents per batch.
"""

import json
import sys
from heaplab_hook import run

DEFAULT_SIZE = 8000

WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta",
         "theta", "iota", "kappa", "lambda", "mu", "caf\u00e9", "na\u00efve",
         "\u03c0\u03c1\u03bf", "\u65e5\u672c", "tab\there", "quote\"d",
         "back\\slash", "new\nline"]


class Lcg(object):
    __slots__ = ("x",)

    def __init__(self, seed):
        self.x = seed

    def next(self, bound):
        self.x = (self.x * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        return (self.x >> 33) % bound


def make_text(rng, nwords):
    return " ".join([WORDS[rng.next(len(WORDS))] for _ in range(nwords)])


def make_item(rng, i):
    return {
        "id": i,
        "name": make_text(rng, 1 + rng.next(3)),
        "price": rng.next(100000) / 100.0,
        "ratio": (rng.next(1000) - 500) / 7.0,
        "in_stock": rng.next(2) == 1,
        "tags": [WORDS[rng.next(len(WORDS))] for _ in range(rng.next(5))],
        "dims": [rng.next(50), rng.next(50), rng.next(50)],
        "note": None if rng.next(3) == 0 else make_text(rng, 4),
    }


def make_document(rng, doc_no):
    nitems = 3 + rng.next(8)
    doc = {
        "document": doc_no,
        "title": make_text(rng, 5),
        "serial": rng.next(1 << 30) * (1 << 40) + rng.next(1000),
        "owner": {
            "user": "user%d" % rng.next(10000),
            "groups": ["g%d" % rng.next(64) for _ in range(1 + rng.next(4))],
            "active": rng.next(4) != 0,
        },
        "items": [make_item(rng, k) for k in range(nitems)],
        "matrix": [[rng.next(10) for _ in range(4)] for _ in range(3)],
        "history": [],
    }
    node = doc["history"]
    for depth in range(rng.next(6)):
        child = {"level": depth, "events": []}
        node.append(child)
        node = child["events"]
    return doc


def count_nodes(value):
    """Counts every JSON value in the tree; a structural checksum."""
    if isinstance(value, dict):
        total = 1
        for k in value:
            total += len(k) + count_nodes(value[k])
        return total
    if isinstance(value, list):
        total = 1
        for v in value:
            total += count_nodes(v)
        return total
    return 1


def text_digest(s):
    h = len(s)
    step = max(1, len(s) // 64)
    for i in range(0, len(s), step):
        h = (h * 131 + ord(s[i])) % 1000000007
    return h


def bench(size):
    rng = Lcg(12345)
    docs = [make_document(rng, d) for d in range(size)]
    total_len = 0
    digest = 0
    nodes = 0
    for doc in docs:
        compact = json.dumps(doc, separators=(",", ":"))
        pretty = json.dumps(doc, indent=2, sort_keys=True)
        back1 = json.loads(compact)
        back2 = json.loads(pretty)
        if back1 != doc or back2 != doc:
            raise AssertionError("JSON round trip changed document %d" % doc["document"])
        total_len += len(compact) + len(pretty)
        digest = (digest * 31 + text_digest(compact) + text_digest(pretty)) % 1000000007
        nodes += count_nodes(back1)
    # One big document holding the whole batch.
    whole = json.dumps({"batch": docs, "count": len(docs)})
    again = json.loads(whole)
    if again["batch"] != docs:
        raise AssertionError("JSON batch round trip failed")
    return "%d:%d:%d:%d" % (total_len, len(whole), nodes, digest)


if __name__ == "__main__":
    run(bench, DEFAULT_SIZE)
