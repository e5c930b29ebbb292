//! The JIT contract as plain data: what the baseline and optimising JITs need
//! to emit a collector's allocation and barrier fast paths inline, and which
//! slow paths to call otherwise. A collector that publishes
//! [`JitDescriptor::slow_paths_only`] gets correct but uninlined code.

/// How the JIT may allocate inline.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AllocFastPath {
    /// Always call the runtime.
    None,
    /// Bump allocation: `cursor` and `limit` are words at the given
    /// addresses; allocate when `cursor + size <= limit`, then store the new
    /// cursor and write `gc_word_init` into the GC word.
    Bump {
        /// Address of the cursor word.
        cursor_addr: usize,
        /// Address of the limit word.
        limit_addr: usize,
        /// Largest size the fast path may serve.
        max_size: usize,
        /// Initial GC word for a fresh object.
        gc_word_init: usize,
    },
}

/// How the JIT emits the write barrier.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BarrierFastPath {
    /// No barrier code.
    None,
    /// Object-remembering: test bit `(addr >> shift)` of the side bitmap at
    /// `bitmap_base` (relative to `heap_base`); if set, call the slow path.
    UnlogBit {
        /// Side bitmap base address.
        bitmap_base: usize,
        /// Heap base the bitmap indexes from.
        heap_base: usize,
        /// log2 of the bytes each bit covers.
        shift: u32,
    },
    /// Field-logging: the same bitmap, one bit per field.
    FieldLogBit {
        /// Side bitmap base address.
        bitmap_base: usize,
        /// Heap base the bitmap indexes from.
        heap_base: usize,
        /// log2 of the bytes each bit covers (3 for one bit per word).
        shift: u32,
    },
}

/// Everything a JIT needs to know about the current heap.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JitDescriptor {
    /// Inline allocation.
    pub alloc: AllocFastPath,
    /// Inline barrier.
    pub barrier: BarrierFastPath,
}

impl JitDescriptor {
    /// No inline fast paths: the JIT calls the runtime for everything.
    pub const fn slow_paths_only() -> JitDescriptor {
        JitDescriptor {
            alloc: AllocFastPath::None,
            barrier: BarrierFastPath::None,
        }
    }
}
