//! Heaplab's benchmark harness (`heaplab-bench`).
//!
//! [`suite`] loads the program manifests; [`external`] discovers
//! pyperformance-style and PyPy `own/` benchmark directories; [`runner`] runs one fresh process
//! and [`parse`] reads its `--gc-stats` block and `--gc-log` CSV into a
//! [`record::Record`]; [`minheap`] finds minimum heaps; [`sweep`] runs the
//! shuffled product of benchmarks × configurations × heap factors with a
//! drift canary; [`stats`], [`report`] and [`plots`] turn the records into
//! `summary.csv`, `report.md` and SVG/PNG plots; [`peers`] finds CPython
//! and PyPy; [`provenance`] records command, commit and machine; [`cli`] is
//! the command line.

#![warn(missing_docs)]

pub mod cli;
pub mod external;
pub mod minheap;
pub mod parse;
pub mod peers;
pub mod plots;
pub mod provenance;
pub mod record;
pub mod report;
pub mod runner;
pub mod stats;
pub mod suite;
pub mod sweep;
