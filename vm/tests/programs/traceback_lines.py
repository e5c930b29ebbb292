# Traceback entries: one per frame the exception arrived in, at the line
# where it arrived, the catching frame included; a re-raise (bare `raise`,
# the end of `finally`) adds none. (exception_state.py checks the
# tracebacks kept on chained exceptions.)
import sys


def entries(tb):
    out = []
    while tb is not None:
        out.append((tb.tb_frame.f_code.co_name, tb.tb_lineno))
        tb = tb.tb_next
    return out


def fail():
    return 1 / 0


def middle():
    x = 1
    fail()
    return x


def reraise_bare():
    try:
        fail()
    except ZeroDivisionError:
        y = 2
        raise


def reraise_finally():
    try:
        reraise_bare()
    finally:
        z = 3


def handled_then_other():
    try:
        fail()
    except ZeroDivisionError:
        pass
    return {}["missing"]


try:
    middle()
except ZeroDivisionError as e:
    print(entries(e.__traceback__))
    print(entries(sys.exc_info()[2]))
try:
    reraise_finally()
except ZeroDivisionError as e:
    print(entries(e.__traceback__))
try:
    handled_then_other()
except KeyError as e:
    print(entries(e.__traceback__))
try:
    try:
        fail()
    except ZeroDivisionError:
        raise ValueError("second")
except ValueError as e:
    print(entries(e.__traceback__), type(e.__context__).__name__)
