//! External benchmark directories (`--suite-dir DIR`, repeatable, or the
//! colon-separated `HEAPLAB_SUITE_DIRS`), beside the built-in suite:
//!
//! - a pyperformance-style tree: `bm_NAME/run_benchmark.py` (with optional
//!   `pyproject.toml`, `requirements.txt` and data files), found in `DIR`,
//!   `DIR/benchmarks` or `DIR/pyperformance/data-files/benchmarks`. Each
//!   becomes the program `pyperf/NAME`, run unmodified as
//!   `run_benchmark.py --warmups W --values K --loops SIZE` from its own
//!   directory with Heaplab's minimal `pyperf` module (harness/pyperf) first
//!   on `PYTHONPATH`;
//! - a PyPy benchmarks checkout: every `own/X.py` (in `DIR/own` or `DIR`
//!   itself when it is named `own`) that calls `run_benchmark` becomes
//!   `pypy-own/X`, run as `harness/pyperf/heaplab_own.py own/X.py --warmups
//!   W -n K`, a driver that wraps the checkout's `util.run_benchmark` so
//!   only `main(K)` is inside the timed window.
//!
//! External programs have no checksum: an invocation is correct when it
//! exits cleanly and prints its result lines (one `heaplab-pyperf:` line per
//! benchmark, or at least K times, one per line, for `own/`). A script that
//! times several benchmarks opens one window each; [`merge_windows`] sums
//! them.

use crate::parse::{self, STATS_BEGIN, STATS_END, StatsBlock};
use crate::suite::{Program, WINDOW_PREFIX};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Environment variable with extra suite directories (colon-separated).
pub const SUITE_DIRS_ENV: &str = "HEAPLAB_SUITE_DIRS";

/// Prefix of the stdout line the bundled `pyperf` prints per benchmark.
pub const PYPERF_RESULT_PREFIX: &str = "heaplab-pyperf: ";

/// Name prefix of pyperformance-style programs.
pub const PYPERF_PREFIX: &str = "pyperf/";

/// Name prefix of PyPy `own/` programs.
pub const PYPY_OWN_PREFIX: &str = "pypy-own/";

/// Where a program comes from and how it is launched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Source {
    /// A built-in suite program (`-n SIZE --warmup W --iterations K`,
    /// checksum checked).
    #[default]
    Builtin,
    /// A pyperformance-style `bm_NAME/run_benchmark.py`.
    Pyperf {
        /// The `--suite-dir` it was found under.
        root: PathBuf,
        /// Script arguments selecting the variant (`[tool.pyperformance]
        /// extra_opts`, e.g. `["pickle_dict"]`).
        extra_opts: Vec<String>,
    },
    /// A PyPy benchmarks `own/X.py`.
    PypyOwn {
        /// The `--suite-dir` it was found under.
        root: PathBuf,
    },
}

impl Source {
    /// `built-in`, `pyperformance` or `pypy-own`.
    pub fn kind(&self) -> &'static str {
        match self {
            Source::Builtin => "built-in",
            Source::Pyperf { .. } => "pyperformance",
            Source::PypyOwn { .. } => "pypy-own",
        }
    }

    /// True for programs from `--suite-dir`.
    pub fn is_external(&self) -> bool {
        !matches!(self, Source::Builtin)
    }
}

/// The bundled `pyperf` module's directory (`harness/pyperf`), also home of
/// the `own/` driver `heaplab_own.py`.
pub fn pyperf_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("pyperf")
}

/// The `own/` driver script.
pub fn own_driver() -> PathBuf {
    pyperf_dir().join("heaplab_own.py")
}

/// `dirs` followed by the entries of `HEAPLAB_SUITE_DIRS`, duplicates removed.
pub fn suite_dirs(dirs: &[PathBuf]) -> Vec<PathBuf> {
    let mut all: Vec<PathBuf> = dirs.to_vec();
    if let Some(v) = std::env::var_os(SUITE_DIRS_ENV) {
        all.extend(std::env::split_paths(&v).filter(|p| !p.as_os_str().is_empty()));
    }
    let mut seen = BTreeSet::new();
    all.retain(|d| seen.insert(std::fs::canonicalize(d).unwrap_or_else(|_| d.clone())));
    all
}

/// Discovers the programs of every directory in `dirs`; a directory that
/// holds neither layout is an error.
pub fn discover_all(dirs: &[PathBuf]) -> Result<Vec<Program>, String> {
    let mut all = Vec::new();
    for d in dirs {
        all.extend(discover(d)?);
    }
    Ok(all)
}

/// Discovers the programs of one external directory, sorted by name.
pub fn discover(dir: &Path) -> Result<Vec<Program>, String> {
    let root = std::fs::canonicalize(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    if !root.is_dir() {
        return Err(format!("{}: not a directory", dir.display()));
    }
    let mut programs = Vec::new();
    for candidate in [
        root.clone(),
        root.join("benchmarks"),
        root.join("pyperformance/data-files/benchmarks"),
    ] {
        if candidate.is_dir() {
            let found = discover_pyperf(&candidate, &root)?;
            if !found.is_empty() {
                programs.extend(found);
                break;
            }
        }
    }
    let own = if root.file_name().is_some_and(|n| n == "own") {
        root.clone()
    } else {
        root.join("own")
    };
    if own.is_dir() {
        programs.extend(discover_own(&own, &root)?);
    }
    if programs.is_empty() {
        return Err(format!(
            "{}: no external benchmarks found (expected bm_*/run_benchmark.py, \
             benchmarks/bm_*/run_benchmark.py or own/*.py calling util.run_benchmark)",
            dir.display()
        ));
    }
    programs.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(programs)
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let io = |e: std::io::Error| format!("{}: {e}", dir.display());
    let mut entries = Vec::new();
    for e in std::fs::read_dir(dir).map_err(io)? {
        entries.push(e.map_err(io)?.path());
    }
    entries.sort();
    Ok(entries)
}

fn external_program(
    name: String,
    script: PathBuf,
    category: &str,
    description: String,
    modules: Vec<String>,
    source: Source,
    root: &Path,
) -> Program {
    Program {
        name,
        path: script,
        category: category.to_string(),
        description,
        default_size: 1,
        quick_size: 1,
        tiny_size: 1,
        features: Vec::new(),
        modules,
        checksums: BTreeMap::new(),
        manifest: root.to_path_buf(),
        source,
    }
}

fn discover_pyperf(dir: &Path, root: &Path) -> Result<Vec<Program>, String> {
    let mut programs = Vec::new();
    for path in sorted_entries(dir)? {
        let Some(base) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(short) = base.strip_prefix("bm_") else {
            continue;
        };
        let script = path.join("run_benchmark.py");
        if !script.is_file() {
            continue;
        }
        let main = read_toml(&path.join("pyproject.toml"));
        let mut description = main
            .as_ref()
            .and_then(|d| d.get("project")?.get("description")?.as_str())
            .map_or_else(|| format!("pyperformance benchmark {base}"), str::to_string);
        let mut requirements: Vec<String> = main
            .as_ref()
            .and_then(|d| d.get("project")?.get("dependencies")?.as_array().cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|d| d.as_str())
            .map(requirement)
            .collect();
        if let Ok(text) = std::fs::read_to_string(path.join("requirements.txt")) {
            requirements.extend(
                text.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with('-'))
                    .map(requirement),
            );
        }
        if description.starts_with("pyperformance benchmark ")
            && let Some(d) = docstring_line(&script)
        {
            description = d;
        }
        requirements.retain(|r| r != "pyperf");
        requirements.sort();
        requirements.dedup();
        // The benchmark itself, then its variants: every other `*.toml`
        // beside run_benchmark.py (e.g. bm_pickle/bm_pickle_dict.toml),
        // each the same script with its own name and extra_opts.
        let mut variants = vec![(short.to_string(), main)];
        for toml_path in sorted_entries(&path)? {
            let is_variant = toml_path.extension().is_some_and(|e| e == "toml")
                && toml_path.file_name().is_some_and(|n| n != "pyproject.toml");
            if is_variant && let Some(doc) = read_toml(&toml_path) {
                let stem = toml_path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
                let fallback = stem.strip_prefix("bm_").unwrap_or(stem).to_string();
                variants.push((fallback, Some(doc)));
            }
        }
        for (fallback, doc) in variants {
            let tool = doc
                .as_ref()
                .and_then(|d| d.get("tool")?.get("pyperformance").cloned());
            let name = tool
                .as_ref()
                .and_then(|t| t.get("name")?.as_str().map(str::to_string))
                .unwrap_or(fallback);
            let extra_opts = tool
                .as_ref()
                .and_then(|t| t.get("extra_opts")?.as_array().cloned())
                .unwrap_or_default()
                .iter()
                .filter_map(|o| o.as_str().map(str::to_string))
                .collect();
            programs.push(external_program(
                format!("{PYPERF_PREFIX}{name}"),
                script.clone(),
                "pyperf",
                description.clone(),
                requirements.clone(),
                Source::Pyperf {
                    root: root.to_path_buf(),
                    extra_opts,
                },
                root,
            ));
        }
    }
    Ok(programs)
}

/// A TOML file as a table, if it exists and parses.
fn read_toml(path: &Path) -> Option<toml::Table> {
    std::fs::read_to_string(path).ok()?.parse().ok()
}

/// The distribution name of a requirement line (`foo[x]>=1.0; ...` → `foo`).
fn requirement(line: &str) -> String {
    line.split(|c: char| !(c.is_ascii_alphanumeric() || "-_.".contains(c)))
        .next()
        .unwrap_or(line)
        .to_string()
}

/// The first line of a Python file's leading docstring, if any.
fn docstring_line(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let body = text
        .lines()
        .skip_while(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    let rest = body
        .strip_prefix("\"\"\"")
        .or_else(|| body.strip_prefix("r\"\"\""))?;
    let doc = rest.split("\"\"\"").next().unwrap_or(rest);
    // The first paragraph, on one line.
    let para: Vec<&str> = doc
        .lines()
        .map(str::trim)
        .skip_while(|l| l.is_empty())
        .take_while(|l| !l.is_empty())
        .collect();
    let first = para.join(" ");
    (!first.is_empty()).then_some(first)
}

fn discover_own(own: &Path, root: &Path) -> Result<Vec<Program>, String> {
    let mut programs = Vec::new();
    for path in sorted_entries(own)? {
        let Some(stem) = path
            .file_stem()
            .and_then(|n| n.to_str())
            .map(str::to_string)
        else {
            continue;
        };
        if !path.is_file()
            || path.extension().is_none_or(|e| e != "py")
            || stem == "util"
            || stem.starts_with('_')
        {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        if !text.contains("run_benchmark(") {
            continue;
        }
        let description =
            docstring_line(&path).unwrap_or_else(|| format!("PyPy own/ benchmark {stem}.py"));
        programs.push(external_program(
            format!("{PYPY_OWN_PREFIX}{stem}"),
            path,
            "pypy-own",
            description,
            Vec::new(),
            Source::PypyOwn {
                root: root.to_path_buf(),
            },
            root,
        ));
    }
    Ok(programs)
}

/// How to launch one external program: the script arguments (after the
/// interpreter), the working directory and the `PYTHONPATH` entries.
#[derive(Debug, Clone, PartialEq)]
pub struct Launch {
    /// Script and its arguments.
    pub args: Vec<String>,
    /// Working directory.
    pub cwd: PathBuf,
    /// `PYTHONPATH`, first entry first.
    pub python_path: Vec<PathBuf>,
}

/// The launch of `program` (external) with `warmup` warm-up values,
/// `iterations` timed values and `size` loops per value (pyperf only).
pub fn launch(program: &Program, size: u64, warmup: u32, iterations: u32) -> Launch {
    let script = program.path.clone();
    let dir = script
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    match &program.source {
        Source::PypyOwn { .. } => Launch {
            args: vec![
                own_driver().display().to_string(),
                script.display().to_string(),
                "--warmups".to_string(),
                warmup.to_string(),
                "-n".to_string(),
                iterations.max(1).to_string(),
            ],
            cwd: dir.clone(),
            python_path: vec![pyperf_dir(), dir],
        },
        source => {
            let mut args = vec![
                script.display().to_string(),
                "--warmups".to_string(),
                warmup.to_string(),
                "--values".to_string(),
                iterations.max(1).to_string(),
                "--loops".to_string(),
                size.max(1).to_string(),
            ];
            if let Source::Pyperf { extra_opts, .. } = source {
                args.extend(extra_opts.iter().cloned());
            }
            Launch {
                args,
                cwd: dir,
                python_path: vec![pyperf_dir()],
            }
        }
    }
}

/// Checks an external program's result lines after a clean exit; `Err`
/// says what is missing.
pub fn check_results(program: &Program, iterations: u32, stdout: &str) -> Result<(), String> {
    match &program.source {
        Source::Builtin => Ok(()),
        Source::Pyperf { .. } => {
            if stdout.lines().any(|l| l.starts_with(PYPERF_RESULT_PREFIX)) {
                Ok(())
            } else {
                Err("printed no `heaplab-pyperf:` result line (no bench_* call?)".to_string())
            }
        }
        Source::PypyOwn { .. } => {
            let times = stdout
                .lines()
                .filter(|l| l.trim().parse::<f64>().is_ok())
                .count();
            let want = iterations.max(1) as usize;
            if times >= want {
                Ok(())
            } else {
                Err(format!("printed {times} times, expected {want}"))
            }
        }
    }
}

/// The timed windows of a process that may have opened several (one per
/// pyperf benchmark): the summed window length in ns and the merged
/// `--gc-stats` blocks. Additive counters (times, pause counts, bytes) are
/// summed; `max_*`/`peak_*` values take the maximum; anything else keeps
/// the last block's value. `None` when there is no window line.
pub fn merge_windows(stderr: &str) -> (Option<u64>, Result<Option<StatsBlock>, String>) {
    let windows: Vec<u64> = stderr
        .lines()
        .filter_map(|l| l.strip_prefix(WINDOW_PREFIX))
        .filter_map(|v| v.trim().parse().ok())
        .collect();
    let window = (!windows.is_empty()).then(|| windows.iter().sum());
    let mut blocks = Vec::new();
    let mut rest = stderr;
    while let Some(begin) = rest.find(STATS_BEGIN) {
        let after = &rest[begin..];
        let Some(end) = after.find(STATS_END) else {
            break;
        };
        let chunk = &after[..end + STATS_END.len()];
        match parse::parse_stats_block(chunk) {
            Ok(Some(b)) => blocks.push(b),
            Ok(None) => {}
            Err(e) => return (window, Err(e)),
        }
        rest = &after[end + STATS_END.len()..];
    }
    if blocks.len() <= 1 {
        return (window, Ok(blocks.pop()));
    }
    let mut merged = StatsBlock::default();
    for b in &blocks {
        for (k, v) in &b.values {
            let old = merged.values.get(k).and_then(|o| o.parse::<f64>().ok());
            let new = v.parse::<f64>().ok();
            let value = match (old, new) {
                (Some(o), Some(n)) if is_additive(k) => format_number(o + n, v),
                (Some(o), Some(n)) if k.starts_with("max_") || k.starts_with("peak_") => {
                    format_number(o.max(n), v)
                }
                _ => v.clone(),
            };
            merged.values.insert(k.clone(), value);
        }
    }
    (window, Ok(Some(merged)))
}

fn is_additive(key: &str) -> bool {
    const SUMMED: &[&str] = &[
        "wall_ms",
        "gc_ms",
        "mutator_ms",
        "pauses",
        "bytes_allocated",
        "bytes_copied",
        "bytes_freed",
    ];
    SUMMED.contains(&key) || key.starts_with("pauses.") || key.starts_with("gc_ms.")
}

/// Formats like the original: an integer stays an integer.
fn format_number(x: f64, like: &str) -> String {
    if like.contains('.') {
        format!("{x:.3}")
    } else {
        format!("{}", x.round() as u64)
    }
}

/// A file-name-safe form of a benchmark name (`pyperf/x` → `pyperf_x`).
pub fn file_safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirement_names() {
        assert_eq!(
            requirement("Chameleon>=3.0; python_version<'4'"),
            "Chameleon"
        );
        assert_eq!(requirement("dulwich[https]==0.20"), "dulwich");
        assert_eq!(requirement("pyperf"), "pyperf");
    }

    #[test]
    fn merges_several_windows() {
        let block = |gc: &str, pauses: u32, peak: u32| {
            format!(
                "{STATS_BEGIN}\ncollector copying\ngc_ms {gc}\npauses {pauses}\n\
                 max_pause_ms 1.500\npeak_heap_bytes {peak}\n{STATS_END}\n"
            )
        };
        let err = format!(
            "{WINDOW_PREFIX}100\n{}{WINDOW_PREFIX}50\n{}",
            block("2.000", 3, 10),
            block("1.250", 2, 7)
        );
        let (w, b) = merge_windows(&err);
        assert_eq!(w, Some(150));
        let b = b.unwrap().unwrap();
        assert_eq!(b.f64("gc_ms"), Some(3.25));
        assert_eq!(b.u64("pauses"), Some(5));
        assert_eq!(b.u64("peak_heap_bytes"), Some(10));
        assert_eq!(b.str("collector"), Some("copying"));
        let (w, b) = merge_windows("nothing\n");
        assert_eq!(w, None);
        assert_eq!(b.unwrap(), None);
    }

    #[test]
    fn file_safe_names() {
        assert_eq!(file_safe("pyperf/nbody"), "pyperf_nbody");
        assert_eq!(
            file_safe("pypy-own/spectral-norm"),
            "pypy-own_spectral-norm"
        );
    }
}
