//! gc-api's conformance kit, run against the copying heap in its main
//! configurations.

use gc_api::mock::conformance;
use gc_api::{GcOptions, Heap};
use gc_copying::CopyingHeap;

fn heap(f: impl FnOnce(&mut GcOptions)) -> CopyingHeap {
    let mut o = GcOptions::new();
    f(&mut o);
    CopyingHeap::new(&o).expect("options")
}

#[test]
fn reachable_graph_survives() {
    conformance::reachable_graph_survives(&|| heap(|_| {}), true, 20);
}

#[test]
fn reachable_graph_survives_with_verify_and_small_semispaces() {
    conformance::reachable_graph_survives(
        &|| {
            heap(|o| {
                o.verify = true;
                o.add_opt("semi=8k").unwrap();
            })
        },
        true,
        20,
    );
}

#[test]
fn reachable_graph_survives_mixed_with_large_objects() {
    // large=64 sends the mock objects with 4+ words of payload to the
    // non-moving space, so graphs mix moving and non-moving objects.
    conformance::reachable_graph_survives(
        &|| {
            heap(|o| {
                o.verify = true;
                o.add_opt("large=64").unwrap();
            })
        },
        true,
        20,
    );
}

#[test]
fn reachable_graph_survives_under_stress() {
    conformance::reachable_graph_survives(
        &|| {
            heap(|o| {
                o.stress = true;
                o.verify = true;
            })
        },
        true,
        3,
    );
}

#[test]
fn bounded_heap_recycles() {
    conformance::bounded_heap_recycles(&|l| heap(|o| o.heap_limit = Some(l)));
}

#[test]
fn exhaustion_is_reported() {
    conformance::exhaustion_is_reported(&|l| heap(|o| o.heap_limit = Some(l)));
}

#[test]
fn weak_processing() {
    conformance::weak_processing(&|| heap(|o| o.verify = true));
}

#[test]
fn weak_processing_under_stress() {
    conformance::weak_processing(&|| {
        heap(|o| {
            o.stress = true;
            o.verify = true;
        })
    });
}

#[test]
fn survives_stress() {
    conformance::survives_stress(&|| {
        heap(|o| {
            o.stress = true;
            o.verify = true;
        })
    });
}

#[test]
fn name_and_capabilities() {
    let h = heap(|_| {});
    assert_eq!(CopyingHeap::NAME, "copying");
    let c = h.capabilities();
    assert!(c.moves_objects);
    assert_eq!(c.roots, gc_api::RootPrecision::Precise);
    assert_eq!(c.barrier, gc_api::BarrierKind::None);
}
