//! T0: the bytecode interpreter loop, frame entry (argument binding, cells,
//! generators) and exception unwinding through the exception table.

use crate::builtins::*;
use crate::bytecode::{BinOp, CmpOp, Code, Instr, UnOp, flags};
use crate::compiler::codegen::NO_REG;
use crate::object::{self, Kind, field};
use crate::runtime::Frame;
use crate::value::Value;
use crate::vm::{Args, Exc, PyResult, Vm};
use gc_api::Heap;

/// How a frame's execution ended.
pub enum Flow {
    Return(Value),
    Yield(Value),
}

/// A float operand for the interpreter's float fast path: a float object,
/// or a small int when the other operand is a float (at least one of the
/// two must be a float object for the fast path to apply; two small ints
/// never reach it because the int fast path runs first).
#[inline]
fn float_or_small(v: Value) -> Option<f64> {
    if v.is_obj() {
        let o = v.as_obj();
        if object::kind(o) == Kind::Float {
            return Some(object::float_of(o));
        }
        return None;
    }
    if v.is_int() {
        let i = v.as_int();
        if i.unsigned_abs() < (1 << 53) {
            return Some(i as f64);
        }
    }
    None
}

/// The instance `o`, if an attribute inline cache entry `c` applies to it:
/// same immortal class, same shape, filled under the current class epoch.
#[inline]
fn cached_instance(
    o: Value,
    c: &crate::bytecode::InlineCache,
    epoch: u32,
) -> Option<gc_api::ObjectRef> {
    if !o.is_obj() || object::kind(o.as_obj()) != Kind::Instance {
        return None;
    }
    let oo = o.as_obj();
    (c.shape == object::word(oo, field::INST_SHAPE)
        && c.class == object::word(oo, field::INST_CLASS)
        && c.epoch == epoch)
        .then_some(oo)
}

/// Generator states (GEN_STATE word).
pub const GEN_CREATED: usize = 0;
pub const GEN_SUSPENDED: usize = 1;
pub const GEN_RUNNING: usize = 2;
pub const GEN_DONE: usize = 3;

impl<H: Heap> Vm<H> {
    /// Pushes a frame for `code` with `func`/`globals` in its header; the
    /// registers are cleared. Returns the base index.
    pub fn push_frame(
        &mut self,
        code: &'static Code,
        func: Value,
        globals: Value,
    ) -> PyResult<usize> {
        if self.rt.frames.len() >= self.rt.recursion_limit {
            return Err(self.raise_msg(T_RECURSION_ERROR, "maximum recursion depth exceeded"));
        }
        let base = self.rt.sp + 2;
        let end = base + code.nregs as usize;
        if end + 1024 >= self.rt.stack.len() {
            return Err(self.raise_msg(
                T_RECURSION_ERROR,
                "maximum recursion depth exceeded (VM stack full)",
            ));
        }
        self.rt.stack[base - 2] = func;
        self.rt.stack[base - 1] = globals;
        self.rt.stack[base..end].fill(Value::NULL);
        self.rt.sp = end;
        self.rt.frames.push(Frame { code, base, pc: 0 });
        Ok(base)
    }

    /// Pops the innermost frame.
    pub fn pop_frame(&mut self) {
        let f = self.rt.frames.pop().expect("frame to pop");
        self.rt.sp = f.base - 2;
    }

    /// Runs module-level code with `globals`.
    pub fn run_code(&mut self, code: &'static Code, globals: Value) -> PyResult {
        self.run_top(code, globals, None)
    }

    /// Runs top-level code compiled by `compiler::compile_in_namespace`
    /// with `globals`, its top-level names living in mapping `ns`.
    pub fn run_code_in(&mut self, code: &'static Code, globals: Value, ns: Value) -> PyResult {
        self.run_top(code, globals, Some(ns))
    }

    fn run_top(&mut self, code: &'static Code, globals: Value, ns: Option<Value>) -> PyResult {
        let mark = self.rt.sp;
        let base = self.push_frame(code, Value::NULL, globals)?;
        if let Some(ns) = ns {
            // The namespace is the code's only parameter (register 0).
            self.rt.stack[base] = ns;
        }
        let r = self.execute();
        self.pop_frame();
        self.truncate(mark);
        match r {
            Ok(Flow::Return(v)) => Ok(v),
            Ok(Flow::Yield(_)) => Err(self.raise_msg(T_SYNTAX_ERROR, "'yield' outside function")),
            Err(e) => Err(e),
        }
    }

    /// Calls a Python function object with arguments at `args`.
    pub fn call_python(&mut self, func: Value, args: Args) -> PyResult {
        // Function entry is a safepoint for queued finalizers (R13); the
        // arguments are rooted on the VM stack, `func` is re-read below.
        let func = if self.finalizers_pending() {
            let fs = self.push(func);
            self.run_finalizers();
            let f = self.st(fs);
            self.truncate(fs);
            f
        } else {
            func
        };
        let fo = func.as_obj();
        // SAFETY: FN_CODE holds a leaked &'static Code set by MakeFunction.
        let code: &'static Code = unsafe { &*(object::word(fo, field::FN_CODE) as *const Code) };
        let globals = object::get(fo, field::FN_GLOBALS);
        let mark = self.rt.sp;
        let base = self.push_frame(code, func, globals)?;
        if let Err(e) = self.bind_args(code, base, args) {
            self.pop_frame();
            self.truncate(mark);
            return Err(e);
        }
        if code.flags & flags::GENERATOR != 0 {
            let r = self.make_generator(code, base);
            self.pop_frame();
            self.truncate(mark);
            return r;
        }
        let r = self.execute();
        self.pop_frame();
        self.truncate(mark);
        match r {
            Ok(Flow::Return(v)) => Ok(v),
            Ok(Flow::Yield(_)) => unreachable!("yield in a non-generator"),
            Err(e) => Err(e),
        }
    }

    fn fn_name(&self, code: &Code) -> String {
        format!("{}()", code.qualname)
    }

    /// Binds call arguments into the new frame's registers, then sets up
    /// cells and free variables.
    fn bind_args(&mut self, code: &'static Code, base: usize, args: Args) -> PyResult<()> {
        let argc = code.argcount as usize;
        let nkw = self.nkw(args);
        let npos = args.n;
        let take = npos.min(argc);
        for i in 0..take {
            self.rt.stack[base + i] = self.rt.stack[args.base + i];
        }
        let kwonly = code.kwonly as usize;
        let mut next_param = argc + kwonly;
        // *args
        if code.flags & flags::VARARGS != 0 {
            let extra = npos.saturating_sub(argc);
            let t = self.tuple_from_stack(args.base + take, extra)?;
            self.rt.stack[base + next_param] = t;
            next_param += 1;
        } else if npos > argc {
            let msg = format!(
                "{} takes {} positional argument{} but {} {} given",
                self.fn_name(code),
                argc,
                if argc == 1 { "" } else { "s" },
                npos,
                if npos == 1 { "was" } else { "were" }
            );
            return Err(self.type_error(&msg));
        }
        let kwargs_reg = if code.flags & flags::VARKEYWORDS != 0 {
            let d = self.new_dict()?;
            self.rt.stack[base + next_param] = d;
            Some(base + next_param)
        } else {
            None
        };
        // Keywords.
        for k in 0..nkw {
            let name = object::array_get(self.kwnames(args).as_obj(), k);
            let key = object::str_of(name.as_obj());
            let pos = code.params[..argc + kwonly]
                .iter()
                .position(|&p| self.interner.name(p) == key);
            let val = self.rt.stack[args.base + npos + k];
            match pos {
                Some(p) if p >= code.posonly as usize => {
                    if !self.rt.stack[base + p].is_null() {
                        let msg = format!(
                            "{} got multiple values for argument '{}'",
                            self.fn_name(code),
                            key
                        );
                        return Err(self.type_error(&msg));
                    }
                    self.rt.stack[base + p] = val;
                }
                _ => match kwargs_reg {
                    Some(r) => {
                        let d = self.rt.stack[r];
                        self.dict_set_item(d, name, val)?;
                    }
                    None => {
                        let msg = format!(
                            "{} got an unexpected keyword argument '{}'",
                            self.fn_name(code),
                            key
                        );
                        return Err(self.type_error(&msg));
                    }
                },
            }
        }
        // Defaults.
        let func_v = self.rt.stack[base - 2];
        // Re-read the function: the *args/**kwargs allocations may have moved it.
        let defaults = object::get(self.rt.stack[base - 2].as_obj(), field::FN_DEFAULTS);
        let ndef = if defaults.is_obj() {
            object::array_len(defaults.as_obj())
        } else {
            0
        };
        let mut missing = Vec::new();
        for i in 0..argc {
            if self.rt.stack[base + i].is_null() {
                if i + ndef >= argc {
                    self.rt.stack[base + i] = object::array_get(defaults.as_obj(), i + ndef - argc);
                } else {
                    missing.push(self.interner.name(code.params[i]).to_string());
                }
            }
        }
        if !missing.is_empty() {
            let names: Vec<String> = missing.iter().map(|m| format!("'{m}'")).collect();
            let list = match names.len() {
                1 => names[0].clone(),
                2 => format!("{} and {}", names[0], names[1]),
                _ => format!(
                    "{}, and {}",
                    names[..names.len() - 1].join(", "),
                    names[names.len() - 1]
                ),
            };
            let msg = format!(
                "{} missing {} required positional argument{}: {}",
                self.fn_name(code),
                missing.len(),
                if missing.len() == 1 { "" } else { "s" },
                list
            );
            return Err(self.type_error(&msg));
        }
        for i in argc..argc + kwonly {
            if self.rt.stack[base + i].is_null() {
                let kwd = object::get(func_v.as_obj(), field::FN_KWDEFAULTS);
                let name = self.sym(code.params[i]);
                let v = if kwd.is_obj() {
                    self.dict_get_item(kwd, name)?
                } else {
                    None
                };
                match v {
                    Some(v) => self.rt.stack[base + i] = v,
                    None => {
                        let msg = format!(
                            "{} missing 1 required keyword-only argument: '{}'",
                            self.fn_name(code),
                            self.interner.name(code.params[i])
                        );
                        return Err(self.type_error(&msg));
                    }
                }
            }
        }
        // Cells and free variables.
        for &r in &code.cell_params {
            let v = self.rt.stack[base + r as usize];
            let c = self.new_cell(v)?;
            self.rt.stack[base + r as usize] = c;
        }
        for &r in &code.cell_locals {
            let c = self.new_cell(Value::NULL)?;
            self.rt.stack[base + r as usize] = c;
        }
        if code.nfree > 0 {
            let closure = object::get(self.rt.stack[base - 2].as_obj(), field::FN_CLOSURE);
            for i in 0..code.nfree as usize {
                self.rt.stack[base + code.free_start as usize + i] =
                    object::array_get(closure.as_obj(), i);
            }
        }
        Ok(())
    }

    fn make_generator(&mut self, code: &'static Code, base: usize) -> PyResult {
        let n = code.nregs as usize;
        let regs = self.alloc_array(Kind::Array, n)?;
        for i in 0..n {
            object::init(regs, 1 + i, self.rt.stack[base + i]);
        }
        let mark = self.push(Value::obj(regs));
        let g = self.alloc_fixed(Kind::Generator)?;
        object::init(g, field::GEN_FUNC, self.rt.stack[base - 2]);
        object::init(g, field::GEN_REGS, self.rt.stack[mark]);
        object::set_word(g, field::GEN_PC, 0);
        object::set_word(g, field::GEN_STATE, GEN_CREATED);
        object::set_word(g, field::GEN_CODE, code as *const Code as usize);
        self.truncate(mark);
        Ok(Value::obj(g))
    }

    /// Resumes generator `g` (rooted at stack index `gslot`) sending `sent`;
    /// `Ok(Some(v))` for a yielded value, `Ok(None)` when it returned
    /// (the return value is left in `rt.exc`-free StopIteration form by callers).
    pub fn gen_resume(
        &mut self,
        gslot: usize,
        sent: Value,
        throw: Value,
    ) -> PyResult<Result<Value, Value>> {
        let g = self.rt.stack[gslot].as_obj();
        let state = object::word(g, field::GEN_STATE);
        if state == GEN_DONE {
            if throw.is_obj() {
                self.rt.exc = throw;
                return Err(Exc);
            }
            return Ok(Err(Value::NONE));
        }
        if state == GEN_RUNNING {
            return Err(self.value_error("generator already executing"));
        }
        if state == GEN_CREATED && !sent.is_none() && !sent.is_null() && !throw.is_obj() {
            return Err(self.type_error("can't send non-None value to a just-started generator"));
        }
        // SAFETY: GEN_CODE holds a leaked &'static Code.
        let code: &'static Code = unsafe { &*(object::word(g, field::GEN_CODE) as *const Code) };
        let func = object::get(g, field::GEN_FUNC);
        let globals = object::get(func.as_obj(), field::FN_GLOBALS);
        let mark = self.rt.sp;
        let sent_slot = self.push(sent);
        let base = self.push_frame(code, func, globals)?;
        let g = self.rt.stack[gslot].as_obj();
        let regs = object::get(g, field::GEN_REGS).as_obj();
        let n = code.nregs as usize;
        for i in 0..n {
            self.rt.stack[base + i] = object::array_get(regs, i);
        }
        let pc = object::word(g, field::GEN_PC);
        object::set_word(g, field::GEN_STATE, GEN_RUNNING);
        self.rt.frames.last_mut().expect("frame").pc = pc;
        // The value sent lands in the destination register of the Yield.
        if state == GEN_SUSPENDED
            && pc > 0
            && let Instr::Yield { dst, .. } | Instr::YieldFrom { dst, .. } = code.instrs[pc - 1]
            && let Instr::Yield { .. } = code.instrs[pc - 1]
        {
            self.rt.stack[base + dst as usize] = self.rt.stack[sent_slot];
        }
        // Suspended in a `yield from`/`await`: the value goes to the delegate.
        if state == GEN_SUSPENDED
            && let Some(Instr::YieldFrom { dst, .. }) = code.instrs.get(pc).copied()
        {
            let s = self.rt.stack[sent_slot];
            self.rt.stack[base + dst as usize] = if s.is_null() { Value::NONE } else { s };
        }
        let r = if throw.is_obj() {
            self.rt.exc = throw;
            self.resume_traceback(throw);
            self.execute_from_exception()
        } else {
            self.execute()
        };
        // Save registers back (or finish).
        let g = self.rt.stack[gslot].as_obj();
        let out = match r {
            Ok(Flow::Yield(v)) => {
                let pc = self.rt.frames.last().expect("frame").pc;
                let regs = object::get(g, field::GEN_REGS).as_obj();
                for i in 0..n {
                    let v = self.rt.stack[base + i];
                    self.store(regs, 1 + i, v);
                }
                object::set_word(g, field::GEN_PC, pc);
                object::set_word(g, field::GEN_STATE, GEN_SUSPENDED);
                Ok(Ok(v))
            }
            Ok(Flow::Return(v)) => {
                object::set_word(g, field::GEN_STATE, GEN_DONE);
                Ok(Err(v))
            }
            Err(e) => {
                object::set_word(g, field::GEN_STATE, GEN_DONE);
                Err(e)
            }
        };
        self.pop_frame();
        self.truncate(mark);
        if let Err(e) = &out {
            // A StopIteration escaping a generator becomes RuntimeError.
            let _ = e;
            if self.isinstance_idx(self.rt.exc, T_STOP_ITERATION) {
                return Err(self.raise_msg(T_RUNTIME_ERROR, "generator raised StopIteration"));
            }
        }
        out
    }

    fn execute_from_exception(&mut self) -> PyResult<Flow> {
        // Deliver the pending exception at the current pc.
        let f = *self.rt.frames.last().expect("frame");
        let at = f.pc.saturating_sub(1);
        self.record_arrival(f.code, at);
        match f.code.handler_for(at as u32) {
            Some(h) => {
                self.rt.stack[f.base + h.reg as usize] = self.rt.exc;
                self.rt.exc = Value::NULL;
                self.rt.frames.last_mut().expect("frame").pc = h.target as usize;
                self.execute()
            }
            None => Err(Exc),
        }
    }

    /// Runs the innermost frame from its saved pc until it returns, yields
    /// or raises.
    pub fn execute(&mut self) -> PyResult<Flow> {
        let fi = self.rt.frames.len() - 1;
        let Frame {
            code,
            base,
            pc: start,
        } = self.rt.frames[fi];
        let mut pc = start;
        macro_rules! r {
            ($x:expr) => {
                self.rt.stack[base + $x as usize]
            };
        }
        loop {
            let ins = code.instrs[pc];
            pc += 1;
            let step: PyResult<()> = match ins {
                Instr::Nop => Ok(()),
                Instr::LoadConst { dst, k } => {
                    r!(dst) = code.consts[k as usize].get();
                    Ok(())
                }
                Instr::Move { dst, src } => {
                    r!(dst) = r!(src);
                    Ok(())
                }
                Instr::Binary { op, dst, a, b } | Instr::InPlace { op, dst, a, b } => {
                    let (x, y) = (r!(a), r!(b));
                    if x.is_int() && y.is_int() {
                        let (i, j) = (x.as_int(), y.as_int());
                        let fast = match op {
                            BinOp::Add => Value::try_int(i + j),
                            BinOp::Sub => Value::try_int(i - j),
                            BinOp::Mul => i.checked_mul(j).and_then(Value::try_int),
                            BinOp::And => Some(Value::int(i & j)),
                            BinOp::Or => Some(Value::int(i | j)),
                            BinOp::Xor => Some(Value::int(i ^ j)),
                            BinOp::FloorDiv if j > 0 => {
                                Some(Value::int(crate::num::floordiv_i64(i, j)))
                            }
                            BinOp::Mod if j > 0 => Some(Value::int(crate::num::mod_i64(i, j))),
                            _ => None,
                        };
                        if let Some(v) = fast {
                            r!(dst) = v;
                            continue;
                        }
                    }
                    // Two ints that overflowed the fast path are not floats.
                    if !(x.is_int() && y.is_int())
                        && let (Some(fx), Some(fy)) = (float_or_small(x), float_or_small(y))
                    {
                        let r = match op {
                            BinOp::Add => Some(fx + fy),
                            BinOp::Sub => Some(fx - fy),
                            BinOp::Mul => Some(fx * fy),
                            BinOp::TrueDiv if fy != 0.0 => Some(fx / fy),
                            _ => None,
                        };
                        if let Some(r) = r {
                            self.rt.frames[fi].pc = pc;
                            match self.new_float(r) {
                                Ok(v) => {
                                    r!(dst) = v;
                                    continue;
                                }
                                Err(e) => {
                                    pc = self.unwind(fi, pc, e)?;
                                    self.rt.frames[fi].pc = pc;
                                    continue;
                                }
                            }
                        }
                    }
                    self.rt.frames[fi].pc = pc;
                    let inplace = matches!(ins, Instr::InPlace { .. });
                    match self.binary_op(op, x, y, inplace) {
                        Ok(v) => {
                            r!(dst) = v;
                            Ok(())
                        }
                        Err(e) => Err(e),
                    }
                }
                Instr::Compare { op, dst, a, b } => {
                    let (x, y) = (r!(a), r!(b));
                    if x.is_int() && y.is_int() {
                        let (i, j) = (x.as_int(), y.as_int());
                        let v = match op {
                            CmpOp::Lt => Some(i < j),
                            CmpOp::Le => Some(i <= j),
                            CmpOp::Gt => Some(i > j),
                            CmpOp::Ge => Some(i >= j),
                            CmpOp::Eq | CmpOp::Is => Some(i == j),
                            CmpOp::Ne | CmpOp::IsNot => Some(i != j),
                            _ => None,
                        };
                        if let Some(b) = v {
                            r!(dst) = Value::bool(b);
                            continue;
                        }
                    }
                    self.rt.frames[fi].pc = pc;
                    match self.compare_op(op, x, y) {
                        Ok(v) => {
                            r!(dst) = v;
                            Ok(())
                        }
                        Err(e) => Err(e),
                    }
                }
                Instr::Jump { target } => {
                    if (target as usize) < pc {
                        self.rt.frames[fi].pc = pc;
                        self.poll()?;
                    }
                    pc = target as usize;
                    Ok(())
                }
                Instr::JumpIfTrue { cond, target } => {
                    let c = r!(cond);
                    let t = if c == Value::TRUE {
                        Ok(true)
                    } else if c == Value::FALSE || c == Value::NONE {
                        Ok(false)
                    } else {
                        self.rt.frames[fi].pc = pc;
                        self.truthy(c)
                    };
                    match t {
                        Ok(t) => {
                            if t {
                                pc = target as usize;
                            }
                            Ok(())
                        }
                        Err(e) => Err(e),
                    }
                }
                Instr::JumpIfFalse { cond, target } => {
                    let c = r!(cond);
                    let t = if c == Value::TRUE {
                        Ok(true)
                    } else if c == Value::FALSE || c == Value::NONE {
                        Ok(false)
                    } else {
                        self.rt.frames[fi].pc = pc;
                        self.truthy(c)
                    };
                    match t {
                        Ok(t) => {
                            if !t {
                                pc = target as usize;
                            }
                            Ok(())
                        }
                        Err(e) => Err(e),
                    }
                }
                Instr::ForIter { iter, dst, exit } => {
                    self.rt.frames[fi].pc = pc;
                    match self.iter_next(base + iter as usize) {
                        Ok(Some(v)) => {
                            r!(dst) = v;
                            Ok(())
                        }
                        Ok(None) => {
                            pc = exit as usize;
                            Ok(())
                        }
                        Err(e) => Err(e),
                    }
                }
                Instr::LoadGlobal { dst, name } => {
                    // Cached: the globals (and builtins) dict versions still
                    // match, so the entry index still holds the name.
                    let c = code.caches[pc - 1].get();
                    let g = self.rt.stack[base - 1];
                    if c.epoch != 0 && c.class == Self::dict_version(g) {
                        let holder = if c.aux == 0 {
                            g
                        } else {
                            let b = self.rt.globals_roots[ROOT_BUILTINS];
                            if c.shape == Self::dict_version(b) {
                                b
                            } else {
                                Value::NULL
                            }
                        };
                        if !holder.is_null() {
                            r!(dst) = Self::dict_entry(holder, c.index as usize).1;
                            continue;
                        }
                    }
                    self.rt.frames[fi].pc = pc;
                    match self.load_global_slow(code, pc - 1, base, name) {
                        Ok(v) => {
                            r!(dst) = v;
                            Ok(())
                        }
                        Err(e) => Err(e),
                    }
                }
                Instr::LoadAttr { dst, obj, name } => {
                    let o = r!(obj);
                    let c = code.caches[pc - 1].get();
                    if let Some(oo) = cached_instance(o, &c, self.rt.class_epoch) {
                        let v = object::array_get(
                            object::get(oo, field::INST_SLOTS).as_obj(),
                            c.index as usize,
                        );
                        if !v.is_null() {
                            r!(dst) = v;
                            continue;
                        }
                    }
                    self.rt.frames[fi].pc = pc;
                    match self.load_attr_slow(code, pc - 1, o, name) {
                        Ok(v) => {
                            r!(dst) = v;
                            Ok(())
                        }
                        Err(e) => Err(e),
                    }
                }
                Instr::StoreAttr { obj, name, src } => {
                    let (o, v) = (r!(obj), r!(src));
                    let c = code.caches[pc - 1].get();
                    if let Some(oo) = cached_instance(o, &c, self.rt.class_epoch) {
                        let storage = object::get(oo, field::INST_SLOTS).as_obj();
                        if (c.index as usize) < object::array_len(storage) {
                            self.store(storage, 1 + c.index as usize, v);
                            if c.aux != 0 {
                                object::set_word(oo, field::INST_SHAPE, c.aux);
                            }
                            continue;
                        }
                    }
                    self.rt.frames[fi].pc = pc;
                    self.store_attr_slow(code, pc - 1, o, name, v)
                }
                Instr::LoadMethod { dst, obj, name } => {
                    let o = r!(obj);
                    let c = code.caches[pc - 1].get();
                    if o.is_obj() && c.epoch == self.rt.class_epoch {
                        let oo = o.as_obj();
                        let (cls, shape) = if object::kind(oo) == Kind::Instance {
                            (
                                object::word(oo, field::INST_CLASS),
                                object::word(oo, field::INST_SHAPE),
                            )
                        } else {
                            (self.type_of(o).0 as usize, 0)
                        };
                        if c.class == cls && c.shape == shape {
                            let d = object::get(Value(c.aux as u64).as_obj(), field::CLS_DICT);
                            r!(dst) = Self::dict_entry(d, c.index as usize).1;
                            r!(dst + 1) = o;
                            continue;
                        }
                    }
                    self.rt.frames[fi].pc = pc;
                    match self.load_method_slow(code, pc - 1, o, name) {
                        Ok((f, s)) => {
                            r!(dst) = f;
                            r!(dst + 1) = s;
                            Ok(())
                        }
                        Err(e) => Err(e),
                    }
                }
                Instr::Return { src } => {
                    let v = r!(src);
                    self.rt.frames[fi].pc = pc;
                    return Ok(Flow::Return(v));
                }
                Instr::Yield { src, .. } => {
                    let v = r!(src);
                    self.rt.frames[fi].pc = pc;
                    return Ok(Flow::Yield(v));
                }
                other => {
                    self.rt.frames[fi].pc = pc;
                    match self.exec_slow(fi, base, code, other, &mut pc) {
                        Ok(Some(flow)) => return Ok(flow),
                        Ok(None) => Ok(()),
                        Err(e) => Err(e),
                    }
                }
            };
            if let Err(e) = step {
                pc = self.unwind(fi, pc, e)?;
                self.rt.frames[fi].pc = pc;
            }
        }
    }

    /// A traceback entry for the frame running `code`, where the pending
    /// exception arrived (at instruction `at`). As in CPython, an entry is
    /// made when an exception arrives in a frame, caught or not, and not
    /// again when a re-raise (`raise`, the end of `finally`) sends the same
    /// exception on.
    fn record_arrival(&mut self, code: &'static Code, at: usize) {
        if !std::mem::take(&mut self.rt.reraising) {
            self.rt.traceback.push((code, code.line_at(at)));
        }
    }

    /// Looks for a handler of the pending exception at `pc-1` in frame
    /// `fi` (recording the frame's traceback entry). When found, stores the
    /// exception in the handler's register and returns the handler's pc;
    /// otherwise propagates.
    fn unwind(&mut self, fi: usize, pc: usize, e: Exc) -> PyResult<usize> {
        let f = self.rt.frames[fi];
        let at = pc.saturating_sub(1);
        self.record_arrival(f.code, at);
        match f.code.handler_for(at as u32) {
            Some(h) => {
                self.rt.stack[f.base + h.reg as usize] = self.rt.exc;
                self.rt.exc = Value::NULL;
                self.rt.sp = f.base + f.code.nregs as usize;
                Ok(h.target as usize)
            }
            None => {
                self.rt.frames[fi].pc = pc;
                Err(e)
            }
        }
    }

    /// The less frequent instructions, out of the hot loop.
    fn exec_slow(
        &mut self,
        fi: usize,
        base: usize,
        code: &'static Code,
        ins: Instr,
        pc: &mut usize,
    ) -> PyResult<Option<Flow>> {
        macro_rules! r {
            ($x:expr) => {
                self.rt.stack[base + $x as usize]
            };
        }
        match ins {
            Instr::StoreGlobal { name, src } => {
                let g = self.rt.stack[base - 1];
                let k = self.sym(name);
                let v = r!(src);
                self.dict_set_item(g, k, v)?;
            }
            Instr::DeleteGlobal { name } => {
                let g = self.rt.stack[base - 1];
                let k = self.sym(name);
                if !self.dict_del_item(g, k)? {
                    let msg = format!("name '{}' is not defined", self.interner.name(name));
                    return Err(self.raise_msg(T_NAME_ERROR, &msg));
                }
            }
            Instr::LoadName { dst, name } => {
                let ns = r!(0);
                let k = self.sym(name);
                let v = if object::kind(ns.as_obj()) == Kind::Dict {
                    self.dict_get_item(ns, k)?
                } else {
                    self.mapping_get(ns, k)?
                };
                let v = match v {
                    Some(v) => v,
                    None => self.load_global(base, name)?,
                };
                r!(dst) = v;
            }
            Instr::StoreName { name, src } => {
                let ns = r!(0);
                let k = self.sym(name);
                let v = r!(src);
                if object::kind(ns.as_obj()) == Kind::Dict {
                    self.dict_set_item(ns, k, v)?;
                } else {
                    self.setitem(ns, k, v)?;
                }
            }
            Instr::DeleteName { name } => {
                let ns = r!(0);
                let k = self.sym(name);
                if object::kind(ns.as_obj()) != Kind::Dict {
                    self.delitem(ns, k)?;
                } else if !self.dict_del_item(ns, k)? {
                    let msg = format!("name '{}' is not defined", self.interner.name(name));
                    return Err(self.raise_msg(T_NAME_ERROR, &msg));
                }
            }
            Instr::CheckBound { reg, name } => {
                if r!(reg).is_null() {
                    let msg = format!(
                        "cannot access local variable '{}' where it is not associated with a value",
                        self.interner.name(name)
                    );
                    return Err(self.raise_msg(T_UNBOUND_LOCAL_ERROR, &msg));
                }
            }
            Instr::DeleteFast { reg } => r!(reg) = Value::NULL,
            Instr::LoadDeref { dst, cell, name } => {
                let v = object::get(r!(cell).as_obj(), 0);
                if v.is_null() {
                    let msg = format!(
                        "cannot access free variable '{}' where it is not associated with a value in enclosing scope",
                        self.interner.name(name)
                    );
                    return Err(self.raise_msg(T_NAME_ERROR, &msg));
                }
                r!(dst) = v;
            }
            Instr::StoreDeref { cell, src } => {
                let c = r!(cell).as_obj();
                let v = r!(src);
                self.store(c, 0, v);
            }
            Instr::DeleteDeref { cell } => {
                let c = r!(cell).as_obj();
                self.store(c, 0, Value::NULL);
            }
            Instr::MakeCell { reg } => {
                let v = r!(reg);
                let c = self.new_cell(v)?;
                r!(reg) = c;
            }

            Instr::DeleteAttr { obj, name } => {
                let o = r!(obj);
                self.delattr(o, name)?;
            }

            Instr::GetItem { dst, obj, key } => {
                let v = self.getitem(r!(obj), r!(key))?;
                r!(dst) = v;
            }
            Instr::SetItem { obj, key, src } => {
                let (o, k, v) = (r!(obj), r!(key), r!(src));
                self.setitem(o, k, v)?;
            }
            Instr::DeleteItem { obj, key } => {
                let (o, k) = (r!(obj), r!(key));
                self.delitem(o, k)?;
            }
            Instr::Unary { op, dst, src } => {
                let v = r!(src);
                let res = match op {
                    UnOp::Not => Value::bool(!self.truthy(v)?),
                    _ => self.unary_op(op, v)?,
                };
                r!(dst) = res;
            }
            Instr::GetIter { dst, src } => {
                let it = self.get_iter(r!(src))?;
                r!(dst) = it;
            }
            Instr::BuildTuple { dst, start, n } => {
                let t = self.tuple_from_stack(base + start as usize, n as usize)?;
                r!(dst) = t;
            }
            Instr::BuildList { dst, start, n } => {
                let l = self.list_from_stack(base + start as usize, n as usize)?;
                r!(dst) = l;
            }
            Instr::BuildSet { dst, start, n } => {
                let s = self.new_set(Kind::Set)?;
                r!(dst) = s;
                for i in 0..n as usize {
                    let (s, v) = (r!(dst), r!(start as usize + i));
                    self.set_add(s, v)?;
                }
            }
            Instr::BuildDict { dst, start, n } => {
                let d = self.new_dict()?;
                r!(dst) = d;
                for i in 0..n as usize {
                    let (d, k, v) = (
                        r!(dst),
                        r!(start as usize + 2 * i),
                        r!(start as usize + 2 * i + 1),
                    );
                    self.dict_set_item(d, k, v)?;
                }
            }
            Instr::BuildSlice { dst, start, .. } => {
                let s = self.alloc_fixed(Kind::Slice)?;
                for i in 0..3 {
                    object::init(s, i, r!(start as usize + i));
                }
                r!(dst) = Value::obj(s);
            }
            Instr::BuildString { dst, start, n } => {
                let mut s = String::new();
                for i in 0..n as usize {
                    let v = r!(start as usize + i);
                    s.push_str(object::str_of(v.as_obj()));
                }
                let v = self.new_str(&s)?;
                r!(dst) = v;
            }
            Instr::FormatValue {
                dst,
                src,
                spec,
                conv,
            } => {
                let mut v = r!(src);
                v = match conv {
                    1 => self.to_str(v)?,
                    2 => self.repr(v)?,
                    3 => {
                        let r = self.repr_string(v)?;
                        self.new_str(&crate::protocol::ascii_escape(&r))?
                    }
                    _ => v,
                };
                let spec_v = if spec == NO_REG {
                    Value::NULL
                } else {
                    r!(spec)
                };
                let out = self.format(v, spec_v)?;
                r!(dst) = out;
            }
            Instr::ListAppend { list, src } => {
                let (l, v) = (r!(list), r!(src));
                self.list_append(l, v)?;
            }
            Instr::ListExtend { list, src } => {
                let (l, v) = (r!(list), r!(src));
                self.list_extend(l, v)?;
            }
            Instr::ListToTuple { dst, src } => {
                let l = r!(src);
                let t = self.list_to_tuple(l)?;
                r!(dst) = t;
            }
            Instr::SetAdd { set, src } => {
                let (s, v) = (r!(set), r!(src));
                self.set_add(s, v)?;
            }
            Instr::SetUpdate { set, src } => {
                let (s, v) = (r!(set), r!(src));
                self.set_update(s, v)?;
            }
            Instr::DictSet { dict, key, src } => {
                let (d, k, v) = (r!(dict), r!(key), r!(src));
                self.dict_set_item(d, k, v)?;
            }
            Instr::DictUpdate { dict, src } => {
                let (d, v) = (r!(dict), r!(src));
                self.dict_update(d, v)?;
            }
            Instr::Unpack { src, start, n } => {
                self.unpack(r!(src), base + start as usize, n as usize, None)?;
            }
            Instr::UnpackEx {
                src,
                start,
                before,
                after,
            } => {
                self.unpack(
                    r!(src),
                    base + start as usize,
                    before as usize,
                    Some(after as usize),
                )?;
            }
            Instr::Call {
                dst,
                func,
                start,
                n,
            } => {
                let f = r!(func);
                let args = Args::positional(base + start as usize, n as usize);
                let v = self.call(f, args)?;
                r!(dst) = v;
            }
            Instr::CallKw {
                dst,
                func,
                start,
                n,
                kwnames,
            } => {
                let f = r!(func);
                let kw = code.consts[kwnames as usize].get();
                let nkw = object::array_len(kw.as_obj());
                let slot = self.push(kw);
                let args = Args {
                    base: base + start as usize,
                    n: n as usize - nkw,
                    kw: slot,
                };
                let v = self.call(f, args);
                self.truncate(slot);
                r!(dst) = v?;
            }
            Instr::CallMethod { dst, start, n } => {
                let f = r!(start);
                let s = r!(start + 1);
                let v = if s.is_null() {
                    let args = Args::positional(base + start as usize + 2, n as usize);
                    self.call(f, args)?
                } else {
                    let args = Args::positional(base + start as usize + 1, n as usize + 1);
                    self.call(f, args)?
                };
                r!(dst) = v;
            }
            Instr::CallEx {
                dst,
                func,
                args,
                kwargs,
            } => {
                let f = r!(func);
                let a = r!(args);
                let k = if kwargs == NO_REG {
                    Value::NULL
                } else {
                    r!(kwargs)
                };
                let v = self.call_ex(f, a, k)?;
                r!(dst) = v;
            }
            Instr::MakeFunction {
                dst,
                k,
                defaults,
                kwdefaults,
                cells,
                ncells,
            } => {
                let f = self.make_function(base, code, k, defaults, kwdefaults, cells, ncells)?;
                r!(dst) = f;
            }
            Instr::YieldFrom { dst, iter } => {
                // Drive the sub-iterator one step per resumption; `dst`
                // holds the value sent in (None on the first step).
                let sent = r!(dst);
                match self.yield_from_step(base + iter as usize, sent)? {
                    Ok(v) => {
                        // Resume on this same instruction to pull the next item.
                        self.rt.frames[fi].pc = *pc - 1;
                        return Ok(Some(Flow::Yield(v)));
                    }
                    Err(ret) => r!(dst) = ret,
                }
            }
            Instr::Raise { exc, cause } => {
                let e = r!(exc);
                let c = if cause == NO_REG {
                    Value::NULL
                } else {
                    r!(cause)
                };
                return Err(self.raise_value(e, c));
            }
            Instr::Reraise { exc } => {
                let e = if exc == NO_REG {
                    self.rt.handling
                } else {
                    r!(exc)
                };
                if e.is_null() || e.is_none() {
                    return Err(self.raise_msg(T_RUNTIME_ERROR, "No active exception to reraise"));
                }
                // The exception goes on with the traceback it has so far
                // (stored on it when it was caught).
                self.resume_traceback(e);
                self.rt.exc = e;
                self.rt.reraising = true;
                return Err(Exc);
            }
            Instr::ExcMatch { dst, exc, typ } => {
                let (e, t) = (r!(exc), r!(typ));
                let m = self.exc_matches(e, t)?;
                r!(dst) = Value::bool(m);
            }
            Instr::PushExc { exc, saved } => {
                r!(saved) = if self.rt.handling.is_null() {
                    Value::NONE
                } else {
                    self.rt.handling
                };
                self.store_traceback(base + exc as usize)?;
                self.rt.handling = r!(exc);
            }
            Instr::PopExc { saved } => {
                let s = r!(saved);
                self.rt.handling = if s.is_none() { Value::NULL } else { s };
            }
            Instr::AssertFail { msg } => {
                let m = if msg == NO_REG { Value::NULL } else { r!(msg) };
                let cls = self.class(T_ASSERTION_ERROR);
                let e = if m.is_null() {
                    self.call_values(cls, &[])?
                } else {
                    self.call_values(cls, &[m])?
                };
                return Err(self.raise_value(e, Value::NULL));
            }
            Instr::ImportName {
                dst,
                name,
                fromlist,
                level,
            } => {
                let fl = if fromlist == NO_REG {
                    Value::NULL
                } else {
                    r!(fromlist)
                };
                let m = self.import_name(base, name, fl, level as usize)?;
                r!(dst) = m;
            }
            Instr::ImportFrom { dst, module, name } => {
                let v = self.import_from(r!(module), name)?;
                r!(dst) = v;
            }
            Instr::ImportStar { module } => {
                let m = r!(module);
                self.import_star(base, m)?;
            }
            Instr::LoadLocals { dst } => r!(dst) = r!(0),
            Instr::SetupAnnotations | Instr::Poll => self.poll()?,
            Instr::Nop
            | Instr::LoadConst { .. }
            | Instr::Move { .. }
            | Instr::Binary { .. }
            | Instr::InPlace { .. }
            | Instr::Compare { .. }
            | Instr::Jump { .. }
            | Instr::JumpIfTrue { .. }
            | Instr::JumpIfFalse { .. }
            | Instr::ForIter { .. }
            | Instr::Return { .. }
            | Instr::LoadAttr { .. }
            | Instr::LoadGlobal { .. }
            | Instr::StoreAttr { .. }
            | Instr::LoadMethod { .. }
            | Instr::Yield { .. } => unreachable!("handled in the fast loop"),
        }
        Ok(None)
    }

    /// A global lookup through the dicts, filling the cache at `pc`.
    fn load_global_slow(&mut self, code: &Code, pc: usize, base: usize, name: u32) -> PyResult {
        let g = self.rt.stack[base - 1];
        let b = self.rt.globals_roots[ROOT_BUILTINS];
        let key = self.sym(name);
        if g.is_obj() && object::kind(g.as_obj()) == Kind::Dict {
            let cache = if let Some(i) = self.dict_entry_index_str(g, key) {
                Some((0, 0, i))
            } else {
                self.dict_entry_index_str(b, key)
                    .map(|i| (1, Self::dict_version(b), i))
            };
            if let Some((holder, bver, i)) = cache {
                code.caches[pc].set(crate::bytecode::InlineCache {
                    class: Self::dict_version(g),
                    shape: bver,
                    aux: holder,
                    epoch: 1,
                    index: i as u32,
                });
            }
        }
        self.load_global(base, name)
    }

    fn load_global(&mut self, base: usize, name: u32) -> PyResult {
        let g = self.rt.stack[base - 1];
        let k = self.sym(name);
        if let Some(v) = self.dict_get_item(g, k)? {
            return Ok(v);
        }
        let b = self.rt.globals_roots[ROOT_BUILTINS];
        let k = self.sym(name);
        if let Some(v) = self.dict_get_item(b, k)? {
            return Ok(v);
        }
        let msg = format!("name '{}' is not defined", self.interner.name(name));
        Err(self.raise_msg(T_NAME_ERROR, &msg))
    }

    #[allow(clippy::too_many_arguments)]
    fn make_function(
        &mut self,
        base: usize,
        code: &'static Code,
        k: u32,
        defaults: u16,
        kwdefaults: u16,
        cells: u16,
        ncells: u16,
    ) -> PyResult {
        let child_ptr = {
            let v = code.consts[k as usize].get();
            // Code constants are stored as raw pointers tagged as small ints
            // (see materialise): not heap objects, never moved.
            v.as_int() as usize
        };
        // SAFETY: the constant holds a leaked &'static Code.
        let child: &'static Code = unsafe { &*(child_ptr as *const Code) };
        let closure = if ncells > 0 {
            self.tuple_from_stack(base + cells as usize, ncells as usize)?
        } else {
            Value::NULL
        };
        let mark = self.push(closure);
        let name = self.new_str(&child.name)?;
        self.push(name);
        let qual = self.new_str(&child.qualname)?;
        self.push(qual);
        let f = self.alloc_fixed(Kind::Function)?;
        object::init(f, field::FN_GLOBALS, self.rt.stack[base - 1]);
        object::init(
            f,
            field::FN_DEFAULTS,
            if defaults == NO_REG {
                Value::NULL
            } else {
                self.rt.stack[base + defaults as usize]
            },
        );
        object::init(
            f,
            field::FN_KWDEFAULTS,
            if kwdefaults == NO_REG {
                Value::NULL
            } else {
                self.rt.stack[base + kwdefaults as usize]
            },
        );
        object::init(f, field::FN_CLOSURE, self.rt.stack[mark]);
        object::init(f, field::FN_NAME, self.rt.stack[mark + 1]);
        object::init(f, field::FN_QUALNAME, self.rt.stack[mark + 2]);
        object::set_word(f, field::FN_CODE, child_ptr);
        self.truncate(mark);
        Ok(Value::obj(f))
    }

    /// One step of `yield from`: `Ok(v)` to yield v, `Err(r)` when the
    /// sub-iterator finished with return value r.
    fn yield_from_step(&mut self, it_slot: usize, sent: Value) -> PyResult<Result<Value, Value>> {
        let it = self.rt.stack[it_slot];
        if it.is_obj() && object::kind(it.as_obj()) == Kind::Generator {
            return self.gen_resume(it_slot, sent, Value::NULL);
        }
        if !sent.is_none() {
            // A non-generator delegate receives sent values through `send`.
            let sym = self.intern("send");
            let f = self.getattr(it, sym)?;
            return match self.call_values(f, &[sent]) {
                Ok(v) => Ok(Ok(v)),
                Err(e) => {
                    if self.isinstance_idx(self.rt.exc, T_STOP_ITERATION) {
                        let vs = self.intern("value");
                        let exc = self.rt.exc;
                        self.rt.exc = Value::NULL;
                        let v = self.getattr_opt(exc, vs)?.unwrap_or(Value::NONE);
                        Ok(Err(v))
                    } else {
                        Err(e)
                    }
                }
            };
        }
        match self.iter_next(it_slot)? {
            Some(v) => Ok(Ok(v)),
            None => Ok(Err(Value::NONE)),
        }
    }
}
