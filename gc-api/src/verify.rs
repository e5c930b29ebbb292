//! `--verify-heap`: after a collection, trace from the precise roots and check
//! that every reference points at the start of an object the heap still
//! holds, and that every reached object's header is sane. Shared by every
//! collector so they are all checked by the same rules.

use crate::addr_hash::AddrMap;
use crate::binding::{RootPrecision, RootVisitor, VmBinding};
use crate::heap::Heap;
use crate::object::{ObjectRef, Slot};

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

/// Where the walk has been: every object start the heap holds with a
/// reached flag, plus the VM's objects outside the heap that were reached.
struct Visited {
    heap: AddrMap<bool>,
    outside: AddrMap<()>,
}

impl Visited {
    /// Does the heap hold an object starting at `a`?
    fn holds(&self, a: usize) -> bool {
        self.heap.contains_key(&a)
    }

    /// Marks `o` (known valid) reached; true the first time.
    fn first_visit(&mut self, o: ObjectRef) -> bool {
        match self.heap.get_mut(&o.addr()) {
            Some(r) => !std::mem::replace(r, true),
            None => self.outside.insert(o.addr(), ()).is_none(),
        }
    }
}

/// Checks the heap; the error names the first bad reference found.
///
/// `vm.check_object` is consulted for each reached object, so the VM can add
/// its own header checks (valid shape pointer, sane lengths).
pub fn verify_heap<H: Heap, V: VmBinding + VerifyObject>(
    heap: &H,
    vm: &mut V,
) -> Result<VerifyReport, String> {
    let mut starts = Vec::new();
    heap.for_each_object(vm, &mut |o| starts.push(o.addr()));
    let mut visited = Visited {
        heap: AddrMap::with_capacity_and_hasher(starts.len(), Default::default()),
        outside: AddrMap::default(),
    };
    visited.heap.extend(starts.into_iter().map(|a| (a, false)));
    let mut roots = CollectRoots {
        slots: Vec::new(),
        pinned: Vec::new(),
    };
    vm.scan_roots(RootPrecision::Precise, &mut roots);
    let mut report = VerifyReport {
        objects: visited.heap.len(),
        ..VerifyReport::default()
    };
    let mut stack = Vec::new();
    let mut children = Vec::new();
    let check = |visited: &Visited,
                 vm: &V,
                 o: ObjectRef,
                 from: &dyn Fn() -> String|
     -> Result<(), String> {
        if !visited.holds(o.addr()) && !vm.is_outside_heap_object(o) {
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
            check(&visited, vm, o, &|| {
                format!("root slot #{i} at {:#x}", s.addr())
            })?;
            report.references += 1;
            if visited.first_visit(o) {
                stack.push(o);
            }
        }
    }
    for o in roots.pinned {
        check(&visited, vm, o, &|| "pinned root".to_string())?;
        if visited.first_visit(o) {
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
                if let Err(e) = check(&visited, vm, c, &|| {
                    format!(
                        "field at +{} of object {:#x}",
                        s.addr() - o.addr(),
                        o.addr()
                    )
                }) {
                    err = Some(e);
                } else {
                    children.push(c);
                }
            }
        });
        if let Some(e) = err {
            return Err(e);
        }
        for c in children.drain(..) {
            if visited.first_visit(c) {
                stack.push(c);
            }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::MockVm;
    use crate::none::NoneHeap;
    use crate::options::GcOptions;

    /// A rooted chain `a -> b -> c` plus an unreachable `d`.
    fn chain(heap: &mut NoneHeap, vm: &mut MockVm) -> [ObjectRef; 4] {
        let a = vm.alloc(heap, 1, 1).unwrap();
        vm.push_root(Some(a));
        let b = vm.alloc(heap, 1, 0).unwrap();
        MockVm::set(heap, a, 0, Some(b));
        let c = vm.alloc(heap, 0, 2).unwrap();
        MockVm::set(heap, b, 0, Some(c));
        let d = vm.alloc(heap, 1, 0).unwrap();
        [a, b, c, d]
    }

    #[test]
    fn a_sound_heap_passes_and_is_counted() {
        let mut heap = NoneHeap::new(&GcOptions::new()).unwrap();
        let mut vm = MockVm::new();
        chain(&mut heap, &mut vm);
        let r = verify_heap(&heap, &mut vm).unwrap();
        assert_eq!((r.objects, r.reached, r.references), (4, 3, 3));
    }

    #[test]
    fn a_reference_into_the_middle_of_an_object_is_reported() {
        let mut heap = NoneHeap::new(&GcOptions::new()).unwrap();
        let mut vm = MockVm::new();
        let [_, b, c, _] = chain(&mut heap, &mut vm);
        let inner = ObjectRef::from_addr(c.addr() + 8);
        MockVm::set(&mut heap, b, 0, inner);
        let e = verify_heap(&heap, &mut vm).unwrap_err();
        assert!(
            e.contains(&format!("field at +24 of object {:#x}", b.addr()))
                && e.contains("not at an object start"),
            "{e}"
        );
    }

    #[test]
    fn a_root_outside_the_heap_is_reported() {
        let mut heap = NoneHeap::new(&GcOptions::new()).unwrap();
        let mut vm = MockVm::new();
        chain(&mut heap, &mut vm);
        let stray = Box::new([0usize; 4]);
        vm.push_root(ObjectRef::from_addr(stray.as_ptr() as usize));
        let e = verify_heap(&heap, &mut vm).unwrap_err();
        assert!(
            e.contains("root slot #1") && e.contains("outside every space"),
            "{e}"
        );
    }

    #[test]
    fn cycles_are_walked_once() {
        let mut heap = NoneHeap::new(&GcOptions::new()).unwrap();
        let mut vm = MockVm::new();
        let [a, _, _, d] = chain(&mut heap, &mut vm);
        MockVm::set(&mut heap, d, 0, Some(a));
        vm.push_root(Some(d));
        vm.push_root(Some(a));
        let r = verify_heap(&heap, &mut vm).unwrap();
        assert_eq!((r.objects, r.reached, r.references), (4, 4, 6));
    }
}
