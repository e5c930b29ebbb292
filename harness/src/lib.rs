//! Heaplab's benchmark harness.
//!
//! [`suite`] loads the program manifests under `harness/suite/*.toml`,
//! validates them and runs a program under any interpreter (heaplab,
//! CPython, PyPy), extracting the `checksum: ` line it prints.

pub mod suite;
