//! The mutator side of finalization: running the units the reaper queued
//! (callbacks, then `__del__`), `sys.unraisablehook`, and `gc.collect()`'s
//! repeated rounds (R12).
//!
//! Everything here runs at safepoints in mutator context (R13): loop
//! back-edges, function entry and `gc.collect()`, never inside a pause or a
//! bytecode's internal mutation.

use crate::builtins::*;
use crate::object::{self, Kind, field};
use crate::value::Value;
use crate::vm::Vm;
use gc_api::Heap;
use std::io::Write;

impl<H: Heap> Vm<H> {
    /// Are queued callbacks or finalizers waiting (and may run now)?
    #[inline]
    pub fn finalizers_pending(&self) -> bool {
        !self.rt.reaper.queue.is_empty() && !self.in_finalizer
    }

    /// Runs every queued unit: its callbacks, then its finalizers (R5b-c).
    /// Units queued meanwhile (finalizers allocate) run in the same call.
    pub fn run_finalizers(&mut self) {
        if self.in_finalizer {
            return;
        }
        self.in_finalizer = true;
        let saved = (self.rt.exc, self.rt.handling);
        let saved_tb = std::mem::take(&mut self.rt.traceback);
        self.rt.exc = Value::NULL;
        while let Some(unit) = self.rt.reaper.queue.pop_front() {
            // Root the unit before anything can allocate.
            let mark = self.rt.sp;
            for &v in &unit.callbacks {
                self.push(v);
            }
            let fin = self.rt.sp;
            for &v in &unit.finalizers {
                self.push(v);
            }
            let mem = self.rt.sp;
            for &v in &unit.members {
                self.push(v);
            }
            let dead = self.rt.sp;
            for &v in &unit.dead_weakrefs {
                self.push(v);
            }
            let end = self.rt.sp;
            for i in mark..fin {
                self.run_callback(i);
            }
            for i in fin..mem {
                self.run_del(i);
            }
            for i in mem..dead {
                let o = self.st(i).as_obj();
                self.rt.reaper.watch(o, unit.serial);
            }
            for i in dead..end {
                let w = self.st(i).as_obj();
                self.rt.reaper.watch_weakref(w, unit.serial);
            }
            self.truncate(mark);
        }
        if let Some(t) = self.rt.reaper.trace.as_mut() {
            t.flush();
        }
        self.rt.exc = saved.0;
        self.rt.handling = saved.1;
        self.rt.traceback = saved_tb;
        self.in_finalizer = false;
    }

    /// Calls the callback of the (cleared) weakref in stack slot `i`.
    fn run_callback(&mut self, i: usize) {
        let w = self.st(i);
        let label = self.identity(w);
        self.rt.reaper.event("CALLBACK", label);
        self.rt.reaper.stats.callbacks += 1;
        let cb = object::get(w.as_obj(), field::WR_CALLBACK);
        if cb.is_null() || cb.is_none() {
            return;
        }
        let cs = self.push(cb);
        if self.call_values(cb, &[w]).is_err() {
            let cb = self.st(cs);
            self.report_unraisable(cb);
        }
        self.truncate(cs);
    }

    /// Finalizes the object in stack slot `i` (R3: at most once, flag first).
    fn run_del(&mut self, i: usize) {
        let o = self.st(i);
        let oo = o.as_obj();
        if object::flags(oo) & object::FLAG_FINALIZED != 0 {
            return;
        }
        object::set_flags(oo, object::FLAG_FINALIZED);
        let label = self.identity(o);
        self.rt.reaper.event("DEL", label);
        self.rt.reaper.stats.finalized += 1;
        // R16: `__del__` is looked up on the type when it is called.
        let sym = self.intern("__del__");
        let o = self.st(i);
        let t = self.type_of(o);
        let Some(del) = self.class_lookup(t, sym) else {
            return;
        };
        if del.is_none() {
            return;
        }
        let ds = self.push(del);
        if self.call_values(del, &[o]).is_err() {
            let del = self.st(ds);
            self.report_unraisable(del);
        }
        self.truncate(ds);
    }

    /// Hands the pending exception to `sys.unraisablehook` (R8), as CPython
    /// does for errors in `__del__` and weakref callbacks, then clears it.
    pub fn report_unraisable(&mut self, culprit: Value) {
        let exc = self.rt.exc;
        self.rt.exc = Value::NULL;
        let mark = self.push(exc);
        let cs = self.push(culprit);
        // `sys_attr` may allocate: root the hook before the second lookup.
        let hook = self.sys_attr("unraisablehook").unwrap_or(Value::NULL);
        let hs = self.push(hook);
        let default = self.sys_attr("__unraisablehook__");
        let hook = self.st(hs);
        let custom = !hook.is_null() && Some(hook) != default;
        if custom {
            let args = self.unraisable_args(mark, cs);
            let ok = match args {
                Ok(a) => {
                    let h = self.st(hs);
                    self.call_values(h, &[a]).is_ok()
                }
                Err(_) => false,
            };
            if !ok {
                // The hook itself failed: report that with the default hook.
                let e2 = self.rt.exc;
                self.rt.exc = Value::NULL;
                let text = self.format_exception(e2);
                self.flush();
                let _ = write!(
                    std::io::stderr(),
                    "Exception ignored in sys.unraisablehook: {}\n{text}",
                    self.repr_string(self.st(hs)).unwrap_or_default()
                );
                self.rt.exc = Value::NULL;
            }
        } else {
            self.print_unraisable(self.st(mark), self.st(cs));
        }
        self.rt.traceback.clear();
        self.truncate(mark);
    }

    /// The default hook's output: `Exception ignored in: <obj>` and the
    /// traceback, on stderr.
    pub(crate) fn print_unraisable(&mut self, exc: Value, culprit: Value) {
        let mark = self.push(exc);
        let what = match self.repr_string(culprit) {
            Ok(s) => s,
            Err(_) => {
                self.rt.exc = Value::NULL;
                "<object repr() failed>".to_string()
            }
        };
        let text = self.format_exception(self.st(mark));
        self.flush();
        let _ = write!(std::io::stderr(), "Exception ignored in: {what}\n{text}");
        self.truncate(mark);
    }

    /// A `sys.UnraisableHookArgs` for the exception at `exc_slot` and the
    /// object at `obj_slot`.
    fn unraisable_args(&mut self, exc_slot: usize, obj_slot: usize) -> crate::vm::PyResult {
        let cls = self.class(T_UNRAISABLE_ARGS);
        let a = self.new_instance(cls)?;
        let am = self.push(a);
        for name in [
            "exc_type",
            "exc_value",
            "exc_traceback",
            "err_msg",
            "object",
        ] {
            let sym = self.intern(name);
            let v = match name {
                "exc_type" => self.type_of(self.st(exc_slot)),
                "exc_value" => self.st(exc_slot),
                "object" => self.st(obj_slot),
                _ => Value::NONE,
            };
            let a = self.st(am);
            self.inst_set(a, sym, v)?;
        }
        let a = self.st(am);
        self.truncate(am);
        Ok(a)
    }

    /// Clears the registers of earlier statements' temporaries in every
    /// frame suspended at a call (see `Code::live_regs`), so that they do
    /// not keep garbage alive across `gc.collect()`. Frames stopped in any
    /// other instruction are left alone: only a call is sure to have its
    /// pc recorded.
    fn clear_dead_temporaries(&mut self) {
        for f in self.rt.frames.iter() {
            let Some(at) = f.pc.checked_sub(1) else {
                continue;
            };
            let is_call = matches!(
                f.code.instrs.get(at),
                Some(
                    crate::bytecode::Instr::Call { .. }
                        | crate::bytecode::Instr::CallKw { .. }
                        | crate::bytecode::Instr::CallMethod { .. }
                        | crate::bytecode::Instr::CallEx { .. }
                )
            );
            if !is_call {
                continue;
            }
            let live = f.code.live_regs[at] as usize;
            let end = f.code.nregs as usize;
            if live < end {
                self.rt.stack[f.base + live..f.base + end].fill(Value::NULL);
            }
        }
    }

    /// An attribute of the `sys` module, if set.
    fn sys_attr(&mut self, name: &str) -> Option<Value> {
        let k = self.new_str("sys").ok()?;
        let mods = self.rt.globals_roots[ROOT_MODULES];
        let m = self.dict_get_item(mods, k).ok().flatten()?;
        if !(m.is_obj() && object::kind(m.as_obj()) == Kind::Module) {
            return None;
        }
        let d = object::get(m.as_obj(), field::MOD_DICT);
        let k = self.sym_str(name);
        self.dict_get_str(d, k)
    }

    /// `gc.collect()`: full collections, each followed by running what it
    /// queued, until a round finds nothing more to process (R12). Garbage
    /// made by finalizers is handled too, within a bound on the rounds.
    pub fn collect_garbage(&mut self) {
        if self.in_finalizer {
            // From a finalizer or callback: one plain collection (R12 lets
            // this be a no-op, as in CPython).
            self.collect();
            return;
        }
        self.clear_dead_temporaries();
        self.run_finalizers();
        let max_rounds = 2 * self.rt.reaper.registered() + 8;
        for _ in 0..max_rounds {
            self.collect();
            let queued = self.rt.reaper.last_units > 0;
            self.run_finalizers();
            if !queued && !self.rt.reaper.watching() {
                break;
            }
        }
    }
}
