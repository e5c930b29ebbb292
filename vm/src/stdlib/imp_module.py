"""_imp (frozen in heaplab): the hooks importlib._bootstrap calls.

Heaplab's own import system loads every module an import statement names;
importlib runs on top of it as a library. This module gives importlib its
import lock (a counter: heaplab runs one thread), the built-in queries
(sys.builtin_module_names), and answers "no" to everything about CPython's
frozen-module and extension-module machinery: heaplab's frozen modules are
compiled-in Python source that only heaplab's import loads, and heaplab
cannot load C extensions.

Importing this module also appends one finder to sys.meta_path (heaplab's
import never reads sys.meta_path; importlib does): it finds modules the way
heaplab's import does and loads them by calling that import, so
importlib.import_module() and importlib.util.find_spec() work.
"""

import sys

# importlib._bootstrap._setup() reads __name__ of every built-in module in
# sys.modules; CPython's builtins dict holds it, heaplab's lacked it.
import builtins
if '__name__' not in vars(builtins):
    builtins.__name__ = 'builtins'

# importlib._bootstrap._setup() takes these from sys.modules (it could only
# create them through _imp.create_builtin otherwise).
import _thread
import _warnings
import _weakref

from _heaplab_imp import is_frozen_source as _is_frozen_source

check_hash_based_pycs = 'default'

_lock_depth = 0


def lock_held():
    """Is the import lock held?"""
    return _lock_depth > 0


def acquire_lock():
    """Acquire the (reentrant) import lock."""
    global _lock_depth
    _lock_depth += 1


def release_lock():
    """Release the import lock once."""
    global _lock_depth
    if _lock_depth == 0:
        raise RuntimeError("not holding the import lock")
    _lock_depth -= 1


def extension_suffixes():
    """File suffixes of extension modules: none (heaplab loads no C code)."""
    return []


def is_builtin(name):
    """1 if name is a native (built-in) module of heaplab, else 0."""
    return 1 if name in sys.builtin_module_names else 0


def create_builtin(spec):
    """The built-in module spec names, created by heaplab's import."""
    name = spec.name
    if name not in sys.builtin_module_names:
        raise ImportError("no built-in module named %s" % name, name=name)
    module = sys.modules.get(name)
    if module is None:
        __import__(name)
        module = sys.modules[name]
    return module


def exec_builtin(mod):
    """Built-in modules are initialised when created: nothing to do."""
    return 0


def is_frozen(name):
    """False: importlib's FrozenImporter has no modules to load in heaplab."""
    return False


def is_frozen_package(name):
    """Raise ImportError: there is no frozen module name (see is_frozen)."""
    raise ImportError("No such frozen object named %r" % (name,), name=name)


def find_frozen(name, *, withdata=False):
    """None: there is no frozen module name (see is_frozen)."""
    return None


def get_frozen_object(name, data=None):
    """Raise ImportError: there is no frozen module name (see is_frozen)."""
    raise ImportError("No such frozen object named %r" % (name,), name=name)


def init_frozen(name):
    """Raise ImportError: there is no frozen module name (see is_frozen)."""
    raise ImportError("No such frozen object named %r" % (name,), name=name)


def _frozen_module_names():
    """The frozen modules importlib may load: none."""
    return ()


def _override_frozen_modules_for_tests(override):
    """Accepted and ignored."""
    return None


def create_dynamic(spec, file=None):
    """Raise ImportError: heaplab cannot load extension modules."""
    raise ImportError("heaplab cannot load extension module %r" % (spec.name,),
                      name=spec.name)


def exec_dynamic(mod):
    """Nothing to execute (see create_dynamic)."""
    return 0


def _fix_co_filename(code, path):
    """Heaplab code objects keep the filename they were compiled with."""
    return None


_FNV_PRIME = 0x100000001B3
_MASK64 = 0xFFFFFFFFFFFFFFFF


def source_hash(key, source):
    """An 8-byte keyed hash of source (64-bit FNV-1a seeded with key; not
    CPython's SipHash, so hash-based .pyc files of the two differ)."""
    h = 0xCBF29CE484222325 ^ (key & _MASK64)
    for b in bytes(source):
        h = ((h ^ b) * _FNV_PRIME) & _MASK64
    return h.to_bytes(8, 'little')


class HeaplabImporter:
    """Meta path finder and loader over heaplab's own import: it searches
    like heaplab's import (native, then frozen, then the path entries:
    package directory before module file) and loads by importing."""

    @classmethod
    def find_spec(cls, fullname, path=None, target=None):
        """The spec of fullname if heaplab's import would find it, else None."""
        from importlib._bootstrap import ModuleSpec
        from importlib._bootstrap_external import _path_isfile, _path_join
        if path is None:
            if '.' in fullname:
                return None
            if fullname in sys.builtin_module_names:
                return ModuleSpec(fullname, cls, origin='built-in')
            if _is_frozen_source(fullname):
                return ModuleSpec(fullname, cls, origin='frozen')
            path = sys.path
        leaf = fullname.rpartition('.')[2]
        for entry in path:
            if not isinstance(entry, str):
                continue
            pkg_dir = _path_join(entry, leaf) if entry else leaf
            init = _path_join(pkg_dir, '__init__.py')
            if _path_isfile(init):
                spec = ModuleSpec(fullname, cls, origin=init, is_package=True)
                spec.submodule_search_locations.append(pkg_dir)
                spec.has_location = True
                return spec
            file = _path_join(entry, leaf + '.py') if entry else leaf + '.py'
            if _path_isfile(file):
                spec = ModuleSpec(fullname, cls, origin=file)
                spec.has_location = True
                return spec
        return None

    @staticmethod
    def create_module(spec):
        """Import spec.name with heaplab's import; the result is the module."""
        __import__(spec.name)
        return sys.modules[spec.name]

    @staticmethod
    def exec_module(module):
        """Nothing: create_module already ran the module."""
        return None

    @classmethod
    def is_package(cls, fullname):
        """Whether fullname (once imported) is a package."""
        return hasattr(sys.modules.get(fullname), '__path__')

    @classmethod
    def get_source(cls, fullname):
        """The source of fullname's file, or None."""
        module = sys.modules.get(fullname)
        path = getattr(module, '__file__', None)
        if not path or path.startswith('<'):
            return None
        with open(path, encoding='utf-8') as f:
            return f.read()


if HeaplabImporter not in sys.meta_path:
    sys.meta_path.append(HeaplabImporter)
