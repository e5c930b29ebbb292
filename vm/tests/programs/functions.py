# Functions: arguments, closures, scopes, lambdas, recursion, decorators.
def greet(name, greeting="Hello", punct="!"):
    return greeting + ", " + name + punct
print(greet("Ann"), greet("Bob", "Hi"), greet("Cy", punct="?"), greet(greeting="Yo", name="Di"))
def kwonly(a, *, b, c=3):
    return (a, b, c)
print(kwonly(1, b=2), kwonly(1, c=4, b=5))
def posonly(a, b, /, c):
    return a + b + c
print(posonly(1, 2, 3), posonly(1, 2, c=10))
def varargs(*args, **kwargs):
    return args, sorted(kwargs.items())
print(varargs(), varargs(1, 2), varargs(x=1), varargs(1, y=2, x=3))
def mixed(a, b=2, *rest, key="k", **extra):
    return [a, b, rest, key, extra]
print(mixed(1), mixed(1, 2, 3, 4, key="K", z=26), mixed(*[9, 8, 7]), mixed(**{"a": 0, "key": "kw"}))
args = (1, 2)
kw = {"punct": "."}
print(greet(*["Eve"], **kw), posonly(*args, 3), mixed(*args, *args, **{"q": 1}, key=0))
# mutable default is shared
def acc(x, bucket=[]):
    bucket.append(x)
    return bucket
print(acc(1), acc(2), acc(3, []), acc(4))
# closures and nonlocal
def counter(start=0):
    n = start
    def inc(step=1):
        nonlocal n
        n += step
        return n
    return inc
c1, c2 = counter(), counter(100)
print(c1(), c1(), c1(5), c2(), c1())
adders = [lambda x, i=i: x + i for i in range(3)]
late = [lambda x: x + i for i in range(3)]
print([f(10) for f in adders], [f(10) for f in late])
def outer():
    x = "outer"
    def middle():
        def inner():
            return x
        return inner()
    x = "changed"
    return middle()
print(outer())
# global
total = 0
def add_total(v):
    global total
    total += v
    return total
print(add_total(5), add_total(7), total, (lambda: total * 2)())
# lambdas and functions as values
square = lambda x: x * x
compose = lambda f, g: lambda x: f(g(x))
print(square(7), compose(square, lambda x: x + 1)(3), (lambda *a, **k: (a, k))(1, b=2), (lambda: "noargs")())
ops = {"add": lambda a, b: a + b, "mul": lambda a, b: a * b}
print([ops[name](3, 4) for name in sorted(ops)], list(map(square, range(5))), sorted([3, -5, 1], key=lambda v: -abs(v)))
def apply_n(f, n, x):
    for _ in range(n):
        x = f(x)
    return x
print(apply_n(square, 3, 2), apply_n(lambda s: s + "!", 3, "hey"), apply_n(apply_n, 0, 1), greet is greet, greet != square)
# recursion
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
def fact(n):
    return 1 if n <= 1 else n * fact(n - 1)
def hanoi(n, a="A", b="B", c="C"):
    return [] if n == 0 else hanoi(n - 1, a, c, b) + [(a, c)] + hanoi(n - 1, b, a, c)
def is_even(n):
    return True if n == 0 else is_odd(n - 1)
def is_odd(n):
    return False if n == 0 else is_even(n - 1)
print([fib(i) for i in range(15)], fact(25), len(hanoi(6)), hanoi(2), is_even(50), is_odd(7))
# decorators
def trace(fn):
    def wrapper(*a, **k):
        print("call", a, k)
        return fn(*a, **k)
    return wrapper
def repeat(times):
    def deco(fn):
        def wrapper(*a):
            return [fn(*a) for _ in range(times)]
        return wrapper
    return deco
@trace
def add(a, b):
    return a + b
@repeat(3)
@trace
def shout(s):
    return s.upper()
print(add(2, 3))
print(shout("hi"))
calls = []
def register(fn):
    calls.append(fn)
    return fn
@register
def one():
    return 1
@register
def two():
    return 2
print([f() for f in calls], one() + two(), calls[0] is one)
def memo(fn):
    cache = {}
    def wrapper(n):
        if n not in cache:
            cache[n] = fn(n)
        return cache[n]
    return wrapper
@memo
def slow_fib(n):
    return n if n < 2 else slow_fib(n - 1) + slow_fib(n - 2)
print(slow_fib(90))
