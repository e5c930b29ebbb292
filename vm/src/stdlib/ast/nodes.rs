//! Converts the parser's tree into `_ast` node instances, CPython 3.11's
//! shapes and position attributes (1-based lines, 0-based UTF-8 byte
//! columns).
//!
//! Rooting: every conversion pushes its result onto the VM stack. A node's
//! fields are pushed in `_fields` order above a mark, then the instance is
//! made, the fields stored, the stack cut back to the mark and the node
//! pushed in their place; so every partial result is a root while later
//! siblings allocate.

use crate::compiler::{LineIndex, SyntaxError};
use crate::object::Kind;
use crate::value::Value;
use crate::vm::{PyResult, Vm};
use gc_api::Heap;
use rustc_hash::FxHashMap;
use rustpython_parser::ast::{self, Constant, Ranged};
use rustpython_parser::text_size::TextRange;

/// The `_ast` classes the conversion instantiates.
const CLASSES: &[&str] = &[
    "Module",
    "Interactive",
    "Expression",
    "FunctionDef",
    "AsyncFunctionDef",
    "ClassDef",
    "Return",
    "Delete",
    "Assign",
    "AugAssign",
    "AnnAssign",
    "For",
    "AsyncFor",
    "While",
    "If",
    "With",
    "AsyncWith",
    "Match",
    "Raise",
    "Try",
    "TryStar",
    "Assert",
    "Import",
    "ImportFrom",
    "Global",
    "Nonlocal",
    "Expr",
    "Pass",
    "Break",
    "Continue",
    "BoolOp",
    "NamedExpr",
    "BinOp",
    "UnaryOp",
    "Lambda",
    "IfExp",
    "Dict",
    "Set",
    "ListComp",
    "SetComp",
    "DictComp",
    "GeneratorExp",
    "Await",
    "Yield",
    "YieldFrom",
    "Compare",
    "Call",
    "FormattedValue",
    "JoinedStr",
    "Constant",
    "Attribute",
    "Subscript",
    "Starred",
    "Name",
    "List",
    "Tuple",
    "Slice",
    "comprehension",
    "ExceptHandler",
    "arguments",
    "arg",
    "keyword",
    "alias",
    "withitem",
    "match_case",
    "MatchValue",
    "MatchSingleton",
    "MatchSequence",
    "MatchMapping",
    "MatchClass",
    "MatchStar",
    "MatchAs",
    "MatchOr",
];

/// The field-less classes (contexts and operators): CPython shares one
/// instance of each, and so does the conversion.
const SINGLETONS: &[&str] = &[
    "Load", "Store", "Del", "And", "Or", "Add", "Sub", "Mult", "MatMult", "Div", "Mod", "Pow",
    "LShift", "RShift", "BitOr", "BitXor", "BitAnd", "FloorDiv", "Invert", "Not", "UAdd", "USub",
    "Eq", "NotEq", "Lt", "LtE", "Gt", "GtE", "Is", "IsNot", "In", "NotIn",
];

/// One conversion: the VM, the source's line index, and the stack slots
/// holding each `_ast` class (or shared instance), looked up once.
pub(crate) struct Builder<'v, H: Heap> {
    vm: &'v mut Vm<H>,
    lines: LineIndex,
    filename: String,
    slots: FxHashMap<&'static str, usize>,
}

impl<'v, H: Heap> Builder<'v, H> {
    /// Imports `_ast` and roots its classes and shared instances.
    pub(crate) fn new(vm: &'v mut Vm<H>, lines: LineIndex, filename: &str) -> PyResult<Self> {
        let module = vm.import_module("_ast")?;
        let ms = vm.push(module);
        let mut slots = FxHashMap::default();
        for &name in CLASSES.iter().chain(SINGLETONS) {
            let sym = vm.intern(name);
            let cls = vm.getattr(vm.st(ms), sym)?;
            let slot = vm.push(cls);
            if SINGLETONS.contains(&name) {
                let inst = vm.new_instance(vm.st(slot))?;
                vm.set_st(slot, inst);
            }
            slots.insert(name, slot);
        }
        Ok(Builder {
            vm,
            lines,
            filename: filename.to_string(),
            slots,
        })
    }

    /// The stack top: where the next pushed value goes.
    fn mark(&self) -> usize {
        self.vm.rt.sp
    }

    /// Makes a `class` node from the values at `stack[mark..]` (one per
    /// name in `fields`), with the positions of `range` if given, and
    /// leaves it alone at `stack[mark]`.
    fn finish(
        &mut self,
        class: &str,
        fields: &[&str],
        mark: usize,
        range: Option<TextRange>,
    ) -> PyResult<()> {
        debug_assert_eq!(self.mark(), mark + fields.len());
        let node = self.vm.new_instance(self.vm.st(self.slots[class]))?;
        let ns = self.vm.push(node);
        for (i, name) in fields.iter().enumerate() {
            let sym = self.vm.intern(name);
            self.vm.setattr(self.vm.st(ns), sym, self.vm.st(mark + i))?;
        }
        if let Some(r) = range {
            self.set_positions(ns, r)?;
        }
        let node = self.vm.st(ns);
        self.vm.truncate(mark);
        self.vm.push(node);
        Ok(())
    }

    /// Sets the position attributes of the node at `stack[slot]` to `r`.
    fn set_positions(&mut self, slot: usize, r: TextRange) -> PyResult<()> {
        let (line, col) = self.lines.line_col(r.start().into());
        let (end_line, end_col) = self.lines.line_col(r.end().into());
        for (name, v) in [
            ("lineno", line),
            ("col_offset", col - 1),
            ("end_lineno", end_line),
            ("end_col_offset", end_col - 1),
        ] {
            let sym = self.vm.intern(name);
            self.vm
                .setattr(self.vm.st(slot), sym, Value::int(v as i64))?;
        }
        Ok(())
    }

    /// Pushes the shared instance of a field-less class.
    fn singleton(&mut self, class: &str) {
        let v = self.vm.st(self.slots[class]);
        self.vm.push(v);
    }

    /// Pushes a list of the conversions of `items`.
    fn list<T>(
        &mut self,
        items: &[T],
        mut each: impl FnMut(&mut Self, &T) -> PyResult<()>,
    ) -> PyResult<()> {
        let mark = self.mark();
        for item in items {
            each(self, item)?;
        }
        let list = self.vm.list_from_stack(mark, items.len())?;
        self.vm.truncate(mark);
        self.vm.push(list);
        Ok(())
    }

    /// Pushes a str.
    fn str(&mut self, s: &str) -> PyResult<()> {
        let v = self.vm.new_str(s)?;
        self.vm.push(v);
        Ok(())
    }

    /// Pushes a str, or None.
    fn opt_str(&mut self, s: Option<&str>) -> PyResult<()> {
        match s {
            Some(s) => self.str(s),
            None => {
                self.vm.push(Value::NONE);
                Ok(())
            }
        }
    }

    /// Pushes an int.
    fn int(&mut self, i: i64) {
        self.vm.push(Value::int(i));
    }

    /// Pushes the conversion of an optional expression, or None.
    fn opt_expr(&mut self, e: Option<&ast::Expr>) -> PyResult<()> {
        match e {
            Some(e) => self.expr(e),
            None => {
                self.vm.push(Value::NONE);
                Ok(())
            }
        }
    }

    /// Pushes a list of expressions.
    fn exprs(&mut self, es: &[ast::Expr]) -> PyResult<()> {
        self.list(es, |b, e| b.expr(e))
    }

    /// Pushes a list of statements.
    fn stmts(&mut self, ss: &[ast::Stmt]) -> PyResult<()> {
        self.list(ss, |b, s| b.stmt(s))
    }

    /// Pushes a list of identifiers as strs.
    fn names(&mut self, ns: &[ast::Identifier]) -> PyResult<()> {
        self.list(ns, |b, n| b.str(n.as_str()))
    }

    /// The SyntaxError for syntax newer than Python 3.11 that the parser
    /// accepts (type parameters, `type` statements).
    fn too_new(&mut self, at: TextRange) -> crate::vm::Exc {
        let (line, column) = self.lines.line_col(at.start().into());
        let err = SyntaxError {
            msg: "invalid syntax".to_string(),
            filename: self.filename.clone(),
            line,
            column,
            text: self
                .lines
                .text(at.start().into(), at.end().into())
                .to_string(),
        };
        self.vm.raise_syntax_error(&err)
    }

    /// Converts the whole tree; returns the root node.
    pub(crate) fn module(&mut self, tree: &ast::Mod) -> PyResult {
        let mark = self.mark();
        match tree {
            ast::Mod::Module(m) => {
                self.stmts(&m.body)?;
                self.list(&m.type_ignores, |_, _| Ok(()))?;
                self.finish("Module", &["body", "type_ignores"], mark, None)?;
            }
            ast::Mod::Interactive(m) => {
                self.stmts(&m.body)?;
                self.finish("Interactive", &["body"], mark, None)?;
            }
            ast::Mod::Expression(m) => {
                self.expr(&m.body)?;
                self.finish("Expression", &["body"], mark, None)?;
            }
            ast::Mod::FunctionType(_) => {
                return Err(self
                    .vm
                    .value_error("heaplab: compile() mode 'func_type' is not supported"));
            }
        }
        Ok(self.vm.st(mark))
    }

    /// Pushes a statement node.
    fn stmt(&mut self, s: &ast::Stmt) -> PyResult<()> {
        use ast::Stmt as S;
        let mark = self.mark();
        let r = Some(s.range());
        match s {
            S::FunctionDef(f) => {
                if !f.type_params.is_empty() {
                    return Err(self.too_new(s.range()));
                }
                self.function(
                    "FunctionDef",
                    &f.name,
                    &f.args,
                    &f.body,
                    &f.decorator_list,
                    f.returns.as_deref(),
                    mark,
                    s.range(),
                )
            }
            S::AsyncFunctionDef(f) => {
                if !f.type_params.is_empty() {
                    return Err(self.too_new(s.range()));
                }
                self.function(
                    "AsyncFunctionDef",
                    &f.name,
                    &f.args,
                    &f.body,
                    &f.decorator_list,
                    f.returns.as_deref(),
                    mark,
                    s.range(),
                )
            }
            S::ClassDef(c) => {
                if !c.type_params.is_empty() {
                    return Err(self.too_new(s.range()));
                }
                self.str(c.name.as_str())?;
                self.exprs(&c.bases)?;
                self.list(&c.keywords, |b, k| b.keyword(k))?;
                self.stmts(&c.body)?;
                self.exprs(&c.decorator_list)?;
                let fields = ["name", "bases", "keywords", "body", "decorator_list"];
                self.finish("ClassDef", &fields, mark, r)
            }
            S::Return(x) => {
                self.opt_expr(x.value.as_deref())?;
                self.finish("Return", &["value"], mark, r)
            }
            S::Delete(x) => {
                self.exprs(&x.targets)?;
                self.finish("Delete", &["targets"], mark, r)
            }
            S::Assign(x) => {
                self.exprs(&x.targets)?;
                self.expr(&x.value)?;
                self.opt_str(x.type_comment.as_deref())?;
                self.finish("Assign", &["targets", "value", "type_comment"], mark, r)
            }
            S::TypeAlias(_) => Err(self.too_new(s.range())),
            S::AugAssign(x) => {
                self.expr(&x.target)?;
                self.operator(x.op);
                self.expr(&x.value)?;
                self.finish("AugAssign", &["target", "op", "value"], mark, r)
            }
            S::AnnAssign(x) => {
                self.expr(&x.target)?;
                self.expr(&x.annotation)?;
                self.opt_expr(x.value.as_deref())?;
                self.int(x.simple as i64);
                let fields = ["target", "annotation", "value", "simple"];
                self.finish("AnnAssign", &fields, mark, r)
            }
            S::For(x) => self.for_loop("For", &x.target, &x.iter, &x.body, &x.orelse, mark, r),
            S::AsyncFor(x) => {
                self.for_loop("AsyncFor", &x.target, &x.iter, &x.body, &x.orelse, mark, r)
            }
            S::While(x) => {
                self.expr(&x.test)?;
                self.stmts(&x.body)?;
                self.stmts(&x.orelse)?;
                self.finish("While", &["test", "body", "orelse"], mark, r)
            }
            S::If(x) => {
                self.expr(&x.test)?;
                self.stmts(&x.body)?;
                self.stmts(&x.orelse)?;
                self.finish("If", &["test", "body", "orelse"], mark, r)
            }
            S::With(x) => self.with("With", &x.items, &x.body, mark, r),
            S::AsyncWith(x) => self.with("AsyncWith", &x.items, &x.body, mark, r),
            S::Match(x) => {
                self.expr(&x.subject)?;
                self.list(&x.cases, |b, c| b.match_case(c))?;
                self.finish("Match", &["subject", "cases"], mark, r)
            }
            S::Raise(x) => {
                self.opt_expr(x.exc.as_deref())?;
                self.opt_expr(x.cause.as_deref())?;
                self.finish("Raise", &["exc", "cause"], mark, r)
            }
            S::Try(x) => self.try_stmt("Try", &x.body, &x.handlers, &x.orelse, &x.finalbody, r),
            S::TryStar(x) => {
                self.try_stmt("TryStar", &x.body, &x.handlers, &x.orelse, &x.finalbody, r)
            }
            S::Assert(x) => {
                self.expr(&x.test)?;
                self.opt_expr(x.msg.as_deref())?;
                self.finish("Assert", &["test", "msg"], mark, r)
            }
            S::Import(x) => {
                self.list(&x.names, |b, a| b.alias(a))?;
                self.finish("Import", &["names"], mark, r)
            }
            S::ImportFrom(x) => {
                self.opt_str(x.module.as_ref().map(|m| m.as_str()))?;
                self.list(&x.names, |b, a| b.alias(a))?;
                self.int(x.level.map_or(0, |l| l.to_u32() as i64));
                self.finish("ImportFrom", &["module", "names", "level"], mark, r)
            }
            S::Global(x) => {
                self.names(&x.names)?;
                self.finish("Global", &["names"], mark, r)
            }
            S::Nonlocal(x) => {
                self.names(&x.names)?;
                self.finish("Nonlocal", &["names"], mark, r)
            }
            S::Expr(x) => {
                self.expr(&x.value)?;
                self.finish("Expr", &["value"], mark, r)
            }
            S::Pass(_) => self.finish("Pass", &[], mark, r),
            S::Break(_) => self.finish("Break", &[], mark, r),
            S::Continue(_) => self.finish("Continue", &[], mark, r),
        }
    }

    /// Pushes a `FunctionDef` or `AsyncFunctionDef`.
    #[allow(clippy::too_many_arguments)]
    fn function(
        &mut self,
        class: &str,
        name: &ast::Identifier,
        args: &ast::Arguments,
        body: &[ast::Stmt],
        decorators: &[ast::Expr],
        returns: Option<&ast::Expr>,
        mark: usize,
        range: TextRange,
    ) -> PyResult<()> {
        self.str(name.as_str())?;
        self.arguments(args)?;
        self.stmts(body)?;
        self.exprs(decorators)?;
        self.opt_expr(returns)?;
        self.vm.push(Value::NONE);
        let fields = [
            "name",
            "args",
            "body",
            "decorator_list",
            "returns",
            "type_comment",
        ];
        self.finish(class, &fields, mark, Some(range))
    }

    /// Pushes a `For` or `AsyncFor`.
    #[allow(clippy::too_many_arguments)]
    fn for_loop(
        &mut self,
        class: &str,
        target: &ast::Expr,
        iter: &ast::Expr,
        body: &[ast::Stmt],
        orelse: &[ast::Stmt],
        mark: usize,
        range: Option<TextRange>,
    ) -> PyResult<()> {
        self.expr(target)?;
        self.expr(iter)?;
        self.stmts(body)?;
        self.stmts(orelse)?;
        self.vm.push(Value::NONE);
        let fields = ["target", "iter", "body", "orelse", "type_comment"];
        self.finish(class, &fields, mark, range)
    }

    /// Pushes a `With` or `AsyncWith`.
    fn with(
        &mut self,
        class: &str,
        items: &[ast::WithItem],
        body: &[ast::Stmt],
        mark: usize,
        range: Option<TextRange>,
    ) -> PyResult<()> {
        self.list(items, |b, item| {
            let m = b.mark();
            b.expr(&item.context_expr)?;
            b.opt_expr(item.optional_vars.as_deref())?;
            b.finish("withitem", &["context_expr", "optional_vars"], m, None)
        })?;
        self.stmts(body)?;
        self.vm.push(Value::NONE);
        self.finish(class, &["items", "body", "type_comment"], mark, range)
    }

    /// Pushes a `Try` or `TryStar`.
    fn try_stmt(
        &mut self,
        class: &str,
        body: &[ast::Stmt],
        handlers: &[ast::ExceptHandler],
        orelse: &[ast::Stmt],
        finalbody: &[ast::Stmt],
        range: Option<TextRange>,
    ) -> PyResult<()> {
        let mark = self.mark();
        self.stmts(body)?;
        self.list(handlers, |b, h| {
            let ast::ExceptHandler::ExceptHandler(h) = h;
            let m = b.mark();
            b.opt_expr(h.type_.as_deref())?;
            b.opt_str(h.name.as_ref().map(|n| n.as_str()))?;
            b.stmts(&h.body)?;
            b.finish("ExceptHandler", &["type", "name", "body"], m, Some(h.range))
        })?;
        self.stmts(orelse)?;
        self.stmts(finalbody)?;
        let fields = ["body", "handlers", "orelse", "finalbody"];
        self.finish(class, &fields, mark, range)
    }

    /// Pushes an `alias`.
    fn alias(&mut self, a: &ast::Alias) -> PyResult<()> {
        let mark = self.mark();
        self.str(a.name.as_str())?;
        self.opt_str(a.asname.as_ref().map(|n| n.as_str()))?;
        self.finish("alias", &["name", "asname"], mark, Some(a.range))
    }

    /// Pushes a `keyword`.
    fn keyword(&mut self, k: &ast::Keyword) -> PyResult<()> {
        let mark = self.mark();
        self.opt_str(k.arg.as_ref().map(|n| n.as_str()))?;
        self.expr(&k.value)?;
        self.finish("keyword", &["arg", "value"], mark, Some(k.range))
    }

    /// Pushes an `arg`.
    fn arg(&mut self, a: &ast::Arg) -> PyResult<()> {
        let mark = self.mark();
        self.str(a.arg.as_str())?;
        self.opt_expr(a.annotation.as_deref())?;
        self.opt_str(a.type_comment.as_deref())?;
        self.finish(
            "arg",
            &["arg", "annotation", "type_comment"],
            mark,
            Some(a.range),
        )
    }

    /// Pushes an `arguments`: the parser pairs each parameter with its
    /// default; CPython lists the defaults of the positional parameters
    /// apart, and one entry (or None) per keyword-only parameter.
    fn arguments(&mut self, a: &ast::Arguments) -> PyResult<()> {
        let mark = self.mark();
        self.list(&a.posonlyargs, |b, p| b.arg(&p.def))?;
        self.list(&a.args, |b, p| b.arg(&p.def))?;
        match &a.vararg {
            Some(v) => self.arg(v)?,
            None => {
                self.vm.push(Value::NONE);
            }
        }
        self.list(&a.kwonlyargs, |b, p| b.arg(&p.def))?;
        self.list(&a.kwonlyargs, |b, p| b.opt_expr(p.default.as_deref()))?;
        match &a.kwarg {
            Some(v) => self.arg(v)?,
            None => {
                self.vm.push(Value::NONE);
            }
        }
        let defaults: Vec<&ast::Expr> = a
            .posonlyargs
            .iter()
            .chain(&a.args)
            .filter_map(|p| p.default.as_deref())
            .collect();
        self.list(&defaults, |b, d| b.expr(d))?;
        let fields = [
            "posonlyargs",
            "args",
            "vararg",
            "kwonlyargs",
            "kw_defaults",
            "kwarg",
            "defaults",
        ];
        self.finish("arguments", &fields, mark, None)
    }

    /// Pushes a `comprehension`.
    fn comprehension(&mut self, c: &ast::Comprehension) -> PyResult<()> {
        let mark = self.mark();
        self.expr(&c.target)?;
        self.expr(&c.iter)?;
        self.exprs(&c.ifs)?;
        self.int(c.is_async as i64);
        let fields = ["target", "iter", "ifs", "is_async"];
        self.finish("comprehension", &fields, mark, None)
    }

    /// Pushes a list of comprehensions.
    fn generators(&mut self, gs: &[ast::Comprehension]) -> PyResult<()> {
        self.list(gs, |b, c| b.comprehension(c))
    }

    /// Pushes the shared instance of an expression context.
    fn ctx(&mut self, c: ast::ExprContext) {
        self.singleton(match c {
            ast::ExprContext::Load => "Load",
            ast::ExprContext::Store => "Store",
            ast::ExprContext::Del => "Del",
        });
    }

    /// Pushes the shared instance of a binary operator.
    fn operator(&mut self, op: ast::Operator) {
        use ast::Operator as O;
        self.singleton(match op {
            O::Add => "Add",
            O::Sub => "Sub",
            O::Mult => "Mult",
            O::MatMult => "MatMult",
            O::Div => "Div",
            O::Mod => "Mod",
            O::Pow => "Pow",
            O::LShift => "LShift",
            O::RShift => "RShift",
            O::BitOr => "BitOr",
            O::BitXor => "BitXor",
            O::BitAnd => "BitAnd",
            O::FloorDiv => "FloorDiv",
        });
    }

    /// Pushes the shared instance of a comparison operator.
    fn cmpop(&mut self, op: &ast::CmpOp) {
        use ast::CmpOp as C;
        self.singleton(match op {
            C::Eq => "Eq",
            C::NotEq => "NotEq",
            C::Lt => "Lt",
            C::LtE => "LtE",
            C::Gt => "Gt",
            C::GtE => "GtE",
            C::Is => "Is",
            C::IsNot => "IsNot",
            C::In => "In",
            C::NotIn => "NotIn",
        });
    }

    /// Pushes a constant's value.
    fn constant(&mut self, c: &Constant) -> PyResult<()> {
        let v = match c {
            Constant::None => Value::NONE,
            Constant::Bool(b) => Value::bool(*b),
            Constant::Ellipsis => Value::ELLIPSIS,
            Constant::Str(s) => self.vm.new_str(s)?,
            Constant::Bytes(b) => self.vm.new_bytes_kind(Kind::Bytes, b)?,
            Constant::Int(i) => self.vm.new_int(i.clone())?,
            Constant::Float(f) => self.vm.new_float(*f)?,
            Constant::Complex { real, imag } => {
                crate::builtins::complex::new_complex(self.vm, (*real, *imag))?
            }
            Constant::Tuple(items) => {
                let mark = self.mark();
                for item in items {
                    self.constant(item)?;
                }
                let t = self.vm.tuple_from_stack(mark, items.len())?;
                self.vm.truncate(mark);
                t
            }
        };
        self.vm.push(v);
        Ok(())
    }

    /// Pushes an expression node.
    fn expr(&mut self, e: &ast::Expr) -> PyResult<()> {
        use ast::Expr as E;
        let mark = self.mark();
        let r = Some(e.range());
        match e {
            E::BoolOp(x) => {
                self.singleton(match x.op {
                    ast::BoolOp::And => "And",
                    ast::BoolOp::Or => "Or",
                });
                self.exprs(&x.values)?;
                self.finish("BoolOp", &["op", "values"], mark, r)
            }
            E::NamedExpr(x) => {
                self.expr(&x.target)?;
                self.expr(&x.value)?;
                self.finish("NamedExpr", &["target", "value"], mark, r)
            }
            E::BinOp(x) => {
                self.expr(&x.left)?;
                self.operator(x.op);
                self.expr(&x.right)?;
                self.finish("BinOp", &["left", "op", "right"], mark, r)
            }
            E::UnaryOp(x) => {
                self.singleton(match x.op {
                    ast::UnaryOp::Invert => "Invert",
                    ast::UnaryOp::Not => "Not",
                    ast::UnaryOp::UAdd => "UAdd",
                    ast::UnaryOp::USub => "USub",
                });
                self.expr(&x.operand)?;
                self.finish("UnaryOp", &["op", "operand"], mark, r)
            }
            E::Lambda(x) => {
                self.arguments(&x.args)?;
                self.expr(&x.body)?;
                self.finish("Lambda", &["args", "body"], mark, r)
            }
            E::IfExp(x) => {
                self.expr(&x.test)?;
                self.expr(&x.body)?;
                self.expr(&x.orelse)?;
                self.finish("IfExp", &["test", "body", "orelse"], mark, r)
            }
            E::Dict(x) => {
                self.list(&x.keys, |b, k| b.opt_expr(k.as_ref()))?;
                self.exprs(&x.values)?;
                self.finish("Dict", &["keys", "values"], mark, r)
            }
            E::Set(x) => {
                self.exprs(&x.elts)?;
                self.finish("Set", &["elts"], mark, r)
            }
            E::ListComp(x) => {
                self.expr(&x.elt)?;
                self.generators(&x.generators)?;
                self.finish("ListComp", &["elt", "generators"], mark, r)
            }
            E::SetComp(x) => {
                self.expr(&x.elt)?;
                self.generators(&x.generators)?;
                self.finish("SetComp", &["elt", "generators"], mark, r)
            }
            E::DictComp(x) => {
                self.expr(&x.key)?;
                self.expr(&x.value)?;
                self.generators(&x.generators)?;
                self.finish("DictComp", &["key", "value", "generators"], mark, r)
            }
            E::GeneratorExp(x) => {
                self.expr(&x.elt)?;
                self.generators(&x.generators)?;
                self.finish("GeneratorExp", &["elt", "generators"], mark, r)
            }
            E::Await(x) => {
                self.expr(&x.value)?;
                self.finish("Await", &["value"], mark, r)
            }
            E::Yield(x) => {
                self.opt_expr(x.value.as_deref())?;
                self.finish("Yield", &["value"], mark, r)
            }
            E::YieldFrom(x) => {
                self.expr(&x.value)?;
                self.finish("YieldFrom", &["value"], mark, r)
            }
            E::Compare(x) => {
                self.expr(&x.left)?;
                self.list(&x.ops, |b, op| {
                    b.cmpop(op);
                    Ok(())
                })?;
                self.exprs(&x.comparators)?;
                self.finish("Compare", &["left", "ops", "comparators"], mark, r)
            }
            E::Call(x) => {
                self.expr(&x.func)?;
                self.exprs(&x.args)?;
                self.bare_generator_argument(x)?;
                self.list(&x.keywords, |b, k| b.keyword(k))?;
                self.finish("Call", &["func", "args", "keywords"], mark, r)
            }
            E::FormattedValue(x) => {
                self.expr(&x.value)?;
                self.int(x.conversion as i8 as i64);
                self.opt_expr(x.format_spec.as_deref())?;
                let fields = ["value", "conversion", "format_spec"];
                self.finish("FormattedValue", &fields, mark, r)
            }
            E::JoinedStr(x) => {
                self.exprs(&x.values)?;
                self.finish("JoinedStr", &["values"], mark, r)
            }
            E::Constant(x) => {
                self.constant(&x.value)?;
                self.opt_str(x.kind.as_deref())?;
                self.finish("Constant", &["value", "kind"], mark, r)
            }
            E::Attribute(x) => {
                self.expr(&x.value)?;
                self.str(x.attr.as_str())?;
                self.ctx(x.ctx);
                self.finish("Attribute", &["value", "attr", "ctx"], mark, r)
            }
            E::Subscript(x) => {
                self.expr(&x.value)?;
                self.expr(&x.slice)?;
                self.ctx(x.ctx);
                self.finish("Subscript", &["value", "slice", "ctx"], mark, r)
            }
            E::Starred(x) => {
                self.expr(&x.value)?;
                self.ctx(x.ctx);
                self.finish("Starred", &["value", "ctx"], mark, r)
            }
            E::Name(x) => {
                self.str(x.id.as_str())?;
                self.ctx(x.ctx);
                self.finish("Name", &["id", "ctx"], mark, r)
            }
            E::List(x) => {
                self.exprs(&x.elts)?;
                self.ctx(x.ctx);
                self.finish("List", &["elts", "ctx"], mark, r)
            }
            E::Tuple(x) => {
                self.exprs(&x.elts)?;
                self.ctx(x.ctx);
                self.finish("Tuple", &["elts", "ctx"], mark, r)
            }
            E::Slice(x) => {
                self.opt_expr(x.lower.as_deref())?;
                self.opt_expr(x.upper.as_deref())?;
                self.opt_expr(x.step.as_deref())?;
                self.finish("Slice", &["lower", "upper", "step"], mark, r)
            }
        }
    }

    /// CPython spans a call's sole, unparenthesized generator argument
    /// (`f(x for x in y)`) over the call's parentheses; the parser spans
    /// just the expression. Fixes the positions of that argument in the
    /// args list on the stack top.
    fn bare_generator_argument(&mut self, call: &ast::ExprCall) -> PyResult<()> {
        let [arg @ ast::Expr::GeneratorExp(_)] = call.args.as_slice() else {
            return Ok(());
        };
        if !call.keywords.is_empty()
            || self
                .lines
                .text(arg.start().into(), arg.end().into())
                .starts_with('(')
        {
            return Ok(());
        }
        let opening = self.lines.text(call.func.end().into(), arg.start().into());
        let Some(paren) = opening.rfind('(') else {
            return Ok(());
        };
        let start = u32::from(call.func.end()) + paren as u32;
        let span = TextRange::new(start.into(), call.end());
        let node = Vm::<H>::list_get(self.vm.st(self.mark() - 1), 0);
        let slot = self.vm.push(node);
        self.set_positions(slot, span)?;
        self.vm.truncate(slot);
        Ok(())
    }

    /// Pushes a `match_case`.
    fn match_case(&mut self, c: &ast::MatchCase) -> PyResult<()> {
        let mark = self.mark();
        self.pattern(&c.pattern)?;
        self.opt_expr(c.guard.as_deref())?;
        self.stmts(&c.body)?;
        self.finish("match_case", &["pattern", "guard", "body"], mark, None)
    }

    /// Pushes a list of patterns.
    fn patterns(&mut self, ps: &[ast::Pattern]) -> PyResult<()> {
        self.list(ps, |b, p| b.pattern(p))
    }

    /// Pushes a pattern node.
    fn pattern(&mut self, p: &ast::Pattern) -> PyResult<()> {
        use ast::Pattern as P;
        let mark = self.mark();
        let r = Some(p.range());
        match p {
            P::MatchValue(x) => {
                self.expr(&x.value)?;
                self.finish("MatchValue", &["value"], mark, r)
            }
            P::MatchSingleton(x) => {
                self.constant(&x.value)?;
                self.finish("MatchSingleton", &["value"], mark, r)
            }
            P::MatchSequence(x) => {
                self.patterns(&x.patterns)?;
                self.finish("MatchSequence", &["patterns"], mark, r)
            }
            P::MatchMapping(x) => {
                self.exprs(&x.keys)?;
                self.patterns(&x.patterns)?;
                self.opt_str(x.rest.as_ref().map(|n| n.as_str()))?;
                self.finish("MatchMapping", &["keys", "patterns", "rest"], mark, r)
            }
            P::MatchClass(x) => {
                self.expr(&x.cls)?;
                self.patterns(&x.patterns)?;
                self.names(&x.kwd_attrs)?;
                self.patterns(&x.kwd_patterns)?;
                let fields = ["cls", "patterns", "kwd_attrs", "kwd_patterns"];
                self.finish("MatchClass", &fields, mark, r)
            }
            P::MatchStar(x) => {
                self.opt_str(x.name.as_ref().map(|n| n.as_str()))?;
                self.finish("MatchStar", &["name"], mark, r)
            }
            P::MatchAs(x) => {
                match &x.pattern {
                    Some(inner) => self.pattern(inner)?,
                    None => {
                        self.vm.push(Value::NONE);
                    }
                }
                self.opt_str(x.name.as_ref().map(|n| n.as_str()))?;
                self.finish("MatchAs", &["pattern", "name"], mark, r)
            }
            P::MatchOr(x) => {
                self.patterns(&x.patterns)?;
                self.finish("MatchOr", &["patterns"], mark, r)
            }
        }
    }
}
