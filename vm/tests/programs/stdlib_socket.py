# _socket, select.epoll and the socket / selectors modules over loopback,
# in one thread.
import errno
import selectors
import socket

# socketpair send/recv
a, b = socket.socketpair()
print(a.family == socket.AF_UNIX, a.type == socket.SOCK_STREAM, a.proto)
print(a.send(b'hello'), b.recv(100))
a.sendall(b'x' * 3000)
got = b''
while len(got) < 3000:
    got += b.recv(1024)
print(len(got), a.getblocking(), a.gettimeout())
buf = bytearray(8)
a.send(b'abc')
print(b.recv_into(buf), buf)
a.close()
print(b.recv(10), a.fileno())
b.close()

# TCP loopback in one thread: non-blocking connect, accept, exchange
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
print(srv.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR) != 0)
srv.bind(('127.0.0.1', 0))
srv.listen()
host, port = srv.getsockname()
print(host, port > 0)
cli = socket.socket()
cli.setblocking(False)
print(cli.connect_ex((host, port)) in (0, errno.EINPROGRESS))
conn, peer = srv.accept()
print(peer[0], peer[1] == cli.getsockname()[1], conn.getpeername() == peer)
sel = selectors.DefaultSelector()
print(type(sel).__name__)
sel.register(cli, selectors.EVENT_WRITE, 'client')
print([(k.data, ev) for k, ev in sel.select(1)])
cli.sendall(b'ping')
print(conn.recv(10))
conn.send(b'pong')
sel.modify(cli, selectors.EVENT_READ, 'client')
print([(k.data, ev) for k, ev in sel.select(1)])
print(cli.recv(10))
try:
    cli.recv(10)
except BlockingIOError as e:
    print('BlockingIOError', errno.errorcode[e.errno])
conn.shutdown(socket.SHUT_WR)
sel.select(1)
print(cli.recv(10))
sel.unregister(cli)
sel.close()
cli.close()
conn.close()

# makefile: lines both ways
cli = socket.create_connection((host, port))
conn, _ = srv.accept()
w = cli.makefile('w')
r = conn.makefile('r')
w.write('first line\nsecond line\n')
w.flush()
print(repr(r.readline()), repr(r.readline()))
rw = conn.makefile('rwb')
rw.write(b'reply\n')
rw.flush()
print(cli.makefile('rb').readline())
for f in (w, r, rw):
    f.close()
cli.close()
conn.close()
srv.close()

# create_server
with socket.create_server(('127.0.0.1', 0)) as s2:
    print(s2.type == socket.SOCK_STREAM, s2.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR) != 0)

# UDP loopback
u1 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u1.bind(('127.0.0.1', 0))
print(u2.sendto(b'datagram', u1.getsockname()))
data, addr = u1.recvfrom(100)
print(data, addr == u2.getsockname())
u1.sendto(b'back', addr)
buf = bytearray(10)
n, addr2 = u2.recvfrom_into(buf)
print(n, bytes(buf[:n]), addr2 == u1.getsockname())
u1.close()
u2.close()

# name services and conversions
print(socket.getaddrinfo('127.0.0.1', 80, type=socket.SOCK_STREAM))
print(socket.getaddrinfo('::1', 8080, socket.AF_INET6, socket.SOCK_DGRAM))
print(socket.gethostbyname('127.0.0.1'), type(socket.gethostname()).__name__)
print(socket.getnameinfo(('127.0.0.1', 80), socket.NI_NUMERICHOST | socket.NI_NUMERICSERV))
print(socket.inet_aton('127.1'), socket.inet_ntoa(b'\xc0\xa8\x01\x02'))
print(socket.inet_pton(socket.AF_INET, '10.0.0.1'), socket.inet_ntop(socket.AF_INET, b'\x0a\x00\x00\x01'))
print(socket.inet_ntop(socket.AF_INET6, socket.inet_pton(socket.AF_INET6, '2001:db8::ff00:42:8329')))
print(socket.htons(1), socket.ntohs(256), socket.htonl(1), socket.ntohl(0x01020304))
for bad in ('1.2.3', '300.1.1.1'):
    try:
        socket.inet_pton(socket.AF_INET, bad)
    except OSError as e:
        print('OSError', e)
try:
    socket.getaddrinfo('no such host.invalid', 80)
except socket.gaierror as e:
    print('gaierror', isinstance(e, OSError))
print(socket.AF_INET, repr(socket.SOCK_STREAM), socket.SOMAXCONN > 0, socket.has_ipv6)
print(socket.error is OSError, socket.timeout is TimeoutError, issubclass(socket.herror, OSError))

# timeouts and errors
a, b = socket.socketpair()
b.settimeout(0.05)
print(b.gettimeout(), b.getblocking())
try:
    b.recv(1)
except TimeoutError as e:
    print(type(e).__name__, e)
socket.setdefaulttimeout(2.5)
c = socket.socket()
print(c.gettimeout())
socket.setdefaulttimeout(None)
c.close()
a.close()
b.close()
probe = socket.socket()
probe.bind(('127.0.0.1', 0))
closed_port = probe.getsockname()[1]
probe.close()
s = socket.socket()
try:
    s.connect(('127.0.0.1', closed_port))
except ConnectionRefusedError as e:
    print(type(e).__name__, errno.errorcode[e.errno], e.strerror)
s.close()
try:
    socket.socket(12345, socket.SOCK_STREAM)
except OSError as e:
    print(type(e).__name__, errno.errorcode[e.errno])
try:
    socket.socket().connect('127.0.0.1')
except TypeError as e:
    print('TypeError', e)
try:
    socket.socket().bind(('127.0.0.1', 70000))
except OverflowError as e:
    print('OverflowError', e)
try:
    socket.socket().settimeout(-1)
except ValueError as e:
    print('ValueError', e)

# epoll directly
import select
ep = select.epoll()
a, b = socket.socketpair()
ep.register(a.fileno(), select.EPOLLIN)
print(ep.poll(0))
b.send(b'!')
print(ep.poll(1) == [(a.fileno(), select.EPOLLIN)])
try:
    ep.register(a.fileno(), select.EPOLLIN)
except FileExistsError:
    print('FileExistsError')
ep.unregister(a)
with ep:
    print(ep.closed)
print(ep.closed)
a.close()
b.close()
