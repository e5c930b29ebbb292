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


def _fill_sys(sys):
    """The `sys` attributes that are plain data, filled in at boot (CPython
    makes them struct sequences; attribute access is what callers use)."""
    sys.flags = SimpleNamespace(
        debug=0, inspect=0, interactive=0, optimize=0, dont_write_bytecode=1,
        no_user_site=1, no_site=1, ignore_environment=0, verbose=0,
        bytes_warning=0, quiet=0, hash_randomization=0, isolated=0,
        dev_mode=False, utf8_mode=0, warn_default_encoding=0, safe_path=False,
        int_max_str_digits=4300)
    sys.float_info = SimpleNamespace(
        max=1.7976931348623157e308, max_exp=1024, max_10_exp=308,
        min=2.2250738585072014e-308, min_exp=-1021, min_10_exp=-307, dig=15,
        mant_dig=53, epsilon=2.220446049250313e-16, radix=2, rounds=1)
    sys.int_info = SimpleNamespace(
        bits_per_digit=30, sizeof_digit=4, default_max_str_digits=4300,
        str_digits_check_threshold=640)
    sys.hash_info = SimpleNamespace(
        width=64, modulus=(1 << 61) - 1, inf=314159, nan=0, imag=1000003,
        algorithm="fnv", hash_bits=64, seed_bits=0, cutoff=0)
    sys.hexversion = 0x030B07F0
    sys.api_version = 1013
    sys.maxunicode = 0x10FFFF
    sys.abiflags = ""
    sys.dont_write_bytecode = True
    sys.meta_path = []
    sys.path_hooks = []
    sys.path_importer_cache = {}
    sys.orig_argv = list(sys.argv)
    sys.prefix = sys.exec_prefix = sys.base_prefix = sys.base_exec_prefix = "/usr"
    sys.platlibdir = "lib"
    sys.pycache_prefix = None
    sys.getfilesystemencoding = lambda: "utf-8"
    sys.getfilesystemencodeerrors = lambda: "surrogateescape"
    sys.getdefaultencoding = lambda: "utf-8"
    sys.getrefcount = lambda obj: 2
    sys.getswitchinterval = lambda: 0.005
    sys.setswitchinterval = lambda interval: None
    sys.is_finalizing = lambda: False
    sys.call_tracing = lambda func, args: func(*args)
    sys.settrace = sys.setprofile = lambda func: None
    sys.gettrace = sys.getprofile = lambda: None
    sys.audit = lambda event, *args: None
    sys.addaudithook = lambda hook: None
    sys.excepthook = sys.__excepthook__ = _excepthook


def _object_getstate(self):
    """object.__getstate__(): the instance dict, or None when empty."""
    try:
        d = self.__dict__
    except AttributeError:
        d = None
    return d or None


def _object_reduce_ex(self, protocol):
    """object.__reduce_ex__(protocol): what copy and pickle use, as
    CPython's copyreg protocol 2 reduction (or copyreg's protocol 0/1)."""
    import copyreg
    cls = type(self)
    reduce = getattr(cls, "__reduce__", None)
    if reduce is not None and reduce is not object.__reduce__:
        return self.__reduce__()
    if protocol < 2:
        return copyreg._reduce_ex(self, protocol)
    getnewargs = getattr(self, "__getnewargs__", None)
    args = tuple(getnewargs()) if getnewargs is not None else ()
    state = self.__getstate__()
    listitems = iter(self) if isinstance(self, list) else None
    dictitems = iter(self.items()) if isinstance(self, dict) else None
    return (copyreg.__newobj__, (cls,) + args, state, listitems, dictitems)


def _object_reduce(self):
    return _object_reduce_ex(self, 0)


def _install_object_methods(obj):
    """Methods of `object` that heaplab writes in Python."""
    obj.__getstate__ = _object_getstate
    obj.__reduce_ex__ = _object_reduce_ex
    obj.__reduce__ = _object_reduce


# Structural pattern matching (PEP 634): the checks a compiled `case`
# calls. Each returns the matched parts as a list, or None for no match.

_SELF_MATCHING = (bool, bytearray, bytes, dict, float, frozenset, int, list,
                  set, str, tuple)
_NO_ITEM = object()


def _match_sequence(subject, before, after, star):
    """A sequence pattern: the items, the starred part as one list."""
    if type(subject) not in (list, tuple):
        if isinstance(subject, (str, bytes, bytearray)):
            return None
        import _collections_abc
        if not isinstance(subject, _collections_abc.Sequence):
            return None
    n = len(subject)
    if star:
        if n < before + after:
            return None
        items = list(subject)
        return items[:before] + [items[before:n - after]] + items[n - after:]
    if n != before:
        return None
    return list(subject)


def _match_mapping(subject, keys, rest):
    """A mapping pattern: the values of `keys` (and the rest as a dict)."""
    if not isinstance(subject, dict):
        import _collections_abc
        if not isinstance(subject, _collections_abc.Mapping):
            return None
    if len(set(keys)) != len(keys):
        raise ValueError("mapping pattern checks duplicate key (%r)" % (keys,))
    values = []
    for k in keys:
        v = subject.get(k, _NO_ITEM)
        if v is _NO_ITEM:
            return None
        values.append(v)
    if rest:
        r = dict(subject)
        for k in keys:
            del r[k]
        values.append(r)
    return values


def _match_class(subject, cls, npos, kwnames):
    """A class pattern: the positional (via `__match_args__`) and keyword
    attributes."""
    if not isinstance(cls, type):
        raise TypeError("called match pattern must be a class")
    if not isinstance(subject, cls):
        return None
    values = []
    seen = set()
    if npos:
        if npos == 1 and any(issubclass(cls, t) for t in _SELF_MATCHING) and \
                "__match_args__" not in cls.__dict__:
            values.append(subject)
        else:
            args = getattr(cls, "__match_args__", ())
            if not isinstance(args, tuple):
                raise TypeError("%s.__match_args__ must be a tuple (got %s)"
                                % (cls.__name__, type(args).__name__))
            if npos > len(args):
                raise TypeError("%s() accepts %d positional sub-pattern%s (%d given)"
                                % (cls.__name__, len(args),
                                   "" if len(args) == 1 else "s", npos))
            for name in args[:npos]:
                seen.add(name)
                try:
                    values.append(getattr(subject, name))
                except AttributeError:
                    return None
    for name in kwnames:
        if name in seen:
            raise TypeError("%s() got multiple sub-patterns for attribute %r"
                            % (cls.__name__, name))
        try:
            values.append(getattr(subject, name))
        except AttributeError:
            return None
    return values


def _excepthook(exc_type, value, tb):
    """sys.excepthook: prints the traceback like CPython's default."""
    import traceback
    traceback.print_exception(exc_type, value, tb)
