# Builtin behaviour the standard library leans on: str's Unicode
# predicates (ast.unparse uses isprintable), deleting from a bytearray
# (asyncio's StreamReader does `del buf[:n]`), and time's CPU clocks.
import time

for s in ["ab", "a\n", "", "\u00e9 x", "\u200b", "\x7f", "\u3000"]:
    print(repr(s), s.isprintable())
for s in ["42", "\u00b2", "\u00bd", "\u0661\u0662", "\u2460", "4.2", ""]:
    print(repr(s), s.isdigit(), s.isdecimal(), s.isnumeric())

b = bytearray(b"hello world")
del b[:6]
print(b)
del b[0]
print(b)
del b[::2]
print(b)
b = bytearray(b"abcdef")
del b[-1]
del b[1:100:2]
print(b, len(b))
for bad in (lambda: b.__delitem__(5), lambda: b.__delitem__("x")):
    try:
        bad()
    except Exception as e:
        print(type(e).__name__, e)

t0 = time.process_time()
x = sum(range(2_000_000))
t1 = time.process_time()
time.sleep(0.05)
t2 = time.process_time()
# CPU time advances with work, not with sleeping.
print(t1 > t0, t2 - t1 < 0.04, type(time.process_time_ns()).__name__, time.thread_time() > 0)
print(time.monotonic_ns() >= 0, type(time.thread_time_ns()).__name__)
for c in ("time", "monotonic", "perf_counter", "process_time", "thread_time"):
    i = time.get_clock_info(c)
    print(c, i.implementation, i.monotonic, i.adjustable, i.resolution > 0)
try:
    time.get_clock_info("x")
except ValueError as e:
    print("ValueError", e)
