//! The reaper: Python finalization and weak references for every collector
//! (`SEMANTICS.md`, "Shared component: the reaper").
//!
//! A collector only proves objects unreachable; this module decides what
//! that means for Python. It runs inside the pause, through the collector's
//! [`WeakContext`], in two steps per collection:
//!
//! 1. **Units.** Candidates are unreached objects that are finalizable or
//!    referents of weakrefs with callbacks. Tarjan's algorithm finds the
//!    strongly connected components (units) of the unreached graph hanging
//!    off them; a candidate unit no other candidate unit reaches is *ready*.
//!    Ready units are retained (the collector then completes the closure of
//!    everything they reach, which keeps successor units intact) and queued.
//! 2. **Weakrefs** (after that closure): a weakref whose referent is reached
//!    and not in a ready unit is forwarded; any other is cleared, and its
//!    callback queued with the referent's unit if the weakref itself
//!    survives and is not a member of a ready unit (R7).
//!
//! The queued callbacks and finalizers run later in mutator context
//! (`crate::finalize`). Members of a processed unit are watched: the next
//! collection reports each as resurrected (reached) or freed (R5d/e).
//!
//! Registries hold raw addresses and are forwarded at every collection; the
//! pending queue holds values and is a root.

use crate::object::{self, Kind, field};
use crate::value::Value;
use gc_api::{ObjectRef, WeakContext};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::VecDeque;
use std::io::Write;

/// A registry entry: an object's address and its registration serial
/// (`gc.collect()` uses serials to tell old garbage from new).
#[derive(Clone, Copy, Debug)]
struct Entry {
    addr: usize,
    serial: u64,
}

/// One ready unit, waiting for the mutator: callbacks first, then
/// finalizers (R5b-c). Every value is a root until the unit has run.
#[derive(Default, Debug)]
pub struct PendingUnit {
    /// Weakrefs whose callbacks run, newest first per referent.
    pub callbacks: Vec<Value>,
    /// Finalizable members.
    pub finalizers: Vec<Value>,
    /// Labelled members (finalizable or weakly referenced), watched for
    /// resurrection once the unit has run.
    pub members: Vec<Value>,
    /// Weakrefs that are members (dead while the unit is processed, R7).
    pub dead_weakrefs: Vec<Value>,
    /// Smallest registration serial among the unit's candidates.
    pub serial: u64,
}

/// Counters for `gc.get_stats()` and reports.
#[derive(Default, Debug, Clone, Copy)]
pub struct ReaperStats {
    /// Units queued for processing.
    pub units: u64,
    /// Weakrefs cleared.
    pub cleared: u64,
    /// Callbacks called.
    pub callbacks: u64,
    /// `__del__` calls.
    pub finalized: u64,
    /// Processed objects found reachable again.
    pub resurrected: u64,
}

/// The `--gc-opt trace_finalization=FILE` event log.
pub struct Trace {
    out: std::io::BufWriter<std::fs::File>,
}

impl Trace {
    /// Creates (truncates) the trace file.
    pub fn create(path: &std::path::Path) -> std::io::Result<Trace> {
        Ok(Trace {
            out: std::io::BufWriter::new(std::fs::File::create(path)?),
        })
    }

    fn event(&mut self, what: &str, label: u64) {
        let _ = writeln!(self.out, "{what} {label}");
    }

    /// Writes a `MARK text` line (test-case boundaries).
    pub fn mark(&mut self, text: &str) {
        let _ = writeln!(self.out, "MARK {text}");
    }

    /// Writes buffered events.
    pub fn flush(&mut self) {
        let _ = self.out.flush();
    }
}

/// State carried between the two `process_weak` calls of one collection.
struct Round {
    /// Addresses (after this collection) of members of ready units.
    processing: FxHashSet<usize>,
    /// Unit index of each such member.
    unit_of: FxHashMap<usize, usize>,
    units: Vec<PendingUnit>,
}

/// Registries, queue and trace of the finalization machinery.
#[derive(Default)]
pub struct Reaper {
    finalizable: Vec<Entry>,
    weakrefs: Vec<Entry>,
    /// Referent address -> its weakrefs, oldest first.
    by_referent: FxHashMap<usize, Vec<usize>>,
    watch: Vec<Entry>,
    /// Dead weakrefs of units that have run, until a collection decides
    /// whether they were reclaimed or resurrected.
    weak_watch: Vec<Entry>,
    /// Units waiting to run (roots).
    pub queue: VecDeque<PendingUnit>,
    round: Option<Round>,
    next_serial: u64,
    /// Units queued by the last collection.
    pub last_units: usize,
    /// Event log, when requested.
    pub trace: Option<Trace>,
    /// Counters.
    pub stats: ReaperStats,
}

/// Labels objects in traces: the object's `id()`.
pub trait Labeler {
    /// The `id()` of `o` (assigning one if needed) at its current address.
    fn label(&mut self, o: ObjectRef) -> u64;
}

/// Does `o` carry a label worth tracing (finalizable or weakly referenced)?
fn labelled(o: ObjectRef) -> bool {
    object::flags(o) & (object::FLAG_HAS_FINALIZER | object::FLAG_HAS_WEAKREFS) != 0
}

impl Reaper {
    fn serial(&mut self) -> u64 {
        self.next_serial += 1;
        self.next_serial
    }

    /// Registers a new finalizable object (R16: at allocation).
    pub fn register_finalizable(&mut self, o: ObjectRef) {
        let serial = self.serial();
        self.finalizable.push(Entry {
            addr: o.addr(),
            serial,
        });
    }

    /// Registers a new weakref `w` to `referent`.
    pub fn register_weakref(&mut self, w: ObjectRef, referent: ObjectRef) {
        let serial = self.serial();
        self.weakrefs.push(Entry {
            addr: w.addr(),
            serial,
        });
        self.by_referent
            .entry(referent.addr())
            .or_default()
            .push(w.addr());
    }

    /// The weakrefs to `o` not known to be dead, oldest first.
    pub fn weakrefs_to(&self, o: ObjectRef) -> &[usize] {
        self.by_referent
            .get(&o.addr())
            .map(|v| v.as_slice())
            .unwrap_or(&[])
    }

    /// Current registration serial (objects registered later are newer).
    pub fn serial_now(&self) -> u64 {
        self.next_serial
    }

    /// Registered objects of any kind (bounds `gc.collect()` rounds).
    pub fn registered(&self) -> usize {
        self.finalizable.len() + self.weakrefs.len() + self.watch.len()
    }

    /// Are processed members waiting for their resurrection check?
    pub fn watching(&self) -> bool {
        !self.watch.is_empty()
    }

    /// Starts watching `o`, a member of a unit that has run.
    pub fn watch(&mut self, o: ObjectRef, serial: u64) {
        self.watch.push(Entry {
            addr: o.addr(),
            serial,
        });
    }

    /// Starts watching `w`, a dead weakref of a unit that has run.
    pub fn watch_weakref(&mut self, w: ObjectRef, serial: u64) {
        self.weak_watch.push(Entry {
            addr: w.addr(),
            serial,
        });
    }

    /// Records an event for `o`.
    pub fn event(&mut self, what: &str, label: u64) {
        if let Some(t) = self.trace.as_mut() {
            t.event(what, label);
        }
    }

    /// Values the queue holds, for the root scan.
    pub fn queue_values(&mut self) -> impl Iterator<Item = &mut Value> {
        self.queue.iter_mut().flat_map(|u| {
            u.callbacks
                .iter_mut()
                .chain(u.finalizers.iter_mut())
                .chain(u.members.iter_mut())
                .chain(u.dead_weakrefs.iter_mut())
        })
    }

    /// One `process_weak` call. Returns `true` to be called again once the
    /// collector has completed the closure of what was retained.
    pub fn process(&mut self, ctx: &mut dyn WeakContext, labels: &mut dyn Labeler) -> bool {
        if self.round.is_none() {
            let round = self.find_ready_units(ctx);
            let retained = !round.units.is_empty();
            self.round = Some(round);
            if retained {
                return true;
            }
        }
        let round = self.round.take().expect("round state");
        self.finish(ctx, labels, round);
        false
    }

    /// Step 1: candidates, units, ready units (retained).
    fn find_ready_units(&mut self, ctx: &mut dyn WeakContext) -> Round {
        let mut cands: Vec<usize> = Vec::new();
        let mut serial_of: FxHashMap<usize, u64> = FxHashMap::default();
        for e in &self.finalizable {
            let o = obj(e.addr);
            if !ctx.is_live(o) {
                cands.push(e.addr);
                serial_of.entry(e.addr).or_insert(e.serial);
            }
        }
        for e in &self.weakrefs {
            let w = obj(e.addr);
            let x = object::word(w, field::WR_REFERENT);
            if x == 0 || object::get(w, field::WR_CALLBACK).is_null() {
                continue;
            }
            if !ctx.is_live(obj(x)) {
                cands.push(x);
                let s = serial_of.entry(x).or_insert(e.serial);
                *s = (*s).min(e.serial);
            }
        }
        let mut round = Round {
            processing: FxHashSet::default(),
            unit_of: FxHashMap::default(),
            units: Vec::new(),
        };
        if cands.is_empty() {
            return round;
        }
        let sccs = Sccs::find(&cands, &*ctx);
        let n = sccs.comps.len();
        let mut is_cand = vec![false; n];
        for &c in &cands {
            is_cand[sccs.comp_of[&c] as usize] = true;
        }
        // Propagate "has a candidate ancestor" in topological order
        // (Tarjan completes sinks first, so walk the components backwards).
        let mut has_anc = vec![false; n];
        for ci in (0..n).rev() {
            if !(is_cand[ci] || has_anc[ci]) {
                continue;
            }
            for &m in &sccs.comps[ci] {
                object::scan(obj(m), |slot| {
                    if let Some(ch) = slot.load()
                        && let Some(&d) = sccs.comp_of.get(&ch.addr())
                        && d as usize != ci
                    {
                        has_anc[d as usize] = true;
                    }
                });
            }
        }
        for ci in 0..n {
            if !is_cand[ci] || has_anc[ci] {
                continue;
            }
            let ui = round.units.len();
            let mut unit = PendingUnit {
                serial: u64::MAX,
                ..PendingUnit::default()
            };
            for &m in &sccs.comps[ci] {
                let mo = obj(m);
                if let Some(&s) = serial_of.get(&m) {
                    unit.serial = unit.serial.min(s);
                }
                // Read flags before retaining: a moving collector may copy
                // the object only later, but `mo` stays readable until then.
                let finalizable = object::flags(mo)
                    & (object::FLAG_HAS_FINALIZER | object::FLAG_FINALIZED)
                    == object::FLAG_HAS_FINALIZER
                    && object::kind(mo) == Kind::Instance;
                let keep_label = labelled(mo);
                let is_weakref = object::kind(mo) == Kind::WeakRef;
                if is_weakref {
                    // Written through the old address: a moving collector
                    // copies retained objects after this call.
                    let k = object::word(mo, field::WR_KIND);
                    object::set_word(mo, field::WR_KIND, k | crate::weakref::DEAD);
                }
                let new = ctx.retain(mo);
                round.processing.insert(new.addr());
                round.unit_of.insert(new.addr(), ui);
                if finalizable {
                    unit.finalizers.push(Value::obj(new));
                }
                if keep_label {
                    unit.members.push(Value::obj(new));
                }
                if is_weakref {
                    unit.dead_weakrefs.push(Value::obj(new));
                }
            }
            round.units.push(unit);
        }
        round
    }

    /// Step 2, after the closure: weakrefs, registries, the watch list.
    fn finish(&mut self, ctx: &mut dyn WeakContext, labels: &mut dyn Labeler, mut round: Round) {
        let processing = |ctx: &dyn WeakContext, o: ObjectRef| -> Option<ObjectRef> {
            if ctx.is_live(o) {
                Some(ctx.forwarded(o))
            } else {
                None
            }
        };
        // Members watched since an earlier round: freed or resurrected.
        // A collection that cannot tell (a minor one, for mature members)
        // leaves the verdict to a later one.
        // Watched members found dead: their FREE events follow the weakref
        // pass, which first clears weakrefs made during their unit (R5e).
        let mut freed: FxHashSet<usize> = FxHashSet::default();
        let mut freed_watched: Vec<u64> = Vec::new();
        let watch = std::mem::take(&mut self.watch);
        for e in watch {
            let o = obj(e.addr);
            if !ctx.decides(o) {
                self.watch.push(e);
                continue;
            }
            match processing(ctx, o) {
                Some(n) if round.processing.contains(&n.addr()) => {
                    // Processed again (late weakrefs, R5e): watched again
                    // once that unit has run.
                }
                Some(_) => {
                    self.stats.resurrected += 1;
                    let l = labels.label(o);
                    self.event("RESURRECT", l);
                }
                None => {
                    freed.insert(e.addr);
                    freed_watched.push(labels.label(o));
                }
            }
        }
        // Dead weakrefs of units that have run: a reached one was
        // resurrected with its unit and is an ordinary weakref again.
        let weak_watch = std::mem::take(&mut self.weak_watch);
        for e in weak_watch {
            let w = obj(e.addr);
            if !ctx.decides(w) {
                self.weak_watch.push(e);
                continue;
            }
            if let Some(n) = processing(ctx, w)
                && !round.processing.contains(&n.addr())
            {
                let k = object::word(n, field::WR_KIND);
                object::set_word(n, field::WR_KIND, k & !crate::weakref::DEAD);
            }
        }
        // Weakrefs, newest first so each referent's callbacks are queued
        // newest first (R5b).
        let mut kept: Vec<Entry> = Vec::with_capacity(self.weakrefs.len());
        let weakrefs = std::mem::take(&mut self.weakrefs);
        for e in weakrefs.iter().rev() {
            let w_old = obj(e.addr);
            let Some(w) = processing(ctx, w_old) else {
                continue; // the weakref itself is garbage
            };
            let x = object::word(w, field::WR_REFERENT);
            if x == 0 {
                continue; // cleared earlier
            }
            let x_old = obj(x);
            let x_new = processing(ctx, x_old);
            match x_new {
                Some(xn) if !round.processing.contains(&xn.addr()) => {
                    object::set_word(w, field::WR_REFERENT, xn.addr());
                    kept.push(Entry {
                        addr: w.addr(),
                        serial: e.serial,
                    });
                }
                _ => {
                    object::set_word(w, field::WR_REFERENT, 0);
                    self.stats.cleared += 1;
                    let l = labels.label(w_old);
                    self.event("CLEAR", l);
                    let w_dead = round.processing.contains(&w.addr())
                        || object::word(w, field::WR_KIND) & crate::weakref::DEAD != 0;
                    let has_cb = !object::get(w, field::WR_CALLBACK).is_null();
                    if has_cb && !w_dead {
                        let ui = match x_new.and_then(|xn| round.unit_of.get(&xn.addr())) {
                            Some(&ui) => ui,
                            None => {
                                // Unreachable by construction (a callback
                                // referent is a candidate); stay safe.
                                round.units.push(PendingUnit {
                                    serial: e.serial,
                                    ..PendingUnit::default()
                                });
                                round.units.len() - 1
                            }
                        };
                        round.units[ui].callbacks.push(Value::obj(w));
                    }
                    if x_new.is_none() && freed.insert(x) {
                        let l = labels.label(x_old);
                        self.event("FREE", l);
                    }
                }
            }
        }
        for l in freed_watched {
            self.event("FREE", l);
        }
        kept.reverse();
        self.weakrefs = kept;
        self.by_referent.clear();
        for e in &self.weakrefs {
            let x = object::word(obj(e.addr), field::WR_REFERENT);
            self.by_referent.entry(x).or_default().push(e.addr);
        }
        // Finalizable objects: queued ones leave the registry (their flag
        // is set when `__del__` runs); the others are forwarded.
        let fin = std::mem::take(&mut self.finalizable);
        for e in fin {
            if let Some(n) = processing(ctx, obj(e.addr))
                && !round.processing.contains(&n.addr())
                && object::flags(n) & object::FLAG_FINALIZED == 0
            {
                self.finalizable.push(Entry {
                    addr: n.addr(),
                    serial: e.serial,
                });
            }
        }
        // Deferred verdicts: the members are live (they were not decided).
        for e in self.watch.iter_mut().chain(self.weak_watch.iter_mut()) {
            e.addr = ctx.forwarded(obj(e.addr)).addr();
        }
        self.last_units = round.units.len();
        self.stats.units += round.units.len() as u64;
        self.queue.extend(round.units);
        if let Some(t) = self.trace.as_mut() {
            t.flush();
        }
    }
}

#[inline]
fn obj(addr: usize) -> ObjectRef {
    ObjectRef::from_addr(addr).expect("registry holds a null address")
}

/// Strongly connected components of the unreached graph reachable from a
/// set of objects (iterative Tarjan: garbage chains can be very long).
struct Sccs {
    comp_of: FxHashMap<usize, u32>,
    /// Components in completion order: every component comes after all
    /// components it reaches.
    comps: Vec<Vec<usize>>,
}

/// A DFS frame: node `v` and the cursor into its slice of `Tarjan::edges`.
struct Frame {
    v: u32,
    edges_start: usize,
    next: usize,
}

/// Working state of one Tarjan run.
struct Tarjan<'a> {
    ctx: &'a dyn WeakContext,
    index: FxHashMap<usize, u32>,
    nodes: Vec<usize>,
    low: Vec<u32>,
    on_stack: Vec<bool>,
    stack: Vec<u32>,
    /// Unreached children of the nodes on the DFS path, frame by frame.
    edges: Vec<usize>,
    frames: Vec<Frame>,
    out: Sccs,
}

impl Tarjan<'_> {
    fn enter(&mut self, addr: usize) {
        let v = self.nodes.len() as u32;
        self.index.insert(addr, v);
        self.nodes.push(addr);
        self.low.push(v);
        self.on_stack.push(true);
        self.stack.push(v);
        let start = self.edges.len();
        let (ctx, edges) = (self.ctx, &mut self.edges);
        object::scan(obj(addr), |slot| {
            if let Some(ch) = slot.load()
                && !ctx.is_live(ch)
            {
                edges.push(ch.addr());
            }
        });
        self.frames.push(Frame {
            v,
            edges_start: start,
            next: start,
        });
    }

    /// Pops the finished frame of `v`, emitting its component if `v` is a root.
    fn leave(&mut self, v: usize) {
        let f = self.frames.pop().expect("frame");
        self.edges.truncate(f.edges_start);
        if self.low[v] == v as u32 {
            let id = self.out.comps.len() as u32;
            let mut comp = Vec::new();
            loop {
                let x = self.stack.pop().expect("tarjan stack") as usize;
                self.on_stack[x] = false;
                self.out.comp_of.insert(self.nodes[x], id);
                comp.push(self.nodes[x]);
                if x == v {
                    break;
                }
            }
            self.out.comps.push(comp);
        }
        if let Some(p) = self.frames.last() {
            let p = p.v as usize;
            self.low[p] = self.low[p].min(self.low[v]);
        }
    }

    fn visit_from(&mut self, root: usize) {
        if self.index.contains_key(&root) {
            return;
        }
        self.enter(root);
        while let Some(f) = self.frames.last_mut() {
            let v = f.v as usize;
            if f.next == self.edges.len() {
                self.leave(v);
                continue;
            }
            let c = self.edges[f.next];
            f.next += 1;
            match self.index.get(&c) {
                None => self.enter(c),
                Some(&ci) if self.on_stack[ci as usize] => {
                    self.low[v] = self.low[v].min(ci);
                }
                Some(_) => {}
            }
        }
    }
}

impl Sccs {
    fn find(roots: &[usize], ctx: &dyn WeakContext) -> Sccs {
        let mut t = Tarjan {
            ctx,
            index: FxHashMap::default(),
            nodes: Vec::new(),
            low: Vec::new(),
            on_stack: Vec::new(),
            stack: Vec::new(),
            edges: Vec::new(),
            frames: Vec::new(),
            out: Sccs {
                comp_of: FxHashMap::default(),
                comps: Vec::new(),
            },
        };
        for &r in roots {
            t.visit_from(r);
        }
        t.out
    }
}
