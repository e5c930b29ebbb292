//! Where results came from: the command, git commit, machine, date and the
//! identity of the `heaplab` binary, recorded beside every sweep.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Everything recorded in `meta.json` and the report header.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// The exact `heaplab-bench` command line.
    pub command: String,
    /// `git rev-parse HEAD` of the workspace (with `-dirty` if modified).
    pub commit: String,
    /// UTC date and time the sweep started (ISO 8601).
    pub started: String,
    /// CPU model name from `/proc/cpuinfo`.
    pub cpu: String,
    /// Logical CPUs.
    pub cores: usize,
    /// Total memory, GiB.
    pub memory_gib: f64,
    /// Operating system (`uname -sr`).
    pub os: String,
    /// Path of the `heaplab` binary.
    pub heaplab: String,
    /// `heaplab --version` plus a content hash of the binary.
    pub heaplab_id: String,
    /// The standard library directory the VM loads CPython modules from.
    pub stdlib: String,
    /// Peer interpreters and their versions.
    pub peers: Vec<(String, String)>,
}

/// Today's UTC date as `YYYY-MM-DD` and the time as `HH:MM:SSZ`.
pub fn utc_now() -> (String, String) {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    let t = secs % 86_400;
    (
        format!("{y:04}-{m:02}-{d:02}"),
        format!("{:02}:{:02}:{:02}Z", t / 3600, t / 60 % 60, t % 60),
    )
}

/// Converts days since 1970-01-01 to a proleptic Gregorian (year, month,
/// day), counting in 400-year eras of 146 097 days.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// The directory holding the workspace `Cargo.toml` above `start`, else
/// the parent of this crate's source directory.
pub fn workspace_root(start: &Path) -> PathBuf {
    for dir in start.ancestors() {
        let manifest = dir.join("Cargo.toml");
        if std::fs::read_to_string(&manifest).is_ok_and(|t| t.contains("[workspace]")) {
            return dir.to_path_buf();
        }
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap_or(Path::new("."))
        .to_path_buf()
}

fn output_of(cmd: &str, args: &[&str], dir: &Path) -> Option<String> {
    let out = Command::new(cmd)
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// `git rev-parse HEAD` in `dir`, with `-dirty` when the tree has changes.
pub fn git_commit(dir: &Path) -> String {
    let Some(head) = output_of("git", &["rev-parse", "HEAD"], dir) else {
        return "unknown".to_string();
    };
    let dirty = output_of(
        "git",
        &["status", "--porcelain", "--untracked-files=no"],
        dir,
    )
    .is_some_and(|s| !s.is_empty());
    if dirty { format!("{head}-dirty") } else { head }
}

/// CPU model, logical cores and memory in GiB, from `/proc`.
pub fn machine() -> (String, usize, f64) {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or("unknown".to_string(), |(_, v)| v.trim().to_string());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mem_kib: f64 = std::fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0.0);
    (
        model,
        cores,
        (mem_kib / 1024.0 / 1024.0 * 10.0).round() / 10.0,
    )
}

/// First line of `exe --version` (stdout or stderr).
pub fn version_of(exe: &Path) -> String {
    Command::new(exe)
        .arg("--version")
        .output()
        .ok()
        .map(|o| {
            let text = if o.stdout.is_empty() {
                o.stderr
            } else {
                o.stdout
            };
            String::from_utf8_lossy(&text)
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_string()
        })
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".to_string())
}

/// Identifies a heaplab build: its version line and an FNV-1a hash of the
/// binary, so cached minimum heaps are redone after a rebuild.
pub fn binary_id(exe: &Path) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    if let Ok(bytes) = std::fs::read(exe) {
        for b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{} #{h:016x}", version_of(exe))
}

/// Finds the heaplab binary: the explicit path, else
/// `target/release/heaplab` under the workspace root, else `PATH`.
pub fn find_heaplab(explicit: Option<&Path>, root: &Path) -> Option<PathBuf> {
    if let Some(p) = explicit {
        return p.is_file().then(|| p.to_path_buf());
    }
    let local = root.join("target/release/heaplab");
    if local.is_file() {
        return Some(local);
    }
    crate::suite::find_interpreter("heaplab")
}

/// `uname -sr`, or `unknown`.
pub fn os() -> String {
    output_of("uname", &["-sr"], Path::new(".")).unwrap_or_else(|| "unknown".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        let (d, t) = utc_now();
        assert_eq!((d.len(), t.len()), (10, 9));
    }

    #[test]
    fn finds_the_workspace_and_machine() {
        let root = workspace_root(Path::new(env!("CARGO_MANIFEST_DIR")));
        assert!(root.join("harness").is_dir());
        let (_, cores, _) = machine();
        assert!(cores >= 1);
    }
}
