//! `mappingproxy` (`types.MappingProxyType`): a read-only view of a
//! mapping. `cls.__dict__` is one over the class dict, as in CPython, so
//! `types.MappingProxyType` is a type of its own rather than `dict` (pprint
//! and others dispatch on the difference).
//!
//! A proxy is an instance of the builtin `mappingproxy` class holding the
//! mapping in its `_mapping` attribute; its methods are the Python
//! functions of the frozen module `_heaplab_mappingproxy`, copied into the
//! class dict when the first proxy is made.

use super::*;
use crate::vm::{Args, PyResult, Vm};
use gc_api::Heap;

/// The module names this file provides natively (none).
pub const MODULES: &[&str] = &[];

/// Frozen Python source this file adds (name, source).
pub const FROZEN: &[(&str, &str)] = &[(HELPER, SOURCE)];

/// The frozen module holding the proxy methods.
const HELPER: &str = "_heaplab_mappingproxy";

const SOURCE: &str = r#""""_heaplab_mappingproxy (frozen in heaplab): the methods of mappingproxy.

The native constructor makes an instance of the builtin mappingproxy class
and calls _init; the functions of _Proxy become mappingproxy's methods."""


def _init(proxy, mapping):
    if isinstance(mapping, (list, tuple, str)) or not hasattr(mapping, 'keys'):
        raise TypeError("mappingproxy() argument must be a mapping, not %s"
                        % type(mapping).__name__)
    proxy._mapping = mapping


class _Proxy:
    def __getitem__(self, key):
        return self._mapping[key]

    def get(self, key, default=None):
        """D.get(k[,d]) -> D[k] if k in D, else d."""
        return self._mapping.get(key, default)

    def keys(self):
        """The keys of the underlying mapping."""
        return self._mapping.keys()

    def values(self):
        """The values of the underlying mapping."""
        return self._mapping.values()

    def items(self):
        """The items of the underlying mapping."""
        return self._mapping.items()

    def copy(self):
        """A shallow copy of the underlying mapping."""
        return self._mapping.copy()

    def __iter__(self):
        return iter(self._mapping)

    def __reversed__(self):
        return reversed(self._mapping)

    def __len__(self):
        return len(self._mapping)

    def __contains__(self, key):
        return key in self._mapping

    def __eq__(self, other):
        if isinstance(other, type(self)):
            other = other._mapping
        return self._mapping == other

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = None

    def __or__(self, other):
        if isinstance(other, type(self)):
            other = other._mapping
        return self._mapping.copy() | other

    def __ror__(self, other):
        return other | self._mapping.copy()

    def __repr__(self):
        return 'mappingproxy(%r)' % (self._mapping,)

    def __str__(self):
        return str(self._mapping)


_SKIP = ('__dict__', '__weakref__', '__module__', '__qualname__', '__doc__')
_METHODS = {k: v for k, v in vars(_Proxy).items() if k not in _SKIP}
"#;

/// Makes the native constructor of `mappingproxy` this file's.
pub(super) fn install<H: Heap>(vm: &mut Vm<H>) -> PyResult<()> {
    types::set_ctor(vm, T_MAPPINGPROXY, "mappingproxy", mappingproxy_new::<H>);
    Ok(())
}

/// `mappingproxy(mapping)`.
fn mappingproxy_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_kwargs(a, "mappingproxy", &["mapping"])?;
    vm.check_count(a, "mappingproxy", 0, 1)?;
    let m = if a.n == 1 {
        vm.arg(a, 0)
    } else {
        match vm.kwarg(a, "mapping") {
            Some(m) => m,
            None => {
                return Err(
                    vm.type_error("mappingproxy() missing required argument 'mapping' (pos 1)")
                );
            }
        }
    };
    new_proxy(vm, m)
}

/// A read-only proxy of `mapping` (e.g. a class dict, for `cls.__dict__`).
pub(crate) fn new_proxy<H: Heap>(vm: &mut Vm<H>, mapping: Value) -> PyResult {
    let mark = vm.push(mapping);
    let r = make_proxy(vm, mark);
    vm.truncate(mark);
    r
}

/// A new proxy of the mapping at stack slot `m` (the stack above it is
/// this function's).
fn make_proxy<H: Heap>(vm: &mut Vm<H>, m: usize) -> PyResult {
    let module = vm.import_module(HELPER)?;
    let ms = vm.push(module);
    super::memoryview::install_methods(vm, T_MAPPINGPROXY, ms, "keys")?;
    let p = vm.new_instance(vm.class(T_MAPPINGPROXY))?;
    let ps = vm.push(p);
    let sym = vm.intern("_init");
    let f = vm.getattr(vm.st(ms), sym)?;
    let fs = vm.push(f);
    let base = vm.push(vm.st(ps));
    vm.push(vm.st(m));
    vm.call(vm.st(fs), Args::positional(base, 2))?;
    Ok(vm.st(ps))
}
