#!/usr/bin/env python3
"""Regenerate the expected-output (.out) files for the differential test programs.

Runs every *.py in this directory (except this script) under CPython 3.11,
with this directory as the working directory, and writes its stdout to
NAME.out. A program must exit with status 0 unless its first line is
`# expect-exit: N`, in which case it must exit with exactly status N.
Any mismatch makes this script fail loudly (and leaves that .out untouched).
"""
import os
import subprocess
import sys

if sys.version_info[:2] != (3, 11):
    sys.exit("regen.py: must run under CPython 3.11, got %s" % sys.version.split()[0])
if sys.implementation.name != "cpython":
    sys.exit("regen.py: must run under CPython, got %s" % sys.implementation.name)

HERE = os.path.dirname(os.path.abspath(__file__))
SELF = os.path.basename(os.path.abspath(__file__))


def expected_exit(path):
    with open(path, encoding="utf-8") as f:
        first = f.readline().strip()
    prefix = "# expect-exit:"
    if first.startswith(prefix):
        return int(first[len(prefix):].strip())
    return 0


def run(name, seed):
    env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [sys.executable, name],
        cwd=HERE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )


def main():
    names = sorted(n for n in os.listdir(HERE) if n.endswith(".py") and n != SELF)
    if not names:
        sys.exit("regen.py: no programs found in %s" % HERE)
    failures = []
    for name in names:
        path = os.path.join(HERE, name)
        want = expected_exit(path)
        # Run twice with different string-hash seeds: the output must not
        # depend on hash randomisation (e.g. iteration order of str sets).
        procs = [run(name, seed) for seed in ("1", "2")]
        proc = procs[0]
        if proc.returncode != want:
            failures.append(name)
            sys.stderr.write(
                "FAIL %s: exit status %d, expected %d\n--- stderr ---\n%s\n"
                % (name, proc.returncode, want, proc.stderr.decode("utf-8", "replace"))
            )
            continue
        if procs[1].returncode != proc.returncode or procs[1].stdout != proc.stdout:
            failures.append(name)
            sys.stderr.write("FAIL %s: output is not deterministic across hash seeds\n" % name)
            continue
        out_path = os.path.join(HERE, name[:-3] + ".out")
        with open(out_path, "wb") as f:
            f.write(proc.stdout)
        lines = proc.stdout.count(b"\n")
        print("ok   %-22s exit=%d  %4d lines" % (name, proc.returncode, lines))
    if failures:
        sys.exit("regen.py: %d program(s) failed: %s" % (len(failures), ", ".join(failures)))


if __name__ == "__main__":
    main()
