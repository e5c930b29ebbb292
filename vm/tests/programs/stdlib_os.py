# posix/errno through CPython's os.py, posixpath.py, genericpath.py and
# stat.py, imported unmodified: stat results, directory listing and walking,
# fd-level I/O, errors with errno/filename, environ. Files are created only
# under _tmp_stdlib_os* in the working directory and removed again.
import errno
import os
import stat

# Per process: runs under different collectors share this directory.
TMP = "_tmp_stdlib_os_%d" % os.getpid()


def cleanup():
    if os.path.isdir(TMP):
        for root, dirs, files in os.walk(TMP, topdown=False):
            for f in files:
                os.unlink(os.path.join(root, f))
            for d in dirs:
                os.rmdir(os.path.join(root, d))
        os.rmdir(TMP)


cleanup()

# Module surface.
print(os.name, os.sep, os.curdir, os.pardir, os.extsep, os.linesep == "\n")
import posixpath
print(os.path is posixpath)
print(os.SEEK_SET, os.SEEK_CUR, os.SEEK_END, os.F_OK, os.R_OK, os.W_OK, os.X_OK)
print(os.O_RDONLY, os.O_WRONLY, os.O_RDWR, bool(os.O_CREAT), bool(os.O_TRUNC))
print(errno.ENOENT, errno.EEXIST, errno.errorcode[errno.ENOENT], errno.errorcode[11])
print(os.error is OSError, callable(os.fspath), callable(os.scandir))
print(isinstance(os.getcwd(), str), isinstance(os.getcwdb(), bytes))
print(os.path.isabs(os.getcwd()), isinstance(os.getpid(), int))
print(os.strerror(errno.ENOENT))
print(type(os.cpu_count()).__name__)
print(len(os.urandom(16)), os.urandom(0))
print(isinstance(os.uname().sysname, str), len(os.times()) == 5)

# posixpath (pure Python over these natives).
print(os.path.join("a", "b", "c.txt"), os.path.split("a/b/c.txt"))
print(os.path.splitext("x/y.tar.gz"), os.path.basename("/p/q"), os.path.dirname("/p/q"))
print(os.path.normpath("a//b/../c/./d"), os.path.abspath(".") == os.getcwd())
print(os.path.exists("stdlib_os.py"), os.path.isfile("stdlib_os.py"), os.path.isdir("."))
print(os.path.exists("no_such_file_here"), os.path.isfile("."))

# Directories and files.
os.mkdir(TMP)
os.mkdir(os.path.join(TMP, "sub"))
for name, data in [("a.txt", b"alpha\n"), ("b.bin", bytes(range(10))),
                   ("sub/c.txt", b"gamma gamma\n")]:
    fd = os.open(os.path.join(TMP, name), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    print("wrote", name, os.write(fd, data))
    os.close(fd)
print(sorted(os.listdir(TMP)))
print(sorted(os.listdir(os.fsencode(TMP))))

st = os.stat(os.path.join(TMP, "b.bin"))
print(st.st_size, st[stat.ST_SIZE], len(st), stat.S_ISREG(st.st_mode), stat.S_ISDIR(st.st_mode))
print(type(st.st_mtime).__name__, type(st[stat.ST_MTIME]).__name__, type(st.st_mtime_ns).__name__)
print(stat.S_ISDIR(os.stat(TMP).st_mode), stat.S_IMODE(st.st_mode) & 0o600 == 0o600)
print(os.path.getsize(os.path.join(TMP, "a.txt")), os.lstat(os.path.join(TMP, "a.txt")).st_size)
print(os.access(os.path.join(TMP, "a.txt"), os.R_OK), os.access("no_such_file_here", os.F_OK))

# Reading back with lseek.
fd = os.open(os.path.join(TMP, "a.txt"), os.O_RDONLY)
print(os.read(fd, 3), os.lseek(fd, 0, os.SEEK_CUR), os.read(fd, 100), os.read(fd, 100))
print(os.lseek(fd, 1, os.SEEK_SET), os.read(fd, 2), os.fstat(fd).st_size, os.isatty(fd))
os.close(fd)

# scandir / DirEntry / walk.
with os.scandir(TMP) as it:
    entries = sorted(it, key=lambda e: e.name)
for e in entries:
    print(e.name, e.path == os.path.join(TMP, e.name), e.is_dir(), e.is_file(), e.is_symlink())
print(repr(entries[0]))
for root, dirs, files in os.walk(TMP):
    dirs.sort()
    print(root.replace(TMP, "TMP"), sorted(dirs), sorted(files))

# rename / replace / remove.
os.rename(os.path.join(TMP, "a.txt"), os.path.join(TMP, "a2.txt"))
os.replace(os.path.join(TMP, "b.bin"), os.path.join(TMP, "a2.txt"))
print(sorted(os.listdir(TMP)), os.path.getsize(os.path.join(TMP, "a2.txt")))
os.remove(os.path.join(TMP, "a2.txt"))
print(sorted(os.listdir(TMP)))

# Errors: the OSError subclass, errno, strerror and filename.
def err(f, *args):
    try:
        f(*args)
    except OSError as e:
        name = e.filename.replace(TMP, "TMP") if isinstance(e.filename, str) else e.filename
        print(type(e).__name__, e.errno, errno.errorcode[e.errno], e.strerror,
              name, isinstance(e, OSError))
    else:
        print("no error")

err(os.stat, "no_such_file_here")
err(os.listdir, "no_such_dir_here")
err(os.mkdir, TMP)
err(os.rmdir, os.path.join(TMP, "sub"))
err(os.open, "no_such_file_here", os.O_RDONLY)
err(os.unlink, "no_such_file_here")
err(os.read, 9999, 1)
err(os.close, 9999)
err(os.listdir, "stdlib_os.py")
try:
    os.stat(42.5)
except TypeError as e:
    print("TypeError")

# fspath and PathLike.
class P:
    def __init__(self, p):
        self.p = p

    def __fspath__(self):
        return self.p

print(os.fspath("x"), os.fspath(b"y"), os.fspath(P("z")))
print(os.path.exists(P("stdlib_os.py")), os.stat(P(TMP)).st_mode == os.stat(TMP).st_mode)
try:
    os.fspath(3)
except TypeError as e:
    print(e)

# environ: str view over the bytes environment.
os.environ["HEAPLAB_TEST_VAR"] = "value1"
print(os.environ["HEAPLAB_TEST_VAR"], os.environ.get("HEAPLAB_TEST_VAR"), os.getenv("HEAPLAB_TEST_VAR"))
print("HEAPLAB_TEST_VAR" in os.environ, os.environb[b"HEAPLAB_TEST_VAR"])
del os.environ["HEAPLAB_TEST_VAR"]
print(os.environ.get("HEAPLAB_TEST_VAR", "gone"), os.getenv("HEAPLAB_NOT_SET_ANYWHERE"))

# stat_result is a structseq.
r = os.stat_result((1, 2, 3, 4, 5, 6, 7, 8, 9, 10))
print(r.st_mode, r.st_size, r[7], r.st_atime, tuple(r)[:3], len(r))
print(r == (1, 2, 3, 4, 5, 6, 7, 8, 9, 10))
ts = os.terminal_size((80, 24))
print(ts.columns, ts.lines, ts, tuple(ts))

cleanup()
print(os.path.exists(TMP))
