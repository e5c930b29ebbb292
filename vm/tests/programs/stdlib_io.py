# _io through CPython's io.py, imported unmodified: open() in text and
# binary modes (read, write, append, r+), line iteration, seek/tell,
# newline translation, encodings; StringIO and BytesIO; print(file=...).
# Temporary files are _tmp_stdlib_io* in the working directory, removed
# at the end.
import io
import os

# Runs of this program under different collectors share the directory and
# may overlap: work in a directory of this process's own.
_WORK = "_tmp_work_%d" % os.getpid()
os.mkdir(_WORK)
os.chdir(_WORK)
T = "_tmp_stdlib_io.txt"
B = "_tmp_stdlib_io.bin"

print(io.DEFAULT_BUFFER_SIZE, io.SEEK_SET, io.SEEK_CUR, io.SEEK_END)
print(issubclass(io.UnsupportedOperation, OSError), issubclass(io.UnsupportedOperation, ValueError))
print(io.open is open, io.text_encoding("utf-8"), io.text_encoding(None))

# Text write / read.
with open(T, "w", encoding="utf-8") as f:
    print(f.write("first line\n"), f.writable(), f.readable(), f.closed)
    f.write("second \u00e9t\u00e9 \u20ac\n")
    f.writelines(["third\n", "fourth"])
    print(f.name, f.mode, f.encoding)
print(f.closed)
with open(T, encoding="utf-8") as f:
    print(repr(f.read()))
with open(T, encoding="utf-8") as f:
    print([line for line in f])
with open(T, encoding="utf-8") as f:
    print(repr(f.readline()), repr(f.readline(3)), repr(f.readline()))
    print(f.readlines())
    print(repr(f.readline()), repr(f.read()))
with open(T, encoding="utf-8") as f:
    print(repr(f.read(5)), f.tell())
    f.seek(0)
    print(repr(f.read(11)), f.tell())
    f.seek(0, io.SEEK_END)
    print(repr(f.read()), f.tell())

# Many lines: iteration across buffer chunks, mixed with readline/read.
with open(T, "w", encoding="utf-8") as f:
    for i in range(200):
        f.write("row %d %s %s\n" % (i, "\u00e9" * (i % 7), "x" * 30))
with open(T, encoding="utf-8") as f:
    lines = list(f)
print(len(lines), repr(lines[0]), repr(lines[-1]), sum(len(x) for x in lines))
with open(T, encoding="utf-8") as f:
    a = f.readline()
    b = next(f)
    c = f.read(7)
    d = next(f)
    rest = f.readlines()
print(repr(a), repr(b), repr(c), repr(d), len(rest), repr(rest[-1]))
with open(T, "rb") as f:
    print(sum(1 for x in f), os.path.getsize(T))

# Append, then r+.
with open(T, "a", encoding="utf-8") as f:
    f.write("\nfifth\n")
with open(T, encoding="utf-8") as f:
    print(len(f.readlines()))
with open(T, "r+", encoding="utf-8") as f:
    f.write("FIRST")
    f.seek(0)
    print(repr(f.readline()))

# Encodings and errors.
with open(T, "w", encoding="latin-1") as f:
    f.write("caf\u00e9\n")
with open(T, "rb") as f:
    print(f.read())
with open(T, encoding="latin-1") as f:
    print(repr(f.read()))
with open(T, encoding="ascii", errors="replace") as f:
    print(repr(f.read()))
try:
    with open(T, encoding="ascii") as f:
        f.read()
except UnicodeDecodeError as e:
    print("UnicodeDecodeError", e.start, e.end)
with open(T, "w", encoding="ascii", errors="xmlcharrefreplace") as f:
    f.write("x\u20acy")
with open(T, encoding="ascii") as f:
    print(f.read())

# Newline handling.
with open(T, "w", encoding="utf-8", newline="") as f:
    f.write("a\r\nb\rc\nd")
with open(T, "rb") as f:
    print(f.read())
with open(T, encoding="utf-8") as f:
    print([line for line in f], f.newlines)
with open(T, encoding="utf-8", newline="") as f:
    print([line for line in f])
with open(T, encoding="utf-8", newline="\r") as f:
    print([line for line in f])
with open(T, "w", encoding="utf-8", newline="\r\n") as f:
    f.write("x\ny\n")
with open(T, "rb") as f:
    print(f.read())

# Binary files.
with open(B, "wb") as f:
    print(f.write(b"line1\nline2\n"), f.write(bytes(range(250, 256))), type(f).__name__)
with open(B, "rb") as f:
    print(type(f).__name__, f.readline(), f.read(3), f.tell())
    f.seek(-6, io.SEEK_END)
    print(f.read(), f.read())
    f.seek(0)
    print(list(f))
with open(B, "rb", buffering=0) as f:
    print(type(f).__name__, f.read(4), f.readall()[:4])
with open(B, "r+b") as f:
    f.seek(2)
    f.write(b"NE")
    f.seek(0)
    print(f.read(6))
    f.truncate(3)
print(os.path.getsize(B))
with open(B, "ab") as f:
    f.write(b"++")
with open(B, "rb") as f:
    print(f.read())

# Errors.
try:
    open("_tmp_no_such_dir/x.txt")
except FileNotFoundError as e:
    print("FileNotFoundError", e.errno, e.filename)
try:
    open(T, "rw")
except ValueError as e:
    print("ValueError", e)
try:
    open(T, "rb", encoding="utf-8")
except ValueError as e:
    print("ValueError", e)
f = open(T, encoding="utf-8")
f.close()
try:
    f.read()
except ValueError as e:
    print("ValueError", e)
with open(T, encoding="utf-8") as f:
    try:
        f.write("x")
    except io.UnsupportedOperation as e:
        print("UnsupportedOperation", e)

# StringIO.
s = io.StringIO()
print(s.write("hello "), s.write("world\n"), s.tell())
print(s.getvalue(), end="")
s.seek(0)
print(repr(s.read(5)), repr(s.readline()), repr(s.readline()))
s = io.StringIO("one\ntwo\nthree")
print(list(s), s.tell())
s.seek(4)
print(s.readlines())
s.seek(3)
s.write("!!")
print(repr(s.getvalue()))
print(s.truncate(5), repr(s.getvalue()), s.tell())
s.seek(0, io.SEEK_END)
print(s.tell())
s.close()
print(s.closed)
s = io.StringIO("a\r\nb\rc\n", newline=None)
print(repr(s.getvalue()), s.readlines())
s = io.StringIO(newline="")
s.write("x\r\ny\rz\n")
s.seek(0)
print(s.readlines())
print(s.readable(), s.writable(), s.seekable(), s.line_buffering)

# print() to a file object and redirected sys.stdout.
import sys
buf = io.StringIO()
print("to", "buffer", sep="-", end="!\n", file=buf)
print(repr(buf.getvalue()))
old = sys.stdout
sys.stdout = buf2 = io.StringIO()
try:
    sys.stdout.write("via sys.stdout\n")
finally:
    sys.stdout = old
print(repr(buf2.getvalue()))

# BytesIO.
b = io.BytesIO(b"abc\ndef\nghi")
print(b.read(2), b.readline(), b.tell(), list(b))
b.seek(1)
print(b.write(b"XYZ"), b.getvalue(), b.tell())
b.seek(0, io.SEEK_END)
b.write(b"++")
print(b.getvalue(), b.truncate(4), b.getvalue())
b.seek(10)
b.write(b"!")
print(b.getvalue())
b = io.BytesIO()
print(b.read(), b.getvalue(), b.readable(), b.writable(), b.seekable())
b.close()
try:
    b.getvalue()
except ValueError as e:
    print("ValueError", e)

# TextIOWrapper over BytesIO, and subclassing.
raw = io.BytesIO()
w = io.TextIOWrapper(raw, encoding="utf-8")
w.write("wrapped \u00e9\n")
w.flush()
print(raw.getvalue())
r = io.TextIOWrapper(io.BytesIO(b"l1\nl2\n"), encoding="utf-8")
print(r.readlines())


class Upper(io.StringIO):
    def write(self, s):
        return super().write(s.upper())


u = Upper()
print("shout", file=u)
print(repr(u.getvalue()), isinstance(u, io.IOBase), isinstance(u, io.TextIOBase))
print(isinstance(io.BytesIO(), io.BufferedIOBase), isinstance(open(B, "rb", buffering=0), io.RawIOBase))

os.remove(T)
os.remove(B)
print(os.path.exists(T), os.path.exists(B))

os.chdir("..")
os.rmdir(_WORK)
