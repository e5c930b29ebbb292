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
    let m = python_backed::single_arg(vm, a, "mappingproxy", "mapping")?;
    new_proxy(vm, m)
}

/// A read-only proxy of `mapping` (e.g. a class dict, for `cls.__dict__`).
pub(crate) fn new_proxy<H: Heap>(vm: &mut Vm<H>, mapping: Value) -> PyResult {
    python_backed::new_instance(vm, T_MAPPINGPROXY, HELPER, "keys", mapping)
}
