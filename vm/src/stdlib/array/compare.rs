//! How array items compare: with each other (exactly, across int and
//! float codes) and with Python values (`in`, `count`, `index`,
//! `remove`), and the rich comparisons of two arrays.

use super::store::{Item, item_value, store_of};
use super::this;
use crate::bytecode::CmpOp;
use crate::num;
use crate::object::{self, Kind};
use crate::value::Value;
use crate::vm::{Args, PyResult, Vm};
use gc_api::Heap;
use num_traits::ToPrimitive;
use std::cmp::Ordering;

// ------------------------------------------------------------ comparing items

/// Exact comparison of an int and a float (`None` when `f` is NaN).
fn int_float_cmp(i: i128, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    // Items are at most 64-bit, so a float this large is beyond them all.
    if f >= 1e30 {
        return Some(Ordering::Less);
    }
    if f <= -1e30 {
        return Some(Ordering::Greater);
    }
    let fl = f.floor();
    match i.cmp(&(fl as i128)) {
        Ordering::Equal if f > fl => Some(Ordering::Less),
        o => Some(o),
    }
}

/// Compares two items as Python would: `Ok(None)` for unordered (NaN),
/// `Err(())` when Python raises (a character against a number).
fn item_cmp(x: Item, y: Item) -> Result<Option<Ordering>, ()> {
    Ok(match (x, y) {
        (Item::Int(a), Item::Int(b)) => Some(a.cmp(&b)),
        (Item::Float(a), Item::Float(b)) => a.partial_cmp(&b),
        (Item::Char(a), Item::Char(b)) => Some(a.cmp(&b)),
        (Item::Int(i), Item::Float(f)) => int_float_cmp(i, f),
        (Item::Float(f), Item::Int(i)) => int_float_cmp(i, f).map(Ordering::reverse),
        _ => return Err(()),
    })
}

/// `x == y` for two items (a character never equals a number).
fn item_eq(x: Item, y: Item) -> bool {
    matches!(item_cmp(x, y), Ok(Some(Ordering::Equal)))
}

/// How a searched-for value compares with the items.
enum Probe {
    /// Compare natively with this item.
    Item(Item),
    /// Equal to no item (a str that is not one character).
    Never,
    /// Compare through Python's `==`.
    Python,
}

fn probe<H: Heap>(v: Value) -> Probe {
    let u = Vm::<H>::unbox(v);
    if num::is_int(u) {
        return match num::to_bigint(u).to_i128() {
            Some(i) => Probe::Item(Item::Int(i)),
            None => Probe::Python,
        };
    }
    if u.is_obj() {
        match object::kind(u.as_obj()) {
            Kind::Float => return Probe::Item(Item::Float(object::float_of(u.as_obj()))),
            Kind::Str => {
                let mut chars = object::str_of(u.as_obj()).chars();
                return match (chars.next(), chars.next()) {
                    (Some(c), None) => Probe::Item(Item::Char(c as u32)),
                    _ => Probe::Never,
                };
            }
            _ => {}
        }
    }
    Probe::Python
}

/// The first index in `start..stop` (clamped to the length, re-read as
/// Python comparisons run) whose item equals the value at stack slot `vs`.
pub(super) fn find<H: Heap>(
    vm: &mut Vm<H>,
    s_slot: usize,
    vs: usize,
    start: usize,
    stop: usize,
) -> PyResult<Option<usize>> {
    let p = probe::<H>(vm.st(vs));
    let mut i = start;
    loop {
        let s = store_of(vm, vm.st(s_slot)).expect("an array");
        if i >= stop.min(s.len()) {
            return Ok(None);
        }
        let item = s.get(i);
        let equal = match p {
            Probe::Item(q) => item_eq(item, q),
            Probe::Never => false,
            Probe::Python => {
                let iv = item_value(vm, item)?;
                vm.eq(iv, vm.st(vs))?
            }
        };
        if equal {
            return Ok(Some(i));
        }
        i += 1;
    }
}

pub(super) fn array_contains<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_method_args(a, "__contains__", 1, 1)?;
    this(vm, a, "__contains__")?;
    let found = find(vm, a.base, a.base + 1, 0, usize::MAX)?;
    Ok(Value::bool(found.is_some()))
}

/// `a <op> b`: element-wise, as sequences; NotImplemented unless both
/// are arrays.
pub(super) fn array_compare<H: Heap>(vm: &mut Vm<H>, a: Args, op: CmpOp) -> PyResult {
    vm.check_method_args(a, "comparison", 1, 1)?;
    let x = this(vm, a, "comparison")?;
    let Some(y) = store_of(vm, vm.arg(a, 1)) else {
        return Ok(Value::NOT_IMPLEMENTED);
    };
    let (n, m) = (x.len(), y.len());
    if n != m && matches!(op, CmpOp::Eq | CmpOp::Ne) {
        return Ok(Value::bool(op == CmpOp::Ne));
    }
    let Some(i) = (0..n.min(m)).find(|&i| !item_eq(x.get(i), y.get(i))) else {
        return Ok(Value::bool(cmp_holds(op, Some(n.cmp(&m)))));
    };
    match op {
        CmpOp::Eq => return Ok(Value::FALSE),
        CmpOp::Ne => return Ok(Value::TRUE),
        _ => {}
    }
    let (xi, yi) = (x.get(i), y.get(i));
    match item_cmp(xi, yi) {
        Ok(o) => Ok(Value::bool(cmp_holds(op, o))),
        Err(()) => {
            // A character against a number: Python's own error.
            let xv = item_value(vm, xi)?;
            let xs = vm.push(xv);
            let r = item_value(vm, yi).and_then(|yv| vm.compare_op(op, vm.st(xs), yv));
            vm.truncate(xs);
            r
        }
    }
}

/// Does ordering `o` (None: unordered) satisfy `op`?
fn cmp_holds(op: CmpOp, o: Option<Ordering>) -> bool {
    let Some(o) = o else {
        return op == CmpOp::Ne;
    };
    match op {
        CmpOp::Eq => o.is_eq(),
        CmpOp::Ne => o.is_ne(),
        CmpOp::Lt => o.is_lt(),
        CmpOp::Le => o.is_le(),
        CmpOp::Gt => o.is_gt(),
        _ => o.is_ge(),
    }
}
