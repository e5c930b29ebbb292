//! The standard library: where CPython's pure-Python stdlib is found, and
//! the frozen modules whose Python source is compiled into the binary
//! (`_heaplab_types`, `itertools`, `atexit`). Native modules (`sys`, `gc`,
//! `math`, `_weakref`, ...) live in `crate::modules` and always win over
//! files on `sys.path`.

use std::path::PathBuf;

/// Frozen modules: name → Python source. They are imported before
/// `sys.path` is searched, so a stdlib file never shadows them.
pub const FROZEN: &[(&str, &str)] = &[
    ("_heaplab_types", include_str!("heaplab_types.py")),
    ("itertools", include_str!("itertools.py")),
    ("atexit", include_str!("atexit.py")),
];

/// The source of frozen module `name`, if it is one.
pub fn frozen(name: &str) -> Option<&'static str> {
    FROZEN.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
}

/// Where the stdlib is, found without running anything: `HEAPLAB_STDLIB`,
/// else `/usr/lib/python3.11` if it holds the stdlib. `None` means "ask
/// `python3` lazily" (`probe_python3`).
pub fn discover() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("HEAPLAB_STDLIB")
        && !d.is_empty()
    {
        return Some(PathBuf::from(d));
    }
    let debian = PathBuf::from("/usr/lib/python3.11");
    is_stdlib(&debian).then_some(debian)
}

/// Asks `python3` where its stdlib is (slow: only on an import that
/// nothing earlier on `sys.path` satisfies). Only a 3.11 stdlib is used.
pub fn probe_python3() -> Option<PathBuf> {
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys, sysconfig; print(sys.version_info[:2] == (3, 11)); \
             print(sysconfig.get_paths()['stdlib'])",
        ])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let mut lines = text.lines();
    if lines.next()? != "True" {
        return None;
    }
    let dir = PathBuf::from(lines.next()?.trim());
    is_stdlib(&dir).then_some(dir)
}

fn is_stdlib(dir: &std::path::Path) -> bool {
    dir.join("weakref.py").is_file() && dir.join("_collections_abc.py").is_file()
}
