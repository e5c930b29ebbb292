"""A minimal, in-process stand-in for the `pyperf` module (Heaplab's own code).

pyperformance's `bm_*/run_benchmark.py` scripts run unmodified against it:
`heaplab-bench` puts harness/pyperf first on PYTHONPATH, so `import pyperf`
finds this module under Heaplab's VM, CPython and PyPy alike. It uses only
sys, time and (when present) the VM's `_heaplab` hook module: no argparse,
no os, no subprocesses.

Differences from the real pyperf:

* Everything runs in this one process (like pyperf's `--inprocess`/worker
  mode): no calibration, no worker processes, no JSON output.
* `--warmups W`, `--values K` and `--loops L` (defaults 1, 3 and 1) say how
  many warm-up values, timed values and loops per value to run. Other
  standard pyperf options are accepted and ignored.
* The timed values of each benchmark are bracketed with
  `_heaplab.harness_begin()/harness_end()` under Heaplab; elsewhere the same
  `heaplab-harness: window_ns=N` line goes to stderr. Warm-ups stay outside.
* One line per benchmark goes to stdout:
  `heaplab-pyperf: bench=NAME values=K loops=L inner_loops=I mean_s=X`.
* `timeit(name, stmt, setup, globals)` accepts a callable or a statement
  string; strings are run through `exec` (no `compile`, so no timer tricks),
  `setup` may be a string or a callable.
* `argparser` is a tiny argparse look-alike (see `ArgumentParser`).
"""

import sys
import time

__version__ = "2.6.0+heaplab"
VERSION = (2, 6, 0)

perf_counter = time.perf_counter

try:
    from _heaplab import harness_begin as _harness_begin
    from _heaplab import harness_end as _harness_end

    _IMPLEMENTATION = "heaplab"
except ImportError:
    _window_start = [0.0]

    def _harness_begin():
        _window_start[0] = time.perf_counter()

    def _harness_end():
        elapsed = time.perf_counter() - _window_start[0]
        sys.stderr.write("heaplab-harness: window_ns=%d\n" % int(elapsed * 1e9))
        sys.stderr.flush()

    _IMPLEMENTATION = None


def python_implementation():
    """`cpython`, `pypy` or `heaplab` (lower case, like pyperf)."""
    impl = getattr(sys, "implementation", None)
    name = getattr(impl, "name", None)
    if _IMPLEMENTATION is not None:
        return _IMPLEMENTATION
    if name:
        return name.lower()
    return "cpython"


def python_has_jit():
    """True on PyPy with its JIT; Heaplab's VM has no JIT yet."""
    if python_implementation() == "pypy":
        info = getattr(sys, "pypy_translation_info", None)
        if info is not None:
            return bool(info.get("translation.jit", False))
        return True
    return False


# ---------------------------------------------------------------------------
# A tiny argparse look-alike.


class ArgumentError(Exception):
    pass


class Namespace(object):
    def __init__(self, **kwargs):
        for key in kwargs:
            setattr(self, key, kwargs[key])

    def __contains__(self, key):
        return key in self.__dict__

    def __repr__(self):
        items = sorted(self.__dict__.items())
        return "Namespace(%s)" % ", ".join("%s=%r" % kv for kv in items)


_SUPPRESS = "==SUPPRESS=="
SUPPRESS = _SUPPRESS


class _Action(object):
    def __init__(self, names, kwargs):
        self.option_strings = [n for n in names if n.startswith("-")]
        positional = [n for n in names if not n.startswith("-")]
        self.positional = not self.option_strings
        action = kwargs.pop("action", "store")
        self.action = action
        self.nargs = kwargs.pop("nargs", None)
        self.const = kwargs.pop("const", None)
        self.type = kwargs.pop("type", None)
        self.choices = kwargs.pop("choices", None)
        self.required = kwargs.pop("required", False)
        self.help = kwargs.pop("help", None)
        self.metavar = kwargs.pop("metavar", None)
        dest = kwargs.pop("dest", None)
        if dest is None:
            if positional:
                dest = positional[0]
            else:
                longs = [n for n in names if n.startswith("--")]
                dest = (longs or names)[0].lstrip("-")
            dest = dest.replace("-", "_")
        self.dest = dest
        if action == "store_true":
            default, self.nargs, self.const = False, 0, True
        elif action == "store_false":
            default, self.nargs, self.const = True, 0, False
        elif action in ("store_const", "append_const"):
            default, self.nargs = None, 0
        elif action == "count":
            default, self.nargs = None, 0
        elif action in ("help", "version"):
            default, self.nargs = None, 0
        else:
            default = None
        if "default" in kwargs:
            default = kwargs.pop("default")
        self.default = default
        self.version = kwargs.pop("version", None)
        if kwargs:
            raise TypeError("add_argument: unsupported keyword(s) %s" % sorted(kwargs))
        if self.positional and self.nargs is None:
            self.required = True
        if self.positional and self.nargs == "+":
            self.required = True

    def convert(self, parser, text):
        value = text
        if self.type is not None:
            try:
                value = self.type(text)
            except (TypeError, ValueError):
                name = getattr(self.type, "__name__", "value")
                parser.error("argument %s: invalid %s value: %r" % (self.display(), name, text))
        if self.choices is not None and value not in self.choices:
            parser.error(
                "argument %s: invalid choice: %r (choose from %s)"
                % (self.display(), value, ", ".join(repr(c) for c in self.choices))
            )
        return value

    def display(self):
        if self.option_strings:
            return "/".join(self.option_strings)
        return self.metavar or self.dest


class _Group(object):
    """What add_argument_group / add_mutually_exclusive_group return."""

    def __init__(self, parser):
        self._parser = parser

    def add_argument(self, *names, **kwargs):
        return self._parser.add_argument(*names, **kwargs)

    def add_argument_group(self, *args, **kwargs):
        return self

    def add_mutually_exclusive_group(self, *args, **kwargs):
        return self


class ArgumentParser(object):
    """Enough of argparse for pyperformance scripts: options and positionals
    with type, default, dest, choices, help, metavar, required, nargs
    (None, N, '?', '*', '+') and the actions store, store_true, store_false,
    store_const, append, append_const, count, help and version; `--opt=value`
    and `-xVALUE` spellings; set_defaults, groups, error, print_help."""

    def __init__(self, prog=None, description=None, usage=None, add_help=True, **kwargs):
        self.prog = prog or (sys.argv[0] if sys.argv else "benchmark")
        self.description = description
        self.usage = usage
        self._actions = []
        self._defaults = {}
        if add_help:
            self.add_argument("-h", "--help", action="help", help="show this help and exit")

    def add_argument(self, *names, **kwargs):
        if not names:
            raise TypeError("add_argument needs a name")
        action = _Action(names, dict(kwargs))
        for old in list(self._actions):
            clash = [s for s in action.option_strings if s in old.option_strings]
            if clash:
                # Later definitions win, like conflict_handler='resolve'.
                old.option_strings = [s for s in old.option_strings if s not in clash]
                if not old.option_strings and not old.positional:
                    self._actions.remove(old)
        self._actions.append(action)
        return action

    def add_argument_group(self, *args, **kwargs):
        return _Group(self)

    def add_mutually_exclusive_group(self, *args, **kwargs):
        return _Group(self)

    def set_defaults(self, **kwargs):
        for key in kwargs:
            self._defaults[key] = kwargs[key]

    def get_default(self, dest):
        if dest in self._defaults:
            return self._defaults[dest]
        for a in self._actions:
            if a.dest == dest:
                return a.default
        return None

    def format_help(self):
        lines = ["usage: %s [options]" % self.prog]
        if self.description:
            lines.append("")
            lines.append(self.description)
        lines.append("")
        for a in self._actions:
            if a.help == _SUPPRESS:
                continue
            lines.append("  %-28s %s" % (a.display(), a.help or ""))
        return "\n".join(lines) + "\n"

    def print_help(self, file=None):
        (file or sys.stdout).write(self.format_help())

    def print_usage(self, file=None):
        (file or sys.stdout).write("usage: %s [options]\n" % self.prog)

    def error(self, message):
        sys.stderr.write("usage: %s [options]\n%s: error: %s\n" % (self.prog, self.prog, message))
        sys.exit(2)

    def exit(self, status=0, message=None):
        if message:
            sys.stderr.write(message)
        sys.exit(status)

    def _find(self, opt):
        for a in self._actions:
            if opt in a.option_strings:
                return a
        return None

    def _take(self, action, args, i):
        """Values for `action` starting at args[i]; returns (values, next i)."""
        nargs = action.nargs
        values = []
        if nargs is None:
            if i >= len(args):
                self.error("argument %s: expected one argument" % action.display())
            return [args[i]], i + 1
        if nargs == 0:
            return [], i
        if nargs == "?":
            if i < len(args) and not _is_option(args[i]):
                return [args[i]], i + 1
            return [], i
        if nargs in ("*", "+"):
            while i < len(args) and not _is_option(args[i]):
                values.append(args[i])
                i += 1
            if nargs == "+" and not values:
                self.error("argument %s: expected at least one argument" % action.display())
            return values, i
        count = int(nargs)
        if i + count > len(args):
            self.error("argument %s: expected %d arguments" % (action.display(), count))
        return args[i : i + count], i + count

    def _apply(self, ns, action, values, seen):
        seen.append(action)
        kind = action.action
        if kind == "help":
            self.print_help()
            sys.exit(0)
        if kind == "version":
            sys.stdout.write("%s\n" % action.version)
            sys.exit(0)
        if kind in ("store_true", "store_false", "store_const"):
            setattr(ns, action.dest, action.const)
            return
        if kind == "count":
            setattr(ns, action.dest, (getattr(ns, action.dest, None) or 0) + 1)
            return
        if kind == "append_const":
            old = getattr(ns, action.dest, None)
            setattr(ns, action.dest, list(old or []) + [action.const])
            return
        converted = [action.convert(self, v) for v in values]
        if action.nargs is None:
            value = converted[0]
        elif action.nargs == "?":
            value = converted[0] if converted else action.const
        else:
            value = converted
        if kind == "append":
            old = getattr(ns, action.dest, None)
            setattr(ns, action.dest, list(old or []) + [value])
        else:
            setattr(ns, action.dest, value)

    def parse_known_args(self, args=None, namespace=None):
        if args is None:
            args = sys.argv[1:]
        args = list(args)
        ns = namespace if namespace is not None else Namespace()
        for a in self._actions:
            if a.dest != _SUPPRESS and a.default != _SUPPRESS and not hasattr(ns, a.dest):
                default = a.default
                if isinstance(default, str) and a.type is not None and not a.positional:
                    default = a.convert(self, default)
                setattr(ns, a.dest, default)
        for key in self._defaults:
            setattr(ns, key, self._defaults[key])
        positionals = [a for a in self._actions if a.positional]
        loose = []
        extras = []
        seen = []
        i = 0
        only_positionals = False
        while i < len(args):
            arg = args[i]
            if only_positionals or not _is_option(arg):
                loose.append(arg)
                i += 1
                continue
            if arg == "--":
                only_positionals = True
                i += 1
                continue
            value_inline = None
            action = self._find(arg)
            if action is None and arg.startswith("--") and "=" in arg:
                name, _, value_inline = arg.partition("=")
                action = self._find(name)
            if action is None and not arg.startswith("--") and len(arg) > 2:
                action = self._find(arg[:2])
                if action is not None:
                    value_inline = arg[2:]
                    if action.nargs == 0:
                        self.error("argument %s: ignored explicit argument %r" % (arg[:2], arg[2:]))
            if action is None:
                extras.append(arg)
                i += 1
                continue
            i += 1
            if value_inline is not None:
                values = [value_inline]
            else:
                values, i = self._take(action, args, i)
            self._apply(ns, action, values, seen)
        # Positionals, in order, from the loose arguments.
        j = 0
        for a in positionals:
            if a.nargs is None:
                if j < len(loose):
                    self._apply(ns, a, [loose[j]], seen)
                    j += 1
            elif a.nargs == "?":
                if j < len(loose):
                    self._apply(ns, a, [loose[j]], seen)
                    j += 1
            elif a.nargs in ("*", "+"):
                rest = loose[j:]
                j = len(loose)
                if rest or a.nargs == "+":
                    self._apply(ns, a, rest, seen)
                elif a.default is None:
                    setattr(ns, a.dest, [])
            else:
                count = int(a.nargs)
                if j + count <= len(loose):
                    self._apply(ns, a, loose[j : j + count], seen)
                    j += count
        extras.extend(loose[j:])
        missing = [a.display() for a in self._actions if a.required and a not in seen]
        if missing:
            self.error("the following arguments are required: %s" % ", ".join(missing))
        return ns, extras

    def parse_args(self, args=None, namespace=None):
        ns, extras = self.parse_known_args(args, namespace)
        if extras:
            self.error("unrecognized arguments: %s" % " ".join(extras))
        return ns


def _is_option(arg):
    if not arg.startswith("-") or arg == "-":
        return False
    # A negative number is a value, not an option.
    try:
        float(arg)
        return False
    except ValueError:
        return True


# ---------------------------------------------------------------------------
# The Runner.


def _positive_int(text):
    value = int(text)
    if value < 0:
        raise ValueError(text)
    return value


def _add_pyperf_options(parser):
    """pyperf's standard options; the harness sets --warmups/--values/--loops."""
    add = parser.add_argument
    add("--warmups", "-w", type=_positive_int, default=None, help="warm-up values (default 1)")
    add("--values", "-n", type=_positive_int, default=None, help="timed values (default 3)")
    add("--loops", "-l", type=_positive_int, default=None, help="loops per value (default 1)")
    add("--processes", "-p", type=int, default=None, help="ignored (always in-process)")
    add("--min-time", type=float, default=0.1, help="ignored")
    add("--worker", action="store_true", help="ignored")
    add("--worker-task", type=int, default=None, help="ignored")
    add("--calibrate-loops", action="store_true", help="ignored")
    add("--recalibrate-loops", action="store_true", help="ignored")
    add("--calibrate-warmups", action="store_true", help="ignored")
    add("--recalibrate-warmups", action="store_true", help="ignored")
    add("--debug-single-value", action="store_true", help="one value, no warm-up")
    add("--inprocess", action="store_true", help="ignored (always in-process)")
    add("--fast", "-f", action="store_true", help="ignored")
    add("--rigorous", action="store_true", help="ignored")
    add("--quiet", "-q", action="store_true", help="ignored")
    add("--verbose", "-v", action="store_true", help="ignored")
    add("--output", "-o", default=None, help="ignored (no JSON output)")
    add("--append", default=None, help="ignored")
    add("--pipe", type=int, default=None, help="ignored")
    add("--inherit-environ", default=None, help="ignored")
    add("--copy-env", action="store_true", help="ignored")
    add("--no-locale", action="store_true", help="ignored")
    add("--python", default=sys.executable if hasattr(sys, "executable") else None, help="ignored")
    add("--compare-to", default=None, help="ignored")
    add("--python-names", default=None, help="ignored")
    add("--affinity", default=None, help="ignored")
    add("--tracemalloc", action="store_true", help="ignored")
    add("--track-memory", action="store_true", help="ignored")
    add("--profile", default=None, help="ignored")
    add("--timeout", type=int, default=None, help="ignored")
    add("--hook", action="append", default=[], help="ignored")
    add("--dump", action="store_true", help="ignored")
    add("--metadata", "-m", action="store_true", help="ignored")
    add("--hist", action="store_true", help="ignored")
    add("--stats", action="store_true", help="ignored")


def add_runner_args(parser):
    """Adds pyperf's standard options to `parser` (a look-alike parser)."""
    _add_pyperf_options(parser)
    return parser


class Runner(object):
    """Runs benchmarks in this process; see the module docstring."""

    def __init__(
        self,
        values=None,
        warmups=None,
        processes=None,
        loops=0,
        min_time=0.1,
        metadata=None,
        show_name=True,
        program_args=None,
        add_cmdline_args=None,
        _argparser=None,
        **kwargs
    ):
        self._defaults = {
            "values": 3 if values is None else values,
            "warmups": 1 if warmups is None else warmups,
            "loops": loops if loops else 1,
        }
        self.metadata = dict(metadata or {})
        self.show_name = show_name
        self.program_args = program_args
        self._add_cmdline_args = add_cmdline_args
        self.argparser = _argparser if _argparser is not None else ArgumentParser()
        _add_pyperf_options(self.argparser)
        self.args = None
        self._names = []

    def parse_args(self, args=None):
        if self.args is not None and args is None:
            return self.args
        ns = self.argparser.parse_args(args)
        if ns.values is None:
            ns.values = self._defaults["values"]
        if ns.warmups is None:
            ns.warmups = self._defaults["warmups"]
        if ns.loops is None:
            ns.loops = self._defaults["loops"]
        if ns.debug_single_value:
            ns.values, ns.warmups = 1, 0
        self.args = ns
        return ns

    def _counts(self):
        args = self.parse_args()
        return args.warmups, args.values, max(1, args.loops)

    def _run(self, name, one_value, inner_loops):
        """Runs warm-ups, then the timed values inside the harness window;
        `one_value(loops)` returns the seconds one value took."""
        if name in self._names:
            raise ValueError("duplicated benchmark name: %r" % (name,))
        self._names.append(name)
        warmups, values, loops = self._counts()
        inner = inner_loops or 1
        for _ in range(warmups):
            one_value(loops)
        times = []
        _harness_begin()
        for _ in range(values):
            times.append(one_value(loops))
        _harness_end()
        per_call = [t / (loops * inner) for t in times]
        mean = sum(per_call) / len(per_call) if per_call else 0.0
        sys.stdout.write(
            "heaplab-pyperf: bench=%s values=%d loops=%d inner_loops=%d mean_s=%.9g\n"
            % (name, values, loops, inner, mean)
        )
        sys.stdout.flush()
        return _Benchmark(name, per_call, self.metadata)

    def bench_func(self, name, func, *args, **kwargs):
        """Times `func(*args)` called `loops` times per value."""
        inner_loops = kwargs.pop("inner_loops", None)
        metadata = kwargs.pop("metadata", None)
        if kwargs:
            raise TypeError("bench_func: unexpected keyword(s) %s" % sorted(kwargs))
        clock = perf_counter

        def one_value(loops):
            t0 = clock()
            for _ in range(loops):
                func(*args)
            return clock() - t0

        bench = self._run(name, one_value, inner_loops)
        if metadata:
            bench.metadata.update(metadata)
        return bench

    def bench_time_func(self, name, time_func, *args, **kwargs):
        """`time_func(loops, *args)` returns the seconds it took itself."""
        inner_loops = kwargs.pop("inner_loops", None)
        metadata = kwargs.pop("metadata", None)
        if kwargs:
            raise TypeError("bench_time_func: unexpected keyword(s) %s" % sorted(kwargs))

        def one_value(loops):
            return time_func(loops, *args)

        bench = self._run(name, one_value, inner_loops)
        if metadata:
            bench.metadata.update(metadata)
        return bench

    def bench_async_func(self, name, func, *args, **kwargs):
        """Times `await func(*args)` run `loops` times per value, inside a
        fresh event loop per value (`asyncio.run`, or `loop_factory()`)."""
        inner_loops = kwargs.pop("inner_loops", None)
        metadata = kwargs.pop("metadata", None)
        loop_factory = kwargs.pop("loop_factory", None)
        if kwargs:
            raise TypeError("bench_async_func: unexpected keyword(s) %s" % sorted(kwargs))
        import asyncio

        clock = perf_counter

        async def timed(loops):
            t0 = clock()
            for _ in range(loops):
                await func(*args)
            return clock() - t0

        def one_value(loops):
            if loop_factory is None:
                return asyncio.run(timed(loops))
            loop = loop_factory()
            try:
                return loop.run_until_complete(timed(loops))
            finally:
                loop.close()

        bench = self._run(name, one_value, inner_loops)
        if metadata:
            bench.metadata.update(metadata)
        return bench

    def bench_command(self, name, command):
        raise NotImplementedError("heaplab's pyperf: bench_command is not supported")

    def timeit(self, name, stmt=None, setup="pass", teardown="pass", inner_loops=None,
               duplicate=None, metadata=None, globals=None):
        """`stmt` and `setup` are callables or statement strings (run with
        exec in a copy of `globals`)."""
        ns = dict(globals or {})
        if callable(setup):
            setup()
        elif setup and setup != "pass":
            exec(setup, ns)
        if stmt is None:
            stmt = "pass"
        if callable(stmt):
            func = stmt
        else:
            lines = [line for line in stmt.split("\n")]
            body = "\n".join("        " + line for line in lines)
            src = (
                "def __heaplab_timeit(__loops, __clock):\n"
                "    __t0 = __clock()\n"
                "    for __i in range(__loops):\n"
                "%s\n"
                "    return __clock() - __t0\n" % body
            )
            exec(src, ns)
            timer = ns["__heaplab_timeit"]

            def func_time(loops):
                return timer(loops, perf_counter)

            bench = self._run(name, func_time, inner_loops)
            self._teardown(teardown, ns)
            if metadata:
                bench.metadata.update(metadata)
            return bench
        bench = self.bench_func(name, func, inner_loops=inner_loops, metadata=metadata)
        self._teardown(teardown, ns)
        return bench

    def _teardown(self, teardown, ns):
        if callable(teardown):
            teardown()
        elif teardown and teardown != "pass":
            exec(teardown, ns)


class _Benchmark(object):
    """What the bench_* methods return: name, per-call values, metadata."""

    def __init__(self, name, values, metadata):
        self.name = name
        self._values = list(values)
        self.metadata = dict(metadata)

    def get_name(self):
        return self.name

    def get_values(self):
        return tuple(self._values)

    def get_nvalue(self):
        return len(self._values)

    def mean(self):
        return sum(self._values) / len(self._values) if self._values else 0.0

    def get_metadata(self):
        return dict(self.metadata)
