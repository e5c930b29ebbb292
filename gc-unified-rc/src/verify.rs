//! The tracing oracle (`--gc-opt verify_counts=1`): after an epoch, every
//! counted object's count must equal its true in-degree — references from
//! fields of counted and immortal objects, plus one per root slot of the
//! epoch's stack scan, plus one if native code holds a handle to it. No
//! young (uncounted) or dead object may be referenced from a counted one.

use crate::header::{self as h, COUNTED, IMMORTAL};
use crate::space::Space;
use gc_api::{HandleTable, ObjectRef, Slot, VmBinding};
use std::collections::HashMap;

/// Checks all counts; returns the number of counted objects checked.
pub fn check_counts<V: VmBinding>(
    space: &Space,
    vm: &V,
    root_buf: &[ObjectRef],
    handles: &HandleTable,
) -> Result<usize, String> {
    let mut objects = Vec::new();
    let mut err = None;
    space.for_each_object(&mut |o| {
        let s = h::state(o);
        if s == COUNTED || s == IMMORTAL {
            objects.push(o);
        } else if err.is_none() {
            err = Some(format!(
                "verify-counts: {o:?} is still young after an epoch"
            ));
        }
        if h::has(o, h::DEAD) && err.is_none() {
            err = Some(format!("verify-counts: {o:?} is DEAD after an epoch"));
        }
    });
    if let Some(e) = err {
        return Err(e);
    }
    let mut expect: HashMap<usize, usize> = HashMap::new();
    for &o in &objects {
        let mut bad = None;
        vm.scan_object(o, &mut |s: Slot| {
            let w = s.load_word();
            if w == 0 || w & 7 != 0 || !space.in_arena(w) {
                return;
            }
            let c = ObjectRef::from_addr(w).expect("non-zero");
            if !space.is_object(c) {
                bad = Some(format!("field of {o:?} refers to freed memory {c:?}"));
            } else if h::state(c) != COUNTED && h::state(c) != IMMORTAL {
                bad = Some(format!("field of counted {o:?} refers to uncounted {c:?}"));
            }
            *expect.entry(w).or_insert(0) += 1;
        });
        if let Some(b) = bad {
            return Err(format!("verify-counts: {b}"));
        }
    }
    for o in root_buf.iter().copied().chain(handles.objects()) {
        *expect.entry(o.addr()).or_insert(0) += 1;
    }
    let mut checked = 0;
    for &o in &objects {
        if h::state(o) != COUNTED {
            continue;
        }
        let want = expect.get(&o.addr()).copied().unwrap_or(0);
        if h::rc(o) != want {
            return Err(format!(
                "verify-counts: {o:?} has count {} but in-degree {want} (pending: {})",
                h::rc(o),
                h::has(o, h::PENDING)
            ));
        }
        checked += 1;
    }
    Ok(checked)
}
