//! Shared helpers for the VM's integration tests: running `heaplab` under a
//! given collector configuration and comparing against committed output.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::Duration;

/// One way of running the VM: a name for reports and its flags.
#[derive(Clone, Debug)]
pub struct Config {
    pub name: &'static str,
    pub args: &'static [&'static str],
}

impl Config {
    /// Does this configuration collect at every allocation?
    pub fn is_stress(&self) -> bool {
        self.args.contains(&"--gc-stress")
    }
}

/// Every collector, plain and under `--gc-stress` (collect at every
/// allocation; verifying the heap after each is left to the program tests,
/// where it is affordable).
pub const SUITE_CONFIGS: &[Config] = &[
    Config {
        name: "none",
        args: &["--gc=none"],
    },
    Config {
        name: "copying",
        args: &["--gc=copying"],
    },
    Config {
        name: "conservative",
        args: &["--gc=conservative"],
    },
    Config {
        name: "generational",
        args: &["--gc=generational"],
    },
    Config {
        name: "unified-rc",
        args: &["--gc=unified-rc"],
    },
    Config {
        name: "copying+stress",
        args: &["--gc=copying", "--gc-stress"],
    },
    Config {
        name: "conservative+stress",
        args: &["--gc=conservative", "--gc-stress"],
    },
    Config {
        name: "generational+stress",
        args: &["--gc=generational", "--gc-stress"],
    },
    Config {
        name: "unified-rc+stress",
        args: &["--gc=unified-rc", "--gc-stress"],
    },
];

/// Every collector, plain and under `--gc-stress --verify-heap`, and the
/// barrier-checking heap walking the whole heap after every allocation.
pub const CONFIGS: &[Config] = &[
    Config {
        name: "barrier-check",
        args: &["--gc=barrier-check", "--gc-opt", "check_every=1"],
    },
    Config {
        name: "none",
        args: &["--gc=none"],
    },
    Config {
        name: "copying",
        args: &["--gc=copying"],
    },
    Config {
        name: "conservative",
        args: &["--gc=conservative"],
    },
    Config {
        name: "copying+stress",
        args: &["--gc=copying", "--gc-stress", "--verify-heap"],
    },
    Config {
        name: "conservative+stress",
        args: &["--gc=conservative", "--gc-stress", "--verify-heap"],
    },
    Config {
        name: "generational",
        args: &["--gc=generational", "--gc-opt", "verify_barriers=1"],
    },
    Config {
        name: "generational+stress",
        args: &["--gc=generational", "--gc-stress", "--verify-heap"],
    },
    Config {
        name: "generational-semispace+stress",
        args: &[
            "--gc=generational",
            "--gc-opt",
            "mature=semispace",
            "--gc-stress",
            "--verify-heap",
        ],
    },
    Config {
        name: "unified-rc",
        args: &["--gc=unified-rc", "--gc-opt", "verify_counts=1"],
    },
    Config {
        name: "unified-rc+stress",
        args: &["--gc=unified-rc", "--gc-stress", "--verify-heap"],
    },
];

/// The test programs (`*.py` except `regen.py`) in `dir`, sorted, each
/// with its expected stdout (`NAME.out`) and exit status (first line
/// `# expect-exit: N`, else 0).
pub fn programs_in(dir: &Path) -> Vec<(String, String, i32)> {
    let mut v: Vec<(String, String, i32)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
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
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            (name, out, exit)
        })
        .collect();
    v.sort();
    v
}

/// The `heaplab` binary built for this test run.
pub fn heaplab() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_heaplab"))
}

/// What a run produced.
pub struct Outcome {
    pub status: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `heaplab <args> <script> <script_args>` in `dir`, with a timeout.
pub fn run(
    dir: &Path,
    args: &[&str],
    script: &str,
    script_args: &[String],
    timeout: Duration,
    env: &[(&str, &str)],
) -> Outcome {
    let mut cmd = Command::new(heaplab());
    cmd.current_dir(dir)
        .args(args)
        .arg(script)
        .args(script_args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    // The expected outputs come from CPython started with SIGINT at its
    // default action; a test run started as a background job inherits it
    // ignored (and `signal.getsignal(SIGINT)` then reports SIG_IGN).
    // SAFETY: `signal` is async-signal-safe, as a `pre_exec` hook requires.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut cmd, || {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            Ok(())
        });
    }
    cmd.stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("spawn heaplab");
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let t_out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut out, &mut s);
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut err, &mut s);
        s
    });
    let start = std::time::Instant::now();
    let status = loop {
        match child.try_wait().expect("wait") {
            Some(s) => break s.code(),
            None if start.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            None => std::thread::sleep(Duration::from_millis(10)),
        }
    };
    Outcome {
        status,
        stdout: t_out.join().unwrap_or_default(),
        stderr: t_err.join().unwrap_or_default(),
    }
}

/// Runs `jobs` on at most `threads` worker threads; returns the failures.
pub fn parallel<T: Send + Sync>(
    jobs: Vec<T>,
    threads: usize,
    f: impl Fn(&T) -> Option<String> + Sync,
) -> Vec<String> {
    let next = Mutex::new(0usize);
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| {
                loop {
                    let i = {
                        let mut n = next.lock().expect("lock");
                        let i = *n;
                        *n += 1;
                        i
                    };
                    let Some(job) = jobs.get(i) else { break };
                    if let Some(msg) = f(job) {
                        failures.lock().expect("lock").push(msg);
                    }
                }
            });
        }
    });
    let mut v = failures.into_inner().expect("lock");
    v.sort();
    v
}

/// Worker threads for test runs (the CI machine has 2 cores).
pub fn threads() -> usize {
    std::env::var("HEAPLAB_TEST_THREADS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2)
}

/// A short diff-like description of where two outputs first differ.
pub fn first_difference(expected: &str, actual: &str) -> String {
    for (i, (e, a)) in expected.lines().zip(actual.lines()).enumerate() {
        if e != a {
            return format!("line {}: expected {:?}, got {:?}", i + 1, e, a);
        }
    }
    let (ne, na) = (expected.lines().count(), actual.lines().count());
    if ne != na {
        return format!("expected {ne} lines, got {na}");
    }
    "trailing newline differs".to_string()
}
