//! Property tests for the finalizer/weakref model (SEMANTICS.md, rules
//! R1-R17, "Testing the model").
//!
//! proptest generates random object graphs: objects of a finalizable class
//! (with `__del__`) or a plain class, strong edges between them (attributes
//! or lists: chains, cycles, diamonds), which objects stay rooted, weakrefs
//! and proxies with or without callbacks (a callback may hold an object
//! strongly), held from the roots, by some object or by nobody, and
//! finalizers that resurrect themselves or a successor, create new garbage,
//! create late weakrefs to themselves (R5e) or raise (R8).
//!
//! Many cases are batched into one Python program (one process per batch
//! and collector). Each case builds its graph inside a function, then the
//! module calls `gc.collect()`; `_heaplab.trace_mark` writes the case
//! boundaries *and* the label of every object and weakref (`MARK label K
//! NAME ID`, the label map) into the `--gc-opt trace_finalization=FILE`
//! trace, so labels are ordered with the events (under the conservative
//! collector ids are addresses and can be reused; an event is attributed to
//! the latest label bound to its id, only inside that label's case window,
//! and a `FREE` ends the binding). Finalizers and callbacks
//! print what they observe to stdout (the state of the case's rooted
//! weakrefs, and for callbacks `id(w)` and whether `w` is dead).
//!
//! Each trace is checked in Rust against constraints computed from the
//! generated graph (see [`Model`]): the garbage graph, its units (SCCs),
//! their precedence and which units the model processes (an ancestor's
//! finalizer may resurrect a unit, which is then never processed). Only
//! per-unit event sets and their partial order are checked, never raw
//! interleavings. See [`check_case`] for the rules.
//!
//! Collectors: `--gc=copying`, `--gc=conservative --gc-opt roots=precise`,
//! `--gc=generational` and `--gc=unified-rc` (all MUST rules), their
//! `--gc-stress` variants on the first few cases of each batch, and
//! `--gc=conservative` with ambiguous roots (safety and ordering only; false
//! retention is counted and printed). More configurations through
//! `HEAPLAB_PROP_COLLECTORS`, e.g. `generational:mature=semispace,
//! unified-rc:cycles=backup+stress` (each entry `NAME[:OPT=V...][+stress]`,
//! checked like the precise ones).
//!
//! Case counts: `PROPTEST_CASES` batches (default 32) of
//! `HEAPLAB_PROP_BATCH` graphs (default 30); `HEAPLAB_PROP_CASES=N` runs
//! about N graphs instead. A 100k-graph run:
//!
//! ```text
//! HEAPLAB_PROP_CASES=100000 HEAPLAB_PROP_BATCH=100 \
//!   CARGO_TARGET_DIR=/work/target-props cargo test -j 1 -p vm \
//!   --test finalization_props random_graphs -- --nocapture
//! ```
//!
//! (the workspace's test profile is optimized; 13-30 minutes on 2 cores,
//! depending on load).
//!
//! A failure is shrunk by proptest; the shrunk batch is saved in
//! `tests/finalization_regressions/` (program plus the generated graphs as
//! TOML in `#|` comment lines, with the collector and the violated rule),
//! and every saved regression is replayed under all collectors. A file whose
//! first line is `# known-failing: <reason>` documents a VM bug not fixed
//! yet: it is printed and skipped.

mod common;

use proptest::prelude::*;
use proptest::test_runner::{Config as PtConfig, TestCaseError, TestError, TestRunner};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------- graphs

/// What an object's `__del__` does after printing its observation.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
enum Action {
    Nothing,
    /// `KEEP.append(self)`.
    ResurrectSelf,
    /// `KEEP.append(<its i-th successor, modulo the out-degree>)`.
    ResurrectSucc(usize),
    /// Creates new finalizable garbage (a single object and a cycle).
    Junk,
    /// Creates a weakref to itself (R5e), rooted or held by itself.
    LateRef {
        callback: bool,
        rooted: bool,
    },
    /// Raises (R8: reported and ignored).
    Raise,
}

/// One object of a case: `o<i>`.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Obj {
    finalizable: bool,
    /// Edges stored in a list attribute `l` rather than attributes `e<k>`.
    list_edges: bool,
    rooted: bool,
    action: Action,
}

/// Who holds a weakref strongly.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
enum Holder {
    Root,
    Obj(usize),
    Nobody,
}

/// One weakref of a case: `w<j>` (or `p<j>` for a proxy).
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Weak {
    target: usize,
    proxy: bool,
    callback: bool,
    /// The callback holds this object strongly (a default argument).
    anchor: Option<usize>,
    holder: Holder,
}

/// One generated graph.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Case {
    objs: Vec<Obj>,
    edges: Vec<(usize, usize)>,
    weaks: Vec<Weak>,
}

/// The cases run by one process.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Batch {
    cases: Vec<Case>,
}

impl Case {
    /// Successor objects of `o<i>`, in emission order.
    fn succs(&self, i: usize) -> Vec<usize> {
        self.edges
            .iter()
            .filter(|e| e.0 == i)
            .map(|e| e.1)
            .collect()
    }

    /// Position (in `succs`) of the successor `o<i>.__del__` resurrects.
    fn resurrect_pos(&self, i: usize) -> Option<usize> {
        match self.objs[i].action {
            Action::ResurrectSucc(k) => {
                let n = self.succs(i).len();
                (n > 0).then(|| k % n)
            }
            _ => None,
        }
    }

    /// The object `o<i>.__del__` resurrects, if any.
    fn resurrect_target(&self, i: usize) -> Option<usize> {
        if !self.objs[i].finalizable {
            return None;
        }
        match self.objs[i].action {
            Action::ResurrectSelf => Some(i),
            Action::ResurrectSucc(_) => self.resurrect_pos(i).map(|p| self.succs(i)[p]),
            _ => None,
        }
    }

    fn weak_name(&self, j: usize) -> String {
        format!("{}{j}", if self.weaks[j].proxy { "p" } else { "w" })
    }
}

/// Largest number of objects per case.
const MAX_OBJS: usize = 9;

fn action_strategy() -> impl Strategy<Value = Action> {
    prop_oneof![
        6 => Just(Action::Nothing),
        2 => Just(Action::ResurrectSelf),
        2 => (0..3usize).prop_map(Action::ResurrectSucc),
        1 => Just(Action::Junk),
        2 => (any::<bool>(), any::<bool>())
            .prop_map(|(callback, rooted)| Action::LateRef { callback, rooted }),
        1 => Just(Action::Raise),
    ]
}

fn obj_strategy() -> impl Strategy<Value = Obj> {
    (
        prop::bool::weighted(0.6),
        any::<bool>(),
        prop::bool::weighted(0.2),
        action_strategy(),
    )
        .prop_map(|(finalizable, list_edges, rooted, action)| Obj {
            finalizable,
            list_edges,
            rooted,
            action,
        })
}

fn weak_strategy(n: usize) -> impl Strategy<Value = Weak> {
    let holder = prop_oneof![
        2 => Just(Holder::Root),
        3 => (0..n).prop_map(Holder::Obj),
        1 => Just(Holder::Nobody),
    ];
    (
        0..n,
        prop::bool::weighted(0.25),
        prop::bool::weighted(0.6),
        prop::option::weighted(0.3, 0..n),
        holder,
    )
        .prop_map(|(target, proxy, callback, anchor, holder)| Weak {
            target,
            proxy,
            callback,
            anchor: anchor.filter(|_| callback),
            holder,
        })
}

/// Edges: random pairs, plus optionally a chain through all objects (long
/// chains of candidates need several collection rounds, R12).
fn edges_strategy(n: usize) -> impl Strategy<Value = Vec<(usize, usize)>> {
    (
        prop::collection::vec((0..n, 0..n), 0..=2 * n),
        prop::bool::weighted(0.3),
    )
        .prop_map(move |(mut edges, chain)| {
            if chain {
                edges.extend((1..n).map(|i| (i - 1, i)));
            }
            edges
        })
}

fn case_strategy() -> impl Strategy<Value = Case> {
    (1..=MAX_OBJS)
        .prop_flat_map(|n| {
            (
                prop::collection::vec(obj_strategy(), n),
                edges_strategy(n),
                prop::collection::vec(weak_strategy(n), 0..=n),
            )
        })
        .prop_map(|(objs, edges, weaks)| no_shared_weakrefs(Case { objs, edges, weaks }))
}

/// `ref(x)`/`proxy(x)` without callback MAY return an existing
/// callback-less weakref of the same kind (R15): give duplicates a callback
/// so that every generated weakref is a distinct object.
fn no_shared_weakrefs(mut case: Case) -> Case {
    for j in 0..case.weaks.len() {
        let (x, px) = (case.weaks[j].target, case.weaks[j].proxy);
        let shared = case.weaks[..j]
            .iter()
            .any(|w| !w.callback && w.target == x && w.proxy == px);
        if shared && !case.weaks[j].callback {
            case.weaks[j].callback = true;
        }
    }
    case
}

fn batch_strategy(size: usize) -> impl Strategy<Value = Batch> {
    prop::collection::vec(case_strategy(), 1..=size.max(1)).prop_map(|cases| Batch { cases })
}

// ---------------------------------------------------------------- emitter

/// Helpers shared by all cases of a program.
const PRELUDE: &str = r#"import gc
import _heaplab
from _weakref import ref, proxy

ROOT = []
ROOTW = {}
KEEP = []
LATE = []


def label(k, name, o):
    _heaplab.trace_mark("label " + str(k) + " " + name + " " + str(id(o)))


def dead(w, px):
    if px:
        try:
            w.n
        except ReferenceError:
            return 1
        return 0
    return 1 if w() is None else 0


def obs(k):
    return ",".join([e[0] + "=" + str(dead(e[1], e[2])) for e in ROOTW[k]]) or "-"


def mkcb(k, n, a=None):
    px = n[0] == "p"

    def cb(w, _a=a):
        print("CB", k, n, id(w), dead(w, px), obs(k))
    return cb


class Base:
    def __init__(self, n):
        self.n = n


class Plain(Base):
    pass


class Junk:
    def __del__(self):
        pass


"#;

/// The whole program for a batch.
fn emit_program(batch: &Batch) -> String {
    let mut out = String::from(PRELUDE);
    for (k, case) in batch.cases.iter().enumerate() {
        emit_case(&mut out, k, case);
    }
    out.push_str("print(\"GARBAGE\", len(gc.garbage))\n");
    out
}

/// The `__del__` body lines for `o<i>`'s action.
fn del_action(k: usize, i: usize, case: &Case) -> Vec<String> {
    let o = &case.objs[i];
    match o.action {
        Action::Nothing => vec![],
        Action::ResurrectSelf => vec!["KEEP.append(self)".into()],
        Action::ResurrectSucc(_) => match case.resurrect_pos(i) {
            Some(p) if o.list_edges => vec![format!("KEEP.append(self.l[{p}])")],
            Some(p) => vec![format!("KEEP.append(self.e{p})")],
            None => vec![],
        },
        Action::Junk => vec![
            format!("label({k}, \"J\", Junk())"),
            "j = Junk()".into(),
            format!("label({k}, \"J\", j)"),
            "j.me = j".into(),
        ],
        Action::LateRef { callback, rooted } => {
            let cb = if callback {
                format!(", mkcb({k}, \"L{i}\")")
            } else {
                String::new()
            };
            vec![
                format!("lw = ref(self{cb})"),
                format!("label({k}, \"L{i}\", lw)"),
                if rooted {
                    "LATE.append(lw)".into()
                } else {
                    "self.lw = lw".into()
                },
            ]
        }
        Action::Raise => vec![format!("raise ValueError(\"case {k} o{i}\")")],
    }
}

/// One class per finalizable object, so `__del__` can be specific.
fn emit_classes(out: &mut String, k: usize, case: &Case) {
    for (i, o) in case.objs.iter().enumerate() {
        if !o.finalizable {
            continue;
        }
        let _ = writeln!(out, "class D{k}_{i}(Base):\n    def __del__(self):");
        let _ = writeln!(out, "        print(\"DEL\", {k}, \"o{i}\", obs({k}))");
        for line in del_action(k, i, case) {
            let _ = writeln!(out, "        {line}");
        }
        out.push_str("\n\n");
    }
}

/// Objects and their edges, inside the case function.
fn emit_objects(out: &mut String, k: usize, case: &Case) {
    for (i, o) in case.objs.iter().enumerate() {
        let class = if o.finalizable {
            format!("D{k}_{i}")
        } else {
            "Plain".to_string()
        };
        let _ = writeln!(
            out,
            "    o{i} = {class}(\"o{i}\")\n    label({k}, \"o{i}\", o{i})"
        );
    }
    for (i, o) in case.objs.iter().enumerate() {
        let succs = case.succs(i);
        if o.list_edges && !succs.is_empty() {
            let items: Vec<String> = succs.iter().map(|t| format!("o{t}")).collect();
            let _ = writeln!(out, "    o{i}.l = [{}]", items.join(", "));
        } else if !o.list_edges {
            for (p, t) in succs.iter().enumerate() {
                let _ = writeln!(out, "    o{i}.e{p} = o{t}");
            }
        }
    }
}

/// Weakrefs and roots, inside the case function.
fn emit_weakrefs(out: &mut String, k: usize, case: &Case) {
    for (j, w) in case.weaks.iter().enumerate() {
        let name = case.weak_name(j);
        let func = if w.proxy { "proxy" } else { "ref" };
        let cb = match (w.callback, w.anchor) {
            (false, _) => String::new(),
            (true, None) => format!(", mkcb({k}, \"{name}\")"),
            (true, Some(a)) => format!(", mkcb({k}, \"{name}\", o{a})"),
        };
        let _ = writeln!(out, "    {name} = {func}(o{}{cb})", w.target);
        let _ = writeln!(out, "    label({k}, \"{name}\", {name})");
        match w.holder {
            Holder::Root => {
                let px = u8::from(w.proxy);
                let _ = writeln!(out, "    ROOTW[{k}].append((\"{name}\", {name}, {px}))");
            }
            Holder::Obj(h) => {
                let _ = writeln!(out, "    o{h}.{name} = {name}");
            }
            Holder::Nobody => {}
        }
    }
    for (i, o) in case.objs.iter().enumerate() {
        if o.rooted {
            let _ = writeln!(out, "    ROOT.append(o{i})");
        }
    }
}

/// Case `k`: classes, the building function, and the module-level driver.
fn emit_case(out: &mut String, k: usize, case: &Case) {
    emit_classes(out, k, case);
    let _ = writeln!(out, "def case_{k}():\n    ROOTW[{k}] = []");
    emit_objects(out, k, case);
    emit_weakrefs(out, k, case);
    let _ = writeln!(
        out,
        "\n\n_heaplab.trace_mark(\"case {k} begin\")\ncase_{k}()\ngc.collect()\n\
         print(\"END\", {k}, obs({k}))\n_heaplab.trace_mark(\"case {k} end\")\n\n"
    );
}

// ---------------------------------------------------------------- model

/// What the model says happens to a node during the case's `gc.collect()`.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Status {
    /// Reachable from roots: no event at all (R2).
    Rooted,
    /// Garbage, but an ancestor's finalizer resurrects its unit (R4): never
    /// processed, weakrefs keep working.
    Spared,
    /// Garbage whose unit is processed; `resurrected` if a finalizer of its
    /// unit made it reachable again (R5d).
    Processed { resurrected: bool },
}

/// The graph of one case as the model sees it. Nodes are the objects
/// (`0..n`) then the weakrefs (`n..n+m`); an object holding a weakref
/// references it strongly and a weakref references its callback's anchor.
struct Model {
    n: usize,
    reach: Vec<Vec<bool>>,
    status: Vec<Status>,
    /// Unit (SCC of the garbage graph) of each garbage node: its smallest
    /// member.
    unit: Vec<Option<usize>>,
}

impl Model {
    fn new(case: &Case) -> Model {
        let n = case.objs.len();
        let total = n + case.weaks.len();
        let mut adj = vec![Vec::new(); total];
        for &(a, b) in &case.edges {
            adj[a].push(b);
        }
        for (j, w) in case.weaks.iter().enumerate() {
            if let Holder::Obj(h) = w.holder {
                adj[h].push(n + j);
            }
            if let Some(a) = w.anchor {
                adj[n + j].push(a);
            }
        }
        let reach: Vec<Vec<bool>> = (0..total).map(|s| reachable(&adj, s)).collect();
        let roots: Vec<usize> = (0..n)
            .filter(|&i| case.objs[i].rooted)
            .chain(
                (0..case.weaks.len())
                    .filter_map(|j| (case.weaks[j].holder == Holder::Root).then_some(n + j)),
            )
            .collect();
        let rooted: Vec<bool> = (0..total)
            .map(|v| roots.iter().any(|&r| reach[r][v]))
            .collect();
        let unit: Vec<Option<usize>> = (0..total)
            .map(|v| {
                if rooted[v] {
                    return None;
                }
                (0..total).find(|&u| !rooted[u] && reach[u][v] && reach[v][u])
            })
            .collect();
        let mut model = Model {
            n,
            reach,
            status: vec![Status::Rooted; total],
            unit,
        };
        model.process(case);
        model
    }

    /// Processes units in topological order, spreading resurrection.
    fn process(&mut self, case: &Case) {
        let total = self.status.len();
        let mut units: Vec<usize> = (0..total).filter(|&v| self.unit[v] == Some(v)).collect();
        // A unit has strictly more ancestors than each of its ancestors.
        units.sort_by_key(|&u| (0..total).filter(|&a| self.reach[a][u]).count());
        let mut revived = vec![false; total];
        for u in units {
            let members: Vec<usize> = (0..total).filter(|&v| self.unit[v] == Some(u)).collect();
            if revived[u] {
                for &v in &members {
                    self.status[v] = Status::Spared;
                }
                continue;
            }
            for &v in &members {
                if let Some(t) = (v < self.n).then(|| case.resurrect_target(v)).flatten() {
                    for (x, r) in revived.iter_mut().enumerate() {
                        *r |= self.reach[t][x] && self.unit[x].is_some();
                    }
                }
            }
            for &v in &members {
                self.status[v] = Status::Processed {
                    resurrected: revived[v],
                };
            }
        }
    }

    fn processed(&self, v: usize) -> bool {
        matches!(self.status[v], Status::Processed { .. })
    }

    fn resurrected(&self, v: usize) -> bool {
        self.status[v] == Status::Processed { resurrected: true }
    }

    /// Unit of `a` strictly precedes the unit of `b` (both garbage).
    fn precedes(&self, a: usize, b: usize) -> bool {
        match (self.unit[a], self.unit[b]) {
            (Some(ua), Some(ub)) => ua != ub && self.reach[ua][ub],
            _ => false,
        }
    }

    fn same_unit(&self, a: usize, b: usize) -> bool {
        self.unit[a].is_some() && self.unit[a] == self.unit[b]
    }

    /// Is a weakref to object `y` alive while Python code of `x`'s
    /// (processed) unit runs? `None` where the model leaves it open.
    fn alive_during(&self, x: usize, y: usize) -> Option<bool> {
        match self.status[y] {
            Status::Rooted | Status::Spared => Some(true),
            Status::Processed { .. } if self.same_unit(x, y) || self.precedes(y, x) => Some(false),
            Status::Processed { .. } if self.precedes(x, y) => Some(true),
            Status::Processed { .. } => None,
        }
    }
}

/// Nodes reachable from `s` (including `s`).
fn reachable(adj: &[Vec<usize>], s: usize) -> Vec<bool> {
    let mut seen = vec![false; adj.len()];
    let mut stack = vec![s];
    seen[s] = true;
    while let Some(v) = stack.pop() {
        for &c in &adj[v] {
            if !seen[c] {
                seen[c] = true;
                stack.push(c);
            }
        }
    }
    seen
}

// ---------------------------------------------------------------- traces

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Kind {
    Clear,
    Callback,
    Del,
    Resurrect,
    Free,
}

/// A labelled thing of a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Node {
    Obj(usize),
    Weak(usize),
    /// The late weakref created by `o<i>.__del__`.
    Late(usize),
}

fn node_of(name: &str) -> Option<Node> {
    let (head, num) = name.split_at(1);
    let i = num.parse().ok()?;
    match head {
        "o" => Some(Node::Obj(i)),
        "w" | "p" => Some(Node::Weak(i)),
        "L" => Some(Node::Late(i)),
        _ => None,
    }
}

/// Events of one case window, in trace order, and the labels' ids.
#[derive(Default)]
struct CaseTrace {
    events: Vec<(Kind, Node)>,
    ids: HashMap<String, u64>,
}

impl CaseTrace {
    /// Positions of the events of `kind` for `node`.
    fn at(&self, kind: Kind, node: Node) -> Vec<usize> {
        (self.events.iter().enumerate())
            .filter(|(_, e)| **e == (kind, node))
            .map(|(i, _)| i)
            .collect()
    }

    fn count(&self, kind: Kind, node: Node) -> usize {
        self.at(kind, node).len()
    }
}

/// Splits a trace into case windows. With `unique_ids` (moving collectors:
/// ids are never reused) a label stays bound after its `FREE`, so a second
/// `FREE` is seen; with address ids a `FREE` ends the binding.
fn parse_trace(text: &str, unique_ids: bool) -> HashMap<usize, CaseTrace> {
    let mut cases: HashMap<usize, CaseTrace> = HashMap::new();
    let mut cur: Option<usize> = None;
    // id -> (case, name): objects of an earlier case can be processed late
    // (false retention) and create late weakrefs then.
    let mut bound: HashMap<u64, (usize, String)> = HashMap::new();
    for line in text.lines() {
        let mut parts = line.split(' ');
        let (Some(what), Some(arg)) = (parts.next(), parts.next()) else {
            continue;
        };
        let rest: Vec<&str> = parts.collect();
        match (what, arg, rest.as_slice()) {
            ("MARK", "case", [k, "begin"]) => {
                cur = k.parse().ok();
            }
            ("MARK", "case", [_, "end"]) => cur = None,
            ("MARK", "label", [k, name, id]) => {
                let (Ok(k), Ok(id)) = (k.parse::<usize>(), id.parse::<u64>()) else {
                    continue;
                };
                bound.insert(id, (k, name.to_string()));
                if cur == Some(k) {
                    cases.entry(k).or_default().ids.insert(name.to_string(), id);
                }
            }
            (_, id, []) => {
                let kind = match what {
                    "CLEAR" => Kind::Clear,
                    "CALLBACK" => Kind::Callback,
                    "DEL" => Kind::Del,
                    "RESURRECT" => Kind::Resurrect,
                    "FREE" => Kind::Free,
                    _ => continue,
                };
                let (Some(k), Ok(id)) = (cur, id.parse::<u64>()) else {
                    continue;
                };
                let name = if kind == Kind::Free && !unique_ids {
                    bound.remove(&id)
                } else {
                    bound.get(&id).cloned()
                };
                let Some(node) = name
                    .filter(|(case, _)| *case == k)
                    .and_then(|(_, name)| node_of(&name))
                else {
                    continue;
                };
                // Objects get DEL/RESURRECT/FREE, weakrefs CLEAR/CALLBACK;
                // anything else is an id reused by an unlabelled object.
                let fits =
                    matches!(node, Node::Obj(_)) != matches!(kind, Kind::Clear | Kind::Callback);
                if fits {
                    cases.entry(k).or_default().events.push((kind, node));
                }
            }
            _ => {}
        }
    }
    cases
}

/// A printed weakref-state observation: name -> dead.
type Obs = Vec<(String, bool)>;

fn parse_obs(s: &str) -> Obs {
    if s == "-" {
        return vec![];
    }
    s.split(',')
        .filter_map(|e| e.split_once('='))
        .map(|(n, d)| (n.to_string(), d == "1"))
        .collect()
}

/// A callback's printed observation.
struct CbLine {
    name: String,
    id: u64,
    dead: bool,
    obs: Obs,
}

/// What the finalizers and callbacks of one case printed.
#[derive(Default)]
struct Printed {
    dels: Vec<(usize, Obs)>,
    cbs: Vec<CbLine>,
    end: Option<Obs>,
}

/// Per-case printed observations, and `len(gc.garbage)`.
fn parse_stdout(text: &str) -> (HashMap<usize, Printed>, Option<usize>) {
    let mut cases: HashMap<usize, Printed> = HashMap::new();
    let mut garbage = None;
    for line in text.lines() {
        let f: Vec<&str> = line.split(' ').collect();
        let k = f.get(1).and_then(|s| s.parse::<usize>().ok());
        match (f.as_slice(), k) {
            (["GARBAGE", n], _) => garbage = n.parse().ok(),
            (["DEL", _, name, obs], Some(k)) => {
                if let Some(Node::Obj(i)) = node_of(name) {
                    cases.entry(k).or_default().dels.push((i, parse_obs(obs)));
                }
            }
            (["CB", _, name, id, dead, obs], Some(k)) => {
                cases.entry(k).or_default().cbs.push(CbLine {
                    name: name.to_string(),
                    id: id.parse().unwrap_or(0),
                    dead: *dead == "1",
                    obs: parse_obs(obs),
                });
            }
            (["END", _, obs], Some(k)) => cases.entry(k).or_default().end = Some(parse_obs(obs)),
            _ => {}
        }
    }
    (cases, garbage)
}

// ---------------------------------------------------------------- checker

/// A violated rule.
#[derive(Debug)]
struct Violation {
    rule: &'static str,
    detail: String,
}

macro_rules! ensure {
    ($cond:expr, $rule:expr, $($fmt:tt)+) => {
        if !$cond {
            return Err(Violation { rule: $rule, detail: format!($($fmt)+) });
        }
    };
}

/// False-retention measurements (ambiguous roots).
#[derive(Default, Clone, Copy, Debug)]
struct Retention {
    dels_expected: usize,
    dels_seen: usize,
    callbacks_expected: usize,
    callbacks_seen: usize,
    /// Required callbacks of weakrefs reachable only through their
    /// referent's successor units (R7), expected and seen.
    succ_callbacks_expected: usize,
    succ_callbacks_seen: usize,
}

impl Retention {
    fn add(&mut self, o: Retention) {
        self.dels_expected += o.dels_expected;
        self.dels_seen += o.dels_seen;
        self.callbacks_expected += o.callbacks_expected;
        self.callbacks_seen += o.callbacks_seen;
        self.succ_callbacks_expected += o.succ_callbacks_expected;
        self.succ_callbacks_seen += o.succ_callbacks_seen;
    }
}

/// Everything `check_case` needs.
struct Ctx<'a> {
    case: &'a Case,
    m: &'a Model,
    tr: &'a CaseTrace,
    pr: &'a Printed,
    /// Precise roots: R12 completeness is required.
    exact: bool,
}

/// Checks one case. Rules (each a constraint on per-node event counts or on
/// the order of event sets, derived from [`Model`]):
/// * R2 safety: no event for rooted or spared objects or weakrefs to them,
///   no DEL of a plain object, no FREE of a resurrected object;
/// * R3 at most one DEL (and at most one of every other event) per node;
/// * R12 (precise roots): every finalizable object of a processed unit gets
///   DEL, resurrected ones RESURRECT, the others FREE (when finalizable or
///   weakly referenced by a rooted weakref or a callback weakref of a
///   successor unit);
/// * R4: for processed units S ≺ T, S's DELs and callbacks and the FREEs of
///   its members come before T's DELs and callbacks, and S's Python code
///   before the clearing of T's weakrefs;
/// * R5: in a unit, CLEAR < CALLBACK < DEL < FREE; late weakrefs (R5e) are
///   cleared after their creator's DEL, and cleared and called back before
///   it is freed;
/// * R7: which callbacks must, may or must not run; the callback receives
///   its weakref (`id`) and sees it dead;
/// * R6: inside `__del__` and callbacks, weakrefs to the unit and to earlier
///   units are dead, to later units and rooted or spared objects alive;
///   after `gc.collect()`, dead exactly for processed objects (R6.3).
fn check_case(cx: &Ctx) -> Result<Retention, Violation> {
    check_objects(cx)?;
    check_weakrefs(cx)?;
    check_late(cx)?;
    check_unit_order(cx)?;
    check_observations(cx)?;
    Ok(retention(cx))
}

fn check_objects(cx: &Ctx) -> Result<(), Violation> {
    let (case, m, tr) = (cx.case, cx.m, cx.tr);
    for (i, o) in case.objs.iter().enumerate() {
        let node = Node::Obj(i);
        let [del, free, res] = [Kind::Del, Kind::Free, Kind::Resurrect].map(|k| tr.count(k, node));
        let printed = cx.pr.dels.iter().filter(|d| d.0 == i).count();
        ensure!(
            del <= 1 && printed <= 1,
            "R3",
            "o{i}: {del} DEL events, {printed} DEL prints"
        );
        ensure!(
            free <= 1 && (res <= 1 || !cx.exact),
            "R3",
            "o{i}: {free} FREE, {res} RESURRECT"
        );
        ensure!(
            o.finalizable || del + printed == 0,
            "R2/R16",
            "o{i} is plain but got DEL"
        );
        if !m.processed(i) {
            ensure!(
                del + free + res + printed == 0,
                "R2",
                "o{i} is {:?} but got events",
                m.status[i]
            );
            continue;
        }
        let resurrected = m.resurrected(i);
        ensure!(
            !(resurrected && free > 0),
            "R2",
            "o{i} resurrected but FREEd"
        );
        if !cx.exact {
            continue;
        }
        ensure!(
            !o.finalizable || del == 1,
            "R12",
            "o{i}: finalizable garbage, DEL x{del}"
        );
        ensure!(
            resurrected || res == 0,
            "R5d",
            "o{i} not resurrected but RESURRECT"
        );
        // Weakly referenced by a weakref still live when `o<i>` is
        // processed (a dead one may be dropped silently with its referent).
        let weakly = case.weaks.iter().enumerate().any(|(j, w)| {
            let wn = m.n + j;
            w.target == i && (m.status[wn] == Status::Rooted || (w.callback && m.precedes(i, wn)))
        });
        if resurrected && o.finalizable {
            ensure!(res == 1, "R12", "o{i} resurrected but no RESURRECT");
        } else if !resurrected && (o.finalizable || weakly) {
            ensure!(free == 1, "R12", "o{i}: labelled garbage not FREEd");
        }
    }
    Ok(())
}

/// How many times the callback of weakref `j` must run: `Some(n)` or free.
fn expected_callbacks(m: &Model, case: &Case, j: usize) -> Option<usize> {
    let (w, wn) = (&case.weaks[j], m.n + j);
    let x = w.target;
    if !w.callback || !m.processed(x) {
        return Some(0);
    }
    match m.status[wn] {
        Status::Rooted => Some(1),
        _ if m.same_unit(x, wn) || m.precedes(wn, x) => Some(0),
        _ if m.precedes(x, wn) => Some(1),
        _ => None,
    }
}

fn check_weakrefs(cx: &Ctx) -> Result<(), Violation> {
    let (case, m, tr) = (cx.case, cx.m, cx.tr);
    for (j, w) in case.weaks.iter().enumerate() {
        let (node, name) = (Node::Weak(j), case.weak_name(j));
        let (clear, cb) = (tr.count(Kind::Clear, node), tr.count(Kind::Callback, node));
        let lines: Vec<&CbLine> = cx.pr.cbs.iter().filter(|c| c.name == name).collect();
        ensure!(
            clear <= 1 && cb <= 1 && lines.len() <= 1,
            "R7",
            "{name}: CLEAR x{clear}, CALLBACK x{cb}, printed x{}",
            lines.len()
        );
        ensure!(
            m.processed(w.target) || clear + cb == 0,
            "R2",
            "{name}: referent o{} is {:?}, but weakref got CLEAR/CALLBACK",
            w.target,
            m.status[w.target]
        );
        let expect = expected_callbacks(m, case, j);
        match expect {
            Some(0) => ensure!(
                cb == 0 && lines.is_empty(),
                "R7",
                "{name}: callback must not run (w {:?}, x {:?})",
                m.status[m.n + j],
                m.status[w.target]
            ),
            Some(n) if cx.exact => ensure!(
                cb == n,
                "R7",
                "{name}: callback ran {cb} times, expected {n} (w {:?})",
                m.status[m.n + j]
            ),
            _ => {}
        }
        let (clears, cbs) = (tr.at(Kind::Clear, node), tr.at(Kind::Callback, node));
        ensure!(before(&clears, &cbs), "R5", "{name}: CALLBACK before CLEAR");
        ensure!(
            !cx.exact || cb == 0 || clear == 1,
            "R5",
            "{name}: CALLBACK without CLEAR"
        );
        let must_clear = m.processed(w.target)
            && (m.status[m.n + j] == Status::Rooted
                || (w.callback && m.precedes(w.target, m.n + j)));
        ensure!(
            !cx.exact || !must_clear || clear == 1,
            "R5a",
            "{name}: live weakref to processed o{} not cleared",
            w.target
        );
        for l in lines {
            ensure!(l.dead, "R7", "{name}: w() is not None inside its callback");
            ensure!(
                Some(&l.id) == tr.ids.get(&name),
                "R7",
                "{name}: callback did not receive its weakref"
            );
        }
    }
    Ok(())
}

fn check_late(cx: &Ctx) -> Result<(), Violation> {
    let (case, m, tr) = (cx.case, cx.m, cx.tr);
    for (i, o) in case.objs.iter().enumerate() {
        let Action::LateRef { callback, rooted } = o.action else {
            continue;
        };
        let node = Node::Late(i);
        let (clear, cb) = (tr.at(Kind::Clear, node), tr.at(Kind::Callback, node));
        ensure!(
            clear.len() <= 1 && cb.len() <= 1,
            "R7",
            "L{i}: CLEAR x{}, CALLBACK x{}",
            clear.len(),
            cb.len()
        );
        ensure!(
            callback || cb.is_empty(),
            "R7",
            "L{i} has no callback but got CALLBACK"
        );
        if !o.finalizable || !m.processed(i) || m.resurrected(i) {
            ensure!(
                clear.is_empty() && cb.is_empty(),
                "R2",
                "L{i}: its referent lives, yet CLEAR/CALLBACK"
            );
            continue;
        }
        if cx.exact {
            // Held only by its referent and without callback, it dies
            // unobserved with it: clearing it is not required.
            let observable = rooted || callback;
            ensure!(
                !observable || clear.len() == 1,
                "R5e",
                "L{i}: late weakref to a reclaimed object not cleared"
            );
            ensure!(
                cb.len() == usize::from(callback),
                "R5e",
                "L{i}: late callback x{}",
                cb.len()
            );
        }
        let del = tr.at(Kind::Del, Node::Obj(i));
        let free = tr.at(Kind::Free, Node::Obj(i));
        ensure!(
            before(&del, &clear) && before(&clear, &cb),
            "R5e",
            "L{i}: DEL < CLEAR < CALLBACK violated"
        );
        ensure!(
            cb.is_empty() || !clear.is_empty() || !cx.exact,
            "R5e",
            "L{i}: CALLBACK without CLEAR"
        );
        // Without a callback the late weakref is cleared in the pause that
        // reclaims `o<i>`: the order inside a pause is not observable.
        ensure!(
            !callback || before(&clear, &free),
            "R5e",
            "o{i} freed before its late weakref was cleared"
        );
        ensure!(
            before(&cb, &free),
            "R5e",
            "o{i} freed before its late weakref was called back"
        );
    }
    Ok(())
}

/// Every element of `a` comes before every element of `b`.
fn before(a: &[usize], b: &[usize]) -> bool {
    match (a.iter().max(), b.iter().min()) {
        (Some(x), Some(y)) => x < y,
        _ => true,
    }
}

/// Event positions of one unit, grouped by what they mean.
#[derive(Default)]
struct UnitEvents {
    clears: Vec<usize>,
    callbacks: Vec<usize>,
    dels: Vec<usize>,
    frees: Vec<usize>,
    /// Late weakrefs' events (R5e): Python code of the unit too.
    late: Vec<usize>,
}

fn unit_events(cx: &Ctx, u: usize) -> UnitEvents {
    let (case, m, tr) = (cx.case, cx.m, cx.tr);
    let mut ev = UnitEvents::default();
    for i in (0..case.objs.len()).filter(|&i| m.unit[i] == Some(u)) {
        ev.dels.extend(tr.at(Kind::Del, Node::Obj(i)));
        ev.frees.extend(tr.at(Kind::Free, Node::Obj(i)));
        ev.late.extend(tr.at(Kind::Clear, Node::Late(i)));
        ev.late.extend(tr.at(Kind::Callback, Node::Late(i)));
    }
    for (j, w) in case.weaks.iter().enumerate() {
        if m.unit[w.target] == Some(u) {
            ev.clears.extend(tr.at(Kind::Clear, Node::Weak(j)));
            ev.callbacks.extend(tr.at(Kind::Callback, Node::Weak(j)));
        }
    }
    ev
}

fn check_unit_order(cx: &Ctx) -> Result<(), Violation> {
    let m = cx.m;
    let units: Vec<usize> = (0..m.status.len())
        .filter(|&v| m.unit[v] == Some(v) && m.processed(v))
        .collect();
    let evs: HashMap<usize, UnitEvents> = units.iter().map(|&u| (u, unit_events(cx, u))).collect();
    for &u in &units {
        let e = &evs[&u];
        ensure!(
            before(&e.clears, &e.callbacks),
            "R5",
            "unit of node {u}: CALLBACK before all CLEARs"
        );
        ensure!(
            before(&e.clears, &e.dels) && before(&e.callbacks, &e.dels),
            "R5",
            "unit of node {u}: DEL before CLEAR/CALLBACK"
        );
        ensure!(
            before(&e.dels, &e.frees) && before(&e.callbacks, &e.frees),
            "R5",
            "unit of node {u}: FREE before DEL/CALLBACK"
        );
        for &t in units.iter().filter(|&&t| m.precedes(u, t)) {
            let f = &evs[&t];
            let code: Vec<usize> = [&e.dels, &e.callbacks, &e.late]
                .into_iter()
                .flatten()
                .copied()
                .collect();
            let done: Vec<usize> = code.iter().chain(&e.frees).copied().collect();
            let later: Vec<usize> = f.dels.iter().chain(&f.callbacks).copied().collect();
            ensure!(
                before(&done, &later),
                "R4",
                "unit of node {t} ran code before its predecessor (node {u}) was processed and reclaimed"
            );
            ensure!(
                before(&code, &f.clears),
                "R4",
                "unit of node {t} cleared before its predecessor (node {u}) ran"
            );
        }
    }
    Ok(())
}

/// Checks a printed weakref-state observation made by Python code of the
/// unit of object `x`.
fn check_obs(cx: &Ctx, x: usize, who: &str, obs: &Obs) -> Result<(), Violation> {
    for (name, dead) in obs {
        let Some(Node::Weak(j)) = node_of(name) else {
            continue;
        };
        let y = cx.case.weaks[j].target;
        if let Some(alive) = cx.m.alive_during(x, y) {
            ensure!(
                alive != *dead,
                "R6",
                "inside {who}: {name} (to o{y}, {:?}) dead={dead}",
                cx.m.status[y]
            );
        }
    }
    Ok(())
}

fn check_observations(cx: &Ctx) -> Result<(), Violation> {
    for (i, obs) in &cx.pr.dels {
        check_obs(cx, *i, &format!("o{i}.__del__"), obs)?;
    }
    for l in &cx.pr.cbs {
        if let Some(Node::Weak(j)) = node_of(&l.name) {
            check_obs(
                cx,
                cx.case.weaks[j].target,
                &format!("callback of {}", l.name),
                &l.obs,
            )?;
        }
    }
    let Some(end) = &cx.pr.end else {
        return Err(Violation {
            rule: "run",
            detail: "no END line".into(),
        });
    };
    for (name, dead) in end {
        let Some(Node::Weak(j)) = node_of(name) else {
            continue;
        };
        let y = cx.case.weaks[j].target;
        let processed = cx.m.processed(y);
        ensure!(
            processed || !dead,
            "R2",
            "after collect: {name} to live o{y} is dead"
        );
        ensure!(
            !cx.exact || !processed || *dead,
            "R6/R12",
            "after collect: {name} to processed o{y} still alive"
        );
    }
    Ok(())
}

fn retention(cx: &Ctx) -> Retention {
    let (case, m, tr) = (cx.case, cx.m, cx.tr);
    let mut r = Retention::default();
    for i in (0..case.objs.len()).filter(|&i| case.objs[i].finalizable && m.processed(i)) {
        r.dels_expected += 1;
        r.dels_seen += tr.count(Kind::Del, Node::Obj(i)).min(1);
    }
    for j in 0..case.weaks.len() {
        if expected_callbacks(m, case, j) == Some(1) {
            r.callbacks_expected += 1;
            let seen = tr.count(Kind::Callback, Node::Weak(j)).min(1);
            r.callbacks_seen += seen;
            if m.status[m.n + j] != Status::Rooted {
                r.succ_callbacks_expected += 1;
                r.succ_callbacks_seen += seen;
            }
        }
    }
    r
}

// ---------------------------------------------------------------- runner

/// One collector configuration.
#[derive(Clone, Debug)]
struct Collector {
    name: String,
    args: Vec<String>,
    /// Precise roots: all MUST rules; otherwise safety and ordering only.
    exact: bool,
    /// Run only the first few cases of a batch (`--gc-stress` is slow).
    stress: bool,
}

impl Collector {
    fn new(name: &str, args: &[&str], exact: bool) -> Collector {
        let stress = args.contains(&"--gc-stress");
        Collector {
            name: name.to_string(),
            args: args.iter().map(|s| s.to_string()).collect(),
            exact,
            stress,
        }
    }

    /// `NAME[:OPT=V...][+stress]` from `HEAPLAB_PROP_COLLECTORS`.
    fn parse(spec: &str) -> Collector {
        let (base, stress) = match spec.strip_suffix("+stress") {
            Some(b) => (b, true),
            None => (spec, false),
        };
        let mut parts = base.split(':');
        let mut args = vec![format!("--gc={}", parts.next().unwrap_or_default())];
        for opt in parts {
            args.extend(["--gc-opt".to_string(), opt.to_string()]);
        }
        if stress {
            args.push("--gc-stress".to_string());
        }
        Collector {
            name: spec.to_string(),
            args,
            exact: true,
            stress,
        }
    }
}

/// Cases of a batch run under `--gc-stress`.
const STRESS_CASES: usize = 5;

fn collectors() -> Vec<Collector> {
    let precise = ["--gc=conservative", "--gc-opt", "roots=precise"];
    let mut v = vec![
        Collector::new("copying", &["--gc=copying"], true),
        Collector::new("conservative-precise", &precise, true),
        Collector::new("copying+stress", &["--gc=copying", "--gc-stress"], true),
        Collector::new(
            "conservative-precise+stress",
            &[&precise[..], &["--gc-stress"]].concat(),
            true,
        ),
        Collector::new("generational", &["--gc=generational"], true),
        Collector::new(
            "generational+stress",
            &["--gc=generational", "--gc-stress"],
            true,
        ),
        Collector::new("unified-rc", &["--gc=unified-rc"], true),
        Collector::new(
            "unified-rc+stress",
            &["--gc=unified-rc", "--gc-stress"],
            true,
        ),
        Collector::new("conservative", &["--gc=conservative"], false),
    ];
    if let Ok(extra) = std::env::var("HEAPLAB_PROP_COLLECTORS") {
        v.extend(
            extra
                .split(',')
                .filter(|s| !s.trim().is_empty())
                .map(|s| Collector::parse(s.trim())),
        );
    }
    v
}

/// A failed run: which collector, which rule.
#[derive(Debug, Clone)]
struct Failure {
    collector: String,
    rule: String,
    detail: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{}] {}: {}", self.collector, self.rule, self.detail)
    }
}

/// A fresh scratch directory.
fn scratch_dir() -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let d = std::env::temp_dir().join(format!("heaplab-props-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&d).expect("create scratch dir");
    d
}

/// Runs `batch` under `c` and checks every case.
fn run_batch(batch: &Batch, c: &Collector) -> Result<Retention, Failure> {
    let fail = |rule: &str, detail: String| Failure {
        collector: c.name.clone(),
        rule: rule.to_string(),
        detail,
    };
    let dir = scratch_dir();
    std::fs::write(dir.join("prog.py"), emit_program(batch)).expect("write program");
    let mut args: Vec<&str> = c.args.iter().map(String::as_str).collect();
    args.extend(["--gc-opt", "trace_finalization=trace.txt"]);
    let out = common::run(&dir, &args, "prog.py", &[], Duration::from_secs(300), &[]);
    let trace = std::fs::read_to_string(dir.join("trace.txt")).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&dir);
    if out.status != Some(0) {
        let tail: String = out
            .stderr
            .lines()
            .rev()
            .take(8)
            .collect::<Vec<_>>()
            .join(" | ");
        return Err(fail(
            "run",
            format!("exit {:?}; stderr tail: {tail}", out.status),
        ));
    }
    let traces = parse_trace(&trace, c.args.iter().any(|a| a == "--gc=copying"));
    let (printed, garbage) = parse_stdout(&out.stdout);
    if garbage != Some(0) {
        return Err(fail("R9", format!("gc.garbage length {garbage:?}")));
    }
    let (empty_t, empty_p) = (CaseTrace::default(), Printed::default());
    let mut total = Retention::default();
    for (k, case) in batch.cases.iter().enumerate() {
        let m = Model::new(case);
        let cx = Ctx {
            case,
            m: &m,
            tr: traces.get(&k).unwrap_or(&empty_t),
            pr: printed.get(&k).unwrap_or(&empty_p),
            exact: c.exact,
        };
        let r = check_case(&cx);
        total.add(r.map_err(|v| fail(v.rule, format!("case {k}: {}", v.detail)))?);
    }
    Ok(total)
}

/// The part of `batch` a collector runs.
fn subset(batch: &Batch, c: &Collector) -> Batch {
    let n = if c.stress { STRESS_CASES } else { usize::MAX };
    Batch {
        cases: batch.cases.iter().take(n).cloned().collect(),
    }
}

/// Totals over the whole test run.
#[derive(Default)]
struct Totals {
    processes: usize,
    cases: HashMap<String, usize>,
    retention: HashMap<String, Retention>,
}

/// Runs `batch` under every collector (in parallel); the first failure.
fn run_all(batch: &Batch, cols: &[Collector], totals: &Mutex<Totals>) -> Result<(), Failure> {
    let failures = Mutex::new(Vec::new());
    common::parallel(cols.to_vec(), common::threads(), |c| {
        let sub = subset(batch, c);
        match run_batch(&sub, c) {
            Ok(r) => {
                let mut t = totals.lock().expect("lock");
                t.processes += 1;
                *t.cases.entry(c.name.clone()).or_default() += sub.cases.len();
                t.retention.entry(c.name.clone()).or_default().add(r);
            }
            Err(f) => failures.lock().expect("lock").push(f),
        }
        None
    });
    let first = failures.into_inner().expect("lock").into_iter().next();
    first.map_or(Ok(()), Err)
}

// ---------------------------------------------------------------- regressions

fn regressions_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/finalization_regressions")
}

/// Saves a shrunk failing batch; returns its path.
fn save_regression(batch: &Batch, f: &Failure) -> PathBuf {
    let dir = regressions_dir();
    std::fs::create_dir_all(&dir).expect("create regressions dir");
    let data = toml::to_string(batch).expect("serialize batch");
    let mut text = format!(
        "# Shrunk failing case of tests/finalization_props.rs.\n# collector: {}\n# rule: {}\n# detail: {}\n",
        f.collector, f.rule, f.detail
    );
    text.push_str("# Generated graphs (replayed by the test):\n");
    for line in data.lines() {
        let _ = writeln!(text, "#| {line}");
    }
    text.push('\n');
    text.push_str(&emit_program(batch));
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let path = dir.join(format!("{}-{stamp}.py", f.rule.replace('/', "_")));
    std::fs::write(&path, text).expect("write regression");
    path
}

/// The batch stored in a regression file's `#|` lines.
fn load_regression(text: &str) -> Option<Batch> {
    let data: String = text
        .lines()
        .filter_map(|l| l.strip_prefix("#| ").or(l.strip_prefix("#|")))
        .map(|l| format!("{l}\n"))
        .collect();
    toml::from_str(&data).ok()
}

// ---------------------------------------------------------------- tests

fn env_usize(name: &str) -> Option<usize> {
    std::env::var(name).ok().and_then(|s| s.parse().ok())
}

/// (number of batches, largest batch).
fn case_budget() -> (u32, usize) {
    let batch = env_usize("HEAPLAB_PROP_BATCH").unwrap_or(30).max(1);
    if let Some(cases) = env_usize("HEAPLAB_PROP_CASES") {
        // Batch sizes are uniform in 1..=batch: about batch/2 on average.
        let avg = batch.div_ceil(2).max(1);
        return (cases.div_ceil(avg).max(1) as u32, batch);
    }
    let batches = env_usize("PROPTEST_CASES").unwrap_or(32).max(1);
    (batches as u32, batch)
}

fn report(totals: &Totals, elapsed: Duration) {
    let mut names: Vec<&String> = totals.cases.keys().collect();
    names.sort();
    println!(
        "finalization_props: {} processes in {:.1}s",
        totals.processes,
        elapsed.as_secs_f64()
    );
    for n in names {
        let r = totals.retention.get(n).copied().unwrap_or_default();
        println!(
            "  {n}: {} cases; finalizers {}/{} ran, required callbacks {}/{} ran",
            totals.cases[n], r.dels_seen, r.dels_expected, r.callbacks_seen, r.callbacks_expected
        );
        println!(
            "    of which through the referent's successors: {}/{}",
            r.succ_callbacks_seen, r.succ_callbacks_expected
        );
        if n == "conservative" {
            println!(
                "  conservative (ambiguous roots): finalizers missing through false retention: {} of {}; callbacks missing: {} of {}",
                r.dels_expected - r.dels_seen,
                r.dels_expected,
                r.callbacks_expected - r.callbacks_seen,
                r.callbacks_expected
            );
        }
    }
}

#[test]
fn random_graphs() {
    let (batches, size) = case_budget();
    let cols = collectors();
    let totals = Mutex::new(Totals::default());
    let start = Instant::now();
    let config = PtConfig {
        cases: batches,
        failure_persistence: None,
        max_shrink_iters: 2000,
        ..PtConfig::default()
    };
    let mut runner = TestRunner::new(config);
    let result = runner.run(&batch_strategy(size), |batch| {
        run_all(&batch, &cols, &totals).map_err(|f| TestCaseError::fail(f.to_string()))
    });
    report(&totals.lock().expect("lock"), start.elapsed());
    match result {
        Ok(()) => {}
        Err(TestError::Fail(reason, batch)) => {
            let f = run_all(&batch, &cols, &Mutex::new(Totals::default()))
                .err()
                .unwrap_or(Failure {
                    collector: "?".into(),
                    rule: "flaky".into(),
                    detail: reason.to_string(),
                });
            let path = save_regression(&batch, &f);
            panic!("{f}\nshrunk program saved to {}", path.display());
        }
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn saved_regressions() {
    let Ok(entries) = std::fs::read_dir(regressions_dir()) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "py"))
        .collect();
    paths.sort();
    let cols = collectors();
    let totals = Mutex::new(Totals::default());
    let mut failures = Vec::new();
    for p in paths {
        let text = std::fs::read_to_string(&p).expect("read regression");
        if let Some(reason) = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# known-failing:"))
        {
            println!("skipping known-failing {}:{reason}", p.display());
            continue;
        }
        let Some(batch) = load_regression(&text) else {
            failures.push(format!("{}: cannot read its #| graph data", p.display()));
            continue;
        };
        if let Err(f) = run_all(&batch, &cols, &totals) {
            failures.push(format!("{}: {f}", p.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
