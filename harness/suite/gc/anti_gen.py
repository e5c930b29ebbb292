"""A workload that violates the generational hypothesis.

Objects live for a medium time: every new message enters a large FIFO
queue and dies only after size/16 (up to 100000) later messages, so a
young generation sized for "most objects die young" promotes nearly
everything. Meanwhile a long-lived table of old slot objects is updated on
every step to point at the newest messages (old-to-young pointers that
stress write barriers and remembered sets), and old messages are mutated to
point at younger ones. The size is the number of messages.
"""

from heaplab_hook import run

DEFAULT_SIZE = 2000000
SLOTS = 4096
MASK = (1 << 31) - 1


class Message(object):
    __slots__ = ("seq", "body", "link", "meta")

    def __init__(self, seq, body):
        self.seq = seq
        self.body = body
        self.link = None
        self.meta = [seq & 255, None]


class Slot(object):
    __slots__ = ("latest", "count", "trail")

    def __init__(self):
        self.latest = None
        self.count = 0
        self.trail = [None, None, None, None]


def bench(size):
    # Queue length scales with the run (1/16 of it, within 1000..100000).
    queue = min(100000, max(1000, size // 16))
    slots = [Slot() for _ in range(SLOTS)]
    ring = [None] * queue  # a FIFO as a ring buffer: position seq % queue
    state = 777
    h = 0
    linked = 0
    for seq in range(size):
        state = (state * 1103515245 + 12345) & MASK
        msg = Message(seq, (seq * 7 + (state >> 12)) & 0xFFFF)
        pos = seq % queue
        dying = ring[pos]
        if dying is not None:
            # The message leaving the queue outlived `queue` later messages.
            h = (h * 31 + dying.seq + dying.body + dying.meta[0]) % 1000000007
            if dying.link is not None:
                h = (h + dying.link.seq) % 1000000007
        ring[pos] = msg
        # Old -> young: a long-lived slot now points at the newest message.
        slot = slots[(state >> 4) % SLOTS]
        slot.latest = msg
        slot.count += 1
        slot.trail[slot.count & 3] = msg
        # Old message -> young message, both in the queue.
        if seq >= queue // 2:
            old = ring[(seq - queue // 2 + (state >> 9) % (queue // 4)) % queue]
            if old is not None:
                old.link = msg
                old.meta[1] = (msg.seq, msg.body)
                linked += 1
    for s in slots:
        if s.latest is not None:
            h = (h * 31 + s.latest.seq + s.count) % 1000000007
    live = 0
    for m in ring:
        if m is not None:
            live += 1
            if m.meta[1] is not None:
                h = (h + m.meta[1][0]) % 1000000007
    return "%d/%d/%d" % (h, linked, live)


if __name__ == "__main__":
    run(bench, DEFAULT_SIZE)
