//! `compile(..., PyCF_ONLY_AST)`: parses source with the compiler's parser
//! and returns the tree as instances of the frozen `_ast` node classes.
//!
//! Parse errors raise the same `SyntaxError` that `compile()` raises for
//! code. The conversion itself lives in [`nodes`].

mod nodes;

use crate::compiler::{self, LineIndex, SyntaxError};
use crate::value::Value;
use crate::vm::{PyResult, Vm};
use gc_api::Heap;
use rustpython_parser::Mode;

/// Parses `source` in compile mode `mode` (`exec`, `eval` or `single`) and
/// returns the `_ast.Module` / `Expression` / `Interactive` tree.
pub(crate) fn parse_to_ast<H: Heap>(
    vm: &mut Vm<H>,
    source: &str,
    filename: &str,
    mode: &str,
) -> PyResult {
    let parse_mode = match mode {
        "exec" => Mode::Module,
        "eval" => Mode::Expression,
        "single" => Mode::Interactive,
        "func_type" => {
            return Err(vm.value_error("heaplab: compile() mode 'func_type' is not supported"));
        }
        _ => {
            return Err(
                vm.value_error("compile() mode must be 'exec', 'eval', 'single' or 'func_type'")
            );
        }
    };
    let tree = match rustpython_parser::parse(source, parse_mode, filename) {
        Ok(tree) => tree,
        Err(e) => {
            let err = compile_error(source, filename, mode, &e);
            return Err(vm.raise_syntax_error(&err));
        }
    };
    let mark = vm.rt.sp;
    let built =
        nodes::Builder::new(vm, LineIndex::new(source), filename).and_then(|mut b| b.module(&tree));
    vm.truncate(mark);
    built
}

/// The `SyntaxError` `compile()` reports for this source, so that the
/// message and position match compiling to code; the parser's own message
/// when only the AST mode rejects it.
fn compile_error(
    source: &str,
    filename: &str,
    mode: &str,
    e: &rustpython_parser::ParseError,
) -> SyntaxError {
    let as_code = match mode {
        "eval" => {
            compiler::compile_eval(source, filename, &mut compiler::Interner::default()).err()
        }
        _ => compiler::parse(source, filename).err(),
    };
    as_code.unwrap_or_else(|| {
        let lines = LineIndex::new(source);
        let offset: u32 = e.offset.into();
        let (line, column) = lines.line_col(offset.min(source.len() as u32));
        SyntaxError {
            msg: e.error.to_string(),
            filename: filename.to_string(),
            line,
            column,
            text: source
                .lines()
                .nth(line as usize - 1)
                .unwrap_or("")
                .to_string(),
        }
    })
}

/// `compile()`'s source when it is an AST: `Ok(ast.unparse(tree))`, or
/// `Err(tree)` when only the AST was asked for (returned unchanged).
/// Checks the root class against `mode` as CPython does. An `Interactive`
/// tree is unparsed as a `Module` of its body (unparse has no case for it).
pub(crate) fn tree_source<H: Heap>(
    vm: &mut Vm<H>,
    tree: Value,
    mode: &str,
    only_ast: bool,
) -> PyResult<Result<String, Value>> {
    let ts = vm.push(tree);
    let r = unparse_checked(vm, ts, mode, only_ast);
    vm.truncate(ts);
    r
}

/// [`tree_source`] for the tree at `stack[ts]`; leaves values above it.
fn unparse_checked<H: Heap>(
    vm: &mut Vm<H>,
    ts: usize,
    mode: &str,
    only_ast: bool,
) -> PyResult<Result<String, Value>> {
    let root = match mode {
        "exec" => "Module",
        "eval" => "Expression",
        "single" => "Interactive",
        "func_type" => "FunctionType",
        _ => "AST",
    };
    let module = vm.import_module("_ast")?;
    let ms = vm.push(module);
    let sym = vm.intern("AST");
    let ast_class = vm.getattr(vm.st(ms), sym)?;
    if !vm.isinstance(vm.st(ts), ast_class) {
        return Err(vm.type_error("compile() arg 1 must be a string, bytes or AST object"));
    }
    let sym = vm.intern(root);
    let root_class = vm.getattr(vm.st(ms), sym)?;
    if !vm.isinstance(vm.st(ts), root_class) {
        let msg = format!("expected {root} node, got {}", vm.type_name(vm.st(ts)));
        return Err(vm.type_error(&msg));
    }
    if only_ast {
        return Ok(Err(vm.st(ts)));
    }
    if root == "Interactive" {
        let sym = vm.intern("body");
        let body = vm.getattr(vm.st(ts), sym)?;
        let bs = vm.push(body);
        let no_ignores = vm.new_list(0)?;
        let is = vm.push(no_ignores);
        let sym = vm.intern("Module");
        let module_class = vm.getattr(vm.st(ms), sym)?;
        let as_module = vm.call_values(module_class, &[vm.st(bs), vm.st(is)])?;
        vm.set_st(ts, as_module);
    }
    let sym = vm.intern("unparse");
    let module = vm.import_module("ast")?;
    let unparse = vm.getattr(module, sym)?;
    let text = vm.call_values(unparse, &[vm.st(ts)])?;
    vm.str_string(text).map(Ok)
}
