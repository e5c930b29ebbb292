//! The barrier verifier (`--gc-opt verify_barriers=1`), in the spirit of
//! CRuby's write-barrier-verifying GC: at the end of every collection it
//! snapshots the references of every mature object; at the start of the
//! next one, each mature object whose unlog bit is still set (so no barrier
//! was executed on it since) must hold exactly the references it held.
//! A difference is a store the VM made without a barrier call, which could
//! hide an old-to-young edge: it is reported fatally, naming the object
//! and the slot.

use crate::barrier::UnlogTable;
use gc_api::{ObjectRef, Slot, VmBinding};
use std::collections::HashMap;

/// Object address -> (slot offset, reference) pairs at the last snapshot.
#[derive(Default)]
pub struct BarrierVerifier {
    snapshot: HashMap<usize, Vec<(usize, usize)>>,
}

fn refs_of<V: VmBinding>(vm: &V, o: ObjectRef) -> Vec<(usize, usize)> {
    let mut v = Vec::new();
    vm.scan_object(o, &mut |s: Slot| {
        v.push((s.addr() - o.addr(), s.load_word()))
    });
    v
}

impl BarrierVerifier {
    /// Objects snapshotted.
    pub fn len(&self) -> usize {
        self.snapshot.len()
    }

    /// Is the snapshot empty?
    pub fn is_empty(&self) -> bool {
        self.snapshot.is_empty()
    }

    /// Checks every snapshotted object that took no barrier slow path;
    /// panics on the first unbarriered change.
    pub fn check<V: VmBinding>(&self, vm: &V, unlog: &UnlogTable) {
        for (&a, before) in &self.snapshot {
            if !unlog.is_set(a) {
                continue; // remembered: rescanned anyway
            }
            let o = ObjectRef::from_addr(a).expect("snapshot address");
            let now = refs_of(vm, o);
            if &now != before {
                let diff = now
                    .iter()
                    .zip(before.iter().map(Some).chain(std::iter::repeat(None)))
                    .find(|(n, b)| Some(*n) != *b)
                    .map(|(n, b)| match b {
                        Some(b) if b.0 == n.0 => {
                            format!("slot +{} changed {:#x} -> {:#x}", n.0, b.1, n.1)
                        }
                        _ => format!("slot +{} now holds {:#x}", n.0, n.1),
                    })
                    .unwrap_or_else(|| "a reference slot was cleared".to_string());
                panic!(
                    "gc-generational: verify_barriers: mature object {a:#x} (VM word {:#x}) \
                     was modified without a write barrier call: {diff}",
                    // SAFETY: a mature object the heap still holds.
                    unsafe { o.vm_word() }
                );
            }
        }
    }

    /// Replaces the snapshot with the references of `objects`.
    pub fn snapshot<V: VmBinding>(&mut self, vm: &V, objects: &[ObjectRef]) {
        self.snapshot.clear();
        for &o in objects {
            self.snapshot.insert(o.addr(), refs_of(vm, o));
        }
    }
}
