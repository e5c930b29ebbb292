//! The remembered set of an object-remembering barrier: a buffer of the
//! mature objects modified since the last collection (each at most once,
//! guarded by its unlog bit), scanned as extra roots by a minor collection.

use crate::barrier::UnlogTable;
use gc_api::ObjectRef;

/// The modified-object buffer.
#[derive(Default)]
pub struct ModBuffer {
    objects: Vec<ObjectRef>,
    /// Largest size the buffer reached at a collection.
    pub max_len: usize,
}

impl ModBuffer {
    /// Remembers `o`, whose unlog bit the caller has just cleared.
    #[inline]
    pub fn push(&mut self, o: ObjectRef) {
        self.objects.push(o);
    }

    /// Objects remembered.
    pub fn len(&self) -> usize {
        self.objects.len()
    }

    /// Is the buffer empty?
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// Takes the buffered objects for a collection (the buffer is left
    /// empty) and notes the high-water mark.
    pub fn drain(&mut self) -> Vec<ObjectRef> {
        self.max_len = self.max_len.max(self.objects.len());
        std::mem::take(&mut self.objects)
    }

    /// Forgets every remembered object, setting their unlog bits again (a
    /// full collection traces everything, so nothing needs remembering).
    pub fn reset(&mut self, unlog: &mut UnlogTable) {
        for o in self.drain() {
            unlog.set(o.addr());
        }
    }

    /// The buffered objects.
    pub fn objects(&self) -> &[ObjectRef] {
        &self.objects
    }
}
