//! Loading and running programs: turning compiled `CodeDesc`s into immortal
//! `Code` objects with heap constants, running `__main__`, and reporting
//! uncaught exceptions (CPython's traceback format), syntax errors and
//! `SystemExit`.

use crate::builtins::*;
use crate::bytecode::Code;
use crate::compiler::{CodeDesc, ConstDesc, SyntaxError};
use crate::object::{self, Kind, field};
use crate::value::Value;
use crate::vm::{Exc, PyResult, Vm};
use gc_api::Heap;
use std::cell::Cell;
use std::io::Write;
use std::rc::Rc;

impl<H: Heap> Vm<H> {
    /// Turns a code description into a leaked `Code` whose constant table
    /// is registered as a GC root. Nested code constants become tagged
    /// small ints holding the child's address (code is not a heap object).
    pub fn materialize(&mut self, d: CodeDesc, filename: &str) -> PyResult<&'static Code> {
        let filename: Rc<str> = Rc::from(filename);
        self.materialize_symbols();
        self.materialize_in(d, &filename)
    }

    fn materialize_in(&mut self, d: CodeDesc, filename: &Rc<str>) -> PyResult<&'static Code> {
        let caches = (0..d.instrs.len())
            .map(|_| Cell::new(Default::default()))
            .collect();
        let consts: Box<[Cell<Value>]> = (0..d.consts.len())
            .map(|_| Cell::new(Value::NONE))
            .collect();
        let code: &'static Code = Box::leak(Box::new(Code {
            name: d.name,
            qualname: d.qualname,
            filename: filename.clone(),
            instrs: d.instrs,
            lines: d.lines,
            live_regs: d.live_regs,
            first_line: d.first_line,
            consts,
            nregs: d.nregs,
            argcount: d.argcount,
            posonly: d.posonly,
            kwonly: d.kwonly,
            flags: d.flags,
            params: d.params,
            cell_params: d.cell_params,
            free_start: d.free_start,
            nfree: d.nfree,
            cell_locals: d.cell_locals,
            handlers: d.handlers,
            local_names: d.local_names,
            doc: d.doc.map(std::rc::Rc::from),
            caches,
        }));
        // Register first so constants are roots while the rest allocate.
        self.rt.codes.push(code);
        for (i, c) in d.consts.into_iter().enumerate() {
            let v = self.const_value(c, filename)?;
            code.consts[i].set(v);
        }
        Ok(code)
    }

    fn const_value(&mut self, c: ConstDesc, filename: &Rc<str>) -> PyResult {
        Ok(match c {
            ConstDesc::None => Value::NONE,
            ConstDesc::Bool(b) => Value::bool(b),
            ConstDesc::Ellipsis => Value::ELLIPSIS,
            ConstDesc::Int(i) => self.new_int(i)?,
            ConstDesc::Float(f) => self.new_float(f)?,
            ConstDesc::Complex(re, im) => crate::builtins::complex::new_complex(self, (re, im))?,
            ConstDesc::Str(s) => self.new_str(&s)?,
            ConstDesc::Bytes(b) => self.new_bytes_kind(Kind::Bytes, &b)?,
            ConstDesc::Tuple(items) => {
                let mark = self.rt.sp;
                let n = items.len();
                for it in items {
                    let v = self.const_value(it, filename)?;
                    self.push(v);
                }
                let t = self.tuple_from_stack(mark, n)?;
                self.truncate(mark);
                t
            }
            ConstDesc::Code(child) => {
                let c = self.materialize_in(*child, filename)?;
                Value::int(c as *const Code as i64)
            }
        })
    }

    /// Raises a `SyntaxError` for a compile error.
    pub fn raise_syntax_error(&mut self, e: &SyntaxError) -> Exc {
        let r = (|| -> PyResult<Value> {
            let ex = self.new_exception(T_SYNTAX_ERROR, &e.msg)?;
            let es = self.push(ex);
            for (name, v) in [
                ("filename", Some(e.filename.clone())),
                ("text", Some(e.text.clone())),
                ("msg", Some(e.msg.clone())),
            ] {
                let s = self.new_str(&v.unwrap_or_default())?;
                let sym = self.intern(name);
                self.setattr(self.st(es), sym, s)?;
            }
            let sym = self.intern("lineno");
            self.setattr(self.st(es), sym, Value::int(e.line as i64))?;
            let sym = self.intern("offset");
            self.setattr(self.st(es), sym, Value::int(e.column as i64))?;
            let ex = self.st(es);
            self.truncate(es);
            Ok(ex)
        })();
        match r {
            Ok(ex) => self.raise_value(ex, Value::NULL),
            Err(x) => x,
        }
    }

    /// Compiles and runs `source` as `__main__`. Returns the process exit
    /// status (0, 1 for an uncaught exception, or SystemExit's code).
    pub fn run_main(&mut self, source: &str, filename: &str) -> i32 {
        self.filename = filename.to_string();
        let code = match crate::compiler::compile_module(source, filename, &mut self.interner) {
            Ok(c) => c,
            Err(e) => {
                print_syntax_error(&e);
                return 1;
            }
        };
        let r = (|| -> PyResult<Value> {
            let code = self.materialize(code, filename)?;
            let m = self.new_module("__main__")?;
            self.rt.globals_roots[ROOT_MAIN] = m;
            let k = self.new_str("__main__")?;
            let (mods, m) = (
                self.rt.globals_roots[ROOT_MODULES],
                self.rt.globals_roots[ROOT_MAIN],
            );
            self.dict_set_item(mods, k, m)?;
            let g = object::get(self.rt.globals_roots[ROOT_MAIN].as_obj(), field::MOD_DICT);
            let gs = self.push(g);
            let bk = self.sym_str("__builtins__");
            self.dict_set_item(self.st(gs), bk, self.rt.globals_roots[ROOT_BUILTINS])?;
            let fk = self.sym_str("__file__");
            let f = self.new_str(filename)?;
            self.dict_set_item(self.st(gs), fk, f)?;
            let g = self.st(gs);
            self.truncate(gs);
            self.run_code(code, g)
        })();
        let status = match r {
            Ok(_) => 0,
            Err(_) => self.report_uncaught(),
        };
        self.run_atexit();
        status
    }

    /// Runs the `atexit` handlers, if the module was imported.
    pub fn run_atexit(&mut self) {
        let r = (|| -> PyResult<()> {
            let k = self.new_str("atexit")?;
            let mods = self.rt.globals_roots[ROOT_MODULES];
            let Some(m) = self.dict_get_item(mods, k)? else {
                return Ok(());
            };
            let sym = self.intern("_run_exitfuncs");
            let f = self.getattr(m, sym)?;
            self.call_values(f, &[])?;
            Ok(())
        })();
        if r.is_err() {
            self.rt.exc = Value::NULL;
        }
        self.flush();
    }

    /// Prints an uncaught exception like CPython and returns the exit code.
    pub fn report_uncaught(&mut self) -> i32 {
        let e = self.rt.exc;
        self.flush();
        if self.isinstance_idx(e, T_SYSTEM_EXIT) {
            return self.system_exit_code(e);
        }
        let text = self.format_exception(e);
        let _ = std::io::stderr().write_all(text.as_bytes());
        1
    }

    fn system_exit_code(&mut self, e: Value) -> i32 {
        let sym = self.intern("args");
        let args = self.getattr_opt(e, sym).ok().flatten();
        let code = match args {
            Some(a)
                if a.is_obj()
                    && object::kind(a.as_obj()) == Kind::Tuple
                    && object::array_len(a.as_obj()) > 0 =>
            {
                object::array_get(a.as_obj(), 0)
            }
            _ => Value::NONE,
        };
        if code.is_none() {
            return 0;
        }
        if code.is_bool() {
            return (code == Value::TRUE) as i32;
        }
        if let Some(i) = code.to_int() {
            return i as i32;
        }
        let s = self.str_string(code).unwrap_or_default();
        self.flush();
        eprintln!("{s}");
        1
    }

    /// The traceback text of the pending exception `e` (its traceback is
    /// `rt.traceback`), preceded, as CPython prints it, by the exceptions
    /// it chains to (`__cause__`, else an unsuppressed `__context__`),
    /// oldest first, each with the traceback stored on it.
    pub fn format_exception(&mut self, e: Value) -> String {
        let tb = std::mem::take(&mut self.rt.traceback);
        // Root the chain, newest first (a cycle ends it).
        let mark = self.push(e);
        let mut seps = Vec::new();
        while let Some((c, sep)) = self.chained_exception(self.st(self.rt.sp - 1)) {
            if (mark..self.rt.sp).any(|i| self.st(i) == c) {
                break;
            }
            self.push(c);
            seps.push(sep);
        }
        let mut out = String::new();
        for i in (mark..self.rt.sp).rev() {
            let entries = if i == mark {
                tb.clone()
            } else {
                self.stored_traceback(self.st(i))
            };
            out.push_str(&self.format_traceback_entries(&entries));
            out.push_str(&self.syntax_error_location(self.st(i)));
            out.push_str(&self.exception_line(self.st(i)));
            if i > mark {
                out.push_str(seps[i - mark - 1]);
            }
        }
        self.truncate(mark);
        out
    }

    /// The exception `e` chains to in a printed traceback, with the line
    /// that separates them: its `__cause__`, else its `__context__` unless
    /// `__suppress_context__` is set.
    fn chained_exception(&mut self, e: Value) -> Option<(Value, &'static str)> {
        let attr = |vm: &mut Self, name: &str| {
            let sym = vm.intern(name);
            vm.getattr_opt(e, sym).unwrap_or_else(|_| {
                vm.rt.exc = Value::NULL;
                None
            })
        };
        let is_exc = |vm: &Self, c: Option<Value>| {
            c.filter(|&c| !c.is_none() && vm.isinstance_idx(c, T_BASE_EXCEPTION))
        };
        let cause = attr(self, "__cause__");
        if let Some(c) = is_exc(self, cause) {
            let sep = "\nThe above exception was the direct cause of the following exception:\n\n";
            return Some((c, sep));
        }
        if attr(self, "__suppress_context__") == Some(Value::TRUE) {
            return None;
        }
        let context = attr(self, "__context__");
        let sep = "\nDuring handling of the above exception, another exception occurred:\n\n";
        is_exc(self, context).map(|c| (c, sep))
    }

    /// `Traceback (most recent call last):` and a `File ..., line N, in
    /// name` line with its source line for each entry (innermost first in
    /// `tb`, printed outermost first); nothing for no entries.
    fn format_traceback_entries(&self, tb: &[crate::traceback::TbEntry]) -> String {
        if tb.is_empty() {
            return String::new();
        }
        let mut out = String::from("Traceback (most recent call last):\n");
        let mut sources: std::collections::HashMap<String, Vec<String>> = Default::default();
        for (code, line) in tb.iter().rev() {
            let file = code.filename.to_string();
            out.push_str(&format!(
                "  File \"{file}\", line {line}, in {}\n",
                code.name
            ));
            let lines = sources.entry(file.clone()).or_insert_with(|| {
                std::fs::read_to_string(&file)
                    .map(|s| s.lines().map(String::from).collect())
                    .unwrap_or_default()
            });
            if let Some(src) = lines.get((*line as usize).wrapping_sub(1)) {
                let t = src.trim();
                if !t.is_empty() {
                    out.push_str(&format!("    {t}\n"));
                }
            }
        }
        out
    }

    /// For a SyntaxError: the `File "...", line N` and source line it
    /// carries (where the bad code is, not where it was compiled from).
    fn syntax_error_location(&mut self, e: Value) -> String {
        if !self.isinstance_idx(e, T_SYNTAX_ERROR) {
            return String::new();
        }
        let attr = |vm: &mut Self, name: &str| {
            let sym = vm.intern(name);
            match vm.getattr_opt(e, sym) {
                Ok(v) => v,
                Err(_) => {
                    vm.rt.exc = Value::NULL;
                    None
                }
            }
        };
        let (Some(file), Some(line)) = (attr(self, "filename"), attr(self, "lineno")) else {
            return String::new();
        };
        let file_is_str = file.is_obj() && object::kind(file.as_obj()) == Kind::Str;
        if !file_is_str || !line.is_int() {
            return String::new();
        }
        let mut out = format!(
            "  File \"{}\", line {}\n",
            object::str_of(file.as_obj()),
            line.as_int()
        );
        if let Some(text) = attr(self, "text")
            && text.is_obj()
            && object::kind(text.as_obj()) == Kind::Str
        {
            let t = object::str_of(text.as_obj()).trim();
            if !t.is_empty() {
                out.push_str(&format!("    {t}\n"));
            }
        }
        out
    }

    /// `TypeName: message` (or just `TypeName`).
    fn exception_line(&mut self, e: Value) -> String {
        let t = self.type_of(e);
        let name = self.class_name(t);
        let module =
            object::str_of(object::get(t.as_obj(), field::CLS_MODULE).as_obj()).to_string();
        let qual = if module == "builtins" {
            name
        } else {
            format!("{module}.{name}")
        };
        let msg = match self.str_string(e) {
            Ok(s) => s,
            Err(_) => {
                self.rt.exc = Value::NULL;
                "<exception str() failed>".to_string()
            }
        };
        if msg.is_empty() {
            format!("{qual}\n")
        } else {
            format!("{qual}: {msg}\n")
        }
    }

    /// Marks the start of a benchmark's timed window.
    pub fn harness_begin(&mut self) {
        let used = self.heap.used_bytes();
        self.heap.stats_mut().begin_window(used);
        let s = self.heap.stats_mut().clone();
        self.harness_start = Some((std::time::Instant::now(), s));
    }

    /// Ends the timed window: prints its length (and the stats block under
    /// `--gc-stats`) on stderr.
    pub fn harness_end(&mut self) {
        let Some((t0, before)) = self.harness_start.take() else {
            return;
        };
        let wall = t0.elapsed();
        self.flush();
        let mut err = std::io::stderr().lock();
        // The window on the --gc-log clock (ns since the stats began), so
        // the harness can pick the window's own pauses from the log.
        let begin = t0.saturating_duration_since(before.created).as_nanos();
        let _ = writeln!(
            err,
            "heaplab-harness: window_clock_ns={begin}-{}",
            begin + wall.as_nanos()
        );
        let _ = writeln!(err, "heaplab-harness: window_ns={}", wall.as_nanos());
        if self.config.gc_stats {
            let now = self.heap.stats_mut().clone();
            let _ = err.write_all(now.since(&before).format_block(wall).as_bytes());
            self.harness_reported = true;
        }
    }
}

/// Prints a syntax error the way CPython does.
pub fn print_syntax_error(e: &SyntaxError) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "  File \"{}\", line {}", e.filename, e.line);
    if !e.text.trim().is_empty() {
        let trimmed = e.text.trim_start();
        let indent = e.text.len() - trimmed.len();
        let _ = writeln!(err, "    {}", trimmed.trim_end());
        let col = (e.column as usize).saturating_sub(1).saturating_sub(indent);
        let _ = writeln!(err, "    {}^", " ".repeat(col));
    }
    let _ = writeln!(err, "SyntaxError: {}", e.msg);
}
