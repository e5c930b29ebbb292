//! Native roots of the running thread: spilling the callee-saved registers
//! into a buffer on the stack so they can be scanned like stack words, and
//! reading the stack pointer so the VM can report its native stack range.
//!
//! Why only the callee-saved registers: a collection is entered through an
//! ordinary call, so every caller-saved register holding a live value was
//! already saved to the stack by the caller (and is found by the stack
//! scan). The callee-saved ones may still hold a mutator value that no
//! frame has stored yet.

/// Words in the register buffer (room for the largest register set below).
pub const REGISTER_WORDS: usize = 12;

/// The callee-saved registers of the current thread, captured on the stack.
#[derive(Debug)]
#[repr(C, align(16))]
pub struct RegisterBuffer {
    /// Register contents; unused entries stay 0.
    pub words: [usize; REGISTER_WORDS],
}

impl RegisterBuffer {
    /// Captures the current thread's callee-saved registers.
    ///
    /// The buffer lives in the caller's frame, which must stay live for as
    /// long as the words are scanned (the collector keeps it until marking
    /// is over).
    #[inline(never)]
    pub fn capture() -> RegisterBuffer {
        let mut buf = RegisterBuffer {
            words: [0; REGISTER_WORDS],
        };
        spill_callee_saved(&mut buf.words);
        // Keep the optimiser from treating the buffer as dead or constant.
        std::hint::black_box(&mut buf);
        buf
    }

    /// The captured words, as an ambiguous range.
    pub fn as_range(&self) -> std::ops::Range<*const usize> {
        self.words.as_ptr_range()
    }
}

/// Stores the callee-saved registers into `out`.
///
/// The pointer is passed in a caller-saved register (`rdi` / `x0`), so the
/// compiler cannot pick a callee-saved register for it and clobber the
/// value we want to read.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn spill_callee_saved(out: &mut [usize; REGISTER_WORDS]) {
    // SAFETY: the asm only stores six words into `out`, which has room for
    // twelve; it reads registers without changing them, touches no stack,
    // and leaves the flags alone.
    unsafe {
        std::arch::asm!(
            // System V callee-saved general registers.
            "mov [rdi], rbx",
            "mov [rdi + 8], rbp",
            "mov [rdi + 16], r12",
            "mov [rdi + 24], r13",
            "mov [rdi + 32], r14",
            "mov [rdi + 40], r15",
            in("rdi") out.as_mut_ptr(),
            options(nostack, preserves_flags),
        );
    }
}

/// Stores the callee-saved registers into `out`.
#[cfg(target_arch = "aarch64")]
#[inline(always)]
fn spill_callee_saved(out: &mut [usize; REGISTER_WORDS]) {
    // SAFETY: the asm stores twelve words (x19..x30) into `out`, exactly its
    // size; it only reads registers, uses no stack and leaves flags alone.
    unsafe {
        std::arch::asm!(
            // AAPCS64 callee-saved x19..x28, frame pointer x29, link x30.
            "stp x19, x20, [x0]",
            "stp x21, x22, [x0, #16]",
            "stp x23, x24, [x0, #32]",
            "stp x25, x26, [x0, #48]",
            "stp x27, x28, [x0, #64]",
            "stp x29, x30, [x0, #80]",
            in("x0") out.as_mut_ptr(),
            options(nostack, preserves_flags),
        );
    }
}

/// Portable fallback: no way to name registers, so capture nothing. The VM's
/// own frames must then hold every live reference in memory (they do:
/// values live in VM frame slots at every safepoint).
#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
#[inline(always)]
fn spill_callee_saved(_out: &mut [usize; REGISTER_WORDS]) {}

/// The current stack pointer (an address at or below every live frame of
/// the caller).
///
/// The VM should call it *inside* its `scan_roots` and report its native
/// stack as `[current_stack_pointer(), stack_base)`: then every frame
/// between the mutator and the collector, including the callee-saved
/// registers those frames pushed, is scanned.
#[inline(never)]
pub fn current_stack_pointer() -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        let sp: usize;
        // SAFETY: reads the stack pointer into a register; no memory access.
        unsafe {
            std::arch::asm!("mov {}, rsp", out(reg) sp, options(nomem, nostack, preserves_flags))
        };
        sp
    }
    #[cfg(target_arch = "aarch64")]
    {
        let sp: usize;
        // SAFETY: reads the stack pointer into a register; no memory access.
        unsafe {
            std::arch::asm!("mov {}, sp", out(reg) sp, options(nomem, nostack, preserves_flags))
        };
        sp
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        // The address of a local of this (never inlined) frame is below the
        // caller's frames, which is all the contract needs.
        let marker = 0usize;
        std::hint::black_box(&marker) as *const usize as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stack_pointer_is_below_a_local() {
        let local = 0usize;
        let here = std::hint::black_box(&local) as *const usize as usize;
        let sp = current_stack_pointer();
        assert!(sp < here, "sp {sp:#x} local {here:#x}");
        assert!(here - sp < 1 << 20);
    }

    #[test]
    fn registers_are_captured() {
        let r = RegisterBuffer::capture();
        // The frame pointer or some callee-saved register is non-zero on
        // every supported target.
        #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
        assert!(r.words.iter().any(|w| *w != 0), "{r:?}");
        assert_eq!(
            r.as_range().end as usize - r.as_range().start as usize,
            8 * REGISTER_WORDS
        );
    }
}
