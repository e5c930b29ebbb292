//! `--verify-heap`: after a collection, trace from the precise roots and check
//! that every reference points at the start of an object the heap still
//! holds, and that every reached object's header is sane. Shared by every
//! collector so they are all checked by the same rules.

use crate::binding::{RootPrecision, RootVisitor, VmBinding};
use crate::heap::Heap;
use crate::object::{ObjectRef, Slot};
use std::collections::HashSet;

/// What a verification pass saw.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// Objects the heap enumerates.
    pub objects: usize,
    /// Objects reached from the roots.
    pub reached: usize,
    /// References checked.
    pub references: usize,
}

struct CollectRoots {
    slots: Vec<Slot>,
    pinned: Vec<ObjectRef>,
}

impl RootVisitor for CollectRoots {
    fn visit_root(&mut self, slot: Slot) {
        self.slots.push(slot);
    }
    fn visit_pinned(&mut self, o: ObjectRef) {
        self.pinned.push(o);
    }
    fn visit_ambiguous_range(&mut self, _start: *const usize, _end: *const usize) {}
}

/// Checks the heap; the error names the first bad reference found.
///
/// `vm.check_object` is consulted for each reached object, so the VM can add
/// its own header checks (valid shape pointer, sane lengths).
pub fn verify_heap<H: Heap, V: VmBinding + VerifyObject>(
    heap: &H,
    vm: &mut V,
) -> Result<VerifyReport, String> {
    let mut valid = HashSet::new();
    heap.for_each_object(vm, &mut |o| {
        valid.insert(o.addr());
    });
    let mut roots = CollectRoots {
        slots: Vec::new(),
        pinned: Vec::new(),
    };
    vm.scan_roots(RootPrecision::Precise, &mut roots);
    let mut report = VerifyReport {
        objects: valid.len(),
        ..VerifyReport::default()
    };
    let mut seen = HashSet::new();
    let mut stack = Vec::new();
    let check = |o: ObjectRef, from: &dyn Fn() -> String| -> Result<(), String> {
        if !valid.contains(&o.addr()) && !vm.is_outside_heap_object(o) {
            let what = if heap.contains(o.addr()) {
                "inside the heap but not at an object start (or reclaimed)"
            } else {
                "outside every space"
            };
            return Err(format!(
                "verify-heap: {} -> {:#x}: {what}",
                from(),
                o.addr()
            ));
        }
        Ok(())
    };
    for (i, s) in roots.slots.iter().enumerate() {
        if let Some(o) = s.load() {
            check(o, &|| format!("root slot #{i} at {:#x}", s.addr()))?;
            report.references += 1;
            if seen.insert(o.addr()) {
                stack.push(o);
            }
        }
    }
    for o in roots.pinned {
        check(o, &|| "pinned root".to_string())?;
        if seen.insert(o.addr()) {
            stack.push(o);
        }
    }
    while let Some(o) = stack.pop() {
        report.reached += 1;
        vm.check_object(o)
            .map_err(|e| format!("verify-heap: object {:#x}: {e}", o.addr()))?;
        let mut err = None;
        vm.scan_object(o, &mut |s: Slot| {
            if err.is_some() {
                return;
            }
            if let Some(c) = s.load() {
                report.references += 1;
                if let Err(e) = check(c, &|| {
                    format!(
                        "field at +{} of object {:#x}",
                        s.addr() - o.addr(),
                        o.addr()
                    )
                }) {
                    err = Some(e);
                } else if seen.insert(c.addr()) {
                    stack.push(c);
                }
            }
        });
        if let Some(e) = err {
            return Err(e);
        }
    }
    Ok(report)
}

/// VM-side checks used by [`verify_heap`].
pub trait VerifyObject {
    /// Checks the VM word and VM-visible invariants of a reached object.
    fn check_object(&self, _o: ObjectRef) -> Result<(), String> {
        Ok(())
    }

    /// Objects outside the collected heap (the VM's immortal metadata) are
    /// valid referents too.
    fn is_outside_heap_object(&self, _o: ObjectRef) -> bool {
        false
    }
}
