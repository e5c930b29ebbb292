//! gc-api's conformance kit, run against the generational heap with both
//! mature policies.

use gc_api::mock::conformance;
use gc_api::{GcOptions, Heap};
use gc_generational::GenerationalHeap;

fn heap(mature: &str, f: impl FnOnce(&mut GcOptions)) -> GenerationalHeap {
    let mut o = GcOptions::new();
    o.add_opt(&format!("mature={mature}")).unwrap();
    o.add_opt("arena=256M").unwrap();
    f(&mut o);
    GenerationalHeap::new(&o).expect("options")
}

const POLICIES: [&str; 2] = ["marksweep", "semispace"];

#[test]
fn reachable_graph_survives() {
    for m in POLICIES {
        conformance::reachable_graph_survives(&|| heap(m, |o| o.verify = true), true, 20);
    }
}

#[test]
fn reachable_graph_survives_with_small_nursery_and_large_objects() {
    for m in POLICIES {
        conformance::reachable_graph_survives(
            &|| {
                heap(m, |o| {
                    o.verify = true;
                    o.add_opt("nursery=8k").unwrap();
                    o.add_opt("large=64").unwrap();
                })
            },
            true,
            20,
        );
    }
}

#[test]
fn reachable_graph_survives_under_stress() {
    for m in POLICIES {
        conformance::reachable_graph_survives(
            &|| {
                heap(m, |o| {
                    o.stress = true;
                    o.verify = true;
                    o.add_opt("verify_barriers=1").unwrap();
                })
            },
            true,
            3,
        );
    }
}

#[test]
fn bounded_heap_recycles() {
    for m in POLICIES {
        conformance::bounded_heap_recycles(&|l| heap(m, |o| o.heap_limit = Some(l)));
    }
}

#[test]
fn exhaustion_is_reported() {
    for m in POLICIES {
        conformance::exhaustion_is_reported(&|l| heap(m, |o| o.heap_limit = Some(l)));
    }
}

#[test]
fn weak_processing() {
    for m in POLICIES {
        conformance::weak_processing(&|| heap(m, |o| o.verify = true));
    }
}

#[test]
fn weak_processing_under_stress() {
    for m in POLICIES {
        conformance::weak_processing(&|| {
            heap(m, |o| {
                o.stress = true;
                o.verify = true;
            })
        });
    }
}

#[test]
fn survives_stress() {
    for m in POLICIES {
        conformance::survives_stress(&|| {
            heap(m, |o| {
                o.stress = true;
                o.verify = true;
                o.add_opt("verify_barriers=1").unwrap();
            })
        });
    }
}

#[test]
fn name_and_capabilities() {
    let h = heap("marksweep", |_| {});
    assert_eq!(GenerationalHeap::NAME, "generational");
    let c = h.capabilities();
    assert!(c.moves_objects && c.generational && !c.barrier_on_init);
    assert_eq!(c.roots, gc_api::RootPrecision::Precise);
    assert_eq!(c.barrier, gc_api::BarrierKind::ObjectRemembering);
}

#[test]
fn unknown_options_are_rejected() {
    let mut o = GcOptions::new();
    o.add_opt("bogus=1").unwrap();
    let e = GenerationalHeap::new(&o).err().expect("rejected");
    assert!(e.0.contains("bogus"), "{e}");
    let mut o = GcOptions::new();
    o.add_opt("mature=refcount").unwrap();
    assert!(GenerationalHeap::new(&o).is_err());
}
