# R13 (timing), as far as a program can observe it: garbage may be processed
# by automatic collections at any safepoint while the program runs (when is
# MAY DIFFER and is never printed), but finalizers and callbacks never run in
# the middle of a bytecode's internal mutation, so a list and a dict that the
# main loop and the finalizers both mutate stay consistent. After the final
# gc.collect() every finalizer and callback has run exactly once (R3, R7,
# R12), whatever the automatic collections did before.
import gc
from _weakref import ref

SHARED_LIST = []
SHARED_DICT = {}
COUNT = [0]
N = 3000


class Fin:
    def __init__(self, i):
        self.i = i
        self.me = self           # cyclic garbage: needs a collection
        self.pad = [i, (i,), {"i": i}]

    def __del__(self):
        COUNT[0] += 1
        SHARED_LIST.append(-self.i - 1)
        SHARED_DICT[-self.i - 1] = self.i


def callback(w):
    COUNT[0] += 1


WREFS = []


def churn():
    for i in range(N):
        x = Fin(i)
        if i % 3 == 0:
            WREFS.append(ref(x, callback))
        SHARED_LIST.append(i)
        SHARED_DICT[i] = [i]
        x = None


churn()
gc.collect()
expected_calls = N + (N + 2) // 3
print("finalizers + callbacks:", COUNT[0], "expected:", expected_calls)
print("list consistent:", sorted(SHARED_LIST) == list(range(-N, N)))
print("dict consistent:", len(SHARED_DICT) == 2 * N,
      all(SHARED_DICT[i] == [i] and SHARED_DICT[-i - 1] == i for i in range(N)))
print("weakrefs dead:", all(w() is None for w in WREFS))
gc.collect()
print("nothing more:", COUNT[0] == expected_calls)
