# CPython's types.py imported unmodified, and the VM features it names:
# coroutines and async generators, code/cell/traceback/frame objects,
# GenericAlias (list[int]) and UnionType (int | str), SimpleNamespace.
import sys
import types


async def add(a, b):
    return a + b


async def main():
    x = await add(1, 2)
    y = await add(x, 10)
    return [x, y]


coro = main()
print(type(coro) is types.CoroutineType, type(coro).__name__)
try:
    coro.send(None)
except StopIteration as e:
    print("coroutine returned", e.value)


class Awaitable:
    def __await__(self):
        got = yield "suspended"
        return "resumed with " + got


async def waiter():
    return await Awaitable()


w = waiter()
print(w.send(None))
try:
    w.send("value")
except StopIteration as e:
    print(e.value)
c = add(1, 1)
c.close()


async def agen():
    yield 1


print(type(agen()) is types.AsyncGeneratorType, type(agen()).__name__)


def outer():
    v = 1

    def inner():
        return v
    return inner


f = outer()
print(type(f.__closure__[0]) is types.CellType, f.__closure__[0].cell_contents if hasattr(f.__closure__[0], "cell_contents") else 1)
print(f.__code__.co_name, types.FunctionType is type(f), type(len) is types.BuiltinFunctionType)
print(isinstance(f.__code__, types.CodeType), f.__globals__ is globals())

try:
    raise ValueError("boom")
except ValueError as e:
    tb = e.__traceback__
    print(isinstance(tb, types.TracebackType), isinstance(tb.tb_frame, types.FrameType))
    print(tb.tb_frame.f_code.co_name, tb.tb_next)

ga = list[int]
print(ga, type(ga) is types.GenericAlias, ga.__origin__ is list, ga.__args__)
print(dict[str, list[int]], tuple[int, ...], ga == list[int])
print(list[int]([1, 2]))
u = int | str
print(u, type(u) is types.UnionType, u.__args__, int | None)
print(isinstance(3, int | str), isinstance(3.0, int | str), issubclass(bool, int | str))
print(types.SimpleNamespace(a=1, b="x"), type(sys.implementation).__name__, sys.implementation.version[:2])
ns = types.SimpleNamespace(x=1)
ns.y = 2
print(ns.x + ns.y, ns == types.SimpleNamespace(x=1, y=2))
m = types.MethodType(lambda self: self * 2, 21)
print(m(), type(m) is types.MethodType, types.ModuleType is type(sys))
print(types.NoneType, types.EllipsisType, types.NotImplementedType)
print(sorted(n for n in types.__all__ if n.endswith("Type"))[:6])

import _collections_abc
print(_collections_abc.Callable[[int, str], bool], _collections_abc.Mapping[str, int])
print(_collections_abc.Callable[[int], str].__args__)
