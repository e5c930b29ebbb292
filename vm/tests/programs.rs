//! Differential tests: every `tests/programs/*.py` must print exactly the
//! committed `.out` (produced by CPython 3.11, see `regen.py`, which also covers
//! `finalization/`) and exit with
//! the expected status, under every collector and under `--gc-stress
//! --verify-heap`.

mod common;

use common::{CONFIGS, first_difference, parallel, programs_in, run, threads};
use std::path::PathBuf;
use std::time::Duration;

fn programs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("programs")
}

/// The programs, with their expected output and exit status.
fn programs() -> Vec<(String, String, i32)> {
    programs_in(&programs_dir())
}

#[test]
fn programs_match_cpython_under_every_collector() {
    let progs = programs();
    assert!(
        progs.len() >= 10,
        "expected the program suite, found {}",
        progs.len()
    );
    let jobs: Vec<_> = progs
        .iter()
        .flat_map(|p| CONFIGS.iter().map(move |c| (p, c)))
        .collect();
    let dir = programs_dir();
    let failures = parallel(jobs, threads(), |((name, expected, exit), config)| {
        // The stdlib programs import thousands of lines of CPython's library;
        // under barrier-check (a whole-heap walk at every allocation) one
        // takes about 3 minutes on a busy 2-core machine.
        let o = run(&dir, config.args, name, &[], Duration::from_secs(600), &[]);
        let ok = o.status == Some(*exit) && o.stdout == *expected;
        if ok {
            return None;
        }
        let why = if o.status != Some(*exit) {
            format!(
                "exit {:?} (expected {exit}); stderr: {}",
                o.status,
                o.stderr.lines().last().unwrap_or("")
            )
        } else {
            first_difference(expected, &o.stdout)
        };
        Some(format!("{name} [{}]: {why}", config.name))
    });
    println!(
        "{} runs, {} failed",
        progs.len() * CONFIGS.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} failing runs:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
