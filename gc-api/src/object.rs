//! Object references, the shared two-word header, and reference slots.
//!
//! Every heap object starts with the same 16-byte header under every
//! collector, so space comparisons between collectors are fair:
//!
//! ```text
//! offset 0: GC word  — owned by the collector (forwarding pointer, mark and
//!                      age bits, reference count: whatever it needs)
//! offset 8: VM word  — owned by the VM (type/shape pointer and VM flags)
//! offset 16: payload — laid out by the VM
//! ```
//!
//! Object addresses are 8-byte aligned. A reference to an object is the
//! address of its header, so a VM value word holding a pointer is bit-for-bit
//! an `ObjectRef` (see the `vm` crate's value tagging).

use std::fmt;
use std::ptr::NonNull;

/// Size of the header every object starts with.
pub const HEADER_BYTES: usize = 16;
/// Byte offset of the collector-owned word.
pub const GC_WORD_OFFSET: usize = 0;
/// Byte offset of the VM-owned word.
pub const VM_WORD_OFFSET: usize = 8;
/// Every object size and address is a multiple of this.
pub const OBJECT_ALIGN: usize = 8;

/// Rounds `size` up to the object alignment.
#[inline]
pub const fn align_up(size: usize) -> usize {
    (size + OBJECT_ALIGN - 1) & !(OBJECT_ALIGN - 1)
}

/// A reference to a heap object: the non-null, 8-aligned address of its header.
///
/// `ObjectRef` is a plain address. It carries no lifetime, so holding one
/// across a safepoint of a moving collector is a bug the type system cannot
/// catch; `--gc-stress` and `--verify-heap` exist to catch it at run time.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(transparent)]
pub struct ObjectRef(NonNull<u8>);

impl ObjectRef {
    /// Wraps an address. Returns `None` for 0.
    #[inline]
    pub fn from_addr(addr: usize) -> Option<ObjectRef> {
        debug_assert!(
            addr & (OBJECT_ALIGN - 1) == 0,
            "misaligned object address {addr:#x}"
        );
        NonNull::new(addr as *mut u8).map(ObjectRef)
    }

    /// Wraps an address known to be a non-null object start.
    ///
    /// # Safety
    /// `addr` must be non-zero.
    #[inline]
    pub unsafe fn from_addr_unchecked(addr: usize) -> ObjectRef {
        // SAFETY: the caller guarantees addr != 0.
        ObjectRef(unsafe { NonNull::new_unchecked(addr as *mut u8) })
    }

    /// The header address.
    #[inline]
    pub fn addr(self) -> usize {
        self.0.as_ptr() as usize
    }

    /// Raw pointer to the header.
    #[inline]
    pub fn as_ptr(self) -> *mut u8 {
        self.0.as_ptr()
    }

    /// Pointer to the word at `offset` bytes from the header.
    #[inline]
    pub fn word_ptr(self, offset: usize) -> *mut usize {
        debug_assert!(offset & 7 == 0);
        (self.addr() + offset) as *mut usize
    }

    /// Reads the collector-owned header word.
    ///
    /// # Safety
    /// `self` must point at a live (or from-space, not yet poisoned) object.
    #[inline]
    pub unsafe fn gc_word(self) -> usize {
        // SAFETY: every object has a header; the caller guarantees validity.
        unsafe { self.word_ptr(GC_WORD_OFFSET).read() }
    }

    /// Writes the collector-owned header word.
    ///
    /// # Safety
    /// As for [`ObjectRef::gc_word`]; only the collector writes this word.
    #[inline]
    pub unsafe fn set_gc_word(self, w: usize) {
        // SAFETY: see gc_word.
        unsafe { self.word_ptr(GC_WORD_OFFSET).write(w) }
    }

    /// Reads the VM-owned header word.
    ///
    /// # Safety
    /// As for [`ObjectRef::gc_word`].
    #[inline]
    pub unsafe fn vm_word(self) -> usize {
        // SAFETY: see gc_word.
        unsafe { self.word_ptr(VM_WORD_OFFSET).read() }
    }

    /// Writes the VM-owned header word.
    ///
    /// # Safety
    /// As for [`ObjectRef::gc_word`]; only the VM writes this word.
    #[inline]
    pub unsafe fn set_vm_word(self, w: usize) {
        // SAFETY: see gc_word.
        unsafe { self.word_ptr(VM_WORD_OFFSET).write(w) }
    }
}

impl fmt::Debug for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ObjectRef({:#x})", self.addr())
    }
}

/// The address of one word that holds a reference: a field of an object, a
/// frame slot, a global, a handle. Collectors read it, and moving collectors
/// write the new address back.
///
/// The word holds either an object address or, for the VM's non-reference
/// values, something the VM filtered out before visiting. A visited slot
/// always holds an object address when the visit starts.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[repr(transparent)]
pub struct Slot(*mut usize);

impl Slot {
    /// Wraps the address of a reference word.
    ///
    /// # Safety
    /// `p` must stay valid for reads and writes for as long as the slot is
    /// used (for the duration of one root scan or object scan).
    #[inline]
    pub unsafe fn from_ptr(p: *mut usize) -> Slot {
        Slot(p)
    }

    /// The slot's own address.
    #[inline]
    pub fn addr(self) -> usize {
        self.0 as usize
    }

    /// Reads the reference stored in the slot (`None` when it holds 0).
    #[inline]
    pub fn load(self) -> Option<ObjectRef> {
        // SAFETY: from_ptr's contract keeps the pointer valid while in use.
        ObjectRef::from_addr(unsafe { self.0.read() })
    }

    /// Reads the raw word.
    #[inline]
    pub fn load_word(self) -> usize {
        // SAFETY: see load.
        unsafe { self.0.read() }
    }

    /// Stores a reference into the slot.
    #[inline]
    pub fn store(self, o: ObjectRef) {
        // SAFETY: see load.
        unsafe { self.0.write(o.addr()) }
    }
}
