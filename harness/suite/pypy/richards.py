"""Richards: simulation of a small operating-system task scheduler.

Heaplab's own version of Martin Richards' benchmark. Six tasks (idle,
worker, two handlers, two devices) exchange a fixed pool of packet objects
through linked queues; the scheduler picks the highest-priority runnable
task each step. One run with the classic idle count of 10000 must report
23246 packets queued and 9297 holds. `size` is the number of complete runs;
each run builds a fresh scheduler, tasks and packets.
"""

import sys
from heaplab_hook import run

ID_IDLE = 1
ID_WORKER = 2
ID_HANDLER_A = 3
ID_HANDLER_B = 4
ID_DEVICE_A = 5
ID_DEVICE_B = 6
NUM_IDS = 7

KIND_DEVICE = 0
KIND_WORK = 1

DATA_LEN = 4
IDLE_COUNT = 10000


class SchedulerError(Exception):
    pass


class Packet(object):
    __slots__ = ("link", "ident", "kind", "datum", "data")

    def __init__(self, link, ident, kind):
        self.link = link
        self.ident = ident
        self.kind = kind
        self.datum = 0
        self.data = [0] * DATA_LEN

    def append_to(self, queue):
        """Puts this packet at the tail of `queue`; returns the new head."""
        self.link = None
        if queue is None:
            return self
        tail = queue
        while tail.link is not None:
            tail = tail.link
        tail.link = self
        return queue


class Task(object):
    """Base task: a node in the scheduler's task list plus state flags."""

    def __init__(self, sched, ident, priority, queue, waiting):
        self.sched = sched
        self.ident = ident
        self.priority = priority
        self.queue = queue
        self.pending = queue is not None
        self.waiting = waiting
        self.holding = False
        self.link = sched.task_list
        sched.task_list = self
        sched.table[ident] = self

    def blocked(self):
        return self.holding or (self.waiting and not self.pending)

    def deliver(self, packet, current):
        """Adds `packet` to this task's queue; returns the task to run next."""
        if self.queue is None:
            self.queue = packet
            self.pending = True
            if self.priority > current.priority:
                return self
        else:
            self.queue = packet.append_to(self.queue)
        return current

    def resume(self):
        packet = None
        if self.waiting and self.pending and not self.holding:
            packet = self.queue
            self.queue = packet.link
            self.pending = self.queue is not None
            self.waiting = False
        return self.step(packet)

    def step(self, packet):
        raise NotImplementedError


class IdleTask(Task):
    def __init__(self, sched, ident, priority, count):
        Task.__init__(self, sched, ident, priority, None, False)
        self.control = 1
        self.count = count

    def step(self, packet):
        sched = self.sched
        self.count -= 1
        if self.count == 0:
            return sched.hold_current()
        if self.control & 1:
            self.control = (self.control >> 1) ^ 0xD008
            return sched.release(ID_DEVICE_B)
        self.control >>= 1
        return sched.release(ID_DEVICE_A)


class WorkerTask(Task):
    def __init__(self, sched, ident, priority, queue):
        Task.__init__(self, sched, ident, priority, queue, True)
        self.target = ID_HANDLER_A
        self.letter = 0

    def step(self, packet):
        sched = self.sched
        if packet is None:
            return sched.wait_current()
        if self.target == ID_HANDLER_A:
            self.target = ID_HANDLER_B
        else:
            self.target = ID_HANDLER_A
        packet.ident = self.target
        packet.datum = 0
        data = packet.data
        for i in range(DATA_LEN):
            self.letter += 1
            if self.letter > 26:
                self.letter = 1
            data[i] = 64 + self.letter
        return sched.send(packet)


class HandlerTask(Task):
    def __init__(self, sched, ident, priority, queue):
        Task.__init__(self, sched, ident, priority, queue, True)
        self.work = None
        self.devices = None

    def step(self, packet):
        sched = self.sched
        if packet is not None:
            if packet.kind == KIND_WORK:
                self.work = packet.append_to(self.work)
            else:
                self.devices = packet.append_to(self.devices)
        work = self.work
        if work is not None:
            pos = work.datum
            if pos >= DATA_LEN:
                self.work = work.link
                return sched.send(work)
            dev = self.devices
            if dev is not None:
                self.devices = dev.link
                dev.datum = work.data[pos]
                work.datum = pos + 1
                return sched.send(dev)
        return sched.wait_current()


class DeviceTask(Task):
    def __init__(self, sched, ident, priority):
        Task.__init__(self, sched, ident, priority, None, True)
        self.held_packet = None

    def step(self, packet):
        sched = self.sched
        if packet is not None:
            self.held_packet = packet
            return sched.hold_current()
        held = self.held_packet
        if held is None:
            return sched.wait_current()
        self.held_packet = None
        return sched.send(held)


class Scheduler(object):
    def __init__(self):
        self.table = [None] * NUM_IDS
        self.task_list = None
        self.current = None
        self.sent = 0
        self.holds = 0

    def find(self, ident):
        task = self.table[ident]
        if task is None:
            raise SchedulerError("no task %d" % ident)
        return task

    def hold_current(self):
        self.holds += 1
        task = self.current
        task.holding = True
        return task.link

    def wait_current(self):
        self.current.waiting = True
        return self.current

    def release(self, ident):
        task = self.find(ident)
        task.holding = False
        if task.priority > self.current.priority:
            return task
        return self.current

    def send(self, packet):
        target = self.find(packet.ident)
        self.sent += 1
        packet.link = None
        packet.ident = self.current.ident
        return target.deliver(packet, self.current)

    def schedule(self):
        task = self.task_list
        while task is not None:
            if task.blocked():
                task = task.link
            else:
                self.current = task
                task = task.resume()


def device_packets(ident):
    queue = None
    for _ in range(3):
        queue = Packet(queue, ident, KIND_DEVICE)
    return queue


def one_run():
    sched = Scheduler()
    IdleTask(sched, ID_IDLE, 1, IDLE_COUNT)
    work = Packet(Packet(None, 0, KIND_WORK), 0, KIND_WORK)
    WorkerTask(sched, ID_WORKER, 1000, work)
    HandlerTask(sched, ID_HANDLER_A, 2000, device_packets(ID_DEVICE_A))
    HandlerTask(sched, ID_HANDLER_B, 3000, device_packets(ID_DEVICE_B))
    DeviceTask(sched, ID_DEVICE_A, 4000)
    DeviceTask(sched, ID_DEVICE_B, 5000)
    sched.schedule()
    if sched.sent != 23246 or sched.holds != 9297:
        raise SchedulerError("bad result %d %d" % (sched.sent, sched.holds))
    return sched.sent, sched.holds


def bench(size):
    sent = holds = 0
    for _ in range(size):
        s, h = one_run()
        sent += s
        holds += h
    return "%d %d" % (sent, holds)


DEFAULT_SIZE = 60

if __name__ == "__main__":
    run(bench, DEFAULT_SIZE)
