//! gc-api: the heap contract of Heaplab.
//!
//! Traits and plain data shared by the collectors, the VM and the JITs:
//!
//! * [`object`]: object references, the shared two-word header, slots;
//! * [`binding`]: what the VM implements (object size, scanning, copying,
//!   roots, weak processing) — collectors are written against it;
//! * [`heap`]: what a collector implements ([`Heap`]) and publishes
//!   ([`Capabilities`]);
//! * [`options`], [`stats`]: the option set and the counters every collector
//!   shares, so the harness parses one format;
//! * [`jit`]: fast-path descriptors for the JIT, as data;
//! * [`handles`]: counted external references held by native code;
//! * [`verify`]: the `--verify-heap` walk every collector uses;
//! * [`none`]: the never-collecting baseline heap (`--gc=none`);
//! * [`barrier_check`]: a test heap proving every store is reported;
//! * [`mock`]: a mock VM and a conformance kit for collector unit tests.
//!
//! No collection algorithm lives here.

mod addr_hash;
pub mod barrier_check;
pub mod binding;
pub mod handles;
pub mod heap;
pub mod jit;
pub mod mock;
pub mod none;
pub mod object;
pub mod options;
pub mod stats;
pub mod verify;

pub use binding::{
    RootPrecision, RootVisitor, SlotVisitor, VmBinding, WeakContext, retain_children,
};
pub use handles::{HandleError, HandleTable};
pub use heap::{
    AllocKind, BarrierKind, Capabilities, CollectReason, EXIT_OUT_OF_MEMORY, Heap, OutOfMemory,
    fatal_out_of_memory,
};
pub use jit::JitDescriptor;
pub use object::{HEADER_BYTES, OBJECT_ALIGN, ObjectRef, Slot, align_up};
pub use options::{GcOptions, OptionError, parse_size};
pub use stats::{GcStats, PauseKind, PauseRecord};
pub use verify::{VerifyObject, VerifyReport, verify_heap};
