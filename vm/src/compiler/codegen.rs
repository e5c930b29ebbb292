//! AST → register bytecode.
//!
//! Locals live in fixed registers (parameters first), temporaries are
//! allocated stack-like above them and released at the end of each
//! statement. `return`/`break`/`continue` through `finally` and `with`
//! blocks emit the exit code inline, closing the enclosing protected ranges
//! around it so the inline copy is not protected by its own handler.

use super::symtable::{ScopeKind, Sym, SymbolTable};
use super::{CodeDesc, ConstDesc, Interner, LineIndex, SyntaxError};
use crate::bytecode::{BinOp, CmpOp, Handler, Instr, Reg, UnOp, flags};
use num_bigint::BigInt;
use rustpython_parser::ast::{self, Constant, Expr, Ranged, Stmt};
use std::collections::{HashMap, HashSet};

mod patterns;

/// "No register" sentinel for optional operands.
pub const NO_REG: Reg = Reg::MAX;

type CResult<T> = Result<T, SyntaxError>;

struct Cx<'a> {
    table: &'a SymbolTable,
    lines: &'a LineIndex,
    interner: &'a mut Interner,
    filename: &'a str,
    /// `eval` code: the module body is `return <expr>`.
    allow_module_return: bool,
    /// `from __future__ import annotations`: annotations are stored as
    /// their source text (PEP 563).
    stringify_annotations: bool,
}

/// Compiles top-level code: a module body, or with `namespace` a body
/// whose names live in the mapping passed as its only argument (register
/// 0; `table` then comes from `SymbolTable::build_namespace`).
pub fn compile_module(
    body: &[Stmt],
    table: &SymbolTable,
    lines: &LineIndex,
    interner: &mut Interner,
    filename: &str,
    allow_module_return: bool,
    namespace: bool,
) -> CResult<CodeDesc> {
    let mut cx = Cx {
        table,
        lines,
        interner,
        filename,
        allow_module_return,
        stringify_annotations: future_annotations(body),
    };
    let mut u = Unit::new(&mut cx, 0, "<module>", "<module>".to_string(), 1);
    if namespace {
        u.code.flags |= flags::NAMESPACE;
        u.code.argcount = 1;
        let ns = u.cx.interner.intern(".namespace");
        u.code.params = vec![ns];
        u.setup_registers(&[".namespace".to_string()]);
    } else {
        u.setup_registers(&[]);
    }
    if let Some(doc) = docstring(body) {
        let t = u.tmp();
        u.load_const(ConstDesc::Str(doc.to_string()), t);
        u.store_name("__doc__", t);
    }
    u.setup_annotations(body);
    u.stmts(body)?;
    let none = u.konst(ConstDesc::None);
    let t = u.tmp();
    u.emit(Instr::LoadConst { dst: t, k: none });
    u.emit(Instr::Return { src: t });
    Ok(u.finish())
}

/// Does the body say `from __future__ import annotations`?
fn future_annotations(body: &[Stmt]) -> bool {
    body.iter().any(|s| match s {
        Stmt::ImportFrom(i) => {
            i.module
                .as_ref()
                .is_some_and(|m| m.as_str() == "__future__")
                && i.names.iter().any(|a| a.name.as_str() == "annotations")
        }
        _ => false,
    })
}

enum Block<'a> {
    Loop {
        breaks: Vec<usize>,
        continue_to: u32,
    },
    /// A protected region (try body); `try_idx` indexes `Unit::tries`.
    Protected {
        try_idx: usize,
    },
    Finally {
        body: &'a [Stmt],
    },
    With {
        exit: Reg,
        is_async: bool,
    },
    Handler {
        saved: Reg,
        name: Option<String>,
    },
}

struct TryState {
    segments: Vec<(u32, u32)>,
    open: Option<u32>,
    handler_reg: Reg,
}

struct Unit<'c, 'a> {
    cx: &'c mut Cx<'a>,
    scope: usize,
    code: CodeDesc,
    regs: HashMap<String, Reg>,
    nlocals: Reg,
    temp: Reg,
    /// Highest temporary allocated so far by the current statement.
    stmt_hwm: Reg,
    max_regs: Reg,
    blocks: Vec<Block<'a>>,
    tries: Vec<TryState>,
    line: u32,
    const_keys: HashMap<String, u32>,
    /// Locals certainly bound at this point (no unbound check needed).
    definite: HashSet<String>,
    /// Locals deleted somewhere in the unit: never definite.
    deleted: HashSet<String>,
    cond_depth: u32,
    qualprefix: String,
}

fn err_at(cx: &Cx, node: &impl Ranged, msg: &str) -> SyntaxError {
    let (line, column) = cx.lines.line_col(node.start().into());
    SyntaxError {
        msg: msg.to_string(),
        filename: cx.filename.to_string(),
        line,
        column,
        text: String::new(),
    }
}

fn binop(op: &ast::Operator) -> BinOp {
    use ast::Operator as O;
    match op {
        O::Add => BinOp::Add,
        O::Sub => BinOp::Sub,
        O::Mult => BinOp::Mul,
        O::MatMult => BinOp::MatMul,
        O::Div => BinOp::TrueDiv,
        O::Mod => BinOp::Mod,
        O::Pow => BinOp::Pow,
        O::LShift => BinOp::LShift,
        O::RShift => BinOp::RShift,
        O::BitOr => BinOp::Or,
        O::BitXor => BinOp::Xor,
        O::BitAnd => BinOp::And,
        O::FloorDiv => BinOp::FloorDiv,
    }
}

fn cmpop(op: &ast::CmpOp) -> CmpOp {
    use ast::CmpOp as C;
    match op {
        C::Eq => CmpOp::Eq,
        C::NotEq => CmpOp::Ne,
        C::Lt => CmpOp::Lt,
        C::LtE => CmpOp::Le,
        C::Gt => CmpOp::Gt,
        C::GtE => CmpOp::Ge,
        C::Is => CmpOp::Is,
        C::IsNot => CmpOp::IsNot,
        C::In => CmpOp::In,
        C::NotIn => CmpOp::NotIn,
    }
}

fn const_desc(c: &Constant) -> ConstDesc {
    match c {
        Constant::None => ConstDesc::None,
        Constant::Bool(b) => ConstDesc::Bool(*b),
        Constant::Str(s) => ConstDesc::Str(s.clone()),
        Constant::Bytes(b) => ConstDesc::Bytes(b.clone()),
        Constant::Int(i) => ConstDesc::Int(i.clone()),
        Constant::Tuple(t) => ConstDesc::Tuple(t.iter().map(const_desc).collect()),
        Constant::Float(f) => ConstDesc::Float(*f),
        Constant::Complex { real, imag } => ConstDesc::Complex(*real, *imag),
        Constant::Ellipsis => ConstDesc::Ellipsis,
    }
}

/// Collects names deleted anywhere in a function body (not nested scopes).
fn collect_deleted(body: &[Stmt], out: &mut HashSet<String>) {
    fn targets(e: &Expr, out: &mut HashSet<String>) {
        match e {
            Expr::Name(n) => {
                out.insert(n.id.to_string());
            }
            Expr::Tuple(t) => t.elts.iter().for_each(|x| targets(x, out)),
            Expr::List(t) => t.elts.iter().for_each(|x| targets(x, out)),
            _ => {}
        }
    }
    for s in body {
        match s {
            Stmt::Delete(d) => d.targets.iter().for_each(|t| targets(t, out)),
            Stmt::For(f) => {
                collect_deleted(&f.body, out);
                collect_deleted(&f.orelse, out);
            }
            Stmt::While(w) => {
                collect_deleted(&w.body, out);
                collect_deleted(&w.orelse, out);
            }
            Stmt::If(i) => {
                collect_deleted(&i.body, out);
                collect_deleted(&i.orelse, out);
            }
            Stmt::With(w) => collect_deleted(&w.body, out),
            Stmt::AsyncWith(w) => collect_deleted(&w.body, out),
            Stmt::AsyncFor(f) => {
                collect_deleted(&f.body, out);
                collect_deleted(&f.orelse, out);
            }
            Stmt::Try(t) => {
                collect_deleted(&t.body, out);
                for h in &t.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    // `except E as name` deletes name at the end of the handler.
                    if let Some(n) = &h.name {
                        out.insert(n.to_string());
                    }
                    collect_deleted(&h.body, out);
                }
                collect_deleted(&t.orelse, out);
                collect_deleted(&t.finalbody, out);
            }
            _ => {}
        }
    }
}

impl<'c, 'a> Unit<'c, 'a> {
    fn new(
        cx: &'c mut Cx<'a>,
        scope: usize,
        name: &str,
        qualname: String,
        first_line: u32,
    ) -> Self {
        Unit {
            cx,
            scope,
            code: CodeDesc {
                name: name.to_string(),
                qualname,
                instrs: Vec::new(),
                lines: Vec::new(),
                live_regs: Vec::new(),
                first_line,
                consts: Vec::new(),
                nregs: 0,
                argcount: 0,
                posonly: 0,
                kwonly: 0,
                flags: 0,
                params: Vec::new(),
                cell_params: Vec::new(),
                free_start: 0,
                nfree: 0,
                cell_locals: Vec::new(),
                handlers: Vec::new(),
                local_names: Vec::new(),
                doc: None,
            },
            regs: HashMap::new(),
            nlocals: 0,
            temp: 0,
            stmt_hwm: 0,
            max_regs: 0,
            blocks: Vec::new(),
            tries: Vec::new(),
            line: first_line,
            const_keys: HashMap::new(),
            definite: HashSet::new(),
            deleted: HashSet::new(),
            cond_depth: 0,
            qualprefix: String::new(),
        }
    }

    fn kind(&self) -> ScopeKind {
        self.cx.table.scopes[self.scope].kind
    }

    fn sym(&self, n: &str) -> Sym {
        self.cx.table.scopes[self.scope].sym(n)
    }

    /// Lays out registers: parameters, other locals, captured locals, frees.
    fn setup_registers(&mut self, params: &[String]) {
        let s = &self.cx.table.scopes[self.scope];
        fn assign(regs: &mut HashMap<String, Reg>, next: &mut Reg, n: &str) -> Reg {
            *regs.entry(n.to_string()).or_insert_with(|| {
                *next += 1;
                *next - 1
            })
        }
        let mut next: Reg = 0;
        for p in params {
            assign(&mut self.regs, &mut next, p);
        }
        let mut cell_params = Vec::new();
        let mut cell_locals = Vec::new();
        if s.kind == ScopeKind::Function {
            for n in &s.bound {
                if matches!(s.sym(n), Sym::Local | Sym::Cell) {
                    assign(&mut self.regs, &mut next, n);
                }
            }
        }
        for c in &s.cells {
            let is_param = params.contains(c);
            let r = assign(&mut self.regs, &mut next, c);
            if is_param {
                cell_params.push(r);
            } else {
                cell_locals.push(r);
            }
        }
        let free_start = next;
        for f in &s.frees {
            if !self.regs.contains_key(f) {
                assign(&mut self.regs, &mut next, f);
            }
        }
        self.code.free_start = free_start;
        self.code.nfree = (next - free_start) as u16;
        self.code.cell_params = cell_params;
        self.code.cell_locals = cell_locals;
        self.nlocals = next;
        self.temp = next;
        self.max_regs = next;
        let mut names: Vec<(Reg, u32)> = self
            .regs
            .iter()
            .map(|(n, r)| (*r, self.cx.interner.intern(n)))
            .collect();
        names.sort();
        self.code.local_names = names;
        for p in params {
            self.definite.insert(p.clone());
        }
    }

    fn finish(mut self) -> CodeDesc {
        self.code.nregs = self.max_regs as u32 + 1;
        self.code
    }

    fn emit(&mut self, i: Instr) -> usize {
        self.code.instrs.push(i);
        self.code.lines.push(self.line);
        self.code.live_regs.push(self.stmt_hwm.max(self.temp));
        self.code.instrs.len() - 1
    }

    fn pc(&self) -> u32 {
        self.code.instrs.len() as u32
    }

    fn set_line(&mut self, node: &impl Ranged) {
        self.line = self.cx.lines.line(node.start().into());
    }

    /// Points the jump at `at` to the current position.
    fn patch(&mut self, at: usize) {
        let here = self.pc();
        self.patch_to(at, here);
    }

    fn patch_to(&mut self, at: usize, target: u32) {
        match &mut self.code.instrs[at] {
            Instr::Jump { target: t }
            | Instr::JumpIfTrue { target: t, .. }
            | Instr::JumpIfFalse { target: t, .. } => *t = target,
            Instr::ForIter { exit, .. } => *exit = target,
            other => panic!("patching a non-jump {other:?}"),
        }
    }

    fn tmp(&mut self) -> Reg {
        self.tmps(1)
    }

    fn tmps(&mut self, n: usize) -> Reg {
        let r = self.temp;
        self.temp += n as Reg;
        if self.temp > self.max_regs {
            self.max_regs = self.temp;
        }
        self.stmt_hwm = self.stmt_hwm.max(self.temp);
        r
    }

    fn name_id(&mut self, n: &str) -> u32 {
        self.cx.interner.intern(n)
    }

    fn konst(&mut self, c: ConstDesc) -> u32 {
        let key = match &c {
            ConstDesc::Code(_) => None,
            other => Some(format!("{other:?}")),
        };
        if let Some(k) = &key
            && let Some(&i) = self.const_keys.get(k)
        {
            return i;
        }
        let i = self.code.consts.len() as u32;
        self.code.consts.push(c);
        if let Some(k) = key {
            self.const_keys.insert(k, i);
        }
        i
    }

    fn load_const(&mut self, c: ConstDesc, dst: Reg) {
        let k = self.konst(c);
        self.emit(Instr::LoadConst { dst, k });
    }

    // ---------------------------------------------------------------- names

    fn local_reg(&self, n: &str) -> Reg {
        self.regs[n]
    }

    /// Loads a name; returns the register holding it (a local's own register
    /// when no copy is needed).
    fn load_name(&mut self, n: &str, dst: Option<Reg>) -> Reg {
        let id = self.name_id(n);
        match self.sym(n) {
            Sym::Local if self.kind() == ScopeKind::Function => {
                let r = self.local_reg(n);
                if !self.definite.contains(n) || self.deleted.contains(n) {
                    self.emit(Instr::CheckBound { reg: r, name: id });
                }
                match dst {
                    Some(d) if d != r => {
                        self.emit(Instr::Move { dst: d, src: r });
                        d
                    }
                    _ => r,
                }
            }
            Sym::Cell | Sym::Free if self.regs.contains_key(n) => {
                let d = dst.unwrap_or_else(|| self.tmp());
                let cell = self.local_reg(n);
                self.emit(Instr::LoadDeref {
                    dst: d,
                    cell,
                    name: id,
                });
                d
            }
            Sym::Name | Sym::Local if self.kind() != ScopeKind::Module => {
                let d = dst.unwrap_or_else(|| self.tmp());
                self.emit(Instr::LoadName { dst: d, name: id });
                d
            }
            _ => {
                let d = dst.unwrap_or_else(|| self.tmp());
                self.emit(Instr::LoadGlobal { dst: d, name: id });
                d
            }
        }
    }

    fn store_name(&mut self, n: &str, src: Reg) {
        let id = self.name_id(n);
        match self.sym(n) {
            Sym::Local if self.kind() == ScopeKind::Function => {
                let r = self.local_reg(n);
                if r != src {
                    self.emit(Instr::Move { dst: r, src });
                }
                if self.cond_depth == 0 {
                    self.definite.insert(n.to_string());
                }
            }
            Sym::Cell | Sym::Free if self.regs.contains_key(n) => {
                let cell = self.local_reg(n);
                self.emit(Instr::StoreDeref { cell, src });
            }
            Sym::Name | Sym::Local if self.kind() != ScopeKind::Module => {
                self.emit(Instr::StoreName { name: id, src });
            }
            _ => {
                self.emit(Instr::StoreGlobal { name: id, src });
            }
        }
    }

    fn delete_name(&mut self, n: &str) {
        let id = self.name_id(n);
        match self.sym(n) {
            Sym::Local if self.kind() == ScopeKind::Function => {
                let reg = self.local_reg(n);
                self.emit(Instr::CheckBound { reg, name: id });
                self.emit(Instr::DeleteFast { reg });
            }
            Sym::Cell | Sym::Free if self.regs.contains_key(n) => {
                let cell = self.local_reg(n);
                self.emit(Instr::DeleteDeref { cell });
            }
            Sym::Name | Sym::Local if self.kind() != ScopeKind::Module => {
                self.emit(Instr::DeleteName { name: id });
            }
            _ => {
                self.emit(Instr::DeleteGlobal { name: id });
            }
        }
    }

    // ----------------------------------------------------------- statements

    fn stmts(&mut self, body: &'a [Stmt]) -> CResult<()> {
        for s in body {
            let mark = self.temp;
            self.stmt(s)?;
            self.temp = mark;
        }
        Ok(())
    }

    fn cond_stmts(&mut self, body: &'a [Stmt]) -> CResult<()> {
        self.cond_depth += 1;
        let r = self.stmts(body);
        self.cond_depth -= 1;
        r
    }

    /// Compiles one statement, tracking its temporaries' high-water mark.
    fn stmt(&mut self, s: &'a Stmt) -> CResult<()> {
        let outer = self.stmt_hwm;
        self.stmt_hwm = self.temp;
        let r = self.stmt_body(s);
        self.stmt_hwm = outer;
        r
    }

    fn stmt_body(&mut self, s: &'a Stmt) -> CResult<()> {
        self.set_line(s);
        match s {
            Stmt::Expr(e) => {
                let t = self.tmp();
                self.expr_to(&e.value, t)?;
            }
            Stmt::Assign(a) => {
                if a.targets.len() == 1
                    && let Expr::Name(n) = &a.targets[0]
                {
                    // Evaluate straight into a local's register when safe.
                    if self.sym(n.id.as_str()) == Sym::Local && self.kind() == ScopeKind::Function {
                        let r = self.local_reg(n.id.as_str());
                        let v = self.expr(&a.value)?;
                        if v != r {
                            self.emit(Instr::Move { dst: r, src: v });
                        }
                        if self.cond_depth == 0 {
                            self.definite.insert(n.id.to_string());
                        }
                        return Ok(());
                    }
                }
                let v = self.expr(&a.value)?;
                for t in &a.targets {
                    self.store(t, v)?;
                }
            }
            Stmt::AugAssign(a) => self.aug_assign(a)?,
            Stmt::AnnAssign(a) => {
                if let Some(v) = &a.value {
                    let r = self.expr(v)?;
                    self.store(&a.target, r)?;
                }
                self.record_annotation(a)?;
            }
            Stmt::Return(r) => {
                if self.kind() != ScopeKind::Function
                    && !(self.cx.allow_module_return && self.scope == 0)
                {
                    return Err(err_at(self.cx, s, "'return' outside function"));
                }
                let t = self.tmp();
                match &r.value {
                    Some(v) => self.expr_to(v, t)?,
                    None => self.load_const(ConstDesc::None, t),
                }
                self.unwind_for(None)?;
                self.emit(Instr::Return { src: t });
                self.reopen_all();
            }
            Stmt::If(i) => {
                let jf = self.cond_jump(&i.test, false)?;
                self.cond_stmts(&i.body)?;
                if i.orelse.is_empty() {
                    self.patch(jf);
                } else {
                    let j = self.emit(Instr::Jump { target: 0 });
                    self.patch(jf);
                    self.cond_stmts(&i.orelse)?;
                    self.patch(j);
                }
            }
            Stmt::While(w) => {
                let top = self.pc();
                let jf = self.cond_jump(&w.test, false)?;
                self.blocks.push(Block::Loop {
                    breaks: Vec::new(),
                    continue_to: top,
                });
                self.cond_stmts(&w.body)?;
                self.emit(Instr::Jump { target: top });
                let Some(Block::Loop { breaks, .. }) = self.blocks.pop() else {
                    unreachable!()
                };
                self.patch(jf);
                self.cond_stmts(&w.orelse)?;
                for b in breaks {
                    self.patch(b);
                }
            }
            Stmt::For(f) => self.for_stmt(f)?,
            Stmt::Break(_) => {
                if !self.blocks.iter().any(|b| matches!(b, Block::Loop { .. })) {
                    return Err(err_at(self.cx, s, "'break' outside loop"));
                }
                self.unwind_for(Some(false))?;
                let j = self.emit(Instr::Jump { target: 0 });
                self.reopen_all();
                for b in self.blocks.iter_mut().rev() {
                    if let Block::Loop { breaks, .. } = b {
                        breaks.push(j);
                        break;
                    }
                }
            }
            Stmt::Continue(_) => {
                let target = self.blocks.iter().rev().find_map(|b| match b {
                    Block::Loop { continue_to, .. } => Some(*continue_to),
                    _ => None,
                });
                let Some(target) = target else {
                    return Err(err_at(self.cx, s, "'continue' not properly in loop"));
                };
                self.unwind_for(Some(true))?;
                self.emit(Instr::Jump { target });
                self.reopen_all();
            }
            Stmt::Pass(_) => {}
            Stmt::FunctionDef(f) => self.function_def(f)?,
            Stmt::ClassDef(c) => self.class_def(c)?,
            Stmt::Delete(d) => {
                for t in &d.targets {
                    self.delete(t)?;
                }
            }
            Stmt::Raise(r) => {
                match &r.exc {
                    None => {
                        // Bare raise: re-raise the exception being handled.
                        let exc = self.tmp();
                        self.emit(Instr::Reraise { exc: NO_REG });
                        let _ = exc;
                    }
                    Some(e) => {
                        let exc = self.expr(e)?;
                        let cause = match &r.cause {
                            Some(c) => self.expr(c)?,
                            None => NO_REG,
                        };
                        self.emit(Instr::Raise { exc, cause });
                    }
                }
            }
            Stmt::Try(t) => self.try_stmt(t)?,
            Stmt::With(w) => self.with_stmt(&w.items, &w.body, false)?,
            Stmt::AsyncWith(w) => {
                if !self.cx.table.scopes[self.scope].is_async {
                    return Err(err_at(self.cx, w, "'async with' outside async function"));
                }
                self.with_stmt(&w.items, &w.body, true)?
            }
            Stmt::AsyncFor(f) => {
                if !self.cx.table.scopes[self.scope].is_async {
                    return Err(err_at(self.cx, f, "'async for' outside async function"));
                }
                self.async_for_stmt(f)?
            }
            Stmt::Assert(a) => {
                let jt = self.cond_jump(&a.test, true)?;
                let msg = match &a.msg {
                    Some(m) => self.expr(m)?,
                    None => NO_REG,
                };
                self.emit(Instr::AssertFail { msg });
                self.patch(jt);
            }
            Stmt::Global(_) | Stmt::Nonlocal(_) => {}
            Stmt::Import(i) => {
                for a in &i.names {
                    let full = a.name.to_string();
                    let id = self.name_id(&full);
                    let t = self.tmp();
                    self.emit(Instr::ImportName {
                        dst: t,
                        name: id,
                        fromlist: NO_REG,
                        level: 0,
                    });
                    match &a.asname {
                        Some(asn) => {
                            // `import a.b.c as d` binds the submodule.
                            for part in full.split('.').skip(1) {
                                let pid = self.name_id(part);
                                self.emit(Instr::LoadAttr {
                                    dst: t,
                                    obj: t,
                                    name: pid,
                                });
                            }
                            self.store_name(asn.as_str(), t);
                        }
                        None => {
                            let top = full.split('.').next().unwrap_or("").to_string();
                            self.store_name(&top, t);
                        }
                    }
                }
            }
            Stmt::ImportFrom(i) => {
                let module = i.module.as_ref().map(|m| m.to_string()).unwrap_or_default();
                let level = i.level.map_or(0, |l| l.to_u32()) as u16;
                let names: Vec<ConstDesc> = i
                    .names
                    .iter()
                    .map(|a| ConstDesc::Str(a.name.to_string()))
                    .collect();
                let fl = self.tmp();
                self.load_const(ConstDesc::Tuple(names), fl);
                let m = self.tmp();
                let id = self.name_id(&module);
                self.emit(Instr::ImportName {
                    dst: m,
                    name: id,
                    fromlist: fl,
                    level,
                });
                for a in &i.names {
                    if a.name.as_str() == "*" {
                        self.emit(Instr::ImportStar { module: m });
                        continue;
                    }
                    let t = self.tmp();
                    let nid = self.name_id(a.name.as_str());
                    self.emit(Instr::ImportFrom {
                        dst: t,
                        module: m,
                        name: nid,
                    });
                    let bind = a.asname.as_ref().unwrap_or(&a.name).to_string();
                    self.store_name(&bind, t);
                }
            }
            Stmt::AsyncFunctionDef(f) => self.async_function_def(f)?,
            Stmt::Match(m) => self.match_stmt(m)?,
            Stmt::TryStar(_) | Stmt::TypeAlias(_) => {
                return Err(err_at(
                    self.cx,
                    s,
                    "this statement is not supported by heaplab yet",
                ));
            }
        }
        Ok(())
    }

    fn aug_assign(&mut self, a: &'a ast::StmtAugAssign) -> CResult<()> {
        let op = binop(&a.op);
        match &*a.target {
            Expr::Name(n) => {
                let cur = self.load_name(n.id.as_str(), None);
                let v = self.expr(&a.value)?;
                let dst = if self.sym(n.id.as_str()) == Sym::Local
                    && self.kind() == ScopeKind::Function
                {
                    cur
                } else {
                    self.tmp()
                };
                self.emit(Instr::InPlace {
                    op,
                    dst,
                    a: cur,
                    b: v,
                });
                self.store_name(n.id.as_str(), dst);
            }
            Expr::Attribute(at) => {
                let obj = self.expr(&at.value)?;
                let name = self.name_id(at.attr.as_str());
                let t = self.tmp();
                self.emit(Instr::LoadAttr { dst: t, obj, name });
                let v = self.expr(&a.value)?;
                self.emit(Instr::InPlace {
                    op,
                    dst: t,
                    a: t,
                    b: v,
                });
                self.emit(Instr::StoreAttr { obj, name, src: t });
            }
            Expr::Subscript(sub) => {
                let obj = self.expr(&sub.value)?;
                let key = self.expr(&sub.slice)?;
                let t = self.tmp();
                self.emit(Instr::GetItem { dst: t, obj, key });
                let v = self.expr(&a.value)?;
                self.emit(Instr::InPlace {
                    op,
                    dst: t,
                    a: t,
                    b: v,
                });
                self.emit(Instr::SetItem { obj, key, src: t });
            }
            other => {
                return Err(err_at(
                    self.cx,
                    other,
                    "illegal expression for augmented assignment",
                ));
            }
        }
        Ok(())
    }

    /// Emits a conditional jump taken when `test` is `when`; returns the
    /// jump to patch.
    fn cond_jump(&mut self, test: &'a Expr, when: bool) -> CResult<usize> {
        if let Expr::UnaryOp(u) = test
            && matches!(u.op, ast::UnaryOp::Not)
        {
            return self.cond_jump(&u.operand, !when);
        }
        let mark = self.temp;
        let c = self.expr(test)?;
        self.temp = mark;
        Ok(if when {
            self.emit(Instr::JumpIfTrue { cond: c, target: 0 })
        } else {
            self.emit(Instr::JumpIfFalse { cond: c, target: 0 })
        })
    }

    fn for_stmt(&mut self, f: &'a ast::StmtFor) -> CResult<()> {
        let src = self.expr(&f.iter)?;
        let it = self.tmp();
        self.emit(Instr::GetIter { dst: it, src });
        let top = self.pc();
        // Iterate straight into a simple local target.
        let (dst, direct) = match &*f.target {
            Expr::Name(n)
                if self.sym(n.id.as_str()) == Sym::Local && self.kind() == ScopeKind::Function =>
            {
                (self.local_reg(n.id.as_str()), true)
            }
            _ => (self.tmp(), false),
        };
        let fi = self.emit(Instr::ForIter {
            iter: it,
            dst,
            exit: 0,
        });
        self.cond_depth += 1;
        if direct {
            if let Expr::Name(n) = &*f.target {
                self.definite.insert(n.id.to_string());
            }
        } else {
            self.store(&f.target, dst)?;
        }
        self.blocks.push(Block::Loop {
            breaks: Vec::new(),
            continue_to: top,
        });
        self.stmts(&f.body)?;
        self.emit(Instr::Jump { target: top });
        let Some(Block::Loop { breaks, .. }) = self.blocks.pop() else {
            unreachable!()
        };
        if direct && let Expr::Name(n) = &*f.target {
            self.definite.remove(n.id.as_str());
        }
        self.cond_depth -= 1;
        self.patch(fi);
        self.cond_stmts(&f.orelse)?;
        for b in breaks {
            self.patch(b);
        }
        Ok(())
    }

    /// `dst = obj.name()`; `dst` and `dst + 1` are the method-call registers.
    fn call_method0(&mut self, dst: Reg, obj: Reg, name: &str) {
        let id = self.name_id(name);
        self.emit(Instr::LoadMethod { dst, obj, name: id });
        self.emit(Instr::CallMethod {
            dst,
            start: dst,
            n: 0,
        });
    }

    /// `async for`: `__aiter__()` once, then `await __anext__()` until it
    /// raises StopAsyncIteration (which ends the loop and runs `else`).
    fn async_for_stmt(&mut self, f: &'a ast::StmtAsyncFor) -> CResult<()> {
        let src = self.expr(&f.iter)?;
        let it = self.tmps(2);
        self.call_method0(it, src, "__aiter__");
        let top = self.pc();
        let mark = self.temp;
        let exc = self.tmp();
        let v = self.tmps(2);
        let ti = self.open_try(exc);
        self.call_method0(v, it, "__anext__");
        self.emit_await(v, v);
        self.close_segment(ti);
        let got = self.emit(Instr::Jump { target: 0 });
        // StopAsyncIteration ends the loop; anything else propagates.
        let h = self.pc();
        self.finish_try(ti, h);
        let typ = self.tmp();
        let stop_id = self.name_id("StopAsyncIteration");
        self.emit(Instr::LoadGlobal {
            dst: typ,
            name: stop_id,
        });
        self.emit(Instr::ExcMatch { dst: typ, exc, typ });
        let done = self.emit(Instr::JumpIfTrue {
            cond: typ,
            target: 0,
        });
        self.emit(Instr::Reraise { exc });
        self.patch(got);
        self.cond_depth += 1;
        self.store(&f.target, v)?;
        self.temp = mark;
        self.blocks.push(Block::Loop {
            breaks: Vec::new(),
            continue_to: top,
        });
        self.stmts(&f.body)?;
        self.emit(Instr::Jump { target: top });
        let Some(Block::Loop { breaks, .. }) = self.blocks.pop() else {
            unreachable!()
        };
        self.cond_depth -= 1;
        self.patch(done);
        self.cond_stmts(&f.orelse)?;
        for b in breaks {
            self.patch(b);
        }
        Ok(())
    }

    // --------------------------------------------- exceptions and unwinding

    fn open_try(&mut self, handler_reg: Reg) -> usize {
        let pc = self.pc();
        self.tries.push(TryState {
            segments: Vec::new(),
            open: Some(pc),
            handler_reg,
        });
        self.tries.len() - 1
    }

    fn close_segment(&mut self, i: usize) {
        let pc = self.pc();
        if let Some(s) = self.tries[i].open.take()
            && pc > s
        {
            self.tries[i].segments.push((s, pc));
        }
    }

    /// Ends a try's protected region; its handler starts at `target`.
    fn finish_try(&mut self, i: usize, target: u32) {
        self.close_segment(i);
        let reg = self.tries[i].handler_reg;
        for &(start, end) in &self.tries[i].segments {
            self.code.handlers.push(Handler {
                start,
                end,
                target,
                reg,
            });
        }
    }

    fn reopen_all(&mut self) {
        let pc = self.pc();
        for b in &self.blocks {
            if let Block::Protected { try_idx } = b
                && self.tries[*try_idx].open.is_none()
            {
                self.tries[*try_idx].open = Some(pc);
            }
        }
    }

    /// Emits the exit actions of the blocks a `return` (`to_loop` None) or a
    /// `break`/`continue` (Some) leaves, innermost first. Protected ranges
    /// are closed first so the inline copies are not handled by themselves.
    fn unwind_for(&mut self, to_loop: Option<bool>) -> CResult<()> {
        let mut i = self.blocks.len();
        let mut actions: Vec<usize> = Vec::new();
        while i > 0 {
            i -= 1;
            if to_loop.is_some() && matches!(self.blocks[i], Block::Loop { .. }) {
                break;
            }
            actions.push(i);
        }
        for &b in &actions {
            if let Block::Protected { try_idx } = self.blocks[b] {
                self.close_segment(try_idx);
            }
        }
        for &b in &actions {
            match &self.blocks[b] {
                Block::Finally { body } => {
                    let body: &'a [Stmt] = body;
                    // Compile the finally body without the blocks inside it.
                    let saved: Vec<Block<'a>> = self.blocks.drain(b..).collect();
                    let mark = self.temp;
                    self.cond_stmts(body)?;
                    self.temp = mark;
                    self.blocks.extend(saved);
                }
                Block::With { exit, is_async } => {
                    let (exit, is_async) = (*exit, *is_async);
                    let args = self.tmps(3);
                    for k in 0..3 {
                        self.load_const(ConstDesc::None, args + k);
                    }
                    let start = self.tmps(5);
                    self.emit(Instr::Move {
                        dst: start,
                        src: exit,
                    });
                    self.emit(Instr::Move {
                        dst: start + 1,
                        src: exit + 1,
                    });
                    for k in 0..3 {
                        self.emit(Instr::Move {
                            dst: start + 2 + k,
                            src: args + k,
                        });
                    }
                    self.emit(Instr::CallMethod {
                        dst: start,
                        start,
                        n: 3,
                    });
                    if is_async {
                        self.emit_await(start, start);
                    }
                }
                Block::Handler { saved, name } => {
                    let saved = *saved;
                    let name = name.clone();
                    self.emit(Instr::PopExc { saved });
                    if let Some(n) = name {
                        self.clear_name(&n);
                    }
                }
                Block::Loop { .. } | Block::Protected { .. } => {}
            }
        }
        Ok(())
    }

    fn clear_name(&mut self, n: &str) {
        // `except E as n` unbinds n at the end of the handler.
        let t = self.tmp();
        self.load_const(ConstDesc::None, t);
        self.store_name(n, t);
        self.delete_name(n);
    }

    fn try_stmt(&mut self, t: &'a ast::StmtTry) -> CResult<()> {
        if t.finalbody.is_empty() {
            return self.try_except(t);
        }
        // try/finally around the (optional) try/except/else.
        let exc = self.tmp();
        let ti = self.open_try(exc);
        self.blocks.push(Block::Protected { try_idx: ti });
        self.blocks.push(Block::Finally { body: &t.finalbody });
        if t.handlers.is_empty() {
            self.stmts(&t.body)?;
            self.cond_depth += 1;
            self.stmts(&t.orelse)?;
            self.cond_depth -= 1;
        } else {
            self.try_except(t)?;
        }
        self.blocks.pop();
        self.blocks.pop();
        self.close_segment(ti);
        // Normal path.
        self.cond_stmts(&t.finalbody)?;
        let j = self.emit(Instr::Jump { target: 0 });
        // Exceptional path.
        let h = self.pc();
        self.finish_try(ti, h);
        let saved = self.tmp();
        self.emit(Instr::PushExc { exc, saved });
        self.handler_body(saved, None, |s| s.cond_stmts(&t.finalbody))?;
        self.emit(Instr::PopExc { saved });
        self.emit(Instr::Reraise { exc });
        self.patch(j);
        Ok(())
    }

    /// Compiles `body`, code that runs while an exception is handled
    /// (after `PushExc { saved }`), so that an exception escaping it first
    /// restores the handled exception to `saved` and unbinds the `except`
    /// target `name` (CPython's cleanup handler: POP_EXCEPT, RERAISE).
    /// A `return`/`break`/`continue` in it restores it too.
    fn handler_body(
        &mut self,
        saved: Reg,
        name: Option<String>,
        body: impl FnOnce(&mut Self) -> CResult<()>,
    ) -> CResult<()> {
        let exc = self.tmp();
        let ti = self.open_try(exc);
        self.blocks.push(Block::Protected { try_idx: ti });
        self.blocks.push(Block::Handler {
            saved,
            name: name.clone(),
        });
        body(self)?;
        self.blocks.pop();
        self.blocks.pop();
        self.close_segment(ti);
        let j = self.emit(Instr::Jump { target: 0 });
        let h = self.pc();
        self.finish_try(ti, h);
        // PushExc stores the escaping exception's traceback on it, so the
        // re-raise continues it.
        let scratch = self.tmp();
        self.emit(Instr::PushExc {
            exc,
            saved: scratch,
        });
        self.emit(Instr::PopExc { saved });
        if let Some(n) = name {
            self.clear_name(&n);
        }
        self.emit(Instr::Reraise { exc });
        self.patch(j);
        Ok(())
    }

    fn try_except(&mut self, t: &'a ast::StmtTry) -> CResult<()> {
        let exc = self.tmp();
        let ti = self.open_try(exc);
        self.blocks.push(Block::Protected { try_idx: ti });
        self.cond_stmts(&t.body)?;
        self.blocks.pop();
        self.close_segment(ti);
        self.cond_stmts(&t.orelse)?;
        let mut ends = vec![self.emit(Instr::Jump { target: 0 })];
        let h = self.pc();
        self.finish_try(ti, h);
        let saved = self.tmp();
        self.emit(Instr::PushExc { exc, saved });
        for handler in &t.handlers {
            let ast::ExceptHandler::ExceptHandler(hd) = handler;
            self.set_line(hd);
            let next = match &hd.type_ {
                Some(ty) => {
                    let tr = self.expr(ty)?;
                    let m = self.tmp();
                    self.emit(Instr::ExcMatch {
                        dst: m,
                        exc,
                        typ: tr,
                    });
                    Some(self.emit(Instr::JumpIfFalse { cond: m, target: 0 }))
                }
                None => None,
            };
            if let Some(n) = &hd.name {
                self.store_name(n.as_str(), exc);
            }
            let name = hd.name.as_ref().map(|n| n.to_string());
            self.handler_body(saved, name.clone(), |s| s.cond_stmts(&hd.body))?;
            self.emit(Instr::PopExc { saved });
            if let Some(n) = name {
                self.clear_name(&n);
            }
            ends.push(self.emit(Instr::Jump { target: 0 }));
            match next {
                Some(j) => self.patch(j),
                None => break,
            }
        }
        self.emit(Instr::PopExc { saved });
        self.emit(Instr::Reraise { exc });
        for e in ends {
            self.patch(e);
        }
        Ok(())
    }

    /// `with` (and `async with`, whose `__aenter__`/`__aexit__` results are
    /// awaited).
    fn with_stmt(
        &mut self,
        items: &'a [ast::WithItem],
        body: &'a [Stmt],
        is_async: bool,
    ) -> CResult<()> {
        let Some((first, rest)) = items.split_first() else {
            return self.stmts(body);
        };
        let mgr = self.expr(&first.context_expr)?;
        let exit = self.tmps(2);
        let exit_id = self.name_id(if is_async { "__aexit__" } else { "__exit__" });
        self.emit(Instr::LoadMethod {
            dst: exit,
            obj: mgr,
            name: exit_id,
        });
        let enter = self.tmps(2);
        self.call_method0(
            enter,
            mgr,
            if is_async { "__aenter__" } else { "__enter__" },
        );
        if is_async {
            self.emit_await(enter, enter);
        }
        let exc = self.tmp();
        let ti = self.open_try(exc);
        if let Some(v) = &first.optional_vars {
            self.store(v, enter)?;
        }
        self.blocks.push(Block::Protected { try_idx: ti });
        self.blocks.push(Block::With { exit, is_async });
        if rest.is_empty() {
            self.cond_stmts(body)?;
        } else {
            self.with_stmt(rest, body, is_async)?;
        }
        self.blocks.pop();
        self.blocks.pop();
        self.close_segment(ti);
        // Normal exit: __exit__(None, None, None).
        let start = self.tmps(5);
        self.emit(Instr::Move {
            dst: start,
            src: exit,
        });
        self.emit(Instr::Move {
            dst: start + 1,
            src: exit + 1,
        });
        for k in 0..3 {
            self.load_const(ConstDesc::None, start + 2 + k);
        }
        self.emit(Instr::CallMethod {
            dst: start,
            start,
            n: 3,
        });
        if is_async {
            self.emit_await(start, start);
        }
        let j = self.emit(Instr::Jump { target: 0 });
        // Exceptional exit: __exit__(type, exc, tb); a true result swallows.
        let h = self.pc();
        self.finish_try(ti, h);
        let saved = self.tmp();
        self.emit(Instr::PushExc { exc, saved });
        let mut result = 0;
        self.handler_body(saved, None, |s| {
            let start = s.tmps(5);
            s.emit(Instr::Move {
                dst: start,
                src: exit,
            });
            s.emit(Instr::Move {
                dst: start + 1,
                src: exit + 1,
            });
            let type_id = s.name_id("type");
            let tf = s.tmp();
            s.emit(Instr::LoadGlobal {
                dst: tf,
                name: type_id,
            });
            let targ = s.tmp();
            s.emit(Instr::Move {
                dst: targ,
                src: exc,
            });
            s.emit(Instr::Call {
                dst: start + 2,
                func: tf,
                start: targ,
                n: 1,
            });
            s.emit(Instr::Move {
                dst: start + 3,
                src: exc,
            });
            s.load_const(ConstDesc::None, start + 4);
            s.emit(Instr::CallMethod {
                dst: start,
                start,
                n: 3,
            });
            if is_async {
                s.emit_await(start, start);
            }
            result = start;
            Ok(())
        })?;
        let swallow = self.emit(Instr::JumpIfTrue {
            cond: result,
            target: 0,
        });
        self.emit(Instr::PopExc { saved });
        self.emit(Instr::Reraise { exc });
        self.patch(swallow);
        self.emit(Instr::PopExc { saved });
        self.patch(j);
        Ok(())
    }

    /// A module or class body with annotated names starts with
    /// `__annotations__ = {}`.
    fn setup_annotations(&mut self, body: &[Stmt]) {
        fn annotates(body: &[Stmt]) -> bool {
            body.iter().any(|s| match s {
                Stmt::AnnAssign(a) => a.simple && matches!(&*a.target, Expr::Name(_)),
                Stmt::If(i) => annotates(&i.body) || annotates(&i.orelse),
                Stmt::For(f) => annotates(&f.body) || annotates(&f.orelse),
                Stmt::While(w) => annotates(&w.body) || annotates(&w.orelse),
                Stmt::With(w) => annotates(&w.body),
                Stmt::Try(t) => {
                    annotates(&t.body)
                        || annotates(&t.orelse)
                        || annotates(&t.finalbody)
                        || t.handlers.iter().any(|h| {
                            let ast::ExceptHandler::ExceptHandler(h) = h;
                            annotates(&h.body)
                        })
                }
                _ => false,
            })
        }
        if annotates(body) {
            let t = self.tmp();
            self.emit(Instr::BuildDict {
                dst: t,
                start: t,
                n: 0,
            });
            self.store_name("__annotations__", t);
            self.temp -= 1;
        }
    }

    /// `name: T` in a module or class body: `__annotations__['name'] = T`
    /// (the source text of `T` under `from __future__ import annotations`).
    fn record_annotation(&mut self, a: &'a ast::StmtAnnAssign) -> CResult<()> {
        let Expr::Name(n) = &*a.target else {
            return Ok(());
        };
        if !a.simple || self.kind() == ScopeKind::Function {
            return Ok(());
        }
        let mark = self.temp;
        let ann = self.tmp();
        if self.cx.stringify_annotations {
            let text = self
                .cx
                .lines
                .text(a.annotation.start().into(), a.annotation.end().into())
                .to_string();
            self.load_const(ConstDesc::Str(text), ann);
        } else {
            self.expr_to(&a.annotation, ann)?;
        }
        let d = self.load_name("__annotations__", None);
        let key = self.tmp();
        self.load_const(ConstDesc::Str(n.id.to_string()), key);
        self.emit(Instr::SetItem {
            obj: d,
            key,
            src: ann,
        });
        self.temp = mark;
        Ok(())
    }

    /// `f.__annotations__ = {param: annotation, ..., 'return': ...}` for the
    /// function in `f`, when it has annotations.
    fn function_annotations(
        &mut self,
        f: Reg,
        args: &'a ast::Arguments,
        returns: Option<&'a Expr>,
    ) -> CResult<()> {
        let mut pairs: Vec<(&str, &'a Expr)> = Vec::new();
        let with_defaults = args.posonlyargs.iter().chain(&args.args);
        for a in with_defaults {
            if let Some(e) = &a.def.annotation {
                pairs.push((a.def.arg.as_str(), e));
            }
        }
        if let Some(a) = &args.vararg
            && let Some(e) = &a.annotation
        {
            pairs.push((a.arg.as_str(), e));
        }
        for a in &args.kwonlyargs {
            if let Some(e) = &a.def.annotation {
                pairs.push((a.def.arg.as_str(), e));
            }
        }
        if let Some(a) = &args.kwarg
            && let Some(e) = &a.annotation
        {
            pairs.push((a.arg.as_str(), e));
        }
        if let Some(r) = returns {
            pairs.push(("return", r));
        }
        if pairs.is_empty() {
            return Ok(());
        }
        let mark = self.temp;
        let start = self.tmps(2 * pairs.len());
        for (i, (name, e)) in pairs.iter().enumerate() {
            let k = start + 2 * i as Reg;
            self.load_const(ConstDesc::Str(name.to_string()), k);
            if self.cx.stringify_annotations {
                let text = self
                    .cx
                    .lines
                    .text(e.start().into(), e.end().into())
                    .to_string();
                self.load_const(ConstDesc::Str(text), k + 1);
            } else {
                self.expr_to(e, k + 1)?;
            }
        }
        let d = self.tmp();
        self.emit(Instr::BuildDict {
            dst: d,
            start,
            n: pairs.len() as u16,
        });
        let id = self.name_id("__annotations__");
        self.emit(Instr::StoreAttr {
            obj: f,
            name: id,
            src: d,
        });
        self.temp = mark;
        Ok(())
    }

    /// `dst = await v`: delegates to the iterator `v.__await__()`.
    fn emit_await(&mut self, v: Reg, dst: Reg) {
        let mark = self.temp;
        let m = self.tmp();
        let id = self.name_id("__await__");
        self.emit(Instr::LoadAttr {
            dst: m,
            obj: v,
            name: id,
        });
        let it = self.tmp();
        self.emit(Instr::Call {
            dst: it,
            func: m,
            start: it,
            n: 0,
        });
        self.load_const(ConstDesc::None, dst);
        self.emit(Instr::YieldFrom { dst, iter: it });
        self.temp = mark;
    }

    // -------------------------------------------------------------- targets

    fn store(&mut self, target: &'a Expr, src: Reg) -> CResult<()> {
        match target {
            Expr::Name(n) => self.store_name(n.id.as_str(), src),
            Expr::Attribute(a) => {
                let obj = self.expr(&a.value)?;
                let name = self.name_id(a.attr.as_str());
                self.emit(Instr::StoreAttr { obj, name, src });
            }
            Expr::Subscript(s) => {
                let obj = self.expr(&s.value)?;
                let key = self.expr(&s.slice)?;
                self.emit(Instr::SetItem { obj, key, src });
            }
            Expr::Tuple(t) => self.store_unpack(&t.elts, src)?,
            Expr::List(l) => self.store_unpack(&l.elts, src)?,
            other => return Err(err_at(self.cx, other, "cannot assign to expression")),
        }
        Ok(())
    }

    fn store_unpack(&mut self, elts: &'a [Expr], src: Reg) -> CResult<()> {
        let star = elts.iter().position(|e| matches!(e, Expr::Starred(_)));
        let start = self.tmps(elts.len());
        match star {
            None => {
                self.emit(Instr::Unpack {
                    src,
                    start,
                    n: elts.len() as u16,
                });
            }
            Some(i) => {
                self.emit(Instr::UnpackEx {
                    src,
                    start,
                    before: i as u16,
                    after: (elts.len() - i - 1) as u16,
                });
            }
        }
        for (k, e) in elts.iter().enumerate() {
            let e = match e {
                Expr::Starred(s) => &*s.value,
                other => other,
            };
            self.store(e, start + k as Reg)?;
        }
        Ok(())
    }

    fn delete(&mut self, t: &'a Expr) -> CResult<()> {
        match t {
            Expr::Name(n) => self.delete_name(n.id.as_str()),
            Expr::Attribute(a) => {
                let obj = self.expr(&a.value)?;
                let name = self.name_id(a.attr.as_str());
                self.emit(Instr::DeleteAttr { obj, name });
            }
            Expr::Subscript(s) => {
                let obj = self.expr(&s.value)?;
                let key = self.expr(&s.slice)?;
                self.emit(Instr::DeleteItem { obj, key });
            }
            Expr::Tuple(tu) => {
                for e in &tu.elts {
                    self.delete(e)?;
                }
            }
            Expr::List(l) => {
                for e in &l.elts {
                    self.delete(e)?;
                }
            }
            other => return Err(err_at(self.cx, other, "cannot delete expression")),
        }
        Ok(())
    }

    // ----------------------------------------------------------- expressions

    /// Evaluates `e`; returns the register holding the result.
    fn expr(&mut self, e: &'a Expr) -> CResult<Reg> {
        if let Expr::Name(n) = e
            && self.sym(n.id.as_str()) == Sym::Local
            && self.kind() == ScopeKind::Function
        {
            return Ok(self.load_name(n.id.as_str(), None));
        }
        let t = self.tmp();
        self.expr_to(e, t)?;
        Ok(t)
    }

    /// Evaluates `e` into `dst`.
    fn expr_to(&mut self, e: &'a Expr, dst: Reg) -> CResult<()> {
        match e {
            Expr::Constant(c) => self.load_const(const_desc(&c.value), dst),
            Expr::Name(n) => {
                self.load_name(n.id.as_str(), Some(dst));
            }
            Expr::BinOp(b) => {
                let mark = self.temp;
                let a = self.expr(&b.left)?;
                let r = self.expr(&b.right)?;
                self.emit(Instr::Binary {
                    op: binop(&b.op),
                    dst,
                    a,
                    b: r,
                });
                self.temp = mark;
            }
            Expr::UnaryOp(u) => {
                let mark = self.temp;
                let src = self.expr(&u.operand)?;
                let op = match u.op {
                    ast::UnaryOp::Invert => UnOp::Invert,
                    ast::UnaryOp::Not => UnOp::Not,
                    ast::UnaryOp::UAdd => UnOp::Pos,
                    ast::UnaryOp::USub => UnOp::Neg,
                };
                // Fold negative numeric literals.
                if let (UnOp::Neg, Expr::Constant(c)) = (op, &*u.operand) {
                    match &c.value {
                        Constant::Int(i) => {
                            self.temp = mark;
                            self.load_const(ConstDesc::Int(-i.clone()), dst);
                            return Ok(());
                        }
                        Constant::Float(f) => {
                            self.temp = mark;
                            self.load_const(ConstDesc::Float(-f), dst);
                            return Ok(());
                        }
                        Constant::Complex { real, imag } => {
                            self.temp = mark;
                            self.load_const(ConstDesc::Complex(-real, -imag), dst);
                            return Ok(());
                        }
                        _ => {}
                    }
                }
                self.emit(Instr::Unary { op, dst, src });
                self.temp = mark;
            }
            Expr::BoolOp(b) => {
                let is_and = matches!(b.op, ast::BoolOp::And);
                let mut jumps = Vec::new();
                for (i, v) in b.values.iter().enumerate() {
                    self.expr_to(v, dst)?;
                    if i + 1 < b.values.len() {
                        jumps.push(if is_and {
                            self.emit(Instr::JumpIfFalse {
                                cond: dst,
                                target: 0,
                            })
                        } else {
                            self.emit(Instr::JumpIfTrue {
                                cond: dst,
                                target: 0,
                            })
                        });
                    }
                }
                for j in jumps {
                    self.patch(j);
                }
            }
            Expr::Compare(c) => {
                let mark = self.temp;
                let mut left = self.expr(&c.left)?;
                let mut jumps = Vec::new();
                for (i, (op, right)) in c.ops.iter().zip(c.comparators.iter()).enumerate() {
                    let r = self.expr(right)?;
                    self.emit(Instr::Compare {
                        op: cmpop(op),
                        dst,
                        a: left,
                        b: r,
                    });
                    if i + 1 < c.ops.len() {
                        jumps.push(self.emit(Instr::JumpIfFalse {
                            cond: dst,
                            target: 0,
                        }));
                    }
                    left = r;
                }
                for j in jumps {
                    self.patch(j);
                }
                self.temp = mark;
            }
            Expr::IfExp(i) => {
                let jf = self.cond_jump(&i.test, false)?;
                self.expr_to(&i.body, dst)?;
                let j = self.emit(Instr::Jump { target: 0 });
                self.patch(jf);
                self.expr_to(&i.orelse, dst)?;
                self.patch(j);
            }
            Expr::Tuple(t) => {
                if t.elts.iter().any(|e| matches!(e, Expr::Starred(_))) {
                    self.starred_list(&t.elts, dst)?;
                    self.emit(Instr::ListToTuple { dst, src: dst });
                } else {
                    let start = self.seq_into_temps(&t.elts)?;
                    self.emit(Instr::BuildTuple {
                        dst,
                        start,
                        n: t.elts.len() as u16,
                    });
                }
            }
            Expr::List(l) => {
                if l.elts.iter().any(|e| matches!(e, Expr::Starred(_))) {
                    self.starred_list(&l.elts, dst)?;
                } else {
                    let start = self.seq_into_temps(&l.elts)?;
                    self.emit(Instr::BuildList {
                        dst,
                        start,
                        n: l.elts.len() as u16,
                    });
                }
            }
            Expr::Set(s) => {
                if s.elts.iter().any(|e| matches!(e, Expr::Starred(_))) {
                    self.emit(Instr::BuildSet {
                        dst,
                        start: 0,
                        n: 0,
                    });
                    for e in &s.elts {
                        let mark = self.temp;
                        match e {
                            Expr::Starred(st) => {
                                let v = self.expr(&st.value)?;
                                self.emit(Instr::SetUpdate { set: dst, src: v });
                            }
                            other => {
                                let v = self.expr(other)?;
                                self.emit(Instr::SetAdd { set: dst, src: v });
                            }
                        }
                        self.temp = mark;
                    }
                } else {
                    let start = self.seq_into_temps(&s.elts)?;
                    self.emit(Instr::BuildSet {
                        dst,
                        start,
                        n: s.elts.len() as u16,
                    });
                }
            }
            Expr::Dict(d) => {
                if d.keys.iter().any(|k| k.is_none()) {
                    self.emit(Instr::BuildDict {
                        dst,
                        start: 0,
                        n: 0,
                    });
                    for (k, v) in d.keys.iter().zip(d.values.iter()) {
                        let mark = self.temp;
                        match k {
                            Some(k) => {
                                let kr = self.expr(k)?;
                                let vr = self.expr(v)?;
                                self.emit(Instr::DictSet {
                                    dict: dst,
                                    key: kr,
                                    src: vr,
                                });
                            }
                            None => {
                                let vr = self.expr(v)?;
                                self.emit(Instr::DictUpdate { dict: dst, src: vr });
                            }
                        }
                        self.temp = mark;
                    }
                } else {
                    let mark = self.temp;
                    let start = self.tmps(2 * d.keys.len());
                    for (i, (k, v)) in d.keys.iter().zip(d.values.iter()).enumerate() {
                        let k = k.as_ref().expect("checked above");
                        self.expr_to(k, start + 2 * i as Reg)?;
                        self.expr_to(v, start + 2 * i as Reg + 1)?;
                    }
                    self.emit(Instr::BuildDict {
                        dst,
                        start,
                        n: d.keys.len() as u16,
                    });
                    self.temp = mark;
                }
            }
            Expr::Attribute(a) => {
                let mark = self.temp;
                let obj = self.expr(&a.value)?;
                let name = self.name_id(a.attr.as_str());
                self.emit(Instr::LoadAttr { dst, obj, name });
                self.temp = mark;
            }
            Expr::Subscript(s) => {
                let mark = self.temp;
                let obj = self.expr(&s.value)?;
                let key = self.expr(&s.slice)?;
                self.emit(Instr::GetItem { dst, obj, key });
                self.temp = mark;
            }
            Expr::Slice(s) => {
                let mark = self.temp;
                let start = self.tmps(3);
                for (i, part) in [&s.lower, &s.upper, &s.step].into_iter().enumerate() {
                    match part {
                        Some(p) => self.expr_to(p, start + i as Reg)?,
                        None => self.load_const(ConstDesc::None, start + i as Reg),
                    }
                }
                self.emit(Instr::BuildSlice { dst, start, n: 3 });
                self.temp = mark;
            }
            Expr::Call(c) => self.call(c, dst)?,
            Expr::Lambda(l) => {
                let scope = self.cx.table.scope_of(l);
                let body_ret = ReturnExpr(&l.body);
                self.make_function(
                    dst,
                    scope,
                    "<lambda>",
                    &l.args,
                    FunctionBody::Expr(body_ret),
                    l.start().into(),
                )?;
            }
            Expr::ListComp(c) => {
                self.comprehension(c, dst, &c.generators, CompKind::List(&c.elt), "<listcomp>")?
            }
            Expr::SetComp(c) => {
                self.comprehension(c, dst, &c.generators, CompKind::Set(&c.elt), "<setcomp>")?
            }
            Expr::DictComp(c) => self.comprehension(
                c,
                dst,
                &c.generators,
                CompKind::Dict(&c.key, &c.value),
                "<dictcomp>",
            )?,
            Expr::GeneratorExp(c) => {
                self.comprehension(c, dst, &c.generators, CompKind::Gen(&c.elt), "<genexpr>")?
            }
            Expr::Yield(y) => {
                let mark = self.temp;
                let v = match &y.value {
                    Some(v) => self.expr(v)?,
                    None => {
                        let t = self.tmp();
                        self.load_const(ConstDesc::None, t);
                        t
                    }
                };
                self.emit(Instr::Yield { dst, src: v });
                self.temp = mark;
            }
            Expr::YieldFrom(y) => {
                let mark = self.temp;
                let v = self.expr(&y.value)?;
                let it = self.tmp();
                self.emit(Instr::GetIter { dst: it, src: v });
                // `dst` carries the value sent in at each resumption.
                self.load_const(ConstDesc::None, dst);
                self.emit(Instr::YieldFrom { dst, iter: it });
                self.temp = mark;
            }
            Expr::JoinedStr(j) => {
                let mark = self.temp;
                let start = self.tmps(j.values.len());
                for (i, v) in j.values.iter().enumerate() {
                    self.expr_to(v, start + i as Reg)?;
                }
                self.emit(Instr::BuildString {
                    dst,
                    start,
                    n: j.values.len() as u16,
                });
                self.temp = mark;
            }
            Expr::FormattedValue(f) => {
                let mark = self.temp;
                let src = self.expr(&f.value)?;
                let spec = match &f.format_spec {
                    Some(s) => self.expr(s)?,
                    None => NO_REG,
                };
                let conv = match f.conversion {
                    ast::ConversionFlag::None => 0,
                    ast::ConversionFlag::Str => 1,
                    ast::ConversionFlag::Repr => 2,
                    ast::ConversionFlag::Ascii => 3,
                };
                self.emit(Instr::FormatValue {
                    dst,
                    src,
                    spec,
                    conv,
                });
                self.temp = mark;
            }
            Expr::NamedExpr(n) => {
                self.expr_to(&n.value, dst)?;
                self.store(&n.target, dst)?;
            }
            Expr::Starred(s) => {
                return Err(err_at(self.cx, s, "can't use starred expression here"));
            }
            Expr::Await(a) => {
                if !self.cx.table.scopes[self.scope].is_async {
                    return Err(err_at(self.cx, a, "'await' outside async function"));
                }
                let mark = self.temp;
                let v = self.expr(&a.value)?;
                self.emit_await(v, dst);
                self.temp = mark;
            }
        }
        Ok(())
    }

    fn seq_into_temps(&mut self, elts: &'a [Expr]) -> CResult<Reg> {
        let start = self.tmps(elts.len());
        for (i, e) in elts.iter().enumerate() {
            self.expr_to(e, start + i as Reg)?;
        }
        Ok(start)
    }

    fn starred_list(&mut self, elts: &'a [Expr], dst: Reg) -> CResult<()> {
        self.emit(Instr::BuildList {
            dst,
            start: 0,
            n: 0,
        });
        for e in elts {
            let mark = self.temp;
            match e {
                Expr::Starred(s) => {
                    let v = self.expr(&s.value)?;
                    self.emit(Instr::ListExtend { list: dst, src: v });
                }
                other => {
                    let v = self.expr(other)?;
                    self.emit(Instr::ListAppend { list: dst, src: v });
                }
            }
            self.temp = mark;
        }
        Ok(())
    }

    fn call(&mut self, c: &'a ast::ExprCall, dst: Reg) -> CResult<()> {
        let mark = self.temp;
        let has_star = c.args.iter().any(|a| matches!(a, Expr::Starred(_)))
            || c.keywords.iter().any(|k| k.arg.is_none());
        // Zero-argument super() → super(__class__, <first argument>).
        if let Expr::Name(n) = &*c.func
            && n.id.as_str() == "super"
            && c.args.is_empty()
            && c.keywords.is_empty()
            && self.regs.contains_key("__class__")
        {
            let s = &self.cx.table.scopes[self.scope];
            if let Some(first) = s.params.first().cloned() {
                let f = self.tmp();
                self.load_name("super", Some(f));
                let start = self.tmps(2);
                self.load_name("__class__", Some(start));
                self.load_name(&first, Some(start + 1));
                self.emit(Instr::Call {
                    dst,
                    func: f,
                    start,
                    n: 2,
                });
                self.temp = mark;
                return Ok(());
            }
        }
        if !has_star {
            if let (Expr::Attribute(a), true) = (&*c.func, c.keywords.is_empty()) {
                let start = self.tmps(2 + c.args.len());
                let obj = self.expr(&a.value)?;
                let name = self.name_id(a.attr.as_str());
                self.emit(Instr::LoadMethod {
                    dst: start,
                    obj,
                    name,
                });
                for (i, arg) in c.args.iter().enumerate() {
                    self.expr_to(arg, start + 2 + i as Reg)?;
                }
                self.emit(Instr::CallMethod {
                    dst,
                    start,
                    n: c.args.len() as u16,
                });
                self.temp = mark;
                return Ok(());
            }
            let f = self.tmp();
            self.expr_to(&c.func, f)?;
            let n = c.args.len() + c.keywords.len();
            let start = self.tmps(n);
            for (i, arg) in c.args.iter().enumerate() {
                self.expr_to(arg, start + i as Reg)?;
            }
            for (i, k) in c.keywords.iter().enumerate() {
                self.expr_to(&k.value, start + (c.args.len() + i) as Reg)?;
            }
            if c.keywords.is_empty() {
                self.emit(Instr::Call {
                    dst,
                    func: f,
                    start,
                    n: n as u16,
                });
            } else {
                let names = c
                    .keywords
                    .iter()
                    .map(|k| {
                        ConstDesc::Str(k.arg.as_ref().map(|a| a.to_string()).unwrap_or_default())
                    })
                    .collect();
                let kwnames = self.konst(ConstDesc::Tuple(names));
                self.emit(Instr::CallKw {
                    dst,
                    func: f,
                    start,
                    n: n as u16,
                    kwnames,
                });
            }
            self.temp = mark;
            return Ok(());
        }
        let f = self.tmp();
        self.expr_to(&c.func, f)?;
        let args = self.tmp();
        self.starred_list(&c.args, args)?;
        self.emit(Instr::ListToTuple {
            dst: args,
            src: args,
        });
        let kwargs = if c.keywords.is_empty() {
            NO_REG
        } else {
            let d = self.tmp();
            self.emit(Instr::BuildDict {
                dst: d,
                start: 0,
                n: 0,
            });
            for k in &c.keywords {
                let m2 = self.temp;
                let v = self.expr(&k.value)?;
                match &k.arg {
                    Some(name) => {
                        let kr = self.tmp();
                        self.load_const(ConstDesc::Str(name.to_string()), kr);
                        self.emit(Instr::DictSet {
                            dict: d,
                            key: kr,
                            src: v,
                        });
                    }
                    None => {
                        self.emit(Instr::DictUpdate { dict: d, src: v });
                    }
                }
                self.temp = m2;
            }
            d
        };
        self.emit(Instr::CallEx {
            dst,
            func: f,
            args,
            kwargs,
        });
        self.temp = mark;
        Ok(())
    }

    // ------------------------------------------------- functions and classes

    fn qualname(&self, name: &str) -> String {
        if self.qualprefix.is_empty() {
            name.to_string()
        } else {
            format!("{}.{}", self.qualprefix, name)
        }
    }

    /// The qualname prefix of what is defined inside function `name`
    /// (CPython's `f.<locals>.g`).
    fn function_child_qualprefix(&self, name: &str) -> String {
        format!("{}.<locals>", self.qualname(name))
    }

    fn function_def(&mut self, f: &'a ast::StmtFunctionDef) -> CResult<()> {
        let scope = self.cx.table.scope_of(f);
        self.decorated_function(
            scope,
            f.name.as_str(),
            &f.decorator_list,
            (&f.args, f.returns.as_deref()),
            &f.body,
            f.start().into(),
        )
    }

    /// `async def`: a function whose calls make coroutines (or async
    /// generators when the body yields); its scope says so.
    fn async_function_def(&mut self, f: &'a ast::StmtAsyncFunctionDef) -> CResult<()> {
        let scope = self.cx.table.scope_of(f);
        self.decorated_function(
            scope,
            f.name.as_str(),
            &f.decorator_list,
            (&f.args, f.returns.as_deref()),
            &f.body,
            f.start().into(),
        )
    }

    /// Makes the function of `scope`, applies its decorators innermost
    /// first, and binds the result to `name`.
    fn decorated_function(
        &mut self,
        scope: usize,
        name: &str,
        decorators: &'a [ast::Expr],
        (args, returns): (&'a ast::Arguments, Option<&'a Expr>),
        body: &'a [Stmt],
        start: u32,
    ) -> CResult<()> {
        let mark = self.temp;
        let decos = self.seq_into_temps(decorators)?;
        let t = self.tmp();
        self.make_function(t, scope, name, args, FunctionBody::Stmts(body), start)?;
        self.function_annotations(t, args, returns)?;
        for i in (0..decorators.len()).rev() {
            let arg = self.tmp();
            self.emit(Instr::Move { dst: arg, src: t });
            self.emit(Instr::Call {
                dst: t,
                func: decos + i as Reg,
                start: arg,
                n: 1,
            });
        }
        self.store_name(name, t);
        self.temp = mark;
        Ok(())
    }

    fn make_function(
        &mut self,
        dst: Reg,
        scope: usize,
        name: &str,
        args: &'a ast::Arguments,
        body: FunctionBody<'a>,
        offset: u32,
    ) -> CResult<()> {
        let mark = self.temp;
        // Defaults, evaluated in the enclosing scope.
        let pos: Vec<&ast::ArgWithDefault> =
            args.posonlyargs.iter().chain(args.args.iter()).collect();
        let defaults: Vec<&Expr> = pos.iter().filter_map(|a| a.default.as_deref()).collect();
        let defaults_reg = if defaults.is_empty() {
            NO_REG
        } else {
            let start = self.tmps(defaults.len());
            for (i, d) in defaults.iter().enumerate() {
                self.expr_to(d, start + i as Reg)?;
            }
            let t = self.tmp();
            self.emit(Instr::BuildTuple {
                dst: t,
                start,
                n: defaults.len() as u16,
            });
            t
        };
        let kwd: Vec<&ast::ArgWithDefault> = args
            .kwonlyargs
            .iter()
            .filter(|a| a.default.is_some())
            .collect();
        let kwdefaults_reg = if kwd.is_empty() {
            NO_REG
        } else {
            let start = self.tmps(2 * kwd.len());
            for (i, a) in kwd.iter().enumerate() {
                self.load_const(ConstDesc::Str(a.def.arg.to_string()), start + 2 * i as Reg);
                self.expr_to(
                    a.default.as_deref().expect("filtered"),
                    start + 2 * i as Reg + 1,
                )?;
            }
            let t = self.tmp();
            self.emit(Instr::BuildDict {
                dst: t,
                start,
                n: kwd.len() as u16,
            });
            t
        };
        // The body.
        let qualname = self.qualname(name);
        let child_prefix = self.function_child_qualprefix(name);
        let first_line = self.cx.lines.line(offset);
        let mut params: Vec<String> = pos.iter().map(|a| a.def.arg.to_string()).collect();
        params.extend(args.kwonlyargs.iter().map(|a| a.def.arg.to_string()));
        if let Some(v) = &args.vararg {
            params.push(v.arg.to_string());
        }
        if let Some(k) = &args.kwarg {
            params.push(k.arg.to_string());
        }
        let desc = {
            let mut u = Unit::new(self.cx, scope, name, qualname, first_line);
            u.qualprefix = child_prefix;
            u.setup_registers(&params);
            u.code.argcount = pos.len() as u32;
            u.code.posonly = args.posonlyargs.len() as u32;
            u.code.kwonly = args.kwonlyargs.len() as u32;
            if args.vararg.is_some() {
                u.code.flags |= flags::VARARGS;
            }
            if args.kwarg.is_some() {
                u.code.flags |= flags::VARKEYWORDS;
            }
            let sc = &u.cx.table.scopes[scope];
            if sc.is_generator {
                u.code.flags |= flags::GENERATOR;
            }
            if sc.is_async {
                u.code.flags |= if sc.has_yield {
                    flags::ASYNC_GENERATOR
                } else {
                    flags::COROUTINE
                };
            }
            u.code.params = params.iter().map(|p| u.cx.interner.intern(p)).collect();
            match body {
                FunctionBody::Stmts(b) => {
                    u.code.doc = docstring(b).map(str::to_string);
                    collect_deleted(b, &mut u.deleted);
                    u.stmts(b)?;
                    let t = u.tmp();
                    u.load_const(ConstDesc::None, t);
                    u.emit(Instr::Return { src: t });
                }
                FunctionBody::Expr(ReturnExpr(e)) => {
                    u.line = first_line;
                    let t = u.tmp();
                    u.expr_to(e, t)?;
                    u.emit(Instr::Return { src: t });
                }
            }
            u.finish()
        };
        self.emit_make_function(dst, scope, desc, defaults_reg, kwdefaults_reg);
        self.temp = mark;
        Ok(())
    }

    /// Emits MakeFunction, gathering the closure cells the child needs.
    fn emit_make_function(
        &mut self,
        dst: Reg,
        scope: usize,
        desc: CodeDesc,
        defaults: Reg,
        kwdefaults: Reg,
    ) {
        let frees = self.cx.table.scopes[scope].frees.clone();
        let cells = self.tmps(frees.len());
        for (i, f) in frees.iter().enumerate() {
            let r = self.regs[f];
            self.emit(Instr::Move {
                dst: cells + i as Reg,
                src: r,
            });
        }
        let k = self.konst(ConstDesc::Code(Box::new(desc)));
        self.emit(Instr::MakeFunction {
            dst,
            k,
            defaults,
            kwdefaults,
            cells,
            ncells: frees.len() as u16,
        });
    }

    fn class_def(&mut self, c: &'a ast::StmtClassDef) -> CResult<()> {
        let mark = self.temp;
        let decos = self.seq_into_temps(&c.decorator_list)?;
        let scope = self.cx.table.scope_of(c);
        let name = c.name.to_string();
        let qualname = self.qualname(&name);
        let first_line = self.cx.lines.line(c.start().into());
        let desc = {
            let mut u = Unit::new(self.cx, scope, &name, qualname.clone(), first_line);
            u.qualprefix = qualname.clone();
            u.code.flags |= flags::NAMESPACE;
            u.code.argcount = 1;
            let ns = u.cx.interner.intern(".namespace");
            u.code.params = vec![ns];
            u.setup_registers(&[".namespace".to_string()]);
            let t = u.tmp();
            u.load_name("__name__", Some(t));
            u.store_name("__module__", t);
            u.load_const(ConstDesc::Str(qualname.clone()), t);
            u.store_name("__qualname__", t);
            if let Some(doc) = docstring(&c.body) {
                u.load_const(ConstDesc::Str(doc.to_string()), t);
                u.store_name("__doc__", t);
            }
            u.setup_annotations(&c.body);
            u.stmts(&c.body)?;
            if u.cx.table.scopes[scope].needs_class_cell {
                let cell = u.regs["__class__"];
                let id = u.cx.interner.intern("__classcell__");
                u.emit(Instr::StoreName {
                    name: id,
                    src: cell,
                });
            }
            let t = u.tmp();
            u.load_const(ConstDesc::None, t);
            u.emit(Instr::Return { src: t });
            u.finish()
        };
        // __build_class__(body_fn, name, *bases, **keywords)
        let f = self.tmp();
        let bc = self.name_id("__build_class__");
        self.emit(Instr::LoadGlobal { dst: f, name: bc });
        let n = 2 + c.bases.len() + c.keywords.len();
        let start = self.tmps(n);
        self.emit_make_function(start, scope, desc, NO_REG, NO_REG);
        self.load_const(ConstDesc::Str(name.clone()), start + 1);
        for (i, b) in c.bases.iter().enumerate() {
            self.expr_to(b, start + 2 + i as Reg)?;
        }
        for (i, k) in c.keywords.iter().enumerate() {
            self.expr_to(&k.value, start + (2 + c.bases.len() + i) as Reg)?;
        }
        let t = self.tmp();
        if c.keywords.is_empty() {
            self.emit(Instr::Call {
                dst: t,
                func: f,
                start,
                n: n as u16,
            });
        } else {
            let names = c
                .keywords
                .iter()
                .map(|k| ConstDesc::Str(k.arg.as_ref().map(|a| a.to_string()).unwrap_or_default()))
                .collect();
            let kwnames = self.konst(ConstDesc::Tuple(names));
            self.emit(Instr::CallKw {
                dst: t,
                func: f,
                start,
                n: n as u16,
                kwnames,
            });
        }
        for i in (0..c.decorator_list.len()).rev() {
            let arg = self.tmp();
            self.emit(Instr::Move { dst: arg, src: t });
            self.emit(Instr::Call {
                dst: t,
                func: decos + i as Reg,
                start: arg,
                n: 1,
            });
        }
        self.store_name(&name, t);
        self.temp = mark;
        Ok(())
    }

    fn comprehension<T: Ranged>(
        &mut self,
        node: &'a T,
        dst: Reg,
        gens: &'a [ast::Comprehension],
        kind: CompKind<'a>,
        name: &str,
    ) -> CResult<()> {
        let mark = self.temp;
        let scope = self.cx.table.scope_of(node);
        let first_line = self.cx.lines.line(node.start().into());
        let qualname = self.qualname(name);
        let outer_iter = self.expr(&gens[0].iter)?;
        let desc = {
            let mut u = Unit::new(self.cx, scope, name, qualname.clone(), first_line);
            // A comprehension's children are `<listcomp>.<lambda>`, without
            // `<locals>` (CPython 3.11's compiler_set_qualname).
            u.qualprefix = qualname;
            u.line = first_line;
            u.setup_registers(&[".0".to_string()]);
            u.code.argcount = 1;
            u.code.params = vec![u.cx.interner.intern(".0")];
            if matches!(kind, CompKind::Gen(_)) {
                u.code.flags |= flags::GENERATOR;
            }
            let result = u.tmp();
            match kind {
                CompKind::List(_) => u.emit(Instr::BuildList {
                    dst: result,
                    start: 0,
                    n: 0,
                }),
                CompKind::Set(_) => u.emit(Instr::BuildSet {
                    dst: result,
                    start: 0,
                    n: 0,
                }),
                CompKind::Dict(..) => u.emit(Instr::BuildDict {
                    dst: result,
                    start: 0,
                    n: 0,
                }),
                CompKind::Gen(_) => u.emit(Instr::Nop),
            };
            u.comp_loop(gens, 0, kind, result)?;
            if matches!(kind, CompKind::Gen(_)) {
                u.load_const(ConstDesc::None, result);
            }
            u.emit(Instr::Return { src: result });
            u.finish()
        };
        let f = self.tmp();
        self.emit_make_function(f, scope, desc, NO_REG, NO_REG);
        let it = self.tmp();
        self.emit(Instr::GetIter {
            dst: it,
            src: outer_iter,
        });
        self.emit(Instr::Call {
            dst,
            func: f,
            start: it,
            n: 1,
        });
        self.temp = mark;
        Ok(())
    }

    fn comp_loop(
        &mut self,
        gens: &'a [ast::Comprehension],
        i: usize,
        kind: CompKind<'a>,
        result: Reg,
    ) -> CResult<()> {
        let g = &gens[i];
        let it = if i == 0 {
            self.local_reg(".0")
        } else {
            let src = self.expr(&g.iter)?;
            let it = self.tmp();
            self.emit(Instr::GetIter { dst: it, src });
            it
        };
        let top = self.pc();
        let item = self.tmp();
        let fi = self.emit(Instr::ForIter {
            iter: it,
            dst: item,
            exit: 0,
        });
        self.cond_depth += 1;
        self.store(&g.target, item)?;
        let mut skips = Vec::new();
        for cond in &g.ifs {
            skips.push(self.cond_jump(cond, false)?);
        }
        if i + 1 < gens.len() {
            self.comp_loop(gens, i + 1, kind, result)?;
        } else {
            let mark = self.temp;
            match kind {
                CompKind::List(e) => {
                    let v = self.expr(e)?;
                    self.emit(Instr::ListAppend {
                        list: result,
                        src: v,
                    });
                }
                CompKind::Set(e) => {
                    let v = self.expr(e)?;
                    self.emit(Instr::SetAdd {
                        set: result,
                        src: v,
                    });
                }
                CompKind::Dict(k, v) => {
                    let kr = self.expr(k)?;
                    let vr = self.expr(v)?;
                    self.emit(Instr::DictSet {
                        dict: result,
                        key: kr,
                        src: vr,
                    });
                }
                CompKind::Gen(e) => {
                    let v = self.expr(e)?;
                    let sent = self.tmp();
                    self.emit(Instr::Yield { dst: sent, src: v });
                }
            }
            self.temp = mark;
        }
        for s in skips {
            self.patch_to(s, top);
        }
        self.emit(Instr::Jump { target: top });
        self.cond_depth -= 1;
        self.patch(fi);
        Ok(())
    }
}

#[derive(Clone, Copy)]
enum CompKind<'a> {
    List(&'a Expr),
    Set(&'a Expr),
    Dict(&'a Expr, &'a Expr),
    Gen(&'a Expr),
}

struct ReturnExpr<'a>(&'a Expr);

/// The docstring of a body: its first statement when that is a string
/// literal.
fn docstring(body: &[Stmt]) -> Option<&str> {
    match body.first()? {
        Stmt::Expr(e) => match &*e.value {
            ast::Expr::Constant(c) => match &c.value {
                ast::Constant::Str(s) => Some(s.as_str()),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}

enum FunctionBody<'a> {
    Stmts(&'a [Stmt]),
    Expr(ReturnExpr<'a>),
}

/// Big-int helper so callers need not import num-bigint.
pub fn int_const(i: i64) -> ConstDesc {
    ConstDesc::Int(BigInt::from(i))
}
