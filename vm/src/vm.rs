//! `Vm<H>`: the interpreter state for one heap type, monomorphised per
//! collector so allocation fast paths and barrier hooks inline.
//!
//! GC discipline: any call that allocates is a safepoint and may move every
//! object. Rust code that holds a `Value` across such a call must root it on
//! the VM stack (`push`) and re-read it afterwards (`stack[i]`). Helpers here
//! that take several values and allocate do that rooting themselves.

use crate::bytecode::Code;
use crate::compiler::Interner;
use crate::object::{self, Kind, field};
use crate::runtime::Runtime;
use crate::value::Value;
use gc_api::{CollectReason, GcOptions, Heap, ObjectRef};

/// Marker for "a Python exception is pending in `rt.exc`".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exc;

/// Result of anything that can raise.
pub type PyResult<T = Value> = Result<T, Exc>;

/// Arguments of a call: positional values in `stack[base..base+n]`, then
/// the keyword values. The keyword names tuple, if any, is itself kept on
/// the VM stack at slot `kw` (so it stays rooted and current across
/// collections); `Args::NO_KW` means no keywords.
#[derive(Clone, Copy, Debug)]
pub struct Args {
    pub base: usize,
    pub n: usize,
    pub kw: usize,
}

impl Args {
    /// `kw` value meaning "no keyword arguments".
    pub const NO_KW: usize = usize::MAX;

    /// Positional-only arguments at `stack[base..base+n]`.
    pub fn positional(base: usize, n: usize) -> Args {
        Args {
            base,
            n,
            kw: Args::NO_KW,
        }
    }
}

/// A native function.
pub type NativeFn<H> = fn(&mut Vm<H>, Args) -> PyResult;

/// An entry of the native table.
pub struct NativeDef<H: Heap> {
    pub name: &'static str,
    pub f: NativeFn<H>,
    /// A method of a builtin value type (`dict.get`, `int.__add__`): called
    /// on an instance of a subclass, it works on the instance's boxed
    /// builtin value (`field::INST_BASE`).
    pub unbox_self: bool,
    /// A method of a builtin value type that must see the subclass
    /// instance itself, not its boxed value: `dict.__getitem__` consults
    /// the subclass's `__missing__`.
    pub subclass_self: bool,
    /// A module-level function (`len`, `codecs.utf_8_decode`): as a class
    /// attribute it stays unbound, like CPython's builtin functions.
    pub plain_function: bool,
}

/// Run-time switches from the command line.
#[derive(Clone, Debug, Default)]
pub struct VmConfig {
    pub gc: GcOptions,
    pub gc_stats: bool,
    pub gc_log: Option<std::path::PathBuf>,
    pub argv: Vec<String>,
    pub stdlib: Option<std::path::PathBuf>,
    pub trace_finalization: Option<std::path::PathBuf>,
}

/// The interpreter for heap `H`.
pub struct Vm<H: Heap> {
    pub heap: H,
    pub rt: Runtime,
    pub interner: Interner,
    pub natives: Vec<NativeDef<H>>,
    pub config: VmConfig,
    pub out: std::io::BufWriter<std::io::Stdout>,
    pub gc_enabled: bool,
    pub harness_start: Option<(std::time::Instant, gc_api::GcStats)>,
    pub started: std::time::Instant,
    pub filename: String,
    /// The stats block was printed at `harness_end` (not again at exit).
    pub harness_reported: bool,
    /// Queued callbacks/finalizers are running (they do not nest).
    pub in_finalizer: bool,
    /// No stdlib directory was found at start-up: ask `python3` on the
    /// first import that `sys.path` cannot satisfy.
    pub stdlib_probe_pending: bool,
}

impl<H: Heap> Vm<H> {
    /// A VM on a fresh heap.
    pub fn new(heap: H, config: VmConfig) -> Vm<H> {
        let mut vm = Vm {
            heap,
            rt: Runtime::new(),
            interner: Interner::default(),
            natives: Vec::new(),
            config,
            out: std::io::BufWriter::with_capacity(1 << 16, std::io::stdout()),
            gc_enabled: true,
            harness_start: None,
            started: std::time::Instant::now(),
            filename: String::new(),
            harness_reported: false,
            in_finalizer: false,
            stdlib_probe_pending: false,
        };
        if let Some(path) = vm.config.trace_finalization.clone() {
            match crate::reaper::Trace::create(&path) {
                Ok(t) => vm.rt.reaper.trace = Some(t),
                Err(e) => {
                    eprintln!("heaplab: cannot create {}: {e}", path.display());
                    std::process::exit(2);
                }
            }
        }
        vm.rt.moves_objects = vm.heap.capabilities().moves_objects;
        crate::builtins::boot(&mut vm);
        vm
    }

    // ------------------------------------------------------------ the stack

    /// Pushes a value onto the VM stack (a root); returns its index.
    #[inline]
    pub fn push(&mut self, v: Value) -> usize {
        let i = self.rt.sp;
        if i >= self.rt.stack.len() {
            crate::fatal("VM stack overflow");
        }
        self.rt.stack[i] = v;
        self.rt.sp = i + 1;
        i
    }

    /// Reads stack slot `i`.
    #[inline]
    pub fn st(&self, i: usize) -> Value {
        self.rt.stack[i]
    }

    /// Writes stack slot `i`.
    #[inline]
    pub fn set_st(&mut self, i: usize, v: Value) {
        self.rt.stack[i] = v;
    }

    /// The keyword-names tuple of a call (NULL when none).
    #[inline]
    pub fn kwnames(&self, a: Args) -> Value {
        if a.kw == Args::NO_KW {
            Value::NULL
        } else {
            self.rt.stack[a.kw]
        }
    }

    /// Number of keyword arguments of a call.
    #[inline]
    pub fn nkw(&self, a: Args) -> usize {
        let k = self.kwnames(a);
        if k.is_null() {
            0
        } else {
            object::array_len(k.as_obj())
        }
    }

    /// Drops the stack back to `mark`.
    #[inline]
    pub fn truncate(&mut self, mark: usize) {
        self.rt.sp = mark;
    }

    // ----------------------------------------------------------- allocation

    /// Allocates `size` bytes of `kind` with the given VM word; a safepoint.
    #[inline]
    pub fn alloc(&mut self, size: usize, akind: gc_api::AllocKind, k: Kind) -> PyResult<ObjectRef> {
        let o = match self.heap.try_alloc(size, akind) {
            Some(o) => o,
            None => self.alloc_slow(size, akind)?,
        };
        // SAFETY: `o` is a fresh allocation of `size` bytes; the VM word is ours.
        unsafe { o.set_vm_word(object::vm_word(k, 0)) };
        Ok(o)
    }

    #[cold]
    fn alloc_slow(&mut self, size: usize, akind: gc_api::AllocKind) -> PyResult<ObjectRef> {
        let before = self.rt.collections;
        let r = self.heap.alloc_slow(&mut self.rt, size, akind);
        if self.rt.collections != before {
            self.after_collection();
        }
        match r {
            Ok(o) => Ok(o),
            Err(oom) => Err(self.memory_error(oom)),
        }
    }

    /// Hook after any collection, back in mutator context. (`--verify-heap`
    /// runs inside each collector's pause, before the slow path hands out
    /// the new, still uninitialised object.)
    pub fn after_collection(&mut self) {}

    /// Runs a full collection now (`gc.collect()`).
    pub fn collect(&mut self) {
        self.heap.collect(&mut self.rt, CollectReason::Explicit);
        self.after_collection();
    }

    /// A safepoint poll (back-edges, `Poll` instructions): a wanted
    /// collection, queued finalizers, then Python signal handlers, whose
    /// exceptions propagate from here.
    #[inline]
    pub fn poll(&mut self) -> PyResult<()> {
        if self.heap.poll_wanted() {
            self.heap.collect(&mut self.rt, CollectReason::Poll);
            self.after_collection();
        }
        if self.finalizers_pending() {
            self.run_finalizers();
        }
        if crate::stdlib::signal::pending() {
            return self.run_signal_handlers();
        }
        Ok(())
    }

    #[cold]
    fn memory_error(&mut self, oom: gc_api::OutOfMemory) -> Exc {
        // The preallocated MemoryError instance needs no allocation.
        let e = self.rt.classes[crate::builtins::MEMORY_ERROR_INSTANCE];
        if e.is_null() {
            gc_api::fatal_out_of_memory(oom);
        }
        self.rt.exc = e;
        Exc
    }

    /// Allocates a fixed-layout object, all value slots NULL.
    pub fn alloc_fixed(&mut self, k: Kind) -> PyResult<ObjectRef> {
        let size = k.fixed_size();
        let akind = match k.layout() {
            object::Layout::Fixed { refs: 0, .. } => gc_api::AllocKind::PointerFree,
            _ => gc_api::AllocKind::Normal,
        };
        let o = self.alloc(size, akind, k)?;
        for i in 0..(size - gc_api::HEADER_BYTES) / 8 {
            object::set_word(o, i, 0);
        }
        Ok(o)
    }

    /// A float object.
    #[inline]
    pub fn new_float(&mut self, f: f64) -> PyResult {
        let o = self.alloc(
            Kind::Float.fixed_size(),
            gc_api::AllocKind::PointerFree,
            Kind::Float,
        )?;
        object::set_word(o, 0, f.to_bits() as usize);
        Ok(Value::obj(o))
    }

    /// A str object from Rust text.
    pub fn new_str(&mut self, s: &str) -> PyResult {
        let o = self.alloc_str_uninit(s.len(), s.chars().count())?;
        object::bytes_of_mut(o).copy_from_slice(s.as_bytes());
        Ok(Value::obj(o))
    }

    /// An immortal, non-moving str (interned names: metadata).
    fn new_str_immortal(&mut self, s: &str) -> PyResult {
        let o = self.alloc_str_in(s.len(), s.chars().count(), gc_api::AllocKind::Immortal)?;
        object::bytes_of_mut(o).copy_from_slice(s.as_bytes());
        Ok(Value::obj(o))
    }

    /// A str object with room for `len` bytes (to be filled with UTF-8).
    pub fn alloc_str_uninit(&mut self, len: usize, chars: usize) -> PyResult<ObjectRef> {
        let ak = if object::bytes_object_size(2, len) > 32 << 10 {
            gc_api::AllocKind::Large
        } else {
            gc_api::AllocKind::PointerFree
        };
        self.alloc_str_in(len, chars, ak)
    }

    fn alloc_str_in(
        &mut self,
        len: usize,
        chars: usize,
        ak: gc_api::AllocKind,
    ) -> PyResult<ObjectRef> {
        let size = object::bytes_object_size(2, len);
        let o = self.alloc(size, ak, Kind::Str)?;
        object::set_word(o, 0, len);
        object::set_word(o, field::STR_CHARS, chars);
        object::set_word(o, field::STR_HASH, usize::MAX);
        Ok(o)
    }

    /// A `Bytes`-layout object of kind `k` (bytes, raw bytes) from `data`.
    pub fn new_bytes_kind(&mut self, k: Kind, data: &[u8]) -> PyResult {
        let o = self.alloc_bytes_kind(k, data.len())?;
        object::bytes_of_mut(o).copy_from_slice(data);
        Ok(Value::obj(o))
    }

    /// A `Bytes`-layout object of kind `k` holding `len` bytes for the
    /// caller to fill in (their old contents are unspecified).
    pub fn alloc_bytes_kind(&mut self, k: Kind, len: usize) -> PyResult<ObjectRef> {
        let extra = match k.layout() {
            object::Layout::Bytes { extra } => extra as usize,
            _ => unreachable!(),
        };
        let size = object::bytes_object_size(extra, len);
        let ak = if size > 32 << 10 {
            gc_api::AllocKind::Large
        } else {
            gc_api::AllocKind::PointerFree
        };
        let o = self.alloc(size, ak, k)?;
        object::set_word(o, 0, len);
        for i in 0..extra {
            object::set_word(o, 1 + i, usize::MAX);
        }
        Ok(o)
    }

    /// A RefArray of kind `k` with `n` NULL elements.
    pub fn alloc_array(&mut self, k: Kind, n: usize) -> PyResult<ObjectRef> {
        let size = object::ref_array_size(n);
        let ak = if size > 32 << 10 {
            gc_api::AllocKind::Large
        } else {
            gc_api::AllocKind::Normal
        };
        let o = self.alloc(size, ak, k)?;
        object::set_word(o, 0, n);
        // SAFETY: the array has n value words after the length.
        unsafe { std::ptr::write_bytes((o.addr() + gc_api::HEADER_BYTES + 8) as *mut u64, 0, n) };
        Ok(o)
    }

    /// A tuple of the values in `stack[start..start+n]`.
    pub fn tuple_from_stack(&mut self, start: usize, n: usize) -> PyResult {
        let o = self.alloc_array(Kind::Tuple, n)?;
        for i in 0..n {
            object::init(o, 1 + i, self.rt.stack[start + i]);
        }
        Ok(Value::obj(o))
    }

    /// A tuple of `vals` (rooted internally while allocating).
    pub fn new_tuple(&mut self, vals: &[Value]) -> PyResult {
        let mark = self.rt.sp;
        for &v in vals {
            self.push(v);
        }
        let r = self.tuple_from_stack(mark, vals.len());
        self.truncate(mark);
        r
    }

    /// A list of the values in `stack[start..start+n]`.
    pub fn list_from_stack(&mut self, start: usize, n: usize) -> PyResult {
        let arr = self.alloc_array(Kind::Array, n.max(4))?;
        for i in 0..n {
            object::init(arr, 1 + i, self.rt.stack[start + i]);
        }
        let mark = self.push(Value::obj(arr));
        let l = self.alloc_fixed(Kind::List)?;
        object::init(l, field::LIST_ITEMS, self.rt.stack[mark]);
        object::set_word(l, field::LIST_LEN, n);
        self.truncate(mark);
        Ok(Value::obj(l))
    }

    /// An empty list with room for `cap` items.
    pub fn new_list(&mut self, cap: usize) -> PyResult {
        let arr = self.alloc_array(Kind::Array, cap.max(4))?;
        let mark = self.push(Value::obj(arr));
        let l = self.alloc_fixed(Kind::List)?;
        object::init(l, field::LIST_ITEMS, self.rt.stack[mark]);
        object::set_word(l, field::LIST_LEN, 0);
        self.truncate(mark);
        Ok(Value::obj(l))
    }

    /// A cell holding `v`.
    pub fn new_cell(&mut self, v: Value) -> PyResult {
        let mark = self.push(v);
        let c = self.alloc_fixed(Kind::Cell)?;
        object::init(c, 0, self.rt.stack[mark]);
        self.truncate(mark);
        Ok(Value::obj(c))
    }

    // ------------------------------------------------------ barriered stores

    /// Stores `v` into value slot `i` of `o` through the write barrier.
    #[inline]
    pub fn store(&mut self, o: ObjectRef, i: usize, v: Value) {
        let slot = object::slot(o, i);
        let old = object::get(o, i);
        self.heap.write_pre(o, slot, old.to_obj());
        object::set_word(o, i, v.0 as usize);
        self.heap.write_post(o, slot, v.to_obj());
    }

    // -------------------------------------------------------------- symbols

    /// The interned str object for symbol `id`. Never allocates: every
    /// symbol's str object is created when it is interned (`intern`) or when
    /// the code that names it is loaded (`materialize_symbols`). Symbol
    /// objects are immortal and never move, so holding one is always safe.
    #[inline]
    pub fn sym(&self, id: u32) -> Value {
        let v = self.rt.symbols[id as usize];
        debug_assert!(!v.is_null(), "symbol {id} not materialised");
        v
    }

    /// Symbol id of `s`, creating its str object if the name is new. May
    /// allocate (a safepoint) only the first time a name is seen; the names
    /// the VM itself uses are interned at boot.
    pub fn intern(&mut self, s: &str) -> u32 {
        let id = self.interner.intern(s);
        self.materialize_symbols();
        id
    }

    /// Creates str objects for symbols interned by the compiler.
    pub fn materialize_symbols(&mut self) {
        while self.rt.symbols.len() < self.interner.len() {
            let i = self.rt.symbols.len();
            // Reserve the slot first so a collection during new_str sees a
            // NULL root rather than a missing one.
            self.rt.symbols.push(Value::NULL);
            let s = self.interner.name(i as u32).to_string();
            match self.new_str_immortal(&s) {
                Ok(v) => self.rt.symbols[i] = v,
                Err(_) => crate::fatal_oom(s.len() + 32, self.heap.limit_bytes()),
            }
        }
    }

    /// The interned str object for `s` (may allocate, see `intern`).
    pub fn sym_str(&mut self, s: &str) -> Value {
        let id = self.intern(s);
        self.sym(id)
    }

    // ---------------------------------------------------------------- types

    /// The class of `v`.
    #[inline]
    pub fn type_of(&self, v: Value) -> Value {
        use crate::builtins::*;
        if v.is_int() {
            return self.rt.classes[T_INT];
        }
        if v.is_obj() {
            let o = v.as_obj();
            let k = object::kind(o);
            if k == Kind::Instance {
                return object::get(o, field::INST_CLASS);
            }
            if k == Kind::WeakRef {
                let c = object::get(o, field::WR_CLASS);
                if !c.is_null() {
                    return c;
                }
                let flavour = object::word(o, field::WR_KIND) & 3;
                return self.rt.classes[[T_WEAKREF, T_WEAKPROXY, T_WEAKCALLABLEPROXY][flavour]];
            }
            if k == Kind::Class {
                let m = object::get(o, field::CLS_META);
                if !m.is_null() {
                    return m;
                }
            }
            if k == Kind::Generator {
                // SAFETY: GEN_CODE holds a leaked &'static Code.
                let code = unsafe { &*(object::word(o, field::GEN_CODE) as *const Code) };
                if code.flags & crate::bytecode::flags::COROUTINE != 0 {
                    return self.rt.classes[T_COROUTINE];
                }
                if code.flags & crate::bytecode::flags::ASYNC_GENERATOR != 0 {
                    return self.rt.classes[T_ASYNC_GENERATOR];
                }
            }
            if k == Kind::DictView {
                return self.rt.classes[T_DICT_KEYS + object::word(o, field::VIEW_WHICH)];
            }
            return self.rt.kind_types[k as usize];
        }
        match v {
            Value::NONE => self.rt.classes[T_NONE],
            Value::TRUE | Value::FALSE => self.rt.classes[T_BOOL],
            Value::NOT_IMPLEMENTED => self.rt.classes[T_NOTIMPL],
            Value::ELLIPSIS => self.rt.classes[T_ELLIPSIS],
            _ => self.rt.classes[T_NONE],
        }
    }

    /// The class named by builtin index `t`.
    #[inline]
    pub fn class(&self, t: usize) -> Value {
        self.rt.classes[t]
    }

    /// The frame executing now.
    pub fn frame(&self) -> Option<&crate::runtime::Frame> {
        self.rt.frames.last()
    }

    /// Code of the innermost frame.
    pub fn current_code(&self) -> Option<&'static Code> {
        self.rt.frames.last().map(|f| f.code)
    }

    /// Flushes buffered stdout.
    pub fn flush(&mut self) {
        use std::io::Write;
        let _ = self.out.flush();
    }
}
