//! The `heaplab-bench` command line: `list`, `run`, `minheap`, `sweep` and
//! `report`.

use crate::external;
use crate::peers;
use crate::provenance::{self, Provenance};
use crate::record::factor_label;
use crate::runner::{Invocation, Runtime, run_invocation, shell_join};
use crate::suite::{Program, Suite, default_suite_dir};
use crate::sweep::{self, SearchContext, Settings, Sweep};
use clap::{Args, Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// Benchmarks a quick sweep runs by default: GC-heavy tree builders,
/// allocation churn, a mutable long-lived structure, cycles, and three
/// mostly-mutator PyPy programs.
pub const QUICK_BENCHMARKS: &[&str] = &[
    "gcbench",
    "binary_trees",
    "tuple_churn",
    "btree",
    "cyclic_churn",
    "deltablue",
    "richards",
    "nbody",
];

/// Collectors swept by default (`none` is the unbounded baseline).
pub const DEFAULT_COLLECTORS: &str = "none,copying,conservative,generational,unified-rc";

/// Heaplab's benchmark harness: runs suites under each collector across heap
/// sizes, beside CPython and PyPy, and reports statistics and plots.
#[derive(Parser, Debug)]
#[command(name = "heaplab-bench", version, about)]
pub struct Cli {
    /// The heaplab binary (default: target/release/heaplab in the
    /// workspace, else `heaplab` on PATH).
    #[arg(long, global = true, value_name = "PATH")]
    pub heaplab: Option<PathBuf>,
    /// Suite directory (default: harness/suite of this source tree).
    #[arg(long, global = true, value_name = "DIR")]
    pub suite: Option<PathBuf>,
    /// External benchmark directory (repeatable; also the colon-separated
    /// HEAPLAB_SUITE_DIRS): a pyperformance tree (bm_*/run_benchmark.py) or
    /// a PyPy benchmarks checkout (own/*.py).
    #[arg(long = "suite-dir", global = true, value_name = "DIR")]
    pub suite_dirs: Vec<PathBuf>,
    /// Results directory (default: results/ in the workspace root).
    #[arg(long, global = true, value_name = "DIR")]
    pub results: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Cmd,
}

/// Subcommands.
#[derive(Subcommand, Debug)]
pub enum Cmd {
    /// List the suite's benchmarks and the interpreters found.
    List,
    /// Run one benchmark once under one collector (or peer) and print the record.
    Run(RunArgs),
    /// Find (or show cached) minimum heaps per benchmark and collector.
    Minheap(MinheapArgs),
    /// Sweep benchmarks × collectors × heap factors (and peers); write results/.
    Sweep(SweepArgs),
    /// Regenerate summary.csv, report.md and plots of a sweep directory.
    Report {
        /// The sweep's output directory.
        dir: PathBuf,
    },
}

/// Options of `run`.
#[derive(Args, Debug)]
pub struct RunArgs {
    /// Benchmark name.
    pub benchmark: String,
    /// Collector.
    #[arg(long, default_value = "copying")]
    pub gc: String,
    /// Run under a peer interpreter (python3, pypy3) instead of heaplab.
    #[arg(long, conflicts_with_all = ["heap", "heap_factor"])]
    pub peer: Option<String>,
    /// Heap limit (e.g. 64M); default unbounded.
    #[arg(long, conflicts_with = "heap_factor")]
    pub heap: Option<String>,
    /// Heap limit as a factor of this collector's (cached or searched) minimum heap.
    #[arg(long)]
    pub heap_factor: Option<f64>,
    /// Use the quick size.
    #[arg(long)]
    pub quick: bool,
    /// Explicit size (`-n`), overriding --quick.
    #[arg(long)]
    pub size: Option<u64>,
    /// Warm-up iterations.
    #[arg(long, default_value_t = 0)]
    pub warmup: u32,
    /// Timed iterations.
    #[arg(long, default_value_t = 1)]
    pub iterations: u32,
    /// Time limit in seconds.
    #[arg(long, default_value_t = 300.0)]
    pub timeout: f64,
    /// Keep the pause log here.
    #[arg(long, value_name = "FILE")]
    pub gc_log: Option<PathBuf>,
    /// Extra heaplab argument (repeatable), e.g. --vm-arg=--stdlib=/usr/lib/python3.11.
    #[arg(long = "vm-arg", allow_hyphen_values = true, value_name = "ARG")]
    pub vm_args: Vec<String>,
}

/// Options of `minheap`.
#[derive(Args, Debug)]
pub struct MinheapArgs {
    /// Collectors (comma-separated).
    #[arg(
        long,
        default_value = "copying,conservative,generational,unified-rc",
        value_delimiter = ','
    )]
    pub gc: Vec<String>,
    /// Benchmarks (comma-separated; default all).
    #[arg(long, value_delimiter = ',')]
    pub bench: Vec<String>,
    /// Quick sizes.
    #[arg(long)]
    pub quick: bool,
    /// Redo cached searches.
    #[arg(long)]
    pub refresh: bool,
    /// Time limit per probe, seconds.
    #[arg(long, default_value_t = 300.0)]
    pub timeout: f64,
    /// Extra heaplab argument (repeatable).
    #[arg(long = "vm-arg", allow_hyphen_values = true, value_name = "ARG")]
    pub vm_args: Vec<String>,
}

/// Options of `sweep`.
#[derive(Args, Debug)]
pub struct SweepArgs {
    /// Collectors (comma-separated); `none` runs unbounded as the baseline.
    #[arg(long, value_delimiter = ',', default_value = DEFAULT_COLLECTORS)]
    pub gc: Vec<String>,
    /// Benchmarks (comma-separated; default: all, or the quick subset with --quick).
    #[arg(long, value_delimiter = ',')]
    pub bench: Vec<String>,
    /// Heap factors over the reference minimum heap [default: 1.25,1.5,2,3,4,6; quick: 1.5,3].
    #[arg(long, value_delimiter = ',')]
    pub heap_factors: Vec<f64>,
    /// Fresh processes per point [default: 5; quick: 1].
    #[arg(long)]
    pub invocations: Option<u32>,
    /// Warm-up iterations per process [default: 1; quick: 0].
    #[arg(long)]
    pub warmup: Option<u32>,
    /// Timed iterations per process [default: 2; quick: 1].
    #[arg(long)]
    pub iterations: Option<u32>,
    /// Smoke sweep: quick sizes, 1 invocation, factors 1.5,3, a small benchmark subset.
    #[arg(long)]
    pub quick: bool,
    /// Seed of the randomised order.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Canary benchmark, run under --gc=none at its quick size to detect drift.
    #[arg(long, default_value = "richards")]
    pub canary: String,
    /// Run the canary after every N invocations (0 = only first and last).
    #[arg(long)]
    pub canary_every: Option<usize>,
    /// No canary.
    #[arg(long)]
    pub no_canary: bool,
    /// Reference collector whose minimum heap factors multiply (default: the
    /// smallest minimum heap among the collectors, per benchmark; `own`:
    /// each collector's own minimum).
    #[arg(long)]
    pub reference: Option<String>,
    /// Configuration times are normalised to.
    #[arg(long, default_value = "none")]
    pub baseline: String,
    /// Peer interpreters, measured when installed (comma-separated).
    #[arg(long, value_delimiter = ',', default_value = "python3,pypy3")]
    pub peers: Vec<String>,
    /// Do not run peers.
    #[arg(long)]
    pub no_peers: bool,
    /// Name of the run: output goes to results/<date>-<name>/ [default: sweep, or quick].
    #[arg(long)]
    pub name: Option<String>,
    /// Explicit output directory (overrides --name).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Time limit per invocation, seconds [default: 300; quick: 60].
    #[arg(long)]
    pub timeout: Option<f64>,
    /// Keep every --gc-log CSV under gclogs/.
    #[arg(long)]
    pub keep_gc_logs: bool,
    /// Redo cached minimum-heap searches.
    #[arg(long)]
    pub refresh_minheap: bool,
    /// Extra heaplab argument (repeatable), e.g. --vm-arg=--stdlib=DIR.
    #[arg(long = "vm-arg", allow_hyphen_values = true, value_name = "ARG")]
    pub vm_args: Vec<String>,
    /// No progress bars.
    #[arg(long)]
    pub no_progress: bool,
}

/// Paths every subcommand resolves the same way.
struct Env {
    root: PathBuf,
    suite: Suite,
    results: PathBuf,
    heaplab: Option<PathBuf>,
}

fn env(cli: &Cli) -> Result<Env, String> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let root = provenance::workspace_root(&cwd);
    let suite_dir = cli.suite.clone().unwrap_or_else(default_suite_dir);
    let mut suite = Suite::load_validated(&suite_dir).map_err(|e| e.to_string())?;
    let external = external::discover_all(&external::suite_dirs(&cli.suite_dirs))?;
    for p in external {
        if let Some(old) = suite.program(&p.name) {
            return Err(format!(
                "benchmark {} found twice: {} and {}",
                p.name,
                old.path.display(),
                p.path.display()
            ));
        }
        suite.programs.push(p);
    }
    let results = cli.results.clone().unwrap_or_else(|| root.join("results"));
    let heaplab = provenance::find_heaplab(cli.heaplab.as_deref(), &root)
        .map(|p| std::fs::canonicalize(&p).unwrap_or(p));
    Ok(Env {
        root,
        suite,
        results,
        heaplab,
    })
}

fn need_heaplab(env: &Env) -> Result<PathBuf, String> {
    env.heaplab.clone().ok_or_else(|| {
        format!(
            "no heaplab binary: pass --heaplab PATH, build {} (cargo build --release -p vm) or put heaplab on PATH",
            env.root.join("target/release/heaplab").display()
        )
    })
}

/// The programs named in `names` (all when empty); a name ending in `*`
/// selects every program with that prefix (e.g. `pyperf/*`).
fn select<'a>(suite: &'a Suite, names: &[String]) -> Result<Vec<&'a Program>, String> {
    if names.is_empty() {
        return Ok(suite.programs.iter().collect());
    }
    let mut chosen: Vec<&Program> = Vec::new();
    for n in names {
        let found: Vec<&Program> = match n.strip_suffix('*') {
            Some(prefix) => suite
                .programs
                .iter()
                .filter(|p| p.name.starts_with(prefix))
                .collect(),
            None => suite.program(n).into_iter().collect(),
        };
        if found.is_empty() {
            return Err(unknown_benchmark(suite, n));
        }
        for p in found {
            if !chosen.iter().any(|c| c.name == p.name) {
                chosen.push(p);
            }
        }
    }
    Ok(chosen)
}

fn unknown_benchmark(suite: &Suite, n: &str) -> String {
    format!(
        "unknown benchmark {n:?} (known: {})",
        suite
            .programs
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// The standard library the VM actually uses with these arguments: the
/// directory `heaplab` loads CPython's `os.py` from (asked of the VM, since
/// it finds the stdlib itself when `--stdlib` is not given).
fn stdlib_of(heaplab: &Path, vm_args: &[String]) -> String {
    let probe = Command::new(heaplab)
        .args(vm_args)
        .args(["-c", "import os; print(os.__file__)"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output();
    match probe {
        Ok(out) if out.status.success() => {
            let file = String::from_utf8_lossy(&out.stdout).trim().to_string();
            Path::new(&file)
                .parent()
                .map_or(file.clone(), |d| d.display().to_string())
        }
        _ => "none found (heaplab's built-in modules only)".to_string(),
    }
}

/// Parses the arguments and runs; returns the process exit code.
pub fn main() -> i32 {
    let cli = Cli::parse();
    match dispatch(&cli) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("heaplab-bench: error: {e}");
            1
        }
    }
}

fn dispatch(cli: &Cli) -> Result<(), String> {
    if let Cmd::Report { dir } = &cli.command {
        crate::report::write_report(dir)?;
        println!("wrote {}", dir.join(sweep::files::REPORT).display());
        return Ok(());
    }
    let env = env(cli)?;
    match &cli.command {
        Cmd::List => list(&env),
        Cmd::Run(a) => run(&env, a),
        Cmd::Minheap(a) => minheap(&env, a),
        Cmd::Sweep(a) => run_sweep(&env, a),
        Cmd::Report { .. } => Ok(()),
    }
}

fn list(env: &Env) -> Result<(), String> {
    let builtin: Vec<&Program> = env
        .suite
        .programs
        .iter()
        .filter(|p| !p.source.is_external())
        .collect();
    println!(
        "suite {} ({} programs):",
        env.suite.dir.display(),
        builtin.len()
    );
    println!(
        "{:<18} {:<5} {:>9} {:>9}  description",
        "name", "cat", "default", "quick"
    );
    for p in &builtin {
        println!(
            "{:<18} {:<5} {:>9} {:>9}  {}",
            p.name, p.category, p.default_size, p.quick_size, p.description
        );
    }
    println!();
    let mut roots: Vec<&std::path::Path> = Vec::new();
    for p in env.suite.programs.iter().filter(|p| p.source.is_external()) {
        if !roots.contains(&p.manifest.as_path()) {
            roots.push(&p.manifest);
        }
    }
    for root in roots {
        let progs: Vec<&Program> = env
            .suite
            .programs
            .iter()
            .filter(|p| p.source.is_external() && p.manifest == root)
            .collect();
        println!(
            "external {} ({} programs; no checksums; size = pyperf --loops):",
            root.display(),
            progs.len()
        );
        println!("{:<32} {:<13}  description", "name", "source");
        for p in progs {
            let needs = if p.modules.is_empty() {
                String::new()
            } else {
                format!(" [requires: {}]", p.modules.join(", "))
            };
            println!(
                "{:<32} {:<13}  {}{}",
                p.name,
                p.source.kind(),
                p.description,
                needs
            );
        }
        println!();
    }
    match &env.heaplab {
        Some(h) => println!("heaplab: {} ({})", h.display(), provenance::version_of(h)),
        None => println!("heaplab: not found (pass --heaplab PATH)"),
    }
    let names: Vec<String> = peers::DEFAULT_PEERS.iter().map(|s| s.to_string()).collect();
    let (found, missing) = peers::detect(&names);
    for (rt, v) in found {
        if let Runtime::Peer { name, exe } = rt {
            println!("peer {name}: {} ({v})", exe.display());
        }
    }
    for m in missing {
        println!("peer {m}: not installed");
    }
    println!("quick-sweep benchmarks: {}", QUICK_BENCHMARKS.join(", "));
    Ok(())
}

fn run(env: &Env, a: &RunArgs) -> Result<(), String> {
    let program = env
        .suite
        .program(&a.benchmark)
        .ok_or_else(|| format!("unknown benchmark {:?}", a.benchmark))?;
    let size = a.size.unwrap_or(if a.quick {
        program.quick_size
    } else {
        program.default_size
    });
    let timeout = Duration::from_secs_f64(a.timeout);
    let runtime = match &a.peer {
        Some(name) => {
            let (mut found, _) = peers::detect(std::slice::from_ref(name));
            found.pop().ok_or(format!("{name} is not installed"))?.0
        }
        None => Runtime::Heaplab {
            exe: need_heaplab(env)?,
            collector: a.gc.clone(),
            extra: a.vm_args.clone(),
        },
    };
    let heap_bytes = match (&a.heap, a.heap_factor) {
        (Some(h), _) => Some(gc_api::parse_size(h).map_err(|e| e.0)? as u64),
        (None, Some(f)) => {
            let exe = need_heaplab(env)?;
            let id = provenance::binary_id(&exe);
            let ctx = SearchContext {
                suite: &env.suite,
                heaplab: &exe,
                vm_args: &a.vm_args,
                heaplab_id: &id,
                timeout,
            };
            let mins = sweep::min_heaps(
                &ctx,
                &[program],
                std::slice::from_ref(&a.gc),
                size == program.quick_size,
                &env.results.join("minheap.json"),
                false,
                true,
            )?;
            let m = mins.by_benchmark[&program.name][&a.gc]
                .min_heap
                .ok_or("no minimum heap found")?;
            Some((m as f64 * f).round() as u64)
        }
        (None, None) => None,
    };
    let mut r = run_invocation(&Invocation {
        suite_dir: &env.suite.dir,
        program,
        runtime: &runtime,
        size,
        heap_bytes,
        warmup: a.warmup,
        iterations: a.iterations,
        timeout,
        gc_log: a.gc_log.clone().or_else(|| {
            matches!(runtime, Runtime::Heaplab { .. }).then(|| {
                std::env::temp_dir().join(format!("heaplab-bench-run-{}.csv", std::process::id()))
            })
        }),
        keep_log: a.gc_log.is_some(),
    });
    r.heap_factor = a.heap_factor;
    println!(
        "{}",
        serde_json::to_string_pretty(&r).map_err(|e| e.to_string())?
    );
    eprintln!(
        "{} {} {}: {}{}",
        r.benchmark,
        r.config,
        factor_label(r.heap_factor),
        r.status.name(),
        r.reason
            .as_deref()
            .map(|s| format!(" ({s})"))
            .unwrap_or_default()
    );
    if r.ok() {
        Ok(())
    } else {
        Err("the run failed".into())
    }
}

fn minheap(env: &Env, a: &MinheapArgs) -> Result<(), String> {
    let exe = need_heaplab(env)?;
    let id = provenance::binary_id(&exe);
    let programs = select(&env.suite, &a.bench)?;
    let ctx = SearchContext {
        suite: &env.suite,
        heaplab: &exe,
        vm_args: &a.vm_args,
        heaplab_id: &id,
        timeout: Duration::from_secs_f64(a.timeout),
    };
    let cache = env.results.join("minheap.json");
    let mins = sweep::min_heaps(&ctx, &programs, &a.gc, a.quick, &cache, a.refresh, true)?;
    println!(
        "minimum heaps (MiB), {} sizes, cached in {}",
        if a.quick { "quick" } else { "default" },
        cache.display()
    );
    let w = mins
        .by_benchmark
        .keys()
        .map(String::len)
        .max()
        .unwrap_or(0)
        .max(18);
    print!("{:<w$}", "benchmark");
    for c in a.gc.iter().filter(|c| *c != "none") {
        print!(" {c:>14}");
    }
    println!();
    let mut failures = Vec::new();
    for (b, per) in &mins.by_benchmark {
        print!("{b:<w$}");
        for c in a.gc.iter().filter(|c| *c != "none") {
            let o = &per[c];
            let cell = o.min_heap.map_or("failed".to_string(), |m| {
                format!("{:.2}", m as f64 / 1048576.0)
            });
            print!(" {cell:>14}");
            if let Some(f) = &o.failure {
                failures.push(format!("  {b} / {c}: {f}"));
            }
        }
        println!();
    }
    if !failures.is_empty() {
        println!("failures:\n{}", failures.join("\n"));
    }
    Ok(())
}

fn run_sweep(env: &Env, a: &SweepArgs) -> Result<(), String> {
    let exe = need_heaplab(env)?;
    let quick_names: Vec<String> = QUICK_BENCHMARKS.iter().map(|s| s.to_string()).collect();
    let bench_names = if a.bench.is_empty() && a.quick {
        &quick_names
    } else {
        &a.bench
    };
    let programs = select(&env.suite, bench_names)?;
    let factors = if a.heap_factors.is_empty() {
        if a.quick {
            vec![1.5, 3.0]
        } else {
            vec![1.25, 1.5, 2.0, 3.0, 4.0, 6.0]
        }
    } else {
        a.heap_factors.clone()
    };
    if factors.iter().any(|f| f.is_nan() || *f <= 0.0) {
        return Err("heap factors must be positive".into());
    }
    let (peers, missing) = if a.no_peers {
        (Vec::new(), Vec::new())
    } else {
        peers::detect(&a.peers)
    };
    for m in &missing {
        eprintln!("note: peer {m} is not installed; skipped");
    }
    if let Some(r) = a
        .reference
        .as_ref()
        .filter(|r| *r != sweep::OWN_REFERENCE && !a.gc.contains(r))
    {
        return Err(format!(
            "--reference {r}: not one of the swept collectors nor `own`"
        ));
    }
    let canary = (!a.no_canary).then(|| a.canary.clone());
    if let Some(c) = &canary {
        env.suite
            .program(c)
            .ok_or_else(|| format!("unknown canary benchmark {c:?}"))?;
    }
    let settings = Settings {
        benchmarks: programs.iter().map(|p| p.name.clone()).collect(),
        collectors: a.gc.clone(),
        peers: peers.iter().map(|(r, _)| r.config().to_string()).collect(),
        factors,
        invocations: a.invocations.unwrap_or(if a.quick { 1 } else { 5 }),
        warmup: a.warmup.unwrap_or(if a.quick { 0 } else { 1 }),
        iterations: a.iterations.unwrap_or(if a.quick { 1 } else { 2 }),
        quick: a.quick,
        timeout_s: a.timeout.unwrap_or(if a.quick { 60.0 } else { 300.0 }),
        seed: a.seed,
        canary,
        canary_every: a.canary_every.unwrap_or(if a.quick { 10 } else { 20 }),
        reference: a.reference.clone(),
        baseline: a.baseline.clone(),
        vm_args: a.vm_args.clone(),
    };
    let (date, time) = provenance::utc_now();
    let name = a
        .name
        .clone()
        .unwrap_or_else(|| if a.quick { "quick" } else { "sweep" }.to_string());
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| env.results.join(format!("{date}-{name}")));
    let (cpu, cores, mem) = provenance::machine();
    let argv: Vec<String> = std::env::args().collect();
    let provenance = Provenance {
        command: shell_join(&argv),
        commit: provenance::git_commit(&env.root),
        started: format!("{date}T{time}"),
        cpu,
        cores,
        memory_gib: mem,
        os: provenance::os(),
        heaplab: exe.display().to_string(),
        heaplab_id: provenance::binary_id(&exe),
        stdlib: stdlib_of(&exe, &a.vm_args),
        peers: peers
            .iter()
            .map(|(r, v)| (r.config().to_string(), v.clone()))
            .collect(),
    };
    let sweep = Sweep {
        suite: &env.suite,
        settings,
        heaplab: exe,
        peers: peers.into_iter().map(|(r, _)| r).collect(),
        out_dir: out.clone(),
        cache: env.results.join("minheap.json"),
        refresh_minheap: a.refresh_minheap,
        keep_logs: a.keep_gc_logs,
        progress: !a.no_progress,
        provenance,
    };
    let records = sweep::run_sweep(&sweep)?;
    crate::report::write_report(&out)?;
    let failed = records.iter().filter(|r| !r.ok()).count();
    println!(
        "{} invocations ({} failed); report: {}",
        records.len(),
        failed,
        out.join(sweep::files::REPORT).display()
    );
    Ok(())
}
