"""The Python half of heaplab's native `posix` module (run in its namespace)."""

error = OSError

_have_functions = ["HAVE_FTRUNCATE", "HAVE_LSTAT"]


def _tuple_subclassing_works():
    try:
        class _T(tuple):
            pass
        t = _T((1, 2))
        return len(t) == 2 and t[1] == 2 and isinstance(t, tuple)
    except Exception:
        return False


if _tuple_subclassing_works():
    class _SeqBase(tuple):
        def __new__(cls, seq):
            return tuple.__new__(cls, seq)

        def _items(self):
            return tuple(self)
else:
    class _SeqBase:
        def __new__(cls, seq):
            self = object.__new__(cls)
            self._t = tuple(seq)
            return self

        def _items(self):
            return self._t

        def __len__(self):
            return len(self._t)

        def __getitem__(self, i):
            return self._t[i]

        def __iter__(self):
            return iter(self._t)

        def __contains__(self, x):
            return x in self._t

        def __eq__(self, other):
            if isinstance(other, _SeqBase):
                other = other._items()
            return self._t == other

        def __ne__(self, other):
            return not self == other

        def __hash__(self):
            return hash(self._t)

        def __add__(self, other):
            return self._t + tuple(other)

        def count(self, x):
            return self._t.count(x)

        def index(self, x):
            return self._t.index(x)


def _structseq(qualname, fields, n_seq, fill=None):
    """A structseq class: `fields` names every field (None: unnamed), the
    first `n_seq` are the visible tuple items."""
    modname, _, name = qualname.rpartition(".")
    n_fields = len(fields)
    extras = fields[n_seq:]
    names = [f for f in fields if f is not None]

    class S(_SeqBase):
        def __new__(cls, sequence, dict=None):
            seq = tuple(sequence)
            n = len(seq)
            if n < n_seq:
                if n_seq == n_fields:
                    raise TypeError("%s() takes a %d-sequence (%d-sequence given)"
                                    % (qualname, n_seq, n))
                raise TypeError("%s() takes an at least %d-sequence (%d-sequence given)"
                                % (qualname, n_seq, n))
            if n > n_fields:
                if n_seq == n_fields:
                    raise TypeError("%s() takes a %d-sequence (%d-sequence given)"
                                    % (qualname, n_seq, n))
                raise TypeError("%s() takes an at most %d-sequence (%d-sequence given)"
                                % (qualname, n_fields, n))
            self = _SeqBase.__new__(cls, seq[:n_seq])
            rest = list(seq[n_seq:])
            for i, f in enumerate(extras):
                if f is None:
                    continue
                if i < len(rest):
                    v = rest[i]
                elif dict is not None:
                    v = dict.get(f)
                else:
                    v = None
                if v is None and fill and f in fill:
                    v = seq[fill[f]]
                setattr(self, "_x_" + f, v)
            return self

        def __repr__(self):
            items = self._items()
            parts = ["%s=%r" % (names[i], items[i]) for i in range(n_seq)]
            return "%s(%s)" % (qualname, ", ".join(parts))

        def __reduce__(self):
            d = {f: getattr(self, f) for f in extras if f is not None}
            return (type(self), (self._items(), d))

    S.__name__ = name
    S.__qualname__ = name
    S.__module__ = modname
    S.n_sequence_fields = n_seq
    S.n_fields = n_fields
    S.n_unnamed_fields = sum(1 for f in fields if f is None)
    for i, f in enumerate(fields):
        if f is None:
            continue
        if i < n_seq:
            setattr(S, f, property(lambda self, i=i: self._items()[i]))
        else:
            setattr(S, f, property(lambda self, f=f: getattr(self, "_x_" + f)))
    return S


stat_result = _structseq(
    "os.stat_result",
    ("st_mode", "st_ino", "st_dev", "st_nlink", "st_uid", "st_gid", "st_size",
     None, None, None,
     "st_atime", "st_mtime", "st_ctime",
     "st_atime_ns", "st_mtime_ns", "st_ctime_ns",
     "st_blksize", "st_blocks", "st_rdev"),
    10, {"st_atime": 7, "st_mtime": 8, "st_ctime": 9})

terminal_size = _structseq("os.terminal_size", ("columns", "lines"), 2)
uname_result = _structseq(
    "posix.uname_result",
    ("sysname", "nodename", "release", "version", "machine"), 5)
times_result = _structseq(
    "posix.times_result",
    ("user", "system", "children_user", "children_system", "elapsed"), 5)


def _make_stat(raw):
    # raw: mode ino dev nlink uid gid size, float a/m/ctime, ns a/m/ctime,
    # blksize blocks rdev
    return stat_result(raw[:7] + (int(raw[7]), int(raw[8]), int(raw[9])) + raw[7:])


def stat(path, *, dir_fd=None, follow_symlinks=True):
    return _make_stat(_stat(path, follow_symlinks))


def lstat(path, *, dir_fd=None):
    return _make_stat(_stat(path, False))


def fstat(fd):
    return _make_stat(_fstat(fd))


def uname():
    return uname_result(_uname())


def times():
    return times_result(_times())


def get_terminal_size(fd=1):
    return terminal_size(_get_terminal_size(fd))


def truncate(path, length):
    if isinstance(path, int):
        return ftruncate(path, length)
    fd = open(path, O_WRONLY)
    try:
        ftruncate(fd, length)
    finally:
        close(fd)


def fspath(path):
    """Return the file system path representation of the object."""
    if isinstance(path, (str, bytes)):
        return path
    path_type = type(path)
    try:
        path_repr = path_type.__fspath__(path)
    except AttributeError:
        if hasattr(path_type, "__fspath__"):
            raise
        raise TypeError("expected str, bytes or os.PathLike object, not "
                        + path_type.__name__)
    if isinstance(path_repr, (str, bytes)):
        return path_repr
    raise TypeError("expected {}.__fspath__() to return str or bytes, not {}"
                    .format(path_type.__name__, type(path_repr).__name__))


def device_encoding(fd):
    if isatty(fd):
        return "utf-8"
    return None


def waitstatus_to_exitcode(status):
    if not isinstance(status, int):
        status = status.__index__()
    if WIFEXITED(status):
        return WEXITSTATUS(status)
    if WIFSIGNALED(status):
        return -WTERMSIG(status)
    if WIFSTOPPED(status):
        raise ValueError("process stopped by delivery of signal %i"
                         % WSTOPSIG(status))
    raise ValueError("invalid wait status: %i" % status)


def WIFEXITED(status):
    return status & 0x7f == 0


def WEXITSTATUS(status):
    return (status >> 8) & 0xff


def WIFSIGNALED(status):
    return status & 0x7f not in (0, 0x7f)


def WTERMSIG(status):
    return status & 0x7f


def WIFSTOPPED(status):
    return status & 0xff == 0x7f


def WSTOPSIG(status):
    return (status >> 8) & 0xff


def WCOREDUMP(status):
    return bool(status & 0x80)


def WIFCONTINUED(status):
    return status & 0xffff == 0xffff


def _env_bytes(s):
    s = fspath(s)
    if isinstance(s, str):
        return s.encode("utf-8", "surrogateescape")
    return s


def execve(path, argv, env):
    env_list = []
    for k, v in env.items():
        k = _env_bytes(k)
        if not k or b"=" in k[1:]:
            raise ValueError("illegal environment variable name")
        env_list.append(k + b"=" + _env_bytes(v))
    _execve(path, argv, env_list)


class DirEntry:
    """An entry yielded by `scandir`."""

    def __init__(self, dirpath, name):
        self.name = name
        if dirpath is None:
            self.path = name
        else:
            sep = b"/" if isinstance(name, bytes) else "/"
            if dirpath.endswith(sep):
                self.path = dirpath + name
            else:
                self.path = dirpath + sep + name
        self._stat = None
        self._lstat = None

    def __repr__(self):
        return "<DirEntry %r>" % (self.name,)

    def __fspath__(self):
        return self.path

    def stat(self, *, follow_symlinks=True):
        if follow_symlinks:
            if self._stat is None:
                if self.is_symlink():
                    self._stat = stat(self.path)
                else:
                    self._stat = self.stat(follow_symlinks=False)
            return self._stat
        if self._lstat is None:
            self._lstat = lstat(self.path)
        return self._lstat

    def _mode(self, follow_symlinks):
        try:
            return self.stat(follow_symlinks=follow_symlinks).st_mode
        except FileNotFoundError:
            return 0

    def is_dir(self, *, follow_symlinks=True):
        return self._mode(follow_symlinks) & 0o170000 == 0o040000

    def is_file(self, *, follow_symlinks=True):
        return self._mode(follow_symlinks) & 0o170000 == 0o100000

    def is_symlink(self):
        return self._mode(False) & 0o170000 == 0o120000

    def inode(self):
        return self.stat(follow_symlinks=False).st_ino


class ScandirIterator:
    def __init__(self, dirpath, names):
        self._dirpath = dirpath
        self._names = names
        self._i = 0

    def __iter__(self):
        return self

    def __next__(self):
        if self._names is None or self._i >= len(self._names):
            raise StopIteration
        name = self._names[self._i]
        self._i += 1
        return DirEntry(self._dirpath, name)

    def close(self):
        self._names = None

    def __enter__(self):
        return self

    def __exit__(self, *args):
        self.close()
        return False


def scandir(path=None):
    if path is None:
        return ScandirIterator(None, listdir("."))
    path = fspath(path)
    return ScandirIterator(path, listdir(path))


environ = _environ()
