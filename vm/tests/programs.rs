//! Differential tests: every `tests/programs/*.py` must print exactly the
//! committed `.out` (produced by CPython 3.11, see `regen.py`) and exit with
//! the expected status, under every collector and under `--gc-stress
//! --verify-heap`.

mod common;

use common::{CONFIGS, first_difference, parallel, run, threads};
use std::path::PathBuf;
use std::time::Duration;

fn programs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("programs")
}

/// The programs, with their expected output and exit status.
fn programs() -> Vec<(String, String, i32)> {
    let dir = programs_dir();
    let mut v: Vec<(String, String, i32)> = std::fs::read_dir(&dir)
        .expect("tests/programs exists")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "py")
                && p.file_name().is_some_and(|n| n != "regen.py")
        })
        .map(|p| {
            let src = std::fs::read_to_string(&p).expect("read program");
            let exit = src
                .lines()
                .next()
                .and_then(|l| l.strip_prefix("# expect-exit:"))
                .and_then(|s| s.trim().parse().ok())
                .unwrap_or(0);
            let out = std::fs::read_to_string(p.with_extension("out"))
                .unwrap_or_else(|_| panic!("{} has no .out file", p.display()));
            (
                p.file_name().expect("name").to_string_lossy().into_owned(),
                out,
                exit,
            )
        })
        .collect();
    v.sort();
    v
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
        let o = run(&dir, config.args, name, &[], Duration::from_secs(300), &[]);
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
