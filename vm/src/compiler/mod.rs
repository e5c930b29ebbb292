//! The front end: source → AST (rustpython-parser, behind [`parse`]) →
//! scope analysis ([`symtable`]) → register bytecode ([`codegen`]).
//!
//! The compiler knows nothing of the heap: constants come out as
//! [`ConstDesc`] descriptions, which the VM materialises into heap objects
//! when it loads the code.

pub mod codegen;
pub mod symtable;

use crate::bytecode::{Handler, Instr, Reg};
use num_bigint::BigInt;
use rustpython_parser::ast;

/// A compile-time constant, materialised by the VM.
#[derive(Clone, Debug, PartialEq)]
pub enum ConstDesc {
    None,
    Bool(bool),
    Int(BigInt),
    Float(f64),
    /// A complex literal (`2j`) or folded `-2j`: (real, imag).
    Complex(f64, f64),
    Str(String),
    Bytes(Vec<u8>),
    Tuple(Vec<ConstDesc>),
    Ellipsis,
    /// A nested code object (function, lambda, class body, comprehension).
    Code(Box<CodeDesc>),
}

/// A compiled code unit before materialisation.
#[derive(Clone, Debug, PartialEq)]
pub struct CodeDesc {
    pub name: String,
    pub qualname: String,
    pub instrs: Vec<Instr>,
    pub lines: Vec<u32>,
    /// Per instruction: registers below this may be live (see `Code`).
    pub live_regs: Vec<Reg>,
    pub first_line: u32,
    pub consts: Vec<ConstDesc>,
    pub nregs: u32,
    pub argcount: u32,
    pub posonly: u32,
    pub kwonly: u32,
    pub flags: u32,
    pub params: Vec<u32>,
    pub cell_params: Vec<Reg>,
    pub free_start: Reg,
    pub nfree: u16,
    pub cell_locals: Vec<Reg>,
    pub handlers: Vec<Handler>,
    pub local_names: Vec<(Reg, u32)>,
    /// The function's docstring (its body's leading string literal).
    pub doc: Option<String>,
}

/// Interned identifiers: symbol id ↔ string. Shared by the compiler (which
/// emits ids) and the VM (which maps ids to string objects).
#[derive(Default)]
pub struct Interner {
    ids: rustc_hash::FxHashMap<String, u32>,
    names: Vec<String>,
}

impl Interner {
    /// The id of `s`, interning it if new.
    pub fn intern(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.ids.get(s) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(s.to_string());
        self.ids.insert(s.to_string(), i);
        i
    }

    /// The id of `s` if interned.
    pub fn lookup(&self, s: &str) -> Option<u32> {
        self.ids.get(s).copied()
    }

    /// The string of id `i`.
    pub fn name(&self, i: u32) -> &str {
        &self.names[i as usize]
    }

    /// Number of interned names.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Is the interner empty?
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// A syntax error with CPython's fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub msg: String,
    pub filename: String,
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    pub text: String,
}

/// Byte offsets of line starts, to turn AST offsets into line numbers.
pub struct LineIndex {
    starts: Vec<u32>,
    /// The source text (annotations under `from __future__ import
    /// annotations` are kept as their source text).
    source: String,
}

impl LineIndex {
    /// Indexes `src`.
    pub fn new(src: &str) -> LineIndex {
        let mut starts = vec![0];
        for (i, b) in src.bytes().enumerate() {
            if b == b'\n' {
                starts.push(i as u32 + 1);
            }
        }
        LineIndex {
            starts,
            source: src.to_string(),
        }
    }

    /// The source text of byte range `start..end`.
    pub fn text(&self, start: u32, end: u32) -> &str {
        self.source.get(start as usize..end as usize).unwrap_or("")
    }

    /// 1-based line of byte `offset`.
    pub fn line(&self, offset: u32) -> u32 {
        match self.starts.binary_search(&offset) {
            Ok(i) => i as u32 + 1,
            Err(i) => i as u32,
        }
    }

    /// 1-based (line, column) of byte `offset`.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let l = self.line(offset);
        (l, offset - self.starts[(l - 1) as usize] + 1)
    }
}

/// Parses a module. This is the only place that touches the parser crate's
/// entry point, so the pinned version can be swapped in one spot.
pub fn parse(source: &str, filename: &str) -> Result<Vec<ast::Stmt>, SyntaxError> {
    use rustpython_parser::{Mode, parse as rp_parse};
    match rp_parse(source, Mode::Module, filename) {
        Ok(ast::Mod::Module(m)) => Ok(m.body),
        Ok(_) => Ok(Vec::new()),
        Err(e) => {
            let idx = LineIndex::new(source);
            let off: u32 = e.offset.into();
            let (line, column) = idx.line_col(off.min(source.len() as u32));
            let text = source
                .lines()
                .nth(line as usize - 1)
                .unwrap_or("")
                .to_string();
            Err(SyntaxError {
                msg: syntax_message(&e.error.to_string()),
                filename: filename.to_string(),
                line,
                column,
                text,
            })
        }
    }
}

/// Maps the parser's messages onto CPython's wording where they differ.
fn syntax_message(m: &str) -> String {
    if m.starts_with("invalid syntax") || m.starts_with("Got unexpected token") {
        "invalid syntax".to_string()
    } else if m.starts_with("unexpected EOF") || m.contains("Unexpected EOF") {
        "unexpected EOF while parsing".to_string()
    } else if m.contains("unindent does not match") {
        "unindent does not match any outer indentation level".to_string()
    } else if m.contains("expected an indented block") || m.contains("IndentationError") {
        "expected an indented block".to_string()
    } else {
        m.to_string()
    }
}

/// Compiles module source to a code description.
pub fn compile_module(
    source: &str,
    filename: &str,
    interner: &mut Interner,
) -> Result<CodeDesc, SyntaxError> {
    let body = parse(source, filename)?;
    let lines = LineIndex::new(source);
    let table =
        symtable::SymbolTable::build(&body).map_err(|e| symbol_error(e, &lines, filename))?;
    codegen::compile_module(&body, &table, &lines, interner, filename, false, false)
}

/// A symbol-table error as a `SyntaxError` at its source position.
fn symbol_error(e: symtable::ScopeError, lines: &LineIndex, filename: &str) -> SyntaxError {
    let (line, column) = lines.line_col(e.offset);
    SyntaxError {
        msg: e.msg,
        filename: filename.to_string(),
        line,
        column,
        text: String::new(),
    }
}

/// Compiles a single expression (for `eval`).
pub fn compile_eval(
    source: &str,
    filename: &str,
    interner: &mut Interner,
) -> Result<CodeDesc, SyntaxError> {
    let lines = LineIndex::new(source);
    let body = eval_body(source, filename, &lines)?;
    let table = symtable::SymbolTable::build(&body).map_err(|e| SyntaxError {
        msg: e.msg,
        filename: filename.to_string(),
        line: 1,
        column: 1,
        text: String::new(),
    })?;
    codegen::compile_module(&body, &table, &lines, interner, filename, true, false)
}

/// Compiles source for `exec`/`eval` given a locals mapping distinct from
/// the globals: the code's top-level names live in that namespace (its
/// argument 0), looked up there, then in the globals, then in builtins.
pub fn compile_in_namespace(
    source: &str,
    filename: &str,
    interner: &mut Interner,
    expression: bool,
) -> Result<CodeDesc, SyntaxError> {
    let lines = LineIndex::new(source);
    let body = if expression {
        eval_body(source, filename, &lines)?
    } else {
        parse(source, filename)?
    };
    let table = symtable::SymbolTable::build_namespace(&body)
        .map_err(|e| symbol_error(e, &lines, filename))?;
    codegen::compile_module(&body, &table, &lines, interner, filename, expression, true)
}

/// An expression source as the body `return <expression>`.
fn eval_body(
    source: &str,
    filename: &str,
    lines: &LineIndex,
) -> Result<Vec<ast::Stmt>, SyntaxError> {
    use rustpython_parser::{Mode, parse as rp_parse};
    let expr = match rp_parse(source.trim(), Mode::Expression, filename) {
        Ok(ast::Mod::Expression(e)) => e.body,
        Ok(_) => unreachable!("expression mode yields an expression"),
        Err(e) => {
            let off: u32 = e.offset.into();
            let (line, column) = lines.line_col(off.min(source.len() as u32));
            return Err(SyntaxError {
                msg: syntax_message(&e.error.to_string()),
                filename: filename.to_string(),
                line,
                column,
                text: source.lines().next().unwrap_or("").to_string(),
            });
        }
    };
    Ok(vec![ast::Stmt::Return(ast::StmtReturn {
        range: Default::default(),
        value: Some(expr),
    })])
}
