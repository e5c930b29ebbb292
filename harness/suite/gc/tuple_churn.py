"""Heavy short-lived tuple allocation.

Builds tuples of pseudo-random integers from an inline LCG, unpacks and
repacks them, sorts lists of tuples, and folds nested tuples. Almost every
tuple dies within a few operations. The size is the number of rounds.
"""

from heaplab_hook import run

DEFAULT_SIZE = 10000
BATCH = 200
MASK = (1 << 31) - 1


def lcg(state):
    return (state * 1103515245 + 12345) & MASK


def make_records(state, n):
    records = []
    for k in range(n):
        state = lcg(state)
        a = state % 1000
        state = lcg(state)
        b = state % 97
        records.append((a, b, k, (a ^ b, k & 7)))
    return state, records


def swap_rotate(records):
    out = []
    for a, b, k, (x, y) in records:
        # Unpack and repack into new tuples a few times.
        t = (b, a, (y, x), k)
        b2, a2, (y2, x2), k2 = t
        out.append((a2 + y2, (b2, x2), k2))
    return out


def fold_pairs(records):
    acc = (0, 0)
    for s, (b, x), k in records:
        acc = (acc[0] + s * (k + 1), (acc[1] ^ (b * 31 + x)) & 0xFFFFFF)
    return acc


def zip_tuples(records):
    firsts = tuple(r[0] for r in records)
    seconds = tuple(r[2] for r in records)
    total = 0
    for f, s in zip(firsts, seconds):
        pair = divmod(f * 7 + s, 13)
        total += pair[0] - pair[1]
    return total


def bench(size):
    state = 42
    h = 0
    for r in range(size):
        state, records = make_records(state, BATCH)
        records.sort()
        rotated = swap_rotate(records)
        rotated.sort(key=lambda t: (t[1], -t[2]))
        a, b = fold_pairs(rotated)
        z = zip_tuples(rotated)
        merged = tuple(sorted(rotated[: BATCH // 2] + rotated[BATCH // 2 :], reverse=True))
        top = merged[0]
        h = (h * 1000003 + a * 7 + b * 11 + z + top[0] + top[2]) % 1000000007
        h ^= r
    return h


if __name__ == "__main__":
    run(bench, DEFAULT_SIZE)
