# Exceptions: try/except/else/finally, hierarchy, chaining, custom classes, with.
def attempt(f):
    try:
        r = f()
    except ZeroDivisionError:
        print("  except ZeroDivisionError")
    except (KeyError, IndexError) as e:
        print("  except lookup:", type(e).__name__)
    except Exception as e:
        print("  except Exception:", type(e).__name__, e)
    else:
        print("  else", r)
    finally:
        print("  finally")
for f in [lambda: 1 / 0, lambda: {}["k"], lambda: [][0], lambda: int("x"), lambda: 42]:
    attempt(f)
def try_finally():
    try:
        return "from try"
    finally:
        print("finally runs before return")
print(try_finally())
def finally_overrides():
    try:
        return 1
    finally:
        return 2
def finally_swallows():
    try:
        raise ValueError("lost")
    finally:
        return "swallowed"
print(finally_overrides(), finally_swallows())
out = []
for i in range(5):
    try:
        if i == 1:
            continue
        if i == 3:
            break
        out.append(i)
    finally:
        out.append("f%d" % i)
print(out)
print(issubclass(ZeroDivisionError, ArithmeticError), issubclass(KeyError, LookupError), issubclass(ValueError, Exception), issubclass(Exception, BaseException), issubclass(StopIteration, Exception), issubclass(KeyboardInterrupt, Exception))
try:
    [1, 2][5]
except LookupError as e:
    print("LookupError caught:", type(e).__name__, e)
class AppError(Exception):
    def __init__(self, msg, code):
        super().__init__(msg, code)
        self.msg, self.code = msg, code
    def __str__(self):
        return "[%d] %s" % (self.code, self.msg)
class NotFound(AppError): pass
try:
    raise NotFound("no such thing", 404)
except AppError as e:
    print(type(e).__name__, str(e), e.args, e.code, isinstance(e, Exception))
e1 = ValueError("bad value")
print(str(e1), repr(e1), e1.args, repr(ValueError()), str(ValueError()), repr(KeyError("k")), str(KeyError("k")), repr(Exception(1, "two")))
def chain():
    try:
        {}["missing"]
    except KeyError as e:
        raise RuntimeError("lookup failed") from e
try:
    chain()
except RuntimeError as e:
    print(e, "| cause:", type(e.__cause__).__name__, e.__cause__, "| context is cause:", e.__context__ is e.__cause__)
try:
    try:
        1 / 0
    except ZeroDivisionError:
        raise ValueError("during handling")
except ValueError as e:
    print(e, type(e.__context__).__name__, e.__cause__, e.__suppress_context__)
def reraise():
    try:
        int("nope")
    except ValueError:
        print("logging and re-raising")
        raise
try:
    reraise()
except ValueError as e:
    print("re-raised:", e)
class Ctx:
    def __init__(self, name, suppress=False):
        self.name, self.suppress = name, suppress
    def __enter__(self):
        print("enter", self.name)
        return self.name.upper()
    def __exit__(self, et, ev, tb):
        print("exit", self.name, et.__name__ if et else None, ev)
        return self.suppress
with Ctx("a") as v:
    print("body", v)
with Ctx("outer"), Ctx("inner", suppress=True):
    raise TypeError("suppressed")
print("after suppressed")
try:
    with Ctx("b"):
        raise KeyError("escapes")
except KeyError as e:
    print("caught", repr(e))
try:
    assert 1 + 1 == 3, "math is broken"
except AssertionError as e:
    print("AssertionError", e)
def unbound():
    undefined_local += 1
for thunk in [lambda: {"a": 1}["b"], lambda: [1][3], lambda: 5 // 0, lambda: 5 % 0, lambda: 2.0 / 0, lambda: None.foo,
              lambda: 1 + "a", lambda: int("12x"), lambda: undefined_name, unbound, lambda: [].pop(), lambda: (1, 2).index(3),
              lambda: "abc".index("z"), lambda: len(5), lambda: float("x"), lambda: [1, 2].remove(9)]:
    try:
        thunk()
    except Exception as e:
        print(type(e).__name__, e)
