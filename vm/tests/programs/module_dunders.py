"""Module-level dunders: __doc__ (this docstring), __name__, and the
modules a script imports having theirs."""
import json
import string
import _weakref

print(__doc__.splitlines()[0])
print(__name__, json.__name__, json.__doc__.splitlines()[0])
print(type(string.__doc__).__name__, _weakref.__name__)
ns = {}
exec('"""exec doc"""\nx = 1', ns)
print(ns["__doc__"], ns["x"])
exec("y = 2", ns)
print(ns["__doc__"])
