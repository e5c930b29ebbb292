//! The `heaplab` command line: options, `--gc=` dispatch (matched once, so
//! the whole VM is monomorphised per collector), and process exit codes.

use crate::vm::{Vm, VmConfig};
use clap::Parser;
use gc_api::{GcOptions, Heap};
use std::io::Write;

/// Collectors selectable with `--gc=`.
pub const COLLECTORS: &[&str] = &[
    "none",
    "copying",
    "conservative",
    "generational",
    "unified-rc",
    "barrier-check",
];

/// Run a Python 3 program on Heaplab's VM with a pluggable garbage collector.
#[derive(Parser, Debug)]
#[command(name = "heaplab", version, about, disable_help_subcommand = true)]
pub struct Cli {
    /// Program passed in as a string.
    #[arg(short = 'c', value_name = "CODE")]
    pub code: Option<String>,
    /// Collector: none, copying, conservative, generational, unified-rc, or
    /// barrier-check (a test heap).
    #[arg(long = "gc", default_value = "none", value_name = "NAME")]
    pub gc: String,
    /// Hard heap limit (e.g. 64M, 1.5G); exhaustion raises MemoryError.
    #[arg(long = "heap", value_name = "SIZE")]
    pub heap: Option<String>,
    /// Collector-specific option, repeatable (key=value).
    #[arg(long = "gc-opt", value_name = "KEY=VALUE")]
    pub gc_opt: Vec<String>,
    /// Collect at every allocation (moving collectors move every object).
    #[arg(long = "gc-stress")]
    pub gc_stress: bool,
    /// Check every reference after each collection.
    #[arg(long = "verify-heap")]
    pub verify_heap: bool,
    /// Print the collector's totals block on stderr at exit (or at harness_end).
    #[arg(long = "gc-stats")]
    pub gc_stats: bool,
    /// Write one CSV row per pause to FILE.
    #[arg(long = "gc-log", value_name = "FILE")]
    pub gc_log: Option<std::path::PathBuf>,
    /// Tracing threads (1 = deterministic).
    #[arg(long = "gc-threads", default_value_t = 1, value_name = "N")]
    pub gc_threads: usize,
    /// JIT tiers to use: off (the interpreter only, for now).
    #[arg(long = "jit", default_value = "off", value_parser = ["off"])]
    pub jit: String,
    /// Directory of CPython's pure-Python standard library.
    #[arg(long = "stdlib", value_name = "DIR")]
    pub stdlib: Option<std::path::PathBuf>,
    /// The script, then its arguments.
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "SCRIPT [ARGS]"
    )]
    pub rest: Vec<String>,
}

/// Parses the command line, runs the program, returns the exit status.
pub fn main() -> i32 {
    std::panic::set_hook(Box::new(|info| {
        let _ = std::io::stdout().flush();
        let loc = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".to_string());
        eprintln!("heaplab: internal error: {msg}{loc}");
        // Developers: HEAPLAB_BACKTRACE=1 shows where the VM failed.
        if std::env::var_os("HEAPLAB_BACKTRACE").is_some() {
            eprintln!("{}", std::backtrace::Backtrace::force_capture());
        }
        std::process::exit(crate::EXIT_INTERNAL_ERROR);
    }));
    let cli = Cli::parse();
    let usage_error = |msg: String| -> i32 {
        eprintln!("heaplab: error: {msg}");
        eprintln!("Usage: heaplab [OPTIONS] [-c CODE | SCRIPT [ARGS]...]  (try --help)");
        2
    };
    let mut gc = GcOptions::new();
    gc.stress = cli.gc_stress;
    gc.verify = cli.verify_heap;
    gc.threads = cli.gc_threads.max(1);
    if let Some(h) = &cli.heap {
        match gc_api::parse_size(h) {
            Ok(n) => gc.heap_limit = Some(n),
            Err(e) => return usage_error(format!("--heap: {e}")),
        }
    }
    for o in &cli.gc_opt {
        if let Err(e) = gc.add_opt(o) {
            return usage_error(e.0);
        }
    }
    let (source, filename, argv) = match (&cli.code, cli.rest.first()) {
        (Some(code), _) => {
            let mut argv = vec!["-c".to_string()];
            argv.extend(cli.rest.iter().cloned());
            (code.clone(), "<string>".to_string(), argv)
        }
        (None, Some(path)) => match std::fs::read_to_string(path) {
            Ok(s) => (s, path.clone(), cli.rest.clone()),
            Err(e) => {
                eprintln!(
                    "heaplab: can't open file '{path}': [Errno {}] {e}",
                    e.raw_os_error().unwrap_or(2)
                );
                return 2;
            }
        },
        (None, None) => return usage_error("no program given (a SCRIPT or -c CODE)".to_string()),
    };
    let trace = gc
        .extra
        .get("trace_finalization")
        .map(std::path::PathBuf::from);
    let config = VmConfig {
        gc,
        gc_stats: cli.gc_stats,
        gc_log: cli.gc_log.clone(),
        argv,
        stdlib: cli.stdlib.clone(),
        trace_finalization: trace,
    };
    let gc_name = cli.gc.clone();
    // The interpreter recurses on the native stack: run it on a thread with
    // room for MAX_RECURSION Python frames.
    let child = std::thread::Builder::new()
        .name("heaplab-main".into())
        .stack_size(1 << 30)
        .spawn(move || match gc_name.as_str() {
            "none" => run::<gc_api::none::NoneHeap>(config, &source, &filename),
            "copying" => run::<gc_copying::CopyingHeap>(config, &source, &filename),
            "conservative" => run::<gc_conservative::ConservativeHeap>(config, &source, &filename),
            "generational" => run::<gc_generational::GenerationalHeap>(config, &source, &filename),
            "unified-rc" => run::<gc_unified_rc::UnifiedRcHeap>(config, &source, &filename),
            "barrier-check" => {
                run::<gc_api::barrier_check::BarrierCheckHeap>(config, &source, &filename)
            }
            other => {
                eprintln!(
                    "heaplab: error: unknown collector '{other}' (choose from: {})",
                    COLLECTORS.join(", ")
                );
                2
            }
        });
    // Signals go to the interpreter thread, so that they interrupt its
    // blocking calls (EINTR) and its handlers run promptly: this thread
    // only waits, with every signal blocked (the interpreter thread was
    // spawned with the original mask and keeps it).
    // SAFETY: `all` is initialised by sigfillset before use.
    unsafe {
        let mut all: libc::sigset_t = std::mem::zeroed();
        libc::sigfillset(&mut all);
        libc::pthread_sigmask(libc::SIG_BLOCK, &all, std::ptr::null_mut());
    }
    match child.and_then(|h| {
        h.join()
            .map_err(|_| std::io::Error::other("interpreter thread failed"))
    }) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("heaplab: internal error: {e}");
            crate::EXIT_INTERNAL_ERROR
        }
    }
}

/// Runs a program on heap `H`; returns the exit status.
pub fn run<H: Heap>(config: VmConfig, source: &str, filename: &str) -> i32 {
    // Everything the interpreter does happens in frames below this one, so
    // this local's address bounds the native stack for conservative scans.
    let stack_base_marker = 0usize;
    let mut heap = match H::new(&config.gc) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("heaplab: error: {e}");
            return 2;
        }
    };
    if let Some(p) = &config.gc_log
        && let Err(e) = heap.stats_mut().open_log(p)
    {
        eprintln!(
            "heaplab: error: cannot open --gc-log file {}: {e}",
            p.display()
        );
        return 2;
    }
    let mut vm = Vm::new(heap, config);
    vm.rt.native_stack_base = std::hint::black_box(&stack_base_marker) as *const usize as usize;
    vm.setup_sys_path(filename);
    let code = vm.run_main(source, filename);
    vm.flush();
    if vm.config.gc_stats && !vm.harness_reported {
        let wall = vm.started.elapsed();
        let block = vm.heap.stats_mut().format_block(wall);
        let _ = std::io::stderr().write_all(block.as_bytes());
    }
    vm.heap.stats().flush_log();
    code
}

impl<H: Heap> Vm<H> {
    /// `sys.path`: the script's directory, `PYTHONPATH`, then the stdlib.
    pub fn setup_sys_path(&mut self, filename: &str) {
        let mut dirs: Vec<String> = Vec::new();
        let script_dir = std::path::Path::new(filename)
            .parent()
            .map(|p| {
                if p.as_os_str().is_empty() {
                    ".".to_string()
                } else {
                    p.display().to_string()
                }
            })
            .unwrap_or_else(|| ".".to_string());
        dirs.push(if filename == "<string>" {
            String::new()
        } else {
            script_dir
        });
        if let Ok(pp) = std::env::var("PYTHONPATH") {
            dirs.extend(pp.split(':').filter(|s| !s.is_empty()).map(String::from));
        }
        // The stdlib: --stdlib, else discovered (HEAPLAB_STDLIB, the system
        // python3.11), else asked of `python3` on first need.
        match self.config.stdlib.clone().or_else(crate::stdlib::discover) {
            Some(s) => dirs.push(s.display().to_string()),
            None => self.stdlib_probe_pending = true,
        }
        for d in dirs {
            let Ok(s) = self.new_str(&d) else { continue };
            // Read the list after the allocation: it may have moved.
            let path = self.rt.globals_roots[crate::builtins::ROOT_SYS_PATH];
            let _ = self.list_append(path, s);
        }
    }
}
