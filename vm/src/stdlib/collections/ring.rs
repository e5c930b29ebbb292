//! The ring buffer behind a deque, and its operations.
//!
//! A deque is an ordinary instance whose hidden attribute `_deque_ring`
//! holds a ring: a VM `Array` (so every collector already traces it) whose
//! first [`HDR`] slots are small ints (head index, length, maxlen or None,
//! mutation count) and whose remaining slots are the ring buffer, empty
//! slots NULL. The ring doubles when full and halves when mostly empty.
//! The mutation count is CPython's `state`: every change of length (and
//! every rotation) bumps it, and iterators and element-wise scans raise
//! `RuntimeError("deque mutated during iteration")` when it moved.
//!
//! Kept apart from the deque methods so that the representation (header
//! layout, index arithmetic, growth and shrinking) reads in one place.

use super::deque::is_deque;
use crate::object::{self, Kind};
use crate::value::{SMALL_MAX, Value};
use crate::vm::{PyResult, Vm};
use gc_api::{Heap, ObjectRef};

/// The instance attribute holding a deque's ring.
pub(super) const RING_ATTR: &str = "_deque_ring";

// Ring header slots (array element indices), each a small int.
const HEAD: usize = 0;
const LEN: usize = 1;
/// maxlen, or None for an unbounded deque.
pub(super) const MAXLEN: usize = 2;
const STATE: usize = 3;
/// Number of header slots before the buffer.
const HDR: usize = 4;
/// Smallest buffer capacity.
pub(super) const MIN_CAP: usize = 8;
/// A ring at least this large halves when a quarter full.
pub(super) const SHRINK_FROM: usize = 64;

/// Header slot `f` of a ring, as a count.
#[inline]
pub(super) fn hdr(r: ObjectRef, f: usize) -> usize {
    object::array_get(r, f).as_int() as usize
}

/// Sets header slot `f` of a ring.
#[inline]
fn set_hdr<H: Heap>(vm: &mut Vm<H>, r: ObjectRef, f: usize, n: usize) {
    vm.store(r, 1 + f, Value::int(n as i64));
}

/// The number of items in a ring.
#[inline]
pub(super) fn ring_len(r: ObjectRef) -> usize {
    hdr(r, LEN)
}

/// The buffer capacity of a ring (its slots after the header).
#[inline]
pub(super) fn ring_cap(r: ObjectRef) -> usize {
    object::array_len(r) - HDR
}

/// A ring's maxlen; `None` when unbounded.
#[inline]
pub(super) fn ring_maxlen(r: ObjectRef) -> Option<usize> {
    let m = object::array_get(r, MAXLEN);
    m.is_int().then(|| m.as_int() as usize)
}

/// A ring's mutation count (CPython's `state`).
#[inline]
pub(super) fn ring_state(r: ObjectRef) -> usize {
    hdr(r, STATE)
}

/// Records a mutation: advances the mutation count, wrapping within
/// small ints.
pub(super) fn bump_state<H: Heap>(vm: &mut Vm<H>, r: ObjectRef) {
    let s = (ring_state(r) + 1) & (SMALL_MAX as usize);
    set_hdr(vm, r, STATE, s);
}

/// The object slot of logical position `i` (0 = leftmost; may be one
/// past the end or one before the start, modulo the capacity).
#[inline]
fn pos_slot(r: ObjectRef, i: usize) -> usize {
    1 + HDR + (hdr(r, HEAD) + i) % ring_cap(r)
}

/// Item `i` (0 = leftmost, in bounds).
#[inline]
pub(super) fn ring_get(r: ObjectRef, i: usize) -> Value {
    object::get(r, pos_slot(r, i))
}

/// Sets item `i` (0 = leftmost).
#[inline]
pub(super) fn ring_set<H: Heap>(vm: &mut Vm<H>, r: ObjectRef, i: usize, v: Value) {
    let s = pos_slot(r, i);
    vm.store(r, s, v);
}

/// Does `v` look like a ring (an `Array` longer than the header)?
fn is_ring(v: Value) -> bool {
    v.is_obj() && object::kind(v.as_obj()) == Kind::Array && object::array_len(v.as_obj()) > HDR
}

/// The ring of deque `d`, if it has one. Never allocates.
pub(super) fn ring_opt<H: Heap>(vm: &mut Vm<H>, d: Value) -> Option<ObjectRef> {
    if !(d.is_obj() && object::kind(d.as_obj()) == Kind::Instance) {
        return None;
    }
    let sym = vm.intern(RING_ATTR);
    vm.inst_get(d.as_obj(), sym)
        .filter(|r| is_ring(*r))
        .map(|r| r.as_obj())
}

/// A new empty ring of capacity `cap`.
pub(super) fn new_ring<H: Heap>(
    vm: &mut Vm<H>,
    cap: usize,
    maxlen: Value,
    state: usize,
) -> PyResult<ObjectRef> {
    let r = vm.alloc_array(Kind::Array, HDR + cap)?;
    object::init(r, 1 + HEAD, Value::int(0));
    object::init(r, 1 + LEN, Value::int(0));
    object::init(r, 1 + MAXLEN, maxlen);
    object::init(r, 1 + STATE, Value::int(state as i64));
    Ok(r)
}

/// Makes ring `r` (rooted at `rs`) the ring of the deque rooted at `ds`.
pub(super) fn attach_ring<H: Heap>(vm: &mut Vm<H>, ds: usize, rs: usize) -> PyResult<ObjectRef> {
    let sym = vm.intern(RING_ATTR);
    vm.inst_set(vm.st(ds), sym, vm.st(rs))?;
    Ok(vm.st(rs).as_obj())
}

/// The ring of the deque rooted at `ds`; one is made for a deque that has
/// none yet (made by a `__new__` other than deque's). `what` names the
/// method for the error raised when `ds` is not a deque. May allocate.
pub(super) fn ring<H: Heap>(vm: &mut Vm<H>, ds: usize, what: &str) -> PyResult<ObjectRef> {
    if let Some(r) = ring_opt(vm, vm.st(ds)) {
        return Ok(r);
    }
    if !is_deque(vm, vm.st(ds)) {
        return Err(vm.descriptor_error(what, "collections.deque", vm.st(ds)));
    }
    let r = new_ring(vm, MIN_CAP, Value::NONE, 0)?;
    let rs = vm.push(Value::obj(r));
    let r = attach_ring(vm, ds, rs);
    vm.truncate(rs);
    r
}

/// Moves the items of the deque rooted at `ds` into a new ring of
/// capacity `cap` (at least its length); returns the new ring.
fn resize<H: Heap>(vm: &mut Vm<H>, ds: usize, cap: usize) -> PyResult<ObjectRef> {
    let new = vm.alloc_array(Kind::Array, HDR + cap)?;
    let old = ring_opt(vm, vm.st(ds)).expect("resize: the deque has a ring");
    let n = ring_len(old);
    debug_assert!(n <= cap);
    object::init(new, 1 + HEAD, Value::int(0));
    for f in [LEN, MAXLEN, STATE] {
        object::init(new, 1 + f, object::array_get(old, f));
    }
    for i in 0..n {
        object::init(new, 1 + HDR + i, ring_get(old, i));
    }
    let rs = vm.push(Value::obj(new));
    let r = attach_ring(vm, ds, rs);
    vm.truncate(rs);
    r
}

/// Removes and returns the rightmost (`right`) or leftmost item of a
/// non-empty ring. Never allocates.
pub(super) fn take_end<H: Heap>(vm: &mut Vm<H>, r: ObjectRef, right: bool) -> Value {
    let n = ring_len(r);
    let i = if right { n - 1 } else { 0 };
    let v = ring_get(r, i);
    ring_set(vm, r, i, Value::NULL);
    if !right {
        let head = (hdr(r, HEAD) + 1) % ring_cap(r);
        set_hdr(vm, r, HEAD, head);
    }
    set_hdr(vm, r, LEN, n - 1);
    bump_state(vm, r);
    v
}

/// Adds the value rooted at `vs` at one end of the deque rooted at `ds`,
/// dropping an item from the other end when the deque is full.
pub(super) fn push_item<H: Heap>(
    vm: &mut Vm<H>,
    ds: usize,
    vs: usize,
    right: bool,
    what: &str,
) -> PyResult<()> {
    let mut r = ring(vm, ds, what)?;
    if let Some(m) = ring_maxlen(r) {
        if m == 0 {
            bump_state(vm, r);
            return Ok(());
        }
        if ring_len(r) >= m {
            take_end(vm, r, !right);
        }
    }
    let n = ring_len(r);
    if n == ring_cap(r) {
        r = resize(vm, ds, (2 * n).max(MIN_CAP))?;
    }
    let v = vm.st(vs);
    if right {
        ring_set(vm, r, n, v);
    } else {
        let cap = ring_cap(r);
        let head = (hdr(r, HEAD) + cap - 1) % cap;
        set_hdr(vm, r, HEAD, head);
        ring_set(vm, r, 0, v);
    }
    set_hdr(vm, r, LEN, n + 1);
    bump_state(vm, r);
    Ok(())
}

/// Halves the ring of the deque rooted at `ds` when it is large and at
/// most a quarter full.
pub(super) fn maybe_shrink<H: Heap>(vm: &mut Vm<H>, ds: usize) -> PyResult<()> {
    if let Some(r) = ring_opt(vm, vm.st(ds)) {
        let cap = ring_cap(r);
        if cap >= SHRINK_FROM && ring_len(r) * 4 <= cap {
            resize(vm, ds, cap / 2)?;
        }
    }
    Ok(())
}

/// Removes logical position `i` (in bounds), shifting the shorter side.
pub(super) fn delete_at<H: Heap>(vm: &mut Vm<H>, r: ObjectRef, i: usize) {
    let n = ring_len(r);
    if i < n / 2 {
        for k in (1..=i).rev() {
            let v = ring_get(r, k - 1);
            ring_set(vm, r, k, v);
        }
        take_end(vm, r, false);
    } else {
        for k in i..n - 1 {
            let v = ring_get(r, k + 1);
            ring_set(vm, r, k, v);
        }
        take_end(vm, r, true);
    }
}

/// Rotates a ring `k` steps to the right (`0 <= k < len`). Never allocates.
pub(super) fn rotate_right<H: Heap>(vm: &mut Vm<H>, r: ObjectRef, k: usize) {
    let n = ring_len(r);
    let cap = ring_cap(r);
    if n == cap {
        let head = (hdr(r, HEAD) + cap - k) % cap;
        set_hdr(vm, r, HEAD, head);
        return;
    }
    if k <= n / 2 {
        for _ in 0..k {
            let v = ring_get(r, n - 1);
            ring_set(vm, r, n - 1, Value::NULL);
            let head = (hdr(r, HEAD) + cap - 1) % cap;
            set_hdr(vm, r, HEAD, head);
            ring_set(vm, r, 0, v);
        }
    } else {
        for _ in 0..n - k {
            let v = ring_get(r, 0);
            ring_set(vm, r, 0, Value::NULL);
            let head = (hdr(r, HEAD) + 1) % cap;
            set_hdr(vm, r, HEAD, head);
            ring_set(vm, r, n - 1, v);
        }
    }
}
