//! `itertools`, native: CPython 3.11's iterator types as real classes.
//!
//! Every itertools type (`count`, `chain`, `groupby`, `_grouper`, `_tee`,
//! ...) is an ordinary class of module `itertools` whose `__new__`,
//! `__iter__` and `__next__` are natives. An instance keeps its whole
//! iterator state in one hidden attribute ([`STATE_ATTR`]): a traced
//! `Array` whose element 0 is the type's [`Tag`] (a small int, so a method
//! applied to the wrong object is refused) and whose other elements are the
//! type's fields (iterators, functions, flags, small-int counters). Counters
//! that may exceed a small int (`islice`'s indices, `repeat`'s count) and
//! the index vectors of the combinatoric iterators live in a pointer-free
//! `RawBytes` object of little-endian `i64` words held in one field. So the
//! collectors trace the state like any other object and nothing here needs
//! a new object kind.
//!
//! The algorithms follow the documented semantics of CPython 3.11's
//! `itertools` (including which inner iterators are consumed when, the
//! shared state of `groupby` and its groups, and the shared buffer of `tee`
//! objects); argument errors carry CPython's messages. Pickling
//! (`__reduce__`/`__setstate__`, deprecated in 3.11) is not provided.

use crate::builtins::types::collect_list;
use crate::builtins::*;
use crate::bytecode::BinOp;
use crate::object::{self, Kind, field};
use crate::value::Value;
use crate::vm::{Args, NativeFn, PyResult, Vm};
use gc_api::{Heap, ObjectRef};

/// The module names this file provides.
pub const MODULES: &[&str] = &["itertools"];

/// Frozen Python source this file adds (none: the module is native).
pub const FROZEN: &[(&str, &str)] = &[];

/// The instance attribute holding an itertools object's state array.
const STATE_ATTR: &str = "_itertools_state";

/// The itertools types; the discriminant is the tag stored in element 0 of
/// each instance's state array and indexes [`TYPE_NAMES`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tag {
    Count,
    Cycle,
    Repeat,
    Accumulate,
    Chain,
    Compress,
    DropWhile,
    TakeWhile,
    FilterFalse,
    GroupBy,
    Grouper,
    ISlice,
    Pairwise,
    StarMap,
    Tee,
    ZipLongest,
    Product,
    Permutations,
    Combinations,
    CombinationsWithReplacement,
}

/// Class names, in `Tag` order.
const TYPE_NAMES: &[&str] = &[
    "count",
    "cycle",
    "repeat",
    "accumulate",
    "chain",
    "compress",
    "dropwhile",
    "takewhile",
    "filterfalse",
    "groupby",
    "_grouper",
    "islice",
    "pairwise",
    "starmap",
    "_tee",
    "zip_longest",
    "product",
    "permutations",
    "combinations",
    "combinations_with_replacement",
];

const ALL_TAGS: [Tag; 20] = [
    Tag::Count,
    Tag::Cycle,
    Tag::Repeat,
    Tag::Accumulate,
    Tag::Chain,
    Tag::Compress,
    Tag::DropWhile,
    Tag::TakeWhile,
    Tag::FilterFalse,
    Tag::GroupBy,
    Tag::Grouper,
    Tag::ISlice,
    Tag::Pairwise,
    Tag::StarMap,
    Tag::Tee,
    Tag::ZipLongest,
    Tag::Product,
    Tag::Permutations,
    Tag::Combinations,
    Tag::CombinationsWithReplacement,
];

impl Tag {
    fn name(self) -> &'static str {
        TYPE_NAMES[self as usize]
    }
}

// Field indices of the state arrays (element 0 is the tag).
const F1: usize = 1;
const F2: usize = 2;
const F3: usize = 3;
const F4: usize = 4;
const F5: usize = 5;
const F6: usize = 6;
const F7: usize = 7;

// count: current value, step.
const COUNT_CNT: usize = F1;
const COUNT_STEP: usize = F2;
// cycle: source iterator (NULL after the first pass), saved items, index.
const CYCLE_IT: usize = F1;
const CYCLE_SAVED: usize = F2;
const CYCLE_INDEX: usize = F3;
// repeat: element, words [remaining count, -1 for forever].
const REPEAT_ELEM: usize = F1;
const REPEAT_WORDS: usize = F2;
// accumulate: running total (NULL before the first item), iterator,
// function (None for +), initial value (NULL once emitted).
const ACC_TOTAL: usize = F1;
const ACC_IT: usize = F2;
const ACC_FUNC: usize = F3;
const ACC_INITIAL: usize = F4;
// chain: iterator over the iterables (NULL when done), active iterator.
const CHAIN_SOURCE: usize = F1;
const CHAIN_ACTIVE: usize = F2;
// compress: data iterator, selectors iterator.
const COMPRESS_DATA: usize = F1;
const COMPRESS_SEL: usize = F2;
// dropwhile / takewhile / filterfalse / starmap: function, iterator, flag
// (dropwhile: predicate failed once; takewhile: predicate failed).
const PRED_FUNC: usize = F1;
const PRED_IT: usize = F2;
const PRED_FLAG: usize = F3;
// groupby: iterator, key function, target key, current key, current
// value, the current group, the `_grouper` class.
const GB_IT: usize = F1;
const GB_KEYFUNC: usize = F2;
const GB_TGTKEY: usize = F3;
const GB_CURRKEY: usize = F4;
const GB_CURRVALUE: usize = F5;
const GB_CURRGROUPER: usize = F6;
const GB_GROUPER_CLS: usize = F7;
// _grouper: parent groupby, the group's key.
const GROUPER_PARENT: usize = F1;
const GROUPER_TGTKEY: usize = F2;
// islice: iterator (NULL when exhausted), words [next, stop, step, count].
const ISLICE_IT: usize = F1;
const ISLICE_WORDS: usize = F2;
const IS_NEXT: usize = 0;
const IS_STOP: usize = 1;
const IS_STEP: usize = 2;
const IS_CNT: usize = 3;
// pairwise: iterator (NULL when exhausted), previous item.
const PAIR_IT: usize = F1;
const PAIR_OLD: usize = F2;
// _tee: current link of the shared buffer, index into it.
const TEE_LINK: usize = F1;
const TEE_INDEX: usize = F2;
// zip_longest: array of iterators (NULL once exhausted), active count,
// fill value.
const ZL_ITERS: usize = F1;
const ZL_ACTIVE: usize = F2;
const ZL_FILL: usize = F3;
// product / permutations / combinations(_with_replacement): the pool(s),
// words [started, stopped, r, ...index vectors].
const COMB_POOL: usize = F1;
const COMB_WORDS: usize = F2;
const W_STARTED: usize = 0;
const W_STOPPED: usize = 1;
const W_R: usize = 2;
const W_INDICES: usize = 3;

/// Items per link of a tee buffer. A link is an `Array`:
/// `[iterator, next link, filled count, running flag, items...]`.
const TEE_LINK_ITEMS: usize = 57;
const LINK_IT: usize = 0;
const LINK_NEXT: usize = 1;
const LINK_COUNT: usize = 2;
const LINK_RUNNING: usize = 3;
const LINK_ITEMS: usize = 4;

/// Fills in module `name`, rooted at stack slot `ms`.
pub(crate) fn init<H: Heap>(vm: &mut Vm<H>, _name: &str, ms: usize) -> PyResult<()> {
    vm.intern(STATE_ATTR);
    for tag in ALL_TAGS {
        let object = vm.class(T_OBJECT);
        let cls = vm.make_class(tag.name(), &[object], Value::NULL, "itertools")?;
        let cs = vm.push(cls);
        let mut methods: Vec<(&'static str, NativeFn<H>)> = vec![
            ("__new__", constructor::<H>(tag)),
            ("__iter__", return_self::<H>),
            ("__next__", next_method::<H>(tag)),
        ];
        match tag {
            Tag::Count => methods.push(("__repr__", count_repr::<H>)),
            Tag::Repeat => {
                methods.push(("__repr__", repeat_repr::<H>));
                methods.push(("__length_hint__", repeat_length_hint::<H>));
            }
            Tag::Tee => methods.push(("__copy__", tee_copy_method::<H>)),
            _ => {}
        }
        for (n, f) in methods {
            let d = object::get(vm.st(cs).as_obj(), field::CLS_DICT);
            vm.def_fn(d, n, f);
        }
        if tag == Tag::Chain {
            vm.def_native_classmethod(vm.st(cs), "from_iterable", chain_from_iterable::<H>)?;
        }
        vm.module_set(vm.st(ms), tag.name(), vm.st(cs))?;
        vm.truncate(cs);
    }
    vm.module_fn(ms, "tee", tee_fn::<H>)?;
    Ok(())
}

fn constructor<H: Heap>(tag: Tag) -> NativeFn<H> {
    match tag {
        Tag::Count => count_new::<H>,
        Tag::Cycle => cycle_new::<H>,
        Tag::Repeat => repeat_new::<H>,
        Tag::Accumulate => accumulate_new::<H>,
        Tag::Chain => chain_new::<H>,
        Tag::Compress => compress_new::<H>,
        Tag::DropWhile => |vm, a| predicate_new(vm, a, Tag::DropWhile),
        Tag::TakeWhile => |vm, a| predicate_new(vm, a, Tag::TakeWhile),
        Tag::FilterFalse => |vm, a| predicate_new(vm, a, Tag::FilterFalse),
        Tag::StarMap => |vm, a| predicate_new(vm, a, Tag::StarMap),
        Tag::GroupBy => groupby_new::<H>,
        Tag::Grouper => grouper_new::<H>,
        Tag::ISlice => islice_new::<H>,
        Tag::Pairwise => pairwise_new::<H>,
        Tag::Tee => tee_new::<H>,
        Tag::ZipLongest => zip_longest_new::<H>,
        Tag::Product => product_new::<H>,
        Tag::Permutations => permutations_new::<H>,
        Tag::Combinations => |vm, a| combinations_new(vm, a, Tag::Combinations),
        Tag::CombinationsWithReplacement => {
            |vm, a| combinations_new(vm, a, Tag::CombinationsWithReplacement)
        }
    }
}

/// The `__next__` native of `tag`'s class: checks `self`, runs the type's
/// step, and turns exhaustion into `StopIteration`.
fn next_method<H: Heap>(tag: Tag) -> NativeFn<H> {
    macro_rules! next_of_tag {
        ($t:expr) => {
            |vm, a| {
                check_self(vm, a, $t, "__next__")?;
                match step(vm, $t, a.base)? {
                    Some(v) => Ok(v),
                    None => Err(vm.raise_msg(T_STOP_ITERATION, "")),
                }
            }
        };
    }
    match tag {
        Tag::Count => next_of_tag!(Tag::Count),
        Tag::Cycle => next_of_tag!(Tag::Cycle),
        Tag::Repeat => next_of_tag!(Tag::Repeat),
        Tag::Accumulate => next_of_tag!(Tag::Accumulate),
        Tag::Chain => next_of_tag!(Tag::Chain),
        Tag::Compress => next_of_tag!(Tag::Compress),
        Tag::DropWhile => next_of_tag!(Tag::DropWhile),
        Tag::TakeWhile => next_of_tag!(Tag::TakeWhile),
        Tag::FilterFalse => next_of_tag!(Tag::FilterFalse),
        Tag::StarMap => next_of_tag!(Tag::StarMap),
        Tag::GroupBy => next_of_tag!(Tag::GroupBy),
        Tag::Grouper => next_of_tag!(Tag::Grouper),
        Tag::ISlice => next_of_tag!(Tag::ISlice),
        Tag::Pairwise => next_of_tag!(Tag::Pairwise),
        Tag::Tee => next_of_tag!(Tag::Tee),
        Tag::ZipLongest => next_of_tag!(Tag::ZipLongest),
        Tag::Product => next_of_tag!(Tag::Product),
        Tag::Permutations => next_of_tag!(Tag::Permutations),
        Tag::Combinations => next_of_tag!(Tag::Combinations),
        Tag::CombinationsWithReplacement => {
            next_of_tag!(Tag::CombinationsWithReplacement)
        }
    }
}

/// One step of the itertools object of type `tag` at stack slot `slot`:
/// its next item, or `None` when exhausted.
fn step<H: Heap>(vm: &mut Vm<H>, tag: Tag, slot: usize) -> PyResult<Option<Value>> {
    match tag {
        Tag::Count => count_next(vm, slot),
        Tag::Cycle => cycle_next(vm, slot),
        Tag::Repeat => repeat_next(vm, slot),
        Tag::Accumulate => accumulate_next(vm, slot),
        Tag::Chain => chain_next(vm, slot),
        Tag::Compress => compress_next(vm, slot),
        Tag::DropWhile => dropwhile_next(vm, slot),
        Tag::TakeWhile => takewhile_next(vm, slot),
        Tag::FilterFalse => filterfalse_next(vm, slot),
        Tag::StarMap => starmap_next(vm, slot),
        Tag::GroupBy => groupby_next(vm, slot),
        Tag::Grouper => grouper_next(vm, slot),
        Tag::ISlice => islice_next(vm, slot),
        Tag::Pairwise => pairwise_next(vm, slot),
        Tag::Tee => tee_next(vm, slot),
        Tag::ZipLongest => zip_longest_next(vm, slot),
        Tag::Product => product_next(vm, slot),
        Tag::Permutations => permutations_next(vm, slot),
        Tag::Combinations => combinations_next(vm, slot),
        Tag::CombinationsWithReplacement => cwr_next(vm, slot),
    }
}

fn return_self<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    if a.n == 0 {
        return Err(vm.type_error("descriptor '__iter__' needs an argument"));
    }
    Ok(vm.arg(a, 0))
}

// ------------------------------------------------------------ state access

/// The state array of `v` if it is an itertools object of type `tag`.
/// Never allocates (the attribute name is interned at module init).
fn state_opt<H: Heap>(vm: &mut Vm<H>, v: Value, tag: Tag) -> Option<ObjectRef> {
    if !(v.is_obj() && object::kind(v.as_obj()) == Kind::Instance) {
        return None;
    }
    let is_state = |s: Value| {
        s.is_obj()
            && object::kind(s.as_obj()) == Kind::Array
            && object::array_get(s.as_obj(), 0) == Value::int(tag as i64)
    };
    // Fast path, without hashing the attribute name: `new_object` sets the
    // state as the instance's first attribute, so while the attributes are
    // in hidden-class storage (an `Array`) it is element 0. A tagged state
    // array found there is a state of that type wherever it came from.
    let storage = object::get(v.as_obj(), field::INST_SLOTS);
    if storage.is_obj()
        && object::kind(storage.as_obj()) == Kind::Array
        && object::array_len(storage.as_obj()) > 0
        && is_state(object::array_get(storage.as_obj(), 0))
    {
        return Some(object::array_get(storage.as_obj(), 0).as_obj());
    }
    let sym = vm.intern(STATE_ATTR);
    let s = vm.inst_get(v.as_obj(), sym)?;
    is_state(s).then(|| s.as_obj())
}

/// The state array of the object at stack slot `slot`, which must be of
/// type `tag` (checked on entry to every method; re-read after anything
/// that may allocate).
fn state<H: Heap>(vm: &mut Vm<H>, slot: usize, tag: Tag) -> PyResult<ObjectRef> {
    let v = vm.st(slot);
    match state_opt(vm, v, tag) {
        Some(s) => Ok(s),
        None => Err(wrong_self(vm, v, tag, "__next__")),
    }
}

/// Refuses a method call whose `self` is not an itertools object of `tag`.
fn check_self<H: Heap>(vm: &mut Vm<H>, a: Args, tag: Tag, method: &str) -> PyResult<()> {
    if a.n == 0 {
        let msg = format!(
            "descriptor '{method}' of 'itertools.{}' object needs an argument",
            tag.name()
        );
        return Err(vm.type_error(&msg));
    }
    let v = vm.arg(a, 0);
    match state_opt(vm, v, tag) {
        Some(_) => Ok(()),
        None => Err(wrong_self(vm, v, tag, method)),
    }
}

fn wrong_self<H: Heap>(vm: &mut Vm<H>, v: Value, tag: Tag, method: &str) -> crate::vm::Exc {
    let msg = format!(
        "descriptor '{method}' requires a 'itertools.{}' object but received a '{}'",
        tag.name(),
        qualified_type_name(vm, v)
    );
    vm.type_error(&msg)
}

/// CPython's `tp_name` of `v`'s type: module-qualified for this module's
/// types, bare otherwise.
fn qualified_type_name<H: Heap>(vm: &mut Vm<H>, v: Value) -> String {
    let t = vm.type_of(v);
    let m = object::get(t.as_obj(), field::CLS_MODULE);
    let name = vm.type_name(v);
    if m.is_obj()
        && object::kind(m.as_obj()) == Kind::Str
        && object::str_of(m.as_obj()) == "itertools"
    {
        format!("itertools.{name}")
    } else {
        name
    }
}

#[inline]
fn get(s: ObjectRef, i: usize) -> Value {
    object::array_get(s, i)
}

#[inline]
fn set<H: Heap>(vm: &mut Vm<H>, s: ObjectRef, i: usize, v: Value) {
    vm.store(s, 1 + i, v);
}

/// Word `i` of a `RawBytes` words object.
fn word(w: Value, i: usize) -> i64 {
    let b = object::bytes_of(w.as_obj());
    let mut le = [0u8; 8];
    le.copy_from_slice(&b[8 * i..8 * i + 8]);
    i64::from_le_bytes(le)
}

fn set_word(w: Value, i: usize, v: i64) {
    object::bytes_of_mut(w.as_obj())[8 * i..8 * i + 8].copy_from_slice(&v.to_le_bytes());
}

/// A pointer-free words object holding `words`.
fn new_words<H: Heap>(vm: &mut Vm<H>, words: &[i64]) -> PyResult {
    let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    vm.new_bytes_kind(Kind::RawBytes, &bytes)
}

/// A new instance of class `cls` (a value on the stack at `cls_slot`) of
/// type `tag`, whose fields are the values in `stack[fields..fields+n]`.
fn new_object<H: Heap>(
    vm: &mut Vm<H>,
    cls_slot: usize,
    tag: Tag,
    fields: usize,
    n: usize,
) -> PyResult {
    let cls = vm.st(cls_slot);
    if !vm.is_class(cls) {
        let msg = format!("{}.__new__(X): X is not a type object", tag.name());
        return Err(vm.type_error(&msg));
    }
    if object::word(cls.as_obj(), field::CLS_FLAGS) & CLS_BUILTIN_LAYOUT != 0 {
        let msg = format!("{}.__new__({}) is not safe", tag.name(), vm.class_name(cls));
        return Err(vm.type_error(&msg));
    }
    let arr = vm.alloc_array(Kind::Array, n + 1)?;
    object::init(arr, 1, Value::int(tag as i64));
    for i in 0..n {
        object::init(arr, 2 + i, vm.st(fields + i));
    }
    let ss = vm.push(Value::obj(arr));
    let o = vm.new_instance(vm.st(cls_slot))?;
    let os = vm.push(o);
    let sym = vm.intern(STATE_ATTR);
    vm.inst_set(vm.st(os), sym, vm.st(ss))?;
    let o = vm.st(os);
    vm.truncate(ss);
    Ok(o)
}

/// `new_object` with the fields given as values (rooted here first).
fn new_object_of<H: Heap>(vm: &mut Vm<H>, cls: Value, tag: Tag, fields: &[Value]) -> PyResult {
    let mark = vm.push(cls);
    for &f in fields {
        vm.push(f);
    }
    let r = new_object(vm, mark, tag, mark + 1, fields.len());
    vm.truncate(mark);
    r
}

/// `next()` of the iterator `it`; `None` when exhausted. An instance of
/// one of this module's own classes (not a subclass, which may override
/// `__next__`) is stepped directly, without the `__next__` lookup and call.
fn next_of<H: Heap>(vm: &mut Vm<H>, it: Value) -> PyResult<Option<Value>> {
    let s = vm.push(it);
    let r = match exact_type(it) {
        Some(tag) => step(vm, tag, s),
        None => vm.iter_next(s),
    };
    vm.truncate(s);
    r
}

/// The type of `v` if it is an instance of exactly one of this module's
/// classes, found by its state array (the fast path of `state_opt`) and
/// confirmed by its class's module and name. Never allocates.
fn exact_type(v: Value) -> Option<Tag> {
    if !(v.is_obj() && object::kind(v.as_obj()) == Kind::Instance) {
        return None;
    }
    let storage = object::get(v.as_obj(), field::INST_SLOTS);
    if !(storage.is_obj()
        && object::kind(storage.as_obj()) == Kind::Array
        && object::array_len(storage.as_obj()) > 0)
    {
        return None;
    }
    let st = object::array_get(storage.as_obj(), 0);
    if !(st.is_obj() && object::kind(st.as_obj()) == Kind::Array) {
        return None;
    }
    let t = object::array_get(st.as_obj(), 0);
    let tag = *ALL_TAGS.get(t.to_int().and_then(|i| usize::try_from(i).ok())?)?;
    let cls = object::get(v.as_obj(), field::INST_CLASS).as_obj();
    let is_str = |x: Value, s: &str| {
        x.is_obj() && object::kind(x.as_obj()) == Kind::Str && object::str_of(x.as_obj()) == s
    };
    (is_str(object::get(cls, field::CLS_MODULE), "itertools")
        && is_str(object::get(cls, field::CLS_NAME), tag.name()))
    .then_some(tag)
}

/// Exhaustion of an itertools iterator (the `__next__` wrapper raises
/// `StopIteration`).
const DONE: PyResult<Option<Value>> = Ok(None);

/// An itertools class looked up in the (imported) module, for objects one
/// type creates of another (`groupby` groups, `tee` objects).
fn module_class<H: Heap>(vm: &mut Vm<H>, name: &str) -> PyResult {
    let m = vm.import_module("itertools")?;
    let sym = vm.intern(name);
    let c = vm.getattr(m, sym)?;
    if !vm.is_class(c) {
        let msg = format!("itertools.{name} is not a class");
        return Err(vm.raise_msg(T_RUNTIME_ERROR, &msg));
    }
    Ok(c)
}

// ------------------------------------------------------- argument binding

/// A constructor's parameters under Argument Clinic's rules.
struct Params {
    func: &'static str,
    names: &'static [&'static str],
    required: usize,
    /// Index of the first keyword-only parameter (`names.len()` if none).
    kwonly: usize,
}

/// Binds positional and keyword arguments to `p`'s parameters; each entry
/// is the stack slot holding the argument, `None` when not passed.
fn bind<H: Heap>(vm: &mut Vm<H>, a: Args, p: &Params) -> PyResult<Vec<Option<usize>>> {
    let nkw = vm.nkw(a);
    let max = p.names.len();
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    if a.n + nkw > max {
        let msg = format!(
            "{}() takes at most {max} argument{} ({} given)",
            p.func,
            plural(max),
            a.n + nkw
        );
        return Err(vm.type_error(&msg));
    }
    if a.n > p.kwonly {
        let msg = format!(
            "{}() takes at most {} positional argument{} ({} given)",
            p.func,
            p.kwonly,
            plural(p.kwonly),
            a.n
        );
        return Err(vm.type_error(&msg));
    }
    let kwnames: Vec<String> = if nkw == 0 {
        Vec::new()
    } else {
        let kw = vm.kwnames(a).as_obj();
        (0..nkw)
            .map(|i| object::str_of(object::array_get(kw, i).as_obj()).to_string())
            .collect()
    };
    let mut out = Vec::with_capacity(max);
    let mut used = 0;
    for (i, &name) in p.names.iter().enumerate() {
        let by_name = kwnames.iter().position(|k| k == name);
        if by_name.is_some() {
            used += 1;
        }
        let slot = if i < a.n {
            if by_name.is_some() {
                let msg = format!(
                    "argument for {}() given by name ('{name}') and position ({})",
                    p.func,
                    i + 1
                );
                return Err(vm.type_error(&msg));
            }
            Some(a.base + i)
        } else {
            by_name.map(|j| a.base + a.n + j)
        };
        if slot.is_none() && i < p.required {
            let msg = format!(
                "{}() missing required argument '{name}' (pos {})",
                p.func,
                i + 1
            );
            return Err(vm.type_error(&msg));
        }
        out.push(slot);
    }
    if used < nkw {
        let bad = kwnames
            .iter()
            .find(|k| !p.names.contains(&k.as_str()))
            .expect("an unknown keyword");
        let msg = format!("'{bad}' is an invalid keyword argument for {}()", p.func);
        return Err(vm.type_error(&msg));
    }
    Ok(out)
}

/// Argument Clinic's check for positional-only parameters: `name expected
/// N arguments, got M` and "takes no keyword arguments".
fn positional_only<H: Heap>(
    vm: &mut Vm<H>,
    a: Args,
    name: &str,
    min: usize,
    max: usize,
) -> PyResult<()> {
    if vm.nkw(a) > 0 {
        let msg = format!("{name}() takes no keyword arguments");
        return Err(vm.type_error(&msg));
    }
    if a.n < min || a.n > max {
        let (bound, what) = if min == max {
            (min, "")
        } else if a.n < min {
            (min, "at least ")
        } else {
            (max, "at most ")
        };
        let msg = format!(
            "{name} expected {what}{bound} argument{}, got {}",
            if bound == 1 { "" } else { "s" },
            a.n
        );
        return Err(vm.type_error(&msg));
    }
    Ok(())
}

/// `PyNumber_AsSsize_t` with its error swallowed, as islice does: -1 on
/// any failure.
fn ssize_or_minus_one<H: Heap>(vm: &mut Vm<H>, v: Value) -> i64 {
    match vm.index_value(v) {
        Ok(Some(i)) => i,
        Ok(None) => -1,
        Err(_) => {
            vm.rt.exc = Value::NULL;
            -1
        }
    }
}

/// `tuple(v)` (the same object for an exact tuple).
fn to_tuple<H: Heap>(vm: &mut Vm<H>, v: Value) -> PyResult {
    if v.is_obj() && object::kind(v.as_obj()) == Kind::Tuple {
        return Ok(v);
    }
    let l = collect_list(vm, v)?;
    let ls = vm.push(l);
    let n = Vm::<H>::list_len(l);
    let t = vm.alloc_array(Kind::Tuple, n)?;
    let l = vm.st(ls);
    for i in 0..n {
        object::init(t, 1 + i, Vm::<H>::list_get(l, i));
    }
    vm.truncate(ls);
    Ok(Value::obj(t))
}

// ------------------------------------------------------------------ count

fn is_number<H: Heap>(vm: &mut Vm<H>, v: Value) -> bool {
    if crate::num::is_int(v) || v.is_bool() {
        return true;
    }
    if v.is_obj() && matches!(object::kind(v.as_obj()), Kind::Float) {
        return true;
    }
    ["__index__", "__int__", "__float__", "__complex__"]
        .iter()
        .any(|m| vm.type_method(v, m).is_some())
}

fn count_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let a = Args {
        base: a.base + 1,
        n: a.n - 1,
        kw: a.kw,
    };
    let p = Params {
        func: "count",
        names: &["start", "step"],
        required: 0,
        kwonly: 2,
    };
    let slots = bind(vm, a, &p)?;
    let start = slots[0].map_or(Value::int(0), |s| vm.st(s));
    let step = slots[1].map_or(Value::int(1), |s| vm.st(s));
    if !is_number(vm, start) || !is_number(vm, step) {
        return Err(vm.type_error("a number is required"));
    }
    let start = slots[0].map_or(Value::int(0), |s| vm.st(s));
    let step = slots[1].map_or(Value::int(1), |s| vm.st(s));
    let cls = vm.st(a.base - 1);
    new_object_of(vm, cls, Tag::Count, &[start, step])
}

fn count_next<H: Heap>(vm: &mut Vm<H>, slot: usize) -> PyResult<Option<Value>> {
    let s = state(vm, slot, Tag::Count)?;
    let (cnt, step) = (get(s, COUNT_CNT), get(s, COUNT_STEP));
    if cnt.is_int()
        && step.is_int()
        && let Some(n) = cnt
            .as_int()
            .checked_add(step.as_int())
            .and_then(Value::try_int)
    {
        set(vm, s, COUNT_CNT, n);
        return Ok(Some(cnt));
    }
    let m = vm.push(cnt);
    vm.push(step);
    let next = vm.binary_op(BinOp::Add, vm.st(m), vm.st(m + 1), false)?;
    let s = state(vm, slot, Tag::Count)?;
    set(vm, s, COUNT_CNT, next);
    let r = vm.st(m);
    vm.truncate(m);
    Ok(Some(r))
}

fn count_repr<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    check_self(vm, a, Tag::Count, "__repr__")?;
    let s = state(vm, a.base, Tag::Count)?;
    let (cnt, step) = (get(s, COUNT_CNT), get(s, COUNT_STEP));
    let m = vm.push(cnt);
    vm.push(step);
    let c = vm.repr_string(vm.st(m))?;
    let step = vm.st(m + 1);
    let step_is_one = crate::num::is_int(step) && step == Value::int(1) || step == Value::TRUE;
    let text = if step_is_one {
        format!("{}({c})", vm.type_name(vm.st(a.base)))
    } else {
        let st = vm.repr_string(step)?;
        format!("{}({c}, {st})", vm.type_name(vm.st(a.base)))
    };
    vm.truncate(m);
    vm.new_str(&text)
}

// ------------------------------------------------------------------ cycle

fn cycle_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let args = Args {
        base: a.base + 1,
        n: a.n - 1,
        kw: a.kw,
    };
    positional_only(vm, args, "cycle", 1, 1)?;
    let it = vm.get_iter(vm.arg(args, 0))?;
    let its = vm.push(it);
    let saved = vm.new_list(0)?;
    vm.push(saved);
    vm.push(Value::int(0));
    let r = new_object(vm, a.base, Tag::Cycle, its, 3);
    vm.truncate(its);
    r
}

fn cycle_next<H: Heap>(vm: &mut Vm<H>, slot: usize) -> PyResult<Option<Value>> {
    let s = state(vm, slot, Tag::Cycle)?;
    let it = get(s, CYCLE_IT);
    if !it.is_null() {
        if let Some(v) = next_of(vm, it)? {
            let vs = vm.push(v);
            let s = state(vm, slot, Tag::Cycle)?;
            vm.list_append(get(s, CYCLE_SAVED), vm.st(vs))?;
            let v = vm.st(vs);
            vm.truncate(vs);
            return Ok(Some(v));
        }
        let s = state(vm, slot, Tag::Cycle)?;
        set(vm, s, CYCLE_IT, Value::NULL);
    }
    let s = state(vm, slot, Tag::Cycle)?;
    let saved = get(s, CYCLE_SAVED);
    let n = Vm::<H>::list_len(saved);
    if n == 0 {
        return DONE;
    }
    let i = get(s, CYCLE_INDEX).as_int() as usize;
    let v = Vm::<H>::list_get(saved, i);
    set(vm, s, CYCLE_INDEX, Value::int(((i + 1) % n) as i64));
    Ok(Some(v))
}

// ----------------------------------------------------------------- repeat

fn repeat_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let args = Args {
        base: a.base + 1,
        n: a.n - 1,
        kw: a.kw,
    };
    let p = Params {
        func: "repeat",
        names: &["object", "times"],
        required: 1,
        kwonly: 2,
    };
    let slots = bind(vm, args, &p)?;
    let times = match slots[1] {
        Some(s) => vm.index_int(vm.st(s))?.max(0),
        None => -1,
    };
    let w = new_words(vm, &[times])?;
    let ws = vm.push(w);
    let elem = slots[0].map_or(Value::NONE, |s| vm.st(s));
    let r = new_object_of(vm, vm.st(a.base), Tag::Repeat, &[elem, vm.st(ws)]);
    vm.truncate(ws);
    r
}

fn repeat_next<H: Heap>(vm: &mut Vm<H>, slot: usize) -> PyResult<Option<Value>> {
    let s = state(vm, slot, Tag::Repeat)?;
    let w = get(s, REPEAT_WORDS);
    match word(w, 0) {
        0 => DONE,
        -1 => Ok(Some(get(s, REPEAT_ELEM))),
        n => {
            set_word(w, 0, n - 1);
            Ok(Some(get(s, REPEAT_ELEM)))
        }
    }
}

fn repeat_repr<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    check_self(vm, a, Tag::Repeat, "__repr__")?;
    let s = state(vm, a.base, Tag::Repeat)?;
    let times = word(get(s, REPEAT_WORDS), 0);
    let e = vm.repr_string(get(s, REPEAT_ELEM))?;
    let name = vm.type_name(vm.st(a.base));
    let text = if times < 0 {
        format!("{name}({e})")
    } else {
        format!("{name}({e}, {times})")
    };
    vm.new_str(&text)
}

fn repeat_length_hint<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    check_self(vm, a, Tag::Repeat, "__length_hint__")?;
    let s = state(vm, a.base, Tag::Repeat)?;
    match word(get(s, REPEAT_WORDS), 0) {
        -1 => Err(vm.type_error("len() of unsized object")),
        n => vm.int_from_i64(n),
    }
}

// ------------------------------------------------------------- accumulate

fn accumulate_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let args = Args {
        base: a.base + 1,
        n: a.n - 1,
        kw: a.kw,
    };
    let p = Params {
        func: "accumulate",
        names: &["iterable", "func", "initial"],
        required: 1,
        kwonly: 2,
    };
    let slots = bind(vm, args, &p)?;
    let it = vm.get_iter(vm.st(slots[0].expect("required")))?;
    let its = vm.push(it);
    let func = slots[1].map_or(Value::NONE, |s| vm.st(s));
    let initial = slots[2].map_or(Value::NONE, |s| vm.st(s));
    let initial = if initial.is_none() {
        Value::NULL
    } else {
        initial
    };
    let fields = [Value::NULL, vm.st(its), func, initial];
    let r = new_object_of(vm, vm.st(a.base), Tag::Accumulate, &fields);
    vm.truncate(its);
    r
}

fn accumulate_next<H: Heap>(vm: &mut Vm<H>, slot: usize) -> PyResult<Option<Value>> {
    let s = state(vm, slot, Tag::Accumulate)?;
    let initial = get(s, ACC_INITIAL);
    if !initial.is_null() {
        set(vm, s, ACC_TOTAL, initial);
        set(vm, s, ACC_INITIAL, Value::NULL);
        return Ok(Some(initial));
    }
    let Some(v) = next_of(vm, get(s, ACC_IT))? else {
        return DONE;
    };
    let s = state(vm, slot, Tag::Accumulate)?;
    let total = get(s, ACC_TOTAL);
    let total = if total.is_null() {
        v
    } else {
        let func = get(s, ACC_FUNC);
        if func.is_none() {
            vm.binary_op(BinOp::Add, total, v, false)?
        } else {
            vm.call_values(func, &[total, v])?
        }
    };
    let ts = vm.push(total);
    let s = state(vm, slot, Tag::Accumulate)?;
    set(vm, s, ACC_TOTAL, vm.st(ts));
    let t = vm.st(ts);
    vm.truncate(ts);
    Ok(Some(t))
}

// ------------------------------------------------------------------ chain

fn chain_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    if vm.nkw(a) > 0 {
        return Err(vm.type_error("chain() takes no keyword arguments"));
    }
    let args = vm.tuple_from_stack(a.base + 1, a.n - 1)?;
    let source = vm.get_iter(args)?;
    new_object_of(vm, vm.st(a.base), Tag::Chain, &[source, Value::NULL])
}

fn chain_from_iterable<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let args = Args {
        base: a.base + 1,
        n: a.n.saturating_sub(1),
        kw: a.kw,
    };
    vm.check_args(args, "chain.from_iterable", 1, 1)?;
    let source = vm.get_iter(vm.arg(args, 0))?;
    new_object_of(vm, vm.st(a.base), Tag::Chain, &[source, Value::NULL])
}

fn chain_next<H: Heap>(vm: &mut Vm<H>, slot: usize) -> PyResult<Option<Value>> {
    loop {
        let s = state(vm, slot, Tag::Chain)?;
        let source = get(s, CHAIN_SOURCE);
        if source.is_null() {
            return DONE;
        }
        let active = get(s, CHAIN_ACTIVE);
        if active.is_null() {
            let iterable = match next_of(vm, source) {
                Ok(Some(v)) => v,
                r => {
                    let s = state(vm, slot, Tag::Chain)?;
                    set(vm, s, CHAIN_SOURCE, Value::NULL);
                    return r;
                }
            };
            let active = match vm.get_iter(iterable) {
                Ok(it) => it,
                Err(e) => {
                    let s = state(vm, slot, Tag::Chain)?;
                    set(vm, s, CHAIN_SOURCE, Value::NULL);
                    return Err(e);
                }
            };
            let s = state(vm, slot, Tag::Chain)?;
            set(vm, s, CHAIN_ACTIVE, active);
            continue;
        }
        if let Some(v) = next_of(vm, active)? {
            return Ok(Some(v));
        }
        let s = state(vm, slot, Tag::Chain)?;
        set(vm, s, CHAIN_ACTIVE, Value::NULL);
    }
}

// --------------------------------------------------------------- compress

fn compress_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let args = Args {
        base: a.base + 1,
        n: a.n - 1,
        kw: a.kw,
    };
    let p = Params {
        func: "compress",
        names: &["data", "selectors"],
        required: 2,
        kwonly: 2,
    };
    let slots = bind(vm, args, &p)?;
    let data = vm.get_iter(vm.st(slots[0].expect("required")))?;
    let ds = vm.push(data);
    let sel = vm.get_iter(vm.st(slots[1].expect("required")))?;
    vm.push(sel);
    let r = new_object(vm, a.base, Tag::Compress, ds, 2);
    vm.truncate(ds);
    r
}

fn compress_next<H: Heap>(vm: &mut Vm<H>, slot: usize) -> PyResult<Option<Value>> {
    loop {
        let s = state(vm, slot, Tag::Compress)?;
        let Some(d) = next_of(vm, get(s, COMPRESS_DATA))? else {
            return DONE;
        };
        let ds = vm.push(d);
        let s = state(vm, slot, Tag::Compress)?;
        let Some(sel) = next_of(vm, get(s, COMPRESS_SEL))? else {
            vm.truncate(ds);
            return DONE;
        };
        let keep = vm.truthy(sel)?;
        let d = vm.st(ds);
        vm.truncate(ds);
        if keep {
            return Ok(Some(d));
        }
    }
}

// ---------------------------- dropwhile, takewhile, filterfalse, starmap

/// The constructors of the four `(function, iterable)` types.
fn predicate_new<H: Heap>(vm: &mut Vm<H>, a: Args, tag: Tag) -> PyResult {
    let args = Args {
        base: a.base + 1,
        n: a.n - 1,
        kw: a.kw,
    };
    positional_only(vm, args, tag.name(), 2, 2)?;
    let it = vm.get_iter(vm.arg(args, 1))?;
    let fields = [vm.arg(args, 0), it, Value::FALSE];
    new_object_of(vm, vm.st(a.base), tag, &fields)
}

/// `bool(func(v))` with the function from the state of the object at `slot`.
fn predicate<H: Heap>(vm: &mut Vm<H>, slot: usize, tag: Tag, v: Value) -> PyResult<bool> {
    let s = state(vm, slot, tag)?;
    let r = vm.call_values(get(s, PRED_FUNC), &[v])?;
    vm.truthy(r)
}

fn dropwhile_next<H: Heap>(vm: &mut Vm<H>, slot: usize) -> PyResult<Option<Value>> {
    loop {
        let s = state(vm, slot, Tag::DropWhile)?;
        let Some(v) = next_of(vm, get(s, PRED_IT))? else {
            return DONE;
        };
        let s = state(vm, slot, Tag::DropWhile)?;
        if get(s, PRED_FLAG) == Value::TRUE {
            return Ok(Some(v));
        }
        let vs = vm.push(v);
        let drop = predicate(vm, slot, Tag::DropWhile, v)?;
        let v = vm.st(vs);
        vm.truncate(vs);
        if !drop {
            let s = state(vm, slot, Tag::DropWhile)?;
            set(vm, s, PRED_FLAG, Value::TRUE);
            return Ok(Some(v));
        }
    }
}

fn takewhile_next<H: Heap>(vm: &mut Vm<H>, slot: usize) -> PyResult<Option<Value>> {
    let s = state(vm, slot, Tag::TakeWhile)?;
    if get(s, PRED_FLAG) == Value::TRUE {
        return DONE;
    }
    let Some(v) = next_of(vm, get(s, PRED_IT))? else {
        return DONE;
    };
    let vs = vm.push(v);
    let take = predicate(vm, slot, Tag::TakeWhile, v)?;
    let v = vm.st(vs);
    vm.truncate(vs);
    if take {
        return Ok(Some(v));
    }
    let s = state(vm, slot, Tag::TakeWhile)?;
    set(vm, s, PRED_FLAG, Value::TRUE);
    DONE
}

fn filterfalse_next<H: Heap>(vm: &mut Vm<H>, slot: usize) -> PyResult<Option<Value>> {
    loop {
        let s = state(vm, slot, Tag::FilterFalse)?;
        let Some(v) = next_of(vm, get(s, PRED_IT))? else {
            return DONE;
        };
        let vs = vm.push(v);
        let s = state(vm, slot, Tag::FilterFalse)?;
        let func = get(s, PRED_FUNC);
        let truth = if func.is_none() || func == vm.class(T_BOOL) {
            vm.truthy(v)?
        } else {
            predicate(vm, slot, Tag::FilterFalse, v)?
        };
        let v = vm.st(vs);
        vm.truncate(vs);
        if !truth {
            return Ok(Some(v));
        }
    }
}

fn starmap_next<H: Heap>(vm: &mut Vm<H>, slot: usize) -> PyResult<Option<Value>> {
    let s = state(vm, slot, Tag::StarMap)?;
    let Some(args) = next_of(vm, get(s, PRED_IT))? else {
        return DONE;
    };
    let args = to_tuple(vm, args)?;
    let s = state(vm, slot, Tag::StarMap)?;
    let mark = vm.push(get(s, PRED_FUNC));
    let n = object::array_len(args.as_obj());
    for i in 0..n {
        vm.push(object::array_get(args.as_obj(), i));
    }
    let f = vm.st(mark);
    let r = vm.call(f, Args::positional(mark + 1, n));
    vm.truncate(mark);
    r.map(Some)
}

// ---------------------------------------------------------------- groupby

fn groupby_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let args = Args {
        base: a.base + 1,
        n: a.n - 1,
        kw: a.kw,
    };
    let p = Params {
        func: "groupby",
        names: &["iterable", "key"],
        required: 1,
        kwonly: 2,
    };
    let slots = bind(vm, args, &p)?;
    let grouper = module_class(vm, "_grouper")?;
    let gs = vm.push(grouper);
    let it = vm.get_iter(vm.st(slots[0].expect("required")))?;
    let its = vm.push(it);
    let key = slots[1].map_or(Value::NONE, |s| vm.st(s));
    let n = Value::NULL;
    let fields = [vm.st(its), key, n, n, n, n, vm.st(gs)];
    let r = new_object_of(vm, vm.st(a.base), Tag::GroupBy, &fields);
    vm.truncate(gs);
    r
}

/// Advances the groupby at `slot` by one item: the new current value and
/// its key. `false` when the input is exhausted.
fn groupby_step<H: Heap>(vm: &mut Vm<H>, slot: usize) -> PyResult<bool> {
    let s = state(vm, slot, Tag::GroupBy)?;
    let Some(v) = next_of(vm, get(s, GB_IT))? else {
        return Ok(false);
    };
    let vs = vm.push(v);
    let s = state(vm, slot, Tag::GroupBy)?;
    let keyfunc = get(s, GB_KEYFUNC);
    let key = if keyfunc.is_none() {
        v
    } else {
        vm.call_values(keyfunc, &[v])?
    };
    let ks = vm.push(key);
    let s = state(vm, slot, Tag::GroupBy)?;
    set(vm, s, GB_CURRVALUE, vm.st(vs));
    set(vm, s, GB_CURRKEY, vm.st(ks));
    vm.truncate(vs);
    Ok(true)
}

fn groupby_next<H: Heap>(vm: &mut Vm<H>, slot: usize) -> PyResult<Option<Value>> {
    let s = state(vm, slot, Tag::GroupBy)?;
    set(vm, s, GB_CURRGROUPER, Value::NULL);
    // Skip the rest of the current group.
    loop {
        let s = state(vm, slot, Tag::GroupBy)?;
        let (tgt, curr) = (get(s, GB_TGTKEY), get(s, GB_CURRKEY));
        if !curr.is_null() && (tgt.is_null() || !vm.eq(tgt, curr)?) {
            break;
        }
        if !groupby_step(vm, slot)? {
            return DONE;
        }
    }
    let s = state(vm, slot, Tag::GroupBy)?;
    let key = get(s, GB_CURRKEY);
    set(vm, s, GB_TGTKEY, key);
    let cls = get(s, GB_GROUPER_CLS);
    let g = new_object_of(vm, cls, Tag::Grouper, &[vm.st(slot), key])?;
    let gs = vm.push(g);
    let s = state(vm, slot, Tag::GroupBy)?;
    set(vm, s, GB_CURRGROUPER, vm.st(gs));
    let key = get(s, GB_TGTKEY);
    let r = vm.new_tuple(&[key, vm.st(gs)])?;
    vm.truncate(gs);
    Ok(Some(r))
}

fn grouper_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let args = Args {
        base: a.base + 1,
        n: a.n - 1,
        kw: a.kw,
    };
    positional_only(vm, args, "_grouper", 2, 2)?;
    let parent = vm.arg(args, 0);
    if state_opt(vm, parent, Tag::GroupBy).is_none() {
        let msg = format!(
            "_grouper() argument 1 must be itertools.groupby, not {}",
            vm.type_name(parent)
        );
        return Err(vm.type_error(&msg));
    }
    new_object(vm, a.base, Tag::Grouper, args.base, 2)
}

fn grouper_next<H: Heap>(vm: &mut Vm<H>, slot: usize) -> PyResult<Option<Value>> {
    let g = state(vm, slot, Tag::Grouper)?;
    let ps = vm.push(get(g, GROUPER_PARENT));
    let r = grouper_next_of(vm, slot, ps);
    vm.truncate(ps);
    r
}

/// One item of the group at `slot` from its parent groupby at `ps`: none
/// once the parent has moved on to another group or the key changes.
fn grouper_next_of<H: Heap>(vm: &mut Vm<H>, slot: usize, ps: usize) -> PyResult<Option<Value>> {
    let p = state(vm, ps, Tag::GroupBy)?;
    if get(p, GB_CURRGROUPER) != vm.st(slot) {
        return DONE;
    }
    if get(p, GB_CURRVALUE).is_null() && !groupby_step(vm, ps)? {
        return DONE;
    }
    let g = state(vm, slot, Tag::Grouper)?;
    let p = state(vm, ps, Tag::GroupBy)?;
    if !vm.eq(get(g, GROUPER_TGTKEY), get(p, GB_CURRKEY))? {
        return DONE;
    }
    let p = state(vm, ps, Tag::GroupBy)?;
    let v = get(p, GB_CURRVALUE);
    set(vm, p, GB_CURRVALUE, Value::NULL);
    set(vm, p, GB_CURRKEY, Value::NULL);
    Ok(Some(v))
}

// ----------------------------------------------------------------- islice

const ISLICE_INDICES: &str =
    "Indices for islice() must be None or an integer: 0 <= x <= sys.maxsize.";
const ISLICE_STOP: &str =
    "Stop argument for islice() must be None or an integer: 0 <= x <= sys.maxsize.";

fn islice_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let args = Args {
        base: a.base + 1,
        n: a.n - 1,
        kw: a.kw,
    };
    if vm.nkw(args) > 0 {
        return Err(vm.type_error("islice() takes no keyword arguments"));
    }
    vm.check_count(args, "islice", 2, 4)?;
    let (mut start, mut stop, mut step) = (0i64, -1i64, 1i64);
    let stop_slot = if args.n == 2 { 1 } else { 2 };
    if args.n > 2 && !vm.arg(args, 1).is_none() {
        start = ssize_or_minus_one(vm, vm.arg(args, 1));
    }
    if !vm.arg(args, stop_slot).is_none() {
        stop = ssize_or_minus_one(vm, vm.arg(args, stop_slot));
        if stop == -1 {
            return Err(vm.value_error(ISLICE_STOP));
        }
    }
    if start < 0 || stop < -1 {
        return Err(vm.value_error(ISLICE_INDICES));
    }
    if args.n == 4 && !vm.arg(args, 3).is_none() {
        step = ssize_or_minus_one(vm, vm.arg(args, 3));
    }
    if step < 1 {
        return Err(vm.value_error("Step for islice() must be a positive integer or None."));
    }
    let it = vm.get_iter(vm.arg(args, 0))?;
    let its = vm.push(it);
    let w = new_words(vm, &[start, stop, step, 0])?;
    vm.push(w);
    let r = new_object(vm, a.base, Tag::ISlice, its, 2);
    vm.truncate(its);
    r
}

fn islice_next<H: Heap>(vm: &mut Vm<H>, slot: usize) -> PyResult<Option<Value>> {
    let s = state(vm, slot, Tag::ISlice)?;
    let it = get(s, ISLICE_IT);
    if it.is_null() {
        return DONE;
    }
    let its = vm.push(it);
    let r = islice_step(vm, slot, its);
    vm.truncate(its);
    if let Ok(None) = r {
        let s = state(vm, slot, Tag::ISlice)?;
        set(vm, s, ISLICE_IT, Value::NULL);
    }
    r
}

/// The next selected item of the islice at `slot` from its iterator at
/// `its` (skipping the items before it), or none at the end.
fn islice_step<H: Heap>(vm: &mut Vm<H>, slot: usize, its: usize) -> PyResult<Option<Value>> {
    let words = |vm: &mut Vm<H>| -> PyResult<Value> {
        let s = state(vm, slot, Tag::ISlice)?;
        Ok(get(s, ISLICE_WORDS))
    };
    loop {
        let w = words(vm)?;
        if word(w, IS_CNT) >= word(w, IS_NEXT) {
            break;
        }
        if vm.iter_next(its)?.is_none() {
            return DONE;
        }
        let w = words(vm)?;
        set_word(w, IS_CNT, word(w, IS_CNT) + 1);
    }
    let w = words(vm)?;
    let stop = word(w, IS_STOP);
    if stop != -1 && word(w, IS_CNT) >= stop {
        return DONE;
    }
    let Some(v) = vm.iter_next(its)? else {
        return DONE;
    };
    let w = words(vm)?;
    set_word(w, IS_CNT, word(w, IS_CNT) + 1);
    let next = match word(w, IS_NEXT).checked_add(word(w, IS_STEP)) {
        Some(n) if stop == -1 || n <= stop => n,
        _ => stop,
    };
    set_word(w, IS_NEXT, next);
    Ok(Some(v))
}

// --------------------------------------------------------------- pairwise

fn pairwise_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let args = Args {
        base: a.base + 1,
        n: a.n - 1,
        kw: a.kw,
    };
    positional_only(vm, args, "pairwise", 1, 1)?;
    let it = vm.get_iter(vm.arg(args, 0))?;
    new_object_of(vm, vm.st(a.base), Tag::Pairwise, &[it, Value::NULL])
}

fn pairwise_next<H: Heap>(vm: &mut Vm<H>, slot: usize) -> PyResult<Option<Value>> {
    let s = state(vm, slot, Tag::Pairwise)?;
    let it = get(s, PAIR_IT);
    if it.is_null() {
        return DONE;
    }
    let finish = |vm: &mut Vm<H>| -> PyResult<Option<Value>> {
        let s = state(vm, slot, Tag::Pairwise)?;
        set(vm, s, PAIR_IT, Value::NULL);
        set(vm, s, PAIR_OLD, Value::NULL);
        DONE
    };
    if get(s, PAIR_OLD).is_null() {
        let Some(old) = next_of(vm, it)? else {
            return finish(vm);
        };
        let s = state(vm, slot, Tag::Pairwise)?;
        set(vm, s, PAIR_OLD, old);
    }
    let s = state(vm, slot, Tag::Pairwise)?;
    let Some(new) = next_of(vm, get(s, PAIR_IT))? else {
        return finish(vm);
    };
    let ns = vm.push(new);
    let s = state(vm, slot, Tag::Pairwise)?;
    let r = vm.new_tuple(&[get(s, PAIR_OLD), new])?;
    let s = state(vm, slot, Tag::Pairwise)?;
    set(vm, s, PAIR_OLD, vm.st(ns));
    vm.truncate(ns);
    Ok(Some(r))
}

// -------------------------------------------------------------------- tee

/// A new, empty link of a tee buffer reading from the iterator `it`.
fn new_link<H: Heap>(vm: &mut Vm<H>, it: Value) -> PyResult {
    let s = vm.push(it);
    let link = vm.alloc_array(Kind::Array, LINK_ITEMS + TEE_LINK_ITEMS)?;
    object::init(link, 1 + LINK_IT, vm.st(s));
    object::init(link, 1 + LINK_COUNT, Value::int(0));
    object::init(link, 1 + LINK_RUNNING, Value::FALSE);
    vm.truncate(s);
    Ok(Value::obj(link))
}

/// `_tee(iterable)`: a tee object over `iter(iterable)`, or a copy when
/// that is already one.
fn tee_from_iterable<H: Heap>(vm: &mut Vm<H>, cls: Value, iterable: Value) -> PyResult {
    let cs = vm.push(cls);
    let it = vm.get_iter(iterable)?;
    let r = if let Some(s) = state_opt(vm, it, Tag::Tee) {
        let fields = [get(s, TEE_LINK), get(s, TEE_INDEX)];
        new_object_of(vm, vm.st(cs), Tag::Tee, &fields)
    } else {
        let link = new_link(vm, it)?;
        new_object_of(vm, vm.st(cs), Tag::Tee, &[link, Value::int(0)])
    };
    vm.truncate(cs);
    r
}

fn tee_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let args = Args {
        base: a.base + 1,
        n: a.n - 1,
        kw: a.kw,
    };
    positional_only(vm, args, "_tee", 1, 1)?;
    tee_from_iterable(vm, vm.st(a.base), vm.arg(args, 0))
}

fn tee_copy_method<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    check_self(vm, a, Tag::Tee, "__copy__")?;
    let s = state(vm, a.base, Tag::Tee)?;
    let fields = [get(s, TEE_LINK), get(s, TEE_INDEX)];
    let cls = vm.type_of(vm.st(a.base));
    new_object_of(vm, cls, Tag::Tee, &fields)
}

fn tee_next<H: Heap>(vm: &mut Vm<H>, slot: usize) -> PyResult<Option<Value>> {
    let s = state(vm, slot, Tag::Tee)?;
    if get(s, TEE_INDEX).as_int() as usize >= TEE_LINK_ITEMS {
        // Move on to the next link, creating it if no tee has yet.
        let link = get(s, TEE_LINK).as_obj();
        if get(link, LINK_NEXT).is_null() {
            let next = new_link(vm, get(link, LINK_IT))?;
            let s = state(vm, slot, Tag::Tee)?;
            set(vm, get(s, TEE_LINK).as_obj(), LINK_NEXT, next);
        }
        let s = state(vm, slot, Tag::Tee)?;
        let next = get(get(s, TEE_LINK).as_obj(), LINK_NEXT);
        set(vm, s, TEE_LINK, next);
        set(vm, s, TEE_INDEX, Value::int(0));
    }
    let s = state(vm, slot, Tag::Tee)?;
    let link = get(s, TEE_LINK).as_obj();
    let index = get(s, TEE_INDEX).as_int() as usize;
    let advance = |vm: &mut Vm<H>| -> PyResult<()> {
        let s = state(vm, slot, Tag::Tee)?;
        set(vm, s, TEE_INDEX, Value::int(index as i64 + 1));
        Ok(())
    };
    if index < get(link, LINK_COUNT).as_int() as usize {
        advance(vm)?;
        return Ok(Some(get(link, LINK_ITEMS + index)));
    }
    if get(link, LINK_RUNNING) == Value::TRUE {
        return Err(vm.raise_msg(T_RUNTIME_ERROR, "cannot re-enter the tee iterator"));
    }
    set(vm, link, LINK_RUNNING, Value::TRUE);
    let ls = vm.push(Value::obj(link));
    let r = next_of(vm, get(link, LINK_IT));
    let link = vm.st(ls).as_obj();
    set(vm, link, LINK_RUNNING, Value::FALSE);
    let Some(v) = r? else {
        vm.truncate(ls);
        return DONE;
    };
    set(vm, link, LINK_ITEMS + index, v);
    set(vm, link, LINK_COUNT, Value::int(index as i64 + 1));
    vm.truncate(ls);
    advance(vm)?;
    Ok(Some(v))
}

/// `itertools.tee(iterable, n=2, /)`.
fn tee_fn<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    if vm.nkw(a) > 0 {
        return Err(vm.type_error("itertools.tee() takes no keyword arguments"));
    }
    positional_only(vm, a, "tee", 1, 2)?;
    let n = if a.n == 2 {
        vm.index_int(vm.arg(a, 1))?
    } else {
        2
    };
    if n < 0 {
        return Err(vm.value_error("n must be >= 0"));
    }
    if n == 0 {
        return vm.new_tuple(&[]);
    }
    let it = vm.get_iter(vm.arg(a, 0))?;
    let its = vm.push(it);
    let copy_sym = vm.intern("__copy__");
    let first = if vm.getattr_opt(vm.st(its), copy_sym)?.is_some() {
        vm.st(its)
    } else {
        let cls = module_class(vm, "_tee")?;
        tee_from_iterable(vm, cls, vm.st(its))?
    };
    let start = vm.push(first);
    for i in 1..n as usize {
        let prev = vm.st(start + i - 1);
        let copy = vm.getattr(prev, copy_sym)?;
        let c = vm.call_values(copy, &[])?;
        vm.push(c);
    }
    let r = vm.tuple_from_stack(start, n as usize);
    vm.truncate(its);
    r
}

// ------------------------------------------------------------ zip_longest

fn zip_longest_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let nkw = vm.nkw(a);
    let mut fill = Value::NONE;
    if nkw > 0 {
        let kw = vm.kwnames(a).as_obj();
        if nkw != 1 || object::str_of(object::array_get(kw, 0).as_obj()) != "fillvalue" {
            return Err(vm.type_error("zip_longest() got an unexpected keyword argument"));
        }
        fill = vm.st(a.base + a.n);
    }
    let mark = vm.push(fill);
    let n = a.n - 1;
    let iters = vm.alloc_array(Kind::Array, n)?;
    let is = vm.push(Value::obj(iters));
    for i in 0..n {
        let it = vm.get_iter(vm.st(a.base + 1 + i))?;
        let iters = vm.st(is).as_obj();
        vm.store(iters, 1 + i, it);
    }
    let fields = [vm.st(is), Value::int(n as i64), vm.st(mark)];
    let r = new_object_of(vm, vm.st(a.base), Tag::ZipLongest, &fields);
    vm.truncate(mark);
    r
}

fn zip_longest_next<H: Heap>(vm: &mut Vm<H>, slot: usize) -> PyResult<Option<Value>> {
    let s = state(vm, slot, Tag::ZipLongest)?;
    let n = object::array_len(get(s, ZL_ITERS).as_obj());
    if n == 0 || get(s, ZL_ACTIVE) == Value::int(0) {
        return DONE;
    }
    let mark = vm.rt.sp;
    for i in 0..n {
        let s = state(vm, slot, Tag::ZipLongest)?;
        let it = get(get(s, ZL_ITERS).as_obj(), i);
        let v = if it.is_null() {
            get(s, ZL_FILL)
        } else {
            match next_of(vm, it) {
                Ok(Some(v)) => v,
                Ok(None) => {
                    let s = state(vm, slot, Tag::ZipLongest)?;
                    let active = get(s, ZL_ACTIVE).as_int() - 1;
                    set(vm, s, ZL_ACTIVE, Value::int(active));
                    if active == 0 {
                        vm.truncate(mark);
                        return DONE;
                    }
                    set(vm, get(s, ZL_ITERS).as_obj(), i, Value::NULL);
                    get(s, ZL_FILL)
                }
                Err(e) => {
                    vm.truncate(mark);
                    return Err(e);
                }
            }
        };
        vm.push(v);
    }
    let r = vm.tuple_from_stack(mark, n);
    vm.truncate(mark);
    r.map(Some)
}

// ------------------------------------------------------------ combinatorics

/// A tuple of `pool[w[first + k]]` for `k < n`, `pool` and the words `w`
/// read from the state of the object at `slot` after allocating.
fn pick<H: Heap>(vm: &mut Vm<H>, slot: usize, tag: Tag, first: usize, n: usize) -> PyResult {
    let t = vm.alloc_array(Kind::Tuple, n)?;
    let s = state(vm, slot, tag)?;
    let (pool, w) = (get(s, COMB_POOL).as_obj(), get(s, COMB_WORDS));
    for k in 0..n {
        object::init(t, 1 + k, get(pool, word(w, first + k) as usize));
    }
    Ok(Value::obj(t))
}

fn product_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let nkw = vm.nkw(a);
    let mut repeat = 1;
    if nkw > 0 {
        let kw = vm.kwnames(a).as_obj();
        for i in 0..nkw {
            let k = object::str_of(object::array_get(kw, i).as_obj()).to_string();
            if k != "repeat" {
                let msg = format!("'{k}' is an invalid keyword argument for product()");
                return Err(vm.type_error(&msg));
            }
        }
        repeat = vm.index_int(vm.st(a.base + a.n))?;
        if repeat < 0 {
            return Err(vm.value_error("repeat argument cannot be negative"));
        }
    }
    let nargs = a.n - 1;
    let mark = vm.rt.sp;
    for i in 0..nargs {
        let t = to_tuple(vm, vm.st(a.base + 1 + i))?;
        vm.push(t);
    }
    let npools = nargs * repeat as usize;
    let pools = vm.alloc_array(Kind::Tuple, npools)?;
    for i in 0..npools {
        object::init(pools, 1 + i, vm.st(mark + i % nargs.max(1)));
    }
    vm.truncate(mark);
    let ps = vm.push(Value::obj(pools));
    let mut words = vec![0i64; W_INDICES + npools];
    words[W_R] = npools as i64;
    let w = new_words(vm, &words)?;
    vm.push(w);
    let r = new_object(vm, a.base, Tag::Product, ps, 2);
    vm.truncate(ps);
    r
}

fn product_next<H: Heap>(vm: &mut Vm<H>, slot: usize) -> PyResult<Option<Value>> {
    let s = state(vm, slot, Tag::Product)?;
    let (pools, w) = (get(s, COMB_POOL).as_obj(), get(s, COMB_WORDS));
    if word(w, W_STOPPED) != 0 {
        return DONE;
    }
    let npools = word(w, W_R) as usize;
    let pool_len = |i: usize| object::array_len(get(pools, i).as_obj());
    if word(w, W_STARTED) == 0 {
        set_word(w, W_STARTED, 1);
        if (0..npools).any(|i| pool_len(i) == 0) {
            set_word(w, W_STOPPED, 1);
            return DONE;
        }
    } else {
        let mut i = npools;
        loop {
            if i == 0 {
                set_word(w, W_STOPPED, 1);
                return DONE;
            }
            i -= 1;
            let k = word(w, W_INDICES + i) + 1;
            if k as usize == pool_len(i) {
                set_word(w, W_INDICES + i, 0);
            } else {
                set_word(w, W_INDICES + i, k);
                break;
            }
        }
    }
    let t = vm.alloc_array(Kind::Tuple, npools)?;
    let s = state(vm, slot, Tag::Product)?;
    let (pools, w) = (get(s, COMB_POOL).as_obj(), get(s, COMB_WORDS));
    for i in 0..npools {
        let pool = get(pools, i).as_obj();
        object::init(t, 1 + i, get(pool, word(w, W_INDICES + i) as usize));
    }
    Ok(Some(Value::obj(t)))
}

fn permutations_new<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let args = Args {
        base: a.base + 1,
        n: a.n - 1,
        kw: a.kw,
    };
    let p = Params {
        func: "permutations",
        names: &["iterable", "r"],
        required: 1,
        kwonly: 2,
    };
    let slots = bind(vm, args, &p)?;
    let pool = to_tuple(vm, vm.st(slots[0].expect("required")))?;
    let ps = vm.push(pool);
    let n = object::array_len(pool.as_obj()) as i64;
    let r = match slots[1].map(|s| vm.st(s)) {
        None => n,
        Some(v) if v.is_none() => n,
        Some(v) => {
            if !crate::num::is_int(v) && !v.is_bool() && !vm.isinstance_idx(v, T_INT) {
                return Err(vm.type_error("Expected int as r"));
            }
            vm.index_int(v)?
        }
    };
    if r < 0 {
        return Err(vm.value_error("r must be non-negative"));
    }
    // words: started, stopped, r, indices[n], cycles[min(r, n)] (when
    // r > n nothing is produced and the cycles are never read).
    let mut words = vec![0i64; W_INDICES + n as usize + r.min(n) as usize];
    words[W_R] = r;
    for i in 0..n {
        words[W_INDICES + i as usize] = i;
    }
    for i in 0..r.min(n) {
        words[W_INDICES + n as usize + i as usize] = n - i;
    }
    let w = new_words(vm, &words)?;
    vm.push(w);
    let r = new_object(vm, a.base, Tag::Permutations, ps, 2);
    vm.truncate(ps);
    r
}

fn permutations_next<H: Heap>(vm: &mut Vm<H>, slot: usize) -> PyResult<Option<Value>> {
    let s = state(vm, slot, Tag::Permutations)?;
    let (pool, w) = (get(s, COMB_POOL).as_obj(), get(s, COMB_WORDS));
    let n = object::array_len(pool);
    let r = word(w, W_R) as usize;
    if word(w, W_STOPPED) != 0 {
        return DONE;
    }
    let stop = || {
        set_word(w, W_STOPPED, 1);
        DONE
    };
    if word(w, W_STARTED) == 0 {
        set_word(w, W_STARTED, 1);
        if r > n {
            return stop();
        }
    } else {
        let (idx, cyc) = (W_INDICES, W_INDICES + n);
        let mut advanced = false;
        for i in (0..r).rev() {
            let c = word(w, cyc + i) - 1;
            if c == 0 {
                // Rotate indices[i..] left by one.
                let first = word(w, idx + i);
                for k in i..n - 1 {
                    set_word(w, idx + k, word(w, idx + k + 1));
                }
                set_word(w, idx + n - 1, first);
                set_word(w, cyc + i, (n - i) as i64);
            } else {
                set_word(w, cyc + i, c);
                let j = n - c as usize;
                let (x, y) = (word(w, idx + i), word(w, idx + j));
                set_word(w, idx + i, y);
                set_word(w, idx + j, x);
                advanced = true;
                break;
            }
        }
        if !advanced {
            return stop();
        }
    }
    pick(vm, slot, Tag::Permutations, W_INDICES, r).map(Some)
}

/// The constructor of `combinations` and `combinations_with_replacement`.
fn combinations_new<H: Heap>(vm: &mut Vm<H>, a: Args, tag: Tag) -> PyResult {
    let args = Args {
        base: a.base + 1,
        n: a.n - 1,
        kw: a.kw,
    };
    let p = Params {
        func: tag.name(),
        names: &["iterable", "r"],
        required: 2,
        kwonly: 2,
    };
    let slots = bind(vm, args, &p)?;
    let pool = to_tuple(vm, vm.st(slots[0].expect("required")))?;
    let ps = vm.push(pool);
    let r = vm.index_int(vm.st(slots[1].expect("required")))?;
    if r < 0 {
        return Err(vm.value_error("r must be non-negative"));
    }
    // A combination longer than the pool is never produced: no indices
    // needed (combinations_with_replacement repeats items, so it may be).
    let n = object::array_len(vm.st(ps).as_obj()) as i64;
    let len = if tag == Tag::Combinations {
        r.min(n)
    } else {
        r
    };
    let mut words = vec![0i64; W_INDICES + len as usize];
    words[W_R] = r;
    if tag == Tag::Combinations && r <= n {
        for i in 0..r {
            words[W_INDICES + i as usize] = i;
        }
    }
    let w = new_words(vm, &words)?;
    vm.push(w);
    let r = new_object(vm, a.base, tag, ps, 2);
    vm.truncate(ps);
    r
}

fn combinations_next<H: Heap>(vm: &mut Vm<H>, slot: usize) -> PyResult<Option<Value>> {
    let s = state(vm, slot, Tag::Combinations)?;
    let (pool, w) = (get(s, COMB_POOL).as_obj(), get(s, COMB_WORDS));
    let n = object::array_len(pool);
    let r = word(w, W_R) as usize;
    if word(w, W_STOPPED) != 0 {
        return DONE;
    }
    if word(w, W_STARTED) == 0 {
        set_word(w, W_STARTED, 1);
        if r > n {
            set_word(w, W_STOPPED, 1);
            return DONE;
        }
    } else {
        let Some(i) = (0..r)
            .rev()
            .find(|&i| word(w, W_INDICES + i) != (i + n - r) as i64)
        else {
            set_word(w, W_STOPPED, 1);
            return DONE;
        };
        set_word(w, W_INDICES + i, word(w, W_INDICES + i) + 1);
        for j in i + 1..r {
            set_word(w, W_INDICES + j, word(w, W_INDICES + j - 1) + 1);
        }
    }
    pick(vm, slot, Tag::Combinations, W_INDICES, r).map(Some)
}

fn cwr_next<H: Heap>(vm: &mut Vm<H>, slot: usize) -> PyResult<Option<Value>> {
    let tag = Tag::CombinationsWithReplacement;
    let s = state(vm, slot, tag)?;
    let (pool, w) = (get(s, COMB_POOL).as_obj(), get(s, COMB_WORDS));
    let n = object::array_len(pool);
    let r = word(w, W_R) as usize;
    if word(w, W_STOPPED) != 0 {
        return DONE;
    }
    if word(w, W_STARTED) == 0 {
        set_word(w, W_STARTED, 1);
        if n == 0 && r > 0 {
            set_word(w, W_STOPPED, 1);
            return DONE;
        }
    } else {
        let Some(i) = (0..r)
            .rev()
            .find(|&i| word(w, W_INDICES + i) != n as i64 - 1)
        else {
            set_word(w, W_STOPPED, 1);
            return DONE;
        };
        let k = word(w, W_INDICES + i) + 1;
        for j in i..r {
            set_word(w, W_INDICES + j, k);
        }
    }
    pick(vm, slot, tag, W_INDICES, r).map(Some)
}
