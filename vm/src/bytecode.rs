//! Register bytecode: three-address instructions naming the frame slots they
//! read and write, plus an exception table. Any instruction boundary is a
//! valid resume point, so a JIT can exit to the interpreter anywhere.
//!
//! A frame is `[function][globals][r0 r1 ... rN-1]` on the VM stack; `Reg`
//! indexes the `r` part. Locals come first, then cells and free variables,
//! then temporaries.

use crate::value::Value;
use std::cell::Cell;

/// A frame register index.
pub type Reg = u16;

/// Binary operators (also used for in-place forms).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    TrueDiv,
    FloorDiv,
    Mod,
    Pow,
    LShift,
    RShift,
    And,
    Or,
    Xor,
    MatMul,
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum CmpOp {
    Lt,
    Le,
    Eq,
    Ne,
    Gt,
    Ge,
    Is,
    IsNot,
    In,
    NotIn,
}

/// Unary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum UnOp {
    Neg,
    Pos,
    Invert,
    Not,
}

/// One instruction. `k` operands index the code's constant table; `name`
/// operands are interned symbol ids.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Instr {
    Nop,
    LoadConst {
        dst: Reg,
        k: u32,
    },
    Move {
        dst: Reg,
        src: Reg,
    },
    LoadGlobal {
        dst: Reg,
        name: u32,
    },
    StoreGlobal {
        name: u32,
        src: Reg,
    },
    DeleteGlobal {
        name: u32,
    },
    /// Name lookup in a class body or module namespace: locals dict, globals, builtins.
    LoadName {
        dst: Reg,
        name: u32,
    },
    StoreName {
        name: u32,
        src: Reg,
    },
    DeleteName {
        name: u32,
    },
    /// Unbound-local check (after `del` or before first assignment).
    CheckBound {
        reg: Reg,
        name: u32,
    },
    DeleteFast {
        reg: Reg,
    },
    LoadDeref {
        dst: Reg,
        cell: Reg,
        name: u32,
    },
    StoreDeref {
        cell: Reg,
        src: Reg,
    },
    DeleteDeref {
        cell: Reg,
    },
    /// Wraps the current value of `reg` in a new cell (frame prologue).
    MakeCell {
        reg: Reg,
    },
    LoadAttr {
        dst: Reg,
        obj: Reg,
        name: u32,
    },
    StoreAttr {
        obj: Reg,
        name: u32,
        src: Reg,
    },
    DeleteAttr {
        obj: Reg,
        name: u32,
    },
    /// `dst` = callable, `dst+1` = self or NULL, ready for `CallMethod`.
    LoadMethod {
        dst: Reg,
        obj: Reg,
        name: u32,
    },
    GetItem {
        dst: Reg,
        obj: Reg,
        key: Reg,
    },
    SetItem {
        obj: Reg,
        key: Reg,
        src: Reg,
    },
    DeleteItem {
        obj: Reg,
        key: Reg,
    },
    Binary {
        op: BinOp,
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    InPlace {
        op: BinOp,
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    Unary {
        op: UnOp,
        dst: Reg,
        src: Reg,
    },
    Compare {
        op: CmpOp,
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    Jump {
        target: u32,
    },
    JumpIfTrue {
        cond: Reg,
        target: u32,
    },
    JumpIfFalse {
        cond: Reg,
        target: u32,
    },
    GetIter {
        dst: Reg,
        src: Reg,
    },
    /// `dst = next(iter)`, or jump to `exit` when exhausted.
    ForIter {
        iter: Reg,
        dst: Reg,
        exit: u32,
    },
    BuildTuple {
        dst: Reg,
        start: Reg,
        n: u16,
    },
    BuildList {
        dst: Reg,
        start: Reg,
        n: u16,
    },
    BuildSet {
        dst: Reg,
        start: Reg,
        n: u16,
    },
    /// `n` key/value pairs in consecutive registers.
    BuildDict {
        dst: Reg,
        start: Reg,
        n: u16,
    },
    BuildSlice {
        dst: Reg,
        start: Reg,
        n: u16,
    },
    /// Concatenates `n` strings.
    BuildString {
        dst: Reg,
        start: Reg,
        n: u16,
    },
    ListAppend {
        list: Reg,
        src: Reg,
    },
    ListExtend {
        list: Reg,
        src: Reg,
    },
    ListToTuple {
        dst: Reg,
        src: Reg,
    },
    SetAdd {
        set: Reg,
        src: Reg,
    },
    SetUpdate {
        set: Reg,
        src: Reg,
    },
    DictSet {
        dict: Reg,
        key: Reg,
        src: Reg,
    },
    DictUpdate {
        dict: Reg,
        src: Reg,
    },
    /// Unpacks exactly `n` items into `start..start+n`.
    Unpack {
        src: Reg,
        start: Reg,
        n: u16,
    },
    /// Star unpacking: `before` items, a list, `after` items.
    UnpackEx {
        src: Reg,
        start: Reg,
        before: u16,
        after: u16,
    },
    /// `func(start..start+n)`.
    Call {
        dst: Reg,
        func: Reg,
        start: Reg,
        n: u16,
    },
    /// Like Call; the last `len(kwnames)` arguments are keywords.
    CallKw {
        dst: Reg,
        func: Reg,
        start: Reg,
        n: u16,
        kwnames: u32,
    },
    /// `func` at `start`, self-or-NULL at `start+1`, then `n` arguments.
    CallMethod {
        dst: Reg,
        start: Reg,
        n: u16,
    },
    /// `func(*args, **kwargs)`; `kwargs` register holds NULL when absent.
    CallEx {
        dst: Reg,
        func: Reg,
        args: Reg,
        kwargs: Reg,
    },
    /// Makes a function from constant code `k`; defaults tuple in `defaults`
    /// (NULL if none), kw defaults dict in `kwdefaults`, closure cells in
    /// `cells..cells+ncells`.
    MakeFunction {
        dst: Reg,
        k: u32,
        defaults: Reg,
        kwdefaults: Reg,
        cells: Reg,
        ncells: u16,
    },
    Return {
        src: Reg,
    },
    /// Yields `src`; the sent value lands in `dst` on resume.
    Yield {
        dst: Reg,
        src: Reg,
    },
    /// Delegates to the sub-iterator in `iter` until exhausted; result in `dst`.
    YieldFrom {
        dst: Reg,
        iter: Reg,
    },
    Raise {
        exc: Reg,
        cause: Reg,
    },
    /// Re-raises the exception in `exc` (the bare `raise` / end of handler).
    Reraise {
        exc: Reg,
    },
    /// `dst = isinstance(exc, typ)` for except clauses (tuples allowed).
    ExcMatch {
        dst: Reg,
        exc: Reg,
        typ: Reg,
    },
    /// Marks the start/end of handling the exception in `exc` (sets and
    /// restores the "current exception" for context chaining).
    PushExc {
        exc: Reg,
        saved: Reg,
    },
    PopExc {
        saved: Reg,
    },
    /// `format(src, spec)` with conversion (0 none, 1 str, 2 repr, 3 ascii).
    FormatValue {
        dst: Reg,
        src: Reg,
        spec: Reg,
        conv: u8,
    },
    ImportName {
        dst: Reg,
        name: u32,
        fromlist: Reg,
        level: u16,
    },
    ImportFrom {
        dst: Reg,
        module: Reg,
        name: u32,
    },
    ImportStar {
        module: Reg,
    },
    /// Class body prologue: `__name__`/`__qualname__` in the namespace.
    SetupAnnotations,
    /// `assert` failure: raises AssertionError(msg or none).
    AssertFail {
        msg: Reg,
    },
    /// Loads the class-body namespace dict (for `__build_class__` bodies).
    LoadLocals {
        dst: Reg,
    },
    /// Polls the heap at a loop back-edge (a safepoint).
    Poll,
}

/// One exception-table entry: instructions in `start..end` jump to
/// `target` with the exception in `reg`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Handler {
    pub start: u32,
    pub end: u32,
    pub target: u32,
    pub reg: Reg,
}

/// Code flags.
pub mod flags {
    pub const VARARGS: u32 = 1;
    pub const VARKEYWORDS: u32 = 2;
    pub const GENERATOR: u32 = 4;
    /// Module or class body: names resolve through a namespace dict.
    pub const NAMESPACE: u32 = 8;
    /// An `async def` without `yield`: calling it makes a coroutine.
    pub const COROUTINE: u32 = 16;
    /// An `async def` with `yield`: calling it makes an async generator.
    pub const ASYNC_GENERATOR: u32 = 32;
}

/// An inline cache entry for an attribute instruction (one per
/// instruction; unused by the others). Class and holder addresses are of
/// immortal class objects and shapes are immortal, so entries need no GC
/// updates; `epoch` invalidates them when any class is mutated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InlineCache {
    /// Receiver class (address of the immortal class object).
    pub class: usize,
    /// Receiver shape (instances), or 0.
    pub shape: usize,
    /// StoreAttr: shape after adding the attribute (0: attribute exists).
    /// LoadMethod: the class whose dict holds the method.
    pub aux: usize,
    /// `Runtime::class_epoch` when filled (0 never matches).
    pub epoch: u32,
    /// Slot index (attributes) or dict entry index (methods).
    pub index: u32,
}

/// A compiled function body. Code objects live in the non-moving metadata
/// space (leaked boxes, immortal); their constant tables are GC roots.
pub struct Code {
    pub name: String,
    pub qualname: String,
    pub filename: std::rc::Rc<str>,
    pub instrs: Vec<Instr>,
    /// Source line of each instruction.
    pub lines: Vec<u32>,
    /// Per instruction: the registers at or above this index hold only dead
    /// temporaries of earlier statements while the instruction executes
    /// (the statement's temporary high-water mark). `gc.collect()` clears
    /// them in frames suspended at a call, so garbage a statement left in a
    /// temporary does not outlive it (R1 leaves this free; tests want it).
    pub live_regs: Vec<Reg>,
    pub first_line: u32,
    /// Constant table: a GC root, updated by moving collectors.
    pub consts: Box<[Cell<Value>]>,
    /// Number of registers (the frame size without its header).
    pub nregs: u32,
    /// Positional parameters (including positional-only).
    pub argcount: u32,
    pub posonly: u32,
    pub kwonly: u32,
    pub flags: u32,
    /// Parameter names as symbol ids (positional, kw-only, *args, **kwargs).
    pub params: Vec<u32>,
    /// Registers holding parameters that inner functions capture: wrapped in
    /// cells at entry.
    pub cell_params: Vec<Reg>,
    /// Registers that receive the closure's cells at entry.
    pub free_start: Reg,
    pub nfree: u16,
    /// Registers that hold fresh empty cells at entry (captured locals).
    pub cell_locals: Vec<Reg>,
    pub handlers: Vec<Handler>,
    /// Local variable names by register (for errors and debugging).
    pub local_names: Vec<(Reg, u32)>,
    /// The docstring, for `function.__doc__`.
    pub doc: Option<std::rc::Rc<str>>,
    /// Inline caches, one per instruction (T0's attribute specialisation).
    pub caches: Box<[Cell<InlineCache>]>,
}

impl Code {
    /// Source line of instruction `pc`.
    pub fn line_at(&self, pc: usize) -> u32 {
        self.lines.get(pc).copied().unwrap_or(self.first_line)
    }

    /// The innermost handler covering `pc`.
    pub fn handler_for(&self, pc: u32) -> Option<Handler> {
        // Handlers are recorded innermost-first by the compiler.
        self.handlers
            .iter()
            .copied()
            .find(|h| h.start <= pc && pc < h.end)
    }

    /// Is this a generator function's body?
    pub fn is_generator(&self) -> bool {
        self.flags & flags::GENERATOR != 0
    }
}
