//! External benchmark directories: discovery of the toy fixture trees under
//! tests/fixtures (a pyperformance-style `bm_*/run_benchmark.py` tree and a
//! PyPy-style `own/` checkout, written for these tests), `list`, runs under
//! `python3` and under heaplab `--gc=copying` (skipped with a message when
//! either is missing), the bundled `pyperf` module's parser, and a failing
//! fixture reported as a failed point of a sweep.

use harness::external::{self, Source};
use harness::record::{Record, Status};
mod common;

use common::find_heaplab;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn pyperformance() -> PathBuf {
    fixtures().join("pyperformance")
}

fn pypy() -> PathBuf {
    fixtures().join("pypy")
}

/// Fixtures that run cleanly; `pyperf/fixture_broken` fails on purpose.
const GOOD: &[&str] = &[
    "pyperf/fixture_linked",
    "pyperf/fixture_timefunc",
    "pyperf/fixture_timeit",
    "pyperf/fixture_trees",
    "pypy-own/fixture_queue",
    "pypy-own/fixture_strings",
];
const BROKEN: &str = "pyperf/fixture_broken";

/// Runs heaplab-bench with both fixture trees as `--suite-dir`s (and no
/// `HEAPLAB_SUITE_DIRS` from the environment).
fn bench(args: &[&str]) -> std::process::Output {
    let heaplab = find_heaplab()
        .unwrap_or_else(|| PathBuf::from("/nonexistent/heaplab"))
        .display()
        .to_string();
    let (a, b) = (
        pyperformance().display().to_string(),
        pypy().display().to_string(),
    );
    let mut all = vec!["--heaplab", &heaplab, "--suite-dir", &a, "--suite-dir", &b];
    all.extend_from_slice(args);
    Command::new(env!("CARGO_BIN_EXE_heaplab-bench"))
        .args(&all)
        .env_remove(external::SUITE_DIRS_ENV)
        .output()
        .expect("heaplab-bench runs")
}

fn run_record(args: &[&str]) -> Record {
    let out = bench(args);
    let stdout = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "no record from `run {args:?}` ({e}):\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn discovery_finds_the_fixtures() {
    let progs = external::discover(&pyperformance()).unwrap();
    let names: Vec<&str> = progs.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "pyperf/fixture_broken",
            "pyperf/fixture_linked",
            "pyperf/fixture_timefunc",
            "pyperf/fixture_timeit",
            "pyperf/fixture_trees"
        ]
    );
    for p in &progs {
        assert!(matches!(p.source, Source::Pyperf { .. }), "{p:?}");
        assert!(p.path.ends_with("run_benchmark.py") && p.path.is_absolute());
        assert!(p.checksums.is_empty());
        assert!(
            p.description.starts_with("Toy pyperformance-style"),
            "{p:?}"
        );
    }
    // Named from pyproject.toml [tool.pyperformance] name, else bm_NAME.
    assert!(
        progs[4]
            .path
            .parent()
            .unwrap()
            .ends_with("bm_fixture_trees")
    );
    // A variant: the same script with its extra_opts after the options.
    assert_eq!(progs[1].path, progs[2].path);
    let l = external::launch(&progs[1], 1, 0, 1);
    assert_eq!(l.args.last().map(String::as_str), Some("linked"));

    let own = external::discover(&pypy()).unwrap();
    let names: Vec<&str> = own.iter().map(|p| p.name.as_str()).collect();
    // util.py and fixture_data.py (no run_benchmark call) are not benchmarks.
    assert_eq!(
        names,
        ["pypy-own/fixture_queue", "pypy-own/fixture_strings"]
    );
    assert!(
        own.iter()
            .all(|p| matches!(p.source, Source::PypyOwn { .. }))
    );
    // Pointing at own/ itself works too.
    assert_eq!(external::discover(&pypy().join("own")).unwrap().len(), 2);
    // A directory with neither layout is an error, as is a missing one.
    assert!(external::discover(&fixtures().join("shim")).is_err());
    assert!(external::discover(&fixtures().join("missing")).is_err());

    // Launch lines: pyperf options for bm_*, the driver for own/.
    let l = external::launch(&progs[4], 1, 2, 3);
    assert_eq!(
        l.args[1..],
        ["--warmups", "2", "--values", "3", "--loops", "1"]
    );
    assert!(l.cwd.ends_with("bm_fixture_trees"));
    assert_eq!(l.python_path, [external::pyperf_dir()]);
    let l = external::launch(&own[0], 1, 1, 4);
    assert!(l.args[0].ends_with("heaplab_own.py"));
    assert_eq!(l.args[2..], ["--warmups", "1", "-n", "4"]);
}

#[test]
fn list_shows_external_benchmarks() {
    let out = bench(&["list"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("gcbench"), "built-in programs listed");
    for name in GOOD.iter().chain([&BROKEN]) {
        assert!(stdout.contains(name), "{name} missing from:\n{stdout}");
    }
    assert!(stdout.contains("pyperformance") && stdout.contains("pypy-own"));
    assert!(stdout.contains(&pyperformance().display().to_string()));

    // HEAPLAB_SUITE_DIRS works like --suite-dir.
    let out = Command::new(env!("CARGO_BIN_EXE_heaplab-bench"))
        .arg("list")
        .env(external::SUITE_DIRS_ENV, pypy())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("pypy-own/fixture_queue"), "{stdout}");
    assert!(!stdout.contains("pyperf/fixture_trees"));

    // Unknown directories are an error.
    let out = Command::new(env!("CARGO_BIN_EXE_heaplab-bench"))
        .args(["--suite-dir", "/nonexistent/benchmarks", "list"])
        .env_remove(external::SUITE_DIRS_ENV)
        .output()
        .unwrap();
    assert!(!out.status.success());
}

#[test]
fn pyperf_shim_parser_and_runner() {
    let script = fixtures().join("shim/pyperf_shim_check.py");
    let mut interpreters: Vec<(String, Vec<String>)> = Vec::new();
    for peer in ["python3", "pypy3"] {
        match harness::suite::find_interpreter(peer) {
            Some(p) => interpreters.push((peer.into(), vec![p.display().to_string()])),
            None => eprintln!("SKIP: {peer} is not installed"),
        }
    }
    match find_heaplab() {
        Some(h) => interpreters.push(("heaplab".into(), vec![h.display().to_string()])),
        None => eprintln!("SKIP: no heaplab binary"),
    }
    for (name, argv) in interpreters {
        let out = Command::new(&argv[0])
            .args(&argv[1..])
            .arg(&script)
            .current_dir(fixtures().join("shim"))
            .env("PYTHONPATH", external::pyperf_dir())
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("shim ok"),
            "{name}: {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn check_runs(how: &[&str], heaplab: bool) {
    for name in GOOD {
        let mut args = vec!["run", name, "--warmup", "1", "--iterations", "2"];
        args.extend_from_slice(how);
        let r = run_record(&args);
        assert_eq!(r.status, Status::Ok, "{name} {how:?}: {r:?}");
        assert!(r.window_ms.is_some_and(|w| w > 0.0), "{name}: {r:?}");
        assert!(r.checksum.is_none());
        assert_eq!((r.warmup, r.iterations), (1, 2));
        if heaplab {
            assert_eq!(r.runtime, "heaplab");
            assert!(r.gc_ms.is_some() && r.mutator_ms.is_some(), "{name}: {r:?}");
            assert!(r.gc_stats.contains_key("collector"), "{name}: {r:?}");
        }
    }
    let mut args = vec!["run", BROKEN];
    args.extend_from_slice(how);
    let out = bench(&args);
    assert!(!out.status.success(), "a failing fixture fails the run");
    let r: Record = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r.status, Status::Error, "{r:?}");
    assert!(
        r.reason
            .as_deref()
            .unwrap_or("")
            .contains("fixture failure"),
        "{r:?}"
    );
}

#[test]
fn fixtures_run_under_python3() {
    if harness::suite::find_interpreter("python3").is_none() {
        eprintln!("SKIP: python3 is not installed");
        return;
    }
    check_runs(&["--peer", "python3"], false);
}

#[test]
fn fixtures_run_under_heaplab_copying() {
    if find_heaplab().is_none() {
        eprintln!("SKIP: no heaplab binary (cargo build --release -p vm, or set HEAPLAB)");
        return;
    }
    check_runs(&["--gc", "copying"], true);
}

#[test]
fn sweep_reports_the_failing_fixture_as_a_failed_point() {
    if find_heaplab().is_none() {
        eprintln!("SKIP: no heaplab binary (cargo build --release -p vm, or set HEAPLAB)");
        return;
    }
    let tmp = std::env::temp_dir().join(format!("heaplab-external-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let out = tmp.join("run");
    let (results, out_s) = (tmp.display().to_string(), out.display().to_string());
    let o = bench(&[
        "--results",
        &results,
        "sweep",
        "--quick",
        "--bench",
        "pyperf/fixture_trees,pypy-own/fixture_queue,pyperf/fixture_broken",
        "--gc",
        "none,copying",
        "--heap-factors",
        "2",
        "--no-peers",
        "--no-canary",
        "--out",
        &out_s,
        "--no-progress",
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "sweep failed:\n{stderr}");
    let records = harness::record::read_jsonl(&out.join("records.jsonl")).unwrap();
    // 3 benchmarks × (none + copying at one factor).
    assert_eq!(records.len(), 6, "{records:#?}");
    for r in &records {
        if r.benchmark == BROKEN {
            assert!(!r.ok(), "{r:?}");
        } else {
            assert!(r.ok(), "{r:?}");
            if r.config == "copying" {
                assert!(r.heap_bytes.is_some() && r.gc_ms.is_some(), "{r:?}");
            }
        }
    }
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.contains(BROKEN) && report.contains("pypy-own/fixture_queue"));
    let mins = std::fs::read_to_string(out.join("minheap.json")).unwrap();
    assert!(mins.contains("fails without a heap limit"), "{mins}");
    std::fs::remove_dir_all(&tmp).unwrap();
}
