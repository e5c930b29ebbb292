# The Python half of `_socket` (run in the module's namespace after the
# natives `_open`, `_recv`, ... and the constants are set).

error = OSError
timeout = TimeoutError
has_ipv6 = True


class herror(OSError):
    pass


class gaierror(OSError):
    pass


_default_timeout = None


def _timeout_value(value):
    if value is None:
        return None
    try:
        t = float(value)
    except (TypeError, ValueError):
        raise TypeError("Timeout value must be int, float or None") from None
    if t != t:
        raise ValueError("Invalid value NaN (not a number)")
    if t < 0.0:
        raise ValueError("Timeout value out of range")
    return t


def getdefaulttimeout():
    """Returns the default timeout in seconds (float) for new sockets."""
    return _default_timeout


def setdefaulttimeout(timeout, /):
    """Sets the default timeout in seconds (None: blocking) for new
    sockets."""
    global _default_timeout
    _default_timeout = _timeout_value(timeout)


def _raise_gai(code):
    raise gaierror(code, _gai_strerror(code))


def _check_port(port, caller):
    if not isinstance(port, int):
        raise TypeError("'%s' object cannot be interpreted as an integer"
                        % type(port).__name__)
    if not 0 <= port <= 0xffff:
        raise OverflowError("%s(): port must be 0-65535." % caller)


def _host_text(host):
    if isinstance(host, (bytes, bytearray)):
        return bytes(host).decode('ascii')
    if isinstance(host, str):
        return host
    raise TypeError("str, bytes or bytearray expected, not %s"
                    % type(host).__name__)


def _encode_host(host):
    """A host name's bytes for the resolver (IDNA only when not ASCII, so
    that plain names need no codec import)."""
    host = _host_text(host)
    return host.encode('ascii' if host.isascii() else 'idna')


def _numeric_host(family, host):
    host = _host_text(host)
    if family == AF_INET:
        if host == '':
            return '0.0.0.0'
        if host == '<broadcast>':
            return '255.255.255.255'
    elif host == '':
        return '::'
    if _is_numeric_host(family, host):
        return host
    res = _getaddrinfo(_encode_host(host), None, family, 0, 0, 0)
    if isinstance(res, int):
        _raise_gai(res)
    for r in res:
        if r[0] == family:
            return r[4][0]
    raise gaierror(EAI_FAMILY, _gai_strerror(EAI_FAMILY))


def _norm_addr(family, addr, caller):
    """The address in the form the natives take (see `sockaddr_from`)."""
    if family == AF_UNIX:
        if isinstance(addr, str):
            return addr.encode('utf-8', 'surrogateescape')
        if hasattr(addr, '__fspath__'):
            return _norm_addr(family, addr.__fspath__(), caller)
        return addr
    if family == AF_INET:
        if not isinstance(addr, tuple):
            raise TypeError("%s(): AF_INET address must be tuple, not %s"
                            % (caller, type(addr).__name__))
        if len(addr) != 2:
            raise TypeError("AF_INET address must be a pair (host, port)")
        host, port = addr
        _check_port(port, caller)
        return (_numeric_host(family, host), port)
    if family == AF_INET6:
        if not isinstance(addr, tuple):
            raise TypeError("%s(): AF_INET6 address must be tuple, not %s"
                            % (caller, type(addr).__name__))
        if not 2 <= len(addr) <= 4:
            raise TypeError("AF_INET6 address must be a tuple "
                            "(host, port[, flowinfo[, scopeid]])")
        host, port, flowinfo, scope_id = (addr + (0, 0))[:4]
        _check_port(port, caller)
        if not 0 <= flowinfo <= 0xfffff:
            raise OverflowError("%s(): flowinfo must be 0-1048575." % caller)
        return (_numeric_host(family, host), port, flowinfo, scope_id)
    raise OSError("%s(): bad family" % caller)


class socket:
    """socket(family=AF_INET, type=SOCK_STREAM, proto=0, fileno=None)"""

    def __init__(self, family=-1, type=-1, proto=-1, fileno=None):
        self._sock_fd = -1
        if fileno is None:
            if family == -1:
                family = AF_INET
            if type == -1:
                type = SOCK_STREAM
            if proto == -1:
                proto = 0
            fd = _open(family, type, proto)
        else:
            if isinstance(fileno, float):
                raise TypeError("'float' object cannot be interpreted as "
                                "an integer")
            fd = fileno.__index__()
            if fd < 0:
                raise ValueError("negative file descriptor")
            if family == -1:
                family = _getsockopt(fd, SOL_SOCKET, SO_DOMAIN, 0)
            if type == -1:
                type = _getsockopt(fd, SOL_SOCKET, SO_TYPE, 0)
            if proto == -1:
                proto = _getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, 0)
        self._sock_fd = fd
        self._sock_family = family
        self._sock_type = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)
        self._sock_proto = proto
        if type & SOCK_NONBLOCK:
            self._sock_timeout = 0.0
        else:
            self._sock_timeout = _default_timeout
        if self._sock_timeout is not None:
            _set_nonblocking(fd, True)

    family = property(lambda self: self._sock_family,
                      doc="the socket family")
    type = property(lambda self: self._sock_type, doc="the socket type")
    proto = property(lambda self: self._sock_proto,
                     doc="the socket protocol")
    timeout = property(lambda self: self._sock_timeout,
                       doc="the socket timeout")

    def __repr__(self):
        return ("<socket object, fd=%d, family=%d, type=%d, proto=%d>"
                % (self._sock_fd, self._sock_family, self._sock_type,
                   self._sock_proto))

    def __del__(self):
        fd = self.__dict__.get('_sock_fd', -1)
        if fd >= 0:
            self._sock_fd = -1
            try:
                _close(fd)
            except OSError:
                pass

    def __getstate__(self):
        raise TypeError("cannot pickle '%s' object" % type(self).__name__)

    def _wait(self):
        t = self._sock_timeout
        return -1.0 if t is None else t

    def _accept(self):
        """_accept() -> (integer, address info)"""
        return _accept(self._sock_fd, self._wait())

    def bind(self, address, /):
        _bind(self._sock_fd, self._sock_family,
              _norm_addr(self._sock_family, address, 'bind'))

    def close(self):
        fd = self._sock_fd
        if fd >= 0:
            self._sock_fd = -1
            _close(fd)

    def detach(self):
        fd = self._sock_fd
        self._sock_fd = -1
        return fd

    def fileno(self):
        return self._sock_fd

    def _connect(self, address):
        return _connect(self._sock_fd, self._sock_family,
                        _norm_addr(self._sock_family, address, 'connect'),
                        self._wait())

    def connect(self, address, /):
        err = self._connect(address)
        if err:
            raise OSError(err, _strerror(err))

    def connect_ex(self, address, /):
        return self._connect(address)

    def getpeername(self):
        return _getpeername(self._sock_fd)

    def getsockname(self):
        return _getsockname(self._sock_fd)

    def getsockopt(self, level, option, buflen=0, /):
        return _getsockopt(self._sock_fd, level, option, buflen)

    def setsockopt(self, level, option, value, optlen=None, /):
        if value is None and optlen is None:
            raise TypeError("setsockopt() takes exactly 4 arguments "
                            "(3 given)")
        if value is not None and optlen is not None:
            raise TypeError("setsockopt() value must be None when optlen "
                            "is given")
        _setsockopt(self._sock_fd, level, option, value, optlen or 0)

    def listen(self, backlog=min(SOMAXCONN, 128), /):
        _listen(self._sock_fd, backlog)

    def recv(self, bufsize, flags=0, /):
        return _recv(self._sock_fd, bufsize, flags, self._wait())

    def recv_into(self, buffer, nbytes=0, flags=0, /):
        view = memoryview(buffer)
        if nbytes < 0:
            raise ValueError("negative buffersize in recv_into")
        if nbytes == 0:
            nbytes = len(view)
        elif nbytes > len(view):
            raise ValueError("buffer too small for requested bytes")
        data = _recv(self._sock_fd, nbytes, flags, self._wait())
        n = len(data)
        view[:n] = data
        return n

    def recvfrom(self, bufsize, flags=0, /):
        return _recvfrom(self._sock_fd, bufsize, flags, self._wait())

    def recvfrom_into(self, buffer, nbytes=0, flags=0, /):
        view = memoryview(buffer)
        if nbytes < 0:
            raise ValueError("negative buffersize in recvfrom_into")
        if nbytes == 0:
            nbytes = len(view)
        elif nbytes > len(view):
            raise ValueError("nbytes is greater than the length of the "
                             "buffer")
        data, addr = _recvfrom(self._sock_fd, nbytes, flags, self._wait())
        n = len(data)
        view[:n] = data
        return n, addr

    def send(self, data, flags=0, /):
        return _send(self._sock_fd, data, flags, self._wait())

    def sendall(self, data, flags=0, /):
        _sendall(self._sock_fd, data, flags, self._wait())

    def sendto(self, data, flags_or_address, address=None, /):
        if address is None:
            flags, address = 0, flags_or_address
        else:
            flags = flags_or_address
        return _sendto(self._sock_fd, data, flags, self._sock_family,
                       _norm_addr(self._sock_family, address, 'sendto'),
                       self._wait())

    def setblocking(self, flag, /):
        self._sock_timeout = None if flag else 0.0
        _set_nonblocking(self._sock_fd, not flag)

    def getblocking(self):
        return self._sock_timeout != 0.0

    def settimeout(self, value, /):
        self._sock_timeout = _timeout_value(value)
        _set_nonblocking(self._sock_fd, self._sock_timeout is not None)

    def gettimeout(self):
        return self._sock_timeout

    def shutdown(self, how, /):
        _shutdown(self._sock_fd, how)


SocketType = socket


def socketpair(family=AF_UNIX, type=SOCK_STREAM, proto=0):
    """socketpair([family[, type [, proto]]]) -> (socket object, socket
    object)"""
    a, b = _socketpair(family, type, proto)
    return socket(family, type, proto, a), socket(family, type, proto, b)


def close(fd, /):
    """Closes an integer socket file descriptor."""
    _close(fd.__index__())


def dup(fd, /):
    """Duplicates an integer socket file descriptor."""
    return _dup(fd.__index__())


def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
    """getaddrinfo(host, port [, family, type, proto, flags])
        -> list of (family, type, proto, canonname, sockaddr)"""
    if host is not None:
        if isinstance(host, str):
            host = _encode_host(host)
        elif not isinstance(host, (bytes, bytearray)):
            raise TypeError("getaddrinfo() argument 1 must be string or "
                            "None")
    if isinstance(port, int):
        port = str(port).encode()
    elif isinstance(port, str):
        port = port.encode()
    elif port is not None and not isinstance(port, bytes):
        raise OSError("Int or String expected")
    res = _getaddrinfo(host, port, family, type, proto, flags)
    if isinstance(res, int):
        _raise_gai(res)
    return res


def getnameinfo(sockaddr, flags, /):
    """getnameinfo(sockaddr, flags) --> (host, port)"""
    if not isinstance(sockaddr, tuple):
        raise TypeError("getnameinfo() argument 1 must be a tuple")
    if not 2 <= len(sockaddr) <= 4:
        raise TypeError("getnameinfo(): illegal sockaddr argument")
    host, port = sockaddr[0], sockaddr[1]
    res = _getaddrinfo(_encode_host(host), str(port).encode(),
                       0, SOCK_DGRAM, 0, AI_NUMERICHOST)
    if isinstance(res, int):
        _raise_gai(res)
    if len(res) != 1:
        raise OSError("sockaddr resolved to multiple addresses")
    family, addr = res[0][0], res[0][4]
    if family == AF_INET:
        if len(sockaddr) != 2:
            raise OSError("IPv4 sockaddr must be 2 tuple")
    else:
        addr = (addr[0], addr[1]) + tuple(sockaddr[2:]) + (0, 0)
        addr = addr[:4]
    res = _getnameinfo(family, addr, flags)
    if isinstance(res, int):
        _raise_gai(res)
    return res


def gethostbyname(hostname, /):
    """gethostbyname(host) -> address"""
    return _numeric_host(AF_INET, hostname)


def gethostbyname_ex(hostname, /):
    """gethostbyname_ex(host) -> (name, aliaslist, addresslist)"""
    res = _getaddrinfo(_encode_host(hostname), None, AF_INET,
                       SOCK_STREAM, 0, AI_CANONNAME)
    if isinstance(res, int):
        raise herror(1, "Unknown host")
    name = res[0][3] or _host_text(hostname)
    addrs = []
    for r in res:
        if r[4][0] not in addrs:
            addrs.append(r[4][0])
    return name, [], addrs


def gethostbyaddr(ip_address, /):
    """gethostbyaddr(host) -> (name, aliaslist, addresslist)"""
    res = _getaddrinfo(_encode_host(ip_address), None, 0,
                       SOCK_STREAM, 0, 0)
    if isinstance(res, int):
        _raise_gai(res)
    family, addr = res[0][0], res[0][4]
    names = _getnameinfo(family, addr, NI_NAMEREQD)
    if isinstance(names, int):
        raise herror(1, "Unknown host")
    return names[0], [], [addr[0]]


def inet_ntoa(packed_ip, /):
    """inet_ntoa(packed_ip) -> ip_address_string"""
    packed_ip = bytes(memoryview(packed_ip))
    if len(packed_ip) != 4:
        raise OSError("packed IP wrong length for inet_ntoa")
    return '%d.%d.%d.%d' % tuple(packed_ip)


def _u16(x, name):
    if not isinstance(x, int):
        x = x.__index__()
    if x < 0:
        raise OverflowError("%s: can't convert negative Python int to C "
                            "16-bit unsigned integer" % name)
    if x > 0xffff:
        raise OverflowError("%s: Python int too large to convert to C "
                            "16-bit unsigned integer" % name)
    return x


def _u32(x):
    if not isinstance(x, int):
        raise TypeError("expected int, %s found" % type(x).__name__)
    if x < 0:
        raise OverflowError("can't convert negative value to unsigned int")
    if x > 0xffffffff:
        raise OverflowError("int larger than 32 bits")
    return x


def htons(x, /):
    """Converts a 16-bit integer from host to network byte order."""
    x = _u16(x, 'htons')
    return ((x & 0xff) << 8) | (x >> 8)


def ntohs(x, /):
    """Converts a 16-bit integer from network to host byte order."""
    x = _u16(x, 'ntohs')
    return ((x & 0xff) << 8) | (x >> 8)


def htonl(x, /):
    """Converts a 32-bit integer from host to network byte order."""
    return int.from_bytes(_u32(x).to_bytes(4, 'little'), 'big')


def ntohl(x, /):
    """Converts a 32-bit integer from network to host byte order."""
    return int.from_bytes(_u32(x).to_bytes(4, 'little'), 'big')


def if_nameindex():
    """if_nameindex() -> list of (index, name) of the network
    interfaces."""
    import posix
    names = sorted(posix.listdir('/sys/class/net'))
    result = []
    for name in names:
        try:
            with open('/sys/class/net/%s/ifindex' % name) as f:
                result.append((int(f.read()), name))
        except OSError:
            pass
    result.sort()
    return result
