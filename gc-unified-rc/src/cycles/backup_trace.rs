//! The backup trace: mark everything reachable from the epoch's roots
//! (stack increments, handles, immortal objects), then sweep the heap for
//! counted objects left unmarked. They are garbage (cyclic or hanging off
//! cycles); their references to marked survivors are subtracted.

use super::candidate;
use crate::counts::Counts;
use crate::header::{self as h, COUNTED, IMMORTAL};
use crate::space::Space;
use gc_api::{ObjectRef, Slot, VmBinding};

/// Traces from `roots`, sweeps, and pushes the unmarked counted objects on
/// `dead`. Clears the purple buffer (every cycle is found). Returns the
/// number of objects marked.
pub fn collect<V: VmBinding>(
    counts: &mut Counts,
    space: &Space,
    vm: &V,
    roots: &[ObjectRef],
    dead: &mut Vec<ObjectRef>,
) -> usize {
    let traceable = |o: ObjectRef| {
        let s = h::state(o);
        (s == COUNTED || s == IMMORTAL) && !h::has(o, h::DEAD) && !h::has(o, h::MARK)
    };
    let mut stack = Vec::new();
    for &r in roots {
        if counts.in_arena(r) && traceable(r) {
            h::set(r, h::MARK);
            stack.push(r);
        }
    }
    let mut marked = 0;
    while let Some(o) = stack.pop() {
        marked += 1;
        vm.scan_object(o, &mut |s: Slot| {
            if let Some(c) = counts.referent(s).filter(|c| traceable(*c)) {
                h::set(c, h::MARK);
                stack.push(c);
            }
        });
    }
    let first = dead.len();
    space.for_each_object(&mut |o| {
        if h::has(o, h::MARK) {
            h::clear(o, h::MARK);
        } else if candidate(o) {
            h::set(o, h::DEAD);
            h::clear(o, h::PENDING);
            dead.push(o);
        }
    });
    for &w in &dead[first..] {
        vm.scan_object(w, &mut |s: Slot| {
            if let Some(c) = counts.referent(s).filter(|c| candidate(*c)) {
                let left = h::dec_rc(c);
                debug_assert!(left > 0, "traced survivor lost its last reference");
            }
        });
    }
    for &w in &dead[first..] {
        h::set_rc(w, 0);
    }
    for o in std::mem::take(&mut counts.purple) {
        if h::state(o) != h::FREE {
            h::clear(o, h::BUFFERED);
            h::set_color(o, h::BLACK);
        }
    }
    marked
}
