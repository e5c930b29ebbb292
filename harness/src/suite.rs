//! Benchmark suites: manifest loading, validation and running one program.
//!
//! Every `harness/suite/*.toml` file is a manifest holding `[[program]]`
//! tables. A program is a Python file under the suite directory that uses
//! `heaplab_hook.run`, takes `-n SIZE` and prints exactly one
//! `checksum: <value>` line on stdout; the manifest records the expected
//! checksum at the program's default and quick sizes.

use serde::{Deserialize, Deserializer};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// Prefix of the stdout line carrying a program's checksum.
pub const CHECKSUM_PREFIX: &str = "checksum: ";

/// Prefix of the stderr line `heaplab_hook` writes for the timed window.
pub const WINDOW_PREFIX: &str = "heaplab-harness: window_ns=";
/// Prefix of the stderr line giving the window on the `--gc-log` clock:
/// `<prefix><begin>-<end>` in ns since the VM's stats began.
pub const WINDOW_CLOCK_PREFIX: &str = "heaplab-harness: window_clock_ns=";
/// Prefix of the stderr lines a program reports its own measurements on
/// (`heaplab_hook.metric(name, value)`): `<prefix><name>=<value>`.
pub const METRIC_PREFIX: &str = "heaplab-harness: metric ";

/// One benchmark program, as described by a `[[program]]` manifest table.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Program {
    /// Unique name across all manifests of a suite directory.
    pub name: String,
    /// Python file, relative to the suite directory.
    pub path: PathBuf,
    /// Grouping, e.g. `gc` or `pypy`.
    pub category: String,
    /// One line saying what the program exercises.
    pub description: String,
    /// Size for measurements (about 1–3 s on CPython).
    pub default_size: u64,
    /// Size for quick checks (about 0.1 s on CPython).
    pub quick_size: u64,
    /// Size for the VM's `--gc-stress --verify-heap` runs (a few
    /// milliseconds on CPython: every allocation collects under stress).
    pub tiny_size: u64,
    /// Language features the program relies on (free-form tags).
    #[serde(default)]
    pub features: Vec<String>,
    /// Modules the program imports.
    #[serde(default)]
    pub modules: Vec<String>,
    /// Expected checksum per size; keys are sizes written as strings.
    #[serde(deserialize_with = "checksum_map")]
    pub checksums: BTreeMap<String, String>,
    /// Manifest file the program came from (filled in by the loader); for
    /// external programs, the `--suite-dir` they were found under.
    #[serde(skip)]
    pub manifest: PathBuf,
    /// Built-in, or which external layout (see [`crate::external`]).
    #[serde(skip)]
    pub source: crate::external::Source,
}

impl Program {
    /// The expected checksum at `size`, if the manifest records one.
    pub fn checksum_for(&self, size: u64) -> Option<&str> {
        self.checksums.get(&size.to_string()).map(String::as_str)
    }
}

/// Accepts checksum values written either as TOML strings or integers.
fn checksum_map<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Value {
        Text(String),
        Int(i64),
    }
    let raw = BTreeMap::<String, Value>::deserialize(d)?;
    Ok(raw
        .into_iter()
        .map(|(k, v)| {
            let v = match v {
                Value::Text(s) => s,
                Value::Int(i) => i.to_string(),
            };
            (k, v)
        })
        .collect())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestFile {
    #[serde(default)]
    program: Vec<Program>,
}

/// Every program of one suite directory, from all of its manifests.
#[derive(Debug, Clone)]
pub struct Suite {
    /// The suite directory; program paths and `heaplab_hook.py` live here.
    pub dir: PathBuf,
    /// Programs in manifest-file order (manifests sorted by file name).
    pub programs: Vec<Program>,
}

/// Errors from loading manifests or running programs.
#[derive(Debug)]
pub enum SuiteError {
    /// A file or directory could not be read.
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// The underlying error.
        error: std::io::Error,
    },
    /// A manifest is not valid TOML or does not match the schema.
    Parse {
        /// The manifest.
        path: PathBuf,
        /// The parser's message.
        message: String,
    },
    /// Validation found problems (one message per problem).
    Invalid(Vec<String>),
    /// The interpreter could not be started.
    Spawn {
        /// The command that failed.
        command: String,
        /// The underlying error.
        error: std::io::Error,
    },
    /// The program did not finish within the time limit and was killed.
    Timeout {
        /// The program's name.
        program: String,
        /// The limit that was exceeded.
        limit: Duration,
    },
    /// The program exited unsuccessfully or printed no checksum line.
    Failed {
        /// The program's name.
        program: String,
        /// What went wrong, with the tail of stderr.
        message: String,
    },
}

impl fmt::Display for SuiteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SuiteError::Io { path, error } => write!(f, "{}: {}", path.display(), error),
            SuiteError::Parse { path, message } => write!(f, "{}: {}", path.display(), message),
            SuiteError::Invalid(problems) => {
                write!(f, "invalid suite:")?;
                for p in problems {
                    write!(f, "\n  - {p}")?;
                }
                Ok(())
            }
            SuiteError::Spawn { command, error } => write!(f, "cannot run `{command}`: {error}"),
            SuiteError::Timeout { program, limit } => {
                write!(f, "{program}: killed after {:.1} s", limit.as_secs_f64())
            }
            SuiteError::Failed { program, message } => write!(f, "{program}: {message}"),
        }
    }
}

impl std::error::Error for SuiteError {}

/// The suite directory of this source tree (`harness/suite`).
pub fn default_suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("suite")
}

/// Parses one manifest's text; `source` is recorded in each program.
pub fn parse_manifest(text: &str, source: &Path) -> Result<Vec<Program>, SuiteError> {
    let file: ManifestFile = toml::from_str(text).map_err(|e| SuiteError::Parse {
        path: source.to_path_buf(),
        message: e.to_string(),
    })?;
    let mut programs = file.program;
    for p in &mut programs {
        p.manifest = source.to_path_buf();
    }
    Ok(programs)
}

impl Suite {
    /// Loads every `*.toml` manifest directly inside `dir` (not validated).
    pub fn load(dir: &Path) -> Result<Suite, SuiteError> {
        let io = |error| SuiteError::Io {
            path: dir.to_path_buf(),
            error,
        };
        let mut manifests = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let path = entry.map_err(io)?.path();
            if path.extension().is_some_and(|e| e == "toml") && path.is_file() {
                manifests.push(path);
            }
        }
        manifests.sort();
        let mut programs = Vec::new();
        for path in manifests {
            let text = std::fs::read_to_string(&path).map_err(|error| SuiteError::Io {
                path: path.clone(),
                error,
            })?;
            programs.extend(parse_manifest(&text, &path)?);
        }
        Ok(Suite {
            dir: dir.to_path_buf(),
            programs,
        })
    }

    /// Loads and validates the suite in `dir`.
    pub fn load_validated(dir: &Path) -> Result<Suite, SuiteError> {
        let suite = Suite::load(dir)?;
        suite.validate()?;
        Ok(suite)
    }

    /// Checks unique names, existing relative `.py` paths inside the suite,
    /// non-zero sizes and recorded checksums for both sizes.
    pub fn validate(&self) -> Result<(), SuiteError> {
        let mut problems = Vec::new();
        let mut seen = BTreeSet::new();
        for p in &self.programs {
            let at = format!("{} ({})", p.name, p.manifest.display());
            if p.name.trim().is_empty() {
                problems.push(format!("{at}: empty name"));
            }
            if !seen.insert(p.name.as_str()) {
                problems.push(format!("{at}: duplicate program name"));
            }
            let inside = p
                .path
                .components()
                .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
            if !inside {
                problems.push(format!(
                    "{at}: path {} must be relative and stay inside the suite",
                    p.path.display()
                ));
            } else if !matches!(p.path.extension(), Some(e) if e == "py") {
                problems.push(format!("{at}: path {} is not a .py file", p.path.display()));
            } else if !self.dir.join(&p.path).is_file() {
                problems.push(format!("{at}: file {} does not exist", p.path.display()));
            }
            if p.default_size == 0 || p.quick_size == 0 || p.tiny_size == 0 {
                problems.push(format!("{at}: sizes must be positive"));
            }
            for (what, size) in [
                ("default", p.default_size),
                ("quick", p.quick_size),
                ("tiny", p.tiny_size),
            ] {
                match p.checksum_for(size) {
                    None => problems.push(format!("{at}: no checksum for {what} size {size}")),
                    Some(c) if c.trim().is_empty() => {
                        problems.push(format!("{at}: empty checksum for {what} size {size}"))
                    }
                    Some(_) => {}
                }
            }
            for key in p.checksums.keys() {
                if key.parse::<u64>().is_err() {
                    problems.push(format!("{at}: checksum key {key:?} is not a size"));
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(SuiteError::Invalid(problems))
        }
    }

    /// The program called `name`, if any.
    pub fn program(&self, name: &str) -> Option<&Program> {
        self.programs.iter().find(|p| p.name == name)
    }

    /// Runs `program` at `size` with `interpreter` (argv prefix, e.g.
    /// `["pypy3"]` or `["heaplab", "--gc", "copying"]`), killing it after
    /// `limit`. The suite directory is put first on `PYTHONPATH` so the
    /// program finds `heaplab_hook`.
    pub fn run(
        &self,
        program: &Program,
        interpreter: &[String],
        size: u64,
        limit: Duration,
    ) -> Result<RunOutput, SuiteError> {
        let (exe, args) = interpreter
            .split_first()
            .ok_or_else(|| SuiteError::Failed {
                program: program.name.clone(),
                message: "empty interpreter command".to_string(),
            })?;
        let script = self.dir.join(&program.path);
        let mut cmd = Command::new(exe);
        cmd.args(args)
            .arg(&script)
            .arg("-n")
            .arg(size.to_string())
            .current_dir(&self.dir)
            .env("PYTHONPATH", python_path(&self.dir))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let command = format!("{} {} -n {}", interpreter.join(" "), script.display(), size);
        run_command(&mut cmd, &program.name, &command, limit)
    }
}

/// What a finished program printed.
#[derive(Debug, Clone)]
pub struct RunOutput {
    /// The value after `checksum: `.
    pub checksum: String,
    /// The timed window reported by `heaplab_hook`, if present.
    pub window_ns: Option<u64>,
    /// Wall-clock time of the whole process.
    pub elapsed: Duration,
    /// Everything printed on stdout.
    pub stdout: String,
    /// Everything printed on stderr.
    pub stderr: String,
}

/// The value of the last `checksum: ` line of `stdout`.
pub fn extract_checksum(stdout: &str) -> Option<String> {
    stdout
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix(CHECKSUM_PREFIX))
        .map(|v| v.trim_end().to_string())
}

/// The `window_ns` value of the last `heaplab-harness:` line of `stderr`.
pub fn extract_window_ns(stderr: &str) -> Option<u64> {
    stderr
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix(WINDOW_PREFIX))
        .and_then(|v| v.trim().parse().ok())
}

/// Every timed window on the `--gc-log` clock, `(begin_ns, end_ns)`, in
/// order (a pyperf script opens one per benchmark).
pub fn extract_window_clocks(stderr: &str) -> Vec<(u64, u64)> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix(WINDOW_CLOCK_PREFIX))
        .filter_map(|v| {
            let (b, e) = v.trim().split_once('-')?;
            Some((b.parse().ok()?, e.parse().ok()?))
        })
        .collect()
}

/// The `heaplab-harness: metric` values of `stderr` (the last per name;
/// unparsable lines are skipped).
pub fn extract_metrics(stderr: &str) -> BTreeMap<String, f64> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix(METRIC_PREFIX))
        .filter_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            Some((k.trim().to_string(), v.trim().parse().ok()?))
        })
        .collect()
}

/// Looks `name` up on `PATH` (or checks it directly if it has a slash).
pub fn find_interpreter(name: &str) -> Option<PathBuf> {
    let direct = Path::new(name);
    if name.contains('/') {
        return direct.is_file().then(|| direct.to_path_buf());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

fn python_path(dir: &Path) -> std::ffi::OsString {
    let mut parts = vec![dir.to_path_buf()];
    if let Some(old) = std::env::var_os("PYTHONPATH") {
        parts.extend(std::env::split_paths(&old));
    }
    std::env::join_paths(parts).unwrap_or_else(|_| dir.as_os_str().to_os_string())
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

fn run_command(
    cmd: &mut Command,
    name: &str,
    command: &str,
    limit: Duration,
) -> Result<RunOutput, SuiteError> {
    let start = Instant::now();
    let mut child = cmd.spawn().map_err(|error| SuiteError::Spawn {
        command: command.to_string(),
        error,
    })?;
    let (out, err) = drain_output(&mut child);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() >= limit => {
                let _ = child.kill();
                let _ = child.wait();
                let _ = out.join();
                let _ = err.join();
                return Err(SuiteError::Timeout {
                    program: name.to_string(),
                    limit,
                });
            }
            Ok(None) => thread::sleep(Duration::from_millis(5)),
            Err(error) => {
                return Err(SuiteError::Spawn {
                    command: command.to_string(),
                    error,
                });
            }
        }
    };
    let elapsed = start.elapsed();
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    if !status.success() {
        return Err(SuiteError::Failed {
            program: name.to_string(),
            message: format!(
                "`{command}` exited with {status}; stderr:\n{}",
                tail(&stderr, 15)
            ),
        });
    }
    let checksum = extract_checksum(&stdout).ok_or_else(|| SuiteError::Failed {
        program: name.to_string(),
        message: format!(
            "`{command}` printed no checksum line; stdout:\n{}",
            tail(&stdout, 5)
        ),
    })?;
    Ok(RunOutput {
        checksum,
        window_ns: extract_window_ns(&stderr),
        elapsed,
        stdout,
        stderr,
    })
}

/// Reads a spawned child's stdout and stderr to the end on two threads, so
/// a chatty child never blocks on a full pipe; join the handles for the text.
pub fn drain_output(
    child: &mut std::process::Child,
) -> (thread::JoinHandle<String>, thread::JoinHandle<String>) {
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut buf);
            }
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let out = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    (out, err)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn program_toml(name: &str, path: &str, checksums: &str) -> String {
        format!(
            "[[program]]\nname = \"{name}\"\npath = \"{path}\"\ncategory = \"gc\"\n\
             description = \"d\"\ndefault_size = 10\nquick_size = 2\ntiny_size = 1\n\
             features = []\nmodules = [\"heaplab_hook\"]\n[program.checksums]\n{checksums}\n"
        )
    }

    fn temp_suite(tag: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("heaplab-suite-test-{}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("gc")).unwrap();
        std::fs::write(dir.join("gc/a.py"), "print('checksum: 1')\n").unwrap();
        std::fs::write(dir.join("gc/b.py"), "print('checksum: 2')\n").unwrap();
        dir
    }

    fn problems(suite: &Suite) -> Vec<String> {
        match suite.validate() {
            Ok(()) => Vec::new(),
            Err(SuiteError::Invalid(p)) => p,
            Err(e) => panic!("unexpected error {e}"),
        }
    }

    #[test]
    fn parses_string_and_integer_checksums() {
        let text = program_toml("a", "gc/a.py", "\"10\" = \"x:1\"\n\"2\" = 7");
        let progs = parse_manifest(&text, Path::new("m.toml")).unwrap();
        assert_eq!(progs.len(), 1);
        assert_eq!(progs[0].checksum_for(10), Some("x:1"));
        assert_eq!(progs[0].checksum_for(2), Some("7"));
        assert_eq!(progs[0].manifest, Path::new("m.toml"));
    }

    #[test]
    fn rejects_unknown_fields() {
        let text = program_toml("a", "gc/a.py", "\"10\" = \"1\"\n\"2\" = \"1\"")
            .replace("category = ", "bogus = 1\ncategory = ");
        assert!(matches!(
            parse_manifest(&text, Path::new("m.toml")),
            Err(SuiteError::Parse { .. })
        ));
    }

    #[test]
    fn validation_accepts_a_good_suite() {
        let dir = temp_suite("good");
        let ok = "\"10\" = \"1\"\n\"2\" = \"1\"\n\"1\" = \"1\"";
        std::fs::write(
            dir.join("one.toml"),
            program_toml("a", "gc/a.py", ok) + &program_toml("b", "gc/b.py", ok),
        )
        .unwrap();
        let suite = Suite::load_validated(&dir).unwrap();
        assert_eq!(suite.programs.len(), 2);
        assert!(suite.program("b").is_some());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn validation_reports_every_problem() {
        let dir = temp_suite("bad");
        let ok = "\"10\" = \"1\"\n\"2\" = \"1\"\n\"1\" = \"1\"";
        // Duplicate name across two manifests, a missing file, a path
        // escaping the suite, a missing quick-size checksum.
        std::fs::write(dir.join("one.toml"), program_toml("a", "gc/a.py", ok)).unwrap();
        std::fs::write(
            dir.join("two.toml"),
            program_toml("a", "gc/b.py", ok)
                + &program_toml("c", "gc/missing.py", ok)
                + &program_toml("d", "../gc/a.py", ok)
                + &program_toml("e", "gc/b.py", "\"10\" = \"1\"\n\"1\" = \"1\""),
        )
        .unwrap();
        let suite = Suite::load(&dir).unwrap();
        let p = problems(&suite);
        assert_eq!(p.len(), 4, "{p:#?}");
        assert!(p[0].contains("duplicate"));
        assert!(p[1].contains("does not exist"));
        assert!(p[2].contains("inside the suite"));
        assert!(p[3].contains("no checksum for quick size 2"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn extracts_checksum_and_window() {
        assert_eq!(
            extract_checksum("x\nchecksum: 12/3\n").as_deref(),
            Some("12/3")
        );
        assert_eq!(extract_checksum("nothing\n"), None);
        let err = "noise\nheaplab-harness: window_ns=12345\n";
        assert_eq!(extract_window_ns(err), Some(12345));
        let err = "heaplab-harness: metric a_us=1.5\nx\nheaplab-harness: metric b=oops\n\
                   heaplab-harness: metric a_us=2.0\n";
        let clock = "heaplab-harness: window_clock_ns=5-17\nheaplab-harness: window_ns=12\n\
                     heaplab-harness: window_clock_ns=30-x\nheaplab-harness: window_clock_ns=40-45\n";
        assert_eq!(extract_window_clocks(clock), [(5, 17), (40, 45)]);
        assert!(extract_window_clocks("heaplab-harness: window_ns=12\n").is_empty());
        let m = extract_metrics(err);
        assert_eq!(m.len(), 1, "unparsable values are skipped");
        assert_eq!(m["a_us"], 2.0, "the last value wins");
    }
}
