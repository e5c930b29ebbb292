//! Scope analysis: decides for every name in every scope whether it is a
//! fast local, a cell (a local captured by an inner function), a free
//! variable (captured from an enclosing function), a global, or a namespace
//! name (class bodies).
//!
//! Pass 1 walks the AST and records, per scope, what is bound, declared and
//! used. Pass 2 resolves each name against the chain of enclosing scopes,
//! marking captured locals as cells and threading free variables through
//! intermediate scopes. Scopes are keyed by the address of their AST node.

use rustpython_parser::ast::{self, Expr, Stmt};
use std::collections::{HashMap, HashSet};

/// What kind of block a scope is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    Module,
    Class,
    Function,
}

/// How a name is accessed in a scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sym {
    /// A fast local in a register.
    Local,
    /// A local captured by an inner scope: the register holds a cell.
    Cell,
    /// Captured from an enclosing scope: the register holds the cell.
    Free,
    /// Explicit or implicit global (module dict, then builtins).
    Global,
    /// Looked up in the namespace dict, then globals, then builtins (class
    /// bodies, module level).
    Name,
}

/// One scope's facts and, after resolution, its symbols.
#[derive(Debug)]
pub struct Scope {
    pub kind: ScopeKind,
    pub name: String,
    pub parent: Option<usize>,
    /// Parameters in order.
    pub params: Vec<String>,
    /// Names bound in this scope, in first-binding order.
    pub bound: Vec<String>,
    bound_set: HashSet<String>,
    pub globals: HashSet<String>,
    pub nonlocals: HashSet<String>,
    /// Names read (or otherwise referenced) in this scope.
    pub used: Vec<String>,
    used_set: HashSet<String>,
    pub is_generator: bool,
    /// An `async def` body (a coroutine, or an async generator if it yields).
    pub is_async: bool,
    /// The body contains `yield` (distinguishes async generators).
    pub has_yield: bool,
    /// Resolved symbols.
    pub symbols: HashMap<String, Sym>,
    /// Captured locals, in order of capture.
    pub cells: Vec<String>,
    /// Free variables, in order.
    pub frees: Vec<String>,
    /// The class body needs a `__class__` cell (a method uses `super()`).
    pub needs_class_cell: bool,
}

impl Scope {
    fn new(kind: ScopeKind, name: &str, parent: Option<usize>) -> Scope {
        Scope {
            kind,
            name: name.to_string(),
            parent,
            params: Vec::new(),
            bound: Vec::new(),
            bound_set: HashSet::new(),
            globals: HashSet::new(),
            nonlocals: HashSet::new(),
            used: Vec::new(),
            used_set: HashSet::new(),
            is_generator: false,
            is_async: false,
            has_yield: false,
            symbols: HashMap::new(),
            cells: Vec::new(),
            frees: Vec::new(),
            needs_class_cell: false,
        }
    }

    fn bind(&mut self, n: &str) {
        if self.bound_set.insert(n.to_string()) {
            self.bound.push(n.to_string());
        }
    }

    fn use_name(&mut self, n: &str) {
        if self.used_set.insert(n.to_string()) {
            self.used.push(n.to_string());
        }
    }

    /// Is `n` bound by this function scope (not global/nonlocal)?
    fn binds_locally(&self, n: &str) -> bool {
        (self.bound_set.contains(n) || self.params.iter().any(|p| p == n))
            && !self.globals.contains(n)
            && !self.nonlocals.contains(n)
    }

    /// The resolved symbol of `n` (Global when unknown).
    pub fn sym(&self, n: &str) -> Sym {
        self.symbols.get(n).copied().unwrap_or(match self.kind {
            ScopeKind::Function => Sym::Global,
            _ => Sym::Name,
        })
    }
}

/// A syntax error found during analysis (e.g. `nonlocal` without binding).
#[derive(Debug)]
pub struct ScopeError {
    pub msg: String,
    pub offset: u32,
}

/// All scopes of a module.
pub struct SymbolTable {
    pub scopes: Vec<Scope>,
    by_node: HashMap<usize, usize>,
}

impl SymbolTable {
    /// Analyses a module body.
    pub fn build(body: &[Stmt]) -> Result<SymbolTable, ScopeError> {
        Self::build_top(body, ScopeKind::Module)
    }

    /// Analyses a body run in a namespace distinct from its globals
    /// (`exec(src, globals, locals)`): its top level resolves names like a
    /// class body (namespace, then globals, then builtins).
    pub fn build_namespace(body: &[Stmt]) -> Result<SymbolTable, ScopeError> {
        Self::build_top(body, ScopeKind::Class)
    }

    fn build_top(body: &[Stmt], top: ScopeKind) -> Result<SymbolTable, ScopeError> {
        let mut t = SymbolTable {
            scopes: vec![Scope::new(top, "<module>", None)],
            by_node: HashMap::new(),
        };
        let mut w = Walker { t: &mut t, cur: 0 };
        w.stmts(body);
        t.resolve()?;
        Ok(t)
    }

    /// The scope created by AST node `node` (function, lambda, class,
    /// comprehension).
    pub fn scope_of<T>(&self, node: &T) -> usize {
        self.by_node[&(node as *const T as usize)]
    }

    fn resolve(&mut self) -> Result<(), ScopeError> {
        for i in 0..self.scopes.len() {
            let names: Vec<String> = {
                let s = &self.scopes[i];
                let mut v: Vec<String> = s.params.clone();
                v.extend(s.bound.iter().cloned());
                v.extend(s.used.iter().cloned());
                v.extend(s.nonlocals.iter().cloned());
                v
            };
            for n in names {
                if self.scopes[i].symbols.contains_key(&n) {
                    continue;
                }
                let sym = self.resolve_name(i, &n)?;
                self.scopes[i].symbols.insert(n, sym);
            }
        }
        // Order cells: parameters first (so the prologue is deterministic).
        for s in &mut self.scopes {
            let mut cells: Vec<String> = s
                .symbols
                .iter()
                .filter(|(_, v)| **v == Sym::Cell)
                .map(|(k, _)| k.clone())
                .collect();
            cells.sort();
            s.cells = cells;
        }
        Ok(())
    }

    fn resolve_name(&mut self, i: usize, n: &str) -> Result<Sym, ScopeError> {
        let s = &self.scopes[i];
        if s.globals.contains(n) {
            return Ok(Sym::Global);
        }
        match s.kind {
            ScopeKind::Module => return Ok(Sym::Global),
            ScopeKind::Class => {
                if s.bound_set.contains(n) && !s.nonlocals.contains(n) {
                    return Ok(Sym::Name);
                }
            }
            ScopeKind::Function => {
                if s.binds_locally(n) {
                    return Ok(Sym::Local);
                }
            }
        }
        // Search enclosing function scopes (class scopes do not provide
        // bindings, except `__class__`).
        let mut path = vec![i];
        let mut p = self.scopes[i].parent;
        while let Some(pi) = p {
            let ps = &self.scopes[pi];
            let provides = match ps.kind {
                ScopeKind::Function => ps.binds_locally(n),
                ScopeKind::Class => n == "__class__",
                ScopeKind::Module => false,
            };
            if provides {
                if ps.kind == ScopeKind::Class {
                    self.scopes[pi].needs_class_cell = true;
                }
                self.scopes[pi].symbols.insert(n.to_string(), Sym::Cell);
                for &q in &path {
                    if !self.scopes[q].frees.iter().any(|f| f == n) {
                        self.scopes[q].frees.push(n.to_string());
                    }
                    if q != i {
                        self.scopes[q]
                            .symbols
                            .entry(n.to_string())
                            .or_insert(Sym::Free);
                    }
                }
                return Ok(Sym::Free);
            }
            if ps.kind == ScopeKind::Module {
                break;
            }
            path.push(pi);
            p = ps.parent;
        }
        if self.scopes[i].nonlocals.contains(n) {
            return Err(ScopeError {
                msg: format!("no binding for nonlocal '{n}' found"),
                offset: 0,
            });
        }
        Ok(match self.scopes[i].kind {
            ScopeKind::Class => Sym::Name,
            _ => Sym::Global,
        })
    }
}

struct Walker<'t> {
    t: &'t mut SymbolTable,
    cur: usize,
}

impl Walker<'_> {
    fn scope(&mut self) -> &mut Scope {
        &mut self.t.scopes[self.cur]
    }

    fn enter<T>(&mut self, node: &T, kind: ScopeKind, name: &str) -> usize {
        let id = self.t.scopes.len();
        self.t.scopes.push(Scope::new(kind, name, Some(self.cur)));
        self.t.by_node.insert(node as *const T as usize, id);
        let prev = self.cur;
        self.cur = id;
        prev
    }

    fn args(&mut self, a: &ast::Arguments) {
        for p in a.posonlyargs.iter().chain(a.args.iter()) {
            self.scope().params.push(p.def.arg.to_string());
        }
        for p in &a.kwonlyargs {
            self.scope().params.push(p.def.arg.to_string());
        }
        if let Some(v) = &a.vararg {
            self.scope().params.push(v.arg.to_string());
        }
        if let Some(k) = &a.kwarg {
            self.scope().params.push(k.arg.to_string());
        }
    }

    fn defaults(&mut self, a: &ast::Arguments) {
        for p in a
            .posonlyargs
            .iter()
            .chain(a.args.iter())
            .chain(a.kwonlyargs.iter())
        {
            if let Some(d) = &p.default {
                self.expr(d);
            }
        }
    }

    /// A `case` pattern: its value expressions are read, its capture names
    /// bound.
    fn pattern(&mut self, p: &ast::Pattern) {
        use ast::Pattern as P;
        match p {
            P::MatchValue(v) => self.expr(&v.value),
            P::MatchSingleton(_) => {}
            P::MatchSequence(s) => s.patterns.iter().for_each(|p| self.pattern(p)),
            P::MatchMapping(m) => {
                m.keys.iter().for_each(|k| self.expr(k));
                m.patterns.iter().for_each(|p| self.pattern(p));
                if let Some(r) = &m.rest {
                    self.scope().bind(r.as_str());
                }
            }
            P::MatchClass(c) => {
                self.expr(&c.cls);
                c.patterns.iter().for_each(|p| self.pattern(p));
                c.kwd_patterns.iter().for_each(|p| self.pattern(p));
            }
            P::MatchStar(s) => {
                if let Some(n) = &s.name {
                    self.scope().bind(n.as_str());
                }
            }
            P::MatchAs(a) => {
                if let Some(p) = &a.pattern {
                    self.pattern(p);
                }
                if let Some(n) = &a.name {
                    self.scope().bind(n.as_str());
                }
            }
            P::MatchOr(o) => o.patterns.iter().for_each(|p| self.pattern(p)),
        }
    }

    fn stmts(&mut self, body: &[Stmt]) {
        for s in body {
            self.stmt(s);
        }
    }

    fn stmt(&mut self, s: &Stmt) {
        match s {
            Stmt::FunctionDef(f) => {
                for d in &f.decorator_list {
                    self.expr(d);
                }
                self.defaults(&f.args);
                self.scope().bind(f.name.as_str());
                let prev = self.enter(f, ScopeKind::Function, f.name.as_str());
                self.args(&f.args);
                self.stmts(&f.body);
                self.cur = prev;
            }
            Stmt::AsyncFunctionDef(f) => {
                for d in &f.decorator_list {
                    self.expr(d);
                }
                self.defaults(&f.args);
                self.scope().bind(f.name.as_str());
                let prev = self.enter(f, ScopeKind::Function, f.name.as_str());
                // A coroutine suspends like a generator.
                self.scope().is_async = true;
                self.scope().is_generator = true;
                self.args(&f.args);
                self.stmts(&f.body);
                self.cur = prev;
            }
            Stmt::ClassDef(c) => {
                for d in &c.decorator_list {
                    self.expr(d);
                }
                for b in &c.bases {
                    self.expr(b);
                }
                for k in &c.keywords {
                    self.expr(&k.value);
                }
                self.scope().bind(c.name.as_str());
                let prev = self.enter(c, ScopeKind::Class, c.name.as_str());
                self.stmts(&c.body);
                self.cur = prev;
            }
            Stmt::Return(r) => {
                if let Some(v) = &r.value {
                    self.expr(v);
                }
            }
            Stmt::Delete(d) => {
                for t in &d.targets {
                    self.target(t);
                }
            }
            Stmt::Assign(a) => {
                self.expr(&a.value);
                for t in &a.targets {
                    self.target(t);
                }
            }
            Stmt::AugAssign(a) => {
                self.expr(&a.value);
                if let Expr::Name(n) = &*a.target {
                    self.scope().use_name(n.id.as_str());
                }
                self.target(&a.target);
            }
            Stmt::AnnAssign(a) => {
                if let Some(v) = &a.value {
                    self.expr(v);
                    self.target(&a.target);
                } else if let Expr::Name(n) = &*a.target {
                    // A bare annotation still makes the name local.
                    if self.scope().kind == ScopeKind::Function {
                        self.scope().bind(n.id.as_str());
                    }
                }
            }
            Stmt::For(f) => {
                self.expr(&f.iter);
                self.target(&f.target);
                self.stmts(&f.body);
                self.stmts(&f.orelse);
            }
            Stmt::While(w) => {
                self.expr(&w.test);
                self.stmts(&w.body);
                self.stmts(&w.orelse);
            }
            Stmt::If(i) => {
                self.expr(&i.test);
                self.stmts(&i.body);
                self.stmts(&i.orelse);
            }
            Stmt::With(w) => {
                for it in &w.items {
                    self.expr(&it.context_expr);
                    if let Some(v) = &it.optional_vars {
                        self.target(v);
                    }
                }
                self.stmts(&w.body);
            }
            Stmt::AsyncWith(w) => {
                for it in &w.items {
                    self.expr(&it.context_expr);
                    if let Some(v) = &it.optional_vars {
                        self.target(v);
                    }
                }
                self.stmts(&w.body);
            }
            Stmt::AsyncFor(f) => {
                self.expr(&f.iter);
                self.target(&f.target);
                self.stmts(&f.body);
                self.stmts(&f.orelse);
            }
            Stmt::Raise(r) => {
                if let Some(e) = &r.exc {
                    self.expr(e);
                }
                if let Some(c) = &r.cause {
                    self.expr(c);
                }
            }
            Stmt::Try(t) => {
                self.stmts(&t.body);
                for h in &t.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    if let Some(ty) = &h.type_ {
                        self.expr(ty);
                    }
                    if let Some(n) = &h.name {
                        self.scope().bind(n.as_str());
                    }
                    self.stmts(&h.body);
                }
                self.stmts(&t.orelse);
                self.stmts(&t.finalbody);
            }
            Stmt::Match(m) => {
                self.expr(&m.subject);
                for case in &m.cases {
                    self.pattern(&case.pattern);
                    if let Some(g) = &case.guard {
                        self.expr(g);
                    }
                    self.stmts(&case.body);
                }
            }
            Stmt::TryStar(_) | Stmt::TypeAlias(_) => {}
            Stmt::Assert(a) => {
                self.expr(&a.test);
                if let Some(m) = &a.msg {
                    self.expr(m);
                }
            }
            Stmt::Import(i) => {
                for a in &i.names {
                    let n = match &a.asname {
                        Some(x) => x.to_string(),
                        None => a.name.split('.').next().unwrap_or("").to_string(),
                    };
                    self.scope().bind(&n);
                }
            }
            Stmt::ImportFrom(i) => {
                for a in &i.names {
                    if a.name.as_str() == "*" {
                        continue;
                    }
                    let n = a.asname.as_ref().unwrap_or(&a.name).to_string();
                    self.scope().bind(&n);
                }
            }
            Stmt::Global(g) => {
                for n in &g.names {
                    self.scope().globals.insert(n.to_string());
                }
            }
            Stmt::Nonlocal(g) => {
                for n in &g.names {
                    self.scope().nonlocals.insert(n.to_string());
                }
            }
            Stmt::Expr(e) => self.expr(&e.value),
            Stmt::Pass(_) | Stmt::Break(_) | Stmt::Continue(_) => {}
        }
    }

    fn target(&mut self, t: &Expr) {
        match t {
            Expr::Name(n) => self.scope().bind(n.id.as_str()),
            Expr::Tuple(tu) => tu.elts.iter().for_each(|e| self.target(e)),
            Expr::List(l) => l.elts.iter().for_each(|e| self.target(e)),
            Expr::Starred(s) => self.target(&s.value),
            Expr::Attribute(a) => self.expr(&a.value),
            Expr::Subscript(s) => {
                self.expr(&s.value);
                self.expr(&s.slice);
            }
            other => self.expr(other),
        }
    }

    fn comprehension<T>(&mut self, node: &T, gens: &[ast::Comprehension], elts: &[&Expr]) {
        // The first iterable is evaluated in the enclosing scope.
        self.expr(&gens[0].iter);
        let prev = self.enter(node, ScopeKind::Function, "<comprehension>");
        self.scope().params.push(".0".to_string());
        for (i, g) in gens.iter().enumerate() {
            if i > 0 {
                self.expr(&g.iter);
            }
            self.target(&g.target);
            for c in &g.ifs {
                self.expr(c);
            }
        }
        for e in elts {
            self.expr(e);
        }
        self.cur = prev;
    }

    fn expr(&mut self, e: &Expr) {
        match e {
            Expr::BoolOp(b) => b.values.iter().for_each(|v| self.expr(v)),
            Expr::NamedExpr(n) => {
                self.expr(&n.value);
                // The walrus binds in the nearest non-comprehension scope.
                if let Expr::Name(name) = &*n.target {
                    let mut s = self.cur;
                    while self.t.scopes[s].name == "<comprehension>" {
                        s = self.t.scopes[s].parent.unwrap_or(0);
                    }
                    self.t.scopes[s].bind(name.id.as_str());
                    if s != self.cur {
                        self.t.scopes[s].use_name(name.id.as_str());
                        self.scope().nonlocals.insert(name.id.to_string());
                        if self.t.scopes[s].kind == ScopeKind::Module {
                            self.scope().nonlocals.remove(name.id.as_str());
                            self.scope().globals.insert(name.id.to_string());
                        }
                    }
                }
            }
            Expr::BinOp(b) => {
                self.expr(&b.left);
                self.expr(&b.right);
            }
            Expr::UnaryOp(u) => self.expr(&u.operand),
            Expr::Lambda(l) => {
                self.defaults(&l.args);
                let prev = self.enter(l, ScopeKind::Function, "<lambda>");
                self.args(&l.args);
                self.expr(&l.body);
                self.cur = prev;
            }
            Expr::IfExp(i) => {
                self.expr(&i.test);
                self.expr(&i.body);
                self.expr(&i.orelse);
            }
            Expr::Dict(d) => {
                for k in d.keys.iter().flatten() {
                    self.expr(k);
                }
                d.values.iter().for_each(|v| self.expr(v));
            }
            Expr::Set(s) => s.elts.iter().for_each(|v| self.expr(v)),
            Expr::ListComp(c) => self.comprehension(c, &c.generators, &[&c.elt]),
            Expr::SetComp(c) => self.comprehension(c, &c.generators, &[&c.elt]),
            Expr::GeneratorExp(c) => {
                self.comprehension(c, &c.generators, &[&c.elt]);
                let id = self.t.scope_of(c);
                self.t.scopes[id].is_generator = true;
            }
            Expr::DictComp(c) => self.comprehension(c, &c.generators, &[&c.key, &c.value]),
            Expr::Await(a) => self.expr(&a.value),
            Expr::Yield(y) => {
                self.scope().is_generator = true;
                self.scope().has_yield = true;
                if let Some(v) = &y.value {
                    self.expr(v);
                }
            }
            Expr::YieldFrom(y) => {
                self.scope().is_generator = true;
                self.scope().has_yield = true;
                self.expr(&y.value);
            }
            Expr::Compare(c) => {
                self.expr(&c.left);
                c.comparators.iter().for_each(|v| self.expr(v));
            }
            Expr::Call(c) => {
                if let Expr::Name(n) = &*c.func
                    && n.id.as_str() == "super"
                    && c.args.is_empty()
                {
                    self.scope().use_name("__class__");
                }
                self.expr(&c.func);
                c.args.iter().for_each(|v| self.expr(v));
                c.keywords.iter().for_each(|k| self.expr(&k.value));
            }
            Expr::FormattedValue(f) => {
                self.expr(&f.value);
                if let Some(s) = &f.format_spec {
                    self.expr(s);
                }
            }
            Expr::JoinedStr(j) => j.values.iter().for_each(|v| self.expr(v)),
            Expr::Constant(_) => {}
            Expr::Attribute(a) => self.expr(&a.value),
            Expr::Subscript(s) => {
                self.expr(&s.value);
                self.expr(&s.slice);
            }
            Expr::Starred(s) => self.expr(&s.value),
            Expr::Name(n) => match n.ctx {
                ast::ExprContext::Load => self.scope().use_name(n.id.as_str()),
                _ => self.scope().bind(n.id.as_str()),
            },
            Expr::List(l) => l.elts.iter().for_each(|v| self.expr(v)),
            Expr::Tuple(t) => t.elts.iter().for_each(|v| self.expr(v)),
            Expr::Slice(s) => {
                for x in [&s.lower, &s.upper, &s.step].into_iter().flatten() {
                    self.expr(x);
                }
            }
        }
    }
}
