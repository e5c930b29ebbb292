//! Shared helpers for the harness's integration tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The `heaplab` binary to drive: `$HEAPLAB`, else `release/heaplab` in this
/// build's target directory or in the workspace's `target/`, else the
/// `heaplab` that `cargo test --workspace` builds beside these tests, else
/// `heaplab` on `PATH`.
pub fn find_heaplab() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("HEAPLAB") {
        return Some(PathBuf::from(p));
    }
    let bench = Path::new(env!("CARGO_BIN_EXE_heaplab-bench"));
    let target = bench.parent()?.parent()?;
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent()?;
    [
        target.join("release/heaplab"),
        workspace.join("target/release/heaplab"),
        bench.parent()?.join("heaplab"),
    ]
    .into_iter()
    .find(|p| p.is_file())
    .or_else(|| harness::suite::find_interpreter("heaplab"))
}
