"""Runs one program of a PyPy benchmarks checkout's own/ directory for
heaplab-bench (Heaplab's own code).

    heaplab_own.py OWN/X.py [--warmups W] [-n K] [more script arguments]

The PyPy convention: `own/X.py` defines `main(n)`, which runs the benchmark
n times and returns the n times in seconds; its `__main__` block parses
`-n/--num_runs` with optparse via `util.add_standard_options_to(parser)` and
calls `util.run_benchmark(options, options.num_runs, main, *args)`, which
prints one time per line.

This driver wraps `util.run_benchmark`: it calls `main(W)` as a warm-up, then
`main(K)` inside the harness window (`_heaplab.harness_begin/harness_end`
under Heaplab, else a `heaplab-harness: window_ns=N` line on stderr), and
prints the K times, one per line. The checkout's util.py is used when it
imports (its run_benchmark is replaced); otherwise a stand-in with the same
two functions is. optparse likewise: the real one when it imports, else a
minimal stand-in (for a VM that cannot import CPython's optparse).

Where `open` exists (CPython, PyPy, Heaplab) the script runs unmodified as
`__main__` with `sys.argv = [X.py, -n, K, ...]`. On a VM without `open`
the script is imported as a module instead (its `__main__` block does not
run) and the driver calls `run_benchmark(options, K, X.main)` itself; this
needs a `main` function and a file name that is a valid module name.
"""

import sys
import time

try:
    from _heaplab import harness_begin, harness_end
except ImportError:
    _start = [0.0]

    def harness_begin():
        _start[0] = time.perf_counter()

    def harness_end():
        elapsed = time.perf_counter() - _start[0]
        sys.stderr.write("heaplab-harness: window_ns=%d\n" % int(elapsed * 1e9))
        sys.stderr.flush()


def fail(message):
    sys.stderr.write("heaplab_own: %s\n" % message)
    sys.exit(2)


# ---------------------------------------------------------------------------
# Command line.

argv = sys.argv[1:]
if not argv:
    fail("usage: heaplab_own.py OWN/X.py [--warmups W] [-n K] [args...]")
script = argv[0]
warmups = 0
num_runs = 1
rest = []
i = 1
while i < len(argv):
    a = argv[i]
    if a == "--warmups" and i + 1 < len(argv):
        warmups = int(argv[i + 1])
        i += 2
    elif a in ("-n", "--num_runs") and i + 1 < len(argv):
        num_runs = int(argv[i + 1])
        i += 2
    else:
        rest.append(a)
        i += 1

own_dir, _, base = script.rpartition("/")
if not own_dir:
    own_dir = "."
module_name = base[:-3] if base.endswith(".py") else base
sys.path.insert(0, own_dir)
# `from own import util` (used by some scripts) needs the checkout root.
sys.path.append(own_dir + "/..")


# ---------------------------------------------------------------------------
# optparse: the real one, else a minimal stand-in.


class _Values(object):
    def __init__(self, defaults):
        for key in defaults:
            setattr(self, key, defaults[key])


class _Option(object):
    def __init__(self, names, kwargs):
        self.names = names
        self.action = kwargs.get("action", "store")
        self.type = kwargs.get("type", "string")
        self.default = kwargs.get("default")
        self.const = kwargs.get("const")
        self.choices = kwargs.get("choices")
        dest = kwargs.get("dest")
        if dest is None:
            longs = [n for n in names if n.startswith("--")]
            dest = (longs or names)[0].lstrip("-").replace("-", "_")
        self.dest = dest
        if self.action == "store_true" and "default" not in kwargs:
            self.default = None
        self.takes_value = self.action in ("store", "append")


class _OptionParser(object):
    """Enough of optparse.OptionParser for PyPy's own/ scripts."""

    def __init__(self, usage=None, description=None, **kwargs):
        self.usage = usage
        self.description = description
        self.options = []

    def add_option(self, *names, **kwargs):
        opt = _Option(names, kwargs)
        self.options.append(opt)
        return opt

    def add_option_group(self, *args, **kwargs):
        return self

    def set_defaults(self, **kwargs):
        for opt in self.options:
            if opt.dest in kwargs:
                opt.default = kwargs[opt.dest]

    def error(self, message):
        sys.stderr.write("error: %s\n" % message)
        sys.exit(2)

    def _convert(self, opt, text):
        kinds = {"int": int, "float": float, "long": int, "string": str, "str": str}
        kind = opt.type
        conv = kinds.get(kind, str) if isinstance(kind, str) else kind
        try:
            value = conv(text)
        except (TypeError, ValueError):
            self.error("option %s: invalid %s value: %r" % (opt.names[0], kind, text))
        if opt.choices is not None and value not in opt.choices:
            self.error("option %s: invalid choice: %r" % (opt.names[0], value))
        return value

    def parse_args(self, args=None):
        if args is None:
            args = sys.argv[1:]
        values = _Values(dict((o.dest, o.default) for o in self.options))
        positional = []
        j = 0
        while j < len(args):
            a = args[j]
            name, eq, inline = a.partition("=")
            opt = None
            for o in self.options:
                if a in o.names or (eq and name in o.names):
                    opt = o
            if opt is None:
                if a.startswith("-") and a != "-":
                    self.error("no such option: %s" % a)
                positional.append(a)
                j += 1
                continue
            j += 1
            if opt.takes_value:
                if eq and name in opt.names:
                    text = inline
                else:
                    if j >= len(args):
                        self.error("%s option requires an argument" % a)
                    text = args[j]
                    j += 1
                value = self._convert(opt, text)
                if opt.action == "append":
                    setattr(values, opt.dest, list(getattr(values, opt.dest) or []) + [value])
                else:
                    setattr(values, opt.dest, value)
            elif opt.action == "store_true":
                setattr(values, opt.dest, True)
            elif opt.action == "store_false":
                setattr(values, opt.dest, False)
            elif opt.action == "store_const":
                setattr(values, opt.dest, opt.const)
            elif opt.action == "count":
                setattr(values, opt.dest, (getattr(values, opt.dest) or 0) + 1)
        return values, positional


class _OptparseModule(object):
    OptionParser = _OptionParser
    Values = _Values
    Option = _Option
    __name__ = "optparse"


try:
    import optparse  # noqa: F401
except Exception:
    sys.modules.pop("optparse", None)
    sys.modules["optparse"] = _OptparseModule()


# ---------------------------------------------------------------------------
# util: the checkout's, with run_benchmark wrapped, else a stand-in.

called = [False]


def run_benchmark(options, num_runs, bench_func, *args):
    """Warm-up, then the timed `bench_func(num_runs, *args)`; prints times."""
    called[0] = True
    if warmups > 0:
        bench_func(warmups, *args)
    harness_begin()
    data = bench_func(num_runs, *args)
    harness_end()
    if data is None:
        fail("%s's main(n) returned no list of times" % module_name)
    for x in data:
        print(x)
    sys.stdout.flush()


def add_standard_options_to(parser):
    parser.add_option("-n", action="store", type="int", default=100, dest="num_runs",
                      help="Number of times to run the test.")
    parser.add_option("--profile", action="store_true", help="Run the benchmark through cProfile.")
    parser.add_option("--profile_sort", action="store", type="str", default="time",
                      help="Column to sort cProfile output by.")
    parser.add_option("--take_geo_mean", action="store_true",
                      help="Return the geo mean, rather than individual data.")


class _UtilModule(object):
    __name__ = "util"


try:
    import util
except Exception:
    sys.modules.pop("util", None)
    util = _UtilModule()
    util.add_standard_options_to = add_standard_options_to
    sys.modules["util"] = util
util.run_benchmark = run_benchmark
sys.modules["own.util"] = util


# ---------------------------------------------------------------------------
# Run the script.

sys.argv = [script, "-n", str(num_runs)] + rest

try:
    _open = open
except NameError:
    _open = None

if _open is not None:
    f = _open(script)
    source = f.read()
    f.close()
    code = compile(source, script, "exec")
    namespace = {"__name__": "__main__", "__file__": script, "__builtins__": __builtins__}
    exec(code, namespace)
else:
    if not module_name.replace("_", "a").isalnum() or module_name[:1].isdigit():
        fail("cannot import %s as a module under this VM (no open()); rename it" % script)
    namespace = {}
    exec("import %s as module" % module_name, namespace)
    module = namespace["module"]
    if not called[0]:
        main = getattr(module, "main", None)
        if main is None:
            fail("%s has no main(n) function" % script)
        options = _Values({"num_runs": num_runs, "profile": None, "take_geo_mean": None})
        run_benchmark(options, num_runs, main)

if not called[0]:
    fail("%s never called util.run_benchmark" % script)
