"""stringprep (frozen in heaplab): runs CPython's own Lib/stringprep.py from
the stdlib on sys.path, without its opening `assert
unicodedata.unidata_version == '14.0.0'`.

That assertion only checks that the file's tables were generated against
the interpreter's Unicode version; heaplab's unicodedata is a newer Unicode
(see unicodedata.unidata_version). The tables stringprep uses are those of
RFC 3454 over Unicode 3.2.0, which heaplab's unicodedata.ucd_3_2_0 answers.
"""


def _run_stdlib_stringprep(namespace):
    import os
    import sys
    check = "assert unicodedata.unidata_version == '14.0.0'\n"
    for directory in sys.path:
        path = os.path.join(directory or ".", "stringprep.py")
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as f:
                source = f.read()
            namespace["__file__"] = path
            exec(source.replace(check, "", 1), namespace)
            return
    raise ImportError("No module named 'stringprep'", name="stringprep")


_run_stdlib_stringprep(globals())
del _run_stdlib_stringprep
