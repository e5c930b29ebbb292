//! Runs every suite program at its quick size under CPython (`python3`) and,
//! when installed, PyPy (`pypy3`), and checks the printed checksum against
//! the manifest. A missing interpreter is reported and skipped, not failed.

use harness::suite::{Program, Suite, default_suite_dir, find_interpreter};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

/// At most this many programs run at once across the whole test binary.
const PARALLEL: usize = 2;
/// Generous limit for one quick-size run.
const LIMIT: Duration = Duration::from_secs(180);

/// Serialises the interpreter tests so their worker threads never add up to
/// more than `PARALLEL` programs at a time.
static ONE_INTERPRETER_AT_A_TIME: Mutex<()> = Mutex::new(());

fn check_interpreter(name: &str) {
    let _guard = ONE_INTERPRETER_AT_A_TIME
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let Some(exe) = find_interpreter(name) else {
        eprintln!("SKIP: `{name}` is not installed; not checking suite checksums under it");
        return;
    };
    let suite = Suite::load_validated(&default_suite_dir()).unwrap_or_else(|e| panic!("{e}"));
    assert!(!suite.programs.is_empty(), "no suite programs found");
    let command = vec![exe.to_string_lossy().into_owned()];

    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    thread::scope(|s| {
        for _ in 0..PARALLEL {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(p) = suite.programs.get(i) else {
                        break;
                    };
                    if let Err(msg) = check_program(&suite, p, &command) {
                        failures.lock().unwrap().push(msg);
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} of {} programs failed under {name}:\n{}",
        failures.len(),
        suite.programs.len(),
        failures.join("\n")
    );
}

fn check_program(suite: &Suite, p: &Program, command: &[String]) -> Result<(), String> {
    check_size(suite, p, command, p.quick_size)?;
    check_size(suite, p, command, p.tiny_size)
}

fn check_size(suite: &Suite, p: &Program, command: &[String], size: u64) -> Result<(), String> {
    let expected = p.checksum_for(size).unwrap_or_default();
    let out = suite
        .run(p, command, size, LIMIT)
        .map_err(|e| format!("  {} (size {size}): {e}", p.name))?;
    println!(
        "{:<24} {:<8} size {:<8} {:>8.3} s  checksum {}",
        p.name,
        command[0].rsplit('/').next().unwrap_or_default(),
        size,
        out.elapsed.as_secs_f64(),
        out.checksum
    );
    if out.checksum != expected {
        return Err(format!(
            "  {} (size {size}): checksum {:?}, manifest says {:?}",
            p.name, out.checksum, expected
        ));
    }
    Ok(())
}

#[test]
fn suite_manifests_are_valid() {
    let suite = Suite::load_validated(&default_suite_dir()).unwrap_or_else(|e| panic!("{e}"));
    assert!(suite.programs.iter().any(|p| p.category == "gc"));
}

#[test]
fn quick_checksums_match_under_cpython() {
    check_interpreter("python3");
}

#[test]
fn quick_checksums_match_under_pypy() {
    check_interpreter("pypy3");
}
