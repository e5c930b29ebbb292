"""Marks a benchmark's timed window.

Every suite program calls harness_begin() before its timed iterations and
harness_end() after them. Under heaplab the VM's native `_heaplab` module
records the window (and prints the --gc-stats block for it); under CPython
or PyPy this fallback times the window with time.perf_counter. Either way
one line goes to stderr, never stdout:

    heaplab-harness: window_ns=<nanoseconds>

A program may also report its own measurements with metric(name, value),
one `heaplab-harness: metric <name>=<value>` line each on stderr; the
harness keeps the last value of each name per invocation.
"""

import sys

try:
    from _heaplab import harness_begin, harness_end
except ImportError:
    import time

    _start = [0.0]

    def harness_begin():
        _start[0] = time.perf_counter()

    def harness_end():
        elapsed = time.perf_counter() - _start[0]
        sys.stderr.write("heaplab-harness: window_ns=%d\n" % int(elapsed * 1e9))
        sys.stderr.flush()


def metric(name, value):
    """Reports a program-measured number (e.g. a finalization delay)."""
    sys.stderr.write("heaplab-harness: metric %s=%r\n" % (name, float(value)))
    sys.stderr.flush()


def parse_args(argv, default_size):
    """Reads `-n SIZE` / `--size SIZE`, `--iterations K`, `--warmup W`.

    Returns (size, iterations, warmup). Hand-written rather than argparse so
    the programs need as little of the standard library as possible.
    """
    size, iterations, warmup = default_size, 1, 0
    i = 1
    while i < len(argv):
        a = argv[i]
        if a in ("-n", "--size") and i + 1 < len(argv):
            size = int(argv[i + 1])
            i += 2
        elif a == "--iterations" and i + 1 < len(argv):
            iterations = int(argv[i + 1])
            i += 2
        elif a == "--warmup" and i + 1 < len(argv):
            warmup = int(argv[i + 1])
            i += 2
        else:
            sys.stderr.write("usage: %s [-n SIZE] [--iterations K] [--warmup W]\n" % argv[0])
            sys.exit(2)
    return size, iterations, warmup


def run(bench, default_size):
    """Runs `bench(size)` warmup + iterations times; times the iterations.

    `bench` returns the checksum; every run must return the same one. The
    checksum of the last timed iteration is printed as `checksum: <value>`.
    """
    size, iterations, warmup = parse_args(sys.argv, default_size)
    for _ in range(warmup):
        bench(size)
    harness_begin()
    result = None
    for _ in range(iterations):
        result = bench(size)
    harness_end()
    print("checksum: %s" % (result,))
