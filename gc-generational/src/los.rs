//! The large-object space: objects above the `large=` threshold (and
//! `Large` allocations), each in its own run of arena pages, never moved,
//! marked in the GC word by a full collection and swept after it.

use crate::arena::{Arena, Owner, PAGE};
use crate::barrier::UnlogTable;
use crate::mature::marksweep::Swept;
use crate::word;
use gc_api::ObjectRef;
use std::collections::BTreeMap;

/// The large-object space.
#[derive(Default)]
pub struct LargeObjectSpace {
    /// Object start -> bytes requested.
    objects: BTreeMap<usize, usize>,
    immortal: Vec<ObjectRef>,
    bytes: usize,
    pages: usize,
}

/// Pages a large object of `size` bytes occupies.
pub fn pages_for(size: usize) -> usize {
    size.div_ceil(PAGE)
}

impl LargeObjectSpace {
    /// Allocates `size` bytes on fresh pages and initialises the GC word.
    pub fn alloc(&mut self, arena: &mut Arena, size: usize, immortal: bool) -> Option<ObjectRef> {
        let n = pages_for(size);
        let a = arena.alloc_pages(n, Owner::LosHead)?;
        let o = ObjectRef::from_addr(a).expect("page address");
        // SAFETY: the pages are ours and hold at least a header.
        unsafe { o.set_gc_word(word::nonmoving_initial(immortal)) };
        self.objects.insert(a, size);
        if immortal {
            self.immortal.push(o);
        }
        self.bytes += size;
        self.pages += n;
        Some(o)
    }

    /// Bytes of the objects.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Bytes of pages held.
    pub fn footprint(&self) -> usize {
        self.pages * PAGE
    }

    /// Number of objects.
    pub fn len(&self) -> usize {
        self.objects.len()
    }

    /// Is the space empty?
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// Immortal large objects.
    pub fn immortal(&self) -> &[ObjectRef] {
        &self.immortal
    }

    /// Is `addr` the start of a large object?
    pub fn is_object(&self, addr: usize) -> bool {
        self.objects.contains_key(&addr)
    }

    /// Calls `f` on every object.
    pub fn for_each(&self, f: &mut dyn FnMut(ObjectRef)) {
        for &a in self.objects.keys() {
            f(ObjectRef::from_addr(a).expect("large object"));
        }
    }

    /// Frees unmarked mortal objects, clears the others' marks.
    pub fn sweep(&mut self, arena: &mut Arena, unlog: &mut UnlogTable) -> Swept {
        let mut swept = Swept::default();
        let mut pages = 0;
        self.objects.retain(|&a, &mut size| {
            let o = ObjectRef::from_addr(a).expect("large object");
            // SAFETY: every key is a large object we allocated and have not
            // freed; its GC word is ours.
            let w = unsafe { o.gc_word() };
            if w & (word::MARK | word::IMMORTAL) != 0 {
                // SAFETY: as above.
                unsafe { o.set_gc_word(w & !word::MARK) };
                true
            } else {
                unlog.clear(a);
                arena.free_pages_at(a, pages_for(size));
                pages += pages_for(size);
                swept.objects += 1;
                swept.bytes += size;
                false
            }
        });
        self.bytes -= swept.bytes;
        self.pages -= pages;
        swept
    }
}
