#!/usr/bin/env python3
"""Speed report: T0 (`heaplab --gc=none`) against CPython (and PyPy) on the
benchmark suite, in one run.

Each program runs at its default size (or --quick) as a fresh process,
interleaving the interpreters, `--runs` times; the time is the program's
timed window (`heaplab-harness: window_ns=` on stderr, printed by the VM or
by heaplab_hook's fallback), so start-up is excluded. Prints a table of
medians, per-program ratios and the geometric mean ratio; programs whose
checksum differs from the manifest's are reported and left out of the means.

Usage: vm/bench/speed_report.py [--heaplab PATH] [--runs N] [--quick]
       [--python /usr/bin/python3.11] [--pypy pypy3] [--only a,b]
"""

import argparse
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SUITE = os.path.join(ROOT, "harness", "suite")
WINDOW = re.compile(r"heaplab-harness: window_ns=(\d+)")


def programs(only):
    out = []
    for manifest in ("pypy.toml", "gc.toml"):
        with open(os.path.join(SUITE, manifest), "rb") as f:
            for p in tomllib.load(f)["program"]:
                if not only or p["name"] in only:
                    out.append(p)
    return out


def run_once(cmd, path, size, timeout):
    env = dict(os.environ, PYTHONPATH=SUITE)
    try:
        r = subprocess.run(cmd + [path, "-n", str(size)], cwd=SUITE, env=env,
                           capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "timeout"
    m = WINDOW.search(r.stderr)
    if r.returncode != 0 or not m:
        tail = (r.stderr.strip().splitlines() or ["?"])[-1]
        return None, "exit %d: %s" % (r.returncode, tail[:100])
    return (int(m.group(1)) / 1e9, r.stdout.strip()), None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--heaplab", default=os.path.join(ROOT, "target", "release", "heaplab"))
    ap.add_argument("--python", default=shutil.which("python3.11") or "/usr/bin/python3.11")
    ap.add_argument("--pypy", default=shutil.which("pypy3"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    only = set(filter(None, args.only.split(",")))
    interps = [("heaplab", [args.heaplab, "--gc=none"]), ("cpython", [args.python])]
    if args.pypy:
        interps.append(("pypy", [args.pypy]))
    print("# Speed report: heaplab --gc=none (T0) vs CPython", file=sys.stderr)
    print("heaplab: %s\ncpython: %s\npypy: %s\nruns per point: %d, sizes: %s\n" % (
        args.heaplab, args.python, args.pypy or "-", args.runs, "quick" if args.quick else "default"))
    header = "%-18s %8s %10s %10s %10s %8s %8s" % ("program", "size", "heaplab s", "cpython s", "pypy s", "h/c", "h/p")
    print(header)
    print("-" * len(header))
    ratios_c, ratios_p, failures = [], [], []
    for p in programs(only):
        size = p["quick_size"] if args.quick else p["default_size"]
        expected = "checksum: %s" % p["checksums"][str(size)]
        times = {name: [] for name, _ in interps}
        bad = None
        for _ in range(args.runs):
            for name, cmd in interps:
                res, err = run_once(cmd, p["path"], size, args.timeout)
                if err:
                    bad = bad or "%s: %s" % (name, err)
                    continue
                t, out = res
                if out != expected:
                    bad = bad or "%s: wrong checksum %r" % (name, out[:60])
                    continue
                times[name].append(t)
        med = {k: statistics.median(v) if v else None for k, v in times.items()}
        rc = med["heaplab"] / med["cpython"] if med["heaplab"] and med["cpython"] else None
        rp = med["heaplab"] / med["pypy"] if med.get("pypy") and med["heaplab"] else None
        if bad:
            failures.append((p["name"], bad))
        elif rc:
            ratios_c.append(rc)
            if rp:
                ratios_p.append(rp)
        fmt = lambda v: "%10.3f" % v if v else "%10s" % "-"
        print("%-18s %8s %s %s %s %8s %8s" % (
            p["name"], size, fmt(med["heaplab"]), fmt(med["cpython"]), fmt(med.get("pypy")),
            "%.2f" % rc if rc else "-", "%.2f" % rp if rp else "-"))
    gm = lambda xs: math.exp(sum(map(math.log, xs)) / len(xs)) if xs else float("nan")
    print("\ngeometric mean heaplab/cpython: %.2f over %d programs" % (gm(ratios_c), len(ratios_c)))
    if ratios_p:
        print("geometric mean heaplab/pypy:    %.2f over %d programs" % (gm(ratios_p), len(ratios_p)))
    for name, why in failures:
        print("not compared: %s (%s)" % (name, why))


if __name__ == "__main__":
    main()
