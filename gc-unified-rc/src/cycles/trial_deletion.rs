//! Synchronous cycle collection by trial deletion (Bacon & Rajan 2001),
//! with explicit stacks instead of recursion.
//!
//! * MarkRoots: every purple, still-counted buffered object starts a
//!   `mark_gray`, which subtracts every internal reference of the subgraph
//!   it reaches.
//! * Scan: a gray object whose count stays positive is referenced from
//!   outside: `scan_black` restores the counts below it. The rest turn white.
//! * CollectWhite: the white objects are garbage. Their references to
//!   survivors stay subtracted, exactly as if they had been freed.

use super::candidate;
use crate::counts::Counts;
use crate::header::{self as h, BLACK, GRAY, PURPLE, WHITE};
use gc_api::{ObjectRef, Slot, VmBinding};

fn children<V: VmBinding>(counts: &Counts, vm: &V, o: ObjectRef, f: &mut dyn FnMut(ObjectRef)) {
    vm.scan_object(o, &mut |s: Slot| {
        if let Some(c) = counts.referent(s).filter(|c| candidate(*c)) {
            f(c);
        }
    });
}

/// Runs trial deletion over the purple buffer; the garbage found is pushed
/// on `dead`. Returns the number of roots examined.
pub fn collect<V: VmBinding>(counts: &mut Counts, vm: &V, dead: &mut Vec<ObjectRef>) -> usize {
    let mut roots = Vec::new();
    let mut stack = Vec::new();
    for s in std::mem::take(&mut counts.purple) {
        if candidate(s) && h::color(s) == PURPLE && h::rc(s) > 0 {
            roots.push(s);
            mark_gray(counts, vm, s, &mut stack);
        } else if h::state(s) != h::FREE {
            h::clear(s, h::BUFFERED);
        }
    }
    for &s in &roots {
        scan(counts, vm, s, &mut stack);
    }
    for &s in &roots {
        h::clear(s, h::BUFFERED);
    }
    for &s in &roots {
        collect_white(counts, vm, s, &mut stack, dead);
    }
    roots.len()
}

fn mark_gray<V: VmBinding>(counts: &Counts, vm: &V, s: ObjectRef, stack: &mut Vec<ObjectRef>) {
    if h::color(s) == GRAY {
        return;
    }
    h::set_color(s, GRAY);
    stack.push(s);
    while let Some(o) = stack.pop() {
        children(counts, vm, o, &mut |c| {
            h::dec_rc(c);
            if h::color(c) != GRAY {
                h::set_color(c, GRAY);
                stack.push(c);
            }
        });
    }
}

fn scan<V: VmBinding>(counts: &Counts, vm: &V, s: ObjectRef, stack: &mut Vec<ObjectRef>) {
    stack.push(s);
    while let Some(o) = stack.pop() {
        if h::color(o) != GRAY {
            continue;
        }
        if h::rc(o) > 0 {
            scan_black(counts, vm, o);
        } else {
            h::set_color(o, WHITE);
            children(counts, vm, o, &mut |c| {
                if h::color(c) == GRAY {
                    stack.push(c);
                }
            });
        }
    }
}

fn scan_black<V: VmBinding>(counts: &Counts, vm: &V, s: ObjectRef) {
    h::set_color(s, BLACK);
    let mut stack = vec![s];
    while let Some(o) = stack.pop() {
        children(counts, vm, o, &mut |c| {
            h::inc_rc(c);
            if h::color(c) != BLACK {
                h::set_color(c, BLACK);
                stack.push(c);
            }
        });
    }
}

fn collect_white<V: VmBinding>(
    counts: &Counts,
    vm: &V,
    s: ObjectRef,
    stack: &mut Vec<ObjectRef>,
    dead: &mut Vec<ObjectRef>,
) {
    stack.push(s);
    while let Some(o) = stack.pop() {
        if h::color(o) != WHITE || h::has(o, h::DEAD) {
            continue;
        }
        debug_assert_eq!(h::rc(o), 0, "white object with a count");
        h::set_color(o, BLACK);
        h::set(o, h::DEAD);
        h::clear(o, h::PENDING);
        dead.push(o);
        children(counts, vm, o, &mut |c| {
            if h::color(c) == WHITE {
                stack.push(c);
            }
        });
    }
}
