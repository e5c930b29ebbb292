//! Peer interpreters (CPython `python3`, PyPy `pypy3`) run beside heaplab on
//! the same programs and sizes; they have no heap axis and no GC stats.

use crate::runner::Runtime;
use crate::suite::find_interpreter;

/// Peers measured by default when installed.
pub const DEFAULT_PEERS: &[&str] = &["python3", "pypy3"];

/// The installed peers among `names`, with their versions; missing ones are
/// returned separately so the report can say they were skipped.
pub fn detect(names: &[String]) -> (Vec<(Runtime, String)>, Vec<String>) {
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for name in names {
        match find_interpreter(name) {
            Some(exe) => {
                let version = crate::provenance::version_of(&exe);
                found.push((
                    Runtime::Peer {
                        name: name.clone(),
                        exe,
                    },
                    version,
                ));
            }
            None => missing.push(name.clone()),
        }
    }
    (found, missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_peers_are_listed_not_fatal() {
        let (found, missing) = detect(&["surely-not-an-interpreter-xyz".to_string()]);
        assert!(found.is_empty());
        assert_eq!(missing, vec!["surely-not-an-interpreter-xyz".to_string()]);
    }
}
