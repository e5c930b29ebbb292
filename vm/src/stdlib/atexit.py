"""atexit (frozen in heaplab): functions run when the interpreter exits,
last registered first."""

_exithandlers = []


def register(func, *args, **kwargs):
    """Register func(*args, **kwargs) to run at exit; returns func."""
    _exithandlers.append((func, args, kwargs))
    return func


def unregister(func):
    """Remove every registration of func."""
    _exithandlers[:] = [h for h in _exithandlers if h[0] != func]


def _clear():
    del _exithandlers[:]


def _ncallbacks():
    return len(_exithandlers)


def _run_exitfuncs():
    """Run the handlers (last in, first out); errors are reported, not raised."""
    import sys
    while _exithandlers:
        func, args, kwargs = _exithandlers.pop()
        try:
            func(*args, **kwargs)
        except SystemExit:
            pass
        except BaseException as e:
            print("Exception ignored in atexit callback", repr(func), file=sys.stderr)
            print("%s: %s" % (type(e).__name__, e), file=sys.stderr)
