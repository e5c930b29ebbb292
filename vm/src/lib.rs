//! Heaplab's Python VM: compiler, T0 interpreter, object model and
//! builtins, generic over the heap (`Vm<H: gc_api::Heap>`).
//!
//! Layout: `compiler` (parse → scopes → register bytecode), `bytecode`,
//! `value`/`object` (tagged words and heap layouts), `runtime` (roots and
//! the collector binding), `vm` (allocation and barriers), `interp` (the
//! loop), `ops`/`protocol`/`containers`/`num` (the object protocol),
//! `builtins`/`modules` (the library), `loader` (running programs),
//! `format` (CPython's number formatting rules), `cli` (the `heaplab`
//! command).

pub mod builtins;
pub mod bytecode;
pub mod cli;
pub mod compiler;
pub mod containers;
pub mod finalize;
pub mod format;
pub mod inline_cache;
pub mod instance;
pub mod interp;
pub mod loader;
pub mod modules;
pub mod num;
pub mod object;
pub mod ops;
pub mod protocol;
pub mod reaper;
pub mod runtime;
pub mod stdlib;
pub mod traceback;
pub mod value;
pub mod vm;
pub mod weakref;

/// Upper bound for `sys.setrecursionlimit`: the interpreter recurses on the
/// native stack, whose size `cli` sets to fit this many Python frames.
pub const MAX_RECURSION: usize = 20_000;

/// Exit status for an internal error (a VM bug), distinct from Python
/// errors (1), usage errors (2) and heap exhaustion (3).
pub const EXIT_INTERNAL_ERROR: i32 = 70;

/// Reports an unrecoverable VM error (a VM bug) and exits with
/// `EXIT_INTERNAL_ERROR`. It panics so that the `heaplab` panic hook prints
/// the one-line message (and a backtrace under `HEAPLAB_BACKTRACE`).
pub fn fatal(msg: &str) -> ! {
    panic!("{msg}")
}

/// Heap exhaustion where no `MemoryError` can be raised (boot, interning a
/// name): the fixed out-of-memory line and exit status 3, like every
/// collector's unrecoverable exhaustion, so the harness reads it as "heap
/// too small" and not as a crash.
pub fn fatal_oom(requested: usize, limit: usize) -> ! {
    gc_api::fatal_out_of_memory(gc_api::OutOfMemory { requested, limit })
}
