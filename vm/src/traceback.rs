//! Tracebacks kept on exceptions.
//!
//! While an exception propagates, the runtime notes each frame it arrives
//! in, innermost first, in `rt.traceback` (a plain vector: unwinding
//! allocates nothing). When a handler catches it (`PushExc`), the entries
//! are stored on the exception, where CPython stores `__traceback__` at
//! that point too; a later `raise e`, bare `raise` or `gen.throw(e)`
//! continues from them, and a chained exception (`__context__`,
//! `__cause__`) keeps its own.
//!
//! An exception instance never boxes a builtin value, so its
//! `field::INST_BASE` holds the traceback: NULL (none), a compact record
//! (`RawBytes` of (code, line) entries), or, once Python code has asked
//! for `__traceback__`, the chain of traceback objects built from the
//! record, so that `e.__traceback__ is sys.exc_info()[2]`. Each traceback
//! object built here keeps its own entry as a one-entry record in its
//! `INST_BASE`, so a chain turns back into entries without any lookup.

use crate::builtins::introspect::{attr_object, code_object, globals_of_file};
use crate::builtins::*;
use crate::bytecode::Code;
use crate::object::{self, Kind, field};
use crate::value::Value;
use crate::vm::{Args, PyResult, Vm};
use gc_api::Heap;

/// One traceback entry: the code a frame ran and the line it was at.
pub type TbEntry = (&'static Code, u32);

/// Bytes per entry in a record: the code pointer, then the line.
const ENTRY_BYTES: usize = 12;

/// The entries of record `r` (a `RawBytes` made by `new_record`).
fn record_entries(r: Value) -> Vec<TbEntry> {
    let bytes = object::bytes_of(r.as_obj());
    bytes
        .chunks_exact(ENTRY_BYTES)
        .map(|c| {
            let ptr = usize::from_ne_bytes(c[..8].try_into().expect("8 bytes"));
            let line = u32::from_ne_bytes(c[8..].try_into().expect("4 bytes"));
            // SAFETY: records hold only pointers to leaked `&'static Code`s
            // (written by `new_record`), and a record is never exposed to
            // Python code, which could not forge one.
            (unsafe { &*(ptr as *const Code) }, line)
        })
        .collect()
}

/// Writes `entries` into record bytes `out` (`ENTRY_BYTES` each).
fn write_record(out: &mut [u8], entries: &[TbEntry]) {
    for (c, &(code, line)) in out.chunks_exact_mut(ENTRY_BYTES).zip(entries) {
        c[..8].copy_from_slice(&(code as *const Code as usize).to_ne_bytes());
        c[8..].copy_from_slice(&line.to_ne_bytes());
    }
}

/// Is `v` a traceback record (not a Python-visible value)?
fn is_record(v: Value) -> bool {
    v.is_obj() && object::kind(v.as_obj()) == Kind::RawBytes
}

/// Is `v` an exception instance that can hold a traceback?
fn holds_traceback(v: Value) -> bool {
    v.is_obj() && object::kind(v.as_obj()) == Kind::Instance
}

impl<H: Heap> Vm<H> {
    /// A record of `entries` (innermost first).
    fn new_record(&mut self, entries: &[TbEntry]) -> PyResult {
        let o = self.alloc_bytes_kind(Kind::RawBytes, entries.len() * ENTRY_BYTES)?;
        write_record(object::bytes_of_mut(o), entries);
        Ok(Value::obj(o))
    }

    /// The traceback stored on exception `e`, innermost entry first
    /// (empty if it has none).
    pub fn stored_traceback(&mut self, e: Value) -> Vec<TbEntry> {
        if !holds_traceback(e) {
            return Vec::new();
        }
        let t = object::get(e.as_obj(), field::INST_BASE);
        if is_record(t) {
            record_entries(t)
        } else if holds_traceback(t) {
            self.chain_entries(t)
        } else {
            Vec::new()
        }
    }

    /// Makes the traceback stored on `e` the pending one (`raise e`, a
    /// re-raise, `gen.throw(e)` continue it).
    pub fn resume_traceback(&mut self, e: Value) {
        // Cleared and refilled, not replaced: the vector keeps its capacity.
        let entries = self.stored_traceback(e);
        self.rt.traceback.clear();
        self.rt.traceback.extend(entries);
    }

    /// The entries of a chain of traceback objects built by
    /// `traceback_chain` (outermost first), innermost first. A traceback
    /// object made some other way ends the walk.
    fn chain_entries(&mut self, mut tb: Value) -> Vec<TbEntry> {
        let next = self.intern("tb_next");
        let mut out = Vec::new();
        while holds_traceback(tb) {
            let r = object::get(tb.as_obj(), field::INST_BASE);
            if !is_record(r) {
                break;
            }
            out.extend(record_entries(r));
            tb = self.inst_get(tb.as_obj(), next).unwrap_or(Value::NONE);
        }
        out.reverse();
        out
    }

    /// Stores the pending traceback (`rt.traceback`, emptied) on the
    /// exception in stack slot `slot`: it has been caught.
    pub fn store_traceback(&mut self, slot: usize) -> PyResult<()> {
        let n = self.rt.traceback.len();
        let r = if n == 0 || !holds_traceback(self.st(slot)) {
            Value::NULL
        } else {
            // Filled after allocating: a collection leaves the entries be.
            let o = self.alloc_bytes_kind(Kind::RawBytes, n * ENTRY_BYTES)?;
            write_record(object::bytes_of_mut(o), &self.rt.traceback);
            Value::obj(o)
        };
        // Cleared, not taken: the vector keeps its capacity for the next.
        self.rt.traceback.clear();
        if holds_traceback(self.st(slot)) {
            self.store(self.st(slot).as_obj(), field::INST_BASE, r);
        }
        Ok(())
    }

    /// Sets `e.__traceback__` to `tb` (a traceback object or None).
    fn set_traceback(&mut self, e: Value, tb: Value) -> PyResult<()> {
        let ok =
            tb.is_none() || (holds_traceback(tb) && self.isinstance(tb, self.class(T_TRACEBACK)));
        if !ok {
            return Err(self.type_error("__traceback__ must be a traceback or None"));
        }
        if holds_traceback(e) {
            let v = if tb.is_none() { Value::NULL } else { tb };
            self.store(e.as_obj(), field::INST_BASE, v);
        }
        Ok(())
    }

    /// Traceback objects for `entries` (innermost first): the outermost
    /// `traceback`, linked by `tb_next` to the innermost; None if empty.
    fn traceback_chain(&mut self, entries: &[TbEntry]) -> PyResult {
        let base = self.push(Value::NONE);
        for &(code, line) in entries {
            let co = code_object(self, code)?;
            let cs = self.push(co);
            let globals = globals_of_file(self, &code.filename)?;
            let frame = attr_object(
                self,
                T_FRAME,
                &[
                    ("f_code", self.st(cs)),
                    ("f_globals", globals),
                    ("f_lineno", Value::int(line as i64)),
                    ("f_back", Value::NONE),
                ],
            )?;
            self.set_st(cs, frame);
            let tb = attr_object(
                self,
                T_TRACEBACK,
                &[
                    ("tb_frame", self.st(cs)),
                    ("tb_lineno", Value::int(line as i64)),
                    // No instruction offset: `traceback` then shows no carets.
                    ("tb_lasti", Value::int(-1)),
                    ("tb_next", self.st(base)),
                ],
            )?;
            self.set_st(cs, tb);
            let r = self.new_record(&[(code, line)])?;
            self.store(self.st(cs).as_obj(), field::INST_BASE, r);
            self.set_st(base, self.st(cs));
            self.truncate(cs);
        }
        let r = self.st(base);
        self.truncate(base);
        Ok(r)
    }
}

/// Installs `BaseException.__traceback__` (read and write) and
/// `with_traceback`.
pub(crate) fn install<H: Heap>(vm: &mut Vm<H>) -> PyResult<()> {
    vm.def_property_rw(
        T_BASE_EXCEPTION,
        "__traceback__",
        exception_traceback::<H>,
        set_exception_traceback::<H>,
    )?;
    vm.def_method(T_BASE_EXCEPTION, "with_traceback", with_traceback::<H>);
    Ok(())
}

/// `exc.__traceback__`: the chain of traceback objects for the frames the
/// exception passed through (outermost first), or None. For a caught
/// exception the chain is built once and kept.
fn exception_traceback<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    let e = vm.arg(a, 0);
    if e == vm.rt.exc {
        // Still propagating (asked from native code): not stored yet.
        let entries = vm.rt.traceback.clone();
        return vm.traceback_chain(&entries);
    }
    if !holds_traceback(e) {
        return Ok(Value::NONE);
    }
    let t = object::get(e.as_obj(), field::INST_BASE);
    if !is_record(t) {
        return Ok(if t.is_null() { Value::NONE } else { t });
    }
    let es = vm.push(e);
    let chain = vm.traceback_chain(&record_entries(t));
    let e = vm.st(es);
    vm.truncate(es);
    let chain = chain?;
    vm.store(e.as_obj(), field::INST_BASE, chain);
    Ok(chain)
}

/// `exc.__traceback__ = tb`.
fn set_exception_traceback<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.set_traceback(vm.arg(a, 0), vm.arg(a, 1))?;
    Ok(Value::NONE)
}

/// `exc.with_traceback(tb)`: sets `__traceback__`, returns `exc`.
fn with_traceback<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "with_traceback", 2, 2)?;
    vm.set_traceback(vm.arg(a, 0), vm.arg(a, 1))?;
    Ok(vm.arg(a, 0))
}
