//! gc-api's conformance kit, run against the unified RC heap in its main
//! configurations (both cycle collectors, coalesced and immediate logging,
//! born-dead and counted young objects), all with the count oracle on.

use gc_api::mock::conformance;
use gc_api::{GcOptions, Heap};
use gc_unified_rc::UnifiedRcHeap;

fn heap(opts: &[&str], f: impl FnOnce(&mut GcOptions)) -> UnifiedRcHeap {
    let mut o = GcOptions::new();
    o.add_opt("verify_counts=1").unwrap();
    for kv in opts {
        o.add_opt(kv).unwrap();
    }
    f(&mut o);
    UnifiedRcHeap::new(&o).expect("options")
}

const CONFIGS: &[&[&str]] = &[
    &[],
    &["cycles=backup"],
    &["coalesce=0"],
    &["young=count"],
    &["young=count", "cycles=backup", "coalesce=0"],
];

#[test]
fn reachable_graph_survives() {
    for c in CONFIGS {
        conformance::reachable_graph_survives(&|| heap(c, |o| o.verify = true), true, 12);
    }
}

#[test]
fn reachable_graph_survives_under_stress() {
    for c in CONFIGS {
        conformance::reachable_graph_survives(
            &|| {
                heap(c, |o| {
                    o.stress = true;
                    o.verify = true;
                })
            },
            true,
            2,
        );
    }
}

#[test]
fn bounded_heap_recycles() {
    for c in CONFIGS {
        conformance::bounded_heap_recycles(&|l| {
            heap(c, |o| {
                o.heap_limit = Some(l);
                o.extra.remove("verify_counts");
            })
        });
    }
}

#[test]
fn exhaustion_is_reported() {
    for c in CONFIGS {
        conformance::exhaustion_is_reported(&|l| heap(c, |o| o.heap_limit = Some(l)));
    }
}

#[test]
fn weak_processing() {
    for c in CONFIGS {
        conformance::weak_processing(&|| heap(c, |o| o.verify = true));
    }
}

#[test]
fn weak_processing_under_stress() {
    for c in CONFIGS {
        conformance::weak_processing(&|| {
            heap(c, |o| {
                o.stress = true;
                o.verify = true;
            })
        });
    }
}

#[test]
fn survives_stress() {
    for c in CONFIGS {
        conformance::survives_stress(&|| {
            heap(c, |o| {
                o.stress = true;
                o.verify = true;
            })
        });
    }
}

#[test]
fn name_and_capabilities() {
    let h = heap(&[], |_| {});
    assert_eq!(UnifiedRcHeap::NAME, "unified-rc");
    let c = h.capabilities();
    assert!(!c.moves_objects);
    assert!(c.reference_counting);
    assert!(!c.barrier_on_init);
    assert_eq!(c.barrier, gc_api::BarrierKind::FieldLogging);
}

#[test]
fn unknown_options_are_rejected() {
    let mut o = GcOptions::new();
    o.add_opt("bogus=1").unwrap();
    assert!(UnifiedRcHeap::new(&o).is_err());
    let mut o = GcOptions::new();
    o.add_opt("cycles=sometimes").unwrap();
    assert!(UnifiedRcHeap::new(&o).is_err());
}
