"""Large objects: big lists, strings and bytearrays allocated and dropped.

Each round allocates several large objects (lists of hundreds of thousands
of slots, multi-megabyte strings built by joining and repetition,
bytearrays filled and sliced), reads a few values from each, and drops most
of them; one object per round is kept in a small bounded set that replaces
its oldest member, so large objects also live for a while. The size is the
number of rounds.
"""

from heaplab_hook import run

DEFAULT_SIZE = 300
KEEP = 6
MASK = (1 << 31) - 1


def big_list(n, seed):
    lst = list(range(seed, seed + n))
    lst[n // 2] = [seed] * 64
    return lst


def big_string(n, seed):
    piece = "%08x" % (seed & 0xFFFFFFFF)
    s = piece * (n // len(piece))
    parts = [s[: n // 4], "|", s[n // 4 :], str(seed)]
    return "".join(parts)


def big_bytes(n, seed):
    b = bytearray(n)
    step = 4096
    for k in range(0, n, step):
        b[k] = (seed + k // step) & 255
    b.extend(b[: n // 8])
    return b


def bench(size):
    state = 5150
    kept = []
    h = 0
    for r in range(size):
        state = (state * 1103515245 + 12345) & MASK
        n = 200000 + (state >> 8) % 200000
        lst = big_list(n, r)
        s = big_string(n * 4, state)
        b = big_bytes(n * 2, r)
        copy = lst[::3]
        upper = s.upper()
        h = (h * 31 + lst[n - 1] + len(lst[n // 2]) + len(copy) + copy[-1]) % 1000000007
        h = (h * 31 + len(s) + ord(s[n]) + ord(upper[n + 1]) + s.count("|")) % 1000000007
        h = (h * 31 + len(b) + b[4096 * 3] + b[len(b) - n // 4]) % 1000000007
        which = r % 3
        if which == 0:
            kept.append(lst)
        elif which == 1:
            kept.append(s)
        else:
            kept.append(b)
        if len(kept) > KEEP:
            del kept[0]
        lst = s = b = copy = upper = None
    for obj in kept:
        h = (h * 31 + len(obj)) % 1000000007
    return h


if __name__ == "__main__":
    run(bench, DEFAULT_SIZE)
