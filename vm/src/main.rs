//! `heaplab`: run a Python program under a chosen collector.

fn main() {
    std::process::exit(vm::cli::main());
}
