//! Size classes: every small allocation is rounded up to one of a fixed set
//! of cell sizes, and each block holds cells of a single size (Boehm-Weiser's
//! size-segregated heap). Sizes step by 8 bytes up to 64, by 16 up to 128,
//! then four classes per power of two, so internal fragmentation stays
//! under 25% and there are few enough classes for per-class free lists.

/// Largest size served from size-class blocks; bigger objects go to the
/// large-object space.
pub const MAX_SMALL: usize = 8192;

/// The cell sizes, ascending. Every one is a multiple of 8 and at least the
/// 16-byte header.
pub const CLASS_SIZES: [usize; 35] = [
    16, 24, 32, 40, 48, 56, 64, // step 8
    80, 96, 112, 128, // step 16
    160, 192, 224, 256, // four per power of two from here on
    320, 384, 448, 512, //
    640, 768, 896, 1024, //
    1280, 1536, 1792, 2048, //
    2560, 3072, 3584, 4096, //
    5120, 6144, 7168, 8192,
];

/// Number of size classes.
pub const NUM_CLASSES: usize = CLASS_SIZES.len();

/// Maps a request size to its class in O(1): one byte per 8-byte step.
#[derive(Clone)]
pub struct SizeClasses {
    by_words: Box<[u8]>,
}

impl Default for SizeClasses {
    fn default() -> Self {
        Self::new()
    }
}

impl SizeClasses {
    /// Builds the lookup table.
    pub fn new() -> SizeClasses {
        let mut by_words = vec![0u8; MAX_SMALL / 8 + 1];
        let mut class = 0;
        for (w, slot) in by_words.iter_mut().enumerate() {
            while CLASS_SIZES[class] < w * 8 {
                class += 1;
            }
            *slot = class as u8;
        }
        SizeClasses {
            by_words: by_words.into_boxed_slice(),
        }
    }

    /// The class serving `size` bytes (`size <= MAX_SMALL`).
    #[inline]
    pub fn class_of(&self, size: usize) -> usize {
        debug_assert!(size <= MAX_SMALL);
        self.by_words[size.div_ceil(8)] as usize
    }

    /// Cell size of `class`.
    #[inline]
    pub fn cell_size(class: usize) -> usize {
        CLASS_SIZES[class]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_size_gets_the_smallest_fitting_class() {
        let sc = SizeClasses::new();
        for size in (8..=MAX_SMALL).step_by(8) {
            let c = sc.class_of(size);
            assert!(CLASS_SIZES[c] >= size, "size {size} class {c}");
            if c > 0 {
                assert!(CLASS_SIZES[c - 1] < size.max(16), "size {size} not tight");
            }
        }
        assert_eq!(sc.class_of(16), 0);
        assert_eq!(sc.class_of(24), 1);
        assert_eq!(sc.class_of(MAX_SMALL), NUM_CLASSES - 1);
    }

    #[test]
    fn classes_are_ascending_and_aligned() {
        for w in CLASS_SIZES.windows(2) {
            assert!(w[0] < w[1]);
        }
        assert!(CLASS_SIZES.iter().all(|s| s % 8 == 0 && *s >= 16));
    }
}
