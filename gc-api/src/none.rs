//! The `none` heap: bump allocation in large chunks, never collects.
//!
//! It is the baseline every collector's overhead is measured against
//! (`--gc=none`), and it is the simplest heap for tests of the VM. It holds no
//! collection algorithm, which is why it can live in gc-api. It still honours
//! `--heap`: an allocation beyond the limit fails, and the VM raises
//! `MemoryError`.

use crate::RootPrecision;
use crate::binding::VmBinding;
use crate::heap::{AllocKind, BarrierKind, Capabilities, CollectReason, Heap, OutOfMemory};
use crate::object::ObjectRef;
use crate::options::{GcOptions, OptionError};
use crate::stats::GcStats;
use std::alloc::{Layout, alloc_zeroed, dealloc};

/// Default chunk size: large enough that chunk refills are rare.
const CHUNK_BYTES: usize = 4 << 20;

/// One contiguous region objects are bumped into.
struct Chunk {
    start: usize,
    capacity: usize,
    /// End of the last object allocated in this chunk.
    used_end: usize,
}

impl Drop for Chunk {
    fn drop(&mut self) {
        // SAFETY: start/capacity came from alloc_zeroed with this layout.
        unsafe { dealloc(self.start as *mut u8, chunk_layout(self.capacity)) }
    }
}

fn chunk_layout(capacity: usize) -> Layout {
    Layout::from_size_align(capacity, 4096).expect("chunk layout")
}

/// The never-collecting bump heap.
pub struct NoneHeap {
    cursor: usize,
    limit: usize,
    chunks: Vec<Chunk>,
    chunk_bytes: usize,
    heap_limit: usize,
    /// Bytes of all chunks (what the process holds).
    reserved: usize,
    stats: GcStats,
}

impl NoneHeap {
    fn retire_current(&mut self) {
        if let Some(c) = self.chunks.last_mut() {
            c.used_end = self.cursor;
        }
    }

    fn new_chunk(&mut self, min: usize) -> Result<(), OutOfMemory> {
        let capacity = self.chunk_bytes.max(min.next_multiple_of(4096));
        if self.reserved + capacity > self.heap_limit {
            // The last chunk may be cut short to use the budget exactly.
            let room = self.heap_limit.saturating_sub(self.reserved) & !4095;
            if room < min || room == 0 {
                return Err(OutOfMemory {
                    requested: min,
                    limit: self.heap_limit,
                });
            }
            return self.push_chunk(room);
        }
        self.push_chunk(capacity)
    }

    fn push_chunk(&mut self, capacity: usize) -> Result<(), OutOfMemory> {
        // SAFETY: the layout has non-zero size.
        let p = unsafe { alloc_zeroed(chunk_layout(capacity)) } as usize;
        if p == 0 {
            return Err(OutOfMemory {
                requested: capacity,
                limit: self.heap_limit,
            });
        }
        self.retire_current();
        self.chunks.push(Chunk {
            start: p,
            capacity,
            used_end: p,
        });
        self.reserved += capacity;
        self.cursor = p;
        self.limit = p + capacity;
        Ok(())
    }

    fn used(&self) -> usize {
        let done: usize = self.chunks[..self.chunks.len().saturating_sub(1)]
            .iter()
            .map(|c| c.used_end - c.start)
            .sum();
        done + self.chunks.last().map_or(0, |c| self.cursor - c.start)
    }
}

impl Heap for NoneHeap {
    const NAME: &'static str = "none";

    fn new(options: &GcOptions) -> Result<Self, OptionError> {
        options.check_known(Self::NAME, &["chunk"])?;
        let heap_limit = options.heap_limit.unwrap_or(usize::MAX);
        Ok(NoneHeap {
            cursor: 0,
            limit: 0,
            chunks: Vec::new(),
            chunk_bytes: options.size("chunk", CHUNK_BYTES)?.next_multiple_of(4096),
            heap_limit,
            reserved: 0,
            stats: GcStats::new(Self::NAME, heap_limit),
        })
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            moves_objects: false,
            roots: RootPrecision::Precise,
            barrier: BarrierKind::None,
            barrier_on_init: false,
            generational: false,
            reference_counting: false,
            reclaims: false,
        }
    }

    #[inline]
    fn try_alloc(&mut self, size: usize, _kind: AllocKind) -> Option<ObjectRef> {
        let end = self.cursor + size;
        if end <= self.limit {
            let o = self.cursor;
            self.cursor = end;
            self.stats.record_alloc(size);
            // SAFETY: cursor lies inside a chunk, so it is non-zero; the
            // chunk memory was zeroed, so the GC word is already 0.
            Some(unsafe { ObjectRef::from_addr_unchecked(o) })
        } else {
            None
        }
    }

    fn alloc_slow<V: VmBinding>(
        &mut self,
        _vm: &mut V,
        size: usize,
        kind: AllocKind,
    ) -> Result<ObjectRef, OutOfMemory> {
        if let Some(o) = self.try_alloc(size, kind) {
            return Ok(o);
        }
        self.new_chunk(size)?;
        let used = self.used() + size;
        self.stats.note_heap(used);
        Ok(self
            .try_alloc(size, kind)
            .expect("fresh chunk fits the object"))
    }

    fn collect<V: VmBinding>(&mut self, _vm: &mut V, _reason: CollectReason) {
        // Never collects: nothing becomes garbage as far as this heap knows.
        let used = self.used();
        self.stats.note_heap(used);
    }

    fn stats(&self) -> &GcStats {
        &self.stats
    }

    fn stats_mut(&mut self) -> &mut GcStats {
        let used = self.used();
        self.stats.note_heap(used);
        &mut self.stats
    }

    fn for_each_object<V: VmBinding>(&self, vm: &V, f: &mut dyn FnMut(ObjectRef)) {
        let n = self.chunks.len();
        for (i, c) in self.chunks.iter().enumerate() {
            let end = if i + 1 == n { self.cursor } else { c.used_end };
            let mut p = c.start;
            while p < end {
                let o = ObjectRef::from_addr(p).expect("object in chunk");
                let size = vm.object_size(o);
                assert!(
                    size >= crate::HEADER_BYTES,
                    "object with bad size at {p:#x}"
                );
                f(o);
                p += size;
            }
        }
    }

    fn contains(&self, addr: usize) -> bool {
        self.chunks
            .iter()
            .any(|c| addr >= c.start && addr < c.start + c.capacity)
    }

    fn is_valid_object(&self, o: ObjectRef) -> bool {
        self.contains(o.addr())
    }

    fn used_bytes(&self) -> usize {
        self.used()
    }

    fn limit_bytes(&self) -> usize {
        self.heap_limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::MockVm;

    #[test]
    fn allocates_until_the_limit_then_fails() {
        let mut o = GcOptions::new();
        o.heap_limit = Some(64 << 10);
        o.add_opt("chunk=16k").unwrap();
        let mut heap = NoneHeap::new(&o).unwrap();
        let mut vm = MockVm::new();
        let mut n = 0;
        while vm.alloc(&mut heap, 2, 2).is_ok() {
            n += 1;
        }
        // 64 KiB of 56-byte objects, less the tail of each 16 KiB chunk.
        assert!(n > 1100 && n <= (64 << 10) / 56, "allocated {n}");
        let mut seen = 0;
        heap.for_each_object(&vm, &mut |_| seen += 1);
        assert_eq!(seen, n);
    }

    #[test]
    fn large_objects_get_their_own_chunk() {
        let mut heap = NoneHeap::new(&GcOptions::new()).unwrap();
        let mut vm = MockVm::new();
        let big = vm.alloc(&mut heap, 0, (CHUNK_BYTES / 8) * 2).unwrap();
        assert!(heap.contains(big.addr()));
        let small = vm.alloc(&mut heap, 1, 0).unwrap();
        assert!(heap.contains(small.addr()));
        assert!(heap.used_bytes() > 2 * CHUNK_BYTES);
    }
}
