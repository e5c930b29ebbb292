"""The Python half of heaplab's native `_io` module (run in its namespace):
files over the `posix` fd primitives, buffered streams, text wrappers,
`StringIO` and `BytesIO`, following CPython's `_io` behaviour."""

import posix as _posix
import _codecs
import _weakref

# Writable streams still open, flushed at exit (CPython flushes unclosed
# files when they die or at shutdown): serial -> weak reference.
_writers = {}
_writer_serial = [0]


def _flush_writers():
    for r in list(_writers.values()):
        stream = r()
        if stream is not None:
            try:
                if not stream.closed:
                    stream.flush()
            except Exception:
                pass


def _track_writer(stream):
    n = _writer_serial[0]
    if n == 0:
        import atexit
        atexit.register(_flush_writers)
    _writer_serial[0] = n + 1
    _writers[n] = _weakref.ref(stream, lambda r, n=n: _writers.pop(n, None))

DEFAULT_BUFFER_SIZE = 8192

_SEEK_SET, _SEEK_CUR, _SEEK_END = 0, 1, 2


class UnsupportedOperation(OSError, ValueError):
    pass


try:
    BlockingIOError = BlockingIOError
except NameError:
    class BlockingIOError(OSError):
        pass


def _probe_find_start():
    try:
        return b"a\na".find(b"\n", 1) == 1 and bytearray(b"a\na").find(b"\n", 1) == 1
    except TypeError:
        return False


if _probe_find_start():
    def _bfind(buf, sub, start):
        return buf.find(sub, start)
else:
    def _bfind(buf, sub, start):
        if start <= 0:
            return buf.find(sub)
        i = buf[start:].find(sub)
        return i if i < 0 else i + start


def _assign_into(b, data):
    """b[:len(data)] = data, for a writable buffer b."""
    n = len(data)
    try:
        b[:n] = data
    except TypeError:
        for i in range(n):
            b[i] = data[i]
    return n


def _unsupported(name):
    raise UnsupportedOperation(name)


def text_encoding(encoding, stacklevel=2):
    if encoding is None:
        return "locale"
    return encoding


def _as_int(x, what="argument"):
    if isinstance(x, int):
        return x
    try:
        return x.__index__()
    except AttributeError:
        raise TypeError("%s should be integer or None, not '%s'"
                        % (what, type(x).__name__)) from None


def _size_arg(size):
    if size is None:
        return -1
    return _as_int(size)


class _IOBase:
    """The abstract base class of all I/O classes."""

    _io_closed = False

    def seek(self, pos, whence=0):
        _unsupported("seek")

    def tell(self):
        return self.seek(0, 1)

    def truncate(self, pos=None):
        _unsupported("truncate")

    def flush(self):
        self._checkClosed()

    def close(self):
        if not self._io_closed:
            try:
                self.flush()
            finally:
                self._io_closed = True

    @property
    def closed(self):
        return self._io_closed

    def seekable(self):
        return False

    def readable(self):
        return False

    def writable(self):
        return False

    def _checkClosed(self, msg=None):
        if self.closed:
            raise ValueError("I/O operation on closed file." if msg is None else msg)

    def _checkSeekable(self, msg=None):
        if not self.seekable():
            raise UnsupportedOperation("File or stream is not seekable."
                                       if msg is None else msg)

    def _checkReadable(self, msg=None):
        if not self.readable():
            raise UnsupportedOperation("File or stream is not readable."
                                       if msg is None else msg)

    def _checkWritable(self, msg=None):
        if not self.writable():
            raise UnsupportedOperation("File or stream is not writable."
                                       if msg is None else msg)

    def __enter__(self):
        self._checkClosed()
        return self

    def __exit__(self, *args):
        self.close()

    def fileno(self):
        _unsupported("fileno")

    def isatty(self):
        self._checkClosed()
        return False

    def readline(self, size=-1):
        size = _size_arg(size)
        res = bytearray()
        while size < 0 or len(res) < size:
            b = self.read(1)
            if not b:
                break
            res += b
            if res.endswith(b"\n"):
                break
        return bytes(res)

    def __iter__(self):
        self._checkClosed()
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def readlines(self, hint=None):
        if hint is None or hint <= 0:
            return list(self)
        n = 0
        lines = []
        for line in self:
            lines.append(line)
            n += len(line)
            if n >= hint:
                break
        return lines

    def writelines(self, lines):
        self._checkClosed()
        for line in lines:
            self.write(line)

    def _dealloc_close(self):
        try:
            if not self.closed:
                self.close()
        except Exception:
            pass


class _RawIOBase(_IOBase):
    """Base class for raw binary I/O."""

    def read(self, size=-1):
        size = _size_arg(size)
        if size < 0:
            return self.readall()
        b = bytearray(size)
        n = self.readinto(b)
        if n is None:
            return None
        return bytes(b[:n])

    def readall(self):
        res = bytearray()
        while True:
            data = self.read(DEFAULT_BUFFER_SIZE)
            if not data:
                break
            res += data
        return bytes(res)

    def readinto(self, b):
        _unsupported("readinto")

    def write(self, b):
        _unsupported("write")


class FileIO(_RawIOBase):
    """Raw file I/O on an OS file descriptor."""

    _fileno = -1

    def __init__(self, file, mode="r", closefd=True, opener=None):
        if self._fileno >= 0:
            try:
                if self._closefd:
                    _posix.close(self._fileno)
            finally:
                self._fileno = -1
        if isinstance(file, float):
            raise TypeError("integer argument expected, got float")
        if isinstance(file, int):
            fd = file
            if fd < 0:
                raise ValueError("negative file descriptor")
        else:
            fd = -1
        if not isinstance(mode, str):
            raise TypeError("invalid mode: %s" % (mode,))
        if not set(mode) <= set("xrwab+"):
            raise ValueError("invalid mode: %s" % (mode,))
        if sum(c in "rwax" for c in mode) != 1 or mode.count("+") > 1:
            raise ValueError("Must have exactly one of create/read/write/append "
                             "mode and at most one plus")
        self._created = self._readable = self._writable = self._appending = False
        if "x" in mode:
            self._created = True
            self._writable = True
            flags = _posix.O_EXCL | _posix.O_CREAT
        elif "r" in mode:
            self._readable = True
            flags = 0
        elif "w" in mode:
            self._writable = True
            flags = _posix.O_CREAT | _posix.O_TRUNC
        else:
            self._writable = True
            self._appending = True
            flags = _posix.O_APPEND | _posix.O_CREAT
        if "+" in mode:
            self._readable = True
            self._writable = True
        if self._readable and self._writable:
            flags |= _posix.O_RDWR
        elif self._readable:
            flags |= _posix.O_RDONLY
        else:
            flags |= _posix.O_WRONLY
        self._closefd = closefd
        if fd < 0:
            if not closefd:
                raise ValueError("Cannot use closefd=False with file name")
            if opener is None:
                fd = _posix.open(file, flags, 0o666)
            else:
                fd = opener(file, flags)
                if not isinstance(fd, int):
                    raise TypeError("expected integer from opener")
                if fd < 0:
                    raise OSError("Negative file descriptor")
        try:
            st = _posix.fstat(fd)
            if st.st_mode & 0o170000 == 0o040000:
                raise IsADirectoryError(21, "Is a directory", file)
        except Exception:
            if fd != file:
                _posix.close(fd)
            raise
        self._blksize = getattr(st, "st_blksize", 0) or DEFAULT_BUFFER_SIZE
        self.name = file
        self._fileno = fd
        self._io_closed = False
        if self._appending:
            try:
                _posix.lseek(fd, 0, _SEEK_END)
            except OSError:
                pass

    def __del__(self):
        if self._fileno >= 0 and self._closefd and not self.closed:
            try:
                _posix.close(self._fileno)
            except OSError:
                pass
            self._fileno = -1

    def _checkClosed(self, msg=None):
        if self._fileno < 0:
            raise ValueError("I/O operation on closed file" if msg is None else msg)

    @property
    def closed(self):
        return self._fileno < 0

    @property
    def closefd(self):
        return self._closefd

    @property
    def mode(self):
        if self._created:
            return "xb+" if self._readable else "xb"
        if self._appending:
            return "ab+" if self._readable else "ab"
        if self._readable:
            return "rb+" if self._writable else "rb"
        return "wb"

    def __repr__(self):
        cls = "_io.FileIO"
        if self.closed:
            return "<%s [closed]>" % cls
        try:
            name = self.name
        except AttributeError:
            return "<%s fd=%d mode=%r closefd=%r>" % (cls, self._fileno, self.mode, self._closefd)
        return "<%s name=%r mode=%r closefd=%r>" % (cls, name, self.mode, self._closefd)

    def read(self, size=-1):
        self._checkClosed()
        self._checkReadable("File not open for reading")
        size = _size_arg(size)
        if size < 0:
            return self.readall()
        return _posix.read(self._fileno, size)

    def readall(self):
        self._checkClosed()
        self._checkReadable("File not open for reading")
        chunks = []
        while True:
            data = _posix.read(self._fileno, 65536)
            if not data:
                break
            chunks.append(data)
        return b"".join(chunks)

    def readinto(self, b):
        return _assign_into(b, self.read(len(b)))

    def write(self, b):
        self._checkClosed()
        self._checkWritable("File not open for writing")
        return _posix.write(self._fileno, b)

    def seek(self, pos, whence=_SEEK_SET):
        if isinstance(pos, float):
            raise TypeError("an integer is required")
        self._checkClosed()
        return _posix.lseek(self._fileno, pos, whence)

    def tell(self):
        self._checkClosed()
        return _posix.lseek(self._fileno, 0, _SEEK_CUR)

    def truncate(self, size=None):
        self._checkClosed()
        self._checkWritable("File not open for writing")
        if size is None:
            size = self.tell()
        _posix.ftruncate(self._fileno, size)
        return size

    def close(self):
        if not self.closed:
            try:
                if self._closefd:
                    _posix.close(self._fileno)
            finally:
                self._fileno = -1

    def seekable(self):
        self._checkClosed()
        if not hasattr(self, "_seekable"):
            try:
                _posix.lseek(self._fileno, 0, _SEEK_CUR)
                self._seekable = True
            except OSError:
                self._seekable = False
        return self._seekable

    def readable(self):
        self._checkClosed()
        return self._readable

    def writable(self):
        self._checkClosed()
        return self._writable

    def fileno(self):
        self._checkClosed()
        return self._fileno

    def isatty(self):
        self._checkClosed()
        return _posix.isatty(self._fileno)


class _BufferedIOBase(_IOBase):
    """Base class for buffered binary I/O."""

    def read(self, size=-1):
        _unsupported("read")

    def read1(self, size=-1):
        return self.read(size)

    def write(self, b):
        _unsupported("write")

    def readinto(self, b):
        return _assign_into(b, self.read(len(b)))

    def readinto1(self, b):
        return _assign_into(b, self.read1(len(b)))

    def detach(self):
        _unsupported("detach")


class _Buffered(_BufferedIOBase):
    """Shared implementation of BufferedReader/Writer/Random: a read buffer
    (`_rbuf[_rpos:]` is unread data) and a write buffer (`_wbuf`); at most
    one of them is non-empty."""

    def __init__(self, raw, buffer_size=DEFAULT_BUFFER_SIZE):
        if buffer_size <= 0:
            raise ValueError("buffer size must be strictly positive")
        self.raw = raw
        self.buffer_size = buffer_size
        self._rbuf = b""
        self._rpos = 0
        self._wbuf = bytearray()
        self._detached = False
        if raw.writable():
            _track_writer(self)

    def __del__(self):
        self._dealloc_close()

    def _check_raw(self):
        if self._detached:
            raise ValueError("raw stream has been detached")

    @property
    def closed(self):
        if self._detached:
            raise ValueError("raw stream has been detached")
        return self.raw.closed

    @property
    def name(self):
        return self.raw.name

    @property
    def mode(self):
        return self.raw.mode

    def __repr__(self):
        cls = "_io." + type(self).__name__
        try:
            name = self.name
        except Exception:
            return "<%s>" % cls
        return "<%s name=%r>" % (cls, name)

    def fileno(self):
        return self.raw.fileno()

    def isatty(self):
        return self.raw.isatty()

    def seekable(self):
        self._check_raw()
        return self.raw.seekable()

    def readable(self):
        self._check_raw()
        return self.raw.readable()

    def writable(self):
        self._check_raw()
        return self.raw.writable()

    def detach(self):
        self._check_raw()
        self.flush()
        raw = self.raw
        self._detached = True
        return raw

    def close(self):
        self._check_raw()
        if self.raw.closed:
            return
        try:
            self.flush()
        finally:
            self.raw.close()

    # -- writing
    def _flush_writes(self):
        while self._wbuf:
            n = self.raw.write(bytes(self._wbuf))
            if n is None:
                raise BlockingIOError(11, "write could not complete without blocking", 0)
            self._wbuf = self._wbuf[n:]

    def _drop_reads(self):
        """Undo read-ahead: move the raw position back to the logical one."""
        if self._rpos < len(self._rbuf):
            self.raw.seek(self._rpos - len(self._rbuf), _SEEK_CUR)
        self._rbuf = b""
        self._rpos = 0

    def flush(self):
        self._check_raw()
        if self.raw.closed:
            raise ValueError("flush on closed file" if self._wbuf or self.writable()
                             else "I/O operation on closed file.")
        self._flush_writes()

    def write(self, b):
        self._check_raw()
        if self.raw.closed:
            raise ValueError("write to closed file")
        if isinstance(b, str):
            raise TypeError("a bytes-like object is required, not 'str'")
        self._checkWritable()
        if self._rbuf:
            self._drop_reads()
        n = len(b)
        self._wbuf += b
        if len(self._wbuf) >= self.buffer_size:
            self._flush_writes()
        return n

    # -- reading
    def _fill(self, want):
        """Read from raw until at least `want` bytes are buffered (or EOF)."""
        if self._wbuf:
            self._flush_writes()
        have = len(self._rbuf) - self._rpos
        chunks = [self._rbuf[self._rpos:]] if have else []
        while have < want:
            data = self.raw.read(max(self.buffer_size, want - have))
            if not data:
                break
            chunks.append(data)
            have += len(data)
        self._rbuf = b"".join(chunks)
        self._rpos = 0
        return have

    def read(self, size=-1):
        self._check_raw()
        self._checkClosed()
        self._checkReadable()
        size = _size_arg(size)
        if size < 0:
            if self._wbuf:
                self._flush_writes()
            rest = self._rbuf[self._rpos:]
            self._rbuf = b""
            self._rpos = 0
            readall = getattr(self.raw, "readall", None)
            if readall is not None:
                data = readall()
                return rest + data if data else rest
            # A raw stream without readall (tarfile's _FileInFile): read
            # until EOF, as CPython's _bufferedreader_read_all does.
            chunks = [rest]
            while True:
                data = self.raw.read()
                if data is None:
                    return b"".join(chunks) if any(chunks) else None
                if not data:
                    return b"".join(chunks)
                chunks.append(data)
        if len(self._rbuf) - self._rpos < size:
            self._fill(size)
        p = self._rpos
        out = self._rbuf[p:p + size]
        self._rpos = p + len(out)
        return out

    def read1(self, size=-1):
        self._checkClosed()
        size = _size_arg(size)
        if self._rpos >= len(self._rbuf):
            self._fill(1)
        if size < 0:
            size = len(self._rbuf) - self._rpos
        p = self._rpos
        out = self._rbuf[p:p + size]
        self._rpos = p + len(out)
        return out

    def peek(self, size=0):
        self._checkClosed()
        if self._rpos >= len(self._rbuf):
            self._fill(1)
        return self._rbuf[self._rpos:]

    def readline(self, size=-1):
        self._checkClosed()
        self._checkReadable()
        size = _size_arg(size)
        chunks = []
        got = 0
        while True:
            if self._rpos >= len(self._rbuf):
                if self._fill(1) == 0:
                    break
            buf = self._rbuf
            p = self._rpos
            i = _bfind(buf, b"\n", p)
            end = len(buf) if i < 0 else i + 1
            if size >= 0 and end - p > size - got:
                end = p + size - got
            chunks.append(buf[p:end])
            got += end - p
            self._rpos = end
            if (i >= 0 and end == i + 1) or (size >= 0 and got >= size):
                break
        return b"".join(chunks)

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    # -- positioning
    def tell(self):
        pos = self.raw.tell()
        if self._wbuf:
            return pos + len(self._wbuf)
        return pos - (len(self._rbuf) - self._rpos)

    def seek(self, pos, whence=0):
        if whence not in (0, 1, 2):
            raise ValueError("whence value %r unsupported" % (whence,))
        self._checkClosed()
        if self._wbuf:
            self._flush_writes()
        if whence == 1:
            pos -= len(self._rbuf) - self._rpos
        self._rbuf = b""
        self._rpos = 0
        return self.raw.seek(pos, whence)

    def truncate(self, pos=None):
        self._checkClosed()
        self._checkWritable()
        self.flush()
        if pos is None:
            pos = self.tell()
        if self._rbuf:
            self._drop_reads()
        return self.raw.truncate(pos)


class BufferedReader(_Buffered):
    """A buffer for a readable raw stream."""

    def __init__(self, raw, buffer_size=DEFAULT_BUFFER_SIZE):
        if not raw.readable():
            raise OSError('"raw" argument must be readable.')
        _Buffered.__init__(self, raw, buffer_size)

    def write(self, b):
        _unsupported("write")


class BufferedWriter(_Buffered):
    """A buffer for a writeable raw stream."""

    def __init__(self, raw, buffer_size=DEFAULT_BUFFER_SIZE):
        if not raw.writable():
            raise OSError('"raw" argument must be writable.')
        _Buffered.__init__(self, raw, buffer_size)

    def read(self, size=-1):
        _unsupported("read")


class BufferedRandom(_Buffered):
    """A buffered interface to random access streams."""

    def __init__(self, raw, buffer_size=DEFAULT_BUFFER_SIZE):
        raw._checkSeekable()
        _Buffered.__init__(self, raw, buffer_size)


class BufferedRWPair(_BufferedIOBase):
    """A buffered reader and writer object together."""

    def __init__(self, reader, writer, buffer_size=DEFAULT_BUFFER_SIZE):
        self.reader = BufferedReader(reader, buffer_size)
        self.writer = BufferedWriter(writer, buffer_size)

    def read(self, size=-1):
        return self.reader.read(size)

    def readinto(self, b):
        return self.reader.readinto(b)

    def write(self, b):
        return self.writer.write(b)

    def peek(self, size=0):
        return self.reader.peek(size)

    def read1(self, size=-1):
        return self.reader.read1(size)

    def readable(self):
        return self.reader.readable()

    def writable(self):
        return self.writer.writable()

    def flush(self):
        return self.writer.flush()

    def close(self):
        try:
            self.writer.close()
        finally:
            self.reader.close()

    def isatty(self):
        return self.reader.isatty() or self.writer.isatty()

    @property
    def closed(self):
        return self.writer.closed


class BytesIO(_BufferedIOBase):
    """Buffered I/O implementation using an in-memory bytes buffer."""

    def __init__(self, initial_bytes=None):
        buf = bytearray()
        if initial_bytes is not None:
            buf += initial_bytes
        self._buffer = buf
        self._pos = 0
        self._io_closed = False

    def __getstate__(self):
        self._checkClosed()
        return (self.getvalue(), self._pos, getattr(self, "__dict__", None))

    def getvalue(self):
        self._checkClosed()
        return bytes(self._buffer)

    def getbuffer(self):
        self._checkClosed()
        return self._buffer

    def close(self):
        self._io_closed = True

    def read(self, size=-1):
        self._checkClosed()
        size = _size_arg(size)
        buf = self._buffer
        p = self._pos
        if size < 0:
            end = len(buf)
        else:
            end = min(len(buf), p + size)
        if p >= end:
            return b""
        self._pos = end
        return bytes(buf[p:end])

    def read1(self, size=-1):
        return self.read(size)

    def readline(self, size=-1):
        self._checkClosed()
        size = _size_arg(size)
        buf = self._buffer
        p = self._pos
        i = _bfind(buf, b"\n", p)
        end = len(buf) if i < 0 else i + 1
        if size >= 0 and end - p > size:
            end = p + size
        if p >= end:
            return b""
        self._pos = end
        return bytes(buf[p:end])

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def write(self, b):
        self._checkClosed()
        if isinstance(b, str):
            raise TypeError("a bytes-like object is required, not 'str'")
        n = len(b)
        if n == 0:
            return 0
        buf = self._buffer
        p = self._pos
        if p == len(buf):
            self._buffer += b
        else:
            if p > len(buf):
                buf += bytes(p - len(buf))
            self._buffer = buf[:p] + bytearray(b) + buf[p + n:]
        self._pos = p + n
        return n

    def seek(self, pos, whence=0):
        self._checkClosed()
        pos = _as_int(pos, "position")
        if whence == 0:
            if pos < 0:
                raise ValueError("negative seek value %d" % pos)
            self._pos = pos
        elif whence == 1:
            self._pos = max(0, self._pos + pos)
        elif whence == 2:
            self._pos = max(0, len(self._buffer) + pos)
        else:
            raise ValueError("invalid whence (%r, should be 0, 1 or 2)" % (whence,))
        return self._pos

    def tell(self):
        self._checkClosed()
        return self._pos

    def truncate(self, pos=None):
        self._checkClosed()
        if pos is None:
            pos = self._pos
        else:
            pos = _as_int(pos)
            if pos < 0:
                raise ValueError("negative size value %d" % pos)
        self._buffer = self._buffer[:pos]
        return pos

    def readable(self):
        self._checkClosed()
        return True

    def writable(self):
        self._checkClosed()
        return True

    def seekable(self):
        self._checkClosed()
        return True


class _TextIOBase(_IOBase):
    """Base class for text I/O."""

    def read(self, size=-1):
        _unsupported("read")

    def write(self, s):
        _unsupported("write")

    def truncate(self, pos=None):
        _unsupported("truncate")

    def readline(self):
        _unsupported("readline")

    def detach(self):
        _unsupported("detach")

    @property
    def encoding(self):
        return None

    @property
    def newlines(self):
        return None

    @property
    def errors(self):
        return None


def _split_lines(buf, start):
    """The complete '\n'-terminated lines of buf[start:] (maybe [])."""
    rest = buf[start:] if start else buf
    if "\n" not in rest:
        return []
    parts = rest.split("\n")
    parts.pop()
    return [x + "\n" for x in parts]


def _find_line_end(s, start, newline):
    """Index just past the first line end in s[start:] (-1 if none), for
    the reading newline mode: None/'\\n' split on '\\n' (after any
    translation), '' on any of '\\r', '\\n', '\\r\\n', else on newline."""
    if newline == "":
        i = s.find("\n", start)
        j = s.find("\r", start)
        if j < 0:
            return -1 if i < 0 else i + 1
        if 0 <= i < j:
            return i + 1
        if j + 1 < len(s):
            return j + 2 if s[j + 1] == "\n" else j + 1
        return -2  # '\r' at the end: need more data to decide
    sep = "\n" if newline is None else newline
    i = s.find(sep, start)
    return -1 if i < 0 else i + len(sep)


class StringIO(_TextIOBase):
    """Text I/O implementation using an in-memory buffer."""

    def __init__(self, initial_value="", newline="\n"):
        if newline is not None and not isinstance(newline, str):
            raise TypeError("newline must be str or None, not %s" % type(newline).__name__)
        if newline not in (None, "", "\n", "\r", "\r\n"):
            raise ValueError("illegal newline value: %r" % (newline,))
        if initial_value is not None and not isinstance(initial_value, str):
            raise TypeError("initial_value must be str or None, not %s"
                            % type(initial_value).__name__)
        self._newline = newline
        self._lines = None
        self._lines_buf = None
        self._lines_pos = -1
        self._li = 0
        self._seen = set()
        self._buf = ""
        self._chunks = None
        self._pos = 0
        self._io_closed = False
        if initial_value:
            self.write(initial_value)
            self._pos = 0

    def _value(self):
        if self._chunks:
            self._buf = "".join(self._chunks)
        self._chunks = None
        return self._buf

    def _translate(self, s):
        nl = self._newline
        if nl is None:
            if "\r" in s:
                if "\r\n" in s:
                    self._seen.add("\r\n")
                    s = s.replace("\r\n", "\n")
                if "\r" in s:
                    self._seen.add("\r")
                    s = s.replace("\r", "\n")
            if "\n" in s:
                self._seen.add("\n")
        elif nl == "\r" or nl == "\r\n":
            s = s.replace("\n", nl)
        return s

    def write(self, s):
        self._checkClosed()
        if not isinstance(s, str):
            raise TypeError("string argument expected, got '%s'" % type(s).__name__)
        n = len(s)
        if not n:
            return 0
        s = self._translate(s)
        p = self._pos
        if self._chunks is not None:
            if p == self._chunks_len:
                self._chunks.append(s)
                self._chunks_len += len(s)
                self._pos = self._chunks_len
                return n
            self._value()
        buf = self._buf
        if p == len(buf):
            self._chunks = [buf, s]
            self._chunks_len = p + len(s)
            self._pos = self._chunks_len
            return n
        if p > len(buf):
            buf += "\0" * (p - len(buf))
        self._buf = buf[:p] + s + buf[p + len(s):]
        self._pos = p + len(s)
        return n

    def getvalue(self):
        self._checkClosed()
        return self._value()

    def read(self, size=-1):
        self._checkClosed()
        size = _size_arg(size)
        buf = self._value()
        p = self._pos
        end = len(buf) if size < 0 else min(len(buf), p + size)
        if p >= end:
            return ""
        self._pos = end
        return buf[p:end]

    def readline(self, size=-1):
        self._checkClosed()
        size = _size_arg(size)
        buf = self._value()
        p = self._pos
        if p >= len(buf):
            return ""
        nl = self._newline
        end = _find_line_end(buf, p, "\n" if nl is None else nl)
        if end < 0:
            end = len(buf)
        if size >= 0 and end - p > size:
            end = p + size
        self._pos = end
        return buf[p:end]

    def __next__(self):
        if self._newline is None or self._newline == "\n":
            buf = self._value()
            pos = self._pos
            lines = self._lines
            if (lines is not None and self._lines_buf is buf
                    and self._lines_pos == pos):
                li = self._li
                if li < len(lines):
                    line = lines[li]
                    self._li = li + 1
                    self._pos = self._lines_pos = pos + len(line)
                    return line
            elif pos < len(buf):
                lines = _split_lines(buf, pos)
                if lines:
                    self._lines = lines
                    self._lines_buf = buf
                    self._li = 1
                    line = lines[0]
                    self._pos = self._lines_pos = pos + len(line)
                    return line
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def tell(self):
        self._checkClosed()
        return self._pos

    def seek(self, pos, whence=0):
        self._checkClosed()
        pos = _as_int(pos, "position")
        if whence == 0:
            if pos < 0:
                raise ValueError("Negative seek position %d" % pos)
            self._pos = pos
        elif whence == 1:
            if pos != 0:
                raise OSError("Can't do nonzero cur-relative seeks")
        elif whence == 2:
            if pos != 0:
                raise OSError("Can't do nonzero end-relative seeks")
            self._pos = len(self._value())
        else:
            raise ValueError("Invalid whence (%r, should be 0, 1 or 2)" % (whence,))
        return self._pos

    def truncate(self, pos=None):
        self._checkClosed()
        if pos is None:
            pos = self._pos
        else:
            pos = _as_int(pos)
            if pos < 0:
                raise ValueError("Negative size value %d" % pos)
        buf = self._value()
        if pos < len(buf):
            self._buf = buf[:pos]
        return pos

    def close(self):
        self._io_closed = True
        self._buf = ""
        self._chunks = None

    def readable(self):
        self._checkClosed()
        return True

    def writable(self):
        self._checkClosed()
        return True

    def seekable(self):
        self._checkClosed()
        return True

    @property
    def line_buffering(self):
        return False

    @property
    def newlines(self):
        if self._newline is not None or not self._seen:
            return None
        seen = [n for n in ("\r", "\n", "\r\n") if n in self._seen]
        return seen[0] if len(seen) == 1 else tuple(seen)

    def __getstate__(self):
        return (self.getvalue(), self._newline, self._pos, getattr(self, "__dict__", None))


class IncrementalNewlineDecoder:
    """Translates \\r\\n and \\r into \\n (if translate), wrapping a decoder."""

    def __init__(self, decoder, translate, errors="strict"):
        self.decoder = decoder
        self.translate = translate
        self.errors = errors
        self.pendingcr = False
        self.seennl = 0

    def decode(self, input, final=False):
        if self.decoder is None:
            output = input
        else:
            output = self.decoder.decode(input, final=final)
        if self.pendingcr and (output or final):
            output = "\r" + output
            self.pendingcr = False
        if output.endswith("\r") and not final:
            output = output[:-1]
            self.pendingcr = True
        crlf = output.count("\r\n")
        cr = output.count("\r") - crlf
        lf = output.count("\n") - crlf
        self.seennl |= (lf and 1) | (cr and 2) | (crlf and 4)
        if self.translate:
            if crlf:
                output = output.replace("\r\n", "\n")
            if cr:
                output = output.replace("\r", "\n")
        return output

    def getstate(self):
        if self.decoder is None:
            buf, flag = b"", 0
        else:
            buf, flag = self.decoder.getstate()
        flag <<= 1
        if self.pendingcr:
            flag |= 1
        return buf, flag

    def setstate(self, state):
        buf, flag = state
        self.pendingcr = bool(flag & 1)
        if self.decoder is not None:
            self.decoder.setstate((buf, flag >> 1))

    def reset(self):
        self.seennl = 0
        self.pendingcr = False
        if self.decoder is not None:
            self.decoder.reset()

    @property
    def newlines(self):
        return (None, "\n", "\r", ("\r", "\n"), "\r\n", ("\n", "\r\n"),
                ("\r", "\r\n"), ("\r", "\n", "\r\n"))[self.seennl]


_FAST_CODECS = {
    "utf-8": (_codecs.utf_8_encode, _codecs.utf_8_decode, "utf-8"),
    "utf8": (_codecs.utf_8_encode, _codecs.utf_8_decode, "utf-8"),
    "latin-1": (_codecs.latin_1_encode, _codecs.latin_1_decode, "latin-1"),
    "latin1": (_codecs.latin_1_encode, _codecs.latin_1_decode, "latin-1"),
    "iso-8859-1": (_codecs.latin_1_encode, _codecs.latin_1_decode, "latin-1"),
    "iso8859-1": (_codecs.latin_1_encode, _codecs.latin_1_decode, "latin-1"),
    "l1": (_codecs.latin_1_encode, _codecs.latin_1_decode, "latin-1"),
    "ascii": (_codecs.ascii_encode, _codecs.ascii_decode, "ascii"),
    "us-ascii": (_codecs.ascii_encode, _codecs.ascii_decode, "ascii"),
    "646": (_codecs.ascii_encode, _codecs.ascii_decode, "ascii"),
}


def _utf8_incomplete_tail(b):
    """Number of bytes at the end of b that start an incomplete UTF-8
    sequence (0..3)."""
    n = len(b)
    for k in range(1, min(3, n) + 1):
        c = b[n - k]
        if c & 0xC0 == 0x80:
            continue
        if c >= 0xF0:
            need = 4
        elif c >= 0xE0:
            need = 3
        elif c >= 0xC0:
            need = 2
        else:
            need = 1
        return k if need > k else 0
    return 0


class _SimpleDecoder:
    """An incremental decoder over a stateless _codecs decode function."""

    def __init__(self, decode, errors, utf8):
        self._decode = decode
        self._errors = errors
        self._utf8 = utf8
        self._pending = b""

    def decode(self, data, final=False):
        if self._pending:
            data = self._pending + data
            self._pending = b""
        if self._utf8 and not final:
            k = _utf8_incomplete_tail(data)
            if k:
                self._pending = data[-k:]
                data = data[:-k]
        return self._decode(data, self._errors, True)[0]

    def getstate(self):
        return (self._pending, 0)

    def setstate(self, state):
        self._pending = state[0]

    def reset(self):
        self._pending = b""


class TextIOWrapper(_TextIOBase):
    """Character and line based layer over a BufferedIOBase object."""

    _CHUNK_SIZE = 8192

    def __init__(self, buffer, encoding=None, errors=None, newline=None,
                 line_buffering=False, write_through=False):
        if newline is not None and not isinstance(newline, str):
            raise TypeError("illegal newline type: %r" % (type(newline),))
        if newline not in (None, "", "\n", "\r", "\r\n"):
            raise ValueError("illegal newline value: %r" % (newline,))
        if encoding is None or encoding == "locale":
            encoding = "UTF-8"
        if not isinstance(encoding, str):
            raise TypeError("TextIOWrapper() argument 'encoding' must be str or None, not %s"
                            % type(encoding).__name__)
        if errors is None:
            errors = "strict"
        elif not isinstance(errors, str):
            raise TypeError("TextIOWrapper() argument 'errors' must be str or None, not %s"
                            % type(errors).__name__)
        self._buffer = buffer
        self._encoding = encoding
        self._errors = errors
        self._readuniversal = not newline
        self._readtranslate = newline is None
        self._readnl = newline
        self._writetranslate = newline != ""
        self._writenl = newline or "\n"
        self._line_buffering = line_buffering
        self._write_through = write_through
        self._setup_codec()
        self._decoded = ""
        self._dpos = 0
        self._snapshot = None
        self._seekable = self._telling = self._buffer.seekable()
        self._has_read1 = hasattr(self._buffer, "read1")
        self._detached = False
        self._can_read = buffer.readable()
        self._can_write = buffer.writable()
        self._pending = []
        self._pending_n = 0
        if self._can_write:
            _track_writer(self)
        self._nl_lf = self._readtranslate or self._readnl == "\n"
        self._lines = None
        self._lines_buf = None
        self._lines_pos = -1
        self._li = 0

    def __del__(self):
        self._dealloc_close()

    def _setup_codec(self):
        key = self._encoding.lower().replace("_", "-")
        fast = _FAST_CODECS.get(key)
        if fast is not None:
            enc, dec, name = fast
            errors = self._errors
            self._encode = lambda s: enc(s, errors)[0]
            self._decoder_factory = lambda: _SimpleDecoder(dec, errors, name == "utf-8")
        else:
            import codecs
            info = codecs.lookup(self._encoding)
            errors = self._errors
            encoder = info.incrementalencoder(errors)
            self._encode = lambda s: encoder.encode(s)
            self._decoder_factory = lambda: info.incrementaldecoder(errors)
        self._decoder = None

    def _get_decoder(self):
        if self._decoder is None:
            dec = self._decoder_factory()
            if self._readuniversal:
                dec = IncrementalNewlineDecoder(dec, self._readtranslate)
            self._decoder = dec
        return self._decoder

    def __repr__(self):
        result = "<_io.TextIOWrapper"
        try:
            name = self.name
        except Exception:
            pass
        else:
            result += " name={0!r}".format(name)
        try:
            mode = self.mode
        except Exception:
            pass
        else:
            result += " mode={0!r}".format(mode)
        return result + " encoding={0!r}>".format(self.encoding)

    @property
    def encoding(self):
        return self._encoding

    @property
    def errors(self):
        return self._errors

    @property
    def line_buffering(self):
        return self._line_buffering

    @property
    def write_through(self):
        return self._write_through

    @property
    def buffer(self):
        if self._detached:
            raise ValueError("underlying buffer has been detached")
        return self._buffer

    @property
    def name(self):
        return self.buffer.name

    @property
    def closed(self):
        return self.buffer.closed

    @property
    def newlines(self):
        d = self._decoder
        return d.newlines if d is not None and hasattr(d, "newlines") else None

    def seekable(self):
        self._checkClosed()
        return self._seekable

    def readable(self):
        return self.buffer.readable()

    def writable(self):
        return self.buffer.writable()

    def _flush_pending(self):
        pending = self._pending
        if pending:
            b = pending[0] if len(pending) == 1 else b"".join(pending)
            self._pending = []
            self._pending_n = 0
            self._buffer.write(b)

    def flush(self):
        self._flush_pending()
        self.buffer.flush()
        self._telling = self._seekable

    def close(self):
        if self.buffer is not None and not self.closed:
            try:
                self.flush()
            finally:
                self._decoded = ""
                self._dpos = 0
                self.buffer.close()

    def fileno(self):
        return self.buffer.fileno()

    def isatty(self):
        return self.buffer.isatty()

    def detach(self):
        if self._detached:
            raise ValueError("buffer is already detached.")
        self.flush()
        buffer = self._buffer
        self._detached = True
        return buffer

    def reconfigure(self, *, encoding=None, errors=None, newline=Ellipsis,
                    line_buffering=None, write_through=None):
        if encoding is not None or errors is not None:
            if errors is None:
                errors = "strict" if encoding is not None else self._errors
            if encoding is None:
                encoding = self._encoding
            self.flush()
            self._encoding = encoding
            self._errors = errors
            self._setup_codec()
        if newline is not Ellipsis:
            self.flush()
            self._readuniversal = not newline
            self._readtranslate = newline is None
            self._readnl = newline
            self._writetranslate = newline != ""
            self._writenl = newline or "\n"
            self._nl_lf = self._readtranslate or self._readnl == "\n"
            self._decoder = None
        if line_buffering is not None:
            self._line_buffering = line_buffering
        if write_through is not None:
            self._write_through = write_through

    # -- writing
    def write(self, s):
        if self._detached or self._buffer.closed:
            self._checkClosed()
        if not isinstance(s, str):
            raise TypeError("write() argument must be str, not %s" % type(s).__name__)
        if not self._can_write:
            raise UnsupportedOperation("not writable")
        n = len(s)
        haslf = (self._writetranslate or self._line_buffering) and "\n" in s
        if haslf and self._writetranslate and self._writenl != "\n":
            s = s.replace("\n", self._writenl)
        if self._decoded or self._snapshot is not None:
            self._rewind_reads()
        b = self._encode(s)
        self._pending.append(b)
        self._pending_n += len(b)
        if self._pending_n >= self._CHUNK_SIZE or self._write_through:
            self._flush_pending()
        if self._line_buffering and (haslf or "\r" in s):
            self.flush()
        return n

    def _rewind_reads(self):
        """Drop decoded-but-unread text, moving the buffer back to the
        logical position."""
        if self._dpos < len(self._decoded) and self._seekable:
            pos = self.tell()
            self._decoded = ""
            self._dpos = 0
            self._snapshot = None
            self._decoder = None
            self.buffer.seek(pos)
        else:
            self._decoded = ""
            self._dpos = 0
            self._snapshot = None

    # -- reading
    def _read_chunk(self):
        """Decodes one more chunk into self._decoded; False at EOF."""
        if self._pending:
            self._flush_pending()
        if self.buffer.writable() and hasattr(self.buffer, "_wbuf") and self.buffer._wbuf:
            self.buffer.flush()
        dec = self._get_decoder()
        start = self.buffer.tell() if self._seekable else None
        if self._has_read1:
            data = self.buffer.read1(self._CHUNK_SIZE)
        else:
            data = self.buffer.read(self._CHUNK_SIZE)
        eof = not data
        text = dec.decode(data, eof)
        rest = self._decoded[self._dpos:]
        self._decoded = rest + text if rest else text
        self._dpos = 0
        if start is not None:
            # (byte position where the text in _decoded starts, decoder
            # state then): rest came before this chunk.
            prev = self._snapshot
            if rest and prev is not None:
                self._snapshot = prev
            else:
                self._snapshot = start
        return not eof

    def read(self, size=None):
        self._checkClosed()
        if not self._can_read:
            raise UnsupportedOperation("not readable")
        size = _size_arg(size)
        if size < 0:
            if self._pending:
                self._flush_pending()
            data = self.buffer.read()
            dec = self._get_decoder()
            result = self._decoded[self._dpos:] + dec.decode(data, True)
            self._decoded = ""
            self._dpos = 0
            self._snapshot = None
            return result
        while len(self._decoded) - self._dpos < size:
            if not self._read_chunk():
                break
        p = self._dpos
        out = self._decoded[p:p + size]
        self._dpos = p + len(out)
        return out

    def readline(self, size=None):
        self._checkClosed()
        if not self._can_read:
            raise UnsupportedOperation("not readable")
        size = _size_arg(size)
        nl = "\n" if self._readtranslate else self._readnl
        while True:
            buf = self._decoded
            p = self._dpos
            end = _find_line_end(buf, p, nl)
            if end >= 0:
                break
            if size >= 0 and len(buf) - p >= size:
                end = len(buf)
                break
            if not self._read_chunk():
                end = len(self._decoded)
                buf = self._decoded
                p = self._dpos
                break
        if size >= 0 and end - p > size:
            end = p + size
        self._dpos = end
        return buf[p:end]

    def __next__(self):
        if self._nl_lf:
            # Serve lines from a per-chunk split (one pass over the chunk
            # rather than a find and a slice per line).
            lines = self._lines
            dpos = self._dpos
            if (lines is not None and self._lines_buf is self._decoded
                    and self._lines_pos == dpos):
                li = self._li
                if li < len(lines):
                    line = lines[li]
                    self._li = li + 1
                    self._dpos = self._lines_pos = dpos + len(line)
                    return line
            else:
                lines = _split_lines(self._decoded, dpos)
                if lines:
                    self._lines = lines
                    self._lines_buf = self._decoded
                    self._li = 1
                    line = lines[0]
                    self._dpos = self._lines_pos = dpos + len(line)
                    return line
        line = self.readline()
        if not line:
            self._snapshot = None
            raise StopIteration
        return line

    # -- positioning
    def tell(self):
        self._checkClosed()
        if not self._seekable:
            raise UnsupportedOperation("underlying stream is not seekable")
        self.flush()
        if self._snapshot is None or not self._decoded:
            return self.buffer.tell()
        # Bytes of the consumed text since the snapshot (exact for
        # stateless encodings when no newline translation happened).
        consumed = self._decoded[:self._dpos]
        return self._snapshot + len(self._encode(consumed))

    def seek(self, cookie, whence=0):
        self._checkClosed()
        if not self._seekable:
            raise UnsupportedOperation("underlying stream is not seekable")
        if whence == 1:
            if cookie != 0:
                raise UnsupportedOperation("can't do nonzero cur-relative seeks")
            cookie = self.tell()
            whence = 0
        if whence == 2:
            if cookie != 0:
                raise UnsupportedOperation("can't do nonzero end-relative seeks")
            self.flush()
            self._decoded = ""
            self._dpos = 0
            self._snapshot = None
            self._decoder = None
            return self.buffer.seek(0, 2)
        if whence != 0:
            raise ValueError("invalid whence (%r, should be 0, 1 or 2)" % (whence,))
        if cookie < 0:
            raise ValueError("negative seek position %r" % (cookie,))
        self.flush()
        self._decoded = ""
        self._dpos = 0
        self._snapshot = None
        self._decoder = None
        self.buffer.seek(cookie)
        return cookie

    def truncate(self, pos=None):
        self.flush()
        if pos is None:
            pos = self.tell()
        return self.buffer.truncate(pos)

    @property
    def mode(self):
        return self._mode

    @mode.setter
    def mode(self, m):
        self._mode = m


def open(file, mode="r", buffering=-1, encoding=None, errors=None,
         newline=None, closefd=True, opener=None):
    """Open file and return a stream. Raise OSError upon failure."""
    if not isinstance(file, int):
        file = _posix.fspath(file)
    if not isinstance(file, (str, bytes, int)):
        raise TypeError("invalid file: %r" % (file,))
    if not isinstance(mode, str):
        raise TypeError("open() argument 'mode' must be str, not %s" % type(mode).__name__)
    if not isinstance(buffering, int):
        raise TypeError("an integer is required")
    if encoding is not None and not isinstance(encoding, str):
        raise TypeError("open() argument 'encoding' must be str or None, not %s"
                        % type(encoding).__name__)
    if errors is not None and not isinstance(errors, str):
        raise TypeError("open() argument 'errors' must be str or None, not %s"
                        % type(errors).__name__)
    modes = set(mode)
    if modes - set("axrwb+tU") or len(mode) > len(modes):
        raise ValueError("invalid mode: '%s'" % mode)
    creating = "x" in modes
    reading = "r" in modes
    writing = "w" in modes
    appending = "a" in modes
    updating = "+" in modes
    text = "t" in modes
    binary = "b" in modes
    if "U" in modes:
        raise ValueError("invalid mode: '%s'" % mode)
    if text and binary:
        raise ValueError("can't have text and binary mode at once")
    if creating + reading + writing + appending > 1:
        raise ValueError("must have exactly one of create/read/write/append mode")
    if not (creating or reading or writing or appending):
        raise ValueError("Must have exactly one of create/read/write/append "
                         "mode and at most one plus")
    if binary and encoding is not None:
        raise ValueError("binary mode doesn't take an encoding argument")
    if binary and errors is not None:
        raise ValueError("binary mode doesn't take an errors argument")
    if binary and newline is not None:
        raise ValueError("binary mode doesn't take a newline argument")
    if binary and buffering == 1:
        pass
    raw = FileIO(file,
                 (creating and "x" or "") + (reading and "r" or "")
                 + (writing and "w" or "") + (appending and "a" or "")
                 + (updating and "+" or ""),
                 closefd, opener=opener)
    result = raw
    try:
        line_buffering = False
        if buffering == 1 or buffering < 0 and raw.isatty():
            buffering = -1
            line_buffering = True
        if buffering < 0:
            buffering = raw._blksize
            if buffering <= 1:
                buffering = DEFAULT_BUFFER_SIZE
        if buffering == 0:
            if binary:
                return result
            raise ValueError("can't have unbuffered text I/O")
        if updating:
            buffer = BufferedRandom(raw, buffering)
        elif creating or writing or appending:
            buffer = BufferedWriter(raw, buffering)
        elif reading:
            buffer = BufferedReader(raw, buffering)
        else:
            raise ValueError("unknown mode: %r" % mode)
        result = buffer
        if binary:
            return result
        text = TextIOWrapper(buffer, encoding, errors, newline, line_buffering)
        result = text
        text.mode = mode
        return result
    except BaseException:
        result.close()
        raise


def open_code(path):
    if not isinstance(path, str):
        raise TypeError("open_code() argument 'path' must be str, not %s"
                        % type(path).__name__)
    return open(path, "rb")
