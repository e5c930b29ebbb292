//! The finalization rule programs (`tests/programs/finalization/`, rules
//! R1-R17 of SEMANTICS.md) under every collector that reclaims memory,
//! plain and under `--gc-stress --verify-heap` (generational: a stress
//! collection is a minor one, every 8th a full one).
//!
//! Expected output is CPython's where the model agrees with it, else the
//! model's (hand-checked; see that directory's README). The `none` and
//! `barrier-check` heaps never reclaim anything, so they cannot run these.
//!
//! The conservative collector runs them twice: with precise roots
//! (`roots=precise`), where the output must match exactly, and with its
//! default ambiguous roots, where a stale native-stack word may keep
//! garbage alive (R1, R12 "false retention"): there only safety is required
//! (no crash, no internal error; a Python exception can follow from a
//! finalizer that never ran) and mismatching programs are reported as
//! retention.

mod common;

use common::{Config, first_difference, parallel, programs_in, run, threads};
use std::path::PathBuf;
use std::time::Duration;

/// Configurations that must match the expected output exactly.
const EXACT: &[Config] = &[
    Config {
        name: "copying",
        args: &["--gc=copying"],
    },
    Config {
        name: "conservative-precise",
        args: &["--gc=conservative", "--gc-opt", "roots=precise"],
    },
    Config {
        name: "copying+stress",
        args: &["--gc=copying", "--gc-stress", "--verify-heap"],
    },
    Config {
        name: "generational",
        args: &["--gc=generational"],
    },
    Config {
        name: "generational+stress",
        args: &["--gc=generational", "--gc-stress", "--verify-heap"],
    },
    Config {
        name: "unified-rc",
        args: &["--gc=unified-rc"],
    },
    Config {
        name: "unified-rc+stress",
        args: &["--gc=unified-rc", "--gc-stress", "--verify-heap"],
    },
    Config {
        name: "generational-semispace+stress",
        args: &[
            "--gc=generational",
            "--gc-opt",
            "mature=semispace",
            "--gc-opt",
            "verify_barriers=1",
            "--gc-stress",
            "--verify-heap",
        ],
    },
    Config {
        name: "conservative-precise+stress",
        args: &[
            "--gc=conservative",
            "--gc-opt",
            "roots=precise",
            "--gc-stress",
            "--verify-heap",
        ],
    },
];

/// Configurations with ambiguous roots: safety (clean exit) only.
const AMBIGUOUS: &[Config] = &[Config {
    name: "conservative",
    args: &["--gc=conservative"],
}];

/// Programs that need more than the VM has today, with the reason. The
/// test fails if one of them starts passing, so the list stays honest.
const KNOWN_GAPS: &[(&str, &str)] = &[];

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("programs")
        .join("finalization")
}

/// The rule programs and their expected output (they all exit with 0).
fn programs() -> Vec<(String, String)> {
    programs_in(&dir())
        .into_iter()
        .map(|(name, out, _)| (name, out))
        .collect()
}

fn gap(name: &str) -> Option<&'static str> {
    KNOWN_GAPS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, why)| *why)
}

#[test]
fn rule_programs_follow_the_model_under_every_collector() {
    let progs = programs();
    assert!(
        progs.len() >= 17,
        "expected the rule programs, found {}",
        progs.len()
    );
    let jobs: Vec<_> = progs
        .iter()
        .flat_map(|p| EXACT.iter().map(move |c| (p, c)))
        .collect();
    let d = dir();
    // Each run reports one tagged line: FAIL, GAP (a known gap that still
    // fails) or FIXED (a known gap that now passes).
    let reports = parallel(jobs, threads(), |((name, expected), config)| {
        let o = run(&d, config.args, name, &[], Duration::from_secs(300), &[]);
        let ok = o.status == Some(0) && o.stdout == *expected;
        match (gap(name), ok) {
            (None, true) => None,
            (None, false) => {
                let why = if o.status != Some(0) {
                    format!(
                        "exit {:?}; stderr: {}",
                        o.status,
                        o.stderr.lines().last().unwrap_or("")
                    )
                } else {
                    first_difference(expected, &o.stdout)
                };
                Some(format!("FAIL {name} [{}]: {why}", config.name))
            }
            (Some(reason), false) => Some(format!("GAP {name} [{}]: {reason}", config.name)),
            (Some(_), true) => Some(format!(
                "FIXED {name} [{}] passes: remove it from KNOWN_GAPS",
                config.name
            )),
        }
    });
    for r in reports.iter().filter(|r| r.starts_with("GAP ")) {
        println!("known {r}");
    }
    let failures: Vec<&String> = reports.iter().filter(|r| !r.starts_with("GAP ")).collect();
    println!(
        "{} runs, {} failed",
        progs.len() * EXACT.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} failing runs:\n{}",
        failures.len(),
        failures
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn rule_programs_are_safe_with_ambiguous_roots() {
    let progs: Vec<_> = programs()
        .into_iter()
        .filter(|(n, _)| gap(n).is_none())
        .collect();
    let jobs: Vec<_> = progs
        .iter()
        .flat_map(|p| AMBIGUOUS.iter().map(move |c| (p, c)))
        .collect();
    let d = dir();
    // UNSAFE for a bad exit, RETAINED for a clean run whose output differs.
    let reports = parallel(jobs, threads(), |((name, expected), config)| {
        let o = run(&d, config.args, name, &[], Duration::from_secs(300), &[]);
        // A Python-level error (exit 1) can follow from retention (a
        // finalizer that never ran); a crash, an internal error or an
        // out-of-memory exit cannot.
        let crashed = !matches!(o.status, Some(0) | Some(1)) || o.stderr.contains("internal error");
        if crashed {
            Some(format!(
                "UNSAFE {name} [{}]: exit {:?}: {}",
                config.name,
                o.status,
                o.stderr.lines().last().unwrap_or("")
            ))
        } else if o.stdout != *expected {
            Some(format!("RETAINED {name}"))
        } else {
            None
        }
    });
    let failures: Vec<&String> = reports.iter().filter(|r| r.starts_with("UNSAFE")).collect();
    let retained: Vec<&str> = reports
        .iter()
        .filter_map(|r| r.strip_prefix("RETAINED "))
        .collect();
    println!(
        "false retention (output differs from the model, exit clean): {} of {} programs: {}",
        retained.len(),
        progs.len(),
        retained.join(", ")
    );
    assert!(
        failures.is_empty(),
        "unsafe runs:\n{}",
        failures
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
}
