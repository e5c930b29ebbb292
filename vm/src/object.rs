//! Heap object layouts.
//!
//! Every object is `[GC word][VM word][payload]`. The VM word holds the
//! object's [`Kind`] (low byte) and VM flags (second byte). A kind fixes one
//! of three layouts, so `object_size` and `scan_object` are a table lookup:
//!
//! * `Fixed { refs, raws }`: `refs` value words (scanned) then `raws`
//!   non-reference words;
//! * `RefArray`: a length word then that many value words (tuples, the
//!   backing arrays of lists and dicts);
//! * `Bytes { extra }`: a byte-length word, `extra` raw words, then the bytes
//!   (strings, bytes, big-int digits) — pointer-free.
//!
//! Invariant relied on by every accessor here: a `Value` that is an object
//! always points at a valid, initialised object of the current heap. The
//! collector maintains it (moving collectors update every reported slot);
//! the VM maintains it by rooting values across safepoints.

use crate::value::Value;
use gc_api::{HEADER_BYTES, ObjectRef, Slot};

/// The VM-level kind of a heap object (its layout and its builtin type).
#[repr(u8)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Float = 1,
    BigInt,
    Str,
    Bytes,
    RawBytes,
    Tuple,
    Array,
    List,
    Dict,
    Set,
    FrozenSet,
    Instance,
    Class,
    Function,
    Builtin,
    BoundMethod,
    Cell,
    Module,
    Generator,
    Range,
    Slice,
    Property,
    ClassMethod,
    StaticMethod,
    Super,
    WeakRef,
    Iter,
    ByteArray,
    DictView,
    Complex,
}

/// Number of kinds + 1 (index 0 unused): the last kind's number + 1.
pub const KIND_COUNT: usize = Kind::Complex as usize + 1;

/// How a kind lays out its payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// `refs` scanned words, then `raws` unscanned words.
    Fixed { refs: u8, raws: u8 },
    /// Length word, then that many scanned words.
    RefArray,
    /// Byte length, `extra` raw words, then bytes (rounded up to words).
    Bytes { extra: u8 },
}

impl Kind {
    /// The layout of this kind.
    #[inline]
    pub const fn layout(self) -> Layout {
        use Kind::*;
        match self {
            Float => Layout::Fixed { refs: 0, raws: 1 },
            BigInt => Layout::Bytes { extra: 1 },
            Str => Layout::Bytes { extra: 2 },
            Bytes => Layout::Bytes { extra: 1 },
            RawBytes => Layout::Bytes { extra: 0 },
            Tuple | Array => Layout::RefArray,
            List => Layout::Fixed { refs: 1, raws: 1 },
            Dict => Layout::Fixed { refs: 2, raws: 3 },
            Set | FrozenSet => Layout::Fixed { refs: 1, raws: 3 },
            Instance => Layout::Fixed { refs: 3, raws: 1 },
            Class => Layout::Fixed { refs: 7, raws: 2 },
            Function => Layout::Fixed { refs: 7, raws: 1 },
            Builtin => Layout::Fixed { refs: 1, raws: 1 },
            BoundMethod => Layout::Fixed { refs: 2, raws: 0 },
            Cell => Layout::Fixed { refs: 1, raws: 0 },
            Module => Layout::Fixed { refs: 2, raws: 0 },
            Generator => Layout::Fixed { refs: 3, raws: 3 },
            Range => Layout::Fixed { refs: 3, raws: 0 },
            Slice => Layout::Fixed { refs: 3, raws: 0 },
            Property => Layout::Fixed { refs: 4, raws: 0 },
            ClassMethod | StaticMethod => Layout::Fixed { refs: 1, raws: 0 },
            Super => Layout::Fixed { refs: 2, raws: 0 },
            WeakRef => Layout::Fixed { refs: 3, raws: 3 },
            Iter => Layout::Fixed { refs: 3, raws: 2 },
            ByteArray => Layout::Fixed { refs: 1, raws: 1 },
            DictView => Layout::Fixed { refs: 1, raws: 1 },
            Complex => Layout::Fixed { refs: 0, raws: 2 },
        }
    }

    /// Decodes a kind byte.
    #[inline]
    pub fn from_u8(b: u8) -> Option<Kind> {
        if (1..KIND_COUNT as u8).contains(&b) {
            // SAFETY: Kind is repr(u8) with contiguous discriminants 1..KIND_COUNT.
            Some(unsafe { std::mem::transmute::<u8, Kind>(b) })
        } else {
            None
        }
    }

    /// Bytes needed for a fixed-layout object of this kind.
    pub const fn fixed_size(self) -> usize {
        match self.layout() {
            Layout::Fixed { refs, raws } => HEADER_BYTES + 8 * (refs as usize + raws as usize),
            _ => panic!("not a fixed layout"),
        }
    }
}

/// VM flag: the object's class defines `__del__` (registered at allocation).
pub const FLAG_HAS_FINALIZER: u8 = 1;
/// VM flag: `__del__` has been called (never reset).
pub const FLAG_FINALIZED: u8 = 2;
/// VM flag: at least one weakref points at the object.
pub const FLAG_HAS_WEAKREFS: u8 = 4;
/// VM flag: the object's identity (`id()`/default hash) has been taken.
pub const FLAG_HASHED: u8 = 8;

/// Builds a VM word.
#[inline]
pub fn vm_word(kind: Kind, flags: u8) -> usize {
    kind as usize | ((flags as usize) << 8)
}

/// The kind of an object.
#[inline]
pub fn kind(o: ObjectRef) -> Kind {
    // SAFETY: module invariant: `o` is a valid object.
    let b = unsafe { o.vm_word() } as u8;
    match Kind::from_u8(b) {
        Some(k) => k,
        None => corrupt(o),
    }
}

#[cold]
fn corrupt(o: ObjectRef) -> ! {
    // SAFETY: reading the header of what should be an object, for the message.
    let w = unsafe { o.vm_word() };
    panic!("heap corruption: object {:#x} has VM word {w:#x}", o.addr())
}

/// The VM flags of an object.
#[inline]
pub fn flags(o: ObjectRef) -> u8 {
    // SAFETY: module invariant.
    (unsafe { o.vm_word() } >> 8) as u8
}

/// Sets VM flags (or-ed in).
#[inline]
pub fn set_flags(o: ObjectRef, f: u8) {
    // SAFETY: module invariant; the VM owns the VM word.
    unsafe { o.set_vm_word(o.vm_word() | ((f as usize) << 8)) }
}

/// Clears VM flags.
#[inline]
pub fn clear_flags(o: ObjectRef, f: u8) {
    // SAFETY: module invariant; the VM owns the VM word.
    unsafe { o.set_vm_word(o.vm_word() & !((f as usize) << 8)) }
}

/// Reads payload word `i` (0 = first word after the header).
#[inline]
pub fn word(o: ObjectRef, i: usize) -> usize {
    // SAFETY: module invariant; callers index within the object's layout.
    unsafe { o.word_ptr(HEADER_BYTES + 8 * i).read() }
}

/// Writes payload word `i` WITHOUT a write barrier: for raw words and for
/// initialising stores into a just-allocated object.
#[inline]
pub fn set_word(o: ObjectRef, i: usize, w: usize) {
    // SAFETY: module invariant; callers index within the object's layout.
    unsafe { o.word_ptr(HEADER_BYTES + 8 * i).write(w) }
}

/// Reads value slot `i`.
#[inline]
pub fn get(o: ObjectRef, i: usize) -> Value {
    Value(word(o, i) as u64)
}

/// Initialising store of value slot `i` (no barrier; see `set_word`).
#[inline]
pub fn init(o: ObjectRef, i: usize, v: Value) {
    set_word(o, i, v.0 as usize)
}

/// The slot address of payload word `i`.
#[inline]
pub fn slot(o: ObjectRef, i: usize) -> Slot {
    // SAFETY: module invariant; the slot lies inside the object.
    unsafe { Slot::from_ptr(o.word_ptr(HEADER_BYTES + 8 * i)) }
}

/// Total size of an object in bytes.
#[inline]
pub fn object_size(o: ObjectRef) -> usize {
    match kind(o).layout() {
        Layout::Fixed { refs, raws } => HEADER_BYTES + 8 * (refs as usize + raws as usize),
        Layout::RefArray => HEADER_BYTES + 8 * (1 + word(o, 0)),
        Layout::Bytes { extra } => bytes_object_size(extra as usize, word(o, 0)),
    }
}

/// Size of a `Bytes` layout object with `extra` raw words and `len` bytes.
#[inline]
pub const fn bytes_object_size(extra: usize, len: usize) -> usize {
    HEADER_BYTES + 8 * (1 + extra) + ((len + 7) & !7)
}

/// Size of a `RefArray` with `len` elements.
#[inline]
pub const fn ref_array_size(len: usize) -> usize {
    HEADER_BYTES + 8 * (1 + len)
}

/// Visits every reference slot of `o` that currently holds an object.
#[inline]
pub fn scan<F: FnMut(Slot)>(o: ObjectRef, mut f: F) {
    let (first, n) = match kind(o).layout() {
        Layout::Fixed { refs, .. } => (0, refs as usize),
        Layout::RefArray => (1, word(o, 0)),
        Layout::Bytes { .. } => return,
    };
    for i in first..first + n {
        if get(o, i).is_obj() {
            f(slot(o, i));
        }
    }
}

/// The bytes of a `Bytes`-layout object.
#[inline]
pub fn bytes_of<'a>(o: ObjectRef) -> &'a [u8] {
    let extra = match kind(o).layout() {
        Layout::Bytes { extra } => extra as usize,
        _ => panic!("bytes_of on {:?}", kind(o)),
    };
    let len = word(o, 0);
    // SAFETY: module invariant; the bytes follow the extra words. The slice
    // must not be held across a safepoint (the object may move): callers
    // copy what they need first. The 'a lifetime is the caller's promise.
    unsafe {
        std::slice::from_raw_parts(
            (o.addr() + HEADER_BYTES + 8 * (1 + extra)) as *const u8,
            len,
        )
    }
}

/// Mutable bytes of a `Bytes`-layout object (initialisation, bytearray).
#[inline]
pub fn bytes_of_mut<'a>(o: ObjectRef) -> &'a mut [u8] {
    let s = bytes_of(o);
    // SAFETY: as bytes_of; the VM is single-threaded and the caller holds no
    // other borrow of these bytes.
    unsafe { std::slice::from_raw_parts_mut(s.as_ptr() as *mut u8, s.len()) }
}

/// The string slice of a `Str` object (see `bytes_of` for the lifetime rule).
#[inline]
pub fn str_of<'a>(o: ObjectRef) -> &'a str {
    // SAFETY: Str objects are only ever initialised from valid UTF-8.
    unsafe { std::str::from_utf8_unchecked(bytes_of(o)) }
}

/// Elements of a `RefArray` object as a slice (see `bytes_of` for lifetime).
#[inline]
pub fn items<'a>(o: ObjectRef) -> &'a [Value] {
    debug_assert!(matches!(kind(o).layout(), Layout::RefArray));
    let len = word(o, 0);
    // SAFETY: module invariant; Value is repr(transparent) over u64.
    unsafe { std::slice::from_raw_parts((o.addr() + HEADER_BYTES + 8) as *const Value, len) }
}

/// Length of a `RefArray`.
#[inline]
pub fn array_len(o: ObjectRef) -> usize {
    word(o, 0)
}

/// Element `i` of a `RefArray`.
#[inline]
pub fn array_get(o: ObjectRef, i: usize) -> Value {
    get(o, 1 + i)
}

/// Float payload.
#[inline]
pub fn float_of(o: ObjectRef) -> f64 {
    f64::from_bits(word(o, 0) as u64)
}

/// Complex payload: (real, imag).
#[inline]
pub fn complex_of(o: ObjectRef) -> (f64, f64) {
    (
        f64::from_bits(word(o, 0) as u64),
        f64::from_bits(word(o, 1) as u64),
    )
}

/// Field indices of fixed layouts, named.
pub mod field {
    // List
    pub const LIST_ITEMS: usize = 0;
    pub const LIST_LEN: usize = 1;
    // Dict
    pub const DICT_ENTRIES: usize = 0;
    pub const DICT_INDEX: usize = 1;
    pub const DICT_LEN: usize = 2;
    pub const DICT_USED: usize = 3;
    /// Changes (from a VM-wide counter) whenever a key is added or removed.
    pub const DICT_VERSION: usize = 4;
    // Set
    pub const SET_TABLE: usize = 0;
    pub const SET_FILL: usize = 1;
    pub const SET_USED: usize = 2;
    pub const SET_MASK: usize = 3;
    // Instance
    pub const INST_CLASS: usize = 0;
    pub const INST_SLOTS: usize = 1;
    /// The builtin value an instance of a subclass of a builtin value type
    /// boxes (`class D(dict)`); for an exception (which boxes none), its
    /// traceback (`crate::traceback`); NULL otherwise.
    pub const INST_BASE: usize = 2;
    pub const INST_SHAPE: usize = 3;
    // Class
    pub const CLS_NAME: usize = 0;
    pub const CLS_BASES: usize = 1;
    pub const CLS_MRO: usize = 2;
    pub const CLS_DICT: usize = 3;
    pub const CLS_MODULE: usize = 4;
    /// The metaclass (NULL: `type`).
    pub const CLS_META: usize = 5;
    /// `__qualname__` (a str): kept out of the class dict, as CPython's
    /// `type_new` does, so `cls.__dict__` lists only real members.
    pub const CLS_QUALNAME: usize = 6;
    pub const CLS_FLAGS: usize = 7;
    pub const CLS_ID: usize = 8;
    // Function
    pub const FN_GLOBALS: usize = 0;
    pub const FN_DEFAULTS: usize = 1;
    pub const FN_KWDEFAULTS: usize = 2;
    pub const FN_CLOSURE: usize = 3;
    pub const FN_NAME: usize = 4;
    pub const FN_QUALNAME: usize = 5;
    pub const FN_DICT: usize = 6;
    pub const FN_CODE: usize = 7;
    // Builtin
    pub const BI_SELF: usize = 0;
    pub const BI_INDEX: usize = 1;
    // BoundMethod
    pub const BM_SELF: usize = 0;
    pub const BM_FUNC: usize = 1;
    // Module
    pub const MOD_NAME: usize = 0;
    pub const MOD_DICT: usize = 1;
    // Generator
    pub const GEN_FUNC: usize = 0;
    pub const GEN_REGS: usize = 1;
    pub const GEN_NAME: usize = 2;
    pub const GEN_PC: usize = 3;
    pub const GEN_STATE: usize = 4;
    pub const GEN_CODE: usize = 5;
    // Property
    pub const PROP_GET: usize = 0;
    pub const PROP_SET: usize = 1;
    pub const PROP_DEL: usize = 2;
    pub const PROP_DOC: usize = 3;
    // WeakRef: callback, class of a Python subclass (NULL for the builtin
    // types), attribute dict of a subclass instance (or NULL); then the
    // referent's address (raw: not a strong reference; 0 once cleared), the
    // cached hash, and the flavour (see `crate::weakref`).
    pub const WR_CALLBACK: usize = 0;
    pub const WR_CLASS: usize = 1;
    pub const WR_DICT: usize = 2;
    pub const WR_REFERENT: usize = 3;
    pub const WR_HASH: usize = 4;
    pub const WR_KIND: usize = 5;
    // Iter
    pub const IT_SEQ: usize = 0;
    pub const IT_A: usize = 1;
    pub const IT_B: usize = 2;
    pub const IT_KIND: usize = 3;
    pub const IT_INDEX: usize = 4;
    // ByteArray
    pub const BA_BUF: usize = 0;
    pub const BA_LEN: usize = 1;
    // DictView: the dict, and which view (0 keys, 1 values, 2 items)
    pub const VIEW_DICT: usize = 0;
    pub const VIEW_WHICH: usize = 1;
    // Str extra words
    pub const STR_CHARS: usize = 1;
    pub const STR_HASH: usize = 2;
}
