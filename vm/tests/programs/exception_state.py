# The exception state CPython keeps: each exception's own traceback
# (stored when it is caught, continued by `raise e` and `gen.throw(e)`),
# and the exception being handled, restored when an exception escapes a
# handler, a `finally` block or a `with` exit.
import contextlib
import sys


def entries(tb):
    out = []
    while tb is not None:
        out.append((tb.tb_frame.f_code.co_name, tb.tb_lineno))
        tb = tb.tb_next
    return out


def fail(kind=KeyError):
    raise kind("boom")


def handler_raises():
    try:
        fail()
    except KeyError:
        raise ValueError("from handler")


# The context keeps its own traceback, and a second run gets a fresh
# context (the first handler's exception is no longer being handled).
for attempt in range(2):
    try:
        handler_raises()
    except ValueError as e:
        ctx = e.__context__
        print(attempt, repr(ctx), repr(ctx.__context__))
        print(" own:", entries(e.__traceback__))
        print(" context:", entries(ctx.__traceback__))

# Nested handlers inside a handler do not lose the outer traceback.
try:
    fail()
except KeyError as outer:
    try:
        fail(IndexError)
    except IndexError:
        pass
    import json  # importing runs handlers of its own

    print("outer kept:", entries(sys.exc_info()[2]))
    print("identity:", sys.exc_info()[2] is outer.__traceback__)

# `raise e` of a caught exception adds to its traceback.
try:
    fail()
except KeyError as e:
    saved = e


def reraise_saved():
    raise saved


try:
    reraise_saved()
except KeyError as e:
    print("raise e:", entries(e.__traceback__))

# with_traceback and assignment.
e = ValueError("x")
print(e.__traceback__, e.with_traceback(None) is e)
try:
    e.__traceback__ = 5
except TypeError as te:
    print("TypeError:", te)
try:
    fail()
except KeyError as k:
    tb = k.__traceback__
e.__traceback__ = tb
print("assigned:", entries(e.__traceback__))
try:
    raise e
except ValueError as v:
    print("raised with it:", entries(v.__traceback__))
e.__traceback__ = None
print("cleared:", e.__traceback__)


# An exception thrown into a generator keeps where it came from.
def catcher():
    try:
        yield 1
    except KeyError:
        print("in generator:", entries(sys.exc_info()[2]))
        yield 2


g = catcher()
next(g)
try:
    fail()
except KeyError as k:
    print("thrown, got", g.throw(type(k), k, k.__traceback__))


@contextlib.contextmanager
def managed():
    try:
        yield
    except KeyError:
        print("contextmanager:", entries(sys.exc_info()[2]))


with managed():
    fail()


# Escaping a finally block or a with exit restores the handled exception.
def finally_raises():
    try:
        fail()
    finally:
        raise RuntimeError("in finally")


try:
    finally_raises()
except RuntimeError as r:
    print("finally:", repr(r.__context__), entries(r.__traceback__))
print("after:", sys.exc_info())


class ExitRaises:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        raise OSError("in exit")


try:
    with ExitRaises():
        fail()
except OSError as o:
    print("exit:", repr(o.__context__))
print("after:", sys.exc_info())


def return_in_finally():
    try:
        fail()
    finally:
        return sys.exc_info()[0].__name__


print("return in finally:", return_in_finally(), sys.exc_info())


def except_returns():
    try:
        fail()
    except KeyError:
        return "returned"


print(except_returns(), sys.exc_info())
try:
    fail()
except KeyError:
    try:
        handler_raises()
    except ValueError as v:
        print("inner context:", repr(v.__context__), repr(v.__context__.__context__))
    print("still handling:", sys.exc_info()[0].__name__)
