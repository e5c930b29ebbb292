"""_heaplab_types (frozen in heaplab): types CPython implements in C that
heaplab writes in Python: GenericAlias (`list[int]`), UnionType
(`int | str`) and SimpleNamespace (`sys.implementation`)."""


def _type_repr(t):
    if t is None or t is type(None):
        return "None"
    if isinstance(t, type):
        if t.__module__ == "builtins":
            return t.__qualname__
        return "%s.%s" % (t.__module__, t.__qualname__)
    if t is ...:
        return "..."
    if t is None:
        return "None"
    return repr(t)


class GenericAlias:
    """`origin[args]`: a parameterised generic type (PEP 585)."""

    def __new__(cls, origin, args):
        self = object.__new__(cls)
        if not isinstance(args, tuple):
            args = (args,)
        self.__origin__ = origin
        self.__args__ = args
        self.__parameters__ = ()
        return self

    def __call__(self, *args, **kwargs):
        return self.__origin__(*args, **kwargs)

    def __mro_entries__(self, bases):
        return (self.__origin__,)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.__origin__, name)

    def __repr__(self):
        if len(self.__args__) == 0:
            args = "()"
        else:
            args = ", ".join(_type_repr(a) for a in self.__args__)
        return "%s[%s]" % (_type_repr(self.__origin__), args)

    def __eq__(self, other):
        if not isinstance(other, GenericAlias):
            return NotImplemented
        return self.__origin__ == other.__origin__ and self.__args__ == other.__args__

    def __hash__(self):
        return hash(self.__origin__) ^ hash(self.__args__)

    def __or__(self, other):
        return _union(self, other)

    def __ror__(self, other):
        return _union(other, self)


class UnionType:
    """`X | Y` (PEP 604)."""

    def __init__(self, args):
        self.__args__ = args

    def __repr__(self):
        return " | ".join(_type_repr(a) for a in self.__args__)

    def __eq__(self, other):
        if not isinstance(other, UnionType):
            return NotImplemented
        return set(self.__args__) == set(other.__args__)

    def __hash__(self):
        return hash(frozenset(self.__args__))

    def __or__(self, other):
        return _union(self, other)

    def __ror__(self, other):
        return _union(other, self)

    def __instancecheck__(self, obj):
        return isinstance(obj, self.__args__)

    def __subclasscheck__(self, cls):
        return issubclass(cls, self.__args__)


def _union(a, b):
    """`a | b` for types, None, GenericAlias and UnionType operands."""
    args = []
    for x in (a, b):
        if x is None:
            x = type(None)
        if isinstance(x, UnionType):
            items = x.__args__
        elif isinstance(x, (type, GenericAlias)):
            items = (x,)
        else:
            return NotImplemented
        for i in items:
            if i not in args:
                args.append(i)
    if len(args) == 1:
        return args[0]
    return UnionType(tuple(args))


class SimpleNamespace:
    """A plain attribute bag: `SimpleNamespace(a=1)`."""

    def __init__(self, mapping_or_iterable=(), /, **kwargs):
        for k, v in dict(mapping_or_iterable).items():
            setattr(self, k, v)
        for k, v in kwargs.items():
            setattr(self, k, v)

    def __repr__(self):
        items = ("%s=%r" % (k, v) for k, v in self.__dict__.items())
        return "%s(%s)" % (
            "namespace" if type(self) is SimpleNamespace else type(self).__name__,
            ", ".join(items),
        )

    def __eq__(self, other):
        if isinstance(self, SimpleNamespace) and isinstance(other, SimpleNamespace):
            return self.__dict__ == other.__dict__
        return NotImplemented


class longrange_iterator:
    """The iterator of a range whose bounds do not fit a machine word."""

    def __init__(self, start, stop, step):
        self._next = start
        self._stop = stop
        self._step = step

    def __iter__(self):
        return self

    def __next__(self):
        n = self._next
        if (self._step > 0 and n >= self._stop) or (self._step < 0 and n <= self._stop):
            raise StopIteration
        self._next = n + self._step
        return n
