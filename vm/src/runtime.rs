//! The collector-independent half of the VM state: the VM stack (frames and
//! handle slots), interned symbols, code constant tables, builtin classes,
//! modules and exception state — everything the collectors see as roots —
//! and the `VmBinding` implementation that tells them how objects look.
//!
//! `Vm<H>` (in `vm.rs`) pairs this with a heap `H`; keeping the two apart lets
//! the VM call `heap.alloc_slow(&mut runtime, ..)` without aliasing.

use crate::bytecode::Code;
use crate::object::{self, Kind};
use crate::reaper::{Labeler, Reaper};
use crate::value::Value;
use gc_api::{
    ObjectRef, RootPrecision, RootVisitor, Slot, SlotVisitor, VerifyObject, VmBinding, WeakContext,
};
use rustc_hash::FxHashMap as HashMap;
use std::alloc::{Layout, alloc_zeroed};

/// Capacity of the VM stack in values (frames plus handle slots).
pub const STACK_VALUES: usize = 4 << 20;

/// A hidden class: the attribute layout of instances that were given the
/// same attributes in the same order. Shapes are immortal metadata.
pub struct Shape {
    /// Attribute symbol ids in slot order.
    pub names: Vec<u32>,
    index: HashMap<u32, u32>,
    transitions: std::cell::RefCell<HashMap<u32, &'static Shape>>,
}

impl Shape {
    /// The empty shape every instance starts with.
    pub fn root() -> &'static Shape {
        Box::leak(Box::new(Shape {
            names: Vec::new(),
            index: HashMap::default(),
            transitions: Default::default(),
        }))
    }

    /// Slot of attribute `sym`.
    #[inline]
    pub fn lookup(&self, sym: u32) -> Option<usize> {
        if self.names.len() <= 8 {
            return self.names.iter().position(|&n| n == sym);
        }
        self.index.get(&sym).map(|&i| i as usize)
    }

    /// The shape after adding `sym`.
    pub fn with(&'static self, sym: u32) -> &'static Shape {
        if let Some(s) = self.transitions.borrow().get(&sym) {
            return s;
        }
        let mut names = self.names.clone();
        names.push(sym);
        let index = names
            .iter()
            .enumerate()
            .map(|(i, &n)| (n, i as u32))
            .collect();
        let s: &'static Shape = Box::leak(Box::new(Shape {
            names,
            index,
            transitions: Default::default(),
        }));
        self.transitions.borrow_mut().insert(sym, s);
        s
    }
}

/// One activation on the VM stack.
#[derive(Clone, Copy)]
pub struct Frame {
    pub code: &'static Code,
    /// Index of register 0 in the VM stack; `base-2` holds the function,
    /// `base-1` the globals dict.
    pub base: usize,
    /// Instruction being executed (for tracebacks).
    pub pc: usize,
}

/// Roots and metadata shared by every heap.
pub struct Runtime {
    pub stack: Box<[Value]>,
    pub sp: usize,
    pub frames: Vec<Frame>,
    /// Interned symbol id → str object (created on first use).
    pub symbols: Vec<Value>,
    /// Every materialised code object (their constant tables are roots).
    pub codes: Vec<&'static Code>,
    /// Builtin class per object kind, and named builtin classes.
    pub kind_types: [Value; object::KIND_COUNT],
    /// Named classes and singletons created at boot (int, bool, NoneType,
    /// exceptions, ...), indexed by `crate::builtins::T_*`.
    pub classes: Vec<Value>,
    /// Extra roots: builtins module dict, sys.modules, main module, ...
    pub globals_roots: Vec<Value>,
    /// The exception being propagated.
    pub exc: Value,
    /// The exception being handled (for context and bare `raise`).
    pub handling: Value,
    pub root_shape: &'static Shape,
    /// (class id, symbol) → attribute found on the MRO; cleared at every
    /// collection and on class mutation.
    pub attr_cache: HashMap<(u32, u32), Value>,
    /// Class id → allowed attribute names under `__slots__` (or None).
    pub slots_cache: HashMap<u32, Option<std::rc::Rc<Vec<u32>>>>,
    pub next_class_id: u32,
    /// Every class ever made (classes are immortal and never move), for
    /// `type.__subclasses__`.
    pub all_classes: Vec<Value>,
    /// Bumped whenever a class dict changes; inline caches filled under an
    /// older epoch are stale.
    pub class_epoch: u32,
    /// Source of dict versions: every dict's key set, in every state, gets
    /// a distinct value, so a version identifies a dict even if it moves.
    pub dict_versions: u64,
    /// Lazily assigned identities for `id()`/default hash: object → id.
    /// Keys are addresses; moving collectors forward them at weak processing.
    pub identities: HashMap<usize, u64>,
    pub next_identity: u64,
    /// The collector moves objects (identities cannot be addresses).
    pub moves_objects: bool,
    /// Finalizers and weak references (`crate::reaper`).
    pub reaper: Reaper,
    pub recursion_limit: usize,
    pub native_stack_base: usize,
    pub collections: u64,
    /// (code, line) of each frame the pending exception passed through,
    /// innermost first.
    pub traceback: Vec<(&'static Code, u32)>,
    /// The pending exception is being re-raised: the frame it leaves has
    /// its traceback entry already.
    pub reraising: bool,
    /// Containers being repr'd (cycle guard); roots while printing.
    pub repr_stack: Vec<Value>,
}

impl Runtime {
    /// A runtime with an empty VM stack.
    pub fn new() -> Runtime {
        let layout = Layout::array::<Value>(STACK_VALUES).expect("stack layout");
        // SAFETY: the layout is non-zero sized; zeroed memory is a valid
        // array of NULL values (Value::NULL is 0). Ownership passes to the Box.
        let stack = unsafe {
            let p = alloc_zeroed(layout) as *mut Value;
            assert!(!p.is_null(), "cannot allocate the VM stack");
            Box::from_raw(std::ptr::slice_from_raw_parts_mut(p, STACK_VALUES))
        };
        Runtime {
            stack,
            sp: 0,
            frames: Vec::new(),
            symbols: Vec::new(),
            codes: Vec::new(),
            kind_types: [Value::NULL; object::KIND_COUNT],
            classes: Vec::new(),
            globals_roots: Vec::new(),
            exc: Value::NULL,
            handling: Value::NULL,
            root_shape: Shape::root(),
            attr_cache: HashMap::default(),
            slots_cache: HashMap::default(),
            next_class_id: 1,
            all_classes: Vec::new(),
            class_epoch: 1,
            dict_versions: 0,
            identities: HashMap::default(),
            next_identity: 1,
            moves_objects: true,
            reaper: Reaper::default(),
            recursion_limit: 1000,
            native_stack_base: 0,
            collections: 0,
            traceback: Vec::new(),
            reraising: false,
            repr_stack: Vec::new(),
        }
    }
}

impl Runtime {
    /// The identity of `o` for `id()` and default hashes: its address under
    /// a non-moving collector, else a number assigned on first use and kept
    /// across moves (the table is forwarded at every collection).
    pub fn identity_of(&mut self, o: ObjectRef) -> u64 {
        if !self.moves_objects {
            return o.addr() as u64;
        }
        if let Some(&id) = self.identities.get(&o.addr()) {
            return id;
        }
        let id = self.next_identity << 4;
        self.next_identity += 1;
        self.identities.insert(o.addr(), id);
        object::set_flags(o, object::FLAG_HASHED);
        id
    }
}

impl Labeler for Runtime {
    fn label(&mut self, o: ObjectRef) -> u64 {
        self.identity_of(o)
    }
}

impl Default for Runtime {
    fn default() -> Self {
        Self::new()
    }
}

fn visit_value(v: &mut Value, visitor: &mut dyn RootVisitor) {
    if v.is_obj() {
        // SAFETY: `v` lives in a root table that is not resized during the
        // scan (the collector runs with the mutator stopped).
        visitor.visit_root(unsafe { Slot::from_ptr(v as *mut Value as *mut usize) });
    }
}

impl VmBinding for Runtime {
    #[inline]
    fn object_size_static(o: ObjectRef) -> usize {
        object::object_size(o)
    }

    #[inline]
    fn scan_object<V: SlotVisitor>(&self, o: ObjectRef, visitor: &mut V) {
        object::scan(o, |s| visitor.visit_slot(s));
    }

    fn scan_roots(&mut self, precision: RootPrecision, visitor: &mut dyn RootVisitor) {
        let sp = self.sp;
        for v in self.stack[..sp].iter_mut() {
            visit_value(v, visitor);
        }
        for v in self.symbols.iter_mut() {
            visit_value(v, visitor);
        }
        for code in &self.codes {
            for c in code.consts.iter() {
                if c.get().is_obj() {
                    // SAFETY: Cell::as_ptr gives a stable, writable pointer
                    // into the leaked constant table.
                    visitor.visit_root(unsafe { Slot::from_ptr(c.as_ptr() as *mut usize) });
                }
            }
        }
        for v in self.kind_types.iter_mut() {
            visit_value(v, visitor);
        }
        for v in self.classes.iter_mut() {
            visit_value(v, visitor);
        }
        for v in self.globals_roots.iter_mut() {
            visit_value(v, visitor);
        }
        for v in self.repr_stack.iter_mut() {
            visit_value(v, visitor);
        }
        for v in self.reaper.queue_values() {
            visit_value(v, visitor);
        }
        visit_value(&mut self.exc, visitor);
        visit_value(&mut self.handling, visitor);
        if precision == RootPrecision::Ambiguous && self.native_stack_base != 0 {
            // The native stack of the interpreter thread, from the current
            // position to its base, for collectors that scan conservatively.
            let here = 0usize;
            let lo = &here as *const usize;
            let hi = self.native_stack_base as *const usize;
            if (lo as usize) < (hi as usize) {
                visitor.visit_ambiguous_range(lo, hi);
            }
        }
    }

    fn process_weak(&mut self, ctx: &mut dyn WeakContext) -> bool {
        let mut reaper = std::mem::take(&mut self.reaper);
        let again = reaper.process(ctx, self);
        self.reaper = reaper;
        if again {
            return true;
        }
        // Identities of dead objects are dropped; moved objects keep theirs.
        if !self.identities.is_empty() {
            let old = std::mem::take(&mut self.identities);
            for (addr, id) in old {
                let o = ObjectRef::from_addr(addr).expect("identity of null");
                if ctx.is_live(o) {
                    self.identities.insert(ctx.forwarded(o).addr(), id);
                }
            }
        }
        false
    }

    fn collection_finished(&mut self) {
        self.attr_cache.clear();
        self.collections += 1;
    }
}

impl VerifyObject for Runtime {
    fn check_object(&self, o: ObjectRef) -> Result<(), String> {
        // SAFETY: verify calls this on reached object starts only.
        let w = unsafe { o.vm_word() };
        if Kind::from_u8(w as u8).is_none() {
            return Err(format!("bad VM word {w:#x}"));
        }
        Ok(())
    }
}
