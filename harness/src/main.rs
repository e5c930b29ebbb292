//! `heaplab-bench`: see `heaplab-bench --help` and the harness README.

fn main() {
    std::process::exit(harness::cli::main());
}
