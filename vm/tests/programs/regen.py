#!/usr/bin/env python3
"""Regenerate the expected-output (.out) files for the differential test programs.

Runs every *.py in this directory and in finalization/ (except this script)
under CPython 3.11, with the program's directory as the working directory,
twice with different PYTHONHASHSEEDs (the output must not depend on hash
randomisation), and writes its stdout to NAME.out. A program must exit with
status 0 unless its first line is `# expect-exit: N`.

Exception: a program with the marker comment `# expected-output: model` on
line 1 or 2 (line 2 when line 1 is `# expect-exit: N`) has a hand-written
NAME.out derived from the finalization model (/work/shared/SEMANTICS.md),
because the point it tests is one where CPython deliberately differs. For
such a program this script never writes the .out: it runs the program under
CPython and prints a diff between the committed model output and CPython's
output (informational; the program's comments say why they differ).

Usage: python3 regen.py [--check] [NAME.py | finalization/NAME.py ...]
  --check   write nothing; fail if a CPython-derived .out is out of date.
"""
import difflib
import os
import subprocess
import sys

if sys.version_info[:2] != (3, 11):
    sys.exit("regen.py: must run under CPython 3.11, got %s" % sys.version.split()[0])
if sys.implementation.name != "cpython":
    sys.exit("regen.py: must run under CPython, got %s" % sys.implementation.name)

HERE = os.path.dirname(os.path.abspath(__file__))
SELF = os.path.basename(os.path.abspath(__file__))
SUBDIRS = ["", "finalization"]
MODEL_MARKER = "# expected-output: model"


def header(path):
    """(expected exit status, uses model output) from the first two lines."""
    with open(path, encoding="utf-8") as f:
        lines = [f.readline().strip() for _ in range(2)]
    want = 0
    prefix = "# expect-exit:"
    if lines[0].startswith(prefix):
        want = int(lines[0][len(prefix):].strip())
        model = lines[1] == MODEL_MARKER
    else:
        model = lines[0] == MODEL_MARKER or lines[1] == MODEL_MARKER
    return want, model


def run(name, seed):
    env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [sys.executable, os.path.basename(name)],
        cwd=os.path.join(HERE, os.path.dirname(name)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )


def model_report(name, want, procs):
    """Compare CPython's output with the committed model output; never write."""
    out_path = os.path.join(HERE, name[:-3] + ".out")
    if not os.path.exists(out_path):
        sys.stderr.write("FAIL %s: model program without a hand-written %s\n"
                         % (name, os.path.basename(out_path)))
        return False
    with open(out_path, "rb") as f:
        model = f.read().decode("utf-8")
    proc = procs[0]
    notes = []
    if proc.returncode != want:
        notes.append("CPython exit status %d, expected %d" % (proc.returncode, want))
    if procs[1].stdout != proc.stdout:
        notes.append("CPython's output differs between hash seeds")
    cpython = proc.stdout.decode("utf-8", "replace")
    diff = list(difflib.unified_diff(
        model.splitlines(keepends=True), cpython.splitlines(keepends=True),
        fromfile=name[:-3] + ".out (model)", tofile="CPython 3.11"))
    status = "same as CPython" if not diff else "differs from CPython (%d diff lines)" % len(diff)
    print("model %-40s %s%s" % (name, status, "".join("; " + n for n in notes)))
    for line in diff:
        sys.stdout.write("      | " + line if line.endswith("\n") else "      | " + line + "\n")
    return True


def main():
    args = sys.argv[1:]
    check = "--check" in args
    args = [a for a in args if a != "--check"]
    names = sorted(
        os.path.join(d, n)
        for d in SUBDIRS
        for n in os.listdir(os.path.join(HERE, d))
        if n.endswith(".py") and n != SELF
    )
    if args:
        unknown = [a for a in args if a not in names]
        if unknown:
            sys.exit("regen.py: no such program(s): %s" % ", ".join(unknown))
        names = [n for n in names if n in args]
    if not names:
        sys.exit("regen.py: no programs found in %s" % HERE)
    failures = []
    for name in names:
        path = os.path.join(HERE, name)
        want, model = header(path)
        # Run twice with different string-hash seeds: the output must not
        # depend on hash randomisation (e.g. iteration order of str sets).
        procs = [run(name, seed) for seed in ("1", "2")]
        if model:
            if not model_report(name, want, procs):
                failures.append(name)
            continue
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
        lines = proc.stdout.count(b"\n")
        if check:
            old = None
            if os.path.exists(out_path):
                with open(out_path, "rb") as f:
                    old = f.read()
            if old != proc.stdout:
                failures.append(name)
                sys.stderr.write("FAIL %s: %s is out of date\n" % (name, os.path.basename(out_path)))
                continue
            print("ok    %-40s exit=%d  %4d lines (up to date)" % (name, proc.returncode, lines))
            continue
        with open(out_path, "wb") as f:
            f.write(proc.stdout)
        print("ok    %-40s exit=%d  %4d lines" % (name, proc.returncode, lines))
    if failures:
        sys.exit("regen.py: %d program(s) failed: %s" % (len(failures), ", ".join(failures)))


if __name__ == "__main__":
    main()
