//! Runs `heaplab-bench sweep --quick` on two small benchmarks with a real
//! heaplab binary (skipped with a message when none is built), checks that
//! every output file exists and parses, that a second run resumes without
//! re-running anything, and that `report` regenerates the report.

mod common;

use common::find_heaplab;
use std::process::Command;

fn bench(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_heaplab-bench"))
        .args(args)
        .output()
        .expect("heaplab-bench runs")
}

#[test]
fn quick_sweep_writes_parseable_results_and_resumes() {
    let Some(heaplab) = find_heaplab() else {
        eprintln!(
            "SKIP: no heaplab binary (build it with cargo build --release -p vm, or set HEAPLAB)"
        );
        return;
    };
    let tmp = std::env::temp_dir().join(format!("heaplab-sweep-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let out = tmp.join("run");
    let heaplab = heaplab.display().to_string();
    let (results, out_s) = (tmp.display().to_string(), out.display().to_string());
    let args = [
        "--heaplab",
        &heaplab,
        "--results",
        &results,
        "sweep",
        "--quick",
        "--bench",
        "binary_trees,richards",
        "--gc",
        "none,copying",
        "--peers",
        "python3",
        "--canary",
        "binary_trees",
        "--canary-every",
        "3",
        "--out",
        &out_s,
        "--no-progress",
    ];
    let first = bench(&args);
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(first.status.success(), "sweep failed:\n{stderr}");

    for f in [
        "records.jsonl",
        "meta.json",
        "minheap.json",
        "summary.csv",
        "report.md",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    assert!(tmp.join("minheap.json").is_file(), "min-heap cache missing");
    let records = harness::record::read_jsonl(&out.join("records.jsonl")).unwrap();
    let python = harness::suite::find_interpreter("python3").is_some();
    // 2 benchmarks × (none + copying at 2 factors [+ python3]).
    let expected = 2 * (1 + 2 + usize::from(python));
    let measured: Vec<_> = records.iter().filter(|r| !r.canary).collect();
    assert_eq!(measured.len(), expected, "{measured:#?}");
    assert!(
        records.iter().filter(|r| r.canary).count() >= 2,
        "canary ran at start and end"
    );
    for r in &measured {
        if r.config == "copying" {
            assert!(r.heap_bytes.is_some() && r.heap_factor.is_some());
        }
        if r.ok() && r.runtime == "heaplab" {
            assert!(r.gc_ms.is_some(), "{r:?}");
            assert!(r.window_ms.is_some());
        }
    }
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("meta.json")).unwrap()).unwrap();
    assert!(meta["provenance"]["commit"].is_string());
    assert_eq!(meta["settings"]["factors"], serde_json::json!([1.5, 3.0]));
    let csv = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    let cols = csv.lines().next().unwrap().split(',').count();
    assert_eq!(csv.lines().count(), 1 + expected, "{csv}");
    assert!(
        csv.lines()
            .all(|l| !l.contains('"') && l.split(',').count() == cols || l.contains('"'))
    );
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    for section in [
        "# Heaplab sweep report",
        "## Minimum heaps",
        "## Time (ms) vs heap factor",
        "## Pause percentiles",
        "## Machine drift",
    ] {
        assert!(report.contains(section), "report lacks {section}");
    }
    for plot in [
        "time-binary_trees",
        "time-geomean",
        "minheap",
        "pause-cdf-richards",
        "mmu-binary_trees",
    ] {
        let svg = std::fs::read_to_string(out.join(format!("plots/{plot}.svg"))).unwrap();
        assert!(svg.contains("<svg"), "{plot}.svg");
        let png = std::fs::read(out.join(format!("plots/{plot}.png"))).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{plot}.png");
    }

    // Resume: everything is recorded, so nothing runs again.
    let second = bench(&args);
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    let again = harness::record::read_jsonl(&out.join("records.jsonl")).unwrap();
    assert_eq!(
        again.len(),
        records.len(),
        "a resumed complete sweep re-ran points"
    );

    // Resume after losing some records re-runs exactly those.
    let kept: Vec<_> = records
        .iter()
        .filter(|r| r.canary || r.config != "none")
        .collect();
    let text: String = kept
        .iter()
        .map(|r| serde_json::to_string(r).unwrap() + "\n")
        .collect();
    std::fs::write(out.join("records.jsonl"), text).unwrap();
    let third = bench(&args);
    assert!(
        third.status.success(),
        "{}",
        String::from_utf8_lossy(&third.stderr)
    );
    let after = harness::record::read_jsonl(&out.join("records.jsonl")).unwrap();
    assert_eq!(
        after
            .iter()
            .filter(|r| !r.canary && r.config == "none")
            .count(),
        2
    );
    assert_eq!(after.iter().filter(|r| !r.canary).count(), expected);

    // Different settings in the same directory are refused.
    let mut changed = args.to_vec();
    changed[9] = "none";
    let refused = bench(&changed);
    assert!(!refused.status.success());

    // `report` regenerates from the records alone.
    std::fs::remove_file(out.join("report.md")).unwrap();
    let rep = bench(&["report", &out_s]);
    assert!(
        rep.status.success(),
        "{}",
        String::from_utf8_lossy(&rep.stderr)
    );
    assert!(out.join("report.md").is_file());
    std::fs::remove_dir_all(&tmp).unwrap();
}
