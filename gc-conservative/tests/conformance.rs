//! gc-api's conformance kit run against the conservative heap. Exact checks
//! (the heap holds exactly the reachable objects) use `roots=precise`: with
//! conservative roots the test's own stack may legitimately retain garbage.

use gc_api::mock::conformance;
use gc_api::{GcOptions, Heap};
use gc_conservative::ConservativeHeap;

fn make(opts: &[&str], limit: Option<usize>, stress: bool) -> ConservativeHeap {
    let mut o = GcOptions::new();
    for kv in opts {
        o.add_opt(kv).unwrap();
    }
    o.heap_limit = limit;
    o.stress = stress;
    o.verify = stress;
    ConservativeHeap::new(&o).unwrap()
}

#[test]
fn reachable_graph_survives_precise_exact() {
    conformance::reachable_graph_survives(&|| make(&["roots=precise"], None, false), true, 20);
}

#[test]
fn reachable_graph_survives_conservative() {
    conformance::reachable_graph_survives(&|| make(&[], None, false), false, 20);
}

#[test]
fn reachable_graph_survives_eager_sweep_and_small_objects_first() {
    conformance::reachable_graph_survives(
        &|| {
            make(
                &["roots=precise", "lazy_sweep=0", "initial_heap=64k"],
                None,
                false,
            )
        },
        true,
        10,
    );
}

#[test]
fn bounded_heap_recycles() {
    conformance::bounded_heap_recycles(&|l| make(&[], Some(l), false));
    conformance::bounded_heap_recycles(&|l| make(&["roots=precise"], Some(l), false));
}

#[test]
fn exhaustion_is_reported() {
    conformance::exhaustion_is_reported(&|l| make(&[], Some(l), false));
    conformance::exhaustion_is_reported(&|l| make(&["roots=precise"], Some(l), false));
}

#[test]
fn weak_processing() {
    conformance::weak_processing(&|| make(&["roots=precise"], None, false));
    conformance::weak_processing(&|| make(&[], None, false));
}

#[test]
fn survives_stress() {
    conformance::survives_stress(&|| make(&[], None, true));
    conformance::survives_stress(&|| make(&["roots=precise"], None, true));
}

#[test]
fn unknown_options_are_rejected() {
    let mut o = GcOptions::new();
    o.add_opt("bogus=1").unwrap();
    assert!(ConservativeHeap::new(&o).is_err());
    let mut o = GcOptions::new();
    o.add_opt("roots=sometimes").unwrap();
    assert!(ConservativeHeap::new(&o).is_err());
    let mut o = GcOptions::new();
    o.add_opt("growth=0.5").unwrap();
    assert!(ConservativeHeap::new(&o).is_err());
}
