"""array: type codes, conversions and their errors, bytes images, slicing,
sequence operations and comparisons."""
import array
from copy import deepcopy
A = array.array
def tryit(f):
    try:
        r = f()
        print("ok", r)
    except Exception as e:
        print(type(e).__name__, e)
print(array.typecodes)
a = A('d', [1.0, 2.5, 3])
print(a, len(a), a.itemsize, a.typecode, a[1], a[-1], a[0:2], list(a))
a.append(4); a.extend([5, 6.5]); a.insert(0, -1.0)
print(a, a.index(2.5), a.count(3.0), 2.5 in a, a.pop(), a.pop(0), a)
f = A('f', [0.1, 1.5]); print(f, f.tobytes().hex())
b = A('b', b'\x01\xff\x7f'); print(b, b.tobytes())
for code, v in [('b', 128), ('b', -129), ('B', -1), ('B', 256), ('h', 1 << 15), ('H', -1), ('H', 1 << 16),
                ('i', 1 << 31), ('I', -1), ('I', 1 << 32), ('l', 1 << 63), ('L', -1), ('L', 1 << 64),
                ('q', -(1 << 63) - 1), ('Q', -1), ('i', 1.5), ('d', 'x'), ('i', 'x'), ('u', 'ab')]:
    tryit(lambda: A(code, [v]))
tryit(lambda: A('x'))
tryit(lambda: A('d', 'abc'))
tryit(lambda: A('i', b'abc'))
q = A('i', range(10)); q[2:5] = A('i', [7, 7]); del q[0]; print(q, q[::2], q * 2, 2 * A('h', [1]))
tryit(lambda: q.__setitem__(slice(0, 1), [1]))
tryit(lambda: q.__setitem__(100, 1))
tryit(lambda: q[100])
tryit(lambda: q.index(99))
tryit(lambda: A('i').pop())
q.reverse(); print(q, q.tolist(), A('i', [1, 2]) == A('i', [1, 2]), A('i', [1]) < A('i', [2]), A('i', [1]) == [1])
w = A('h', [1, 256]); w.byteswap(); print(w)
u = A('u', 'hello'); print(u, u.tounicode(), u.tobytes()[:8])
c = A('q', [1, 2]); c += A('q', [3]); c *= 2; print(c, deepcopy(c), A('d'), A('l', c))
tryit(lambda: A('i', [1]) + A('d', [1.0]))
n = A('d'); n.frombytes(A('d', [1.5, 2.5]).tobytes()); n.fromlist([3.5]); print(n, repr(A('B', [1])))
class T(A):
    __slots__ = ()
t = T('i', [1, 2]); t.frombytes(A('B', [3, 0, 0, 0])); tryit(lambda: t.frombytes(A('i'))); print(t, t + t, list(iter(t)), t.buffer_info()[1], sum(A('B', b'abc')))
tryit(lambda: A('i', [1]).__setitem__(0, None))
tryit(lambda: A('d', [1.0]).__setitem__(0, object()))
