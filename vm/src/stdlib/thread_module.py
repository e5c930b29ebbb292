"""_thread (frozen in heaplab): Heaplab runs one thread, so a lock is a
flag. Acquiring a held lock without a timeout could only deadlock, so it
raises RuntimeError instead of hanging; starting a thread is refused."""

error = RuntimeError
TIMEOUT_MAX = 9223372036.0
_MAIN_IDENT = 1


def get_ident():
    return _MAIN_IDENT


def get_native_ident():
    return _MAIN_IDENT


def _count():
    return 0


def stack_size(size=0):
    if size:
        raise error("setting the stack size is not supported")
    return 0


def daemon_threads_allowed():
    return True


def start_new_thread(function, args, kwargs=None):
    raise RuntimeError("heaplab runs a single thread: cannot start a new thread")


start_new = start_new_thread


def interrupt_main(signum=2):
    raise KeyboardInterrupt


def exit():
    raise SystemExit


class LockType:
    """A non-recursive lock."""

    def __init__(self):
        self._held = False

    def acquire(self, blocking=True, timeout=-1):
        if not self._held:
            self._held = True
            return True
        if not blocking or timeout >= 0:
            return False
        raise RuntimeError("deadlock: acquiring a lock this (only) thread holds")

    acquire_lock = acquire

    def release(self):
        if not self._held:
            raise RuntimeError("release unlocked lock")
        self._held = False

    release_lock = release

    def locked(self):
        return self._held

    locked_lock = locked

    def _at_fork_reinit(self):
        self._held = False

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self.release()

    def __repr__(self):
        state = "locked" if self._held else "unlocked"
        return "<%s _thread.lock object at %#x>" % (state, id(self))


lock = LockType


def allocate_lock():
    return LockType()


allocate = allocate_lock


class RLock:
    """A recursive lock: the one thread may re-acquire it."""

    def __init__(self):
        self._count = 0

    def acquire(self, blocking=True, timeout=-1):
        self._count += 1
        return True

    def release(self):
        if self._count == 0:
            raise RuntimeError("cannot release un-acquired lock")
        self._count -= 1

    def _is_owned(self):
        return self._count > 0

    def _recursion_count(self):
        return self._count

    def _release_save(self):
        count, self._count = self._count, 0
        return (count, _MAIN_IDENT)

    def _acquire_restore(self, state):
        self._count = state[0]

    def _at_fork_reinit(self):
        self._count = 0

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self.release()


def _set_sentinel():
    return LockType()


class _local:
    """Thread-local data: with one thread, ordinary attributes."""


class _ExceptHookArgs:
    def __init__(self, args):
        self.exc_type, self.exc_value, self.exc_traceback, self.thread = args


def _excepthook(args):
    import sys
    if args.exc_type is SystemExit:
        return
    print("Exception in thread:", file=sys.stderr)
    print("%s: %s" % (args.exc_type.__name__, args.exc_value), file=sys.stderr)
